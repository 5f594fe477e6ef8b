// SPDX-License-Identifier: GPL-2.0-or-later
#include "instance.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

struct instance_lock {
	int fd;
};

/* "tenpo sync (pid 123, since 2026-12-01 22:55:01 UTC)" from the holder's
 * text; "another tenpo" when it cannot be read (it is still being written). */
static void describe_holder(int fd, char *out, size_t cap)
{
	char buf[160], command[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long long pid, started;
	time_t t;
	struct tm tm;
	char when[32];

	snprintf(out, cap, "another tenpo");
	if (n <= 0)
		return;
	buf[n] = '\0';
	if (sscanf(buf, "pid %lld command %31s started %lld", &pid, command, &started) != 3)
		return;
	t = (time_t)started;
	if (!gmtime_r(&t, &tm) || !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(when, sizeof(when), "%lld", started);
	snprintf(out, cap, "tenpo %s (pid %lld, since %s)", command, pid, when);
}

int instance_lock_take(struct instance_lock **out, const char *database, const char *command,
		       struct err *e)
{
	char path[4096], text[160], holder[160];
	struct instance_lock *l;
	int fd, len;

	*out = NULL;
	if (snprintf(path, sizeof(path), "%s.lock", database) >= (int)sizeof(path))
		return err_fail(e, "lock: %s: path too long", database);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return err_fail(e, "lock: %s: %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int err = errno;

		if (err == EWOULDBLOCK) {
			describe_holder(fd, holder, sizeof(holder));
			close(fd);
			return err_fail(e, "database %s is in use by %s; try again when it has finished",
					database, holder);
		}
		close(fd);
		return err_fail(e, "lock: %s: %s", path, strerror(err));
	}
	len = snprintf(text, sizeof(text), "pid %lld command %.31s started %lld\n",
		       (long long)getpid(), command, (long long)time(NULL));
	if (ftruncate(fd, 0) || pwrite(fd, text, (size_t)len, 0) != len) {
		err_fail(e, "lock: %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	l = malloc(sizeof(*l));
	if (!l) {
		close(fd);
		return err_fail(e, "out of memory");
	}
	l->fd = fd;
	*out = l;
	return 0;
}

void instance_lock_release(struct instance_lock *l)
{
	if (!l)
		return;
	close(l->fd);
	free(l);
}
