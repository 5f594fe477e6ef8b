// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * download: GET /v1/orders/{id}/files/{idx} — a prepared file, whole (200)
 * or from a byte offset (Range → 206, past the end → 416).
 *
 * Streaming: sendfile() cannot go through TLS, so the file is read in
 * API_DOWNLOAD_CHUNK (256 KiB) preads into one buffer per connection and
 * written from there; Mbed TLS then encrypts into its own record buffer.
 * That is the whole copy budget: file → chunk → record.
 *
 * --throttle: after each slice the sender sleeps until the bytes sent so far
 * are no more than throttle × elapsed time.  Slices are throttle/16 bytes
 * (1 KiB .. one chunk), so a slow download still moves every ~60 ms and a
 * kiosk killed mid-download has really received part of the file.
 *
 * Faults on file 0 (see faults.c): flaky-hash flips the middle byte of the
 * file in the outgoing buffer, never on disk; truncate and stall send half
 * of the announced body and then close (stall after a long silence).  Which
 * download is "the first N" is counted in the database (db_fault_fire).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api_conn.h"
#include "faults.h"
#include "layout.h"
#include "log.h"

#define SLICE_MIN 1024

enum cut { CUT_NONE, CUT_CLOSE, CUT_STALL };

/* What one download sends. */
struct transfer {
	int fd;
	uint64_t offset, len; /* of the file */
	uint64_t flip_at;     /* file offset of the byte to flip; UINT64_MAX: none */
	struct timespec t0;
};

static double since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Sleeps until `sent` bytes are within the throttle; -1 when stopping. */
static int throttle_wait(struct api_conn *c, const struct transfer *t, uint64_t sent)
{
	double due, elapsed;

	if (!c->env->throttle)
		return 0;
	due = (double)sent / (double)c->env->throttle;
	elapsed = since(&t->t0);
	if (due <= elapsed)
		return 0;
	return api_pause(c->env, (unsigned)((due - elapsed) * 1000) + 1);
}

static size_t slice_size(const struct api_conn *c)
{
	uint64_t s = c->env->throttle / 16;

	if (!c->env->throttle || s > API_DOWNLOAD_CHUNK)
		return API_DOWNLOAD_CHUNK;
	return s < SLICE_MIN ? SLICE_MIN : (size_t)s;
}

/* Sends t->len bytes from t->offset; *sent counts body bytes written. */
static int stream(struct api_conn *c, struct transfer *t, uint64_t *sent, struct err *e)
{
	size_t slice = slice_size(c);
	uint64_t off = t->offset, left = t->len;

	clock_gettime(CLOCK_MONOTONIC, &t->t0);
	while (left) {
		size_t want = left < API_DOWNLOAD_CHUNK ? (size_t)left : API_DOWNLOAD_CHUNK;
		ssize_t n = pread(t->fd, c->chunk, want, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_fail(e, "reading the file: %s", n ? strerror(errno) : "it shrank");
		if (t->flip_at >= off && t->flip_at < off + (uint64_t)n)
			c->chunk[t->flip_at - off] ^= 0x01;
		for (size_t done = 0; done < (size_t)n;) {
			size_t k = (size_t)n - done < slice ? (size_t)n - done : slice;

			if (http_write_raw(&c->http, c->chunk + done, k, e))
				return -1;
			done += k;
			*sent += k;
			if (throttle_wait(c, t, *sent))
				return err_fail(e, "server stopping");
		}
		off += (uint64_t)n;
		left -= (uint64_t)n;
	}
	return 0;
}

/* Which faults act on this download (file 0 only). */
static void pick_faults(struct api_conn *c, const struct db_order *o, unsigned idx,
			uint64_t start, bool *flip, enum cut *cut)
{
	struct err e = { "" };
	bool fire = false;

	*flip = false;
	*cut = CUT_NONE;
	if (idx != 0 || !o->faults)
		return;
	if ((o->faults & FAULT_FLAKY_HASH) && start == 0 &&
	    db_fault_fire(c->db, o->id, FAULT_FLAKY_HASH, FAULT_FLAKY_HASH_TIMES, &fire, &e) == 0)
		*flip = fire;
	fire = false;
	if ((o->faults & FAULT_TRUNCATE) &&
	    db_fault_fire(c->db, o->id, FAULT_TRUNCATE, FAULT_TRUNCATE_TIMES, &fire, &e) == 0 && fire)
		*cut = CUT_CLOSE;
	fire = false;
	if (*cut == CUT_NONE && (o->faults & FAULT_STALL) &&
	    db_fault_fire(c->db, o->id, FAULT_STALL, FAULT_STALL_TIMES, &fire, &e) == 0 && fire)
		*cut = CUT_STALL;
	if (e.msg[0])
		log_warn("download", "order %s: counting a fault: %s", o->id, e.msg);
}

void api_get_file(struct api_conn *c, struct api_reply *r, const struct db_order *o,
		  unsigned idx)
{
	char path[LAYOUT_PATH_MAX], extra[128];
	struct transfer t = { .fd = -1, .flip_at = UINT64_MAX };
	struct db_order_file f;
	struct err e = { "" };
	const char *range;
	uint64_t start, end, sent = 0;
	struct stat st;
	enum cut cut;
	bool found, flip;
	int status = 200;

	if (idx >= o->file_count) {
		api_reply_error(c, r, 404, NULL, "order %s has no file %u", o->id, idx);
		return;
	}
	if (db_order_file(c->db, o->id, idx, &f, &found, &e) ||
	    layout_prepared_file(path, sizeof(path), c->env->dir, o->id, idx, &e)) {
		api_reply_error(c, r, 500, NULL, "%s", e.msg);
		return;
	}
	if (!found) {
		api_reply_error(c, r, 500, NULL, "order %s: file %u is not recorded", o->id, idx);
		return;
	}
	t.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (t.fd < 0 || fstat(t.fd, &st) || (uint64_t)st.st_size != f.size || !f.size) {
		log_error("download", "%s: missing or changed on disk", path);
		api_reply_error(c, r, 500, NULL, "order %s: file %u is missing or changed", o->id, idx);
		goto out_close;
	}
	start = 0;
	end = f.size - 1;
	range = http_header(&c->req, "Range");
	if (idx == 0 && (o->faults & FAULT_NO_RANGE))
		range = NULL;
	if (range) {
		if (http_parse_range(range, f.size, &start, &end)) {
			snprintf(extra, sizeof(extra), "Content-Range: bytes */%" PRIu64 "\r\n", f.size);
			api_reply_error(c, r, 416, extra, "range not satisfiable (the file has %" PRIu64
					" bytes)", f.size);
			goto out_close;
		}
		status = 206;
		snprintf(extra, sizeof(extra), "Content-Range: bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64
			 "\r\n", start, end, f.size);
	} else {
		snprintf(extra, sizeof(extra), "Accept-Ranges: bytes\r\n");
	}
	if (!c->chunk && !(c->chunk = malloc(API_DOWNLOAD_CHUNK))) {
		api_reply_error(c, r, 500, NULL, "out of memory");
		goto out_close;
	}
	pick_faults(c, o, idx, start, &flip, &cut);
	if (flip)
		t.flip_at = f.size / 2;
	t.offset = start;
	t.len = end - start + 1;
	r->status = status;
	if (http_write_response(&c->http, status, "application/octet-stream", extra, NULL, t.len,
				!c->close && c->req.keep_alive, &e)) {
		c->close = true;
		goto out_close;
	}
	if (cut != CUT_NONE) {
		t.len /= 2;
		c->close = true; /* the rest of the announced body never comes */
		log_info("download", "order %s file 0: fault %s: sending %" PRIu64 " of %" PRIu64
			 " bytes", o->id, cut == CUT_STALL ? "stall" : "truncate", t.len, end - start + 1);
	}
	log_info("download", "%s: order %s file %u: sending bytes %" PRIu64 "-%" PRIu64 " of %" PRIu64,
		 c->peer, o->id, idx, start, start + t.len - (t.len > 0), f.size);
	if (stream(c, &t, &sent, &e)) {
		log_info("download", "%s: order %s file %u: %s after %" PRIu64 " bytes", c->peer, o->id,
			 idx, e.msg, sent);
		c->close = true;
	} else if (cut == CUT_STALL) {
		api_pause(c->env, FAULT_STALL_SECONDS * 1000);
	}
	r->bytes = sent;
out_close:
	if (t.fd >= 0)
		close(t.fd);
}
