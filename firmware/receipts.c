// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * receipts: the day's printed documents on disk (receipts.h).  Names are
 * checked before any path is made; the files are small, so a load reads
 * the whole file and a listing stats every entry of one folder.
 */
#include "receipts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "receipt.h"

#define PATH_CAP 4096

void receipts_day(time_t t, char out[11])
{
	/* civil date from days since the epoch (Howard Hinnant's algorithm),
	 * in JST without TZ or localtime() */
	int64_t s = (int64_t)t + RECEIPT_UTC_OFFSET;
	int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = (int64_t)yoe + era * 400 + (m <= 2);

	if (y < 0 || y > 9999)
		y = 0;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000, m % 100, d % 100);
}

static bool key_ok(const char *k, size_t n)
{
	if (!n || n > RECEIPTS_KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'A' && k[i] <= 'Z') || (k[i] >= 'a' && k[i] <= 'z') ||
		      (k[i] >= '0' && k[i] <= '9') || k[i] == '_' || k[i] == '-'))
			return false;
	return true;
}

static bool kind_ok(const char *k, size_t n)
{
	if (!n || n > RECEIPTS_KIND_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (k[i] < 'a' || k[i] > 'z')
			return false;
	return true;
}

bool receipts_name_ok(const char *key, const char *kind)
{
	return key && kind && key_ok(key, strlen(key)) && kind_ok(kind, strlen(kind));
}

static int day_dir(const char *dir, time_t when, char *out, size_t cap, struct err *e)
{
	char day[11];
	int n;

	receipts_day(when, day);
	n = snprintf(out, cap, "%s/%s", dir, day);
	return n < 0 || (size_t)n >= cap ? err_fail(e, "receipts: path too long") : 0;
}

static int file_path(const char *dir, time_t when, const char *key, const char *kind, char *out,
		     size_t cap, struct err *e)
{
	char d[PATH_CAP];
	int n;

	if (!receipts_name_ok(key, kind))
		return err_fail(e, "receipts: '%.40s' '%.20s' is not a document's name",
				key ? key : "", kind ? kind : "");
	if (day_dir(dir, when, d, sizeof(d), e))
		return -1;
	n = snprintf(out, cap, "%s/%s-%s.bin", d, key, kind);
	return n < 0 || (size_t)n >= cap ? err_fail(e, "receipts: path too long") : 0;
}

static int make_dir(const char *path, struct err *e)
{
	if (mkdir(path, 0750) && errno != EEXIST)
		return err_fail(e, "receipts: %s: %s", path, strerror(errno));
	return 0;
}

static int fsync_dir(const char *path, struct err *e)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return err_fail(e, "receipts: %s: %s", path, strerror(errno));
	if (fsync(fd))
		rc = err_fail(e, "receipts: fsync %s: %s", path, strerror(errno));
	close(fd);
	return rc;
}

int receipts_store(const char *dir, time_t when, const char *key, const char *kind,
		   const uint8_t *bytes, size_t len, struct err *e)
{
	char d[PATH_CAP], path[PATH_CAP], tmp[PATH_CAP + 8];
	size_t done = 0;
	int fd;

	if (!len || len > RECEIPTS_FILE_MAX)
		return err_fail(e, "receipts: a document is 1..%d bytes, not %zu",
				RECEIPTS_FILE_MAX, len);
	if (file_path(dir, when, key, kind, path, sizeof(path), e) ||
	    day_dir(dir, when, d, sizeof(d), e) || make_dir(dir, e) || make_dir(d, e))
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0)
		return err_fail(e, "receipts: %s: %s", tmp, strerror(errno));
	while (done < len) {
		ssize_t n = write(fd, bytes + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err_fail(e, "receipts: write %s: %s", tmp,
				 n ? strerror(errno) : "no progress");
			goto fail;
		}
		done += (size_t)n;
	}
	if (fsync(fd)) {
		err_fail(e, "receipts: fsync %s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (close(fd)) {
		fd = -1;
		err_fail(e, "receipts: close %s: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path)) {
		err_fail(e, "receipts: rename to %s: %s", path, strerror(errno));
		goto fail;
	}
	return fsync_dir(d, e);
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

/* "KEY-KIND.bin" into entry; false for any other name (a .tmp left over). */
static bool parse_name(const char *name, struct receipts_entry *out)
{
	size_t n = strlen(name);
	const char *dash;

	if (n < 5 || strcmp(name + n - 4, ".bin"))
		return false;
	n -= 4;
	dash = memrchr(name, '-', n);
	if (!dash || !key_ok(name, (size_t)(dash - name)) ||
	    !kind_ok(dash + 1, n - (size_t)(dash - name) - 1))
		return false;
	memcpy(out->key, name, (size_t)(dash - name));
	out->key[dash - name] = '\0';
	memcpy(out->kind, dash + 1, n - (size_t)(dash - name) - 1);
	out->kind[n - (size_t)(dash - name) - 1] = '\0';
	return true;
}

static int by_time(const void *a, const void *b)
{
	const struct receipts_entry *x = a, *y = b;

	if (x->stored_at != y->stored_at)
		return x->stored_at < y->stored_at ? -1 : 1;
	return strcmp(x->key, y->key);
}

int receipts_list(const char *dir, time_t when, struct receipts_entry *out, size_t cap, size_t *n,
		  struct err *e)
{
	struct receipts_entry *all = NULL;
	size_t count = 0, size = 0;
	char d[PATH_CAP];
	struct dirent *de;
	DIR *dh;

	*n = 0;
	if (day_dir(dir, when, d, sizeof(d), e))
		return -1;
	dh = opendir(d);
	if (!dh)
		return errno == ENOENT ? 0 : err_fail(e, "receipts: %s: %s", d, strerror(errno));
	while ((de = readdir(dh))) {
		struct receipts_entry ent = { 0 };
		struct stat st;

		if (!parse_name(de->d_name, &ent) ||
		    fstatat(dirfd(dh), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode))
			continue;
		ent.stored_at = (int64_t)st.st_mtime;
		ent.size = (size_t)st.st_size;
		if (count == size) {
			size_t grow = size ? 2 * size : 16;
			struct receipts_entry *p = realloc(all, grow * sizeof(*p));

			if (!p) {
				closedir(dh);
				free(all);
				return err_fail(e, "receipts: out of memory");
			}
			all = p;
			size = grow;
		}
		all[count++] = ent;
	}
	closedir(dh);
	if (count)
		qsort(all, count, sizeof(*all), by_time);
	for (size_t i = count > cap ? count - cap : 0; i < count; i++)
		out[(*n)++] = all[i];
	free(all);
	return 0;
}

int receipts_load(const char *dir, time_t when, const char *key, const char *kind, uint8_t **bytes,
		  size_t *len, struct err *e)
{
	char path[PATH_CAP];
	struct stat st;
	uint8_t *buf;
	size_t done = 0;
	int fd;

	*bytes = NULL;
	*len = 0;
	if (file_path(dir, when, key, kind, path, sizeof(path), e))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return err_fail(e, "receipts: no %s %s today (%s)", kind, key, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < 1 ||
	    st.st_size > RECEIPTS_FILE_MAX) {
		close(fd);
		return err_fail(e, "receipts: %s: not a stored document", path);
	}
	buf = malloc((size_t)st.st_size);
	if (!buf) {
		close(fd);
		return err_fail(e, "receipts: out of memory");
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			free(buf);
			return err_fail(e, "receipts: read %s: %s", path,
					n ? strerror(errno) : "shorter than it was");
		}
		done += (size_t)n;
	}
	close(fd);
	*bytes = buf;
	*len = done;
	return 0;
}

static bool day_name(const char *s)
{
	static const char shape[] = "dddd-dd-dd";

	for (size_t i = 0; i < sizeof(shape); i++) {
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return false;
	}
	return true;
}

/* The files of one day folder (no subfolders are made), then the folder. */
static int remove_day(const char *dir, const char *name, struct err *e)
{
	char d[PATH_CAP];
	struct dirent *de;
	DIR *dh;
	int rc = 0;

	if (snprintf(d, sizeof(d), "%s/%s", dir, name) >= (int)sizeof(d))
		return err_fail(e, "receipts: path too long");
	dh = opendir(d);
	if (!dh)
		return err_fail(e, "receipts: %s: %s", d, strerror(errno));
	while ((de = readdir(dh)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    unlinkat(dirfd(dh), de->d_name, 0))
			rc = err_fail(e, "receipts: %s/%s: %s", d, de->d_name, strerror(errno));
	closedir(dh);
	if (!rc && rmdir(d))
		rc = err_fail(e, "receipts: %s: %s", d, strerror(errno));
	return rc;
}

int receipts_prune(const char *dir, time_t now, unsigned keep_days, unsigned *removed,
		   struct err *e)
{
	char oldest[11];
	struct dirent *de;
	DIR *dh;
	int rc = 0;

	if (removed)
		*removed = 0;
	if (!keep_days)
		return err_fail(e, "receipts: keep at least today");
	/* names sort as dates: everything before the oldest day kept goes */
	receipts_day(now - (time_t)(keep_days - 1) * 86400, oldest);
	dh = opendir(dir);
	if (!dh)
		return errno == ENOENT ? 0 : err_fail(e, "receipts: %s: %s", dir, strerror(errno));
	while ((de = readdir(dh))) {
		if (!day_name(de->d_name) || strcmp(de->d_name, oldest) >= 0)
			continue;
		if (remove_day(dir, de->d_name, e))
			rc = -1;
		else if (removed)
			(*removed)++;
	}
	closedir(dh);
	return rc;
}
