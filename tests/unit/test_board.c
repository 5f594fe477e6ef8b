// SPDX-License-Identifier: GPL-2.0-or-later
/* board: the three shipped profiles load, and broken ones are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "board.h"

static const char *top(void)
{
	const char *t = getenv("TENPO_TOP");

	return t ? t : ".";
}

static void shipped_boards_load(void **state)
{
	static const char *const names[] = { "kiosk", "qemu", "desktop" };
	char dir[1024];
	struct board b;
	struct err e;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/board", top());
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(board_load(&b, dir, names[i], &e), 0);
		assert_string_equal(b.name, names[i]);
		assert_int_equal(b.width, 1280);
		assert_int_equal(b.height, 800);
		assert_true(b.display[0] != '\0');
	}
	assert_int_equal(board_load(&b, dir, "desktop", &e), 0);
	assert_string_equal(b.display, "x11");
	assert_string_equal(b.drive, "stdio:out/disc.iso");
}

static void write_board(const char *dir, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/bad", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/bad/board.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void broken_boards_refused(void **state)
{
	char dir[] = "/tmp/tenpo-board-XXXXXX";
	struct board b;
	struct err e;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(board_load(&b, dir, "../etc", &e), -1);
	assert_non_null(strstr(e.msg, "not a board name"));
	assert_int_equal(board_load(&b, dir, "missing", &e), -1);
	write_board(dir, "display = x11\nscreen = 10x10\n");
	assert_int_equal(board_load(&b, dir, "bad", &e), -1);
	assert_non_null(strstr(e.msg, ":2: screen"));
	write_board(dir, "display = x11\nscreen = 800x600\ncolour = red\n");
	assert_int_equal(board_load(&b, dir, "bad", &e), -1);
	assert_non_null(strstr(e.msg, "unknown key"));
	write_board(dir, "screen = 800x600\n");
	assert_int_equal(board_load(&b, dir, "bad", &e), -1);
	assert_non_null(strstr(e.msg, "required"));
	write_board(dir, "display = offscreen # tests\nscreen = 800x600\n");
	assert_int_equal(board_load(&b, dir, "bad", &e), 0);
	assert_string_equal(b.display, "offscreen");
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
}

static void hostile_text_refused(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "display = x11\nscreen = 1280x800junk\n", "t:2: screen" },
		{ "display = x11\nscreen = -1x800\n", "t:2: screen" },
		{ "display = x11\nscreen = 1280 x 800\n", "t:2: screen" },
		{ "display = x11\nscreen = 99999999999999999999x800\n", "t:2: screen" },
		{ "display = fbcon\nscreen = 1280x800\n", "t:1: display 'fbcon'" },
		{ "display = x11\nscreen = 1280x800\ndrive = /dev/sr0\x1b[2J\n", "t:3: control" },
		{ "display x11\n", "t:1: expected" },
	};
	char longline[700];
	struct board b;
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!board_parse(&b, bad[i].text, strlen(bad[i].text), "t", &e) ||
		    !strstr(e.msg, bad[i].want))
			fail_msg("%s -> %s (wanted %s)", bad[i].text, e.msg, bad[i].want);
	}
	/* an over-long line is refused, not cut into two lines */
	memset(longline, ' ', sizeof(longline));
	memcpy(longline, "display = x11\nscreen = 1280x800\ndrive = ", 41);
	memcpy(longline + sizeof(longline) - 12, "\nname = evil", 12);
	assert_int_equal(board_parse(&b, longline, sizeof(longline), "t", &e), -1);
	assert_non_null(strstr(e.msg, "t:3: line longer"));
	assert_int_equal(board_parse(&b, "display = x11\0\nscreen = 800x600\n", 32, "t", &e), -1);
	assert_non_null(strstr(e.msg, "NUL"));
	assert_int_equal(board_parse(&b, "display = kmsdrm\nscreen = 800x600", 33, "t", &e), 0);
	assert_int_equal(b.width, 800);
	assert_string_equal(b.display, "kmsdrm");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_boards_load),
		cmocka_unit_test(broken_boards_refused),
		cmocka_unit_test(hostile_text_refused),
	};

	return cmocka_run_group_tests_name("board", tests, NULL, NULL);
}
