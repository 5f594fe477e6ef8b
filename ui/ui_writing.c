// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_writing: the disc being written and verified, then "take your disc".
 *
 * The ETA is the core's, shown honestly: "calculating…" until the core has
 * one, "about N min" rounded up, "less than a minute" at the end — never a
 * countdown in seconds that would jump about.  The turning disc is the
 * only animation on the customer side, and it runs only here.
 */
#include "ui_screen.h"

#include <stdio.h>

static enum ui_str stage_str(const struct core_snapshot *s)
{
	if (s->stage == SESSION_VERIFYING && s->progress.stage < BURNER_STAGE_VERIFYING)
		return S_PROG_VERIFYING;
	return ui_stage_key(s->progress.stage);
}

static void eta_text(const struct ui_ctx *c, char *buf, size_t n)
{
	const struct core_progress *pr = &c->snap->progress;
	char num[16];

	if (pr->eta_s < 0 || (pr->percent == 0 && pr->bytes == 0)) {
		snprintf(buf, n, "%s", ui_tr(c, S_ETA_CALC));
	} else if (pr->eta_s < 60) {
		snprintf(buf, n, "%s", ui_tr(c, S_ETA_LT1));
	} else {
		snprintf(num, sizeof(num), "%d", (pr->eta_s + 59) / 60);
		ui_fmt(buf, n, ui_tr(c, S_ETA_MIN), num, NULL);
	}
}

/* Write → check → done, the current one highlighted. */
static void phases(struct ui_widget *root, const struct ui_ctx *c, int y)
{
	static const enum ui_str names[3] = { S_PHASE_WRITE, S_PHASE_VERIFY, S_PHASE_DONE };
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	const struct core_snapshot *s = c->snap;
	int cur = s->stage == SESSION_VERIFYING || s->progress.stage == BURNER_STAGE_VERIFYING ? 1 :
		  s->progress.stage >= BURNER_STAGE_ERASING ? 2 : 0;
	int d = ui_px(th, 36), gap = ui_px(th, 12), sep = ui_px(th, 56), w[3], total = 0, x;

	for (int i = 0; i < 3; i++) {
		w[i] = d + gap + ui_measure_w(c, ui_tr(c, names[i]), UI_FONT_BOLD) + 2;
		total += w[i] + (i ? sep : 0);
	}
	x = (th->w - total) / 2;
	for (int i = 0; i < 3; i++) {
		struct ui_color fill = i < cur ? p->success : i == cur ? p->primary : p->track;
		struct ui_widget *dot = ui_box_create(root, (struct ui_rect){ x, y, d, d }, fill, d / 2);

		if (i < cur) {
			ui_icon_create(dot, ui_rect_inset(dot->r, ui_px(th, 8), ui_px(th, 8)), UI_ICON_CHECK,
				       p->on_primary);
		} else {
			char num[12];

			snprintf(num, sizeof(num), "%d", i + 1);
			ui_label_create(dot, dot->r, num, UI_FONT_SMALL, i == cur ? p->on_primary : p->muted,
					UI_TEXT_CENTER | UI_TEXT_MIDDLE);
		}
		ui_label_create(root, (struct ui_rect){ x + d + gap, y, w[i] - d - gap, d }, ui_tr(c, names[i]),
				UI_FONT_BOLD, i == cur ? p->text : p->muted, UI_TEXT_MIDDLE);
		if (i < 2)
			ui_box_create(root, (struct ui_rect){ x + w[i] + ui_px(th, 12), y + d / 2 - 1,
							      sep - ui_px(th, 24), 2 },
				      p->border, 0);
		x += w[i] + sep;
	}
}

void ui_writing_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	const struct core_snapshot *s = c->snap;
	struct ui_rect a = ui_chrome_customer(root, c, 3);
	int sz = ui_px(th, 120), bw = ui_px(th, 960), bx = (th->w - bw) / 2, y = a.y;
	int lt = ui_line_h(c, UI_FONT_TITLE), ll = ui_line_h(c, UI_FONT_LEAD);
	unsigned pct = s->progress.percent > 100 ? 100 : s->progress.percent;
	struct ui_widget *disc, *ic;
	char buf[128], num[16];
	int banner_h = ui_banner_height(c, bw, NULL, ui_tr(c, S_WRITE_DONT)) + ui_px(th, 8);

	disc = ui_box_create(root, (struct ui_rect){ (th->w - sz) / 2, y, sz, sz }, p->selected, sz / 2);
	ic = ui_icon_create(disc, ui_rect_inset(disc->r, ui_px(th, 12), ui_px(th, 12)), UI_ICON_DISC,
			    p->primary);
	ic->angle = (double)((c->now_ms * 360 / 3000) % 360);
	y += sz + ui_px(th, 18);
	ui_label_create(root, (struct ui_rect){ a.x, y, a.w, lt }, ui_tr(c, S_WRITE_TITLE),
			UI_FONT_TITLE, p->text, UI_TEXT_CENTER);
	y += lt + ui_px(th, 24);
	snprintf(num, sizeof(num), "%u%%", pct);
	{
		int pw = ui_measure_w(c, num, UI_FONT_TITLE) + 4;

		ui_label_create(root, (struct ui_rect){ bx, y, bw - pw - ui_px(th, 16), lt },
				ui_tr(c, stage_str(s)), UI_FONT_LEAD, p->text, UI_TEXT_BOTTOM);
		ui_label_create(root, (struct ui_rect){ bx + bw - pw, y, pw, lt }, num, UI_FONT_TITLE,
				p->primary, UI_TEXT_RIGHT | UI_TEXT_BOTTOM);
	}
	y += lt + ui_px(th, 10);
	ui_progress_create(root, (struct ui_rect){ bx, y, bw, ui_px(th, 40) }, (int)pct * 10);
	y += ui_px(th, 40) + ui_px(th, 14);
	eta_text(c, buf, sizeof(buf));
	ui_icon_create(root, (struct ui_rect){ bx, y + (ll - ui_px(th, 28)) / 2, ui_px(th, 28), ui_px(th, 28) },
		       UI_ICON_CLOCK, p->muted);
	ui_label_create(root, (struct ui_rect){ bx + ui_px(th, 38), y, bw - ui_px(th, 38), ll }, buf,
			UI_FONT_LEAD, p->muted, 0);
	phases(root, c, y + ll + ui_px(th, 26));
	ui_banner_create(root, (struct ui_rect){ bx, a.y + a.h - banner_h, bw, banner_h }, c,
			 UI_TONE_WARNING, UI_ICON_WARNING, NULL, ui_tr(c, S_WRITE_DONT));
}

/*
 * Done: a check, the headline, two cards (disc, receipt), and when the
 * order is not paid the amount and where to pay.  Heights are measured;
 * when large text needs the room, the check mark goes first.
 */
void ui_done_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	const struct core_snapshot *s = c->snap;
	struct ui_rect a = ui_chrome_customer(root, c, 4);
	int sz = ui_px(th, 96), y = a.y, ld = ui_line_h(c, UI_FONT_DISPLAY), gap = ui_px(th, 18);
	int bh = th->button_h, by = a.y + a.h - bh, cw = (a.w - th->gap) / 2, isz = ui_px(th, 64);
	int tw = cw - isz - ui_px(th, 68), ch = 0, pay_h = 0;
	bool pay = s->has_order && (!s->order.prepaid || s->msg == CORE_MSG_PAY_AT_REGISTER);
	char price[48], title[96];
	/* no receipt could be printed: the card says so, and to ask staff */
	bool no_receipt = s->periph.receipt_failed;
	const struct {
		enum ui_icon icon;
		enum ui_str text;
		bool bad;
	} cards[2] = { { UI_ICON_DISC, S_DONE_DISC, false },
		       { UI_ICON_RECEIPT, no_receipt ? S_DONE_NO_RECEIPT : S_DONE_RECEIPT, no_receipt } };

	for (int i = 0; i < 2; i++) {
		int w, h;

		ui_text_measure(c->text, ui_tr(c, cards[i].text), UI_FONT_LEAD, tw, &w, &h);
		h += 2 * ui_px(th, 22);
		ch = h > ch ? h : ch;
	}
	if (ch < isz + 2 * ui_px(th, 22))
		ch = isz + 2 * ui_px(th, 22);
	if (pay) {
		ui_format_price(price, sizeof(price), s->order.price, s->order.currency);
		ui_fmt(title, sizeof(title), ui_tr(c, S_DONE_PAY_TITLE), price, NULL);
		pay_h = ui_banner_height(c, a.w, title, ui_tr(c, S_DONE_PAY)) + gap;
	}
	while (sz && y + sz + gap + ld + gap + ch + gap + pay_h > by)
		sz = sz > ui_px(th, 64) ? ui_px(th, 64) : 0;
	if (sz) {
		struct ui_widget *ok = ui_box_create(root, (struct ui_rect){ (th->w - sz) / 2, y, sz, sz },
						     p->success, sz / 2);

		ui_icon_create(ok, ui_rect_inset(ok->r, ui_px(th, 20), ui_px(th, 20)), UI_ICON_CHECK,
			       p->on_primary);
		y += sz + ui_px(th, 8);
	}
	ui_label_create(root, (struct ui_rect){ a.x, y, a.w, ld }, ui_tr(c, S_DONE_TITLE),
			UI_FONT_DISPLAY, p->text, UI_TEXT_CENTER);
	y += ld + gap;
	for (int i = 0; i < 2; i++) {
		int x = a.x + i * (cw + th->gap);
		struct ui_widget *card = ui_card_create(root, (struct ui_rect){ x, y, cw, ch });
		struct ui_widget *d = ui_box_create(card, (struct ui_rect){ x + ui_px(th, 24), y + (ch - isz) / 2,
									    isz, isz },
						    cards[i].bad ? p->danger_bg : p->success_bg, isz / 2);

		ui_icon_create(d, ui_rect_inset(d->r, ui_px(th, 14), ui_px(th, 14)), cards[i].icon,
			       cards[i].bad ? p->danger : p->success);
		ui_label_create(card, (struct ui_rect){ x + isz + ui_px(th, 44), y, tw, ch },
				ui_tr(c, cards[i].text), UI_FONT_LEAD, p->text,
				UI_TEXT_WRAP | UI_TEXT_MIDDLE);
	}
	y += ch + gap;
	if (pay)
		ui_banner_create(root, (struct ui_rect){ a.x, y, a.w, pay_h - gap }, c, UI_TONE_WARNING,
				 UI_ICON_RECEIPT, title, ui_tr(c, S_DONE_PAY));
	{
		int fw = ui_px(th, 400), qh, qw;

		ui_text_measure(c->text, ui_tr(c, S_DONE_THANKS), UI_FONT_LEAD, a.w - fw - gap, &qw, &qh);
		if (qh <= bh)
			ui_label_create(root, (struct ui_rect){ a.x, by, a.w - fw - gap, bh },
					ui_tr(c, S_DONE_THANKS), UI_FONT_LEAD, p->muted,
					UI_TEXT_MIDDLE | UI_TEXT_WRAP);
		ui_button_create(root, (struct ui_rect){ a.x + a.w - fw, by, fw, bh }, ui_tr(c, S_DONE_FINISH),
				 UI_ICON_CHECK, UI_BTN_PRIMARY, ui_act(UI_ACT_END, 0));
	}
}
