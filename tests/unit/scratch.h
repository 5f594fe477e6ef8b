/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scratch: a unit test's own folder, made under $TMPDIR (else /tmp) as
 * tenpo-NAME-XXXXXX and removed with everything in it.  Header-only: each
 * test program is one .c.
 */
#ifndef TENPO_TEST_SCRATCH_H
#define TENPO_TEST_SCRATCH_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* Fills dir (n bytes) with a new folder's path; -1 when none was made. */
static inline int scratch_make(char *dir, size_t n, const char *name)
{
	const char *tmp = getenv("TMPDIR");

	if (snprintf(dir, n, "%s/tenpo-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", name) >= (int)n)
		return -1;
	return mkdtemp(dir) ? 0 : -1;
}

static inline int scratch_remove_entry(const char *p, const struct stat *sb, int flag,
				       struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* The folder and all below it (links are removed, not followed). */
static inline void scratch_remove(const char *dir)
{
	nftw(dir, scratch_remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

#endif
