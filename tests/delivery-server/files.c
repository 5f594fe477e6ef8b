// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * files: whole-file helpers (see files.h).  Copies go through one 1 MiB
 * buffer; link-or-copy exists because the prepared copy of a video or data
 * file is the master itself until the watermark work needs its own bytes.
 */
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPY_BLOCK (1 << 20)

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int files_write(const char *path, const void *data, size_t len, mode_t mode, struct err *e)
{
	int fd, rc = -1;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return err_fail(e, "%s: %s", path, strerror(errno));
	if (write_all(fd, data, len)) {
		err_fail(e, "%s: write: %s", path, strerror(errno));
		goto out_close;
	}
	rc = 0;
out_close:
	if (close(fd) && rc == 0)
		rc = err_fail(e, "%s: close: %s", path, strerror(errno));
	if (rc)
		unlink(path);
	return rc;
}

int files_copy(const char *src, const char *dst, mode_t mode, struct err *e)
{
	int in, out, rc = -1;
	char *buf;

	buf = malloc(COPY_BLOCK);
	if (!buf)
		return err_fail(e, "out of memory");
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		err_fail(e, "%s: %s", src, strerror(errno));
		goto out_free;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (out < 0) {
		err_fail(e, "%s: %s", dst, strerror(errno));
		goto out_close_in;
	}
	for (;;) {
		ssize_t n = read(in, buf, COPY_BLOCK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_fail(e, "%s: read: %s", src, strerror(errno));
			goto out_close_out;
		}
		if (n == 0)
			break;
		if (write_all(out, buf, (size_t)n)) {
			err_fail(e, "%s: write: %s", dst, strerror(errno));
			goto out_close_out;
		}
	}
	rc = 0;
out_close_out:
	if (close(out) && rc == 0)
		rc = err_fail(e, "%s: close: %s", dst, strerror(errno));
	if (rc)
		unlink(dst);
out_close_in:
	close(in);
out_free:
	free(buf);
	return rc;
}

int files_link_or_copy(const char *src, const char *dst, mode_t mode, struct err *e)
{
	if (link(src, dst) == 0)
		return 0;
	if (errno != EXDEV && errno != EPERM && errno != EMLINK)
		return err_fail(e, "%s: link: %s", dst, strerror(errno));
	return files_copy(src, dst, mode, e);
}

int files_size(const char *path, uint64_t *size, struct err *e)
{
	struct stat st;

	if (stat(path, &st))
		return err_fail(e, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return err_fail(e, "%s: not a regular file", path);
	*size = (uint64_t)st.st_size;
	return 0;
}

int files_mkdir(const char *path, mode_t mode, struct err *e)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return err_fail(e, "%s: mkdir: %s", path, strerror(errno));
}

int files_dir_is_empty(const char *path, int *empty, struct err *e)
{
	struct dirent *d;
	DIR *dir;

	*empty = 1;
	dir = opendir(path);
	if (!dir) {
		if (errno == ENOENT)
			return 0;
		return err_fail(e, "%s: %s", path, strerror(errno));
	}
	while ((d = readdir(dir))) {
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..")) {
			*empty = 0;
			break;
		}
	}
	closedir(dir);
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) ? -1 : 0;
}

int files_remove_tree(const char *path, struct err *e)
{
	struct stat st;

	if (lstat(path, &st) && errno == ENOENT)
		return 0;
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS))
		return err_fail(e, "%s: remove: %s", path, strerror(errno));
	return 0;
}
