/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * order: the order lifecycle, as one explicit state machine, and the media an
 * order can be written to.  This module only knows the rules; store_order.c is the
 * one that applies a transition (one SQLite transaction each), and it asks
 * order_can_move() first.
 *
 *                    (list)         (manifest ok)      (all files hashed)
 *   [new] ──────▶ ANNOUNCED ──────▶ DOWNLOADING ──────────▶ READY
 *                                                             │ pickup code
 *                                                             ▼
 *   REPORTED ◀── ERASED ◀── WRITTEN ◀── VERIFYING ◀── WRITING ◀── CLAIMED ──────┐
 *   (report acked) (spool    (read-back   (write        (burn        │          │ slip
 *                  wiped)     matched)     done)         started)    │ customer │ printed
 *                                                                    ▼ walks    ▼
 *                                                                  READY ◀─ AWAITING_PAYMENT
 *                                                           payment confirmed (now paid),
 *                                                           or the slip expired (unpaid)
 *
 *   FAILED:    from any working state, with a reason and the state it failed
 *              in (failed_from).  order_retry_target() says where a retry goes:
 *              a failed download retries from ANNOUNCED (manifest fetched and
 *              checked again), a failed write from CLAIMED.
 *   EXPIRED:   the manifest's expiry passed before the disc was written.
 *   CANCELLED: staff or the delivery server cancelled it.
 *
 * WRITING/VERIFYING may also go back to CLAIMED: a write that failed on a bad
 * blank leaves the order claimed and retryable (the blank is counted as ruined).
 * REPORTED, EXPIRED and CANCELLED are final; their spool is erased.
 *
 * AWAITING_PAYMENT: an order that is not prepaid, its payment slip printed;
 * it waits for staff to confirm the payment (store_payment.c).  It may also
 * be cancelled, or expire with its manifest; either voids the slip.  It is
 * not a session state: it survives a restart as it is (the slip is valid).
 *
 * Function for each transition:
 *   ANNOUNCED   store_order_announce()          (sync: order seen in the list)
 *   DOWNLOADING store_order_accept_manifest()   (manifest verified and stored)
 *   READY       store_file_done() for the last file (and a "received" report queued)
 *   CLAIMED     store_order_claim()             (pickup: right code)
 *   AWAITING_PAYMENT store_payment_issue()      (slip stored, before it prints)
 *   READY from AWAITING_PAYMENT: store_payment_confirm(), store_payment_expire()
 *   others      store_order_move()
 */
#ifndef TENPO_ORDER_H
#define TENPO_ORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

enum order_state {
	ORDER_ANNOUNCED,
	ORDER_DOWNLOADING,
	ORDER_READY,
	ORDER_CLAIMED,
	ORDER_AWAITING_PAYMENT,
	ORDER_WRITING,
	ORDER_VERIFYING,
	ORDER_WRITTEN,
	ORDER_ERASED,
	ORDER_REPORTED,
	ORDER_FAILED,
	ORDER_EXPIRED,
	ORDER_CANCELLED,
	ORDER_STATE_COUNT
};

/* "announced", "downloading", ... ; "?" for an out-of-range value. */
const char *order_state_name(enum order_state s);

/* Inverse of order_state_name(); -1 when the name is unknown. */
int order_state_parse(const char *name);

/* The transition table. */
bool order_can_move(enum order_state from, enum order_state to);

/* Where a FAILED order goes when staff or the sync loop retries it. */
enum order_state order_retry_target(enum order_state failed_from);

/* REPORTED, EXPIRED, CANCELLED. */
bool order_is_final(enum order_state s);

/* The states whose content must be gone from the spool: ERASED and the
 * final ones (the spool is erased before the move to ERASED commits, and
 * an order that expires or is cancelled has its spool erased).  What sync
 * tidies and `tenpo audit` checks. */
bool order_content_gone(enum order_state s);

/* What staff may do to an order.  This table is the one answer to "may this
 * action happen now": the store enforces it inside the transaction that
 * performs the action, and the UI (which buttons are enabled), the CLI and
 * the core ask it; none of them keeps its own copy.
 *
 *   action              allowed in              what it does
 *   ORDER_ACT_RETRY     FAILED                  to order_retry_target(failed_from)
 *   ORDER_ACT_WRITE     CLAIMED                 write the disc (again)
 *   ORDER_ACT_REFETCH   FAILED                  spool erased, back to ANNOUNCED
 *   ORDER_ACT_CANCEL    every state that may move to CANCELLED
 *                       (ANNOUNCED, DOWNLOADING, READY, CLAIMED,
 *                       AWAITING_PAYMENT, FAILED)
 *   ORDER_ACT_CONFIRM_PAYMENT AWAITING_PAYMENT  to READY, the order now paid
 */
enum order_action {
	ORDER_ACT_RETRY,
	ORDER_ACT_WRITE,
	ORDER_ACT_REFETCH,
	ORDER_ACT_CANCEL,
	ORDER_ACT_CONFIRM_PAYMENT,
	ORDER_ACTION_COUNT
};

/* "retry", "write again", "download again", "cancel", "confirm payment"; "?" out
 * of range. */
const char *order_action_name(enum order_action a);

/* The table above; false for out-of-range values. */
bool order_action_allowed(enum order_action a, enum order_state s);

/* 0 when allowed; else -1 and e says so in one line, naming the states the
 * action is for: "order X is ready: download again is only for failed orders". */
int order_action_check(enum order_action a, enum order_state s, const char *id,
		       struct err *e);

enum media_kind {
	MEDIA_AUDIO_CD,
	MEDIA_DATA_CD,
	MEDIA_DATA_DVD,
	MEDIA_KIND_COUNT
};

/* An order ID as the protocol allows it: 1..64 of [A-Za-z0-9_-].  Checked
 * before an ID from the network becomes part of a path or a URL. */
bool order_id_ok(const char *id);

/* "audio-cd", "data-cd", "data-dvd". */
const char *media_kind_name(enum media_kind m);
int media_kind_parse(const char *name);

/* What each kind holds is the media's geometry: burner_capacity_bytes()
 * (burner.h). */

#endif
