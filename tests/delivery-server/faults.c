// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * faults: the table of fault names and what each one does.  The behaviour
 * lives where it acts (checkout.c for the manifest, api.c for serving); this
 * table is where a reader finds out what to expect.
 */
#include "faults.h"

#include <stdio.h>
#include <string.h>

struct fault_desc {
	enum fault bit;
	const char *name;
};

static const struct fault_desc faults[] = {
	/* The Tenpo-Signature is a valid ECDSA signature by the manifest key,
	 * but over other bytes: the manifest must be refused. */
	{ FAULT_BAD_SIGNATURE, "bad-signature" },
	/* The manifest's sha256 for file 0 is wrong (one bit flipped), forever:
	 * every download of file 0 mismatches; the order must end up failed
	 * after max_file_failures, never written. */
	{ FAULT_BAD_HASH, "bad-hash" },
	/* The first FAULT_FLAKY_HASH_TIMES downloads of file 0 that start at
	 * offset 0 have one byte of the body flipped (the middle one); the
	 * next one is right: the kiosk must discard and fetch again. */
	{ FAULT_FLAKY_HASH, "flaky-hash" },
	/* The first FAULT_TRUNCATE_TIMES downloads of file 0 announce the full
	 * Content-Length, send half of the body and close the connection: the
	 * kiosk must resume with Range from where it got to. */
	{ FAULT_TRUNCATE, "truncate" },
	/* Downloads of file 0 ignore Range and answer 200 with the whole
	 * file, as a server without range support does: with truncate, the
	 * kiosk's resume must restart the file from byte 0. */
	{ FAULT_NO_RANGE, "no-range" },
	/* The first download of file 0 sends half of the body, then nothing
	 * for FAULT_STALL_SECONDS, then closes: the kiosk's io timeout must
	 * fire and the download resume. */
	{ FAULT_STALL, "stall" },
	/* Manifest file 0 is named "../../evil.wav" (still correctly signed):
	 * manifest_parse must refuse it. */
	{ FAULT_EVIL_PATH, "evil-path" },
	/* Manifest file 0 is named "/etc/passwd". */
	{ FAULT_ABS_PATH, "abs-path" },
	/* Manifest file 0's name holds a control character (\x01). */
	{ FAULT_CTRL_NAME, "ctrl-name" },
	/* The manifest claims file 0 is 5 GB, more than any disc holds (meant
	 * for a data-cd order; too big for every media). */
	{ FAULT_OVERSIZE, "oversize" },
	/* The manifest body is malformed JSON (cut off two thirds through),
	 * correctly signed: the signature verifies, parsing must fail. */
	{ FAULT_BAD_JSON, "bad-json" },
	/* The manifest body is 2 MiB (valid JSON padded with an unknown key),
	 * correctly signed: above the 1 MiB cap, must be refused unread. */
	{ FAULT_HUGE_JSON, "huge-json" },
	/* While this order is open, GET /v1/orders for its shop answers a
	 * 2 MiB body (valid JSON padded with an unknown key): above the
	 * 1 MiB cap.  `tenpo-delivery cancel` ends it: the list is then
	 * normal and names the order as cancelled. */
	{ FAULT_HUGE_LIST, "huge-list" },
	/* The first FAULT_SLOW_REPORT_TIMES report POSTs for this order get
	 * 503 with Retry-After: 1 (each is still counted in report_posts). */
	{ FAULT_SLOW_REPORT, "slow-report" },
	/* Music only.  File 0 is prepared without a watermark (the master's
	 * bytes); the manifest hashes what is served, so only the kiosk's
	 * watermark check can tell: the order must end up failed. */
	{ FAULT_UNMARKED, "unmarked" },
	/* Music only.  File 0 is watermarked for user + 1 (mod 2^32) instead
	 * of the order's user, the other IDs right; hashed as served. */
	{ FAULT_OTHER_USER, "other-user" },
	/* The manifest has no pickup.locator, as from a server older than
	 * it; signed as served.  The kiosk must fail the order at sync. */
	{ FAULT_NO_LOCATOR, "no-locator" },
	/* The first FAULT_LATE_ACK_TIMES `delivered` reports for this order
	 * are recorded, then answered only FAULT_LATE_ACK_SECONDS later: a
	 * kiosk whose power is cut in that window holds a report the server
	 * has and it does not know was taken, and must send the same
	 * report_id again (the appliance's power-cut test aims there). */
	{ FAULT_LATE_ACK, "late-ack" },
};

#define FAULT_COUNT (sizeof(faults) / sizeof(faults[0]))

int faults_parse(const char *list, unsigned *mask, struct err *e)
{
	const char *p = list;

	*mask = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		size_t i;

		for (i = 0; i < FAULT_COUNT; i++)
			if (strlen(faults[i].name) == n && !strncmp(faults[i].name, p, n))
				break;
		if (i == FAULT_COUNT)
			return err_fail(e, "unknown fault '%.*s'", (int)(n > 40 ? 40 : n), p);
		*mask |= faults[i].bit;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

void faults_format(unsigned mask, char *out, size_t size)
{
	size_t used = 0;

	if (size)
		out[0] = '\0';
	for (size_t i = 0; i < FAULT_COUNT; i++) {
		int n;

		if (!(mask & faults[i].bit))
			continue;
		n = snprintf(out + used, size - used, "%s%s", used ? "," : "", faults[i].name);
		if (n < 0 || (size_t)n >= size - used)
			return;
		used += (size_t)n;
	}
}

const char *fault_name(enum fault f)
{
	for (size_t i = 0; i < FAULT_COUNT; i++)
		if (faults[i].bit == f)
			return faults[i].name;
	return "?";
}
