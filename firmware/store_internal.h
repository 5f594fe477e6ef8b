/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store_internal: what store.c and its parts (store_order.c,
 * store_manifest.c, store_outbox.c, store_guard.c, store_staff.c) share.
 * Not a public header: callers see store.h only.
 *
 * One-line helpers are static inline here; every other shared function is
 * defined once, in the file named above its group, carries the store_
 * prefix, and has its comment where it is defined.
 */
#ifndef TENPO_STORE_INTERNAL_H
#define TENPO_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "store.h"

struct store {
	sqlite3 *db;
};

/* ---- errors, statements, transactions: store.c -------------------------- */

__attribute__((format(printf, 3, 4))) int store_db_fail(struct store *s, struct err *e,
							const char *fmt, ...);
int store_prepare(struct store *s, sqlite3_stmt **st, const char *sql, struct err *e);
int store_tx_begin(struct store *s, struct err *e);
void store_tx_rollback(struct store *s);
int store_tx_commit(struct store *s, struct err *e);
void store_clip_text(const char *in, char *out, size_t cap);
int store_grow(void *arrp, size_t *cap, size_t size, struct err *e);

static inline int bind_text(sqlite3_stmt *st, int i, const char *text)
{
	return sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC);
}

static inline int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

static inline int bad_id(struct err *e)
{
	return err_fail(e, "store: invalid order id (1..64 of A-Z a-z 0-9 _ -)");
}

static inline bool id_ok(const char *id)
{
	return id && order_id_ok(id);
}

/* For the migration tests: a new database file at an older schema
 * `version`, made by the migrations up to it, not kept open. */
int store_create_version(const char *path, int version, struct err *e);

/* ---- reading rows: store.c ---------------------------------------------- */

/* A sticky reader: the first bad column records the error, the rest no-op. */
struct row {
	sqlite3_stmt *st;
	const char *what; /* "order K7Q2M9X4P1" */
	struct err *e;
	bool bad;
};

void store_row_fail(struct row *r, const char *col, const char *why);
void store_row_text(struct row *r, int i, const char *col, char *out, size_t cap);
int64_t store_row_int(struct row *r, int i, const char *col, int64_t min, int64_t max);
void store_row_blob(struct row *r, int i, const char *col, void *out, size_t len);
int store_row_state(struct row *r, int i, const char *col, bool nullable);
int store_row_name(struct row *r, int i, const char *col, const char *const *names,
		   int count);

/* ---- transitions: store_order.c ----------------------------------------- */

struct head {
	enum order_state state;
	int failed_from; /* -1: none */
	bool has_manifest;
};

int store_load_head(struct store *s, const char *id, struct head *h, struct err *e);
int store_expect_state(struct store *s, const char *id, enum order_state from,
		       struct head *h, struct err *e);

struct move {
	const char *id;
	enum order_state from, to;
	const char *reason;     /* stored on the order (clipped) */
	const char *log_reason; /* written to the log (clipped) */
	unsigned add_attempts;  /* 1 for a retry */
	const struct store_report_new *report;
};

int store_apply_move(struct store *s, const struct move *m, struct err *e);

/* ---- payments: store_payment.c ------------------------------------------ */

int store_payment_void_open(struct store *s, const char *id, const char *reason, int64_t now,
			    struct err *e);

/* ---- close of day: store_day.c ------------------------------------------ */

/* The totals, inside the caller's transaction. */
int store_day_read(struct store *s, int64_t from, int64_t to, struct store_day *out,
		   struct err *e);

/* ---- the outbox: store_outbox.c ----------------------------------------- */

bool store_report_kind_ok(const char *kind);
int store_insert_report(struct store *s, const char *id, sqlite3_int64 transition_id,
			const struct store_report_new *rep, int64_t now, struct err *e);
int store_report_update(struct store *s, const char *sql, const char *report_id, int64_t t,
			const char *text, int *changed, struct err *e);

#endif
