// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_attract: the screen a passer-by sees — what the kiosk does, the three
 * steps, and one unmistakable "touch to start".  The whole screen starts
 * (a full-screen touch target under everything); the language and text
 * size buttons sit above it.  The hidden staff gesture is an invisible
 * target in the top-left corner: press and hold for UI_STAFF_HOLD_MS.
 *
 * Layout is measured top-down (headline, lead, step cards) and the start
 * button is pinned to the bottom; when large text leaves no room, the
 * lead line is the part that goes.
 */
#include "ui_screen.h"

#include <stdio.h>

struct step_card {
	enum ui_str title, body;
	enum ui_icon icon;
};

static const struct step_card steps[3] = {
	{ S_ATTRACT_STEP1_T, S_ATTRACT_STEP1_B, UI_ICON_KEYPAD },
	{ S_ATTRACT_STEP2_T, S_ATTRACT_STEP2_B, UI_ICON_DISC },
	{ S_ATTRACT_STEP3_T, S_ATTRACT_STEP3_B, UI_ICON_RECEIPT },
};

/* Height a step card needs at width w. */
static int card_h(const struct ui_ctx *c, int w, const struct step_card *s, int *title_h)
{
	const struct ui_theme *th = c->th;
	int pad = ui_px(th, 24), circle = ui_px(th, 52), tw, bw, bh;

	ui_text_measure(c->text, ui_tr(c, s->title), UI_FONT_BUTTON, w - 2 * pad - circle - ui_px(th, 16),
			&tw, title_h);
	ui_text_measure(c->text, ui_tr(c, s->body), UI_FONT_BODY, w - 2 * pad, &bw, &bh);
	return pad + (*title_h > circle ? *title_h : circle) + ui_px(th, 12) + bh + pad;
}

static void number(struct ui_widget *parent, const struct ui_ctx *c, int x, int y, int d, int i)
{
	struct ui_widget *dot = ui_box_create(parent, (struct ui_rect){ x, y, d, d }, c->th->c.accent,
					      d / 2);
	char num[12];

	snprintf(num, sizeof(num), "%d", i + 1);
	ui_label_create(dot, dot->r, num, UI_FONT_TITLE, c->th->c.on_accent,
			UI_TEXT_CENTER | UI_TEXT_MIDDLE);
}

/* Three cards side by side: number and title, then the body. */
static void step_cards(struct ui_widget *root, const struct ui_ctx *c, int y, int ch)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	int m = th->margin, gap = th->gap, cw = (th->w - 2 * m - 2 * gap) / 3;
	int pad = ui_px(th, 24), circle = ui_px(th, 52);

	for (int i = 0; i < 3; i++) {
		int x = m + i * (cw + gap), tx = x + pad + circle + ui_px(th, 16), tw, t, top;
		struct ui_widget *card = ui_card_create(root, (struct ui_rect){ x, y, cw, ch });

		ui_text_measure(c->text, ui_tr(c, steps[i].title), UI_FONT_BUTTON, x + cw - pad - tx, &tw, &t);
		card->border = th->large ? p->border : p->surface;
		number(card, c, x + pad, y + pad, circle, i);
		ui_label_create(card, (struct ui_rect){ tx, y + pad + (t < circle ? (circle - t) / 2 : 0),
							x + cw - pad - tx, t },
				ui_tr(c, steps[i].title), UI_FONT_BUTTON, p->text, UI_TEXT_WRAP);
		top = y + pad + (t > circle ? t : circle) + ui_px(th, 12);
		ui_label_create(card, (struct ui_rect){ x + pad, top, cw - 2 * pad, y + ch - pad - top + 4 },
				ui_tr(c, steps[i].body), UI_FONT_BODY, p->muted, UI_TEXT_WRAP);
	}
}

/* One row per step: number, title, body — for large text. */
static int row_geom(const struct ui_ctx *c, int i, int *title_w, int *body_w)
{
	const struct ui_theme *th = c->th;
	int inner = th->w - 2 * th->margin - 2 * ui_px(th, 20) - ui_px(th, 52) - ui_px(th, 20);
	int w, th_, bh;

	*title_w = 0;
	for (int k = 0; k < 3; k++) {
		int t = ui_measure_w(c, ui_tr(c, steps[k].title), UI_FONT_BUTTON) + 4;

		*title_w = t > *title_w ? t : *title_w;
	}
	if (*title_w > inner * 9 / 20)
		*title_w = inner * 9 / 20;
	*body_w = inner - *title_w - ui_px(th, 40);
	ui_text_measure(c->text, ui_tr(c, steps[i].title), UI_FONT_BUTTON, *title_w, &w, &th_);
	ui_text_measure(c->text, ui_tr(c, steps[i].body), UI_FONT_BODY, *body_w, &w, &bh);
	w = th_ > bh ? th_ : bh;
	return (w > ui_px(th, 52) ? w : ui_px(th, 52)) + 2 * ui_px(th, 14);
}

static int rows_h(const struct ui_ctx *c)
{
	int h = 2 * c->th->gap / 2, tw, bw;

	for (int i = 0; i < 3; i++)
		h += row_geom(c, i, &tw, &bw) + (i ? c->th->gap / 2 : 0);
	return h;
}

static void step_rows(struct ui_widget *root, const struct ui_ctx *c, int top, int bottom)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	int m = th->margin, pad = ui_px(th, 20), d = ui_px(th, 52), tw, bw;
	int y = top + (bottom - top - rows_h(c)) / 2;

	for (int i = 0; i < 3; i++) {
		int h = row_geom(c, i, &tw, &bw), x = m + pad;
		struct ui_widget *card = ui_card_create(root, (struct ui_rect){ m, y, th->w - 2 * m, h });

		number(card, c, x, y + (h - d) / 2, d, i);
		x += d + ui_px(th, 20);
		ui_label_create(card, (struct ui_rect){ x, y, tw, h }, ui_tr(c, steps[i].title),
				UI_FONT_BUTTON, p->text, UI_TEXT_WRAP | UI_TEXT_MIDDLE);
		x += tw + ui_px(th, 40);
		ui_label_create(card, (struct ui_rect){ x, y, bw, h }, ui_tr(c, steps[i].body),
				UI_FONT_BODY, p->muted, UI_TEXT_WRAP | UI_TEXT_MIDDLE);
		y += h + th->gap / 2;
	}
}

void ui_attract_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	int m = th->margin, gap = th->gap, cw = (th->w - 2 * m - 2 * gap) / 3;
	int btn_h = ui_px(th, 112), btn_y = th->h - m - btn_h;
	int title_h, lead_h, w, ch = 0, y, tmax = 0, bw;
	bool lead = true, rows;
	struct ui_widget *bg, *b;

	bg = ui_box_create(root, (struct ui_rect){ 0, 0, th->w, th->h }, p->header, 0);
	bg->fill2 = th->large ? p->header : UI_RGB(0x1B4F8F);
	bg->flags |= UI_WF_GRADIENT;
	ui_touch_create(root, bg->r, ui_act(UI_ACT_START, 0));
	ui_chrome_customer(root, c, -2);

	ui_text_measure(c->text, ui_tr(c, S_ATTRACT_TITLE), UI_FONT_DISPLAY, th->w - 2 * m, &w, &title_h);
	ui_text_measure(c->text, ui_tr(c, S_ATTRACT_LEAD), UI_FONT_LEAD, th->w - 2 * m, &w, &lead_h);
	for (int i = 0; i < 3; i++) {
		int t, h = card_h(c, cw, &steps[i], &t);

		ch = h > ch ? h : ch;
		tmax = t > tmax ? t : tmax;
	}
	/* Titles that would wrap beside the number (large text): one row per
	 * step instead of three cards. */
	rows = tmax > ui_line_h(c, UI_FONT_BUTTON);
	if (rows)
		ch = rows_h(c);
	y = th->header_h + ui_px(th, 30);
	if (y + title_h + ui_px(th, 14) + lead_h + ui_px(th, 36) + ch > btn_y - ui_px(th, 30))
		lead = false;
	ui_label_create(root, (struct ui_rect){ m, y, th->w - 2 * m, title_h },
			ui_tr(c, S_ATTRACT_TITLE), UI_FONT_DISPLAY, p->on_header, UI_TEXT_WRAP);
	y += title_h + ui_px(th, 14);
	if (lead) {
		ui_label_create(root, (struct ui_rect){ m, y, th->w - 2 * m, lead_h },
				ui_tr(c, S_ATTRACT_LEAD), UI_FONT_LEAD, p->header_muted, UI_TEXT_WRAP);
		y += lead_h;
	}
	if (rows)
		step_rows(root, c, y, btn_y);
	else
		step_cards(root, c, y + (btn_y - y - ch) / 2, ch);
	{
		int need = ui_measure_w(c, ui_tr(c, S_TOUCH_TO_START), UI_FONT_TITLE) +
			   th->font[UI_FONT_TITLE].px * 6 / 5 + ui_px(th, 120);

		bw = need > ui_px(th, 680) ? need : ui_px(th, 680);
		if (bw > th->w - 2 * m)
			bw = th->w - 2 * m;
	}
	b = ui_button_create(root, (struct ui_rect){ (th->w - bw) / 2, btn_y, bw, btn_h },
			     ui_tr(c, S_TOUCH_TO_START), UI_ICON_ARROW_RIGHT, UI_BTN_ACCENT,
			     ui_act(UI_ACT_START, 0));
	b->radius = btn_h / 2;
	b->font = UI_FONT_TITLE;
	{
		int corner = ui_px(th, UI_STAFF_CORNER_PX);

		ui_touch_create(root, (struct ui_rect){ 0, 0, corner, corner },
				ui_act(UI_ACT_STAFF_CORNER, 0));
	}
}
