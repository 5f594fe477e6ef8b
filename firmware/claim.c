// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every order with a manifest is tried, not only READY ones, so that a
 * customer who comes too early or too late is told so instead of "wrong
 * code".  Each check costs one PBKDF2 (about 10 ms at 20 000 iterations);
 * a shop holds tens of orders, not thousands.
 */
#include "claim.h"

#include <inttypes.h>
#include <stdlib.h>

#include "pickup.h"

enum claim_refusal claim_by_code(struct store *s, const char *code_in, int64_t now,
				 struct store_order *out, int64_t *wait_s, struct err *e)
{
	char code[PICKUP_CODE_DIGITS + 1];
	struct store_order *o = NULL;
	enum claim_refusal r = CLAIM_WRONG;
	unsigned failures;
	size_t n;

	*wait_s = 0;
	if (pickup_normalize(code_in, code)) {
		err_fail(e, "a pickup code is %d digits", PICKUP_CODE_DIGITS);
		return CLAIM_MALFORMED;
	}
	if (store_pickup_wait(s, now, wait_s, &failures, e))
		return CLAIM_ERROR;
	if (*wait_s > 0) {
		err_fail(e, "too many wrong codes (%u); try again in %" PRId64 " s", failures,
			 *wait_s);
		return CLAIM_WAIT;
	}
	if (store_orders_list(s, -1, &o, &n, e))
		return CLAIM_ERROR;
	for (size_t i = 0; i < n; i++) {
		struct pickup_verifier v;

		if (!o[i].has_manifest || store_order_pickup(s, o[i].id, &v, NULL) ||
		    !pickup_verifier_matches(&v, code))
			continue;
		if (o[i].state == ORDER_READY && o[i].expires_at <= now) {
			err_fail(e, "order %s has expired", o[i].id);
			r = CLAIM_EXPIRED;
		} else if (o[i].state == ORDER_READY) {
			if (store_order_claim(s, o[i].id, e)) {
				r = CLAIM_ERROR;
			} else {
				*out = o[i];
				out->state = ORDER_CLAIMED;
				r = CLAIM_OK;
			}
		} else if (o[i].state == ORDER_ANNOUNCED || o[i].state == ORDER_DOWNLOADING) {
			err_fail(e, "order %s is not ready yet (%s)", o[i].id,
				 order_state_name(o[i].state));
			r = CLAIM_NOT_READY;
		} else if (o[i].state == ORDER_EXPIRED) {
			err_fail(e, "order %s has expired", o[i].id);
			r = CLAIM_EXPIRED;
		} else {
			err_fail(e, "order %s cannot be picked up: it is %s", o[i].id,
				 order_state_name(o[i].state));
			r = CLAIM_UNAVAILABLE;
		}
		goto out;
	}
	if (store_pickup_failed(s, now, e))
		r = CLAIM_ERROR;
	else
		err_fail(e, "wrong pickup code");
out:
	free(o);
	return r;
}
