// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * store_day_report: the close of day's report upstream (schema 5).
 *
 * store_day_close() is the transition; sending the report is the side
 * effect, and comes after it (report.c): one write transaction reads the
 * day's totals (store_day_read, the same rows the screen shows), lists the
 * orders written that day, appends the staff log's "day-close" row and
 * inserts the report naming that row (invariant I9 in store.c).  The row
 * keeps the totals themselves, not a JSON body: the body is made from them
 * on each attempt by the same code, so every attempt sends the same bytes
 * and the server's idempotency by report_id holds.
 */
#include "store_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COLUMNS                                                                       \
	"report_id, shop_id, day, seq, day_from, day_to, closed_at, staff, discs_written," \
	" blanks_ruined, register_count, register_amount, prepaid_count, prepaid_amount,"  \
	" fees_owed, attempts, next_attempt_at, last_error, acked_at IS NOT NULL"

static bool day_ok(const char *day)
{
	static const char shape[] = "dddd-dd-dd";

	if (!day || strlen(day) != 10)
		return false;
	for (size_t i = 0; i < 10; i++)
		if (shape[i] == 'd' ? (day[i] < '0' || day[i] > '9') : day[i] != '-')
			return false;
	return true;
}

void store_day_report_free(struct store_day_report *r)
{
	if (!r)
		return;
	free(r->orders);
	r->orders = NULL;
	r->order_count = 0;
}

void store_day_reports_free(struct store_day_report *r, size_t n)
{
	if (!r)
		return;
	for (size_t i = 0; i < n; i++)
		store_day_report_free(&r[i]);
	free(r);
}

/* The orders of one report (report_id NULL: those written at [from, to)). */
static int load_orders(struct store *s, const char *report_id, int64_t from, int64_t to,
		       struct store_day_report *r, struct err *e)
{
	static const char by_day[] =
		"SELECT DISTINCT order_id FROM transitions WHERE to_state = 'written'"
		" AND at >= ?1 AND at < ?2 ORDER BY order_id";
	static const char by_report[] =
		"SELECT order_id FROM day_report_orders WHERE report_id = ?3 ORDER BY order_id";
	sqlite3_stmt *st;
	size_t cap = 0;
	int step, rc = -1;

	if (store_prepare(s, &st, report_id ? by_report : by_day, e))
		return -1;
	if (report_id ? bind_text(st, 3, report_id)
		      : (sqlite3_bind_int64(st, 1, from) || sqlite3_bind_int64(st, 2, to))) {
		store_db_fail(s, e, "day report orders");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct row row = { st, "day report", e, false };

		if (r->order_count == STORE_DAY_ORDERS_MAX) {
			err_fail(e, "store: more than %d discs written in a day: one report "
				 "cannot carry them", STORE_DAY_ORDERS_MAX);
			goto out;
		}
		if (r->order_count == cap && store_grow(&r->orders, &cap, sizeof(*r->orders), e))
			goto out;
		store_row_text(&row, 0, "order_id", r->orders[r->order_count],
			       sizeof(r->orders[0]));
		if (row.bad)
			goto out;
		r->order_count++;
	}
	if (step != SQLITE_DONE) {
		store_db_fail(s, e, "day report orders");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static int next_seq(struct store *s, uint32_t shop, const char *day, unsigned *seq,
		    struct err *e)
{
	static const char sql[] =
		"SELECT coalesce(max(seq), 0) + 1 FROM day_reports WHERE shop_id = ?1 AND day = ?2";
	sqlite3_stmt *st;
	int rc = -1;

	if (store_prepare(s, &st, sql, e))
		return -1;
	if (sqlite3_bind_int64(st, 1, shop) || bind_text(st, 2, day) ||
	    sqlite3_step(st) != SQLITE_ROW) {
		store_db_fail(s, e, "day report");
		goto out;
	}
	*seq = (unsigned)sqlite3_column_int64(st, 0);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static int insert_report(struct store *s, const struct store_day_report *r,
			 sqlite3_int64 staff_log_id, struct err *e)
{
	static const char sql[] =
		"INSERT INTO day_reports (report_id, shop_id, day, seq, day_from, day_to,"
		" closed_at, staff, staff_log_id, discs_written, blanks_ruined, register_count,"
		" register_amount, prepaid_count, prepaid_amount, fees_owed, next_attempt_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?7)";
	static const char order_sql[] =
		"INSERT INTO day_report_orders (report_id, order_id) VALUES (?1, ?2)";
	const struct store_day *t = &r->totals;
	sqlite3_stmt *st;
	int rc = -1;

	if (store_prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, r->id) || sqlite3_bind_int64(st, 2, r->shop) ||
	    bind_text(st, 3, r->day) || sqlite3_bind_int64(st, 4, r->seq) ||
	    sqlite3_bind_int64(st, 5, t->from) || sqlite3_bind_int64(st, 6, t->to) ||
	    sqlite3_bind_int64(st, 7, r->closed_at) || bind_text(st, 8, r->staff) ||
	    sqlite3_bind_int64(st, 9, staff_log_id) ||
	    sqlite3_bind_int64(st, 10, t->discs_written) ||
	    sqlite3_bind_int64(st, 11, t->blanks_ruined) ||
	    sqlite3_bind_int64(st, 12, t->register_count) ||
	    sqlite3_bind_int64(st, 13, (sqlite3_int64)t->register_amount) ||
	    sqlite3_bind_int64(st, 14, t->prepaid_count) ||
	    sqlite3_bind_int64(st, 15, (sqlite3_int64)t->prepaid_amount) ||
	    sqlite3_bind_int64(st, 16, (sqlite3_int64)t->fees_owed) ||
	    sqlite3_step(st) != SQLITE_DONE) {
		store_db_fail(s, e, "day report %s", r->id);
		goto out;
	}
	for (size_t i = 0; i < r->order_count; i++) {
		sqlite3_finalize(st);
		if (store_prepare(s, &st, order_sql, e))
			return -1;
		if (bind_text(st, 1, r->id) || bind_text(st, 2, r->orders[i]) ||
		    sqlite3_step(st) != SQLITE_DONE) {
			store_db_fail(s, e, "day report %s: order %s", r->id, r->orders[i]);
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int store_day_close(struct store *s, uint32_t shop, const char *day, int64_t from, int64_t to,
		    const char *staff, int64_t now, struct store_day_report *out, struct err *e)
{
	struct store_day_report r;
	const struct store_day *t = &r.totals;
	char text[STORE_REASON_MAX];

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	if (shop < 1 || shop > 16777215)
		return err_fail(e, "store: close of day: no shop ID");
	if (!day_ok(day))
		return err_fail(e, "store: close of day: '%.16s' is not YYYY-MM-DD", day ? day : "");
	r.shop = shop;
	snprintf(r.day, sizeof(r.day), "%s", day);
	r.closed_at = now;
	store_clip_text(staff && staff[0] ? staff : "staff", r.staff, sizeof(r.staff));
	if (store_tx_begin(s, e))
		return -1;
	if (store_day_read(s, from, to, &r.totals, e) || load_orders(s, NULL, from, to, &r, e) ||
	    next_seq(s, shop, day, &r.seq, e))
		goto fail;
	snprintf(r.id, sizeof(r.id), "day-%" PRIu32 "-%.4s%.2s%.2s-%u", shop, day, day + 5,
		 day + 8, r.seq);
	snprintf(text, sizeof(text),
		 "%u discs, %u ruined, register %" PRIu64 ", prepaid %" PRIu64 ", fees %" PRIu64
		 "; report %s",
		 t->discs_written, t->blanks_ruined, t->register_amount, t->prepaid_amount,
		 t->fees_owed, r.id);
	if (store_staff_log(s, "day-close", NULL, text, e) ||
	    insert_report(s, &r, sqlite3_last_insert_rowid(s->db), e))
		goto fail;
	if (store_tx_commit(s, e))
		goto fail_free;
	r.next_attempt_at = now;
	*out = r;
	return 0;
fail:
	store_tx_rollback(s);
fail_free:
	store_day_report_free(&r);
	return -1;
}

/* ---- reading the outbox ------------------------------------------------- */

static int read_day_report(struct store *s, sqlite3_stmt *st, struct store_day_report *r,
			   struct err *e)
{
	struct row row = { st, "day report", e, false };
	struct store_day *t = &r->totals;

	memset(r, 0, sizeof(*r));
	store_row_text(&row, 0, "report_id", r->id, sizeof(r->id));
	r->shop = (uint32_t)store_row_int(&row, 1, "shop_id", 1, 16777215);
	store_row_text(&row, 2, "day", r->day, sizeof(r->day));
	r->seq = (unsigned)store_row_int(&row, 3, "seq", 1, 9999);
	t->from = store_row_int(&row, 4, "day_from", INT64_MIN, INT64_MAX);
	t->to = store_row_int(&row, 5, "day_to", INT64_MIN, INT64_MAX);
	r->closed_at = store_row_int(&row, 6, "closed_at", INT64_MIN, INT64_MAX);
	store_row_text(&row, 7, "staff", r->staff, sizeof(r->staff));
	t->discs_written = (unsigned)store_row_int(&row, 8, "discs_written", 0, UINT32_MAX);
	t->blanks_ruined = (unsigned)store_row_int(&row, 9, "blanks_ruined", 0, UINT32_MAX);
	t->register_count = (unsigned)store_row_int(&row, 10, "register_count", 0, UINT32_MAX);
	t->register_amount = (uint64_t)store_row_int(&row, 11, "register_amount", 0, INT64_MAX);
	t->prepaid_count = (unsigned)store_row_int(&row, 12, "prepaid_count", 0, UINT32_MAX);
	t->prepaid_amount = (uint64_t)store_row_int(&row, 13, "prepaid_amount", 0, INT64_MAX);
	t->fees_owed = (uint64_t)store_row_int(&row, 14, "fees_owed", 0, INT64_MAX);
	r->attempts = (unsigned)store_row_int(&row, 15, "attempts", 0, UINT32_MAX);
	r->next_attempt_at = store_row_int(&row, 16, "next_attempt_at", INT64_MIN, INT64_MAX);
	store_row_text(&row, 17, "last_error", r->last_error, sizeof(r->last_error));
	r->acked = store_row_int(&row, 18, "acked", 0, 1);
	if (row.bad)
		return -1;
	return load_orders(s, r->id, 0, 0, r, e);
}

static int reports_list(struct store *s, const char *sql, int64_t now, bool bind_now,
			struct store_day_report **out, size_t *n, struct err *e)
{
	struct store_day_report *list = NULL;
	size_t cap = 0, count = 0;
	sqlite3_stmt *st;
	int step, rc = -1;

	*out = NULL;
	*n = 0;
	if (store_prepare(s, &st, sql, e))
		return -1;
	if (bind_now && sqlite3_bind_int64(st, 1, now)) {
		store_db_fail(s, e, "day reports");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap && store_grow(&list, &cap, sizeof(*list), e))
			goto out;
		if (read_day_report(s, st, &list[count], e)) {
			store_day_report_free(&list[count]);
			goto out;
		}
		count++;
	}
	if (step != SQLITE_DONE) {
		store_db_fail(s, e, "day reports");
		goto out;
	}
	*out = list;
	*n = count;
	list = NULL;
	rc = 0;
out:
	store_day_reports_free(list, count);
	sqlite3_finalize(st);
	return rc;
}

int store_day_reports_pending(struct store *s, int64_t now, bool all,
			      struct store_day_report **out, size_t *n, struct err *e)
{
	static const char due[] = "SELECT " COLUMNS " FROM day_reports WHERE acked_at IS NULL"
				  " AND next_attempt_at <= ?1 ORDER BY closed_at, rowid";
	static const char every[] = "SELECT " COLUMNS " FROM day_reports WHERE acked_at IS NULL"
				    " ORDER BY closed_at, rowid";

	return reports_list(s, all ? every : due, now, !all, out, n, e);
}

int store_day_report_last(struct store *s, struct store_day_report *out, struct err *e)
{
	static const char sql[] = "SELECT " COLUMNS " FROM day_reports ORDER BY rowid DESC LIMIT 1";
	struct store_day_report *r;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (reports_list(s, sql, 0, false, &r, &n, e))
		return -1;
	if (n)
		*out = r[0];
	free(r);
	return n ? 1 : 0;
}

/* ---- after an attempt --------------------------------------------------- */

static int update_one(struct store *s, const char *sql, const char *report_id, int64_t t,
		      const char *text, struct err *e)
{
	int changed;

	if (store_report_update(s, sql, report_id, t, text, &changed, e))
		return -1;
	return changed ? 0 : err_fail(e, "day report %.40s not found", report_id);
}

int store_day_report_acked(struct store *s, const char *report_id, struct err *e)
{
	static const char sql[] =
		"UPDATE day_reports SET acked_at = coalesce(acked_at, ?2) WHERE report_id = ?1";

	if (!report_id)
		return err_fail(e, "store: no report id");
	return update_one(s, sql, report_id, now_s(), NULL, e);
}

int store_day_report_deferred(struct store *s, const char *report_id, int64_t next_attempt_at,
			      const char *last_error, struct err *e)
{
	/* an acknowledged report stays as it is */
	static const char sql[] =
		"UPDATE day_reports SET attempts = min(attempts + 1, 4294967295),"
		" next_attempt_at = CASE WHEN acked_at IS NULL THEN ?2 ELSE next_attempt_at END,"
		" last_error = CASE WHEN acked_at IS NULL THEN ?3 ELSE last_error END"
		" WHERE report_id = ?1";
	char why[STORE_REASON_MAX], text[STORE_REASON_MAX];

	if (!report_id)
		return err_fail(e, "store: no report id");
	store_clip_text(last_error ? last_error : "", why, sizeof(why));
	if (store_tx_begin(s, e))
		return -1;
	if (update_one(s, sql, report_id, next_attempt_at, why, e))
		goto fail;
	if (next_attempt_at == STORE_REPORT_NEVER) {
		/* refused for good: staff must hear of it, the line will not */
		snprintf(text, sizeof(text), "%.40s not sent: %.190s", report_id, why);
		if (store_staff_log(s, "day-report", NULL, text, e))
			goto fail;
	}
	return store_tx_commit(s, e);
fail:
	store_tx_rollback(s);
	return -1;
}
