// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for slip_parse(): whatever the register's scanner or a
 * staff screen can hand the kiosk as a payment slip.  Any text may be
 * refused, never crash; a refusal says so in one line starting "slip: ";
 * an accepted payload is exactly what slip_payload() writes for the order,
 * amount and expiry it was read as, or (a long order's reference) has the
 * length slip_payload() gives every such slip (abort otherwise).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "slip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[SLIP_PAYLOAD_MAX + 16], again[SLIP_PAYLOAD_MAX];
	struct slip_code c;
	struct slip_info si;
	struct err e;

	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = '\0';
	if (slip_parse(text, &c, &e)) {
		if (c.order[0] || strncmp(e.msg, "slip: ", 6) ||
		    strnlen(e.msg, sizeof(e.msg)) == sizeof(e.msg))
			abort();
		return 0;
	}
	if (c.amount_yen < 1 || c.amount_yen > SLIP_AMOUNT_MAX || !slip_looks_like(text))
		abort();
	if (c.order[0] == '.') { /* a digest cannot be turned back into its ID */
		if (strlen(text) != SLIP_PAYLOAD_MAX - 1)
			abort();
		return 0;
	}
	memset(&si, 0, sizeof(si));
	si.shop_name = "Tenpo";
	si.order_id = c.order;
	si.amount_yen = c.amount_yen;
	si.valid_until = c.valid_until;
	si.issued = c.valid_until - 1;
	si.lang = "ja";
	if (slip_payload(&si, again, sizeof(again), &e) || strcmp(again, text))
		abort();
	return 0;
}
