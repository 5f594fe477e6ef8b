// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wm_layout: the key's choices within the fixed geometry (see wm_layout.h).
 *
 * Bands.  From bin 8 (344 Hz at 44.1 kHz) to bin 165 (7.1 kHz), at least
 * four bins wide (a Hann main lobe) and about a tenth of their frequency
 * wide above that, so that a 1 % speed change moves energy by less than
 * half a band everywhere: 23 bands.  Below 344 Hz there is little room
 * under the mask and much energy (the SNR would suffer for nothing); above
 * 7 kHz MP3 at 64 kbit/s and low-quality Vorbis quantise coarsely or cut.
 *
 * Tiles.  A period has 288 slots × 23 bands = 6624 tiles.  The 366 coded
 * bits get 13 tiles each (4758), the other 1866 (28 %) form the sync
 * pattern, which the detector correlates over offsets, speeds and sample
 * rates, and which also measures, period by period, how strong the mark is
 * (so that periods are weighted by their evidence).  A keyed shuffle
 * spreads each bit's 13 tiles over the period, so neither a burst in time
 * (a drum fill) nor a dead band (a lowpass) takes out any one bit, and the
 * sync tiles sit everywhere.
 *
 * The random stream is ChaCha20 (Nettle) keyed with the watermark key,
 * one nonce per use; rejection sampling keeps the shuffle unbiased.
 */
#include "wm_layout.h"

#include <string.h>

#include <nettle/chacha.h>

#include "wm_code.h"

#define BAND_FIRST_BIN 8
#define BAND_LAST_BIN 166
#define BAND_MIN_WIDTH 4

struct keystream {
	struct chacha_ctx ctx;
	uint8_t buf[64];
	unsigned pos;
};

static void keystream_init(struct keystream *s, const struct wm_key *k, const char nonce[8])
{
	chacha_set_key(&s->ctx, k->bytes);
	chacha_set_nonce(&s->ctx, (const uint8_t *)nonce);
	s->pos = sizeof(s->buf);
}

static uint32_t keystream_u32(struct keystream *s)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < 4; i++) {
		if (s->pos == sizeof(s->buf)) {
			memset(s->buf, 0, sizeof(s->buf));
			chacha_crypt(&s->ctx, sizeof(s->buf), s->buf, s->buf);
			s->pos = 0;
		}
		v = (v << 8) | s->buf[s->pos++];
	}
	return v;
}

/* Uniform in [0, n), n > 0. */
static uint32_t keystream_below(struct keystream *s, uint32_t n)
{
	uint32_t limit = UINT32_MAX - UINT32_MAX % n, v;

	do
		v = keystream_u32(s);
	while (v >= limit);
	return v % n;
}

static unsigned make_bands(unsigned short *lo, unsigned short *hi)
{
	unsigned b = 0, k = BAND_FIRST_BIN;

	while (b < WM_BANDS_MAX) {
		unsigned w = (k + 5) / 10;

		if (w < BAND_MIN_WIDTH)
			w = BAND_MIN_WIDTH;
		if (k + w > BAND_LAST_BIN)
			break;
		lo[b] = (unsigned short)k;
		hi[b] = (unsigned short)(k + w);
		k += w;
		b++;
	}
	return b;
}

void wm_layout_build(struct wm_layout *l, const struct wm_key *k)
{
	uint16_t order[WM_TILES_MAX];
	struct keystream ks;
	unsigned tiles;

	memset(l, 0, sizeof(*l));
	l->bands = make_bands(l->lo, l->hi);
	tiles = WM_PERIOD_SLOTS * l->bands;
	/* about 72 % data, the rest sync */
	l->data_reps = (tiles * 72 / 100) / WM_CODED_BITS;
	l->n_data = l->data_reps * WM_CODED_BITS;
	l->n_sync = tiles - l->n_data;

	keystream_init(&ks, k, "wmlayout");
	for (unsigned i = 0; i < tiles; i++)
		order[i] = (uint16_t)i;
	for (unsigned i = tiles - 1; i > 0; i--) {
		unsigned j = keystream_below(&ks, i + 1);
		uint16_t t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned i = 0; i < tiles; i++) {
		unsigned t = order[i];

		l->tile_bit[t] = i < l->n_data ? (int16_t)(i % WM_CODED_BITS) : -1;
		l->tile_chip[t] = (keystream_u32(&ks) & 1u) ? 1 : -1;
	}
	/* the lists in slot order, which is how both sides walk them */
	for (unsigned t = 0, ns = 0, nd = 0; t < tiles; t++) {
		uint16_t slot = (uint16_t)(t / l->bands);
		uint8_t band = (uint8_t)(t % l->bands);

		if (l->tile_bit[t] < 0)
			l->sync[ns++] = (struct wm_sync_tile){ slot, band, l->tile_chip[t] };
		else
			l->data[nd++] = (struct wm_data_tile){ slot, band, l->tile_chip[t],
							       (uint16_t)l->tile_bit[t] };
	}
	keystream_init(&ks, k, "wmwhiten");
	for (unsigned i = 0; i < WM_PAYLOAD_BITS; i++)
		l->whiten[i] = (uint8_t)(keystream_u32(&ks) & 1u);
}

int wm_layout_encode(const struct wm_layout *l, const struct wm_payload *p,
		     uint8_t coded[WM_CODED_BITS], struct err *e)
{
	uint8_t bits[WM_PAYLOAD_BITS];

	if (wm_payload_pack(p, bits, e))
		return -1;
	for (unsigned i = 0; i < WM_PAYLOAD_BITS; i++)
		bits[i] ^= l->whiten[i];
	wm_conv_encode(bits, WM_PAYLOAD_BITS, coded);
	return 0;
}

int wm_layout_decode(const struct wm_layout *l, const float soft[WM_CODED_BITS],
		     struct wm_payload *p, unsigned *errors)
{
	uint8_t bits[WM_PAYLOAD_BITS], coded[WM_CODED_BITS];
	unsigned wrong = 0;

	wm_viterbi(soft, WM_PAYLOAD_BITS, bits);
	wm_conv_encode(bits, WM_PAYLOAD_BITS, coded);
	for (unsigned i = 0; i < WM_CODED_BITS; i++)
		if ((soft[i] > 0.0f) != (coded[i] != 0))
			wrong++;
	if (errors)
		*errors = wrong;
	for (unsigned i = 0; i < WM_PAYLOAD_BITS; i++)
		bits[i] ^= l->whiten[i];
	return wm_payload_unpack(bits, p, NULL);
}
