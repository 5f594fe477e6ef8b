/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * api_conn: what api.c shares with its two larger handlers, download.c
 * (GET .../files/{idx}) and intake.c (POST .../reports): the per-connection
 * state and the ways to answer.  Not used outside the api.
 */
#ifndef TENPO_DS_API_CONN_H
#define TENPO_DS_API_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "db.h"
#include "http.h"

/* The http_stream under a connection: a tls_conn, counting what passes. */
struct api_wire {
	struct tls_conn *tls;
	uint64_t in, out;
};

/* What one request got, for the access log. */
struct api_reply {
	int status;
	uint64_t bytes; /* body bytes sent */
};

struct api_conn {
	const struct api_env *env;
	const char *peer;
	struct api_wire wire;
	sqlite3 *db;
	uint32_t shop;     /* 0: the certificate is not a known shop's */
	bool close;        /* close after this answer */
	uint8_t *chunk;    /* API_DOWNLOAD_CHUNK bytes, made on first download */
	struct http_conn http;
	struct http_message req;
};

/* Writes a whole answer; a failed write sets c->close. */
void api_reply(struct api_conn *c, struct api_reply *r, int status, const char *type,
	       const char *extra_headers, const void *body, size_t len);

/* {"error": "<message>"} with the status (extra_headers: NULL or lines). */
void api_reply_error(struct api_conn *c, struct api_reply *r, int status, const char *extra_headers,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Sleeps ms; -1 at once when the server is stopping. */
int api_pause(const struct api_env *env, unsigned ms);

void api_get_file(struct api_conn *c, struct api_reply *r, const struct db_order *o,
		  unsigned idx);

void api_post_report(struct api_conn *c, struct api_reply *r, const char *order_id,
		     const char *body, size_t len);

void api_post_day_report(struct api_conn *c, struct api_reply *r, const char *body,
			 size_t len);

/* ---- request bodies (intake.c) ---- */

#define API_INT_EXACT_MAX 9007199254740991.0 /* 2^53 - 1 */

/* One whole JSON document (trailing blanks allowed), parsed under the
 * env's lock; NULL when the body is not one. */
cJSON *api_json_parse(const struct api_conn *c, const char *body, size_t len);
/* o[key] an integer in [min, 2^53 - 1] (*out may be NULL); else -1 with
 * "WHEREKEY: ..." in e. */
int api_need_int(const cJSON *o, const char *where, const char *key, double min, int64_t *out,
		 struct err *e);
/* o[key] a string (*out points into o). */
int api_need_string(const cJSON *o, const char *where, const char *key, const char **out,
		    struct err *e);

/* A staff member's name: 1..32 bytes, no control character. */
int api_check_name(const char *name, const char *field, struct err *e);

#endif
