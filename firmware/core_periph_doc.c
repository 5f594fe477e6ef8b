// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core_periph_doc: the printed documents, on the event thread — the
 * receipt at the end of a pickup, any document the other parts hand to
 * core_periph_print(), the staff's test page, reprints and previews, and
 * the printer's answer to each job.  See core_periph.c for the design:
 * every document is kept (receipts.h) before it is sent, the printer's last
 * known status is checked before a job is submitted, and a session's
 * receipt not printed sets receipt_failed and the staff alert.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core_internal.h"
#include "core_periph_internal.h"
#include "escpos.h"
#include "escpos_render.h"
#include "log.h"
#include "receipt.h"
#include "receipts.h"
#include "usb.h"

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
	log_info("periph", "%s %s sent to the printer (%zu bytes, job %llu)", periph_doc_kinds[doc],
		 key, len, (unsigned long long)j->id);
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
	if ((unsigned)doc >= CORE_DOC_COUNT)
		return err_fail(e, "unknown document");
	doc_key(doc, order_id, key, sizeof(key));
	/* kept before it is sent: a document the printer never took can be
	 * reprinted once it is fixed */
	if (!c->periph->receipts_dir[0])
		log_warn("periph", "no output folder: %s %s not kept", periph_doc_kinds[doc], key);
	else if (receipts_store(c->periph->receipts_dir, time(NULL), key, periph_doc_kinds[doc],
				bytes, len, &why))
		log_error("periph", "%s", why.msg);
	else
		periph_list_receipts(c);
	return submit(c, doc, key, session, bytes, len, e);
}

int core_periph_print(struct core *c, enum core_doc doc, const char *order_id, const uint8_t *bytes,
		      size_t len, struct err *e)
{
	int rc = print_doc(c, doc, order_id, false, bytes, len, e);

	periph_publish(c);
	return rc;
}

static void receipt_not_printed(struct core *c, const char *key, const char *why)
{
	/* a kiosk set up without peripherals (usb = off; the desktop board)
	 * has no receipt to miss: kept for the record, nobody alarmed */
	if (c->cfg.usb == CONFIG_USB_OFF) {
		log_info("periph", "receipt %s kept, not printed: usb = off (no printer here)", key);
		return;
	}
	pthread_mutex_lock(&c->lock);
	c->snap.periph.receipt_failed = true;
	pthread_mutex_unlock(&c->lock);
	periph_alert(c, "receipt", key, why);
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
		.payment = o->prepaid ? RECEIPT_PAID_ONLINE :
			   o->paid ? RECEIPT_PAID_AT_REGISTER : RECEIPT_TO_PAY_AT_REGISTER,
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
	periph_publish(c);
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
	for (size_t i = 0; i < CORE_DOC_COUNT; i++)
		if (!strcmp(kind, periph_doc_kinds[i])) {
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

int periph_staff_doc(struct core *c, const struct core_intent *in, struct err *e)
{
	const char *kind = in->text[0] ? in->text : "receipt";

	switch (in->kind) {
	case INTENT_STAFF_PRINTER_TEST:
		return test_page(c, e);
	case INTENT_STAFF_REPRINT:
		return reprint(c, in->order_id, kind, e);
	default:
		return preview(c, in->order_id, kind, e);
	}
}

/* ---- the printer's answers ---------------------------------------------- */

void periph_job_done(struct core *c, const struct core_event *ev)
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
		log_info("periph", "%s %s printed", periph_doc_kinds[j.doc], j.key);
		return;
	}
	if (j.session)
		receipt_not_printed(c, j.key, ev->text);
	else
		periph_alert(c, periph_doc_kinds[j.doc], j.key, ev->text);
}
