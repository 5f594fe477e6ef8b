/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * layout: the folder that `tenpo-delivery init DIR` creates, and the one
 * place where paths under it are put together.
 *
 *   DIR/server/                 the server's private material (mode 0700)
 *       ca.key, ca.crt          the CA: signs the server and every shop
 *       server.key, server.crt  the TLS identity (CN and SAN = server name)
 *       manifest.key, .pub      the manifest-signing pair (not the TLS key)
 *       watermark.key           the watermark key: 64 hex digits (mode 0600)
 *       marked/<alias>/<file>.<user>-<shop>-<ds>-<cs>
 *                               marked copies, kept for a repeat order
 *                               (prepare.h)
 *       server.db               SQLite: catalog, shops, users, orders, reports
 *   DIR/catalog/<alias>/...     master files of the sample catalog
 *   DIR/prepared/<order>/<idx>.data
 *                               each customer's copy, by manifest position
 *   DIR/shops/<shop-id>/        what one kiosk needs: ca.crt, client.crt,
 *                               client.key, manifest.pub, watermark.key,
 *                               tenpo.conf
 *
 * Invariant: a path is built from the DIR given on the command line and from
 * values that came out of the database (order IDs that passed
 * layout_order_id_ok() when they were made, integer indexes), never from
 * the text of a request.
 */
#ifndef TENPO_DS_LAYOUT_H
#define TENPO_DS_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define LAYOUT_PATH_MAX 1024

#define LAYOUT_SERVER_DIR "server"
#define LAYOUT_CATALOG_DIR "catalog"
#define LAYOUT_PREPARED_DIR "prepared"
#define LAYOUT_SHOPS_DIR "shops"
#define LAYOUT_DB "server/server.db"
#define LAYOUT_CA_KEY "server/ca.key"
#define LAYOUT_CA_CRT "server/ca.crt"
#define LAYOUT_SERVER_KEY "server/server.key"
#define LAYOUT_SERVER_CRT "server/server.crt"
#define LAYOUT_MANIFEST_KEY "server/manifest.key"
#define LAYOUT_MANIFEST_PUB "server/manifest.pub"
#define LAYOUT_WATERMARK_KEY "server/watermark.key"
#define LAYOUT_MARKED_DIR "server/marked"
#define LAYOUT_SHOP_WATERMARK_KEY "watermark.key" /* in DIR/shops/<id>/ */

/* snprintf into out; an over-long result is an error, never a cut path. */
int layout_path(char *out, size_t size, struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* DIR/prepared/<order_id>/<idx>.data */
int layout_prepared_file(char *out, size_t size, const char *dir, const char *order_id,
			 unsigned idx, struct err *e);

/* An order ID as the protocol allows it: 1..64 of [A-Za-z0-9_-]. */
bool layout_order_id_ok(const char *id);

#endif
