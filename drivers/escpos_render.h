/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * escpos_render: a preview of a printout, made from the very bytes that go
 * to the printer.
 *
 * It parses the ESC/POS subset that escpos.c emits, and draws it on a 1-bit
 * image as wide as the profile's dots: glyphs from a CJK font (FreeType) in
 * the printer's cells (font A 12x24, font B 9x17, Kanji 24x24, times the
 * size multipliers), QR codes from GS ( k (libqrencode, model 2, at the
 * error correction and module size the commands set; model 1 is drawn as
 * model 2), Code 128 from GS k 73 (its own table), GS v 0 raster images,
 * feeds, and a cut as a dashed line.
 *
 * The stream is hostile input: every read is bounded by its length; a
 * command outside the subset, a truncated command, a bad argument, a raster
 * or barcode wider than the paper, or an image that would grow taller than
 * ESCPOS_RENDER_HEIGHT_MAX is refused with -1 and "byte N: reason".  GS ( k
 * for other symbols (PDF417...) and unused QR functions, and bar codes other
 * than Code 128, are skipped by their length fields.
 *
 * A renderer holds the font, an iconv and a glyph cache: open it once, render
 * many streams; it is not for two threads at once.
 */
#ifndef TENPO_ESCPOS_RENDER_H
#define TENPO_ESCPOS_RENDER_H

#include <stddef.h>

#include "err.h"
#include "printer_profile.h"

#define ESCPOS_RENDER_FONT_DEFAULT "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define ESCPOS_RENDER_HEIGHT_MAX 12000   /* dots: 1.5 m of paper */

struct escpos_renderer;

/* An image: width x height bytes, row after row, 1 black and 0 white. */
struct escpos_image {
	unsigned width, height;
	unsigned char *px;
	unsigned wraps;        /* lines the printer would have wrapped itself */
};

/* font_path NULL means ESCPOS_RENDER_FONT_DEFAULT.  For a .ttc, the face
 * "Noto Sans Mono CJK JP" is taken when present (half-width Latin), else
 * face 0. */
int escpos_renderer_open(struct escpos_renderer **r, const char *font_path, struct err *e);
void escpos_renderer_free(struct escpos_renderer *r);   /* NULL is fine */

/* Renders len bytes for profile p (its dots are the width) into *out, which
 * the caller frees with escpos_image_free(); on failure *out is empty. */
int escpos_render(struct escpos_renderer *r, const struct printer_profile *p,
		  const unsigned char *data, size_t len, struct escpos_image *out,
		  struct err *e);
void escpos_image_free(struct escpos_image *im);

/* An 8-bit grey PNG (black on white). */
int escpos_image_write_png(const struct escpos_image *im, const char *path, struct err *e);

#endif
