// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * store retention: orders over for longer than the retention period become
 * one disc row each, and leave orders, files, transitions and outbox, so
 * those stay bounded; staff can still look them up; a compacted id is never
 * announced again; an order with a report still to send, or still open, or
 * over only recently, is kept whole; the log stays append-only for the rest.
 * The database is also read through a raw SQLite connection.
 */
#include <ftw.h>
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

#include "pickup.h"
#include "store.h"
#include "scratch.h"

#define OLD_ORDERS 20
#define DAY 86400

struct fx {
	char dir[256];
	char path[300];
	struct store *s;
	sqlite3 *raw;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct err e = { "" };

	if (!f)
		return -1;
	if (scratch_make(f->dir, sizeof(f->dir), "retention"))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/tenpo.db", f->dir);
	if (store_create(f->path, &e) < 0 || store_open(&f->s, f->path, &e) ||
	    sqlite3_open(f->path, &f->raw) != SQLITE_OK) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	sqlite3_busy_timeout(f->raw, 5000);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	sqlite3_close(f->raw);
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

static int64_t raw_int(struct fx *f, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(f->raw, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void move(struct fx *f, const char *id, enum order_state from, enum order_state to,
		 const struct store_report_new *r)
{
	struct err e = { "" };

	must(store_order_move(f->s, id, from, to, "", r, &e), &e, "move");
}

/* id through every step to ERASED with its delivered report queued; with
 * `acked` the report is acknowledged, which takes it to REPORTED. */
static void delivered(struct fx *f, const char *id, bool acked)
{
	static const char json[] = "{}";
	static const uint8_t sig[] = { 0x30, 0x01 };
	struct manifest_file file = { .size = 1000, .kind = FILE_DATA };
	struct manifest m = { .version = 1, .media = MEDIA_DATA_DVD, .files = &file,
			      .file_count = 1, .total_bytes = 1000, .issued_at = 1,
			      .expires_at = 4000000000, .price = 1500 };
	struct store_report *r = NULL;
	struct err e = { "" };
	size_t n = 0;

	snprintf(m.order_id, sizeof(m.order_id), "%s", id);
	snprintf(m.title, sizeof(m.title), "夜明けの歌 %s", id);
	snprintf(m.artist, sizeof(m.artist), "Tenpo Ensemble");
	memcpy(m.currency, "JPY", 4);
	m.ids.user = 77;
	m.ids.shop = 1001;
	snprintf(file.name, sizeof(file.name), "film.avi");
	m.pickup.iterations = PICKUP_MIN_ITERATIONS;
	m.pickup.has_locator = true;
	assert_int_equal(store_order_announce(f->s, id, &e), 1);
	must(store_order_accept_manifest(f->s, id, json, sizeof(json) - 1, sig, sizeof(sig), &m,
					 &e),
	     &e, "accept");
	must(store_file_done(f->s, id, 0, &e), &e, "file");
	move(f, id, ORDER_DOWNLOADING, ORDER_READY, NULL);
	must(store_order_claim(f->s, id, &e), &e, "claim");
	move(f, id, ORDER_CLAIMED, ORDER_WRITING, NULL);
	move(f, id, ORDER_WRITING, ORDER_VERIFYING, NULL);
	move(f, id, ORDER_VERIFYING, ORDER_WRITTEN, NULL);
	move(f, id, ORDER_WRITTEN, ORDER_ERASED,
	     &(struct store_report_new){ "delivered", "{\"fee\":{\"amount\":1500}}" });
	if (!acked)
		return;
	must(store_reports_pending(f->s, &r, &n, &e), &e, "pending");
	for (size_t i = 0; i < n; i++)
		if (!strcmp(r[i].order_id, id))
			must(store_report_acked(f->s, r[i].id, &e), &e, "ack");
	store_reports_free(r, n);
}

static void make_orders(struct fx *f)
{
	struct err e = { "" };
	char id[32];

	for (int i = 0; i < OLD_ORDERS; i++) {
		snprintf(id, sizeof(id), "OLD%02d", i);
		delivered(f, id, true);
	}
	assert_int_equal(store_order_announce(f->s, "GONE", &e), 1);
	move(f, "GONE", ORDER_ANNOUNCED, ORDER_CANCELLED, NULL);
	delivered(f, "UNSENT", false); /* its report is still to go */
	assert_int_equal(store_order_announce(f->s, "OPEN", &e), 1);
	/* all of them last changed 100 days ago */
	assert_int_equal(sqlite3_exec(f->raw, "UPDATE orders SET updated_at = updated_at - 8640000",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	delivered(f, "RECENT", true);
}

static void compaction_keeps_rows_bounded(void **state)
{
	struct fx *f = *state;
	struct err e = { "" };
	unsigned n = 99;

	make_orders(f);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM orders"), OLD_ORDERS + 4);
	must(store_compact(f->s, time(NULL) - 90 * DAY, &n, &e), &e, "compact");
	assert_int_equal(n, OLD_ORDERS + 1);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM discs"), OLD_ORDERS + 1);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM orders"), 3);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM orders WHERE id IN"
				    " ('UNSENT', 'OPEN', 'RECENT')"),
			 3);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM transitions WHERE order_id NOT IN"
				    " ('UNSENT', 'OPEN', 'RECENT')"),
			 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM files WHERE order_id NOT IN"
				    " ('UNSENT', 'OPEN', 'RECENT')"),
			 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM outbox WHERE order_id NOT IN"
				    " ('UNSENT', 'OPEN', 'RECENT')"),
			 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM outbox WHERE acked_at IS NULL"), 1);
	must(store_integrity_check(f->s, &e), &e, "integrity");

	/* a second pass finds nothing more; the kept orders are whole */
	must(store_compact(f->s, time(NULL) - 90 * DAY, &n, &e), &e, "compact again");
	assert_int_equal(n, 0);
	assert_true(raw_int(f, "SELECT count(*) FROM transitions WHERE order_id = 'RECENT'") >= 8);
}

static void compacted_order_looked_up(void **state)
{
	struct fx *f = *state;
	struct store_disc d;
	struct store_order o;
	struct err e = { "" };
	unsigned n;

	make_orders(f);
	must(store_compact(f->s, time(NULL) - 90 * DAY, &n, &e), &e, "compact");
	assert_int_equal(store_order_get(f->s, "OLD03", &o, &e), 0);
	assert_int_equal(store_disc_get(f->s, "OLD03", &d, &e), 1);
	assert_string_equal(d.id, "OLD03");
	assert_int_equal(d.state, ORDER_REPORTED);
	assert_string_equal(d.title, "夜明けの歌 OLD03");
	assert_string_equal(d.media, "data-dvd");
	assert_int_equal(d.price, 1500);
	assert_string_equal(d.currency, "JPY");
	assert_int_equal(d.ids.user, 77);
	assert_true(d.written_at > 0);
	assert_non_null(strstr(d.receipt, "\"fee\""));
	assert_int_equal(store_disc_get(f->s, "GONE", &d, &e), 1);
	assert_int_equal(d.state, ORDER_CANCELLED);
	assert_int_equal(d.written_at, 0);
	assert_int_equal(store_disc_get(f->s, "RECENT", &d, &e), 0);
	assert_int_equal(store_disc_get(f->s, "NOSUCH", &d, &e), 0);
}

static void compacted_id_never_announced_again(void **state)
{
	struct fx *f = *state;
	struct err e = { "" };
	unsigned n;

	make_orders(f);
	must(store_compact(f->s, time(NULL) - 90 * DAY, &n, &e), &e, "compact");
	assert_int_equal(store_order_announce(f->s, "OLD05", &e), 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM orders WHERE id = 'OLD05'"), 0);
	assert_int_equal(store_order_announce(f->s, "NEW1", &e), 1);
}

static void log_append_only_for_live_orders(void **state)
{
	struct fx *f = *state;

	make_orders(f);
	assert_int_not_equal(sqlite3_exec(f->raw, "DELETE FROM transitions WHERE order_id = 'OLD01'",
					  NULL, NULL, NULL),
			     SQLITE_OK);
	assert_non_null(strstr(sqlite3_errmsg(f->raw), "append-only"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(compaction_keeps_rows_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(compacted_order_looked_up, setup, teardown),
		cmocka_unit_test_setup_teardown(compacted_id_never_announced_again, setup, teardown),
		cmocka_unit_test_setup_teardown(log_append_only_for_live_orders, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
