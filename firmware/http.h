/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * http: the HTTP/1.1 subset of the delivery protocol, both sides.
 *
 * A response body is framed by Content-Length or by chunked transfer coding
 * (HTTP/1.1 requires a client to accept it, and proxies in front of a
 * delivery server send it); the caps below hold for both.  Requests must
 * carry Content-Length (the server side refuses chunked requests).  Other
 * transfer codings are refused.  Connections are kept alive unless a side
 * says "Connection: close".  The transport is abstract
 * (struct http_stream) so that the same code runs over a tls_conn, a plain
 * socket, or a pipe in tests.
 *
 * Caps, so that a hostile peer cannot make us allocate without bound:
 * a message head is at most HTTP_HEAD_MAX bytes and HTTP_HEADERS_MAX header
 * lines; a body read whole (http_read_body_all) is at most the caller's cap.
 * Larger bodies (file downloads) are streamed with http_read_body(), bounded
 * by http_limit_body().  A chunked body's chunk-size lines (extensions
 * included) are at most HTTP_CHUNK_LINE_MAX bytes, its trailers at most
 * HTTP_HEAD_MAX bytes and HTTP_HEADERS_MAX lines (read and ignored).
 *
 * Strings in a struct http_message point into its own `head` buffer and live
 * as long as the message.
 */
#ifndef TENPO_HTTP_H
#define TENPO_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

#define HTTP_HEAD_MAX 16384
#define HTTP_HEADERS_MAX 64
#define HTTP_BUF_SIZE (64 * 1024)
#define HTTP_CHUNK_LINE_MAX 1024

struct http_stream {
	void *ctx;
	/* > 0 bytes, 0 end of stream, < 0 error (message in e) */
	ssize_t (*read)(void *ctx, void *buf, size_t len, struct err *e);
	int (*write_all)(void *ctx, const void *buf, size_t len, struct err *e);
};

/* A buffered connection.  Embed it; http_conn_init cannot fail. */
struct http_conn {
	struct http_stream s;
	size_t pos, len;        /* unread bytes are buf[pos..len) */
	uint64_t body_left;     /* bytes of the current body (chunked: of the
				   current chunk) not yet read */
	uint64_t body_len;      /* the current body's whole length (chunked: the
				   bytes announced so far), for errors */
	uint64_t body_max;      /* a chunked body longer than this is an error */
	bool chunked;           /* the current body is chunked and not yet over */
	bool malformed;         /* the last failure was the peer's bytes breaking
				   HTTP, not the transport: trying again will
				   not help */
	uint8_t buf[HTTP_BUF_SIZE];
};

struct http_message {
	/* request line (requests only) */
	const char *method;
	const char *target;
	/* status line (responses only) */
	int status;
	const char *reason;

	size_t header_count;
	struct {
		const char *name;
		const char *value;
	} headers[HTTP_HEADERS_MAX];

	int64_t content_length; /* -1 when the header is absent */
	bool chunked;           /* Transfer-Encoding: chunked (never with
				   Content-Length) */
	bool keep_alive;        /* false after "Connection: close" or HTTP/1.0 */

	char head[HTTP_HEAD_MAX + 1];
};

void http_conn_init(struct http_conn *c, struct http_stream s);

/* Read and parse one message head.  After it, c->body_left is the body length
 * (0 when there is none; for a chunked body, what the first chunk holds is
 * not known yet: see http_body_chunked).  Return 0, or -1 on error.  http_read_request_head
 * returns 1 when the peer closed the connection before sending any byte
 * (the normal end of a keep-alive connection). */
int http_read_response_head(struct http_conn *c, struct http_message *m, struct err *e);
int http_read_request_head(struct http_conn *c, struct http_message *m, struct err *e);

/* true while the current body is chunked and its last chunk not yet read. */
bool http_body_chunked(const struct http_conn *c);

/* A chunked body longer than max bytes is an error ("chunked body larger
 * than the limit of N bytes") as soon as a chunk-size line says so, before
 * its bytes are read.  Set after the head; the default is no limit. */
void http_limit_body(struct http_conn *c, uint64_t max);

/* Case-insensitive lookup; NULL when absent. */
const char *http_header(const struct http_message *m, const char *name);

/* Reads up to len bytes of the current body: > 0 bytes, 0 when the body is
 * complete, < 0 on error — including the peer closing before the body's end
 * ("truncated body: N of M bytes"). */
ssize_t http_read_body(struct http_conn *c, void *buf, size_t len, struct err *e);

/* Reads the whole body into a new NUL-terminated buffer (caller frees).
 * A body longer than cap is an error, detected from Content-Length before
 * anything is allocated (chunked: from each chunk-size line, before the
 * chunk is read). */
int http_read_body_all(struct http_conn *c, size_t cap, char **out, size_t *len,
		       struct err *e);

/* Reads and throws away what is left of the current body. */
int http_skip_body(struct http_conn *c, struct err *e);

/* Writes a request.  extra_headers is "" or complete lines, each ending in
 * "\r\n".  Content-Length is always sent. */
int http_write_request(struct http_conn *c, const char *method, const char *target,
		       const char *host, const char *extra_headers, const void *body,
		       size_t body_len, struct err *e);

/* Writes a response head with Content-Length body_len; when body is non-NULL,
 * writes it too (otherwise the caller streams body_len bytes with
 * http_write_raw). */
int http_write_response(struct http_conn *c, int status, const char *content_type,
			const char *extra_headers, const void *body, uint64_t body_len,
			bool keep_alive, struct err *e);
int http_write_raw(struct http_conn *c, const void *buf, size_t len, struct err *e);

/* Pure parsers, exposed for tests and fuzzing.  `text` is modified in place
 * (NULs at token ends) and must be NUL-terminated at text[len]. */
int http_parse_response_head(char *text, size_t len, struct http_message *m,
			     struct err *e);
int http_parse_request_head(char *text, size_t len, struct http_message *m,
			    struct err *e);

/* "bytes START-END/TOTAL" → 0, else -1. */
int http_parse_content_range(const char *v, uint64_t *start, uint64_t *end,
			     uint64_t *total);

/* A request's "bytes=START-" or "bytes=START-END" against a resource of
 * `size` bytes → 0 with the inclusive range; -1 when unsatisfiable or
 * malformed (multiple ranges are not supported). */
int http_parse_range(const char *v, uint64_t size, uint64_t *start, uint64_t *end);

#endif
