// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui touch: scripted touches — real SDL mouse events at screen coordinates,
 * pushed with ui_inject_touch() — drive the UI's state machine over
 * synthetic snapshots, on the offscreen driver with a fake clock (so
 * timeouts and the 3-second staff hold need no sleeping).  What is checked
 * is what the UI sends to the core: the intents, each exactly once.
 */
#include <pthread.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui.h"
#include "../ui/fixture.h"

#define MAX_SENT 128

struct env {
	struct ui *u;
	int64_t clock;
	struct core_snapshot *s;
	struct core_intent sent[MAX_SENT];
	unsigned n_sent;
	bool quit;
	struct ui_output last;
};

static int64_t fake_clock(void *arg)
{
	return ((struct env *)arg)->clock;
}

static int setup(void **state)
{
	struct env *v = calloc(1, sizeof(*v));
	struct ui_options o = { 0 };
	struct err e = { "" };

	if (!v || !(v->s = calloc(1, sizeof(*v->s))))
		return -1;
	setenv("TZ", "JST-9", 1);
	v->clock = 5000000;
	o.driver = "offscreen";
	o.width = 1280;
	o.height = 800;
	o.language = UI_LANG_JA;
	o.idle_timeout_s = 60;
	o.staff_timeout_s = 300;
	o.clock_ms = fake_clock;
	o.clock_arg = v;
	if (ui_open(&v->u, &o, &e)) {
		fprintf(stderr, "ui_open: %s\n", e.msg);
		return -1;
	}
	*state = v;
	return 0;
}

static int teardown(void **state)
{
	struct env *v = *state;

	ui_close(v->u);
	free(v->s);
	free(v);
	return 0;
}

/* Each test starts on the attract screen of an idle kiosk, nothing sent. */
static int reset(void **state)
{
	struct env *v = *state;
	struct ui_output out;

	fix_snapshot(v->s);
	v->s->seq = (uint64_t)v->clock;
	ui_frame(v->u, v->s, &out);
	ui_debug_show(v->u, UI_SCREEN_ATTRACT);
	ui_debug_language(v->u, UI_LANG_JA, false);
	ui_frame(v->u, v->s, &out);
	v->n_sent = 0;
	v->quit = false;
	return 0;
}

static void frame(struct env *v)
{
	assert_int_equal(ui_frame(v->u, v->s, &v->last), 0);
	for (unsigned i = 0; i < v->last.n_intents && v->n_sent < MAX_SENT; i++)
		v->sent[v->n_sent++] = v->last.intents[i];
	v->quit |= v->last.quit;
}

/* The core publishes a new snapshot. */
static void publish(struct env *v)
{
	v->s->seq++;
	frame(v);
}

static void tap(struct env *v, int x, int y)
{
	assert_int_equal(ui_inject_touch(v->u, x, y, true), 0);
	assert_int_equal(ui_inject_touch(v->u, x, y, false), 0);
	frame(v);
}

static bool try_tap_action(struct env *v, enum ui_action_kind k, int arg)
{
	int x, y;

	if (ui_locate(v->u, k, arg, &x, &y))
		return false;
	tap(v, x, y);
	return true;
}

static void tap_action(struct env *v, enum ui_action_kind k, int arg)
{
	if (!try_tap_action(v, k, arg))
		fail_msg("screen %s offers no enabled action %d/%d", ui_screen_name(ui_current_screen(v->u)),
			 k, arg);
}

static void type(struct env *v, const char *digits)
{
	for (const char *p = digits; *p; p++)
		tap_action(v, UI_ACT_DIGIT, *p - '0');
}

static unsigned count(const struct env *v, enum core_intent_kind k)
{
	unsigned n = 0;

	for (unsigned i = 0; i < v->n_sent; i++)
		n += v->sent[i].kind == k;
	return n;
}

static const struct core_intent *find(const struct env *v, enum core_intent_kind k)
{
	for (unsigned i = 0; i < v->n_sent; i++)
		if (v->sent[i].kind == k)
			return &v->sent[i];
	return NULL;
}

static void expect_screen(struct env *v, enum ui_screen s)
{
	if (ui_current_screen(v->u) != s)
		fail_msg("screen is %s, expected %s", ui_screen_name(ui_current_screen(v->u)),
			 ui_screen_name(s));
}

static void test_code_entry_sends_one_intent(void **state)
{
	struct env *v = *state;

	tap(v, 640, 420); /* anywhere on the attract screen starts */
	expect_screen(v, UI_SCREEN_CODE);
	type(v, "12345678901");
	/* Eleven digits: Continue is disabled, a tap on it sends nothing. */
	assert_false(try_tap_action(v, UI_ACT_SUBMIT, -1));
	type(v, "29"); /* the twelfth digit, and one too many (ignored) */
	tap_action(v, UI_ACT_SUBMIT, -1);
	/* A second tap while the core checks sends nothing more. */
	assert_false(try_tap_action(v, UI_ACT_SUBMIT, -1));
	expect_screen(v, UI_SCREEN_CHECKING);
	assert_int_equal(count(v, INTENT_PICKUP_CODE), 1);
	assert_string_equal(find(v, INTENT_PICKUP_CODE)->text, "123456789012");
	assert_int_equal(v->n_sent, 1);

	v->s->stage = SESSION_CHECKING_CODE;
	publish(v);
	expect_screen(v, UI_SCREEN_CHECKING);
	v->s->stage = SESSION_CODE_REFUSED;
	v->s->msg = CORE_MSG_CODE_WRONG;
	publish(v);
	expect_screen(v, UI_SCREEN_CODE);
	/* Refused: fix the last digit and send again. */
	tap_action(v, UI_ACT_BACKSPACE, -1);
	type(v, "3");
	tap_action(v, UI_ACT_SUBMIT, -1);
	assert_int_equal(count(v, INTENT_PICKUP_CODE), 2);
	assert_string_equal(v->sent[1].text, "123456789013");
}

static void test_backspace_and_clear(void **state)
{
	struct env *v = *state;

	tap(v, 640, 420);
	type(v, "999");
	tap_action(v, UI_ACT_CLEAR, -1);
	type(v, "1234");
	tap_action(v, UI_ACT_BACKSPACE, -1);
	tap_action(v, UI_ACT_BACKSPACE, -1);
	type(v, "5678901234");
	tap_action(v, UI_ACT_SUBMIT, -1);
	assert_int_equal(count(v, INTENT_PICKUP_CODE), 1);
	assert_string_equal(find(v, INTENT_PICKUP_CODE)->text, "125678901234");
}

static void test_language_toggle(void **state)
{
	struct env *v = *state;

	assert_int_equal(ui_current_language(v->u), UI_LANG_JA);
	tap_action(v, UI_ACT_LANG, -1);
	assert_int_equal(ui_current_language(v->u), UI_LANG_EN);
	expect_screen(v, UI_SCREEN_ATTRACT); /* the toggle does not start */
	tap(v, 640, 420);
	expect_screen(v, UI_SCREEN_CODE);
	assert_int_equal(ui_current_language(v->u), UI_LANG_EN);
	tap_action(v, UI_ACT_LANG, -1);
	assert_int_equal(ui_current_language(v->u), UI_LANG_JA);
	tap_action(v, UI_ACT_LANG, -1);
	/* Leaving the session restores the kiosk's default language. */
	tap_action(v, UI_ACT_END, -1);
	expect_screen(v, UI_SCREEN_ATTRACT);
	assert_int_equal(ui_current_language(v->u), UI_LANG_JA);
	assert_int_equal(count(v, INTENT_END_SESSION), 1);
	/* Large text too is per session. */
	tap_action(v, UI_ACT_LARGE_TEXT, -1);
	assert_true(ui_offers(v->u, UI_ACT_LARGE_TEXT));
	tap_action(v, UI_ACT_LARGE_TEXT, -1);
}

static void press(struct env *v, int x, int y, bool down)
{
	assert_int_equal(ui_inject_touch(v->u, x, y, down), 0);
	frame(v);
}

static void test_staff_gesture_and_pin(void **state)
{
	struct env *v = *state;

	/* A short tap on the corner does nothing. */
	press(v, 10, 10, true);
	press(v, 10, 10, false);
	expect_screen(v, UI_SCREEN_ATTRACT);
	/* Held for 2.9 s: not yet; at 3 s the PIN pad opens. */
	press(v, 10, 10, true);
	assert_true(v->last.wake_ms > 0 && v->last.wake_ms <= UI_STAFF_HOLD_MS);
	v->clock += UI_STAFF_HOLD_MS - 100;
	frame(v);
	expect_screen(v, UI_SCREEN_ATTRACT);
	v->clock += 100;
	frame(v);
	expect_screen(v, UI_SCREEN_STAFF_PIN);
	press(v, 10, 10, false);
	expect_screen(v, UI_SCREEN_STAFF_PIN);

	type(v, "123");
	assert_false(try_tap_action(v, UI_ACT_SUBMIT, -1)); /* at least 4 digits */
	type(v, "456");
	tap_action(v, UI_ACT_SUBMIT, -1);
	assert_false(try_tap_action(v, UI_ACT_SUBMIT, -1));
	assert_int_equal(count(v, INTENT_STAFF_LOGIN), 1);
	assert_string_equal(find(v, INTENT_STAFF_LOGIN)->text, "123456");

	v->s->staff.logged_in = true;
	publish(v);
	expect_screen(v, UI_SCREEN_STAFF_MENU);
	tap_action(v, UI_ACT_STAFF_LOGOUT, -1);
	assert_int_equal(count(v, INTENT_STAFF_LOGOUT), 1);
	v->s->staff.logged_in = false;
	publish(v);
	expect_screen(v, UI_SCREEN_ATTRACT);
}

/* A UI too busy to run a frame while the finger is down (a slow renderer
 * under emulation) sees the press and the release one after the other: the
 * release, 3 s after the press, still opens the PIN pad, and a short press
 * read as late never does. */
static void test_staff_hold_seen_at_release(void **state)
{
	struct env *v = *state;

	press(v, 10, 10, true);
	v->clock += UI_STAFF_HOLD_MS - 1;
	press(v, 10, 10, false);
	expect_screen(v, UI_SCREEN_ATTRACT);
	press(v, 10, 10, true);
	v->clock += UI_STAFF_HOLD_MS;
	assert_int_equal(ui_inject_touch(v->u, 10, 10, false), 0);
	frame(v);
	expect_screen(v, UI_SCREEN_STAFF_PIN);
	/* only on its own target: a hold that ends off the corner does nothing */
	tap_action(v, UI_ACT_PIN_CANCEL, -1);
	expect_screen(v, UI_SCREEN_ATTRACT);
	press(v, 10, 10, true);
	v->clock += UI_STAFF_HOLD_MS;
	assert_int_equal(ui_inject_touch(v->u, 640, 400, false), 0);
	frame(v);
	expect_screen(v, UI_SCREEN_ATTRACT);
}

static void open_pin(struct env *v)
{
	press(v, 20, 20, true);
	v->clock += UI_STAFF_HOLD_MS;
	frame(v);
	press(v, 20, 20, false);
	expect_screen(v, UI_SCREEN_STAFF_PIN);
}

static void test_wrong_pin_and_lockout(void **state)
{
	struct env *v = *state;

	open_pin(v);
	type(v, "0000");
	tap_action(v, UI_ACT_SUBMIT, -1);
	/* The core answers: not logged in, with a reason. */
	snprintf(v->s->staff.last_action, sizeof(v->s->staff.last_action), "staff login refused");
	publish(v);
	expect_screen(v, UI_SCREEN_STAFF_PIN);
	assert_true(ui_offers(v->u, UI_ACT_DIGIT));
	/* Locked out: the keypad is disabled and nothing can be sent. */
	v->s->staff.locked_until = v->s->now + 300;
	publish(v);
	assert_false(try_tap_action(v, UI_ACT_DIGIT, 1));
	assert_false(try_tap_action(v, UI_ACT_SUBMIT, -1));
	assert_int_equal(count(v, INTENT_STAFF_LOGIN), 1);
	tap_action(v, UI_ACT_PIN_CANCEL, -1);
	expect_screen(v, UI_SCREEN_ATTRACT);
}

static void test_inactivity(void **state)
{
	struct env *v = *state;

	tap(v, 640, 420);
	type(v, "123");
	v->clock += 44000;
	frame(v);
	assert_false(ui_offers(v->u, UI_ACT_STILL_HERE));
	v->clock += 2000; /* 46 s: "are you still there?" */
	frame(v);
	assert_true(ui_offers(v->u, UI_ACT_STILL_HERE));
	assert_true(v->last.wake_ms > 0 && v->last.wake_ms <= 1000);
	v->clock += 14000; /* 60 s */
	frame(v);
	assert_int_equal(count(v, INTENT_END_SESSION), 1);
	expect_screen(v, UI_SCREEN_ATTRACT);
	/* The typed digits are gone. */
	tap(v, 640, 420);
	type(v, "987654321098");
	tap_action(v, UI_ACT_SUBMIT, -1);
	assert_string_equal(find(v, INTENT_PICKUP_CODE)->text, "987654321098");

	/* A touch resets the timer; the warning's button dismisses it. */
	v->s->stage = SESSION_ORDER_SHOWN;
	v->s->has_order = true;
	fix_audio_order(&v->s->order);
	publish(v);
	v->clock += 50000;
	frame(v);
	tap_action(v, UI_ACT_STILL_HERE, -1);
	v->clock += 50000;
	frame(v);
	assert_int_equal(count(v, INTENT_END_SESSION), 1);
	expect_screen(v, UI_SCREEN_ORDER);

	/* Writing never times out: the customer is waiting for the disc. */
	v->s->stage = SESSION_WRITING;
	v->s->progress = (struct core_progress){ BURNER_STAGE_WRITING, 1, 2, 50, 1.0, 100 };
	publish(v);
	v->clock += 600000;
	frame(v);
	expect_screen(v, UI_SCREEN_WRITING);
	assert_int_equal(count(v, INTENT_END_SESSION), 1);
	/* Done, then nobody touches: back to the start. */
	v->s->stage = SESSION_DONE;
	publish(v);
	v->clock += 61000;
	frame(v);
	assert_int_equal(count(v, INTENT_END_SESSION), 2);
	expect_screen(v, UI_SCREEN_ATTRACT);
}

/* An unpaid order offers the slip, not the write; the slip is printed in
 * the language the customer sees, and a second tap sends nothing more. */
static void test_print_slip_once(void **state)
{
	struct env *v = *state;

	v->s->stage = SESSION_ORDER_SHOWN;
	v->s->has_order = true;
	fix_audio_order(&v->s->order);
	v->s->order.prepaid = false;
	v->s->order.pay_first = true;
	publish(v);
	assert_false(ui_offers(v->u, UI_ACT_CONFIRM_ORDER));
	tap_action(v, UI_ACT_LANG, -1);
	tap_action(v, UI_ACT_PRINT_SLIP, -1);
	assert_false(try_tap_action(v, UI_ACT_PRINT_SLIP, -1));
	assert_int_equal(count(v, INTENT_PRINT_SLIP), 1);
	assert_string_equal(find(v, INTENT_PRINT_SLIP)->text, "en");
	assert_int_equal(count(v, INTENT_CONFIRM_ORDER), 0);
}

static void test_customer_intents_once(void **state)
{
	struct env *v = *state;

	v->s->stage = SESSION_ORDER_SHOWN;
	v->s->has_order = true;
	fix_audio_order(&v->s->order);
	publish(v);
	tap_action(v, UI_ACT_CONFIRM_ORDER, -1);
	assert_false(try_tap_action(v, UI_ACT_CONFIRM_ORDER, -1));
	assert_int_equal(count(v, INTENT_CONFIRM_ORDER), 1);
	/* with the language the customer sees: the receipt is printed in it */
	assert_string_equal(find(v, INTENT_CONFIRM_ORDER)->text, "ja");
	v->s->stage = SESSION_WAITING_DISC;
	publish(v);
	tap_action(v, UI_ACT_LANG, -1);
	tap_action(v, UI_ACT_DISC_INSERTED, -1);
	assert_string_equal(find(v, INTENT_DISC_INSERTED)->text, "en");
	assert_false(try_tap_action(v, UI_ACT_DISC_INSERTED, -1));
	assert_int_equal(count(v, INTENT_DISC_INSERTED), 1);
	v->s->stage = SESSION_FAILED;
	v->s->msg = CORE_MSG_WRITE_FAILED;
	publish(v);
	expect_screen(v, UI_SCREEN_ERROR);
	tap_action(v, UI_ACT_HELP, -1);
	assert_true(ui_offers(v->u, UI_ACT_MODAL_CLOSE));
	tap_action(v, UI_ACT_MODAL_CLOSE, -1);
	tap_action(v, UI_ACT_TRY_DISC, -1);
	assert_int_equal(count(v, INTENT_CONFIRM_ORDER), 2);
	v->s->msg = CORE_MSG_INTERNAL;
	v->s->seq++;
	frame(v);
	assert_false(ui_offers(v->u, UI_ACT_TRY_DISC)); /* only after a ruined blank */
	tap_action(v, UI_ACT_END, -1);
	assert_int_equal(count(v, INTENT_END_SESSION), 1);
	assert_int_equal(v->n_sent, 4);
}

static void test_staff_actions(void **state)
{
	struct env *v = *state;
	const struct core_intent *in;
	int x, y;

	open_pin(v);
	type(v, "2468");
	tap_action(v, UI_ACT_SUBMIT, -1);
	v->s->staff.logged_in = true;
	publish(v);
	tap_action(v, UI_ACT_STAFF_OPEN, UI_SCREEN_STAFF_QUEUE);
	expect_screen(v, UI_SCREEN_STAFF_QUEUE);
	/* Nothing selected: no action possible. */
	assert_false(try_tap_action(v, UI_ACT_STAFF_RETRY, -1));
	/* The second row is the failed order. */
	assert_int_equal(ui_locate(v->u, UI_ACT_QUEUE_SELECT, -1, &x, &y), 0);
	tap(v, x, y + 80);
	tap_action(v, UI_ACT_STAFF_RETRY, -1);
	in = find(v, INTENT_STAFF_RETRY);
	assert_non_null(in);
	assert_string_equal(in->order_id, "NZUOS92X5H");
	tap_action(v, UI_ACT_STAFF_REFETCH, -1);
	assert_string_equal(find(v, INTENT_STAFF_REFETCH)->order_id, "NZUOS92X5H");
	tap_action(v, UI_ACT_STAFF_CANCEL, -1);
	assert_int_equal(count(v, INTENT_STAFF_CANCEL), 0); /* asks first */
	tap_action(v, UI_ACT_STAFF_CANCEL_YES, -1);
	assert_string_equal(find(v, INTENT_STAFF_CANCEL)->order_id, "NZUOS92X5H");

	tap_action(v, UI_ACT_STAFF_MENU, -1);
	tap_action(v, UI_ACT_STAFF_OPEN, UI_SCREEN_STAFF_DRIVE);
	tap_action(v, UI_ACT_STAFF_EJECT, -1);
	assert_int_equal(count(v, INTENT_STAFF_EJECT), 1);
	tap_action(v, UI_ACT_STAFF_OPEN, UI_SCREEN_STAFF_TEST_WRITE);
	tap_action(v, UI_ACT_STAFF_TEST_WRITE, -1);
	assert_int_equal(count(v, INTENT_STAFF_TEST_WRITE), 1);
	tap_action(v, UI_ACT_STAFF_MENU, -1);
	tap_action(v, UI_ACT_STAFF_OPEN, UI_SCREEN_STAFF_NETWORK);
	tap_action(v, UI_ACT_STAFF_SYNC, -1);
	tap_action(v, UI_ACT_STAFF_MENU, -1);
	tap_action(v, UI_ACT_STAFF_OPEN, UI_SCREEN_STAFF_PERIPHERALS);
	tap_action(v, UI_ACT_STAFF_PRINTER_TEST, -1);
	tap_action(v, UI_ACT_STAFF_SCANNER_TEST, -1);
	assert_int_equal(count(v, INTENT_STAFF_SYNC_NOW), 1);
	assert_int_equal(count(v, INTENT_STAFF_PRINTER_TEST), 1);
	assert_int_equal(count(v, INTENT_STAFF_SCANNER_TEST), 1);
	/* today's documents: Reprint and Preview name the document and its kind */
	tap_action(v, UI_ACT_STAFF_REPRINT, 1);
	assert_string_equal(find(v, INTENT_STAFF_REPRINT)->order_id, "K7Q2M9X4P1");
	assert_string_equal(find(v, INTENT_STAFF_REPRINT)->text, "slip");
	tap_action(v, UI_ACT_STAFF_PREVIEW, 0);
	assert_string_equal(find(v, INTENT_STAFF_PREVIEW)->order_id, "NZUOS92X5H");
	assert_string_equal(find(v, INTENT_STAFF_PREVIEW)->text, "receipt");

	/* Quit: only from the menu, and only after confirming. */
	tap_action(v, UI_ACT_STAFF_MENU, -1);
	tap_action(v, UI_ACT_QUIT, -1);
	assert_false(v->quit);
	tap_action(v, UI_ACT_QUIT_YES, -1);
	assert_true(v->quit);

	/* The core signing staff out (its own timeout) ends staff mode. */
	v->s->staff.logged_in = false;
	publish(v);
	expect_screen(v, UI_SCREEN_ATTRACT);
}

/* The staff queue enables exactly the actions the state machine allows:
 * written down here from the lifecycle (order.h), not read from the table
 * the UI asks, so a UI with rules of its own fails. */
static void test_staff_queue_offers_allowed_actions(void **state)
{
	struct env *v = *state;
	static const struct {
		enum ui_action_kind act;
		unsigned states; /* bit per enum order_state */
	} want[] = {
		{ UI_ACT_STAFF_RETRY, 1u << ORDER_FAILED },
		{ UI_ACT_STAFF_REFETCH, 1u << ORDER_FAILED },
		{ UI_ACT_STAFF_REWRITE, 1u << ORDER_CLAIMED },
		{ UI_ACT_STAFF_CONFIRM_PAYMENT, 1u << ORDER_AWAITING_PAYMENT },
		{ UI_ACT_STAFF_CANCEL, 1u << ORDER_ANNOUNCED | 1u << ORDER_DOWNLOADING |
					       1u << ORDER_READY | 1u << ORDER_CLAIMED |
					       1u << ORDER_AWAITING_PAYMENT | 1u << ORDER_FAILED },
	};
	unsigned wrong = 0;

	open_pin(v);
	type(v, "2468");
	tap_action(v, UI_ACT_SUBMIT, -1);
	v->s->staff.logged_in = true;
	publish(v);
	tap_action(v, UI_ACT_STAFF_OPEN, UI_SCREEN_STAFF_QUEUE);
	for (int st = 0; st < ORDER_STATE_COUNT; st++) {
		char id[16];
		int x, y;

		snprintf(id, sizeof(id), "S%02d", st);
		v->s->staff.queue_count = 1;
		fix_queue_row(&v->s->staff.queue[0], id, (enum order_state)st, "t", "", v->s->now);
		publish(v);
		assert_int_equal(ui_locate_order(v->u, UI_ACT_QUEUE_SELECT, id, &x, &y), 0);
		tap(v, x, y);
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			bool offered = !ui_locate(v->u, want[i].act, -1, &x, &y);
			bool allowed = want[i].states & (1u << st);

			if (offered != allowed) {
				print_error("state %s: action %d %s\n", order_state_name((enum order_state)st),
					    want[i].act, offered ? "offered, not allowed" : "allowed, not offered");
				wrong++;
			}
		}
	}
	assert_int_equal(wrong, 0);
}

static void test_staff_timeout(void **state)
{
	struct env *v = *state;

	open_pin(v);
	type(v, "2468");
	tap_action(v, UI_ACT_SUBMIT, -1);
	v->s->staff.logged_in = true;
	publish(v);
	expect_screen(v, UI_SCREEN_STAFF_MENU);
	v->clock += 301000;
	frame(v);
	assert_int_equal(count(v, INTENT_STAFF_LOGOUT), 1);
	expect_screen(v, UI_SCREEN_ATTRACT);
	v->s->staff.logged_in = false;
	publish(v);
}

/* No customer screen offers quit, and random taps never reach the staff
 * side or the system. */
static void test_no_quit_for_customers(void **state)
{
	static const enum core_session_stage stages[] = {
		SESSION_IDLE,	     SESSION_CHECKING_CODE, SESSION_CODE_REFUSED, SESSION_ORDER_SHOWN,
		SESSION_WAITING_DISC, SESSION_MEDIA_REFUSED, SESSION_WRITING,	   SESSION_VERIFYING,
		SESSION_DONE,	     SESSION_FAILED,
	};
	struct env *v = *state;
	unsigned seed = 12345;

	v->s->has_order = true;
	fix_film_order(&v->s->order);
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		v->s->stage = stages[i];
		v->s->msg = stages[i] == SESSION_CODE_REFUSED ? CORE_MSG_CODE_WRONG :
			    stages[i] == SESSION_FAILED ? CORE_MSG_WRITE_FAILED :
			    stages[i] == SESSION_MEDIA_REFUSED ? CORE_MSG_DISC_TOO_SMALL : CORE_MSG_NONE;
		publish(v);
		for (int k = 0; k < 40; k++) {
			seed = seed * 1103515245u + 12345u;
			int x = (int)(seed >> 8) % 1280;

			seed = seed * 1103515245u + 12345u;
			int y = (int)(seed >> 8) % 800;

			assert_false(ui_offers(v->u, UI_ACT_QUIT));
			assert_false(ui_offers(v->u, UI_ACT_QUIT_YES));
			assert_false(ui_screen_name(ui_current_screen(v->u))[0] == 's' &&
				     ui_current_screen(v->u) != UI_SCREEN_STAFF_PIN);
			tap(v, x, y);
			/* A tap on the staff corner opens only the PIN pad;
			 * leave it again. */
			if (ui_current_screen(v->u) == UI_SCREEN_STAFF_PIN)
				tap_action(v, UI_ACT_PIN_CANCEL, -1);
		}
	}
	assert_false(v->quit);
	for (unsigned i = 0; i < v->n_sent; i++)
		assert_true(v->sent[i].kind < INTENT_STAFF_LOGIN);
}

static void test_idle_screen_sleeps(void **state)
{
	struct env *v = *state;

	frame(v);
	assert_false(v->last.drew); /* nothing changed: nothing drawn */
	assert_int_equal(v->last.wake_ms, -1); /* and no timer: sleep until an event */
	publish(v);
	assert_true(v->last.drew);
	tap(v, 640, 420);
	assert_true(v->last.wake_ms > 0 && v->last.wake_ms <= 60000);
	v->s->stage = SESSION_WRITING;
	publish(v);
	assert_true(v->last.wake_ms > 0 && v->last.wake_ms <= 100); /* the turning disc */
}

static void *waker(void *arg)
{
	ui_wake(arg);
	return NULL;
}

static void test_wake_from_another_thread(void **state)
{
	struct env *v = *state;
	pthread_t t;

	frame(v);
	assert_false(v->last.drew);
	assert_int_equal(pthread_create(&t, NULL, waker, v->u), 0);
	pthread_join(t, NULL);
	v->s->seq++; /* what the core does before it wakes the UI */
	frame(v);
	assert_true(v->last.drew);
}

static void test_list_drag(void **state)
{
	struct env *v = *state;
	int x, y;

	v->s->stage = SESSION_ORDER_SHOWN;
	v->s->has_order = true;
	fix_audio_order(&v->s->order);
	v->s->order.item_count = 30;
	for (unsigned i = 4; i < 30; i++)
		v->s->order.items[i] = v->s->order.items[i % 4];
	publish(v);
	assert_int_equal(ui_locate(v->u, UI_ACT_SCROLL_UP, -1, &x, &y), -1); /* at the top */
	press(v, 900, 560, true);
	for (int dy = 0; dy <= 240; dy += 40)
		press(v, 900, 560 - dy, true);
	press(v, 900, 320, false);
	assert_int_equal(ui_locate(v->u, UI_ACT_SCROLL_UP, -1, &x, &y), 0);
	assert_int_equal(v->n_sent, 0); /* a drag is not a tap */
	tap_action(v, UI_ACT_SCROLL_UP, -1);
	assert_int_equal(ui_locate(v->u, UI_ACT_SCROLL_UP, -1, &x, &y), -1);
}

/* ui_run(): the loop `tenpo run` uses — snapshots in, intents out, until
 * the stop flag.  The snapshot callback wakes the UI so no wait lasts. */
struct loop_env {
	struct env *v;
	atomic_int stop;
	unsigned snapshots;
	struct core_intent got[8];
	unsigned n_got;
};

static void loop_snapshot(void *arg, struct core_snapshot *out)
{
	struct loop_env *l = arg;

	*out = *l->v->s;
	out->seq += l->snapshots;
	if (++l->snapshots >= 4)
		l->stop = 1;
	ui_wake(l->v->u);
}

static bool loop_send(void *arg, const struct core_intent *in)
{
	struct loop_env *l = arg;

	if (l->n_got < 8)
		l->got[l->n_got++] = *in;
	return true;
}

static void test_run_loop(void **state)
{
	struct env *v = *state;
	struct loop_env l = { .v = v };
	struct ui_loop loop = { loop_snapshot, loop_send, &l, &l.stop };
	struct err e = { "" };
	int x, y;

	tap(v, 640, 420);
	type(v, "111122223333");
	assert_int_equal(ui_locate(v->u, UI_ACT_SUBMIT, -1, &x, &y), 0);
	ui_inject_touch(v->u, x, y, true);
	ui_inject_touch(v->u, x, y, false);
	assert_int_equal(ui_run(v->u, &loop, &e), 0);
	assert_true(l.snapshots >= 4);
	assert_int_equal(l.n_got, 1);
	assert_int_equal(l.got[0].kind, INTENT_PICKUP_CODE);
	assert_string_equal(l.got[0].text, "111122223333");
}

#define T(f) cmocka_unit_test_setup(f, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_code_entry_sends_one_intent),
		T(test_backspace_and_clear),
		T(test_language_toggle),
		T(test_staff_gesture_and_pin),
		T(test_staff_hold_seen_at_release),
		T(test_print_slip_once),
		T(test_wrong_pin_and_lockout),
		T(test_inactivity),
		T(test_customer_intents_once),
		T(test_staff_actions),
		T(test_staff_queue_offers_allowed_actions),
		T(test_staff_timeout),
		T(test_no_quit_for_customers),
		T(test_idle_screen_sleeps),
		T(test_wake_from_another_thread),
		T(test_list_drag),
		T(test_run_loop),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
