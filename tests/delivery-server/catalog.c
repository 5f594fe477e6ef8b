// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * catalog: the sample catalog, as data, and the code that renders it into
 * DIR/catalog/ and records it (see catalog.h).  The music and the film are
 * made by music.c and avi.c; the benchmark file here, by xorshift64*, at
 * memory speed, because --big-mb may ask for gigabytes.
 */
#include "catalog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "avi.h"
#include "db.h"
#include "files.h"
#include "layout.h"
#include "music.h"

#define BENCH_BLOCK (1u << 20)
#define BENCH_MAX_MB (64u * 1024)

struct sample_track {
	const char *file; /* under catalog/yoake/ */
	const char *name; /* on the disc */
	const char *title, *performer;
	struct music_piece piece;
};

static const char ALBUM_ALIAS[] = "yoake";
static const char ALBUM_TITLE[] = "夜明けの歌";
static const char ALBUM_ARTIST[] = "テンポ・アンサンブル";

static const struct sample_track album[] = {
	{ "01.wav", "01 夜明け.wav", "夜明け (Dawn)", "テンポ・アンサンブル",
	  { .seed = 0x7e6b0001, .bpm = 84, .bars = 8, .tonic = 62, .scale = MUSIC_YO,
	    .chords = { 0, 4, 5, 3 }, .drums = 0.4f } },
	{ "02.wav", "02 Morning Train.wav", "Morning Train 朝の電車", "テンポ・アンサンブル",
	  { .seed = 0x7e6b0002, .bpm = 120, .bars = 12, .tonic = 57, .scale = MUSIC_MAJOR,
	    .chords = { 0, 5, 3, 4 }, .drums = 1.0f } },
	{ "03.wav", "03 星の海.wav", "星の海 (Sea of Stars)", "テンポ・アンサンブル feat. ミカ",
	  { .seed = 0x7e6b0003, .bpm = 96, .bars = 10, .tonic = 64, .scale = MUSIC_MINOR,
	    .chords = { 0, 5, 2, 6 }, .drums = 0.8f } },
	{ "04.wav", "04 Home Again.wav", "Home Again", "テンポ・アンサンブル",
	  { .seed = 0x7e6b0004, .bpm = 108, .bars = 12, .tonic = 55, .scale = MUSIC_MAJOR,
	    .chords = { 0, 3, 0, 4 }, .drums = 0.9f } },
};

#define ALBUM_TRACKS (sizeof(album) / sizeof(album[0]))

static const char *const kind_names[CATALOG_KIND_COUNT] = {
	[CATALOG_MUSIC] = "music",
	[CATALOG_VIDEO] = "video",
	[CATALOG_DATA] = "data",
};

const char *catalog_kind_name(enum catalog_kind k)
{
	return (unsigned)k < CATALOG_KIND_COUNT ? kind_names[k] : "?";
}

int catalog_kind_parse(const char *name)
{
	for (int i = 0; i < CATALOG_KIND_COUNT; i++)
		if (!strcmp(kind_names[i], name))
			return i;
	return -1;
}

void catalog_item_free(struct catalog_item *it)
{
	free(it->files);
	it->files = NULL;
	it->file_count = 0;
}

static void copy_string(char *out, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size)
		n = size - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* Starts an item: DIR/catalog/<alias>/ and n zeroed files. */
static int item_begin(struct catalog_item *it, const char *dir, const char *alias,
		      const char *title, const char *artist, enum catalog_kind kind,
		      uint16_t content_server, uint64_t price, size_t n, struct err *e)
{
	char path[LAYOUT_PATH_MAX];

	memset(it, 0, sizeof(*it));
	copy_string(it->alias, sizeof(it->alias), alias);
	copy_string(it->title, sizeof(it->title), title);
	copy_string(it->artist, sizeof(it->artist), artist);
	it->kind = kind;
	it->content_server = content_server;
	it->price = price;
	it->files = calloc(n, sizeof(*it->files));
	if (!it->files)
		return err_fail(e, "out of memory");
	it->file_count = n;
	if (layout_path(path, sizeof(path), e, "%s/" LAYOUT_CATALOG_DIR "/%s", dir, alias))
		return -1;
	return files_mkdir(path, 0755, e);
}

/* Names file i of the item and gives its full path. */
static int item_file(struct catalog_item *it, size_t i, const char *dir, const char *file,
		     const char *name, enum file_kind kind, char *path, size_t size,
		     struct err *e)
{
	struct catalog_file *f = &it->files[i];

	copy_string(f->name, sizeof(f->name), name);
	f->kind = kind;
	if (layout_path(f->path, sizeof(f->path), e, "%s/%s", it->alias, file))
		return -1;
	return layout_path(path, size, e, "%s/" LAYOUT_CATALOG_DIR "/%s", dir, f->path);
}

/* Sizes every file, then records the item. */
static int item_finish(struct catalog_item *it, const char *dir, sqlite3 *db, struct err *e)
{
	char path[LAYOUT_PATH_MAX];

	for (size_t i = 0; i < it->file_count; i++) {
		if (layout_path(path, sizeof(path), e, "%s/" LAYOUT_CATALOG_DIR "/%s", dir,
				it->files[i].path) ||
		    files_size(path, &it->files[i].size, e))
			return -1;
	}
	return db_catalog_add(db, it, e);
}

static int make_album(const char *dir, sqlite3 *db, struct err *e)
{
	struct catalog_item it;
	char path[LAYOUT_PATH_MAX];
	int rc = -1;

	if (item_begin(&it, dir, ALBUM_ALIAS, ALBUM_TITLE, ALBUM_ARTIST, CATALOG_MUSIC, 42, 1500,
		       ALBUM_TRACKS, e))
		goto out_free;
	for (size_t i = 0; i < ALBUM_TRACKS; i++) {
		const struct sample_track *t = &album[i];
		struct manifest_track *mt = &it.files[i].track;

		if (item_file(&it, i, dir, t->file, t->name, FILE_AUDIO, path, sizeof(path), e))
			goto out_free;
		mt->number = (unsigned)i + 1;
		copy_string(mt->title, sizeof(mt->title), t->title);
		copy_string(mt->performer, sizeof(mt->performer), t->performer);
		if (music_render(&t->piece, path, e)) {
			err_wrap(e, "track %zu", i + 1);
			goto out_free;
		}
	}
	rc = item_finish(&it, dir, db, e);
out_free:
	catalog_item_free(&it);
	return rc;
}

static int make_film(const char *dir, sqlite3 *db, struct err *e)
{
	const struct avi_spec spec = {
		.width = 320, .height = 240, .fps = 15, .frames = 60, .title = "Tenpo Demo Film",
	};
	struct catalog_item it;
	char path[LAYOUT_PATH_MAX];
	int rc = -1;

	if (item_begin(&it, dir, "film", spec.title, "Tenpo Studio", CATALOG_VIDEO, 43, 800, 1, e) ||
	    item_file(&it, 0, dir, "film.avi", "Tenpo Demo Film.avi", FILE_VIDEO, path,
		      sizeof(path), e) ||
	    avi_write_colour_bars(path, &spec, e))
		goto out_free;
	rc = item_finish(&it, dir, db, e);
out_free:
	catalog_item_free(&it);
	return rc;
}

/* mb MiB of xorshift64* output: incompressible, and fast to make. */
static int write_bench_file(const char *path, unsigned mb, struct err *e)
{
	uint64_t x = 0x2545f4914f6cdd1dULL, *block;
	int fd, rc = -1;

	block = malloc(BENCH_BLOCK);
	if (!block)
		return err_fail(e, "out of memory");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		err_fail(e, "%s: %s", path, strerror(errno));
		goto out_free;
	}
	for (unsigned m = 0; m < mb; m++) {
		size_t done = 0;

		for (size_t i = 0; i < BENCH_BLOCK / sizeof(*block); i++) {
			x ^= x >> 12;
			x ^= x << 25;
			x ^= x >> 27;
			block[i] = x * 0x2545f4914f6cdd1dULL;
		}
		while (done < BENCH_BLOCK) {
			ssize_t n = write(fd, (char *)block + done, BENCH_BLOCK - done);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				err_fail(e, "%s: write: %s", path, strerror(errno));
				goto out_close;
			}
			done += (size_t)n;
		}
	}
	rc = 0;
out_close:
	if (close(fd) && rc == 0)
		rc = err_fail(e, "%s: close: %s", path, strerror(errno));
	if (rc)
		unlink(path);
out_free:
	free(block);
	return rc;
}

static int make_bench(const char *dir, sqlite3 *db, unsigned mb, struct err *e)
{
	struct catalog_item it;
	char path[LAYOUT_PATH_MAX];
	int rc = -1;

	if (mb > BENCH_MAX_MB)
		return err_fail(e, "--big-mb: at most %u", BENCH_MAX_MB);
	if (item_begin(&it, dir, "bench", "Benchmark Data", "Tenpo", CATALOG_DATA, 44, 100, 1, e) ||
	    item_file(&it, 0, dir, "bench.bin", "bench.bin", FILE_DATA, path, sizeof(path), e) ||
	    write_bench_file(path, mb, e))
		goto out_free;
	rc = item_finish(&it, dir, db, e);
out_free:
	catalog_item_free(&it);
	return rc;
}

int catalog_create(const char *dir, sqlite3 *db, unsigned big_mb, struct err *e)
{
	char path[LAYOUT_PATH_MAX];

	if (layout_path(path, sizeof(path), e, "%s/" LAYOUT_CATALOG_DIR, dir) ||
	    files_mkdir(path, 0755, e))
		return -1;
	if (make_album(dir, db, e) || make_film(dir, db, e))
		return -1;
	if (big_mb > 0 && make_bench(dir, db, big_mb, e))
		return -1;
	return 0;
}
