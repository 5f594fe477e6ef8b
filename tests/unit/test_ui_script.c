// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui script: the parser of scripted touches takes every line or names the
 * one it refuses, before anything is touched; then a script runs on a real
 * offscreen UI over a fake snapshot: it waits for screens, taps widgets by
 * action, and fails with the line when the screen is not what it expects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui.h"
#include "ui_script.h"

static int parse(const char *text, struct err *e)
{
	struct ui_script *s = NULL;
	int rc = ui_script_parse(&s, text, strlen(text), e);

	if (!rc)
		assert_non_null(s);
	ui_script_free(s);
	return rc;
}

static void accepts_every_command(void **state)
{
	struct ui_script *s = NULL;
	struct err e = { "" };
	const char *text = "# a customer\n"
			   "wait attract 60\r\n"
			   "\n"
			   "tap start   # comment\n"
			   "type 123456789012\n"
			   "tap digit 7\n"
			   "hold staff-corner 3000\n"
			   "wait-enabled digit 1\n"
			   "expect-disabled submit\n"
			   "tap staff-open staff-queue\n"
			   "tap queue-select AB12-cd_3\n"
			   "pause 10\n"
			   "shot order-en_1\n"
			   "expect code\n"
			   "quit";

	(void)state;
	assert_int_equal(ui_script_parse(&s, text, strlen(text), &e), 0);
	assert_int_equal(ui_script_length(s), 13);
	ui_script_free(s);
}

static void refuses_with_the_line(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "wait attract\nfly away\n", "line 2: unknown command 'fly'" },
		{ "tap nowhere\n", "line 1: unknown action 'nowhere'" },
		{ "tap digit\n", "needs one digit" },
		{ "tap digit 10\n", "needs one digit" },
		{ "tap digit -1\n", "needs one digit" },
		{ "tap start now\n", "takes no argument" },
		{ "wait\n", "needs a screen name" },
		{ "wait nowhere\n", "needs a screen name" },
		{ "wait code 0\n", "seconds" },
		{ "wait code 99999999999999999999\n", "seconds" },
		{ "hold staff-corner\n", "'hold' needs" },
		{ "type 12a4\n", "digits" },
		{ "type 1234567890123456789012345678901234567890123456789012345678901234\n", "digits" },
		{ "shot ../../etc/passwd\n", "'shot' needs a name" },
		{ "shot a/b\n", "'shot' needs a name" },
		{ "tap queue-select ../x\n", "order id" },
		{ "staff-open\n", "unknown command" },
		{ "tap staff-open nowhere\n", "screen name" },
		{ "quit now\n", "takes no argument" },
		{ "pause -5\n", "'pause' needs" },
		{ "tap a b c d e\n", "too many words" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct err e = { "" };

		if (!parse(bad[i].text, &e) || !strstr(e.msg, bad[i].want))
			fail_msg("%s -> \"%s\" (wanted \"%s\")", bad[i].text, e.msg, bad[i].want);
	}
}

static void refuses_binary_and_long_lines(void **state)
{
	char line[400], many[1002 * 6 + 1];
	struct err e = { "" };
	struct ui_script *s = NULL;

	(void)state;
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	assert_int_equal(parse(line, &e), -1);
	assert_non_null(strstr(e.msg, "longer than 255"));
	assert_int_equal(ui_script_parse(&s, "quit\0quit", 9, &e), -1);
	assert_non_null(strstr(e.msg, "NUL"));
	many[0] = '\0';
	for (int i = 0; i < 1001; i++)
		strcat(many, "quit\n");
	assert_int_equal(parse(many, &e), -1);
	assert_non_null(strstr(e.msg, "more than 1000"));
	assert_int_equal(ui_script_load(&s, "/nonexistent/script", &e), -1);
	assert_null(s);
}

static void runs_on_a_real_ui(void **state)
{
	struct ui_options o = { 0 };
	struct core_snapshot *snap = calloc(1, sizeof(*snap));
	struct ui_output out;
	struct ui_script *s = NULL;
	struct ui *u = NULL;
	struct err e = { "" };
	const char *text = "wait attract 5\ntap start\nwait code 5\ntype 12\nexpect order\n";
	int64_t now = 1000;
	int wake, rc = 0, steps = 0;

	(void)state;
	assert_non_null(snap);
	o.driver = "offscreen";
	if (ui_open(&u, &o, &e))
		fail_msg("ui_open: %s", e.msg);
	assert_int_equal(ui_script_parse(&s, text, strlen(text), &e), 0);
	snap->seq = 1;
	while (rc == 0 && steps++ < 200) {
		assert_int_equal(ui_frame(u, snap, &out), 0);
		rc = ui_script_step(s, u, NULL, now, &wake, &e);
		now += 10;
	}
	/* the customer reached code entry and typed; the order never came */
	assert_int_equal(rc, -1);
	assert_non_null(strstr(e.msg, "line 5: expected the order screen, found code"));
	ui_script_free(s);

	/* a wait that is never met fails after its bound, naming the screen */
	text = "wait done 1\n";
	assert_int_equal(ui_script_parse(&s, text, strlen(text), &e), 0);
	rc = 0;
	for (steps = 0; rc == 0 && steps < 400; steps++) {
		assert_int_equal(ui_frame(u, snap, &out), 0);
		rc = ui_script_step(s, u, NULL, now, &wake, &e);
		now += 10;
	}
	assert_int_equal(rc, -1);
	assert_non_null(strstr(e.msg, "waited 1 s for the done screen; still on code"));
	ui_script_free(s);
	ui_close(u);
	free(snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_every_command),
		cmocka_unit_test(refuses_with_the_line),
		cmocka_unit_test(refuses_binary_and_long_lines),
		cmocka_unit_test(runs_on_a_real_ui),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
