/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tls_internal: what the two halves of tls.h share.  tls.c is the client
 * and the connection (the kiosk's half); tls_server.c is the listening
 * side, which only the delivery server runs and which the kiosk binary does
 * not link (the Makefile builds it into libtenpo-server.a).
 *
 * A struct tls_keys is owned by one tls_client or tls_server and outlives
 * every connection made from it (see tls.c for what they share safely).
 */
#ifndef TENPO_TLS_INTERNAL_H
#define TENPO_TLS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "tls.h"

#define DEFAULT_IO_MS 30000u

struct tls_keys {
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_x509_crt ca;
	mbedtls_x509_crt cert;
	mbedtls_pk_context key;
	mbedtls_ssl_config conf;
};

/* CLOCK_MONOTONIC in milliseconds. */
int64_t tls_now_ms(void);

/* init cannot fail; free undoes init or load, on any state. */
void tls_keys_init(struct tls_keys *k);
void tls_keys_free(struct tls_keys *k);
/* endpoint: MBEDTLS_SSL_IS_CLIENT or MBEDTLS_SSL_IS_SERVER; the policy of
 * tls.c (TLS 1.2, the suites, P-256, peer certificate required). */
int tls_keys_load(struct tls_keys *k, int endpoint, const char *ca_path, const char *cert_path,
		  const char *key_path, struct err *e);

/* A connection over fd (owned from the call on, closed on failure) with
 * the handshake finished by deadline (monotonic ms); later waits are
 * bounded by io_ms each.  *refused: the failure was the peer refusing our
 * settings (a retry cannot help), not a broken transport. */
int tls_conn_open(const mbedtls_ssl_config *conf, int fd, bool is_client,
		  const char *server_name, int64_t deadline, unsigned handshake_ms,
		  unsigned io_ms, struct tls_conn **out, bool *refused, struct err *e);

#endif
