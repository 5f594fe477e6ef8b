// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the delivery server's order list and health answer as the kiosk
 * parses them, and a disc's stamp file as `tenpo check-disc` parses it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "delivery.h"
#include "stamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct delivery_listing *list = NULL;
	struct manifest m;
	struct err e;
	int64_t at;
	uint32_t shop;
	size_t n;

	if (!delivery_parse_order_list((const char *)data, size, &list, &n, &e)) {
		for (size_t i = 0; i < n; i++)
			if (!order_id_ok(list[i].id))
				abort();
		free(list);
	}
	{
		uint16_t id;
		int64_t t;

		if (!delivery_parse_health((const char *)data, size, &id, &t, &e) && t < 0)
			abort();
	}
	/* no key file: the signature check fails, but only after the parse */
	if (!stamp_check((const char *)data, size, "/nonexistent.pub", &m, &at, &shop, &e))
		abort();
	return 0;
}
