/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * serve: `tenpo-delivery serve DIR` — the delivery server's process.
 *
 * Loads DIR/server/{ca.crt,server.crt,server.key}, listens on the address
 * `init` stored (meta "listen"), logs "listening on HOST:PORT" once bound,
 * and serves every connection on its own detached thread (api.c) until
 * SIGTERM or SIGINT; then it stops accepting, wakes and closes every live
 * connection, waits for their threads, and returns 0.
 *
 * Limits: SERVE_MAX_CONNS connections at once (more get 503 and are closed);
 * 60 s without a byte from a client ends its connection (io timeout).
 */
#ifndef TENPO_DS_SERVE_H
#define TENPO_DS_SERVE_H

#include <stdint.h>

#include "err.h"

struct serve_opts {
	uint64_t throttle; /* download bytes per second per connection; 0: none */
};

int serve_run(const char *dir, const struct serve_opts *o, struct err *e);

#endif
