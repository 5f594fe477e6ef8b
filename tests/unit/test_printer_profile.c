// SPDX-License-Identifier: GPL-2.0-or-later
/* printer_profile: the shipped profiles load; each kind of bad line is
 * refused with its line number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "printer_profile.h"
#include "scratch.h"

static const char *top(void)
{
	const char *t = getenv("TENPO_TOP");

	return t ? t : ".";
}

static void shipped_profiles_load(void **state)
{
	char dir[1024];
	struct printer_profile p;
	struct err e;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/drivers/profiles", top());
	assert_int_equal(printer_profile_find(&p, dir, "generic-80mm", &e), 0);
	assert_string_equal(p.name, "generic-80mm");
	assert_int_equal(p.dots, 576);
	assert_int_equal(p.columns_a, 48);
	assert_int_equal(p.columns_b, 64);
	assert_int_equal(p.kanji, PRINTER_KANJI_SJIS);
	assert_int_equal(p.qr, PRINTER_QR_NATIVE);
	assert_true(p.code128);
	assert_int_not_equal(p.cutter, PRINTER_CUT_NONE);

	assert_int_equal(printer_profile_find(&p, dir, "generic-58mm", &e), 0);
	assert_int_equal(p.dots, 384);
	assert_int_equal(p.columns_a, 32);
	assert_int_equal(p.columns_b, 42);
	assert_int_equal(p.kanji, PRINTER_KANJI_SJIS);
	assert_int_equal(p.qr, PRINTER_QR_NATIVE);

	assert_int_equal(printer_profile_find(&p, dir, "basic-58mm", &e), 0);
	assert_int_equal(p.kanji, PRINTER_KANJI_NONE);
	assert_int_equal(p.qr, PRINTER_QR_RASTER);
	assert_false(p.code128);
	assert_int_equal(p.cutter, PRINTER_CUT_NONE);

	assert_int_equal(printer_profile_find(&p, dir, "../profiles/generic-80mm", &e), -1);
	assert_non_null(strstr(e.msg, "not a profile name"));
	assert_int_equal(printer_profile_find(&p, dir, "missing", &e), -1);
	assert_non_null(strstr(e.msg, "missing.conf"));
}

#define GOOD "name = t\nmodel = test\npaper_mm = 80\ndots = 576\ncolumns_a = 48\n" \
	     "columns_b = 64\nkanji = sjis\nqr = native\ncode128 = yes\ncutter = full\n" \
	     "cut_feed = 3\n"

static void bad_lines_refused(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ GOOD "colour = red\n", "t:12: unknown key 'colour'" },
		{ GOOD "dots = 576\n", "t:12: dots given twice" },
		{ GOOD "code_page = 12x\n", "t:12: code_page is a whole number" },
		{ GOOD "code_page = -1\n", "t:12: code_page is a whole number" },
		{ GOOD "code_page = 0x10\n", "t:12: code_page is a whole number" },
		{ GOOD "code_page = 256\n", "t:12: code_page is a whole number 0..255" },
		{ GOOD "code_page = 99999999999999999999\n", "t:12: code_page" },
		{ GOOD "code_page =\n", "t:12: code_page has no value" },
		{ GOOD "code_page 1\n", "t:12: expected 'key = value'" },
		{ "name = T\n", "t:1: name is 1..31" },
		{ "kanji = jis\n", "t:1: kanji 'jis' is not one of none, sjis" },
		{ "cutter = yes\n", "t:1: cutter 'yes' is not one of none, partial, full" },
		{ "model = a\x1b[2J\n", "t:1: control character" },
		{ "name = t\nmodel = test\n", "t: paper_mm is required" },
		{ "name = t\nmodel = test\npaper_mm = 80\ndots = 575\ncolumns_a = 48\n"
		  "columns_b = 64\nkanji = sjis\nqr = native\ncode128 = yes\ncutter = full\n"
		  "cut_feed = 3\n", "t: dots 575 is not a multiple of 8" },
		{ "name = t\nmodel = test\npaper_mm = 58\ndots = 384\ncolumns_a = 48\n"
		  "columns_b = 64\nkanji = sjis\nqr = native\ncode128 = yes\ncutter = full\n"
		  "cut_feed = 3\n", "columns do not fit 384 dots" },
		{ "name = t\nmodel = test\npaper_mm = 58\ndots = 576\ncolumns_a = 48\n"
		  "columns_b = 64\nkanji = sjis\nqr = native\ncode128 = yes\ncutter = full\n"
		  "cut_feed = 3\n", "do not fit 58 mm paper" },
	};
	char longline[400];
	struct printer_profile p;
	struct err e;

	(void)state;
	assert_int_equal(printer_profile_parse(&p, GOOD, strlen(GOOD), "t", &e), 0);
	assert_int_equal(p.cutter, PRINTER_CUT_FULL);
	assert_int_equal(p.cut_feed, 3);
	assert_int_equal(p.code_page, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!printer_profile_parse(&p, bad[i].text, strlen(bad[i].text), "t", &e) ||
		    !strstr(e.msg, bad[i].want))
			fail_msg("%s -> '%s' (wanted %s)", bad[i].text, e.msg, bad[i].want);
		assert_int_equal(p.dots, 0);   /* zeroed on failure */
	}
	/* an over-long line is refused, not cut into two */
	memset(longline, ' ', sizeof(longline));
	memcpy(longline, "name = t\nmodel = ", 17);
	memcpy(longline + sizeof(longline) - 11, "\ndots = 576", 11);
	assert_int_equal(printer_profile_parse(&p, longline, sizeof(longline), "t", &e), -1);
	assert_non_null(strstr(e.msg, "t:2: line longer than 255"));
	assert_int_equal(printer_profile_parse(&p, "name = t\0\n", 10, "t", &e), -1);
	assert_non_null(strstr(e.msg, "t:1: NUL"));
}

static void name_must_match_file(void **state)
{
	char dir[512], path[600];
	struct printer_profile p;
	struct err e;
	FILE *f;

	(void)state;
	assert_int_equal(scratch_make(dir, sizeof(dir), "profile"), 0);
	snprintf(path, sizeof(path), "%s/other.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(GOOD, f);
	fclose(f);
	assert_int_equal(printer_profile_find(&p, dir, "other", &e), -1);
	assert_non_null(strstr(e.msg, "name is 't', not 'other'"));
	snprintf(path, sizeof(path), "%s/t.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(GOOD "# a comment\n\n   \n", f);
	fclose(f);
	assert_int_equal(printer_profile_find(&p, dir, "t", &e), 0);
	assert_int_equal(p.dots, 576);
	scratch_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_profiles_load),
		cmocka_unit_test(bad_lines_refused),
		cmocka_unit_test(name_must_match_file),
	};

	return cmocka_run_group_tests_name("printer_profile", tests, NULL, NULL);
}
