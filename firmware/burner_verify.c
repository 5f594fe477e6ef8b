// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * burner_verify: burner_verify_data(), the read-back of a data disc, its
 * MD5 compared with the one expected and, when this handle wrote it, its
 * blocks with the sums of that write.
 */
#include "burner_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
	struct stat st;

	if (burner_pseudo_present(b, e))
		return -1;
	if (stat(b->path, &st) != 0)
		return err_fail(e, "%s: nothing written: %s", b->address, strerror(errno));
	if ((uint64_t)st.st_size < size)
		return err_fail(e, "%s: the disc holds %llu bytes, not %llu", b->address,
				(unsigned long long)st.st_size, (unsigned long long)size);
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
