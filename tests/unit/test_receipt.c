// SPDX-License-Identifier: GPL-2.0-or-later
/* receipt: the receipt and the slip, in Japanese and English, on each
 * shipped profile; the byte stream is walked the way a printer reads it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "receipt.h"
#include "slip.h"

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

#define T_WHEN 1796187900   /* 2026-12-02 05:05 UTC, 14:05 in Japan */

static struct receipt_info sample(const char *lang)
{
	return (struct receipt_info){
		.shop_name = "ファミリーマート 渋谷道玄坂店",
		.shop_address = "東京都渋谷区道玄坂2-10-7",
		.when = T_WHEN,
		.order_id = "K7Q2M9X4P1",
		.title = "夜に駆ける (Yoru ni Kakeru) 初回限定盤 スペシャル・エディション",
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
		.order_id = "K7Q2M9X4P1",
		.title = "夜に駆ける",
		.amount_yen = 1200,
		.issued = T_WHEN,
		.valid_until = T_WHEN + 3600,
		.lang = lang,
	};
}

/* What a walk of the stream found. */
struct walk {
	unsigned widest;        /* columns of the widest line at its font and size */
	unsigned max;           /* columns allowed on that line */
	bool too_wide;
	bool kanji_at_lf;       /* Kanji mode still on at a LF or at the end */
	bool lead_outside;      /* a Shift-JIS lead byte outside Kanji mode */
	unsigned kanji_runs;    /* FS & seen */
	size_t qr_store;        /* offset of the last GS ( k store, or 0 */
	size_t raster, code128, cut;
};

/* Walks the commands escpos.c emits, counting columns as the printer does:
 * a Shift-JIS pair is two, font B and GS ! change the line's width. */
static void walk(const struct printer_profile *p, const unsigned char *d, size_t n,
		 struct walk *w)
{
	unsigned font = 0, mw = 1, col = 0;
	bool kanji = false;

	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < n;) {
		unsigned c = d[i], max = (font ? p->columns_b : p->columns_a) / mw;

		if (c == '\n') {
			if (kanji)
				w->kanji_at_lf = true;
			col = 0;
			i++;
		} else if (c == 0x1b) {
			assert_true(i + 1 < n);
			if (d[i + 1] == '@') {
				font = 0, mw = 1, kanji = false;
				i += 2;
				continue;
			}
			assert_non_null(strchr("aEMtd", d[i + 1]));
			if (d[i + 1] == 'M')
				font = d[i + 2] & 1;
			if (d[i + 1] == 'd')
				col = 0;
			i += 3;
		} else if (c == 0x1d) {
			unsigned char k = d[i + 1];

			if (k == '!')
				mw = (d[i + 2] >> 4) + 1u;
			if (k == '!' || k == 'H' || k == 'f' || k == 'h' || k == 'w') {
				i += 3;
			} else if (k == 'V') {
				w->cut = i;
				i += 3;
			} else if (k == 'k') {
				assert_int_equal(d[i + 2], 73);
				w->code128 = i;
				i += 4 + d[i + 3];
			} else if (k == '(') {
				size_t len = d[i + 3] | (size_t)d[i + 4] << 8;

				if (d[i + 6] == 80)
					w->qr_store = i;
				i += 5 + len;
			} else if (k == 'v') {
				w->raster = i;
				i += 8 + (size_t)(d[i + 4] | d[i + 5] << 8) * (d[i + 6] | d[i + 7] << 8);
			} else {
				fail_msg("GS 0x%02x at %zu", k, i);
			}
		} else if (c == 0x1c) {
			if (d[i + 1] == '&')
				kanji = true, w->kanji_runs++;
			else if (d[i + 1] == '.')
				kanji = false;
			i += d[i + 1] == 'C' ? 3 : 2;
		} else {
			bool lead = (c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc);

			if (lead && !kanji && c != 0x9d)
				w->lead_outside = true;
			col += kanji && lead ? 2 : 1;
			i += kanji && lead ? 2 : 1;
			if (col > w->widest)
				w->widest = col, w->max = max;
			if (col > max)
				w->too_wide = true;
		}
	}
	if (kanji)
		w->kanji_at_lf = true;
}

/* Where the n bytes of needle first are in the buffer, or -1. */
static long find(const struct escpos *b, const void *needle, size_t n)
{
	size_t len;
	const unsigned char *d = escpos_data(b, &len);
	const unsigned char *at = memmem(d, len, needle, n);

	return at ? at - d : -1;
}

static long find_str(const struct escpos *b, const char *s)
{
	return find(b, s, strlen(s));
}

static void common_checks(const struct printer_profile *p, const struct escpos *b,
			  struct walk *w)
{
	size_t len;
	const unsigned char *d = escpos_data(b, &len);

	walk(p, d, len, w);
	assert_memory_equal(d, "\x1b@", 2);                    /* init first */
	if (p->cutter == PRINTER_CUT_PARTIAL)
		assert_memory_equal(d + len - 3, "\x1dV\x01", 3);  /* the cut last */
	if (w->too_wide)
		fail_msg("a line of %u columns on %s (%u allowed)", w->widest, p->name, w->max);
	assert_false(w->kanji_at_lf);
	assert_false(w->lead_outside);
}

static void receipt_japanese(void **state)
{
	const struct printer_profile *profiles[] = { &p80, &p58 };

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct receipt_info r = sample("ja");
		struct escpos b;
		struct walk w;
		struct err e;
		long order_label, id, qr;
		size_t len;

		r.shop_name_latin = "FamilyMart Shibuya Dogenzaka";   /* not on Kanji printers */

		escpos_init(&b, profiles[k], 0);
		assert_int_equal(receipt_encode(profiles[k], &r, &b, &e), 0);
		common_checks(profiles[k], &b, &w);
		escpos_data(&b, &len);
		/* 注文番号 in Kanji mode, then off before the ID */
		order_label = find(&b, "\x1c&\x92\x8d\x95\xb6\x94\xd4\x8d\x86\x1c.", 12);
		assert_true(order_label > 0);
		id = find_str(&b, "K7Q2M9X4P1");
		assert_true(id > order_label);
		/* 1,200円 */
		assert_true(find_str(&b, "1,200\x1c&\x89\x7e\x1c.") > id);
		/* the QR holds the order ID and nothing else */
		qr = find(&b, "\x1d(k\x0d\x00\x31\x50\x30K7Q2M9X4P1", 18);
		assert_true(qr > 0);
		assert_int_equal(w.qr_store, qr);
		assert_true(find(&b, "\x1d(k\x03\x00\x31\x51\x30", 8) > qr);
		assert_int_equal(w.raster, 0);
		assert_true(w.cut > (size_t)qr);
		/* the date in Japan's time, CD-R and the checksum */
		assert_true(find_str(&b, "2026-12-02 14:05") > 0);
		assert_true(find_str(&b, "CD-R") > 0);
		assert_true(find_str(&b, "1a2b3c4d") > 0);
		assert_int_equal(find_str(&b, "FamilyMart"), -1);
		/* ご利用ありがとうございました after the QR */
		assert_true(find(&b, "\x82\xb2\x97\x98\x97\x70", 6) > qr);
		escpos_free(&b);
	}
}

static void receipt_english(void **state)
{
	const struct printer_profile *profiles[] = { &p80, &p58 };

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct receipt_info r = sample("en");
		struct escpos b;
		struct walk w;
		struct err e;

		r.shop_name = "FamilyMart Shibuya Dogenzaka";
		r.shop_address = "2-10-7 Dogenzaka, Shibuya, Tokyo";
		r.title = "Yoru ni Kakeru";
		r.payment = RECEIPT_PAID_AT_REGISTER;
		escpos_init(&b, profiles[k], 0);
		assert_int_equal(receipt_encode(profiles[k], &r, &b, &e), 0);
		common_checks(profiles[k], &b, &w);
		assert_int_equal(w.kanji_runs, 0);                 /* all ASCII */
		assert_true(find_str(&b, "Order") > 0);
		assert_true(find_str(&b, "Paid at the register") > 0);
		assert_true(find(&b, "\x9d" "1,200", 6) > 0);     /* ¥1,200 */
		assert_true(find_str(&b, "Thank you") > find_str(&b, "K7Q2M9X4P1"));
		assert_int_equal(find_str(&b, "NOT PAID"), -1);
		escpos_free(&b);
		/* written before it was paid: the receipt says the money is due */
		r.payment = RECEIPT_TO_PAY_AT_REGISTER;
		escpos_init(&b, profiles[k], 0);
		assert_int_equal(receipt_encode(profiles[k], &r, &b, &e), 0);
		assert_true(find_str(&b, "NOT PAID: pay at the register") > 0);
		assert_int_equal(find_str(&b, "Paid at the register"), -1);
		escpos_free(&b);
	}
}

static void receipt_without_kanji(void **state)
{
	struct receipt_info r = sample("ja");
	struct escpos b;
	struct walk w;
	struct err e;
	size_t len;

	(void)state;
	r.shop_name_latin = "FamilyMart Shibuya Dogenzaka";
	r.shop_address_latin = "2-10-7 Dogenzaka, Shibuya";
	escpos_init(&b, &basic, 0);
	assert_int_equal(receipt_encode(&basic, &r, &b, &e), 0);
	assert_true(find_str(&b, "FamilyMart") > 0);         /* the Latin forms */
	assert_true(find_str(&b, "2-10-7 Dogenzaka") > 0);
	common_checks(&basic, &b, &w);
	escpos_data(&b, &len);
	assert_int_equal(w.kanji_runs, 0);
	assert_int_equal(find(&b, "\x1c" "C", 2), -1);        /* no FS C either */
	assert_true(find_str(&b, "Order") > 0);               /* English labels */
	assert_true(find_str(&b, "?? (Yoru ni Kakeru)") > 0);  /* visible, not dropped */
	/* the QR as a raster image, never GS ( k */
	assert_true(w.raster > 0);
	assert_int_equal(find(&b, "\x1d(k", 3), -1);
	assert_memory_equal(escpos_data(&b, &len) + len - 3, "\x1b" "d\x03", 3);  /* no cutter */
	escpos_free(&b);
}

static void slip_layout(void **state)
{
	const struct printer_profile *profiles[] = { &p80, &p58, &basic };
	static const unsigned char bars[] = { 0x1d, 'k', 73, 26, '{', 'B', 'T', 'P', '{', 'C',
					      26, 12, 2, 15, 5, 0, 12, 0, '{', 'B', 'K', '7', 'Q',
					      '2', 'M', '9', 'X', '4', 'P', '1' };
	char payload[SLIP_PAYLOAD_MAX];
	struct slip_info s = slip_sample("ja");
	struct err e;

	(void)state;
	assert_int_equal(slip_payload(&s, payload, sizeof(payload), &e), 0);
	assert_string_equal(payload, "TP2612021505001200K7Q2M9X4P1");
	for (size_t k = 0; k < 3; k++) {
		struct escpos b;
		struct walk w;
		long code, qr;

		escpos_init(&b, profiles[k], 0);
		assert_int_equal(slip_encode(profiles[k], &s, &b, &e), 0);
		common_checks(profiles[k], &b, &w);
		code = find(&b, bars, sizeof(bars));
		qr = find(&b, "\x1d(k\x1f\x00\x31\x50\x30TP2612021505001200K7Q2M9X4P1", 36);
		if (profiles[k]->code128) {
			assert_true(code > 0);
			assert_int_equal(w.code128, code);
			assert_true(qr > code);
			assert_true(find(&b, "\x1dH\x02", 3) > 0);  /* HRI below */
			/* 有効期限 2026-12-02 15:05 まで */
			assert_true(find_str(&b, "\x97\x4c\x8c\xf8\x8a\xfa\x8c\xc0\x1c. 2026-12-02 15:05 ") > 0);
			assert_true(find(&b, "1,200\x1c&\x89\x7e", 8) > 0);
		} else {
			assert_int_equal(code, -1);
			assert_int_equal(w.code128, 0);
			assert_true(w.raster > 0);
			assert_true(find_str(&b, "Valid until 2026-12-02 15:05") > 0);
		}
		escpos_free(&b);
	}
	s = slip_sample("en");
	{
		struct escpos b;
		struct walk w;

		escpos_init(&b, &p80, 0);
		assert_int_equal(slip_encode(&p80, &s, &b, &e), 0);
		common_checks(&p80, &b, &w);
		assert_true(find_str(&b, "Valid until 2026-12-02 15:05") > 0);
		assert_true(find(&b, "\x9d" "1,200", 6) > 0);
		escpos_free(&b);
	}
}

/* An order ID of 17..64 characters: the payload's reference stands for
 * it, the ID itself is printed, and the bars go where they fit. */
static void slip_long_order(void **state)
{
	const struct printer_profile *profiles[] = { &p80, &p58, &basic };
	static const char id[] = "delivery-7-2026-12-04-order-000123456789-with-a-long-tail"; /* 57 */
	char payload[SLIP_PAYLOAD_MAX], qr[64], field[SLIP_ORDER_MAX + 1];
	struct slip_info s = slip_sample("en");
	struct err e;

	(void)state;
	s.order_id = id;
	assert_int_equal(slip_payload(&s, payload, sizeof(payload), &e), 0);
	assert_int_equal(strlen(payload), SLIP_PAYLOAD_MAX - 1);
	assert_int_equal(slip_order_field(id, field), 0);
	assert_string_equal(payload + 18, field);
	assert_int_equal(field[0], '.');
	memcpy(qr, "\x1d(k\x25\x00\x31\x50\x30", 8); /* 3 + 34 bytes stored */
	memcpy(qr + 8, payload, 34);
	for (size_t k = 0; k < 3; k++) {
		struct escpos b;
		struct walk w;

		escpos_init(&b, profiles[k], 0);
		assert_int_equal(slip_encode(profiles[k], &s, &b, &e), 0);
		common_checks(profiles[k], &b, &w);
		if (profiles[k]->qr == PRINTER_QR_NATIVE)
			assert_true(find(&b, qr, 42) > 0);
		assert_int_equal(w.code128 > 0, escpos_code128_fits(profiles[k], payload));
		assert_true(find_str(&b, "delivery-7-2026-12-04") > 0); /* the ID itself (wrapped) */
		escpos_free(&b);
	}
	/* on 80 mm paper the bars fit even so */
	assert_true(escpos_code128_fits(&p80, payload));
}

static void bad_input_refused(void **state)
{
	struct receipt_info r = sample("ja");
	struct slip_info s = slip_sample("ja");
	struct escpos b;
	struct err e;
	char out[64];

	(void)state;
	escpos_init(&b, &p80, 0);
	r.lang = "fr";
	assert_int_equal(receipt_encode(&p80, &r, &b, &e), -1);
	assert_non_null(strstr(e.msg, "'fr' is not ja or en"));
	r = sample("ja");
	r.order_id = "../x";
	assert_int_equal(receipt_encode(&p80, &r, &b, &e), -1);
	assert_non_null(strstr(e.msg, "order ID"));
	r = sample("ja");
	r.price_yen = -1;
	assert_int_equal(receipt_encode(&p80, &r, &b, &e), -1);
	r = sample("ja");
	assert_int_equal(receipt_encode(&p58, &r, &b, &e), -1);   /* b is for p80 */
	assert_non_null(strstr(e.msg, "another printer profile"));
	s.amount_yen = 0;
	assert_int_equal(slip_encode(&p80, &s, &b, &e), -1);
	assert_non_null(strstr(e.msg, "amount 0"));
	s = slip_sample("ja");
	s.valid_until = s.issued;
	assert_int_equal(slip_encode(&p80, &s, &b, &e), -1);
	assert_non_null(strstr(e.msg, "valid until"));
	s = slip_sample("ja");
	s.order_id = "ABC/1";
	assert_int_equal(slip_encode(&p80, &s, &b, &e), -1);
	assert_non_null(strstr(e.msg, "order ID 'ABC/1'"));
	assert_int_equal(escpos_data(&b, &(size_t){ 0 }) == NULL, 1);  /* nothing written */
	escpos_free(&b);

	/* a newline in a title cannot break the layout */
	r = sample("en");
	r.title = "Line one\nLine two\x1b@";
	escpos_init(&b, &p80, 0);
	assert_int_equal(receipt_encode(&p80, &r, &b, &e), 0);
	assert_true(find_str(&b, "Line one Line two @") > 0);
	escpos_free(&b);
	/* and a full buffer is an error naming the order */
	escpos_init(&b, &p80, 200);
	assert_int_equal(receipt_encode(&p80, &r, &b, &e), -1);
	assert_non_null(strstr(e.msg, "receipt for order K7Q2M9X4P1: escpos: printout larger"));
	escpos_free(&b);
	(void)out;
}

static void formats(void **state)
{
	char out[32], t[17];

	(void)state;
	assert_int_equal(receipt_price_format(1200, "ja", out, sizeof(out)), 0);
	assert_string_equal(out, "1,200円");
	assert_int_equal(receipt_price_format(1200, "en", out, sizeof(out)), 0);
	assert_string_equal(out, "¥1,200");
	assert_int_equal(receipt_price_format(0, "ja", out, sizeof(out)), 0);
	assert_string_equal(out, "0円");
	assert_int_equal(receipt_price_format(999, "en", out, sizeof(out)), 0);
	assert_string_equal(out, "¥999");
	assert_int_equal(receipt_price_format(1234567, "en", out, sizeof(out)), 0);
	assert_string_equal(out, "¥1,234,567");
	assert_int_equal(receipt_price_format(100000, "ja", out, sizeof(out)), 0);
	assert_string_equal(out, "100,000円");
	assert_int_equal(receipt_price_format(-5, "ja", out, sizeof(out)), -1);
	assert_int_equal(receipt_price_format(1200, "ja", out, 6), -1);
	receipt_time_format(T_WHEN, t);
	assert_string_equal(t, "2026-12-02 14:05");
	receipt_time_format(1798729200 - 60, t);   /* 14:59 UTC: new year's eve in Japan */
	assert_string_equal(t, "2026-12-31 23:59");
	receipt_time_format(1798729200, t);
	assert_string_equal(t, "2027-01-01 00:00");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(receipt_japanese),
		cmocka_unit_test(receipt_english),
		cmocka_unit_test(receipt_without_kanji),
		cmocka_unit_test(slip_layout),
		cmocka_unit_test(slip_long_order),
		cmocka_unit_test(bad_input_refused),
		cmocka_unit_test(formats),
	};

	return cmocka_run_group_tests_name("receipt", tests, load, NULL);
}
