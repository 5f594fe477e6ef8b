/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sync: one pass of the fetch side of the appliance.
 *
 *   1. tidy:     orders past their expiry become EXPIRED; final orders whose
 *                spool folder survived a crash are erased;
 *   2. list:     new orders are ANNOUNCED, cancelled ones CANCELLED;
 *   3. manifest: each ANNOUNCED order's manifest is fetched, its signature
 *                and every field checked, its size checked against the spool
 *                quota, and it becomes DOWNLOADING — or FAILED with the reason;
 *                an order that fits the quota but not the space left now
 *                stays ANNOUNCED with a note ("waiting for spool space: ...")
 *                and is tried again next pass (space is a transient
 *                condition: nothing is reported failed);
 *   4. download: each DOWNLOADING order's files are fetched (resuming a
 *                .part), hashed, committed;
 *   5. check:    each DOWNLOADING order whose files are all in has the
 *                watermark of every audio file checked against its IDs
 *                (mark_check.h), and becomes READY with a "received" report
 *                queued — or FAILED with the reason.  It comes after every
 *                order's downloads, so no transfer waits for a check;
 *   6. report:   the outbox is flushed.
 *
 * Every step leaves the store consistent if the process dies at any moment:
 * a pass started again picks up where the last one stopped (a .part is
 * resumed; a committed file not yet marked done is re-hashed and marked).
 * One order's trouble does not stop the others; the pass returns the first
 * reason it met.  `tenpo sync` runs one pass; the appliance's fetch worker
 * runs them in a loop.
 */
#ifndef TENPO_SYNC_H
#define TENPO_SYNC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "delivery.h"
#include "err.h"
#include "spool.h"
#include "store.h"

struct sync_ctx {
	const struct config *cfg;
	struct store *store;
	struct spool *spool;
	struct delivery *delivery;
	/* set (e.g. by a signal handler or the core) to end the pass early */
	const atomic_int *stop;
	/* send every pending report, not only those due (manual sync) */
	bool flush_all_reports;
};

struct sync_stats {
	unsigned listed, announced, manifests, files, ready, failed, cancelled, expired;
	unsigned reports_sent;
	unsigned waiting_for_space; /* manifests left ANNOUNCED: the spool is full for now */
	uint64_t bytes;
};

int sync_pass(struct sync_ctx *c, struct sync_stats *st, struct err *e);

#endif
