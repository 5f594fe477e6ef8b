// SPDX-License-Identifier: GPL-2.0-or-later
#include "receipt_day.h"

#include <stdio.h>

#include "receipt.h"

static void row_count(struct escpos *b, const char *label, unsigned n)
{
	char v[16];

	snprintf(v, sizeof(v), "%u", n);
	escpos_row(b, label, v);
}

static void row_yen(struct escpos *b, const char *label, unsigned n, long long yen)
{
	char l[48], v[48];

	if (n)
		snprintf(l, sizeof(l), "%s (%u)", label, n);
	else
		snprintf(l, sizeof(l), "%s", label);
	if (receipt_price_format(yen, "en", v, sizeof(v)))
		snprintf(v, sizeof(v), "?");
	escpos_row(b, l, v);
}

int day_encode(const struct printer_profile *p, const struct day_info *d, struct escpos *b,
	       struct err *e)
{
	char from[17], to[17], printed[17], line[64];

	if (!d->shop_name || !d->shop_name[0])
		return err_fail(e, "day sheet: no shop name");
	if (d->to <= d->from)
		return err_fail(e, "day sheet: the day ends before it starts");
	if (d->register_yen < 0 || d->prepaid_yen < 0 || d->fees_yen < 0)
		return err_fail(e, "day sheet: a negative amount");
	if (b->profile != p)
		return err_fail(e, "day sheet: the buffer is for another printer");
	receipt_time_format(d->from, from);
	receipt_time_format(d->to, to);
	receipt_time_format(d->printed, printed);

	escpos_reset(b);
	escpos_align(b, ESCPOS_CENTER);
	escpos_bold(b, true);
	escpos_size(b, 2, 2);
	escpos_line(b, "CLOSE OF DAY");
	escpos_size(b, 1, 1);
	escpos_bold(b, false);
	escpos_line(b, d->shop_name);
	snprintf(line, sizeof(line), "%s - %s", from, to);
	escpos_line(b, line);
	escpos_align(b, ESCPOS_LEFT);
	escpos_rule(b, '-');
	row_count(b, "Discs written", d->discs_written);
	row_count(b, "Blanks ruined", d->blanks_ruined);
	escpos_rule(b, '-');
	row_yen(b, "Register", d->register_count, d->register_yen);
	row_yen(b, "Prepaid", d->prepaid_count, d->prepaid_yen);
	escpos_bold(b, true);
	row_yen(b, "Fees owed", 0, d->fees_yen);
	escpos_bold(b, false);
	escpos_rule(b, '-');
	snprintf(line, sizeof(line), "printed %s", printed);
	escpos_line(b, line);
	escpos_feed(b, 3);
	escpos_cut(b);
	return escpos_finish(b, e);
}
