// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tls: Mbed TLS 2.28 connections, as tls.h describes.
 *
 * Shared state.  A tls_client and a tls_server (tls_server.c, the listening
 * half) each own one `struct tls_keys`:
 * the CA chain, the own certificate and key, one CTR_DRBG and one
 * mbedtls_ssl_config.  Every connection made from them points at that config
 * and never writes to it.  The server handshakes connections from several
 * threads at once, so what they share must be safe to share:
 *   - the CTR_DRBG: Debian builds Mbed TLS with MBEDTLS_THREADING_C and
 *     MBEDTLS_THREADING_PTHREAD, and then mbedtls_ctr_drbg_random() takes the
 *     context's own mutex (and the entropy pool takes its own when it
 *     reseeds).  We rely on that lock instead of adding a second one or a
 *     DRBG per connection (which would mean seeding from the entropy pool on
 *     every accept); the #error below stops a build against a library
 *     without it.  The DRBG is only used during handshakes: the AEAD suites
 *     take their nonces from the record counter.
 *   - the keys and certificates: read only.  The EC signing and verifying
 *     wrappers work on a copy of the curve group, so even the lazily built
 *     multiplication table is per call.
 *
 * Transport.  The socket is non-blocking and the record layer's BIO is ours:
 * each recv()/send() is tried first and poll() waits only when the kernel
 * has nothing (so a busy download costs no extra system call).  A wait is
 * bounded by the handshake deadline while handshaking (client:
 * connect_timeout_ms from before connect(); server: io_timeout_ms for the
 * whole handshake, so a client trickling bytes cannot hold a thread), and by
 * io_timeout_ms per wait afterwards.  send() uses MSG_NOSIGNAL: callers need
 * not ignore SIGPIPE.  A timeout value of 0 in a conf means the defaults
 * (10 s connect, 30 s I/O) rather than "wait forever".
 *
 * Policy, both sides: TLS 1.2 only (min and max), ECDHE-ECDSA with
 * ChaCha20-Poly1305 first (the faster cipher in Mbed TLS, and the server
 * picks by its own order) or AES-128-GCM, P-256 only, SHA-256 signatures,
 * peer certificate REQUIRED.  The client always sets the host name.
 *
 * Ownership: tls_client_attach_fd()/tls_server_attach_fd() own fd from the
 * call on, and close it when they fail.
 *
 * Errors are one line naming the cause in plain words; verification
 * failures use the fixed phrases of tls.h, without a prefix, so the caller
 * can wrap them.
 */
#include "tls_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#if !defined(MBEDTLS_THREADING_C)
#error "tls.c shares one CTR_DRBG between threads: Mbed TLS needs MBEDTLS_THREADING_C"
#endif

#define DEFAULT_CONNECT_MS 10000u
#define PEM_FILE_MAX (1 << 20)
#define CN_MAX 64 /* ub-common-name */

static const int ciphersuites[] = {
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	0,
};

static const mbedtls_ecp_group_id curves[] = {
	MBEDTLS_ECP_DP_SECP256R1,
	MBEDTLS_ECP_DP_NONE,
};

static const int sig_hashes[] = {
	MBEDTLS_MD_SHA256,
	MBEDTLS_MD_NONE,
};

struct tls_client {
	struct tls_keys k;
	char server_name[256];
	unsigned connect_ms;
	unsigned io_ms;
	enum tls_connect_failure last_failure; /* of the last tls_connect() */
};

enum wait_dir { WAIT_NONE, WAIT_READ, WAIT_WRITE };

/* The record layer's transport: a non-blocking socket and its time bounds. */
struct bio {
	int fd;
	unsigned io_ms;         /* bound on each wait once the handshake is done */
	int64_t deadline;       /* monotonic ms bounding the handshake; 0 after it */
	bool no_wait;           /* close_notify: give up rather than wait */
	enum wait_dir timed_out; /* the last failure was this wait running out */
	int sys_errno;          /* the last failed recv()/send()/poll(), 0 if none */
};

struct tls_conn {
	mbedtls_ssl_context ssl;
	struct bio bio;
	bool is_client;
	bool handshaken;
	unsigned handshake_ms;   /* for the timeout message */
	const char *server_name; /* client: the name checked; lives in tls_client */
	char peer_cn[CN_MAX + 1];
	int64_t peer_not_after;
	bool refused;            /* the failure is the peer's settings: a retry
				    meets the same refusal */
};

/* ---- small helpers ---- */

int64_t tls_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "30" for 30000 ms, "0.2" for 200 ms. */
static const char *secs(unsigned ms, char buf[24])
{
	if (ms % 1000 == 0)
		snprintf(buf, 24, "%u", ms / 1000);
	else if (ms % 100 == 0)
		snprintf(buf, 24, "%u.%u", ms / 1000, ms % 1000 / 100);
	else
		snprintf(buf, 24, "%u.%03u", ms / 1000, ms % 1000);
	return buf;
}

/* "what: Mbed TLS's words for ret". */
static int mbed_fail(struct err *e, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int mbed_fail(struct err *e, int ret, const char *fmt, ...)
{
	char what[ERR_MSG_MAX / 2], why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	mbedtls_strerror(ret, why, sizeof(why));
	return err_fail(e, "%s: %s", what, why);
}

/* Reads a PEM (or DER) file for Mbed TLS's parsers: NUL-terminated, and the
 * length counts the NUL when the data is PEM, as mbedtls_pk_load_file does. */
static int load_file(const char *path, const char *what, unsigned char **out, size_t *len,
		     struct err *e)
{
	unsigned char *buf = NULL;
	struct stat st;
	size_t got = 0;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_fail(e, "%s %s: %s", what, path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > PEM_FILE_MAX) {
		err_fail(e, "%s %s: not a regular file of at most %d bytes", what, path,
			 PEM_FILE_MAX);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		err_fail(e, "out of memory");
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_fail(e, "%s %s: read: %s", what, path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*len = got;
	if (strstr((const char *)buf, "-----BEGIN "))
		(*len)++;
	*out = buf;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

static void free_key_file(unsigned char *buf, size_t len)
{
	if (buf)
		mbedtls_platform_zeroize(buf, len);
	free(buf);
}

/* ---- keys and config, shared by client and server ---- */

void tls_keys_init(struct tls_keys *k)
{
	mbedtls_entropy_init(&k->entropy);
	mbedtls_ctr_drbg_init(&k->drbg);
	mbedtls_x509_crt_init(&k->ca);
	mbedtls_x509_crt_init(&k->cert);
	mbedtls_pk_init(&k->key);
	mbedtls_ssl_config_init(&k->conf);
}

void tls_keys_free(struct tls_keys *k)
{
	mbedtls_ssl_config_free(&k->conf);
	mbedtls_pk_free(&k->key);
	mbedtls_x509_crt_free(&k->cert);
	mbedtls_x509_crt_free(&k->ca);
	mbedtls_ctr_drbg_free(&k->drbg);
	mbedtls_entropy_free(&k->entropy);
}

int tls_keys_load(struct tls_keys *k, int endpoint, const char *ca_path, const char *cert_path,
		     const char *key_path, struct err *e)
{
	static const char pers_client[] = "tenpo tls client";
	static const char pers_server[] = "tenpo tls server";
	const char *pers = endpoint == MBEDTLS_SSL_IS_CLIENT ? pers_client : pers_server;
	unsigned char *buf = NULL;
	size_t len = 0;
	int ret;

	if (!ca_path || !*ca_path || !cert_path || !*cert_path || !key_path || !*key_path)
		return err_fail(e, "TLS needs a CA, a certificate and a key file");

	if (load_file(ca_path, "CA", &buf, &len, e))
		return -1;
	ret = mbedtls_x509_crt_parse(&k->ca, buf, len);
	free(buf);
	if (ret)
		return mbed_fail(e, ret, "CA %s: not a certificate", ca_path);

	if (load_file(cert_path, "certificate", &buf, &len, e))
		return -1;
	ret = mbedtls_x509_crt_parse(&k->cert, buf, len);
	free(buf);
	if (ret)
		return mbed_fail(e, ret, "certificate %s: not a certificate", cert_path);
	if (!mbedtls_pk_can_do(&k->cert.pk, MBEDTLS_PK_ECDSA))
		return err_fail(e, "certificate %s: not an ECDSA key (TLS here is ECDHE-ECDSA)",
				cert_path);

	if (load_file(key_path, "key", &buf, &len, e))
		return -1;
	ret = mbedtls_pk_parse_key(&k->key, buf, len, NULL, 0);
	free_key_file(buf, len);
	if (ret)
		return mbed_fail(e, ret, "key %s: not a usable private key", key_path);
	if (mbedtls_pk_check_pair(&k->cert.pk, &k->key))
		return err_fail(e, "key %s does not belong to certificate %s", key_path,
				cert_path);

	ret = mbedtls_ctr_drbg_seed(&k->drbg, mbedtls_entropy_func, &k->entropy,
				    (const unsigned char *)pers, strlen(pers));
	if (ret)
		return mbed_fail(e, ret, "cannot seed the random generator");

	ret = mbedtls_ssl_config_defaults(&k->conf, endpoint, MBEDTLS_SSL_TRANSPORT_STREAM,
					  MBEDTLS_SSL_PRESET_DEFAULT);
	if (ret)
		return mbed_fail(e, ret, "TLS configuration");
	mbedtls_ssl_conf_min_version(&k->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_max_version(&k->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_authmode(&k->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ciphersuites(&k->conf, ciphersuites);
	mbedtls_ssl_conf_curves(&k->conf, curves);
	mbedtls_ssl_conf_sig_hashes(&k->conf, sig_hashes);
	mbedtls_ssl_conf_rng(&k->conf, mbedtls_ctr_drbg_random, &k->drbg);
	mbedtls_ssl_conf_ca_chain(&k->conf, &k->ca, NULL);
	if (endpoint == MBEDTLS_SSL_IS_CLIENT)
		mbedtls_ssl_conf_session_tickets(&k->conf, MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
	ret = mbedtls_ssl_conf_own_cert(&k->conf, &k->cert, &k->key);
	if (ret)
		return mbed_fail(e, ret, "certificate %s", cert_path);
	return 0;
}

/* ---- the BIO ---- */

/* Waits until fd is ready for `events`, within the current bound.  Returns 0
 * when it is (or has an error for recv()/send() to report), else an Mbed TLS
 * error with the cause noted in b. */
static int bio_wait(struct bio *b, short events, enum wait_dir dir)
{
	int64_t end = b->deadline ? b->deadline : tls_now_ms() + b->io_ms;

	if (b->no_wait) {
		b->timed_out = dir;
		return MBEDTLS_ERR_SSL_TIMEOUT;
	}
	for (;;) {
		struct pollfd p = { .fd = b->fd, .events = events };
		int64_t left = end - tls_now_ms();
		int n;

		if (left <= 0) {
			b->timed_out = dir;
			return MBEDTLS_ERR_SSL_TIMEOUT;
		}
		n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR) {
			b->sys_errno = errno;
			return dir == WAIT_READ ? MBEDTLS_ERR_NET_RECV_FAILED
						: MBEDTLS_ERR_NET_SEND_FAILED;
		}
	}
}

static int bio_errno(struct bio *b, int err, int fallback)
{
	b->sys_errno = err;
	if (err == ECONNRESET || err == EPIPE)
		return MBEDTLS_ERR_NET_CONN_RESET;
	return fallback;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct bio *b = ctx;

	if (len > INT_MAX)
		len = INT_MAX;
	for (;;) {
		ssize_t n = recv(b->fd, buf, len, 0);
		int ret;

		if (n >= 0)
			return (int)n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return bio_errno(b, errno, MBEDTLS_ERR_NET_RECV_FAILED);
		ret = bio_wait(b, POLLIN, WAIT_READ);
		if (ret)
			return ret;
	}
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct bio *b = ctx;

	if (len > INT_MAX)
		len = INT_MAX;
	for (;;) {
		ssize_t n = send(b->fd, buf, len, MSG_NOSIGNAL);
		int ret;

		if (n >= 0)
			return (int)n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return bio_errno(b, errno, MBEDTLS_ERR_NET_SEND_FAILED);
		ret = bio_wait(b, POLLOUT, WAIT_WRITE);
		if (ret)
			return ret;
	}
}

/* ---- error messages ---- */

static const char *alert_name(unsigned char a)
{
	switch (a) {
	case MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE: return "handshake failure";
	case MBEDTLS_SSL_ALERT_MSG_NO_CERT: return "no certificate";
	case MBEDTLS_SSL_ALERT_MSG_BAD_CERT: return "bad certificate";
	case MBEDTLS_SSL_ALERT_MSG_UNSUPPORTED_CERT: return "unsupported certificate";
	case MBEDTLS_SSL_ALERT_MSG_CERT_REVOKED: return "certificate revoked";
	case MBEDTLS_SSL_ALERT_MSG_CERT_EXPIRED: return "certificate expired";
	case MBEDTLS_SSL_ALERT_MSG_CERT_UNKNOWN: return "certificate unknown";
	case MBEDTLS_SSL_ALERT_MSG_UNKNOWN_CA: return "unknown CA";
	case MBEDTLS_SSL_ALERT_MSG_ACCESS_DENIED: return "access denied";
	case MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION: return "protocol version";
	case MBEDTLS_SSL_ALERT_MSG_INSUFFICIENT_SECURITY: return "insufficient security";
	case MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR: return "decode error";
	case MBEDTLS_SSL_ALERT_MSG_DECRYPT_ERROR: return "decrypt error";
	case MBEDTLS_SSL_ALERT_MSG_ILLEGAL_PARAMETER: return "illegal parameter";
	case MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE: return "unexpected message";
	case MBEDTLS_SSL_ALERT_MSG_BAD_RECORD_MAC: return "bad record MAC";
	case MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR: return "internal error";
	case MBEDTLS_SSL_ALERT_MSG_UNRECOGNIZED_NAME: return "unrecognized name";
	case 116: return "certificate required";
	default: return NULL;
	}
}

static bool alert_is_about_certificate(unsigned char a)
{
	return (a >= MBEDTLS_SSL_ALERT_MSG_NO_CERT && a <= MBEDTLS_SSL_ALERT_MSG_CERT_UNKNOWN) ||
	       a == MBEDTLS_SSL_ALERT_MSG_UNKNOWN_CA || a == MBEDTLS_SSL_ALERT_MSG_ACCESS_DENIED ||
	       a == 116;
}

/* The words for the peer's fatal alert a, sent in a record of TLS 1.minor-1
 * (the version the peer chose; 3 is TLS 1.2). */
static int alert_fail(struct tls_conn *c, unsigned char a, int minor, struct err *e)
{
	const char *peer = c->is_client ? "server" : "client";
	const char *name = alert_name(a);

	/* only an internal error on the peer's side may go away by itself */
	c->refused = a != MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR;
	if (c->is_client && minor >= 0 && minor < MBEDTLS_SSL_MINOR_VERSION_3)
		return err_fail(e, "server speaks only TLS 1.%d or older: enable TLS 1.2 on the "
				"server (the kiosk refuses older versions)", minor - 1);
	if (c->is_client && a == MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE)
		return err_fail(e, "server accepts none of our cipher suites (handshake failure "
				"alert): it needs an ECDSA P-256 certificate (an RSA certificate "
				"cannot serve ECDHE-ECDSA) and ECDHE-ECDSA with ChaCha20-Poly1305 "
				"or AES-128-GCM enabled");
	if (name && alert_is_about_certificate(a))
		return err_fail(e, "%s refused our certificate (%s)", peer, name);
	if (a == MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION)
		return err_fail(e, "%s refused TLS 1.2 (protocol version alert)", peer);
	if (name)
		return err_fail(e, "%s ended the connection with a fatal alert (%s)", peer, name);
	return err_fail(e, "%s ended the connection with fatal alert %u", peer, a);
}

/* The alert Mbed TLS just received.  2.28 has no getter for it; after
 * MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE the record is still in in_msg, its
 * header (with the version the peer chose) in in_hdr. */
static int received_alert(const struct tls_conn *c)
{
	if (c->ssl.in_msg && c->ssl.in_msgtype == MBEDTLS_SSL_MSG_ALERT && c->ssl.in_msglen >= 2)
		return c->ssl.in_msg[1];
	return -1;
}

static int received_alert_minor(const struct tls_conn *c)
{
	if (c->ssl.in_hdr && c->ssl.in_hdr[1] == MBEDTLS_SSL_MAJOR_VERSION_3)
		return c->ssl.in_hdr[2];
	return -1;
}

/* A peer that refuses us mid-handshake sends a fatal alert and hangs up,
 * often while our next flight is still on its way: our send() then fails
 * with EPIPE and the alert waits, unread, at a record boundary in the
 * receive buffer (Mbed TLS reads no further than the record it parses).
 * Before the handshake ends, records are plaintext.  -1 when there is no
 * such alert. */
static int pending_alert(int fd, int *minor)
{
	unsigned char rec[7];
	ssize_t n = recv(fd, rec, sizeof(rec), MSG_DONTWAIT);

	if (n == (ssize_t)sizeof(rec) && rec[0] == MBEDTLS_SSL_MSG_ALERT &&
	    rec[1] == MBEDTLS_SSL_MAJOR_VERSION_3 && rec[3] == 0 && rec[4] == 2 &&
	    rec[5] == MBEDTLS_SSL_ALERT_LEVEL_FATAL) {
		*minor = rec[2];
		return rec[6];
	}
	return -1;
}

static int verify_fail(struct tls_conn *c, struct err *e)
{
	const char *peer = c->is_client ? "server" : "client";
	uint32_t f = mbedtls_ssl_get_verify_result(&c->ssl);
	char info[300], *p;

	c->refused = true;
	if (f & MBEDTLS_X509_BADCERT_EXT_KEY_USAGE)
		return err_fail(e, "%s certificate is not for TLS %ss: its extended key usage "
				"lacks %s (reissue it with extendedKeyUsage = %s)", peer, peer,
				c->is_client ? "serverAuth" : "clientAuth",
				c->is_client ? "serverAuth" : "clientAuth");
	if (f & MBEDTLS_X509_BADCERT_KEY_USAGE)
		return err_fail(e, "%s certificate's key usage lacks digitalSignature (reissue "
				"it with keyUsage = digitalSignature)", peer);
	if (f & MBEDTLS_X509_BADCERT_MISSING)
		return err_fail(e, "%s sent no certificate", peer);
	if (f & MBEDTLS_X509_BADCERT_NOT_TRUSTED)
		return err_fail(e, "%s certificate not trusted (unknown CA)", peer);
	if (f & MBEDTLS_X509_BADCERT_EXPIRED)
		return err_fail(e, "%s certificate expired", peer);
	if (f & MBEDTLS_X509_BADCERT_FUTURE)
		return err_fail(e, "%s certificate not valid yet (is the clock right?)", peer);
	if ((f & MBEDTLS_X509_BADCERT_CN_MISMATCH) && c->server_name)
		return err_fail(e, "server certificate is for another host name (expected %s)",
				c->server_name);
	if (f & MBEDTLS_X509_BADCERT_REVOKED)
		return err_fail(e, "%s certificate revoked", peer);
	/* Anything else: Mbed TLS's own words, one line. */
	if (mbedtls_x509_crt_verify_info(info, sizeof(info), "", f) <= 0)
		return err_fail(e, "%s certificate rejected (flags 0x%x)", peer, (unsigned)f);
	for (p = info; *p; p++)
		if (*p == '\n')
			*p = p[1] ? ';' : '\0';
	return err_fail(e, "%s certificate rejected: %s", peer, info);
}

/* One line for a failed Mbed TLS call on c. */
static int conn_fail(struct tls_conn *c, int ret, struct err *e)
{
	const char *peer = c->is_client ? "server" : "client";
	char s[24], why[200];

	if (ret == MBEDTLS_ERR_SSL_TIMEOUT && c->bio.timed_out) {
		if (!c->handshaken)
			return err_fail(e, "%s stalled: no TLS handshake within %s s", peer,
					secs(c->handshake_ms, s));
		if (c->bio.timed_out == WAIT_WRITE)
			return err_fail(e, "%s stalled: not taking data for %s s", peer,
					secs(c->bio.io_ms, s));
		return err_fail(e, "%s stalled: no data for %s s", peer, secs(c->bio.io_ms, s));
	}
	if (!c->handshaken && (ret == MBEDTLS_ERR_NET_CONN_RESET || ret == MBEDTLS_ERR_SSL_CONN_EOF)) {
		int minor = -1, a = pending_alert(c->bio.fd, &minor);

		if (a >= 0)
			return alert_fail(c, (unsigned char)a, minor, e);
	}
	if (c->bio.sys_errno)
		return err_fail(e, "connection to %s lost%s: %s", peer,
				c->handshaken ? "" : " during the TLS handshake",
				strerror(c->bio.sys_errno));
	/* from here on, what the peer sent decides: the same peer sends it again */
	c->refused = !c->handshaken && ret != MBEDTLS_ERR_SSL_CONN_EOF &&
		     ret != MBEDTLS_ERR_NET_CONN_RESET && ret != MBEDTLS_ERR_SSL_TIMEOUT &&
		     ret != MBEDTLS_ERR_SSL_ALLOC_FAILED;
	switch (ret) {
	case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED:
		return verify_fail(c, e);
	case MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE:
		/* a certificate whose (extended) key usage is wrong for its role
		 * lands here, with the verify flags saying which */
		if (mbedtls_ssl_get_verify_result(&c->ssl) &
		    (MBEDTLS_X509_BADCERT_EXT_KEY_USAGE | MBEDTLS_X509_BADCERT_KEY_USAGE))
			return verify_fail(c, e);
		break;
	case MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE:
		/* Mbed TLS cannot reassemble a handshake message split over
		 * records: in practice, a certificate chain over 16 KB */
		if (!c->handshaken && c->ssl.in_hslen > c->ssl.in_msglen)
			return err_fail(e, "%s sent a handshake message of %zu bytes, more than "
					"one 16 KB TLS record (usually a certificate chain over "
					"16 KB): send a shorter chain (no root, fewer "
					"intermediates and names)", peer, c->ssl.in_hslen);
		break;
	case MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE:
		return err_fail(e, "client sent no certificate");
	case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
		if (received_alert(c) >= 0)
			return alert_fail(c, (unsigned char)received_alert(c),
					  received_alert_minor(c), e);
		return err_fail(e, "%s ended the connection with a fatal alert", peer);
	case MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION:
		return err_fail(e, "%s does not speak TLS 1.2 (older versions are refused)%s", peer,
				c->is_client ? ": enable TLS 1.2 on the server" : "");
	case MBEDTLS_ERR_SSL_NO_CIPHER_CHOSEN:
		return err_fail(e, "%s offers no common cipher suite (ECDHE-ECDSA with "
				"ChaCha20-Poly1305 or AES-128-GCM)", peer);
	case MBEDTLS_ERR_SSL_CONN_EOF:
	case MBEDTLS_ERR_NET_CONN_RESET:
		if (!c->handshaken)
			return err_fail(e, "%s closed the connection during the TLS handshake",
					peer);
		return err_fail(e, "connection to %s lost", peer);
	}
	mbedtls_strerror(ret, why, sizeof(why));
	if (!c->handshaken)
		return err_fail(e, "TLS handshake with %s failed: %s", peer, why);
	return err_fail(e, "TLS with %s failed: %s", peer, why);
}

/* ---- connections ---- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int64_t x509_time_unix(const mbedtls_x509_time *t)
{
	if (t->mon < 1 || t->mon > 12 || t->day < 1 || t->day > 31)
		return 0;
	return days_from_civil(t->year, (unsigned)t->mon, (unsigned)t->day) * 86400 +
	       t->hour * 3600 + t->min * 60 + t->sec;
}

int tls_cert_file_not_after(const char *path, int64_t *not_after, struct err *e)
{
	mbedtls_x509_crt crt;
	int rc;

	mbedtls_x509_crt_init(&crt);
	rc = mbedtls_x509_crt_parse_file(&crt, path);
	if (rc)
		err_fail(e, "%s: not a PEM certificate (-0x%04x)", path, (unsigned)-rc);
	else
		*not_after = x509_time_unix(&crt.valid_to);
	mbedtls_x509_crt_free(&crt);
	return rc ? -1 : 0;
}

static void note_peer(struct tls_conn *c)
{
	const mbedtls_x509_crt *crt = mbedtls_ssl_get_peer_cert(&c->ssl);

	if (!crt)
		return;
	for (const mbedtls_x509_name *n = &crt->subject; n; n = n->next) {
		if (!n->oid.p || MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid))
			continue;
		/* An over-long CN is left out rather than cut to a name it is not. */
		if (n->val.len <= CN_MAX) {
			for (size_t i = 0; i < n->val.len; i++) {
				unsigned char ch = n->val.p[i];

				c->peer_cn[i] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
			}
			c->peer_cn[n->val.len] = '\0';
		}
		break;
	}
	c->peer_not_after = x509_time_unix(&crt->valid_to);
}

/* Sets up a connection over fd (owned from here on) and runs the handshake
 * within deadline; then waits are bounded by io_ms. */
int tls_conn_open(const mbedtls_ssl_config *conf, int fd, bool is_client,
		  const char *server_name, int64_t deadline, unsigned handshake_ms,
		  unsigned io_ms, struct tls_conn **out, bool *refused, struct err *e)
{
	struct tls_conn *c;
	int one = 1, flags, ret;

	*refused = false;
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return err_fail(e, "out of memory");
	}
	mbedtls_ssl_init(&c->ssl);
	c->bio.fd = fd;
	c->bio.io_ms = io_ms;
	c->bio.deadline = deadline;
	c->is_client = is_client;
	c->server_name = server_name;
	c->handshake_ms = handshake_ms;

	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		err_fail(e, "socket: %s", strerror(errno));
		goto fail;
	}
	/* Requests and small answers go out at once (fails on non-TCP: fine). */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

	ret = mbedtls_ssl_setup(&c->ssl, conf);
	if (ret) {
		mbed_fail(e, ret, "TLS setup");
		goto fail;
	}
	if (is_client) {
		ret = mbedtls_ssl_set_hostname(&c->ssl, server_name);
		if (ret) {
			mbed_fail(e, ret, "server name %s", server_name);
			goto fail;
		}
	}
	mbedtls_ssl_set_bio(&c->ssl, &c->bio, bio_send, bio_recv, NULL);
	do
		ret = mbedtls_ssl_handshake(&c->ssl);
	while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
	if (ret) {
		conn_fail(c, ret, e);
		*refused = c->refused;
		goto fail;
	}
	c->handshaken = true;
	c->bio.deadline = 0;
	note_peer(c);
	*out = c;
	return 0;
fail:
	mbedtls_ssl_free(&c->ssl);
	close(fd);
	free(c);
	return -1;
}

/* ---- client ---- */

int tls_client_new(struct tls_client **out, const struct tls_client_conf *conf,
		   struct err *e)
{
	struct tls_client *c;

	if (!conf->server_name || !*conf->server_name)
		return err_fail(e, "TLS client needs the server name to check");
	if (strlen(conf->server_name) >= sizeof(c->server_name))
		return err_fail(e, "server name longer than %zu bytes", sizeof(c->server_name) - 1);
	c = calloc(1, sizeof(*c));
	if (!c)
		return err_fail(e, "out of memory");
	tls_keys_init(&c->k);
	if (tls_keys_load(&c->k, MBEDTLS_SSL_IS_CLIENT, conf->ca_path, conf->cert_path,
		      conf->key_path, e)) {
		tls_client_free(c);
		return -1;
	}
	strcpy(c->server_name, conf->server_name);
	c->connect_ms = conf->connect_timeout_ms ? conf->connect_timeout_ms : DEFAULT_CONNECT_MS;
	c->io_ms = conf->io_timeout_ms ? conf->io_timeout_ms : DEFAULT_IO_MS;
	*out = c;
	return 0;
}

void tls_client_free(struct tls_client *c)
{
	if (!c)
		return;
	tls_keys_free(&c->k);
	free(c);
}

int tls_client_attach_fd(struct tls_client *c, int fd, struct tls_conn **out, struct err *e)
{
	bool refused;
	int rc = tls_conn_open(&c->k.conf, fd, true, c->server_name, tls_now_ms() + c->connect_ms,
			       c->connect_ms, c->io_ms, out, &refused, e);

	c->last_failure = rc ? refused ? TLS_CONNECT_REFUSED : TLS_CONNECT_BROKEN
			     : TLS_CONNECT_OK;
	return rc;
}

/* Non-blocking connect to one address, finished by the deadline.  Returns
 * the socket, or -1 with errno set (ETIMEDOUT when the deadline passed). */
static int connect_one(const struct addrinfo *ai, int64_t deadline)
{
	int fd, err = 0;
	socklen_t len = sizeof(err);

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno != EINPROGRESS && errno != EINTR)
		goto fail;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int64_t left = deadline - tls_now_ms();
		int n;

		if (left <= 0) {
			errno = ETIMEDOUT;
			goto fail;
		}
		n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0)
			break;
		if (n < 0 && errno != EINTR)
			goto fail;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
		goto fail;
	if (err) {
		errno = err;
		goto fail;
	}
	return fd;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

int tls_connect(struct tls_client *c, const char *host, uint16_t port, struct tls_conn **out,
		struct err *e)
{
	/* No AI_ADDRCONFIG: it hides "localhost" on a kiosk whose only
	 * interface is loopback. */
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV };
	int64_t deadline = tls_now_ms() + c->connect_ms;
	struct addrinfo *res = NULL;
	char service[8], s[24];
	int fd = -1, err = 0, rc;
	bool refused;

	c->last_failure = TLS_CONNECT_UNREACHABLE;
	snprintf(service, sizeof(service), "%u", (unsigned)port);
	/* Name resolution is not bounded by the deadline (getaddrinfo cannot
	 * be); the kiosk's server is normally an address or a local name. */
	rc = getaddrinfo(host, service, &hints, &res);
	if (rc)
		return err_fail(e, "cannot resolve %s: %s", host,
				rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
	for (const struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = connect_one(ai, deadline);
		if (fd < 0)
			err = errno;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		if (err == ETIMEDOUT)
			return err_fail(e, "cannot connect to %s:%u: no answer within %s s", host,
					(unsigned)port, secs(c->connect_ms, s));
		return err_fail(e, "cannot connect to %s:%u: %s", host, (unsigned)port,
				strerror(err));
	}
	rc = tls_conn_open(&c->k.conf, fd, true, c->server_name, deadline, c->connect_ms, c->io_ms,
		       out, &refused, e);
	c->last_failure = rc ? refused ? TLS_CONNECT_REFUSED : TLS_CONNECT_BROKEN
			     : TLS_CONNECT_OK;
	return rc;
}

enum tls_connect_failure tls_client_last_failure(const struct tls_client *c)
{
	return c->last_failure;
}

/* ---- data ---- */

ssize_t tls_read(struct tls_conn *c, void *buf, size_t len, struct err *e)
{
	int ret;

	if (len > INT_MAX)
		len = INT_MAX;
	c->bio.timed_out = WAIT_NONE;
	c->bio.sys_errno = 0;
	do
		ret = mbedtls_ssl_read(&c->ssl, buf, len);
	while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
	if (ret >= 0)
		return ret;
	if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF)
		return 0;
	return conn_fail(c, ret, e);
}

int tls_write_all(struct tls_conn *c, const void *buf, size_t len, struct err *e)
{
	const unsigned char *p = buf;

	c->bio.timed_out = WAIT_NONE;
	c->bio.sys_errno = 0;
	while (len) {
		int ret = mbedtls_ssl_write(&c->ssl, p, len);

		if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (ret < 0)
			return conn_fail(c, ret, e);
		p += ret;
		len -= (size_t)ret;
	}
	return 0;
}

const char *tls_conn_peer_cn(const struct tls_conn *c)
{
	return c->peer_cn;
}

int64_t tls_conn_peer_not_after(const struct tls_conn *c)
{
	return c->peer_not_after;
}

void tls_close(struct tls_conn *c)
{
	if (!c)
		return;
	if (c->handshaken) {
		c->bio.no_wait = true;
		mbedtls_ssl_close_notify(&c->ssl);
	}
	close(c->bio.fd);
	mbedtls_ssl_free(&c->ssl);
	free(c);
}
