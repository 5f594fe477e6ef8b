// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for usb_table_parse(): a devices.conf anyone with the
 * image could have edited.  Any text may be refused, never crash; an
 * accepted table must hold what usb_table.h promises, and every rule must
 * match its own IDs with nothing less specific winning (abort otherwise).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "usb_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct usb_table t;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;

	if (usb_table_parse(&t, (const char *)data, size, "fuzz", &e)) {
		if (strnlen(e.msg, sizeof(e.msg)) == sizeof(e.msg) || strncmp(e.msg, "fuzz", 4) ||
		    t.n)
			abort();
		return 0;
	}
	if (t.n > USB_TABLE_MAX)
		abort();
	for (size_t i = 0; i < t.n; i++) {
		const struct usb_rule *r = &t.rules[i], *m;
		size_t n = strnlen(r->name, sizeof(r->name));

		if (n == sizeof(r->name) || r->driver > USB_DRIVER_SCANNER_HID_POS_PLAIN)
			abort();
		for (size_t k = 0; k < n; k++)
			if ((unsigned char)r->name[k] < 0x20 || (unsigned char)r->name[k] >= 0x7f ||
			    r->name[k] == '"')
				abort();
		if (!(r->fields & (USB_MATCH_VID | USB_MATCH_CLASS)) ||
		    ((r->fields & USB_MATCH_PID) && !(r->fields & USB_MATCH_VID)) ||
		    ((r->fields & (USB_MATCH_SUBCLASS | USB_MATCH_PROTOCOL)) &&
		     !(r->fields & USB_MATCH_CLASS)))
			abort();
		m = usb_table_match(&t, &r->ids);
		if (!m || usb_rule_rank(m) < usb_rule_rank(r) ||
		    (usb_rule_rank(m) == usb_rule_rank(r) && m->line > r->line))
			abort();
	}
	return 0;
}
