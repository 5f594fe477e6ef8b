/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pickup: the code a customer types or scans at the kiosk.
 *
 * A code is PICKUP_CODE_DIGITS decimal digits, shown as "1234-5678-9012".
 * The kiosk never stores a code: the signed manifest carries a verifier,
 * PBKDF2-HMAC-SHA256(code, 16-byte salt, iterations), so the kiosk can check
 * a code offline and a stolen database reveals no code without a brute
 * force that each salt makes per-order.
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

struct pickup_verifier {
	uint32_t iterations;
	uint8_t salt[PICKUP_SALT_LEN];
	uint8_t hash[PICKUP_HASH_LEN];
};

/* Keeps the digits of `in`, allowing spaces and '-' between them; anything
 * else, or a digit count other than PICKUP_CODE_DIGITS, is -1. */
int pickup_normalize(const char *in, char out[PICKUP_CODE_DIGITS + 1]);

/* "123456789012" → "1234-5678-9012" (out holds 15 bytes). */
void pickup_format(const char *digits, char out[PICKUP_CODE_DIGITS + 3]);

/* Fills v->hash from the normalized code, v->salt and v->iterations. */
int pickup_verifier_compute(const char *code, struct pickup_verifier *v, struct err *e);

/* Normalizes `code` and compares in constant time. */
bool pickup_verifier_matches(const struct pickup_verifier *v, const char *code);

/* Delivery-server side: a fresh random code and its verifier (random salt). */
int pickup_generate(char code[PICKUP_CODE_DIGITS + 1], uint32_t iterations,
		    struct pickup_verifier *v, struct err *e);

#endif
