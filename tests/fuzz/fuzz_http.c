// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for http: the input goes, as a NUL-terminated copy, to
 * both head parsers, the Content-Range and Range parsers, and then as a
 * byte stream (cut into pieces whose size the first byte picks) through
 * http_read_response_head / http_read_body_all and the request side, as a
 * peer would send it.
 *
 * Besides the sanitizers, it checks what the parsers promise on success:
 * tokens are tokens, values hold no line break, numbers are in range, and
 * a body read whole has the length the head announced (a chunked body: at
 * most the cap, and the body is over afterwards).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

struct feed {
	const uint8_t *data;
	size_t len, pos, piece;
};

static ssize_t feed_read(void *ctx, void *buf, size_t len, struct err *e)
{
	struct feed *f = ctx;
	size_t n = f->len - f->pos;

	(void)e;
	if (n > len)
		n = len;
	if (n > f->piece)
		n = f->piece;
	memcpy(buf, f->data + f->pos, n);
	f->pos += n;
	return (ssize_t)n;
}

static int feed_write(void *ctx, const void *buf, size_t len, struct err *e)
{
	(void)ctx;
	(void)buf;
	(void)len;
	(void)e;
	return 0;
}

static int is_tchar(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static void check_token(const char *s)
{
	if (!*s)
		abort();
	for (; *s; s++)
		if (!is_tchar((unsigned char)*s))
			abort();
}

static void check_message(const struct http_message *m, bool request)
{
	if (m->header_count > HTTP_HEADERS_MAX || m->content_length < -1)
		abort();
	if (request) {
		check_token(m->method);
		if (m->target[0] != '/' || strpbrk(m->target, " \t\r\n"))
			abort();
	} else if (m->status < 100 || m->status > 599 || !m->reason ||
		   strpbrk(m->reason, "\r\n")) {
		abort();
	}
	for (size_t i = 0; i < m->header_count; i++) {
		const char *v = m->headers[i].value;

		check_token(m->headers[i].name);
		if (strpbrk(v, "\r\n") || (*v && (v[0] == ' ' || v[strlen(v) - 1] == ' ')))
			abort();
		if (!http_header(m, m->headers[i].name))
			abort();
	}
}

static void parse_whole(const uint8_t *data, size_t size, struct http_message *m)
{
	char *text = malloc(size + 1);
	uint64_t a, b, c;
	static const uint64_t sizes[] = { 0, 1, 10, 1000, UINT64_MAX };

	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	if (!http_parse_response_head(text, size, m, NULL))
		check_message(m, false);
	memcpy(text, data, size);
	if (!http_parse_request_head(text, size, m, NULL))
		check_message(m, true);

	memcpy(text, data, size);
	if (!http_parse_content_range(text, &a, &b, &c) && (a > b || b >= c))
		abort();
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (!http_parse_range(text, sizes[i], &a, &b) && (a > b || b >= sizes[i]))
			abort();
	free(text);
}

/* Up to a few messages from the stream, as the client and as the server. */
static void parse_stream(const uint8_t *data, size_t size, struct http_conn *c,
			 struct http_message *m, bool request)
{
	struct feed f = { data, size, 0, size ? (size_t)data[0] % 64 + 1 : 1 };
	struct err e;

	http_conn_init(c, (struct http_stream){ &f, feed_read, feed_write });
	for (int i = 0; i < 4; i++) {
		uint64_t announced;
		bool chunked;
		char *body;
		size_t len;
		int rc;

		rc = request ? http_read_request_head(c, m, &e) : http_read_response_head(c, m, &e);
		if (rc)
			return;
		check_message(m, request);
		announced = c->body_left;
		chunked = http_body_chunked(c);
		if (i % 2) {
			if (http_skip_body(c, &e))
				return;
			continue;
		}
		if (http_read_body_all(c, 1 << 16, &body, &len, &e))
			return;
		if ((chunked ? len > 1 << 16 : len != announced) || body[len] ||
		    http_body_chunked(c) || c->body_left)
			abort();
		free(body);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_message *m = malloc(sizeof(*m));
	struct http_conn *c = malloc(sizeof(*c));

	if (m && c) {
		parse_whole(data, size, m);
		parse_stream(data, size, c, m, false);
		parse_stream(data, size, c, m, true);
	}
	free(c);
	free(m);
	return 0;
}
