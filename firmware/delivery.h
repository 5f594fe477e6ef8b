/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * delivery: the kiosk's client of the delivery protocol (firmware/PROTOCOL.md).
 *
 * One struct delivery holds the TLS client (keys loaded once) and at most one
 * kept-alive connection.  Requests carry `Host: server_name[:port]` (the
 * port when not 443), the name the kiosk verifies in the certificate, so
 * name-based virtual hosts route them, and `Accept-Encoding: identity`.
 *
 * Every failure has a class.  Transient — a refused or dropped connection,
 * a stalled server, a truncated body, a 5xx — is retried up to
 * config.retries attempts, sleeping retry_base_ms × 2^attempt with ±50 %
 * jitter between them (a 503's Retry-After is honoured, bounded).
 * Permanent — a TLS refusal (certificate, version, cipher suites), an
 * answer that breaks HTTP (an oversized head, bad chunking) or the protocol
 * (a Content-Encoding, malformed JSON) — is not retried: the call returns
 * -1 at once and the next sync pass tries again.  A 4xx is the server's
 * definite answer: DELIVERY_REJECTED where a call says so.
 * Caps: order list and manifest bodies at 1 MiB, report answers at 64 KiB,
 * whether framed by Content-Length or chunked.
 *
 * Downloads stream: delivery_fetch_file() hands each run of bytes to a sink
 * in order, from `offset`, and when a transfer breaks it resumes with
 * `Range: bytes=N-` from where the sink got to, so the sink never sees a
 * byte twice.  A server that answers 200 (it ignores Range) to a ranged
 * request sends the whole file: the sink is told to restart (drop what it
 * has) and the 200 body is taken as the file from byte 0.
 *
 * Threads: a struct delivery is used by one thread at a time.
 */
#ifndef TENPO_DELIVERY_H
#define TENPO_DELIVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "err.h"
#include "manifest.h"

#define DELIVERY_LIST_MAX_BYTES (1024 * 1024)
#define DELIVERY_LIST_MAX_ORDERS 10000

/* Returned instead of -1 when the failure is definite (see each call). */
#define DELIVERY_REJECTED (-2)

/* What the calls met, as a code for the staff screen (never prose to
 * search): in order of weight, so that a pass reports its worst. */
enum delivery_outcome {
	DELIVERY_OK,
	DELIVERY_HTTP_ERROR,     /* the server answered 4xx or 5xx */
	DELIVERY_PROTOCOL_ERROR, /* the answer broke HTTP or the protocol */
	DELIVERY_TLS_REFUSED,    /* connected, but TLS was refused either way */
	DELIVERY_UNREACHABLE,    /* no connection, or it broke or stalled */
	DELIVERY_OUTCOME_COUNT
};

struct delivery;

struct delivery_listing {
	char id[ORDER_ID_MAX + 1];
	bool cancelled;
};

/* Loads the keys named in c; does not connect yet. */
int delivery_open(struct delivery **out, const struct config *c, struct err *e);
void delivery_close(struct delivery *d);

/* The weightiest outcome of the calls that failed since the last take
 * (DELIVERY_OK when none did); resets it.  A call that succeeded after a
 * retry counts as OK. */
enum delivery_outcome delivery_take_outcome(struct delivery *d);
const char *delivery_outcome_name(enum delivery_outcome o); /* "TLS refused" */

/* GET /v1/health: the server's ID and clock, and how long the server
 * certificate stays valid (Unix time).  Used by the staff network screen. */
int delivery_health(struct delivery *d, uint16_t *server_id, int64_t *server_time,
		    int64_t *cert_not_after, struct err *e);

/* GET /v1/orders.  *out is malloc'ed (free()). */
int delivery_list_orders(struct delivery *d, struct delivery_listing **out, size_t *n,
			 struct err *e);

/* The body of GET /v1/orders, parsed and checked (exposed for fuzzing). */
/* The body of GET /v1/health: {"delivery_server": ID, "time": UNIX}.  Exposed
 * for the fuzzer, like the order list's parser below. */
int delivery_parse_health(const char *body, size_t len, uint16_t *server_id,
			  int64_t *server_time, struct err *e);

int delivery_parse_order_list(const char *body, size_t len, struct delivery_listing **out,
			      size_t *n, struct err *e);

/* GET /v1/orders/{id}/manifest: the exact body (malloc'ed, NUL-terminated,
 * caller frees) and the decoded signature (sig holds MANIFEST_SIG_MAX).
 * DELIVERY_REJECTED when the answer is definite and wrong (4xx, larger than
 * MANIFEST_MAX_BYTES, no signature): fetching again would not help. */
int delivery_fetch_manifest(struct delivery *d, const char *id, char **json,
			    size_t *len, uint8_t *sig, size_t *sig_len, struct err *e);

/* Receives downloaded bytes in order.  Return 0 to go on, -1 to stop the
 * download (the sink's message is passed up unchanged, and not retried). */
typedef int (*delivery_sink)(void *arg, const void *buf, size_t len, struct err *e);

/* The server ignored Range: drop every byte received so far (of this call
 * and before it, from `offset`); the next bytes the sink gets are the
 * file's from byte 0.  Return 0, or -1 to stop (like a sink). */
typedef int (*delivery_restart)(void *arg, struct err *e);

/* GET /v1/orders/{id}/files/{idx} from offset up to size (the manifest's).
 * A body longer than announced, or a total that disagrees with size, is an
 * error. */
int delivery_fetch_file(struct delivery *d, const char *id, unsigned idx,
			uint64_t offset, uint64_t size, delivery_sink sink,
			delivery_restart restart, void *arg, struct err *e);

/* POST /v1/orders/{id}/reports.  0: acknowledged (also as a duplicate) —
 * only by a 2xx whose body is the protocol's JSON object echoing report_id
 * (a captive portal's 200 page acknowledges nothing);
 * DELIVERY_REJECTED: the server refused it for good (4xx, message in e);
 * -1: not delivered this time. */
int delivery_post_report(struct delivery *d, const char *order_id, const char *report_id,
			 const char *body, size_t len, struct err *e);

/* POST /v1/shops/{shop}/day-reports: a close of day's report, answered and
 * acknowledged as delivery_post_report() (409: another body was recorded
 * under this report_id, DELIVERY_REJECTED). */
int delivery_post_day_report(struct delivery *d, uint32_t shop, const char *report_id,
			     const char *body, size_t len, struct err *e);

#endif
