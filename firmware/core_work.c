// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core_work: the two worker threads of the appliance.
 *
 * fetch: runs sync passes — every sync_interval_s, or at once when staff
 *        ask — and publishes what the network looks like.  Each pass uses
 *        the thread's own store connection and delivery client.
 * burn:  takes one job at a time from c->job (check a disc, write an order,
 *        test write, eject) and runs it through handover with its own store
 *        connection; progress goes straight into the snapshot, the outcome
 *        to the event thread as an event.
 *
 * Before either thread starts, core_start() runs core_recover(): what a
 * crash interrupted is finished, and claimed orders go back on the shelf.
 */
#include "core_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "delivery.h"
#include "log.h"
#include "sync.h"

static void publish_net(struct core *c, int rc, enum delivery_outcome outcome,
			const struct err *e, int64_t cert_not_after)
{
	pthread_mutex_lock(&c->lock);
	c->snap.net.outcome = outcome;
	c->snap.net.reachable = outcome != DELIVERY_UNREACHABLE;
	if (!rc)
		c->snap.net.last_sync_at = time(NULL);
	snprintf(c->snap.net.last_error, sizeof(c->snap.net.last_error), "%.250s", rc ? e->msg : "");
	if (cert_not_after)
		c->snap.net.server_cert_not_after = cert_not_after;
	core_changed(c);
	pthread_mutex_unlock(&c->lock);
	core_notify(c);
}

/* Retention, once per pass: what is over for retention_days becomes the
 * disc record (store_compact). */
static void compact(struct core *c, struct store *s)
{
	int64_t keep = (int64_t)c->cfg.retention_days * 86400;
	unsigned n = 0;
	struct err e = { "" };

	if (store_compact(s, time(NULL) - keep, &n, &e))
		log_warn("fetch", "retention: %s", e.msg);
	else if (n)
		log_info("fetch", "retention: %u orders compacted into the disc record", n);
}

void *core_fetch_main(void *arg)
{
	struct core *c = arg;
	struct delivery *d = NULL;
	struct store *s = NULL;
	struct spool *sp = NULL;
	struct err e = { "" };

	if (store_open(&s, c->cfg.database, &e) ||
	    spool_open(&sp, c->cfg.spool, c->cfg.spool_quota_bytes, &e) ||
	    delivery_open(&d, &c->cfg, &e)) {
		log_error("fetch", "cannot start: %s", e.msg);
		publish_net(c, -1, DELIVERY_OK, &e, 0);
		goto out;
	}
	while (!atomic_load(&c->stop)) {
		struct sync_ctx ctx = {
			.cfg = &c->cfg, .store = s, .spool = sp, .delivery = d, .stop = &c->stop,
		};
		struct sync_stats st;
		uint16_t server_id;
		int64_t server_time, not_after = 0;
		struct timespec until;
		int rc;

		err_clear(&e);
		delivery_take_outcome(d);
		rc = sync_pass(&ctx, &st, &e);
		if (rc && !atomic_load(&c->stop))
			log_warn("fetch", "sync: %s", e.msg);
		if (!rc && delivery_health(d, &server_id, &server_time, &not_after, NULL))
			not_after = 0;
		publish_net(c, rc, delivery_take_outcome(d), &e, not_after);
		compact(c, s);
		pthread_mutex_lock(&c->lock);
		if (c->snap.staff.spool_waiting != st.waiting_for_space) {
			c->snap.staff.spool_waiting = st.waiting_for_space;
			core_changed(c);
		}
		pthread_mutex_unlock(&c->lock);

		pthread_mutex_lock(&c->lock);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += c->cfg.sync_interval_s;
		while (!atomic_load(&c->stop) && !c->sync_now &&
		       pthread_cond_timedwait(&c->fetch_cond, &c->lock, &until) == 0)
			;
		c->sync_now = false;
		pthread_mutex_unlock(&c->lock);
	}
out:
	delivery_close(d);
	spool_close(sp);
	store_close(s);
	return NULL;
}

/* Write and verify are the job: each stage's share of the bar, as where it
 * starts and how far it runs (writing the first 80 %). */
static const struct {
	unsigned from, span;
} stage_share[] = {
	[BURNER_STAGE_PREPARING] = { 0, 0 }, [BURNER_STAGE_WRITING] = { 0, 80 },
	[BURNER_STAGE_CLOSING] = { 80, 0 },  [BURNER_STAGE_VERIFYING] = { 80, 18 },
	[BURNER_STAGE_ERASING] = { 99, 0 },  [BURNER_STAGE_DONE] = { 100, 0 },
};
_Static_assert(sizeof(stage_share) / sizeof(stage_share[0]) == BURNER_STAGE_COUNT,
	       "every stage has its share of the progress bar");

static int on_progress(void *arg, const struct handover_progress *p)
{
	struct core *c = arg;
	struct core_event ev = { .job = JOB_VERIFYING };
	struct core_progress *g;
	bool verifying;
	unsigned stage_pct = p->total ? (unsigned)(p->bytes * 100 / p->total) : 0;
	unsigned k = (unsigned)p->stage < BURNER_STAGE_COUNT ? (unsigned)p->stage : 0;

	pthread_mutex_lock(&c->lock);
	g = &c->snap.progress;
	g->stage = p->stage;
	g->bytes = p->bytes;
	g->total = p->total;
	g->mb_per_s = p->mb_per_s;
	g->eta_s = p->eta_s;
	g->percent = stage_share[k].from + stage_pct * stage_share[k].span / 100;
	/* the session's stage is the event thread's: tell it, once */
	verifying = p->stage == BURNER_STAGE_VERIFYING && !c->verify_posted;
	if (verifying) {
		c->verify_posted = true;
		snprintf(ev.order_id, sizeof(ev.order_id), "%s", c->job.order_id);
	}
	core_changed(c);
	pthread_mutex_unlock(&c->lock);
	core_notify(c);
	if (verifying)
		core_post_event(c, &ev);
	return atomic_load(&c->stop) ? 1 : 0;
}

static void publish_drive(struct core *c, const struct handover_drive *d, const char *address)
{
	pthread_mutex_lock(&c->lock);
	c->snap.drive.present = d->present;
	snprintf(c->snap.drive.address, sizeof(c->snap.drive.address), "%.127s", address);
	snprintf(c->snap.drive.profile, sizeof(c->snap.drive.profile), "%s", d->profile);
	c->snap.drive.disc = d->status;
	c->snap.drive.free_bytes = d->free_bytes;
	core_changed(c);
	pthread_mutex_unlock(&c->lock);
	core_notify(c);
}

/* Runs one job; ev gets its outcome (posted once the slot is free again). */
static void run_job(struct core *c, struct store *s, struct spool *sp, const struct core_job *job,
		    struct core_event *out)
{
	struct handover_opts o = {
		.drive = c->cfg.drive,
		.pseudo_media = c->cfg.pseudo_media[0] ? c->cfg.pseudo_media : NULL,
		.eject = true,
		.progress = on_progress,
		.arg = c,
		.stop = &c->stop,
	};
	struct core_event ev = { .job = job->kind };
	struct handover_result r = { 0 };
	struct handover_drive d = { 0 };
	struct err e = { "" };

	snprintf(ev.order_id, sizeof(ev.order_id), "%s", job->order_id);
	switch (job->kind) {
	case JOB_CHECK:
		ev.rc = handover_check(&c->cfg, s, sp, job->order_id, &o, &r, &e);
		break;
	case JOB_WRITE:
		ev.rc = handover_run(&c->cfg, s, sp, job->order_id, &o, &r, &e);
		break;
	case JOB_TEST_WRITE:
		o.simulate = true;
		o.eject = false;
		ev.rc = handover_test_write(&c->cfg, &o, &r, &e);
		break;
	case JOB_EJECT:
		ev.rc = handover_eject(&c->cfg, c->cfg.drive, &e);
		break;
	default:
		ev.rc = err_fail(&e, "unknown job");
	}
	ev.refusal = ev.rc && r.refusal == REFUSE_NONE ? REFUSE_INTERNAL : r.refusal;
	snprintf(ev.text, sizeof(ev.text), "%.250s", ev.rc ? e.msg : "ok");
	memcpy(ev.checksum, r.session_md5, sizeof(ev.checksum));
	if (ev.rc)
		log_warn("burn", "%s: %s", job->order_id, e.msg);
	if (!handover_drive_status(&c->cfg, &o, &d, NULL))
		publish_drive(c, &d, c->cfg.drive);
	*out = ev;
}

void core_recover(struct core *c)
{
	struct store_order *o = NULL;
	struct err e = { "" };
	size_t n = 0;

	if (handover_recover(&c->cfg, c->store, c->spool, &e))
		log_error("core", "recovery: %s", e.msg);
	/* A customer session does not outlive the program, and no session of
	 * this run exists yet (no thread runs): every claimed order, those
	 * recovery just sent back from writing included, goes back on the shelf
	 * so its customer can type the code again. */
	if (store_orders_list(c->store, ORDER_CLAIMED, &o, &n, &e)) {
		log_error("core", "%s", e.msg);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (store_order_move(c->store, o[i].id, ORDER_CLAIMED, ORDER_READY, "kiosk restarted",
				     NULL, &e))
			log_error("core", "order %s: %s", o[i].id, e.msg);
		else
			log_info("core", "order %s: claimed by a session that ended; ready again",
				 o[i].id);
	}
	free(o);
}

void *core_burn_main(void *arg)
{
	struct core *c = arg;
	struct store *s = NULL;
	struct spool *sp = NULL;
	struct err e = { "" };
	char broken[CORE_TEXT] = "";

	if (store_open(&s, c->cfg.database, &e) ||
	    spool_open(&sp, c->cfg.spool, c->cfg.spool_quota_bytes, &e)) {
		log_error("burn", "cannot start: %s", e.msg);
		/* every job gets this answer, so no customer waits for a disc
		 * check that never comes */
		snprintf(broken, sizeof(broken), "the disc writer cannot start: %.200s", e.msg);
		store_close(s);
		s = NULL;
	}
	if (s) {
		/* staff see the drive from the start, not after the first job */
		struct handover_opts o = {
			.drive = c->cfg.drive,
			.pseudo_media = c->cfg.pseudo_media[0] ? c->cfg.pseudo_media : NULL,
		};
		struct handover_drive d = { 0 };

		if (!handover_drive_status(&c->cfg, &o, &d, &e))
			publish_drive(c, &d, c->cfg.drive);
		else
			log_warn("burn", "drive %s: %s", c->cfg.drive, e.msg);
	}
	for (;;) {
		struct core_job job;
		struct core_event ev;

		pthread_mutex_lock(&c->lock);
		while (!atomic_load(&c->stop) && c->job.kind == JOB_NONE)
			pthread_cond_wait(&c->burn_cond, &c->lock);
		job = c->job;
		c->verify_posted = false;
		pthread_mutex_unlock(&c->lock);
		if (atomic_load(&c->stop))
			break;
		if (broken[0]) {
			ev = (struct core_event){ .job = job.kind, .rc = -1, .refusal = REFUSE_INTERNAL };
			snprintf(ev.order_id, sizeof(ev.order_id), "%s", job.order_id);
			snprintf(ev.text, sizeof(ev.text), "%s", broken);
		} else {
			run_job(c, s, sp, &job, &ev);
		}
		pthread_mutex_lock(&c->lock);
		c->job.kind = JOB_NONE;
		pthread_mutex_unlock(&c->lock);
		/* after the slot is free, so the event thread can start the next job */
		core_post_event(c, &ev);
	}
	spool_close(sp);
	store_close(s);
	return NULL;
}
