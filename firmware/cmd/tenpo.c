// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tenpo: the appliance's command line — a thin layer over the firmware
 * library.  Each command loads the config, opens what it needs, does one
 * thing, and exits 0, or 1 with one line on stderr saying why (2 for a usage
 * error).  The log goes to the config's log_file; -v copies it to stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "burner.h"
#include "claim.h"
#include "config.h"
#include "core.h"
#include "delivery.h"
#include "disc.h"
#include "escpos.h"
#include "escpos_render.h"
#include "handover.h"
#include "instance.h"
#include "kiosk.h"
#include "log.h"
#include "order.h"
#include "printer_profile.h"
#include "report.h"
#include "spool.h"
#include "stamp.h"
#include "store.h"
#include "sync.h"

/* The one piece of file-scope state: set by SIGINT/SIGTERM, read by the
 * threads the command runs.  A lock-free atomic is safe in a handler. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the stop flag is set from a signal handler");
static atomic_int stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop_requested, 1);
}

struct app {
	struct config cfg;
	struct store *store;
	struct spool *spool;
	struct delivery *delivery;
	struct handover_opts disc; /* --drive, --media, --simulate */
	bool disc_ready;           /* handover_init() done */
	struct kiosk_opts kiosk;   /* run: --board-dir, --display, --script, --shots */
	struct instance_lock *lock; /* commands that modify the database */
};

static void usage(FILE *f)
{
	fputs("usage: tenpo [-v] COMMAND --config FILE [ARGS]\n"
	      "\n"
	      "  init              create the kiosk's database (once; an existing one is kept)\n"
	      "  run               the appliance: touchscreen, sync loop, disc writer, reports\n"
	      "                    --board-dir DIR (profiles; default: board/ beside build/)\n"
	      "                    --display DRIVER (x11, wayland, kmsdrm, offscreen)\n"
	      "                    --script FILE (scripted touches)  --shots DIR\n"
	      "  sync              one pass: fetch new orders and their content, send reports\n"
	      "  orders            one line per order: id, state, title\n"
	      "  show ORDER        an order's details and its history\n"
	      "  audit             check the database and the spool after a crash (read-only)\n"
	      "  pickup CODE       claim the order this code belongs to, write its disc,\n"
	      "                    verify it, erase the spool and report the delivery\n"
	      "  write ORDER       write a claimed order's disc again (staff)\n"
	      "  retry ORDER       send a failed order back to where it failed (staff)\n"
	      "  refetch ORDER     erase a failed order's spool and download it again (staff)\n"
	      "  close-day STAFF   close today (totals, staff log, report upstream) as STAFF\n"
	      "  drives            list optical drives and their media\n"
	      "  check-disc        read a data disc's stamp, check its signature, print the IDs\n"
	      "  staff-pin PIN     print the staff_pin line for tenpo.conf\n"
	      "  receipt-preview FILE  draw what a receipt printer was sent (ESC/POS) as FILE.png\n"
	      "\n"
	      "disc options: --drive ADDRESS (e.g. /dev/sr0, stdio:FILE)  --media BLANK\n"
	      "              (the blank a stdio: drive stands for: cd-r, dvd-r, ...)  --simulate\n",
	      f);
}

static int app_open(struct app *a, const char *config_path, const char *command, bool lock,
		    bool need_store, bool need_spool, bool need_network, struct err *e)
{
	if (config_load(&a->cfg, config_path, e))
		return -1;
	/* the level holds for stderr (the journal, on the appliance) too */
	if (log_open(a->cfg.log_file[0] ? a->cfg.log_file : NULL, (enum log_level)a->cfg.log_level))
		return err_fail(e, "cannot open log file %s", a->cfg.log_file);
	/* before the store: a second instance must not even recover */
	if (lock && instance_lock_take(&a->lock, a->cfg.database, command, e))
		return -1;
	if (!strcmp(command, "init")) {
		int made = store_create(a->cfg.database, e);

		if (made < 0)
			return -1;
		printf("%s %s\n", made ? "CREATED" : "KEPT", a->cfg.database);
	}
	if (need_store && store_open(&a->store, a->cfg.database, e))
		return -1;
	if (need_spool && spool_open(&a->spool, a->cfg.spool, a->cfg.spool_quota_bytes, e))
		return -1;
	if (need_network && delivery_open(&a->delivery, &a->cfg, e))
		return -1;
	return 0;
}

static int app_disc(struct app *a, struct err *e)
{
	if (handover_init(e))
		return -1;
	a->disc_ready = true;
	if (!a->disc.drive)
		a->disc.drive = a->cfg.drive;
	if (!a->disc.pseudo_media && a->cfg.pseudo_media[0])
		a->disc.pseudo_media = a->cfg.pseudo_media;
	a->disc.stop = &stop_requested;
	return 0;
}

static void app_close(struct app *a)
{
	if (a->disc_ready)
		handover_finish();
	delivery_close(a->delivery);
	spool_close(a->spool);
	store_close(a->store);
	instance_lock_release(a->lock);
	log_close();
}

static int cmd_sync(struct app *a, struct err *e)
{
	struct sync_ctx c = {
		.cfg = &a->cfg,
		.store = a->store,
		.spool = a->spool,
		.delivery = a->delivery,
		.stop = &stop_requested,
		.flush_all_reports = true,
	};
	struct sync_stats st;
	int rc = sync_pass(&c, &st, e);

	printf("listed %u, new %u, manifests %u, files %u (%" PRIu64 " bytes), ready %u, "
	       "failed %u, cancelled %u, expired %u, reports sent %u%s\n",
	       st.listed, st.announced, st.manifests, st.files, st.bytes, st.ready, st.failed,
	       st.cancelled, st.expired, st.reports_sent,
	       st.waiting_for_space ? ", waiting for spool space" : "");
	return rc;
}

static int cmd_orders(struct app *a, struct err *e)
{
	struct store_order *o = NULL;
	size_t n;

	if (store_orders_list(a->store, -1, &o, &n, e))
		return -1;
	for (size_t i = 0; i < n; i++)
		printf("%s %s %s\n", o[i].id, order_state_name(o[i].state),
		       o[i].has_manifest ? o[i].title : "-");
	free(o);
	return 0;
}

/* The engineer's check after a power cut (and the appliance test's): the
 * database's integrity and the lifecycle's invariants (store_integrity_check),
 * then no content left for an order whose content must be gone.  Read-only,
 * beside a running kiosk.  One line: "audit: ok: ..." or the first problem. */
static int cmd_audit(struct app *a, const char *arg, struct err *e)
{
	unsigned count[ORDER_STATE_COUNT] = { 0 };
	struct store_order *o = NULL;
	struct store_report *r = NULL;
	size_t n, nr = 0;
	int rc = -1;

	(void)arg;
	if (store_integrity_check(a->store, e))
		return err_wrap(e, "audit");
	if (store_orders_list(a->store, -1, &o, &n, e) ||
	    store_reports_pending(a->store, &r, &nr, e))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (order_content_gone(o[i].state) && spool_has_order(a->spool, o[i].id)) {
			err_fail(e, "audit: order %s is %s but its content is still in the spool",
				 o[i].id, order_state_name(o[i].state));
			goto out;
		}
		count[o[i].state]++;
	}
	printf("audit: ok: %zu orders (", n);
	for (int s = 0, first = 1; s < ORDER_STATE_COUNT; s++)
		if (count[s]) {
			printf("%s%u %s", first ? "" : ", ", count[s],
			       order_state_name((enum order_state)s));
			first = 0;
		}
	printf("), %zu reports waiting\n", nr);
	rc = 0;
out:
	store_reports_free(r, nr);
	free(o);
	return rc;
}

/* An order compacted by retention: the record the shop keeps. */
static int show_disc(struct app *a, const char *id, struct err *e)
{
	struct store_disc *d = malloc(sizeof(*d));
	int found;

	if (!d)
		return err_fail(e, "out of memory");
	found = store_disc_get(a->store, id, d, e);
	if (found == 1) {
		printf("order     %s\nstate     %s (compacted %" PRId64 ")%s%s\n"
		       "title     %s\nartist    %s\nmedia     %s\nprice     %" PRIu64 " %s\n"
		       "ids       user %" PRIu32 " shop %" PRIu32 " delivery server %u content server %u\n"
		       "times     created %" PRId64 " written %" PRId64 " closed %" PRId64 "\n",
		       d->id, order_state_name(d->state), d->compacted_at,
		       d->reason[0] ? "  reason: " : "", d->reason, d->title, d->artist,
		       d->media[0] ? d->media : "-", d->price, d->currency, d->ids.user, d->ids.shop,
		       d->ids.delivery_server, d->ids.content_server, d->created_at, d->written_at,
		       d->closed_at);
		if (d->receipt[0])
			printf("receipt   %s\n", d->receipt);
	}
	free(d);
	if (found == 0)
		return err_fail(e, "no order %s", id);
	return found < 0 ? -1 : 0;
}

static int cmd_show(struct app *a, const char *id, struct err *e)
{
	struct store_order o;
	struct store_file *f = NULL;
	char **lines = NULL;
	size_t nf = 0, nl = 0;
	int found = store_order_get(a->store, id, &o, e);

	if (found == 0)
		return show_disc(a, id, e);
	if (found < 0)
		return -1;
	printf("order     %s\nstate     %s%s%s\n", o.id, order_state_name(o.state),
	       o.reason[0] ? "  reason: " : "", o.reason);
	if (o.has_manifest) {
		printf("title     %s\nartist    %s\nmedia     %s\nprice     %" PRIu64 " %s (%s)\n"
		       "ids       user %" PRIu32 " shop %" PRIu32 " delivery server %u content server %u\n"
		       "files     %u of %u, %" PRIu64 " bytes\n",
		       o.title, o.artist, media_kind_name(o.media), o.price, o.currency,
		       o.prepaid ? "prepaid" : "pay at the register", o.ids.user, o.ids.shop,
		       o.ids.delivery_server, o.ids.content_server, o.files_done, o.file_count,
		       o.total_bytes);
		if (store_files(a->store, id, &f, &nf, e))
			return -1;
		for (size_t i = 0; i < nf; i++)
			printf("  %2u %s %12" PRIu64 "  %s\n", f[i].idx, f[i].done ? "done" : "    ",
			       f[i].m.size, f[i].m.name);
		free(f);
	}
	if (store_order_history(a->store, id, &lines, &nl, e))
		return -1;
	for (size_t i = 0; i < nl; i++) {
		printf("history   %s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	return 0;
}

static int print_progress(void *arg, const struct handover_progress *p)
{
	(void)arg;
	if (p->total)
		fprintf(stdout, "\r%-10s %5.1f %%  %6.1f MB/s  ", burner_stage_name(p->stage),
			p->bytes * 100.0 / (double)p->total, p->mb_per_s);
	if (p->stage == BURNER_STAGE_DONE)
		fputc('\n', stdout);
	fflush(stdout);
	return 0;
}

/* Writes a claimed order's disc; then tries to send the delivery report. */
static int write_order(struct app *a, const char *id, struct err *e)
{
	struct handover_result r;
	unsigned sent = 0;
	struct err why = { "" };
	struct store_order o;
	bool was_written;

	if (store_order_get(a->store, id, &o, e) != 1)
		return err_fail(e, "no order %s", id);
	was_written = o.state == ORDER_WRITTEN;
	if (app_disc(a, e) || handover_recover(&a->cfg, a->store, a->spool, e))
		return -1;
	if (was_written) {
		/* its disc was written and verified before a crash; recovery erased it */
		printf("FINISHED %s: written and verified before, spool erased\n", id);
		goto report;
	}
	if (store_order_get(a->store, id, &o, e) != 1 ||
	    order_action_check(ORDER_ACT_WRITE, o.state, id, e))
		return -1;
	a->disc.eject = true;
	if (isatty(STDOUT_FILENO))
		a->disc.progress = print_progress;
	if (handover_run(&a->cfg, a->store, a->spool, id, &a->disc, &r, e))
		return -1;
	if (a->disc.simulate) {
		printf("SIMULATED %s %" PRIu64 " bytes; the order stays claimed\n", id, r.bytes);
		return 0;
	}
	if (r.verified)
		printf("WRITTEN %s %s %" PRIu64 " bytes, verified, spool erased\n", id, r.output,
		       r.bytes);
	else
		printf("WRITTEN %s %s %" PRIu64 " bytes, NOT verified (%s), spool erased\n", id,
		       r.output, r.bytes, r.not_verified);
report:
	if (delivery_open(&a->delivery, &a->cfg, &why) ||
	    report_flush(a->store, a->delivery, time(NULL), true, &sent, &why))
		printf("REPORT queued (%s); the next sync sends it\n", why.msg);
	else
		printf("REPORTED %s\n", id);
	return 0;
}

static int cmd_pickup(struct app *a, const char *code, struct err *e)
{
	struct store_order o;
	int64_t wait_s;

	if (claim_by_code(a->store, code, time(NULL), &o, &wait_s, e) != CLAIM_OK)
		return -1;
	printf("CLAIMED %s %s\n", o.id, o.title);
	return write_order(a, o.id, e);
}

static int cmd_write(struct app *a, const char *id, struct err *e)
{
	return write_order(a, id, e);
}

static int cmd_refetch(struct app *a, const char *id, struct err *e)
{
	/* check and move first, erase after: a refused refetch keeps the content */
	if (store_order_refetch(a->store, id, e))
		return -1;
	if (spool_erase_order(a->spool, id, e))
		return err_wrap(e, "order %s is announced again, but its old spool remains", id);
	printf("REFETCH %s announced; the next sync downloads it again\n", id);
	return 0;
}

static int cmd_drives(struct app *a, const char *arg, struct err *e)
{
	struct burner_drive d[16];
	size_t found;

	(void)arg;
	if (app_disc(a, e))
		return -1;
	if (burner_list(d, 16, &found, e))
		return -1;
	for (size_t i = 0; i < found && i < 16; i++)
		printf("%s %s %s %s %s %" PRIu64 "\n", d[i].address, d[i].vendor, d[i].product,
		       d[i].media_known ? d[i].media.profile_name : "?",
		       d[i].media_known ? burner_status_name(d[i].media.status) : "?",
		       d[i].media_known ? d[i].media.free_bytes : 0);
	if (!found)
		printf("no optical drive found (pseudo-drives are given as stdio:FILE)\n");
	return 0;
}

static int cmd_check_disc(struct app *a, const char *arg, struct err *e)
{
	struct manifest m;
	char *text = NULL;
	size_t len;
	int64_t at;
	uint32_t shop;
	int rc;

	(void)arg;
	if (app_disc(a, e))
		return -1;
	if (!a->disc.drive || !a->disc.drive[0])
		return err_fail(e, "no drive: give --drive");
	if (disc_read_file(a->disc.drive, STAMP_FILE_NAME, STAMP_MAX_BYTES, &text, &len, e))
		return -1;
	rc = stamp_check(text, len, a->cfg.manifest_key, &m, &at, &shop, e);
	free(text);
	if (rc)
		return -1;
	printf("STAMP valid: signed by delivery server %u\n"
	       "order %s\nuser %" PRIu32 "\nshop %" PRIu32 "\ndelivery_server %u\n"
	       "content_server %u\ntitle %s\nwritten_at %" PRId64 " by shop %" PRIu32 "\n",
	       m.ids.delivery_server, m.order_id, m.ids.user, m.ids.shop, m.ids.delivery_server,
	       m.ids.content_server, m.title, at, shop);
	manifest_free(&m);
	return 0;
}

/* board/ of the source tree this program was built in (build/tenpo,
 * build/san/tenpo ...); else the installed profiles. */
static const char *default_board_dir(char *buf, size_t cap)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n > 0) {
		exe[n] = '\0';
		for (int up = 0; up < 4 && (slash = strrchr(exe, '/')) && slash != exe; up++) {
			*slash = '\0';
			int len = snprintf(buf, cap, "%s/board/README.md", exe);

			if (len > 0 && (size_t)len < cap && access(buf, R_OK) == 0) {
				buf[len - strlen("/README.md")] = '\0';
				return buf;
			}
		}
	}
	return "/usr/share/tenpo/board";
}

static int cmd_run(struct app *a, const char *arg, struct err *e)
{
	char dir[4096];

	(void)arg;
	if (!a->kiosk.board_dir)
		a->kiosk.board_dir = default_board_dir(dir, sizeof(dir));
	if (a->disc.drive)
		snprintf(a->cfg.drive, sizeof(a->cfg.drive), "%s", a->disc.drive);
	if (a->disc.pseudo_media)
		snprintf(a->cfg.pseudo_media, sizeof(a->cfg.pseudo_media), "%s",
			 a->disc.pseudo_media);
	a->kiosk.stop = &stop_requested;
	return kiosk_run(&a->cfg, &a->kiosk, e);
}

static int cmd_staff_pin(struct app *a, const char *pin, struct err *e)
{
	char line[160];

	(void)a;
	if (core_pin_make(pin, line, sizeof(line), e))
		return -1;
	printf("staff_pin = %s\n", line);
	return 0;
}

/* What a printer was sent (a capture of its USB bulk OUT, or a document the
 * kiosk kept in out/receipts/), drawn as the printer would print it, by
 * the ESC/POS renderer the staff preview uses: FILE.png beside FILE. */
static int cmd_receipt_preview(struct app *a, const char *path, struct err *e)
{
	struct printer_profile pf;
	struct escpos_renderer *r = NULL;
	struct escpos_image im = { 0 };
	char png[CONFIG_PATH_MAX + 8];
	unsigned char *bytes;
	size_t len = 0;
	FILE *f;
	int rc;

	if (core_printer_profile(&a->cfg, &pf, e))
		return -1;
	if (!(f = fopen(path, "rb")))
		return err_fail(e, "%s: %s", path, strerror(errno));
	bytes = malloc(ESCPOS_CAP_DEFAULT + 1);
	if (bytes)
		len = fread(bytes, 1, ESCPOS_CAP_DEFAULT + 1, f);
	fclose(f);
	if (!bytes)
		return err_fail(e, "out of memory");
	if (len > ESCPOS_CAP_DEFAULT) {
		free(bytes);
		return err_fail(e, "%s: more than %u bytes: not one document", path,
				ESCPOS_CAP_DEFAULT);
	}
	snprintf(png, sizeof(png), "%s.png", path);
	rc = escpos_renderer_open(&r, NULL, e);
	if (!rc)
		rc = escpos_render(r, &pf, bytes, len, &im, e);
	if (!rc)
		rc = escpos_image_write_png(&im, png, e);
	if (!rc)
		printf("%s: %zu bytes drawn for %s, %s\n", png, len, pf.name, pf.model);
	escpos_image_free(&im);
	escpos_renderer_free(r);
	free(bytes);
	return rc;
}

/* app_open() made (or kept) the database; nothing more to do. */
static int cmd_init(struct app *a, const char *arg, struct err *e)
{
	(void)a;
	(void)arg;
	(void)e;
	return 0;
}

static int cmd_retry(struct app *a, const char *id, struct err *e)
{
	struct store_order o;

	if (store_order_retry(a->store, id, e))
		return -1;
	if (store_order_get(a->store, id, &o, e) == 1)
		printf("RETRY %s %s\n", id, order_state_name(o.state));
	return 0;
}

/* One row per command: its argument (NULL: none), what it needs opened, and
 * whether it modifies the database (then it holds the instance lock).  The
 * commands that need no database (drives, check-disc, staff-pin) work on a
 * kiosk that has none yet. */
/* Closes today for the shop, as the staff menu does (store_day_close: the
 * totals, the staff log's row and the report upstream in one transaction),
 * then tries to send it; a server out of reach leaves it for the next
 * sync.  Nothing is printed on paper here. */
static int cmd_close_day(struct app *a, const char *staff, struct err *e)
{
	int64_t now = time(NULL), from, to;
	struct store_day_report r;
	struct err why = { "" };
	char day[11];
	unsigned sent;

	report_day_window(now, &from, &to, day);
	if (store_day_close(a->store, a->cfg.shop_id, day, from, to, staff, now, &r, e))
		return -1;
	printf("CLOSED %s %s: %u discs, %u ruined, register %" PRIu64 ", prepaid %" PRIu64
	       ", fees %" PRIu64 ", %zu orders\n",
	       r.id, r.day, r.totals.discs_written, r.totals.blanks_ruined,
	       r.totals.register_amount, r.totals.prepaid_amount, r.totals.fees_owed,
	       r.order_count);
	if (delivery_open(&a->delivery, &a->cfg, &why) ||
	    report_flush(a->store, a->delivery, now, true, &sent, &why))
		printf("REPORT queued (%s); the next sync sends it\n", why.msg);
	else
		printf("REPORTED %s\n", r.id);
	store_day_report_free(&r);
	return 0;
}

struct command {
	const char *name;
	const char *arg_name;
	bool store, spool, network, lock;
	int (*run)(struct app *a, const char *arg, struct err *e);
};

static int run_sync(struct app *a, const char *arg, struct err *e)
{
	(void)arg;
	return cmd_sync(a, e);
}

static int run_orders(struct app *a, const char *arg, struct err *e)
{
	(void)arg;
	return cmd_orders(a, e);
}

static const struct command commands[] = {
	{ "init", NULL, true, false, false, true, cmd_init },
	{ "run", NULL, true, false, false, true, cmd_run },
	{ "sync", NULL, true, true, true, true, run_sync },
	{ "orders", NULL, true, false, false, false, run_orders },
	{ "show", "ORDER", true, false, false, false, cmd_show },
	{ "audit", NULL, true, true, false, false, cmd_audit },
	{ "pickup", "CODE", true, true, false, true, cmd_pickup },
	{ "write", "ORDER", true, true, false, true, cmd_write },
	{ "retry", "ORDER", true, false, false, true, cmd_retry },
	{ "refetch", "ORDER", true, true, false, true, cmd_refetch },
	{ "close-day", "STAFF", true, false, false, true, cmd_close_day },
	{ "drives", NULL, false, false, false, false, cmd_drives },
	{ "check-disc", NULL, false, false, false, false, cmd_check_disc },
	{ "staff-pin", "PIN", false, false, false, false, cmd_staff_pin },
	{ "receipt-preview", "FILE", false, false, false, false, cmd_receipt_preview },
};

/* A usage mistake: what was wrong, in one line with a hint; exit 2. */
static int usage_error(const char *fmt, const char *what)
{
	fputs("tenpo: ", stderr);
	fprintf(stderr, fmt, what);
	fputs(" (tenpo --help lists the commands)\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "drive", required_argument, NULL, 'd' },
		{ "media", required_argument, NULL, 'm' },
		{ "simulate", no_argument, NULL, 's' },
		{ "board-dir", required_argument, NULL, 'B' },
		{ "display", required_argument, NULL, 'D' },
		{ "script", required_argument, NULL, 'S' },
		{ "shots", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct command *cmd = NULL;
	const char *config = NULL, *arg;
	struct app a = { 0 };
	struct err e = { "" };
	bool verbose = false;
	int c, rc;

	/* GNU getopt permutes: options may stand before or after the command */
	opterr = 0; /* its messages would come with no hint; ours say both */
	while ((c = getopt_long(argc, argv, ":c:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'd':
			a.disc.drive = optarg;
			break;
		case 'm':
			if (burner_blank_parse(optarg) <= 0) {
				fprintf(stderr, "tenpo: unknown blank '%s'\n", optarg);
				return 2;
			}
			a.disc.pseudo_media = optarg;
			break;
		case 's':
			a.disc.simulate = true;
			break;
		case 'B':
			a.kiosk.board_dir = optarg;
			break;
		case 'D':
			a.kiosk.display = optarg;
			break;
		case 'S':
			a.kiosk.script = optarg;
			break;
		case 'P':
			a.kiosk.shots_dir = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			return usage_error("option %s needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("no command given%s", "");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[optind], commands[i].name))
			cmd = &commands[i];
	if (!cmd)
		return usage_error("unknown command '%s'", argv[optind]);
	if (!config)
		return usage_error("%s needs --config FILE", cmd->name);
	if (cmd->arg_name && argc - optind < 2) {
		fprintf(stderr, "tenpo: %s needs %s (tenpo --help lists the commands)\n", cmd->name,
			cmd->arg_name);
		return 2;
	}
	if (argc - optind > 1 + (cmd->arg_name != NULL))
		return usage_error("too many arguments after %s", cmd->name);
	arg = cmd->arg_name ? argv[optind + 1] : NULL;

	log_quiet_stderr(!verbose);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	rc = app_open(&a, config, cmd->name, cmd->lock, cmd->store, cmd->spool, cmd->network, &e);
	if (!rc)
		rc = cmd->run(&a, arg, &e);
	if (rc) {
		log_error("tenpo", "%s: %s", cmd->name, e.msg);
		fprintf(stderr, "tenpo: %s\n", e.msg);
	}
	app_close(&a);
	return rc ? 1 : 0;
}
