// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * http: head parsing (good and hostile), Range and Content-Range, and
 * reading and writing messages over memory and socketpair streams,
 * including a body cut short and the whole-body cap.
 */
#include <setjmp.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http.h"

/* ---- streams ---- */

/* Reads from a fixed string, at most `chunk` bytes per call; collects writes. */
struct mem_stream {
	const char *in;
	size_t in_len, in_pos, chunk;
	char *out;
	size_t out_len;
	unsigned writes;
	void *last_buf;   /* where the last read was asked to go */
	size_t last_len;  /* and how much it could take */
};

static ssize_t mem_read(void *ctx, void *buf, size_t len, struct err *e)
{
	struct mem_stream *m = ctx;
	size_t n = m->in_len - m->in_pos;

	(void)e;
	m->last_buf = buf;
	m->last_len = len;
	if (n > len)
		n = len;
	if (m->chunk && n > m->chunk)
		n = m->chunk;
	memcpy(buf, m->in + m->in_pos, n);
	m->in_pos += n;
	return (ssize_t)n;
}

static int mem_write(void *ctx, const void *buf, size_t len, struct err *e)
{
	struct mem_stream *m = ctx;

	(void)e;
	m->out = realloc(m->out, m->out_len + len + 1);
	assert_non_null(m->out);
	memcpy(m->out + m->out_len, buf, len);
	m->out_len += len;
	m->out[m->out_len] = '\0';
	m->writes++;
	return 0;
}

static struct http_stream mem_stream(struct mem_stream *m, const char *in, size_t chunk)
{
	memset(m, 0, sizeof(*m));
	m->in = in;
	m->in_len = strlen(in);
	m->chunk = chunk;
	return (struct http_stream){ m, mem_read, mem_write };
}

static ssize_t fd_read(void *ctx, void *buf, size_t len, struct err *e)
{
	ssize_t n = read(*(int *)ctx, buf, len);

	if (n < 0)
		return err_fail(e, "read failed");
	return n;
}

static int fd_write(void *ctx, const void *buf, size_t len, struct err *e)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(*(int *)ctx, p, len);

		if (n <= 0)
			return err_fail(e, "write failed");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The connection and message are large: keep them off the stack. */
struct fixture {
	struct http_conn c;
	struct http_message m;
	struct err e;
	struct mem_stream ms;
};

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct fixture));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->ms.out);
	free(f);
	return 0;
}

/* Parses a copy of text (the parser writes into it) kept in the message's
 * own buffer, as http_read_*_head do; a text too long for it goes through
 * a heap copy and must be refused. */
static int parse(struct fixture *f, bool request, const char *text, size_t len)
{
	char *buf = f->m.head, *copy = NULL;
	int rc;

	memset(&f->m, 0, sizeof(f->m));
	f->e.msg[0] = '\0';
	if (len >= sizeof(f->m.head)) {
		buf = copy = malloc(len + 1);
		assert_non_null(copy);
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	rc = request ? http_parse_request_head(buf, len, &f->m, &f->e)
		     : http_parse_response_head(buf, len, &f->m, &f->e);
	if (copy) {
		assert_int_equal(rc, -1);
		free(copy);
	}
	return rc;
}

#define PARSE_REQ(f, s) parse(f, true, s, sizeof(s) - 1)
#define PARSE_RESP(f, s) parse(f, false, s, sizeof(s) - 1)

/* ---- parsing ---- */

static void request_good(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(PARSE_REQ(f, "GET /v1/orders?x=1 HTTP/1.1\r\n"
				      "Host: delivery.example\r\n"
				      "Accept:  application/json \t\r\n"
				      "X-Empty:\r\n"
				      "\r\n"),
			 0);
	assert_string_equal(f->m.method, "GET");
	assert_string_equal(f->m.target, "/v1/orders?x=1");
	assert_int_equal(f->m.header_count, 3);
	assert_string_equal(http_header(&f->m, "accept"), "application/json");
	assert_string_equal(http_header(&f->m, "x-empty"), "");
	assert_int_equal(f->m.content_length, -1);
	assert_true(f->m.keep_alive);
}

static void response_good(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(PARSE_RESP(f, "HTTP/1.1 206 Partial Content\r\n"
				       "Content-Length: 10\r\n"
				       "Content-Range: bytes 90-99/100\r\n"
				       "\r\n"),
			 0);
	assert_int_equal(f->m.status, 206);
	assert_string_equal(f->m.reason, "Partial Content");
	assert_int_equal(f->m.content_length, 10);
	assert_true(f->m.keep_alive);

	/* An empty reason phrase, with and without its space. */
	assert_int_equal(PARSE_RESP(f, "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"), 0);
	assert_int_equal(f->m.status, 200);
	assert_string_equal(f->m.reason, "");
	assert_int_equal(PARSE_RESP(f, "HTTP/1.1 404 \r\n\r\n"), 0);
	assert_int_equal(f->m.status, 404);

	/* The largest Content-Length there is, and identity coding. */
	assert_int_equal(PARSE_RESP(f, "HTTP/1.1 200 OK\r\n"
				       "Content-Length: 9223372036854775807\r\n"
				       "Transfer-Encoding: identity\r\n\r\n"),
			 0);
	assert_int_equal(f->m.content_length, INT64_MAX);
}

static void header_lookup_is_case_insensitive(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(PARSE_RESP(f, "HTTP/1.1 200 OK\r\n"
				       "content-length: 3\r\n"
				       "Tenpo-Signature: abc\r\n"
				       "tenpo-signature: second\r\n\r\n"),
			 0);
	assert_string_equal(http_header(&f->m, "Content-Length"), "3");
	assert_string_equal(http_header(&f->m, "TENPO-SIGNATURE"), "abc");
	assert_null(http_header(&f->m, "tenpo-sig"));
	assert_null(http_header(&f->m, "retry-after"));
	assert_int_equal(f->m.content_length, 3);
}

static void keep_alive_rules(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(PARSE_RESP(f, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"), 0);
	assert_false(f->m.keep_alive);
	assert_int_equal(PARSE_REQ(f, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), 0);
	assert_false(f->m.keep_alive);
	assert_int_equal(PARSE_REQ(f, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"), 0);
	assert_false(f->m.keep_alive);
	assert_int_equal(PARSE_REQ(f, "GET / HTTP/1.1\r\nConnection: keep-alive, CLOSE\r\n\r\n"),
			 0);
	assert_false(f->m.keep_alive);
	assert_int_equal(PARSE_REQ(f, "GET / HTTP/1.1\r\nConnection: closed\r\n\r\n"), 0);
	assert_true(f->m.keep_alive);
	assert_int_equal(PARSE_REQ(f, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	assert_true(f->m.keep_alive);
}

struct bad_head {
	bool request;
	const char *text;
	size_t len; /* 0: strlen */
	const char *why;
};

static void hostile_heads_refused(void **state)
{
	static const struct bad_head bad[] = {
		{ true, "GET / HTTP/1.1\nHost: x\n\n", 0, "bare LF" },
		{ true, "GET / HTTP/1.1\r\nHost: x\n\r\n", 0, "bare LF" },
		{ true, "GET / HTTP/1.1\r\nHost: x\r\r\n\r\n", 0, "stray CR" },
		{ true, "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", 0, "folding" },
		{ true, "GET / HTTP/1.1\r\nA: b\r\n\tc\r\n\r\n", 0, "folding" },
		{ true, "GET / HTTP/1.1\r\nA : b\r\n\r\n", 0, "whitespace between" },
		{ true, "GET / HTTP/1.1\r\nA(b: c\r\n\r\n", 0, "invalid character in header name" },
		{ true, "GET / HTTP/1.1\r\nNoColon\r\n\r\n", 0, "invalid character in header name" },
		{ true, "GET / HTTP/1.1\r\n: x\r\n\r\n", 0, "without a name" },
		{ true, "GET / HTTP/1.1\r\nA: b\x01\r\n\r\n", 0, "invalid character in header A" },
		{ true, "GET / HTTP/1.1\r\nA: b\x7f\r\n\r\n", 0, "invalid character in header A" },
		{ true, "GET / HTTP/1.1\r\nA: b\r\n", 0, "does not end with an empty line" },
		{ true, "GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n", 0, "after the end" },
		{ true, "GET / HTTP/1.1\r\nA: b\0c\r\n\r\n", 26, "NUL byte" },
		{ true, "GET http://x/ HTTP/1.1\r\n\r\n", 0, "does not start with '/'" },
		{ true, "GET * HTTP/1.1\r\n\r\n", 0, "does not start with '/'" },
		{ true, "GET  / HTTP/1.1\r\n\r\n", 0, "malformed request line" },
		{ true, "GET /\r\n\r\n", 0, "malformed request line" },
		{ true, "G(T / HTTP/1.1\r\n\r\n", 0, "malformed request line" },
		{ true, "GET / HTTP/2.0\r\n\r\n", 0, "unsupported HTTP version" },
		{ true, "GET / HTTP/1.1 \r\n\r\n", 0, "malformed HTTP version" },
		{ true, "\r\nGET / HTTP/1.1\r\n\r\n", 0, "malformed request line" },
		{ false, "HTTP/1.1 600 Nope\r\n\r\n", 0, "out of range" },
		{ false, "HTTP/1.1 099 Nope\r\n\r\n", 0, "out of range" },
		{ false, "HTTP/1.1 20 OK\r\n\r\n", 0, "malformed status code" },
		{ false, "HTTP/1.1 2000 OK\r\n\r\n", 0, "malformed status code" },
		{ false, "HTTP/1.1 -20 OK\r\n\r\n", 0, "malformed status code" },
		{ false, "HTTP/1.1\r\n\r\n", 0, "without a status code" },
		{ false, "HTTP/3.0 200 OK\r\n\r\n", 0, "unsupported HTTP version" },
		{ false, "ICY 200 OK\r\n\r\n", 0, "malformed status line" },
		{ false, "HTTP/1.1 200 O\x01K\r\n\r\n", 0, "reason phrase" },
		{ false, "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, "malformed Content-Length" },
		{ false, "HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n", 0, "malformed Content-Length" },
		{ false, "HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n", 0, "malformed Content-Length" },
		{ false, "HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", 0, "malformed Content-Length" },
		{ false, "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n", 0, "malformed Content-Length" },
		{ false, "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", 0, "malformed Content-Length" },
		{ false, "HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775808\r\n\r\n", 0,
		  "malformed Content-Length" },
		{ false, "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n", 0,
		  "malformed Content-Length" },
		{ false, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 0,
		  "conflicting Content-Length headers" },
		{ false, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n", 0,
		  "other than chunked alone is not supported" },
		{ false, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
			 "Transfer-Encoding: chunked\r\n\r\n", 0,
		  "other than chunked alone is not supported" },
		{ false, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
			 "Content-Length: 5\r\n\r\n", 0,
		  "both Content-Length and chunked" },
		{ false, "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 0,
		  "chunked transfer coding in an HTTP/1.0 message" },
		{ false, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 0,
		  "transfer encoding is not supported" },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].text);

		if (parse(f, bad[i].request, bad[i].text, len) != -1)
			fail_msg("accepted case %zu", i);
		if (!strstr(f->e.msg, bad[i].why))
			fail_msg("case %zu: \"%s\" does not say \"%s\"", i, f->e.msg, bad[i].why);
		assert_null(strchr(f->e.msg, '\n'));
	}
	/* chunked alone is a framing, not an error */
	assert_int_equal(PARSE_RESP(f, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), 0);
	assert_true(f->m.chunked);
	/* The same Content-Length twice is allowed. */
	assert_int_equal(PARSE_RESP(f, "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n"
				       "Content-Length: 7\r\n\r\n"),
			 0);
	assert_int_equal(f->m.content_length, 7);
}

static void too_many_headers(void **state)
{
	struct fixture *f = *state;
	char text[4096];
	size_t n;

	for (int lines = HTTP_HEADERS_MAX; lines <= HTTP_HEADERS_MAX + 1; lines++) {
		n = (size_t)snprintf(text, sizeof(text), "GET / HTTP/1.1\r\n");
		for (int i = 0; i < lines; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "X-%d: %d\r\n", i, i);
		n += (size_t)snprintf(text + n, sizeof(text) - n, "\r\n");
		if (lines == HTTP_HEADERS_MAX) {
			assert_int_equal(parse(f, true, text, n), 0);
			assert_int_equal(f->m.header_count, HTTP_HEADERS_MAX);
			assert_string_equal(http_header(&f->m, "x-63"), "63");
		} else {
			assert_int_equal(parse(f, true, text, n), -1);
			assert_string_equal(f->e.msg, "more than 64 header lines");
		}
	}
}

/* A head of exactly `size` bytes: a request line, one long header, CRLFCRLF. */
static char *head_of_size(size_t size, const char *rest)
{
	static const char start[] = "GET / HTTP/1.1\r\nX-Pad: ";
	size_t pad = size - (sizeof(start) - 1) - 4, rl = strlen(rest);
	char *s = malloc(size + rl + 1);

	assert_non_null(s);
	memcpy(s, start, sizeof(start) - 1);
	memset(s + sizeof(start) - 1, 'a', pad);
	memcpy(s + size - 4, "\r\n\r\n", 4);
	memcpy(s + size, rest, rl + 1);
	return s;
}

static void head_size_limit(void **state)
{
	struct fixture *f = *state;
	char *text;

	/* Exactly HTTP_HEAD_MAX bytes, arriving in odd pieces: accepted. */
	text = head_of_size(HTTP_HEAD_MAX, "");
	http_conn_init(&f->c, mem_stream(&f->ms, text, 1000));
	assert_int_equal(http_read_request_head(&f->c, &f->m, &f->e), 0);
	assert_int_equal(strlen(http_header(&f->m, "x-pad")), HTTP_HEAD_MAX - 27);
	free(text);

	/* One byte more: refused, also by the pure parser. */
	text = head_of_size(HTTP_HEAD_MAX + 1, "");
	http_conn_init(&f->c, mem_stream(&f->ms, text, 0));
	assert_int_equal(http_read_request_head(&f->c, &f->m, &f->e), -1);
	assert_string_equal(f->e.msg, "message head larger than 16384 bytes");
	assert_int_equal(parse(f, true, text, HTTP_HEAD_MAX + 1), -1);
	assert_string_equal(f->e.msg, "message head larger than 16384 bytes");
	free(text);

	/* A head that never ends: refused once the cap is reached, not read on. */
	text = malloc(HTTP_BUF_SIZE + 1);
	assert_non_null(text);
	memset(text, 'a', HTTP_BUF_SIZE);
	text[HTTP_BUF_SIZE] = '\0';
	http_conn_init(&f->c, mem_stream(&f->ms, text, 100));
	assert_int_equal(http_read_request_head(&f->c, &f->m, &f->e), -1);
	assert_string_equal(f->e.msg, "message head larger than 16384 bytes");
	assert_true(f->ms.in_pos < HTTP_HEAD_MAX + 100);
	free(text);
}

/* ---- reading from a stream ---- */

static void pipelined_messages_in_small_pieces(void **state)
{
	static const char wire[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
				   "HTTP/1.1 204 No Content\r\n\r\n"
				   "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbye";
	static const size_t chunks[] = { 1, 2, 7, 0 };
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		char *body, rest[10];
		size_t len;

		http_conn_init(&f->c, mem_stream(&f->ms, wire, chunks[i]));
		assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
		assert_int_equal(f->m.status, 200);
		assert_int_equal(f->c.body_left, 5);
		assert_int_equal(http_read_body_all(&f->c, 5, &body, &len, &f->e), 0);
		assert_int_equal(len, 5);
		assert_string_equal(body, "hello");
		free(body);

		assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
		assert_int_equal(f->m.status, 204);
		assert_int_equal(f->c.body_left, 0);

		assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
		assert_false(f->m.keep_alive);
		assert_int_equal(http_read_body_all(&f->c, 100, &body, &len, &f->e), 0);
		assert_string_equal(body, "bye");
		free(body);
		assert_int_equal(http_read_body(&f->c, rest, sizeof(rest), &f->e), 0);
	}
}

static void request_stream_ends(void **state)
{
	struct fixture *f = *state;

	/* Nothing at all: the normal end of a kept-alive connection. */
	http_conn_init(&f->c, mem_stream(&f->ms, "", 0));
	assert_int_equal(http_read_request_head(&f->c, &f->m, &f->e), 1);

	/* A complete request, then the end. */
	http_conn_init(&f->c, mem_stream(&f->ms, "POST /r HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi", 3));
	assert_int_equal(http_read_request_head(&f->c, &f->m, &f->e), 0);
	assert_int_equal(f->c.body_left, 2);
	assert_int_equal(http_skip_body(&f->c, &f->e), 0);
	assert_int_equal(http_read_request_head(&f->c, &f->m, &f->e), 1);

	/* Half a head. */
	http_conn_init(&f->c, mem_stream(&f->ms, "GET / HTTP/1.1\r\nHo", 0));
	assert_int_equal(http_read_request_head(&f->c, &f->m, &f->e), -1);
	assert_string_equal(f->e.msg, "connection closed in the middle of a message head");

	/* A bare LF is refused as it arrives, not after a wait for more. */
	http_conn_init(&f->c, mem_stream(&f->ms, "GET / HTTP/1.1\n", 0));
	assert_int_equal(http_read_request_head(&f->c, &f->m, &f->e), -1);
	assert_string_equal(f->e.msg, "bare LF in message head (lines must end in CRLF)");

	/* A response stream that ends at once is an error, not "closed". */
	http_conn_init(&f->c, mem_stream(&f->ms, "", 0));
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), -1);
	assert_string_equal(f->e.msg, "connection closed before the response");

	/* Reading a head before the last body is a caller bug, said so. */
	http_conn_init(&f->c, mem_stream(&f->ms, "GET / HTTP/1.1\r\nContent-Length: 1\r\n\r\nx", 0));
	assert_int_equal(http_read_request_head(&f->c, &f->m, &f->e), 0);
	assert_int_equal(http_read_request_head(&f->c, &f->m, &f->e), -1);
	assert_string_equal(f->e.msg, "the previous message's body was not read");
}

static void response_framing(void **state)
{
	struct fixture *f = *state;

	http_conn_init(&f->c, mem_stream(&f->ms, "HTTP/1.1 200 OK\r\n\r\nbody until close", 0));
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), -1);
	assert_string_equal(f->e.msg, "response without Content-Length or chunked coding");
	assert_true(f->c.malformed);

	http_conn_init(&f->c, mem_stream(&f->ms, "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n", 0));
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
	assert_int_equal(f->c.body_left, 0);
	assert_int_equal(f->m.content_length, 99);
}

struct writer {
	int fd;
	const char *data;
	size_t len;
	bool close_after;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	struct err e;

	fd_write(&w->fd, w->data, w->len, &e);
	if (w->close_after)
		close(w->fd);
	return NULL;
}

/* A big body over a socketpair, read in large pieces: the direct path. */
static void body_over_socketpair(void **state)
{
	const size_t body_len = 3 * 1024 * 1024 + 17;
	struct fixture *f = *state;
	char head[100], *wire, *buf;
	struct writer w;
	pthread_t t;
	uint64_t got = 0;
	int sv[2], hl;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	hl = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", body_len);
	wire = malloc((size_t)hl + body_len + 5);
	buf = malloc(256 * 1024);
	assert_non_null(wire);
	assert_non_null(buf);
	memcpy(wire, head, (size_t)hl);
	for (size_t i = 0; i < body_len; i++)
		wire[(size_t)hl + i] = (char)(i * 7 % 251);
	memcpy(wire + hl + body_len, "next", 5); /* must stay unread */
	w = (struct writer){ sv[1], wire, (size_t)hl + body_len + 4, true };
	assert_int_equal(pthread_create(&t, NULL, writer_main, &w), 0);

	http_conn_init(&f->c, (struct http_stream){ &sv[0], fd_read, fd_write });
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
	assert_int_equal(f->c.body_left, body_len);
	for (size_t step = 1; got < body_len; step = step * 3 % 257000 + 1) {
		ssize_t n = http_read_body(&f->c, buf, step, &f->e);

		assert_true(n > 0);
		assert_true((size_t)n <= step);
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != (char)((got + (uint64_t)i) * 7 % 251))
				fail_msg("body byte %" PRIu64 " wrong", got + (uint64_t)i);
		got += (uint64_t)n;
	}
	assert_int_equal(got, body_len);
	assert_int_equal(http_read_body(&f->c, buf, 100, &f->e), 0);
	/* What follows the body is still there for the next head. */
	assert_int_equal(http_read_request_head(&f->c, &f->m, &f->e), -1);
	assert_string_equal(f->e.msg, "connection closed in the middle of a message head");
	pthread_join(t, NULL);
	close(sv[0]);
	free(wire);
	free(buf);
}

/* Downloads: with nothing buffered, a large read goes straight into the
 * caller's buffer, and never asks for more than the body holds. */
static void large_reads_skip_the_buffer(void **state)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 40000\r\n\r\n";
	struct fixture *f = *state;
	char *wire, *buf;
	ssize_t n;

	wire = malloc(sizeof(head) + 40000 + 20);
	buf = malloc(32768);
	assert_non_null(wire);
	assert_non_null(buf);
	memcpy(wire, head, sizeof(head) - 1);
	memset(wire + sizeof(head) - 1, 'z', 40000);
	strcpy(wire + sizeof(head) - 1 + 40000, "HTTP/1.1 204 \r\n\r\n");
	/* The first read brings exactly the head. */
	http_conn_init(&f->c, mem_stream(&f->ms, wire, sizeof(head) - 1));
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
	f->ms.chunk = 0;

	n = http_read_body(&f->c, buf, 32768, &f->e);
	assert_int_equal(n, 32768);
	assert_ptr_equal(f->ms.last_buf, buf);
	n = http_read_body(&f->c, buf, 32768, &f->e);
	assert_int_equal(n, 40000 - 32768);
	assert_int_equal(http_read_body(&f->c, buf, 32768, &f->e), 0);
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
	assert_int_equal(f->m.status, 204);

	/* A direct read is bounded by the body, so the next head stays intact. */
	http_conn_init(&f->c, mem_stream(&f->ms, wire, sizeof(head) - 1));
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
	f->ms.chunk = 0;
	assert_int_equal(http_read_body(&f->c, buf, 20000, &f->e), 20000);
	assert_ptr_equal(f->ms.last_buf, buf);
	assert_int_equal(http_read_body(&f->c, buf, 20000, &f->e), 20000);
	assert_ptr_equal(f->ms.last_buf, buf);
	assert_int_equal(f->ms.last_len, 20000);
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
	assert_int_equal(f->m.status, 204);
	free(wire);
	free(buf);
}

static void truncated_body(void **state)
{
	static const char wire[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
				   "0123456789012345678901234567890123456789";
	struct fixture *f = *state;
	char buf[64 * 1024];
	uint64_t got = 0;
	ssize_t n;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(fd_write(&sv[1], wire, sizeof(wire) - 1, &f->e), 0);
	close(sv[1]);
	http_conn_init(&f->c, (struct http_stream){ &sv[0], fd_read, fd_write });
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
	while ((n = http_read_body(&f->c, buf, sizeof(buf), &f->e)) > 0)
		got += (uint64_t)n;
	assert_int_equal(n, -1);
	assert_int_equal(got, 40);
	assert_string_equal(f->e.msg, "truncated body: 40 of 100 bytes");
	close(sv[0]);

	/* The same through the whole-body and skipping readers. */
	http_conn_init(&f->c, mem_stream(&f->ms, wire, 9));
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
	{
		char *body = NULL;
		size_t len = 0;

		assert_int_equal(http_read_body_all(&f->c, 1000, &body, &len, &f->e), -1);
		assert_null(body);
		assert_string_equal(f->e.msg, "truncated body: 40 of 100 bytes");
	}
	http_conn_init(&f->c, mem_stream(&f->ms, wire, 0));
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
	assert_int_equal(http_skip_body(&f->c, &f->e), -1);
	assert_string_equal(f->e.msg, "truncated body: 40 of 100 bytes");
}

static void read_body_all_cap(void **state)
{
	struct fixture *f = *state;
	char *body = NULL;
	size_t len = 0;

	/* A huge Content-Length is refused from the header alone. */
	http_conn_init(&f->c, mem_stream(&f->ms, "HTTP/1.1 200 OK\r\n"
						 "Content-Length: 9223372036854775807\r\n\r\nxx",
					 0));
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
	assert_int_equal(http_read_body_all(&f->c, 1 << 20, &body, &len, &f->e), -1);
	assert_string_equal(f->e.msg,
			    "body of 9223372036854775807 bytes is larger than the limit of 1048576");
	assert_null(body);

	/* One over the cap: refused before any body byte is read. */
	http_conn_init(&f->c, mem_stream(&f->ms, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n"
						 "hello world",
					 1));
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
	assert_int_equal(http_read_body_all(&f->c, 10, &body, &len, &f->e), -1);
	assert_int_equal(f->c.body_left, 11);

	/* Exactly the cap: fine, NUL-terminated. */
	assert_int_equal(http_read_body_all(&f->c, 11, &body, &len, &f->e), 0);
	assert_int_equal(len, 11);
	assert_string_equal(body, "hello world");
	free(body);

	/* No body: an empty string, not NULL. */
	http_conn_init(&f->c, mem_stream(&f->ms, "GET / HTTP/1.1\r\n\r\n", 0));
	assert_int_equal(http_read_request_head(&f->c, &f->m, &f->e), 0);
	assert_int_equal(http_read_body_all(&f->c, 0, &body, &len, &f->e), 0);
	assert_int_equal(len, 0);
	assert_string_equal(body, "");
	free(body);
}

/* ---- writing ---- */

static void write_request_round_trip(void **state)
{
	struct fixture *f = *state;
	char *big, *body;
	size_t len;

	http_conn_init(&f->c, mem_stream(&f->ms, "", 0));
	assert_int_equal(http_write_request(&f->c, "POST", "/v1/orders/K7Q2M9X4P1/reports",
					    "delivery.example",
					    "Content-Type: application/json\r\n", "{}", 2, &f->e),
			 0);
	assert_int_equal(f->ms.writes, 1);
	assert_string_equal(f->ms.out, "POST /v1/orders/K7Q2M9X4P1/reports HTTP/1.1\r\n"
				       "Host: delivery.example\r\n"
				       "Content-Length: 2\r\n"
				       "Content-Type: application/json\r\n"
				       "\r\n{}");

	/* What we write, we read back. */
	{
		struct mem_stream in;

		http_conn_init(&f->c, mem_stream(&in, f->ms.out, 0));
		assert_int_equal(http_read_request_head(&f->c, &f->m, &f->e), 0);
		assert_string_equal(f->m.method, "POST");
		assert_int_equal(http_read_body_all(&f->c, 10, &body, &len, &f->e), 0);
		assert_string_equal(body, "{}");
		free(body);
		free(f->ms.out);
		f->ms.out = NULL;
	}

	/* A body too big to travel with the head goes in a second write. */
	big = malloc(100000);
	assert_non_null(big);
	memset(big, 'b', 100000);
	http_conn_init(&f->c, mem_stream(&f->ms, "", 0));
	assert_int_equal(http_write_request(&f->c, "PUT", "/x", "h", "", big, 100000, &f->e), 0);
	assert_int_equal(f->ms.writes, 2);
	assert_non_null(strstr(f->ms.out, "Content-Length: 100000\r\n\r\nbbb"));
	free(big);
	free(f->ms.out);
	f->ms.out = NULL;

	/* Content-Length is always sent, also for a GET. */
	http_conn_init(&f->c, mem_stream(&f->ms, "", 0));
	assert_int_equal(http_write_request(&f->c, "GET", "/v1/health", "h", "", NULL, 0, &f->e), 0);
	assert_string_equal(f->ms.out, "GET /v1/health HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
}

static void write_refuses_injection(void **state)
{
	struct fixture *f = *state;

	http_conn_init(&f->c, mem_stream(&f->ms, "", 0));
	assert_int_equal(http_write_request(&f->c, "GET", "/x", "h", "Range: bytes=0-", NULL, 0,
					    &f->e),
			 -1);
	assert_int_equal(http_write_request(&f->c, "GET", "/x", "h",
					    "A: b\r\n\r\nGET /evil HTTP/1.1\r\n", NULL, 0, &f->e),
			 -1);
	assert_int_equal(http_write_request(&f->c, "GET", "/x", "h", "A: b\nC: d\r\n", NULL, 0,
					    &f->e),
			 -1);
	assert_int_equal(http_write_request(&f->c, "GET", "x", "h", "", NULL, 0, &f->e), -1);
	assert_int_equal(http_write_request(&f->c, "GET", "/a b", "h", "", NULL, 0, &f->e), -1);
	assert_int_equal(http_write_request(&f->c, "G T", "/", "h", "", NULL, 0, &f->e), -1);
	assert_int_equal(http_write_request(&f->c, "GET", "/", "h\r\nX: y", "", NULL, 0, &f->e), -1);
	assert_int_equal(http_write_response(&f->c, 200, "text/plain\r\nX: y", "", NULL, 0, true,
					     &f->e),
			 -1);
	assert_int_equal(http_write_response(&f->c, 600, NULL, "", NULL, 0, true, &f->e), -1);
	assert_int_equal(f->ms.writes, 0);
}

static void write_response_round_trip(void **state)
{
	struct fixture *f = *state;
	struct mem_stream in;
	char *body;
	size_t len;

	http_conn_init(&f->c, mem_stream(&f->ms, "", 0));
	assert_int_equal(http_write_response(&f->c, 503, "application/json", "Retry-After: 5\r\n",
					     "{\"error\": \"busy\"}", 17, false, &f->e),
			 0);
	assert_int_equal(f->ms.writes, 1);
	assert_string_equal(f->ms.out, "HTTP/1.1 503 Service Unavailable\r\n"
				       "Content-Type: application/json\r\n"
				       "Content-Length: 17\r\n"
				       "Connection: close\r\n"
				       "Retry-After: 5\r\n"
				       "\r\n{\"error\": \"busy\"}");
	http_conn_init(&f->c, mem_stream(&in, f->ms.out, 0));
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
	assert_int_equal(f->m.status, 503);
	assert_false(f->m.keep_alive);
	assert_string_equal(http_header(&f->m, "retry-after"), "5");
	assert_int_equal(http_read_body_all(&f->c, 100, &body, &len, &f->e), 0);
	assert_string_equal(body, "{\"error\": \"busy\"}");
	free(body);
	free(f->ms.out);
	f->ms.out = NULL;

	/* Head only; the caller streams the body with http_write_raw. */
	http_conn_init(&f->c, mem_stream(&f->ms, "", 0));
	assert_int_equal(http_write_response(&f->c, 206, "application/octet-stream",
					     "Content-Range: bytes 4-9/10\r\n", NULL, 6, true, &f->e),
			 0);
	assert_int_equal(http_write_raw(&f->c, "456789", 6, &f->e), 0);
	http_conn_init(&f->c, mem_stream(&in, f->ms.out, 0));
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
	assert_true(f->m.keep_alive);
	assert_int_equal(f->m.content_length, 6);
	{
		uint64_t s, e, t;

		assert_int_equal(http_parse_content_range(http_header(&f->m, "content-range"), &s,
							  &e, &t),
				 0);
		assert_int_equal(s, 4);
		assert_int_equal(e, 9);
		assert_int_equal(t, 10);
	}
	assert_int_equal(http_read_body_all(&f->c, 6, &body, &len, &f->e), 0);
	assert_string_equal(body, "456789");
	free(body);
	free(f->ms.out);
	f->ms.out = NULL;

	/* 204: no body and no Content-Length; a body is refused. */
	http_conn_init(&f->c, mem_stream(&f->ms, "", 0));
	assert_int_equal(http_write_response(&f->c, 204, NULL, "", NULL, 0, true, &f->e), 0);
	assert_string_equal(f->ms.out, "HTTP/1.1 204 No Content\r\n\r\n");
	assert_int_equal(http_write_response(&f->c, 204, NULL, "", "x", 1, true, &f->e), -1);
	assert_string_equal(f->e.msg, "response: status 204 carries no body");
	assert_int_equal(f->ms.writes, 1);
}

/* ---- ranges ---- */

static void range_parsing(void **state)
{
	static const struct {
		const char *v;
		uint64_t size;
		int rc;
		uint64_t start, end;
	} cases[] = {
		{ "bytes=5-", 10, 0, 5, 9 },
		{ "bytes=0-", 10, 0, 0, 9 },
		{ "bytes=9-", 10, 0, 9, 9 },
		{ "bytes=0-0", 10, 0, 0, 0 },
		{ "bytes=2-4", 10, 0, 2, 4 },
		{ "bytes=5-100", 10, 0, 5, 9 },                 /* end clamped */
		{ "BYTES=3-", 10, 0, 3, 9 },                    /* unit is case-insensitive */
		{ "bytes=18446744073709551614-", UINT64_MAX, 0, UINT64_MAX - 1, UINT64_MAX - 1 },
		{ "bytes=10-", 10, -1, 0, 0 },                  /* beyond the end */
		{ "bytes=11-20", 10, -1, 0, 0 },
		{ "bytes=0-", 0, -1, 0, 0 },                    /* empty resource */
		{ "bytes=7-5", 10, -1, 0, 0 },                  /* start > end */
		{ "bytes=-5", 10, -1, 0, 0 },                   /* suffix ranges: unsupported */
		{ "bytes=0-1,3-4", 10, -1, 0, 0 },              /* several ranges */
		{ "bytes=0-1, 3-4", 10, -1, 0, 0 },
		{ "bytes=18446744073709551616-", UINT64_MAX, -1, 0, 0 }, /* overflow */
		{ "bytes=0-18446744073709551616", 10, -1, 0, 0 },
		{ "bytes=18446744073709551615-", UINT64_MAX, -1, 0, 0 },
		{ "bytes= 5-", 10, -1, 0, 0 },
		{ "bytes=5 -", 10, -1, 0, 0 },
		{ "bytes=5- ", 10, -1, 0, 0 },
		{ "bytes=5", 10, -1, 0, 0 },
		{ "bytes=+5-", 10, -1, 0, 0 },
		{ "bytes=", 10, -1, 0, 0 },
		{ "bytes 5-", 10, -1, 0, 0 },
		{ "items=5-", 10, -1, 0, 0 },
		{ "", 10, -1, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t s = 42, e = 42;
		int rc = http_parse_range(cases[i].v, cases[i].size, &s, &e);

		if (rc != cases[i].rc)
			fail_msg("\"%s\" of %" PRIu64 ": rc %d", cases[i].v, cases[i].size, rc);
		if (rc == 0 && (s != cases[i].start || e != cases[i].end))
			fail_msg("\"%s\": %" PRIu64 "-%" PRIu64, cases[i].v, s, e);
		if (rc != 0 && (s != 42 || e != 42))
			fail_msg("\"%s\": outputs touched on failure", cases[i].v);
	}
}

static void content_range_parsing(void **state)
{
	static const struct {
		const char *v;
		int rc;
		uint64_t start, end, total;
	} cases[] = {
		{ "bytes 0-9/10", 0, 0, 9, 10 },
		{ "bytes 4-9/10", 0, 4, 9, 10 },
		{ "Bytes 9-9/10", 0, 9, 9, 10 },
		{ "bytes 0-18446744073709551614/18446744073709551615", 0, 0, UINT64_MAX - 1,
		  UINT64_MAX },
		{ "bytes 5-4/10", -1, 0, 0, 0 },          /* start > end */
		{ "bytes 0-10/10", -1, 0, 0, 0 },         /* end beyond total */
		{ "bytes 0-9/0", -1, 0, 0, 0 },
		{ "bytes */10", -1, 0, 0, 0 },            /* the 416 form */
		{ "bytes 0-9/*", -1, 0, 0, 0 },           /* unknown total */
		{ "bytes 0-9/18446744073709551616", -1, 0, 0, 0 },
		{ "bytes 18446744073709551616-1/2", -1, 0, 0, 0 },
		{ "bytes 0-9/10 ", -1, 0, 0, 0 },
		{ "bytes  0-9/10", -1, 0, 0, 0 },
		{ "bytes 0 -9/10", -1, 0, 0, 0 },
		{ "bytes -1-9/10", -1, 0, 0, 0 },
		{ "bytes=0-9/10", -1, 0, 0, 0 },
		{ "bytes 0-9", -1, 0, 0, 0 },
		{ "0-9/10", -1, 0, 0, 0 },
		{ "", -1, 0, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t s = 42, e = 42, t = 42;
		int rc = http_parse_content_range(cases[i].v, &s, &e, &t);

		if (rc != cases[i].rc)
			fail_msg("\"%s\": rc %d", cases[i].v, rc);
		if (rc == 0 &&
		    (s != cases[i].start || e != cases[i].end || t != cases[i].total))
			fail_msg("\"%s\": %" PRIu64 "-%" PRIu64 "/%" PRIu64, cases[i].v, s, e, t);
	}
}

/* ---- chunked bodies ---- */

#define CHUNKED_HEAD "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

/* A chunked answer, with extensions and a trailer, then a second message on
 * the same connection: the body is exact and the next head found intact,
 * whatever the pieces the stream hands over. */
static void chunked_body(void **state)
{
	static const char wire[] = CHUNKED_HEAD "5;name=\"v a\"\r\nhello\r\n"
				   "6 ; x\r\n world\r\n"
				   "00000000\r\nX-Check: 1\r\nY: 2\r\n\r\n"
				   "HTTP/1.1 204 No Content\r\n\r\n";
	struct fixture *f = *state;

	for (size_t piece = 0; piece <= 7; piece++) {
		char *body = NULL;
		size_t len = 0;

		http_conn_init(&f->c, mem_stream(&f->ms, wire, piece));
		assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
		assert_true(http_body_chunked(&f->c));
		if (http_read_body_all(&f->c, 1000, &body, &len, &f->e))
			fail_msg("piece %zu: %s", piece, f->e.msg);
		assert_int_equal(len, 11);
		assert_string_equal(body, "hello world");
		free(body);
		assert_false(http_body_chunked(&f->c));
		assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
		assert_int_equal(f->m.status, 204);
	}
	/* streamed and skipped the same way */
	{
		char buf[3], out[16] = "";
		size_t got = 0;
		ssize_t n;

		http_conn_init(&f->c, mem_stream(&f->ms, wire, 2));
		assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
		while ((n = http_read_body(&f->c, buf, sizeof(buf), &f->e)) > 0) {
			assert_true(got + (size_t)n < sizeof(out));
			memcpy(out + got, buf, (size_t)n);
			got += (size_t)n;
		}
		assert_int_equal(n, 0);
		assert_string_equal(out, "hello world");
		assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);

		http_conn_init(&f->c, mem_stream(&f->ms, wire, 1));
		assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
		assert_int_equal(http_skip_body(&f->c, &f->e), 0);
		assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
		assert_int_equal(f->m.status, 204);
	}
}

/* Every hostile chunked body fails with its own reason, marked as the
 * peer's fault (not retried), and never reads past what it was given. */
static void chunked_hostile(void **state)
{
	static const struct {
		const char *body;
		size_t cap;
		bool malformed;
		const char *why;
	} bad[] = {
		{ "zz\r\nhello\r\n0\r\n\r\n", 100, true, "malformed chunk-size line" },
		{ "\r\n", 100, true, "malformed chunk-size line" },
		{ "-5\r\nhello\r\n0\r\n\r\n", 100, true, "malformed chunk-size line" },
		{ "0x5\r\nhello\r\n0\r\n\r\n", 100, true, "malformed chunk-size line" },
		{ "5 x\r\nhello\r\n0\r\n\r\n", 100, true, "malformed chunk-size line" },
		{ "5\nhello\r\n0\r\n\r\n", 100, true, "bare LF in chunk-size line" },
		{ "5;a=\x01\r\nhello\r\n0\r\n\r\n", 100, true, "invalid character in chunk ext" },
		{ "10000000000000000\r\n", 100, true, "chunk size out of range" },
		{ "ffffffffffffffff\r\n", 100, true, "larger than the limit of 100 bytes" },
		{ "65\r\n", 100, true, "larger than the limit of 100 bytes" },
		{ "32\r\n", 100, false, "truncated chunked body after 0 bytes" },
		{ "40\r\n", 100, false, "truncated chunked body" },
		{ "32\r\n00000000001111111111222222222233333333334444444444\r\n"
		  "33\r\n", 100, true, "larger than the limit of 100 bytes" },
		{ "5\r\nhelloX\r\n0\r\n\r\n", 100, true, "chunk data not followed by CRLF" },
		{ "5\r\nhello", 100, false, "truncated chunked body after 5 bytes" },
		{ "5\r\nhello\r\n", 100, false, "truncated chunked body after 5 bytes" },
		{ "5\r\nhello\r\n0\r\n", 100, false, "truncated" },
		{ "0\r\nNoColon\r\n\r\n", 100, true, "malformed chunked trailer" },
		{ "0\r\nA: \x01\r\n\r\n", 100, true, "invalid character in chunked trailer" },
		{ "0\r\nA: b\n\r\n", 100, true, "bare LF in chunked trailer" },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t wlen = strlen(CHUNKED_HEAD) + strlen(bad[i].body);
		char *wire = malloc(wlen + 1), *body = NULL;
		size_t len = 0;

		assert_non_null(wire);
		snprintf(wire, wlen + 1, "%s%s", CHUNKED_HEAD, bad[i].body);
		for (size_t piece = 0; piece <= 1; piece++) {
			http_conn_init(&f->c, mem_stream(&f->ms, wire, piece));
			assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
			if (http_read_body_all(&f->c, bad[i].cap, &body, &len, &f->e) != -1)
				fail_msg("case %zu: accepted", i);
			assert_null(body);
			if (!strstr(f->e.msg, bad[i].why))
				fail_msg("case %zu: \"%s\" does not say \"%s\"", i, f->e.msg,
					 bad[i].why);
			if (f->c.malformed != bad[i].malformed)
				fail_msg("case %zu: malformed is %d", i, f->c.malformed);
		}
		free(wire);
	}
}

/* A chunk-size line and the trailers have caps of their own; a streamed
 * body has the caller's. */
static void chunked_caps(void **state)
{
	struct fixture *f = *state;
	size_t n = strlen(CHUNKED_HEAD) + 3 * HTTP_HEAD_MAX;
	char *wire = malloc(n + 1), *p, buf[64];

	assert_non_null(wire);
	/* a chunk-size line of extensions longer than HTTP_CHUNK_LINE_MAX */
	p = wire + sprintf(wire, "%s5", CHUNKED_HEAD);
	for (int i = 0; i < HTTP_CHUNK_LINE_MAX; i++)
		*p++ = ';';
	strcpy(p, "\r\nhello\r\n0\r\n\r\n");
	http_conn_init(&f->c, mem_stream(&f->ms, wire, 0));
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
	assert_int_equal(http_read_body(&f->c, buf, sizeof(buf), &f->e), -1);
	assert_string_equal(f->e.msg, "chunk-size line longer than 1024 bytes");

	/* trailers: too many lines */
	p = wire + sprintf(wire, "%s0\r\n", CHUNKED_HEAD);
	for (int i = 0; i <= HTTP_HEADERS_MAX; i++)
		p += sprintf(p, "T%d: x\r\n", i);
	strcpy(p, "\r\n");
	http_conn_init(&f->c, mem_stream(&f->ms, wire, 0));
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
	assert_int_equal(http_skip_body(&f->c, &f->e), -1);
	assert_non_null(strstr(f->e.msg, "chunked trailers larger than"));

	/* trailers: one line too long */
	p = wire + sprintf(wire, "%s0\r\nT: ", CHUNKED_HEAD);
	memset(p, 'x', HTTP_HEAD_MAX);
	strcpy(p + HTTP_HEAD_MAX, "\r\n\r\n");
	http_conn_init(&f->c, mem_stream(&f->ms, wire, 0));
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
	assert_int_equal(http_skip_body(&f->c, &f->e), -1);
	assert_non_null(strstr(f->e.msg, "chunked trailer longer than"));

	/* streamed, with a limit: refused at the chunk-size line, before its data */
	sprintf(wire, "%s4\r\nabcd\r\n2\r\nef\r\n0\r\n\r\n", CHUNKED_HEAD);
	http_conn_init(&f->c, mem_stream(&f->ms, wire, 0));
	assert_int_equal(http_read_response_head(&f->c, &f->m, &f->e), 0);
	http_limit_body(&f->c, 5);
	assert_int_equal(http_read_body(&f->c, buf, sizeof(buf), &f->e), 4);
	assert_int_equal(http_read_body(&f->c, buf, sizeof(buf), &f->e), -1);
	assert_string_equal(f->e.msg, "chunked body larger than the limit of 5 bytes");
	free(wire);

	/* requests stay Content-Length only */
	http_conn_init(&f->c, mem_stream(&f->ms, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked"
						"\r\n\r\n0\r\n\r\n", 0));
	assert_int_equal(http_read_request_head(&f->c, &f->m, &f->e), -1);
	assert_string_equal(f->e.msg, "chunked request bodies are not supported (send Content-Length)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(request_good, setup, teardown),
		cmocka_unit_test_setup_teardown(response_good, setup, teardown),
		cmocka_unit_test_setup_teardown(header_lookup_is_case_insensitive, setup, teardown),
		cmocka_unit_test_setup_teardown(keep_alive_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_heads_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(too_many_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(head_size_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(pipelined_messages_in_small_pieces, setup, teardown),
		cmocka_unit_test_setup_teardown(request_stream_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(response_framing, setup, teardown),
		cmocka_unit_test_setup_teardown(body_over_socketpair, setup, teardown),
		cmocka_unit_test_setup_teardown(large_reads_skip_the_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(truncated_body, setup, teardown),
		cmocka_unit_test_setup_teardown(read_body_all_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(write_request_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(write_refuses_injection, setup, teardown),
		cmocka_unit_test_setup_teardown(write_response_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(chunked_body, setup, teardown),
		cmocka_unit_test_setup_teardown(chunked_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(chunked_caps, setup, teardown),
		cmocka_unit_test(range_parsing),
		cmocka_unit_test(content_range_parsing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
