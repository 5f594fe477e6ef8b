// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * payment: paying at the register in the store (store_payment.c) — the
 * slip issued, confirmed once by a named staff member, refused when it is
 * unknown, expired, void or confirmed already, expired back to ready, voided
 * with its cancelled order — and the schema's move from version 3 (orders
 * and transitions rebuilt for the new state) keeping every row.  The close
 * of day too: its totals, its report upstream (written with the staff log's
 * row, its wire body) and the schema's move from version 4.  The slip
 * payload's parser (slip.c) is tested here too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "digest.h"
#include "receipt.h"
#include "report.h"
#include "scratch.h"
#include "slip.h"
#include "store.h"
#include "store_internal.h"

#define NOW 1796000000 /* 2026-11-29, before the manifests' expiry */
#define PRICE 1200

struct fx {
	char dir[256];
	char path[300];
	struct store *s;
};

static int setup_empty(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f || scratch_make(f->dir, sizeof(f->dir), "payment")) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/tenpo.db", f->dir);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	struct fx *f;
	struct err e = { "" };

	if (setup_empty(state))
		return -1;
	f = *state;
	if (store_create(f->path, &e) != 1 || store_open(&f->s, f->path, &e)) {
		fprintf(stderr, "store: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->s);
	scratch_remove(f->dir);
	free(f);
	return 0;
}

static void must(int rc, const struct err *e, const char *what)
{
	if (rc < 0)
		fail_msg("%s: %s", what, e->msg);
}

static long long raw_int(const struct fx *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void raw_text(const struct fx *f, const char *sql, char *out, size_t cap)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	out[0] = '\0';
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* 0, or the SQLite result code of a failed statement. */
static int raw_exec(const struct fx *f, const char *sql)
{
	sqlite3 *db;
	int rc;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

/* A ready order of one file, prepaid or not. */
static void make_ready(struct fx *f, const char *id, bool prepaid)
{
	struct manifest m;
	struct manifest_file mf;
	struct err e = { "" };
	static const uint8_t sig[] = { 0x30, 0x44, 0x02, 0x20, 0x01 };
	static const char json[] = "{\"version\":1}";

	memset(&m, 0, sizeof(m));
	memset(&mf, 0, sizeof(mf));
	m.version = 1;
	snprintf(m.order_id, sizeof(m.order_id), "%s", id);
	m.ids.shop = 1001;
	snprintf(m.title, sizeof(m.title), "夜明けの歌");
	snprintf(m.artist, sizeof(m.artist), "Tenpo Ensemble");
	m.media = MEDIA_DATA_CD;
	m.price = PRICE;
	memcpy(m.currency, "JPY", 4);
	m.prepaid = prepaid;
	m.issued_at = NOW - 86400;
	m.expires_at = NOW + 30 * 86400;
	m.pickup.iterations = PICKUP_DEFAULT_ITERATIONS;
	m.pickup.has_locator = true;
	m.file_count = 1;
	m.files = &mf;
	snprintf(mf.name, sizeof(mf.name), "a.bin");
	mf.size = 100;
	mf.kind = FILE_DATA;
	m.total_bytes = 100;
	assert_int_equal(store_order_announce(f->s, id, &e), 1);
	must(store_order_accept_manifest(f->s, id, json, sizeof(json) - 1, sig, sizeof(sig), &m,
					 &e),
	     &e, "accept");
	must(store_file_done(f->s, id, 0, &e), &e, "file");
	must(store_order_move(f->s, id, ORDER_DOWNLOADING, ORDER_READY, "", NULL, &e), &e, "ready");
}

static void slip_for(const char *id, long long amount, int64_t until, char *out)
{
	struct slip_info si = { .shop_name = "Tenpo", .order_id = id, .amount_yen = amount,
				.issued = NOW, .valid_until = until, .lang = "ja" };
	struct err e = { "" };

	must(slip_payload(&si, out, SLIP_PAYLOAD_MAX, &e), &e, "slip");
}

/* Claimed and given a slip valid until `until`. */
static void issue(struct fx *f, const char *id, int64_t until, char *slip)
{
	struct err e = { "" };

	must(store_order_claim(f->s, id, &e), &e, "claim");
	slip_for(id, PRICE, until, slip);
	must(store_payment_issue(f->s, id, PRICE, "JPY", NOW, until, slip, &e), &e, "issue");
}

static struct store_order get(struct fx *f, const char *id)
{
	struct store_order o;
	struct err e = { "" };

	if (store_order_get(f->s, id, &o, &e) != 1)
		fail_msg("order %s: %s", id, e.msg);
	return o;
}

/* ---- the payment states ------------------------------------------------- */

static void issue_then_confirm_once(void **state)
{
	struct fx *f = *state;
	struct store_payment p;
	struct err e = { "" };
	char slip[SLIP_PAYLOAD_MAX], text[256];

	make_ready(f, "P1", false);
	assert_false(get(f, "P1").paid);
	issue(f, "P1", NOW + 1800, slip);
	assert_int_equal(get(f, "P1").state, ORDER_AWAITING_PAYMENT);
	assert_false(get(f, "P1").paid);
	assert_int_equal(store_payment_get(f->s, "P1", &p, &e), 1);
	assert_string_equal(p.slip, slip);
	assert_false(p.confirmed);
	assert_false(p.voided);
	assert_int_equal(p.amount, PRICE);

	/* a second slip while one is open: the order is no longer claimed */
	assert_int_equal(store_payment_issue(f->s, "P1", PRICE, "JPY", NOW, NOW + 1800, slip, &e),
			 -1);
	assert_string_equal(e.msg, "order P1 is awaiting-payment, not claimed");
	/* only a payment moves it back to ready */
	assert_int_equal(store_order_move(f->s, "P1", ORDER_AWAITING_PAYMENT, ORDER_READY, "",
					  NULL, &e),
			 -1);
	assert_int_equal(get(f, "P1").state, ORDER_AWAITING_PAYMENT);

	/* expired: refused, nothing changes */
	assert_int_equal(store_payment_confirm(f->s, slip, "Sato", NOW + 1800, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "expired"));
	assert_int_equal(get(f, "P1").state, ORDER_AWAITING_PAYMENT);

	must(store_payment_confirm(f->s, slip, "Sato", NOW + 60, &p, &e), &e, "confirm");
	assert_true(p.confirmed);
	assert_string_equal(p.confirmed_by, "Sato");
	assert_int_equal(get(f, "P1").state, ORDER_READY);
	assert_true(get(f, "P1").paid);
	raw_text(f, "SELECT action || ' ' || order_id || ' ' || result FROM staff_log"
		    " ORDER BY id DESC LIMIT 1", text, sizeof(text));
	assert_string_equal(text, "confirm-payment P1 ok by Sato");
	raw_text(f, "SELECT from_state || '>' || to_state || ' ' || reason FROM transitions"
		    " WHERE order_id = 'P1' ORDER BY id DESC LIMIT 1", text, sizeof(text));
	assert_string_equal(text, "awaiting-payment>ready payment confirmed by Sato");
	assert_int_equal(raw_int(f, "SELECT confirmed_at FROM payments"), NOW + 60);

	/* a second confirmation, by slip or by order */
	assert_int_equal(store_payment_confirm(f->s, slip, "Ito", NOW + 61, NULL, &e), -1);
	assert_string_equal(e.msg, "order P1: payment already confirmed by Sato");
	assert_int_equal(store_payment_confirm(f->s, "P1", "Ito", NOW + 61, NULL, &e), -1);
	/* paid: no second slip */
	must(store_order_claim(f->s, "P1", &e), &e, "claim again");
	assert_int_equal(store_payment_issue(f->s, "P1", PRICE, "JPY", NOW, NOW + 1800, slip, &e),
			 -1);
	assert_string_equal(e.msg, "order P1 is paid already");
	assert_int_equal(raw_int(f, "SELECT count(*) FROM payments"), 1);
	must(store_integrity_check(f->s, &e), &e, "integrity");
}

static void refusals(void **state)
{
	struct fx *f = *state;
	struct err e = { "" };
	char slip[SLIP_PAYLOAD_MAX], other[SLIP_PAYLOAD_MAX];

	make_ready(f, "Q1", true);
	must(store_order_claim(f->s, "Q1", &e), &e, "claim");
	slip_for("Q1", PRICE, NOW + 1800, slip);
	assert_int_equal(store_payment_issue(f->s, "Q1", PRICE, "JPY", NOW, NOW + 1800, slip, &e),
			 -1);
	assert_string_equal(e.msg, "order Q1 is prepaid: no slip");

	make_ready(f, "Q2", false);
	must(store_order_claim(f->s, "Q2", &e), &e, "claim");
	/* the amount is the order's price, and the slip names the order */
	slip_for("Q2", PRICE + 1, NOW + 1800, slip);
	assert_int_equal(store_payment_issue(f->s, "Q2", PRICE + 1, "JPY", NOW, NOW + 1800, slip,
					     &e),
			 -1);
	assert_string_equal(e.msg, "order Q2 costs 1200 JPY, not 1201 JPY");
	slip_for("Q1", PRICE, NOW + 1800, slip);
	assert_int_equal(store_payment_issue(f->s, "Q2", PRICE, "JPY", NOW, NOW + 1800, slip, &e),
			 -1);
	assert_int_equal(store_payment_issue(f->s, "Q2", PRICE, "JPY", NOW, NOW + 1800, "TPxx",
					     &e),
			 -1);
	/* only a slip enters awaiting payment */
	assert_int_equal(store_order_move(f->s, "Q2", ORDER_CLAIMED, ORDER_AWAITING_PAYMENT, "",
					  NULL, &e),
			 -1);
	assert_int_equal(get(f, "Q2").state, ORDER_CLAIMED);

	/* a well-formed slip the kiosk never issued; an order without one */
	slip_for("Q2", PRICE, NOW + 1800, other);
	assert_int_equal(store_payment_confirm(f->s, other, "Sato", NOW, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "was not issued by this kiosk"));
	assert_int_equal(store_payment_confirm(f->s, "Q2", "Sato", NOW, NULL, &e), -1);
	assert_string_equal(e.msg, "order Q2 has no payment slip");
	assert_int_equal(store_payment_confirm(f->s, "no such!", "Sato", NOW, NULL, &e), -1);
	assert_int_equal(store_payment_confirm(f->s, "", "Sato", NOW, NULL, &e), -1);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM payments"), 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM staff_log"), 0);
}

/* An order ID of more than 16 characters: the slip stands for it by a
 * digest, stays 34 characters, and confirms that order and no other. */
static void long_order_id_slip(void **state)
{
	static const char id[] = "delivery-7-2026-12-04-order-000123456789"; /* 40 */
	static const char id2[] = "delivery-7-2026-12-04-order-000123456780";
	struct fx *f = *state;
	struct store_payment p;
	struct slip_code c;
	struct err e = { "" };
	char slip[SLIP_PAYLOAD_MAX], other[SLIP_PAYLOAD_MAX], field[SLIP_ORDER_MAX + 1];

	make_ready(f, id, false);
	make_ready(f, id2, false);
	issue(f, id, NOW + 1800, slip);
	assert_int_equal(strlen(slip), SLIP_PAYLOAD_MAX - 1);
	must(slip_parse(slip, &c, &e), &e, "parse");
	assert_int_equal(c.order[0], '.');
	must(slip_order_field(id, field), &e, "field");
	assert_string_equal(c.order, field);
	/* IDs that differ in their last character get different fields */
	slip_for(id2, PRICE, NOW + 1800, other);
	assert_string_not_equal(slip + 18, other + 18);
	/* the slip of one long order is not the other's */
	must(store_order_claim(f->s, id2, &e), &e, "claim");
	assert_int_equal(store_payment_issue(f->s, id2, PRICE, "JPY", NOW, NOW + 1800, slip, &e),
			 -1);
	assert_non_null(strstr(e.msg, "is for order ."));
	must(store_payment_confirm(f->s, slip, "Sato", NOW + 60, &p, &e), &e, "confirm");
	assert_string_equal(p.order_id, id);
	assert_int_equal(get(f, id).state, ORDER_READY);
	assert_true(get(f, id).paid);
	assert_int_equal(get(f, id2).state, ORDER_CLAIMED);
	/* a short ID is its own field; a field that is neither form is refused */
	must(slip_order_field("K7", field), &e, "short");
	assert_string_equal(field, "K7");
	assert_int_equal(slip_order_field("no such!", field), -1);
	assert_int_equal(slip_parse("TP2612021505001200.ABCDEFGHJKMNPQ", &c, &e), -1); /* 14 */
	assert_int_equal(slip_parse("TP2612021505001200.ABCDEFGHJKMNPQU", &c, &e), -1); /* U */
	must(slip_parse("TP2612021505001200.ABCDEFGHJKMNPQR", &c, &e), &e, "a reference");
}

static void expiry_and_cancel_void_the_slip(void **state)
{
	struct fx *f = *state;
	struct store_payment p;
	struct err e = { "" };
	char slip[SLIP_PAYLOAD_MAX], slip3[SLIP_PAYLOAD_MAX];
	unsigned n = 9;

	make_ready(f, "E2", false);
	issue(f, "E2", NOW + 600, slip);
	must(store_payment_expire(f->s, NOW + 599, &n, &e), &e, "expire early");
	assert_int_equal(n, 0);
	assert_int_equal(get(f, "E2").state, ORDER_AWAITING_PAYMENT);
	must(store_payment_expire(f->s, NOW + 600, &n, &e), &e, "expire");
	assert_int_equal(n, 1);
	assert_int_equal(get(f, "E2").state, ORDER_READY);
	assert_false(get(f, "E2").paid);
	assert_int_equal(store_payment_get(f->s, "E2", &p, &e), 1);
	assert_true(p.voided);
	assert_string_equal(p.void_reason, "slip expired");
	assert_int_equal(store_payment_confirm(f->s, slip, "Sato", NOW + 10, NULL, &e), -1);
	assert_string_equal(e.msg, "order E2: the slip is void (slip expired)");
	must(store_payment_expire(f->s, NOW + 9999, &n, &e), &e, "expire again");
	assert_int_equal(n, 0);

	/* a new slip after the old one expired */
	issue(f, "E2", NOW + 1200, slip);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM payments WHERE order_id = 'E2'"), 2);

	/* cancelled while awaiting: the slip is void in the same move */
	make_ready(f, "C3", false);
	issue(f, "C3", NOW + 1800, slip3);
	assert_true(order_action_allowed(ORDER_ACT_CANCEL, ORDER_AWAITING_PAYMENT));
	must(store_order_move(f->s, "C3", ORDER_AWAITING_PAYMENT, ORDER_CANCELLED,
			      "cancelled by staff", NULL, &e),
	     &e, "cancel");
	assert_int_equal(store_payment_get(f->s, "C3", &p, &e), 1);
	assert_true(p.voided);
	assert_string_equal(p.void_reason, "cancelled by staff");
	assert_int_equal(store_payment_confirm(f->s, slip3, "Sato", NOW + 5, NULL, &e), -1);
	assert_int_equal(get(f, "C3").state, ORDER_CANCELLED);
	/* at most one open slip, whatever writes the table */
	assert_int_not_equal(raw_exec(f, "INSERT INTO payments (order_id, slip, amount, currency,"
					 " issued_at, valid_until) SELECT order_id, slip || 'x',"
					 " amount, currency, issued_at, valid_until FROM payments"
					 " WHERE order_id = 'E2' AND voided_at IS NULL"),
			     0);
	assert_int_not_equal(raw_exec(f, "DELETE FROM payments"), 0);
	must(store_integrity_check(f->s, &e), &e, "integrity");
}

/* ---- close of day ------------------------------------------------------- */

static void write_disc(struct fx *f, const char *id, bool ruin_one)
{
	struct err e = { "" };

	if (get(f, id).state == ORDER_READY)
		must(store_order_claim(f->s, id, &e), &e, "claim");
	must(store_order_move(f->s, id, ORDER_CLAIMED, ORDER_WRITING, "", NULL, &e), &e, "write");
	if (ruin_one) {
		assert_int_equal(store_order_ruined(f->s, id, ORDER_WRITING, 3, "medium error", &e), 0);
		must(store_order_move(f->s, id, ORDER_CLAIMED, ORDER_WRITING, "", NULL, &e), &e, "w2");
	}
	must(store_order_move(f->s, id, ORDER_WRITING, ORDER_VERIFYING, "", NULL, &e), &e, "verify");
	must(store_order_move(f->s, id, ORDER_VERIFYING, ORDER_WRITTEN, "", NULL, &e), &e, "done");
}

/* The day's totals are the sums over the orders' own records. */
static void day_totals_add_up(void **state)
{
	struct fx *f = *state;
	int64_t now = time(NULL);
	struct store_order *o = NULL;
	struct store_day d;
	struct err e = { "" };
	char slip[SLIP_PAYLOAD_MAX];
	uint64_t fees = 0, prepaid = 0, reg = 0;
	unsigned written = 0, ruined = 0, nreg = 0, nprepaid = 0;
	size_t n = 0;

	make_ready(f, "D1", true);
	write_disc(f, "D1", true);
	make_ready(f, "D2", false);
	issue(f, "D2", now + 1800, slip);
	must(store_payment_confirm(f->s, slip, "Sato", now, NULL, &e), &e, "confirm");
	write_disc(f, "D2", false);
	make_ready(f, "D3", false); /* paid, not written yet */
	issue(f, "D3", now + 1800, slip);
	must(store_payment_confirm(f->s, "D3", "Ito", now, NULL, &e), &e, "confirm D3");
	make_ready(f, "D4", false); /* awaiting: nothing taken */
	issue(f, "D4", now + 1800, slip);
	make_ready(f, "D5", true);  /* ready: nothing */

	must(store_day_totals(f->s, now - 3600, now + 3600, &d, &e), &e, "totals");
	must(store_orders_list(f->s, -1, &o, &n, &e), &e, "list");
	for (size_t i = 0; i < n; i++) {
		struct store_payment p;
		char **lines = NULL;
		size_t nl = 0;
		bool w = false;

		must(store_order_history(f->s, o[i].id, &lines, &nl, &e), &e, "history");
		for (size_t k = 0; k < nl; k++) {
			w = w || strstr(lines[k], "→written");
			ruined += strstr(lines[k], "blank ruined: ") != NULL;
			free(lines[k]);
		}
		free(lines);
		written += w;
		fees += w ? o[i].price : 0;
		nprepaid += w && o[i].prepaid;
		prepaid += w && o[i].prepaid ? o[i].price : 0;
		if (store_payment_get(f->s, o[i].id, &p, &e) == 1 && p.confirmed) {
			nreg++;
			reg += p.amount;
		}
	}
	free(o);
	assert_int_equal(d.discs_written, written);
	assert_int_equal(d.blanks_ruined, ruined);
	assert_int_equal(d.register_count, nreg);
	assert_int_equal(d.register_amount, reg);
	assert_int_equal(d.prepaid_count, nprepaid);
	assert_int_equal(d.prepaid_amount, prepaid);
	assert_int_equal(d.fees_owed, fees);
	/* and what that is, so the sums above cannot both be zero */
	assert_int_equal(d.discs_written, 2);
	assert_int_equal(d.blanks_ruined, 1);
	assert_int_equal(d.register_amount, 2 * PRICE);
	assert_int_equal(d.prepaid_amount, PRICE);
	assert_int_equal(d.fees_owed, 2 * PRICE);
	/* another day: nothing */
	must(store_day_totals(f->s, now + 3600, now + 7200, &d, &e), &e, "tomorrow");
	assert_int_equal(d.discs_written + d.register_count + d.prepaid_count, 0);
	assert_int_equal(store_day_totals(f->s, now, now, &d, &e), -1);
}

/* ---- the close of day's report upstream ------------------------------- */

/* Closing the day: one report row with the staff log's row, one per close,
 * the totals the screen shows, the orders written that day; kept across a
 * reopen until acknowledged; refused for good, it is in the staff log. */
static void day_close_queues_one_report(void **state)
{
	struct fx *f = *state;
	int64_t now = time(NULL), from, to;
	struct store_day_report r, r2, *p = NULL;
	struct store_day d;
	struct err e = { "" };
	char day[11], want[64], text[256];
	size_t n = 0;

	make_ready(f, "W2", true);
	write_disc(f, "W2", false);
	make_ready(f, "W1", false);
	write_disc(f, "W1", true);
	make_ready(f, "R1", true); /* ready, not written: not covered */
	report_day_window(now, &from, &to, day);
	assert_true(from <= now && now < to);
	assert_int_equal(to - from, 86400);
	must(store_day_totals(f->s, from, to, &d, &e), &e, "totals");

	must(store_day_close(f->s, 1001, day, from, to, "Sato", now, &r, &e), &e, "close");
	snprintf(want, sizeof(want), "day-1001-%.4s%.2s%.2s-1", day, day + 5, day + 8);
	assert_string_equal(r.id, want);
	assert_int_equal(r.seq, 1);
	assert_string_equal(r.staff, "Sato");
	assert_memory_equal(&r.totals, &d, sizeof(d)); /* what the screen shows */
	assert_int_equal(r.totals.discs_written, 2);
	assert_int_equal(r.totals.fees_owed, 2 * PRICE);
	assert_int_equal(r.order_count, 2);
	assert_string_equal(r.orders[0], "W1");
	assert_string_equal(r.orders[1], "W2");
	/* the staff log's row and the report name each other */
	assert_int_equal(raw_int(f, "SELECT count(*) FROM staff_log WHERE action = 'day-close'"), 1);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM day_reports d JOIN staff_log l"
				    " ON l.id = d.staff_log_id WHERE l.action = 'day-close'"),
			 1);
	raw_text(f, "SELECT result FROM staff_log WHERE action = 'day-close'", text, sizeof(text));
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "2 discs, 1 ruined"));

	/* a second close the same day is a second report */
	must(store_day_close(f->s, 1001, day, from, to, "", now + 1, &r2, &e), &e, "close 2");
	assert_int_equal(r2.seq, 2);
	assert_string_equal(r2.staff, "staff");
	assert_string_not_equal(r2.id, r.id);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM day_reports"), 2);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM day_report_orders"), 4);
	store_day_report_free(&r2);

	/* they survive a reopen, as they were */
	store_close(f->s);
	f->s = NULL;
	must(store_open(&f->s, f->path, &e), &e, "reopen");
	must(store_day_reports_pending(f->s, now + 1, false, &p, &n, &e), &e, "pending");
	assert_int_equal(n, 2);
	assert_string_equal(p[0].id, r.id);
	assert_memory_equal(&p[0].totals, &r.totals, sizeof(r.totals));
	assert_int_equal(p[0].order_count, 2);
	assert_string_equal(p[0].orders[1], "W2");
	assert_false(p[0].acked);
	store_day_reports_free(p, n);

	/* acknowledged: never due again; refused for good: staff are told */
	must(store_day_report_acked(f->s, r.id, &e), &e, "acked");
	must(store_day_report_deferred(f->s, r2.id, STORE_REPORT_NEVER, "refused by the server: 409",
				       &e),
	     &e, "refused");
	must(store_day_reports_pending(f->s, now + 86400, false, &p, &n, &e), &e, "due");
	assert_int_equal(n, 0);
	free(p);
	must(store_day_reports_pending(f->s, 0, true, &p, &n, &e), &e, "all");
	assert_int_equal(n, 1);
	assert_int_equal(p[0].next_attempt_at, STORE_REPORT_NEVER);
	assert_int_equal(p[0].attempts, 1);
	store_day_reports_free(p, n);
	raw_text(f, "SELECT result FROM staff_log WHERE action = 'day-report'", text, sizeof(text));
	assert_non_null(strstr(text, "409"));
	assert_int_equal(store_day_report_acked(f->s, "day-1-20000101-1", &e), -1);
	/* refusals: a bad day, no shop */
	assert_int_equal(store_day_close(f->s, 1001, "2026-1-1", from, to, "x", now, &r2, &e), -1);
	assert_int_equal(store_day_close(f->s, 0, day, from, to, "x", now, &r2, &e), -1);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM day_reports"), 2);
	must(store_integrity_check(f->s, &e), &e, "integrity");
	/* the audit sees a report whose close is not in the staff log */
	assert_int_equal(raw_exec(f, "INSERT INTO staff_log (at, action) VALUES (1, 'login');"
				     " UPDATE day_reports SET staff_log_id ="
				     " (SELECT max(id) FROM staff_log) WHERE seq = 1"),
			 0);
	assert_int_equal(store_integrity_check(f->s, &e), -1);
	assert_non_null(strstr(e.msg, "has no day-close row"));
	store_day_report_free(&r);
}

/* Neither the staff log's row nor the report is written without the other. */
static void day_close_is_one_transaction(void **state)
{
	struct fx *f = *state;
	int64_t now = time(NULL), from, to;
	struct store_day_report r;
	struct err e = { "" };
	char day[11];

	report_day_window(now, &from, &to, day);
	assert_int_equal(raw_exec(f, "CREATE TRIGGER no_reports BEFORE INSERT ON day_report_orders"
				     " BEGIN SELECT RAISE(ABORT, 'disk full'); END;"),
			 0);
	make_ready(f, "T1", true);
	write_disc(f, "T1", false);
	assert_int_equal(store_day_close(f->s, 1001, day, from, to, "Sato", now, &r, &e), -1);
	assert_non_null(strstr(e.msg, "disk full"));
	assert_int_equal(raw_int(f, "SELECT count(*) FROM staff_log"), 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM day_reports"), 0);
	assert_int_equal(raw_exec(f, "DROP TRIGGER no_reports;"
				     " CREATE TRIGGER no_log BEFORE INSERT ON staff_log"
				     " BEGIN SELECT RAISE(ABORT, 'log full'); END;"),
			 0);
	assert_int_equal(store_day_close(f->s, 1001, day, from, to, "Sato", now, &r, &e), -1);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM day_reports"), 0);
	assert_int_equal(raw_exec(f, "DROP TRIGGER no_log"), 0);
	must(store_day_close(f->s, 1001, day, from, to, "Sato", now, &r, &e), &e, "close");
	assert_int_equal(r.seq, 1);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM day_report_orders"), 1);
	store_day_report_free(&r);
}

/* The wire body: every field PROTOCOL.md names, with its type, and the
 * same bytes for the same report. */
static void day_report_body(void **state)
{
	char orders[2][ORDER_ID_MAX + 1] = { "K7Q2M9X4P1", "Z0Y9X8W7V6" };
	struct store_day_report r = {
		.id = "day-1001-20261204-1", .shop = 1001, .day = "2026-12-04", .seq = 1,
		.closed_at = 1796378400, .staff = "Sato",
		.totals = { .from = 1796310000, .to = 1796396400, .discs_written = 2,
			    .blanks_ruined = 1, .register_count = 1, .register_amount = 1200,
			    .prepaid_count = 1, .prepaid_amount = 800, .fees_owed = 2000 },
		.orders = orders, .order_count = 2,
	};
	char *body, *again;
	int64_t from, to;
	char day[11];

	(void)state;
	body = report_body_day(&r);
	assert_non_null(body);
	assert_string_equal(body,
			    "{\"report_id\":\"day-1001-20261204-1\",\"shop\":1001,"
			    "\"day\":\"2026-12-04\",\"from\":1796310000,\"to\":1796396400,"
			    "\"closed_at\":1796378400,\"staff\":\"Sato\",\"discs_written\":2,"
			    "\"blanks_ruined\":1,\"register\":{\"count\":1,\"amount\":1200},"
			    "\"prepaid\":{\"count\":1,\"amount\":800},"
			    "\"fees_owed\":{\"amount\":2000,\"currency\":\"JPY\"},"
			    "\"order_count\":2,\"orders\":[\"K7Q2M9X4P1\",\"Z0Y9X8W7V6\"]}");
	again = report_body_day(&r);
	assert_string_equal(body, again);
	free(again);
	free(body);
	r.order_count = 0;
	body = report_body_day(&r);
	assert_non_null(strstr(body, "\"order_count\":0,\"orders\":[]}"));
	free(body);
	/* 2026-12-04 00:00 JST is 2026-12-03 15:00 UTC */
	report_day_window(1796378400, &from, &to, day);
	assert_int_equal(from, 1796310000);
	assert_int_equal(to, 1796396400);
	assert_string_equal(day, "2026-12-04");
	report_day_window(1796310000 - 1, &from, &to, day);
	assert_string_equal(day, "2026-12-03");
}

/* The delivered report says how it was paid. */
static void delivered_report_payment(void **state)
{
	struct report_delivered d = { .media = MEDIA_DATA_CD, .fee = PRICE, .currency = "JPY" };
	char *body;

	(void)state;
	d.prepaid = true;
	body = report_body_delivered(NOW, &d);
	assert_non_null(strstr(body, "\"payment\":{\"method\":\"prepaid\"}"));
	free(body);
	d.prepaid = false;
	body = report_body_delivered(NOW, &d);
	assert_non_null(strstr(body, "\"payment\":{\"method\":\"register\",\"confirmed\":false}"));
	free(body);
	d.confirmed = true;
	snprintf(d.payment.slip, sizeof(d.payment.slip), "TP2612021505001200K7");
	d.payment.amount = PRICE;
	memcpy(d.payment.currency, "JPY", 4);
	d.payment.confirmed_at = NOW + 5;
	snprintf(d.payment.confirmed_by, sizeof(d.payment.confirmed_by), "Sato");
	body = report_body_delivered(NOW, &d);
	assert_non_null(strstr(body, "\"payment\":{\"method\":\"register\",\"confirmed\":true,"
				     "\"slip\":\"TP2612021505001200K7\",\"amount\":1200,"
				     "\"currency\":\"JPY\",\"confirmed_at\":1796000005,"
				     "\"confirmed_by\":\"Sato\"}"));
	free(body);
}

/* ---- the slip payload --------------------------------------------------- */

static void slip_parses_what_receipt_writes(void **state)
{
	struct slip_code c;
	struct err e = { "" };
	char slip[SLIP_PAYLOAD_MAX];
	int64_t until = NOW + 1800 - (NOW + 1800) % 60;

	(void)state;
	slip_for("K7Q2M9X4P1", 1200, until, slip);
	must(slip_parse(slip, &c, &e), &e, "parse");
	assert_string_equal(c.order, "K7Q2M9X4P1");
	assert_int_equal(c.amount_yen, 1200);
	assert_int_equal(c.valid_until, until);
	must(slip_parse("TP2612021505001200K7Q2M9X4P1", &c, &e), &e, "example");
	assert_int_equal(c.amount_yen, 1200);
	/* 2026-12-02 15:05 JST is 06:05 UTC */
	assert_int_equal(c.valid_until, 1796191500);
	assert_true(slip_looks_like("TP2"));
	assert_false(slip_looks_like("TPX"));
	assert_false(slip_looks_like("123456789012"));
	assert_int_equal(slip_parse("TP2613021505001200K7", &c, &e), -1); /* month 13 */
	assert_int_equal(slip_parse("TP2602301505001200K7", &c, &e), -1); /* 30 February */
	assert_int_equal(slip_parse("TP2602291505001200K7", &c, &e), -1); /* 2026 not leap */
	assert_int_equal(slip_parse("TP2802291505001200K7", &c, &e), 0);  /* 2028 is */
	assert_int_equal(slip_parse("TP2612022405001200K7", &c, &e), -1); /* 24:05 */
	assert_int_equal(slip_parse("TP2612021505000000K7", &c, &e), -1); /* 0 yen */
	assert_int_equal(slip_parse("TP26120215050012", &c, &e), -1);
	assert_int_equal(slip_parse("TP2612021505001200", &c, &e), -1);   /* no order */
	assert_int_equal(slip_parse("TP2612021505001200K7/", &c, &e), -1);
	assert_int_equal(slip_parse("TP2612021505001200ABCDEFGHIJKLMNOPQ", &c, &e), -1);
	assert_int_equal(slip_parse("TP2612021505-01200K7", &c, &e), -1);
	assert_int_equal(slip_parse("XP2612021505001200K7", &c, &e), -1);
	assert_int_equal(slip_parse(NULL, &c, &e), -1);
}

/* ---- from schema version 3 ---------------------------------------------- */

#define BLOBS "zeroblob(16), zeroblob(32), X'7b7d', X'3044'"
#define MANIFEST_COLS                                                                  \
	"user_id, shop_id, delivery_server_id, content_server_id, title, artist, media,"    \
	" price, currency, prepaid, issued_at, expires_at, total_bytes, file_count,"        \
	" pickup_iterations, pickup_salt, pickup_hash, manifest, signature"
#define MANIFEST_VALS                                                                  \
	"1, 1001, 7, 9, 'T', 'A', 'data-cd', 1200, 'JPY', 0, 1795000000, 1797592000, 100, 1," \
	" 1000, " BLOBS

static const char V3_ROWS[] =
	"BEGIN;"
	"INSERT INTO orders (id, state, created_at, updated_at) VALUES ('V-ann', 'announced', 1, 1);"
	"INSERT INTO transitions (order_id, from_state, to_state, at)"
	" VALUES ('V-ann', NULL, 'announced', 1);"
	"INSERT INTO orders (id, state, has_manifest, " MANIFEST_COLS ", created_at, updated_at,"
	" pickup_locator) VALUES ('V-ready', 'ready', 1, " MANIFEST_VALS ", 2, 3, 4242);"
	"INSERT INTO transitions (order_id, from_state, to_state, at) VALUES"
	" ('V-ready', NULL, 'announced', 2), ('V-ready', 'announced', 'downloading', 2),"
	" ('V-ready', 'downloading', 'ready', 3);"
	"INSERT INTO files (order_id, idx, name, size, sha256, kind, done)"
	" VALUES ('V-ready', 0, 'a.bin', 100, zeroblob(32), 'data', 1);"
	"INSERT INTO outbox (report_id, order_id, transition_id, kind, body, created_at,"
	" next_attempt_at) VALUES ('00000000-0000-4000-8000-000000000001', 'V-ready',"
	" (SELECT max(id) FROM transitions), 'received', '{\"at\":3}', 3, 3);"
	"INSERT INTO orders (id, state, failed_from, reason, has_manifest, " MANIFEST_COLS ","
	" created_at, updated_at) VALUES ('V-fail', 'failed', 'writing', 'laser', 1, "
	MANIFEST_VALS ", 4, 5);"
	"INSERT INTO transitions (order_id, from_state, to_state, reason, at) VALUES"
	" ('V-fail', NULL, 'announced', '', 4), ('V-fail', 'announced', 'downloading', '', 4),"
	" ('V-fail', 'downloading', 'ready', '', 4), ('V-fail', 'ready', 'claimed', '', 4),"
	" ('V-fail', 'claimed', 'writing', '', 4), ('V-fail', 'writing', 'failed', 'laser', 5);"
	"INSERT INTO orders (id, state, has_manifest, " MANIFEST_COLS ", created_at, updated_at)"
	" VALUES ('V-rep', 'reported', 1, " MANIFEST_VALS ", 6, 7);"
	"INSERT INTO transitions (order_id, from_state, to_state, at) VALUES"
	" ('V-rep', NULL, 'announced', 6), ('V-rep', 'announced', 'downloading', 6),"
	" ('V-rep', 'downloading', 'ready', 6), ('V-rep', 'ready', 'claimed', 6),"
	" ('V-rep', 'claimed', 'writing', 6), ('V-rep', 'writing', 'verifying', 6),"
	" ('V-rep', 'verifying', 'written', 6), ('V-rep', 'written', 'erased', 7);"
	"INSERT INTO outbox (report_id, order_id, transition_id, kind, body, created_at,"
	" next_attempt_at) VALUES ('00000000-0000-4000-8000-000000000002', 'V-rep',"
	" (SELECT max(id) FROM transitions), 'delivered', '{\"at\":7}', 7, 7);"
	"INSERT INTO transitions (order_id, from_state, to_state, at)"
	" VALUES ('V-rep', 'erased', 'reported', 7);"
	"UPDATE outbox SET acked_at = 7 WHERE order_id = 'V-rep';"
	"INSERT INTO staff_log (at, action, order_id, result) VALUES (1, 'login', '', 'ok');"
	"INSERT INTO counters (name, value) VALUES ('ruined_blanks', 3);"
	"COMMIT;";

/* Everything a v3 file holds, as one text, to compare across the move. */
static const char DUMP[] =
	"SELECT (SELECT group_concat(id || state || coalesce(failed_from, '-') || reason ||"
	" attempts || has_manifest || coalesce(title, '-') || coalesce(price, '-') ||"
	" coalesce(pickup_locator, '-') || hex(coalesce(pickup_hash, '')) || created_at ||"
	" updated_at, ';') FROM (SELECT * FROM orders ORDER BY id))"
	" || '|' || (SELECT group_concat(id || order_id || coalesce(from_state, 'new') ||"
	" to_state || reason || at, ';') FROM (SELECT * FROM transitions ORDER BY id))"
	" || '|' || (SELECT group_concat(report_id || order_id || transition_id || kind || body ||"
	" coalesce(acked_at, '-'), ';') FROM (SELECT * FROM outbox ORDER BY report_id))"
	" || '|' || (SELECT group_concat(order_id || idx || name || done, ';') FROM files)"
	" || '|' || (SELECT group_concat(action || result, ';') FROM staff_log)"
	" || '|' || (SELECT group_concat(name || value, ';') FROM counters)";

static void v3_file_migrates_whole(void **state)
{
	struct fx *f = *state;
	struct err e = { "" };
	char before[4096], after[4096], slip[SLIP_PAYLOAD_MAX];

	must(store_create_version(f->path, 3, &e), &e, "v3");
	assert_int_equal(raw_int(f, "PRAGMA user_version"), 3);
	assert_int_equal(raw_exec(f, V3_ROWS), 0);
	/* the v3 CHECK refuses the new state: why the tables are rebuilt */
	assert_int_not_equal(raw_exec(f, "UPDATE orders SET state = 'awaiting-payment'"
					 " WHERE id = 'V-ready'"),
			     0);
	raw_text(f, DUMP, before, sizeof(before));
	assert_true(strlen(before) > 200);

	must(store_open(&f->s, f->path, &e), &e, "open v3");
	assert_int_equal(raw_int(f, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	raw_text(f, DUMP, after, sizeof(after));
	assert_string_equal(before, after);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	must(store_integrity_check(f->s, &e), &e, "integrity");
	/* the indexes and triggers are back */
	assert_int_equal(raw_int(f, "SELECT count(*) FROM sqlite_schema WHERE name IN"
				    " ('orders_by_state', 'orders_by_locator', 'transitions_by_order',"
				    " 'transitions_no_update', 'transitions_no_delete',"
				    " 'orders_state_logged', 'payments_one_open')"),
			 7);
	assert_int_not_equal(raw_exec(f, "DELETE FROM transitions WHERE order_id = 'V-ann'"), 0);
	assert_int_not_equal(raw_exec(f, "UPDATE orders SET state = 'claimed' WHERE id = 'V-ready'"),
			     0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM sqlite_schema WHERE name LIKE '%_v4'"),
			 0);
	/* foreign keys are on again for the connection */
	assert_int_not_equal(raw_exec(f, "PRAGMA foreign_keys = ON;"
					 " INSERT INTO files (order_id, idx, name, size, sha256, kind)"
					 " VALUES ('nobody', 0, 'x', 1, zeroblob(32), 'data')"),
			     0);
	{
		struct store_pickup_candidate *c = NULL;
		size_t n = 0;

		must(store_pickup_candidates(f->s, 4242, &c, &n, &e), &e, "locator");
		assert_int_equal(n, 1);
		free(c);
	}
	/* the new state works on a migrated order */
	must(store_order_claim(f->s, "V-ready", &e), &e, "claim");
	slip_for("V-ready", 1200, NOW + 1800, slip);
	must(store_payment_issue(f->s, "V-ready", 1200, "JPY", NOW, NOW + 1800, slip, &e), &e,
	     "issue");
	assert_int_equal(get(f, "V-ready").state, ORDER_AWAITING_PAYMENT);
	must(store_payment_confirm(f->s, slip, NULL, NOW + 1, NULL, &e), &e, "confirm");
	assert_true(get(f, "V-ready").paid);
	must(store_integrity_check(f->s, &e), &e, "integrity after");
	store_close(f->s);
	f->s = NULL;
	must(store_open(&f->s, f->path, &e), &e, "reopen");
	assert_true(get(f, "V-ready").paid);
}

/* ---- from schema version 4 ---------------------------------------------- */

static void v4_file_migrates_whole(void **state)
{
	struct fx *f = *state;
	int64_t now = time(NULL), from, to;
	struct store_day_report r;
	struct err e = { "" };
	char before[4096], after[4096], day[11];

	must(store_create_version(f->path, 4, &e), &e, "v4");
	assert_int_equal(raw_int(f, "PRAGMA user_version"), 4);
	assert_int_equal(raw_exec(f, V3_ROWS), 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM sqlite_schema WHERE name = 'day_reports'"),
			 0);
	raw_text(f, DUMP, before, sizeof(before));
	assert_true(strlen(before) > 200);

	must(store_open(&f->s, f->path, &e), &e, "open v4");
	assert_int_equal(raw_int(f, "PRAGMA user_version"), 5);
	raw_text(f, DUMP, after, sizeof(after));
	assert_string_equal(before, after);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM sqlite_schema WHERE name IN"
				    " ('day_reports', 'day_report_orders', 'day_reports_pending',"
				    " 'day_reports_no_delete')"),
			 4);
	must(store_integrity_check(f->s, &e), &e, "integrity");
	/* the close of day works on the migrated file, and its rows are kept */
	report_day_window(now, &from, &to, day);
	must(store_day_close(f->s, 1001, day, from, to, "Sato", now, &r, &e), &e, "close");
	store_day_report_free(&r);
	assert_int_not_equal(raw_exec(f, "DELETE FROM day_reports"), 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	store_close(f->s);
	f->s = NULL;
	must(store_open(&f->s, f->path, &e), &e, "reopen");
	assert_int_equal(raw_int(f, "SELECT count(*) FROM day_reports"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(issue_then_confirm_once, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(expiry_and_cancel_void_the_slip, setup, teardown),
		cmocka_unit_test_setup_teardown(long_order_id_slip, setup, teardown),
		cmocka_unit_test(slip_parses_what_receipt_writes),
		cmocka_unit_test(delivered_report_payment),
		cmocka_unit_test_setup_teardown(day_totals_add_up, setup, teardown),
		cmocka_unit_test_setup_teardown(v3_file_migrates_whole, setup_empty, teardown),
		cmocka_unit_test_setup_teardown(day_close_queues_one_report, setup, teardown),
		cmocka_unit_test_setup_teardown(day_close_is_one_transaction, setup, teardown),
		cmocka_unit_test(day_report_body),
		cmocka_unit_test_setup_teardown(v4_file_migrates_whole, setup_empty, teardown),
	};

	return cmocka_run_group_tests_name("payment", tests, NULL, NULL);
}
