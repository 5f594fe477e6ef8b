// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * usb_table: devices.conf, read as strictly as board.conf.  A line is
 * split into words by a small tokenizer that knows double quotes (for
 * name="...") and '#' comments; each word must be key=value with a known
 * key and a value of that key's exact shape.
 */
#include "usb_table.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const driver_names[] = {
	[USB_DRIVER_NONE] = "none",
	[USB_DRIVER_PRINTER] = "printer",
	[USB_DRIVER_SCANNER_KBD] = "scanner-kbd",
	[USB_DRIVER_SCANNER_HID_POS] = "scanner-hid-pos",
	[USB_DRIVER_SCANNER_HID_POS_PLAIN] = "scanner-hid-pos-plain",
};

#define NDRIVERS (sizeof(driver_names) / sizeof(driver_names[0]))

const char *usb_driver_name(enum usb_driver_id d)
{
	return (size_t)d < NDRIVERS ? driver_names[d] : "?";
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly `digits` hex digits. */
static int hex_parse(const char *v, size_t digits, unsigned *out)
{
	unsigned x = 0;

	if (strlen(v) != digits)
		return -1;
	for (size_t i = 0; i < digits; i++) {
		int h = hexval(v[i]);

		if (h < 0)
			return -1;
		x = x * 16 + (unsigned)h;
	}
	*out = x;
	return 0;
}

struct line_ctx {
	const char *where;
	int lineno;
	struct err *e;
};

static int line_fail(const struct line_ctx *c, const char *what, const char *word)
{
	return err_fail(c->e, "%s:%d: %s%s%.40s%s", c->where, c->lineno, what, word ? " '" : "",
			word ? word : "", word ? "'" : "");
}

/* One key=value word into the rule. */
static int rule_word(struct usb_rule *r, char *word, const struct line_ctx *c)
{
	static const struct {
		const char *key;
		unsigned bit;
		size_t digits;
	} hexkeys[] = {
		{ "vid", USB_MATCH_VID, 4 },           { "pid", USB_MATCH_PID, 4 },
		{ "class", USB_MATCH_CLASS, 2 },       { "subclass", USB_MATCH_SUBCLASS, 2 },
		{ "protocol", USB_MATCH_PROTOCOL, 2 },
	};
	char *eq = strchr(word, '='), *v;
	unsigned x;

	if (!eq)
		return line_fail(c, "expected key=value, not", word);
	*eq = '\0';
	v = eq + 1;
	for (size_t i = 0; i < sizeof(hexkeys) / sizeof(hexkeys[0]); i++) {
		if (strcmp(word, hexkeys[i].key))
			continue;
		if (r->fields & hexkeys[i].bit)
			return line_fail(c, "key given twice:", word);
		if (hex_parse(v, hexkeys[i].digits, &x))
			return line_fail(c, hexkeys[i].digits == 4 ? "not 4 hex digits:" :
								     "not 2 hex digits:",
					 word);
		r->fields |= hexkeys[i].bit;
		switch (hexkeys[i].bit) {
		case USB_MATCH_VID:
			r->ids.vid = (uint16_t)x;
			break;
		case USB_MATCH_PID:
			r->ids.pid = (uint16_t)x;
			break;
		case USB_MATCH_CLASS:
			r->ids.iface_class = (uint8_t)x;
			break;
		case USB_MATCH_SUBCLASS:
			r->ids.iface_subclass = (uint8_t)x;
			break;
		default:
			r->ids.iface_protocol = (uint8_t)x;
		}
		return 0;
	}
	if (!strcmp(word, "driver")) {
		if (r->driver != (enum usb_driver_id)-1)
			return line_fail(c, "key given twice:", word);
		for (size_t i = 0; i < NDRIVERS; i++)
			if (!strcmp(v, driver_names[i]))
				r->driver = (enum usb_driver_id)i;
		if (r->driver == (enum usb_driver_id)-1)
			return line_fail(c, "unknown driver:",
					 v);
		return 0;
	}
	if (!strcmp(word, "name")) {
		size_t n = strlen(v);

		if (r->name[0])
			return line_fail(c, "key given twice:", word);
		if (n < 3 || v[0] != '"' || v[n - 1] != '"')
			return line_fail(c, "name is a \"quoted\" text", NULL);
		if (n - 2 >= sizeof(r->name))
			return line_fail(c, "name too long", NULL);
		for (size_t i = 1; i < n - 1; i++)
			if (v[i] == '"' || v[i] == '\\' || v[i] == '\t')
				return line_fail(c, "name holds '\"', '\\' or a tab", NULL);
		memcpy(r->name, v + 1, n - 2);
		r->name[n - 2] = '\0';
		return 0;
	}
	return line_fail(c, "unknown key", word);
}

/* Splits at blanks outside quotes, ends at '#' outside quotes. */
static int line_words(char *line, char **words, size_t max, size_t *n, const struct line_ctx *c)
{
	char *p = line;

	*n = 0;
	for (;;) {
		bool quoted = false;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			return 0;
		if (*n == max)
			return line_fail(c, "too many words", NULL);
		words[(*n)++] = p;
		while (*p && (quoted || (*p != ' ' && *p != '\t' && *p != '#'))) {
			if (*p == '"')
				quoted = !quoted;
			p++;
		}
		if (quoted)
			return line_fail(c, "unterminated quote", NULL);
		if (*p == '#') {
			*p = '\0';
			return 0;
		}
		if (*p)
			*p++ = '\0';
	}
}

static int parse_line(struct usb_table *t, char *line, const struct line_ctx *c)
{
	char *words[12];
	size_t n;
	struct usb_rule r;

	for (const char *p = line; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || (unsigned char)*p >= 0x7f)
			return line_fail(c, "control or non-ASCII character", NULL);
	if (line_words(line, words, sizeof(words) / sizeof(words[0]), &n, c))
		return -1;
	if (!n)
		return 0;
	if (strcmp(words[0], "match"))
		return line_fail(c, "expected 'match', not", words[0]);
	memset(&r, 0, sizeof(r));
	r.driver = (enum usb_driver_id)-1;
	r.line = c->lineno;
	for (size_t i = 1; i < n; i++)
		if (rule_word(&r, words[i], c))
			return -1;
	if (r.driver == (enum usb_driver_id)-1)
		return line_fail(c, "driver= is required", NULL);
	if (!(r.fields & (USB_MATCH_VID | USB_MATCH_CLASS)))
		return line_fail(c, "a rule needs vid= or class=", NULL);
	if ((r.fields & USB_MATCH_PID) && !(r.fields & USB_MATCH_VID))
		return line_fail(c, "pid= needs vid=", NULL);
	if ((r.fields & (USB_MATCH_SUBCLASS | USB_MATCH_PROTOCOL)) && !(r.fields & USB_MATCH_CLASS))
		return line_fail(c, "subclass= and protocol= need class=", NULL);
	for (size_t i = 0; i < t->n; i++) {
		const struct usb_rule *o = &t->rules[i];

		if (o->fields == r.fields && !memcmp(&o->ids, &r.ids, sizeof(r.ids))) {
			err_fail(c->e, "%s:%d: the same match as line %d", c->where, c->lineno,
				 o->line);
			return -1;
		}
	}
	if (t->n == USB_TABLE_MAX)
		return line_fail(c, "more than 64 rules", NULL);
	t->rules[t->n++] = r;
	return 0;
}

int usb_table_parse(struct usb_table *t, const char *text, size_t len, const char *where,
		    struct err *e)
{
	char line[USB_TABLE_LINE_MAX + 1];
	struct line_ctx c = { where, 0, e };
	size_t at = 0;

	memset(t, 0, sizeof(*t));
	if (len > USB_TABLE_FILE_MAX)
		return err_fail(e, "%s: larger than %d bytes", where, USB_TABLE_FILE_MAX);
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;

		c.lineno++;
		if (n > USB_TABLE_LINE_MAX)
			goto fail_long;
		if (memchr(text + at, '\0', n)) {
			line_fail(&c, "NUL byte", NULL);
			goto fail;
		}
		memcpy(line, text + at, n);
		at += n + 1;
		if (n && line[n - 1] == '\r')
			n--;
		line[n] = '\0';
		if (parse_line(t, line, &c))
			goto fail;
	}
	return 0;
fail_long:
	err_fail(e, "%s:%d: line longer than %d bytes", where, c.lineno, USB_TABLE_LINE_MAX);
fail:
	memset(t, 0, sizeof(*t));
	return -1;
}

int usb_table_load(struct usb_table *t, const char *path, struct err *e)
{
	char *text;
	size_t n;
	FILE *f;
	int rc;

	memset(t, 0, sizeof(*t));
	f = fopen(path, "rb");
	if (!f)
		return err_fail(e, "%s: %s", path, strerror(errno));
	text = malloc(USB_TABLE_FILE_MAX + 1);
	if (!text) {
		fclose(f);
		return err_fail(e, "out of memory");
	}
	n = fread(text, 1, USB_TABLE_FILE_MAX + 1, f);
	rc = ferror(f) ? err_fail(e, "%s: read error", path) : usb_table_parse(t, text, n, path, e);
	fclose(f);
	free(text);
	return rc;
}

int usb_rule_rank(const struct usb_rule *r)
{
	int rank = 0;

	if (r->fields & USB_MATCH_PID)
		rank += 1000;
	if (r->fields & USB_MATCH_VID)
		rank += 100;
	rank += !!(r->fields & USB_MATCH_CLASS) + !!(r->fields & USB_MATCH_SUBCLASS) +
		!!(r->fields & USB_MATCH_PROTOCOL);
	return rank;
}

static bool rule_matches(const struct usb_rule *r, const struct usb_ids *d)
{
	return (!(r->fields & USB_MATCH_VID) || r->ids.vid == d->vid) &&
	       (!(r->fields & USB_MATCH_PID) || r->ids.pid == d->pid) &&
	       (!(r->fields & USB_MATCH_CLASS) || r->ids.iface_class == d->iface_class) &&
	       (!(r->fields & USB_MATCH_SUBCLASS) || r->ids.iface_subclass == d->iface_subclass) &&
	       (!(r->fields & USB_MATCH_PROTOCOL) || r->ids.iface_protocol == d->iface_protocol);
}

const struct usb_rule *usb_table_match(const struct usb_table *t, const struct usb_ids *ids)
{
	const struct usb_rule *best = NULL;

	for (size_t i = 0; i < t->n; i++)
		if (rule_matches(&t->rules[i], ids) &&
		    (!best || usb_rule_rank(&t->rules[i]) > usb_rule_rank(best)))
			best = &t->rules[i];
	return best;
}
