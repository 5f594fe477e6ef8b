// SPDX-License-Identifier: GPL-2.0-or-later
#include "board.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIELD(f) offsetof(struct board, f), sizeof(((struct board *)0)->f)

static const struct {
	const char *key;
	size_t off, size;
} fields[] = {
	{ "name", FIELD(name) },       { "display", FIELD(display) },
	{ "touch", FIELD(touch) },     { "drive", FIELD(drive) },
	{ "scanner", FIELD(scanner) }, { "printer", FIELD(printer) },
	{ "watchdog", FIELD(watchdog) }, { "spool", FIELD(spool) },
};

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

/* "WIDTHxHEIGHT", digits only, within what a panel can be. */
static int screen_parse(const char *v, unsigned *w, unsigned *h)
{
	char *x;
	unsigned long a, b;

	if (!isdigit((unsigned char)v[0]))
		return -1;
	a = strtoul(v, &x, 10);
	if (*x != 'x' || !isdigit((unsigned char)x[1]))
		return -1;
	b = strtoul(x + 1, &x, 10);
	if (*x || a < 320 || b < 240 || a > 7680 || b > 4320)
		return -1;
	*w = (unsigned)a;
	*h = (unsigned)b;
	return 0;
}

/* SDL2's video drivers a kiosk can use. */
static bool display_known(const char *d)
{
	static const char *const known[] = { "x11", "wayland", "kmsdrm", "offscreen" };

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(d, known[i]))
			return true;
	return false;
}

static int parse_line(struct board *b, char *line, const char *where, int lineno, struct err *e)
{
	char *hash = strchr(line, '#'), *eq, *k, *v;
	size_t i;

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
	if (!strcmp(k, "screen")) {
		if (screen_parse(v, &b->width, &b->height))
			return err_fail(e, "%s:%d: screen is WIDTHxHEIGHT", where, lineno);
		return 0;
	}
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(k, fields[i].key))
			break;
	if (i == sizeof(fields) / sizeof(fields[0]))
		return err_fail(e, "%s:%d: unknown key '%.40s'", where, lineno, k);
	if (strlen(v) >= fields[i].size)
		return err_fail(e, "%s:%d: value too long", where, lineno);
	for (const char *c = v; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return err_fail(e, "%s:%d: control character in value", where, lineno);
	if (!strcmp(k, "display") && !display_known(v))
		return err_fail(e, "%s:%d: display '%.40s' is not x11, wayland, kmsdrm or offscreen",
				where, lineno, v);
	memcpy((char *)b + fields[i].off, v, strlen(v) + 1);
	return 0;
}

int board_parse(struct board *b, const char *text, size_t len, const char *where, struct err *e)
{
	char line[BOARD_LINE_MAX + 1];
	size_t at = 0;
	int lineno = 0;

	memset(b, 0, sizeof(*b));
	if (len > BOARD_FILE_MAX)
		return err_fail(e, "%s: larger than %d bytes", where, BOARD_FILE_MAX);
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;

		lineno++;
		if (n > BOARD_LINE_MAX)
			return err_fail(e, "%s:%d: line longer than %d bytes", where, lineno,
					BOARD_LINE_MAX);
		if (memchr(text + at, '\0', n))
			return err_fail(e, "%s:%d: NUL byte", where, lineno);
		memcpy(line, text + at, n);
		line[n] = '\0';
		at += n + 1;
		if (parse_line(b, line, where, lineno, e))
			return -1;
	}
	if (!b->display[0] || !b->width)
		return err_fail(e, "%s: display and screen are required", where);
	return 0;
}

int board_load(struct board *b, const char *dir, const char *name, struct err *e)
{
	char path[1024], *text;
	size_t n;
	FILE *f;
	int rc;

	memset(b, 0, sizeof(*b));
	if (!name[0] || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(name) ||
	    strlen(name) >= sizeof(b->name))
		return err_fail(e, "board '%.40s': not a board name", name);
	if (snprintf(path, sizeof(path), "%s/%s/board.conf", dir, name) >= (int)sizeof(path))
		return err_fail(e, "board folder path too long");
	f = fopen(path, "rb");
	if (!f)
		return err_fail(e, "%s: %s", path, strerror(errno));
	text = malloc(BOARD_FILE_MAX + 1);
	if (!text) {
		fclose(f);
		return err_fail(e, "out of memory");
	}
	n = fread(text, 1, BOARD_FILE_MAX + 1, f);
	rc = ferror(f) ? err_fail(e, "%s: read error", path) : board_parse(b, text, n, path, e);
	fclose(f);
	free(text);
	return rc;
}
