// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for escpos_render(): any byte stream may be refused,
 * never crash or read past its end; an accepted one gives an image exactly
 * the paper's width, within ESCPOS_RENDER_HEIGHT_MAX, of 0s and 1s (abort()
 * otherwise).  Rendered to memory only.  The first byte picks the paper
 * (58 or 80 mm), so the seed streams (a receipt, a slip) start with it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escpos_render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the font and its glyph cache, opened once for the whole run */
	static struct escpos_renderer *r;
	struct printer_profile p = { .name = "fuzz", .paper_mm = 58, .dots = 384,
				     .columns_a = 32, .columns_b = 42 };
	struct escpos_image im;
	struct err e;

	if (!r && escpos_renderer_open(&r, NULL, &e))
		abort();
	if (!size)
		return 0;
	if (data[0] & 1) {
		p.paper_mm = 80;
		p.dots = 576;
		p.columns_a = 48;
		p.columns_b = 64;
	}
	if (escpos_render(r, &p, data + 1, size - 1, &im, &e)) {
		if (im.px || im.height || strnlen(e.msg, sizeof(e.msg)) >= sizeof(e.msg))
			abort();
		return 0;
	}
	if (im.width != p.dots || !im.height || im.height > ESCPOS_RENDER_HEIGHT_MAX)
		abort();
	/* dots are 0 or 1: OR-ed over the image, checked once (a compare per dot
	 * would cost the fuzzer more than the render) */
	{
		unsigned char any = 0;

		for (size_t i = 0; i < (size_t)im.width * im.height; i++)
			any |= im.px[i];
		if (any > 1)
			abort();
	}
	escpos_image_free(&im);
	return 0;
}
