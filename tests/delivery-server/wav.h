/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wav: canonical RIFF WAVE files of 16-bit PCM — the 44-byte header (RIFF,
 * "fmt " with format 1, "data") followed by interleaved little-endian
 * samples.  Nothing else (no LIST/INFO chunk), so that every reader, the
 * kiosk's audio-CD writer and the watermark embedder included, can take the
 * PCM from offset 44.
 */
#ifndef TENPO_DS_WAV_H
#define TENPO_DS_WAV_H

#include <stdint.h>

#include "err.h"

#define WAV_HEADER_LEN 44

void wav_header(uint8_t out[WAV_HEADER_LEN], uint32_t frames, unsigned channels,
		unsigned rate);

/* Writes the new file path from frames × channels interleaved samples. */
int wav_write(const char *path, const int16_t *samples, uint32_t frames, unsigned channels,
	      unsigned rate, struct err *e);

#endif
