/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * manifest: what the delivery server promises an order contains, signed.
 *
 * The manifest is a JSON document (format below).  The delivery server signs
 * its exact bytes with ECDSA P-256 over SHA-256 (the manifest-signing key,
 * not the TLS key); the signature travels DER-encoded, base64 in the
 * `Tenpo-Signature` response header.  The kiosk keeps the bytes and the
 * signature verbatim: the disc writer copies both onto the disc.
 *
 * manifest_parse() is the one gate for everything the manifest says.  After it
 * succeeds, every field is in range:
 *   - ids fit their watermark widths (user 32 bits, shop 24, delivery server
 *     16, content server 16), order_id is 1..64 of [A-Za-z0-9_-];
 *   - each file name is valid UTF-8, 1..MANIFEST_NAME_MAX bytes, has no '/',
 *     '\\', control character or DEL, is not "." or "..", and is unique
 *     (case-insensitively, as Joliet and FAT readers compare);
 *   - sizes are > 0 and their sum fits the media (burner_capacity_bytes());
 *   - audio-cd orders hold 1..99 files, all of kind "audio", each with a
 *     track number 1..99, unique;
 *   - strings (title, artist, track title and performer) are valid UTF-8
 *     without control characters and fit their fields.
 * Unknown keys are ignored (forward compatibility); a missing or mistyped
 * known key is an error naming it.
 *
 *   {
 *     "version": 1,
 *     "order_id": "K7Q2M9X4P1",
 *     "ids": { "user": 12345678, "shop": 1001,
 *              "delivery_server": 7, "content_server": 42 },
 *     "title": "夜明けの歌", "artist": "Tenpo Ensemble", "media": "audio-cd",
 *     "price": { "amount": 1500, "currency": "JPY", "prepaid": true },
 *     "issued_at": 1795000000, "expires_at": 1797592000,
 *     "pickup": { "kdf": "pbkdf2-hmac-sha256", "iterations": 20000,
 *                 "locator": 40312, "salt": "<32 hex>", "hash": "<64 hex>" },
 *     "files": [
 *       { "name": "01 Morning.wav", "size": 5292044, "sha256": "<64 hex>",
 *         "kind": "audio",
 *         "track": { "number": 1, "title": "Morning", "performer": "..." } }
 *     ]
 *   }
 */
#ifndef TENPO_MANIFEST_H
#define TENPO_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "err.h"
#include "order.h"
#include "pickup.h"

#define MANIFEST_MAX_BYTES (1024 * 1024)
#define MANIFEST_MAX_FILES 4096
#define MANIFEST_NAME_MAX 180
#define MANIFEST_TEXT_MAX 256 /* title, artist, track title/performer, bytes incl. NUL */
#define ORDER_ID_MAX 64
#define MANIFEST_SIG_MAX 160  /* DER ECDSA P-256 is at most 72 bytes */

enum file_kind { FILE_AUDIO, FILE_VIDEO, FILE_DATA, FILE_KIND_COUNT };

const char *file_kind_name(enum file_kind k);  /* "audio", "video", "data" */
int file_kind_parse(const char *name);

struct manifest_track {
	unsigned number; /* 0: not a track */
	char title[MANIFEST_TEXT_MAX];
	char performer[MANIFEST_TEXT_MAX];
};

struct manifest_file {
	char name[MANIFEST_NAME_MAX + 1];
	uint64_t size;
	uint8_t sha256[DIGEST_LEN];
	enum file_kind kind;
	struct manifest_track track;
};

struct manifest_ids {
	uint32_t user;
	uint32_t shop;            /* 24 bits */
	uint16_t delivery_server;
	uint16_t content_server;
};

struct manifest {
	unsigned version;
	char order_id[ORDER_ID_MAX + 1];
	struct manifest_ids ids;
	char title[MANIFEST_TEXT_MAX];
	char artist[MANIFEST_TEXT_MAX];
	enum media_kind media;
	uint64_t price;          /* in the currency's minor unit (yen) */
	char currency[4];        /* ISO 4217, 3 upper-case letters */
	bool prepaid;            /* false: pay at the register against the slip */
	int64_t issued_at, expires_at;
	struct pickup_verifier pickup;
	size_t file_count;
	struct manifest_file *files; /* owned; manifest_free() releases */
	uint64_t total_bytes;
};

/* Parses and validates (see above).  On failure m is left empty (safe to
 * manifest_free) and e says which field is wrong and why. */
int manifest_parse(const char *json, size_t len, struct manifest *m, struct err *e);
void manifest_free(struct manifest *m);

/* The server's half, manifest_to_json and manifest_sign, is manifest_sign.c
 * (libtenpo-server.a; the kiosk does not link it). */

/* Serialises m as the JSON above (caller frees).  The delivery server signs
 * exactly these bytes.  Round trip: manifest_parse(manifest_to_json(m)) == m. */
char *manifest_to_json(const struct manifest *m, size_t *len, struct err *e);

/* Verifies the DER signature over the manifest bytes with the public key in
 * pubkey_pem_path.  "manifest signature does not verify" on mismatch. */
int manifest_verify(const void *json, size_t len, const uint8_t *sig, size_t sig_len,
		    const char *pubkey_pem_path, struct err *e);

/* Delivery-server side: signs with the private key in key_pem_path;
 * sig must hold MANIFEST_SIG_MAX bytes. */
int manifest_sign(const void *json, size_t len, const char *key_pem_path, uint8_t *sig,
		  size_t *sig_len, struct err *e);

/* The file-name rule above, usable on its own (e is optional). */
bool manifest_name_ok(const char *name, struct err *e);

#endif
