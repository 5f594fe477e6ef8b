// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * store_day: the close of day's totals, read from the orders' own rows in
 * one read transaction, so that they add up to what the orders say:
 *
 *   discs written    transition rows into WRITTEN at [from, to)
 *   blanks ruined    transition rows tagged "blank ruined: " (store_order_ruined)
 *   register         payments confirmed at [from, to): their amounts
 *   prepaid          orders prepaid whose disc was written at [from, to): prices
 *   fees owed        every disc written at [from, to): its price, the fee the
 *                    delivered report tells the delivery service (report.c)
 *
 * Orders compacted into the disc record (store_retention.c) are no longer
 * counted: compaction keeps at least a day (retention_days >= 1), so today's
 * totals are whole.
 */
#include "store_internal.h"

#include <string.h>

static const char *const day_sql[] = {
	"SELECT count(*) FROM transitions WHERE to_state = 'written' AND at >= ?1 AND at < ?2",
	"SELECT count(*) FROM transitions WHERE from_state IN ('writing', 'verifying')"
	" AND substr(reason, 1, 14) = 'blank ruined: ' AND at >= ?1 AND at < ?2",
	"SELECT count(*), coalesce(sum(amount), 0) FROM payments"
	" WHERE confirmed_at >= ?1 AND confirmed_at < ?2",
	"SELECT count(*), coalesce(sum(o.price), 0) FROM orders o WHERE o.prepaid = 1"
	" AND EXISTS (SELECT 1 FROM transitions t WHERE t.order_id = o.id"
	"  AND t.to_state = 'written' AND t.at >= ?1 AND t.at < ?2)",
	"SELECT count(*), coalesce(sum(o.price), 0) FROM orders o"
	" WHERE EXISTS (SELECT 1 FROM transitions t WHERE t.order_id = o.id"
	"  AND t.to_state = 'written' AND t.at >= ?1 AND t.at < ?2)",
};

int store_day_read(struct store *s, int64_t from, int64_t to, struct store_day *out,
		   struct err *e)
{
	int64_t v[5][2] = { { 0 } };

	memset(out, 0, sizeof(*out));
	if (to <= from)
		return err_fail(e, "store: a day ends after it starts");
	for (size_t i = 0; i < sizeof(day_sql) / sizeof(day_sql[0]); i++) {
		sqlite3_stmt *st;

		if (store_prepare(s, &st, day_sql[i], e))
			return -1;
		if (sqlite3_bind_int64(st, 1, from) || sqlite3_bind_int64(st, 2, to) ||
		    sqlite3_step(st) != SQLITE_ROW) {
			store_db_fail(s, e, "day totals");
			sqlite3_finalize(st);
			return -1;
		}
		v[i][0] = sqlite3_column_int64(st, 0);
		if (sqlite3_column_count(st) > 1)
			v[i][1] = sqlite3_column_int64(st, 1);
		sqlite3_finalize(st);
	}
	out->from = from;
	out->to = to;
	out->discs_written = (unsigned)v[0][0];
	out->blanks_ruined = (unsigned)v[1][0];
	out->register_count = (unsigned)v[2][0];
	out->register_amount = (uint64_t)v[2][1];
	out->prepaid_count = (unsigned)v[3][0];
	out->prepaid_amount = (uint64_t)v[3][1];
	out->fees_owed = (uint64_t)v[4][1];
	return 0;
}

int store_day_totals(struct store *s, int64_t from, int64_t to, struct store_day *out,
		     struct err *e)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (to <= from)
		return err_fail(e, "store: a day ends after it starts");
	/* one read transaction: the five counts see the same rows */
	if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return store_db_fail(s, e, "day totals");
	rc = store_day_read(s, from, to, out, e);
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}
