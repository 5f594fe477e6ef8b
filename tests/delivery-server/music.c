// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * music: the synthesiser (see music.h).
 *
 * Rendering is additive and offline: every note is added straight into two
 * float buffers (left, right) over the whole piece, then the mix is
 * normalised to -1 dBFS and converted to 16 bits.  Oscillators read
 * band-limited single-cycle wavetables (a few harmonics summed once), so the
 * cost is two table reads per sample per note.  Envelope and brightness
 * decay are kept as running products instead of exp() per sample.
 *
 * The composition: chords from the piece's progression, one per bar; a
 * melody made in 4-bar phrases (phrase 0 is new, later phrases repeat it
 * with a new last bar, every third phrase is new material), each note a
 * random walk on the scale that lands on a chord tone at the start of a bar;
 * the last bar holds the tonic.
 */
#include "music.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "burner.h"
#include "wav.h"

#define TABLE_SIZE 2048
#define CD_SECTOR_FRAMES BURNER_AUDIO_SECTOR_FRAMES /* burner owns the geometry */
#define LEAD_IN_S 0.1
#define TAIL_S 2.0
#define MAX_BARS 32
#define NOTES_PER_BAR 8
#define PEAK 0.89f /* -1 dBFS */

struct rng {
	uint32_t s;
};

struct wavetable {
	float v[TABLE_SIZE + 1]; /* v[TABLE_SIZE] == v[0], for interpolation */
};

/* How one instrument sounds. */
struct voice {
	const struct wavetable *bright, *soft; /* spectrum moves from bright to soft */
	float brightness_s;                    /* time constant of that move */
	float attack_s;
	float decay_s;   /* time constant of the decay while held; 0: flat */
	float release_s;
	float vibrato;   /* depth, as a fraction of the frequency */
	float detune;    /* right channel's frequency ratio - 1: stereo width */
};

struct note {
	double start, length; /* seconds; length is until the release starts */
	double freq;
	float amp, pan;       /* pan: 0 left .. 1 right */
};

struct melody_note {
	unsigned char start, len; /* in eighths within the bar */
	signed char pitch;        /* semitones above the tonic */
};

struct melody_bar {
	size_t count;
	struct melody_note n[NOTES_PER_BAR];
};

struct synth {
	const struct music_piece *p;
	struct rng rng;
	float *l, *r;
	size_t frames;
	double beat; /* seconds */
	struct wavetable sine, lead_bright, lead_soft, bass, pad;
	struct melody_bar bars[MAX_BARS];
};

static const int major[7] = { 0, 2, 4, 5, 7, 9, 11 };
static const int minor[7] = { 0, 2, 3, 5, 7, 8, 10 };
static const int yo[5] = { 0, 2, 5, 7, 9 };

/* Rhythms of one bar, in eighths summing to 8, ended by 0. */
static const unsigned char rhythms[][NOTES_PER_BAR] = {
	{ 2, 2, 2, 2 }, { 1, 1, 2, 2, 2 }, { 3, 1, 2, 2 }, { 2, 1, 1, 4 },
	{ 4, 2, 2 },    { 1, 1, 1, 1, 2, 2 }, { 2, 2, 4 }, { 3, 3, 2 },
};

static const int steps[] = { -2, -1, -1, 0, 1, 1, 2 };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static uint32_t rng_next(struct rng *r)
{
	uint32_t x = r->s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	r->s = x;
	return x;
}

static unsigned rng_below(struct rng *r, unsigned n)
{
	return rng_next(r) % n;
}

/* Uniform in [-1, 1). */
static float rng_noise(struct rng *r)
{
	return (float)(rng_next(r) >> 8) * (2.0f / 16777216.0f) - 1.0f;
}

static void table_build(struct wavetable *w, const float *amps, size_t n)
{
	float peak = 0;

	for (size_t i = 0; i < TABLE_SIZE; i++) {
		double x = 2 * M_PI * (double)i / TABLE_SIZE, s = 0;

		for (size_t k = 0; k < n; k++)
			s += amps[k] * sin((double)(k + 1) * x);
		w->v[i] = (float)s;
		if (fabsf(w->v[i]) > peak)
			peak = fabsf(w->v[i]);
	}
	for (size_t i = 0; i < TABLE_SIZE; i++)
		w->v[i] /= peak;
	w->v[TABLE_SIZE] = w->v[0];
}

/* phase in [0, 1) */
static float table_at(const struct wavetable *w, double phase)
{
	double pos = phase * TABLE_SIZE;
	size_t i = (size_t)pos;
	float f = (float)(pos - (double)i);

	return w->v[i] + f * (w->v[i + 1] - w->v[i]);
}

static double midi_freq(int note)
{
	return 440.0 * pow(2.0, (note - 69) / 12.0);
}

static size_t at_frame(double seconds)
{
	return seconds <= 0 ? 0 : (size_t)(seconds * MUSIC_RATE);
}

static void play(struct synth *s, const struct voice *v, const struct note *n)
{
	size_t first = at_frame(n->start);
	size_t count = at_frame(n->length + v->release_s);
	double inc_l = n->freq / MUSIC_RATE, inc_r = inc_l * (1.0 + v->detune);
	double ph_l = 0, ph_r = 0.25, vib_ph = 0, vib_inc = 5.5 / MUSIC_RATE;
	float gl = n->amp * cosf(n->pan * (float)M_PI_2);
	float gr = n->amp * sinf(n->pan * (float)M_PI_2);
	float decay = v->decay_s > 0 ? expf(-1.0f / (v->decay_s * MUSIC_RATE)) : 1.0f;
	float darken = expf(-1.0f / (v->brightness_s * MUSIC_RATE));
	float held = 1.0f, bright = 1.0f;
	size_t attack = at_frame(v->attack_s) + 1, release = at_frame(v->release_s) + 1;
	size_t length = at_frame(n->length);

	for (size_t i = 0; i < count && first + i < s->frames; i++) {
		float env = held, vib, left, right;

		if (i < attack)
			env *= (float)i / (float)attack;
		else
			held *= decay;
		if (i > length)
			env *= 1.0f - (float)(i - length) / (float)release;
		if (env < 0)
			env = 0;
		vib = 1.0f + v->vibrato * table_at(&s->sine, vib_ph) *
				     (i < MUSIC_RATE / 3 ? (float)i / (MUSIC_RATE / 3) : 1.0f);
		vib_ph += vib_inc;
		if (vib_ph >= 1)
			vib_ph -= 1;
		ph_l += inc_l * vib;
		ph_r += inc_r * vib;
		if (ph_l >= 1)
			ph_l -= 1;
		if (ph_r >= 1)
			ph_r -= 1;
		left = bright * table_at(v->bright, ph_l) + (1 - bright) * table_at(v->soft, ph_l);
		right = bright * table_at(v->bright, ph_r) + (1 - bright) * table_at(v->soft, ph_r);
		bright *= darken;
		s->l[first + i] += gl * env * left;
		s->r[first + i] += gr * env * right;
	}
}

/* A sine swept down from 115 Hz to 45 Hz, with a click of noise. */
static void kick(struct synth *s, double start, float amp)
{
	size_t first = at_frame(start), count = at_frame(0.45);
	double ph = 0;

	for (size_t i = 0; i < count && first + i < s->frames; i++) {
		double t = (double)i / MUSIC_RATE;
		double f = 45.0 + 70.0 * exp(-t / 0.035);
		float x;

		ph += f / MUSIC_RATE;
		if (ph >= 1)
			ph -= 1;
		x = (float)(sin(2 * M_PI * ph) * exp(-t / 0.16));
		if (i < 130)
			x += 0.3f * rng_noise(&s->rng) * (1.0f - (float)i / 130.0f);
		s->l[first + i] += amp * x;
		s->r[first + i] += amp * x;
	}
}

/* Noise through a first difference (bright), a 185 Hz body, 70 ms decay. */
static void snare(struct synth *s, double start, float amp)
{
	size_t first = at_frame(start), count = at_frame(0.3);
	float prev = 0;

	for (size_t i = 0; i < count && first + i < s->frames; i++) {
		double t = (double)i / MUSIC_RATE;
		float noise = rng_noise(&s->rng), hp = noise - 0.6f * prev;
		float x = (float)(hp * exp(-t / 0.07) + 0.5 * sin(2 * M_PI * 185 * t) * exp(-t / 0.05));

		prev = noise;
		s->l[first + i] += amp * x * 0.95f;
		s->r[first + i] += amp * x;
	}
}

/* Noise through a second difference (very bright); `decay_s` makes it a
 * closed hi-hat (short) or a crash (long). */
static void cymbal(struct synth *s, double start, float amp, float pan, double decay_s)
{
	size_t first = at_frame(start), count = at_frame(decay_s * 6);
	float p1 = 0, p2 = 0, gl = amp * (1 - pan), gr = amp * pan;
	float d = expf(-1.0f / (float)(decay_s * MUSIC_RATE)), env = 1.0f;

	for (size_t i = 0; i < count && first + i < s->frames; i++) {
		float noise = rng_noise(&s->rng), x = 0.5f * (noise - 2 * p1 + p2);

		p2 = p1;
		p1 = noise;
		s->l[first + i] += gl * env * x;
		s->r[first + i] += gr * env * x;
		env *= d;
	}
}

/* Semitones above the tonic of a heptatonic scale degree (any octave). */
static int degree_pitch(const struct music_piece *p, int degree)
{
	const int *scale = p->scale == MUSIC_MINOR ? minor : major;
	int octave = degree / 7;

	return 12 * octave + scale[degree % 7];
}

/* The melody's scale as ascending pitches from the tonic up to ~1.6 octaves. */
static size_t melody_pitches(const struct music_piece *p, int *out)
{
	size_t n = 0;

	for (int octave = 0; octave < 2; octave++) {
		if (p->scale == MUSIC_YO)
			for (size_t i = 0; i < COUNT(yo); i++)
				out[n++] = 12 * octave + yo[i];
		else
			for (int i = 0; i < 7; i++)
				out[n++] = 12 * octave + (p->scale == MUSIC_MINOR ? minor : major)[i];
	}
	out[n++] = 24;
	return n;
}

static size_t nearest(const int *pitches, size_t n, int pitch)
{
	size_t best = 0;

	for (size_t i = 1; i < n; i++)
		if (abs(pitches[i] - pitch) < abs(pitches[best] - pitch))
			best = i;
	return best;
}

/* Index of the melody pitch closest to `from` that is a tone of the chord. */
static size_t chord_tone(const struct music_piece *p, int root, const int *pitches, size_t n,
			 int from)
{
	size_t best = n;

	for (size_t i = 0; i < n; i++) {
		int pc = pitches[i] % 12;
		bool tone = false;

		for (int k = 0; k < 3; k++)
			tone |= degree_pitch(p, root + 2 * k) % 12 == pc;
		if (tone && (best == n || abs(pitches[i] - from) < abs(pitches[best] - from)))
			best = i;
	}
	return best == n ? nearest(pitches, n, from) : best;
}

static void compose_bar(struct synth *s, unsigned bar, size_t *at)
{
	const struct music_piece *p = s->p;
	int pitches[16];
	size_t n = melody_pitches(p, pitches);
	const unsigned char *rhythm = rhythms[rng_below(&s->rng, COUNT(rhythms))];
	struct melody_bar *b = &s->bars[bar];
	unsigned start = 0;

	b->count = 0;
	if (bar + 1 == p->bars) { /* the end: the tonic, held */
		size_t home = nearest(pitches, n, pitches[*at] < 7 ? 0 : 12);

		b->n[b->count++] = (struct melody_note){ 0, 8, (signed char)pitches[home] };
		*at = home;
		return;
	}
	for (size_t k = 0; k < NOTES_PER_BAR && rhythm[k]; k++) {
		if (k == 0) {
			*at = chord_tone(p, p->chords[bar % 4], pitches, n, pitches[*at]);
		} else {
			long next = (long)*at + steps[rng_below(&s->rng, COUNT(steps))];

			*at = next < 0 ? 1 : next >= (long)n ? n - 2 : (size_t)next;
		}
		b->n[b->count++] = (struct melody_note){ (unsigned char)start, rhythm[k],
							 (signed char)pitches[*at] };
		start += rhythm[k];
	}
}

static void compose(struct synth *s)
{
	size_t at = 2;

	for (unsigned bar = 0; bar < s->p->bars; bar++) {
		unsigned phrase = bar / 4, pos = bar % 4;

		if (phrase > 0 && phrase % 3 != 2 && pos < 3 && bar + 1 < s->p->bars)
			s->bars[bar] = s->bars[pos];
		else
			compose_bar(s, bar, &at);
	}
}

static void perform(struct synth *s)
{
	const struct music_piece *p = s->p;
	const struct voice lead = { &s->lead_bright, &s->lead_soft, 0.25f, 0.012f, 0.9f, 0.15f,
				    0.004f, 0.0015f };
	const struct voice bass = { &s->bass, &s->sine, 0.4f, 0.006f, 0.6f, 0.08f, 0, 0 };
	const struct voice pad = { &s->pad, &s->sine, 1.5f, 0.35f, 0, 0.6f, 0.002f, 0.004f };
	double eighth = s->beat / 2, bar_len = s->beat * 4;

	for (unsigned bar = 0; bar < p->bars; bar++) {
		double t0 = LEAD_IN_S + bar * bar_len;
		bool last = bar + 1 == p->bars;
		int root = last ? 0 : p->chords[bar % 4], root_pitch = degree_pitch(p, root) % 12;
		const struct melody_bar *b = &s->bars[bar];

		for (size_t k = 0; k < b->count; k++) {
			double jitter = (rng_noise(&s->rng)) * 0.006;
			struct note n = {
				.start = t0 + b->n[k].start * eighth + jitter,
				.length = b->n[k].len * eighth * (last ? 1.0 : 0.85),
				.freq = midi_freq(p->tonic + b->n[k].pitch),
				.amp = 0.26f * (1.0f + 0.1f * rng_noise(&s->rng)),
				.pan = 0.62f,
			};

			play(s, &lead, &n);
			n.start += 0.75 * s->beat; /* the echo, on the other side */
			n.amp *= 0.3f;
			n.pan = 0.2f;
			play(s, &lead, &n);
		}
		for (int k = 0; k < 3; k++) {
			struct note n = {
				.start = t0,
				.length = bar_len * (last ? 1.2 : 0.95),
				.freq = midi_freq(p->tonic - 12 + degree_pitch(p, root + 2 * k)),
				.amp = 0.07f,
				.pan = k == 1 ? 0.75f : 0.3f,
			};

			play(s, &pad, &n);
		}
		for (int beat = 0; beat < (last ? 1 : 4); beat++) {
			static const int bass_steps[4] = { 0, 7, 0, 12 };
			struct note n = {
				.start = t0 + beat * s->beat,
				.length = s->beat * (last ? 3.5 : 0.8),
				.freq = midi_freq(p->tonic - 24 + root_pitch + bass_steps[beat]),
				.amp = 0.3f,
				.pan = 0.5f,
			};

			play(s, &bass, &n);
		}
		if (p->drums <= 0 || bar == 0)
			continue;
		if (bar == 1 || last)
			cymbal(s, t0, 0.12f * p->drums, 0.4f, 0.25);
		for (int e8 = 0; e8 < (last ? 1 : 8); e8++) {
			double t = t0 + e8 * eighth;

			cymbal(s, t, (e8 % 2 ? 0.035f : 0.06f) * p->drums, 0.65f, 0.012);
			if (e8 == 0 || e8 == 4 || (e8 == 5 && bar % 2))
				kick(s, t, 0.55f * p->drums);
			if ((e8 == 2 || e8 == 6) && p->drums >= 0.5f)
				snare(s, t, 0.25f * p->drums);
		}
	}
}

static void build_tables(struct synth *s)
{
	static const float sine[] = { 1 };
	/* Harmonics up to 18 × 880 Hz (the melody's top) stay below 16 kHz. */
	static const float lead_bright[] = { 1,    .55f, .42f, .33f, .26f, .21f, .17f, .14f, .12f,
					     .1f,  .085f, .07f, .06f, .05f, .042f, .035f, .03f, .025f };
	static const float lead_soft[] = { 1, .35f, .16f, .08f, .04f, .02f };
	static const float bass[] = { 1, .7f, .4f, .25f, .15f, .1f, .06f, .04f };
	static const float pad[] = { 1, .3f, .18f, .1f, .06f, .04f, .025f };

	table_build(&s->sine, sine, COUNT(sine));
	table_build(&s->lead_bright, lead_bright, COUNT(lead_bright));
	table_build(&s->lead_soft, lead_soft, COUNT(lead_soft));
	table_build(&s->bass, bass, COUNT(bass));
	table_build(&s->pad, pad, COUNT(pad));
}

/* Scales the mix to PEAK and interleaves it as 16-bit samples. */
static void master(const struct synth *s, int16_t *out)
{
	float peak = 1e-9f, gain;

	for (size_t i = 0; i < s->frames; i++) {
		if (fabsf(s->l[i]) > peak)
			peak = fabsf(s->l[i]);
		if (fabsf(s->r[i]) > peak)
			peak = fabsf(s->r[i]);
	}
	gain = PEAK * 32767.0f / peak;
	for (size_t i = 0; i < s->frames; i++) {
		out[2 * i] = (int16_t)lrintf(s->l[i] * gain);
		out[2 * i + 1] = (int16_t)lrintf(s->r[i] * gain);
	}
}

int music_render(const struct music_piece *p, const char *path, struct err *e)
{
	struct synth *s;
	int16_t *pcm = NULL;
	double seconds;
	int rc = -1;

	if (p->bpm < 50 || p->bpm > 200 || p->bars < 2 || p->bars > MAX_BARS)
		return err_fail(e, "music: tempo or length out of range");
	s = calloc(1, sizeof(*s));
	if (!s)
		return err_fail(e, "out of memory");
	s->p = p;
	s->rng.s = p->seed ? p->seed : 0x9e3779b9u;
	s->beat = 60.0 / p->bpm;
	seconds = LEAD_IN_S + p->bars * 4 * s->beat + TAIL_S;
	s->frames = at_frame(seconds);
	s->frames = (s->frames + CD_SECTOR_FRAMES - 1) / CD_SECTOR_FRAMES * CD_SECTOR_FRAMES;
	s->l = calloc(s->frames, sizeof(float));
	s->r = calloc(s->frames, sizeof(float));
	pcm = malloc(s->frames * MUSIC_CHANNELS * sizeof(int16_t));
	if (!s->l || !s->r || !pcm) {
		err_fail(e, "out of memory");
		goto out_free;
	}
	build_tables(s);
	compose(s);
	perform(s);
	master(s, pcm);
	rc = wav_write(path, pcm, (uint32_t)s->frames, MUSIC_CHANNELS, MUSIC_RATE, e);
out_free:
	free(pcm);
	free(s->l);
	free(s->r);
	free(s);
	return rc;
}
