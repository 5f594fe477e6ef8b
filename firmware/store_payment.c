// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * store_payment: paying at the register.  One row of `payments` per slip
 * printed (schema v4); "paid" has one owner, this table with the order's
 * prepaid flag (store_order.paid is read from both).
 *
 *   issue    CLAIMED → AWAITING_PAYMENT and the open slip, one transaction,
 *            committed before the slip is printed
 *   confirm  the open slip confirmed (who, when), AWAITING_PAYMENT → READY
 *            and a staff-log row, one transaction
 *   expire   each open slip past valid_until voided and its order back to
 *            READY, unpaid, one transaction each
 *   void     any other move out of AWAITING_PAYMENT (cancelled, expired)
 *            voids the open slip in the move's own transaction
 *            (store_apply_move() calls store_payment_void_open())
 *
 * The partial unique index payments_one_open keeps at most one open slip per
 * order; the CHECKs keep a slip from being both confirmed and voided.
 */
#include "store_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "slip.h"

#define PAYMENT_COLUMNS                                                              \
	"SELECT id, order_id, slip, amount, currency, issued_at, valid_until,"         \
	" confirmed_at, confirmed_by, voided_at, void_reason FROM payments"

static int read_payment(sqlite3_stmt *st, struct store_payment *p, int64_t *rowid,
			struct err *e)
{
	struct row r = { st, "payment", e, false };

	memset(p, 0, sizeof(*p));
	*rowid = store_row_int(&r, 0, "id", 1, INT64_MAX);
	store_row_text(&r, 1, "order_id", p->order_id, sizeof(p->order_id));
	store_row_text(&r, 2, "slip", p->slip, sizeof(p->slip));
	p->amount = (uint64_t)store_row_int(&r, 3, "amount", 1, SLIP_AMOUNT_MAX);
	store_row_text(&r, 4, "currency", p->currency, sizeof(p->currency));
	p->issued_at = store_row_int(&r, 5, "issued_at", INT64_MIN, INT64_MAX);
	p->valid_until = store_row_int(&r, 6, "valid_until", INT64_MIN, INT64_MAX);
	p->confirmed = sqlite3_column_type(st, 7) != SQLITE_NULL;
	p->confirmed_at = store_row_int(&r, 7, "confirmed_at", INT64_MIN, INT64_MAX);
	store_row_text(&r, 8, "confirmed_by", p->confirmed_by, sizeof(p->confirmed_by));
	p->voided = sqlite3_column_type(st, 9) != SQLITE_NULL;
	p->voided_at = store_row_int(&r, 9, "voided_at", INT64_MIN, INT64_MAX);
	store_row_text(&r, 10, "void_reason", p->void_reason, sizeof(p->void_reason));
	return r.bad ? -1 : 0;
}

/* One payment row by `sql` with ?1 = key: 1 found, 0 not, -1 error. */
static int load_payment(struct store *s, const char *sql, const char *key,
			struct store_payment *p, int64_t *rowid, struct err *e)
{
	sqlite3_stmt *st;
	int step, rc = -1;

	if (store_prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, key)) {
		store_db_fail(s, e, "payment %.40s", key);
		goto out;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_DONE)
		rc = 0;
	else if (step != SQLITE_ROW)
		store_db_fail(s, e, "payment %.40s", key);
	else if (!read_payment(st, p, rowid, e))
		rc = 1;
out:
	sqlite3_finalize(st);
	return rc;
}

int store_payment_get(struct store *s, const char *id, struct store_payment *out,
		      struct err *e)
{
	static const char sql[] = PAYMENT_COLUMNS " WHERE order_id = ?1 ORDER BY id DESC LIMIT 1";
	int64_t rowid;

	if (!id_ok(id))
		return bad_id(e);
	return load_payment(s, sql, id, out, &rowid, e);
}

/* 1 when the order has a confirmed payment. */
static int has_confirmed(struct store *s, const char *id, struct err *e)
{
	static const char sql[] =
		"SELECT count(*) FROM payments WHERE order_id = ?1 AND confirmed_at IS NOT NULL";
	sqlite3_stmt *st;
	int rc = -1;

	if (store_prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, id) || sqlite3_step(st) != SQLITE_ROW)
		store_db_fail(s, e, "order %s: payments", id);
	else
		rc = sqlite3_column_int64(st, 0) > 0;
	sqlite3_finalize(st);
	return rc;
}

/* The order's price, currency and prepaid flag, inside the caller's
 * transaction. */
static int order_price(struct store *s, const char *id, int64_t *price, char currency[4],
		       bool *prepaid, struct err *e)
{
	static const char sql[] = "SELECT price, currency, prepaid FROM orders WHERE id = ?1";
	struct row r = { NULL, id, e, false };
	sqlite3_stmt *st;
	int rc = -1;

	if (store_prepare(s, &st, sql, e))
		return -1;
	r.st = st;
	if (bind_text(st, 1, id) || sqlite3_step(st) != SQLITE_ROW) {
		store_db_fail(s, e, "order %s: price", id);
		goto out;
	}
	*price = store_row_int(&r, 0, "price", 0, INT64_MAX);
	store_row_text(&r, 1, "currency", currency, 4);
	*prepaid = store_row_int(&r, 2, "prepaid", 0, 1);
	rc = r.bad ? -1 : 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int store_payment_issue(struct store *s, const char *id, uint64_t amount, const char *currency,
			int64_t issued_at, int64_t valid_until, const char *slip, struct err *e)
{
	static const char sql[] =
		"INSERT INTO payments (order_id, slip, amount, currency, issued_at, valid_until)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	struct move m = { id, ORDER_CLAIMED, ORDER_AWAITING_PAYMENT, "", "payment slip issued", 0,
			  NULL };
	char have_currency[4] = "";
	sqlite3_stmt *st = NULL;
	struct slip_code code;
	char field[SLIP_ORDER_MAX + 1];
	int64_t price = 0;
	bool prepaid = false;
	struct head h;
	int paid;

	if (!id_ok(id))
		return bad_id(e);
	if (slip_parse(slip, &code, e))
		return err_wrap(e, "order %s", id);
	if (slip_order_field(id, field) || strcmp(code.order, field) ||
	    (uint64_t)code.amount_yen != amount)
		return err_fail(e, "order %s: the slip %.40s is for order %s, %lld yen", id, slip,
				code.order, code.amount_yen);
	if (valid_until <= issued_at)
		return err_fail(e, "order %s: a slip must be valid after it is issued", id);
	if (store_tx_begin(s, e))
		return -1;
	if (store_expect_state(s, id, ORDER_CLAIMED, &h, e) ||
	    order_price(s, id, &price, have_currency, &prepaid, e))
		goto fail;
	if (prepaid) {
		err_fail(e, "order %s is prepaid: no slip", id);
		goto fail;
	}
	if ((paid = has_confirmed(s, id, e)) != 0) {
		if (paid > 0)
			err_fail(e, "order %s is paid already", id);
		goto fail;
	}
	if ((uint64_t)price != amount || !currency || strcmp(currency, have_currency)) {
		err_fail(e, "order %s costs %" PRId64 " %s, not %" PRIu64 " %.3s", id, price,
			 have_currency, amount, currency ? currency : "?");
		goto fail;
	}
	if (store_prepare(s, &st, sql, e))
		goto fail;
	if (bind_text(st, 1, id) || bind_text(st, 2, slip) ||
	    sqlite3_bind_int64(st, 3, (sqlite3_int64)amount) || bind_text(st, 4, currency) ||
	    sqlite3_bind_int64(st, 5, issued_at) || sqlite3_bind_int64(st, 6, valid_until) ||
	    sqlite3_step(st) != SQLITE_DONE) {
		store_db_fail(s, e, "order %s: slip", id);
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (store_apply_move(s, &m, e))
		goto fail;
	return store_tx_commit(s, e);
fail:
	sqlite3_finalize(st);
	store_tx_rollback(s);
	return -1;
}

/* Why an existing slip cannot be confirmed now; 0 when it can. */
static int check_confirmable(const struct store_payment *p, int64_t now, struct err *e)
{
	if (p->confirmed)
		return err_fail(e, "order %s: payment already confirmed by %s", p->order_id,
				p->confirmed_by);
	if (p->voided)
		return err_fail(e, "order %s: the slip is void (%s)", p->order_id,
				p->void_reason[0] ? p->void_reason : "voided");
	if (p->valid_until <= now)
		return err_fail(e, "order %s: the slip expired %" PRId64 " s ago", p->order_id,
				now - p->valid_until);
	return 0;
}

int store_payment_confirm(struct store *s, const char *id_or_slip, const char *staff,
			  int64_t now, struct store_payment *out, struct err *e)
{
	static const char by_slip[] = PAYMENT_COLUMNS " WHERE slip = ?1";
	static const char by_order[] =
		PAYMENT_COLUMNS " WHERE order_id = ?1 ORDER BY id DESC LIMIT 1";
	static const char sql[] =
		"UPDATE payments SET confirmed_at = ?2, confirmed_by = ?3"
		" WHERE id = ?1 AND confirmed_at IS NULL AND voided_at IS NULL";
	char who[STORE_STAFF_NAME_MAX + 1], logged[STORE_REASON_MAX], result[64];
	struct move m = { NULL, ORDER_AWAITING_PAYMENT, ORDER_READY, "", logged, 0, NULL };
	struct store_payment p;
	sqlite3_stmt *st = NULL;
	int64_t rowid = 0;
	struct head h;
	int found;

	if (!id_or_slip || !id_or_slip[0])
		return err_fail(e, "payment: no slip or order given");
	store_clip_text(staff && staff[0] ? staff : "staff", who, sizeof(who));
	if (store_tx_begin(s, e))
		return -1;
	/* a slip first: an order ID is never 19+ characters of TP and digits */
	found = load_payment(s, by_slip, id_or_slip, &p, &rowid, e);
	if (found == 0 && slip_looks_like(id_or_slip) && strlen(id_or_slip) >= 19) {
		err_fail(e, "payment: slip %.40s was not issued by this kiosk", id_or_slip);
		goto fail;
	}
	if (found == 0 && id_ok(id_or_slip)) {
		found = load_payment(s, by_order, id_or_slip, &p, &rowid, e);
		if (found == 0)
			err_fail(e, "order %s has no payment slip", id_or_slip);
	} else if (found == 0) {
		err_fail(e, "payment: '%.40s' is neither a slip nor an order", id_or_slip);
	}
	if (found != 1 || check_confirmable(&p, now, e))
		goto fail;
	if (store_load_head(s, p.order_id, &h, e) != 1 ||
	    order_action_check(ORDER_ACT_CONFIRM_PAYMENT, h.state, p.order_id, e))
		goto fail;
	if (store_prepare(s, &st, sql, e))
		goto fail;
	if (sqlite3_bind_int64(st, 1, rowid) || sqlite3_bind_int64(st, 2, now) ||
	    bind_text(st, 3, who) || sqlite3_step(st) != SQLITE_DONE ||
	    sqlite3_changes(s->db) != 1) {
		store_db_fail(s, e, "order %s: confirm payment", p.order_id);
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	snprintf(logged, sizeof(logged), "payment confirmed by %s", who);
	snprintf(result, sizeof(result), "ok by %s", who);
	m.id = p.order_id;
	if (store_apply_move(s, &m, e) ||
	    store_staff_log(s, "confirm-payment", p.order_id, result, e))
		goto fail;
	if (store_tx_commit(s, e))
		return -1;
	if (out) {
		*out = p;
		out->confirmed = true;
		out->confirmed_at = now;
		snprintf(out->confirmed_by, sizeof(out->confirmed_by), "%s", who);
	}
	return 0;
fail:
	sqlite3_finalize(st);
	store_tx_rollback(s);
	return -1;
}

int store_payment_void_open(struct store *s, const char *id, const char *reason, int64_t now,
			    struct err *e)
{
	static const char sql[] =
		"UPDATE payments SET voided_at = ?2, void_reason = ?3"
		" WHERE order_id = ?1 AND confirmed_at IS NULL AND voided_at IS NULL";
	char why[STORE_REASON_MAX];
	sqlite3_stmt *st;
	int rc = -1;

	store_clip_text(reason && reason[0] ? reason : "voided", why, sizeof(why));
	if (store_prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, id) || sqlite3_bind_int64(st, 2, now) || bind_text(st, 3, why) ||
	    sqlite3_step(st) != SQLITE_DONE)
		store_db_fail(s, e, "order %s: void slip", id);
	else
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

/* One expired slip: voided, and its order back to READY, unpaid. */
static int expire_one(struct store *s, int64_t rowid, const char *id, int64_t now,
		      struct err *e)
{
	static const char sql[] =
		"UPDATE payments SET voided_at = ?2, void_reason = 'slip expired'"
		" WHERE id = ?1 AND confirmed_at IS NULL AND voided_at IS NULL AND valid_until <= ?2";
	struct move m = { id, ORDER_AWAITING_PAYMENT, ORDER_READY, "", "payment slip expired", 0,
			  NULL };
	sqlite3_stmt *st;
	struct head h;
	int found, changed;

	if (store_tx_begin(s, e))
		return -1;
	if (store_prepare(s, &st, sql, e))
		goto fail;
	if (sqlite3_bind_int64(st, 1, rowid) || sqlite3_bind_int64(st, 2, now) ||
	    sqlite3_step(st) != SQLITE_DONE) {
		store_db_fail(s, e, "order %s: expire slip", id);
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	changed = sqlite3_changes(s->db);
	found = store_load_head(s, id, &h, e);
	if (found < 0)
		goto fail;
	/* confirmed meanwhile: nothing to do; an order elsewhere keeps its state */
	if (changed && found && h.state == ORDER_AWAITING_PAYMENT && store_apply_move(s, &m, e))
		goto fail;
	return store_tx_commit(s, e) ? -1 : changed;
fail:
	store_tx_rollback(s);
	return -1;
}

int store_payment_expire(struct store *s, int64_t now, unsigned *expired, struct err *e)
{
	static const char sql[] =
		"SELECT id, order_id FROM payments"
		" WHERE confirmed_at IS NULL AND voided_at IS NULL AND valid_until <= ?1"
		" ORDER BY id LIMIT 64";
	struct {
		int64_t rowid;
		char id[ORDER_ID_MAX + 1];
	} due[64];
	size_t n = 0;
	sqlite3_stmt *st;
	int step;

	*expired = 0;
	if (store_prepare(s, &st, sql, e))
		return -1;
	if (sqlite3_bind_int64(st, 1, now)) {
		sqlite3_finalize(st);
		return store_db_fail(s, e, "expire slips");
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW && n < 64) {
		struct row r = { st, "payment", e, false };

		due[n].rowid = store_row_int(&r, 0, "id", 1, INT64_MAX);
		store_row_text(&r, 1, "order_id", due[n].id, sizeof(due[n].id));
		if (r.bad) {
			sqlite3_finalize(st);
			return -1;
		}
		n++;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		store_db_fail(s, e, "expire slips");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	/* at most 64 a call: the periodic refresh takes the rest next time */
	for (size_t i = 0; i < n; i++) {
		int rc = expire_one(s, due[i].rowid, due[i].id, now, e);

		if (rc < 0)
			return -1;
		*expired += (unsigned)rc;
	}
	return 0;
}
