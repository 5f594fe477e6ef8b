// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * claim_bench: a code entry at the kiosk with many orders stored, for
 * tests/bench/bench_claim.sh.
 *
 *   claim_bench DIR [ORDERS]
 *
 * Makes DIR/tenpo.db, a real store (store_open, its schema and triggers),
 * with one order walked to READY through the store's API with a verifier of
 * PICKUP_DEFAULT_ITERATIONS, then ORDERS - 1 more (default 100 000 in all)
 * copied from it in one SQL transaction: each its own id, random salt, hash
 * and locator, a file row and a transition row, state 'reported' (a year of
 * pickups).  Then times claim_by_code() with a wrong code and with the
 * right one, ROUNDS times each, and one PBKDF2 on its own.  Prints one line:
 *
 *   orders=N wrong_ms=M right_ms=M pbkdf2_ms=M scan_estimate_ms=M
 *
 * (medians; scan_estimate_ms = pbkdf2_ms × N, what trying every stored
 * order cost before the locator) and exits 0, or 1 with the reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "claim.h"
#include "pickup.h"
#include "store.h"

#define ROUNDS 5
#define CODE "4711-0815-4242"
#define WRONG "4711-0815-4243"

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static int fail(const char *what, const char *why)
{
	fprintf(stderr, "claim_bench: %s: %s\n", what, why);
	return 1;
}

static int add_template(struct store *s, struct err *e)
{
	static const char json[] = "{}";
	static const uint8_t sig[] = { 0x30, 0x01 };
	struct manifest_file file = { .size = 700000000, .kind = FILE_VIDEO };
	struct manifest m = { .version = 1, .media = MEDIA_DATA_DVD, .files = &file,
			      .file_count = 1, .total_bytes = 700000000, .issued_at = 1,
			      .expires_at = 4000000000 };

	snprintf(m.order_id, sizeof(m.order_id), "MINE");
	snprintf(m.title, sizeof(m.title), "夜明けの歌");
	snprintf(m.artist, sizeof(m.artist), "Tenpo Ensemble");
	memcpy(m.currency, "JPY", 4);
	snprintf(file.name, sizeof(file.name), "film.avi");
	m.pickup.iterations = PICKUP_DEFAULT_ITERATIONS;
	if (store_order_announce(s, "MINE", e) != 1)
		return -1;
	for (size_t i = 0; i < PICKUP_SALT_LEN; i++)
		m.pickup.salt[i] = (uint8_t)i;
	if (pickup_verifier_compute(CODE, &m.pickup, e) ||
	    store_order_accept_manifest(s, "MINE", json, sizeof(json) - 1, sig, sizeof(sig), &m,
					e) ||
	    store_file_done(s, "MINE", 0, e) ||
	    store_order_move(s, "MINE", ORDER_DOWNLOADING, ORDER_READY, "", NULL, e))
		return -1;
	return 0;
}

/* Copies MINE n - 1 times, every copy with its own verifier and locator. */
static int fill(const char *path, long n)
{
	static const char sql[] =
		"BEGIN IMMEDIATE;"
		"CREATE TEMP TABLE cols AS SELECT group_concat(name) AS c FROM pragma_table_info('orders')"
		" WHERE name NOT IN ('id', 'state', 'pickup_salt', 'pickup_hash', 'pickup_locator');"
		"COMMIT;";
	char *copy = NULL, *err = NULL;
	sqlite3_stmt *st = NULL;
	sqlite3 *db;
	int rc = 1;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return fail(path, sqlite3_errmsg(db));
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT c FROM cols", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		fail("columns", err ? err : sqlite3_errmsg(db));
		goto out;
	}
	copy = sqlite3_mprintf(
		"BEGIN IMMEDIATE;"
		"WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %ld)"
		" INSERT INTO orders (id, state, pickup_salt, pickup_hash, pickup_locator, %s)"
		" SELECT printf('B%%07d', i), 'reported', randomblob(16), randomblob(32),"
		"  abs(random()) %% 65536, %s FROM k, orders WHERE orders.id = 'MINE';"
		"INSERT INTO files SELECT o.id, f.idx, f.name, f.size, f.sha256, f.kind,"
		" f.track_number, f.track_title, f.track_performer, 1, 0"
		" FROM orders o, files f WHERE o.id GLOB 'B*' AND f.order_id = 'MINE';"
		"INSERT INTO transitions (order_id, from_state, to_state, reason, at)"
		" SELECT id, 'erased', 'reported', '', updated_at FROM orders WHERE id GLOB 'B*';"
		"COMMIT;",
		n - 1, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 0));
	if (!copy) {
		fail("fill", "out of memory");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_exec(db, copy, NULL, NULL, &err) != SQLITE_OK) {
		fail("fill", err ? err : sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	sqlite3_free(err);
	sqlite3_free(copy);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

int main(int argc, char **argv)
{
	double wrong[ROUNDS], right[ROUNDS], kdf[ROUNDS];
	struct pickup_verifier v = { .iterations = PICKUP_DEFAULT_ITERATIONS };
	struct store *s = NULL;
	struct err e = { "" };
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 100000;
	char path[4096];

	if (argc < 2 || n < 1) {
		fprintf(stderr, "usage: claim_bench DIR [ORDERS]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/tenpo.db", argv[1]);
	remove(path);
	if (store_create(path, &e) < 0 || store_open(&s, path, &e) || add_template(s, &e))
		return fail(path, e.msg);
	if (n > 1 && fill(path, n))
		return 1;
	for (int r = 0; r < ROUNDS; r++) {
		struct store_order o;
		int64_t wait_s;
		double t0;

		t0 = now_ms();
		if (claim_by_code(s, WRONG, time(NULL), &o, &wait_s, &e) != CLAIM_WRONG)
			return fail("wrong code", e.msg);
		wrong[r] = now_ms() - t0;
		t0 = now_ms();
		if (claim_by_code(s, CODE, time(NULL), &o, &wait_s, &e) != CLAIM_OK)
			return fail("right code", e.msg);
		right[r] = now_ms() - t0;
		if (store_order_move(s, "MINE", ORDER_CLAIMED, ORDER_READY, "bench", NULL, &e))
			return fail("back to ready", e.msg);
		t0 = now_ms();
		if (pickup_verifier_compute(CODE, &v, &e))
			return fail("pbkdf2", e.msg);
		kdf[r] = now_ms() - t0;
	}
	store_close(s);
	{
		double k = median(kdf, ROUNDS);

		printf("orders=%ld wrong_ms=%.1f right_ms=%.1f pbkdf2_ms=%.1f scan_estimate_ms=%.0f\n",
		       n, median(wrong, ROUNDS), median(right, ROUNDS), k, k * (double)n);
	}
	return 0;
}
