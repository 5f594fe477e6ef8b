// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tls_server: the listening half of tls.h (tls_server_new, tls_listen,
 * tls_server_attach_fd).  Only the delivery server runs it; the kiosk
 * connects and never listens, so this file is built into libtenpo-server.a
 * and build/tenpo does not carry it (tests/integration/boundaries.sh).
 * The policy and the connection code are tls.c's, shared through
 * tls_internal.h.
 */
#include "tls_internal.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LISTEN_BACKLOG 64

struct tls_server {
	struct tls_keys k;
	unsigned io_ms;
};

int tls_server_new(struct tls_server **out, const struct tls_server_conf *conf,
		   struct err *e)
{
	struct tls_server *s;

	s = calloc(1, sizeof(*s));
	if (!s)
		return err_fail(e, "out of memory");
	tls_keys_init(&s->k);
	if (tls_keys_load(&s->k, MBEDTLS_SSL_IS_SERVER, conf->ca_path, conf->cert_path,
		      conf->key_path, e)) {
		tls_server_free(s);
		return -1;
	}
	s->io_ms = conf->io_timeout_ms ? conf->io_timeout_ms : DEFAULT_IO_MS;
	*out = s;
	return 0;
}

void tls_server_free(struct tls_server *s)
{
	if (!s)
		return;
	tls_keys_free(&s->k);
	free(s);
}

int tls_listen(const char *host, uint16_t port, int *fd_out, uint16_t *bound_port,
	       struct err *e)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	const char *node = host && *host ? host : NULL;
	const char *shown = node ? node : "*";
	struct addrinfo *res = NULL;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	char service[8];
	int fd = -1, err = 0, one = 1, rc;

	snprintf(service, sizeof(service), "%u", (unsigned)port);
	rc = getaddrinfo(node, service, &hints, &res);
	if (rc)
		return err_fail(e, "cannot resolve %s: %s", shown,
				rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		if (!setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) &&
		    !bind(fd, ai->ai_addr, ai->ai_addrlen) && !listen(fd, LISTEN_BACKLOG))
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return err_fail(e, "cannot listen on %s:%u: %s", shown, (unsigned)port,
				strerror(err ? err : EADDRNOTAVAIL));
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen)) {
		err_fail(e, "cannot listen on %s:%u: %s", shown, (unsigned)port, strerror(errno));
		close(fd);
		return -1;
	}
	if (bound_port)
		*bound_port = ntohs(ss.ss_family == AF_INET6
					    ? ((struct sockaddr_in6 *)&ss)->sin6_port
					    : ((struct sockaddr_in *)&ss)->sin_port);
	*fd_out = fd;
	return 0;
}

int tls_server_attach_fd(struct tls_server *s, int fd, struct tls_conn **out, struct err *e)
{
	bool refused;

	return tls_conn_open(&s->k.conf, fd, false, NULL, tls_now_ms() + s->io_ms, s->io_ms,
			     s->io_ms, out, &refused, e);
}
