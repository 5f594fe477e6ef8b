// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * setup: the steps of `init`, in order (see setup.h).  Each shop's
 * tenpo.conf is read back with config_load() after it is written, so a
 * folder that init made is one the kiosk accepts.
 *
 * The watermark key is 256 bits from getrandom() (the kernel's CSPRNG, the
 * source of /dev/urandom), written as 64 hex digits and a newline, mode
 * 0600, to DIR/server/watermark.key; each sample shop gets a copy next to
 * its tenpo.conf.  In a real deployment the delivery service does not hand
 * its key out like this: a kiosk receives it with its provisioning (as it
 * receives its client key), stored readable by the tenpo user only.
 */
#include "setup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "catalog.h"
#include "config.h"
#include "db.h"
#include "files.h"
#include "layout.h"
#include "pki.h"
#include "wm/watermark.h"

static const uint32_t sample_shops[] = { 1001, 1002 };

#define SHOP_COUNT (sizeof(sample_shops) / sizeof(sample_shops[0]))

static const char *const subfolders[] = {
	LAYOUT_SERVER_DIR, LAYOUT_CATALOG_DIR, LAYOUT_PREPARED_DIR, LAYOUT_SHOPS_DIR,
};

bool setup_listen_ok(const char *listen)
{
	const char *colon = strrchr(listen, ':');
	char *end;
	unsigned long port;
	size_t host_len;

	if (!colon || colon == listen)
		return false;
	host_len = (size_t)(colon - listen);
	if (host_len > 253 ||
	    strspn(listen, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") <
		    host_len)
		return false;
	if (colon[1] < '0' || colon[1] > '9')
		return false;
	port = strtoul(colon + 1, &end, 10);
	return !*end && port >= 1 && port <= 65535;
}

static int make_folders(const char *dir, struct err *e)
{
	char path[LAYOUT_PATH_MAX];

	if (files_mkdir(dir, 0755, e))
		return -1;
	if (layout_path(path, sizeof(path), e, "%s/" LAYOUT_SERVER_DIR, dir) ||
	    files_mkdir(path, 0700, e))
		return -1;
	if (layout_path(path, sizeof(path), e, "%s/" LAYOUT_PREPARED_DIR, dir) ||
	    files_mkdir(path, 0755, e))
		return -1;
	if (layout_path(path, sizeof(path), e, "%s/" LAYOUT_SHOPS_DIR, dir) ||
	    files_mkdir(path, 0755, e))
		return -1;
	for (size_t i = 0; i < SHOP_COUNT; i++)
		if (layout_path(path, sizeof(path), e, "%s/" LAYOUT_SHOPS_DIR "/%u", dir,
				(unsigned)sample_shops[i]) ||
		    files_mkdir(path, 0755, e))
			return -1;
	return 0;
}

static int make_watermark_key(const char *dir, struct err *e)
{
	uint8_t key[WM_KEY_LEN];
	char hex[2 * WM_KEY_LEN + 2], path[LAYOUT_PATH_MAX], copy[LAYOUT_PATH_MAX];
	size_t got = 0;
	int rc = -1;

	while (got < sizeof(key)) {
		ssize_t n = getrandom(key + got, sizeof(key) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_fail(e, "getrandom: %s", strerror(errno));
			goto out_wipe;
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(key); i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	hex[2 * WM_KEY_LEN] = '\n';
	hex[2 * WM_KEY_LEN + 1] = '\0';
	if (layout_path(path, sizeof(path), e, "%s/" LAYOUT_WATERMARK_KEY, dir) ||
	    files_write(path, hex, 2 * WM_KEY_LEN + 1, 0600, e))
		goto out_wipe;
	for (size_t i = 0; i < SHOP_COUNT; i++)
		if (layout_path(copy, sizeof(copy), e,
				"%s/" LAYOUT_SHOPS_DIR "/%u/" LAYOUT_SHOP_WATERMARK_KEY, dir,
				(unsigned)sample_shops[i]) ||
		    files_copy(path, copy, 0600, e))
			goto out_wipe;
	rc = 0;
out_wipe:
	explicit_bzero(key, sizeof(key));
	explicit_bzero(hex, sizeof(hex));
	return rc;
}

static int make_database(const char *dir, const struct setup_opts *o, struct err *e)
{
	char id[8];
	sqlite3 *db;
	int rc = -1;

	if (db_open(dir, true, &db, e))
		return -1;
	snprintf(id, sizeof(id), "%u", SETUP_DELIVERY_SERVER_ID);
	if (db_meta_set(db, "delivery_server_id", id, e) ||
	    db_meta_set(db, "listen", o->listen, e) ||
	    db_meta_set(db, "server_name", o->server_name, e))
		goto out_close;
	for (size_t i = 0; i < SHOP_COUNT; i++)
		if (db_shop_add(db, sample_shops[i], e))
			goto out_close;
	if (catalog_create(dir, db, o->big_mb, e))
		goto out_close;
	rc = 0;
out_close:
	db_close(db);
	return rc;
}

static int write_shop_config(const char *dir, const struct setup_opts *o, uint32_t shop,
			     struct err *e)
{
	char path[LAYOUT_PATH_MAX], text[2048];
	struct config check;
	int n;

	n = snprintf(text, sizeof(text),
		     "# Tenpo kiosk configuration for shop %u, written by tenpo-delivery init.\n"
		     "# Relative paths are taken from this folder.\n"
		     "shop_id       = %u\n"
		     "server        = %s\n"
		     "server_name   = %s\n"
		     "ca            = ca.crt\n"
		     "cert          = client.crt\n"
		     "key           = client.key\n"
		     "manifest_key  = manifest.pub\n"
		     "# The delivery service's watermark key: the kiosk checks that every\n"
		     "# audio file names this order.  A copy for tests and the demo; a real\n"
		     "# kiosk gets it with its provisioning.\n"
		     "watermark_key = " LAYOUT_SHOP_WATERMARK_KEY "\n"
		     "database      = tenpo.db\n"
		     "spool         = spool\n"
		     "output        = out\n"
		     "log_file      = tenpo.log\n",
		     (unsigned)shop, (unsigned)shop, o->listen, o->server_name);
	if (n < 0 || (size_t)n >= sizeof(text))
		return err_fail(e, "shop %u: configuration too long", (unsigned)shop);
	if (layout_path(path, sizeof(path), e, "%s/" LAYOUT_SHOPS_DIR "/%u/tenpo.conf", dir,
			(unsigned)shop) ||
	    files_write(path, text, (size_t)n, 0644, e))
		return -1;
	if (config_load(&check, path, e))
		return err_wrap(e, "the written configuration does not load");
	return 0;
}

int setup_create(const char *dir, const struct setup_opts *o, struct err *e)
{
	struct pki_request pki = {
		.dir = dir,
		.server_name = o->server_name,
		.server_not_after = o->server_not_after,
		.shops = sample_shops,
		.shop_count = SHOP_COUNT,
	};
	int empty;

	if (!setup_listen_ok(o->listen))
		return err_fail(e, "--listen wants HOST:PORT, got '%.100s'", o->listen);
	if (!pki_server_name_ok(o->server_name))
		return err_fail(e, "--server-name: not a host name: '%.100s'", o->server_name);
	if (o->server_not_after && !pki_time_ok(o->server_not_after))
		return err_fail(e, "--server-not-after wants YYYYMMDDhhmmss (UTC), got '%.40s'",
				o->server_not_after);
	if (files_dir_is_empty(dir, &empty, e))
		return -1;
	if (!empty)
		return err_fail(e, "%s: exists and is not empty", dir);
	if (make_folders(dir, e) || pki_create(&pki, e) || make_watermark_key(dir, e) ||
	    make_database(dir, o, e))
		goto out_undo;
	for (size_t i = 0; i < SHOP_COUNT; i++)
		if (write_shop_config(dir, o, sample_shops[i], e))
			goto out_undo;
	return 0;
out_undo:
	/* DIR was absent or empty: emptying it again undoes everything. */
	for (size_t i = 0; i < sizeof(subfolders) / sizeof(subfolders[0]); i++) {
		char path[LAYOUT_PATH_MAX];

		if (layout_path(path, sizeof(path), NULL, "%s/%s", dir, subfolders[i]) == 0)
			files_remove_tree(path, NULL);
	}
	return -1;
}
