// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core: the running appliance without a UI, driven by intents and watched
 * through its snapshots and its database.
 *
 *   - a code is checked off the event thread: with the store's write lock
 *     held elsewhere the check cannot finish, yet the customer can leave
 *     (the session goes from CHECKING_CODE straight to IDLE, never through
 *     CODE_REFUSED), and the order claimed later goes back on the shelf;
 *   - a PIN whose staff-log row cannot be written is refused;
 *   - the PIN lock-out is not stretched by a wall clock set back;
 *   - a burn worker, and a claim worker, whose store does not open answer
 *     every job with the reason instead of leaving the customer waiting;
 *   - the peripherals (core_periph.c), with USB events injected through the
 *     USB thread's own path (core_periph_inject): a scanned code, typed or
 *     as the pickup QR, takes the typed code's path; a scan that is no code
 *     is refused on the code screen and ignored elsewhere; the staff's
 *     scanner test takes the next scan; a scan storm leaves the workers'
 *     slots of the event queue free; at DONE the receipt is laid out in the
 *     customer's language with the session checksum, kept for the day, and
 *     when no printer takes it the done screen and staff are told; staff
 *     preview a kept document as a PNG.
 *
 * Waits are on the core's wake callback (or, for a bare worker, its event
 * queue), never on a timer.  The network is never reached: the config
 * names no usable certificates, so the fetch worker stops at its start.
 */
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "claim.h"
#include "core_internal.h"
#include "receipts.h"
#include "scan_code.h"
#include "usb.h"
#include "handover.h"
#include "pickup.h"
#include "store.h"
#include "scratch.h"

#define CODE "4711-0815-4242"
#define PIN "2468"
#define MAX_SEEN 256

struct fx {
	char dir[256];
	struct config cfg;
	struct core *core;
	pthread_mutex_t mu;
	pthread_cond_t woke;
	enum core_session_stage seen[MAX_SEEN]; /* stages published, in order */
	unsigned n_seen;
};

static void wake(void *arg)
{
	struct fx *f = arg;
	struct core_snapshot *s = malloc(sizeof(*s));
	struct core *c;

	if (!s)
		return;
	pthread_mutex_lock(&f->mu);
	c = f->core; /* NULL while core_start() has not returned */
	pthread_mutex_unlock(&f->mu);
	if (c)
		core_snapshot(c, s);
	pthread_mutex_lock(&f->mu);
	if (c && f->n_seen < MAX_SEEN && (!f->n_seen || f->seen[f->n_seen - 1] != s->stage))
		f->seen[f->n_seen++] = s->stage;
	pthread_cond_broadcast(&f->woke);
	pthread_mutex_unlock(&f->mu);
	free(s);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct err e = { "" };

	if (!f)
		return -1;
	if (scratch_make(f->dir, sizeof(f->dir), "core"))
		return -1;
	config_defaults(&f->cfg);
	f->cfg.shop_id = 1001;
	snprintf(f->cfg.server_host, sizeof(f->cfg.server_host), "127.0.0.1");
	f->cfg.server_port = 9;
	snprintf(f->cfg.ca, sizeof(f->cfg.ca), "%s/none.crt", f->dir);
	snprintf(f->cfg.cert, sizeof(f->cfg.cert), "%s/none.crt", f->dir);
	snprintf(f->cfg.key, sizeof(f->cfg.key), "%s/none.key", f->dir);
	snprintf(f->cfg.database, sizeof(f->cfg.database), "%s/tenpo.db", f->dir);
	snprintf(f->cfg.spool, sizeof(f->cfg.spool), "%s/spool", f->dir);
	snprintf(f->cfg.output, sizeof(f->cfg.output), "%s/out", f->dir);
	snprintf(f->cfg.drive, sizeof(f->cfg.drive), "stdio:%s/out/disc.iso", f->dir);
	snprintf(f->cfg.board, sizeof(f->cfg.board), "desktop");
	{
		const char *top = getenv("TENPO_TOP");

		snprintf(f->cfg.printer_profiles, sizeof(f->cfg.printer_profiles),
			 "%s/drivers/profiles", top ? top : ".");
	}
	if (store_create(f->cfg.database, &e) < 0 || core_pin_make(PIN, f->cfg.staff_pin, sizeof(f->cfg.staff_pin), &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->woke, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	core_stop(f->core);
	pthread_cond_destroy(&f->woke);
	pthread_mutex_destroy(&f->mu);
	scratch_remove(f->dir);
	free(f);
	return 0;
}

static void must(int rc, const struct err *e, const char *what)
{
	if (rc < 0)
		fail_msg("%s: %s", what, e->msg);
}

static sqlite3 *raw_open(const struct fx *f)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->cfg.database, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 30000);
	return db;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
}

static int64_t raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A READY data-CD order MINE whose code is CODE, prepaid or not. */
static void add_order(struct fx *f, bool prepaid, uint64_t price)
{
	static const char json[] = "{}";
	static const uint8_t sig[] = { 0x30, 0x01 };
	struct manifest_file file = { .size = 1000, .kind = FILE_DATA };
	struct manifest m = { .version = 1, .media = MEDIA_DATA_CD, .files = &file, .file_count = 1,
			      .total_bytes = 1000, .issued_at = 1, .expires_at = 4000000000 };
	struct store *s;
	struct err e = { "" };

	snprintf(m.order_id, sizeof(m.order_id), "MINE");
	snprintf(m.title, sizeof(m.title), "Film");
	memcpy(m.currency, "JPY", 4);
	m.prepaid = prepaid;
	m.price = price;
	snprintf(file.name, sizeof(file.name), "film.avi");
	m.pickup.iterations = PICKUP_MIN_ITERATIONS;
	must(pickup_verifier_compute(CODE, &m.pickup, &e), &e, "verifier");
	must(store_open(&s, f->cfg.database, &e), &e, "store");
	assert_int_equal(store_order_announce(s, "MINE", &e), 1);
	must(store_order_accept_manifest(s, "MINE", json, sizeof(json) - 1, sig, sizeof(sig), &m,
					 &e),
	     &e, "accept");
	must(store_file_done(s, "MINE", 0, &e), &e, "file");
	must(store_order_move(s, "MINE", ORDER_DOWNLOADING, ORDER_READY, "", NULL, &e), &e,
	     "ready");
	store_close(s);
}

static void add_ready_order(struct fx *f)
{
	add_order(f, true, 0);
}

static void start(struct fx *f)
{
	struct core *c = NULL;
	struct err e = { "" };

	must(core_start(&c, &f->cfg, wake, f, &e), &e, "core_start");
	pthread_mutex_lock(&f->mu);
	f->core = c;
	pthread_mutex_unlock(&f->mu);
}

static void send(struct fx *f, enum core_intent_kind kind, const char *text)
{
	struct core_intent in = { .kind = kind };

	snprintf(in.text, sizeof(in.text), "%s", text ? text : "");
	assert_true(core_send(f->core, &in));
}

/* Waits (on wakes) until the published stage is `stage`. */
static void wait_stage(struct fx *f, enum core_session_stage stage)
{
	struct core_snapshot *s = malloc(sizeof(*s));

	assert_non_null(s);
	pthread_mutex_lock(&f->mu);
	for (;;) {
		core_snapshot(f->core, s);
		if (s->stage == stage)
			break;
		pthread_cond_wait(&f->woke, &f->mu);
	}
	pthread_mutex_unlock(&f->mu);
	free(s);
}

static bool seen(struct fx *f, enum core_session_stage stage)
{
	bool yes = false;

	pthread_mutex_lock(&f->mu);
	for (unsigned i = 0; i < f->n_seen; i++)
		yes = yes || f->seen[i] == stage;
	pthread_mutex_unlock(&f->mu);
	return yes;
}

static void code_checked_off_the_event_thread(void **state)
{
	struct fx *f = *state;
	sqlite3 *db;

	add_ready_order(f);
	start(f);
	db = raw_open(f);
	/* the claim's transaction cannot start while this one holds the lock */
	raw_exec(db, "BEGIN IMMEDIATE");
	send(f, INTENT_PICKUP_CODE, CODE);
	wait_stage(f, SESSION_CHECKING_CODE);
	send(f, INTENT_END_SESSION, NULL);
	wait_stage(f, SESSION_IDLE);
	assert_false(seen(f, SESSION_CODE_REFUSED));
	assert_false(seen(f, SESSION_ORDER_SHOWN));
	raw_exec(db, "COMMIT");
	/* the claim now goes through, and the session that left puts the order
	 * back: wait for the "customer left" move */
	pthread_mutex_lock(&f->mu);
	while (raw_int(db, "SELECT count(*) FROM transitions WHERE order_id = 'MINE'"
			   " AND from_state = 'claimed' AND to_state = 'ready'"
			   " AND reason = 'customer left'") != 1)
		pthread_cond_wait(&f->woke, &f->mu);
	pthread_mutex_unlock(&f->mu);
	assert_int_equal(raw_int(db, "SELECT state = 'ready' FROM orders WHERE id = 'MINE'"), 1);
	sqlite3_close(db);
}

static void right_code_shows_order(void **state)
{
	struct fx *f = *state;
	struct core_snapshot *s = malloc(sizeof(*s));

	assert_non_null(s);
	add_ready_order(f);
	start(f);
	send(f, INTENT_PICKUP_CODE, CODE);
	wait_stage(f, SESSION_ORDER_SHOWN);
	core_snapshot(f->core, s);
	assert_true(s->has_order);
	assert_string_equal(s->order.id, "MINE");
	send(f, INTENT_PICKUP_CODE, "0000-0000-0000"); /* ignored: a session is on */
	send(f, INTENT_END_SESSION, NULL);
	wait_stage(f, SESSION_IDLE);
	send(f, INTENT_PICKUP_CODE, "0000-0000-0000");
	wait_stage(f, SESSION_CODE_REFUSED);
	core_snapshot(f->core, s);
	assert_int_equal(s->msg, CORE_MSG_CODE_WRONG);
	free(s);
}

/* Waits until the staff screen's last action names a login. */
static void wait_login_result(struct fx *f, struct core_snapshot *s)
{
	pthread_mutex_lock(&f->mu);
	for (;;) {
		core_snapshot(f->core, s);
		if (strstr(s->staff.last_action, "login"))
			break;
		pthread_cond_wait(&f->woke, &f->mu);
	}
	pthread_mutex_unlock(&f->mu);
}

static void pin_refused_when_staff_log_fails(void **state)
{
	struct fx *f = *state;
	struct core_snapshot *s = malloc(sizeof(*s));
	struct store *st;
	struct err e = { "" };
	sqlite3 *db;

	assert_non_null(s);
	must(store_open(&st, f->cfg.database, &e), &e, "store");
	store_close(st);
	db = raw_open(f);
	raw_exec(db, "CREATE TRIGGER staff_log_full BEFORE INSERT ON staff_log"
		     " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
	sqlite3_close(db);
	start(f);
	send(f, INTENT_STAFF_LOGIN, PIN); /* the right PIN */
	wait_login_result(f, s);
	assert_false(s->staff.logged_in);
	assert_non_null(strstr(s->staff.last_action, "staff log not written"));
	free(s);
}

static void pin_accepted_when_staff_log_works(void **state)
{
	struct fx *f = *state;
	struct core_snapshot *s = malloc(sizeof(*s));

	assert_non_null(s);
	start(f);
	send(f, INTENT_STAFF_LOGIN, PIN);
	wait_login_result(f, s);
	assert_true(s->staff.logged_in);
	free(s);
}

/* Waits until the staff screen's last action holds `what`. */
static void wait_action(struct fx *f, struct core_snapshot *s, const char *what)
{
	pthread_mutex_lock(&f->mu);
	for (;;) {
		core_snapshot(f->core, s);
		if (strstr(s->staff.last_action, what))
			break;
		pthread_cond_wait(&f->woke, &f->mu);
	}
	pthread_mutex_unlock(&f->mu);
}

/* Not prepaid: no write until the slip's payment is confirmed by staff. */
static void paying_at_the_register(void **state)
{
	struct fx *f = *state;
	struct core_snapshot *s = malloc(sizeof(*s));
	char slip[64];
	sqlite3 *db;

	assert_non_null(s);
	add_order(f, false, 1200);
	start(f);
	send(f, INTENT_PICKUP_CODE, CODE);
	wait_stage(f, SESSION_ORDER_SHOWN);
	core_snapshot(f->core, s);
	assert_int_equal(s->msg, CORE_MSG_PAY_AT_REGISTER);
	assert_false(s->order.paid);
	send(f, INTENT_CONFIRM_ORDER, NULL); /* not paid: nothing happens */
	send(f, INTENT_PRINT_SLIP, NULL);
	wait_stage(f, SESSION_SLIP_ISSUED);
	assert_false(seen(f, SESSION_WAITING_DISC));
	core_snapshot(f->core, s);
	assert_int_equal(s->msg, CORE_MSG_SLIP_NOT_PRINTED); /* no printer on this branch */
	assert_int_equal(s->order.slip_amount, 1200);
	assert_true(s->order.slip_valid_until > s->now);
	assert_int_equal(strncmp(s->order.slip, "TP", 2), 0);
	assert_non_null(strstr(s->order.slip, "001200MINE"));
	snprintf(slip, sizeof(slip), "%s", s->order.slip);
	db = raw_open(f);
	assert_int_equal(raw_int(db, "SELECT state = 'awaiting-payment' FROM orders"), 1);
	send(f, INTENT_END_SESSION, NULL);
	wait_stage(f, SESSION_IDLE);
	assert_int_equal(raw_int(db, "SELECT state = 'awaiting-payment' FROM orders"), 1);
	/* the code again, before paying */
	send(f, INTENT_PICKUP_CODE, CODE);
	wait_stage(f, SESSION_CODE_REFUSED);
	core_snapshot(f->core, s);
	assert_int_equal(s->msg, CORE_MSG_AWAITING_PAYMENT);
	/* a slip scanned without a staff login is refused */
	send(f, INTENT_PICKUP_CODE, slip);
	wait_action(f, s, "log in as staff");
	assert_int_equal(raw_int(db, "SELECT state = 'awaiting-payment' FROM orders"), 1);
	send(f, INTENT_STAFF_LOGIN, PIN);
	wait_login_result(f, s);
	send(f, INTENT_PICKUP_CODE, slip);
	wait_action(f, s, "ok by staff");
	assert_int_equal(raw_int(db, "SELECT state = 'ready' FROM orders"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM staff_log WHERE action = 'confirm-payment'"
				     " AND result = 'ok by staff' AND order_id = 'MINE'"),
			 1);
	/* a second scan: refused, logged */
	send(f, INTENT_PICKUP_CODE, slip);
	wait_action(f, s, "already confirmed");
	sqlite3_close(db);
	/* paid: the code shows it ready to write */
	send(f, INTENT_END_SESSION, NULL);
	wait_stage(f, SESSION_IDLE);
	send(f, INTENT_PICKUP_CODE, CODE);
	wait_stage(f, SESSION_ORDER_SHOWN);
	core_snapshot(f->core, s);
	assert_true(s->order.paid);
	assert_int_equal(s->msg, CORE_MSG_NONE);
	free(s);
}

/* A named PIN's staff member is who confirmed, in the payment and the log;
 * here from the queue (by order ID). */
static void named_staff_confirms_from_queue(void **state)
{
	struct fx *f = *state;
	struct core_snapshot *s = malloc(sizeof(*s));
	struct core_intent in = { .kind = INTENT_STAFF_CONFIRM_PAYMENT };
	struct err e = { "" };
	sqlite3 *db;

	assert_non_null(s);
	snprintf(f->cfg.staff_pins[0].name, sizeof(f->cfg.staff_pins[0].name), "sato");
	must(core_pin_make("97531", f->cfg.staff_pins[0].pin, sizeof(f->cfg.staff_pins[0].pin), &e),
	     &e, "pin");
	f->cfg.staff_pin_count = 1;
	add_order(f, false, 1200);
	start(f);
	send(f, INTENT_PICKUP_CODE, CODE);
	wait_stage(f, SESSION_ORDER_SHOWN);
	send(f, INTENT_PRINT_SLIP, NULL);
	wait_stage(f, SESSION_SLIP_ISSUED);
	send(f, INTENT_END_SESSION, NULL);
	wait_stage(f, SESSION_IDLE);
	send(f, INTENT_STAFF_LOGIN, "97531");
	wait_login_result(f, s);
	assert_true(s->staff.logged_in);
	assert_non_null(strstr(s->staff.last_action, "ok as sato"));
	snprintf(in.order_id, sizeof(in.order_id), "MINE");
	assert_true(core_send(f->core, &in));
	wait_action(f, s, "ok by sato");
	db = raw_open(f);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM payments WHERE confirmed_by = 'sato'"), 1);
	assert_int_equal(raw_int(db, "SELECT state = 'ready' FROM orders"), 1);
	sqlite3_close(db);
	free(s);
}

/* An order awaiting payment survives a restart as it is: its slip is still
 * valid, where a claimed order goes back to ready. */
static void awaiting_payment_survives_restart(void **state)
{
	struct fx *f = *state;
	struct core_snapshot *s = malloc(sizeof(*s));
	struct core *c;
	sqlite3 *db;

	assert_non_null(s);
	add_order(f, false, 1200);
	start(f);
	send(f, INTENT_PICKUP_CODE, CODE);
	wait_stage(f, SESSION_ORDER_SHOWN);
	send(f, INTENT_PRINT_SLIP, NULL);
	wait_stage(f, SESSION_SLIP_ISSUED);
	pthread_mutex_lock(&f->mu);
	c = f->core;
	f->core = NULL;
	pthread_mutex_unlock(&f->mu);
	core_stop(c);
	start(f);
	db = raw_open(f);
	assert_int_equal(raw_int(db, "SELECT state = 'awaiting-payment' FROM orders"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM payments WHERE voided_at IS NULL"), 1);
	sqlite3_close(db);
	free(s);
}

/* Close of day: the totals in the staff view, the staff log and the report
 * upstream, whether or not a printer took the sheet. */
static void day_close_totals(void **state)
{
	struct fx *f = *state;
	struct core_snapshot *s = malloc(sizeof(*s));
	sqlite3 *db;

	assert_non_null(s);
	add_order(f, false, 1200);
	start(f);
	send(f, INTENT_STAFF_DAY_CLOSE, NULL); /* not logged in: refused */
	wait_action(f, s, "not logged in");
	assert_false(s->staff.day.valid);
	send(f, INTENT_STAFF_LOGIN, PIN);
	wait_login_result(f, s);
	send(f, INTENT_STAFF_DAY_CLOSE, NULL);
	wait_action(f, s, "day-close");
	assert_true(s->staff.day.valid);
	assert_false(s->staff.day.printed); /* no printer on this branch */
	assert_int_equal(s->staff.day.to - s->staff.day.from, 86400);
	assert_true(s->staff.day.from <= s->now && s->now < s->staff.day.to);
	assert_int_equal(s->staff.day.discs_written, 0);
	assert_int_equal(s->staff.day.fees_owed, 0);
	assert_non_null(strstr(s->staff.last_action, "0 discs"));
	db = raw_open(f);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM staff_log WHERE action = 'day-close'"), 1);
	/* its report upstream waits with it, by who closed; the paper's fate apart */
	assert_int_equal(raw_int(db, "SELECT count(*) FROM day_reports d JOIN staff_log l"
				     " ON l.id = d.staff_log_id AND l.action = 'day-close'"
				     " WHERE d.staff = 'staff' AND d.acked_at IS NULL"),
			 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM staff_log WHERE action = 'day-print'"), 1);
	sqlite3_close(db);
	free(s);
}

/* Five wrong PINs logged a day "ahead" of the clock: what a kiosk sees
 * after NTP sets its clock back a day.  The lock-out stays 30 s. */
static void pin_lockout_not_stretched_by_clock_set_back(void **state)
{
	struct fx *f = *state;
	struct core_snapshot *s = malloc(sizeof(*s));
	struct store *st;
	struct err e = { "" };
	sqlite3 *db;

	assert_non_null(s);
	must(store_open(&st, f->cfg.database, &e), &e, "store");
	store_close(st);
	db = raw_open(f);
	for (int i = 0; i < 5; i++)
		raw_exec(db, "INSERT INTO staff_log (at, action, result)"
			     " VALUES (CAST(strftime('%s', 'now') AS INTEGER) + 86400, 'login',"
			     " 'wrong PIN')");
	sqlite3_close(db);
	start(f);
	core_snapshot(f->core, s);
	assert_true(s->staff.locked_until > s->now);
	assert_true(s->staff.locked_until - s->now <= 30);
	assert_int_equal(core_pin_lock_left(5, 1000 + 86400, 1000), 30);
	assert_int_equal(core_pin_lock_left(5, 1000, 1010), 20);
	assert_int_equal(core_pin_lock_left(6, 1000, 1000), 60);
	assert_int_equal(core_pin_lock_left(4, 1000, 1000), 0);
	assert_int_equal(core_pin_lock_left(50, 1000, 1000), 3600);
	free(s);
}

/* ---- a bare worker without its store ------------------------------------ */

static void bare_core(struct core *c, const char *dir)
{
	memset(c, 0, sizeof(*c));
	config_defaults(&c->cfg);
	/* a folder is no database */
	snprintf(c->cfg.database, sizeof(c->cfg.database), "%s", dir);
	snprintf(c->cfg.spool, sizeof(c->cfg.spool), "%s/spool", dir);
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->event_cond, NULL);
	pthread_cond_init(&c->burn_cond, NULL);
	pthread_cond_init(&c->claim_cond, NULL);
}

/* The worker's first event; fails if the worker ends without one. */
static struct core_event worker_answer(struct core *c, pthread_t t)
{
	struct core_event ev = { 0 };

	for (;;) {
		bool got;

		pthread_mutex_lock(&c->lock);
		got = c->event_len > 0;
		if (got)
			ev = c->events[c->event_head];
		pthread_mutex_unlock(&c->lock);
		if (got)
			return ev;
		if (pthread_tryjoin_np(t, NULL) == 0) {
			pthread_mutex_lock(&c->lock);
			got = c->event_len > 0;
			pthread_mutex_unlock(&c->lock);
			if (!got)
				fail_msg("the worker ended without answering its job");
		}
		sched_yield();
	}
}

static void stop_bare(struct core *c, pthread_t t)
{
	pthread_mutex_lock(&c->lock);
	atomic_store(&c->stop, 1);
	pthread_cond_broadcast(&c->burn_cond);
	pthread_cond_broadcast(&c->claim_cond);
	pthread_mutex_unlock(&c->lock);
	pthread_join(t, NULL);
	pthread_cond_destroy(&c->claim_cond);
	pthread_cond_destroy(&c->burn_cond);
	pthread_cond_destroy(&c->event_cond);
	pthread_mutex_destroy(&c->lock);
}

static void burn_worker_without_store_answers(void **state)
{
	struct fx *f = *state;
	struct core *c = calloc(1, sizeof(*c));
	struct core_event ev;
	pthread_t t;

	assert_non_null(c);
	bare_core(c, f->dir);
	assert_int_equal(pthread_create(&t, NULL, core_burn_main, c), 0);
	assert_true(core_start_job(c, JOB_CHECK, "MINE"));
	ev = worker_answer(c, t);
	assert_int_equal(ev.job, JOB_CHECK);
	assert_string_equal(ev.order_id, "MINE");
	assert_int_not_equal(ev.rc, 0);
	assert_int_equal(ev.refusal, REFUSE_INTERNAL);
	assert_non_null(strstr(ev.text, "the disc writer cannot start"));
	stop_bare(c, t);
	free(c);
}

static void claim_worker_without_store_answers(void **state)
{
	struct fx *f = *state;
	struct core *c = calloc(1, sizeof(*c));
	struct core_event ev;
	pthread_t t;

	assert_non_null(c);
	bare_core(c, f->dir);
	assert_int_equal(pthread_create(&t, NULL, core_claim_main, c), 0);
	assert_true(core_start_claim(c, CODE));
	ev = worker_answer(c, t);
	assert_int_equal(ev.job, JOB_CLAIM);
	assert_int_equal(ev.claim, CLAIM_ERROR);
	assert_non_null(strstr(ev.text, "cannot be opened"));
	stop_bare(c, t);
	free(c);
}
/* ---- the peripherals ---------------------------------------------------- */

typedef bool (*snap_pred)(const struct core_snapshot *s, const void *arg);

/* Waits (on wakes) until pred holds for the published snapshot; s has it. */
static void wait_for(struct fx *f, struct core_snapshot *s, snap_pred pred, const void *arg)
{
	pthread_mutex_lock(&f->mu);
	for (;;) {
		core_snapshot(f->core, s);
		if (pred(s, arg))
			break;
		pthread_cond_wait(&f->woke, &f->mu);
	}
	pthread_mutex_unlock(&f->mu);
}

static bool logged_in(const struct core_snapshot *s, const void *arg)
{
	(void)arg;
	return s->staff.logged_in;
}

static bool action_is(const struct core_snapshot *s, const void *arg)
{
	return !strncmp(s->staff.last_action, arg, strlen(arg));
}

static bool printer_present(const struct core_snapshot *s, const void *arg)
{
	return s->periph.printer.present == *(const bool *)arg;
}

static bool paper_out(const struct core_snapshot *s, const void *arg)
{
	(void)arg;
	return s->periph.printer.paper_out;
}

static void inject(struct fx *f, enum usb_event_type type, enum usb_kind kind, const char *text)
{
	struct usb_event *ev = calloc(1, sizeof(*ev));

	assert_non_null(ev);
	ev->type = type;
	ev->kind = kind;
	snprintf(ev->name, sizeof(ev->name), "%s",
		 kind == USB_KIND_PRINTER ? "QEMU gadget printer" : "QEMU gadget HID POS scanner");
	ev->vid = 0x1209;
	ev->pid = kind == USB_KIND_PRINTER ? 0x0003 : 0x0001;
	printer_status_init(&ev->status);
	if (type == USB_EVENT_SCAN)
		snprintf(ev->text, sizeof(ev->text), "%s", text);
	else if (text)
		snprintf(ev->reason, sizeof(ev->reason), "%s", text);
	assert_true(core_periph_inject(f->core, ev));
	free(ev);
}

static void scan(struct fx *f, const char *text)
{
	inject(f, USB_EVENT_SCAN, USB_KIND_SCANNER, text);
}

static void scans_take_the_code_path(void **state)
{
	struct fx *f = *state;
	struct core_snapshot *s = malloc(sizeof(*s));
	char qr[SCAN_CODE_QR_MAX + 1];
	struct err e = { "" };

	assert_non_null(s);
	add_ready_order(f);
	start(f);
	/* a product's barcode on the code screen: refused, with the scan's words */
	scan(f, "4901234567894");
	wait_stage(f, SESSION_CODE_REFUSED);
	core_snapshot(f->core, s);
	assert_int_equal(s->msg, CORE_MSG_SCAN_UNREADABLE);
	/* a scan the scanner itself refused (garbage keys) is told the same */
	send(f, INTENT_END_SESSION, NULL);
	wait_stage(f, SESSION_IDLE);
	inject(f, USB_EVENT_SCAN_REFUSED, USB_KIND_SCANNER, "garbage: key 0x2b (Tab)");
	wait_stage(f, SESSION_CODE_REFUSED);
	core_snapshot(f->core, s);
	assert_int_equal(s->msg, CORE_MSG_SCAN_UNREADABLE);
	/* the typed form, scanned from a slip, from CODE_REFUSED */
	scan(f, CODE);
	wait_stage(f, SESSION_ORDER_SHOWN);
	core_snapshot(f->core, s);
	assert_string_equal(s->order.id, "MINE");
	/* elsewhere a scan is ignored: still the order */
	scan(f, "4901234567894");
	send(f, INTENT_DISC_INSERTED, "en"); /* a no-op here, but queued after the scan */
	send(f, INTENT_END_SESSION, NULL);
	wait_stage(f, SESSION_IDLE);
	assert_false(seen(f, SESSION_FAILED));
	/* the pickup QR of the customer's phone */
	must(scan_code_qr_format(1001, "471108154242", qr, &e), &e, "qr");
	scan(f, qr);
	wait_stage(f, SESSION_ORDER_SHOWN);
	send(f, INTENT_END_SESSION, NULL);
	wait_stage(f, SESSION_IDLE);
	/* another shop's QR is no code here */
	must(scan_code_qr_format(1002, "471108154242", qr, &e), &e, "qr");
	scan(f, qr);
	wait_stage(f, SESSION_CODE_REFUSED);
	core_snapshot(f->core, s);
	assert_int_equal(s->msg, CORE_MSG_SCAN_UNREADABLE);
	assert_true(s->periph.scanner.last_scan_at > 0);
	free(s);
}

static void scanner_test_takes_the_next_scan(void **state)
{
	struct fx *f = *state;
	struct core_snapshot *s = malloc(sizeof(*s));

	assert_non_null(s);
	add_ready_order(f);
	start(f);
	send(f, INTENT_STAFF_LOGIN, PIN);
	wait_for(f, s, logged_in, NULL);
	send(f, INTENT_STAFF_SCANNER_TEST, NULL);
	wait_for(f, s, action_is, "scanner-test");
	assert_true(s->periph.scanner_test);
	scan(f, CODE);
	send(f, INTENT_STAFF_SYNC_NOW, NULL); /* handled after the scan */
	wait_for(f, s, action_is, "sync-now");
	assert_false(s->periph.scanner_test);
	assert_string_equal(s->periph.test_scan, CODE);
	/* shown to staff, not acted on */
	assert_int_equal(s->stage, SESSION_IDLE);
	assert_false(seen(f, SESSION_CHECKING_CODE));
	free(s);
}

/* The USB thread never waits: scans stop at the slots kept for the others. */
static void scan_storm_leaves_room_for_workers(void **state)
{
	struct fx *f = *state;
	struct core *c = calloc(1, sizeof(*c));
	struct usb_event *ev = calloc(1, sizeof(*ev));
	struct core_event done = { .job = JOB_WRITE };
	unsigned queued = 0;

	(void)f;
	assert_non_null(c);
	assert_non_null(ev);
	bare_core(c, f->dir); /* no event thread: nothing drains the queue */
	ev->type = USB_EVENT_SCAN;
	snprintf(ev->text, sizeof(ev->text), "%s", CODE);
	for (int i = 0; i < 20; i++)
		queued += core_periph_inject(c, ev);
	assert_int_equal(queued, CORE_EVENT_QUEUE - CORE_EVENT_KEEP_FROM_SCANS);
	/* other USB news still gets in, up to its own reserve */
	ev->type = USB_EVENT_JOB_DONE;
	queued = 0;
	for (int i = 0; i < 20; i++)
		queued += core_periph_inject(c, ev);
	assert_int_equal(queued, CORE_EVENT_KEEP_FROM_SCANS - CORE_EVENT_KEEP_FOR_WORKERS);
	/* and a worker's news always */
	for (int i = 0; i < CORE_EVENT_KEEP_FOR_WORKERS; i++)
		assert_true(core_post_event(c, &done));
	assert_false(core_post_event(c, &done));
	pthread_cond_destroy(&c->claim_cond);
	pthread_cond_destroy(&c->burn_cond);
	pthread_cond_destroy(&c->event_cond);
	pthread_mutex_destroy(&c->lock);
	free(ev);
	free(c);
}

static bool receipts_listed(const struct core_snapshot *s, const void *arg)
{
	return s->periph.receipt_count >= *(const unsigned *)arg;
}

/* DONE without a write: the burn worker's news, as it would post it. */
static void write_done(struct fx *f, const char *checksum)
{
	struct core_event ev = { .job = JOB_WRITE, .rc = 0 };

	snprintf(ev.order_id, sizeof(ev.order_id), "MINE");
	snprintf(ev.text, sizeof(ev.text), "ok");
	snprintf(ev.checksum, sizeof(ev.checksum), "%s", checksum);
	assert_true(core_post_event(f->core, &ev));
	wait_stage(f, SESSION_DONE);
}

static bool contains(const uint8_t *b, size_t n, const char *s)
{
	return memmem(b, n, s, strlen(s)) != NULL;
}

/* usb = off (a kiosk set up without peripherals): the receipt is kept, and
 * neither the customer nor staff are told of a printer that is not meant to
 * be there. */
/* The receipt the kiosk kept today for MINE (free it). */
static uint8_t *kept_receipt(struct fx *f, size_t *len)
{
	char dir[CONFIG_PATH_MAX + 16];
	uint8_t *bytes;
	struct err e = { "" };

	snprintf(dir, sizeof(dir), "%s/receipts", f->cfg.output);
	must(receipts_load(dir, time(NULL), "MINE", "receipt", &bytes, len, &e), &e, "load");
	return bytes;
}

static void receipt_kept_without_usb(void **state)
{
	struct fx *f = *state;
	struct core_snapshot *s = malloc(sizeof(*s));
	uint8_t *bytes;
	size_t len;

	assert_non_null(s);
	f->cfg.usb = CONFIG_USB_OFF;
	add_ready_order(f);
	start(f);
	send(f, INTENT_PICKUP_CODE, CODE);
	wait_stage(f, SESSION_ORDER_SHOWN);
	write_done(f, "0123abcd4567ef890123abcd4567ef89");
	core_snapshot(f->core, s);
	assert_int_equal(s->stage, SESSION_DONE);
	assert_false(s->periph.receipt_failed);
	assert_false(s->periph.alert);
	bytes = kept_receipt(f, &len);
	assert_true(len > 0);
	free(bytes);
	free(s);
}

/* pay_before_write = false: an unpaid order is written first, and its
 * receipt says that the money is still to be paid at the register. */
static void receipt_of_order_written_before_paid(void **state)
{
	struct fx *f = *state;
	struct core_snapshot *s = malloc(sizeof(*s));
	uint8_t *bytes;
	size_t len;

	assert_non_null(s);
	f->cfg.usb = CONFIG_USB_OFF;
	f->cfg.pay_before_write = false;
	add_order(f, false, 1200);
	start(f);
	send(f, INTENT_PICKUP_CODE, CODE);
	wait_stage(f, SESSION_ORDER_SHOWN);
	core_snapshot(f->core, s);
	assert_false(s->order.paid);
	assert_false(s->order.pay_first);
	send(f, INTENT_DISC_INSERTED, "en");
	send(f, INTENT_STAFF_SYNC_NOW, NULL); /* refused: once it is, English is set */
	wait_for(f, s, action_is, "refused");
	write_done(f, "0123abcd4567ef890123abcd4567ef89");
	bytes = kept_receipt(f, &len);
	assert_true(contains(bytes, len, "NOT PAID: pay at the register"));
	assert_false(contains(bytes, len, "Paid at the register"));
	free(bytes);
	free(s);
}

static void receipt_at_done(void **state)
{
	struct fx *f = *state;
	struct core_snapshot *s = malloc(sizeof(*s));
	char dir[CONFIG_PATH_MAX + 16];
	uint8_t *bytes;
	size_t len;
	unsigned one = 1;
	bool yes = true;
	struct err e = { "" };

	assert_non_null(s);
	snprintf(f->cfg.shop_name, sizeof(f->cfg.shop_name), "Tenpo Test Shop");
	add_ready_order(f);
	start(f);
	send(f, INTENT_PICKUP_CODE, CODE);
	wait_stage(f, SESSION_ORDER_SHOWN);
	send(f, INTENT_DISC_INSERTED, "en"); /* the language, nothing else here */
	send(f, INTENT_STAFF_SYNC_NOW, NULL); /* refused: not logged in; but after it */
	wait_for(f, s, action_is, "refused");
	write_done(f, "0123abcd4567ef890123abcd4567ef89");
	core_snapshot(f->core, s);
	/* no printer: the customer and staff are told, the receipt is kept */
	assert_true(s->periph.receipt_failed);
	assert_true(s->periph.alert);
	assert_non_null(strstr(s->periph.alert_text, "receipt MINE not printed: no receipt printer"));
	assert_int_equal(s->periph.receipt_count, 1);
	assert_string_equal(s->periph.receipts[0].key, "MINE");
	assert_string_equal(s->periph.receipts[0].kind, "receipt");
	snprintf(dir, sizeof(dir), "%s/receipts", f->cfg.output);
	must(receipts_load(dir, time(NULL), "MINE", "receipt", &bytes, &len, &e), &e, "load");
	assert_int_equal(s->periph.receipts[0].size, len);
	assert_true(contains(bytes, len, "Tenpo Test Shop"));
	assert_true(contains(bytes, len, "Film"));
	assert_true(contains(bytes, len, "Checksum")); /* English, as the customer chose */
	assert_true(contains(bytes, len, "0123abcd"));
	assert_false(contains(bytes, len, "0123abcd4")); /* the short form */
	assert_true(contains(bytes, len, "CD-R"));
	free(bytes);
	/* a new customer: the flag is theirs no more */
	send(f, INTENT_END_SESSION, NULL);
	wait_stage(f, SESSION_IDLE);
	core_snapshot(f->core, s);
	assert_false(s->periph.receipt_failed);

	/* a printer out of paper: refused before anything is sent */
	inject(f, USB_EVENT_ATTACHED, USB_KIND_PRINTER, NULL);
	wait_for(f, s, printer_present, &yes);
	assert_string_equal(s->periph.printer.name, "QEMU gadget printer");
	assert_int_equal(s->periph.printer.vid, 0x1209);
	assert_string_equal(s->periph.printer.profile, "generic-80mm");
	{
		struct usb_event *ev = calloc(1, sizeof(*ev));

		assert_non_null(ev);
		ev->type = USB_EVENT_PRINTER_STATUS;
		ev->kind = USB_KIND_PRINTER;
		printer_status_init(&ev->status);
		ev->status.online = PRINTER_YES;
		ev->status.paper_out = PRINTER_YES;
		assert_true(core_periph_inject(f->core, ev));
		free(ev);
	}
	wait_for(f, s, paper_out, NULL);
	send(f, INTENT_PICKUP_CODE, CODE);
	wait_stage(f, SESSION_ORDER_SHOWN);
	write_done(f, "");
	core_snapshot(f->core, s);
	assert_true(s->periph.receipt_failed);
	assert_non_null(strstr(s->periph.alert_text, "paper out"));
	assert_int_equal(s->periph.receipt_count, 1); /* the same order's, replaced */
	must(receipts_load(dir, time(NULL), "MINE", "receipt", &bytes, &len, &e), &e, "load");
	assert_false(contains(bytes, len, "Checksum")); /* none given: the line is left out */
	free(bytes);
	send(f, INTENT_END_SESSION, NULL);
	wait_stage(f, SESSION_IDLE);
	yes = false;
	inject(f, USB_EVENT_DETACHED, USB_KIND_PRINTER, NULL);
	wait_for(f, s, printer_present, &yes);

	/* staff: a reprint needs a printer; the preview is made of the kept bytes */
	send(f, INTENT_STAFF_LOGIN, PIN);
	wait_for(f, s, logged_in, NULL);
	{
		struct core_intent in = { .kind = INTENT_STAFF_REPRINT };

		snprintf(in.order_id, sizeof(in.order_id), "MINE");
		assert_true(core_send(f->core, &in));
		wait_for(f, s, action_is, "reprint");
		assert_non_null(strstr(s->staff.last_action, "no receipt printer"));
		snprintf(in.order_id, sizeof(in.order_id), "../etc");
		assert_true(core_send(f->core, &in));
		send(f, INTENT_STAFF_SYNC_NOW, NULL);
		wait_for(f, s, action_is, "sync-now");
		in.kind = INTENT_STAFF_PREVIEW;
		snprintf(in.order_id, sizeof(in.order_id), "MINE");
		assert_true(core_send(f->core, &in));
		wait_for(f, s, action_is, "preview");
	}
	if (strstr(s->staff.last_action, "preview MINE: ok") == NULL)
		fail_msg("preview: %s", s->staff.last_action);
	assert_int_equal(s->periph.preview_seq, 1);
	assert_string_equal(s->periph.preview_key, "MINE");
	assert_int_equal(access(s->periph.preview_png, R_OK), 0);
	/* the printer test is kept too, under a name of its own */
	send(f, INTENT_STAFF_PRINTER_TEST, NULL);
	wait_for(f, s, action_is, "printer-test");
	assert_non_null(strstr(s->staff.last_action, "no receipt printer"));
	one = 2;
	wait_for(f, s, receipts_listed, &one);
	assert_string_equal(s->periph.receipts[1].kind, "test");
	assert_int_equal(strncmp(s->periph.receipts[1].key, "TEST_", 5), 0);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(code_checked_off_the_event_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(right_code_shows_order, setup, teardown),
		cmocka_unit_test_setup_teardown(pin_refused_when_staff_log_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(pin_accepted_when_staff_log_works, setup, teardown),
		cmocka_unit_test_setup_teardown(paying_at_the_register, setup, teardown),
		cmocka_unit_test_setup_teardown(day_close_totals, setup, teardown),
		cmocka_unit_test_setup_teardown(named_staff_confirms_from_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(awaiting_payment_survives_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(pin_lockout_not_stretched_by_clock_set_back, setup,
						teardown),
		cmocka_unit_test_setup_teardown(burn_worker_without_store_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(claim_worker_without_store_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(scans_take_the_code_path, setup, teardown),
		cmocka_unit_test_setup_teardown(scanner_test_takes_the_next_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(scan_storm_leaves_room_for_workers, setup, teardown),
		cmocka_unit_test_setup_teardown(receipt_at_done, setup, teardown),
		cmocka_unit_test_setup_teardown(receipt_kept_without_usb, setup, teardown),
		cmocka_unit_test_setup_teardown(receipt_of_order_written_before_paid, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
