// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_chrome: the parts every screen shares — the customer header with its
 * language, text-size and call-staff buttons and the five-step progress
 * bar; the staff header; the modals (help, "still there?", confirmations);
 * and the small building blocks screens are made of (cards, banners,
 * pills, key/value rows).
 *
 * Header buttons are sized to their labels and packed from the right; the
 * brand's subtitle is dropped when the buttons leave it no room (large
 * text), rather than squeezed.
 */
#include "ui_screen.h"

#include <stdio.h>
#include <string.h>

int ui_measure_w(const struct ui_ctx *c, const char *s, enum ui_font f)
{
	int w, h;

	ui_text_measure(c->text, s, f, 0, &w, &h);
	return w;
}

int ui_line_h(const struct ui_ctx *c, enum ui_font f)
{
	return ui_text_line_h(c->text, f);
}

struct ui_color ui_tone_fg(const struct ui_ctx *c, enum ui_tone t)
{
	const struct ui_palette *p = &c->th->c;

	switch (t) {
	case UI_TONE_SUCCESS:
		return p->success;
	case UI_TONE_WARNING:
		return p->warning;
	case UI_TONE_DANGER:
		return p->danger;
	case UI_TONE_MUTED:
		return p->muted;
	default:
		return p->primary;
	}
}

struct ui_color ui_tone_bg(const struct ui_ctx *c, enum ui_tone t)
{
	const struct ui_palette *p = &c->th->c;

	switch (t) {
	case UI_TONE_SUCCESS:
		return p->success_bg;
	case UI_TONE_WARNING:
		return p->warning_bg;
	case UI_TONE_DANGER:
		return p->danger_bg;
	case UI_TONE_MUTED:
		return p->surface_alt;
	default:
		return p->selected;
	}
}

struct ui_widget *ui_card_create(struct ui_widget *parent, struct ui_rect r)
{
	const struct ui_theme *th = parent->tree->th;
	struct ui_widget *w = ui_box_create(parent, r, th->c.surface, th->radius);

	w->border = th->c.border;
	w->border_w = th->border;
	return w;
}

/* Banner geometry: icon column, then the title line and the body. */
static void banner_cols(const struct ui_ctx *c, struct ui_rect r, int *pad, int *isz, int *tx,
			int *tw)
{
	*pad = ui_px(c->th, 20);
	*isz = ui_px(c->th, 40);
	*tx = r.x + *pad + *isz + ui_px(c->th, 16);
	*tw = r.x + r.w - *pad - *tx;
}

int ui_banner_height(const struct ui_ctx *c, int w, const char *title, const char *body)
{
	int pad, isz, tx, tw, bw, bh;

	banner_cols(c, (struct ui_rect){ 0, 0, w, 0 }, &pad, &isz, &tx, &tw);
	ui_text_measure(c->text, body, UI_FONT_BODY, tw, &bw, &bh);
	bh += 2 * pad + (title && *title ? ui_line_h(c, UI_FONT_BOLD) : 0);
	return bh > isz + 2 * pad ? bh : isz + 2 * pad;
}

void ui_banner_create(struct ui_widget *parent, struct ui_rect r, const struct ui_ctx *c,
		      enum ui_tone tone, enum ui_icon icon, const char *title, const char *body)
{
	const struct ui_theme *th = c->th;
	struct ui_widget *b = ui_box_create(parent, r, ui_tone_bg(c, tone), th->radius);
	int pad, isz, tx, tw, lh = ui_line_h(c, UI_FONT_BOLD), y;

	banner_cols(c, r, &pad, &isz, &tx, &tw);
	b->border = ui_tone_fg(c, tone);
	b->border_w = th->border;
	y = r.y + pad;
	if (!title || !*title) {
		/* Body only: icon and text centred in the height given. */
		ui_icon_create(b, (struct ui_rect){ r.x + pad, r.y + (r.h - isz) / 2, isz, isz }, icon,
			       ui_tone_fg(c, tone));
		ui_label_create(b, (struct ui_rect){ tx, r.y + pad / 2, tw, r.h - pad }, body,
				UI_FONT_BODY, th->c.text, UI_TEXT_WRAP | UI_TEXT_MIDDLE);
		return;
	}
	ui_icon_create(b, (struct ui_rect){ r.x + pad, y - ui_px(th, 2), isz, isz }, icon,
		       ui_tone_fg(c, tone));
	{
		ui_label_create(b, (struct ui_rect){ tx, y, tw, lh }, title, UI_FONT_BOLD,
				th->large ? th->c.text : ui_tone_fg(c, tone), 0);
		y += lh;
	}
	ui_label_create(b, (struct ui_rect){ tx, y, tw, r.y + r.h - pad - y + ui_px(th, 4) }, body,
			UI_FONT_BODY, th->c.text, UI_TEXT_WRAP);
}

int ui_pill_create(struct ui_widget *parent, int x, int y, int h, const char *text,
		   enum ui_tone tone, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	int pad = ui_px(th, 14), w = ui_measure_w(c, text, UI_FONT_SMALL) + 2 * pad + 2;
	struct ui_widget *b = ui_box_create(parent, (struct ui_rect){ x, y, w, h }, ui_tone_bg(c, tone),
					    h / 2);

	if (th->large) {
		b->border = ui_tone_fg(c, tone);
		b->border_w = th->border;
	}
	ui_label_create(b, (struct ui_rect){ x + pad, y, w - 2 * pad, h }, text, UI_FONT_SMALL,
			th->large ? th->c.text : ui_tone_fg(c, tone), UI_TEXT_CENTER | UI_TEXT_MIDDLE);
	return w;
}

/* Key column: as wide as the widest key, at most 55 %. */
static int kv_key_w(const struct ui_ctx *c, int w, const char *const *keys, int n)
{
	int kw = 0;

	for (int i = 0; i < n; i++) {
		int k = ui_measure_w(c, keys[i], UI_FONT_BODY) + ui_px(c->th, 32);

		kw = k > kw ? k : kw;
	}
	return kw > w * 11 / 20 ? w * 11 / 20 : kw;
}

/* A row: one line, or up to three when the value wraps (error texts). */
static int kv_row_h(const struct ui_ctx *c, int vw, const char *val)
{
	int one = ui_line_h(c, UI_FONT_BODY), w, h;

	ui_text_measure(c->text, val, UI_FONT_BOLD, vw, &w, &h);
	if (h > 3 * one)
		h = 3 * one;
	return (h > one ? h : one) + ui_px(c->th, 18);
}

int ui_kv_height(const struct ui_ctx *c, int w, const char *const *keys,
		 const char *const *vals, int n)
{
	int kw = kv_key_w(c, w, keys, n), h = 0;

	for (int i = 0; i < n; i++)
		h += kv_row_h(c, w - kw, vals[i]);
	return h;
}

int ui_kv_create(struct ui_widget *parent, struct ui_rect r, const struct ui_ctx *c,
		 const char *const *keys, const char *const *vals, const enum ui_tone *tones,
		 int n)
{
	const struct ui_theme *th = c->th;
	int kw = kv_key_w(c, r.w, keys, n), y = r.y, one = ui_line_h(c, UI_FONT_BODY);

	for (int i = 0; i < n; i++) {
		bool tinted = tones && tones[i] != UI_TONE_INFO;
		struct ui_color vc = tinted ? ui_tone_fg(c, tones[i]) : th->c.text;
		int row = kv_row_h(c, r.w - kw, vals[i]), pad = ui_px(th, 9);

		if (i)
			ui_box_create(parent, (struct ui_rect){ r.x, y, r.w, 1 }, th->c.border, 0);
		ui_label_create(parent, (struct ui_rect){ r.x, y + pad, kw - ui_px(th, 12), one }, keys[i],
				UI_FONT_BODY, th->c.muted, UI_TEXT_MIDDLE);
		ui_label_create(parent, (struct ui_rect){ r.x + kw, y + pad, r.w - kw, row - 2 * pad },
				vals[i], tinted ? UI_FONT_BOLD : UI_FONT_BODY, vc,
				(row - 2 * pad > one ? UI_TEXT_WRAP : UI_TEXT_MIDDLE) | UI_TEXT_DATA);
		y += row;
	}
	return y - r.y;
}

struct ui_widget *ui_header_button(struct ui_widget *parent, const struct ui_ctx *c, int x_right,
				   int y, int h, enum ui_icon icon, const char *label,
				   struct ui_action act)
{
	const struct ui_theme *th = c->th;
	int isz = th->font[UI_FONT_BOLD].px * 6 / 5;
	int w = ui_measure_w(c, label, UI_FONT_BOLD) + 2 * ui_px(th, 18) + (icon ? isz + ui_px(th, 12) : 0) + 4;
	struct ui_widget *b;

	if (w < th->touch_min)
		w = th->touch_min;
	b = ui_button_create(parent, (struct ui_rect){ x_right - w, y, w, h }, label, icon,
			     UI_BTN_HEADER, act);
	b->font = UI_FONT_BOLD;
	b->radius = th->radius_small;
	return b;
}

static void step_bar(struct ui_widget *root, const struct ui_ctx *c, int step)
{
	static const enum ui_str names[5] = { S_STEP_CODE, S_STEP_CONFIRM, S_STEP_DISC,
					      S_STEP_WRITE, S_STEP_DONE };
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	struct ui_rect bar = { 0, th->header_h, th->w, th->steps_h };
	int slot = (th->w - 2 * th->margin) / 5, d = ui_px(th, 34), cy = bar.y + bar.h / 2;

	ui_box_create(root, bar, p->surface, 0);
	ui_box_create(root, (struct ui_rect){ 0, bar.y + bar.h - th->border, th->w, th->border },
		      p->border, 0);
	for (int i = 0; i < 5; i++) {
		int x = th->margin + i * slot;
		bool done = i < step, cur = i == step;
		struct ui_color fill = done ? p->success : cur ? p->primary : p->track;
		struct ui_widget *dot = ui_box_create(root, (struct ui_rect){ x, cy - d / 2, d, d }, fill,
						      d / 2);
		char num[12];

		if (i < 4)
			ui_box_create(root, (struct ui_rect){ x + slot - ui_px(th, 34), cy - 1,
							      ui_px(th, 20), 2 },
				      p->border, 0);
		if (done) {
			ui_icon_create(dot, ui_rect_inset(dot->r, ui_px(th, 7), ui_px(th, 7)),
				       UI_ICON_CHECK, th->large ? p->on_primary : p->on_primary);
		} else {
			snprintf(num, sizeof(num), "%d", i + 1);
			ui_label_create(dot, dot->r, num, UI_FONT_SMALL,
					cur ? p->on_primary : p->muted,
					UI_TEXT_CENTER | UI_TEXT_MIDDLE);
		}
		ui_label_create(root, (struct ui_rect){ x + d + ui_px(th, 12), bar.y,
							slot - d - ui_px(th, 52), bar.h },
				ui_tr(c, names[i]), cur ? UI_FONT_BOLD : UI_FONT_BODY,
				cur ? p->text : p->muted, UI_TEXT_MIDDLE);
	}
}

struct ui_rect ui_chrome_customer(struct ui_widget *root, const struct ui_ctx *c, int step)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	struct ui_widget *hdr = ui_box_create(root, (struct ui_rect){ 0, 0, th->w, th->header_h },
					      step == -2 ? UI_RGBA(0, 0) : p->header, 0);
	int bh = th->touch_min, by = (th->header_h - bh) / 2, gap = ui_px(th, 12);
	int x = th->w - th->margin, isz = ui_px(th, 48), bx = th->margin + isz + ui_px(th, 16);
	int lh = ui_line_h(c, UI_FONT_BUTTON), sh = ui_line_h(c, UI_FONT_SMALL), top;
	struct ui_widget *b;

	if (step != -2) {
		hdr->fill2 = p->header_2;
		hdr->flags |= UI_WF_GRADIENT;
	}
	if (th->large && step != -2)
		ui_box_create(root, (struct ui_rect){ 0, th->header_h - th->border, th->w, th->border },
			      p->border, 0);
	b = ui_header_button(root, c, x, by, bh, UI_ICON_GLOBE, ui_tr(c, S_LANG_OTHER),
			     ui_act(UI_ACT_LANG, 0));
	x = b->r.x - gap;
	b = ui_header_button(root, c, x, by, bh, UI_ICON_TEXT_SIZE,
			     ui_tr(c, th->large ? S_NORMAL_TEXT : S_LARGE_TEXT),
			     ui_act(UI_ACT_LARGE_TEXT, 0));
	x = b->r.x - gap;
	if (step >= 0) {
		b = ui_header_button(root, c, x, by, bh, UI_ICON_PERSON, ui_tr(c, S_HELP),
				     ui_act(UI_ACT_HELP, 0));
		x = b->r.x - gap;
	}
	ui_box_create(root, (struct ui_rect){ th->margin, (th->header_h - isz) / 2, isz, isz }, p->accent,
		      isz / 2);
	ui_icon_create(root, (struct ui_rect){ th->margin + ui_px(th, 6), (th->header_h - isz) / 2 + ui_px(th, 6),
					       isz - ui_px(th, 12), isz - ui_px(th, 12) },
		       UI_ICON_DISC, p->on_accent);
	if (ui_measure_w(c, ui_tr(c, S_BRAND_SUB), UI_FONT_SMALL) <= x - bx - gap) {
		top = (th->header_h - lh - sh) / 2;
		ui_label_create(root, (struct ui_rect){ bx, top, x - bx - gap, lh }, ui_tr(c, S_BRAND),
				UI_FONT_BUTTON, p->on_header, UI_TEXT_MIDDLE);
		ui_label_create(root, (struct ui_rect){ bx, top + lh - ui_px(th, 4), x - bx - gap, sh },
				ui_tr(c, S_BRAND_SUB), UI_FONT_SMALL, p->header_muted, UI_TEXT_MIDDLE);
	} else {
		ui_label_create(root, (struct ui_rect){ bx, 0, x - bx - gap, th->header_h },
				ui_tr(c, S_BRAND), UI_FONT_BUTTON, p->on_header, UI_TEXT_MIDDLE);
	}
	if (step < 0)
		return (struct ui_rect){ th->margin, th->header_h, th->w - 2 * th->margin,
					 th->h - th->header_h - th->margin };
	step_bar(root, c, step);
	top = th->header_h + th->steps_h;
	return (struct ui_rect){ th->margin, top + ui_px(th, 28), th->w - 2 * th->margin,
				 th->h - top - ui_px(th, 28) - th->margin };
}

struct ui_rect ui_chrome_staff(struct ui_widget *root, const struct ui_ctx *c, const char *title,
			       bool back)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	int bh = th->touch_min, by = (th->header_h - bh) / 2, gap = ui_px(th, 12);
	int x = th->w - th->margin, lx = th->margin, bw;
	struct ui_widget *b;
	char shop[48], id[16];

	ui_box_create(root, (struct ui_rect){ 0, 0, th->w, th->header_h }, p->staff_header, 0);
	ui_box_create(root, (struct ui_rect){ 0, th->header_h - ui_px(th, 4), th->w, ui_px(th, 4) },
		      p->staff_badge, 0);
	if (c->snap->staff.logged_in) {
		b = ui_header_button(root, c, x, by, bh, UI_ICON_SIGN_OUT, ui_tr(c, S_STAFF_SIGN_OUT),
				     ui_act(UI_ACT_STAFF_LOGOUT, 0));
		x = b->r.x - gap;
	}
	b = ui_header_button(root, c, x, by, bh, UI_ICON_GLOBE, ui_tr(c, S_LANG_OTHER),
			     ui_act(UI_ACT_LANG, 0));
	x = b->r.x - gap;
	if (back) {
		b = ui_header_button(root, c, lx + 1000, by, bh, UI_ICON_ARROW_LEFT,
				     ui_tr(c, S_STAFF_MENU), ui_act(UI_ACT_STAFF_MENU, 0));
		b->r.x = lx;
		lx += b->r.w + ui_px(th, 20);
	}
	bw = ui_measure_w(c, ui_tr(c, S_STAFF_BADGE), UI_FONT_SMALL) + ui_px(th, 28) + 2;
	ui_box_create(root, (struct ui_rect){ lx, (th->header_h - ui_px(th, 36)) / 2, bw, ui_px(th, 36) },
		      p->staff_badge, ui_px(th, 18));
	ui_label_create(root, (struct ui_rect){ lx, (th->header_h - ui_px(th, 36)) / 2, bw, ui_px(th, 36) },
			ui_tr(c, S_STAFF_BADGE), UI_FONT_SMALL, p->on_staff_badge,
			UI_TEXT_CENTER | UI_TEXT_MIDDLE);
	lx += bw + ui_px(th, 16);
	snprintf(id, sizeof(id), "%u", c->snap->shop_id);
	ui_fmt(shop, sizeof(shop), ui_tr(c, S_STAFF_SHOP), id, NULL);
	{
		int sw = ui_measure_w(c, shop, UI_FONT_SMALL) + 2;
		int tw = x - lx - gap - sw - ui_px(th, 16);

		ui_label_create(root, (struct ui_rect){ lx, 0, tw, th->header_h }, title, UI_FONT_BUTTON,
				p->on_header, UI_TEXT_MIDDLE);
		ui_label_create(root, (struct ui_rect){ x - gap - sw, 0, sw, th->header_h }, shop,
				UI_FONT_SMALL, p->header_muted, UI_TEXT_MIDDLE | UI_TEXT_RIGHT);
	}
	return (struct ui_rect){ th->margin, th->header_h + ui_px(th, 28), th->w - 2 * th->margin,
				 th->h - th->header_h - ui_px(th, 28) - th->margin };
}

/* A modal with an icon on a tinted disc, a title, a body and buttons. */
static struct ui_widget *dialog(struct ui_widget *root, const struct ui_ctx *c, enum ui_tone tone,
				enum ui_icon icon, const char *title, const char *body,
				struct ui_rect *buttons)
{
	const struct ui_theme *th = c->th;
	int w = ui_px(th, 760), pad = ui_px(th, 40), isz = ui_px(th, 72);
	int tw = w - 2 * pad - isz - ui_px(th, 24);
	int bh = 0, bw = 0, title_h = 0, tww;
	int h;
	struct ui_widget *card, *disc;

	ui_text_measure(c->text, title, UI_FONT_TITLE, tw, &tww, &title_h);
	ui_text_measure(c->text, body, UI_FONT_LEAD, tw, &bw, &bh);
	h = pad + title_h + ui_px(th, 12) + bh + ui_px(th, 32) + th->button_h + pad;
	if (h < ui_px(th, 320))
		h = ui_px(th, 320);
	card = ui_modal_create(root, w, h);
	disc = ui_box_create(card, (struct ui_rect){ card->r.x + pad, card->r.y + pad, isz, isz },
			     ui_tone_bg(c, tone), isz / 2);
	ui_icon_create(disc, ui_rect_inset(disc->r, ui_px(th, 14), ui_px(th, 14)), icon,
		       ui_tone_fg(c, tone));
	ui_label_create(card, (struct ui_rect){ card->r.x + pad + isz + ui_px(th, 24), card->r.y + pad,
						tw, title_h },
			title, UI_FONT_TITLE, th->c.text, UI_TEXT_WRAP);
	ui_label_create(card, (struct ui_rect){ card->r.x + pad + isz + ui_px(th, 24),
						card->r.y + pad + title_h + ui_px(th, 12), tw, bh + 4 },
			body, UI_FONT_LEAD, th->c.text, UI_TEXT_WRAP);
	*buttons = (struct ui_rect){ card->r.x + pad, card->r.y + h - pad - th->button_h,
				     w - 2 * pad, th->button_h };
	return card;
}

void ui_chrome_modal(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_nav *n = c->nav;
	const struct ui_theme *th = c->th;
	struct ui_rect b;
	char body[512], num[24];
	int half;

	switch (n->modal) {
	case UI_MODAL_HELP: {
		char ref[128];

		snprintf(body, sizeof(body), "%s", ui_tr(c, S_HELP_BODY));
		if (c->snap->has_order && c->snap->order.id[0]) {
			ui_fmt(ref, sizeof(ref), ui_tr(c, S_ORDER_ID), c->snap->order.id, NULL);
			snprintf(body + strlen(body), sizeof(body) - strlen(body), "\n%s", ref);
		}
		dialog(root, c, UI_TONE_INFO, UI_ICON_PERSON, ui_tr(c, S_HELP_TITLE), body, &b);
		ui_button_create(root->last, (struct ui_rect){ b.x + b.w / 2, b.y, b.w / 2, b.h },
				 ui_tr(c, S_CLOSE), UI_ICON_CLOSE, UI_BTN_PRIMARY,
				 ui_act(UI_ACT_MODAL_CLOSE, 0));
		break;
	}
	case UI_MODAL_IDLE:
		snprintf(num, sizeof(num), "%lld", (long long)ui_nav_idle_left(n, c->now_ms));
		ui_fmt(body, sizeof(body), ui_tr(c, S_IDLE_BODY), num, NULL);
		dialog(root, c, UI_TONE_WARNING, UI_ICON_CLOCK, ui_tr(c, S_IDLE_TITLE), body, &b);
		ui_button_create(root->last, (struct ui_rect){ b.x + b.w / 2, b.y, b.w / 2, b.h },
				 ui_tr(c, S_IDLE_CONTINUE), UI_ICON_CHECK, UI_BTN_PRIMARY,
				 ui_act(UI_ACT_STILL_HERE, 0));
		break;
	case UI_MODAL_CANCEL_ORDER:
		ui_fmt(body, sizeof(body), ui_tr(c, S_CANCEL_Q), n->modal_id, NULL);
		dialog(root, c, UI_TONE_DANGER, UI_ICON_WARNING, ui_tr(c, S_ACT_CANCEL), body, &b);
		half = (b.w - ui_px(th, 16)) / 2;
		ui_button_create(root->last, (struct ui_rect){ b.x, b.y, half, b.h }, ui_tr(c, S_KEEP),
				 UI_ICON_NONE, UI_BTN_SECONDARY, ui_act(UI_ACT_MODAL_CLOSE, 0));
		ui_button_create(root->last, (struct ui_rect){ b.x + b.w - half, b.y, half, b.h },
				 ui_tr(c, S_ACT_CANCEL), UI_ICON_CLOSE, UI_BTN_DANGER,
				 ui_act(UI_ACT_STAFF_CANCEL_YES, 0));
		break;
	case UI_MODAL_QUIT:
		dialog(root, c, UI_TONE_DANGER, UI_ICON_POWER, ui_tr(c, S_STAFF_QUIT),
		       ui_tr(c, S_STAFF_QUIT_Q), &b);
		half = (b.w - ui_px(th, 16)) / 2;
		ui_button_create(root->last, (struct ui_rect){ b.x, b.y, half, b.h }, ui_tr(c, S_CANCEL),
				 UI_ICON_NONE, UI_BTN_SECONDARY, ui_act(UI_ACT_MODAL_CLOSE, 0));
		ui_button_create(root->last, (struct ui_rect){ b.x + b.w - half, b.y, half, b.h },
				 ui_tr(c, S_STAFF_QUIT_YES), UI_ICON_POWER, UI_BTN_DANGER,
				 ui_act(UI_ACT_QUIT_YES, 0));
		break;
	default:
		break;
	}
}
