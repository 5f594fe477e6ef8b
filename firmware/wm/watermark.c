// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * watermark: keys, payloads, the embedder and the quality measure (see
 * watermark.h).  The detector is wm_detect.c, the shared geometry
 * wm_layout.c, the code wm_code.c, the FFT and masking model wm_dsp.c.
 *
 * THE DESIGN
 *
 * Spread spectrum in the STFT magnitude domain, shaped by a masking model,
 * after the patchwork and spread-spectrum schemes of the literature
 * (Bender et al. 1996; Kirovski and Malvar 2003; Steinebach 2004).
 *
 *   payload (116 bits) --XOR key stream--> K=7 rate-1/3 code --> 366 bits
 *   366 bits × 13 tiles + 1866 sync tiles = one period of 288 slots × 23
 *   bands, repeated for the whole track.
 *
 * Embedding.  A 1024-point STFT (hop 512, square-root Hann analysis and
 * synthesis windows) of every channel.  In each frame and each band the
 * spectrum is multiplied by 1 + d·sign, sign = ±1 from the tile (see
 * wm_layout.h), the same factor on every channel.  Only the difference is
 * synthesised and added, so the audio outside the bands, and wherever d is
 * 0, is bit-exact.  d is set per frame and band by the masking model
 * (wm_dsp.c) on the mean power spectrum of the channels:
 *     d = min(STRENGTH · sqrt(mask / band energy), D_MAX, transient cap)
 * so that the added noise, whose power is d² times the band's, stays under
 * the band's masking threshold (STRENGTH = 0.7 puts it 3 dB under).
 * D_MAX caps the change in noise-like bands where the model would allow
 * more.  Format v1 used STRENGTH 0.7 and D_MAX 0.2 (±1.6 dB) everywhere,
 * and the cap bound almost everywhere on real music: PEAQ (GstPEAQ, an
 * objective model, run outside the repository) graded it -1.45 basic, the
 * median of ten real pieces.
 * Format v2 (the same bits, code and tiles: the detector reads both and the
 * payload's version field says which) tries four levels, from STRENGTH
 * 0.35 / D_MAX 0.09 (±0.75 dB) up to v1's, and keeps the first whose
 * marked copy the detector reads back from its middle 30 s with confidence
 * 0.72 (wm_embed.c): real music mostly stays at the two quietest, while
 * sparse synthetic music (the sample album) needs v1's strength to be read
 * at all.
 * The transient cap guards against pre-echo: the noise spreads over the
 * whole 23 ms frame, so before a sharp onset (a 2.9 ms segment 9 dB above
 * those before it) it could be heard; d is then held to keep the noise
 * 15 dB under the signal before the onset.  The gains are softened across
 * band edges (1/4, 1/2, 1/4 over bins) so that the per-frame filter is
 * short in time.  A multiplicative mark has a useful property: it scales
 * with the music, so it vanishes in silence and in fades.
 *
 * Detection (wm_detect.c).  The detector never needs the original.  It
 * takes the log energy of each band in 75 %-overlapping frames, removes
 * each frame's mean and each band's slow trend (the music's envelope and
 * spectral shape: what is left is mostly the music's fine texture, a noise
 * of roughly constant variance, plus the mark), and correlates with the
 * key's chips.  The sync tiles locate the period start (any offset,
 * searched in 5.8 ms steps), the playback speed (±1.2 %, in 0.05 %
 * steps) and the sample rate the mark was made at (44.1 or 48 kHz, the
 * other being a speed of 1.088); the data tiles are then summed per coded
 * bit over every period in the input, each period weighted by its own sync
 * strength (maximum-ratio combining), and the soft Viterbi decoder and the
 * CRC-24 give the payload or nothing.
 *
 * Why these numbers.  A 30 s excerpt must carry the payload cut anywhere:
 * a 10 s period gives every coded bit about 39 tiles in any 30 s, which
 * at the mark's strength is enough margin for MP3 at 64 kbit/s (make
 * bench-wm; on real music the 30 s excerpts decode with a third of the
 * correction capacity to spare).  STRENGTH and D_MAX were set with the
 * bench: at 0.5 and 0.12 the SNR is 4 dB better but sparse synthetic
 * music (the unit test's) no longer decodes from 30 s.  Slots of
 * three hops (35 ms) tolerate the timing error left by the speed search.
 * The payload's 116 bits are the 92 the issue asks for plus a CRC-24: a
 * random decode passes it once in 16 million, and the detector decodes at
 * most a handful of candidates per input, and only after the sync pattern
 * stood out of the noise by several standard deviations.
 *
 * Collusion.  Two customers' copies averaged: the sync tiles (the same in
 * every copy) keep their full strength, while the data tiles where the two
 * codewords differ cancel.  The detector compares the energy it finds in
 * the data tiles with what the sync tiles predict; a clear shortfall is
 * reported as conflicting marks, not as either customer.  Two copies
 * spliced: the periods are also decoded in groups of three (30 s); two
 * different valid payloads are a conflict too.
 *
 * Inaudibility is judged by the model, not by ears: no listening test was
 * possible here.  wm_quality() reports the SNR, the segmental SNR, and the
 * noise-to-mask ratio of the actual difference signal against the masking
 * model of the original, per critical band and frame, which is what the
 * bench prints.
 */
#include "watermark.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/pbkdf2.h>

#include "wm_dsp.h"
#include "wm_layout.h"

#define KDF_SALT "tenpo-wm-key-v1"
#define KDF_ITERATIONS 100000

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int wm_key_from_text(struct wm_key *k, const char *text, struct err *e)
{
	size_t len = text ? strlen(text) : 0;
	bool hex = len == 2 * WM_KEY_LEN;

	if (!len)
		return err_fail(e, "watermark key is empty");
	for (size_t i = 0; hex && i < len; i++)
		hex = hex_value((unsigned char)text[i]) >= 0;
	if (hex) {
		for (size_t i = 0; i < WM_KEY_LEN; i++)
			k->bytes[i] = (uint8_t)(hex_value((unsigned char)text[2 * i]) << 4 |
						hex_value((unsigned char)text[2 * i + 1]));
		return 0;
	}
	pbkdf2_hmac_sha256(len, (const uint8_t *)text, KDF_ITERATIONS, sizeof(KDF_SALT) - 1,
			   (const uint8_t *)KDF_SALT, WM_KEY_LEN, k->bytes);
	return 0;
}

bool wm_payload_equal(const struct wm_payload *a, const struct wm_payload *b)
{
	return a->content_server == b->content_server &&
	       a->delivery_server == b->delivery_server && a->user == b->user &&
	       a->shop == b->shop;
}

static void put_bits(uint8_t *bits, unsigned *at, uint32_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		bits[(*at)++] = (uint8_t)((v >> (n - 1 - i)) & 1u);
}

static uint32_t get_bits(const uint8_t *bits, unsigned *at, unsigned n)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v = (v << 1) | (bits[(*at)++] & 1u);
	return v;
}

#define ID_BITS (4 + 16 + 16 + 32 + 24)

int wm_payload_pack(const struct wm_payload *p, uint8_t bits[WM_PAYLOAD_BITS],
		    struct err *e)
{
	unsigned at = 0, version = p->version ? p->version : WM_VERSION;

	if (p->shop > 0xFFFFFFu)
		return err_fail(e, "watermark: shop ID %u does not fit 24 bits", (unsigned)p->shop);
	if (version < WM_VERSION_MIN || version > WM_VERSION)
		return err_fail(e, "watermark: payload version %u (this codec writes %u to %u)",
				version, WM_VERSION_MIN, WM_VERSION);
	put_bits(bits, &at, version, 4);
	put_bits(bits, &at, p->content_server, 16);
	put_bits(bits, &at, p->delivery_server, 16);
	put_bits(bits, &at, p->user, 32);
	put_bits(bits, &at, p->shop, 24);
	put_bits(bits, &at, wm_crc24(bits, ID_BITS), 24);
	return 0;
}

int wm_payload_unpack(const uint8_t bits[WM_PAYLOAD_BITS], struct wm_payload *p,
		      struct err *e)
{
	unsigned at = ID_BITS, version;

	if (wm_crc24(bits, ID_BITS) != get_bits(bits, &at, 24))
		return err_fail(e, "watermark payload: CRC mismatch");
	at = 0;
	version = get_bits(bits, &at, 4);
	if (version < WM_VERSION_MIN || version > WM_VERSION)
		return err_fail(e, "watermark payload: version %u, this codec reads %u to %u",
				version, WM_VERSION_MIN, WM_VERSION);
	p->version = (uint8_t)version;
	p->content_server = (uint16_t)get_bits(bits, &at, 16);
	p->delivery_server = (uint16_t)get_bits(bits, &at, 16);
	p->user = get_bits(bits, &at, 32);
	p->shop = get_bits(bits, &at, 24);
	return 0;
}

const char *wm_status_name(enum wm_status s)
{
	switch (s) {
	case WM_FOUND:
		return "found";
	case WM_CONFLICT:
		return "conflicting";
	case WM_NOT_FOUND:
		break;
	}
	return "not found";
}

int wm_detect(const struct wm_key *k, const float *pcm, size_t frames, unsigned channels,
	      unsigned rate, struct wm_result *r, struct err *e)
{
	struct wm_pcm v = { WM_PCM_F32, pcm, frames, channels };

	return wm_detect_pcm(k, &v, rate, r, e);
}

int wm_detect_s16(const struct wm_key *k, const int16_t *pcm, size_t frames,
		  unsigned channels, unsigned rate, struct wm_result *r, struct err *e)
{
	struct wm_pcm v = { WM_PCM_S16, pcm, frames, channels };

	return wm_detect_pcm(k, &v, rate, r, e);
}

#define NMR_HIST_MIN -80.0
#define NMR_HIST_STEP 0.25
#define NMR_HIST_BINS 600

int wm_quality(const float *orig, const float *marked, size_t frames, unsigned channels,
	       unsigned rate, struct wm_quality *q, struct err *e)
{
	struct wm_mask_model mm = { 0 };
	struct wm_fft fft = { 0 };
	float win[WM_N], xa[WM_N], xd[WM_N], a[WM_N + 2], d[WM_N + 2], pa[WM_N / 2 + 1],
		pd[WM_N / 2 + 1], mk[WM_N / 2 + 1];
	float *scratch = NULL;
	unsigned *hist = NULL;
	double sig = 0.0, noise = 0.0, seg = 0.0, nmr_sum = 0.0;
	size_t segs = 0, cells = 0, over = 0;
	int rc = -1;

	memset(q, 0, sizeof(*q));
	if (!channels || channels > WM_DETECT_CHANNELS_MAX || rate < 8000 || rate > 384000)
		return err_fail(e, "quality: bad shape (%u channels, %u Hz)", channels, rate);
	if (wm_fft_init(&fft, WM_N) || wm_mask_init(&mm, WM_N, rate))
		goto out_nomem;
	scratch = malloc(sizeof(float) * WM_MASK_SCRATCH(&mm));
	hist = calloc(NMR_HIST_BINS, sizeof(*hist));
	if (!scratch || !hist)
		goto out_nomem;
	wm_window_hann(win, WM_N);
	for (size_t i = 0; i < frames * channels; i++) {
		double x = orig[i], y = marked[i] - orig[i];

		sig += x * x;
		noise += y * y;
	}
	for (unsigned c = 0; c < channels; c++) {
		for (size_t start = 0; start + WM_N <= frames; start += WM_N / 2) {
			double es = 0.0, en = 0.0;

			for (unsigned i = 0; i < WM_N; i++) {
				float x = orig[(start + i) * channels + c];
				float y = marked[(start + i) * channels + c] - x;

				xa[i] = x * win[i];
				xd[i] = y * win[i];
				if (!(start % WM_N)) {
					es += (double)x * x;
					en += (double)y * y;
				}
			}
			if (!(start % WM_N) && es / WM_N > 1e-7) { /* -70 dBFS */
				double s = en > 0.0 ? 10.0 * log10(es / en) : 60.0;

				seg += s < -10.0 ? -10.0 : s > 60.0 ? 60.0 : s;
				segs++;
			}
			wm_fft_forward(&fft, xa, a);
			wm_fft_forward(&fft, xd, d);
			for (unsigned k = 0; k <= WM_N / 2; k++) {
				pa[k] = a[2 * k] * a[2 * k] + a[2 * k + 1] * a[2 * k + 1];
				pd[k] = d[2 * k] * d[2 * k] + d[2 * k + 1] * d[2 * k + 1];
			}
			wm_mask_compute(&mm, pa, mk, scratch);
			for (unsigned b = 0; b < mm.bands; b++) {
				double nb = 0.0, mb = 0.0, eb = 0.0, r;
				int h;

				for (unsigned k = mm.first[b]; k < mm.first[b + 1]; k++) {
					nb += pd[k];
					mb += mk[k];
					eb += pa[k];
				}
				if (eb < 1e-6 || mb <= 0.0)
					continue; /* silence in this band */
				r = nb / mb;
				nmr_sum += r;
				cells++;
				if (r > 1.0)
					over++;
				h = (int)((10.0 * log10(r + 1e-30) - NMR_HIST_MIN) / NMR_HIST_STEP);
				h = h < 0 ? 0 : h >= NMR_HIST_BINS ? NMR_HIST_BINS - 1 : h;
				hist[h]++;
			}
		}
	}
	q->snr_db = noise > 0.0 ? 10.0 * log10(sig / noise) : INFINITY;
	q->segsnr_db = segs ? seg / (double)segs : 0.0;
	q->nmr_mean_db = cells ? 10.0 * log10(nmr_sum / (double)cells + 1e-30) : -INFINITY;
	q->nmr_over_pct = cells ? 100.0 * (double)over / (double)cells : 0.0;
	q->nmr_worst_db = NMR_HIST_MIN;
	if (cells) {
		size_t want = cells - cells / 1000, seen = 0;

		for (int h = 0; h < NMR_HIST_BINS; h++) {
			seen += hist[h];
			if (seen >= want) {
				q->nmr_worst_db = NMR_HIST_MIN + (h + 1) * NMR_HIST_STEP;
				break;
			}
		}
	}
	rc = 0;
	goto out_free;
out_nomem:
	err_fail(e, "out of memory");
out_free:
	free(scratch);
	free(hist);
	wm_mask_free(&mm);
	wm_fft_free(&fft);
	return rc;
}
