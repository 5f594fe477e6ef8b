/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * music: synthesises a short piece of music-like audio as a 44.1 kHz 16-bit
 * stereo WAVE file, for the sample catalog.
 *
 * It is not meant to be beautiful, only to have the spectra of real music,
 * because the watermark work will embed IDs in these files and must be
 * judged on something realistic: a melody of harmonic-rich notes whose
 * spectrum darkens as they decay, with vibrato and an echo on the other
 * side; a chord pad slightly detuned between the channels; a bass line;
 * kick, snare, hi-hat and crash made of swept sines and filtered noise.
 *
 * Deterministic: every choice comes from a PRNG seeded with piece->seed, so
 * the same piece renders to the same bytes on the same machine.  The length
 * is a whole number of CD sectors (588 frames).
 */
#ifndef TENPO_DS_MUSIC_H
#define TENPO_DS_MUSIC_H

#include <stdint.h>

#include "err.h"

#define MUSIC_RATE 44100
#define MUSIC_CHANNELS 2

enum music_scale {
	MUSIC_MAJOR,
	MUSIC_MINOR,
	MUSIC_YO, /* the Japanese yo pentatonic (major scale without 4 and 7) for the melody */
};

struct music_piece {
	uint32_t seed;          /* fixes every random choice */
	unsigned bpm;           /* 50..200 */
	unsigned bars;          /* 4/4 bars, 2..32 */
	int tonic;              /* MIDI note of the key's tonic, e.g. 62 = D4 */
	enum music_scale scale;
	int chords[4];          /* scale degrees 0..6 of the chord roots, one per bar, repeated */
	float drums;            /* 0: no drums; 1: the full kit */
};

/* Renders the piece into the new WAVE file path. */
int music_render(const struct music_piece *p, const char *path, struct err *e);

#endif
