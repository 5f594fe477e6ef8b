/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * board: the hardware profile, as data.  A board is a folder under board/
 * whose board.conf binds the roles the firmware asks for to devices:
 *
 *   display   SDL video driver: x11, wayland, kmsdrm, offscreen
 *   screen    WIDTHxHEIGHT of the touch panel
 *   touch     evdev, mouse
 *   drive     libburn address of the writer (a config's `drive` wins)
 *   scanner   printer   watchdog   spool      (see board/README.md)
 *
 * Code asks for roles (board->display), never for a board by name.
 */
#ifndef TENPO_BOARD_H
#define TENPO_BOARD_H

#include <stddef.h>

#include "err.h"

struct board {
	char name[32];
	char display[32];
	unsigned width, height;
	char touch[32];
	char drive[256];
	char scanner[64];
	char printer[64];
	char watchdog[64];
	char spool[256];
};

#define BOARD_FILE_MAX 16384
#define BOARD_LINE_MAX 511

/* Loads DIR/NAME/board.conf.  NAME is [a-z0-9_-]+; unknown keys, bad
 * values and a missing display or screen are errors with the line. */
int board_load(struct board *b, const char *dir, const char *name, struct err *e);

/* The same from text (not NUL-terminated); `where` names it in errors.
 * Strict: "key = value" lines, '#' comments, no NUL or control characters,
 * lines up to BOARD_LINE_MAX bytes, screen as WIDTHxHEIGHT digits within
 * 320x240..7680x4320, display one of x11, wayland, kmsdrm, offscreen. */
int board_parse(struct board *b, const char *text, size_t len, const char *where, struct err *e);

#endif
