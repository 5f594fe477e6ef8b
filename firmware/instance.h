/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * instance: one process at a time modifies a kiosk's database.
 *
 * The kiosk (`tenpo run`) and the staff command line (`tenpo sync`, `write`,
 * `pickup`, ...) would otherwise work on one database side by side: a
 * `tenpo write` would "recover" the order the kiosk is writing and count
 * its blank as ruined, two syncs would append to one .part file.  Every
 * command that modifies takes the lock first; a second one is refused with
 * who holds it.  Read-only commands (`orders`, `show`) take no lock.
 *
 * The lock is flock(2) on DATABASE.lock, beside the database: the kernel
 * drops it when the holder exits or is killed, so a crash never leaves a
 * stale lock to clean up.  The file's text ("pid 123 command sync started
 * 1767225600") is only what the refusal tells staff; the flock is the lock.
 * The file is never unlinked (unlinking a lock file races with its next
 * taker).
 *
 * Ownership: instance_lock_take() gives the caller a handle that holds the
 * lock until instance_lock_release() (NULL is fine), or until the process
 * ends.  The handle is used by one thread.
 */
#ifndef TENPO_INSTANCE_H
#define TENPO_INSTANCE_H

#include "err.h"

struct instance_lock;

/* Takes the lock for `database` on behalf of `command` ("run", "sync"...),
 * without waiting.  Held elsewhere: -1 and "database X is in use by tenpo
 * sync (pid 123, since 2026-12-01 22:55:01 UTC); try again when it has
 * finished". */
int instance_lock_take(struct instance_lock **out, const char *database, const char *command,
		       struct err *e);

void instance_lock_release(struct instance_lock *l);

#endif
