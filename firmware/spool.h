/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spool: where an order's content waits between download and disc.
 *
 * Layout: SPOOL/<order-id>/<idx>.part while downloading, renamed to
 * SPOOL/<order-id>/<idx>.data once its SHA-256 matched.  Files are named by
 * their index in the manifest, never by the manifest's names: the names are
 * the server's words and only ever reach the disc's file system, not ours.
 * Order IDs are checked against [A-Za-z0-9_-]{1,64} before they become paths.
 *
 * Durability: spool_commit() fsyncs the file, renames it, and fsyncs the
 * folder, so a .data file that exists after a power cut is complete.  A
 * .part file may hold garbage at its end after a power cut; the download's
 * final hash check catches that and the file is fetched again.
 *
 * Room: the quota counts what orders have reserved (their manifest sizes,
 * from the store), not what is on disk yet, so two downloads cannot both
 * be promised the last gigabyte.  The file system's free space is checked
 * too.
 *
 * Erasure: spool_erase_order() overwrites every file of the order with zeros,
 * fdatasyncs, unlinks, and removes the folder.  It is idempotent: erasing an
 * order whose folder is already gone succeeds.  (On flash storage an
 * overwrite does not guarantee the old blocks are gone; the board profile
 * is expected to put the spool on an encrypted volume for that.)
 */
#ifndef TENPO_SPOOL_H
#define TENPO_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct spool;
struct spool_writer;

int spool_open(struct spool **out, const char *dir, uint64_t quota_bytes, struct err *e);
void spool_close(struct spool *sp);

/* bool: id is a safe order id ([A-Za-z0-9_-]{1,64}). */
bool spool_id_ok(const char *order_id);

/* Paths of an order's file (data: the committed file; part: in progress). */
int spool_data_path(struct spool *sp, const char *order_id, unsigned idx, char *out,
		    size_t cap, struct err *e);
int spool_part_path(struct spool *sp, const char *order_id, unsigned idx, char *out,
		    size_t cap, struct err *e);

/* Size of the .part file (0 when there is none). */
int spool_part_size(struct spool *sp, const char *order_id, unsigned idx,
		    uint64_t *size, struct err *e);

/* Opens (creating the order folder and the .part file as needed) for writing
 * at `offset`; the file is truncated to offset first.  ENOSPC and EDQUOT say
 * "spool disk full". */
int spool_writer_open(struct spool *sp, const char *order_id, unsigned idx,
		      uint64_t offset, struct spool_writer **out, struct err *e);
int spool_writer_write(struct spool_writer *w, const void *buf, size_t len,
		       struct err *e);
/* Closes; with sync, fdatasyncs first.  NULL is fine. */
int spool_writer_close(struct spool_writer *w, bool sync, struct err *e);

/* .part → .data, durably (see above). */
int spool_commit(struct spool *sp, const char *order_id, unsigned idx, struct err *e);

/* Removes a .part file (after a hash mismatch). */
int spool_discard_part(struct spool *sp, const char *order_id, unsigned idx,
		       struct err *e);

/* Overwrite, sync, unlink, rmdir; idempotent. */
int spool_erase_order(struct spool *sp, const char *order_id, struct err *e);

/* true when the order's folder exists. */
bool spool_has_order(struct spool *sp, const char *order_id);

/* Refuses when reserved + need exceeds the quota, or need exceeds the file
 * system's free space (less what is already written of this order):
 * "order needs 812 MB; the spool quota leaves 300 MB". */
int spool_check_room(struct spool *sp, uint64_t reserved_by_others, uint64_t need,
		     struct err *e);

/* true when `need` fits in the quota at all, once other orders are gone: a
 * refusal by spool_check_room() is then a matter of time (space is freed as
 * discs are written), not the order's fault. */
bool spool_could_fit(const struct spool *sp, uint64_t need);

/* Bytes currently on disk under the spool, and the file system's free bytes. */
int spool_usage(struct spool *sp, uint64_t *used, uint64_t *fs_free, struct err *e);

#endif
