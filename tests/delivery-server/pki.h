/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pki: every key and certificate of a delivery folder, made with Mbed TLS's
 * pk and x509write APIs.  EC P-256 keys everywhere, SHA-256 signatures.
 *
 *   CA        "CN=Tenpo Delivery CA", self-signed, CA:true, 10 years.
 *   server    CN = the server name, subjectAltName dNSName = the same name
 *             (plus iPAddress when the name is an IPv4 literal),
 *             extKeyUsage serverAuth, valid from yesterday for 2 years
 *             unless a not-after is given (an expired certificate for the
 *             kiosk's tests: not-before then moves back to stay earlier).
 *   shops     "CN=shop-<id>", extKeyUsage clientAuth, 2 years; the key and
 *             certificate go straight into DIR/shops/<id>/ with copies of
 *             ca.crt and manifest.pub.
 *   manifest  a key pair for signing manifests, distinct from the TLS key.
 *
 * One CA signs both the server and the shops: the kiosk pins it as its
 * server CA and the server requires it of client certificates.  Private
 * keys are written 0600 and never leave DIR/server/ (the shops' own keys
 * only exist in their folders).
 */
#ifndef TENPO_DS_PKI_H
#define TENPO_DS_PKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct pki_request {
	const char *dir;              /* the delivery folder; DIR/server/ exists */
	const char *server_name;      /* pki_server_name_ok() */
	const char *server_not_after; /* "YYYYMMDDhhmmss" UTC, or NULL */
	const uint32_t *shops;        /* their folders DIR/shops/<id>/ exist */
	size_t shop_count;
};

int pki_create(const struct pki_request *r, struct err *e);

/* A DNS name or IPv4 literal: 1..253 of [A-Za-z0-9.-]. */
bool pki_server_name_ok(const char *name);

/* "YYYYMMDDhhmmss", a real date between 1950 and 9999. */
bool pki_time_ok(const char *t);

#endif
