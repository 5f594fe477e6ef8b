/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * prepare: makes a customer's own copies of an item's files, the bytes that
 * the order's manifest hashes and the server sends.
 *
 * An audio track to be marked gets the master's PCM with the order's four
 * IDs (user 32 bits, shop 24, delivery server 16, content server 16)
 * embedded under the server's watermark key (watermark.h), as a canonical
 * 16-bit WAV.  Every other file, and a track a fault wants unmarked, is the
 * master itself (a hard link, or a copy across file systems).
 *
 * prepare_run() does an order's files several at a time, one thread per
 * CPU up to PREPARE_THREADS: marking costs about 1/150 of the music's
 * length per track on one core, and an album is a handful of independent
 * tracks.  Each job only reads its master and the key and writes its own
 * dst.
 *
 * A marked copy depends only on the master, the key and the four IDs, so
 * each one is also kept (hard-linked, no extra space) at the job's `keep`
 * path, DIR/server/marked/<catalog path>.<user>-<shop>-<ds>-<cs>, and a
 * later order with the same IDs (the same customer ordering the album again
 * at the same shop) links it instead of marking again.  Keeping is best
 * effort: a copy that cannot be kept is still the customer's.
 *
 * dst must not exist; a job that fails leaves nothing at its dst.
 */
#ifndef TENPO_DS_PREPARE_H
#define TENPO_DS_PREPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "manifest.h"
#include "wm/watermark.h"

#define PREPARE_THREADS 4

struct prepare_job {
	char src[1024], dst[1024];
	char keep[1024];          /* marked copies: where this one is kept ("": not) */
	bool mark;                /* embed ids; false: the master itself */
	struct manifest_ids ids;
	int rc;                   /* out: 0, or -1 with e */
	struct err e;
};

/* Runs the n jobs; marks under k.  Returns 0, or -1 with the reason of the
 * first job (in order) that failed. */
int prepare_run(struct prepare_job *jobs, size_t n, const struct wm_key *k, struct err *e);

/* Marks src into dst; keep as above (may be NULL). */
int prepare_audio_track(const char *src, const char *dst, const char *keep,
			const struct wm_key *k, const struct manifest_ids *ids, struct err *e);

int prepare_plain_file(const char *src, const char *dst, struct err *e);

#endif
