// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * http_chunked: chunked transfer coding of response bodies (http.h).
 *
 * c->body_left is what is left of the current chunk; when it reaches 0 the
 * next read takes the chunk's CRLF and the next chunk-size line (hex
 * digits, then optional ";ext" parameters, checked and ignored) from the
 * connection's buffer, and after the last chunk the trailers (checked as
 * header lines, then ignored).  c->body_len counts the bytes announced so
 * far and is checked against c->body_max before a chunk's data is read, so
 * a body over its cap is refused at the chunk-size line that says so.
 * Caps: a chunk-size line HTTP_CHUNK_LINE_MAX bytes, the trailers
 * HTTP_HEAD_MAX bytes and HTTP_HEADERS_MAX lines.  A line must end in CRLF.
 */
#include "http_internal.h"

#include <inttypes.h>
#include <stdlib.h>

bool http_body_chunked(const struct http_conn *c)
{
	return c->chunked;
}

void http_limit_body(struct http_conn *c, uint64_t max)
{
	c->body_max = max;
}

/* Makes the buffer hold at least `need` (<= sizeof(c->buf)) unread bytes. */
static int buffered(struct http_conn *c, size_t need, struct err *e)
{
	while (c->len - c->pos < need) {
		ssize_t n;

		if (c->pos) {
			memmove(c->buf, c->buf + c->pos, c->len - c->pos);
			c->len -= c->pos;
			c->pos = 0;
		}
		n = c->s.read(c->s.ctx, c->buf + c->len, sizeof(c->buf) - c->len, e);
		if (n < 0)
			return -1;
		if (n == 0)
			return http_truncated(c, e);
		if ((size_t)n > sizeof(c->buf) - c->len)
			return err_fail(e, "stream returned more than asked");
		c->len += (size_t)n;
	}
	return 0;
}

/* The length (CRLF included) of the line at c->pos, once it is buffered
 * whole; longer than max, or ending in a bare LF, is an error. */
static ssize_t buffered_line(struct http_conn *c, size_t max, const char *what,
			     struct err *e)
{
	size_t scanned = 0;

	for (;;) {
		const uint8_t *p = c->buf + c->pos;
		size_t avail = c->len - c->pos;

		for (size_t i = scanned; i < avail && i < max; i++) {
			if (p[i] != '\n')
				continue;
			if (i == 0 || p[i - 1] != '\r')
				return http_malformed(c, e, "bare LF in %s (lines must end in CRLF)",
						 what);
			return (ssize_t)(i + 1);
		}
		if (avail >= max)
			return http_malformed(c, e, "%s longer than %zu bytes", what, max);
		scanned = avail;
		if (buffered(c, avail + 1, e))
			return -1;
	}
}

static void consume(struct http_conn *c, size_t n)
{
	c->pos += n;
	if (c->pos == c->len)
		c->pos = c->len = 0;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* After the last chunk: trailer lines up to the empty line, checked as
 * header lines and ignored. */
static int read_trailers(struct http_conn *c, struct err *e)
{
	size_t total = 0;

	for (unsigned lines = 0;; lines++) {
		ssize_t n = buffered_line(c, HTTP_HEAD_MAX, "chunked trailer", e);
		const char *p;

		if (n < 0)
			return -1;
		p = (const char *)c->buf + c->pos;
		total += (size_t)n;
		if (n == 2) {
			consume(c, 2);
			return 0;
		}
		if (lines >= HTTP_HEADERS_MAX || total > HTTP_HEAD_MAX)
			return http_malformed(c, e, "chunked trailers larger than %d bytes or %d lines",
					 HTTP_HEAD_MAX, HTTP_HEADERS_MAX);
		{
			const char *q = p, *end = p + n - 2;

			while (q < end && http_is_tchar((unsigned char)*q))
				q++;
			if (q == p || q == end || *q != ':')
				return http_malformed(c, e, "malformed chunked trailer");
			for (q++; q < end; q++)
				if (!http_is_value_char((unsigned char)*q))
					return http_malformed(c, e, "invalid character in chunked trailer");
		}
		consume(c, (size_t)n);
	}
}

/* The current chunk is used up: takes its CRLF (none before the first) and
 * the next chunk-size line; at the last chunk the trailers, and the body
 * is over (c->chunked false). */
int http_next_chunk(struct http_conn *c, struct err *e)
{
	uint64_t size = 0;
	const char *p, *end;
	ssize_t n;
	size_t digits = 0;

	if (c->body_len) {
		if (buffered(c, 2, e))
			return -1;
		if (c->buf[c->pos] != '\r' || c->buf[c->pos + 1] != '\n')
			return http_malformed(c, e, "chunk data not followed by CRLF");
		consume(c, 2);
	}
	n = buffered_line(c, HTTP_CHUNK_LINE_MAX, "chunk-size line", e);
	if (n < 0)
		return -1;
	p = (const char *)c->buf + c->pos;
	end = p + n - 2;
	for (; p + digits < end && hex_digit(p[digits]) >= 0; digits++) {
		if (size > UINT64_MAX >> 4)
			return http_malformed(c, e, "chunk size out of range");
		size = size << 4 | (uint64_t)hex_digit(p[digits]);
	}
	if (!digits)
		return http_malformed(c, e, "malformed chunk-size line");
	for (p += digits; p < end && http_is_ows(*p); p++)
		;
	if (p < end && *p != ';')
		return http_malformed(c, e, "malformed chunk-size line");
	for (; p < end; p++)
		if (!http_is_value_char((unsigned char)*p))
			return http_malformed(c, e, "invalid character in chunk extension");
	consume(c, (size_t)n);
	if (size > c->body_max - c->body_len)
		return http_malformed(c, e, "chunked body larger than the limit of %" PRIu64 " bytes",
				 c->body_max);
	if (size == 0) {
		if (read_trailers(c, e))
			return -1;
		c->chunked = false;
		return 0;
	}
	c->body_left = size;
	c->body_len += size;
	return 0;
}

/* A chunked body read whole: the buffer grows (doubling) up to cap + 1. */
int http_read_chunked_all(struct http_conn *c, size_t cap, char **out, size_t *len,
			  struct err *e)
{
	size_t got = 0, size = 0;
	char *buf = NULL;

	if ((uint64_t)cap < c->body_max)
		c->body_max = cap;
	for (;;) {
		ssize_t n;

		if (got + 1 >= size) {
			size_t want = size ? size * 2 : 4096;
			char *grown;

			if (want > cap + 1 || want < size)
				want = cap + 1;
			grown = realloc(buf, want);
			if (!grown) {
				free(buf);
				return err_fail(e, "out of memory");
			}
			buf = grown;
			size = want;
		}
		n = http_read_body(c, buf + got, size - 1 - got, e);
		if (n < 0) {
			free(buf);
			return -1;
		}
		if (n == 0 && !c->chunked)
			break;
		if (n == 0) /* cannot happen: body_max stops a chunk past cap */
			return free(buf), err_fail(e, "chunked body larger than %zu bytes", cap);
		got += (size_t)n;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}
