/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * author: turns an order's spool into what a disc will hold, and says how big
 * it is before a single byte is written.  It never touches a drive: `burner`
 * writes what author makes.  Implemented in author.c (setup, names, data
 * images), author_audio.c (audio CDs, over audio.c's WAV/FLAC decoder) and
 * cdtext.c.
 *
 * ── Process-wide setup ────────────────────────────────────────────────────
 * libisofs and libburn keep process-wide state.  main (or the core) calls
 * author_init() once before any author_* call: iso_init (without touching the
 * process locale), libisofs's input and output charset forced to UTF-8 (every
 * name author sees is UTF-8, whatever LANG says), libisofs's messages queued
 * instead of printed, and burn_initialize() (idempotent; the burner may call
 * it too).  author_finish() undoes the libisofs part only: burn_finish()
 * belongs to whoever shuts libburn down (the burner, after releasing its
 * drives), after author_finish().
 *
 * ── Data discs (MEDIA_DATA_CD, MEDIA_DATA_DVD) ────────────────────────────
 *   author_data_open()     checks every name and file, builds the ISO tree,
 *                          computes the exact image size (a size-only pass,
 *                          nothing is read from the files)
 *   author_data_estimate() that size, for the fit check against the blank
 *   author_data_source()   a struct burn_source that produces the image
 *   ...                    libburn (or a test's read() loop) reads all of it
 *   author_data_md5()      MD5 and length of exactly the bytes produced
 *   author_data_free()
 *
 * The image: ISO 9660 level 3 (files over 4 GiB as multi-extent), Rock Ridge
 * (names exactly as given, UTF-8), Joliet (UCS-2, the same names), AAIP on,
 * MD5 tags recorded (the session's always, each file's unless no_file_md5),
 * so `xorriso -md5 on -indev IMG -check_md5 FAILURE --` checks it.  Files
 * sit in the root in the order given; every timestamp on the disc is
 * spec.mtime (UTC); files are r--r--r-- and folders r-xr-xr-x, owned by 0:0.
 * The same spec gives the same bytes, on every source (tested): a retry on a
 * new blank writes the image the first attempt would have.
 *
 * Names (author_name_ok(), also usable when a manifest arrives): valid
 * UTF-8, no '/', no control character, not "." or "..", at most 255 bytes
 * (Rock Ridge), at most 64 UTF-16 units and no character beyond U+FFFF
 * (Joliet's UCS-2; libisofs would cut a longer name silently, so author
 * refuses it and names the file).  Unique ignoring ASCII case, the stamp's
 * name included.  Joliet has no room for * : ; ? \ and libisofs writes '_'
 * for them in the Joliet tree (deterministic; Rock Ridge keeps them).  The
 * plain ISO 9660 tree gets libisofs's level-3 mangling (upper case, '_' for
 * other characters, 31 characters); readers use Rock Ridge or Joliet.
 *
 * Volume ID: the title with control characters removed and spaces trimmed
 * ("TENPO" when nothing is left) goes to libisofs, which writes the Joliet
 * volume ID as its first 16 UCS-2 characters (Japanese kept) and the
 * primary one as its first 32 characters upper-cased, with '_' for what
 * ISO 9660 d-characters lack (so "夜明けの歌 Live" gives "______LIVE").
 *
 * The source and its MD5.  author_data_source() returns a burn_source that
 * wraps libisofs's (whose ring buffer is AUTHOR_ISO_FIFO_BYTES) and hashes
 * every byte as the consumer reads it (MD5, on the consumer's thread, in
 * parallel with libisofs's own).  The caller owns one reference: give it to
 * burn_track_set_source() (which takes its own) and burn_source_free() yours,
 * or read it yourself and burn_source_free() it.  Put a libburn FIFO of
 * 32 MB or more in front of it when writing (FACTS: small FIFOs stall).
 * Reads of any multiple of 2048 bytes are fine (libisofs's own source would
 * drop the image's tail if a read asked for more than was left; ours asks it
 * for exactly the rest).  Once the consumer has read the announced size
 * (libburn never reads past it; an EOF read is not needed), and only if
 * every byte came (no libisofs error such as a file that changed size or
 * could not be read, every source file still of the device, inode, size and
 * mtime it had at open), author_data_md5() gives the MD5 of the whole image
 * and its length: the burner's verify reads that many bytes back from LBA 0
 * and compares.  Otherwise author_data_md5() fails and author_data_status()
 * says why.  A file that changed before the source was asked for makes
 * author_data_source() itself fail, naming it.
 * One source at a time per author_data: a new one may be asked for once the
 * previous one was released (e.g. to retry on a new blank).  The source
 * stays valid after author_data_free() (it holds its own references), and
 * may be read on another thread (libburn's), but the author_data itself is
 * used by one thread at a time.
 *
 * ── Audio CDs (MEDIA_AUDIO_CD) ─────────────────────────────────────────────
 *   author_audio_open()          probes every file (audio.h's rules), lays the
 *                                session out, makes the CD-TEXT (cdtext.h)
 *   author_audio_estimate()
 *   author_audio_export()        DIR/NAME.bin, NAME.cue, NAME.cdt, durable
 *   author_audio_verify_export() re-reads NAME.bin against the track hashes
 *   author_audio_disc()          a struct burn_disc over NAME.bin for a real
 *                                CD writer (libburn refuses audio on stdio:)
 *   author_audio_free()
 *
 * Layout: 1..99 tracks, each at least 4 s (Red Book), padded with silence
 * to whole sectors.  Track 1 has the mandatory 2 s (150-sector) pregap before
 * LBA 0; tracks 2.. get a 2 s pregap of silence too (INDEX 00 to INDEX 01),
 * or none when spec.gapless.  The lead-out must start by 79:59:74 (LBA
 * 359849, i.e. burner_capacity_bytes(MEDIA_AUDIO_CD) / 2352 less track 1's
 * pregap and one sector): longer sessions are refused at open.
 *
 * The export is the disc's program area from LBA 0 to the lead-out: NAME.bin
 * is raw 2352-byte sectors of 16-bit little-endian stereo (cue "BINARY", and
 * the byte order libburn's BURN_AUDIO wants, so the same bytes are burned),
 * tracks 2.. preceded by their pregap silence.  NAME.cue is ISO-8859-1 (the
 * same text as CD-TEXT block 0; '"' written as '\''): CDTEXTFILE, TITLE,
 * PERFORMER, FILE "NAME.bin" BINARY, TRACK nn AUDIO, INDEX 00/01.  FILE and
 * CDTEXTFILE are bare names: cue readers (libcdio) resolve them against the
 * current directory, so cd into DIR before handing NAME.cue to a reader.
 * NAME.cdt holds the CD-TEXT packs followed by one zero byte (Sony's layout,
 * no 4-byte MMC header: libcdio 2.1 ignores a file that has one, libburn's
 * burn_cdtext_from_packfile() and so cdrskin textfile= read both).  Files
 * are written under temporary names, fsynced, renamed, and the folder
 * fsynced.  Each track's SHA-256 (its INDEX 01 sectors, padding included)
 * is computed while writing; author_audio_verify_export() and the burner's
 * read-back compare against it (author_audio_track()).
 */
#ifndef TENPO_AUTHOR_H
#define TENPO_AUTHOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audio.h"
#include "digest.h"
#include "err.h"

struct burn_source;
struct burn_disc;

#define AUTHOR_STAMP_NAME "TENPO-STAMP.JSON"
#define AUTHOR_JOLIET_NAME_MAX 64   /* UTF-16 units */
#define AUTHOR_RR_NAME_MAX 255      /* bytes */
#define AUTHOR_ISO_FIFO_BYTES (8u << 20)
#define AUTHOR_MAX_TRACKS 99
#define AUTHOR_MIN_TRACK_FRAMES (4u * AUDIO_RATE)
#define AUTHOR_PREGAP_SECTORS BURNER_PREGAP_SECTORS
/* LBA of the lead-out at 79:59:74 (359849) */
#define AUTHOR_CD_MAX_SECTORS (BURNER_CD_SECTORS - BURNER_PREGAP_SECTORS - 1u)

int author_init(struct err *e);
void author_finish(void);

/* What the blank must hold.  Compare `sectors` with the blank's free sectors
 * (drives report them from LBA 0 for CDs and DVDs alike; for audio track
 * 1's pregap lies before LBA 0 and is not counted). */
struct author_estimate {
	uint64_t sectors;
	unsigned sector_size;  /* 2048 (data) or 2352 (audio) */
	uint64_t bytes;        /* sectors * sector_size: the image, or NAME.bin */
	uint64_t work_bytes;   /* local disk the authoring needs: audio's export */
};

/* The name rule above; e says what is wrong (without saying which file). */
bool author_name_ok(const char *name, struct err *e);

/* ── data ── */

struct author_file {
	const char *path; /* absolute path of a regular file (the spool's .data) */
	const char *name; /* name on the disc */
};

struct author_data_spec {
	const char *title;               /* order title, UTF-8: the volume IDs */
	const struct author_file *files;
	size_t file_count;
	const void *stamp;               /* copied at open; NULL: no stamp file */
	size_t stamp_len;
	const char *stamp_name;          /* NULL: AUTHOR_STAMP_NAME */
	int64_t mtime;                   /* every timestamp on the disc */
	bool no_file_md5;                /* record only the session MD5 */
};

struct author_data;

/* The spec's strings and stamp are copied; the files must stay as they are
 * until the image was produced. */
int author_data_open(struct author_data **out, const struct author_data_spec *spec,
		     struct err *e);
void author_data_estimate(const struct author_data *d, struct author_estimate *est);
uint64_t author_data_size(const struct author_data *d); /* bytes, a multiple of 2048 */
const char *author_data_volume_id(const struct author_data *d);

int author_data_source(struct author_data *d, struct burn_source **src, struct err *e);

/* 0 and the MD5 / length of the image the last source produced, once it was
 * read to the end without error; -1 otherwise (author_data_status says why). */
int author_data_md5(struct author_data *d, uint8_t md5[16], uint64_t *bytes);
/* 0 when the last source delivered the whole image; -1 and why otherwise
 * ("not read to the end yet", "file X changed while the image was made"...). */
int author_data_status(struct author_data *d, struct err *e);

void author_data_free(struct author_data *d); /* NULL is allowed */

/* ── audio ── */

struct author_track {
	const char *path;      /* WAV or FLAC */
	const char *title;     /* UTF-8; NULL or "" allowed */
	const char *performer; /* UTF-8; NULL or "" allowed */
};

struct author_audio_spec {
	const char *title;     /* album */
	const char *performer; /* album */
	const struct author_track *tracks; /* in disc order */
	size_t track_count;
	bool gapless;          /* no pregap before tracks 2.. */
};

struct author_track_layout {
	unsigned number;       /* 1.. */
	uint32_t pregap;       /* sectors of silence before INDEX 01 */
	uint32_t start;        /* LBA of INDEX 01 */
	uint32_t sectors;      /* the track's own sectors, padding included */
	uint64_t frames;       /* frames of the source file */
	uint64_t bin_offset;   /* byte offset of INDEX 01 in NAME.bin */
	uint8_t sha256[DIGEST_LEN]; /* of those sectors; valid after an export */
	struct audio_info info;
};

struct author_audio;

/* Refusals name the track: "track 2 (02 Song.wav): 48000 Hz; an audio CD
 * needs 44100 Hz".  The spec's strings are copied. */
int author_audio_open(struct author_audio **out, const struct author_audio_spec *spec,
		      struct err *e);
void author_audio_estimate(const struct author_audio *a, struct author_estimate *est);
size_t author_audio_track_count(const struct author_audio *a);
const struct author_track_layout *author_audio_track(const struct author_audio *a,
						     size_t i); /* 0-based */
/* CD-TEXT language blocks (1 or 2) and the cut applied (0: none). */
void author_audio_cdtext(const struct author_audio *a, int *blocks, size_t *limit);
/* The CD-TEXT packs (18 bytes each), as NAME.cdt holds them, for a real
 * writer's lead-in (burner_write_audio()); owned by a, valid until it is
 * freed. */
const unsigned char *author_audio_packs(const struct author_audio *a, size_t *count);

/* name: 1..64 of [A-Za-z0-9._-], not starting with '.'; dir must exist.
 * Replaces an earlier export of the same name. */
int author_audio_export(struct author_audio *a, const char *dir, const char *name,
			struct err *e);
/* Removes what an export killed half way left: NAME.bin.tmp (as big as the
 * image), .cdt.tmp, .cue.tmp.  None there is fine.  For crash recovery. */
int author_audio_export_discard(const char *dir, const char *name, struct err *e);
/* 0 when NAME.bin and NAME.cdt hold what the last export wrote; otherwise -1,
 * *bad_track = the first track whose sectors differ (0: not a track's fault,
 * e.g. the file's size), and e says what. */
int author_audio_verify_export(const struct author_audio *a, const char *dir,
			       const char *name, unsigned *bad_track, struct err *e);

/* One session of BURN_AUDIO tracks reading DIR/NAME.bin (one descriptor per
 * track, from its INDEX 01 for its `sectors`; no byte swap), pregaps as laid
 * out.  CD-TEXT is not on the session: write author_audio_packs() to the
 * lead-in (burner_write_audio() takes them).  Write it SAO (BURN_WRITE_SAO):
 * libburn applies pregaps and CD-TEXT only there.  NAME.bin must be the
 * export of this author_audio (its size is checked).  The caller owns *disc
 * and releases everything (sessions, tracks, sources, descriptors) with
 * burn_disc_free(). */
int author_audio_disc(const struct author_audio *a, const char *dir, const char *name,
		      struct burn_disc **disc, struct err *e);

void author_audio_free(struct author_audio *a); /* NULL is allowed */

#endif
