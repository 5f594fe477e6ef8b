/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * watchdog: the kiosk's word to systemd (sd_notify, libsystemd) — READY=1
 * once, and WATCHDOG=1 only while both the UI and the core are alive.
 *
 * tenpo.service is Type=notify with WatchdogSec: systemd kills and
 * restarts the kiosk when the pings stop.  The rule that decides a ping:
 *
 *   UI thread    watchdog_ui_alive() after every turn of its loop (which
 *                wakes at least once a second, drawing or not); the first
 *                call sends READY=1 — the first frame is on the screen.
 *   event thread watchdog_core_alive() on every turn of the core's event
 *                loop (also at least once a second); it pings only when
 *                the UI's last turn is at most ui_grace_ms old, and at most
 *                once every ping_every_ms.
 *
 * So a hung core sends nothing (it no longer calls), and a hung UI sends
 * nothing either (the core sees its turns stop): either way the pings stop
 * and systemd restarts the kiosk.  ui_grace_ms is half the watchdog period
 * (at least 2 s, since the UI may sleep 1 s); ping_every_ms a quarter of it.
 *
 * Outside systemd (no NOTIFY_SOCKET, no WATCHDOG_USEC: a developer's
 * desktop, the tests) watchdog_open() succeeds and the calls do nothing.
 * Times are CLOCK_MONOTONIC milliseconds passed in by the caller
 * (watchdog_now_ms()), so the rule is tested without waiting.
 *
 * Threads: watchdog_ui_alive() from one thread (the UI's),
 * watchdog_core_alive() from one other (the core's); the only shared field
 * is atomic.  The object lives from watchdog_open() to watchdog_close(),
 * which comes after both threads stopped calling.
 */
#ifndef TENPO_WATCHDOG_H
#define TENPO_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

struct watchdog;

/* Reads NOTIFY_SOCKET and WATCHDOG_USEC (and WATCHDOG_PID) as systemd set
 * them.  -1 with e set when WATCHDOG_USEC is malformed or out of memory. */
int watchdog_open(struct watchdog **out, struct err *e);
void watchdog_close(struct watchdog *w); /* NULL is fine */

/* The UI thread finished a turn of its loop at now_ms. */
void watchdog_ui_alive(struct watchdog *w, int64_t now_ms);

/* The core's event loop turned at now_ms: true when it sent WATCHDOG=1. */
bool watchdog_core_alive(struct watchdog *w, int64_t now_ms);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t watchdog_now_ms(void);

#endif
