// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tls: handshakes and data over socketpairs (and once over loopback TCP),
 * with a server thread per connection.
 *
 * The group setup makes a throwaway PKI in a temporary folder with Mbed
 * TLS's certificate writer: a CA, a server certificate for "localhost", a
 * client certificate for "shop-1001", an unrelated CA with a server and a
 * client certificate of its own, and an expired server certificate.  Every
 * failure is checked for the exact words tls.h promises.
 *
 * Timeouts in the confs are generous safety nets, never asserted on; the
 * one stall test only checks what is said when the wait runs out.  SIGPIPE
 * is left at its default on purpose: tls.c must not need it ignored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "tls.h"

#define SAFETY_MS 20000u /* a hung peer fails the test instead of hanging it */
#define RECORD_MAX 16384

/* ---- a throwaway PKI ---- */

enum pki_file {
	CA_CERT,
	SERVER_CERT,
	SERVER_KEY,
	CLIENT_CERT,
	CLIENT_KEY,
	OTHER_CA_CERT,
	OTHER_SERVER_CERT, /* CN=localhost, signed by the unrelated CA */
	OTHER_CLIENT_CERT, /* CN=shop-1001, signed by the unrelated CA */
	EXPIRED_SERVER_CERT,
	GARBAGE_FILE,
	PKI_FILES
};

static const char *const pki_names[PKI_FILES] = {
	"ca.pem", "server.pem", "server.key", "client.pem", "client.key", "other-ca.pem",
	"other-server.pem", "other-client.pem", "expired-server.pem", "garbage.pem",
};

struct pki {
	char dir[64];
	char path[PKI_FILES][128];
};

#define VALID_FROM "20240101000000"
#define VALID_TO "20341231235959"

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (!f)
		return -1;
	if (fwrite(data, 1, len, f) != len)
		rc = -1;
	if (fclose(f))
		rc = -1;
	return rc;
}

static int make_key(mbedtls_pk_context *pk, mbedtls_ctr_drbg_context *drbg)
{
	if (mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)))
		return -1;
	return mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*pk),
				   mbedtls_ctr_drbg_random, drbg);
}

static int save_key(const char *path, mbedtls_pk_context *pk)
{
	unsigned char pem[2048];

	if (mbedtls_pk_write_key_pem(pk, pem, sizeof(pem)))
		return -1;
	return write_file(path, pem, strlen((char *)pem));
}

struct cert_spec {
	mbedtls_pk_context *key, *issuer_key;
	const char *subject, *issuer;
	const char *from, *to;
	bool is_ca;
	int serial;
};

static int save_cert(const char *path, const struct cert_spec *s,
		     mbedtls_ctr_drbg_context *drbg)
{
	mbedtls_x509write_cert crt;
	unsigned char pem[4096];
	mbedtls_mpi serial;
	int rc = -1;

	mbedtls_x509write_crt_init(&crt);
	mbedtls_mpi_init(&serial);
	mbedtls_x509write_crt_set_version(&crt, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&crt, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&crt, s->key);
	mbedtls_x509write_crt_set_issuer_key(&crt, s->issuer_key);
	if (mbedtls_mpi_lset(&serial, s->serial) ||
	    mbedtls_x509write_crt_set_serial(&crt, &serial) ||
	    mbedtls_x509write_crt_set_subject_name(&crt, s->subject) ||
	    mbedtls_x509write_crt_set_issuer_name(&crt, s->issuer) ||
	    mbedtls_x509write_crt_set_validity(&crt, s->from, s->to) ||
	    mbedtls_x509write_crt_set_basic_constraints(&crt, s->is_ca, s->is_ca ? 0 : -1) ||
	    mbedtls_x509write_crt_set_key_usage(&crt, s->is_ca ? MBEDTLS_X509_KU_KEY_CERT_SIGN |
								 MBEDTLS_X509_KU_CRL_SIGN
							       : MBEDTLS_X509_KU_DIGITAL_SIGNATURE) ||
	    mbedtls_x509write_crt_pem(&crt, pem, sizeof(pem), mbedtls_ctr_drbg_random, drbg))
		goto out;
	rc = write_file(path, pem, strlen((char *)pem));
out:
	mbedtls_mpi_free(&serial);
	mbedtls_x509write_crt_free(&crt);
	return rc;
}

static int make_pki(struct pki *p)
{
	mbedtls_pk_context ca, server, client, other_ca;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	char dir[sizeof(p->dir)] = "/tmp/tenpo-test-tls-XXXXXX";
	int rc = -1;

	if (!mkdtemp(dir))
		return -1;
	strcpy(p->dir, dir);
	for (int i = 0; i < PKI_FILES; i++)
		snprintf(p->path[i], sizeof(p->path[i]), "%s/%s", dir, pki_names[i]);

	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_pk_init(&ca);
	mbedtls_pk_init(&server);
	mbedtls_pk_init(&client);
	mbedtls_pk_init(&other_ca);
	if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, NULL, 0) ||
	    make_key(&ca, &drbg) || make_key(&server, &drbg) || make_key(&client, &drbg) ||
	    make_key(&other_ca, &drbg))
		goto out;
	{
		const struct cert_spec certs[] = {
			[CA_CERT] = { &ca, &ca, "CN=Tenpo Test CA", "CN=Tenpo Test CA",
				      VALID_FROM, VALID_TO, true, 1 },
			[SERVER_CERT] = { &server, &ca, "CN=localhost", "CN=Tenpo Test CA",
					  VALID_FROM, VALID_TO, false, 2 },
			[CLIENT_CERT] = { &client, &ca, "O=Tenpo,CN=shop-1001", "CN=Tenpo Test CA",
					  VALID_FROM, VALID_TO, false, 3 },
			[OTHER_CA_CERT] = { &other_ca, &other_ca, "CN=Unrelated CA",
					    "CN=Unrelated CA", VALID_FROM, VALID_TO, true, 1 },
			[OTHER_SERVER_CERT] = { &server, &other_ca, "CN=localhost",
						"CN=Unrelated CA", VALID_FROM, VALID_TO, false, 2 },
			[OTHER_CLIENT_CERT] = { &client, &other_ca, "CN=shop-1001",
						"CN=Unrelated CA", VALID_FROM, VALID_TO, false, 3 },
			[EXPIRED_SERVER_CERT] = { &server, &ca, "CN=localhost", "CN=Tenpo Test CA",
						  "20200101000000", "20210101000000", false, 4 },
		};

		for (size_t i = 0; i < sizeof(certs) / sizeof(certs[0]); i++)
			if (certs[i].key && save_cert(p->path[i], &certs[i], &drbg))
				goto out;
	}
	if (save_key(p->path[SERVER_KEY], &server) || save_key(p->path[CLIENT_KEY], &client) ||
	    write_file(p->path[GARBAGE_FILE], "hello\n", 6))
		goto out;
	rc = 0;
out:
	mbedtls_pk_free(&other_ca);
	mbedtls_pk_free(&client);
	mbedtls_pk_free(&server);
	mbedtls_pk_free(&ca);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&entropy);
	return rc;
}

static int group_setup(void **state)
{
	struct pki *p = calloc(1, sizeof(*p));

	if (!p || make_pki(p)) {
		free(p);
		return -1;
	}
	*state = p;
	return 0;
}

static int group_teardown(void **state)
{
	struct pki *p = *state;

	for (int i = 0; i < PKI_FILES; i++)
		unlink(p->path[i]);
	rmdir(p->dir);
	free(p);
	return 0;
}

/* ---- endpoints ---- */

static struct tls_client *client_with(struct pki *p, enum pki_file ca, enum pki_file cert,
				      const char *name, unsigned io_ms)
{
	struct tls_client_conf conf = {
		.ca_path = p->path[ca],
		.cert_path = p->path[cert],
		.key_path = p->path[CLIENT_KEY],
		.server_name = name,
		.connect_timeout_ms = SAFETY_MS,
		.io_timeout_ms = io_ms,
	};
	struct tls_client *c = NULL;
	struct err e;

	if (tls_client_new(&c, &conf, &e))
		fail_msg("tls_client_new: %s", e.msg);
	return c;
}

static struct tls_server *server_with(struct pki *p, enum pki_file cert)
{
	struct tls_server_conf conf = {
		.ca_path = p->path[CA_CERT],
		.cert_path = p->path[cert],
		.key_path = p->path[SERVER_KEY],
		.io_timeout_ms = SAFETY_MS,
	};
	struct tls_server *s = NULL;
	struct err e;

	if (tls_server_new(&s, &conf, &e))
		fail_msg("tls_server_new: %s", e.msg);
	return s;
}

/* Pattern bytes, so that a reordered or repeated record shows. */
static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 31 + i / 251);
}

/* Reads exactly n bytes; checks the pattern when `check`.  Notes the largest
 * single read.  0 or -1. */
static int read_exact(struct tls_conn *c, unsigned char *buf, size_t n, bool check,
		      size_t *largest, struct err *e)
{
	size_t got = 0;

	while (got < n) {
		/* checked data is looked at and dropped: buf may be small */
		ssize_t r = tls_read(c, buf + (check ? 0 : got), n - got, e);

		if (r <= 0)
			return r == 0 ? err_fail(e, "closed after %zu of %zu bytes", got, n) : -1;
		if (largest && (size_t)r > *largest)
			*largest = (size_t)r;
		if (check)
			for (ssize_t i = 0; i < r; i++)
				if (buf[i] != pattern(got + (size_t)i))
					return err_fail(e, "byte %zu wrong", got + (size_t)i);
		got += (size_t)r;
	}
	return 0;
}

enum srv_mode {
	SRV_PING,  /* read "ping", answer "pong", then expect the client's close */
	SRV_BIG,   /* read `big` pattern bytes, send them back, expect the close */
	SRV_HOLD,  /* say nothing until a byte (or EOF) arrives on hold_fd */
	SRV_CLOSE, /* close at once */
};

struct srv {
	struct tls_server *s;
	int fd;        /* the connection; with listen_fd >= 0, accepted here */
	int listen_fd;
	enum srv_mode mode;
	int hold_fd;
	size_t big;
	int rc;        /* 0, or -1 with e */
	struct err e;
	char cn[80];
	ssize_t last_read;
	size_t largest_read;
};

static void *srv_main(void *arg)
{
	struct srv *v = arg;
	unsigned char *buf = NULL;
	struct tls_conn *c = NULL;
	char b;

	v->rc = -1;
	v->last_read = -2;
	if (v->listen_fd >= 0) {
		v->fd = accept4(v->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (v->fd < 0) {
			err_fail(&v->e, "accept failed");
			return NULL;
		}
	}
	if (tls_server_attach_fd(v->s, v->fd, &c, &v->e))
		return NULL;
	snprintf(v->cn, sizeof(v->cn), "%s", tls_conn_peer_cn(c));
	switch (v->mode) {
	case SRV_PING:
		buf = malloc(4);
		if (!buf || read_exact(c, buf, 4, false, NULL, &v->e))
			goto out;
		if (memcmp(buf, "ping", 4)) {
			err_fail(&v->e, "server got something else than ping");
			goto out;
		}
		if (tls_write_all(c, "pong", 4, &v->e))
			goto out;
		v->last_read = tls_read(c, buf, 4, &v->e);
		break;
	case SRV_BIG:
		buf = malloc(v->big);
		if (!buf || read_exact(c, buf, v->big, true, &v->largest_read, &v->e))
			goto out;
		for (size_t i = 0; i < v->big; i++)
			buf[i] = pattern(i);
		if (tls_write_all(c, buf, v->big, &v->e))
			goto out;
		v->last_read = tls_read(c, buf, 1, &v->e);
		break;
	case SRV_HOLD:
		if (read(v->hold_fd, &b, 1) < 0)
			goto out;
		break;
	case SRV_CLOSE:
		break;
	}
	v->rc = 0;
out:
	free(buf);
	tls_close(c);
	return NULL;
}

static void srv_init(struct srv *v, struct tls_server *s, int fd, enum srv_mode mode)
{
	memset(v, 0, sizeof(*v));
	v->s = s;
	v->fd = fd;
	v->listen_fd = -1;
	v->hold_fd = -1;
	v->mode = mode;
}

static void srv_run(struct srv *v, pthread_t *t)
{
	assert_int_equal(pthread_create(t, NULL, srv_main, v), 0);
}

static void srv_start(struct srv *v, pthread_t *t, struct tls_server *s, int fd,
		      enum srv_mode mode)
{
	srv_init(v, s, fd, mode);
	srv_run(v, t);
}

static void pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
}

/* A client handshake that must fail with exactly `want`; the server's
 * message is left in v for the caller. */
static void client_fails(struct pki *p, enum pki_file ca, enum pki_file client_cert,
			 const char *name, enum pki_file server_cert, const char *want,
			 struct srv *v)
{
	struct tls_client *c = client_with(p, ca, client_cert, name, SAFETY_MS);
	struct tls_server *s = server_with(p, server_cert);
	struct tls_conn *conn = NULL;
	struct err e = { "" };
	pthread_t t;
	int sv[2];

	pair(sv);
	srv_start(v, &t, s, sv[1], SRV_PING);
	assert_int_equal(tls_client_attach_fd(c, sv[0], &conn, &e), -1);
	assert_null(conn);
	pthread_join(t, NULL);
	if (want)
		assert_string_equal(e.msg, want);
	assert_int_equal(v->rc, -1);
	tls_server_free(s);
	tls_client_free(c);
}

/* ---- tests ---- */

static void handshake_and_data(void **state)
{
	struct pki *p = *state;
	struct tls_client *c = client_with(p, CA_CERT, CLIENT_CERT, "localhost", SAFETY_MS);
	struct tls_server *s = server_with(p, SERVER_CERT);
	struct tm valid_to = { .tm_year = 2034 - 1900, .tm_mon = 11, .tm_mday = 31,
			       .tm_hour = 23, .tm_min = 59, .tm_sec = 59 };
	struct tls_conn *conn = NULL;
	unsigned char buf[4];
	struct err e = { "" };
	struct srv v;
	pthread_t t;
	int sv[2];

	pair(sv);
	srv_start(&v, &t, s, sv[1], SRV_PING);
	if (tls_client_attach_fd(c, sv[0], &conn, &e))
		fail_msg("handshake: %s", e.msg);
	assert_string_equal(tls_conn_peer_cn(conn), "localhost");
	assert_int_equal(tls_conn_peer_not_after(conn), (int64_t)timegm(&valid_to));
	assert_int_equal(tls_write_all(conn, "ping", 4, &e), 0);
	assert_int_equal(read_exact(conn, buf, 4, false, NULL, &e), 0);
	assert_memory_equal(buf, "pong", 4);
	tls_close(conn);
	pthread_join(t, NULL);
	if (v.rc)
		fail_msg("server: %s", v.e.msg);
	assert_string_equal(v.cn, "shop-1001");
	assert_int_equal(v.last_read, 0); /* our close_notify reads as the end */
	tls_server_free(s);
	tls_client_free(c);
}

static void big_data_both_ways(void **state)
{
	const size_t n = 3 * 1024 * 1024 + 123;
	struct pki *p = *state;
	struct tls_client *c = client_with(p, CA_CERT, CLIENT_CERT, "localhost", SAFETY_MS);
	struct tls_server *s = server_with(p, SERVER_CERT);
	struct tls_conn *conn = NULL;
	size_t largest = 0;
	unsigned char *buf;
	struct err e = { "" };
	struct srv v;
	pthread_t t;
	int sv[2];

	buf = malloc(n);
	assert_non_null(buf);
	for (size_t i = 0; i < n; i++)
		buf[i] = pattern(i);
	pair(sv);
	srv_init(&v, s, sv[1], SRV_BIG);
	v.big = n;
	srv_run(&v, &t);
	if (tls_client_attach_fd(c, sv[0], &conn, &e))
		fail_msg("handshake: %s", e.msg);
	if (tls_write_all(conn, buf, n, &e))
		fail_msg("write: %s", e.msg);
	memset(buf, 0, n);
	if (read_exact(conn, buf, n, true, &largest, &e))
		fail_msg("read: %s", e.msg);
	tls_close(conn);
	pthread_join(t, NULL);
	if (v.rc)
		fail_msg("server: %s", v.e.msg);
	assert_int_equal(v.last_read, 0);
	/* One record at a time, and records are filled. */
	assert_int_equal(largest, RECORD_MAX);
	assert_int_equal(v.largest_read, RECORD_MAX);
	free(buf);
	tls_server_free(s);
	tls_client_free(c);
}

static void unknown_ca(void **state)
{
	struct srv v;

	client_fails(*state, OTHER_CA_CERT, CLIENT_CERT, "localhost", SERVER_CERT,
		     "server certificate not trusted (unknown CA)", &v);
	assert_string_equal(v.e.msg, "client refused our certificate (unknown CA)");
	/* A server certificate from another CA, for the right name. */
	client_fails(*state, CA_CERT, CLIENT_CERT, "localhost", OTHER_SERVER_CERT,
		     "server certificate not trusted (unknown CA)", &v);
}

static void wrong_host_name(void **state)
{
	struct srv v;

	client_fails(*state, CA_CERT, CLIENT_CERT, "delivery.tenpo.example", SERVER_CERT,
		     "server certificate is for another host name "
		     "(expected delivery.tenpo.example)",
		     &v);
}

static void expired_server_certificate(void **state)
{
	struct srv v;

	client_fails(*state, CA_CERT, CLIENT_CERT, "localhost", EXPIRED_SERVER_CERT,
		     "server certificate expired", &v);
}

static void client_certificate_from_another_ca(void **state)
{
	struct srv v;

	client_fails(*state, CA_CERT, OTHER_CLIENT_CERT, "localhost", SERVER_CERT,
		     "server refused our certificate (unknown CA)", &v);
	assert_string_equal(v.e.msg, "client certificate not trusted (unknown CA)");
}

/* A plain Mbed TLS client, for what tls_client never does: no certificate,
 * an old protocol version, other cipher suites.  Its BIO never raises
 * SIGPIPE. */
static int raw_send(void *ctx, const unsigned char *buf, size_t len)
{
	ssize_t n = send(*(int *)ctx, buf, len, MSG_NOSIGNAL);

	return n < 0 ? MBEDTLS_ERR_NET_SEND_FAILED : (int)n;
}

static int raw_recv(void *ctx, unsigned char *buf, size_t len)
{
	ssize_t n = recv(*(int *)ctx, buf, len, 0);

	return n < 0 ? MBEDTLS_ERR_NET_RECV_FAILED : (int)n;
}

struct raw_opts {
	int minor;              /* the only TLS version offered */
	const char *ca_path;    /* NULL: no server check */
	const char *cert_path;  /* NULL: no client certificate */
	const char *key_path;
	const int *suites;      /* NULL: Mbed TLS's defaults */
	char suite[80];         /* out: the suite agreed on */
};

static int raw_handshake(int fd, struct raw_opts *o)
{
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_ssl_config conf;
	mbedtls_ssl_context ssl;
	mbedtls_x509_crt ca, cert;
	mbedtls_pk_context key;
	int ret;

	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_ssl_config_init(&conf);
	mbedtls_ssl_init(&ssl);
	mbedtls_x509_crt_init(&ca);
	mbedtls_x509_crt_init(&cert);
	mbedtls_pk_init(&key);
	ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, NULL, 0);
	if (!ret)
		ret = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT,
						  MBEDTLS_SSL_TRANSPORT_STREAM,
						  MBEDTLS_SSL_PRESET_DEFAULT);
	if (!ret && o->ca_path)
		ret = mbedtls_x509_crt_parse_file(&ca, o->ca_path);
	if (!ret && o->cert_path)
		ret = mbedtls_x509_crt_parse_file(&cert, o->cert_path);
	if (!ret && o->cert_path)
		ret = mbedtls_pk_parse_keyfile(&key, o->key_path, NULL);
	if (!ret && o->cert_path)
		ret = mbedtls_ssl_conf_own_cert(&conf, &cert, &key);
	if (ret)
		goto out;
	mbedtls_ssl_conf_min_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, o->minor);
	mbedtls_ssl_conf_max_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, o->minor);
	mbedtls_ssl_conf_authmode(&conf, o->ca_path ? MBEDTLS_SSL_VERIFY_REQUIRED
						    : MBEDTLS_SSL_VERIFY_NONE);
	mbedtls_ssl_conf_ca_chain(&conf, &ca, NULL);
	mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
	if (o->suites)
		mbedtls_ssl_conf_ciphersuites(&conf, o->suites);
	ret = mbedtls_ssl_setup(&ssl, &conf);
	if (!ret)
		ret = mbedtls_ssl_set_hostname(&ssl, "localhost");
	if (ret)
		goto out;
	mbedtls_ssl_set_bio(&ssl, &fd, raw_send, raw_recv, NULL);
	do
		ret = mbedtls_ssl_handshake(&ssl);
	while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
	if (!ret) {
		snprintf(o->suite, sizeof(o->suite), "%s", mbedtls_ssl_get_ciphersuite(&ssl));
		mbedtls_ssl_close_notify(&ssl);
	}
out:
	close(fd);
	mbedtls_pk_free(&key);
	mbedtls_x509_crt_free(&cert);
	mbedtls_x509_crt_free(&ca);
	mbedtls_ssl_free(&ssl);
	mbedtls_ssl_config_free(&conf);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&entropy);
	return ret;
}

static void client_without_certificate(void **state)
{
	struct pki *p = *state;
	struct tls_server *s = server_with(p, SERVER_CERT);
	struct srv v;
	pthread_t t;
	int sv[2];

	pair(sv);
	srv_start(&v, &t, s, sv[1], SRV_PING);
	struct raw_opts o = { MBEDTLS_SSL_MINOR_VERSION_3, p->path[CA_CERT] };

	/* It trusts our server, it just has nothing to show. */
	assert_int_not_equal(raw_handshake(sv[0], &o), 0);
	pthread_join(t, NULL);
	assert_int_equal(v.rc, -1);
	assert_string_equal(v.e.msg, "client sent no certificate");
	tls_server_free(s);
}

static void tls11_client_refused(void **state)
{
	struct pki *p = *state;
	struct tls_server *s = server_with(p, SERVER_CERT);
	struct srv v;
	pthread_t t;
	int sv[2];

	pair(sv);
	struct raw_opts o = { MBEDTLS_SSL_MINOR_VERSION_2 };

	srv_start(&v, &t, s, sv[1], SRV_PING);
	assert_int_equal(raw_handshake(sv[0], &o), MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE);
	pthread_join(t, NULL);
	assert_int_equal(v.rc, -1);
	assert_string_equal(v.e.msg, "client does not speak TLS 1.2 (older versions are refused)");
	tls_server_free(s);
}

/* A client that prefers AES gets ChaCha20: the server's order wins. */
static void server_prefers_chacha20(void **state)
{
	static const int aes_first[] = {
		MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		0,
	};
	static const int aes_only[] = { MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, 0 };
	struct pki *p = *state;
	struct tls_server *s = server_with(p, SERVER_CERT);
	struct raw_opts o = { MBEDTLS_SSL_MINOR_VERSION_3, p->path[CA_CERT],
			      p->path[CLIENT_CERT], p->path[CLIENT_KEY], aes_first };
	struct srv v;
	pthread_t t;
	int sv[2];

	pair(sv);
	srv_start(&v, &t, s, sv[1], SRV_CLOSE);
	assert_int_equal(raw_handshake(sv[0], &o), 0);
	pthread_join(t, NULL);
	assert_int_equal(v.rc, 0);
	assert_string_equal(o.suite, "TLS-ECDHE-ECDSA-WITH-CHACHA20-POLY1305-SHA256");

	/* AES-128-GCM alone is fine too. */
	pair(sv);
	o.suites = aes_only;
	srv_start(&v, &t, s, sv[1], SRV_CLOSE);
	assert_int_equal(raw_handshake(sv[0], &o), 0);
	pthread_join(t, NULL);
	assert_int_equal(v.rc, 0);
	assert_string_equal(o.suite, "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256");
	tls_server_free(s);
}

static void other_cipher_suites_refused(void **state)
{
	static const int others[] = {
		MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
		0,
	};
	struct pki *p = *state;
	struct tls_server *s = server_with(p, SERVER_CERT);
	struct raw_opts o = { MBEDTLS_SSL_MINOR_VERSION_3, p->path[CA_CERT],
			      p->path[CLIENT_CERT], p->path[CLIENT_KEY], others };
	struct srv v;
	pthread_t t;
	int sv[2];

	pair(sv);
	srv_start(&v, &t, s, sv[1], SRV_CLOSE);
	assert_int_not_equal(raw_handshake(sv[0], &o), 0);
	pthread_join(t, NULL);
	assert_int_equal(v.rc, -1);
	assert_string_equal(v.e.msg, "client offers no common cipher suite (ECDHE-ECDSA with "
				     "ChaCha20-Poly1305 or AES-128-GCM)");
	tls_server_free(s);
}

static void stalled_server(void **state)
{
	struct pki *p = *state;
	struct tls_client *c = client_with(p, CA_CERT, CLIENT_CERT, "localhost", 200);
	struct tls_server *s = server_with(p, SERVER_CERT);
	struct tls_conn *conn = NULL;
	struct err e = { "" };
	char buf[16];
	int sv[2], hold[2];
	struct srv v;
	pthread_t t;

	pair(sv);
	assert_int_equal(pipe(hold), 0);
	srv_init(&v, s, sv[1], SRV_HOLD);
	v.hold_fd = hold[0];
	srv_run(&v, &t);
	if (tls_client_attach_fd(c, sv[0], &conn, &e))
		fail_msg("handshake: %s", e.msg);
	assert_int_equal(tls_read(conn, buf, sizeof(buf), &e), -1);
	assert_string_equal(e.msg, "server stalled: no data for 0.2 s");
	close(hold[1]); /* lets the server go */
	pthread_join(t, NULL);
	close(hold[0]);
	assert_int_equal(v.rc, 0);
	tls_close(conn);
	tls_server_free(s);
	tls_client_free(c);
}

static void write_after_server_left(void **state)
{
	const size_t n = 1024 * 1024;
	struct pki *p = *state;
	struct tls_client *c = client_with(p, CA_CERT, CLIENT_CERT, "localhost", SAFETY_MS);
	struct tls_server *s = server_with(p, SERVER_CERT);
	struct tls_conn *conn = NULL;
	struct err e = { "" };
	unsigned char *buf;
	struct srv v;
	pthread_t t;
	int sv[2];

	buf = calloc(1, n);
	assert_non_null(buf);
	pair(sv);
	srv_start(&v, &t, s, sv[1], SRV_CLOSE);
	if (tls_client_attach_fd(c, sv[0], &conn, &e))
		fail_msg("handshake: %s", e.msg);
	pthread_join(t, NULL);
	assert_int_equal(v.rc, 0);
	assert_int_equal(tls_read(conn, buf, n, &e), 0); /* close_notify */
	/* The socket is gone: an error, not SIGPIPE. */
	assert_int_equal(tls_write_all(conn, buf, n, &e), -1);
	assert_string_equal(e.msg, "connection to server lost: Broken pipe");
	tls_close(conn);
	free(buf);
	tls_server_free(s);
	tls_client_free(c);
}

static void loopback_tcp(void **state)
{
	struct pki *p = *state;
	struct tls_client *c = client_with(p, CA_CERT, CLIENT_CERT, "localhost", SAFETY_MS);
	struct tls_server *s = server_with(p, SERVER_CERT);
	struct tls_conn *conn = NULL;
	struct err e = { "" };
	uint16_t port = 0;
	unsigned char buf[4];
	int lfd = -1;
	struct srv v;
	pthread_t t;

	if (tls_listen("127.0.0.1", 0, &lfd, &port, &e))
		fail_msg("listen: %s", e.msg);
	assert_int_not_equal(port, 0);
	srv_init(&v, s, -1, SRV_PING);
	v.listen_fd = lfd;
	srv_run(&v, &t);
	if (tls_connect(c, "127.0.0.1", port, &conn, &e))
		fail_msg("connect: %s", e.msg);
	assert_string_equal(tls_conn_peer_cn(conn), "localhost");
	assert_int_equal(tls_write_all(conn, "ping", 4, &e), 0);
	assert_int_equal(read_exact(conn, buf, 4, false, NULL, &e), 0);
	assert_memory_equal(buf, "pong", 4);
	tls_close(conn);
	pthread_join(t, NULL);
	if (v.rc)
		fail_msg("server: %s", v.e.msg);
	assert_string_equal(v.cn, "shop-1001");
	close(lfd);
	tls_server_free(s);
	tls_client_free(c);
}

static void connection_refused(void **state)
{
	struct pki *p = *state;
	struct tls_client *c = client_with(p, CA_CERT, CLIENT_CERT, "localhost", SAFETY_MS);
	struct tls_conn *conn = NULL;
	struct err e = { "" };
	char want[100];
	uint16_t port = 0;
	int lfd = -1;

	/* A port that was just free: nobody listens there now. */
	if (tls_listen("127.0.0.1", 0, &lfd, &port, &e))
		fail_msg("listen: %s", e.msg);
	close(lfd);
	assert_int_equal(tls_connect(c, "127.0.0.1", port, &conn, &e), -1);
	assert_null(conn);
	snprintf(want, sizeof(want), "cannot connect to 127.0.0.1:%u: Connection refused",
		 (unsigned)port);
	assert_string_equal(e.msg, want);
	tls_client_free(c);
}

#define PARALLEL 6

struct cli {
	struct tls_client *c;
	int fd;
	int rc;
	struct err e;
	char cn[80];
};

static void *cli_main(void *arg)
{
	struct cli *k = arg;
	struct tls_conn *conn = NULL;
	unsigned char buf[4];

	k->rc = -1;
	if (tls_client_attach_fd(k->c, k->fd, &conn, &k->e))
		return NULL;
	snprintf(k->cn, sizeof(k->cn), "%s", tls_conn_peer_cn(conn));
	if (!tls_write_all(conn, "ping", 4, &k->e) &&
	    !read_exact(conn, buf, 4, false, NULL, &k->e) && !memcmp(buf, "pong", 4))
		k->rc = 0;
	tls_close(conn);
	return NULL;
}

/* One tls_server handshaking several connections at once (the shared DRBG). */
static void parallel_handshakes(void **state)
{
	struct pki *p = *state;
	struct tls_server *s = server_with(p, SERVER_CERT);
	struct srv v[PARALLEL];
	struct cli k[PARALLEL];
	pthread_t ts[PARALLEL], tc[PARALLEL];

	for (int i = 0; i < PARALLEL; i++) {
		int sv[2];

		pair(sv);
		memset(&k[i], 0, sizeof(k[i]));
		k[i].c = client_with(p, CA_CERT, CLIENT_CERT, "localhost", SAFETY_MS);
		k[i].fd = sv[0];
		srv_start(&v[i], &ts[i], s, sv[1], SRV_PING);
		assert_int_equal(pthread_create(&tc[i], NULL, cli_main, &k[i]), 0);
	}
	for (int i = 0; i < PARALLEL; i++) {
		pthread_join(tc[i], NULL);
		pthread_join(ts[i], NULL);
		if (k[i].rc)
			fail_msg("client %d: %s", i, k[i].e.msg);
		if (v[i].rc)
			fail_msg("server %d: %s", i, v[i].e.msg);
		assert_string_equal(k[i].cn, "localhost");
		assert_string_equal(v[i].cn, "shop-1001");
		assert_int_equal(v[i].last_read, 0);
		tls_client_free(k[i].c);
	}
	tls_server_free(s);
}

static void bad_files(void **state)
{
	struct pki *p = *state;
	struct tls_client_conf conf = {
		.ca_path = p->path[CA_CERT],
		.cert_path = p->path[CLIENT_CERT],
		.key_path = p->path[CLIENT_KEY],
		.server_name = "localhost",
	};
	struct tls_server_conf sconf = {
		.ca_path = p->path[CA_CERT],
		.cert_path = p->path[SERVER_CERT],
		.key_path = p->path[CLIENT_KEY],
	};
	struct tls_client *c = NULL;
	struct tls_server *s = NULL;
	struct err e = { "" };
	char want[300];

	conf.ca_path = "/nonexistent/ca.pem";
	assert_int_equal(tls_client_new(&c, &conf, &e), -1);
	assert_string_equal(e.msg, "CA /nonexistent/ca.pem: No such file or directory");
	assert_null(c);

	conf.ca_path = p->path[GARBAGE_FILE];
	assert_int_equal(tls_client_new(&c, &conf, &e), -1);
	snprintf(want, sizeof(want), "CA %s: not a certificate", p->path[GARBAGE_FILE]);
	assert_non_null(strstr(e.msg, want));
	assert_null(strchr(e.msg, '\n'));

	conf.ca_path = p->path[CA_CERT];
	conf.key_path = p->path[CA_CERT];
	assert_int_equal(tls_client_new(&c, &conf, &e), -1);
	snprintf(want, sizeof(want), "key %s: not a usable private key", p->path[CA_CERT]);
	assert_non_null(strstr(e.msg, want));

	conf.key_path = p->path[CLIENT_KEY];
	conf.server_name = "";
	assert_int_equal(tls_client_new(&c, &conf, &e), -1);
	assert_string_equal(e.msg, "TLS client needs the server name to check");

	/* The server's certificate with the client's key. */
	assert_int_equal(tls_server_new(&s, &sconf, &e), -1);
	snprintf(want, sizeof(want), "key %s does not belong to certificate %s",
		 p->path[CLIENT_KEY], p->path[SERVER_CERT]);
	assert_string_equal(e.msg, want);
	assert_null(s);

	tls_close(NULL);
	tls_client_free(NULL);
	tls_server_free(NULL);
}

static void certificate_expiry(void **state)
{
	struct pki *p = *state;
	struct err e = { "" };
	int64_t t = 0;

	/* 2021-01-01 00:00:00 UTC */
	assert_int_equal(tls_cert_file_not_after(p->path[EXPIRED_SERVER_CERT], &t, &e), 0);
	assert_int_equal(t, 1609459200);
	assert_int_equal(tls_cert_file_not_after(p->path[GARBAGE_FILE], &t, &e), -1);
	assert_non_null(strstr(e.msg, "not a PEM certificate"));
	assert_int_equal(tls_cert_file_not_after("/nonexistent.pem", &t, &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(certificate_expiry),
		cmocka_unit_test(handshake_and_data),
		cmocka_unit_test(big_data_both_ways),
		cmocka_unit_test(unknown_ca),
		cmocka_unit_test(wrong_host_name),
		cmocka_unit_test(expired_server_certificate),
		cmocka_unit_test(client_certificate_from_another_ca),
		cmocka_unit_test(client_without_certificate),
		cmocka_unit_test(tls11_client_refused),
		cmocka_unit_test(server_prefers_chacha20),
		cmocka_unit_test(other_cipher_suites_refused),
		cmocka_unit_test(stalled_server),
		cmocka_unit_test(write_after_server_left),
		cmocka_unit_test(loopback_tcp),
		cmocka_unit_test(connection_refused),
		cmocka_unit_test(parallel_handshakes),
		cmocka_unit_test(bad_files),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
