// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pki: keys and certificates (see pki.h).
 *
 * Mbed TLS 2.28 has no writer for subjectAltName or extendedKeyUsage, so
 * both extensions are built here as DER with asn1write and added with
 * mbedtls_x509write_crt_set_extension().  Mbed TLS checks the server name
 * against SAN dNSName entries (falling back to CN only when there is no
 * SAN); OpenSSL checks SAN only, so the SAN is what makes curl happy.
 *
 * One CTR-DRBG, seeded from the system's entropy, draws every key and
 * serial number; it lives in struct pki for the duration of pki_create().
 */
#include "pki.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mbedtls/asn1write.h>
#include <mbedtls/bignum.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/x509_crt.h>

#include "files.h"
#include "layout.h"

#define PEM_MAX 4096
#define DAY 86400
#define CA_DAYS 3652
#define LEAF_DAYS 730
#define SERIAL_LEN 16
#define TIME_LEN 14 /* YYYYMMDDhhmmss */

struct pki {
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_pk_context ca_key;
	char ca_pem[PEM_MAX];
	char manifest_pub[PEM_MAX];
	char not_before[TIME_LEN + 1]; /* CA and shops */
	char ca_not_after[TIME_LEN + 1];
	char leaf_not_after[TIME_LEN + 1];
};

enum eku { EKU_NONE, EKU_SERVER, EKU_CLIENT };

struct cert_spec {
	const char *subject;
	const char *not_before, *not_after;
	bool is_ca;
	const char *san;              /* NULL: no subjectAltName */
	enum eku eku;
	mbedtls_pk_context *key;      /* the subject's key */
};

static const char CA_NAME[] = "CN=Tenpo Delivery CA,O=Tenpo,C=JP";

static int tls_fail(struct err *e, const char *what, int ret)
{
	char msg[160];

	mbedtls_strerror(ret, msg, sizeof(msg));
	return err_fail(e, "pki: %s: %s (-0x%04x)", what, msg, (unsigned)-ret);
}

static void format_time(time_t t, char out[TIME_LEN + 1])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, TIME_LEN + 1, "%Y%m%d%H%M%S", &tm);
}

/* Parses "YYYYMMDDhhmmss"; -1 unless it names a real moment. */
static int parse_time(const char *s, time_t *out)
{
	char back[TIME_LEN + 1];
	struct tm tm = { 0 };
	int v[6];

	if (strlen(s) != TIME_LEN || strspn(s, "0123456789") != TIME_LEN)
		return -1;
	if (sscanf(s, "%4d%2d%2d%2d%2d%2d", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	if (v[0] < 1950)
		return -1;
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	*out = timegm(&tm);
	/* timegm() normalises 31 February into March: compare the way back. */
	format_time(*out, back);
	return strcmp(back, s) ? -1 : 0;
}

bool pki_time_ok(const char *t)
{
	time_t dummy;

	return parse_time(t, &dummy) == 0;
}

bool pki_server_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 253 || name[0] == '.' || name[0] == '-')
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == n;
}

static int gen_key(struct pki *p, mbedtls_pk_context *key, struct err *e)
{
	int ret;

	ret = mbedtls_pk_setup(key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
	if (ret)
		return tls_fail(e, "key setup", ret);
	ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*key),
				  mbedtls_ctr_drbg_random, &p->drbg);
	if (ret)
		return tls_fail(e, "P-256 key generation", ret);
	return 0;
}

static int write_key(mbedtls_pk_context *key, const char *path, struct err *e)
{
	unsigned char pem[PEM_MAX];
	int ret, rc;

	ret = mbedtls_pk_write_key_pem(key, pem, sizeof(pem));
	if (ret)
		return tls_fail(e, "writing a private key", ret);
	rc = files_write(path, pem, strlen((char *)pem), 0600, e);
	mbedtls_platform_zeroize(pem, sizeof(pem));
	return rc;
}

/* subjectAltName: SEQUENCE { [2] dNSName, and [7] iPAddress for IPv4 }. */
static int san_der(const char *name, unsigned char *buf, size_t size, unsigned char **start,
		   size_t *len)
{
	unsigned char *p = buf + size;
	struct in_addr ip;
	size_t n = 0;
	int ret;

	if (inet_pton(AF_INET, name, &ip) == 1)
		MBEDTLS_ASN1_CHK_ADD(n, mbedtls_asn1_write_tagged_string(
					     &p, buf, MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7,
					     (const char *)&ip, sizeof(ip)));
	MBEDTLS_ASN1_CHK_ADD(n, mbedtls_asn1_write_tagged_string(
				     &p, buf, MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2, name, strlen(name)));
	MBEDTLS_ASN1_CHK_ADD(n, mbedtls_asn1_write_len(&p, buf, n));
	MBEDTLS_ASN1_CHK_ADD(n, mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_CONSTRUCTED |
								      MBEDTLS_ASN1_SEQUENCE));
	*start = p;
	*len = n;
	return 0;
}

/* extKeyUsage: SEQUENCE { one KeyPurposeId }. */
static int eku_der(enum eku eku, unsigned char *buf, size_t size, unsigned char **start,
		   size_t *len)
{
	unsigned char *p = buf + size;
	size_t n = 0;
	int ret;

	if (eku == EKU_SERVER)
		MBEDTLS_ASN1_CHK_ADD(n, mbedtls_asn1_write_oid(&p, buf, MBEDTLS_OID_SERVER_AUTH,
							       MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH)));
	else
		MBEDTLS_ASN1_CHK_ADD(n, mbedtls_asn1_write_oid(&p, buf, MBEDTLS_OID_CLIENT_AUTH,
							       MBEDTLS_OID_SIZE(MBEDTLS_OID_CLIENT_AUTH)));
	MBEDTLS_ASN1_CHK_ADD(n, mbedtls_asn1_write_len(&p, buf, n));
	MBEDTLS_ASN1_CHK_ADD(n, mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_CONSTRUCTED |
								      MBEDTLS_ASN1_SEQUENCE));
	*start = p;
	*len = n;
	return 0;
}

static int random_serial(struct pki *p, mbedtls_mpi *serial, struct err *e)
{
	unsigned char raw[SERIAL_LEN];
	int ret;

	ret = mbedtls_ctr_drbg_random(&p->drbg, raw, sizeof(raw));
	if (ret)
		return tls_fail(e, "serial number", ret);
	raw[0] = (unsigned char)((raw[0] & 0x7f) | 0x40); /* positive, full length */
	ret = mbedtls_mpi_read_binary(serial, raw, sizeof(raw));
	if (ret)
		return tls_fail(e, "serial number", ret);
	return 0;
}

/* Signs a certificate for s with the CA key (itself, for the CA). */
static int issue(struct pki *p, const struct cert_spec *s, char *pem, size_t pem_size,
		 struct err *e)
{
	unsigned char ext[600], *der;
	mbedtls_x509write_cert crt;
	mbedtls_mpi serial;
	size_t der_len;
	int ret, rc = -1;

	mbedtls_x509write_crt_init(&crt);
	mbedtls_mpi_init(&serial);
	mbedtls_x509write_crt_set_version(&crt, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&crt, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&crt, s->key);
	mbedtls_x509write_crt_set_issuer_key(&crt, &p->ca_key);
	if (random_serial(p, &serial, e))
		goto out_free;
	if ((ret = mbedtls_x509write_crt_set_serial(&crt, &serial)) ||
	    (ret = mbedtls_x509write_crt_set_subject_name(&crt, s->subject)) ||
	    (ret = mbedtls_x509write_crt_set_issuer_name(&crt, CA_NAME)) ||
	    (ret = mbedtls_x509write_crt_set_validity(&crt, s->not_before, s->not_after)) ||
	    (ret = mbedtls_x509write_crt_set_basic_constraints(&crt, s->is_ca, s->is_ca ? 0 : -1)) ||
	    (ret = mbedtls_x509write_crt_set_subject_key_identifier(&crt)) ||
	    (ret = mbedtls_x509write_crt_set_authority_key_identifier(&crt)) ||
	    (ret = mbedtls_x509write_crt_set_key_usage(
		     &crt, s->is_ca ? MBEDTLS_X509_KU_KEY_CERT_SIGN | MBEDTLS_X509_KU_CRL_SIGN
				    : MBEDTLS_X509_KU_DIGITAL_SIGNATURE))) {
		tls_fail(e, s->subject, ret);
		goto out_free;
	}
	if (s->san) {
		if ((ret = san_der(s->san, ext, sizeof(ext), &der, &der_len)) ||
		    (ret = mbedtls_x509write_crt_set_extension(
			     &crt, MBEDTLS_OID_SUBJECT_ALT_NAME,
			     MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0, der, der_len))) {
			tls_fail(e, "subjectAltName", ret);
			goto out_free;
		}
	}
	if (s->eku != EKU_NONE) {
		if ((ret = eku_der(s->eku, ext, sizeof(ext), &der, &der_len)) ||
		    (ret = mbedtls_x509write_crt_set_extension(
			     &crt, MBEDTLS_OID_EXTENDED_KEY_USAGE,
			     MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE), 0, der, der_len))) {
			tls_fail(e, "extendedKeyUsage", ret);
			goto out_free;
		}
	}
	ret = mbedtls_x509write_crt_pem(&crt, (unsigned char *)pem, pem_size,
					mbedtls_ctr_drbg_random, &p->drbg);
	if (ret) {
		tls_fail(e, "signing a certificate", ret);
		goto out_free;
	}
	rc = 0;
out_free:
	mbedtls_mpi_free(&serial);
	mbedtls_x509write_crt_free(&crt);
	return rc;
}

/* The key goes to key_path (0600), the certificate to crt_path. */
static int make_leaf(struct pki *p, struct cert_spec *s, const char *key_path,
		     const char *crt_path, struct err *e)
{
	mbedtls_pk_context key;
	char pem[PEM_MAX];
	int rc = -1;

	mbedtls_pk_init(&key);
	s->key = &key;
	if (gen_key(p, &key, e) || write_key(&key, key_path, e))
		goto out_free;
	if (issue(p, s, pem, sizeof(pem), e))
		goto out_free;
	rc = files_write(crt_path, pem, strlen(pem), 0644, e);
out_free:
	s->key = NULL;
	mbedtls_pk_free(&key);
	return rc;
}

static int make_ca(struct pki *p, const char *dir, struct err *e)
{
	char key_path[LAYOUT_PATH_MAX], crt_path[LAYOUT_PATH_MAX];
	struct cert_spec s = {
		.subject = CA_NAME,
		.not_before = p->not_before,
		.not_after = p->ca_not_after,
		.is_ca = true,
		.key = &p->ca_key,
	};

	if (layout_path(key_path, sizeof(key_path), e, "%s/" LAYOUT_CA_KEY, dir) ||
	    layout_path(crt_path, sizeof(crt_path), e, "%s/" LAYOUT_CA_CRT, dir))
		return -1;
	if (gen_key(p, &p->ca_key, e) || write_key(&p->ca_key, key_path, e))
		return -1;
	if (issue(p, &s, p->ca_pem, sizeof(p->ca_pem), e))
		return -1;
	return files_write(crt_path, p->ca_pem, strlen(p->ca_pem), 0644, e);
}

static int make_server(struct pki *p, const struct pki_request *r, struct err *e)
{
	char key_path[LAYOUT_PATH_MAX], crt_path[LAYOUT_PATH_MAX], subject[300];
	char not_before[TIME_LEN + 1], not_after[TIME_LEN + 1];
	time_t now = time(NULL), na = now + (time_t)LEAF_DAYS * DAY, nb = now - DAY;
	struct cert_spec s = { .subject = subject, .san = r->server_name, .eku = EKU_SERVER };

	if (r->server_not_after) {
		if (parse_time(r->server_not_after, &na))
			return err_fail(e, "pki: --server-not-after wants YYYYMMDDhhmmss, got '%s'",
					r->server_not_after);
		if (na - DAY < nb)
			nb = na - DAY; /* an expired certificate, not a not-yet-valid one */
	}
	format_time(nb, not_before);
	format_time(na, not_after);
	s.not_before = not_before;
	s.not_after = not_after;
	if (layout_path(subject, sizeof(subject), e, "CN=%s,O=Tenpo Delivery", r->server_name) ||
	    layout_path(key_path, sizeof(key_path), e, "%s/" LAYOUT_SERVER_KEY, r->dir) ||
	    layout_path(crt_path, sizeof(crt_path), e, "%s/" LAYOUT_SERVER_CRT, r->dir))
		return -1;
	return make_leaf(p, &s, key_path, crt_path, e);
}

static int make_manifest_pair(struct pki *p, const char *dir, struct err *e)
{
	char key_path[LAYOUT_PATH_MAX], pub_path[LAYOUT_PATH_MAX];
	mbedtls_pk_context key;
	int ret, rc = -1;

	mbedtls_pk_init(&key);
	if (layout_path(key_path, sizeof(key_path), e, "%s/" LAYOUT_MANIFEST_KEY, dir) ||
	    layout_path(pub_path, sizeof(pub_path), e, "%s/" LAYOUT_MANIFEST_PUB, dir))
		goto out_free;
	if (gen_key(p, &key, e) || write_key(&key, key_path, e))
		goto out_free;
	ret = mbedtls_pk_write_pubkey_pem(&key, (unsigned char *)p->manifest_pub,
					  sizeof(p->manifest_pub));
	if (ret) {
		tls_fail(e, "writing the manifest public key", ret);
		goto out_free;
	}
	rc = files_write(pub_path, p->manifest_pub, strlen(p->manifest_pub), 0644, e);
out_free:
	mbedtls_pk_free(&key);
	return rc;
}

static int make_shop(struct pki *p, const char *dir, uint32_t shop, struct err *e)
{
	char base[LAYOUT_PATH_MAX], key_path[LAYOUT_PATH_MAX], crt_path[LAYOUT_PATH_MAX];
	char ca_path[LAYOUT_PATH_MAX], pub_path[LAYOUT_PATH_MAX], subject[80];
	struct cert_spec s = {
		.subject = subject,
		.not_before = p->not_before,
		.not_after = p->leaf_not_after,
		.eku = EKU_CLIENT,
	};

	snprintf(subject, sizeof(subject), "CN=shop-%u,O=Tenpo Shops", (unsigned)shop);
	if (layout_path(base, sizeof(base), e, "%s/" LAYOUT_SHOPS_DIR "/%u", dir, (unsigned)shop) ||
	    layout_path(key_path, sizeof(key_path), e, "%s/client.key", base) ||
	    layout_path(crt_path, sizeof(crt_path), e, "%s/client.crt", base) ||
	    layout_path(ca_path, sizeof(ca_path), e, "%s/ca.crt", base) ||
	    layout_path(pub_path, sizeof(pub_path), e, "%s/manifest.pub", base))
		return -1;
	if (make_leaf(p, &s, key_path, crt_path, e))
		return -1;
	if (files_write(ca_path, p->ca_pem, strlen(p->ca_pem), 0644, e) ||
	    files_write(pub_path, p->manifest_pub, strlen(p->manifest_pub), 0644, e))
		return -1;
	return 0;
}

int pki_create(const struct pki_request *r, struct err *e)
{
	static const char pers[] = "tenpo-delivery pki";
	time_t now = time(NULL);
	struct pki *p;
	int ret, rc = -1;

	if (!pki_server_name_ok(r->server_name))
		return err_fail(e, "pki: bad server name '%.80s'", r->server_name);
	p = calloc(1, sizeof(*p));
	if (!p)
		return err_fail(e, "out of memory");
	mbedtls_entropy_init(&p->entropy);
	mbedtls_ctr_drbg_init(&p->drbg);
	mbedtls_pk_init(&p->ca_key);
	ret = mbedtls_ctr_drbg_seed(&p->drbg, mbedtls_entropy_func, &p->entropy,
				    (const unsigned char *)pers, sizeof(pers) - 1);
	if (ret) {
		tls_fail(e, "seeding the random generator", ret);
		goto out_free;
	}
	format_time(now - DAY, p->not_before);
	format_time(now + (time_t)CA_DAYS * DAY, p->ca_not_after);
	format_time(now + (time_t)LEAF_DAYS * DAY, p->leaf_not_after);

	if (make_ca(p, r->dir, e) || make_server(p, r, e) || make_manifest_pair(p, r->dir, e))
		goto out_free;
	for (size_t i = 0; i < r->shop_count; i++)
		if (make_shop(p, r->dir, r->shops[i], e))
			goto out_free;
	rc = 0;
out_free:
	mbedtls_pk_free(&p->ca_key);
	mbedtls_ctr_drbg_free(&p->drbg);
	mbedtls_entropy_free(&p->entropy);
	free(p);
	return rc;
}
