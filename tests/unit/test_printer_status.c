// SPDX-License-Identifier: GPL-2.0-or-later
/* printer_status: each DLE EOT answer's bits; an unanswered query is unknown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "printer_status.h"

static struct printer_status one(unsigned n, uint8_t b)
{
	struct printer_status s;

	printer_status_init(&s);
	assert_int_equal(printer_status_apply(&s, n, &b, 1), 0);
	return s;
}

static void query_bytes(void **state)
{
	uint8_t q[PRINTER_STATUS_QUERY_LEN];

	(void)state;
	printer_status_query(4, q);
	assert_memory_equal(q, "\x10\x04\x04", 3);
}

static void printer_status_n1(void **state)
{
	(void)state;
	assert_int_equal(one(1, 0x12).online, PRINTER_YES);
	assert_int_equal(one(1, 0x1a).online, PRINTER_NO);
	assert_int_equal(one(1, 0x16).online, PRINTER_YES); /* drawer pin: not ours */
	assert_int_equal(one(1, 0x12).paper_out, PRINTER_UNKNOWN);
}

static void offline_cause_n2(void **state)
{
	struct printer_status s = one(2, 0x12);

	(void)state;
	assert_int_equal(s.cover_open, PRINTER_NO);
	assert_int_equal(s.paper_out, PRINTER_UNKNOWN);
	assert_int_equal(s.error, PRINTER_UNKNOWN);
	assert_int_equal(one(2, 0x16).cover_open, PRINTER_YES);
	assert_int_equal(one(2, 0x32).paper_out, PRINTER_YES);
	assert_int_equal(one(2, 0x52).error, PRINTER_YES);
	assert_int_equal(one(2, 0x1a).cover_open, PRINTER_NO); /* feed button */
}

static void error_cause_n3(void **state)
{
	(void)state;
	assert_int_equal(one(3, 0x12).error, PRINTER_NO);
	assert_int_equal(one(3, 0x16).error, PRINTER_YES);
	assert_int_equal(one(3, 0x1a).error, PRINTER_YES);
	assert_int_equal(one(3, 0x32).error, PRINTER_YES);
	assert_int_equal(one(3, 0x52).error, PRINTER_YES);
}

static void roll_paper_n4(void **state)
{
	struct printer_status s = one(4, 0x12);

	(void)state;
	assert_int_equal(s.paper_near_end, PRINTER_NO);
	assert_int_equal(s.paper_out, PRINTER_NO);
	assert_int_equal(one(4, 0x1e).paper_near_end, PRINTER_YES);
	assert_int_equal(one(4, 0x1a).paper_near_end, PRINTER_YES); /* bit 3 alone */
	assert_int_equal(one(4, 0x72).paper_out, PRINTER_YES);
	assert_int_equal(one(4, 0x72).paper_near_end, PRINTER_NO);
	assert_int_equal(one(4, 0x32).paper_out, PRINTER_YES);
}

static void full_reading(void **state)
{
	static const uint8_t fine[4] = { 0x12, 0x12, 0x12, 0x12 };
	static const uint8_t paper[4] = { 0x1a, 0x32, 0x12, 0x7e };
	struct printer_status s;
	char text[PRINTER_STATUS_TEXT_MAX];

	(void)state;
	printer_status_init(&s);
	for (unsigned n = 1; n <= 4; n++)
		assert_int_equal(printer_status_apply(&s, n, &fine[n - 1], 1), 0);
	assert_true(printer_status_ready(&s));
	assert_false(printer_status_blocked(&s));
	printer_status_describe(&s, text);
	assert_string_equal(text, "ready");

	printer_status_init(&s);
	for (unsigned n = 1; n <= 4; n++)
		printer_status_apply(&s, n, &paper[n - 1], 1);
	assert_false(printer_status_ready(&s));
	assert_true(printer_status_blocked(&s));
	printer_status_describe(&s, text);
	assert_string_equal(text, "offline, paper out, paper near end");

	/* n=2 said error, n=3 no cause: still an error within one reading */
	printer_status_init(&s);
	printer_status_apply(&s, 2, (const uint8_t *)"\x52", 1);
	printer_status_apply(&s, 3, (const uint8_t *)"\x12", 1);
	assert_int_equal(s.error, PRINTER_YES);
}

static void unanswered_is_unknown(void **state)
{
	struct printer_status s;
	char text[PRINTER_STATUS_TEXT_MAX];

	(void)state;
	printer_status_init(&s);
	for (unsigned n = 1; n <= 4; n++)
		assert_int_equal(printer_status_apply(&s, n, NULL, 0), -1);
	assert_true(printer_status_unknown(&s));
	assert_false(printer_status_ready(&s));
	assert_false(printer_status_blocked(&s));
	printer_status_describe(&s, text);
	assert_string_equal(text, "status unknown (no answer)");
	/* wrong fixed bits, two bytes, a query out of range: no answer */
	assert_int_equal(printer_status_apply(&s, 1, (const uint8_t *)"\x00", 1), -1);
	assert_int_equal(printer_status_apply(&s, 1, (const uint8_t *)"\xff", 1), -1);
	assert_int_equal(printer_status_apply(&s, 1, (const uint8_t *)"\x13", 1), -1);
	assert_int_equal(printer_status_apply(&s, 1, (const uint8_t *)"\x12\x12", 2), -1);
	assert_int_equal(printer_status_apply(&s, 5, (const uint8_t *)"\x12", 1), -1);
	assert_true(printer_status_unknown(&s));
	/* only n=1 answered: online, but not "ready" */
	printer_status_apply(&s, 1, (const uint8_t *)"\x12", 1);
	assert_false(printer_status_ready(&s));
	printer_status_describe(&s, text);
	assert_string_equal(text, "status partly unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(query_bytes),
		cmocka_unit_test(printer_status_n1),
		cmocka_unit_test(offline_cause_n2),
		cmocka_unit_test(error_cause_n3),
		cmocka_unit_test(roll_paper_n4),
		cmocka_unit_test(full_reading),
		cmocka_unit_test(unanswered_is_unknown),
	};

	return cmocka_run_group_tests_name("printer_status", tests, NULL, NULL);
}
