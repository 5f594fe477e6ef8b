/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wm_layout: where the watermark lives — the geometry shared by the
 * embedder (watermark.c) and the detector (wm_detect.c), and the key's
 * secret choices within it.  Internal to the watermark modules.
 *
 * Time is cut into slots of WM_SLOT samples (three hops of the 1024-point,
 * 50 %-overlap STFT), frequency into bands of whole FFT bins; a tile is one
 * slot of one band.  A period is WM_PERIOD_SLOTS slots, and every period
 * carries the whole coded payload: each tile either belongs to the sync
 * pattern or carries one coded bit, and has a chip (+1 or -1).  The
 * embedder scales the band's spectrum in that tile by 1 + d * sign, where
 * sign = chip for sync tiles and chip * (bit ? 1 : -1) for data tiles, and
 * d comes from the masking model.  Which tile does what, and every chip, is
 * drawn from the key; the band edges and the timing are fixed.
 */
#ifndef TENPO_WM_LAYOUT_H
#define TENPO_WM_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "watermark.h"
#include "wm_code.h"

#define WM_N 1024                          /* embedding FFT size */
#define WM_HOP (WM_N / 2)
#define WM_SLOT_HOPS 3
#define WM_SLOT (WM_HOP * WM_SLOT_HOPS)    /* 1536 samples, 34.8 ms at 44.1 kHz */
#define WM_PERIOD_SLOTS 288                /* 442368 samples, 10.03 s at 44.1 kHz */
#define WM_PERIOD_SAMPLES ((size_t)WM_SLOT * WM_PERIOD_SLOTS)
#define WM_BANDS_MAX 32
#define WM_CODED_BITS WM_CODED_LEN(WM_PAYLOAD_BITS) /* 366 */
#define WM_TILES_MAX (WM_PERIOD_SLOTS * WM_BANDS_MAX)

struct wm_sync_tile {
	uint16_t slot;
	uint8_t band;
	int8_t chip;
};

struct wm_data_tile {
	uint16_t slot;
	uint8_t band;
	int8_t chip;
	uint16_t bit; /* coded bit index */
};

struct wm_layout {
	unsigned bands;
	unsigned short lo[WM_BANDS_MAX], hi[WM_BANDS_MAX]; /* bins [lo, hi) at WM_N */
	unsigned data_reps;   /* tiles per coded bit per period */
	unsigned n_sync, n_data;
	struct wm_sync_tile sync[WM_TILES_MAX];
	struct wm_data_tile data[WM_TILES_MAX];
	int16_t tile_bit[WM_TILES_MAX];  /* by slot * bands + band: -1 sync, else the bit */
	int8_t tile_chip[WM_TILES_MAX];
	uint8_t whiten[WM_PAYLOAD_BITS]; /* XORed onto the payload before coding */
};

/* Builds the layout for key k.  Cannot fail. */
void wm_layout_build(struct wm_layout *l, const struct wm_key *k);

/* Payload -> coded bits (whitened, convolutionally coded). */
int wm_layout_encode(const struct wm_layout *l, const struct wm_payload *p,
		     uint8_t coded[WM_CODED_BITS], struct err *e);

/* Soft values -> payload; 0 when the CRC and version check, -1 otherwise.
 * errors: coded bits whose sign disagrees with the re-encoded codeword. */
int wm_layout_decode(const struct wm_layout *l, const float soft[WM_CODED_BITS],
		     struct wm_payload *p, unsigned *errors);

/* A read-only view of the caller's samples, float or int16, interleaved. */
enum wm_pcm_kind { WM_PCM_F32, WM_PCM_S16 };

struct wm_pcm {
	enum wm_pcm_kind kind;
	const void *data;
	size_t frames;
	unsigned channels;
};

/* Mono mix of frame i. */
static inline float wm_pcm_mono(const struct wm_pcm *v, size_t i)
{
	float s = 0.0f;

	if (v->kind == WM_PCM_F32) {
		const float *p = (const float *)v->data + i * v->channels;

		for (unsigned c = 0; c < v->channels; c++)
			s += p[c];
	} else {
		const int16_t *p = (const int16_t *)v->data + i * v->channels;

		for (unsigned c = 0; c < v->channels; c++)
			s += (float)p[c] * (1.0f / 32768.0f);
	}
	return s / (float)v->channels;
}

/* The detector (wm_detect.c). */
int wm_detect_pcm(const struct wm_key *k, const struct wm_pcm *v, unsigned rate,
		  struct wm_result *r, struct err *e);

#endif
