// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * store: the appliance's one SQLite file.  The order lifecycle itself is in
 * order.c; this file applies it, one transaction per step.
 *
 * Schema, version 1 (PRAGMA user_version; application_id 'Tenp'):
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
 *   │ manifest signature (verbatim)     │   │                   │ (order_id, transition_id)
 *   │ created_at updated_at             │   │    outbox ────────┴────────────────┐
 *   └───────────────────────────────────┘   └────│ report_id PK (UUIDv4)         │
 *   pickup_guard (the one row, id = 1) ─┐        │ kind body(JSON object)        │
 *   │ failures last_failure_at          │        │ created_at attempts           │
 *   └───────────────────────────────────┘        │ next_attempt_at last_error    │
 *                                                │ acked_at (NULL: pending)      │
 *                                                └───────────────────────────────┘
 *
 * Invariants, and where each is enforced:
 *   I1 state and failed_from hold names order.c knows; failed_from is set
 *      exactly when state is 'failed', and a failed order has a reason.
 *      Schema CHECKs; state names are parsed back on every read.
 *   I2 only order_can_move() transitions happen: apply_move(), which every
 *      state change goes through, asks it inside the transaction.  A FAILED
 *      order goes back only to order_retry_target(failed_from) (check_move()),
 *      and only a stored manifest enters DOWNLOADING.
 *   I3 a transition names the state it leaves, and fails when the order is
 *      elsewhere.  expect_state() runs after BEGIN IMMEDIATE, so the write
 *      lock is held from the check to the COMMIT.
 *   I4 the state and the log never disagree: apply_move() appends the log row
 *      before the UPDATE, and trigger orders_state_logged refuses any change
 *      of orders.state whose last log row is not exactly OLD→NEW.  The log is
 *      append-only (two more triggers).
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
 *
 * SQL is static text; every value goes in through sqlite3_bind_*().
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define BUSY_TIMEOUT_MS 10000
#define APPLICATION_ID 0x54656e70 /* "Tenp" */
#define PICKUP_WAIT_CAP_S 300
#define PICKUP_FAILURES_CAP 1000000
#define LIST_INITIAL 16

/* The schema spells these out; a change here needs a migration. */
_Static_assert(ORDER_STATE_COUNT == 12, "a new order state needs a migration of the CHECKs");
_Static_assert(MEDIA_KIND_COUNT == 3, "a new media kind needs a migration of the CHECKs");
_Static_assert(FILE_KIND_COUNT == 3, "a new file kind needs a migration of the CHECKs");
_Static_assert(STORE_REASON_MAX == 256 && MANIFEST_TEXT_MAX == 256 && MANIFEST_NAME_MAX == 180 &&
		       ORDER_ID_MAX == 64 && MANIFEST_MAX_FILES == 4096 &&
		       MANIFEST_MAX_BYTES == 1048576 && MANIFEST_SIG_MAX == 160 &&
		       PICKUP_SALT_LEN == 16 && PICKUP_HASH_LEN == 32 && DIGEST_LEN == 32 &&
		       PICKUP_MIN_ITERATIONS == 1000 && PICKUP_MAX_ITERATIONS == 1000000 &&
		       STORE_REPORT_BODY_MAX == 65536 && STORE_REPORT_ID_LEN == 36,
	       "the schema's CHECKs spell these sizes");

#define STATES                                                                   \
	"('announced','downloading','ready','claimed','writing','verifying','written'," \
	"'erased','reported','failed','expired','cancelled')"

/* migrations[v] takes a file from version v to v + 1 and ends by saying so. */
static const char *const migrations[STORE_SCHEMA_VERSION] = {
	"CREATE TABLE orders ("
	" id TEXT PRIMARY KEY NOT NULL"
	"  CHECK (length(id) BETWEEN 1 AND 64 AND id NOT GLOB '*[^A-Za-z0-9_-]*'),"
	" state TEXT NOT NULL CHECK (state IN " STATES "),"
	" failed_from TEXT CHECK (failed_from IN " STATES " AND failed_from <> 'failed'),"
	" reason TEXT NOT NULL DEFAULT '' CHECK (length(CAST(reason AS BLOB)) < 256),"
	" attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 4294967295),"
	" has_manifest INTEGER NOT NULL DEFAULT 0 CHECK (has_manifest IN (0, 1)),"
	" user_id INTEGER CHECK (user_id BETWEEN 0 AND 4294967295),"
	" shop_id INTEGER CHECK (shop_id BETWEEN 0 AND 16777215),"
	" delivery_server_id INTEGER CHECK (delivery_server_id BETWEEN 0 AND 65535),"
	" content_server_id INTEGER CHECK (content_server_id BETWEEN 0 AND 65535),"
	" title TEXT CHECK (length(CAST(title AS BLOB)) < 256),"
	" artist TEXT CHECK (length(CAST(artist AS BLOB)) < 256),"
	" media TEXT CHECK (media IN ('audio-cd', 'data-cd', 'data-dvd')),"
	" price INTEGER CHECK (price >= 0),"
	" currency TEXT CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),"
	" prepaid INTEGER CHECK (prepaid IN (0, 1)),"
	" issued_at INTEGER,"
	" expires_at INTEGER,"
	" total_bytes INTEGER NOT NULL DEFAULT 0 CHECK (total_bytes >= 0),"
	" file_count INTEGER NOT NULL DEFAULT 0 CHECK (file_count BETWEEN 0 AND 4096),"
	" pickup_iterations INTEGER CHECK (pickup_iterations BETWEEN 1000 AND 1000000),"
	" pickup_salt BLOB CHECK (length(pickup_salt) = 16),"
	" pickup_hash BLOB CHECK (length(pickup_hash) = 32),"
	" manifest BLOB CHECK (length(manifest) BETWEEN 1 AND 1048576),"
	" signature BLOB CHECK (length(signature) BETWEEN 1 AND 160),"
	" created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL,"
	" CHECK ((state = 'failed') = (failed_from IS NOT NULL)),"
	" CHECK (state <> 'failed' OR reason <> ''),"
	" CHECK (has_manifest = 0 OR (manifest IS NOT NULL AND signature IS NOT NULL"
	"  AND user_id IS NOT NULL AND shop_id IS NOT NULL AND delivery_server_id IS NOT NULL"
	"  AND content_server_id IS NOT NULL AND title IS NOT NULL AND artist IS NOT NULL"
	"  AND media IS NOT NULL AND price IS NOT NULL AND currency IS NOT NULL"
	"  AND prepaid IS NOT NULL AND issued_at IS NOT NULL AND expires_at IS NOT NULL"
	"  AND file_count > 0 AND pickup_iterations IS NOT NULL AND pickup_salt IS NOT NULL"
	"  AND pickup_hash IS NOT NULL)),"
	" CHECK (has_manifest = 1 OR state IN ('announced', 'failed', 'expired', 'cancelled'))"
	");"
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

	"CREATE TABLE transitions ("
	" id INTEGER PRIMARY KEY,"
	" order_id TEXT NOT NULL REFERENCES orders (id),"
	" from_state TEXT CHECK (from_state IN " STATES "),"
	" to_state TEXT NOT NULL CHECK (to_state IN " STATES "),"
	" reason TEXT NOT NULL DEFAULT '' CHECK (length(CAST(reason AS BLOB)) < 256),"
	" at INTEGER NOT NULL"
	");"
	"CREATE UNIQUE INDEX transitions_by_order ON transitions (order_id, id);"
	"CREATE TRIGGER transitions_no_update BEFORE UPDATE ON transitions"
	" BEGIN SELECT RAISE(ABORT, 'the transition log is append-only'); END;"
	"CREATE TRIGGER transitions_no_delete BEFORE DELETE ON transitions"
	" BEGIN SELECT RAISE(ABORT, 'the transition log is append-only'); END;"
	"CREATE TRIGGER orders_state_logged BEFORE UPDATE OF state ON orders"
	" WHEN NEW.state IS NOT OLD.state AND NOT EXISTS ("
	"  SELECT 1 FROM transitions t WHERE t.order_id = NEW.id"
	"   AND t.from_state IS OLD.state AND t.to_state = NEW.state"
	"   AND t.id = (SELECT max(id) FROM transitions WHERE order_id = NEW.id))"
	" BEGIN SELECT RAISE(ABORT, 'order state changed without its transition row'); END;"

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
};

/* The database's spelling of enum file_kind (manifest.c has the JSON's). */
static const char *const kind_names[FILE_KIND_COUNT] = {
	[FILE_AUDIO] = "audio",
	[FILE_VIDEO] = "video",
	[FILE_DATA] = "data",
};

static const char *const report_kinds[] = {
	"received", "delivered", "failed", "expired", "cancelled",
};

struct store {
	sqlite3 *db;
};

/* ---- errors, statements, transactions ---------------------------------- */

/* "store: <what>: <SQLite's message>"; call before any rollback, which would
 * replace SQLite's message. */
__attribute__((format(printf, 3, 4))) static int db_fail(struct store *s, struct err *e,
							   const char *fmt, ...)
{
	char what[ERR_MSG_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return err_fail(e, "store: %s: %s", what, sqlite3_errmsg(s->db));
}

static int prepare(struct store *s, sqlite3_stmt **st, const char *sql, struct err *e)
{
	*st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return db_fail(s, e, "prepare");
	return 0;
}

static int bind_text(sqlite3_stmt *st, int i, const char *text)
{
	return sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC);
}

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

static int tx_begin(struct store *s, struct err *e)
{
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, e, "begin transaction");
	return 0;
}

static void tx_rollback(struct store *s)
{
	/* SQLite has already rolled back after some errors (SQLITE_FULL, ...). */
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int tx_commit(struct store *s, struct err *e)
{
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(s, e, "commit");
		tx_rollback(s);
		return -1;
	}
	return 0;
}

static int bad_id(struct err *e)
{
	return err_fail(e, "store: invalid order id (1..64 of A-Z a-z 0-9 _ -)");
}

static bool id_ok(const char *id)
{
	return id && order_id_ok(id);
}

/* Copies a caller's reason into a column-sized buffer: control characters
 * become spaces, and a long one is cut at a UTF-8 character boundary. */
static void clip_text(const char *in, char *out, size_t cap)
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

/* ---- reading rows from a file that may have been tampered with ---------- */

/* A sticky reader: the first bad column records the error, the rest no-op. */
struct row {
	sqlite3_stmt *st;
	const char *what; /* "order K7Q2M9X4P1" */
	struct err *e;
	bool bad;
};

static void row_fail(struct row *r, const char *col, const char *why)
{
	if (!r->bad)
		err_fail(r->e, "store: %s: %s %s (database damaged or tampered with)", r->what, col,
			 why);
	r->bad = true;
}

/* NULL reads as "". */
static void row_text(struct row *r, int i, const char *col, char *out, size_t cap)
{
	const unsigned char *t;
	int n;

	out[0] = '\0';
	if (r->bad || sqlite3_column_type(r->st, i) == SQLITE_NULL)
		return;
	t = sqlite3_column_text(r->st, i);
	n = sqlite3_column_bytes(r->st, i);
	if (!t) {
		row_fail(r, col, "could not be read (out of memory)");
		return;
	}
	if (n < 0 || (size_t)n >= cap) {
		row_fail(r, col, "is too long");
		return;
	}
	if (memchr(t, '\0', (size_t)n)) {
		row_fail(r, col, "holds a NUL byte");
		return;
	}
	memcpy(out, t, (size_t)n);
	out[n] = '\0';
}

/* NULL reads as 0. */
static int64_t row_int(struct row *r, int i, const char *col, int64_t min, int64_t max)
{
	int64_t v;

	if (r->bad || sqlite3_column_type(r->st, i) == SQLITE_NULL)
		return 0;
	if (sqlite3_column_type(r->st, i) != SQLITE_INTEGER) {
		row_fail(r, col, "is not an integer");
		return 0;
	}
	v = sqlite3_column_int64(r->st, i);
	if (v < min || v > max) {
		row_fail(r, col, "is out of range");
		return 0;
	}
	return v;
}

static void row_blob(struct row *r, int i, const char *col, void *out, size_t len)
{
	const void *b;

	memset(out, 0, len);
	if (r->bad)
		return;
	b = sqlite3_column_blob(r->st, i);
	if (!b || (size_t)sqlite3_column_bytes(r->st, i) != len) {
		row_fail(r, col, "has the wrong length");
		return;
	}
	memcpy(out, b, len);
}

/* A state name; NULL is allowed only when `nullable` (then -1). */
static int row_state(struct row *r, int i, const char *col, bool nullable)
{
	char name[16];
	int st;

	if (r->bad)
		return -1;
	if (sqlite3_column_type(r->st, i) == SQLITE_NULL) {
		if (!nullable)
			row_fail(r, col, "is missing");
		return -1;
	}
	row_text(r, i, col, name, sizeof(name));
	st = r->bad ? -1 : order_state_parse(name);
	if (st < 0)
		row_fail(r, col, "is not a state name");
	return st;
}

static int row_name(struct row *r, int i, const char *col, const char *const *names,
		    int count)
{
	char name[16];

	row_text(r, i, col, name, sizeof(name));
	if (r->bad)
		return 0;
	for (int k = 0; k < count; k++)
		if (!strcmp(names[k], name))
			return k;
	row_fail(r, col, "is not a known name");
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
		return db_fail(s, e, "%s", what);
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_fail(s, e, "%s", what);
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
		return db_fail(s, e, "%s", path);
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_fail(s, e, "%s", path);
		goto out;
	}
	mode = (const char *)sqlite3_column_text(st, 0);
	if (!mode || sqlite3_stricmp(mode, "wal")) {
		err_fail(e, "store: %s: the file system does not allow WAL mode", path);
		goto out;
	}
	if (sqlite3_exec(s->db, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON", NULL, NULL,
			 NULL) != SQLITE_OK) {
		db_fail(s, e, "%s: pragmas", path);
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

static int migrate(struct store *s, const char *path, struct err *e)
{
	int64_t version = 0;

	if (tx_begin(s, e))
		return -1;
	/* again inside the write lock: another process may have migrated */
	if (identify(s, path, &version, e))
		goto fail;
	for (int64_t v = version; v < STORE_SCHEMA_VERSION; v++) {
		int64_t now_v = 0;

		if (sqlite3_exec(s->db, migrations[v], NULL, NULL, NULL) != SQLITE_OK) {
			db_fail(s, e, "%s: migrating schema %" PRId64 " to %" PRId64, path, v, v + 1);
			goto fail;
		}
		if (query_int(s, "PRAGMA user_version", &now_v, path, e))
			goto fail;
		if (now_v != v + 1) {
			err_fail(e, "store: migration %" PRId64 " left version %" PRId64, v, now_v);
			goto fail;
		}
	}
	return tx_commit(s, e);
fail:
	tx_rollback(s);
	return -1;
}

int store_open(struct store **out, const char *path, struct err *e)
{
	struct store *s;
	int64_t version = 0;
	int fd;

	*out = NULL;
	/* create it 0600 ourselves: SQLite gives the -wal and -shm files the
	 * database's mode, and the file holds pickup verifiers */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_fail(e, "store: %s: %s", path, strerror(errno));
	close(fd);
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

void store_close(struct store *s)
{
	if (!s)
		return;
	sqlite3_close_v2(s->db);
	free(s);
}

/* ---- transitions -------------------------------------------------------- */

struct head {
	enum order_state state;
	int failed_from; /* -1: none */
	bool has_manifest;
};

/* 1 found, 0 not, -1 error. */
static int load_head(struct store *s, const char *id, struct head *h, struct err *e)
{
	static const char sql[] =
		"SELECT state, failed_from, has_manifest FROM orders WHERE id = ?1";
	struct row r = { .what = id, .e = e };
	sqlite3_stmt *st;
	int rc = -1, step;

	if (prepare(s, &st, sql, e))
		return -1;
	r.st = st;
	if (bind_text(st, 1, id)) {
		db_fail(s, e, "order %s", id);
		goto out;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = 0;
		goto out;
	}
	if (step != SQLITE_ROW) {
		db_fail(s, e, "order %s", id);
		goto out;
	}
	h->state = (enum order_state)row_state(&r, 0, "state", false);
	h->failed_from = row_state(&r, 1, "failed_from", true);
	h->has_manifest = row_int(&r, 2, "has_manifest", 0, 1);
	rc = r.bad ? -1 : 1;
out:
	sqlite3_finalize(st);
	return rc;
}

/* The from-state guard (I3). */
static int expect_state(struct store *s, const char *id, enum order_state from,
			struct head *h, struct err *e)
{
	int found = load_head(s, id, h, e);

	if (found < 0)
		return -1;
	if (!found)
		return err_fail(e, "order %s not found", id);
	if (h->state != from)
		return err_fail(e, "order %s is %s, not %s", id, order_state_name(h->state),
				order_state_name(from));
	return 0;
}

static int new_report_id(char out[STORE_REPORT_ID_LEN + 1], struct err *e)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t b[16];
	size_t got = 0, n = 0;

	while (got < sizeof(b)) {
		ssize_t k = getrandom(b + got, sizeof(b) - got, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return err_fail(e, "store: getrandom: %s", strerror(errno));
		got += (size_t)k;
	}
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	for (size_t i = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[n++] = '-';
		out[n++] = hex[b[i] >> 4];
		out[n++] = hex[b[i] & 15];
	}
	out[n] = '\0';
	return 0;
}

static bool report_kind_ok(const char *kind)
{
	for (size_t i = 0; kind && i < sizeof(report_kinds) / sizeof(report_kinds[0]); i++)
		if (!strcmp(kind, report_kinds[i]))
			return true;
	return false;
}

/* A JSON object of at most STORE_REPORT_BODY_MAX bytes.  (Not a CHECK: the
 * schema is not trusted to call SQLite 3.40's JSON functions.) */
static int check_body(struct store *s, const char *id, const char *body, struct err *e)
{
	static const char sql[] = "SELECT CASE WHEN json_valid(?1) THEN json_type(?1) = 'object' ELSE 0 END";
	sqlite3_stmt *st;
	int rc = -1;

	if (strnlen(body, STORE_REPORT_BODY_MAX + 1) > STORE_REPORT_BODY_MAX)
		return err_fail(e, "order %s: report body longer than %d bytes", id,
				STORE_REPORT_BODY_MAX);
	if (prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, body) || sqlite3_step(st) != SQLITE_ROW) {
		db_fail(s, e, "order %s: check report body", id);
		goto out;
	}
	if (!sqlite3_column_int(st, 0)) {
		err_fail(e, "order %s: report body is not a JSON object", id);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static int insert_report(struct store *s, const char *id, sqlite3_int64 transition_id,
			 const struct store_report_new *rep, int64_t now, struct err *e)
{
	static const char sql[] =
		"INSERT INTO outbox (report_id, order_id, transition_id, kind, body,"
		" created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)";
	char rid[STORE_REPORT_ID_LEN + 1];
	sqlite3_stmt *st;
	int rc = -1;

	const char *body = rep->body ? rep->body : "{}";

	if (check_body(s, id, body, e) || new_report_id(rid, e) || prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, rid) || bind_text(st, 2, id) ||
	    sqlite3_bind_int64(st, 3, transition_id) || bind_text(st, 4, rep->kind) ||
	    bind_text(st, 5, body) || sqlite3_bind_int64(st, 6, now)) {
		db_fail(s, e, "order %s: queue report", id);
		goto out;
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(s, e, "order %s: queue report", id);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

struct move {
	const char *id;
	enum order_state from, to;
	const char *reason;     /* stored on the order (clipped) */
	const char *log_reason; /* written to the log (clipped) */
	unsigned add_attempts;  /* 1 for a retry */
	const struct store_report_new *report;
};

/* Appends the log row, then changes the state (I4), then queues the report
 * (I5).  Runs inside the caller's transaction, after its checks. */
static int apply_move(struct store *s, const struct move *m, struct err *e)
{
	static const char log_sql[] =
		"INSERT INTO transitions (order_id, from_state, to_state, reason, at)"
		" VALUES (?1, ?2, ?3, ?4, ?5)";
	static const char set_sql[] =
		"UPDATE orders SET state = ?2, failed_from = ?3, reason = ?4,"
		" attempts = attempts + ?5, updated_at = ?6 WHERE id = ?1 AND state = ?7";
	char reason[STORE_REASON_MAX], log_reason[STORE_REASON_MAX];
	const char *from = order_state_name(m->from), *to = order_state_name(m->to);
	sqlite3_stmt *st = NULL;
	sqlite3_int64 tid;
	int64_t now = now_s();
	int rc = -1;

	/* the callers checked; this is the one place every move passes */
	if (!order_can_move(m->from, m->to))
		return err_fail(e, "illegal transition from %s to %s", from, to);
	clip_text(m->reason, reason, sizeof(reason));
	clip_text(m->log_reason, log_reason, sizeof(log_reason));
	if (prepare(s, &st, log_sql, e))
		return -1;
	if (bind_text(st, 1, m->id) || bind_text(st, 2, from) || bind_text(st, 3, to) ||
	    bind_text(st, 4, log_reason) || sqlite3_bind_int64(st, 5, now) ||
	    sqlite3_step(st) != SQLITE_DONE) {
		db_fail(s, e, "order %s: log %s to %s", m->id, from, to);
		goto out;
	}
	tid = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);

	if (prepare(s, &st, set_sql, e))
		return -1;
	if (bind_text(st, 1, m->id) || bind_text(st, 2, to) ||
	    (m->to == ORDER_FAILED ? bind_text(st, 3, from) : sqlite3_bind_null(st, 3)) ||
	    bind_text(st, 4, reason) || sqlite3_bind_int64(st, 5, m->add_attempts) ||
	    sqlite3_bind_int64(st, 6, now) || bind_text(st, 7, from) ||
	    sqlite3_step(st) != SQLITE_DONE) {
		db_fail(s, e, "order %s: move %s to %s", m->id, from, to);
		goto out;
	}
	if (sqlite3_changes(s->db) != 1) {
		err_fail(e, "order %s is no longer %s", m->id, from);
		goto out;
	}
	if (m->report && insert_report(s, m->id, tid, m->report, now, e))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Checks a move that store_order_move() may make (I2); fills retry. */
static int check_move(const char *id, const struct head *h, enum order_state to, bool *retry,
		      struct err *e)
{
	enum order_state target;

	*retry = false;
	if (!order_can_move(h->state, to))
		return err_fail(e, "illegal transition from %s to %s", order_state_name(h->state),
				order_state_name(to));
	if (to == ORDER_DOWNLOADING)
		return err_fail(e, "order %s: only a stored manifest moves an order to downloading",
				id);
	if (h->state != ORDER_FAILED || to == ORDER_EXPIRED || to == ORDER_CANCELLED)
		return 0;
	target = order_retry_target((enum order_state)h->failed_from);
	if (to != target)
		return err_fail(e, "order %s failed while %s; a retry goes to %s, not %s", id,
				order_state_name((enum order_state)h->failed_from),
				order_state_name(target), order_state_name(to));
	*retry = true;
	return 0;
}

/* READY means every file is in the spool. */
static int check_files_done(struct store *s, const char *id, struct err *e)
{
	static const char sql[] = "SELECT count(*) FROM files WHERE order_id = ?1 AND done = 0";
	sqlite3_stmt *st;
	int rc = -1;

	if (prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, id) || sqlite3_step(st) != SQLITE_ROW) {
		db_fail(s, e, "order %s: files", id);
		goto out;
	}
	if (sqlite3_column_int64(st, 0)) {
		err_fail(e, "order %s still has %lld of its files to download", id,
			 (long long)sqlite3_column_int64(st, 0));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int store_order_move(struct store *s, const char *id, enum order_state from,
		     enum order_state to, const char *reason,
		     const struct store_report_new *report, struct err *e)
{
	struct move m = { id, from, to, reason, reason, 0, report };
	struct head h;
	bool retry;

	if (!id_ok(id))
		return bad_id(e);
	if ((unsigned)from >= ORDER_STATE_COUNT || (unsigned)to >= ORDER_STATE_COUNT)
		return err_fail(e, "order %s: no such state", id);
	if (to == ORDER_FAILED && (!reason || !reason[0]))
		return err_fail(e, "order %s: moving to failed needs a reason", id);
	if (report && !report_kind_ok(report->kind))
		return err_fail(e, "order %s: unknown report kind '%.20s'", id,
				report->kind ? report->kind : "(null)");
	if (tx_begin(s, e))
		return -1;
	if (expect_state(s, id, from, &h, e) || check_move(id, &h, to, &retry, e))
		goto fail;
	if (from == ORDER_DOWNLOADING && to == ORDER_READY && check_files_done(s, id, e))
		goto fail;
	m.add_attempts = retry;
	if (apply_move(s, &m, e))
		goto fail;
	return tx_commit(s, e);
fail:
	tx_rollback(s);
	return -1;
}

int store_order_retry(struct store *s, const char *id, struct err *e)
{
	struct move m = { id, ORDER_FAILED, ORDER_ANNOUNCED, "", "retry", 1, NULL };
	struct head h;
	bool retry;

	if (!id_ok(id))
		return bad_id(e);
	if (tx_begin(s, e))
		return -1;
	if (expect_state(s, id, ORDER_FAILED, &h, e))
		goto fail;
	m.to = order_retry_target((enum order_state)h.failed_from);
	if (check_move(id, &h, m.to, &retry, e) || apply_move(s, &m, e))
		goto fail;
	return tx_commit(s, e);
fail:
	tx_rollback(s);
	return -1;
}

int store_order_refetch(struct store *s, const char *id, struct err *e)
{
	static const char sql[] =
		"UPDATE files SET done = 0, failures = 0 WHERE order_id = ?1";
	struct move m = { id, ORDER_FAILED, ORDER_ANNOUNCED, "", "download again", 1, NULL };
	sqlite3_stmt *st = NULL;
	struct head h;

	if (!id_ok(id))
		return bad_id(e);
	if (tx_begin(s, e))
		return -1;
	if (expect_state(s, id, ORDER_FAILED, &h, e) || apply_move(s, &m, e) ||
	    prepare(s, &st, sql, e))
		goto fail;
	if (bind_text(st, 1, id) || sqlite3_step(st) != SQLITE_DONE) {
		db_fail(s, e, "order %s: reset files", id);
		goto fail;
	}
	sqlite3_finalize(st);
	return tx_commit(s, e);
fail:
	sqlite3_finalize(st);
	tx_rollback(s);
	return -1;
}

int store_order_claim(struct store *s, const char *id, struct err *e)
{
	static const char sql[] =
		"UPDATE pickup_guard SET failures = 0, last_failure_at = 0 WHERE id = 1";
	struct move m = { id, ORDER_READY, ORDER_CLAIMED, "", "", 0, NULL };
	struct head h;

	if (!id_ok(id))
		return bad_id(e);
	if (tx_begin(s, e))
		return -1;
	if (expect_state(s, id, ORDER_READY, &h, e) || apply_move(s, &m, e))
		goto fail;
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(s, e, "reset pickup guard");
		goto fail;
	}
	return tx_commit(s, e);
fail:
	tx_rollback(s);
	return -1;
}

int store_order_announce(struct store *s, const char *id, struct err *e)
{
	static const char sql[] =
		"INSERT INTO orders (id, state, created_at, updated_at)"
		" VALUES (?1, 'announced', ?2, ?2) ON CONFLICT (id) DO NOTHING";
	static const char log_sql[] =
		"INSERT INTO transitions (order_id, from_state, to_state, at)"
		" VALUES (?1, NULL, 'announced', ?2)";
	sqlite3_stmt *st = NULL;
	int64_t now = now_s();
	int added;

	if (!id_ok(id))
		return bad_id(e);
	if (tx_begin(s, e))
		return -1;
	if (prepare(s, &st, sql, e))
		goto fail;
	if (bind_text(st, 1, id) || sqlite3_bind_int64(st, 2, now) ||
	    sqlite3_step(st) != SQLITE_DONE) {
		db_fail(s, e, "announce order %s", id);
		goto fail;
	}
	added = sqlite3_changes(s->db);
	sqlite3_finalize(st);
	st = NULL;
	if (added) {
		if (prepare(s, &st, log_sql, e))
			goto fail;
		if (bind_text(st, 1, id) || sqlite3_bind_int64(st, 2, now) ||
		    sqlite3_step(st) != SQLITE_DONE) {
			db_fail(s, e, "announce order %s: log", id);
			goto fail;
		}
		sqlite3_finalize(st);
	}
	return tx_commit(s, e) ? -1 : added;
fail:
	sqlite3_finalize(st);
	tx_rollback(s);
	return -1;
}

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
		" updated_at = ?21 WHERE id = ?1";
	sqlite3_stmt *st;
	int rc = -1;

	if (prepare(s, &st, sql, e))
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
	    sqlite3_bind_int64(st, 21, now_s()) || sqlite3_step(st) != SQLITE_DONE) {
		db_fail(s, e, "order %s: store manifest", id);
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

	if (prepare(s, &st, sql, e))
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
			db_fail(s, e, "order %s: store file %zu", id, i);
			goto out;
		}
	}
	sqlite3_finalize(st);
	if (prepare(s, &st, trim_sql, e))
		return -1;
	if (bind_text(st, 1, id) || sqlite3_bind_int64(st, 2, (sqlite3_int64)m->file_count) ||
	    sqlite3_step(st) != SQLITE_DONE) {
		db_fail(s, e, "order %s: drop old files", id);
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
	if (tx_begin(s, e))
		return -1;
	if (expect_state(s, id, ORDER_ANNOUNCED, &h, e))
		goto fail;
	if (store_header(s, id, json, json_len, sig, sig_len, m, e) ||
	    store_file_rows(s, id, m, e) || apply_move(s, &mv, e))
		goto fail;
	return tx_commit(s, e);
fail:
	tx_rollback(s);
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
	if (prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, id)) {
		db_fail(s, e, "order %s", id);
		goto out;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		err_fail(e, "order %s not found", id);
		goto out;
	}
	if (step != SQLITE_ROW) {
		db_fail(s, e, "order %s: manifest", id);
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
	if (prepare(s, &st, sql, e))
		return -1;
	r.st = st;
	if (bind_text(st, 1, id)) {
		db_fail(s, e, "order %s", id);
		goto out;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		err_fail(e, "order %s not found", id);
		goto out;
	}
	if (step != SQLITE_ROW) {
		db_fail(s, e, "order %s: pickup verifier", id);
		goto out;
	}
	if (!row_int(&r, 0, "has_manifest", 0, 1)) {
		if (!r.bad)
			err_fail(e, "order %s has no manifest yet", id);
		goto out;
	}
	v->iterations = (uint32_t)row_int(&r, 1, "pickup_iterations", PICKUP_MIN_ITERATIONS,
					  PICKUP_MAX_ITERATIONS);
	row_blob(&r, 2, "pickup_salt", v->salt, sizeof(v->salt));
	row_blob(&r, 3, "pickup_hash", v->hash, sizeof(v->hash));
	rc = r.bad ? -1 : 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* ---- reading orders ----------------------------------------------------- */

#define ORDER_COLUMNS                                                                  \
	"SELECT id, state, failed_from, reason, has_manifest, user_id, shop_id,"       \
	" delivery_server_id, content_server_id, title, artist, media, price, currency," \
	" prepaid, expires_at, total_bytes, file_count,"                               \
	" (SELECT count(*) FROM files f WHERE f.order_id = o.id AND f.done = 1),"       \
	" attempts, created_at, updated_at FROM orders o"

static int read_order(sqlite3_stmt *st, struct store_order *o, struct err *e)
{
	struct row r = { st, "order", e, false };
	char media[16];
	int ff;

	memset(o, 0, sizeof(*o));
	row_text(&r, 0, "id", o->id, sizeof(o->id));
	r.what = o->id[0] ? o->id : "order";
	o->state = (enum order_state)row_state(&r, 1, "state", false);
	ff = row_state(&r, 2, "failed_from", true);
	o->failed_from = ff < 0 ? ORDER_ANNOUNCED : (enum order_state)ff;
	row_text(&r, 3, "reason", o->reason, sizeof(o->reason));
	o->has_manifest = row_int(&r, 4, "has_manifest", 0, 1);
	o->ids.user = (uint32_t)row_int(&r, 5, "user_id", 0, UINT32_MAX);
	o->ids.shop = (uint32_t)row_int(&r, 6, "shop_id", 0, 0xffffff);
	o->ids.delivery_server = (uint16_t)row_int(&r, 7, "delivery_server_id", 0, UINT16_MAX);
	o->ids.content_server = (uint16_t)row_int(&r, 8, "content_server_id", 0, UINT16_MAX);
	row_text(&r, 9, "title", o->title, sizeof(o->title));
	row_text(&r, 10, "artist", o->artist, sizeof(o->artist));
	row_text(&r, 11, "media", media, sizeof(media));
	if (!r.bad && media[0]) {
		int k = media_kind_parse(media);

		if (k < 0)
			row_fail(&r, "media", "is not a media name");
		o->media = k < 0 ? MEDIA_AUDIO_CD : (enum media_kind)k;
	}
	o->price = (uint64_t)row_int(&r, 12, "price", 0, INT64_MAX);
	row_text(&r, 13, "currency", o->currency, sizeof(o->currency));
	o->prepaid = row_int(&r, 14, "prepaid", 0, 1);
	o->expires_at = row_int(&r, 15, "expires_at", INT64_MIN, INT64_MAX);
	o->total_bytes = (uint64_t)row_int(&r, 16, "total_bytes", 0, INT64_MAX);
	o->file_count = (unsigned)row_int(&r, 17, "file_count", 0, MANIFEST_MAX_FILES);
	o->files_done = (unsigned)row_int(&r, 18, "files done", 0, MANIFEST_MAX_FILES);
	o->attempts = (unsigned)row_int(&r, 19, "attempts", 0, UINT32_MAX);
	o->created_at = row_int(&r, 20, "created_at", INT64_MIN, INT64_MAX);
	o->updated_at = row_int(&r, 21, "updated_at", INT64_MIN, INT64_MAX);
	return r.bad ? -1 : 0;
}

int store_order_get(struct store *s, const char *id, struct store_order *out,
		    struct err *e)
{
	static const char sql[] = ORDER_COLUMNS " WHERE id = ?1";
	sqlite3_stmt *st;
	int step, rc = -1;

	if (!id_ok(id))
		return bad_id(e);
	if (prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, id)) {
		db_fail(s, e, "order %s", id);
		goto out;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_DONE)
		rc = 0;
	else if (step != SQLITE_ROW)
		db_fail(s, e, "order %s", id);
	else if (!read_order(st, out, e))
		rc = 1;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Doubles the array that arrp points to (items of `size` bytes).  The
 * pointer is moved with memcpy so any array type can be passed. */
static int grow(void *arrp, size_t *cap, size_t size, struct err *e)
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

int store_orders_list(struct store *s, int state, struct store_order **out, size_t *n,
		      struct err *e)
{
	static const char sql[] =
		ORDER_COLUMNS " WHERE ?1 IS NULL OR state = ?1 ORDER BY created_at, rowid";
	struct store_order *list = NULL;
	size_t cap = 0, count = 0;
	sqlite3_stmt *st;
	int step, rc = -1;

	*out = NULL;
	*n = 0;
	if (state < -1 || state >= ORDER_STATE_COUNT)
		return err_fail(e, "store: no such state %d", state);
	if (prepare(s, &st, sql, e))
		return -1;
	if (state < 0 ? sqlite3_bind_null(st, 1) :
			bind_text(st, 1, order_state_name((enum order_state)state))) {
		db_fail(s, e, "list orders");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if ((count == cap && grow(&list, &cap, sizeof(*list), e)) ||
		    read_order(st, &list[count], e))
			goto out;
		count++;
	}
	if (step != SQLITE_DONE) {
		db_fail(s, e, "list orders");
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
	f->idx = (unsigned)row_int(&r, 0, "file idx", 0, MANIFEST_MAX_FILES - 1);
	row_text(&r, 1, "file name", m->name, sizeof(m->name));
	if (!r.bad && !m->name[0])
		row_fail(&r, "file name", "is empty");
	m->size = (uint64_t)row_int(&r, 2, "file size", 1, INT64_MAX);
	row_blob(&r, 3, "file sha256", m->sha256, sizeof(m->sha256));
	m->kind = (enum file_kind)row_name(&r, 4, "file kind", kind_names, FILE_KIND_COUNT);
	m->track.number = (unsigned)row_int(&r, 5, "track number", 0, 99);
	row_text(&r, 6, "track title", m->track.title, sizeof(m->track.title));
	row_text(&r, 7, "track performer", m->track.performer, sizeof(m->track.performer));
	f->done = row_int(&r, 8, "file done", 0, 1);
	f->failures = (unsigned)row_int(&r, 9, "file failures", 0, UINT32_MAX);
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
	if (prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, id)) {
		db_fail(s, e, "order %s: files", id);
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (count >= MANIFEST_MAX_FILES) {
			err_fail(e, "store: order %s has more than %d files", id, MANIFEST_MAX_FILES);
			goto out;
		}
		if ((count == cap && grow(&list, &cap, sizeof(*list), e)) ||
		    read_file_row(st, id, &list[count], e))
			goto out;
		count++;
	}
	if (step != SQLITE_DONE) {
		db_fail(s, e, "order %s: files", id);
		goto out;
	}
	if (count == 0) {
		int found = load_head(s, id, &h, e);

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
	if (tx_begin(s, e))
		return -1;
	if (expect_state(s, id, ORDER_DOWNLOADING, &h, e) || prepare(s, &st, sql, e))
		goto fail;
	if (bind_text(st, 1, id) || sqlite3_bind_int64(st, 2, idx)) {
		db_fail(s, e, "order %s file %u", id, idx);
		goto fail;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		err_fail(e, "order %s has no file %u", id, idx);
		goto fail;
	}
	if (step != SQLITE_ROW) {
		db_fail(s, e, "order %s file %u", id, idx);
		goto fail;
	}
	*result = sqlite3_column_int64(st, 0);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (step != SQLITE_DONE) {
		db_fail(s, e, "order %s file %u", id, idx);
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (prepare(s, &st, touch_sql, e))
		goto fail;
	if (bind_text(st, 1, id) || sqlite3_bind_int64(st, 2, now_s()) ||
	    sqlite3_step(st) != SQLITE_DONE) {
		db_fail(s, e, "order %s", id);
		goto fail;
	}
	sqlite3_finalize(st);
	return tx_commit(s, e);
fail:
	sqlite3_finalize(st);
	tx_rollback(s);
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
		" WHERE (state IN ('downloading', 'ready', 'claimed', 'writing', 'verifying',"
		"  'written') OR (state = 'failed' AND has_manifest = 1))"
		" AND (?1 IS NULL OR id <> ?1)";
	sqlite3_stmt *st;
	int rc = -1;

	if (prepare(s, &st, sql, e))
		return -1;
	if ((except_id ? bind_text(st, 1, except_id) : sqlite3_bind_null(st, 1)) ||
	    sqlite3_step(st) != SQLITE_ROW) {
		db_fail(s, e, "spool reservations");
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

int store_order_note(struct store *s, const char *id, const char *reason, struct err *e)
{
	static const char sql[] = "UPDATE orders SET reason = ?2, updated_at = ?3 WHERE id = ?1";
	char r[STORE_REASON_MAX];
	sqlite3_stmt *st;
	int rc = -1;

	if (!id_ok(id))
		return bad_id(e);
	clip_text(reason, r, sizeof(r));
	if (prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, id) || bind_text(st, 2, r) || sqlite3_bind_int64(st, 3, now_s())) {
		db_fail(s, e, "order %s: note", id);
		goto out;
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_CHECK)
			err_fail(e, "order %s is failed; its reason cannot be cleared", id);
		else
			db_fail(s, e, "order %s: note", id);
		goto out;
	}
	if (sqlite3_changes(s->db) != 1) {
		err_fail(e, "order %s not found", id);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* ---- the outbox --------------------------------------------------------- */

static int read_report(sqlite3_stmt *st, struct store_report *r, struct err *e)
{
	struct row row = { st, "report", e, false };
	const unsigned char *body;
	int len;

	memset(r, 0, sizeof(*r));
	row_text(&row, 0, "report_id", r->id, sizeof(r->id));
	row.what = r->id[0] ? r->id : "report";
	row_text(&row, 1, "order_id", r->order_id, sizeof(r->order_id));
	row_text(&row, 2, "kind", r->kind, sizeof(r->kind));
	r->attempts = (unsigned)row_int(&row, 4, "attempts", 0, UINT32_MAX);
	r->next_attempt_at = row_int(&row, 5, "next_attempt_at", INT64_MIN, INT64_MAX);
	r->created_at = row_int(&row, 6, "created_at", INT64_MIN, INT64_MAX);
	row_text(&row, 7, "last_error", r->last_error, sizeof(r->last_error));
	if (row.bad)
		return -1;
	body = sqlite3_column_text(st, 3);
	len = sqlite3_column_bytes(st, 3);
	if (!body || len < 0 || len > STORE_REPORT_BODY_MAX || memchr(body, '\0', (size_t)len)) {
		row_fail(&row, "body", "is missing, too long or holds a NUL byte");
		return -1;
	}
	r->body = malloc((size_t)len + 1);
	if (!r->body)
		return err_fail(e, "out of memory");
	memcpy(r->body, body, (size_t)len);
	r->body[len] = '\0';
	return 0;
}

/* all: every pending report, due or not. */
static int reports_list(struct store *s, int64_t now, bool all, struct store_report **out,
			size_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT report_id, order_id, kind, body, attempts, next_attempt_at, created_at,"
		" last_error FROM outbox WHERE acked_at IS NULL"
		" AND (?1 IS NULL OR next_attempt_at <= ?1) ORDER BY created_at, rowid";
	struct store_report *list = NULL;
	size_t cap = 0, count = 0;
	sqlite3_stmt *st;
	int step, rc = -1;

	*out = NULL;
	*n = 0;
	if (prepare(s, &st, sql, e))
		return -1;
	if (all ? sqlite3_bind_null(st, 1) : sqlite3_bind_int64(st, 1, now)) {
		db_fail(s, e, "outbox");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap && grow(&list, &cap, sizeof(*list), e))
			goto out;
		if (read_report(st, &list[count], e)) {
			free(list[count].body);
			goto out;
		}
		count++;
	}
	if (step != SQLITE_DONE) {
		db_fail(s, e, "outbox");
		goto out;
	}
	*out = list;
	*n = count;
	list = NULL;
	rc = 0;
out:
	if (list)
		store_reports_free(list, count);
	sqlite3_finalize(st);
	return rc;
}

int store_reports_due(struct store *s, int64_t now, struct store_report **out, size_t *n,
		      struct err *e)
{
	return reports_list(s, now, false, out, n, e);
}

int store_reports_pending(struct store *s, struct store_report **out, size_t *n,
			  struct err *e)
{
	return reports_list(s, 0, true, out, n, e);
}

void store_reports_free(struct store_report *r, size_t n)
{
	if (!r)
		return;
	for (size_t i = 0; i < n; i++)
		free(r[i].body);
	free(r);
}

/* Runs an UPDATE of one report; *changed gets whether a row matched. */
static int report_update(struct store *s, const char *sql, const char *report_id,
			 int64_t t, const char *text, int *changed, struct err *e)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, report_id) || sqlite3_bind_int64(st, 2, t) ||
	    (text && bind_text(st, 3, text)) || sqlite3_step(st) != SQLITE_DONE) {
		db_fail(s, e, "report %.40s", report_id);
		goto out;
	}
	*changed = sqlite3_changes(s->db);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* The order a delivered report is about, when it waits in ERASED for it. */
static int erased_order_of(struct store *s, const char *report_id, char *id, size_t cap,
			   struct err *e)
{
	static const char sql[] =
		"SELECT o.id FROM outbox b JOIN orders o ON o.id = b.order_id"
		" WHERE b.report_id = ?1 AND b.kind = 'delivered' AND o.state = 'erased'";
	sqlite3_stmt *st;
	int rc = -1, step;

	id[0] = '\0';
	if (prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, report_id)) {
		db_fail(s, e, "report %.40s", report_id);
		goto out;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		snprintf(id, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	else if (step != SQLITE_DONE) {
		db_fail(s, e, "report %.40s", report_id);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int store_report_acked(struct store *s, const char *report_id, struct err *e)
{
	static const char sql[] =
		"UPDATE outbox SET acked_at = coalesce(acked_at, ?2) WHERE report_id = ?1";
	char id[ORDER_ID_MAX + 1];
	struct head h;
	int changed;

	if (!report_id)
		return err_fail(e, "store: no report id");
	if (tx_begin(s, e))
		return -1;
	if (report_update(s, sql, report_id, now_s(), NULL, &changed, e))
		goto fail;
	if (!changed) {
		err_fail(e, "report %.40s not found", report_id);
		goto fail;
	}
	/* the delivery is acknowledged: the order's story is complete */
	if (erased_order_of(s, report_id, id, sizeof(id), e))
		goto fail;
	if (id[0]) {
		struct move m = { id, ORDER_ERASED, ORDER_REPORTED, "", "delivery acknowledged",
				  0, NULL };

		if (expect_state(s, id, ORDER_ERASED, &h, e) || apply_move(s, &m, e))
			goto fail;
	}
	return tx_commit(s, e);
fail:
	tx_rollback(s);
	return -1;
}

int store_counter_add(struct store *s, const char *name, int64_t delta, int64_t *value,
		      struct err *e)
{
	static const char sql[] =
		"INSERT INTO counters (name, value) VALUES (?1, ?2)"
		" ON CONFLICT (name) DO UPDATE SET value = value + ?2 RETURNING value";
	sqlite3_stmt *st;
	int rc = -1;

	if (prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, name) || sqlite3_bind_int64(st, 2, delta) ||
	    sqlite3_step(st) != SQLITE_ROW) {
		db_fail(s, e, "counter %.32s", name);
		goto out;
	}
	if (value)
		*value = sqlite3_column_int64(st, 0);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int store_staff_log(struct store *s, const char *action, const char *order_id,
		    const char *result, struct err *e)
{
	static const char sql[] =
		"INSERT INTO staff_log (at, action, order_id, result) VALUES (?1, ?2, ?3, ?4)";
	char clipped[STORE_REASON_MAX];
	sqlite3_stmt *st;
	int rc = -1;

	clip_text(result ? result : "", clipped, sizeof(clipped));
	if (prepare(s, &st, sql, e))
		return -1;
	if (sqlite3_bind_int64(st, 1, now_s()) || bind_text(st, 2, action) ||
	    bind_text(st, 3, order_id && id_ok(order_id) ? order_id : "") ||
	    bind_text(st, 4, clipped) || sqlite3_step(st) != SQLITE_DONE) {
		db_fail(s, e, "staff log");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int store_report_deferred(struct store *s, const char *report_id, int64_t next_attempt_at,
			  const char *last_error, struct err *e)
{
	/* an acknowledged report stays as it is */
	static const char sql[] =
		"UPDATE outbox SET attempts = min(attempts + 1, 4294967295),"
		" next_attempt_at = CASE WHEN acked_at IS NULL THEN ?2 ELSE next_attempt_at END,"
		" last_error = CASE WHEN acked_at IS NULL THEN ?3 ELSE last_error END"
		" WHERE report_id = ?1";
	char why[STORE_REASON_MAX];
	int changed;

	if (!report_id)
		return err_fail(e, "store: no report id");
	clip_text(last_error, why, sizeof(why));
	if (report_update(s, sql, report_id, next_attempt_at, why, &changed, e))
		return -1;
	if (!changed)
		return err_fail(e, "report %.40s not found", report_id);
	return 0;
}

/* ---- the pickup guard --------------------------------------------------- */

/* None for the first 3 failures, then 2^(n-3) s, at most 300 s. */
static int64_t pickup_penalty(int64_t failures)
{
	int64_t p;

	if (failures <= 3)
		return 0;
	if (failures - 3 >= 9) /* 2^9 > 300: also keeps the shift small */
		return PICKUP_WAIT_CAP_S;
	p = INT64_C(1) << (failures - 3);
	return p < PICKUP_WAIT_CAP_S ? p : PICKUP_WAIT_CAP_S;
}

int store_pickup_wait(struct store *s, int64_t now, int64_t *wait_s, unsigned *failures,
		      struct err *e)
{
	static const char sql[] = "SELECT failures, last_failure_at FROM pickup_guard WHERE id = 1";
	struct row r = { .what = "pickup guard", .e = e };
	sqlite3_stmt *st;
	int64_t n, last, penalty, left;
	int rc = -1;

	if (prepare(s, &st, sql, e))
		return -1;
	r.st = st;
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_fail(s, e, "pickup guard");
		goto out;
	}
	n = row_int(&r, 0, "failures", 0, PICKUP_FAILURES_CAP);
	last = row_int(&r, 1, "last_failure_at", INT64_MIN / 2, INT64_MAX / 2);
	if (r.bad)
		goto out;
	penalty = pickup_penalty(n);
	if (now < INT64_MIN / 2)
		now = INT64_MIN / 2;
	if (now > INT64_MAX / 2)
		now = INT64_MAX / 2;
	left = last + penalty - now;
	/* a clock set backwards must not lengthen the wait past the penalty */
	*wait_s = left < 0 ? 0 : left > penalty ? penalty : left;
	if (failures)
		*failures = (unsigned)n;
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int store_pickup_failed(struct store *s, int64_t now, struct err *e)
{
	static const char sql[] =
		"UPDATE pickup_guard SET failures = min(failures + 1, 1000000),"
		" last_failure_at = ?1 WHERE id = 1";
	sqlite3_stmt *st;
	int rc = -1;

	if (prepare(s, &st, sql, e))
		return -1;
	if (sqlite3_bind_int64(st, 1, now) || sqlite3_step(st) != SQLITE_DONE) {
		db_fail(s, e, "pickup guard");
		goto out;
	}
	if (sqlite3_changes(s->db) != 1) {
		err_fail(e, "store: the pickup guard row is missing");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* ---- history and checks ------------------------------------------------- */

static char *history_line(sqlite3_stmt *st, const char *id, struct err *e)
{
	struct row r = { st, id, e, false };
	char when[32], line[64 + 2 * 16 + STORE_REASON_MAX], reason[STORE_REASON_MAX];
	int from, to;
	time_t t;
	struct tm tm;
	char *dup;

	t = (time_t)row_int(&r, 0, "transition time", INT64_MIN, INT64_MAX);
	from = row_state(&r, 1, "from_state", true);
	to = row_state(&r, 2, "to_state", false);
	row_text(&r, 3, "transition reason", reason, sizeof(reason));
	if (r.bad)
		return NULL;
	if (!gmtime_r(&t, &tm) || !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(when, sizeof(when), "@%" PRId64, (int64_t)t);
	snprintf(line, sizeof(line), "%s %s→%s%s%s", when,
		 from < 0 ? "new" : order_state_name((enum order_state)from),
		 order_state_name((enum order_state)to), reason[0] ? " " : "", reason);
	dup = strdup(line);
	if (!dup)
		err_fail(e, "out of memory");
	return dup;
}

int store_order_history(struct store *s, const char *id, char ***lines, size_t *n,
			struct err *e)
{
	static const char sql[] =
		"SELECT at, from_state, to_state, reason FROM transitions WHERE order_id = ?1"
		" ORDER BY id";
	char **list = NULL;
	size_t cap = 0, count = 0;
	sqlite3_stmt *st;
	int step, rc = -1;

	*lines = NULL;
	*n = 0;
	if (!id_ok(id))
		return bad_id(e);
	if (prepare(s, &st, sql, e))
		return -1;
	if (bind_text(st, 1, id)) {
		db_fail(s, e, "order %s: history", id);
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap && grow(&list, &cap, sizeof(*list), e))
			goto out;
		list[count] = history_line(st, id, e);
		if (!list[count])
			goto out;
		count++;
	}
	if (step != SQLITE_DONE) {
		db_fail(s, e, "order %s: history", id);
		goto out;
	}
	/* every order has at least its announcement */
	if (count == 0) {
		err_fail(e, "order %s not found", id);
		goto out;
	}
	*lines = list;
	*n = count;
	list = NULL;
	rc = 0;
out:
	for (size_t i = 0; list && i < count; i++)
		free(list[i]);
	free(list);
	sqlite3_finalize(st);
	return rc;
}

/* Steps a checking query: its first row, if any, is the problem. */
static int check_query(struct store *s, const char *sql, const char *ok_text,
		       const char *what, struct err *e)
{
	sqlite3_stmt *st;
	int step, rc = -1;

	if (prepare(s, &st, sql, e))
		return -1;
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = 0;
	} else if (step != SQLITE_ROW) {
		db_fail(s, e, "%s", what);
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
			NULL, "state and log disagree", e))
		return -1;
	return 0;
}

int store_staff_login_failures(struct store *s, unsigned *failures, int64_t *last_at,
			       struct err *e)
{
	/* the refusals since the last accepted PIN: the log is the guard */
	static const char sql[] =
		"SELECT count(*), coalesce(max(at), 0) FROM staff_log"
		" WHERE action = 'login' AND result <> 'ok' AND id > coalesce("
		"  (SELECT max(id) FROM staff_log WHERE action = 'login' AND result = 'ok'), 0)";
	sqlite3_stmt *st;
	int rc = -1;

	if (prepare(s, &st, sql, e))
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_fail(s, e, "staff log");
		goto out;
	}
	*failures = (unsigned)sqlite3_column_int64(st, 0);
	*last_at = sqlite3_column_int64(st, 1);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}
