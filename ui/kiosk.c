// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kiosk: board + core + UI (see kiosk.h).
 */
#include "kiosk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board.h"
#include "core.h"
#include "log.h"
#include "ui.h"
#include "ui_script.h"
#include "watchdog.h"

struct kiosk {
	struct core *core;
	struct ui_script *script;
	struct watchdog *watchdog;
	const char *shots_dir;
	enum ui_screen shown;
	bool have_shown;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void wake(void *arg)
{
	ui_wake(arg);
}

static void snapshot(void *arg, struct core_snapshot *out)
{
	struct kiosk *k = arg;

	core_snapshot(k->core, out);
}

static bool send_intent(void *arg, const struct core_intent *in)
{
	struct kiosk *k = arg;

	if (core_send(k->core, in))
		return true;
	log_warn("kiosk", "intent queue full; a touch was dropped");
	return false;
}

/* After every frame: note screen changes in the log (staff read it; tests
 * too), then one step of the script, if there is one. */
static int tick(void *arg, struct ui *u, int *wake_ms, struct err *e)
{
	struct kiosk *k = arg;
	enum ui_screen now = ui_current_screen(u);

	watchdog_ui_alive(k->watchdog, watchdog_now_ms()); /* READY=1 at the first */
	if (!k->have_shown || now != k->shown) {
		log_info("kiosk", "screen %s", ui_screen_name(now));
		k->shown = now;
		k->have_shown = true;
	}
	if (!k->script)
		return 0;
	return ui_script_step(k->script, u, k->shots_dir, mono_ms(), wake_ms, e);
}

/* The board's display, unless the machine has no desktop for a window. */
static const char *pick_display(const struct board *b, const char *wanted)
{
	const char *d = wanted ? wanted : b->display;

	if ((!strcmp(d, "x11") && !getenv("DISPLAY")) ||
	    (!strcmp(d, "wayland") && !getenv("WAYLAND_DISPLAY"))) {
		log_info("kiosk", "no %s display here: using SDL's offscreen driver", d);
		fprintf(stderr, "tenpo: no %s display here; running on the offscreen driver\n", d);
		return "offscreen";
	}
	return d;
}

int kiosk_run(const struct config *config, const struct kiosk_opts *o, struct err *e)
{
	struct config *cfg = malloc(sizeof(*cfg));
	struct kiosk k = { 0 };
	struct board b;
	struct ui *u = NULL;
	struct ui_options uo = { 0 };
	struct ui_loop loop = { snapshot, send_intent, &k, o->stop, tick };
	int rc = -1;

	if (!cfg)
		return err_fail(e, "out of memory");
	*cfg = *config;
	if (board_load(&b, o->board_dir, cfg->board[0] ? cfg->board : "desktop", e))
		goto out;
	/* the config's drive wins; a board's relative pseudo-drive lives in
	 * the output folder */
	if (!cfg->drive[0]) {
		int n = snprintf(cfg->drive, sizeof(cfg->drive), "%s", b.drive);

		if (n < 0 || (size_t)n >= sizeof(cfg->drive) ||
		    burner_address_resolve(cfg->drive, sizeof(cfg->drive), cfg->output)) {
			err_fail(e, "board %s: drive path too long", b.name);
			goto out;
		}
	}
	/* usb = auto: on when the board has a scanner or a printer to find */
	if (cfg->usb == CONFIG_USB_AUTO)
		cfg->usb = (b.scanner[0] && strcmp(b.scanner, "none")) ||
					   (b.printer[0] && strcmp(b.printer, "none"))
				   ? CONFIG_USB_ON
				   : CONFIG_USB_OFF;
	if (o->script && ui_script_load(&k.script, o->script, e))
		goto out;
	k.shots_dir = o->shots_dir ? o->shots_dir : cfg->output;

	uo.driver = pick_display(&b, o->display);
	uo.width = (int)b.width;
	uo.height = (int)b.height;
	uo.language = UI_LANG_JA;
	uo.show_cursor = !strcmp(b.touch, "mouse");
	uo.idle_timeout_s = cfg->inactivity_s;
	log_info("kiosk", "board %s: %s %ux%u, drive %s", b.name, uo.driver, b.width, b.height,
		 cfg->drive[0] ? cfg->drive : "(none)");
	if (ui_open(&u, &uo, e))
		goto out;
	if (watchdog_open(&k.watchdog, e) || core_start(&k.core, cfg, wake, u, e))
		goto out;
	core_watch(k.core, k.watchdog);
	rc = ui_run(u, &loop, e);
	if (!rc && k.script)
		log_info("kiosk", "script done");
out:
	core_stop(k.core); /* before ui_close: no ui_wake() after this */
	ui_close(u);
	ui_script_free(k.script);
	watchdog_close(k.watchdog);
	free(cfg);
	return rc;
}
