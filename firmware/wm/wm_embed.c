// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wm_embed: the embedder (watermark.h's wm_embed*, the design is told in
 * watermark.c) and marking a WAV file in place.  It is the server's half of
 * the codec: the delivery server and tenpo-wm mark copies, the kiosk only
 * detects; the Makefile builds this file into libtenpo-server.a, never into
 * the kiosk (tests/integration/boundaries.sh checks build/tenpo with nm).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "watermark.h"
#include "wm_dsp.h"
#include "wm_file.h"
#include "wm_layout.h"
#include "wm_wav.h"

/* Per format version: STRENGTH is the amplitude multiple of the masking
 * threshold, D_MAX the largest relative change of a band's amplitude.  v1
 * is the old mark (orders marked before the upgrade), still made so that
 * the reader of v1 can be tested.  v2 marks at the lowest of its levels
 * whose copy reads back with SELF_CHECK_CONF from a 30 s excerpt (see
 * embed_pcm): quiet where the music carries the mark easily, as strong as
 * v1 only where it does not (sparse, synthetic music). */
#define V1_STRENGTH 0.7f
#define V1_D_MAX 0.2f
static const struct {
	float strength, dmax;
} V2_LEVELS[] = {
#ifdef V2_STRENGTH /* the bench's trade-off: one fixed level */
	{ V2_STRENGTH, V2_D_MAX },
#else
	{ 0.35f, 0.09f }, /* ±0.75 dB */
	{ 0.42f, 0.105f }, /* ±0.87 dB */
	{ 0.5f, 0.13f },  /* ±1.1 dB */
	{ 0.7f, 0.2f },   /* v1's ±1.6 dB */
#endif
};
#define V2_NLEVELS (sizeof(V2_LEVELS) / sizeof(V2_LEVELS[0]))
#ifndef SELF_CHECK_CONF
#define SELF_CHECK_CONF 0.72 /* least confidence of the self-check's read */
#endif
#define SELF_CHECK_SECONDS 30.0
#define TRANSIENT_NOISE 0.03 /* noise power before an onset, relative to the signal there */
#define SEGMENTS 8           /* of a frame, for the transient check */
#define ONSET_RATIO 8.0      /* a segment 9 dB above those before it is an onset */
/* The embedder's working set: one per call, freed on the one way out. */
struct embedder {
	struct wm_layout *layout;
	struct wm_fft fft;
	struct wm_mask_model mask;
	float win[WM_N];
	float *spec;    /* channels × (WM_N + 2) */
	float *acc;     /* channels × WM_N: overlap-add of the difference */
	float *scratch;
	float pow[WM_N / 2 + 1], maskv[WM_N / 2 + 1], gain[WM_N / 2 + 1];
	float buf[WM_N + 2], mono[WM_N];
	int8_t sign[WM_TILES_MAX];
	float strength, dmax; /* the version's */
};

static void embedder_free(struct embedder *m)
{
	if (!m)
		return;
	free(m->layout);
	wm_fft_free(&m->fft);
	wm_mask_free(&m->mask);
	free(m->spec);
	free(m->acc);
	free(m->scratch);
	free(m);
}

static struct embedder *embedder_new(const struct wm_key *k, const struct wm_payload *p,
				     unsigned channels, unsigned rate, float strength, float dmax,
				     struct err *e)
{
	uint8_t coded[WM_CODED_BITS];
	struct embedder *m = calloc(1, sizeof(*m));

	if (!m) {
		err_fail(e, "out of memory");
		return NULL;
	}
	m->layout = malloc(sizeof(*m->layout));
	m->spec = calloc((size_t)channels * (WM_N + 2), sizeof(float));
	m->acc = calloc((size_t)channels * WM_N, sizeof(float));
	if (!m->layout || !m->spec || !m->acc || wm_fft_init(&m->fft, WM_N) ||
	    wm_mask_init(&m->mask, WM_N, rate)) {
		err_fail(e, "out of memory");
		goto out_free;
	}
	m->scratch = malloc(sizeof(float) * WM_MASK_SCRATCH(&m->mask));
	if (!m->scratch) {
		err_fail(e, "out of memory");
		goto out_free;
	}
	m->strength = strength;
	m->dmax = dmax;
	wm_window_sqrt_hann(m->win, WM_N);
	wm_layout_build(m->layout, k);
	if (wm_layout_encode(m->layout, p, coded, e))
		goto out_free;
	for (unsigned t = 0; t < WM_PERIOD_SLOTS * m->layout->bands; t++) {
		int bit = m->layout->tile_bit[t];
		int s = bit < 0 ? 1 : (coded[bit] ? 1 : -1);

		m->sign[t] = (int8_t)(s * m->layout->tile_chip[t]);
	}
	return m;
out_free:
	embedder_free(m);
	return NULL;
}

static float sample_get(enum wm_pcm_kind kind, const void *data, size_t i)
{
	if (kind == WM_PCM_F32)
		return ((const float *)data)[i];
	return (float)((const int16_t *)data)[i] * (1.0f / 32768.0f);
}

/* Largest d the frame allows before an onset (see the design above). */
static float transient_cap(const float *mono, float dmax)
{
	double seg[SEGMENTS], total = 0.0, before = 0.0;
	unsigned peak = 0, len = WM_N / SEGMENTS;

	for (unsigned q = 0; q < SEGMENTS; q++) {
		double s = 0.0;

		for (unsigned i = 0; i < len; i++)
			s += (double)mono[q * len + i] * mono[q * len + i];
		seg[q] = s;
		total += s;
		if (s > seg[peak])
			peak = q;
	}
	if (!peak || total <= 0.0)
		return dmax;
	for (unsigned q = 0; q < peak; q++)
		before += seg[q];
	before /= peak;
	if (seg[peak] < ONSET_RATIO * before)
		return dmax; /* no onset: nothing to smear into */
	total /= SEGMENTS;
	return (float)sqrt(TRANSIENT_NOISE * before / total);
}

struct embed_totals {
	double signal, noise, gain_db;
	size_t tiles, masked, frames, transient, clipped;
};

/* One STFT frame at sample start: decides the gains and adds the
 * synthesised difference into m->acc. */
static void embed_frame(struct embedder *m, enum wm_pcm_kind kind, const void *data,
			size_t frames, unsigned channels, size_t start, size_t t,
			struct embed_totals *tot)
{
	const struct wm_layout *l = m->layout;
	unsigned half = WM_N / 2;
	size_t avail = frames - start < WM_N ? frames - start : WM_N;
	unsigned ps = (unsigned)((t / WM_SLOT_HOPS) % WM_PERIOD_SLOTS);
	float cap;

	memset(m->pow, 0, sizeof(m->pow));
	memset(m->mono, 0, sizeof(m->mono));
	for (unsigned c = 0; c < channels; c++) {
		float *spec = m->spec + (size_t)c * (WM_N + 2);

		for (size_t i = 0; i < WM_N; i++) {
			float x = i < avail ? sample_get(kind, data, (start + i) * channels + c) : 0.0f;

			m->mono[i] += x;
			m->buf[i] = x * m->win[i];
		}
		wm_fft_forward(&m->fft, m->buf, spec);
		for (unsigned k = 0; k <= half; k++)
			m->pow[k] += (spec[2 * k] * spec[2 * k] + spec[2 * k + 1] * spec[2 * k + 1]) /
				     (float)channels;
	}
	wm_mask_compute(&m->mask, m->pow, m->maskv, m->scratch);
	cap = transient_cap(m->mono, m->dmax);
	tot->frames++;
	if (cap < m->dmax)
		tot->transient++;
	memset(m->gain, 0, sizeof(m->gain));
	for (unsigned b = 0; b < l->bands; b++) {
		double en = 0.0, mk = 0.0;
		float d;

		for (unsigned k = l->lo[b]; k < l->hi[b]; k++) {
			en += m->pow[k];
			mk += m->maskv[k];
		}
		if (en <= 1e-12)
			continue;
		d = m->strength * (float)sqrt(mk / en);
		if (d < m->dmax && d < cap)
			tot->masked++;
		if (d > m->dmax)
			d = m->dmax;
		if (d > cap)
			d = cap;
		tot->tiles++;
		tot->gain_db += 20.0 * log10(1.0 + d);
		d *= (float)m->sign[ps * l->bands + b];
		for (unsigned k = l->lo[b]; k < l->hi[b]; k++)
			m->gain[k] = d;
	}
	/* soften the band edges (1/4, 1/2, 1/4): a gain with sharp steps
	 * across bins is a long kernel in time, which smears noise to the
	 * frame's ends */
	{
		float prev = 0.0f;

		for (unsigned k = 1; k < half; k++) {
			float cur = m->gain[k];

			m->gain[k] = 0.25f * prev + 0.5f * cur + 0.25f * m->gain[k + 1];
			prev = cur;
		}
	}
	for (unsigned c = 0; c < channels; c++) {
		const float *spec = m->spec + (size_t)c * (WM_N + 2);
		float *acc = m->acc + (size_t)c * WM_N;

		memset(m->buf, 0, sizeof(m->buf));
		for (unsigned k = l->lo[0] - 1; k <= l->hi[l->bands - 1]; k++) {
			m->buf[2 * k] = spec[2 * k] * m->gain[k];
			m->buf[2 * k + 1] = spec[2 * k + 1] * m->gain[k];
		}
		wm_fft_inverse(&m->fft, m->buf, m->mono);
		for (unsigned i = 0; i < WM_N; i++)
			acc[i] += m->mono[i] * m->win[i];
	}
}

/* Adds the finished first hop of m->acc to samples [start, start + HOP). */
static void embed_flush(struct embedder *m, enum wm_pcm_kind kind, void *data, size_t frames,
			unsigned channels, size_t start, struct embed_totals *tot)
{
	size_t n = frames - start < WM_HOP ? frames - start : WM_HOP;

	for (unsigned c = 0; c < channels; c++) {
		float *acc = m->acc + (size_t)c * WM_N;

		for (size_t i = 0; i < n; i++) {
			size_t at = (start + i) * channels + c;
			double x, y;

			if (kind == WM_PCM_F32) {
				float *p = (float *)data + at;

				x = *p;
				*p = (float)(x + acc[i]);
				y = *p;
				if (y > 1.0 || y < -1.0)
					tot->clipped++;
			} else {
				int16_t *p = (int16_t *)data + at;
				long v;

				x = *p / 32768.0;
				v = lrint((x + acc[i]) * 32768.0);
				if (v > 32767 || v < -32768) {
					tot->clipped++;
					v = v > 0 ? 32767 : -32768;
				}
				*p = (int16_t)v;
				y = v / 32768.0;
			}
			tot->signal += x * x;
			tot->noise += (y - x) * (y - x);
		}
		memmove(acc, acc + WM_HOP, sizeof(float) * WM_HOP);
		memset(acc + WM_HOP, 0, sizeof(float) * WM_HOP);
	}
}

/* One pass of the embedder at one strength. */
static int embed_once(const struct wm_key *k, const struct wm_payload *p,
		      enum wm_pcm_kind kind, void *data, size_t frames, unsigned channels,
		      unsigned rate, float strength, float dmax, struct embed_totals *tot,
		      struct err *e)
{
	struct embedder *m;
	size_t hops;

	memset(tot, 0, sizeof(*tot));
	m = embedder_new(k, p, channels, rate, strength, dmax, e);
	if (!m)
		return -1;
	hops = (frames + WM_HOP - 1) / WM_HOP;
	for (size_t t = 0; t < hops; t++) {
		embed_frame(m, kind, data, frames, channels, t * WM_HOP, t, tot);
		embed_flush(m, kind, data, frames, channels, t * WM_HOP, tot);
	}
	embedder_free(m);
	return 0;
}

/* Whether the marked copy gives p back, with SELF_CHECK_CONF, from its
 * middle 30 s (all of it when shorter): -1 on no memory. */
static int self_check(const struct wm_key *k, const struct wm_payload *p,
		      enum wm_pcm_kind kind, const void *data, size_t frames, unsigned channels,
		      unsigned rate)
{
	size_t len = (size_t)(SELF_CHECK_SECONDS * rate), from = 0;
	size_t bytes = kind == WM_PCM_F32 ? sizeof(float) : sizeof(int16_t);
	struct wm_result r;
	struct wm_pcm v;
	struct err e;

	if (frames > len)
		from = (frames - len) / 2;
	else
		len = frames;
	v = (struct wm_pcm){ kind, (const uint8_t *)data + from * channels * bytes, len,
			     channels };
	if (wm_detect_pcm(k, &v, rate, &r, &e))
		return strstr(e.msg, "memory") ? -1 : 0;
	return r.status == WM_FOUND && wm_payload_equal(&r.payload, p) &&
	       r.payload.version == 2 && r.confidence >= SELF_CHECK_CONF;
}

static int embed_pcm(const struct wm_key *k, const struct wm_payload *p,
		     enum wm_pcm_kind kind, void *data, size_t frames, unsigned channels,
		     unsigned rate, struct wm_embed_stats *stats, struct err *e)
{
	struct embed_totals tot = { 0 };
	unsigned version = p->version ? p->version : WM_VERSION, level = 0;
	size_t bytes = (kind == WM_PCM_F32 ? sizeof(float) : sizeof(int16_t)) * frames * channels;
	void *orig = NULL;

	if (stats)
		memset(stats, 0, sizeof(*stats));
	if (rate != 44100 && rate != 48000)
		return err_fail(e, "watermark: sample rate %u Hz (embedding takes 44100 or 48000)",
				rate);
	if (channels < 1 || channels > 2)
		return err_fail(e, "watermark: %u channels (embedding takes mono or stereo)",
				channels);
	if (!data || frames < WM_N)
		return err_fail(e, "watermark: %zu samples is too short to mark (at least %u)",
				frames, WM_N);
	if (version == 1) {
		if (embed_once(k, p, kind, data, frames, channels, rate, V1_STRENGTH, V1_D_MAX,
			       &tot, e))
			return -1;
	} else {
		/* too short to be read (WM_DETECT_MIN_SECONDS): the strongest level */
		if ((double)frames / rate < WM_DETECT_MIN_SECONDS)
			level = V2_NLEVELS - 1;
		else if (V2_NLEVELS > 1 && !(orig = malloc(bytes)))
			return err_fail(e, "out of memory");
		if (orig)
			memcpy(orig, data, bytes);
		for (;; level++) {
			int ok;

			if (level && orig)
				memcpy(data, orig, bytes);
			if (embed_once(k, p, kind, data, frames, channels, rate,
				       V2_LEVELS[level].strength, V2_LEVELS[level].dmax, &tot, e)) {
				free(orig);
				return -1;
			}
			if (level + 1 >= V2_NLEVELS)
				break;
			ok = self_check(k, p, kind, data, frames, channels, rate);
			if (ok < 0) {
				free(orig);
				return err_fail(e, "out of memory");
			}
			if (ok)
				break;
		}
		free(orig);
	}
	if (stats) {
		stats->seconds = (double)frames / rate;
		stats->snr_db = tot.noise > 0.0 ? 10.0 * log10(tot.signal / tot.noise) : INFINITY;
		stats->mean_gain_db = tot.tiles ? tot.gain_db / (double)tot.tiles : 0.0;
		stats->masked_pct = tot.tiles ? 100.0 * (double)tot.masked / (double)tot.tiles : 0.0;
		stats->transient_pct = tot.frames ? 100.0 * (double)tot.transient / (double)tot.frames
						  : 0.0;
		stats->clipped = tot.clipped;
		stats->blocks = (unsigned)(frames / WM_PERIOD_SAMPLES);
		stats->version = version;
		stats->level = version == 1 ? 0 : level + 1;
	}
	return 0;
}

int wm_embed(const struct wm_key *k, const struct wm_payload *p, float *pcm, size_t frames,
	     unsigned channels, unsigned rate, struct wm_embed_stats *stats, struct err *e)
{
	return embed_pcm(k, p, WM_PCM_F32, pcm, frames, channels, rate, stats, e);
}

int wm_embed_s16(const struct wm_key *k, const struct wm_payload *p, int16_t *pcm,
		 size_t frames, unsigned channels, unsigned rate,
		 struct wm_embed_stats *stats, struct err *e)
{
	return embed_pcm(k, p, WM_PCM_S16, pcm, frames, channels, rate, stats, e);
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The samples of a 16-bit WAV buffer, as native int16 in place. */
static int16_t *s16_in_place(uint8_t *buf, const struct wm_wav *w)
{
	uint8_t *p = buf + w->data_offset;

	for (size_t i = 0; i < w->frames * w->channels; i++) {
		int16_t v = (int16_t)(p[2 * i] | p[2 * i + 1] << 8);

		memcpy(p + 2 * i, &v, 2);
	}
	return (int16_t *)(void *)p;
}

static void s16_to_le(int16_t *pcm, size_t n)
{
	uint8_t *p = (uint8_t *)pcm;

	for (size_t i = 0; i < n; i++) {
		uint16_t v;

		memcpy(&v, p + 2 * i, 2);
		p[2 * i] = (uint8_t)v;
		p[2 * i + 1] = (uint8_t)(v >> 8);
	}
}

int wm_embed_wav_file(const char *in_path, const char *out_path, const struct wm_key *k,
		      const struct wm_payload *p, struct wm_embed_stats *stats, struct err *e)
{
	uint8_t header[WM_WAV_HEADER_LEN], *buf;
	struct wm_wav w;
	int16_t *pcm;
	size_t len, bytes;
	int fd, rc = -1;

	if (wm_file_read_all(in_path, &buf, &len, e))
		return -1;
	if (wm_wav_parse(buf, len, &w, e)) {
		err_wrap(e, "%s", in_path);
		goto out_free;
	}
	if (w.format != WM_WAV_S16) {
		err_fail(e, "%s: embedding takes 16-bit PCM WAV", in_path);
		goto out_free;
	}
	if ((uint64_t)w.frames * w.channels * 2 > UINT32_MAX - 36) {
		err_fail(e, "%s: too long for a WAV file", in_path);
		goto out_free;
	}
	pcm = s16_in_place(buf, &w);
	if (wm_embed_s16(k, p, pcm, w.frames, w.channels, w.rate, stats, e)) {
		err_wrap(e, "%s", in_path);
		goto out_free;
	}
	s16_to_le(pcm, w.frames * w.channels);
	wm_wav_header(header, (uint32_t)w.frames, w.channels, w.rate);
	bytes = w.frames * w.channels * 2;
	fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err_fail(e, "%s: %s", out_path, strerror(errno));
		goto out_free;
	}
	if (write_all(fd, header, sizeof(header)) || write_all(fd, (uint8_t *)pcm, bytes) ||
	    fsync(fd)) {
		err_fail(e, "%s: %s", out_path, strerror(errno));
		close(fd);
		unlink(out_path);
		goto out_free;
	}
	if (close(fd)) {
		err_fail(e, "%s: %s", out_path, strerror(errno));
		unlink(out_path);
		goto out_free;
	}
	rc = 0;
out_free:
	free(buf);
	return rc;
}
