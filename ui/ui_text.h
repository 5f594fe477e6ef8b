/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ui_text: fonts and text — UTF-8 in, a drawn block that always fits its
 * box out.
 *
 * Fonts are Debian's Noto Sans CJK collections (the Japanese face of each
 * .ttc, found by name, and its Mono sibling for codes and logs), opened
 * once per pixel size and weight the theme asks for.
 *
 * Layout: explicit '\n' breaks; otherwise a line breaks after a space or
 * between Japanese characters (not before 、。」ー and small kana, not after
 * 「（), and inside a word only when the word alone is wider than the box.
 * Text that still does not fit the box's lines is cut with "…".  A cut is
 * an *overflow* — a layout bug the screenshot tests fail on — unless the
 * caller marked the text UI_TEXT_DATA (a title from a manifest may be
 * long; the UI's own words must fit).
 *
 * Drawn blocks are cached as white images keyed by text, font, box width
 * and line count, and tinted when drawn, so an unchanged screen renders no
 * glyph twice.
 */
#ifndef TENPO_UI_TEXT_H
#define TENPO_UI_TEXT_H

#include <stdbool.h>

#include "err.h"
#include "ui_display.h"
#include "ui_theme.h"

enum {
	UI_TEXT_LEFT = 0,
	UI_TEXT_CENTER = 1,
	UI_TEXT_RIGHT = 2,
	UI_TEXT_HMASK = 3,
	UI_TEXT_TOP = 0,
	UI_TEXT_MIDDLE = 4,
	UI_TEXT_BOTTOM = 8,
	UI_TEXT_VMASK = 12,
	UI_TEXT_WRAP = 16, /* as many lines as the box's height holds */
	UI_TEXT_DATA = 32, /* data, not the UI's words: "…" is fine */
};

struct ui_text;

struct ui_text_stats {
	unsigned overflows; /* UI text that did not fit (a bug) */
	unsigned truncated; /* data text shortened with "…" (fine) */
	char last[200];     /* the last overflowing text, for the test's message */
};

int ui_text_open(struct ui_text **out, struct ui_display *d, const char *fonts_dir,
		 struct err *e);
void ui_text_close(struct ui_text *t);

/* The theme says which pixel size and weight each role has; the pointer
 * is kept and must outlive the text module (or be replaced). */
void ui_text_set_theme(struct ui_text *t, const struct ui_theme *th);

int ui_text_line_h(struct ui_text *t, enum ui_font f);
/* Size of the block s would take, broken to max_w (<= 0: no wrapping). */
void ui_text_measure(struct ui_text *t, const char *s, enum ui_font f, int max_w, int *w, int *h);
/* Draws s in box; true when it had to be cut. */
bool ui_text_draw(struct ui_text *t, const char *s, enum ui_font f, struct ui_rect box,
		  unsigned flags, struct ui_color c);

/* Drops every cached image (the renderer lost its textures). */
void ui_text_flush(struct ui_text *t);

void ui_text_stats(const struct ui_text *t, struct ui_text_stats *out);
void ui_text_stats_reset(struct ui_text *t);

/* Bytes of the UTF-8 sequence starting at s (1 for a broken one). */
int ui_utf8_len(const char *s);

#endif
