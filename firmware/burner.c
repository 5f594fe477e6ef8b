// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * burner: libburn behind the contract in burner.h.
 *
 * File-scope state: `lib` below, forced by libburn being one library per
 * process (burn_initialize/burn_finish, one message queue, one drive
 * array).  It counts burner_init() calls and links the open handles, so
 * that burner_finish() can release them before burn_finish() and
 * burner_list() can refuse to rescan under them.
 *
 * A write:  caller's source ─▶ tap (MD5 + block sums) ─▶ libburn FIFO
 *           ─▶ track ─▶ session ─▶ disc ─▶ burn_disc_write (writer thread)
 * and the calling thread polls burn_drive_get_status() every POLL_MS,
 * draining libburn's messages into the log and calling the progress
 * callback every CALLBACK_MS.  Teardown order matters: after libburn is
 * idle, the disc (which holds the track's reference to the FIFO) and then
 * the FIFO are freed; freeing the FIFO joins its thread, so the tap's
 * results are read after that with no other thread left to race with.
 */
#include "burner.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libburn/libburn.h>
#include <nettle/md5.h>

#include "log.h"

#define BLOCK 2048
#define AUDIO_SECTOR 2352
/*
 * libburn's FIFO between the source and the writer.  Its two sides poll
 * each other with 50 ms sleeps, so a small FIFO starves the writer: a
 * libisofs image of a 4 GB tree written to a tmpfs pseudo-drive took 59 s
 * through 4 MiB, 33 s through 8, 20 s through 16, 14 s through 32 and
 * 12 s through 64 MiB.  FIFO_BIG_READS lets it read 32 KiB per call
 * instead of one 2 KiB sector; with a libisofs source, MD5 included, that
 * alone took the source from 237 to 484 MB/s (per-sector reads make
 * libisofs' ring buffer wake its writer thread for every 2 KiB).
 */
#define FIFO_BYTES (64 << 20)
/* A real writer takes at most ~33 MB/s (24x DVD): 50 ms of polling is
 * under 2 MB, so 16 MiB rides out any hiccup of the source.  And no FIFO
 * is larger than the image it carries (the kiosk's memory budget). */
#define FIFO_BYTES_DRIVE (16 << 20)
#define FIFO_BYTES_MIN (1 << 20)
#define FIFO_BIG_READS 1
#define READ_CHUNK (4 << 20)	/* burn_read_data() per call when verifying */
#define POLL_MS 20
#define CALLBACK_MS 250
#define BUSY_RETRIES 250	/* × POLL_MS: 5 s */
#define SETTLE_S 30		/* fifo_settle()'s patience with a stuck source */
#define SUMS_MAX_BYTES (16u << 20)	/* cap of the per-block sum table */
#define MSG_MOD "burner"

/* ---- process-wide state ---------------------------------------------- */

static struct {
	pthread_mutex_t lock;
	int users;		/* burner_init() calls not yet finished */
	int open;		/* handles between open and close */
	struct burner *handles;	/* linked through burner.next */
} lib = { PTHREAD_MUTEX_INITIALIZER, 0, 0, NULL };

/* ---- the handle ------------------------------------------------------ */

/* Per-block sums of the bytes last written through this handle. */
struct block_sums {
	uint32_t *v;		/* one per group of 2^shift blocks */
	size_t n;
	unsigned shift;
	uint64_t size;		/* bytes covered */
	bool valid;		/* the write that filled it succeeded */
};

struct burner {
	struct burner *next;	/* in lib.handles */
	char address[BURNER_ADDR_MAX];
	struct burn_drive_info *info;	/* from burn_drive_scan_and_grab() */
	struct burn_drive *drive;	/* NULL once burner_finish() released it */
	bool pseudo;
	char path[BURNER_ADDR_MAX];	/* pseudo: the file */
	enum burner_blank blank;	/* pseudo: the emulated blank */
	enum burner_status emulated;	/* pseudo: BLANK until written */
	struct block_sums sums;
	bool no_write_md5;		/* burner_set_write_md5(b, false) */
	/* the first libburn message of severity SORRY or worse since
	 * clear_reason(): the cause of a failure */
	char reason[256];
	int reason_errno;
};

/* ---- tables ---------------------------------------------------------- */

static const struct {
	const char *name;
	int profile;
	uint32_t blocks;
} blanks[BURNER_BLANK_COUNT] = {
	[BURNER_BLANK_NONE] = { "none", 0, 0 },
	[BURNER_BLANK_CD_R] = { "cd-r", 0x09, 360000 },
	[BURNER_BLANK_CD_RW] = { "cd-rw", 0x0a, 360000 },
	[BURNER_BLANK_DVD_R] = { "dvd-r", 0x11, 2298496 },
	[BURNER_BLANK_DVD_RW] = { "dvd-rw", 0x14, 2298496 },
	[BURNER_BLANK_DVD_PLUS_R] = { "dvd+r", 0x1b, 2295104 },
	[BURNER_BLANK_DVD_PLUS_RW] = { "dvd+rw", 0x1a, 2295104 },
	[BURNER_BLANK_BD_R] = { "bd-r", 0x41, 12219392 },
	[BURNER_BLANK_BD_RE] = { "bd-re", 0x43, 12219392 },
};

/* MMC profiles (mmc5r03c table 89) and what we make of them. */
static const struct {
	int profile;
	enum burner_family family;
	bool writable, rewritable;
} profiles[] = {
	{ 0x08, BURNER_FAMILY_CD, false, false },	/* CD-ROM */
	{ 0x09, BURNER_FAMILY_CD, true, false },	/* CD-R */
	{ 0x0a, BURNER_FAMILY_CD, true, true },		/* CD-RW */
	{ 0x10, BURNER_FAMILY_DVD, false, false },	/* DVD-ROM */
	{ 0x11, BURNER_FAMILY_DVD, true, false },	/* DVD-R sequential */
	{ 0x12, BURNER_FAMILY_DVD, true, true },	/* DVD-RAM */
	{ 0x13, BURNER_FAMILY_DVD, true, true },	/* DVD-RW restricted overwrite */
	{ 0x14, BURNER_FAMILY_DVD, true, true },	/* DVD-RW sequential */
	{ 0x15, BURNER_FAMILY_DVD, true, false },	/* DVD-R/DL sequential */
	{ 0x16, BURNER_FAMILY_DVD, false, false },	/* DVD-R/DL jump */
	{ 0x1a, BURNER_FAMILY_DVD, true, true },	/* DVD+RW */
	{ 0x1b, BURNER_FAMILY_DVD, true, false },	/* DVD+R */
	{ 0x2a, BURNER_FAMILY_DVD, false, true },	/* DVD+RW/DL */
	{ 0x2b, BURNER_FAMILY_DVD, true, false },	/* DVD+R/DL */
	{ 0x40, BURNER_FAMILY_BD, false, false },	/* BD-ROM */
	{ 0x41, BURNER_FAMILY_BD, true, false },	/* BD-R sequential */
	{ 0x42, BURNER_FAMILY_BD, false, false },	/* BD-R random (read-only here) */
	{ 0x43, BURNER_FAMILY_BD, true, true },		/* BD-RE */
};

const char *burner_blank_name(enum burner_blank k)
{
	return (unsigned)k < BURNER_BLANK_COUNT ? blanks[k].name : "?";
}

int burner_blank_parse(const char *name)
{
	for (int k = 0; name && k < BURNER_BLANK_COUNT; k++)
		if (strcmp(name, blanks[k].name) == 0)
			return k;
	return -1;
}

const char *burner_status_name(enum burner_status s)
{
	static const char *const names[] = { "none", "blank", "appendable", "closed",
					     "unsuitable" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *burner_family_name(enum burner_family f)
{
	static const char *const names[] = { "none", "cd", "dvd", "bd", "other" };

	return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] : "?";
}

const char *burner_stage_name(enum burner_stage s)
{
	static const char *const names[] = { "preparing", "writing", "closing", "verifying" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* Copies src into dst[len], cut to fit; the cut is deliberate. */
static void copy_text(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void describe_profile(int profile, struct burner_media *m)
{
	m->profile = profile;
	m->family = profile ? BURNER_FAMILY_OTHER : BURNER_FAMILY_NONE;
	m->writable = m->rewritable = false;
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
		if (profiles[i].profile != profile)
			continue;
		m->family = profiles[i].family;
		m->writable = profiles[i].writable;
		m->rewritable = profiles[i].rewritable;
	}
	m->profile_name[0] = '\0';
	if (profile && burn_obtain_profile_name(profile, m->profile_name) <= 0)
		snprintf(m->profile_name, sizeof(m->profile_name), "profile 0x%04x", profile);
}

/* ---- libburn's messages ---------------------------------------------- */

/* libburn message codes we act on (libburn/libdax_msgs.h) */
#define CODE_STILL_BUSY 0x00020102	/* "A drive operation is still going on" */
#define CODE_WRITER_ENDED 0x00020178	/* "Write thread on drive N ended" */
#define SEEN_STILL_BUSY 1
#define SEEN_WRITER_ENDED 2

/* Moves every queued message into the log; the first one of severity
 * SORRY or worse since clear_reason() becomes b's reason (b may be NULL):
 * the cause ("Cannot write ... No space left on device"), not libburn's
 * summary that follows it ("Burn run failed").  Returns the
 * SEEN_* bits of the codes above that went by. */
static int drain_msgs(struct burner *b)
{
	char text[BURN_MSGS_MESSAGE_LEN], sev[80];
	int code, os_errno, rank, sorry = 0, seen = 0;

	burn_text_to_sev("SORRY", &sorry, 0);
	while (burn_msgs_obtain("ALL", &code, text, &os_errno, sev) > 0) {
		enum log_level level = LOG_DEBUG;

		if (code == CODE_STILL_BUSY)
			seen |= SEEN_STILL_BUSY;
		if (code == CODE_WRITER_ENDED)
			seen |= SEEN_WRITER_ENDED;
		rank = 0;
		burn_text_to_sev(sev, &rank, 0);
		if (strcmp(sev, "NOTE") == 0 || strcmp(sev, "HINT") == 0)
			level = LOG_INFO;
		else if (strcmp(sev, "WARNING") == 0)
			level = LOG_WARN;
		else if (rank >= sorry)
			level = LOG_ERROR;
		if (os_errno)
			log_msg(level, "libburn", "%s %08x: %s (%s)", sev, (unsigned)code, text,
				strerror(os_errno));
		else
			log_msg(level, "libburn", "%s %08x: %s", sev, (unsigned)code, text);
		if (b && !b->reason[0] && rank >= sorry && code != CODE_STILL_BUSY) {
			copy_text(b->reason, sizeof(b->reason), text);
			b->reason_errno = os_errno;
		}
	}
	return seen;
}

static void clear_reason(struct burner *b)
{
	drain_msgs(NULL);
	b->reason[0] = '\0';
	b->reason_errno = 0;
}

/* "libburn: <text> (<strerror>)" or "" */
static const char *reason_of(const struct burner *b, char *buf, size_t len)
{
	if (!b->reason[0])
		snprintf(buf, len, "libburn gave no reason");
	else if (b->reason_errno)
		snprintf(buf, len, "%s (%s)", b->reason, strerror(b->reason_errno));
	else
		snprintf(buf, len, "%s", b->reason);
	return buf;
}

/* ---- process-wide ---------------------------------------------------- */

int burner_init(struct err *e)
{
	int rc = 0;

	pthread_mutex_lock(&lib.lock);
	if (lib.users == 0) {
		if (!burn_initialize()) {
			rc = err_fail(e, "libburn: cannot initialise");
			goto out_unlock;
		}
		/* queue everything, print nothing: drain_msgs() logs it */
		burn_msgs_set_severities("ALL", "NEVER", "libburn: ");
	}
	lib.users++;
out_unlock:
	pthread_mutex_unlock(&lib.lock);
	return rc;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	const struct timespec step = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&step, NULL);
}

/* Waits until libburn leaves d alone (after a cancel it may take a moment). */
static void wait_idle(struct burn_drive *d)
{
	while (burn_drive_get_status(d, NULL) != BURN_DRIVE_IDLE)
		sleep_ms(POLL_MS);
}

/* Releases the drive of b and forgets libburn's info about it.
 * Called with lib.lock held. */
static void release_locked(struct burner *b, bool eject)
{
	if (!b->drive)
		return;
	if (burn_drive_get_status(b->drive, NULL) != BURN_DRIVE_IDLE) {
		burn_drive_cancel(b->drive);
		wait_idle(b->drive);
	}
	burn_drive_release(b->drive, eject ? 1 : 0);
	burn_drive_info_free(b->info);
	b->drive = NULL;
	b->info = NULL;
	lib.open--;
	for (struct burner **p = &lib.handles; *p; p = &(*p)->next) {
		if (*p == b) {
			*p = b->next;
			break;
		}
	}
	b->next = NULL;
	drain_msgs(NULL);
}

void burner_finish(void)
{
	pthread_mutex_lock(&lib.lock);
	if (lib.users == 0)
		goto out_unlock;
	if (--lib.users > 0)
		goto out_unlock;
	while (lib.handles) {
		log_warn(MSG_MOD, "%s still open at shutdown: releasing it",
			 lib.handles->address);
		release_locked(lib.handles, false);
	}
	drain_msgs(NULL);
	burn_finish();
out_unlock:
	pthread_mutex_unlock(&lib.lock);
}

/* ---- open, close ----------------------------------------------------- */

static int usable(const struct burner *b, struct err *e)
{
	if (!b)
		return err_fail(e, "no drive");
	if (!b->drive)
		return err_fail(e, "%s: drive was released at shutdown", b->address);
	return 0;
}

/* A pseudo-drive's file, or its folder if the file is not there yet, must
 * exist: else the drive is "not found" (the folder may have been a USB
 * stick, or removed). */
static int pseudo_present(const struct burner *b, struct err *e)
{
	char dir[BURNER_ADDR_MAX];
	struct stat st;
	char *slash;

	if (stat(b->path, &st) == 0) {
		if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))
			return 0;
		return err_fail(e, "%s: not a regular file or block device", b->address);
	}
	if (errno != ENOENT)
		return err_fail(e, "%s: %s", b->address, strerror(errno));
	snprintf(dir, sizeof(dir), "%s", b->path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return err_fail(e, "drive not found: %s", b->address);
	return 0;
}

int burner_open(struct burner **out, const char *address, enum burner_blank blank,
		struct err *e)
{
	char adr[BURN_DRIVE_ADR_LEN], why[320];
	struct burner *b = NULL;
	int rc = -1, r, role;

	*out = NULL;
	if (!address || !*address || strlen(address) >= BURNER_ADDR_MAX)
		return err_fail(e, "drive address missing or too long");
	if ((unsigned)blank >= BURNER_BLANK_COUNT)
		return err_fail(e, "%s: unknown blank", address);
	b = calloc(1, sizeof(*b));
	if (!b)
		return err_fail(e, "out of memory");
	snprintf(b->address, sizeof(b->address), "%s", address);
	b->pseudo = strncmp(address, "stdio:", 6) == 0;
	b->blank = blank;
	b->emulated = BURNER_MEDIA_BLANK;
	if (b->pseudo) {
		snprintf(b->path, sizeof(b->path), "%s", address + 6);
		if (blank == BURNER_BLANK_NONE) {
			err_fail(e, "%s: a pseudo-drive needs the blank it stands for "
				 "(cd-r, dvd-r, bd-r, ...)", address);
			goto out_free;
		}
		if (!b->path[0])
			goto out_not_found;
		if (pseudo_present(b, e))
			goto out_free;
		snprintf(adr, sizeof(adr), "%s", address);
	} else {
		if (blank != BURNER_BLANK_NONE) {
			err_fail(e, "%s: an emulated blank is for stdio: pseudo-drives only",
				 address);
			goto out_free;
		}
		/* /dev/cdrom and other links to the drive's device */
		if (burn_drive_convert_fs_adr(b->address, adr) <= 0)
			snprintf(adr, sizeof(adr), "%s", address);
	}

	pthread_mutex_lock(&lib.lock);
	if (lib.users == 0) {
		pthread_mutex_unlock(&lib.lock);
		err_fail(e, "burner_init() was not called");
		goto out_free;
	}
	/* libburn grabs a pseudo-drive twice without complaint */
	for (struct burner *h = lib.handles; h; h = h->next) {
		if (h->drive && burn_drive_equals_adr(h->drive, adr, 1) == 1) {
			pthread_mutex_unlock(&lib.lock);
			err_fail(e, "drive already open: %s", address);
			goto out_free;
		}
	}
	clear_reason(b);
	r = burn_drive_scan_and_grab(&b->info, adr, 1);
	drain_msgs(b);
	if (r <= 0) {
		pthread_mutex_unlock(&lib.lock);
		if (r == 0)
			goto out_not_found;
		err_fail(e, "%s: cannot grab the drive: %s", address,
			 reason_of(b, why, sizeof(why)));
		goto out_free;
	}
	b->drive = b->info[0].drive;
	b->next = lib.handles;
	lib.handles = b;
	lib.open++;
	pthread_mutex_unlock(&lib.lock);

	role = burn_drive_get_drive_role(b->drive);
	if (b->pseudo && role != 2) {
		/* role 3 (a FIFO, /dev/null) cannot be read back */
		err_fail(e, "%s: a pseudo-drive must be a regular file or a block device",
			 address);
		goto out_release;
	}
	if (!b->pseudo && role != 1) {
		err_fail(e, "%s: not an optical drive (libburn role %d)", address, role);
		goto out_release;
	}
	log_info(MSG_MOD, "%s grabbed%s%s", address, b->pseudo ? " as an emulated " : "",
		 b->pseudo ? blanks[blank].name : "");
	*out = b;
	return 0;

out_release:
	pthread_mutex_lock(&lib.lock);
	release_locked(b, false);
	pthread_mutex_unlock(&lib.lock);
	goto out_free;
out_not_found:
	err_fail(e, "drive not found: %s", address);
out_free:
	free(b);
	return rc;
}

void burner_close(struct burner *b, bool eject)
{
	if (!b)
		return;
	pthread_mutex_lock(&lib.lock);
	if (b->drive)
		log_info(MSG_MOD, "%s released%s", b->address, eject ? " and ejected" : "");
	release_locked(b, eject && !b->pseudo);
	pthread_mutex_unlock(&lib.lock);
	free(b->sums.v);
	free(b);
}

const char *burner_address(const struct burner *b)
{
	return b ? b->address : "";
}

void burner_set_write_md5(struct burner *b, bool on)
{
	if (b)
		b->no_write_md5 = !on;
}

/* ---- media ----------------------------------------------------------- */

static enum burner_status status_of(enum burn_disc_status s)
{
	switch (s) {
	case BURN_DISC_BLANK:
		return BURNER_MEDIA_BLANK;
	case BURN_DISC_APPENDABLE:
		return BURNER_MEDIA_APPENDABLE;
	case BURN_DISC_FULL:
		return BURNER_MEDIA_CLOSED;
	case BURN_DISC_UNSUITABLE:
		return BURNER_MEDIA_UNSUITABLE;
	default: /* UNREADY, EMPTY, UNGRABBED */
		return BURNER_MEDIA_NONE;
	}
}

int burner_media(struct burner *b, struct burner_media *m, struct err *e)
{
	enum burn_disc_status ds;
	int profile = 0, tries;
	char name[80];
	off_t avail;

	memset(m, 0, sizeof(*m));
	if (usable(b, e))
		return -1;
	if (b->pseudo) {
		uint64_t cap = (uint64_t)blanks[b->blank].blocks * BLOCK;

		if (pseudo_present(b, e))
			return -1;
		/* re-grab the stdio drive: its free space is measured then */
		burn_drive_re_assess(b->drive, 0);
		avail = burn_disc_available_space(b->drive, NULL);
		drain_msgs(b);
		describe_profile(blanks[b->blank].profile, m);
		m->is_pseudo = true;
		m->status = b->emulated;
		if (avail > 0 && (uint64_t)avail < cap)
			cap = (uint64_t)avail;
		m->free_bytes = m->status == BURNER_MEDIA_BLANK ? cap / BLOCK * BLOCK : 0;
		return 0;
	}
	/* "may need to be called more than once to get a proper status" */
	for (tries = 0; tries < 10; tries++) {
		ds = burn_disc_get_status(b->drive);
		if (ds != BURN_DISC_UNREADY)
			break;
		sleep_ms(100);
	}
	if (burn_disc_get_profile(b->drive, &profile, name) <= 0)
		profile = 0;
	describe_profile(profile, m);
	m->status = status_of(ds);
	if (m->status == BURNER_MEDIA_BLANK || m->status == BURNER_MEDIA_APPENDABLE) {
		avail = burn_disc_available_space(b->drive, NULL);
		m->free_bytes = avail > 0 ? (uint64_t)avail / BLOCK * BLOCK : 0;
	}
	drain_msgs(b);
	return 0;
}

/* ---- fit --------------------------------------------------------------- */

static void round_amounts(struct burner_fit_info *w, uint64_t need, uint64_t have,
			  bool audio)
{
	uint64_t unit;

	if (audio) {
		unit = (uint64_t)AUDIO_SECTOR * 75 * 60;	/* a minute of CD-DA */
		w->unit = "minutes";
	} else if (need >= 1000000000 || have >= 1000000000) {
		/* tenths of GB, as DVD labels say ("4.7 GB") */
		unit = 100000000;
		w->unit = "GB";
	} else {
		/* MiB, as CD labels say ("700 MB") */
		unit = 1 << 20;
		w->unit = "MB";
	}
	w->need_units = (need + unit - 1) / unit;
	w->have_units = have / unit;
}

enum burner_fit burner_media_fit(const struct burner_media *m, enum media_kind kind,
				 uint64_t image_bytes, struct burner_fit_info *why)
{
	struct burner_fit_info local, *w = why ? why : &local;
	bool audio = kind == MEDIA_AUDIO_CD;
	uint64_t room;

	memset(w, 0, sizeof(*w));
	w->have = m->family;
	w->need = kind == MEDIA_DATA_DVD ? BURNER_FAMILY_DVD : BURNER_FAMILY_CD;
	if (m->status == BURNER_MEDIA_NONE || m->family == BURNER_FAMILY_NONE)
		w->fit = BURNER_FIT_NO_DISC;
	else if (m->status == BURNER_MEDIA_UNSUITABLE || m->family == BURNER_FAMILY_OTHER)
		w->fit = BURNER_FIT_UNSUITABLE;
	else if (m->family != w->need)
		w->fit = BURNER_FIT_WRONG_KIND;
	else if (!m->writable)
		w->fit = BURNER_FIT_UNSUITABLE;
	else if (m->status != BURNER_MEDIA_BLANK)
		w->fit = BURNER_FIT_WRITTEN;
	if (w->fit != BURNER_FIT_OK)
		return w->fit;
	room = audio ? m->free_bytes / BLOCK * AUDIO_SECTOR : m->free_bytes;
	if (image_bytes > room) {
		w->fit = BURNER_FIT_TOO_SMALL;
		round_amounts(w, image_bytes, room, audio);
	}
	return w->fit;
}

void burner_fit_text(const struct burner_fit_info *w, char *buf, size_t len)
{
	static const char *const article[] = { "a disc", "a CD", "a DVD", "a Blu-ray disc",
					       "another kind of disc" };
	unsigned have = (unsigned)w->have < 5 ? w->have : BURNER_FAMILY_OTHER;
	unsigned need = (unsigned)w->need < 5 ? w->need : BURNER_FAMILY_OTHER;

	switch (w->fit) {
	case BURNER_FIT_OK:
		snprintf(buf, len, "%s", "");
		break;
	case BURNER_FIT_NO_DISC:
		snprintf(buf, len, "No disc in the drive.");
		break;
	case BURNER_FIT_UNSUITABLE:
		snprintf(buf, len, "This disc cannot be written. Please insert a blank disc.");
		break;
	case BURNER_FIT_WRITTEN:
		snprintf(buf, len, "This disc has already been written. "
			 "Please insert a blank disc.");
		break;
	case BURNER_FIT_WRONG_KIND:
		snprintf(buf, len, "This is %s. Your order needs %s.", article[have],
			 article[need]);
		break;
	case BURNER_FIT_TOO_SMALL:
		if (strcmp(w->unit, "GB") == 0)
			snprintf(buf, len, "Your order needs %llu.%llu GB; this disc holds "
				 "%llu.%llu GB.", (unsigned long long)w->need_units / 10,
				 (unsigned long long)w->need_units % 10,
				 (unsigned long long)w->have_units / 10,
				 (unsigned long long)w->have_units % 10);
		else
			snprintf(buf, len, "Your order needs %llu %s; this disc holds %llu %s.",
				 (unsigned long long)w->need_units, w->unit,
				 (unsigned long long)w->have_units, w->unit);
		break;
	}
}

int burner_check_fit(struct burner *b, enum media_kind kind, uint64_t image_bytes,
		     struct burner_fit_info *why, struct err *e)
{
	struct burner_fit_info local, *w = why ? why : &local;
	struct burner_media m;
	char text[160];

	if (burner_media(b, &m, e))
		return -1;
	if (burner_media_fit(&m, kind, image_bytes, w) == BURNER_FIT_OK)
		return 0;
	burner_fit_text(w, text, sizeof(text));
	log_info(MSG_MOD, "%s: %s order refused: %s (%s, %s, %llu bytes free, %llu needed)",
		 b->address, media_kind_name(kind), text, m.profile_name,
		 burner_status_name(m.status), (unsigned long long)m.free_bytes,
		 (unsigned long long)image_bytes);
	return err_fail(e, "%s", text);
}

/* ---- drives ------------------------------------------------------------ */

int burner_list(struct burner_drive *out, size_t max, size_t *found, struct err *e)
{
	struct burn_drive_info *infos = NULL;
	unsigned int n = 0;
	int rc = -1, r;

	*found = 0;
	pthread_mutex_lock(&lib.lock);
	if (lib.users == 0) {
		err_fail(e, "burner_init() was not called");
		goto out_unlock;
	}
	if (lib.open > 0) {
		err_fail(e, "cannot scan for drives while a drive is open");
		goto out_unlock;
	}
	while ((r = burn_drive_scan(&infos, &n)) == 0)
		sleep_ms(10);
	drain_msgs(NULL);
	if (r < 0) {
		err_fail(e, "drive scan failed");
		goto out_unlock;
	}
	for (unsigned int i = 0; i < n; i++) {
		struct burn_drive *d = infos[i].drive;
		struct burner_drive *o;
		char adr[BURN_DRIVE_ADR_LEN];
		int profile = 0;
		char name[80];

		if (i >= max)
			continue;
		o = &out[i];
		memset(o, 0, sizeof(*o));
		if (burn_drive_d_get_adr(d, adr) > 0)
			copy_text(o->address, sizeof(o->address), adr);
		snprintf(o->vendor, sizeof(o->vendor), "%s", infos[i].vendor);
		snprintf(o->product, sizeof(o->product), "%s", infos[i].product);
		snprintf(o->revision, sizeof(o->revision), "%s", infos[i].revision);
		if (burn_drive_grab(d, 0) != 1) {
			drain_msgs(NULL);
			continue;
		}
		if (burn_disc_get_profile(d, &profile, name) <= 0)
			profile = 0;
		describe_profile(profile, &o->media);
		o->media.status = status_of(burn_disc_get_status(d));
		if (o->media.status == BURNER_MEDIA_BLANK ||
		    o->media.status == BURNER_MEDIA_APPENDABLE) {
			off_t avail = burn_disc_available_space(d, NULL);

			o->media.free_bytes = avail > 0 ? (uint64_t)avail / BLOCK * BLOCK : 0;
		}
		o->media_known = true;
		burn_drive_release(d, 0);
		drain_msgs(NULL);
	}
	burn_drive_info_free(infos);
	drain_msgs(NULL);
	*found = n;
	rc = 0;
out_unlock:
	pthread_mutex_unlock(&lib.lock);
	return rc;
}

/* ---- block sums ---------------------------------------------------------- */

/* A Fletcher-style sum over 64-bit words: not a hash against an adversary
 * (the MD5 is the verdict), only to find where two streams part.  Runs at
 * about 10 GB/s, so it costs nothing next to MD5 (about 0.6 GB/s). */
struct summer {
	uint64_t a, s;
	uint64_t pos;		/* bytes fed */
};

static int sums_alloc(struct block_sums *t, uint64_t size, struct err *e)
{
	uint64_t blocks = (size + BLOCK - 1) / BLOCK;

	free(t->v);
	memset(t, 0, sizeof(*t));
	while (((blocks + (1u << t->shift) - 1) >> t->shift) * sizeof(uint32_t) >
	       SUMS_MAX_BYTES)
		t->shift++;
	t->n = (size_t)((blocks + (1u << t->shift) - 1) >> t->shift);
	t->v = calloc(t->n ? t->n : 1, sizeof(uint32_t));
	if (!t->v)
		return err_fail(e, "out of memory for %zu block sums", t->n);
	t->size = size;
	return 0;
}

static uint32_t summer_value(const struct summer *z)
{
	uint64_t h = z->a * 0x9e3779b97f4a7c15ull ^ (z->s + (z->s >> 31));

	return (uint32_t)(h ^ (h >> 32));
}

/* One whole block at p: folds it into the running group sum and, at the
 * end of a group, stores (or compares) the group's value.  Returns false
 * when compare is set and the stored value differs. */
static bool summer_block(struct summer *z, struct block_sums *t, const uint8_t *p,
			 bool compare, uint64_t *bad_group)
{
	uint64_t a = z->a, s = z->s, w;
	uint64_t block = z->pos / BLOCK;
	bool ok = true;

	for (size_t i = 0; i < BLOCK; i += 8) {
		memcpy(&w, p + i, 8);
		a += w;
		s += a;
	}
	z->a = a;
	z->s = s;
	z->pos += BLOCK;
	if (((block + 1) & ((1ull << t->shift) - 1)) == 0 || z->pos >= t->size) {
		size_t g = (size_t)(block >> t->shift);
		uint32_t v = summer_value(z);

		if (g < t->n) {
			if (!compare)
				t->v[g] = v;
			else if (t->v[g] != v) {
				ok = false;
				*bad_group = g;
			}
		}
		z->a = z->s = 0;
	}
	return ok;
}

/* Feeds len bytes, whole blocks only: every caller's chunks are multiples
 * of 2048 (the FIFO reads 32 KiB, verify 4 MiB, sizes are whole blocks)
 * except a source that ends early, and that write fails anyway.  false on
 * a mismatch. */
static bool summer_feed(struct summer *z, struct block_sums *t, const uint8_t *p, size_t len,
			bool compare, uint64_t *bad_group)
{
	for (; len >= BLOCK; p += BLOCK, len -= BLOCK)
		if (!summer_block(z, t, p, compare, bad_group))
			return false;
	return true;
}

/* ---- the tap: a pass-through source that hashes what libburn reads ------ */

struct tap {
	struct burn_source *inner;	/* our own reference */
	uint64_t size, pos;
	bool hash;			/* compute md5 */
	struct md5_ctx md5;
	struct summer sum;
	struct block_sums *sums;	/* the handle's table, filled as we go */
	bool failed;
	/* Shared by the FIFO's thread and the burner's: the fields above are
	 * updated, and the flags below read and set, under lock.  libburn's
	 * FIFO hands data over through volatile ints, not locks, so this lock
	 * is also what orders the FIFO thread's writes before our reads. */
	pthread_mutex_t lock;
	bool stop;			/* deliver nothing more */
	bool ended;			/* returned EOF or an error: never called again */
	bool in_read;			/* the FIFO's thread is in tap_read() */
	bool read_once;			/* the FIFO's thread started reading */
};

/* Runs in the FIFO's thread. */
static int tap_read(struct burn_source *src, unsigned char *buf, int size)
{
	struct tap *t = src->data;
	struct burn_source *in = t->inner;
	uint64_t dummy;
	int got = 0, n;
	bool stop;

	pthread_mutex_lock(&t->lock);
	t->read_once = true;
	/* stopped: an end rather than an error, which libburn would log */
	stop = t->stop || t->pos >= t->size || size <= 0;
	if (!stop) {
		if ((uint64_t)size > t->size - t->pos)
			size = (int)(t->size - t->pos);
		t->in_read = true;
	}
	pthread_mutex_unlock(&t->lock);
	if (stop)
		goto out_end;
	/* the FIFO asks for 32 KiB at a time; a source that hands out less
	 * per call (one sector, say) is asked again until the buffer is full */
	while (got < size) {
		n = in->read ? in->read(in, buf + got, size - got) :
			       in->read_xt(in, buf + got, size - got);
		if (n <= 0) {
			got = n < 0 ? -1 : got;
			break;
		}
		got += n;
	}
	pthread_mutex_lock(&t->lock);
	t->in_read = false;
	if (got > 0) {
		if (t->hash)
			md5_update(&t->md5, (size_t)got, buf);
		summer_feed(&t->sum, t->sums, buf, (size_t)got, false, &dummy);
		t->pos += (uint64_t)got;
	} else {
		t->failed = got < 0;
		t->ended = true;
	}
	pthread_mutex_unlock(&t->lock);
	return got;
out_end:
	pthread_mutex_lock(&t->lock);
	t->ended = true;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static off_t tap_get_size(struct burn_source *src)
{
	return (off_t)((struct tap *)src->data)->size;
}

static int tap_set_size(struct burn_source *src, off_t size)
{
	/* libburn's note to itself; the tap never delivers more than size */
	(void)src;
	(void)size;
	return 1;
}

/* The consumer gave up (libburn's FIFO calls this too): so do we, and the
 * caller's source is told (libisofs then stops its producer thread). */
static int tap_cancel(struct burn_source *src)
{
	struct tap *t = src->data;
	struct burn_source *in = t->inner;

	pthread_mutex_lock(&t->lock);
	t->stop = true;
	pthread_mutex_unlock(&t->lock);
	/* only a version 1 source (read == NULL) has .cancel */
	if (!in->read && in->version >= 1 && in->cancel)
		return in->cancel(in);
	return 1;
}

static void tap_free(struct burn_source *src)
{
	struct tap *t = src->data;

	burn_source_free(t->inner);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* A new source over inner with one reference, which the caller drops with
 * burn_source_free(); it takes a reference of its own on inner. */
static struct burn_source *tap_new(struct burn_source *inner, uint64_t size, bool hash,
				   struct block_sums *sums)
{
	struct burn_source *src = calloc(1, sizeof(*src));
	struct tap *t = calloc(1, sizeof(*t));

	if (!src || !t) {
		free(src);
		free(t);
		return NULL;
	}
	pthread_mutex_init(&t->lock, NULL);
	t->inner = inner;
	inner->refcount++;
	t->size = size;
	t->sums = sums;
	t->hash = hash;
	md5_init(&t->md5);
	src->refcount = 1;
	src->version = 1;
	src->read = NULL;
	src->read_xt = tap_read;
	src->get_size = tap_get_size;
	src->set_size = tap_set_size;
	src->cancel = tap_cancel;
	src->free_data = tap_free;
	src->data = t;
	return src;
}

/*
 * Makes the FIFO's thread leave the tap (and the caller's source) for good
 * before the FIFO is freed.  Freeing a FIFO whose thread still runs makes
 * libburn pthread_cancel() it asynchronously, which could strike inside the
 * caller's source while it holds a lock (libisofs', author's).  The FIFO's
 * thread reads until the tap returns EOF or an error, and never after; so
 * the tap stops delivering, and what the FIFO holds is read and dropped
 * (only what is there: a read never waits) until the tap has said its
 * last.  The thread then only sleeps until it exits, and the tap's results
 * are ours to read.  A source stuck in a read for SETTLE_S makes this give
 * up: false, and the caller leaks the FIFO rather than cancel its thread
 * mid-read.
 */
static bool fifo_settle(struct burn_source *fifo, struct burn_source *tap_src)
{
	struct tap *t = tap_src->data;
	unsigned char sink[32 * 1024];
	double deadline = now_s() + SETTLE_S;
	int st, size, avail, fill;
	bool done, never;
	char *text;

	pthread_mutex_lock(&t->lock);
	t->stop = true;
	pthread_mutex_unlock(&t->lock);
	for (;;) {
		pthread_mutex_lock(&t->lock);
		done = t->ended && !t->in_read;
		never = !t->read_once;
		pthread_mutex_unlock(&t->lock);
		if (done)
			return true;
		st = burn_fifo_inquire_status(fifo, &size, &avail, &text);
		if (st == 0 && never)
			return true;	/* "standby": its thread never started */
		fill = size - avail - 1;
		if (st > 0 && !(st & 4) && fill > 0) {
			/* room for the thread's next read, so it sees the stop */
			fifo->read_xt(fifo, sink, fill < (int)sizeof(sink) ? fill
						       : (int)sizeof(sink));
			continue;
		}
		if (now_s() > deadline) {
			log_error(MSG_MOD, "the image source did not stop within %d s", SETTLE_S);
			return false;
		}
		sleep_ms(POLL_MS);
	}
}

/* ---- the write loop ------------------------------------------------------ */

static enum burner_stage stage_of(enum burn_drive_status s)
{
	switch (s) {
	case BURN_DRIVE_WRITING:
	case BURN_DRIVE_WRITING_SYNC:
		return BURNER_STAGE_WRITING;
	case BURN_DRIVE_WRITING_LEADOUT:
	case BURN_DRIVE_CLOSING_TRACK:
	case BURN_DRIVE_CLOSING_SESSION:
		return BURNER_STAGE_CLOSING;
	default:
		return BURNER_STAGE_PREPARING;
	}
}

/* Percent, rate since `since` and the ETA, into p. */
static void rate_eta(struct burner_progress *p, double since)
{
	double dt = now_s() - since;

	p->mb_per_s = dt > 0.05 ? (double)p->done / dt / 1e6 : 0;
	p->eta_s = -1;
	if (p->mb_per_s > 0.01)
		p->eta_s = (int)((double)(p->total - p->done) / (p->mb_per_s * 1e6) + 0.5);
	p->percent = p->total ? (int)(p->done * 100 / p->total) : 0;
}

struct write_job {
	struct burn_write_opts *opts;
	struct burn_disc *disc;
	struct burn_source *fifo;	/* NULL for audio */
	uint64_t total;			/* bytes, for progress */
	uint64_t unit;			/* bytes per libburn sector (2048 or 2352) */
	burner_progress_fn cb;
	void *arg;
	/* out */
	bool cancelled, wrote_well;
	uint64_t done;
	double seconds;
	int fifo_min;
};

static int fifo_fill(struct burn_source *fifo)
{
	int size = 0, avail = 0;
	char *text = NULL;

	if (!fifo || burn_fifo_inquire_status(fifo, &size, &avail, &text) < 0 || size <= 0)
		return -1;
	return (int)((int64_t)(size - avail) * 100 / size);
}

/* burn_disc_write() and the poll loop, until libburn is idle again and its
 * writer thread has ended. */
static void run_write(struct burner *b, struct write_job *j)
{
	struct burner_progress p = { .fifo_percent = -1 };
	double t0 = now_s(), last_cb = 0, writing_since = 0;
	bool started = false, threaded = false;
	struct burn_progress bp;
	enum burn_drive_status st;
	int seen = 0, tries;

	j->fifo_min = -1;
	p.total = j->total;
	/* libburn reports idle a moment before the previous writer thread is
	 * gone, and refuses a new write until it is: retry for a while */
	for (tries = 0; tries < BUSY_RETRIES && !started; tries++) {
		if (tries)
			sleep_ms(POLL_MS);
		burn_disc_write(j->opts, j->disc);
		started = !(drain_msgs(b) & SEEN_STILL_BUSY);
	}
	if (!started) {
		copy_text(b->reason, sizeof(b->reason), "the drive is still busy");
		return;
	}
	for (;;) {
		memset(&bp, 0, sizeof(bp));
		st = burn_drive_get_status(b->drive, &bp);
		seen |= drain_msgs(b);
		if (st == BURN_DRIVE_IDLE)
			break;
		threaded = true;
		if (j->cancelled) {
			/* repeated: a cancel before the writer thread starts is
			 * reset by it */
			burn_drive_cancel(b->drive);
		} else {
			p.stage = stage_of(st);
			if (bp.sectors > 0 && bp.sector > 0) {
				uint64_t d = (uint64_t)bp.sector * j->unit;

				p.done = d < j->total ? d : j->total;
			}
			if (p.done > j->done)
				j->done = p.done;
			p.fifo_percent = fifo_fill(j->fifo);
			if (p.stage == BURNER_STAGE_WRITING) {
				if (writing_since == 0)
					writing_since = now_s();
				if (p.fifo_percent >= 0 && p.done > 0 &&
				    (j->fifo_min < 0 || p.fifo_percent < j->fifo_min))
					j->fifo_min = p.fifo_percent;
			}
			if (j->cb && now_s() - last_cb >= CALLBACK_MS / 1000.0) {
				last_cb = now_s();
				rate_eta(&p, writing_since ? writing_since : t0);
				if (j->cb(&p, j->arg)) {
					log_info(MSG_MOD, "%s: write cancelled at %llu bytes",
						 b->address, (unsigned long long)p.done);
					j->cancelled = true;
					burn_drive_cancel(b->drive);
				}
			}
		}
		sleep_ms(POLL_MS);
	}
	j->wrote_well = burn_drive_wrote_well(b->drive) == 1;
	/* the writer thread's last word ("Write thread on drive N ended") */
	for (tries = 0; !(seen & SEEN_WRITER_ENDED) && tries < (threaded ? BUSY_RETRIES : 5);
	     tries++) {
		sleep_ms(POLL_MS);
		seen |= drain_msgs(b);
	}
	j->seconds = now_s() - t0;
	if (j->wrote_well && !j->cancelled) {
		j->done = j->total;
		if (j->cb) {
			p.stage = BURNER_STAGE_CLOSING;
			p.done = j->total;
			p.fifo_percent = -1;
			rate_eta(&p, writing_since ? writing_since : t0);
			p.eta_s = 0;
			j->cb(&p, j->arg);
		}
	}
}

/* Options common to data and audio writes; NULL on failure (in e). */
static struct burn_write_opts *new_opts(struct burner *b, struct burn_disc *disc,
					bool simulate, struct err *e)
{
	char reasons[BURN_REASONS_LEN];
	struct burn_write_opts *o;
	enum burn_write_types wt;

	o = burn_write_opts_new(b->drive);
	if (!o) {
		err_fail(e, "%s: cannot create write options", b->address);
		return NULL;
	}
	burn_write_opts_set_simulate(o, simulate ? 1 : 0);
	burn_write_opts_set_underrun_proof(o, 1);
	burn_write_opts_set_perform_opc(o, 1);
	burn_write_opts_set_multi(o, 0);	/* close the disc */
	/* pseudo-drives: one fsync at the end instead of every 16 MiB */
	burn_write_opts_set_stdio_fsync(o, 1);
	reasons[0] = '\0';
	wt = burn_write_opts_auto_write_type(o, disc, reasons, 0);
	drain_msgs(b);
	if (wt == BURN_WRITE_NONE) {
		err_fail(e, "%s: the drive cannot write this: %s", b->address, reasons);
		burn_write_opts_free(o);
		return NULL;
	}
	log_debug(MSG_MOD, "%s: write type %s", b->address,
		  wt == BURN_WRITE_SAO ? "SAO" : wt == BURN_WRITE_TAO ? "TAO" : "other");
	return o;
}

/* The checks before any write: blank media with room for `bytes` of
 * libburn's blocks. */
static int ready_to_write(struct burner *b, uint64_t need, uint64_t room_unit,
			  struct err *e)
{
	struct burner_media m;
	uint64_t room;

	if (burner_media(b, &m, e))
		return -1;
	if (m.status != BURNER_MEDIA_BLANK)
		return err_fail(e, "%s: the disc is not blank (%s)", b->address,
				burner_status_name(m.status));
	room = m.free_bytes / BLOCK * room_unit;
	if (need > room)
		return err_fail(e, "%s: the image (%llu bytes) does not fit: %llu bytes free",
				b->address, (unsigned long long)need, (unsigned long long)room);
	return 0;
}

/* A pseudo-drive is a blank: an old, longer file must not keep its tail. */
static int pseudo_blank(struct burner *b, struct err *e)
{
	struct stat st;

	if (stat(b->path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		return 0;
	if (truncate(b->path, 0) != 0)
		return err_fail(e, "%s: cannot empty the file: %s", b->address, strerror(errno));
	return 0;
}

/* After a write to a pseudo-drive: the file must still be there, that long. */
static int pseudo_check_written(struct burner *b, uint64_t size, struct err *e)
{
	struct stat st;

	if (stat(b->path, &st) != 0)
		return err_fail(e, "%s: the drive vanished during the write (%s)", b->address,
				strerror(errno));
	if ((uint64_t)st.st_size != size)
		return err_fail(e, "%s: the file holds %llu bytes after the write, not %llu",
				b->address, (unsigned long long)st.st_size,
				(unsigned long long)size);
	return 0;
}

/* What follows a write: the outcome as a return code and message. */
static int write_outcome(struct burner *b, struct write_job *j, bool simulate,
			 const char *what, struct err *e)
{
	char why[320];

	if (j->cancelled) {
		err_fail(e, "%s: %s cancelled", b->address, what);
		return BURNER_CANCELLED;
	}
	if (!j->wrote_well)
		return err_fail(e, "%s: %s failed after %llu of %llu bytes: %s", b->address,
				what, (unsigned long long)j->done,
				(unsigned long long)j->total, reason_of(b, why, sizeof(why)));
	if (!simulate)
		log_info(MSG_MOD, "%s: %s done: %llu bytes in %.1f s (%.1f MB/s)", b->address,
			 what, (unsigned long long)j->total, j->seconds,
			 j->seconds > 0 ? (double)j->total / j->seconds / 1e6 : 0.0);
	return 0;
}

/* The FIFO for an image of size bytes on b (see FIFO_BYTES). */
static int fifo_blocks(const struct burner *b, uint64_t size)
{
	uint64_t bytes = b->pseudo ? FIFO_BYTES : FIFO_BYTES_DRIVE;

	if (bytes > size)
		bytes = size < FIFO_BYTES_MIN ? FIFO_BYTES_MIN : size;
	return (int)(bytes / BLOCK);
}

int burner_write_data(struct burner *b, struct burn_source *src, uint64_t size,
		      bool simulate, burner_progress_fn cb, void *arg,
		      struct burner_result *res, struct err *e)
{
	struct write_job j = { .total = size, .unit = BLOCK, .cb = cb, .arg = arg };
	struct burn_source *tap = NULL;
	struct burn_session *session = NULL;
	struct burn_track *track = NULL;
	bool started = false, settled;
	struct tap *t;
	off_t src_size;
	int rc = -1;

	if (res) {
		memset(res, 0, sizeof(*res));
		res->fifo_min_percent = -1;
	}
	if (usable(b, e))
		return -1;
	clear_reason(b);
	if (!src)
		return err_fail(e, "%s: no image source", b->address);
	if (size == 0 || size % BLOCK)
		return err_fail(e, "%s: image size %llu is not a positive multiple of 2048",
				b->address, (unsigned long long)size);
	src_size = src->get_size ? src->get_size(src) : 0;
	if (src_size > 0 && (uint64_t)src_size != size)
		return err_fail(e, "%s: the image source holds %lld bytes, not %llu",
				b->address, (long long)src_size, (unsigned long long)size);
	if (ready_to_write(b, size, BLOCK, e))
		return -1;
	if (sums_alloc(&b->sums, size, e))
		return -1;

	tap = tap_new(src, size, !b->no_write_md5, &b->sums);
	if (!tap) {
		err_fail(e, "out of memory");
		goto out;
	}
	j.fifo = burn_fifo_source_new(tap, BLOCK, fifo_blocks(b, size), FIFO_BIG_READS);
	j.disc = burn_disc_create();
	session = burn_session_create();
	track = burn_track_create();
	if (!j.fifo || !j.disc || !session || !track) {
		err_fail(e, "out of memory");
		goto out;
	}
	burn_track_define_data(track, 0, 0, 1, BURN_MODE1);
	if (burn_track_set_source(track, j.fifo) != BURN_SOURCE_OK ||
	    burn_session_add_track(session, track, BURN_POS_END) != 1 ||
	    burn_disc_add_session(j.disc, session, BURN_POS_END) != 1) {
		err_fail(e, "%s: cannot set up the track", b->address);
		goto out;
	}
	j.opts = new_opts(b, j.disc, simulate, e);
	if (!j.opts)
		goto out;
	if (b->pseudo && !simulate && pseudo_blank(b, e))
		goto out;

	log_info(MSG_MOD, "%s: %swriting %llu bytes", b->address, simulate ? "simulated " : "",
		 (unsigned long long)size);
	started = true;
	run_write(b, &j);
	rc = write_outcome(b, &j, simulate, simulate ? "simulated write" : "write", e);
out:
	settled = !j.fifo || fifo_settle(j.fifo, tap);
	if (j.opts)
		burn_write_opts_free(j.opts);
	if (j.disc)
		burn_disc_free(j.disc);	/* holds the track's reference on the FIFO */
	if (session)
		burn_session_free(session);
	if (track)
		burn_track_free(track);
	if (!settled) {
		/* the FIFO, the tap and the block sums it writes are leaked:
		 * see fifo_settle() */
		memset(&b->sums, 0, sizeof(b->sums));
		rc = err_fail(e, "%s: the image source does not stop", b->address);
	} else if (tap) {
		if (j.fifo)
			burn_source_free(j.fifo);
		t = tap->data;
		if (rc == 0 && (t->failed || t->pos != size)) {
			rc = err_fail(e, "%s: the image source delivered %llu of %llu bytes",
				      b->address, (unsigned long long)t->pos,
				      (unsigned long long)size);
		}
		if (res) {
			res->bytes = t->pos;
			if (t->hash)
				md5_digest(&t->md5, sizeof(res->md5), res->md5);
		}
	}
	if (tap)
		burn_source_free(tap);
	if (started && !simulate) {
		/* the blank is spent once libburn started writing it */
		bool touched = j.done > 0 || j.wrote_well;

		if (b->pseudo) {
			struct stat st;

			touched = touched || (stat(b->path, &st) == 0 && st.st_size > 0);
			if (rc == 0 && pseudo_check_written(b, size, e))
				rc = -1;
			if (touched)
				b->emulated = BURNER_MEDIA_CLOSED;
		} else {
			burn_drive_re_assess(b->drive, 0);
			drain_msgs(b);
		}
		if (res)
			res->media_touched = touched;
	}
	b->sums.valid = rc == 0 && !simulate;
	if (res) {
		res->seconds = j.seconds;
		res->fifo_min_percent = j.fifo_min;
	}
	return rc;
}

int burner_write_audio(struct burner *b, struct burn_disc *disc, bool simulate,
		       burner_progress_fn cb, void *arg, struct burner_result *res,
		       struct err *e)
{
	struct write_job j = { .unit = AUDIO_SECTOR, .cb = cb, .arg = arg, .disc = disc };
	struct burner_media m;
	int sectors, rc = -1;

	if (res) {
		memset(res, 0, sizeof(*res));
		res->fifo_min_percent = -1;
	}
	if (usable(b, e))
		return -1;
	clear_reason(b);
	if (b->pseudo)
		return err_fail(e, "%s: audio CDs are written as CUE/BIN on pseudo-drives",
				b->address);
	if (!disc)
		return err_fail(e, "%s: no audio disc", b->address);
	if (burner_media(b, &m, e))
		return -1;
	if (m.family != BURNER_FAMILY_CD || !m.writable)
		return err_fail(e, "%s: audio needs a CD-R or CD-RW, not %s", b->address,
				m.profile_name[0] ? m.profile_name : "no disc");
	sectors = burn_disc_get_sectors(disc);
	if (sectors <= 0)
		return err_fail(e, "%s: the audio disc has no sectors", b->address);
	j.total = (uint64_t)sectors * AUDIO_SECTOR;
	if (ready_to_write(b, j.total, AUDIO_SECTOR, e))
		return -1;
	j.opts = new_opts(b, disc, simulate, e);
	if (!j.opts)
		return -1;
	log_info(MSG_MOD, "%s: %swriting an audio CD of %d sectors", b->address,
		 simulate ? "simulated " : "", sectors);
	run_write(b, &j);
	rc = write_outcome(b, &j, simulate, simulate ? "simulated audio write" : "audio write",
			   e);
	burn_write_opts_free(j.opts);
	if (!simulate) {
		burn_drive_re_assess(b->drive, 0);
		drain_msgs(b);
	}
	if (res) {
		res->bytes = j.done;
		res->seconds = j.seconds;
		res->media_touched = !simulate && (j.done > 0 || j.wrote_well);
	}
	return rc;
}

/* ---- verify ---------------------------------------------------------------- */

/*
 * Read-back runs in two threads: a reader calls burn_read_data() into a
 * ring of READ_BUFS buffers while the calling thread hashes the previous
 * ones, so the MD5 (the bottleneck on a pseudo-drive) never waits for a
 * read.  On a real drive reading is the bottleneck and the ring only keeps
 * it busy.  The reader stops at the first read error, when told to (a
 * mismatch, a cancel), or at the end.
 */
#define READ_BUFS 3

struct reader {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct burn_drive *drive;
	uint64_t size;
	char *buf[READ_BUFS];
	size_t len[READ_BUFS];
	uint64_t filled, used;	/* buffers filled by the reader, used by the hasher */
	uint64_t error_at;	/* byte of the first read error */
	bool failed, stop, done;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	uint64_t pos = 0;

	while (pos < r->size) {
		size_t want = r->size - pos < READ_CHUNK ? (size_t)(r->size - pos) : READ_CHUNK;
		off_t count = 0;
		unsigned slot;
		int ok;

		bool stop;

		pthread_mutex_lock(&r->lock);
		while (!r->stop && r->filled - r->used == READ_BUFS)
			pthread_cond_wait(&r->cond, &r->lock);
		slot = (unsigned)(r->filled % READ_BUFS);
		stop = r->stop;
		pthread_mutex_unlock(&r->lock);
		if (stop)
			break;
		ok = burn_read_data(r->drive, (off_t)pos, r->buf[slot], (off_t)want, &count, 0) > 0 &&
		     count == (off_t)want;
		pthread_mutex_lock(&r->lock);
		if (!ok) {
			r->failed = true;
			r->error_at = pos + (uint64_t)(count > 0 ? count : 0);
		} else {
			r->len[slot] = want;
			r->filled++;
		}
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->lock);
		if (!ok)
			break;
		pos += want;
	}
	pthread_mutex_lock(&r->lock);
	r->done = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* The next filled buffer, or NULL at a read error (or the end). */
static const uint8_t *reader_next(struct reader *r, size_t *len)
{
	const uint8_t *p = NULL;

	pthread_mutex_lock(&r->lock);
	while (r->filled == r->used && !r->failed && !r->done)
		pthread_cond_wait(&r->cond, &r->lock);
	if (r->filled > r->used) {
		p = (const uint8_t *)r->buf[r->used % READ_BUFS];
		*len = r->len[r->used % READ_BUFS];
	}
	pthread_mutex_unlock(&r->lock);
	return p;
}

/* Gives the buffer reader_next() returned back to the reader. */
static void reader_release(struct reader *r)
{
	pthread_mutex_lock(&r->lock);
	r->used++;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

static void reader_stop(struct reader *r)
{
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

/* The first block that differs from what this handle wrote, as a message. */
static int block_differs(const struct burner *b, const struct block_sums *sums,
			 uint64_t group, struct err *e)
{
	uint64_t first = group << sums->shift;

	if (sums->shift == 0)
		return err_fail(e, "%s: verify failed: block %llu (byte %llu) differs from what "
				"was written", b->address, (unsigned long long)first,
				(unsigned long long)(first * BLOCK));
	return err_fail(e, "%s: verify failed: blocks %llu-%llu (from byte %llu) differ from "
			"what was written", b->address, (unsigned long long)first,
			(unsigned long long)(first + (1u << sums->shift) - 1),
			(unsigned long long)(first * BLOCK));
}

/* Before reading: a pseudo-drive's file must hold size bytes. */
static int pseudo_holds(const struct burner *b, uint64_t size, struct err *e)
{
	struct stat st;

	if (pseudo_present(b, e))
		return -1;
	if (stat(b->path, &st) != 0)
		return err_fail(e, "%s: nothing written: %s", b->address, strerror(errno));
	if ((uint64_t)st.st_size < size)
		return err_fail(e, "%s: the disc holds %llu bytes, not %llu", b->address,
				(unsigned long long)st.st_size, (unsigned long long)size);
	return 0;
}

int burner_verify_data(struct burner *b, uint64_t size, const uint8_t expect_md5[16],
		       burner_progress_fn cb, void *arg, struct err *e)
{
	struct burner_progress p = { .stage = BURNER_STAGE_VERIFYING, .total = size,
				     .fifo_percent = -1 };
	struct reader r = { .lock = PTHREAD_MUTEX_INITIALIZER, .size = size };
	struct block_sums *sums = NULL;
	struct summer z = { 0 };
	struct md5_ctx md5;
	double t0 = now_s(), last_cb = 0;
	uint64_t bad_group = 0;
	char why[320];
	uint8_t got[16];
	pthread_t thread;
	int rc = -1;

	if (usable(b, e))
		return -1;
	clear_reason(b);
	if (size == 0 || size % BLOCK)
		return err_fail(e, "%s: verify size %llu is not a positive multiple of 2048",
				b->address, (unsigned long long)size);
	if (b->pseudo && pseudo_holds(b, size, e))
		return -1;
	if (b->sums.valid && b->sums.size == size)
		sums = &b->sums;
	pthread_cond_init(&r.cond, NULL);
	r.drive = b->drive;
	for (int i = 0; i < READ_BUFS; i++) {
		r.buf[i] = malloc(READ_CHUNK);
		if (!r.buf[i]) {
			err_fail(e, "out of memory");
			goto out_free;
		}
	}
	if (pthread_create(&thread, NULL, reader_main, &r) != 0) {
		err_fail(e, "%s: cannot start the reader thread", b->address);
		goto out_free;
	}
	md5_init(&md5);
	log_info(MSG_MOD, "%s: verifying %llu bytes", b->address, (unsigned long long)size);
	while (p.done < size) {
		const uint8_t *buf;
		size_t len = 0;

		buf = reader_next(&r, &len);
		drain_msgs(b);
		if (!buf) {
			err_fail(e, "%s: read error at byte %llu (block %llu): %s", b->address,
				 (unsigned long long)r.error_at,
				 (unsigned long long)(r.error_at / BLOCK),
				 reason_of(b, why, sizeof(why)));
			goto out_join;
		}
		md5_update(&md5, len, buf);
		if (sums && !summer_feed(&z, sums, buf, len, true, &bad_group)) {
			block_differs(b, sums, bad_group, e);
			goto out_join;
		}
		reader_release(&r);
		p.done += len;
		if (cb && (now_s() - last_cb >= CALLBACK_MS / 1000.0 || p.done == size)) {
			last_cb = now_s();
			rate_eta(&p, t0);
			if (cb(&p, arg)) {
				err_fail(e, "%s: verify cancelled", b->address);
				rc = BURNER_CANCELLED;
				goto out_join;
			}
		}
	}
	md5_digest(&md5, sizeof(got), got);
	if (memcmp(got, expect_md5, sizeof(got)) != 0) {
		err_fail(e, "%s: verify failed: the MD5 of the disc differs from the image's%s",
			 b->address, sums ? " (yet every block matches what was written: the "
			 "image source changed)" : "");
		goto out_join;
	}
	log_info(MSG_MOD, "%s: verified %llu bytes in %.1f s", b->address,
		 (unsigned long long)size, now_s() - t0);
	rc = 0;
out_join:
	reader_stop(&r);
	pthread_join(thread, NULL);
	drain_msgs(b);
out_free:
	for (int i = 0; i < READ_BUFS; i++)
		free(r.buf[i]);
	pthread_cond_destroy(&r.cond);
	pthread_mutex_destroy(&r.lock);
	return rc;
}
