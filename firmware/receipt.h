/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * receipt: the pickup receipt and the payment slip, laid out as ESC/POS.
 *
 * Both are made from plain structs the core fills (no database, no
 * network): the layout only decides lines, sizes and codes, through an
 * escpos buffer (escpos.h) for one printer_profile.  The buffer is the
 * caller's: escpos_init() it, call one of these, send escpos_data() to the
 * printer (or to escpos_render() for a preview), escpos_free() it.
 *
 * Language: "ja" prints Japanese labels in Kanji mode when the profile has
 * Kanji; "en", and "ja" on a profile without Kanji, print English labels.
 * A title or artist in Japanese on a profile without Kanji keeps its ASCII
 * characters and shows '?' for each of the others (escpos.h: never dropped);
 * the order ID and its QR code are what identify the disc then.  The shop's
 * name and address have Latin forms for such printers (*_latin, used when
 * given), since "????" at the top of a receipt would look broken.
 *
 * Times are printed in Japan's time (UTC+9, no daylight saving), worked out
 * from the time_t without TZ or localtime(): "2026-12-02 14:05".
 * Prices have thousands separators: "1,200円" in Japanese, "¥1,200" in
 * English (the yen sign is PC437's 0x9d).
 *
 * The receipt's QR code holds the order ID, nothing else.
 *
 * The slip's payload, what the register scans, as Code 128 (profiles with
 * code128 = yes) and as a QR code (always), the same text in both:
 *
 *   TP<expiry><amount><order>
 *     TP       the two letters, "Tenpo payment"
 *     expiry   YYMMDDhhmm, 10 digits, Japan's time: the slip is void after it
 *     amount   the yen to take, 6 digits with leading zeros (1..999999)
 *     order    the order ID, 1..16 of [A-Za-z0-9_-]
 *   e.g. TP2612021505001200K7Q2M9X4P1 (28 characters)
 *
 * Digits first, so that Code 128 packs the 16 of them two to a symbol (code
 * set C): the symbol is then 2-dot modules wide on 80 mm paper.  The shop is
 * not in it: the register is the shop's own, and the order ID is unique at
 * the delivery server, which records the payment.
 */
#ifndef TENPO_RECEIPT_H
#define TENPO_RECEIPT_H

#include <stddef.h>
#include <time.h>

#include "err.h"
#include "escpos.h"
#include "printer_profile.h"

#define RECEIPT_UTC_OFFSET (9 * 3600)   /* JST */
#define SLIP_AMOUNT_MAX 999999
#define SLIP_ORDER_MAX 16
#define SLIP_PAYLOAD_MAX (2 + 10 + 6 + SLIP_ORDER_MAX + 1)

/* TO_PAY: written before it was paid (pay_before_write = false); the
 * receipt says plainly that the register takes the money still. */
enum receipt_payment { RECEIPT_PAID_ONLINE, RECEIPT_PAID_AT_REGISTER, RECEIPT_TO_PAY_AT_REGISTER };

/* Strings are UTF-8 and only read.  Required: shop_name, order_id (as
 * order_id_ok()), lang.  NULL or "" elsewhere leaves the line out. */
struct receipt_info {
	const char *shop_name;
	const char *shop_name_latin; /* optional: on profiles without Kanji */
	const char *shop_address;
	const char *shop_address_latin; /* optional: on profiles without Kanji */
	time_t when;                 /* when the disc was handed over */
	const char *order_id;
	const char *title;
	const char *artist;
	const char *media;           /* "CD-R", "DVD-R" */
	const char *checksum;        /* the short form, e.g. 8 hex digits */
	long long price_yen;         /* 0..99,999,999 */
	enum receipt_payment payment;
	const char *lang;            /* "ja" or "en" */
};

/* Required: shop_name, order_id (as order_id_ok(); slip.h says how a long
 * one is put in the payload), lang, amount
 * 1..SLIP_AMOUNT_MAX, valid_until after issued. */
struct slip_info {
	const char *shop_name;
	const char *shop_name_latin; /* optional: on profiles without Kanji */
	const char *order_id;
	const char *title;
	long long amount_yen;
	time_t issued;
	time_t valid_until;
	const char *lang;
};

/* Appends the whole receipt (ESC @ first, the cut last) to b, made for
 * profile p (the one b was made with).  0, or -1 with the reason in e. */
int receipt_encode(const struct printer_profile *p, const struct receipt_info *r,
		   struct escpos *b, struct err *e);

/* The same for the payment slip. */
int slip_encode(const struct printer_profile *p, const struct slip_info *s,
		struct escpos *b, struct err *e);

/* The payload above into out (SLIP_PAYLOAD_MAX bytes will do). */
int slip_payload(const struct slip_info *s, char *out, size_t n, struct err *e);

/* "2026-12-02 14:05" (17 bytes with the NUL) in Japan's time. */
void receipt_time_format(time_t t, char out[17]);
/* "1,200円" (ja) or "¥1,200" (en); -1 for a negative amount or a short out. */
int receipt_price_format(long long yen, const char *lang, char *out, size_t n);

#endif
