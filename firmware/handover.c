// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * handover: the order side of disc writing.  author makes the image, burner
 * drives the drive; this file walks the order through its states around
 * them (see the drawing in handover.h) and decides what a failure means for
 * the order: a refusal before WRITING changes nothing; a failure after it
 * sends the order back to CLAIMED with the reason and counts the blank as
 * ruined; nothing is erased or reported until the disc verified.
 *
 * A job holds everything it opened in one struct, released by job_free(),
 * so every path out of handover_run() goes through the same cleanup.
 */
#include "handover.h"

#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <libburn/libburn.h>

#include "author.h"
#include "burner.h"
#include "digest.h"
#include "log.h"
#include "report.h"
#include "stamp.h"

#define EXPORT_NAME "disc" /* a real writer's CUE/BIN in the order's spool folder */

struct job {
	const struct config *cfg;
	struct store *store;
	struct spool *spool;
	const struct handover_opts *o;
	struct store_order order;
	struct store_file *files;
	size_t file_count;
	char *manifest;
	size_t manifest_len;
	uint8_t *sig;
	size_t sig_len;
	char (*paths)[4096];      /* spool .data path of each file */
	struct author_data *data;
	struct author_audio *audio;
	struct author_estimate est;
	struct burner *burner;
	const char *address;
	bool pseudo;
	char export_dir[4096];    /* real CD writer: the spool folder holding disc.bin */
	time_t started;
	enum burner_stage stage;
};

static void job_free(struct job *j, bool eject)
{
	burner_close(j->burner, eject);
	author_data_free(j->data);
	author_audio_free(j->audio);
	free(j->paths);
	free(j->files);
	free(j->manifest);
	free(j->sig);
}

int handover_init(struct err *e)
{
	if (author_init(e))
		return -1;
	if (burner_init(e)) {
		author_finish();
		return -1;
	}
	return 0;
}

void handover_finish(void)
{
	author_finish();
	burner_finish();
}

/* ---- progress ------------------------------------------------------------ */

struct relay {
	struct job *job;
	enum burner_stage stage;
};

static int relay_progress(const struct burner_progress *p, void *arg)
{
	struct relay *r = arg;
	const struct handover_opts *o = r->job->o;
	struct handover_progress hp = {
		.stage = p->stage,
		.bytes = p->done,
		.total = p->total,
		.mb_per_s = p->mb_per_s,
		/* verifying reads as fast as writing or faster: the rest of the
		 * job is about this stage's length again while writing */
		.eta_s = p->eta_s < 0 ? -1
			 : p->stage == BURNER_STAGE_VERIFYING ? p->eta_s
							       : p->eta_s + (int)(p->total / 1e6 /
									     (p->mb_per_s > 1 ? p->mb_per_s : 1)) / 2,
	};

	if (o->stop && *o->stop)
		return 1;
	return o->progress ? o->progress(o->arg, &hp) : 0;
}

static void tell(struct job *j, enum burner_stage stage, uint64_t bytes, uint64_t total)
{
	struct handover_progress hp = { stage, bytes, total, 0, -1 };

	if (j->o->progress)
		j->o->progress(j->o->arg, &hp);
}

/* ---- preparing ------------------------------------------------------------ */

/* burner's fit verdicts as the customer's refusals: one row each. */
static const enum handover_refusal fit_refusals[] = {
	[BURNER_FIT_OK] = REFUSE_NONE,		  [BURNER_FIT_NO_DISC] = REFUSE_NO_DISC,
	[BURNER_FIT_UNSUITABLE] = REFUSE_NOT_BLANK, [BURNER_FIT_WRITTEN] = REFUSE_NOT_BLANK,
	[BURNER_FIT_WRONG_KIND] = REFUSE_WRONG_TYPE, [BURNER_FIT_TOO_SMALL] = REFUSE_TOO_SMALL,
};
_Static_assert(sizeof(fit_refusals) / sizeof(fit_refusals[0]) == BURNER_FIT_COUNT,
	       "every fit verdict has its refusal");

static enum handover_refusal fit_refusal(enum burner_fit f)
{
	return (unsigned)f < BURNER_FIT_COUNT ? fit_refusals[f] : REFUSE_INTERNAL;
}

/* The blank a pseudo-drive stands for: the configured one, or what the order needs. */
static enum burner_blank pseudo_blank(const struct job *j)
{
	int b;

	if (j->o->pseudo_media && (b = burner_blank_parse(j->o->pseudo_media)) > 0)
		return (enum burner_blank)b;
	return burner_kind_blank(j->order.media);
}

/* "stdio:DIR/NAME.iso" → DIR and NAME (for an audio order's CUE/BIN). */
static void export_place(const char *address, char *dir, size_t dcap, char *name, size_t ncap)
{
	char copy[4096], *base, *dot;
	const char *path;

	burner_address_pseudo(address, &path);
	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(dir, dcap, "%s", dirname(copy));
	snprintf(copy, sizeof(copy), "%s", path);
	base = basename(copy);
	dot = strrchr(base, '.');
	if (dot && dot != base)
		*dot = '\0';
	snprintf(name, ncap, "%.64s", base);
	for (char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			*p = '_';
	if (name[0] == '.' || !name[0])
		name[0] = 'd';
}

/* Only a content fault fails an order for good; a failure for want of a
 * resource leaves it claimed and retryable.  The errno a failed call left
 * tells them apart (the caller clears errno first): the values below are
 * never a property of the content, so a stale one can at worst make a bad
 * order retryable, never fail a good one. */
static bool transient_errno(int err)
{
	return err == ENOMEM || err == EMFILE || err == ENFILE || err == EIO || err == EAGAIN ||
	       err == ENOBUFS;
}

/* Loads the order, its manifest and files, and re-hashes the spool: a file
 * damaged since it was downloaded must not reach a disc. */
static int load(struct job *j, const char *id, bool rehash, enum handover_refusal *why,
		struct err *e)
{
	int found = store_order_get(j->store, id, &j->order, e);

	*why = REFUSE_INTERNAL;
	if (found <= 0)
		return found < 0 ? -1 : err_fail(e, "no order %s", id);
	if (j->order.state != ORDER_CLAIMED)
		return err_fail(e, "order %s is %s, not claimed", id,
				order_state_name(j->order.state));
	/* the core asks first; this is the one check every write passes */
	if (j->cfg->pay_before_write && !j->order.paid)
		return err_fail(e, "order %s is not paid yet: its payment is confirmed at the "
				   "register first", id);
	if (store_order_manifest(j->store, id, &j->manifest, &j->manifest_len, &j->sig,
				 &j->sig_len, e) ||
	    store_files(j->store, id, &j->files, &j->file_count, e))
		return -1;
	j->paths = calloc(j->file_count, sizeof(*j->paths));
	if (!j->paths)
		return err_fail(e, "out of memory");
	for (size_t i = 0; i < j->file_count; i++) {
		uint8_t got[DIGEST_LEN];
		uint64_t n;

		if (spool_data_path(j->spool, id, j->files[i].idx, j->paths[i], sizeof(j->paths[i]),
				    e))
			return -1;
		if (!rehash)
			continue;
		errno = 0;
		if (digest_sha256_file(j->paths[i], UINT64_MAX, got, &n, e)) {
			*why = transient_errno(errno) ? REFUSE_INTERNAL : REFUSE_CONTENT;
			return err_wrap(e, "spool file %u", j->files[i].idx);
		}
		if (n != j->files[i].m.size || !digest_equal(got, j->files[i].m.sha256, DIGEST_LEN)) {
			*why = REFUSE_CONTENT;
			return err_fail(e, "spool file %u (%.100s) is damaged; download it again",
					j->files[i].idx, j->files[i].m.name);
		}
	}
	*why = REFUSE_NONE;
	return 0;
}

static int author_order(struct job *j, struct err *e)
{
	if (j->order.media == MEDIA_AUDIO_CD) {
		struct author_track *t = calloc(j->file_count, sizeof(*t));
		struct author_audio_spec spec = {
			.title = j->order.title, .performer = j->order.artist,
			.tracks = t, .track_count = j->file_count,
		};
		int rc;

		if (!t)
			return err_fail(e, "out of memory");
		for (size_t i = 0; i < j->file_count; i++)
			t[i] = (struct author_track){ j->paths[i], j->files[i].m.track.title,
						      j->files[i].m.track.performer };
		rc = author_audio_open(&j->audio, &spec, e);
		free(t);
		if (rc)
			return -1;
		author_audio_estimate(j->audio, &j->est);
	} else {
		struct author_file *f = calloc(j->file_count, sizeof(*f));
		struct author_data_spec spec = {
			.title = j->order.title, .files = f, .file_count = j->file_count,
			.mtime = time(NULL),
		};
		size_t stamp_len = 0;
		char *stamp;
		int rc;

		if (!f)
			return err_fail(e, "out of memory");
		stamp = stamp_build(j->manifest, j->manifest_len, j->sig, j->sig_len,
				    j->cfg->shop_id, time(NULL), &stamp_len, e);
		for (size_t i = 0; i < j->file_count; i++)
			f[i] = (struct author_file){ j->paths[i], j->files[i].m.name };
		spec.stamp = stamp;
		spec.stamp_len = stamp_len;
		spec.stamp_name = STAMP_FILE_NAME;
		rc = stamp ? author_data_open(&j->data, &spec, e) : -1;
		free(stamp);
		free(f);
		if (rc)
			return -1;
		author_data_estimate(j->data, &j->est);
	}
	return 0;
}

/* Grabs the drive and checks the disc against the order. */
static int open_drive(struct job *j, enum handover_refusal *why, struct err *e)
{
	struct burner_fit_info fit;

	j->address = j->o->drive && j->o->drive[0] ? j->o->drive : j->cfg->drive;
	if (!j->address[0]) {
		*why = REFUSE_INTERNAL;
		return err_fail(e, "no drive configured");
	}
	j->pseudo = burner_address_pseudo(j->address, NULL);
	if (burner_open(&j->burner, j->address, j->pseudo ? pseudo_blank(j) : BURNER_BLANK_NONE,
			e)) {
		*why = REFUSE_DRIVE_GONE;
		return -1;
	}
	if (burner_check_fit(j->burner, j->order.media, j->est.bytes, &fit, e)) {
		*why = fit_refusal(fit.fit);
		return -1;
	}
	*why = REFUSE_NONE;
	return 0;
}

static int prepare(struct job *j, const char *id, bool rehash, struct handover_result *r,
		   struct err *e)
{
	if (load(j, id, rehash, &r->refusal, e))
		return -1;
	errno = 0;
	if (author_order(j, e)) {
		r->refusal = transient_errno(errno) ? REFUSE_INTERNAL : REFUSE_CONTENT;
		return -1;
	}
	r->bytes = j->est.bytes;
	return open_drive(j, &r->refusal, e);
}

int handover_check(const struct config *cfg, struct store *s, struct spool *sp,
		   const char *order_id, const struct handover_opts *o,
		   struct handover_result *r, struct err *e)
{
	struct job j = { .cfg = cfg, .store = s, .spool = sp, .o = o };
	int rc;

	memset(r, 0, sizeof(*r));
	rc = prepare(&j, order_id, false, r, e);
	job_free(&j, false);
	return rc;
}

/* ---- writing ---------------------------------------------------------------- */

/* Back to CLAIMED with the reason; a touched blank is counted, and the
 * order's last allowed one stops it for staff: 1 then, else 0. */
static int back_to_claimed(struct job *j, enum order_state from, bool ruined,
			   const char *reason)
{
	struct err e2 = { "" };
	int rc;

	if (!ruined)
		rc = store_order_move(j->store, j->order.id, from, ORDER_CLAIMED, reason, NULL, &e2);
	else
		rc = store_order_ruined(j->store, j->order.id, from, j->cfg->max_ruined_blanks, reason,
					&e2);
	if (rc < 0)
		log_error("handover", "order %s: %s", j->order.id, e2.msg);
	if (rc == 1)
		log_warn("handover", "order %s: %u blanks ruined; stopped for staff", j->order.id,
			 j->cfg->max_ruined_blanks);
	return rc == 1;
}

static int write_disc(struct job *j, struct handover_result *r, bool *ruined, uint8_t md5[16],
		      struct err *e)
{
	struct relay rl = { j, BURNER_STAGE_WRITING };
	struct burner_result res = { 0 };
	int rc;

	*ruined = false;
	if (j->data) {
		struct burn_source *src = NULL;
		uint64_t hashed = 0;

		if (author_data_source(j->data, &src, e))
			return -1;
		/* author's source hashes every byte it hands over: one MD5 pass
		 * on the write side, not two */
		burner_set_write_md5(j->burner, false);
		rc = burner_write_data(j->burner, src, author_data_size(j->data), j->o->simulate,
				       relay_progress, &rl, &res, e);
		burn_source_free(src);
		*ruined = res.media_touched;
		if (!rc && !j->o->simulate &&
		    (author_data_status(j->data, e) || author_data_md5(j->data, md5, &hashed)))
			rc = -1;
		const char *path;

		burner_address_pseudo(j->address, &path);
		snprintf(r->output, sizeof(r->output), "%s", path);
	} else if (j->pseudo) {
		char dir[2048], name[80];

		export_place(j->address, dir, sizeof(dir), name, sizeof(name));
		tell(j, BURNER_STAGE_WRITING, 0, j->est.bytes);
		rc = j->o->simulate ? 0 : author_audio_export(j->audio, dir, name, e);
		*ruined = rc != 0;
		snprintf(r->output, sizeof(r->output), "%s/%s.cue", dir, name);
		tell(j, BURNER_STAGE_WRITING, j->est.bytes, j->est.bytes);
	} else {
		/* a real CD writer: the session is burned from an export in the spool */
		char *dir = j->export_dir;
		struct burn_disc *disc = NULL;

		snprintf(dir, sizeof(j->export_dir), "%s", j->paths[0]);
		dirname(dir);
		rc = author_audio_export(j->audio, dir, EXPORT_NAME, e) ||
		     author_audio_disc(j->audio, dir, EXPORT_NAME, &disc, e);
		if (!rc) {
			size_t npacks = 0;
			const unsigned char *packs = author_audio_packs(j->audio, &npacks);

			rc = burner_write_audio(j->burner, disc, packs, npacks, j->o->simulate,
						relay_progress, &rl, &res, e);
			*ruined = res.media_touched;
		}
		if (disc)
			burn_disc_free(disc);
		snprintf(r->output, sizeof(r->output), "%s", j->address);
	}
	r->write_mb_per_s = res.seconds > 0 ? res.bytes / 1e6 / res.seconds : 0;
	return rc ? -1 : 0;
}

/* 0: verified; -1: failed (e); 1: written but not verified (why in
 * not_verified[cap]). */
static int verify_disc(struct job *j, const uint8_t md5[16], char *not_verified, size_t cap,
		       struct err *e)
{
	struct relay rl = { j, BURNER_STAGE_VERIFYING };

	if (j->data)
		return burner_verify_data(j->burner, author_data_size(j->data), md5, relay_progress,
					  &rl, e) ? -1 : 0;
	if (j->pseudo) {
		char dir[2048], name[80];
		unsigned bad = 0;

		export_place(j->address, dir, sizeof(dir), name, sizeof(name));
		tell(j, BURNER_STAGE_VERIFYING, 0, j->est.bytes);
		if (author_audio_verify_export(j->audio, dir, name, &bad, e))
			return -1;
		tell(j, BURNER_STAGE_VERIFYING, j->est.bytes, j->est.bytes);
		return 0;
	}
	/* A real CD writer: the export it burned from still matches the
	 * author's track hashes, and the disc matches the export. */
	{
		char bin[4200];
		unsigned bad = 0;
		int rc;

		if (author_audio_verify_export(j->audio, j->export_dir, EXPORT_NAME, &bad, e))
			return -1;
		snprintf(bin, sizeof(bin), "%s/" EXPORT_NAME ".bin", j->export_dir);
		rc = burner_verify_audio(j->burner, bin, (uint32_t)j->est.sectors, relay_progress,
					 &rl, e);
		if (rc == BURNER_UNREADABLE) {
			snprintf(not_verified, cap, "%.255s", e->msg);
			err_clear(e);
			return 1;
		}
		return rc ? -1 : 0;
	}
}

/* WRITTEN → spool erased → ERASED with the delivered report, one transaction. */
static int finish(struct store *s, struct spool *sp, const struct store_order *o, bool verified,
		  int64_t started, struct err *e)
{
	struct report_delivered d = {
		.media = o->media, .started_at = started, .finished_at = time(NULL),
		.verified = verified, .erased = true, .fee = o->price,
	};
	char *body;
	int rc;

	memcpy(d.currency, o->currency, sizeof(d.currency));
	d.prepaid = o->prepaid;
	if (!o->prepaid) {
		int found = store_payment_get(s, o->id, &d.payment, e);

		if (found < 0)
			return -1;
		d.confirmed = found && d.payment.confirmed;
	}
	if (spool_erase_order(sp, o->id, e))
		return -1;
	body = report_body_delivered(time(NULL), &d);
	if (!body)
		return err_fail(e, "out of memory");
	rc = store_order_move(s, o->id, ORDER_WRITTEN, ORDER_ERASED, "",
			      &(struct store_report_new){ "delivered", body }, e);
	free(body);
	return rc;
}

int handover_run(const struct config *cfg, struct store *s, struct spool *sp,
		 const char *order_id, const struct handover_opts *o,
		 struct handover_result *r, struct err *e)
{
	struct job j = { .cfg = cfg, .store = s, .spool = sp, .o = o };
	uint8_t md5[16] = { 0 };
	bool ruined = false, eject = false;
	int verified, rc = -1;

	memset(r, 0, sizeof(*r));
	r->started_at = time(NULL);
	tell(&j, BURNER_STAGE_PREPARING, 0, 0);
	if (prepare(&j, order_id, true, r, e)) {
		if (r->refusal == REFUSE_CONTENT && j.order.state == ORDER_CLAIMED) {
			struct err why = *e;

			if (store_order_move(s, order_id, ORDER_CLAIMED, ORDER_FAILED, why.msg, NULL, e))
				log_error("handover", "%s", e->msg);
			*e = why;
		} else if (r->refusal == REFUSE_INTERNAL && j.order.state == ORDER_CLAIMED) {
			/* transient: the order stays claimed; staff see why */
			struct err why = *e, note = { "" };
			char reason[STORE_REASON_MAX];

			snprintf(reason, sizeof(reason), "not written, will retry: %.200s", why.msg);
			if (store_order_note(s, order_id, reason, &note))
				log_error("handover", "%s", note.msg);
		}
		goto out;
	}
	/* the state is written before the laser turns on */
	if (store_order_move(s, order_id, ORDER_CLAIMED, ORDER_WRITING, "", NULL, e)) {
		r->refusal = REFUSE_INTERNAL;
		goto out;
	}
	log_info("handover", "order %s: writing %" PRIu64 " bytes to %s%s", order_id,
		 j.est.bytes, j.address, o->simulate ? " (simulated)" : "");
	if (write_disc(&j, r, &ruined, md5, e)) {
		r->refusal = REFUSE_WRITE_FAILED;
		if (back_to_claimed(&j, ORDER_WRITING, ruined, e->msg))
			r->refusal = REFUSE_BLANKS_EXHAUSTED;
		goto out;
	}
	if (o->simulate) {
		back_to_claimed(&j, ORDER_WRITING, false, "simulated write");
		rc = 0;
		goto out;
	}
	if (store_order_move(s, order_id, ORDER_WRITING, ORDER_VERIFYING, "", NULL, e)) {
		r->refusal = REFUSE_INTERNAL;
		goto out;
	}
	verified = verify_disc(&j, md5, r->not_verified, sizeof(r->not_verified), e);
	if (verified < 0) {
		r->refusal = REFUSE_VERIFY_FAILED;
		if (back_to_claimed(&j, ORDER_VERIFYING, true, e->msg))
			r->refusal = REFUSE_BLANKS_EXHAUSTED;
		goto out;
	}
	if (j.data && verified == 0)
		for (int i = 0; i < 16; i++)
			snprintf(r->session_md5 + 2 * i, 3, "%02x", md5[i]);
	if (store_order_move(s, order_id, ORDER_VERIFYING, ORDER_WRITTEN, "", NULL, e)) {
		r->refusal = REFUSE_INTERNAL;
		goto out;
	}
	eject = o->eject;
	tell(&j, BURNER_STAGE_ERASING, 0, 0);
	if (finish(s, sp, &j.order, verified == 0, r->started_at, e)) {
		/* written and verified: the disc is good; erasure is retried by recovery */
		r->refusal = REFUSE_INTERNAL;
		goto out;
	}
	r->finished_at = time(NULL);
	tell(&j, BURNER_STAGE_DONE, 1, 1);
	r->verified = verified == 0;
	if (r->verified)
		log_info("handover", "order %s written, verified, erased", order_id);
	else
		log_warn("handover", "order %s written and erased, NOT verified: %s", order_id,
			 r->not_verified);
	rc = 0;
out:
	job_free(&j, eject);
	return rc;
}

int handover_recover(const struct config *cfg, struct store *s, struct spool *sp,
		     struct err *e)
{
	struct store_order *o = NULL;
	size_t n;
	int rc = 0;

	if (!strncmp(cfg->drive, "stdio:", 6)) {
		/* an audio export killed half way leaves an image-sized .tmp */
		char dir[2048], name[80];

		export_place(cfg->drive, dir, sizeof(dir), name, sizeof(name));
		if (author_audio_export_discard(dir, name, e))
			return -1;
	}
	if (store_orders_list(s, -1, &o, &n, e))
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct err why = { "" };

		if (o[i].state == ORDER_WRITING || o[i].state == ORDER_VERIFYING) {
			log_warn("handover", "order %s was %s when the kiosk stopped; back to claimed",
				 o[i].id, order_state_name(o[i].state));
			char reason[80];

			snprintf(reason, sizeof(reason), "interrupted: the kiosk stopped while %s",
				 o[i].state == ORDER_WRITING ? "writing" : "verifying");
			if (store_order_ruined(s, o[i].id, o[i].state, cfg->max_ruined_blanks, reason,
					       &why) < 0)
				rc = err_fail(e, "%s", why.msg);
		} else if (o[i].state == ORDER_WRITTEN) {
			log_warn("handover", "order %s was written; finishing its erasure", o[i].id);
			if (finish(s, sp, &o[i], true, o[i].updated_at, &why))
				rc = err_fail(e, "%s", why.msg);
		}
	}
	free(o);
	return rc;
}

/* ---- staff -------------------------------------------------------------------- */

int handover_test_write(const struct config *cfg, const struct handover_opts *o,
			struct handover_result *r, struct err *e)
{
	static const char text[] = "Tenpo test write: nothing of a customer's is on this disc.\n";
	struct author_data_spec spec = {
		.title = "TENPO TEST", .stamp = text, .stamp_len = sizeof(text) - 1,
		.stamp_name = "TENPO-TEST.TXT", .mtime = time(NULL),
	};
	struct job j = { .cfg = cfg, .o = o };
	struct relay rl = { &j, BURNER_STAGE_WRITING };
	struct burn_source *src = NULL;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	j.order.media = MEDIA_DATA_CD;
	j.address = o->drive && o->drive[0] ? o->drive : cfg->drive;
	j.pseudo = burner_address_pseudo(j.address, NULL);
	if (author_data_open(&j.data, &spec, e) || author_data_source(j.data, &src, e) ||
	    burner_open(&j.burner, j.address, j.pseudo ? pseudo_blank(&j) : BURNER_BLANK_NONE, e))
		goto out;
	rc = burner_write_data(j.burner, src, author_data_size(j.data), true, relay_progress, &rl,
			       NULL, e) ? -1 : 0;
out:
	if (src)
		burn_source_free(src);
	job_free(&j, false);
	return rc;
}

int handover_eject(const struct config *cfg, const char *drive, struct err *e)
{
	struct burner *b;
	const char *address = drive && drive[0] ? drive : cfg->drive;
	bool pseudo = burner_address_pseudo(address, NULL);

	if (burner_open(&b, address, pseudo ? BURNER_BLANK_CD_R : BURNER_BLANK_NONE, e))
		return -1;
	burner_close(b, true);
	return 0;
}

int handover_drive_status(const struct config *cfg, const struct handover_opts *o,
			  struct handover_drive *d, struct err *e)
{
	struct job j = { .cfg = cfg, .o = o };
	struct burner_media m;
	struct burner *b;
	const char *address = o && o->drive && o->drive[0] ? o->drive : cfg->drive;
	bool pseudo = burner_address_pseudo(address, NULL);

	memset(d, 0, sizeof(*d));
	j.order.media = MEDIA_DATA_CD;
	if (burner_open(&b, address, pseudo ? pseudo_blank(&j) : BURNER_BLANK_NONE, e))
		return -1;
	if (burner_media(b, &m, e)) {
		burner_close(b, false);
		return -1;
	}
	burner_close(b, false);
	d->present = m.status != BURNER_MEDIA_NONE;
	snprintf(d->profile, sizeof(d->profile), "%.40s%s", m.profile_name,
		 m.is_pseudo ? " (pseudo-drive)" : "");
	d->status = m.status;
	d->free_bytes = m.free_bytes;
	return 0;
}
