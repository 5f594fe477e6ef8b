// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * store_order: an order through its lifecycle.  Every state change is one
 * transaction that passes store_apply_move() (invariants I2-I5 in store.c);
 * here too are the orders read back as snapshots, the notes staff see, and
 * the transition history.
 */
#include "store_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- transitions -------------------------------------------------------- */

/* 1 found, 0 not, -1 error. */
int store_load_head(struct store *s, const char *id, struct head *h, struct err *e)
{
	static const char sql[] =
		"SELECT state, failed_from, has_manifest FROM orders WHERE id = ?1";
	struct row r = { .what = id, .e = e };
	sqlite3_stmt *st;
	int rc = -1, step;

	if (store_prepare(s, &st, sql, e))
		return -1;
	r.st = st;
	if (bind_text(st, 1, id)) {
		store_db_fail(s, e, "order %s", id);
		goto out;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = 0;
		goto out;
	}
	if (step != SQLITE_ROW) {
		store_db_fail(s, e, "order %s", id);
		goto out;
	}
	h->state = (enum order_state)store_row_state(&r, 0, "state", false);
	h->failed_from = store_row_state(&r, 1, "failed_from", true);
	h->has_manifest = store_row_int(&r, 2, "has_manifest", 0, 1);
	rc = r.bad ? -1 : 1;
out:
	sqlite3_finalize(st);
	return rc;
}

/* The from-state guard (I3). */
int store_expect_state(struct store *s, const char *id, enum order_state from,
		       struct head *h, struct err *e)
{
	int found = store_load_head(s, id, h, e);

	if (found < 0)
		return -1;
	if (!found)
		return err_fail(e, "order %s not found", id);
	if (h->state != from)
		return err_fail(e, "order %s is %s, not %s", id, order_state_name(h->state),
				order_state_name(from));
	return 0;
}

/* The action guard: the order's state allows this staff action
 * (order_action_allowed(), the one table), checked inside the transaction
 * that performs it. */
static int expect_action(struct store *s, const char *id, enum order_action a, struct head *h,
			 struct err *e)
{
	int found = store_load_head(s, id, h, e);

	if (found < 0)
		return -1;
	if (!found)
		return err_fail(e, "order %s not found", id);
	return order_action_check(a, h->state, id, e);
}

/* Appends the log row, then changes the state (I4), then queues the report
 * (I5).  Runs inside the caller's transaction, after its checks. */
int store_apply_move(struct store *s, const struct move *m, struct err *e)
{
	static const char log_sql[] =
		"INSERT INTO transitions (order_id, from_state, to_state, reason, at)"
		" VALUES (?1, ?2, ?3, ?4, ?5)";
	static const char set_sql[] =
		"UPDATE orders SET state = ?2, failed_from = ?3, reason = ?4,"
		" attempts = attempts + ?5, updated_at = ?6 WHERE id = ?1 AND state = ?7";
	char reason[STORE_REASON_MAX], log_reason[STORE_REASON_MAX];
	const char *from = order_state_name(m->from), *to = order_state_name(m->to);
	sqlite3_stmt *st = NULL;
	sqlite3_int64 tid;
	int64_t now = now_s();
	int rc = -1;

	/* the callers checked; this is the one place every move passes */
	if (!order_can_move(m->from, m->to))
		return err_fail(e, "illegal transition from %s to %s", from, to);
	store_clip_text(m->reason, reason, sizeof(reason));
	store_clip_text(m->log_reason, log_reason, sizeof(log_reason));
	if (store_prepare(s, &st, log_sql, e))
		return -1;
	if (bind_text(st, 1, m->id) || bind_text(st, 2, from) || bind_text(st, 3, to) ||
	    bind_text(st, 4, log_reason) || sqlite3_bind_int64(st, 5, now) ||
	    sqlite3_step(st) != SQLITE_DONE) {
		store_db_fail(s, e, "order %s: log %s to %s", m->id, from, to);
		goto out;
	}
	tid = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);

	if (store_prepare(s, &st, set_sql, e))
		return -1;
	if (bind_text(st, 1, m->id) || bind_text(st, 2, to) ||
	    (m->to == ORDER_FAILED ? bind_text(st, 3, from) : sqlite3_bind_null(st, 3)) ||
	    bind_text(st, 4, reason) || sqlite3_bind_int64(st, 5, m->add_attempts) ||
	    sqlite3_bind_int64(st, 6, now) || bind_text(st, 7, from) ||
	    sqlite3_step(st) != SQLITE_DONE) {
		store_db_fail(s, e, "order %s: move %s to %s", m->id, from, to);
		goto out;
	}
	if (sqlite3_changes(s->db) != 1) {
		err_fail(e, "order %s is no longer %s", m->id, from);
		goto out;
	}
	/* leaving AWAITING_PAYMENT any other way than by a confirmed or an
	 * expired slip (cancelled, expired with its manifest): the open slip
	 * is void, in this same transaction */
	if (m->from == ORDER_AWAITING_PAYMENT &&
	    store_payment_void_open(s, m->id, m->log_reason && m->log_reason[0] ? m->log_reason
							: order_state_name(m->to),
				    now, e))
		goto out;
	if (m->report && store_insert_report(s, m->id, tid, m->report, now, e))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Checks a move that store_order_move() may make (I2); fills retry. */
static int check_move(const char *id, const struct head *h, enum order_state to, bool *retry,
		      struct err *e)
{
	enum order_state target;

	*retry = false;
	if (!order_can_move(h->state, to))
		return err_fail(e, "illegal transition from %s to %s", order_state_name(h->state),
				order_state_name(to));
	if (to == ORDER_DOWNLOADING)
		return err_fail(e, "order %s: only a stored manifest moves an order to downloading",
				id);
	if (to == ORDER_AWAITING_PAYMENT)
		return err_fail(e, "order %s: only a stored payment slip moves an order to "
				   "awaiting payment", id);
	if (h->state == ORDER_AWAITING_PAYMENT && to == ORDER_READY)
		return err_fail(e, "order %s: only a confirmed payment or an expired slip moves it "
				   "back to ready", id);
	if (h->state != ORDER_FAILED || to == ORDER_EXPIRED || to == ORDER_CANCELLED)
		return 0;
	target = order_retry_target((enum order_state)h->failed_from);
	if (to != target)
		return err_fail(e, "order %s failed while %s; a retry goes to %s, not %s", id,
				order_state_name((enum order_state)h->failed_from),
				order_state_name(target), order_state_name(to));
	*retry = true;
	return 0;
}

/* READY means every file is in the spool. */
static int check_files_done(struct store *s, const char *id, struct err *e)
{
	static const char sql[] = "SELECT count(*) FROM files WHERE order_id = ?1 AND done = 0";
	sqlite3_stmt *st;
	int rc = -1;

	if (store_prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, id) || sqlite3_step(st) != SQLITE_ROW) {
		store_db_fail(s, e, "order %s: files", id);
		goto out;
	}
	if (sqlite3_column_int64(st, 0)) {
		err_fail(e, "order %s still has %lld of its files to download", id,
			 (long long)sqlite3_column_int64(st, 0));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int store_order_move(struct store *s, const char *id, enum order_state from,
		     enum order_state to, const char *reason,
		     const struct store_report_new *report, struct err *e)
{
	struct move m = { id, from, to, reason, reason, 0, report };
	struct head h;
	bool retry;

	if (!id_ok(id))
		return bad_id(e);
	if ((unsigned)from >= ORDER_STATE_COUNT || (unsigned)to >= ORDER_STATE_COUNT)
		return err_fail(e, "order %s: no such state", id);
	if (to == ORDER_FAILED && (!reason || !reason[0]))
		return err_fail(e, "order %s: moving to failed needs a reason", id);
	if (report && !store_report_kind_ok(report->kind))
		return err_fail(e, "order %s: unknown report kind '%.20s'", id,
				report->kind ? report->kind : "(null)");
	if (store_tx_begin(s, e))
		return -1;
	if (store_expect_state(s, id, from, &h, e) || check_move(id, &h, to, &retry, e))
		goto fail;
	if (from == ORDER_DOWNLOADING && to == ORDER_READY && check_files_done(s, id, e))
		goto fail;
	m.add_attempts = retry;
	if (store_apply_move(s, &m, e))
		goto fail;
	return store_tx_commit(s, e);
fail:
	store_tx_rollback(s);
	return -1;
}

int store_order_retry(struct store *s, const char *id, struct err *e)
{
	struct move m = { id, ORDER_FAILED, ORDER_ANNOUNCED, "", "retry", 1, NULL };
	struct head h;
	bool retry;

	if (!id_ok(id))
		return bad_id(e);
	if (store_tx_begin(s, e))
		return -1;
	if (expect_action(s, id, ORDER_ACT_RETRY, &h, e))
		goto fail;
	m.to = order_retry_target((enum order_state)h.failed_from);
	if (check_move(id, &h, m.to, &retry, e) || store_apply_move(s, &m, e))
		goto fail;
	return store_tx_commit(s, e);
fail:
	store_tx_rollback(s);
	return -1;
}

int store_order_refetch(struct store *s, const char *id, struct err *e)
{
	static const char sql[] =
		"UPDATE files SET done = 0, failures = 0 WHERE order_id = ?1";
	struct move m = { id, ORDER_FAILED, ORDER_ANNOUNCED, "", "download again", 1, NULL };
	sqlite3_stmt *st = NULL;
	struct head h;

	if (!id_ok(id))
		return bad_id(e);
	if (store_tx_begin(s, e))
		return -1;
	if (expect_action(s, id, ORDER_ACT_REFETCH, &h, e) || store_apply_move(s, &m, e) ||
	    store_prepare(s, &st, sql, e))
		goto fail;
	if (bind_text(st, 1, id) || sqlite3_step(st) != SQLITE_DONE) {
		store_db_fail(s, e, "order %s: reset files", id);
		goto fail;
	}
	sqlite3_finalize(st);
	return store_tx_commit(s, e);
fail:
	sqlite3_finalize(st);
	store_tx_rollback(s);
	return -1;
}

/* The tag store_order_ruined() puts in front of its log rows: the order's
 * count is read back from its own transition log (no schema change, and an
 * order ID is too long for a counter's name). */
#define RUINED_TAG "blank ruined: "

/* Blanks this order ruined since staff last retried it (FAILED → CLAIMED). */
static int ruined_count(struct store *s, const char *id, int64_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT count(*) FROM transitions WHERE order_id = ?1"
		" AND from_state IN ('writing', 'verifying') AND substr(reason, 1, ?2) = ?3"
		" AND id > (SELECT coalesce(max(id), 0) FROM transitions WHERE order_id = ?1"
		"  AND from_state = 'failed' AND to_state = 'claimed')";
	sqlite3_stmt *st;
	int rc = -1;

	if (store_prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, id) || sqlite3_bind_int(st, 2, (int)strlen(RUINED_TAG)) ||
	    bind_text(st, 3, RUINED_TAG) || sqlite3_step(st) != SQLITE_ROW) {
		store_db_fail(s, e, "order %s: ruined blanks", id);
		goto out;
	}
	*n = sqlite3_column_int64(st, 0);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int store_order_ruined(struct store *s, const char *id, enum order_state from, unsigned limit,
		       const char *reason, struct err *e)
{
	struct move m = { id, from, ORDER_CLAIMED, reason, NULL, 0, NULL };
	char why[STORE_REASON_MAX], logged[STORE_REASON_MAX];
	int64_t n = 0;
	struct head h;

	if (!id_ok(id))
		return bad_id(e);
	if (from != ORDER_WRITING && from != ORDER_VERIFYING)
		return err_fail(e, "order %s: a blank is ruined only writing or verifying", id);
	if (!reason || !reason[0])
		reason = "?";
	if (store_tx_begin(s, e))
		return -1;
	if (store_expect_state(s, id, from, &h, e) ||
	    store_counter_add(s, "ruined_blanks", 1, NULL, e) || ruined_count(s, id, &n, e))
		goto fail;
	n++; /* this one */
	snprintf(logged, sizeof(logged), RUINED_TAG "%s", reason);
	m.log_reason = logged;
	if (limit && n >= (int64_t)limit) {
		snprintf(why, sizeof(why),
			 "%lld blanks ruined writing this order; stopped for staff (last: %s)",
			 (long long)n, reason);
		m.to = ORDER_FAILED;
		m.reason = why;
	}
	if (store_apply_move(s, &m, e))
		goto fail;
	if (store_tx_commit(s, e))
		return -1;
	return m.to == ORDER_FAILED;
fail:
	store_tx_rollback(s);
	return -1;
}

int store_order_claim(struct store *s, const char *id, struct err *e)
{
	static const char sql[] =
		"UPDATE pickup_guard SET failures = 0, last_failure_at = 0 WHERE id = 1";
	struct move m = { id, ORDER_READY, ORDER_CLAIMED, "", "", 0, NULL };
	struct head h;

	if (!id_ok(id))
		return bad_id(e);
	if (store_tx_begin(s, e))
		return -1;
	if (store_expect_state(s, id, ORDER_READY, &h, e) || store_apply_move(s, &m, e))
		goto fail;
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		store_db_fail(s, e, "reset pickup guard");
		goto fail;
	}
	return store_tx_commit(s, e);
fail:
	store_tx_rollback(s);
	return -1;
}

int store_order_announce(struct store *s, const char *id, struct err *e)
{
	static const char sql[] =
		"INSERT INTO orders (id, state, created_at, updated_at)"
		" SELECT ?1, 'announced', ?2, ?2"
		" WHERE NOT EXISTS (SELECT 1 FROM discs WHERE order_id = ?1)" /* compacted */
		" ON CONFLICT (id) DO NOTHING";
	static const char log_sql[] =
		"INSERT INTO transitions (order_id, from_state, to_state, at)"
		" VALUES (?1, NULL, 'announced', ?2)";
	sqlite3_stmt *st = NULL;
	int64_t now = now_s();
	int added;

	if (!id_ok(id))
		return bad_id(e);
	if (store_tx_begin(s, e))
		return -1;
	if (store_prepare(s, &st, sql, e))
		goto fail;
	if (bind_text(st, 1, id) || sqlite3_bind_int64(st, 2, now) ||
	    sqlite3_step(st) != SQLITE_DONE) {
		store_db_fail(s, e, "announce order %s", id);
		goto fail;
	}
	added = sqlite3_changes(s->db);
	sqlite3_finalize(st);
	st = NULL;
	if (added) {
		if (store_prepare(s, &st, log_sql, e))
			goto fail;
		if (bind_text(st, 1, id) || sqlite3_bind_int64(st, 2, now) ||
		    sqlite3_step(st) != SQLITE_DONE) {
			store_db_fail(s, e, "announce order %s: log", id);
			goto fail;
		}
		sqlite3_finalize(st);
	}
	return store_tx_commit(s, e) ? -1 : added;
fail:
	sqlite3_finalize(st);
	store_tx_rollback(s);
	return -1;
}

/* ---- reading orders ----------------------------------------------------- */

#define ORDER_COLUMNS                                                                  \
	"SELECT id, state, failed_from, reason, has_manifest, user_id, shop_id,"       \
	" delivery_server_id, content_server_id, title, artist, media, price, currency," \
	" prepaid, expires_at, total_bytes, file_count,"                               \
	" (o.prepaid = 1 OR EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id"   \
	"  AND p.confirmed_at IS NOT NULL)),"                                           \
	" (SELECT count(*) FROM files f WHERE f.order_id = o.id AND f.done = 1),"       \
	" attempts, created_at, updated_at FROM orders o"

static int read_order(sqlite3_stmt *st, struct store_order *o, struct err *e)
{
	struct row r = { st, "order", e, false };
	char media[16];
	int ff;

	memset(o, 0, sizeof(*o));
	store_row_text(&r, 0, "id", o->id, sizeof(o->id));
	r.what = o->id[0] ? o->id : "order";
	o->state = (enum order_state)store_row_state(&r, 1, "state", false);
	ff = store_row_state(&r, 2, "failed_from", true);
	o->failed_from = ff < 0 ? ORDER_ANNOUNCED : (enum order_state)ff;
	store_row_text(&r, 3, "reason", o->reason, sizeof(o->reason));
	o->has_manifest = store_row_int(&r, 4, "has_manifest", 0, 1);
	o->ids.user = (uint32_t)store_row_int(&r, 5, "user_id", 0, UINT32_MAX);
	o->ids.shop = (uint32_t)store_row_int(&r, 6, "shop_id", 0, 0xffffff);
	o->ids.delivery_server =
		(uint16_t)store_row_int(&r, 7, "delivery_server_id", 0, UINT16_MAX);
	o->ids.content_server = (uint16_t)store_row_int(&r, 8, "content_server_id", 0, UINT16_MAX);
	store_row_text(&r, 9, "title", o->title, sizeof(o->title));
	store_row_text(&r, 10, "artist", o->artist, sizeof(o->artist));
	store_row_text(&r, 11, "media", media, sizeof(media));
	if (!r.bad && media[0]) {
		int k = media_kind_parse(media);

		if (k < 0)
			store_row_fail(&r, "media", "is not a media name");
		o->media = k < 0 ? MEDIA_AUDIO_CD : (enum media_kind)k;
	}
	o->price = (uint64_t)store_row_int(&r, 12, "price", 0, INT64_MAX);
	store_row_text(&r, 13, "currency", o->currency, sizeof(o->currency));
	o->prepaid = store_row_int(&r, 14, "prepaid", 0, 1);
	o->expires_at = store_row_int(&r, 15, "expires_at", INT64_MIN, INT64_MAX);
	o->total_bytes = (uint64_t)store_row_int(&r, 16, "total_bytes", 0, INT64_MAX);
	o->file_count = (unsigned)store_row_int(&r, 17, "file_count", 0, MANIFEST_MAX_FILES);
	o->paid = store_row_int(&r, 18, "paid", 0, 1);
	o->files_done = (unsigned)store_row_int(&r, 19, "files done", 0, MANIFEST_MAX_FILES);
	o->attempts = (unsigned)store_row_int(&r, 20, "attempts", 0, UINT32_MAX);
	o->created_at = store_row_int(&r, 21, "created_at", INT64_MIN, INT64_MAX);
	o->updated_at = store_row_int(&r, 22, "updated_at", INT64_MIN, INT64_MAX);
	return r.bad ? -1 : 0;
}

int store_order_get(struct store *s, const char *id, struct store_order *out,
		    struct err *e)
{
	static const char sql[] = ORDER_COLUMNS " WHERE id = ?1";
	sqlite3_stmt *st;
	int step, rc = -1;

	if (!id_ok(id))
		return bad_id(e);
	if (store_prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, id)) {
		store_db_fail(s, e, "order %s", id);
		goto out;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_DONE)
		rc = 0;
	else if (step != SQLITE_ROW)
		store_db_fail(s, e, "order %s", id);
	else if (!read_order(st, out, e))
		rc = 1;
out:
	sqlite3_finalize(st);
	return rc;
}

int store_orders_list(struct store *s, int state, struct store_order **out, size_t *n,
		      struct err *e)
{
	static const char sql[] =
		ORDER_COLUMNS " WHERE ?1 IS NULL OR state = ?1 ORDER BY created_at, rowid";
	struct store_order *list = NULL;
	size_t cap = 0, count = 0;
	sqlite3_stmt *st;
	int step, rc = -1;

	*out = NULL;
	*n = 0;
	if (state < -1 || state >= ORDER_STATE_COUNT)
		return err_fail(e, "store: no such state %d", state);
	if (store_prepare(s, &st, sql, e))
		return -1;
	if (state < 0 ? sqlite3_bind_null(st, 1) :
			bind_text(st, 1, order_state_name((enum order_state)state))) {
		store_db_fail(s, e, "list orders");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if ((count == cap && store_grow(&list, &cap, sizeof(*list), e)) ||
		    read_order(st, &list[count], e))
			goto out;
		count++;
	}
	if (step != SQLITE_DONE) {
		store_db_fail(s, e, "list orders");
		goto out;
	}
	*out = list;
	*n = count;
	list = NULL;
	rc = 0;
out:
	free(list);
	sqlite3_finalize(st);
	return rc;
}

int store_order_note(struct store *s, const char *id, const char *reason, struct err *e)
{
	static const char sql[] = "UPDATE orders SET reason = ?2, updated_at = ?3 WHERE id = ?1";
	char r[STORE_REASON_MAX];
	sqlite3_stmt *st;
	int rc = -1;

	if (!id_ok(id))
		return bad_id(e);
	store_clip_text(reason, r, sizeof(r));
	if (store_prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, id) || bind_text(st, 2, r) || sqlite3_bind_int64(st, 3, now_s())) {
		store_db_fail(s, e, "order %s: note", id);
		goto out;
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_CHECK)
			err_fail(e, "order %s is failed; its reason cannot be cleared", id);
		else
			store_db_fail(s, e, "order %s: note", id);
		goto out;
	}
	if (sqlite3_changes(s->db) != 1) {
		err_fail(e, "order %s not found", id);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* ---- history ------------------------------------------------------------ */

static char *history_line(sqlite3_stmt *st, const char *id, struct err *e)
{
	struct row r = { st, id, e, false };
	char when[32], line[64 + 2 * 24 + STORE_REASON_MAX], reason[STORE_REASON_MAX];
	int from, to;
	time_t t;
	struct tm tm;
	char *dup;

	t = (time_t)store_row_int(&r, 0, "transition time", INT64_MIN, INT64_MAX);
	from = store_row_state(&r, 1, "from_state", true);
	to = store_row_state(&r, 2, "to_state", false);
	store_row_text(&r, 3, "transition reason", reason, sizeof(reason));
	if (r.bad)
		return NULL;
	if (!gmtime_r(&t, &tm) || !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(when, sizeof(when), "@%" PRId64, (int64_t)t);
	snprintf(line, sizeof(line), "%s %s→%s%s%s", when,
		 from < 0 ? "new" : order_state_name((enum order_state)from),
		 order_state_name((enum order_state)to), reason[0] ? " " : "", reason);
	dup = strdup(line);
	if (!dup)
		err_fail(e, "out of memory");
	return dup;
}

int store_order_history(struct store *s, const char *id, char ***lines, size_t *n,
			struct err *e)
{
	static const char sql[] =
		"SELECT at, from_state, to_state, reason FROM transitions WHERE order_id = ?1"
		" ORDER BY id";
	char **list = NULL;
	size_t cap = 0, count = 0;
	sqlite3_stmt *st;
	int step, rc = -1;

	*lines = NULL;
	*n = 0;
	if (!id_ok(id))
		return bad_id(e);
	if (store_prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, id)) {
		store_db_fail(s, e, "order %s: history", id);
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap && store_grow(&list, &cap, sizeof(*list), e))
			goto out;
		list[count] = history_line(st, id, e);
		if (!list[count])
			goto out;
		count++;
	}
	if (step != SQLITE_DONE) {
		store_db_fail(s, e, "order %s: history", id);
		goto out;
	}
	/* every order has at least its announcement */
	if (count == 0) {
		err_fail(e, "order %s not found", id);
		goto out;
	}
	*lines = list;
	*n = count;
	list = NULL;
	rc = 0;
out:
	for (size_t i = 0; list && i < count; i++)
		free(list[i]);
	free(list);
	sqlite3_finalize(st);
	return rc;
}
