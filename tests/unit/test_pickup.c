// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pickup: normalization, the verifier, generation, and a known answer for
 * PBKDF2-HMAC-SHA256 computed outside Mbed TLS (Python's hashlib).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "digest.h"
#include "pickup.h"

static void normalize_accepts_separators(void **state)
{
	char out[PICKUP_CODE_DIGITS + 1];

	(void)state;
	assert_int_equal(pickup_normalize("1234-5678-9012", out), 0);
	assert_string_equal(out, "123456789012");
	assert_int_equal(pickup_normalize("1234 5678 9012", out), 0);
	assert_string_equal(out, "123456789012");
	assert_int_equal(pickup_normalize("123456789012", out), 0);
	assert_string_equal(out, "123456789012");
	assert_int_equal(pickup_normalize("12 - 34-5678 9012", out), 0);
	assert_string_equal(out, "123456789012");
}

static void normalize_refuses(void **state)
{
	static const char *const bad[] = {
		"",
		"12345678901",     /* 11 digits */
		"1234567890123",   /* 13 digits */
		"12345678901234567890123456789012345678901234567890", /* far too many */
		"1234-5678-901",
		"1234-5678-90123",
		"1234-5678-901a",
		"ABCD-5678-9012",
		"1234_5678_9012",
		"1234.5678.9012",
		"-1234-5678-9012", /* separators only between digits */
		"1234-5678-9012-",
		" 123456789012",
		"123456789012 ",
		"1234\t5678\t9012",
		"１２３４５６７８９０１２", /* full-width digits */
	};
	char out[PICKUP_CODE_DIGITS + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(out, 'x', sizeof(out));
		if (pickup_normalize(bad[i], out) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(out[0], '\0');
	}
}

static void format_groups_of_four(void **state)
{
	char out[PICKUP_CODE_DIGITS + 3];

	(void)state;
	pickup_format("123456789012", out);
	assert_string_equal(out, "1234-5678-9012");
	pickup_format("12345678901", out);
	assert_string_equal(out, "");
	pickup_format("12345678901x", out);
	assert_string_equal(out, "");
}

static void verifier_matches_right_code_only(void **state)
{
	struct pickup_verifier v = { .iterations = PICKUP_MIN_ITERATIONS };
	struct err e = { { 0 } };

	(void)state;
	for (size_t i = 0; i < PICKUP_SALT_LEN; i++)
		v.salt[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(pickup_verifier_compute("4711-0815-4242", &v, &e), 0);
	assert_true(pickup_verifier_matches(&v, "471108154242"));
	assert_true(pickup_verifier_matches(&v, "4711 0815 4242"));
	assert_false(pickup_verifier_matches(&v, "4711-0815-4243"));
	assert_false(pickup_verifier_matches(&v, "0000-0000-0000"));
	assert_false(pickup_verifier_matches(&v, "4711-0815-424"));
	assert_false(pickup_verifier_matches(&v, ""));

	/* Every byte of the hash counts: the right code against a hash that
	 * differs in its last byte only. */
	v.hash[PICKUP_HASH_LEN - 1] ^= 1;
	assert_false(pickup_verifier_matches(&v, "4711-0815-4242"));
	v.hash[PICKUP_HASH_LEN - 1] ^= 1;
	assert_true(pickup_verifier_matches(&v, "4711-0815-4242"));

	/* The salt is part of it: the same code under another salt differs. */
	v.salt[0] ^= 1;
	assert_false(pickup_verifier_matches(&v, "4711-0815-4242"));
}

static void compute_refuses_bad_code(void **state)
{
	struct pickup_verifier v = { .iterations = PICKUP_MIN_ITERATIONS };
	struct err e = { { 0 } };

	(void)state;
	assert_int_equal(pickup_verifier_compute("1234", &v, &e), -1);
	assert_non_null(strstr(e.msg, "12 digits"));
}

static void iterations_bounded(void **state)
{
	struct pickup_verifier v = { 0 };
	struct err e = { { 0 } };
	char code[PICKUP_CODE_DIGITS + 1];

	(void)state;
	v.iterations = PICKUP_MIN_ITERATIONS - 1;
	assert_int_equal(pickup_verifier_compute("123456789012", &v, &e), -1);
	assert_non_null(strstr(e.msg, "iterations"));
	v.iterations = PICKUP_MAX_ITERATIONS + 1;
	assert_int_equal(pickup_verifier_compute("123456789012", &v, &e), -1);
	v.iterations = 0;
	assert_false(pickup_verifier_matches(&v, "123456789012"));

	assert_int_equal(pickup_generate(code, PICKUP_MIN_ITERATIONS - 1, &v, &e), -1);
	assert_int_equal(pickup_generate(code, PICKUP_MAX_ITERATIONS + 1, &v, &e), -1);
	assert_int_equal(pickup_generate(code, 0, &v, &e), -1);
	assert_non_null(strstr(e.msg, "iterations"));
}

static void generate_gives_matching_code(void **state)
{
	struct pickup_verifier v, v2;
	struct err e = { { 0 } };
	char code[PICKUP_CODE_DIGITS + 1], code2[PICKUP_CODE_DIGITS + 1];
	char norm[PICKUP_CODE_DIGITS + 1], shown[PICKUP_CODE_DIGITS + 3];

	(void)state;
	assert_int_equal(pickup_generate(code, PICKUP_MIN_ITERATIONS, &v, &e), 0);
	assert_int_equal(strlen(code), PICKUP_CODE_DIGITS);
	for (size_t i = 0; i < PICKUP_CODE_DIGITS; i++)
		assert_true(code[i] >= '0' && code[i] <= '9');
	assert_int_equal(v.iterations, PICKUP_MIN_ITERATIONS);
	assert_true(pickup_verifier_matches(&v, code));
	pickup_format(code, shown);
	assert_true(pickup_verifier_matches(&v, shown));
	assert_int_equal(pickup_normalize(shown, norm), 0);
	assert_string_equal(norm, code);

	/* Two draws get different salts (equal with chance 2^-128), and the
	 * second verifier does not accept the first code unless they match. */
	assert_int_equal(pickup_generate(code2, PICKUP_MIN_ITERATIONS, &v2, &e), 0);
	assert_memory_not_equal(v.salt, v2.salt, PICKUP_SALT_LEN);
	assert_true(pickup_verifier_matches(&v2, code2));
	if (strcmp(code, code2))
		assert_false(pickup_verifier_matches(&v2, code));
}

/* Each position takes every digit over many draws: catches a digit mapping
 * that never yields some value (e.g. '0' + byte % 9). */
static void generate_uses_all_digits(void **state)
{
	unsigned seen[PICKUP_CODE_DIGITS] = { 0 };
	struct pickup_verifier v;
	struct err e = { { 0 } };
	char code[PICKUP_CODE_DIGITS + 1];

	(void)state;
	/* 400 draws: the chance a given digit never shows in a position is
	 * 0.9^400, about 5e-19. */
	for (int n = 0; n < 400; n++) {
		assert_int_equal(pickup_generate(code, PICKUP_MIN_ITERATIONS, &v, &e), 0);
		for (size_t i = 0; i < PICKUP_CODE_DIGITS; i++)
			seen[i] |= 1u << (code[i] - '0');
	}
	for (size_t i = 0; i < PICKUP_CODE_DIGITS; i++)
		assert_int_equal(seen[i], 0x3ff);
}

static void known_answer(void **state)
{
	/* python3 -c "import hashlib; print(hashlib.pbkdf2_hmac('sha256',
	 *     b'123456789012', bytes(16), 1000).hex())" */
	static const char want1[] =
		"4d1ee7bd65da75b69789c97e83708f58ab648ecaf3d01a40da8c28c24a9b10c7";
	/* hashlib.pbkdf2_hmac('sha256', b'000000000000', bytes(range(16)), 20000) */
	static const char want2[] =
		"f56e95e569f1cde524d0bf36ed1c8a968188e88589818f91e0716282a0eec726";
	struct pickup_verifier v = { .iterations = 1000 };
	struct err e = { { 0 } };
	char hex[2 * PICKUP_HASH_LEN + 1];

	(void)state;
	assert_int_equal(pickup_verifier_compute("1234-5678-9012", &v, &e), 0);
	digest_to_hex(v.hash, PICKUP_HASH_LEN, hex);
	assert_string_equal(hex, want1);

	v.iterations = 20000;
	for (size_t i = 0; i < PICKUP_SALT_LEN; i++)
		v.salt[i] = (uint8_t)i;
	assert_int_equal(pickup_verifier_compute("000000000000", &v, &e), 0);
	digest_to_hex(v.hash, PICKUP_HASH_LEN, hex);
	assert_string_equal(hex, want2);
	assert_true(pickup_verifier_matches(&v, "0000-0000-0000"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalize_accepts_separators),
		cmocka_unit_test(normalize_refuses),
		cmocka_unit_test(format_groups_of_four),
		cmocka_unit_test(verifier_matches_right_code_only),
		cmocka_unit_test(compute_refuses_bad_code),
		cmocka_unit_test(iterations_bounded),
		cmocka_unit_test(generate_gives_matching_code),
		cmocka_unit_test(generate_uses_all_digits),
		cmocka_unit_test(known_answer),
	};

	return cmocka_run_group_tests_name("pickup", tests, NULL, NULL);
}
