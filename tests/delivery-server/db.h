/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * db: the delivery server's SQLite database, DIR/server/server.db.
 *
 * Tables (the full schema, with comments, is SCHEMA in db.c):
 *   meta          key/value: delivery_server_id, listen, server_name
 *   shops         the shops whose certificates the CA signed
 *   users         customers, by their 32-bit watermark ID
 *   catalog, catalog_files      what can be ordered
 *   orders, order_files         what was ordered, with the signed manifest
 *   fault_hits    how often each counted fault of an order has fired
 *   reports       each report_id once, as the kiosk first sent it
 *   report_posts  every report POST, duplicates and refusals included
 *   day_reports   each close of day once, with the server's own sums (db_day.c)
 *   day_report_posts  every close-of-day POST and its answer
 *
 * Server-side order states, and who moves them:
 *
 *   open ──(cancel command)──▶ cancelled      (still listed, as "cancelled")
 *   open/cancelled ──(kiosk report delivered|cancelled|expired)──▶
 *        delivered|cancelled|expired, closed  (no longer listed)
 *
 * "Listed" means closed_at IS NULL: GET /v1/orders shows an order until the
 * kiosk reports it finished; `failed` and `received` reports do not close.
 *
 * Connections: one per thread (db_open), WAL journal, 5 s busy timeout,
 * foreign keys on.  Every statement binds its parameters; none is built
 * from text.  Write transactions start IMMEDIATE so that two connections
 * never deadlock upgrading a read lock.
 */
#ifndef TENPO_DS_DB_H
#define TENPO_DS_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "err.h"
#include "faults.h"
#include "manifest.h"
#include "order.h"

#define DB_STATE_MAX 16
#define DB_KIND_MAX 16
#define DB_REPORT_ID_MAX 64

/* Opens DIR/server/server.db; create: make the file and the schema. */
int db_open(const char *dir, bool create, sqlite3 **out, struct err *e);
/* The database file at path, read only, for tools beside the server
 * (tenpo-wm trace); refused when it holds no server schema. */
int db_open_file_readonly(const char *path, sqlite3 **out, struct err *e);
void db_close(sqlite3 *db);

int db_meta_set(sqlite3 *db, const char *key, const char *value, struct err *e);
/* A missing key is an error naming it. */
int db_meta_get(sqlite3 *db, const char *key, char *out, size_t size, struct err *e);

int db_shop_add(sqlite3 *db, uint32_t shop, struct err *e);
int db_shop_exists(sqlite3 *db, uint32_t shop, bool *exists, struct err *e);

/* Records the item and its files; sets it->id. */
int db_catalog_add(sqlite3 *db, struct catalog_item *it, struct err *e);
/* By exact title or alias (alias case-insensitively).  *found false: none. */
int db_catalog_find(sqlite3 *db, const char *name, struct catalog_item *out, bool *found,
		    struct err *e);

struct db_order {
	char id[ORDER_ID_MAX + 1];
	uint32_t shop, user;
	int64_t item;
	char title[MANIFEST_TEXT_MAX]; /* the catalog item's */
	enum media_kind media;
	char state[DB_STATE_MAX];       /* open, cancelled, delivered, expired */
	bool closed;                    /* a final report arrived; not listed */
	unsigned faults;                /* enum fault bits */
	size_t file_count;
	uint64_t price;
	bool prepaid;
	int64_t created_at, expires_at;
};

struct db_order_file {
	char name[MANIFEST_NAME_MAX + 1];
	uint64_t size;                  /* of the prepared file */
	char sha256[DIGEST_HEX_LEN + 1];
};

/* What an order is stored with besides its row. */
struct db_order_blobs {
	const char *pickup_code;
	const char *manifest; /* the exact bytes served */
	size_t manifest_len;
	const uint8_t *sig;
	size_t sig_len;
	const struct db_order_file *files; /* o->file_count of them, by index */
};

/* Inserts the order (state open), its files and the user when new, in one
 * transaction. */
int db_order_insert(sqlite3 *db, const struct db_order *o, const struct db_order_blobs *b,
		    struct err *e);

/* The order `id` of `shop` (shop 0: of any shop).  *found false: none. */
int db_order_get(sqlite3 *db, const char *id, uint32_t shop, struct db_order *o, bool *found,
		 struct err *e);

/* The signed manifest bytes (malloc'ed, NUL-terminated) and signature
 * (sig holds MANIFEST_SIG_MAX). */
int db_order_manifest(sqlite3 *db, const char *id, char **json, size_t *len, uint8_t *sig,
		      size_t *sig_len, struct err *e);

int db_order_file(sqlite3 *db, const char *id, unsigned idx, struct db_order_file *f,
		  bool *found, struct err *e);

/* Listed orders of a shop, oldest first, at most max. */
typedef int (*db_listing_fn)(void *arg, const char *id, const char *state, unsigned faults);
int db_orders_listed(sqlite3 *db, uint32_t shop, size_t max, db_listing_fn fn, void *arg,
		     struct err *e);

/* Every order, oldest first. */
typedef int (*db_order_fn)(void *arg, const struct db_order *o);
int db_orders_each(sqlite3 *db, db_order_fn fn, void *arg, struct err *e);
/* The orders of one user at one shop whose item comes from content_server,
 * oldest first: who a watermark's IDs name (tenpo-wm trace). */
int db_orders_of(sqlite3 *db, uint32_t user, uint32_t shop, uint16_t content_server,
		 db_order_fn fn, void *arg, struct err *e);

/* open → cancelled.  Cancelling a cancelled order is fine; a closed one,
 * or an unknown one, is an error. */
int db_order_cancel(sqlite3 *db, const char *id, struct err *e);

/* Counts one firing of a counted fault; *fire is true while it has fired
 * fewer than `times` times before this call. */
int db_fault_fire(sqlite3 *db, const char *order_id, enum fault f, unsigned times, bool *fire,
		  struct err *e);

enum db_report_result {
	DB_REPORT_NEW,       /* recorded; a final kind closed the order */
	DB_REPORT_DUPLICATE, /* this report_id was already recorded for the order */
	DB_REPORT_CONFLICT,  /* this report_id belongs to another order */
	DB_REPORT_DELIVERED_BEFORE, /* a new "delivered" for an order delivered already */
};

int db_report_record(sqlite3 *db, const char *order_id, const char *report_id,
		     const char *kind, int64_t at, const char *body,
		     enum db_report_result *result, struct err *e);

/* Logs one POST and the status it got (report_id NULL when it had none). */
int db_report_post_log(sqlite3 *db, const char *order_id, const char *report_id, int status,
		       struct err *e);

struct db_report {
	char order_id[ORDER_ID_MAX + 1];
	char kind[DB_KIND_MAX];
	char report_id[DB_REPORT_ID_MAX + 1];
	unsigned posts; /* POSTs that carried this report_id */
};

typedef int (*db_report_fn)(void *arg, const struct db_report *r);
int db_reports_each(sqlite3 *db, db_report_fn fn, void *arg, struct err *e);

/* ---- the close of day's reports (db_day.c) ---- */

/* Makes day_reports and day_report_posts (db_open, at create). */
int db_day_schema(sqlite3 *db, struct err *e);

/* A checked close-of-day report (day_intake.c): its fields and its body. */
struct db_day_report {
	const char *report_id, *day, *staff, *body;
	uint32_t shop;
	int64_t from, to, closed_at;
	int64_t discs, blanks_ruined, register_amount, prepaid_amount, fees, order_count;
};

enum db_day_result {
	DB_DAY_NEW,       /* recorded, with the server's own sums */
	DB_DAY_DUPLICATE, /* this report_id, this very body, was recorded before */
	DB_DAY_CONFLICT,  /* this report_id was recorded with another body */
};

/* One transaction: a known report_id is compared byte for byte with the
 * body recorded; a new one is recorded with what the server's own
 * delivered reports of that shop say of that day (finished_at in
 * [from, to)): their count and fees, whether their orders are the
 * report's, and whether all three agree (*agree, for a new one). */
int db_day_report_record(sqlite3 *db, const struct db_day_report *r,
			 enum db_day_result *result, bool *agree, struct err *e);

/* Logs one POST and its status (report_id NULL when it had none). */
int db_day_report_post_log(sqlite3 *db, uint32_t shop, const char *report_id, int status,
			   struct err *e);

#endif
