// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * author_audio: the audio CD session (author.h's author_audio_*; the
 * contract is there), over the WAV/FLAC decoder of audio.c.  Open
 * probes every file and lays the tracks out (no decoding); export decodes
 * into NAME.bin, hashing each track as it is written; the burn_disc reads
 * NAME.bin back, one fd source per track, so the bytes burned are the
 * bytes hashed and exported.  CD-TEXT comes from cdtext.c, built once at
 * open on a scratch session (to fail early) and again on the real one.
 */
#include "author.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libburn/libburn.h>

#include "audio.h"
#include "cdtext.h"
#include "log.h"

#define MOD "author"
#define EXPORT_CHUNK_SECTORS 32   /* export writes */

/* ── the audio CD session (author.h's author_audio_*) ──────────────────── */

static int write_all(int fd, const void *buf, size_t len, const char *what, struct err *e)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_fail(e, "%s: %s", what,
					errno == ENOSPC || errno == EDQUOT ? "disk full"
									   : strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_full(int fd, void *buf, size_t len, const char *what, struct err *e)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_fail(e, "%s: %s", what, strerror(errno));
		if (n == 0)
			return err_fail(e, "%s: ends early", what);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

struct track_text {
	char *path, *title, *performer; /* copies of the spec's */
};

struct author_audio {
	size_t count;
	struct author_track_layout *tracks;
	struct track_text *in;
	char *album_title, *album_performer;
	bool gapless;
	uint64_t sectors;       /* LBA 0 to the lead-out */
	unsigned char *packs;   /* CD-TEXT, 18 bytes each */
	size_t pack_count;
	struct cdtext_result cdt;
};

static char *dup_text(const char *s)
{
	return strdup(s ? s : "");
}

static void msf(uint64_t sectors, char out[16])
{
	snprintf(out, 16, "%02u:%02u:%02u", (unsigned)(sectors / 4500),
		 (unsigned)(sectors / 75 % 60), (unsigned)(sectors % 75));
}

/* "track 2 ("Morning")" or "track 2 (/spool/x/1.data)". */
static int wrap_track(struct err *e, const struct author_audio_spec *spec, size_t i)
{
	const struct author_track *t = &spec->tracks[i];

	if (t->title && *t->title)
		return err_wrap(e, "track %zu (\"%s\")", i + 1, t->title);
	return err_wrap(e, "track %zu (%s)", i + 1, t->path ? t->path : "");
}

static void fill_cdtext_spec(const struct author_audio *a, struct cdtext_track *tt,
			     struct cdtext_spec *cs)
{
	for (size_t i = 0; i < a->count; i++) {
		tt[i].title = a->in[i].title;
		tt[i].performer = a->in[i].performer;
	}
	cs->album_title = a->album_title;
	cs->album_performer = a->album_performer;
	cs->tracks = tt;
	cs->track_count = a->count;
}

/* The CD-TEXT packs, for the .cdt and a real writer's lead-in. */
static int make_packs(struct author_audio *a, struct err *e)
{
	struct cdtext_track tt[AUTHOR_MAX_TRACKS];
	struct cdtext_spec cs;

	fill_cdtext_spec(a, tt, &cs);
	if (cdtext_make(&cs, &a->packs, &a->pack_count, &a->cdt, e))
		return -1;
	if (a->cdt.limit)
		log_warn(MOD, "CD-TEXT too long: every text cut to %zu bytes", a->cdt.limit);
	return 0;
}

static int lay_out(struct author_audio *a, const struct author_audio_spec *spec,
		   struct err *e)
{
	uint64_t lba = 0;

	for (size_t i = 0; i < a->count; i++) {
		struct author_track_layout *t = &a->tracks[i];

		if (!spec->tracks[i].path)
			return err_fail(e, "track %zu: no file", i + 1);
		if (audio_probe(spec->tracks[i].path, &t->info, e))
			return wrap_track(e, spec, i);
		if (t->info.frames < AUTHOR_MIN_TRACK_FRAMES) {
			err_fail(e, "%" PRIu64 ".%02" PRIu64 " s long; an audio CD track must "
				 "last at least 4 s", t->info.frames / AUDIO_RATE,
				 t->info.frames % AUDIO_RATE * 100 / AUDIO_RATE);
			return wrap_track(e, spec, i);
		}
		t->number = (unsigned)i + 1;
		t->frames = t->info.frames;
		t->pregap = i == 0 || !spec->gapless ? AUTHOR_PREGAP_SECTORS : 0;
		if (i > 0)
			lba += t->pregap;
		t->start = (uint32_t)lba;
		t->sectors = (uint32_t)((t->frames + AUDIO_SECTOR_FRAMES - 1) / AUDIO_SECTOR_FRAMES);
		t->bin_offset = lba * AUDIO_SECTOR_BYTES;
		lba += t->sectors;
		if (lba > AUTHOR_CD_MAX_SECTORS) /* also keeps every field in 32 bits */
			break;
	}
	a->sectors = lba;
	if (lba > AUTHOR_CD_MAX_SECTORS) {
		char have[16], max[16];

		msf(lba + AUTHOR_PREGAP_SECTORS, have);
		msf(AUTHOR_CD_MAX_SECTORS + AUTHOR_PREGAP_SECTORS, max);
		return err_fail(e, "the tracks need %s or more with their pregaps; an 80-minute "
			       "CD ends at %s", have, max);
	}
	return 0;
}

int author_audio_open(struct author_audio **out, const struct author_audio_spec *spec,
		      struct err *e)
{
	struct author_audio *a;

	*out = NULL;
	if (!spec->track_count || spec->track_count > AUTHOR_MAX_TRACKS || !spec->tracks)
		return err_fail(e, "%zu tracks; an audio CD holds 1 to %d", spec->track_count,
				AUTHOR_MAX_TRACKS);
	a = calloc(1, sizeof(*a));
	if (!a)
		return err_fail(e, "out of memory");
	a->count = spec->track_count;
	a->gapless = spec->gapless;
	a->tracks = calloc(a->count, sizeof(*a->tracks));
	a->in = calloc(a->count, sizeof(*a->in));
	a->album_title = dup_text(spec->title);
	a->album_performer = dup_text(spec->performer);
	if (!a->tracks || !a->in || !a->album_title || !a->album_performer) {
		err_fail(e, "out of memory");
		goto out_free;
	}
	for (size_t i = 0; i < a->count; i++) {
		a->in[i].path = dup_text(spec->tracks[i].path);
		a->in[i].title = dup_text(spec->tracks[i].title);
		a->in[i].performer = dup_text(spec->tracks[i].performer);
		if (!a->in[i].path || !a->in[i].title || !a->in[i].performer) {
			err_fail(e, "out of memory");
			goto out_free;
		}
	}
	if (lay_out(a, spec, e) || make_packs(a, e))
		goto out_free;
	log_info(MOD, "audio session: %zu tracks, %" PRIu64 " sectors, CD-TEXT %d block(s)",
		 a->count, a->sectors, a->cdt.blocks);
	*out = a;
	return 0;

out_free:
	author_audio_free(a);
	return -1;
}

void author_audio_estimate(const struct author_audio *a, struct author_estimate *est)
{
	est->sector_size = AUDIO_SECTOR_BYTES;
	est->sectors = a->sectors;
	est->bytes = a->sectors * AUDIO_SECTOR_BYTES;
	est->work_bytes = est->bytes + a->pack_count * 18 + 1 + 64 * 1024; /* bin, cdt, cue */
}

size_t author_audio_track_count(const struct author_audio *a)
{
	return a->count;
}

const struct author_track_layout *author_audio_track(const struct author_audio *a, size_t i)
{
	return i < a->count ? &a->tracks[i] : NULL;
}

const unsigned char *author_audio_packs(const struct author_audio *a, size_t *count)
{
	*count = a->pack_count;
	return a->packs;
}

void author_audio_cdtext(const struct author_audio *a, int *blocks, size_t *limit)
{
	*blocks = a->cdt.blocks;
	*limit = a->cdt.limit;
}

void author_audio_free(struct author_audio *a)
{
	if (!a)
		return;
	for (size_t i = 0; a->in && i < a->count; i++) {
		free(a->in[i].path);
		free(a->in[i].title);
		free(a->in[i].performer);
	}
	free(a->in);
	free(a->album_title);
	free(a->album_performer);
	free(a->tracks);
	free(a->packs);
	free(a);
}

/* ── export ─────────────────────────────────────────────────────────────── */

static bool export_name_ok(const char *name)
{
	size_t n = 0;

	if (!name || name[0] == '.' || !name[0])
		return false;
	for (; name[n]; n++) {
		char c = name[n];

		if (n >= 64 || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
				 (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

static int export_path(char *out, size_t cap, const char *dir, const char *name,
		       const char *ext, struct err *e)
{
	if (!export_name_ok(name))
		return err_fail(e, "export name \"%s\" is not 1..64 of [A-Za-z0-9._-]",
				name ? name : "");
	if ((size_t)snprintf(out, cap, "%s/%s%s", dir, name, ext) >= cap)
		return err_fail(e, "export folder path too long");
	return 0;
}

/* Silence then the track's audio, hashing the audio (padding included). */
static int export_track(struct author_audio *a, size_t i, int fd, const char *bin,
			uint8_t *buf, struct err *e)
{
	struct author_track_layout *t = &a->tracks[i];
	struct audio_reader *r;
	struct audio_info info;
	struct digest_ctx sha;
	uint64_t frames = 0;
	int rc = -1;

	if (i > 0 && t->pregap) {
		memset(buf, 0, (size_t)EXPORT_CHUNK_SECTORS * AUDIO_SECTOR_BYTES);
		for (uint32_t left = t->pregap; left;) {
			uint32_t n = left < EXPORT_CHUNK_SECTORS ? left : EXPORT_CHUNK_SECTORS;

			if (write_all(fd, buf, (size_t)n * AUDIO_SECTOR_BYTES, bin, e))
				return -1;
			left -= n;
		}
	}
	if (audio_open(&r, a->in[i].path, &info, e))
		return err_wrap(e, "track %u", t->number);
	if (info.frames != t->frames) {
		err_fail(e, "track %u: the file changed since the session was laid out",
			 t->number);
		goto out;
	}
	digest_init(&sha);
	for (;;) {
		long n = audio_read(r, buf, (size_t)EXPORT_CHUNK_SECTORS * AUDIO_SECTOR_FRAMES, e);
		size_t bytes;

		if (n < 0) {
			err_wrap(e, "track %u", t->number);
			goto out;
		}
		if (n == 0)
			break;
		frames += (uint64_t)n;
		bytes = (size_t)n * AUDIO_FRAME_BYTES;
		if (frames == t->frames && bytes % AUDIO_SECTOR_BYTES) {
			size_t pad = AUDIO_SECTOR_BYTES - bytes % AUDIO_SECTOR_BYTES;

			memset(buf + bytes, 0, pad);
			bytes += pad;
		}
		digest_update(&sha, buf, bytes);
		if (write_all(fd, buf, bytes, bin, e))
			goto out;
	}
	digest_final(&sha, t->sha256);
	rc = 0;
out:
	audio_close(r);
	return rc;
}

static int write_file_sync(const char *path, const void *buf, size_t len, struct err *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	int rc;

	if (fd < 0)
		return err_fail(e, "%s: %s", path, strerror(errno));
	rc = write_all(fd, buf, len, path, e);
	if (!rc && fsync(fd))
		rc = err_fail(e, "%s: %s", path, strerror(errno));
	if (close(fd) && !rc)
		rc = err_fail(e, "%s: %s", path, strerror(errno));
	return rc;
}

/* The cue's text: block 0's bytes, with '"' as '\''. */
static void cue_text(const char *utf8, size_t limit, char *out, size_t cap)
{
	cdtext_latin1(utf8, out, cap, limit);
	for (char *p = out; *p; p++)
		if (*p == '"')
			*p = '\'';
}

static char *make_cue(const struct author_audio *a, const char *name, size_t *len)
{
	char text[CDTEXT_TEXT_MAX], at[16];
	size_t cap = 0;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, &cap);
	bool performers = a->album_performer[0];

	if (!f)
		return NULL;
	for (size_t i = 0; i < a->count; i++)
		performers |= a->in[i].performer[0] != '\0';
	fprintf(f, "REM Tenpo audio CD: 44100 Hz 16-bit stereo, little-endian, 2352-byte "
		   "sectors\n");
	fprintf(f, "REM FILE and CDTEXTFILE are relative: cd into this folder first\n");
	cue_text(a->album_title, a->cdt.limit, text, sizeof(text));
	fprintf(f, "TITLE \"%s\"\n", text);
	if (performers) {
		cue_text(a->album_performer, a->cdt.limit, text, sizeof(text));
		fprintf(f, "PERFORMER \"%s\"\n", text);
	}
	/* After the disc's TITLE: libcdio lets a later TITLE line reset block
	 * 0's language to "Unknown". */
	fprintf(f, "CDTEXTFILE \"%s.cdt\"\n", name);
	fprintf(f, "FILE \"%s.bin\" BINARY\n", name);
	for (size_t i = 0; i < a->count; i++) {
		const struct author_track_layout *t = &a->tracks[i];

		fprintf(f, "  TRACK %02u AUDIO\n", t->number);
		cue_text(a->in[i].title, a->cdt.limit, text, sizeof(text));
		fprintf(f, "    TITLE \"%s\"\n", text);
		if (performers) {
			cue_text(a->in[i].performer, a->cdt.limit, text, sizeof(text));
			fprintf(f, "    PERFORMER \"%s\"\n", text);
		}
		if (i > 0 && t->pregap) {
			msf(t->start - t->pregap, at);
			fprintf(f, "    INDEX 00 %s\n", at);
		}
		msf(t->start, at);
		fprintf(f, "    INDEX 01 %s\n", at);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	*len = cap;
	return buf;
}

int author_audio_export(struct author_audio *a, const char *dir, const char *name,
			struct err *e)
{
	static const char *const ext[3] = { ".bin", ".cdt", ".cue" };
	char tmp[3][PATH_MAX], fin[3][PATH_MAX];
	unsigned char *cdt = NULL;
	char *cue = NULL;
	size_t cue_len = 0;
	uint8_t *buf = NULL;
	int fd = -1, dfd = -1, rc = -1;

	for (int k = 0; k < 3; k++) {
		char tmp_ext[16];

		snprintf(tmp_ext, sizeof(tmp_ext), "%s.tmp", ext[k]);
		if (export_path(fin[k], PATH_MAX, dir, name, ext[k], e) ||
		    export_path(tmp[k], PATH_MAX, dir, name, tmp_ext, e))
			return -1;
	}
	buf = malloc((size_t)EXPORT_CHUNK_SECTORS * AUDIO_SECTOR_BYTES);
	cdt = malloc(a->pack_count * 18 + 1);
	cue = make_cue(a, name, &cue_len);
	if (!buf || !cdt || !cue) {
		err_fail(e, "out of memory");
		goto out;
	}
	fd = open(tmp[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		err_fail(e, "%s: %s", tmp[0], strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < a->count; i++)
		if (export_track(a, i, fd, tmp[0], buf, e))
			goto out_unlink;
	if (fsync(fd)) {
		err_fail(e, "%s: %s", tmp[0], strerror(errno));
		goto out_unlink;
	}
	if (close(fd)) {
		fd = -1;
		err_fail(e, "%s: %s", tmp[0], strerror(errno));
		goto out_unlink;
	}
	fd = -1;
	memcpy(cdt, a->packs, a->pack_count * 18);
	cdt[a->pack_count * 18] = 0;
	if (write_file_sync(tmp[1], cdt, a->pack_count * 18 + 1, e) ||
	    write_file_sync(tmp[2], cue, cue_len, e))
		goto out_unlink;
	for (int k = 0; k < 3; k++)
		if (rename(tmp[k], fin[k])) {
			err_fail(e, "%s: %s", fin[k], strerror(errno));
			goto out_unlink;
		}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd)) {
		err_fail(e, "%s: %s", dir, strerror(errno));
		goto out;
	}
	log_info(MOD, "exported %s/%s.cue (%zu tracks, %" PRIu64 " sectors)", dir, name,
		 a->count, a->sectors);
	rc = 0;
	goto out;

out_unlink:
	for (int k = 0; k < 3; k++)
		unlink(tmp[k]);
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	free(buf);
	free(cdt);
	free(cue);
	return rc;
}

int author_audio_export_discard(const char *dir, const char *name, struct err *e)
{
	static const char *const ext[3] = { ".bin.tmp", ".cdt.tmp", ".cue.tmp" };
	char path[PATH_MAX];

	for (int k = 0; k < 3; k++) {
		if (export_path(path, sizeof(path), dir, name, ext[k], e))
			return -1;
		if (unlink(path) && errno != ENOENT)
			return err_fail(e, "%s: %s", path, strerror(errno));
	}
	return 0;
}

static int verify_track(const struct author_track_layout *t, int fd, const char *bin,
			uint8_t *buf, struct err *e)
{
	size_t chunk = (size_t)EXPORT_CHUNK_SECTORS * AUDIO_SECTOR_BYTES;
	uint8_t sum[DIGEST_LEN];
	struct digest_ctx sha;
	uint64_t left;

	if (t->number > 1 && t->pregap) {
		left = (uint64_t)t->pregap * AUDIO_SECTOR_BYTES;
		if (lseek(fd, (off_t)(t->bin_offset - left), SEEK_SET) < 0)
			return err_fail(e, "%s: %s", bin, strerror(errno));
		while (left) {
			size_t n = left < chunk ? (size_t)left : chunk;

			if (read_full(fd, buf, n, bin, e))
				return -1;
			for (size_t k = 0; k < n; k++)
				if (buf[k])
					return err_fail(e, "track %u: its pregap is not silent",
							t->number);
			left -= n;
		}
	}
	if (lseek(fd, (off_t)t->bin_offset, SEEK_SET) < 0)
		return err_fail(e, "%s: %s", bin, strerror(errno));
	digest_init(&sha);
	for (left = (uint64_t)t->sectors * AUDIO_SECTOR_BYTES; left;) {
		size_t n = left < chunk ? (size_t)left : chunk;

		if (read_full(fd, buf, n, bin, e))
			return -1;
		digest_update(&sha, buf, n);
		left -= n;
	}
	digest_final(&sha, sum);
	if (!digest_equal(sum, t->sha256, DIGEST_LEN))
		return err_fail(e, "track %u: its sectors differ from what was written "
			       "(SHA-256 mismatch)", t->number);
	return 0;
}

int author_audio_verify_export(const struct author_audio *a, const char *dir,
			       const char *name, unsigned *bad_track, struct err *e)
{
	char bin[PATH_MAX], cdt[PATH_MAX];
	unsigned char *packs = NULL;
	uint8_t *buf = NULL;
	struct stat st;
	int fd = -1, rc = -1, n = 0;

	*bad_track = 0;
	if (export_path(bin, sizeof(bin), dir, name, ".bin", e) ||
	    export_path(cdt, sizeof(cdt), dir, name, ".cdt", e))
		return -1;
	fd = open(bin, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st)) {
		err_fail(e, "%s: %s", bin, strerror(errno));
		goto out;
	}
	if ((uint64_t)st.st_size != a->sectors * AUDIO_SECTOR_BYTES) {
		err_fail(e, "%s is %lld bytes, expected %" PRIu64, bin, (long long)st.st_size,
			 a->sectors * AUDIO_SECTOR_BYTES);
		goto out;
	}
	buf = malloc((size_t)EXPORT_CHUNK_SECTORS * AUDIO_SECTOR_BYTES);
	if (!buf) {
		err_fail(e, "out of memory");
		goto out;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (size_t i = 0; i < a->count; i++)
		if (verify_track(&a->tracks[i], fd, bin, buf, e)) {
			*bad_track = a->tracks[i].number;
			goto out;
		}
	if (burn_cdtext_from_packfile(cdt, &packs, &n, 0) <= 0 || n < 0 ||
	    (size_t)n != a->pack_count || memcmp(packs, a->packs, a->pack_count * 18)) {
		err_fail(e, "%s does not hold the CD-TEXT that was written", cdt);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(packs);
	return rc;
}

/* ── the disc for a real CD writer ──────────────────────────────────────── */

static int add_disc_track(const struct author_audio *a, size_t i, const char *bin,
			  struct burn_session *s, struct err *e)
{
	const struct author_track_layout *t = &a->tracks[i];
	struct burn_source *src;
	struct burn_track *tr;
	int fd, rc = -1;

	tr = burn_track_create();
	if (!tr)
		return err_fail(e, "out of memory");
	burn_track_define_data(tr, 0, 0, 1, BURN_AUDIO);
	burn_track_set_byte_swap(tr, 0); /* NAME.bin is little-endian, as libburn wants */
	if (i > 0 && t->pregap && burn_track_set_pregap_size(tr, (int)t->pregap, 0) <= 0) {
		err_fail(e, "track %u: libburn refused the pregap", t->number);
		goto out;
	}
	fd = open(bin, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || lseek(fd, (off_t)t->bin_offset, SEEK_SET) < 0) {
		err_fail(e, "%s: %s", bin, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	src = burn_fd_source_new(fd, -1, (off_t)t->sectors * AUDIO_SECTOR_BYTES);
	if (!src) {
		close(fd);
		err_fail(e, "track %u: libburn refused the source", t->number);
		goto out;
	}
	if (burn_track_set_source(tr, src) != BURN_SOURCE_OK) {
		burn_source_free(src);
		err_fail(e, "track %u: libburn refused the source", t->number);
		goto out;
	}
	burn_source_free(src); /* the track holds its own reference */
	if (burn_session_add_track(s, tr, BURN_POS_END) <= 0) {
		err_fail(e, "track %u: libburn refused the track", t->number);
		goto out;
	}
	rc = 0;
out:
	burn_track_free(tr); /* the session holds its own reference */
	return rc;
}

int author_audio_disc(const struct author_audio *a, const char *dir, const char *name,
		      struct burn_disc **disc, struct err *e)
{
	struct burn_session *s = NULL;
	struct burn_disc *d = NULL;
	char bin[PATH_MAX];
	struct stat st;

	*disc = NULL;
	if (export_path(bin, sizeof(bin), dir, name, ".bin", e))
		return -1;
	if (stat(bin, &st))
		return err_fail(e, "%s: %s", bin, strerror(errno));
	if ((uint64_t)st.st_size != a->sectors * AUDIO_SECTOR_BYTES)
		return err_fail(e, "%s is %lld bytes, expected %" PRIu64 " (export first)", bin,
				(long long)st.st_size, a->sectors * AUDIO_SECTOR_BYTES);
	d = burn_disc_create();
	s = burn_session_create();
	if (!d || !s) {
		err_fail(e, "out of memory");
		goto out_free;
	}
	if (burn_disc_add_session(d, s, BURN_POS_END) <= 0) {
		err_fail(e, "libburn refused the session");
		goto out_free;
	}
	for (size_t i = 0; i < a->count; i++)
		if (add_disc_track(a, i, bin, s, e))
			goto out_free;
	burn_session_free(s); /* the disc holds its own reference */
	*disc = d;
	return 0;

out_free:
	if (s)
		burn_session_free(s);
	if (d)
		burn_disc_free(d);
	return -1;
}
