// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * serve: the listening socket, one detached thread per connection, and a
 * clean stop on SIGTERM/SIGINT (see serve.h).
 *
 * Signals: SIGTERM and SIGINT are blocked before any thread exists (threads
 * inherit the mask) and read from a signalfd polled next to the listening
 * socket, so no handler and no global flag are needed: the accept loop
 * wakes, reads which signal it was, and stops.
 *
 * Slots: every live connection holds a slot with its socket.  Up to
 * SERVE_MAX_CONNS are served; the next SERVE_MAX_REFUSING get a thread that
 * answers 503 and closes (so a client learns why); beyond that a connection
 * is closed at once.  A thread clears its slot's socket *before* closing it,
 * under the lock, so that the stopping main thread never shuts down a
 * descriptor number that was closed and reused.
 *
 * Stopping: a byte into the stop pipe makes every sleeping sender (throttle,
 * the stall fault) return; shutdown() of each live socket makes every
 * blocked read or write fail; then the main thread waits, bounded, for the
 * threads to leave, and only then frees the TLS server they point into.
 */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "db.h"
#include "layout.h"
#include "log.h"
#include "tls.h"

#define SERVE_MAX_CONNS 64
#define SERVE_MAX_REFUSING 16
#define SERVE_SLOTS (SERVE_MAX_CONNS + SERVE_MAX_REFUSING)
#define SERVE_IO_TIMEOUT_MS 60000
#define SERVE_DRAIN_S 10
#define PEER_MAX 64

struct server {
	char host[256];
	uint16_t port;
	char paths[3][LAYOUT_PATH_MAX]; /* ca, cert, key */
	struct api_env env;
	struct tls_server *tls;
	int listen_fd, signal_fd;
	int stop_pipe[2];
	pthread_mutex_t json_lock;
	pthread_mutex_t lock; /* guards what follows */
	pthread_cond_t left;  /* a connection thread has finished */
	int fds[SERVE_SLOTS]; /* live sockets; -1: a free slot */
	unsigned serving, refusing;
};

struct job {
	struct server *srv;
	int fd;
	unsigned slot;
	bool refuse;
	char peer[PEER_MAX];
};

static void peer_name(const struct sockaddr_storage *ss, char out[PEER_MAX])
{
	char addr[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &in->sin_addr, addr, sizeof(addr));
		port = ntohs(in->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof(addr));
		port = ntohs(in6->sin6_port);
	}
	snprintf(out, PEER_MAX, "%s:%u", addr, port);
}

static void *connection_main(void *arg)
{
	struct job *j = arg;
	struct server *srv = j->srv;
	struct tls_conn *tls = NULL;
	struct err e = { "" };

	if (tls_server_attach_fd(srv->tls, j->fd, &tls, &e))
		log_info("serve", "%s: handshake failed: %s", j->peer, e.msg);
	else if (j->refuse)
		api_refuse_busy(&srv->env, tls, j->peer);
	else
		api_serve(&srv->env, tls, j->peer);

	pthread_mutex_lock(&srv->lock);
	srv->fds[j->slot] = -1;
	pthread_mutex_unlock(&srv->lock);
	tls_close(tls); /* closes the socket */

	pthread_mutex_lock(&srv->lock);
	if (j->refuse)
		srv->refusing--;
	else
		srv->serving--;
	pthread_cond_broadcast(&srv->left);
	pthread_mutex_unlock(&srv->lock);
	free(j);
	return NULL;
}

/* Takes a slot for fd, or says there is none (then fd is to be closed). */
static struct job *job_new(struct server *srv, int fd, const char *peer)
{
	struct job *j = calloc(1, sizeof(*j));
	unsigned slot = SERVE_SLOTS;

	if (!j)
		return NULL;
	pthread_mutex_lock(&srv->lock);
	if (srv->serving < SERVE_MAX_CONNS || srv->refusing < SERVE_MAX_REFUSING)
		for (slot = 0; slot < SERVE_SLOTS && srv->fds[slot] >= 0; slot++)
			;
	if (slot < SERVE_SLOTS) {
		j->refuse = srv->serving >= SERVE_MAX_CONNS;
		if (j->refuse)
			srv->refusing++;
		else
			srv->serving++;
		srv->fds[slot] = fd;
	}
	pthread_mutex_unlock(&srv->lock);
	if (slot == SERVE_SLOTS) {
		free(j);
		return NULL;
	}
	j->srv = srv;
	j->fd = fd;
	j->slot = slot;
	snprintf(j->peer, sizeof(j->peer), "%s", peer);
	return j;
}

static void job_cancel(struct job *j)
{
	struct server *srv = j->srv;

	pthread_mutex_lock(&srv->lock);
	srv->fds[j->slot] = -1;
	if (j->refuse)
		srv->refusing--;
	else
		srv->serving--;
	pthread_mutex_unlock(&srv->lock);
	free(j);
}

static void accept_one(struct server *srv)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	char peer[PEER_MAX];
	pthread_attr_t attr;
	pthread_t thread;
	struct job *j;
	int fd, err;

	fd = accept4(srv->listen_fd, (struct sockaddr *)&ss, &sslen, SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			log_warn("serve", "accept: %s", strerror(errno));
			poll(NULL, 0, 100); /* let connections finish */
		}
		return; /* EINTR, ECONNABORTED, EAGAIN: nothing to do */
	}
	peer_name(&ss, peer);
	j = job_new(srv, fd, peer);
	if (!j) {
		log_warn("serve", "%s: too many connections, closed", peer);
		close(fd);
		return;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&thread, &attr, connection_main, j);
	pthread_attr_destroy(&attr);
	if (err) {
		log_warn("serve", "%s: no thread: %s", peer, strerror(err));
		job_cancel(j);
		close(fd);
	}
}

/* Wakes every connection, then waits (bounded) for all to leave.
 * Returns how many did not. */
static unsigned drain(struct server *srv)
{
	struct timespec until;
	unsigned left;

	if (write(srv->stop_pipe[1], "x", 1) < 0)
		log_warn("serve", "stop pipe: %s", strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += SERVE_DRAIN_S;
	pthread_mutex_lock(&srv->lock);
	for (unsigned i = 0; i < SERVE_SLOTS; i++)
		if (srv->fds[i] >= 0)
			shutdown(srv->fds[i], SHUT_RDWR);
	while (srv->serving + srv->refusing > 0)
		if (pthread_cond_timedwait(&srv->left, &srv->lock, &until) == ETIMEDOUT)
			break;
	left = srv->serving + srv->refusing;
	pthread_mutex_unlock(&srv->lock);
	return left;
}

/* The listen address and server ID from the database. */
static int load_settings(struct server *srv, const char *dir, struct err *e)
{
	char listen_at[300], id[16], *colon, *end;
	unsigned long port, sid;
	sqlite3 *db;
	int rc = -1;

	if (db_open(dir, false, &db, e))
		return -1;
	if (db_meta_get(db, "listen", listen_at, sizeof(listen_at), e) ||
	    db_meta_get(db, "delivery_server_id", id, sizeof(id), e))
		goto out_close;
	colon = strrchr(listen_at, ':');
	port = colon ? strtoul(colon + 1, &end, 10) : 0;
	sid = strtoul(id, NULL, 10);
	if (!colon || colon == listen_at || *end || port == 0 || port > 65535 ||
	    (size_t)(colon - listen_at) >= sizeof(srv->host) || sid > 0xffff) {
		err_fail(e, "database: bad listen address or server id");
		goto out_close;
	}
	memcpy(srv->host, listen_at, (size_t)(colon - listen_at));
	srv->host[colon - listen_at] = '\0';
	srv->port = (uint16_t)port;
	srv->env.server_id = (uint16_t)sid;
	rc = 0;
out_close:
	db_close(db);
	return rc;
}

static int block_signals(int *fd, struct err *e)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL))
		return err_fail(e, "cannot block signals");
	*fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (*fd < 0)
		return err_fail(e, "signalfd: %s", strerror(errno));
	return 0;
}

static int start(struct server *srv, const char *dir, const struct serve_opts *o, struct err *e)
{
	uint16_t bound;

	srv->env.dir = dir;
	srv->env.throttle = o->throttle;
	srv->env.json_lock = &srv->json_lock;
	if (load_settings(srv, dir, e))
		return -1;
	if (layout_path(srv->paths[0], LAYOUT_PATH_MAX, e, "%s/" LAYOUT_CA_CRT, dir) ||
	    layout_path(srv->paths[1], LAYOUT_PATH_MAX, e, "%s/" LAYOUT_SERVER_CRT, dir) ||
	    layout_path(srv->paths[2], LAYOUT_PATH_MAX, e, "%s/" LAYOUT_SERVER_KEY, dir))
		return -1;
	if (tls_server_new(&srv->tls,
			   &(struct tls_server_conf){ .ca_path = srv->paths[0],
						      .cert_path = srv->paths[1],
						      .key_path = srv->paths[2],
						      .io_timeout_ms = SERVE_IO_TIMEOUT_MS },
			   e))
		return -1;
	if (pipe2(srv->stop_pipe, O_CLOEXEC))
		return err_fail(e, "pipe: %s", strerror(errno));
	srv->env.stop_fd = srv->stop_pipe[0];
	if (block_signals(&srv->signal_fd, e))
		return -1;
	if (tls_listen(srv->host, srv->port, &srv->listen_fd, &bound, e))
		return -1;
	log_info("serve", "listening on %s:%u", srv->host, (unsigned)bound);
	return 0;
}

static void loop(struct server *srv)
{
	for (;;) {
		struct pollfd p[2] = { { .fd = srv->listen_fd, .events = POLLIN },
				       { .fd = srv->signal_fd, .events = POLLIN } };
		struct signalfd_siginfo si;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_error("serve", "poll: %s", strerror(errno));
			return;
		}
		if (p[1].revents & POLLIN) {
			if (read(srv->signal_fd, &si, sizeof(si)) == sizeof(si))
				log_info("serve", "stopping on %s", strsignal((int)si.ssi_signo));
			return;
		}
		if (p[0].revents & POLLIN)
			accept_one(srv);
	}
}

int serve_run(const char *dir, const struct serve_opts *o, struct err *e)
{
	struct server *srv;
	pthread_condattr_t ca;
	unsigned stuck = 0;
	int rc = -1;

	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return err_fail(e, "out of memory");
	srv->listen_fd = srv->signal_fd = srv->stop_pipe[0] = srv->stop_pipe[1] = -1;
	for (unsigned i = 0; i < SERVE_SLOTS; i++)
		srv->fds[i] = -1;
	pthread_mutex_init(&srv->lock, NULL);
	pthread_mutex_init(&srv->json_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&srv->left, &ca);
	pthread_condattr_destroy(&ca);

	if (start(srv, dir, o, e) == 0) {
		loop(srv);
		close(srv->listen_fd);
		srv->listen_fd = -1;
		stuck = drain(srv);
		rc = 0;
	}
	if (stuck) {
		/* Their threads still point into srv: leave it to the exit. */
		log_warn("serve", "%u connections did not finish in %d s", stuck, SERVE_DRAIN_S);
		return rc;
	}
	tls_server_free(srv->tls);
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	if (srv->signal_fd >= 0)
		close(srv->signal_fd);
	if (srv->stop_pipe[0] >= 0)
		close(srv->stop_pipe[0]);
	if (srv->stop_pipe[1] >= 0)
		close(srv->stop_pipe[1]);
	pthread_cond_destroy(&srv->left);
	pthread_mutex_destroy(&srv->lock);
	pthread_mutex_destroy(&srv->json_lock);
	free(srv);
	return rc;
}
