// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for board_parse().  Any text may be refused, never crash;
 * an accepted board must hold what board.h promises (abort() otherwise).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(field) (strnlen((field), sizeof(field)) < sizeof(field))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct board b;
	struct err e;

	if (board_parse(&b, (const char *)data, size, "fuzz", &e)) {
		if (!TERMINATED(e.msg) || strncmp(e.msg, "fuzz", 4))
			abort();
		return 0;
	}
	if (!TERMINATED(b.name) || !TERMINATED(b.display) || !TERMINATED(b.touch) ||
	    !TERMINATED(b.drive) || !TERMINATED(b.scanner) || !TERMINATED(b.printer) ||
	    !TERMINATED(b.watchdog) || !TERMINATED(b.spool))
		abort();
	if (!b.display[0] || b.width < 320 || b.width > 7680 || b.height < 240 || b.height > 4320)
		abort();
	for (const char *c = b.drive; *c; c++)
		if ((unsigned char)*c < 0x20)
			abort();
	return 0;
}
