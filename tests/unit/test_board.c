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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_boards_load),
		cmocka_unit_test(broken_boards_refused),
	};

	return cmocka_run_group_tests_name("board", tests, NULL, NULL);
}
