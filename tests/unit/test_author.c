// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * author: every disc is checked by tools no one here wrote.
 *
 * Data images are pulled from the burn_source with a read() loop into a
 * regular file (no drive) and read back by xorriso: the Rock Ridge tree
 * (osirrox extraction, byte-for-byte against the sources), the Joliet tree
 * (-read_fs norock), the volume descriptors (parsed here), -check_md5 of the
 * session and of each file.  A 4.5 GiB sparse file goes through the whole
 * path too (the image is written sparse).  Audio sessions are exported and
 * read by libcdio's cd-info (track starts to the frame, CD-TEXT of both
 * language blocks); the burn_disc for a real writer is built and inspected.
 * Inputs (WAV, FLAC, names in Japanese) are made here with libsndfile.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include <cmocka.h>
#include <libburn/libburn.h>
#include <nettle/md5.h>
#include <sndfile.h>

#include "audio.h"
#include "author.h"
#include "cdtext.h"
#include "order.h"

#define MTIME 1795000000 /* 2026-11-18 11:06:40 UTC */

struct fx {
	char dir[256];
	char mnt[300]; /* non-empty while a tmpfs is mounted there */
};

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/tenpo-author-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[600];

	if (f->mnt[0])
		umount2(f->mnt, MNT_DETACH);
	snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", f->dir, f->dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", f->dir);
	free(f);
	return 0;
}

static int group_setup(void **state)
{
	struct err e = { "" };

	(void)state;
	if (author_init(&e)) {
		fprintf(stderr, "author_init: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	author_finish();
	burn_finish();
	return 0;
}

static void must(int rc, const struct err *e, const char *what)
{
	if (rc)
		fail_msg("%s: %s", what, e->msg);
}

static void refused(int rc, const struct err *e, const char *want1, const char *want2)
{
	if (!rc)
		fail_msg("accepted; expected a refusal with \"%s\"", want1);
	if (!strstr(e->msg, want1) || (want2 && !strstr(e->msg, want2)))
		fail_msg("message \"%s\" lacks \"%s\"%s%s", e->msg, want1, want2 ? " / " : "",
			 want2 ? want2 : "");
}

static void path_in(const struct fx *f, char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", f->dir, name);
}

/* Runs a shell command; returns its exit status. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Its standard output, malloc'ed. */
static char *capture(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *capture(const char *fmt, ...)
{
	char cmd[4096];
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	va_list ap;
	FILE *p;

	assert_non_null(buf);
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	for (size_t n; (n = fread(buf + len, 1, cap - len - 1, p)) > 0;) {
		len += n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	buf[len] = '\0';
	pclose(p);
	return buf;
}

static void write_bytes(const char *path, const void *buf, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void write_random(const char *path, size_t len, uint32_t seed)
{
	uint8_t *buf = malloc(len);

	assert_non_null(buf);
	for (size_t i = 0; i < len; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		buf[i] = (uint8_t)seed;
	}
	write_bytes(path, buf, len);
	free(buf);
}

/* Whole file, malloc'ed; *len its length. */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!fp)
		fail_msg("%s: %s", path, strerror(errno));
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void same_content(const char *a, const char *b)
{
	size_t la, lb;
	uint8_t *x = slurp(a, &la), *y = slurp(b, &lb);

	if (la != lb || memcmp(x, y, la))
		fail_msg("%s and %s differ", a, b);
	free(x);
	free(y);
}

/* A sine tone through libsndfile (format e.g. SF_FORMAT_WAV | SF_FORMAT_PCM_16). */
static void write_tone(const char *path, int format, int rate, int channels, long frames,
		       double hz)
{
	SF_INFO si = { .samplerate = rate, .channels = channels, .format = format };
	SNDFILE *sf = sf_open(path, SFM_WRITE, &si);
	double *buf;

	if (!sf)
		fail_msg("sf_open(%s): %s", path, sf_strerror(NULL));
	buf = malloc(sizeof(double) * (size_t)frames * (size_t)channels);
	assert_non_null(buf);
	for (long i = 0; i < frames; i++)
		for (int c = 0; c < channels; c++)
			buf[i * channels + c] = 0.5 * sin(2 * M_PI * hz * (double)i / rate +
							  c * 0.7);
	assert_int_equal(sf_writef_double(sf, buf, frames), frames);
	assert_int_equal(sf_close(sf), 0);
	free(buf);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* ── names ──────────────────────────────────────────────────────────────── */

static void name_rules(void **state)
{
	static const char *const good[] = { "a", "01 夜明け.wav", "映像.avi", "Live: Tokyo?.txt",
					     "TENPO-STAMP.JSON", "café.flac" };
	char n120[200], n64[80], n65[80], n85jp[300];
	struct err e = { "" };

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!author_name_ok(good[i], &e))
			fail_msg("refused \"%s\": %s", good[i], e.msg);
	memset(n120, 'x', 116);
	memcpy(n120 + 116, ".avi", 5);
	refused(!author_name_ok(n120, &e), &e, "120 characters", "Joliet holds 64");
	memset(n64, 'y', 60);
	memcpy(n64 + 60, ".txt", 5);
	assert_true(author_name_ok(n64, &e));
	memset(n65, 'y', 61);
	memcpy(n65 + 61, ".txt", 5);
	refused(!author_name_ok(n65, &e), &e, "65 characters", NULL);
	/* 64 kanji are 192 bytes: fine for Rock Ridge, fine for Joliet. */
	n85jp[0] = '\0';
	for (int i = 0; i < 64; i++)
		strcat(n85jp, "夜");
	assert_true(author_name_ok(n85jp, &e));
	strcat(n85jp, "夜");
	refused(!author_name_ok(n85jp, &e), &e, "Joliet", NULL);
	refused(!author_name_ok("a/b", &e), &e, "'/'", NULL);
	refused(!author_name_ok("a\tb", &e), &e, "control", NULL);
	refused(!author_name_ok("..", &e), &e, "not a file name", NULL);
	refused(!author_name_ok("", &e), &e, "empty", NULL);
	refused(!author_name_ok("\xff\xfe", &e), &e, "UTF-8", NULL);
	refused(!author_name_ok("smile \xf0\x9f\x98\x80.txt", &e), &e, "U+1F600", "UCS-2");
}

/* ── data images ────────────────────────────────────────────────────────── */

/* Pulls src to EOF into path (sparse: zero blocks become holes), hashing
 * what it wrote (unless md5 is NULL); returns the byte count. */
static uint64_t pull(struct burn_source *src, const char *path, uint8_t md5[16])
{
	enum { CHUNK = 32 * 2048 };
	static const uint8_t zero[CHUNK];
	uint8_t *buf = malloc(CHUNK);
	struct md5_ctx ctx;
	uint64_t total = 0;
	int fd = -1, n;

	assert_non_null(buf);
	if (path) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		assert_true(fd >= 0);
	}
	md5_init(&ctx);
	while ((n = src->read_xt(src, buf, CHUNK)) > 0) {
		if (md5)
			md5_update(&ctx, (size_t)n, buf);
		if (fd >= 0) {
			if (n == CHUNK && !memcmp(buf, zero, CHUNK))
				assert_true(lseek(fd, n, SEEK_CUR) >= 0);
			else
				assert_int_equal(write(fd, buf, (size_t)n), n);
		}
		total += (uint64_t)n;
	}
	assert_int_equal(n, 0);
	if (fd >= 0) {
		assert_int_equal(ftruncate(fd, (off_t)total), 0);
		assert_int_equal(close(fd), 0);
	}
	if (md5)
		md5_digest(&ctx, 16, md5);
	free(buf);
	return total;
}

/* Builds, pulls and checks the MD5 bookkeeping (against our own MD5 of the
 * bytes unless md5 is NULL); returns the open author_data. */
static struct author_data *make_image(const struct author_data_spec *spec, const char *img,
				      uint8_t md5[16])
{
	struct author_estimate est;
	struct burn_source *src = NULL;
	struct author_data *d = NULL;
	struct err e = { "" };
	uint8_t got[16];
	uint64_t bytes = 0, pulled;

	must(author_data_open(&d, spec, &e), &e, "author_data_open");
	author_data_estimate(d, &est);
	assert_int_equal(est.sector_size, 2048);
	assert_int_equal(est.bytes, author_data_size(d));
	assert_int_equal(est.sectors * 2048, est.bytes);
	assert_int_equal(author_data_md5(d, got, &bytes), -1);
	must(author_data_source(d, &src, &e), &e, "author_data_source");
	assert_int_equal((uint64_t)src->get_size(src), est.bytes);
	pulled = pull(src, img, md5);
	burn_source_free(src);
	assert_int_equal(pulled, est.bytes);
	must(author_data_status(d, &e), &e, "status");
	assert_int_equal(author_data_md5(d, got, &bytes), 0);
	assert_int_equal(bytes, pulled);
	if (md5)
		assert_memory_equal(got, md5, 16);
	return d;
}

/* Volume IDs as written: the primary's (trimmed) and Joliet's (as UTF-8). */
static void volume_ids(const char *img, char pvd[33], char joliet[80])
{
	uint8_t sec[2048];
	FILE *fp = fopen(img, "rb");
	size_t o = 0;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 16 * 2048, SEEK_SET), 0);
	assert_int_equal(fread(sec, 1, 2048, fp), 2048);
	assert_int_equal(sec[0], 1);
	memcpy(pvd, sec + 40, 32);
	pvd[32] = '\0';
	for (int i = 31; i >= 0 && pvd[i] == ' '; i--)
		pvd[i] = '\0';
	assert_int_equal(fread(sec, 1, 2048, fp), 2048);
	assert_int_equal(sec[0], 2);
	assert_memory_equal(sec + 88, "%/E", 3);
	for (int i = 0; i < 32; i += 2) {
		unsigned u = (unsigned)sec[40 + i] << 8 | sec[41 + i];

		if (u == ' ' && o == 0)
			continue;
		if (u < 0x80) {
			joliet[o++] = (char)u;
		} else if (u < 0x800) {
			joliet[o++] = (char)(0xc0 | u >> 6);
			joliet[o++] = (char)(0x80 | (u & 0x3f));
		} else {
			joliet[o++] = (char)(0xe0 | u >> 12);
			joliet[o++] = (char)(0x80 | (u >> 6 & 0x3f));
			joliet[o++] = (char)(0x80 | (u & 0x3f));
		}
	}
	while (o && joliet[o - 1] == ' ')
		o--;
	joliet[o] = '\0';
	fclose(fp);
}

static const char stamp_json[] = "{\"version\":1,\"order_id\":\"K7Q2M9X4P1\",\"sig\":\"MEUC\"}\n";

static void data_image(void **state)
{
	struct fx *f = *state;
	static const char *const names[] = { "01 夜明け.wav", "映像.avi", "Live: Tokyo?.txt",
					     "readme.txt" };
	/* libisofs's Joliet names: '_' for what Joliet lacks. */
	static const char *const joliet[] = { "01 夜明け.wav", "映像.avi", "Live_ Tokyo_.txt",
					      "readme.txt" };
	char src[4][300], img[300], out[300], p[700], pvd[33], jvol[80];
	struct author_file files[4];
	struct author_data *d;
	uint8_t md5[16];
	struct stat st;
	char *ls;

	for (int i = 0; i < 4; i++) {
		char n[16];

		snprintf(n, sizeof(n), "src%d", i);
		path_in(f, src[i], sizeof(src[i]), n);
		files[i].path = src[i];
		files[i].name = names[i];
	}
	write_tone(src[0], SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 2, 44100, 440);
	write_random(src[1], 3 * 1000 * 1000 + 17, 7);
	write_bytes(src[2], "tokyo\n", 6);
	write_bytes(src[3], "hello\n", 6);
	path_in(f, img, sizeof(img), "data.iso");
	struct author_data_spec spec = {
		.title = "夜明けの歌 Live", .files = files, .file_count = 4,
		.stamp = stamp_json, .stamp_len = strlen(stamp_json), .mtime = MTIME,
	};
	d = make_image(&spec, img, md5);
	assert_string_equal(author_data_volume_id(d), "夜明けの歌 Live");
	author_data_free(d);

	volume_ids(img, pvd, jvol);
	assert_string_equal(pvd, "______LIVE");
	assert_string_equal(jvol, "夜明けの歌 Live");

	/* MD5 tags: the session's and each file's. */
	assert_int_equal(run("xorriso -md5 on -indev '%s' -check_md5 FAILURE -- "
			     ">/dev/null 2>&1", img), 0);
	assert_int_equal(run("xorriso -md5 on -indev '%s' -check_md5_r FAILURE / -- "
			     ">/dev/null 2>&1", img), 0);

	/* Rock Ridge: names exactly, content byte for byte, times and modes. */
	path_in(f, out, sizeof(out), "rr");
	assert_int_equal(run("LC_ALL=C.UTF-8 xorriso -osirrox on -indev '%s' -extract / '%s' "
			     ">/dev/null 2>&1", img, out), 0);
	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/%s", out, names[i]);
		same_content(src[i], p);
		assert_int_equal(lstat(p, &st), 0);
		assert_int_equal(st.st_mtime, MTIME);
		assert_int_equal(st.st_mode & 07777, 0444);
	}
	snprintf(p, sizeof(p), "%s/%s", out, AUTHOR_STAMP_NAME);
	{
		size_t len;
		uint8_t *got = slurp(p, &len);

		assert_int_equal(len, strlen(stamp_json));
		assert_memory_equal(got, stamp_json, len);
		free(got);
	}
	ls = capture("LC_ALL=C.UTF-8 xorriso -indev '%s' -lsl / 2>/dev/null", img);
	if (!strstr(ls, "-r--r--r--    1 0        0") || !strstr(ls, "'映像.avi'"))
		fail_msg("xorriso -lsl:\n%s", ls);
	free(ls);

	/* Joliet. */
	path_in(f, out, sizeof(out), "joliet");
	assert_int_equal(run("LC_ALL=C.UTF-8 xorriso -read_fs norock -osirrox on -indev '%s' "
			     "-extract / '%s' >/dev/null 2>&1", img, out), 0);
	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/%s", out, joliet[i]);
		same_content(src[i], p);
	}
	snprintf(p, sizeof(p), "%s/%s", out, AUTHOR_STAMP_NAME);
	assert_int_equal(lstat(p, &st), 0);
	ls = capture("LC_ALL=C.UTF-8 xorriso -read_fs norock -indev '%s' -lsl / 2>/dev/null "
		     "| grep -c '^-'", img);
	assert_int_equal(atoi(ls), 5);
	free(ls);

	/* The checks can fail: one flipped bit in 映像.avi's data. */
	{
		size_t ilen, slen;
		uint8_t *image = slurp(img, &ilen), *avi = slurp(src[1], &slen);
		uint8_t *at = memmem(image, ilen, avi, 4096);

		assert_non_null(at);
		at[1000] ^= 1;
		write_bytes(img, image, ilen);
		free(image);
		free(avi);
	}
	assert_int_not_equal(run("xorriso -md5 on -indev '%s' -check_md5 FAILURE -- "
				 ">/dev/null 2>&1", img), 0);
	assert_int_not_equal(run("xorriso -md5 on -indev '%s' -check_md5_r FAILURE / -- "
				 ">/dev/null 2>&1", img), 0);
}

/* Same spec, same bytes, whenever it is made; the session-only variant is
 * also valid for -check_md5. */
static void data_deterministic(void **state)
{
	struct fx *f = *state;
	char src[300], img[300];
	uint8_t a[16], b[16], c[16];
	struct author_file file = { src, "映像.avi" };
	struct author_data_spec spec = {
		.title = "Film", .files = &file, .file_count = 1, .stamp = stamp_json,
		.stamp_len = strlen(stamp_json), .mtime = MTIME,
	};

	path_in(f, src, sizeof(src), "film");
	write_random(src, 1 << 20, 3);
	author_data_free(make_image(&spec, NULL, a));
	sleep(2);
	author_data_free(make_image(&spec, NULL, b));
	assert_memory_equal(a, b, 16);
	spec.no_file_md5 = true;
	path_in(f, img, sizeof(img), "session-only.iso");
	author_data_free(make_image(&spec, img, c));
	assert_memory_not_equal(a, c, 16);
	assert_int_equal(run("xorriso -md5 on -indev '%s' -check_md5 FAILURE -- "
			     ">/dev/null 2>&1", img), 0);
}

static void data_refusals(void **state)
{
	struct fx *f = *state;
	char ok[300], dir[300], link[300], long_name[130];
	struct author_data *d = NULL;
	struct err e = { "" };
	struct author_file files[2] = { { ok, "a.txt" }, { ok, "b.txt" } };
	struct author_data_spec spec = { .title = "T", .files = files, .file_count = 2,
					 .mtime = MTIME };

	path_in(f, ok, sizeof(ok), "ok");
	write_bytes(ok, "x", 1);
	path_in(f, dir, sizeof(dir), "adir");
	assert_int_equal(mkdir(dir, 0755), 0);
	path_in(f, link, sizeof(link), "alink");
	assert_int_equal(symlink(ok, link), 0);

	memset(long_name, 'n', 116);
	memcpy(long_name + 116, ".avi", 5);
	files[1].name = long_name;
	refused(author_data_open(&d, &spec, &e), &e, "file 2 (nnnn", "Joliet holds 64");
	assert_null(d);
	files[1].name = "A.TXT";
	refused(author_data_open(&d, &spec, &e), &e, "two files named", NULL);
	files[1].name = "b.txt";
	spec.stamp = stamp_json;
	spec.stamp_len = 3;
	spec.stamp_name = "B.txt";
	refused(author_data_open(&d, &spec, &e), &e, "two files named", NULL);
	spec.stamp = NULL;
	files[1].path = dir;
	refused(author_data_open(&d, &spec, &e), &e, "file 2 (b.txt)", "not a regular file");
	files[1].path = link;
	refused(author_data_open(&d, &spec, &e), &e, "not a regular file", NULL);
	files[1].path = "relative/x";
	refused(author_data_open(&d, &spec, &e), &e, "not absolute", NULL);
	files[1].path = "/nonexistent/x";
	refused(author_data_open(&d, &spec, &e), &e, "file 2", "No such file");
	spec.file_count = 0;
	refused(author_data_open(&d, &spec, &e), &e, "nothing to put", NULL);
	assert_null(d);
}

/* A source file that shrinks after open: libisofs pads it with zeros and
 * says so only in a message; the MD5 must then be refused. */
static void data_file_changed(void **state)
{
	struct fx *f = *state;
	char src[300];
	struct author_file file = { src, "big.dat" };
	struct author_data_spec spec = { .title = "T", .files = &file, .file_count = 1,
					 .mtime = MTIME };
	struct burn_source *bs = NULL;
	struct author_data *d = NULL;
	struct err e = { "" };
	uint8_t md5[16];
	uint64_t bytes;

	path_in(f, src, sizeof(src), "shrinks");
	write_random(src, 20 << 20, 11);
	must(author_data_open(&d, &spec, &e), &e, "open");
	/* Changed before a source is asked for: refused at once. */
	assert_int_equal(truncate(src, 19 << 20), 0);
	refused(author_data_source(d, &bs, &e), &e, "file 1 (big.dat) changed", NULL);
	author_data_free(d);
	/* Changed while the image is being made (the 20 MB file is larger than
	 * libisofs's 8 MB ring buffer, so most of it is read after this). */
	write_random(src, 20 << 20, 11);
	must(author_data_open(&d, &spec, &e), &e, "open");
	must(author_data_source(d, &bs, &e), &e, "source");
	assert_int_equal(truncate(src, 1000), 0);
	pull(bs, NULL, md5);
	burn_source_free(bs);
	assert_int_equal(author_data_md5(d, md5, &bytes), -1);
	refused(author_data_status(d, &e), &e, "file 1 (big.dat) changed", NULL);
	author_data_free(d);
}

/* Before the end, after a cancel, after the author_data is gone; and a
 * second source for a retry. */
static void data_source_lifetimes(void **state)
{
	struct fx *f = *state;
	char src[300];
	struct author_file file = { src, "x.dat" };
	struct author_data_spec spec = { .title = "T", .files = &file, .file_count = 1,
					 .mtime = MTIME };
	struct burn_source *bs = NULL, *bs2 = NULL;
	struct author_data *d = NULL;
	struct err e = { "" };
	uint8_t buf[2048], md5[16], first[16];
	uint64_t bytes;

	path_in(f, src, sizeof(src), "x");
	write_random(src, 4 << 20, 5);
	must(author_data_open(&d, &spec, &e), &e, "open");
	refused(author_data_status(d, &e), &e, "not produced", NULL);
	must(author_data_source(d, &bs, &e), &e, "source");
	refused(author_data_source(d, &bs2, &e), &e, "still in use", NULL);
	assert_int_equal(bs->read_xt(bs, buf, sizeof(buf)), (int)sizeof(buf));
	refused(author_data_status(d, &e), &e, "not read to the end", NULL);
	bs->cancel(bs);
	burn_source_free(bs);
	assert_int_equal(author_data_md5(d, md5, &bytes), -1);
	refused(author_data_status(d, &e), &e, "cancelled", NULL);

	/* Retry: a new source, read to the end. */
	must(author_data_source(d, &bs, &e), &e, "second source");
	pull(bs, NULL, first);
	burn_source_free(bs);
	must(author_data_status(d, &e), &e, "status");

	/* Like libburn: exactly the announced size in 2048-byte reads, and no
	 * read that would see EOF.  The same bytes as the retry above. */
	{
		uint64_t size = author_data_size(d), got = 0;
		struct md5_ctx ctx;

		must(author_data_source(d, &bs, &e), &e, "libburn-like source");
		md5_init(&ctx);
		while (got < size) {
			assert_int_equal(bs->read_xt(bs, buf, sizeof(buf)), (int)sizeof(buf));
			md5_update(&ctx, sizeof(buf), buf);
			got += sizeof(buf);
		}
		must(author_data_status(d, &e), &e, "status without an EOF read");
		assert_int_equal(author_data_md5(d, md5, &bytes), 0);
		assert_int_equal(bytes, size);
		assert_memory_equal(md5, first, 16);
		md5_digest(&ctx, 16, md5);
		assert_memory_equal(md5, first, 16);
		burn_source_free(bs);
	}

	/* A source outlives its author_data. */
	must(author_data_source(d, &bs, &e), &e, "third source");
	author_data_free(d);
	pull(bs, NULL, md5);
	burn_source_free(bs);
	assert_memory_equal(md5, first, 16);
}

/* ISO level 3: a 4.5 GiB file (sparse) as two extents.  By default only the
 * image's first MiB (descriptors, directories, path tables) is produced and
 * the rest left as a hole: xorriso then reads the file's size from both
 * trees and its two extents.  TENPO_TEST_FULL_4GIB=1 produces the whole
 * 4.8 GB image (written sparse) and has xorriso check its MD5 and extract
 * the file's last bytes (about 35 s idle here, 70 s on a loaded 2-core box;
 * the session MD5 of 4.8 GB dominates). */
static void data_over_4gib(void **state)
{
	const uint64_t big = 4831838208ULL; /* 4.5 GiB */
	const char *full_env = getenv("TENPO_TEST_FULL_4GIB");
	bool full = full_env && !strcmp(full_env, "1");
	struct fx *f = *state;
	char src[300], small[300], img[300], out[300];
	struct author_file files[2] = { { src, "大きい.bin" }, { small, "small.txt" } };
	struct author_data_spec spec = { .title = "BIG", .files = files, .file_count = 2,
					 .mtime = MTIME, .no_file_md5 = true };
	struct author_estimate est;
	struct author_data *d;
	struct statvfs vfs;
	size_t len;
	uint8_t *got;
	char *ls;
	int fd;

	assert_int_equal(statvfs(f->dir, &vfs), 0);
	if ((uint64_t)vfs.f_bavail * vfs.f_frsize < (256ULL << 20))
		skip();
	path_in(f, src, sizeof(src), "big");
	fd = open(src, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "HEAD", 4, 0), 4);
	assert_int_equal(pwrite(fd, "TAIL", 4, (off_t)big - 4), 4);
	assert_int_equal(close(fd), 0);
	path_in(f, small, sizeof(small), "small");
	write_bytes(small, "small\n", 6);
	path_in(f, img, sizeof(img), "big.iso");

	if (full) {
		d = make_image(&spec, img, NULL); /* xorriso checks it below */
	} else {
		struct burn_source *bs = NULL;
		struct err e = { "" };
		uint8_t block[2048];

		must(author_data_open(&d, &spec, &e), &e, "open");
		must(author_data_source(d, &bs, &e), &e, "source");
		fd = open(img, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		assert_true(fd >= 0);
		for (int i = 0; i < 512; i++) {
			assert_int_equal(bs->read_xt(bs, block, sizeof(block)), (int)sizeof(block));
			assert_int_equal(write(fd, block, sizeof(block)), (ssize_t)sizeof(block));
		}
		assert_int_equal(ftruncate(fd, (off_t)author_data_size(d)), 0);
		assert_int_equal(close(fd), 0);
		bs->cancel(bs);
		burn_source_free(bs);
		refused(author_data_status(d, &e), &e, "cancelled", NULL);
	}
	author_data_estimate(d, &est);
	assert_true(est.bytes > big && est.bytes < big + (1 << 20));
	assert_int_equal(est.sectors * 2048, est.bytes);
	author_data_free(d);

	ls = capture("LC_ALL=C.UTF-8 xorriso -indev '%s' -lsl / 2>/dev/null", img);
	if (!strstr(ls, " 4831838208 ") || !strstr(ls, "'大きい.bin'"))
		fail_msg("xorriso -lsl:\n%s", ls);
	free(ls);
	ls = capture("LC_ALL=C.UTF-8 xorriso -read_fs norock -indev '%s' -lsl / 2>/dev/null",
		     img);
	if (!strstr(ls, " 4831838208 ") || !strstr(ls, "'大きい.bin'"))
		fail_msg("xorriso -lsl (Joliet):\n%s", ls);
	free(ls);
	/* Two extents: 4 GiB - 2048 bytes, then the rest. */
	ls = capture("LC_ALL=C.UTF-8 xorriso -indev '%s' -find /大きい.bin -exec report_sections "
		     "-- 2>/dev/null | grep -c \"^File data lba: *[01] ,\"", img);
	assert_int_equal(atoi(ls), 2);
	free(ls);
	if (!full)
		return;
	path_in(f, out, sizeof(out), "tail");
	assert_int_equal(run("LC_ALL=C.UTF-8 xorriso -osirrox on -indev '%s' -extract_cut "
			     "/大きい.bin %llu 4 '%s' >/dev/null 2>&1", img,
			     (unsigned long long)big - 4, out), 0);
	got = slurp(out, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(got, "TAIL", 4);
	free(got);
	assert_int_equal(run("xorriso -md5 on -indev '%s' -check_md5 FAILURE -- "
			     ">/dev/null 2>&1", img), 0);
}

/* ── audio: decoding ────────────────────────────────────────────────────── */

static void write_pcm24(const char *path, const int32_t *samples, long frames)
{
	SF_INFO si = { .samplerate = 44100, .channels = 1,
		       .format = SF_FORMAT_WAV | SF_FORMAT_PCM_24 };
	SNDFILE *sf = sf_open(path, SFM_WRITE, &si);

	assert_non_null(sf);
	assert_int_equal(sf_writef_int(sf, samples, frames), frames);
	assert_int_equal(sf_close(sf), 0);
}

/* 24 bits to 16: nearest, half up, clamped; mono to both channels. */
static void audio_rounding(void **state)
{
	static const int32_t in24[] = { 0x80, 0x7f, -0x80, -0x81, 0x7fffff, -0x800000,
					0x1234ff, 0x123480 };
	static const int16_t want[] = { 1, 0, 0, -1, 32767, -32768, 0x1235, 0x1235 };
	struct fx *f = *state;
	int32_t left[8];
	char path[300];
	struct audio_reader *r;
	struct audio_info info;
	struct err e = { "" };
	uint8_t out[8 * 4 + 4];

	for (int i = 0; i < 8; i++)
		left[i] = (int32_t)((uint32_t)in24[i] << 8);
	path_in(f, path, sizeof(path), "r24.wav");
	write_pcm24(path, left, 8);
	must(audio_open(&r, path, &info, &e), &e, "audio_open");
	assert_int_equal(info.bits, 24);
	assert_int_equal(info.channels, 1);
	assert_int_equal(info.frames, 8);
	assert_int_equal(audio_read(r, out, 100, &e), 8);
	assert_int_equal(audio_read(r, out, 100, &e), 0);
	for (int i = 0; i < 8; i++) {
		int16_t l = (int16_t)(out[i * 4] | out[i * 4 + 1] << 8);
		int16_t rr = (int16_t)(out[i * 4 + 2] | out[i * 4 + 3] << 8);

		if (l != want[i] || rr != want[i])
			fail_msg("sample %d: 0x%06x gave %d/%d, want %d", i, in24[i], l, rr,
				 want[i]);
	}
	audio_close(r);
}

static void audio_refusals(void **state)
{
	struct fx *f = *state;
	char p[8][300];
	struct author_track t[3];
	struct author_audio *a = NULL;
	struct err e = { "" };
	struct author_audio_spec spec = { .title = "A", .tracks = t, .track_count = 2 };
	struct audio_info info;

	path_in(f, p[0], sizeof(p[0]), "ok.wav");
	write_tone(p[0], SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 2, 4 * 44100, 440);
	path_in(f, p[1], sizeof(p[1]), "48k.wav");
	write_tone(p[1], SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 2, 5 * 48000, 440);
	path_in(f, p[2], sizeof(p[2]), "short.wav");
	write_tone(p[2], SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 2, 2 * 44100, 440);
	path_in(f, p[3], sizeof(p[3]), "float.wav");
	write_tone(p[3], SF_FORMAT_WAV | SF_FORMAT_FLOAT, 44100, 2, 5 * 44100, 440);
	path_in(f, p[4], sizeof(p[4]), "3ch.wav");
	write_tone(p[4], SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 3, 5 * 44100, 440);
	path_in(f, p[5], sizeof(p[5]), "text.wav");
	write_bytes(p[5], "not audio at all\n", 17);
	path_in(f, p[6], sizeof(p[6]), "aiff.aiff");
	write_tone(p[6], SF_FORMAT_AIFF | SF_FORMAT_PCM_16, 44100, 2, 5 * 44100, 440);

	t[0] = (struct author_track){ p[0], "One", "P" };
	t[1] = (struct author_track){ p[1], "Two", "P" };
	refused(author_audio_open(&a, &spec, &e), &e, "track 2 (\"Two\")",
		"48000 Hz; an audio CD needs 44100 Hz");
	t[1] = (struct author_track){ p[2], "Short", "P" };
	refused(author_audio_open(&a, &spec, &e), &e, "track 2", "at least 4 s");
	refused(author_audio_open(&a, &spec, &e), &e, "2.00 s long", NULL);
	t[1] = (struct author_track){ p[3], NULL, NULL };
	refused(author_audio_open(&a, &spec, &e), &e, "float", "integer PCM");
	t[1].path = p[4];
	refused(author_audio_open(&a, &spec, &e), &e, "3 channels", NULL);
	t[1].path = p[5];
	refused(author_audio_open(&a, &spec, &e), &e, "not a WAV or FLAC file", NULL);
	t[1].path = p[6];
	refused(author_audio_open(&a, &spec, &e), &e, "not a WAV or FLAC file", NULL);
	t[1].path = "/nonexistent.wav";
	refused(author_audio_open(&a, &spec, &e), &e, "track 2 (/nonexistent.wav)",
		"cannot open");
	spec.track_count = 0;
	refused(author_audio_open(&a, &spec, &e), &e, "1 to 99", NULL);
	spec.track_count = 100;
	refused(author_audio_open(&a, &spec, &e), &e, "1 to 99", NULL);
	assert_null(a);
	refused(audio_probe(p[1], &info, &e), &e, "48000 Hz", NULL);
}

/* A FLAC header (no audio after it) that declares `frames`. */
static void write_flac_header(const char *path, uint64_t frames)
{
	uint64_t word = (44100ULL << 44) | (1ULL << 41) | (15ULL << 36) | frames;
	uint8_t flac[42] = { 'f', 'L', 'a', 'C', 0x80, 0, 0, 34, 0x10, 0, 0x10, 0 };

	for (int i = 0; i < 8; i++)
		flac[18 + i] = (uint8_t)(word >> (56 - 8 * i));
	write_bytes(path, flac, sizeof(flac));
}

/* Lengths are judged from the headers alone, before anything is decoded:
 * one file of 81 minutes, and a session of 4 s + 79:56 that ends past
 * 79:59:74. */
static void audio_too_long(void **state)
{
	struct fx *f = *state;
	char p[300], ok[300];
	struct author_track t[2];
	struct author_audio *a = NULL;
	struct err e = { "" };
	struct author_audio_spec spec = { .title = "A", .tracks = t, .track_count = 2 };
	struct audio_info info;

	/* The limit is order.h's capacity less track 1's pregap and one sector. */
	assert_int_equal(AUTHOR_CD_MAX_SECTORS, burner_capacity_bytes(MEDIA_AUDIO_CD) / 2352 - 151);
	path_in(f, p, sizeof(p), "long.flac");
	path_in(f, ok, sizeof(ok), "ok.wav");
	write_tone(ok, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 2, 4 * 44100, 440);
	t[0] = (struct author_track){ ok, "One", NULL };
	t[1] = (struct author_track){ p, "Long", NULL };
	write_flac_header(p, 81ULL * 60 * 44100);
	refused(audio_probe(p, &info, &e), &e, "81 min long", "at most 80 min");
	refused(author_audio_open(&a, &spec, &e), &e, "track 2 (\"Long\")", "81 min");
	write_flac_header(p, 359700ULL * 588);
	must(audio_probe(p, &info, &e), &e, "probe 79:56");
	assert_int_equal(info.frames, 359700ULL * 588);
	refused(author_audio_open(&a, &spec, &e), &e, "80-minute", "79:59:74");
	assert_null(a);
	/* Reading it fails instead of padding. */
	{
		struct audio_reader *r;
		uint8_t buf[4096];

		must(audio_open(&r, p, &info, &e), &e, "audio_open");
		refused(audio_read(r, buf, 1000, &e) < 0 ? -1 : 0, &e, "file ends after 0 of",
			NULL);
		audio_close(r);
	}
}

/* ── audio: the session, exported and read by cd-info ───────────────────── */

struct cdinfo {
	int tracks;
	int lsn[100];
	int leadout;
	int langs;
	char lang[2][32];
	char title[2][100][256];     /* [lang][0: disc, n: track n] */
	char performer[2][100][256];
};

static void parse_cdinfo(const char *text, struct cdinfo *ci)
{
	const char *line = text;
	int lang = -1, cur = 0;

	memset(ci, 0, sizeof(*ci));
	ci->leadout = -1;
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		char l[512], msfs[16], kind[16];
		int num, lsn;

		snprintf(l, sizeof(l), "%.*s", (int)(n < sizeof(l) - 1 ? n : sizeof(l) - 1), line);
		if (sscanf(l, " %d: %15s %d %15s", &num, msfs, &lsn, kind) == 4) {
			if (num == 170)
				ci->leadout = lsn;
			else if (num >= 1 && num < 100 && !strcmp(kind, "audio"))
				ci->lsn[ci->tracks = num] = lsn;
		} else if (sscanf(l, "Language %d", &num) == 1 && num >= 0 && num < 2) {
			const char *q = strchr(l, '\'');

			lang = num;
			ci->langs = num + 1;
			snprintf(ci->lang[num], sizeof(ci->lang[num]), "%s", q ? q + 1 : "");
			if (strchr(ci->lang[num], '\''))
				*strchr(ci->lang[num], '\'') = '\0';
		} else if (!strncmp(l, "CD-TEXT for Disc:", 17)) {
			cur = 0;
		} else if (sscanf(l, "CD-TEXT for Track %d:", &num) == 1 && num < 100) {
			cur = num;
		} else if (lang >= 0 && !strncmp(l, "\tTITLE: ", 8)) {
			snprintf(ci->title[lang][cur], 256, "%.255s", l + 8);
		} else if (lang >= 0 && !strncmp(l, "\tPERFORMER: ", 12)) {
			snprintf(ci->performer[lang][cur], 256, "%.255s", l + 12);
		}
		line = nl ? nl + 1 : NULL;
	}
}

static struct cdinfo *cd_info(const char *dir, const char *name)
{
	struct cdinfo *ci = calloc(1, sizeof(*ci));
	char *text;

	assert_non_null(ci);
	text = capture("cd '%s' && LC_ALL=C.UTF-8 cd-info --no-device-info --no-cddb "
		       "--cue-file '%s.cue' 2>&1", dir, name);
	parse_cdinfo(text, ci);
	if (!ci->tracks)
		fail_msg("cd-info:\n%s", text);
	free(text);
	return ci;
}

struct album {
	char path[4][300];
	struct author_track t[4];
	struct author_audio_spec spec;
	long frames[4];
};

static void make_album(const struct fx *f, struct album *al)
{
	static const char *const files[4] = { "a1.wav", "a2.wav", "a3.flac", "a4.wav" };

	for (int i = 0; i < 4; i++)
		path_in(f, al->path[i], sizeof(al->path[i]), files[i]);
	al->frames[0] = 5 * 44100 + 100;
	al->frames[1] = 4 * 44100 + 44100 / 2;
	al->frames[2] = 6 * 44100 + 7;
	al->frames[3] = 4 * 44100; /* exactly 300 sectors */
	write_tone(al->path[0], SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 2, al->frames[0], 440);
	write_tone(al->path[1], SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 1, al->frames[1], 660);
	write_tone(al->path[2], SF_FORMAT_FLAC | SF_FORMAT_PCM_24, 44100, 2, al->frames[2], 550);
	write_tone(al->path[3], SF_FORMAT_WAV | SF_FORMAT_PCM_U8, 44100, 2, al->frames[3], 330);
	al->t[0] = (struct author_track){ al->path[0], "01 夜明け", "テンポ楽団" };
	al->t[1] = (struct author_track){ al->path[1], "Morning", "Tenpo Ensemble" };
	al->t[2] = (struct author_track){ al->path[2], "Café “Live”", "" };
	al->t[3] = (struct author_track){ al->path[3], "Ｆｉｎ", "Tenpo Ensemble" };
	al->spec = (struct author_audio_spec){ .title = "夜明けの歌",
					       .performer = "Tenpo Ensemble", .tracks = al->t,
					       .track_count = 4 };
}

static void audio_export_cdinfo(void **state)
{
	struct fx *f = *state;
	struct album al;
	struct author_audio *a = NULL;
	struct author_estimate est;
	struct err e = { "" };
	struct cdinfo *ci;
	unsigned bad = 99;
	uint32_t lba = 0;
	size_t limit;
	int blocks;
	char *cue, p[400];

	make_album(f, &al);
	must(author_audio_open(&a, &al.spec, &e), &e, "author_audio_open");
	assert_int_equal(author_audio_track_count(a), 4);
	for (int i = 0; i < 4; i++) {
		const struct author_track_layout *t = author_audio_track(a, (size_t)i);

		if (i > 0)
			lba += 150;
		assert_int_equal(t->number, i + 1);
		assert_int_equal(t->pregap, 150);
		assert_int_equal(t->start, lba);
		assert_int_equal(t->sectors, (al.frames[i] + 587) / 588);
		assert_int_equal(t->frames, al.frames[i]);
		assert_int_equal(t->bin_offset, (uint64_t)lba * 2352);
		lba += t->sectors;
	}
	assert_null(author_audio_track(a, 4));
	author_audio_estimate(a, &est);
	assert_int_equal(est.sector_size, 2352);
	assert_int_equal(est.sectors, lba);
	assert_int_equal(est.bytes, (uint64_t)lba * 2352);
	assert_true(est.work_bytes >= est.bytes);
	author_audio_cdtext(a, &blocks, &limit);
	assert_int_equal(blocks, 2);
	assert_int_equal(limit, 0);

	must(author_audio_export(a, f->dir, "order1", &e), &e, "export");
	snprintf(p, sizeof(p), "%s/order1.bin", f->dir);
	{
		struct stat st;

		assert_int_equal(stat(p, &st), 0);
		assert_int_equal((uint64_t)st.st_size, est.bytes);
	}
	must(author_audio_verify_export(a, f->dir, "order1", &bad, &e), &e, "verify");
	assert_int_equal(bad, 0);

	cue = capture("cat '%s/order1.cue'", f->dir);
	if (!strstr(cue, "FILE \"order1.bin\" BINARY\n") ||
	    !strstr(cue, "CDTEXTFILE \"order1.cdt\"\n") || !strstr(cue, "  TRACK 04 AUDIO\n") ||
	    !strstr(cue, "    INDEX 01 00:00:00\n") || strstr(cue, "TRACK 05"))
		fail_msg("cue:\n%s", cue);
	free(cue);

	ci = cd_info(f->dir, "order1");
	assert_int_equal(ci->tracks, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(ci->lsn[i + 1], author_audio_track(a, (size_t)i)->start);
	assert_int_equal(ci->leadout, lba);
	/* Block 0 (ISO-8859-1; the cue's lines, which libcdio lays over the .cdt). */
	assert_int_equal(ci->langs, 2);
	assert_string_equal(ci->lang[0], "English");
	assert_string_equal(ci->title[0][0], "?????");
	assert_string_equal(ci->performer[0][0], "Tenpo Ensemble");
	assert_string_equal(ci->title[0][1], "01 ???");
	assert_string_equal(ci->performer[0][1], "?????");
	assert_string_equal(ci->title[0][2], "Morning");
	assert_string_equal(ci->performer[0][2], "Tenpo Ensemble");
	assert_string_equal(ci->title[0][3], "Café 'Live'");
	assert_string_equal(ci->performer[0][3], "");
	assert_string_equal(ci->title[0][4], "Fin");
	/* Block 1 (MS-JIS, Japanese), from the .cdt alone. */
	assert_string_equal(ci->lang[1], "Japanese");
	assert_string_equal(ci->title[1][0], "夜明けの歌");
	assert_string_equal(ci->performer[1][0], "Ｔｅｎｐｏ　Ｅｎｓｅｍｂｌｅ");
	assert_string_equal(ci->title[1][1], "０１　夜明け");
	assert_string_equal(ci->performer[1][1], "テンポ楽団");
	assert_string_equal(ci->title[1][2], "Ｍｏｒｎｉｎｇ");
	assert_string_equal(ci->title[1][3], "Ｃａｆ？　“Ｌｉｖｅ”");
	assert_string_equal(ci->performer[1][3], "");
	assert_string_equal(ci->title[1][4], "Ｆｉｎ");
	assert_string_equal(ci->performer[1][4], "Ｔｅｎｐｏ　Ｅｎｓｅｍｂｌｅ");
	free(ci);
	author_audio_free(a);
}

/* Nearest 16-bit value of a left-justified 32-bit sample, half up, clamped:
 * audio.h's rule, computed here in floating point. */
static int16_t round16(int32_t x)
{
	double y = floor((double)x / 65536.0 + 0.5);

	return (int16_t)(y > 32767 ? 32767 : y);
}

/* The .bin holds the source's samples, whatever their depth (16-bit WAV,
 * 16-bit mono WAV, 24-bit FLAC, 8-bit WAV): mono doubled, deeper samples
 * rounded; padding and pregaps silent. */
static void audio_samples(void **state)
{
	struct fx *f = *state;
	struct album al;
	struct author_audio *a = NULL;
	struct err e = { "" };
	uint8_t *bin;
	size_t len;
	char p[400];

	make_album(f, &al);
	must(author_audio_open(&a, &al.spec, &e), &e, "open");
	must(author_audio_export(a, f->dir, "s", &e), &e, "export");
	snprintf(p, sizeof(p), "%s/s.bin", f->dir);
	bin = slurp(p, &len);
	for (int k = 0; k < 4; k++) {
		const struct author_track_layout *t = author_audio_track(a, (size_t)k);
		const uint8_t *at = bin + t->bin_offset;
		SF_INFO si = { 0 };
		SNDFILE *sf = sf_open(al.path[k], SFM_READ, &si);
		int ch = si.channels;
		int32_t *src;

		assert_non_null(sf);
		assert_int_equal(ch, k == 1 ? 1 : 2);
		src = malloc(sizeof(*src) * (size_t)al.frames[k] * (size_t)ch);
		assert_non_null(src);
		assert_int_equal(sf_readf_int(sf, src, al.frames[k]), al.frames[k]);
		sf_close(sf);
		for (long i = 0; i < al.frames[k]; i++) {
			int16_t l = (int16_t)(at[i * 4] | at[i * 4 + 1] << 8);
			int16_t r = (int16_t)(at[i * 4 + 2] | at[i * 4 + 3] << 8);
			int16_t wl = round16(src[i * ch]), wr = round16(src[i * ch + ch - 1]);

			if (l != wl || r != wr)
				fail_msg("track %d frame %ld: %d/%d, want %d/%d", k + 1, i, l, r,
					 wl, wr);
		}
		for (size_t i = (size_t)al.frames[k] * 4; i < (size_t)t->sectors * 2352; i++)
			assert_int_equal(at[i], 0);
		if (k > 0)
			for (size_t i = 0; i < 150 * 2352; i++)
				assert_int_equal(at[-(long)(150 * 2352) + (long)i], 0);
		free(src);
	}
	free(bin);
	author_audio_free(a);
}

/* A work disk that fills up: a clear error, nothing left behind. */
static void audio_export_disk_full(void **state)
{
	struct fx *f = *state;
	struct album al;
	struct author_audio *a = NULL;
	struct err e = { "" };
	struct dirent *de;
	DIR *d;
	int left = 0;

	if (geteuid() != 0) {
		print_message("not root: cannot mount a small tmpfs\n");
		skip();
	}
	snprintf(f->mnt, sizeof(f->mnt), "%s/mnt", f->dir);
	assert_int_equal(mkdir(f->mnt, 0700), 0);
	if (mount("tmpfs", f->mnt, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0700")) {
		print_message("mount tmpfs: %s\n", strerror(errno));
		f->mnt[0] = '\0';
		skip();
	}
	make_album(f, &al);
	must(author_audio_open(&a, &al.spec, &e), &e, "open");
	refused(author_audio_export(a, f->mnt, "full", &e), &e, "disk full", NULL);
	d = opendir(f->mnt);
	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			left++;
	closedir(d);
	assert_int_equal(left, 0);
	author_audio_free(a);
	assert_int_equal(umount2(f->mnt, 0), 0);
	f->mnt[0] = '\0';
}

static void audio_verify_detects(void **state)
{
	struct fx *f = *state;
	struct album al;
	struct author_audio *a = NULL;
	struct err e = { "" };
	unsigned bad = 0;
	char p[400];
	uint8_t byte;
	off_t at;
	int fd;

	make_album(f, &al);
	must(author_audio_open(&a, &al.spec, &e), &e, "open");
	must(author_audio_export(a, f->dir, "v", &e), &e, "export");
	snprintf(p, sizeof(p), "%s/v.bin", f->dir);
	at = (off_t)author_audio_track(a, 2)->bin_offset + 1000;
	fd = open(p, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &byte, 1, at), 1);
	byte ^= 1;
	assert_int_equal(pwrite(fd, &byte, 1, at), 1);
	refused(author_audio_verify_export(a, f->dir, "v", &bad, &e), &e, "track 3",
		"differ");
	assert_int_equal(bad, 3);
	byte ^= 1;
	assert_int_equal(pwrite(fd, &byte, 1, at), 1);
	/* A click in track 2's pregap. */
	at = (off_t)author_audio_track(a, 1)->bin_offset - 10;
	assert_int_equal(pwrite(fd, "\x7f", 1, at), 1);
	refused(author_audio_verify_export(a, f->dir, "v", &bad, &e), &e, "track 2", "pregap");
	assert_int_equal(bad, 2);
	assert_int_equal(pwrite(fd, "\0", 1, at), 1);
	must(author_audio_verify_export(a, f->dir, "v", &bad, &e), &e, "verify restored");
	assert_int_equal(ftruncate(fd, 2352), 0);
	close(fd);
	refused(author_audio_verify_export(a, f->dir, "v", &bad, &e), &e, "expected", NULL);
	assert_int_equal(bad, 0);
	refused(author_audio_export(a, f->dir, "../x", &e), &e, "export name", NULL);
	refused(author_audio_export(a, "/nonexistent-dir", "x", &e), &e, "/nonexistent-dir",
		NULL);
	author_audio_free(a);
}

static void audio_gapless(void **state)
{
	struct fx *f = *state;
	struct album al;
	struct author_audio *a = NULL;
	struct err e = { "" };
	struct cdinfo *ci;
	uint32_t lba = 0;
	char *cue;

	make_album(f, &al);
	al.spec.gapless = true;
	must(author_audio_open(&a, &al.spec, &e), &e, "open");
	for (int i = 0; i < 4; i++) {
		const struct author_track_layout *t = author_audio_track(a, (size_t)i);

		assert_int_equal(t->pregap, i == 0 ? 150 : 0);
		assert_int_equal(t->start, lba);
		lba += t->sectors;
	}
	must(author_audio_export(a, f->dir, "g", &e), &e, "export");
	cue = capture("cat '%s/g.cue'", f->dir);
	if (strstr(cue, "INDEX 00"))
		fail_msg("gapless cue has INDEX 00:\n%s", cue);
	free(cue);
	ci = cd_info(f->dir, "g");
	assert_int_equal(ci->tracks, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(ci->lsn[i + 1], author_audio_track(a, (size_t)i)->start);
	assert_int_equal(ci->leadout, lba);
	free(ci);
	author_audio_free(a);
}

/* The session a real CD writer gets. */
static void audio_disc_object(void **state)
{
	struct fx *f = *state;
	struct album al;
	struct author_audio *a = NULL;
	struct burn_disc *disc = NULL;
	struct burn_session **sessions;
	struct burn_track **tracks;
	struct err e = { "" };
	const unsigned char *packs;
	unsigned char *file_packs;
	size_t count;
	int n = 0, ns = 0, fds, nfile = 0;
	char p[400];

	make_album(f, &al);
	must(author_audio_open(&a, &al.spec, &e), &e, "open");
	refused(author_audio_disc(a, f->dir, "d", &disc, &e), &e, "d.bin", NULL);
	must(author_audio_export(a, f->dir, "d", &e), &e, "export");
	fds = count_fds();
	must(author_audio_disc(a, f->dir, "d", &disc, &e), &e, "author_audio_disc");
	assert_int_equal(count_fds(), fds + 4);
	sessions = burn_disc_get_sessions(disc, &ns);
	assert_int_equal(ns, 1);
	tracks = burn_session_get_tracks(sessions[0], &n);
	assert_int_equal(n, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(burn_track_get_sectors(tracks[i]),
				 author_audio_track(a, (size_t)i)->sectors);
	/* the lead-in's packs are the .cdt's; none on the session */
	assert_int_equal(burn_cdtext_from_session(sessions[0], NULL, NULL, 1), 0);
	packs = author_audio_packs(a, &count);
	snprintf(p, sizeof(p), "%s/d.cdt", f->dir);
	assert_int_equal(burn_cdtext_from_packfile(p, &file_packs, &nfile, 0), 1);
	assert_int_equal((size_t)nfile, count);
	assert_memory_equal(packs, file_packs, count * 18);
	free(file_packs);
	burn_disc_free(disc);
	assert_int_equal(count_fds(), fds);
	author_audio_free(a);
}

/* ── CD-TEXT ────────────────────────────────────────────────────────────── */

static void cdtext_conversions(void **state)
{
	char out[CDTEXT_TEXT_MAX];
	struct err e = { "" };
	size_t len;

	(void)state;
	assert_true(cdtext_latin1("Café au lait", out, sizeof(out), 0));
	assert_string_equal(out, "Caf\xe9 au lait");
	assert_false(cdtext_latin1("Ｔｅｎｐｏ\u3000“Live”—夜…", out, sizeof(out), 0));
	assert_string_equal(out, "Tenpo \"Live\"-?...");
	assert_true(cdtext_latin1("a\tb\nc", out, sizeof(out), 0));
	assert_string_equal(out, "a b c");
	cdtext_latin1("abcdef", out, sizeof(out), 4);
	assert_string_equal(out, "abcd");
	/* Double-byte only: "０１　夜明け". */
	must(cdtext_msjis("01 夜明け", out, sizeof(out), 0, &len, &e), &e, "msjis");
	assert_int_equal(len, 12);
	assert_memory_equal(out, "\x82\x4f\x82\x50\x81\x40\x96\xe9\x96\xbe\x82\xaf\0\0", 14);
	must(cdtext_msjis("夜明け", out, sizeof(out), 5, &len, &e), &e, "msjis cut");
	assert_int_equal(len, 4); /* never half a character */
	assert_memory_equal(out, "\x96\xe9\x96\xbe\0\0", 6);
	/* Half-width katakana widened: "テンホ゜". */
	must(cdtext_msjis("ﾃﾝﾎﾟ", out, sizeof(out), 0, &len, &e), &e, "msjis kana");
	assert_memory_equal(out, "\x83\x65\x83\x93\x83\x7a\x81\x4b\0\0", 10);
	/* What CP932 lacks: "？？　？". */
	must(cdtext_msjis("한글 é", out, sizeof(out), 0, &len, &e), &e, "msjis lossy");
	assert_memory_equal(out, "\x81\x48\x81\x48\x81\x40\x81\x48\0\0", 10);
}

/* In a double-byte block, every text pack carries the DBCC flag and "same
 * as the previous track" is the double-byte TAB 09 09 (00 00 after it):
 * MMC-3 Annex J, libburn's doc/cdtext.txt.  libburn 1.5.4 gets both wrong
 * for every pack type but TITLE (burn_cdtext_set() keeps the double-byte
 * bit of pack type 0x80 only), writing a PERFORMER repeat as 09 00. */
static void cdtext_double_byte_tab(void **state)
{
	struct fx *f = *state;
	struct album al;
	struct author_audio *a = NULL;
	struct err e = { "" };
	unsigned char *packs = NULL, text[4096];
	size_t tl = 0;
	int n = 0, seen_title = 0;
	char p[400];

	make_album(f, &al);
	/* tracks 2 and 3 by the same Japanese performer, 3 and 4 the same title */
	al.t[1].performer = "テンポ楽団";
	al.t[2].performer = "テンポ楽団";
	al.t[2].title = "Ｆｉｎ";
	must(author_audio_open(&a, &al.spec, &e), &e, "author_audio_open");
	must(author_audio_export(a, f->dir, "tab", &e), &e, "export");
	snprintf(p, sizeof(p), "%s/tab.cdt", f->dir);
	assert_int_equal(burn_cdtext_from_packfile(p, &packs, &n, 0), 1);
	for (int i = 0; i < n; i++) {
		const unsigned char *k = packs + 18 * i;

		if ((k[3] & 0x70) != 0x10 || k[0] == 0x8f) /* block 1's texts */
			continue;
		if (!(k[3] & 0x80))
			fail_msg("pack %d (type %02x) of the MS-JIS block lacks the DBCC flag", i,
				 k[0]);
		if (k[0] == 0x80)
			seen_title++;
		if (k[0] == 0x81) {
			memcpy(text + tl, k + 4, 12);
			tl += 12;
		}
	}
	assert_true(seen_title > 0);
	/* the PERFORMER texts, two bytes a character: album, 1, 2, then TAB TAB */
	{
		size_t texts = 0, i = 0;
		bool tab = false;

		while (i + 1 < tl && texts < 5) {
			size_t start = i;

			while (i + 1 < tl && (text[i] || text[i + 1]))
				i += 2;
			if (texts == 3) {
				if (i - start != 2 || text[start] != 0x09 || text[start + 1] != 0x09)
					fail_msg("track 3's performer is %zu bytes from %02x %02x, not "
						 "the double-byte TAB 09 09", i - start, text[start],
						 text[start + 1]);
				tab = true;
			}
			i += 2;
			texts++;
		}
		assert_true(tab);
	}
	free(packs);
	author_audio_free(a);
}

/* Without repeated texts, cdtext_make() lays the packs out byte for byte as
 * libburn's burn_cdtext_from_session() does (sequence numbers, character
 * positions, packs shared between texts, size information, CRCs), except
 * on block 1's PERFORMER packs, where libburn loses the DBCC flag (and so
 * counts the character position in bytes). */
static void cdtext_packs_as_libburn(void **state)
{
	static const struct cdtext_track tt[3] = {
		{ "01 夜明け", "テンポ楽団" }, { "Morning", "Tenpo Ensemble" }, { "Café", "" },
	};
	const struct cdtext_spec cs = { "夜明けの歌", "Tenpo Ensemble", tt, 3 };
	int codes[8] = { 0x00, 0x80 }, rights[8] = { 0 }, langs[8] = { 0x09, 0x69 };
	struct burn_session *s = burn_session_create();
	struct burn_track **tracks;
	struct cdtext_result res;
	struct err e = { "" };
	unsigned char *ours, *theirs = NULL;
	size_t n_ours;
	int n = 0, n_theirs = 0;

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct burn_track *t = burn_track_create();

		burn_track_define_data(t, 0, 0, 1, BURN_AUDIO);
		burn_session_add_track(s, t, BURN_POS_END);
		burn_track_free(t);
	}
	tracks = burn_session_get_tracks(s, &n);
	assert_int_equal(burn_session_set_cdtext_par(s, codes, rights, langs, 0), 1);
	for (int block = 0; block < 2; block++)
		for (int type = 0x80; type <= 0x81; type++)
			for (int i = -1; i < 3; i++) {
				const char *u = i < 0 ? (type == 0x80 ? cs.album_title
								     : cs.album_performer)
						      : (type == 0x80 ? tt[i].title : tt[i].performer);
				char buf[CDTEXT_TEXT_MAX];
				size_t len;

				if (block == 0) {
					cdtext_latin1(u, buf, sizeof(buf), 0);
					len = strlen(buf) + 1;
				} else {
					must(cdtext_msjis(u, buf, sizeof(buf), 0, &len, &e), &e, "msjis");
					len += 2;
				}
				assert_int_equal(i < 0 ? burn_session_set_cdtext(s, block, type, NULL,
										 (unsigned char *)buf,
										 (int)len, block)
						       : burn_track_set_cdtext(tracks[i], block, type,
									       NULL,
									       (unsigned char *)buf,
									       (int)len, block),
						 1);
			}
	assert_int_equal(burn_cdtext_from_session(s, &theirs, &n_theirs, 0), 1);
	must(cdtext_make(&cs, &ours, &n_ours, &res, &e), &e, "make");
	assert_int_equal(res.blocks, 2);
	assert_int_equal(n_ours, (size_t)n_theirs);
	for (size_t i = 0; i < n_ours; i++) {
		unsigned char *a = ours + 18 * i, *b = theirs + 18 * i;
		bool perf1 = a[0] == 0x81 && (a[3] & 0x70) == 0x10;

		if (perf1) {
			/* libburn's slip, see above: no DBCC flag, and so the
			 * character position counted in bytes, not characters */
			assert_true(a[3] & 0x80);
			assert_false(b[3] & 0x80);
			assert_int_equal(a[3] & 0x70, b[3] & 0x70);
			if ((b[3] & 0x0f) < 15)
				assert_int_equal(a[3] & 0x0f, (b[3] & 0x0f) / 2);
			assert_memory_equal(a, b, 3);
			assert_memory_equal(a + 4, b + 4, 12);
		} else if (memcmp(a, b, 18)) {
			fail_msg("pack %zu differs from libburn's", i);
		}
	}
	free(ours);
	free(theirs);
	burn_session_free(s);
}

/* 99 tracks of long titles overflow a block: texts are cut until they fit. */
static void cdtext_overflow(void **state)
{
	char titles[99][200];
	struct cdtext_track tt[99];
	struct cdtext_result res;
	struct err e = { "" };
	unsigned char *packs;
	size_t count;

	(void)state;
	for (int i = 0; i < 99; i++) {
		/* distinct texts: a repeated one would be written as a TAB */
		snprintf(titles[i], sizeof(titles[i]), "%02d %0150d", i, 0);
		tt[i] = (struct cdtext_track){ titles[i], "P" };
	}
	struct cdtext_spec cs = { "Album", "Perf", tt, 99 };

	must(cdtext_make(&cs, &packs, &count, &res, &e), &e, "make");
	assert_int_equal(res.blocks, 1);
	assert_true(res.limit > 0 && res.limit <= 20);
	assert_true(count <= 255);
	free(packs);
	cs.track_count = 100;
	refused(cdtext_make(&cs, &packs, &count, &res, &e), &e, "100", NULL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(name_rules),
		T(data_image),
		T(data_deterministic),
		T(data_refusals),
		T(data_file_changed),
		T(data_source_lifetimes),
		T(data_over_4gib),
		T(audio_rounding),
		T(audio_refusals),
		T(audio_too_long),
		T(audio_export_cdinfo),
		T(audio_samples),
		T(audio_export_disk_full),
		T(audio_verify_detects),
		T(audio_gapless),
		T(audio_disc_object),
		cmocka_unit_test(cdtext_conversions),
		T(cdtext_double_byte_tab),
		cmocka_unit_test(cdtext_packs_as_libburn),
		cmocka_unit_test(cdtext_overflow),
	};
	return cmocka_run_group_tests_name("author", tests, group_setup, group_teardown);
}
