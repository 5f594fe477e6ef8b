// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tenpo-delivery: the reference delivery server, for tests, benchmarks and
 * the demo.  This file is the command line only: it parses arguments and
 * calls the module that does the work.
 *
 *   init DIR [--listen HOST:PORT] [--server-name NAME]
 *            [--server-not-after YYYYMMDDhhmmss] [--big-mb N]     setup.c
 *   order DIR --shop ID --user ID --title TITLE --media MEDIA
 *            [--expires-days N | --expires-seconds N] [--price YEN]
 *            [--unpaid] [--fault LIST]                            checkout.c
 *   serve DIR [--throttle BYTES_PER_SEC]                          serve.c
 *   orders DIR | reports DIR | cancel DIR ORDER-ID                db.c
 *
 * Output: `order` prints exactly "ORDER <id> CODE <12 digits>"; `orders`
 * and `reports` one line per row.  Every failure is one line on stderr,
 * "tenpo-delivery: ...", and exit status 1 (2 for a usage error).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkout.h"
#include "db.h"
#include "faults.h"
#include "layout.h"
#include "log.h"
#include "serve.h"
#include "setup.h"

#define EXIT_USAGE 2
#define MAX_OPTS 12

static const char USAGE[] =
	"usage: tenpo-delivery init|order|serve|orders|reports|cancel DIR [options] "
	"(see tests/delivery-server/main.c)";

/* "--name value" or "--name=value" pairs, and bare flags, after DIR. */
struct opts {
	size_t count;
	struct {
		const char *name;  /* without the dashes */
		const char *value; /* NULL for a flag */
		bool used;
	} o[MAX_OPTS];
	const char *extra; /* one positional argument after DIR (cancel's ORDER-ID) */
};

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage(const char *fmt, ...)
{
	va_list ap;

	fputs("tenpo-delivery: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

static int fail(const struct err *e)
{
	fprintf(stderr, "tenpo-delivery: %s\n", e->msg);
	return 1;
}

static bool is_flag(const char *name)
{
	return !strcmp(name, "unpaid");
}

static int opts_parse(struct opts *o, int argc, char **argv)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *eq;

		if (strncmp(a, "--", 2)) {
			if (o->extra)
				return usage("unexpected argument '%.80s'", a);
			o->extra = a;
			continue;
		}
		if (o->count == MAX_OPTS)
			return usage("too many options");
		a += 2;
		eq = strchr(a, '=');
		o->o[o->count].name = a;
		if (eq) {
			/* --name=value: cut the name at '=' in place */
			argv[i][2 + (eq - a)] = '\0';
			o->o[o->count].value = eq + 1;
		} else if (!is_flag(a)) {
			if (i + 1 >= argc)
				return usage("--%s needs a value", a);
			o->o[o->count].value = argv[++i];
		}
		o->count++;
	}
	return 0;
}

static const char *opt(struct opts *o, const char *name)
{
	for (size_t i = 0; i < o->count; i++)
		if (!strcmp(o->o[i].name, name)) {
			o->o[i].used = true;
			return o->o[i].value ? o->o[i].value : "";
		}
	return NULL;
}

/* Every option given must have been asked for. */
static int opts_done(const struct opts *o, const char *cmd)
{
	for (size_t i = 0; i < o->count; i++)
		if (!o->o[i].used)
			return usage("%s: unknown option --%.40s", cmd, o->o[i].name);
	return 0;
}

static int parse_number(const char *name, const char *text, long long min, long long max,
			long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno || end == text || *end || v < min || v > max)
		return usage("--%s: a number from %lld to %lld, got '%.40s'", name, min, max, text);
	*out = v;
	return 0;
}

static int cmd_init(const char *dir, struct opts *o)
{
	struct setup_opts s = {
		.listen = SETUP_DEFAULT_LISTEN,
		.server_name = SETUP_DEFAULT_SERVER_NAME,
	};
	struct err e = { "" };
	const char *v;
	long long n;
	int rc;

	if ((v = opt(o, "listen")))
		s.listen = v;
	if ((v = opt(o, "server-name")))
		s.server_name = v;
	s.server_not_after = opt(o, "server-not-after");
	if ((v = opt(o, "big-mb"))) {
		if ((rc = parse_number("big-mb", v, 1, 65536, &n)))
			return rc;
		s.big_mb = (unsigned)n;
	}
	if ((rc = opts_done(o, "init")) || o->extra)
		return rc ? rc : usage("init: unexpected argument '%.80s'", o->extra);
	return setup_create(dir, &s, &e) ? fail(&e) : 0;
}

static int cmd_order(const char *dir, struct opts *o)
{
	struct checkout_request r = { .expires_in_s = 14 * 86400, .price = -1 };
	struct checkout_result res;
	struct err e = { "" };
	const char *shop = opt(o, "shop"), *user = opt(o, "user"), *media = opt(o, "media");
	const char *days = opt(o, "expires-days"), *secs = opt(o, "expires-seconds");
	const char *price = opt(o, "price"), *faults = opt(o, "fault");
	long long n;
	int rc, m;

	r.title = opt(o, "title");
	r.unpaid = opt(o, "unpaid") != NULL;
	if ((rc = opts_done(o, "order")))
		return rc;
	if (o->extra)
		return usage("order: unexpected argument '%.80s'", o->extra);
	if (!shop || !user || !r.title || !media)
		return usage("order: --shop, --user, --title and --media are required");
	if ((rc = parse_number("shop", shop, 1, 0xffffff, &n)))
		return rc;
	r.shop = (uint32_t)n;
	if ((rc = parse_number("user", user, 0, 0xffffffffLL, &n)))
		return rc;
	r.user = (uint32_t)n;
	m = media_kind_parse(media);
	if (m < 0)
		return usage("--media: audio-cd, data-cd or data-dvd, got '%.40s'", media);
	r.media = (enum media_kind)m;
	if (days && secs)
		return usage("order: --expires-days and --expires-seconds exclude each other");
	if (days) {
		if ((rc = parse_number("expires-days", days, 1, 3650, &n)))
			return rc;
		r.expires_in_s = n * 86400;
	}
	if (secs) {
		if ((rc = parse_number("expires-seconds", secs, 1, 3650LL * 86400, &n)))
			return rc;
		r.expires_in_s = n;
	}
	if (price) {
		if ((rc = parse_number("price", price, 0, 100000000, &n)))
			return rc;
		r.price = n;
	}
	if (faults && faults_parse(faults, &r.faults, &e))
		return usage("--fault: %s", e.msg);
	if (checkout_place(dir, &r, &res, &e))
		return fail(&e);
	printf("ORDER %s CODE %s\n", res.order_id, res.code);
	return fflush(stdout) ? 1 : 0;
}

static int cmd_serve(const char *dir, struct opts *o)
{
	struct serve_opts s = { 0 };
	struct err e = { "" };
	const char *v;
	long long n;
	int rc;

	if ((v = opt(o, "throttle"))) {
		if ((rc = parse_number("throttle", v, 1, 1LL << 40, &n)))
			return rc;
		s.throttle = (uint64_t)n;
	}
	if ((rc = opts_done(o, "serve")) || o->extra)
		return rc ? rc : usage("serve: unexpected argument '%.80s'", o->extra);
	return serve_run(dir, &s, &e) ? fail(&e) : 0;
}

static int print_order(void *arg, const struct db_order *o)
{
	(void)arg;
	printf("ORDER %s %u %u %s %s\n", o->id, (unsigned)o->shop, (unsigned)o->user, o->state,
	       o->title);
	return 0;
}

static int print_report(void *arg, const struct db_report *r)
{
	(void)arg;
	printf("REPORT %s %s %s posts=%u\n", r->order_id, r->kind, r->report_id, r->posts);
	return 0;
}

/* orders, reports, cancel: one database call each. */
static int cmd_db(const char *cmd, const char *dir, struct opts *o)
{
	struct err e = { "" };
	sqlite3 *db;
	int rc;

	if ((rc = opts_done(o, cmd)))
		return rc;
	if (!strcmp(cmd, "cancel") ? !o->extra : o->extra != NULL)
		return usage("%s: %s", cmd, o->extra ? "unexpected argument" : "which order?");
	if (db_open(dir, false, &db, &e))
		return fail(&e);
	if (!strcmp(cmd, "orders"))
		rc = db_orders_each(db, print_order, NULL, &e);
	else if (!strcmp(cmd, "reports"))
		rc = db_reports_each(db, print_report, NULL, &e);
	else
		rc = db_order_cancel(db, o->extra, &e);
	db_close(db);
	if (rc)
		return fail(&e);
	return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *cmd, *dir;
	struct opts o;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	if (argc < 3 || argv[2][0] == '-')
		return usage("%s", USAGE);
	cmd = argv[1];
	dir = argv[2];
	if ((rc = opts_parse(&o, argc - 3, argv + 3)))
		return rc;
	if (!strcmp(cmd, "init"))
		return cmd_init(dir, &o);
	if (!strcmp(cmd, "order"))
		return cmd_order(dir, &o);
	if (!strcmp(cmd, "serve"))
		return cmd_serve(dir, &o);
	if (!strcmp(cmd, "orders") || !strcmp(cmd, "reports") || !strcmp(cmd, "cancel"))
		return cmd_db(cmd, dir, &o);
	return usage("unknown command '%.40s'; %s", cmd, USAGE);
}
