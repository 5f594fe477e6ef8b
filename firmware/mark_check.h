/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mark_check: the kiosk's watermark check of a downloaded order — every audio
 * file must carry this order's four IDs (user, shop, delivery server,
 * content server) under the kiosk's key, before the order may become READY
 * and a disc be written from it.  sync runs it once an order's files are
 * all in and hash-checked, in the background, never while a customer waits.
 *
 * The policy, file by file (only files the manifest calls audio; video and
 * data carry no mark):
 *
 *   a mark of this order's IDs            verified
 *   a mark of any other IDs               the order fails: "track 3:
 *                                         watermark names user 123, not
 *                                         this order's user 456"
 *   two marks (WM_CONFLICT)               the order fails
 *   no mark, file >= MARK_CHECK_MIN_SECONDS the order fails
 *   no mark, shorter file                 tolerated (see below)
 *   shorter than WM_DETECT_MIN_SECONDS    not examined: too short to hold one
 *   a file the detector cannot read       the order fails, with its reason
 *
 * and the order as a whole: at least one of its audio files must be
 * verified, so that a disc never leaves the kiosk without a mark someone
 * checked.
 *
 * Why short files are tolerated: the detector needs a few of the mark's
 * 10 s periods to find it reliably.  On the sample
 * album, every track trimmed to 20 s (160 of 160 random keys and IDs) and
 * to 15 s (160 of 160) gave its mark back, 12 s missed 2 of 160, 10 s 2
 * of 24, 6 s half.  Failing an order because a 12 s interlude read as
 * "nothing" would refuse a correctly marked album; so a short file counts
 * only as evidence against the order (a wrong or double mark), never as
 * missing evidence.  An unmarked album still fails: its long tracks do, and
 * an album of only short tracks has none verified.
 *
 * No key configured (config watermark_key empty), or a key file that cannot
 * be read: every order with audio fails with that reason, rather than pass
 * unchecked; staff fix the key and `tenpo retry` the order.  An order
 * without audio needs no key.
 *
 * Errors: 0 means the check was made and v holds the verdict; -1 (with e)
 * means it could not be finished now (stopped) and should be tried again.
 * A file that cannot be read fails the order: its bytes matched the
 * manifest's hash, so they are what the server sent.
 */
#ifndef TENPO_MARK_CHECK_H
#define TENPO_MARK_CHECK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "manifest.h"
#include "spool.h"
#include "store.h"
#include "wm/watermark.h"

/* Files at least this long must give their mark back (see above). */
#define MARK_CHECK_MIN_SECONDS 20.0
#define MARK_CHECK_REASON_MAX 256

struct mark_check_verdict {
	bool pass;
	char reason[MARK_CHECK_REASON_MAX]; /* !pass: why, for staff and the failed report */
	unsigned verified;     /* files whose mark named this order */
	unsigned tolerated;    /* short files with no mark found, or too short to examine */
};

/* One audio file as the check sees it. */
struct mark_check_track {
	const char *path;
	unsigned number; /* the track number for messages; 0: use "file <index>" */
	unsigned index;  /* its position in the manifest */
};

/* The check over files given by path, under key k, against ids.  stop
 * (may be NULL) is looked at between files. */
int mark_check_tracks(const struct wm_key *k, const struct manifest_ids *ids,
			  const struct mark_check_track *tracks, size_t n,
			  const atomic_int *stop, struct mark_check_verdict *v,
			  struct err *e);

/* The check of a spooled order: its audio files in the spool, against the
 * IDs of o's manifest, under the key in the file key_path ("" or NULL: no
 * key configured). */
int mark_check_order(const char *key_path, struct spool *sp, const struct store_order *o,
		   const struct store_file *files, size_t n, const atomic_int *stop,
		   struct mark_check_verdict *v, struct err *e);

#endif
