// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spool: files are reached through a descriptor of the spool folder
 * (openat() and friends) by names made only of an order id that passed
 * spool_id_ok() and a number, "<id>/<idx>.part" or "<id>/<idx>.data".  The
 * last component is opened O_NOFOLLOW and the order folder O_DIRECTORY |
 * O_NOFOLLOW, so a link planted in the spool is refused, not followed.
 *
 *   spool_writer_open ──▶ <idx>.part ──spool_commit──▶ <idx>.data
 *          (truncated to the resume offset)   fsync(file), rename, fsync(folder)
 *
 * Downloads are written with O_DIRECT while every write is whole, aligned
 * blocks (the sink hands over 1 MiB from an aligned buffer): on this kind
 * of VM the page-cache copy of a buffered write cost 3.3 s of CPU per GB
 * against 0.27 s direct (dd), and the download shares its core with TLS.
 * The first write that is not aligned (a file's tail, an odd resume
 * offset) turns O_DIRECT off for the rest of the file; a file system that
 * refuses O_DIRECT (tmpfs) gets buffered writes from the start.
 *
 * Folders are 0700 and files 0600: the spool holds customers' content.
 * Every descriptor is O_CLOEXEC.  ENOSPC and EDQUOT, wherever they happen
 * (write, fdatasync, close, mkdir), read "spool disk full".
 */
#include "spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "order.h"

#define ERASE_BLOCK (1 << 20)
#define ERASE_PASSES 3 /* readdir may miss entries removed under it */
#define NAME_MAX_LEN 96 /* "<64-char id>/<idx>.part" */

struct spool {
	int dirfd;
	uint64_t quota;
	char dir[PATH_MAX];
};

#define DIRECT_ALIGN 4096

struct spool_writer {
	int fd;
	bool direct;             /* O_DIRECT is on */
	char what[NAME_MAX_LEN]; /* "order X file N", for messages */
};

/* O_DIRECT off for good (see above); false when fcntl refuses. */
static bool direct_off(struct spool_writer *w)
{
	int fl = fcntl(w->fd, F_GETFL);

	w->direct = false;
	return fl >= 0 && fcntl(w->fd, F_SETFL, fl & ~O_DIRECT) == 0;
}

bool spool_id_ok(const char *order_id)
{
	return order_id && order_id_ok(order_id);
}

static int bad_id(struct err *e)
{
	return err_fail(e, "spool: invalid order id (1..64 of A-Z a-z 0-9 _ -)");
}

static int io_fail(struct err *e, int errnum, const char *what, const char *op)
{
	if (errnum == ENOSPC || errnum == EDQUOT)
		return err_fail(e, "spool disk full (%s)", what);
	return err_fail(e, "spool: %s: %s: %s", what, op, strerror(errnum));
}

/* "<id>/<idx>.<ext>", relative to the spool folder. */
static void file_name(char out[NAME_MAX_LEN], const char *id, unsigned idx, const char *ext)
{
	snprintf(out, NAME_MAX_LEN, "%s/%u.%s", id, idx, ext);
}

int spool_open(struct spool **out, const char *dir, uint64_t quota_bytes, struct err *e)
{
	struct spool *sp;
	struct stat st;

	*out = NULL;
	if (quota_bytes == 0)
		return err_fail(e, "spool: the quota is 0 bytes");
	if (strnlen(dir, PATH_MAX) >= PATH_MAX - NAME_MAX_LEN)
		return err_fail(e, "spool: folder path too long");
	if (mkdir(dir, 0700) && errno != EEXIST)
		return io_fail(e, errno, dir, "mkdir");
	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return err_fail(e, "out of memory");
	strcpy(sp->dir, dir);
	sp->quota = quota_bytes;
	sp->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sp->dirfd < 0) {
		io_fail(e, errno, dir, "open");
		goto fail;
	}
	if (fstat(sp->dirfd, &st)) {
		io_fail(e, errno, dir, "stat");
		goto fail;
	}
	if ((st.st_mode & 07777) != 0700 && fchmod(sp->dirfd, 0700)) {
		io_fail(e, errno, dir, "chmod 0700");
		goto fail;
	}
	*out = sp;
	return 0;
fail:
	spool_close(sp);
	return -1;
}

void spool_close(struct spool *sp)
{
	if (!sp)
		return;
	if (sp->dirfd >= 0)
		close(sp->dirfd);
	free(sp);
}

static int full_path(struct spool *sp, const char *order_id, unsigned idx, const char *ext,
		     char *out, size_t cap, struct err *e)
{
	int n;

	if (cap)
		out[0] = '\0';
	if (!spool_id_ok(order_id))
		return bad_id(e);
	n = snprintf(out, cap, "%s/%s/%u.%s", sp->dir, order_id, idx, ext);
	if (n < 0 || (size_t)n >= cap) {
		/* a cut path names another file: leave none */
		if (cap)
			out[0] = '\0';
		return err_fail(e, "spool: path of order %s file %u too long", order_id, idx);
	}
	return 0;
}

int spool_data_path(struct spool *sp, const char *order_id, unsigned idx, char *out,
		    size_t cap, struct err *e)
{
	return full_path(sp, order_id, idx, "data", out, cap, e);
}

int spool_part_path(struct spool *sp, const char *order_id, unsigned idx, char *out,
		    size_t cap, struct err *e)
{
	return full_path(sp, order_id, idx, "part", out, cap, e);
}

int spool_part_size(struct spool *sp, const char *order_id, unsigned idx,
		    uint64_t *size, struct err *e)
{
	char name[NAME_MAX_LEN];
	struct stat st;

	*size = 0;
	if (!spool_id_ok(order_id))
		return bad_id(e);
	file_name(name, order_id, idx, "part");
	if (fstatat(sp->dirfd, name, &st, AT_SYMLINK_NOFOLLOW)) {
		if (errno == ENOENT)
			return 0;
		return io_fail(e, errno, name, "stat");
	}
	if (!S_ISREG(st.st_mode))
		return err_fail(e, "spool: %s is not a regular file", name);
	*size = (uint64_t)st.st_size;
	return 0;
}

/* Opens the order's folder; with `create`, makes it first (and makes the
 * new entry durable).  *fd is -1 when it does not exist and !create. */
static int order_dir(struct spool *sp, const char *id, bool create, int *fd, struct err *e)
{
	*fd = -1;
	if (create) {
		if (!mkdirat(sp->dirfd, id, 0700)) {
			if (fsync(sp->dirfd))
				return io_fail(e, errno, sp->dir, "fsync");
		} else if (errno != EEXIST) {
			return io_fail(e, errno, id, "mkdir");
		}
	}
	*fd = openat(sp->dirfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0) {
		if (errno == ENOENT && !create)
			return 0;
		return io_fail(e, errno, id, "open folder");
	}
	return 0;
}

int spool_writer_open(struct spool *sp, const char *order_id, unsigned idx,
		      uint64_t offset, struct spool_writer **out, struct err *e)
{
	struct spool_writer *w;
	char name[NAME_MAX_LEN];
	struct stat st;
	int dfd, rc = -1;

	*out = NULL;
	if (!spool_id_ok(order_id))
		return bad_id(e);
	if (offset > INT64_MAX)
		return err_fail(e, "spool: order %s file %u: offset out of range", order_id, idx);
	if (order_dir(sp, order_id, true, &dfd, e))
		return -1;
	w = calloc(1, sizeof(*w));
	if (!w) {
		err_fail(e, "out of memory");
		goto out;
	}
	snprintf(w->what, sizeof(w->what), "order %s file %u", order_id, idx);
	snprintf(name, sizeof(name), "%u.part", idx);
	w->fd = openat(dfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (w->fd < 0) {
		io_fail(e, errno, w->what, "open");
		goto out_free;
	}
	if (fstat(w->fd, &st)) {
		io_fail(e, errno, w->what, "stat");
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		err_fail(e, "spool: %s: not a regular file", w->what);
		goto out_close;
	}
	if ((uint64_t)st.st_size < offset) {
		err_fail(e, "spool: %s: .part holds %" PRIu64 " bytes, cannot resume at %" PRIu64,
			 w->what, (uint64_t)st.st_size, offset);
		goto out_close;
	}
	if (ftruncate(w->fd, (off_t)offset) || lseek(w->fd, (off_t)offset, SEEK_SET) < 0) {
		io_fail(e, errno, w->what, "truncate");
		goto out_close;
	}
	if (offset % DIRECT_ALIGN == 0) {
		int fl = fcntl(w->fd, F_GETFL);

		w->direct = fl >= 0 && fcntl(w->fd, F_SETFL, fl | O_DIRECT) == 0;
	}
	*out = w;
	rc = 0;
	goto out;
out_close:
	close(w->fd);
out_free:
	free(w);
out:
	close(dfd);
	return rc;
}

int spool_writer_write(struct spool_writer *w, const void *buf, size_t len, struct err *e)
{
	const char *p = buf;

	if (w->direct && ((uintptr_t)p % DIRECT_ALIGN || len % DIRECT_ALIGN) && !direct_off(w))
		return io_fail(e, errno, w->what, "fcntl");
	while (len) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		/* a file system that takes the flag but not the write */
		if (n < 0 && errno == EINVAL && w->direct) {
			if (!direct_off(w))
				return io_fail(e, errno, w->what, "fcntl");
			continue;
		}
		/* a short direct write leaves the position unaligned */
		if (n > 0 && w->direct && (size_t)n % DIRECT_ALIGN && !direct_off(w))
			return io_fail(e, errno, w->what, "fcntl");
		if (n < 0)
			return io_fail(e, errno, w->what, "write");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int spool_writer_close(struct spool_writer *w, bool sync, struct err *e)
{
	int rc = 0;

	if (!w)
		return 0;
	if (sync && fdatasync(w->fd))
		rc = io_fail(e, errno, w->what, "fdatasync");
	if (close(w->fd) && !rc)
		rc = io_fail(e, errno, w->what, "close");
	free(w);
	return rc;
}

int spool_commit(struct spool *sp, const char *order_id, unsigned idx, struct err *e)
{
	char part[16], data[16], what[NAME_MAX_LEN];
	struct stat st;
	int dfd, fd, rc = -1;

	if (!spool_id_ok(order_id))
		return bad_id(e);
	snprintf(what, sizeof(what), "order %s file %u", order_id, idx);
	snprintf(part, sizeof(part), "%u.part", idx);
	snprintf(data, sizeof(data), "%u.data", idx);
	if (order_dir(sp, order_id, false, &dfd, e))
		return -1;
	if (dfd < 0)
		return err_fail(e, "spool: %s: the order has no folder", what);
	fd = openat(dfd, part, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && !fstatat(dfd, data, &st, AT_SYMLINK_NOFOLLOW) &&
	    S_ISREG(st.st_mode)) {
		/* committed already by a run that stopped before recording it */
		if (fsync(dfd))
			io_fail(e, errno, what, "fsync folder");
		else
			rc = 0;
		goto out;
	}
	if (fd < 0) {
		io_fail(e, errno, what, "open .part");
		goto out;
	}
	if (fsync(fd)) {
		io_fail(e, errno, what, "fsync");
		close(fd);
		goto out;
	}
	close(fd);
	if (renameat(dfd, part, dfd, data)) {
		io_fail(e, errno, what, "rename");
		goto out;
	}
	if (fsync(dfd)) {
		io_fail(e, errno, what, "fsync folder");
		goto out;
	}
	rc = 0;
out:
	close(dfd);
	return rc;
}

int spool_discard_part(struct spool *sp, const char *order_id, unsigned idx,
		       struct err *e)
{
	char name[NAME_MAX_LEN];

	if (!spool_id_ok(order_id))
		return bad_id(e);
	file_name(name, order_id, idx, "part");
	if (unlinkat(sp->dirfd, name, 0) && errno != ENOENT)
		return io_fail(e, errno, name, "unlink");
	return 0;
}

/* Zeros over every byte of one file, then fdatasync. */
static int overwrite(int dfd, const char *name, const void *zeros, const char *what,
		     struct err *e)
{
	struct stat st;
	uint64_t off = 0;
	int fd, rc = -1;

	fd = openat(dfd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return io_fail(e, errno, what, "open for erasing");
	if (fstat(fd, &st)) {
		io_fail(e, errno, what, "stat");
		goto out;
	}
	while (off < (uint64_t)st.st_size) {
		size_t want = ERASE_BLOCK;
		ssize_t n;

		if ((uint64_t)st.st_size - off < want)
			want = (size_t)((uint64_t)st.st_size - off);
		n = pwrite(fd, zeros, want, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			io_fail(e, errno, what, "overwrite");
			goto out;
		}
		off += (uint64_t)n;
	}
	if (fdatasync(fd)) {
		io_fail(e, errno, what, "fdatasync");
		goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

/* One pass over the order's folder: overwrite and unlink each file. */
static int erase_entries(int dfd, const char *id, const void *zeros, struct err *e)
{
	char what[NAME_MAX_LEN + NAME_MAX];
	struct dirent *d;
	DIR *dir;
	int fd, rc = -1;

	/* a fresh descriptor: a dup would share (and move) dfd's position */
	fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return io_fail(e, errno, id, "open folder");
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return io_fail(e, errno, id, "read folder");
	}
	while ((errno = 0, d = readdir(dir))) {
		struct stat st;

		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		snprintf(what, sizeof(what), "order %s: %s", id, d->d_name);
		if (fstatat(dfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
			if (errno == ENOENT)
				continue;
			io_fail(e, errno, what, "stat");
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			err_fail(e, "spool: %s: unexpected folder", what);
			goto out;
		}
		/* links and the like hold no content: only unlink them */
		if (S_ISREG(st.st_mode) && overwrite(dfd, d->d_name, zeros, what, e))
			goto out;
		if (unlinkat(dfd, d->d_name, 0) && errno != ENOENT) {
			io_fail(e, errno, what, "unlink");
			goto out;
		}
	}
	if (errno) {
		io_fail(e, errno, id, "read folder");
		goto out;
	}
	rc = 0;
out:
	closedir(dir);
	return rc;
}

int spool_erase_order(struct spool *sp, const char *order_id, struct err *e)
{
	void *zeros = NULL;
	int dfd, rc = -1;

	if (!spool_id_ok(order_id))
		return bad_id(e);
	if (order_dir(sp, order_id, false, &dfd, e))
		return -1;
	if (dfd < 0)
		return 0; /* erased already */
	zeros = calloc(1, ERASE_BLOCK);
	if (!zeros) {
		err_fail(e, "out of memory");
		goto out;
	}
	for (int pass = 0;; pass++) {
		if (erase_entries(dfd, order_id, zeros, e))
			goto out;
		if (!unlinkat(sp->dirfd, order_id, AT_REMOVEDIR) || errno == ENOENT)
			break;
		if (errno != ENOTEMPTY || pass + 1 == ERASE_PASSES) {
			io_fail(e, errno, order_id, "remove folder");
			goto out;
		}
	}
	if (fsync(sp->dirfd)) {
		io_fail(e, errno, sp->dir, "fsync");
		goto out;
	}
	rc = 0;
out:
	free(zeros);
	close(dfd);
	return rc;
}

bool spool_has_order(struct spool *sp, const char *order_id)
{
	struct stat st;

	return spool_id_ok(order_id) &&
	       !fstatat(sp->dirfd, order_id, &st, AT_SYMLINK_NOFOLLOW) && S_ISDIR(st.st_mode);
}

/* "812 MB", "96 kB", "512 bytes"; a need rounds up, room rounds down, so a
 * refusal never reads "needs 300 MB; leaves 300 MB". */
static const char *human(uint64_t bytes, bool round_up, char out[32])
{
	static const struct {
		uint64_t unit;
		const char *name;
	} units[] = { { 1 << 20, "MB" }, { 1 << 10, "kB" } };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (bytes >= units[i].unit) {
			uint64_t n = bytes / units[i].unit;

			if (round_up && bytes % units[i].unit)
				n++;
			snprintf(out, 32, "%" PRIu64 " %s", n, units[i].name);
			return out;
		}
	snprintf(out, 32, "%" PRIu64 " bytes", bytes);
	return out;
}

static int fs_free(struct spool *sp, uint64_t *out, struct err *e)
{
	struct statvfs vfs;

	if (fstatvfs(sp->dirfd, &vfs))
		return io_fail(e, errno, sp->dir, "statvfs");
	if (vfs.f_frsize && vfs.f_bavail > UINT64_MAX / vfs.f_frsize)
		*out = UINT64_MAX;
	else
		*out = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	return 0;
}

int spool_check_room(struct spool *sp, uint64_t reserved_by_others, uint64_t need,
		     struct err *e)
{
	uint64_t left = reserved_by_others >= sp->quota ? 0 : sp->quota - reserved_by_others;
	uint64_t free_bytes = 0;
	char a[32], b[32];

	if (need > left)
		return err_fail(e, "order needs %s; the spool quota leaves %s",
				human(need, true, a), human(left, false, b));
	/* `need` is the whole order: on a resumed download this is stricter
	 * than it must be, never looser */
	if (fs_free(sp, &free_bytes, e))
		return -1;
	if (need > free_bytes)
		return err_fail(e, "order needs %s; the spool disk has %s free",
				human(need, true, a), human(free_bytes, false, b));
	return 0;
}

bool spool_could_fit(const struct spool *sp, uint64_t need)
{
	return need <= sp->quota;
}

/* Adds the sizes of the regular files in the folder at dfd/name; with
 * `descend`, also of those one folder down. */
static int add_usage(int dfd, const char *name, bool descend, uint64_t *used, struct err *e)
{
	struct dirent *d;
	DIR *dir;
	int fd, rc = -1;

	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : io_fail(e, errno, name, "open folder");
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return io_fail(e, errno, name, "read folder");
	}
	while ((errno = 0, d = readdir(dir))) {
		struct stat st;

		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (fstatat(dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
			if (errno == ENOENT) /* erased meanwhile */
				continue;
			io_fail(e, errno, d->d_name, "stat");
			goto out;
		}
		if (S_ISREG(st.st_mode))
			*used += (uint64_t)st.st_size;
		else if (S_ISDIR(st.st_mode) && descend &&
			 add_usage(dirfd(dir), d->d_name, false, used, e))
			goto out;
	}
	if (errno) {
		io_fail(e, errno, name, "read folder");
		goto out;
	}
	rc = 0;
out:
	closedir(dir);
	return rc;
}

int spool_usage(struct spool *sp, uint64_t *used, uint64_t *fs_free_bytes, struct err *e)
{
	*used = 0;
	if (add_usage(sp->dirfd, ".", true, used, e))
		return -1;
	return fs_free(sp, fs_free_bytes, e);
}
