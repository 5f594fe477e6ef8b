/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * files: the few whole-file operations the delivery server needs — write a
 * buffer as a new file, copy or hard-link a file, make a folder, and remove
 * a folder tree.  Each call either completes or fails with a
 * message naming the path; a file that failed half-way is removed.
 *
 * New files are created with O_EXCL: nothing here ever overwrites a file,
 * so a mistake in a path cannot clobber an existing key or certificate.
 */
#ifndef TENPO_DS_FILES_H
#define TENPO_DS_FILES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* Creates path (which must not exist) with mode and writes len bytes. */
int files_write(const char *path, const void *data, size_t len, mode_t mode, struct err *e);

/* Copies src to the new file dst in large blocks. */
int files_copy(const char *src, const char *dst, mode_t mode, struct err *e);

/* Hard-links src as dst; copies when the file system cannot link. */
int files_link_or_copy(const char *src, const char *dst, mode_t mode, struct err *e);

/* Size of a regular file. */
int files_size(const char *path, uint64_t *size, struct err *e);

/* mkdir that succeeds when the folder already exists. */
int files_mkdir(const char *path, mode_t mode, struct err *e);

/* *empty = 1 when path does not exist or is an empty folder, else 0. */
int files_dir_is_empty(const char *path, int *empty, struct err *e);

/* rm -rf path (does not follow symbolic links).  A missing path is fine. */
int files_remove_tree(const char *path, struct err *e);

#endif
