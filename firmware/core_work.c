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

static void publish_net(struct core *c, int rc, const struct err *e, int64_t cert_not_after)
{
	pthread_mutex_lock(&c->lock);
	c->snap.net.reachable = rc == 0 || !strstr(e->msg, "connect");
	if (!rc)
		c->snap.net.last_sync_at = time(NULL);
	snprintf(c->snap.net.last_error, sizeof(c->snap.net.last_error), "%.250s", rc ? e->msg : "");
	if (cert_not_after)
		c->snap.net.server_cert_not_after = cert_not_after;
	core_changed(c);
	pthread_mutex_unlock(&c->lock);
	core_notify(c);
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
		publish_net(c, -1, &e, 0);
		goto out;
	}
	while (!c->stop) {
		struct sync_ctx ctx = {
			.cfg = &c->cfg, .store = s, .spool = sp, .delivery = d, .stop = &c->stop,
		};
		struct sync_stats st;
		uint16_t server_id;
		int64_t server_time, not_after = 0;
		struct timespec until;
		int rc;

		err_clear(&e);
		rc = sync_pass(&ctx, &st, &e);
		if (rc && !c->stop)
			log_warn("fetch", "sync: %s", e.msg);
		if (!rc && delivery_health(d, &server_id, &server_time, &not_after, NULL))
			not_after = 0;
		publish_net(c, rc, &e, not_after);
		pthread_mutex_lock(&c->lock);
		if (c->snap.staff.spool_waiting != st.waiting_for_space) {
			c->snap.staff.spool_waiting = st.waiting_for_space;
			core_changed(c);
		}
		pthread_mutex_unlock(&c->lock);

		pthread_mutex_lock(&c->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += c->cfg.sync_interval_s;
		while (!c->stop && !c->sync_now &&
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

static enum core_progress_stage progress_stage(enum handover_stage s)
{
	switch (s) {
	case HANDOVER_WRITING:
		return PROGRESS_WRITING;
	case HANDOVER_CLOSING:
		return PROGRESS_CLOSING;
	case HANDOVER_VERIFYING:
		return PROGRESS_VERIFYING;
	case HANDOVER_ERASING:
		return PROGRESS_ERASING;
	case HANDOVER_DONE:
		return PROGRESS_DONE;
	default:
		return PROGRESS_PREPARING;
	}
}

/* Write and verify are the job: writing counts for the first 80 %. */
static int on_progress(void *arg, const struct handover_progress *p)
{
	struct core *c = arg;
	struct core_progress *g;
	unsigned stage_pct = p->total ? (unsigned)(p->bytes * 100 / p->total) : 0;

	pthread_mutex_lock(&c->lock);
	g = &c->snap.progress;
	g->stage = progress_stage(p->stage);
	g->bytes = p->bytes;
	g->total = p->total;
	g->mb_per_s = p->mb_per_s;
	g->eta_s = p->eta_s;
	switch (p->stage) {
	case HANDOVER_WRITING:
		g->percent = stage_pct * 80 / 100;
		break;
	case HANDOVER_CLOSING:
		g->percent = 80;
		break;
	case HANDOVER_VERIFYING:
		g->percent = 80 + stage_pct * 18 / 100;
		break;
	case HANDOVER_ERASING:
		g->percent = 99;
		break;
	case HANDOVER_DONE:
		g->percent = 100;
		break;
	default:
		g->percent = 0;
	}
	if (p->stage == HANDOVER_VERIFYING && c->snap.stage == SESSION_WRITING)
		c->snap.stage = SESSION_VERIFYING;
	core_changed(c);
	pthread_mutex_unlock(&c->lock);
	core_notify(c);
	return c->stop ? 1 : 0;
}

static void publish_drive(struct core *c, const struct handover_drive *d, const char *address)
{
	pthread_mutex_lock(&c->lock);
	c->snap.drive.present = d->present;
	snprintf(c->snap.drive.address, sizeof(c->snap.drive.address), "%.127s", address);
	snprintf(c->snap.drive.profile, sizeof(c->snap.drive.profile), "%s", d->profile);
	c->snap.drive.disc = (enum core_disc_status)d->status;
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

	if (store_open(&s, c->cfg.database, &e) ||
	    spool_open(&sp, c->cfg.spool, c->cfg.spool_quota_bytes, &e)) {
		log_error("burn", "cannot start: %s", e.msg);
		goto out;
	}
	{
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
		while (!c->stop && c->job.kind == JOB_NONE)
			pthread_cond_wait(&c->burn_cond, &c->lock);
		job = c->job;
		pthread_mutex_unlock(&c->lock);
		if (c->stop)
			break;
		run_job(c, s, sp, &job, &ev);
		pthread_mutex_lock(&c->lock);
		c->job.kind = JOB_NONE;
		pthread_mutex_unlock(&c->lock);
		/* after the slot is free, so the event thread can start the next job */
		core_post_event(c, &ev);
	}
out:
	spool_close(sp);
	store_close(s);
	return NULL;
}
