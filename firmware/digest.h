/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * digest: SHA-256 in the forms the protocol and the spool use — raw bytes,
 * lowercase hex, and a whole file read in large blocks.
 */
#ifndef TENPO_DIGEST_H
#define TENPO_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define DIGEST_LEN 32
#define DIGEST_HEX_LEN 64

void digest_sha256(const void *data, size_t len, uint8_t out[DIGEST_LEN]);

/* Hashes the first `limit` bytes of the file (UINT64_MAX: all of it).
 * `*hashed` gets how many bytes were read.  Returns 0 or -1. */
int digest_sha256_file(const char *path, uint64_t limit, uint8_t out[DIGEST_LEN],
		       uint64_t *hashed, struct err *e);

/* out must hold 2*len+1 bytes; writes lowercase hex and a NUL. */
void digest_to_hex(const uint8_t *bytes, size_t len, char *out);

/* Parses exactly 2*len hex digits (either case).  false on anything else. */
bool digest_from_hex(const char *hex, uint8_t *out, size_t len);

/* Constant-time comparison. */
bool digest_equal(const uint8_t *a, const uint8_t *b, size_t len);

#endif
