// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pass is a sequence of sweeps over the store, each picking the orders in
 * one state and trying to move them one step on.  Nothing is kept in memory
 * between sweeps: the store is the only truth, which is what makes a pass
 * restartable after a kill at any moment.
 *
 * Errors come in two kinds.  A problem with the order itself (a bad
 * signature, a hash that keeps mismatching, too big for the media or the
 * spool, a watermark that does not name it) moves it to FAILED with the
 * reason and a "failed" report.  A problem of the moment (server
 * unreachable, disk full, stopped) leaves the order where it was with a
 * note, to be tried again by the next pass.  Either way the pass returns
 * the first reason.
 */
#include "sync.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "author.h"
#include "digest.h"
#include "log.h"
#include "manifest.h"
#include "report.h"
#include "mark_check.h"

#define SINK_BUF (1 << 20)

/* Keeps the first error of the pass in `first`, logs the rest. */
static void remember(struct err *first, int *rc, const struct err *now)
{
	if (!*rc)
		err_fail(first, "%s", now->msg);
	else
		log_error("sync", "%s", now->msg);
	*rc = -1;
}

/* The same for an order's own trouble: "order X: why". */
static void remember_order(struct err *first, int *rc, const char *id, const char *why)
{
	struct err e;

	err_fail(&e, "order %s: %s", id, why);
	remember(first, rc, &e);
}

static bool stopped(const struct sync_ctx *c)
{
	return c->stop && *c->stop;
}

/* Moves to FAILED with a "failed" report in the same transaction. */
static int fail_order(struct sync_ctx *c, const char *id, enum order_state from,
		      const char *reason, struct sync_stats *st, struct err *e)
{
	char *body = report_body_failed(time(NULL), reason);
	struct store_report_new rep = { "failed", body };
	int rc;

	if (!body)
		return err_fail(e, "out of memory");
	log_error("sync", "order %s failed: %s", id, reason);
	rc = store_order_move(c->store, id, from, ORDER_FAILED, reason, &rep, e);
	free(body);
	if (!rc)
		st->failed++;
	return rc;
}

/* Moves to a final state (EXPIRED, CANCELLED) with its report, then erases
 * the spool: the state is written before the erasure it announces. */
static int end_order(struct sync_ctx *c, const struct store_order *o, enum order_state to,
		     struct err *e)
{
	char *body = report_body_plain(time(NULL));
	struct store_report_new rep = { to == ORDER_EXPIRED ? "expired" : "cancelled", body };
	int rc;

	if (!body)
		return err_fail(e, "out of memory");
	rc = store_order_move(c->store, o->id, o->state, to, "", &rep, e);
	free(body);
	if (rc)
		return -1;
	log_info("sync", "order %s %s", o->id, order_state_name(to));
	return spool_erase_order(c->spool, o->id, e);
}

static bool can_expire(enum order_state s)
{
	return s == ORDER_ANNOUNCED || s == ORDER_DOWNLOADING || s == ORDER_READY ||
	       s == ORDER_AWAITING_PAYMENT || s == ORDER_FAILED;
}

static void tidy(struct sync_ctx *c, struct sync_stats *st, int *rc, struct err *first)
{
	struct store_order *orders = NULL;
	int64_t now = time(NULL);
	struct err e = { "" };
	size_t n;

	if (store_orders_list(c->store, -1, &orders, &n, &e)) {
		remember(first, rc, &e);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct store_order *o = &orders[i];

		if (o->has_manifest && o->expires_at <= now && can_expire(o->state)) {
			if (end_order(c, o, ORDER_EXPIRED, &e))
				remember(first, rc, &e);
			else
				st->expired++;
		} else if (order_content_gone(o->state) && spool_has_order(c->spool, o->id)) {
			log_warn("sync", "order %s is %s but its spool remains; erasing", o->id,
				 order_state_name(o->state));
			if (spool_erase_order(c->spool, o->id, &e))
				remember(first, rc, &e);
		}
	}
	free(orders);
}

static void apply_listing(struct sync_ctx *c, const struct delivery_listing *l,
			  struct sync_stats *st, int *rc, struct err *first)
{
	struct store_order o;
	struct err e = { "" };
	int found;

	if (!l->cancelled) {
		found = store_order_announce(c->store, l->id, &e);
		if (found < 0)
			remember(first, rc, &e);
		else if (found == 1) {
			st->announced++;
			log_info("sync", "order %s announced", l->id);
		}
		return;
	}
	found = store_order_get(c->store, l->id, &o, &e);
	if (found < 0) {
		remember(first, rc, &e);
		return;
	}
	/* an order being written is the customer's already; the rest can go */
	if (found && order_can_move(o.state, ORDER_CANCELLED) && o.state != ORDER_CLAIMED) {
		if (end_order(c, &o, ORDER_CANCELLED, &e))
			remember(first, rc, &e);
		else
			st->cancelled++;
	}
}

/* ANNOUNCED → DOWNLOADING, or FAILED. */
static void take_manifest(struct sync_ctx *c, const char *id, struct sync_stats *st,
			  int *rc, struct err *first)
{
	uint8_t sig[MANIFEST_SIG_MAX];
	struct manifest m = { 0 };
	char *json = NULL, why[ERR_MSG_MAX];
	size_t len, sig_len;
	uint64_t reserved;
	struct err e = { "" };

	switch (delivery_fetch_manifest(c->delivery, id, &json, &len, sig, &sig_len, &e)) {
	case 0:
		break;
	case DELIVERY_REJECTED:
		goto out_fail;
	default:
		/* the server's trouble, or the line's: try again next pass */
		store_order_note(c->store, id, e.msg, NULL);
		remember(first, rc, &e);
		return;
	}
	if (manifest_verify(json, len, sig, sig_len, c->cfg->manifest_key, &e) ||
	    manifest_parse(json, len, &m, &e))
		goto out_fail;
	if (strcmp(m.order_id, id)) {
		err_fail(&e, "manifest is for order %s, not %s", m.order_id, id);
		goto out_fail;
	}
	if (!m.pickup.has_locator) {
		err_fail(&e, "manifest has no pickup.locator: the server must send one (PROTOCOL.md)");
		goto out_fail;
	}
	if (m.ids.shop != c->cfg->shop_id) {
		err_fail(&e, "manifest is for shop %" PRIu32 ", this is shop %" PRIu32, m.ids.shop,
			 c->cfg->shop_id);
		goto out_fail;
	}
	/* a name the disc's file systems cannot hold fails now, not at the kiosk */
	for (size_t i = 0; m.media != MEDIA_AUDIO_CD && i < m.file_count; i++) {
		struct err bad;

		if (!author_name_ok(m.files[i].name, &bad)) {
			err_fail(&e, "file %zu (%.100s): %.200s", i, m.files[i].name, bad.msg);
			goto out_fail;
		}
	}
	if (store_spool_reserved(c->store, id, &reserved, &e)) {
		remember(first, rc, &e);
		goto out;
	}
	if (spool_check_room(c->spool, reserved, m.total_bytes, &e)) {
		if (!spool_could_fit(c->spool, m.total_bytes))
			goto out_fail; /* bigger than the whole quota: never */
		err_wrap(&e, "waiting for spool space");
		log_warn("sync", "order %s: %s", id, e.msg);
		store_order_note(c->store, id, e.msg, NULL);
		st->waiting_for_space++;
		goto out;
	}
	if (store_order_accept_manifest(c->store, id, json, len, sig, sig_len, &m, &e)) {
		remember(first, rc, &e);
		goto out;
	}
	st->manifests++;
	log_info("sync", "order %s: manifest accepted: %s, %zu files, %" PRIu64 " bytes", id,
		 media_kind_name(m.media), m.file_count, m.total_bytes);
	goto out;
out_fail:
	snprintf(why, sizeof(why), "%s", e.msg);
	if (fail_order(c, id, ORDER_ANNOUNCED, why, st, &e))
		remember(first, rc, &e);
	else
		remember_order(first, rc, id, why);
out:
	manifest_free(&m);
	free(json);
}

struct sink {
	struct sync_ctx *c;
	const char *id;
	unsigned idx;
	struct spool_writer *w;
	struct digest_ctx hash;
	uint8_t *buf;
	size_t fill;
	uint64_t from;   /* where this pass's bytes start in the file */
	uint64_t got;
};

static int sink_flush(struct sink *s, struct err *e)
{
	if (s->fill && spool_writer_write(s->w, s->buf, s->fill, e))
		return -1;
	s->fill = 0;
	return 0;
}

/* Hashes as bytes arrive (the data is hot in cache) and writes in 1 MiB
 * blocks, so the spool sees few, large writes. */
static int sink_take(void *arg, const void *buf, size_t len, struct err *e)
{
	struct sink *s = arg;

	if (stopped(s->c))
		return err_fail(e, "stopped");
	digest_update(&s->hash, buf, len);
	s->got += len;
	while (len) {
		size_t n = SINK_BUF - s->fill;

		if (n > len)
			n = len;
		memcpy(s->buf + s->fill, buf, n);
		s->fill += n;
		buf = (const uint8_t *)buf + n;
		len -= n;
		if (s->fill == SINK_BUF && sink_flush(s, e))
			return -1;
	}
	return 0;
}

/* The server ignored Range and sends the whole file: the .part starts
 * again from zero (truncated when the writer reopens it at 0). */
static int sink_restart(void *arg, struct err *e)
{
	struct sink *s = arg;

	s->fill = 0;
	spool_writer_close(s->w, false, NULL);
	s->w = NULL;
	if (spool_writer_open(s->c->spool, s->id, s->idx, 0, &s->w, e))
		return -1;
	digest_init(&s->hash);
	s->from = s->got = 0;
	return 0;
}

static bool file_exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

enum file_result { FILE_OK, FILE_MISMATCH, FILE_ERROR };

/* Brings one file to "done": resumes or starts its .part, hashes it as it
 * arrives, commits it when the hash matches. */
static enum file_result fetch_one(struct sync_ctx *c, const char *id,
				  const struct store_file *f, struct sync_stats *st,
				  struct err *e)
{
	struct sink s = { .c = c, .id = id, .idx = f->idx };
	uint8_t got[DIGEST_LEN];
	char path[4096];
	uint64_t part = 0, hashed = 0;

	/* committed by a pass that died before recording it */
	if (spool_data_path(c->spool, id, f->idx, path, sizeof(path), e))
		return FILE_ERROR;
	if (file_exists(path)) {
		if (digest_sha256_file(path, UINT64_MAX, got, &hashed, e))
			return FILE_ERROR;
		if (hashed == f->m.size && digest_equal(got, f->m.sha256, DIGEST_LEN))
			return store_file_done(c->store, id, f->idx, e) < 0 ? FILE_ERROR : FILE_OK;
		unlink(path);
	}

	if (spool_part_size(c->spool, id, f->idx, &part, e))
		return FILE_ERROR;
	if (part > f->m.size)
		part = 0;
	digest_init(&s.hash);
	if (part) {
		if (spool_part_path(c->spool, id, f->idx, path, sizeof(path), e) ||
		    digest_update_file(&s.hash, path, part, &hashed, e))
			return FILE_ERROR;
		part = hashed;
	}
	s.buf = aligned_alloc(4096, SINK_BUF); /* whole blocks for the spool's O_DIRECT */
	if (!s.buf)
		return err_fail(e, "out of memory"), FILE_ERROR;
	if (spool_writer_open(c->spool, id, f->idx, part, &s.w, e))
		goto out_error;
	if (part)
		log_info("sync", "order %s file %u: resuming at byte %" PRIu64, id, f->idx, part);
	s.from = s.got = part;
	if (delivery_fetch_file(c->delivery, id, f->idx, part, f->m.size, sink_take, sink_restart,
				&s, e))
		goto out_error;
	if (sink_flush(&s, e) || spool_writer_close(s.w, true, e)) {
		s.w = NULL;
		goto out_error;
	}
	s.w = NULL;
	free(s.buf);
	st->bytes += s.got - s.from;
	digest_final(&s.hash, got);
	if (!digest_equal(got, f->m.sha256, DIGEST_LEN)) {
		spool_discard_part(c->spool, id, f->idx, NULL);
		return FILE_MISMATCH;
	}
	if (spool_commit(c->spool, id, f->idx, e) || store_file_done(c->store, id, f->idx, e) < 0)
		return FILE_ERROR;
	st->files++;
	return FILE_OK;

out_error:
	/* keep what was received: the next pass resumes from it */
	sink_flush(&s, NULL);
	spool_writer_close(s.w, false, NULL);
	free(s.buf);
	return FILE_ERROR;
}

/* Brings every file of a DOWNLOADING order in; FAILED after repeated hash
 * mismatches.  The order stays DOWNLOADING: complete() moves it on. */
static void download(struct sync_ctx *c, const struct store_order *o, struct sync_stats *st,
		     int *rc, struct err *first)
{
	struct store_file *files = NULL;
	struct err e = { "" };
	size_t n;

	if (store_files(c->store, o->id, &files, &n, &e)) {
		remember(first, rc, &e);
		return;
	}
	for (size_t i = 0; i < n && !stopped(c); i++) {
		struct store_file *f = &files[i];
		enum file_result r;

		if (f->done)
			continue;
		while ((r = fetch_one(c, o->id, f, st, &e)) == FILE_MISMATCH) {
			char why[ERR_MSG_MAX];

			if (store_file_failed(c->store, o->id, f->idx, &f->failures, &e)) {
				r = FILE_ERROR;
				break;
			}
			log_warn("sync", "order %s file %u: SHA-256 mismatch (%u of %u)", o->id,
				 f->idx, f->failures, c->cfg->max_file_failures);
			if (f->failures < c->cfg->max_file_failures)
				continue;
			snprintf(why, sizeof(why), "file %u (%.100s): SHA-256 mismatch %u times",
				 f->idx, f->m.name, f->failures);
			if (fail_order(c, o->id, ORDER_DOWNLOADING, why, st, &e))
				remember(first, rc, &e);
			else
				remember_order(first, rc, o->id, why);
			goto out;
		}
		if (r == FILE_ERROR) {
			store_order_note(c->store, o->id, e.msg, NULL);
			remember(first, rc, &e);
			goto out;
		}
	}
out:
	free(files);
}

/* A DOWNLOADING order whose files are all in: its watermarks are checked
 * (mark_check.h), then it becomes READY with a "received" report, or FAILED
 * with the reason.  Killed half-way, the next pass checks again. */
static void complete(struct sync_ctx *c, const struct store_order *o, struct sync_stats *st,
		     int *rc, struct err *first)
{
	struct mark_check_verdict v;
	struct store_file *files = NULL;
	struct err e = { "" };
	char *body;
	size_t n;

	if (store_files(c->store, o->id, &files, &n, &e)) {
		remember(first, rc, &e);
		return;
	}
	if (mark_check_order(c->cfg->watermark_key, c->spool, o, files, n, c->stop, &v, &e)) {
		if (!stopped(c))
			remember(first, rc, &e);
		goto out;
	}
	if (!v.pass) {
		if (fail_order(c, o->id, ORDER_DOWNLOADING, v.reason, st, &e))
			remember(first, rc, &e);
		else
			remember_order(first, rc, o->id, v.reason);
		goto out;
	}
	if (v.verified)
		log_info("sync", "order %s: watermark checked: %u audio files name this order%s",
			 o->id, v.verified, v.tolerated ? " (short ones without a mark tolerated)" : "");
	body = report_body_received(time(NULL), o->total_bytes);
	if (!body)
		err_fail(&e, "out of memory");
	if (!body || store_order_move(c->store, o->id, ORDER_DOWNLOADING, ORDER_READY, "",
				      &(struct store_report_new){ "received", body }, &e)) {
		remember(first, rc, &e);
	} else {
		st->ready++;
		log_info("sync", "order %s ready", o->id);
	}
	free(body);
out:
	free(files);
}

enum sweep_step { STEP_MANIFEST, STEP_DOWNLOAD, STEP_COMPLETE };

static void sweep(struct sync_ctx *c, enum order_state state, enum sweep_step step,
		  struct sync_stats *st, int *rc, struct err *first)
{
	struct store_order *orders = NULL;
	struct err e = { "" };
	size_t n;

	if (store_orders_list(c->store, state, &orders, &n, &e)) {
		remember(first, rc, &e);
		return;
	}
	for (size_t i = 0; i < n && !stopped(c); i++) {
		if (step == STEP_MANIFEST)
			take_manifest(c, orders[i].id, st, rc, first);
		else if (step == STEP_DOWNLOAD)
			download(c, &orders[i], st, rc, first);
		else if (orders[i].files_done == orders[i].file_count)
			complete(c, &orders[i], st, rc, first);
	}
	free(orders);
}

int sync_pass(struct sync_ctx *c, struct sync_stats *st, struct err *e)
{
	struct delivery_listing *list = NULL;
	struct err now = { "" };
	size_t n = 0;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	tidy(c, st, &rc, e);
	if (delivery_list_orders(c->delivery, &list, &n, &now)) {
		remember(e, &rc, &now);
	} else {
		st->listed = (unsigned)n;
		for (size_t i = 0; i < n; i++)
			apply_listing(c, &list[i], st, &rc, e);
		free(list);
		sweep(c, ORDER_ANNOUNCED, STEP_MANIFEST, st, &rc, e);
		sweep(c, ORDER_DOWNLOADING, STEP_DOWNLOAD, st, &rc, e);
		/* checks after every download: no order's transfer waits for
		 * another's watermark check */
		sweep(c, ORDER_DOWNLOADING, STEP_COMPLETE, st, &rc, e);
	}
	if (!stopped(c) &&
	    report_flush(c->store, c->delivery, time(NULL), c->flush_all_reports,
			 &st->reports_sent, &now))
		remember(e, &rc, &now);
	if (stopped(c) && !rc)
		rc = err_fail(e, "stopped");
	return rc;
}
