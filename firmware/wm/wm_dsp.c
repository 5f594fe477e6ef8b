// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wm_dsp: FFT, windows and the masking model of the watermark (see wm_dsp.h).
 *
 * The FFT.  A real transform of size n is done as a complex transform of
 * size n/2 on the even/odd samples packed as re/im, followed by the usual
 * split step (X[k] = E[k] + W^k O[k]).  The complex transform is the
 * iterative radix-2 decimation-in-time one over a bit-reversed copy, with
 * every twiddle factor computed once in double precision at init, and its
 * stages run two at a time: four points go through both butterflies in
 * registers, which halves the loads and stores and leaves every result bit
 * for bit what the plain stages give.  The FFT is still the largest part of
 * the work (about two fifths of embedding, a third of detection, more
 * under ASan, where every load is checked); a split-radix or SIMD FFT (or
 * FFTW) would be faster still.
 *
 * The masking model (Johnston 1988, "Transform coding of audio signals using
 * perceptual noise criteria", with Schroeder's spreading function): its
 * constants are the textbook ones except two, both chosen to be careful:
 *   - tonality saturates at a spectral flatness of -30 dB rather than
 *     -60 dB, so that a band counts as tonal sooner (tonal maskers mask
 *     noise far less than noise maskers do);
 *   - flatness is measured over the band and its two neighbours, so that
 *     the narrow low bands (a few bins each) are not called noise-like just
 *     because one bin has nothing to be flat against.
 * The threshold in quiet assumes a full-scale sine plays at 96 dB SPL, as
 * MPEG's models do; quieter playback only raises the real threshold.
 */
#include "wm_dsp.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define TWO_PI 6.283185307179586

static double pow10_neg(double db)
{
	return pow(10.0, -db / 10.0);
}

static bool is_pow2(unsigned n)
{
	return n && !(n & (n - 1));
}

int wm_fft_init(struct wm_fft *f, unsigned n)
{
	unsigned h = n / 2, bits = 0;

	memset(f, 0, sizeof(*f));
	if (!is_pow2(n) || n < WM_FFT_MIN || n > WM_FFT_MAX)
		return -1;
	f->n = n;
	/* h/2 twiddles of the complex transform, then n/2 of the split */
	f->twiddle = malloc(sizeof(float) * 2 * (h / 2 + h));
	f->bitrev = malloc(sizeof(unsigned) * h);
	if (!f->twiddle || !f->bitrev) {
		wm_fft_free(f);
		return -1;
	}
	for (unsigned i = 0; i < h / 2; i++) {
		double a = -TWO_PI * i / h;

		f->twiddle[2 * i] = (float)cos(a);
		f->twiddle[2 * i + 1] = (float)sin(a);
	}
	for (unsigned k = 0; k < h; k++) {
		double a = -TWO_PI * k / n;

		f->twiddle[h + 2 * k] = (float)cos(a);
		f->twiddle[h + 2 * k + 1] = (float)sin(a);
	}
	while ((1u << bits) < h)
		bits++;
	for (unsigned i = 0; i < h; i++) {
		unsigned r = 0;

		for (unsigned b = 0; b < bits; b++)
			if (i & (1u << b))
				r |= 1u << (bits - 1 - b);
		f->bitrev[i] = r;
	}
	return 0;
}

void wm_fft_free(struct wm_fft *f)
{
	free(f->twiddle);
	free(f->bitrev);
	f->twiddle = NULL;
	f->bitrev = NULL;
	f->n = 0;
}

/* One radix-2 stage of blocks of len (twiddle stride step), for blocks
 * starting at i. */
static void stage(const struct wm_fft *f, float *z, unsigned len, int sign)
{
	unsigned h = f->n / 2, half = len / 2, step = h / len;

	for (unsigned i = 0; i < h; i += len) {
		float *a = z + 2 * i, *b = z + 2 * (i + half);

		for (unsigned k = 0; k < half; k++) {
			float wr = f->twiddle[2 * k * step];
			float wi = f->twiddle[2 * k * step + 1] * (float)-sign;
			float br = b[2 * k], bi = b[2 * k + 1];
			float tr = br * wr - bi * wi, ti = br * wi + bi * wr;

			b[2 * k] = a[2 * k] - tr;
			b[2 * k + 1] = a[2 * k + 1] - ti;
			a[2 * k] += tr;
			a[2 * k + 1] += ti;
		}
	}
}

/* The stages of len and 2 len at once: each group of four points goes
 * through both butterflies in registers.  Every butterfly computes exactly
 * what stage() would, from the same inputs, so the result is bit for bit
 * the same; only the loads and stores of the middle stage are saved. */
static void stage_pair(const struct wm_fft *f, float *z, unsigned len, int sign)
{
	unsigned h = f->n / 2, half = len / 2, step1 = h / len, step2 = step1 / 2;
	float s = (float)-sign;

	for (unsigned i = 0; i < h; i += 2 * len) {
		float *p0 = z + 2 * i, *p1 = p0 + 2 * half, *p2 = p0 + 2 * len,
		      *p3 = p2 + 2 * half;

		for (unsigned k = 0; k < half; k++) {
			float w1r = f->twiddle[2 * k * step1], w1i = f->twiddle[2 * k * step1 + 1] * s;
			float war = f->twiddle[2 * k * step2], wai = f->twiddle[2 * k * step2 + 1] * s;
			float wbr = f->twiddle[2 * (k + half) * step2];
			float wbi = f->twiddle[2 * (k + half) * step2 + 1] * s;
			float x0r = p0[2 * k], x0i = p0[2 * k + 1], x1r = p1[2 * k], x1i = p1[2 * k + 1];
			float x2r = p2[2 * k], x2i = p2[2 * k + 1], x3r = p3[2 * k], x3i = p3[2 * k + 1];
			float tr, ti;

			/* stage len: (0, 1) and (2, 3), both with w1 */
			tr = x1r * w1r - x1i * w1i;
			ti = x1r * w1i + x1i * w1r;
			x1r = x0r - tr;
			x1i = x0i - ti;
			x0r += tr;
			x0i += ti;
			tr = x3r * w1r - x3i * w1i;
			ti = x3r * w1i + x3i * w1r;
			x3r = x2r - tr;
			x3i = x2i - ti;
			x2r += tr;
			x2i += ti;
			/* stage 2 len: (0, 2) with wa, (1, 3) with wb */
			tr = x2r * war - x2i * wai;
			ti = x2r * wai + x2i * war;
			p2[2 * k] = x0r - tr;
			p2[2 * k + 1] = x0i - ti;
			p0[2 * k] = x0r + tr;
			p0[2 * k + 1] = x0i + ti;
			tr = x3r * wbr - x3i * wbi;
			ti = x3r * wbi + x3i * wbr;
			p3[2 * k] = x1r - tr;
			p3[2 * k + 1] = x1i - ti;
			p1[2 * k] = x1r + tr;
			p1[2 * k + 1] = x1i + ti;
		}
	}
}

/* In-place complex FFT of size n/2 on interleaved re, im; sign -1 forward,
 * +1 inverse (unscaled).  Radix-2 decimation in time; with an odd number
 * of stages the first runs alone, the rest in pairs. */
static void complex_fft(const struct wm_fft *f, float *z, int sign)
{
	unsigned h = f->n / 2, stages = 0, len = 2;

	for (unsigned i = 0; i < h; i++) {
		unsigned j = f->bitrev[i];

		if (j > i) {
			float tr = z[2 * i], ti = z[2 * i + 1];

			z[2 * i] = z[2 * j];
			z[2 * i + 1] = z[2 * j + 1];
			z[2 * j] = tr;
			z[2 * j + 1] = ti;
		}
	}
	while ((1u << stages) < h)
		stages++;
	if (stages % 2) {
		stage(f, z, len, sign);
		len <<= 1;
	}
	for (; len <= h; len <<= 2)
		stage_pair(f, z, len, sign);
}

void wm_fft_forward(const struct wm_fft *f, const float *in, float *out)
{
	unsigned n = f->n, h = n / 2;
	const float *w = f->twiddle + h;

	memcpy(out, in, sizeof(float) * n);
	complex_fft(f, out, -1);
	/* split: out holds Z[0..h-1]; X[k] for k = 0..h into out[0..n+1] */
	out[n] = out[0] - out[1];
	out[n + 1] = 0.0f;
	out[0] = out[0] + out[1];
	out[1] = 0.0f;
	for (unsigned k = 1; k <= h / 2; k++) {
		unsigned m = h - k;
		float zr = out[2 * k], zi = out[2 * k + 1];
		float yr = out[2 * m], yi = out[2 * m + 1];
		/* E = (Z[k] + conj Z[m]) / 2, O = (Z[k] - conj Z[m]) / 2i */
		float er = 0.5f * (zr + yr), ei = 0.5f * (zi - yi);
		float or_ = 0.5f * (zi + yi), oi = -0.5f * (zr - yr);
		float wr = w[2 * k], wi = w[2 * k + 1];
		float tr = or_ * wr - oi * wi, ti = or_ * wi + oi * wr;
		/* X[m] = conj(E[k]) + W^m conj(O[k]) = conj(E[k] - W^k O[k]) */
		out[2 * k] = er + tr;
		out[2 * k + 1] = ei + ti;
		out[2 * m] = er - tr;
		out[2 * m + 1] = -(ei - ti);
	}
}

void wm_fft_inverse(const struct wm_fft *f, float *spec, float *out)
{
	unsigned n = f->n, h = n / 2;
	const float *w = f->twiddle + h;
	float scale = 1.0f / (float)h;

	/* Z[k] = E[k] + i O[k], E = (X[k] + conj X[h-k]) / 2,
	 * O = (X[k] - conj X[h-k]) / (2 W^k) */
	{
		float x0 = spec[0], xh = spec[n];

		spec[0] = 0.5f * (x0 + xh);
		spec[1] = 0.5f * (x0 - xh);
	}
	for (unsigned k = 1; k <= h / 2; k++) {
		unsigned m = h - k;
		float ar = spec[2 * k], ai = spec[2 * k + 1];
		float br = spec[2 * m], bi = spec[2 * m + 1];
		float er = 0.5f * (ar + br), ei = 0.5f * (ai - bi);
		float dr = 0.5f * (ar - br), di = 0.5f * (ai + bi);
		float wr = w[2 * k], wi = -w[2 * k + 1]; /* 1 / W^k = conj W^k */
		float or_ = dr * wr - di * wi, oi = dr * wi + di * wr;
		/* Z[k] = E + i O; Z[m] = conj(E) + i conj(O) */
		spec[2 * k] = er - oi;
		spec[2 * k + 1] = ei + or_;
		spec[2 * m] = er + oi;
		spec[2 * m + 1] = -ei + or_;
	}
	complex_fft(f, spec, 1);
	for (unsigned i = 0; i < n; i++)
		out[i] = spec[i] * scale;
}

void wm_window_hann(float *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		w[i] = (float)(0.5 - 0.5 * cos(TWO_PI * i / n));
}

void wm_window_sqrt_hann(float *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		w[i] = (float)sqrt(0.5 - 0.5 * cos(TWO_PI * i / n));
}

static double bark(double hz)
{
	return 13.0 * atan(0.00076 * hz) + 3.5 * atan((hz / 7500.0) * (hz / 7500.0));
}

/* Schroeder's spreading function, dz = maskee - masker in Bark, in dB. */
static double spreading_db(double dz)
{
	double x = dz + 0.474;

	return 15.81 + 7.5 * x - 17.5 * sqrt(1.0 + x * x);
}

int wm_mask_init(struct wm_mask_model *m, unsigned n, unsigned rate)
{
	unsigned half = n / 2, nb = 0;
	double *center = NULL;
	int last = -1;

	memset(m, 0, sizeof(*m));
	if (!is_pow2(n) || n < WM_FFT_MIN || n > WM_FFT_MAX || rate < 1000)
		return -1;
	m->n = n;
	m->rate = rate;
	m->band_of = calloc(half + 1, sizeof(*m->band_of));
	m->first = calloc(half + 2, sizeof(*m->first));
	center = calloc(half + 1, sizeof(*center));
	if (!m->band_of || !m->first || !center)
		goto out_fail;
	/* bin 0 joins the first band; a band is every bin of one whole Bark */
	for (unsigned k = 0; k <= half; k++) {
		int z = (int)bark((double)k * rate / n);

		if (k > 0 && z != last) {
			if (k > 1)
				nb++;
			m->first[nb] = (unsigned short)(k == 1 ? 0 : k);
			last = z;
		}
		m->band_of[k] = (unsigned short)nb;
	}
	nb++;
	m->first[nb] = (unsigned short)(half + 1);
	m->bands = nb;
	for (unsigned b = 0; b < nb; b++) {
		double lo = m->first[b], hi = m->first[b + 1];

		center[b] = bark(0.5 * (lo + hi - 1.0) * rate / n);
	}
	m->spread = malloc(sizeof(float) * nb * nb);
	m->renorm = malloc(sizeof(float) * nb);
	m->quiet = malloc(sizeof(float) * (half + 1));
	if (!m->spread || !m->renorm || !m->quiet)
		goto out_fail;
	for (unsigned k = 0; k <= half; k++) {
		/* Terhardt, dB SPL; a full-scale sine gives (n/4)^2 in its bin */
		double khz = fmax((double)k * rate / n, 20.0) / 1000.0;
		double spl = 3.64 * pow(khz, -0.8) - 6.5 * exp(-0.6 * (khz - 3.3) * (khz - 3.3)) +
			     1e-3 * pow(khz, 4.0);

		if (spl > 60.0)
			spl = 60.0;
		m->quiet[k] = (float)((double)n * n / 16.0 * pow(10.0, (spl - 96.0) / 10.0));
	}
	for (unsigned to = 0; to < nb; to++) {
		double sum = 0.0;

		for (unsigned from = 0; from < nb; from++) {
			double db = spreading_db(center[to] - center[from]);
			double lin = db < -60.0 ? 0.0 : pow(10.0, db / 10.0);

			m->spread[to * nb + from] = (float)lin;
			sum += lin;
		}
		m->renorm[to] = (float)(1.0 / sum);
	}
	free(center);
	return 0;
out_fail:
	free(center);
	wm_mask_free(m);
	return -1;
}

void wm_mask_free(struct wm_mask_model *m)
{
	free(m->band_of);
	free(m->first);
	free(m->spread);
	free(m->renorm);
	free(m->quiet);
	memset(m, 0, sizeof(*m));
}

void wm_mask_compute(const struct wm_mask_model *m, const float *pow, float *mask,
		     float *scratch)
{
	unsigned nb = m->bands;
	float *energy = scratch, *logmean = scratch + nb, *offset_db = scratch + 2 * nb;

	for (unsigned b = 0; b < nb; b++) {
		double e = 0.0, l = 0.0;

		for (unsigned k = m->first[b]; k < m->first[b + 1]; k++) {
			e += pow[k];
			l += log(pow[k] + 1e-20);
		}
		energy[b] = (float)e;
		logmean[b] = (float)l;
	}
	/* tonality from the flatness of band b and its neighbours */
	for (unsigned b = 0; b < nb; b++) {
		unsigned lo = b ? b - 1 : 0, hi = b + 1 < nb ? b + 1 : b;
		unsigned count = m->first[hi + 1] - m->first[lo];
		double e = 0.0, l = 0.0, sfm_db, alpha, z;

		for (unsigned j = lo; j <= hi; j++) {
			e += energy[j];
			l += logmean[j];
		}
		if (e <= 0.0) {
			offset_db[b] = 0.0f;
			continue;
		}
		/* 10 log10(geometric mean / arithmetic mean) */
		sfm_db = 10.0 / log(10.0) * (l / count - log(e / count + 1e-20));
		alpha = sfm_db / -30.0;
		if (alpha > 1.0)
			alpha = 1.0;
		if (alpha < 0.0)
			alpha = 0.0;
		z = b + 0.5;
		offset_db[b] = (float)(alpha * (14.5 + z) + (1.0 - alpha) * 5.5);
	}
	for (unsigned b = 0; b < nb; b++) {
		const float *s = m->spread + (size_t)b * nb;
		double c = 0.0, t;
		unsigned bins = m->first[b + 1] - m->first[b];

		for (unsigned j = 0; j < nb; j++)
			c += (double)s[j] * energy[j];
		t = c * m->renorm[b] * pow10_neg(offset_db[b]);
		for (unsigned k = m->first[b]; k < m->first[b + 1]; k++)
			mask[k] = fmaxf((float)(t / bins), m->quiet[k]);
	}
}
