// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * db_day: the close of day's reports (see db.h), and the server's own
 * account of each day to hold them against.
 *
 * The server does not take the kiosk's word for its totals: when a report
 * is first recorded, the same transaction sums the delivered reports this
 * server recorded for that shop whose finished_at falls in the day, and
 * keeps both, and whether they agree, in the row.  A delivered report that
 * arrives after the day's report (it was still in the kiosk's outbox) does
 * not change a recorded day: the row says what was known when it came.
 */
#include "db.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

static const char DAY_SCHEMA[] =
	"CREATE TABLE day_reports (\n"
	"  report_id TEXT PRIMARY KEY,\n"
	"  shop_id INTEGER NOT NULL REFERENCES shops(id),\n"
	"  day TEXT NOT NULL,\n"              /* YYYY-MM-DD, Japan's date */
	"  day_from INTEGER NOT NULL, day_to INTEGER NOT NULL,\n"
	"  closed_at INTEGER NOT NULL, staff TEXT NOT NULL,\n"
	/* what the kiosk says */
	"  discs INTEGER NOT NULL, blanks_ruined INTEGER NOT NULL,\n"
	"  register_amount INTEGER NOT NULL, prepaid_amount INTEGER NOT NULL,\n"
	"  fees INTEGER NOT NULL, order_count INTEGER NOT NULL,\n"
	/* what this server's delivered reports say */
	"  server_discs INTEGER NOT NULL, server_fees INTEGER NOT NULL,\n"
	"  orders_match INTEGER NOT NULL CHECK (orders_match IN (0, 1)),\n"
	"  agree INTEGER NOT NULL CHECK (agree IN (0, 1)),\n"
	"  body TEXT NOT NULL,\n"             /* as first received */
	"  received_at INTEGER NOT NULL);\n"
	"CREATE TABLE day_report_posts (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  shop_id INTEGER NOT NULL,\n"
	"  report_id TEXT,\n"
	"  status INTEGER NOT NULL,\n"
	"  received_at INTEGER NOT NULL);\n";

/* The shop's delivered reports finished in [?2, ?3): the server's day. */
#define DELIVERED_THAT_DAY                                                       \
	" FROM reports r JOIN orders o ON o.id = r.order_id"                      \
	" WHERE o.shop_id = ?1 AND r.kind = 'delivered'"                          \
	" AND json_extract(r.body, '$.finished_at') >= ?2"                        \
	" AND json_extract(r.body, '$.finished_at') < ?3"

static const char SUMS[] =
	"SELECT count(*), coalesce(sum(json_extract(r.body, '$.fee.amount')), 0),"
	" (SELECT count(*) FROM json_each(?4, '$.orders') j WHERE j.value IN"
	"  (SELECT r.order_id" DELIVERED_THAT_DAY "))" DELIVERED_THAT_DAY;

static int fail(sqlite3 *db, struct err *e, const char *what)
{
	return err_fail(e, "database: %s: %s", what, sqlite3_errmsg(db));
}

int db_day_schema(sqlite3 *db, struct err *e)
{
	if (sqlite3_exec(db, DAY_SCHEMA, NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, e, "day reports schema");
	return 0;
}

/* 1: the report_id is known (*same: with this body), 0: new, -1: error. */
static int known(sqlite3 *db, const struct db_day_report *r, bool *same, struct err *e)
{
	sqlite3_stmt *st;
	int s, rc = -1;

	if (sqlite3_prepare_v2(db, "SELECT body FROM day_reports WHERE report_id = ?", -1, &st,
			       NULL) != SQLITE_OK)
		return fail(db, e, "day reports");
	sqlite3_bind_text(st, 1, r->report_id, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		const char *body = (const char *)sqlite3_column_text(st, 0);

		*same = body && !strcmp(body, r->body);
		rc = 1;
	} else if (s == SQLITE_DONE) {
		rc = 0;
	} else {
		fail(db, e, "day reports");
	}
	sqlite3_finalize(st);
	return rc;
}

static int record_new(sqlite3 *db, const struct db_day_report *r, bool *agree, struct err *e)
{
	static const char ins[] =
		"INSERT INTO day_reports (report_id, shop_id, day, day_from, day_to, closed_at,"
		" staff, discs, blanks_ruined, register_amount, prepaid_amount, fees, order_count,"
		" server_discs, server_fees, orders_match, agree, body, received_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
		" ?17, ?18, ?19)";
	sqlite3_stmt *st = NULL;
	int64_t discs = 0, fees = 0, listed = 0;
	bool match;
	int rc = -1;

	if (sqlite3_prepare_v2(db, SUMS, -1, &st, NULL) != SQLITE_OK)
		return fail(db, e, "the day's delivered reports");
	sqlite3_bind_int64(st, 1, r->shop);
	sqlite3_bind_int64(st, 2, r->from);
	sqlite3_bind_int64(st, 3, r->to);
	sqlite3_bind_text(st, 4, r->body, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		fail(db, e, "the day's delivered reports");
		goto out;
	}
	discs = sqlite3_column_int64(st, 0);
	fees = sqlite3_column_int64(st, 1);
	listed = sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	/* the same orders: every listed one is the server's, and as many */
	match = listed == discs && listed == r->order_count;
	*agree = match && discs == r->discs && fees == r->fees;
	if (sqlite3_prepare_v2(db, ins, -1, &st, NULL) != SQLITE_OK)
		return fail(db, e, "recording a day report");
	sqlite3_bind_text(st, 1, r->report_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->shop);
	sqlite3_bind_text(st, 3, r->day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, r->from);
	sqlite3_bind_int64(st, 5, r->to);
	sqlite3_bind_int64(st, 6, r->closed_at);
	sqlite3_bind_text(st, 7, r->staff, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, r->discs);
	sqlite3_bind_int64(st, 9, r->blanks_ruined);
	sqlite3_bind_int64(st, 10, r->register_amount);
	sqlite3_bind_int64(st, 11, r->prepaid_amount);
	sqlite3_bind_int64(st, 12, r->fees);
	sqlite3_bind_int64(st, 13, r->order_count);
	sqlite3_bind_int64(st, 14, discs);
	sqlite3_bind_int64(st, 15, fees);
	sqlite3_bind_int(st, 16, match);
	sqlite3_bind_int(st, 17, *agree);
	sqlite3_bind_text(st, 18, r->body, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 19, (int64_t)time(NULL));
	if (sqlite3_step(st) != SQLITE_DONE) {
		fail(db, e, "recording a day report");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int db_day_report_record(sqlite3 *db, const struct db_day_report *r,
			 enum db_day_result *result, bool *agree, struct err *e)
{
	bool same = false;
	int k;

	*agree = false;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, e, "begin");
	k = known(db, r, &same, e);
	if (k < 0 || (k == 0 && record_new(db, r, agree, e)))
		goto out_rollback;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		fail(db, e, "commit");
		goto out_rollback;
	}
	*result = k == 0 ? DB_DAY_NEW : same ? DB_DAY_DUPLICATE : DB_DAY_CONFLICT;
	return 0;
out_rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int db_day_report_post_log(sqlite3 *db, uint32_t shop, const char *report_id, int status,
			   struct err *e)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (sqlite3_prepare_v2(db,
			       "INSERT INTO day_report_posts (shop_id, report_id, status,"
			       " received_at) VALUES (?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(db, e, "day report posts");
	sqlite3_bind_int64(st, 1, shop);
	if (report_id)
		sqlite3_bind_text(st, 2, report_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, status);
	sqlite3_bind_int64(st, 4, (int64_t)time(NULL));
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = fail(db, e, "day report posts");
	sqlite3_finalize(st);
	return rc;
}
