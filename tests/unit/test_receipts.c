// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * receipts: the day's printed documents on disk — stored and loaded back
 * byte for byte, listed oldest first, replaced when stored again, kept per
 * JST day, pruned after N days, and hostile names refused before any path
 * is made.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "receipts.h"
#include "scratch.h"

#define T_WHEN 1796187900 /* 2026-12-02 05:05 UTC, 14:05 in Japan */

static int setup(void **state)
{
	char *dir = malloc(256);

	if (!dir || scratch_make(dir, 256, "receipts"))
		return -1;
	*state = dir;
	return 0;
}

static int teardown(void **state)
{
	scratch_remove(*state);
	free(*state);
	return 0;
}

static void must(int rc, const struct err *e)
{
	if (rc)
		fail_msg("%s", e->msg);
}

static void jst_day(void **state)
{
	char d[11];

	(void)state;
	receipts_day(T_WHEN, d);
	assert_string_equal(d, "2026-12-02");
	/* 15:00 UTC is midnight in Japan: the next day already */
	receipts_day(1796223600, d);
	assert_string_equal(d, "2026-12-03");
	receipts_day(1796223599, d);
	assert_string_equal(d, "2026-12-02");
	receipts_day(0, d);
	assert_string_equal(d, "1970-01-01");
	receipts_day(951782400, d); /* 2000-02-29 00:00 UTC */
	assert_string_equal(d, "2000-02-29");
}

static void store_load_list(void **state)
{
	const char *dir = *state;
	static const uint8_t a[] = { 0x1b, 0x40, 'A', 0x00, 0xff, '\n' };
	static const uint8_t b[] = { 0x1b, 0x40, 'B' };
	struct receipts_entry ents[RECEIPTS_LIST_MAX];
	char path[512];
	uint8_t *got;
	size_t len, n;
	struct err e = { "" };

	must(receipts_store(dir, T_WHEN, "K7Q2-M9X4", "receipt", a, sizeof(a), &e), &e);
	must(receipts_store(dir, T_WHEN, "TEST_1405", "test", b, sizeof(b), &e), &e);
	snprintf(path, sizeof(path), "%s/2026-12-02/K7Q2-M9X4-receipt.bin", dir);
	assert_int_equal(access(path, R_OK), 0);
	/* oldest first: make the first the older one for sure */
	{
		struct timeval tv[2] = { { T_WHEN - 60, 0 }, { T_WHEN - 60, 0 } };

		assert_int_equal(utimes(path, tv), 0);
	}
	must(receipts_load(dir, T_WHEN, "K7Q2-M9X4", "receipt", &got, &len, &e), &e);
	assert_int_equal(len, sizeof(a));
	assert_memory_equal(got, a, sizeof(a));
	free(got);
	must(receipts_list(dir, T_WHEN, ents, RECEIPTS_LIST_MAX, &n, &e), &e);
	assert_int_equal(n, 2);
	assert_string_equal(ents[0].key, "K7Q2-M9X4");
	assert_string_equal(ents[0].kind, "receipt");
	assert_int_equal(ents[0].size, sizeof(a));
	assert_string_equal(ents[1].key, "TEST_1405");
	assert_string_equal(ents[1].kind, "test");
	/* the cap keeps the newest */
	must(receipts_list(dir, T_WHEN, ents, 1, &n, &e), &e);
	assert_int_equal(n, 1);
	assert_string_equal(ents[0].key, "TEST_1405");
	/* stored again: replaced, not added */
	must(receipts_store(dir, T_WHEN, "K7Q2-M9X4", "receipt", b, sizeof(b), &e), &e);
	must(receipts_load(dir, T_WHEN, "K7Q2-M9X4", "receipt", &got, &len, &e), &e);
	assert_int_equal(len, sizeof(b));
	assert_memory_equal(got, b, sizeof(b));
	free(got);
	must(receipts_list(dir, T_WHEN, ents, RECEIPTS_LIST_MAX, &n, &e), &e);
	assert_int_equal(n, 2);
	/* another day has none, and nothing of today's */
	must(receipts_list(dir, T_WHEN + 86400, ents, RECEIPTS_LIST_MAX, &n, &e), &e);
	assert_int_equal(n, 0);
	assert_int_equal(receipts_load(dir, T_WHEN + 86400, "K7Q2-M9X4", "receipt", &got, &len, &e),
			 -1);
	assert_null(got);
	assert_non_null(strstr(e.msg, "no receipt K7Q2-M9X4 today"));
}

static void leftovers_skipped(void **state)
{
	const char *dir = *state;
	static const uint8_t a[] = { 'x' };
	struct receipts_entry ents[8];
	char path[512];
	size_t n;
	FILE *f;
	struct err e = { "" };

	must(receipts_store(dir, T_WHEN, "ORDER1", "receipt", a, 1, &e), &e);
	/* a temporary file of a store cut short, and names of no document */
	static const char *const junk[] = { "ORDER2-receipt.bin.tmp", "noextension",
					    "-receipt.bin",	      "ORDER3-.bin",
					    "ORDER4-Receipt.bin",     ".bin" };
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		snprintf(path, sizeof(path), "%s/2026-12-02/%s", dir, junk[i]);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs("junk", f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/2026-12-02/DIR-receipt.bin", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	must(receipts_list(dir, T_WHEN, ents, 8, &n, &e), &e);
	assert_int_equal(n, 1);
	assert_string_equal(ents[0].key, "ORDER1");
}

static void hostile_names(void **state)
{
	const char *dir = *state;
	static const uint8_t a[] = { 'x' };
	static const char *const keys[] = {
		"", "../../etc/passwd", "a/b", "a.b", "a b", "ａ", "x\n", NULL
	};
	static const char *const kinds[] = { "",      "Receipt",	   "re-ceipt", "../x",
					     "a.bin", "averyverylongkind", NULL };
	char big[RECEIPTS_KEY_MAX + 2];
	uint8_t *got = (uint8_t *)"not touched";
	size_t len;
	struct err e = { "" };

	for (size_t i = 0; keys[i]; i++) {
		assert_false(receipts_name_ok(keys[i], "receipt"));
		assert_int_equal(receipts_store(dir, T_WHEN, keys[i], "receipt", a, 1, &e), -1);
		assert_non_null(strstr(e.msg, "is not a document's name"));
		assert_int_equal(receipts_load(dir, T_WHEN, keys[i], "receipt", &got, &len, &e),
				 -1);
		assert_null(got);
	}
	for (size_t i = 0; kinds[i]; i++) {
		assert_false(receipts_name_ok("ORDER", kinds[i]));
		assert_int_equal(receipts_store(dir, T_WHEN, "ORDER", kinds[i], a, 1, &e), -1);
	}
	assert_false(receipts_name_ok(NULL, "receipt"));
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_false(receipts_name_ok(big, "receipt"));
	big[sizeof(big) - 2] = '\0';
	assert_true(receipts_name_ok(big, "receipt"));
	/* nothing was made for the refused names */
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/2026-12-02", dir);
		assert_int_equal(access(path, F_OK), -1);
	}
	/* sizes: empty and over the cap */
	assert_int_equal(receipts_store(dir, T_WHEN, "ORDER", "receipt", a, 0, &e), -1);
	assert_int_equal(
		receipts_store(dir, T_WHEN, "ORDER", "receipt", a, RECEIPTS_FILE_MAX + 1, &e), -1);
	assert_non_null(strstr(e.msg, "1..1048576 bytes"));
}

static void store_fails_in_a_file(void **state)
{
	const char *dir = *state;
	static const uint8_t a[] = { 'x' };
	char notdir[512];
	FILE *f;
	struct err e = { "" };

	snprintf(notdir, sizeof(notdir), "%s/file", dir);
	f = fopen(notdir, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(receipts_store(notdir, T_WHEN, "ORDER", "receipt", a, 1, &e), -1);
	assert_non_null(strstr(e.msg, "receipts: "));
}

static void prune_old_days(void **state)
{
	const char *dir = *state;
	static const uint8_t a[] = { 'x' };
	struct receipts_entry ents[4];
	unsigned removed = 99;
	char path[512];
	size_t n;
	struct err e = { "" };

	for (int d = 0; d < 10; d++)
		must(receipts_store(dir, T_WHEN - d * 86400, "ORDER", "receipt", a, 1, &e), &e);
	/* not a day's folder: left alone */
	snprintf(path, sizeof(path), "%s/2001-01-01x", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/preview.png", dir);
	fclose(fopen(path, "w"));
	assert_int_equal(receipts_prune(dir, T_WHEN, 0, &removed, &e), -1);
	must(receipts_prune(dir, T_WHEN, 7, &removed, &e), &e);
	assert_int_equal(removed, 3);
	for (int d = 0; d < 10; d++) {
		must(receipts_list(dir, T_WHEN - d * 86400, ents, 4, &n, &e), &e);
		assert_int_equal(n, d < 7 ? 1 : 0);
	}
	snprintf(path, sizeof(path), "%s/2001-01-01x", dir);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/preview.png", dir);
	assert_int_equal(access(path, F_OK), 0);
	must(receipts_prune(dir, T_WHEN, 1, &removed, &e), &e);
	assert_int_equal(removed, 6);
	must(receipts_list(dir, T_WHEN, ents, 4, &n, &e), &e);
	assert_int_equal(n, 1);
	/* no folder yet: nothing to do */
	must(receipts_prune("/nonexistent/receipts", T_WHEN, 7, &removed, &e), &e);
	assert_int_equal(removed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jst_day),
		cmocka_unit_test_setup_teardown(store_load_list, setup, teardown),
		cmocka_unit_test_setup_teardown(leftovers_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_names, setup, teardown),
		cmocka_unit_test_setup_teardown(store_fails_in_a_file, setup, teardown),
		cmocka_unit_test_setup_teardown(prune_old_days, setup, teardown),
	};

	return cmocka_run_group_tests_name("receipts", tests, NULL, NULL);
}
