// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config: a good file, every key, paths relative to the config's folder, and
 * each way a file is refused, with the line number in the message.
 *
 * Most cases go through config_parse() with a made-up file name and folder;
 * config_load() is run on real files in a temporary folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "log.h"

/* What `tenpo-delivery init` writes (config.h). */
static const char example[] =
	"shop_id       = 1001\n"
	"server        = 127.0.0.1:8443\n"
	"server_name   = localhost\n"
	"ca            = ca.crt\n"
	"cert          = client.crt\n"
	"key           = client.key\n"
	"manifest_key  = manifest.pub\n"
	"database      = tenpo.db\n"
	"spool         = spool\n"
	"spool_quota_mb = 8192\n"
	"output        = out\n"
	"watermark_key = watermark.key\n";

/* The required keys, one a line, so a test can drop or break line N. */
static const char *const required[] = {
	"shop_id = 1001",
	"server = tenpo.example:8443",
	"server_name = tenpo.example",
	"ca = ca.crt",
	"cert = client.crt",
	"key = client.key",
	"manifest_key = manifest.pub",
	"database = tenpo.db",
	"spool = spool",
};
#define N_REQUIRED (sizeof(required) / sizeof(required[0]))

/* The required lines with line `skip` (1-based; 0: none) left out and
 * `extra` appended (may be NULL).  Caller frees. */
static char *config_text(size_t skip, const char *extra)
{
	size_t size = 4096 + (extra ? strlen(extra) : 0), used = 0;
	char *t = malloc(size);

	assert_non_null(t);
	t[0] = '\0';
	for (size_t i = 0; i < N_REQUIRED; i++)
		if (i + 1 != skip)
			used += (size_t)snprintf(t + used, size - used, "%s\n", required[i]);
	if (extra)
		snprintf(t + used, size - used, "%s", extra);
	return t;
}

static int parse(struct config *c, const char *text, size_t len, struct err *e)
{
	return config_parse(c, text, len, "/srv/shop", "tenpo.conf", e);
}

static void expect_refused_len(const char *text, size_t len, const char *want)
{
	struct config c;
	struct err e = { { 0 } };

	if (parse(&c, text, len, &e) != -1)
		fail_msg("accepted, expected \"%s\"", want);
	if (strcmp(e.msg, want))
		fail_msg("error \"%s\", expected \"%s\"", e.msg, want);
}

static void expect_refused(const char *text, const char *want)
{
	expect_refused_len(text, strlen(text), want);
}

/* 1-based index in required[] of the key `line` sets; 0 when optional. */
static size_t required_index(const char *line)
{
	size_t klen = strcspn(line, " \t=");

	for (size_t i = 0; i < N_REQUIRED; i++)
		if (!strncmp(required[i], line, klen) && required[i][klen] == ' ')
			return i + 1;
	return 0;
}

/* The required lines with `line` last, in place of the one it overrides:
 * so the file is good but for that line, which is line N of the file. */
static char *with_line(const char *line, size_t *lineno)
{
	size_t skip = required_index(line);
	char *extra = malloc(strlen(line) + 2), *t;

	assert_non_null(extra);
	sprintf(extra, "%s\n", line);
	t = config_text(skip, extra);
	free(extra);
	*lineno = N_REQUIRED + (skip ? 0 : 1);
	return t;
}

static void bad_line(const char *line, const char *key)
{
	char want[160], *t;
	size_t lineno;

	t = with_line(line, &lineno);
	snprintf(want, sizeof(want), "tenpo.conf:%zu: bad value for '%s'", lineno, key);
	expect_refused(t, want);
	free(t);
}

static void good_line(const char *line, struct config *c)
{
	struct err e = { { 0 } };
	size_t lineno;
	char *t = with_line(line, &lineno);

	if (parse(c, t, strlen(t), &e))
		fail_msg("\"%s\" refused: %s", line, e.msg);
	free(t);
}

static void example_file(void **state)
{
	struct config c;
	struct err e = { { 0 } };

	(void)state;
	if (parse(&c, example, strlen(example), &e))
		fail_msg("refused: %s", e.msg);
	assert_int_equal(c.shop_id, 1001);
	assert_string_equal(c.server_host, "127.0.0.1");
	assert_int_equal(c.server_port, 8443);
	assert_string_equal(c.server_name, "localhost");
	assert_string_equal(c.ca, "/srv/shop/ca.crt");
	assert_string_equal(c.cert, "/srv/shop/client.crt");
	assert_string_equal(c.key, "/srv/shop/client.key");
	assert_string_equal(c.manifest_key, "/srv/shop/manifest.pub");
	assert_string_equal(c.database, "/srv/shop/tenpo.db");
	assert_string_equal(c.spool, "/srv/shop/spool");
	assert_int_equal(c.spool_quota_bytes, 8192ULL << 20);
	assert_string_equal(c.output, "/srv/shop/out");
	assert_string_equal(c.watermark_key, "/srv/shop/watermark.key");
	/* Defaults for what the file does not say. */
	assert_string_equal(c.log_file, "");
	assert_string_equal(c.board, "desktop");
	assert_string_equal(c.drive, "");
	assert_int_equal(c.connect_timeout_s, 10);
	assert_int_equal(c.io_timeout_s, 30);
	assert_int_equal(c.retries, 4);
	assert_int_equal(c.retry_base_ms, 500);
	assert_int_equal(c.max_file_failures, 3);
	assert_int_equal(c.retention_days, 90);
	assert_int_equal(c.log_level, LOG_INFO);
	assert_true(c.pay_before_write);
	assert_int_equal(c.slip_valid_minutes, 30);
	assert_string_equal(c.shop_name, "Tenpo");
}

static void payment_keys(void **state)
{
	struct config c;

	(void)state;
	good_line("pay_before_write = false", &c);
	assert_false(c.pay_before_write);
	good_line("pay_before_write = true", &c);
	assert_true(c.pay_before_write);
	good_line("slip_valid_minutes = 5", &c);
	assert_int_equal(c.slip_valid_minutes, 5);
	good_line("slip_valid_minutes = 1440", &c);
	assert_int_equal(c.slip_valid_minutes, 1440);
	good_line("shop_name = テンポ 渋谷店", &c);
	assert_string_equal(c.shop_name, "テンポ 渋谷店");
	bad_line("pay_before_write = yes", "pay_before_write");
	bad_line("pay_before_write = 1", "pay_before_write");
	bad_line("pay_before_write =", "pay_before_write");
	bad_line("slip_valid_minutes = 4", "slip_valid_minutes");
	bad_line("slip_valid_minutes = 1441", "slip_valid_minutes");
	bad_line("shop_name =", "shop_name");
}

static void named_staff_pins(void **state)
{
	static const char hash[] = "pbkdf2-sha256$100000$00$11";
	struct config c;
	struct err e = { { 0 } };
	char line[300], *t;
	size_t lineno;

	(void)state;
	snprintf(line, sizeof(line), "staff_pin.sato = %s\nstaff_pin.Ito-2 = %s", hash, hash);
	good_line(line, &c);
	assert_int_equal(c.staff_pin_count, 2);
	assert_string_equal(c.staff_pins[0].name, "sato");
	assert_string_equal(c.staff_pins[1].name, "Ito-2");
	assert_string_equal(c.staff_pins[1].pin, hash);
	/* twice, a bad name, not a hash, too many */
	snprintf(line, sizeof(line), "staff_pin.sato = %s\nstaff_pin.sato = %s", hash, hash);
	t = with_line(line, &lineno);
	assert_int_equal(parse(&c, t, strlen(t), &e), -1);
	assert_non_null(strstr(e.msg, "bad 'staff_pin.sato'"));
	free(t);
	snprintf(line, sizeof(line), "staff_pin.s/x = %s", hash);
	t = with_line(line, &lineno);
	assert_int_equal(parse(&c, t, strlen(t), &e), -1);
	free(t);
	t = with_line("staff_pin. = x", &lineno);
	assert_int_equal(parse(&c, t, strlen(t), &e), -1);
	free(t);
	t = with_line("staff_pin.sato = 1234", &lineno);
	assert_int_equal(parse(&c, t, strlen(t), &e), -1);
	free(t);
	line[0] = '\0';
	for (int i = 0; i <= CONFIG_STAFF_PINS; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "staff_pin.p%d = %s\n", i,
			 "pbkdf2-sha256$1");
	t = with_line(line, &lineno);
	assert_int_equal(parse(&c, t, strlen(t), &e), -1);
	free(t);
}

static void every_key(void **state)
{
	static const char text[] =
		"# every key, with comments, blank lines, tabs and CRLF\n"
		"\n"
		"shop_id\t=\t16777215\r\n"
		"server = ::1:65535   # IPv6 without brackets\n"
		"server_name = kiosk-gw.example.jp\n"
		"ca = /etc/tenpo/ca.crt\n"
		"cert = certs/client.crt\n"
		"key = ../keys/client.key\n"
		"manifest_key = manifest.pub\n"
		"watermark_key = ../keys/watermark.key\n"
		"database = db/tenpo.db\n"
		"spool = /var/spool/tenpo\n"
		"spool_quota_mb = 1\n"
		"output = /var/lib/tenpo/out\n"
		"log_file = tenpo.log\n"
		"log_level = debug\n"
		"board = kiosk\n"
		"drive = stdio:out/disc.iso\n"
		"connect_timeout_s = 600\n"
		"io_timeout_s = 3600\n"
		"retries = 100\n"
		"retry_base_ms = 1\n"
		"max_file_failures = 100\n"
		"   # trailing comment\n";
	struct config c;
	struct err e = { { 0 } };

	(void)state;
	if (parse(&c, text, sizeof(text) - 1, &e))
		fail_msg("refused: %s", e.msg);
	assert_int_equal(c.shop_id, 16777215);
	assert_string_equal(c.server_host, "::1");
	assert_int_equal(c.server_port, 65535);
	assert_string_equal(c.server_name, "kiosk-gw.example.jp");
	assert_string_equal(c.ca, "/etc/tenpo/ca.crt");
	assert_string_equal(c.cert, "/srv/shop/certs/client.crt");
	assert_string_equal(c.key, "/srv/shop/../keys/client.key");
	assert_string_equal(c.manifest_key, "/srv/shop/manifest.pub");
	assert_string_equal(c.watermark_key, "/srv/shop/../keys/watermark.key");
	assert_string_equal(c.database, "/srv/shop/db/tenpo.db");
	assert_string_equal(c.spool, "/var/spool/tenpo");
	assert_int_equal(c.spool_quota_bytes, 1ULL << 20);
	assert_string_equal(c.output, "/var/lib/tenpo/out");
	assert_string_equal(c.log_file, "/srv/shop/tenpo.log");
	assert_int_equal(c.log_level, LOG_DEBUG);
	assert_string_equal(c.board, "kiosk");
	/* a pseudo-drive's file is a path like the others */
	assert_string_equal(c.drive, "stdio:/srv/shop/out/disc.iso");
	assert_int_equal(c.connect_timeout_s, 600);
	assert_int_equal(c.io_timeout_s, 3600);
	assert_int_equal(c.retries, 100);
	assert_int_equal(c.retry_base_ms, 1);
	assert_int_equal(c.max_file_failures, 100);
}

static void log_levels(void **state)
{
	static const struct {
		const char *line;
		int level;
	} cases[] = {
		{ "log_level = debug", LOG_DEBUG },
		{ "log_level = info", LOG_INFO },
		{ "log_level = warn", LOG_WARN },
		{ "log_level = error", LOG_ERROR },
	};
	struct config c;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		good_line(cases[i].line, &c);
		assert_int_equal(c.log_level, cases[i].level);
	}
	bad_line("log_level = DEBUG", "log_level");
	bad_line("log_level = verbose", "log_level");
	bad_line("log_level = 0", "log_level");
}

static void relative_paths(void **state)
{
	struct config c;
	struct err e = { { 0 } };
	char *t = config_text(0, NULL);

	(void)state;
	/* Against the folder given. */
	assert_int_equal(config_parse(&c, t, strlen(t), "shops/1001", "x.conf", &e), 0);
	assert_string_equal(c.ca, "shops/1001/ca.crt");
	assert_string_equal(c.output, "shops/1001/out");
	/* watermark_key is optional: no key unless the file names one */
	assert_string_equal(c.watermark_key, "");
	/* A folder given with its slash, or the root: no doubled slash. */
	assert_int_equal(config_parse(&c, t, strlen(t), "/srv/", "x.conf", &e), 0);
	assert_string_equal(c.ca, "/srv/ca.crt");
	assert_int_equal(config_parse(&c, t, strlen(t), "/", "x.conf", &e), 0);
	assert_string_equal(c.ca, "/ca.crt");
	/* No folder: paths are kept as written. */
	assert_int_equal(config_parse(&c, t, strlen(t), NULL, "x.conf", &e), 0);
	assert_string_equal(c.ca, "ca.crt");
	assert_string_equal(c.output, "out");
	assert_int_equal(config_parse(&c, t, strlen(t), "", "x.conf", &e), 0);
	assert_string_equal(c.database, "tenpo.db");
	free(t);

	/* Absolute paths are kept; a stdio: drive's file is resolved, a real
	 * drive's device name is not. */
	good_line("output = /abs/out\nlog_file = logs/t.log\ndrive = stdio:out/d.iso", &c);
	assert_string_equal(c.output, "/abs/out");
	assert_string_equal(c.log_file, "/srv/shop/logs/t.log");
	assert_string_equal(c.drive, "stdio:/srv/shop/out/d.iso");
	good_line("watermark_key = /etc/tenpo/watermark.key", &c);
	assert_string_equal(c.watermark_key, "/etc/tenpo/watermark.key");
	good_line("watermark_key = keys/wm", &c);
	assert_string_equal(c.watermark_key, "/srv/shop/keys/wm");
	good_line("drive = /dev/sr0", &c);
	assert_string_equal(c.drive, "/dev/sr0");
	good_line("drive = stdio:/abs/d.iso", &c);
	assert_string_equal(c.drive, "stdio:/abs/d.iso");
}

static void unknown_key(void **state)
{
	char *t = config_text(0, "# comment\n\nspool_quota = 5\n");

	(void)state;
	expect_refused(t, "tenpo.conf:12: unknown key 'spool_quota'");
	free(t);
	/* Keys are case-sensitive and have no prefix matching. */
	t = config_text(0, "Shop_ID = 1\n");
	expect_refused(t, "tenpo.conf:10: unknown key 'Shop_ID'");
	free(t);
	expect_refused("shop\n", "tenpo.conf:1: expected 'key = value'");
	expect_refused("\n\n = 5\n", "tenpo.conf:3: unknown key ''");
}

static void duplicate_key(void **state)
{
	char *t;

	(void)state;
	t = config_text(0, "shop_id = 1001\n");
	expect_refused(t, "tenpo.conf:10: 'shop_id' given twice");
	free(t);
	t = config_text(0, "board = kiosk\nretries = 3\nboard = qemu\n");
	expect_refused(t, "tenpo.conf:12: 'board' given twice");
	free(t);
	t = config_text(0, "watermark_key = a\nwatermark_key = b\n");
	expect_refused(t, "tenpo.conf:11: 'watermark_key' given twice");
	free(t);
}

static void bad_values(void **state)
{
	char name[300], line[400];

	(void)state;
	bad_line("shop_id = 0", "shop_id");
	bad_line("shop_id = 16777216", "shop_id");
	bad_line("shop_id = -1", "shop_id");
	bad_line("shop_id = +5", "shop_id");
	bad_line("shop_id = 0x10", "shop_id");
	bad_line("shop_id = 12abc", "shop_id");
	bad_line("shop_id = 1 2", "shop_id");
	bad_line("shop_id = 99999999999999999999999", "shop_id");
	bad_line("shop_id =", "shop_id");
	bad_line("server = localhost", "server");
	bad_line("server = :8443", "server");
	bad_line("server = host:0", "server");
	bad_line("server = host:65536", "server");
	bad_line("server = host:", "server");
	bad_line("server = host:http", "server");
	bad_line("server = ho_st:8443", "server");
	bad_line("server = [::1]:8443", "server");
	bad_line("server = host name:8443", "server");
	bad_line("spool_quota_mb = 0", "spool_quota_mb");
	bad_line("spool_quota_mb = 16777217", "spool_quota_mb");
	bad_line("connect_timeout_s = 0", "connect_timeout_s");
	bad_line("connect_timeout_s = 601", "connect_timeout_s");
	bad_line("io_timeout_s = 3601", "io_timeout_s");
	bad_line("retries = 0", "retries");
	bad_line("retries = 101", "retries");
	bad_line("retry_base_ms = 600001", "retry_base_ms");
	bad_line("max_file_failures = 101", "max_file_failures");
	bad_line("retention_days = 0", "retention_days");
	bad_line("retention_days = 36501", "retention_days");
	bad_line("log_file =", "log_file");
	bad_line("watermark_key =", "watermark_key");
	bad_line("watermark_key = a\x01b", "watermark_key");
	bad_line("output = ", "output");
	bad_line("board =", "board");
	bad_line("board = kio\x1bsk", "board");
	bad_line("drive = a\x7f", "drive");
	bad_line("log_file = a\tb", "log_file");

	/* Too long for its field. */
	memset(name, 'h', 256);
	name[256] = '\0';
	snprintf(line, sizeof(line), "server = %s:1", name);
	bad_line(line, "server");
	name[255] = '\0';
	snprintf(line, sizeof(line), "server_name = %s", name);
	{
		struct config c;

		good_line(line, &c);
		assert_int_equal(strlen(c.server_name), 255);
	}
	name[255] = 'h';
	snprintf(line, sizeof(line), "server_name = %s", name);
	bad_line(line, "server_name");
	bad_line("server_name =", "server_name");
}

/* A relative path that only overflows once the folder is put in front. */
static void path_too_long_with_folder(void **state)
{
	char *long_path = malloc(CONFIG_PATH_MAX), *line;
	struct config c;
	struct err e = { { 0 } };

	(void)state;
	assert_non_null(long_path);
	line = malloc(CONFIG_PATH_MAX + 256);
	assert_non_null(line);
	memset(long_path, 'p', CONFIG_PATH_MAX - 1);
	long_path[CONFIG_PATH_MAX - 1] = '\0';
	snprintf(line, CONFIG_PATH_MAX + 256, "shop_id = 1\nserver = a:1\nserver_name = a\n"
		 "cert = c\nkey = k\nmanifest_key = m\ndatabase = d\nspool = s\nca = %s\n", long_path);
	assert_int_equal(config_parse(&c, line, strlen(line), NULL, "t.conf", &e), 0);
	assert_int_equal(config_parse(&c, line, strlen(line), "/srv", "t.conf", &e), -1);
	assert_string_equal(e.msg, "t.conf:9: bad value for 'ca'");
	free(line);
	free(long_path);
}

static void missing_required(void **state)
{
	static const char *const names[] = {
		"shop_id", "server", "server_name", "ca", "cert", "key",
		"manifest_key", "database", "spool",
	};
	char want[80];

	(void)state;
	for (size_t i = 0; i < N_REQUIRED; i++) {
		char *t = config_text(i + 1, NULL);

		snprintf(want, sizeof(want), "tenpo.conf: missing required key '%s'", names[i]);
		expect_refused(t, want);
		free(t);
	}
	expect_refused("", "tenpo.conf: missing required key 'shop_id'");
	expect_refused("# only a comment\n", "tenpo.conf: missing required key 'shop_id'");
}

static void long_lines(void **state)
{
	size_t base_len;
	char *t = config_text(0, NULL), *big;

	(void)state;
	base_len = strlen(t);
	big = malloc(base_len + CONFIG_LINE_MAX + 8);
	assert_non_null(big);
	memcpy(big, t, base_len);

	/* A comment line of exactly CONFIG_LINE_MAX bytes is fine... */
	big[base_len] = '#';
	memset(big + base_len + 1, 'x', CONFIG_LINE_MAX - 1);
	memcpy(big + base_len + CONFIG_LINE_MAX, "\n", 2);
	{
		struct config c;
		struct err e = { { 0 } };

		if (parse(&c, big, strlen(big), &e))
			fail_msg("refused: %s", e.msg);
	}
	/* ...with or without its newline; one byte more is not. */
	{
		struct config c;
		struct err e = { { 0 } };

		assert_int_equal(parse(&c, big, base_len + CONFIG_LINE_MAX, &e), 0);
	}
	big[base_len + CONFIG_LINE_MAX] = 'x';
	big[base_len + CONFIG_LINE_MAX + 1] = '\n';
	expect_refused_len(big, base_len + CONFIG_LINE_MAX + 2,
			   "tenpo.conf:10: line longer than 2048 bytes");
	expect_refused_len(big, base_len + CONFIG_LINE_MAX + 1,
			   "tenpo.conf:10: line longer than 2048 bytes");
	free(big);
	free(t);
}

static void nul_byte(void **state)
{
	static const char text[] = "shop_id = 1001\nserver\0 = a:1\n";
	static const char in_comment[] = "# a\0b\n";

	(void)state;
	expect_refused_len(text, sizeof(text) - 1, "tenpo.conf:2: NUL byte");
	expect_refused_len(in_comment, sizeof(in_comment) - 1, "tenpo.conf:1: NUL byte");
}

static void file_too_large(void **state)
{
	char *t = config_text(0, NULL), *big;
	size_t len = strlen(t);
	struct config c;
	struct err e = { { 0 } };

	(void)state;
	big = malloc(CONFIG_FILE_MAX + 1);
	assert_non_null(big);
	/* The required lines, then blank lines up to the cap: fine. */
	memcpy(big, t, len);
	memset(big + len, '\n', CONFIG_FILE_MAX + 1 - len);
	assert_int_equal(parse(&c, big, CONFIG_FILE_MAX, &e), 0);
	expect_refused_len(big, CONFIG_FILE_MAX + 1, "tenpo.conf: larger than 65536 bytes");
	free(big);
	free(t);
}

/* --- config_load on real files ------------------------------------------ */

struct tmp {
	char dir[64];
	char sub[96];
	char path[128];
};

static int tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	strcpy(t->dir, "/tmp/tenpo-test-config-XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	snprintf(t->sub, sizeof(t->sub), "%s/shop", t->dir);
	snprintf(t->path, sizeof(t->path), "%s/tenpo.conf", t->sub);
	if (mkdir(t->sub, 0700))
		return -1;
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	struct tmp *t = *state;

	unlink(t->path);
	rmdir(t->sub);
	rmdir(t->dir);
	free(t);
	return 0;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void load_resolves_against_folder(void **state)
{
	struct tmp *t = *state;
	struct config c;
	struct err e = { { 0 } };
	char want[256], cwd[512];

	write_text(t->path, example);
	if (config_load(&c, t->path, &e))
		fail_msg("refused: %s", e.msg);
	snprintf(want, sizeof(want), "%s/ca.crt", t->sub);
	assert_string_equal(c.ca, want);
	snprintf(want, sizeof(want), "%s/out", t->sub);
	assert_string_equal(c.output, want);
	snprintf(want, sizeof(want), "%s/watermark.key", t->sub);
	assert_string_equal(c.watermark_key, want);

	/* A path with no folder: relative to the working directory, made
	 * absolute, so that nothing later depends on the working directory. */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(t->sub), 0);
	assert_non_null(getcwd(want, sizeof(want)));
	assert_int_equal(config_load(&c, "tenpo.conf", &e), 0);
	assert_int_equal(chdir(cwd), 0);
	strcat(want, "/spool");
	assert_string_equal(c.spool, want);
}

static void load_errors_name_the_file(void **state)
{
	struct tmp *t = *state;
	struct config c;
	struct err e = { { 0 } };
	char want[256], missing[160];

	write_text(t->path, "shop_id = 1001\nbogus = 1\n");
	assert_int_equal(config_load(&c, t->path, &e), -1);
	snprintf(want, sizeof(want), "%s:2: unknown key 'bogus'", t->path);
	assert_string_equal(e.msg, want);

	snprintf(missing, sizeof(missing), "%s/none.conf", t->sub);
	assert_int_equal(config_load(&c, missing, &e), -1);
	snprintf(want, sizeof(want), "%s: No such file or directory", missing);
	assert_string_equal(e.msg, want);

	/* A folder is a read error, not a file with no keys. */
	assert_int_equal(config_load(&c, t->sub, &e), -1);
	assert_null(strstr(e.msg, "missing required key"));
	assert_non_null(strstr(e.msg, t->sub));
}

/* The peripherals' keys: defaults that need nothing, and each key read. */
static void peripheral_keys(void **state)
{
	struct config c;
	char *t;

	(void)state;
	good_line("# nothing", &c);
	assert_int_equal(c.usb, CONFIG_USB_AUTO);
	assert_string_equal(c.devices_table, "");
	assert_string_equal(c.printer_profiles, "");
	assert_string_equal(c.printer_profile, "generic-80mm");
	assert_string_equal(c.shop_name, "Tenpo");
	assert_string_equal(c.shop_address, "");
	assert_int_equal(c.receipt_days, 7);
	good_line("usb = on", &c);
	assert_int_equal(c.usb, CONFIG_USB_ON);
	good_line("usb = off", &c);
	assert_int_equal(c.usb, CONFIG_USB_OFF);
	good_line("usb = auto", &c);
	assert_int_equal(c.usb, CONFIG_USB_AUTO);
	bad_line("usb = yes", "usb");
	bad_line("usb =", "usb");
	good_line("devices_table = usb/devices.conf", &c);
	assert_string_equal(c.devices_table, "/srv/shop/usb/devices.conf");
	good_line("printer_profiles = /usr/share/tenpo/profiles", &c);
	assert_string_equal(c.printer_profiles, "/usr/share/tenpo/profiles");
	good_line("printer_profile = basic-58mm", &c);
	assert_string_equal(c.printer_profile, "basic-58mm");
	good_line("shop_name = テンポ 渋谷店", &c);
	assert_string_equal(c.shop_name, "テンポ 渋谷店");
	good_line("shop_address = 東京都渋谷区1-2-3", &c);
	assert_string_equal(c.shop_address, "東京都渋谷区1-2-3");
	good_line("shop_name_latin = Tenpo Shibuya", &c);
	assert_string_equal(c.shop_name_latin, "Tenpo Shibuya");
	good_line("shop_address_latin = 1-2-3 Shibuya, Tokyo", &c);
	assert_string_equal(c.shop_address_latin, "1-2-3 Shibuya, Tokyo");
	good_line("receipt_days = 366", &c);
	assert_int_equal(c.receipt_days, 366);
	bad_line("receipt_days = 0", "receipt_days");
	bad_line("receipt_days = 367", "receipt_days");
	/* a control byte in the shop's name */
	{
		char line[] = "shop_name = a?b";
		size_t lineno;
		char want[96];

		line[13] = 0x01;
		t = with_line(line, &lineno);
		snprintf(want, sizeof(want), "tenpo.conf:%zu: bad value for 'shop_name'", lineno);
		expect_refused(t, want);
		free(t);
	}
	t = config_text(0, "printer_profile = ../etc\n");
	expect_refused(t, "tenpo.conf: printer_profile '../etc' is not a profile name ([a-z0-9_-])");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(example_file),
		cmocka_unit_test(every_key),
		cmocka_unit_test(payment_keys),
		cmocka_unit_test(named_staff_pins),
		cmocka_unit_test(log_levels),
		cmocka_unit_test(relative_paths),
		cmocka_unit_test(unknown_key),
		cmocka_unit_test(duplicate_key),
		cmocka_unit_test(bad_values),
		cmocka_unit_test(path_too_long_with_folder),
		cmocka_unit_test(missing_required),
		cmocka_unit_test(long_lines),
		cmocka_unit_test(nul_byte),
		cmocka_unit_test(file_too_large),
		cmocka_unit_test(load_resolves_against_folder),
		cmocka_unit_test(load_errors_name_the_file),
		cmocka_unit_test(peripheral_keys),
	};

	return cmocka_run_group_tests_name("config", tests, tmp_setup, tmp_teardown);
}
