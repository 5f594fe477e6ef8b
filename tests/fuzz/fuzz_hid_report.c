// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for hid_scan: a stream of reports from a hostile or
 * broken scanner.  The input is a list of records: one byte of flags (bit 0:
 * HID POS, else boot keyboard; bit 1: call hid_scan_idle instead; bit 2:
 * switch HID POS layout to PLAIN, bit 3: to AIM), one byte
 * of milliseconds since the previous record, one byte of length, then that
 * many report bytes.  Any report may be refused, never crash; a finished
 * scan must be 1..HID_SCAN_MAX printable ASCII characters (abort otherwise).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hid_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(enum hid_scan_result r, const char *text, const struct err *e)
{
	size_t n;

	if (r == HID_SCAN_REFUSED && (strnlen(e->msg, sizeof(e->msg)) == sizeof(e->msg) ||
				      strncmp(e->msg, "scan: ", 6)))
		abort();
	if (r != HID_SCAN_DONE)
		return;
	n = strnlen(text, HID_SCAN_MAX + 1);
	if (n == 0 || n > HID_SCAN_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] > 0x7e)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hid_scan s;
	char text[HID_SCAN_MAX + 1];
	struct err e;
	uint64_t now = 1;
	size_t at = 0;

	hid_scan_init(&s, size && data[0] % 2 ? 50 : 0);
	while (at + 3 <= size) {
		uint8_t flags = data[at], dt = data[at + 1];
		size_t n = data[at + 2];
		enum hid_scan_result r;

		at += 3;
		if (n > size - at)
			n = size - at;
		now += dt;
		memset(text, 0x7f, sizeof(text));
		e.msg[0] = '\0';
		if (flags & 4)
			hid_scan_set_pos_layout(&s, HID_SCAN_POS_PLAIN);
		if (flags & 8)
			hid_scan_set_pos_layout(&s, HID_SCAN_POS_AIM);
		if (flags & 2)
			r = hid_scan_idle(&s, now, &e);
		else if (flags & 1)
			r = hid_scan_pos_report(&s, data + at, n, now, text, &e);
		else
			r = hid_scan_kbd_report(&s, data + at, n, now, text, &e);
		check(r, text, &e);
		at += n;
	}
	return 0;
}
