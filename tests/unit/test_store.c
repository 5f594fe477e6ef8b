// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * store: schema and migration, every transition of order.c's table (and
 * every pair that is not one), the from-state guard, reports queued with
 * their transition, the outbox, the pickup guard, spool reservations,
 * history, a file tampered with, and a crash test that SIGKILLs a writer
 * again and again and then checks that the log and the state agree.
 *
 * Each test gets a fresh folder under $TMPDIR (or /tmp).  The database is
 * also read through a second, raw SQLite connection, so the checks do not
 * trust the code under test.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "digest.h"
#include "receipt.h"
#include "store.h"

#define CRASH_KILLS 20

struct fx {
	char dir[256];
	char path[300];
	struct store *s;
};

/* ---- fixture and helpers ------------------------------------------------ */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fx *f = calloc(1, sizeof(*f));
	struct err e = { "" };

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/tenpo-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/tenpo.db", f->dir);
	if (store_create(f->path, &e) != 1 || store_open(&f->s, f->path, &e)) {
		fprintf(stderr, "store_open: %s\n", e.msg);
		nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->s);
	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static sqlite3 *raw_open(const struct fx *f)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	return db;
}

/* The first column of the first row of sql (with ?1 = arg, if given). */
static long long raw_int(const struct fx *f, const char *sql, const char *arg)
{
	sqlite3 *db = raw_open(f);
	sqlite3_stmt *st;
	long long v;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void raw_text(const struct fx *f, const char *sql, const char *arg, char *out,
		     size_t cap)
{
	sqlite3 *db = raw_open(f);
	sqlite3_stmt *st;
	const unsigned char *t;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	out[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW && (t = sqlite3_column_text(st, 0)))
		snprintf(out, cap, "%s", (const char *)t);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void raw_exec(const struct fx *f, const char *sql)
{
	sqlite3 *db = raw_open(f);
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* Everything a refused call must leave as it was. */
static void snapshot(const struct fx *f, char *out, size_t cap)
{
	raw_text(f,
		 "SELECT (SELECT group_concat(quote(id) || quote(state) || quote(failed_from) ||"
		 " quote(reason) || attempts || has_manifest || quote(title) || updated_at, ';')"
		 " FROM orders) || '|' || (SELECT count(*) || ':' || coalesce(max(id), 0)"
		 " FROM transitions) || '|' || (SELECT count(*) FROM outbox) || '|' ||"
		 " (SELECT group_concat(order_id || idx || done || failures, ';') FROM files)",
		 NULL, out, cap);
}

/* "from→to" of the order's last transition. */
static void last_move(const struct fx *f, const char *id, char *out, size_t cap)
{
	raw_text(f,
		 "SELECT coalesce(from_state, 'new') || '>' || to_state FROM transitions"
		 " WHERE order_id = ?1 ORDER BY id DESC LIMIT 1",
		 id, out, cap);
}

static enum order_state state_of(const struct fx *f, const char *id)
{
	struct store_order o;
	struct err e = { "" };

	if (store_order_get(f->s, id, &o, &e) != 1)
		fail_msg("order %s: %s", id, e.msg);
	return o.state;
}

/* A manifest built by hand: nfiles files of `size` bytes each. */
static void make_manifest(struct manifest *m, const char *id, size_t nfiles, uint64_t size)
{
	memset(m, 0, sizeof(*m));
	m->version = 1;
	snprintf(m->order_id, sizeof(m->order_id), "%s", id);
	m->ids.user = 4000000000u;
	m->ids.shop = 1001;
	m->ids.delivery_server = 7;
	m->ids.content_server = 65535;
	snprintf(m->title, sizeof(m->title), "夜明けの歌");
	snprintf(m->artist, sizeof(m->artist), "Tenpo Ensemble");
	m->media = MEDIA_AUDIO_CD;
	m->price = 1500;
	memcpy(m->currency, "JPY", 4);
	m->prepaid = true;
	m->issued_at = 1795000000;
	m->expires_at = 1797592000;
	m->pickup.iterations = PICKUP_DEFAULT_ITERATIONS;
	m->pickup.has_locator = true;
	for (int i = 0; i < PICKUP_SALT_LEN; i++)
		m->pickup.salt[i] = (uint8_t)(0xa0 + i);
	for (int i = 0; i < PICKUP_HASH_LEN; i++)
		m->pickup.hash[i] = (uint8_t)(0x10 + i);
	m->file_count = nfiles;
	m->files = calloc(nfiles, sizeof(*m->files));
	assert_non_null(m->files);
	for (size_t i = 0; i < nfiles; i++) {
		struct manifest_file *mf = &m->files[i];

		snprintf(mf->name, sizeof(mf->name), "%02zu Track.wav", i + 1);
		mf->size = size;
		digest_sha256(mf->name, strlen(mf->name), mf->sha256);
		mf->kind = FILE_AUDIO;
		mf->track.number = (unsigned)i + 1;
		snprintf(mf->track.title, sizeof(mf->track.title), "Song %zu", i + 1);
		snprintf(mf->track.performer, sizeof(mf->track.performer), "Performer %zu", i + 1);
		m->total_bytes += size;
	}
}

static const char JSON[] = "{\"version\":1,\"order_id\":\"...\"}";
static const uint8_t SIG[] = { 0x30, 0x44, 0x02, 0x20, 0x01, 0x02, 0x03 };

static int accept(struct fx *f, const char *id, size_t nfiles, uint64_t size, struct err *e)
{
	struct manifest m;
	int rc;

	make_manifest(&m, id, nfiles, size);
	rc = store_order_accept_manifest(f->s, id, JSON, sizeof(JSON) - 1, SIG, sizeof(SIG), &m,
					 e);
	free(m.files);
	return rc;
}

static void must(int rc, const struct err *e, const char *what)
{
	if (rc < 0)
		fail_msg("%s: %s", what, e->msg);
}

static void move_ok(struct fx *f, const char *id, enum order_state from, enum order_state to)
{
	struct err e = { "" };

	must(store_order_move(f->s, id, from, to, to == ORDER_FAILED ? "boom" : "", NULL, &e),
	     &e, "move");
}

/* The order (claimed, made unpaid) gets a payment slip: AWAITING_PAYMENT. */
static void issue_slip(struct fx *f, const char *id)
{
	time_t now = time(NULL);
	struct slip_info si = { .shop_name = "Tenpo", .order_id = id, .amount_yen = 1500,
				.issued = now, .valid_until = now + 1800, .lang = "ja" };
	char sql[200], slip[SLIP_PAYLOAD_MAX];
	struct err e = { "" };

	snprintf(sql, sizeof(sql), "UPDATE orders SET prepaid = 0 WHERE id = '%s'", id);
	raw_exec(f, sql);
	must(slip_payload(&si, slip, sizeof(slip), &e), &e, "slip");
	must(store_payment_issue(f->s, id, 1500, "JPY", now, now + 1800, slip, &e), &e, "issue");
}

/* Announces `id` and walks it by legal steps to `target`; a FAILED order
 * fails from `failed_from`. */
static void drive(struct fx *f, const char *id, enum order_state target,
		  enum order_state failed_from, uint64_t size)
{
	static const enum order_state line[] = {
		ORDER_ANNOUNCED, ORDER_DOWNLOADING, ORDER_READY,   ORDER_CLAIMED, ORDER_WRITING,
		ORDER_VERIFYING, ORDER_WRITTEN,     ORDER_ERASED, ORDER_REPORTED,
	};
	enum order_state stop = target;
	struct err e = { "" };

	assert_int_equal(store_order_announce(f->s, id, &e), 1);
	if (target == ORDER_FAILED)
		stop = failed_from;
	else if (target == ORDER_EXPIRED || target == ORDER_CANCELLED)
		stop = ORDER_ANNOUNCED;
	else if (target == ORDER_AWAITING_PAYMENT)
		stop = ORDER_CLAIMED;
	for (size_t i = 1; i < sizeof(line) / sizeof(line[0]) && line[i - 1] != stop; i++) {
		switch (line[i]) {
		case ORDER_DOWNLOADING:
			must(accept(f, id, 2, size, &e), &e, "accept");
			break;
		case ORDER_READY:
			must(store_file_done(f->s, id, 0, &e), &e, "file 0");
			must(store_file_done(f->s, id, 1, &e), &e, "file 1");
			move_ok(f, id, ORDER_DOWNLOADING, ORDER_READY);
			break;
		case ORDER_CLAIMED:
			must(store_order_claim(f->s, id, &e), &e, "claim");
			break;
		default:
			move_ok(f, id, line[i - 1], line[i]);
		}
	}
	if (target == ORDER_AWAITING_PAYMENT)
		issue_slip(f, id);
	else if (target != stop)
		move_ok(f, id, stop, target);
	assert_int_equal(state_of(f, id), target);
}

/* ---- schema ------------------------------------------------------------- */

static void open_migrate_reopen(void **state)
{
	struct fx *f = *state;
	struct err e = { "" };
	char mode[16];

	assert_int_equal(raw_int(f, "PRAGMA user_version", NULL), STORE_SCHEMA_VERSION);
	assert_int_equal(raw_int(f, "PRAGMA application_id", NULL), 0x54656e70);
	raw_text(f, "PRAGMA journal_mode", NULL, mode, sizeof(mode));
	assert_string_equal(mode, "wal");
	assert_int_equal(raw_int(f,
				 "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
				 " ('orders', 'files', 'transitions', 'outbox', 'pickup_guard')",
				 NULL),
			 5);
	assert_int_equal(store_integrity_check(f->s, &e), 0);
	/* it holds pickup verifiers: private, and so are the WAL and its index */
	{
		static const char *const suffix[] = { "", "-wal", "-shm" };
		char p[400];
		struct stat st;

		for (size_t i = 0; i < 3; i++) {
			snprintf(p, sizeof(p), "%s%s", f->path, suffix[i]);
			assert_int_equal(stat(p, &st), 0);
			assert_int_equal(st.st_mode & 0777, 0600);
		}
	}

	assert_int_equal(store_order_announce(f->s, "KEEP1", &e), 1);
	store_close(f->s);
	f->s = NULL;
	must(store_open(&f->s, f->path, &e), &e, "reopen");
	assert_int_equal(state_of(f, "KEEP1"), ORDER_ANNOUNCED);
	assert_int_equal(raw_int(f, "PRAGMA user_version", NULL), STORE_SCHEMA_VERSION);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM pickup_guard", NULL), 1);
}

static void newer_schema_refused(void **state)
{
	struct fx *f = *state;
	struct store *s2 = (struct store *)1;
	struct err e = { "" };

	store_close(f->s);
	f->s = NULL;
	char newer[32];

	raw_exec(f, "PRAGMA user_version = 99");
	assert_int_equal(store_open(&s2, f->path, &e), -1);
	assert_null(s2);
	assert_non_null(strstr(e.msg, "newer"));
	snprintf(newer, sizeof(newer), "version %d", 99);
	assert_non_null(strstr(e.msg, newer));
	/* refused, not touched */
	assert_int_equal(raw_int(f, "PRAGMA user_version", NULL), 99);
}

static void foreign_files_refused(void **state)
{
	struct fx *f = *state;
	struct store *s2 = NULL;
	struct err e = { "" };
	char path[400];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/text.db", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("this is not a database, just text long enough to fill a header......\n", fp);
	fclose(fp);
	assert_int_equal(store_open(&s2, path, &e), -1);
	assert_non_null(strstr(e.msg, "not a database"));

	snprintf(path, sizeof(path), "%s/other.db", f->dir);
	{
		sqlite3 *db;

		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	assert_int_equal(store_open(&s2, path, &e), -1);
	assert_non_null(strstr(e.msg, "not a Tenpo one"));
	assert_null(s2);
}

/* A lost database is not silently replaced by an empty one. */
static void missing_database_refused(void **state)
{
	struct fx *f = *state;
	struct store *s2 = NULL;
	struct err e = { "" };
	char path[400];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/lost.db", f->dir);
	assert_int_equal(store_open(&s2, path, &e), -1);
	assert_null(s2);
	assert_non_null(strstr(e.msg, "no such database"));
	assert_int_equal(stat(path, &st), -1); /* and nothing was made */

	/* an empty file (a create cut short) is no database either */
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(store_open(&s2, path, &e), -1);
	assert_non_null(strstr(e.msg, "empty database file"));

	/* store_create makes it once, and keeps what is there after */
	assert_int_equal(store_create(path, &e), 1);
	must(store_open(&s2, path, &e), &e, "open created");
	assert_int_equal(store_order_announce(s2, "KEEP", &e), 1);
	store_close(s2);
	assert_int_equal(store_create(path, &e), 0);
	must(store_open(&s2, path, &e), &e, "reopen");
	assert_int_equal(store_order_announce(s2, "KEEP", &e), 0);
	store_close(s2);
	/* and it refuses a file that is not ours, like store_open */
	assert_int_equal(store_create(f->dir, &e), -1);
}

/* ---- announce and manifest ---------------------------------------------- */

static void announce_new_and_known(void **state)
{
	struct fx *f = *state;
	struct err e = { "" };
	char id65[66];
	static const char *const bad[] = { "", "../x", "a/b", "a b", "é", "x\n" };

	assert_int_equal(store_order_announce(f->s, "K7Q2M9X4P1", &e), 1);
	assert_int_equal(store_order_announce(f->s, "K7Q2M9X4P1", &e), 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM transitions", NULL), 1);
	assert_int_equal(state_of(f, "K7Q2M9X4P1"), ORDER_ANNOUNCED);
	/* known in any state */
	move_ok(f, "K7Q2M9X4P1", ORDER_ANNOUNCED, ORDER_CANCELLED);
	assert_int_equal(store_order_announce(f->s, "K7Q2M9X4P1", &e), 0);
	assert_int_equal(state_of(f, "K7Q2M9X4P1"), ORDER_CANCELLED);

	memset(id65, 'a', 65);
	id65[65] = '\0';
	assert_int_equal(store_order_announce(f->s, id65, &e), -1);
	id65[64] = '\0';
	assert_int_equal(store_order_announce(f->s, id65, &e), 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (store_order_announce(f->s, bad[i], &e) != -1)
			fail_msg("accepted id \"%s\"", bad[i]);
	assert_int_equal(store_order_announce(f->s, NULL, &e), -1);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM orders", NULL), 2);
}

static void accept_manifest_stores_everything(void **state)
{
	struct fx *f = *state;
	struct store_order o;
	struct store_file *files = NULL;
	struct pickup_verifier v;
	struct manifest m;
	struct err e = { "" };
	char *json = NULL;
	uint8_t *sig = NULL;
	size_t n, json_len, sig_len;

	assert_int_equal(store_order_announce(f->s, "M1", &e), 1);
	/* nothing to give before the manifest */
	assert_int_equal(store_order_pickup(f->s, "M1", &v, &e), -1);
	assert_non_null(strstr(e.msg, "no manifest"));
	assert_int_equal(store_order_manifest(f->s, "M1", &json, &json_len, &sig, &sig_len, &e),
			 -1);

	make_manifest(&m, "M1", 3, 1000);
	m.files[2].kind = FILE_DATA;
	m.files[2].track.number = 0;
	/* the manifest must be this order's */
	assert_int_equal(store_order_accept_manifest(f->s, "M2", JSON, sizeof(JSON) - 1, SIG,
						     sizeof(SIG), &m, &e),
			 -1);
	/* and add up */
	m.total_bytes++;
	assert_int_equal(store_order_accept_manifest(f->s, "M1", JSON, sizeof(JSON) - 1, SIG,
						     sizeof(SIG), &m, &e),
			 -1);
	m.total_bytes--;
	assert_int_equal(state_of(f, "M1"), ORDER_ANNOUNCED);
	must(store_order_accept_manifest(f->s, "M1", JSON, sizeof(JSON) - 1, SIG, sizeof(SIG),
					 &m, &e),
	     &e, "accept");

	assert_int_equal(store_order_get(f->s, "M1", &o, &e), 1);
	assert_int_equal(o.state, ORDER_DOWNLOADING);
	assert_true(o.has_manifest);
	assert_int_equal(o.ids.user, 4000000000u);
	assert_int_equal(o.ids.shop, 1001);
	assert_int_equal(o.ids.delivery_server, 7);
	assert_int_equal(o.ids.content_server, 65535);
	assert_string_equal(o.title, "夜明けの歌");
	assert_string_equal(o.artist, "Tenpo Ensemble");
	assert_int_equal(o.media, MEDIA_AUDIO_CD);
	assert_int_equal(o.price, 1500);
	assert_string_equal(o.currency, "JPY");
	assert_true(o.prepaid);
	assert_int_equal(o.expires_at, 1797592000);
	assert_int_equal(o.total_bytes, 3000);
	assert_int_equal(o.file_count, 3);
	assert_int_equal(o.files_done, 0);

	must(store_files(f->s, "M1", &files, &n, &e), &e, "files");
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(files[i].idx, i);
		assert_string_equal(files[i].m.name, m.files[i].name);
		assert_int_equal(files[i].m.size, 1000);
		assert_memory_equal(files[i].m.sha256, m.files[i].sha256, DIGEST_LEN);
		assert_int_equal(files[i].m.kind, m.files[i].kind);
		assert_int_equal(files[i].m.track.number, m.files[i].track.number);
		assert_string_equal(files[i].m.track.title, m.files[i].track.title);
		assert_string_equal(files[i].m.track.performer, m.files[i].track.performer);
		assert_false(files[i].done);
		assert_int_equal(files[i].failures, 0);
	}
	free(files);

	must(store_order_manifest(f->s, "M1", &json, &json_len, &sig, &sig_len, &e), &e, "get");
	assert_int_equal(json_len, sizeof(JSON) - 1);
	assert_memory_equal(json, JSON, json_len);
	assert_int_equal(json[json_len], '\0');
	assert_int_equal(sig_len, sizeof(SIG));
	assert_memory_equal(sig, SIG, sig_len);
	free(json);
	free(sig);

	must(store_order_pickup(f->s, "M1", &v, &e), &e, "pickup");
	assert_int_equal(v.iterations, PICKUP_DEFAULT_ITERATIONS);
	assert_memory_equal(v.salt, m.pickup.salt, PICKUP_SALT_LEN);
	assert_memory_equal(v.hash, m.pickup.hash, PICKUP_HASH_LEN);
	assert_int_equal(store_order_pickup(f->s, "NOPE", &v, &e), -1);

	/* a second manifest is refused: the order is past ANNOUNCED */
	assert_int_equal(store_order_accept_manifest(f->s, "M1", JSON, sizeof(JSON) - 1, SIG,
						     sizeof(SIG), &m, &e),
			 -1);
	assert_string_equal(e.msg, "order M1 is downloading, not announced");
	free(m.files);
	assert_int_equal(store_integrity_check(f->s, &e), 0);
}

static void files_done_and_failed(void **state)
{
	struct fx *f = *state;
	struct err e = { "" };
	unsigned failures = 0;

	drive(f, "F1", ORDER_DOWNLOADING, 0, 10);
	assert_int_equal(accept(f, "F3", 3, 10, &e), -1);
	assert_string_equal(e.msg, "order F3 not found");
	assert_int_equal(store_order_announce(f->s, "F3", &e), 1);
	must(accept(f, "F3", 3, 10, &e), &e, "accept");

	/* not all in: READY is refused */
	assert_int_equal(store_order_move(f->s, "F3", ORDER_DOWNLOADING, ORDER_READY, "", NULL, &e),
			 -1);
	assert_non_null(strstr(e.msg, "still has 3"));
	assert_int_equal(store_file_done(f->s, "F3", 0, &e), 2);
	assert_int_equal(store_file_done(f->s, "F3", 0, &e), 2);
	assert_int_equal(store_file_done(f->s, "F3", 2, &e), 1);
	assert_int_equal(store_file_done(f->s, "F3", 7, &e), -1);
	assert_string_equal(e.msg, "order F3 has no file 7");
	assert_int_equal(store_file_failed(f->s, "F3", 1, &failures, &e), 0);
	assert_int_equal(failures, 1);
	assert_int_equal(store_file_failed(f->s, "F3", 1, &failures, &e), 0);
	assert_int_equal(failures, 2);
	assert_int_equal(store_file_failed(f->s, "F3", 9, &failures, &e), -1);
	assert_int_equal(store_file_done(f->s, "F3", 1, &e), 0);
	move_ok(f, "F3", ORDER_DOWNLOADING, ORDER_READY);
	/* files only change while downloading */
	assert_int_equal(store_file_done(f->s, "F3", 1, &e), -1);
	assert_string_equal(e.msg, "order F3 is ready, not downloading");
	assert_int_equal(store_file_failed(f->s, "F3", 1, &failures, &e), -1);
	assert_int_equal(store_file_done(f->s, "NOPE", 0, &e), -1);
	assert_string_equal(e.msg, "order NOPE not found");
}

/* ---- the transition table ----------------------------------------------- */

static void every_legal_transition_works(void **state)
{
	struct fx *f = *state;
	unsigned tested = 0, legal = 0;

	for (int from = 0; from < ORDER_STATE_COUNT; from++) {
		for (int to = 0; to < ORDER_STATE_COUNT; to++) {
			enum order_state ff = ORDER_ANNOUNCED;
			struct store_order o;
			struct err e = { "" };
			char id[40], move[40], want[40];

			if (!order_can_move(from, to))
				continue;
			legal++;
			/* a FAILED order may only go back where a retry goes */
			if (from == ORDER_FAILED && to == ORDER_CLAIMED)
				ff = ORDER_WRITING;
			snprintf(id, sizeof(id), "L-%02d-%02d", from, to); /* a slip holds 16 */
			drive(f, id, from, ff, 100);
			if (to == ORDER_DOWNLOADING) {
				must(accept(f, id, 2, 100, &e), &e, id);
			} else if (to == ORDER_AWAITING_PAYMENT) {
				issue_slip(f, id);
			} else if (from == ORDER_AWAITING_PAYMENT && to == ORDER_READY) {
				must(store_payment_confirm(f->s, id, "tester", time(NULL), NULL, &e),
				     &e, id);
			} else {
				if (from == ORDER_DOWNLOADING && to == ORDER_READY) {
					must(store_file_done(f->s, id, 0, &e), &e, id);
					must(store_file_done(f->s, id, 1, &e), &e, id);
				}
				must(store_order_move(f->s, id, from, to,
						      to == ORDER_FAILED ? "went wrong" : "", NULL, &e),
				     &e, id);
			}
			assert_int_equal(store_order_get(f->s, id, &o, &e), 1);
			assert_int_equal(o.state, to);
			/* a retry counts */
			assert_int_equal(o.attempts, from == ORDER_FAILED &&
							     (to == ORDER_ANNOUNCED || to == ORDER_CLAIMED));
			if (to == ORDER_FAILED) {
				assert_int_equal(o.failed_from, from);
				assert_string_equal(o.reason, "went wrong");
			}
			last_move(f, id, move, sizeof(move));
			snprintf(want, sizeof(want), "%s>%s", order_state_name(from),
				 order_state_name(to));
			assert_string_equal(move, want);
			tested++;
		}
	}
	assert_int_equal(tested, legal);
	assert_true(legal > 0);
	{
		struct err e = { "" };

		assert_int_equal(store_integrity_check(f->s, &e), 0);
	}
}

static void every_illegal_transition_refused(void **state)
{
	struct fx *f = *state;
	unsigned refused = 0, legal = 0;

	for (int from = 0; from < ORDER_STATE_COUNT; from++)
		for (int to = 0; to < ORDER_STATE_COUNT; to++)
			legal += order_can_move(from, to);
	for (int from = 0; from < ORDER_STATE_COUNT; from++) {
		char id[40], before[8192], after[8192];

		snprintf(id, sizeof(id), "I-%02d", from);
		drive(f, id, from, ORDER_ANNOUNCED, 100);
		snapshot(f, before, sizeof(before));
		for (int to = 0; to < ORDER_STATE_COUNT; to++) {
			struct store_report_new rep = { "failed", "{\"reason\":\"x\"}" };
			struct err e = { "" };
			char want[80];

			if (order_can_move(from, to))
				continue;
			if (store_order_move(f->s, id, from, to, "reason", &rep, &e) != -1)
				fail_msg("%s → %s was allowed", order_state_name(from),
					 order_state_name(to));
			snprintf(want, sizeof(want), "illegal transition from %s to %s",
				 order_state_name(from), order_state_name(to));
			assert_string_equal(e.msg, want);
			snapshot(f, after, sizeof(after));
			assert_string_equal(before, after);
			refused++;
		}
		/* only store_order_accept_manifest() enters DOWNLOADING */
		if (from != ORDER_ANNOUNCED) {
			struct err e = { "" };

			assert_int_equal(accept(f, id, 2, 100, &e), -1);
			snapshot(f, after, sizeof(after));
			assert_string_equal(before, after);
		}
	}
	assert_int_equal(refused, ORDER_STATE_COUNT * ORDER_STATE_COUNT - legal);
	{
		struct err e = { "" };
		char before[8192], after[8192];

		/* legal in the table, but not without a manifest */
		assert_int_equal(store_order_announce(f->s, "I-dl", &e), 1);
		snapshot(f, before, sizeof(before));
		assert_int_equal(store_order_move(f->s, "I-dl", ORDER_ANNOUNCED, ORDER_DOWNLOADING,
						  "", NULL, &e),
				 -1);
		snapshot(f, after, sizeof(after));
		assert_string_equal(before, after);
		/* unknown states */
		assert_int_equal(store_order_move(f->s, "I-dl", ORDER_ANNOUNCED,
						  (enum order_state)ORDER_STATE_COUNT, "", NULL, &e),
				 -1);
		assert_int_equal(store_order_move(f->s, "I-dl", (enum order_state)-1,
						  ORDER_CANCELLED, "", NULL, &e),
				 -1);
		snapshot(f, after, sizeof(after));
		assert_string_equal(before, after);
	}
}

static void from_state_guard(void **state)
{
	struct fx *f = *state;
	struct store *other = NULL;
	struct store_report_new rep = { "delivered", "{}" };
	struct err e = { "" };
	char before[8192], after[8192];

	drive(f, "G1", ORDER_READY, 0, 100);
	snapshot(f, before, sizeof(before));
	assert_int_equal(store_order_move(f->s, "G1", ORDER_CLAIMED, ORDER_WRITING, "", &rep, &e),
			 -1);
	assert_string_equal(e.msg, "order G1 is ready, not claimed");
	assert_int_equal(store_order_move(f->s, "NOPE", ORDER_READY, ORDER_CLAIMED, "", NULL, &e),
			 -1);
	assert_string_equal(e.msg, "order NOPE not found");
	snapshot(f, after, sizeof(after));
	assert_string_equal(before, after);

	/* two connections race for the same move: one wins */
	must(store_open(&other, f->path, &e), &e, "second connection");
	must(store_order_claim(other, "G1", &e), &e, "claim");
	assert_int_equal(store_order_claim(f->s, "G1", &e), -1);
	assert_string_equal(e.msg, "order G1 is claimed, not ready");
	assert_int_equal(store_order_move(f->s, "G1", ORDER_READY, ORDER_FAILED, "late", NULL, &e),
			 -1);
	store_close(other);
	assert_int_equal(state_of(f, "G1"), ORDER_CLAIMED);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM transitions WHERE order_id = 'G1'"
				    " AND to_state = 'claimed'",
				 NULL),
			 1);
}

static void failed_needs_reason_and_retry_target(void **state)
{
	struct fx *f = *state;
	static const enum order_state working[] = {
		ORDER_ANNOUNCED, ORDER_DOWNLOADING, ORDER_READY,
		ORDER_CLAIMED,   ORDER_WRITING,     ORDER_VERIFYING,
	};

	for (size_t i = 0; i < sizeof(working) / sizeof(working[0]); i++) {
		enum order_state ff = working[i], target = order_retry_target(ff);
		enum order_state wrong = target == ORDER_CLAIMED ? ORDER_ANNOUNCED : ORDER_CLAIMED;
		struct store_order o;
		struct err e = { "" };
		char id[40], before[8192], after[8192];

		snprintf(id, sizeof(id), "R-%s", order_state_name(ff));
		drive(f, id, ff, 0, 100);
		snapshot(f, before, sizeof(before));
		assert_int_equal(store_order_move(f->s, id, ff, ORDER_FAILED, "", NULL, &e), -1);
		assert_non_null(strstr(e.msg, "needs a reason"));
		assert_int_equal(store_order_move(f->s, id, ff, ORDER_FAILED, NULL, NULL, &e), -1);
		assert_int_equal(store_order_retry(f->s, id, &e), -1);
		assert_non_null(strstr(e.msg, ": retry is only for failed orders"));
		snapshot(f, after, sizeof(after));
		assert_string_equal(before, after);

		must(store_order_move(f->s, id, ff, ORDER_FAILED, "drive\nsaid no", NULL, &e), &e,
		     "fail");
		assert_int_equal(store_order_get(f->s, id, &o, &e), 1);
		assert_int_equal(o.state, ORDER_FAILED);
		assert_int_equal(o.failed_from, ff);
		assert_string_equal(o.reason, "drive said no");
		/* a failed order keeps a reason */
		assert_int_equal(store_order_note(f->s, id, "", &e), -1);
		must(store_order_note(f->s, id, "still broken", &e), &e, "note");

		/* only to where a retry goes */
		assert_int_equal(store_order_move(f->s, id, ORDER_FAILED, wrong, "", NULL, &e), -1);
		assert_int_equal(state_of(f, id), ORDER_FAILED);

		must(store_order_retry(f->s, id, &e), &e, "retry");
		assert_int_equal(store_order_get(f->s, id, &o, &e), 1);
		assert_int_equal(o.state, target);
		assert_int_equal(o.attempts, 1);
		assert_string_equal(o.reason, "");
		assert_int_equal(raw_int(f, "SELECT failed_from IS NULL FROM orders WHERE id = ?1", id),
				 1);
	}
	{
		struct err e = { "" };
		char long_reason[600];

		/* a long reason is cut at a character boundary, never refused */
		memset(long_reason, 0, sizeof(long_reason));
		for (size_t i = 0; i + 3 < sizeof(long_reason) - 1; i += 3)
			memcpy(long_reason + i, "あ", 3);
		drive(f, "R-long", ORDER_ANNOUNCED, 0, 100);
		must(store_order_move(f->s, "R-long", ORDER_ANNOUNCED, ORDER_FAILED, long_reason, NULL,
				      &e),
		     &e, "long");
		assert_int_equal(raw_int(f, "SELECT length(CAST(reason AS BLOB)) FROM orders"
					    " WHERE id = ?1",
					 "R-long"),
				 255);
	}
}

static void download_retry_keeps_done_files(void **state)
{
	struct fx *f = *state;
	struct store_file *files = NULL;
	struct manifest m;
	struct err e = { "" };
	unsigned failures;
	size_t n;

	assert_int_equal(store_order_announce(f->s, "DR", &e), 1);
	must(accept(f, "DR", 3, 50, &e), &e, "accept");
	assert_int_equal(store_file_done(f->s, "DR", 0, &e), 2);
	assert_int_equal(store_file_done(f->s, "DR", 1, &e), 1);
	must(store_file_failed(f->s, "DR", 2, &failures, &e), &e, "failed");
	move_ok(f, "DR", ORDER_DOWNLOADING, ORDER_FAILED);
	must(store_order_retry(f->s, "DR", &e), &e, "retry");
	assert_int_equal(state_of(f, "DR"), ORDER_ANNOUNCED);

	/* the manifest again, with file 1 changed and file 2 dropped */
	make_manifest(&m, "DR", 2, 50);
	m.files[1].sha256[0] ^= 1;
	must(store_order_accept_manifest(f->s, "DR", JSON, sizeof(JSON) - 1, SIG, sizeof(SIG), &m,
					 &e),
	     &e, "accept again");
	free(m.files);
	must(store_files(f->s, "DR", &files, &n, &e), &e, "files");
	assert_int_equal(n, 2);
	assert_true(files[0].done);
	assert_false(files[1].done);
	assert_int_equal(files[1].failures, 0);
	free(files);
	assert_int_equal(state_of(f, "DR"), ORDER_DOWNLOADING);
}

/* ---- the outbox --------------------------------------------------------- */

static void report_queued_with_its_transition(void **state)
{
	struct fx *f = *state;
	struct store_report_new rep = { "received", "{\"at\":1795000123,\"bytes\":200}" };
	struct store_report *r = NULL;
	struct err e = { "" };
	char before[8192], after[8192];
	size_t n;

	drive(f, "Q1", ORDER_DOWNLOADING, 0, 100);
	must(store_file_done(f->s, "Q1", 0, &e), &e, "f0");
	must(store_file_done(f->s, "Q1", 1, &e), &e, "f1");

	/* refused moves queue nothing */
	snapshot(f, before, sizeof(before));
	assert_int_equal(store_order_move(f->s, "Q1", ORDER_READY, ORDER_CLAIMED, "", &rep, &e), -1);
	assert_int_equal(store_order_move(f->s, "Q1", ORDER_DOWNLOADING, ORDER_WRITTEN, "", &rep,
					  &e),
			 -1);
	/* a bad body is found only after the log row and the UPDATE were
	 * written: the whole transaction rolls back */
	{
		struct store_report_new bad = { "received", "[1,2" };
		struct store_report_new arr = { "received", "[1,2]" };
		struct store_report_new kind = { "bogus", "{}" };

		assert_int_equal(store_order_move(f->s, "Q1", ORDER_DOWNLOADING, ORDER_READY, "", &bad,
						  &e),
				 -1);
		assert_non_null(strstr(e.msg, "not a JSON object"));
		assert_int_equal(store_order_move(f->s, "Q1", ORDER_DOWNLOADING, ORDER_READY, "", &arr,
						  &e),
				 -1);
		assert_int_equal(store_order_move(f->s, "Q1", ORDER_DOWNLOADING, ORDER_READY, "",
						  &kind, &e),
				 -1);
	}
	snapshot(f, after, sizeof(after));
	assert_string_equal(before, after);
	assert_int_equal(state_of(f, "Q1"), ORDER_DOWNLOADING);

	must(store_order_move(f->s, "Q1", ORDER_DOWNLOADING, ORDER_READY, "", &rep, &e), &e, "move");
	assert_int_equal(raw_int(f, "SELECT count(*) FROM outbox o JOIN transitions t"
				    " ON t.id = o.transition_id AND t.order_id = o.order_id"
				    " WHERE o.order_id = 'Q1' AND t.to_state = 'ready'"
				    " AND o.kind = 'received'",
				 NULL),
			 1);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM outbox", NULL), 1);
	must(store_reports_pending(f->s, &r, &n, &e), &e, "pending");
	assert_int_equal(n, 1);
	assert_string_equal(r[0].order_id, "Q1");
	assert_string_equal(r[0].kind, "received");
	assert_string_equal(r[0].body, rep.body);
	assert_int_equal(r[0].attempts, 0);
	/* a random UUIDv4 */
	assert_int_equal(strlen(r[0].id), 36);
	assert_int_equal(r[0].id[8], '-');
	assert_int_equal(r[0].id[14], '4');
	assert_non_null(strchr("89ab", r[0].id[19]));
	store_reports_free(r, n);
}

static void outbox_due_acked_deferred(void **state)
{
	struct fx *f = *state;
	struct store_report_new rep = { "cancelled", "{}" };
	struct store_report *r = NULL;
	struct err e = { "" };
	char id1[STORE_REPORT_ID_LEN + 1], id2[STORE_REPORT_ID_LEN + 1];
	int64_t now = time(NULL);
	size_t n;

	assert_int_equal(store_order_announce(f->s, "O1", &e), 1);
	assert_int_equal(store_order_announce(f->s, "O2", &e), 1);
	must(store_order_move(f->s, "O1", ORDER_ANNOUNCED, ORDER_CANCELLED, "", &rep, &e), &e, "1");
	must(store_order_move(f->s, "O2", ORDER_ANNOUNCED, ORDER_CANCELLED, "", &rep, &e), &e, "2");

	/* not due before they were made */
	must(store_reports_due(f->s, now - 3600, &r, &n, &e), &e, "due");
	assert_int_equal(n, 0);
	store_reports_free(r, n);
	must(store_reports_due(f->s, now + 1, &r, &n, &e), &e, "due");
	assert_int_equal(n, 2);
	assert_string_equal(r[0].order_id, "O1");
	assert_string_equal(r[1].order_id, "O2");
	assert_string_not_equal(r[0].id, r[1].id);
	memcpy(id1, r[0].id, sizeof(id1));
	memcpy(id2, r[1].id, sizeof(id2));
	store_reports_free(r, n);

	must(store_report_deferred(f->s, id1, now + 100, "server said 503", &e), &e, "defer");
	must(store_reports_due(f->s, now + 1, &r, &n, &e), &e, "due");
	assert_int_equal(n, 1);
	assert_string_equal(r[0].id, id2);
	store_reports_free(r, n);
	must(store_reports_due(f->s, now + 100, &r, &n, &e), &e, "due later");
	assert_int_equal(n, 2);
	assert_string_equal(r[0].id, id1);
	assert_int_equal(r[0].attempts, 1);
	assert_int_equal(r[0].next_attempt_at, now + 100);
	assert_string_equal(r[0].last_error, "server said 503");
	store_reports_free(r, n);

	must(store_report_acked(f->s, id2, &e), &e, "ack");
	must(store_report_acked(f->s, id2, &e), &e, "ack twice");
	must(store_reports_pending(f->s, &r, &n, &e), &e, "pending");
	assert_int_equal(n, 1);
	assert_string_equal(r[0].id, id1);
	store_reports_free(r, n);
	must(store_reports_due(f->s, now + 1000, &r, &n, &e), &e, "due");
	assert_int_equal(n, 1);
	store_reports_free(r, n);
	/* an acknowledged report stays acknowledged */
	must(store_report_deferred(f->s, id2, now + 5, "late", &e), &e, "defer acked");
	must(store_reports_pending(f->s, &r, &n, &e), &e, "pending");
	assert_int_equal(n, 1);
	store_reports_free(r, n);

	assert_int_equal(store_report_acked(f->s, "00000000-0000-4000-8000-000000000000", &e), -1);
	assert_non_null(strstr(e.msg, "not found"));
	assert_int_equal(store_report_deferred(f->s, "nope", now, "x", &e), -1);
	store_reports_free(NULL, 0);
}

/* ---- the pickup guard --------------------------------------------------- */

static void pickup_guard_grows_and_claim_resets(void **state)
{
	struct fx *f = *state;
	static const int64_t want[] = { 0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300 };
	const int64_t t0 = 1795000000;
	struct err e = { "" };
	unsigned failures;
	int64_t wait;

	must(store_pickup_wait(f->s, t0, &wait, &failures, &e), &e, "wait");
	assert_int_equal(wait, 0);
	assert_int_equal(failures, 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		must(store_pickup_failed(f->s, t0, &e), &e, "failed");
		must(store_pickup_wait(f->s, t0, &wait, &failures, &e), &e, "wait");
		assert_int_equal(failures, i + 1);
		if (wait != want[i])
			fail_msg("after %zu failures: wait %lld, want %lld", i + 1, (long long)wait,
				 (long long)want[i]);
		/* the wait runs down with the clock */
		must(store_pickup_wait(f->s, t0 + wait, &wait, &failures, &e), &e, "later");
		assert_int_equal(wait, 0);
		/* and a clock set backwards does not lengthen it */
		must(store_pickup_wait(f->s, t0 - 100000, &wait, &failures, &e), &e, "earlier");
		assert_int_equal(wait, want[i]);
	}
	/* it survives a restart */
	store_close(f->s);
	f->s = NULL;
	must(store_open(&f->s, f->path, &e), &e, "reopen");
	must(store_pickup_wait(f->s, t0 + 10, &wait, &failures, &e), &e, "wait");
	assert_int_equal(failures, sizeof(want) / sizeof(want[0]));
	assert_int_equal(wait, 290);

	/* a right code: the claim resets it in the same transaction */
	drive(f, "P1", ORDER_READY, 0, 100);
	must(store_order_claim(f->s, "P1", &e), &e, "claim");
	must(store_pickup_wait(f->s, t0 + 10, &wait, &failures, &e), &e, "wait");
	assert_int_equal(failures, 0);
	assert_int_equal(wait, 0);
	/* a refused claim resets nothing */
	must(store_pickup_failed(f->s, t0, &e), &e, "failed");
	assert_int_equal(store_order_claim(f->s, "P1", &e), -1);
	must(store_pickup_wait(f->s, t0, &wait, &failures, &e), &e, "wait");
	assert_int_equal(failures, 1);
}

/* ---- reservations, lists, history --------------------------------------- */

static void spool_reserved_sums_right_states(void **state)
{
	struct fx *f = *state;
	struct err e = { "" };
	uint64_t want = 0, got = 0;
	char id[40];

	for (int s = 0; s < ORDER_STATE_COUNT; s++) {
		/* each order's two files are 2^s bytes: the sum names the states */
		uint64_t size = UINT64_C(1) << s;
		bool holds = s >= ORDER_DOWNLOADING && s <= ORDER_WRITTEN;

		snprintf(id, sizeof(id), "S-%02d", s);
		drive(f, id, s, ORDER_DOWNLOADING, size);
		if (s == ORDER_FAILED)
			holds = true; /* failed with its manifest: the spool is kept */
		if (holds)
			want += 2 * size;
	}
	/* failed before a manifest: nothing held */
	drive(f, "S-failed-early", ORDER_FAILED, ORDER_ANNOUNCED, 1);
	/* cancelled with a manifest: final, its spool goes */
	drive(f, "S-cancelled-late", ORDER_ANNOUNCED, 0, 1);
	must(accept(f, "S-cancelled-late", 2, UINT64_C(1) << 20, &e), &e, "accept");
	move_ok(f, "S-cancelled-late", ORDER_DOWNLOADING, ORDER_CANCELLED);

	must(store_spool_reserved(f->s, NULL, &got, &e), &e, "reserved");
	assert_int_equal(got, want);
	must(store_spool_reserved(f->s, "S-02", &got, &e), &e, "reserved");
	assert_int_equal(got, want - 2 * (UINT64_C(1) << ORDER_READY));
	must(store_spool_reserved(f->s, "unknown", &got, &e), &e, "reserved");
	assert_int_equal(got, want);
}

static void lists_and_notes(void **state)
{
	struct fx *f = *state;
	struct store_order *o = NULL;
	struct err e = { "" };
	size_t n;

	drive(f, "A1", ORDER_READY, 0, 100);
	drive(f, "A2", ORDER_ANNOUNCED, 0, 100);
	drive(f, "A3", ORDER_READY, 0, 100);
	must(store_orders_list(f->s, -1, &o, &n, &e), &e, "all");
	assert_int_equal(n, 3);
	assert_string_equal(o[0].id, "A1");
	assert_string_equal(o[1].id, "A2");
	assert_string_equal(o[2].id, "A3");
	assert_int_equal(o[0].files_done, 2);
	free(o);
	must(store_orders_list(f->s, ORDER_READY, &o, &n, &e), &e, "ready");
	assert_int_equal(n, 2);
	assert_string_equal(o[1].id, "A3");
	free(o);
	must(store_orders_list(f->s, ORDER_WRITTEN, &o, &n, &e), &e, "written");
	assert_int_equal(n, 0);
	free(o);
	assert_int_equal(store_orders_list(f->s, ORDER_STATE_COUNT, &o, &n, &e), -1);

	must(store_order_note(f->s, "A2", "server unreachable, will retry", &e), &e, "note");
	{
		struct store_order one;

		assert_int_equal(store_order_get(f->s, "A2", &one, &e), 1);
		assert_string_equal(one.reason, "server unreachable, will retry");
		assert_int_equal(one.state, ORDER_ANNOUNCED);
		assert_int_equal(store_order_get(f->s, "A9", &one, &e), 0);
	}
	assert_int_equal(store_order_note(f->s, "A9", "x", &e), -1);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM transitions WHERE order_id = 'A2'", NULL),
			 1);
}

static void history_lines(void **state)
{
	struct fx *f = *state;
	static const char *const want[] = {
		"new→announced",
		"announced→downloading",
		"downloading→failed disk on fire",
		"failed→announced retry",
	};
	struct err e = { "" };
	char **lines = NULL;
	size_t n;

	drive(f, "H1", ORDER_DOWNLOADING, 0, 100);
	must(store_order_move(f->s, "H1", ORDER_DOWNLOADING, ORDER_FAILED, "disk on fire", NULL,
			      &e),
	     &e, "fail");
	must(store_order_retry(f->s, "H1", &e), &e, "retry");
	must(store_order_history(f->s, "H1", &lines, &n, &e), &e, "history");
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		/* "2026-11-25T19:28:00Z " then the move */
		assert_true(strlen(lines[i]) > 21);
		assert_int_equal(lines[i][10], 'T');
		assert_int_equal(lines[i][19], 'Z');
		assert_int_equal(lines[i][20], ' ');
		assert_string_equal(lines[i] + 21, want[i]);
		free(lines[i]);
	}
	free(lines);
	assert_int_equal(store_order_history(f->s, "NOPE", &lines, &n, &e), -1);
	assert_null(lines);
}

/* ---- a file tampered with ----------------------------------------------- */

static void tampered_values_are_errors(void **state)
{
	struct fx *f = *state;
	struct store_order o;
	struct store_file *files = NULL;
	struct pickup_verifier v;
	struct err e = { "" };
	size_t n;

	drive(f, "T1", ORDER_DOWNLOADING, 0, 100);
	raw_exec(f, "PRAGMA ignore_check_constraints = ON;"
		    "UPDATE orders SET title = printf('%.300c', 'x') WHERE id = 'T1'");
	assert_int_equal(store_order_get(f->s, "T1", &o, &e), -1);
	assert_non_null(strstr(e.msg, "title is too long"));

	raw_exec(f, "PRAGMA ignore_check_constraints = ON;"
		    "UPDATE orders SET title = 'ok', failed_from = 'sideways' WHERE id = 'T1'");
	assert_int_equal(store_order_get(f->s, "T1", &o, &e), -1);
	assert_non_null(strstr(e.msg, "failed_from is not a state name"));

	raw_exec(f, "PRAGMA ignore_check_constraints = ON;"
		    "UPDATE orders SET failed_from = NULL, pickup_salt = x'0102' WHERE id = 'T1'");
	assert_int_equal(store_order_pickup(f->s, "T1", &v, &e), -1);
	assert_non_null(strstr(e.msg, "pickup_salt has the wrong length"));

	raw_exec(f, "PRAGMA ignore_check_constraints = ON;"
		    "UPDATE files SET sha256 = x'00', name = 'a' || char(0) || 'b'"
		    " WHERE order_id = 'T1' AND idx = 1");
	assert_int_equal(store_files(f->s, "T1", &files, &n, &e), -1);
	assert_null(files);

	raw_exec(f, "PRAGMA ignore_check_constraints = ON;"
		    "UPDATE files SET sha256 = zeroblob(32), name = printf('%.200c', 'n')"
		    " WHERE order_id = 'T1' AND idx = 1");
	assert_int_equal(store_files(f->s, "T1", &files, &n, &e), -1);
	assert_non_null(strstr(e.msg, "file name is too long"));
}

static void integrity_check_can_fail(void **state)
{
	struct fx *f = *state;
	struct err e = { "" };

	drive(f, "C1", ORDER_DOWNLOADING, 0, 100);
	assert_int_equal(store_integrity_check(f->s, &e), 0);
	/* the trigger refuses a state change without its log row */
	{
		sqlite3 *db = raw_open(f);

		assert_int_not_equal(sqlite3_exec(db, "UPDATE orders SET state = 'ready'"
						      " WHERE id = 'C1'",
						  NULL, NULL, NULL),
				     SQLITE_OK);
		assert_non_null(strstr(sqlite3_errmsg(db), "without its transition row"));
		sqlite3_close(db);
	}
	assert_int_equal(store_integrity_check(f->s, &e), 0);
	raw_exec(f, "DROP TRIGGER orders_state_logged;"
		    "UPDATE orders SET state = 'ready' WHERE id = 'C1'");
	assert_int_equal(store_integrity_check(f->s, &e), -1);
	assert_non_null(strstr(e.msg, "order C1 is ready but its log ends at downloading"));
	raw_exec(f, "UPDATE orders SET state = 'downloading' WHERE id = 'C1'");
	assert_int_equal(store_integrity_check(f->s, &e), 0);
	raw_exec(f, "PRAGMA foreign_keys = OFF;"
		    "INSERT INTO files (order_id, idx, name, size, sha256, kind)"
		    " VALUES ('ghost', 0, 'x', 1, zeroblob(32), 'data')");
	assert_int_equal(store_integrity_check(f->s, &e), -1);
	assert_non_null(strstr(e.msg, "foreign key"));
}

/* A second connection opened in the kiosk's process must not drop the
 * first one's locks: then another process's close (tenpo show beside the
 * kiosk) took the database for unused, checkpointed and deleted the WAL
 * the kiosk still wrote into, and every later commit was lost at the next
 * crash.  The kiosk's commit after the other process closed must survive
 * the kiosk's own death (a child process here, killed). */
static void other_process_keeps_the_wal(void **state)
{
	struct fx *f = *state;
	struct err e = { "" };
	char wal[320];
	struct stat st;
	int pipefd[2], status;
	pid_t kiosk, other;
	char c;

	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(pipe(pipefd), 0);
	kiosk = fork();
	assert_true(kiosk >= 0);
	if (kiosk == 0) {
		struct store *a, *b;

		close(pipefd[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlives a failed test */
		if (store_open(&a, f->path, &e) || store_order_announce(a, "K1", &e) != 1 ||
		    store_open(&b, f->path, &e)) /* the second connection */
			_exit(2);
		if (write(pipefd[1], "o", 1) != 1)
			_exit(3);
		sleep(1); /* the other process opens and closes meanwhile */
		if (store_order_announce(a, "K2", &e) != 1) {
			fprintf(stderr, "kiosk: %s\n", e.msg);
			_exit(5);
		}
		if (write(pipefd[1], "w", 1) != 1)
			_exit(6);
		pause(); /* killed holding both connections */
		_exit(7);
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	other = fork();
	assert_true(other >= 0);
	if (other == 0) {
		struct store *o;

		_exit(store_open(&o, f->path, &e) ? 2 : (store_close(o), 0));
	}
	assert_int_equal(waitpid(other, &status, 0), other);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(stat(wal, &st), 0); /* the WAL is still there */
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	assert_int_equal(kill(kiosk, SIGKILL), 0);
	assert_int_equal(waitpid(kiosk, &status, 0), kiosk);
	close(pipefd[0]);
	assert_int_equal(store_open(&f->s, f->path, &e), 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM orders WHERE id IN ('K1', 'K2')", NULL),
			 2);
}

/* The lifecycle's invariants: a disc written whole once, one delivered
 * report.  Rows the store never writes are put in by hand. */
static void integrity_check_counts_writes_and_reports(void **state)
{
	struct fx *f = *state;
	struct err e = { "" };

	drive(f, "W1", ORDER_REPORTED, 0, 100);
	assert_int_equal(store_integrity_check(f->s, &e), 0);
	/* a second burn logged (written, then reported again) */
	raw_exec(f, "INSERT INTO transitions (order_id, from_state, to_state, at)"
		    " VALUES ('W1', 'verifying', 'written', 1),"
		    " ('W1', 'erased', 'reported', 2)");
	assert_int_equal(store_integrity_check(f->s, &e), -1);
	assert_non_null(strstr(e.msg, "order W1 was written 2 times"));

	drive(f, "W2", ORDER_REPORTED, 0, 100);
	raw_exec(f, "PRAGMA foreign_keys = OFF;"
		    "DROP TRIGGER transitions_no_delete;"
		    "DELETE FROM transitions WHERE order_id = 'W1' AND at IN (1, 2);"
		    "INSERT INTO outbox (report_id, order_id, transition_id, kind, body,"
		    " created_at, next_attempt_at)"
		    " SELECT '00000000-0000-4000-8000-00000000000' || (to_state = 'erased'), 'W2',"
		    " id, 'delivered', '{}', 0, 0 FROM transitions"
		    " WHERE order_id = 'W2' AND to_state IN ('written', 'erased')");
	assert_int_equal(raw_int(f, "SELECT count(*) FROM outbox WHERE order_id = 'W2'", NULL), 2);
	assert_int_equal(store_integrity_check(f->s, &e), -1);
	assert_non_null(strstr(e.msg, "order W2 has 2 delivered reports"));
}

/* ---- power cuts --------------------------------------------------------- */

/* One committed step of the writer: exits on failure (which the parent
 * sees as an exit, not a kill), else tells the parent with a byte. */
static void step(int failed, int tick_fd, int code)
{
	if (failed)
		_exit(code);
	if (write(tick_fd, "t", 1) != 1)
		_exit(3);
}

/* Loops through lifecycles as the appliance would, with reports, failures,
 * retries, file updates and pickup failures, until it is killed. */
static void crash_writer(const char *path, int tick_fd, unsigned round)
{
	struct store_report_new received = { "received", "{\"bytes\":200}" };
	struct store_report_new delivered = { "delivered", "{\"verified\":true}" };
	struct store_report_new failed = { "failed", "{\"reason\":\"x\"}" };
	struct store_report *due = NULL;
	struct store *s;
	struct err e;
	size_t n;

	step(store_open(&s, path, &e), tick_fd, 2);
	for (unsigned k = 0;; k++) {
		struct manifest m;
		char id[40];

		snprintf(id, sizeof(id), "crash-%u-%u", round, k);
		make_manifest(&m, id, 2, 1000);
		step(store_order_announce(s, id, &e) != 1, tick_fd, 4);
		step(store_order_accept_manifest(s, id, JSON, sizeof(JSON) - 1, SIG, sizeof(SIG), &m,
						 &e),
		     tick_fd, 4);
		free(m.files);
		step(store_file_done(s, id, 0, &e) < 0, tick_fd, 5);
		step(store_file_done(s, id, 1, &e) < 0, tick_fd, 5);
		step(store_order_move(s, id, ORDER_DOWNLOADING, ORDER_READY, "", &received, &e),
		     tick_fd, 5);
		step(store_pickup_failed(s, k, &e), tick_fd, 5);
		step(store_order_claim(s, id, &e), tick_fd, 5);
		step(store_order_move(s, id, ORDER_CLAIMED, ORDER_WRITING, "", NULL, &e), tick_fd, 5);
		if (k % 3 == 1) {
			step(store_order_move(s, id, ORDER_WRITING, ORDER_FAILED, "blank ruined",
					      &failed, &e),
			     tick_fd, 6);
			step(store_order_retry(s, id, &e), tick_fd, 6);
			step(store_order_move(s, id, ORDER_CLAIMED, ORDER_WRITING, "", NULL, &e),
			     tick_fd, 6);
		}
		step(store_order_move(s, id, ORDER_WRITING, ORDER_VERIFYING, "", NULL, &e), tick_fd,
		     7);
		step(store_order_move(s, id, ORDER_VERIFYING, ORDER_WRITTEN, "", NULL, &e), tick_fd,
		     7);
		step(store_order_move(s, id, ORDER_WRITTEN, ORDER_ERASED, "", NULL, &e), tick_fd, 7);
		step(store_order_move(s, id, ORDER_ERASED, ORDER_REPORTED, "", &delivered, &e),
		     tick_fd, 7);
		step(store_reports_due(s, INT64_MAX, &due, &n, &e), tick_fd, 8);
		for (size_t i = 0; i < n; i += 2)
			step(store_report_acked(s, due[i].id, &e), tick_fd, 9);
		store_reports_free(due, n);
	}
}

static void check_after_crash(struct fx *f, unsigned round)
{
	struct store *s = NULL;
	struct err e = { "" };

	if (store_open(&s, f->path, &e))
		fail_msg("round %u: reopen: %s", round, e.msg);
	if (store_integrity_check(s, &e))
		fail_msg("round %u: %s", round, e.msg);
	store_close(s);
	/* every order's state is the end of its log */
	assert_int_equal(raw_int(f, "SELECT count(*) FROM orders o WHERE o.state IS NOT"
				    " (SELECT to_state FROM transitions t WHERE t.order_id = o.id"
				    " ORDER BY t.id DESC LIMIT 1)",
				 NULL),
			 0);
	/* the log is a chain: each row leaves the state the last one entered */
	assert_int_equal(raw_int(f, "SELECT count(*) FROM transitions t WHERE t.from_state IS NOT"
				    " (SELECT p.to_state FROM transitions p WHERE p.order_id ="
				    " t.order_id AND p.id < t.id ORDER BY p.id DESC LIMIT 1)",
				 NULL),
			 0);
	/* no report without its transition, and no reporting transition
	 * without its report */
	assert_int_equal(raw_int(f, "SELECT count(*) FROM outbox o WHERE NOT EXISTS (SELECT 1"
				    " FROM transitions t WHERE t.id = o.transition_id"
				    " AND t.order_id = o.order_id)",
				 NULL),
			 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM transitions t WHERE"
				    " ((t.from_state = 'downloading' AND t.to_state = 'ready')"
				    " OR t.to_state IN ('failed', 'reported')) AND NOT EXISTS"
				    " (SELECT 1 FROM outbox o WHERE o.transition_id = t.id)",
				 NULL),
			 0);
	/* a manifest never lands without its files */
	assert_int_equal(raw_int(f, "SELECT count(*) FROM orders o WHERE has_manifest = 1 AND"
				    " file_count <> (SELECT count(*) FROM files WHERE order_id = o.id)",
				 NULL),
			 0);
}

static void crash_keeps_log_and_state_together(void **state)
{
	struct fx *f = *state;
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();

	/* the writer gets the file to itself; a connection must not cross fork() */
	store_close(f->s);
	f->s = NULL;
	print_message("crash test seed %u\n", seed);
	for (unsigned round = 0; round < CRASH_KILLS; round++) {
		int pipefd[2], status;
		unsigned ticks;
		char ready;
		pid_t pid;

		assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(pipefd[0]);
			crash_writer(f->path, pipefd[1], round);
			_exit(1);
		}
		close(pipefd[1]);
		/* let it commit a random number of steps (about three lifecycles
		 * at most), then cut it somewhere inside the next one */
		ticks = rand_r(&seed) % 40;
		for (unsigned t = 0; t <= ticks; t++) {
			if (read(pipefd[0], &ready, 1) != 1) {
				waitpid(pid, &status, 0);
				fail_msg("round %u: the writer stopped after %u steps (exit %d)", round,
					 t, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
			}
		}
		usleep((useconds_t)(rand_r(&seed) % 20000));
		assert_int_equal(kill(pid, SIGKILL), 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		close(pipefd[0]);
		/* killed, not stopped by an error of its own */
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
			fail_msg("round %u: the writer exited with %d", round,
				 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		check_after_crash(f, round);
	}
	print_message("crash test: %lld transitions, %lld reports after %d kills\n",
		      raw_int(f, "SELECT count(*) FROM transitions", NULL),
		      raw_int(f, "SELECT count(*) FROM outbox", NULL), CRASH_KILLS);
	assert_true(raw_int(f, "SELECT count(*) FROM transitions", NULL) > CRASH_KILLS);
}

/* A delivered report's acknowledgement completes the order, in one step. */
static void delivered_ack_reports_order(void **state)
{
	struct fx *f = *state;
	struct store_report_new rep = { "delivered", "{\"media\":\"data-cd\"}" };
	struct store_report *r = NULL;
	struct err e = { "" };
	char rid[STORE_REPORT_ID_LEN + 1];
	size_t n;

	drive(f, "D1", ORDER_WRITTEN, 0, 1000);
	must(store_order_move(f->s, "D1", ORDER_WRITTEN, ORDER_ERASED, "", &rep, &e), &e, "erase");
	must(store_reports_pending(f->s, &r, &n, &e), &e, "pending");
	assert_int_equal(n, 1);
	memcpy(rid, r[0].id, sizeof(rid));
	store_reports_free(r, n);
	assert_int_equal(state_of(f, "D1"), ORDER_ERASED);
	must(store_report_acked(f->s, rid, &e), &e, "ack");
	assert_int_equal(state_of(f, "D1"), ORDER_REPORTED);
	/* acknowledged twice (a retry crossed the first ack): still one move */
	must(store_report_acked(f->s, rid, &e), &e, "ack again");
	assert_int_equal(raw_int(f, "SELECT count(*) FROM transitions WHERE to_state = 'reported'",
				 NULL), 1);
	must(store_integrity_check(f->s, &e), &e, "integrity");
}

static void counters_and_staff_log(void **state)
{
	struct fx *f = *state;
	struct err e = { "" };
	int64_t v = -1;

	must(store_counter_add(f->s, "ruined_blanks", 0, &v, &e), &e, "read");
	assert_int_equal(v, 0);
	must(store_counter_add(f->s, "ruined_blanks", 1, &v, &e), &e, "add");
	must(store_counter_add(f->s, "ruined_blanks", 2, &v, &e), &e, "add");
	assert_int_equal(v, 3);
	must(store_staff_log(f->s, "retry", "O1", "ok", &e), &e, "log");
	must(store_staff_log(f->s, "login", "../bad", "refused", &e), &e, "log");
	assert_int_equal(raw_int(f, "SELECT count(*) FROM staff_log WHERE order_id = ''", NULL), 1);
	assert_int_equal(store_staff_log(f->s, "", NULL, NULL, &e), -1);

	unsigned fails = 99;
	int64_t at = -1;

	must(store_staff_login_failures(f->s, &fails, &at, &e), &e, "failures");
	assert_int_equal(fails, 1); /* the "refused" login above */
	must(store_staff_log(f->s, "login", "", "refused", &e), &e, "log");
	must(store_staff_login_failures(f->s, &fails, &at, &e), &e, "failures");
	assert_int_equal(fails, 2);
	assert_true(at > 0);
	must(store_staff_log(f->s, "login", "", "ok", &e), &e, "log");
	must(store_staff_login_failures(f->s, &fails, &at, &e), &e, "failures");
	assert_int_equal(fails, 0);
}

/* The store performs a staff action only where order_action_allowed() says,
 * and a refused one changes nothing. */
static void staff_actions_enforced(void **state)
{
	struct fx *f = *state;

	for (int st = 0; st < ORDER_STATE_COUNT; st++) {
		for (int a = 0; a < 2; a++) {
			enum order_action act = a ? ORDER_ACT_REFETCH : ORDER_ACT_RETRY;
			struct err e = { "" };
			char id[40], before[8192], after[8192];
			int rc;

			snprintf(id, sizeof(id), "A-%d-%02d", a, st);
			drive(f, id, (enum order_state)st, ORDER_DOWNLOADING, 100);
			snapshot(f, before, sizeof(before));
			rc = a ? store_order_refetch(f->s, id, &e) : store_order_retry(f->s, id, &e);
			if (order_action_allowed(act, (enum order_state)st)) {
				must(rc, &e, id);
				assert_int_equal(state_of(f, id), ORDER_ANNOUNCED);
				continue;
			}
			assert_int_equal(rc, -1);
			assert_non_null(strstr(e.msg, " is only for failed orders"));
			snapshot(f, after, sizeof(after));
			assert_string_equal(before, after);
		}
	}
}

/* Ruined blanks per order: the third stops the order for staff; a staff
 * retry gives it three more; a write that touched no blank counts nothing. */
static void ruined_blanks_stop_the_order(void **state)
{
	struct fx *f = *state;
	struct store_order o;
	struct err e = { "" };
	int64_t total = 0;

	drive(f, "RB", ORDER_WRITING, 0, 100);
	assert_int_equal(store_order_ruined(f->s, "RB", ORDER_WRITING, 3, "medium error", &e), 0);
	assert_int_equal(state_of(f, "RB"), ORDER_CLAIMED);
	move_ok(f, "RB", ORDER_CLAIMED, ORDER_WRITING);
	move_ok(f, "RB", ORDER_WRITING, ORDER_CLAIMED); /* simulated: no blank touched */
	move_ok(f, "RB", ORDER_CLAIMED, ORDER_WRITING);
	move_ok(f, "RB", ORDER_WRITING, ORDER_VERIFYING);
	assert_int_equal(store_order_ruined(f->s, "RB", ORDER_VERIFYING, 3, "mismatch", &e), 0);
	move_ok(f, "RB", ORDER_CLAIMED, ORDER_WRITING);
	/* the wrong from-state changes nothing */
	assert_int_equal(store_order_ruined(f->s, "RB", ORDER_VERIFYING, 3, "x", &e), -1);
	assert_int_equal(store_order_ruined(f->s, "RB", ORDER_WRITING, 3, "medium error", &e), 1);
	assert_int_equal(store_order_get(f->s, "RB", &o, &e), 1);
	assert_int_equal(o.state, ORDER_FAILED);
	assert_int_equal(o.failed_from, ORDER_WRITING);
	assert_string_equal(o.reason, "3 blanks ruined writing this order; stopped for staff"
				      " (last: medium error)");
	must(store_counter_add(f->s, "ruined_blanks", 0, &total, &e), &e, "counter");
	assert_int_equal(total, 3);

	/* staff retry: back to claimed, and the count starts again */
	must(store_order_retry(f->s, "RB", &e), &e, "retry");
	assert_int_equal(state_of(f, "RB"), ORDER_CLAIMED);
	move_ok(f, "RB", ORDER_CLAIMED, ORDER_WRITING);
	assert_int_equal(store_order_ruined(f->s, "RB", ORDER_WRITING, 3, "again", &e), 0);
	assert_int_equal(state_of(f, "RB"), ORDER_CLAIMED);
	/* limit 1: the first ruined blank stops it */
	move_ok(f, "RB", ORDER_CLAIMED, ORDER_WRITING);
	assert_int_equal(store_order_ruined(f->s, "RB", ORDER_WRITING, 1, "once", &e), 1);
	assert_int_equal(store_integrity_check(f->s, &e), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(open_migrate_reopen),
		T(newer_schema_refused),
		T(foreign_files_refused),
		T(missing_database_refused),
		T(announce_new_and_known),
		T(accept_manifest_stores_everything),
		T(files_done_and_failed),
		T(every_legal_transition_works),
		T(every_illegal_transition_refused),
		T(from_state_guard),
		T(failed_needs_reason_and_retry_target),
		T(download_retry_keeps_done_files),
		T(report_queued_with_its_transition),
		T(outbox_due_acked_deferred),
		T(pickup_guard_grows_and_claim_resets),
		T(spool_reserved_sums_right_states),
		T(lists_and_notes),
		T(history_lines),
		T(tampered_values_are_errors),
		T(integrity_check_can_fail),
		T(integrity_check_counts_writes_and_reports),
		T(other_process_keeps_the_wal),
		T(crash_keeps_log_and_state_together),
		T(delivered_ack_reports_order),
		T(counters_and_staff_log),
		T(staff_actions_enforced),
		T(ruined_blanks_stop_the_order),
	};
#undef T

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
