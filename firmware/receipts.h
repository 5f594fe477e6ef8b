/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * receipts: every document printed today, kept as the exact ESC/POS bytes
 * sent to the printer, so that staff can reprint any of them and see a
 * preview made from those very bytes (escpos_render.h).
 *
 * Layout, under a folder the caller names (the core's output/receipts):
 *
 *   DIR/YYYY-MM-DD/<key>-<kind>.bin
 *
 * The day is Japan's (UTC+9, as printed on the receipt: receipt.h), from
 * the time_t given, never from TZ.  <key> is an order ID or another name of
 * [A-Za-z0-9_-] (1..RECEIPTS_KEY_MAX, as order_id_ok(): no '.', no '/');
 * <kind> is [a-z] (1..RECEIPTS_KIND_MAX): "receipt", "slip", "day", "test";
 * a file name is split at its last '-'.  Anything else is refused before a path is made, so a
 * hostile order ID cannot name a file outside DIR.  A document stored again
 * under the same key and kind replaces the old one (a reprint stores
 * nothing new).
 *
 * Writing is atomic: a temporary file in the day's folder, fsync, rename,
 * fsync of the folder; a power cut leaves the old file or the new one.
 * Files are at most RECEIPTS_FILE_MAX bytes (the printer's job cap).
 *
 * Pruning keeps the folders of today and of the keep_days - 1 days before
 * it and removes older ones (only names of the YYYY-MM-DD form: anything
 * else in DIR is left alone).
 *
 * Not thread-safe by itself: one caller (the core's event thread).
 */
#ifndef TENPO_RECEIPTS_H
#define TENPO_RECEIPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

#define RECEIPTS_KEY_MAX 64
#define RECEIPTS_KIND_MAX 12
#define RECEIPTS_FILE_MAX (1024 * 1024)
#define RECEIPTS_LIST_MAX 64

struct receipts_entry {
	char key[RECEIPTS_KEY_MAX + 1];
	char kind[RECEIPTS_KIND_MAX + 1];
	int64_t stored_at; /* the file's mtime */
	size_t size;
};

/* "2026-12-02" (11 bytes with the NUL): the JST day of t. */
void receipts_day(time_t t, char out[11]);

/* True when key and kind are names as above. */
bool receipts_name_ok(const char *key, const char *kind);

/* Stores len bytes (1..RECEIPTS_FILE_MAX) for the day of `when`; makes DIR
 * and the day's folder when missing. */
int receipts_store(const char *dir, time_t when, const char *key, const char *kind,
		   const uint8_t *bytes, size_t len, struct err *e);

/* The day of `when`'s documents, oldest first, at most cap (the newest
 * cap when there are more); *n 0 when the day has none.  Files whose
 * names are not of the form above are skipped. */
int receipts_list(const char *dir, time_t when, struct receipts_entry *out, size_t cap,
		  size_t *n, struct err *e);

/* One document of the day of `when`, into *bytes (malloc'd, the caller
 * frees), *len its size. */
int receipts_load(const char *dir, time_t when, const char *key, const char *kind,
		  uint8_t **bytes, size_t *len, struct err *e);

/* Removes the day folders before the keep_days (>= 1) days ending with now's
 * day; *removed (may be NULL) counts them. */
int receipts_prune(const char *dir, time_t now, unsigned keep_days, unsigned *removed,
		   struct err *e);

#endif
