// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * store: the appliance's one SQLite file.  The order lifecycle itself is in
 * order.c; the store applies it, one transaction per step.  This file opens
 * the database and holds the schema, its migrations, the helpers every part
 * shares (store_internal.h) and the integrity check; the rest is split by
 * what each part owns:
 *
 *   store_order.c     orders: transitions, reading them, notes, history
 *   store_manifest.c  the accepted manifest, its files, spool reservations
 *   store_outbox.c    the report outbox
 *   store_guard.c     the pickup guard
 *   store_staff.c     counters and the staff log
 *   store_retention.c compacting orders that are over into discs (v3)
 *   store_payment.c   payment slips: issued, confirmed, expired, voided (v4)
 *   store_day.c       the close of day's totals, read from the rows above
 *   store_day_report.c the close of day's report upstream: its outbox (v5)
 *
 * Schema, version 5 (PRAGMA user_version; application_id 'Tenp'):
 *
 *   orders ─────────────────────────────┐        files ──────────────────────────┐
 *   │ id  TEXT PK [A-Za-z0-9_-]{1,64}   │◀──┬────│ order_id, idx          PK     │
 *   │ state        one of order.c names │   │    │ name size sha256(32) kind     │
 *   │ failed_from  set iff state=failed │   │    │ track_number/title/performer  │
 *   │ reason       failed ⇒ non-empty   │   │    │ done failures                 │
 *   │ attempts  has_manifest            │   │    └───────────────────────────────┘
 *   │ user/shop/delivery/content ids    │   │    transitions (append-only) ──────┐
 *   │ title artist media price currency │   ├────│ id PK   order_id              │
 *   │ prepaid issued_at expires_at      │   │    │ from_state (NULL: was new)    │
 *   │ total_bytes file_count            │   │    │ to_state reason at            │
 *   │ pickup_iterations/salt/hash       │   │    └──────────────▲────────────────┘
 *   │ pickup_locator (v3, indexed)      │   │                   │
 *   │ manifest signature (verbatim)     │   │                   │ (order_id, transition_id)
 *   │ created_at updated_at             │   │    outbox ────────┴────────────────┐
 *   └───────────────────────────────────┘   └────│ report_id PK (UUIDv4)         │
 *   pickup_guard (the one row, id = 1) ─┐        │ kind body(JSON object)        │
 *   │ failures last_failure_at          │        │ created_at attempts           │
 *   └───────────────────────────────────┘        │ next_attempt_at last_error    │
 *   counters (v2) ──────────────────────┐        │ acked_at (NULL: pending)      │
 *   │ name PK  value (ruined_blanks...) │        └───────────────────────────────┘
 *   └───────────────────────────────────┘        staff_log (v2, append-only) ────┐
 *                                                │ id PK at action order_id      │
 *                                                │ result                        │
 *                                                └───────────────────────────────┘
 *   payments (v4) ─ one row per payment slip ──────────────────────────────────┐
 *   │ id PK  order_id → orders  slip (payload, unique)  amount currency        │
 *   │ issued_at valid_until  confirmed_at/by (together)  voided_at void_reason │
 *   │ at most one open (not confirmed, not voided) per order: payments_one_open│
 *   └──────────────────────────────────────────────────────────────────────────┘
 *   day_reports (v5) ─ one row per close of day, the report upstream ─────────┐
 *   │ report_id PK "day-<shop>-<YYYYMMDD>-<seq>"  shop_id day seq (unique)     │
 *   │ day_from day_to closed_at staff  staff_log_id → staff_log (unique)       │
 *   │ the totals (store_day)  attempts next_attempt_at last_error acked_at     │
 *   │ day_report_orders: (report_id, order_id) the orders written that day     │
 *   └──────────────────────────────────────────────────────────────────────────┘
 *
 * Invariants, and where each is enforced:
 *   I1 state and failed_from hold names order.c knows; failed_from is set
 *      exactly when state is 'failed', and a failed order has a reason.
 *      Schema CHECKs; state names are parsed back on every read.
 *   I2 only order_can_move() transitions happen: store_apply_move(), which
 *      every state change goes through, asks it inside the transaction.  A
 *      FAILED order goes back only to order_retry_target(failed_from)
 *      (check_move()), and only a stored manifest enters DOWNLOADING.
 *   I3 a transition names the state it leaves, and fails when the order is
 *      elsewhere.  store_expect_state() runs after BEGIN IMMEDIATE, so the
 *      write lock is held from the check to the COMMIT.
 *   I4 the state and the log never disagree: store_apply_move() appends the
 *      log row before the UPDATE, and trigger orders_state_logged refuses
 *      any change of orders.state whose last log row is not exactly
 *      OLD→NEW.  The log is append-only (two more triggers).
 *   I5 a report exists only with the transition it reports: outbox rows
 *      reference (order_id, transition_id) and are inserted in the same
 *      transaction as that row; a body that is not a JSON object
 *      (check_body()) rolls the whole move back.
 *   I6 past ANNOUNCED an order has its manifest, signature and verifier
 *      (CHECK), stored together in store_order_accept_manifest(); it goes
 *      from DOWNLOADING to READY only with every file done
 *      (check_files_done()).
 *   I7 every text column fits the C field it is read into (CHECKs on byte
 *      lengths), and the row readers refuse a value that does not anyway,
 *      so a tampered file gives an error, never an overflow or a cut string.
 *   I8 the schema is the one this code was written for: migrate() brings
 *      older files forward in one transaction and refuses newer ones.
 *   I9 a close of day's report exists only with its staff-log row: both are
 *      inserted in one transaction (store_day_close()), the report naming
 *      the row (staff_log_id, unique), with the totals read in it.
 *
 * SQL is static text; every value goes in through sqlite3_bind_*().
 */
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUSY_TIMEOUT_MS 10000
#define APPLICATION_ID 0x54656e70 /* "Tenp" */
#define LIST_INITIAL 16

/* The schema spells these out; a change here needs a migration. */
_Static_assert(ORDER_STATE_COUNT == 13, "a new order state needs a migration of the CHECKs");
_Static_assert(MEDIA_KIND_COUNT == 3, "a new media kind needs a migration of the CHECKs");
_Static_assert(FILE_KIND_COUNT == 3, "a new file kind needs a migration of the CHECKs");
_Static_assert(PICKUP_LOCATOR_MAX == 65535, "the schema's CHECK spells the locator's range");
_Static_assert(STORE_REASON_MAX == 256 && MANIFEST_TEXT_MAX == 256 && MANIFEST_NAME_MAX == 180 &&
		       ORDER_ID_MAX == 64 && MANIFEST_MAX_FILES == 4096 &&
		       MANIFEST_MAX_BYTES == 1048576 && MANIFEST_SIG_MAX == 160 &&
		       PICKUP_SALT_LEN == 16 && PICKUP_HASH_LEN == 32 && DIGEST_LEN == 32 &&
		       PICKUP_MIN_ITERATIONS == 1000 && PICKUP_MAX_ITERATIONS == 1000000 &&
		       STORE_REPORT_BODY_MAX == 65536 && STORE_REPORT_ID_LEN == 36,
	       "the schema's CHECKs spell these sizes");

/* The state names the CHECKs allow: versions 1 to 3 had the first twelve,
 * version 4 added awaiting-payment (a CHECK cannot be altered, so v4 rebuilds
 * the tables that name them). */
#define STATES_V1                                                                \
	"('announced','downloading','ready','claimed','writing','verifying','written'," \
	"'erased','reported','failed','expired','cancelled')"
#define STATES_V4                                                                \
	"('announced','downloading','ready','claimed','awaiting-payment','writing',"   \
	"'verifying','written','erased','reported','failed','expired','cancelled')"

#define ORDERS_COLUMNS(states) \
	" id TEXT PRIMARY KEY NOT NULL" \
	"  CHECK (length(id) BETWEEN 1 AND 64 AND id NOT GLOB '*[^A-Za-z0-9_-]*')," \
	" state TEXT NOT NULL CHECK (state IN " states ")," \
	" failed_from TEXT CHECK (failed_from IN " states " AND failed_from <> 'failed')," \
	" reason TEXT NOT NULL DEFAULT '' CHECK (length(CAST(reason AS BLOB)) < 256)," \
	" attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 4294967295)," \
	" has_manifest INTEGER NOT NULL DEFAULT 0 CHECK (has_manifest IN (0, 1))," \
	" user_id INTEGER CHECK (user_id BETWEEN 0 AND 4294967295)," \
	" shop_id INTEGER CHECK (shop_id BETWEEN 0 AND 16777215)," \
	" delivery_server_id INTEGER CHECK (delivery_server_id BETWEEN 0 AND 65535)," \
	" content_server_id INTEGER CHECK (content_server_id BETWEEN 0 AND 65535)," \
	" title TEXT CHECK (length(CAST(title AS BLOB)) < 256)," \
	" artist TEXT CHECK (length(CAST(artist AS BLOB)) < 256)," \
	" media TEXT CHECK (media IN ('audio-cd', 'data-cd', 'data-dvd'))," \
	" price INTEGER CHECK (price >= 0)," \
	" currency TEXT CHECK (currency GLOB '[A-Z][A-Z][A-Z]')," \
	" prepaid INTEGER CHECK (prepaid IN (0, 1))," \
	" issued_at INTEGER," \
	" expires_at INTEGER," \
	" total_bytes INTEGER NOT NULL DEFAULT 0 CHECK (total_bytes >= 0)," \
	" file_count INTEGER NOT NULL DEFAULT 0 CHECK (file_count BETWEEN 0 AND 4096)," \
	" pickup_iterations INTEGER CHECK (pickup_iterations BETWEEN 1000 AND 1000000)," \
	" pickup_salt BLOB CHECK (length(pickup_salt) = 16)," \
	" pickup_hash BLOB CHECK (length(pickup_hash) = 32)," \
	" manifest BLOB CHECK (length(manifest) BETWEEN 1 AND 1048576)," \
	" signature BLOB CHECK (length(signature) BETWEEN 1 AND 160)," \
	" created_at INTEGER NOT NULL," \
	" updated_at INTEGER NOT NULL,"
/* the table's own CHECKs, after every column */
#define ORDERS_CHECKS \
	" CHECK ((state = 'failed') = (failed_from IS NOT NULL))," \
	" CHECK (state <> 'failed' OR reason <> '')," \
	" CHECK (has_manifest = 0 OR (manifest IS NOT NULL AND signature IS NOT NULL" \
	"  AND user_id IS NOT NULL AND shop_id IS NOT NULL AND delivery_server_id IS NOT NULL" \
	"  AND content_server_id IS NOT NULL AND title IS NOT NULL AND artist IS NOT NULL" \
	"  AND media IS NOT NULL AND price IS NOT NULL AND currency IS NOT NULL" \
	"  AND prepaid IS NOT NULL AND issued_at IS NOT NULL AND expires_at IS NOT NULL" \
	"  AND file_count > 0 AND pickup_iterations IS NOT NULL AND pickup_salt IS NOT NULL" \
	"  AND pickup_hash IS NOT NULL))," \
	" CHECK (has_manifest = 1 OR state IN ('announced', 'failed', 'expired', 'cancelled'))"

/* every column of orders since v3, for the v4 copy */
#define ORDERS_COPY                                                                  \
	"id, state, failed_from, reason, attempts, has_manifest, user_id, shop_id,"   \
	" delivery_server_id, content_server_id, title, artist, media, price, currency," \
	" prepaid, issued_at, expires_at, total_bytes, file_count, pickup_iterations,"  \
	" pickup_salt, pickup_hash, manifest, signature, created_at, updated_at,"      \
	" pickup_locator"

#define TRANSITIONS_COLUMNS(states)                                               \
	" id INTEGER PRIMARY KEY,"                                                 \
	" order_id TEXT NOT NULL REFERENCES orders (id),"                          \
	" from_state TEXT CHECK (from_state IN " states "),"                       \
	" to_state TEXT NOT NULL CHECK (to_state IN " states "),"                  \
	" reason TEXT NOT NULL DEFAULT '' CHECK (length(CAST(reason AS BLOB)) < 256)," \
	" at INTEGER NOT NULL"

#define TRANSITIONS_INDEX "CREATE UNIQUE INDEX transitions_by_order ON transitions (order_id, id);"
#define TRANSITIONS_NO_UPDATE                                                      \
	"CREATE TRIGGER transitions_no_update BEFORE UPDATE ON transitions"         \
	" BEGIN SELECT RAISE(ABORT, 'the transition log is append-only'); END;"
/* v3's: rows of a compacted order (in discs) may go */
#define TRANSITIONS_NO_DELETE_V3                                                   \
	"CREATE TRIGGER transitions_no_delete BEFORE DELETE ON transitions"         \
	" WHEN NOT EXISTS (SELECT 1 FROM discs d WHERE d.order_id = OLD.order_id)"  \
	" BEGIN SELECT RAISE(ABORT, 'the transition log is append-only'); END;"
#define ORDERS_STATE_LOGGED                                                        \
	"CREATE TRIGGER orders_state_logged BEFORE UPDATE OF state ON orders"       \
	" WHEN NEW.state IS NOT OLD.state AND NOT EXISTS ("                         \
	"  SELECT 1 FROM transitions t WHERE t.order_id = NEW.id"                   \
	"   AND t.from_state IS OLD.state AND t.to_state = NEW.state"               \
	"   AND t.id = (SELECT max(id) FROM transitions WHERE order_id = NEW.id))"  \
	" BEGIN SELECT RAISE(ABORT, 'order state changed without its transition row'); END;"


/* migrations[v] takes a file from version v to v + 1 and ends by saying so. */
static const char *const migrations[STORE_SCHEMA_VERSION] = {
	"CREATE TABLE orders (" ORDERS_COLUMNS(STATES_V1) ORDERS_CHECKS ");"
	"CREATE INDEX orders_by_state ON orders (state);"

	"CREATE TABLE files ("
	" order_id TEXT NOT NULL REFERENCES orders (id),"
	" idx INTEGER NOT NULL CHECK (idx BETWEEN 0 AND 4095),"
	" name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 180),"
	" size INTEGER NOT NULL CHECK (size > 0),"
	" sha256 BLOB NOT NULL CHECK (length(sha256) = 32),"
	" kind TEXT NOT NULL CHECK (kind IN ('audio', 'video', 'data')),"
	" track_number INTEGER NOT NULL DEFAULT 0 CHECK (track_number BETWEEN 0 AND 99),"
	" track_title TEXT NOT NULL DEFAULT '' CHECK (length(CAST(track_title AS BLOB)) < 256),"
	" track_performer TEXT NOT NULL DEFAULT ''"
	"  CHECK (length(CAST(track_performer AS BLOB)) < 256),"
	" done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),"
	" failures INTEGER NOT NULL DEFAULT 0 CHECK (failures BETWEEN 0 AND 4294967295),"
	" PRIMARY KEY (order_id, idx)"
	") WITHOUT ROWID;"

	"CREATE TABLE transitions (" TRANSITIONS_COLUMNS(STATES_V1) ");"
	TRANSITIONS_INDEX
	TRANSITIONS_NO_UPDATE
	"CREATE TRIGGER transitions_no_delete BEFORE DELETE ON transitions"
	" BEGIN SELECT RAISE(ABORT, 'the transition log is append-only'); END;"
	ORDERS_STATE_LOGGED

	"CREATE TABLE outbox ("
	" report_id TEXT PRIMARY KEY NOT NULL CHECK (length(report_id) = 36),"
	" order_id TEXT NOT NULL,"
	" transition_id INTEGER NOT NULL UNIQUE,"
	" kind TEXT NOT NULL"
	"  CHECK (kind IN ('received', 'delivered', 'failed', 'expired', 'cancelled')),"
	" body TEXT NOT NULL CHECK (length(CAST(body AS BLOB)) <= 65536),"
	" created_at INTEGER NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 4294967295),"
	" next_attempt_at INTEGER NOT NULL,"
	" last_error TEXT NOT NULL DEFAULT '' CHECK (length(CAST(last_error AS BLOB)) < 256),"
	" acked_at INTEGER,"
	" FOREIGN KEY (order_id, transition_id) REFERENCES transitions (order_id, id)"
	");"
	"CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE acked_at IS NULL;"

	"CREATE TABLE pickup_guard ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" failures INTEGER NOT NULL DEFAULT 0 CHECK (failures BETWEEN 0 AND 1000000),"
	" last_failure_at INTEGER NOT NULL DEFAULT 0"
	");"
	"INSERT INTO pickup_guard (id) VALUES (1);"

	"PRAGMA application_id = 1415933552;" /* APPLICATION_ID */
	"PRAGMA user_version = 1;",

	/* 1 → 2: what the disc writer and the staff menu keep */
	"CREATE TABLE counters ("
	" name TEXT PRIMARY KEY NOT NULL CHECK (length(name) BETWEEN 1 AND 32),"
	" value INTEGER NOT NULL DEFAULT 0"
	") WITHOUT ROWID;"
	"CREATE TABLE staff_log ("
	" id INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" action TEXT NOT NULL CHECK (length(CAST(action AS BLOB)) BETWEEN 1 AND 64),"
	" order_id TEXT NOT NULL DEFAULT '' CHECK (length(order_id) <= 64),"
	" result TEXT NOT NULL DEFAULT '' CHECK (length(CAST(result AS BLOB)) < 256)"
	");"
	"CREATE TRIGGER staff_log_no_update BEFORE UPDATE ON staff_log"
	" BEGIN SELECT RAISE(ABORT, 'the staff log is append-only'); END;"
	"CREATE INDEX staff_log_by_action ON staff_log (action, id);"
	"PRAGMA user_version = 2;",

	/* 2 → 3: a code finds its order by the manifest's locator (pickup.h);
	 * orders accepted before keep NULL */
	"ALTER TABLE orders ADD COLUMN pickup_locator INTEGER"
	" CHECK (pickup_locator BETWEEN 0 AND 65535);"
	"CREATE INDEX orders_by_locator ON orders (pickup_locator)"
	" WHERE pickup_locator IS NOT NULL;"
	/* retention (store_retention.c): one row per order that is over */
	"CREATE TABLE discs ("
	" order_id TEXT PRIMARY KEY NOT NULL"
	"  CHECK (length(order_id) BETWEEN 1 AND 64 AND order_id NOT GLOB '*[^A-Za-z0-9_-]*'),"
	" state TEXT NOT NULL CHECK (state IN ('reported', 'expired', 'cancelled')),"
	" reason TEXT NOT NULL DEFAULT '' CHECK (length(CAST(reason AS BLOB)) < 256),"
	" title TEXT NOT NULL DEFAULT '' CHECK (length(CAST(title AS BLOB)) < 256),"
	" artist TEXT NOT NULL DEFAULT '' CHECK (length(CAST(artist AS BLOB)) < 256),"
	" media TEXT CHECK (media IN ('audio-cd', 'data-cd', 'data-dvd')),"
	" price INTEGER CHECK (price >= 0),"
	" currency TEXT CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),"
	" user_id INTEGER, shop_id INTEGER, delivery_server_id INTEGER, content_server_id INTEGER,"
	" created_at INTEGER NOT NULL, written_at INTEGER, closed_at INTEGER NOT NULL,"
	" compacted_at INTEGER NOT NULL,"
	" receipt TEXT CHECK (receipt IS NULL OR length(CAST(receipt AS BLOB)) <= 4096)"
	") WITHOUT ROWID;"
	"DROP TRIGGER transitions_no_delete;"
	TRANSITIONS_NO_DELETE_V3
	"PRAGMA user_version = 3;",

	/* 3 → 4: paying at the register.  The new state is in CHECKs, which
	 * SQLite cannot alter: orders and transitions are rebuilt its
	 * documented way (new table, copy, drop, rename, then the indexes and
	 * triggers again), with the foreign keys off (migrate() turns them
	 * off outside the transaction and runs foreign_key_check before the
	 * commit).  The new table is renamed to the old name, never the old
	 * one away, so that the references of files, outbox and discs to
	 * "orders" and "transitions" stay as they are. */
	"CREATE TABLE orders_v4 (" ORDERS_COLUMNS(STATES_V4)
	" pickup_locator INTEGER CHECK (pickup_locator BETWEEN 0 AND 65535)," ORDERS_CHECKS ");"
	"INSERT INTO orders_v4 (" ORDERS_COPY ") SELECT " ORDERS_COPY " FROM orders;"
	"DROP TABLE orders;"
	"ALTER TABLE orders_v4 RENAME TO orders;"
	"CREATE INDEX orders_by_state ON orders (state);"
	"CREATE INDEX orders_by_locator ON orders (pickup_locator)"
	" WHERE pickup_locator IS NOT NULL;"
	"CREATE TABLE transitions_v4 (" TRANSITIONS_COLUMNS(STATES_V4) ");"
	"INSERT INTO transitions_v4 (id, order_id, from_state, to_state, reason, at)"
	" SELECT id, order_id, from_state, to_state, reason, at FROM transitions;"
	"DROP TABLE transitions;"
	"ALTER TABLE transitions_v4 RENAME TO transitions;"
	TRANSITIONS_INDEX
	TRANSITIONS_NO_UPDATE
	TRANSITIONS_NO_DELETE_V3
	ORDERS_STATE_LOGGED
	/* one row per slip printed (store_payment.c) */
	"CREATE TABLE payments ("
	" id INTEGER PRIMARY KEY,"
	" order_id TEXT NOT NULL REFERENCES orders (id),"
	" slip TEXT NOT NULL UNIQUE"
	"  CHECK (length(slip) BETWEEN 19 AND 34 AND slip GLOB 'TP[0-9]*'),"
	" amount INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 999999),"
	" currency TEXT NOT NULL CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),"
	" issued_at INTEGER NOT NULL,"
	" valid_until INTEGER NOT NULL CHECK (valid_until > issued_at),"
	" confirmed_at INTEGER,"
	" confirmed_by TEXT CHECK (length(CAST(confirmed_by AS BLOB)) BETWEEN 1 AND 32),"
	" voided_at INTEGER,"
	" void_reason TEXT NOT NULL DEFAULT '' CHECK (length(CAST(void_reason AS BLOB)) < 256),"
	" CHECK ((confirmed_at IS NULL) = (confirmed_by IS NULL)),"
	" CHECK (confirmed_at IS NULL OR voided_at IS NULL)"
	");"
	"CREATE UNIQUE INDEX payments_one_open ON payments (order_id)"
	" WHERE confirmed_at IS NULL AND voided_at IS NULL;"
	"CREATE INDEX payments_by_order ON payments (order_id, id);"
	"CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments"
	" WHEN NOT EXISTS (SELECT 1 FROM discs d WHERE d.order_id = OLD.order_id)"
	" BEGIN SELECT RAISE(ABORT, 'payments are kept'); END;"
	"PRAGMA user_version = 4;",

	/* 4 → 5: the close of day's report upstream (store_day_report.c): its
	 * outbox, written with the staff log's day-close row, and the orders
	 * it covers (by ID only: retention may compact the orders) */
	"CREATE TABLE day_reports ("
	" report_id TEXT PRIMARY KEY NOT NULL"
	"  CHECK (length(report_id) BETWEEN 1 AND 40 AND report_id NOT GLOB '*[^a-z0-9-]*'),"
	" shop_id INTEGER NOT NULL CHECK (shop_id BETWEEN 1 AND 16777215),"
	" day TEXT NOT NULL CHECK (length(day) = 10"
	"  AND day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),"
	" seq INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 9999),"
	" day_from INTEGER NOT NULL,"
	" day_to INTEGER NOT NULL CHECK (day_to > day_from),"
	" closed_at INTEGER NOT NULL,"
	" staff TEXT NOT NULL CHECK (length(CAST(staff AS BLOB)) BETWEEN 1 AND 32),"
	" staff_log_id INTEGER NOT NULL UNIQUE REFERENCES staff_log (id),"
	" discs_written INTEGER NOT NULL CHECK (discs_written >= 0),"
	" blanks_ruined INTEGER NOT NULL CHECK (blanks_ruined >= 0),"
	" register_count INTEGER NOT NULL CHECK (register_count >= 0),"
	" register_amount INTEGER NOT NULL CHECK (register_amount >= 0),"
	" prepaid_count INTEGER NOT NULL CHECK (prepaid_count >= 0),"
	" prepaid_amount INTEGER NOT NULL CHECK (prepaid_amount >= 0),"
	" fees_owed INTEGER NOT NULL CHECK (fees_owed >= 0),"
	" attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 4294967295),"
	" next_attempt_at INTEGER NOT NULL,"
	" last_error TEXT NOT NULL DEFAULT '' CHECK (length(CAST(last_error AS BLOB)) < 256),"
	" acked_at INTEGER,"
	" UNIQUE (shop_id, day, seq)"
	");"
	"CREATE INDEX day_reports_pending ON day_reports (next_attempt_at) WHERE acked_at IS NULL;"
	"CREATE TRIGGER day_reports_no_delete BEFORE DELETE ON day_reports"
	" BEGIN SELECT RAISE(ABORT, 'day reports are kept'); END;"
	"CREATE TABLE day_report_orders ("
	" report_id TEXT NOT NULL REFERENCES day_reports (report_id),"
	" order_id TEXT NOT NULL"
	"  CHECK (length(order_id) BETWEEN 1 AND 64 AND order_id NOT GLOB '*[^A-Za-z0-9_-]*'),"
	" PRIMARY KEY (report_id, order_id)"
	") WITHOUT ROWID;"
	"PRAGMA user_version = 5;",
};

/* ---- errors, statements, transactions ---------------------------------- */

/* "store: <what>: <SQLite's message>"; call before any rollback, which would
 * replace SQLite's message. */
int store_db_fail(struct store *s, struct err *e, const char *fmt, ...)
{
	char what[ERR_MSG_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return err_fail(e, "store: %s: %s", what, sqlite3_errmsg(s->db));
}

int store_prepare(struct store *s, sqlite3_stmt **st, const char *sql, struct err *e)
{
	*st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return store_db_fail(s, e, "prepare");
	return 0;
}

int store_tx_begin(struct store *s, struct err *e)
{
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return store_db_fail(s, e, "begin transaction");
	return 0;
}

void store_tx_rollback(struct store *s)
{
	/* SQLite has already rolled back after some errors (SQLITE_FULL, ...). */
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_tx_commit(struct store *s, struct err *e)
{
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		store_db_fail(s, e, "commit");
		store_tx_rollback(s);
		return -1;
	}
	return 0;
}

/* Copies a caller's reason into a column-sized buffer: control characters
 * become spaces, and a long one is cut at a UTF-8 character boundary. */
void store_clip_text(const char *in, char *out, size_t cap)
{
	size_t n = in ? strnlen(in, cap) : 0;

	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)in[n] & 0xc0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = ((unsigned char)in[i] < 0x20 || in[i] == 0x7f) ? ' ' : in[i];
	out[n] = '\0';
}

/* Doubles the array that arrp points to (items of `size` bytes).  The
 * pointer is moved with memcpy so any array type can be passed. */
int store_grow(void *arrp, size_t *cap, size_t size, struct err *e)
{
	size_t want = *cap ? *cap * 2 : LIST_INITIAL;
	void *arr, *bigger;

	memcpy(&arr, arrp, sizeof(arr));
	if (want > SIZE_MAX / size || !(bigger = realloc(arr, want * size))) {
		err_fail(e, "out of memory");
		return -1;
	}
	memcpy(arrp, &bigger, sizeof(bigger));
	*cap = want;
	return 0;
}

/* ---- reading rows from a file that may have been tampered with ---------- */

void store_row_fail(struct row *r, const char *col, const char *why)
{
	if (!r->bad)
		err_fail(r->e, "store: %s: %s %s (database damaged or tampered with)", r->what, col,
			 why);
	r->bad = true;
}

/* NULL reads as "". */
void store_row_text(struct row *r, int i, const char *col, char *out, size_t cap)
{
	const unsigned char *t;
	int n;

	out[0] = '\0';
	if (r->bad || sqlite3_column_type(r->st, i) == SQLITE_NULL)
		return;
	t = sqlite3_column_text(r->st, i);
	n = sqlite3_column_bytes(r->st, i);
	if (!t) {
		store_row_fail(r, col, "could not be read (out of memory)");
		return;
	}
	if (n < 0 || (size_t)n >= cap) {
		store_row_fail(r, col, "is too long");
		return;
	}
	if (memchr(t, '\0', (size_t)n)) {
		store_row_fail(r, col, "holds a NUL byte");
		return;
	}
	memcpy(out, t, (size_t)n);
	out[n] = '\0';
}

/* NULL reads as 0. */
int64_t store_row_int(struct row *r, int i, const char *col, int64_t min, int64_t max)
{
	int64_t v;

	if (r->bad || sqlite3_column_type(r->st, i) == SQLITE_NULL)
		return 0;
	if (sqlite3_column_type(r->st, i) != SQLITE_INTEGER) {
		store_row_fail(r, col, "is not an integer");
		return 0;
	}
	v = sqlite3_column_int64(r->st, i);
	if (v < min || v > max) {
		store_row_fail(r, col, "is out of range");
		return 0;
	}
	return v;
}

void store_row_blob(struct row *r, int i, const char *col, void *out, size_t len)
{
	const void *b;

	memset(out, 0, len);
	if (r->bad)
		return;
	b = sqlite3_column_blob(r->st, i);
	if (!b || (size_t)sqlite3_column_bytes(r->st, i) != len) {
		store_row_fail(r, col, "has the wrong length");
		return;
	}
	memcpy(out, b, len);
}

/* A state name; NULL is allowed only when `nullable` (then -1). */
int store_row_state(struct row *r, int i, const char *col, bool nullable)
{
	char name[24];
	int st;

	if (r->bad)
		return -1;
	if (sqlite3_column_type(r->st, i) == SQLITE_NULL) {
		if (!nullable)
			store_row_fail(r, col, "is missing");
		return -1;
	}
	store_row_text(r, i, col, name, sizeof(name));
	st = r->bad ? -1 : order_state_parse(name);
	if (st < 0)
		store_row_fail(r, col, "is not a state name");
	return st;
}

int store_row_name(struct row *r, int i, const char *col, const char *const *names,
		   int count)
{
	char name[16];

	store_row_text(r, i, col, name, sizeof(name));
	if (r->bad)
		return 0;
	for (int k = 0; k < count; k++)
		if (!strcmp(names[k], name))
			return k;
	store_row_fail(r, col, "is not a known name");
	return 0;
}

/* ---- opening and migrating --------------------------------------------- */

/* The first column of sql's first row; errors say `what`. */
static int query_int(struct store *s, const char *sql, int64_t *out, const char *what,
		     struct err *e)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_db_fail(s, e, "%s", what);
	if (sqlite3_step(st) != SQLITE_ROW) {
		store_db_fail(s, e, "%s", what);
		goto out;
	}
	*out = sqlite3_column_int64(st, 0);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static int set_pragmas(struct store *s, const char *path, struct err *e)
{
	sqlite3_stmt *st;
	const char *mode;
	int64_t fk = 0;
	int rc = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK)
		return store_db_fail(s, e, "%s", path);
	if (sqlite3_step(st) != SQLITE_ROW) {
		store_db_fail(s, e, "%s", path);
		goto out;
	}
	mode = (const char *)sqlite3_column_text(st, 0);
	if (!mode || sqlite3_stricmp(mode, "wal")) {
		err_fail(e, "store: %s: the file system does not allow WAL mode", path);
		goto out;
	}
	if (sqlite3_exec(s->db, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON", NULL, NULL,
			 NULL) != SQLITE_OK) {
		store_db_fail(s, e, "%s: pragmas", path);
		goto out;
	}
	if (query_int(s, "PRAGMA foreign_keys", &fk, path, e))
		goto out;
	if (fk != 1) {
		err_fail(e, "store: this SQLite cannot enforce foreign keys");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Reads what the file says it is, and refuses what this code must not
 * touch: another program's database, or a newer schema. */
static int identify(struct store *s, const char *path, int64_t *version, struct err *e)
{
	int64_t app = 0, objects = 0;

	*version = 0;
	if (query_int(s, "PRAGMA user_version", version, path, e) ||
	    query_int(s, "PRAGMA application_id", &app, path, e) ||
	    query_int(s, "SELECT count(*) FROM sqlite_schema", &objects, path, e))
		return -1;
	if (app != 0 && app != APPLICATION_ID)
		return err_fail(e, "store: %s is another program's SQLite database", path);
	if (*version > STORE_SCHEMA_VERSION)
		return err_fail(e,
				"store: %s has schema version %" PRId64 ", newer than this "
				"firmware's %d; refusing to open it (was the firmware downgraded?)",
				path, *version, STORE_SCHEMA_VERSION);
	if (*version < 0 || (*version == 0 && objects > 0))
		return err_fail(e, "store: %s is a SQLite database but not a Tenpo one", path);
	return 0;
}

static int check_query(struct store *s, const char *sql, const char *ok_text,
		       const char *what, struct err *e);

/* Foreign keys on or off; PRAGMA foreign_keys is a no-op inside a
 * transaction, so this runs outside one and reads the setting back. */
static int set_foreign_keys(struct store *s, bool on, struct err *e)
{
	int64_t fk = -1;

	if (sqlite3_exec(s->db, on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF",
			 NULL, NULL, NULL) != SQLITE_OK)
		return store_db_fail(s, e, "foreign keys");
	if (query_int(s, "PRAGMA foreign_keys", &fk, "foreign keys", e))
		return -1;
	if (fk != on)
		return err_fail(e, "store: foreign keys could not be turned %s", on ? "on" : "off");
	return 0;
}

/* The migrations run with the foreign keys off (v4 rebuilds the tables
 * others refer to, SQLite's documented way, which needs them off), in one
 * transaction that commits only when foreign_key_check finds nothing. */
static int migrate(struct store *s, const char *path, struct err *e)
{
	int64_t version = 0;
	int rc = -1;

	if (query_int(s, "PRAGMA user_version", &version, path, e))
		return -1;
	if (version >= STORE_SCHEMA_VERSION)
		return 0; /* identify() refused a newer one */
	if (set_foreign_keys(s, false, e))
		return -1;
	if (store_tx_begin(s, e))
		goto out;
	/* again inside the write lock: another process may have migrated */
	if (identify(s, path, &version, e))
		goto fail;
	for (int64_t v = version; v < STORE_SCHEMA_VERSION; v++) {
		int64_t now_v = 0;

		if (sqlite3_exec(s->db, migrations[v], NULL, NULL, NULL) != SQLITE_OK) {
			store_db_fail(s, e, "%s: migrating schema %" PRId64 " to %" PRId64, path, v,
				      v + 1);
			goto fail;
		}
		if (query_int(s, "PRAGMA user_version", &now_v, path, e))
			goto fail;
		if (now_v != v + 1) {
			err_fail(e, "store: migration %" PRId64 " left version %" PRId64, v, now_v);
			goto fail;
		}
	}
	if (check_query(s,
			"SELECT \"table\" || ' row ' || coalesce(rowid, '?') || ' refers to a"
			" missing ' || parent FROM pragma_foreign_key_check",
			NULL, "migration: foreign key check", e))
		goto fail;
	rc = store_tx_commit(s, e);
	goto out;
fail:
	store_tx_rollback(s);
out:
	if (set_foreign_keys(s, true, rc ? NULL : e))
		rc = -1;
	return rc;
}

/* A missing database is never made afresh by opening it: with the old one
 * lost (a replaced disk, a wrong path) a new one would fetch every open
 * order again, write second discs and send second reports.  Only
 * store_create() makes one. */
static int open_db(struct store **out, const char *path, bool create, struct err *e)
{
	struct store *s;
	int64_t version = 0;
	struct stat st;
	int fd;

	*out = NULL;
	/* Never open() and close() the database file of an existing store: a
	 * close() drops every POSIX lock this process holds on the file,
	 * SQLite's shared locks of the process's other connections included.
	 * Unlocked, another process (tenpo show beside the kiosk) closing its
	 * connection takes the database for its last user, checkpoints and
	 * deletes the WAL the kiosk still writes into: every later commit is
	 * then lost at the next crash (found by the appliance tests). */
	if (!create) {
		if (stat(path, &st) && errno == ENOENT)
			return err_fail(e, "store: %s: no such database (a new one is made only "
					   "on purpose, by tenpo init)", path);
		if (stat(path, &st))
			return err_fail(e, "store: %s: %s", path, strerror(errno));
		if (st.st_size == 0)
			return err_fail(e, "store: %s: empty database file (a new one is made "
					   "only on purpose, by tenpo init)", path);
	} else {
		/* tenpo init, before any connection: create it 0600 ourselves
		 * (SQLite gives the -wal and -shm files the database's mode, and
		 * the file holds pickup verifiers) */
		fd = open(path, O_RDWR | O_CLOEXEC | O_CREAT, 0600);
		if (fd < 0)
			return err_fail(e, "store: %s: %s", path, strerror(errno));
		close(fd);
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return err_fail(e, "out of memory");
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		err_fail(e, "store: %s: %s", path,
			 s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	/* the first read: a file that is not ours is refused untouched */
	if (identify(s, path, &version, e) || set_pragmas(s, path, e) || migrate(s, path, e))
		goto fail;
	*out = s;
	return 0;
fail:
	store_close(s);
	return -1;
}

int store_open(struct store **out, const char *path, struct err *e)
{
	return open_db(out, path, false, e);
}

int store_create(const char *path, struct err *e)
{
	struct store *s;
	struct stat st;
	bool fresh = stat(path, &st) ? errno == ENOENT : st.st_size == 0;

	if (open_db(&s, path, true, e))
		return -1;
	store_close(s);
	return fresh ? 1 : 0;
}

int store_create_version(const char *path, int version, struct err *e)
{
	sqlite3 *db = NULL;
	int rc = -1;

	if (version < 1 || version > STORE_SCHEMA_VERSION)
		return err_fail(e, "store: no schema version %d", version);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		err_fail(e, "store: %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	if (sqlite3_exec(db, "PRAGMA journal_mode = WAL; BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	for (int v = 0; v < version; v++)
		if (sqlite3_exec(db, migrations[v], NULL, NULL, NULL) != SQLITE_OK)
			goto fail;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	rc = 0;
	goto out;
fail:
	err_fail(e, "store: %s: schema %d: %s", path, version, sqlite3_errmsg(db));
out:
	sqlite3_close(db);
	return rc;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	sqlite3_close_v2(s->db);
	free(s);
}

/* ---- checks ------------------------------------------------------------- */

/* Steps a checking query: its first row, if any, is the problem. */
static int check_query(struct store *s, const char *sql, const char *ok_text,
		       const char *what, struct err *e)
{
	sqlite3_stmt *st;
	int step, rc = -1;

	if (store_prepare(s, &st, sql, e))
		return -1;
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = 0;
	} else if (step != SQLITE_ROW) {
		store_db_fail(s, e, "%s", what);
	} else {
		const char *first = (const char *)sqlite3_column_text(st, 0);

		if (ok_text && first && !strcmp(first, ok_text))
			rc = 0;
		else
			err_fail(e, "store: %s: %.200s", what, first ? first : "(null)");
	}
	sqlite3_finalize(st);
	return rc;
}

int store_integrity_check(struct store *s, struct err *e)
{
	if (check_query(s, "PRAGMA integrity_check", "ok", "integrity check", e) ||
	    check_query(s,
			"SELECT \"table\" || ' row ' || coalesce(rowid, '?') || ' refers to a"
			" missing ' || parent FROM pragma_foreign_key_check",
			NULL, "foreign key check", e) ||
	    check_query(s,
			"SELECT 'order ' || o.id || ' is ' || o.state || ' but its log ends at '"
			" || coalesce((SELECT t.to_state FROM transitions t WHERE t.order_id = o.id"
			" ORDER BY t.id DESC LIMIT 1), 'nothing') FROM orders o"
			" WHERE o.state IS NOT (SELECT t.to_state FROM transitions t"
			" WHERE t.order_id = o.id ORDER BY t.id DESC LIMIT 1)",
			NULL, "state and log disagree", e) ||
	    check_query(s,
			"SELECT 'order ' || order_id || ' was written ' || count(*) || ' times'"
			" FROM transitions WHERE to_state = 'written' GROUP BY order_id"
			" HAVING count(*) > 1",
			NULL, "written more than once", e) ||
	    check_query(s,
			"SELECT 'order ' || order_id || ' has ' || count(*) || ' delivered reports'"
			" FROM outbox WHERE kind = 'delivered' GROUP BY order_id HAVING count(*) > 1",
			NULL, "reported more than once", e) ||
	    check_query(s,
			"SELECT 'day report ' || d.report_id || ' has no day-close row in the"
			" staff log' FROM day_reports d LEFT JOIN staff_log l ON l.id = d.staff_log_id"
			" WHERE l.action IS NOT 'day-close'",
			NULL, "day report without its close", e))
		return -1;
	return 0;
}
