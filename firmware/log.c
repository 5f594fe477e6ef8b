// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The log sink is process-wide by nature (one stderr, one log file); it is
 * the only mutable file-scope state in the library, guarded by a mutex.
 */
#include "log.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static struct {
	pthread_mutex_t lock;
	int fd;
	enum log_level threshold;
	int quiet;
} sink = { PTHREAD_MUTEX_INITIALIZER, -1, LOG_INFO, 0 };

static const char *const level_names[] = { "debug", "info", "warn", "error" };

int log_open(const char *path, enum log_level threshold)
{
	int fd = -1;

	if (path) {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd < 0)
			return -1;
	}
	pthread_mutex_lock(&sink.lock);
	if (sink.fd >= 0)
		close(sink.fd);
	sink.fd = fd;
	sink.threshold = threshold;
	pthread_mutex_unlock(&sink.lock);
	return 0;
}

void log_close(void)
{
	pthread_mutex_lock(&sink.lock);
	if (sink.fd >= 0)
		close(sink.fd);
	sink.fd = -1;
	pthread_mutex_unlock(&sink.lock);
}

void log_quiet_stderr(int quiet)
{
	pthread_mutex_lock(&sink.lock);
	sink.quiet = quiet;
	pthread_mutex_unlock(&sink.lock);
}

void log_msg(enum log_level level, const char *module, const char *fmt, ...)
{
	char line[1024];
	struct timeval tv;
	struct tm tm;
	size_t n;
	va_list ap;

	if (level < sink.threshold)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(line + n, sizeof(line) - n, ".%03ldZ %-5s %-8s ",
			      (long)(tv.tv_usec / 1000), level_names[level], module);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	n = strnlen(line, sizeof(line) - 2);
	line[n++] = '\n';

	pthread_mutex_lock(&sink.lock);
	if (!sink.quiet && write(STDERR_FILENO, line, n) < 0) {
		/* nowhere left to complain */
	}
	if (sink.fd >= 0 && write(sink.fd, line, n) < 0) {
		/* the file is best effort; stderr already has the line */
	}
	pthread_mutex_unlock(&sink.lock);
}
