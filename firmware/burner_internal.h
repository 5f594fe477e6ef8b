/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * burner_internal: what burner.c, burner_write.c, burner_verify.c and
 * burner_sums.c share: the handle, the block sums, and the helpers for
 * libburn's messages, time and the drive's state.  Not a public header:
 * callers see burner.h only.
 *
 * Every shared function is defined once, in the file named above its
 * group, carries the burner_ prefix, and has its comment where it is
 * defined.
 */
#ifndef TENPO_BURNER_INTERNAL_H
#define TENPO_BURNER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "burner.h"

#define BLOCK BURNER_DATA_SECTOR_BYTES
#define AUDIO_SECTOR BURNER_AUDIO_SECTOR_BYTES
#define POLL_MS 20
#define CALLBACK_MS 250
#define MSG_MOD "burner"

/* ---- the handle ------------------------------------------------------ */

/* Per-block sums of the bytes last written through this handle. */
struct block_sums {
	uint32_t *v;		/* one per group of 2^shift blocks */
	size_t n;
	unsigned shift;
	uint64_t size;		/* bytes covered */
	bool valid;		/* the write that filled it succeeded */
};

struct burner {
	struct burner *next;	/* in lib.handles */
	char address[BURNER_ADDR_MAX];
	struct burn_drive_info *info;	/* from burn_drive_scan_and_grab() */
	struct burn_drive *drive;	/* NULL once burner_finish() released it */
	bool pseudo;
	char path[BURNER_ADDR_MAX];	/* pseudo: the file */
	enum burner_blank blank;	/* pseudo: the emulated blank */
	enum burner_status emulated;	/* pseudo: BLANK until written */
	struct block_sums sums;
	bool no_write_md5;		/* burner_set_write_md5(b, false) */
	/* the first libburn message of severity SORRY or worse since
	 * burner_clear_reason(): the cause of a failure */
	char reason[256];
	int reason_errno;
};

/* ---- burner.c -------------------------------------------------------- */

void burner_copy_text(char *dst, size_t len, const char *src);

/* the bits burner_drain_msgs() returns: which of the codes it acts on went by */
#define SEEN_STILL_BUSY 1
#define SEEN_WRITER_ENDED 2
int burner_drain_msgs(struct burner *b);
void burner_clear_reason(struct burner *b);
const char *burner_reason_of(const struct burner *b, char *buf, size_t len);

double burner_now_s(void);
void burner_sleep_ms(long ms);
void burner_rate_eta(struct burner_progress *p, double since);

int burner_usable(const struct burner *b, struct err *e);
int burner_pseudo_present(const struct burner *b, struct err *e);

/* What a pseudo-drive holds: a regular file's length, or a block device's
 * whole size (its st_size is 0), *block saying which.  A block device is
 * never shorter after a write, so callers compare "at least" for it. */
int burner_pseudo_bytes(const struct burner *b, uint64_t *bytes, bool *block, struct err *e);

/* ---- block sums: burner_sums.c --------------------------------------- */

/* A Fletcher-style sum over 64-bit words: not a hash against an adversary
 * (the MD5 is the verdict), only to find where two streams part.  Runs at
 * about 10 GB/s, so it costs nothing next to MD5 (about 0.6 GB/s). */
struct summer {
	uint64_t a, s;
	uint64_t pos;		/* bytes fed */
};

int burner_sums_alloc(struct block_sums *t, uint64_t size, struct err *e);
bool burner_summer_feed(struct summer *z, struct block_sums *t, const uint8_t *p, size_t len,
			bool compare, uint64_t *bad_group);

#endif
