/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * escpos: a bounded buffer of ESC/POS commands for one printout.
 *
 * The encoder knows one printer_profile (its columns, its Kanji, its QR and
 * cutter) and appends commands to a growable byte buffer that never grows
 * past `cap`.  Every append is checked; the first failure (cap reached, out
 * of memory, text that cannot be encoded, a barcode wider than the paper)
 * is sticky: later calls do nothing and return -1, and escpos_finish()
 * reports the first reason.  So a layout can call twenty appends and check
 * once.
 *
 * Text comes in UTF-8.  Printable ASCII is sent as is; U+00A5 YEN SIGN as
 * 0x9d (code page 0, PC437); everything else, on a profile with Kanji, as a
 * Shift-JIS (CP932) pair inside FS & ... FS . (Kanji mode is switched on
 * before a run of double-byte characters and off right after it, so that
 * single bytes are never taken for lead bytes).  A character that does not
 * map (an emoji; anything non-ASCII on a profile without Kanji; an invalid
 * UTF-8 byte) is replaced visibly: U+3013 GETA MARK on Kanji profiles, '?'
 * otherwise.  Nothing is dropped.
 *
 * Lines are wrapped at the profile's columns (font A or B, divided by the
 * width multiplier): a double-byte character takes two columns and is never
 * split; a word (up to a space) moves to the next line whole when it fits
 * on one, so Japanese without spaces wraps anywhere.
 *
 * Lifetime: the profile must outlive the buffer; escpos_data() is valid
 * until the next append or escpos_free().
 */
#ifndef TENPO_ESCPOS_H
#define TENPO_ESCPOS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "printer_profile.h"

/* A receipt is ~3 KiB, with a raster QR ~12 KiB. */
#define ESCPOS_CAP_DEFAULT (256u * 1024u)

enum escpos_align { ESCPOS_LEFT = 0, ESCPOS_CENTER = 1, ESCPOS_RIGHT = 2 };
enum escpos_font { ESCPOS_FONT_A = 0, ESCPOS_FONT_B = 1 };

struct escpos {
	const struct printer_profile *profile;
	unsigned char *data;
	size_t len, size, cap;
	bool failed;
	struct err err;          /* the first failure */
	void *iconv;             /* iconv_t to CP932, opened on first use */
	void *iconv_sjis;        /* SHIFT_JIS: what CP932 lacks (U+301C WAVE DASH) */
	bool kanji_on;           /* FS & sent, FS . not yet */
	enum escpos_font font;
	unsigned width, height;  /* size multipliers, 1..8 */
	unsigned col;            /* columns used on the current line */
	unsigned indent;         /* columns of spaces after a wrap */
};

/* Cannot fail; cap 0 means ESCPOS_CAP_DEFAULT. */
void escpos_init(struct escpos *b, const struct printer_profile *p, size_t cap);
void escpos_free(struct escpos *b);   /* NULL and an init-only buffer are fine */

/* 0 when every append so far succeeded; else -1 and the first reason. */
int escpos_finish(const struct escpos *b, struct err *e);
const unsigned char *escpos_data(const struct escpos *b, size_t *len);

/* Appends raw bytes (checked against the cap). */
int escpos_raw(struct escpos *b, const void *bytes, size_t n);

/* ESC @, ESC t code_page, and on Kanji profiles FS C 1 (Shift-JIS) with
 * Kanji mode off (FS .).  Resets the size, font and column count. */
int escpos_reset(struct escpos *b);
int escpos_align(struct escpos *b, enum escpos_align a);      /* ESC a n */
int escpos_bold(struct escpos *b, bool on);                   /* ESC E n */
int escpos_font(struct escpos *b, enum escpos_font f);        /* ESC M n */
int escpos_size(struct escpos *b, unsigned width, unsigned height); /* GS ! n, 1..8 */

/* Columns of the current line at the current font and size. */
unsigned escpos_columns(const struct escpos *b);
/* Columns that utf8 would take (double-byte characters count two). */
unsigned escpos_text_columns(const struct escpos *b, const char *utf8);

/* Text, wrapped; '\n' in it ends a line.  escpos_line() adds a newline. */
int escpos_text(struct escpos *b, const char *utf8);
int escpos_line(struct escpos *b, const char *utf8);
int escpos_newline(struct escpos *b);                         /* LF */
/* Label left, value right on one line; when both do not fit, the label on
 * its line and the value wrapped below it, indented by two. */
int escpos_row(struct escpos *b, const char *label, const char *value);
/* A full line of c (an ASCII character). */
int escpos_rule(struct escpos *b, char c);

/* A QR code (model 2, error correction M) of data, centred by the caller;
 * its module size is the largest up to 6 dots that fits the paper width:
 * GS ( k on a native profile, else a GS v 0 image made with libqrencode. */
int escpos_qr(struct escpos *b, const char *data);
/* Code 128 of printable ASCII text with the HRI text below: code set C for
 * runs of four or more digits, B for the rest; module width 3..1 dots, the
 * widest that fits with quiet zones.  Fails on a profile without Code 128. */
int escpos_code128(struct escpos *b, const char *text, unsigned height_dots);
/* Whether escpos_code128 can print text on profile p (it has Code 128, and
 * the symbol fits its paper at one dot a module at least). */
bool escpos_code128_fits(const struct printer_profile *p, const char *text);
/* The Code 128 data bytes (starting "{B" or "{C") that escpos_code128 sends,
 * and the symbol's width in modules with quiet zones; -1 when text is empty,
 * longer than 200, or not printable ASCII. */
int escpos_code128_data(const char *text, unsigned char *out, size_t cap, size_t *len,
			unsigned *modules);

int escpos_feed(struct escpos *b, unsigned lines);            /* ESC d n */
/* Feeds cut_feed lines, then GS V 1 (partial) or 0 (full); a profile
 * without a cutter gets the feed only, so the paper can be torn off. */
int escpos_cut(struct escpos *b);

#endif
