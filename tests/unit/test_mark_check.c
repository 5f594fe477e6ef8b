// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mark_check: the kiosk's watermark policy (mark_check.h) on real files — a
 * marked album passes; a long track without a mark, a mark of other IDs,
 * two marks mixed, an unreadable file each fail the order with a reason
 * naming the track; short tracks are tolerated when they show nothing, but
 * not when they show someone else, and never make up the whole proof; and
 * at the spool level, no key or an unreadable key fails an order with
 * audio, never one without.
 *
 * The tracks are synthesised chords, a plucked melody and hi-hats, marked
 * with the codec itself; 21 s is just above MARK_CHECK_MIN_SECONDS, 15 s and
 * 8 s below it, 2 s below what the detector looks at.  The splice is 50 s:
 * the detector reads 30 s groups on their own to find two payloads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "spool.h"
#include "store.h"
#include "wm/watermark.h"
#include "mark_check.h"
#include "wm/wm_wav.h"

#define RATE 44100
#define KEY_HEX "7d1c0aa4e2b55f3e9a8c61d04b7f2e19c3a5d86f0e41b29a7c5d3e8f1a6b4c20"
#define LONG_S 21.0
#define SHORT_S 15.0
#define TINY_S 8.0
#define CRUMB_S 2.0
#define SPLICE_S 50.0 /* two halves, each long enough to be read alone */

static const struct manifest_ids ORDER = { .user = 456, .shop = 1001, .delivery_server = 7,
					   .content_server = 42 };
static const struct wm_payload THIS = { .content_server = 42, .delivery_server = 7,
					.user = 456, .shop = 1001 };
static const struct wm_payload OTHER = { .content_server = 42, .delivery_server = 7,
					 .user = 123, .shop = 1002 };

struct fixture {
	char dir[64];
	struct wm_key key;
	unsigned files;
};

/* --- tracks ---------------------------------------------------------------- */

/* A decaying sine added into out[0..n): phase by rotation, decay by a
 * product, so that a track is quick to make even under ASan. */
static void partial(float *out, size_t n, double hz, double phase, double amp, double decay_s)
{
	double w = 2 * M_PI * hz / RATE, c = cos(w), sn = sin(w);
	double x = cos(phase), y = sin(phase), d = exp(-1.0 / (decay_s * RATE));

	for (size_t i = 0; i < n; i++) {
		double t = x * c - y * sn;

		out[i] += (float)(amp * y);
		y = x * sn + y * c;
		x = t;
		amp *= d;
	}
}

/* Stereo 16-bit music of `seconds`: a chord on every beat (three voices of
 * six harmonics, the upper ones dying first), a plucked melody note of a
 * chord tone, and noise hi-hats; the chord changes every 8 beats. */
static int16_t *synth(double seconds, unsigned seed)
{
	static const int chords[4][3] = { { 0, 4, 7 }, { 5, 9, 12 }, { 7, 11, 14 }, { 9, 12, 16 } };
	size_t frames = (size_t)(seconds * RATE), beat = RATE / 2;
	float *mono = calloc(frames + beat, sizeof(float)), *lead = calloc(frames + beat, sizeof(float));
	int16_t *out = malloc(frames * 4);
	uint32_t x = 0x9e3779b9u * (seed + 1);
	double peak = 1e-9;

	assert_true(mono && lead && out);
	for (size_t at = 0; at < frames; at += beat) {
		const int *ch = chords[(at / beat / 8) % 4];

		for (int n = 0; n < 3; n++) {
			double hz = 220.0 * pow(2.0, (ch[n] + (int)(seed % 3)) / 12.0);

			for (int h = 1; h <= 6; h++)
				partial(mono + at, beat, hz * h, h + n, 1.0 / (h * h), 1.0 / (1.0 + h));
		}
		for (size_t i = 0; i < beat / 8; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			mono[at + i] += (float)(((x >> 8) / 8388608.0 - 1.0) * 0.3 * (1.0 - 8.0 * i / beat));
		}
		for (int h = 1; h <= 8; h++)
			partial(lead + at, beat, 440.0 * pow(2.0, ch[x % 3] / 12.0) * h, 0.0, 1.0 / h,
				1.0 / (4.0 * h));
	}
	for (size_t i = 0; i < frames; i++)
		peak = fmax(peak, fabs(0.6 * mono[i] + 0.3 * lead[i]) + fabs(0.4 * mono[i] + 0.5 * lead[i]));
	for (size_t i = 0; i < frames; i++) {
		out[2 * i] = (int16_t)lrint((0.6 * mono[i] + 0.3 * lead[i]) / peak * 29000.0);
		out[2 * i + 1] = (int16_t)lrint((0.4 * mono[i] + 0.5 * lead[i]) / peak * 29000.0);
	}
	free(mono);
	free(lead);
	return out;
}

static void write_wav(const char *path, const int16_t *pcm, size_t frames)
{
	uint8_t header[WM_WAV_HEADER_LEN];
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	wm_wav_header(header, (uint32_t)frames, 2, RATE);
	assert_int_equal(fwrite(header, 1, sizeof(header), f), sizeof(header));
	/* little-endian hosts only, as the kiosk itself */
	assert_int_equal(fwrite(pcm, 4, frames, f), frames);
	assert_int_equal(fclose(f), 0);
}

/* A new track file in the fixture's folder: seconds of music, marked with
 * p (NULL: unmarked).  Returns its path (static storage, 8 slots). */
static const char *track(struct fixture *fx, double seconds, const struct wm_payload *p)
{
	static char paths[8][128];
	char *path = paths[fx->files % 8], master[128];
	size_t frames = (size_t)(seconds * RATE);
	int16_t *pcm = synth(seconds, fx->files);
	struct err e;

	snprintf(master, sizeof(master), "%s/master%u.wav", fx->dir, fx->files);
	snprintf(path, 128, "%s/track%u.wav", fx->dir, fx->files);
	fx->files++;
	write_wav(p ? master : path, pcm, frames);
	free(pcm);
	if (p && wm_embed_wav_file(master, path, &fx->key, p, NULL, &e))
		fail_msg("embed: %s", e.msg);
	return path;
}

/* Runs the track-level check over paths (numbered 1, 2, ...). */
static struct mark_check_verdict check(struct fixture *fx, const char *const *paths, size_t n)
{
	struct mark_check_track t[8];
	struct mark_check_verdict v;
	struct err e;

	assert_true(n <= 8);
	for (size_t i = 0; i < n; i++)
		t[i] = (struct mark_check_track){ paths[i], (unsigned)i + 1, (unsigned)i };
	if (mark_check_tracks(&fx->key, &ORDER, t, n, NULL, &v, &e))
		fail_msg("check: %s", e.msg);
	print_message("  verdict: %s %s (verified %u, tolerated %u)\n", v.pass ? "pass" : "fail",
		      v.reason, v.verified, v.tolerated);
	return v;
}

static void expect_reason(const struct mark_check_verdict *v, const char *want)
{
	assert_false(v->pass);
	if (strcmp(v->reason, want))
		fail_msg("reason \"%s\", expected \"%s\"", v->reason, want);
}

/* --- the cases -------------------------------------------------------------- */

static void marked_album_passes(void **state)
{
	struct fixture *fx = *state;
	const char *p[] = { track(fx, LONG_S, &THIS), track(fx, LONG_S + 3, &THIS) };
	struct mark_check_verdict v = check(fx, p, 2);

	assert_true(v.pass);
	assert_int_equal(v.verified, 2);
	assert_int_equal(v.tolerated, 0);
	assert_string_equal(v.reason, "");
}

static void other_ids_are_named(void **state)
{
	struct fixture *fx = *state;
	const char *p[] = { track(fx, LONG_S, &THIS), track(fx, LONG_S, &OTHER) };
	struct mark_check_verdict v = check(fx, p, 2);

	expect_reason(&v, "track 2: watermark names user 123, shop 1002, "
			  "not this order's user 456, shop 1001");
	assert_int_equal(v.verified, 1);
}

static void unmarked_long_track_fails(void **state)
{
	struct fixture *fx = *state;
	const char *p[] = { track(fx, LONG_S, NULL), track(fx, LONG_S, &THIS) };
	struct mark_check_verdict v = check(fx, p, 2);

	/* the first track decides; the second is not even looked at */
	expect_reason(&v, "track 1: no watermark under this kiosk's key");
	assert_int_equal(v.verified, 0);
}

static void mixed_marks_fail(void **state)
{
	struct fixture *fx = *state;
	size_t frames = (size_t)(SPLICE_S * RATE), half = frames / 2;
	int16_t *pcm = synth(SPLICE_S, 77), *a = malloc(frames * 4), *b = malloc(frames * 4);
	char path[128];
	const char *p[1] = { path };
	struct mark_check_verdict v;
	struct err e;

	assert_true(a && b);
	memcpy(a, pcm, frames * 4);
	memcpy(b, pcm, frames * 4);
	if (wm_embed_s16(&fx->key, &THIS, a, frames, 2, RATE, NULL, &e) ||
	    wm_embed_s16(&fx->key, &OTHER, b, frames, 2, RATE, NULL, &e))
		fail_msg("embed: %s", e.msg);
	/* this order's copy spliced with another customer's: the detector
	 * reads each half on its own and finds two payloads */
	memcpy(pcm, a, half * 4);
	memcpy(pcm + 2 * half, b + 2 * half, (frames - half) * 4);
	snprintf(path, sizeof(path), "%s/spliced.wav", fx->dir);
	write_wav(path, pcm, frames);
	v = check(fx, p, 1);
	expect_reason(&v, "track 1: two different watermarks (copies of different orders mixed)");
	free(pcm);
	free(a);
	free(b);
}

static void unreadable_file_fails(void **state)
{
	struct fixture *fx = *state;
	char path[128], want[256];
	const char *p[1] = { path };
	struct mark_check_verdict v;
	FILE *f;

	snprintf(path, sizeof(path), "%s/broken.wav", fx->dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	/* RIFF/WAVE, then a chunk that claims more than there is */
	assert_int_equal(fwrite("RIFF\x1c\0\0\0WAVEjunk\xff\0\0\0junkjunk", 1, 28, f), 28);
	fclose(f);
	v = check(fx, p, 1);
	assert_false(v.pass);
	snprintf(want, sizeof(want), "track 1: %s", path);
	assert_memory_equal(v.reason, want, strlen(want));
}

static void short_tracks_are_tolerated_when_empty(void **state)
{
	struct fixture *fx = *state;
	const char *p[] = { track(fx, CRUMB_S, NULL), track(fx, LONG_S, &THIS),
			    track(fx, TINY_S, NULL) };
	struct mark_check_verdict v = check(fx, p, 3);

	assert_true(v.pass);
	assert_int_equal(v.verified, 1);
	assert_int_equal(v.tolerated, 2);
}

static void short_track_with_another_mark_fails(void **state)
{
	struct fixture *fx = *state;
	const char *p[] = { track(fx, LONG_S, &THIS), track(fx, SHORT_S, &OTHER) };
	struct mark_check_verdict v = check(fx, p, 2);

	expect_reason(&v, "track 2: watermark names user 123, shop 1002, "
			  "not this order's user 456, shop 1001");
}

static void short_tracks_alone_prove_nothing(void **state)
{
	struct fixture *fx = *state;
	const char *p[] = { track(fx, TINY_S, NULL), track(fx, CRUMB_S, &THIS) };
	struct mark_check_verdict v = check(fx, p, 2);

	expect_reason(&v, "no audio file carries a watermark that could be checked "
			  "(each is under 20 s and none gave one back)");
	assert_int_equal(v.tolerated, 2);
}

static void a_short_marked_track_is_proof_enough(void **state)
{
	struct fixture *fx = *state;
	const char *p[] = { track(fx, SHORT_S, &THIS) };
	struct mark_check_verdict v = check(fx, p, 1);

	assert_true(v.pass);
	assert_int_equal(v.verified, 1);
}

static void stop_is_not_a_verdict(void **state)
{
	struct fixture *fx = *state;
	atomic_int stop = 1;
	struct mark_check_track t = { "/nonexistent", 1, 0 };
	struct mark_check_verdict v;
	struct err e;

	assert_int_equal(mark_check_tracks(&fx->key, &ORDER, &t, 1, &stop, &v, &e), -1);
	assert_string_equal(e.msg, "stopped");
}

/* --- the spool level: keys and which files count ------------------------------ */

static void spool_put(struct spool *sp, const char *id, unsigned idx, const char *from)
{
	struct spool_writer *w;
	char buf[65536];
	struct err e;
	size_t n;
	FILE *f = fopen(from, "rb");

	assert_non_null(f);
	if (spool_writer_open(sp, id, idx, 0, &w, &e))
		fail_msg("spool: %s", e.msg);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		assert_int_equal(spool_writer_write(w, buf, n, &e), 0);
	fclose(f);
	assert_int_equal(spool_writer_close(w, false, &e), 0);
	assert_int_equal(spool_commit(sp, id, idx, &e), 0);
}

static void spooled_orders_and_keys(void **state)
{
	struct fixture *fx = *state;
	struct store_order o = { .id = "ORDER1", .ids = ORDER };
	struct store_file files[3] = {
		{ .idx = 0, .m = { .kind = FILE_DATA } },
		{ .idx = 1, .m = { .kind = FILE_AUDIO, .track = { .number = 1 } } },
		{ .idx = 2, .m = { .kind = FILE_AUDIO, .track = { .number = 2 } } },
	};
	char spool_dir[128], key_path[128], missing[128];
	struct mark_check_verdict v;
	struct spool *sp;
	struct err e;
	FILE *f;

	snprintf(spool_dir, sizeof(spool_dir), "%s/spool", fx->dir);
	snprintf(key_path, sizeof(key_path), "%s/watermark.key", fx->dir);
	snprintf(missing, sizeof(missing), "%s/none.key", fx->dir);
	f = fopen(key_path, "w");
	assert_non_null(f);
	fputs(KEY_HEX "\n", f);
	fclose(f);
	assert_int_equal(spool_open(&sp, spool_dir, 1ULL << 30, &e), 0);
	spool_put(sp, "ORDER1", 0, "/dev/null"); /* a data file: never examined */
	spool_put(sp, "ORDER1", 1, track(fx, LONG_S, &THIS));
	spool_put(sp, "ORDER1", 2, track(fx, TINY_S, NULL));

	assert_int_equal(mark_check_order(key_path, sp, &o, files, 3, NULL, &v, &e), 0);
	assert_true(v.pass);
	assert_int_equal(v.verified, 1);
	assert_int_equal(v.tolerated, 1);

	/* no key, or one that cannot be read: an order with audio fails */
	assert_int_equal(mark_check_order("", sp, &o, files, 3, NULL, &v, &e), 0);
	expect_reason(&v, "no watermark key configured");
	assert_int_equal(mark_check_order(NULL, sp, &o, files, 3, NULL, &v, &e), 0);
	expect_reason(&v, "no watermark key configured");
	assert_int_equal(mark_check_order(missing, sp, &o, files, 3, NULL, &v, &e), 0);
	assert_false(v.pass);
	assert_non_null(strstr(v.reason, "watermark key: "));
	assert_non_null(strstr(v.reason, "none.key: No such file or directory"));

	/* ... and one without audio needs none */
	assert_int_equal(mark_check_order("", sp, &o, files, 1, NULL, &v, &e), 0);
	assert_true(v.pass);
	assert_int_equal(v.verified + v.tolerated, 0);

	/* another key: the same mark is not found, and the track is long */
	f = fopen(key_path, "w");
	assert_non_null(f);
	fputs("a passphrase, not the key\n", f);
	fclose(f);
	assert_int_equal(mark_check_order(key_path, sp, &o, files, 3, NULL, &v, &e), 0);
	expect_reason(&v, "track 1: no watermark under this kiosk's key");
	spool_erase_order(sp, "ORDER1", NULL);
	spool_close(sp);
}

static void key_files(void **state)
{
	struct fixture *fx = *state;
	char path[128];
	struct wm_key k, want;
	struct err e;
	FILE *f;

	snprintf(path, sizeof(path), "%s/k", fx->dir);
	assert_int_equal(wm_key_from_text(&want, KEY_HEX, &e), 0);
	f = fopen(path, "w");
	fputs(KEY_HEX "\r\nsecond line ignored\n", f);
	fclose(f);
	assert_int_equal(wm_key_load_file(&k, path, &e), 0);
	assert_memory_equal(k.bytes, want.bytes, WM_KEY_LEN);
	f = fopen(path, "w");
	fclose(f);
	assert_int_equal(wm_key_load_file(&k, path, &e), -1);
	assert_non_null(strstr(e.msg, ": empty"));
	f = fopen(path, "w");
	fputs("\n", f);
	fclose(f);
	assert_int_equal(wm_key_load_file(&k, path, &e), -1);
	assert_non_null(strstr(e.msg, "watermark key is empty"));
	f = fopen(path, "w");
	for (int i = 0; i < WM_KEY_FILE_LINE_MAX + 1; i++)
		fputc('x', f);
	fclose(f);
	assert_int_equal(wm_key_load_file(&k, path, &e), -1);
	assert_non_null(strstr(e.msg, "first line longer than"));
	unlink(path);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct err e;

	if (!fx)
		return -1;
	strcpy(fx->dir, "/tmp/tenpo-test-wm-order-XXXXXX");
	if (!mkdtemp(fx->dir) || wm_key_from_text(&fx->key, KEY_HEX, &e)) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(marked_album_passes),
		cmocka_unit_test(other_ids_are_named),
		cmocka_unit_test(unmarked_long_track_fails),
		cmocka_unit_test(mixed_marks_fail),
		cmocka_unit_test(unreadable_file_fails),
		cmocka_unit_test(short_tracks_are_tolerated_when_empty),
		cmocka_unit_test(short_track_with_another_mark_fails),
		cmocka_unit_test(short_tracks_alone_prove_nothing),
		cmocka_unit_test(a_short_marked_track_is_proof_enough),
		cmocka_unit_test(stop_is_not_a_verdict),
		cmocka_unit_test(spooled_orders_and_keys),
		cmocka_unit_test(key_files),
	};

	return cmocka_run_group_tests_name("mark_check", tests, setup, teardown);
}
