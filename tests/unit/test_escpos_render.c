// SPDX-License-Identifier: GPL-2.0-or-later
/* escpos_render: a receipt and a slip become PNGs whose codes zbarimg reads
 * back; a hostile stream is refused with an error.  With TENPO_PREVIEW_DIR
 * set, the PNGs are also left there for a person to look at. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "escpos_render.h"
#include "receipt.h"
#include "scratch.h"

static struct printer_profile p80, p58, basic;
static struct escpos_renderer *renderer;
static char dir[512];

static int setup(void **state)
{
	const char *top = getenv("TENPO_TOP");
	char pdir[1024];
	struct err e;

	(void)state;
	snprintf(pdir, sizeof(pdir), "%s/drivers/profiles", top ? top : ".");
	if (printer_profile_find(&p80, pdir, "generic-80mm", &e) ||
	    printer_profile_find(&p58, pdir, "generic-58mm", &e) ||
	    printer_profile_find(&basic, pdir, "basic-58mm", &e) ||
	    escpos_renderer_open(&renderer, NULL, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	return scratch_make(dir, sizeof(dir), "render");
}

static int teardown(void **state)
{
	(void)state;
	escpos_renderer_free(renderer);
	scratch_remove(dir);
	return 0;
}

#define T_WHEN 1796187900   /* 2026-12-02 14:05 in Japan */

static struct receipt_info sample(const char *lang)
{
	return (struct receipt_info){
		.shop_name = "ファミリーマート 渋谷道玄坂店",
		.shop_name_latin = "FamilyMart Shibuya Dogenzaka",
		.shop_address = "東京都渋谷区道玄坂2-10-7",
		.shop_address_latin = "2-10-7 Dogenzaka, Shibuya, Tokyo",
		.when = T_WHEN,
		.order_id = "K7Q2M9X4P1",
		.title = "夜に駆ける (Yoru ni Kakeru) 初回限定盤",
		.artist = "YOASOBI",
		.media = "CD-R",
		.checksum = "1a2b3c4d",
		.price_yen = 1200,
		.payment = RECEIPT_PAID_ONLINE,
		.lang = lang,
	};
}

static struct slip_info slip_sample(const char *lang)
{
	return (struct slip_info){
		.shop_name = "ファミリーマート 渋谷道玄坂店",
		.shop_name_latin = "FamilyMart Shibuya Dogenzaka",
		.order_id = "K7Q2M9X4P1",
		.title = "夜に駆ける",
		.amount_yen = 1200,
		.issued = T_WHEN,
		.valid_until = T_WHEN + 3600,
		.lang = lang,
	};
}

/* Renders b's bytes to DIR/name and, when asked, to TENPO_PREVIEW_DIR. */
static void render_png(const struct printer_profile *p, const struct escpos *b,
		       const char *name, char *path, size_t n)
{
	const char *preview = getenv("TENPO_PREVIEW_DIR");
	struct escpos_image im;
	struct err e;
	size_t len;
	const unsigned char *d = escpos_data(b, &len);

	if (escpos_render(renderer, p, d, len, &im, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(im.width, p->dots);
	assert_true(im.height > 200);
	assert_int_equal(im.wraps, 0);     /* no line was wider than the paper */
	snprintf(path, n, "%s/%s", dir, name);
	if (escpos_image_write_png(&im, path, &e))
		fail_msg("%s", e.msg);
	if (preview && *preview) {
		char keep[1024];

		snprintf(keep, sizeof(keep), "%s/%s", preview, name);
		if (escpos_image_write_png(&im, keep, &e))
			fail_msg("%s", e.msg);
	}
	escpos_image_free(&im);
}

/* What zbarimg reads in the PNG: one "TYPE:data" line a symbol (raw: data). */
static void zbar(const char *path, bool raw, char *out, size_t n)
{
	char cmd[1200];
	size_t got;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "zbarimg %s-q '%s' 2>/dev/null", raw ? "--raw " : "", path);
	f = popen(cmd, "r");
	assert_non_null(f);
	got = fread(out, 1, n - 1, f);
	out[got] = '\0';
	pclose(f);
}

static void receipt_qr_reads_back(void **state)
{
	const struct {
		const struct printer_profile *p;
		const char *lang, *name;
	} cases[] = {
		{ &p80, "ja", "receipt-ja-80mm.png" },
		{ &p80, "en", "receipt-en-80mm.png" },
		{ &p58, "ja", "receipt-ja-58mm.png" },
		{ &basic, "ja", "receipt-basic-58mm.png" },   /* QR as a raster image */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct receipt_info r = sample(cases[i].lang);
		char path[1024], got[512];
		struct escpos b;
		struct err e;

		escpos_init(&b, cases[i].p, 0);
		assert_int_equal(receipt_encode(cases[i].p, &r, &b, &e), 0);
		render_png(cases[i].p, &b, cases[i].name, path, sizeof(path));
		zbar(path, true, got, sizeof(got));
		if (strcmp(got, "K7Q2M9X4P1\n"))
			fail_msg("%s: zbarimg read '%s'", cases[i].name, got);
		escpos_free(&b);
	}
}

static void slip_codes_read_back(void **state)
{
	const struct {
		const struct printer_profile *p;
		const char *lang, *name;
	} cases[] = {
		{ &p80, "ja", "slip-ja-80mm.png" },
		{ &p58, "ja", "slip-ja-58mm.png" },
		{ &p80, "en", "slip-en-80mm.png" },
		{ &basic, "en", "slip-basic-58mm.png" },      /* no Code 128: the QR only */
	};
	const char *qr = "QR-Code:TP2612021505001200K7Q2M9X4P1\n";
	const char *bars = "CODE-128:TP2612021505001200K7Q2M9X4P1\n";

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct slip_info s = slip_sample(cases[i].lang);
		char path[1024], got[512];
		struct escpos b;
		struct err e;
		size_t want = strlen(qr) + (cases[i].p->code128 ? strlen(bars) : 0);

		escpos_init(&b, cases[i].p, 0);
		assert_int_equal(slip_encode(cases[i].p, &s, &b, &e), 0);
		render_png(cases[i].p, &b, cases[i].name, path, sizeof(path));
		zbar(path, false, got, sizeof(got));
		/* zbarimg's order of the symbols is its own */
		if (!strstr(got, qr) || (cases[i].p->code128 && !strstr(got, bars)) ||
		    strlen(got) != want)
			fail_msg("%s: zbarimg read '%s'", cases[i].name, got);
		escpos_free(&b);
	}
}

/* A stream is refused with want in the message, and leaves no image. */
static void refused(const unsigned char *d, size_t n, const char *want)
{
	struct escpos_image im;
	struct err e;

	if (!escpos_render(renderer, &p58, d, n, &im, &e))
		fail_msg("accepted; wanted '%s'", want);
	if (!strstr(e.msg, want))
		fail_msg("'%s', wanted '%s'", e.msg, want);
	assert_null(im.px);
	assert_int_equal(im.height, 0);
}

#define REFUSED(want, ...)                                                       \
	refused((const unsigned char[]){ __VA_ARGS__ },                           \
		sizeof((const unsigned char[]){ __VA_ARGS__ }), want)

static void corrupt_streams_refused(void **state)
{
	struct receipt_info r = sample("ja");
	unsigned char feeds[60];
	struct escpos b;
	struct err e;
	size_t len;
	const unsigned char *d;

	(void)state;
	/* a receipt cut off anywhere inside a command is refused, never read past */
	escpos_init(&b, &p58, 0);
	assert_int_equal(receipt_encode(&p58, &r, &b, &e), 0);
	d = escpos_data(&b, &len);
	{
		const unsigned char *store = memmem(d, len, "\x1d(k\x0d\x00\x31\x50", 7);
		unsigned char *copy;
		size_t cut;

		assert_non_null(store);
		cut = (size_t)(store - d) + 12;          /* in the middle of the QR data */
		copy = malloc(cut);                       /* exactly cut bytes: ASan sees a read past */
		memcpy(copy, d, cut);
		refused(copy, cut, "cut short");
		free(copy);
	}
	escpos_free(&b);

	REFUSED("byte 1: ESC 0x7a is not in the subset", 'A', 0x1b, 'z', 0);
	REFUSED("control byte 0x07", 'A', 0x07);
	REFUSED("cut short", 0x1b);
	REFUSED("cut short", 0x1d, 'v', '0', 0, 1, 0);
	REFUSED("raster image 512 dots wide", 0x1d, 'v', '0', 0, 64, 0, 1, 0);
	REFUSED("cut short", 0x1d, 'v', '0', 0, 1, 0, 200, 0, 0xff);
	REFUSED("GS ! 0x88", 0x1d, '!', 0x88);
	REFUSED("Shift-JIS pair 88 0a", 0x1c, '&', 0x88, '\n');
	REFUSED("cut short", 0x1c, '&', 0x88);
	REFUSED("does not start with {A", 0x1d, 'k', 73, 2, 'A', 'B');
	REFUSED("set C value 100", 0x1d, 'k', 73, 3, '{', 'C', 100);
	REFUSED("Code 128 symbol", 0x1d, 'w', 6, 0x1d, 'k', 73, 12, '{', 'B', 'A', 'A', 'A',
		'A', 'A', 'A', 'A', 'A', 'A', 'A');
	REFUSED("QR module size", 0x1d, '(', 'k', 3, 0, 49, 67, 17);
	REFUSED("cut short", 0x1d, '(', 'k', 0xff, 0xff, 49, 80, 48);
	REFUSED("nothing to print", 0x1b, '@');
	/* ESC d 255 ten times: taller than any receipt */
	for (size_t i = 0; i < sizeof(feeds); i += 3)
		memcpy(feeds + i, "\x1b" "d\xff", 3);
	refused(feeds, sizeof(feeds), "taller than");
}

static void skipped_and_drawn(void **state)
{
	/* a PDF417 store (cn 48) and a UPC-A (function A) are skipped whole; the
	 * text around them is drawn */
	static const unsigned char d[] = { 'A', 0x1d, '(', 'k', 5, 0, 48, 80, 48, 'x', 'y', '\n',
					   0x1d, 'k', 0, '1', '2', 0, 'B', '\n' };
	struct escpos_image im;
	struct err e;
	unsigned black = 0;

	(void)state;
	assert_int_equal(escpos_render(renderer, &p58, d, sizeof(d), &im, &e), 0);
	assert_int_equal(im.width, 384);
	assert_int_equal(im.height, 60);                 /* two lines of 30 dots */
	for (size_t i = 0; i < (size_t)im.width * im.height; i++)
		black += im.px[i];
	assert_true(black > 40 && black < 24 * 24);      /* two letters' worth */
	escpos_image_free(&im);
	escpos_image_free(&im);                          /* twice is fine */
	assert_int_equal(escpos_renderer_open(&(struct escpos_renderer *){ NULL },
					      "/nonexistent.ttf", &e), -1);
	assert_non_null(strstr(e.msg, "/nonexistent.ttf"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(receipt_qr_reads_back),
		cmocka_unit_test(slip_codes_read_back),
		cmocka_unit_test(corrupt_streams_refused),
		cmocka_unit_test(skipped_and_drawn),
	};

	return cmocka_run_group_tests_name("escpos_render", tests, setup, teardown);
}
