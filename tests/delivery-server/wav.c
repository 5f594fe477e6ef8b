// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wav: the WAVE writer (see wav.h).  Samples are turned into little-endian
 * bytes explicitly, in blocks, so the file is the same on any host.
 */
#include "wav.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK_FRAMES 16384

static void put_u16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
	put_u16(p, v & 0xffff);
	put_u16(p + 2, v >> 16);
}

void wav_header(uint8_t h[WAV_HEADER_LEN], uint32_t frames, unsigned channels, unsigned rate)
{
	uint32_t block = channels * 2, data = frames * block;

	memcpy(h, "RIFF", 4);
	put_u32(h + 4, 36 + data);
	memcpy(h + 8, "WAVEfmt ", 8);
	put_u32(h + 16, 16);          /* fmt chunk size */
	put_u16(h + 20, 1);           /* PCM */
	put_u16(h + 22, channels);
	put_u32(h + 24, rate);
	put_u32(h + 28, rate * block); /* bytes per second */
	put_u16(h + 32, block);
	put_u16(h + 34, 16);          /* bits per sample */
	memcpy(h + 36, "data", 4);
	put_u32(h + 40, data);
}

int wav_write(const char *path, const int16_t *samples, uint32_t frames, unsigned channels,
	      unsigned rate, struct err *e)
{
	static const size_t block_samples = (size_t)BLOCK_FRAMES * 2;
	uint8_t header[WAV_HEADER_LEN], *bytes;
	size_t total = (size_t)frames * channels, done = 0;
	bool ok;
	FILE *f;
	int rc = -1;

	if (channels < 1 || channels > 8 || (uint64_t)frames * channels * 2 > 0xffffffffu - 36)
		return err_fail(e, "%s: too long for a WAVE file", path);
	bytes = malloc(block_samples * 2);
	if (!bytes)
		return err_fail(e, "out of memory");
	f = fopen(path, "wbx");
	if (!f) {
		err_fail(e, "%s: %s", path, strerror(errno));
		goto out_free;
	}
	wav_header(header, frames, channels, rate);
	ok = fwrite(header, 1, sizeof(header), f) == sizeof(header);
	while (ok && done < total) {
		size_t n = total - done;

		if (n > block_samples)
			n = block_samples;
		for (size_t i = 0; i < n; i++)
			put_u16(bytes + 2 * i, (uint16_t)samples[done + i]);
		ok = fwrite(bytes, 2, n, f) == n;
		done += n;
	}
	if (fclose(f))
		ok = false;
	if (!ok) {
		err_fail(e, "%s: write: %s", path, strerror(errno));
		unlink(path);
		goto out_free;
	}
	rc = 0;
out_free:
	free(bytes);
	return rc;
}
