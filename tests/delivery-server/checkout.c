// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * checkout: placing an order (see checkout.h).
 *
 * The manifest faults edit the serialised JSON, never the struct, because
 * manifest_to_json() checks its own output and would refuse them:
 *   - a bad file name: file 0 is serialised under a placeholder name, and
 *     the placeholder's JSON string is then replaced by the hostile one;
 *   - oversize: the first "size" member after "files" (file 0's: strings
 *     are escaped, so `"size":` cannot occur inside one) gets 5 GB;
 *   - bad-json: the text is cut two thirds through;
 *   - huge-json: an unknown "padding" member makes it exactly 2 MiB.
 * bad-hash needs no edit: a wrong digest is still a well-formed manifest.
 *
 * The watermark faults act on file 0 while it is prepared (unmarked: the
 * master's bytes; other-user: marked for user + 1); the manifest then
 * hashes those bytes, so the download checks out and only the kiosk's
 * watermark check can object.
 */
#include "checkout.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include "burner.h"
#include "catalog.h"
#include "db.h"
#include "digest.h"
#include "faults.h"
#include "files.h"
#include "layout.h"
#include "manifest.h"
#include "prepare.h"
#include "wm/watermark.h"

#define NAME_PLACEHOLDER "tenpo-fault-name-placeholder-4b1d"
#define OVERSIZE_BYTES "5000000000"
#define HUGE_JSON_BYTES (2u * 1024 * 1024)
#define ID_ATTEMPTS 8
#define NAME_FAULTS (FAULT_EVIL_PATH | FAULT_ABS_PATH | FAULT_CTRL_NAME)
#define MARK_FAULTS (FAULT_UNMARKED | FAULT_OTHER_USER)

static const char ID_CHARS[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/* Everything one checkout holds, released in one place. */
struct checkout {
	const char *dir;
	const struct checkout_request *r;
	sqlite3 *db;
	struct catalog_item item;
	struct wm_key wm_key; /* the server's, loaded for music only */
	struct manifest m;
	struct db_order order;
	struct db_order_file *files;
	char prepared[LAYOUT_PATH_MAX]; /* DIR/prepared/<id>, once claimed */
	char code[PICKUP_CODE_DIGITS + 1];
	char *json;
	size_t json_len;
	uint8_t sig[MANIFEST_SIG_MAX];
	size_t sig_len;
};

static int random_bytes(uint8_t *buf, size_t len, struct err *e)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = getrandom(buf + done, len - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_fail(e, "getrandom: %s", strerror(errno));
		done += (size_t)n;
	}
	return 0;
}

/* CHECKOUT_ID_LEN uniform characters of ID_CHARS (bytes >= 252 are skipped). */
static int random_id(char out[CHECKOUT_ID_LEN + 1], struct err *e)
{
	uint8_t pool[64];
	size_t n = 0;

	while (n < CHECKOUT_ID_LEN) {
		if (random_bytes(pool, sizeof(pool), e))
			return -1;
		for (size_t i = 0; i < sizeof(pool) && n < CHECKOUT_ID_LEN; i++)
			if (pool[i] < 252)
				out[n++] = ID_CHARS[pool[i] % 36];
	}
	out[n] = '\0';
	return 0;
}

/* Draws IDs until DIR/prepared/<id>/ could be created: the folder is the claim. */
static int claim_id(struct checkout *c, struct err *e)
{
	char parent[LAYOUT_PATH_MAX];

	if (layout_path(parent, sizeof(parent), e, "%s/" LAYOUT_PREPARED_DIR, c->dir) ||
	    files_mkdir(parent, 0755, e))
		return -1;
	for (int i = 0; i < ID_ATTEMPTS; i++) {
		if (random_id(c->order.id, e) ||
		    layout_path(c->prepared, sizeof(c->prepared), e, "%s/%s", parent, c->order.id))
			return -1;
		if (mkdir(c->prepared, 0755) == 0)
			return 0;
		if (errno != EEXIST) {
			err_fail(e, "%s: mkdir: %s", c->prepared, strerror(errno));
			c->prepared[0] = '\0';
			return -1;
		}
	}
	c->prepared[0] = '\0';
	return err_fail(e, "could not draw an unused order id");
}

static int check_request(struct checkout *c, struct err *e)
{
	const struct checkout_request *r = c->r;
	uint64_t total = 0;
	bool found;

	if (db_shop_exists(c->db, r->shop, &found, e))
		return -1;
	if (!found)
		return err_fail(e, "no shop %u", (unsigned)r->shop);
	if (db_catalog_find(c->db, r->title, &c->item, &found, e))
		return -1;
	if (!found)
		return err_fail(e, "no catalog title or alias '%.100s'", r->title);
	if (r->media == MEDIA_AUDIO_CD && c->item.kind != CATALOG_MUSIC)
		return err_fail(e, "audio-cd is only for music; '%s' is %s", c->item.title,
				catalog_kind_name(c->item.kind));
	for (size_t i = 0; i < c->item.file_count; i++)
		total += c->item.files[i].size;
	if (total > burner_capacity_bytes(r->media))
		return err_fail(e, "'%s' (%llu bytes) does not fit a %s", c->item.title,
				(unsigned long long)total, media_kind_name(r->media));
	if ((r->faults & NAME_FAULTS) & ((r->faults & NAME_FAULTS) - 1))
		return err_fail(e, "evil-path, abs-path and ctrl-name exclude each other");
	if ((r->faults & MARK_FAULTS) && c->item.kind != CATALOG_MUSIC)
		return err_fail(e, "unmarked and other-user are for music; '%s' is %s",
				c->item.title, catalog_kind_name(c->item.kind));
	if ((r->faults & MARK_FAULTS) == MARK_FAULTS)
		return err_fail(e, "unmarked and other-user exclude each other");
	return 0;
}

/* Where a marked copy of cf for ids is kept (prepare.h); "" when its
 * folder cannot be made: then it is simply not kept. */
static void keep_path(const struct checkout *c, const struct catalog_file *cf,
		      const struct manifest_ids *ids, char *out, size_t size)
{
	char dir[LAYOUT_PATH_MAX];
	const char *slash = strrchr(cf->path, '/');

	out[0] = '\0';
	if (!slash || layout_path(dir, sizeof(dir), NULL, "%s/" LAYOUT_MARKED_DIR, c->dir) ||
	    files_mkdir(dir, 0700, NULL) ||
	    layout_path(dir, sizeof(dir), NULL, "%s/" LAYOUT_MARKED_DIR "/%.*s", c->dir,
			(int)(slash - cf->path), cf->path) ||
	    files_mkdir(dir, 0700, NULL) ||
	    layout_path(out, size, NULL, "%s/%s.%" PRIu32 "-%" PRIu32 "-%u-%u", dir, slash + 1,
			ids->user, ids->shop, (unsigned)ids->delivery_server,
			(unsigned)ids->content_server))
		out[0] = '\0';
}

/* Prepares and hashes every file into c->m.files and c->files.  Audio
 * files are watermarked with the order's IDs, unless a fault says
 * otherwise (file 0 only). */
static int prepare_files(struct checkout *c, struct err *e)
{
	size_t n = c->item.file_count;
	struct prepare_job *jobs;
	int rc = -1;

	c->m.files = calloc(n, sizeof(*c->m.files));
	c->files = calloc(n, sizeof(*c->files));
	jobs = calloc(n, sizeof(*jobs));
	if (!c->m.files || !c->files || !jobs) {
		err_fail(e, "out of memory");
		goto out_free;
	}
	c->m.file_count = n;
	for (size_t i = 0; i < n; i++) {
		const struct catalog_file *cf = &c->item.files[i];
		struct prepare_job *j = &jobs[i];

		if (layout_path(j->src, sizeof(j->src), e, "%s/" LAYOUT_CATALOG_DIR "/%s", c->dir,
				cf->path) ||
		    layout_prepared_file(j->dst, sizeof(j->dst), c->dir, c->order.id, (unsigned)i, e))
			goto out_free;
		j->ids = c->m.ids;
		j->mark = cf->kind == FILE_AUDIO && !(i == 0 && (c->r->faults & FAULT_UNMARKED));
		if (i == 0 && (c->r->faults & FAULT_OTHER_USER))
			j->ids.user += 1;
		if (j->mark)
			keep_path(c, cf, &j->ids, j->keep, sizeof(j->keep));
	}
	if (prepare_run(jobs, n, &c->wm_key, e))
		goto out_free;
	for (size_t i = 0; i < n; i++) {
		const struct catalog_file *cf = &c->item.files[i];
		struct manifest_file *mf = &c->m.files[i];
		uint64_t size;

		if (digest_sha256_file(jobs[i].dst, UINT64_MAX, mf->sha256, &size, e))
			goto out_free;
		memcpy(mf->name, cf->name, sizeof(mf->name));
		mf->size = size;
		mf->kind = cf->kind;
		mf->track = cf->track;
		memcpy(c->files[i].name, cf->name, sizeof(c->files[i].name));
		c->files[i].size = size;
		digest_to_hex(mf->sha256, DIGEST_LEN, c->files[i].sha256);
		c->m.total_bytes += size;
	}
	rc = 0;
out_free:
	free(jobs);
	return rc;
}

static int fill_manifest(struct checkout *c, uint16_t server_id, struct err *e)
{
	const struct checkout_request *r = c->r;
	struct manifest *m = &c->m;
	int64_t now = (int64_t)time(NULL);

	m->version = 1;
	memcpy(m->order_id, c->order.id, CHECKOUT_ID_LEN + 1);
	m->ids.user = r->user;
	m->ids.shop = r->shop;
	m->ids.delivery_server = server_id;
	m->ids.content_server = c->item.content_server;
	memcpy(m->title, c->item.title, sizeof(m->title));
	memcpy(m->artist, c->item.artist, sizeof(m->artist));
	m->media = r->media;
	m->price = r->price >= 0 ? (uint64_t)r->price : c->item.price;
	memcpy(m->currency, "JPY", 4);
	m->prepaid = !r->unpaid;
	m->issued_at = now;
	m->expires_at = now + r->expires_in_s;
	if (pickup_generate(c->code, PICKUP_DEFAULT_ITERATIONS, &m->pickup, e))
		return -1;
	if (r->faults & FAULT_NO_LOCATOR)
		m->pickup.has_locator = false;
	return 0;
}

/* Replaces the first `needle` in c->json with `with`. */
static int json_replace(struct checkout *c, const char *needle, const char *with, struct err *e)
{
	char *at = strstr(c->json, needle), *out;
	size_t nl = strlen(needle), wl = strlen(with), head;

	if (!at)
		return err_fail(e, "fault: '%s' not found in the manifest", needle);
	head = (size_t)(at - c->json);
	out = malloc(c->json_len - nl + wl + 1);
	if (!out)
		return err_fail(e, "out of memory");
	memcpy(out, c->json, head);
	memcpy(out + head, with, wl);
	memcpy(out + head + wl, at + nl, c->json_len - head - nl + 1);
	free(c->json);
	c->json = out;
	c->json_len = c->json_len - nl + wl;
	return 0;
}

static int oversize_file0(struct checkout *c, struct err *e)
{
	char *files = strstr(c->json, "\"files\":"), *size, needle[64];
	size_t digits;

	size = files ? strstr(files, "\"size\":") : NULL;
	if (!size)
		return err_fail(e, "fault oversize: no file size in the manifest");
	digits = strspn(size + 7, "0123456789");
	if (digits == 0 || digits > 20)
		return err_fail(e, "fault oversize: malformed file size");
	memcpy(needle, size, 7 + digits);
	needle[7 + digits] = '\0';
	return json_replace(c, needle, "\"size\":" OVERSIZE_BYTES, e);
}

static int pad_to_huge(struct checkout *c, struct err *e)
{
	static const char lead[] = "{\"padding\":\"";
	size_t pad, used;
	char *out;

	if (c->json_len < 2 || c->json[0] != '{' ||
	    c->json_len + sizeof(lead) + 2 > HUGE_JSON_BYTES)
		return err_fail(e, "fault huge-json: cannot pad this manifest");
	/* lead + pad + "\"," + json without its '{' == HUGE_JSON_BYTES */
	pad = HUGE_JSON_BYTES - (sizeof(lead) - 1) - 2 - (c->json_len - 1);
	out = malloc(HUGE_JSON_BYTES + 1);
	if (!out)
		return err_fail(e, "out of memory");
	memcpy(out, lead, sizeof(lead) - 1);
	used = sizeof(lead) - 1;
	memset(out + used, 'x', pad);
	used += pad;
	memcpy(out + used, "\",", 2);
	used += 2;
	memcpy(out + used, c->json + 1, c->json_len); /* with its NUL */
	free(c->json);
	c->json = out;
	c->json_len = HUGE_JSON_BYTES;
	return 0;
}

static int build_manifest(struct checkout *c, struct err *e)
{
	unsigned f = c->r->faults;

	if (f & NAME_FAULTS)
		memcpy(c->m.files[0].name, NAME_PLACEHOLDER, sizeof(NAME_PLACEHOLDER));
	if (f & FAULT_BAD_HASH)
		c->m.files[0].sha256[0] ^= 0x80;
	c->json = manifest_to_json(&c->m, &c->json_len, e);
	if (!c->json)
		return -1;
	if ((f & FAULT_EVIL_PATH) &&
	    json_replace(c, "\"" NAME_PLACEHOLDER "\"", "\"../../evil.wav\"", e))
		return -1;
	if ((f & FAULT_ABS_PATH) && json_replace(c, "\"" NAME_PLACEHOLDER "\"", "\"/etc/passwd\"", e))
		return -1;
	if ((f & FAULT_CTRL_NAME) &&
	    json_replace(c, "\"" NAME_PLACEHOLDER "\"", "\"01 evil\\u0001name.wav\"", e))
		return -1;
	if ((f & FAULT_OVERSIZE) && oversize_file0(c, e))
		return -1;
	if (f & FAULT_BAD_JSON) {
		c->json_len = c->json_len * 2 / 3;
		c->json[c->json_len] = '\0';
	}
	if ((f & FAULT_HUGE_JSON) && pad_to_huge(c, e))
		return -1;
	return 0;
}

static int sign_manifest(struct checkout *c, struct err *e)
{
	static const char other[] = "tenpo: these are not the manifest's bytes";
	char key[LAYOUT_PATH_MAX];

	if (layout_path(key, sizeof(key), e, "%s/" LAYOUT_MANIFEST_KEY, c->dir))
		return -1;
	if (c->r->faults & FAULT_BAD_SIGNATURE)
		return manifest_sign(other, sizeof(other) - 1, key, c->sig, &c->sig_len, e);
	return manifest_sign(c->json, c->json_len, key, c->sig, &c->sig_len, e);
}

/* The watermark key, for an item with audio: without it nothing is sold. */
static int load_wm_key(struct checkout *c, struct err *e)
{
	char path[LAYOUT_PATH_MAX];
	bool audio = false;

	for (size_t i = 0; i < c->item.file_count; i++)
		audio |= c->item.files[i].kind == FILE_AUDIO;
	if (!audio)
		return 0;
	if (layout_path(path, sizeof(path), e, "%s/" LAYOUT_WATERMARK_KEY, c->dir) ||
	    wm_key_load_file(&c->wm_key, path, e))
		return -1;
	return 0;
}

static int read_server_id(sqlite3 *db, uint16_t *id, struct err *e)
{
	char text[16], *end;
	unsigned long v;

	if (db_meta_get(db, "delivery_server_id", text, sizeof(text), e))
		return -1;
	v = strtoul(text, &end, 10);
	if (*end || end == text || v > 0xffff)
		return err_fail(e, "database: bad delivery_server_id '%s'", text);
	*id = (uint16_t)v;
	return 0;
}

int checkout_place(const char *dir, const struct checkout_request *r,
		   struct checkout_result *out, struct err *e)
{
	struct checkout *c;
	uint16_t server_id = 0;
	int rc = -1;

	if (r->expires_in_s <= 0)
		return err_fail(e, "the order must expire in the future");
	c = calloc(1, sizeof(*c));
	if (!c)
		return err_fail(e, "out of memory");
	c->dir = dir;
	c->r = r;
	if (db_open(dir, false, &c->db, e) || read_server_id(c->db, &server_id, e) ||
	    check_request(c, e) || load_wm_key(c, e) || claim_id(c, e))
		goto out_free;
	/* The IDs go into the watermark, so they are known before preparing. */
	if (fill_manifest(c, server_id, e) || prepare_files(c, e) || build_manifest(c, e) ||
	    sign_manifest(c, e))
		goto out_free;

	c->order.shop = r->shop;
	c->order.user = r->user;
	c->order.item = c->item.id;
	c->order.media = r->media;
	c->order.faults = r->faults;
	c->order.file_count = c->m.file_count;
	c->order.price = c->m.price;
	c->order.prepaid = c->m.prepaid;
	c->order.created_at = c->m.issued_at;
	c->order.expires_at = c->m.expires_at;
	if (db_order_insert(c->db, &c->order,
			    &(struct db_order_blobs){ .pickup_code = c->code,
						      .manifest = c->json,
						      .manifest_len = c->json_len,
						      .sig = c->sig,
						      .sig_len = c->sig_len,
						      .files = c->files },
			    e))
		goto out_free;
	memcpy(out->order_id, c->order.id, sizeof(out->order_id));
	memcpy(out->code, c->code, sizeof(out->code));
	rc = 0;
out_free:
	if (rc && c->prepared[0])
		files_remove_tree(c->prepared, NULL);
	free(c->json);
	free(c->files);
	manifest_free(&c->m);
	catalog_item_free(&c->item);
	db_close(c->db);
	memset(c->code, 0, sizeof(c->code));
	explicit_bzero(&c->wm_key, sizeof(c->wm_key));
	free(c);
	return rc;
}
