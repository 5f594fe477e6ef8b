/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * audio: a customer's WAV or FLAC file, checked and read as CD-DA samples.
 *
 * An audio CD holds 44 100 Hz, 16-bit, 2-channel PCM, little-endian, left
 * sample first, 588 frames (2352 bytes) per sector.  This module opens one
 * file (libsndfile), decides whether it can become that, and reads it as that.
 *
 * What is accepted (anything else is refused, with a reason naming the
 * format, e.g. "48000 Hz; an audio CD needs 44100 Hz"):
 *   - containers: RIFF/RF64 WAVE and native FLAC.  The first bytes are
 *     checked before libsndfile sees the file, so its other parsers (AIFF,
 *     Ogg, MP3, ...) are never run on a customer's file;
 *   - 44 100 Hz only.  There is no resampler: a wrong rate is refused, since
 *     a resampler good enough for music is a project of its own;
 *   - 1 or 2 channels; mono is written to both channels;
 *   - integer PCM of 8, 16, 24 or 32 bits.  8 bits widen exactly; 24 and 32
 *     bits are rounded to the nearest 16-bit value (half up) and clamped, no
 *     dither (deterministic: the same file always gives the same sectors);
 *     float, ADPCM, u-law and the like are refused;
 *   - a length of 1 frame up to what an 80-minute CD holds, as declared by the
 *     header.  Reading checks the declaration: a file that ends early is an
 *     error (never padded silently).
 *
 * Files are opened O_RDONLY | O_NOFOLLOW | O_CLOEXEC; nothing is written.
 * An audio_reader is used by one thread at a time; there is no global state.
 */
#ifndef TENPO_AUDIO_H
#define TENPO_AUDIO_H

#include <stddef.h>
#include <stdint.h>

#include "burner.h"
#include "err.h"

#define AUDIO_RATE 44100
#define AUDIO_FRAME_BYTES 4         /* 16-bit stereo */
#define AUDIO_SECTOR_FRAMES BURNER_AUDIO_SECTOR_FRAMES /* burner owns the geometry */
#define AUDIO_SECTOR_BYTES BURNER_AUDIO_SECTOR_BYTES
/* What an 80-minute CD holds in frames; longer files are refused early. */
#define AUDIO_MAX_FRAMES ((uint64_t)BURNER_CD_SECTORS * AUDIO_SECTOR_FRAMES)

struct audio_info {
	uint64_t frames;      /* declared length, in frames (samples per channel) */
	int rate;             /* always AUDIO_RATE once audio_open() succeeded */
	int channels;         /* 1 or 2 */
	int bits;             /* 8, 16, 24 or 32 */
	char format[32];      /* "WAV PCM 16-bit", "FLAC 24-bit", ... for messages */
};

struct audio_reader;

/* Opens and checks path.  On success *out reads info->frames frames.  On
 * failure the message says what is wrong with the file, without its name
 * (the caller knows which track it is and adds that). */
int audio_open(struct audio_reader **out, const char *path, struct audio_info *info,
	       struct err *e);

/* Reads up to `frames` frames as CD-DA bytes (4 per frame, little-endian
 * L/R int16) into out.  Returns the number of frames read, 0 once all the
 * declared frames were delivered, -1 on error (including a file shorter
 * than its header said). */
long audio_read(struct audio_reader *r, uint8_t *out, size_t frames, struct err *e);

/* NULL is allowed. */
void audio_close(struct audio_reader *r);

/* Open, check, close: info filled, nothing decoded. */
int audio_probe(const char *path, struct audio_info *info, struct err *e);

#endif
