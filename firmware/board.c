// SPDX-License-Identifier: GPL-2.0-or-later
#include "board.h"

#include <errno.h>
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
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

int board_load(struct board *b, const char *dir, const char *name, struct err *e)
{
	char path[1024], line[512];
	int lineno = 0, rc = -1;
	FILE *f;

	memset(b, 0, sizeof(*b));
	if (!name[0] || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(name))
		return err_fail(e, "board '%.40s': not a board name", name);
	snprintf(path, sizeof(path), "%s/%s/board.conf", dir, name);
	f = fopen(path, "r");
	if (!f)
		return err_fail(e, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#'), *eq, *k, *v;
		size_t i;

		lineno++;
		if (hash)
			*hash = '\0';
		k = trim(line);
		if (!*k)
			continue;
		eq = strchr(k, '=');
		if (!eq) {
			err_fail(e, "%s:%d: expected 'key = value'", path, lineno);
			goto out;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		if (!strcmp(k, "screen")) {
			if (sscanf(v, "%ux%u", &b->width, &b->height) != 2 || b->width < 320 ||
			    b->height < 240 || b->width > 7680 || b->height > 4320) {
				err_fail(e, "%s:%d: screen is WIDTHxHEIGHT", path, lineno);
				goto out;
			}
			continue;
		}
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (!strcmp(k, fields[i].key))
				break;
		if (i == sizeof(fields) / sizeof(fields[0])) {
			err_fail(e, "%s:%d: unknown key '%.40s'", path, lineno, k);
			goto out;
		}
		if (strlen(v) >= fields[i].size) {
			err_fail(e, "%s:%d: value too long", path, lineno);
			goto out;
		}
		memcpy((char *)b + fields[i].off, v, strlen(v) + 1);
	}
	if (!b->display[0] || !b->width) {
		err_fail(e, "%s: display and screen are required", path);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}
