// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * manifest: the one gate for what the delivery server says.
 *
 * Valid manifests are built as structs and written with manifest_to_json();
 * each hostile case is that JSON with one change made through cJSON (edit()),
 * so every case differs from a good manifest in exactly the way its name says.
 * Signing keys (P-256, a second P-256, P-384, RSA-1024) are made in a
 * temporary folder by the group setup.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <cjson/cJSON.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>

#include "burner.h"
#include "manifest.h"

/* --- Building manifests ------------------------------------------------- */

static void fill_common(struct manifest *m, enum media_kind media, size_t n)
{
	memset(m, 0, sizeof(*m));
	m->version = 1;
	strcpy(m->order_id, "K7Q2M9X4P1");
	m->ids.user = 12345678;
	m->ids.shop = 1001;
	m->ids.delivery_server = 7;
	m->ids.content_server = 42;
	strcpy(m->title, "夜明けの歌 \"live\" \\ 🎵");
	strcpy(m->artist, "Tenpo Ensemble");
	m->media = media;
	m->price = 1500;
	strcpy(m->currency, "JPY");
	m->prepaid = true;
	m->issued_at = 1795000000;
	m->expires_at = 1797592000;
	m->pickup.iterations = PICKUP_DEFAULT_ITERATIONS;
	m->pickup.locator = 40312;
	m->pickup.has_locator = true;
	for (size_t i = 0; i < PICKUP_SALT_LEN; i++)
		m->pickup.salt[i] = (uint8_t)(0xa0 + i);
	for (size_t i = 0; i < PICKUP_HASH_LEN; i++)
		m->pickup.hash[i] = (uint8_t)(0x10 + i);
	m->file_count = n;
	m->files = calloc(n, sizeof(*m->files));
	assert_non_null(m->files);
}

static void sample_audio(struct manifest *m)
{
	static const char *const titles[] = { "Morning", "Noon", "Night" };

	fill_common(m, MEDIA_AUDIO_CD, 3);
	for (size_t i = 0; i < 3; i++) {
		struct manifest_file *f = &m->files[i];

		snprintf(f->name, sizeof(f->name), "%02zu %s.wav", i + 1, titles[i]);
		f->size = 5292044 + i;
		for (size_t b = 0; b < DIGEST_LEN; b++)
			f->sha256[b] = (uint8_t)(i * 32 + b);
		f->kind = FILE_AUDIO;
		f->track.number = (unsigned)i + 1;
		snprintf(f->track.title, sizeof(f->track.title), "%s", titles[i]);
		strcpy(f->track.performer, "Tenpo Ensemble");
	}
}

static void sample_dvd(struct manifest *m)
{
	fill_common(m, MEDIA_DATA_DVD, 3);
	m->prepaid = false;
	m->artist[0] = '\0';
	strcpy(m->files[0].name, "Film.mkv");
	m->files[0].size = 3000000000ULL;
	m->files[0].kind = FILE_VIDEO;
	strcpy(m->files[1].name, "README.txt");
	m->files[1].size = 1;
	m->files[1].kind = FILE_DATA;
	strcpy(m->files[2].name, "Bonus ♪.flac");
	m->files[2].size = 40000000;
	m->files[2].kind = FILE_AUDIO;
	m->files[2].track.number = 1; /* a track on a data disc: metadata only */
	strcpy(m->files[2].track.title, "Bonus");
	for (size_t i = 0; i < 3; i++)
		memset(m->files[i].sha256, (int)(0x31 * (i + 1)), DIGEST_LEN);
}

static char *json_of(const struct manifest *m)
{
	struct err e = { { 0 } };
	size_t len = 0;
	char *j = manifest_to_json(m, &len, &e);

	if (!j)
		fail_msg("manifest_to_json: %s", e.msg);
	assert_int_equal(strlen(j), len);
	return j;
}

static char *audio_json(void)
{
	struct manifest m;
	char *j;

	sample_audio(&m);
	j = json_of(&m);
	manifest_free(&m);
	return j;
}

static char *dvd_json(void)
{
	struct manifest m;
	char *j;

	sample_dvd(&m);
	j = json_of(&m);
	manifest_free(&m);
	return j;
}

static void assert_manifest_equal(const struct manifest *a, const struct manifest *b)
{
	assert_int_equal(a->version, b->version);
	assert_string_equal(a->order_id, b->order_id);
	assert_int_equal(a->ids.user, b->ids.user);
	assert_int_equal(a->ids.shop, b->ids.shop);
	assert_int_equal(a->ids.delivery_server, b->ids.delivery_server);
	assert_int_equal(a->ids.content_server, b->ids.content_server);
	assert_string_equal(a->title, b->title);
	assert_string_equal(a->artist, b->artist);
	assert_int_equal(a->media, b->media);
	assert_int_equal(a->price, b->price);
	assert_string_equal(a->currency, b->currency);
	assert_int_equal(a->prepaid, b->prepaid);
	assert_int_equal(a->issued_at, b->issued_at);
	assert_int_equal(a->expires_at, b->expires_at);
	assert_int_equal(a->pickup.iterations, b->pickup.iterations);
	assert_memory_equal(a->pickup.salt, b->pickup.salt, PICKUP_SALT_LEN);
	assert_memory_equal(a->pickup.hash, b->pickup.hash, PICKUP_HASH_LEN);
	assert_int_equal(a->file_count, b->file_count);
	for (size_t i = 0; i < a->file_count; i++) {
		const struct manifest_file *x = &a->files[i], *y = &b->files[i];

		assert_string_equal(x->name, y->name);
		assert_int_equal(x->size, y->size);
		assert_memory_equal(x->sha256, y->sha256, DIGEST_LEN);
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->track.number, y->track.number);
		assert_string_equal(x->track.title, y->track.title);
		assert_string_equal(x->track.performer, y->track.performer);
	}
}

/*
 * base with one change: path is dotted ("files.0.track.number"); value NULL
 * deletes the member, otherwise it replaces (or adds) it.  Takes value.
 */
static char *edit(const char *base, const char *path, cJSON *value)
{
	cJSON *root = cJSON_Parse(base), *cur = root, *next;
	char buf[128], *seg, *rest, *out;

	assert_non_null(root);
	snprintf(buf, sizeof(buf), "%s", path);
	seg = buf;
	for (;;) {
		rest = strchr(seg, '.');
		if (rest)
			*rest++ = '\0';
		if (!rest)
			break;
		next = cJSON_IsArray(cur) ? cJSON_GetArrayItem(cur, atoi(seg))
					  : cJSON_GetObjectItemCaseSensitive(cur, seg);
		assert_non_null(next);
		cur = next;
		seg = rest;
	}
	if (cJSON_IsArray(cur)) {
		int idx = atoi(seg);

		if (value)
			assert_true(cJSON_ReplaceItemInArray(cur, idx, value));
		else
			cJSON_DeleteItemFromArray(cur, idx);
	} else if (!value) {
		assert_non_null(cJSON_GetObjectItemCaseSensitive(cur, seg));
		cJSON_DeleteItemFromObjectCaseSensitive(cur, seg);
	} else if (cJSON_GetObjectItemCaseSensitive(cur, seg)) {
		assert_true(cJSON_ReplaceItemInObjectCaseSensitive(cur, seg, value));
	} else {
		assert_true(cJSON_AddItemToObject(cur, seg, value));
	}
	out = cJSON_PrintUnformatted(root);
	assert_non_null(out);
	cJSON_Delete(root);
	return out;
}

/* base with its files replaced by n copies of files[0], named "f0000"... */
static char *with_files(const char *base, size_t n, unsigned track_mod)
{
	cJSON *root = cJSON_Parse(base), *files, *arr = cJSON_CreateArray();
	char name[32], *out;

	assert_non_null(root);
	files = cJSON_GetObjectItemCaseSensitive(root, "files");
	for (size_t i = 0; i < n; i++) {
		cJSON *f = cJSON_Duplicate(cJSON_GetArrayItem(files, 0), 1), *t;

		snprintf(name, sizeof(name), "f%04zu", i);
		cJSON_ReplaceItemInObjectCaseSensitive(f, "name", cJSON_CreateString(name));
		cJSON_ReplaceItemInObjectCaseSensitive(f, "size", cJSON_CreateNumber(1000));
		t = cJSON_GetObjectItemCaseSensitive(f, "track");
		if (t && track_mod)
			cJSON_ReplaceItemInObjectCaseSensitive(
				t, "number", cJSON_CreateNumber((double)(i % track_mod + 1)));
		cJSON_AddItemToArray(arr, f);
	}
	cJSON_ReplaceItemInObjectCaseSensitive(root, "files", arr);
	out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return out;
}

static void expect_refused_len(const char *json, size_t len, const char *want)
{
	struct manifest m;
	struct err e = { { 0 } };

	memset(&m, 0x5a, sizeof(m));
	if (manifest_parse(json, len, &m, &e) != -1)
		fail_msg("accepted, expected \"%s\"", want);
	if (!strstr(e.msg, want))
		fail_msg("error \"%s\", expected \"%s\"", e.msg, want);
	/* Left empty, safe to free. */
	assert_null(m.files);
	assert_int_equal(m.file_count, 0);
	manifest_free(&m);
}

static void expect_refused(const char *json, const char *want)
{
	expect_refused_len(json, strlen(json), want);
}

static void expect_accepted(const char *json)
{
	struct manifest m;
	struct err e = { { 0 } };

	if (manifest_parse(json, strlen(json), &m, &e))
		fail_msg("refused: %s", e.msg);
	manifest_free(&m);
}

/* One edit of base, refused with `want` in the message.  Frees value. */
static void refused_edit(const char *base, const char *path, cJSON *value, const char *want)
{
	char *j = edit(base, path, value);

	expect_refused(j, want);
	free(j);
}

static void accepted_edit(const char *base, const char *path, cJSON *value)
{
	char *j = edit(base, path, value);

	expect_accepted(j);
	free(j);
}

/* --- Round trips -------------------------------------------------------- */

static void round_trip(void (*sample)(struct manifest *), uint64_t total)
{
	struct manifest m, back;
	struct err e = { { 0 } };
	char *j, *j2;

	sample(&m);
	j = json_of(&m);
	if (manifest_parse(j, strlen(j), &back, &e))
		fail_msg("refused: %s", e.msg);
	assert_manifest_equal(&m, &back);
	assert_int_equal(back.total_bytes, total);
	/* Deterministic: the same manifest gives the same bytes. */
	j2 = json_of(&back);
	assert_string_equal(j, j2);
	free(j2);
	free(j);
	manifest_free(&back);
	manifest_free(&m);
}

static void round_trip_audio(void **state)
{
	(void)state;
	round_trip(sample_audio, 3 * 5292044ULL + 3);
}

static void round_trip_dvd(void **state)
{
	(void)state;
	round_trip(sample_dvd, 3000000000ULL + 1 + 40000000);
}

static void round_trip_extremes(void **state)
{
	struct manifest m, back;
	struct err e = { { 0 } };
	char *j;

	(void)state;
	sample_dvd(&m);
	m.ids.user = UINT32_MAX;
	m.ids.shop = 0xffffff;
	m.ids.delivery_server = UINT16_MAX;
	m.ids.content_server = 0;
	m.price = (1ULL << 53) - 1;
	m.issued_at = 0;
	m.expires_at = (1LL << 53) - 1;
	m.pickup.iterations = PICKUP_MAX_ITERATIONS;
	memset(m.files[0].name, 'n', MANIFEST_NAME_MAX);
	m.files[0].name[MANIFEST_NAME_MAX] = '\0';
	memset(m.title, 't', MANIFEST_TEXT_MAX - 1);
	m.title[MANIFEST_TEXT_MAX - 1] = '\0';
	j = json_of(&m);
	/* Integers are written as integers, never "9.007e+15". */
	assert_non_null(strstr(j, "\"amount\":9007199254740991"));
	assert_non_null(strstr(j, "\"expires_at\":9007199254740991"));
	assert_non_null(strstr(j, "\"user\":4294967295"));
	if (manifest_parse(j, strlen(j), &back, &e))
		fail_msg("refused: %s", e.msg);
	assert_manifest_equal(&m, &back);
	free(j);
	manifest_free(&back);
	manifest_free(&m);
}

/* The example of manifest.h, typed out. */
static void header_example_parses(void **state)
{
	static const char json[] =
		"{\n"
		"  \"version\": 1,\n"
		"  \"order_id\": \"K7Q2M9X4P1\",\n"
		"  \"ids\": { \"user\": 12345678, \"shop\": 1001,\n"
		"           \"delivery_server\": 7, \"content_server\": 42 },\n"
		"  \"title\": \"夜明けの歌\", \"artist\": \"Tenpo Ensemble\", \"media\": \"audio-cd\",\n"
		"  \"price\": { \"amount\": 1500, \"currency\": \"JPY\", \"prepaid\": true },\n"
		"  \"issued_at\": 1795000000, \"expires_at\": 1797592000,\n"
		"  \"pickup\": { \"kdf\": \"pbkdf2-hmac-sha256\", \"iterations\": 20000,\n"
		"              \"locator\": 40312,\n"
		"              \"salt\": \"000102030405060708090a0b0c0d0e0f\",\n"
		"              \"hash\": \"" "00112233445566778899AABBCCDDEEFF"
		"00112233445566778899aabbccddeeff\" },\n"
		"  \"files\": [\n"
		"    { \"name\": \"01 Morning.wav\", \"size\": 5292044,\n"
		"      \"sha256\": \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\n"
		"      \"kind\": \"audio\",\n"
		"      \"track\": { \"number\": 1, \"title\": \"Morning\", \"performer\": \"...\" } }\n"
		"  ],\n"
		"  \"future_key\": {\"anything\": [1, 2.5, null]}\n"
		"}\n";
	struct manifest m;
	struct err e = { { 0 } };

	(void)state;
	if (manifest_parse(json, sizeof(json) - 1, &m, &e))
		fail_msg("refused: %s", e.msg);
	assert_int_equal(m.media, MEDIA_AUDIO_CD);
	assert_string_equal(m.title, "夜明けの歌");
	assert_int_equal(m.ids.shop, 1001);
	assert_int_equal(m.pickup.locator, 40312);
	assert_int_equal(m.pickup.hash[8], 0x88);
	assert_int_equal(m.pickup.hash[10], 0xaa);
	assert_int_equal(m.file_count, 1);
	assert_int_equal(m.files[0].track.number, 1);
	assert_int_equal(m.files[0].sha256[0], 0xe3);
	assert_int_equal(m.total_bytes, 5292044);
	manifest_free(&m);
}

/* --- File names --------------------------------------------------------- */

static void hostile_names(void **state)
{
	static const struct {
		const char *name, *want;
	} cases[] = {
		{ "../x", "manifest: files[1].name: contains '/'" },
		{ "/etc/passwd", "manifest: files[1].name: contains '/'" },
		{ "a/b", "manifest: files[1].name: contains '/'" },
		{ "a\\b", "manifest: files[1].name: contains '\\'" },
		{ "..\\x", "manifest: files[1].name: contains '\\'" },
		{ "..", "manifest: files[1].name: is \"..\"" },
		{ ".", "manifest: files[1].name: is \".\"" },
		{ "", "manifest: files[1].name: is empty" },
		{ "a\x01.wav", "manifest: files[1].name: contains control character U+0001" },
		{ "a\x7f.wav", "manifest: files[1].name: contains control character U+007F" },
		{ "a\n.wav", "manifest: files[1].name: contains control character U+000A" },
		{ "a\xc2\x85.wav", "manifest: files[1].name: contains control character U+0085" },
		/* Invalid UTF-8: overlong '/', overlong 3-byte, surrogate D800,
		 * truncated sequences, above U+10FFFF, stray continuation, FF. */
		{ "a\xc0\xaf", "manifest: files[1].name: not valid UTF-8 at byte 1" },
		{ "a\xe0\x80\xaf", "manifest: files[1].name: not valid UTF-8 at byte 1" },
		{ "a\xf0\x80\x80\xaf", "manifest: files[1].name: not valid UTF-8 at byte 1" },
		{ "ab\xed\xa0\x80", "manifest: files[1].name: not valid UTF-8 at byte 2" },
		{ "ab\xed\xbf\xbf", "manifest: files[1].name: not valid UTF-8 at byte 2" },
		{ "abc\xe3\x81", "manifest: files[1].name: not valid UTF-8 at byte 3" },
		{ "abc\xe3\x81x", "manifest: files[1].name: not valid UTF-8 at byte 3" },
		{ "\xf0\x9f\x8e", "manifest: files[1].name: not valid UTF-8 at byte 0" },
		{ "\xf4\x90\x80\x80", "manifest: files[1].name: not valid UTF-8 at byte 0" },
		{ "\x80x", "manifest: files[1].name: not valid UTF-8 at byte 0" },
		{ "x\xff", "manifest: files[1].name: not valid UTF-8 at byte 1" },
	};
	char *base = dvd_json();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		refused_edit(base, "files.1.name", cJSON_CreateString(cases[i].name), cases[i].want);
	free(base);
}

static void name_lengths_and_unicode(void **state)
{
	char *base = dvd_json(), name[MANIFEST_NAME_MAX + 2];

	(void)state;
	memset(name, 'n', sizeof(name));
	name[MANIFEST_NAME_MAX] = '\0';
	accepted_edit(base, "files.1.name", cJSON_CreateString(name));
	name[MANIFEST_NAME_MAX] = 'n';
	name[MANIFEST_NAME_MAX + 1] = '\0';
	refused_edit(base, "files.1.name", cJSON_CreateString(name),
		     "manifest: files[1].name: longer than 180 bytes");
	/* Boundary code points are fine: U+0080 is a C1 control, U+00A0 not;
	 * U+FFFF, U+10000, U+10FFFF and U+E000 are all valid. */
	accepted_edit(base, "files.1.name", cJSON_CreateString("a\xc2\xa0"));
	accepted_edit(base, "files.1.name", cJSON_CreateString("\xef\xbf\xbf\xee\x80\x80"));
	accepted_edit(base, "files.1.name", cJSON_CreateString("\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"));
	accepted_edit(base, "files.1.name", cJSON_CreateString("...")); /* only . and .. */
	accepted_edit(base, "files.1.name", cJSON_CreateString(".hidden"));
	free(base);
}

static void name_ok_standalone(void **state)
{
	struct err e = { { 0 } };

	(void)state;
	assert_true(manifest_name_ok("01 Morning.wav", &e));
	assert_true(manifest_name_ok("夜明け.flac", NULL));
	assert_false(manifest_name_ok("../x", &e));
	assert_string_equal(e.msg, "contains '/'");
	assert_false(manifest_name_ok("..", NULL));
	assert_false(manifest_name_ok("a\tb", &e));
	assert_string_equal(e.msg, "contains control character U+0009");
}

static void text_fields_checked(void **state)
{
	char *base = audio_json(), text[MANIFEST_TEXT_MAX + 1];

	(void)state;
	refused_edit(base, "title", cJSON_CreateString("bad \xc0\x80"),
		     "manifest: title: not valid UTF-8 at byte 4");
	refused_edit(base, "artist", cJSON_CreateString("bell\a"),
		     "manifest: artist: contains control character U+0007");
	refused_edit(base, "files.2.track.title", cJSON_CreateString("\xed\xb0\x80"),
		     "manifest: files[2].track.title: not valid UTF-8 at byte 0");
	refused_edit(base, "files.0.track.performer", cJSON_CreateString("a\x1b[2J"),
		     "manifest: files[0].track.performer: contains control character U+001B");
	memset(text, 'x', sizeof(text));
	text[MANIFEST_TEXT_MAX - 1] = '\0';
	accepted_edit(base, "title", cJSON_CreateString(text));
	text[MANIFEST_TEXT_MAX - 1] = 'x';
	text[MANIFEST_TEXT_MAX] = '\0';
	refused_edit(base, "title", cJSON_CreateString(text),
		     "manifest: title: longer than 255 bytes");
	/* Slashes are fine in a title; only file names forbid them. */
	accepted_edit(base, "title", cJSON_CreateString("AC/DC \\ ../x"));
	accepted_edit(base, "artist", cJSON_CreateString(""));
	free(base);
}

static void duplicate_names(void **state)
{
	char *base = audio_json();

	(void)state;
	refused_edit(base, "files.2.name", cJSON_CreateString("01 Morning.wav"),
		     "manifest: files[2].name: same as files[0].name");
	refused_edit(base, "files.1.name", cJSON_CreateString("01 MORNING.WAV"),
		     "manifest: files[1].name: same as files[0].name");
	refused_edit(base, "files.0.name", cJSON_CreateString("03 nIGHT.wav"),
		     "manifest: files[2].name: same as files[0].name");
	/* Only ASCII letters are folded: "É" and "é" are two names. */
	{
		char *j = edit(base, "files.0.name", cJSON_CreateString("\xc3\x89.wav"));

		accepted_edit(j, "files.1.name", cJSON_CreateString("\xc3\xa9.wav"));
		refused_edit(j, "files.1.name", cJSON_CreateString("\xc3\x89.WAV"),
			     "manifest: files[1].name: same as files[0].name");
		free(j);
	}
	accepted_edit(base, "files.1.name", cJSON_CreateString("01 Morning.wav "));
	free(base);
}

/* --- Files and media ---------------------------------------------------- */

static void file_counts(void **state)
{
	char *dvd = dvd_json(), *audio = audio_json(), *j;

	(void)state;
	refused_edit(dvd, "files", cJSON_CreateArray(), "manifest: files: empty");

	j = with_files(dvd, MANIFEST_MAX_FILES, 0);
	expect_accepted(j);
	free(j);
	j = with_files(dvd, MANIFEST_MAX_FILES + 1, 0);
	expect_refused(j, "manifest: files: more than 4096");
	free(j);

	j = with_files(audio, 99, 99);
	expect_accepted(j);
	free(j);
	j = with_files(audio, 100, 99);
	expect_refused(j, "manifest: files: audio-cd holds at most 99 tracks, not 100");
	free(j);
	free(audio);
	free(dvd);
}

static void audio_rules(void **state)
{
	char *base = audio_json(), *j;

	(void)state;
	refused_edit(base, "files.2.track.number", cJSON_CreateNumber(1),
		     "manifest: files[2].track.number: 1 used twice");
	refused_edit(base, "files.1.kind", cJSON_CreateString("data"),
		     "manifest: files[1].kind: audio-cd holds only audio, not data");
	refused_edit(base, "files.1.kind", cJSON_CreateString("video"),
		     "manifest: files[1].kind: audio-cd holds only audio, not video");
	refused_edit(base, "files.0.track", NULL, "manifest: files[0].track: missing");
	refused_edit(base, "files.0.track.number", cJSON_CreateNumber(0),
		     "manifest: files[0].track.number: out of range");
	refused_edit(base, "files.0.track.number", cJSON_CreateNumber(100),
		     "manifest: files[0].track.number: out of range");
	refused_edit(base, "files.0.track", cJSON_CreateString("1"),
		     "manifest: files[0].track: not an object");
	/* Track numbers need not be in file order. */
	j = edit(base, "files.0.track.number", cJSON_CreateNumber(99));
	expect_accepted(j);
	free(j);
	free(base);
}

/* One file of `size` bytes on `media` (a video file, or audio with a track). */
static char *single_file(enum media_kind media, uint64_t size)
{
	struct manifest m;
	char *base, *j, num[32];

	if (media == MEDIA_AUDIO_CD)
		sample_audio(&m);
	else
		sample_dvd(&m);
	m.media = media;
	m.file_count = 1;
	m.files[0].size = 1;
	base = json_of(&m);
	manifest_free(&m);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)size);
	j = edit(base, "files.0.size", cJSON_CreateRaw(num));
	free(base);
	return j;
}

static void capacity(void **state)
{
	static const enum media_kind kinds[] = { MEDIA_DATA_CD, MEDIA_DATA_DVD };
	char want[160], *j, *base;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		uint64_t cap = burner_capacity_bytes(kinds[i]);

		j = single_file(kinds[i], cap);
		expect_accepted(j);
		free(j);
		j = single_file(kinds[i], cap + 1);
		snprintf(want, sizeof(want),
			 "manifest: files: total %llu bytes exceeds %s capacity %llu",
			 (unsigned long long)cap + 1, media_kind_name(kinds[i]),
			 (unsigned long long)cap);
		expect_refused(j, want);
		free(j);
	}

	/* The example of the brief: two files that fit alone, not together. */
	base = single_file(MEDIA_DATA_CD, 406000000);
	{
		cJSON *root = cJSON_Parse(base), *files = cJSON_GetObjectItem(root, "files");
		cJSON *f = cJSON_Duplicate(cJSON_GetArrayItem(files, 0), 1);
		char *out;

		cJSON_ReplaceItemInObjectCaseSensitive(f, "name", cJSON_CreateString("other.mkv"));
		cJSON_AddItemToArray(files, f);
		out = cJSON_PrintUnformatted(root);
		cJSON_Delete(root);
		expect_refused(out, "manifest: files: total 812000000 bytes exceeds data-cd "
				    "capacity 737280000");
		free(out);
	}
	free(base);

	/* Audio: 360000 x 2352 less a 2-second pregap (352800 bytes) a track. */
	{
		uint64_t cap = burner_capacity_bytes(MEDIA_AUDIO_CD);

		j = single_file(MEDIA_AUDIO_CD, cap - 352800);
		expect_accepted(j);
		free(j);
		j = single_file(MEDIA_AUDIO_CD, cap - 352800 + 1);
		expect_refused(j, "exceed audio-cd capacity 846720000");
		free(j);
		j = single_file(MEDIA_AUDIO_CD, cap + 1);
		expect_refused(j, "manifest: files: total 846720001 bytes exceeds audio-cd "
				  "capacity 846720000");
		free(j);
	}
}

/*
 * Sizes near 2^53 over thousands of files pass 2^64: 2048 x (2^53 - 1) plus
 * 3048 is 2^64 + 1000, which a plain 64-bit sum would take for 1000 bytes.
 */
static void capacity_sum_does_not_wrap(void **state)
{
	char *base = dvd_json(), *j, *out;
	cJSON *root, *f;
	size_t i = 0;

	(void)state;
	j = with_files(base, 2049, 0);
	root = cJSON_Parse(j);
	assert_non_null(root);
	for (f = cJSON_GetObjectItem(root, "files")->child; f; f = f->next, i++)
		cJSON_ReplaceItemInObjectCaseSensitive(
			f, "size", cJSON_CreateRaw(i < 2048 ? "9007199254740991" : "3048"));
	out = cJSON_PrintUnformatted(root);
	expect_refused(out, "exceeds data-dvd capacity");
	free(out);
	cJSON_Delete(root);
	free(j);
	free(base);
}

/* --- Numbers, ids, types, keys ------------------------------------------ */

static void ids_ranges(void **state)
{
	char *base = dvd_json();

	(void)state;
	refused_edit(base, "ids.shop", cJSON_CreateRaw("16777216"), "manifest: ids.shop: out of range");
	accepted_edit(base, "ids.shop", cJSON_CreateRaw("16777215"));
	refused_edit(base, "ids.user", cJSON_CreateRaw("4294967296"), "manifest: ids.user: out of range");
	accepted_edit(base, "ids.user", cJSON_CreateRaw("4294967295"));
	refused_edit(base, "ids.delivery_server", cJSON_CreateRaw("65536"),
		     "manifest: ids.delivery_server: out of range");
	refused_edit(base, "ids.content_server", cJSON_CreateRaw("-1"),
		     "manifest: ids.content_server: out of range");
	refused_edit(base, "ids.shop", cJSON_CreateRaw("1001.5"),
		     "manifest: ids.shop: not an integer");
	refused_edit(base, "ids.shop", cJSON_CreateString("1001"),
		     "manifest: ids.shop: not a number");
	/* An exact integer written another way is still that integer. */
	accepted_edit(base, "ids.shop", cJSON_CreateRaw("1.001e3"));
	free(base);
}

static void size_values(void **state)
{
	char *base = dvd_json();

	(void)state;
	refused_edit(base, "files.1.size", cJSON_CreateRaw("-5"), "manifest: files[1].size: out of range");
	refused_edit(base, "files.1.size", cJSON_CreateRaw("1.5"),
		     "manifest: files[1].size: not an integer");
	refused_edit(base, "files.1.size", cJSON_CreateRaw("5e-1"),
		     "manifest: files[1].size: not an integer");
	refused_edit(base, "files.1.size", cJSON_CreateString("5"),
		     "manifest: files[1].size: not a number");
	refused_edit(base, "files.1.size", cJSON_CreateRaw("0"), "manifest: files[1].size: is 0");
	refused_edit(base, "files.1.size", cJSON_CreateRaw("-0"), "manifest: files[1].size: is 0");
	refused_edit(base, "files.1.size", cJSON_CreateRaw("1e300"),
		     "manifest: files[1].size: out of range");
	refused_edit(base, "files.1.size", cJSON_CreateRaw("1e999"),
		     "manifest: files[1].size: out of range");
	refused_edit(base, "files.1.size", cJSON_CreateRaw("9007199254740992"),
		     "manifest: files[1].size: out of range");
	refused_edit(base, "files.1.size", cJSON_CreateNull(), "manifest: files[1].size: not a number");
	refused_edit(base, "files.1.size", cJSON_CreateTrue(), "manifest: files[1].size: not a number");
	free(base);
}

static void missing_keys(void **state)
{
	static const char *const paths[] = {
		"version", "order_id", "ids", "title", "artist", "media", "price", "issued_at",
		"expires_at", "pickup", "files",
	};
	static const struct {
		const char *path, *want;
	} nested[] = {
		{ "ids.user", "manifest: ids.user: missing" },
		{ "ids.shop", "manifest: ids.shop: missing" },
		{ "ids.content_server", "manifest: ids.content_server: missing" },
		{ "price.amount", "manifest: price.amount: missing" },
		{ "price.currency", "manifest: price.currency: missing" },
		{ "price.prepaid", "manifest: price.prepaid: missing" },
		{ "pickup.kdf", "manifest: pickup.kdf: missing" },
		{ "pickup.iterations", "manifest: pickup.iterations: missing" },
		{ "pickup.salt", "manifest: pickup.salt: missing" },
		{ "pickup.hash", "manifest: pickup.hash: missing" },
		{ "files.1.name", "manifest: files[1].name: missing" },
		{ "files.1.size", "manifest: files[1].size: missing" },
		{ "files.1.sha256", "manifest: files[1].sha256: missing" },
		{ "files.1.kind", "manifest: files[1].kind: missing" },
		{ "files.2.track.number", "manifest: files[2].track.number: missing" },
		{ "files.2.track.title", "manifest: files[2].track.title: missing" },
		{ "files.2.track.performer", "manifest: files[2].track.performer: missing" },
	};
	char *base = dvd_json(), want[64];

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		snprintf(want, sizeof(want), "manifest: %s: missing", paths[i]);
		refused_edit(base, paths[i], NULL, want);
	}
	for (size_t i = 0; i < sizeof(nested) / sizeof(nested[0]); i++)
		refused_edit(base, nested[i].path, NULL, nested[i].want);
	/* A track is optional off audio-cd. */
	accepted_edit(base, "files.2.track", NULL);
	/* So is the locator, for the stamps of discs written before it (the
	 * store refuses such an order: test_claim.c) */
	accepted_edit(base, "pickup.locator", NULL);
	free(base);
}

static void wrong_types_and_values(void **state)
{
	char *base = dvd_json(), long_id[ORDER_ID_MAX + 2];

	(void)state;
	refused_edit(base, "version", cJSON_CreateString("1"), "manifest: version: not a number");
	refused_edit(base, "version", cJSON_CreateNumber(2), "manifest: version: 2 not supported");
	refused_edit(base, "order_id", cJSON_CreateNumber(7), "manifest: order_id: not a string");
	refused_edit(base, "order_id", cJSON_CreateString(""), "manifest: order_id: not 1..64");
	refused_edit(base, "order_id", cJSON_CreateString("../etc"),
		     "manifest: order_id: character 0 not in");
	refused_edit(base, "order_id", cJSON_CreateString("K7 Q2"),
		     "manifest: order_id: character 2 not in");
	memset(long_id, 'A', sizeof(long_id));
	long_id[ORDER_ID_MAX] = '\0';
	accepted_edit(base, "order_id", cJSON_CreateString(long_id));
	long_id[ORDER_ID_MAX] = 'A';
	long_id[ORDER_ID_MAX + 1] = '\0';
	refused_edit(base, "order_id", cJSON_CreateString(long_id), "manifest: order_id: not 1..64");
	refused_edit(base, "ids", cJSON_CreateArray(), "manifest: ids: not an object");
	refused_edit(base, "title", cJSON_CreateNumber(5), "manifest: title: not a string");
	refused_edit(base, "artist", cJSON_CreateNull(), "manifest: artist: not a string");
	refused_edit(base, "media", cJSON_CreateString("blu-ray"), "manifest: media: unknown media");
	refused_edit(base, "media", cJSON_CreateString("DATA-DVD"), "manifest: media: unknown media");
	refused_edit(base, "price", cJSON_CreateNumber(1500), "manifest: price: not an object");
	refused_edit(base, "price.amount", cJSON_CreateRaw("-1"), "manifest: price.amount: out of range");
	refused_edit(base, "price.currency", cJSON_CreateString("jpy"),
		     "manifest: price.currency: not 3 upper-case letters");
	refused_edit(base, "price.currency", cJSON_CreateString("JPYX"),
		     "manifest: price.currency: not 3 upper-case letters");
	refused_edit(base, "price.currency", cJSON_CreateString("JP"),
		     "manifest: price.currency: not 3 upper-case letters");
	refused_edit(base, "price.prepaid", cJSON_CreateNumber(1),
		     "manifest: price.prepaid: not a boolean");
	refused_edit(base, "issued_at", cJSON_CreateString("2026-11-18"),
		     "manifest: issued_at: not a number");
	refused_edit(base, "issued_at", cJSON_CreateRaw("-1"), "manifest: issued_at: out of range");
	refused_edit(base, "expires_at", cJSON_CreateRaw("1795000000"),
		     "manifest: expires_at: not after issued_at");
	refused_edit(base, "pickup", cJSON_CreateTrue(), "manifest: pickup: not an object");
	refused_edit(base, "pickup.kdf", cJSON_CreateString("scrypt"), "manifest: pickup.kdf: not");
	refused_edit(base, "pickup.iterations", cJSON_CreateNumber(PICKUP_MIN_ITERATIONS - 1),
		     "manifest: pickup.iterations: out of range");
	refused_edit(base, "pickup.iterations", cJSON_CreateNumber(PICKUP_MAX_ITERATIONS + 1),
		     "manifest: pickup.iterations: out of range");
	refused_edit(base, "pickup.locator", cJSON_CreateNumber(PICKUP_LOCATOR_MAX + 1),
		     "manifest: pickup.locator: out of range");
	refused_edit(base, "pickup.salt", cJSON_CreateString("00"),
		     "manifest: pickup.salt: not 32 hex digits");
	refused_edit(base, "pickup.hash",
		     cJSON_CreateString("g0112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"),
		     "manifest: pickup.hash: not 64 hex digits");
	refused_edit(base, "files", cJSON_CreateObject(), "manifest: files: not an array");
	refused_edit(base, "files.1", cJSON_CreateString("README.txt"),
		     "manifest: files[1]: not an object");
	refused_edit(base, "files.1.name", cJSON_CreateNumber(1), "manifest: files[1].name: not a string");
	refused_edit(base, "files.1.sha256", cJSON_CreateString("abcd"),
		     "manifest: files[1].sha256: not 64 hex digits");
	refused_edit(base, "files.1.kind", cJSON_CreateString("exe"),
		     "manifest: files[1].kind: unknown kind");
	refused_edit(base, "files.1.kind", cJSON_CreateArray(), "manifest: files[1].kind: not a string");
	free(base);
}

static void root_must_be_object(void **state)
{
	(void)state;
	expect_refused("[]", "manifest: not a JSON object");
	expect_refused("\"manifest\"", "manifest: not a JSON object");
	expect_refused("1", "manifest: not a JSON object");
	expect_refused("null", "manifest: not a JSON object");
	expect_refused("{}", "manifest: version: missing");
}

/* Another JSON reader must not see a different manifest in the same bytes. */
static void keys_exact_and_once(void **state)
{
	char *base = dvd_json(), *j, *p;
	size_t len;

	(void)state;
	/* "title" twice: insert a second one right after the opening brace. */
	len = strlen(base);
	j = malloc(len + 32);
	assert_non_null(j);
	snprintf(j, len + 32, "{\"title\":\"other\",%s", base + 1);
	expect_refused(j, "manifest: title: given twice");
	free(j);

	/* Keys are case-sensitive: "Title" is an unknown key, title is missing. */
	j = strdup(base);
	p = strstr(j, "\"title\"");
	assert_non_null(p);
	p[1] = 'T';
	expect_refused(j, "manifest: title: missing");
	free(j);

	/* Unknown keys anywhere are ignored. */
	j = edit(base, "extra", cJSON_CreateString("future"));
	expect_accepted(j);
	free(j);
	accepted_edit(base, "files.1.mime", cJSON_CreateString("text/plain"));
	accepted_edit(base, "ids.region", cJSON_CreateNumber(3));
	free(base);
}

/* --- The JSON text ------------------------------------------------------ */

static void oversized(void **state)
{
	char *base = dvd_json(), *big;
	size_t len = strlen(base);

	(void)state;
	big = malloc(MANIFEST_MAX_BYTES + 2);
	assert_non_null(big);
	/* Exactly 1 MiB: the manifest followed by white space. */
	memcpy(big, base, len);
	memset(big + len, ' ', MANIFEST_MAX_BYTES - len);
	{
		struct manifest m;
		struct err e = { { 0 } };

		if (manifest_parse(big, MANIFEST_MAX_BYTES, &m, &e))
			fail_msg("refused: %s", e.msg);
		manifest_free(&m);
	}
	big[MANIFEST_MAX_BYTES] = ' ';
	expect_refused_len(big, MANIFEST_MAX_BYTES + 1, "manifest larger than 1 MiB");
	free(big);
	free(base);
}

static void malformed(void **state)
{
	static const char *const bad[] = {
		"{",
		"{\"version\":1,}",
		"{'version':1}",
		"{\"version\":1} x",
		"{}{}",
		"{\"title\":\"unterminated}",
		"{\"title\":\"\\uD800\"}",     /* lone surrogate escape */
		"{\"title\":\"\\uDC00\\uD800\"}",
		"\xef\xbb",
	};
	char *base = dvd_json(), *j;
	size_t len = strlen(base);

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(bad[i], "manifest: malformed JSON");
	expect_refused_len("", 0, "manifest: empty");
	expect_refused_len("   ", 3, "manifest: malformed JSON");

	/* A valid manifest with trailing garbage, or cut short. */
	j = malloc(len + 8);
	assert_non_null(j);
	memcpy(j, base, len);
	memcpy(j + len, " \n\t\r", 5);
	expect_accepted(j);
	memcpy(j + len, " ,", 3);
	expect_refused(j, "manifest: malformed JSON");
	expect_refused_len(base, len - 1, "manifest: malformed JSON");
	free(j);
	free(base);
}

/* s with the first `from` replaced by `to`; caller frees. */
static char *replace_once(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	size_t head, len;
	char *out;

	assert_non_null(p);
	head = (size_t)(p - s);
	len = strlen(s) - strlen(from) + strlen(to);
	out = malloc(len + 1);
	assert_non_null(out);
	memcpy(out, s, head);
	strcpy(out + head, to);
	strcat(out, p + strlen(from));
	return out;
}

static void nul_bytes(void **state)
{
	char *base = dvd_json(), *j, *k;
	size_t len = strlen(base);

	(void)state;
	/* A NUL byte right after the document: cJSON alone would stop there. */
	j = malloc(len + 8);
	assert_non_null(j);
	memcpy(j, base, len);
	memcpy(j + len, "\0junk", 6);
	expect_refused_len(j, len + 5, "manifest: NUL byte at offset");
	free(j);

	/* "\u0000" in a string would cut it short, in a name or anywhere. */
	j = edit(base, "title", cJSON_CreateString("x"));
	k = replace_once(j, "\"title\":\"x\"", "\"title\":\"x\\u0000y\"");
	expect_refused(k, "manifest: a string contains \\u0000");
	free(k);
	k = replace_once(j, "\"README.txt\"", "\"README.txt\\u0000.exe\"");
	expect_refused(k, "manifest: a string contains \\u0000");
	free(k);
	/* An escaped backslash then "u0000" is plain text; other escapes are fine. */
	k = replace_once(j, "\"title\":\"x\"", "\"title\":\"x\\\\u0000y \\u0041\\\"\"");
	{
		struct manifest m;
		struct err e = { { 0 } };

		if (manifest_parse(k, strlen(k), &m, &e))
			fail_msg("refused: %s", e.msg);
		assert_string_equal(m.title, "x\\u0000y A\"");
		manifest_free(&m);
	}
	free(k);
	free(j);
	free(base);
}

static void deeply_nested(void **state)
{
	char *base = dvd_json(), *deep, *j;
	size_t n = 2 * CJSON_NESTING_LIMIT + 10, len = strlen(base);

	(void)state;
	/* Past cJSON's nesting limit: refused, and no stack overflow. */
	deep = malloc(2 * n + 1);
	assert_non_null(deep);
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\0';
	expect_refused(deep, "manifest: malformed JSON");
	free(deep);

	/* Deep, under the limit, in an unknown key: ignored. */
	n = CJSON_NESTING_LIMIT / 2;
	j = malloc(len + 2 * n + 16);
	assert_non_null(j);
	memcpy(j, "{\"x\":", 5);
	memset(j + 5, '[', n);
	memset(j + 5 + n, ']', n);
	j[5 + 2 * n] = ',';
	memcpy(j + 6 + 2 * n, base + 1, len); /* base without its '{', with NUL */
	expect_accepted(j);

	/* The same, past the limit. */
	free(j);
	n = CJSON_NESTING_LIMIT + 1;
	j = malloc(len + 2 * n + 16);
	assert_non_null(j);
	memcpy(j, "{\"x\":", 5);
	memset(j + 5, '[', n);
	memset(j + 5 + n, ']', n);
	j[5 + 2 * n] = ',';
	memcpy(j + 6 + 2 * n, base + 1, len);
	expect_refused(j, "manifest: malformed JSON");
	free(j);
	free(base);
}

static void not_nul_terminated(void **state)
{
	char *base = dvd_json(), *exact;
	size_t len = strlen(base);
	struct manifest m;
	struct err e = { { 0 } };

	(void)state;
	/* Exactly len bytes in a heap block: ASan catches a read past them. */
	exact = malloc(len);
	assert_non_null(exact);
	memcpy(exact, base, len);
	if (manifest_parse(exact, len, &m, &e))
		fail_msg("refused: %s", e.msg);
	assert_int_equal(m.file_count, 3);
	manifest_free(&m);

	/* Cut short with the rest of the buffer still there: still refused. */
	expect_refused_len(exact, len - 2, "manifest: malformed JSON");
	free(exact);
	free(base);
}

static void to_json_refuses_invalid(void **state)
{
	struct manifest m;
	struct err e = { { 0 } };
	size_t len = 99;

	(void)state;
	sample_audio(&m);
	strcpy(m.files[1].name, "a/b");
	assert_null(manifest_to_json(&m, &len, &e));
	assert_string_equal(e.msg, "manifest: files[1].name: contains '/'");
	strcpy(m.files[1].name, "b");
	m.ids.shop = 1 << 24;
	assert_null(manifest_to_json(&m, &len, &e));
	assert_string_equal(e.msg, "manifest: ids.shop: out of range");
	m.ids.shop = 1;
	m.media = MEDIA_KIND_COUNT;
	assert_null(manifest_to_json(&m, &len, &e));
	assert_string_equal(e.msg, "manifest: media: unknown media");
	m.media = MEDIA_AUDIO_CD;
	memset(m.title, 'x', sizeof(m.title)); /* no NUL */
	assert_null(manifest_to_json(&m, &len, &e));
	manifest_free(&m);
}

static void file_kinds(void **state)
{
	(void)state;
	assert_string_equal(file_kind_name(FILE_AUDIO), "audio");
	assert_string_equal(file_kind_name(FILE_VIDEO), "video");
	assert_string_equal(file_kind_name(FILE_DATA), "data");
	assert_string_equal(file_kind_name(FILE_KIND_COUNT), "?");
	assert_int_equal(file_kind_parse("audio"), FILE_AUDIO);
	assert_int_equal(file_kind_parse("video"), FILE_VIDEO);
	assert_int_equal(file_kind_parse("data"), FILE_DATA);
	assert_int_equal(file_kind_parse("Audio"), -1);
	assert_int_equal(file_kind_parse(""), -1);
}

/* --- Signatures --------------------------------------------------------- */

struct keys {
	char dir[64];
	char ec[96], ec_pub[96];       /* the manifest key */
	char other[96], other_pub[96]; /* another P-256 key */
	char p384[96], p384_pub[96];
	char rsa[96], rsa_pub[96];
};

static void write_file(const char *path, const unsigned char *pem)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs((const char *)pem, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Makes a key (EC on `curve`, or RSA-1024 when curve is NONE) into two files. */
static void make_key(mbedtls_ctr_drbg_context *drbg, mbedtls_ecp_group_id curve,
		     const char *priv, const char *pub)
{
	static unsigned char pem[4096];
	mbedtls_pk_context pk;

	mbedtls_pk_init(&pk);
	if (curve == MBEDTLS_ECP_DP_NONE) {
		assert_int_equal(mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)), 0);
		assert_int_equal(mbedtls_rsa_gen_key(mbedtls_pk_rsa(pk), mbedtls_ctr_drbg_random,
						     drbg, 1024, 65537),
				 0);
	} else {
		assert_int_equal(mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)), 0);
		assert_int_equal(mbedtls_ecp_gen_key(curve, mbedtls_pk_ec(pk), mbedtls_ctr_drbg_random,
						     drbg),
				 0);
	}
	assert_int_equal(mbedtls_pk_write_key_pem(&pk, pem, sizeof(pem)), 0);
	write_file(priv, pem);
	assert_int_equal(mbedtls_pk_write_pubkey_pem(&pk, pem, sizeof(pem)), 0);
	write_file(pub, pem);
	mbedtls_pk_free(&pk);
}

static int keys_setup(void **state)
{
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	struct keys *k = calloc(1, sizeof(*k));

	if (!k)
		return -1;
	strcpy(k->dir, "/tmp/tenpo-test-manifest-XXXXXX");
	if (!mkdtemp(k->dir)) {
		free(k);
		return -1;
	}
#define KEY_PATH(field, name) snprintf(k->field, sizeof(k->field), "%s/" name, k->dir)
	KEY_PATH(ec, "ec.key");
	KEY_PATH(ec_pub, "ec.pub");
	KEY_PATH(other, "other.key");
	KEY_PATH(other_pub, "other.pub");
	KEY_PATH(p384, "p384.key");
	KEY_PATH(p384_pub, "p384.pub");
	KEY_PATH(rsa, "rsa.key");
	KEY_PATH(rsa_pub, "rsa.pub");
#undef KEY_PATH
	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, NULL, 0))
		return -1;
	make_key(&drbg, MBEDTLS_ECP_DP_SECP256R1, k->ec, k->ec_pub);
	make_key(&drbg, MBEDTLS_ECP_DP_SECP256R1, k->other, k->other_pub);
	make_key(&drbg, MBEDTLS_ECP_DP_SECP384R1, k->p384, k->p384_pub);
	make_key(&drbg, MBEDTLS_ECP_DP_NONE, k->rsa, k->rsa_pub);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&entropy);
	*state = k;
	return 0;
}

static int keys_teardown(void **state)
{
	struct keys *k = *state;
	const char *files[] = { k->ec, k->ec_pub, k->other, k->other_pub,
				k->p384, k->p384_pub, k->rsa, k->rsa_pub };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(files[i]);
	rmdir(k->dir);
	free(k);
	return 0;
}

static void sign_and_verify(void **state)
{
	struct keys *k = *state;
	uint8_t sig[MANIFEST_SIG_MAX], sig2[MANIFEST_SIG_MAX + 1];
	struct err e = { { 0 } };
	char *json = audio_json();
	size_t len = strlen(json), sig_len = 0;

	assert_int_equal(manifest_sign(json, len, k->ec, sig, &sig_len, &e), 0);
	assert_in_range(sig_len, 8, 72);
	assert_int_equal(sig[0], 0x30); /* DER SEQUENCE */
	if (manifest_verify(json, len, sig, sig_len, k->ec_pub, &e))
		fail_msg("good signature refused: %s", e.msg);

	/* One flipped byte of the manifest, anywhere. */
	for (size_t i = 0; i < len; i += len / 7 + 1) {
		json[i] ^= 0x01;
		assert_int_equal(manifest_verify(json, len, sig, sig_len, k->ec_pub, &e), -1);
		assert_string_equal(e.msg, "manifest signature does not verify");
		json[i] ^= 0x01;
	}
	/* One byte less of the manifest. */
	assert_int_equal(manifest_verify(json, len - 1, sig, sig_len, k->ec_pub, &e), -1);

	/* Flipped signature bytes: in the DER framing and in r or s. */
	for (size_t i = 0; i < sig_len; i++) {
		memcpy(sig2, sig, sig_len);
		sig2[i] ^= 0x80;
		assert_int_equal(manifest_verify(json, len, sig2, sig_len, k->ec_pub, &e), -1);
	}
	/* Truncated, extended with a byte, empty, oversized. */
	assert_int_equal(manifest_verify(json, len, sig, sig_len - 1, k->ec_pub, &e), -1);
	memcpy(sig2, sig, sig_len);
	sig2[sig_len] = 0;
	assert_int_equal(manifest_verify(json, len, sig2, sig_len + 1, k->ec_pub, &e), -1);
	assert_int_equal(manifest_verify(json, len, sig, 0, k->ec_pub, &e), -1);
	assert_int_equal(manifest_verify(json, len, sig2, MANIFEST_SIG_MAX + 1, k->ec_pub, &e), -1);

	/* Another key's public half. */
	assert_int_equal(manifest_verify(json, len, sig, sig_len, k->other_pub, &e), -1);
	assert_string_equal(e.msg, "manifest signature does not verify");

	/* Still good after all that. */
	assert_int_equal(manifest_verify(json, len, sig, sig_len, k->ec_pub, &e), 0);
	free(json);
}

static void signatures_differ_per_key(void **state)
{
	struct keys *k = *state;
	uint8_t sig[MANIFEST_SIG_MAX];
	struct err e = { { 0 } };
	char *json = dvd_json();
	size_t len = strlen(json), sig_len = 0;

	assert_int_equal(manifest_sign(json, len, k->other, sig, &sig_len, &e), 0);
	assert_int_equal(manifest_verify(json, len, sig, sig_len, k->other_pub, &e), 0);
	assert_int_equal(manifest_verify(json, len, sig, sig_len, k->ec_pub, &e), -1);
	free(json);
}

static void wrong_key_types_refused(void **state)
{
	struct keys *k = *state;
	uint8_t sig[MANIFEST_SIG_MAX];
	struct err e = { { 0 } };
	char *json = dvd_json(), missing[128];
	size_t len = strlen(json), sig_len = 0;

	assert_int_equal(manifest_sign(json, len, k->ec, sig, &sig_len, &e), 0);

	assert_int_equal(manifest_verify(json, len, sig, sig_len, k->rsa_pub, &e), -1);
	assert_non_null(strstr(e.msg, "not an EC P-256 key"));
	assert_int_equal(manifest_verify(json, len, sig, sig_len, k->p384_pub, &e), -1);
	assert_non_null(strstr(e.msg, "not an EC P-256 key"));

	sig_len = 99;
	assert_int_equal(manifest_sign(json, len, k->rsa, sig, &sig_len, &e), -1);
	assert_non_null(strstr(e.msg, "not an EC P-256 key"));
	assert_int_equal(sig_len, 0);
	assert_int_equal(manifest_sign(json, len, k->p384, sig, &sig_len, &e), -1);
	assert_non_null(strstr(e.msg, "not an EC P-256 key"));

	/* A private key file where the public one belongs, and no file. */
	assert_int_equal(manifest_verify(json, len, sig, sig_len, k->ec, &e), -1);
	snprintf(missing, sizeof(missing), "%s/none.pub", k->dir);
	assert_int_equal(manifest_verify(json, len, sig, sig_len, missing, &e), -1);
	assert_non_null(strstr(e.msg, missing));
	assert_int_equal(manifest_sign(json, len, missing, sig, &sig_len, &e), -1);
	assert_non_null(strstr(e.msg, missing));
	free(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_audio),
		cmocka_unit_test(round_trip_dvd),
		cmocka_unit_test(round_trip_extremes),
		cmocka_unit_test(header_example_parses),
		cmocka_unit_test(hostile_names),
		cmocka_unit_test(name_lengths_and_unicode),
		cmocka_unit_test(name_ok_standalone),
		cmocka_unit_test(text_fields_checked),
		cmocka_unit_test(duplicate_names),
		cmocka_unit_test(file_counts),
		cmocka_unit_test(audio_rules),
		cmocka_unit_test(capacity),
		cmocka_unit_test(capacity_sum_does_not_wrap),
		cmocka_unit_test(ids_ranges),
		cmocka_unit_test(size_values),
		cmocka_unit_test(missing_keys),
		cmocka_unit_test(wrong_types_and_values),
		cmocka_unit_test(root_must_be_object),
		cmocka_unit_test(keys_exact_and_once),
		cmocka_unit_test(oversized),
		cmocka_unit_test(malformed),
		cmocka_unit_test(nul_bytes),
		cmocka_unit_test(deeply_nested),
		cmocka_unit_test(not_nul_terminated),
		cmocka_unit_test(to_json_refuses_invalid),
		cmocka_unit_test(file_kinds),
		cmocka_unit_test(sign_and_verify),
		cmocka_unit_test(signatures_differ_per_key),
		cmocka_unit_test(wrong_key_types_refused),
	};

	return cmocka_run_group_tests_name("manifest", tests, keys_setup, keys_teardown);
}
