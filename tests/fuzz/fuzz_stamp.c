// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for stamp_check(): the stamp file read from a disc that
 * anyone may have made.  So that inputs get past the signature, the target
 * signs one valid manifest at start-up, and in the input "@M" stands for its
 * base64 and "@S" for its signature's.  Any stamp may be refused, never
 * crash; an accepted one must carry that manifest's IDs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mbedtls/base64.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>

#include "manifest.h"
#include "stamp.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char manifest_json[] =
	"{\"version\":1,\"order_id\":\"K7Q2M9X4P1\",\"ids\":{\"user\":12345678,"
	"\"shop\":1001,\"delivery_server\":7,\"content_server\":42},\"title\""
	":\"T\",\"artist\":\"A\",\"media\":\"data-cd\",\"price\":{\"amount\":100,\"c"
	"urrency\":\"JPY\",\"prepaid\":true},\"issued_at\":1795000000,\"expir"
	"es_at\":1797592000,\"pickup\":{\"kdf\":\"pbkdf2-hmac-sha256\",\"iter"
	"ations\":20000,\"salt\":\"a0a1a2a3a4a5a6a7a8a9aaabacadaeaf\",\"has"
	"h\":\"1f64847ea58525bd846baf310370b01c25080aa244700aece9bd71a9"
	"5ed22b1e\"},\"files\":[{\"name\":\"a.bin\",\"size\":1,\"sha256\":\"6e340"
	"b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d\""
	",\"kind\":\"data\"}]}";
static char pub_path[64];
static char b64_manifest[4096], b64_sig[512];
static int have_valid; /* the manifest above parses: accepted stamps are checkable */

static int write_pem(const char *path, const unsigned char *pem)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs((const char *)pem, f);
	return fclose(f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char dir[] = "/tmp/tenpo-fuzz-stamp-XXXXXX";
	char key_path[64];
	unsigned char pem[4096];
	uint8_t sig[MANIFEST_SIG_MAX];
	size_t sig_len, n;
	mbedtls_pk_context pk;
	mbedtls_entropy_context ent;
	mbedtls_ctr_drbg_context drbg;
	struct manifest m;
	struct err e;

	(void)argc, (void)argv;
	if (!mkdtemp(dir))
		abort();
	snprintf(key_path, sizeof(key_path), "%s/key.pem", dir);
	snprintf(pub_path, sizeof(pub_path), "%s/pub.pem", dir);
	mbedtls_pk_init(&pk);
	mbedtls_entropy_init(&ent);
	mbedtls_ctr_drbg_init(&drbg);
	if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, NULL, 0) ||
	    mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) ||
	    mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(pk), mbedtls_ctr_drbg_random,
				&drbg) ||
	    mbedtls_pk_write_key_pem(&pk, pem, sizeof(pem)) || write_pem(key_path, pem) ||
	    mbedtls_pk_write_pubkey_pem(&pk, pem, sizeof(pem)) || write_pem(pub_path, pem))
		abort();
	if (manifest_sign(manifest_json, strlen(manifest_json), key_path, sig, &sig_len, &e) ||
	    mbedtls_base64_encode((unsigned char *)b64_manifest, sizeof(b64_manifest), &n,
				  (const unsigned char *)manifest_json, strlen(manifest_json)) ||
	    mbedtls_base64_encode((unsigned char *)b64_sig, sizeof(b64_sig), &n, sig, sig_len))
		abort();
	if (manifest_parse(manifest_json, strlen(manifest_json), &m, &e)) {
		fprintf(stderr, "fuzz_stamp: the seed manifest does not parse: %s\n", e.msg);
		abort();
	}
	have_valid = 1;
	manifest_free(&m);
	unlink(key_path);
	mbedtls_pk_free(&pk);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&ent);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size * (sizeof(b64_manifest) / 2) + 1), *o = text;
	struct manifest m;
	struct err e;
	int64_t at;
	uint32_t shop;

	if (!text)
		return 0;
	for (size_t i = 0; i < size; i++) {
		if (data[i] == '@' && i + 1 < size && (data[i + 1] == 'M' || data[i + 1] == 'S')) {
			const char *b = data[i + 1] == 'M' ? b64_manifest : b64_sig;

			memcpy(o, b, strlen(b));
			o += strlen(b);
			i++;
		} else {
			*o++ = (char)data[i];
		}
	}
	if (!stamp_check(text, (size_t)(o - text), pub_path, &m, &at, &shop, &e)) {
		if (getenv("FUZZ_STAMP_SAY"))
			fprintf(stderr, "fuzz_stamp: accepted\n");
		if (!have_valid || m.ids.user != 12345678 || m.ids.shop != 1001 || shop > 0xffffff ||
		    at < 0)
			abort();
		manifest_free(&m);
	} else {
		if (getenv("FUZZ_STAMP_SAY"))
			fprintf(stderr, "fuzz_stamp: refused: %s\n", e.msg);
		if (strnlen(e.msg, sizeof(e.msg)) == sizeof(e.msg))
			abort();
	}
	free(text);
	return 0;
}
