// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spool: ids, paths, writing and resuming a .part, committing it, erasing
 * (with a hard link kept outside to prove the bytes were overwritten), the
 * quota messages, hostile ids, usage, and a real full disk: a 256 KiB tmpfs
 * when the test runs as root and may mount one (skipped otherwise).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "spool.h"

#define MB (UINT64_C(1) << 20)

struct fx {
	char dir[256];
	char spool[300];
	char mnt[300]; /* non-empty while a tmpfs is mounted there */
	struct spool *sp;
};

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fx *f = calloc(1, sizeof(*f));
	struct err e = { "" };

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/tenpo-spool-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->spool, sizeof(f->spool), "%s/spool", f->dir);
	if (spool_open(&f->sp, f->spool, 64 * MB, &e)) {
		fprintf(stderr, "spool_open: %s\n", e.msg);
		rmdir(f->dir);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	spool_close(f->sp);
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

static void write_part(struct spool *sp, const char *id, unsigned idx, uint64_t offset,
		       const void *buf, size_t len)
{
	struct spool_writer *w = NULL;
	struct err e = { "" };

	must(spool_writer_open(sp, id, idx, offset, &w, &e), &e, "open");
	must(spool_writer_write(w, buf, len, &e), &e, "write");
	must(spool_writer_close(w, true, &e), &e, "close");
}

/* The whole file (at most cap bytes); returns its length, -1 if absent. */
static long slurp(const char *path, char *buf, size_t cap)
{
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (!fp)
		return -1;
	n = fread(buf, 1, cap, fp);
	fclose(fp);
	return (long)n;
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static unsigned mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

/* ---- ids and folders ---------------------------------------------------- */

static void ids(void **state)
{
	static const char *const good[] = { "a", "K7Q2M9X4P1", "a_b-C9", "-", "_" };
	static const char *const bad[] = { "", "../x", "a/b", ".", "..", "a b", "a\n", "é",
					   "a.b", "a\\b" };
	char id[66];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!spool_id_ok(good[i]))
			fail_msg("refused \"%s\"", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (spool_id_ok(bad[i]))
			fail_msg("accepted \"%s\"", bad[i]);
	assert_false(spool_id_ok(NULL));
	memset(id, 'z', 65);
	id[65] = '\0';
	assert_false(spool_id_ok(id));
	id[64] = '\0';
	assert_true(spool_id_ok(id));
}

static void open_makes_private_folders(void **state)
{
	struct fx *f = *state;
	struct spool *sp = NULL;
	struct err e = { "" };
	char path[512], open_dir[400];

	assert_int_equal(mode_of(f->spool), 0700);
	/* an existing folder is made private too */
	snprintf(open_dir, sizeof(open_dir), "%s/open", f->dir);
	assert_int_equal(mkdir(open_dir, 0755), 0);
	assert_int_equal(chmod(open_dir, 0755), 0);
	must(spool_open(&sp, open_dir, MB, &e), &e, "open");
	assert_int_equal(mode_of(open_dir), 0700);
	spool_close(sp);
	spool_close(NULL);
	assert_int_equal(spool_open(&sp, open_dir, 0, &e), -1);
	assert_null(sp);
	snprintf(path, sizeof(path), "%s/missing/parent", f->dir);
	assert_int_equal(spool_open(&sp, path, MB, &e), -1);

	write_part(f->sp, "P1", 0, 0, "x", 1);
	snprintf(path, sizeof(path), "%s/P1", f->spool);
	assert_int_equal(mode_of(path), 0700);
	snprintf(path, sizeof(path), "%s/P1/0.part", f->spool);
	assert_int_equal(mode_of(path), 0600);
	assert_true(spool_has_order(f->sp, "P1"));
	assert_false(spool_has_order(f->sp, "P2"));
}

/* ---- writing ------------------------------------------------------------ */

static void write_commit_paths(void **state)
{
	struct fx *f = *state;
	struct spool_writer *w = NULL;
	struct err e = { "" };
	char data[512], part[512], want[512], buf[64];
	uint64_t size = 99;

	must(spool_data_path(f->sp, "K7", 3, data, sizeof(data), &e), &e, "data path");
	must(spool_part_path(f->sp, "K7", 3, part, sizeof(part), &e), &e, "part path");
	snprintf(want, sizeof(want), "%s/K7/3.data", f->spool);
	assert_string_equal(data, want);
	snprintf(want, sizeof(want), "%s/K7/3.part", f->spool);
	assert_string_equal(part, want);
	assert_int_equal(spool_data_path(f->sp, "K7", 3, buf, 8, &e), -1);
	assert_string_equal(buf, "");

	must(spool_part_size(f->sp, "K7", 3, &size, &e), &e, "size");
	assert_int_equal(size, 0);
	must(spool_writer_open(f->sp, "K7", 3, 0, &w, &e), &e, "open");
	must(spool_writer_write(w, "hello ", 6, &e), &e, "write");
	must(spool_writer_write(w, "world", 5, &e), &e, "write");
	must(spool_writer_close(w, true, &e), &e, "close");
	must(spool_writer_close(NULL, true, &e), &e, "close NULL");
	must(spool_part_size(f->sp, "K7", 3, &size, &e), &e, "size");
	assert_int_equal(size, 11);
	assert_false(exists(data));

	must(spool_commit(f->sp, "K7", 3, &e), &e, "commit");
	assert_false(exists(part));
	assert_int_equal(slurp(data, buf, sizeof(buf)), 11);
	assert_memory_equal(buf, "hello world", 11);
	must(spool_part_size(f->sp, "K7", 3, &size, &e), &e, "size");
	assert_int_equal(size, 0);
	/* committed already (a crash after the rename): fine */
	must(spool_commit(f->sp, "K7", 3, &e), &e, "commit again");
	assert_int_equal(slurp(data, buf, sizeof(buf)), 11);
	/* nothing to commit */
	assert_int_equal(spool_commit(f->sp, "K7", 4, &e), -1);
	assert_int_equal(spool_commit(f->sp, "NOFOLDER", 0, &e), -1);
}

static void resume_truncates(void **state)
{
	struct fx *f = *state;
	struct spool_writer *w = NULL;
	struct err e = { "" };
	char part[512], buf[64];
	uint64_t size;

	must(spool_part_path(f->sp, "R1", 0, part, sizeof(part), &e), &e, "path");
	write_part(f->sp, "R1", 0, 0, "0123456789", 10);
	/* a power cut may leave garbage past what was hashed: resume at 4 */
	must(spool_writer_open(f->sp, "R1", 0, 4, &w, &e), &e, "open at 4");
	must(spool_part_size(f->sp, "R1", 0, &size, &e), &e, "size");
	assert_int_equal(size, 4);
	must(spool_writer_write(w, "XY", 2, &e), &e, "write");
	must(spool_writer_close(w, false, &e), &e, "close");
	assert_int_equal(slurp(part, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "0123XY", 6);

	/* past the end is a caller's mistake, and changes nothing */
	assert_int_equal(spool_writer_open(f->sp, "R1", 0, 100, &w, &e), -1);
	assert_non_null(strstr(e.msg, "cannot resume at 100"));
	assert_null(w);
	assert_int_equal(slurp(part, buf, sizeof(buf)), 6);

	must(spool_writer_open(f->sp, "R1", 0, 0, &w, &e), &e, "open at 0");
	must(spool_writer_close(w, true, &e), &e, "close");
	must(spool_part_size(f->sp, "R1", 0, &size, &e), &e, "size");
	assert_int_equal(size, 0);
}

/* Whole aligned blocks go O_DIRECT, then a tail, an unaligned buffer and a
 * resume at an odd offset go buffered: the bytes are the same either way. */
static void direct_and_buffered_writes_agree(void **state)
{
	struct fx *f = *state;
	struct spool_writer *w = NULL;
	struct err e = { "" };
	size_t block = 1 << 20, total = 2 * block + 777;
	uint8_t *src = aligned_alloc(4096, 3 * block), *back = malloc(3 * block);
	char part[512];

	assert_non_null(src);
	assert_non_null(back);
	for (size_t i = 0; i < 3 * block; i++)
		src[i] = (uint8_t)(i * 2654435761u >> 13);
	must(spool_part_path(f->sp, "D1", 0, part, sizeof(part), &e), &e, "path");
	must(spool_writer_open(f->sp, "D1", 0, 0, &w, &e), &e, "open");
	must(spool_writer_write(w, src, block, &e), &e, "aligned block");
	must(spool_writer_write(w, src + block, block, &e), &e, "aligned block");
	must(spool_writer_write(w, src + 2 * block, 700, &e), &e, "tail");
	must(spool_writer_write(w, src + 2 * block + 700, 77, &e), &e, "after the tail");
	must(spool_writer_close(w, true, &e), &e, "close");
	assert_int_equal(slurp(part, (char *)back, 3 * block), (long)total);
	assert_memory_equal(back, src, total);

	/* resume at an odd offset, from a buffer that is not aligned */
	must(spool_writer_open(f->sp, "D1", 0, 12345, &w, &e), &e, "resume");
	must(spool_writer_write(w, src + 12345, block + 1, &e), &e, "odd write");
	must(spool_writer_close(w, true, &e), &e, "close");
	assert_int_equal(slurp(part, (char *)back, 3 * block), (long)(12345 + block + 1));
	assert_memory_equal(back, src, 12345 + block + 1);
	free(src);
	free(back);
}

static void discard_part(void **state)
{
	struct fx *f = *state;
	struct err e = { "" };
	char part[512];
	uint64_t size;

	write_part(f->sp, "D1", 2, 0, "abc", 3);
	must(spool_part_path(f->sp, "D1", 2, part, sizeof(part), &e), &e, "path");
	assert_true(exists(part));
	must(spool_discard_part(f->sp, "D1", 2, &e), &e, "discard");
	assert_false(exists(part));
	must(spool_part_size(f->sp, "D1", 2, &size, &e), &e, "size");
	assert_int_equal(size, 0);
	must(spool_discard_part(f->sp, "D1", 2, &e), &e, "discard again");
	must(spool_discard_part(f->sp, "NOFOLDER", 0, &e), &e, "no folder");
}

/* ---- erasing ------------------------------------------------------------ */

static void erase_overwrites_and_is_idempotent(void **state)
{
	struct fx *f = *state;
	const size_t big = 3 * MB / 2 + 7; /* more than one erase block, not a multiple */
	struct err e = { "" };
	char path[512], keep[512], folder[512];
	unsigned char *buf = malloc(big), *back = malloc(big);
	uint64_t used, fs_free;

	assert_non_null(buf);
	assert_non_null(back);
	memset(buf, 0xa5, big);
	write_part(f->sp, "E1", 0, 0, buf, big);
	must(spool_commit(f->sp, "E1", 0, &e), &e, "commit");
	write_part(f->sp, "E1", 1, 0, "short", 5);
	must(spool_commit(f->sp, "E1", 1, &e), &e, "commit");
	write_part(f->sp, "E1", 2, 0, "partial", 7);
	write_part(f->sp, "E2", 0, 0, "other order", 11);

	/* a second name for file 0's inode, outside the order: after the
	 * erase it must read back as zeros */
	must(spool_data_path(f->sp, "E1", 0, path, sizeof(path), &e), &e, "path");
	snprintf(keep, sizeof(keep), "%s/kept-link", f->dir);
	assert_int_equal(link(path, keep), 0);

	must(spool_erase_order(f->sp, "E1", &e), &e, "erase");
	snprintf(folder, sizeof(folder), "%s/E1", f->spool);
	assert_false(exists(folder));
	assert_false(spool_has_order(f->sp, "E1"));
	assert_int_equal(slurp(keep, (char *)back, big), (long)big);
	for (size_t i = 0; i < big; i++)
		if (back[i])
			fail_msg("byte %zu survived the erase: 0x%02x", i, back[i]);
	/* the other order is untouched */
	assert_true(spool_has_order(f->sp, "E2"));
	must(spool_usage(f->sp, &used, &fs_free, &e), &e, "usage");
	assert_int_equal(used, 11);

	must(spool_erase_order(f->sp, "E1", &e), &e, "erase again");
	must(spool_erase_order(f->sp, "NEVER", &e), &e, "erase unknown");
	free(buf);
	free(back);
}

static void erase_removes_links_without_following(void **state)
{
	struct fx *f = *state;
	struct err e = { "" };
	char target[512], link_path[512], buf[16];

	write_part(f->sp, "L1", 0, 0, "x", 1);
	snprintf(target, sizeof(target), "%s/outside", f->dir);
	assert_int_equal(slurp(target, buf, sizeof(buf)), -1);
	{
		FILE *fp = fopen(target, "w");

		assert_non_null(fp);
		fputs("keep me", fp);
		fclose(fp);
	}
	snprintf(link_path, sizeof(link_path), "%s/L1/5.data", f->spool);
	assert_int_equal(symlink(target, link_path), 0);
	must(spool_erase_order(f->sp, "L1", &e), &e, "erase");
	assert_false(spool_has_order(f->sp, "L1"));
	assert_int_equal(slurp(target, buf, sizeof(buf)), 7);
	assert_memory_equal(buf, "keep me", 7);
}

/* ---- room --------------------------------------------------------------- */

static void check_room_messages(void **state)
{
	struct fx *f = *state;
	struct spool *sp = NULL;
	struct err e = { "" };
	uint64_t used, fs_free;

	must(spool_open(&sp, f->spool, 10 * MB, &e), &e, "open");
	must(spool_check_room(sp, 7 * MB, 3 * MB, &e), &e, "exactly fits");
	assert_int_equal(spool_check_room(sp, 7 * MB, 4 * MB, &e), -1);
	assert_string_equal(e.msg, "order needs 4 MB; the spool quota leaves 3 MB");
	/* a need rounds up and the room down: never "3 MB; leaves 3 MB" */
	assert_int_equal(spool_check_room(sp, 7 * MB, 3 * MB + 1, &e), -1);
	assert_string_equal(e.msg, "order needs 4 MB; the spool quota leaves 3 MB");
	assert_int_equal(spool_check_room(sp, 12 * MB, 1, &e), -1);
	assert_string_equal(e.msg, "order needs 1 bytes; the spool quota leaves 0 bytes");
	assert_int_equal(spool_check_room(sp, 10 * MB - 1000, 2048, &e), -1);
	assert_string_equal(e.msg, "order needs 2 kB; the spool quota leaves 1000 bytes");
	assert_int_equal(spool_check_room(sp, UINT64_MAX, UINT64_MAX, &e), -1);
	spool_close(sp);

	/* the quota allows it, the disk does not */
	must(spool_open(&sp, f->spool, UINT64_C(1) << 62, &e), &e, "open");
	must(spool_usage(sp, &used, &fs_free, &e), &e, "usage");
	assert_true(fs_free > 0);
	assert_int_equal(spool_check_room(sp, 0, fs_free + 1024 * MB, &e), -1);
	assert_non_null(strstr(e.msg, "the spool disk has"));
	assert_non_null(strstr(e.msg, "free"));
	spool_close(sp);
}

static void usage_counts_order_files(void **state)
{
	struct fx *f = *state;
	struct err e = { "" };
	uint64_t used = 1, fs_free = 0;
	char stray[512];
	FILE *fp;

	must(spool_usage(f->sp, &used, &fs_free, &e), &e, "usage");
	assert_int_equal(used, 0);
	assert_true(fs_free > 0);
	write_part(f->sp, "U1", 0, 0, "12345", 5);
	must(spool_commit(f->sp, "U1", 0, &e), &e, "commit");
	write_part(f->sp, "U1", 1, 0, "123", 3);
	write_part(f->sp, "U2", 0, 0, "1234567", 7);
	snprintf(stray, sizeof(stray), "%s/stray", f->spool);
	fp = fopen(stray, "w");
	assert_non_null(fp);
	fputs("ab", fp);
	fclose(fp);
	must(spool_usage(f->sp, &used, &fs_free, &e), &e, "usage");
	assert_int_equal(used, 5 + 3 + 7 + 2);
}

/* ---- hostile ids -------------------------------------------------------- */

static void hostile_ids_refused(void **state)
{
	struct fx *f = *state;
	char id65[66], outside[512], path[512];
	const char *const bad[] = { "../x", "", "a/b", id65, "..", "x/../../y" };
	struct spool_writer *w = NULL;
	struct err e = { "" };
	uint64_t size;

	memset(id65, 'a', 65);
	id65[65] = '\0';
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *id = bad[i];

		assert_int_equal(spool_data_path(f->sp, id, 0, path, sizeof(path), &e), -1);
		assert_non_null(strstr(e.msg, "invalid order id"));
		assert_int_equal(spool_part_path(f->sp, id, 0, path, sizeof(path), &e), -1);
		assert_int_equal(spool_part_size(f->sp, id, 0, &size, &e), -1);
		assert_int_equal(spool_writer_open(f->sp, id, 0, 0, &w, &e), -1);
		assert_null(w);
		assert_non_null(strstr(e.msg, "invalid order id"));
		assert_int_equal(spool_commit(f->sp, id, 0, &e), -1);
		assert_int_equal(spool_discard_part(f->sp, id, 0, &e), -1);
		assert_int_equal(spool_erase_order(f->sp, id, &e), -1);
		assert_false(spool_has_order(f->sp, id));
	}
	assert_int_equal(spool_writer_open(f->sp, NULL, 0, 0, &w, &e), -1);
	assert_int_equal(spool_erase_order(f->sp, NULL, &e), -1);
	/* and nothing was made anywhere */
	snprintf(outside, sizeof(outside), "%s/x", f->dir);
	assert_false(exists(outside));
	snprintf(outside, sizeof(outside), "%s/a", f->spool);
	assert_false(exists(outside));
	{
		uint64_t used, fs_free;

		must(spool_usage(f->sp, &used, &fs_free, &e), &e, "usage");
		assert_int_equal(used, 0);
	}
}

/* ---- a full disk -------------------------------------------------------- */

static void full_disk_says_so(void **state)
{
	struct fx *f = *state;
	struct spool_writer *w = NULL;
	struct spool *sp = NULL;
	struct err e = { "" };
	static char block[64 * 1024];
	char dir[400];
	int rc = 0;

	if (geteuid() != 0) {
		print_message("not root: cannot mount a small tmpfs\n");
		skip();
	}
	snprintf(f->mnt, sizeof(f->mnt), "%s/mnt", f->dir);
	assert_int_equal(mkdir(f->mnt, 0700), 0);
	if (mount("tmpfs", f->mnt, "tmpfs", MS_NOSUID | MS_NODEV, "size=256k,mode=0700")) {
		print_message("mount tmpfs: %s\n", strerror(errno));
		f->mnt[0] = '\0';
		skip();
	}
	snprintf(dir, sizeof(dir), "%s/spool", f->mnt);
	must(spool_open(&sp, dir, 64 * MB, &e), &e, "open");
	memset(block, 0x5a, sizeof(block));
	must(spool_writer_open(sp, "FULL", 0, 0, &w, &e), &e, "writer");
	/* 256 KiB fill up within 5 blocks; 64 is far more than needed */
	for (int i = 0; i < 64 && !rc; i++)
		rc = spool_writer_write(w, block, sizeof(block), &e);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(e.msg, "spool disk full"));
	assert_non_null(strstr(e.msg, "order FULL file 0"));
	spool_writer_close(w, false, NULL);
	/* erasing still works on a full disk, and frees it */
	must(spool_erase_order(sp, "FULL", &e), &e, "erase when full");
	assert_false(spool_has_order(sp, "FULL"));
	spool_close(sp);
	assert_int_equal(umount2(f->mnt, 0), 0);
	f->mnt[0] = '\0';
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ids),
		T(open_makes_private_folders),
		T(write_commit_paths),
		T(resume_truncates),
		T(direct_and_buffered_writes_agree),
		T(discard_part),
		T(erase_overwrites_and_is_idempotent),
		T(erase_removes_links_without_following),
		T(check_room_messages),
		T(usage_counts_order_files),
		T(hostile_ids_refused),
		T(full_disk_says_so),
	};
#undef T

	return cmocka_run_group_tests_name("spool", tests, NULL, NULL);
}
