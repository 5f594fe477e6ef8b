// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wm_file: the watermark's file helpers for detection (declared in
 * watermark.h); marking a file is wm_embed.c's.
 *
 * WAV goes through wm_wav's strict parser, so that a hostile header gets a
 * precise refusal and the fuzzer covers the path the delivery server and
 * the kiosk use.  Anything else (FLAC, Ogg Vorbis, MP3 via libmpg123,
 * ...) goes through libsndfile, which Debian 12 builds with all of those.
 *
 * Key files: the first line, at most WM_KEY_FILE_LINE_MAX bytes, wiped
 * from the stack once the key is made of it.
 *
 * Memory: a WAV file is read whole (the delivery server's tracks are CD
 * audio, about 10 MB a minute) and marked in place; at most
 * WM_FILE_MAX_BYTES.  For detection, a compressed file is decoded to a
 * mono float buffer of at most WM_DETECT_MAX_SECONDS.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sndfile.h>

#include "watermark.h"
#include "wm_file.h"
#include "wm_wav.h"

#define DECODE_CHUNK 4096

int wm_file_read_all(const char *path, uint8_t **out, size_t *len, struct err *e)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t done = 0;
	int fd;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_fail(e, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st)) {
		err_fail(e, "%s: %s", path, strerror(errno));
		goto out_close;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > WM_FILE_MAX_BYTES) {
		err_fail(e, "%s: not a regular file of at most %zu bytes", path,
			 WM_FILE_MAX_BYTES);
		goto out_close;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		err_fail(e, "%s: out of memory", path);
		goto out_close;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err_fail(e, "%s: %s", path, n ? strerror(errno) : "file shrank while read");
			goto out_free;
		}
		done += (size_t)n;
	}
	close(fd);
	*out = buf;
	*len = done;
	return 0;
out_free:
	free(buf);
out_close:
	close(fd);
	return -1;
}

static int detect_wav(const uint8_t *buf, size_t len, const char *path, const struct wm_key *k,
		      struct wm_result *r, struct err *e)
{
	struct wm_wav w;
	float *mono;
	size_t frames;
	int rc;

	if (wm_wav_parse(buf, len, &w, e))
		return err_wrap(e, "%s", path);
	frames = w.frames;
	if ((double)frames > WM_DETECT_MAX_SECONDS * w.rate)
		frames = (size_t)(WM_DETECT_MAX_SECONDS * w.rate);
	mono = malloc(sizeof(float) * (frames ? frames : 1));
	if (!mono)
		return err_fail(e, "%s: out of memory", path);
	for (size_t i = 0; i < frames; i++) {
		float s = 0.0f;

		for (unsigned c = 0; c < w.channels; c++)
			s += wm_wav_sample(&w, buf, i * w.channels + c);
		mono[i] = s / (float)w.channels;
	}
	rc = wm_detect(k, mono, frames, 1, w.rate, r, e);
	if (rc)
		err_wrap(e, "%s", path);
	free(mono);
	return rc;
}

static int detect_sndfile(const char *path, const struct wm_key *k, struct wm_result *r,
			  struct err *e)
{
	SF_INFO info = { 0 };
	SNDFILE *sf = sf_open(path, SFM_READ, &info);
	float *chunk = NULL, *mono = NULL;
	size_t cap, frames = 0;
	int rc = -1;

	if (!sf)
		return err_fail(e, "%s: cannot decode: %s", path, sf_strerror(NULL));
	if (info.channels < 1 || info.channels > WM_DETECT_CHANNELS_MAX ||
	    info.samplerate < WM_DETECT_RATE_MIN || info.samplerate > WM_DETECT_RATE_MAX) {
		err_fail(e, "%s: %d channels at %d Hz is out of range", path, info.channels,
			 info.samplerate);
		goto out_close;
	}
	cap = (size_t)(WM_DETECT_MAX_SECONDS * info.samplerate);
	chunk = malloc(sizeof(float) * DECODE_CHUNK * (size_t)info.channels);
	mono = malloc(sizeof(float) * cap);
	if (!chunk || !mono) {
		err_fail(e, "%s: out of memory", path);
		goto out_close;
	}
	while (frames < cap) {
		sf_count_t want = (sf_count_t)(cap - frames < DECODE_CHUNK ? cap - frames
									 : DECODE_CHUNK);
		sf_count_t got = sf_readf_float(sf, chunk, want);

		if (got <= 0)
			break;
		for (sf_count_t i = 0; i < got; i++) {
			float s = 0.0f;

			for (int c = 0; c < info.channels; c++)
				s += chunk[i * info.channels + c];
			mono[frames++] = s / (float)info.channels;
		}
	}
	if (sf_error(sf)) {
		err_fail(e, "%s: decoding failed: %s", path, sf_strerror(sf));
		goto out_close;
	}
	rc = wm_detect(k, mono, frames, 1, (unsigned)info.samplerate, r, e);
	if (rc)
		err_wrap(e, "%s", path);
out_close:
	free(chunk);
	free(mono);
	sf_close(sf);
	return rc;
}

int wm_detect_file(const char *path, const struct wm_key *k, struct wm_result *r,
		   struct err *e)
{
	uint8_t head[12];
	uint8_t *buf;
	size_t len;
	ssize_t n;
	int fd, rc;

	memset(r, 0, sizeof(*r));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_fail(e, "%s: %s", path, strerror(errno));
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n < 0)
		return err_fail(e, "%s: %s", path, strerror(errno));
	if (n < 12 || memcmp(head, "RIFF", 4) || memcmp(head + 8, "WAVE", 4))
		return detect_sndfile(path, k, r, e);
	if (wm_file_read_all(path, &buf, &len, e))
		return -1;
	rc = detect_wav(buf, len, path, k, r, e);
	free(buf);
	return rc;
}

int wm_file_seconds(const char *path, double *seconds, struct err *e)
{
	uint8_t head[12], *buf;
	struct wm_wav w;
	SF_INFO info = { 0 };
	SNDFILE *sf;
	size_t len;
	ssize_t n;
	int fd, rc;

	*seconds = 0.0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_fail(e, "%s: %s", path, strerror(errno));
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n < 0)
		return err_fail(e, "%s: %s", path, strerror(errno));
	if (n == 12 && !memcmp(head, "RIFF", 4) && !memcmp(head + 8, "WAVE", 4)) {
		if (wm_file_read_all(path, &buf, &len, e))
			return -1;
		rc = wm_wav_parse(buf, len, &w, e);
		free(buf);
		if (rc)
			return err_wrap(e, "%s", path);
		*seconds = (double)w.frames / w.rate;
		return 0;
	}
	sf = sf_open(path, SFM_READ, &info);
	if (!sf)
		return err_fail(e, "%s: cannot decode: %s", path, sf_strerror(NULL));
	sf_close(sf);
	if (info.samplerate <= 0 || info.frames < 0)
		return err_fail(e, "%s: no length in its header", path);
	*seconds = (double)info.frames / info.samplerate;
	return 0;
}

int wm_key_load_file(struct wm_key *k, const char *path, struct err *e)
{
	char line[WM_KEY_FILE_LINE_MAX + 2];
	size_t n;
	FILE *f;
	int rc;

	f = fopen(path, "re");
	if (!f)
		return err_fail(e, "%s: %s", path, strerror(errno));
	if (!fgets(line, sizeof(line), f)) {
		int bad = ferror(f);

		fclose(f);
		return err_fail(e, "%s: %s", path, bad ? strerror(errno) : "empty");
	}
	fclose(f);
	n = strcspn(line, "\r\n");
	if (n > WM_KEY_FILE_LINE_MAX) {
		explicit_bzero(line, sizeof(line));
		return err_fail(e, "%s: first line longer than %d bytes", path,
				WM_KEY_FILE_LINE_MAX);
	}
	line[n] = '\0';
	rc = wm_key_from_text(k, line, e);
	explicit_bzero(line, sizeof(line));
	return rc ? err_wrap(e, "%s", path) : 0;
}
