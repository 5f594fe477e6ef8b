// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tenpo-wm: the watermark's command line — a thin layer over watermark.h.
 *
 *   tenpo-wm embed   --key K --ids user=U,shop=S,ds=D,cs=C [--format 1|2] IN.wav OUT.wav
 *   tenpo-wm detect  --key K FILE
 *   tenpo-wm trace   --key K --db SERVER_DB FILE
 *   tenpo-wm compare ORIGINAL.wav MARKED.wav
 *
 * K is 64 hex digits (the key itself) or a passphrase; --key-file F reads
 * it from the first line of F instead, which keeps it out of `ps`.  FILE
 * is anything libsndfile decodes: WAV, FLAC, Ogg Vorbis, MP3.  embed makes
 * the current format (v2) unless --format 1 asks for the old, louder one
 * (for tests of the reader and the bench's comparison); detect reads both
 * and prints which it found.
 *
 * trace reads the reference delivery server's database through its read
 * API (tests/delivery-server/db.h: db_open_file_readonly, db_orders_of),
 * never its tables.
 *
 * Exit status: 0 done (detect/trace: one watermark found), 1 error (one
 * line on stderr), 2 usage, 3 no watermark, 4 conflicting watermarks.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>
#include <sndfile.h>

#include "db.h"
#include "err.h"
#include "wm/watermark.h"

enum { EXIT_USAGE = 2, EXIT_NO_MARK = 3, EXIT_CONFLICT = 4 };

static void usage(FILE *f)
{
	fputs("usage: tenpo-wm embed   --key K --ids user=U,shop=S,ds=D,cs=C [--format 1|2] "
	      "IN.wav OUT.wav\n"
	      "       tenpo-wm detect  --key K FILE\n"
	      "       tenpo-wm trace   --key K --db SERVER_DB FILE\n"
	      "       tenpo-wm compare ORIGINAL.wav MARKED.wav\n"
	      "K: 64 hex digits or a passphrase; --key-file F reads it from F.\n"
	      "FILE: WAV, FLAC, Ogg Vorbis or MP3.\n"
	      "exit: 0 ok/found, 1 error, 2 usage, 3 no watermark, 4 conflicting watermarks\n",
	      f);
}

static int fail(const char *msg)
{
	fprintf(stderr, "tenpo-wm: %s\n", msg);
	return 1;
}

static int parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* "user=U,shop=S,ds=D,cs=C", every key once, in any order. */
static int parse_ids(const char *text, struct wm_payload *p, struct err *e)
{
	char buf[256], *save = NULL, *item;
	unsigned seen = 0;

	if (strlen(text) >= sizeof(buf))
		return err_fail(e, "--ids: too long");
	strcpy(buf, text);
	memset(p, 0, sizeof(*p));
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		static const struct {
			const char *name;
			uint32_t max;
		} keys[] = { { "user", UINT32_MAX }, { "shop", 0xFFFFFF },
			     { "ds", 0xFFFF }, { "cs", 0xFFFF } };
		char *eq = strchr(item, '=');
		unsigned i;
		uint32_t v;

		if (!eq)
			return err_fail(e, "--ids: '%s' is not key=value", item);
		*eq = '\0';
		for (i = 0; i < 4 && strcmp(item, keys[i].name); i++)
			;
		if (i == 4)
			return err_fail(e, "--ids: unknown key '%s' (user, shop, ds, cs)", item);
		if (seen & (1u << i))
			return err_fail(e, "--ids: %s given twice", item);
		if (parse_u32(eq + 1, keys[i].max, &v))
			return err_fail(e, "--ids: %s must be a number 0..%lu", item,
					(unsigned long)keys[i].max);
		seen |= 1u << i;
		if (i == 0)
			p->user = v;
		else if (i == 1)
			p->shop = v;
		else if (i == 2)
			p->delivery_server = (uint16_t)v;
		else
			p->content_server = (uint16_t)v;
	}
	if (seen != 0xF)
		return err_fail(e, "--ids: needs user, shop, ds and cs");
	return 0;
}

static void print_ids(const char *lead, const struct wm_payload *p)
{
	printf("%suser %" PRIu32 ", shop %" PRIu32 ", delivery server %u, content server %u\n",
	       lead, p->user, p->shop, p->delivery_server, p->content_server);
}

/* Prints the verdict; returns the exit status it implies. */
static int report(const char *path, const struct wm_result *r)
{
	switch (r->status) {
	case WM_FOUND:
		print_ids("watermark: ", &r->payload);
		printf("confidence %.2f (%u of %u coded bits corrected), sync %.1f sigma, "
		       "speed %.4f, marked at %u Hz, %u periods read, first at %.2f s\n",
		       r->confidence, r->bit_errors, r->coded_bits, r->sync_score, r->speed,
		       r->marked_rate, r->periods, r->offset_seconds);
		printf("format v%u\n", r->payload.version);
		return 0;
	case WM_CONFLICT:
		printf("conflicting watermarks: this copy carries marks of different payloads "
		       "(a collusion attempt); no single customer is named\n");
		for (unsigned i = 0; i < r->candidates; i++)
			print_ids("  candidate: ", &r->candidate[i]);
		printf("sync %.1f sigma, payload/sync energy %.2f\n", r->sync_score,
		       r->data_ratio);
		return EXIT_CONFLICT;
	case WM_NOT_FOUND:
		break;
	}
	printf("no watermark in %s under this key (best sync %.1f sigma)\n", path,
	       r->sync_score);
	return EXIT_NO_MARK;
}

static int cmd_embed(const struct wm_key *k, const char *ids, unsigned version, const char *in,
		     const char *out)
{
	struct wm_embed_stats st;
	struct wm_payload p;
	struct err e;

	if (parse_ids(ids, &p, &e))
		return fail(e.msg);
	p.version = (uint8_t)version;
	if (wm_embed_wav_file(in, out, k, &p, &st, &e))
		return fail(e.msg);
	printf("embedded format v%u", version);
	if (st.level)
		printf(" at level %u", st.level);
	printf(" in %.1f s of audio (%u full periods): SNR %.1f dB, mean band "
	       "change %.2f dB, clipped samples %zu\n",
	       st.seconds, st.blocks, st.snr_db, st.mean_gain_db, st.clipped);
	return 0;
}

static int cmd_detect(const struct wm_key *k, const char *path)
{
	struct wm_result r;
	struct err e;

	if (wm_detect_file(path, k, &r, &e))
		return fail(e.msg);
	return report(path, &r);
}

/* One line per order the mark names (db_orders_of's callback). */
static int print_order(void *arg, const struct db_order *o)
{
	unsigned *rows = arg;
	time_t at = (time_t)o->created_at;
	char when[32];
	struct tm tm;

	gmtime_r(&at, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	printf("order %s: user %" PRIu32 ", shop %" PRIu32 ", placed %s, \"%s\" (%s)\n", o->id,
	       o->user, o->shop, when, o->title, o->state);
	(*rows)++;
	return 0;
}

static int cmd_trace(const struct wm_key *k, const char *db_path, const char *path)
{
	sqlite3 *db = NULL;
	struct wm_result r;
	struct err e;
	char server_id[24];
	unsigned rows = 0;
	int rc;

	if (wm_detect_file(path, k, &r, &e))
		return fail(e.msg);
	rc = report(path, &r);
	if (r.status != WM_FOUND)
		return rc;
	if (db_open_file_readonly(db_path, &db, &e))
		return fail(e.msg);
	if (db_meta_get(db, "delivery_server_id", server_id, sizeof(server_id), &e)) {
		db_close(db);
		err_wrap(&e, "%s", db_path);
		return fail(e.msg);
	}
	if (strtoll(server_id, NULL, 10) != r.payload.delivery_server) {
		printf("this copy was prepared by delivery server %u; %s belongs to delivery "
		       "server %s: ask that server's operator\n",
		       r.payload.delivery_server, db_path, server_id);
		db_close(db);
		return 1;
	}
	rc = db_orders_of(db, r.payload.user, r.payload.shop, r.payload.content_server,
			  print_order, &rows, &e);
	db_close(db);
	if (rc) {
		err_wrap(&e, "%s", db_path);
		return fail(e.msg);
	}
	if (!rows) {
		printf("no order in %s for user %" PRIu32 " at shop %" PRIu32
		       " of content server %u\n",
		       db_path, r.payload.user, r.payload.shop, r.payload.content_server);
		return 1;
	}
	return 0;
}

/* Reads a file through libsndfile as interleaved float. */
static float *load(const char *path, SF_INFO *info, struct err *e)
{
	SNDFILE *sf;
	float *pcm = NULL;
	sf_count_t got;

	memset(info, 0, sizeof(*info));
	sf = sf_open(path, SFM_READ, info);
	if (!sf) {
		err_fail(e, "%s: %s", path, sf_strerror(NULL));
		return NULL;
	}
	if (info->channels < 1 || info->channels > WM_DETECT_CHANNELS_MAX || info->frames < 1 ||
	    (double)info->frames > WM_DETECT_MAX_SECONDS * info->samplerate) {
		err_fail(e, "%s: unsupported shape", path);
		goto out_close;
	}
	pcm = malloc(sizeof(float) * (size_t)info->frames * (size_t)info->channels);
	if (!pcm) {
		err_fail(e, "%s: out of memory", path);
		goto out_close;
	}
	got = sf_readf_float(sf, pcm, info->frames);
	if (got != info->frames) {
		err_fail(e, "%s: short read", path);
		free(pcm);
		pcm = NULL;
	}
out_close:
	sf_close(sf);
	return pcm;
}

static int cmd_compare(const char *a_path, const char *b_path)
{
	SF_INFO ia, ib;
	float *a, *b = NULL;
	struct wm_quality q;
	struct err e;
	int rc = 1;

	a = load(a_path, &ia, &e);
	if (a)
		b = load(b_path, &ib, &e);
	if (!a || !b) {
		fail(e.msg);
		goto out_free;
	}
	if (ia.channels != ib.channels || ia.samplerate != ib.samplerate ||
	    ia.frames != ib.frames) {
		fail("the two files differ in rate, channels or length");
		goto out_free;
	}
	if (wm_quality(a, b, (size_t)ia.frames, (unsigned)ia.channels, (unsigned)ia.samplerate,
		       &q, &e)) {
		fail(e.msg);
		goto out_free;
	}
	printf("SNR %.1f dB, segmental SNR %.1f dB, noise-to-mask %.1f dB mean, "
	       "%.2f %% of band-frames over the mask, 99.9th percentile %.1f dB\n",
	       q.snr_db, q.segsnr_db, q.nmr_mean_db, q.nmr_over_pct, q.nmr_worst_db);
	rc = 0;
out_free:
	free(a);
	free(b);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "ids", required_argument, NULL, 'i' },
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key_text = NULL, *key_file = NULL, *ids = NULL, *db = NULL, *cmd;
	struct wm_key key;
	struct err e;
	unsigned version = WM_VERSION;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			key_text = optarg;
			break;
		case 'K':
			key_file = optarg;
			break;
		case 'i':
			ids = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "1") || !strcmp(optarg, "2")) {
				version = (unsigned)(optarg[0] - '0');
				break;
			}
			fprintf(stderr, "tenpo-wm: --format %s: 1 or 2\n", optarg);
			return EXIT_USAGE;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind++];
	if (!strcmp(cmd, "compare")) {
		if (argc - optind != 2) {
			usage(stderr);
			return EXIT_USAGE;
		}
		return cmd_compare(argv[optind], argv[optind + 1]);
	}
	if (!!key_text == !!key_file) {
		fputs("tenpo-wm: give exactly one of --key and --key-file\n", stderr);
		return EXIT_USAGE;
	}
	if (key_file ? wm_key_load_file(&key, key_file, &e) : wm_key_from_text(&key, key_text, &e))
		return fail(e.msg);
	if (!strcmp(cmd, "embed") && ids && argc - optind == 2)
		return cmd_embed(&key, ids, version, argv[optind], argv[optind + 1]);
	if (!strcmp(cmd, "detect") && argc - optind == 1)
		return cmd_detect(&key, argv[optind]);
	if (!strcmp(cmd, "trace") && db && argc - optind == 1)
		return cmd_trace(&key, db, argv[optind]);
	usage(stderr);
	return EXIT_USAGE;
}
