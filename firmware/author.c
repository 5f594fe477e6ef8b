// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * author: setup, the name rule, and data images through libisofs (audio CDs
 * are in author_audio.c, CD-TEXT in cdtext.c; author.h is the contract for all).
 *
 * Data.  author_data_open() checks names and files itself first, so that a
 * refusal names the file and says why in words, records each file (path,
 * device, inode, size, mtime), then builds an IsoImage and asks libisofs for
 * the size with a will_cancel burn_source (no writer thread is started, so
 * nothing is read).  Each author_data_source() builds a fresh IsoImage from
 * the record (libisofs numbers inodes from a counter kept in the image, so
 * writing one IsoImage twice gives different bytes) and wraps libisofs's
 * burn_source in ours:
 *
 *   libisofs writer thread ──ring buffer──▶ iso burn_source
 *        ──▶ md5_source.read_xt (consumer's thread: MD5, byte count)
 *        ──▶ libburn FIFO / drive, or a test's read() loop
 *
 * At EOF md5_source checks that the image is complete: every source file
 * still has the device, inode, size and mtime it had at open, libisofs
 * queued no error for this image (a file that shrank is padded with zeros
 * and reported only as a MISHAP message), and the byte count is the size
 * announced.  The outcome lives in `struct shared`, reference-counted
 * between the author_data and the live source, so either may go first; its
 * mutex guards the only state two threads touch.
 *
 * Cost, measured here (700 MB of files in page cache, read() loop, CPU
 * seconds per 700 MB, medians of 3): libisofs alone 0.95; + session MD5 tag
 * 3.3; + per-file MD5 tags 5.1 (libisofs's MD5 runs at about 300 MB/s).  Our
 * MD5 (Nettle) adds 0.9, on the consumer's thread, in parallel with the
 * writer's.  author end to end: 3.4 s CPU (session tag only) and 5.3 s (with
 * per-file tags) per 700 MB.  libisofs's ring buffer size (2 to 128 MB) made
 * no difference to a pull loop; 8 MB is kept to ride out slow spool reads.
 */
#include "author.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libburn/libburn.h>
#include <libisofs/libisofs.h>
#include <nettle/md5.h>

#include "log.h"

#define MOD "author"
#define FILE_MAX 4096
#define VOLID_MAX 128

/* ── shared helpers ─────────────────────────────────────────────────────── */

/* Strict UTF-8: -1 on an invalid, overlong or surrogate sequence. */
static long utf8_decode(const unsigned char *s, size_t *len)
{
	uint32_t cp;
	size_t n;

	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07;
	else
		return -1;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*len = n;
	return (long)cp;
}

static bool name_refused(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static bool name_refused(struct err *e, const char *fmt, ...)
{
	char why[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	err_fail(e, "%s", why);
	return false;
}

bool author_name_ok(const char *name, struct err *e)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t units = 0, n;

	if (!name || !*name)
		return name_refused(e, "empty name");
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return name_refused(e, "\"%s\" is not a file name", name);
	for (; *s; s += n) {
		long cp = utf8_decode(s, &n);

		if (cp < 0)
			return name_refused(e, "not valid UTF-8");
		if (cp == '/')
			return name_refused(e, "contains '/'");
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return name_refused(e, "contains control character 0x%02lx", cp);
		if (cp > 0xffff)
			return name_refused(e, "character U+%04lX cannot be written in Joliet "
					    "(UCS-2)", cp);
		units++;
	}
	if (strlen(name) > AUTHOR_RR_NAME_MAX)
		return name_refused(e, "%zu bytes long; Rock Ridge holds %d", strlen(name),
				    AUTHOR_RR_NAME_MAX);
	if (units > AUTHOR_JOLIET_NAME_MAX)
		return name_refused(e, "%zu characters long; Joliet holds %d", units,
				    AUTHOR_JOLIET_NAME_MAX);
	return true;
}

/* Logs what libisofs queued.  Returns true when one of those messages, of
 * image imgid (or of any image when imgid < 0), means a damaged image;
 * its text goes to why. */
static bool iso_msgs_drain(int imgid, char *why, size_t cap)
{
	static const char *const severe[] = { "SORRY", "MISHAP", "FAILURE", "FATAL",
					      "ABORT" };
	char msg[ISO_MSGS_MESSAGE_LEN], sev[80];
	int code, id;
	bool bad = false;

	while (iso_obtain_msgs("ALL", &code, &id, msg, sev) > 0) {
		bool is_severe = false;

		for (size_t i = 0; i < sizeof(severe) / sizeof(severe[0]); i++)
			is_severe |= !strcmp(sev, severe[i]);
		log_msg(is_severe ? LOG_ERROR : LOG_WARN, MOD, "libisofs %s: %s", sev, msg);
		if (is_severe && (imgid < 0 || id == imgid) && !bad) {
			snprintf(why, cap, "libisofs: %.400s", msg);
			bad = true;
		}
	}
	return bad;
}

int author_init(struct err *e)
{
	int rc = iso_init_with_flag(1); /* bit0: leave the process locale alone */

	if (rc < 0)
		return err_fail(e, "libisofs init failed: %s", iso_error_to_msg(rc));
	if (iso_set_local_charset("UTF-8", 0) <= 0) {
		iso_finish();
		return err_fail(e, "libisofs: cannot use UTF-8 names");
	}
	iso_set_msgs_severities("WARNING", "NEVER", "libisofs");
	if (!burn_initialize()) {
		iso_finish();
		return err_fail(e, "libburn init failed");
	}
	return 0;
}

void author_finish(void)
{
	char why[8];

	iso_msgs_drain(-1, why, sizeof(why));
	iso_finish();
}

/* ── data: the shared outcome of a source ───────────────────────────────── */

enum tap_state { TAP_NONE, TAP_RUNNING, TAP_DONE, TAP_FAILED };

struct src_file {
	char *path;
	char *name;
	struct stat st; /* at open */
};

struct shared {
	pthread_mutex_t lock;
	int refs;
	/* immutable after open */
	struct src_file *files;
	size_t count;
	uint64_t size;
	/* the last source's outcome, under lock */
	enum tap_state state;
	uint64_t bytes;
	uint8_t md5[16];
	char why[ERR_MSG_MAX];
};

static void shared_unref(struct shared *sh)
{
	int left;

	if (!sh)
		return;
	pthread_mutex_lock(&sh->lock);
	left = --sh->refs;
	pthread_mutex_unlock(&sh->lock);
	if (left)
		return;
	for (size_t i = 0; i < sh->count; i++) {
		free(sh->files[i].path);
		free(sh->files[i].name);
	}
	free(sh->files);
	pthread_mutex_destroy(&sh->lock);
	free(sh);
}

static void shared_end(struct shared *sh, enum tap_state state, const uint8_t md5[16],
		       uint64_t bytes, const char *why)
{
	pthread_mutex_lock(&sh->lock);
	if (sh->state == TAP_RUNNING) {
		sh->state = state;
		sh->bytes = bytes;
		if (md5)
			memcpy(sh->md5, md5, 16);
		snprintf(sh->why, sizeof(sh->why), "%s", why ? why : "");
	}
	pthread_mutex_unlock(&sh->lock);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* ── data: the hashing burn_source ──────────────────────────────────────── */

struct md5_source {
	struct burn_source *inner;
	struct shared *sh;
	int imgid; /* libisofs's id of the image, in its messages */
	struct md5_ctx md5;
	uint64_t bytes;
	bool ended;
};

/* At EOF: is the image whole?  The most useful reason wins: a file that
 * changed (named as on the disc), then libisofs's own words, then the count. */
static void md5_source_end(struct md5_source *ms)
{
	char why[ERR_MSG_MAX] = "", iso[ERR_MSG_MAX] = "";
	uint8_t digest[16];
	struct stat st;

	ms->ended = true;
	md5_digest(&ms->md5, sizeof(digest), digest);
	for (size_t i = 0; !why[0] && i < ms->sh->count; i++) {
		const struct src_file *f = &ms->sh->files[i];

		if (lstat(f->path, &st) || !same_file(&st, &f->st))
			snprintf(why, sizeof(why), "file %zu (%s) changed while the image was made",
				 i + 1, f->name);
	}
	if (iso_msgs_drain(ms->imgid, iso, sizeof(iso)) && !why[0])
		snprintf(why, sizeof(why), "%s", iso);
	if (!why[0] && ms->bytes != ms->sh->size)
		snprintf(why, sizeof(why), "image ended after %" PRIu64 " of %" PRIu64 " bytes",
			 ms->bytes, ms->sh->size);
	if (why[0])
		log_error(MOD, "image incomplete: %s", why);
	shared_end(ms->sh, why[0] ? TAP_FAILED : TAP_DONE, digest, ms->bytes, why);
}

/* libisofs's read() delivers a full buffer or nothing, so a request larger
 * than what is left would lose the image's tail: ask for exactly the rest
 * (or one block past the announced size, to see EOF). */
static int md5_source_read(struct burn_source *bs, unsigned char *buf, int size)
{
	struct md5_source *ms = bs->data;
	uint64_t left = ms->bytes < ms->sh->size ? ms->sh->size - ms->bytes : 0;
	int want = size, n;

	if (ms->ended)
		return 0;
	if (left < (uint64_t)want)
		want = left ? (int)left : (size < 2048 ? size : 2048);
	n = ms->inner->read ? ms->inner->read(ms->inner, buf, want)
			    : ms->inner->read_xt(ms->inner, buf, want);
	if (n > 0) {
		md5_update(&ms->md5, (size_t)n, buf);
		ms->bytes += (uint64_t)n;
		/* libburn reads exactly the announced size and never asks for
		 * EOF: the image is whole when its last byte is delivered */
		if (ms->bytes == ms->sh->size)
			md5_source_end(ms);
	} else if (n == 0) {
		md5_source_end(ms);
	} else {
		char why[ERR_MSG_MAX] = "libisofs could not produce the image";

		ms->ended = true;
		iso_msgs_drain(ms->imgid, why, sizeof(why));
		shared_end(ms->sh, TAP_FAILED, NULL, ms->bytes, why);
	}
	return n;
}

static off_t md5_source_get_size(struct burn_source *bs)
{
	struct md5_source *ms = bs->data;

	return ms->inner->get_size(ms->inner);
}

static int md5_source_set_size(struct burn_source *bs, off_t size)
{
	struct md5_source *ms = bs->data;

	return ms->inner->set_size ? ms->inner->set_size(ms->inner, size) : 0;
}

static int md5_source_cancel(struct burn_source *bs)
{
	struct md5_source *ms = bs->data;

	if (!ms->ended) {
		ms->ended = true;
		shared_end(ms->sh, TAP_FAILED, NULL, ms->bytes, "the image was cancelled");
	}
	if (ms->inner->version > 0 && ms->inner->cancel)
		return ms->inner->cancel(ms->inner);
	return 1;
}

static void md5_source_free(struct burn_source *bs)
{
	struct md5_source *ms = bs->data;

	if (!ms->ended)
		md5_source_cancel(bs);
	burn_source_free(ms->inner);
	shared_unref(ms->sh);
	free(ms);
}

/* ── data: the image ────────────────────────────────────────────────────── */

struct author_data {
	struct shared *sh;
	char volid[VOLID_MAX];
	int64_t mtime;
	bool file_md5;
	unsigned char *stamp; /* NULL: no stamp file */
	size_t stamp_len;
	char *stamp_name;
};

static void make_volume_id(const char *title, char *out, size_t cap)
{
	const unsigned char *s = (const unsigned char *)(title ? title : "");
	size_t o = 0, n;

	while (*s == ' ')
		s++;
	for (; *s && o + 4 < cap; s += n) {
		long cp = utf8_decode(s, &n);

		if (cp < 0) {
			n = 1;
			continue;
		}
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			continue;
		memcpy(out + o, s, n);
		o += n;
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	if (!o)
		snprintf(out, cap, "TENPO");
}

static int cmp_names(const void *a, const void *b)
{
	return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

/* Names valid and unique ignoring ASCII case, the stamp's included. */
static int check_names(const struct author_data_spec *spec, const char *stamp_name,
		       struct err *e)
{
	size_t n = spec->file_count + (spec->stamp ? 1 : 0);
	const char **names;
	int rc = -1;

	for (size_t i = 0; i < spec->file_count; i++)
		if (!author_name_ok(spec->files[i].name, e))
			return err_wrap(e, "file %zu (%s)", i + 1,
					spec->files[i].name ? spec->files[i].name : "");
	if (spec->stamp && !author_name_ok(stamp_name, e))
		return err_wrap(e, "stamp file (%s)", stamp_name);
	names = malloc(sizeof(*names) * (n ? n : 1));
	if (!names)
		return err_fail(e, "out of memory");
	for (size_t i = 0; i < spec->file_count; i++)
		names[i] = spec->files[i].name;
	if (spec->stamp)
		names[n - 1] = stamp_name;
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 1; i < n; i++)
		if (!strcasecmp(names[i - 1], names[i])) {
			err_fail(e, "two files named \"%s\" and \"%s\" (disc readers ignore case)",
				 names[i - 1], names[i]);
			goto out;
		}
	rc = 0;
out:
	free(names);
	return rc;
}

static void set_times(IsoNode *node, time_t t)
{
	iso_node_set_mtime(node, t);
	iso_node_set_atime(node, t);
	iso_node_set_ctime(node, t);
}

static int make_opts(const struct author_data *d, bool will_cancel, IsoWriteOpts **out,
		     struct err *e)
{
	char uuid[80] = "";
	IsoWriteOpts *o;
	time_t t = (time_t)d->mtime;
	struct tm tm;
	int rc;

	rc = iso_write_opts_new(&o, 0);
	if (rc < 0)
		return err_fail(e, "libisofs: %s", iso_error_to_msg(rc));
	if (gmtime_r(&t, &tm))
		snprintf(uuid, sizeof(uuid), "%04d%02d%02d%02d%02d%02d00", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	iso_write_opts_set_iso_level(o, 3);
	iso_write_opts_set_rockridge(o, 1);
	iso_write_opts_set_joliet(o, 1);
	iso_write_opts_set_aaip(o, 1);
	iso_write_opts_set_hardlinks(o, 0);
	iso_write_opts_set_record_md5(o, 1, d->file_md5 ? 1 : 0);
	iso_write_opts_set_output_charset(o, "UTF-8");
	iso_write_opts_set_replace_mode(o, 2, 2, 2, 2);
	iso_write_opts_set_default_dir_mode(o, S_IFDIR | 0555);
	iso_write_opts_set_default_file_mode(o, S_IFREG | 0444);
	iso_write_opts_set_default_uid(o, 0);
	iso_write_opts_set_default_gid(o, 0);
	iso_write_opts_set_replace_timestamps(o, 2);
	iso_write_opts_set_default_timestamp(o, t);
	iso_write_opts_set_dir_rec_mtime(o, 1);
	iso_write_opts_set_always_gmt(o, 1);
	iso_write_opts_set_pvd_times(o, t, t, 0, 0, uuid);
	iso_write_opts_set_fifo_size(o, AUTHOR_ISO_FIFO_BYTES / 2048);
	iso_write_opts_set_will_cancel(o, will_cancel ? 1 : 0);
	*out = o;
	return 0;
}

/* A fresh IsoImage from what open recorded.  Every source gets its own:
 * libisofs numbers inodes from a counter kept in the image, so writing the
 * same IsoImage twice gives different (valid) bytes; a fresh one each time
 * makes every attempt byte-identical.  A file that changed since open is
 * refused here, before anything is produced. */
static int build_image(const struct author_data *d, IsoImage **out, struct err *e)
{
	IsoImage *img = NULL;
	IsoStream *stream;
	unsigned char *copy;
	IsoFile *file;
	IsoNode *node;
	struct stat st;
	int rc;

	*out = NULL;
	rc = iso_image_new(d->volid, &img);
	if (rc < 0)
		return err_fail(e, "libisofs: %s", iso_error_to_msg(rc));
	iso_image_set_truncate_mode(img, 0, AUTHOR_RR_NAME_MAX);
	iso_image_set_application_id(img, "TENPO");
	iso_image_set_data_preparer_id(img, "TENPO");
	set_times((IsoNode *)iso_image_get_root(img), (time_t)d->mtime);
	for (size_t i = 0; i < d->sh->count; i++) {
		const struct src_file *f = &d->sh->files[i];

		if (lstat(f->path, &st) || !same_file(&st, &f->st)) {
			err_fail(e, "file %zu (%s) changed since the image was laid out", i + 1,
				 f->name);
			goto out_unref;
		}
		rc = iso_tree_add_new_node(img, iso_image_get_root(img), f->name, f->path, &node);
		if (rc < 0) {
			err_fail(e, "file %zu (%s): libisofs: %s", i + 1, f->name,
				 iso_error_to_msg(rc));
			goto out_unref;
		}
		set_times(node, (time_t)d->mtime);
	}
	if (d->stamp) {
		copy = malloc(d->stamp_len ? d->stamp_len : 1);
		if (!copy) {
			err_fail(e, "out of memory");
			goto out_unref;
		}
		memcpy(copy, d->stamp, d->stamp_len);
		rc = iso_memory_stream_new(copy, d->stamp_len, &stream);
		if (rc < 0) {
			free(copy);
			err_fail(e, "stamp: libisofs: %s", iso_error_to_msg(rc));
			goto out_unref;
		}
		rc = iso_image_add_new_file(img, iso_image_get_root(img), d->stamp_name, stream,
					    &file);
		if (rc < 0) {
			iso_stream_unref(stream);
			err_fail(e, "stamp (%s): libisofs: %s", d->stamp_name, iso_error_to_msg(rc));
			goto out_unref;
		}
		set_times((IsoNode *)file, (time_t)d->mtime);
	}
	*out = img;
	return 0;

out_unref:
	iso_image_unref(img);
	return -1;
}

/* A burn_source over a fresh image; will_cancel: for its size only (no
 * writer thread, nothing read). */
static int start_image(const struct author_data *d, bool will_cancel, struct burn_source **src,
		       int *imgid, struct err *e)
{
	char why[ERR_MSG_MAX] = "";
	IsoWriteOpts *o = NULL;
	IsoImage *img;
	int rc;

	*src = NULL;
	if (build_image(d, &img, e))
		return -1;
	*imgid = iso_image_get_msg_id(img);
	if (make_opts(d, will_cancel, &o, e)) {
		iso_image_unref(img);
		return -1;
	}
	rc = iso_image_create_burn_source(img, o, src);
	iso_write_opts_free(o);
	iso_image_unref(img); /* the burn_source holds its own reference */
	if (rc < 0) {
		*src = NULL;
		iso_msgs_drain(-1, why, sizeof(why));
		return err_fail(e, "libisofs cannot lay out the image: %s",
				why[0] ? why : iso_error_to_msg(rc));
	}
	return 0;
}

static int measure(struct author_data *d, struct err *e)
{
	struct burn_source *src;
	char why[ERR_MSG_MAX];
	off_t size;
	int imgid;

	if (start_image(d, true, &src, &imgid, e))
		return -1;
	size = src->get_size(src);
	src->cancel(src);
	burn_source_free(src);
	iso_msgs_drain(-1, why, sizeof(why));
	if (size <= 0 || size % 2048)
		return err_fail(e, "libisofs gave an image size of %lld bytes", (long long)size);
	d->sh->size = (uint64_t)size;
	return 0;
}

/* Checks and records each file (the image is built from this record). */
static int record_files(struct author_data *d, const struct author_data_spec *spec,
			struct err *e)
{
	for (size_t i = 0; i < spec->file_count; i++) {
		const struct author_file *f = &spec->files[i];
		struct src_file *sf = &d->sh->files[i];

		if (!f->path || f->path[0] != '/')
			return err_fail(e, "file %zu (%s): source path is not absolute", i + 1,
					f->name);
		if (lstat(f->path, &sf->st))
			return err_fail(e, "file %zu (%s): %s: %s", i + 1, f->name, f->path,
					strerror(errno));
		if (!S_ISREG(sf->st.st_mode))
			return err_fail(e, "file %zu (%s): %s is not a regular file", i + 1,
					f->name, f->path);
		sf->path = strdup(f->path);
		sf->name = strdup(f->name);
		d->sh->count = i + 1;
		if (!sf->path || !sf->name)
			return err_fail(e, "out of memory");
	}
	return 0;
}

int author_data_open(struct author_data **out, const struct author_data_spec *spec,
		     struct err *e)
{
	const char *stamp_name = spec->stamp_name ? spec->stamp_name : AUTHOR_STAMP_NAME;
	struct author_data *d;

	*out = NULL;
	if (spec->file_count > FILE_MAX || (!spec->files && spec->file_count))
		return err_fail(e, "%zu files; a disc takes at most %d", spec->file_count,
				FILE_MAX);
	if (!spec->file_count && !spec->stamp)
		return err_fail(e, "nothing to put on the disc");
	if (check_names(spec, stamp_name, e))
		return -1;
	d = calloc(1, sizeof(*d));
	if (!d)
		return err_fail(e, "out of memory");
	d->sh = calloc(1, sizeof(*d->sh));
	if (!d->sh) {
		free(d);
		return err_fail(e, "out of memory");
	}
	pthread_mutex_init(&d->sh->lock, NULL);
	d->sh->refs = 1;
	d->mtime = spec->mtime;
	d->file_md5 = !spec->no_file_md5;
	make_volume_id(spec->title, d->volid, sizeof(d->volid));
	d->sh->files = calloc(spec->file_count ? spec->file_count : 1, sizeof(*d->sh->files));
	if (spec->stamp) {
		d->stamp = malloc(spec->stamp_len ? spec->stamp_len : 1);
		d->stamp_name = strdup(stamp_name);
		if (d->stamp)
			memcpy(d->stamp, spec->stamp, spec->stamp_len);
		d->stamp_len = spec->stamp_len;
	}
	if (!d->sh->files || (spec->stamp && (!d->stamp || !d->stamp_name))) {
		err_fail(e, "out of memory");
		goto out_free;
	}
	if (record_files(d, spec, e) || measure(d, e))
		goto out_free;
	log_info(MOD, "data image \"%s\": %zu files%s, %" PRIu64 " bytes", d->volid,
		 spec->file_count, spec->stamp ? " and the stamp" : "", d->sh->size);
	*out = d;
	return 0;

out_free:
	author_data_free(d);
	return -1;
}

void author_data_estimate(const struct author_data *d, struct author_estimate *est)
{
	est->sector_size = 2048;
	est->sectors = d->sh->size / 2048;
	est->bytes = d->sh->size;
	est->work_bytes = 0;
}

uint64_t author_data_size(const struct author_data *d)
{
	return d->sh->size;
}

const char *author_data_volume_id(const struct author_data *d)
{
	return d->volid;
}

int author_data_source(struct author_data *d, struct burn_source **src, struct err *e)
{
	struct burn_source *bs;
	struct md5_source *ms;
	char why[ERR_MSG_MAX];
	int busy;

	*src = NULL;
	pthread_mutex_lock(&d->sh->lock);
	busy = d->sh->refs > 1;
	pthread_mutex_unlock(&d->sh->lock);
	if (busy)
		return err_fail(e, "the previous image source is still in use");
	ms = calloc(1, sizeof(*ms));
	bs = calloc(1, sizeof(*bs));
	if (!ms || !bs) {
		err_fail(e, "out of memory");
		goto out_free;
	}
	iso_msgs_drain(-1, why, sizeof(why)); /* start from an empty queue */
	if (start_image(d, false, &ms->inner, &ms->imgid, e))
		goto out_free;
	md5_init(&ms->md5);
	ms->sh = d->sh;
	pthread_mutex_lock(&d->sh->lock);
	d->sh->refs++;
	d->sh->state = TAP_RUNNING;
	d->sh->why[0] = '\0';
	pthread_mutex_unlock(&d->sh->lock);
	bs->refcount = 1;
	bs->get_size = md5_source_get_size;
	bs->set_size = md5_source_set_size;
	bs->free_data = md5_source_free;
	bs->data = ms;
	bs->version = 1; /* read == NULL: read_xt and cancel are there */
	bs->read_xt = md5_source_read;
	bs->cancel = md5_source_cancel;
	*src = bs;
	return 0;

out_free:
	free(ms);
	free(bs);
	return -1;
}

int author_data_md5(struct author_data *d, uint8_t md5[16], uint64_t *bytes)
{
	int rc = -1;

	pthread_mutex_lock(&d->sh->lock);
	if (d->sh->state == TAP_DONE) {
		memcpy(md5, d->sh->md5, 16);
		*bytes = d->sh->bytes;
		rc = 0;
	}
	pthread_mutex_unlock(&d->sh->lock);
	return rc;
}

int author_data_status(struct author_data *d, struct err *e)
{
	int rc;

	pthread_mutex_lock(&d->sh->lock);
	switch (d->sh->state) {
	case TAP_DONE:
		rc = 0;
		break;
	case TAP_NONE:
		rc = err_fail(e, "the image was not produced yet");
		break;
	case TAP_RUNNING:
		rc = err_fail(e, "the image was not read to the end yet");
		break;
	default:
		rc = err_fail(e, "%s", d->sh->why);
		break;
	}
	pthread_mutex_unlock(&d->sh->lock);
	return rc;
}

void author_data_free(struct author_data *d)
{
	if (!d)
		return;
	shared_unref(d->sh);
	free(d->stamp);
	free(d->stamp_name);
	free(d);
}
