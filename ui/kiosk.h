/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kiosk: the running appliance put together — the board profile, the core
 * on its threads, the touchscreen on this (the main) thread.  This is
 * `tenpo run`.
 *
 * The board (cfg->board, a folder under opts->board_dir) decides the video
 * back end, the screen size and whether a pointer is shown; a config's
 * `drive` wins over the board's.  A board asking for a desktop window on a
 * machine without one (no DISPLAY / WAYLAND_DISPLAY) runs on SDL's
 * offscreen driver instead, and says so.
 *
 * Returns when staff choose Quit, when *opts->stop becomes non-zero
 * (SIGINT/SIGTERM), or when the script ends: 0; -1 with e set when the
 * kiosk cannot start or a script step fails.  Either way the core is
 * stopped first (a write in progress is cancelled and its order left
 * claimed and retryable) and the drive released.
 */
#ifndef TENPO_KIOSK_H
#define TENPO_KIOSK_H

#include <stdatomic.h>

#include "config.h"
#include "err.h"

struct kiosk_opts {
	const char *board_dir;       /* the folder of board profiles */
	const char *display;         /* NULL: the board's; else an SDL video driver */
	const char *script;          /* NULL, or scripted touches (ui_script.h) */
	const char *shots_dir;       /* where the script's shots go; NULL: cfg->output */
	const atomic_int *stop; /* NULL: none */
};

int kiosk_run(const struct config *cfg, const struct kiosk_opts *o, struct err *e);

#endif
