/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * receipt_day: the close-of-day sheet, laid out as ESC/POS for the receipt
 * printer (beside receipt.h's receipt and slip, in a file of its own).
 *
 * The sheet is for staff, in English on every printer (the labels are
 * ASCII, so a printer without Kanji prints it whole), times in Japan's time:
 *
 *   CLOSE OF DAY / shop / 2026-12-03 00:00 - 2026-12-04 00:00
 *   Discs written, Blanks ruined, Register (N), Prepaid (N), Fees owed
 *   printed 2026-12-03 21:05
 *
 * Made from a plain struct (no database): the core fills it from
 * store_day_totals().
 */
#ifndef TENPO_RECEIPT_DAY_H
#define TENPO_RECEIPT_DAY_H

#include <stdint.h>
#include <time.h>

#include "err.h"
#include "escpos.h"
#include "printer_profile.h"

struct day_info {
	const char *shop_name;       /* required */
	time_t from, to, printed;
	unsigned discs_written, blanks_ruined;
	unsigned register_count, prepaid_count;
	long long register_yen, prepaid_yen, fees_yen;
};

/* Appends the sheet (ESC @ first, the cut last) to b, made for p.  0, or -1
 * with the reason in e. */
int day_encode(const struct printer_profile *p, const struct day_info *d, struct escpos *b,
	       struct err *e);

#endif
