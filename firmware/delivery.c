// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The delivery client: every call is "attempt, classify, maybe back off and
 * attempt again".
 *
 * An attempt ends in one of three classes:
 *   DONE      — the call succeeded;
 *   TRANSIENT — the transport failed (unreachable, broken off, stalled) or
 *               the server said 5xx: the connection is dropped and the next
 *               attempt reconnects after a backoff;
 *   PERMANENT — the server's settings or bytes are wrong (a TLS refusal, an
 *               answer that breaks HTTP or the protocol): no retry in this
 *               call would change it, but the next sync pass tries again
 *               (the call returns -1);
 *   REJECTED  — the answer was definite about this request (4xx, an answer
 *               over its cap): the call returns DELIVERY_REJECTED.
 * Each failure also records what it was (enum delivery_outcome, d->last);
 * a public call that fails for good folds it into d->seen for the staff
 * screen (delivery_take_outcome).
 * A kept-alive connection that the server closed while idle fails on its
 * first use; that one failure is retried at once and does not count, since
 * it says nothing about the server's health.
 *
 * The download loop counts attempts per lack of progress: an attempt that
 * moved bytes resets the count, so a long download over a poor line
 * finishes as long as it keeps moving, while a server that stalls at the
 * same byte gives up after `retries` tries.
 */
#include "delivery.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <mbedtls/base64.h>

#include "http.h"
#include "log.h"
#include "tls.h"

#define BODY_CHUNK (256 * 1024)
#define REPORT_ANSWER_MAX (64 * 1024)
#define RETRY_AFTER_MAX_S 60

enum outcome { DONE = 0, TRANSIENT = -1, PERMANENT = -2, REJECTED = -3 };

struct delivery {
	char host[256];
	char host_header[300];    /* server_name[:port], what name-based virtual
				     hosts route by */
	uint16_t port;
	enum delivery_outcome last; /* the current call's last failure */
	enum delivery_outcome seen; /* the weightiest since delivery_take_outcome */
	unsigned retries;
	unsigned retry_base_ms;
	struct tls_client *tls;
	struct tls_conn *conn;
	bool conn_used;           /* a request already went over conn */
	unsigned retry_after_s;   /* from the last 503, 0 when none */
	uint64_t jitter;          /* xorshift state */
	struct http_conn http;
	struct http_message msg;
	uint8_t chunk[BODY_CHUNK];
};

static ssize_t stream_read(void *ctx, void *buf, size_t len, struct err *e)
{
	return tls_read(ctx, buf, len, e);
}

static int stream_write(void *ctx, const void *buf, size_t len, struct err *e)
{
	return tls_write_all(ctx, buf, len, e);
}

int delivery_open(struct delivery **out, const struct config *c, struct err *e)
{
	struct tls_client_conf tc = {
		.ca_path = c->ca,
		.cert_path = c->cert,
		.key_path = c->key,
		.server_name = c->server_name,
		.connect_timeout_ms = c->connect_timeout_s * 1000,
		.io_timeout_ms = c->io_timeout_s * 1000,
	};
	struct delivery *d;

	d = calloc(1, sizeof(*d));
	if (!d)
		return err_fail(e, "out of memory");
	if (tls_client_new(&d->tls, &tc, e)) {
		free(d);
		return -1;
	}
	snprintf(d->host, sizeof(d->host), "%s", c->server_host);
	d->port = c->server_port;
	if (c->server_port == 443)
		snprintf(d->host_header, sizeof(d->host_header), "%s", c->server_name);
	else
		snprintf(d->host_header, sizeof(d->host_header), "%s:%u", c->server_name,
			 (unsigned)c->server_port);
	d->retries = c->retries ? c->retries : 1;
	d->retry_base_ms = c->retry_base_ms;
	if (getrandom(&d->jitter, sizeof(d->jitter), 0) != sizeof(d->jitter) || !d->jitter)
		d->jitter = (uint64_t)time(NULL) | 1;
	*out = d;
	return 0;
}

static void drop_connection(struct delivery *d)
{
	tls_close(d->conn);
	d->conn = NULL;
	d->conn_used = false;
}

void delivery_close(struct delivery *d)
{
	if (!d)
		return;
	drop_connection(d);
	tls_client_free(d->tls);
	free(d);
}

/* Records what went wrong in this attempt; returns its class. */
static enum outcome failed(struct delivery *d, enum delivery_outcome what, enum outcome cls)
{
	d->last = what;
	return cls;
}

/* A public call ends: a failure is remembered for the network view. */
static int call_ended(struct delivery *d, int rc)
{
	if (rc && d->last > d->seen)
		d->seen = d->last;
	return rc;
}

enum delivery_outcome delivery_take_outcome(struct delivery *d)
{
	enum delivery_outcome o = d->seen;

	d->seen = DELIVERY_OK;
	return o;
}

const char *delivery_outcome_name(enum delivery_outcome o)
{
	static const char *const names[] = {
		[DELIVERY_OK] = "ok",
		[DELIVERY_HTTP_ERROR] = "HTTP error",
		[DELIVERY_PROTOCOL_ERROR] = "protocol error",
		[DELIVERY_TLS_REFUSED] = "TLS refused",
		[DELIVERY_UNREACHABLE] = "unreachable",
	};
	_Static_assert(sizeof(names) / sizeof(names[0]) == DELIVERY_OUTCOME_COUNT,
		       "every outcome has its name");

	return (unsigned)o < DELIVERY_OUTCOME_COUNT ? names[o] : "?";
}

static enum outcome ensure_connected(struct delivery *d, struct err *e)
{
	if (d->conn)
		return DONE;
	if (tls_connect(d->tls, d->host, d->port, &d->conn, e))
		return tls_client_last_failure(d->tls) == TLS_CONNECT_REFUSED
			       ? failed(d, DELIVERY_TLS_REFUSED, PERMANENT)
			       : failed(d, DELIVERY_UNREACHABLE, TRANSIENT);
	http_conn_init(&d->http, (struct http_stream){ d->conn, stream_read, stream_write });
	return DONE;
}

/* A body coding the kiosk never asks for (it sends Accept-Encoding:
 * identity) would reach the JSON parser or the spool as garbage. */
static enum outcome check_encoding(struct delivery *d, struct err *e)
{
	const char *ce = http_header(&d->msg, "content-encoding");

	if (!ce || !strcasecmp(ce, "identity"))
		return DONE;
	drop_connection(d);
	err_fail(e, "server sent a %s body (Content-Encoding) the kiosk did not ask for: "
		 "turn compression off for this client (nginx: the kiosk sends "
		 "Accept-Encoding: identity; do not force gzip)",
		 !strcasecmp(ce, "gzip") ? "gzip-compressed"
		 : !strcasecmp(ce, "deflate") ? "deflate-compressed"
		 : !strcasecmp(ce, "br") ? "brotli-compressed" : "content-encoded");
	return failed(d, DELIVERY_PROTOCOL_ERROR, PERMANENT);
}

static void backoff(struct delivery *d, unsigned attempt)
{
	uint64_t ms = (uint64_t)d->retry_base_ms << (attempt < 16 ? attempt : 16);
	struct timespec ts;

	if (d->retry_after_s) {
		ms = (uint64_t)d->retry_after_s * 1000;
		d->retry_after_s = 0;
	} else {
		/* ±50 % jitter, so that kiosks that lost the server together do
		 * not come back together */
		d->jitter ^= d->jitter << 13;
		d->jitter ^= d->jitter >> 7;
		d->jitter ^= d->jitter << 17;
		ms = ms / 2 + d->jitter % (ms + 1);
	}
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Sends a request and reads the answer's head into d->msg.  A stale
 * keep-alive connection is replaced once, silently. */
static enum outcome send_request(struct delivery *d, const char *method, const char *path,
				 const char *extra, const void *body, size_t len,
				 struct err *e)
{
	char headers[512];

	snprintf(headers, sizeof(headers), "Accept-Encoding: identity\r\n%s", extra);
	for (int fresh = 0; fresh < 2; fresh++) {
		enum outcome o = ensure_connected(d, e);
		bool reused;

		if (o != DONE)
			return o;
		reused = d->conn_used;
		d->conn_used = true;
		if (!http_write_request(&d->http, method, path, d->host_header, headers, body, len,
					e) &&
		    !http_read_response_head(&d->http, &d->msg, e))
			return check_encoding(d, e);
		drop_connection(d);
		if (d->http.malformed) /* the server's bytes, not the line */
			return failed(d, DELIVERY_PROTOCOL_ERROR, PERMANENT);
		if (!reused)
			return failed(d, DELIVERY_UNREACHABLE, TRANSIENT);
		log_debug("delivery", "kept-alive connection was closed; reconnecting");
	}
	return failed(d, DELIVERY_UNREACHABLE, TRANSIENT);
}

/* After an answer's body has been read: keep the connection or not. */
static void finish_answer(struct delivery *d)
{
	if (!d->msg.keep_alive)
		drop_connection(d);
}

/* Maps a status to an outcome, reading the error body for the message. */
static enum outcome classify_status(struct delivery *d, const char *what, struct err *e)
{
	int status = d->msg.status;
	char text[200] = "";
	char *body = NULL;
	size_t len;

	if (status >= 200 && status < 300)
		return DONE;
	if (!http_read_body_all(&d->http, 4096, &body, &len, NULL)) {
		cJSON *j = cJSON_ParseWithLength(body, len);
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(j, "error");

		if (cJSON_IsString(msg))
			snprintf(text, sizeof(text), ": %s", msg->valuestring);
		cJSON_Delete(j);
		free(body);
		finish_answer(d);
	} else {
		drop_connection(d);
	}
	for (char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	err_fail(e, "%s: server answered %d%s", what, status, text);
	if (status == 503) {
		const char *ra = http_header(&d->msg, "retry-after");
		long s = ra ? strtol(ra, NULL, 10) : 0;

		d->retry_after_s = s > 0 ? (unsigned)(s < RETRY_AFTER_MAX_S ? s : RETRY_AFTER_MAX_S)
					 : 0;
	}
	return failed(d, DELIVERY_HTTP_ERROR, status >= 500 ? TRANSIENT : REJECTED);
}

/* One request whose answer body is read whole (JSON, manifests). */
static enum outcome call_once(struct delivery *d, const char *method, const char *path,
			      const char *body, size_t len, size_t cap, char **answer,
			      size_t *answer_len, struct err *e)
{
	const char *extra = body ? "Content-Type: application/json\r\n" : "";
	enum outcome o;

	o = send_request(d, method, path, extra, body, body ? len : 0, e);
	if (o != DONE)
		return o;
	o = classify_status(d, path, e);
	if (o != DONE)
		return o;
	if (d->msg.content_length > (int64_t)cap) {
		/* too large is the server's choice, not an accident: no retry */
		drop_connection(d);
		err_fail(e, "answer of %" PRId64 " bytes exceeds the %zu-byte limit",
			 d->msg.content_length, cap);
		return failed(d, DELIVERY_PROTOCOL_ERROR, REJECTED);
	}
	if (http_read_body_all(&d->http, cap, answer, answer_len, e)) {
		drop_connection(d);
		return d->http.malformed ? failed(d, DELIVERY_PROTOCOL_ERROR, PERMANENT)
					 : failed(d, DELIVERY_UNREACHABLE, TRANSIENT);
	}
	finish_answer(d);
	return DONE;
}

static int call(struct delivery *d, const char *method, const char *path,
		const char *body, size_t len, size_t cap, char **answer, size_t *answer_len,
		struct err *e)
{
	d->last = DELIVERY_OK;
	for (unsigned attempt = 0;; attempt++) {
		enum outcome o = call_once(d, method, path, body, len, cap, answer, answer_len, e);

		if (o == DONE)
			return 0;
		if (o == REJECTED)
			return call_ended(d, DELIVERY_REJECTED);
		if (o == PERMANENT || attempt + 1 >= d->retries)
			return call_ended(d, -1);
		log_info("delivery", "%s %s failed (%s); retrying", method, path,
			 e ? e->msg : "?");
		backoff(d, attempt);
	}
}

int delivery_parse_health(const char *body, size_t len, uint16_t *server_id,
			  int64_t *server_time, struct err *e)
{
	cJSON *j = cJSON_ParseWithLength(body, len);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "delivery_server");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "time");
	int rc = -1;

	/* ranges before conversion: an out-of-range double is UB to cast */
	if (!cJSON_IsNumber(id) || !(id->valuedouble >= 0) || id->valuedouble > 65535 ||
	    !cJSON_IsNumber(t) || !(t->valuedouble >= 0) || t->valuedouble > 253402300799.0) {
		err_fail(e, "health: malformed answer");
	} else {
		*server_id = (uint16_t)id->valuedouble;
		*server_time = (int64_t)t->valuedouble;
		rc = 0;
	}
	cJSON_Delete(j);
	return rc;
}

int delivery_health(struct delivery *d, uint16_t *server_id, int64_t *server_time,
		    int64_t *cert_not_after, struct err *e)
{
	char *body = NULL;
	size_t len;
	int rc;

	if (call(d, "GET", "/v1/health", NULL, 0, 4096, &body, &len, e))
		return -1;
	rc = delivery_parse_health(body, len, server_id, server_time, e);
	if (!rc)
		*cert_not_after = d->conn ? tls_conn_peer_not_after(d->conn) : 0;
	free(body);
	return call_ended(d, rc ? (d->last = DELIVERY_PROTOCOL_ERROR, -1) : 0);
}

int delivery_parse_order_list(const char *body, size_t len, struct delivery_listing **out,
			       size_t *n, struct err *e)
{
	struct delivery_listing *list = NULL;
	const cJSON *orders, *o;
	size_t count = 0;
	cJSON *j;
	int rc = -1;

	if (len > DELIVERY_LIST_MAX_BYTES)
		return err_fail(e, "order list: larger than %d bytes", DELIVERY_LIST_MAX_BYTES);
	j = cJSON_ParseWithLength(body, len);
	orders = cJSON_GetObjectItemCaseSensitive(j, "orders");
	if (!cJSON_IsArray(orders)) {
		err_fail(e, "order list: malformed JSON (no \"orders\" array)");
		goto out;
	}
	if (cJSON_GetArraySize(orders) > DELIVERY_LIST_MAX_ORDERS) {
		err_fail(e, "order list: more than %d orders", DELIVERY_LIST_MAX_ORDERS);
		goto out;
	}
	list = calloc((size_t)cJSON_GetArraySize(orders) + 1, sizeof(*list));
	if (!list) {
		err_fail(e, "out of memory");
		goto out;
	}
	cJSON_ArrayForEach(o, orders) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
		const cJSON *state = cJSON_GetObjectItemCaseSensitive(o, "state");

		if (!cJSON_IsString(id) || !order_id_ok(id->valuestring) ||
		    !cJSON_IsString(state) ||
		    (strcmp(state->valuestring, "open") && strcmp(state->valuestring, "cancelled"))) {
			err_fail(e, "order list: entry %zu is malformed", count);
			goto out;
		}
		snprintf(list[count].id, sizeof(list[count].id), "%s", id->valuestring);
		list[count].cancelled = !strcmp(state->valuestring, "cancelled");
		count++;
	}
	*out = list;
	*n = count;
	list = NULL;
	rc = 0;
out:
	free(list);
	cJSON_Delete(j);
	return rc;
}

int delivery_list_orders(struct delivery *d, struct delivery_listing **out, size_t *n,
			 struct err *e)
{
	char *body = NULL;
	size_t len;
	int rc;

	if (call(d, "GET", "/v1/orders", NULL, 0, DELIVERY_LIST_MAX_BYTES, &body, &len, e))
		return err_wrap(e, "order list");
	rc = delivery_parse_order_list(body, len, out, n, e);
	free(body);
	return call_ended(d, rc ? (d->last = DELIVERY_PROTOCOL_ERROR, -1) : 0);
}

int delivery_fetch_manifest(struct delivery *d, const char *id, char **json, size_t *len,
			    uint8_t *sig, size_t *sig_len, struct err *e)
{
	char path[128];
	const char *sig64;
	char *body = NULL;
	size_t blen;
	int rc;

	if (!order_id_ok(id))
		return err_fail(e, "manifest: bad order id");
	snprintf(path, sizeof(path), "/v1/orders/%s/manifest", id);
	rc = call(d, "GET", path, NULL, 0, MANIFEST_MAX_BYTES, &body, &blen, e);
	if (rc) {
		err_wrap(e, "manifest");
		return rc;
	}
	/* d->msg still holds this answer's head */
	sig64 = http_header(&d->msg, "tenpo-signature");
	if (!sig64 || mbedtls_base64_decode(sig, MANIFEST_SIG_MAX, sig_len,
					    (const unsigned char *)sig64, strlen(sig64))) {
		free(body);
		err_fail(e, "manifest: missing or malformed Tenpo-Signature");
		d->last = DELIVERY_PROTOCOL_ERROR;
		return call_ended(d, DELIVERY_REJECTED);
	}
	*json = body;
	*len = blen;
	return 0;
}

/* Checks that a download answer covers [from, size) (a 200 here is for
 * from 0: a restart was made before). */
static enum outcome check_range(struct delivery *d, uint64_t from, uint64_t size,
				struct err *e)
{
	const char *cr = http_header(&d->msg, "content-range");
	uint64_t start, end, total;

	if (d->msg.status != 206 && (from || d->msg.status != 200)) {
		err_fail(e, "unexpected status %d", d->msg.status);
		return failed(d, DELIVERY_PROTOCOL_ERROR, PERMANENT);
	}
	if (d->msg.status == 206) {
		if (!cr || http_parse_content_range(cr, &start, &end, &total)) {
			err_fail(e, "malformed Content-Range");
			return failed(d, DELIVERY_PROTOCOL_ERROR, PERMANENT);
		}
		if (start != from || total != size || end + 1 != size) {
			err_fail(e, "Content-Range %s does not match bytes %" PRIu64 "-%" PRIu64
				 "/%" PRIu64, cr, from, size - 1, size);
			return failed(d, DELIVERY_PROTOCOL_ERROR, PERMANENT);
		}
	}
	if (d->msg.chunked) {
		/* no length up front: the chunks may not go past the manifest's */
		http_limit_body(&d->http, size - from);
		return DONE;
	}
	if (d->msg.content_length < 0 || (uint64_t)d->msg.content_length != size - from) {
		err_fail(e, "server sends %" PRId64 " bytes, the manifest says %" PRIu64,
			 d->msg.content_length, size - from);
		return failed(d, DELIVERY_PROTOCOL_ERROR, PERMANENT);
	}
	return DONE;
}

/* A body read failed: the server's bytes, or the line. */
static enum outcome read_failed(struct delivery *d)
{
	return d->http.malformed ? failed(d, DELIVERY_PROTOCOL_ERROR, PERMANENT)
				 : failed(d, DELIVERY_UNREACHABLE, TRANSIENT);
}

int delivery_fetch_file(struct delivery *d, const char *id, unsigned idx,
			uint64_t offset, uint64_t size, delivery_sink sink,
			delivery_restart restart, void *arg, struct err *e)
{
	char path[128], range[64];
	unsigned attempt = 0;
	uint64_t reached = offset; /* the furthest byte any attempt got to */

	if (!order_id_ok(id))
		return err_fail(e, "download: bad order id");
	snprintf(path, sizeof(path), "/v1/orders/%s/files/%u", id, idx);
	d->last = DELIVERY_OK;
	while (offset < size) {
		enum outcome o;

		range[0] = '\0';
		if (offset)
			snprintf(range, sizeof(range), "Range: bytes=%" PRIu64 "-\r\n", offset);
		o = send_request(d, "GET", path, range, NULL, 0, e);
		if (o == DONE)
			o = classify_status(d, path, e);
		if (o == DONE && offset && d->msg.status == 200) {
			/* The server ignores Range and sends the whole file: take it
			 * as that, from byte 0 (discarding it would repeat at every
			 * pass and the order would never complete). */
			log_info("delivery", "order %s file %u: server ignored Range (status 200); "
				 "restarting the file from byte 0", id, idx);
			if (restart(arg, e)) {
				drop_connection(d);
				d->last = DELIVERY_OK;
				return -1; /* the sink's own words */
			}
			offset = 0;
		}
		if (o == DONE)
			o = check_range(d, offset, size, e);
		while (o == DONE && offset < size) {
			ssize_t n = http_read_body(&d->http, d->chunk, sizeof(d->chunk), e);

			if (n < 0) {
				o = read_failed(d);
				break;
			}
			if (n == 0) {
				/* only a chunked body can end early, and it said so */
				err_fail(e, "body ended at byte %" PRIu64 " of %" PRIu64, offset, size);
				o = failed(d, DELIVERY_PROTOCOL_ERROR, PERMANENT);
				break;
			}
			if (sink(arg, d->chunk, (size_t)n, e)) {
				drop_connection(d);
				d->last = DELIVERY_OK;
				return -1; /* the sink's own words */
			}
			offset += (uint64_t)n;
		}
		/* a chunked body still owes its last chunk, and nothing more */
		if (o == DONE && http_body_chunked(&d->http) &&
		    http_read_body(&d->http, d->chunk, 1, e) != 0)
			o = read_failed(d);
		if (o == DONE) {
			finish_answer(d);
			break;
		}
		drop_connection(d);
		if (o != TRANSIENT)
			return call_ended(d, err_wrap(e, "order %s file %u", id, idx));
		if (offset > reached) {
			reached = offset;
			attempt = 0;
		}
		if (++attempt >= d->retries)
			return call_ended(d, err_wrap(e, "order %s file %u", id, idx));
		log_info("delivery", "order %s file %u: %s; resuming at byte %" PRIu64, id, idx,
			 e ? e->msg : "?", offset);
		backoff(d, attempt - 1);
	}
	return 0;
}

/* The protocol's acknowledgement: a JSON object echoing report_id.  Any
 * other 2xx (a captive portal's page, a proxy's) acknowledges nothing. */
static int check_report_ack(const char *answer, size_t len, const char *report_id,
			    struct err *e)
{
	cJSON *j = cJSON_ParseWithLength(answer, len);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "report_id");
	int rc = 0;

	if (!cJSON_IsObject(j))
		rc = err_fail(e, "report %s: the answer is not the protocol's JSON (a captive "
			      "portal or a proxy in the way?); not acknowledged", report_id);
	else if (!cJSON_IsString(id) || strcmp(id->valuestring, report_id))
		rc = err_fail(e, "report %s: the answer does not echo its report_id; not "
			      "acknowledged", report_id);
	cJSON_Delete(j);
	return rc;
}

/* POSTs a report and takes only the protocol's acknowledgement. */
static int post_acked(struct delivery *d, const char *path, const char *report_id,
		      const char *body, size_t len, struct err *e)
{
	char *answer = NULL;
	size_t alen;
	int rc;

	rc = call(d, "POST", path, body, len, REPORT_ANSWER_MAX, &answer, &alen, e);
	if (!rc && check_report_ack(answer, alen, report_id, e)) {
		d->last = DELIVERY_PROTOCOL_ERROR;
		rc = call_ended(d, -1);
	}
	free(answer);
	return rc;
}

int delivery_post_report(struct delivery *d, const char *order_id, const char *report_id,
			 const char *body, size_t len, struct err *e)
{
	char path[128];

	if (!order_id_ok(order_id))
		return err_fail(e, "report: bad order id");
	snprintf(path, sizeof(path), "/v1/orders/%s/reports", order_id);
	return post_acked(d, path, report_id, body, len, e);
}

int delivery_post_day_report(struct delivery *d, uint32_t shop, const char *report_id,
			     const char *body, size_t len, struct err *e)
{
	char path[64];

	if (shop < 1 || shop > 16777215)
		return err_fail(e, "day report: bad shop id");
	snprintf(path, sizeof(path), "/v1/shops/%" PRIu32 "/day-reports", shop);
	return post_acked(d, path, report_id, body, len, e);
}
