// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * store_guard: the pickup guard against guessing codes, one row that
 * counts consecutive failures and survives restarts.  store_order_claim()
 * resets it in the claim's transaction.
 */
#include "store_internal.h"

#define PICKUP_WAIT_CAP_S 300
#define PICKUP_FAILURES_CAP 1000000

/* None for the first 3 failures, then 2^(n-3) s, at most 300 s. */
static int64_t pickup_penalty(int64_t failures)
{
	int64_t p;

	if (failures <= 3)
		return 0;
	if (failures - 3 >= 9) /* 2^9 > 300: also keeps the shift small */
		return PICKUP_WAIT_CAP_S;
	p = INT64_C(1) << (failures - 3);
	return p < PICKUP_WAIT_CAP_S ? p : PICKUP_WAIT_CAP_S;
}

int store_pickup_wait(struct store *s, int64_t now, int64_t *wait_s, unsigned *failures,
		      struct err *e)
{
	static const char sql[] = "SELECT failures, last_failure_at FROM pickup_guard WHERE id = 1";
	struct row r = { .what = "pickup guard", .e = e };
	sqlite3_stmt *st;
	int64_t n, last, penalty, left;
	int rc = -1;

	if (store_prepare(s, &st, sql, e))
		return -1;
	r.st = st;
	if (sqlite3_step(st) != SQLITE_ROW) {
		store_db_fail(s, e, "pickup guard");
		goto out;
	}
	n = store_row_int(&r, 0, "failures", 0, PICKUP_FAILURES_CAP);
	last = store_row_int(&r, 1, "last_failure_at", INT64_MIN / 2, INT64_MAX / 2);
	if (r.bad)
		goto out;
	penalty = pickup_penalty(n);
	if (now < INT64_MIN / 2)
		now = INT64_MIN / 2;
	if (now > INT64_MAX / 2)
		now = INT64_MAX / 2;
	left = last + penalty - now;
	/* a clock set backwards must not lengthen the wait past the penalty */
	*wait_s = left < 0 ? 0 : left > penalty ? penalty : left;
	if (failures)
		*failures = (unsigned)n;
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int store_pickup_failed(struct store *s, int64_t now, struct err *e)
{
	static const char sql[] =
		"UPDATE pickup_guard SET failures = min(failures + 1, 1000000),"
		" last_failure_at = ?1 WHERE id = 1";
	sqlite3_stmt *st;
	int rc = -1;

	if (store_prepare(s, &st, sql, e))
		return -1;
	if (sqlite3_bind_int64(st, 1, now) || sqlite3_step(st) != SQLITE_DONE) {
		store_db_fail(s, e, "pickup guard");
		goto out;
	}
	if (sqlite3_changes(s->db) != 1) {
		err_fail(e, "store: the pickup guard row is missing");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}
