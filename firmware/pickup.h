/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pickup: the code a customer types or scans at the kiosk.
 *
 * A code is PICKUP_CODE_DIGITS decimal digits, shown as "1234-5678-9012".
 * The kiosk never stores a code: the signed manifest carries a verifier,
 * PBKDF2-HMAC-SHA256(code, 16-byte salt, iterations), so the kiosk can check
 * a code offline and a stolen database reveals no code without a brute
 * force that each salt makes per-order.
 *
 * The locator finds the order before the slow hash runs: the first
 * PICKUP_LOCATOR_BITS of SHA-256(PICKUP_LOCATOR_TAG || digits), carried next
 * to the verifier in the signed manifest and indexed in the store.  A typed
 * code costs one SHA-256 to locate, then one PBKDF2 per stored order with
 * the same locator (n / 65 536 of n orders on average), not one per order.
 * What it gives away: a stolen database narrows each order's 10^12 codes to
 * about 10^12 / 2^16 ≈ 1.5e7 candidates by SHA-256 alone, each of which
 * still costs a PBKDF2: half of them on average, at 20 000 iterations (18 ms
 * a guess on one core here), about 38 core-hours per order.  Online
 * nothing changes: the pickup guard counts a wrong code whatever its
 * locator, and the refusal does not say whether a locator matched.
 */
#ifndef TENPO_PICKUP_H
#define TENPO_PICKUP_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

#define PICKUP_CODE_DIGITS 12
#define PICKUP_SALT_LEN 16
#define PICKUP_HASH_LEN 32
#define PICKUP_MIN_ITERATIONS 1000
#define PICKUP_MAX_ITERATIONS 1000000
#define PICKUP_DEFAULT_ITERATIONS 20000

#define PICKUP_LOCATOR_BITS 16
#define PICKUP_LOCATOR_MAX ((1u << PICKUP_LOCATOR_BITS) - 1)
#define PICKUP_LOCATOR_TAG "tenpo pickup locator v1:"

struct pickup_verifier {
	uint32_t locator; /* pickup_locator() of the code, 0..PICKUP_LOCATOR_MAX */
	bool has_locator; /* false: a manifest from before locators (the stamp of an
			     old disc); the store accepts no such order */
	uint32_t iterations;
	uint8_t salt[PICKUP_SALT_LEN];
	uint8_t hash[PICKUP_HASH_LEN];
};

/* Keeps the digits of `in`, allowing spaces and '-' between them; anything
 * else, or a digit count other than PICKUP_CODE_DIGITS, is -1. */
int pickup_normalize(const char *in, char out[PICKUP_CODE_DIGITS + 1]);

/* "123456789012" → "1234-5678-9012" (out holds 15 bytes). */
void pickup_format(const char *digits, char out[PICKUP_CODE_DIGITS + 3]);

/* The code's locator (see above); -1 when `code` is not a code. */
int pickup_locator(const char *code, uint32_t *locator);

/* Fills v->hash (and v->locator) from the normalized code, v->salt and v->iterations. */
int pickup_verifier_compute(const char *code, struct pickup_verifier *v, struct err *e);

/* Normalizes `code` and compares in constant time. */
bool pickup_verifier_matches(const struct pickup_verifier *v, const char *code);

/* Delivery-server side: a fresh random code and its verifier (random salt). */
int pickup_generate(char code[PICKUP_CODE_DIGITS + 1], uint32_t iterations,
		    struct pickup_verifier *v, struct err *e);

#endif
