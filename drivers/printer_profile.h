/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * printer_profile: what an ESC/POS receipt printer can do, as data.
 *
 * A profile is drivers/profiles/NAME.conf, strict "key = value" lines in the
 * manner of board.conf (board.h).  Every key below is required once, except
 * code_page (default 0, PC437); a key twice, an unknown key, a number out of
 * range or with junk after it, a line over PRINTER_PROFILE_LINE_MAX bytes, a
 * NUL or control byte are refused with "FILE:LINE: reason".
 *
 *   name        [a-z0-9_-]+, the same as the file's name
 *   model       free text for the staff screen ("any 80 mm ESC/POS")
 *   paper_mm    paper width, 40..112
 *   dots        printable dots per line, a multiple of 8, 128..832
 *   columns_a   characters per line in font A (12x24): columns_a*12 <= dots
 *   columns_b   the same in font B (9x17): columns_b*9 <= dots
 *   kanji       sjis | none     Kanji mode (FS &) with Shift-JIS (FS C 1)
 *   qr          native | raster GS ( k model 2, or a GS v 0 image of it
 *   code128     yes | no        GS k 73
 *   cutter      full | partial | none
 *   cut_feed    lines fed before the cut (the head-to-cutter gap), 0..20
 *   code_page   ESC t n for single bytes 0x80..0xff, 0..255
 *
 * A profile holds no pointers: copy it freely.
 */
#ifndef TENPO_PRINTER_PROFILE_H
#define TENPO_PRINTER_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define PRINTER_PROFILE_FILE_MAX 8192
#define PRINTER_PROFILE_LINE_MAX 255

enum printer_kanji { PRINTER_KANJI_NONE, PRINTER_KANJI_SJIS };
enum printer_qr { PRINTER_QR_RASTER, PRINTER_QR_NATIVE };
enum printer_cutter { PRINTER_CUT_NONE, PRINTER_CUT_PARTIAL, PRINTER_CUT_FULL };

struct printer_profile {
	char name[32];
	char model[64];
	unsigned paper_mm;
	unsigned dots;
	unsigned columns_a, columns_b;
	enum printer_kanji kanji;
	enum printer_qr qr;
	bool code128;
	enum printer_cutter cutter;
	unsigned cut_feed;
	unsigned code_page;
};

/* Parses text (not NUL-terminated, at most PRINTER_PROFILE_FILE_MAX bytes);
 * `where` names it in errors.  On failure *p is zeroed. */
int printer_profile_parse(struct printer_profile *p, const char *text, size_t len,
			  const char *where, struct err *e);

/* Loads DIR/NAME.conf (NAME as for the name key) and checks that its name
 * key says NAME. */
int printer_profile_find(struct printer_profile *p, const char *dir, const char *name,
			 struct err *e);

#endif
