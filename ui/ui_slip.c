// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_slip: the payment slip is issued — what to take to the register, how
 * much, until when, and what to do after paying.
 *
 * The core has stored the slip before printing it, so the order is waiting
 * for payment whether the slip came out of the printer or not: the message
 * (CORE_MSG_SLIP_PRINTED or SLIP_NOT_PRINTED) says which, and the order ID
 * is large enough to read out to staff when there is no slip to hand over.
 * The only way on is back to the start; the customer comes back with the
 * code once staff confirmed the payment.
 */
#include "ui_screen.h"

#include <stdio.h>

#include "receipt.h"

void ui_slip_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	const struct core_snapshot *s = c->snap;
	const struct core_order_view *o = &s->order;
	bool printed = s->msg == CORE_MSG_SLIP_PRINTED;
	const struct ui_msg_text *m =
		ui_msg(c->lang, printed ? CORE_MSG_SLIP_PRINTED : CORE_MSG_SLIP_NOT_PRINTED);
	enum ui_tone tone = printed ? UI_TONE_INFO : UI_TONE_WARNING;
	struct ui_rect a = ui_chrome_customer(root, c, 1);
	int isz = ui_px(th, 120), x = a.x + isz + ui_px(th, 40), w = a.x + a.w - x, y = a.y, h, tw;
	int bh = th->button_h, by = a.y + a.h - bh, lw = ui_px(th, 300);
	int rh = ui_line_h(c, UI_FONT_TITLE) + ui_px(th, 8);
	char price[48], until[17], line[160];
	struct ui_widget *d;

	d = ui_box_create(root, (struct ui_rect){ a.x, a.y, isz, isz }, ui_tone_bg(c, tone), isz / 2);
	ui_icon_create(d, ui_rect_inset(d->r, ui_px(th, 26), ui_px(th, 26)),
		       printed ? UI_ICON_RECEIPT : UI_ICON_WARNING, ui_tone_fg(c, tone));
	ui_text_measure(c->text, m->title, UI_FONT_TITLE, w, &tw, &h);
	ui_label_create(root, (struct ui_rect){ x, y, w, h }, m->title, UI_FONT_TITLE, p->text,
			UI_TEXT_WRAP);
	y += h + ui_px(th, 10);
	ui_text_measure(c->text, m->what, UI_FONT_LEAD, w, &tw, &h);
	ui_label_create(root, (struct ui_rect){ x, y, w, h }, m->what, UI_FONT_LEAD, p->text,
			UI_TEXT_WRAP);
	y += h + ui_px(th, 24);

	/* amount, valid until, order: what the register needs */
	ui_format_price(price, sizeof(price), o->slip_amount, o->currency);
	receipt_time_format((time_t)o->slip_valid_until, until);
	ui_label_create(root, (struct ui_rect){ x, y, lw, rh }, ui_tr(c, S_SLIP_AMOUNT),
			UI_FONT_LEAD, p->muted, UI_TEXT_MIDDLE);
	ui_label_create(root, (struct ui_rect){ x + lw, y, w - lw, rh }, price, UI_FONT_TITLE,
			p->text, UI_TEXT_MIDDLE);
	y += rh;
	ui_label_create(root, (struct ui_rect){ x, y, lw, rh }, ui_tr(c, S_SLIP_VALID_UNTIL),
			UI_FONT_LEAD, p->muted, UI_TEXT_MIDDLE);
	ui_label_create(root, (struct ui_rect){ x + lw, y, w - lw, rh }, until, UI_FONT_LEAD, p->text,
			UI_TEXT_MIDDLE | UI_TEXT_DATA);
	y += rh;
	ui_label_create(root, (struct ui_rect){ x, y, lw, rh }, ui_tr(c, S_SLIP_ORDER), UI_FONT_LEAD,
			p->muted, UI_TEXT_MIDDLE);
	ui_label_create(root, (struct ui_rect){ x + lw, y, w - lw, rh }, o->id, UI_FONT_TITLE,
			p->text, UI_TEXT_MIDDLE | UI_TEXT_DATA);
	y += rh + ui_px(th, 20);

	snprintf(line, sizeof(line), "%s", m->next);
	ui_text_measure(c->text, line, UI_FONT_BODY, w - ui_px(th, 96), &tw, &h);
	h += 2 * ui_px(th, 20);
	if (h < ui_px(th, 84))
		h = ui_px(th, 84);
	if (y + h <= by - ui_px(th, 10))
		ui_banner_create(root, (struct ui_rect){ x, y, w, h }, c, UI_TONE_INFO,
				 UI_ICON_ARROW_RIGHT, NULL, line);
	ui_button_create(root, (struct ui_rect){ a.x, by, ui_px(th, 320), bh }, ui_tr(c, S_HELP),
			 UI_ICON_PERSON, UI_BTN_SECONDARY, ui_act(UI_ACT_HELP, 0));
	ui_button_create(root, (struct ui_rect){ a.x + a.w - ui_px(th, 460), by, ui_px(th, 460), bh },
			 ui_tr(c, S_ERR_BACK_START), UI_ICON_ARROW_LEFT, UI_BTN_PRIMARY,
			 ui_act(UI_ACT_END, 0));
}
