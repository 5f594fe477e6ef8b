// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * escpos_render_bars: GS k for the preview.  Code 128 (m = 73) is drawn
 * from its own table of bar and space widths, with the HRI text; the other
 * symbologies are skipped by their length (function B) or their NUL
 * (function A).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "escpos_render_internal.h"

/* Code 128 bars and spaces, in modules: values 0..105, then the stop. */
static const char code128[107][8] = {
	"212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312",
	"132212", "221213", "221312", "231212", "112232", "122132", "122231", "113222",
	"123122", "123221", "223211", "221132", "221231", "213212", "223112", "312131",
	"311222", "321122", "321221", "312212", "322112", "322211", "212123", "212321",
	"232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
	"231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121",
	"313121", "211331", "231131", "213113", "213311", "213131", "311123", "311321",
	"331121", "312113", "312311", "332111", "314111", "221411", "431111", "111224",
	"111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
	"122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
	"111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112",
	"421211", "212141", "214121", "412121", "111143", "111341", "131141", "114113",
	"114311", "411113", "411311", "113141", "114131", "311141", "411131", "211412",
	"211214", "211232", "2331112",
};

/* The symbol values and the HRI text of GS k 73 data (code sets A, B, C,
 * FNC1 and '{' itself; shift and FNC2..4 are refused). */
static int code128_values(struct render *s, const unsigned char *d, size_t n,
			  unsigned char *val, size_t *nv, char *hri)
{
	size_t v = 0, h = 0;
	char set;

	if (n < 2 || d[0] != '{' || d[1] < 'A' || d[1] > 'C')
		return render_fail(s, "Code 128 data does not start with {A, {B or {C");
	set = (char)d[1];
	val[v++] = (unsigned char)(103 + (set - 'A'));
	for (size_t i = 2; i < n; i++) {
		unsigned c = d[i];

		if (c == '{' && i + 1 < n && d[i + 1] != '{') {
			unsigned char f = d[++i];

			if (f >= 'A' && f <= 'C') {
				if (f != set)
					val[v++] = (unsigned char)(f == 'A' ? 101 : f == 'B' ? 100 : 99);
				set = (char)f;
			} else if (f == '1') {
				val[v++] = 102;
			} else {
				return render_fail(s, "Code 128 function {%c is not in the subset",
					    f >= 0x20 && f < 0x7f ? f : '?');
			}
			continue;
		}
		if (c == '{') {
			if (i + 1 >= n)
				return render_fail(s, "Code 128 data ends in '{'");
			i++;      /* "{{" is '{' */
		}
		if (set == 'C') {
			if (c > 99)
				return render_fail(s, "Code 128 set C value %u", c);
			val[v++] = (unsigned char)c;
			hri[h++] = (char)('0' + c / 10);
			hri[h++] = (char)('0' + c % 10);
		} else if (set == 'B') {
			if (c < 32 || c > 127)
				return render_fail(s, "Code 128 set B byte 0x%02x", c);
			val[v++] = (unsigned char)(c - 32);
			hri[h++] = c < 127 ? (char)c : ' ';
		} else {
			if (c > 95)
				return render_fail(s, "Code 128 set A byte 0x%02x", c);
			val[v++] = (unsigned char)(c < 32 ? c + 64 : c - 32);
			hri[h++] = c >= 32 ? (char)c : ' ';
		}
	}
	*nv = v;
	hri[h] = '\0';
	return 0;
}

static int hri_line(struct render *s, const char *text)
{
	unsigned font = s->font, mw = s->mw, mh = s->mh;
	bool bold = s->bold;
	int rc = 0;

	s->font = s->hri_font & 1;
	s->mw = s->mh = 1;
	s->bold = false;
	for (const char *c = text; *c && !rc; c++)
		rc = render_put_char(s, (unsigned char)*c, false);
	if (!rc)
		rc = render_flush_line(s);
	s->font = font;
	s->mw = mw;
	s->mh = mh;
	s->bold = bold;
	return rc;
}

static int bars(struct render *s, const unsigned char *d, size_t n)
{
	unsigned char val[260];
	char hri[520];
	size_t nv = 0, sum = 0;
	unsigned modules = 0, w, x = 0;
	unsigned char *bits;
	int rc;

	if (code128_values(s, d, n, val, &nv, hri))
		return -1;
	sum = val[0];
	for (size_t i = 1; i < nv; i++)
		sum += i * val[i];
	val[nv++] = (unsigned char)(sum % 103);
	val[nv++] = 106;
	modules = (unsigned)(nv - 1) * 11 + 13;
	w = modules * s->bar_w;
	if (w > s->width)
		return render_fail(s, "a Code 128 symbol %u dots wide on %u dots of paper", w, s->width);
	bits = calloc(w, s->bar_h);
	if (!bits)
		return render_fail(s, "out of memory");
	for (size_t i = 0; i < nv; i++)
		for (const char *p = code128[val[i]]; *p; p++) {
			bool bar = (p - code128[val[i]]) % 2 == 0;
			unsigned run = (unsigned)(*p - '0') * s->bar_w;

			for (unsigned k = 0; k < run; k++, x++)
				if (bar)
					for (unsigned y = 0; y < s->bar_h; y++)
						bits[(size_t)y * w + x] = 1;
		}
	rc = render_end_text(s);
	if (!rc && (s->hri_pos == 1 || s->hri_pos == 3))
		rc = hri_line(s, hri);
	if (!rc)
		rc = render_put_block(s, bits, w, s->bar_h);
	if (!rc && (s->hri_pos == 2 || s->hri_pos == 3))
		rc = hri_line(s, hri);
	free(bits);
	return rc;
}

int render_barcode(struct render *s)
{
	unsigned m;
	size_t n;

	if (!render_need(s, 3))
		return -1;
	m = s->d[s->at + 2];
	if (m <= 6) {              /* function A: NUL-terminated, skipped */
		const unsigned char *z = memchr(s->d + s->at + 3, 0, s->len - s->at - 3);

		if (!z)
			return render_fail(s, "GS k %u without its NUL", m);
		s->at = (size_t)(z - s->d) + 1;
		return 0;
	}
	if (m < 65 || m > 79)
		return render_fail(s, "GS k %u", m);
	if (!render_need(s, 4))
		return -1;
	n = s->d[s->at + 3];
	if (!render_need(s, 4 + n))
		return -1;
	if (m == 73 && bars(s, s->d + s->at + 4, n))
		return -1;
	s->at += 4 + n;            /* other symbologies: skipped */
	return 0;
}

