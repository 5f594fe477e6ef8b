// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_format: small formatters shared by the screens.  Pure functions of
 * their arguments (and of TZ for the times), so screenshots are stable.
 */
#include "ui_format.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

char *ui_format_bytes(char *buf, size_t n, uint64_t b)
{
	if (b >= 1000000000ull)
		snprintf(buf, n, "%.1f GB", (double)b / 1e9);
	else if (b >= 1000000ull)
		snprintf(buf, n, "%.0f MB", (double)b / 1e6);
	else if (b >= 1000ull)
		snprintf(buf, n, "%.0f kB", (double)b / 1e3);
	else
		snprintf(buf, n, "%llu B", (unsigned long long)b);
	return buf;
}

char *ui_format_duration(char *buf, size_t n, uint64_t ms)
{
	unsigned long long s = (unsigned long long)((ms + 500) / 1000);

	if (s >= 3600)
		snprintf(buf, n, "%llu:%02llu:%02llu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, n, "%llu:%02llu", s / 60, s % 60);
	return buf;
}

static void group(char *out, size_t n, unsigned long long v)
{
	char digits[32];
	size_t len, o = 0;

	snprintf(digits, sizeof(digits), "%llu", v);
	len = strlen(digits);
	for (size_t i = 0; i < len && o + 2 < n; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

char *ui_format_uint(char *buf, size_t n, uint64_t v)
{
	group(buf, n, (unsigned long long)v);
	return buf;
}

char *ui_format_price(char *buf, size_t n, uint64_t amount, const char *currency)
{
	char num[40];

	if (!currency || !*currency || !strcmp(currency, "JPY")) {
		group(num, sizeof(num), (unsigned long long)amount);
		snprintf(buf, n, "\xc2\xa5%s", num);
	} else {
		group(num, sizeof(num), (unsigned long long)(amount / 100));
		snprintf(buf, n, "%s.%02llu %.3s", num, (unsigned long long)(amount % 100), currency);
	}
	return buf;
}

static char *strf(char *buf, size_t n, int64_t unix_s, const char *fmt)
{
	time_t t = (time_t)unix_s;
	struct tm tm;

	buf[0] = '\0';
	if (unix_s <= 0 || !localtime_r(&t, &tm) || !strftime(buf, n, fmt, &tm))
		buf[0] = '\0';
	return buf;
}

char *ui_format_time(char *buf, size_t n, int64_t unix_s)
{
	return strf(buf, n, unix_s, "%Y-%m-%d %H:%M");
}

char *ui_format_date(char *buf, size_t n, int64_t unix_s)
{
	return strf(buf, n, unix_s, "%Y-%m-%d");
}

char *ui_format_code(char *buf, size_t n, const char *digits)
{
	size_t o = 0;

	for (size_t i = 0; digits[i] && i < 12 && o + 2 < n; i++) {
		if (i == 4 || i == 8)
			buf[o++] = '-';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}
