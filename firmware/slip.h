/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * slip: a payment slip's payload read back, as the register's scanner gives
 * it to the kiosk.  The format is receipt.h's (slip_payload() writes it):
 *
 *   TP<expiry YYMMDDhhmm, Japan's time><amount, 6 digits><order, 1..16>
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
	char order_id[SLIP_ORDER_MAX + 1];
	long long amount_yen;   /* 1..SLIP_AMOUNT_MAX */
	time_t valid_until;     /* the expiry's minute, as a Unix time */
};

/* 0 and *out filled when text is a well-formed payload (a calendar date
 * in 2000..2099, an amount of at least 1 yen, an order ID as order_id_ok()
 * of at most SLIP_ORDER_MAX); else -1 and e says what is wrong in one line. */
int slip_parse(const char *text, struct slip_code *out, struct err *e);

/* Starts like a payload ("TP" and a digit): what a scan handler asks before
 * taking a text for a slip rather than for something else. */
bool slip_looks_like(const char *text);

#endif
