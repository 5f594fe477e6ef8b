// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for printer_status: any bytes the printer's bulk IN
 * endpoint may send.  The input is a list of records: one byte n, one byte
 * of length, that many answer bytes.  Never crash; a reading may be ready
 * only when no field is unknown, and never ready and blocked at once.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "printer_status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct printer_status s;
	char text[PRINTER_STATUS_TEXT_MAX];
	size_t at = 0;

	printer_status_init(&s);
	while (at + 2 <= size) {
		unsigned n = data[at];
		size_t len = data[at + 1];

		at += 2;
		if (len > size - at)
			len = size - at;
		printer_status_apply(&s, n, data + at, len);
		at += len;
		if (printer_status_ready(&s) && printer_status_blocked(&s))
			abort();
		if (printer_status_ready(&s) &&
		    (s.online == PRINTER_UNKNOWN || s.paper_out == PRINTER_UNKNOWN ||
		     s.cover_open == PRINTER_UNKNOWN || s.error == PRINTER_UNKNOWN))
			abort();
		printer_status_describe(&s, text);
		if (strnlen(text, sizeof(text)) == sizeof(text) || !text[0])
			abort();
	}
	return 0;
}
