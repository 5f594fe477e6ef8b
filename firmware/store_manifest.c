// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * store_manifest: an order's verified manifest, stored with the move that
 * accepts it (invariant I6 in store.c), read back as received, and its files:
 * one row each, marked done as the spool commits them.  Also what the spool
 * must keep for the orders still under way.
 */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

/* The database's spelling of enum file_kind (manifest.c has the JSON's). */
static const char *const kind_names[FILE_KIND_COUNT] = {
	[FILE_AUDIO] = "audio",
	[FILE_VIDEO] = "video",
	[FILE_DATA] = "data",
};

/* ---- the manifest ------------------------------------------------------- */

static bool fits(const char *field, size_t size)
{
	return strnlen(field, size) < size;
}

/* The schema's CHECKs, said first in C so the caller gets a clear message.
 * manifest_parse() has already made all of this true for a real manifest. */
static int manifest_fits(const char *id, const char *json, size_t json_len,
			 const uint8_t *sig, size_t sig_len, const struct manifest *m,
			 struct err *e)
{
	uint64_t sum = 0;

	if (!fits(m->order_id, sizeof(m->order_id)) || strcmp(m->order_id, id))
		return err_fail(e, "store: the manifest is not order %s's", id);
	if (!json || json_len == 0 || json_len > MANIFEST_MAX_BYTES)
		return err_fail(e, "store: order %s: manifest of %zu bytes", id, json_len);
	if (!sig || sig_len == 0 || sig_len > MANIFEST_SIG_MAX)
		return err_fail(e, "store: order %s: signature of %zu bytes", id, sig_len);
	if (!m->files || m->file_count == 0 || m->file_count > MANIFEST_MAX_FILES)
		return err_fail(e, "store: order %s: %zu files", id, m->file_count);
	if (!fits(m->title, sizeof(m->title)) || !fits(m->artist, sizeof(m->artist)) ||
	    strnlen(m->currency, sizeof(m->currency)) != 3 ||
	    (unsigned)m->media >= MEDIA_KIND_COUNT || m->ids.shop > 0xffffff ||
	    m->price > INT64_MAX)
		return err_fail(e, "store: order %s: manifest header out of range", id);
	if (m->pickup.iterations < PICKUP_MIN_ITERATIONS ||
	    m->pickup.iterations > PICKUP_MAX_ITERATIONS)
		return err_fail(e, "store: order %s: pickup iterations out of range", id);
	if (!m->pickup.has_locator)
		return err_fail(e, "store: order %s: the manifest has no pickup.locator "
			       "(the server must send one: PROTOCOL.md)", id);
	if (m->pickup.locator > PICKUP_LOCATOR_MAX)
		return err_fail(e, "store: order %s: pickup locator out of range", id);
	for (size_t i = 0; i < m->file_count; i++) {
		const struct manifest_file *f = &m->files[i];
		size_t n = strnlen(f->name, sizeof(f->name));

		if (n == 0 || n > MANIFEST_NAME_MAX || f->size == 0 || f->size > INT64_MAX ||
		    (unsigned)f->kind >= FILE_KIND_COUNT || f->track.number > 99 ||
		    !fits(f->track.title, sizeof(f->track.title)) ||
		    !fits(f->track.performer, sizeof(f->track.performer)))
			return err_fail(e, "store: order %s: file %zu out of range", id, i);
		if (f->size > UINT64_MAX - sum)
			return err_fail(e, "store: order %s: sizes overflow", id);
		sum += f->size;
	}
	if (sum != m->total_bytes || sum > INT64_MAX)
		return err_fail(e, "store: order %s: total_bytes is not the sum of the sizes", id);
	return 0;
}

static int store_header(struct store *s, const char *id, const char *json, size_t json_len,
			const uint8_t *sig, size_t sig_len, const struct manifest *m,
			struct err *e)
{
	static const char sql[] =
		"UPDATE orders SET has_manifest = 1, user_id = ?2, shop_id = ?3,"
		" delivery_server_id = ?4, content_server_id = ?5, title = ?6, artist = ?7,"
		" media = ?8, price = ?9, currency = ?10, prepaid = ?11, issued_at = ?12,"
		" expires_at = ?13, total_bytes = ?14, file_count = ?15, pickup_iterations = ?16,"
		" pickup_salt = ?17, pickup_hash = ?18, manifest = ?19, signature = ?20,"
		" updated_at = ?21, pickup_locator = ?22 WHERE id = ?1";
	sqlite3_stmt *st;
	int rc = -1;

	if (store_prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, id) || sqlite3_bind_int64(st, 2, m->ids.user) ||
	    sqlite3_bind_int64(st, 3, m->ids.shop) ||
	    sqlite3_bind_int64(st, 4, m->ids.delivery_server) ||
	    sqlite3_bind_int64(st, 5, m->ids.content_server) || bind_text(st, 6, m->title) ||
	    bind_text(st, 7, m->artist) || bind_text(st, 8, media_kind_name(m->media)) ||
	    sqlite3_bind_int64(st, 9, (sqlite3_int64)m->price) ||
	    bind_text(st, 10, m->currency) || sqlite3_bind_int(st, 11, m->prepaid) ||
	    sqlite3_bind_int64(st, 12, m->issued_at) || sqlite3_bind_int64(st, 13, m->expires_at) ||
	    sqlite3_bind_int64(st, 14, (sqlite3_int64)m->total_bytes) ||
	    sqlite3_bind_int64(st, 15, (sqlite3_int64)m->file_count) ||
	    sqlite3_bind_int64(st, 16, m->pickup.iterations) ||
	    sqlite3_bind_blob(st, 17, m->pickup.salt, PICKUP_SALT_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_blob(st, 18, m->pickup.hash, PICKUP_HASH_LEN, SQLITE_STATIC) ||
	    sqlite3_bind_blob(st, 19, json, (int)json_len, SQLITE_STATIC) ||
	    sqlite3_bind_blob(st, 20, sig, (int)sig_len, SQLITE_STATIC) ||
	    sqlite3_bind_int64(st, 21, now_s()) || sqlite3_bind_int64(st, 22, m->pickup.locator) ||
	    sqlite3_step(st) != SQLITE_DONE) {
		store_db_fail(s, e, "order %s: store manifest", id);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* One row per file.  After a download retry the rows are there already: a
 * file whose size and hash did not change keeps its done flag (the spool
 * still holds it); hash-mismatch counts start again. */
static int store_file_rows(struct store *s, const char *id, const struct manifest *m,
			   struct err *e)
{
	static const char sql[] =
		"INSERT INTO files (order_id, idx, name, size, sha256, kind, track_number,"
		" track_title, track_performer) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
		" ON CONFLICT (order_id, idx) DO UPDATE SET"
		" done = (files.done AND files.size = excluded.size"
		"  AND files.sha256 = excluded.sha256),"
		" failures = 0, name = excluded.name, size = excluded.size,"
		" sha256 = excluded.sha256, kind = excluded.kind,"
		" track_number = excluded.track_number, track_title = excluded.track_title,"
		" track_performer = excluded.track_performer";
	static const char trim_sql[] = "DELETE FROM files WHERE order_id = ?1 AND idx >= ?2";
	sqlite3_stmt *st;
	int rc = -1;

	if (store_prepare(s, &st, sql, e))
		return -1;
	for (size_t i = 0; i < m->file_count; i++) {
		const struct manifest_file *f = &m->files[i];

		sqlite3_reset(st);
		if (bind_text(st, 1, id) || sqlite3_bind_int64(st, 2, (sqlite3_int64)i) ||
		    bind_text(st, 3, f->name) || sqlite3_bind_int64(st, 4, (sqlite3_int64)f->size) ||
		    sqlite3_bind_blob(st, 5, f->sha256, DIGEST_LEN, SQLITE_STATIC) ||
		    bind_text(st, 6, kind_names[f->kind]) ||
		    sqlite3_bind_int64(st, 7, f->track.number) || bind_text(st, 8, f->track.title) ||
		    bind_text(st, 9, f->track.performer) || sqlite3_step(st) != SQLITE_DONE) {
			store_db_fail(s, e, "order %s: store file %zu", id, i);
			goto out;
		}
	}
	sqlite3_finalize(st);
	if (store_prepare(s, &st, trim_sql, e))
		return -1;
	if (bind_text(st, 1, id) || sqlite3_bind_int64(st, 2, (sqlite3_int64)m->file_count) ||
	    sqlite3_step(st) != SQLITE_DONE) {
		store_db_fail(s, e, "order %s: drop old files", id);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int store_order_accept_manifest(struct store *s, const char *id, const char *json,
				size_t json_len, const uint8_t *sig, size_t sig_len,
				const struct manifest *m, struct err *e)
{
	struct move mv = { id, ORDER_ANNOUNCED, ORDER_DOWNLOADING, "", "", 0, NULL };
	struct head h;

	if (!id_ok(id))
		return bad_id(e);
	if (manifest_fits(id, json, json_len, sig, sig_len, m, e))
		return -1;
	if (store_tx_begin(s, e))
		return -1;
	if (store_expect_state(s, id, ORDER_ANNOUNCED, &h, e))
		goto fail;
	if (store_header(s, id, json, json_len, sig, sig_len, m, e) ||
	    store_file_rows(s, id, m, e) || store_apply_move(s, &mv, e))
		goto fail;
	return store_tx_commit(s, e);
fail:
	store_tx_rollback(s);
	return -1;
}

int store_order_manifest(struct store *s, const char *id, char **json, size_t *json_len,
			 uint8_t **sig, size_t *sig_len, struct err *e)
{
	static const char sql[] = "SELECT manifest, signature FROM orders WHERE id = ?1";
	sqlite3_stmt *st;
	const void *jb, *sb;
	int jn, sn, step, rc = -1;

	*json = NULL;
	*sig = NULL;
	if (!id_ok(id))
		return bad_id(e);
	if (store_prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, id)) {
		store_db_fail(s, e, "order %s", id);
		goto out;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		err_fail(e, "order %s not found", id);
		goto out;
	}
	if (step != SQLITE_ROW) {
		store_db_fail(s, e, "order %s: manifest", id);
		goto out;
	}
	if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
		err_fail(e, "order %s has no manifest yet", id);
		goto out;
	}
	jb = sqlite3_column_blob(st, 0);
	jn = sqlite3_column_bytes(st, 0);
	sb = sqlite3_column_blob(st, 1);
	sn = sqlite3_column_bytes(st, 1);
	if (!jb || !sb || jn <= 0 || jn > MANIFEST_MAX_BYTES || sn <= 0 || sn > MANIFEST_SIG_MAX) {
		err_fail(e, "store: order %s: stored manifest or signature has a bad size", id);
		goto out;
	}
	*json = malloc((size_t)jn + 1);
	*sig = malloc((size_t)sn);
	if (!*json || !*sig) {
		err_fail(e, "out of memory");
		goto out;
	}
	memcpy(*json, jb, (size_t)jn);
	(*json)[jn] = '\0';
	*json_len = (size_t)jn;
	memcpy(*sig, sb, (size_t)sn);
	*sig_len = (size_t)sn;
	rc = 0;
out:
	if (rc) {
		free(*json);
		free(*sig);
		*json = NULL;
		*sig = NULL;
	}
	sqlite3_finalize(st);
	return rc;
}

int store_order_pickup(struct store *s, const char *id, struct pickup_verifier *v,
		       struct err *e)
{
	static const char sql[] =
		"SELECT has_manifest, pickup_iterations, pickup_salt, pickup_hash"
		" FROM orders WHERE id = ?1";
	struct row r = { .what = id, .e = e };
	sqlite3_stmt *st;
	int step, rc = -1;

	if (!id_ok(id))
		return bad_id(e);
	if (store_prepare(s, &st, sql, e))
		return -1;
	r.st = st;
	if (bind_text(st, 1, id)) {
		store_db_fail(s, e, "order %s", id);
		goto out;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		err_fail(e, "order %s not found", id);
		goto out;
	}
	if (step != SQLITE_ROW) {
		store_db_fail(s, e, "order %s: pickup verifier", id);
		goto out;
	}
	if (!store_row_int(&r, 0, "has_manifest", 0, 1)) {
		if (!r.bad)
			err_fail(e, "order %s has no manifest yet", id);
		goto out;
	}
	v->iterations = (uint32_t)store_row_int(&r, 1, "pickup_iterations", PICKUP_MIN_ITERATIONS,
						PICKUP_MAX_ITERATIONS);
	store_row_blob(&r, 2, "pickup_salt", v->salt, sizeof(v->salt));
	store_row_blob(&r, 3, "pickup_hash", v->hash, sizeof(v->hash));
	rc = r.bad ? -1 : 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* The index orders_by_locator makes this one lookup; the legacy half
 * (orders accepted before schema 3 carried no locator) is bounded by what
 * was open at the migration, since every new manifest has one. */
int store_pickup_candidates(struct store *s, uint32_t locator,
			    struct store_pickup_candidate **out, size_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT id, pickup_iterations, pickup_salt, pickup_hash FROM orders"
		" WHERE has_manifest = 1 AND pickup_locator = ?1"
		" UNION ALL SELECT id, pickup_iterations, pickup_salt, pickup_hash FROM orders"
		" WHERE has_manifest = 1 AND pickup_locator IS NULL"
		"  AND state IN ('downloading', 'ready', 'claimed')";
	struct store_pickup_candidate *list = NULL;
	size_t count = 0, cap = 0;
	sqlite3_stmt *st;
	int step, rc = -1;

	*out = NULL;
	*n = 0;
	if (store_prepare(s, &st, sql, e))
		return -1;
	if (sqlite3_bind_int64(st, 1, locator)) {
		store_db_fail(s, e, "pickup locator");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct row r = { .st = st, .what = "pickup candidate", .e = e };
		struct store_pickup_candidate *c;

		if (count == cap && store_grow(&list, &cap, sizeof(*list), e))
			goto out;
		c = &list[count];
		memset(c, 0, sizeof(*c));
		store_row_text(&r, 0, "id", c->id, sizeof(c->id));
		c->verifier.locator = locator;
		c->verifier.iterations = (uint32_t)store_row_int(
			&r, 1, "pickup_iterations", PICKUP_MIN_ITERATIONS, PICKUP_MAX_ITERATIONS);
		store_row_blob(&r, 2, "pickup_salt", c->verifier.salt, sizeof(c->verifier.salt));
		store_row_blob(&r, 3, "pickup_hash", c->verifier.hash, sizeof(c->verifier.hash));
		if (r.bad)
			goto out;
		count++;
	}
	if (step != SQLITE_DONE) {
		store_db_fail(s, e, "pickup candidates");
		goto out;
	}
	*out = list;
	*n = count;
	list = NULL;
	rc = 0;
out:
	free(list);
	sqlite3_finalize(st);
	return rc;
}

/* ---- files -------------------------------------------------------------- */

static int read_file_row(sqlite3_stmt *st, const char *id, struct store_file *f,
			 struct err *e)
{
	struct row r = { st, id, e, false };
	struct manifest_file *m = &f->m;

	memset(f, 0, sizeof(*f));
	f->idx = (unsigned)store_row_int(&r, 0, "file idx", 0, MANIFEST_MAX_FILES - 1);
	store_row_text(&r, 1, "file name", m->name, sizeof(m->name));
	if (!r.bad && !m->name[0])
		store_row_fail(&r, "file name", "is empty");
	m->size = (uint64_t)store_row_int(&r, 2, "file size", 1, INT64_MAX);
	store_row_blob(&r, 3, "file sha256", m->sha256, sizeof(m->sha256));
	m->kind = (enum file_kind)store_row_name(&r, 4, "file kind", kind_names, FILE_KIND_COUNT);
	m->track.number = (unsigned)store_row_int(&r, 5, "track number", 0, 99);
	store_row_text(&r, 6, "track title", m->track.title, sizeof(m->track.title));
	store_row_text(&r, 7, "track performer", m->track.performer, sizeof(m->track.performer));
	f->done = store_row_int(&r, 8, "file done", 0, 1);
	f->failures = (unsigned)store_row_int(&r, 9, "file failures", 0, UINT32_MAX);
	return r.bad ? -1 : 0;
}

int store_files(struct store *s, const char *id, struct store_file **out, size_t *n,
		struct err *e)
{
	static const char sql[] =
		"SELECT idx, name, size, sha256, kind, track_number, track_title,"
		" track_performer, done, failures FROM files WHERE order_id = ?1 ORDER BY idx";
	struct store_file *list = NULL;
	size_t cap = 0, count = 0;
	sqlite3_stmt *st;
	struct head h;
	int step, rc = -1;

	*out = NULL;
	*n = 0;
	if (!id_ok(id))
		return bad_id(e);
	if (store_prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, id)) {
		store_db_fail(s, e, "order %s: files", id);
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (count >= MANIFEST_MAX_FILES) {
			err_fail(e, "store: order %s has more than %d files", id, MANIFEST_MAX_FILES);
			goto out;
		}
		if ((count == cap && store_grow(&list, &cap, sizeof(*list), e)) ||
		    read_file_row(st, id, &list[count], e))
			goto out;
		count++;
	}
	if (step != SQLITE_DONE) {
		store_db_fail(s, e, "order %s: files", id);
		goto out;
	}
	if (count == 0) {
		int found = store_load_head(s, id, &h, e);

		if (found < 0)
			goto out;
		if (!found) {
			err_fail(e, "order %s not found", id);
			goto out;
		}
	}
	*out = list;
	*n = count;
	list = NULL;
	rc = 0;
out:
	free(list);
	sqlite3_finalize(st);
	return rc;
}

/* Files change only while the order is downloading: a worker that finds it
 * moved (cancelled, expired) stops there. */
static int file_update(struct store *s, const char *id, unsigned idx, const char *sql,
		       int64_t *result, struct err *e)
{
	static const char touch_sql[] = "UPDATE orders SET updated_at = ?2 WHERE id = ?1";
	sqlite3_stmt *st = NULL;
	struct head h;
	int step;

	if (!id_ok(id))
		return bad_id(e);
	if (store_tx_begin(s, e))
		return -1;
	if (store_expect_state(s, id, ORDER_DOWNLOADING, &h, e) || store_prepare(s, &st, sql, e))
		goto fail;
	if (bind_text(st, 1, id) || sqlite3_bind_int64(st, 2, idx)) {
		store_db_fail(s, e, "order %s file %u", id, idx);
		goto fail;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		err_fail(e, "order %s has no file %u", id, idx);
		goto fail;
	}
	if (step != SQLITE_ROW) {
		store_db_fail(s, e, "order %s file %u", id, idx);
		goto fail;
	}
	*result = sqlite3_column_int64(st, 0);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (step != SQLITE_DONE) {
		store_db_fail(s, e, "order %s file %u", id, idx);
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (store_prepare(s, &st, touch_sql, e))
		goto fail;
	if (bind_text(st, 1, id) || sqlite3_bind_int64(st, 2, now_s()) ||
	    sqlite3_step(st) != SQLITE_DONE) {
		store_db_fail(s, e, "order %s", id);
		goto fail;
	}
	sqlite3_finalize(st);
	return store_tx_commit(s, e);
fail:
	sqlite3_finalize(st);
	store_tx_rollback(s);
	return -1;
}

int store_file_done(struct store *s, const char *id, unsigned idx, struct err *e)
{
	static const char sql[] =
		"UPDATE files SET done = 1 WHERE order_id = ?1 AND idx = ?2 RETURNING"
		" (SELECT count(*) FROM files WHERE order_id = ?1 AND done = 0 AND idx <> ?2)";
	int64_t left = 0;

	if (file_update(s, id, idx, sql, &left, e))
		return -1;
	return (int)left;
}

int store_file_failed(struct store *s, const char *id, unsigned idx, unsigned *failures,
		      struct err *e)
{
	static const char sql[] =
		"UPDATE files SET failures = failures + 1 WHERE order_id = ?1 AND idx = ?2"
		" RETURNING failures";
	int64_t n = 0;

	if (file_update(s, id, idx, sql, &n, e))
		return -1;
	if (failures)
		*failures = (unsigned)n;
	return 0;
}

int store_spool_reserved(struct store *s, const char *except_id, uint64_t *bytes,
			 struct err *e)
{
	/* A failed order keeps its spool until it goes final (a retry reuses
	 * the files), so one with a manifest still holds its reservation. */
	static const char sql[] =
		"SELECT coalesce(sum(total_bytes), 0) FROM orders"
		" WHERE (state IN ('downloading', 'ready', 'claimed', 'awaiting-payment', 'writing',"
		"  'verifying', 'written') OR (state = 'failed' AND has_manifest = 1))"
		" AND (?1 IS NULL OR id <> ?1)";
	sqlite3_stmt *st;
	int rc = -1;

	if (store_prepare(s, &st, sql, e))
		return -1;
	if ((except_id ? bind_text(st, 1, except_id) : sqlite3_bind_null(st, 1)) ||
	    sqlite3_step(st) != SQLITE_ROW) {
		store_db_fail(s, e, "spool reservations");
		goto out;
	}
	if (sqlite3_column_int64(st, 0) < 0) {
		err_fail(e, "store: spool reservations are negative");
		goto out;
	}
	*bytes = (uint64_t)sqlite3_column_int64(st, 0);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}
