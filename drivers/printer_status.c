// SPDX-License-Identifier: GPL-2.0-or-later
/* printer_status: the bit table of printer_status.h, and nothing else. */
#include "printer_status.h"

#include <stdio.h>
#include <string.h>

#define FIXED_MASK 0x93
#define FIXED_BITS 0x12

void printer_status_init(struct printer_status *s)
{
	memset(s, 0, sizeof(*s));
}

void printer_status_query(unsigned n, uint8_t out[PRINTER_STATUS_QUERY_LEN])
{
	out[0] = 0x10;
	out[1] = 0x04;
	out[2] = (uint8_t)n;
}

/* A YES stays; otherwise the answer decides. */
static void tri_raise(enum printer_tri *f, bool yes)
{
	if (yes)
		*f = PRINTER_YES;
	else if (*f == PRINTER_UNKNOWN)
		*f = PRINTER_NO;
}

int printer_status_apply(struct printer_status *s, unsigned n, const uint8_t *answer,
			 size_t len)
{
	uint8_t b;

	if (len != 1 || !answer || (answer[0] & FIXED_MASK) != FIXED_BITS || n < 1 || n > 4)
		return -1;
	b = answer[0];
	switch (n) {
	case 1:
		s->online = b & 0x08 ? PRINTER_NO : PRINTER_YES;
		break;
	case 2:
		s->cover_open = b & 0x04 ? PRINTER_YES : PRINTER_NO;
		if (b & 0x20)
			s->paper_out = PRINTER_YES;
		if (b & 0x40)
			s->error = PRINTER_YES;
		break;
	case 3:
		tri_raise(&s->error, (b & 0x6c) != 0);
		break;
	case 4:
		tri_raise(&s->paper_near_end, (b & 0x0c) != 0);
		tri_raise(&s->paper_out, (b & 0x60) != 0);
		break;
	}
	return 0;
}

bool printer_status_ready(const struct printer_status *s)
{
	return s->online == PRINTER_YES && s->paper_out == PRINTER_NO &&
	       s->cover_open == PRINTER_NO && s->error == PRINTER_NO;
}

bool printer_status_blocked(const struct printer_status *s)
{
	return s->online == PRINTER_NO || s->paper_out == PRINTER_YES ||
	       s->cover_open == PRINTER_YES || s->error == PRINTER_YES;
}

bool printer_status_unknown(const struct printer_status *s)
{
	return s->online == PRINTER_UNKNOWN && s->paper_out == PRINTER_UNKNOWN &&
	       s->paper_near_end == PRINTER_UNKNOWN && s->cover_open == PRINTER_UNKNOWN &&
	       s->error == PRINTER_UNKNOWN;
}

bool printer_status_equal(const struct printer_status *a, const struct printer_status *b)
{
	return a->online == b->online && a->paper_out == b->paper_out &&
	       a->paper_near_end == b->paper_near_end && a->cover_open == b->cover_open &&
	       a->error == b->error;
}

void printer_status_describe(const struct printer_status *s, char out[PRINTER_STATUS_TEXT_MAX])
{
	static const struct {
		size_t off;
		const char *yes;
		enum printer_tri bad;
	} words[] = {
		{ offsetof(struct printer_status, online), "offline", PRINTER_NO },
		{ offsetof(struct printer_status, paper_out), "paper out", PRINTER_YES },
		{ offsetof(struct printer_status, cover_open), "cover open", PRINTER_YES },
		{ offsetof(struct printer_status, error), "error", PRINTER_YES },
		{ offsetof(struct printer_status, paper_near_end), "paper near end", PRINTER_YES },
	};
	size_t at = 0;

	out[0] = '\0';
	if (printer_status_unknown(s)) {
		snprintf(out, PRINTER_STATUS_TEXT_MAX, "status unknown (no answer)");
		return;
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		enum printer_tri v = *(const enum printer_tri *)((const char *)s + words[i].off);

		if (v == words[i].bad)
			at += (size_t)snprintf(out + at, PRINTER_STATUS_TEXT_MAX - at, "%s%s",
					       at ? ", " : "", words[i].yes);
	}
	if (!at)
		snprintf(out, PRINTER_STATUS_TEXT_MAX, "%s",
			 printer_status_ready(s) ? "ready" : "status partly unknown");
	else if (!printer_status_ready(s) && !printer_status_blocked(s) &&
		 at < PRINTER_STATUS_TEXT_MAX - 24)
		snprintf(out + at, PRINTER_STATUS_TEXT_MAX - at, " (rest unknown)");
}
