// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * delivery: the protocol client against a scripted server over loopback
 * TLS, for what real servers do that the reference server does not: ignore
 * Range, answer a report with someone else's page, send chunked or gzip
 * bodies, route by Host.
 *
 * The group setup runs `tenpo-delivery init` (from TENPO_BUILD, as
 * tests/run.sh sets it) for a PKI and a shop's config.  A server thread
 * accepts connections on a loopback port and answers each request with the
 * next scripted response, recording what it was asked (request line, Host,
 * Range, body); an empty answer is no answer (a stalled server).  Timeouts
 * are safety nets, never asserted on, but one: the stall test waits the
 * client's io_timeout_s (1 s) out.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "delivery.h"
#include "http.h"
#include "tls.h"

#define MAX_STEPS 8

struct seen {
	char line[200];  /* "GET /v1/orders" */
	char host[300];
	char range[64];
	char body[512];
};

struct script {
	const char *answer[MAX_STEPS]; /* raw responses, one per request */
	unsigned requests;             /* how many requests arrived */
	struct seen seen[MAX_STEPS];
};

struct fx {
	char dir[200];
	struct config cfg;
	struct tls_server *srv;
	int listen_fd;
	pthread_t thread;
	struct script sc;
	struct delivery *d;
};

static ssize_t conn_read(void *ctx, void *buf, size_t len, struct err *e)
{
	return tls_read(ctx, buf, len, e);
}

static int conn_write(void *ctx, const void *buf, size_t len, struct err *e)
{
	return tls_write_all(ctx, buf, len, e);
}

static void copy_header(char *out, size_t cap, const struct http_message *m, const char *n)
{
	const char *v = http_header(m, n);

	snprintf(out, cap, "%s", v ? v : "");
}

/* Serves the script: each request gets the next answer; a connection ends
 * when the client closes it or the script runs out. */
static void *server_main(void *arg)
{
	struct fx *f = arg;
	static struct http_conn hc;
	static struct http_message m;

	while (f->sc.requests < MAX_STEPS && f->sc.answer[f->sc.requests]) {
		struct tls_conn *c = NULL;
		struct err e;
		int fd = accept(f->listen_fd, NULL, NULL);

		if (fd < 0 || tls_server_attach_fd(f->srv, fd, &c, &e))
			break;
		http_conn_init(&hc, (struct http_stream){ c, conn_read, conn_write });
		while (f->sc.requests < MAX_STEPS && f->sc.answer[f->sc.requests]) {
			struct seen *s = &f->sc.seen[f->sc.requests];
			const char *a = f->sc.answer[f->sc.requests];
			char *body = NULL;
			size_t len = 0;

			if (http_read_request_head(&hc, &m, &e))
				break;
			snprintf(s->line, sizeof(s->line), "%s %s", m.method, m.target);
			copy_header(s->host, sizeof(s->host), &m, "host");
			copy_header(s->range, sizeof(s->range), &m, "range");
			if (http_read_body_all(&hc, sizeof(s->body) - 1, &body, &len, &e))
				break;
			memcpy(s->body, body, len + 1);
			free(body);
			f->sc.requests++;
			if (!*a) /* stalled: wait for the client to give up */
				http_read_request_head(&hc, &m, &e);
			if (!*a || tls_write_all(c, a, strlen(a), &e) || strstr(a, "Connection: close"))
				break;
		}
		tls_close(c);
	}
	return NULL;
}

static int group_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *build = getenv("TENPO_BUILD");
	char cmd[600], path[300];
	struct tls_server_conf sc = { 0 };
	char ca[300], crt[300], key[300];
	uint16_t port;
	struct err e;

	if (!f || !build)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/tenpo-test-delivery-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(cmd, sizeof(cmd), "'%s/tenpo-delivery' init '%s/w' >/dev/null 2>&1", build,
		 f->dir);
	if (system(cmd))
		return -1;
	snprintf(ca, sizeof(ca), "%s/w/server/ca.crt", f->dir);
	snprintf(crt, sizeof(crt), "%s/w/server/server.crt", f->dir);
	snprintf(key, sizeof(key), "%s/w/server/server.key", f->dir);
	sc = (struct tls_server_conf){ ca, crt, key, 20000 };
	if (tls_server_new(&f->srv, &sc, &e) || tls_listen("127.0.0.1", 0, &f->listen_fd, &port, &e))
		return -1;
	snprintf(path, sizeof(path), "%s/w/shops/1001/tenpo.conf", f->dir);
	if (config_load(&f->cfg, path, &e))
		return -1;
	f->cfg.server_port = port;
	f->cfg.retries = 3;
	f->cfg.retry_base_ms = 1;
	*state = f;
	return 0;
}

static int group_teardown(void **state)
{
	struct fx *f = *state;
	char cmd[300];

	close(f->listen_fd);
	tls_server_free(f->srv);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd))
		return -1;
	free(f);
	return 0;
}

/* Starts the server thread on a script (NULL-terminated) and a fresh client. */
static void serve(struct fx *f, const char *const *answers)
{
	struct err e;

	memset(&f->sc, 0, sizeof(f->sc));
	for (size_t i = 0; answers[i] && i < MAX_STEPS; i++)
		f->sc.answer[i] = answers[i];
	assert_int_equal(pthread_create(&f->thread, NULL, server_main, f), 0);
	if (delivery_open(&f->d, &f->cfg, &e))
		fail_msg("delivery_open: %s", e.msg);
}

static void finish(struct fx *f)
{
	delivery_close(f->d);
	f->d = NULL;
	pthread_join(f->thread, NULL);
}

#define HEALTH_OK "HTTP/1.1 200 OK\r\nContent-Length: 36\r\n\r\n" \
		  "{\"delivery_server\": 7, \"time\": 1000}"

/* Host names the server the kiosk verifies, with its port: name-based
 * virtual hosts route by it. */
static void host_is_the_server_name(void **state)
{
	struct fx *f = *state;
	const char *const script[] = { HEALTH_OK, NULL };
	uint16_t id;
	int64_t t, na;
	char want[300];
	struct err e;

	serve(f, script);
	if (delivery_health(f->d, &id, &t, &na, &e))
		fail_msg("health: %s", e.msg);
	finish(f);
	snprintf(want, sizeof(want), "localhost:%u", (unsigned)f->cfg.server_port);
	assert_string_equal(f->sc.seen[0].host, want);
	assert_int_equal(id, 7);
}

struct got {
	char buf[64];
	size_t len;
	unsigned restarts;
};

static int take(void *arg, const void *buf, size_t len, struct err *e)
{
	struct got *g = arg;

	if (g->len + len > sizeof(g->buf))
		return err_fail(e, "sink overflow");
	memcpy(g->buf + g->len, buf, len);
	g->len += len;
	return 0;
}

static int restart(void *arg, struct err *e)
{
	struct got *g = arg;

	(void)e;
	g->len = 0;
	g->restarts++;
	return 0;
}

/* A server that ignores Range answers 200 with the whole file: the sink
 * restarts and the file comes in whole, in one request. */
static void range_ignored_restarts_the_file(void **state)
{
	struct fx *f = *state;
	const char *const script[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", NULL
	};
	struct got g = { "01234", 5, 0 };
	struct err e;

	serve(f, script);
	if (delivery_fetch_file(f->d, "ORDER1", 0, 5, 10, take, restart, &g, &e))
		fail_msg("fetch: %s", e.msg);
	finish(f);
	assert_string_equal(f->sc.seen[0].range, "bytes=5-");
	assert_int_equal(g.restarts, 1);
	assert_int_equal(g.len, 10);
	assert_memory_equal(g.buf, "0123456789", 10);
	assert_int_equal(f->sc.requests, 1);
}

/* A chunked download and a chunked 206 resume are taken like Content-Length
 * ones; chunks past the manifest's size are refused. */
static void chunked_download(void **state)
{
	struct fx *f = *state;
	const char *const script[] = {
		"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 4-9/10\r\n"
		"Transfer-Encoding: chunked\r\n\r\n2\r\n45\r\n4\r\n6789\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		"a\r\n0123456789\r\n3\r\nabc\r\n0\r\n\r\n",
		NULL
	};
	struct got g = { "0123", 4, 0 };
	struct err e;

	serve(f, script);
	if (delivery_fetch_file(f->d, "ORDER1", 0, 4, 10, take, restart, &g, &e))
		fail_msg("fetch: %s", e.msg);
	assert_int_equal(g.len, 10);
	assert_memory_equal(g.buf, "0123456789", 10);
	g.len = 0;
	assert_int_equal(delivery_fetch_file(f->d, "ORDER1", 0, 0, 10, take, restart, &g, &e), -1);
	assert_non_null(strstr(e.msg, "chunked body larger than the limit of 10 bytes"));
	/* the server's bytes, not the line: not retried */
	assert_int_equal(delivery_take_outcome(f->d), DELIVERY_PROTOCOL_ERROR);
	finish(f);
	assert_int_equal(f->sc.requests, 2);
}

/* A report is acknowledged only by the protocol's JSON echoing its id. */
static void report_needs_its_id_echoed(void **state)
{
	struct fx *f = *state;
	const char *const script[] = {
		"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 27\r\n\r\n"
		"<html>Welcome, Wi-Fi</html>",
		"HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n{\"report_id\": \"R2\"}\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		"a\r\n{\"report_i\r\n9\r\nd\": \"R1\"}\r\n0\r\n\r\n",
		NULL
	};
	const char body[] = "{\"report_id\": \"R1\", \"kind\": \"received\"}";
	struct err e;

	serve(f, script);
	assert_int_equal(delivery_post_report(f->d, "ORDER1", "R1", body, strlen(body), &e), -1);
	assert_non_null(strstr(e.msg, "not the protocol's JSON"));
	assert_int_equal(delivery_take_outcome(f->d), DELIVERY_PROTOCOL_ERROR);
	assert_int_equal(delivery_post_report(f->d, "ORDER1", "R1", body, strlen(body), &e), -1);
	assert_non_null(strstr(e.msg, "does not echo its report_id"));
	assert_int_equal(delivery_take_outcome(f->d), DELIVERY_PROTOCOL_ERROR);
	if (delivery_post_report(f->d, "ORDER1", "R1", body, strlen(body), &e))
		fail_msg("report: %s", e.msg);
	assert_int_equal(delivery_take_outcome(f->d), DELIVERY_OK);
	finish(f);
	/* each refused answer was taken once, not retried on the spot */
	assert_int_equal(f->sc.requests, 3);
	assert_string_equal(f->sc.seen[2].line, "POST /v1/orders/ORDER1/reports");
}

/* A gzip body is named, not parsed as JSON, and not retried; a 5xx is
 * retried; the outcome codes say which. */
static void failures_have_classes_and_codes(void **state)
{
	struct fx *f = *state;
	const char *const script[] = {
		"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\x1f\x8b\x08\x00",
		"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 404 Not Found\r\nContent-Length: 21\r\n\r\n{\"error\": \"no order\"}",
		NULL
	};
	struct delivery_listing *list = NULL;
	char *json = NULL;
	uint8_t sig[MANIFEST_SIG_MAX];
	size_t n, len, sig_len;
	struct err e;

	serve(f, script);
	assert_int_equal(delivery_list_orders(f->d, &list, &n, &e), -1);
	assert_non_null(strstr(e.msg, "gzip-compressed body"));
	assert_int_equal(delivery_take_outcome(f->d), DELIVERY_PROTOCOL_ERROR);
	assert_int_equal(delivery_list_orders(f->d, &list, &n, &e), -1);
	assert_non_null(strstr(e.msg, "server answered 503"));
	assert_int_equal(delivery_take_outcome(f->d), DELIVERY_HTTP_ERROR);
	assert_int_equal(delivery_fetch_manifest(f->d, "ORDER1", &json, &len, sig, &sig_len, &e),
			 DELIVERY_REJECTED);
	assert_int_equal(delivery_take_outcome(f->d), DELIVERY_HTTP_ERROR);
	finish(f);
	assert_int_equal(f->sc.requests, 5); /* gzip once, 503 three times, 404 once */

	/* nobody listening: unreachable */
	{
		struct config c = f->cfg;
		struct delivery *d;
		int fd;
		uint16_t port;

		assert_int_equal(tls_listen("127.0.0.1", 0, &fd, &port, &e), 0);
		close(fd);
		c.server_port = port;
		c.retries = 1;
		assert_int_equal(delivery_open(&d, &c, &e), 0);
		assert_int_equal(delivery_list_orders(d, &list, &n, &e), -1);
		assert_int_equal(delivery_take_outcome(d), DELIVERY_UNREACHABLE);
		assert_int_equal(delivery_take_outcome(d), DELIVERY_OK);
		delivery_close(d);
	}
}

/* The codes the staff screen reads, for causes whose words never said
 * "connect": a stalled server is unreachable, a certificate for another
 * name is a TLS refusal (and not retried). */
static void outcome_codes_not_words(void **state)
{
	struct fx *f = *state;
	const char *const script[] = { "", HEALTH_OK, NULL };
	struct config saved = f->cfg;
	struct delivery_listing *list = NULL;
	uint16_t id;
	int64_t t, na;
	size_t n;
	struct err e;

	f->cfg.io_timeout_s = 1;
	f->cfg.retries = 1;
	serve(f, script);
	assert_int_equal(delivery_list_orders(f->d, &list, &n, &e), -1);
	assert_non_null(strstr(e.msg, "stalled"));
	assert_null(strstr(e.msg, "connect"));
	assert_int_equal(delivery_take_outcome(f->d), DELIVERY_UNREACHABLE);
	delivery_close(f->d);

	snprintf(f->cfg.server_name, sizeof(f->cfg.server_name), "delivery.tenpo.example");
	f->cfg.retries = 3;
	assert_int_equal(delivery_open(&f->d, &f->cfg, &e), 0);
	assert_int_equal(delivery_health(f->d, &id, &t, &na, &e), -1);
	assert_non_null(strstr(e.msg, "for another host name"));
	assert_int_equal(delivery_take_outcome(f->d), DELIVERY_TLS_REFUSED);
	f->cfg = saved;
	finish(f);
	assert_int_equal(f->sc.requests, 1); /* the refused handshake was not retried */
}

/* A head over HTTP_HEAD_MAX is the server's doing: refused once, not
 * retried four times. */
static void oversized_head_not_retried(void **state)
{
	struct fx *f = *state;
	size_t n = HTTP_HEAD_MAX + 100;
	char *big = malloc(n + 64);
	const char *script[] = { big, big, NULL };
	struct delivery_listing *list = NULL;
	size_t count;
	struct err e;

	assert_non_null(big);
	strcpy(big, "HTTP/1.1 200 OK\r\nX-Pad: ");
	memset(big + strlen(big), 'x', n);
	strcpy(big + strlen("HTTP/1.1 200 OK\r\nX-Pad: ") + n, "\r\nContent-Length: 0\r\n\r\n");
	serve(f, script);
	assert_int_equal(delivery_list_orders(f->d, &list, &count, &e), -1);
	assert_non_null(strstr(e.msg, "message head larger than"));
	assert_int_equal(delivery_take_outcome(f->d), DELIVERY_PROTOCOL_ERROR);
	/* the server waits for the retry that must not come: end its wait */
	{
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_port = htons(f->cfg.server_port),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

		assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
		close(fd);
	}
	finish(f);
	assert_int_equal(f->sc.requests, 1);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(host_is_the_server_name),
		cmocka_unit_test(range_ignored_restarts_the_file),
		cmocka_unit_test(chunked_download),
		cmocka_unit_test(report_needs_its_id_echoed),
		cmocka_unit_test(failures_have_classes_and_codes),
		cmocka_unit_test(outcome_codes_not_words),
		cmocka_unit_test(oversized_head_not_retried),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
