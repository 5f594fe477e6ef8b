// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for manifest_parse(), the gate for network bytes.
 *
 * Any input may be refused, but none may crash, leak or read out of bounds
 * (the input is not NUL-terminated).  An accepted manifest must survive the
 * trip through manifest_to_json() and back unchanged, and writing it again
 * must give the same bytes: abort() otherwise.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "burner.h"
#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_file(const struct manifest_file *a, const struct manifest_file *b)
{
	return !strcmp(a->name, b->name) && a->size == b->size &&
	       !memcmp(a->sha256, b->sha256, DIGEST_LEN) && a->kind == b->kind &&
	       a->track.number == b->track.number && !strcmp(a->track.title, b->track.title) &&
	       !strcmp(a->track.performer, b->track.performer);
}

static bool same(const struct manifest *a, const struct manifest *b)
{
	if (a->version != b->version || strcmp(a->order_id, b->order_id) ||
	    a->ids.user != b->ids.user || a->ids.shop != b->ids.shop ||
	    a->ids.delivery_server != b->ids.delivery_server ||
	    a->ids.content_server != b->ids.content_server || strcmp(a->title, b->title) ||
	    strcmp(a->artist, b->artist) || a->media != b->media || a->price != b->price ||
	    strcmp(a->currency, b->currency) || a->prepaid != b->prepaid ||
	    a->issued_at != b->issued_at || a->expires_at != b->expires_at ||
	    a->pickup.iterations != b->pickup.iterations ||
	    a->pickup.locator != b->pickup.locator ||
	    a->pickup.has_locator != b->pickup.has_locator ||
	    memcmp(a->pickup.salt, b->pickup.salt, PICKUP_SALT_LEN) ||
	    memcmp(a->pickup.hash, b->pickup.hash, PICKUP_HASH_LEN) ||
	    a->file_count != b->file_count || a->total_bytes != b->total_bytes)
		return false;
	for (size_t i = 0; i < a->file_count; i++)
		if (!same_file(&a->files[i], &b->files[i]))
			return false;
	return true;
}

/* What manifest_parse() promises about an accepted manifest. */
static bool in_range(const struct manifest *m)
{
	uint64_t total = 0;

	if (m->ids.shop > 0xffffff || !m->file_count || m->file_count > MANIFEST_MAX_FILES ||
	    (unsigned)m->media >= MEDIA_KIND_COUNT)
		return false;
	for (size_t i = 0; i < m->file_count; i++) {
		const struct manifest_file *f = &m->files[i];

		if (!manifest_name_ok(f->name, NULL) || !f->size ||
		    (unsigned)f->kind >= FILE_KIND_COUNT)
			return false;
		if (m->media == MEDIA_AUDIO_CD && (f->kind != FILE_AUDIO || !f->track.number))
			return false;
		total += f->size;
	}
	return total == m->total_bytes && total <= burner_capacity_bytes(m->media);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m, back;
	struct err e;
	size_t len = 0, len2 = 0;
	char *json, *json2;

	if (manifest_parse((const char *)data, size, &m, &e))
		return 0;
	if (!in_range(&m))
		abort();
	json = manifest_to_json(&m, &len, &e);
	if (!json)
		abort();
	if (manifest_parse(json, len, &back, &e) || !same(&m, &back))
		abort();
	json2 = manifest_to_json(&back, &len2, &e);
	if (!json2 || len != len2 || memcmp(json, json2, len))
		abort();
	free(json2);
	free(json);
	manifest_free(&back);
	manifest_free(&m);
	return 0;
}
