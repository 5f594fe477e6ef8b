/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * api: the delivery protocol's calls (firmware/PROTOCOL.md), server side,
 * over one established TLS connection.
 *
 *   GET  /v1/health                      200 {"delivery_server", "time"}
 *   GET  /v1/orders                      the shop's listed orders
 *   GET  /v1/orders/{id}/manifest        the signed bytes + Tenpo-Signature
 *   GET  /v1/orders/{id}/files/{idx}     the prepared file; Range → 206/416
 *   POST /v1/orders/{id}/reports         recorded once per report_id
 *   POST /v1/shops/{shop}/day-reports    a close of day, checked against the
 *                                        shop's delivered reports (day_intake.c)
 *
 * Who is asking: the client certificate's CN must be "shop-<id>" of a shop
 * in the database, else every request gets 403; a day report for a shop
 * other than the certificate's gets 403 too.  An order of another shop
 * is answered exactly like an unknown one (404).
 *
 * Trust: {id} must be 1..64 of [A-Za-z0-9_-] and {idx} plain decimal
 * without leading zeros, else 400; the file path is then built from the
 * order row's ID and the index, never from the request's text.  Request
 * bodies are capped at API_BODY_MAX (413, then the connection closes).  A
 * malformed request gets 400 {"error": ...} and the connection closes,
 * since the stream can no longer be trusted to be in step.
 *
 * Each connection opens its own SQLite connection.  One access-log line per
 * request: peer, shop, method, path, status, body bytes sent.
 */
#ifndef TENPO_DS_API_H
#define TENPO_DS_API_H

#include <pthread.h>
#include <stdint.h>

#include "tls.h"

#define API_BODY_MAX (64 * 1024)
#define API_DOWNLOAD_CHUNK (256 * 1024)
#define API_LIST_MAX 10000

struct api_env {
	const char *dir;
	uint16_t server_id;
	uint64_t throttle;          /* download bytes/s per connection; 0: no limit */
	int stop_fd;                /* becomes readable when the server stops */
	pthread_mutex_t *json_lock; /* cJSON_Parse() writes a global on errors */
};

/* Answers requests until the peer closes, an error, or the server stops. */
void api_serve(const struct api_env *env, struct tls_conn *tls, const char *peer);

/* Reads one request and answers 503 (Retry-After: 1): the server is full. */
void api_refuse_busy(const struct api_env *env, struct tls_conn *tls, const char *peer);

#endif
