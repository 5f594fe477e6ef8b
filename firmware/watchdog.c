// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * watchdog: READY=1 and the liveness rule for WATCHDOG=1 (see watchdog.h).
 * libsystemd's sd_notify() does the talking: one datagram to NOTIFY_SOCKET
 * per call, nothing when the variable is unset.
 */
#include "watchdog.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "log.h"

#define UI_GRACE_MIN_MS 2000 /* the UI sleeps up to 1 s between turns */

struct watchdog {
	bool enabled;              /* WATCHDOG_USEC set for this process */
	int64_t ui_grace_ms, ping_every_ms;
	_Atomic int64_t ui_last_ms; /* INT64_MIN: no UI turn yet */
	bool ready_sent;           /* UI thread only */
	bool pinged;               /* core thread only, with last_ping_ms */
	int64_t last_ping_ms;
	bool ui_was_late;          /* core thread only: log the change once */
};

int64_t watchdog_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int watchdog_open(struct watchdog **out, struct err *e)
{
	struct watchdog *w = calloc(1, sizeof(*w));
	uint64_t usec = 0;
	int r;

	*out = NULL;
	if (!w)
		return err_fail(e, "watchdog: out of memory");
	atomic_init(&w->ui_last_ms, INT64_MIN);
	r = sd_watchdog_enabled(0, &usec);
	if (r < 0) {
		free(w);
		return err_fail(e, "watchdog: WATCHDOG_USEC: %s", strerror(-r));
	}
	if (r > 0) {
		int64_t period_ms = (int64_t)(usec / 1000);

		w->enabled = true;
		w->ui_grace_ms = period_ms / 2 > UI_GRACE_MIN_MS ? period_ms / 2 : UI_GRACE_MIN_MS;
		w->ping_every_ms = period_ms / 4;
		log_info("watchdog", "systemd watchdog every %lld ms: the UI may be silent %lld ms",
			 (long long)period_ms, (long long)w->ui_grace_ms);
	}
	*out = w;
	return 0;
}

void watchdog_close(struct watchdog *w)
{
	free(w);
}

void watchdog_ui_alive(struct watchdog *w, int64_t now_ms)
{
	if (!w)
		return;
	atomic_store(&w->ui_last_ms, now_ms);
	if (!w->ready_sent) {
		w->ready_sent = true;
		/* < 0: a socket error; 0: not under systemd — both harmless */
		if (sd_notify(0, "READY=1\nSTATUS=first frame shown") < 0)
			log_warn("watchdog", "READY=1 could not be sent to systemd");
	}
}

bool watchdog_core_alive(struct watchdog *w, int64_t now_ms)
{
	int64_t ui = 0;

	if (!w || !w->enabled)
		return false;
	ui = atomic_load(&w->ui_last_ms);
	if (ui == INT64_MIN || now_ms - ui > w->ui_grace_ms) {
		if (!w->ui_was_late && ui != INT64_MIN)
			log_error("watchdog", "the UI has not turned for %lld ms: no more pings",
				  (long long)(now_ms - ui));
		w->ui_was_late = ui != INT64_MIN;
		return false;
	}
	if (w->ui_was_late)
		log_info("watchdog", "the UI turns again: pinging");
	w->ui_was_late = false;
	if (w->pinged && now_ms - w->last_ping_ms < w->ping_every_ms)
		return false;
	if (sd_notify(0, "WATCHDOG=1") <= 0)
		return false;
	w->pinged = true;
	w->last_ping_ms = now_ms;
	return true;
}
