// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_disc: "insert a blank disc", and what was wrong with the one inserted.
 *
 * The blank needed (CD-R or DVD-R) is the largest thing on the screen.  A
 * refused disc (SESSION_MEDIA_REFUSED) adds a banner that says plainly what
 * is wrong and what to insert instead; the drive is polled by the core, the
 * button is there for customers who want to say "done".
 */
#include "ui_screen.h"

#include <stdio.h>

static const enum ui_str step_str[3] = { S_DISC_STEP1, S_DISC_STEP2, S_DISC_STEP3 };

/* How to insert a disc, as three numbered lines in a card. */
static int step_h(const struct ui_ctx *c, int w, int i)
{
	int tw, h, d = ui_px(c->th, 40);

	ui_text_measure(c->text, ui_tr(c, step_str[i]), UI_FONT_LEAD,
			w - 2 * ui_px(c->th, 24) - d - ui_px(c->th, 18), &tw, &h);
	return (h > d ? h : d) + ui_px(c->th, 14);
}

static int steps_h(const struct ui_ctx *c, int w)
{
	int h = 2 * ui_px(c->th, 16);

	for (int i = 0; i < 3; i++)
		h += step_h(c, w, i);
	return h;
}

static void steps(struct ui_widget *root, const struct ui_ctx *c, struct ui_rect r)
{
	const struct ui_theme *th = c->th;
	int pad = ui_px(th, 24), d = ui_px(th, 40), y = r.y + ui_px(th, 16) + ui_px(th, 7);

	ui_card_create(root, r);
	for (int i = 0; i < 3; i++) {
		int h = step_h(c, r.w, i) - ui_px(th, 14);
		struct ui_widget *dot = ui_box_create(root, (struct ui_rect){ r.x + pad, y + (h - d) / 2, d, d },
						      th->c.primary, d / 2);
		char num[12];

		snprintf(num, sizeof(num), "%d", i + 1);
		ui_label_create(dot, dot->r, num, UI_FONT_BOLD, th->c.on_primary,
				UI_TEXT_CENTER | UI_TEXT_MIDDLE);
		ui_label_create(root, (struct ui_rect){ r.x + pad + d + ui_px(th, 18), y,
							r.w - 2 * pad - d - ui_px(th, 18), h },
				ui_tr(c, step_str[i]), UI_FONT_LEAD, th->c.text,
				UI_TEXT_WRAP | UI_TEXT_MIDDLE);
		y += h + ui_px(th, 14);
	}
}

void ui_disc_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	const struct core_snapshot *s = c->snap;
	const char *blank = ui_blank_for(s->order.media);
	struct ui_rect a = ui_chrome_customer(root, c, 2);
	int bh = th->button_h, by = a.y + a.h - bh, iw = ui_px(th, 380);
	int x = a.x + iw + ui_px(th, 40), w = a.x + a.w - x, y = a.y, h, tw;
	int circle = ui_px(th, 300);
	struct ui_widget *b, *disc;
	char buf[720], title[128];

	disc = ui_box_create(root, (struct ui_rect){ a.x + (iw - circle) / 2, a.y + ui_px(th, 10), circle, circle },
			     p->selected, circle / 2);
	ui_icon_create(disc, ui_rect_inset(disc->r, ui_px(th, 40), ui_px(th, 40)), UI_ICON_DISC,
		       p->primary);
	ui_label_create(root, (struct ui_rect){ a.x, a.y + circle + ui_px(th, 20), iw, ui_line_h(c, UI_FONT_DISPLAY) },
			blank, UI_FONT_DISPLAY, p->text, UI_TEXT_CENTER);

	ui_fmt(title, sizeof(title), ui_tr(c, S_DISC_TITLE), blank, NULL);
	ui_text_measure(c->text, title, UI_FONT_TITLE, w, &tw, &h);
	ui_label_create(root, (struct ui_rect){ x, y, w, h }, title, UI_FONT_TITLE, p->text,
			UI_TEXT_WRAP);
	y += h + ui_px(th, 10);
	buf[0] = '\0';
	if (s->stage == SESSION_MEDIA_REFUSED && s->msg != CORE_MSG_NONE) {
		const struct ui_msg_text *m = ui_msg(c->lang, s->msg);
		char what[256], next[256];

		ui_fmt(what, sizeof(what), m->what, blank, NULL);
		ui_fmt(next, sizeof(next), m->next, blank, NULL);
		if (s->drive.present && s->drive.disc != BURNER_MEDIA_NONE && s->drive.profile[0] &&
		    s->msg != CORE_MSG_NO_DISC) {
			char in[160];

			ui_fmt(in, sizeof(in), ui_tr(c, S_DISC_IN_DRIVE), s->drive.profile, NULL);
			snprintf(buf, sizeof(buf), "%s%s%s\n%s", what, c->lang == UI_LANG_JA ? "" : " ",
				 next, in);
		} else {
			snprintf(buf, sizeof(buf), "%s%s%s", what, c->lang == UI_LANG_JA ? "" : " ", next);
		}
	}
	{
		/* What is wrong with the disc matters more than how to insert
		 * one: the instructions give way when both do not fit. */
		int bottom = by - ui_px(th, 24) - ui_line_h(c, UI_FONT_BODY) - ui_px(th, 16);
		int pad = ui_px(th, 20), bh_ = 0, body_h;

		if (buf[0]) {
			ui_text_measure(c->text, buf, UI_FONT_BODY,
					w - 2 * pad - ui_px(th, 56), &tw, &bh_);
			bh_ += 2 * pad + ui_line_h(c, UI_FONT_BOLD) + ui_px(th, 6);
		}
		body_h = steps_h(c, w);
		if (!buf[0] || y + body_h + ui_px(th, 16) + bh_ <= bottom) {
			steps(root, c, (struct ui_rect){ x, y, w, body_h });
			y += body_h + ui_px(th, 16);
		}
		if (buf[0])
			ui_banner_create(root, (struct ui_rect){ x, y, w, bottom - y > bh_ ? bh_ : bottom - y },
					 c, s->msg == CORE_MSG_NO_DISC ? UI_TONE_WARNING : UI_TONE_DANGER,
					 UI_ICON_WARNING, ui_msg(c->lang, s->msg)->title, buf);
	}
	ui_icon_create(root, (struct ui_rect){ x, by - ui_px(th, 24) - ui_line_h(c, UI_FONT_BODY) + ui_px(th, 4),
					       ui_px(th, 28), ui_px(th, 28) },
		       UI_ICON_INFO, p->muted);
	ui_label_create(root, (struct ui_rect){ x + ui_px(th, 38), by - ui_px(th, 24) - ui_line_h(c, UI_FONT_BODY),
						w - ui_px(th, 38), ui_line_h(c, UI_FONT_BODY) },
			ui_tr(c, S_DISC_SOLD), UI_FONT_BODY, p->muted, 0);
	ui_button_create(root, (struct ui_rect){ a.x, by, ui_px(th, 260), bh }, ui_tr(c, S_CANCEL),
			 UI_ICON_CLOSE, UI_BTN_SECONDARY, ui_act(UI_ACT_END, 0));
	b = ui_button_create(root, (struct ui_rect){ x, by, w, bh },
			     ui_tr(c, c->nav->busy ? S_DISC_CHECKING : S_DISC_INSERTED), UI_ICON_CHECK,
			     UI_BTN_PRIMARY, ui_act(UI_ACT_DISC_INSERTED, 0));
	if (c->nav->busy)
		b->flags |= UI_WF_BUSY;
}
