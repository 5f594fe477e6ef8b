// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan_code: the two forms of scan_code.h.  The QR form is split on '-'
 * into exactly five fields and each is checked for its exact shape before
 * any number is read, so no strtoul leniency (signs, spaces, overflow)
 * reaches a verdict.  Every copy of the code's digits is wiped on the way
 * out of a refusal.
 */
#include "scan_code.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <mbedtls/platform_util.h>

#define SHOP_DIGITS 8

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

/* ISO 7064 MOD 97-10: the remainder of the digits followed by "00". */
static unsigned mod97(const char *d, size_t n)
{
	unsigned r = 0;

	for (size_t i = 0; i < n; i++)
		r = (r * 10 + (unsigned)(d[i] - '0')) % 97;
	return r;
}

/* The 20 digits the check covers: shop zero-padded to 8, then the code. */
static void check_input(uint32_t shop, const char *digits, char out[SHOP_DIGITS + PICKUP_CODE_DIGITS])
{
	char pad[SHOP_DIGITS + 1];

	snprintf(pad, sizeof(pad), "%08u", (unsigned)shop);
	memcpy(out, pad, SHOP_DIGITS);
	memcpy(out + SHOP_DIGITS, digits, PICKUP_CODE_DIGITS);
}

static unsigned check_digits(uint32_t shop, const char *digits)
{
	char in[SHOP_DIGITS + PICKUP_CODE_DIGITS + 2];
	unsigned c;

	check_input(shop, digits, in);
	in[SHOP_DIGITS + PICKUP_CODE_DIGITS] = '0';
	in[SHOP_DIGITS + PICKUP_CODE_DIGITS + 1] = '0';
	c = 98 - mod97(in, sizeof(in));
	mbedtls_platform_zeroize(in, sizeof(in));
	return c;
}

int scan_code_qr_format(uint32_t shop_id, const char *digits, char out[SCAN_CODE_QR_MAX + 1],
			struct err *e)
{
	out[0] = '\0';
	if (shop_id < 1 || shop_id > SCAN_CODE_SHOP_MAX)
		return err_fail(e, "scan code: shop %u is outside 1..%u", (unsigned)shop_id,
				SCAN_CODE_SHOP_MAX);
	if (!digits || strnlen(digits, PICKUP_CODE_DIGITS + 1) != PICKUP_CODE_DIGITS ||
	    !all_digits(digits, PICKUP_CODE_DIGITS))
		return err_fail(e, "scan code: a pickup code is %d digits", PICKUP_CODE_DIGITS);
	snprintf(out, SCAN_CODE_QR_MAX + 1, "%sP%d-%u-%.12s-%02u", SCAN_CODE_QR_PREFIX,
		 SCAN_CODE_QR_VERSION, (unsigned)shop_id, digits, check_digits(shop_id, digits));
	return 0;
}

const char *scan_code_verdict_name(enum scan_code_verdict v)
{
	switch (v) {
	case SCAN_CODE_OK:
		return "ok";
	case SCAN_CODE_GARBAGE:
		return "garbage";
	case SCAN_CODE_NOT_A_CODE:
		return "not a code";
	case SCAN_CODE_VERSION:
		return "version";
	case SCAN_CODE_DAMAGED:
		return "damaged";
	case SCAN_CODE_WRONG_SHOP:
		return "wrong shop";
	}
	return "?";
}

static enum scan_code_verdict refuse(char *digits, enum scan_code_verdict v, struct err *e,
				     const char *why)
{
	mbedtls_platform_zeroize(digits, PICKUP_CODE_DIGITS + 1);
	err_fail(e, "scan code: %s", why);
	return v;
}

/* "TENPO-..." with the prefix already seen. */
static enum scan_code_verdict parse_qr(const char *text, size_t len, uint32_t shop_id,
				       char digits[PICKUP_CODE_DIGITS + 1], struct err *e)
{
	const char *field[5];
	size_t flen[5], nf = 0, at = strlen(SCAN_CODE_QR_PREFIX);
	unsigned long shop = 0, check;
	bool extra = false;
	char msg[128];

	/* "P<version>" comes first and is judged first, so a later version
	 * is told apart from damage however its other fields look */
	for (;;) {
		const char *dash = memchr(text + at, '-', len - at);
		size_t n = dash ? (size_t)(dash - (text + at)) : len - at;

		if (nf == 5) {
			extra = true;
			break;
		}
		field[nf] = text + at;
		flen[nf++] = n;
		if (!dash)
			break;
		at += n + 1;
	}
	if (flen[0] < 2 || field[0][0] != 'P' || !all_digits(field[0] + 1, flen[0] - 1))
		return refuse(digits, SCAN_CODE_NOT_A_CODE, e, "TENPO payload without a version");
	if (flen[0] != 2 || field[0][1] != '0' + SCAN_CODE_QR_VERSION) {
		int vlen = flen[0] - 1 < 8 ? (int)flen[0] - 1 : 8;

		snprintf(msg, sizeof(msg), "QR payload version %.*s is not %d", vlen, field[0] + 1,
			 SCAN_CODE_QR_VERSION);
		return refuse(digits, SCAN_CODE_VERSION, e, msg);
	}
	if (nf != 4 || extra)
		return refuse(digits, SCAN_CODE_DAMAGED, e, "QR payload does not have 4 fields");
	if (flen[1] < 1 || flen[1] > SHOP_DIGITS || !all_digits(field[1], flen[1]) ||
	    field[1][0] == '0')
		return refuse(digits, SCAN_CODE_DAMAGED, e, "QR payload's shop is not a shop ID");
	for (size_t i = 0; i < flen[1]; i++)
		shop = shop * 10 + (unsigned long)(field[1][i] - '0');
	if (shop > SCAN_CODE_SHOP_MAX)
		return refuse(digits, SCAN_CODE_DAMAGED, e, "QR payload's shop is beyond 24 bits");
	if (flen[2] != PICKUP_CODE_DIGITS || !all_digits(field[2], flen[2]))
		return refuse(digits, SCAN_CODE_DAMAGED, e, "QR payload's code is not 12 digits");
	if (flen[3] != 2 || !all_digits(field[3], 2))
		return refuse(digits, SCAN_CODE_DAMAGED, e, "QR payload's check is not 2 digits");
	memcpy(digits, field[2], PICKUP_CODE_DIGITS);
	digits[PICKUP_CODE_DIGITS] = '\0';
	check = (unsigned long)(field[3][0] - '0') * 10 + (unsigned long)(field[3][1] - '0');
	if (check != check_digits((uint32_t)shop, digits))
		return refuse(digits, SCAN_CODE_DAMAGED, e, "QR payload's check does not match");
	if (shop != shop_id) {
		snprintf(msg, sizeof(msg), "the code is for shop %lu, this is shop %u", shop,
			 (unsigned)shop_id);
		return refuse(digits, SCAN_CODE_WRONG_SHOP, e, msg);
	}
	return SCAN_CODE_OK;
}

enum scan_code_verdict scan_code_parse(const char *text, uint32_t shop_id,
				       char digits[PICKUP_CODE_DIGITS + 1], struct err *e)
{
	size_t len;

	digits[0] = '\0';
	if (!text)
		return refuse(digits, SCAN_CODE_GARBAGE, e, "no text");
	len = strnlen(text, SCAN_CODE_TEXT_MAX + 1);
	if (len > SCAN_CODE_TEXT_MAX)
		return refuse(digits, SCAN_CODE_GARBAGE, e, "longer than a code");
	if (!len)
		return refuse(digits, SCAN_CODE_GARBAGE, e, "empty");
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] > 0x7e)
			return refuse(digits, SCAN_CODE_GARBAGE, e, "not printable text");
	if (!strncmp(text, SCAN_CODE_QR_PREFIX, strlen(SCAN_CODE_QR_PREFIX)))
		return parse_qr(text, len, shop_id, digits, e);
	if (pickup_normalize(text, digits))
		return refuse(digits, SCAN_CODE_NOT_A_CODE, e,
			      "neither 12 digits nor a pickup QR code");
	return SCAN_CODE_OK;
}
