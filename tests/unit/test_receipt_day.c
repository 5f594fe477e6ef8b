// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * receipt_day: the close-of-day sheet's bytes — ESC @ first, the day in
 * Japan's time, each total on its row with the yen sign the printer has,
 * the cut last — and its refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "receipt_day.h"

static struct printer_profile p80;

static int load(void **state)
{
	const char *top = getenv("TENPO_TOP");
	char dir[1024];
	struct err e;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/drivers/profiles", top ? top : ".");
	if (printer_profile_find(&p80, dir, "generic-80mm", &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	return 0;
}

/* 2026-12-02 00:00 JST */
#define DAY 1796137200

static bool has(const unsigned char *d, size_t n, const char *text)
{
	return memmem(d, n, text, strlen(text)) != NULL;
}

static void sheet_bytes(void **state)
{
	struct day_info di = { .shop_name = "Tenpo Shibuya", .from = DAY, .to = DAY + 86400,
			       .printed = DAY + 75900, .discs_written = 7, .blanks_ruined = 2,
			       .register_count = 3, .register_yen = 3600, .prepaid_count = 4,
			       .prepaid_yen = 6000, .fees_yen = 9600 };
	const unsigned char *d;
	struct escpos b;
	struct err e = { "" };
	size_t n = 0;

	(void)state;
	escpos_init(&b, &p80, 0);
	if (day_encode(&p80, &di, &b, &e))
		fail_msg("%s", e.msg);
	d = escpos_data(&b, &n);
	assert_true(n > 40);
	assert_memory_equal(d, "\x1b\x40", 2);
	assert_true(has(d, n, "CLOSE OF DAY"));
	assert_true(has(d, n, "Tenpo Shibuya"));
	assert_true(has(d, n, "2026-12-02 00:00 - 2026-12-03 00:00"));
	assert_true(has(d, n, "Discs written"));
	assert_true(has(d, n, "Register (3)"));
	assert_true(has(d, n, "Prepaid (4)"));
	assert_true(has(d, n, "printed 2026-12-02 21:05"));
	/* PC437's yen sign, thousands separators */
	assert_true(has(d, n, "\x9d" "3,600"));
	assert_true(has(d, n, "\x9d" "9,600"));
	/* the cut is last: GS V 0 or 1 */
	assert_int_equal(d[n - 3], 0x1d);
	assert_int_equal(d[n - 2], 'V');
	escpos_free(&b);
}

static void sheet_refusals(void **state)
{
	struct day_info di = { .shop_name = "", .from = DAY, .to = DAY + 86400 };
	struct escpos b;
	struct err e = { "" };

	(void)state;
	escpos_init(&b, &p80, 0);
	assert_int_equal(day_encode(&p80, &di, &b, &e), -1);
	di.shop_name = "T";
	di.to = DAY;
	assert_int_equal(day_encode(&p80, &di, &b, &e), -1);
	di.to = DAY + 86400;
	di.fees_yen = -1;
	assert_int_equal(day_encode(&p80, &di, &b, &e), -1);
	assert_string_equal(e.msg, "day sheet: a negative amount");
	escpos_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sheet_bytes),
		cmocka_unit_test(sheet_refusals),
	};

	return cmocka_run_group_tests_name("receipt_day", tests, load, NULL);
}
