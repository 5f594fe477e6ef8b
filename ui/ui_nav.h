/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ui_nav: the UI's own state machine — which screen shows, what a touch
 * means, when the customer has walked away.
 *
 * The core owns the session (snapshot.stage); ui_nav owns only what the
 * core does not know: language, text size, attract vs. code entry, the
 * digits typed so far, an intent in flight (so a double tap sends one),
 * staff mode and page, the open modal, list scroll offsets, and the time
 * of the last touch.
 *
 *   customer (stage from the core)          staff (UI-local)
 *   IDLE ── START ──▶ code entry            attract ─ hold corner 3 s ─▶ PIN
 *     ▲                 │ SUBMIT             PIN ── logged_in ──▶ menu ⇄ pages
 *     │                 ▼ (busy)             any ── LOGOUT / core logs out /
 *     │   CHECKING_CODE ▶ CODE_REFUSED        staff timeout ──▶ attract
 *     │         ▼            (code screen + banner, or error screen)
 *     │   ORDER_SHOWN ▶ WAITING_DISC ⇄ MEDIA_REFUSED ▶ WRITING ▶ VERIFYING
 *     │         ▼                                        ▼
 *     └─ END / inactivity / core back to IDLE ◀── DONE, FAILED
 *
 * Leaving a session for IDLE, an END tap, and inactivity all reset the
 * customer state: digits wiped, language and text size back to defaults.
 */
#ifndef TENPO_UI_NAV_H
#define TENPO_UI_NAV_H

#include <stdbool.h>
#include <stdint.h>

#include "ui.h"

enum ui_modal { UI_MODAL_NONE, UI_MODAL_HELP, UI_MODAL_IDLE, UI_MODAL_CANCEL_ORDER,
		UI_MODAL_QUIT };

#define UI_IDLE_WARN_MS 15000
#define UI_BUSY_MS 15000
#define UI_LOGIN_MS 8000
#define UI_PIN_MAX 8
#define UI_PIN_MIN 4

struct ui_nav {
	enum ui_lang lang, default_lang;
	bool large, default_large;
	int64_t idle_ms, staff_idle_ms;

	bool code_entry;
	char digits[13];
	unsigned ndigits;
	bool busy;                       /* a customer intent is in flight */
	enum core_session_stage busy_stage;
	int64_t busy_until;
	enum ui_action_kind busy_act;
	int64_t wait_s, wait_seen_at;    /* CORE_MSG_CODE_WAIT countdown */

	bool staff;
	enum ui_screen staff_screen;
	char pin[UI_PIN_MAX + 1];
	unsigned npin;
	bool login_pending, login_failed, staff_seen_in;
	int64_t login_until, login_locked;
	char login_action[CORE_TEXT];
	char queue_sel[ORDER_ID_MAX + 1];

	enum ui_modal modal;
	char modal_id[ORDER_ID_MAX + 1];
	int scroll[UI_SCROLL_COUNT];

	int64_t last_activity;
	bool ended;                      /* END sent; the core has not moved yet */
	enum core_session_stage ended_stage;
	bool have_prev;
	enum core_session_stage prev_stage;
};

void ui_nav_init(struct ui_nav *n, const struct ui_options *o, int64_t now);
/* Forgets the customer and leaves staff mode: the attract screen. */
void ui_nav_reset(struct ui_nav *n, int64_t now);
/* Follows the snapshot: stage changes, pending intents, timeouts. */
void ui_nav_observe(struct ui_nav *n, const struct core_snapshot *s, int64_t now,
		    struct ui_output *out);
enum ui_screen ui_nav_screen(const struct ui_nav *n, const struct core_snapshot *s);
/* A touch happened (any): the customer is still there. */
void ui_nav_touch(struct ui_nav *n, int64_t now);
/* Applies a tapped action; true when something changed. */
bool ui_nav_act(struct ui_nav *n, const struct ui_action *a, const struct core_snapshot *s,
		int64_t now, struct ui_output *out);
/* Milliseconds until something on screen changes by itself; -1: never. */
int ui_nav_wake_ms(const struct ui_nav *n, const struct core_snapshot *s, int64_t now);

bool ui_screen_is_staff(enum ui_screen s);
/* Seconds left of a CODE_WAIT, counted down locally; 0 when none. */
int64_t ui_nav_wait_left(const struct ui_nav *n, const struct core_snapshot *s, int64_t now);
/* Seconds left before the inactivity timeout, for the warning. */
int64_t ui_nav_idle_left(const struct ui_nav *n, int64_t now);
bool ui_nav_code_msg(enum core_msg m);

#endif
