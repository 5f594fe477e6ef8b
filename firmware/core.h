/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core: the running appliance — the one owner of all state, and the only
 * thing the UI talks to.
 *
 * The UI thread never blocks and never touches the network, libburn or
 * SQLite.  It sends intents (core_send: a copy into a bounded queue, never
 * waits) and reads snapshots (core_snapshot: a copy of the latest fixed-size
 * struct under a mutex held only for the memcpy).  The core runs an event
 * thread that owns the customer session and the staff session and applies
 * intents, plus worker threads: fetch (the sync loop: orders, content,
 * watermark check, reports) and burn (author, write, verify, erase, report).
 * Workers report to the event thread by messages; each worker has its own
 * store connection.  Whenever something a screen shows changes, the core
 * publishes a new snapshot (seq grows) and calls the wake callback, which
 * the UI uses to push an SDL user event — so an idle kiosk draws nothing.
 *
 * Snapshots hold no pointers: a UI can keep one as long as it likes.
 * Text in snapshots is UTF-8 from the order's manifest (already validated);
 * what the UI shows of the core's own words comes as CORE_MSG_* codes, which
 * the UI translates (Japanese and English), never as English sentences.
 */
#ifndef TENPO_CORE_H
#define TENPO_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "burner.h"
#include "config.h"
#include "delivery.h"
#include "err.h"
#include "manifest.h"
#include "order.h"

#define CORE_MAX_ITEMS 99      /* tracks or files shown for one order */
#define CORE_MAX_QUEUE 64      /* orders shown to staff */
#define CORE_MAX_LOG_LINES 32  /* recent log lines shown to staff */
#define CORE_TEXT 256

/* Where the customer is in a pickup; the UI picks its screen from this. */
enum core_session_stage {
	SESSION_IDLE,          /* attract screen / code entry */
	SESSION_CHECKING_CODE, /* verifying a code (PBKDF2 takes a moment) */
	SESSION_CODE_REFUSED,  /* msg says why: wrong, too many tries, expired ... */
	SESSION_ORDER_SHOWN,   /* order found and claimed: shown for confirmation */
	SESSION_WAITING_DISC,  /* "insert a blank disc"; drive is polled */
	SESSION_MEDIA_REFUSED, /* wrong or full disc: msg says which */
	SESSION_WRITING,       /* progress below */
	SESSION_VERIFYING,
	SESSION_DONE,          /* take the disc and the receipt */
	SESSION_FAILED,        /* msg says what happened; order kept safe */
	SESSION_SLIP_ISSUED,   /* payment slip issued (msg: printed or not): take it and the
				* amount to the register; once staff confirmed the
				* payment, enter the code again.  The order waits,
				* awaiting payment, whatever the session does next */
	SESSION_STAGE_COUNT
};

/* The core's words, translated by the UI. */
enum core_msg {
	CORE_MSG_NONE,
	CORE_MSG_CODE_WRONG,
	CORE_MSG_CODE_MALFORMED,
	CORE_MSG_CODE_WAIT,        /* too many wrong codes: wait_s seconds */
	CORE_MSG_ORDER_NOT_READY,  /* still downloading */
	CORE_MSG_ORDER_EXPIRED,
	CORE_MSG_ORDER_UNAVAILABLE,/* cancelled, failed, already written */
	CORE_MSG_PAY_AT_REGISTER,  /* not prepaid: take the slip to the register */
	CORE_MSG_NO_DISC,
	CORE_MSG_DISC_NOT_BLANK,
	CORE_MSG_DISC_WRONG_TYPE,  /* e.g. a CD where a DVD is needed */
	CORE_MSG_DISC_TOO_SMALL,
	CORE_MSG_WRITE_FAILED,     /* the blank is ruined; order kept; try another */
	CORE_MSG_VERIFY_FAILED,
	CORE_MSG_DRIVE_GONE,
	CORE_MSG_INTERNAL,         /* call staff */
	CORE_MSG_BLANKS_EXHAUSTED, /* this order ruined max_ruined_blanks: stopped, call staff */
	CORE_MSG_SLIP_PRINTED,     /* take the slip to the register */
	CORE_MSG_SLIP_NOT_PRINTED, /* no printer: tell staff the order ID and pay at the register */
	CORE_MSG_AWAITING_PAYMENT, /* the code of an order whose slip is not paid yet */
	CORE_MSG_SCAN_UNREADABLE,  /* a scan that is no pickup code (a product barcode, garbage) */
	CORE_MSG_COUNT
};

enum core_intent_kind {
	/* customer */
	INTENT_PICKUP_CODE,     /* text: the digits typed or scanned */
	INTENT_CONFIRM_ORDER,   /* "yes, write it" on the order screen; text: the
				   customer's language, "ja" or "en" (the receipt's) */
	INTENT_DISC_INSERTED,   /* "I put the disc in" (the drive is also polled);
				   text: the language, as above */
	INTENT_END_SESSION,     /* back / cancel / inactivity: forget the customer */
	INTENT_PRINT_SLIP,      /* "print the payment slip" on the order screen (not paid) */
	/* staff */
	INTENT_STAFF_LOGIN,     /* text: the PIN */
	INTENT_STAFF_LOGOUT,
	INTENT_STAFF_RETRY,     /* order_id */
	INTENT_STAFF_CANCEL,    /* order_id */
	INTENT_STAFF_REFETCH,   /* order_id: download again */
	INTENT_STAFF_REWRITE,   /* order_id: write again */
	INTENT_STAFF_TEST_WRITE,/* simulate a write of a test image */
	INTENT_STAFF_EJECT,
	INTENT_STAFF_SYNC_NOW,
	INTENT_STAFF_PRINTER_TEST,
	INTENT_STAFF_SCANNER_TEST, /* the next scan is shown to staff, not acted on */
	INTENT_STAFF_CONFIRM_PAYMENT, /* order_id: its slip's payment was taken at the register */
	INTENT_STAFF_DAY_CLOSE, /* today's totals (Japan's day): shown, printed */
	INTENT_STAFF_REPRINT,   /* order_id: a key of periph.receipts; text: its kind */
	INTENT_STAFF_PREVIEW,   /* the same: rendered to periph.preview_png */
	INTENT_KIND_COUNT
};

struct core_intent {
	enum core_intent_kind kind;
	char order_id[ORDER_ID_MAX + 1];
	char text[64];
};

struct core_item {               /* one track or file of the order shown */
	char name[MANIFEST_NAME_MAX + 1];
	char title[CORE_TEXT];       /* track title, or "" for data files */
	char performer[CORE_TEXT];
	uint64_t size;
	uint32_t duration_ms;        /* audio tracks; 0 otherwise */
};

struct core_order_view {
	char id[ORDER_ID_MAX + 1];
	char title[CORE_TEXT];
	char artist[CORE_TEXT];
	enum media_kind media;
	uint64_t price;
	char currency[4];
	bool prepaid;
	bool paid;                   /* prepaid or confirmed at the register (store.h) */
	bool pay_first;              /* not paid and pay_before_write: the slip, not the write */
	char slip[36];               /* the payment slip issued, SESSION_SLIP_ISSUED: "" none */
	uint64_t slip_amount;
	int64_t slip_valid_until;
	uint64_t total_bytes;
	unsigned item_count;
	struct core_item items[CORE_MAX_ITEMS];
};

/* The stage and the disc status are burner's lists (burner.h), carried
 * as they are: BURNER_STAGE_*, BURNER_MEDIA_*. */
struct core_progress {
	enum burner_stage stage;
	uint64_t bytes, total;
	unsigned percent;            /* of the whole job, write and verify */
	double mb_per_s;
	int eta_s;                   /* -1: not known yet */
};

struct core_drive_view {
	bool present;
	char address[128];
	char profile[64];            /* "CD-R", "DVD-R", "stdio file (emulating DVD-R)" */
	enum burner_status disc;
	uint64_t free_bytes;
	unsigned ruined_blanks;      /* counted for staff */
};

struct core_queue_row {
	char id[ORDER_ID_MAX + 1];
	enum order_state state;
	char title[CORE_TEXT];
	char reason[CORE_TEXT];
	int64_t updated_at;
};

struct core_net_view {
	bool reachable;              /* outcome is not DELIVERY_UNREACHABLE */
	enum delivery_outcome outcome; /* the last pass's worst (delivery_outcome_name) */
	int64_t last_sync_at;        /* 0: never */
	char last_error[CORE_TEXT];
	int64_t server_cert_not_after;
	int64_t client_cert_not_after;
	unsigned outbox_pending;
};

/* Close of day: the totals of the orders' own rows (store_day_totals). */
struct core_day_view {
	bool valid;                  /* asked for since the core started */
	int64_t from, to;            /* the day, Unix seconds */
	unsigned discs_written, blanks_ruined;
	unsigned register_count, prepaid_count;
	uint64_t register_amount, prepaid_amount, fees_owed;
	bool printed;                /* the printer took the sheet */
};

struct core_staff_view {
	bool logged_in;
	int64_t locked_until;        /* PIN lock-out after repeated failures; 0: none */
	unsigned queue_count;
	struct core_queue_row queue[CORE_MAX_QUEUE];
	uint64_t spool_used, spool_quota, spool_fs_free;
	unsigned spool_waiting;      /* orders the last sync left waiting for spool space */
	unsigned log_count;
	char log[CORE_MAX_LOG_LINES][160];
	char last_action[CORE_TEXT]; /* result of the last staff action */
	struct core_day_view day;    /* the last close of day */
};

/* The USB peripherals (drivers/usb.h) as the core last heard of them. */
#define CORE_MAX_RECEIPTS 32   /* today's printed documents shown to staff */
#define CORE_PERIPH_NAME 48

struct core_scanner_view {
	bool present;                /* plugged in */
	bool working;                /* bound to its driver; else last_error says why */
	char name[CORE_PERIPH_NAME]; /* devices.conf's name */
	uint16_t vid, pid;
	int64_t last_scan_at;        /* wall clock; 0: none since start */
	uint64_t scans, scans_refused;
	char last_error[160];
};

struct core_printer_view {
	bool present, working;
	char name[CORE_PERIPH_NAME];
	uint16_t vid, pid;
	char profile[32];            /* the profile documents are laid out for */
	char model[64];
	bool status_known;           /* false: the printer answers no status queries */
	bool offline, paper_out, paper_near_end, cover_open, error;
	char status_text[96];        /* printer_status_describe() */
	uint64_t jobs_ok, jobs_failed;
	char last_error[160];
};

struct core_receipt_row {        /* one document printed today */
	char key[ORDER_ID_MAX + 1];  /* the order ID, or TEST_hhmmss ... */
	char kind[16];               /* receipt, slip, day, test */
	int64_t stored_at;
	uint32_t size;
};

struct core_periph_view {
	bool usb_running;            /* the USB thread is up (usb = on) */
	struct core_scanner_view scanner;
	struct core_printer_view printer;
	bool receipt_failed;         /* this session's receipt could not be printed:
					the done screen says so */
	bool alert;                  /* staff: a document was not printed (alert_text) */
	char alert_text[CORE_TEXT];
	bool scanner_test;           /* waiting for the test scan */
	char test_scan[CORE_TEXT];   /* what the last test scan read */
	unsigned receipt_count;      /* oldest first */
	struct core_receipt_row receipts[CORE_MAX_RECEIPTS];
	uint64_t preview_seq;        /* grows with every preview rendered */
	char preview_png[1024];      /* "" when none */
	char preview_key[ORDER_ID_MAX + 1], preview_kind[16];
	char preview_error[CORE_TEXT];
};

struct core_snapshot {
	uint64_t seq;                /* grows with every change */
	int64_t now;
	enum core_session_stage stage;
	enum core_msg msg;
	int64_t wait_s;              /* with CORE_MSG_CODE_WAIT */
	bool has_order;
	struct core_order_view order;
	struct core_progress progress;
	struct core_drive_view drive;
	struct core_net_view net;
	struct core_staff_view staff;
	struct core_periph_view periph;
	uint32_t shop_id;
	char board[64];
	char version[32];
};

struct core;

/* Called from a core thread whenever a new snapshot is published. */
typedef void (*core_wake_fn)(void *arg);

int core_start(struct core **out, const struct config *cfg, core_wake_fn wake, void *arg,
	       struct err *e);

/* From now on the event loop tells w it is alive on every turn
 * (watchdog_core_alive; see watchdog.h).  w outlives the core; NULL stops. */
struct watchdog;
void core_watch(struct core *c, struct watchdog *w);

/* Stops the workers (a write in progress is cancelled and its order left
 * claimed and retryable), joins every thread, frees.  NULL is fine. */
void core_stop(struct core *c);

/* Queues an intent; never blocks.  false when the queue is full (the UI
 * may drop a touch then; the queue is large enough that a person cannot
 * fill it). */
bool core_send(struct core *c, const struct core_intent *in);

/* Copies the latest snapshot. */
void core_snapshot(struct core *c, struct core_snapshot *out);

/* The staff PIN as the config keeps it: "pbkdf2-sha256$ITER$SALTHEX$HASHHEX"
 * (PBKDF2-HMAC-SHA256, 100 000 iterations, random 16-byte salt). */
bool core_pin_matches(const char *stored, const char *pin);
int core_pin_make(const char *pin, char *out, size_t cap, struct err *e);

/* The PIN lock-out: seconds left after `failures` wrong PINs since the last
 * accepted one, the last at last_failure_at (wall clock, from the staff
 * log, so it survives a restart).  Never more than the lock-out itself,
 * whatever the clock did since: a clock set back does not stretch it. */
int64_t core_pin_lock_left(unsigned failures, int64_t last_failure_at, int64_t now);

/* The receipt printer's profile as cfg names it (printer_profile, found in
 * printer_profiles, the source tree's drivers/profiles or the installed
 * /usr/share/tenpo/profiles): what the kiosk lays receipts out for, and
 * what a preview of printed bytes is drawn with. */
struct printer_profile;
int core_printer_profile(const struct config *cfg, struct printer_profile *out, struct err *e);

const char *core_session_stage_name(enum core_session_stage s);
const char *core_msg_name(enum core_msg m);

#endif
