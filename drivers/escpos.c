// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * escpos: the encoder.  One append primitive (put) checks the cap and makes
 * the first failure sticky; everything else is built on it.  Text goes one
 * character at a time through char_encode(), which decides the bytes and the
 * columns, and glyph_put(), which wraps and switches Kanji mode.
 */
#include "escpos.h"

#include <iconv.h>
#include <qrencode.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ESC 0x1b
#define GS 0x1d
#define FS 0x1c
#define LF 0x0a

#define QR_DATA_MAX 1000
#define CODE128_TEXT_MAX 200
#define REPLACEMENT_SJIS_0 0x81   /* U+3013 GETA MARK */
#define REPLACEMENT_SJIS_1 0xac

static void fail(struct escpos *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct escpos *b, const char *fmt, ...)
{
	va_list ap;

	if (b->failed)
		return;
	b->failed = true;
	va_start(ap, fmt);
	vsnprintf(b->err.msg, sizeof(b->err.msg), fmt, ap);
	va_end(ap);
}

void escpos_init(struct escpos *b, const struct printer_profile *p, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->profile = p;
	b->cap = cap ? cap : ESCPOS_CAP_DEFAULT;
	b->width = b->height = 1;
	b->iconv = b->iconv_sjis = (void *)-1;
}

void escpos_free(struct escpos *b)
{
	if (!b)
		return;
	free(b->data);
	if (b->iconv != (void *)-1 && b->iconv)
		iconv_close((iconv_t)b->iconv);
	if (b->iconv_sjis != (void *)-1 && b->iconv_sjis)
		iconv_close((iconv_t)b->iconv_sjis);
	b->data = NULL;
	b->iconv = b->iconv_sjis = (void *)-1;
	b->len = b->size = 0;
}

int escpos_finish(const struct escpos *b, struct err *e)
{
	if (!b->failed)
		return 0;
	return err_fail(e, "%s", b->err.msg);
}

const unsigned char *escpos_data(const struct escpos *b, size_t *len)
{
	*len = b->len;
	return b->data;
}

static int put(struct escpos *b, const void *bytes, size_t n)
{
	if (b->failed)
		return -1;
	if (n > b->cap - b->len) {
		fail(b, "escpos: printout larger than %zu bytes", b->cap);
		return -1;
	}
	if (b->len + n > b->size) {
		size_t size = b->size ? b->size : 256;
		unsigned char *d;

		while (size < b->len + n)
			size = size > b->cap / 2 ? b->cap : size * 2;
		d = realloc(b->data, size);
		if (!d) {
			fail(b, "escpos: out of memory");
			return -1;
		}
		b->data = d;
		b->size = size;
	}
	memcpy(b->data + b->len, bytes, n);
	b->len += n;
	return 0;
}

#define PUT(b, ...)                                                     \
	put((b), (const unsigned char[]){ __VA_ARGS__ },                \
	    sizeof((const unsigned char[]){ __VA_ARGS__ }))

int escpos_raw(struct escpos *b, const void *bytes, size_t n)
{
	return put(b, bytes, n);
}

static int kanji_off(struct escpos *b)
{
	if (!b->kanji_on)
		return b->failed ? -1 : 0;
	b->kanji_on = false;
	return PUT(b, FS, '.');
}

int escpos_reset(struct escpos *b)
{
	PUT(b, ESC, '@', ESC, 't', (unsigned char)b->profile->code_page);
	if (b->profile->kanji == PRINTER_KANJI_SJIS)
		PUT(b, FS, 'C', 1, FS, '.');
	b->kanji_on = false;
	b->font = ESCPOS_FONT_A;
	b->width = b->height = 1;
	b->col = b->indent = 0;
	return b->failed ? -1 : 0;
}

int escpos_align(struct escpos *b, enum escpos_align a)
{
	return PUT(b, ESC, 'a', (unsigned char)a);
}

int escpos_bold(struct escpos *b, bool on)
{
	return PUT(b, ESC, 'E', on ? 1 : 0);
}

int escpos_font(struct escpos *b, enum escpos_font f)
{
	b->font = f;
	return PUT(b, ESC, 'M', (unsigned char)f);
}

int escpos_size(struct escpos *b, unsigned width, unsigned height)
{
	if (width < 1 || width > 8 || height < 1 || height > 8) {
		fail(b, "escpos: character size %ux%u is not within 1..8", width, height);
		return -1;
	}
	b->width = width;
	b->height = height;
	return PUT(b, GS, '!', (unsigned char)(((width - 1) << 4) | (height - 1)));
}

unsigned escpos_columns(const struct escpos *b)
{
	unsigned c = b->font == ESCPOS_FONT_B ? b->profile->columns_b : b->profile->columns_a;

	c /= b->width;
	return c ? c : 1;
}

int escpos_newline(struct escpos *b)
{
	kanji_off(b);
	b->col = 0;
	return PUT(b, LF);
}

/* ---- text ---- */

/* One code point from s (at most n bytes); *adv is how many bytes it took.
 * Invalid UTF-8 is -1: a bad lead byte alone, a cut sequence with what
 * it has, an overlong form or a surrogate whole. */
static int32_t utf8_next(const unsigned char *s, size_t n, size_t *adv)
{
	int32_t cp;
	size_t need;

	*adv = 1;
	if (s[0] < 0x80)
		return s[0];
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 2, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 3, cp = s[0] & 0x07;
	else
		return -1;
	for (size_t i = 1; i <= need; i++) {
		if (i >= n || (s[i] & 0xc0) != 0x80) {
			*adv = i;     /* a cut sequence is one bad character */
			return -1;
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*adv = need + 1;
	return cp;
}

struct glyph {
	unsigned char bytes[2];
	unsigned n;      /* 1 or 2 */
	bool dbl;        /* a Shift-JIS pair, sent in Kanji mode */
};

static bool kanji(const struct escpos *b)
{
	return b->profile->kanji == PRINTER_KANJI_SJIS;
}

static bool sjis_lead(unsigned char c)
{
	return (c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc);
}

/* The utf8 bytes of one character through cd; 0 and out[2] for a pair. */
static int sjis_convert(void *cd, const unsigned char *s, size_t n, unsigned char out[2])
{
	char buf[8], *in = (char *)s, *o = buf;
	size_t inleft = n, outleft = sizeof(buf);

	if (cd == (void *)-1 || !cd)
		return -1;
	iconv((iconv_t)cd, NULL, NULL, NULL, NULL);
	if (iconv((iconv_t)cd, &in, &inleft, &o, &outleft) == (size_t)-1 || inleft)
		return -1;
	if (o - buf != 2 || !sjis_lead((unsigned char)buf[0]))
		return -1;
	out[0] = (unsigned char)buf[0];
	out[1] = (unsigned char)buf[1];
	return 0;
}

static void char_encode(struct escpos *b, int32_t cp, const unsigned char *s, size_t n,
			struct glyph *g)
{
	g->n = 1;
	g->dbl = false;
	if (cp == '\t')
		cp = ' ';
	if (cp >= 0x20 && cp < 0x7f) {
		g->bytes[0] = (unsigned char)cp;
		return;
	}
	if (cp == 0xa5 && b->profile->code_page == 0) {
		g->bytes[0] = 0x9d;     /* PC437's yen sign */
		return;
	}
	if (!kanji(b)) {
		g->bytes[0] = '?';
		return;
	}
	g->n = 2;
	g->dbl = true;
	if (cp >= 0x80) {
		if (b->iconv == (void *)-1)
			b->iconv = (void *)iconv_open("CP932", "UTF-8");
		if (!sjis_convert(b->iconv, s, n, g->bytes))
			return;
		if (b->iconv_sjis == (void *)-1)
			b->iconv_sjis = (void *)iconv_open("SHIFT_JIS", "UTF-8");
		if (!sjis_convert(b->iconv_sjis, s, n, g->bytes))
			return;
	}
	g->bytes[0] = REPLACEMENT_SJIS_0;
	g->bytes[1] = REPLACEMENT_SJIS_1;
}

static unsigned char_columns(const struct escpos *b, int32_t cp)
{
	if (cp == '\t' || (cp >= 0x20 && cp < 0x7f) || (cp == 0xa5 && b->profile->code_page == 0))
		return 1;
	return kanji(b) ? 2 : 1;
}

unsigned escpos_text_columns(const struct escpos *b, const char *utf8)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t n = strlen(utf8), adv;
	unsigned cols = 0;

	for (size_t i = 0; i < n; i += adv)
		cols += char_columns(b, utf8_next(s + i, n - i, &adv));
	return cols;
}

static int wrap(struct escpos *b)
{
	escpos_newline(b);
	for (unsigned i = 0; i < b->indent && i + 1 < escpos_columns(b); i++)
		PUT(b, ' ');
	b->col = b->indent < escpos_columns(b) ? b->indent : 0;
	return b->failed ? -1 : 0;
}

static int glyph_put(struct escpos *b, const struct glyph *g)
{
	unsigned cols = g->dbl ? 2 : 1;

	if (b->col + cols > escpos_columns(b) && b->col > 0)
		wrap(b);
	if (g->dbl && !b->kanji_on) {
		PUT(b, FS, '&');
		b->kanji_on = true;
	} else if (!g->dbl) {
		kanji_off(b);
	}
	put(b, g->bytes, g->n);
	b->col += cols;
	return b->failed ? -1 : 0;
}

/* Columns of the word starting at s: up to a space, a newline or the end. */
static unsigned word_columns(const struct escpos *b, const unsigned char *s, size_t n)
{
	unsigned cols = 0;
	size_t adv;

	for (size_t i = 0; i < n && s[i] != ' ' && s[i] != '\n'; i += adv)
		cols += char_columns(b, utf8_next(s + i, n - i, &adv));
	return cols;
}

int escpos_text(struct escpos *b, const char *utf8)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t n = strlen(utf8), adv;
	bool wrapped = false;

	for (size_t i = 0; i < n && !b->failed; i += adv) {
		int32_t cp = utf8_next(s + i, n - i, &adv);
		struct glyph g;

		if (cp == '\n') {
			escpos_newline(b);
			wrapped = false;
			continue;
		}
		if (cp != ' ' && (i == 0 || s[i - 1] == ' ')) {
			unsigned w = word_columns(b, s + i, n - i), max = escpos_columns(b);

			if (b->col > b->indent && b->col + w > max && w <= max - b->indent) {
				wrap(b);
				wrapped = true;
			}
		}
		if (cp == ' ' && b->col + 1 > escpos_columns(b)) {
			wrap(b);       /* a space at the edge is the line break */
			wrapped = true;
			continue;
		}
		if (cp == ' ' && wrapped && b->col == b->indent)
			continue;      /* no leading space on a wrapped line */
		if (cp != ' ')
			wrapped = false;
		char_encode(b, cp, s + i, adv, &g);
		glyph_put(b, &g);
	}
	return b->failed ? -1 : 0;
}

int escpos_line(struct escpos *b, const char *utf8)
{
	escpos_text(b, utf8);
	return escpos_newline(b);
}

int escpos_row(struct escpos *b, const char *label, const char *value)
{
	unsigned max = escpos_columns(b), lw, vw;

	if (b->col)
		escpos_newline(b);
	lw = escpos_text_columns(b, label);
	vw = escpos_text_columns(b, value);
	if (lw + 1 + vw <= max) {
		escpos_text(b, label);
		kanji_off(b);
		for (unsigned i = lw + vw; i < max; i++)
			PUT(b, ' ');
		b->col = max - vw;
		escpos_text(b, value);
		return escpos_newline(b);
	}
	escpos_line(b, label);
	b->indent = max > 8 ? 2 : 0;
	for (unsigned i = 0; i < b->indent; i++)
		PUT(b, ' ');
	b->col = b->indent;
	escpos_text(b, value);
	b->indent = 0;
	return escpos_newline(b);
}

int escpos_rule(struct escpos *b, char c)
{
	unsigned max = escpos_columns(b);

	if (b->col)
		escpos_newline(b);
	if (c < 0x21 || c > 0x7e)
		c = '-';
	kanji_off(b);
	for (unsigned i = 0; i < max; i++)
		put(b, &c, 1);
	b->col = max;
	return escpos_newline(b);
}

/* ---- QR ---- */

static int qr_module(const struct escpos *b, unsigned width)
{
	unsigned m = b->profile->dots / (width + 8);

	return m > 6 ? 6 : (int)m;
}

static int qr_native(struct escpos *b, const char *data, size_t n, unsigned module)
{
	size_t k = n + 3;

	PUT(b, GS, '(', 'k', 4, 0, 49, 65, 50, 0);          /* 165: model 2 */
	PUT(b, GS, '(', 'k', 3, 0, 49, 67, (unsigned char)module); /* 167: module */
	PUT(b, GS, '(', 'k', 3, 0, 49, 69, 49);             /* 169: level M */
	PUT(b, GS, '(', 'k', (unsigned char)(k & 0xff), (unsigned char)(k >> 8), 49, 80, 48);
	put(b, data, n);                                    /* 180: store */
	return PUT(b, GS, '(', 'k', 3, 0, 49, 81, 48);      /* 181: print */
}

/* A GS v 0 image: bytes per row = ceil(px / 8), MSB is the leftmost dot. */
static int qr_raster(struct escpos *b, const QRcode *qr, unsigned module)
{
	unsigned px = (unsigned)qr->width * module, xb = (px + 7) / 8, rows = px;
	unsigned char *row = calloc(xb, 1);

	if (!row) {
		fail(b, "escpos: out of memory");
		return -1;
	}
	PUT(b, GS, 'v', '0', 0, (unsigned char)(xb & 0xff), (unsigned char)(xb >> 8),
	    (unsigned char)(rows & 0xff), (unsigned char)(rows >> 8));
	for (unsigned y = 0; y < rows && !b->failed; y++) {
		memset(row, 0, xb);
		for (unsigned x = 0; x < px; x++)
			if (qr->data[(y / module) * (unsigned)qr->width + x / module] & 1)
				row[x / 8] |= (unsigned char)(0x80 >> (x % 8));
		put(b, row, xb);
	}
	free(row);
	return b->failed ? -1 : 0;
}

int escpos_qr(struct escpos *b, const char *data)
{
	size_t n = strlen(data);
	QRcode *qr;
	int module;

	if (b->failed)
		return -1;
	if (!n || n > QR_DATA_MAX) {
		fail(b, "escpos: QR data is 1..%d bytes, not %zu", QR_DATA_MAX, n);
		return -1;
	}
	qr = QRcode_encodeData((int)n, (const unsigned char *)data, 0, QR_ECLEVEL_M);
	if (!qr) {
		fail(b, "escpos: QR of %zu bytes cannot be made", n);
		return -1;
	}
	module = qr_module(b, (unsigned)qr->width);
	if (module < 1) {
		fail(b, "escpos: QR of %d modules is wider than %u dots", qr->width,
		     b->profile->dots);
	} else {
		if (b->col)
			escpos_newline(b);
		if (b->profile->qr == PRINTER_QR_NATIVE)
			qr_native(b, data, n, (unsigned)module);
		else
			qr_raster(b, qr, (unsigned)module);
		escpos_newline(b);
	}
	QRcode_free(qr);
	return b->failed ? -1 : 0;
}

/* ---- Code 128 ---- */

static size_t digit_run(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

int escpos_code128_data(const char *text, unsigned char *out, size_t cap, size_t *len,
			unsigned *modules)
{
	size_t n = strlen(text), o = 0, symbols = 2; /* start and check */
	char set = 0;

	if (!n || n > CODE128_TEXT_MAX)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (text[i] < 0x20 || text[i] > 0x7e)
			return -1;
	for (size_t i = 0; i < n;) {
		size_t run = digit_run(text + i);
		bool all = run == n && run % 2 == 0;

		if (run >= 4 || all) {
			if (run % 2) {        /* the odd digit goes in B first */
				if (set != 'B') {
					if (o + 2 > cap)
						return -1;
					out[o++] = '{', out[o++] = 'B';
					symbols += set ? 1 : 0;
					set = 'B';
				}
				if (o + 1 > cap)
					return -1;
				out[o++] = (unsigned char)text[i++];
				symbols++;
				run--;
			}
			if (o + 2 + run / 2 > cap)
				return -1;
			out[o++] = '{', out[o++] = 'C';
			symbols += set ? 1 : 0;
			set = 'C';
			for (size_t k = 0; k < run; k += 2, i += 2, symbols++)
				out[o++] = (unsigned char)((text[i] - '0') * 10 + (text[i + 1] - '0'));
			continue;
		}
		if (set != 'B') {
			if (o + 2 > cap)
				return -1;
			out[o++] = '{', out[o++] = 'B';
			symbols += set ? 1 : 0;
			set = 'B';
		}
		if (o + 2 > cap)
			return -1;
		if (text[i] == '{')
			out[o++] = '{';
		out[o++] = (unsigned char)text[i++];
		symbols++;
	}
	*len = o;
	/* 11 modules a symbol, 13 for the stop, a quiet zone of 4 each side
	 * inside the print area (the paper's own margin adds 4 mm more) */
	*modules = (unsigned)(symbols * 11 + 13 + 8);
	return 0;
}

/* The module width in dots (3 down to 1) at which modules fit the paper, or 0. */
static unsigned code128_width(const struct printer_profile *p, unsigned modules)
{
	unsigned w;

	for (w = 3; w >= 1 && modules * w > p->dots; w--)
		;
	return w;
}

bool escpos_code128_fits(const struct printer_profile *p, const char *text)
{
	unsigned char data[255];
	unsigned modules;
	size_t n;

	return p->code128 && !escpos_code128_data(text, data, sizeof(data), &n, &modules) &&
	       code128_width(p, modules) >= 1;
}

int escpos_code128(struct escpos *b, const char *text, unsigned height_dots)
{
	unsigned char data[255];
	unsigned modules, w;
	size_t n;

	if (b->failed)
		return -1;
	if (!b->profile->code128) {
		fail(b, "escpos: printer profile %s has no Code 128", b->profile->name);
		return -1;
	}
	if (escpos_code128_data(text, data, sizeof(data), &n, &modules)) {
		fail(b, "escpos: '%.40s' is not 1..%d printable ASCII characters for Code 128",
		     text, CODE128_TEXT_MAX);
		return -1;
	}
	w = code128_width(b->profile, modules);
	if (w < 1) {
		fail(b, "escpos: Code 128 of '%.40s' (%u modules) is wider than %u dots", text,
		     modules, b->profile->dots);
		return -1;
	}
	if (height_dots < 16 || height_dots > 255)
		height_dots = 80;
	if (b->col)
		escpos_newline(b);
	PUT(b, GS, 'H', 2, GS, 'f', 0, GS, 'h', (unsigned char)height_dots, GS, 'w',
	    (unsigned char)w, GS, 'k', 73, (unsigned char)n);
	put(b, data, n);
	return escpos_newline(b);
}

/* ---- paper ---- */

int escpos_feed(struct escpos *b, unsigned lines)
{
	kanji_off(b);
	b->col = 0;
	return PUT(b, ESC, 'd', (unsigned char)(lines > 255 ? 255 : lines));
}

int escpos_cut(struct escpos *b)
{
	if (b->col)
		escpos_newline(b);
	escpos_feed(b, b->profile->cut_feed);
	switch (b->profile->cutter) {
	case PRINTER_CUT_FULL: return PUT(b, GS, 'V', 0);
	case PRINTER_CUT_PARTIAL: return PUT(b, GS, 'V', 1);
	case PRINTER_CUT_NONE: break;
	}
	return b->failed ? -1 : 0;
}
