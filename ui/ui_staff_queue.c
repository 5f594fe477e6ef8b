// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_staff_queue: the order queue — every order the kiosk knows, its state
 * and why it is there, and what a staff member may do about it.
 *
 * A row is selected by touching it; the action bar below enables exactly
 * the actions the order module allows in the selected order's state
 * (order_action_allowed(), the table the store enforces): the UI asks, it
 * keeps no rules of its own.  Cancelling asks first.
 */
#include "ui_screen.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static enum ui_tone state_tone(enum order_state s)
{
	switch (s) {
	case ORDER_READY:
	case ORDER_WRITTEN:
	case ORDER_ERASED:
	case ORDER_REPORTED:
		return UI_TONE_SUCCESS;
	case ORDER_FAILED:
		return UI_TONE_DANGER;
	case ORDER_EXPIRED:
	case ORDER_CANCELLED:
		return UI_TONE_MUTED;
	case ORDER_CLAIMED:
	case ORDER_AWAITING_PAYMENT:
	case ORDER_WRITING:
	case ORDER_VERIFYING:
		return UI_TONE_WARNING;
	default:
		return UI_TONE_INFO;
	}
}

struct cols {
	int id, state, title, reason, updated;
};

static struct cols columns(const struct ui_ctx *c, int w)
{
	struct cols k;

	k.id = ui_px(c->th, 200);
	k.state = ui_px(c->th, 210);
	k.updated = ui_px(c->th, 100);
	k.reason = (w - k.id - k.state - k.updated) * 9 / 20;
	k.title = w - k.id - k.state - k.updated - k.reason;
	return k;
}

static void row(struct ui_widget *list, const struct ui_ctx *c, const struct core_queue_row *q,
		struct ui_rect r, const struct cols *k)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	struct ui_widget *b;
	int x = r.x + ui_px(th, 14), pad = ui_px(th, 12);
	char id[ORDER_ID_MAX + 1], when[32];
	struct ui_action act = ui_act(UI_ACT_QUEUE_SELECT, 0);

	snprintf(id, sizeof(id), "%.*s", ORDER_ID_MAX, q->id);
	act.id = id;
	b = ui_button_create(list, (struct ui_rect){ r.x, r.y + 2, r.w - ui_px(th, 16), r.h - 4 }, "",
			     UI_ICON_NONE, UI_BTN_ROW, act);
	b->radius = th->radius_small;
	if (!strcmp(c->nav->queue_sel, id))
		b->flags |= UI_WF_SELECTED;
	ui_label_create(b, (struct ui_rect){ x, r.y, k->id - pad, r.h }, id, UI_FONT_MONO, p->text,
			UI_TEXT_MIDDLE | UI_TEXT_DATA);
	x += k->id;
	ui_pill_create(b, x, r.y + (r.h - ui_px(th, 36)) / 2, ui_px(th, 36),
		       ui_order_state_str(c->lang, q->state), state_tone(q->state), c);
	x += k->state;
	ui_label_create(b, (struct ui_rect){ x, r.y, k->title - pad, r.h }, q->title, UI_FONT_BODY,
			p->text, UI_TEXT_MIDDLE | UI_TEXT_DATA);
	x += k->title;
	ui_label_create(b, (struct ui_rect){ x, r.y, k->reason - pad, r.h }, q->reason, UI_FONT_SMALL,
			q->state == ORDER_FAILED ? p->danger : p->muted, UI_TEXT_MIDDLE | UI_TEXT_DATA);
	x += k->reason;
	if (q->updated_at > 0) {
		time_t t = (time_t)q->updated_at, now = (time_t)c->snap->now;
		struct tm tm, today;

		/* Today: the time; before: the date. */
		when[0] = '\0';
		if (localtime_r(&t, &tm) && localtime_r(&now, &today))
			strftime(when, sizeof(when),
				 tm.tm_yday == today.tm_yday && tm.tm_year == today.tm_year ? "%H:%M" : "%m/%d",
				 &tm);
		ui_label_create(b, (struct ui_rect){ x, r.y, k->updated - ui_px(th, 20), r.h }, when,
				UI_FONT_SMALL, p->muted, UI_TEXT_MIDDLE | UI_TEXT_RIGHT | UI_TEXT_DATA);
	}
}

static const struct core_queue_row *selected(const struct ui_ctx *c)
{
	const struct core_staff_view *st = &c->snap->staff;

	if (!c->nav->queue_sel[0])
		return NULL;
	for (unsigned i = 0; i < st->queue_count && i < CORE_MAX_QUEUE; i++)
		if (!strncmp(st->queue[i].id, c->nav->queue_sel, ORDER_ID_MAX))
			return &st->queue[i];
	return NULL;
}

static void actions(struct ui_widget *root, const struct ui_ctx *c, struct ui_rect r)
{
	const struct core_queue_row *q = selected(c);
	enum order_state s = q ? q->state : ORDER_STATE_COUNT;
	int gap = c->th->gap, bw = (r.w - 4 * gap) / 5;
	static const struct {
		enum ui_str label;
		enum ui_icon icon;
		enum ui_action_kind act;
		enum ui_btn style;
		enum order_action order_act;
	} btn[5] = {
		{ S_ACT_RETRY, UI_ICON_REFRESH, UI_ACT_STAFF_RETRY, UI_BTN_PRIMARY, ORDER_ACT_RETRY },
		{ S_ACT_REFETCH, UI_ICON_DOWNLOAD, UI_ACT_STAFF_REFETCH, UI_BTN_SECONDARY,
		  ORDER_ACT_REFETCH },
		{ S_ACT_REWRITE, UI_ICON_DISC, UI_ACT_STAFF_REWRITE, UI_BTN_SECONDARY, ORDER_ACT_WRITE },
		{ S_ACT_CONFIRM_PAYMENT, UI_ICON_RECEIPT, UI_ACT_STAFF_CONFIRM_PAYMENT, UI_BTN_PRIMARY,
		  ORDER_ACT_CONFIRM_PAYMENT },
		{ S_ACT_CANCEL, UI_ICON_CLOSE, UI_ACT_STAFF_CANCEL, UI_BTN_DANGER, ORDER_ACT_CANCEL },
	};

	for (int i = 0; i < 5; i++) {
		struct ui_action a = ui_act(btn[i].act, 0);
		struct ui_widget *b;

		a.id = q ? c->nav->queue_sel : NULL;
		b = ui_button_create(root, (struct ui_rect){ r.x + i * (bw + gap), r.y, bw, r.h },
				     ui_tr(c, btn[i].label), btn[i].icon, btn[i].style, a);
		b->font = UI_FONT_BOLD;
		if (!q || !order_action_allowed(btn[i].order_act, s))
			b->flags |= UI_WF_DISABLED;
	}
}

void ui_staff_queue_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	const struct core_staff_view *st = &c->snap->staff;
	struct ui_rect a = ui_chrome_staff(root, c, ui_tr(c, S_TILE_QUEUE), true);
	unsigned n = st->queue_count < CORE_MAX_QUEUE ? st->queue_count : CORE_MAX_QUEUE;
	int bw = th->touch_min + ui_px(th, 8), ah = th->touch_min + ui_px(th, 8);
	int hh = ui_line_h(c, UI_FONT_SMALL) + ui_px(th, 10), rh = th->row_h;
	int top = a.y + bw + ui_px(th, 12), x;
	struct ui_rect lr = { a.x, top + hh, a.w, a.y + a.h - ah - ui_px(th, 20) - top - hh };
	struct cols k = columns(c, a.w - ui_px(th, 16));
	unsigned failed = 0;
	char buf[160], na[16], nf[16];
	struct ui_widget *list, *b;
	static const enum ui_str heads[5] = { S_COL_ORDER, S_COL_STATE, S_COL_TITLE, S_COL_REASON,
					      S_COL_UPDATED };
	const int *widths[5] = { &k.id, &k.state, &k.title, &k.reason, &k.updated };

	for (unsigned i = 0; i < n; i++)
		failed += st->queue[i].state == ORDER_FAILED;
	snprintf(na, sizeof(na), "%u", st->queue_count);
	snprintf(nf, sizeof(nf), "%u", failed);
	ui_fmt(buf, sizeof(buf), ui_tr(c, S_SUM_QUEUE), na, nf);
	ui_label_create(root, (struct ui_rect){ a.x, a.y, a.w / 2, bw }, buf, UI_FONT_LEAD, p->text,
			UI_TEXT_MIDDLE);
	ui_label_create(root, (struct ui_rect){ a.x + a.w / 2, a.y, a.w / 2 - 2 * bw - ui_px(th, 36), bw },
			ui_tr(c, n ? S_QUEUE_SELECT : S_QUEUE_EMPTY), UI_FONT_BODY, p->muted,
			UI_TEXT_MIDDLE | UI_TEXT_RIGHT | UI_TEXT_WRAP);
	x = a.x + ui_px(th, 14);
	for (int i = 0; i < 5; i++) {
		ui_label_create(root, (struct ui_rect){ x, top, *widths[i] - ui_px(th, 20), hh },
				ui_tr(c, heads[i]), UI_FONT_SMALL, p->muted,
				UI_TEXT_MIDDLE | (i == 4 ? UI_TEXT_RIGHT : 0));
		x += *widths[i];
	}
	ui_box_create(root, (struct ui_rect){ a.x, top + hh - 1, a.w, 1 }, p->border, 0);
	list = ui_list_create(root, lr, UI_SCROLL_QUEUE, c->nav->scroll[UI_SCROLL_QUEUE], (int)n * rh);
	for (unsigned i = 0; i < n; i++) {
		struct ui_rect r;

		if (ui_list_slot(list, (int)i * rh, rh, &r))
			row(list, c, &st->queue[i], r, &k);
	}
	b = ui_button_create(root, (struct ui_rect){ a.x + a.w - 2 * bw - ui_px(th, 12), a.y, bw, bw }, "",
			     UI_ICON_CHEVRON_UP, UI_BTN_SECONDARY,
			     ui_act(UI_ACT_SCROLL_UP, UI_SCROLL_QUEUE));
	if (list->scroll <= 0)
		b->flags |= UI_WF_DISABLED;
	b = ui_button_create(root, (struct ui_rect){ a.x + a.w - bw, a.y, bw, bw }, "",
			     UI_ICON_CHEVRON_DOWN, UI_BTN_SECONDARY,
			     ui_act(UI_ACT_SCROLL_DOWN, UI_SCROLL_QUEUE));
	if (list->scroll >= list->content_h - lr.h)
		b->flags |= UI_WF_DISABLED;
	actions(root, c, (struct ui_rect){ a.x, a.y + a.h - ah, a.w, ah });
}
