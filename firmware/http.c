// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * http: the HTTP/1.1 subset of http.h, both sides.
 *
 * Reading.  A struct http_conn buffers what the stream gives.  A head is
 * found by scanning the buffer for the empty line; the scan resumes where
 * it stopped, so a head that arrives byte by byte costs O(n).  The head is
 * then copied into the message's own buffer and parsed in place (NULs at
 * token ends), so the message outlives the connection buffer.  Bytes after
 * the head stay buffered: they are the body, or the next message.
 *
 * Line ends: CRLF only.  A bare LF (or a CR not followed by LF) is an error,
 * detected as soon as it arrives, so a peer speaking bare-LF HTTP gets an
 * answer instead of a wait for a head end that never comes.  Accepting both
 * would let two parsers disagree about where a head ends.
 *
 * Strictness, for a hostile peer: the head is at most HTTP_HEAD_MAX bytes
 * with at most HTTP_HEADERS_MAX header lines; no NUL, no obsolete line
 * folding, no whitespace before a header's colon, header names are tokens,
 * values printable (obs-text allowed); Content-Length is digits only, fits
 * int64, and repeated copies must agree; Transfer-Encoding is "chunked"
 * alone (any other coding is refused), never with Content-Length (two
 * framings would let two parsers disagree) and never in HTTP/1.0; HTTP/1.0
 * and HTTP/1.1 only; status 100..599; request targets start with '/'.
 * Error messages never echo the peer's bytes.  A failure caused by the
 * peer's bytes (not by the transport) sets c->malformed.
 *
 * Bodies.  c->body_left counts what is left of the current body; a body is
 * never read past its end, so the next head is always found intact.
 * Chunked bodies are read in http_chunked.c.  When
 * nothing is buffered and the caller's buffer is large, the stream reads
 * straight into it (one copy fewer on downloads).
 *
 * Writing.  A head is built in one stack buffer and sent with one
 * write_all(); a body that fits in the same buffer goes with it, so a small
 * request or answer is one write (one TLS record).
 */
#include "http.h"
#include "http_internal.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Reads at least this large go straight to the caller's buffer. */
#define DIRECT_READ_MIN (16 * 1024)

void http_conn_init(struct http_conn *c, struct http_stream s)
{
	c->s = s;
	c->pos = 0;
	c->len = 0;
	c->body_left = 0;
	c->body_len = 0;
	c->body_max = UINT64_MAX;
	c->chunked = false;
	c->malformed = false;
}

int http_malformed(struct http_conn *c, struct err *e, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->malformed = true;
	return err_fail(e, "%s", msg);
}

/* ---- characters: http_internal.h ---- */

/* Decimal digits at *p: at least one, no overflow.  Moves *p past them. */
static int parse_u64(const char **p, uint64_t *out)
{
	const char *s = *p;
	uint64_t n = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (n > (UINT64_MAX - d) / 10)
			return -1;
		n = n * 10 + d;
	}
	*p = s;
	*out = n;
	return 0;
}

/* Does the comma-separated list v hold `token` (case-insensitive)? */
static bool list_has(const char *v, const char *token)
{
	size_t tl = strlen(token);

	while (*v) {
		const char *end;
		size_t n;

		while (http_is_ows(*v) || *v == ',')
			v++;
		end = v;
		while (*end && *end != ',')
			end++;
		n = (size_t)(end - v);
		while (n && http_is_ows(v[n - 1]))
			n--;
		if (n == tl && !strncasecmp(v, token, tl))
			return true;
		v = end;
	}
	return false;
}

/* ---- parsing a head ---- */

/* The next CRLF-terminated line at *p (before end), NUL-terminated in place. */
static char *next_line(char **p, char *end, struct err *e)
{
	char *line = *p, *lf;

	lf = memchr(line, '\n', (size_t)(end - line));
	if (!lf) {
		err_fail(e, "message head does not end with an empty line");
		return NULL;
	}
	if (lf == line || lf[-1] != '\r') {
		err_fail(e, "bare LF in message head (lines must end in CRLF)");
		return NULL;
	}
	if (memchr(line, '\r', (size_t)(lf - 1 - line))) {
		err_fail(e, "stray CR in message head");
		return NULL;
	}
	lf[-1] = '\0';
	*p = lf + 1;
	return line;
}

/* "HTTP/1.1" → 1, "HTTP/1.0" → 0, other versions and garbage → -1 with e. */
static int parse_version(const char *v, struct err *e)
{
	if (!strcmp(v, "HTTP/1.1"))
		return 1;
	if (!strcmp(v, "HTTP/1.0"))
		return 0;
	if (!strncmp(v, "HTTP/", 5) && v[5] >= '0' && v[5] <= '9' && v[6] == '.' &&
	    v[7] >= '0' && v[7] <= '9' && !v[8])
		return err_fail(e, "unsupported HTTP version (only 1.0 and 1.1)");
	return err_fail(e, "malformed HTTP version");
}

static int parse_request_line(char *line, struct http_message *m, int *minor, struct err *e)
{
	char *sp1, *sp2;

	for (sp1 = line; http_is_tchar((unsigned char)*sp1); sp1++)
		;
	if (sp1 == line || *sp1 != ' ')
		return err_fail(e, "malformed request line");
	*sp1 = '\0';
	m->method = line;
	m->target = sp1 + 1;
	for (sp2 = sp1 + 1; (unsigned char)*sp2 > 0x20 && *sp2 != 0x7f; sp2++)
		;
	if (*sp2 != ' ' || sp2 == sp1 + 1)
		return err_fail(e, "malformed request line");
	*sp2 = '\0';
	if (m->target[0] != '/')
		return err_fail(e, "request target does not start with '/'");
	*minor = parse_version(sp2 + 1, e);
	return *minor < 0 ? -1 : 0;
}

static int parse_status_line(char *line, struct http_message *m, int *minor, struct err *e)
{
	const unsigned char *r;

	if (strncmp(line, "HTTP/", 5) || !line[5] || !line[6] || !line[7] ||
	    (line[8] != ' ' && line[8] != '\0'))
		return err_fail(e, "malformed status line");
	if (!line[8])
		return err_fail(e, "status line without a status code");
	line[8] = '\0';
	*minor = parse_version(line, e);
	if (*minor < 0)
		return -1;
	for (int i = 9; i < 12; i++)
		if (line[i] < '0' || line[i] > '9')
			return err_fail(e, "malformed status code");
	if (line[12] != ' ' && line[12] != '\0')
		return err_fail(e, "malformed status code");
	m->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
	if (m->status < 100 || m->status > 599)
		return err_fail(e, "status code %d out of range", m->status);
	m->reason = line[12] ? line + 13 : line + 12;
	for (r = (const unsigned char *)m->reason; *r; r++)
		if (!http_is_value_char(*r))
			return err_fail(e, "invalid character in reason phrase");
	return 0;
}

static int parse_header_line(char *line, struct http_message *m, struct err *e)
{
	char *p = line, *v, *end;

	if (http_is_ows(*line))
		return err_fail(e, "obsolete line folding in message head");
	while (http_is_tchar((unsigned char)*p))
		p++;
	if (*p != ':')
		return err_fail(e, p != line && http_is_ows(*p)
					   ? "whitespace between header name and colon"
					   : "invalid character in header name");
	if (p == line)
		return err_fail(e, "header line without a name");
	if (m->header_count >= HTTP_HEADERS_MAX)
		return err_fail(e, "more than %d header lines", HTTP_HEADERS_MAX);
	*p = '\0';
	v = p + 1;
	while (http_is_ows(*v))
		v++;
	end = v + strlen(v);
	while (end > v && http_is_ows(end[-1]))
		*--end = '\0';
	for (const char *q = v; *q; q++)
		if (!http_is_value_char((unsigned char)*q))
			return err_fail(e, "invalid character in header %s", line);
	m->headers[m->header_count].name = line;
	m->headers[m->header_count].value = v;
	m->header_count++;
	return 0;
}

/* What the headers mean for framing and keep-alive. */
static int apply_headers(struct http_message *m, int minor, struct err *e)
{
	bool close = false;

	for (size_t i = 0; i < m->header_count; i++) {
		const char *name = m->headers[i].name, *v = m->headers[i].value;

		if (!strcasecmp(name, "content-length")) {
			uint64_t n;
			const char *p = v;

			if (parse_u64(&p, &n) || *p || n > INT64_MAX)
				return err_fail(e, "malformed Content-Length");
			if (m->content_length >= 0 && (uint64_t)m->content_length != n)
				return err_fail(e, "conflicting Content-Length headers");
			m->content_length = (int64_t)n;
		} else if (!strcasecmp(name, "transfer-encoding")) {
			if (!strcasecmp(v, "identity"))
				continue;
			if (!strcasecmp(v, "chunked") && !m->chunked) {
				m->chunked = true;
				continue;
			}
			if (list_has(v, "chunked"))
				return err_fail(e, "transfer coding other than chunked alone "
						"is not supported");
			return err_fail(e, "transfer encoding is not supported "
					"(only chunked)");
		} else if (!strcasecmp(name, "connection")) {
			if (list_has(v, "close"))
				close = true;
		}
	}
	if (m->chunked && m->content_length >= 0)
		return err_fail(e, "both Content-Length and chunked transfer coding");
	if (m->chunked && minor != 1)
		return err_fail(e, "chunked transfer coding in an HTTP/1.0 message");
	m->keep_alive = minor == 1 && !close;
	return 0;
}

static int parse_head(char *text, size_t len, struct http_message *m, bool request,
		      struct err *e)
{
	char *p = text, *end = text + len, *line;
	int minor = -1;

	m->method = NULL;
	m->target = NULL;
	m->status = 0;
	m->reason = NULL;
	m->header_count = 0;
	m->content_length = -1;
	m->chunked = false;
	m->keep_alive = false;
	if (len > HTTP_HEAD_MAX)
		return err_fail(e, "message head larger than %d bytes", HTTP_HEAD_MAX);
	if (memchr(text, '\0', len))
		return err_fail(e, "NUL byte in message head");
	line = next_line(&p, end, e);
	if (!line)
		return -1;
	if (request ? parse_request_line(line, m, &minor, e)
		    : parse_status_line(line, m, &minor, e))
		return -1;
	for (;;) {
		line = next_line(&p, end, e);
		if (!line)
			return -1;
		if (!*line)
			break;
		if (parse_header_line(line, m, e))
			return -1;
	}
	if (p != end)
		return err_fail(e, "bytes after the end of the message head");
	return apply_headers(m, minor, e);
}

int http_parse_request_head(char *text, size_t len, struct http_message *m, struct err *e)
{
	return parse_head(text, len, m, true, e);
}

int http_parse_response_head(char *text, size_t len, struct http_message *m, struct err *e)
{
	return parse_head(text, len, m, false, e);
}

const char *http_header(const struct http_message *m, const char *name)
{
	for (size_t i = 0; i < m->header_count; i++)
		if (!strcasecmp(m->headers[i].name, name))
			return m->headers[i].value;
	return NULL;
}

/* ---- reading from a connection ---- */

/* Finds the next head in the buffer, reading more as needed, and parses it
 * into m.  1: a request's stream ended before its first byte. */
static int read_head(struct http_conn *c, struct http_message *m, bool request,
		     struct err *e)
{
	size_t scanned = 0, end = 0;

	c->malformed = false;
	if (c->body_left || c->chunked)
		return err_fail(e, "the previous message's body was not read");
	for (;;) {
		const uint8_t *p = c->buf + c->pos;
		size_t avail = c->len - c->pos;
		ssize_t n;

		for (size_t i = scanned; i < avail && !end; i++) {
			if (p[i] != '\n')
				continue;
			if (i == 0 || p[i - 1] != '\r')
				return http_malformed(c, e, "bare LF in message head "
						 "(lines must end in CRLF)");
			if (i >= 3 && p[i - 2] == '\n' && p[i - 3] == '\r')
				end = i + 1;
		}
		if (end) {
			if (end > HTTP_HEAD_MAX)
				break;
			memcpy(m->head, p, end);
			m->head[end] = '\0';
			c->pos += end;
			if (c->pos == c->len)
				c->pos = c->len = 0;
			if (parse_head(m->head, end, m, request, e)) {
				c->malformed = true;
				return -1;
			}
			return 0;
		}
		if (avail >= HTTP_HEAD_MAX)
			break;
		scanned = avail;
		if (c->pos) {
			memmove(c->buf, p, avail);
			c->pos = 0;
			c->len = avail;
		}
		n = c->s.read(c->s.ctx, c->buf + c->len, sizeof(c->buf) - c->len, e);
		if (n < 0)
			return -1;
		if (n == 0) {
			if (avail == 0 && request)
				return 1;
			if (avail == 0)
				return err_fail(e, "connection closed before the response");
			return err_fail(e, "connection closed in the middle of a message head");
		}
		if ((size_t)n > sizeof(c->buf) - c->len)
			return err_fail(e, "stream returned more than asked");
		c->len += (size_t)n;
	}
	return http_malformed(c, e, "message head larger than %d bytes", HTTP_HEAD_MAX);
}

static void start_body(struct http_conn *c, uint64_t len)
{
	c->body_left = len;
	c->body_len = len;
	c->body_max = UINT64_MAX;
	c->chunked = false;
}

int http_read_request_head(struct http_conn *c, struct http_message *m, struct err *e)
{
	int rc = read_head(c, m, true, e);

	if (rc)
		return rc;
	if (m->chunked)
		return http_malformed(c, e, "chunked request bodies are not supported "
				 "(send Content-Length)");
	start_body(c, m->content_length > 0 ? (uint64_t)m->content_length : 0);
	return 0;
}

int http_read_response_head(struct http_conn *c, struct http_message *m, struct err *e)
{
	if (read_head(c, m, false, e))
		return -1;
	/* 1xx, 204 and 304 never have a body, whatever the headers say. */
	if (m->status < 200 || m->status == 204 || m->status == 304) {
		start_body(c, 0);
		return 0;
	}
	if (m->chunked) {
		start_body(c, 0);
		c->chunked = true;
		return 0;
	}
	if (m->content_length < 0)
		return http_malformed(c, e, "response without Content-Length or chunked coding");
	start_body(c, (uint64_t)m->content_length);
	return 0;
}

int http_truncated(struct http_conn *c, struct err *e)
{
	if (c->chunked)
		return err_fail(e, "truncated chunked body after %" PRIu64 " bytes",
				c->body_len - c->body_left);
	return err_fail(e, "truncated body: %" PRIu64 " of %" PRIu64 " bytes",
			c->body_len - c->body_left, c->body_len);
}

/* Refills the (empty) buffer.  > 0 bytes, or -1 (end of stream included). */
static ssize_t fill(struct http_conn *c, struct err *e)
{
	ssize_t n = c->s.read(c->s.ctx, c->buf, sizeof(c->buf), e);

	if (n < 0)
		return -1;
	if (n == 0)
		return http_truncated(c, e);
	if ((size_t)n > sizeof(c->buf))
		return err_fail(e, "stream returned more than asked");
	c->pos = 0;
	c->len = (size_t)n;
	return n;
}

ssize_t http_read_body(struct http_conn *c, void *buf, size_t len, struct err *e)
{
	size_t want = len, avail;
	ssize_t n;

	if (c->chunked && c->body_left == 0 && http_next_chunk(c, e))
		return -1;
	if (c->body_left == 0 || len == 0)
		return 0;
	if (want > c->body_left)
		want = (size_t)c->body_left;
	if (want > SSIZE_MAX)
		want = SSIZE_MAX;
	if (c->pos == c->len && want >= DIRECT_READ_MIN) {
		n = c->s.read(c->s.ctx, buf, want, e);
		if (n < 0)
			return -1;
		if (n == 0)
			return http_truncated(c, e);
		if ((size_t)n > want)
			return err_fail(e, "stream returned more than asked");
		c->body_left -= (uint64_t)n;
		return n;
	}
	if (c->pos == c->len && fill(c, e) < 0)
		return -1;
	avail = c->len - c->pos;
	if (want > avail)
		want = avail;
	memcpy(buf, c->buf + c->pos, want);
	c->pos += want;
	if (c->pos == c->len)
		c->pos = c->len = 0;
	c->body_left -= want;
	return (ssize_t)want;
}

int http_read_body_all(struct http_conn *c, size_t cap, char **out, size_t *len,
		       struct err *e)
{
	size_t got = 0, total;
	char *buf;

	if (c->chunked)
		return http_read_chunked_all(c, cap, out, len, e);
	if (c->body_left > cap || c->body_left >= SIZE_MAX)
		return err_fail(e, "body of %" PRIu64 " bytes is larger than the limit of %zu",
				c->body_left, cap);
	total = (size_t)c->body_left;
	buf = malloc(total + 1);
	if (!buf)
		return err_fail(e, "out of memory");
	while (got < total) {
		ssize_t n = http_read_body(c, buf + got, total - got, e);

		if (n <= 0) {
			if (n == 0)
				err_fail(e, "body ended early");
			free(buf);
			return -1;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

int http_skip_body(struct http_conn *c, struct err *e)
{
	for (;;) {
		size_t avail;

		if (c->chunked && !c->body_left && http_next_chunk(c, e))
			return -1;
		if (!c->body_left)
			return 0;
		if (c->pos == c->len && fill(c, e) < 0)
			return -1;
		avail = c->len - c->pos;
		if (avail > c->body_left)
			avail = (size_t)c->body_left;
		c->pos += avail;
		if (c->pos == c->len)
			c->pos = c->len = 0;
		c->body_left -= avail;
	}
}

/* ---- writing ---- */

/* "" or complete "Name: value\r\n" lines, nothing that could end the head
 * early or smuggle a line. */
static bool extra_headers_ok(const char *h)
{
	while (*h) {
		const char *p = h;

		while (http_is_tchar((unsigned char)*p))
			p++;
		if (p == h || *p != ':')
			return false;
		for (p++; *p && *p != '\r'; p++)
			if (!http_is_value_char((unsigned char)*p))
				return false;
		if (p[0] != '\r' || p[1] != '\n')
			return false;
		h = p + 2;
	}
	return true;
}

static bool token_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!http_is_tchar((unsigned char)*s))
			return false;
	return true;
}

static bool visible_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

/* Sends head[0..n) and the body, together when they fit in head's buffer. */
static int send_message(struct http_conn *c, char *head, size_t n, size_t size,
			const void *body, uint64_t body_len, struct err *e)
{
	if (!body || !body_len)
		return c->s.write_all(c->s.ctx, head, n, e);
	if (body_len <= size - n) {
		memcpy(head + n, body, (size_t)body_len);
		return c->s.write_all(c->s.ctx, head, n + (size_t)body_len, e);
	}
	if (c->s.write_all(c->s.ctx, head, n, e))
		return -1;
	return c->s.write_all(c->s.ctx, body, (size_t)body_len, e);
}

int http_write_request(struct http_conn *c, const char *method, const char *target,
		       const char *host, const char *extra_headers, const void *body,
		       size_t body_len, struct err *e)
{
	char head[HTTP_HEAD_MAX];
	int n;

	if (!extra_headers)
		extra_headers = "";
	if (!token_ok(method) || target[0] != '/' || !visible_ok(target) || !visible_ok(host))
		return err_fail(e, "request: malformed method, target or host");
	if (!extra_headers_ok(extra_headers))
		return err_fail(e, "request: malformed extra header lines");
	n = snprintf(head, sizeof(head),
		     "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %zu\r\n%s\r\n", method,
		     target, host, body_len, extra_headers);
	if (n < 0 || (size_t)n >= sizeof(head))
		return err_fail(e, "request head larger than %zu bytes", sizeof(head));
	return send_message(c, head, (size_t)n, sizeof(head), body, body_len, e);
}

static const char *reason_phrase(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 416: return "Range Not Satisfiable";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	default: return "";
	}
}

int http_write_response(struct http_conn *c, int status, const char *content_type,
			const char *extra_headers, const void *body, uint64_t body_len,
			bool keep_alive, struct err *e)
{
	char head[HTTP_HEAD_MAX], length[48] = "";
	int n;

	if (!extra_headers)
		extra_headers = "";
	if (status < 100 || status > 599)
		return err_fail(e, "response: status %d out of range", status);
	if (content_type) {
		for (const char *p = content_type; *p; p++)
			if (!http_is_value_char((unsigned char)*p))
				return err_fail(e, "response: malformed content type");
	}
	if (!extra_headers_ok(extra_headers))
		return err_fail(e, "response: malformed extra header lines");
	/* 1xx, 204 and 304 have no body, and here no Content-Length. */
	if (status < 200 || status == 204 || status == 304) {
		if (body_len)
			return err_fail(e, "response: status %d carries no body", status);
	} else {
		snprintf(length, sizeof(length), "Content-Length: %" PRIu64 "\r\n", body_len);
	}
	n = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\n%s%s%s%s%s%s\r\n", status,
		     reason_phrase(status), content_type ? "Content-Type: " : "",
		     content_type ? content_type : "", content_type ? "\r\n" : "", length,
		     keep_alive ? "" : "Connection: close\r\n", extra_headers);
	if (n < 0 || (size_t)n >= sizeof(head))
		return err_fail(e, "response head larger than %zu bytes", sizeof(head));
	return send_message(c, head, (size_t)n, sizeof(head), body, body_len, e);
}

int http_write_raw(struct http_conn *c, const void *buf, size_t len, struct err *e)
{
	return c->s.write_all(c->s.ctx, buf, len, e);
}

/* ---- ranges ---- */

static bool starts_with_nocase(const char *s, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);

	if (strncasecmp(s, prefix, n))
		return false;
	*rest = s + n;
	return true;
}

int http_parse_content_range(const char *v, uint64_t *start, uint64_t *end,
			     uint64_t *total)
{
	uint64_t s, en, t;
	const char *p;

	if (!starts_with_nocase(v, "bytes ", &p))
		return -1;
	if (parse_u64(&p, &s) || *p++ != '-')
		return -1;
	if (parse_u64(&p, &en) || *p++ != '/')
		return -1;
	if (parse_u64(&p, &t) || *p)
		return -1;
	if (s > en || en >= t)
		return -1;
	*start = s;
	*end = en;
	*total = t;
	return 0;
}

int http_parse_range(const char *v, uint64_t size, uint64_t *start, uint64_t *end)
{
	uint64_t s, en;
	const char *p;

	if (!starts_with_nocase(v, "bytes=", &p))
		return -1;
	if (parse_u64(&p, &s) || *p++ != '-')
		return -1;
	if (*p) {
		if (parse_u64(&p, &en) || *p || en < s)
			return -1;
	} else {
		en = UINT64_MAX;
	}
	if (s >= size)
		return -1;
	if (en >= size)
		en = size - 1;
	*start = s;
	*end = en;
	return 0;
}
