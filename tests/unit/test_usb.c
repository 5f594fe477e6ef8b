// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * usb: the manager with the real libusb and no devices bound (this machine
 * has no scanner or printer; the QEMU guest's gadgets test the drivers).
 * Start and stop, hotplug and polling, an empty snapshot, and a print job
 * refused when there is no printer.  The table matches only an ID nobody
 * has, so that running this on a developer's machine as root never takes
 * their keyboard away from the kernel (the shipped table is test_usb_table's).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "usb.h"

struct seen {
	int events;
};

static void on_event(const struct usb_event *ev, void *user)
{
	struct seen *s = user;

	(void)ev;
	s->events++;
}

static struct usb_table table;

static int load_table(void **state)
{
	static const char text[] = "match vid=1209 pid=fffe driver=scanner-kbd name=\"nobody's\"\n"
				   "match vid=1209 pid=ffff class=07 driver=printer\n";
	struct err e;

	(void)state;
	if (usb_table_parse(&table, text, strlen(text), "test", &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	return 0;
}

static void start_stop(bool poll_only)
{
	struct usb_config cfg = { &table, on_event, NULL, 0, 0, poll_only };
	struct usb_peripherals snap;
	struct seen seen = { 0 };
	struct usb *u;
	struct err e;
	struct timespec t0, t1;

	cfg.user = &seen;
	if (usb_start(&u, &cfg, &e)) {
		/* no usbfs at all (some containers): say so rather than pass */
		fail_msg("%s", e.msg);
	}
	usleep(300 * 1000); /* two turns of the loop, a device-list read */
	usb_snapshot(u, &snap);
	assert_true(snap.running);
	if (poll_only)
		assert_false(snap.hotplug);
	/* whatever this machine has plugged in, the table takes none of it */
	assert_int_equal(snap.n, 0);
	assert_int_equal(usb_printer_submit(u, "x", 1, 7, &e), -1);
	assert_non_null(strstr(e.msg, "no printer"));
	assert_int_equal(usb_printer_submit(u, "", 0, 9, &e), -1);
	assert_int_equal(usb_printer_submit(u, "x", USB_JOB_MAX + 1, 9, &e), -1);
	/* stop wakes the thread at once, not after its timeout */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	usb_stop(u);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 1000);
	assert_int_equal(seen.events, 0);
}

static void hotplug_start_stop(void **state)
{
	(void)state;
	start_stop(false);
}

static void polling_start_stop(void **state)
{
	(void)state;
	start_stop(true);
}

static void repeated_start_stop(void **state)
{
	struct usb_config cfg = { &table, NULL, NULL, 0, 0, false };
	struct err e;

	(void)state;
	for (int i = 0; i < 5; i++) {
		struct usb *u;

		assert_int_equal(usb_start(&u, &cfg, &e), 0);
		usb_stop(u);
	}
	usb_stop(NULL);
}

static void null_manager(void **state)
{
	struct usb_peripherals snap;
	struct usb *u = (struct usb *)1;
	struct usb_config cfg = { NULL, NULL, NULL, 0, 0, false };
	struct err e;

	(void)state;
	memset(&snap, 0xff, sizeof(snap));
	usb_snapshot(NULL, &snap);
	assert_false(snap.running);
	assert_int_equal(snap.n, 0);
	assert_int_equal(usb_printer_submit(NULL, "x", 1, 1, &e), -1);
	assert_int_equal(usb_start(&u, &cfg, &e), -1);
	assert_null(u);
	assert_string_equal(usb_event_name(USB_EVENT_JOB_DONE), "job done");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hotplug_start_stop),
		cmocka_unit_test(polling_start_stop),
		cmocka_unit_test(repeated_start_stop),
		cmocka_unit_test(null_manager),
	};

	return cmocka_run_group_tests_name("usb", tests, load_table, NULL);
}
