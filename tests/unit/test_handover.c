// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_handover: a claimed audio-cd order through handover_run() on a
 * pseudo-drive (CUE/BIN): verified when the BIN reads back as written,
 * refused (back to claimed, blank counted) when it was changed between the
 * write and the read-back, and the result says which (r.verified) so that
 * the CLI and the log never claim a verification that did not happen.
 */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sndfile.h>

#include "digest.h"
#include "handover.h"
#include "manifest.h"
#include "pickup.h"
#include "spool.h"
#include "store.h"
#include "scratch.h"

#define TRACKS 2
#define TRACK_FRAMES (44100 * 5) /* 5 s: over the 4 s minimum */

struct fx {
	char dir[256], bin[300];
	struct config cfg;
	struct store *s;
	struct spool *sp;
	bool corrupt, corrupted;
};

static void must(int rc, const struct err *e, const char *what)
{
	if (rc < 0)
		fail_msg("%s: %s", what, e->msg);
}

/* A 16-bit stereo 44.1 kHz WAV of a pattern that differs per track. */
static void write_wav(const char *path, int track)
{
	SF_INFO info = { .samplerate = 44100, .channels = 2,
			 .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
	SNDFILE *f = sf_open(path, SFM_WRITE, &info);
	static short buf[2 * 4410];

	assert_non_null(f);
	for (int k = 0; k < TRACK_FRAMES / 4410; k++) {
		for (int i = 0; i < 2 * 4410; i++)
			buf[i] = (short)((i * 37 + k * 101 + track * 7919) % 20000 - 10000);
		assert_int_equal(sf_writef_short(f, buf, 4410), 4410);
	}
	sf_close(f);
}

/* The file at src into the spool as order id's file idx; its size and hash. */
static void spool_file(struct fx *f, const char *id, unsigned idx, const char *src,
		       struct manifest_file *mf)
{
	struct spool_writer *w = NULL;
	struct err e = { "" };
	FILE *in = fopen(src, "rb");
	char buf[65536];
	size_t n;

	assert_non_null(in);
	must(spool_writer_open(f->sp, id, idx, 0, &w, &e), &e, "writer");
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		must(spool_writer_write(w, buf, n, &e), &e, "write");
		mf->size += n;
	}
	fclose(in);
	must(spool_writer_close(w, true, &e), &e, "close");
	must(spool_commit(f->sp, id, idx, &e), &e, "commit");
	must(digest_sha256_file(src, UINT64_MAX, mf->sha256, NULL, &e), &e, "hash");
}

/* A claimed audio-cd order "A1" of TRACKS tracks. */
static void claimed_order(struct fx *f)
{
	static const char json[] = "{\"version\":1}";
	static const uint8_t sig[] = { 0x30, 0x44 };
	struct manifest m = { 0 };
	struct manifest_file files[TRACKS];
	struct err e = { "" };

	memset(files, 0, sizeof(files));
	m.version = 1;
	snprintf(m.order_id, sizeof(m.order_id), "A1");
	m.ids.shop = 1001;
	snprintf(m.title, sizeof(m.title), "夜明けの歌");
	snprintf(m.artist, sizeof(m.artist), "Tenpo Ensemble");
	m.media = MEDIA_AUDIO_CD;
	m.price = 1500;
	memcpy(m.currency, "JPY", 4);
	m.prepaid = true;
	m.issued_at = 1795000000;
	m.expires_at = 4102444800;
	m.pickup.iterations = PICKUP_MIN_ITERATIONS;
	must(pickup_verifier_compute("1234-5678-9012", &m.pickup, &e), &e, "verifier");
	m.files = files;
	m.file_count = TRACKS;
	for (unsigned i = 0; i < TRACKS; i++) {
		char wav[300];

		snprintf(wav, sizeof(wav), "%s/t%u.wav", f->dir, i);
		write_wav(wav, (int)i);
		snprintf(files[i].name, sizeof(files[i].name), "%02u Track.wav", i + 1);
		files[i].kind = FILE_AUDIO;
		files[i].track.number = i + 1;
		snprintf(files[i].track.title, sizeof(files[i].track.title), "Song %u", i + 1);
		spool_file(f, "A1", i, wav, &files[i]);
		m.total_bytes += files[i].size;
	}
	assert_int_equal(store_order_announce(f->s, "A1", &e), 1);
	must(store_order_accept_manifest(f->s, "A1", json, sizeof(json) - 1, sig, sizeof(sig), &m,
					 &e), &e, "accept");
	for (unsigned i = 0; i < TRACKS; i++)
		must(store_file_done(f->s, "A1", i, &e), &e, "file done");
	must(store_order_move(f->s, "A1", ORDER_DOWNLOADING, ORDER_READY, "", NULL, &e), &e,
	     "ready");
	must(store_order_claim(f->s, "A1", &e), &e, "claim");
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct err e = { "" };
	char path[300];

	assert_non_null(f);
	assert_int_equal(scratch_make(f->dir, sizeof(f->dir), "handover"), 0);
	snprintf(path, sizeof(path), "%s/out", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(f->bin, sizeof(f->bin), "%s/out/audio.bin", f->dir);
	snprintf(f->cfg.drive, sizeof(f->cfg.drive), "stdio:%s/out/audio.iso", f->dir);
	f->cfg.shop_id = 1001;
	snprintf(path, sizeof(path), "%s/db", f->dir);
	must(store_create(path, &e), &e, "store");
	must(store_open(&f->s, path, &e), &e, "store");
	snprintf(path, sizeof(path), "%s/spool", f->dir);
	must(spool_open(&f->sp, path, 1ull << 30, &e), &e, "spool");
	must(handover_init(&e), &e, "init");
	claimed_order(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	handover_finish();
	spool_close(f->sp);
	store_close(f->s);
	scratch_remove(f->dir);
	free(f);
	return 0;
}

/* At the start of the read-back, when asked: one byte of the BIN changes. */
static int on_progress(void *arg, const struct handover_progress *p)
{
	struct fx *f = arg;

	if (f->corrupt && !f->corrupted && p->stage == BURNER_STAGE_VERIFYING) {
		FILE *b = fopen(f->bin, "r+b");
		int c;

		assert_non_null(b);
		assert_int_equal(fseek(b, 2352L * 100 + 17, SEEK_SET), 0);
		c = fgetc(b);
		assert_int_equal(fseek(b, 2352L * 100 + 17, SEEK_SET), 0);
		fputc(c ^ 0x40, b);
		assert_int_equal(fclose(b), 0);
		f->corrupted = true;
	}
	return 0;
}

static enum order_state state_of(struct fx *f)
{
	struct store_order o;
	struct err e = { "" };

	assert_int_equal(store_order_get(f->s, "A1", &o, &e), 1);
	return o.state;
}

static void audio_verified(void **state)
{
	struct fx *f = *state;
	struct handover_opts o = { .progress = on_progress, .arg = f };
	struct handover_result r;
	struct err e = { "" };

	must(handover_run(&f->cfg, f->s, f->sp, "A1", &o, &r, &e), &e, "run");
	assert_true(r.verified);
	assert_string_equal(r.not_verified, "");
	assert_int_equal(state_of(f), ORDER_ERASED);
}

static void audio_changed_after_write_refused(void **state)
{
	struct fx *f = *state;
	struct handover_opts o = { .progress = on_progress, .arg = f };
	struct handover_result r;
	struct err e = { "" };
	int64_t ruined = -1;

	f->corrupt = true;
	assert_int_equal(handover_run(&f->cfg, f->s, f->sp, "A1", &o, &r, &e), -1);
	assert_true(f->corrupted);
	assert_false(r.verified);
	assert_int_equal(r.refusal, REFUSE_VERIFY_FAILED);
	assert_non_null(strstr(e.msg, "track 1"));
	assert_int_equal(state_of(f), ORDER_CLAIMED);
	must(store_counter_add(f->s, "ruined_blanks", 0, &ruined, &e), &e, "counter");
	assert_int_equal(ruined, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(audio_verified, setup, teardown),
		cmocka_unit_test_setup_teardown(audio_changed_after_write_refused, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
