/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * prepare: makes a customer's own copy of a catalog file, the bytes that the
 * order's manifest hashes and the server sends.
 *
 * Audio tracks go through prepare_audio_track(), the one place where the
 * watermark will be embedded: the order's four IDs (user, shop, delivery
 * server, content server) are passed in already.  Every other file is the
 * master itself (a hard link, or a copy across file systems).
 *
 * dst must not exist; on failure nothing is left at dst.
 */
#ifndef TENPO_DS_PREPARE_H
#define TENPO_DS_PREPARE_H

#include "err.h"
#include "manifest.h"

int prepare_audio_track(const char *src, const char *dst, const struct manifest_ids *ids,
			struct err *e);

int prepare_plain_file(const char *src, const char *dst, struct err *e);

#endif
