// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_staff_periph: the staff page "Peripherals / 周辺機器" — the scanner
 * and the receipt printer as the core last heard of them (snapshot.periph),
 * their tests, today's printed documents with Reprint and Preview, and the
 * preview.
 *
 * Everything shown comes from the snapshot; every button is an intent
 * (SCANNER_TEST, PRINTER_TEST, REPRINT, PREVIEW) whose outcome comes back as
 * staff.last_action.  The preview is a PNG the core renders from the very
 * bytes kept for the document (escpos_render); ui.c loads it (SDL_image)
 * once per periph.preview_seq and this page draws its top, scaled to the
 * column's width.  When it cannot be read, the page shows its path.
 */
#include "ui_screen.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static enum ui_str doc_str(const char *kind, int *arg)
{
	static const enum ui_str names[UI_DOC_KINDS] = { S_DOC_RECEIPT, S_DOC_SLIP, S_DOC_DAY,
							 S_DOC_TEST };

	for (int i = 0; i < UI_DOC_KINDS; i++)
		if (!strcmp(kind, ui_doc_kinds[i])) {
			*arg = i;
			return names[i];
		}
	*arg = -1;
	return S_UNKNOWN;
}

static void clock_text(char *out, size_t n, int64_t at)
{
	time_t t = (time_t)at;
	struct tm tm;

	if (at <= 0 || !localtime_r(&t, &tm) || !strftime(out, n, "%H:%M", &tm))
		snprintf(out, n, "\xe2\x80\x94"); /* an em dash: never */
}

/* Present and working, present but failing, or absent. */
static enum ui_tone presence(const struct ui_ctx *c, bool present, bool working, const char **text)
{
	if (!present) {
		*text = ui_tr(c, S_PERIPH_ABSENT);
		return UI_TONE_MUTED;
	}
	if (!working) {
		*text = ui_tr(c, S_PERIPH_BROKEN);
		return UI_TONE_DANGER;
	}
	*text = ui_tr(c, S_PERIPH_CONNECTED);
	return UI_TONE_SUCCESS;
}

/* The printer's trouble first (it is what stops the receipts), then the
 * scanner's, else the printer's state. */
enum ui_tone ui_staff_periph_summary(const struct ui_ctx *c, char *buf, size_t n)
{
	const struct core_periph_view *v = &c->snap->periph;
	const struct core_printer_view *pr = &v->printer;
	bool pr_bad = pr->paper_out || pr->cover_open || pr->offline || pr->error ||
		(pr->present && !pr->working);
	const char *sc, *state;

	if (!v->usb_running) {
		snprintf(buf, n, "%s", ui_tr(c, S_SUM_PERIPH));
		return v->alert ? UI_TONE_DANGER : UI_TONE_INFO;
	}
	presence(c, pr->present, pr->working, &state);
	if (pr->present && pr->working && pr->status_text[0])
		state = pr->status_text;
	if (!pr_bad && pr->present && v->scanner.present && !v->scanner.working) {
		presence(c, true, false, &sc);
		ui_fmt(buf, n, ui_tr(c, S_SUM_PERIPH_SCANNER), sc, NULL);
		return UI_TONE_DANGER;
	}
	ui_fmt(buf, n, ui_tr(c, S_SUM_PERIPH_PRINTER), state, NULL);
	if (pr_bad || v->alert)
		return UI_TONE_DANGER;
	return pr->paper_near_end || !pr->present ? UI_TONE_WARNING : UI_TONE_INFO;
}

/* A device's card: icon, title, state pill, the Test button, then one line
 * per row (key, value; a value too long for its line ends in "…"). */
static void device_card(struct ui_widget *root, const struct ui_ctx *c, struct ui_rect r,
			enum ui_icon icon, enum ui_str title, enum ui_tone tone, const char *state,
			const char *const *keys, const char *const *vals, const enum ui_tone *tones,
			int n, struct ui_action test)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	int pad = ui_px(th, 16), isz = ui_px(th, 60), bw = ui_px(th, 160), kw = ui_px(th, 170);
	int lh = ui_line_h(c, UI_FONT_BODY) + ui_px(th, 4), y = r.y + pad + isz + ui_px(th, 10);
	int tx = r.x + 2 * pad + isz, tw = r.w - 4 * pad - isz - bw;
	struct ui_widget *d, *b;

	ui_card_create(root, r);
	d = ui_box_create(root, (struct ui_rect){ r.x + pad, r.y + pad, isz, isz }, p->selected,
			  isz / 2);
	ui_icon_create(d, ui_rect_inset(d->r, ui_px(th, 12), ui_px(th, 12)), icon, p->primary);
	ui_label_create(root, (struct ui_rect){ tx, r.y + pad - ui_px(th, 2), tw, isz / 2 },
			ui_tr(c, title), UI_FONT_BOLD, p->text, UI_TEXT_MIDDLE);
	ui_pill_create(root, tx, r.y + pad + isz / 2 + ui_px(th, 2), isz / 2 - ui_px(th, 2), state,
		       tone, c);
	b = ui_button_create(root, (struct ui_rect){ r.x + r.w - pad - bw, r.y + pad, bw, isz },
			     ui_tr(c, S_PERIPH_TEST), UI_ICON_PLAY, UI_BTN_SECONDARY, test);
	b->font = UI_FONT_BODY;
	for (int i = 0; i < n && y + lh <= r.y + r.h - ui_px(th, 8); i++, y += lh) {
		ui_label_create(root, (struct ui_rect){ r.x + pad, y, kw - ui_px(th, 10), lh },
				keys[i], UI_FONT_SMALL, p->muted, UI_TEXT_MIDDLE);
		ui_label_create(root, (struct ui_rect){ r.x + pad + kw, y, r.w - 2 * pad - kw, lh },
				vals[i], UI_FONT_BODY,
				tones[i] == UI_TONE_INFO ? p->text : ui_tone_fg(c, tones[i]),
				UI_TEXT_MIDDLE | UI_TEXT_DATA);
	}
}

static void scanner_card(struct ui_widget *root, const struct ui_ctx *c, struct ui_rect r)
{
	const struct core_scanner_view *s = &c->snap->periph.scanner;
	const struct core_periph_view *v = &c->snap->periph;
	char dev[96], last[32];
	const char *keys[3], *vals[3], *state;
	enum ui_tone tones[3] = { UI_TONE_INFO, UI_TONE_INFO, UI_TONE_INFO };
	enum ui_tone tone = presence(c, s->present, s->working, &state);
	int n = 0;

	if (s->name[0] || s->vid)
		snprintf(dev, sizeof(dev), "%s (%04x:%04x)", s->name[0] ? s->name : "?", s->vid,
			 s->pid);
	else
		snprintf(dev, sizeof(dev), "%s",
			 v->usb_running ? "\xe2\x80\x94" : ui_tr(c, S_PERIPH_USB_OFF));
	clock_text(last, sizeof(last), s->last_scan_at);
	keys[n] = ui_tr(c, S_PERIPH_DEVICE), vals[n++] = dev;
	if (s->last_error[0] && !s->working)
		keys[n] = ui_tr(c, S_PERIPH_STATUS), tones[n] = UI_TONE_DANGER,
		vals[n++] = s->last_error;
	else
		keys[n] = ui_tr(c, S_PERIPH_LAST_SCAN), vals[n++] = last;
	keys[n] = ui_tr(c, S_PERIPH_TEST_SCAN);
	vals[n++] = v->scanner_test ? ui_tr(c, S_PERIPH_WAITING) :
		v->test_scan[0]	    ? v->test_scan :
				      "\xe2\x80\x94";
	device_card(root, c, r, UI_ICON_KEYPAD, S_PERIPH_SCANNER, tone, state, keys, vals, tones, n,
		    ui_act(UI_ACT_STAFF_SCANNER_TEST, 0));
}

static void printer_card(struct ui_widget *root, const struct ui_ctx *c, struct ui_rect r)
{
	const struct core_printer_view *pr = &c->snap->periph.printer;
	const struct core_periph_view *v = &c->snap->periph;
	char dev[96], prof[200], jobs[96], a[24], b[24];
	const char *keys[5], *vals[5], *state;
	enum ui_tone tones[5] = { UI_TONE_INFO, UI_TONE_INFO, UI_TONE_INFO, UI_TONE_INFO,
				  UI_TONE_INFO };
	enum ui_tone tone = presence(c, pr->present, pr->working, &state);
	int n = 0;

	if (pr->name[0] || pr->vid)
		snprintf(dev, sizeof(dev), "%s (%04x:%04x)", pr->name[0] ? pr->name : "?", pr->vid,
			 pr->pid);
	else
		snprintf(dev, sizeof(dev), "%s",
			 v->usb_running ? "\xe2\x80\x94" : ui_tr(c, S_PERIPH_USB_OFF));
	/* the profile first: it says how documents are laid out, the model is the device's */
	snprintf(prof, sizeof(prof), "%s", pr->profile[0] ? pr->profile : "?");
	snprintf(a, sizeof(a), "%llu", (unsigned long long)pr->jobs_ok);
	snprintf(b, sizeof(b), "%llu", (unsigned long long)pr->jobs_failed);
	ui_fmt(jobs, sizeof(jobs), ui_tr(c, S_PERIPH_JOBS_FMT), a, b);
	snprintf(prof + strlen(prof), sizeof(prof) - strlen(prof), " \xc2\xb7 %.90s", dev);
	keys[n] = ui_tr(c, S_PERIPH_PROFILE), vals[n++] = prof;
	keys[n] = ui_tr(c, S_PERIPH_STATUS);
	if (pr->present && !pr->working && pr->last_error[0]) {
		tones[n] = UI_TONE_DANGER;
		vals[n++] = pr->last_error;
	} else {
		tones[n] = pr->paper_out || pr->cover_open || pr->offline || pr->error ?
			UI_TONE_DANGER :
			pr->paper_near_end ? UI_TONE_WARNING :
					     UI_TONE_INFO;
		vals[n++] = pr->present && pr->status_text[0] ? pr->status_text : "\xe2\x80\x94";
	}
	keys[n] = ui_tr(c, S_PERIPH_JOBS),
	tones[n] = pr->jobs_failed ? UI_TONE_WARNING : UI_TONE_INFO, vals[n++] = jobs;
	if (v->alert)
		keys[n] = ui_tr(c, S_PERIPH_ALERT), tones[n] = UI_TONE_DANGER,
		vals[n++] = v->alert_text;
	device_card(root, c, r, UI_ICON_PRINTER, S_PERIPH_PRINTER, tone, state, keys, vals, tones,
		    n, ui_act(UI_ACT_STAFF_PRINTER_TEST, 0));
}

/* Today's documents, newest first, as many as fit: time, kind, key,
 * Reprint, Preview. */
static void documents(struct ui_widget *root, const struct ui_ctx *c, struct ui_rect r)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	const struct core_periph_view *v = &c->snap->periph;
	unsigned n = v->receipt_count < CORE_MAX_RECEIPTS ? v->receipt_count : CORE_MAX_RECEIPTS;
	int pad = ui_px(th, 20), hh = ui_line_h(c, UI_FONT_BOLD) + ui_px(th, 16);
	int rh = th->touch_min + ui_px(th, 4), bw = ui_px(th, 150), y = r.y + pad + hh;
	int ph = c->preview ? (r.h - hh - 2 * pad) * 11 / 20 :
			      2 * ui_line_h(c, UI_FONT_SMALL) + ui_px(th, 20);
	int bottom = r.y + r.h - pad - ph;

	ui_card_create(root, r);
	ui_label_create(root,
			(struct ui_rect){ r.x + pad, r.y + pad, r.w - 2 * pad, hh - ui_px(th, 8) },
			ui_tr(c, S_PERIPH_RECEIPTS), UI_FONT_BOLD, p->text, UI_TEXT_MIDDLE);
	if (!n)
		ui_label_create(root, (struct ui_rect){ r.x + pad, y, r.w - 2 * pad, rh },
				ui_tr(c, S_PERIPH_NO_RECEIPTS), UI_FONT_BODY, p->muted,
				UI_TEXT_MIDDLE | UI_TEXT_WRAP);
	for (unsigned i = 0; i < n && y + rh <= bottom; i++, y += rh + ui_px(th, 6)) {
		const struct core_receipt_row *d = &v->receipts[n - 1 - i];
		char when[32], key[ORDER_ID_MAX + 1];
		struct ui_action rp = ui_act(UI_ACT_STAFF_REPRINT, 0), pv;
		enum ui_str kind = doc_str(d->kind, &rp.arg);
		int tx = r.x + pad, tw = r.w - 2 * pad - 2 * bw - ui_px(th, 16);
		struct ui_widget *b;

		clock_text(when, sizeof(when), d->stored_at);
		snprintf(key, sizeof(key), "%.*s", ORDER_ID_MAX, d->key);
		ui_label_create(root, (struct ui_rect){ tx, y, tw, rh / 2 }, key, UI_FONT_MONO,
				p->text, UI_TEXT_MIDDLE | UI_TEXT_DATA);
		snprintf(when + strlen(when), sizeof(when) - strlen(when), "  ");
		{
			char line[96];

			snprintf(line, sizeof(line), "%s%s", when, ui_tr(c, kind));
			ui_label_create(root, (struct ui_rect){ tx, y + rh / 2, tw, rh / 2 }, line,
					UI_FONT_SMALL, p->muted, UI_TEXT_MIDDLE | UI_TEXT_DATA);
		}
		rp.id = key;
		pv = rp;
		pv.kind = UI_ACT_STAFF_PREVIEW;
		b = ui_button_create(root,
				     (struct ui_rect){ r.x + r.w - pad - 2 * bw - ui_px(th, 8), y,
						       bw - ui_px(th, 30), rh },
				     ui_tr(c, S_PERIPH_REPRINT), UI_ICON_NONE, UI_BTN_SECONDARY,
				     rp);
		b->font = UI_FONT_BODY;
		if (rp.arg < 0)
			b->flags |= UI_WF_DISABLED;
		b = ui_button_create(root,
				     (struct ui_rect){ r.x + r.w - pad - bw - ui_px(th, 30), y,
						       bw + ui_px(th, 30), rh },
				     ui_tr(c, S_PERIPH_PREVIEW), UI_ICON_NONE, UI_BTN_SECONDARY,
				     pv);
		b->font = UI_FONT_BODY;
		if (rp.arg < 0)
			b->flags |= UI_WF_DISABLED;
		if (!strcmp(v->preview_key, d->key) && !strcmp(v->preview_kind, d->kind))
			b->flags |= UI_WF_SELECTED;
	}
	/* the preview: the PNG itself, under its name; else which document it
	 * is and where its PNG is (or why there is none) */
	if (c->preview && !v->preview_error[0]) {
		char name[96];
		int lh = ui_line_h(c, UI_FONT_SMALL) + ui_px(th, 4);

		snprintf(name, sizeof(name), "%s %s", v->preview_key, v->preview_kind);
		ui_label_create(root, (struct ui_rect){ r.x + pad, bottom, r.w - 2 * pad, lh },
				name, UI_FONT_SMALL, p->muted, UI_TEXT_MIDDLE | UI_TEXT_DATA);
		{
			struct ui_widget *frame = ui_box_create(
				root,
				(struct ui_rect){ r.x + pad, bottom + lh, r.w - 2 * pad, ph - lh },
				UI_RGBA(0xffffff, 0xff), 0);

			frame->border = p->border;
			frame->border_w = 1;
		}
		ui_image_widget_create(root,
				       (struct ui_rect){ r.x + pad + 1, bottom + lh + 1,
							 r.w - 2 * pad - 2, ph - lh - 2 },
				       c->preview);
		return;
	}
	{
		char text[1200];

		if (v->preview_error[0])
			snprintf(text, sizeof(text), "%s", v->preview_error);
		else if (v->preview_png[0])
			snprintf(text, sizeof(text), "%s %s \xe2\x86\x92 %s", v->preview_key,
				 v->preview_kind, v->preview_png);
		else
			snprintf(text, sizeof(text), "%s", ui_tr(c, S_PERIPH_PREVIEW_NONE));
		ui_box_create(root, (struct ui_rect){ r.x + pad, bottom, r.w - 2 * pad, ph },
			      p->surface_alt, th->radius_small);
		ui_label_create(
			root,
			(struct ui_rect){ r.x + 2 * pad, bottom + ui_px(th, 8), r.w - 4 * pad,
					  ph - ui_px(th, 16) },
			text, UI_FONT_SMALL, v->preview_error[0] ? p->danger : p->muted,
			UI_TEXT_WRAP |
				(v->preview_png[0] || v->preview_error[0] ? UI_TEXT_DATA : 0));
	}
}

void ui_staff_periph_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	struct ui_rect a = ui_chrome_staff(root, c, ui_tr(c, S_TILE_PERIPH), true);
	int lw = (a.w - th->gap) * 13 / 25, rw = a.w - lw - th->gap;
	int rh = ui_px(th, 90), lh = ui_line_h(c, UI_FONT_BODY) + ui_px(th, 4);
	int head = 2 * ui_px(th, 16) + ui_px(th, 60) + ui_px(th, 10);
	int sh = head + 3 * lh, ph = a.h - rh - 2 * th->gap - sh;

	scanner_card(root, c, (struct ui_rect){ a.x, a.y, lw, sh });
	printer_card(root, c, (struct ui_rect){ a.x, a.y + sh + th->gap, lw, ph });
	documents(root, c, (struct ui_rect){ a.x + lw + th->gap, a.y, rw, a.h - rh - th->gap });
	ui_staff_result(root, c, (struct ui_rect){ a.x, a.y + a.h - rh, a.w, rh });
}
