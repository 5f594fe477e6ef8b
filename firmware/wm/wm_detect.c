// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wm_detect: finding and reading the watermark (see watermark.h, and the
 * design in watermark.c).
 *
 * The steps, for each sample rate the mark may have been made at (the
 * input's own first, then the other of 44.1/48 kHz):
 *
 *  1. Geometry.  lambda = input samples per marked sample; 1 for an
 *     untouched copy, 44100/48000 for a 48 kHz mark read at 44.1 kHz, and
 *     off by up to ±1.2 % after a speed change.  The analysis FFT is the
 *     power of two nearest 1024 · lambda, hopped by a quarter of itself.
 *     A marked bin k appears at input bin k · na / (1024 · lambda).
 *
 *  2. Features.  Per analysis frame and band: the log band energy (a band
 *     far below the frame's mean floored at BAND_FLOOR of it: near-empty
 *     bands are leakage and decays whose logs swing wildly), minus the
 *     frame's mean over bands (the music's loudness), minus the mean of the
 *     same band one slot before and one slot after (its slow change: notes
 *     last many slots, the chips change every slot), divided by the band's
 *     mean absolute deviation (the residue is heavy-tailed: onsets), clipped
 *     at ±1.5 and smoothed over three frames (1/4, 1/2, 1/4).  What is left
 *     of the music is a noise of about unit scale; the mark adds ±2d per
 *     tile in log energy.  These choices were measured: on the synthesised
 *     music, a ±140 ms moving average and an RMS scale gave a sync score
 *     of 6 where these give 12.
 *
 *  3. Sync search on a window of SYNC_WINDOW_SECONDS from the middle of
 *     the input: first at the nominal lambda over every offset in one
 *     period (one analysis hop apart); if that is not clear, over lambda
 *     ±1.2 % in 0.2 % steps and offsets two hops apart, keeping the best
 *     CANDIDATES; each is then refined (lambda in 0.025 % steps, offset by
 *     single hops).  The score is the correlation of the sync tiles'
 *     features with their chips, divided by the root sum of squares: in
 *     unmarked audio it is a standard normal variable.
 *
 *  4. Reading, for each candidate whose score passes Z_TRY: features over
 *     the whole input at that lambda; every period's start is re-found
 *     within ±TRACK_FRAMES hops of where the last one predicted, walking
 *     out from the sync window both ways (a residual speed error then
 *     accumulates no drift); per period, the sync tiles give the mark's
 *     amplitude a and the noise variance s², and the data tiles add
 *     w · chip · feature into their coded bit, w = a / s² (maximum-ratio
 *     combining: a silent or damaged period weighs nothing).  The
 *     normalised sums are the soft input of the Viterbi decoder; the
 *     CRC-24 and the version decide.  Periods are also read in groups of
 *     three, to catch a splice of two customers' copies.
 *
 * Work: one FFT per analysis hop (na/4 samples) plus sums over tiles; on
 * a 2020s laptop core a 4-minute song takes a fraction of a second.
 * Memory: the window's spectra (a few MB) and one float per band per
 * analysis frame of the input (about 4 MB for 10 minutes at 44.1 kHz).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "watermark.h"
#include "wm_dsp.h"
#include "wm_layout.h"

#define SPEED_RANGE 0.012
#define COARSE_STEP 0.002
#define FINE_STEP 0.00025
#define FINE_SPAN 4            /* ± fine steps around a coarse candidate */
#define SYNC_WINDOW_SECONDS 24.0
#define CANDIDATES 3
#define Z_TRY 5.5              /* sync score worth a decode */
#define Z_FAST 10.0            /* at the nominal speed: no speed search needed */
#define FEATURE_CLIP 1.5f
#define MIN_FRAMES 48
#define TRACK_FRAMES 3
#define TRACK_MIN_Z 3.0        /* a period's own sync score to move the track */
#define GROUP_PERIODS 3
#ifndef CONFLICT_RATIO
#define CONFLICT_RATIO 0.7     /* payload_ratio below this: conflict */
#endif
#define CONFLICT_MIN_Z 10.0    /* ... judged only when the sync is this clear */
#define CONFLICT_NONE_Z 12.0   /* no payload: sync score for a conflict */
#define CONFLICT_NONE_RATIO 0.95 /* ... and the evidence's energy ratio below this */
#define LOG_FLOOR 1e-9
#define BAND_FLOOR 0.01       /* of the frame's mean band energy */

struct geom {
	unsigned rate_in, marked_rate;
	unsigned na, hop;
	double lambda0;
	size_t nframes;            /* analysis frames in the input */
};

/* Input bins of each band at one lambda. */
struct band_map {
	unsigned bands;
	unsigned lo[WM_BANDS_MAX], hi[WM_BANDS_MAX];
	bool ok[WM_BANDS_MAX];
};

struct candidate {
	double z, lambda;
	long jo;                   /* analysis frame where a period starts */
};

/* Accumulated evidence for the 366 coded bits. */
struct evidence {
	double s[WM_CODED_BITS], v[WM_CODED_BITS], m[WM_CODED_BITS];
	double weight;
	unsigned periods;
};

struct period_pos {
	double start, weight;
};

struct reading {
	bool valid;
	struct wm_payload payload;
	unsigned errors;
	double ratio, m2;
};

struct detector {
	const struct wm_pcm *pcm;
	const struct wm_layout *layout;
	struct geom g;
	struct wm_fft fft;
	float *win;                /* na */
	float *frame, *spec;       /* na, na + 2 */
	/* the sync window's power spectra */
	size_t wj0, wnj;
	unsigned wbins;
	float *wpow;               /* wnj × wbins */
	float *feat;               /* features, frames × bands (window or whole input) */
	size_t feat_cap;
	/* feat holds the window's features for this band map and slot length
	 * (window_features skips the work when asked for them again) */
	bool feat_window;
	struct band_map feat_bm;
	size_t feat_dist;
	float *tmp;                /* frames: scratch for the trend */
	size_t tmp_cap;
	struct evidence *groups;
	size_t ngroups_cap;
	/* where the last decode found each period, and its weight */
	struct period_pos *pos;
	size_t npos, pos_cap;
};

static void band_map_make(struct band_map *bm, const struct wm_layout *l, const struct geom *g,
			  double lambda)
{
	double scale = (double)g->na / (WM_N * lambda);

	bm->bands = l->bands;
	for (unsigned b = 0; b < l->bands; b++) {
		long lo = lround(l->lo[b] * scale), hi = lround(l->hi[b] * scale);

		if (hi <= lo)
			hi = lo + 1;
		bm->lo[b] = (unsigned)lo;
		bm->hi[b] = (unsigned)hi;
		bm->ok[b] = hi <= (long)g->na / 2;
	}
}

/* Power spectrum of analysis frame j into d->spec (as |X|^2 in the first
 * na/2 + 1 floats). */
static void analyse_frame(struct detector *d, size_t j)
{
	size_t start = j * d->g.hop;
	unsigned na = d->g.na;

	for (unsigned i = 0; i < na; i++) {
		size_t at = start + i;

		d->frame[i] = at < d->pcm->frames ? wm_pcm_mono(d->pcm, at) * d->win[i] : 0.0f;
	}
	wm_fft_forward(&d->fft, d->frame, d->spec);
	for (unsigned k = 0; k <= na / 2; k++)
		d->spec[k] = d->spec[2 * k] * d->spec[2 * k] + d->spec[2 * k + 1] * d->spec[2 * k + 1];
}

static size_t slot_frames(const struct geom *g, double lambda)
{
	long n = lround(WM_SLOT * lambda / g->hop);

	return n < 1 ? 1 : (size_t)n;
}

static void log_bands(const struct band_map *bm, const float *pow, float *out, float floor)
{
	double sum = 0.0, rel;
	unsigned used = 0;

	for (unsigned b = 0; b < bm->bands; b++) {
		double e = 0.0;

		if (!bm->ok[b]) {
			out[b] = 0.0f;
			continue;
		}
		for (unsigned k = bm->lo[b]; k < bm->hi[b]; k++)
			e += pow[k];
		out[b] = (float)e;
		sum += e;
		used++;
	}
	/* a band far below the frame's mean is mostly leakage and decay: its
	 * log would swing wildly, so it is floored relative to the frame */
	rel = used ? BAND_FLOOR * sum / used : 0.0;
	for (unsigned b = 0; b < bm->bands; b++)
		out[b] = bm->ok[b] ? (float)log(out[b] + rel + floor) : 0.0f;
}

/* Step 2 of the header on feat[nj × bands] holding log band energies;
 * dist: analysis frames per slot. */
static void normalise(struct detector *d, const struct band_map *bm, size_t nj, size_t dist)
{
	unsigned nb = bm->bands, used = 0;
	float *f = d->feat, *t = d->tmp;

	for (unsigned b = 0; b < nb; b++)
		used += bm->ok[b];
	if (!used || nj <= 2 * dist)
		return;
	for (size_t j = 0; j < nj; j++) {
		double mean = 0.0;

		for (unsigned b = 0; b < nb; b++)
			mean += bm->ok[b] ? f[j * nb + b] : 0.0f;
		mean /= used;
		for (unsigned b = 0; b < nb; b++)
			f[j * nb + b] = bm->ok[b] ? f[j * nb + b] - (float)mean : 0.0f;
	}
	for (unsigned b = 0; b < nb; b++) {
		double scale = 0.0;

		if (!bm->ok[b])
			continue;
		/* the tile minus the mean of the tiles before and after it (at
		 * the edges, the one neighbour there is, twice) */
		for (size_t j = 0; j < nj; j++) {
			size_t before = j >= dist ? j - dist : j + dist;
			size_t after = j + dist < nj ? j + dist : j - dist;

			t[j] = f[j * nb + b] - 0.5f * (f[before * nb + b] + f[after * nb + b]);
		}
		/* a robust scale: what is left of the music is heavy-tailed
		 * (note onsets and ends), so the mean absolute deviation */
		for (size_t j = 0; j < nj; j++)
			scale += fabs((double)t[j]);
		scale = 1.25 * scale / (double)nj;
		for (size_t j = 0; j < nj; j++) {
			float x = scale > 1e-9 ? t[j] / (float)scale : 0.0f;

			t[j] = x > FEATURE_CLIP ? FEATURE_CLIP : x < -FEATURE_CLIP ? -FEATURE_CLIP : x;
		}
		for (size_t j = 0; j < nj; j++) {
			float prev = j ? t[j - 1] : t[j], next = j + 1 < nj ? t[j + 1] : t[j];

			f[j * nb + b] = 0.25f * prev + 0.5f * t[j] + 0.25f * next;
		}
	}
}

static int reserve(struct detector *d, size_t frames)
{
	size_t need = frames * d->layout->bands;

	if (need > d->feat_cap) {
		float *p = realloc(d->feat, sizeof(float) * need);

		if (!p)
			return -1;
		d->feat = p;
		d->feat_cap = need;
	}
	if (frames > d->tmp_cap) {
		float *p = realloc(d->tmp, sizeof(float) * frames);

		if (!p)
			return -1;
		d->tmp = p;
		d->tmp_cap = frames;
	}
	return 0;
}

static bool band_map_equal(const struct band_map *a, const struct band_map *b)
{
	if (a->bands != b->bands)
		return false;
	for (unsigned i = 0; i < a->bands; i++)
		if (a->lo[i] != b->lo[i] || a->hi[i] != b->hi[i] || a->ok[i] != b->ok[i])
			return false;
	return true;
}

/* Features of the sync window at lambda, from its stored spectra.  Nearby
 * lambdas (the speed search's fine steps) often round to the same bins and
 * slot length: the features are then the ones feat already holds. */
static void window_features(struct detector *d, double lambda, struct band_map *bm)
{
	size_t dist = slot_frames(&d->g, lambda);

	band_map_make(bm, d->layout, &d->g, lambda);
	for (unsigned b = 0; b < bm->bands; b++)
		if (bm->hi[b] > d->wbins)
			bm->ok[b] = false;
	if (d->feat_window && d->feat_dist == dist && band_map_equal(&d->feat_bm, bm))
		return;
	for (size_t j = 0; j < d->wnj; j++)
		log_bands(bm, d->wpow + j * d->wbins, d->feat + j * bm->bands,
			  (float)(LOG_FLOOR * d->g.na));
	normalise(d, bm, d->wnj, dist);
	d->feat_window = true;
	d->feat_bm = *bm;
	d->feat_dist = dist;
}

/* Features of the whole input at lambda.  The sync window's frames reuse
 * its stored spectra when they hold every bin the bands need (the same
 * numbers analyse_frame would give): for a song of a few minutes that
 * saves a tenth of the transforms, for a track under half a minute nearly
 * all of them. */
static void input_features(struct detector *d, double lambda, struct band_map *bm)
{
	const float *pow;
	bool reuse = true;

	d->feat_window = false;
	band_map_make(bm, d->layout, &d->g, lambda);
	for (unsigned b = 0; b < bm->bands; b++)
		if (bm->ok[b] && bm->hi[b] > d->wbins)
			reuse = false;
	for (size_t j = 0; j < d->g.nframes; j++) {
		if (reuse && j >= d->wj0 && j < d->wj0 + d->wnj) {
			pow = d->wpow + (j - d->wj0) * d->wbins;
		} else {
			analyse_frame(d, j);
			pow = d->spec;
		}
		log_bands(bm, pow, d->feat + j * bm->bands, (float)(LOG_FLOOR * d->g.na));
	}
	normalise(d, bm, d->g.nframes, slot_frames(&d->g, lambda));
}

/* Analysis frame (real-valued) of tile slot s of the period starting at
 * input sample start. */
static double tile_frame(const struct detector *d, double start, double lambda, double slot)
{
	return (start + lambda * (slot * WM_SLOT + WM_HOP * 2) - d->g.na / 2.0) / d->g.hop;
}

/* Sync sums of one period starting at input sample start (features cover
 * frames [f0, f0 + nf)). */
struct sync_sums {
	double sum, sq;
	size_t n;
};

static void sync_sums_period(const struct detector *d, const struct band_map *bm, size_t f0,
			     size_t nf, double start, double lambda, struct sync_sums *ss)
{
	const struct wm_layout *l = d->layout;
	const float *f = d->feat;
	unsigned nb = bm->bands;

	for (unsigned i = 0; i < l->n_sync; i++) {
		const struct wm_sync_tile *t = &l->sync[i];
		double jf = tile_frame(d, start, lambda, t->slot);
		long j = lround(jf) - (long)f0;
		float x;

		if (j < 0 || j >= (long)nf || !bm->ok[t->band])
			continue;
		x = f[(size_t)j * nb + t->band] * t->chip;
		ss->sum += x;
		ss->sq += (double)x * x;
		ss->n++;
	}
}

static double sync_z(const struct sync_sums *ss)
{
	return ss->sq > 0.0 ? ss->sum / sqrt(ss->sq) : 0.0;
}

/*
 * For the search: every sync tile of every period instance that can fall in
 * the window, as a frame offset from the period start, at one lambda.  With
 * the period start on a whole frame jo, tile frames are jo + rel exactly.
 */
struct sync_table {
	size_t n;
	int32_t *rel;
	uint8_t *band;
	int8_t *chip;
};

static void sync_table_free(struct sync_table *t)
{
	free(t->rel);
	free(t->band);
	free(t->chip);
	memset(t, 0, sizeof(*t));
}

static int sync_table_make(struct sync_table *t, const struct detector *d,
			   const struct band_map *bm, double lambda)
{
	const struct wm_layout *l = d->layout;
	double period = lambda * (double)WM_PERIOD_SAMPLES;
	long instances = (long)ceil((double)d->wnj * d->g.hop / period) + 2;
	size_t cap = (size_t)instances * l->n_sync;

	sync_table_free(t);
	t->rel = malloc(sizeof(*t->rel) * cap);
	t->band = malloc(cap);
	t->chip = malloc(cap);
	if (!t->rel || !t->band || !t->chip)
		return -1;
	for (long r = -1; r < instances - 1; r++)
		for (unsigned i = 0; i < l->n_sync; i++) {
			const struct wm_sync_tile *st = &l->sync[i];

			if (!bm->ok[st->band])
				continue;
			t->rel[t->n] = (int32_t)lround(tile_frame(d, r * period, lambda, st->slot));
			t->band[t->n] = st->band;
			t->chip[t->n] = st->chip;
			t->n++;
		}
	return 0;
}

/* z of a period start at window frame k (0 = the window's first frame). */
static double sync_score_table(const struct detector *d, const struct sync_table *t,
			       unsigned nb, long k)
{
	double sum = 0.0, sq = 0.0;
	long nf = (long)d->wnj;

	for (size_t i = 0; i < t->n; i++) {
		long j = k + t->rel[i];
		float x;

		if (j < 0 || j >= nf)
			continue;
		x = d->feat[(size_t)j * nb + t->band[i]];
		sum += x * t->chip[i];
		sq += (double)x * x;
	}
	return sq > 0.0 ? sum / sqrt(sq) : 0.0;
}

static void keep_candidate(struct candidate *c, unsigned *n, double z, double lambda, long jo,
			   long period_frames)
{
	unsigned i;

	for (i = 0; i < *n; i++) {
		long dj = labs(((jo - c[i].jo) % period_frames + period_frames) % period_frames);

		if (dj > period_frames / 2)
			dj = period_frames - dj;
		if (dj <= 3) {
			if (z > c[i].z)
				c[i] = (struct candidate){ z, lambda, jo };
			goto sort;
		}
	}
	if (*n < CANDIDATES)
		c[(*n)++] = (struct candidate){ z, lambda, jo };
	else if (z > c[*n - 1].z)
		c[*n - 1] = (struct candidate){ z, lambda, jo };
	else
		return;
sort:
	for (i = 1; i < *n; i++)
		for (unsigned j = i; j > 0 && c[j].z > c[j - 1].z; j--) {
			struct candidate t = c[j];

			c[j] = c[j - 1];
			c[j - 1] = t;
		}
}

/* Offsets over one period, at one lambda, step hops apart.  A period
 * start k frames into the window is recorded as frame wj0 + k. */
static int search_offsets(struct detector *d, double lambda, long step, struct candidate *c,
			  unsigned *n)
{
	struct sync_table t = { 0 };
	struct band_map bm;
	long period_frames = (long)ceil(lambda * (double)WM_PERIOD_SAMPLES / d->g.hop);

	window_features(d, lambda, &bm);
	if (sync_table_make(&t, d, &bm, lambda)) {
		sync_table_free(&t);
		return -1;
	}
	for (long k = 0; k < period_frames; k += step) {
		double z = sync_score_table(d, &t, bm.bands, k);

		keep_candidate(c, n, z, lambda, (long)d->wj0 + k, period_frames);
	}
	sync_table_free(&t);
	return 0;
}

static int refine(struct detector *d, struct candidate *c)
{
	struct candidate best = *c;
	struct sync_table t = { 0 };
	struct band_map bm;

	for (int s = -FINE_SPAN; s <= FINE_SPAN; s++) {
		double lambda = c->lambda * (1.0 + s * FINE_STEP);

		window_features(d, lambda, &bm);
		if (sync_table_make(&t, d, &bm, lambda)) {
			sync_table_free(&t);
			return -1;
		}
		for (long dj = -2; dj <= 2; dj++) {
			long k = c->jo + dj - (long)d->wj0;
			double z = sync_score_table(d, &t, bm.bands, k);

			if (z > best.z)
				best = (struct candidate){ z, lambda, c->jo + dj };
		}
	}
	sync_table_free(&t);
	*c = best;
	return 0;
}

/* Adds period r's data tiles (at start, with amplitude a and noise s2). */
static void add_period(const struct detector *d, const struct band_map *bm, double start,
		       double lambda, double a, double s2, struct evidence *ev)
{
	const struct wm_layout *l = d->layout;
	unsigned nb = bm->bands;
	double w;

	if (a <= 0.0 || s2 <= 1e-9)
		return;
	w = a / s2;
	for (unsigned i = 0; i < l->n_data; i++) {
		const struct wm_data_tile *t = &l->data[i];
		long j = lround(tile_frame(d, start, lambda, t->slot));

		if (j < 0 || j >= (long)d->g.nframes || !bm->ok[t->band])
			continue;
		ev->s[t->bit] += w * t->chip * d->feat[(size_t)j * nb + t->band];
		ev->v[t->bit] += w * w * s2;
		ev->m[t->bit] += w * a;
	}
	ev->weight += w * a;
	ev->periods++;
}

static void read_evidence(const struct detector *d, const struct evidence *ev,
			  struct reading *rd)
{
	float soft[WM_CODED_BITS];
	double u2 = 0.0, m2 = 0.0;

	memset(rd, 0, sizeof(*rd));
	for (unsigned i = 0; i < WM_CODED_BITS; i++) {
		double sd = ev->v[i] > 0.0 ? sqrt(ev->v[i]) : 0.0;
		double u = sd > 0.0 ? ev->s[i] / sd : 0.0, m = sd > 0.0 ? ev->m[i] / sd : 0.0;

		soft[i] = (float)u;
		u2 += u * u;
		m2 += m * m;
	}
	u2 /= WM_CODED_BITS;
	m2 /= WM_CODED_BITS;
	rd->m2 = m2;
	rd->ratio = m2 > 0.0 ? (u2 - 1.0) / m2 : 0.0;
	rd->valid = !wm_layout_decode(d->layout, soft, &rd->payload, &rd->errors);
}

struct decode_out {
	double z;
	struct reading all;
	unsigned distinct;         /* distinct valid payloads among the groups */
	struct wm_payload group_payload[2];
	double ratio;              /* payload_ratio of the first payload read */
	double first_start;        /* input sample of the first period start >= 0 */
	unsigned periods;
};

static void note_group(struct decode_out *o, const struct reading *rd)
{
	if (!rd->valid)
		return;
	for (unsigned i = 0; i < o->distinct; i++)
		if (wm_payload_equal(&o->group_payload[i], &rd->payload))
			return;
	if (o->distinct < 2)
		o->group_payload[o->distinct] = rd->payload;
	if (o->distinct < 2)
		o->distinct++;
}

/* Walks periods r = from, from + dir, ... while they touch the input,
 * re-finding each start near the prediction. */
static void track(struct detector *d, const struct band_map *bm, double start0, double lambda,
		  long from, int dir, long rmin, struct evidence *all, struct decode_out *o)
{
	double period = lambda * (double)WM_PERIOD_SAMPLES, shift = 0.0;
	double end = (double)d->g.nframes * d->g.hop;

	for (long r = from;; r += dir) {
		double start = start0 + (double)r * period;
		struct sync_sums best = { 0 };
		double best_shift = shift, best_z = -HUGE_VAL, a, s2;
		size_t g;

		if (start + period < 0.0 || start > end)
			break;
		for (int k = -TRACK_FRAMES; k <= TRACK_FRAMES; k++) {
			struct sync_sums ss = { 0 };
			double sh = shift + k * (double)d->g.hop, z;

			sync_sums_period(d, bm, 0, d->g.nframes, start + sh, lambda, &ss);
			z = sync_z(&ss);
			if (z > best_z) {
				best_z = z;
				best = ss;
				best_shift = sh;
			}
		}
		if (best_z >= TRACK_MIN_Z)
			shift = best_shift;
		else {
			best = (struct sync_sums){ 0 };
			sync_sums_period(d, bm, 0, d->g.nframes, start + shift, lambda, &best);
		}
		if (!best.n)
			continue;
		a = best.sum / (double)best.n;
		s2 = best.sq / (double)best.n - a * a;
		add_period(d, bm, start + shift, lambda, a, s2, all);
		if (d->npos < d->pos_cap && a > 0.0 && s2 > 1e-9)
			d->pos[d->npos++] = (struct period_pos){ start + shift, a / s2 };
		g = (size_t)(r - rmin);
		if (g < d->ngroups_cap)
			add_period(d, bm, start + shift, lambda, a, s2, &d->groups[g]);
		if (start + shift >= 0.0 && (start + shift < o->first_start || o->first_start < 0.0))
			o->first_start = start + shift;
		o->periods++;
	}
}

/*
 * The collusion test: the mean feature of the data tiles, signed by the
 * codeword of p, over the mean feature of the sync tiles, in the periods
 * the decode used, weighted alike.  One mark of p: about 1 (the tiles are
 * of one kind, randomly interleaved).  Two copies of different customers
 * averaged: the sync tiles agree but the data tiles where the codewords
 * differ cancel, so it falls towards the share of agreeing coded bits.
 */
static double payload_ratio(const struct detector *d, const struct band_map *bm, double lambda,
			    const struct wm_payload *p)
{
	const struct wm_layout *l = d->layout;
	uint8_t coded[WM_CODED_BITS];
	double data = 0.0, ndata = 0.0, sync = 0.0, nsync = 0.0;
	unsigned nb = bm->bands;

	if (wm_layout_encode(l, p, coded, NULL))
		return 0.0;
	for (size_t r = 0; r < d->npos; r++) {
		double start = d->pos[r].start, w = d->pos[r].weight;

		for (unsigned i = 0; i < l->n_sync; i++) {
			const struct wm_sync_tile *t = &l->sync[i];
			long j = lround(tile_frame(d, start, lambda, t->slot));

			if (j < 0 || j >= (long)d->g.nframes || !bm->ok[t->band])
				continue;
			sync += w * t->chip * d->feat[(size_t)j * nb + t->band];
			nsync += w;
		}
		for (unsigned i = 0; i < l->n_data; i++) {
			const struct wm_data_tile *t = &l->data[i];
			long j = lround(tile_frame(d, start, lambda, t->slot));
			int sign = coded[t->bit] ? 1 : -1;

			if (j < 0 || j >= (long)d->g.nframes || !bm->ok[t->band])
				continue;
			data += w * t->chip * sign * d->feat[(size_t)j * nb + t->band];
			ndata += w;
		}
	}
	if (nsync <= 0.0 || ndata <= 0.0 || sync <= 0.0)
		return 0.0;
	return (data / ndata) / (sync / nsync);
}

static int decode(struct detector *d, const struct candidate *c, struct decode_out *o)
{
	struct band_map bm;
	struct evidence *all;
	double period = c->lambda * (double)WM_PERIOD_SAMPLES, start0 = (double)c->jo * d->g.hop;
	double mid = (double)(d->wj0 + d->wnj / 2) * d->g.hop, end = (double)d->g.nframes * d->g.hop;
	long rref = (long)floor((mid - start0) / period);
	long rmin = (long)floor((0.0 - start0) / period) - 1;
	long rmax = (long)ceil((end - start0) / period);
	size_t ngroups = (size_t)(rmax - rmin) + 1; /* one evidence per period */

	memset(o, 0, sizeof(*o));
	o->z = c->z;
	o->first_start = -1.0;
	if (reserve(d, d->g.nframes))
		return -1;
	all = calloc(1, sizeof(*all));
	if (ngroups > d->ngroups_cap) {
		free(d->groups);
		d->groups = malloc(sizeof(*d->groups) * ngroups);
		d->ngroups_cap = d->groups ? ngroups : 0;
	}
	if (!all || !d->groups) {
		free(all);
		return -1;
	}
	memset(d->groups, 0, sizeof(*d->groups) * ngroups);
	if ((size_t)(rmax - rmin + 1) > d->pos_cap) {
		free(d->pos);
		d->pos = malloc(sizeof(*d->pos) * (size_t)(rmax - rmin + 1));
		d->pos_cap = d->pos ? (size_t)(rmax - rmin + 1) : 0;
		if (!d->pos) {
			free(all);
			return -1;
		}
	}
	d->npos = 0;
	input_features(d, c->lambda, &bm);
	track(d, &bm, start0, c->lambda, rref, 1, rmin, all, o);
	track(d, &bm, start0, c->lambda, rref - 1, -1, rmin, all, o);
	read_evidence(d, all, &o->all);
	/* every run of GROUP_PERIODS consecutive periods on its own */
	for (size_t g = 0; g + GROUP_PERIODS <= ngroups; g++) {
		struct reading rd;
		unsigned used = 0;

		memset(all, 0, sizeof(*all));
		for (size_t p = g; p < g + GROUP_PERIODS; p++) {
			if (!d->groups[p].periods)
				continue;
			used++;
			for (unsigned i = 0; i < WM_CODED_BITS; i++) {
				all->s[i] += d->groups[p].s[i];
				all->v[i] += d->groups[p].v[i];
				all->m[i] += d->groups[p].m[i];
			}
		}
		if (used < 2)
			continue;
		read_evidence(d, all, &rd);
		note_group(o, &rd);
	}
	if (o->all.valid)
		note_group(o, &o->all);
	if (o->distinct)
		o->ratio = payload_ratio(d, &bm, c->lambda, &o->group_payload[0]);
	free(all);
	return 0;
}

static void geom_make(struct geom *g, unsigned rate_in, unsigned marked_rate, size_t frames)
{
	double want;
	unsigned na = 256;

	g->rate_in = rate_in;
	g->marked_rate = marked_rate;
	g->lambda0 = (double)rate_in / marked_rate;
	want = WM_N * g->lambda0;
	while (na < 8192 && fabs(log((double)na * 2 / want)) < fabs(log((double)na / want)))
		na *= 2;
	g->na = na;
	g->hop = na / 4;
	g->nframes = frames >= na ? (frames - na) / g->hop + 1 : 0;
}

static void detector_release(struct detector *d)
{
	wm_fft_free(&d->fft);
	free(d->win);
	free(d->frame);
	free(d->spec);
	free(d->wpow);
	d->win = d->frame = d->spec = d->wpow = NULL;
}

static void detector_free(struct detector *d)
{
	detector_release(d);
	free(d->feat);
	free(d->tmp);
	free(d->groups);
	free(d->pos);
}

/* Sets up geometry g and the sync window's spectra. */
static int detector_setup(struct detector *d, const struct geom *g)
{
	double max_bin;
	size_t want;

	detector_release(d);
	d->g = *g;
	d->feat_window = false;
	if (wm_fft_init(&d->fft, g->na))
		return -1;
	d->win = malloc(sizeof(float) * g->na);
	d->frame = malloc(sizeof(float) * g->na);
	d->spec = malloc(sizeof(float) * (g->na + 2));
	if (!d->win || !d->frame || !d->spec)
		return -1;
	wm_window_hann(d->win, g->na);
	/* highest input bin any lambda in the search can need */
	max_bin = d->layout->hi[d->layout->bands - 1] * (double)g->na /
		  (WM_N * g->lambda0 * (1.0 - SPEED_RANGE - FINE_SPAN * FINE_STEP)) + 2.0;
	d->wbins = (unsigned)fmin(max_bin, g->na / 2 + 1);
	want = (size_t)(SYNC_WINDOW_SECONDS * g->rate_in / g->hop);
	d->wnj = g->nframes < want ? g->nframes : want;
	d->wj0 = (g->nframes - d->wnj) / 2;
	d->wpow = malloc(sizeof(float) * d->wnj * d->wbins);
	if (!d->wpow || reserve(d, d->wnj))
		return -1;
	for (size_t j = 0; j < d->wnj; j++) {
		analyse_frame(d, d->wj0 + j);
		memcpy(d->wpow + j * d->wbins, d->spec, sizeof(float) * d->wbins);
	}
	return 0;
}

static void fill_result(const struct detector *d, const struct candidate *c,
			const struct decode_out *o, struct wm_result *r)
{
	double period = c->lambda * (double)WM_PERIOD_SAMPLES;

	r->sync_score = o->z;
	r->data_ratio = o->distinct ? o->ratio : o->all.ratio;
	r->bit_errors = o->all.errors;
	r->coded_bits = WM_CODED_BITS;
	r->confidence = fmax(0.0, 1.0 - 2.0 * o->all.errors / (double)WM_CODED_BITS);
	r->speed = d->g.lambda0 / c->lambda;
	r->marked_rate = d->g.marked_rate;
	r->periods = o->periods;
	r->offset_seconds = o->first_start >= 0.0 ? fmod(o->first_start, period) / d->g.rate_in
						  : 0.0;
}

/* Decides found / conflicting / nothing from one candidate's reading.
 * Returns true when decided. */
static bool judge(const struct decode_out *o, struct wm_result *r)
{
	if (o->distinct >= 2) {
		r->status = WM_CONFLICT;
		r->candidates = 2;
		r->candidate[0] = o->group_payload[0];
		r->candidate[1] = o->group_payload[1];
		return true;
	}
	if (o->distinct == 1) {
		if (o->z >= CONFLICT_MIN_Z && o->ratio < CONFLICT_RATIO) {
			r->status = WM_CONFLICT;
			r->candidates = 1;
			r->candidate[0] = o->group_payload[0];
		} else {
			r->status = WM_FOUND;
			r->payload = o->group_payload[0];
		}
		return true;
	}
	/* a strong sync pattern over payload tiles that read as nothing */
	if (o->z >= CONFLICT_NONE_Z && o->all.ratio < CONFLICT_NONE_RATIO) {
		r->status = WM_CONFLICT;
		r->candidates = 0;
		return true;
	}
	return false;
}

/* One marked rate: search, then read the best candidates.  Returns 1 when
 * r holds a verdict, 0 when nothing was found, -1 on no memory. */
static int try_rate(struct detector *d, unsigned rate_in, unsigned marked_rate,
		    struct wm_result *r)
{
	struct candidate c[CANDIDATES];
	struct decode_out o;
	unsigned n = 0;
	struct geom g;

	geom_make(&g, rate_in, marked_rate, d->pcm->frames);
	if (g.nframes < MIN_FRAMES)
		return 0;
	if (detector_setup(d, &g) || search_offsets(d, g.lambda0, 1, c, &n))
		return -1;
	if (!n || c[0].z < Z_FAST) {
		int steps = (int)lround(SPEED_RANGE / COARSE_STEP);

		for (int s = -steps; s <= steps; s++)
			if (s && search_offsets(d, g.lambda0 * (1.0 + s * COARSE_STEP), 2, c, &n))
				return -1;
	}
	for (unsigned i = 0; i < n; i++)
		if (refine(d, &c[i]))
			return -1;
	for (unsigned i = 0; i < n; i++) {
		if (c[i].z > r->sync_score)
			r->sync_score = c[i].z;
		if (c[i].z < Z_TRY)
			continue;
		if (decode(d, &c[i], &o))
			return -1;
		if (judge(&o, r)) {
			fill_result(d, &c[i], &o, r);
			return 1;
		}
		if (!i)
			r->data_ratio = o.all.ratio; /* for the record: what was seen */
	}
	return 0;
}

int wm_detect_pcm(const struct wm_key *k, const struct wm_pcm *v, unsigned rate,
		  struct wm_result *r, struct err *e)
{
	struct detector d = { 0 };
	struct wm_layout *layout;
	struct wm_pcm view = *v;
	unsigned order[2] = { 44100, 48000 };
	int rc = 0;

	memset(r, 0, sizeof(*r));
	r->status = WM_NOT_FOUND;
	if (rate < WM_DETECT_RATE_MIN || rate > WM_DETECT_RATE_MAX)
		return err_fail(e, "watermark: sample rate %u Hz is out of range (%u..%u)", rate,
				WM_DETECT_RATE_MIN, WM_DETECT_RATE_MAX);
	if (v->channels < 1 || v->channels > WM_DETECT_CHANNELS_MAX)
		return err_fail(e, "watermark: %u channels is out of range (1..%u)", v->channels,
				WM_DETECT_CHANNELS_MAX);
	if (!v->data || (double)v->frames < WM_DETECT_MIN_SECONDS * rate)
		return err_fail(e, "watermark: %.2f s of audio is too short to look for a mark "
				"(at least %.0f s)", v->data ? (double)v->frames / rate : 0.0,
				WM_DETECT_MIN_SECONDS);
	if ((double)view.frames > WM_DETECT_MAX_SECONDS * rate)
		view.frames = (size_t)(WM_DETECT_MAX_SECONDS * rate);
	layout = malloc(sizeof(*layout));
	if (!layout)
		return err_fail(e, "out of memory");
	wm_layout_build(layout, k);
	d.pcm = &view;
	d.layout = layout;
	if (rate % 8000 == 0) {
		order[0] = 48000;
		order[1] = 44100;
	}
	for (unsigned i = 0; i < 2 && rc == 0; i++)
		rc = try_rate(&d, rate, order[i], r);
	if (rc < 0)
		err_fail(e, "out of memory");
	detector_free(&d);
	free(layout);
	return rc < 0 ? -1 : 0;
}
