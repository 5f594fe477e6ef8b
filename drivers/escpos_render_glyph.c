// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * escpos_render_glyph: the renderer's font.  A character cell is drawn by
 * FreeType in 1-bit (hinted for monochrome, as a thermal head prints), its
 * baseline at 88% of the cell, and kept in a small open-addressed cache by
 * code point, cell size and emphasis: a receipt draws ~60 distinct cells, a
 * fuzzer's stream thousands, so cells over CACHE_CELL_MAX dots and those
 * that find no slot in 8 probes are drawn each time instead.
 */
#include <ft2build.h>
#include FT_FREETYPE_H
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "escpos_render_internal.h"

/* ---- the renderer: font, iconv, glyph cache ---- */

int escpos_renderer_open(struct escpos_renderer **out, const char *font_path, struct err *e)
{
	struct escpos_renderer *r = calloc(1, sizeof(*r));
	const char *path = font_path ? font_path : ESCPOS_RENDER_FONT_DEFAULT;
	FT_Long faces, index = 0;

	*out = NULL;
	if (!r)
		return err_fail(e, "escpos_render: out of memory");
	r->sjis = (iconv_t)-1;
	if (FT_Init_FreeType(&r->ft)) {
		free(r);
		return err_fail(e, "escpos_render: FreeType does not start");
	}
	if (FT_New_Face(r->ft, path, 0, &r->face))
		goto out_font;
	faces = r->face->num_faces;
	for (FT_Long i = 0; i < faces && i < 32; i++) {
		FT_Face f;

		if (FT_New_Face(r->ft, path, i, &f))
			continue;
		if (f->family_name && !strcmp(f->family_name, "Noto Sans Mono CJK JP"))
			index = i;
		FT_Done_Face(f);
		if (index)
			break;
	}
	if (index) {
		FT_Done_Face(r->face);
		if (FT_New_Face(r->ft, path, index, &r->face))
			goto out_font;
	}
	r->sjis = iconv_open("UTF-32LE", "CP932");
	if (r->sjis == (iconv_t)-1) {
		escpos_renderer_free(r);
		return err_fail(e, "escpos_render: no iconv from CP932");
	}
	*out = r;
	return 0;
out_font:
	r->face = NULL;
	escpos_renderer_free(r);
	return err_fail(e, "escpos_render: %s: not a font FreeType can open", path);
}

void escpos_renderer_free(struct escpos_renderer *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		free(r->cache[i].px);
	if (r->sjis != (iconv_t)-1)
		iconv_close(r->sjis);
	if (r->face)
		FT_Done_Face(r->face);
	FT_Done_FreeType(r->ft);
	free(r);
}

/* Draws code point cp into px (w x h, zeroed): half-width cells get an em
 * twice their width, full-width ones an em of their width. */
static void glyph_draw(struct escpos_renderer *r, uint32_t cp, unsigned w, unsigned h,
		       bool half, unsigned char *px)
{
	FT_GlyphSlot g;
	int base, x0, y0;

	if (FT_Set_Pixel_Sizes(r->face, half ? 2 * w : w, h) ||
	    !FT_Get_Char_Index(r->face, cp) ||
	    FT_Load_Char(r->face, cp, FT_LOAD_RENDER | FT_LOAD_TARGET_MONO)) {
		/* no glyph: a box, so the gap shows */
		for (unsigned y = h / 6; y < h - h / 6; y++)
			for (unsigned x = 1; x + 1 < w; x++)
				if (y == h / 6 || y == h - h / 6 - 1 || x == 1 || x == w - 2)
					px[y * w + x] = 1;
		return;
	}
	g = r->face->glyph;
	base = (int)(h * 88 / 100);
	x0 = g->bitmap_left;
	y0 = base - g->bitmap_top;
	for (unsigned y = 0; y < g->bitmap.rows; y++) {
		int py = y0 + (int)y;

		if (py < 0 || py >= (int)h)
			continue;
		for (unsigned x = 0; x < g->bitmap.width; x++) {
			int pxx = x0 + (int)x;
			const unsigned char *row = g->bitmap.buffer + (long)y * g->bitmap.pitch;
			bool on = g->bitmap.pixel_mode == FT_PIXEL_MODE_MONO
					  ? (row[x / 8] >> (7 - x % 8)) & 1
					  : row[x] >= 128;

			if (on && pxx >= 0 && pxx < (int)w)
				px[py * (int)w + pxx] = 1;
		}
	}
}

/* Emphasis as the printer does it: each dot printed twice, one to the right. */
static void glyph_embolden(unsigned char *px, unsigned w, unsigned h)
{
	for (unsigned y = 0; y < h; y++)
		for (unsigned x = w - 1; x > 0; x--)
			px[y * w + x] |= px[y * w + x - 1];
}

static void glyph_make(struct escpos_renderer *r, uint32_t cp, unsigned w, unsigned h,
		       bool half, bool bold, unsigned char *px)
{
	glyph_draw(r, cp, w, h, half, px);
	if (bold)
		glyph_embolden(px, w, h);
}

/* The glyph's cell, from the cache when it is small enough to keep;
 * *owned says the caller frees it. */
unsigned char *render_glyph(struct escpos_renderer *r, uint32_t cp, unsigned w, unsigned h,
				 bool half, bool bold, bool *owned)
{
	size_t slot = ((cp * 2654435761u) ^ (w * 31 + h) ^ bold) % CACHE_SLOTS;
	unsigned char *px;

	*owned = false;
	if (w * h <= CACHE_CELL_MAX) {
		for (size_t k = 0; k < 8; k++) {
			struct cached *c = &r->cache[(slot + k) % CACHE_SLOTS];

			if (c->px && c->cp == cp && c->w == w && c->h == h && c->half == half &&
			    c->bold == bold)
				return c->px;
			if (!c->px) {
				c->px = calloc((size_t)w * h, 1);
				if (!c->px)
					return NULL;
				c->cp = cp;
				c->w = (unsigned short)w;
				c->h = (unsigned short)h;
				c->half = half;
				c->bold = bold;
				glyph_make(r, cp, w, h, half, bold, c->px);
				return c->px;
			}
		}
	}
	px = calloc((size_t)w * h, 1);
	if (!px)
		return NULL;
	glyph_make(r, cp, w, h, half, bold, px);
	*owned = true;
	return px;
}

