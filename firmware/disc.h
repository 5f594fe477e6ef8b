/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * disc: reading back what is on a written data disc — its stamp file —
 * through libisofs, from a pseudo-drive's image file or a real drive's
 * block device (a data CD or DVD reads as 2048-byte blocks).
 */
#ifndef TENPO_DISC_H
#define TENPO_DISC_H

#include <stddef.h>

#include "err.h"

/* "stdio:PATH" or a device path.  *text (malloc'ed, NUL-terminated) is the
 * content of the file called `name` in the disc's root, at most cap bytes.
 * Needs author_init() (libisofs) first. */
int disc_read_file(const char *address, const char *name, size_t cap, char **text,
		   size_t *len, struct err *e);

#endif
