// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * burner: libburn behind the contract in burner.h.  This file holds what
 * comes before a write: the process-wide state, libburn's messages, opening
 * and closing a drive, its media and whether they fit an order, and the
 * list of drives.  The rest shares burner_internal.h:
 *
 *   burner_write.c   data and audio writes: the tap, the FIFO, the write loop
 *   burner_verify.c  reading a data disc back and comparing it
 *   burner_sums.c    the per-block sums that locate a bad block
 *
 * File-scope state: `lib` below, forced by libburn being one library per
 * process (burn_initialize/burn_finish, one message queue, one drive
 * array).  It counts burner_init() calls and links the open handles, so
 * that burner_finish() can release them before burn_finish() and
 * burner_list() can refuse to rescan under them.
 */
#include "burner_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libburn/libburn.h>

#include "log.h"

/* ---- process-wide state ---------------------------------------------- */

static struct {
	pthread_mutex_t lock;
	int users;		/* burner_init() calls not yet finished */
	int open;		/* handles between open and close */
	struct burner *handles;	/* linked through burner.next */
} lib = { PTHREAD_MUTEX_INITIALIZER, 0, 0, NULL };

/* ---- tables ---------------------------------------------------------- */

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

const char *burner_status_name(enum burner_status s)
{
	static const char *const names[] = { "none", "blank", "appendable", "closed",
					     "unsuitable" };

	_Static_assert(sizeof(names) / sizeof(names[0]) == BURNER_STATUS_COUNT,
		       "every disc status has a name");
	return (unsigned)s < BURNER_STATUS_COUNT ? names[s] : "?";
}

const char *burner_family_name(enum burner_family f)
{
	static const char *const names[] = { "none", "cd", "dvd", "bd", "other" };

	return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] : "?";
}

const char *burner_stage_name(enum burner_stage s)
{
	static const char *const names[] = { "preparing", "writing", "closing", "verifying",
					     "erasing", "done" };

	_Static_assert(sizeof(names) / sizeof(names[0]) == BURNER_STAGE_COUNT,
		       "every stage has a name");
	return (unsigned)s < BURNER_STAGE_COUNT ? names[s] : "?";
}

/* Copies src into dst[len], cut to fit; the cut is deliberate. */
void burner_copy_text(char *dst, size_t len, const char *src)
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

/* Moves every queued message into the log; the first one of severity
 * SORRY or worse since burner_clear_reason() becomes b's reason (b may be NULL):
 * the cause ("Cannot write ... No space left on device"), not libburn's
 * summary that follows it ("Burn run failed").  Returns the
 * SEEN_* bits of the codes above that went by. */
int burner_drain_msgs(struct burner *b)
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
			burner_copy_text(b->reason, sizeof(b->reason), text);
			b->reason_errno = os_errno;
		}
	}
	return seen;
}

void burner_clear_reason(struct burner *b)
{
	burner_drain_msgs(NULL);
	b->reason[0] = '\0';
	b->reason_errno = 0;
}

/* "libburn: <text> (<strerror>)" or "" */
const char *burner_reason_of(const struct burner *b, char *buf, size_t len)
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
		/* queue everything, print nothing: burner_drain_msgs() logs it */
		burn_msgs_set_severities("ALL", "NEVER", "libburn: ");
	}
	lib.users++;
out_unlock:
	pthread_mutex_unlock(&lib.lock);
	return rc;
}

double burner_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void burner_sleep_ms(long ms)
{
	const struct timespec step = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&step, NULL);
}
/* Percent, rate since `since` and the ETA, into p. */
void burner_rate_eta(struct burner_progress *p, double since)
{
	double dt = burner_now_s() - since;

	p->mb_per_s = dt > 0.05 ? (double)p->done / dt / 1e6 : 0;
	p->eta_s = -1;
	if (p->mb_per_s > 0.01)
		p->eta_s = (int)((double)(p->total - p->done) / (p->mb_per_s * 1e6) + 0.5);
	p->percent = p->total ? (int)(p->done * 100 / p->total) : 0;
}


/* Waits until libburn leaves d alone (after a cancel it may take a moment). */
static void wait_idle(struct burn_drive *d)
{
	while (burn_drive_get_status(d, NULL) != BURN_DRIVE_IDLE)
		burner_sleep_ms(POLL_MS);
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
	burner_drain_msgs(NULL);
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
	burner_drain_msgs(NULL);
	burn_finish();
out_unlock:
	pthread_mutex_unlock(&lib.lock);
}

/* ---- open, close ----------------------------------------------------- */

int burner_usable(const struct burner *b, struct err *e)
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
int burner_pseudo_bytes(const struct burner *b, uint64_t *bytes, bool *block, struct err *e)
{
	struct stat st;
	int fd;

	if (stat(b->path, &st) != 0)
		return err_fail(e, "%s: %s", b->address, strerror(errno));
	*block = S_ISBLK(st.st_mode);
	if (!*block) {
		*bytes = (uint64_t)st.st_size;
		return 0;
	}
	fd = open(b->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_fail(e, "%s: %s", b->address, strerror(errno));
	if (ioctl(fd, BLKGETSIZE64, bytes) != 0) {
		err_fail(e, "%s: cannot read the device's size: %s", b->address, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int burner_pseudo_present(const struct burner *b, struct err *e)
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
	const char *path;
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
	b->pseudo = burner_address_pseudo(address, &path);
	b->blank = blank;
	b->emulated = BURNER_MEDIA_BLANK;
	if (b->pseudo) {
		snprintf(b->path, sizeof(b->path), "%s", path);
		if (blank == BURNER_BLANK_NONE) {
			err_fail(e, "%s: a pseudo-drive needs the blank it stands for "
				 "(cd-r, dvd-r, bd-r, ...)", address);
			goto out_free;
		}
		if (!b->path[0])
			goto out_not_found;
		if (burner_pseudo_present(b, e))
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
	burner_clear_reason(b);
	r = burn_drive_scan_and_grab(&b->info, adr, 1);
	burner_drain_msgs(b);
	if (r <= 0) {
		pthread_mutex_unlock(&lib.lock);
		if (r == 0)
			goto out_not_found;
		err_fail(e, "%s: cannot grab the drive: %s", address,
			 burner_reason_of(b, why, sizeof(why)));
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
		 b->pseudo ? burner_blank_name(blank) : "");
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
	if (burner_usable(b, e))
		return -1;
	if (b->pseudo) {
		uint64_t cap = (uint64_t)burner_blank_geometry(b->blank)->sectors * BLOCK;

		if (burner_pseudo_present(b, e))
			return -1;
		/* re-grab the stdio drive: its free space is measured then */
		burn_drive_re_assess(b->drive, 0);
		avail = burn_disc_available_space(b->drive, NULL);
		burner_drain_msgs(b);
		describe_profile(burner_blank_geometry(b->blank)->profile, m);
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
		burner_sleep_ms(100);
	}
	if (burn_disc_get_profile(b->drive, &profile, name) <= 0)
		profile = 0;
	describe_profile(profile, m);
	m->status = status_of(ds);
	if (m->status == BURNER_MEDIA_BLANK || m->status == BURNER_MEDIA_APPENDABLE) {
		avail = burn_disc_available_space(b->drive, NULL);
		m->free_bytes = avail > 0 ? (uint64_t)avail / BLOCK * BLOCK : 0;
	}
	burner_drain_msgs(b);
	return 0;
}

/* ---- fit --------------------------------------------------------------- */

static void round_amounts(struct burner_fit_info *w, uint64_t need, uint64_t have,
			  bool audio)
{
	uint64_t unit;

	if (audio) {
		unit = (uint64_t)AUDIO_SECTOR * BURNER_CD_SECTORS_PER_S * 60;	/* a minute of CD-DA */
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
	case BURNER_FIT_COUNT:
		snprintf(buf, len, "?");
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
		burner_sleep_ms(10);
	burner_drain_msgs(NULL);
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
			burner_copy_text(o->address, sizeof(o->address), adr);
		snprintf(o->vendor, sizeof(o->vendor), "%s", infos[i].vendor);
		snprintf(o->product, sizeof(o->product), "%s", infos[i].product);
		snprintf(o->revision, sizeof(o->revision), "%s", infos[i].revision);
		if (burn_drive_grab(d, 0) != 1) {
			burner_drain_msgs(NULL);
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
		burner_drain_msgs(NULL);
	}
	burn_drive_info_free(infos);
	burner_drain_msgs(NULL);
	*found = n;
	rc = 0;
out_unlock:
	pthread_mutex_unlock(&lib.lock);
	return rc;
}
