/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ui: the kiosk's touchscreen — customer screens and the staff menu — as a
 * client of the core (core.h): it draws core snapshots and sends core
 * intents, and never calls the network, libburn or SQLite.
 *
 * Threading: everything here runs on one thread (SDL's main thread), except
 * ui_wake(), which the core's threads call to say a new snapshot is ready.
 *
 * Which screen shows is decided by snapshot.stage plus the UI's own state
 * (language, text size, attract vs. code entry, typed digits, staff mode
 * and staff page, modals).  Customer screens time out (idle_timeout_s
 * without a touch: INTENT_END_SESSION, back to the attract screen, typed
 * digits forgotten, language and text size back to the defaults).  Only the
 * staff menu can ask to quit; SIGINT/SIGTERM arrive as SDL_QUIT and are
 * reported as quit too.
 *
 * Staff gesture: press and hold the top-left corner (120 × 120 px at
 * 1280 × 800) of the attract screen for 3 seconds; the PIN pad opens.
 */
#ifndef TENPO_UI_H
#define TENPO_UI_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core.h"
#include "err.h"
#include "ui_action.h"
#include "ui_i18n.h"

#define UI_MAX_INTENTS 8
#define UI_STAFF_HOLD_MS 3000
#define UI_STAFF_CORNER_PX 120 /* at 1280×800; scaled with the screen */

enum ui_screen {
	UI_SCREEN_ATTRACT,
	UI_SCREEN_CODE,
	UI_SCREEN_CHECKING,
	UI_SCREEN_ORDER,
	UI_SCREEN_DISC,
	UI_SCREEN_WRITING,
	UI_SCREEN_DONE,
	UI_SCREEN_ERROR,
	UI_SCREEN_SLIP,
	UI_SCREEN_STAFF_PIN,
	UI_SCREEN_STAFF_MENU,
	UI_SCREEN_STAFF_DRIVE,
	UI_SCREEN_STAFF_QUEUE,
	UI_SCREEN_STAFF_TEST_WRITE,
	UI_SCREEN_STAFF_SPOOL,
	UI_SCREEN_STAFF_NETWORK,
	UI_SCREEN_STAFF_OUTBOX,
	UI_SCREEN_STAFF_PERIPHERALS,
	UI_SCREEN_STAFF_LOG,
	UI_SCREEN_STAFF_ABOUT,
	UI_SCREEN_STAFF_DAY,
	UI_SCREEN_COUNT
};

struct ui_options {
	const char *driver;        /* SDL video driver: "x11", "wayland", "kmsdrm",
				    * "offscreen"; NULL or "": SDL's choice */
	int width, height;         /* 0: 1280 × 800 */
	enum ui_lang language;     /* each customer session starts in it */
	bool large_text;           /* ... and with this text size */
	const char *fonts_dir;     /* NULL: /usr/share/fonts/opentype/noto */
	bool show_cursor;          /* desktop board: true; touch panels: false */
	unsigned idle_timeout_s;   /* customer screens; 0: 60 */
	unsigned staff_timeout_s;  /* staff screens; 0: 300 */
	/* Milliseconds from any fixed origin; NULL: SDL's clock.  Tests pass a
	 * fake one so timeouts need no sleeping. */
	int64_t (*clock_ms)(void *arg);
	void *clock_arg;
};

struct ui_output {
	unsigned n_intents;
	struct core_intent intents[UI_MAX_INTENTS]; /* to core_send(), in order */
	bool quit;                 /* staff chose Quit, or SIGINT/SIGTERM */
	int wake_ms;               /* call ui_frame() again within this many ms
				    * even without an event; -1: only on an event */
	bool drew;                 /* this call drew a frame */
};

struct ui;

int ui_open(struct ui **out, const struct ui_options *opt, struct err *e);
/* Handles pending input, then draws one frame from snap if anything
 * changed (input, snap->seq, a timer).  Returns 0, or -1 when drawing is
 * impossible (never for a bad snapshot: every field is range-checked). */
int ui_frame(struct ui *u, const struct core_snapshot *snap, struct ui_output *out);
/* NULL is fine.  Stop the core (no more ui_wake) before closing. */
void ui_close(struct ui *u);

/* Thread-safe: a new snapshot is waiting.  Pushes an SDL user event. */
void ui_wake(struct ui *u);

/* The loop `tenpo run` calls on the main thread: snapshot, frame, send,
 * then sleep in SDL_WaitEventTimeout until an event, a ui_wake() or the
 * frame's wake_ms — an idle screen draws nothing.  Returns when quit is
 * asked (0) or *stop becomes non-zero (0), or -1 when a frame fails. */
struct ui_loop {
	void (*snapshot)(void *arg, struct core_snapshot *out);
	bool (*send)(void *arg, const struct core_intent *in);
	void *arg;
	const atomic_int *stop; /* NULL: none */
	/* NULL, or called after every frame (scripted touches, see
	 * ui_script.h): 0 go on, calling again within *wake_ms at the latest;
	 * 1 stop the loop (ui_run returns 0); -1 stop, ui_run returns -1
	 * with e set by the tick. */
	int (*tick)(void *arg, struct ui *u, int *wake_ms, struct err *e);
};
int ui_run(struct ui *u, const struct ui_loop *loop, struct err *e);

/* Tests and scripts: a real SDL mouse event at screen coordinates. */
int ui_inject_touch(struct ui *u, int x, int y, bool down);
/* The last drawn frame as a PNG. */
int ui_screenshot(struct ui *u, const char *png_path, struct err *e);

/* Introspection for tests, the benchmark and logs. */
enum ui_screen ui_current_screen(const struct ui *u);
enum ui_lang ui_current_language(const struct ui *u);
const char *ui_screen_name(enum ui_screen s);
/* Centre of the enabled widget carrying this action (arg < 0: any) in the
 * last drawn frame; -1 when the screen has none. */
int ui_locate(const struct ui *u, enum ui_action_kind k, int arg, int *x, int *y);
/* The same for a widget about one order (the staff queue's rows). */
int ui_locate_order(const struct ui *u, enum ui_action_kind k, const char *order_id, int *x,
		    int *y);
bool ui_offers(const struct ui *u, enum ui_action_kind k);

struct ui_stats {
	unsigned frames;           /* frames drawn since open */
	unsigned overflows;        /* UI text cut in the last frame (must be 0) */
	unsigned truncated;        /* data text shortened with "…" (fine) */
	unsigned dropped_widgets;  /* widget pool exhausted (must be 0) */
	unsigned widgets;
	char overflow_text[200];
};
void ui_get_stats(const struct ui *u, struct ui_stats *out);

/* Shows a screen directly (staff mode and page, or code entry) for
 * screenshot tests and the benchmark; customer stages still come from
 * the snapshot.  UI_SCREEN_ATTRACT also forgets the session.  -1 for a
 * screen the snapshot decides. */
int ui_debug_show(struct ui *u, enum ui_screen s);
/* Types digits into the code or PIN pad state, for screenshot tests. */
void ui_debug_digits(struct ui *u, const char *digits);
/* Sets the language and text size the current session shows. */
void ui_debug_language(struct ui *u, enum ui_lang lang, bool large);

#endif
