/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * setup: `tenpo-delivery init DIR` — a complete delivery folder (layout.h)
 * from nothing: folders, keys and certificates (pki.c), the watermark key
 * (with a copy for each sample shop), the database with its meta and shops
 * (db.c), the synthesised catalog (catalog.c), and for each sample shop a
 * folder a kiosk can run from, with its tenpo.conf.
 *
 * DIR must not exist or be empty; when setup fails, what it made is removed
 * again, so a failed init can simply be run again.
 */
#ifndef TENPO_DS_SETUP_H
#define TENPO_DS_SETUP_H

#include <stdbool.h>

#include "err.h"

#define SETUP_DELIVERY_SERVER_ID 7
#define SETUP_DEFAULT_LISTEN "127.0.0.1:8443"
#define SETUP_DEFAULT_SERVER_NAME "localhost"

struct setup_opts {
	const char *listen;           /* HOST:PORT */
	const char *server_name;
	const char *server_not_after; /* "YYYYMMDDhhmmss" or NULL */
	unsigned big_mb;              /* 0: no benchmark item */
};

int setup_create(const char *dir, const struct setup_opts *o, struct err *e);

/* HOST:PORT as tenpo.conf's `server` accepts it. */
bool setup_listen_ok(const char *listen);

#endif
