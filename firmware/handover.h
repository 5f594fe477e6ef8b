/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * handover: a claimed order becomes a disc in the customer's hand.
 *
 *   CLAIMED ──check──▶ (refused: stays CLAIMED, the customer is told why)
 *      │ spool re-hashed, image authored, size checked against the blank
 *      ▼
 *   WRITING  (committed before the laser turns on)
 *      │ libburn write with progress; failure: back to CLAIMED, blank counted ruined
 *      │ (after max_ruined_blanks for this order: FAILED for staff instead,
 *      │ refusal REFUSE_BLANKS_EXHAUSTED; a staff retry resets the count)
 *      ▼
 *   VERIFYING (read back, compared with what was written; an audio CD on a
 *      │ real writer with burn_read_audio at the drive's read offset)
 *      │ failure: back to CLAIMED, blank counted ruined.  A drive that reads
 *      │ no audio at all: not verified, said so in the log, the result and
 *      │ the report, and handed over
 *      ▼
 *   WRITTEN ── disc ejected ──▶ spool erased ──▶ ERASED + "delivered" report queued
 *                                                  (one transaction)
 *   ERASED ── report acknowledged ──▶ REPORTED   (report_flush)
 *
 * A data order is written as ISO 9660 + Rock Ridge + Joliet with the signed
 * stamp; an audio-cd order as CD-DA with CD-TEXT on a real CD writer, or on
 * a pseudo-drive (stdio:PATH) as PATH.cue/.bin/.cdt beside PATH.
 *
 * handover_recover() finishes what a crash interrupted: an order left in
 * WRITING or VERIFYING goes back to CLAIMED (the blank is counted ruined),
 * one left WRITTEN has its spool erased and becomes ERASED; on a stdio:
 * drive, the .tmp files of an audio export cut short are removed.
 */
#ifndef TENPO_HANDOVER_H
#define TENPO_HANDOVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "burner.h"
#include "config.h"
#include "err.h"
#include "spool.h"
#include "store.h"

/* Why a disc was not written, in the words the kiosk shows a customer. */
enum handover_refusal {
	REFUSE_NONE,
	REFUSE_NO_DISC,
	REFUSE_NOT_BLANK,
	REFUSE_WRONG_TYPE,
	REFUSE_TOO_SMALL,
	REFUSE_DRIVE_GONE,
	REFUSE_WRITE_FAILED,
	REFUSE_VERIFY_FAILED,
	REFUSE_CONTENT,     /* spool damaged, watermark mismatch: staff */
	REFUSE_BLANKS_EXHAUSTED, /* this order ruined cfg max_ruined_blanks: FAILED, staff */
	REFUSE_INTERNAL,
	REFUSE_COUNT
};

/* The stage is burner's one list (burner.h): the drive's stages, then
 * ERASING and DONE, which this module reports. */
struct handover_progress {
	enum burner_stage stage;
	uint64_t bytes, total;  /* of the current stage */
	double mb_per_s;
	int eta_s;              /* of the whole job; -1 unknown */
};

/* Return non-zero to cancel (the order stays claimed, the blank is ruined). */
typedef int (*handover_progress_fn)(void *arg, const struct handover_progress *p);

struct handover_opts {
	const char *drive;        /* libburn address; NULL: the config's */
	const char *pseudo_media; /* the blank a stdio: drive stands for: "cd-r", "dvd-r"...;
				     NULL: the one the order needs */
	bool simulate;            /* laser off: nothing is recorded, the order stays claimed */
	bool eject;
	handover_progress_fn progress;
	void *arg;
	const atomic_int *stop;
};

struct handover_result {
	enum handover_refusal refusal;
	bool verified;            /* the disc was read back and matched (data: MD5;
				     audio: CUE/BIN re-read, or CD-DA read back) */
	char not_verified[256];   /* when written but not verified: what happened
				     ("the drive cannot read audio sectors back: ...") */
	char output[4096];        /* where the image or CUE sheet went (pseudo-drives) */
	char session_md5[33];     /* data discs: the MD5 of the session written and
				     read back, hex; "" for audio (the receipt's checksum) */
	uint64_t bytes;
	double write_mb_per_s, verify_mb_per_s;
	int64_t started_at, finished_at;
};

/* Library-wide setup of libburn and libisofs; once per process. */
int handover_init(struct err *e);
void handover_finish(void);

/* Checks the disc in the drive against the order without writing. */
int handover_check(const struct config *cfg, struct store *s, struct spool *sp,
		   const char *order_id, const struct handover_opts *o,
		   struct handover_result *r, struct err *e);

/* The whole path above.  0: written, erased, report queued, and verified
 * unless r->verified is false: then r->not_verified says why (a drive that
 * reads no audio back), and the report says "verified": false. */
int handover_run(const struct config *cfg, struct store *s, struct spool *sp,
		 const char *order_id, const struct handover_opts *o,
		 struct handover_result *r, struct err *e);

/* Staff: a simulated write (laser off) of a small test image, and eject. */
int handover_test_write(const struct config *cfg, const struct handover_opts *o,
			struct handover_result *r, struct err *e);
int handover_eject(const struct config *cfg, const char *drive, struct err *e);

/* What is in the drive, for the staff screen. */
struct handover_drive {
	bool present;
	char profile[64];
	enum burner_status status;
	uint64_t free_bytes;
};
int handover_drive_status(const struct config *cfg, const struct handover_opts *o,
			  struct handover_drive *d, struct err *e);

int handover_recover(const struct config *cfg, struct store *s, struct spool *sp,
		     struct err *e);

#endif
