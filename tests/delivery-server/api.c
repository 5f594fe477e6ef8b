// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * api: one connection's request loop, the routing, and the small calls
 * (health, the order list, the manifest); downloads are in download.c,
 * reports in intake.c, the close of day's reports in day_intake.c (see
 * api.h for the rules they all follow).
 *
 * A request is handled in three steps: its body is read whole first (every
 * call but reports has none, and API_BODY_MAX bounds it), so that whatever
 * the answer, the stream stays in step for the next request; then the shop
 * is checked; then the route.  Only then is anything looked up.
 */
#include "api.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mbedtls/base64.h>

#include "api_conn.h"
#include "faults.h"
#include "layout.h"
#include "log.h"

#define HUGE_LIST_BYTES (2u * 1024 * 1024)
#define LIST_ENTRY_MAX (ORDER_ID_MAX + DB_STATE_MAX + 32)
#define SIG_B64_MAX (4 * ((MANIFEST_SIG_MAX + 2) / 3) + 1)

enum route_kind {
	ROUTE_HEALTH, ROUTE_ORDERS, ROUTE_MANIFEST, ROUTE_FILE, ROUTE_REPORTS, ROUTE_DAY_REPORTS
};

struct route {
	enum route_kind kind;
	char id[ORDER_ID_MAX + 1];
	unsigned idx;
	uint32_t shop; /* ROUTE_DAY_REPORTS: the shop in the path */
};

/* ---- the wire ---- */

static ssize_t wire_read(void *ctx, void *buf, size_t len, struct err *e)
{
	struct api_wire *w = ctx;
	ssize_t n = tls_read(w->tls, buf, len, e);

	if (n > 0)
		w->in += (uint64_t)n;
	return n;
}

static int wire_write(void *ctx, const void *buf, size_t len, struct err *e)
{
	struct api_wire *w = ctx;

	if (tls_write_all(w->tls, buf, len, e))
		return -1;
	w->out += len;
	return 0;
}

/* ---- answering ---- */

void api_reply(struct api_conn *c, struct api_reply *r, int status, const char *type,
	       const char *extra_headers, const void *body, size_t len)
{
	struct err e = { "" };

	r->status = status;
	if (http_write_response(&c->http, status, type, extra_headers, body, len,
				!c->close && c->req.keep_alive, &e)) {
		log_debug("api", "%s: answering %d: %s", c->peer, status, e.msg);
		c->close = true;
		return;
	}
	r->bytes = len;
}

/* The message as a JSON string body: {"error":"..."} (escapes " \ and controls). */
void api_reply_error(struct api_conn *c, struct api_reply *r, int status, const char *extra_headers,
		     const char *fmt, ...)
{
	char msg[ERR_MSG_MAX], body[2 * ERR_MSG_MAX + 32];
	size_t n = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n += (size_t)snprintf(body, sizeof(body), "{\"error\":\"");
	for (const char *p = msg; *p && n + 8 < sizeof(body); p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '"' || ch == '\\')
			n += (size_t)snprintf(body + n, sizeof(body) - n, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			n += (size_t)snprintf(body + n, sizeof(body) - n, "\\u%04x", ch);
		else
			body[n++] = (char)ch;
	}
	n += (size_t)snprintf(body + n, sizeof(body) - n, "\"}");
	api_reply(c, r, status, "application/json", extra_headers, body, n);
}

int api_pause(const struct api_env *env, unsigned ms)
{
	struct pollfd p = { .fd = env->stop_fd, .events = POLLIN };
	struct timespec end, now;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += ms / 1000;
	end.tv_nsec += (long)(ms % 1000) * 1000000;
	if (end.tv_nsec >= 1000000000) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000;
	}
	for (;;) {
		long left;
		int n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (long)(end.tv_sec - now.tv_sec) * 1000 + (end.tv_nsec - now.tv_nsec) / 1000000;
		if (left <= 0)
			return 0;
		n = poll(&p, 1, (int)left);
		if (n > 0)
			return -1;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

/* ---- routing ---- */

/* "0", "17": plain decimal without a leading zero, up to 99999. */
static int parse_index(const char *s, unsigned *out)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n != strlen(s) || n > 5 || (n > 1 && s[0] == '0'))
		return -1;
	*out = (unsigned)strtoul(s, NULL, 10);
	return 0;
}

/* "/v1/shops/{shop}/day-reports": 0, 404 (another path) or 400 (a shop
 * that is not 1..16777215 in plain decimal). */
static int route_shop(const char *target, struct route *r)
{
	static const char prefix[] = "/v1/shops/", suffix[] = "/day-reports";
	const char *p = target + sizeof(prefix) - 1;
	size_t n = strspn(p, "0123456789");
	unsigned long v;

	if (strcmp(p + n, suffix))
		return 404;
	if (n == 0 || n > 8 || p[0] == '0')
		return 400;
	v = strtoul(p, NULL, 10);
	if (v > 0xffffff)
		return 400;
	r->kind = ROUTE_DAY_REPORTS;
	r->shop = (uint32_t)v;
	return 0;
}

/* 0: routed; 404: no such path; 400: a malformed {id}, {idx} or {shop}. */
static int route_parse(const char *target, struct route *r)
{
	static const char prefix[] = "/v1/orders/";
	const char *p, *slash;
	size_t n;

	if (!strncmp(target, "/v1/shops/", 10))
		return route_shop(target, r);

	if (!strcmp(target, "/v1/health")) {
		r->kind = ROUTE_HEALTH;
		return 0;
	}
	if (!strcmp(target, "/v1/orders")) {
		r->kind = ROUTE_ORDERS;
		return 0;
	}
	if (strncmp(target, prefix, sizeof(prefix) - 1))
		return 404;
	p = target + sizeof(prefix) - 1;
	slash = strchr(p, '/');
	if (!slash)
		return 404;
	n = (size_t)(slash - p);
	if (n == 0 || n > ORDER_ID_MAX)
		return 400;
	memcpy(r->id, p, n);
	r->id[n] = '\0';
	if (!layout_order_id_ok(r->id))
		return 400;
	p = slash + 1;
	if (!strcmp(p, "manifest")) {
		r->kind = ROUTE_MANIFEST;
		return 0;
	}
	if (!strcmp(p, "reports")) {
		r->kind = ROUTE_REPORTS;
		return 0;
	}
	if (!strncmp(p, "files/", 6)) {
		r->kind = ROUTE_FILE;
		return parse_index(p + 6, &r->idx) ? 400 : 0;
	}
	return 404;
}

/* "shop-1001" → 1001 when that shop exists; 0 otherwise. */
static uint32_t shop_of(sqlite3 *db, const char *cn)
{
	struct err e = { "" };
	unsigned long v;
	bool exists;
	char *end;

	if (strncmp(cn, "shop-", 5) || cn[5] < '1' || cn[5] > '9' || strlen(cn + 5) > 8)
		return 0;
	v = strtoul(cn + 5, &end, 10);
	if (*end || v > 0xffffff)
		return 0;
	if (db_shop_exists(db, (uint32_t)v, &exists, &e)) {
		log_warn("api", "looking up %s: %s", cn, e.msg);
		return 0;
	}
	return exists ? (uint32_t)v : 0;
}

/* ---- the small calls ---- */

static void get_health(struct api_conn *c, struct api_reply *r)
{
	char body[96];
	int n;

	n = snprintf(body, sizeof(body), "{\"delivery_server\":%u,\"time\":%lld}",
		     (unsigned)c->env->server_id, (long long)time(NULL));
	api_reply(c, r, 200, "application/json", NULL, body, (size_t)n);
}

/* The order list, built as text: IDs are [A-Za-z0-9_-] and states fixed
 * words, so nothing needs escaping. */
struct listing {
	char *buf;
	size_t len, cap;
	size_t count;
	bool huge; /* an open order with the huge-list fault is listed */
	bool oom;
};

static void listing_add(struct listing *l, const char *text)
{
	size_t n = strlen(text);

	if (l->oom)
		return;
	if (l->len + n + 1 > l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4096;
		char *grown;

		while (cap < l->len + n + 1)
			cap *= 2;
		grown = realloc(l->buf, cap);
		if (!grown) {
			l->oom = true;
			return;
		}
		l->buf = grown;
		l->cap = cap;
	}
	memcpy(l->buf + l->len, text, n + 1);
	l->len += n;
}

static int listing_entry(void *arg, const char *id, const char *state, unsigned faults)
{
	struct listing *l = arg;
	char entry[LIST_ENTRY_MAX];

	snprintf(entry, sizeof(entry), "%s{\"id\":\"%s\",\"state\":\"%s\"}", l->count ? "," : "",
		 id, state);
	listing_add(l, entry);
	l->count++;
	if ((faults & FAULT_HUGE_LIST) && !strcmp(state, "open"))
		l->huge = true;
	return 0;
}

static void get_orders(struct api_conn *c, struct api_reply *r)
{
	struct listing l = { 0 };
	struct err e = { "" };
	char head[64];

	snprintf(head, sizeof(head), "{\"shop\":%u,\"orders\":[", (unsigned)c->shop);
	listing_add(&l, head);
	if (db_orders_listed(c->db, c->shop, API_LIST_MAX, listing_entry, &l, &e)) {
		api_reply_error(c, r, 500, NULL, "%s", e.msg);
		goto out_free;
	}
	listing_add(&l, "]}");
	if (l.huge && !l.oom && l.len + 13 < HUGE_LIST_BYTES) {
		/* fault huge-list: the same document, padded past the 1 MiB cap:
		 * "{" "\"padding\":\"" xxx "\"," and the rest after the "{" */
		size_t pad = HUGE_LIST_BYTES - 13 - l.len;
		char *out = malloc(HUGE_LIST_BYTES + 1);

		if (out) {
			memcpy(out, "{\"padding\":\"", 12);
			memset(out + 12, 'x', pad);
			memcpy(out + 12 + pad, "\",", 2);
			memcpy(out + 14 + pad, l.buf + 1, l.len); /* with its NUL */
			free(l.buf);
			l.buf = out;
			l.len = HUGE_LIST_BYTES;
		} else {
			l.oom = true;
		}
	}
	if (l.oom) {
		api_reply_error(c, r, 500, NULL, "out of memory");
		goto out_free;
	}
	api_reply(c, r, 200, "application/json", NULL, l.buf, l.len);
out_free:
	free(l.buf);
}

static void get_manifest(struct api_conn *c, struct api_reply *r, const struct db_order *o)
{
	unsigned char b64[SIG_B64_MAX];
	char header[SIG_B64_MAX + 32];
	uint8_t sig[MANIFEST_SIG_MAX];
	size_t len, sig_len, b64_len;
	struct err e = { "" };
	char *json;

	if (db_order_manifest(c->db, o->id, &json, &len, sig, &sig_len, &e)) {
		api_reply_error(c, r, 500, NULL, "%s", e.msg);
		return;
	}
	if (mbedtls_base64_encode(b64, sizeof(b64), &b64_len, sig, sig_len)) {
		api_reply_error(c, r, 500, NULL, "cannot encode the signature");
		goto out_free;
	}
	snprintf(header, sizeof(header), "Tenpo-Signature: %s\r\n", (const char *)b64);
	api_reply(c, r, 200, "application/json", header, json, len);
out_free:
	free(json);
}

/* ---- one request ---- */

static const char *allowed_method(enum route_kind k)
{
	return k == ROUTE_REPORTS || k == ROUTE_DAY_REPORTS ? "POST" : "GET";
}

static void dispatch(struct api_conn *c, struct api_reply *r, const char *body, size_t len)
{
	struct route rt;
	struct db_order o;
	struct err e = { "" };
	char allow[32];
	bool found;
	int status;

	status = route_parse(c->req.target, &rt);
	if (status == 404) {
		api_reply_error(c, r, 404, NULL, "no such resource");
		return;
	}
	if (status == 400) {
		api_reply_error(c, r, 400, NULL, "malformed order id, file index or shop id");
		return;
	}
	if (strcmp(c->req.method, allowed_method(rt.kind))) {
		snprintf(allow, sizeof(allow), "Allow: %s\r\n", allowed_method(rt.kind));
		api_reply_error(c, r, 405, allow, "method not allowed");
		return;
	}
	switch (rt.kind) {
	case ROUTE_HEALTH:
		get_health(c, r);
		return;
	case ROUTE_ORDERS:
		get_orders(c, r);
		return;
	case ROUTE_REPORTS:
		api_post_report(c, r, rt.id, body, len);
		return;
	case ROUTE_DAY_REPORTS:
		/* a shop speaks for itself only: the certificate decides */
		if (rt.shop != c->shop)
			api_reply_error(c, r, 403, NULL, "this certificate is shop %u's, not shop %u's",
					(unsigned)c->shop, (unsigned)rt.shop);
		else
			api_post_day_report(c, r, body, len);
		return;
	case ROUTE_MANIFEST:
	case ROUTE_FILE:
		break;
	}
	if (db_order_get(c->db, rt.id, c->shop, &o, &found, &e)) {
		api_reply_error(c, r, 500, NULL, "%s", e.msg);
		return;
	}
	if (!found) {
		api_reply_error(c, r, 404, NULL, "no order %s", rt.id);
		return;
	}
	if (rt.kind == ROUTE_MANIFEST)
		get_manifest(c, r, &o);
	else
		api_get_file(c, r, &o, rt.idx);
}

static void access_log(const struct api_conn *c, const struct api_reply *r)
{
	char shop[16];

	if (c->shop)
		snprintf(shop, sizeof(shop), "shop-%u", (unsigned)c->shop);
	else
		snprintf(shop, sizeof(shop), "-");
	log_info("access", "%s %s %s %.200s %d %" PRIu64, c->peer, shop, c->req.method,
		 c->req.target, r->status, r->bytes);
}

static void handle(struct api_conn *c)
{
	struct api_reply r = { 0, 0 };
	struct err e = { "" };
	char *body = NULL;
	size_t len = 0;

	if (c->http.body_left > API_BODY_MAX) {
		c->close = true; /* the body stays unread: the stream is done */
		api_reply_error(c, &r, 413, NULL, "request body larger than %d bytes", API_BODY_MAX);
		goto out_log;
	}
	if (c->http.body_left > 0 && http_read_body_all(&c->http, API_BODY_MAX, &body, &len, &e)) {
		c->close = true;
		r.status = 400;
		log_info("api", "%s: reading a request body: %s", c->peer, e.msg);
		goto out_log;
	}
	if (!c->shop) {
		api_reply_error(c, &r, 403, NULL, "certificate '%.64s' is not a shop's",
				tls_conn_peer_cn(c->wire.tls));
		goto out_log;
	}
	dispatch(c, &r, body, len);
out_log:
	access_log(c, &r);
	free(body);
}

static struct api_conn *conn_new(const struct api_env *env, struct tls_conn *tls,
				 const char *peer)
{
	struct api_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->env = env;
	c->peer = peer;
	c->wire.tls = tls;
	http_conn_init(&c->http, (struct http_stream){ &c->wire, wire_read, wire_write });
	return c;
}

/* A head that did not parse: 400 when the peer sent something, else the
 * connection simply ended (an idle keep-alive timing out says nothing). */
static void bad_head(struct api_conn *c, uint64_t in_before, const struct err *e)
{
	struct api_reply r = { 0, 0 };

	if (c->wire.in == in_before && c->http.len == c->http.pos) {
		log_debug("api", "%s: connection ended: %s", c->peer, e->msg);
		return;
	}
	c->close = true;
	c->req.method = "-";
	c->req.target = "-";
	c->req.keep_alive = false;
	api_reply_error(c, &r, 400, NULL, "malformed request: %s", e->msg);
	access_log(c, &r);
}

void api_serve(const struct api_env *env, struct tls_conn *tls, const char *peer)
{
	struct api_conn *c = conn_new(env, tls, peer);
	struct err e = { "" };

	if (!c) {
		log_error("api", "%s: out of memory", peer);
		return;
	}
	if (db_open(env->dir, false, &c->db, &e)) {
		log_error("api", "%s: %s", peer, e.msg);
		goto out_free;
	}
	c->shop = shop_of(c->db, tls_conn_peer_cn(tls));
	while (!c->close) {
		uint64_t before = c->wire.in;
		int rc = http_read_request_head(&c->http, &c->req, &e);

		if (rc == 1)
			break;
		if (rc < 0) {
			bad_head(c, before, &e);
			break;
		}
		if (!c->req.keep_alive)
			c->close = true;
		handle(c);
	}
out_free:
	db_close(c->db);
	free(c->chunk);
	free(c);
}

void api_refuse_busy(const struct api_env *env, struct tls_conn *tls, const char *peer)
{
	struct api_conn *c = conn_new(env, tls, peer);
	struct api_reply r = { 0, 0 };
	struct err e = { "" };

	if (!c)
		return;
	if (http_read_request_head(&c->http, &c->req, &e) == 0) {
		c->close = true;
		api_reply_error(c, &r, 503, "Retry-After: 1\r\n", "server busy");
		access_log(c, &r);
	}
	free(c);
}
