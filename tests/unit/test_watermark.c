// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * watermark: the codec end to end on synthesised music (notes with
 * harmonics and vibrato, a pad, a bass line, kick drums and noise bursts),
 * its channel code, its key and payload handling, the WAV reader against
 * hostile headers, and a false-positive count over random keys.
 *
 * The signals are short (a few tens of seconds) so that the whole file
 * runs in well under a minute under ASan and UBSan; the bench (make
 * bench-wm) does the long files and the codecs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "wm/watermark.h"
#include "wm/wm_code.h"
#include "wm/wm_dsp.h"
#include "wm/wm_layout.h"
#include "wm/wm_wav.h"

#define KEY_HEX "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static const struct wm_payload ALICE = { .content_server = 42, .delivery_server = 7,
					 .user = 12345678, .shop = 1001 };
static const struct wm_payload BOB = { .content_server = 42, .delivery_server = 7,
				       .user = 87654321, .shop = 1002 };

/* --- a music-like test signal ------------------------------------------ */

struct rng {
	uint64_t s;
};

static uint32_t rng_next(struct rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return (uint32_t)(r->s >> 11);
}

static double rng_unit(struct rng *r)
{
	return (rng_next(r) & 0xFFFFFF) / 16777216.0;
}

static double midi_hz(int n)
{
	return 440.0 * pow(2.0, (n - 69) / 12.0);
}

struct canvas {
	float *pcm;
	size_t frames;
	unsigned ch, rate;
};

static void add(struct canvas *c, size_t at, double pan, double v)
{
	if (at >= c->frames)
		return;
	if (c->ch == 1) {
		c->pcm[at] += (float)v;
	} else {
		c->pcm[at * c->ch] += (float)(v * (1.0 - pan));
		c->pcm[at * c->ch + 1] += (float)(v * pan);
	}
}

/* A note with harmonics whose upper partials fade first, with vibrato. */
static void note(struct canvas *c, double start, double dur, double hz, double amp,
		 int harmonics, double pan)
{
	size_t at = (size_t)(start * c->rate), n = (size_t)(dur * c->rate);

	for (size_t i = 0; i < n; i++) {
		double t = (double)i / c->rate, env, v = 0.0, vib;

		env = t < 0.01 ? t / 0.01 : exp(-(t - 0.01) * 3.0 / dur);
		if (n - i < c->rate / 50)
			env *= (double)(n - i) / (c->rate / 50.0);
		vib = 1.0 + 0.004 * sin(2 * M_PI * 5.5 * t);
		for (int h = 1; h <= harmonics && hz * h < c->rate * 0.45; h++)
			v += sin(2 * M_PI * hz * h * vib * t + h) * exp(-(h - 1) * (0.4 + t * 2.0)) / h;
		add(c, at + i, pan, v * amp * env);
	}
}

static void noise_burst(struct canvas *c, double start, double dur, double amp, bool bright,
			struct rng *r)
{
	size_t at = (size_t)(start * c->rate), n = (size_t)(dur * c->rate);
	double prev = 0.0, low = 0.0;

	for (size_t i = 0; i < n; i++) {
		double w = 2.0 * rng_unit(r) - 1.0, x;

		low += 0.3 * (w - low);
		x = bright ? w - prev : low;
		prev = w;
		add(c, at + i, 0.5, x * amp * exp(-(double)i / c->rate * 5.0 / dur));
	}
}

static void kick(struct canvas *c, double start, double amp)
{
	size_t at = (size_t)(start * c->rate), n = c->rate / 4;
	double phase = 0.0;

	for (size_t i = 0; i < n; i++) {
		double t = (double)i / c->rate;

		phase += 2 * M_PI * (50.0 + 90.0 * exp(-t * 30.0)) / c->rate;
		add(c, at + i, 0.5, amp * sin(phase) * exp(-t * 12.0));
	}
}

/* A room: four parallel feedback combs per channel (Schroeder), mixed in
 * at -6 dB, as produced music nearly always has. */
static void reverb(struct canvas *c)
{
	static const double delay_ms[4] = { 29.7, 37.1, 41.1, 43.7 };
	size_t len[4], at[4] = { 0 };
	float *line[4];

	for (unsigned ch = 0; ch < c->ch; ch++) {
		for (unsigned i = 0; i < 4; i++) {
			len[i] = (size_t)((delay_ms[i] + 3.1 * ch) * c->rate / 1000.0);
			line[i] = calloc(len[i], sizeof(float));
			assert_non_null(line[i]);
			at[i] = 0;
		}
		for (size_t n = 0; n < c->frames; n++) {
			float x = c->pcm[n * c->ch + ch], wet = 0.0f;

			for (unsigned i = 0; i < 4; i++) {
				float y = line[i][at[i]];

				line[i][at[i]] = x + 0.78f * y;
				at[i] = (at[i] + 1) % len[i];
				wet += y;
			}
			c->pcm[n * c->ch + ch] = x + 0.5f * wet / 4.0f;
		}
		for (unsigned i = 0; i < 4; i++)
			free(line[i]);
	}
}

/* seconds of music, interleaved, peak -1 dBFS, on the 16-bit grid */
static float *music(double seconds, unsigned ch, unsigned rate, uint64_t seed)
{
	static const int scale[] = { 0, 2, 4, 7, 9, 12, 14, 16 };
	static const int chords[] = { 0, 5, 7, 3 };
	struct canvas c = { NULL, (size_t)(seconds * rate), ch, rate };
	struct rng r = { seed * 2654435761u + 12345 };
	double beat = 60.0 / (90.0 + rng_unit(&r) * 50.0);
	int tonic = 55 + (int)(rng_unit(&r) * 10.0);
	float peak = 1e-9f;

	c.pcm = calloc(c.frames * ch + 1, sizeof(float));
	assert_non_null(c.pcm);
	for (size_t b = 0; b * beat < seconds; b++) {
		double t = b * beat;
		int root = tonic + chords[(b / 4) % 4];
		int sub = rng_unit(&r) < 0.4 ? 2 : 1;

		if (b % 4 == 0) {
			note(&c, t, 4 * beat, midi_hz(root), 0.05, 5, 0.35);
			note(&c, t, 4 * beat, midi_hz(root + 4) * 1.002, 0.04, 5, 0.65);
			note(&c, t, 4 * beat, midi_hz(root + 7), 0.04, 5, 0.5);
		}
		note(&c, t, beat * 0.9, midi_hz(root - 12), 0.12, 3, 0.5);
		for (int s = 0; s < sub; s++)
			if (rng_unit(&r) >= 0.15)
				note(&c, t + s * beat / sub, beat / sub * 1.2,
				     midi_hz(tonic + 12 + scale[rng_next(&r) % 8]), 0.09, 10,
				     0.3 + 0.4 * rng_unit(&r));
		if (b % 2 == 0)
			kick(&c, t, 0.3);
		else
			noise_burst(&c, t, 0.15, 0.12, false, &r);
		noise_burst(&c, t, 0.05, 0.05, true, &r);
		noise_burst(&c, t + beat / 2, 0.04, 0.04, true, &r);
	}
	reverb(&c);
	for (size_t i = 0; i < c.frames * ch; i++)
		peak = fmaxf(peak, fabsf(c.pcm[i]));
	for (size_t i = 0; i < c.frames * ch; i++)
		c.pcm[i] = roundf(c.pcm[i] * 0.89f / peak * 32767.0f) / 32768.0f;
	return c.pcm;
}

static struct wm_key key_of(const char *text)
{
	struct wm_key k;
	struct err e;

	assert_int_equal(wm_key_from_text(&k, text, &e), 0);
	return k;
}

static void assert_ids(const struct wm_payload *got, const struct wm_payload *want)
{
	assert_int_equal(got->user, want->user);
	assert_int_equal(got->shop, want->shop);
	assert_int_equal(got->delivery_server, want->delivery_server);
	assert_int_equal(got->content_server, want->content_server);
}

static float *marked_copy(const float *x, size_t frames, unsigned ch, unsigned rate,
			  const struct wm_key *k, const struct wm_payload *p,
			  struct wm_embed_stats *st)
{
	float *y = malloc(sizeof(float) * frames * ch);
	struct err e;

	assert_non_null(y);
	memcpy(y, x, sizeof(float) * frames * ch);
	if (wm_embed(k, p, y, frames, ch, rate, st, &e))
		fail_msg("embed: %s", e.msg);
	return y;
}

static enum wm_status detect(const struct wm_key *k, const float *x, size_t frames,
			     unsigned ch, unsigned rate, struct wm_result *r)
{
	struct err e;

	if (wm_detect(k, x, frames, ch, rate, r, &e))
		fail_msg("detect: %s", e.msg);
	print_message("  (%s: sync %.1f sigma, payload/sync %.2f, %u/%u corrected)\n",
		      wm_status_name(r->status), r->sync_score, r->data_ratio, r->bit_errors,
		      r->coded_bits);
	return r->status;
}

/* --- the pieces -------------------------------------------------------- */

/* Every size the tables allow, even and odd numbers of radix-2 stages:
 * every bin against a direct DFT up to 1024 points, 17 bins above; and
 * the round trip. */
static void fft_matches_dft(void **state)
{
	(void)state;
	for (unsigned n = WM_FFT_MIN; n <= WM_FFT_MAX; n *= 2) {
		float *x = malloc(sizeof(float) * n), *X = malloc(sizeof(float) * (n + 2)),
		      *y = malloc(sizeof(float) * n);
		unsigned step = n <= 1024 ? 1 : n / 32;
		double tol = 4e-6 * n;
		struct wm_fft f;

		assert_true(x && X && y);
		assert_int_equal(wm_fft_init(&f, n), 0);
		for (unsigned i = 0; i < n; i++)
			x[i] = (float)sin(i * 0.37) + (float)(i % 7) * 0.1f;
		wm_fft_forward(&f, x, X);
		for (unsigned k = 0; k <= n / 2; k += step) {
			double re = 0.0, im = 0.0;

			for (unsigned i = 0; i < n; i++) {
				double a = 2 * M_PI * (double)((unsigned long)k * i % n) / n;

				re += x[i] * cos(a);
				im -= x[i] * sin(a);
			}
			if (fabs(re - X[2 * k]) > tol || fabs(im - X[2 * k + 1]) > tol)
				fail_msg("n %u bin %u: (%g, %g), DFT (%g, %g)", n, k, X[2 * k],
					 X[2 * k + 1], re, im);
		}
		wm_fft_inverse(&f, X, y);
		for (unsigned i = 0; i < n; i++)
			assert_true(fabsf(y[i] - x[i]) < 1e-5f);
		wm_fft_free(&f);
		free(x);
		free(X);
		free(y);
	}
	{
		struct wm_fft f;

		assert_int_equal(wm_fft_init(&f, 1000), -1); /* not a power of two */
		wm_fft_free(&f);
	}
}

static void viterbi_corrects_noise(void **state)
{
	uint8_t in[WM_PAYLOAD_BITS], coded[WM_CODED_LEN(WM_PAYLOAD_BITS)], out[WM_PAYLOAD_BITS];
	float soft[WM_CODED_LEN(WM_PAYLOAD_BITS)];
	struct rng r = { 99 };
	unsigned flipped = 0;

	(void)state;
	for (unsigned trial = 0; trial < 20; trial++) {
		for (unsigned i = 0; i < WM_PAYLOAD_BITS; i++)
			in[i] = rng_next(&r) & 1u;
		wm_conv_encode(in, WM_PAYLOAD_BITS, coded);
		for (unsigned i = 0; i < WM_CODED_LEN(WM_PAYLOAD_BITS); i++) {
			/* unit signal, Gaussian noise of sigma 0.8, every 10th bit erased */
			double g = sqrt(-2.0 * log(rng_unit(&r) + 1e-12)) *
				   cos(2 * M_PI * rng_unit(&r));

			soft[i] = i % 10 ? (float)((coded[i] ? 1.0 : -1.0) + 0.8 * g) : 0.0f;
			flipped += (soft[i] > 0) != coded[i] && i % 10;
		}
		wm_viterbi(soft, WM_PAYLOAD_BITS, out);
		assert_memory_equal(in, out, WM_PAYLOAD_BITS);
	}
	print_message("viterbi: %u hard errors in 20 codewords, all corrected\n", flipped);
	assert_true(flipped > 500); /* the noise was real */
}

static void crc_catches_corruption(void **state)
{
	uint8_t bits[WM_PAYLOAD_BITS];
	struct wm_payload p;
	struct rng r = { 7 };
	struct err e;

	(void)state;
	assert_int_equal(wm_payload_pack(&ALICE, bits, &e), 0);
	assert_int_equal(wm_payload_unpack(bits, &p, &e), 0);
	assert_ids(&p, &ALICE);
	for (unsigned i = 0; i < WM_PAYLOAD_BITS; i++) {
		bits[i] ^= 1u;
		assert_int_equal(wm_payload_unpack(bits, &p, &e), -1);
		bits[i] ^= 1u;
	}
	for (unsigned trial = 0; trial < 2000; trial++) {
		uint8_t bad[WM_PAYLOAD_BITS];
		unsigned flips = 2 + rng_next(&r) % 4;

		memcpy(bad, bits, sizeof(bad));
		for (unsigned f = 0; f < flips; f++)
			bad[rng_next(&r) % WM_PAYLOAD_BITS] ^= 1u;
		if (!memcmp(bad, bits, sizeof(bad)))
			continue;
		assert_int_equal(wm_payload_unpack(bad, &p, &e), -1);
		assert_non_null(strstr(e.msg, "CRC"));
	}
}

static void payload_limits(void **state)
{
	struct wm_payload wide = ALICE, top = { 0xFFFF, 0xFFFF, 0xFFFFFFFFu, 0xFFFFFF }, p;
	uint8_t bits[WM_PAYLOAD_BITS];
	struct err e;

	(void)state;
	wide.shop = 0x1000000;
	assert_int_equal(wm_payload_pack(&wide, bits, &e), -1);
	assert_non_null(strstr(e.msg, "24 bits"));
	assert_int_equal(wm_payload_pack(&top, bits, &e), 0);
	assert_int_equal(wm_payload_unpack(bits, &p, &e), 0);
	assert_ids(&p, &top);
}

/* The 4-bit format version: v2 is written by default, v1 on request, both
 * read back with the version they carry; other versions are refused both
 * ways, and a version is not an ID (payloads that differ only in it are
 * equal). */
static void payload_versions(void **state)
{
	uint8_t bits[WM_PAYLOAD_BITS];
	struct wm_payload p, v1 = ALICE, v3 = ALICE;
	struct err e;
	unsigned at;

	(void)state;
	assert_int_equal(WM_VERSION, 2);
	assert_int_equal(wm_payload_pack(&ALICE, bits, &e), 0);
	assert_int_equal(bits[0] << 3 | bits[1] << 2 | bits[2] << 1 | bits[3], 2);
	assert_int_equal(wm_payload_unpack(bits, &p, &e), 0);
	assert_int_equal(p.version, 2);
	assert_ids(&p, &ALICE);
	v1.version = 1;
	assert_int_equal(wm_payload_pack(&v1, bits, &e), 0);
	assert_int_equal(bits[0] << 3 | bits[1] << 2 | bits[2] << 1 | bits[3], 1);
	assert_int_equal(wm_payload_unpack(bits, &p, &e), 0);
	assert_int_equal(p.version, 1);
	assert_ids(&p, &ALICE);
	assert_true(wm_payload_equal(&p, &ALICE));
	v3.version = 3;
	assert_int_equal(wm_payload_pack(&v3, bits, &e), -1);
	assert_non_null(strstr(e.msg, "version 3"));
	/* a version 3 or 0 payload with a correct CRC: refused by the reader */
	for (unsigned v = 0; v <= 15; v += 3) {
		uint32_t crc;

		assert_int_equal(wm_payload_pack(&ALICE, bits, &e), 0);
		for (unsigned i = 0; i < 4; i++)
			bits[i] = (uint8_t)(v >> (3 - i) & 1u);
		crc = wm_crc24(bits, WM_PAYLOAD_BITS - 24);
		at = WM_PAYLOAD_BITS - 24;
		for (unsigned i = 0; i < 24; i++)
			bits[at + i] = (uint8_t)(crc >> (23 - i) & 1u);
		assert_int_equal(wm_payload_unpack(bits, &p, &e), v >= 1 && v <= 2 ? 0 : -1);
		if (v < 1 || v > 2)
			assert_non_null(strstr(e.msg, "version"));
	}
}

static void keys(void **state)
{
	struct wm_key a, b;
	struct err e;

	(void)state;
	a = key_of(KEY_HEX);
	assert_int_equal(a.bytes[0], 0x00);
	assert_int_equal(a.bytes[1], 0x11);
	assert_int_equal(a.bytes[31], 0xff);
	a = key_of("correct horse battery staple");
	b = key_of("correct horse battery staple");
	assert_memory_equal(a.bytes, b.bytes, WM_KEY_LEN);
	b = key_of("correct horse battery staplf");
	assert_memory_not_equal(a.bytes, b.bytes, WM_KEY_LEN);
	/* 63 hex digits is a passphrase, not a key */
	b = key_of(&KEY_HEX[1]);
	assert_memory_not_equal(b.bytes + 1, key_of(KEY_HEX).bytes + 1, WM_KEY_LEN - 1);
	assert_int_equal(wm_key_from_text(&a, "", &e), -1);
	assert_non_null(strstr(e.msg, "empty"));
}

/* --- the codec --------------------------------------------------------- */

static void round_trip_stereo_44k(void **state)
{
	struct wm_key k = key_of(KEY_HEX);
	size_t frames = 32 * 44100;
	float *x = music(32.0, 2, 44100, 1), *y;
	struct wm_embed_stats st;
	struct wm_quality q;
	struct wm_result r;
	struct err e;

	(void)state;
	y = marked_copy(x, frames, 2, 44100, &k, &ALICE, &st);
	print_message("embed: SNR %.1f dB, mean band change %.2f dB, %u periods, %zu clipped\n",
		      st.snr_db, st.mean_gain_db, st.blocks, st.clipped);
	assert_true(st.snr_db > 20.0);
	assert_int_equal(st.blocks, 3);
	assert_int_equal(wm_quality(x, y, frames, 2, 44100, &q, &e), 0);
	print_message("quality: SNR %.1f dB, segSNR %.1f dB, NMR %.1f dB mean, %.2f %% over\n",
		      q.snr_db, q.segsnr_db, q.nmr_mean_db, q.nmr_over_pct);
	assert_true(q.nmr_mean_db < -3.0);
	assert_int_equal(detect(&k, y, frames, 2, 44100, &r), WM_FOUND);
	assert_ids(&r.payload, &ALICE);
	print_message("detect: confidence %.2f, %u/%u corrected, sync %.1f, speed %.4f\n",
		      r.confidence, r.bit_errors, r.coded_bits, r.sync_score, r.speed);
	assert_int_equal(r.marked_rate, 44100);
	assert_true(fabs(r.speed - 1.0) < 0.002);
	free(x);
	free(y);
}

static void round_trip_mono_48k(void **state)
{
	struct wm_key k = key_of(KEY_HEX);
	size_t frames = 35 * 48000;
	float *x = music(35.0, 1, 48000, 2), *y;
	struct wm_result r;

	(void)state;
	y = marked_copy(x, frames, 1, 48000, &k, &BOB, NULL);
	assert_int_equal(detect(&k, y, frames, 1, 48000, &r), WM_FOUND);
	assert_ids(&r.payload, &BOB);
	assert_int_equal(r.marked_rate, 48000);
	free(x);
	free(y);
}

/* A copy marked v1 (today's marks, on orders in flight at an upgrade) and
 * one marked v2 (the default) of the same music: each reads back its IDs
 * and says its version; v2 is the quieter of the two; the collusion test
 * is not fooled by the older version's codeword (a v1 mark reads as one
 * mark, not as a conflict). */
static void v1_and_v2_marks_read(void **state)
{
	struct wm_key k = key_of(KEY_HEX);
	size_t frames = 32 * 44100;
	float *x = music(32.0, 2, 44100, 11), *y1, *y2;
	struct wm_payload p1 = ALICE, p0 = ALICE;
	struct wm_embed_stats s1, s2;
	struct wm_result r;

	(void)state;
	p1.version = 1;
	p0.version = 0; /* the current one */
	y1 = marked_copy(x, frames, 2, 44100, &k, &p1, &s1);
	y2 = marked_copy(x, frames, 2, 44100, &k, &p0, &s2);
	print_message("v1 SNR %.1f dB, v2 SNR %.1f dB\n", s1.snr_db, s2.snr_db);
	assert_int_equal(detect(&k, y1, frames, 2, 44100, &r), WM_FOUND);
	assert_ids(&r.payload, &ALICE);
	assert_int_equal(r.payload.version, 1);
	assert_true(r.data_ratio > 0.7);
	assert_int_equal(detect(&k, y2, frames, 2, 44100, &r), WM_FOUND);
	assert_ids(&r.payload, &ALICE);
	assert_int_equal(r.payload.version, 2);
	assert_true(r.data_ratio > 0.7);
	print_message("sparse music: v2 at level %u\n", s2.level);
	assert_int_equal(s1.version, 1);
	assert_int_equal(s2.version, 2);
	free(y1);
	free(y2);
	/* dense music (the notes under a bed of noise) carries the mark at a
	 * lower level: v2 is then clearly quieter than v1, and still reads */
	{
		struct rng g = { 99 };

		for (size_t i = 0; i < frames * 2; i++)
			x[i] = 0.5f * x[i] + 0.05f * (float)(rng_unit(&g) - 0.5);
	}
	y1 = marked_copy(x, frames, 2, 44100, &k, &p1, &s1);
	y2 = marked_copy(x, frames, 2, 44100, &k, &p0, &s2);
	print_message("dense music: v2 at level %u, SNR %.1f dB (v1 %.1f dB)\n", s2.level,
		      s2.snr_db, s1.snr_db);
	assert_true(s2.level < 4);
	assert_true(s2.snr_db > s1.snr_db + 3.0);
	assert_int_equal(detect(&k, y2, frames, 2, 44100, &r), WM_FOUND);
	assert_ids(&r.payload, &ALICE);
	assert_int_equal(r.payload.version, 2);
	assert_true(r.confidence >= 0.72);
	free(x);
	free(y1);
	free(y2);
}

static void int16_round_trip(void **state)
{
	struct wm_key k = key_of(KEY_HEX);
	size_t frames = 32 * 44100;
	float *x = music(32.0, 2, 44100, 3);
	int16_t *pcm = malloc(sizeof(int16_t) * frames * 2);
	struct wm_embed_stats st;
	struct wm_result r;
	struct err e;

	(void)state;
	assert_non_null(pcm);
	for (size_t i = 0; i < frames * 2; i++)
		pcm[i] = (int16_t)lrintf(x[i] * 32768.0f);
	assert_int_equal(wm_embed_s16(&k, &ALICE, pcm, frames, 2, 44100, &st, &e), 0);
	assert_int_equal(wm_detect_s16(&k, pcm, frames, 2, 44100, &r, &e), 0);
	assert_int_equal(r.status, WM_FOUND);
	assert_ids(&r.payload, &ALICE);
	free(x);
	free(pcm);
}

static void excerpt_anywhere(void **state)
{
	struct wm_key k = key_of(KEY_HEX);
	size_t frames = 60 * 44100, len = 30 * 44100, off;
	float *x = music(60.0, 2, 44100, 4), *y;
	unsigned seed = (unsigned)time(NULL);
	struct wm_result r;

	(void)state;
	y = marked_copy(x, frames, 2, 44100, &k, &BOB, NULL);
	srand(seed);
	off = (size_t)rand() % (frames - len);
	print_message("excerpt: 30 s from %.3f s (seed %u)\n", (double)off / 44100, seed);
	assert_int_equal(detect(&k, y + off * 2, len, 2, 44100, &r), WM_FOUND);
	assert_ids(&r.payload, &BOB);
	free(x);
	free(y);
}

/* 1 % faster playback, by linear interpolation (pitch and tempo, as a
 * turntable or `sox speed` would). */
static void speed_change(void **state)
{
	struct wm_key k = key_of(KEY_HEX);
	size_t frames = 34 * 44100, out = (size_t)(frames / 1.01) - 2;
	float *x = music(34.0, 1, 44100, 5), *y, *z = malloc(sizeof(float) * out);
	struct wm_result r;

	(void)state;
	assert_non_null(z);
	y = marked_copy(x, frames, 1, 44100, &k, &ALICE, NULL);
	for (size_t i = 0; i < out; i++) {
		double pos = i * 1.01, f = pos - floor(pos);
		size_t j = (size_t)pos;

		z[i] = (float)((1.0 - f) * y[j] + f * y[j + 1]);
	}
	assert_int_equal(detect(&k, z, out, 1, 44100, &r), WM_FOUND);
	assert_ids(&r.payload, &ALICE);
	print_message("speed: found at %.4f\n", r.speed);
	assert_true(fabs(r.speed - 1.01) < 0.002);
	free(x);
	free(y);
	free(z);
}

static void wrong_key_finds_nothing(void **state)
{
	struct wm_key k = key_of(KEY_HEX), other = key_of("not the key");
	size_t frames = 30 * 44100;
	float *x = music(30.0, 2, 44100, 6), *y;
	struct wm_result r;

	(void)state;
	y = marked_copy(x, frames, 2, 44100, &k, &ALICE, NULL);
	assert_int_equal(detect(&other, y, frames, 2, 44100, &r), WM_NOT_FOUND);
	assert_true(r.sync_score < 7.0);
	free(x);
	free(y);
}

/*
 * The false-positive rate: keys × files, where no file carries a mark under
 * any of the keys (unmarked music, and music marked under another key).
 * Any WM_FOUND or WM_CONFLICT is a false detection.  Short files keep it
 * fast; each detection still runs the whole search (two sample rates,
 * 25 speeds, every offset).
 */
static void false_positive_rate(void **state)
{
	struct wm_key marker = key_of(KEY_HEX);
	const unsigned nkeys = 8;
	const size_t frames = 10 * 44100;
	float *files[3];
	unsigned tried = 0, wrong = 0;
	double worst = 0.0;
	struct rng r = { (uint64_t)time(NULL) | 1 };

	(void)state;
	files[0] = music(10.0, 1, 44100, 7);
	files[1] = music(10.0, 1, 44100, 8);
	files[2] = marked_copy(files[1], frames, 1, 44100, &marker, &ALICE, NULL);
	for (unsigned i = 0; i < nkeys; i++) {
		struct wm_key k;
		struct wm_result res;

		for (unsigned b = 0; b < WM_KEY_LEN; b++)
			k.bytes[b] = (uint8_t)rng_next(&r);
		for (unsigned f = 0; f < 3; f++) {
			tried++;
			if (detect(&k, files[f], frames, 1, 44100, &res) != WM_NOT_FOUND)
				wrong++;
			worst = fmax(worst, res.sync_score);
		}
	}
	print_message("false positives: %u of %u detections (random keys x files); "
		      "highest sync score %.1f sigma (decoding is tried from 5.5)\n",
		      wrong, tried, worst);
	assert_int_equal(wrong, 0);
	for (unsigned f = 0; f < 3; f++)
		free(files[f]);
}

static void silence_and_short(void **state)
{
	struct wm_key k = key_of(KEY_HEX);
	size_t frames = 10 * 44100;
	float *z = calloc(frames * 2, sizeof(float));
	struct wm_embed_stats st;
	struct wm_result r;
	struct err e;

	(void)state;
	assert_non_null(z);
	/* silence: marked, it stays silence; searched, nothing is there */
	assert_int_equal(wm_embed(&k, &ALICE, z, frames, 2, 44100, &st, &e), 0);
	for (size_t i = 0; i < frames * 2; i++)
		assert_true(z[i] == 0.0f);
	assert_int_equal(detect(&k, z, frames, 2, 44100, &r), WM_NOT_FOUND);
	/* nothing, and too little */
	assert_int_equal(wm_detect(&k, z, 0, 2, 44100, &r, &e), -1);
	assert_non_null(strstr(e.msg, "too short"));
	assert_int_equal(wm_detect(&k, z, 2 * 44100, 2, 44100, &r, &e), -1);
	assert_non_null(strstr(e.msg, "too short"));
	assert_int_equal(wm_detect(&k, NULL, 0, 2, 44100, &r, &e), -1);
	assert_int_equal(wm_embed(&k, &ALICE, z, 0, 2, 44100, &st, &e), -1);
	assert_non_null(strstr(e.msg, "too short"));
	assert_int_equal(wm_embed(&k, &ALICE, z, 100, 2, 44100, &st, &e), -1);
	free(z);
}

static void bad_shapes_refused(void **state)
{
	struct wm_key k = key_of(KEY_HEX);
	float buf[8 * 44100] = { 0 };
	struct wm_result r;
	struct err e;

	(void)state;
	assert_int_equal(wm_embed(&k, &ALICE, buf, 4096, 2, 22050, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "22050"));
	assert_int_equal(wm_embed(&k, &ALICE, buf, 4096, 3, 44100, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "3 channels"));
	assert_int_equal(wm_embed(&k, &ALICE, buf, 4096, 0, 44100, NULL, &e), -1);
	assert_int_equal(wm_detect(&k, buf, 4096, 1, 0, &r, &e), -1);
	assert_non_null(strstr(e.msg, "sample rate 0"));
	assert_int_equal(wm_detect(&k, buf, 4096, 1, 4000000000u, &r, &e), -1);
	assert_non_null(strstr(e.msg, "4000000000"));
	assert_int_equal(wm_detect(&k, buf, 4096, 0, 44100, &r, &e), -1);
	assert_non_null(strstr(e.msg, "0 channels"));
	assert_int_equal(wm_detect(&k, buf, 4096, 300, 44100, &r, &e), -1);
	assert_non_null(strstr(e.msg, "300 channels"));
}

/* The share of coded bits on which the codewords of p and q agree under k:
 * what an average of their copies keeps of the data tiles' energy. */
static double codeword_agreement(const struct wm_key *k, const struct wm_payload *p,
				 const struct wm_payload *q)
{
	struct wm_layout *l = malloc(sizeof(*l));
	uint8_t cp[WM_CODED_BITS], cq[WM_CODED_BITS];
	unsigned same = 0;
	struct err e;

	assert_non_null(l);
	wm_layout_build(l, k);
	assert_int_equal(wm_layout_encode(l, p, cp, &e), 0);
	assert_int_equal(wm_layout_encode(l, q, cq, &e), 0);
	for (unsigned i = 0; i < WM_CODED_BITS; i++)
		same += cp[i] == cq[i];
	free(l);
	return (double)same / WM_CODED_BITS;
}

static void collusion_is_conflict(void **state)
{
	struct wm_key k = key_of(KEY_HEX);
	size_t frames = 50 * 44100, half = frames / 2;
	float *x = music(50.0, 2, 44100, 9), *a, *b, *mix;
	struct wm_result r;

	(void)state;
	print_message("codewords agree on %.2f of the coded bits\n",
		      codeword_agreement(&k, &ALICE, &BOB));
	a = marked_copy(x, frames, 2, 44100, &k, &ALICE, NULL);
	b = marked_copy(x, frames, 2, 44100, &k, &BOB, NULL);
	mix = malloc(sizeof(float) * frames * 2);
	assert_non_null(mix);
	/* spliced: Alice's first half, Bob's second */
	memcpy(mix, a, sizeof(float) * half * 2);
	memcpy(mix + half * 2, b + half * 2, sizeof(float) * (frames - half) * 2);
	assert_int_equal(detect(&k, mix, frames, 2, 44100, &r), WM_CONFLICT);
	assert_int_equal(r.candidates, 2);
	print_message("splice: conflicting, candidates user %u and user %u\n",
		      r.candidate[0].user, r.candidate[1].user);
	/* averaged: what the average keeps of the data tiles is the share of
	 * coded bits on which the two codewords agree; Alice's and Bob's agree
	 * on 72 %, too close to one mark for the detector to tell (the test
	 * passed under v1 by the luck of the noise).  Two payloads that differ
	 * in the user alone always agree on about that much (the code's
	 * memory confines the difference to the user's and the CRC's coded
	 * bits), so this half needs a customer of other servers and another
	 * shop, whose codeword agrees with Alice's on at most 60 % */
	{
		struct wm_payload carol = BOB;
		unsigned tries = 0;

		while (codeword_agreement(&k, &ALICE, &carol) > 0.60) {
			assert_true(++tries < 200);
			carol.user = carol.user * 2654435761u + 1u;
			carol.shop = (carol.shop * 40503u + 7u) & 0xFFFFFFu;
			carol.content_server = (uint16_t)(carol.content_server * 31u + 3u);
			carol.delivery_server = (uint16_t)(carol.delivery_server * 17u + 5u);
		}
		print_message("average with user %u: codewords agree on %.2f\n", carol.user,
			      codeword_agreement(&k, &ALICE, &carol));
		free(b);
		b = marked_copy(x, frames, 2, 44100, &k, &carol, NULL);
	}
	for (size_t i = 0; i < frames * 2; i++)
		mix[i] = 0.5f * (a[i] + b[i]);
	detect(&k, mix, frames, 2, 44100, &r);
	print_message("average: %s (sync %.1f, payload/sync %.2f)\n", wm_status_name(r.status),
		      r.sync_score, r.data_ratio);
	assert_int_equal(r.status, WM_CONFLICT);
	free(x);
	free(a);
	free(b);
	free(mix);
}

/* --- files ------------------------------------------------------------- */

static char *tmp_path(const char *name)
{
	static char paths[4][256];
	static unsigned next;
	char *p = paths[next++ % 4];

	snprintf(p, 256, "/tmp/test_watermark.%ld.%s", (long)getpid(), name);
	return p;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static uint8_t *wav_bytes(const float *x, size_t frames, unsigned ch, unsigned rate,
			  size_t *len)
{
	uint8_t *buf = malloc(WM_WAV_HEADER_LEN + frames * ch * 2);

	assert_non_null(buf);
	wm_wav_header(buf, (uint32_t)frames, ch, rate);
	for (size_t i = 0; i < frames * ch; i++) {
		long v = lrintf(x[i] * 32768.0f);

		v = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
		buf[WM_WAV_HEADER_LEN + 2 * i] = (uint8_t)v;
		buf[WM_WAV_HEADER_LEN + 2 * i + 1] = (uint8_t)((uint16_t)v >> 8);
	}
	*len = WM_WAV_HEADER_LEN + frames * ch * 2;
	return buf;
}

static void wav_file_round_trip(void **state)
{
	struct wm_key k = key_of(KEY_HEX);
	size_t frames = 31 * 44100, len;
	float *x = music(31.0, 2, 44100, 10);
	uint8_t *in = wav_bytes(x, frames, 2, 44100, &len), head[WM_WAV_HEADER_LEN];
	const char *src = tmp_path("in.wav"), *dst = tmp_path("out.wav");
	struct wm_embed_stats st;
	struct wm_result r;
	struct err e;
	FILE *f;

	(void)state;
	write_file(src, in, len);
	if (wm_embed_wav_file(src, dst, &k, &BOB, &st, &e))
		fail_msg("%s", e.msg);
	/* a canonical header of the same shape, then the marked samples */
	f = fopen(dst, "rb");
	assert_non_null(f);
	assert_int_equal(fread(head, 1, sizeof(head), f), sizeof(head));
	fseek(f, 0, SEEK_END);
	assert_int_equal((size_t)ftell(f), len);
	fclose(f);
	assert_memory_equal(head, in, WM_WAV_HEADER_LEN);
	if (wm_detect_file(dst, &k, &r, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(r.status, WM_FOUND);
	assert_ids(&r.payload, &BOB);
	/* the original has no mark */
	if (wm_detect_file(src, &k, &r, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(r.status, WM_NOT_FOUND);
	unlink(src);
	unlink(dst);
	free(in);
	free(x);
}

/* a header with the given fields, a data chunk of data_bytes declared and
 * present_bytes actually there */
static size_t hostile(uint8_t *out, unsigned format, unsigned channels, uint32_t rate,
		      unsigned bits, uint32_t data_bytes, size_t present_bytes)
{
	unsigned align = channels * bits / 8;

	wm_wav_header(out, 0, 1, 44100);
	out[20] = (uint8_t)format;
	out[21] = (uint8_t)(format >> 8);
	out[22] = (uint8_t)channels;
	out[23] = (uint8_t)(channels >> 8);
	for (unsigned i = 0; i < 4; i++) {
		out[24 + i] = (uint8_t)(rate >> (8 * i));
		out[28 + i] = (uint8_t)((uint32_t)(rate * align) >> (8 * i));
		out[40 + i] = (uint8_t)(data_bytes >> (8 * i));
	}
	out[32] = (uint8_t)align;
	out[33] = (uint8_t)(align >> 8);
	out[34] = (uint8_t)bits;
	memset(out + WM_WAV_HEADER_LEN, 0, present_bytes);
	return WM_WAV_HEADER_LEN + present_bytes;
}

static void hostile_wav_headers(void **state)
{
	static const struct {
		unsigned format, channels;
		uint32_t rate;
		unsigned bits;
		uint32_t declared;
		size_t present;
		const char *why;
	} cases[] = {
		{ 1, 2, 0, 16, 4000, 4000, "sample rate 0" },
		{ 1, 2, 4000000000u, 16, 4000, 4000, "sample rate 4000000000" },
		{ 1, 0, 44100, 16, 4000, 4000, "0 channels" },
		{ 1, 300, 44100, 16, 4000, 4000, "300 channels" },
		{ 1, 2, 44100, 8, 4000, 4000, "8 bits" },
		{ 2, 2, 44100, 16, 4000, 4000, "format 2" },
		{ 1, 2, 44100, 16, 0xFFFFFFF0u, 4000, "truncated" },
		{ 1, 2, 44100, 16, 4000, 3999, "truncated" },
	};
	static uint8_t buf[WM_WAV_HEADER_LEN + 8192];
	struct wm_key k = key_of(KEY_HEX);
	const char *path = tmp_path("hostile.wav"), *out = tmp_path("hostile.out.wav");
	struct wm_result r;
	struct wm_wav w;
	struct err e;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = hostile(buf, cases[i].format, cases[i].channels, cases[i].rate,
			      cases[i].bits, cases[i].declared, cases[i].present);
		assert_int_equal(wm_wav_parse(buf, len, &w, &e), -1);
		if (!strstr(e.msg, cases[i].why))
			fail_msg("case %zu: '%s' does not say '%s'", i, e.msg, cases[i].why);
		write_file(path, buf, len);
		assert_int_equal(wm_embed_wav_file(path, out, &k, &ALICE, NULL, &e), -1);
		assert_non_null(strstr(e.msg, cases[i].why));
		assert_int_equal(access(out, F_OK), -1);
		assert_int_equal(wm_detect_file(path, &k, &r, &e), -1);
		assert_non_null(strstr(e.msg, cases[i].why));
	}
	/* every truncation of a good header */
	len = hostile(buf, 1, 2, 44100, 16, 4000, 4000);
	assert_int_equal(wm_wav_parse(buf, len, &w, &e), 0);
	for (size_t cut = 0; cut < WM_WAV_HEADER_LEN + 8; cut++)
		assert_int_equal(wm_wav_parse(buf, cut, &w, &e), -1);
	/* inconsistent block_align and byte_rate */
	buf[32] = 3;
	assert_int_equal(wm_wav_parse(buf, len, &w, &e), -1);
	assert_non_null(strstr(e.msg, "block_align"));
	len = hostile(buf, 1, 2, 44100, 16, 4000, 4000);
	buf[28] ^= 1;
	assert_int_equal(wm_wav_parse(buf, len, &w, &e), -1);
	assert_non_null(strstr(e.msg, "byte_rate"));
	/* data before fmt */
	len = hostile(buf, 1, 2, 44100, 16, 4000, 4000);
	memcpy(buf + 12, "data", 4);
	assert_int_equal(wm_wav_parse(buf, len, &w, &e), -1);
	/* a valid 24-bit file is read; embedding refuses it, clearly */
	len = hostile(buf, 1, 2, 44100, 24, 6000, 6000);
	assert_int_equal(wm_wav_parse(buf, len, &w, &e), 0);
	assert_int_equal(w.frames, 1000);
	write_file(path, buf, len);
	assert_int_equal(wm_embed_wav_file(path, out, &k, &ALICE, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "16-bit"));
	/* a short but valid file: too short to look in */
	len = hostile(buf, 1, 2, 44100, 16, 8000, 8000);
	write_file(path, buf, len);
	assert_int_equal(wm_detect_file(path, &k, &r, &e), -1);
	assert_non_null(strstr(e.msg, "too short"));
	/* not audio at all */
	write_file(path, "hello", 5);
	assert_int_equal(wm_detect_file(path, &k, &r, &e), -1);
	unlink(path);
}

static void wav_chunks_skipped(void **state)
{
	/* RIFF, a LIST chunk with an odd size and its pad byte, fmt, data */
	static const uint8_t head[] = { 'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E',
					'L', 'I', 'S', 'T', 3, 0, 0, 0, 'a', 'b', 'c', 0 };
	uint8_t buf[256], canon[WM_WAV_HEADER_LEN];
	struct wm_wav w;
	struct err e;

	(void)state;
	wm_wav_header(canon, 10, 2, 48000);
	memcpy(buf, head, sizeof(head));
	memcpy(buf + sizeof(head), canon + 12, WM_WAV_HEADER_LEN - 12);
	memset(buf + sizeof(head) + WM_WAV_HEADER_LEN - 12, 0x7f, 40);
	assert_int_equal(wm_wav_parse(buf, sizeof(head) + WM_WAV_HEADER_LEN - 12 + 40, &w, &e),
			 0);
	assert_int_equal(w.rate, 48000);
	assert_int_equal(w.channels, 2);
	assert_int_equal(w.frames, 10);
	assert_true(wm_wav_sample(&w, buf, 0) > 0.99f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fft_matches_dft),
		cmocka_unit_test(viterbi_corrects_noise),
		cmocka_unit_test(crc_catches_corruption),
		cmocka_unit_test(payload_limits),
		cmocka_unit_test(payload_versions),
		cmocka_unit_test(keys),
		cmocka_unit_test(v1_and_v2_marks_read),
		cmocka_unit_test(round_trip_stereo_44k),
		cmocka_unit_test(round_trip_mono_48k),
		cmocka_unit_test(int16_round_trip),
		cmocka_unit_test(excerpt_anywhere),
		cmocka_unit_test(speed_change),
		cmocka_unit_test(wrong_key_finds_nothing),
		cmocka_unit_test(false_positive_rate),
		cmocka_unit_test(silence_and_short),
		cmocka_unit_test(bad_shapes_refused),
		cmocka_unit_test(collusion_is_conflict),
		cmocka_unit_test(wav_file_round_trip),
		cmocka_unit_test(hostile_wav_headers),
		cmocka_unit_test(wav_chunks_skipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
