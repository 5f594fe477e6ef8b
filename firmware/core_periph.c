// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core_periph: the kiosk's USB peripherals (drivers/usb.h), seen from the
 * core — the scanner's scans, the receipt printer's documents, and what
 * staff see of both.
 *
 * Threads.  drivers/usb runs its own thread and calls on_usb() on it for
 * every event.  on_usb() only copies the event into a struct core_event
 * (JOB_PERIPH) and posts it, never waiting: when the core's queue has fewer
 * than CORE_EVENT_KEEP_FROM_SCANS free slots a scan is dropped (and logged),
 * other news below CORE_EVENT_KEEP_FOR_WORKERS, so a scan storm can neither
 * stall the USB thread nor crowd out a burn worker's "the disc is done".
 * Everything else here runs on the event thread, which alone owns struct
 * core_periph and writes c->snap.periph (under c->lock, like the rest of
 * the snapshot).  The view is kept from the events and, while the USB thread
 * runs, overwritten from usb_snapshot() (the manager's truth) at each event
 * and each refresh, so a dropped event cannot leave it wrong for long.
 *
 * Scans.  With the staff's scanner test armed, the next scan is shown to
 * staff and nothing else.  Then, with staff logged in, core_pay_scan() is
 * offered it first (a slip's payload confirms a payment at the register;
 * the staff screens are up, so no customer is at the code screen).  Else,
 * on the code screen (IDLE, CODE_REFUSED), scan_code_parse(): a pickup code
 * (typed digits or the pickup QR) takes the typed code's path (on_code in
 * core.c); anything else is refused with CORE_MSG_SCAN_UNREADABLE — not
 * CODE_MALFORMED, which tells the customer how to type the 12 digits,
 * while a scan was no code at all (a product barcode, a URL, another
 * shop's QR) and, per scan_code.h, must not count as a wrong code.  A scan
 * anywhere else is logged and ignored.
 *
 * Documents (core_periph_doc.c).  core_periph_print() keeps every
 * document's bytes for the day (receipts.h, under <output>/receipts)
 * before anything is sent, then checks the printer's last known status (a
 * status known bad refuses at once; an unknown one does not, as drivers/
 * does) and submits the job.  The job's
 * outcome comes back as USB_EVENT_JOB_DONE; a session's receipt that was
 * refused or failed sets receipt_failed (the done screen tells the customer
 * to ask staff) and raises the staff alert (a log line and the staff view).
 * Staff reprint any stored document of the day from the exact bytes kept,
 * and preview it: escpos_render() of the same bytes to a PNG whose path the
 * staff page shows.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core_internal.h"
#include "core_periph_internal.h"
#include "escpos_render.h"
#include "log.h"
#include "printer_profile.h"
#include "receipts.h"
#include "scan_code.h"
#include "usb.h"

const char *const periph_doc_kinds[CORE_DOC_COUNT] = {
	[CORE_DOC_RECEIPT] = "receipt",
	[CORE_DOC_SLIP] = "slip",
	[CORE_DOC_DAY] = "day",
	[CORE_DOC_TEST] = "test",
};

static const struct printer_profile builtin_profile = {
	.name = "generic-80mm",
	.model = "Generic 80 mm ESC/POS",
	.paper_mm = 80,
	.dots = 576,
	.columns_a = 48,
	.columns_b = 64,
	.kanji = PRINTER_KANJI_SJIS,
	.qr = PRINTER_QR_NATIVE,
	.code128 = true,
	.cutter = PRINTER_CUT_PARTIAL,
	.cut_feed = 4,
	.code_page = 0,
};

/* ---- finding the data files ------------------------------------------- */

/* `configured` when set; else tree_rel in the source tree this program was
 * built in (build/tenpo, build/san/tests/... are at most four levels down),
 * else the installed path. */
static void data_path(char *out, size_t cap, const char *configured, const char *tree_rel,
		      const char *installed)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	if (configured[0]) {
		snprintf(out, cap, "%s", configured);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		for (int up = 0; up < 4 && (slash = strrchr(exe, '/')) && slash != exe; up++) {
			int len;

			*slash = '\0';
			len = snprintf(out, cap, "%s/%s", exe, tree_rel);
			if (len > 0 && (size_t)len < cap && access(out, R_OK) == 0)
				return;
		}
	}
	snprintf(out, cap, "%s", installed);
}

/* ---- the view --------------------------------------------------------- */

void periph_publish(struct core *c)
{
	pthread_mutex_lock(&c->lock);
	core_changed(c);
	pthread_mutex_unlock(&c->lock);
	core_notify(c);
}

static void set_status(struct core_printer_view *v, const struct printer_status *s)
{
	v->status_known = !printer_status_unknown(s);
	v->offline = s->online == PRINTER_NO;
	v->paper_out = s->paper_out == PRINTER_YES;
	v->paper_near_end = s->paper_near_end == PRINTER_YES;
	v->cover_open = s->cover_open == PRINTER_YES;
	v->error = s->error == PRINTER_YES;
	printer_status_describe(s, v->status_text);
}

/* The manager's snapshot over the view: the first printer and the first
 * scanner present (else the last one seen).  Call with c->lock held. */
static void view_from_usb(struct core *c, const struct usb_peripherals *u)
{
	struct core_periph_view *v = &c->snap.periph;
	const struct usb_peripheral *pr = NULL, *sc = NULL;

	v->usb_running = u->running;
	if (!u->running)
		return;
	for (size_t i = 0; i < u->n; i++) {
		const struct usb_peripheral *p = &u->p[i];
		const struct usb_peripheral **slot = p->kind == USB_KIND_PRINTER ? &pr : &sc;

		if (!*slot || (p->present && !(*slot)->present))
			*slot = p;
	}
	if (pr) {
		struct core_printer_view *w = &v->printer;

		w->present = pr->present;
		w->working = pr->working;
		snprintf(w->name, sizeof(w->name), "%s", pr->name);
		w->vid = pr->vid;
		w->pid = pr->pid;
		set_status(w, &pr->status);
		snprintf(w->last_error, sizeof(w->last_error), "%s", pr->last_error);
	} else {
		v->printer.present = v->printer.working = false;
	}
	if (sc) {
		struct core_scanner_view *w = &v->scanner;

		w->present = sc->present;
		w->working = sc->working;
		snprintf(w->name, sizeof(w->name), "%s", sc->name);
		w->vid = sc->vid;
		w->pid = sc->pid;
		w->scans = sc->scans;
		w->scans_refused = sc->scans_refused;
		snprintf(w->last_error, sizeof(w->last_error), "%s", sc->last_error);
	} else {
		v->scanner.present = v->scanner.working = false;
	}
}

static void sync_usb(struct core *c)
{
	struct usb_peripherals *u;

	if (!c->periph || !c->periph->usb || !(u = malloc(sizeof(*u))))
		return;
	usb_snapshot(c->periph->usb, u);
	pthread_mutex_lock(&c->lock);
	view_from_usb(c, u);
	pthread_mutex_unlock(&c->lock);
	free(u);
}

/* Today's documents into the view. */
void periph_list_receipts(struct core *c)
{
	struct receipts_entry *ents = calloc(CORE_MAX_RECEIPTS, sizeof(*ents));
	size_t n = 0;
	struct err e = { "" };

	if (!ents)
		return;
	if (receipts_list(c->periph->receipts_dir, time(NULL), ents, CORE_MAX_RECEIPTS, &n, &e))
		log_error("periph", "%s", e.msg);
	pthread_mutex_lock(&c->lock);
	c->snap.periph.receipt_count = (unsigned)n;
	for (size_t i = 0; i < n; i++) {
		struct core_receipt_row *r = &c->snap.periph.receipts[i];

		snprintf(r->key, sizeof(r->key), "%s", ents[i].key);
		snprintf(r->kind, sizeof(r->kind), "%s", ents[i].kind);
		r->stored_at = ents[i].stored_at;
		r->size = (uint32_t)ents[i].size;
	}
	pthread_mutex_unlock(&c->lock);
	free(ents);
}

/* The staff alert: a log line, and the staff view until the next one. */
void periph_alert(struct core *c, const char *what, const char *key, const char *why)
{
	log_error("periph", "ALERT: %s %s not printed: %s", what, key, why);
	pthread_mutex_lock(&c->lock);
	c->snap.periph.alert = true;
	snprintf(c->snap.periph.alert_text, sizeof(c->snap.periph.alert_text),
		 "%.12s %.64s not printed: %.160s", what, key, why);
	pthread_mutex_unlock(&c->lock);
}

/* ---- start and stop --------------------------------------------------- */

/* On the USB thread: copy and post, never wait (see the top). */
static bool post_usb(struct core *c, const struct usb_event *uev)
{
	struct core_event *ev = calloc(1, sizeof(*ev));
	bool scan = uev->type == USB_EVENT_SCAN || uev->type == USB_EVENT_SCAN_REFUSED;
	bool queued;

	if (!ev) {
		log_error("periph", "out of memory: %s dropped", usb_event_name(uev->type));
		return false;
	}
	ev->job = JOB_PERIPH;
	ev->usb.type = (int)uev->type;
	ev->usb.kind = (int)uev->kind;
	snprintf(ev->usb.name, sizeof(ev->usb.name), "%s", uev->name);
	ev->usb.vid = uev->vid;
	ev->usb.pid = uev->pid;
	ev->usb.status_known = !printer_status_unknown(&uev->status);
	ev->usb.offline = uev->status.online == PRINTER_NO;
	ev->usb.paper_out = uev->status.paper_out == PRINTER_YES;
	ev->usb.paper_near_end = uev->status.paper_near_end == PRINTER_YES;
	ev->usb.cover_open = uev->status.cover_open == PRINTER_YES;
	ev->usb.error = uev->status.error == PRINTER_YES;
	ev->usb.job_id = uev->job_id;
	ev->usb.job_ok = uev->job_ok;
	if (uev->type == USB_EVENT_SCAN) {
		size_t n = strnlen(uev->text, sizeof(uev->text));

		ev->usb.cut = n >= sizeof(ev->text);
		snprintf(ev->text, sizeof(ev->text), "%.*s", (int)(sizeof(ev->text) - 1),
			 uev->text);
	} else {
		snprintf(ev->text, sizeof(ev->text), "%.*s", (int)(sizeof(ev->text) - 1),
			 uev->reason);
	}
	queued = core_post_event_leaving(
		c, ev, scan ? CORE_EVENT_KEEP_FROM_SCANS : CORE_EVENT_KEEP_FOR_WORKERS);
	if (!queued)
		log_warn("periph", "%s dropped: the core's event queue is full",
			 usb_event_name(uev->type));
	free(ev);
	return queued;
}

static void on_usb(const struct usb_event *uev, void *user)
{
	post_usb(user, uev);
}

bool core_periph_inject(struct core *c, const struct usb_event *ev)
{
	return post_usb(c, ev);
}

int core_printer_profile(const struct config *cfg, struct printer_profile *out, struct err *e)
{
	char dir[CONFIG_PATH_MAX];

	data_path(dir, sizeof(dir), cfg->printer_profiles, "drivers/profiles",
		  "/usr/share/tenpo/profiles");
	return printer_profile_find(out, dir, cfg->printer_profile, e);
}

int core_periph_start(struct core *c, struct err *e)
{
	struct core_periph *p = calloc(1, sizeof(*p));
	char table_path[CONFIG_PATH_MAX];
	struct err why = { "" };
	struct usb_table *table;

	if (!p)
		return err_fail(e, "out of memory");
	c->periph = p;
	snprintf(p->lang, sizeof(p->lang), "ja");
	/* no output folder (a config made in code): nothing is kept */
	if (c->cfg.output[0])
		snprintf(p->receipts_dir, sizeof(p->receipts_dir), "%s/receipts", c->cfg.output);
	if (core_printer_profile(&c->cfg, &p->profile, &why)) {
		log_error("periph", "%s; receipts are laid out for the built-in %s", why.msg,
			  builtin_profile.name);
		p->profile = builtin_profile;
	}
	pthread_mutex_lock(&c->lock);
	snprintf(c->snap.periph.printer.profile, sizeof(c->snap.periph.printer.profile), "%s",
		 p->profile.name);
	snprintf(c->snap.periph.printer.model, sizeof(c->snap.periph.printer.model), "%s",
		 p->profile.model);
	pthread_mutex_unlock(&c->lock);
	core_periph_refresh(c);
	if (c->cfg.usb != CONFIG_USB_ON) {
		log_info("periph", "usb off: no scanner, no receipt printer");
		return 0;
	}
	data_path(table_path, sizeof(table_path), c->cfg.devices_table, "drivers/devices.conf",
		  "/usr/share/tenpo/devices.conf");
	table = malloc(sizeof(*table));
	if (!table)
		return err_fail(e, "out of memory");
	if (usb_table_load(table, table_path, &why)) {
		/* a bad table is refused, never guessed at (drivers/README.md) */
		log_error("periph", "%s: no USB peripherals", why.msg);
	} else {
		struct usb_config uc = { .table = table, .on_event = on_usb, .user = c };

		if (usb_start(&p->usb, &uc, &why))
			log_error("periph", "%s: no USB peripherals", why.msg);
		else
			log_info("periph", "usb started, devices from %s, profile %s", table_path,
				 p->profile.name);
	}
	free(table);
	sync_usb(c);
	return 0;
}

void core_periph_stop(struct core *c)
{
	if (!c->periph)
		return;
	usb_stop(c->periph->usb);
	escpos_renderer_free(c->periph->renderer);
	free(c->periph);
	c->periph = NULL;
}

const struct printer_profile *core_periph_profile(struct core *c)
{
	return c->periph ? &c->periph->profile : &builtin_profile;
}

const char *core_periph_lang(const struct core *c)
{
	return c->periph ? c->periph->lang : "ja";
}

void core_periph_language(struct core *c, const char *lang)
{
	if (c->periph && (!strcmp(lang, "ja") || !strcmp(lang, "en")))
		snprintf(c->periph->lang, sizeof(c->periph->lang), "%s", lang);
}

int core_periph_staff(struct core *c, const struct core_intent *in, struct err *e)
{
	int rc;

	if (!c->periph)
		return err_fail(e, "no peripherals");
	switch (in->kind) {
	case INTENT_STAFF_PRINTER_TEST:
	case INTENT_STAFF_REPRINT:
	case INTENT_STAFF_PREVIEW:
		rc = periph_staff_doc(c, in, e);
		break;
	case INTENT_STAFF_SCANNER_TEST:
		pthread_mutex_lock(&c->lock);
		c->snap.periph.scanner_test = true;
		c->snap.periph.test_scan[0] = '\0';
		pthread_mutex_unlock(&c->lock);
		rc = 0;
		break;
	default:
		rc = err_fail(e, "not a peripheral's action");
	}
	periph_publish(c);
	return rc;
}

void core_periph_refresh(struct core *c)
{
	char today[11];

	if (!c->periph)
		return;
	receipts_day(time(NULL), today);
	if (strcmp(today, c->periph->pruned_day)) {
		unsigned removed = 0;
		struct err e = { "" };

		if (receipts_prune(c->periph->receipts_dir, time(NULL), c->cfg.receipt_days,
				   &removed, &e))
			log_error("periph", "%s", e.msg);
		else if (removed)
			log_info("periph", "%u day(s) of printed documents pruned", removed);
		memcpy(c->periph->pruned_day, today, sizeof(today));
	}
	periph_list_receipts(c);
	sync_usb(c);
}

/* ---- the USB thread's news, on the event thread ----------------------- */

static void on_scan(struct core *c, const struct core_event *ev)
{
	enum core_session_stage st = c->snap.stage;
	char digits[PICKUP_CODE_DIGITS + 1];
	enum scan_code_verdict v;
	struct err e = { "" };

	log_info("periph", "scan of %zu characters", strlen(ev->text));
	pthread_mutex_lock(&c->lock);
	c->snap.periph.scanner.last_scan_at = time(NULL);
	if (c->snap.periph.scanner_test) {
		/* printable ASCII only (hid_scan.h): safe to show as it is */
		c->snap.periph.scanner_test = false;
		snprintf(c->snap.periph.test_scan, sizeof(c->snap.periph.test_scan), "%s",
			 ev->text);
		pthread_mutex_unlock(&c->lock);
		log_info("periph", "scanner test: read %zu characters", strlen(ev->text));
		return;
	}
	pthread_mutex_unlock(&c->lock);
	if (c->snap.staff.logged_in && !ev->usb.cut && core_pay_scan(c, ev->text))
		return;
	if (st != SESSION_IDLE && st != SESSION_CODE_REFUSED) {
		log_info("periph", "scan ignored: the session is %s", core_session_stage_name(st));
		return;
	}
	v = ev->usb.cut ? SCAN_CODE_GARBAGE : scan_code_parse(ev->text, c->cfg.shop_id, digits, &e);
	if (v != SCAN_CODE_OK) {
		log_info("periph", "scan refused (%s): %s", scan_code_verdict_name(v),
			 ev->usb.cut ? "too long" : e.msg);
		core_set_stage(c, SESSION_CODE_REFUSED, CORE_MSG_SCAN_UNREADABLE);
		return;
	}
	core_session_code(c, digits);
	memset(digits, 0, sizeof(digits));
}

void core_periph_event(struct core *c, const struct core_event *ev)
{
	struct core_periph_view *v = &c->snap.periph;
	bool printer = ev->usb.kind == USB_KIND_PRINTER;

	if (!c->periph)
		return;
	switch ((enum usb_event_type)ev->usb.type) {
	case USB_EVENT_ATTACHED:
	case USB_EVENT_DETACHED: {
		bool on = ev->usb.type == USB_EVENT_ATTACHED;

		log_info("periph", "%s %04x:%04x %s (%s)", printer ? "printer" : "scanner",
			 ev->usb.vid, ev->usb.pid, on ? "attached" : "detached",
			 printer ? c->periph->profile.name : ev->usb.name);
		pthread_mutex_lock(&c->lock);
		if (printer) {
			v->printer.present = v->printer.working = on;
			snprintf(v->printer.name, sizeof(v->printer.name), "%s", ev->usb.name);
			v->printer.vid = ev->usb.vid;
			v->printer.pid = ev->usb.pid;
		} else {
			v->scanner.present = v->scanner.working = on;
			snprintf(v->scanner.name, sizeof(v->scanner.name), "%s", ev->usb.name);
			v->scanner.vid = ev->usb.vid;
			v->scanner.pid = ev->usb.pid;
		}
		pthread_mutex_unlock(&c->lock);
		break;
	}
	case USB_EVENT_PRINTER_STATUS:
		pthread_mutex_lock(&c->lock);
		v->printer.status_known = ev->usb.status_known;
		v->printer.offline = ev->usb.offline;
		v->printer.paper_out = ev->usb.paper_out;
		v->printer.paper_near_end = ev->usb.paper_near_end;
		v->printer.cover_open = ev->usb.cover_open;
		v->printer.error = ev->usb.error;
		pthread_mutex_unlock(&c->lock);
		log_info("periph", "printer status: %s%s%s%s%s%s",
			 ev->usb.status_known ? "" : "unknown", ev->usb.offline ? " offline" : "",
			 ev->usb.paper_out ? " paper-out" : "",
			 ev->usb.paper_near_end ? " paper-near-end" : "",
			 ev->usb.cover_open ? " cover-open" : "", ev->usb.error ? " error" : "");
		break;
	case USB_EVENT_SCAN:
		on_scan(c, ev);
		break;
	case USB_EVENT_SCAN_REFUSED:
		log_info("periph", "scan refused: %s", ev->text);
		pthread_mutex_lock(&c->lock);
		v->scanner.last_scan_at = time(NULL);
		pthread_mutex_unlock(&c->lock);
		if (c->snap.periph.scanner_test) {
			pthread_mutex_lock(&c->lock);
			v->scanner_test = false;
			snprintf(v->test_scan, sizeof(v->test_scan), "(refused: %.200s)", ev->text);
			pthread_mutex_unlock(&c->lock);
		} else if (c->snap.stage == SESSION_IDLE || c->snap.stage == SESSION_CODE_REFUSED) {
			core_set_stage(c, SESSION_CODE_REFUSED, CORE_MSG_SCAN_UNREADABLE);
		}
		break;
	case USB_EVENT_JOB_DONE:
		periph_job_done(c, ev);
		break;
	case USB_EVENT_ERROR:
		log_warn("periph", "%04x:%04x: %s", ev->usb.vid, ev->usb.pid, ev->text);
		pthread_mutex_lock(&c->lock);
		snprintf(printer ? v->printer.last_error : v->scanner.last_error,
			 sizeof(v->printer.last_error), "%.150s", ev->text);
		pthread_mutex_unlock(&c->lock);
		break;
	}
	sync_usb(c);
	periph_publish(c);
}
