// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core_periph: the kiosk's USB peripherals, seen from the core.  Not wired
 * to drivers/usb yet: there is no printer, and the default profile is the
 * generic 80 mm one, built in.
 */
#include <stdint.h>
#include <string.h>

#include "core_internal.h"
#include "printer_profile.h"

int core_periph_start(struct core *c, struct err *e)
{
	(void)c;
	(void)e;
	return 0;
}

void core_periph_stop(struct core *c)
{
	(void)c;
}

int core_periph_print(struct core *c, enum core_doc doc, const char *order_id,
		      const uint8_t *bytes, size_t len, struct err *e)
{
	(void)c;
	(void)doc;
	(void)order_id;
	(void)bytes;
	(void)len;
	return err_fail(e, "no receipt printer");
}

const struct printer_profile *core_periph_profile(struct core *c)
{
	static const struct printer_profile generic = {
		.name = "generic-80mm", .model = "Generic 80 mm ESC/POS", .paper_mm = 80,
		.dots = 576, .columns_a = 48, .columns_b = 64, .kanji = PRINTER_KANJI_SJIS,
		.qr = PRINTER_QR_NATIVE, .code128 = true, .cutter = PRINTER_CUT_PARTIAL,
		.cut_feed = 4, .code_page = 0,
	};

	(void)c;
	return &generic;
}
