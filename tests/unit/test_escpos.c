// SPDX-License-Identifier: GPL-2.0-or-later
/* escpos: the bytes of small hand-built sequences, written out here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "escpos.h"

static struct printer_profile p80, p58, basic;

static int load(void **state)
{
	const char *top = getenv("TENPO_TOP");
	char dir[1024];
	struct err e;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/drivers/profiles", top ? top : ".");
	if (printer_profile_find(&p80, dir, "generic-80mm", &e) ||
	    printer_profile_find(&p58, dir, "generic-58mm", &e) ||
	    printer_profile_find(&basic, dir, "basic-58mm", &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	return 0;
}

/* The buffer holds exactly want (n bytes); on a difference, both in hex. */
static void bytes_equal(const struct escpos *b, const unsigned char *want, size_t n)
{
	size_t len;
	const unsigned char *got = escpos_data(b, &len);

	if (len == n && !memcmp(got, want, n))
		return;
	for (size_t i = 0; i < len; i++)
		fprintf(stderr, "%02x%s", got[i], i + 1 < len ? " " : "\n");
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%02x%s", want[i], i + 1 < n ? " " : "\n");
	fail_msg("%zu bytes, wanted %zu (got first, wanted second above)", len, n);
}

#define EXPECT(b, ...)                                                                  \
	bytes_equal((b), (const unsigned char[]){ __VA_ARGS__ },                         \
		    sizeof((const unsigned char[]){ __VA_ARGS__ }))

static void reset_and_modes(void **state)
{
	struct escpos b;

	(void)state;
	escpos_init(&b, &p80, 0);
	assert_int_equal(escpos_reset(&b), 0);
	EXPECT(&b, 0x1b, '@', 0x1b, 't', 0, 0x1c, 'C', 1, 0x1c, '.');
	escpos_free(&b);

	escpos_init(&b, &basic, 0);
	escpos_reset(&b);
	escpos_align(&b, ESCPOS_CENTER);
	escpos_bold(&b, true);
	escpos_size(&b, 2, 1);
	escpos_font(&b, ESCPOS_FONT_B);
	assert_int_equal(escpos_finish(&b, NULL), 0);
	/* no FS C on a profile without Kanji */
	EXPECT(&b, 0x1b, '@', 0x1b, 't', 0, 0x1b, 'a', 1, 0x1b, 'E', 1, 0x1d, '!', 0x10,
	       0x1b, 'M', 1);
	assert_int_equal(escpos_columns(&b), 21);   /* 42 in font B, double width */
	assert_int_equal(escpos_size(&b, 9, 1), -1);
	escpos_free(&b);
	escpos_free(NULL);
}

static void kanji_mode_around_double_bytes(void **state)
{
	struct escpos b;

	(void)state;
	escpos_init(&b, &p80, 0);
	escpos_line(&b, "受取");
	EXPECT(&b, 0x1c, '&', 0x8e, 0xf3, 0x8e, 0xe6, 0x1c, '.', '\n');
	escpos_free(&b);

	escpos_init(&b, &p80, 0);
	escpos_text(&b, "A受取B円");
	escpos_newline(&b);
	EXPECT(&b, 'A', 0x1c, '&', 0x8e, 0xf3, 0x8e, 0xe6, 0x1c, '.', 'B', 0x1c, '&', 0x89,
	       0x7e, 0x1c, '.', '\n');
	escpos_free(&b);
}

static void shift_jis_and_replacements(void **state)
{
	struct escpos b;

	(void)state;
	/* WAVE DASH (not in CP932, in SHIFT_JIS), FULLWIDTH YEN, an emoji and a
	 * lone 0xff (both replaced by the geta mark), and the yen sign */
	escpos_init(&b, &p80, 0);
	escpos_text(&b, "〜￥😀\xff");
	escpos_text(&b, "¥");
	EXPECT(&b, 0x1c, '&', 0x81, 0x60, 0x81, 0x8f, 0x81, 0xac, 0x81, 0xac, 0x1c, '.', 0x9d);
	assert_int_equal(escpos_finish(&b, NULL), 0);
	escpos_free(&b);

	/* without Kanji every non-ASCII character is one '?', never dropped */
	escpos_init(&b, &basic, 0);
	escpos_text(&b, "円A受\xe3\x81");
	escpos_text(&b, "¥1");
	EXPECT(&b, '?', 'A', '?', '?', 0x9d, '1');
	assert_int_equal(escpos_text_columns(&b, "円A受"), 3);
	escpos_free(&b);
	escpos_init(&b, &p80, 0);
	assert_int_equal(escpos_text_columns(&b, "円A受¥"), 6);
	escpos_free(&b);
}

static void wrap_at_48_columns(void **state)
{
	unsigned char want[64];
	char text[64];
	struct escpos b;

	(void)state;
	/* 47 columns used: a double-byte character does not fit and moves whole */
	memset(text, 'a', 47);
	strcpy(text + 47, "受");
	escpos_init(&b, &p80, 0);
	escpos_line(&b, text);
	memset(want, 'a', 47);
	memcpy(want + 47, (const unsigned char[]){ '\n', 0x1c, '&', 0x8e, 0xf3, 0x1c, '.', '\n' }, 8);
	bytes_equal(&b, want, 55);
	escpos_free(&b);

	/* 46 used: it fits exactly, one line */
	text[46] = '\0';
	strcat(text, "受");
	escpos_init(&b, &p80, 0);
	escpos_line(&b, text);
	memset(want, 'a', 46);
	memcpy(want + 46, (const unsigned char[]){ 0x1c, '&', 0x8e, 0xf3, 0x1c, '.', '\n' }, 7);
	bytes_equal(&b, want, 53);
	escpos_free(&b);

	/* a word moves to the next line whole, without its leading space */
	escpos_init(&b, &p80, 0);
	escpos_size(&b, 4, 1);               /* 12 columns */
	escpos_line(&b, "Thank you for coming");
	EXPECT(&b, 0x1d, '!', 0x30, 'T', 'h', 'a', 'n', 'k', ' ', 'y', 'o', 'u', ' ', '\n', 'f',
	       'o', 'r', ' ', 'c', 'o', 'm', 'i', 'n', 'g', '\n');
	escpos_free(&b);
}

static void rows(void **state)
{
	unsigned char want[64];
	struct escpos b;

	(void)state;
	escpos_init(&b, &p58, 0);
	escpos_row(&b, "Order", "K7Q2M9X4P1");
	memset(want, ' ', sizeof(want));
	memcpy(want, "Order", 5);
	memcpy(want + 22, "K7Q2M9X4P1\n", 11);
	bytes_equal(&b, want, 33);
	escpos_free(&b);

	/* too long for one line: the label, then the value indented by two */
	escpos_init(&b, &p58, 0);
	escpos_row(&b, "Title", "A Very Long Title That Does Not Fit");
	{
		const char *w = "Title\n  A Very Long Title That Does \n  Not Fit\n";

		bytes_equal(&b, (const unsigned char *)w, strlen(w));
	}
	escpos_free(&b);
}

static void qr_native_bytes(void **state)
{
	char data[301];
	struct escpos b;
	size_t len;
	const unsigned char *d;

	(void)state;
	escpos_init(&b, &p80, 0);
	assert_int_equal(escpos_qr(&b, "K7Q2M9X4P1"), 0);
	EXPECT(&b, 0x1d, '(', 'k', 4, 0, 49, 65, 50, 0,          /* model 2 */
	       0x1d, '(', 'k', 3, 0, 49, 67, 6,                  /* module 6 dots */
	       0x1d, '(', 'k', 3, 0, 49, 69, 49,                 /* level M */
	       0x1d, '(', 'k', 13, 0, 49, 80, 48, 'K', '7', 'Q', '2', 'M', '9', 'X', '4', 'P',
	       '1',                                              /* store: 10 + 3 */
	       0x1d, '(', 'k', 3, 0, 49, 81, 48, '\n');          /* print */
	escpos_free(&b);

	/* 300 bytes: pL pH = 303 = 0x2f 0x01; the module shrinks to fit */
	memset(data, 'x', 300);
	data[300] = '\0';
	escpos_init(&b, &p58, 0);
	assert_int_equal(escpos_qr(&b, data), 0);
	d = escpos_data(&b, &len);
	assert_int_equal(len, 9 + 8 + 8 + 8 + 300 + 8 + 1);
	assert_memory_equal(d + 25, ((const unsigned char[]){ 0x1d, '(', 'k', 0x2f, 0x01, 49, 80, 48 }), 8);
	assert_true(d[16] >= 1 && d[16] < 6);
	escpos_free(&b);
}

static void qr_raster_on_basic(void **state)
{
	struct escpos b;
	size_t len, xb, rows;
	const unsigned char *d;

	(void)state;
	escpos_init(&b, &basic, 0);
	assert_int_equal(escpos_qr(&b, "K7Q2M9X4P1"), 0);
	d = escpos_data(&b, &len);
	assert_memory_equal(d, ((const unsigned char[]){ 0x1d, 'v', '0', 0 }), 4);
	xb = d[4] | d[5] << 8;
	rows = d[6] | d[7] << 8;
	assert_int_equal(rows, 21 * 6);          /* version 1, 6-dot modules */
	assert_int_equal(xb, (21 * 6 + 7) / 8);
	assert_int_equal(len, 8 + xb * rows + 1);
	assert_int_equal(d[8] & 0xfe, 0xfe);     /* the finder's black top-left */
	assert_null(memmem(d, len, "\x1d(k", 3));
	escpos_free(&b);
}

static void code128_sets(void **state)
{
	unsigned char out[64];
	unsigned modules;
	size_t n;
	struct escpos b;

	(void)state;
	/* an even run of digits: code set C, two digits a byte */
	assert_int_equal(escpos_code128_data("12345678", out, sizeof(out), &n, &modules), 0);
	assert_int_equal(n, 6);
	assert_memory_equal(out, ((const unsigned char[]){ '{', 'C', 12, 34, 56, 78 }), 6);
	assert_int_equal(modules, (1 + 4 + 1) * 11 + 13 + 8);
	/* short runs stay in B; an odd run leaves its first digit in B */
	assert_int_equal(escpos_code128_data("AB12", out, sizeof(out), &n, &modules), 0);
	assert_memory_equal(out, "{BAB12", 6);
	assert_int_equal(escpos_code128_data("A12345{", out, sizeof(out), &n, &modules), 0);
	assert_int_equal(n, 12);                  /* '{' itself is "{{" */
	assert_memory_equal(out, ((const unsigned char[]){ '{', 'B', 'A', '1', '{', 'C', 23, 45,
							    '{', 'B', '{', '{' }), 12);
	assert_int_equal(escpos_code128_data("", out, sizeof(out), &n, &modules), -1);
	assert_int_equal(escpos_code128_data("caf\xc3\xa9", out, sizeof(out), &n, &modules), -1);

	escpos_init(&b, &p80, 0);
	assert_int_equal(escpos_code128(&b, "1234", 80), 0);
	EXPECT(&b, 0x1d, 'H', 2, 0x1d, 'f', 0, 0x1d, 'h', 80, 0x1d, 'w', 3, 0x1d, 'k', 73, 4, '{',
	       'C', 12, 34, '\n');
	escpos_free(&b);
	escpos_init(&b, &basic, 0);
	assert_int_equal(escpos_code128(&b, "1234", 80), -1);
	escpos_free(&b);
}

static void feed_and_cut(void **state)
{
	struct escpos b;

	(void)state;
	escpos_init(&b, &p80, 0);
	escpos_text(&b, "x");
	escpos_cut(&b);
	EXPECT(&b, 'x', '\n', 0x1b, 'd', 4, 0x1d, 'V', 1);
	escpos_free(&b);
	escpos_init(&b, &basic, 0);   /* no cutter: the feed only */
	escpos_cut(&b);
	EXPECT(&b, 0x1b, 'd', 3);
	escpos_free(&b);
}

static void cap_is_sticky(void **state)
{
	struct escpos b;
	struct err e;
	size_t len;

	(void)state;
	escpos_init(&b, &p80, 16);
	assert_int_equal(escpos_raw(&b, "0123456789", 10), 0);
	assert_int_equal(escpos_raw(&b, "0123456789", 10), -1);
	assert_int_equal(escpos_reset(&b), -1);     /* would fit, but the error stays */
	assert_int_equal(escpos_line(&b, "a"), -1);
	escpos_data(&b, &len);
	assert_int_equal(len, 10);
	assert_int_equal(escpos_finish(&b, &e), -1);
	assert_non_null(strstr(e.msg, "larger than 16 bytes"));
	escpos_free(&b);

	/* a QR too big for the paper is an error, not a silent gap */
	escpos_init(&b, &p58, 0);
	{
		char big[1001];

		memset(big, 'x', 1000);
		big[1000] = '\0';
		assert_int_equal(escpos_qr(&b, big), 0);     /* fits at 1..2 dots */
		big[0] = '\0';
		assert_int_equal(escpos_qr(&b, big), -1);
	}
	assert_int_equal(escpos_finish(&b, &e), -1);
	assert_non_null(strstr(e.msg, "QR data"));
	escpos_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reset_and_modes),
		cmocka_unit_test(kanji_mode_around_double_bytes),
		cmocka_unit_test(shift_jis_and_replacements),
		cmocka_unit_test(wrap_at_48_columns),
		cmocka_unit_test(rows),
		cmocka_unit_test(qr_native_bytes),
		cmocka_unit_test(qr_raster_on_basic),
		cmocka_unit_test(code128_sets),
		cmocka_unit_test(feed_and_cut),
		cmocka_unit_test(cap_is_sticky),
	};

	return cmocka_run_group_tests_name("escpos", tests, load, NULL);
}
