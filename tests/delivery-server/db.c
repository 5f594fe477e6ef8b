// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * db: the schema and every query of the delivery server (see db.h).
 *
 * Each function prepares its statements, binds, steps, and finalizes on its
 * one way out; nothing is cached between calls, which keeps a connection
 * free of state and costs microseconds per request.
 */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "layout.h"

#define BUSY_TIMEOUT_MS 5000

static const char SCHEMA[] =
	"CREATE TABLE meta (\n"
	"  key TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL);\n"
	/* A shop exists when the CA signed a certificate "CN=shop-<id>" for it. */
	"CREATE TABLE shops (\n"
	"  id INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 16777215),\n"
	"  cert_cn TEXT NOT NULL UNIQUE);\n"
	"CREATE TABLE users (\n"
	"  id INTEGER PRIMARY KEY CHECK (id BETWEEN 0 AND 4294967295),\n"
	"  created_at INTEGER NOT NULL);\n"
	"CREATE TABLE catalog (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  alias TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
	"  title TEXT NOT NULL UNIQUE,\n"
	"  artist TEXT NOT NULL,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('music', 'video', 'data')),\n"
	"  content_server INTEGER NOT NULL CHECK (content_server BETWEEN 0 AND 65535),\n"
	"  price INTEGER NOT NULL CHECK (price >= 0));\n"
	"CREATE TABLE catalog_files (\n"
	"  item_id INTEGER NOT NULL REFERENCES catalog(id),\n"
	"  idx INTEGER NOT NULL CHECK (idx >= 0),\n"
	"  name TEXT NOT NULL,\n"          /* on the disc */
	"  path TEXT NOT NULL,\n"          /* the master, relative to DIR/catalog */
	"  size INTEGER NOT NULL,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('audio', 'video', 'data')),\n"
	"  track_number INTEGER NOT NULL DEFAULT 0,\n"
	"  track_title TEXT NOT NULL DEFAULT '',\n"
	"  performer TEXT NOT NULL DEFAULT '',\n"
	"  PRIMARY KEY (item_id, idx));\n"
	"CREATE TABLE orders (\n"
	"  id TEXT PRIMARY KEY,\n"
	"  shop_id INTEGER NOT NULL REFERENCES shops(id),\n"
	"  user_id INTEGER NOT NULL REFERENCES users(id),\n"
	"  item_id INTEGER NOT NULL REFERENCES catalog(id),\n"
	"  media TEXT NOT NULL CHECK (media IN ('audio-cd', 'data-cd', 'data-dvd')),\n"
	"  state TEXT NOT NULL DEFAULT 'open'\n"
	"    CHECK (state IN ('open', 'cancelled', 'delivered', 'expired')),\n"
	"  closed_at INTEGER,\n"           /* the kiosk's final report; NULL: listed */
	"  file_count INTEGER NOT NULL,\n"
	"  price INTEGER NOT NULL,\n"
	"  prepaid INTEGER NOT NULL,\n"
	"  pickup_code TEXT NOT NULL,\n"   /* a real service would mail it and forget it */
	"  faults TEXT NOT NULL DEFAULT '',\n"
	"  manifest BLOB NOT NULL,\n"      /* the exact signed bytes served */
	"  signature BLOB NOT NULL,\n"     /* DER ECDSA P-256 */
	"  created_at INTEGER NOT NULL,\n"
	"  expires_at INTEGER NOT NULL);\n"
	"CREATE INDEX orders_listed ON orders (shop_id, closed_at);\n"
	/* The prepared files, DIR/prepared/<order_id>/<idx>.data: their true
	 * size and hash (a fault may make the manifest say otherwise). */
	"CREATE TABLE order_files (\n"
	"  order_id TEXT NOT NULL REFERENCES orders(id),\n"
	"  idx INTEGER NOT NULL CHECK (idx >= 0),\n"
	"  name TEXT NOT NULL,\n"
	"  size INTEGER NOT NULL,\n"
	"  sha256 TEXT NOT NULL,\n"
	"  PRIMARY KEY (order_id, idx));\n"
	"CREATE TABLE fault_hits (\n"
	"  order_id TEXT NOT NULL REFERENCES orders(id),\n"
	"  fault TEXT NOT NULL,\n"
	"  hits INTEGER NOT NULL DEFAULT 0,\n"
	"  PRIMARY KEY (order_id, fault));\n"
	"CREATE TABLE reports (\n"
	"  report_id TEXT PRIMARY KEY,\n"
	"  order_id TEXT NOT NULL REFERENCES orders(id),\n"
	"  kind TEXT NOT NULL\n"
	"    CHECK (kind IN ('received', 'delivered', 'failed', 'expired', 'cancelled')),\n"
	"  at INTEGER NOT NULL,\n"         /* the kiosk's clock */
	"  body TEXT NOT NULL,\n"          /* as first received */
	"  received_at INTEGER NOT NULL);\n"
	/* Every POST to .../reports, whatever it was answered: dedupe shows as
	 * several posts of one report_id and one row in reports. */
	"CREATE TABLE report_posts (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  order_id TEXT NOT NULL,\n"
	"  report_id TEXT,\n"              /* NULL when the body had none */
	"  status INTEGER NOT NULL,\n"
	"  received_at INTEGER NOT NULL);\n"
	"CREATE INDEX report_posts_by_report ON report_posts (report_id);\n"
	/* The payments taken at the shops' registers, as the delivered
	 * reports say them (intake.c checked them against the order): a view
	 * of the recorded bodies, so it can never disagree with them. */
	"CREATE VIEW register_payments AS SELECT order_id, report_id,\n"
	"  json_extract(body, '$.payment.confirmed') AS confirmed,\n"
	"  json_extract(body, '$.payment.slip') AS slip,\n"
	"  json_extract(body, '$.payment.amount') AS amount,\n"
	"  json_extract(body, '$.payment.currency') AS currency,\n"
	"  json_extract(body, '$.payment.confirmed_at') AS confirmed_at,\n"
	"  json_extract(body, '$.payment.confirmed_by') AS confirmed_by\n"
	"  FROM reports WHERE kind = 'delivered'\n"
	"  AND json_extract(body, '$.payment.method') = 'register';\n";

static int db_fail(sqlite3 *db, struct err *e, const char *what)
{
	return err_fail(e, "database: %s: %s", what, sqlite3_errmsg(db));
}

static int prepare(sqlite3 *db, sqlite3_stmt **st, const char *sql, struct err *e)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return db_fail(db, e, "prepare");
	}
	return 0;
}

static int exec(sqlite3 *db, const char *sql, struct err *e)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_fail(e, "database: %s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Steps a statement that returns no row. */
static int step_done(sqlite3 *db, sqlite3_stmt *st, const char *what, struct err *e)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_fail(db, e, what);
	return 0;
}

static int copy_text(char *out, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	int n = sqlite3_column_bytes(st, col);

	if (!t || n < 0 || (size_t)n >= size) {
		out[0] = '\0';
		return t ? -1 : 0;
	}
	memcpy(out, t, (size_t)n);
	out[n] = '\0';
	return 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

int db_open(const char *dir, bool create, sqlite3 **out, struct err *e)
{
	char path[LAYOUT_PATH_MAX];
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);

	*out = NULL;
	if (layout_path(path, sizeof(path), e, "%s/" LAYOUT_DB, dir))
		return -1;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		err_fail(e, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
		goto out_close;
	}
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	if (exec(db, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;", e))
		goto out_close;
	if (create && (exec(db, SCHEMA, e) || db_day_schema(db, e)))
		goto out_close;
	*out = db;
	return 0;
out_close:
	sqlite3_close(db);
	return -1;
}

int db_open_file_readonly(const char *path, sqlite3 **out, struct err *e)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st;

	*out = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		err_fail(e, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	/* SQLite opens any file lazily: ask the schema now, so that a file that
	 * is not the server's database is refused here, by name. */
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'delivery_server_id'", -1,
			       &st, NULL) != SQLITE_OK) {
		err_fail(e, "%s: not a delivery server database (%s)", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	sqlite3_finalize(st);
	*out = db;
	return 0;
}

void db_close(sqlite3 *db)
{
	sqlite3_close(db);
}

int db_meta_set(sqlite3 *db, const char *key, const char *value, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(db, &st, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", e))
		return -1;
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	rc = step_done(db, st, "meta", e);
	sqlite3_finalize(st);
	return rc;
}

int db_meta_get(sqlite3 *db, const char *key, char *out, size_t size, struct err *e)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (prepare(db, &st, "SELECT value FROM meta WHERE key = ?", e))
		return -1;
	bind_text(st, 1, key);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		if (copy_text(out, size, st, 0))
			err_fail(e, "database: meta '%s' is too long", key);
		else
			rc = 0;
		break;
	case SQLITE_DONE:
		err_fail(e, "database: meta '%s' is missing", key);
		break;
	default:
		db_fail(db, e, "meta");
	}
	sqlite3_finalize(st);
	return rc;
}

int db_shop_add(sqlite3 *db, uint32_t shop, struct err *e)
{
	char cn[32];
	sqlite3_stmt *st;
	int rc;

	snprintf(cn, sizeof(cn), "shop-%u", (unsigned)shop);
	if (prepare(db, &st, "INSERT INTO shops (id, cert_cn) VALUES (?, ?)", e))
		return -1;
	sqlite3_bind_int64(st, 1, shop);
	bind_text(st, 2, cn);
	rc = step_done(db, st, "adding a shop", e);
	sqlite3_finalize(st);
	return rc;
}

int db_shop_exists(sqlite3 *db, uint32_t shop, bool *exists, struct err *e)
{
	sqlite3_stmt *st;
	int rc = 0, s;

	if (prepare(db, &st, "SELECT 1 FROM shops WHERE id = ?", e))
		return -1;
	sqlite3_bind_int64(st, 1, shop);
	s = sqlite3_step(st);
	*exists = s == SQLITE_ROW;
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = db_fail(db, e, "shops");
	sqlite3_finalize(st);
	return rc;
}

int db_catalog_add(sqlite3 *db, struct catalog_item *it, struct err *e)
{
	sqlite3_stmt *item = NULL, *file = NULL;
	int rc = -1;

	if (exec(db, "BEGIN IMMEDIATE", e))
		return -1;
	if (prepare(db, &item,
		    "INSERT INTO catalog (alias, title, artist, kind, content_server, price) "
		    "VALUES (?, ?, ?, ?, ?, ?)", e) ||
	    prepare(db, &file,
		    "INSERT INTO catalog_files (item_id, idx, name, path, size, kind, "
		    "track_number, track_title, performer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", e))
		goto out_rollback;
	bind_text(item, 1, it->alias);
	bind_text(item, 2, it->title);
	bind_text(item, 3, it->artist);
	bind_text(item, 4, catalog_kind_name(it->kind));
	sqlite3_bind_int64(item, 5, it->content_server);
	sqlite3_bind_int64(item, 6, (sqlite3_int64)it->price);
	if (step_done(db, item, "adding a catalog item", e))
		goto out_rollback;
	it->id = sqlite3_last_insert_rowid(db);
	for (size_t i = 0; i < it->file_count; i++) {
		const struct catalog_file *f = &it->files[i];

		sqlite3_reset(file);
		sqlite3_bind_int64(file, 1, it->id);
		sqlite3_bind_int64(file, 2, (sqlite3_int64)i);
		bind_text(file, 3, f->name);
		bind_text(file, 4, f->path);
		sqlite3_bind_int64(file, 5, (sqlite3_int64)f->size);
		bind_text(file, 6, file_kind_name(f->kind));
		sqlite3_bind_int64(file, 7, f->track.number);
		bind_text(file, 8, f->track.title);
		bind_text(file, 9, f->track.performer);
		if (step_done(db, file, "adding a catalog file", e))
			goto out_rollback;
	}
	if (exec(db, "COMMIT", e))
		goto out_rollback;
	rc = 0;
	goto out_finalize;
out_rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out_finalize:
	sqlite3_finalize(item);
	sqlite3_finalize(file);
	return rc;
}

static int catalog_files_load(sqlite3 *db, struct catalog_item *it, struct err *e)
{
	sqlite3_stmt *st;
	int rc = -1, s;
	size_t n = 0;

	if (prepare(db, &st,
		    "SELECT name, path, size, kind, track_number, track_title, performer "
		    "FROM catalog_files WHERE item_id = ? ORDER BY idx", e))
		return -1;
	sqlite3_bind_int64(st, 1, it->id);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct catalog_file *f, *grown;
		char kind[DB_KIND_MAX];
		int k;

		grown = realloc(it->files, (n + 1) * sizeof(*grown));
		if (!grown) {
			err_fail(e, "out of memory");
			goto out_finalize;
		}
		it->files = grown;
		f = &it->files[n];
		memset(f, 0, sizeof(*f));
		it->file_count = ++n;
		if (copy_text(f->name, sizeof(f->name), st, 0) ||
		    copy_text(f->path, sizeof(f->path), st, 1) ||
		    copy_text(kind, sizeof(kind), st, 3) ||
		    copy_text(f->track.title, sizeof(f->track.title), st, 5) ||
		    copy_text(f->track.performer, sizeof(f->track.performer), st, 6)) {
			err_fail(e, "database: catalog item %lld: a text field is too long",
				 (long long)it->id);
			goto out_finalize;
		}
		f->size = (uint64_t)sqlite3_column_int64(st, 2);
		k = file_kind_parse(kind);
		if (k < 0) {
			err_fail(e, "database: catalog item %lld: bad file kind", (long long)it->id);
			goto out_finalize;
		}
		f->kind = (enum file_kind)k;
		f->track.number = (unsigned)sqlite3_column_int64(st, 4);
	}
	if (s != SQLITE_DONE) {
		db_fail(db, e, "catalog files");
		goto out_finalize;
	}
	rc = 0;
out_finalize:
	sqlite3_finalize(st);
	return rc;
}

int db_catalog_find(sqlite3 *db, const char *name, struct catalog_item *out, bool *found,
		    struct err *e)
{
	sqlite3_stmt *st;
	char kind[DB_KIND_MAX];
	int rc = -1, s, k;

	memset(out, 0, sizeof(*out));
	*found = false;
	if (prepare(db, &st,
		    "SELECT id, alias, title, artist, kind, content_server, price FROM catalog "
		    "WHERE title = ?1 OR alias = ?1", e))
		return -1;
	bind_text(st, 1, name);
	s = sqlite3_step(st);
	if (s == SQLITE_DONE) {
		rc = 0;
		goto out_finalize;
	}
	if (s != SQLITE_ROW) {
		db_fail(db, e, "catalog");
		goto out_finalize;
	}
	out->id = sqlite3_column_int64(st, 0);
	if (copy_text(out->alias, sizeof(out->alias), st, 1) ||
	    copy_text(out->title, sizeof(out->title), st, 2) ||
	    copy_text(out->artist, sizeof(out->artist), st, 3) ||
	    copy_text(kind, sizeof(kind), st, 4) || (k = catalog_kind_parse(kind)) < 0) {
		err_fail(e, "database: catalog item %lld is malformed", (long long)out->id);
		goto out_finalize;
	}
	out->kind = (enum catalog_kind)k;
	out->content_server = (uint16_t)sqlite3_column_int64(st, 5);
	out->price = (uint64_t)sqlite3_column_int64(st, 6);
	if (catalog_files_load(db, out, e))
		goto out_finalize;
	*found = true;
	rc = 0;
out_finalize:
	sqlite3_finalize(st);
	if (rc)
		catalog_item_free(out);
	return rc;
}

int db_order_insert(sqlite3 *db, const struct db_order *o, const struct db_order_blobs *b,
		    struct err *e)
{
	sqlite3_stmt *user = NULL, *order = NULL, *file = NULL;
	char faults[FAULTS_TEXT_MAX];
	int rc = -1;

	faults_format(o->faults, faults, sizeof(faults));
	if (exec(db, "BEGIN IMMEDIATE", e))
		return -1;
	if (prepare(db, &user, "INSERT OR IGNORE INTO users (id, created_at) VALUES (?, ?)", e) ||
	    prepare(db, &order,
		    "INSERT INTO orders (id, shop_id, user_id, item_id, media, file_count, price, "
		    "prepaid, pickup_code, faults, manifest, signature, created_at, expires_at) "
		    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", e) ||
	    prepare(db, &file,
		    "INSERT INTO order_files (order_id, idx, name, size, sha256) "
		    "VALUES (?, ?, ?, ?, ?)", e))
		goto out_rollback;
	sqlite3_bind_int64(user, 1, o->user);
	sqlite3_bind_int64(user, 2, o->created_at);
	if (step_done(db, user, "adding a user", e))
		goto out_rollback;
	bind_text(order, 1, o->id);
	sqlite3_bind_int64(order, 2, o->shop);
	sqlite3_bind_int64(order, 3, o->user);
	sqlite3_bind_int64(order, 4, o->item);
	bind_text(order, 5, media_kind_name(o->media));
	sqlite3_bind_int64(order, 6, (sqlite3_int64)o->file_count);
	sqlite3_bind_int64(order, 7, (sqlite3_int64)o->price);
	sqlite3_bind_int(order, 8, o->prepaid);
	bind_text(order, 9, b->pickup_code);
	bind_text(order, 10, faults);
	sqlite3_bind_blob64(order, 11, b->manifest, b->manifest_len, SQLITE_STATIC);
	sqlite3_bind_blob64(order, 12, b->sig, b->sig_len, SQLITE_STATIC);
	sqlite3_bind_int64(order, 13, o->created_at);
	sqlite3_bind_int64(order, 14, o->expires_at);
	if (step_done(db, order, "adding an order", e))
		goto out_rollback;
	for (size_t i = 0; i < o->file_count; i++) {
		sqlite3_reset(file);
		bind_text(file, 1, o->id);
		sqlite3_bind_int64(file, 2, (sqlite3_int64)i);
		bind_text(file, 3, b->files[i].name);
		sqlite3_bind_int64(file, 4, (sqlite3_int64)b->files[i].size);
		bind_text(file, 5, b->files[i].sha256);
		if (step_done(db, file, "adding an order file", e))
			goto out_rollback;
	}
	if (exec(db, "COMMIT", e))
		goto out_rollback;
	rc = 0;
	goto out_finalize;
out_rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out_finalize:
	sqlite3_finalize(user);
	sqlite3_finalize(order);
	sqlite3_finalize(file);
	return rc;
}

#define ORDER_COLUMNS                                                                        \
	"o.id, o.shop_id, o.user_id, o.item_id, c.title, o.media, o.state, "                 \
	"o.closed_at IS NOT NULL, o.faults, o.file_count, o.price, o.prepaid, o.created_at, " \
	"o.expires_at FROM orders o JOIN catalog c ON c.id = o.item_id "

/* Fills o from a row of ORDER_COLUMNS. */
static int order_from_row(sqlite3_stmt *st, struct db_order *o, struct err *e)
{
	char media[DB_KIND_MAX], faults[FAULTS_TEXT_MAX];
	int m;

	memset(o, 0, sizeof(*o));
	if (copy_text(o->id, sizeof(o->id), st, 0) || copy_text(o->title, sizeof(o->title), st, 4) ||
	    copy_text(media, sizeof(media), st, 5) || copy_text(o->state, sizeof(o->state), st, 6) ||
	    copy_text(faults, sizeof(faults), st, 8))
		return err_fail(e, "database: order row has an over-long field");
	m = media_kind_parse(media);
	if (m < 0 || faults_parse(faults, &o->faults, e))
		return err_fail(e, "database: order %s is malformed", o->id);
	o->media = (enum media_kind)m;
	o->shop = (uint32_t)sqlite3_column_int64(st, 1);
	o->user = (uint32_t)sqlite3_column_int64(st, 2);
	o->item = sqlite3_column_int64(st, 3);
	o->closed = sqlite3_column_int(st, 7);
	o->file_count = (size_t)sqlite3_column_int64(st, 9);
	o->price = (uint64_t)sqlite3_column_int64(st, 10);
	o->prepaid = sqlite3_column_int(st, 11);
	o->created_at = sqlite3_column_int64(st, 12);
	o->expires_at = sqlite3_column_int64(st, 13);
	return 0;
}

int db_order_get(sqlite3 *db, const char *id, uint32_t shop, struct db_order *o, bool *found,
		 struct err *e)
{
	sqlite3_stmt *st;
	int rc = -1, s;

	*found = false;
	if (prepare(db, &st,
		    "SELECT " ORDER_COLUMNS "WHERE o.id = ?1 AND (?2 = 0 OR o.shop_id = ?2)", e))
		return -1;
	bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, shop);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		if (order_from_row(st, o, e))
			goto out_finalize;
		*found = true;
	} else if (s != SQLITE_DONE) {
		db_fail(db, e, "orders");
		goto out_finalize;
	}
	rc = 0;
out_finalize:
	sqlite3_finalize(st);
	return rc;
}

int db_order_manifest(sqlite3 *db, const char *id, char **json, size_t *len, uint8_t *sig,
		      size_t *sig_len, struct err *e)
{
	sqlite3_stmt *st;
	int rc = -1, n, sn;
	char *buf;

	*json = NULL;
	if (prepare(db, &st, "SELECT manifest, signature FROM orders WHERE id = ?", e))
		return -1;
	bind_text(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_fail(db, e, "manifest");
		goto out_finalize;
	}
	n = sqlite3_column_bytes(st, 0);
	sn = sqlite3_column_bytes(st, 1);
	if (sn <= 0 || sn > MANIFEST_SIG_MAX) {
		err_fail(e, "database: order %s: bad signature length", id);
		goto out_finalize;
	}
	buf = malloc((size_t)n + 1);
	if (!buf) {
		err_fail(e, "out of memory");
		goto out_finalize;
	}
	if (n > 0)
		memcpy(buf, sqlite3_column_blob(st, 0), (size_t)n);
	buf[n] = '\0';
	memcpy(sig, sqlite3_column_blob(st, 1), (size_t)sn);
	*json = buf;
	*len = (size_t)n;
	*sig_len = (size_t)sn;
	rc = 0;
out_finalize:
	sqlite3_finalize(st);
	return rc;
}

int db_order_file(sqlite3 *db, const char *id, unsigned idx, struct db_order_file *f,
		  bool *found, struct err *e)
{
	sqlite3_stmt *st;
	int rc = -1, s;

	*found = false;
	if (prepare(db, &st,
		    "SELECT name, size, sha256 FROM order_files WHERE order_id = ? AND idx = ?", e))
		return -1;
	bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, idx);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		if (copy_text(f->name, sizeof(f->name), st, 0) ||
		    copy_text(f->sha256, sizeof(f->sha256), st, 2)) {
			err_fail(e, "database: order %s file %u is malformed", id, idx);
			goto out_finalize;
		}
		f->size = (uint64_t)sqlite3_column_int64(st, 1);
		*found = true;
	} else if (s != SQLITE_DONE) {
		db_fail(db, e, "order files");
		goto out_finalize;
	}
	rc = 0;
out_finalize:
	sqlite3_finalize(st);
	return rc;
}

int db_orders_listed(sqlite3 *db, uint32_t shop, size_t max, db_listing_fn fn, void *arg,
		     struct err *e)
{
	sqlite3_stmt *st;
	int rc = -1, s;

	if (prepare(db, &st,
		    "SELECT id, state, faults FROM orders WHERE shop_id = ? AND closed_at IS NULL "
		    "ORDER BY created_at, id LIMIT ?", e))
		return -1;
	sqlite3_bind_int64(st, 1, shop);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		char id[ORDER_ID_MAX + 1], state[DB_STATE_MAX], faults[FAULTS_TEXT_MAX];
		unsigned mask;

		if (copy_text(id, sizeof(id), st, 0) || copy_text(state, sizeof(state), st, 1) ||
		    copy_text(faults, sizeof(faults), st, 2) || faults_parse(faults, &mask, e)) {
			err_fail(e, "database: a listed order is malformed");
			goto out_finalize;
		}
		if (fn(arg, id, state, mask))
			goto out_finalize;
	}
	if (s != SQLITE_DONE) {
		db_fail(db, e, "listing orders");
		goto out_finalize;
	}
	rc = 0;
out_finalize:
	sqlite3_finalize(st);
	return rc;
}

/* Calls fn for each row of st (a SELECT of ORDER_COLUMNS); finalizes st. */
static int orders_from(sqlite3 *db, sqlite3_stmt *st, db_order_fn fn, void *arg, struct err *e)
{
	int rc = -1, s;

	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_order o;

		if (order_from_row(st, &o, e) || fn(arg, &o))
			goto out_finalize;
	}
	if (s != SQLITE_DONE) {
		db_fail(db, e, "orders");
		goto out_finalize;
	}
	rc = 0;
out_finalize:
	sqlite3_finalize(st);
	return rc;
}

int db_orders_each(sqlite3 *db, db_order_fn fn, void *arg, struct err *e)
{
	sqlite3_stmt *st;

	if (prepare(db, &st, "SELECT " ORDER_COLUMNS "ORDER BY o.created_at, o.rowid", e))
		return -1;
	return orders_from(db, st, fn, arg, e);
}

int db_orders_of(sqlite3 *db, uint32_t user, uint32_t shop, uint16_t content_server,
		 db_order_fn fn, void *arg, struct err *e)
{
	sqlite3_stmt *st;

	if (prepare(db, &st,
		    "SELECT " ORDER_COLUMNS "WHERE o.user_id = ?1 AND o.shop_id = ?2 "
		    "AND c.content_server = ?3 ORDER BY o.created_at, o.rowid", e))
		return -1;
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_int64(st, 2, shop);
	sqlite3_bind_int64(st, 3, content_server);
	return orders_from(db, st, fn, arg, e);
}

int db_order_cancel(sqlite3 *db, const char *id, struct err *e)
{
	struct db_order o;
	sqlite3_stmt *st = NULL;
	bool found;
	int rc = -1;

	if (exec(db, "BEGIN IMMEDIATE", e))
		return -1;
	if (db_order_get(db, id, 0, &o, &found, e))
		goto out_rollback;
	if (!found) {
		err_fail(e, "no order '%.64s'", id);
		goto out_rollback;
	}
	if (o.closed) {
		err_fail(e, "order %s is already %s", id, o.state);
		goto out_rollback;
	}
	if (prepare(db, &st, "UPDATE orders SET state = 'cancelled' WHERE id = ?", e))
		goto out_rollback;
	bind_text(st, 1, id);
	if (step_done(db, st, "cancelling", e) || exec(db, "COMMIT", e))
		goto out_rollback;
	rc = 0;
	goto out_finalize;
out_rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out_finalize:
	sqlite3_finalize(st);
	return rc;
}

int db_fault_fire(sqlite3 *db, const char *order_id, enum fault f, unsigned times, bool *fire,
		  struct err *e)
{
	sqlite3_stmt *ins = NULL, *upd = NULL;
	int rc = -1;

	*fire = false;
	if (prepare(db, &ins, "INSERT OR IGNORE INTO fault_hits (order_id, fault) VALUES (?, ?)", e) ||
	    prepare(db, &upd,
		    "UPDATE fault_hits SET hits = hits + 1 "
		    "WHERE order_id = ? AND fault = ? AND hits < ?", e))
		goto out_finalize;
	bind_text(ins, 1, order_id);
	bind_text(ins, 2, fault_name(f));
	if (step_done(db, ins, "fault_hits", e))
		goto out_finalize;
	/* One statement, so two connections cannot both take the last firing. */
	bind_text(upd, 1, order_id);
	bind_text(upd, 2, fault_name(f));
	sqlite3_bind_int64(upd, 3, times);
	if (step_done(db, upd, "fault_hits", e))
		goto out_finalize;
	*fire = sqlite3_changes(db) > 0;
	rc = 0;
out_finalize:
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	return rc;
}

static bool kind_closes(const char *kind)
{
	return !strcmp(kind, "delivered") || !strcmp(kind, "cancelled") || !strcmp(kind, "expired");
}

int db_report_record(sqlite3 *db, const char *order_id, const char *report_id,
		     const char *kind, int64_t at, const char *body,
		     enum db_report_result *result, struct err *e)
{
	sqlite3_stmt *find = NULL, *ins = NULL, *close_order = NULL;
	int64_t now = (int64_t)time(NULL);
	int rc = -1, s;

	if (exec(db, "BEGIN IMMEDIATE", e))
		return -1;
	if (prepare(db, &find, "SELECT order_id FROM reports WHERE report_id = ?", e))
		goto out_rollback;
	bind_text(find, 1, report_id);
	s = sqlite3_step(find);
	if (s == SQLITE_ROW) {
		const unsigned char *owner = sqlite3_column_text(find, 0);

		*result = owner && !strcmp((const char *)owner, order_id) ? DB_REPORT_DUPLICATE
									  : DB_REPORT_CONFLICT;
		if (exec(db, "COMMIT", e))
			goto out_rollback;
		rc = 0;
		goto out_finalize;
	}
	if (s != SQLITE_DONE) {
		db_fail(db, e, "reports");
		goto out_rollback;
	}
	/* one disc per order: a second "delivered" (a kiosk that lost its
	 * database and wrote the order again) is refused, not recorded */
	if (!strcmp(kind, "delivered")) {
		sqlite3_finalize(find);
		if (prepare(db, &find,
			    "SELECT 1 FROM reports WHERE order_id = ? AND kind = 'delivered'", e))
			goto out_rollback;
		bind_text(find, 1, order_id);
		s = sqlite3_step(find);
		if (s == SQLITE_ROW) {
			*result = DB_REPORT_DELIVERED_BEFORE;
			if (exec(db, "COMMIT", e))
				goto out_rollback;
			rc = 0;
			goto out_finalize;
		}
		if (s != SQLITE_DONE) {
			db_fail(db, e, "reports");
			goto out_rollback;
		}
	}
	if (prepare(db, &ins,
		    "INSERT INTO reports (report_id, order_id, kind, at, body, received_at) "
		    "VALUES (?, ?, ?, ?, ?, ?)", e))
		goto out_rollback;
	bind_text(ins, 1, report_id);
	bind_text(ins, 2, order_id);
	bind_text(ins, 3, kind);
	sqlite3_bind_int64(ins, 4, at);
	bind_text(ins, 5, body);
	sqlite3_bind_int64(ins, 6, now);
	if (step_done(db, ins, "recording a report", e))
		goto out_rollback;
	if (kind_closes(kind)) {
		if (prepare(db, &close_order,
			    "UPDATE orders SET state = ?, closed_at = ? "
			    "WHERE id = ? AND closed_at IS NULL", e))
			goto out_rollback;
		bind_text(close_order, 1, kind);
		sqlite3_bind_int64(close_order, 2, now);
		bind_text(close_order, 3, order_id);
		if (step_done(db, close_order, "closing an order", e))
			goto out_rollback;
	}
	if (exec(db, "COMMIT", e))
		goto out_rollback;
	*result = DB_REPORT_NEW;
	rc = 0;
	goto out_finalize;
out_rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out_finalize:
	sqlite3_finalize(find);
	sqlite3_finalize(ins);
	sqlite3_finalize(close_order);
	return rc;
}

int db_report_post_log(sqlite3 *db, const char *order_id, const char *report_id, int status,
		       struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(db, &st,
		    "INSERT INTO report_posts (order_id, report_id, status, received_at) "
		    "VALUES (?, ?, ?, ?)", e))
		return -1;
	bind_text(st, 1, order_id);
	if (report_id)
		bind_text(st, 2, report_id);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int(st, 3, status);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
	rc = step_done(db, st, "logging a report post", e);
	sqlite3_finalize(st);
	return rc;
}

int db_reports_each(sqlite3 *db, db_report_fn fn, void *arg, struct err *e)
{
	sqlite3_stmt *st;
	int rc = -1, s;

	if (prepare(db, &st,
		    "SELECT r.order_id, r.kind, r.report_id, "
		    "(SELECT COUNT(*) FROM report_posts p WHERE p.report_id = r.report_id) "
		    "FROM reports r ORDER BY r.received_at, r.rowid", e))
		return -1;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_report r;

		if (copy_text(r.order_id, sizeof(r.order_id), st, 0) ||
		    copy_text(r.kind, sizeof(r.kind), st, 1) ||
		    copy_text(r.report_id, sizeof(r.report_id), st, 2)) {
			err_fail(e, "database: a report row is malformed");
			goto out_finalize;
		}
		r.posts = (unsigned)sqlite3_column_int64(st, 3);
		if (fn(arg, &r))
			goto out_finalize;
	}
	if (s != SQLITE_DONE) {
		db_fail(db, e, "reports");
		goto out_finalize;
	}
	rc = 0;
out_finalize:
	sqlite3_finalize(st);
	return rc;
}
