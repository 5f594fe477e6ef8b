// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * receipt: layouts.  Labels are a table per language; every piece of text
 * from the order (title, artist, shop) goes through field_clean() first, so
 * that a newline or a control byte in a title cannot break the layout.
 */
#include "receipt.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "order.h"
#include "slip.h"

#define FIELD_MAX 240     /* bytes of one field that reach the paper */

enum label { L_HEADING, L_SLIP_HEADING, L_ORDER, L_TITLE, L_ARTIST, L_MEDIA, L_CHECKSUM,
	     L_TOTAL, L_PAYMENT, L_PAID_ONLINE, L_PAID_REGISTER, L_TO_PAY, L_THANKS, L_THANKS2,
	     L_AMOUNT, L_VALID, L_SHOW, L_NOT_RECEIPT, L_ISSUED, L_COUNT };

static const char *const labels_en[L_COUNT] = {
	[L_HEADING] = "PICKUP RECEIPT",
	[L_SLIP_HEADING] = "PAYMENT SLIP",
	[L_ORDER] = "Order",
	[L_TITLE] = "Title",
	[L_ARTIST] = "Artist",
	[L_MEDIA] = "Media",
	[L_CHECKSUM] = "Checksum",
	[L_TOTAL] = "Total",
	[L_PAYMENT] = "Payment",
	[L_PAID_ONLINE] = "Prepaid online",
	[L_PAID_REGISTER] = "Paid at the register",
	[L_TO_PAY] = "NOT PAID: pay at the register",
	[L_THANKS] = "Thank you for your purchase!",
	[L_THANKS2] = "Please keep this receipt.",
	[L_AMOUNT] = "Amount due",
	[L_VALID] = "Valid until %s",
	[L_SHOW] = "Show this slip at the register.",
	[L_NOT_RECEIPT] = "This slip is not a receipt.",
	[L_ISSUED] = "Issued %s",
};

static const char *const labels_ja[L_COUNT] = {
	[L_HEADING] = "お受け取り明細",
	[L_SLIP_HEADING] = "お支払い票",
	[L_ORDER] = "注文番号",
	[L_TITLE] = "タイトル",
	[L_ARTIST] = "アーティスト",
	[L_MEDIA] = "メディア",
	[L_CHECKSUM] = "チェックサム",
	[L_TOTAL] = "合計",
	[L_PAYMENT] = "お支払い",
	[L_PAID_ONLINE] = "オンライン決済済み",
	[L_PAID_REGISTER] = "レジにて支払済み",
	[L_TO_PAY] = "未払い：レジでお支払いください",
	[L_THANKS] = "ご利用ありがとうございました。",
	[L_THANKS2] = "この明細は大切に保管してください。",
	[L_AMOUNT] = "お支払い金額",
	[L_VALID] = "有効期限 %s まで",
	[L_SHOW] = "この票をレジでお見せください。",
	[L_NOT_RECEIPT] = "この票は領収書ではありません。",
	[L_ISSUED] = "発行 %s",
};

void receipt_time_format(time_t t, char out[17])
{
	char buf[64];
	struct tm tm;
	time_t local;

	if (__builtin_add_overflow(t, (time_t)RECEIPT_UTC_OFFSET, &local) ||
	    !gmtime_r(&local, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
		memcpy(out, "----------------", 17);
		return;
	}
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
	memcpy(out, buf, 16);
	out[16] = '\0';
}

int receipt_price_format(long long yen, const char *lang, char *out, size_t n)
{
	char digits[32], grouped[48];
	size_t nd, g = 0;
	int w;

	if (yen < 0 || !n)
		return -1;
	nd = (size_t)snprintf(digits, sizeof(digits), "%lld", yen);
	for (size_t i = 0; i < nd; i++) {
		if (i && (nd - i) % 3 == 0)
			grouped[g++] = ',';
		grouped[g++] = digits[i];
	}
	grouped[g] = '\0';
	if (lang && !strcmp(lang, "ja"))
		w = snprintf(out, n, "%s円", grouped);
	else
		w = snprintf(out, n, "¥%s", grouped);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* A field as one line of text: control bytes become spaces, and at most
 * FIELD_MAX bytes are kept, cut before a UTF-8 continuation byte. */
static void field_clean(const char *in, char *out, size_t n)
{
	size_t len = in ? strlen(in) : 0, max = n - 1 < FIELD_MAX ? n - 1 : FIELD_MAX;

	if (len > max) {
		len = max;
		while (len > 0 && ((unsigned char)in[len] & 0xc0) == 0x80)
			len--;
	}
	for (size_t i = 0; i < len; i++)
		out[i] = ((unsigned char)in[i] < 0x20 || in[i] == 0x7f) ? ' ' : in[i];
	out[len] = '\0';
}

static bool present(const char *s)
{
	return s && *s;
}

static const char *const *labels_for(const struct printer_profile *p, const char *lang,
				     struct err *e)
{
	if (!lang || (strcmp(lang, "ja") && strcmp(lang, "en"))) {
		err_fail(e, "receipt: language '%.8s' is not ja or en", lang ? lang : "(none)");
		return NULL;
	}
	return !strcmp(lang, "ja") && p->kanji == PRINTER_KANJI_SJIS ? labels_ja : labels_en;
}

/* The shop's name or address as this printer can print it. */
static const char *shop_for(const struct printer_profile *p, const char *name,
			    const char *latin)
{
	return p->kanji == PRINTER_KANJI_NONE && present(latin) ? latin : name;
}

static int buffer_check(const struct printer_profile *p, const struct escpos *b,
			struct err *e)
{
	if (b->profile != p)
		return err_fail(e, "receipt: the buffer was made for another printer profile");
	return escpos_finish(b, e);
}

/* The shop's name large, its address and a time, centred. */
static void header(struct escpos *b, const char *shop, const char *address, const char *when)
{
	char f[FIELD_MAX + 1];

	escpos_reset(b);
	escpos_align(b, ESCPOS_CENTER);
	escpos_bold(b, true);
	escpos_size(b, 2, 2);
	field_clean(shop, f, sizeof(f));
	escpos_line(b, f);
	escpos_size(b, 1, 1);
	escpos_bold(b, false);
	if (present(address)) {
		field_clean(address, f, sizeof(f));
		escpos_line(b, f);
	}
	if (when)
		escpos_line(b, when);
	escpos_feed(b, 1);
}

static void heading(struct escpos *b, const char *text)
{
	escpos_align(b, ESCPOS_CENTER);
	escpos_bold(b, true);
	escpos_size(b, 2, 1);
	escpos_line(b, text);
	escpos_size(b, 1, 1);
	escpos_bold(b, false);
	escpos_align(b, ESCPOS_LEFT);
}

static void row_field(struct escpos *b, const char *label, const char *value)
{
	char f[FIELD_MAX + 1];

	if (!present(value))
		return;
	field_clean(value, f, sizeof(f));
	escpos_row(b, label, f);
}

/* A row in double height, bold: the amount. */
static void row_big(struct escpos *b, const char *label, const char *value)
{
	escpos_bold(b, true);
	escpos_size(b, 1, 2);
	escpos_row(b, label, value);
	escpos_size(b, 1, 1);
	escpos_bold(b, false);
}

int receipt_encode(const struct printer_profile *p, const struct receipt_info *r,
		   struct escpos *b, struct err *e)
{
	const char *const *L = labels_for(p, r->lang, e);
	char when[17], price[48];

	if (!L)
		return -1;
	if (!present(r->shop_name))
		return err_fail(e, "receipt: no shop name");
	if (!r->order_id || !order_id_ok(r->order_id))
		return err_fail(e, "receipt: order ID '%.64s' is not 1..64 of [A-Za-z0-9_-]",
				r->order_id ? r->order_id : "(none)");
	if (r->price_yen < 0 || r->price_yen > 99999999 ||
	    receipt_price_format(r->price_yen, L == labels_ja ? "ja" : "en", price, sizeof(price)))
		return err_fail(e, "receipt: price %lld yen is not 0..99,999,999", r->price_yen);
	if (buffer_check(p, b, e))
		return -1;
	receipt_time_format(r->when, when);

	header(b, shop_for(p, r->shop_name, r->shop_name_latin),
	       shop_for(p, r->shop_address, r->shop_address_latin), when);
	heading(b, L[L_HEADING]);
	escpos_rule(b, '-');
	escpos_row(b, L[L_ORDER], r->order_id);
	row_field(b, L[L_TITLE], r->title);
	row_field(b, L[L_ARTIST], r->artist);
	row_field(b, L[L_MEDIA], r->media);
	row_field(b, L[L_CHECKSUM], r->checksum);
	escpos_rule(b, '-');
	row_big(b, L[L_TOTAL], price);
	if (r->payment == RECEIPT_TO_PAY_AT_REGISTER) {
		escpos_bold(b, true);
		escpos_row(b, L[L_PAYMENT], L[L_TO_PAY]);
		escpos_bold(b, false);
	} else {
		escpos_row(b, L[L_PAYMENT], L[r->payment == RECEIPT_PAID_AT_REGISTER ?
					       L_PAID_REGISTER : L_PAID_ONLINE]);
	}
	escpos_rule(b, '-');
	escpos_feed(b, 1);
	escpos_align(b, ESCPOS_CENTER);
	escpos_qr(b, r->order_id);
	escpos_font(b, ESCPOS_FONT_B);
	escpos_line(b, r->order_id);
	escpos_font(b, ESCPOS_FONT_A);
	escpos_feed(b, 1);
	escpos_line(b, L[L_THANKS]);
	escpos_line(b, L[L_THANKS2]);
	escpos_align(b, ESCPOS_LEFT);
	escpos_cut(b);
	if (escpos_finish(b, e))
		return err_wrap(e, "receipt for order %s", r->order_id);
	return 0;
}

int slip_payload(const struct slip_info *s, char *out, size_t n, struct err *e)
{
	char when[17], order[SLIP_ORDER_MAX + 1];
	int w;

	if (slip_order_field(s->order_id, order))
		return err_fail(e, "slip: order ID '%.64s' is not 1..64 of [A-Za-z0-9_-]",
				s->order_id ? s->order_id : "(none)");
	if (s->amount_yen < 1 || s->amount_yen > SLIP_AMOUNT_MAX)
		return err_fail(e, "slip: amount %lld yen is not 1..%d", s->amount_yen,
				SLIP_AMOUNT_MAX);
	if (s->valid_until <= s->issued)
		return err_fail(e, "slip: valid until is not after issued");
	receipt_time_format(s->valid_until, when);
	if (when[0] != '2' || when[1] != '0')
		return err_fail(e, "slip: expiry %s is not in years 2000..2099", when);
	/* "2026-12-02 15:05" -> "2612021505" */
	w = snprintf(out, n, "TP%.2s%.2s%.2s%.2s%.2s%06lld%s", when + 2, when + 5, when + 8,
		     when + 11, when + 14, s->amount_yen, order);
	if (w < 0 || (size_t)w >= n)
		return err_fail(e, "slip: payload longer than %zu bytes", n);
	return 0;
}

int slip_encode(const struct printer_profile *p, const struct slip_info *s, struct escpos *b,
		struct err *e)
{
	const char *const *L = labels_for(p, s->lang, e);
	char payload[SLIP_PAYLOAD_MAX], issued[17], until[17], line[128], price[48];

	if (!L)
		return -1;
	if (!present(s->shop_name))
		return err_fail(e, "slip: no shop name");
	if (slip_payload(s, payload, sizeof(payload), e))
		return -1;
	if (buffer_check(p, b, e))
		return -1;
	receipt_price_format(s->amount_yen, L == labels_ja ? "ja" : "en", price, sizeof(price));
	receipt_time_format(s->issued, issued);
	receipt_time_format(s->valid_until, until);

	snprintf(line, sizeof(line), L[L_ISSUED], issued);
	header(b, shop_for(p, s->shop_name, s->shop_name_latin), NULL, line);
	heading(b, L[L_SLIP_HEADING]);
	escpos_rule(b, '-');
	escpos_row(b, L[L_ORDER], s->order_id);
	row_field(b, L[L_TITLE], s->title);
	escpos_rule(b, '-');
	row_big(b, L[L_AMOUNT], price);
	escpos_align(b, ESCPOS_CENTER);
	snprintf(line, sizeof(line), L[L_VALID], until);
	escpos_bold(b, true);
	escpos_line(b, line);
	escpos_bold(b, false);
	escpos_rule(b, '-');
	escpos_line(b, L[L_SHOW]);
	escpos_feed(b, 1);
	if (escpos_code128_fits(p, payload)) { /* else the QR code alone */
		escpos_code128(b, payload, 80);
		escpos_feed(b, 1);
	}
	escpos_qr(b, payload);
	escpos_line(b, L[L_NOT_RECEIPT]);
	escpos_align(b, ESCPOS_LEFT);
	escpos_cut(b);
	if (escpos_finish(b, e))
		return err_wrap(e, "payment slip for order %s", s->order_id);
	return 0;
}
