// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * store_staff: what the disc writer and the staff menu keep (schema 2):
 * named counters and the append-only staff action log, from which the
 * PIN lock-out is derived.
 */
#include "store_internal.h"

int store_counter_add(struct store *s, const char *name, int64_t delta, int64_t *value,
		      struct err *e)
{
	static const char sql[] =
		"INSERT INTO counters (name, value) VALUES (?1, ?2)"
		" ON CONFLICT (name) DO UPDATE SET value = value + ?2 RETURNING value";
	sqlite3_stmt *st;
	int rc = -1;

	if (store_prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, name) || sqlite3_bind_int64(st, 2, delta) ||
	    sqlite3_step(st) != SQLITE_ROW) {
		store_db_fail(s, e, "counter %.32s", name);
		goto out;
	}
	if (value)
		*value = sqlite3_column_int64(st, 0);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int store_staff_log(struct store *s, const char *action, const char *order_id,
		    const char *result, struct err *e)
{
	static const char sql[] =
		"INSERT INTO staff_log (at, action, order_id, result) VALUES (?1, ?2, ?3, ?4)";
	char clipped[STORE_REASON_MAX];
	sqlite3_stmt *st;
	int rc = -1;

	store_clip_text(result ? result : "", clipped, sizeof(clipped));
	if (store_prepare(s, &st, sql, e))
		return -1;
	if (sqlite3_bind_int64(st, 1, now_s()) || bind_text(st, 2, action) ||
	    bind_text(st, 3, order_id && id_ok(order_id) ? order_id : "") ||
	    bind_text(st, 4, clipped) || sqlite3_step(st) != SQLITE_DONE) {
		store_db_fail(s, e, "staff log");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int store_staff_login_failures(struct store *s, unsigned *failures, int64_t *last_at,
			       struct err *e)
{
	/* the refusals since the last accepted PIN: the log is the guard */
	static const char sql[] =
		"SELECT count(*), coalesce(max(at), 0) FROM staff_log"
		" WHERE action = 'login' AND result <> 'ok' AND id > coalesce("
		"  (SELECT max(id) FROM staff_log WHERE action = 'login' AND result = 'ok'), 0)";
	sqlite3_stmt *st;
	int rc = -1;

	if (store_prepare(s, &st, sql, e))
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		store_db_fail(s, e, "staff log");
		goto out;
	}
	*failures = (unsigned)sqlite3_column_int64(st, 0);
	*last_at = sqlite3_column_int64(st, 1);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}
