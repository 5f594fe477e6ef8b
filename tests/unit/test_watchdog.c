// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * watchdog: the liveness rule, read off a notify socket of our own (what
 * systemd would receive), with the clock passed in — no systemd, no waits.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "watchdog.h"

struct fixture {
	char dir[64];
	char path[96];
	int fd;
};

/* A datagram socket standing in for systemd's, and the environment
 * systemd gives a Type=notify service with WatchdogSec=10. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/tenpo-wd-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/notify", f->dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
	f->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(f->fd >= 0);
	assert_int_equal(bind(f->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setenv("NOTIFY_SOCKET", f->path, 1);
	setenv("WATCHDOG_USEC", "10000000", 1);
	unsetenv("WATCHDOG_PID");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	close(f->fd);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	return 0;
}

/* The next datagram systemd would have read, or "" when none was sent. */
static const char *received(struct fixture *f)
{
	static char buf[256];
	ssize_t n = recv(f->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	if (n < 0) {
		assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
		n = 0;
	}
	buf[n] = '\0';
	return buf;
}

static struct watchdog *opened(void)
{
	struct watchdog *w = NULL;
	struct err e = { "" };

	assert_int_equal(watchdog_open(&w, &e), 0);
	assert_non_null(w);
	return w;
}

static void ready_once_at_first_frame(void **state)
{
	struct fixture *f = *state;
	struct watchdog *w = opened();

	assert_string_equal(received(f), "");
	watchdog_ui_alive(w, 1000);
	assert_non_null(strstr(received(f), "READY=1"));
	watchdog_ui_alive(w, 1500);
	assert_string_equal(received(f), "");
	watchdog_close(w);
}

static void both_alive_ping(void **state)
{
	struct fixture *f = *state;
	struct watchdog *w = opened();

	watchdog_ui_alive(w, 1000);
	(void)received(f); /* READY=1 */
	assert_true(watchdog_core_alive(w, 1200));
	assert_string_equal(received(f), "WATCHDOG=1");
	/* a busy event loop does not flood systemd: one ping a quarter period */
	assert_false(watchdog_core_alive(w, 1300));
	assert_string_equal(received(f), "");
	watchdog_ui_alive(w, 3600);
	assert_true(watchdog_core_alive(w, 3800));
	assert_string_equal(received(f), "WATCHDOG=1");
	watchdog_close(w);
}

static void ui_stuck_no_ping(void **state)
{
	struct fixture *f = *state;
	struct watchdog *w = opened();

	/* no frame yet: nothing to vouch for */
	assert_false(watchdog_core_alive(w, 500));
	assert_string_equal(received(f), "");
	watchdog_ui_alive(w, 1000);
	(void)received(f);
	assert_true(watchdog_core_alive(w, 2000));
	assert_string_equal(received(f), "WATCHDOG=1");
	/* the UI's last turn was 1000; half the 10 s period later it counts as hung */
	assert_true(watchdog_core_alive(w, 6000));
	assert_string_equal(received(f), "WATCHDOG=1");
	for (int64_t t = 6001; t < 30000; t += 700) {
		assert_false(watchdog_core_alive(w, t));
		assert_string_equal(received(f), "");
	}
	/* it turns again: the pings come back */
	watchdog_ui_alive(w, 30000);
	assert_true(watchdog_core_alive(w, 30100));
	assert_string_equal(received(f), "WATCHDOG=1");
	watchdog_close(w);
}

static void outside_systemd_nothing(void **state)
{
	struct fixture *f = *state;
	struct watchdog *w;

	unsetenv("WATCHDOG_USEC");
	w = opened();
	watchdog_ui_alive(w, 1000);
	(void)received(f); /* READY=1 still goes where NOTIFY_SOCKET says */
	assert_false(watchdog_core_alive(w, 1100));
	assert_string_equal(received(f), "");
	watchdog_close(w);
	unsetenv("NOTIFY_SOCKET");
	w = opened();
	watchdog_ui_alive(w, 1000);
	assert_false(watchdog_core_alive(w, 1100));
	watchdog_close(w);
	watchdog_close(NULL);
	watchdog_ui_alive(NULL, 1);
	assert_false(watchdog_core_alive(NULL, 1));
}

static void bad_watchdog_usec_refused(void **state)
{
	struct watchdog *w = (struct watchdog *)1;
	struct err e = { "" };

	(void)state;
	setenv("WATCHDOG_USEC", "ten seconds", 1);
	assert_int_equal(watchdog_open(&w, &e), -1);
	assert_null(w);
	assert_non_null(strstr(e.msg, "WATCHDOG_USEC"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ready_once_at_first_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(both_alive_ping, setup, teardown),
		cmocka_unit_test_setup_teardown(ui_stuck_no_ping, setup, teardown),
		cmocka_unit_test_setup_teardown(outside_systemd_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_watchdog_usec_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
