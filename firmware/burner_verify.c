// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * burner_verify: burner_verify_data(), the read-back of a data disc, its
 * MD5 compared with the one expected and, when this handle wrote it, its
 * blocks with the sums of that write; burner_verify_audio(), the read-back
 * of an audio CD compared byte for byte with the CD-DA that was written,
 * once the drive's read offset is found.
 */
#include "burner_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libburn/libburn.h>
#include <nettle/md5.h>

#include "log.h"

#define READ_CHUNK (4 << 20)	/* burn_read_data() per call when verifying */

/*
 * Read-back runs in two threads: a reader calls burn_read_data() into a
 * ring of READ_BUFS buffers while the calling thread hashes the previous
 * ones, so the MD5 (the bottleneck on a pseudo-drive) never waits for a
 * read.  On a real drive reading is the bottleneck and the ring only keeps
 * it busy.  The reader stops at the first read error, when told to (a
 * mismatch, a cancel), or at the end.
 */
#define READ_BUFS 3

struct reader {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct burn_drive *drive;
	uint64_t size;
	char *buf[READ_BUFS];
	size_t len[READ_BUFS];
	uint64_t filled, used;	/* buffers filled by the reader, used by the hasher */
	uint64_t error_at;	/* byte of the first read error */
	bool failed, stop, done;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	uint64_t pos = 0;

	while (pos < r->size) {
		size_t want = r->size - pos < READ_CHUNK ? (size_t)(r->size - pos) : READ_CHUNK;
		off_t count = 0;
		unsigned slot;
		int ok;

		bool stop;

		pthread_mutex_lock(&r->lock);
		while (!r->stop && r->filled - r->used == READ_BUFS)
			pthread_cond_wait(&r->cond, &r->lock);
		slot = (unsigned)(r->filled % READ_BUFS);
		stop = r->stop;
		pthread_mutex_unlock(&r->lock);
		if (stop)
			break;
		ok = burn_read_data(r->drive, (off_t)pos, r->buf[slot], (off_t)want, &count, 0) > 0 &&
		     count == (off_t)want;
		pthread_mutex_lock(&r->lock);
		if (!ok) {
			r->failed = true;
			r->error_at = pos + (uint64_t)(count > 0 ? count : 0);
		} else {
			r->len[slot] = want;
			r->filled++;
		}
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->lock);
		if (!ok)
			break;
		pos += want;
	}
	pthread_mutex_lock(&r->lock);
	r->done = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* The next filled buffer, or NULL at a read error (or the end). */
static const uint8_t *reader_next(struct reader *r, size_t *len)
{
	const uint8_t *p = NULL;

	pthread_mutex_lock(&r->lock);
	while (r->filled == r->used && !r->failed && !r->done)
		pthread_cond_wait(&r->cond, &r->lock);
	if (r->filled > r->used) {
		p = (const uint8_t *)r->buf[r->used % READ_BUFS];
		*len = r->len[r->used % READ_BUFS];
	}
	pthread_mutex_unlock(&r->lock);
	return p;
}

/* Gives the buffer reader_next() returned back to the reader. */
static void reader_release(struct reader *r)
{
	pthread_mutex_lock(&r->lock);
	r->used++;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

static void reader_stop(struct reader *r)
{
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

/* The first block that differs from what this handle wrote, as a message. */
static int block_differs(const struct burner *b, const struct block_sums *sums,
			 uint64_t group, struct err *e)
{
	uint64_t first = group << sums->shift;

	if (sums->shift == 0)
		return err_fail(e, "%s: verify failed: block %llu (byte %llu) differs from what "
				"was written", b->address, (unsigned long long)first,
				(unsigned long long)(first * BLOCK));
	return err_fail(e, "%s: verify failed: blocks %llu-%llu (from byte %llu) differ from "
			"what was written", b->address, (unsigned long long)first,
			(unsigned long long)(first + (1u << sums->shift) - 1),
			(unsigned long long)(first * BLOCK));
}

/* Before reading: a pseudo-drive's file must hold size bytes. */
static int pseudo_holds(const struct burner *b, uint64_t size, struct err *e)
{
	uint64_t have;
	bool block;

	if (burner_pseudo_present(b, e))
		return -1;
	if (burner_pseudo_bytes(b, &have, &block, e))
		return err_wrap(e, "nothing written");
	if (have < size)
		return err_fail(e, "%s: the disc holds %llu bytes, not %llu", b->address,
				(unsigned long long)have, (unsigned long long)size);
	return 0;
}

int burner_verify_data(struct burner *b, uint64_t size, const uint8_t expect_md5[16],
		       burner_progress_fn cb, void *arg, struct err *e)
{
	struct burner_progress p = { .stage = BURNER_STAGE_VERIFYING, .total = size,
				     .fifo_percent = -1 };
	struct reader r = { .lock = PTHREAD_MUTEX_INITIALIZER, .size = size };
	struct block_sums *sums = NULL;
	struct summer z = { 0 };
	struct md5_ctx md5;
	double t0 = burner_now_s(), last_cb = 0;
	uint64_t bad_group = 0;
	char why[320];
	uint8_t got[16];
	pthread_t thread;
	int rc = -1;

	if (burner_usable(b, e))
		return -1;
	burner_clear_reason(b);
	if (size == 0 || size % BLOCK)
		return err_fail(e, "%s: verify size %llu is not a positive multiple of 2048",
				b->address, (unsigned long long)size);
	if (b->pseudo && pseudo_holds(b, size, e))
		return -1;
	if (b->sums.valid && b->sums.size == size)
		sums = &b->sums;
	pthread_cond_init(&r.cond, NULL);
	r.drive = b->drive;
	for (int i = 0; i < READ_BUFS; i++) {
		r.buf[i] = malloc(READ_CHUNK);
		if (!r.buf[i]) {
			err_fail(e, "out of memory");
			goto out_free;
		}
	}
	if (pthread_create(&thread, NULL, reader_main, &r) != 0) {
		err_fail(e, "%s: cannot start the reader thread", b->address);
		goto out_free;
	}
	md5_init(&md5);
	log_info(MSG_MOD, "%s: verifying %llu bytes", b->address, (unsigned long long)size);
	while (p.done < size) {
		const uint8_t *buf;
		size_t len = 0;

		buf = reader_next(&r, &len);
		burner_drain_msgs(b);
		if (!buf) {
			err_fail(e, "%s: read error at byte %llu (block %llu): %s", b->address,
				 (unsigned long long)r.error_at,
				 (unsigned long long)(r.error_at / BLOCK),
				 burner_reason_of(b, why, sizeof(why)));
			goto out_join;
		}
		md5_update(&md5, len, buf);
		if (sums && !burner_summer_feed(&z, sums, buf, len, true, &bad_group)) {
			block_differs(b, sums, bad_group, e);
			goto out_join;
		}
		reader_release(&r);
		p.done += len;
		if (cb && (burner_now_s() - last_cb >= CALLBACK_MS / 1000.0 || p.done == size)) {
			last_cb = burner_now_s();
			burner_rate_eta(&p, t0);
			if (cb(&p, arg)) {
				err_fail(e, "%s: verify cancelled", b->address);
				rc = BURNER_CANCELLED;
				goto out_join;
			}
		}
	}
	md5_digest(&md5, sizeof(got), got);
	if (memcmp(got, expect_md5, sizeof(got)) != 0) {
		err_fail(e, "%s: verify failed: the MD5 of the disc differs from the image's%s",
			 b->address, sums ? " (yet every block matches what was written: the "
			 "image source changed)" : "");
		goto out_join;
	}
	log_info(MSG_MOD, "%s: verified %llu bytes in %.1f s", b->address,
		 (unsigned long long)size, burner_now_s() - t0);
	rc = 0;
out_join:
	reader_stop(&r);
	pthread_join(thread, NULL);
	burner_drain_msgs(b);
out_free:
	for (int i = 0; i < READ_BUFS; i++)
		free(r.buf[i]);
	pthread_cond_destroy(&r.cond);
	pthread_mutex_destroy(&r.lock);
	return rc;
}

/* ---- audio ------------------------------------------------------------- */

#define FRAME_BYTES 4			/* one stereo frame of 16-bit samples */
#define AUDIO_READ_SECTORS 27		/* 63504 bytes a burn_read_audio() call */
#define OFFSET_MAX_FRAMES (5 * BURNER_AUDIO_SECTOR_FRAMES) /* ±5 sectors */
#define PROBE_SECTORS 8

int burner_audio_offset(const uint8_t *disc, size_t disc_len, const uint8_t *src,
			size_t src_len, long src_at, int max_frames, int *offset_frames)
{
	/* the smallest shift first: 0, -1, +1, -2, +2, ... */
	for (int k = 0; k <= 2 * max_frames; k++) {
		int off = k % 2 ? -(k + 1) / 2 : k / 2;
		long at = src_at + (long)off * FRAME_BYTES;

		if (at < 0 || (size_t)at + disc_len > src_len)
			continue;
		if (!memcmp(disc, src + at, disc_len)) {
			*offset_frames = off;
			return 0;
		}
	}
	return -1;
}

/* Reads `sectors` audio sectors from lba; 0, or -1 with the reason in e. */
static int read_audio(struct burner *b, uint32_t lba, uint8_t *buf, uint32_t sectors,
		      struct err *e)
{
	char why[320];
	off_t count = 0;

	if (burn_read_audio(b->drive, (int)lba, (char *)buf,
			    (off_t)sectors * BURNER_AUDIO_SECTOR_BYTES, &count, 0) > 0 &&
	    count == (off_t)sectors * BURNER_AUDIO_SECTOR_BYTES)
		return 0;
	burner_drain_msgs(b);
	return err_fail(e, "%s", burner_reason_of(b, why, sizeof(why)));
}

/* pread() all of len bytes at off; 0 or -1. */
static int pread_full(int fd, uint8_t *buf, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pread(fd, buf, len, off);

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

int burner_verify_audio(struct burner *b, const char *src_bin, uint32_t sectors,
			burner_progress_fn cb, void *arg, struct err *e)
{
	const size_t chunk = (size_t)AUDIO_READ_SECTORS * BURNER_AUDIO_SECTOR_BYTES;
	const uint64_t total = (uint64_t)sectors * BURNER_AUDIO_SECTOR_BYTES;
	struct burner_progress p = { .stage = BURNER_STAGE_VERIFYING, .total = total,
				     .fifo_percent = -1 };
	uint8_t *disc = NULL, *src = NULL;
	double t0 = burner_now_s(), last_cb = 0;
	int fd = -1, off = 0, rc = -1;
	uint32_t probe;
	struct err why = { "" };

	if (burner_usable(b, e))
		return -1;
	burner_clear_reason(b);
	if (b->pseudo) {
		err_fail(e, "%s: a pseudo-drive cannot read audio sectors back", b->address);
		return BURNER_UNREADABLE;
	}
	if (sectors < 2 * PROBE_SECTORS)
		return err_fail(e, "%s: %u audio sectors are too few to verify", b->address,
				sectors);
	fd = open(src_bin, O_RDONLY | O_CLOEXEC);
	disc = malloc(chunk + 2 * (size_t)OFFSET_MAX_FRAMES * FRAME_BYTES);
	src = malloc(chunk + 2 * (size_t)OFFSET_MAX_FRAMES * FRAME_BYTES);
	if (fd < 0) {
		err_fail(e, "%s: %s", src_bin, strerror(errno));
		goto out;
	}
	if (!disc || !src) {
		err_fail(e, "out of memory");
		goto out;
	}
	/* The drive's read offset: audio sectors are not addressed exactly
	 * (libburn.h, burn_read_audio), so find the shift at which a probe
	 * from the middle of the disc matches the source. */
	probe = sectors / 2 - PROBE_SECTORS / 2;
	if (read_audio(b, probe, disc, PROBE_SECTORS, &why)) {
		err_fail(e, "%s: the drive cannot read audio sectors back: %s", b->address,
			 why.msg);
		rc = BURNER_UNREADABLE;
		goto out;
	}
	{
		size_t plen = (size_t)PROBE_SECTORS * BURNER_AUDIO_SECTOR_BYTES;
		size_t margin = (size_t)OFFSET_MAX_FRAMES * FRAME_BYTES;
		off_t from = (off_t)probe * BURNER_AUDIO_SECTOR_BYTES - (off_t)margin;

		if (pread_full(fd, src, plen + 2 * margin, from)) {
			err_fail(e, "%s: cannot read %u sectors at %u", src_bin, PROBE_SECTORS, probe);
			goto out;
		}
		if (burner_audio_offset(disc, plen, src, plen + 2 * margin, (long)margin,
					OFFSET_MAX_FRAMES, &off)) {
			err_fail(e, "%s: verify failed: the audio read back at sector %u matches "
				 "nothing written within %d frames", b->address, probe,
				 OFFSET_MAX_FRAMES);
			goto out;
		}
	}
	if (off)
		log_info(MSG_MOD, "%s: the drive reads audio %d frames off", b->address, off);
	log_info(MSG_MOD, "%s: verifying %u audio sectors", b->address, sectors);
	/* Then everything: disc byte q is source byte q + off*4; the few
	 * frames that shift pushes past either end are not compared. */
	for (uint32_t lba = 0; lba < sectors;) {
		uint32_t n = sectors - lba < AUDIO_READ_SECTORS ? sectors - lba : AUDIO_READ_SECTORS;
		int64_t q = (int64_t)lba * BURNER_AUDIO_SECTOR_BYTES;
		int64_t s0 = q + (int64_t)off * FRAME_BYTES, s1 = s0 + (int64_t)n * BURNER_AUDIO_SECTOR_BYTES;
		int64_t a = s0 < 0 ? 0 : s0, z = s1 > (int64_t)total ? (int64_t)total : s1;

		if (read_audio(b, lba, disc, n, &why)) {
			err_fail(e, "%s: verify failed: read error at audio sector %u: %s",
				 b->address, lba, why.msg);
			goto out;
		}
		if (z > a && (pread_full(fd, src, (size_t)(z - a), (off_t)a) ||
			      memcmp(disc + (a - s0), src, (size_t)(z - a)))) {
			err_fail(e, "%s: verify failed: audio sectors %u-%u differ from what was "
				 "written", b->address, lba, lba + n - 1);
			goto out;
		}
		lba += n;
		p.done = (uint64_t)lba * BURNER_AUDIO_SECTOR_BYTES;
		if (cb && (burner_now_s() - last_cb >= CALLBACK_MS / 1000.0 || lba == sectors)) {
			last_cb = burner_now_s();
			burner_rate_eta(&p, t0);
			if (cb(&p, arg)) {
				err_fail(e, "%s: verify cancelled", b->address);
				rc = BURNER_CANCELLED;
				goto out;
			}
		}
	}
	log_info(MSG_MOD, "%s: verified %u audio sectors in %.1f s", b->address, sectors,
		 burner_now_s() - t0);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(disc);
	free(src);
	return rc;
}
