/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log: timestamped lines for the maintenance engineer.
 *
 * Lines go to stderr and, when log_open() named a file, are appended there
 * too (the staff menu's "recent log" reads that file).  One line per call,
 * written with a single write() so that threads do not interleave halves.
 * The level threshold comes from the config ("log_level = debug").
 */
#ifndef TENPO_LOG_H
#define TENPO_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Appends to path from now on (NULL: stderr only).  Returns 0 or -1. */
int log_open(const char *path, enum log_level threshold);
void log_close(void);

/* Silences stderr (files still get every line); used by the CLI when it
 * wants its own one-line error to be the only thing on stderr. */
void log_quiet_stderr(int quiet);

void log_msg(enum log_level level, const char *module, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_debug(mod, ...) log_msg(LOG_DEBUG, mod, __VA_ARGS__)
#define log_info(mod, ...) log_msg(LOG_INFO, mod, __VA_ARGS__)
#define log_warn(mod, ...) log_msg(LOG_WARN, mod, __VA_ARGS__)
#define log_error(mod, ...) log_msg(LOG_ERROR, mod, __VA_ARGS__)

#endif
