/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * claim: a customer's pickup code becomes a claimed order.
 *
 * The code is checked offline against each order's verifier from its signed
 * manifest (pickup.h); the store's pickup guard slows guessing down and
 * survives restarts.  Used by `tenpo pickup` and by the kiosk's core.
 */
#ifndef TENPO_CLAIM_H
#define TENPO_CLAIM_H

#include <stdint.h>

#include "err.h"
#include "store.h"

enum claim_refusal {
	CLAIM_OK,
	CLAIM_MALFORMED,   /* not 12 digits */
	CLAIM_WAIT,        /* too many wrong codes: *wait_s */
	CLAIM_WRONG,       /* no order has this code (counted as a failure) */
	CLAIM_NOT_READY,   /* still downloading */
	CLAIM_EXPIRED,
	CLAIM_UNAVAILABLE, /* claimed, written, failed, cancelled ... */
	CLAIM_AWAITING_PAYMENT, /* its slip is printed: pay at the register first */
	CLAIM_ERROR        /* the store failed: e says why */
};

/* On CLAIM_OK the order is CLAIMED and *o is its snapshot.  Otherwise e
 * holds a one-line explanation for staff and the CLI. */
enum claim_refusal claim_by_code(struct store *s, const char *code, int64_t now,
				 struct store_order *o, int64_t *wait_s, struct err *e);

#endif
