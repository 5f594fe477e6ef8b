// SPDX-License-Identifier: GPL-2.0-or-later
#include "slip.h"

#include <stdint.h>
#include <string.h>

#include "digest.h"
#include "order.h"

#define DIGEST_FIELD (SLIP_ORDER_MAX - 1) /* base32 characters after the "." */

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int slip_order_field(const char *order_id, char out[SLIP_ORDER_MAX + 1])
{
	uint8_t sum[DIGEST_LEN];
	unsigned bits = 0, acc = 0;
	size_t o = 0;

	out[0] = '\0';
	if (!order_id || !order_id_ok(order_id))
		return -1;
	if (strlen(order_id) <= SLIP_ORDER_MAX) {
		memcpy(out, order_id, strlen(order_id) + 1);
		return 0;
	}
	digest_sha256(order_id, strlen(order_id), sum);
	out[o++] = '.';
	for (size_t i = 0; o < SLIP_ORDER_MAX; ) {
		if (bits < 5) {
			acc = (acc << 8) | sum[i++];
			bits += 8;
		}
		bits -= 5;
		out[o++] = crockford[(acc >> bits) & 31];
	}
	out[o] = '\0';
	return 0;
}

/* A field slip_order_field() can have written. */
static bool order_field_ok(const char *f)
{
	size_t n = strlen(f);

	if (f[0] != '.')
		return n <= SLIP_ORDER_MAX && order_id_ok(f);
	if (n != 1 + DIGEST_FIELD)
		return false;
	for (size_t i = 1; i < n; i++)
		if (!strchr(crockford, f[i]))
			return false;
	return true;
}

bool slip_looks_like(const char *text)
{
	return text && text[0] == 'T' && text[1] == 'P' && text[2] >= '0' && text[2] <= '9';
}

/* n digits at p, or -1. */
static int digits(const char *p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil), so that no TZ or mktime() is involved. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

int slip_parse(const char *text, struct slip_code *out, struct err *e)
{
	size_t n = text ? strnlen(text, SLIP_PAYLOAD_MAX) : 0;
	int yy, mo, dd, hh, mi;
	long long amount;
	int hi, lo;

	memset(out, 0, sizeof(*out));
	if (!text || n < 2 || text[0] != 'T' || text[1] != 'P')
		return err_fail(e, "slip: not a payment slip (it starts with TP)");
	if (n >= SLIP_PAYLOAD_MAX)
		return err_fail(e, "slip: longer than %d characters", SLIP_PAYLOAD_MAX - 1);
	if (n < 2 + 10 + 6 + 1)
		return err_fail(e, "slip: too short (%zu characters)", n);
	yy = digits(text + 2, 2);
	mo = digits(text + 4, 2);
	dd = digits(text + 6, 2);
	hh = digits(text + 8, 2);
	mi = digits(text + 10, 2);
	if (yy < 0 || mo < 0 || dd < 0 || hh < 0 || mi < 0)
		return err_fail(e, "slip: the expiry is not 10 digits");
	if (mo < 1 || mo > 12 || dd < 1 || dd > days_in_month(2000 + yy, mo) || hh > 23 ||
	    mi > 59)
		return err_fail(e, "slip: the expiry %.10s is not a date and time", text + 2);
	hi = digits(text + 12, 3);
	lo = digits(text + 15, 3);
	if (hi < 0 || lo < 0)
		return err_fail(e, "slip: the amount is not 6 digits");
	amount = (long long)hi * 1000 + lo;
	if (amount < 1)
		return err_fail(e, "slip: the amount is zero");
	if (!order_field_ok(text + 18))
		return err_fail(e, "slip: the order is neither 1..%d of [A-Za-z0-9_-] nor "
				"a reference (\".\" and %d of base32)",
				SLIP_ORDER_MAX, DIGEST_FIELD);
	memcpy(out->order, text + 18, strlen(text + 18) + 1);
	out->amount_yen = amount;
	out->valid_until = (time_t)((days_from_civil(2000 + yy, (unsigned)mo, (unsigned)dd) * 86400 +
				     hh * 3600 + mi * 60) - RECEIPT_UTC_OFFSET);
	return 0;
}
