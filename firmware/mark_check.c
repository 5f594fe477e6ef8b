// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mark_check: the policy of mark_check.h, file by file, then for the order.
 * Files are examined in manifest order and the first one that fails the
 * order ends the check: its reason is the order's.
 */
#include "mark_check.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static void label(const struct mark_check_track *t, char *out, size_t size)
{
	if (t->number)
		snprintf(out, size, "track %u", t->number);
	else
		snprintf(out, size, "file %u", t->index);
}

static void reject(struct mark_check_verdict *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void reject(struct mark_check_verdict *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->reason, sizeof(v->reason), fmt, ap);
	va_end(ap);
	v->pass = false;
}

/* "user 123, shop 9" of got, "user 456, shop 1001" of want: the fields that
 * differ, in the payload's order. */
static void differences(const struct wm_payload *got, const struct manifest_ids *want,
			char *g, char *w, size_t size)
{
	struct {
		const char *name;
		uint32_t got, want;
	} f[] = {
		{ "user", got->user, want->user },
		{ "shop", got->shop, want->shop },
		{ "delivery server", got->delivery_server, want->delivery_server },
		{ "content server", got->content_server, want->content_server },
	};
	size_t gl = 0, wl = 0;

	g[0] = w[0] = '\0';
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (f[i].got == f[i].want)
			continue;
		gl += (size_t)snprintf(g + gl, size - gl, "%s%s %" PRIu32, gl ? ", " : "",
				       f[i].name, f[i].got);
		wl += (size_t)snprintf(w + wl, size - wl, "%s%s %" PRIu32, wl ? ", " : "",
				       f[i].name, f[i].want);
		if (gl >= size || wl >= size)
			break;
	}
}

/* One file: 0 verified, 1 tolerated, 2 rejected (v->reason set). */
static int check_one(const struct wm_key *k, const struct manifest_ids *ids,
		     const struct mark_check_track *t, struct mark_check_verdict *v)
{
	const struct wm_payload want = {
		.content_server = ids->content_server,
		.delivery_server = ids->delivery_server,
		.user = ids->user,
		.shop = ids->shop,
	};
	char name[32], g[96], w[96];
	struct wm_result r;
	struct err e;
	double seconds;

	label(t, name, sizeof(name));
	if (wm_file_seconds(t->path, &seconds, &e)) {
		reject(v, "%s: %s", name, e.msg);
		return 2;
	}
	if (seconds < WM_DETECT_MIN_SECONDS) {
		log_info("watermark", "%s: %.1f s, too short to hold a mark: not examined", name,
			 seconds);
		return 1;
	}
	if (wm_detect_file(t->path, k, &r, &e)) {
		reject(v, "%s: %s", name, e.msg);
		return 2;
	}
	switch (r.status) {
	case WM_FOUND:
		if (wm_payload_equal(&r.payload, &want))
			return 0;
		differences(&r.payload, ids, g, w, sizeof(g));
		reject(v, "%s: watermark names %s, not this order's %s", name, g, w);
		return 2;
	case WM_CONFLICT:
		reject(v, "%s: two different watermarks (copies of different orders mixed)",
		       name);
		return 2;
	case WM_NOT_FOUND:
		break;
	}
	if (seconds >= MARK_CHECK_MIN_SECONDS) {
		reject(v, "%s: no watermark under this kiosk's key", name);
		return 2;
	}
	log_info("watermark", "%s: %.1f s, no mark found: tolerated (under %.0f s)", name,
		 seconds, MARK_CHECK_MIN_SECONDS);
	return 1;
}

int mark_check_tracks(const struct wm_key *k, const struct manifest_ids *ids,
			  const struct mark_check_track *tracks, size_t n,
			  const atomic_int *stop, struct mark_check_verdict *v,
			  struct err *e)
{
	memset(v, 0, sizeof(*v));
	v->pass = true;
	for (size_t i = 0; i < n; i++) {
		if (stop && *stop)
			return err_fail(e, "stopped");
		switch (check_one(k, ids, &tracks[i], v)) {
		case 0:
			v->verified++;
			break;
		case 1:
			v->tolerated++;
			break;
		default:
			return 0;
		}
	}
	if (n && !v->verified)
		reject(v, "no audio file carries a watermark that could be checked "
			  "(each is under %.0f s and none gave one back)", MARK_CHECK_MIN_SECONDS);
	return 0;
}

int mark_check_order(const char *key_path, struct spool *sp, const struct store_order *o,
		   const struct store_file *files, size_t n, const atomic_int *stop,
		   struct mark_check_verdict *v, struct err *e)
{
	struct mark_check_track *tracks;
	char (*paths)[4096];
	struct wm_key key;
	size_t audio = 0;
	int rc = -1;

	memset(v, 0, sizeof(*v));
	v->pass = true;
	for (size_t i = 0; i < n; i++)
		audio += files[i].m.kind == FILE_AUDIO;
	if (!audio)
		return 0;
	if (!key_path || !key_path[0]) {
		reject(v, "no watermark key configured");
		return 0;
	}
	if (wm_key_load_file(&key, key_path, e)) {
		reject(v, "watermark key: %s", e->msg);
		return 0;
	}
	tracks = calloc(audio, sizeof(*tracks));
	paths = calloc(audio, sizeof(*paths));
	if (!tracks || !paths) {
		err_fail(e, "out of memory");
		goto out_free;
	}
	audio = 0;
	for (size_t i = 0; i < n; i++) {
		if (files[i].m.kind != FILE_AUDIO)
			continue;
		if (spool_data_path(sp, o->id, files[i].idx, paths[audio], sizeof(paths[audio]), e))
			goto out_free;
		tracks[audio] = (struct mark_check_track){ paths[audio], files[i].m.track.number,
							 files[i].idx };
		audio++;
	}
	rc = mark_check_tracks(&key, &o->ids, tracks, audio, stop, v, e);
out_free:
	explicit_bzero(&key, sizeof(key));
	free(tracks);
	free(paths);
	return rc;
}
