/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * escpos_render_internal: what the renderer's three files share: the
 * parser and page (escpos_render.c), its font (escpos_render_glyph.c) and
 * its bar codes (escpos_render_bars.c).  Not for other modules.
 */
#ifndef TENPO_ESCPOS_RENDER_INTERNAL_H
#define TENPO_ESCPOS_RENDER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include <iconv.h>

#include "err.h"
#include "escpos_render.h"

#define ESC 0x1b
#define GS 0x1d
#define FS 0x1c

#define MULT_MAX 8
#define CELL_H_MAX (24 * MULT_MAX)
#define QR_STORE_MAX 7089

/* The renderer (escpos_render_glyph.c): the font, CP932 to UTF-32, the
 * glyph cache. */
#define CACHE_SLOTS 1024
#define CACHE_CELL_MAX (48 * 48)

struct cached {
	uint32_t cp;
	unsigned short w, h;
	bool half, bold;
	unsigned char *px;    /* w*h, NULL: empty slot */
};

struct escpos_renderer {
	FT_Library ft;
	FT_Face face;
	iconv_t sjis;
	struct cached cache[CACHE_SLOTS];
};

/* The state of one render: the printer's modes, the page and the strip. */
struct render {
	struct escpos_renderer *r;
	const struct printer_profile *p;
	const unsigned char *d;
	size_t len, at;
	struct err *e;
	bool failed;

	unsigned width;
	unsigned char *page;
	size_t page_rows;      /* allocated */
	unsigned y;            /* rows used */
	unsigned wraps;

	unsigned char *strip;  /* width x CELL_H_MAX */
	unsigned line_x, line_h;
	bool line_any;

	unsigned align, font, mw, mh, spacing, code_page;
	bool bold, kanji;
	unsigned hri_pos, hri_font, bar_h, bar_w;
	unsigned qr_module, qr_ecc;
	unsigned char qr_data[QR_STORE_MAX];
	size_t qr_len;
};

/* Sets the error ("byte N: ...") once and returns -1. */
int render_fail(struct render *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True when n bytes are left from s->at; else fails. */
bool render_need(struct render *s, size_t n);
/* The pending text line onto the page (LF), and the same only if one is
 * pending (before a graphic). */
int render_flush_line(struct render *s);
int render_end_text(struct render *s);
/* One character cell (full: a Kanji cell) at the end of the pending line. */
int render_put_char(struct render *s, uint32_t cp, bool full);
/* bits (1 = black), w x h, onto the page at the justified x. */
int render_put_block(struct render *s, const unsigned char *bits, unsigned w, unsigned h);
/* The w x h cell (0/1 dots) of code point cp: half-width cells get an em
 * twice their width.  *owned: the caller frees it (else the cache owns it).
 * NULL when out of memory. */
unsigned char *render_glyph(struct escpos_renderer *r, uint32_t cp, unsigned w, unsigned h,
			    bool half, bool bold, bool *owned);
/* GS k at s->at. */
int render_barcode(struct render *s);

#endif
