/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wm_file: what the codec's file helpers share inside firmware/wm/ (the
 * public file calls are in watermark.h): detection (wm_file.c) and the
 * embedder (wm_embed.c) both read a WAV file whole.
 */
#ifndef TENPO_WM_FILE_H
#define TENPO_WM_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* WAV files are read whole, and marked in place: at most this many bytes. */
#define WM_FILE_MAX_BYTES ((size_t)2 << 30)

/* Reads the regular file at path whole into *out (malloc'd, the caller
 * frees it; NULL on failure), its length in *len. */
int wm_file_read_all(const char *path, uint8_t **out, size_t *len, struct err *e);

#endif
