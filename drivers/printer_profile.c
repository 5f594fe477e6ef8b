// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * printer_profile: the strict parser of drivers/profiles/NAME.conf.  Each
 * key has a kind (text, number in a range, or one word of a list) and a bit
 * in `seen`, so that a duplicate and a missing key are both one test.
 */
#include "printer_profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { TEXT, NUMBER, WORD };

struct key {
	const char *name;
	enum kind kind;
	bool required;
	unsigned lo, hi;            /* NUMBER */
	const char *const *words;   /* WORD: the values, in enum order */
};

static const char *const kanji_words[] = { "none", "sjis", NULL };
static const char *const qr_words[] = { "raster", "native", NULL };
static const char *const yesno_words[] = { "no", "yes", NULL };
static const char *const cutter_words[] = { "none", "partial", "full", NULL };

enum { K_NAME, K_MODEL, K_PAPER, K_DOTS, K_COLA, K_COLB, K_KANJI, K_QR, K_CODE128,
       K_CUTTER, K_CUTFEED, K_CODEPAGE, K_COUNT };

static const struct key keys[K_COUNT] = {
	[K_NAME] = { "name", TEXT, true, 0, 0, NULL },
	[K_MODEL] = { "model", TEXT, true, 0, 0, NULL },
	[K_PAPER] = { "paper_mm", NUMBER, true, 40, 112, NULL },
	[K_DOTS] = { "dots", NUMBER, true, 128, 832, NULL },
	[K_COLA] = { "columns_a", NUMBER, true, 16, 80, NULL },
	[K_COLB] = { "columns_b", NUMBER, true, 16, 96, NULL },
	[K_KANJI] = { "kanji", WORD, true, 0, 0, kanji_words },
	[K_QR] = { "qr", WORD, true, 0, 0, qr_words },
	[K_CODE128] = { "code128", WORD, true, 0, 0, yesno_words },
	[K_CUTTER] = { "cutter", WORD, true, 0, 0, cutter_words },
	[K_CUTFEED] = { "cut_feed", NUMBER, true, 0, 20, NULL },
	[K_CODEPAGE] = { "code_page", NUMBER, false, 0, 255, NULL },
};

static bool name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n > 0 && n < max && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* Decimal digits only (no sign, no space, no hex), within lo..hi. */
static int number_parse(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
	unsigned long n = 0;

	if (!*v || strlen(v) > 6 || strspn(v, "0123456789") != strlen(v))
		return -1;
	n = strtoul(v, NULL, 10);
	if (n < lo || n > hi)
		return -1;
	*out = (unsigned)n;
	return 0;
}

static void store(struct printer_profile *p, int k, const char *v, unsigned n)
{
	switch (k) {
	case K_NAME: memcpy(p->name, v, strlen(v) + 1); break;
	case K_MODEL: memcpy(p->model, v, strlen(v) + 1); break;
	case K_PAPER: p->paper_mm = n; break;
	case K_DOTS: p->dots = n; break;
	case K_COLA: p->columns_a = n; break;
	case K_COLB: p->columns_b = n; break;
	case K_KANJI: p->kanji = (enum printer_kanji)n; break;
	case K_QR: p->qr = (enum printer_qr)n; break;
	case K_CODE128: p->code128 = n != 0; break;
	case K_CUTTER: p->cutter = (enum printer_cutter)n; break;
	case K_CUTFEED: p->cut_feed = n; break;
	case K_CODEPAGE: p->code_page = n; break;
	}
}

static int parse_line(struct printer_profile *p, unsigned *seen, char *line, const char *where,
		      int lineno, struct err *e)
{
	char *hash = strchr(line, '#'), *eq, *k, *v;
	unsigned n = 0;
	int i;

	if (hash)
		*hash = '\0';
	k = trim(line);
	if (!*k)
		return 0;
	eq = strchr(k, '=');
	if (!eq)
		return err_fail(e, "%s:%d: expected 'key = value'", where, lineno);
	*eq = '\0';
	k = trim(k);
	v = trim(eq + 1);
	for (i = 0; i < K_COUNT; i++)
		if (!strcmp(k, keys[i].name))
			break;
	if (i == K_COUNT)
		return err_fail(e, "%s:%d: unknown key '%.40s'", where, lineno, k);
	if (*seen & (1u << i))
		return err_fail(e, "%s:%d: %s given twice", where, lineno, k);
	*seen |= 1u << i;
	if (!*v)
		return err_fail(e, "%s:%d: %s has no value", where, lineno, k);
	for (const char *c = v; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return err_fail(e, "%s:%d: control character in value", where, lineno);
	switch (keys[i].kind) {
	case TEXT:
		if (i == K_NAME && !name_ok(v, sizeof(p->name)))
			return err_fail(e, "%s:%d: name is 1..31 of [a-z0-9_-]", where, lineno);
		if (strlen(v) >= sizeof(p->model))
			return err_fail(e, "%s:%d: %s too long", where, lineno, k);
		break;
	case NUMBER:
		if (number_parse(v, keys[i].lo, keys[i].hi, &n))
			return err_fail(e, "%s:%d: %s is a whole number %u..%u, not '%.20s'", where,
					lineno, k, keys[i].lo, keys[i].hi, v);
		break;
	case WORD:
		for (n = 0; keys[i].words[n]; n++)
			if (!strcmp(v, keys[i].words[n]))
				break;
		if (!keys[i].words[n])
			return err_fail(e, "%s:%d: %s '%.20s' is not one of %s, %s%s%s", where,
					lineno, k, v, keys[i].words[0], keys[i].words[1],
					keys[i].words[2] ? ", " : "",
					keys[i].words[2] ? keys[i].words[2] : "");
		break;
	}
	store(p, i, v, n);
	return 0;
}

/* What the keys say together. */
static int check(const struct printer_profile *p, unsigned seen, const char *where,
		 struct err *e)
{
	for (int i = 0; i < K_COUNT; i++)
		if (keys[i].required && !(seen & (1u << i)))
			return err_fail(e, "%s: %s is required", where, keys[i].name);
	if (p->dots % 8)
		return err_fail(e, "%s: dots %u is not a multiple of 8", where, p->dots);
	if (p->columns_a * 12 > p->dots || p->columns_b * 9 > p->dots)
		return err_fail(e, "%s: %u/%u columns do not fit %u dots at 12/9 dots a character",
				where, p->columns_a, p->columns_b, p->dots);
	if (p->dots > p->paper_mm * 8 + 8)
		return err_fail(e, "%s: %u dots do not fit %u mm paper at 8 dots/mm", where,
				p->dots, p->paper_mm);
	return 0;
}

int printer_profile_parse(struct printer_profile *p, const char *text, size_t len,
			  const char *where, struct err *e)
{
	char line[PRINTER_PROFILE_LINE_MAX + 1];
	unsigned seen = 0;
	size_t at = 0;
	int lineno = 0;

	memset(p, 0, sizeof(*p));
	if (len > PRINTER_PROFILE_FILE_MAX)
		return err_fail(e, "%s: larger than %d bytes", where, PRINTER_PROFILE_FILE_MAX);
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;

		lineno++;
		if (n > PRINTER_PROFILE_LINE_MAX)
			goto fail_long;
		if (memchr(text + at, '\0', n)) {
			err_fail(e, "%s:%d: NUL byte", where, lineno);
			goto fail;
		}
		memcpy(line, text + at, n);
		line[n] = '\0';
		at += n + 1;
		if (parse_line(p, &seen, line, where, lineno, e))
			goto fail;
	}
	if (check(p, seen, where, e))
		goto fail;
	return 0;
fail_long:
	err_fail(e, "%s:%d: line longer than %d bytes", where, lineno, PRINTER_PROFILE_LINE_MAX);
fail:
	memset(p, 0, sizeof(*p));
	return -1;
}

int printer_profile_find(struct printer_profile *p, const char *dir, const char *name,
			 struct err *e)
{
	char path[1024], *text;
	size_t n;
	FILE *f;
	int rc;

	memset(p, 0, sizeof(*p));
	if (!name_ok(name, sizeof(p->name)))
		return err_fail(e, "printer profile '%.40s': not a profile name", name);
	if (snprintf(path, sizeof(path), "%s/%s.conf", dir, name) >= (int)sizeof(path))
		return err_fail(e, "printer profile folder path too long");
	f = fopen(path, "rb");
	if (!f)
		return err_fail(e, "%s: %s", path, strerror(errno));
	text = malloc(PRINTER_PROFILE_FILE_MAX + 1);
	if (!text) {
		fclose(f);
		return err_fail(e, "out of memory");
	}
	n = fread(text, 1, PRINTER_PROFILE_FILE_MAX + 1, f);
	rc = ferror(f) ? err_fail(e, "%s: read error", path)
		       : printer_profile_parse(p, text, n, path, e);
	fclose(f);
	free(text);
	if (!rc && strcmp(p->name, name)) {
		rc = err_fail(e, "%s: name is '%s', not '%s'", path, p->name, name);
		memset(p, 0, sizeof(*p));
	}
	return rc;
}
