/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * api_conn: what api.c shares with its two larger handlers, download.c
 * (GET .../files/{idx}) and intake.c (POST .../reports): the per-connection
 * state and the ways to answer.  Not used outside the api.
 */
#ifndef TENPO_DS_API_CONN_H
#define TENPO_DS_API_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "api.h"
#include "db.h"
#include "http.h"

/* The http_stream under a connection: a tls_conn, counting what passes. */
struct api_wire {
	struct tls_conn *tls;
	uint64_t in, out;
};

/* What one request got, for the access log. */
struct api_reply {
	int status;
	uint64_t bytes; /* body bytes sent */
};

struct api_conn {
	const struct api_env *env;
	const char *peer;
	struct api_wire wire;
	sqlite3 *db;
	uint32_t shop;     /* 0: the certificate is not a known shop's */
	bool close;        /* close after this answer */
	uint8_t *chunk;    /* API_DOWNLOAD_CHUNK bytes, made on first download */
	struct http_conn http;
	struct http_message req;
};

/* Writes a whole answer; a failed write sets c->close. */
void api_reply(struct api_conn *c, struct api_reply *r, int status, const char *type,
	       const char *extra_headers, const void *body, size_t len);

/* {"error": "<message>"} with the status (extra_headers: NULL or lines). */
void api_reply_error(struct api_conn *c, struct api_reply *r, int status, const char *extra_headers,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Sleeps ms; -1 at once when the server is stopping. */
int api_pause(const struct api_env *env, unsigned ms);

void api_get_file(struct api_conn *c, struct api_reply *r, const struct db_order *o,
		  unsigned idx);

void api_post_report(struct api_conn *c, struct api_reply *r, const char *order_id,
		     const char *body, size_t len);

#endif
