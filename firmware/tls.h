/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tls: Mbed TLS 2.28 connections, client and server, always mutually
 * authenticated and always TLS 1.2 (the minimum is set explicitly: Debian's
 * default would accept 1.1).  ECDHE-ECDSA with ChaCha20-Poly1305 or
 * AES-128-GCM only.
 *
 * Client: the CA is pinned (only the configured CA file is trusted), the
 * server name is always set and checked, certificate checking is never
 * optional.  A failed verification names the cause in plain words:
 * "server certificate not trusted (unknown CA)", "server certificate expired",
 * "server certificate is for another host name (expected NAME)".  A server
 * whose settings the kiosk cannot meet is named with what to change: an RSA
 * certificate or no common cipher suite, TLS 1.1 or older only, a
 * certificate without the serverAuth extended key usage, a certificate
 * chain over one 16 KB record.  tls_client_last_failure() says whether a
 * failed connect can succeed on a retry.
 *
 * Server: a client certificate signed by the configured CA is required;
 * tls_conn_peer_cn() gives its subject CN (the delivery server maps it to a
 * shop ID).
 *
 * Lifetimes: a tls_client / tls_server holds the loaded keys and the random
 * generator and must outlive every tls_conn made from it.  A tls_conn is used
 * by one thread at a time; different connections of the same tls_server may
 * be used from different threads at once.
 *
 * Timeouts: connect_timeout_ms bounds TCP connect plus handshake;
 * io_timeout_ms bounds each wait for bytes in tls_read()/tls_write_all().
 * A timeout is an error: "server stalled: no data for N s".
 */
#ifndef TENPO_TLS_H
#define TENPO_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

struct tls_client;
struct tls_server;
struct tls_conn;

struct tls_client_conf {
	const char *ca_path;     /* PEM: the one CA trusted for the server */
	const char *cert_path;   /* PEM: this shop's certificate */
	const char *key_path;    /* PEM: its private key */
	const char *server_name; /* checked against the server certificate */
	unsigned connect_timeout_ms;
	unsigned io_timeout_ms;
};

struct tls_server_conf {
	const char *ca_path;   /* PEM: CA that signs client (shop) certificates */
	const char *cert_path; /* PEM: server certificate */
	const char *key_path;  /* PEM: its private key */
	unsigned io_timeout_ms;
};

int tls_client_new(struct tls_client **out, const struct tls_client_conf *conf,
		   struct err *e);
void tls_client_free(struct tls_client *c);

/* TCP connect (host may be a name or an address) and handshake. */
int tls_connect(struct tls_client *c, const char *host, uint16_t port,
		struct tls_conn **out, struct err *e);

/* How the last tls_connect() or tls_client_attach_fd() of c ended. */
enum tls_connect_failure {
	TLS_CONNECT_OK,
	TLS_CONNECT_UNREACHABLE, /* no TCP connection: name, route, refused, timeout */
	TLS_CONNECT_BROKEN,      /* the handshake broke off or stalled: may pass later */
	TLS_CONNECT_REFUSED,     /* the peer's certificate or settings were refused, or
				    it refused ours: the same again on a retry */
};
enum tls_connect_failure tls_client_last_failure(const struct tls_client *c);

/* Handshake as a client over an already connected socket (tests use a
 * socketpair).  The conn takes ownership of fd. */
int tls_client_attach_fd(struct tls_client *c, int fd, struct tls_conn **out,
			 struct err *e);

/* The listening half (tls_server.c, in libtenpo-server.a: the delivery
 * server's, not linked into the kiosk). */
int tls_server_new(struct tls_server **out, const struct tls_server_conf *conf,
		   struct err *e);
void tls_server_free(struct tls_server *s);

/* Binds and listens (SO_REUSEADDR); port 0 picks one, *bound_port says which. */
int tls_listen(const char *host, uint16_t port, int *fd_out, uint16_t *bound_port,
	       struct err *e);

/* Handshake as the server over an accepted socket; the conn owns fd.  Fails
 * when the client sends no certificate or one the CA did not sign. */
int tls_server_attach_fd(struct tls_server *s, int fd, struct tls_conn **out,
			 struct err *e);

/* > 0: bytes read; 0: the peer closed the connection; < 0: error. */
ssize_t tls_read(struct tls_conn *c, void *buf, size_t len, struct err *e);
int tls_write_all(struct tls_conn *c, const void *buf, size_t len, struct err *e);

/* Subject CN of the verified peer certificate ("" when none). */
const char *tls_conn_peer_cn(const struct tls_conn *c);

/* The peer certificate's expiry as Unix time (0 when none). */
int64_t tls_conn_peer_not_after(const struct tls_conn *c);

/* The expiry (Unix time) of the first certificate in a PEM file: the kiosk
 * shows staff when its own client certificate runs out. */
int tls_cert_file_not_after(const char *path, int64_t *not_after, struct err *e);

/* Sends close_notify (best effort), closes the socket, frees.  NULL is fine. */
void tls_close(struct tls_conn *c);

#endif
