/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * checkout: placing an order, as the online shop would when a customer pays
 * (`tenpo-delivery order`).
 *
 * In order: check the shop, the title and the media; draw an order ID (10 of
 * [A-Z0-9]) and claim DIR/prepared/<id>/; prepare each file for this
 * customer (prepare.c) and hash it; draw the pickup code and its verifier
 * (pickup_generate); build the manifest, serialise it with
 * manifest_to_json(), sign the exact bytes with the manifest key; store
 * order, files, manifest and signature in one transaction.  A failure at any
 * step removes the prepared folder: an order exists completely or not at all.
 *
 * Faults (faults.h) that shape the manifest are applied here, after
 * manifest_to_json() — which refuses to serialise a manifest the kiosk would
 * refuse — by editing the serialised text before it is signed, so that the
 * hostile manifest still carries a valid signature.
 */
#ifndef TENPO_DS_CHECKOUT_H
#define TENPO_DS_CHECKOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "order.h"
#include "pickup.h"

#define CHECKOUT_ID_LEN 10

struct checkout_request {
	uint32_t shop, user;
	const char *title;    /* catalog title or alias */
	enum media_kind media;
	int64_t expires_in_s; /* > 0 */
	int64_t price;        /* yen; < 0: the catalog's price */
	bool unpaid;          /* pay at the register (prepaid false) */
	unsigned faults;      /* enum fault bits */
};

struct checkout_result {
	char order_id[CHECKOUT_ID_LEN + 1];
	char code[PICKUP_CODE_DIGITS + 1];
};

int checkout_place(const char *dir, const struct checkout_request *r,
		   struct checkout_result *out, struct err *e);

#endif
