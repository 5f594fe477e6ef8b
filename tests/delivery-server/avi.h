/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * avi: an uncompressed RIFF AVI of moving colour bars, for the sample
 * catalog's video item.
 *
 * One video stream of bottom-up 24-bit BGR frames (BI_RGB, fourcc "DIB "),
 * with everything a strict reader looks for: hdrl (avih, strl with strh and
 * strf), an INFO list with the title, movi with one "00db" chunk per frame,
 * and an idx1 index whose offsets count from the "movi" fourcc.  Frames:
 * seven 75 % colour bars scrolling left, a grey ramp, and a white square
 * bouncing along the bottom, so that consecutive frames differ.
 */
#ifndef TENPO_DS_AVI_H
#define TENPO_DS_AVI_H

#include "err.h"

struct avi_spec {
	unsigned width, height; /* even, up to 4096 */
	unsigned fps;           /* 1..120 */
	unsigned frames;        /* 1..10000 */
	const char *title;      /* stored as INFO/INAM */
};

/* Writes the new file path. */
int avi_write_colour_bars(const char *path, const struct avi_spec *s, struct err *e);

#endif
