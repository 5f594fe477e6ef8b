// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wm_wav: RIFF WAVE parsing and the canonical header (see wm_wav.h).
 *
 * Every length is checked against what is left of the buffer before it is
 * used, in size_t arithmetic that cannot wrap (a chunk size is at most
 * 2^32 - 1 and is compared with the remaining length, never added to an
 * offset first).  The parser never allocates.
 */
#include "wm_wav.h"

#include <string.h>

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static int parse_fmt(const uint8_t *p, uint32_t size, struct wm_wav *w, struct err *e)
{
	unsigned tag, bits, align;
	uint32_t rate, byte_rate;

	if (size < 16)
		return err_fail(e, "WAV: fmt chunk of %u bytes (at least 16)", (unsigned)size);
	tag = le16(p);
	w->channels = le16(p + 2);
	rate = le32(p + 4);
	byte_rate = le32(p + 8);
	align = le16(p + 12);
	bits = le16(p + 14);
	if (tag == 0xFFFE) {
		if (size < 40)
			return err_fail(e, "WAV: extensible fmt chunk of %u bytes (at least 40)",
					(unsigned)size);
		tag = le16(p + 24);
	}
	if (w->channels < 1 || w->channels > WM_WAV_CHANNELS_MAX)
		return err_fail(e, "WAV: %u channels (1..%u supported)", w->channels,
				WM_WAV_CHANNELS_MAX);
	if (rate < WM_WAV_RATE_MIN || rate > WM_WAV_RATE_MAX)
		return err_fail(e, "WAV: sample rate %lu Hz (%u..%u supported)",
				(unsigned long)rate, WM_WAV_RATE_MIN, WM_WAV_RATE_MAX);
	w->rate = rate;
	if (tag == 1 && bits == 16)
		w->format = WM_WAV_S16;
	else if (tag == 1 && bits == 24)
		w->format = WM_WAV_S24;
	else if (tag == 1 && bits == 32)
		w->format = WM_WAV_S32;
	else if (tag == 3 && bits == 32)
		w->format = WM_WAV_F32;
	else
		return err_fail(e, "WAV: sample format %u with %u bits is not supported "
				"(PCM 16/24/32-bit, float 32-bit)", tag, bits);
	w->bytes_per_sample = bits / 8;
	if (align != w->channels * w->bytes_per_sample)
		return err_fail(e, "WAV: block_align %u does not match %u channels of %u bits",
				align, w->channels, bits);
	if (byte_rate != (uint64_t)rate * align)
		return err_fail(e, "WAV: byte_rate %lu does not match %lu Hz x %u bytes",
				(unsigned long)byte_rate, (unsigned long)rate, align);
	return 0;
}

int wm_wav_parse(const uint8_t *buf, size_t len, struct wm_wav *w, struct err *e)
{
	size_t at = 12;
	int have_fmt = 0;

	memset(w, 0, sizeof(*w));
	if (len < 12 || memcmp(buf, "RIFF", 4) || memcmp(buf + 8, "WAVE", 4))
		return err_fail(e, "WAV: not a RIFF WAVE file");
	for (;;) {
		uint32_t size;
		const uint8_t *id;

		if (len - at < 8)
			return err_fail(e, "WAV: truncated: no data chunk in %zu bytes", len);
		id = buf + at;
		size = le32(buf + at + 4);
		at += 8;
		if (!memcmp(id, "fmt ", 4)) {
			if (have_fmt)
				return err_fail(e, "WAV: two fmt chunks");
			if (size > len - at)
				return err_fail(e, "WAV: truncated fmt chunk");
			if (parse_fmt(buf + at, size, w, e))
				return -1;
			have_fmt = 1;
		} else if (!memcmp(id, "data", 4)) {
			size_t frame = (size_t)w->channels * w->bytes_per_sample;

			if (!have_fmt)
				return err_fail(e, "WAV: data chunk before fmt chunk");
			if (size > len - at)
				return err_fail(e, "WAV: truncated: data chunk says %lu bytes, %zu present",
						(unsigned long)size, len - at);
			w->data_offset = at;
			w->frames = size / frame;
			return 0;
		} else if (size > len - at) {
			return err_fail(e, "WAV: truncated %.4s chunk", (const char *)id);
		}
		at += size;
		if (size & 1u) {
			if (at == len)
				return err_fail(e, "WAV: truncated: no data chunk in %zu bytes", len);
			at++;
		}
	}
}

float wm_wav_sample(const struct wm_wav *w, const uint8_t *buf, size_t i)
{
	const uint8_t *p = buf + w->data_offset + i * w->bytes_per_sample;
	uint32_t u;
	float f;

	switch (w->format) {
	case WM_WAV_S16:
		return (float)(int16_t)le16(p) * (1.0f / 32768.0f);
	case WM_WAV_S24:
		u = (uint32_t)p[0] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 24;
		return (float)(int32_t)u * (1.0f / 2147483648.0f);
	case WM_WAV_S32:
		return (float)(int32_t)le32(p) * (1.0f / 2147483648.0f);
	case WM_WAV_F32:
		u = le32(p);
		memcpy(&f, &u, sizeof(f));
		/* NaN and infinities are not audio */
		return f == f && f < 8.0f && f > -8.0f ? f : 0.0f;
	}
	return 0.0f;
}

void wm_wav_header(uint8_t out[WM_WAV_HEADER_LEN], uint32_t frames, unsigned channels,
		   unsigned rate)
{
	uint32_t data = frames * channels * 2;

	memcpy(out, "RIFF", 4);
	put32(out + 4, 36 + data);
	memcpy(out + 8, "WAVEfmt ", 8);
	put32(out + 16, 16);
	put16(out + 20, 1);
	put16(out + 22, (uint16_t)channels);
	put32(out + 24, rate);
	put32(out + 28, rate * channels * 2);
	put16(out + 32, (uint16_t)(channels * 2));
	put16(out + 34, 16);
	memcpy(out + 36, "data", 4);
	put32(out + 40, data);
}
