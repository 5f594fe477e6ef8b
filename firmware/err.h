/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * err: how every Tenpo module reports failure.
 *
 * An action returns 0 on success and a negative value on failure; it then
 * leaves a one-line, human-readable reason in a `struct err` the caller owns.
 * The message is meant for a log line or a staff screen, so it names the
 * thing that failed and why ("manifest: file 3: name contains '/'"), never
 * a bare errno.  Predicates return bool and never touch an err.
 *
 * A NULL `struct err *` is allowed everywhere: the message is then dropped.
 */
#ifndef TENPO_ERR_H
#define TENPO_ERR_H

#include <stdarg.h>

#define ERR_MSG_MAX 512

struct err {
	char msg[ERR_MSG_MAX];
};

/* Sets the message (printf-style) and returns -1, so a caller can write
 * `return err_fail(e, "...")`. */
int err_fail(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Puts "prefix: " in front of the message already in e and returns -1.
 * Used when a lower layer failed and the caller adds what it was doing. */
int err_wrap(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Empties the message. */
void err_clear(struct err *e);

#endif
