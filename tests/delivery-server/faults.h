/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * faults: deliberate misbehaviour an order can be placed with
 * (`tenpo-delivery order ... --fault bad-hash,stall`), so that the kiosk's
 * handling of a hostile or broken server can be tested end to end.
 *
 * A fault is a bit in a mask.  The mask is fixed when the order is placed and
 * stored with it (orders.faults, as the comma-separated names).  Faults that
 * shape the manifest or the prepared files act once, in checkout.c; faults
 * that act while serving act in api.c, and those that act only "the first N
 * times" count their firings in the fault_hits table, so they survive a
 * server restart and are shared by every connection.  What each fault does
 * is written next to its name in faults.c.
 */
#ifndef TENPO_DS_FAULTS_H
#define TENPO_DS_FAULTS_H

#include <stddef.h>

#include "err.h"

enum fault {
	FAULT_BAD_SIGNATURE = 1u << 0,
	FAULT_BAD_HASH = 1u << 1,
	FAULT_FLAKY_HASH = 1u << 2,
	FAULT_TRUNCATE = 1u << 3,
	FAULT_STALL = 1u << 4,
	FAULT_EVIL_PATH = 1u << 5,
	FAULT_ABS_PATH = 1u << 6,
	FAULT_CTRL_NAME = 1u << 7,
	FAULT_OVERSIZE = 1u << 8,
	FAULT_BAD_JSON = 1u << 9,
	FAULT_HUGE_JSON = 1u << 10,
	FAULT_HUGE_LIST = 1u << 11,
	FAULT_SLOW_REPORT = 1u << 12,
	FAULT_UNMARKED = 1u << 13,
	FAULT_OTHER_USER = 1u << 14,
	FAULT_NO_RANGE = 1u << 15,
	FAULT_NO_LOCATOR = 1u << 16,
	FAULT_LATE_ACK = 1u << 17,
};

/* How many times the counted faults fire before the order behaves. */
#define FAULT_FLAKY_HASH_TIMES 2
#define FAULT_TRUNCATE_TIMES 2
#define FAULT_STALL_TIMES 1
#define FAULT_SLOW_REPORT_TIMES 2
#define FAULT_STALL_SECONDS 60
#define FAULT_LATE_ACK_TIMES 1
#define FAULT_LATE_ACK_SECONDS 8

/* Long enough for every name, comma-separated. */
#define FAULTS_TEXT_MAX 256

/* "bad-hash,stall" → mask.  "" is no fault.  Unknown names are errors. */
int faults_parse(const char *list, unsigned *mask, struct err *e);

/* mask → canonical "bad-hash,stall" ("" for none). */
void faults_format(unsigned mask, char *out, size_t size);

/* The name of one fault bit ("?" for anything else). */
const char *fault_name(enum fault f);

#endif
