// SPDX-License-Identifier: GPL-2.0-or-later
#include "stamp.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <mbedtls/base64.h>

#define FORMAT "tenpo-stamp/1"

static int add_base64(cJSON *j, const char *key, const void *data, size_t len)
{
	size_t olen = 0;
	char *b64;
	int rc = -1;

	mbedtls_base64_encode(NULL, 0, &olen, data, len);
	b64 = malloc(olen + 1);
	if (!b64)
		return -1;
	if (!mbedtls_base64_encode((unsigned char *)b64, olen + 1, &olen, data, len) &&
	    cJSON_AddStringToObject(j, key, b64))
		rc = 0;
	free(b64);
	return rc;
}

char *stamp_build(const char *manifest, size_t manifest_len, const uint8_t *sig,
		  size_t sig_len, uint32_t shop, int64_t written_at, size_t *len,
		  struct err *e)
{
	struct manifest m = { 0 };
	cJSON *j = NULL, *ids;
	char *text = NULL;

	if (manifest_parse(manifest, manifest_len, &m, e))
		return NULL;
	j = cJSON_CreateObject();
	ids = j ? cJSON_AddObjectToObject(j, "ids") : NULL;
	if (!ids || !cJSON_AddStringToObject(j, "format", FORMAT) ||
	    !cJSON_AddStringToObject(j, "order_id", m.order_id) ||
	    !cJSON_AddNumberToObject(ids, "user", m.ids.user) ||
	    !cJSON_AddNumberToObject(ids, "shop", m.ids.shop) ||
	    !cJSON_AddNumberToObject(ids, "delivery_server", m.ids.delivery_server) ||
	    !cJSON_AddNumberToObject(ids, "content_server", m.ids.content_server) ||
	    !cJSON_AddNumberToObject(j, "written_at", (double)written_at) ||
	    !cJSON_AddNumberToObject(j, "written_by_shop", shop) ||
	    add_base64(j, "manifest", manifest, manifest_len) ||
	    add_base64(j, "signature", sig, sig_len)) {
		err_fail(e, "stamp: out of memory");
		goto out;
	}
	text = cJSON_Print(j);
	if (!text)
		err_fail(e, "stamp: out of memory");
	else
		*len = strlen(text);
out:
	cJSON_Delete(j);
	manifest_free(&m);
	return text;
}

/* Decodes a base64 member into a new buffer of at most cap bytes. */
static int get_base64(const cJSON *j, const char *key, size_t cap, uint8_t **out,
		      size_t *len, struct err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	size_t n = 0;

	if (!cJSON_IsString(v))
		return err_fail(e, "stamp: no \"%s\"", key);
	if (mbedtls_base64_decode(NULL, 0, &n, (const unsigned char *)v->valuestring,
				  strlen(v->valuestring)) == MBEDTLS_ERR_BASE64_INVALID_CHARACTER ||
	    n > cap)
		return err_fail(e, "stamp: \"%s\" is not valid base64 of at most %zu bytes", key,
				cap);
	*out = malloc(n + 1);
	if (!*out)
		return err_fail(e, "out of memory");
	if (mbedtls_base64_decode(*out, n + 1, len, (const unsigned char *)v->valuestring,
				  strlen(v->valuestring))) {
		free(*out);
		*out = NULL;
		return err_fail(e, "stamp: \"%s\" is not valid base64", key);
	}
	return 0;
}

static bool number_is(const cJSON *j, const char *key, double want)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);

	return cJSON_IsNumber(v) && v->valuedouble == want;
}

int stamp_check(const char *text, size_t len, const char *pubkey_pem_path,
		struct manifest *m, int64_t *written_at, uint32_t *shop, struct err *e)
{
	uint8_t *manifest = NULL, *sig = NULL;
	size_t manifest_len, sig_len;
	const cJSON *fmt, *ids, *id, *at, *by;
	cJSON *j = NULL;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	if (len > STAMP_MAX_BYTES)
		return err_fail(e, "stamp: larger than %d bytes", STAMP_MAX_BYTES);
	j = cJSON_ParseWithLength(text, len);
	fmt = cJSON_GetObjectItemCaseSensitive(j, "format");
	if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, FORMAT)) {
		err_fail(e, "stamp: not a %s stamp", FORMAT);
		goto out;
	}
	if (get_base64(j, "manifest", MANIFEST_MAX_BYTES, &manifest, &manifest_len, e) ||
	    get_base64(j, "signature", MANIFEST_SIG_MAX, &sig, &sig_len, e))
		goto out;
	if (manifest_verify(manifest, manifest_len, sig, sig_len, pubkey_pem_path, e) ||
	    manifest_parse((const char *)manifest, manifest_len, m, e))
		goto out;
	ids = cJSON_GetObjectItemCaseSensitive(j, "ids");
	id = cJSON_GetObjectItemCaseSensitive(j, "order_id");
	at = cJSON_GetObjectItemCaseSensitive(j, "written_at");
	by = cJSON_GetObjectItemCaseSensitive(j, "written_by_shop");
	if (!cJSON_IsString(id) || strcmp(id->valuestring, m->order_id) ||
	    !number_is(ids, "user", m->ids.user) || !number_is(ids, "shop", m->ids.shop) ||
	    !number_is(ids, "delivery_server", m->ids.delivery_server) ||
	    !number_is(ids, "content_server", m->ids.content_server)) {
		err_fail(e, "stamp: its readable IDs differ from the signed manifest's");
		goto out;
	}
	/* ranges first: a double out of int64_t's range is UB to convert */
	if (!cJSON_IsNumber(at) || !cJSON_IsNumber(by) || !(at->valuedouble >= 0) ||
	    at->valuedouble > 253402300799.0 /* 9999-12-31 */ || !(by->valuedouble >= 0) ||
	    by->valuedouble > 0xffffff) {
		err_fail(e, "stamp: malformed written_at or written_by_shop");
		goto out;
	}
	*written_at = (int64_t)at->valuedouble;
	*shop = (uint32_t)by->valuedouble;
	rc = 0;
out:
	if (rc)
		manifest_free(m);
	free(manifest);
	free(sig);
	cJSON_Delete(j);
	return rc;
}
