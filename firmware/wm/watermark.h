/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * watermark: the forensic watermark — the order's IDs written inaudibly into
 * the audio by the delivery server, read back by the kiosk before it writes
 * a disc, and by a content owner from a copy found online.
 *
 * The payload (WM_PAYLOAD_BITS = 116 bits) is a format version (4 bits,
 * WM_VERSION), the content server ID (16), the delivery server ID (16), the
 * user ID (32), the shop ID (24) and a CRC-24 over them.  It is hidden
 * under a secret key (struct wm_key) in 44.1 or 48 kHz PCM, mono or stereo,
 * and repeats every WM_PERIOD_SECONDS, so that any excerpt of 30 s or more
 * carries it three times over.  How: watermark.c's header comment.
 *
 * Sample buffers are interleaved, frames × channels, owned by the caller;
 * float samples are full scale at ±1.0.  Every function is reentrant: no
 * global state, and the key is only read.
 *
 * Halves: the embedder (wm_embed, wm_embed_s16, wm_embed_wav_file; in
 * wm_embed.c) is the server's, built into libtenpo-server.a; the kiosk
 * links the rest of the codec (libtenpo-wm.a) and only detects.  The codec
 * needs nothing of the firmware but err.h.
 *
 * Errors: actions return 0 or -1 with a reason in e (err.h).  Detection
 * returns 0 whenever it could look, and says in the result whether it
 * found a mark; -1 means the input itself is unusable (a rate or channel
 * count out of range, too short, no memory).
 */
#ifndef TENPO_WATERMARK_H
#define TENPO_WATERMARK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* The payload format's version: the embedder writes WM_VERSION, the
 * detector reads WM_VERSION_MIN..WM_VERSION.  Both versions have the same
 * bits, code and tile layout; they differ in how strongly the embedder
 * marks (v1: up to ±1.6 dB per tile; v2: quieter, see watermark.c), so the
 * version says which embedder made a copy.  Copies marked v1 before an
 * upgrade (orders in flight) still read. */
#define WM_VERSION 2
#define WM_VERSION_MIN 1
#define WM_KEY_LEN 32
#define WM_PAYLOAD_BITS 116

/* Input limits.  Embedding takes 44.1 or 48 kHz, 1 or 2 channels; detection
 * takes any rate in WM_DETECT_RATE_MIN..MAX and up to WM_DETECT_CHANNELS_MAX
 * channels (it mixes them down), and at least WM_DETECT_MIN_SECONDS. */
#define WM_DETECT_RATE_MIN 16000
#define WM_DETECT_RATE_MAX 192000
#define WM_DETECT_CHANNELS_MAX 8
#define WM_DETECT_MIN_SECONDS 3.0
/* Detection reads at most this much audio (the start of a longer input). */
#define WM_DETECT_MAX_SECONDS (30.0 * 60.0)

struct wm_key {
	uint8_t bytes[WM_KEY_LEN];
};

/*
 * The key from text: exactly 64 hex digits are the key itself; anything
 * else is a passphrase, stretched with PBKDF2-HMAC-SHA256 (a fixed salt,
 * 100000 iterations).  An empty text is refused.
 */
int wm_key_from_text(struct wm_key *k, const char *text, struct err *e);

struct wm_payload {
	uint16_t content_server;
	uint16_t delivery_server;
	uint32_t user;
	uint32_t shop; /* 24 bits */
	/* the format version: 0 when packing or embedding means WM_VERSION;
	 * unpacking and detection set the version read.  Not an ID:
	 * wm_payload_equal ignores it. */
	uint8_t version;
};

bool wm_payload_equal(const struct wm_payload *a, const struct wm_payload *b);

/* Packs version (p->version, or WM_VERSION when 0), IDs and CRC into bits
 * (one per byte, most significant first); refuses a shop ID wider than 24
 * bits and a version outside WM_VERSION_MIN..WM_VERSION. */
int wm_payload_pack(const struct wm_payload *p, uint8_t bits[WM_PAYLOAD_BITS],
		    struct err *e);

/* Checks the CRC and the version (WM_VERSION_MIN..WM_VERSION), then
 * unpacks the IDs and the version. */
int wm_payload_unpack(const uint8_t bits[WM_PAYLOAD_BITS], struct wm_payload *p,
		      struct err *e);

struct wm_embed_stats {
	double seconds;       /* audio processed */
	double snr_db;        /* signal power / watermark power, all channels */
	double mean_gain_db;  /* mean |band gain change| over the marked tiles */
	double masked_pct;    /* tiles where the mask, not the cap, set the strength */
	double transient_pct; /* frames whose strength a transient lowered */
	size_t clipped;       /* samples held at full scale */
	unsigned blocks;      /* complete payload periods embedded */
	unsigned version;     /* the format made */
	unsigned level;       /* v2: the strength level used, 1 (quietest) to 4 */
};

/*
 * Embeds p into pcm (in place) under k, as version p->version (0: the
 * current WM_VERSION; 1 is still made, for tests of the reader).  rate: 44100 or 48000; channels: 1
 * or 2; at least one FFT frame (1024 samples) of audio.  Every channel gets
 * the same spectral gain, so the stereo image is untouched.  stats may be
 * NULL.  The int16 variant clips to full scale and counts what it clipped.
 */
int wm_embed(const struct wm_key *k, const struct wm_payload *p, float *pcm, size_t frames,
	     unsigned channels, unsigned rate, struct wm_embed_stats *stats, struct err *e);
int wm_embed_s16(const struct wm_key *k, const struct wm_payload *p, int16_t *pcm,
		 size_t frames, unsigned channels, unsigned rate,
		 struct wm_embed_stats *stats, struct err *e);

enum wm_status {
	WM_NOT_FOUND,   /* no payload under this key */
	WM_FOUND,       /* one payload: result.payload */
	WM_CONFLICT,    /* marks of different payloads: a collusion attempt */
};

const char *wm_status_name(enum wm_status s); /* "not found", "found", "conflicting" */

struct wm_result {
	enum wm_status status;
	struct wm_payload payload;   /* WM_FOUND: the IDs, and in .version the
				      * format version read (1 or 2) */
	/* WM_CONFLICT: the payloads that could be read (0, 1 or 2 of them);
	 * none of them alone is the answer */
	unsigned candidates;
	struct wm_payload candidate[2];
	double confidence;   /* 1 - 2 * bit_errors / coded_bits, 0..1 */
	unsigned bit_errors; /* coded bits the decoder corrected */
	unsigned coded_bits;
	double sync_score;   /* sync correlation in standard deviations of noise */
	double data_ratio;   /* payload energy / sync energy: ~1 for one mark */
	double offset_seconds; /* where in the input a payload period starts */
	double speed;        /* playback speed relative to the marked copy */
	unsigned marked_rate; /* the rate the mark was embedded at */
	unsigned periods;    /* payload periods read */
};

/*
 * Looks for a payload under k in pcm (mixed down to mono).  Returns 0 and
 * fills r (r->status says what was found), or -1 when the input cannot be
 * examined.  Never names a payload whose CRC does not check; reports
 * WM_CONFLICT when two different payloads are present (spliced copies),
 * or when the payload channel carries clearly less energy than the sync
 * channel (copies of different customers averaged together).
 */
int wm_detect(const struct wm_key *k, const float *pcm, size_t frames, unsigned channels,
	      unsigned rate, struct wm_result *r, struct err *e);
int wm_detect_s16(const struct wm_key *k, const int16_t *pcm, size_t frames,
		  unsigned channels, unsigned rate, struct wm_result *r, struct err *e);

/*
 * A perceptual comparison of an original and its marked copy (same shape):
 * SNR, segmental SNR over 23 ms frames (frames below -70 dBFS skipped), and
 * the noise-to-mask ratio of the difference against wm_dsp's masking model
 * of the original, per critical band and 1024-sample frame.
 */
struct wm_quality {
	double snr_db;
	double segsnr_db;
	double nmr_mean_db;   /* mean over bands with signal, in dB */
	double nmr_over_pct;  /* % of band-frames where noise exceeds the mask */
	double nmr_worst_db;  /* the 99.9th percentile band-frame NMR */
};

int wm_quality(const float *orig, const float *marked, size_t frames, unsigned channels,
	       unsigned rate, struct wm_quality *q, struct err *e);

/* Files (wm_file.c). */

/*
 * The delivery server's step (wm_embed.c): reads the 16-bit PCM WAV in_path (44.1 or
 * 48 kHz, 1 or 2 channels; any chunk layout), embeds p, and writes out_path
 * as a canonical 44-byte-header WAV of the same format (created or
 * truncated, mode 0644, fsynced).  On failure out_path is removed.
 */
int wm_embed_wav_file(const char *in_path, const char *out_path, const struct wm_key *k,
		      const struct wm_payload *p, struct wm_embed_stats *stats, struct err *e);

/*
 * Reads any file libsndfile can (WAV, FLAC, Ogg Vorbis, MP3 through
 * libmpg123, ...) — WAV through wm_wav's own strict parser first — and
 * runs wm_detect on its first WM_DETECT_MAX_SECONDS.
 */
int wm_detect_file(const char *path, const struct wm_key *k, struct wm_result *r,
		   struct err *e);

/* The length of a file's audio in seconds, read the way wm_detect_file
 * reads it (a WAV through wm_wav, anything else from libsndfile's header). */
int wm_file_seconds(const char *path, double *seconds, struct err *e);

/*
 * The key from the first line of a file, as wm_key_from_text() takes it
 * (its line ending is not part of it); at most WM_KEY_FILE_LINE_MAX bytes.
 * `tenpo-delivery init` writes 64 hex digits and a newline, mode 0600.
 */
#define WM_KEY_FILE_LINE_MAX 1024
int wm_key_load_file(struct wm_key *k, const char *path, struct err *e);

#endif
