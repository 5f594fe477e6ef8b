/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cdtext: the album's and the tracks' titles and performers as CD-TEXT.
 *
 * Text arrives as UTF-8 (the manifest's strings).  It goes on the disc in up
 * to two CD-TEXT language blocks, made by libburn (burn_session_set_cdtext,
 * burn_track_set_cdtext, burn_cdtext_from_session; no drive needed):
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
 * A language block holds at most 253 packs of 12 text bytes.  When the texts
 * do not fit, every text is cut (at a character boundary) to 80, then 40,
 * then 20 bytes until they do, and cdtext_result.limit says so; the caller
 * logs it.  Beyond that the attach fails.  No global state; libburn must be
 * initialised (burn_initialize()) by the caller.
 */
#ifndef TENPO_CDTEXT_H
#define TENPO_CDTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct burn_session;

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

/* Attaches the texts to s and to its tracks (s must already hold exactly
 * spec->track_count tracks), replacing earlier TITLE/PERFORMER texts of the
 * blocks used.  On failure s may hold some of the texts: discard it. */
int cdtext_attach(struct burn_session *s, const struct cdtext_spec *spec,
		  struct cdtext_result *res, struct err *e);

/* The CD-TEXT packs of s (18 bytes each, CRCs included), as libburn makes
 * them for the lead-in.  *packs is malloc'ed; the caller frees it. */
int cdtext_packs(struct burn_session *s, unsigned char **packs, size_t *count,
		 struct err *e);

/* Block 0's text for utf8, cut to at most max_bytes (0: cap - 1).  Returns
 * true when nothing was lost (every character was Latin-1). */
bool cdtext_latin1(const char *utf8, char *out, size_t cap, size_t max_bytes);

/* Block 1's text (double-byte CP932, two NULs after it, *len without them),
 * cut to at most max_bytes (0: cap - 2), never inside a character. */
int cdtext_msjis(const char *utf8, char *out, size_t cap, size_t max_bytes, size_t *len,
		 struct err *e);

#endif
