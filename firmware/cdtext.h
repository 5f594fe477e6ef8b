/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cdtext: the album's and the tracks' titles and performers as CD-TEXT.
 *
 * Text arrives as UTF-8 (the manifest's strings).  It goes on the disc in up
 * to two CD-TEXT language blocks, made into packs here (cdtext_make(); no
 * drive and no libburn needed):
 *
 *   block 0: character code 0x00 ISO-8859-1, language 0x09 (English).
 *            Latin-1 characters are kept; full-width ASCII (U+FF01..FF5E)
 *            and the ideographic space become their ASCII forms; curly quotes,
 *            dashes and the wave dash their ASCII look-alikes; every other
 *            character (kana, kanji, ...) becomes '?'.  Control characters
 *            become spaces (a TAB would mean "same as the previous track").
 *   block 1: only when some text lost a character in block 0 (anything
 *            above U+00FF): character code 0x80 MS-JIS, language 0x69
 *            (Japanese), the whole text in Shift-JIS as iconv's CP932
 *            writes it.  MS-JIS in CD-TEXT is a double-byte code (libcdio
 *            reads it two bytes at a time and loses its place on a single
 *            byte: measured), so every character is written double-byte:
 *            ASCII and the space as their full-width forms, half-width
 *            katakana as full-width (a separate voiced mark stays separate),
 *            and a character CP932 lacks (é, hangul, ...) as '？'.
 *
 * TITLE packs are always written (an empty text is allowed); PERFORMER packs
 * only when the album or some track has a performer.
 *
 * A language block holds at most 255 packs (sequence numbers 0..254, its
 * three size-information packs included: libburn's limit).  When the texts
 * do not fit, every text is cut (at a character boundary) to 80, then 40,
 * then 20 bytes until they do, and cdtext_result.limit says so; the caller
 * logs it.  Beyond that cdtext_make() fails.  No global state.
 */
#ifndef TENPO_CDTEXT_H
#define TENPO_CDTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define CDTEXT_TEXT_MAX 512 /* bytes of one converted text, terminator included */

struct cdtext_track {
	const char *title;     /* UTF-8; NULL means "" */
	const char *performer; /* UTF-8; NULL means "" */
};

struct cdtext_spec {
	const char *album_title;
	const char *album_performer;
	const struct cdtext_track *tracks; /* in track order */
	size_t track_count;                /* = the session's track count */
};

struct cdtext_result {
	int blocks;   /* 1 (ISO-8859-1) or 2 (and MS-JIS) */
	size_t limit; /* 0: texts whole; else each text was cut to this many bytes */
};

/* The CD-TEXT packs of the spec's texts (18 bytes each, CRCs included),
 * for the lead-in (burn_write_opts_set_leadin_text) and the .cdt file.  A
 * track's text equal to the previous track's is written as the TAB of its
 * block: 09 00, or in the double-byte block 09 09 00 00 (MMC-3 Annex J);
 * every text pack of the double-byte block has the DBCC flag.  *packs is
 * malloc'ed; the caller frees it.  1..99 tracks. */
int cdtext_make(const struct cdtext_spec *spec, unsigned char **packs, size_t *count,
		struct cdtext_result *res, struct err *e);

/* Block 0's text for utf8, cut to at most max_bytes (0: cap - 1).  Returns
 * true when nothing was lost (every character was Latin-1). */
bool cdtext_latin1(const char *utf8, char *out, size_t cap, size_t max_bytes);

/* Block 1's text (double-byte CP932, two NULs after it, *len without them),
 * cut to at most max_bytes (0: cap - 2), never inside a character. */
int cdtext_msjis(const char *utf8, char *out, size_t cap, size_t max_bytes, size_t *len,
		 struct err *e);

#endif
