/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wm_dsp: the signal processing under the watermark — a radix-2 real FFT,
 * the STFT windows, and a small psychoacoustic masking model.
 *
 * Everything here is pure computation on caller-owned buffers; a struct
 * wm_fft holds the tables for one transform size and is read-only once
 * made, so one may be shared by threads.
 */
#ifndef TENPO_WM_DSP_H
#define TENPO_WM_DSP_H

#include <stddef.h>

#define WM_FFT_MIN 64
#define WM_FFT_MAX 8192

struct wm_fft {
	unsigned n;        /* real transform size, a power of two */
	float *twiddle;    /* n/2 complex: the half-size complex FFT, then the split */
	unsigned *bitrev;  /* n/2 entries */
};

/* Tables for size n (a power of two in WM_FFT_MIN..WM_FFT_MAX).
 * Returns 0, or -1 on a bad size or no memory. */
int wm_fft_init(struct wm_fft *f, unsigned n);
void wm_fft_free(struct wm_fft *f); /* safe on a zeroed or freed struct */

/*
 * Forward real FFT: in[n] (read only) to out[n + 2] floats holding the
 * n/2 + 1 complex bins as re, im pairs (bin 0 and bin n/2 have im = 0).
 * Unnormalised: a unit sine of bin k gives |X[k]| = n/2.
 */
void wm_fft_forward(const struct wm_fft *f, const float *in, float *out);

/* Inverse of wm_fft_forward, scaled so that inverse(forward(x)) == x.
 * Reads spec[n + 2], writes out[n]; spec is clobbered. */
void wm_fft_inverse(const struct wm_fft *f, float *spec, float *out);

/* Periodic Hann window of length n, and its square root (the analysis and
 * synthesis windows of the 50 %-overlap STFT: sqrt-Hann squared sums to 1). */
void wm_window_hann(float *w, unsigned n);
void wm_window_sqrt_hann(float *w, unsigned n);

/*
 * The masking model, for frames of size n at a sample rate: given the power
 * spectrum pow[n/2 + 1] of one frame (|X|^2 of a windowed frame), writes
 * mask[n/2 + 1], the power per bin that added noise may have before the
 * model says it is audible.  A Johnston-style model: bins grouped into
 * critical bands (Bark), each band's energy spread over its neighbours with
 * Schroeder's spreading function, lowered by an offset that moves between
 * 5.5 dB (noise-like band) and 14.5 + z dB (tonal band) by the band's
 * spectral flatness, renormalised for the spreading gain, and shared out
 * over the band's bins.  No absolute threshold of hearing: the model only
 * ever errs towards less noise.
 */
struct wm_mask_model {
	unsigned n, rate;
	unsigned bands;           /* critical bands that have bins */
	unsigned short *band_of;  /* n/2 + 1: each bin's band */
	unsigned short *first;    /* bands + 1: first bin of each band, then the end */
	float *spread;            /* bands * bands: spreading, linear power */
	float *renorm;            /* bands: 1 / sum of spreading into the band */
	float *quiet;             /* n/2 + 1: the threshold in quiet, as bin power */
};

/* Floats of scratch space wm_mask_compute needs (a caller-owned buffer, so
 * that one model may serve several threads). */
#define WM_MASK_SCRATCH(m) (3 * (size_t)(m)->bands)

int wm_mask_init(struct wm_mask_model *m, unsigned n, unsigned rate);
void wm_mask_free(struct wm_mask_model *m); /* safe on a zeroed or freed struct */
void wm_mask_compute(const struct wm_mask_model *m, const float *pow, float *mask,
		     float *scratch);

#endif
