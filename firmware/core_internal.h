/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core_internal: what core.c (the event thread), core_staff.c (the staff
 * session) and core_work.c (the fetch and burn workers) share.  Not a
 * public header: the UI sees core.h only.
 *
 * Locking: one mutex, c->lock, guards the published snapshot, the intent and
 * event queues and the job slot; it is held only to copy or change those,
 * never across I/O.  The event thread alone changes the session (stage,
 * order view, messages) and the staff session, under the lock, and so may
 * read them without it; workers change only progress, drive and network
 * views, and post events for the rest (the burn worker's "verifying now"
 * too).  `stop` is the one field read without the lock by every thread: a
 * C11 atomic.  Every timed wait runs on CLOCK_MONOTONIC (core_cond_init),
 * so a wall clock set back cannot stretch it.
 */
#ifndef TENPO_CORE_INTERNAL_H
#define TENPO_CORE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "core.h"
#include "handover.h"
#include "spool.h"
#include "store.h"

#define CORE_INTENT_QUEUE 64
#define CORE_EVENT_QUEUE 16

/* Jobs of the burn worker; JOB_CLAIM is the claim worker's, JOB_VERIFYING
 * only news (the write job has started its read-back), JOB_PERIPH the USB
 * thread's news (core_periph.c). */
enum core_job_kind { JOB_NONE, JOB_CHECK, JOB_WRITE, JOB_TEST_WRITE, JOB_EJECT, JOB_CLAIM,
		     JOB_VERIFYING, JOB_PERIPH };

/* Slots of the event queue the USB thread leaves free: a scan storm must
 * not crowd out a worker's news (a write's end), nor its own job results. */
#define CORE_EVENT_KEEP_FOR_WORKERS 4
#define CORE_EVENT_KEEP_FROM_SCANS 8

struct core_job {
	enum core_job_kind kind;
	char order_id[ORDER_ID_MAX + 1];
};

/* A worker's news for the event thread. */
struct core_event {
	enum core_job_kind job;     /* what finished */
	int rc;
	enum handover_refusal refusal;
	int claim;                  /* JOB_CLAIM: enum claim_refusal */
	int64_t wait_s;             /* JOB_CLAIM: with CLAIM_WAIT */
	char order_id[ORDER_ID_MAX + 1];
	char text[CORE_TEXT];       /* JOB_PERIPH: the scan, or the reason */
	char checksum[33];          /* JOB_WRITE: handover_result.session_md5 */
	struct {                    /* JOB_PERIPH: a copy of the struct usb_event */
		int type;           /* enum usb_event_type */
		int kind;           /* enum usb_kind */
		char name[CORE_PERIPH_NAME];
		uint16_t vid, pid;
		bool online, status_known, offline, paper_out, paper_near_end, cover_open, error;
		uint64_t job_id;
		bool job_ok;
		bool cut;           /* the text did not fit: a scan too long for any code */
	} usb;
};

struct core_periph;

struct core {
	struct config cfg;
	core_wake_fn wake;
	void *wake_arg;

	pthread_mutex_t lock;
	pthread_cond_t event_cond, fetch_cond, burn_cond, claim_cond;
	struct core_snapshot snap;          /* the published one */
	struct core_intent intents[CORE_INTENT_QUEUE];
	unsigned intent_head, intent_len;
	struct core_event events[CORE_EVENT_QUEUE];
	unsigned event_head, event_len;
	struct core_job job;                /* the burn worker's next job */
	bool verify_posted;                 /* JOB_VERIFYING sent for this job */
	bool sync_now;
	struct watchdog *watchdog;          /* NULL, or pinged by the event loop */
	struct {
		bool pending;
		char code[64];              /* wiped once the worker has it */
	} claim;                            /* the claim worker's request */
	atomic_int stop;

	pthread_t event_thread, fetch_thread, burn_thread, claim_thread;
	bool fetch_started, burn_started, event_started, claim_started;
	bool handover_ready;                /* handover_init() done */

	/* event thread only */
	struct store *store;
	struct spool *spool;
	int64_t last_refresh;
	int64_t last_touch;
	char staff_name[STORE_STAFF_NAME_MAX + 1]; /* who is logged in: "staff" */
	struct core_periph *periph;         /* core_periph.c's; NULL before its start */
};

/* Bumps seq; call with c->lock held, then core_notify() after unlocking. */
void core_changed(struct core *c);
void core_notify(struct core *c);

/* Workers → event thread.  false (and a log line) when the queue is full. */
bool core_post_event(struct core *c, const struct core_event *ev);
/* The same, but only while more than keep_free slots are free: the USB
 * thread's way (it never waits). */
bool core_post_event_leaving(struct core *c, const struct core_event *ev, unsigned keep_free);

/* core.c's session, for core_periph.c on the event thread: a scanned code
 * takes the typed code's path; a scan that is none is refused. */
void core_session_code(struct core *c, const char *code);
void core_set_stage(struct core *c, enum core_session_stage stage, enum core_msg msg);

/* Hands the burn worker a job; false when it is busy. */
bool core_start_job(struct core *c, enum core_job_kind kind, const char *order_id);

/* Hands the claim worker a code (core_claim.c); false when it is busy. */
bool core_start_claim(struct core *c, const char *code);

/* Seconds on CLOCK_MONOTONIC: for intervals, never for dates. */
int64_t core_mono_s(void);

/* Before any thread runs: handover_recover(), then every CLAIMED order back
 * to READY (no session survives a restart).  Errors are logged. */
void core_recover(struct core *c);
void *core_fetch_main(void *arg);
void *core_burn_main(void *arg);
void *core_claim_main(void *arg);

/* core_periph.c: the USB peripherals as the core sees them, on the event
 * thread.  What the UI shows of them comes through the snapshot. */
enum core_doc { CORE_DOC_RECEIPT, CORE_DOC_SLIP, CORE_DOC_DAY, CORE_DOC_TEST };
struct printer_profile;
/* Starts the peripherals (drivers/usb.h) from the config, before the event
 * thread runs; a kiosk without any runs on.  Stop joins the USB thread. */
int core_periph_start(struct core *c, struct err *e);
void core_periph_stop(struct core *c);
/* Hands one document's ESC/POS bytes to the receipt printer (order_id ""
 * for none) and keeps them for reprints.  0 when the printer took the job
 * (the outcome comes later, as an event); -1 when no printer is ready, e
 * saying why. */
int core_periph_print(struct core *c, enum core_doc doc, const char *order_id,
		      const uint8_t *bytes, size_t len, struct err *e);
/* The printer's profile to lay a document out for: the attached printer's,
 * or the configured default.  Never NULL. */
const struct printer_profile *core_periph_profile(struct core *c);
/* Event thread: a JOB_PERIPH event; the session reached DONE (lays out and
 * prints the receipt; checksum "" when none); the customer's language
 * ("ja"/"en", anything else is ignored); the session ended; a staff action
 * (PRINTER_TEST, SCANNER_TEST, REPRINT, PREVIEW: 0 or -1 and e); the
 * periodic refresh (the USB snapshot, the day's documents, pruning). */
void core_periph_event(struct core *c, const struct core_event *ev);
void core_periph_session_done(struct core *c, const char *checksum);
void core_periph_language(struct core *c, const char *lang);
/* The customer's language for what is printed for them: "ja" or "en". */
const char *core_periph_lang(const struct core *c);
void core_periph_session_end(struct core *c);
int core_periph_staff(struct core *c, const struct core_intent *in, struct err *e);
void core_periph_refresh(struct core *c);
/* The test seam: posts ev as if the USB thread had (it goes through the
 * same copy and the same queue).  For tests; the kiosk never calls it. */
struct usb_event;
bool core_periph_inject(struct core *c, const struct usb_event *ev);

/* core_pay.c: paying at the register.  A scan the session had no use for:
 * a slip's payload scanned while staff is logged in confirms that payment.
 * true when the text was a slip (confirmed or refused, the staff view says
 * which). */
bool core_pay_scan(struct core *c, const char *text);
/* Confirms the payment of a slip payload or an order's slip for the staff
 * member logged in; the outcome is in the staff log and the staff view. */
void core_pay_confirm(struct core *c, const char *id_or_slip);
/* Voids the slips past their time (store_payment_expire); from the refresh. */
void core_pay_expire(struct core *c);

/* core_staff.c, on the event thread */
void core_staff_intent(struct core *c, const struct core_intent *in);
void core_staff_refresh(struct core *c);
/* A staff action's outcome: result() logs it to the staff log and shows it,
 * publish() only shows one the store has logged already. */
void core_staff_result(struct core *c, const char *action, const char *order_id, int rc,
		       const struct err *e);
void core_staff_publish(struct core *c, const char *action, const char *order_id,
			const char *text);

#endif
