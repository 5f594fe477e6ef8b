// SPDX-License-Identifier: GPL-2.0-or-later
/* scan_code: typed codes and the pickup QR payload are read; the rest refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scan_code.h"

#define SHOP 1001

static enum scan_code_verdict parse(const char *text, char *digits, struct err *e)
{
	return scan_code_parse(text, SHOP, digits, e);
}

static void typed_codes(void **state)
{
	static const char *const good[] = {
		"123456789012", "1234-5678-9012", "1234 5678 9012", "12-34-56-78-90-12",
	};
	char d[PICKUP_CODE_DIGITS + 1];
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(parse(good[i], d, &e), SCAN_CODE_OK);
		assert_string_equal(d, "123456789012");
	}
	assert_int_equal(parse("12345678901", d, &e), SCAN_CODE_NOT_A_CODE);
	assert_string_equal(d, "");
	assert_int_equal(parse("1234567890123", d, &e), SCAN_CODE_NOT_A_CODE);
	assert_int_equal(parse("1234-5678-9012-", d, &e), SCAN_CODE_NOT_A_CODE);
	assert_int_equal(parse("4901234567894", d, &e), SCAN_CODE_NOT_A_CODE); /* a JAN code */
	assert_int_equal(parse("https://example.com/p/123456789012", d, &e), SCAN_CODE_NOT_A_CODE);
	assert_non_null(strstr(e.msg, "neither 12 digits"));
	assert_null(strstr(e.msg, "123456789012")); /* the log never holds a code */
}

static void qr_payload(void **state)
{
	char d[PICKUP_CODE_DIGITS + 1], qr[SCAN_CODE_QR_MAX + 1];
	struct err e;

	(void)state;
	assert_int_equal(scan_code_qr_format(SHOP, "123456789012", qr, &e), 0);
	assert_string_equal(qr, "TENPO-P1-1001-123456789012-50");
	assert_int_equal(parse(qr, d, &e), SCAN_CODE_OK);
	assert_string_equal(d, "123456789012");
	/* the longest payload fits SCAN_CODE_QR_MAX */
	assert_int_equal(scan_code_qr_format(16777215, "999999999999", qr, &e), 0);
	assert_string_equal(qr, "TENPO-P1-16777215-999999999999-57");
	assert_int_equal(strlen(qr), SCAN_CODE_QR_MAX);
	assert_int_equal(scan_code_parse(qr, 16777215, d, &e), SCAN_CODE_OK);
	/* a check below 10 keeps its leading zero */
	for (unsigned s = 1; s < 200; s++) {
		assert_int_equal(scan_code_qr_format(s, "000000000042", qr, &e), 0);
		assert_int_equal(strlen(qr), 9 + (s < 10 ? 1 : s < 100 ? 2 : 3) + 1 + 12 + 1 + 2);
		assert_int_equal(scan_code_parse(qr, s, d, &e), SCAN_CODE_OK);
	}
	assert_int_equal(scan_code_qr_format(0, "123456789012", qr, &e), -1);
	assert_int_equal(scan_code_qr_format(16777216, "123456789012", qr, &e), -1);
	assert_int_equal(scan_code_qr_format(SHOP, "12345678901a", qr, &e), -1);
	assert_int_equal(scan_code_qr_format(SHOP, "1234567890123", qr, &e), -1);
}

static void qr_damaged_and_wrong_shop(void **state)
{
	static const struct {
		const char *text;
		enum scan_code_verdict want;
		const char *why;
	} bad[] = {
		{ "TENPO-P1-1001-123456789012-51", SCAN_CODE_DAMAGED, "check does not match" },
		{ "TENPO-P1-1001-123456789013-50", SCAN_CODE_DAMAGED, "check does not match" },
		{ "TENPO-P1-1001-213456789012-50", SCAN_CODE_DAMAGED, "check does not match" },
		{ "TENPO-P1-1010-123456789012-50", SCAN_CODE_DAMAGED, "check does not match" },
		{ "TENPO-P1-1001-12345678901-50", SCAN_CODE_DAMAGED, "not 12 digits" },
		{ "TENPO-P1-01001-123456789012-50", SCAN_CODE_DAMAGED, "not a shop ID" },
		{ "TENPO-P1-+1001-123456789012-50", SCAN_CODE_DAMAGED, "not a shop ID" },
		{ "TENPO-P1--123456789012-50", SCAN_CODE_DAMAGED, "not a shop ID" },
		{ "TENPO-P1-16777216-123456789012-50", SCAN_CODE_DAMAGED, "24 bits" },
		{ "TENPO-P1-1001-123456789012-5", SCAN_CODE_DAMAGED, "not 2 digits" },
		{ "TENPO-P1-1001-123456789012", SCAN_CODE_DAMAGED, "4 fields" },
		{ "TENPO-P1-1001-123456789012-50-", SCAN_CODE_DAMAGED, "4 fields" },
		{ "TENPO-P1-1001-1234-5678-9012-50", SCAN_CODE_DAMAGED, "4 fields" },
		{ "TENPO-P1-1002-123456789012-94", SCAN_CODE_WRONG_SHOP, "shop 1002, this is shop 1001" },
		{ "TENPO-P2-1001-123456789012-50", SCAN_CODE_VERSION, "version 2" },
		{ "TENPO-P12-anything", SCAN_CODE_VERSION, "version 12" },
		{ "TENPO-", SCAN_CODE_NOT_A_CODE, "without a version" },
		{ "TENPO-X1-1001-123456789012-50", SCAN_CODE_NOT_A_CODE, "without a version" },
		{ "tenpo-p1-1001-123456789012-50", SCAN_CODE_NOT_A_CODE, "neither" },
		{ "", SCAN_CODE_GARBAGE, "empty" },
		{ "1234\t5678", SCAN_CODE_GARBAGE, "printable" },
		{ "1234\x80" "5678", SCAN_CODE_GARBAGE, "printable" },
	};
	char d[PICKUP_CODE_DIGITS + 1], longtext[200];
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(d, 'x', sizeof(d));
		enum scan_code_verdict v = parse(bad[i].text, d, &e);

		if (v != bad[i].want || !strstr(e.msg, bad[i].why) || d[0])
			fail_msg("'%s' -> %s '%s' (wanted %s '%s')", bad[i].text,
				 scan_code_verdict_name(v), e.msg, scan_code_verdict_name(bad[i].want),
				 bad[i].why);
	}
	memset(longtext, '1', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	assert_int_equal(parse(longtext, d, &e), SCAN_CODE_GARBAGE);
	assert_non_null(strstr(e.msg, "longer"));
	assert_int_equal(scan_code_parse(NULL, SHOP, d, &e), SCAN_CODE_GARBAGE);
	assert_string_equal(scan_code_verdict_name(SCAN_CODE_WRONG_SHOP), "wrong shop");
}

/* Every single-digit substitution and adjacent transposition is caught. */
static void check_catches_one_slip(void **state)
{
	char d[PICKUP_CODE_DIGITS + 1], qr[SCAN_CODE_QR_MAX + 1], bad[SCAN_CODE_QR_MAX + 1];
	struct err e;
	size_t n;

	(void)state;
	assert_int_equal(scan_code_qr_format(SHOP, "987654321098", qr, &e), 0);
	n = strlen(qr);
	for (size_t i = 9; i < n; i++) {
		if (qr[i] == '-')
			continue;
		for (char c = '0'; c <= '9'; c++) {
			if (c == qr[i] || (i == 9 && c == '0'))
				continue;
			memcpy(bad, qr, n + 1);
			bad[i] = c;
			if (parse(bad, d, &e) == SCAN_CODE_OK)
				fail_msg("%s accepted", bad);
		}
		if (i + 1 < n && qr[i + 1] != '-' && qr[i] != qr[i + 1]) {
			memcpy(bad, qr, n + 1);
			bad[i] = qr[i + 1];
			bad[i + 1] = qr[i];
			if (parse(bad, d, &e) == SCAN_CODE_OK)
				fail_msg("%s accepted", bad);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(typed_codes),
		cmocka_unit_test(qr_payload),
		cmocka_unit_test(qr_damaged_and_wrong_shop),
		cmocka_unit_test(check_catches_one_slip),
	};

	return cmocka_run_group_tests_name("scan_code", tests, NULL, NULL);
}
