/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * digest: SHA-256 in the forms the protocol and the spool use — raw bytes,
 * lowercase hex, incremental over a stream, and a whole file read in large
 * blocks.
 *
 * SHA-256 comes from Nettle, not Mbed TLS: Debian builds Nettle "fat", so it
 * uses the CPU's SHA extensions when present.  Measured here on 300 MB:
 * nettle-hash 0.28 s (≈1.1 GB/s) against coreutils' sha256sum 1.77 s; Mbed TLS
 * 2.28 has no x86 SHA acceleration.  Every downloaded byte is hashed, so
 * this is the difference between the hash and the cipher being the ceiling.
 */
#ifndef TENPO_DIGEST_H
#define TENPO_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nettle/sha2.h>

#include "err.h"

#define DIGEST_LEN 32
#define DIGEST_HEX_LEN 64

void digest_sha256(const void *data, size_t len, uint8_t out[DIGEST_LEN]);

/* Incremental: init, update any number of times, final.  Plain struct, no
 * allocation; final leaves the context ready for a new message. */
struct digest_ctx {
	struct sha256_ctx sha;
};
void digest_init(struct digest_ctx *d);
void digest_update(struct digest_ctx *d, const void *data, size_t len);
void digest_final(struct digest_ctx *d, uint8_t out[DIGEST_LEN]);

/* Feeds the first `limit` bytes of the file (UINT64_MAX: all of it) into d.
 * `*hashed` gets how many bytes were read.  Returns 0 or -1. */
int digest_update_file(struct digest_ctx *d, const char *path, uint64_t limit,
		       uint64_t *hashed, struct err *e);

/* The same, start to finish: out is the SHA-256 of those bytes. */
int digest_sha256_file(const char *path, uint64_t limit, uint8_t out[DIGEST_LEN],
		       uint64_t *hashed, struct err *e);

/* out must hold 2*len+1 bytes; writes lowercase hex and a NUL. */
void digest_to_hex(const uint8_t *bytes, size_t len, char *out);

/* Parses exactly 2*len hex digits (either case).  false on anything else. */
bool digest_from_hex(const char *hex, uint8_t *out, size_t len);

/* Constant-time comparison. */
bool digest_equal(const uint8_t *a, const uint8_t *b, size_t len);

#endif
