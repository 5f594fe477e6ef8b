// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for printer_profile_parse().  Any text may be refused,
 * never crash; an accepted profile must hold what printer_profile.h
 * promises (abort() otherwise).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "printer_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(field) (strnlen((field), sizeof(field)) < sizeof(field))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct printer_profile p;
	struct err e;

	if (printer_profile_parse(&p, (const char *)data, size, "fuzz", &e)) {
		if (!TERMINATED(e.msg) || strncmp(e.msg, "fuzz", 4) || p.dots)
			abort();
		return 0;
	}
	if (!TERMINATED(p.name) || !TERMINATED(p.model) || !p.name[0])
		abort();
	if (p.dots % 8 || p.dots < 128 || p.dots > 832 || p.columns_a * 12 > p.dots ||
	    p.columns_b * 9 > p.dots || p.cut_feed > 20 || p.code_page > 255)
		abort();
	if (p.kanji > PRINTER_KANJI_SJIS || p.qr > PRINTER_QR_NATIVE ||
	    p.cutter > PRINTER_CUT_FULL)
		abort();
	return 0;
}
