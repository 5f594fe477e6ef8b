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
 * Documents.  core_periph_print() keeps every document's bytes for the day
 * (receipts.h, under <output>/receipts) before anything is sent, then checks
 * the printer's last known status (a status known bad refuses at once; an
 * unknown one does not, as drivers/ does) and submits the job.  The job's
 * outcome comes back as USB_EVENT_JOB_DONE; a session's receipt that was
 * refused or failed sets receipt_failed (the done screen tells the customer
 * to ask staff) and raises the staff alert (a log line and the staff view).
 * Staff reprint any stored document of the day from the exact bytes kept,
 * and preview it: escpos_render() of the same bytes to a PNG the staff page
 * shows.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core_internal.h"
#include "escpos.h"
#include "escpos_render.h"
#include "log.h"
#include "printer_profile.h"
#include "receipt.h"
#include "receipts.h"
#include "scan_code.h"
#include "usb.h"

#define PERIPH_JOBS 8 /* jobs submitted whose outcome has not come */

struct periph_job {
	uint64_t id;
	enum core_doc doc;
	char key[ORDER_ID_MAX + 1];
	bool session; /* the current customer's receipt */
};

struct core_periph {
	struct usb *usb;
	struct printer_profile profile;
	char receipts_dir[CONFIG_PATH_MAX + 16];
	char lang[3];
	uint64_t next_job;
	struct periph_job jobs[PERIPH_JOBS];
	unsigned n_jobs;
	struct escpos_renderer *renderer;
	char pruned_day[11];
};

static const char *const doc_kinds[] = {
	[CORE_DOC_RECEIPT] = "receipt",
	[CORE_DOC_SLIP] = "slip",
	[CORE_DOC_DAY] = "day",
	[CORE_DOC_TEST] = "test",
};

static const struct printer_profile builtin_profile = {
	.name = "generic-80mm", .model = "Generic 80 mm ESC/POS", .paper_mm = 80,
	.dots = 576, .columns_a = 48, .columns_b = 64, .kanji = PRINTER_KANJI_SJIS,
	.qr = PRINTER_QR_NATIVE, .code128 = true, .cutter = PRINTER_CUT_PARTIAL,
	.cut_feed = 4, .code_page = 0,
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

static void publish(struct core *c)
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
static void list_receipts(struct core *c)
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
static void alert(struct core *c, const char *what, const char *key, const char *why)
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
		snprintf(ev->text, sizeof(ev->text), "%.*s", (int)(sizeof(ev->text) - 1), uev->text);
	} else {
		snprintf(ev->text, sizeof(ev->text), "%.*s", (int)(sizeof(ev->text) - 1),
			 uev->reason);
	}
	queued = core_post_event_leaving(c, ev, scan ? CORE_EVENT_KEEP_FROM_SCANS
						    : CORE_EVENT_KEEP_FOR_WORKERS);
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

int core_periph_start(struct core *c, struct err *e)
{
	struct core_periph *p = calloc(1, sizeof(*p));
	char dir[CONFIG_PATH_MAX], table_path[CONFIG_PATH_MAX];
	struct err why = { "" };
	struct usb_table *table;

	if (!p)
		return err_fail(e, "out of memory");
	c->periph = p;
	snprintf(p->lang, sizeof(p->lang), "ja");
	snprintf(p->receipts_dir, sizeof(p->receipts_dir), "%s/receipts", c->cfg.output);
	data_path(dir, sizeof(dir), c->cfg.printer_profiles, "drivers/profiles",
		  "/usr/share/tenpo/profiles");
	if (printer_profile_find(&p->profile, dir, c->cfg.printer_profile, &why)) {
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

void core_periph_language(struct core *c, const char *lang)
{
	if (c->periph && (!strcmp(lang, "ja") || !strcmp(lang, "en")))
		snprintf(c->periph->lang, sizeof(c->periph->lang), "%s", lang);
}

/* ---- printing ---------------------------------------------------------- */

/* Why the printer cannot take a job now, or NULL. */
static const char *not_ready(struct core *c)
{
	const struct core_printer_view *v = &c->snap.periph.printer;

	if (!v->present)
		return "no receipt printer";
	if (!v->working)
		return v->last_error[0] ? v->last_error : "the printer is not working";
	if (v->paper_out)
		return "paper out";
	if (v->cover_open)
		return "cover open";
	if (v->offline)
		return "printer offline";
	if (v->error)
		return "printer error";
	return NULL;
}

static int submit(struct core *c, enum core_doc doc, const char *key, bool session,
		  const uint8_t *bytes, size_t len, struct err *e)
{
	struct core_periph *p = c->periph;
	const char *why = not_ready(c);
	struct periph_job *j;

	if (why)
		return err_fail(e, "%s", why);
	if (p->n_jobs == PERIPH_JOBS)
		return err_fail(e, "%d documents are still waiting for the printer", PERIPH_JOBS);
	if (usb_printer_submit(p->usb, bytes, len, p->next_job + 1, e))
		return -1;
	j = &p->jobs[p->n_jobs++];
	j->id = ++p->next_job;
	j->doc = doc;
	j->session = session;
	snprintf(j->key, sizeof(j->key), "%s", key);
	log_info("periph", "%s %s sent to the printer (%zu bytes, job %llu)", doc_kinds[doc], key,
		 len, (unsigned long long)j->id);
	return 0;
}

/* The file name's key for a document: the order's ID, else the kind and
 * Japan's time of day. */
static void doc_key(enum core_doc doc, const char *order_id, char *out, size_t cap)
{
	time_t t = time(NULL) + RECEIPT_UTC_OFFSET;
	struct tm tm;

	if (order_id && order_id[0]) {
		snprintf(out, cap, "%s", order_id);
		return;
	}
	gmtime_r(&t, &tm);
	snprintf(out, cap, "%s_%02d%02d%02d", doc == CORE_DOC_DAY ? "DAY" : "TEST", tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
}

static int print_doc(struct core *c, enum core_doc doc, const char *order_id, bool session,
		     const uint8_t *bytes, size_t len, struct err *e)
{
	char key[ORDER_ID_MAX + 1];
	struct err why = { "" };

	if (!c->periph)
		return err_fail(e, "no receipt printer");
	if ((unsigned)doc >= sizeof(doc_kinds) / sizeof(doc_kinds[0]))
		return err_fail(e, "unknown document");
	doc_key(doc, order_id, key, sizeof(key));
	/* kept before it is sent: a document the printer never took can be
	 * reprinted once it is fixed */
	if (receipts_store(c->periph->receipts_dir, time(NULL), key, doc_kinds[doc], bytes, len,
			   &why))
		log_error("periph", "%s", why.msg);
	else
		list_receipts(c);
	return submit(c, doc, key, session, bytes, len, e);
}

int core_periph_print(struct core *c, enum core_doc doc, const char *order_id,
		      const uint8_t *bytes, size_t len, struct err *e)
{
	int rc = print_doc(c, doc, order_id, false, bytes, len, e);

	publish(c);
	return rc;
}

static void receipt_not_printed(struct core *c, const char *key, const char *why)
{
	pthread_mutex_lock(&c->lock);
	c->snap.periph.receipt_failed = true;
	pthread_mutex_unlock(&c->lock);
	alert(c, "receipt", key, why);
}

void core_periph_session_end(struct core *c)
{
	if (!c->periph)
		return;
	pthread_mutex_lock(&c->lock);
	c->snap.periph.receipt_failed = false;
	pthread_mutex_unlock(&c->lock);
	for (unsigned i = 0; i < c->periph->n_jobs; i++)
		c->periph->jobs[i].session = false;
}

static const char *media_label(enum media_kind m)
{
	return m == MEDIA_DATA_DVD ? "DVD-R" : m == MEDIA_AUDIO_CD ? "CD-R (Audio)" : "CD-R";
}

void core_periph_session_done(struct core *c, const char *checksum)
{
	const struct core_order_view *o = &c->snap.order;
	char sum[9] = "";
	struct receipt_info r;
	struct escpos b;
	const uint8_t *bytes;
	size_t len = 0;
	struct err e = { "" };

	if (!c->periph)
		return;
	core_periph_session_end(c);
	snprintf(sum, sizeof(sum), "%.8s", checksum ? checksum : "");
	r = (struct receipt_info){
		.shop_name = c->cfg.shop_name,
		.shop_name_latin = c->cfg.shop_name_latin,
		.shop_address = c->cfg.shop_address,
		.shop_address_latin = c->cfg.shop_address_latin,
		.when = time(NULL),
		.order_id = o->id,
		.title = o->title,
		.artist = o->artist,
		.media = media_label(o->media),
		.checksum = sum,
		.price_yen = (long long)o->price,
		.payment = o->prepaid ? RECEIPT_PAID_ONLINE : RECEIPT_PAID_AT_REGISTER,
		.lang = c->periph->lang,
	};
	escpos_init(&b, &c->periph->profile, 0);
	if (receipt_encode(&c->periph->profile, &r, &b, &e) || escpos_finish(&b, &e)) {
		receipt_not_printed(c, o->id, e.msg);
	} else {
		bytes = escpos_data(&b, &len);
		if (print_doc(c, CORE_DOC_RECEIPT, o->id, true, bytes, len, &e))
			receipt_not_printed(c, o->id, e.msg);
	}
	escpos_free(&b);
	publish(c);
}

/* ---- staff ------------------------------------------------------------- */

static int test_page(struct core *c, struct err *e)
{
	const struct printer_profile *pf = &c->periph->profile;
	char when[17], line[160];
	struct escpos b;
	const uint8_t *bytes;
	size_t len = 0;
	int rc;

	receipt_time_format(time(NULL), when);
	escpos_init(&b, pf, 0);
	escpos_reset(&b);
	escpos_align(&b, ESCPOS_CENTER);
	escpos_size(&b, 2, 2);
	escpos_line(&b, "TEST");
	escpos_size(&b, 1, 1);
	escpos_line(&b, "Tenpo printer test");
	if (pf->kanji == PRINTER_KANJI_SJIS)
		escpos_line(&b, "プリンターのテスト印刷");
	escpos_align(&b, ESCPOS_LEFT);
	escpos_rule(&b, '-');
	escpos_row(&b, "Profile", pf->name);
	escpos_row(&b, "Model", pf->model);
	snprintf(line, sizeof(line), "%u mm, %u dots", pf->paper_mm, pf->dots);
	escpos_row(&b, "Paper", line);
	escpos_row(&b, "Printer", c->snap.periph.printer.name);
	escpos_row(&b, "Time", when);
	escpos_rule(&b, '-');
	escpos_line(&b, "0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	escpos_align(&b, ESCPOS_CENTER);
	escpos_qr(&b, "TENPO-TEST");
	escpos_newline(&b);
	escpos_cut(&b);
	rc = escpos_finish(&b, e);
	if (!rc) {
		bytes = escpos_data(&b, &len);
		rc = print_doc(c, CORE_DOC_TEST, NULL, false, bytes, len, e);
	}
	escpos_free(&b);
	return rc;
}

static int doc_of_kind(const char *kind, enum core_doc *out)
{
	for (size_t i = 0; i < sizeof(doc_kinds) / sizeof(doc_kinds[0]); i++)
		if (!strcmp(kind, doc_kinds[i])) {
			*out = (enum core_doc)i;
			return 0;
		}
	return -1;
}

static int reprint(struct core *c, const char *key, const char *kind, struct err *e)
{
	enum core_doc doc;
	uint8_t *bytes;
	size_t len;
	int rc;

	if (doc_of_kind(kind, &doc))
		return err_fail(e, "no document kind '%.16s'", kind);
	if (receipts_load(c->periph->receipts_dir, time(NULL), key, kind, &bytes, &len, e))
		return -1;
	rc = submit(c, doc, key, false, bytes, len, e);
	free(bytes);
	return rc;
}

static int preview(struct core *c, const char *key, const char *kind, struct err *e)
{
	struct core_periph *p = c->periph;
	struct escpos_image im = { 0 };
	char png[sizeof(p->receipts_dir) + 32], tmp[sizeof(png) + 8];
	uint8_t *bytes;
	size_t len;
	int rc;

	if (receipts_load(p->receipts_dir, time(NULL), key, kind, &bytes, &len, e))
		return -1;
	if (!p->renderer && escpos_renderer_open(&p->renderer, NULL, e)) {
		free(bytes);
		return -1;
	}
	snprintf(png, sizeof(png), "%s/preview.png", p->receipts_dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", png);
	rc = escpos_render(p->renderer, &p->profile, bytes, len, &im, e);
	free(bytes);
	if (!rc)
		rc = escpos_image_write_png(&im, tmp, e);
	escpos_image_free(&im);
	/* the UI may be reading the old one: it sees it whole, or the new one */
	if (!rc && rename(tmp, png))
		rc = err_fail(e, "%s: cannot rename", png);
	pthread_mutex_lock(&c->lock);
	if (!rc) {
		c->snap.periph.preview_seq++;
		snprintf(c->snap.periph.preview_png, sizeof(c->snap.periph.preview_png), "%.1000s",
			 png);
		snprintf(c->snap.periph.preview_key, sizeof(c->snap.periph.preview_key), "%s", key);
		snprintf(c->snap.periph.preview_kind, sizeof(c->snap.periph.preview_kind), "%s",
			 kind);
		c->snap.periph.preview_error[0] = '\0';
	} else {
		snprintf(c->snap.periph.preview_error, sizeof(c->snap.periph.preview_error),
			 "%.250s", e->msg);
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int core_periph_staff(struct core *c, const struct core_intent *in, struct err *e)
{
	const char *kind = in->text[0] ? in->text : "receipt";
	int rc;

	if (!c->periph)
		return err_fail(e, "no peripherals");
	switch (in->kind) {
	case INTENT_STAFF_PRINTER_TEST:
		rc = test_page(c, e);
		break;
	case INTENT_STAFF_SCANNER_TEST:
		pthread_mutex_lock(&c->lock);
		c->snap.periph.scanner_test = true;
		c->snap.periph.test_scan[0] = '\0';
		pthread_mutex_unlock(&c->lock);
		rc = 0;
		break;
	case INTENT_STAFF_REPRINT:
		rc = reprint(c, in->order_id, kind, e);
		break;
	case INTENT_STAFF_PREVIEW:
		rc = preview(c, in->order_id, kind, e);
		break;
	default:
		rc = err_fail(e, "not a peripheral's action");
	}
	publish(c);
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
	list_receipts(c);
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

static void on_job_done(struct core *c, const struct core_event *ev)
{
	struct core_periph *p = c->periph;
	struct periph_job j = { 0 };
	bool found = false;

	for (unsigned i = 0; i < p->n_jobs; i++)
		if (p->jobs[i].id == ev->usb.job_id) {
			j = p->jobs[i];
			p->jobs[i] = p->jobs[--p->n_jobs];
			found = true;
			break;
		}
	pthread_mutex_lock(&c->lock);
	if (ev->usb.job_ok)
		c->snap.periph.printer.jobs_ok++;
	else
		c->snap.periph.printer.jobs_failed++;
	pthread_mutex_unlock(&c->lock);
	if (!found) {
		log_warn("periph", "job %llu done, but not one of ours",
			 (unsigned long long)ev->usb.job_id);
		return;
	}
	if (ev->usb.job_ok) {
		log_info("periph", "%s %s printed", doc_kinds[j.doc], j.key);
		return;
	}
	if (j.session)
		receipt_not_printed(c, j.key, ev->text);
	else
		alert(c, doc_kinds[j.doc], j.key, ev->text);
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
		on_job_done(c, ev);
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
	publish(c);
}
