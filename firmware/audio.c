// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * audio: the decoder (audio.h), libsndfile behind a gate.
 *      audio_open: open(O_NOFOLLOW) ─▶ magic bytes (RIFF/RF64 WAVE, fLaC)
 *                  ─▶ sf_open_fd ─▶ checks (container, sample type, rate,
 *                  channels, length) ─▶ reader
 *      audio_read: sf_readf_int (every sample type arrives left-justified in
 *                  32 bits) ─▶ round to 16 bits ─▶ mono to stereo ─▶ LE bytes
 *    Reading everything as int keeps one conversion path for every depth: a
 *    16-bit sample comes back as s << 16 and rounds back to s exactly, an
 *    8-bit one as s << 24.  The descriptor is ours (sf_open_fd without
 *    close_desc), so it is closed once, on every path.
 *
 * The audio CD session made from what it reads is author_audio.c.
 */
#include "audio.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sndfile.h>

#define CHUNK_FRAMES 4096         /* decoder reads */



struct audio_reader {
	int fd;
	SNDFILE *sf;
	int channels;
	uint64_t frames;  /* declared */
	uint64_t done;    /* delivered */
	int32_t *buf;     /* CHUNK_FRAMES * channels */
};

enum container { C_NONE, C_WAV, C_FLAC };

static enum container sniff(const uint8_t *b, size_t n)
{
	if (n >= 12 && (!memcmp(b, "RIFF", 4) || !memcmp(b, "RF64", 4)) &&
	    !memcmp(b + 8, "WAVE", 4))
		return C_WAV;
	if (n >= 4 && !memcmp(b, "fLaC", 4))
		return C_FLAC;
	return C_NONE;
}

static int sample_bits(int subtype)
{
	switch (subtype) {
	case SF_FORMAT_PCM_S8:
	case SF_FORMAT_PCM_U8:
		return 8;
	case SF_FORMAT_PCM_16:
		return 16;
	case SF_FORMAT_PCM_24:
		return 24;
	case SF_FORMAT_PCM_32:
		return 32;
	default:
		return 0;
	}
}

static const char *subtype_name(int subtype)
{
	switch (subtype) {
	case SF_FORMAT_FLOAT:
		return "32-bit float";
	case SF_FORMAT_DOUBLE:
		return "64-bit float";
	case SF_FORMAT_ULAW:
		return "u-law";
	case SF_FORMAT_ALAW:
		return "A-law";
	case SF_FORMAT_IMA_ADPCM:
	case SF_FORMAT_MS_ADPCM:
		return "ADPCM";
	case SF_FORMAT_GSM610:
		return "GSM 6.10";
	default:
		return "compressed or unusual";
	}
}

/* The checks, in the order a customer would find the answer useful. */
static int check_format(enum container c, const SF_INFO *si, struct audio_info *info,
			struct err *e)
{
	int major = si->format & SF_FORMAT_TYPEMASK;
	int sub = si->format & SF_FORMAT_SUBMASK;
	const char *cname = c == C_FLAC ? "FLAC" : "WAV";

	if ((c == C_WAV && major != SF_FORMAT_WAV && major != SF_FORMAT_WAVEX &&
	     major != SF_FORMAT_RF64) ||
	    (c == C_FLAC && major != SF_FORMAT_FLAC))
		return err_fail(e, "not a WAV or FLAC file (format 0x%x)", (unsigned)major);
	info->bits = sample_bits(sub);
	if (!info->bits)
		return err_fail(e, "%s with %s samples; an audio CD needs integer PCM "
			       "(8, 16, 24 or 32 bits)", cname, subtype_name(sub));
	snprintf(info->format, sizeof(info->format), "%s PCM %d-bit", cname, info->bits);
	if (si->samplerate != AUDIO_RATE)
		return err_fail(e, "%d Hz; an audio CD needs %d Hz (%s)", si->samplerate,
				AUDIO_RATE, info->format);
	if (si->channels != 1 && si->channels != 2)
		return err_fail(e, "%d channels; an audio CD has 2 (mono is converted)",
				si->channels);
	if (si->frames <= 0)
		return err_fail(e, "no audio in the file (0 frames)");
	if ((uint64_t)si->frames > AUDIO_MAX_FRAMES)
		return err_fail(e, "%" PRIu64 " min long; an audio CD holds at most 80 min",
				(uint64_t)si->frames / AUDIO_RATE / 60);
	info->rate = si->samplerate;
	info->channels = si->channels;
	info->frames = (uint64_t)si->frames;
	return 0;
}

int audio_open(struct audio_reader **out, const char *path, struct audio_info *info,
	       struct err *e)
{
	struct audio_reader *r;
	SF_INFO si = { 0 };
	uint8_t magic[12];
	enum container c;
	ssize_t n;

	*out = NULL;
	memset(info, 0, sizeof(*info));
	r = calloc(1, sizeof(*r));
	if (!r)
		return err_fail(e, "out of memory");
	r->fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (r->fd < 0) {
		err_fail(e, "cannot open: %s", strerror(errno));
		goto out_free;
	}
	do
		n = pread(r->fd, magic, sizeof(magic), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		err_fail(e, "cannot read: %s", strerror(errno));
		goto out_close;
	}
	c = sniff(magic, (size_t)n);
	if (c == C_NONE) {
		err_fail(e, "not a WAV or FLAC file");
		goto out_close;
	}
	r->sf = sf_open_fd(r->fd, SFM_READ, &si, SF_FALSE);
	if (!r->sf) {
		err_fail(e, "unreadable %s file: %s", c == C_FLAC ? "FLAC" : "WAV",
			 sf_strerror(NULL));
		goto out_close;
	}
	if (check_format(c, &si, info, e))
		goto out_sf;
	r->channels = info->channels;
	r->frames = info->frames;
	r->buf = malloc(sizeof(*r->buf) * CHUNK_FRAMES * (size_t)r->channels);
	if (!r->buf) {
		err_fail(e, "out of memory");
		goto out_sf;
	}
	*out = r;
	return 0;

out_sf:
	sf_close(r->sf);
out_close:
	close(r->fd);
out_free:
	free(r);
	memset(info, 0, sizeof(*info));
	return -1;
}

/* Nearest 16-bit value of a left-justified 32-bit sample, half up, clamped.
 * The sum is made non-negative first so that the division is a floor. */
static int16_t to16(int32_t x)
{
	int64_t y = ((int64_t)x + 32768 + 2147483648LL) / 65536 - 32768;

	return (int16_t)(y > 32767 ? 32767 : y);
}

static void put16(uint8_t *p, int16_t v)
{
	uint16_t u = (uint16_t)v;

	p[0] = (uint8_t)(u & 0xff);
	p[1] = (uint8_t)(u >> 8);
}

long audio_read(struct audio_reader *r, uint8_t *out, size_t frames, struct err *e)
{
	size_t done = 0;

	while (done < frames && r->done < r->frames) {
		uint64_t left = r->frames - r->done;
		size_t want = frames - done;
		sf_count_t got;

		if (want > CHUNK_FRAMES)
			want = CHUNK_FRAMES;
		if (want > left)
			want = (size_t)left;
		got = sf_readf_int(r->sf, r->buf, (sf_count_t)want);
		if (got <= 0) {
			const char *why = sf_error(r->sf) ? sf_strerror(r->sf) : "";

			return err_fail(e, "file ends after %" PRIu64 " of %" PRIu64
					" frames%s%s", r->done, r->frames, *why ? ": " : "",
					why);
		}
		for (sf_count_t i = 0; i < got; i++) {
			uint8_t *p = out + (done + (size_t)i) * AUDIO_FRAME_BYTES;
			int16_t left_s = to16(r->buf[i * r->channels]);
			int16_t right_s = r->channels == 2 ? to16(r->buf[i * 2 + 1]) : left_s;

			put16(p, left_s);
			put16(p + 2, right_s);
		}
		done += (size_t)got;
		r->done += (uint64_t)got;
	}
	return (long)done;
}

void audio_close(struct audio_reader *r)
{
	if (!r)
		return;
	sf_close(r->sf);
	close(r->fd);
	free(r->buf);
	free(r);
}

int audio_probe(const char *path, struct audio_info *info, struct err *e)
{
	struct audio_reader *r;

	if (audio_open(&r, path, info, e))
		return -1;
	audio_close(r);
	return 0;
}
