// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cdtext: UTF-8 in, two kinds of bytes out, libburn in between.
 *
 * Block 0 is made by a small hand-written mapping (Latin-1 is a subset of
 * Unicode, so it is a table of exceptions); block 1 by iconv to CP932, one
 * iconv descriptor per call (iconv_t is not shareable between threads, and a
 * call converts a handful of short strings).  libburn holds the texts on the
 * session and its tracks and builds the packs, CRCs and size-info (0x8f)
 * packs itself; we only decide the bytes and the block parameters, and
 * retry with shorter texts when libburn says the block overflows.
 */
#include "cdtext.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libburn/libburn.h>

#define PACK_TITLE 0x80
#define PACK_PERFORMER 0x81
#define CHARCODE_LATIN1 0x00
#define CHARCODE_MSJIS 0x80
#define LANG_ENGLISH 0x09
#define LANG_JAPANESE 0x69

/* Decodes one character; an invalid sequence gives U+FFFD and length 1. */
static uint32_t utf8_next(const unsigned char *s, size_t *len)
{
	uint32_t cp;
	size_t n, i;

	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		*len = 1;
		return 0xfffd;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*len = 1;
			return 0xfffd;
		}
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
		*len = 1;
		return 0xfffd;
	}
	*len = n;
	return cp;
}

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

/* ASCII look-alike of a character outside Latin-1, or NULL. */
static const char *latin1_lookalike(uint32_t cp)
{
	switch (cp) {
	case 0x3000:
		return " ";
	case 0x2018:
	case 0x2019:
	case 0x2032:
		return "'";
	case 0x201c:
	case 0x201d:
	case 0x2033:
		return "\"";
	case 0x2010:
	case 0x2011:
	case 0x2012:
	case 0x2013:
	case 0x2014:
	case 0x2015:
	case 0x2212:
		return "-";
	case 0x2026:
		return "...";
	case 0x301c:
		return "~";
	default:
		return NULL;
	}
}

bool cdtext_latin1(const char *utf8, char *out, size_t cap, size_t max_bytes)
{
	const unsigned char *s = (const unsigned char *)(utf8 ? utf8 : "");
	size_t o = 0, limit = cap ? cap - 1 : 0;
	bool exact = true;

	if (max_bytes && max_bytes < limit)
		limit = max_bytes;
	while (*s) {
		char one[2] = { 0, 0 };
		const char *put;
		size_t n, plen;
		uint32_t cp = utf8_next(s, &n);

		if (cp > 0xff)
			exact = false;
		if (is_control(cp)) {
			put = " ";
		} else if (cp <= 0xff) {
			one[0] = (char)cp;
			put = one;
		} else if (cp >= 0xff01 && cp <= 0xff5e) {
			one[0] = (char)(cp - 0xfee0);
			put = one;
		} else {
			put = latin1_lookalike(cp);
			if (!put)
				put = "?";
		}
		plen = strlen(put);
		if (o + plen > limit)
			break;
		memcpy(out + o, put, plen);
		o += plen;
		s += n;
	}
	if (cap)
		out[o] = '\0';
	return exact;
}

/* Half-width katakana U+FF61..FF9F as their full-width forms. */
static const uint16_t halfwidth_kana[63] = {
	0x3002, 0x300c, 0x300d, 0x3001, 0x30fb, 0x30f2, 0x30a1, 0x30a3, 0x30a5, 0x30a7,
	0x30a9, 0x30e3, 0x30e5, 0x30e7, 0x30c3, 0x30fc, 0x30a2, 0x30a4, 0x30a6, 0x30a8,
	0x30aa, 0x30ab, 0x30ad, 0x30af, 0x30b1, 0x30b3, 0x30b5, 0x30b7, 0x30b9, 0x30bb,
	0x30bd, 0x30bf, 0x30c1, 0x30c4, 0x30c6, 0x30c8, 0x30ca, 0x30cb, 0x30cc, 0x30cd,
	0x30ce, 0x30cf, 0x30d2, 0x30d5, 0x30d8, 0x30db, 0x30de, 0x30df, 0x30e0, 0x30e1,
	0x30e2, 0x30e4, 0x30e6, 0x30e8, 0x30e9, 0x30ea, 0x30eb, 0x30ec, 0x30ed, 0x30ef,
	0x30f3, 0x309b, 0x309c,
};

/* MS-JIS in CD-TEXT is a double-byte code (libcdio reads it two bytes at a
 * time): every character is given its full-width form first. */
static uint32_t widen(uint32_t cp)
{
	if (cp == ' ' || is_control(cp))
		return 0x3000;
	if (cp > 0x20 && cp < 0x7f)
		return cp + 0xfee0;
	if (cp >= 0xff61 && cp <= 0xff9f)
		return halfwidth_kana[cp - 0xff61];
	return cp;
}

static size_t utf8_put(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

int cdtext_msjis(const char *utf8, char *out, size_t cap, size_t max_bytes, size_t *len,
		 struct err *e)
{
	static const char unknown[2] = { (char)0x81, 0x48 }; /* full-width '?' */
	const unsigned char *s = (const unsigned char *)(utf8 ? utf8 : "");
	size_t o = 0, limit;
	iconv_t cd;

	*len = 0;
	if (cap < 2)
		return err_fail(e, "cdtext: buffer too small");
	limit = cap - 2;
	if (max_bytes && max_bytes < limit)
		limit = max_bytes;
	limit &= ~(size_t)1;
	cd = iconv_open("CP932", "UTF-8");
	if (cd == (iconv_t)-1)
		cd = iconv_open("SHIFT_JIS", "UTF-8");
	if (cd == (iconv_t)-1)
		return err_fail(e, "cdtext: no Shift-JIS converter (iconv CP932): %s",
				strerror(errno));
	while (*s && o + 2 <= limit) {
		char in[4], two[8];
		char *ip = in, *op = two;
		size_t n, inleft, outleft = sizeof(two);
		uint32_t cp = utf8_next(s, &n);

		s += n;
		inleft = utf8_put(widen(cp), in);
		iconv(cd, NULL, NULL, NULL, NULL);
		if (cp == 0xfffd || iconv(cd, &ip, &inleft, &op, &outleft) == (size_t)-1 ||
		    op - two != 2)
			memcpy(out + o, unknown, 2); /* lacking in CP932, or single-byte */
		else
			memcpy(out + o, two, 2);
		o += 2;
	}
	iconv_close(cd);
	*len = o;
	out[o] = out[o + 1] = '\0';
	return 0;
}

/* One text of one block on the session (track == NULL) or a track. */
static int put_text(struct burn_session *s, struct burn_track *t, int block, int type,
		    const char *utf8, size_t limit, struct err *e)
{
	char buf[CDTEXT_TEXT_MAX];
	size_t len;
	int rc;

	if (block == 0) {
		cdtext_latin1(utf8, buf, sizeof(buf), limit);
		len = strlen(buf) + 1;
		rc = t ? burn_track_set_cdtext(t, 0, type, NULL, (unsigned char *)buf, (int)len, 0)
		       : burn_session_set_cdtext(s, 0, type, NULL, (unsigned char *)buf,
						 (int)len, 0);
	} else {
		if (cdtext_msjis(utf8, buf, sizeof(buf), limit, &len, e))
			return -1;
		len += 2; /* double-byte text ends with two zero bytes */
		rc = t ? burn_track_set_cdtext(t, block, type, NULL, (unsigned char *)buf,
					       (int)len, 1)
		       : burn_session_set_cdtext(s, block, type, NULL, (unsigned char *)buf,
						 (int)len, 1);
	}
	if (rc <= 0)
		return err_fail(e, "cdtext: libburn refused a text of block %d", block);
	return 0;
}

static int put_block(struct burn_session *s, struct burn_track **tracks,
		     const struct cdtext_spec *spec, int block, bool performers, size_t limit,
		     struct err *e)
{
	if (put_text(s, NULL, block, PACK_TITLE, spec->album_title, limit, e))
		return -1;
	if (performers && put_text(s, NULL, block, PACK_PERFORMER, spec->album_performer,
				   limit, e))
		return -1;
	for (size_t i = 0; i < spec->track_count; i++) {
		if (put_text(s, tracks[i], block, PACK_TITLE, spec->tracks[i].title, limit, e))
			return -1;
		if (performers && put_text(s, tracks[i], block, PACK_PERFORMER,
					   spec->tracks[i].performer, limit, e))
			return -1;
	}
	return 0;
}

static bool needs_japanese(const struct cdtext_spec *spec)
{
	char scratch[CDTEXT_TEXT_MAX];
	bool exact = cdtext_latin1(spec->album_title, scratch, sizeof(scratch), 0) &&
		     cdtext_latin1(spec->album_performer, scratch, sizeof(scratch), 0);

	for (size_t i = 0; exact && i < spec->track_count; i++)
		exact = cdtext_latin1(spec->tracks[i].title, scratch, sizeof(scratch), 0) &&
			cdtext_latin1(spec->tracks[i].performer, scratch, sizeof(scratch), 0);
	return !exact;
}

static bool has_performers(const struct cdtext_spec *spec)
{
	if (spec->album_performer && *spec->album_performer)
		return true;
	for (size_t i = 0; i < spec->track_count; i++)
		if (spec->tracks[i].performer && *spec->tracks[i].performer)
			return true;
	return false;
}

int cdtext_attach(struct burn_session *s, const struct cdtext_spec *spec,
		  struct cdtext_result *res, struct err *e)
{
	static const size_t limits[] = { 0, 80, 40, 20 };
	int char_codes[8] = { CHARCODE_LATIN1 }, copyrights[8] = { 0 };
	int languages[8] = { LANG_ENGLISH };
	struct burn_track **tracks;
	bool japanese, performers;
	int n = 0;

	tracks = burn_session_get_tracks(s, &n);
	if (n < 0 || (size_t)n != spec->track_count)
		return err_fail(e, "cdtext: session has %d tracks, texts for %zu", n,
				spec->track_count);
	japanese = needs_japanese(spec);
	performers = has_performers(spec);
	if (japanese) {
		char_codes[1] = CHARCODE_MSJIS;
		languages[1] = LANG_JAPANESE;
	}
	if (burn_session_set_cdtext_par(s, char_codes, copyrights, languages, 0) <= 0)
		return err_fail(e, "cdtext: libburn refused the block parameters");
	/* Each try overwrites the last one's texts (burn_*_dispose_cdtext() of
	 * libburn 1.5.4 leaves dangling pointers: measured, so never called). */
	for (size_t k = 0; k < sizeof(limits) / sizeof(limits[0]); k++) {
		if (put_block(s, tracks, spec, 0, performers, limits[k], e) ||
		    (japanese && put_block(s, tracks, spec, 1, performers, limits[k], e)))
			return -1;
		if (burn_cdtext_from_session(s, NULL, NULL, 1) > 0) {
			res->blocks = japanese ? 2 : 1;
			res->limit = limits[k];
			return 0;
		}
	}
	return err_fail(e, "cdtext: the titles do not fit in CD-TEXT even cut to %zu bytes "
		       "each (%zu tracks)", limits[sizeof(limits) / sizeof(limits[0]) - 1],
		       spec->track_count);
}

int cdtext_packs(struct burn_session *s, unsigned char **packs, size_t *count,
		 struct err *e)
{
	int n = 0;

	*packs = NULL;
	*count = 0;
	if (burn_cdtext_from_session(s, packs, &n, 0) <= 0 || n <= 0) {
		free(*packs);
		*packs = NULL;
		return err_fail(e, "cdtext: libburn could not make the CD-TEXT packs");
	}
	*count = (size_t)n;
	return 0;
}
