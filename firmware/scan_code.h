/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scan_code: what a scan from the pickup-code scanner means.
 *
 * Two forms are a pickup code:
 *
 *   typed   the 12 digits, with or without '-' or ' ' between them, as
 *           printed on a slip ("1234-5678-9012"); pickup_normalize() rules.
 *   QR      the code the delivery service shows on the customer's phone:
 *
 *              TENPO-P1-<shop>-<12 digits>-<check>
 *
 *           <shop> is the shop ID in decimal (1..16777215, no leading
 *           zero), <check> two digits, ISO 7064 MOD 97-10 over the shop ID
 *           zero-padded to 8 digits followed by the 12 digits.  Uppercase
 *           only.  Example: TENPO-P1-1001-123456789012-50 (see
 *           firmware/PROTOCOL.md, "Pickup QR code", for why this shape).
 *
 * Anything else is refused, with a verdict the core can turn into words for
 * the customer and a one-line reason for the log (which never holds the
 * code's digits):
 *
 *   GARBAGE       not printable ASCII, or longer than SCAN_CODE_TEXT_MAX
 *   NOT_A_CODE    printable, but neither form (a product barcode, a URL)
 *   VERSION       a TENPO- payload of a version this kiosk does not read
 *   DAMAGED       the QR form with a wrong check or a malformed field
 *   WRONG_SHOP    a good QR payload for another shop
 *
 * A refusal here is not a wrong code: the core should not count it against
 * the pickup guard (only a well-formed code that matches no order is one).
 *
 * Pure and thread-safe: no state, no I/O.
 */
#ifndef TENPO_SCAN_CODE_H
#define TENPO_SCAN_CODE_H

#include <stdint.h>

#include "err.h"
#include "pickup.h"

#define SCAN_CODE_TEXT_MAX 64
#define SCAN_CODE_QR_PREFIX "TENPO-"
#define SCAN_CODE_QR_VERSION 1
/* "TENPO-P1-" 16777215 "-" 12 digits "-" 2 digits */
#define SCAN_CODE_QR_MAX (9 + 8 + 1 + PICKUP_CODE_DIGITS + 1 + 2)
#define SCAN_CODE_SHOP_MAX 16777215u

enum scan_code_verdict {
	SCAN_CODE_OK = 0,
	SCAN_CODE_GARBAGE,
	SCAN_CODE_NOT_A_CODE,
	SCAN_CODE_VERSION,
	SCAN_CODE_DAMAGED,
	SCAN_CODE_WRONG_SHOP,
};

/* Reads `text` (NUL-terminated).  On SCAN_CODE_OK `digits` holds the 12
 * digits; on any refusal it is wiped and e says why.  shop_id is this
 * kiosk's (config.shop_id). */
enum scan_code_verdict scan_code_parse(const char *text, uint32_t shop_id,
				       char digits[PICKUP_CODE_DIGITS + 1], struct err *e);

/* The QR payload for a code and a shop (what the delivery service encodes;
 * the tests use it too).  -1 when digits is not 12 digits or the shop is
 * outside 1..SCAN_CODE_SHOP_MAX. */
int scan_code_qr_format(uint32_t shop_id, const char *digits, char out[SCAN_CODE_QR_MAX + 1],
			struct err *e);

/* "ok", "garbage", "not a code", "version", "damaged", "wrong shop". */
const char *scan_code_verdict_name(enum scan_code_verdict v);

#endif
