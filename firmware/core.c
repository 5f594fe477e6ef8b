// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core: the event thread and the customer session.
 *
 * The event thread sleeps on c->event_cond until an intent (from the UI) or
 * an event (from a worker) arrives, or a second passes (to refresh what the
 * staff screens show).  It handles one at a time; nothing it does waits for
 * the network or the drive — those are jobs for the workers.
 *
 * The customer session, drawn as the UI sees it:
 *
 *   IDLE ─code─▶ CHECKING_CODE ─ok─▶ ORDER_SHOWN ─confirm─▶ WAITING_DISC
 *                     │ no                                      │ check job
 *                     ▼                                         ▼
 *               CODE_REFUSED                    MEDIA_REFUSED ◀─┴─▶ WRITING
 *                                                 (new disc: check again) │
 *                                                                         ▼
 *                                    FAILED ◀── write/verify fails ── VERIFYING
 *                                                                         │
 *                                                                        DONE
 *   END_SESSION from any stage but WRITING/VERIFYING goes back to IDLE; an
 *   order claimed but not written goes back to READY for another visit.
 *
 * Paying at the register: an order that is not paid (store_order.paid) is
 * shown with PAY_AT_REGISTER, and while pay_before_write is set (the
 * default) "write it" does nothing; PRINT_SLIP stores the slip first
 * (CLAIMED → AWAITING_PAYMENT, store_payment_issue), then prints it:
 *
 *   ORDER_SHOWN ─print slip─▶ SLIP_ISSUED (SLIP_PRINTED or SLIP_NOT_PRINTED)
 *
 * The order then waits for staff (core_staff.c, core_pay.c) outside any
 * session; once paid it is READY again, and the customer's code claims it
 * paid.  With pay_before_write = false an unpaid order is written at once
 * and its delivered report says the register's payment is unconfirmed.
 */
#include "core_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "claim.h"
#include "escpos.h"
#include "log.h"
#include "receipt.h"
#include "tls.h"
#include "watchdog.h"

#define TENPO_VERSION "0.3.0"
#define REFRESH_S 2

static const char *const stage_names[SESSION_STAGE_COUNT] = {
	"idle",          "checking-code", "code-refused", "order-shown", "waiting-disc",
	"media-refused", "writing",       "verifying",    "done",        "failed",
	"slip-issued",
};

static const char *const msg_names[CORE_MSG_COUNT] = {
	"none",         "code-wrong",      "code-malformed",   "code-wait",
	"not-ready",    "expired",         "unavailable",      "pay-at-register",
	"no-disc",      "disc-not-blank",  "disc-wrong-type",  "disc-too-small",
	"write-failed", "verify-failed",   "drive-gone",       "internal",
	"blanks-exhausted", "slip-printed", "slip-not-printed", "awaiting-payment",
	"scan-unreadable",
};
_Static_assert(sizeof(msg_names) / sizeof(msg_names[0]) == CORE_MSG_COUNT,
	       "every message has its name");

const char *core_session_stage_name(enum core_session_stage s)
{
	return (unsigned)s < SESSION_STAGE_COUNT ? stage_names[s] : "?";
}

const char *core_msg_name(enum core_msg m)
{
	return (unsigned)m < CORE_MSG_COUNT ? msg_names[m] : "?";
}

int64_t core_mono_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec;
}

/* Timed waits on it measure intervals, which the wall clock must not move. */
static void cond_init_monotonic(pthread_cond_t *cond)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(cond, &a);
	pthread_condattr_destroy(&a);
}

void core_changed(struct core *c)
{
	c->snap.seq++;
	c->snap.now = time(NULL);
}

void core_notify(struct core *c)
{
	if (c->wake)
		c->wake(c->wake_arg);
}

bool core_send(struct core *c, const struct core_intent *in)
{
	bool queued = false;

	if ((unsigned)in->kind >= INTENT_KIND_COUNT)
		return false;
	pthread_mutex_lock(&c->lock);
	if (c->intent_len < CORE_INTENT_QUEUE) {
		struct core_intent *slot =
			&c->intents[(c->intent_head + c->intent_len++) % CORE_INTENT_QUEUE];

		*slot = *in;
		slot->order_id[sizeof(slot->order_id) - 1] = '\0';
		slot->text[sizeof(slot->text) - 1] = '\0';
		queued = true;
		pthread_cond_signal(&c->event_cond);
	}
	pthread_mutex_unlock(&c->lock);
	return queued;
}

void core_snapshot(struct core *c, struct core_snapshot *out)
{
	pthread_mutex_lock(&c->lock);
	memcpy(out, &c->snap, sizeof(*out));
	pthread_mutex_unlock(&c->lock);
}

bool core_post_event_leaving(struct core *c, const struct core_event *ev, unsigned keep_free)
{
	bool queued = false;

	pthread_mutex_lock(&c->lock);
	if (c->event_len + keep_free < CORE_EVENT_QUEUE) {
		c->events[(c->event_head + c->event_len++) % CORE_EVENT_QUEUE] = *ev;
		pthread_cond_signal(&c->event_cond);
		queued = true;
	}
	pthread_mutex_unlock(&c->lock);
	return queued;
}

bool core_post_event(struct core *c, const struct core_event *ev)
{
	if (core_post_event_leaving(c, ev, 0))
		return true;
	log_error("core", "event queue full; %s event lost", ev->order_id);
	return false;
}

bool core_start_job(struct core *c, enum core_job_kind kind, const char *order_id)
{
	bool started = false;

	pthread_mutex_lock(&c->lock);
	if (c->job.kind == JOB_NONE) {
		c->job.kind = kind;
		snprintf(c->job.order_id, sizeof(c->job.order_id), "%s", order_id ? order_id : "");
		pthread_cond_signal(&c->burn_cond);
		started = true;
	}
	pthread_mutex_unlock(&c->lock);
	return started;
}

/* ---- the customer session (event thread) -------------------------------- */

/* Sets the session's stage and message and publishes. */
static void set_stage(struct core *c, enum core_session_stage stage, enum core_msg msg)
{
	pthread_mutex_lock(&c->lock);
	c->snap.stage = stage;
	c->snap.msg = msg;
	core_changed(c);
	pthread_mutex_unlock(&c->lock);
	core_notify(c);
	log_info("core", "session: %s%s%s", stage_names[stage], msg ? " " : "",
		 msg ? msg_names[msg] : "");
}

void core_set_stage(struct core *c, enum core_session_stage stage, enum core_msg msg)
{
	set_stage(c, stage, msg);
}

static void load_order_view(struct core *c, const struct store_order *o,
			    struct core_order_view *v)
{
	struct store_file *f = NULL;
	struct err e;
	size_t n = 0;

	memset(v, 0, sizeof(*v));
	snprintf(v->id, sizeof(v->id), "%s", o->id);
	snprintf(v->title, sizeof(v->title), "%s", o->title);
	snprintf(v->artist, sizeof(v->artist), "%s", o->artist);
	v->media = o->media;
	v->price = o->price;
	memcpy(v->currency, o->currency, sizeof(v->currency));
	v->prepaid = o->prepaid;
	v->paid = o->paid;
	v->pay_first = !o->paid && c->cfg.pay_before_write;
	v->total_bytes = o->total_bytes;
	if (store_files(c->store, o->id, &f, &n, &e)) {
		log_error("core", "%s", e.msg);
		return;
	}
	for (size_t i = 0; i < n && i < CORE_MAX_ITEMS; i++) {
		struct core_item *it = &v->items[i];

		snprintf(it->name, sizeof(it->name), "%s", f[i].m.name);
		snprintf(it->title, sizeof(it->title), "%s", f[i].m.track.title);
		snprintf(it->performer, sizeof(it->performer), "%s", f[i].m.track.performer);
		it->size = f[i].m.size;
		/* CD-DA, 176 400 bytes a second (header ignored) */
		if (f[i].m.kind == FILE_AUDIO)
			it->duration_ms = (uint32_t)(f[i].m.size * 1000 /
						     (BURNER_AUDIO_SECTOR_BYTES *
						      BURNER_CD_SECTORS_PER_S));
		v->item_count++;
	}
	free(f);
}

static enum core_msg claim_msg(enum claim_refusal r)
{
	switch (r) {
	case CLAIM_MALFORMED:
		return CORE_MSG_CODE_MALFORMED;
	case CLAIM_WAIT:
		return CORE_MSG_CODE_WAIT;
	case CLAIM_WRONG:
		return CORE_MSG_CODE_WRONG;
	case CLAIM_NOT_READY:
		return CORE_MSG_ORDER_NOT_READY;
	case CLAIM_EXPIRED:
		return CORE_MSG_ORDER_EXPIRED;
	case CLAIM_UNAVAILABLE:
		return CORE_MSG_ORDER_UNAVAILABLE;
	case CLAIM_AWAITING_PAYMENT:
		return CORE_MSG_AWAITING_PAYMENT;
	default:
		return CORE_MSG_INTERNAL;
	}
}

/* What the customer is told for each refusal: handover's list, one
 * message each (the assert catches a refusal added without one). */
static const enum core_msg refusal_msgs[] = {
	[REFUSE_NONE] = CORE_MSG_NONE,
	[REFUSE_NO_DISC] = CORE_MSG_NO_DISC,
	[REFUSE_NOT_BLANK] = CORE_MSG_DISC_NOT_BLANK,
	[REFUSE_WRONG_TYPE] = CORE_MSG_DISC_WRONG_TYPE,
	[REFUSE_TOO_SMALL] = CORE_MSG_DISC_TOO_SMALL,
	[REFUSE_DRIVE_GONE] = CORE_MSG_DRIVE_GONE,
	[REFUSE_WRITE_FAILED] = CORE_MSG_WRITE_FAILED,
	[REFUSE_VERIFY_FAILED] = CORE_MSG_VERIFY_FAILED,
	[REFUSE_CONTENT] = CORE_MSG_INTERNAL,
	[REFUSE_BLANKS_EXHAUSTED] = CORE_MSG_BLANKS_EXHAUSTED,
	[REFUSE_INTERNAL] = CORE_MSG_INTERNAL,
};
_Static_assert(sizeof(refusal_msgs) / sizeof(refusal_msgs[0]) == REFUSE_COUNT,
	       "every refusal has its message");

static enum core_msg refusal_msg(enum handover_refusal r)
{
	enum core_msg m = (unsigned)r < REFUSE_COUNT ? refusal_msgs[r] : CORE_MSG_INTERNAL;

	return m == CORE_MSG_NONE && r != REFUSE_NONE ? CORE_MSG_INTERNAL : m;
}

/* The check runs on the claim worker (core_claim.c); on_claimed() gets the
 * outcome. */
static void on_code(struct core *c, const char *code)
{
	if (c->snap.stage != SESSION_IDLE && c->snap.stage != SESSION_CODE_REFUSED)
		return;
	if (!core_start_claim(c, code)) {
		log_warn("core", "a code is still being checked; this one is dropped");
		return;
	}
	set_stage(c, SESSION_CHECKING_CODE, CORE_MSG_NONE);
}

void core_session_code(struct core *c, const char *code)
{
	on_code(c, code);
}

static void on_claimed(struct core *c, const struct core_event *ev)
{
	struct store_order o;
	struct err e = { "" };

	if (c->snap.stage != SESSION_CHECKING_CODE) {
		/* the customer left while the code was checked */
		if (ev->claim == CLAIM_OK &&
		    store_order_move(c->store, ev->order_id, ORDER_CLAIMED, ORDER_READY,
				     "customer left", NULL, &e))
			log_error("core", "%s", e.msg);
		return;
	}
	if (ev->claim != CLAIM_OK) {
		log_info("core", "pickup refused: %s", ev->text);
		pthread_mutex_lock(&c->lock);
		c->snap.wait_s = ev->wait_s;
		pthread_mutex_unlock(&c->lock);
		set_stage(c, SESSION_CODE_REFUSED, claim_msg((enum claim_refusal)ev->claim));
		return;
	}
	if (store_order_get(c->store, ev->order_id, &o, &e) != 1) {
		log_error("core", "order %s claimed but not readable: %s", ev->order_id, e.msg);
		set_stage(c, SESSION_FAILED, CORE_MSG_INTERNAL);
		return;
	}
	log_info("core", "order %s claimed at the kiosk", o.id);
	{
		struct core_order_view *v = malloc(sizeof(*v));

		if (!v) {
			set_stage(c, SESSION_FAILED, CORE_MSG_INTERNAL);
			return;
		}
		load_order_view(c, &o, v);
		pthread_mutex_lock(&c->lock);
		c->snap.order = *v;
		c->snap.has_order = true;
		pthread_mutex_unlock(&c->lock);
		free(v);
	}
	set_stage(c, SESSION_ORDER_SHOWN, o.paid ? CORE_MSG_NONE : CORE_MSG_PAY_AT_REGISTER);
}

/* May the order on screen be written now? */
static bool may_write(const struct core *c)
{
	return !c->snap.order.pay_first;
}

/* The slip is stored (the order awaiting payment) before it is printed: a
 * printer that fails leaves a valid slip staff can confirm from the queue. */
static void print_slip(struct core *c)
{
	const struct printer_profile *p = core_periph_profile(c);
	time_t now = time(NULL);
	struct slip_info si = {
		.shop_name = c->cfg.shop_name,
		.order_id = c->snap.order.id,
		.title = c->snap.order.title,
		.amount_yen = (long long)c->snap.order.price,
		.issued = now,
		.valid_until = now + (time_t)c->cfg.slip_valid_minutes * 60,
		.lang = core_periph_lang(c),
	};
	char slip[SLIP_PAYLOAD_MAX];
	struct err e = { "" };
	const unsigned char *bytes;
	struct escpos b;
	size_t len = 0;
	bool printed = false;

	if (slip_payload(&si, slip, sizeof(slip), &e) ||
	    store_payment_issue(c->store, si.order_id, c->snap.order.price, c->snap.order.currency,
				now, si.valid_until, slip, &e)) {
		log_error("core", "order %s: no payment slip: %s", si.order_id, e.msg);
		set_stage(c, SESSION_FAILED, CORE_MSG_INTERNAL);
		return;
	}
	log_info("core", "order %s: payment slip %s issued, valid %u min", si.order_id, slip,
		 c->cfg.slip_valid_minutes);
	escpos_init(&b, p, 0);
	if (slip_encode(p, &si, &b, &e) || escpos_finish(&b, &e) ||
	    !(bytes = escpos_data(&b, &len)) ||
	    core_periph_print(c, CORE_DOC_SLIP, si.order_id, bytes, len, &e))
		log_warn("core", "order %s: slip not printed: %s", si.order_id, e.msg);
	else
		printed = true;
	escpos_free(&b);
	pthread_mutex_lock(&c->lock);
	snprintf(c->snap.order.slip, sizeof(c->snap.order.slip), "%s", slip);
	c->snap.order.slip_amount = c->snap.order.price;
	c->snap.order.slip_valid_until = si.valid_until;
	pthread_mutex_unlock(&c->lock);
	set_stage(c, SESSION_SLIP_ISSUED,
		  printed ? CORE_MSG_SLIP_PRINTED : CORE_MSG_SLIP_NOT_PRINTED);
}

static void check_disc(struct core *c)
{
	if (!core_start_job(c, JOB_CHECK, c->snap.order.id)) {
		log_warn("core", "drive busy; disc check postponed");
		return;
	}
	set_stage(c, SESSION_WAITING_DISC, CORE_MSG_NONE);
}

/* The customer leaves: a claimed order goes back on the shelf. */
static void end_session(struct core *c)
{
	struct store_order o;
	struct err e = { "" };

	if (c->snap.stage == SESSION_WRITING || c->snap.stage == SESSION_VERIFYING)
		return; /* the disc is being made; the session ends when it is done */
	if (c->snap.has_order && store_order_get(c->store, c->snap.order.id, &o, &e) == 1 &&
	    o.state == ORDER_CLAIMED &&
	    store_order_move(c->store, o.id, ORDER_CLAIMED, ORDER_READY, "customer left", NULL,
			     &e))
		log_error("core", "%s", e.msg);
	pthread_mutex_lock(&c->lock);
	c->snap.has_order = false;
	memset(&c->snap.order, 0, sizeof(c->snap.order));
	memset(&c->snap.progress, 0, sizeof(c->snap.progress));
	c->snap.wait_s = 0;
	pthread_mutex_unlock(&c->lock);
	core_periph_session_end(c);
	set_stage(c, SESSION_IDLE, CORE_MSG_NONE);
}

static void on_intent(struct core *c, const struct core_intent *in)
{
	c->last_touch = time(NULL);
	switch (in->kind) {
	case INTENT_PICKUP_CODE:
		/* a slip scanned at the kiosk is staff's, not a pickup */
		if (!core_pay_scan(c, in->text))
			on_code(c, in->text);
		break;
	case INTENT_CONFIRM_ORDER:
		core_periph_language(c, in->text);
		/* on the order: "write it"; after a refused or ruined blank:
		 * "try another disc" */
		if ((c->snap.stage == SESSION_ORDER_SHOWN && may_write(c)) ||
		    c->snap.stage == SESSION_MEDIA_REFUSED || c->snap.stage == SESSION_FAILED)
			check_disc(c);
		break;
	case INTENT_DISC_INSERTED:
		core_periph_language(c, in->text);
		if (c->snap.stage == SESSION_WAITING_DISC || c->snap.stage == SESSION_MEDIA_REFUSED ||
		    c->snap.stage == SESSION_FAILED)
			check_disc(c);
		break;
	case INTENT_END_SESSION:
		end_session(c);
		break;
	case INTENT_PRINT_SLIP:
		core_periph_language(c, in->text);
		if (c->snap.stage == SESSION_ORDER_SHOWN && !c->snap.order.paid)
			print_slip(c);
		break;
	default:
		core_staff_intent(c, in);
	}
}

static void on_event(struct core *c, const struct core_event *ev)
{
	bool ours = c->snap.has_order && !strcmp(ev->order_id, c->snap.order.id);

	switch (ev->job) {
	case JOB_CLAIM:
		on_claimed(c, ev);
		break;
	case JOB_PERIPH:
		core_periph_event(c, ev);
		return; /* what it changed, it published */
	case JOB_VERIFYING:
		if (ours && c->snap.stage == SESSION_WRITING)
			set_stage(c, SESSION_VERIFYING, CORE_MSG_NONE);
		break;
	case JOB_CHECK:
		if (!ours)
			break;
		if (ev->rc && ev->refusal == REFUSE_INTERNAL) {
			/* not the disc's fault (the writer cannot start, ...) */
			set_stage(c, SESSION_FAILED, CORE_MSG_INTERNAL);
		} else if (ev->rc || ev->refusal != REFUSE_NONE) {
			set_stage(c, SESSION_MEDIA_REFUSED, refusal_msg(ev->refusal));
		} else if (core_start_job(c, JOB_WRITE, ev->order_id)) {
			set_stage(c, SESSION_WRITING, CORE_MSG_NONE);
		}
		break;
	case JOB_WRITE:
		if (!ours)
			break;
		if (ev->rc) {
			set_stage(c, SESSION_FAILED, refusal_msg(ev->refusal));
		} else {
			/* the receipt first: the done screen then says at once
			 * when there is none */
			core_periph_session_done(c, ev->checksum);
			set_stage(c, SESSION_DONE, CORE_MSG_NONE);
			/* the delivery report is in the outbox: send it now,
			 * not at the next sync period */
			pthread_mutex_lock(&c->lock);
			c->sync_now = true;
			pthread_cond_signal(&c->fetch_cond);
			pthread_mutex_unlock(&c->lock);
		}
		break;
	default:
		pthread_mutex_lock(&c->lock);
		snprintf(c->snap.staff.last_action, sizeof(c->snap.staff.last_action), "%s",
			 ev->text);
		core_changed(c);
		pthread_mutex_unlock(&c->lock);
		core_notify(c);
	}
	core_staff_refresh(c);
}

static void *event_main(void *arg)
{
	struct core *c = arg;

	for (;;) {
		struct core_intent in;
		struct core_event ev;
		enum { NOTHING, INTENT, EVENT } got = NOTHING;
		struct timespec until;
		struct watchdog *wd;

		pthread_mutex_lock(&c->lock);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 1;
		while (!atomic_load(&c->stop) && !c->intent_len && !c->event_len &&
		       pthread_cond_timedwait(&c->event_cond, &c->lock, &until) == 0)
			;
		if (c->event_len) {
			ev = c->events[c->event_head];
			c->event_head = (c->event_head + 1) % CORE_EVENT_QUEUE;
			c->event_len--;
			got = EVENT;
		} else if (c->intent_len) {
			in = c->intents[c->intent_head];
			c->intent_head = (c->intent_head + 1) % CORE_INTENT_QUEUE;
			c->intent_len--;
			got = INTENT;
		}
		wd = c->watchdog;
		pthread_mutex_unlock(&c->lock);
		watchdog_core_alive(wd, watchdog_now_ms());
		if (atomic_load(&c->stop)) {
			end_session(c); /* quitting mid-session: the order goes back */
			break;
		}
		if (got == EVENT)
			on_event(c, &ev);
		else if (got == INTENT)
			on_intent(c, &in);
		if (core_mono_s() - c->last_refresh >= REFRESH_S)
			core_staff_refresh(c);
	}
	return NULL;
}

static int open_stores(struct core *c, struct err *e)
{
	if (store_open(&c->store, c->cfg.database, e) ||
	    spool_open(&c->spool, c->cfg.spool, c->cfg.spool_quota_bytes, e))
		return -1;
	return 0;
}

int core_start(struct core **out, const struct config *cfg, core_wake_fn wake, void *arg,
	       struct err *e)
{
	struct core *c = calloc(1, sizeof(*c));

	if (!c)
		return err_fail(e, "out of memory");
	c->cfg = *cfg;
	c->wake = wake;
	c->wake_arg = arg;
	pthread_mutex_init(&c->lock, NULL);
	cond_init_monotonic(&c->event_cond);
	cond_init_monotonic(&c->fetch_cond);
	cond_init_monotonic(&c->burn_cond);
	cond_init_monotonic(&c->claim_cond);
	c->snap.shop_id = cfg->shop_id;
	snprintf(c->snap.board, sizeof(c->snap.board), "%s", cfg->board);
	snprintf(c->snap.version, sizeof(c->snap.version), "%s", TENPO_VERSION);
	c->snap.progress.eta_s = -1;
	/* pseudo-drives and receipts live in the output folder */
	if (cfg->output[0] && mkdir(cfg->output, 0755) && errno != EEXIST) {
		err_fail(e, "%s: %s", cfg->output, strerror(errno));
		goto fail;
	}
	if (handover_init(e))
		goto fail;
	c->handover_ready = true;
	if (open_stores(c, e))
		goto fail;
	core_recover(c); /* before any thread: nothing can claim an order yet */
	if (core_periph_start(c, e)) /* only when out of memory: no peripheral is fatal */
		goto fail;
	{
		struct err why = { "" };

		if (tls_cert_file_not_after(cfg->cert, &c->snap.net.client_cert_not_after, &why))
			log_warn("core", "%s", why.msg);
	}
	core_staff_refresh(c);
	if (pthread_create(&c->burn_thread, NULL, core_burn_main, c)) {
		err_fail(e, "cannot start the burn worker");
		goto fail;
	}
	c->burn_started = true;
	if (pthread_create(&c->fetch_thread, NULL, core_fetch_main, c)) {
		err_fail(e, "cannot start the fetch worker");
		goto fail;
	}
	c->fetch_started = true;
	if (pthread_create(&c->claim_thread, NULL, core_claim_main, c)) {
		err_fail(e, "cannot start the claim worker");
		goto fail;
	}
	c->claim_started = true;
	if (pthread_create(&c->event_thread, NULL, event_main, c)) {
		err_fail(e, "cannot start the event thread");
		goto fail;
	}
	c->event_started = true;
	*out = c;
	return 0;
fail:
	core_stop(c);
	return -1;
}

void core_watch(struct core *c, struct watchdog *w)
{
	pthread_mutex_lock(&c->lock);
	c->watchdog = w;
	pthread_mutex_unlock(&c->lock);
}

void core_stop(struct core *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	atomic_store(&c->stop, 1);
	pthread_cond_broadcast(&c->event_cond);
	pthread_cond_broadcast(&c->fetch_cond);
	pthread_cond_broadcast(&c->burn_cond);
	pthread_cond_broadcast(&c->claim_cond);
	pthread_mutex_unlock(&c->lock);
	if (c->event_started)
		pthread_join(c->event_thread, NULL);
	if (c->fetch_started)
		pthread_join(c->fetch_thread, NULL);
	if (c->burn_started)
		pthread_join(c->burn_thread, NULL);
	if (c->claim_started)
		pthread_join(c->claim_thread, NULL);
	core_periph_stop(c); /* after the event thread: nothing submits a job now */
	spool_close(c->spool);
	store_close(c->store);
	if (c->handover_ready)
		handover_finish();
	pthread_cond_destroy(&c->claim_cond);
	pthread_cond_destroy(&c->burn_cond);
	pthread_cond_destroy(&c->fetch_cond);
	pthread_cond_destroy(&c->event_cond);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
