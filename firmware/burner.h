/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * burner: one optical drive through libburn — list drives, grab one, read
 * its media, refuse media that does not fit the order, write one data track
 * (or an audio session), read it back and verify it, release or eject.
 *
 * Drives.  A real drive is addressed as libburn names it ("/dev/sr0"; a
 * link such as /dev/cdrom is resolved).  A pseudo-drive is "stdio:PATH", a
 * regular file or a block device that libburn reads and writes like a disc;
 * tests and the demo use them.  libburn reports every pseudo-drive as
 * profile 0xffff, BLANK, whatever the file holds, so burner gives each one an
 * EMULATED blank, named at burner_open() (BURNER_BLANK_CD_R, ...): the
 * profile, the capacity (min of the blank's and what the filesystem can
 * take: its free space plus the file's present size) and a status that
 * becomes CLOSED once this handle has written it.  Writing a pseudo-drive
 * first truncates its file to 0 (libburn does not, and an old tail would
 * follow the new image).  Audio needs a real CD writer: libburn refuses
 * audio tracks on pseudo-drives, and the caller exports a CUE/BIN instead.
 *
 * Lifecycle of a handle (every call from one thread at a time):
 *
 *   burner_open() ──▶ [grabbed, idle] ──▶ burner_close(b, eject)
 *                        │      ▲
 *     burner_write_data()│      │ returns: done, failed or cancelled,
 *     burner_write_audio()      │ always with libburn idle again
 *     burner_verify_data()──────┘
 *     burner_verify_audio()
 *
 * Invariants:
 *   - a handle holds exactly one grabbed drive from open to close, and no
 *     call returns while libburn is still busy on it: after an error or a
 *     cancel the drive is idle and may be used again or closed;
 *   - while grabbed, a real drive's tray is locked (libburn's grab sends
 *     PREVENT MEDIUM REMOVAL); burner_close() unlocks it and, if asked,
 *     ejects.  So hold a handle for one order only, not while the kiosk
 *     waits for a customer;
 *   - libburn never checks that an image fits before writing (it fails
 *     mid-way with ENOSPC): burner_write_*() check the free space first,
 *     and the caller checks the media against the order with
 *     burner_check_fit() before that;
 *   - a pseudo-drive always has an emulated blank; a real drive never has.
 *
 * Ownership and lifetimes:
 *   - burner_open() gives the caller a handle; burner_close() frees it
 *     (NULL is fine).  The handle copies the address.
 *   - burner_write_data() borrows `src`: it takes its own reference for the
 *     duration of the call and drops it before returning, with every libburn
 *     thread that read from it finished.  The caller still owns its
 *     reference and frees it (burn_source_free()).  The same for the audio
 *     `disc`.
 *   - burner_list() fills the caller's array; nothing to free.
 *
 * Threads: libburn runs each write in its own writer thread and the FIFO in
 * another; the FIFO thread calls the caller's source's read function, so
 * that source must be readable from another thread (libisofs' is), and
 * take requests of up to 32 KiB (it may hand out less per call: it is
 * asked again).  burner_verify_data() reads in a thread of its own while
 * the calling thread hashes.  Every such thread has ended when the call
 * returns.  The progress callback runs in the calling thread, between
 * polls of libburn's status, and must not call burner on the same handle.
 * Handles on different drives may be used from different threads, with two
 * caveats: libburn's message queue is process-wide, so a failure reason may
 * be attributed to the other drive's operation; and burner_open() holds
 * the process-wide lock while a real drive loads its disc (seconds).
 *
 * Process-wide state (libburn forces it): burner_init()/burner_finish()
 * wrap burn_initialize()/burn_finish(), counted, so nested pairs are fine.
 * burner.c keeps, under a mutex, the count and the list of open handles:
 * burner_finish() releases any drive still grabbed before burn_finish()
 * (libburn's rule), and burner_list() refuses while a handle is open
 * (burn_drive_scan() would invalidate its drive).
 *
 * Messages: libburn prints nothing to stderr; its messages are queued and
 * copied into our log (module "libburn"), and the first one of severity
 * SORRY or worse during a call becomes the reason in our error message:
 * the cause ("Cannot write ... (No space left on device)"), not libburn's
 * summary that follows ("Burn run failed").
 *
 * Signals: burner installs no signal handler and does not call
 * burn_set_signal_handling().  libburn's built-in handler would take over
 * 22 signals from the appliance's main (which owns SIGTERM and friends),
 * and its actions 0-2 end in exit(1), which library code must not do.
 * Instead main's handler sets its flag, and the progress callback returns
 * non-zero when it sees it: burner cancels the write (burn_drive_cancel),
 * waits for libburn to become idle, and returns BURNER_CANCELLED; main then
 * closes the handle and calls burner_finish().  A process killed outright
 * leaves the drive to the kernel, which closes it; the blank is lost, as it
 * would be on a power cut.
 *
 * Verification: burner_write_data() computes, on the bytes it hands to
 * libburn (in the FIFO's thread, beside the writer), a cheap Fletcher-style
 * sum per 2 KiB block (per 2^k blocks on media so big that the table would
 * exceed 16 MiB: 4 bytes per 2 KiB, 9 MiB for a DVD) and, unless told not
 * to (burner_set_write_md5()), their MD5.  burner_verify_data() reads the
 * disc back and compares its MD5 with the one the caller expects (the
 * author's, or the write's); with the sums of the last write on this
 * handle it names the first differing block and stops reading there.
 *
 * Speed: a real drive is the bottleneck (a 16x DVD takes 22 MB/s).  On a
 * pseudo-drive the CPU is: each MD5 pass over the image costs about 1.7 s
 * per GB of one core, so hash each stream once.
 */
#ifndef TENPO_BURNER_H
#define TENPO_BURNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "order.h"

struct burn_source;	/* libburn's */
struct burn_disc;

/* Returned by the write and verify calls when the progress callback asked
 * to stop.  Every other failure is -1. */
#define BURNER_CANCELLED (-2)
/* Returned by burner_verify_audio() when the drive cannot read audio
 * sectors back at all (a pseudo-drive; a drive that refuses READ CD):
 * nothing was compared, e says what happened.  Not a verdict on the disc. */
#define BURNER_UNREADABLE (-3)

/* ---- process-wide ------------------------------------------------------ */

/* burn_initialize() and message routing on the first call; counted.
 * Returns 0 or -1. */
int burner_init(struct err *e);

/* The matching call: the last one releases every handle still open
 * (without eject; the handles stay valid for burner_close(), which then
 * only frees them) and calls burn_finish().  Must not run while another
 * thread is inside a burner call. */
void burner_finish(void);

/* ---- media ---------------------------------------------------------- */

/* Media geometry: burner is its one owner; everything else (the manifest's
 * fit check, the author's CD layout, the UI's durations) asks here. */
#define BURNER_DATA_SECTOR_BYTES 2048u	 /* a MODE1 sector's user data */
#define BURNER_AUDIO_SECTOR_BYTES 2352u	 /* a CD-DA sector: 588 stereo frames */
#define BURNER_AUDIO_SECTOR_FRAMES 588u
#define BURNER_CD_SECTORS_PER_S 75u	 /* CD-DA: 75 sectors a second */
#define BURNER_PREGAP_SECTORS 150u	 /* the 2 s pregap before track 1 */
#define BURNER_CD_SECTORS 360000u	 /* an 80-minute CD-R or CD-RW */
#define BURNER_DVD_MINUS_SECTORS 2298496u /* DVD-R, DVD-RW (4.7 GB) */
#define BURNER_DVD_PLUS_SECTORS 2295104u /* DVD+R, DVD+RW */
#define BURNER_BD_SECTORS 12219392u	 /* BD-R, BD-RE (25 GB) */

/* The blank a pseudo-drive stands for; its capacity is in the table that
 * burner_blank_geometry() answers from (the constants above). */
enum burner_blank {
	BURNER_BLANK_NONE,	/* a real drive */
	BURNER_BLANK_CD_R,
	BURNER_BLANK_CD_RW,
	BURNER_BLANK_DVD_R,
	BURNER_BLANK_DVD_RW,
	BURNER_BLANK_DVD_PLUS_R,
	BURNER_BLANK_DVD_PLUS_RW,
	BURNER_BLANK_BD_R,
	BURNER_BLANK_BD_RE,
	BURNER_BLANK_COUNT
};

/* "none", "cd-r", "cd-rw", "dvd-r", "dvd-rw", "dvd+r", "dvd+rw", "bd-r",
 * "bd-re"; "?" out of range.  _parse() returns the enum or -1. */
const char *burner_blank_name(enum burner_blank k);
int burner_blank_parse(const char *name);

enum burner_family {
	BURNER_FAMILY_NONE,	/* no disc */
	BURNER_FAMILY_CD,
	BURNER_FAMILY_DVD,
	BURNER_FAMILY_BD,
	BURNER_FAMILY_OTHER	/* a profile we do not know */
};

/* What is in the drive.  The one list: core's snapshot and the staff
 * screen carry these values as they are. */
enum burner_status {
	BURNER_MEDIA_NONE,	/* no disc (or not yet readable) */
	BURNER_MEDIA_BLANK,
	BURNER_MEDIA_APPENDABLE,
	BURNER_MEDIA_CLOSED,
	BURNER_MEDIA_UNSUITABLE,
	BURNER_STATUS_COUNT
};

/* A blank's geometry: static, never NULL (out of range: the "none" row). */
struct burner_geometry {
	const char *name;	/* as burner_blank_name() */
	int profile;		/* MMC profile: 0x09 CD-R, 0x11 DVD-R, ... */
	enum burner_family family;
	uint32_t sectors;	/* capacity in 2 KiB blocks (CD: also CD-DA sectors) */
};
const struct burner_geometry *burner_blank_geometry(enum burner_blank k);

/* The blank an order of kind m is written on by default (CD-R for both CD
 * kinds, DVD-R for a DVD), and the bytes of content it holds: sectors ×
 * 2048 for data, × 2352 for CD-DA (pregaps included, so an audio order must
 * fit its content plus 150 sectors a track).  0 for an unknown kind. */
enum burner_blank burner_kind_blank(enum media_kind m);
uint64_t burner_capacity_bytes(enum media_kind m);

/* Drive addresses: the one parser.  Whether `address` names a pseudo-drive
 * ("stdio:PATH"); *path (may be NULL) gets PATH for a pseudo-drive, the
 * address itself for a real one (a pointer into `address`). */
bool burner_address_pseudo(const char *address, const char **path);

/* A pseudo-drive's relative PATH becomes BASE_DIR/PATH in place (a config's
 * paths are relative to its folder); anything else is left alone.  0, or -1
 * when the result does not fit cap (address then undefined). */
int burner_address_resolve(char *address, size_t cap, const char *base_dir);

/* "none", "blank", ... ; "cd", "dvd", ... */
const char *burner_status_name(enum burner_status s);
const char *burner_family_name(enum burner_family f);

struct burner_media {
	int profile;		/* MMC profile: 0x09 CD-R, 0x11 DVD-R, ...; 0 none */
	char profile_name[80];	/* libburn's name: "CD-R", "DVD+RW", ... */
	enum burner_family family;
	bool writable;		/* a profile libburn can write */
	bool rewritable;	/* CD-RW, DVD-RW, DVD+RW, DVD-RAM, BD-RE */
	enum burner_status status;
	uint64_t free_bytes;	/* writable now, in 2 KiB blocks × 2048; 0 unless
				 * blank or appendable */
	bool is_pseudo;		/* a stdio: pseudo-drive with an emulated blank */
};

/* What the drive holds now.  A pseudo-drive whose file and folder have
 * gone fails with "drive not found: ADDRESS".  0 or -1. */
struct burner;
int burner_media(struct burner *b, struct burner_media *m, struct err *e);

/* ---- fit: the media against the order -------------------------------- */

enum burner_fit {
	BURNER_FIT_OK,
	BURNER_FIT_NO_DISC,	/* "No disc in the drive." */
	BURNER_FIT_UNSUITABLE,	/* unreadable, or a read-only disc */
	BURNER_FIT_WRITTEN,	/* appendable or closed */
	BURNER_FIT_WRONG_KIND,	/* a DVD for a CD order, ... */
	BURNER_FIT_TOO_SMALL,
	BURNER_FIT_COUNT
};

/* The reason with its figures, for the UI to say it in any language. */
struct burner_fit_info {
	enum burner_fit fit;
	enum burner_family have, need;	/* WRONG_KIND */
	uint64_t need_units, have_units; /* TOO_SMALL, rounded (need up,
					  * have down) in `unit` */
	const char *unit;		/* "MB" (MiB), "GB" (10^9 B) or "minutes" */
};

/* Pure: whether media m takes an order of kind `kind` whose image is
 * `image_bytes` long.  For MEDIA_AUDIO_CD, image_bytes counts CD-DA bytes
 * (2352 per sector, pregaps included) against free sectors × 2352.  An
 * audio CD needs a CD; a data CD needs a CD (a DVD is refused: the customer
 * paid for a CD); a data DVD needs a DVD (not a BD).  Only a blank is
 * accepted: each order is one closed session. */
enum burner_fit burner_media_fit(const struct burner_media *m, enum media_kind kind,
				 uint64_t image_bytes, struct burner_fit_info *why);

/* The English sentence for a customer: "This is a CD. Your order needs a
 * DVD.", "Your order needs 812 MB; this disc holds 703 MB.", ...
 * Empty string for BURNER_FIT_OK. */
void burner_fit_text(const struct burner_fit_info *why, char *buf, size_t len);

/* burner_media() then burner_media_fit(): 0 when it fits, else -1 with the
 * customer's sentence in e (and the code in *why, which may be NULL). */
int burner_check_fit(struct burner *b, enum media_kind kind, uint64_t image_bytes,
		     struct burner_fit_info *why, struct err *e);

/* ---- drives ---------------------------------------------------------- */

#define BURNER_ADDR_MAX 256

struct burner_drive {
	char address[BURNER_ADDR_MAX];	/* "/dev/sr0" */
	char vendor[9], product[17], revision[5];
	bool media_known;		/* false: could not grab it (busy?) */
	struct burner_media media;
};

/* Scans for real drives (pseudo-drives are not listed).  Fills up to max
 * entries; *found says how many exist.  Each drive is grabbed for a moment
 * to read its media, without loading or ejecting.  Refused while any
 * handle is open (a scan invalidates libburn's drive objects).  0 or -1. */
int burner_list(struct burner_drive *out, size_t max, size_t *found, struct err *e);

/* ---- one drive ------------------------------------------------------- */

/* Grabs the drive at `address` (closing its tray).  For "stdio:PATH" blank
 * names the emulated blank and must not be BURNER_BLANK_NONE; for a real
 * drive it must be.  A pseudo-drive's PATH must be a regular file, a block
 * device, or not exist yet in an existing folder.  Fails with
 * "drive not found: ADDRESS" when there is no such drive or folder. */
int burner_open(struct burner **out, const char *address, enum burner_blank blank,
		struct err *e);

/* Releases the drive (unlocking the tray; ejecting if asked; a no-op on a
 * pseudo-drive) and frees the handle.  NULL is fine.  Never fails: a drive
 * that cannot be released is logged. */
void burner_close(struct burner *b, bool eject);

/* The address as given to burner_open(). */
const char *burner_address(const struct burner *b);

/* Whether burner_write_data() computes the MD5 of what it writes
 * (burner_result.md5).  On by default.  Turn it off when the source hashes
 * its own bytes (author's does) and pass that MD5 to burner_verify_data():
 * MD5 runs at about 0.6 GB/s on one core here, and on a pseudo-drive each
 * pass is a large share of the write's time.  The per-block sums that
 * locate a bad block are kept either way (about 10 GB/s). */
void burner_set_write_md5(struct burner *b, bool on);

/* ---- writing and verifying ------------------------------------------- */

/* The stages of a disc job, in order: the one list.  burner reports the
 * first four; its caller (handover) adds ERASING and DONE, which happen off
 * the drive; core's snapshot and the UI carry the same values.  A new
 * stage is added here, with its name below and its UI string. */
enum burner_stage {
	BURNER_STAGE_PREPARING,	/* starting, lead-in, pregap */
	BURNER_STAGE_WRITING,
	BURNER_STAGE_CLOSING,	/* lead-out, closing track and session */
	BURNER_STAGE_VERIFYING,
	BURNER_STAGE_ERASING,	/* the spool (handover) */
	BURNER_STAGE_DONE,
	BURNER_STAGE_COUNT
};

/* "preparing", "writing", "closing", "verifying", "erasing", "done"; "?" */
const char *burner_stage_name(enum burner_stage s);

/* Pure: a write's progress over the whole disc.  libburn counts sectors per
 * track (burn_progress.sector of .sectors, in track .track of .tracks,
 * 0-based); a disc of several tracks (an audio CD) needs the tracks before
 * the current one added.  track_sectors[tracks] are the tracks' lengths.
 * Returns the disc's bytes done (sector clamped to its track; track >=
 * tracks: all) and sets *total (may be NULL) to the disc's bytes. */
uint64_t burner_disc_progress(const uint32_t *track_sectors, int tracks, int track,
			      int sector, unsigned sector_bytes, uint64_t *total);

struct burner_progress {
	enum burner_stage stage;
	uint64_t done, total;	/* bytes */
	int percent;		/* 0..100 */
	double mb_per_s;	/* 10^6 bytes per second, since the stage began */
	int eta_s;		/* seconds left; -1 unknown */
	int fifo_percent;	/* FIFO fill while writing; -1 otherwise */
};

/* Called about 4 times a second (and once at 100 %).  Return non-zero to
 * cancel: the call then returns BURNER_CANCELLED once libburn is idle. */
typedef int (*burner_progress_fn)(const struct burner_progress *p, void *arg);

struct burner_result {
	uint64_t bytes;		/* bytes handed to the drive */
	double seconds;		/* from burn_disc_write() to idle */
	uint8_t md5[16];	/* MD5 of those bytes (data writes; zero when
				 * burner_set_write_md5(b, false)) */
	bool media_touched;	/* a blank was (partly) written: on failure it is
				 * ruined, count it */
	int fifo_min_percent;	/* lowest FIFO fill once writing (-1: none) */
};

/* Writes `size` bytes (a positive multiple of 2048, equal to the source's
 * size) from src as one MODE1 data track in one closed session, through
 * libburn's FIFO (64 MiB), with underrun protection, the write type libburn
 * picks for the media (SAO/DAO or TAO), simulated (laser off) if asked.
 * Needs blank media with room for size bytes.  res may be NULL.
 * 0, -1 (reason in e: libburn's, e.g. "No space left on device"), or
 * BURNER_CANCELLED.  After a failure or a cancel the source is read no
 * more; a source stuck inside a read for 30 s is abandoned with libburn's
 * FIFO (leaked, its thread left alone) rather than cancelled mid-read. */
int burner_write_data(struct burner *b, struct burn_source *src, uint64_t size,
		      bool simulate, burner_progress_fn cb, void *arg,
		      struct burner_result *res, struct err *e);

/* Writes an audio session (tracks and pregaps as the caller built it) to a
 * blank CD in a real writer, SAO, with `cdtext_count` CD-TEXT packs (18
 * bytes each, CRCs checked; NULL/0: none) in the lead-in.  A pseudo-drive
 * refuses: "audio CDs are written as CUE/BIN on pseudo-drives".  res->md5
 * stays zero. */
int burner_write_audio(struct burner *b, struct burn_disc *disc,
		       const unsigned char *cdtext, size_t cdtext_count, bool simulate,
		       burner_progress_fn cb, void *arg, struct burner_result *res,
		       struct err *e);

/* Reads the first `size` bytes of the disc back (burn_read_data, 4 MiB per
 * call, in a reader thread three buffers ahead of the hashing) and compares
 * their MD5 with expect_md5.  On a mismatch, and when
 * this handle wrote those bytes, e names the first differing 2 KiB block
 * ("block 1234 (byte 2527232) differs"); the read stops there.
 * 0, -1 or BURNER_CANCELLED. */
int burner_verify_data(struct burner *b, uint64_t size, const uint8_t expect_md5[16],
		       burner_progress_fn cb, void *arg, struct err *e);

/* Reads an audio CD's program area back (burn_read_audio, LBA 0 to
 * `sectors`) and compares it with src_bin, the CD-DA that was written
 * (author's NAME.bin: raw 2352-byte sectors from LBA 0).  Audio sectors are
 * not addressed exactly (libburn.h: a drive reads a few dozen ms early or
 * late), so first the shift is found at which 8 sectors from the middle of
 * the disc match the source, within ±5 sectors' worth of frames; then every
 * byte is compared at that shift, except the few frames it pushes past
 * either end.  0: matched; -1: differs or a read failed (e names the
 * sectors); BURNER_UNREADABLE: the drive reads no audio (the first read
 * failed, or a pseudo-drive); BURNER_CANCELLED. */
int burner_verify_audio(struct burner *b, const char *src_bin, uint32_t sectors,
			burner_progress_fn cb, void *arg, struct err *e);

/* Pure: the shift, in stereo frames (4 bytes), at which disc[disc_len]
 * equals src at byte src_at + shift × 4, trying 0, -1, +1, ... up to
 * ±max_frames (the smallest wins: a silent probe matches at 0).  0 and
 * *offset_frames, or -1 when none matches. */
int burner_audio_offset(const uint8_t *disc, size_t disc_len, const uint8_t *src,
			size_t src_len, long src_at, int max_frames, int *offset_frames);

#endif
