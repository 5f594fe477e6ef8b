/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store: the appliance's one SQLite database — orders, their files, the
 * transition log, the report outbox and the pickup guard.
 *
 * Invariants
 *   - Every state change is one transaction that also appends a row to the
 *     transition log, and it is committed before the side effect it
 *     announces is started (WRITING is committed before the laser turns on,
 *     ERASED after the spool is gone, a report is in the outbox in the same
 *     transaction as the state it reports).
 *   - A transition names the state it expects to leave; if the order is no
 *     longer in that state (another thread moved it), nothing changes and
 *     the call fails: "order X is ready, not claimed".
 *   - order_can_move() is asked before any UPDATE: illegal transitions are
 *     refused.
 *   - The database runs in WAL mode with synchronous=FULL, so a committed
 *     transaction survives a power cut; foreign keys are on.
 *   - The schema is versioned (PRAGMA user_version); store_open() migrates
 *     older files forward in one transaction and refuses newer ones.
 *
 * Threads: a struct store is one SQLite connection, used by one thread at a
 * time.  Each worker thread opens its own (WAL lets them read while one
 * writes; busy_timeout makes writers wait instead of failing).
 *
 * Out-structs are snapshots copied out of the database; arrays returned
 * through `**out` are malloc'ed and freed with free() (store_reports_free()
 * for reports, whose bodies are allocated too).
 */
#ifndef TENPO_STORE_H
#define TENPO_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "manifest.h"
#include "order.h"

#define STORE_SCHEMA_VERSION 5
#define STORE_REASON_MAX 256
#define STORE_REPORT_ID_LEN 36 /* UUID text */
#define STORE_REPORT_BODY_MAX 65536 /* bytes of a report's JSON body */

struct store;

struct store_order {
	char id[ORDER_ID_MAX + 1];
	enum order_state state;
	enum order_state failed_from; /* meaningful when state == ORDER_FAILED */
	char reason[STORE_REASON_MAX];  /* why it failed / last error; "" if none */
	bool has_manifest;            /* false while ANNOUNCED */
	struct manifest_ids ids;
	char title[MANIFEST_TEXT_MAX];
	char artist[MANIFEST_TEXT_MAX];
	enum media_kind media;
	uint64_t price;
	char currency[4];
	bool prepaid;
	bool paid;                    /* prepaid, or a payment confirmed at the register:
				       * the one answer to "is it paid" (store_payment.c) */
	int64_t expires_at;
	uint64_t total_bytes;
	unsigned file_count;
	unsigned files_done;
	unsigned attempts;            /* retries so far */
	int64_t created_at, updated_at; /* Unix seconds */
};

struct store_file {
	unsigned idx;                 /* position in the manifest, from 0 */
	struct manifest_file m;
	bool done;                    /* hashed and committed in the spool */
	unsigned failures;            /* hash mismatches so far */
};

/* A report about to be queued with a transition. */
struct store_report_new {
	const char *kind; /* "received", "delivered", "failed", "expired", "cancelled" */
	const char *body; /* JSON object text, without report_id */
};

struct store_report {
	char id[STORE_REPORT_ID_LEN + 1];
	char order_id[ORDER_ID_MAX + 1];
	char kind[16];
	char *body;                 /* owned */
	unsigned attempts;
	int64_t next_attempt_at;
	int64_t created_at;
	char last_error[STORE_REASON_MAX];
};

/* Opens an existing database (migrating an older schema forward).  A missing
 * or empty file is refused, never made afresh: "store: PATH: no such database
 * (a new one is made only on purpose, by tenpo init)". */
int store_open(struct store **out, const char *path, struct err *e);
/* Makes the database when there is none (or an empty file left by an
 * interrupted create), or checks and migrates the one there; it is not
 * kept open.  1: made new, 0: it was there already, -1: error. */
int store_create(const char *path, struct err *e);
void store_close(struct store *s);

/* Records an order seen in the server's list.  Returns 1 if it was new,
 * 0 if the store already knew it (any state), -1 on error. */
int store_order_announce(struct store *s, const char *id, struct err *e);

/* ANNOUNCED → DOWNLOADING: stores the verified manifest bytes, its signature
 * and the parsed fields, and one row per file, in one transaction.  m->order_id
 * must equal id. */
int store_order_accept_manifest(struct store *s, const char *id, const char *json,
				size_t json_len, const uint8_t *sig, size_t sig_len,
				const struct manifest *m, struct err *e);

/* One transaction: checks order_can_move(from, to) and that the order is in
 * `from`, sets `to`, the reason ("" clears it; FAILED needs one), records
 * failed_from when `to` is FAILED, appends to the transition log, and queues
 * `report` in the outbox when it is non-NULL. */
int store_order_move(struct store *s, const char *id, enum order_state from,
		     enum order_state to, const char *reason,
		     const struct store_report_new *report, struct err *e);

/* FAILED → order_retry_target(failed_from), attempts + 1.  For a download
 * retry the files' done flags are kept (the spool still has them).  Refused,
 * with order_action_check()'s reason, unless ORDER_ACT_RETRY is allowed. */
int store_order_retry(struct store *s, const char *id, struct err *e);

/* FAILED → ANNOUNCED whatever it failed in, every file marked not done:
 * "download again".  Refused unless ORDER_ACT_REFETCH is allowed, and then
 * nothing changes: the caller erases the spool only after this succeeded
 * (check, move, erase), so a refused refetch leaves the content alone.  The
 * manifest is fetched and checked again by the next sync, which downloads
 * every file afresh (a file a failed erase left behind is kept only if its
 * SHA-256 matches). */
int store_order_refetch(struct store *s, const char *id, struct err *e);

/* Records a reason without changing state (e.g. "server unreachable, will
 * retry"); shown to staff. */
int store_order_note(struct store *s, const char *id, const char *reason, struct err *e);

/* 1 found (out filled), 0 not found, -1 error. */
int store_order_get(struct store *s, const char *id, struct store_order *out,
		    struct err *e);

/* All orders, oldest first; or only those in `state` (pass -1 for all). */
int store_orders_list(struct store *s, int state, struct store_order **out, size_t *n,
		      struct err *e);

/* The manifest bytes and signature exactly as received (caller frees both). */
int store_order_manifest(struct store *s, const char *id, char **json, size_t *json_len,
			 uint8_t **sig, size_t *sig_len, struct err *e);

/* The order's files in manifest order. */
int store_files(struct store *s, const char *id, struct store_file **out, size_t *n,
		struct err *e);

/* Marks a file hashed-and-committed.  Returns the number of files of the
 * order still not done (0: the caller may move the order to READY). */
int store_file_done(struct store *s, const char *id, unsigned idx, struct err *e);

/* Counts a hash mismatch; *failures gets the new count. */
int store_file_failed(struct store *s, const char *id, unsigned idx, unsigned *failures,
		      struct err *e);

/* Bytes the spool must keep for orders not yet erased or final (every order
 * from DOWNLOADING to WRITTEN, AWAITING_PAYMENT included, and FAILED ones whose spool is kept),
 * excluding `except_id` (may be NULL). */
int store_spool_reserved(struct store *s, const char *except_id, uint64_t *bytes,
			 struct err *e);

/* Outbox: reports not yet acknowledged whose next_attempt_at <= now. */
int store_reports_due(struct store *s, int64_t now, struct store_report **out, size_t *n,
		      struct err *e);
/* Every report not yet acknowledged (for staff screens). */
int store_reports_pending(struct store *s, struct store_report **out, size_t *n,
			  struct err *e);
void store_reports_free(struct store_report *r, size_t n);
/* Marks a report acknowledged; for a "delivered" report whose order waits
 * in ERASED, also moves it to REPORTED, in the same transaction. */
int store_report_acked(struct store *s, const char *report_id, struct err *e);
/* next_attempt_at of a report the server refused for good (4xx): never due
 * again, still pending for staff, its last_error saying why. */
#define STORE_REPORT_NEVER INT64_MAX

/* Counts a failed attempt and sets when to try again. */
int store_report_deferred(struct store *s, const char *report_id, int64_t next_attempt_at,
			  const char *last_error, struct err *e);

/* Pickup guard against guessing codes: persistent across restarts.
 * store_pickup_wait() says how many seconds to wait before the next attempt
 * is allowed (0: now).  The wait grows with consecutive failures: none for
 * the first 3, then 2^(n-3) s, capped at 300 s. */
int store_pickup_wait(struct store *s, int64_t now, int64_t *wait_s, unsigned *failures,
		      struct err *e);
int store_pickup_failed(struct store *s, int64_t now, struct err *e);

/* READY → CLAIMED and resets the pickup guard, one transaction. */
int store_order_claim(struct store *s, const char *id, struct err *e);

/* A write or verify of the order ruined a blank: one transaction counts it
 * (the "ruined_blanks" counter, and the order's own count) and moves the
 * order from WRITING or VERIFYING back to CLAIMED with the reason, or, when
 * the order's count reached `limit` (0: no limit), to FAILED (failed_from =
 * `from`, so a retry goes to CLAIMED) with "N blanks ruined writing this
 * order; stopped for staff (last: REASON)".  Returns 0 claimed, 1 stopped,
 * -1 error (nothing changed).  The order's count is of its transition-log
 * rows tagged "blank ruined: " since its last FAILED → CLAIMED (a staff
 * retry resets it). */
int store_order_ruined(struct store *s, const char *id, enum order_state from, unsigned limit,
		       const char *reason, struct err *e);

/* Transition log of one order, oldest first, as "time from→to reason" lines
 * (caller frees the array and each string). */
int store_order_history(struct store *s, const char *id, char ***lines, size_t *n,
			struct err *e);

/* The pickup verifier from the order's manifest, for checking a code offline.
 * -1 when the order is unknown or has no manifest yet. */
int store_order_pickup(struct store *s, const char *id, struct pickup_verifier *v,
		       struct err *e);

/* The orders a typed code may belong to: those whose manifest's pickup
 * locator is `locator` (pickup.h), plus any order accepted before the
 * store knew locators that is still downloading, ready or claimed.  *out
 * is the caller's to free(); verifier.locator is set to `locator`. */
struct store_pickup_candidate {
	char id[ORDER_ID_MAX + 1];
	struct pickup_verifier verifier;
};
int store_pickup_candidates(struct store *s, uint32_t locator,
			    struct store_pickup_candidate **out, size_t *n, struct err *e);

/* Retention (store_retention.c): every reported, expired or cancelled
 * order last changed before `before` (Unix seconds) and with no report
 * left to send becomes one row of the disc record (store_disc) and leaves
 * orders, files, transitions and outbox, in one transaction.  *compacted:
 * how many. */
int store_compact(struct store *s, int64_t before, unsigned *compacted, struct err *e);

/* The record the shop keeps of a compacted order. */
struct store_disc {
	char id[ORDER_ID_MAX + 1];
	enum order_state state;        /* reported, expired or cancelled */
	char reason[STORE_REASON_MAX];
	char title[MANIFEST_TEXT_MAX];
	char artist[MANIFEST_TEXT_MAX];
	char media[16];                /* "" for an order that never had a manifest */
	uint64_t price;
	char currency[4];
	struct manifest_ids ids;
	int64_t created_at, written_at; /* written_at 0: no disc was written */
	int64_t closed_at, compacted_at;
	char receipt[4097];            /* the delivered report's body, or "" */
};

/* 1 found (out filled), 0 not a compacted order, -1 error. */
int store_disc_get(struct store *s, const char *id, struct store_disc *out, struct err *e);

/* ---- paying at the register (store_payment.c) ----------------------------
 *
 * One row per payment slip printed.  A slip is open until it is confirmed
 * (the order is then paid) or voided (expired, or its order cancelled or
 * expired); an order has at most one open slip.  The times are the caller's
 * (Unix seconds), so tests can move them; the transition log keeps its own. */
#define STORE_STAFF_NAME_MAX 32
#define STORE_SLIP_MAX 35 /* SLIP_PAYLOAD_MAX - 1 (receipt.h) */

struct store_payment {
	char order_id[ORDER_ID_MAX + 1];
	char slip[STORE_SLIP_MAX + 1];        /* the payload, receipt.h's format */
	uint64_t amount;
	char currency[4];
	int64_t issued_at, valid_until;
	bool confirmed;
	int64_t confirmed_at;
	char confirmed_by[STORE_STAFF_NAME_MAX + 1];
	bool voided;
	int64_t voided_at;
	char void_reason[STORE_REASON_MAX];
};

/* CLAIMED → AWAITING_PAYMENT with the slip's row, one transaction, to be
 * committed before the slip is printed.  Refused unless the order is
 * claimed, not prepaid, not paid, and amount/currency are its price; the
 * payload must parse (slip.h) and name this order and amount. */
int store_payment_issue(struct store *s, const char *id, uint64_t amount, const char *currency,
			int64_t issued_at, int64_t valid_until, const char *slip, struct err *e);

/* Confirms the payment of a slip: id_or_slip is the scanned payload, or an
 * order ID (its newest slip, for staff confirming from the queue).  One
 * transaction: the slip confirmed at `now` by `staff` (NULL or "": "staff"),
 * the order AWAITING_PAYMENT → READY, and a staff-log row ("confirm-payment",
 * order, "ok by NAME").  Refused, with a one-line reason and nothing
 * changed: an unknown slip, one confirmed already, a void one, one whose
 * valid_until has passed, an order not awaiting payment.  *out (may be NULL)
 * gets the confirmed slip. */
int store_payment_confirm(struct store *s, const char *id_or_slip, const char *staff,
			  int64_t now, struct store_payment *out, struct err *e);

/* Every open slip whose valid_until <= now: voided ("slip expired") and its
 * order AWAITING_PAYMENT → READY, unpaid ("payment slip expired"), one
 * transaction each; at most 64 a call.  *expired: how many. */
int store_payment_expire(struct store *s, int64_t now, unsigned *expired, struct err *e);

/* The order's newest slip: 1 found, 0 none, -1 error. */
int store_payment_get(struct store *s, const char *id, struct store_payment *out,
		      struct err *e);

/* ---- close of day (store_day.c) ----------------------------------------- */

/* What the day's rows say, for [from, to) (Unix seconds); amounts in yen. */
struct store_day {
	int64_t from, to;
	unsigned discs_written;     /* moves into WRITTEN */
	unsigned blanks_ruined;     /* blanks a write or verify ruined */
	unsigned register_count;    /* payments confirmed at the register */
	uint64_t register_amount;
	unsigned prepaid_count;     /* discs written of prepaid orders */
	uint64_t prepaid_amount;
	uint64_t fees_owed;         /* the price of every disc written: the fee the
				     * delivered reports tell the delivery service */
};

/* The day's totals from the orders' transitions and payments, in one read
 * transaction; -1 with e on error. */
int store_day_totals(struct store *s, int64_t from, int64_t to, struct store_day *out,
		     struct err *e);

/* ---- the close of day's report upstream (store_day_report.c, v5) --------
 *
 * Closing the day is one write transaction: the totals read (as
 * store_day_totals), the orders written that day listed, the staff log's
 * "day-close" row and the report's row in the day-report outbox, so that
 * neither exists without the other and the report says exactly what staff
 * were shown.  The report waits there until the delivery server
 * acknowledges it (report.c); its ID is made from what it is, so it is the
 * same on every attempt:
 *
 *   "day-<shop>-<YYYYMMDD>-<seq>"   seq: the n-th close of that day, from 1
 */
#define STORE_DAY_REPORT_ID_MAX 40
#define STORE_DAY_ORDERS_MAX 800 /* what one report carries (64 KiB of body) */

struct store_day_report {
	char id[STORE_DAY_REPORT_ID_MAX + 1];
	uint32_t shop;
	char day[11];                  /* "YYYY-MM-DD", the business day */
	unsigned seq;
	int64_t closed_at;
	char staff[STORE_STAFF_NAME_MAX + 1];
	struct store_day totals;       /* .from/.to: the day's window */
	char (*orders)[ORDER_ID_MAX + 1]; /* owned: the orders written that day, sorted */
	size_t order_count;
	unsigned attempts;
	int64_t next_attempt_at;       /* STORE_REPORT_NEVER: refused for good */
	char last_error[STORE_REASON_MAX];
	bool acked;
};

/* Closes the day [from, to) named `day` ("YYYY-MM-DD") for `shop`, by
 * `staff` (NULL or "": "staff"), at `now`: one transaction as above.  *out
 * gets the report (free its orders with store_day_report_free()); -1 with
 * e and nothing written on error, also when more than
 * STORE_DAY_ORDERS_MAX orders were written that day. */
int store_day_close(struct store *s, uint32_t shop, const char *day, int64_t from, int64_t to,
		    const char *staff, int64_t now, struct store_day_report *out, struct err *e);

/* Day reports not yet acknowledged, oldest first: those due at `now`, or
 * with `all` every one (refused ones included; the caller skips them). */
int store_day_reports_pending(struct store *s, int64_t now, bool all,
			      struct store_day_report **out, size_t *n, struct err *e);
/* The newest day report (1), or none (0). */
int store_day_report_last(struct store *s, struct store_day_report *out, struct err *e);
void store_day_report_free(struct store_day_report *r);
void store_day_reports_free(struct store_day_report *r, size_t n);

/* Acknowledged by the server: never sent again. */
int store_day_report_acked(struct store *s, const char *report_id, struct err *e);
/* A failed attempt: counted, due again at next_attempt_at.  With
 * STORE_REPORT_NEVER (the server refused it for good) the staff log gets a
 * "day-report" row with the reason, in the same transaction. */
int store_day_report_deferred(struct store *s, const char *report_id, int64_t next_attempt_at,
			      const char *last_error, struct err *e);

/* Runs SQLite's integrity_check and foreign_key_check, and checks the
 * lifecycle's own invariants: every order's state is the to-state of the
 * last row of its transition log; no order was WRITTEN more than once (a
 * disc is burnt whole once: WRITTEN only moves on to ERASED); no order has
 * more than one `delivered` report in the outbox; every day report has its
 * staff log's day-close row (I9).  0 when all pass;
 * otherwise -1 and e names the first problem. */
int store_integrity_check(struct store *s, struct err *e);

/* Named counters for staff ("ruined_blanks"): adds delta (0 reads), *value
 * gets the new value (may be NULL). */
int store_counter_add(struct store *s, const char *name, int64_t delta, int64_t *value,
		      struct err *e);

/* Appends to the staff action log (time, action, order or "", result). */
int store_staff_log(struct store *s, const char *action, const char *order_id,
		    const char *result, struct err *e);

/* PIN refusals logged since the last accepted one (action "login", result
 * other than "ok"), and when the last came: the staff lock-out is derived
 * from the log, so it survives restarts and cannot disagree with it. */
int store_staff_login_failures(struct store *s, unsigned *failures, int64_t *last_at,
			       struct err *e);

#endif
