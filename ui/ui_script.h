/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ui_script: a customer or a staff member, as a text file — the scripted
 * touches of the integration tests and of the demo on a machine without a
 * display.  Every touch is a real SDL mouse event at the screen position of
 * the widget that carries the action, so the script goes through exactly
 * what a finger would: hit testing, the UI's state machine, the intents to
 * the core, the core's answer.
 *
 * One command a line; '#' starts a comment; blank lines are skipped.
 *
 *   wait SCREEN [SECONDS]    until the UI shows SCREEN (ui_screen_name());
 *                            fails after SECONDS (default 600): a hang
 *                            guard, not a speed requirement
 *   expect SCREEN            the UI shows SCREEN now
 *   wait-enabled ACTION [ARG]   until that control is there and usable
 *                            (a keypad after the core answered a PIN)
 *   expect-disabled ACTION [ARG]  that control is absent or unusable now
 *   tap ACTION [ARG]         tap the widget carrying ACTION: start, lang,
 *                            large-text, help, modal-close, digit N,
 *                            backspace, clear, submit, end, confirm-order,
 *                            disc-inserted, try-disc, still-here,
 *                            pin-cancel, staff-open SCREEN, staff-menu,
 *                            staff-logout, queue-select ORDER, staff-retry,
 *                            staff-cancel, staff-cancel-yes, staff-refetch,
 *                            staff-rewrite, staff-test-write, staff-eject,
 *                            staff-sync, quit, quit-yes
 *   hold ACTION MS           press it, keep pressing for MS, release
 *                            (staff-corner 3000 opens the PIN pad)
 *   type DIGITS              tap the keypad's digits one by one
 *   pause MS                 let the time pass (inactivity tests)
 *   shot NAME                the last frame as SHOTS_DIR/NAME.png
 *   quit                     the script is done: the run ends, exit 0
 *
 * Parsing is strict: an unknown command or action, a missing or extra
 * argument, a line over 255 bytes or a script over 1000 lines is an error
 * naming the line, before anything is touched.
 */
#ifndef TENPO_UI_SCRIPT_H
#define TENPO_UI_SCRIPT_H

#include <stddef.h>

#include "err.h"
#include "ui.h"

struct ui_script;

int ui_script_parse(struct ui_script **out, const char *text, size_t len, struct err *e);
int ui_script_load(struct ui_script **out, const char *path, struct err *e);
void ui_script_free(struct ui_script *s); /* NULL is fine */

/* Runs the script a step at a time; call after every frame.  0: going on
 * (*wake_ms says when to call again at the latest), 1: the script ended
 * with quit or its last line, -1: a step failed (e says which line, what
 * it expected and what the screen was).  shots_dir may be NULL when the
 * script takes no shots. */
int ui_script_step(struct ui_script *s, struct ui *u, const char *shots_dir, int64_t now_ms,
		   int *wake_ms, struct err *e);

/* Lines of the script, for logs. */
unsigned ui_script_length(const struct ui_script *s);

#endif
