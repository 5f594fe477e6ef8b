/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stamp: the signed file every data disc carries (TENPO-STAMP.JSON), so
 * that anyone can check later that a disc is legitimate and whom it was
 * sold to — the "IDs written by other means" beside the watermark.
 *
 * The stamp holds the manifest exactly as the delivery server signed it and
 * that signature, both base64, plus, for people reading it, the IDs and when
 * and where the disc was written.  Only the manifest and its signature are
 * trusted: stamp_check() verifies the signature with the delivery server's
 * public key, parses the manifest, and requires the readable IDs to equal
 * the signed ones, so an edited stamp is caught.
 *
 *   {"format": "tenpo-stamp/1", "order_id": "K7Q2M9X4P1",
 *    "ids": {"user": 12345678, "shop": 1001, "delivery_server": 7,
 *            "content_server": 42},
 *    "written_at": 1795000000, "written_by_shop": 1001,
 *    "manifest": "<base64>", "signature": "<base64 DER>"}
 */
#ifndef TENPO_STAMP_H
#define TENPO_STAMP_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "manifest.h"

#define STAMP_FILE_NAME "TENPO-STAMP.JSON"
#define STAMP_MAX_BYTES (2 * MANIFEST_MAX_BYTES)

/* The stamp's JSON text (malloc'ed, caller frees; *len without the NUL). */
char *stamp_build(const char *manifest, size_t manifest_len, const uint8_t *sig,
		  size_t sig_len, uint32_t shop, int64_t written_at, size_t *len,
		  struct err *e);

/* Verifies a stamp (see above).  On success m holds the signed manifest
 * (manifest_free it) and *written_at / *shop what the stamp says of the
 * writing. */
int stamp_check(const char *text, size_t len, const char *pubkey_pem_path,
		struct manifest *m, int64_t *written_at, uint32_t *shop, struct err *e);

#endif
