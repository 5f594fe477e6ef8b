// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The code's locator (one SHA-256, pickup.h) picks the few stored orders it
 * can belong to through the store's index; only those get the PBKDF2.  So a
 * code entry costs the same with ten orders stored or a hundred thousand.
 * Every order with that locator is tried whatever its state, so that a
 * customer who comes too early or too late is told so instead of "wrong
 * code".
 */
#include "claim.h"

#include <inttypes.h>
#include <stdlib.h>

#include <mbedtls/platform_util.h>

#include "pickup.h"

/* The code matched order o: claim it, or say why it cannot be. */
static enum claim_refusal claim_found(struct store *s, const struct store_order *o, int64_t now,
				      struct store_order *out, struct err *e)
{
	if (o->state == ORDER_READY && o->expires_at <= now) {
		err_fail(e, "order %s has expired", o->id);
		return CLAIM_EXPIRED;
	}
	if (o->state == ORDER_READY) {
		if (store_order_claim(s, o->id, e))
			return CLAIM_ERROR;
		*out = *o;
		out->state = ORDER_CLAIMED;
		return CLAIM_OK;
	}
	if (o->state == ORDER_ANNOUNCED || o->state == ORDER_DOWNLOADING) {
		err_fail(e, "order %s is not ready yet (%s)", o->id, order_state_name(o->state));
		return CLAIM_NOT_READY;
	}
	if (o->state == ORDER_AWAITING_PAYMENT) {
		err_fail(e, "order %s is awaiting payment at the register", o->id);
		return CLAIM_AWAITING_PAYMENT;
	}
	if (o->state == ORDER_EXPIRED) {
		err_fail(e, "order %s has expired", o->id);
		return CLAIM_EXPIRED;
	}
	err_fail(e, "order %s cannot be picked up: it is %s", o->id, order_state_name(o->state));
	return CLAIM_UNAVAILABLE;
}

enum claim_refusal claim_by_code(struct store *s, const char *code_in, int64_t now,
				 struct store_order *out, int64_t *wait_s, struct err *e)
{
	char code[PICKUP_CODE_DIGITS + 1];
	struct store_pickup_candidate *cand = NULL;
	enum claim_refusal r = CLAIM_WRONG;
	unsigned failures;
	uint32_t locator;
	size_t n = 0;

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
	(void)pickup_locator(code, &locator); /* cannot fail: code is normalized */
	if (store_pickup_candidates(s, locator, &cand, &n, e)) {
		r = CLAIM_ERROR;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct store_order o;
		int got;

		if (!pickup_verifier_matches(&cand[i].verifier, code))
			continue;
		got = store_order_get(s, cand[i].id, &o, e);
		if (got != 1) {
			if (got == 0)
				err_fail(e, "order %s vanished", cand[i].id);
			r = CLAIM_ERROR;
		} else {
			r = claim_found(s, &o, now, out, e);
		}
		goto out;
	}
	if (store_pickup_failed(s, now, e))
		r = CLAIM_ERROR;
	else
		err_fail(e, "wrong pickup code");
out:
	if (cand)
		mbedtls_platform_zeroize(cand, n * sizeof(*cand));
	free(cand);
	mbedtls_platform_zeroize(code, sizeof(code));
	return r;
}
