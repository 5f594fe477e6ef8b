// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * escpos_render: the parser and the canvas.
 *
 * Text is collected a line at a time in `strip` (as wide as the paper, as
 * tall as the tallest cell can be), each cell bottom-aligned, because the
 * justification of a line is known only once it ends (LF, a full line, a
 * graphic, the end).  render_flush_line() then copies the strip onto the
 * page at the justified offset and advances by the line spacing, or by the
 * tallest cell plus a small gap when that is more.  Rows below the page's
 * current y are always white, so lines and graphics are copied, not OR-ed.  Graphics (raster, QR, bars) end
 * the pending line and go straight onto the page.
 *
 * Every growth of the page goes through page_reserve(), the one place that
 * enforces ESCPOS_RENDER_HEIGHT_MAX.
 */
#include "escpos_render.h"
#include "escpos_render_internal.h"

#include <iconv.h>
#include <png.h>
#include <qrencode.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_SPACING 30       /* ESC 2: 1/6 inch at 180 dpi, ~3.75 mm */
#define LINE_GAP 6            /* below a cell taller than the spacing */
#define CUT_GAP 48            /* paper between two printouts in the preview */
int render_fail(struct render *s, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;

	if (s->failed)
		return -1;
	s->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_fail(s->e, "escpos_render: byte %zu: %s", s->at, msg);
}

/* ---- the page ---- */

static int page_reserve(struct render *s, unsigned rows)
{
	size_t need = (size_t)s->y + rows, n;
	unsigned char *p;

	if (need > ESCPOS_RENDER_HEIGHT_MAX)
		return render_fail(s, "the printout would be taller than %d dots",
			    ESCPOS_RENDER_HEIGHT_MAX);
	if (need <= s->page_rows)
		return 0;
	n = s->page_rows ? s->page_rows : 512;
	while (n < need)
		n *= 2;
	if (n > ESCPOS_RENDER_HEIGHT_MAX)
		n = ESCPOS_RENDER_HEIGHT_MAX;
	p = realloc(s->page, n * s->width);
	if (!p)
		return render_fail(s, "out of memory");
	memset(p + s->page_rows * s->width, 0, (n - s->page_rows) * s->width);
	s->page = p;
	s->page_rows = n;
	return 0;
}

static int advance(struct render *s, unsigned rows)
{
	if (page_reserve(s, rows))
		return -1;
	s->y += rows;
	return 0;
}

static unsigned justify(const struct render *s, unsigned w)
{
	if (w >= s->width)
		return 0;
	return s->align == 1 ? (s->width - w) / 2 : s->align == 2 ? s->width - w : 0;
}

/* The pending line onto the page; an empty line is a feed of the spacing. */
int render_flush_line(struct render *s)
{
	unsigned adv = s->spacing, top, off;

	if (s->line_any && s->line_h + LINE_GAP > adv)
		adv = s->line_h + LINE_GAP;
	if (page_reserve(s, adv))
		return -1;
	if (s->line_any) {
		top = adv - s->line_h;
		if (s->line_h > adv)
			top = 0;
		off = justify(s, s->line_x);
		for (unsigned y = 0; y < s->line_h && top + y < adv; y++) {
			const unsigned char *src = s->strip + (size_t)(CELL_H_MAX - s->line_h + y) * s->width;
			unsigned char *dst = s->page + (size_t)(s->y + top + y) * s->width + off;

			/* rows below s->y are still white: a copy, not an OR */
			memcpy(dst, src, s->line_x < s->width - off ? s->line_x : s->width - off);
		}
		/* cells are bottom-aligned: only the line's own rows were drawn */
		memset(s->strip + (size_t)(CELL_H_MAX - s->line_h) * s->width, 0,
		       (size_t)s->line_h * s->width);
	}
	s->y += adv;
	s->line_x = s->line_h = 0;
	s->line_any = false;
	return 0;
}

/* Ends a pending line before a graphic (as a printer prints its buffer). */
int render_end_text(struct render *s)
{
	return s->line_any ? render_flush_line(s) : 0;
}

int render_put_char(struct render *s, uint32_t cp, bool full)
{
	unsigned bw = full ? 24 : s->font ? 9 : 12, bh = full ? 24 : s->font ? 17 : 24;
	unsigned w = bw * s->mw, h = bh * s->mh;
	unsigned char *cell;
	bool owned;

	if (w > s->width)
		return render_fail(s, "a character %u dots wide on %u dots of paper", w, s->width);
	if (s->line_x + w > s->width) {
		s->wraps++;
		if (render_flush_line(s))
			return -1;
	}
	cell = render_glyph(s->r, cp, w, h, !full, s->bold, &owned);
	if (!cell)
		return render_fail(s, "out of memory");
	for (unsigned y = 0; y < h; y++) {
		unsigned char *dst = s->strip + (size_t)(CELL_H_MAX - h + y) * s->width + s->line_x;

		memcpy(dst, cell + (size_t)y * w, w);   /* a fresh cell of the strip */
	}
	if (owned)
		free(cell);
	s->line_x += w;
	if (h > s->line_h)
		s->line_h = h;
	s->line_any = true;
	return 0;
}

/* A block of bits (1 = black) of w x h at the justified x, below the text. */
int render_put_block(struct render *s, const unsigned char *bits, unsigned w, unsigned h)
{
	unsigned off;

	if (w > s->width)
		return render_fail(s, "a graphic %u dots wide on %u dots of paper", w, s->width);
	if (render_end_text(s) || page_reserve(s, h))
		return -1;
	off = justify(s, w);
	for (unsigned y = 0; y < h; y++)   /* rows below s->y are still white */
		memcpy(s->page + (size_t)(s->y + y) * s->width + off, bits + (size_t)y * w, w);
	s->y += h;
	return 0;
}

/* ---- commands ---- */

bool render_need(struct render *s, size_t n)
{
	if (s->len - s->at < n) {
		render_fail(s, "command cut short (%zu of %zu bytes)", s->len - s->at, n);
		return false;
	}
	return true;
}

static void modes_reset(struct render *s)
{
	s->align = s->font = 0;
	s->mw = s->mh = 1;
	s->spacing = LINE_SPACING;
	s->code_page = 0;
	s->bold = s->kanji = false;
	s->hri_pos = s->hri_font = 0;
	s->bar_h = 162;
	s->bar_w = 3;
	s->qr_module = 3;
	s->qr_ecc = 48;
	s->qr_len = 0;
}

static int cmd_esc(struct render *s)
{
	unsigned char c, n;

	if (!render_need(s, 2))
		return -1;
	c = s->d[s->at + 1];
	if (c == '@') {
		modes_reset(s);
		memset(s->strip, 0, (size_t)s->width * CELL_H_MAX);  /* the buffer is cleared */
		s->line_x = s->line_h = 0;
		s->line_any = false;
		s->at += 2;
		return 0;
	}
	if (c == '2') {
		s->spacing = LINE_SPACING;
		s->at += 2;
		return 0;
	}
	if (!strchr("aE!MtdJ3R-", c) || !c)
		return render_fail(s, "ESC 0x%02x is not in the subset", c);
	if (!render_need(s, 3))
		return -1;
	n = s->d[s->at + 2];
	switch (c) {
	case 'a':
		if (n > 2 && (n < 48 || n > 50))
			return render_fail(s, "ESC a %u", n);
		s->align = n % 48;
		break;
	case 'E': s->bold = n & 1; break;
	case '!':
		s->font = n & 1;
		s->bold = n & 8;
		s->mh = n & 16 ? 2 : 1;
		s->mw = n & 32 ? 2 : 1;
		break;
	case 'M':
		if (n > 1 && n != 48 && n != 49)
			return render_fail(s, "ESC M %u", n);
		s->font = n & 1;
		break;
	case 't': s->code_page = n; break;
	case 'd':
		if (render_end_text(s))
			return -1;
		s->at += 3;   /* before advance(), so an error names the next byte */
		return advance(s, n * s->spacing);
	case 'J':
		if (render_end_text(s))
			return -1;
		s->at += 3;
		return advance(s, n);
	case '3': s->spacing = n; break;
	default: break;           /* ESC R, ESC -: no effect on the preview */
	}
	s->at += 3;
	return 0;
}

static int cut(struct render *s, unsigned feed)
{
	unsigned y;

	if (render_end_text(s) || advance(s, feed) || page_reserve(s, CUT_GAP))
		return -1;
	y = s->y + CUT_GAP / 2;
	for (unsigned x = 0; x < s->width; x++)
		if ((x / 8) % 2 == 0)
			s->page[(size_t)y * s->width + x] = 1;
	s->y += CUT_GAP;
	return 0;
}

static int raster(struct render *s)
{
	unsigned m, xb, rows, sx, sy, w, h;
	unsigned char *bits;
	const unsigned char *src;
	int rc;

	if (!render_need(s, 8))
		return -1;
	m = s->d[s->at + 3];
	xb = s->d[s->at + 4] | s->d[s->at + 5] << 8;
	rows = s->d[s->at + 6] | s->d[s->at + 7] << 8;
	if ((m > 3 && (m < 48 || m > 51)) || !xb || !rows)
		return render_fail(s, "GS v 0 with mode %u, %u x %u", m, xb, rows);
	sx = (m & 1) ? 2 : 1;
	sy = (m & 2) ? 2 : 1;
	w = xb * 8 * sx;
	h = rows * sy;
	if (w > s->width)
		return render_fail(s, "a raster image %u dots wide on %u dots of paper", w, s->width);
	if (h > ESCPOS_RENDER_HEIGHT_MAX)
		return render_fail(s, "a raster image %u dots tall", h);
	if (!render_need(s, 8 + (size_t)xb * rows))
		return -1;
	src = s->d + s->at + 8;
	bits = malloc((size_t)w * h);
	if (!bits)
		return render_fail(s, "out of memory");
	for (unsigned y = 0; y < h; y++)
		for (unsigned x = 0; x < w; x++) {
			unsigned bx = x / sx, by = y / sy;

			bits[(size_t)y * w + x] = (src[(size_t)by * xb + bx / 8] >> (7 - bx % 8)) & 1;
		}
	rc = render_put_block(s, bits, w, h);
	free(bits);
	if (!rc)
		s->at += 8 + (size_t)xb * rows;
	return rc;
}

static int qr_print(struct render *s)
{
	static const QRecLevel levels[4] = { QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q,
					      QR_ECLEVEL_H };
	QRcode *qr;
	unsigned char *bits;
	unsigned w, m = s->qr_module;
	int rc;

	if (!s->qr_len)
		return 0;        /* nothing stored: the printer prints nothing */
	qr = QRcode_encodeData((int)s->qr_len, s->qr_data, 0, levels[s->qr_ecc - 48]);
	if (!qr)
		return render_fail(s, "QR of %zu bytes cannot be made", s->qr_len);
	w = (unsigned)qr->width * m;
	if (w > s->width) {
		QRcode_free(qr);
		return render_fail(s, "a QR code %u dots wide on %u dots of paper", w, s->width);
	}
	bits = malloc((size_t)w * w);
	if (!bits) {
		QRcode_free(qr);
		return render_fail(s, "out of memory");
	}
	for (unsigned y = 0; y < w; y++)
		for (unsigned x = 0; x < w; x++)
			bits[(size_t)y * w + x] = qr->data[(y / m) * (unsigned)qr->width + x / m] & 1;
	rc = render_put_block(s, bits, w, w);
	free(bits);
	QRcode_free(qr);
	return rc;
}

/* GS ( k pL pH cn fn ...: k = pL + 256 pH bytes follow pH. */
static int cmd_2d(struct render *s)
{
	const unsigned char *a;
	size_t k;
	int rc = 0;

	if (!render_need(s, 5))
		return -1;
	k = s->d[s->at + 3] | (size_t)s->d[s->at + 4] << 8;
	if (k < 2)
		return render_fail(s, "GS ( k with %zu bytes", k);
	if (!render_need(s, 5 + k))
		return -1;
	a = s->d + s->at + 5;      /* cn fn params */
	if (a[0] == 49) {
		switch (a[1]) {
		case 65:
			if (k != 4 || a[2] < 49 || a[2] > 51)
				return render_fail(s, "QR model");
			break;             /* model 1 and micro QR drawn as model 2 */
		case 67:
			if (k != 3 || a[2] < 1 || a[2] > 16)
				return render_fail(s, "QR module size");
			s->qr_module = a[2];
			break;
		case 69:
			if (k != 3 || a[2] < 48 || a[2] > 51)
				return render_fail(s, "QR error correction");
			s->qr_ecc = a[2];
			break;
		case 80:
			if (k < 3 || a[2] != 48 || k - 3 > QR_STORE_MAX)
				return render_fail(s, "QR store of %zu bytes", k < 3 ? 0 : k - 3);
			s->qr_len = k - 3;
			memcpy(s->qr_data, a + 3, s->qr_len);
			break;
		case 81:
			if (k != 3 || a[2] != 48)
				return render_fail(s, "QR print");
			rc = qr_print(s);
			break;
		default: break;            /* size information &c.: nothing to draw */
		}
	}
	if (!rc)
		s->at += 5 + k;
	return rc;
}

static int cmd_gs(struct render *s)
{
	unsigned char c, n;

	if (!render_need(s, 2))
		return -1;
	c = s->d[s->at + 1];
	if (c == 'v')
		return render_need(s, 3) && s->d[s->at + 2] == '0' ? raster(s)
							    : render_fail(s, "GS v other than GS v 0");
	if (c == '(')
		return render_need(s, 3) && s->d[s->at + 2] == 'k' ? cmd_2d(s)
							    : render_fail(s, "GS ( other than GS ( k");
	if (c == 'k')
		return render_barcode(s);
	if (!c || !strchr("!VHfhw", c))
		return render_fail(s, "GS 0x%02x is not in the subset", c);
	if (!render_need(s, 3))
		return -1;
	n = s->d[s->at + 2];
	switch (c) {
	case '!':
		if ((n >> 4) >= MULT_MAX || (n & 0x0f) >= MULT_MAX)
			return render_fail(s, "GS ! 0x%02x", n);
		s->mw = (n >> 4) + 1u;
		s->mh = (n & 0x0f) + 1u;
		break;
	case 'V':
		if (n == 0 || n == 1 || n == 48 || n == 49) {
			s->at += 3;
			return cut(s, 0);
		}
		if (n == 65 || n == 66) {
			if (!render_need(s, 4))
				return -1;
			s->at += 4;
			return cut(s, s->d[s->at - 1]);
		}
		return render_fail(s, "GS V %u", n);
	case 'H':
		if (n > 3 && (n < 48 || n > 51))
			return render_fail(s, "GS H %u", n);
		s->hri_pos = n % 48;
		break;
	case 'f': s->hri_font = n & 1; break;
	case 'h':
		if (!n)
			return render_fail(s, "GS h 0");
		s->bar_h = n;
		break;
	case 'w':
		if (n < 1 || n > 6)
			return render_fail(s, "GS w %u", n);
		s->bar_w = n;
		break;
	}
	s->at += 3;
	return 0;
}

static int cmd_fs(struct render *s)
{
	unsigned char c;

	if (!render_need(s, 2))
		return -1;
	c = s->d[s->at + 1];
	if (c == '&' || c == '.') {
		s->kanji = c == '&';
		s->at += 2;
		return 0;
	}
	if (c == 'C' || c == '!' || c == '-') {
		if (!render_need(s, 3))
			return -1;
		if (c == 'C' && s->d[s->at + 2] != 1 && s->d[s->at + 2] != 49)
			return render_fail(s, "FS C %u: only Shift-JIS is in the subset", s->d[s->at + 2]);
		s->at += 3;
		return 0;
	}
	return render_fail(s, "FS 0x%02x is not in the subset", c);
}

static bool sjis_lead(unsigned c)
{
	return (c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc);
}

static int text_byte(struct render *s)
{
	unsigned c = s->d[s->at];

	if (s->kanji && sjis_lead(c)) {
		unsigned char in[2], out[8];
		char *ip = (char *)in, *op = (char *)out;
		size_t il = 2, ol = sizeof(out);
		uint32_t cp = 0x3013;     /* GETA MARK for a pair CP932 lacks */

		if (!render_need(s, 2))
			return -1;
		in[0] = (unsigned char)c;
		in[1] = s->d[s->at + 1];
		if (in[1] < 0x40 || in[1] == 0x7f || in[1] > 0xfc)
			return render_fail(s, "Shift-JIS pair %02x %02x", in[0], in[1]);
		iconv(s->r->sjis, NULL, NULL, NULL, NULL);
		if (iconv(s->r->sjis, &ip, &il, &op, &ol) != (size_t)-1 && ol == 4)
			cp = out[0] | out[1] << 8 | (uint32_t)out[2] << 16 | (uint32_t)out[3] << 24;
		s->at += 2;
		return render_put_char(s, cp, true);
	}
	s->at++;
	if (c >= 0x80)    /* PC437's yen sign; other high bytes are not drawn */
		return render_put_char(s, c == 0x9d && s->code_page == 0 ? 0xa5 : 0xfffd, false);
	return render_put_char(s, c, false);
}

static int run(struct render *s)
{
	while (s->at < s->len && !s->failed) {
		unsigned c = s->d[s->at];
		int rc;

		switch (c) {
		case '\n':
			s->at++;
			rc = render_flush_line(s);
			break;
		case '\r':
			s->at++;
			rc = 0;
			break;
		case ESC: rc = cmd_esc(s); break;
		case GS: rc = cmd_gs(s); break;
		case FS: rc = cmd_fs(s); break;
		default:
			if (c < 0x20 || c == 0x7f)
				return render_fail(s, "control byte 0x%02x is not in the subset", c);
			rc = text_byte(s);
		}
		if (rc)
			return -1;
	}
	return render_end_text(s);
}

int escpos_render(struct escpos_renderer *r, const struct printer_profile *p,
		  const unsigned char *data, size_t len, struct escpos_image *out,
		  struct err *e)
{
	struct render *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if (p->dots < 8 || p->dots > 1024)
		return err_fail(e, "escpos_render: %u dots is not a paper width", p->dots);
	s = calloc(1, sizeof(*s));
	if (!s)
		return err_fail(e, "escpos_render: out of memory");
	s->r = r;
	s->p = p;
	s->d = data;
	s->len = len;
	s->e = e;
	s->width = p->dots;
	modes_reset(s);
	s->strip = calloc((size_t)s->width * CELL_H_MAX, 1);
	rc = s->strip ? run(s) : err_fail(e, "escpos_render: out of memory");
	if (!rc && !s->y)
		rc = render_fail(s, "nothing to print");
	if (!rc) {
		out->width = s->width;
		out->height = s->y;
		out->px = s->page;
		out->wraps = s->wraps;
		s->page = NULL;
	}
	free(s->page);
	free(s->strip);
	free(s);
	return rc;
}

void escpos_image_free(struct escpos_image *im)
{
	if (!im)
		return;
	free(im->px);
	memset(im, 0, sizeof(*im));
}

int escpos_image_write_png(const struct escpos_image *im, const char *path, struct err *e)
{
	png_structp png = NULL;
	png_infop info = NULL;
	unsigned char *row = NULL;
	FILE *f;

	if (!im->px || !im->width || !im->height)
		return err_fail(e, "escpos_render: an empty image");
	f = fopen(path, "wb");
	if (!f)
		return err_fail(e, "%s: cannot be written", path);
	row = malloc(im->width);
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png ? png_create_info_struct(png) : NULL;
	if (!row || !info || setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(row);
		fclose(f);
		remove(path);
		return err_fail(e, "%s: PNG not written", path);
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, im->width, im->height, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (unsigned y = 0; y < im->height; y++) {
		for (unsigned x = 0; x < im->width; x++)
			row[x] = im->px[(size_t)y * im->width + x] ? 0 : 255;
		png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(row);
	if (fclose(f))
		return err_fail(e, "%s: PNG not written", path);
	return 0;
}
