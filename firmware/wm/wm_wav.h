/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wm_wav: a strict reader of RIFF WAVE bytes in memory, and the canonical
 * 44-byte header the delivery server writes.  The watermark's file helpers
 * use it; it does no I/O, so the fuzzer drives it directly.
 *
 * Accepted: "RIFF" .... "WAVE", chunks in any order with their pad bytes,
 * exactly one "fmt " (format 1 = PCM 16/24/32-bit, 3 = float 32-bit, or
 * 0xFFFE extensible with one of those as subformat) before the "data"
 * chunk; unknown chunks skipped.  Refused, each with its own message: a
 * truncated header or chunk, a data chunk longer than the bytes present, a
 * sample rate outside WM_WAV_RATE_MIN..MAX, a channel count outside
 * 1..WM_WAV_CHANNELS_MAX, block_align or byte_rate inconsistent with the
 * rest, other sample formats, no data chunk.
 */
#ifndef TENPO_WM_WAV_H
#define TENPO_WM_WAV_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define WM_WAV_HEADER_LEN 44
#define WM_WAV_RATE_MIN 8000
#define WM_WAV_RATE_MAX 384000
#define WM_WAV_CHANNELS_MAX 8

enum wm_wav_format { WM_WAV_S16, WM_WAV_S24, WM_WAV_S32, WM_WAV_F32 };

struct wm_wav {
	enum wm_wav_format format;
	unsigned channels, rate, bytes_per_sample;
	size_t frames;
	size_t data_offset;  /* of the first sample in the buffer parsed */
};

/* Parses buf[len]; the samples stay in buf. */
int wm_wav_parse(const uint8_t *buf, size_t len, struct wm_wav *w, struct err *e);

/* Sample i (interleaved index) of a parsed buffer, as float in [-1, 1). */
float wm_wav_sample(const struct wm_wav *w, const uint8_t *buf, size_t i);

/* The canonical header: RIFF, "fmt " (PCM 16-bit), "data". */
void wm_wav_header(uint8_t out[WM_WAV_HEADER_LEN], uint32_t frames, unsigned channels,
		   unsigned rate);

#endif
