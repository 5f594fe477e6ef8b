// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for audio_open()/audio_read(): the gate every customer's
 * WAV or FLAC file goes through before an audio CD is laid out.  The input
 * is written to a temporary file (libsndfile reads files) and opened,
 * checked and decoded as author does.  Any input may be refused, but none
 * may crash, hang, or be accepted outside what audio.h promises (abort()
 * otherwise).  Decoding stops after 10 s of audio per input: FLAC packs
 * hours of silence into a few bytes.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define READ_FRAMES 4096
#define MAX_DECODE (10 * AUDIO_RATE)

/* One temporary file per fuzzing process, rewritten for every input. */
static char tmp_path[64];

static void remove_tmp(void)
{
	if (tmp_path[0])
		unlink(tmp_path);
}

static int write_input(const uint8_t *data, size_t size)
{
	int fd;

	if (!tmp_path[0]) {
		snprintf(tmp_path, sizeof(tmp_path), "/tmp/fuzz_wav-XXXXXX");
		fd = mkstemp(tmp_path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(remove_tmp);
	}
	fd = open(tmp_path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		abort();
	for (size_t done = 0; done < size;) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	close(fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[READ_FRAMES * AUDIO_FRAME_BYTES];
	struct audio_reader *r;
	struct audio_info info;
	struct err e;
	uint64_t total = 0;

	write_input(data, size);
	if (audio_open(&r, tmp_path, &info, &e)) {
		if (strnlen(e.msg, sizeof(e.msg)) == sizeof(e.msg) || !e.msg[0])
			abort();
		return 0;
	}
	if (info.rate != AUDIO_RATE || (info.channels != 1 && info.channels != 2) ||
	    (info.bits != 8 && info.bits != 16 && info.bits != 24 && info.bits != 32) ||
	    !info.frames || info.frames > AUDIO_MAX_FRAMES ||
	    strnlen(info.format, sizeof(info.format)) == sizeof(info.format))
		abort();
	while (total < MAX_DECODE) {
		long n = audio_read(r, buf, READ_FRAMES, &e);

		if (n < 0) {
			if (!e.msg[0])
				abort();
			break;
		}
		if (n == 0)
			break;
		if (n > READ_FRAMES)
			abort();
		total += (uint64_t)n;
		if (total > info.frames)
			abort();
	}
	audio_close(r);
	return 0;
}
