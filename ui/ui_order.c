// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_order: "is this your order?" — what will be written, for how much,
 * and on what.
 *
 * Left, a summary card: the media's pictogram, title and artist (manifest
 * text: shortened with "…" if it must be), track count and length or file
 * count and size, the price with paid / pay-at-the-register, and the
 * blank the customer needs.  Right, the contents as a scrolling list
 * (drag, or the arrow buttons, which appear only when the list is longer
 * than its box).  Below, Cancel and the one primary action.
 */
#include "ui_screen.h"

#include <stdio.h>
#include <string.h>

static int row_h(const struct ui_ctx *c, bool audio)
{
	int pad = ui_px(c->th, 14);

	return audio ? pad + ui_line_h(c, UI_FONT_BOLD) + ui_line_h(c, UI_FONT_SMALL) :
		       2 * pad + ui_line_h(c, UI_FONT_BODY);
}

static void item_row(struct ui_widget *list, const struct ui_ctx *c, const struct core_item *it,
		     unsigned i, bool audio, struct ui_rect r)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	int pad = ui_px(th, 7), nw = ui_px(th, 52), rw = ui_px(th, 110);
	int tx = r.x + nw + ui_px(th, 8), tw = r.w - nw - rw - ui_px(th, 36);
	char buf[32];

	if (i)
		ui_box_create(list, (struct ui_rect){ r.x, r.y, r.w - ui_px(th, 16), 1 }, p->border, 0);
	if (audio) {
		int lb = ui_line_h(c, UI_FONT_BOLD);

		snprintf(buf, sizeof(buf), "%02u", i + 1);
		ui_label_create(list, (struct ui_rect){ r.x, r.y + pad, nw, lb }, buf, UI_FONT_BOLD,
				p->muted, UI_TEXT_RIGHT);
		ui_label_create(list, (struct ui_rect){ tx + ui_px(th, 10), r.y + pad, tw, lb },
				it->title[0] ? it->title : it->name, UI_FONT_BOLD, p->text, UI_TEXT_DATA);
		ui_label_create(list, (struct ui_rect){ tx + ui_px(th, 10), r.y + pad + lb, tw,
							ui_line_h(c, UI_FONT_SMALL) },
				it->performer, UI_FONT_SMALL, p->muted, UI_TEXT_DATA);
		ui_format_duration(buf, sizeof(buf), it->duration_ms);
	} else {
		ui_icon_create(list, (struct ui_rect){ r.x + ui_px(th, 14), r.y + (r.h - ui_px(th, 30)) / 2,
						       ui_px(th, 30), ui_px(th, 30) },
			       UI_ICON_DOCUMENT, p->muted);
		ui_label_create(list, (struct ui_rect){ tx + ui_px(th, 10), r.y, tw, r.h }, it->name,
				UI_FONT_BODY, p->text, UI_TEXT_MIDDLE | UI_TEXT_DATA);
		ui_format_bytes(buf, sizeof(buf), it->size);
	}
	ui_label_create(list, (struct ui_rect){ r.x + r.w - rw - ui_px(th, 24), r.y, rw, r.h }, buf,
			UI_FONT_BODY, p->muted, UI_TEXT_RIGHT | UI_TEXT_MIDDLE);
}

static void contents(struct ui_widget *root, const struct ui_ctx *c, struct ui_rect r)
{
	const struct ui_theme *th = c->th;
	const struct core_order_view *o = &c->snap->order;
	bool audio = o->media == MEDIA_AUDIO_CD;
	unsigned n = o->item_count < CORE_MAX_ITEMS ? o->item_count : CORE_MAX_ITEMS;
	int pad = ui_px(th, 24), hh = th->touch_min, rh = row_h(c, audio);
	struct ui_rect lr = { r.x + pad, r.y + hh + ui_px(th, 14), r.w - 2 * pad,
			      r.h - hh - ui_px(th, 14) - ui_px(th, 8) };
	struct ui_widget *list;

	ui_card_create(root, r);
	ui_label_create(root, (struct ui_rect){ r.x + pad, r.y + ui_px(th, 8), r.w / 2, hh },
			ui_tr(c, S_ORDER_CONTENTS), UI_FONT_LEAD, th->c.text, UI_TEXT_MIDDLE);
	list = ui_list_create(root, lr, UI_SCROLL_ITEMS, c->nav->scroll[UI_SCROLL_ITEMS],
			      (int)n * rh);
	if ((int)n * rh > lr.h) {
		int bw = th->touch_min + ui_px(th, 20);
		struct ui_widget *b;

		b = ui_button_create(root, (struct ui_rect){ r.x + r.w - pad - bw, r.y + ui_px(th, 10), bw, hh },
				     "", UI_ICON_CHEVRON_DOWN, UI_BTN_SECONDARY,
				     ui_act(UI_ACT_SCROLL_DOWN, UI_SCROLL_ITEMS));
		if (list->scroll >= list->content_h - lr.h)
			b->flags |= UI_WF_DISABLED;
		b = ui_button_create(root, (struct ui_rect){ r.x + r.w - pad - 2 * bw - ui_px(th, 12),
							     r.y + ui_px(th, 10), bw, hh },
				     "", UI_ICON_CHEVRON_UP, UI_BTN_SECONDARY,
				     ui_act(UI_ACT_SCROLL_UP, UI_SCROLL_ITEMS));
		if (list->scroll <= 0)
			b->flags |= UI_WF_DISABLED;
	}
	for (unsigned i = 0; i < n; i++) {
		struct ui_rect rr;

		if (ui_list_slot(list, (int)i * rh, rh, &rr))
			item_row(list, c, &o->items[i], i, audio, rr);
	}
}

/* The price block at the bottom of the summary card; returns its top. */
static int price_block(struct ui_widget *root, const struct ui_ctx *c, int x, int w, int bottom)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	const struct core_order_view *o = &c->snap->order;
	int nh = ui_line_h(c, UI_FONT_BOLD), ph = ui_line_h(c, UI_FONT_TITLE), pw, tw, note_h;
	char line[128], price[48];

	ui_fmt(line, sizeof(line), ui_tr(c, S_ORDER_NEED), ui_blank_for(o->media), NULL);
	ui_icon_create(root, (struct ui_rect){ x, bottom - nh + (nh - ui_px(th, 30)) / 2, ui_px(th, 30),
					       ui_px(th, 30) },
		       UI_ICON_DISC, p->primary);
	ui_label_create(root, (struct ui_rect){ x + ui_px(th, 42), bottom - nh, w - ui_px(th, 42), nh },
			line, UI_FONT_BOLD, p->text, UI_TEXT_MIDDLE);
	bottom -= nh + ui_px(th, 12);
	if (!o->paid) {
		enum ui_str note = o->pay_first ? S_ORDER_PAY_FIRST : S_ORDER_PAY_REGISTER;

		ui_text_measure(c->text, ui_tr(c, note), UI_FONT_SMALL, w, &tw, &note_h);
		ui_label_create(root, (struct ui_rect){ x, bottom - note_h, w, note_h },
				ui_tr(c, note), UI_FONT_SMALL,
				th->large ? p->text : p->warning, UI_TEXT_WRAP);
		bottom -= note_h + ui_px(th, 4);
	}
	ui_format_price(price, sizeof(price), o->price, o->currency);
	pw = ui_measure_w(c, price, UI_FONT_TITLE) + 4;
	ui_label_create(root, (struct ui_rect){ x, bottom - ph, pw, ph }, price, UI_FONT_TITLE, p->text,
			UI_TEXT_MIDDLE);
	ui_pill_create(root, x + pw + ui_px(th, 16), bottom - ph + (ph - ui_px(th, 40)) / 2,
		       ui_px(th, 40), ui_tr(c, o->prepaid ? S_ORDER_PREPAID :
					       o->paid ? S_ORDER_PAID_REGISTER : S_ORDER_UNPAID),
		       o->paid ? UI_TONE_SUCCESS : UI_TONE_WARNING, c);
	bottom -= ph + ui_px(th, 10);
	ui_box_create(root, (struct ui_rect){ x, bottom, w, 1 }, p->border, 0);
	return bottom;
}

/*
 * Top down: pictogram and media, title, artist, count and length; bottom
 * up: the price block.  The title gets what is left between them — two
 * lines, or one when the price block needs the room (unpaid, large text).
 */
static void summary(struct ui_widget *root, const struct ui_ctx *c, struct ui_rect r)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	const struct core_order_view *o = &c->snap->order;
	bool audio = o->media == MEDIA_AUDIO_CD;
	int pad = ui_px(th, 26), isz = ui_px(th, 60), x = r.x + pad, w = r.w - 2 * pad, y = r.y + pad;
	int lt = ui_line_h(c, UI_FONT_TITLE), ll = ui_line_h(c, UI_FONT_LEAD);
	int lb = ui_line_h(c, UI_FONT_BODY), top, room, th_, tw;
	uint64_t ms = 0;
	char count[16], total[32], line[128];
	unsigned n = o->item_count < CORE_MAX_ITEMS ? o->item_count : CORE_MAX_ITEMS;
	struct ui_widget *disc;

	ui_card_create(root, r);
	top = price_block(root, c, x, w, r.y + r.h - pad);
	disc = ui_box_create(root, (struct ui_rect){ x, y, isz, isz }, p->selected, isz / 2);
	ui_icon_create(disc, ui_rect_inset(disc->r, ui_px(th, 14), ui_px(th, 14)),
		       audio ? UI_ICON_MUSIC : UI_ICON_FILM, p->primary);
	ui_pill_create(root, x + isz + ui_px(th, 16), y + (isz - ui_px(th, 40)) / 2, ui_px(th, 40),
		       ui_media_str(c->lang, o->media), UI_TONE_INFO, c);
	y += isz + ui_px(th, 14);
	room = top - ui_px(th, 12) - y - ll - lb;
	ui_text_measure(c->text, o->title, UI_FONT_TITLE, w, &tw, &th_);
	if (th_ <= room && th_ <= 2 * lt) {
		ui_label_create(root, (struct ui_rect){ x, y, w, th_ }, o->title, UI_FONT_TITLE,
				p->text, UI_TEXT_WRAP);
	} else {
		/* A long title: a size smaller, as many lines as there is room. */
		int lbt = ui_line_h(c, UI_FONT_BUTTON);

		ui_text_measure(c->text, o->title, UI_FONT_BUTTON, w, &tw, &th_);
		if (th_ > room)
			th_ = room > lbt ? room : lbt;
		ui_label_create(root, (struct ui_rect){ x, y, w, th_ }, o->title, UI_FONT_BUTTON,
				p->text, UI_TEXT_WRAP | UI_TEXT_DATA);
	}
	y += th_;
	ui_label_create(root, (struct ui_rect){ x, y, w, ll }, o->artist, UI_FONT_LEAD, p->muted,
			UI_TEXT_DATA);
	y += ll;
	for (unsigned i = 0; i < n; i++)
		ms += o->items[i].duration_ms;
	snprintf(count, sizeof(count), "%u", o->item_count);
	if (audio)
		ui_format_duration(total, sizeof(total), ms);
	else
		ui_format_bytes(total, sizeof(total), o->total_bytes);
	ui_fmt(line, sizeof(line),
	       ui_tr(c, audio ? (o->item_count == 1 ? S_ORDER_ONE_TRACK : S_ORDER_TRACKS) :
				(o->item_count == 1 ? S_ORDER_ONE_FILE : S_ORDER_FILES)),
	       count, total);
	ui_label_create(root, (struct ui_rect){ x, y, w, lb }, line, UI_FONT_BODY, p->muted, 0);
}

void ui_order_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	struct ui_rect a = ui_chrome_customer(root, c, 1);
	int bh = th->button_h, by = a.y + a.h - bh, lw = ui_px(th, 500);
	int ph = by - a.y - ui_px(th, 24);
	struct ui_widget *b;
	char title[128];

	snprintf(title, sizeof(title), "%s", ui_tr(c, S_ORDER_TITLE));
	summary(root, c, (struct ui_rect){ a.x, a.y, lw, ph });
	contents(root, c, (struct ui_rect){ a.x + lw + th->gap, a.y, a.w - lw - th->gap, ph });
	ui_button_create(root, (struct ui_rect){ a.x, by, ui_px(th, 260), bh }, ui_tr(c, S_CANCEL),
			 UI_ICON_CLOSE, UI_BTN_SECONDARY, ui_act(UI_ACT_END, 0));
	{
		int qw = a.w - ui_px(th, 280) - ui_px(th, 540), qh, tw;

		ui_text_measure(c->text, title, UI_FONT_LEAD, qw, &tw, &qh);
		if (qh <= bh)
			ui_label_create(root, (struct ui_rect){ a.x + ui_px(th, 280), by, qw, bh },
					title, UI_FONT_LEAD, th->c.muted, UI_TEXT_MIDDLE | UI_TEXT_WRAP);
	}
	/* the core says whether it must be paid first (pay_before_write) */
	if (c->snap->order.pay_first)
		b = ui_button_create(root,
				     (struct ui_rect){ a.x + a.w - ui_px(th, 520), by, ui_px(th, 520), bh },
				     ui_tr(c, S_ORDER_PRINT_SLIP), UI_ICON_RECEIPT, UI_BTN_PRIMARY,
				     ui_act(UI_ACT_PRINT_SLIP, 0));
	else
		b = ui_button_create(root,
				     (struct ui_rect){ a.x + a.w - ui_px(th, 520), by, ui_px(th, 520), bh },
				     ui_tr(c, S_ORDER_WRITE), UI_ICON_DISC, UI_BTN_PRIMARY,
				     ui_act(UI_ACT_CONFIRM_ORDER, 0));
	if (c->nav->busy)
		b->flags |= UI_WF_BUSY;
}
