// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * burner on stdio: pseudo-drives in a temporary folder: each emulated
 * blank's media info, the fit rules and their sentences, writing a
 * pseudo-random data track and reading it back (good, and after one byte
 * of the file is changed), an old longer file truncated, a simulated write
 * leaving the file alone, progress and cancel, a missing folder, a folder
 * removed during the write, a full filesystem (a small tmpfs when root,
 * skipped otherwise), the signal handlers left alone, burner_finish()
 * releasing what is still open, and one real ISO image made by libisofs
 * (when its header is installed) written and verified.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libburn/libburn.h>
#include <nettle/md5.h>

#if defined(__has_include)
#if __has_include(<libisofs/libisofs.h>)
#include <libisofs/libisofs.h>
#define HAVE_LIBISOFS 1
#endif
#endif

#include "burner.h"
#include "log.h"

#define MB (UINT64_C(1) << 20)

struct fx {
	char dir[256];
	char mnt[300];		/* non-empty while a tmpfs is mounted there */
	char adr[420];		/* stdio:<dir>/disc.iso */
	char path[400];
};

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int group_setup(void **state)
{
	struct err e = { "" };

	(void)state;
	log_open(NULL, LOG_WARN);
	if (burner_init(&e)) {
		fprintf(stderr, "burner_init: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	burner_finish();
	return 0;
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/tenpo-burner-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/disc.iso", f->dir);
	snprintf(f->adr, sizeof(f->adr), "stdio:%s", f->path);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	if (f->mnt[0])
		umount2(f->mnt, MNT_DETACH);
	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void must(int rc, const struct err *e, const char *what)
{
	if (rc)
		fail_msg("%s: %s", what, e->msg);
}

static void has(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("\"%s\" does not contain \"%s\"", text, part);
}

static void not_found(const struct err *e, const char *adr)
{
	char want[600];

	snprintf(want, sizeof(want), "drive not found: %s", adr);
	assert_string_equal(e->msg, want);
}

static uint64_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

static void fill_file(const char *path, uint64_t size, int byte)
{
	static uint8_t buf[64 * 1024];
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	memset(buf, byte, sizeof(buf));
	for (uint64_t done = 0; done < size; done += sizeof(buf))
		assert_int_equal(fwrite(buf, 1, sizeof(buf), fp), sizeof(buf));
	assert_int_equal(fclose(fp), 0);
}

static void md5_of_file(const char *path, uint64_t limit, uint8_t out[16])
{
	static uint8_t buf[1 << 16];
	struct md5_ctx c;
	FILE *fp = fopen(path, "rb");
	size_t n;

	assert_non_null(fp);
	md5_init(&c);
	while (limit > 0 && (n = fread(buf, 1, limit < sizeof(buf) ? limit : sizeof(buf), fp)) > 0) {
		md5_update(&c, n, buf);
		limit -= n;
	}
	fclose(fp);
	md5_digest(&c, 16, out);
}

static void flip_byte(const char *path, uint64_t at)
{
	int fd = open(path, O_RDWR);
	uint8_t c;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &c, 1, (off_t)at), 1);
	c ^= 0x01;
	assert_int_equal(pwrite(fd, &c, 1, (off_t)at), 1);
	close(fd);
}

/* ---- a test source: pseudo-random bytes, optionally slow ---------------- */

struct rnd {
	uint64_t size, pos;
	uint32_t seed;
	unsigned delay_us;	/* per 2 KiB delivered */
	int most;		/* at most this many bytes per call (0: all asked) */
	uint64_t fail_at;	/* a read error from this byte on (0: none) */
	struct md5_ctx md5;	/* of what was delivered */
};

static uint8_t rnd_byte(uint32_t seed, uint64_t pos)
{
	uint64_t x = (pos >> 3) * 0x9e3779b97f4a7c15ull ^ seed;

	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 32;
	return (uint8_t)(x >> ((pos & 7) * 8));
}

static int rnd_read(struct burn_source *s, unsigned char *buf, int size)
{
	struct rnd *r = s->data;
	int n = 0;

	if (r->fail_at && r->pos >= r->fail_at)
		return -1;
	if (r->most && size > r->most)
		size = r->most;
	while (n < size && r->pos < r->size)
		buf[n++] = rnd_byte(r->seed, r->pos++);
	if (r->delay_us)
		usleep(r->delay_us * (unsigned)(n / 2048 ? n / 2048 : 1));
	md5_update(&r->md5, (size_t)n, buf);
	return n;
}

static off_t rnd_get_size(struct burn_source *s)
{
	return (off_t)((struct rnd *)s->data)->size;
}

static int rnd_set_size(struct burn_source *s, off_t size)
{
	(void)s;
	(void)size;
	return 1;
}

static void rnd_free(struct burn_source *s)
{
	free(s->data);
}

static struct burn_source *rnd_new(uint64_t size, uint32_t seed, unsigned delay_us)
{
	struct burn_source *s = calloc(1, sizeof(*s));
	struct rnd *r = calloc(1, sizeof(*r));

	assert_non_null(s);
	assert_non_null(r);
	r->size = size;
	r->seed = seed;
	r->delay_us = delay_us;
	md5_init(&r->md5);
	s->refcount = 1;
	s->read = rnd_read;
	s->get_size = rnd_get_size;
	s->set_size = rnd_set_size;
	s->free_data = rnd_free;
	s->data = r;
	return s;
}

static void rnd_md5(uint64_t size, uint32_t seed, uint8_t out[16])
{
	static uint8_t buf[4096];
	struct md5_ctx c;

	md5_init(&c);
	for (uint64_t pos = 0; pos < size; pos += sizeof(buf)) {
		size_t n = size - pos < sizeof(buf) ? (size_t)(size - pos) : sizeof(buf);

		for (size_t i = 0; i < n; i++)
			buf[i] = rnd_byte(seed, pos + i);
		md5_update(&c, n, buf);
	}
	md5_digest(&c, 16, out);
}

/* Writes size pseudo-random bytes to an open handle and checks the result. */
static void write_rnd(struct burner *b, uint64_t size, uint32_t seed, struct burner_result *res)
{
	struct burn_source *src = rnd_new(size, seed, 0);
	struct err e = { "" };
	uint8_t want[16];

	must(burner_write_data(b, src, size, false, NULL, NULL, res, &e), &e, "write");
	burn_source_free(src);
	rnd_md5(size, seed, want);
	assert_memory_equal(res->md5, want, 16);
	assert_int_equal(res->bytes, size);
	assert_true(res->media_touched);
}

/* ---- names and the fit rules (no drive) --------------------------------- */

static void blank_names(void **state)
{
	(void)state;
	for (int k = 0; k < BURNER_BLANK_COUNT; k++)
		assert_int_equal(burner_blank_parse(burner_blank_name((enum burner_blank)k)), k);
	assert_int_equal(burner_blank_parse("dvd-ram"), -1);
	assert_int_equal(burner_blank_parse(NULL), -1);
	assert_string_equal(burner_blank_name(BURNER_BLANK_COUNT), "?");
	assert_string_equal(burner_stage_name(BURNER_STAGE_VERIFYING), "verifying");
	assert_string_equal(burner_status_name(BURNER_MEDIA_CLOSED), "closed");
}

/* Every stage and status of burner's lists has its own name: a value
 * added without one reads "?" (or repeats its neighbour's). */
static void stage_and_status_names(void **state)
{
	(void)state;
	for (int i = 0; i < BURNER_STAGE_COUNT; i++) {
		assert_string_not_equal(burner_stage_name((enum burner_stage)i), "?");
		for (int k = 0; k < i; k++)
			assert_string_not_equal(burner_stage_name((enum burner_stage)i),
						burner_stage_name((enum burner_stage)k));
	}
	for (int i = 0; i < BURNER_STATUS_COUNT; i++) {
		assert_string_not_equal(burner_status_name((enum burner_status)i), "?");
		for (int k = 0; k < i; k++)
			assert_string_not_equal(burner_status_name((enum burner_status)i),
						burner_status_name((enum burner_status)k));
	}
	assert_string_equal(burner_stage_name(BURNER_STAGE_ERASING), "erasing");
	assert_string_equal(burner_stage_name(BURNER_STAGE_COUNT), "?");
	assert_string_equal(burner_status_name(BURNER_STATUS_COUNT), "?");
}

/* The figures the README and the blank table promise, asked of the one
 * table; and the one parser of drive addresses. */
static void geometry_and_addresses(void **state)
{
	char adr[64];
	const char *path = NULL;

	(void)state;
	assert_int_equal(burner_capacity_bytes(MEDIA_AUDIO_CD), 360000ull * 2352);
	assert_int_equal(burner_capacity_bytes(MEDIA_DATA_CD), 360000ull * 2048);
	assert_int_equal(burner_capacity_bytes(MEDIA_DATA_DVD), 2298496ull * 2048);
	assert_int_equal(burner_capacity_bytes(MEDIA_KIND_COUNT), 0);
	assert_int_equal(burner_blank_geometry(BURNER_BLANK_DVD_PLUS_R)->sectors, 2295104);
	assert_int_equal(burner_blank_geometry(BURNER_BLANK_BD_RE)->family, BURNER_FAMILY_BD);
	assert_int_equal(burner_blank_geometry(BURNER_BLANK_COUNT)->sectors, 0);
	assert_int_equal(burner_kind_blank(MEDIA_DATA_DVD), BURNER_BLANK_DVD_R);

	assert_true(burner_address_pseudo("stdio:/tmp/d.iso", &path));
	assert_string_equal(path, "/tmp/d.iso");
	assert_false(burner_address_pseudo("/dev/sr0", &path));
	assert_string_equal(path, "/dev/sr0");
	assert_false(burner_address_pseudo("stdi", NULL));
	assert_false(burner_address_pseudo(NULL, &path));
	assert_string_equal(path, "");

	snprintf(adr, sizeof(adr), "stdio:out/d.iso");
	assert_int_equal(burner_address_resolve(adr, sizeof(adr), "/etc/tenpo"), 0);
	assert_string_equal(adr, "stdio:/etc/tenpo/out/d.iso");
	assert_int_equal(burner_address_resolve(adr, sizeof(adr), "/elsewhere"), 0);
	assert_string_equal(adr, "stdio:/etc/tenpo/out/d.iso"); /* absolute: kept */
	snprintf(adr, sizeof(adr), "/dev/sr0");
	assert_int_equal(burner_address_resolve(adr, sizeof(adr), "/etc"), 0);
	assert_string_equal(adr, "/dev/sr0");
	snprintf(adr, sizeof(adr), "stdio:d.iso");
	assert_int_equal(burner_address_resolve(adr, sizeof(adr), ""), 0);
	assert_string_equal(adr, "stdio:d.iso");
	assert_int_equal(burner_address_resolve(adr, 16, "/a/long/folder/name"), -1);
}

/* libburn counts sectors per track: an audio CD's progress must add the
 * tracks before the current one, so that it never falls back. */
static void disc_progress_spans_tracks(void **state)
{
	static const uint32_t tracks[] = { 100, 200, 50 };
	uint64_t total = 0, last = 0;

	(void)state;
	assert_int_equal(burner_disc_progress(tracks, 3, 0, 50, 2352, &total), 50ull * 2352);
	assert_int_equal(total, 350ull * 2352);
	assert_int_equal(burner_disc_progress(tracks, 3, 1, 50, 2352, NULL), 150ull * 2352);
	assert_int_equal(burner_disc_progress(tracks, 3, 2, 50, 2352, NULL), 350ull * 2352);
	/* a sector past its track's end is clamped; past the last track: all */
	assert_int_equal(burner_disc_progress(tracks, 3, 0, 999, 2352, NULL), 100ull * 2352);
	assert_int_equal(burner_disc_progress(tracks, 3, 3, 0, 2352, NULL), 350ull * 2352);
	assert_int_equal(burner_disc_progress(tracks, 3, -1, 10, 2352, NULL), 0);
	/* a whole write as libburn reports it: never backwards, ends at the total */
	for (int t = 0; t < 3; t++)
		for (int sec = 0; sec <= (int)tracks[t]; sec += 10) {
			uint64_t d = burner_disc_progress(tracks, 3, t, sec, 2352, NULL);

			assert_true(d >= last);
			last = d;
		}
	assert_int_equal(last, total);
	/* one data track: the sector count is the disc's */
	assert_int_equal(burner_disc_progress((const uint32_t[]){ 1000 }, 1, 0, 500, 2048, &total),
			 500ull * 2048);
	assert_int_equal(total, 1000ull * 2048);
}

/* A drive reads audio a few frames early or late: the read-back is
 * compared at the shift that makes a probe match, the smallest first. */
static void audio_read_offset(void **state)
{
	enum { LEN = 4 * 2352, MARGIN = 40 * 4 };
	static uint8_t src[LEN + 2 * MARGIN], disc[LEN];
	uint32_t x = 12345;
	int off = 99;

	(void)state;
	for (size_t i = 0; i < sizeof(src); i++) {
		x = x * 1103515245u + 12345u;
		src[i] = (uint8_t)(x >> 16);
	}
	memcpy(disc, src + MARGIN, LEN);
	assert_int_equal(burner_audio_offset(disc, LEN, src, sizeof(src), MARGIN, 40, &off), 0);
	assert_int_equal(off, 0);
	memcpy(disc, src + MARGIN + 3 * 4, LEN); /* the drive reads 3 frames late */
	assert_int_equal(burner_audio_offset(disc, LEN, src, sizeof(src), MARGIN, 40, &off), 0);
	assert_int_equal(off, 3);
	memcpy(disc, src + MARGIN - 7 * 4, LEN);
	assert_int_equal(burner_audio_offset(disc, LEN, src, sizeof(src), MARGIN, 40, &off), 0);
	assert_int_equal(off, -7);
	/* beyond the search, or one byte changed: nothing matches */
	assert_int_equal(burner_audio_offset(disc, LEN, src, sizeof(src), MARGIN, 6, &off), -1);
	memcpy(disc, src + MARGIN, LEN);
	disc[LEN / 2] ^= 1;
	assert_int_equal(burner_audio_offset(disc, LEN, src, sizeof(src), MARGIN, 40, &off), -1);
	/* silence matches at once, at no shift */
	memset(src, 0, sizeof(src));
	memset(disc, 0, sizeof(disc));
	assert_int_equal(burner_audio_offset(disc, LEN, src, sizeof(src), MARGIN, 40, &off), 0);
	assert_int_equal(off, 0);
}

/* A pseudo-drive reads no audio: said so, not passed off as a verdict. */
static void audio_verify_on_pseudo_unreadable(void **state)
{
	struct fx *f = *state;
	struct burner *b = NULL;
	struct err e = { "" };

	must(burner_open(&b, f->adr, BURNER_BLANK_CD_R, &e), &e, "open");
	assert_int_equal(burner_verify_audio(b, "/nonexistent.bin", 1000, NULL, NULL, &e),
			 BURNER_UNREADABLE);
	assert_non_null(strstr(e.msg, "cannot read audio"));
	burner_close(b, false);
}

static struct burner_media media(int profile, enum burner_family fam, bool writable,
				  enum burner_status st, uint64_t free_bytes)
{
	struct burner_media m = { .profile = profile, .family = fam, .writable = writable,
				  .status = st, .free_bytes = free_bytes };
	return m;
}

static void fit_says(const struct burner_media *m, enum media_kind k, uint64_t bytes,
		     enum burner_fit want, const char *text)
{
	struct burner_fit_info w;
	char buf[200];

	assert_int_equal(burner_media_fit(m, k, bytes, &w), want);
	burner_fit_text(&w, buf, sizeof(buf));
	assert_string_equal(buf, text);
}

static void fit_rules(void **state)
{
	const uint64_t cd = 360000ull * 2048, dvd = 2298496ull * 2048;
	struct burner_media cdr = media(0x09, BURNER_FAMILY_CD, true, BURNER_MEDIA_BLANK, cd);
	struct burner_media dvdr = media(0x11, BURNER_FAMILY_DVD, true, BURNER_MEDIA_BLANK, dvd);
	struct burner_media bdr = media(0x41, BURNER_FAMILY_BD, true, BURNER_MEDIA_BLANK, dvd * 5);
	struct burner_media m;

	(void)state;
	fit_says(&cdr, MEDIA_DATA_CD, cd, BURNER_FIT_OK, "");
	fit_says(&cdr, MEDIA_AUDIO_CD, 360000ull * 2352, BURNER_FIT_OK, "");
	fit_says(&dvdr, MEDIA_DATA_DVD, dvd, BURNER_FIT_OK, "");
	fit_says(&cdr, MEDIA_DATA_DVD, 1, BURNER_FIT_WRONG_KIND,
		 "This is a CD. Your order needs a DVD.");
	fit_says(&dvdr, MEDIA_DATA_CD, 1, BURNER_FIT_WRONG_KIND,
		 "This is a DVD. Your order needs a CD.");
	fit_says(&dvdr, MEDIA_AUDIO_CD, 1, BURNER_FIT_WRONG_KIND,
		 "This is a DVD. Your order needs a CD.");
	fit_says(&bdr, MEDIA_DATA_DVD, 1, BURNER_FIT_WRONG_KIND,
		 "This is a Blu-ray disc. Your order needs a DVD.");
	fit_says(&cdr, MEDIA_DATA_CD, 812 * MB, BURNER_FIT_TOO_SMALL,
		 "Your order needs 812 MB; this disc holds 703 MB.");
	fit_says(&cdr, MEDIA_DATA_CD, cd + 1, BURNER_FIT_TOO_SMALL,
		 "Your order needs 704 MB; this disc holds 703 MB.");
	fit_says(&dvdr, MEDIA_DATA_DVD, dvd + 2048, BURNER_FIT_TOO_SMALL,
		 "Your order needs 4.8 GB; this disc holds 4.7 GB.");
	fit_says(&cdr, MEDIA_AUDIO_CD, 81ull * 60 * 75 * 2352, BURNER_FIT_TOO_SMALL,
		 "Your order needs 81 minutes; this disc holds 80 minutes.");
	m = media(0, BURNER_FAMILY_NONE, false, BURNER_MEDIA_NONE, 0);
	fit_says(&m, MEDIA_DATA_CD, 1, BURNER_FIT_NO_DISC, "No disc in the drive.");
	m = media(0x09, BURNER_FAMILY_CD, true, BURNER_MEDIA_CLOSED, 0);
	fit_says(&m, MEDIA_DATA_CD, 1, BURNER_FIT_WRITTEN,
		 "This disc has already been written. Please insert a blank disc.");
	m = media(0x09, BURNER_FAMILY_CD, true, BURNER_MEDIA_APPENDABLE, cd / 2);
	fit_says(&m, MEDIA_DATA_CD, 1, BURNER_FIT_WRITTEN,
		 "This disc has already been written. Please insert a blank disc.");
	m = media(0x08, BURNER_FAMILY_CD, false, BURNER_MEDIA_CLOSED, 0);
	fit_says(&m, MEDIA_DATA_CD, 1, BURNER_FIT_UNSUITABLE,
		 "This disc cannot be written. Please insert a blank disc.");
	m = media(0x09, BURNER_FAMILY_CD, true, BURNER_MEDIA_UNSUITABLE, 0);
	fit_says(&m, MEDIA_DATA_CD, 1, BURNER_FIT_UNSUITABLE,
		 "This disc cannot be written. Please insert a blank disc.");
}

/* ---- opening pseudo-drives ----------------------------------------------- */

static void each_emulated_blank(void **state)
{
	static const struct {
		enum burner_blank k;
		int profile;
		enum burner_family fam;
		bool rw;
		uint64_t blocks;
	} want[] = {
		{ BURNER_BLANK_CD_R, 0x09, BURNER_FAMILY_CD, false, 360000 },
		{ BURNER_BLANK_CD_RW, 0x0a, BURNER_FAMILY_CD, true, 360000 },
		{ BURNER_BLANK_DVD_R, 0x11, BURNER_FAMILY_DVD, false, 2298496 },
		{ BURNER_BLANK_DVD_RW, 0x14, BURNER_FAMILY_DVD, true, 2298496 },
		{ BURNER_BLANK_DVD_PLUS_R, 0x1b, BURNER_FAMILY_DVD, false, 2295104 },
		{ BURNER_BLANK_DVD_PLUS_RW, 0x1a, BURNER_FAMILY_DVD, true, 2295104 },
		{ BURNER_BLANK_BD_R, 0x41, BURNER_FAMILY_BD, false, 12219392 },
		{ BURNER_BLANK_BD_RE, 0x43, BURNER_FAMILY_BD, true, 12219392 },
	};
	struct fx *f = *state;
	struct err e = { "" };
	uint64_t fs_free;

	/* what the folder can take bounds the emulated capacity (BD: 25 GB) */
	{
		struct burner *b = NULL;
		struct burner_media m;

		must(burner_open(&b, f->adr, BURNER_BLANK_BD_R, &e), &e, "open");
		must(burner_media(b, &m, &e), &e, "media");
		fs_free = m.free_bytes;
		burner_close(b, false);
	}
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct burner *b = NULL;
		struct burner_media m;
		uint64_t cap = want[i].blocks * 2048;

		must(burner_open(&b, f->adr, want[i].k, &e), &e, "open");
		assert_string_equal(burner_address(b), f->adr);
		must(burner_media(b, &m, &e), &e, "media");
		assert_int_equal(m.profile, want[i].profile);
		assert_int_equal(m.family, want[i].fam);
		assert_int_equal(m.rewritable, want[i].rw);
		assert_true(m.writable);
		assert_true(m.is_pseudo);
		assert_int_equal(m.status, BURNER_MEDIA_BLANK);
		assert_true(m.profile_name[0] != '\0');
		if (cap <= fs_free)
			assert_int_equal(m.free_bytes, cap);
		else
			assert_true(m.free_bytes <= cap && m.free_bytes % 2048 == 0);
		burner_close(b, true);	/* eject: a no-op on a pseudo-drive */
	}
	/* the file does not exist yet: nothing was created */
	assert_int_equal(access(f->path, F_OK), -1);
}

static void open_refusals(void **state)
{
	struct fx *f = *state;
	struct burner *b = (struct burner *)1;
	struct err e = { "" };
	char adr[512];

	assert_int_equal(burner_open(&b, f->adr, BURNER_BLANK_NONE, &e), -1);
	assert_null(b);
	has(e.msg, "needs the blank it stands for");
	assert_int_equal(burner_open(&b, "/dev/sr9", BURNER_BLANK_CD_R, &e), -1);
	has(e.msg, "stdio: pseudo-drives only");
	snprintf(adr, sizeof(adr), "stdio:%s/nodir/disc.iso", f->dir);
	assert_int_equal(burner_open(&b, adr, BURNER_BLANK_CD_R, &e), -1);
	not_found(&e, adr);
	assert_int_equal(burner_open(&b, "/dev/tenpo-no-such-drive", BURNER_BLANK_NONE, &e), -1);
	assert_string_equal(e.msg, "drive not found: /dev/tenpo-no-such-drive");
	/* a folder is not a disc */
	snprintf(adr, sizeof(adr), "stdio:%s", f->dir);
	assert_int_equal(burner_open(&b, adr, BURNER_BLANK_CD_R, &e), -1);
	/* a FIFO cannot be read back */
	snprintf(adr, sizeof(adr), "%s/fifo", f->dir);
	assert_int_equal(mkfifo(adr, 0600), 0);
	snprintf(adr, sizeof(adr), "stdio:%s/fifo", f->dir);
	assert_int_equal(burner_open(&b, adr, BURNER_BLANK_CD_R, &e), -1);
	has(e.msg, "regular file or block device");
	/* the same drive twice */
	must(burner_open(&b, f->adr, BURNER_BLANK_CD_R, &e), &e, "open");
	{
		struct burner *b2 = NULL;

		assert_int_equal(burner_open(&b2, f->adr, BURNER_BLANK_CD_R, &e), -1);
		assert_null(b2);
		has(e.msg, "drive already open");
	}
	burner_close(b, false);
	burner_close(NULL, false);
}

static void check_fit_on_pseudo(void **state)
{
	struct fx *f = *state;
	struct burner_fit_info w;
	struct burner *b = NULL;
	struct err e = { "" };

	must(burner_open(&b, f->adr, BURNER_BLANK_CD_R, &e), &e, "open");
	must(burner_check_fit(b, MEDIA_DATA_CD, 700 * MB, &w, &e), &e, "fits");
	must(burner_check_fit(b, MEDIA_AUDIO_CD, 79ull * 60 * 75 * 2352, NULL, &e), &e,
	     "audio fits");
	assert_int_equal(burner_check_fit(b, MEDIA_DATA_DVD, MB, &w, &e), -1);
	assert_string_equal(e.msg, "This is a CD. Your order needs a DVD.");
	assert_int_equal(w.fit, BURNER_FIT_WRONG_KIND);
	assert_int_equal(w.have, BURNER_FAMILY_CD);
	assert_int_equal(w.need, BURNER_FAMILY_DVD);
	assert_int_equal(burner_check_fit(b, MEDIA_DATA_CD, 812 * MB, &w, &e), -1);
	assert_string_equal(e.msg, "Your order needs 812 MB; this disc holds 703 MB.");
	assert_int_equal(w.fit, BURNER_FIT_TOO_SMALL);
	burner_close(b, false);

	must(burner_open(&b, f->adr, BURNER_BLANK_DVD_R, &e), &e, "open dvd");
	assert_int_equal(burner_check_fit(b, MEDIA_AUDIO_CD, MB, &w, &e), -1);
	assert_string_equal(e.msg, "This is a DVD. Your order needs a CD.");
	assert_int_equal(burner_check_fit(b, MEDIA_DATA_CD, MB, &w, &e), -1);
	assert_string_equal(e.msg, "This is a DVD. Your order needs a CD.");
	must(burner_check_fit(b, MEDIA_DATA_DVD, 4000 * MB, &w, &e), &e, "dvd fits");
	burner_close(b, false);

	must(burner_open(&b, f->adr, BURNER_BLANK_BD_R, &e), &e, "open bd");
	assert_int_equal(burner_check_fit(b, MEDIA_DATA_DVD, MB, &w, &e), -1);
	assert_string_equal(e.msg, "This is a Blu-ray disc. Your order needs a DVD.");
	burner_close(b, false);
}

/* ---- writing and verifying ---------------------------------------------- */

/* A block device as the pseudo-drive (the QEMU appliance writes to a
 * virtio disk, stdio:/dev/vdb): its st_size is 0, so a written disc must be
 * judged by the device's size.  Needs root and a free loop device; skipped
 * (and said so) elsewhere. */
static void block_device_drive(void **state)
{
	const uint64_t size = 2 * MB + 2048 * 5;
	struct fx *f = *state;
	struct burner_result res;
	struct burner *b = NULL;
	struct err e = { "" };
	char cmd[600], loop[64] = "", adr[80];
	uint8_t want[16];
	FILE *p;
	int fd, rc;

	fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 8 * MB), 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "losetup --find --show '%s' 2>/dev/null", f->path);
	p = geteuid() == 0 ? popen(cmd, "r") : NULL;
	if (!p || !fgets(loop, sizeof(loop), p) || strncmp(loop, "/dev/loop", 9)) {
		if (p)
			pclose(p);
		skip(); /* not root, or no loop device here */
	}
	pclose(p);
	loop[strcspn(loop, "\n")] = '\0';
	snprintf(adr, sizeof(adr), "stdio:%s", loop);
	/* no assertion before the device is detached again */
	rc = burner_open(&b, adr, BURNER_BLANK_CD_R, &e);
	if (rc == 0) {
		struct burn_source *src = rnd_new(size, 11, 0);

		rc = burner_write_data(b, src, size, false, NULL, NULL, &res, &e);
		burn_source_free(src);
		if (rc == 0)
			rc = burner_verify_data(b, size, res.md5, NULL, NULL, &e);
		burner_close(b, false);
	}
	snprintf(cmd, sizeof(cmd), "losetup -d '%s'", loop);
	assert_int_equal(system(cmd), 0);
	if (rc)
		fail_msg("%s: %s", loop, e.msg);
	rnd_md5(size, 11, want);
	assert_memory_equal(res.md5, want, 16);
}

static void write_and_verify(void **state)
{
	const uint64_t size = 6 * MB + 2048 * 3;
	struct fx *f = *state;
	struct burner_result res;
	struct burner_media m;
	struct burner *b = NULL;
	struct err e = { "" };
	uint8_t disk[16], sent[16];

	must(burner_open(&b, f->adr, BURNER_BLANK_CD_R, &e), &e, "open");
	write_rnd(b, size, 7, &res);
	memcpy(sent, res.md5, 16);
	assert_true(res.seconds > 0);
	assert_int_equal(file_size(f->path), size);
	md5_of_file(f->path, size, disk);
	assert_memory_equal(disk, res.md5, 16);
	must(burner_verify_data(b, size, res.md5, NULL, NULL, &e), &e, "verify");

	/* written: the emulated disc is now closed */
	must(burner_media(b, &m, &e), &e, "media");
	assert_int_equal(m.status, BURNER_MEDIA_CLOSED);
	assert_int_equal(m.free_bytes, 0);
	assert_int_equal(burner_check_fit(b, MEDIA_DATA_CD, MB, NULL, &e), -1);
	assert_string_equal(e.msg,
			    "This disc has already been written. Please insert a blank disc.");
	{
		struct burn_source *src = rnd_new(MB, 8, 0);

		assert_int_equal(burner_write_data(b, src, MB, false, NULL, NULL, &res, &e), -1);
		has(e.msg, "not blank");
		assert_false(res.media_touched);
		burn_source_free(src);
	}
	/* a wrong expectation fails even though every block matches */
	disk[0] ^= 1;
	assert_int_equal(burner_verify_data(b, size, disk, NULL, NULL, &e), -1);
	has(e.msg, "MD5");
	burner_close(b, false);

	/* a new handle (a new blank in the slot) verifies from the MD5 alone */
	must(burner_open(&b, f->adr, BURNER_BLANK_CD_R, &e), &e, "reopen");
	must(burner_verify_data(b, size, sent, NULL, NULL, &e), &e, "verify reopened");
	burner_close(b, false);
}

static void verify_finds_a_changed_byte(void **state)
{
	const uint64_t size = 4 * MB;
	struct fx *f = *state;
	struct burner_result res;
	struct burner *b = NULL;
	struct err e = { "" };

	must(burner_open(&b, f->adr, BURNER_BLANK_DVD_R, &e), &e, "open");
	write_rnd(b, size, 11, &res);
	flip_byte(f->path, 1000000);
	assert_int_equal(burner_verify_data(b, size, res.md5, NULL, NULL, &e), -1);
	has(e.msg, "block 488 (byte 999424) differs");
	burner_close(b, false);

	/* without this handle's block sums the MD5 still catches it */
	must(burner_open(&b, f->adr, BURNER_BLANK_DVD_R, &e), &e, "reopen");
	assert_int_equal(burner_verify_data(b, size, res.md5, NULL, NULL, &e), -1);
	has(e.msg, "MD5 of the disc differs");
	/* a disc shorter than the image */
	assert_int_equal(burner_verify_data(b, size + 2048, res.md5, NULL, NULL, &e), -1);
	has(e.msg, "holds 4194304 bytes");
	assert_int_equal(burner_verify_data(b, 1000, res.md5, NULL, NULL, &e), -1);
	burner_close(b, false);
}

/* The source's own MD5 instead of the burner's. */
static void write_md5_off(void **state)
{
	const uint64_t size = 2 * MB;
	struct fx *f = *state;
	struct burner_result res;
	struct burner *b = NULL;
	struct burn_source *src = rnd_new(size, 31, 0);
	struct err e = { "" };
	uint8_t zero[16] = { 0 }, want[16];

	must(burner_open(&b, f->adr, BURNER_BLANK_CD_R, &e), &e, "open");
	burner_set_write_md5(b, false);
	must(burner_write_data(b, src, size, false, NULL, NULL, &res, &e), &e, "write");
	assert_memory_equal(res.md5, zero, 16);
	md5_digest(&((struct rnd *)src->data)->md5, 16, want);
	burn_source_free(src);
	must(burner_verify_data(b, size, want, NULL, NULL, &e), &e, "verify");
	/* the block sums are kept all the same */
	flip_byte(f->path, 5000);
	assert_int_equal(burner_verify_data(b, size, want, NULL, NULL, &e), -1);
	has(e.msg, "block 2 (byte 4096) differs");
	burner_close(b, false);
}

/* A source that hands out less than asked per call is asked again. */
static void stingy_source(void **state)
{
	const uint64_t size = 3 * MB;
	struct fx *f = *state;
	struct burner_result res;
	struct burner *b = NULL;
	struct burn_source *src = rnd_new(size, 21, 0);
	struct err e = { "" };
	uint8_t want[16];

	((struct rnd *)src->data)->most = 1000;
	must(burner_open(&b, f->adr, BURNER_BLANK_CD_R, &e), &e, "open");
	must(burner_write_data(b, src, size, false, NULL, NULL, &res, &e), &e, "write");
	burn_source_free(src);
	rnd_md5(size, 21, want);
	assert_memory_equal(res.md5, want, 16);
	must(burner_verify_data(b, size, want, NULL, NULL, &e), &e, "verify");
	burner_close(b, false);
}

static void longer_file_is_truncated(void **state)
{
	struct fx *f = *state;
	struct burner_result res;
	struct burner *b = NULL;
	struct err e = { "" };

	fill_file(f->path, 10 * MB, 0xaa);
	must(burner_open(&b, f->adr, BURNER_BLANK_CD_RW, &e), &e, "open");
	/* libburn says blank whatever the file holds, and so do we */
	write_rnd(b, 2 * MB, 3, &res);
	assert_int_equal(file_size(f->path), 2 * MB);
	must(burner_verify_data(b, 2 * MB, res.md5, NULL, NULL, &e), &e, "verify");
	burner_close(b, false);
}

static void simulate_leaves_file_alone(void **state)
{
	const uint64_t size = 2 * MB;
	struct fx *f = *state;
	struct burner_result res;
	struct burner_media m;
	struct burner *b = NULL;
	struct burn_source *src;
	struct err e = { "" };
	uint8_t before[16], after[16], want[16];

	fill_file(f->path, 3 * MB, 0x5c);
	md5_of_file(f->path, UINT64_MAX, before);
	must(burner_open(&b, f->adr, BURNER_BLANK_DVD_R, &e), &e, "open");
	src = rnd_new(size, 5, 0);
	must(burner_write_data(b, src, size, true, NULL, NULL, &res, &e), &e, "simulate");
	burn_source_free(src);
	assert_false(res.media_touched);
	rnd_md5(size, 5, want);
	assert_memory_equal(res.md5, want, 16);
	assert_int_equal(file_size(f->path), 3 * MB);
	md5_of_file(f->path, UINT64_MAX, after);
	assert_memory_equal(before, after, 16);
	must(burner_media(b, &m, &e), &e, "media");
	assert_int_equal(m.status, BURNER_MEDIA_BLANK);
	/* and a real write after the simulation */
	write_rnd(b, size, 6, &res);
	must(burner_verify_data(b, size, res.md5, NULL, NULL, &e), &e, "verify");
	burner_close(b, false);
}

static void bad_sizes_refused(void **state)
{
	struct fx *f = *state;
	struct burner_result res;
	struct burner *b = NULL;
	struct burn_source *src = rnd_new(MB, 1, 0);
	struct err e = { "" };

	must(burner_open(&b, f->adr, BURNER_BLANK_CD_R, &e), &e, "open");
	assert_int_equal(burner_write_data(b, src, MB + 1, false, NULL, NULL, &res, &e), -1);
	has(e.msg, "multiple of 2048");
	assert_int_equal(burner_write_data(b, src, 2 * MB, false, NULL, NULL, &res, &e), -1);
	has(e.msg, "holds 1048576 bytes, not 2097152");
	assert_int_equal(burner_write_data(b, src, 0, false, NULL, NULL, &res, &e), -1);
	assert_int_equal(burner_write_data(b, NULL, MB, false, NULL, NULL, &res, &e), -1);
	/* more than the emulated CD holds: refused before anything is written */
	assert_int_equal(burner_write_data(b, src, 704 * MB, false, NULL, NULL, &res, &e), -1);
	assert_int_equal(access(f->path, F_OK), -1);
	burn_source_free(src);
	/* nothing was spent: the blank is still blank and writable */
	write_rnd(b, MB, 1, &res);
	burner_close(b, false);
}

/* The image source fails half-way: a clean error, the drive still usable. */
static void source_fails_midway(void **state)
{
	struct fx *f = *state;
	struct burner_result res;
	struct burner *b = NULL;
	struct burn_source *src = rnd_new(8 * MB, 41, 100);
	struct err e = { "" };

	((struct rnd *)src->data)->fail_at = 3 * MB;
	must(burner_open(&b, f->adr, BURNER_BLANK_DVD_R, &e), &e, "open");
	assert_int_equal(burner_write_data(b, src, 8 * MB, false, NULL, NULL, &res, &e), -1);
	burn_source_free(src);
	has(e.msg, "write failed");
	assert_true(res.bytes <= 3 * MB);
	assert_true(res.media_touched);
	burner_close(b, false);
	/* a new blank in the same drive */
	must(burner_open(&b, f->adr, BURNER_BLANK_DVD_R, &e), &e, "reopen");
	write_rnd(b, MB, 42, &res);
	must(burner_verify_data(b, MB, res.md5, NULL, NULL, &e), &e, "verify");
	burner_close(b, false);
}

static void audio_refused_on_pseudo(void **state)
{
	struct fx *f = *state;
	struct burner *b = NULL;
	struct burn_disc *disc = burn_disc_create();
	struct err e = { "" };

	must(burner_open(&b, f->adr, BURNER_BLANK_CD_R, &e), &e, "open");
	assert_int_equal(burner_write_audio(b, disc, NULL, 0, false, NULL, NULL, NULL, &e), -1);
	has(e.msg, "audio CDs are written as CUE/BIN on pseudo-drives");
	burner_close(b, false);
	burn_disc_free(disc);
}

/* ---- progress and cancel ------------------------------------------------- */

struct watch {
	int calls, cancel_at;
	bool cancel_writing;	/* cancel once bytes were written */
	uint64_t last_done;
	bool monotonic, saw_writing, saw_end;
	enum burner_stage last_stage;
	const char *rmdir_path;	/* removes the drive's folder once writing */
	const char *fill_path;	/* fills the filesystem once writing */
};

static void remove_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int watch_cb(const struct burner_progress *p, void *arg)
{
	struct watch *w = arg;

	w->calls++;
	if (p->done < w->last_done || p->done > p->total || p->percent > 100)
		w->monotonic = false;
	if (p->stage < w->last_stage && p->stage != BURNER_STAGE_VERIFYING)
		w->monotonic = false;
	w->last_done = p->done;
	w->last_stage = p->stage;
	if (p->stage == BURNER_STAGE_WRITING && p->done > 0 && p->done < p->total) {
		w->saw_writing = true;
		if (p->fifo_percent < 0 || p->fifo_percent > 100 || p->mb_per_s <= 0)
			w->monotonic = false;
	}
	if (p->done == p->total && p->percent == 100)
		w->saw_end = true;
	/* the drive goes away, or its disk fills, once writing has begun */
	if (p->stage == BURNER_STAGE_WRITING && p->done > 0 && w->rmdir_path) {
		remove_tree(w->rmdir_path);
		w->rmdir_path = NULL;
	}
	if (p->stage == BURNER_STAGE_WRITING && p->done > 0 && w->fill_path) {
		FILE *fp = fopen(w->fill_path, "wb");
		static char junk[64 * 1024];

		/* until ENOSPC */
		while (fp && fwrite(junk, 1, sizeof(junk), fp) == sizeof(junk))
			;
		if (fp)
			fclose(fp);
		w->fill_path = NULL;
	}
	if (w->cancel_writing && p->stage == BURNER_STAGE_WRITING && p->done > 0)
		return 1;
	return w->cancel_at && w->calls >= w->cancel_at;
}

static void progress_reports_and_cancel(void **state)
{
	const uint64_t size = 3 * MB;
	struct fx *f = *state;
	struct watch w = { .monotonic = true };
	struct burner_result res;
	struct burner *b = NULL;
	struct burn_source *src;
	struct err e = { "" };

	must(burner_open(&b, f->adr, BURNER_BLANK_DVD_R, &e), &e, "open");
	/* about 1.5 s: 1 ms per 2 KiB */
	src = rnd_new(size, 9, 1000);
	must(burner_write_data(b, src, size, false, watch_cb, &w, &res, &e), &e, "write");
	burn_source_free(src);
	assert_true(w.calls >= 3);
	assert_true(w.monotonic);
	assert_true(w.saw_writing);
	assert_true(w.saw_end);
	assert_true(res.fifo_min_percent >= 0);

	memset(&w, 0, sizeof(w));
	w.monotonic = true;
	must(burner_verify_data(b, size, res.md5, watch_cb, &w, &e), &e, "verify");
	assert_true(w.calls >= 1);
	assert_true(w.saw_end);
	assert_true(w.monotonic);
	burner_close(b, false);

	/* cancel once writing has begun */
	must(burner_open(&b, f->adr, BURNER_BLANK_DVD_R, &e), &e, "reopen");
	memset(&w, 0, sizeof(w));
	w.cancel_writing = true;
	src = rnd_new(64 * MB, 9, 1000);
	assert_int_equal(burner_write_data(b, src, 64 * MB, false, watch_cb, &w, &res, &e),
			 BURNER_CANCELLED);
	burn_source_free(src);
	has(e.msg, "cancelled");
	assert_true(res.bytes < 64 * MB);
	assert_true(res.media_touched);
	assert_true(file_size(f->path) < 64 * MB);
	burner_close(b, false);

	/* the drive is free again: a new blank in the same slot */
	must(burner_open(&b, f->adr, BURNER_BLANK_DVD_R, &e), &e, "after cancel");
	write_rnd(b, MB, 10, &res);
	memset(&w, 0, sizeof(w));
	w.cancel_at = 1;
	assert_int_equal(burner_verify_data(b, MB, res.md5, watch_cb, &w, &e), BURNER_CANCELLED);
	burner_close(b, false);
}

/* ---- drives that go away -------------------------------------------------- */

static void folder_removed_during_write(void **state)
{
	struct fx *f = *state;
	struct watch w = { .monotonic = true };
	struct burner_result res;
	struct burner *b = NULL;
	struct burn_source *src;
	struct err e = { "" };
	char sub[400], adr[420];

	snprintf(sub, sizeof(sub), "%s/usb", f->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(adr, sizeof(adr), "stdio:%s/disc.iso", sub);
	must(burner_open(&b, adr, BURNER_BLANK_CD_R, &e), &e, "open");
	w.rmdir_path = sub;
	src = rnd_new(3 * MB, 2, 1000);
	assert_int_equal(burner_write_data(b, src, 3 * MB, false, watch_cb, &w, &res, &e), -1);
	burn_source_free(src);
	has(e.msg, "vanished");
	assert_true(res.media_touched);
	/* the handle still answers, and says the drive is gone */
	assert_int_equal(burner_verify_data(b, 3 * MB, res.md5, NULL, NULL, &e), -1);
	not_found(&e, adr);
	assert_int_equal(burner_check_fit(b, MEDIA_DATA_CD, MB, NULL, &e), -1);
	has(e.msg, "drive not found");
	burner_close(b, true);
}

static bool mount_tmpfs(struct fx *f, const char *size)
{
	char opts[64];

	if (geteuid() != 0) {
		print_message("not root: cannot mount a small tmpfs\n");
		return false;
	}
	snprintf(f->mnt, sizeof(f->mnt), "%s/mnt", f->dir);
	assert_int_equal(mkdir(f->mnt, 0700), 0);
	snprintf(opts, sizeof(opts), "size=%s,mode=0700", size);
	if (mount("tmpfs", f->mnt, "tmpfs", MS_NOSUID | MS_NODEV, opts)) {
		print_message("mount tmpfs: %s\n", strerror(errno));
		f->mnt[0] = '\0';
		return false;
	}
	return true;
}

static void full_filesystem(void **state)
{
	struct fx *f = *state;
	struct watch w = { .monotonic = true };
	struct burner_result res;
	struct burner_media m;
	struct burner *b = NULL;
	struct burn_source *src;
	struct err e = { "" };
	char adr[440], filler[420], iso[420];

	if (!mount_tmpfs(f, "8m"))
		skip();
	snprintf(iso, sizeof(iso), "%s/disc.iso", f->mnt);
	snprintf(adr, sizeof(adr), "stdio:%s", iso);
	snprintf(filler, sizeof(filler), "%s/filler", f->mnt);
	must(burner_open(&b, adr, BURNER_BLANK_DVD_R, &e), &e, "open");
	/* the emulated DVD holds what the filesystem can take */
	must(burner_media(b, &m, &e), &e, "media");
	assert_true(m.free_bytes <= 8 * MB && m.free_bytes >= 7 * MB);
	assert_int_equal(burner_check_fit(b, MEDIA_DATA_DVD, 9 * MB, NULL, &e), -1);
	assert_string_equal(e.msg, "Your order needs 9 MB; this disc holds 8 MB.");
	/* checked before writing: refused, nothing written */
	src = rnd_new(9 * MB, 4, 0);
	assert_int_equal(burner_write_data(b, src, 9 * MB, false, NULL, NULL, &res, &e), -1);
	burn_source_free(src);
	has(e.msg, "does not fit");
	assert_false(res.media_touched);

	/* it fits when it starts, then something else fills the disk */
	w.fill_path = filler;
	src = rnd_new(6 * MB, 4, 1000);
	assert_int_equal(burner_write_data(b, src, 6 * MB, false, watch_cb, &w, &res, &e), -1);
	burn_source_free(src);
	has(e.msg, "No space left on device");
	assert_true(res.media_touched);
	must(burner_media(b, &m, &e), &e, "media after");
	assert_int_equal(m.status, BURNER_MEDIA_CLOSED);
	burner_close(b, true);
	assert_int_equal(umount2(f->mnt, 0), 0);
	f->mnt[0] = '\0';
}

/* ---- process-wide -------------------------------------------------------- */

static int sig_seen;

static void on_term(int sig)
{
	sig_seen = sig;
}

static void signal_handlers_left_alone(void **state)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE };
	struct fx *f = *state;
	struct sigaction sa = { 0 }, old[5], now;
	struct burner_result res;
	struct burner *b = NULL;
	struct err e = { "" };

	sa.sa_handler = on_term;
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(sigaction(sigs[i], &sa, &old[i]), 0);
	must(burner_init(&e), &e, "init");
	must(burner_open(&b, f->adr, BURNER_BLANK_CD_R, &e), &e, "open");
	write_rnd(b, MB, 12, &res);
	must(burner_verify_data(b, MB, res.md5, NULL, NULL, &e), &e, "verify");
	burner_close(b, false);
	burner_finish();
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(sigaction(sigs[i], NULL, &now), 0);
		assert_ptr_equal(now.sa_handler, on_term);
		sigaction(sigs[i], &old[i], NULL);
	}
	(void)sig_seen;
}

static void finish_releases_open_drives(void **state)
{
	struct fx *f = *state;
	struct burner_media m;
	struct burner *b = NULL, *b2 = NULL;
	struct burner_drive drives[4];
	struct err e = { "" };
	size_t found = 99;
	char adr[420];

	/* the group holds one init; this test takes the count to zero */
	must(burner_open(&b, f->adr, BURNER_BLANK_CD_R, &e), &e, "open");
	assert_int_equal(burner_list(drives, 4, &found, &e), -1);
	has(e.msg, "while a drive is open");
	burner_finish();
	assert_int_equal(burner_media(b, &m, &e), -1);
	has(e.msg, "released at shutdown");
	assert_int_equal(burner_open(&b2, f->adr, BURNER_BLANK_CD_R, &e), -1);
	has(e.msg, "burner_init");
	must(burner_init(&e), &e, "init again");
	burner_close(b, false);
	/* libburn restarted: the same drive can be grabbed again */
	snprintf(adr, sizeof(adr), "%s", f->adr);
	must(burner_open(&b2, adr, BURNER_BLANK_CD_R, &e), &e, "open after restart");
	burner_close(b2, false);
	/* no drive open: a scan works (this machine may have no drive) */
	must(burner_list(drives, 4, &found, &e), &e, "list");
	for (size_t i = 0; i < found && i < 4; i++)
		print_message("drive %s: %s %s, %s\n", drives[i].address, drives[i].vendor,
			      drives[i].product, drives[i].media.profile_name);
}

/* ---- a real ISO image, made by libisofs --------------------------------- */

#ifdef HAVE_LIBISOFS
static void put_file(const char *dir, const char *name, size_t size, int seed)
{
	char path[600];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	for (size_t i = 0; i < size; i++)
		fputc(rnd_byte((uint32_t)seed, i), fp);
	assert_int_equal(fclose(fp), 0);
}

static void libisofs_image(void **state)
{
	struct fx *f = *state;
	struct burner_result res;
	struct burn_source *src = NULL;
	IsoImage *image = NULL;
	IsoWriteOpts *opts = NULL;
	struct burner *b = NULL;
	struct err e = { "" };
	char tree[400], cmd[1200], pvd[6] = { 0 };
	uint8_t disk[16];
	uint64_t size;
	FILE *fp;

	snprintf(tree, sizeof(tree), "%s/tree", f->dir);
	assert_int_equal(mkdir(tree, 0700), 0);
	put_file(tree, "a.bin", 1000000, 1);
	put_file(tree, "b.txt", 12345, 2);
	put_file(tree, "empty", 0, 3);
	assert_int_equal(iso_init(), 1);
	iso_set_msgs_severities("NEVER", "FAILURE", "libisofs: ");
	assert_int_equal(iso_image_new("TENPO_TEST", &image), 1);
	assert_int_equal(iso_tree_add_dir_rec(image, iso_image_get_root(image), tree), 1);
	assert_int_equal(iso_write_opts_new(&opts, 0), 1);
	iso_write_opts_set_rockridge(opts, 1);
	iso_write_opts_set_joliet(opts, 1);
	iso_write_opts_set_iso_level(opts, 3);
	assert_int_equal(iso_image_create_burn_source(image, opts, &src), 1);
	size = (uint64_t)src->get_size(src);
	assert_true(size > 1000000 && size % 2048 == 0);

	must(burner_open(&b, f->adr, BURNER_BLANK_CD_R, &e), &e, "open");
	must(burner_check_fit(b, MEDIA_DATA_CD, size, NULL, &e), &e, "fit");
	must(burner_write_data(b, src, size, false, NULL, NULL, &res, &e), &e, "write");
	burn_source_free(src);
	must(burner_verify_data(b, size, res.md5, NULL, NULL, &e), &e, "verify");
	burner_close(b, true);
	iso_write_opts_free(opts);
	iso_image_unref(image);
	iso_finish();

	assert_int_equal(file_size(f->path), size);
	md5_of_file(f->path, size, disk);
	assert_memory_equal(disk, res.md5, 16);
	fp = fopen(f->path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 16 * 2048 + 1, SEEK_SET), 0);
	assert_int_equal(fread(pvd, 1, 5, fp), 5);
	fclose(fp);
	assert_string_equal(pvd, "CD001");
	/* and a tool no one here wrote reads the tree */
	if (access("/usr/bin/xorriso", X_OK) == 0) {
		snprintf(cmd, sizeof(cmd), "xorriso -indev '%s' -find / -type f 2>/dev/null"
			 " | grep -c -e a.bin -e b.txt -e empty | grep -qx 3", f->path);
		assert_int_equal(system(cmd), 0);
	}
}
#endif

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blank_names),
		cmocka_unit_test(stage_and_status_names),
		cmocka_unit_test(geometry_and_addresses),
		cmocka_unit_test(disc_progress_spans_tracks),
		cmocka_unit_test(audio_read_offset),
		T(audio_verify_on_pseudo_unreadable),
		cmocka_unit_test(fit_rules),
		T(each_emulated_blank),
		T(open_refusals),
		T(check_fit_on_pseudo),
		T(write_and_verify),
		T(block_device_drive),
		T(verify_finds_a_changed_byte),
		T(write_md5_off),
		T(stingy_source),
		T(longer_file_is_truncated),
		T(simulate_leaves_file_alone),
		T(bad_sizes_refused),
		T(source_fails_midway),
		T(audio_refused_on_pseudo),
		T(progress_reports_and_cancel),
		T(folder_removed_during_write),
		T(full_filesystem),
		T(signal_handlers_left_alone),
		T(finish_releases_open_drives),
#ifdef HAVE_LIBISOFS
		T(libisofs_image),
#endif
	};
#undef T

	return cmocka_run_group_tests_name("burner", tests, group_setup, group_teardown);
}
