// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui screenshots: every screen rendered at 1280×800 from synthetic core
 * snapshots, in Japanese and in English (and a few in the large-text
 * high-contrast mode), on SDL's offscreen driver with the software
 * renderer.  Each frame must draw with no text overflow (ui_text reports
 * UI words that had to be cut) and no exhausted widget pool; its PNG goes
 * to $TENPO_BUILD/ui-shots/ and is compared with tests/ui/ref/: at most
 * 0.5 % of pixels may differ by more than 16 in a channel (font hinting).
 *
 * A missing reference fails.  `make ui-ref` (TENPO_UI_REGEN=1) writes the
 * references on purpose; look at them before committing.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ui.h"
#include "ui_display.h" /* ui_png_compare */
#include "ui_format.h"
#include "../ui/fixture.h"
#include "escpos.h"
#include "escpos_render.h"
#include "receipt.h"

#define TOLERANCE 16
#define MAX_BAD 0.005


struct env {
	struct ui *u;
	int64_t clock;
	struct core_snapshot *s;
	char shots[512], refs[512];
	bool regen;
	unsigned failures; /* this test's; every screen is checked before failing */
};

static int64_t fake_clock(void *arg)
{
	return ((struct env *)arg)->clock;
}

static void mkdirs(const char *path)
{
	char tmp[512];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	mkdir(tmp, 0755);
}

static int setup(void **state)
{
	struct env *v = calloc(1, sizeof(*v));
	struct ui_options o = { 0 };
	struct err e = { "" };
	const char *top = getenv("TENPO_TOP"), *build = getenv("TENPO_BUILD");

	if (!v)
		return -1;
	v->s = calloc(1, sizeof(*v->s));
	if (!v->s)
		return -1;
	setenv("TZ", "JST-9", 1);
	tzset();
	snprintf(v->refs, sizeof(v->refs), "%s/tests/ui/ref", top && *top ? top : ".");
	snprintf(v->shots, sizeof(v->shots), "%s/ui-shots", build && *build ? build : "build");
	v->regen = getenv("TENPO_UI_REGEN") && !strcmp(getenv("TENPO_UI_REGEN"), "1");
	mkdirs(v->shots);
	if (v->regen)
		mkdirs(v->refs);
	v->clock = 1000000;
	o.driver = "offscreen";
	o.width = 1280;
	o.height = 800;
	o.language = UI_LANG_JA;
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

static void frame(struct env *v)
{
	struct ui_output out;

	v->s->seq++;
	assert_int_equal(ui_frame(v->u, v->s, &out), 0);
}

#define soft_fail(v, ...)                                       \
	do {                                                    \
		print_error("# FAIL " __VA_ARGS__);           \
		print_error("\n");                              \
		(v)->failures++;                                \
	} while (0)

/* Draws the current state as screen `want`, checks it, saves and compares.
 * Problems are counted, not fatal, so one run shows every broken screen. */
static void check(struct env *v, const char *name, enum ui_screen want)
{
	struct ui_stats st;
	struct err e = { "" };
	char png[700], ref[700];
	double bad = 1;

	frame(v);
	if (ui_current_screen(v->u) != want)
		soft_fail(v, "%s: screen is %s, expected %s", name,
			  ui_screen_name(ui_current_screen(v->u)), ui_screen_name(want));
	ui_get_stats(v->u, &st);
	if (st.overflows)
		soft_fail(v, "%s: %u text(s) did not fit, e.g. \"%s\"", name, st.overflows,
			  st.overflow_text);
	if (st.dropped_widgets)
		soft_fail(v, "%s: widget pool exhausted (%u dropped)", name, st.dropped_widgets);
	snprintf(png, sizeof(png), "%s/%s.png", v->shots, name);
	snprintf(ref, sizeof(ref), "%s/%s.png", v->refs, name);
	if (ui_screenshot(v->u, png, &e)) {
		soft_fail(v, "%s: %s", name, e.msg);
		return;
	}
	if (v->regen) {
		if (ui_screenshot(v->u, ref, &e))
			soft_fail(v, "%s: %s", name, e.msg);
		return;
	}
	if (access(ref, R_OK)) {
		soft_fail(v, "%s: no reference %s (make ui-ref writes it; look at it first)", name, ref);
		return;
	}
	if (ui_png_compare(png, ref, TOLERANCE, &bad, &e))
		soft_fail(v, "%s: %s", name, e.msg);
	else if (bad > MAX_BAD)
		soft_fail(v, "%s: %.2f%% of pixels differ from %s (see %s)", name, bad * 100, ref, png);
}

static void finish(struct env *v)
{
	unsigned n = v->failures;

	v->failures = 0;
	if (n)
		fail_msg("%u screen check(s) failed (listed above)", n);
}

/* Puts the UI on a snapshot-driven screen in a language and text size. */
static void show(struct env *v, const char *base, enum ui_screen want, enum ui_lang lang,
		 bool large)
{
	char name[160];

	frame(v); /* the UI follows the stage first (it may reset the session) */
	if (want == UI_SCREEN_ATTRACT || want == UI_SCREEN_CODE || want >= UI_SCREEN_STAFF_PIN)
		ui_debug_show(v->u, want);
	ui_debug_language(v->u, lang, large);
	snprintf(name, sizeof(name), "%s-%s%s", base, lang == UI_LANG_JA ? "ja" : "en",
		 large ? "-large" : "");
	check(v, name, want);
}

static void both(struct env *v, const char *base, enum ui_screen want)
{
	show(v, base, want, UI_LANG_JA, false);
	show(v, base, want, UI_LANG_EN, false);
}

static void idle(struct env *v)
{
	fix_snapshot(v->s);
	frame(v);
	ui_debug_show(v->u, UI_SCREEN_ATTRACT);
}

static void test_strings_and_formats(void **state)
{
	char buf[64];

	(void)state;
	for (int l = 0; l < UI_LANG_COUNT; l++) {
		for (int i = 0; i < S_STR_COUNT; i++) {
			const char *s = ui_str((enum ui_lang)l, (enum ui_str)i);

			if (!s || !*s || !strcmp(s, "?"))
				fail_msg("string %d missing in language %d", i, l);
		}
		for (int m = CORE_MSG_NONE + 1; m < CORE_MSG_COUNT; m++) {
			const struct ui_msg_text *t = ui_msg((enum ui_lang)l, (enum core_msg)m);

			if (!t->title[0] || !t->what[0] || !t->next[0])
				fail_msg("core message %d incomplete in language %d", m, l);
		}
		for (int s = 0; s < ORDER_STATE_COUNT; s++)
			assert_string_not_equal(ui_order_state_str((enum ui_lang)l, (enum order_state)s), "?");
	}
	/* burner's stages and disc statuses: each its own string (a value
	 * added in burner.h without one maps to string 0 or a neighbour's) */
	for (int i = 0; i < BURNER_STAGE_COUNT; i++) {
		assert_int_not_equal(ui_stage_key((enum burner_stage)i), 0);
		for (int k = 0; k < i; k++)
			assert_int_not_equal(ui_stage_key((enum burner_stage)i),
					     ui_stage_key((enum burner_stage)k));
	}
	for (int i = 0; i < BURNER_STATUS_COUNT; i++) {
		assert_int_not_equal(ui_disc_key((enum burner_status)i), 0);
		for (int k = 0; k < i; k++)
			assert_int_not_equal(ui_disc_key((enum burner_status)i),
					     ui_disc_key((enum burner_status)k));
	}
	assert_string_equal(ui_fmt(buf, sizeof(buf), "{1} then {0}", "a", "b"), "b then a");
	/* A template cut short never leaves half a UTF-8 character. */
	ui_fmt(buf, 8, "あいう{0}", "x", NULL);
	assert_string_equal(buf, "あい");

	assert_string_equal(ui_format_code(buf, sizeof(buf), "123456789012"), "1234-5678-9012");
	assert_string_equal(ui_format_code(buf, sizeof(buf), "12345"), "1234-5");
	assert_string_equal(ui_format_price(buf, sizeof(buf), 1500, "JPY"), "\xc2\xa5" "1,500");
	assert_string_equal(ui_format_price(buf, sizeof(buf), 1250, "EUR"), "12.50 EUR");
	assert_string_equal(ui_format_bytes(buf, sizeof(buf), 4707319808ull), "4.7 GB");
	assert_string_equal(ui_format_bytes(buf, sizeof(buf), 84211), "84 kB");
	assert_string_equal(ui_format_duration(buf, sizeof(buf), 245000), "4:05");
	assert_string_equal(ui_format_duration(buf, sizeof(buf), 3735000), "1:02:15");
	assert_string_equal(ui_format_time(buf, sizeof(buf), 0), "");
	assert_string_equal(ui_format_date(buf, sizeof(buf), FIX_NOW), "2026-01-01");
	assert_string_equal(ui_blank_for(MEDIA_DATA_DVD), "DVD-R");
	assert_string_equal(ui_blank_for(MEDIA_AUDIO_CD), "CD-R");
}

static void test_customer_screens(void **state)
{
	struct env *v = *state;

	idle(v);
	both(v, "attract", UI_SCREEN_ATTRACT);
	both(v, "code-empty", UI_SCREEN_CODE);
	ui_debug_digits(v->u, "12345678");
	show(v, "code-8-digits", UI_SCREEN_CODE, UI_LANG_JA, false);
	ui_debug_digits(v->u, "123456789012");
	show(v, "code-12-digits", UI_SCREEN_CODE, UI_LANG_EN, false);
	v->s->stage = SESSION_CHECKING_CODE;
	both(v, "checking", UI_SCREEN_CHECKING);

	v->s->stage = SESSION_ORDER_SHOWN;
	v->s->has_order = true;
	fix_audio_order(&v->s->order);
	both(v, "order-audio", UI_SCREEN_ORDER);
	fix_film_order(&v->s->order);
	both(v, "order-film", UI_SCREEN_ORDER);
	v->s->order.pay_first = true; /* pay_before_write: the slip first */
	both(v, "order-pay-first", UI_SCREEN_ORDER);

	v->s->stage = SESSION_WAITING_DISC;
	both(v, "disc-dvd", UI_SCREEN_DISC);
	fix_audio_order(&v->s->order);
	show(v, "disc-cd", UI_SCREEN_DISC, UI_LANG_JA, false);

	v->s->stage = SESSION_WRITING;
	v->s->progress = (struct core_progress){ BURNER_STAGE_WRITING, 79000000, 197568176, 40, 4.1, 208 };
	both(v, "writing-40", UI_SCREEN_WRITING);
	v->s->progress = (struct core_progress){ BURNER_STAGE_PREPARING, 0, 197568176, 0, 0, -1 };
	show(v, "writing-calculating", UI_SCREEN_WRITING, UI_LANG_EN, false);
	v->s->stage = SESSION_VERIFYING;
	v->s->progress = (struct core_progress){ BURNER_STAGE_VERIFYING, 180000000, 197568176, 93, 9.0, 40 };
	show(v, "verifying", UI_SCREEN_WRITING, UI_LANG_JA, false);

	v->s->stage = SESSION_DONE;
	both(v, "done-prepaid", UI_SCREEN_DONE);
	/* a prepaid order's disc, no receipt (the appliance without its printer) */
	v->s->periph.receipt_failed = true;
	both(v, "done-prepaid-no-receipt", UI_SCREEN_DONE);
	v->s->periph.receipt_failed = false;
	fix_film_order(&v->s->order);
	both(v, "done-unpaid", UI_SCREEN_DONE);
	/* no receipt could be printed: the customer is told to ask staff */
	v->s->periph.receipt_failed = true;
	both(v, "done-no-receipt", UI_SCREEN_DONE);
	v->s->periph.receipt_failed = false;
	finish(v);
}

/* Every CORE_MSG where the core would send it. */
static void test_messages(void **state)
{
	static const struct {
		enum core_msg msg;
		enum core_session_stage stage;
		enum ui_screen screen;
		const char *name;
	} cases[] = {
		{ CORE_MSG_CODE_WRONG, SESSION_CODE_REFUSED, UI_SCREEN_CODE, "msg-code-wrong" },
		{ CORE_MSG_CODE_MALFORMED, SESSION_CODE_REFUSED, UI_SCREEN_CODE, "msg-code-malformed" },
		{ CORE_MSG_CODE_WAIT, SESSION_CODE_REFUSED, UI_SCREEN_CODE, "msg-code-wait" },
		{ CORE_MSG_ORDER_NOT_READY, SESSION_CODE_REFUSED, UI_SCREEN_ERROR, "msg-order-not-ready" },
		{ CORE_MSG_ORDER_EXPIRED, SESSION_CODE_REFUSED, UI_SCREEN_ERROR, "msg-order-expired" },
		{ CORE_MSG_ORDER_UNAVAILABLE, SESSION_CODE_REFUSED, UI_SCREEN_ERROR, "msg-order-unavailable" },
		{ CORE_MSG_PAY_AT_REGISTER, SESSION_DONE, UI_SCREEN_DONE, "msg-pay-at-register" },
		{ CORE_MSG_NO_DISC, SESSION_MEDIA_REFUSED, UI_SCREEN_DISC, "msg-no-disc" },
		{ CORE_MSG_DISC_NOT_BLANK, SESSION_MEDIA_REFUSED, UI_SCREEN_DISC, "msg-disc-not-blank" },
		{ CORE_MSG_DISC_WRONG_TYPE, SESSION_MEDIA_REFUSED, UI_SCREEN_DISC, "msg-disc-wrong-type" },
		{ CORE_MSG_DISC_TOO_SMALL, SESSION_MEDIA_REFUSED, UI_SCREEN_DISC, "msg-disc-too-small" },
		{ CORE_MSG_WRITE_FAILED, SESSION_FAILED, UI_SCREEN_ERROR, "msg-write-failed" },
		{ CORE_MSG_VERIFY_FAILED, SESSION_FAILED, UI_SCREEN_ERROR, "msg-verify-failed" },
		{ CORE_MSG_DRIVE_GONE, SESSION_FAILED, UI_SCREEN_ERROR, "msg-drive-gone" },
		{ CORE_MSG_INTERNAL, SESSION_FAILED, UI_SCREEN_ERROR, "msg-internal" },
		{ CORE_MSG_BLANKS_EXHAUSTED, SESSION_FAILED, UI_SCREEN_ERROR, "msg-blanks-exhausted" },
		{ CORE_MSG_AWAITING_PAYMENT, SESSION_CODE_REFUSED, UI_SCREEN_ERROR,
		  "msg-awaiting-payment" },
		{ CORE_MSG_SLIP_PRINTED, SESSION_SLIP_ISSUED, UI_SCREEN_SLIP, "slip-printed" },
		{ CORE_MSG_SLIP_NOT_PRINTED, SESSION_SLIP_ISSUED, UI_SCREEN_SLIP, "slip-not-printed" },
		{ CORE_MSG_SCAN_UNREADABLE, SESSION_CODE_REFUSED, UI_SCREEN_CODE, "msg-scan-unreadable" },
	};
	struct env *v = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		idle(v);
		v->s->stage = cases[i].stage;
		v->s->msg = cases[i].msg;
		v->s->wait_s = cases[i].msg == CORE_MSG_CODE_WAIT ? 45 : 0;
		v->s->has_order = cases[i].stage >= SESSION_ORDER_SHOWN;
		fix_film_order(&v->s->order);
		if (cases[i].stage == SESSION_SLIP_ISSUED) {
			/* TP2612021505002800NZUOS92X5H: 2026-12-02 15:05 JST */
			snprintf(v->s->order.slip, sizeof(v->s->order.slip), "TP2612021505002800%.16s",
				 v->s->order.id);
			v->s->order.slip_amount = v->s->order.price;
			v->s->order.slip_valid_until = 1796191500;
		}
		if (cases[i].msg == CORE_MSG_DISC_WRONG_TYPE) {
			snprintf(v->s->drive.profile, sizeof(v->s->drive.profile), "CD-R");
			v->s->drive.disc = BURNER_MEDIA_UNSUITABLE;
		}
		if (cases[i].stage == SESSION_CODE_REFUSED && cases[i].screen == UI_SCREEN_CODE)
			ui_debug_digits(v->u, "123456789012");
		show(v, cases[i].name, cases[i].screen, UI_LANG_JA, false);
		show(v, cases[i].name, cases[i].screen, UI_LANG_EN, false);
	}
	finish(v);
}

/* A real receipt's preview, made as the core makes it: laid out, encoded,
 * rendered from the bytes, written as PNG. */
static void make_preview(const char *path)
{
	const char *top = getenv("TENPO_TOP");
	struct receipt_info r = {
		.shop_name = "ファミリーマート 渋谷道玄坂店", .shop_address = "東京都渋谷区道玄坂2-1",
		.when = FIX_NOW, .order_id = "NZUOS92X5H", .title = "港の灯り Harbour Lights",
		.artist = "Minato Ensemble", .media = "CD-R", .checksum = "9f3a61c2",
		.price_yen = 1500, .payment = RECEIPT_PAID_ONLINE, .lang = "ja",
	};
	struct escpos_renderer *rr = NULL;
	struct escpos_image im = { 0 };
	struct printer_profile pf;
	const unsigned char *data;
	struct escpos b;
	char dir[1024];
	size_t len = 0;
	struct err e = { "" };

	snprintf(dir, sizeof(dir), "%s/drivers/profiles", top && *top ? top : ".");
	if (printer_profile_find(&pf, dir, "generic-80mm", &e))
		fail_msg("%s", e.msg);
	escpos_init(&b, &pf, 0);
	if (receipt_encode(&pf, &r, &b, &e) || escpos_finish(&b, &e))
		fail_msg("%s", e.msg);
	data = escpos_data(&b, &len);
	if (escpos_renderer_open(&rr, NULL, &e) || escpos_render(rr, &pf, data, len, &im, &e) ||
	    escpos_image_write_png(&im, path, &e))
		fail_msg("%s", e.msg);
	escpos_image_free(&im);
	escpos_renderer_free(rr);
	escpos_free(&b);
}

static void test_staff_screens(void **state)
{
	static const struct {
		enum ui_screen screen;
		const char *name;
	} pages[] = {
		{ UI_SCREEN_STAFF_MENU, "staff-menu" },
		{ UI_SCREEN_STAFF_DRIVE, "staff-drive" },
		{ UI_SCREEN_STAFF_QUEUE, "staff-queue" },
		{ UI_SCREEN_STAFF_DAY, "staff-day" },
		{ UI_SCREEN_STAFF_TEST_WRITE, "staff-test-write" },
		{ UI_SCREEN_STAFF_SPOOL, "staff-spool" },
		{ UI_SCREEN_STAFF_NETWORK, "staff-network" },
		{ UI_SCREEN_STAFF_OUTBOX, "staff-outbox" },
		{ UI_SCREEN_STAFF_PERIPHERALS, "staff-peripherals" },
		{ UI_SCREEN_STAFF_LOG, "staff-log" },
		{ UI_SCREEN_STAFF_ABOUT, "staff-about" },
	};
	struct env *v = *state;

	idle(v);
	ui_debug_show(v->u, UI_SCREEN_STAFF_PIN);
	ui_debug_digits(v->u, "1234");
	both(v, "staff-pin", UI_SCREEN_STAFF_PIN);
	v->s->staff.locked_until = v->s->now + 300;
	show(v, "staff-pin-locked", UI_SCREEN_STAFF_PIN, UI_LANG_EN, false);
	v->s->staff.locked_until = 0;

	v->s->staff.logged_in = true;
	snprintf(v->s->staff.last_action, sizeof(v->s->staff.last_action),
		 "09:05 retry NZUOS92X5H: moved to claimed");
	v->s->net.last_error[0] = '\0';
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		both(v, pages[i].name, pages[i].screen);

	/* The unhappy versions: no drive, server down, expired certificate. */
	v->s->drive.present = false;
	v->s->drive.disc = BURNER_MEDIA_NONE;
	v->s->drive.profile[0] = '\0';
	v->s->net.reachable = true; /* it answered, and its certificate was refused */
	v->s->net.outcome = DELIVERY_TLS_REFUSED;
	snprintf(v->s->net.last_error, sizeof(v->s->net.last_error),
		 "server certificate not trusted (unknown CA)");
	v->s->net.server_cert_not_after = v->s->now - 2 * FIX_DAY;
	show(v, "staff-menu-trouble", UI_SCREEN_STAFF_MENU, UI_LANG_JA, false);
	show(v, "staff-network-trouble", UI_SCREEN_STAFF_NETWORK, UI_LANG_EN, false);
	/* no connection at all: "unreachable", from the code, whatever the words */
	v->s->net.reachable = false;
	v->s->net.outcome = DELIVERY_UNREACHABLE;
	snprintf(v->s->net.last_error, sizeof(v->s->net.last_error),
		 "cannot reach 127.0.0.1:8443: Connection refused");
	both(v, "staff-network-down", UI_SCREEN_STAFF_NETWORK);
	v->s->progress = (struct core_progress){ BURNER_STAGE_WRITING, 30000000, 100000000, 30, 8.0, 20 };
	show(v, "staff-test-write-running", UI_SCREEN_STAFF_TEST_WRITE, UI_LANG_JA, false);
	/* the last sync left two orders waiting for spool space */
	v->s->staff.spool_waiting = 2;
	both(v, "staff-spool-full", UI_SCREEN_STAFF_SPOOL);
	/* the printer out of paper, a receipt not printed, the scanner test
	 * waiting, a preview made */
	v->s->periph.printer.paper_out = true;
	snprintf(v->s->periph.printer.status_text, sizeof(v->s->periph.printer.status_text),
		 "paper out");
	v->s->periph.printer.jobs_failed = 1;
	v->s->periph.alert = true;
	snprintf(v->s->periph.alert_text, sizeof(v->s->periph.alert_text),
		 "receipt NZUOS92X5H not printed: paper out");
	v->s->periph.scanner_test = true;
	snprintf(v->s->periph.preview_key, sizeof(v->s->periph.preview_key), "NZUOS92X5H");
	snprintf(v->s->periph.preview_kind, sizeof(v->s->periph.preview_kind), "receipt");
	snprintf(v->s->periph.preview_png, sizeof(v->s->periph.preview_png),
		 "/var/lib/tenpo/out/receipts/preview.png");
	v->s->periph.preview_seq = 1; /* not there: its path is shown */
	both(v, "staff-peripherals-trouble", UI_SCREEN_STAFF_PERIPHERALS);
	snprintf(v->s->periph.preview_png, sizeof(v->s->periph.preview_png), "%s/preview-receipt.png",
		 v->shots);
	make_preview(v->s->periph.preview_png);
	v->s->periph.preview_seq = 2; /* the UI loads it again */
	both(v, "staff-peripherals-preview", UI_SCREEN_STAFF_PERIPHERALS);
	show(v, "staff-menu-periph-trouble", UI_SCREEN_STAFF_MENU, UI_LANG_EN, false);
	/* no USB at all (usb = off) */
	memset(&v->s->periph, 0, sizeof(v->s->periph));
	show(v, "staff-peripherals-off", UI_SCREEN_STAFF_PERIPHERALS, UI_LANG_EN, false);
	finish(v);
}

static void test_large_text(void **state)
{
	struct env *v = *state;

	idle(v);
	show(v, "attract", UI_SCREEN_ATTRACT, UI_LANG_JA, true);
	show(v, "attract", UI_SCREEN_ATTRACT, UI_LANG_EN, true);
	ui_debug_digits(v->u, "12345");
	show(v, "code", UI_SCREEN_CODE, UI_LANG_JA, true);
	show(v, "code", UI_SCREEN_CODE, UI_LANG_EN, true);
	v->s->stage = SESSION_ORDER_SHOWN;
	v->s->has_order = true;
	fix_audio_order(&v->s->order);
	show(v, "order-audio", UI_SCREEN_ORDER, UI_LANG_JA, true);
	show(v, "order-audio", UI_SCREEN_ORDER, UI_LANG_EN, true);
	v->s->stage = SESSION_MEDIA_REFUSED;
	v->s->msg = CORE_MSG_DISC_WRONG_TYPE;
	show(v, "disc-refused", UI_SCREEN_DISC, UI_LANG_EN, true);
	v->s->stage = SESSION_WRITING;
	v->s->msg = CORE_MSG_NONE;
	v->s->progress = (struct core_progress){ BURNER_STAGE_WRITING, 79000000, 197568176, 40, 4.1, 208 };
	show(v, "writing-40", UI_SCREEN_WRITING, UI_LANG_JA, true);
	v->s->stage = SESSION_DONE;
	fix_film_order(&v->s->order);
	show(v, "done-unpaid", UI_SCREEN_DONE, UI_LANG_EN, true);
	v->s->stage = SESSION_FAILED;
	v->s->msg = CORE_MSG_WRITE_FAILED;
	show(v, "msg-write-failed", UI_SCREEN_ERROR, UI_LANG_JA, true);
	show(v, "msg-write-failed", UI_SCREEN_ERROR, UI_LANG_EN, true);
	finish(v);
}

static void tap_action(struct env *v, enum ui_action_kind k, int arg)
{
	int x, y;

	frame(v);
	if (ui_locate(v->u, k, arg, &x, &y))
		fail_msg("no widget for action %d on %s", k, ui_screen_name(ui_current_screen(v->u)));
	ui_inject_touch(v->u, x, y, true);
	ui_inject_touch(v->u, x, y, false);
}

static void test_modals(void **state)
{
	struct env *v = *state;
	char name[64];

	idle(v);
	v->s->stage = SESSION_ORDER_SHOWN;
	v->s->has_order = true;
	fix_audio_order(&v->s->order);
	for (int l = 0; l < UI_LANG_COUNT; l++) {
		frame(v);
		ui_debug_language(v->u, (enum ui_lang)l, false);
		tap_action(v, UI_ACT_HELP, -1);
		snprintf(name, sizeof(name), "modal-help-%s", l ? "en" : "ja");
		check(v, name, UI_SCREEN_ORDER);
		tap_action(v, UI_ACT_MODAL_CLOSE, -1);
	}
	/* 50 s without a touch: "are you still there?" with 10 s left. */
	v->s->stage = SESSION_WAITING_DISC;
	frame(v);
	ui_debug_language(v->u, UI_LANG_JA, false);
	v->clock += 50000;
	check(v, "modal-idle-ja", UI_SCREEN_DISC);
	tap_action(v, UI_ACT_STILL_HERE, -1);

	idle(v);
	v->s->staff.logged_in = true;
	ui_debug_show(v->u, UI_SCREEN_STAFF_QUEUE);
	ui_debug_language(v->u, UI_LANG_EN, false);
	frame(v);
	{
		int x, y;

		assert_int_equal(ui_locate(v->u, UI_ACT_QUEUE_SELECT, -1, &x, &y), 0);
		ui_inject_touch(v->u, x, y, true);
		ui_inject_touch(v->u, x, y, false);
	}
	tap_action(v, UI_ACT_STAFF_CANCEL, -1);
	check(v, "modal-cancel-order-en", UI_SCREEN_STAFF_QUEUE);
	tap_action(v, UI_ACT_MODAL_CLOSE, -1);
	ui_debug_show(v->u, UI_SCREEN_STAFF_MENU);
	ui_debug_language(v->u, UI_LANG_JA, false);
	tap_action(v, UI_ACT_QUIT, -1);
	check(v, "modal-quit-ja", UI_SCREEN_STAFF_MENU);
	tap_action(v, UI_ACT_MODAL_CLOSE, -1);
	finish(v);
}

/* Manifest text may be long: it is shortened with "…", never an overflow;
 * 99 tracks scroll. */
static void test_long_data(void **state)
{
	struct env *v = *state;
	struct core_order_view *o = &v->s->order;

	idle(v);
	v->s->stage = SESSION_ORDER_SHOWN;
	v->s->has_order = true;
	fix_audio_order(o);
	memset(o->title, 0, sizeof(o->title));
	for (int i = 0; i < 80; i++)
		strcat(o->title, "長い");
	snprintf(o->artist, sizeof(o->artist),
		 "The Extraordinarily Long-Named Philharmonic Orchestra of the Northern Prefectures");
	o->item_count = CORE_MAX_ITEMS;
	for (unsigned i = 0; i < CORE_MAX_ITEMS; i++) {
		char name[32], title[CORE_TEXT];

		snprintf(name, sizeof(name), "%02u track.wav", i + 1);
		snprintf(title, sizeof(title), "Track %u — %s", i + 1,
			 i % 2 ? "とても長い曲名がここに入りますがそれでも画面からはみ出してはいけません"
			       : "A very long track title that keeps going well past the end of its box");
		fix_item(&o->items[i], name, title, "Performer", 1000000, 61000 + i * 1000);
	}
	show(v, "order-long", UI_SCREEN_ORDER, UI_LANG_JA, false);
	{
		struct ui_stats st;

		ui_get_stats(v->u, &st);
		assert_true(st.truncated > 0);
	}
	tap_action(v, UI_ACT_SCROLL_DOWN, -1);
	check(v, "order-long-scrolled-ja", UI_SCREEN_ORDER);
	finish(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings_and_formats),
		cmocka_unit_test(test_customer_screens),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_staff_screens),
		cmocka_unit_test(test_large_text),
		cmocka_unit_test(test_modals),
		cmocka_unit_test(test_long_data),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
