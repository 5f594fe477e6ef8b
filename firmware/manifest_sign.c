// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * manifest_sign: the server's half of manifest.h, writing a manifest
 * (manifest_to_json) and signing it (manifest_sign).  The kiosk parses and
 * verifies (manifest.c) and never writes or signs one, so this file is
 * built into libtenpo-server.a and build/tenpo does not carry it
 * (tests/integration/boundaries.sh).
 */
#include "manifest_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>

#include "digest.h"

/* --- Writing ------------------------------------------------------------ */

/* Integers go in as raw text: cJSON would print a double, "1e+15" style. */
static bool add_int(cJSON *obj, const char *key, int64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRId64, v);
	return cJSON_AddRawToObject(obj, key, num) != NULL;
}

static bool add_hex(cJSON *obj, const char *key, const uint8_t *bytes, size_t len)
{
	char hex[2 * DIGEST_LEN + 1];

	if (len > DIGEST_LEN)
		return false;
	digest_to_hex(bytes, len, hex);
	return cJSON_AddStringToObject(obj, key, hex) != NULL;
}

/* Fixed-size char fields may lack a NUL in a struct nobody validated. */
static bool add_text(cJSON *obj, const char *key, const char *s, size_t size)
{
	char tmp[MANIFEST_TEXT_MAX + 1];
	size_t len = strnlen(s, size);

	if (len >= size || len >= sizeof(tmp))
		return false;
	memcpy(tmp, s, len + 1);
	return cJSON_AddStringToObject(obj, key, tmp) != NULL;
}

static bool add_file(cJSON *arr, const struct manifest_file *f)
{
	cJSON *o = cJSON_CreateObject(), *t;

	if (!o)
		return false;
	if (!cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return false;
	}
	if (!add_text(o, "name", f->name, sizeof(f->name)) ||
	    !add_int(o, "size", (int64_t)f->size) ||
	    !add_hex(o, "sha256", f->sha256, DIGEST_LEN) ||
	    !cJSON_AddStringToObject(o, "kind", file_kind_name(f->kind)))
		return false;
	if (!f->track.number)
		return true;
	t = cJSON_AddObjectToObject(o, "track");
	return t && add_int(t, "number", f->track.number) &&
	       add_text(t, "title", f->track.title, sizeof(f->track.title)) &&
	       add_text(t, "performer", f->track.performer, sizeof(f->track.performer));
}

static bool build(cJSON *root, const struct manifest *m)
{
	cJSON *o, *files;

	if (!add_int(root, "version", m->version) ||
	    !add_text(root, "order_id", m->order_id, sizeof(m->order_id)))
		return false;
	o = cJSON_AddObjectToObject(root, "ids");
	if (!o || !add_int(o, "user", m->ids.user) || !add_int(o, "shop", m->ids.shop) ||
	    !add_int(o, "delivery_server", m->ids.delivery_server) ||
	    !add_int(o, "content_server", m->ids.content_server))
		return false;
	if (!add_text(root, "title", m->title, sizeof(m->title)) ||
	    !add_text(root, "artist", m->artist, sizeof(m->artist)) ||
	    !cJSON_AddStringToObject(root, "media", media_kind_name(m->media)))
		return false;
	o = cJSON_AddObjectToObject(root, "price");
	if (!o || !add_int(o, "amount", (int64_t)m->price) ||
	    !add_text(o, "currency", m->currency, sizeof(m->currency)) ||
	    !cJSON_AddBoolToObject(o, "prepaid", m->prepaid))
		return false;
	if (!add_int(root, "issued_at", m->issued_at) ||
	    !add_int(root, "expires_at", m->expires_at))
		return false;
	o = cJSON_AddObjectToObject(root, "pickup");
	if (!o || !cJSON_AddStringToObject(o, "kdf", KDF_NAME) ||
	    !add_int(o, "iterations", m->pickup.iterations) ||
	    (m->pickup.has_locator && !add_int(o, "locator", m->pickup.locator)) ||
	    !add_hex(o, "salt", m->pickup.salt, PICKUP_SALT_LEN) ||
	    !add_hex(o, "hash", m->pickup.hash, PICKUP_HASH_LEN))
		return false;
	files = cJSON_AddArrayToObject(root, "files");
	if (!files)
		return false;
	for (size_t i = 0; i < m->file_count; i++)
		if (!add_file(files, &m->files[i]))
			return false;
	return true;
}

char *manifest_to_json(const struct manifest *m, size_t *len, struct err *e)
{
	struct manifest check;
	cJSON *root;
	char *out = NULL;

	if (m->file_count > MANIFEST_MAX_FILES) {
		err_fail(e, "manifest: files: more than %d", MANIFEST_MAX_FILES);
		return NULL;
	}
	if (m->file_count && !m->files) {
		err_fail(e, "manifest: files: file_count %zu but no array", m->file_count);
		return NULL;
	}
	root = cJSON_CreateObject();
	if (!root || !build(root, m)) {
		/* A text field with no NUL in its array fails here too. */
		err_fail(e, "manifest: cannot build JSON "
			    "(a text field unterminated, or out of memory)");
		goto out_delete;
	}
	out = cJSON_PrintUnformatted(root);
	if (!out) {
		err_fail(e, "out of memory");
		goto out_delete;
	}
	/* Refuse to hand out what the kiosk would refuse. */
	if (manifest_parse(out, strlen(out), &check, e)) {
		free(out);
		out = NULL;
		goto out_delete;
	}
	manifest_free(&check);
	if (len)
		*len = strlen(out);
out_delete:
	cJSON_Delete(root);
	return out;
}

int manifest_sign(const void *json, size_t len, const char *key_pem_path, uint8_t *sig,
		  size_t *sig_len, struct err *e)
{
	static const char pers[] = "tenpo manifest_sign";
	uint8_t hash[DIGEST_LEN], out[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_pk_context pk;
	size_t n = 0;
	int ret, rc = -1;

	*sig_len = 0;
	mbedtls_pk_init(&pk);
	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
				    (const unsigned char *)pers, sizeof(pers) - 1);
	if (ret) {
		manifest_key_fail(e, "manifest signing: seeding the DRBG for", key_pem_path, ret);
		goto out_free;
	}
	ret = mbedtls_pk_parse_keyfile(&pk, key_pem_path, NULL);
	if (ret) {
		manifest_key_fail(e, "manifest signing key", key_pem_path, ret);
		goto out_free;
	}
	if (!manifest_key_is_p256(&pk)) {
		err_fail(e, "manifest signing key %s: not an EC P-256 key", key_pem_path);
		goto out_free;
	}
	digest_sha256(json, len, hash);
	ret = mbedtls_pk_sign(&pk, MBEDTLS_MD_SHA256, hash, sizeof(hash), out, &n,
			      mbedtls_ctr_drbg_random, &drbg);
	if (ret) {
		manifest_key_fail(e, "manifest signing with", key_pem_path, ret);
		goto out_free;
	}
	if (n > MANIFEST_SIG_MAX) {
		err_fail(e, "manifest signature of %zu bytes too long", n);
		goto out_free;
	}
	memcpy(sig, out, n);
	*sig_len = n;
	rc = 0;
out_free:
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&entropy);
	mbedtls_pk_free(&pk);
	return rc;
}
