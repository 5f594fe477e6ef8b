// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the watermark's WAV reader (wm_wav_parse, the path
 * wm_embed_wav_file and wm_detect_file take): any bytes may be refused, none
 * may crash or read out of bounds.  An accepted file must hold what
 * wm_wav.h promises (abort() otherwise), and every one of its samples is
 * read back, finite and in range.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wm/wm_wav.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wm_wav w;
	struct err e;
	size_t bytes;

	if (wm_wav_parse(data, size, &w, &e)) {
		if (strnlen(e.msg, sizeof(e.msg)) >= sizeof(e.msg) || strncmp(e.msg, "WAV: ", 5))
			abort();
		return 0;
	}
	if (w.channels < 1 || w.channels > WM_WAV_CHANNELS_MAX || w.rate < WM_WAV_RATE_MIN ||
	    w.rate > WM_WAV_RATE_MAX)
		abort();
	if (w.bytes_per_sample < 2 || w.bytes_per_sample > 4)
		abort();
	bytes = w.frames * w.channels * w.bytes_per_sample;
	if (w.data_offset > size || bytes > size - w.data_offset)
		abort();
	for (size_t i = 0; i < w.frames * w.channels; i++) {
		float s = wm_wav_sample(&w, data, i);

		if (!isfinite(s) || s < -8.0f || s > 8.0f)
			abort();
	}
	return 0;
}
