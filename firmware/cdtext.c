// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cdtext: UTF-8 in, two kinds of bytes out, and the packs that carry them.
 *
 * Block 0 is made by a small hand-written mapping (Latin-1 is a subset of
 * Unicode, so it is a table of exceptions); block 1 by iconv to CP932, one
 * iconv descriptor per call (iconv_t is not shareable between threads, and a
 * call converts a handful of short strings).  The packs are made here, byte
 * for byte as libburn's burn_cdtext_from_session() lays them out (the same
 * sharing of packs between texts, sequence numbers, size-information packs
 * and CRC), except where libburn 1.5.4 breaks the rules for a double-byte
 * block: its burn_cdtext_set() keeps the double-byte bit of pack type 0x80
 * only, so PERFORMER packs of block 1 lost the DBCC flag and a repeated
 * performer became the single-byte TAB 09 00 instead of 09 09.  When the
 * texts do not fit, they are made again cut shorter.
 */
#include "cdtext.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- packs (MMC-3 Annex J; libburn's doc/cdtext.txt) ------------------- */

#define PACK_SIZE_INFO 0x8f
#define PACK_BYTES 18
#define PACK_TEXT 12
#define BLOCK_PACKS_MAX 255 /* sequence numbers 0..254 in a block */
#define PACKS_MAX (2 * BLOCK_PACKS_MAX)

/* Where the packs being made stand: the open pack is packs[n]. */
struct cursor {
	unsigned char packs[PACKS_MAX * PACK_BYTES];
	size_t n;
	int used;           /* text bytes in the open pack; 0: none open */
	int seq[8];         /* next sequence number of each block */
	int count[16];      /* packs of each type 0x80.. in this block */
};

/* CRC-16, x^16 + x^12 + x^5 + 1, over the 16 bytes, all bits inverted. */
static void pack_crc(unsigned char *k)
{
	unsigned crc = 0;

	for (int i = 0; i < 16; i++) {
		crc ^= (unsigned)k[i] << 8;
		for (int b = 0; b < 8; b++)
			crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
	}
	crc = ~crc & 0xffff;
	k[16] = (unsigned char)(crc >> 8);
	k[17] = (unsigned char)crc;
}

static void close_pack(struct cursor *c)
{
	unsigned char *k = c->packs + c->n * PACK_BYTES;

	if (c->used < PACK_TEXT) /* a full pack has no tail to clear */
		memset(k + 4 + c->used, 0, (size_t)(PACK_TEXT - c->used));
	pack_crc(k);
	c->n++;
	c->used = 0;
}

/* One text (its terminator included) of one track, after the texts before
 * it in the same packs; a new pack says its first character's track and
 * position.  dbcc: the block is double-byte, two bytes a character.  0, or
 * -1 when the block or the lead-in is full. */
static int put_bytes(struct cursor *c, int type, int track, int block, bool dbcc,
		     const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (c->used == 0 || c->used >= PACK_TEXT) {
			unsigned char *k;
			size_t pos = dbcc ? i / 2 : i;

			if (c->used)
				close_pack(c);
			if (c->n >= PACKS_MAX || c->seq[block] >= BLOCK_PACKS_MAX)
				return -1;
			k = c->packs + c->n * PACK_BYTES;
			k[0] = (unsigned char)type;
			k[1] = (unsigned char)track;
			k[2] = (unsigned char)c->seq[block]++;
			k[3] = (unsigned char)((dbcc ? 0x80 : 0) | block << 4 | (pos > 15 ? 15 : pos));
			c->count[type - PACK_TITLE]++;
		}
		c->packs[c->n * PACK_BYTES + 4 + c->used++] = p[i];
	}
	return 0;
}

/* text of one block for utf8, with its terminator (one NUL, or two). */
static int block_text(int block, const char *utf8, size_t limit, unsigned char *out,
		      size_t *len, struct err *e)
{
	if (block == 0) {
		cdtext_latin1(utf8, (char *)out, CDTEXT_TEXT_MAX, limit);
		*len = strlen((char *)out) + 1;
		return 0;
	}
	if (cdtext_msjis(utf8, (char *)out, CDTEXT_TEXT_MAX, limit, len, e))
		return -1;
	*len += 2;
	return 0;
}

/* The album's text of `type` and each track's; a track's text equal to the
 * one before is the TAB: 09 00, or 09 09 00 00 in a double-byte block. */
static int put_type(struct cursor *c, const struct cdtext_spec *spec, int block, int type,
		    size_t limit, struct err *e)
{
	static const unsigned char tab1[] = { 0x09, 0 }, tab2[] = { 0x09, 0x09, 0, 0 };
	unsigned char prev[CDTEXT_TEXT_MAX], cur[CDTEXT_TEXT_MAX];
	bool dbcc = block == 1;
	size_t plen = 0, len;

	if (block_text(block, type == PACK_TITLE ? spec->album_title : spec->album_performer,
		       limit, cur, &len, e) ||
	    put_bytes(c, type, 0, block, dbcc, cur, len))
		return -1;
	for (size_t i = 0; i < spec->track_count; i++) {
		const struct cdtext_track *t = &spec->tracks[i];
		bool same;

		if (block_text(block, type == PACK_TITLE ? t->title : t->performer, limit, cur,
			       &len, e))
			return -1;
		/* an empty text is written as it is, not as a TAB */
		same = i > 0 && len == plen && len > (dbcc ? 2u : 1u) && !memcmp(cur, prev, len);
		if (same ? put_bytes(c, type, (int)i + 1, block, dbcc, dbcc ? tab2 : tab1,
				     dbcc ? sizeof(tab2) : sizeof(tab1))
			 : put_bytes(c, type, (int)i + 1, block, dbcc, cur, len))
			return -1;
		memcpy(prev, cur, len);
		plen = len;
	}
	close_pack(c);
	return 0;
}

/* The three size-information packs that end a block. */
static int put_size_info(struct cursor *c, int block, int char_code, size_t tracks,
			 const int languages[8])
{
	unsigned char info[3][PACK_TEXT] = { { 0 } };

	info[0][0] = (unsigned char)char_code;
	info[0][1] = 1;
	info[0][2] = (unsigned char)tracks;
	for (int i = 0; i < 8; i++)
		info[0][4 + i] = (unsigned char)c->count[i];
	for (int i = 0; i < 7; i++)
		info[1][i] = (unsigned char)c->count[8 + i];
	info[1][7] = 3; /* these three */
	for (int i = 0; i < 8; i++)
		info[2][4 + i] = (unsigned char)languages[i];
	for (int k = 0; k < 3; k++)
		if (put_bytes(c, PACK_SIZE_INFO, k, block, false, info[k], PACK_TEXT))
			return -1;
	close_pack(c);
	memset(c->count, 0, sizeof(c->count));
	return 0;
}

/* Every block's last sequence number, in each block's size packs 2 and 3. */
static void put_last_seqs(struct cursor *c)
{
	for (size_t i = 0; i < c->n; i++) {
		unsigned char *k = c->packs + i * PACK_BYTES;

		if (k[0] != PACK_SIZE_INFO || (k[1] != 1 && k[1] != 2))
			continue;
		for (int j = 0; j < 4; j++) {
			int b = k[1] == 1 ? j : j + 4;

			k[4 + (k[1] == 1 ? 8 : 0) + j] =
				(unsigned char)(c->seq[b] > 0 ? c->seq[b] - 1 : 0);
		}
		pack_crc(k);
	}
}

/* The packs of the blocks for texts cut to limit; 0, or -1 when they do not
 * fit (e untouched) or a text cannot be converted (e set, *fatal). */
static int make_packs(struct cursor *c, const struct cdtext_spec *spec, int blocks,
		      bool performers, size_t limit, bool *fatal, struct err *e)
{
	static const int char_codes[2] = { CHARCODE_LATIN1, CHARCODE_MSJIS };
	int languages[8] = { LANG_ENGLISH, blocks > 1 ? LANG_JAPANESE : 0 };
	struct err conv = { "" };

	memset(c, 0, sizeof(*c));
	*fatal = false;
	for (int b = 0; b < blocks; b++) {
		if (put_type(c, spec, b, PACK_TITLE, limit, &conv) ||
		    (performers && put_type(c, spec, b, PACK_PERFORMER, limit, &conv)) ||
		    put_size_info(c, b, char_codes[b], spec->track_count, languages)) {
			if (conv.msg[0]) {
				*fatal = true;
				*e = conv;
			}
			return -1;
		}
	}
	put_last_seqs(c);
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

int cdtext_make(const struct cdtext_spec *spec, unsigned char **packs, size_t *count,
		struct cdtext_result *res, struct err *e)
{
	static const size_t limits[] = { 0, 80, 40, 20 };
	const size_t tries = sizeof(limits) / sizeof(limits[0]);
	bool fatal = false;
	struct cursor *c;
	int blocks;
	size_t k;

	*packs = NULL;
	*count = 0;
	if (spec->track_count < 1 || spec->track_count > 99)
		return err_fail(e, "cdtext: %zu tracks; a CD holds 1 to 99", spec->track_count);
	blocks = needs_japanese(spec) ? 2 : 1;
	c = malloc(sizeof(*c));
	if (!c)
		return err_fail(e, "out of memory");
	for (k = 0; k < tries; k++)
		if (!make_packs(c, spec, blocks, has_performers(spec), limits[k], &fatal, e) ||
		    fatal)
			break;
	if (k == tries) {
		free(c);
		return err_fail(e, "cdtext: the titles do not fit in CD-TEXT even cut to %zu "
				"bytes each (%zu tracks)", limits[tries - 1], spec->track_count);
	}
	if (!fatal && !(*packs = malloc(c->n * PACK_BYTES))) {
		err_fail(e, "out of memory");
		fatal = true;
	}
	if (fatal) {
		free(c);
		return -1;
	}
	memcpy(*packs, c->packs, c->n * PACK_BYTES);
	*count = c->n;
	res->blocks = blocks;
	res->limit = limits[k];
	free(c);
	return 0;
}
