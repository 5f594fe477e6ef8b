// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The manifest is parsed in two steps: cJSON turns the bytes into a tree, then
 * one reader per JSON object (ids, price, pickup, file, track) copies each known
 * key into struct manifest, checking it on the way.  Whole-manifest rules
 * (unique names, audio-cd tracks, capacity) run last, over the filled struct.
 * Every error names its field as a path: "manifest: files[3].name: ...".
 *
 * Trust: the bytes come from the network.  Before cJSON sees them they are
 * capped at MANIFEST_MAX_BYTES, refused if they hold a NUL byte, and copied
 * into a NUL-terminated buffer (the caller's buffer need not be terminated).
 * cJSON must then consume every byte but trailing white space.  A "\u0000"
 * escape is refused too: cJSON would silently cut the string there.  Keys
 * are matched case-sensitively, and a known key given twice is an error, so
 * that no other JSON reader can see a different manifest in the same bytes.
 *
 * Numbers: cJSON keeps doubles, so an integer field must hold an integral
 * value within its range, and no range goes past 2^53 - 1, where every
 * integer is still exact.  Strings must be strict UTF-8 (no overlong forms,
 * no surrogates, nothing above U+10FFFF) without C0/C1 control characters
 * or DEL.  Names are compared case-insensitively for ASCII letters only:
 * "É.wav" and "é.wav" both pass, though a reader that folds Unicode case
 * would see one name twice.
 *
 * An audio CD holds what burner_capacity_bytes() says (burner owns the
 * geometry) and each track takes a 2-second pregap of that, so an audio-cd
 * manifest must fit total + tracks x AUDIO_PREGAP_BYTES.
 *
 * manifest_to_json() (manifest_sign.c, the server's half) writes keys in one fixed order, numbers as plain
 * integers, and then parses its own output: it refuses to produce bytes that
 * manifest_parse() would refuse, so the server cannot sign a bad manifest.
 *
 * cJSON 1.7.15 records the position of a parse error in a global; two
 * threads failing to parse at once race on it (harmlessly: this file never
 * reads it, it takes the position from return_parse_end).
 */
#include "manifest_internal.h"

#include "burner.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>

#define INT_EXACT_MAX (((int64_t)1 << 53) - 1) /* larger doubles skip integers */
#define AUDIO_TRACKS_MAX 99
#define AUDIO_PREGAP_BYTES ((unsigned long long)BURNER_PREGAP_SECTORS * BURNER_AUDIO_SECTOR_BYTES)

static const char *const file_kind_names[FILE_KIND_COUNT] = {
	[FILE_AUDIO] = "audio",
	[FILE_VIDEO] = "video",
	[FILE_DATA] = "data",
};

const char *file_kind_name(enum file_kind k)
{
	return (unsigned)k < FILE_KIND_COUNT ? file_kind_names[k] : "?";
}

int file_kind_parse(const char *name)
{
	for (int i = 0; i < FILE_KIND_COUNT; i++)
		if (!strcmp(file_kind_names[i], name))
			return i;
	return -1;
}

/* --- Strings ------------------------------------------------------------ */

/*
 * Decodes one strict UTF-8 sequence at s (at most `avail` bytes).  Returns its
 * length and the code point in *cp, or 0 when the bytes are not UTF-8.
 */
static size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
	uint32_t c, min;
	size_t len;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2, c = s[0] & 0x1f, min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3, c = s[0] & 0x0f, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0; /* continuation byte, C0/C1 overlong lead, or > U+13FFFF */
	}
	if (avail < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/*
 * The rule every manifest string follows: strict UTF-8 with no control
 * character, shorter than `size` bytes (the field holding it with its NUL).
 * On failure, `why` gets the reason without any field name.
 */
static bool text_ok(const char *s, size_t size, char *why, size_t why_size)
{
	size_t len = strnlen(s, size);

	if (len >= size) {
		snprintf(why, why_size, "longer than %zu bytes", size - 1);
		return false;
	}
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode((const unsigned char *)s + i, len - i, &cp);

		if (!n) {
			snprintf(why, why_size, "not valid UTF-8 at byte %zu", i);
			return false;
		}
		if (is_control(cp)) {
			snprintf(why, why_size, "contains control character U+%04" PRIX32, cp);
			return false;
		}
		i += n;
	}
	return true;
}

bool manifest_name_ok(const char *name, struct err *e)
{
	char why[128];

	if (!name[0]) {
		err_fail(e, "is empty");
		return false;
	}
	if (!text_ok(name, MANIFEST_NAME_MAX + 1, why, sizeof(why))) {
		err_fail(e, "%s", why);
		return false;
	}
	if (strchr(name, '/')) {
		err_fail(e, "contains '/'");
		return false;
	}
	if (strchr(name, '\\')) {
		err_fail(e, "contains '\\'");
		return false;
	}
	if (!strcmp(name, ".") || !strcmp(name, "..")) {
		err_fail(e, "is \"%s\"", name);
		return false;
	}
	return true;
}

static int ascii_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = (unsigned char)*a, cb = (unsigned char)*b;

		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb || !ca)
			return ca - cb;
	}
}

/* --- Reading JSON fields ------------------------------------------------ */

/* "manifest: WHERE.KEY: reason"; where may be "" for a top-level key. */
static int field_fail(struct err *e, const char *where, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int field_fail(struct err *e, const char *where, const char *key, const char *fmt, ...)
{
	char why[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return err_fail(e, "manifest: %s%s%s: %s", where, where[0] ? "." : "", key, why);
}

/* The member `key` of obj: present exactly once, matched case-sensitively. */
static const cJSON *member(const cJSON *obj, const char *where, const char *key, struct err *e)
{
	const cJSON *found = NULL;

	for (const cJSON *it = obj->child; it; it = it->next) {
		if (!it->string || strcmp(it->string, key))
			continue;
		if (found) {
			field_fail(e, where, key, "given twice");
			return NULL;
		}
		found = it;
	}
	if (!found)
		field_fail(e, where, key, "missing");
	return found;
}

static int get_int(const cJSON *obj, const char *where, const char *key, int64_t min,
		   int64_t max, int64_t *out, struct err *e)
{
	const cJSON *it = member(obj, where, key, e);
	double d;

	if (!it)
		return -1;
	if (!cJSON_IsNumber(it))
		return field_fail(e, where, key, "not a number");
	d = it->valuedouble;
	/* Written so that NaN fails too; min/max are within +-2^53, exact. */
	if (!(d >= (double)-INT_EXACT_MAX && d <= (double)INT_EXACT_MAX))
		return field_fail(e, where, key, "out of range");
	if ((double)(int64_t)d != d)
		return field_fail(e, where, key, "not an integer");
	if ((int64_t)d < min || (int64_t)d > max)
		return field_fail(e, where, key, "out of range");
	*out = (int64_t)d;
	return 0;
}

static int get_uint(const cJSON *obj, const char *where, const char *key, uint64_t max,
		    uint64_t *out, struct err *e)
{
	int64_t v;

	if (get_int(obj, where, key, 0, (int64_t)max, &v, e))
		return -1;
	*out = (uint64_t)v;
	return 0;
}

static const char *get_string(const cJSON *obj, const char *where, const char *key,
			      struct err *e)
{
	const cJSON *it = member(obj, where, key, e);

	if (!it)
		return NULL;
	if (!cJSON_IsString(it) || !it->valuestring) {
		field_fail(e, where, key, "not a string");
		return NULL;
	}
	return it->valuestring;
}

static int get_text(const cJSON *obj, const char *where, const char *key, char *out,
		    size_t size, struct err *e)
{
	const char *s = get_string(obj, where, key, e);
	char why[128];

	if (!s)
		return -1;
	if (!text_ok(s, size, why, sizeof(why)))
		return field_fail(e, where, key, "%s", why);
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int get_bool(const cJSON *obj, const char *where, const char *key, bool *out,
		    struct err *e)
{
	const cJSON *it = member(obj, where, key, e);

	if (!it)
		return -1;
	if (!cJSON_IsBool(it))
		return field_fail(e, where, key, "not a boolean");
	*out = cJSON_IsTrue(it);
	return 0;
}

static int get_hex(const cJSON *obj, const char *where, const char *key, uint8_t *out,
		   size_t len, struct err *e)
{
	const char *s = get_string(obj, where, key, e);

	if (!s)
		return -1;
	if (!digest_from_hex(s, out, len))
		return field_fail(e, where, key, "not %zu hex digits", 2 * len);
	return 0;
}

static const cJSON *get_object(const cJSON *obj, const char *where, const char *key,
			       struct err *e)
{
	const cJSON *it = member(obj, where, key, e);

	if (it && !cJSON_IsObject(it)) {
		field_fail(e, where, key, "not an object");
		return NULL;
	}
	return it;
}

/* --- The objects -------------------------------------------------------- */

static int read_ids(const cJSON *root, struct manifest_ids *ids, struct err *e)
{
	const cJSON *o = get_object(root, "", "ids", e);
	uint64_t v;

	if (!o)
		return -1;
	if (get_uint(o, "ids", "user", UINT32_MAX, &v, e))
		return -1;
	ids->user = (uint32_t)v;
	if (get_uint(o, "ids", "shop", 0xffffff, &v, e))
		return -1;
	ids->shop = (uint32_t)v;
	if (get_uint(o, "ids", "delivery_server", UINT16_MAX, &v, e))
		return -1;
	ids->delivery_server = (uint16_t)v;
	if (get_uint(o, "ids", "content_server", UINT16_MAX, &v, e))
		return -1;
	ids->content_server = (uint16_t)v;
	return 0;
}

static int read_price(const cJSON *root, struct manifest *m, struct err *e)
{
	const cJSON *o = get_object(root, "", "price", e);
	const char *cur;

	if (!o)
		return -1;
	if (get_uint(o, "price", "amount", INT_EXACT_MAX, &m->price, e))
		return -1;
	cur = get_string(o, "price", "currency", e);
	if (!cur)
		return -1;
	for (int i = 0; i < 3; i++)
		if (cur[i] < 'A' || cur[i] > 'Z')
			return field_fail(e, "price", "currency", "not 3 upper-case letters");
	if (cur[3])
		return field_fail(e, "price", "currency", "not 3 upper-case letters");
	memcpy(m->currency, cur, 4);
	return get_bool(o, "price", "prepaid", &m->prepaid, e);
}

static int read_pickup(const cJSON *root, struct pickup_verifier *v, struct err *e)
{
	const cJSON *o = get_object(root, "", "pickup", e);
	const char *kdf;
	uint64_t n;

	if (!o)
		return -1;
	kdf = get_string(o, "pickup", "kdf", e);
	if (!kdf)
		return -1;
	if (strcmp(kdf, KDF_NAME))
		return field_fail(e, "pickup", "kdf", "not \"" KDF_NAME "\"");
	if (get_uint(o, "pickup", "iterations", PICKUP_MAX_ITERATIONS, &n, e))
		return -1;
	if (n < PICKUP_MIN_ITERATIONS)
		return field_fail(e, "pickup", "iterations", "out of range");
	v->iterations = (uint32_t)n;
	/* absent only in manifests from before it (the stamps of old discs);
	 * the store refuses to take such an order (store_manifest.c) */
	v->has_locator = cJSON_GetObjectItemCaseSensitive(o, "locator") != NULL;
	if (v->has_locator) {
		if (get_uint(o, "pickup", "locator", PICKUP_LOCATOR_MAX, &n, e))
			return -1;
		v->locator = (uint32_t)n;
	}
	if (get_hex(o, "pickup", "salt", v->salt, PICKUP_SALT_LEN, e))
		return -1;
	return get_hex(o, "pickup", "hash", v->hash, PICKUP_HASH_LEN, e);
}

/* "track" is optional in the JSON; an absent one leaves number 0. */
static int read_track(const cJSON *file, const char *where, struct manifest_track *t,
		      struct err *e)
{
	char path[48];
	const cJSON *o;
	uint64_t n;

	if (!cJSON_GetObjectItemCaseSensitive(file, "track"))
		return 0;
	o = get_object(file, where, "track", e);
	if (!o)
		return -1;
	snprintf(path, sizeof(path), "%s.track", where);
	if (get_uint(o, path, "number", AUDIO_TRACKS_MAX, &n, e))
		return -1;
	if (n < 1)
		return field_fail(e, path, "number", "out of range");
	t->number = (unsigned)n;
	if (get_text(o, path, "title", t->title, sizeof(t->title), e))
		return -1;
	return get_text(o, path, "performer", t->performer, sizeof(t->performer), e);
}

static int read_file(const cJSON *o, size_t idx, struct manifest_file *f, struct err *e)
{
	char where[32];
	const char *s;
	uint64_t size;
	int kind;

	snprintf(where, sizeof(where), "files[%zu]", idx);
	if (!cJSON_IsObject(o))
		return err_fail(e, "manifest: %s: not an object", where);
	s = get_string(o, where, "name", e);
	if (!s)
		return -1;
	if (!manifest_name_ok(s, e))
		return err_wrap(e, "manifest: %s.name", where);
	memcpy(f->name, s, strlen(s) + 1);
	if (get_uint(o, where, "size", INT_EXACT_MAX, &size, e))
		return -1;
	if (size == 0)
		return field_fail(e, where, "size", "is 0");
	f->size = size;
	if (get_hex(o, where, "sha256", f->sha256, DIGEST_LEN, e))
		return -1;
	s = get_string(o, where, "kind", e);
	if (!s)
		return -1;
	kind = file_kind_parse(s);
	if (kind < 0)
		return field_fail(e, where, "kind", "unknown kind");
	f->kind = (enum file_kind)kind;
	return read_track(o, where, &f->track, e);
}

/* Sorting pairs rather than indices keeps qsort free of global context. */
struct name_ref {
	const char *name;
	size_t idx;
};

static int name_ref_cmp(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int c = ascii_casecmp(x->name, y->name);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int check_unique_names(const struct manifest *m, struct err *e)
{
	struct name_ref *refs;
	int rc = 0;

	refs = calloc(m->file_count, sizeof(*refs));
	if (!refs)
		return err_fail(e, "out of memory");
	for (size_t i = 0; i < m->file_count; i++)
		refs[i] = (struct name_ref){ m->files[i].name, i };
	qsort(refs, m->file_count, sizeof(*refs), name_ref_cmp);
	for (size_t i = 1; i < m->file_count; i++)
		if (!ascii_casecmp(refs[i - 1].name, refs[i].name)) {
			rc = err_fail(e, "manifest: files[%zu].name: same as files[%zu].name",
				      refs[i].idx, refs[i - 1].idx);
			break;
		}
	free(refs);
	return rc;
}

static int check_audio(const struct manifest *m, struct err *e)
{
	bool used[AUDIO_TRACKS_MAX + 1] = { false };

	if (m->file_count > AUDIO_TRACKS_MAX)
		return err_fail(e, "manifest: files: audio-cd holds at most %d tracks, not %zu",
				AUDIO_TRACKS_MAX, m->file_count);
	for (size_t i = 0; i < m->file_count; i++) {
		const struct manifest_file *f = &m->files[i];

		if (f->kind != FILE_AUDIO)
			return err_fail(e, "manifest: files[%zu].kind: "
					   "audio-cd holds only audio, not %s",
					i, file_kind_name(f->kind));
		if (!f->track.number)
			return err_fail(e, "manifest: files[%zu].track: missing", i);
		if (used[f->track.number])
			return err_fail(e, "manifest: files[%zu].track.number: %u used twice", i,
					f->track.number);
		used[f->track.number] = true;
	}
	return 0;
}

static int check_capacity(struct manifest *m, struct err *e)
{
	uint64_t cap = burner_capacity_bytes(m->media), total = 0;

	/* 4096 sizes below 2^53 could pass 2^64: saturate instead of wrapping. */
	for (size_t i = 0; i < m->file_count; i++)
		total = m->files[i].size > UINT64_MAX - total ? UINT64_MAX
							      : total + m->files[i].size;
	if (total > cap)
		return err_fail(e, "manifest: files: total %" PRIu64 " bytes exceeds %s "
				   "capacity %" PRIu64,
				total, media_kind_name(m->media), cap);
	/* total <= cap < 2^34 and at most 99 tracks: no overflow below. */
	if (m->media == MEDIA_AUDIO_CD && total + AUDIO_PREGAP_BYTES * m->file_count > cap)
		return err_fail(e, "manifest: files: total %" PRIu64 " bytes and %zu track "
				   "pregaps of %llu bytes exceed audio-cd capacity %" PRIu64,
				total, m->file_count, AUDIO_PREGAP_BYTES, cap);
	m->total_bytes = total;
	return 0;
}

static int read_files(const cJSON *root, struct manifest *m, struct err *e)
{
	const cJSON *arr = member(root, "", "files", e), *it;
	size_t n = 0;

	if (!arr)
		return -1;
	if (!cJSON_IsArray(arr))
		return err_fail(e, "manifest: files: not an array");
	for (it = arr->child; it; it = it->next)
		if (++n > MANIFEST_MAX_FILES)
			return err_fail(e, "manifest: files: more than %d", MANIFEST_MAX_FILES);
	if (!n)
		return err_fail(e, "manifest: files: empty");
	m->files = calloc(n, sizeof(*m->files));
	if (!m->files)
		return err_fail(e, "out of memory");
	m->file_count = n;
	n = 0;
	for (it = arr->child; it; it = it->next, n++)
		if (read_file(it, n, &m->files[n], e))
			return -1;
	if (check_unique_names(m, e))
		return -1;
	if (m->media == MEDIA_AUDIO_CD && check_audio(m, e))
		return -1;
	return check_capacity(m, e);
}

static int read_order_id(const cJSON *root, char out[ORDER_ID_MAX + 1], struct err *e)
{
	const char *s = get_string(root, "", "order_id", e);
	size_t len;

	if (!s)
		return -1;
	len = strnlen(s, ORDER_ID_MAX + 1);
	if (len < 1 || len > ORDER_ID_MAX)
		return err_fail(e, "manifest: order_id: not 1..%d characters", ORDER_ID_MAX);
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return err_fail(e, "manifest: order_id: character %zu not in "
					   "[A-Za-z0-9_-]", i);
	}
	memcpy(out, s, len + 1);
	return 0;
}

static int read_manifest(const cJSON *root, struct manifest *m, struct err *e)
{
	const char *media;
	uint64_t version;
	int kind;

	if (!cJSON_IsObject(root))
		return err_fail(e, "manifest: not a JSON object");
	if (get_uint(root, "", "version", UINT32_MAX, &version, e))
		return -1;
	if (version != MANIFEST_VERSION)
		return err_fail(e, "manifest: version: %" PRIu64 " not supported", version);
	m->version = (unsigned)version;
	if (read_order_id(root, m->order_id, e) || read_ids(root, &m->ids, e))
		return -1;
	if (get_text(root, "", "title", m->title, sizeof(m->title), e) ||
	    get_text(root, "", "artist", m->artist, sizeof(m->artist), e))
		return -1;
	media = get_string(root, "", "media", e);
	if (!media)
		return -1;
	kind = media_kind_parse(media);
	if (kind < 0)
		return err_fail(e, "manifest: media: unknown media");
	m->media = (enum media_kind)kind;
	if (read_price(root, m, e))
		return -1;
	if (get_int(root, "", "issued_at", 0, INT_EXACT_MAX, &m->issued_at, e) ||
	    get_int(root, "", "expires_at", 0, INT_EXACT_MAX, &m->expires_at, e))
		return -1;
	if (m->expires_at <= m->issued_at)
		return err_fail(e, "manifest: expires_at: not after issued_at");
	if (read_pickup(root, &m->pickup, e))
		return -1;
	return read_files(root, m, e);
}

/*
 * True when a string in the JSON text uses the escape \u0000.  cJSON would
 * decode it into a NUL and so cut the string short.
 */
static bool has_escaped_nul(const char *s, size_t len)
{
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		if (!in_string) {
			in_string = s[i] == '"';
			continue;
		}
		if (s[i] == '"') {
			in_string = false;
		} else if (s[i] == '\\' && i + 1 < len) {
			if (s[i + 1] == 'u' && i + 5 < len && !memcmp(s + i + 2, "0000", 4))
				return true;
			i++; /* whatever follows the backslash is escaped */
		}
	}
	return false;
}

int manifest_parse(const char *json, size_t len, struct manifest *m, struct err *e)
{
	const char *end = NULL, *nul;
	cJSON *root = NULL;
	char *buf;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	if (len > MANIFEST_MAX_BYTES)
		return err_fail(e, "manifest larger than 1 MiB");
	if (!len)
		return err_fail(e, "manifest: empty");
	nul = memchr(json, '\0', len);
	if (nul)
		return err_fail(e, "manifest: NUL byte at offset %zu", (size_t)(nul - json));
	buf = malloc(len + 1);
	if (!buf)
		return err_fail(e, "out of memory");
	memcpy(buf, json, len);
	buf[len] = '\0';
	if (has_escaped_nul(buf, len)) {
		err_fail(e, "manifest: a string contains \\u0000");
		goto out_free_buf;
	}
	/* len + 1 counts the NUL, which is how cJSON checks that the document
	 * ends there; with no NUL inside, that end is ours. */
	root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
	if (!root || end != buf + len) {
		err_fail(e, "manifest: malformed JSON near byte %zu",
			 end && end >= buf && end <= buf + len ? (size_t)(end - buf) : (size_t)0);
		goto out_free_json;
	}
	rc = read_manifest(root, m, e);
out_free_json:
	cJSON_Delete(root);
out_free_buf:
	free(buf);
	if (rc)
		manifest_free(m);
	return rc;
}

void manifest_free(struct manifest *m)
{
	if (!m)
		return;
	free(m->files);
	memset(m, 0, sizeof(*m));
}

/* --- Signatures --------------------------------------------------------- */

int manifest_key_fail(struct err *e, const char *what, const char *path, int ret)
{
	char why[128];

	mbedtls_strerror(ret, why, sizeof(why));
	return err_fail(e, "%s %s: %s", what, path, why);
}

/* The manifest key must be ECDSA-capable and on P-256: no other curve, no RSA. */
bool manifest_key_is_p256(const mbedtls_pk_context *pk)
{
	mbedtls_pk_type_t t = mbedtls_pk_get_type(pk);

	if (t != MBEDTLS_PK_ECKEY && t != MBEDTLS_PK_ECDSA)
		return false;
	return mbedtls_pk_ec(*pk)->grp.id == MBEDTLS_ECP_DP_SECP256R1;
}

int manifest_verify(const void *json, size_t len, const uint8_t *sig, size_t sig_len,
		    const char *pubkey_pem_path, struct err *e)
{
	uint8_t hash[DIGEST_LEN];
	mbedtls_pk_context pk;
	int ret, rc = -1;

	mbedtls_pk_init(&pk);
	ret = mbedtls_pk_parse_public_keyfile(&pk, pubkey_pem_path);
	if (ret) {
		manifest_key_fail(e, "manifest key", pubkey_pem_path, ret);
		goto out_free_pk;
	}
	if (!manifest_key_is_p256(&pk)) {
		err_fail(e, "manifest key %s: not an EC P-256 key", pubkey_pem_path);
		goto out_free_pk;
	}
	if (!sig_len || sig_len > MANIFEST_SIG_MAX) {
		err_fail(e, "manifest signature does not verify");
		goto out_free_pk;
	}
	digest_sha256(json, len, hash);
	/* Trailing bytes after the DER signature fail too (SIG_LEN_MISMATCH). */
	if (mbedtls_pk_verify(&pk, MBEDTLS_MD_SHA256, hash, sizeof(hash), sig, sig_len)) {
		err_fail(e, "manifest signature does not verify");
		goto out_free_pk;
	}
	rc = 0;
out_free_pk:
	mbedtls_pk_free(&pk);
	return rc;
}
