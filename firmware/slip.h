/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * slip: a payment slip's payload read back, as the register's scanner gives
 * it to the kiosk.  The format is receipt.h's (slip_payload() writes it):
 *
 *   TP<expiry YYMMDDhhmm, Japan's time><amount, 6 digits><order>
 *
 * <order> is the order ID when it has 1..SLIP_ORDER_MAX characters; a
 * longer ID (order IDs may have 64) is stood for by "." and 15 characters
 * of its SHA-256 in Crockford's base32 (75 bits), so that every slip stays
 * short enough for Code 128 on 58 mm paper.  Either way the slip names its
 * order: the store finds it by the whole payload (unique), and checks the
 * field against the order when it issues the slip.
 *
 * The text comes from outside (a scanner, a staff screen): everything is
 * checked, nothing is trusted, and nothing longer than SLIP_PAYLOAD_MAX - 1
 * bytes is looked at.  No database here: whether the slip is one the kiosk
 * issued, still open and not expired is the store's to say
 * (store_payment_confirm()).
 */
#ifndef TENPO_SLIP_H
#define TENPO_SLIP_H

#include <stdbool.h>
#include <time.h>

#include "err.h"
#include "receipt.h"

struct slip_code {
	char order[SLIP_ORDER_MAX + 1]; /* the <order> field: an ID, or "." and a digest */
	long long amount_yen;   /* 1..SLIP_AMOUNT_MAX */
	time_t valid_until;     /* the expiry's minute, as a Unix time */
};

/* The <order> field for an order ID (as order_id_ok()); -1 when it is not one. */
int slip_order_field(const char *order_id, char out[SLIP_ORDER_MAX + 1]);

/* 0 and *out filled when text is a well-formed payload (a calendar date
 * in 2000..2099, an amount of at least 1 yen, an order field as above);
 * else -1 and e says what is wrong in one line. */
int slip_parse(const char *text, struct slip_code *out, struct err *e);

/* Starts like a payload ("TP" and a digit): what a scan handler asks before
 * taking a text for a slip rather than for something else. */
bool slip_looks_like(const char *text);

#endif
