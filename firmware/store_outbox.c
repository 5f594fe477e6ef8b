// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * store_outbox: the reports upstream must hear of.  A report is queued in
 * the transaction of the transition it reports (store_insert_report(),
 * called by store_apply_move(); invariant I5 in store.c) and stays until
 * the delivery server acknowledges it; a failed attempt sets when to try
 * again.
 */
#include "store_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static const char *const report_kinds[] = {
	"received", "delivered", "failed", "expired", "cancelled",
};

/* ---- queueing, with the transition -------------------------------------- */

static int new_report_id(char out[STORE_REPORT_ID_LEN + 1], struct err *e)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t b[16];
	size_t got = 0, n = 0;

	while (got < sizeof(b)) {
		ssize_t k = getrandom(b + got, sizeof(b) - got, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return err_fail(e, "store: getrandom: %s", strerror(errno));
		got += (size_t)k;
	}
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	for (size_t i = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[n++] = '-';
		out[n++] = hex[b[i] >> 4];
		out[n++] = hex[b[i] & 15];
	}
	out[n] = '\0';
	return 0;
}

bool store_report_kind_ok(const char *kind)
{
	for (size_t i = 0; kind && i < sizeof(report_kinds) / sizeof(report_kinds[0]); i++)
		if (!strcmp(kind, report_kinds[i]))
			return true;
	return false;
}

/* A JSON object of at most STORE_REPORT_BODY_MAX bytes.  (Not a CHECK: the
 * schema is not trusted to call SQLite 3.40's JSON functions.) */
static int check_body(struct store *s, const char *id, const char *body, struct err *e)
{
	static const char sql[] = "SELECT CASE WHEN json_valid(?1) THEN json_type(?1) = 'object' ELSE 0 END";
	sqlite3_stmt *st;
	int rc = -1;

	if (strnlen(body, STORE_REPORT_BODY_MAX + 1) > STORE_REPORT_BODY_MAX)
		return err_fail(e, "order %s: report body longer than %d bytes", id,
				STORE_REPORT_BODY_MAX);
	if (store_prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, body) || sqlite3_step(st) != SQLITE_ROW) {
		store_db_fail(s, e, "order %s: check report body", id);
		goto out;
	}
	if (!sqlite3_column_int(st, 0)) {
		err_fail(e, "order %s: report body is not a JSON object", id);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int store_insert_report(struct store *s, const char *id, sqlite3_int64 transition_id,
			const struct store_report_new *rep, int64_t now, struct err *e)
{
	static const char sql[] =
		"INSERT INTO outbox (report_id, order_id, transition_id, kind, body,"
		" created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)";
	char rid[STORE_REPORT_ID_LEN + 1];
	sqlite3_stmt *st;
	int rc = -1;

	const char *body = rep->body ? rep->body : "{}";

	if (check_body(s, id, body, e) || new_report_id(rid, e) || store_prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, rid) || bind_text(st, 2, id) ||
	    sqlite3_bind_int64(st, 3, transition_id) || bind_text(st, 4, rep->kind) ||
	    bind_text(st, 5, body) || sqlite3_bind_int64(st, 6, now)) {
		store_db_fail(s, e, "order %s: queue report", id);
		goto out;
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		store_db_fail(s, e, "order %s: queue report", id);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* ---- the outbox --------------------------------------------------------- */

static int read_report(sqlite3_stmt *st, struct store_report *r, struct err *e)
{
	struct row row = { st, "report", e, false };
	const unsigned char *body;
	int len;

	memset(r, 0, sizeof(*r));
	store_row_text(&row, 0, "report_id", r->id, sizeof(r->id));
	row.what = r->id[0] ? r->id : "report";
	store_row_text(&row, 1, "order_id", r->order_id, sizeof(r->order_id));
	store_row_text(&row, 2, "kind", r->kind, sizeof(r->kind));
	r->attempts = (unsigned)store_row_int(&row, 4, "attempts", 0, UINT32_MAX);
	r->next_attempt_at = store_row_int(&row, 5, "next_attempt_at", INT64_MIN, INT64_MAX);
	r->created_at = store_row_int(&row, 6, "created_at", INT64_MIN, INT64_MAX);
	store_row_text(&row, 7, "last_error", r->last_error, sizeof(r->last_error));
	if (row.bad)
		return -1;
	body = sqlite3_column_text(st, 3);
	len = sqlite3_column_bytes(st, 3);
	if (!body || len < 0 || len > STORE_REPORT_BODY_MAX || memchr(body, '\0', (size_t)len)) {
		store_row_fail(&row, "body", "is missing, too long or holds a NUL byte");
		return -1;
	}
	r->body = malloc((size_t)len + 1);
	if (!r->body)
		return err_fail(e, "out of memory");
	memcpy(r->body, body, (size_t)len);
	r->body[len] = '\0';
	return 0;
}

/* all: every pending report, due or not. */
static int reports_list(struct store *s, int64_t now, bool all, struct store_report **out,
			size_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT report_id, order_id, kind, body, attempts, next_attempt_at, created_at,"
		" last_error FROM outbox WHERE acked_at IS NULL"
		" AND (?1 IS NULL OR next_attempt_at <= ?1) ORDER BY created_at, rowid";
	struct store_report *list = NULL;
	size_t cap = 0, count = 0;
	sqlite3_stmt *st;
	int step, rc = -1;

	*out = NULL;
	*n = 0;
	if (store_prepare(s, &st, sql, e))
		return -1;
	if (all ? sqlite3_bind_null(st, 1) : sqlite3_bind_int64(st, 1, now)) {
		store_db_fail(s, e, "outbox");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap && store_grow(&list, &cap, sizeof(*list), e))
			goto out;
		if (read_report(st, &list[count], e)) {
			free(list[count].body);
			goto out;
		}
		count++;
	}
	if (step != SQLITE_DONE) {
		store_db_fail(s, e, "outbox");
		goto out;
	}
	*out = list;
	*n = count;
	list = NULL;
	rc = 0;
out:
	if (list)
		store_reports_free(list, count);
	sqlite3_finalize(st);
	return rc;
}

int store_reports_due(struct store *s, int64_t now, struct store_report **out, size_t *n,
		      struct err *e)
{
	return reports_list(s, now, false, out, n, e);
}

int store_reports_pending(struct store *s, struct store_report **out, size_t *n,
			  struct err *e)
{
	return reports_list(s, 0, true, out, n, e);
}

void store_reports_free(struct store_report *r, size_t n)
{
	if (!r)
		return;
	for (size_t i = 0; i < n; i++)
		free(r[i].body);
	free(r);
}

/* Runs an UPDATE of one report of either outbox (?1 its id, ?2 a time, ?3
 * a text unless NULL); *changed gets whether a row matched. */
int store_report_update(struct store *s, const char *sql, const char *report_id, int64_t t,
			const char *text, int *changed, struct err *e)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (store_prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, report_id) || sqlite3_bind_int64(st, 2, t) ||
	    (text && bind_text(st, 3, text)) || sqlite3_step(st) != SQLITE_DONE) {
		store_db_fail(s, e, "report %.40s", report_id);
		goto out;
	}
	*changed = sqlite3_changes(s->db);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* The order a delivered report is about, when it waits in ERASED for it. */
static int erased_order_of(struct store *s, const char *report_id, char *id, size_t cap,
			   struct err *e)
{
	static const char sql[] =
		"SELECT o.id FROM outbox b JOIN orders o ON o.id = b.order_id"
		" WHERE b.report_id = ?1 AND b.kind = 'delivered' AND o.state = 'erased'";
	sqlite3_stmt *st;
	int rc = -1, step;

	id[0] = '\0';
	if (store_prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, report_id)) {
		store_db_fail(s, e, "report %.40s", report_id);
		goto out;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		snprintf(id, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	else if (step != SQLITE_DONE) {
		store_db_fail(s, e, "report %.40s", report_id);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int store_report_acked(struct store *s, const char *report_id, struct err *e)
{
	static const char sql[] =
		"UPDATE outbox SET acked_at = coalesce(acked_at, ?2) WHERE report_id = ?1";
	char id[ORDER_ID_MAX + 1];
	struct head h;
	int changed;

	if (!report_id)
		return err_fail(e, "store: no report id");
	if (store_tx_begin(s, e))
		return -1;
	if (store_report_update(s, sql, report_id, now_s(), NULL, &changed, e))
		goto fail;
	if (!changed) {
		err_fail(e, "report %.40s not found", report_id);
		goto fail;
	}
	/* the delivery is acknowledged: the order's story is complete */
	if (erased_order_of(s, report_id, id, sizeof(id), e))
		goto fail;
	if (id[0]) {
		struct move m = { id, ORDER_ERASED, ORDER_REPORTED, "", "delivery acknowledged",
				  0, NULL };

		if (store_expect_state(s, id, ORDER_ERASED, &h, e) || store_apply_move(s, &m, e))
			goto fail;
	}
	return store_tx_commit(s, e);
fail:
	store_tx_rollback(s);
	return -1;
}

int store_report_deferred(struct store *s, const char *report_id, int64_t next_attempt_at,
			  const char *last_error, struct err *e)
{
	/* an acknowledged report stays as it is */
	static const char sql[] =
		"UPDATE outbox SET attempts = min(attempts + 1, 4294967295),"
		" next_attempt_at = CASE WHEN acked_at IS NULL THEN ?2 ELSE next_attempt_at END,"
		" last_error = CASE WHEN acked_at IS NULL THEN ?3 ELSE last_error END"
		" WHERE report_id = ?1";
	char why[STORE_REASON_MAX];
	int changed;

	if (!report_id)
		return err_fail(e, "store: no report id");
	store_clip_text(last_error, why, sizeof(why));
	if (store_report_update(s, sql, report_id, next_attempt_at, why, &changed, e))
		return -1;
	if (!changed)
		return err_fail(e, "report %.40s not found", report_id);
	return 0;
}
