/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * manifest_internal: what manifest.c (parsing, verifying: the kiosk's half)
 * shares with manifest_sign.c (writing, signing: the server's half).
 */
#ifndef TENPO_MANIFEST_INTERNAL_H
#define TENPO_MANIFEST_INTERNAL_H

#include <stdbool.h>

#include <mbedtls/pk.h>

#include "manifest.h"

#define MANIFEST_VERSION 1
#define KDF_NAME "pbkdf2-hmac-sha256"

/* "WHAT PATH: Mbed TLS's words for ret" into e; returns -1. */
int manifest_key_fail(struct err *e, const char *what, const char *path, int ret);
/* A manifest key is ECDSA-capable and on P-256: no other curve, no RSA. */
bool manifest_key_is_p256(const mbedtls_pk_context *pk);

#endif
