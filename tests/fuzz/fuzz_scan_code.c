// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for scan_code_parse(): whatever a scanner can type.
 * Any text may be refused, never crash; an accepted QR payload must be the
 * very payload scan_code_qr_format() makes for its digits and this shop,
 * and accepted digits are always 12 digits (abort otherwise).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan_code.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SHOP 1001

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[SCAN_CODE_TEXT_MAX + 8], d[PICKUP_CODE_DIGITS + 1], qr[SCAN_CODE_QR_MAX + 1];
	enum scan_code_verdict v;
	struct err e;

	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = '\0';
	v = scan_code_parse(text, SHOP, d, &e);
	if (v != SCAN_CODE_OK) {
		if (d[0] || strncmp(e.msg, "scan code: ", 11) ||
		    strnlen(e.msg, sizeof(e.msg)) == sizeof(e.msg))
			abort();
		return 0;
	}
	if (strlen(d) != PICKUP_CODE_DIGITS || strspn(d, "0123456789") != PICKUP_CODE_DIGITS)
		abort();
	if (!strncmp(text, SCAN_CODE_QR_PREFIX, strlen(SCAN_CODE_QR_PREFIX))) {
		if (scan_code_qr_format(SHOP, d, qr, &e) || strcmp(qr, text))
			abort();
	}
	return 0;
}
