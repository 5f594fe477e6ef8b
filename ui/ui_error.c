// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_error: something went wrong — said the way a customer can act on it.
 *
 * Every CORE_MSG has a title, what happened and the next step (ui_i18n);
 * every error screen also offers "call staff" and shows a short reference
 * (the message number and the order id) the staff member can look up.
 * After a ruined blank (write or verify failed) the order is still
 * claimed, so the primary action is to try another disc; it sends
 * INTENT_CONFIRM_ORDER, which takes the core back to WAITING_DISC.
 */
#include "ui_screen.h"

#include <stdio.h>

void ui_error_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	const struct core_snapshot *s = c->snap;
	enum core_msg msg = s->msg == CORE_MSG_NONE ? CORE_MSG_INTERNAL : s->msg;
	const struct ui_msg_text *m = ui_msg(c->lang, msg);
	const char *blank = ui_blank_for(s->has_order ? s->order.media : MEDIA_AUDIO_CD);
	bool retry = s->has_order && (msg == CORE_MSG_WRITE_FAILED || msg == CORE_MSG_VERIFY_FAILED);
	struct ui_rect a = ui_chrome_customer(root, c, s->stage == SESSION_FAILED && s->has_order ? 3 : 0);
	int isz = ui_px(th, 120), x = a.x + isz + ui_px(th, 40), w = a.x + a.w - x, y = a.y, h, tw;
	int bh = th->button_h, by = a.y + a.h - bh, gap = th->gap;
	char what[256], next[256], ref[160], code[96];
	struct ui_widget *d, *b;

	/* An order that cannot be had (yet) is not a fault: amber, not red. */
	{
		bool order_msg = msg == CORE_MSG_ORDER_NOT_READY || msg == CORE_MSG_ORDER_EXPIRED ||
				 msg == CORE_MSG_ORDER_UNAVAILABLE || msg == CORE_MSG_AWAITING_PAYMENT;
		enum ui_tone tone = order_msg ? UI_TONE_WARNING : UI_TONE_DANGER;

		d = ui_box_create(root, (struct ui_rect){ a.x, a.y, isz, isz }, ui_tone_bg(c, tone),
				  isz / 2);
		ui_icon_create(d, ui_rect_inset(d->r, ui_px(th, 26), ui_px(th, 26)),
			       msg == CORE_MSG_ORDER_NOT_READY ? UI_ICON_CLOCK :
			       order_msg ? UI_ICON_INFO : UI_ICON_WARNING,
			       ui_tone_fg(c, tone));
	}
	ui_text_measure(c->text, m->title, UI_FONT_TITLE, w, &tw, &h);
	ui_label_create(root, (struct ui_rect){ x, y, w, h }, m->title, UI_FONT_TITLE, p->text,
			UI_TEXT_WRAP);
	y += h + ui_px(th, 10);
	ui_fmt(what, sizeof(what), m->what, blank, NULL);
	ui_text_measure(c->text, what, UI_FONT_LEAD, w, &tw, &h);
	ui_label_create(root, (struct ui_rect){ x, y, w, h }, what, UI_FONT_LEAD, p->text, UI_TEXT_WRAP);
	y += h + ui_px(th, 20);
	ui_fmt(next, sizeof(next), m->next, blank, NULL);
	ui_text_measure(c->text, next, UI_FONT_BODY, w - ui_px(th, 96), &tw, &h);
	h += 2 * ui_px(th, 20);
	if (h < ui_px(th, 84))
		h = ui_px(th, 84);
	ui_banner_create(root, (struct ui_rect){ x, y, w, h }, c, UI_TONE_INFO, UI_ICON_ARROW_RIGHT,
			 NULL, next);
	y += h + ui_px(th, 16);
	if (s->has_order && s->order.id[0])
		snprintf(code, sizeof(code), "E%02d \xc2\xb7 %s", (int)msg, s->order.id);
	else
		snprintf(code, sizeof(code), "E%02d", (int)msg);
	ui_fmt(ref, sizeof(ref), ui_tr(c, S_ERR_REF), code, NULL);
	ui_label_create(root, (struct ui_rect){ x, y, w, ui_line_h(c, UI_FONT_SMALL) }, ref,
			UI_FONT_SMALL, p->muted, UI_TEXT_DATA);
	y += ui_line_h(c, UI_FONT_SMALL) + ui_px(th, 4);
	if (y + ui_line_h(c, UI_FONT_SMALL) * 2 < by - ui_px(th, 10))
		ui_label_create(root, (struct ui_rect){ x, y, w, by - y - ui_px(th, 10) },
				ui_tr(c, S_ERR_STAFF_HINT), UI_FONT_SMALL, p->muted, UI_TEXT_WRAP);

	ui_button_create(root, (struct ui_rect){ a.x, by, ui_px(th, 320), bh }, ui_tr(c, S_HELP),
			 UI_ICON_PERSON, UI_BTN_SECONDARY, ui_act(UI_ACT_HELP, 0));
	if (retry) {
		int bw = (a.w - ui_px(th, 320) - 2 * gap) / 2;

		ui_button_create(root, (struct ui_rect){ a.x + ui_px(th, 320) + gap, by, bw, bh },
				 ui_tr(c, S_ERR_BACK_START), UI_ICON_ARROW_LEFT, UI_BTN_SECONDARY,
				 ui_act(UI_ACT_END, 0));
		b = ui_button_create(root, (struct ui_rect){ a.x + a.w - bw, by, bw, bh },
				     ui_tr(c, S_ERR_TRY_DISC), UI_ICON_DISC, UI_BTN_PRIMARY,
				     ui_act(UI_ACT_TRY_DISC, 0));
		if (c->nav->busy)
			b->flags |= UI_WF_BUSY;
	} else {
		ui_button_create(root, (struct ui_rect){ a.x + a.w - ui_px(th, 460), by, ui_px(th, 460), bh },
				 ui_tr(c, S_ERR_BACK_START), UI_ICON_ARROW_LEFT, UI_BTN_PRIMARY,
				 ui_act(UI_ACT_END, 0));
	}
}
