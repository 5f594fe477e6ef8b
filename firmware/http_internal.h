/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * http_internal: what http.c (heads, Content-Length bodies, writing) and
 * http_chunked.c (chunked bodies) share.  Not part of http.h's contract.
 */
#ifndef TENPO_HTTP_INTERNAL_H
#define TENPO_HTTP_INTERNAL_H

#include <stdbool.h>
#include <string.h>

#include "http.h"

static inline bool http_is_tchar(unsigned char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
		return true;
	return ch && strchr("!#$%&'*+-.^_`|~", ch);
}

/* A field value's bytes: HTAB, SP, VCHAR, obs-text. */
static inline bool http_is_value_char(unsigned char ch)
{
	return ch == '\t' || (ch >= 0x20 && ch != 0x7f);
}

static inline bool http_is_ows(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* A failure that is the peer's fault (sets c->malformed): retrying will
 * not help.  Returns -1. */
int http_malformed(struct http_conn *c, struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The stream ended inside a body: "truncated body: N of M bytes".  -1. */
int http_truncated(struct http_conn *c, struct err *e);

/* The current chunk is used up: takes its CRLF and the next chunk-size
 * line; at the last chunk the trailers, and c->chunked becomes false. */
int http_next_chunk(struct http_conn *c, struct err *e);

/* http_read_body_all for a chunked body. */
int http_read_chunked_all(struct http_conn *c, size_t cap, char **out, size_t *len,
			  struct err *e);

#endif
