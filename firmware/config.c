// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A table maps each key to a field and a kind; the parser walks lines and
 * looks keys up in it.  Required keys are checked once the whole file has
 * been read, so the error names the first missing one.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "burner.h"
#include "log.h"

enum kind { K_STR, K_PATH, K_UINT, K_HOSTPORT, K_MB, K_LEVEL, K_BOOL, K_USB };

struct key {
	const char *name;
	enum kind kind;
	size_t off;     /* offset of the field in struct config */
	size_t size;    /* for strings: the field's size */
	uint64_t min, max;
	int required;
};

#define STR(f) offsetof(struct config, f), sizeof(((struct config *)0)->f)
#define NUM(f) offsetof(struct config, f), 0

static const struct key keys[] = {
	{ "shop_id", K_UINT, NUM(shop_id), 1, 0xffffff, 1 },
	{ "server", K_HOSTPORT, STR(server_host), 0, 0, 1 },
	{ "server_name", K_STR, STR(server_name), 0, 0, 1 },
	{ "ca", K_PATH, STR(ca), 0, 0, 1 },
	{ "cert", K_PATH, STR(cert), 0, 0, 1 },
	{ "key", K_PATH, STR(key), 0, 0, 1 },
	{ "manifest_key", K_PATH, STR(manifest_key), 0, 0, 1 },
	{ "watermark_key", K_PATH, STR(watermark_key), 0, 0, 0 },
	{ "database", K_PATH, STR(database), 0, 0, 1 },
	{ "spool", K_PATH, STR(spool), 0, 0, 1 },
	{ "spool_quota_mb", K_MB, NUM(spool_quota_bytes), 1, 16 * 1024 * 1024, 0 },
	{ "output", K_PATH, STR(output), 0, 0, 0 },
	{ "log_file", K_PATH, STR(log_file), 0, 0, 0 },
	{ "log_level", K_LEVEL, NUM(log_level), 0, 0, 0 },
	{ "board", K_STR, STR(board), 0, 0, 0 },
	{ "drive", K_STR, STR(drive), 0, 0, 0 },
	{ "pseudo_media", K_STR, STR(pseudo_media), 0, 0, 0 },
	{ "staff_pin", K_STR, STR(staff_pin), 0, 0, 0 },
	{ "sync_interval_s", K_UINT, NUM(sync_interval_s), 1, 86400, 0 },
	{ "inactivity_s", K_UINT, NUM(inactivity_s), 5, 3600, 0 },
	{ "connect_timeout_s", K_UINT, NUM(connect_timeout_s), 1, 600, 0 },
	{ "io_timeout_s", K_UINT, NUM(io_timeout_s), 1, 3600, 0 },
	{ "retries", K_UINT, NUM(retries), 1, 100, 0 },
	{ "retry_base_ms", K_UINT, NUM(retry_base_ms), 1, 600000, 0 },
	{ "max_file_failures", K_UINT, NUM(max_file_failures), 1, 100, 0 },
	{ "retention_days", K_UINT, NUM(retention_days), 1, 36500, 0 },
	{ "max_ruined_blanks", K_UINT, NUM(max_ruined_blanks), 1, 100, 0 },
	{ "shop_name", K_STR, STR(shop_name), 0, 0, 0 },
	{ "pay_before_write", K_BOOL, NUM(pay_before_write), 0, 0, 0 },
	{ "slip_valid_minutes", K_UINT, NUM(slip_valid_minutes), 5, 1440, 0 },
	{ "usb", K_USB, NUM(usb), 0, 0, 0 },
	{ "devices_table", K_PATH, STR(devices_table), 0, 0, 0 },
	{ "printer_profiles", K_PATH, STR(printer_profiles), 0, 0, 0 },
	{ "printer_profile", K_STR, STR(printer_profile), 0, 0, 0 },
	{ "shop_address", K_STR, STR(shop_address), 0, 0, 0 },
	{ "shop_name_latin", K_STR, STR(shop_name_latin), 0, 0, 0 },
	{ "shop_address_latin", K_STR, STR(shop_address_latin), 0, 0, 0 },
	{ "receipt_days", K_UINT, NUM(receipt_days), 1, 366, 0 },
};

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->spool_quota_bytes = 8ULL << 30;
	strcpy(c->board, "desktop");
	c->connect_timeout_s = 10;
	c->io_timeout_s = 30;
	c->retries = 4;
	c->retry_base_ms = 500;
	c->max_file_failures = 3;
	c->retention_days = 90;
	c->max_ruined_blanks = 3;
	c->pay_before_write = true;
	c->slip_valid_minutes = 30;
	c->sync_interval_s = 30;
	c->inactivity_s = 60;
	c->log_level = LOG_INFO;
	c->usb = CONFIG_USB_AUTO;
	strcpy(c->printer_profile, "generic-80mm");
	strcpy(c->shop_name, "Tenpo");
	c->receipt_days = 7;
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

static int parse_uint(const char *v, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long n;

	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

static int set_string(char *field, size_t size, const char *v, const char *base_dir,
		      int is_path)
{
	int n;

	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return -1;
	if (is_path && v[0] != '/' && base_dir && base_dir[0])
		n = snprintf(field, size, "%s%s%s", base_dir,
			     base_dir[strlen(base_dir) - 1] == '/' ? "" : "/", v);
	else
		n = snprintf(field, size, "%s", v);
	return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

static int set_value(struct config *c, const struct key *k, const char *v,
		     const char *base_dir)
{
	char *base = (char *)c + k->off;
	uint64_t n;

	switch (k->kind) {
	case K_STR:
		return *v ? set_string(base, k->size, v, NULL, 0) : -1;
	case K_PATH:
		return *v ? set_string(base, k->size, v, base_dir, 1) : -1;
	case K_UINT:
		if (parse_uint(v, k->min, k->max, &n))
			return -1;
		if (k->off == offsetof(struct config, shop_id))
			c->shop_id = (uint32_t)n;
		else
			*(unsigned *)(void *)base = (unsigned)n;
		return 0;
	case K_MB:
		if (parse_uint(v, k->min, k->max, &n))
			return -1;
		*(uint64_t *)(void *)base = n << 20;
		return 0;
	case K_LEVEL: {
		static const char *const names[] = { "debug", "info", "warn", "error" };
		for (int i = 0; i < 4; i++)
			if (!strcmp(v, names[i])) {
				c->log_level = i;
				return 0;
			}
		return -1;
	}
	case K_BOOL:
		if (strcmp(v, "true") && strcmp(v, "false"))
			return -1;
		*(bool *)(void *)base = !strcmp(v, "true");
		return 0;
	case K_USB: {
		static const char *const names[] = { "auto", "on", "off" };
		for (int i = 0; i < 3; i++)
			if (!strcmp(v, names[i])) {
				c->usb = (enum config_usb)i;
				return 0;
			}
		return -1;
	}
	case K_HOSTPORT: {
		const char *colon = strrchr(v, ':');
		if (!colon || colon == v || (size_t)(colon - v) >= k->size)
			return -1;
		if (parse_uint(colon + 1, 1, 65535, &n))
			return -1;
		memcpy(c->server_host, v, (size_t)(colon - v));
		c->server_host[colon - v] = '\0';
		for (const char *p = c->server_host; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == ':'))
				return -1;
		c->server_port = (uint16_t)n;
		return 0;
	}
	}
	return -1;
}

/* staff_pin.NAME = HASH: a named staff member's PIN. */
static int named_pin(struct config *c, const char *who, const char *v)
{
	size_t n = strlen(who);

	if (n < 1 || n > CONFIG_STAFF_NAME_MAX ||
	    strspn(who, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != n ||
	    strncmp(v, "pbkdf2-sha256$", 14) || c->staff_pin_count >= CONFIG_STAFF_PINS)
		return -1;
	for (unsigned i = 0; i < c->staff_pin_count; i++)
		if (!strcmp(c->staff_pins[i].name, who))
			return -1;
	if (set_string(c->staff_pins[c->staff_pin_count].pin,
		       sizeof(c->staff_pins[0].pin), v, NULL, 0))
		return -1;
	memcpy(c->staff_pins[c->staff_pin_count].name, who, n + 1);
	c->staff_pin_count++;
	return 0;
}

int config_parse(struct config *c, const char *text, size_t len, const char *base_dir,
		 const char *name, struct err *e)
{
	unsigned char seen[sizeof(keys) / sizeof(keys[0])] = { 0 };
	char line[CONFIG_LINE_MAX + 1];
	size_t pos = 0;
	int lineno = 0;

	config_defaults(c);
	if (len > CONFIG_FILE_MAX)
		return err_fail(e, "%s: larger than %d bytes", name, CONFIG_FILE_MAX);
	while (pos < len) {
		size_t n = 0;
		char *s, *eq, *k, *v;
		const struct key *key = NULL;

		lineno++;
		while (pos < len && text[pos] != '\n') {
			if (n == CONFIG_LINE_MAX)
				return err_fail(e, "%s:%d: line longer than %d bytes", name, lineno,
						CONFIG_LINE_MAX);
			if (text[pos] == '\0')
				return err_fail(e, "%s:%d: NUL byte", name, lineno);
			line[n++] = text[pos++];
		}
		pos++;
		line[n] = '\0';
		if ((s = strchr(line, '#')))
			*s = '\0';
		s = trim(line);
		if (!*s)
			continue;
		eq = strchr(s, '=');
		if (!eq)
			return err_fail(e, "%s:%d: expected 'key = value'", name, lineno);
		*eq = '\0';
		k = trim(s);
		v = trim(eq + 1);
		if (!strncmp(k, "staff_pin.", 10)) {
			if (named_pin(c, k + 10, v))
				return err_fail(e, "%s:%d: bad '%.64s' (staff_pin.NAME = pbkdf2-sha256$..., "
						   "NAME 1..%d of A-Z a-z 0-9 _ -, at most %d, once each)",
						name, lineno, k, CONFIG_STAFF_NAME_MAX, CONFIG_STAFF_PINS);
			continue;
		}
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(keys[i].name, k)) {
				key = &keys[i];
				if (seen[i]++)
					return err_fail(e, "%s:%d: '%s' given twice", name, lineno, k);
			}
		if (!key)
			return err_fail(e, "%s:%d: unknown key '%.64s'", name, lineno, k);
		if (set_value(c, key, v, base_dir))
			return err_fail(e, "%s:%d: bad value for '%s'", name, lineno, k);
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].required && !seen[i])
			return err_fail(e, "%s: missing required key '%s'", name, keys[i].name);
	for (const char *p = c->printer_profile; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return err_fail(e, "%s: printer_profile '%.32s' is not a profile name "
				       "([a-z0-9_-])", name, c->printer_profile);
	if (!c->output[0] && set_string(c->output, sizeof(c->output), "out", base_dir, 1))
		return err_fail(e, "%s: output path too long", name);
	/* a pseudo-drive's file, like every other path, is relative to the config */
	if (burner_address_resolve(c->drive, sizeof(c->drive), base_dir))
		return err_fail(e, "%s: drive path too long", name);
	return 0;
}

int config_load(struct config *c, const char *path, struct err *e)
{
	char dir[CONFIG_PATH_MAX], *slash, *text;
	FILE *f;
	size_t n;
	int rc;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return err_fail(e, "config path too long");
	slash = strrchr(dir, '/');
	if (slash == dir)
		strcpy(dir, "/");
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	/* paths in the config become absolute: the appliance's threads and
	 * libburn must not depend on the working directory */
	if (dir[0] != '/') {
		char *abs = realpath(dir, NULL);

		if (!abs)
			return err_fail(e, "%s: %s", path, strerror(errno));
		if (snprintf(dir, sizeof(dir), "%s", abs) >= (int)sizeof(dir)) {
			free(abs);
			return err_fail(e, "config path too long");
		}
		free(abs);
	}
	f = fopen(path, "rb");
	if (!f)
		return err_fail(e, "%s: %s", path, strerror(errno));
	text = malloc(CONFIG_FILE_MAX + 1);
	if (!text) {
		fclose(f);
		return err_fail(e, "out of memory");
	}
	n = fread(text, 1, CONFIG_FILE_MAX + 1, f);
	/* A read error (EISDIR, EIO) is not an empty file missing its keys. */
	if (ferror(f))
		rc = err_fail(e, "%s: read: %s", path, strerror(errno));
	else
		rc = config_parse(c, text, n, dir, path, e);
	fclose(f);
	free(text);
	return rc;
}
