// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * store_retention: orders that are over (reported, expired, cancelled) are
 * compacted, after the shop's retention period, into the one row per disc
 * the shop must keep (table discs, schema 3): the order's IDs, content,
 * customer, media, fee and times, and the delivered report's body as the
 * receipt.  Its manifest, pickup verifier, files, transition log and
 * acknowledged reports go, so the database and the log stay bounded by the
 * orders of the last retention_days; a disc row is a few hundred bytes.
 *
 * What is never compacted: an order with a report not yet acknowledged
 * (it would never be sent), and any order not over.  A compacted order id
 * is never announced again (store_order_announce looks here), so a server
 * that lists it once more cannot make the kiosk write it twice.  The
 * transition log stays append-only for every order that is not compacted:
 * its delete trigger lets rows go only once their order is in discs, in
 * the same transaction.
 */
#include "store_internal.h"

#include <string.h>

/* The statements of one compaction, in order; ?1 is the cut-off time. */
static const char *const compact_sql[] = {
	"CREATE TEMP TABLE IF NOT EXISTS compacting (id TEXT PRIMARY KEY) WITHOUT ROWID",
	"DELETE FROM compacting",
	"INSERT INTO compacting SELECT id FROM orders o"
	" WHERE state IN ('reported', 'expired', 'cancelled') AND updated_at < ?1"
	"  AND NOT EXISTS (SELECT 1 FROM outbox b WHERE b.order_id = o.id AND b.acked_at IS NULL)",
	"INSERT INTO discs (order_id, state, reason, title, artist, media, price, currency,"
	" user_id, shop_id, delivery_server_id, content_server_id, created_at, written_at,"
	" closed_at, compacted_at, receipt)"
	" SELECT o.id, o.state, o.reason, coalesce(o.title, ''), coalesce(o.artist, ''), o.media,"
	"  o.price, o.currency, o.user_id, o.shop_id, o.delivery_server_id,"
	"  o.content_server_id, o.created_at,"
	"  (SELECT max(at) FROM transitions t WHERE t.order_id = o.id AND t.to_state = 'written'),"
	"  o.updated_at, ?2,"
	"  (SELECT body FROM outbox b WHERE b.order_id = o.id AND b.kind = 'delivered'"
	"    AND length(CAST(b.body AS BLOB)) <= 4096)"
	" FROM orders o JOIN compacting c ON c.id = o.id",
	"DELETE FROM outbox WHERE order_id IN (SELECT id FROM compacting)",
	/* the delivered report's body, kept as the receipt, says how it was paid */
	"DELETE FROM payments WHERE order_id IN (SELECT id FROM compacting)",
	"DELETE FROM files WHERE order_id IN (SELECT id FROM compacting)",
	"DELETE FROM transitions WHERE order_id IN (SELECT id FROM compacting)",
	"DELETE FROM orders WHERE id IN (SELECT id FROM compacting)",
};

int store_compact(struct store *s, int64_t before, unsigned *compacted, struct err *e)
{
	sqlite3_stmt *st = NULL;
	unsigned n = 0;

	*compacted = 0;
	if (store_tx_begin(s, e))
		return -1;
	for (size_t i = 0; i < sizeof(compact_sql) / sizeof(compact_sql[0]); i++) {
		if (store_prepare(s, &st, compact_sql[i], e))
			goto fail;
		if ((sqlite3_bind_parameter_count(st) >= 1 && sqlite3_bind_int64(st, 1, before)) ||
		    (sqlite3_bind_parameter_count(st) >= 2 && sqlite3_bind_int64(st, 2, now_s())) ||
		    sqlite3_step(st) != SQLITE_DONE) {
			store_db_fail(s, e, "compact");
			goto fail;
		}
		if (!strncmp(compact_sql[i], "INSERT INTO discs", 17))
			n = (unsigned)sqlite3_changes(s->db);
		sqlite3_finalize(st);
		st = NULL;
	}
	if (store_tx_commit(s, e))
		return -1;
	*compacted = n;
	return 0;
fail:
	sqlite3_finalize(st);
	store_tx_rollback(s);
	return -1;
}

int store_disc_get(struct store *s, const char *id, struct store_disc *out, struct err *e)
{
	static const char sql[] =
		"SELECT order_id, state, reason, title, artist, media, price, currency, user_id,"
		" shop_id, delivery_server_id, content_server_id, created_at, written_at,"
		" closed_at, compacted_at, receipt FROM discs WHERE order_id = ?1";
	struct row r = { .what = id, .e = e };
	sqlite3_stmt *st;
	int step, state, rc = -1;

	memset(out, 0, sizeof(*out));
	if (!id_ok(id))
		return bad_id(e);
	if (store_prepare(s, &st, sql, e))
		return -1;
	r.st = st;
	if (bind_text(st, 1, id)) {
		store_db_fail(s, e, "disc %s", id);
		goto out;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = 0;
		goto out;
	}
	if (step != SQLITE_ROW) {
		store_db_fail(s, e, "disc %s", id);
		goto out;
	}
	store_row_text(&r, 0, "order_id", out->id, sizeof(out->id));
	state = store_row_state(&r, 1, "state", false);
	out->state = state < 0 ? ORDER_REPORTED : (enum order_state)state;
	store_row_text(&r, 2, "reason", out->reason, sizeof(out->reason));
	store_row_text(&r, 3, "title", out->title, sizeof(out->title));
	store_row_text(&r, 4, "artist", out->artist, sizeof(out->artist));
	store_row_text(&r, 5, "media", out->media, sizeof(out->media));
	out->price = (uint64_t)store_row_int(&r, 6, "price", 0, INT64_MAX);
	store_row_text(&r, 7, "currency", out->currency, sizeof(out->currency));
	out->ids.user = (uint32_t)store_row_int(&r, 8, "user_id", 0, UINT32_MAX);
	out->ids.shop = (uint32_t)store_row_int(&r, 9, "shop_id", 0, 0xffffff);
	out->ids.delivery_server = (uint16_t)store_row_int(&r, 10, "delivery_server_id", 0, 65535);
	out->ids.content_server = (uint16_t)store_row_int(&r, 11, "content_server_id", 0, 65535);
	out->created_at = store_row_int(&r, 12, "created_at", INT64_MIN, INT64_MAX);
	out->written_at = store_row_int(&r, 13, "written_at", INT64_MIN, INT64_MAX);
	out->closed_at = store_row_int(&r, 14, "closed_at", INT64_MIN, INT64_MAX);
	out->compacted_at = store_row_int(&r, 15, "compacted_at", INT64_MIN, INT64_MAX);
	store_row_text(&r, 16, "receipt", out->receipt, sizeof(out->receipt));
	rc = r.bad ? -1 : 1;
out:
	sqlite3_finalize(st);
	return rc;
}
