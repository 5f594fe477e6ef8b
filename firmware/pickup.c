// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kiosk side only ever checks a code: it normalizes what the customer
 * typed, runs PBKDF2-HMAC-SHA256 with the manifest's salt and iteration count,
 * and compares the result with the manifest's hash in constant time.  The
 * delivery-server side (pickup_generate) draws the code and the salt from
 * getrandom(); digits are drawn by rejection sampling so each is uniform
 * (a byte is used only when it is below 250, the largest multiple of 10).
 *
 * The iteration count comes from a signed manifest, but it is still bounded
 * (PICKUP_MIN/MAX_ITERATIONS) so that a bad manifest cannot make a pickup
 * take minutes.  Copies of a code are wiped before their buffer is left.
 */
#include "pickup.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/platform_util.h>

#include "digest.h"

/* Digits below this are used; 250..255 would make 0..5 more likely. */
#define DIGIT_BYTE_LIMIT 250

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_separator(char c)
{
	return c == ' ' || c == '-';
}

int pickup_normalize(const char *in, char out[PICKUP_CODE_DIGITS + 1])
{
	size_t n = 0;

	out[0] = '\0';
	if (!in || !is_digit(in[0]))
		return -1;
	for (const char *p = in; *p; p++) {
		if (is_digit(*p)) {
			if (n == PICKUP_CODE_DIGITS)
				goto fail;
			out[n++] = *p;
		} else if (!is_separator(*p) || !p[1]) {
			/* A separator only counts between digits: a trailing
			 * one is as wrong as a letter. */
			goto fail;
		}
	}
	if (n != PICKUP_CODE_DIGITS)
		goto fail;
	out[n] = '\0';
	return 0;
fail:
	mbedtls_platform_zeroize(out, PICKUP_CODE_DIGITS + 1);
	return -1;
}

void pickup_format(const char *digits, char out[PICKUP_CODE_DIGITS + 3])
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < PICKUP_CODE_DIGITS; i++)
		if (!is_digit(digits[i]))
			return;
	if (digits[PICKUP_CODE_DIGITS] != '\0')
		return;
	for (size_t i = 0; i < PICKUP_CODE_DIGITS; i++) {
		if (i && i % 4 == 0)
			out[o++] = '-';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

static bool iterations_ok(uint32_t iterations)
{
	return iterations >= PICKUP_MIN_ITERATIONS && iterations <= PICKUP_MAX_ITERATIONS;
}

/* PBKDF2 of an already normalized code into hash. */
static int derive(const char *digits, const struct pickup_verifier *v,
		  uint8_t hash[PICKUP_HASH_LEN], struct err *e)
{
	mbedtls_md_context_t md;
	int ret, rc = -1;

	if (!iterations_ok(v->iterations))
		return err_fail(e, "pickup: iterations %u outside %d..%d", (unsigned)v->iterations,
				PICKUP_MIN_ITERATIONS, PICKUP_MAX_ITERATIONS);
	mbedtls_md_init(&md);
	ret = mbedtls_md_setup(&md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1);
	if (ret) {
		err_fail(e, "pickup: SHA-256 HMAC setup failed (-0x%04x)", (unsigned)-ret);
		goto out_free_md;
	}
	ret = mbedtls_pkcs5_pbkdf2_hmac(&md, (const unsigned char *)digits, PICKUP_CODE_DIGITS,
					v->salt, PICKUP_SALT_LEN, v->iterations,
					PICKUP_HASH_LEN, hash);
	if (ret) {
		err_fail(e, "pickup: PBKDF2 failed (-0x%04x)", (unsigned)-ret);
		goto out_free_md;
	}
	rc = 0;
out_free_md:
	mbedtls_md_free(&md);
	return rc;
}

/* The locator of an already normalized code. */
static uint32_t locate(const char *digits)
{
	uint8_t buf[sizeof(PICKUP_LOCATOR_TAG) - 1 + PICKUP_CODE_DIGITS];
	uint8_t h[DIGEST_LEN];
	uint32_t loc;

	memcpy(buf, PICKUP_LOCATOR_TAG, sizeof(PICKUP_LOCATOR_TAG) - 1);
	memcpy(buf + sizeof(PICKUP_LOCATOR_TAG) - 1, digits, PICKUP_CODE_DIGITS);
	digest_sha256(buf, sizeof(buf), h);
	loc = ((uint32_t)h[0] << 8 | h[1]) & PICKUP_LOCATOR_MAX;
	mbedtls_platform_zeroize(buf, sizeof(buf));
	mbedtls_platform_zeroize(h, sizeof(h));
	return loc;
}

int pickup_locator(const char *code, uint32_t *locator)
{
	char digits[PICKUP_CODE_DIGITS + 1];

	*locator = 0;
	if (pickup_normalize(code, digits))
		return -1;
	*locator = locate(digits);
	mbedtls_platform_zeroize(digits, sizeof(digits));
	return 0;
}

int pickup_verifier_compute(const char *code, struct pickup_verifier *v, struct err *e)
{
	char digits[PICKUP_CODE_DIGITS + 1];
	int rc;

	if (pickup_normalize(code, digits))
		return err_fail(e, "pickup: code is not %d digits", PICKUP_CODE_DIGITS);
	v->locator = locate(digits);
	v->has_locator = true;
	rc = derive(digits, v, v->hash, e);
	mbedtls_platform_zeroize(digits, sizeof(digits));
	return rc;
}

bool pickup_verifier_matches(const struct pickup_verifier *v, const char *code)
{
	char digits[PICKUP_CODE_DIGITS + 1];
	uint8_t hash[PICKUP_HASH_LEN];
	bool match = false;

	if (pickup_normalize(code, digits))
		return false;
	if (derive(digits, v, hash, NULL) == 0)
		match = digest_equal(hash, v->hash, PICKUP_HASH_LEN);
	mbedtls_platform_zeroize(digits, sizeof(digits));
	mbedtls_platform_zeroize(hash, sizeof(hash));
	return match;
}

/* Fills buf from the kernel's CSPRNG; short reads and EINTR are retried. */
static int random_fill(uint8_t *buf, size_t len, struct err *e)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = getrandom(buf + done, len - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_fail(e, "pickup: getrandom: %s", strerror(errno));
		done += (size_t)n;
	}
	return 0;
}

static int random_digits(char out[PICKUP_CODE_DIGITS + 1], struct err *e)
{
	uint8_t pool[32];
	size_t n = 0, used = sizeof(pool);
	int rc = -1;

	while (n < PICKUP_CODE_DIGITS) {
		if (used == sizeof(pool)) {
			if (random_fill(pool, sizeof(pool), e))
				goto out_wipe;
			used = 0;
		}
		if (pool[used] < DIGIT_BYTE_LIMIT)
			out[n++] = (char)('0' + pool[used] % 10);
		used++;
	}
	out[n] = '\0';
	rc = 0;
out_wipe:
	mbedtls_platform_zeroize(pool, sizeof(pool));
	return rc;
}

int pickup_generate(char code[PICKUP_CODE_DIGITS + 1], uint32_t iterations,
		    struct pickup_verifier *v, struct err *e)
{
	code[0] = '\0';
	memset(v, 0, sizeof(*v));
	v->iterations = iterations;
	if (!iterations_ok(iterations))
		return err_fail(e, "pickup: iterations %u outside %d..%d", (unsigned)iterations,
				PICKUP_MIN_ITERATIONS, PICKUP_MAX_ITERATIONS);
	if (random_fill(v->salt, sizeof(v->salt), e))
		return -1;
	if (random_digits(code, e))
		return -1;
	v->locator = locate(code);
	v->has_locator = true;
	if (derive(code, v, v->hash, e)) {
		mbedtls_platform_zeroize(code, PICKUP_CODE_DIGITS + 1);
		return -1;
	}
	return 0;
}
