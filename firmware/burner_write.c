// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * burner_write: burner_write_data() and burner_write_audio().
 *
 * A write:  caller's source ─▶ tap (MD5 + block sums) ─▶ libburn FIFO
 *           ─▶ track ─▶ session ─▶ disc ─▶ burn_disc_write (writer thread)
 * and the calling thread polls burn_drive_get_status() every POLL_MS,
 * draining libburn's messages into the log and calling the progress
 * callback every CALLBACK_MS.  Teardown order matters: after libburn is
 * idle, the disc (which holds the track's reference to the FIFO) and then
 * the FIFO are freed; freeing the FIFO joins its thread, so the tap's
 * results are read after that with no other thread left to race with.
 */
#include "burner_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libburn/libburn.h>
#include <nettle/md5.h>

#include "log.h"

/*
 * libburn's FIFO between the source and the writer.  Its two sides poll
 * each other with 50 ms sleeps, so a small FIFO starves the writer: a
 * libisofs image of a 4 GB tree written to a tmpfs pseudo-drive took 59 s
 * through 4 MiB, 33 s through 8, 20 s through 16, 14 s through 32 and
 * 12 s through 64 MiB.  FIFO_BIG_READS lets it read 32 KiB per call
 * instead of one 2 KiB sector; with a libisofs source, MD5 included, that
 * alone took the source from 237 to 484 MB/s (per-sector reads make
 * libisofs' ring buffer wake its writer thread for every 2 KiB).
 */
#define FIFO_BYTES (64 << 20)
/* A real writer takes at most ~33 MB/s (24x DVD): 50 ms of polling is
 * under 2 MB, so 16 MiB rides out any hiccup of the source.  And no FIFO
 * is larger than the image it carries (the kiosk's memory budget). */
#define FIFO_BYTES_DRIVE (16 << 20)
#define FIFO_BYTES_MIN (1 << 20)
#define FIFO_BIG_READS 1
#define BUSY_RETRIES 250	/* × POLL_MS: 5 s */
#define SETTLE_S 30		/* fifo_settle()'s patience with a stuck source */

/* ---- the tap: a pass-through source that hashes what libburn reads ------ */

struct tap {
	struct burn_source *inner;	/* our own reference */
	uint64_t size, pos;
	bool hash;			/* compute md5 */
	struct md5_ctx md5;
	struct summer sum;
	struct block_sums *sums;	/* the handle's table, filled as we go */
	bool failed;
	/* Shared by the FIFO's thread and the burner's: the fields above are
	 * updated, and the flags below read and set, under lock.  libburn's
	 * FIFO hands data over through volatile ints, not locks, so this lock
	 * is also what orders the FIFO thread's writes before our reads. */
	pthread_mutex_t lock;
	bool stop;			/* deliver nothing more */
	bool ended;			/* returned EOF or an error: never called again */
	bool in_read;			/* the FIFO's thread is in tap_read() */
	bool read_once;			/* the FIFO's thread started reading */
};

/* Runs in the FIFO's thread. */
static int tap_read(struct burn_source *src, unsigned char *buf, int size)
{
	struct tap *t = src->data;
	struct burn_source *in = t->inner;
	uint64_t dummy;
	int got = 0, n;
	bool stop;

	pthread_mutex_lock(&t->lock);
	t->read_once = true;
	/* stopped: an end rather than an error, which libburn would log */
	stop = t->stop || t->pos >= t->size || size <= 0;
	if (!stop) {
		if ((uint64_t)size > t->size - t->pos)
			size = (int)(t->size - t->pos);
		t->in_read = true;
	}
	pthread_mutex_unlock(&t->lock);
	if (stop)
		goto out_end;
	/* the FIFO asks for 32 KiB at a time; a source that hands out less
	 * per call (one sector, say) is asked again until the buffer is full */
	while (got < size) {
		n = in->read ? in->read(in, buf + got, size - got) :
			       in->read_xt(in, buf + got, size - got);
		if (n <= 0) {
			got = n < 0 ? -1 : got;
			break;
		}
		got += n;
	}
	pthread_mutex_lock(&t->lock);
	t->in_read = false;
	if (got > 0) {
		if (t->hash)
			md5_update(&t->md5, (size_t)got, buf);
		burner_summer_feed(&t->sum, t->sums, buf, (size_t)got, false, &dummy);
		t->pos += (uint64_t)got;
	} else {
		t->failed = got < 0;
		t->ended = true;
	}
	pthread_mutex_unlock(&t->lock);
	return got;
out_end:
	pthread_mutex_lock(&t->lock);
	t->ended = true;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static off_t tap_get_size(struct burn_source *src)
{
	return (off_t)((struct tap *)src->data)->size;
}

static int tap_set_size(struct burn_source *src, off_t size)
{
	/* libburn's note to itself; the tap never delivers more than size */
	(void)src;
	(void)size;
	return 1;
}

/* The consumer gave up (libburn's FIFO calls this too): so do we, and the
 * caller's source is told (libisofs then stops its producer thread). */
static int tap_cancel(struct burn_source *src)
{
	struct tap *t = src->data;
	struct burn_source *in = t->inner;

	pthread_mutex_lock(&t->lock);
	t->stop = true;
	pthread_mutex_unlock(&t->lock);
	/* only a version 1 source (read == NULL) has .cancel */
	if (!in->read && in->version >= 1 && in->cancel)
		return in->cancel(in);
	return 1;
}

static void tap_free(struct burn_source *src)
{
	struct tap *t = src->data;

	burn_source_free(t->inner);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* A new source over inner with one reference, which the caller drops with
 * burn_source_free(); it takes a reference of its own on inner. */
static struct burn_source *tap_new(struct burn_source *inner, uint64_t size, bool hash,
				   struct block_sums *sums)
{
	struct burn_source *src = calloc(1, sizeof(*src));
	struct tap *t = calloc(1, sizeof(*t));

	if (!src || !t) {
		free(src);
		free(t);
		return NULL;
	}
	pthread_mutex_init(&t->lock, NULL);
	t->inner = inner;
	inner->refcount++;
	t->size = size;
	t->sums = sums;
	t->hash = hash;
	md5_init(&t->md5);
	src->refcount = 1;
	src->version = 1;
	src->read = NULL;
	src->read_xt = tap_read;
	src->get_size = tap_get_size;
	src->set_size = tap_set_size;
	src->cancel = tap_cancel;
	src->free_data = tap_free;
	src->data = t;
	return src;
}

/*
 * Makes the FIFO's thread leave the tap (and the caller's source) for good
 * before the FIFO is freed.  Freeing a FIFO whose thread still runs makes
 * libburn pthread_cancel() it asynchronously, which could strike inside the
 * caller's source while it holds a lock (libisofs', author's).  The FIFO's
 * thread reads until the tap returns EOF or an error, and never after; so
 * the tap stops delivering, and what the FIFO holds is read and dropped
 * (only what is there: a read never waits) until the tap has said its
 * last.  The thread then only sleeps until it exits, and the tap's results
 * are ours to read.  A source stuck in a read for SETTLE_S makes this give
 * up: false, and the caller leaks the FIFO rather than cancel its thread
 * mid-read.
 */
static bool fifo_settle(struct burn_source *fifo, struct burn_source *tap_src)
{
	struct tap *t = tap_src->data;
	unsigned char sink[32 * 1024];
	double deadline = burner_now_s() + SETTLE_S;
	int st, size, avail, fill;
	bool done, never;
	char *text;

	pthread_mutex_lock(&t->lock);
	t->stop = true;
	pthread_mutex_unlock(&t->lock);
	for (;;) {
		pthread_mutex_lock(&t->lock);
		done = t->ended && !t->in_read;
		never = !t->read_once;
		pthread_mutex_unlock(&t->lock);
		if (done)
			return true;
		st = burn_fifo_inquire_status(fifo, &size, &avail, &text);
		if (st == 0 && never)
			return true;	/* "standby": its thread never started */
		fill = size - avail - 1;
		if (st > 0 && !(st & 4) && fill > 0) {
			/* room for the thread's next read, so it sees the stop */
			fifo->read_xt(fifo, sink, fill < (int)sizeof(sink) ? fill
						       : (int)sizeof(sink));
			continue;
		}
		if (burner_now_s() > deadline) {
			log_error(MSG_MOD, "the image source did not stop within %d s", SETTLE_S);
			return false;
		}
		burner_sleep_ms(POLL_MS);
	}
}

/* ---- the write loop ------------------------------------------------------ */

static enum burner_stage stage_of(enum burn_drive_status s)
{
	switch (s) {
	case BURN_DRIVE_WRITING:
	case BURN_DRIVE_WRITING_SYNC:
		return BURNER_STAGE_WRITING;
	case BURN_DRIVE_WRITING_LEADOUT:
	case BURN_DRIVE_CLOSING_TRACK:
	case BURN_DRIVE_CLOSING_SESSION:
		return BURNER_STAGE_CLOSING;
	default:
		return BURNER_STAGE_PREPARING;
	}
}

struct write_job {
	struct burn_write_opts *opts;
	struct burn_disc *disc;
	struct burn_source *fifo;	/* NULL for audio */
	uint64_t total;			/* bytes, for progress */
	uint64_t unit;			/* bytes per libburn sector (2048 or 2352) */
	uint32_t track_sectors[99];	/* each track's length: libburn's progress is
					 * per track */
	int tracks;
	burner_progress_fn cb;
	void *arg;
	/* out */
	bool cancelled, wrote_well;
	uint64_t done;
	double seconds;
	int fifo_min;
};

static int fifo_fill(struct burn_source *fifo)
{
	int size = 0, avail = 0;
	char *text = NULL;

	if (!fifo || burn_fifo_inquire_status(fifo, &size, &avail, &text) < 0 || size <= 0)
		return -1;
	return (int)((int64_t)(size - avail) * 100 / size);
}

/* burn_disc_write() and the poll loop, until libburn is idle again and its
 * writer thread has ended. */
static void run_write(struct burner *b, struct write_job *j)
{
	struct burner_progress p = { .fifo_percent = -1 };
	double t0 = burner_now_s(), last_cb = 0, writing_since = 0;
	bool started = false, threaded = false;
	struct burn_progress bp;
	enum burn_drive_status st;
	int seen = 0, tries;

	j->fifo_min = -1;
	p.total = j->total;
	/* libburn reports idle a moment before the previous writer thread is
	 * gone, and refuses a new write until it is: retry for a while */
	for (tries = 0; tries < BUSY_RETRIES && !started; tries++) {
		if (tries)
			burner_sleep_ms(POLL_MS);
		burn_disc_write(j->opts, j->disc);
		started = !(burner_drain_msgs(b) & SEEN_STILL_BUSY);
	}
	if (!started) {
		burner_copy_text(b->reason, sizeof(b->reason), "the drive is still busy");
		return;
	}
	for (;;) {
		memset(&bp, 0, sizeof(bp));
		st = burn_drive_get_status(b->drive, &bp);
		seen |= burner_drain_msgs(b);
		if (st == BURN_DRIVE_IDLE)
			break;
		threaded = true;
		if (j->cancelled) {
			/* repeated: a cancel before the writer thread starts is
			 * reset by it */
			burn_drive_cancel(b->drive);
		} else {
			p.stage = stage_of(st);
			if (bp.sectors > 0 && bp.sector > 0) {
				uint64_t d = burner_disc_progress(j->track_sectors, j->tracks,
								  bp.track, bp.sector,
								  (unsigned)j->unit, NULL);

				p.done = d < j->total ? d : j->total;
			}
			if (p.done > j->done)
				j->done = p.done;
			p.fifo_percent = fifo_fill(j->fifo);
			if (p.stage == BURNER_STAGE_WRITING) {
				if (writing_since == 0)
					writing_since = burner_now_s();
				if (p.fifo_percent >= 0 && p.done > 0 &&
				    (j->fifo_min < 0 || p.fifo_percent < j->fifo_min))
					j->fifo_min = p.fifo_percent;
			}
			if (j->cb && burner_now_s() - last_cb >= CALLBACK_MS / 1000.0) {
				last_cb = burner_now_s();
				burner_rate_eta(&p, writing_since ? writing_since : t0);
				if (j->cb(&p, j->arg)) {
					log_info(MSG_MOD, "%s: write cancelled at %llu bytes",
						 b->address, (unsigned long long)p.done);
					j->cancelled = true;
					burn_drive_cancel(b->drive);
				}
			}
		}
		burner_sleep_ms(POLL_MS);
	}
	j->wrote_well = burn_drive_wrote_well(b->drive) == 1;
	/* the writer thread's last word ("Write thread on drive N ended") */
	for (tries = 0; !(seen & SEEN_WRITER_ENDED) && tries < (threaded ? BUSY_RETRIES : 5);
	     tries++) {
		burner_sleep_ms(POLL_MS);
		seen |= burner_drain_msgs(b);
	}
	j->seconds = burner_now_s() - t0;
	if (j->wrote_well && !j->cancelled) {
		j->done = j->total;
		if (j->cb) {
			p.stage = BURNER_STAGE_CLOSING;
			p.done = j->total;
			p.fifo_percent = -1;
			burner_rate_eta(&p, writing_since ? writing_since : t0);
			p.eta_s = 0;
			j->cb(&p, j->arg);
		}
	}
}

/* Options common to data and audio writes; NULL on failure (in e). */
static struct burn_write_opts *new_opts(struct burner *b, struct burn_disc *disc,
					bool simulate, struct err *e)
{
	char reasons[BURN_REASONS_LEN];
	struct burn_write_opts *o;
	enum burn_write_types wt;

	o = burn_write_opts_new(b->drive);
	if (!o) {
		err_fail(e, "%s: cannot create write options", b->address);
		return NULL;
	}
	burn_write_opts_set_simulate(o, simulate ? 1 : 0);
	burn_write_opts_set_underrun_proof(o, 1);
	burn_write_opts_set_perform_opc(o, 1);
	burn_write_opts_set_multi(o, 0);	/* close the disc */
	/* pseudo-drives: one fsync at the end instead of every 16 MiB */
	burn_write_opts_set_stdio_fsync(o, 1);
	reasons[0] = '\0';
	wt = burn_write_opts_auto_write_type(o, disc, reasons, 0);
	burner_drain_msgs(b);
	if (wt == BURN_WRITE_NONE) {
		err_fail(e, "%s: the drive cannot write this: %s", b->address, reasons);
		burn_write_opts_free(o);
		return NULL;
	}
	log_debug(MSG_MOD, "%s: write type %s", b->address,
		  wt == BURN_WRITE_SAO ? "SAO" : wt == BURN_WRITE_TAO ? "TAO" : "other");
	return o;
}

/* The checks before any write: blank media with room for `bytes` of
 * libburn's blocks. */
static int ready_to_write(struct burner *b, uint64_t need, uint64_t room_unit,
			  struct err *e)
{
	struct burner_media m;
	uint64_t room;

	if (burner_media(b, &m, e))
		return -1;
	if (m.status != BURNER_MEDIA_BLANK)
		return err_fail(e, "%s: the disc is not blank (%s)", b->address,
				burner_status_name(m.status));
	room = m.free_bytes / BLOCK * room_unit;
	if (need > room)
		return err_fail(e, "%s: the image (%llu bytes) does not fit: %llu bytes free",
				b->address, (unsigned long long)need, (unsigned long long)room);
	return 0;
}

/* A pseudo-drive is a blank: an old, longer file must not keep its tail. */
static int pseudo_blank(struct burner *b, struct err *e)
{
	struct stat st;

	if (stat(b->path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		return 0;
	if (truncate(b->path, 0) != 0)
		return err_fail(e, "%s: cannot empty the file: %s", b->address, strerror(errno));
	return 0;
}

/* After a write to a pseudo-drive: the file must still be there, that long
 * (a block device: at least that long). */
static int pseudo_check_written(struct burner *b, uint64_t size, struct err *e)
{
	uint64_t have;
	bool block;

	if (burner_pseudo_bytes(b, &have, &block, e))
		return err_wrap(e, "the drive vanished during the write");
	if (block ? have < size : have != size)
		return err_fail(e, "%s: the %s holds %llu bytes after the write, not %llu",
				b->address, block ? "device" : "file", (unsigned long long)have,
				(unsigned long long)size);
	return 0;
}

/* What follows a write: the outcome as a return code and message. */
static int write_outcome(struct burner *b, struct write_job *j, bool simulate,
			 const char *what, struct err *e)
{
	char why[320];

	if (j->cancelled) {
		err_fail(e, "%s: %s cancelled", b->address, what);
		return BURNER_CANCELLED;
	}
	if (!j->wrote_well)
		return err_fail(e, "%s: %s failed after %llu of %llu bytes: %s", b->address,
				what, (unsigned long long)j->done,
				(unsigned long long)j->total,
				burner_reason_of(b, why, sizeof(why)));
	if (!simulate)
		log_info(MSG_MOD, "%s: %s done: %llu bytes in %.1f s (%.1f MB/s)", b->address,
			 what, (unsigned long long)j->total, j->seconds,
			 j->seconds > 0 ? (double)j->total / j->seconds / 1e6 : 0.0);
	return 0;
}

/* The FIFO for an image of size bytes on b (see FIFO_BYTES). */
static int fifo_blocks(const struct burner *b, uint64_t size)
{
	uint64_t bytes = b->pseudo ? FIFO_BYTES : FIFO_BYTES_DRIVE;

	if (bytes > size)
		bytes = size < FIFO_BYTES_MIN ? FIFO_BYTES_MIN : size;
	return (int)(bytes / BLOCK);
}

int burner_write_data(struct burner *b, struct burn_source *src, uint64_t size,
		      bool simulate, burner_progress_fn cb, void *arg,
		      struct burner_result *res, struct err *e)
{
	struct write_job j = { .total = size, .unit = BLOCK, .cb = cb, .arg = arg,
			       .track_sectors = { (uint32_t)(size / BLOCK) }, .tracks = 1 };
	struct burn_source *tap = NULL;
	struct burn_session *session = NULL;
	struct burn_track *track = NULL;
	bool started = false, settled;
	struct tap *t;
	off_t src_size;
	int rc = -1;

	if (res) {
		memset(res, 0, sizeof(*res));
		res->fifo_min_percent = -1;
	}
	if (burner_usable(b, e))
		return -1;
	burner_clear_reason(b);
	if (!src)
		return err_fail(e, "%s: no image source", b->address);
	if (size == 0 || size % BLOCK)
		return err_fail(e, "%s: image size %llu is not a positive multiple of 2048",
				b->address, (unsigned long long)size);
	src_size = src->get_size ? src->get_size(src) : 0;
	if (src_size > 0 && (uint64_t)src_size != size)
		return err_fail(e, "%s: the image source holds %lld bytes, not %llu",
				b->address, (long long)src_size, (unsigned long long)size);
	if (ready_to_write(b, size, BLOCK, e))
		return -1;
	if (burner_sums_alloc(&b->sums, size, e))
		return -1;

	tap = tap_new(src, size, !b->no_write_md5, &b->sums);
	if (!tap) {
		err_fail(e, "out of memory");
		goto out;
	}
	j.fifo = burn_fifo_source_new(tap, BLOCK, fifo_blocks(b, size), FIFO_BIG_READS);
	j.disc = burn_disc_create();
	session = burn_session_create();
	track = burn_track_create();
	if (!j.fifo || !j.disc || !session || !track) {
		err_fail(e, "out of memory");
		goto out;
	}
	burn_track_define_data(track, 0, 0, 1, BURN_MODE1);
	if (burn_track_set_source(track, j.fifo) != BURN_SOURCE_OK ||
	    burn_session_add_track(session, track, BURN_POS_END) != 1 ||
	    burn_disc_add_session(j.disc, session, BURN_POS_END) != 1) {
		err_fail(e, "%s: cannot set up the track", b->address);
		goto out;
	}
	j.opts = new_opts(b, j.disc, simulate, e);
	if (!j.opts)
		goto out;
	if (b->pseudo && !simulate && pseudo_blank(b, e))
		goto out;

	log_info(MSG_MOD, "%s: %swriting %llu bytes", b->address, simulate ? "simulated " : "",
		 (unsigned long long)size);
	started = true;
	run_write(b, &j);
	rc = write_outcome(b, &j, simulate, simulate ? "simulated write" : "write", e);
out:
	settled = !j.fifo || fifo_settle(j.fifo, tap);
	if (j.opts)
		burn_write_opts_free(j.opts);
	if (j.disc)
		burn_disc_free(j.disc);	/* holds the track's reference on the FIFO */
	if (session)
		burn_session_free(session);
	if (track)
		burn_track_free(track);
	if (!settled) {
		/* the FIFO, the tap and the block sums it writes are leaked:
		 * see fifo_settle() */
		memset(&b->sums, 0, sizeof(b->sums));
		rc = err_fail(e, "%s: the image source does not stop", b->address);
	} else if (tap) {
		if (j.fifo)
			burn_source_free(j.fifo);
		t = tap->data;
		if (rc == 0 && (t->failed || t->pos != size)) {
			rc = err_fail(e, "%s: the image source delivered %llu of %llu bytes",
				      b->address, (unsigned long long)t->pos,
				      (unsigned long long)size);
		}
		if (res) {
			res->bytes = t->pos;
			if (t->hash)
				md5_digest(&t->md5, sizeof(res->md5), res->md5);
		}
	}
	if (tap)
		burn_source_free(tap);
	if (started && !simulate) {
		/* the blank is spent once libburn started writing it */
		bool touched = j.done > 0 || j.wrote_well;

		if (b->pseudo) {
			uint64_t have;
			bool block;
			struct err ignored;

			/* a device's size says nothing of what was written: started is enough */
			touched = touched || (!burner_pseudo_bytes(b, &have, &block, &ignored) &&
					      (block || have > 0));
			if (rc == 0 && pseudo_check_written(b, size, e))
				rc = -1;
			if (touched)
				b->emulated = BURNER_MEDIA_CLOSED;
		} else {
			burn_drive_re_assess(b->drive, 0);
			burner_drain_msgs(b);
		}
		if (res)
			res->media_touched = touched;
	}
	b->sums.valid = rc == 0 && !simulate;
	if (res) {
		res->seconds = j.seconds;
		res->fifo_min_percent = j.fifo_min;
	}
	return rc;
}

/* The tracks' lengths of the disc's one session, for the progress. */
static int track_lengths(struct write_job *j, struct burn_disc *disc)
{
	struct burn_session **sessions;
	struct burn_track **tracks;
	int ns = 0, nt = 0;

	sessions = burn_disc_get_sessions(disc, &ns);
	if (ns != 1 || !(tracks = burn_session_get_tracks(sessions[0], &nt)) || nt <= 0 ||
	    nt > (int)(sizeof(j->track_sectors) / sizeof(j->track_sectors[0])))
		return -1;
	for (int i = 0; i < nt; i++) {
		int n = burn_track_get_sectors(tracks[i]);

		j->track_sectors[i] = n > 0 ? (uint32_t)n : 0;
	}
	j->tracks = nt;
	return 0;
}

int burner_write_audio(struct burner *b, struct burn_disc *disc,
		       const unsigned char *cdtext, size_t cdtext_count, bool simulate,
		       burner_progress_fn cb, void *arg, struct burner_result *res,
		       struct err *e)
{
	struct write_job j = { .unit = AUDIO_SECTOR, .cb = cb, .arg = arg, .disc = disc };
	struct burner_media m;
	int sectors, rc = -1;

	if (res) {
		memset(res, 0, sizeof(*res));
		res->fifo_min_percent = -1;
	}
	if (burner_usable(b, e))
		return -1;
	burner_clear_reason(b);
	if (b->pseudo)
		return err_fail(e, "%s: audio CDs are written as CUE/BIN on pseudo-drives",
				b->address);
	if (!disc)
		return err_fail(e, "%s: no audio disc", b->address);
	if (burner_media(b, &m, e))
		return -1;
	if (m.family != BURNER_FAMILY_CD || !m.writable)
		return err_fail(e, "%s: audio needs a CD-R or CD-RW, not %s", b->address,
				m.profile_name[0] ? m.profile_name : "no disc");
	sectors = burn_disc_get_sectors(disc);
	if (sectors <= 0 || track_lengths(&j, disc))
		return err_fail(e, "%s: the audio disc has no sectors, or more than 99 tracks",
				b->address);
	j.total = (uint64_t)sectors * AUDIO_SECTOR;
	if (ready_to_write(b, j.total, AUDIO_SECTOR, e))
		return -1;
	j.opts = new_opts(b, disc, simulate, e);
	if (!j.opts)
		return -1;
	if (cdtext && cdtext_count &&
	    burn_write_opts_set_leadin_text(j.opts, (unsigned char *)cdtext, (int)cdtext_count,
					    0) <= 0) {
		burn_write_opts_free(j.opts);
		burner_drain_msgs(b);
		return err_fail(e, "%s: libburn refused the CD-TEXT packs", b->address);
	}
	log_info(MSG_MOD, "%s: %swriting an audio CD of %d sectors", b->address,
		 simulate ? "simulated " : "", sectors);
	run_write(b, &j);
	rc = write_outcome(b, &j, simulate, simulate ? "simulated audio write" : "audio write",
			   e);
	burn_write_opts_free(j.opts);
	if (!simulate) {
		burn_drive_re_assess(b->drive, 0);
		burner_drain_msgs(b);
	}
	if (res) {
		res->bytes = j.done;
		res->seconds = j.seconds;
		res->media_touched = !simulate && (j.done > 0 || j.wrote_well);
	}
	return rc;
}
