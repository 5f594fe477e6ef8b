/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core_periph_internal: what core_periph.c (the USB side, scans, the view)
 * and core_periph_doc.c (the printed documents) share.  Event thread only,
 * like everything in struct core_periph; nothing else includes it.
 */
#ifndef TENPO_CORE_PERIPH_INTERNAL_H
#define TENPO_CORE_PERIPH_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core_internal.h"
#include "printer_profile.h"

#define CORE_DOC_COUNT (CORE_DOC_TEST + 1)
#define PERIPH_JOBS 8 /* jobs submitted whose outcome has not come */

struct periph_job {
	uint64_t id;
	enum core_doc doc;
	char key[ORDER_ID_MAX + 1];
	bool session; /* the current customer's receipt */
};

struct core_periph {
	struct usb *usb;
	struct printer_profile profile;
	char receipts_dir[CONFIG_PATH_MAX + 16];
	char lang[3];
	uint64_t next_job;
	struct periph_job jobs[PERIPH_JOBS];
	unsigned n_jobs;
	struct escpos_renderer *renderer;
	char pruned_day[11];
};

/* "receipt", "slip", "day", "test": the kinds' names in file names. */
extern const char *const periph_doc_kinds[CORE_DOC_COUNT];

/* A new snapshot (seq grows) and the UI woken. */
void periph_publish(struct core *c);
/* Today's documents into the view. */
void periph_list_receipts(struct core *c);
/* The staff alert: a log line, and the staff view until the next one. */
void periph_alert(struct core *c, const char *what, const char *key, const char *why);
/* USB_EVENT_JOB_DONE of a job we submitted. */
void periph_job_done(struct core *c, const struct core_event *ev);
/* PRINTER_TEST, REPRINT (text: the kind, "receipt" when empty), PREVIEW. */
int periph_staff_doc(struct core *c, const struct core_intent *in, struct err *e);

#endif
