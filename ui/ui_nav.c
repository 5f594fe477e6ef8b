// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_nav: the screen state machine (drawn in ui_nav.h).
 *
 * Design:
 *   - ui_nav_screen() is a pure function of (nav, snapshot): the same
 *     inputs always give the same screen, so a screenshot test needs no
 *     history.
 *   - "Busy": after a customer intent, its button shows a spinner and is
 *     not pressable until the core's stage moves (or UI_BUSY_MS passes, in
 *     case the core dropped it).  This is what makes a double tap send one
 *     intent.  The core.h of today has no "intent handled" counter; with
 *     one, busy would end exactly instead of on a stage change.
 *   - Staff login has the same problem: the snapshot says logged_in but not
 *     "that PIN was wrong".  A login is taken as refused when the lock-out
 *     time or last_action changes without logged_in, or after UI_LOGIN_MS.
 *   - Every intent is checked against the mode it belongs to: customer
 *     actions do nothing in staff mode, staff actions nothing unless the
 *     core says a staff member is logged in.
 */
#include "ui_nav.h"

#include <stdio.h>
#include <string.h>

static void send(struct ui_output *out, enum core_intent_kind k, const char *id, const char *text)
{
	struct core_intent *in;

	if (!out || out->n_intents >= UI_MAX_INTENTS)
		return;
	in = &out->intents[out->n_intents++];
	memset(in, 0, sizeof(*in));
	in->kind = k;
	if (id)
		snprintf(in->order_id, sizeof(in->order_id), "%s", id);
	if (text)
		snprintf(in->text, sizeof(in->text), "%s", text);
}

static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

static void reset_customer(struct ui_nav *n)
{
	n->code_entry = false;
	wipe(n->digits, sizeof(n->digits));
	n->ndigits = 0;
	n->busy = false;
	n->modal = UI_MODAL_NONE;
	n->lang = n->default_lang;
	n->large = n->default_large;
	memset(n->scroll, 0, sizeof(n->scroll));
}

static void leave_staff(struct ui_nav *n)
{
	n->ended = false;
	n->staff = false;
	n->staff_seen_in = false;
	n->login_pending = false;
	n->login_failed = false;
	wipe(n->pin, sizeof(n->pin));
	n->npin = 0;
	n->queue_sel[0] = '\0';
	reset_customer(n);
}

void ui_nav_init(struct ui_nav *n, const struct ui_options *o, int64_t now)
{
	memset(n, 0, sizeof(*n));
	n->default_lang = o->language == UI_LANG_EN ? UI_LANG_EN : UI_LANG_JA;
	n->default_large = o->large_text;
	n->idle_ms = (int64_t)(o->idle_timeout_s ? o->idle_timeout_s : 60) * 1000;
	n->staff_idle_ms = (int64_t)(o->staff_timeout_s ? o->staff_timeout_s : 300) * 1000;
	n->staff_screen = UI_SCREEN_STAFF_MENU;
	n->last_activity = now;
	reset_customer(n);
}

void ui_nav_reset(struct ui_nav *n, int64_t now)
{
	leave_staff(n);
	n->last_activity = now;
}

bool ui_screen_is_staff(enum ui_screen s)
{
	return s >= UI_SCREEN_STAFF_PIN && s < UI_SCREEN_COUNT;
}

bool ui_nav_code_msg(enum core_msg m)
{
	return m == CORE_MSG_CODE_WRONG || m == CORE_MSG_CODE_MALFORMED || m == CORE_MSG_CODE_WAIT ||
	       m == CORE_MSG_SCAN_UNREADABLE;
}

enum ui_screen ui_nav_screen(const struct ui_nav *n, const struct core_snapshot *s)
{
	enum core_session_stage stage = s->stage;

	if (n->staff) {
		if (!s->staff.logged_in || n->staff_screen == UI_SCREEN_STAFF_PIN)
			return UI_SCREEN_STAFF_PIN;
		return n->staff_screen;
	}
	/* After "finish", "back" or a timeout the customer sees the start at
	 * once, while the core catches up. */
	if (n->ended && stage == n->ended_stage)
		stage = SESSION_IDLE;
	switch (stage) {
	case SESSION_IDLE:
		if (n->busy && n->busy_act == UI_ACT_SUBMIT)
			return UI_SCREEN_CHECKING;
		return n->code_entry ? UI_SCREEN_CODE : UI_SCREEN_ATTRACT;
	case SESSION_CHECKING_CODE:
		return UI_SCREEN_CHECKING;
	case SESSION_CODE_REFUSED:
		if (!ui_nav_code_msg(s->msg))
			return UI_SCREEN_ERROR;
		return n->busy && n->busy_act == UI_ACT_SUBMIT ? UI_SCREEN_CHECKING : UI_SCREEN_CODE;
	case SESSION_ORDER_SHOWN:
		return UI_SCREEN_ORDER;
	case SESSION_WAITING_DISC:
	case SESSION_MEDIA_REFUSED:
		return UI_SCREEN_DISC;
	case SESSION_WRITING:
	case SESSION_VERIFYING:
		return UI_SCREEN_WRITING;
	case SESSION_DONE:
		return UI_SCREEN_DONE;
	case SESSION_SLIP_ISSUED:
		return UI_SCREEN_SLIP;
	case SESSION_FAILED:
	default:
		return UI_SCREEN_ERROR;
	}
}

static bool customer_timed(enum ui_screen s)
{
	return s == UI_SCREEN_CODE || s == UI_SCREEN_ORDER || s == UI_SCREEN_DISC ||
	       s == UI_SCREEN_DONE || s == UI_SCREEN_ERROR || s == UI_SCREEN_SLIP ||
	       s == UI_SCREEN_STAFF_PIN;
}

static bool in_session(enum core_session_stage st)
{
	return st >= SESSION_ORDER_SHOWN && st < SESSION_STAGE_COUNT;
}

int64_t ui_nav_idle_left(const struct ui_nav *n, int64_t now)
{
	int64_t left = n->last_activity + n->idle_ms - now;

	return left > 0 ? (left + 999) / 1000 : 0;
}

int64_t ui_nav_wait_left(const struct ui_nav *n, const struct core_snapshot *s, int64_t now)
{
	int64_t left;

	if (s->stage != SESSION_CODE_REFUSED || s->msg != CORE_MSG_CODE_WAIT || s->wait_s <= 0)
		return 0;
	left = n->wait_s - (now - n->wait_seen_at) / 1000;
	return left > 0 ? left : 0;
}

void ui_nav_touch(struct ui_nav *n, int64_t now)
{
	n->last_activity = now;
	if (n->modal == UI_MODAL_IDLE)
		n->modal = UI_MODAL_NONE;
}

static void observe_stage(struct ui_nav *n, const struct core_snapshot *s, int64_t now)
{
	enum core_session_stage prev = n->prev_stage;

	if (n->have_prev && s->stage == prev)
		return;
	n->ended = false;
	n->last_activity = now;
	n->busy = false;
	if (n->modal == UI_MODAL_IDLE || n->modal == UI_MODAL_HELP)
		n->modal = UI_MODAL_NONE;
	if (s->stage == SESSION_ORDER_SHOWN)
		n->scroll[UI_SCROLL_ITEMS] = 0;
	if (n->have_prev && in_session(prev) && s->stage == SESSION_IDLE)
		reset_customer(n);
	if (s->stage == SESSION_CODE_REFUSED || s->stage == SESSION_CHECKING_CODE)
		n->code_entry = true;
	n->prev_stage = s->stage;
	n->have_prev = true;
}

static void observe_login(struct ui_nav *n, const struct core_snapshot *s, int64_t now)
{
	if (n->login_pending) {
		if (s->staff.logged_in) {
			n->login_pending = false;
			n->login_failed = false;
			n->staff_seen_in = true;
			n->staff_screen = UI_SCREEN_STAFF_MENU;
			n->last_activity = now;
		} else if (s->staff.locked_until != n->login_locked ||
			   strncmp(s->staff.last_action, n->login_action, sizeof(n->login_action)) ||
			   now >= n->login_until) {
			n->login_pending = false;
			n->login_failed = true;
		}
		return;
	}
	if (n->staff && s->staff.logged_in)
		n->staff_seen_in = true;
	if (n->staff && n->staff_seen_in && !s->staff.logged_in)
		leave_staff(n); /* the core signed the staff member out */
}

void ui_nav_observe(struct ui_nav *n, const struct core_snapshot *s, int64_t now,
		    struct ui_output *out)
{
	enum ui_screen scr;
	int64_t idle;

	observe_stage(n, s, now);
	if (n->busy && now >= n->busy_until)
		n->busy = false;
	if (s->stage == SESSION_CODE_REFUSED && s->msg == CORE_MSG_CODE_WAIT) {
		if (s->wait_s != n->wait_s || !n->wait_seen_at) {
			n->wait_s = s->wait_s;
			n->wait_seen_at = now ? now : 1;
		}
	} else {
		n->wait_seen_at = 0;
		n->wait_s = 0;
	}
	observe_login(n, s, now);

	scr = ui_nav_screen(n, s);
	idle = now - n->last_activity;
	if (ui_screen_is_staff(scr) && scr != UI_SCREEN_STAFF_PIN) {
		if (idle >= n->staff_idle_ms) {
			send(out, INTENT_STAFF_LOGOUT, NULL, NULL);
			leave_staff(n);
		}
		return;
	}
	if (!customer_timed(scr) || n->login_pending)
		return;
	if (idle >= n->idle_ms) {
		if (scr == UI_SCREEN_STAFF_PIN) {
			leave_staff(n);
			return;
		}
		send(out, INTENT_END_SESSION, NULL, NULL);
		reset_customer(n);
		n->ended = true;
		n->ended_stage = s->stage;
		n->last_activity = now;
	} else if (idle >= n->idle_ms - UI_IDLE_WARN_MS && n->idle_ms > 2 * UI_IDLE_WARN_MS &&
		   n->modal == UI_MODAL_NONE) {
		n->modal = UI_MODAL_IDLE;
	}
}

static void set_busy(struct ui_nav *n, const struct core_snapshot *s, enum ui_action_kind k,
		     int64_t now)
{
	n->busy = true;
	n->busy_act = k;
	n->busy_stage = s->stage;
	n->busy_until = now + UI_BUSY_MS;
}

static bool act_customer(struct ui_nav *n, const struct ui_action *a, const struct core_snapshot *s,
			 int64_t now, struct ui_output *out)
{
	enum ui_screen scr = ui_nav_screen(n, s);

	switch (a->kind) {
	case UI_ACT_START:
		if (scr != UI_SCREEN_ATTRACT)
			return false;
		n->code_entry = true;
		return true;
	case UI_ACT_DIGIT:
		if (scr != UI_SCREEN_CODE || n->ndigits >= 12 || a->arg < 0 || a->arg > 9)
			return false;
		n->digits[n->ndigits++] = (char)('0' + a->arg);
		n->digits[n->ndigits] = '\0';
		return true;
	case UI_ACT_BACKSPACE:
		if (scr != UI_SCREEN_CODE || !n->ndigits)
			return false;
		n->digits[--n->ndigits] = '\0';
		return true;
	case UI_ACT_CLEAR:
		if (scr != UI_SCREEN_CODE)
			return false;
		wipe(n->digits, sizeof(n->digits));
		n->ndigits = 0;
		return true;
	case UI_ACT_SUBMIT:
		if (scr != UI_SCREEN_CODE || n->ndigits != 12 || n->busy ||
		    ui_nav_wait_left(n, s, now) > 0)
			return false;
		send(out, INTENT_PICKUP_CODE, NULL, n->digits);
		set_busy(n, s, UI_ACT_SUBMIT, now);
		return true;
	case UI_ACT_END:
		send(out, INTENT_END_SESSION, NULL, NULL);
		reset_customer(n);
		n->ended = true;
		n->ended_stage = s->stage;
		return true;
	case UI_ACT_PRINT_SLIP:
		if (n->busy || scr != UI_SCREEN_ORDER)
			return false;
		send(out, INTENT_PRINT_SLIP, NULL, n->lang == UI_LANG_EN ? "en" : "ja");
		set_busy(n, s, a->kind, now);
		return true;
	case UI_ACT_CONFIRM_ORDER:
	case UI_ACT_DISC_INSERTED:
	case UI_ACT_TRY_DISC:
		if (n->busy)
			return false;
		if ((a->kind == UI_ACT_CONFIRM_ORDER && scr != UI_SCREEN_ORDER) ||
		    (a->kind == UI_ACT_DISC_INSERTED && scr != UI_SCREEN_DISC) ||
		    (a->kind == UI_ACT_TRY_DISC && scr != UI_SCREEN_ERROR))
			return false;
		/* with the language shown: the receipt is printed in it */
		send(out, a->kind == UI_ACT_DISC_INSERTED ? INTENT_DISC_INSERTED : INTENT_CONFIRM_ORDER,
		     NULL, n->lang == UI_LANG_EN ? "en" : "ja");
		set_busy(n, s, a->kind, now);
		return true;
	default:
		return false;
	}
}

static bool staff_intent(struct ui_nav *n, const struct ui_action *a, struct ui_output *out)
{
	static const struct {
		enum ui_action_kind act;
		enum core_intent_kind intent;
		bool with_id;
	} map[] = {
		{ UI_ACT_STAFF_RETRY, INTENT_STAFF_RETRY, true },
		{ UI_ACT_STAFF_REFETCH, INTENT_STAFF_REFETCH, true },
		{ UI_ACT_STAFF_REWRITE, INTENT_STAFF_REWRITE, true },
		{ UI_ACT_STAFF_CONFIRM_PAYMENT, INTENT_STAFF_CONFIRM_PAYMENT, true },
		{ UI_ACT_STAFF_TEST_WRITE, INTENT_STAFF_TEST_WRITE, false },
		{ UI_ACT_STAFF_EJECT, INTENT_STAFF_EJECT, false },
		{ UI_ACT_STAFF_SYNC, INTENT_STAFF_SYNC_NOW, false },
		{ UI_ACT_STAFF_PRINTER_TEST, INTENT_STAFF_PRINTER_TEST, false },
		{ UI_ACT_STAFF_SCANNER_TEST, INTENT_STAFF_SCANNER_TEST, false },
		{ UI_ACT_STAFF_DAY_CLOSE, INTENT_STAFF_DAY_CLOSE, false },
	};

	(void)n;
	if (a->kind == UI_ACT_STAFF_REPRINT || a->kind == UI_ACT_STAFF_PREVIEW) {
		if (!a->id || !order_id_ok(a->id) || a->arg < 0 || a->arg >= UI_DOC_KINDS)
			return false;
		send(out, a->kind == UI_ACT_STAFF_REPRINT ? INTENT_STAFF_REPRINT : INTENT_STAFF_PREVIEW,
		     a->id, ui_doc_kinds[a->arg]);
		return true;
	}
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].act == a->kind) {
			if (map[i].with_id && (!a->id || !order_id_ok(a->id)))
				return false;
			send(out, map[i].intent, map[i].with_id ? a->id : NULL, NULL);
			return true;
		}
	return false;
}

static bool act_pin(struct ui_nav *n, const struct ui_action *a, const struct core_snapshot *s,
		    int64_t now, struct ui_output *out)
{
	bool locked = s->staff.locked_until > s->now;

	switch (a->kind) {
	case UI_ACT_DIGIT:
		if (n->npin >= UI_PIN_MAX || locked || n->login_pending || a->arg < 0 || a->arg > 9)
			return false;
		n->pin[n->npin++] = (char)('0' + a->arg);
		n->login_failed = false;
		return true;
	case UI_ACT_BACKSPACE:
		if (!n->npin)
			return false;
		n->pin[--n->npin] = '\0';
		return true;
	case UI_ACT_CLEAR:
		wipe(n->pin, sizeof(n->pin));
		n->npin = 0;
		return true;
	case UI_ACT_SUBMIT:
		if (n->npin < UI_PIN_MIN || locked || n->login_pending)
			return false;
		send(out, INTENT_STAFF_LOGIN, NULL, n->pin);
		wipe(n->pin, sizeof(n->pin));
		n->npin = 0;
		n->login_pending = true;
		n->login_failed = false;
		n->login_until = now + UI_LOGIN_MS;
		n->login_locked = s->staff.locked_until;
		snprintf(n->login_action, sizeof(n->login_action), "%s", s->staff.last_action);
		return true;
	case UI_ACT_PIN_CANCEL:
		leave_staff(n);
		return true;
	default:
		return false;
	}
}

static bool act_staff(struct ui_nav *n, const struct ui_action *a, const struct core_snapshot *s,
		      struct ui_output *out)
{
	switch (a->kind) {
	case UI_ACT_STAFF_OPEN:
		if (a->arg <= UI_SCREEN_STAFF_MENU || a->arg >= UI_SCREEN_COUNT)
			return false;
		n->staff_screen = (enum ui_screen)a->arg;
		memset(n->scroll, 0, sizeof(n->scroll));
		return true;
	case UI_ACT_STAFF_MENU:
		n->staff_screen = UI_SCREEN_STAFF_MENU;
		return true;
	case UI_ACT_STAFF_LOGOUT:
		send(out, INTENT_STAFF_LOGOUT, NULL, NULL);
		leave_staff(n);
		return true;
	case UI_ACT_QUEUE_SELECT:
		if (!a->id)
			return false;
		if (!strcmp(n->queue_sel, a->id))
			n->queue_sel[0] = '\0';
		else
			snprintf(n->queue_sel, sizeof(n->queue_sel), "%s", a->id);
		return true;
	case UI_ACT_STAFF_CANCEL:
		if (!a->id || !order_id_ok(a->id))
			return false;
		n->modal = UI_MODAL_CANCEL_ORDER;
		snprintf(n->modal_id, sizeof(n->modal_id), "%s", a->id);
		return true;
	case UI_ACT_STAFF_CANCEL_YES:
		if (n->modal != UI_MODAL_CANCEL_ORDER)
			return false;
		send(out, INTENT_STAFF_CANCEL, n->modal_id, NULL);
		n->modal = UI_MODAL_NONE;
		return true;
	case UI_ACT_QUIT:
		n->modal = UI_MODAL_QUIT;
		return true;
	case UI_ACT_QUIT_YES:
		if (n->modal != UI_MODAL_QUIT || n->staff_screen != UI_SCREEN_STAFF_MENU)
			return false;
		n->modal = UI_MODAL_NONE;
		if (out)
			out->quit = true;
		return true;
	default:
		(void)s;
		return staff_intent(n, a, out);
	}
}

bool ui_nav_act(struct ui_nav *n, const struct ui_action *a, const struct core_snapshot *s,
		int64_t now, struct ui_output *out)
{
	enum ui_screen scr = ui_nav_screen(n, s);

	switch (a->kind) {
	case UI_ACT_NONE:
	case UI_ACT_BLOCK:
		return false;
	case UI_ACT_LANG:
		n->lang = n->lang == UI_LANG_JA ? UI_LANG_EN : UI_LANG_JA;
		return true;
	case UI_ACT_LARGE_TEXT:
		n->large = !n->large;
		return true;
	case UI_ACT_HELP:
		n->modal = UI_MODAL_HELP;
		return true;
	case UI_ACT_MODAL_CLOSE:
	case UI_ACT_STILL_HERE:
		n->modal = UI_MODAL_NONE;
		return true;
	case UI_ACT_STAFF_CORNER:
		if (scr != UI_SCREEN_ATTRACT)
			return false;
		n->staff = true;
		n->staff_screen = UI_SCREEN_STAFF_PIN;
		n->npin = 0;
		n->login_failed = false;
		n->staff_seen_in = false;
		return true;
	default:
		break;
	}
	if (scr == UI_SCREEN_STAFF_PIN)
		return act_pin(n, a, s, now, out);
	if (ui_screen_is_staff(scr))
		return s->staff.logged_in && act_staff(n, a, s, out);
	return act_customer(n, a, s, now, out);
}

static int64_t min_pos(int64_t a, int64_t b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

int ui_nav_wake_ms(const struct ui_nav *n, const struct core_snapshot *s, int64_t now)
{
	enum ui_screen scr = ui_nav_screen(n, s);
	int64_t w = -1;

	if (customer_timed(scr)) {
		int64_t left = n->last_activity + n->idle_ms - now;
		int64_t warn = left - UI_IDLE_WARN_MS;

		if (n->modal == UI_MODAL_IDLE)
			w = left > 0 ? (left - 1) % 1000 + 1 : 0; /* the countdown's next second */
		else if (n->idle_ms > 2 * UI_IDLE_WARN_MS && warn > 0)
			w = warn;
		else
			w = left > 0 ? left : 0;
	} else if (ui_screen_is_staff(scr)) {
		w = n->last_activity + n->staff_idle_ms - now;
	}
	if (n->busy)
		w = min_pos(w, n->busy_until - now);
	if (n->login_pending)
		w = min_pos(w, n->login_until - now);
	if (ui_nav_wait_left(n, s, now) > 0)
		w = min_pos(w, 1000);
	/* Spinners: the checking screen, busy buttons, the disc being written. */
	if (scr == UI_SCREEN_CHECKING || scr == UI_SCREEN_WRITING || n->busy || n->login_pending)
		w = min_pos(w, 80);
	if (w > 0 && w > INT32_MAX)
		w = INT32_MAX;
	return w < 0 ? -1 : (int)(w > 0 ? w : 1);
}
