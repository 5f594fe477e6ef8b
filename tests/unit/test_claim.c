// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * claim: a typed code finds its order by the manifest's locator, so orders
 * with other locators are never put through the slow hash; orders stored
 * before locators existed are still found while they can be picked up; a
 * wrong code is counted by the pickup guard.
 *
 * How "never put through the slow hash" is seen without a clock: decoy
 * orders carry the very verifier of the customer's code (same salt, same
 * hash) under another locator, in a state that would refuse the pickup.  A
 * claim that tried them would answer "cannot be picked up"; one that only
 * tries the code's own locator claims the customer's order.
 */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "claim.h"
#include "pickup.h"
#include "store.h"
#include "scratch.h"

#define CODE "4711-0815-4242"
#define OTHER_CODE "1111-2222-3333"
#define DECOYS 50

struct fx {
	char dir[256];
	char path[300];
	struct store *s;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct err e = { "" };

	if (!f)
		return -1;
	if (scratch_make(f->dir, sizeof(f->dir), "claim"))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/tenpo.db", f->dir);
	if (store_create(f->path, &e) < 0 || store_open(&f->s, f->path, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	*state = f;
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

static void raw_exec(const struct fx *f, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* The verifier of `code` with a fixed salt, at the lowest iteration count. */
static struct pickup_verifier verifier_of(const char *code)
{
	struct pickup_verifier v = { .iterations = PICKUP_MIN_ITERATIONS };
	struct err e = { "" };

	for (size_t i = 0; i < PICKUP_SALT_LEN; i++)
		v.salt[i] = (uint8_t)(i * 7 + 1);
	must(pickup_verifier_compute(code, &v, &e), &e, "verifier");
	return v;
}

/* Announces `id` with verifier v and, if `ready`, takes it to READY. */
static void add_order(struct fx *f, const char *id, const struct pickup_verifier *v, bool ready)
{
	static const char json[] = "{}";
	static const uint8_t sig[] = { 0x30, 0x01 };
	struct manifest_file file = { .size = 1000, .kind = FILE_DATA };
	struct manifest m = { .version = 1, .media = MEDIA_DATA_CD, .files = &file, .file_count = 1,
			      .total_bytes = 1000, .issued_at = 1, .expires_at = INT32_MAX };
	struct err e = { "" };

	snprintf(m.order_id, sizeof(m.order_id), "%s", id);
	snprintf(m.title, sizeof(m.title), "Title %s", id);
	memcpy(m.currency, "JPY", 4);
	snprintf(file.name, sizeof(file.name), "film.avi");
	m.pickup = *v;
	assert_int_equal(store_order_announce(f->s, id, &e), 1);
	must(store_order_accept_manifest(f->s, id, json, sizeof(json) - 1, sig, sizeof(sig), &m,
					 &e),
	     &e, "accept");
	if (!ready)
		return;
	must(store_file_done(f->s, id, 0, &e), &e, "file done");
	must(store_order_move(f->s, id, ORDER_DOWNLOADING, ORDER_READY, "", NULL, &e), &e,
	     "ready");
}

static enum claim_refusal claim(struct fx *f, const char *code, struct store_order *o,
				struct err *e)
{
	int64_t wait_s;

	return claim_by_code(f->s, code, 1000, o, &wait_s, e);
}

static void code_finds_only_its_locator(void **state)
{
	struct fx *f = *state;
	struct pickup_verifier v = verifier_of(CODE), decoy = v;
	struct store_order o;
	struct err e = { "" };
	char id[32];

	/* decoys first, so that a scan in creation order meets them first */
	decoy.locator = (v.locator + 1) & PICKUP_LOCATOR_MAX;
	for (int i = 0; i < DECOYS; i++) {
		snprintf(id, sizeof(id), "DECOY%d", i);
		add_order(f, id, &decoy, false); /* downloading: "not ready yet" */
	}
	add_order(f, "MINE", &v, true);
	assert_int_equal(claim(f, CODE, &o, &e), CLAIM_OK);
	assert_string_equal(o.id, "MINE");
	assert_int_equal(o.state, ORDER_CLAIMED);
}

static void candidates_are_one_lookup(void **state)
{
	struct fx *f = *state;
	struct pickup_verifier v = verifier_of(CODE), other = verifier_of(OTHER_CODE);
	struct store_pickup_candidate *c = NULL;
	struct err e = { "" };
	uint32_t loc;
	size_t n = 99;

	assert_int_not_equal(v.locator, other.locator);
	add_order(f, "MINE", &v, true);
	add_order(f, "THEIRS", &other, true);
	assert_int_equal(pickup_locator(CODE, &loc), 0);
	assert_int_equal(loc, v.locator);
	must(store_pickup_candidates(f->s, loc, &c, &n, &e), &e, "candidates");
	assert_int_equal(n, 1);
	assert_string_equal(c[0].id, "MINE");
	assert_memory_equal(c[0].verifier.hash, v.hash, PICKUP_HASH_LEN);
	free(c);
}

static void wrong_code_counted(void **state)
{
	struct fx *f = *state;
	struct pickup_verifier v = verifier_of(CODE);
	struct store_order o;
	struct err e = { "" };
	unsigned failures = 0;
	int64_t wait_s;

	add_order(f, "MINE", &v, true);
	assert_int_equal(claim(f, OTHER_CODE, &o, &e), CLAIM_WRONG);
	assert_string_equal(e.msg, "wrong pickup code");
	must(store_pickup_wait(f->s, 1000, &wait_s, &failures, &e), &e, "guard");
	assert_int_equal(failures, 1);
	assert_int_equal(claim(f, "12345", &o, &e), CLAIM_MALFORMED);
}

/* A manifest without a locator is not taken: its order could be found only
 * by trying every order's PBKDF2. */
static void manifest_without_locator_refused(void **state)
{
	struct fx *f = *state;
	static const char json[] = "{}";
	static const uint8_t sig[] = { 0x30, 0x01 };
	struct manifest_file file = { .size = 1000, .kind = FILE_DATA };
	struct manifest m = { .version = 1, .media = MEDIA_DATA_CD, .files = &file, .file_count = 1,
			      .total_bytes = 1000, .issued_at = 1, .expires_at = INT32_MAX };
	struct err e = { "" };

	snprintf(m.order_id, sizeof(m.order_id), "OLDSERVER");
	memcpy(m.currency, "JPY", 4);
	snprintf(file.name, sizeof(file.name), "film.avi");
	m.pickup = verifier_of(CODE);
	m.pickup.has_locator = false;
	assert_int_equal(store_order_announce(f->s, "OLDSERVER", &e), 1);
	assert_int_equal(store_order_accept_manifest(f->s, "OLDSERVER", json, sizeof(json) - 1, sig,
						     sizeof(sig), &m, &e),
			 -1);
	assert_non_null(strstr(e.msg, "no pickup.locator"));
}

/* Orders from before schema 3 have no locator: found while they can still
 * be picked up, never scanned once they are done. */
static void legacy_orders_without_locator(void **state)
{
	struct fx *f = *state;
	struct pickup_verifier v = verifier_of(CODE), w = verifier_of(OTHER_CODE);
	struct store_order o;
	struct err e = { "" };

	add_order(f, "OLDREADY", &v, true);
	add_order(f, "OLDDONE", &w, true);
	must(store_order_move(f->s, "OLDDONE", ORDER_READY, ORDER_CANCELLED, "test", NULL, &e), &e,
	     "cancel");
	raw_exec(f, "UPDATE orders SET pickup_locator = NULL");
	assert_int_equal(claim(f, CODE, &o, &e), CLAIM_OK);
	assert_string_equal(o.id, "OLDREADY");
	assert_int_equal(claim(f, OTHER_CODE, &o, &e), CLAIM_WRONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(code_finds_only_its_locator, setup, teardown),
		cmocka_unit_test_setup_teardown(candidates_are_one_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_code_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(legacy_orders_without_locator, setup, teardown),
		cmocka_unit_test_setup_teardown(manifest_without_locator_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
