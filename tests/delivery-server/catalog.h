/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * catalog: what customers can order, and the sample catalog `init` makes.
 *
 * An item is a title with one or more files.  Its kind says which media it
 * may go to: music (all files audio WAVs) may be an audio-cd or a data disc;
 * video and data items only a data disc.  The master files live under
 * DIR/catalog/<alias>/; each file carries the name it gets on the disc and
 * its track metadata, exactly as the manifest will state them.
 *
 * The sample catalog is synthesised by code, deterministically (fixed PRNG
 * seeds), with no download:
 *   yoake  "夜明けの歌" by テンポ・アンサンブル, content server 42: four
 *          20-30 s tracks, 44.1 kHz 16-bit stereo (music.c);
 *   film   "Tenpo Demo Film", content server 43: 4 s of 320x240 colour bars
 *          at 15 fps, uncompressed AVI (avi.c);
 *   bench  "Benchmark Data", content server 44, only with --big-mb N: one
 *          file of N MiB of xorshift bytes.
 */
#ifndef TENPO_DS_CATALOG_H
#define TENPO_DS_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "manifest.h"

#define CATALOG_ALIAS_MAX 32
#define CATALOG_PATH_MAX 256

typedef struct sqlite3 sqlite3;

enum catalog_kind { CATALOG_MUSIC, CATALOG_VIDEO, CATALOG_DATA, CATALOG_KIND_COUNT };

struct catalog_file {
	char name[MANIFEST_NAME_MAX + 1]; /* its name on the disc */
	char path[CATALOG_PATH_MAX];      /* the master, relative to DIR/catalog */
	uint64_t size;
	enum file_kind kind;
	struct manifest_track track;      /* number 0 for anything but audio */
};

struct catalog_item {
	int64_t id;
	char alias[CATALOG_ALIAS_MAX];
	char title[MANIFEST_TEXT_MAX];
	char artist[MANIFEST_TEXT_MAX];
	enum catalog_kind kind;
	uint16_t content_server;
	uint64_t price; /* yen */
	size_t file_count;
	struct catalog_file *files; /* owned: catalog_item_free() */
};

void catalog_item_free(struct catalog_item *it);

/* "music", "video", "data"; and back (-1 when unknown). */
const char *catalog_kind_name(enum catalog_kind k);
int catalog_kind_parse(const char *name);

/* Synthesises the sample catalog under DIR/catalog/ and records it in db.
 * big_mb > 0 adds the benchmark item of that many MiB. */
int catalog_create(const char *dir, sqlite3 *db, unsigned big_mb, struct err *e);

#endif
