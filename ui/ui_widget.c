// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_widget: building, drawing and hit-testing the widget tree.
 *
 * Design:
 *   - The pool is an array; a widget's children are a singly linked list
 *     in creation order, which is also drawing order (later on top) —
 *     so hit-testing walks children last to first and deeper first.
 *   - A widget is a target only if it carries an action and is neither
 *     disabled nor busy.  A modal is just a full-screen box whose action
 *     swallows touches, created last, with its card above it.
 *   - Buttons lay out their own content at draw time (icon and text as
 *     one centred group; text wraps to a second line only when one line
 *     cannot hold it), so screens give a rectangle and a label, nothing
 *     more.  Colours come from the theme by style.
 */
#include "ui_widget.h"

#include <string.h>

static struct ui_widget *widget_new(struct ui_widget *parent, enum ui_widget_kind kind,
				    struct ui_rect r)
{
	struct ui_tree *t = parent->tree;
	struct ui_widget *w;

	if (parent == &t->sink || t->n >= UI_MAX_WIDGETS) {
		t->dropped++;
		memset(&t->sink, 0, sizeof(t->sink));
		t->sink.tree = t;
		return &t->sink;
	}
	w = &t->pool[t->n++];
	memset(w, 0, sizeof(*w));
	w->kind = kind;
	w->r = r;
	w->tree = t;
	w->parent = parent;
	if (parent->last)
		parent->last->next = w;
	else
		parent->first = w;
	parent->last = w;
	return w;
}

const char *ui_tree_strdup(struct ui_tree *t, const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	if (t->used + n > sizeof(t->strings)) {
		t->dropped++;
		return "";
	}
	p = t->strings + t->used;
	memcpy(p, s, n);
	t->used += n;
	return p;
}

struct ui_widget *ui_tree_reset(struct ui_tree *t, const struct ui_theme *th, struct ui_text *text)
{
	struct ui_widget *root;

	t->n = 0;
	t->dropped = 0;
	t->used = 0;
	t->th = th;
	t->text = text;
	root = &t->pool[t->n++];
	memset(root, 0, sizeof(*root));
	root->kind = UI_W_BOX;
	root->r = (struct ui_rect){ 0, 0, th->w, th->h };
	root->tree = t;
	root->fill = th->c.bg;
	return root;
}

bool ui_action_eq(const struct ui_action *a, const struct ui_action *b)
{
	if (a->kind != b->kind || a->arg != b->arg)
		return false;
	if (!a->id || !b->id)
		return a->id == b->id || (!a->id && !b->id);
	return !strcmp(a->id, b->id);
}

struct ui_widget *ui_box_create(struct ui_widget *parent, struct ui_rect r, struct ui_color fill,
				int radius)
{
	struct ui_widget *w = widget_new(parent, UI_W_BOX, r);

	w->fill = fill;
	w->radius = radius;
	return w;
}

struct ui_widget *ui_label_create(struct ui_widget *parent, struct ui_rect r, const char *text,
				  enum ui_font f, struct ui_color c, unsigned text_flags)
{
	struct ui_widget *w = widget_new(parent, UI_W_LABEL, r);

	w->text = ui_tree_strdup(parent->tree, text);
	w->font = f;
	w->fg = c;
	w->text_flags = text_flags;
	return w;
}

struct ui_widget *ui_button_create(struct ui_widget *parent, struct ui_rect r, const char *text,
				   enum ui_icon icon, enum ui_btn style, struct ui_action act)
{
	struct ui_widget *w = widget_new(parent, UI_W_BUTTON, r);

	w->text = ui_tree_strdup(parent->tree, text ? text : "");
	w->icon = icon;
	w->style = style;
	w->font = style == UI_BTN_KEY ? UI_FONT_KEY : UI_FONT_BUTTON;
	w->act = act;
	w->act.id = ui_tree_strdup(parent->tree, act.id);
	w->radius = parent->tree->th->radius;
	return w;
}

struct ui_widget *ui_icon_create(struct ui_widget *parent, struct ui_rect r, enum ui_icon icon,
				 struct ui_color c)
{
	struct ui_widget *w = widget_new(parent, UI_W_ICON, r);

	w->icon = icon;
	w->fg = c;
	return w;
}

struct ui_widget *ui_image_widget_create(struct ui_widget *parent, struct ui_rect r,
					 struct ui_image *img)
{
	struct ui_widget *w = widget_new(parent, UI_W_IMAGE, r);

	w->img = img;
	return w;
}

struct ui_widget *ui_progress_create(struct ui_widget *parent, struct ui_rect r, int permille)
{
	struct ui_widget *w = widget_new(parent, UI_W_PROGRESS, r);

	w->value = permille < 0 ? 0 : permille > 1000 ? 1000 : permille;
	return w;
}

struct ui_widget *ui_touch_create(struct ui_widget *parent, struct ui_rect r, struct ui_action act)
{
	struct ui_widget *w = widget_new(parent, UI_W_BOX, r);

	w->act = act;
	return w;
}

struct ui_widget *ui_list_create(struct ui_widget *parent, struct ui_rect r, int scroll_id,
				 int scroll, int content_h)
{
	struct ui_widget *w = widget_new(parent, UI_W_LIST, r);
	int max = content_h > r.h ? content_h - r.h : 0;

	w->scroll_id = scroll_id;
	w->content_h = content_h;
	w->scroll = scroll < 0 ? 0 : scroll > max ? max : scroll;
	return w;
}

bool ui_list_slot(const struct ui_widget *list, int y, int h, struct ui_rect *out)
{
	*out = (struct ui_rect){ list->r.x, list->r.y + y - list->scroll, list->r.w, h };
	return out->y + h > list->r.y && out->y < list->r.y + list->r.h;
}

void ui_keypad_create(struct ui_widget *parent, struct ui_rect r, bool with_clear,
		      const char *clear_label, bool disabled)
{
	const struct ui_theme *th = parent->tree->th;
	int g = ui_px(th, 14);
	int kw = (r.w - 2 * g) / 3, kh = (r.h - 3 * g) / 4;

	for (int i = 0; i < 12; i++) {
		struct ui_rect k = { r.x + (i % 3) * (kw + g), r.y + (i / 3) * (kh + g), kw, kh };
		struct ui_widget *b;
		char label[2] = { 0 };

		if (i < 9) {
			label[0] = (char)('1' + i);
			b = ui_button_create(parent, k, label, UI_ICON_NONE, UI_BTN_KEY,
					     ui_act(UI_ACT_DIGIT, i + 1));
		} else if (i == 9) {
			if (!with_clear)
				continue;
			b = ui_button_create(parent, k, clear_label, UI_ICON_NONE, UI_BTN_KEY,
					     ui_act(UI_ACT_CLEAR, 0));
			b->font = UI_FONT_BUTTON;
		} else if (i == 10) {
			b = ui_button_create(parent, k, "0", UI_ICON_NONE, UI_BTN_KEY,
					     ui_act(UI_ACT_DIGIT, 0));
		} else {
			b = ui_button_create(parent, k, "", UI_ICON_BACKSPACE, UI_BTN_KEY,
					     ui_act(UI_ACT_BACKSPACE, 0));
		}
		if (disabled)
			b->flags |= UI_WF_DISABLED;
	}
}

struct ui_widget *ui_modal_create(struct ui_widget *root, int w, int h)
{
	const struct ui_theme *th = root->tree->th;
	struct ui_widget *back = ui_box_create(root, root->r, th->c.backdrop, 0);
	struct ui_widget *card;

	back->act = ui_act(UI_ACT_BLOCK, 0);
	card = ui_box_create(back, (struct ui_rect){ (root->r.w - w) / 2, (root->r.h - h) / 2, w, h },
			     th->c.surface, th->radius + ui_px(th, 4));
	card->border = th->large ? th->c.border : th->c.surface;
	card->border_w = th->large ? th->border : 0;
	return card;
}

struct ui_widget *ui_tile_create(struct ui_widget *parent, struct ui_rect r, enum ui_icon icon,
				 const char *title, const char *summary, struct ui_color tone,
				 struct ui_action act)
{
	struct ui_widget *w = widget_new(parent, UI_W_TILE, r);

	w->icon = icon;
	w->text = ui_tree_strdup(parent->tree, title);
	w->text2 = ui_tree_strdup(parent->tree, summary);
	w->fg = tone;
	w->act = act;
	return w;
}

/* ---- drawing ---- */

struct btn_colors {
	struct ui_color fill, fg, border;
	int border_w;
};

static struct btn_colors button_colors(const struct ui_widget *w, const struct ui_theme *th,
				       bool pressed)
{
	const struct ui_palette *c = &th->c;
	struct btn_colors bc = { c->primary, c->on_primary, c->primary, 0 };

	if (w->flags & (UI_WF_DISABLED | UI_WF_BUSY))
		return (struct btn_colors){ c->disabled, c->on_disabled, c->disabled, 0 };
	switch (w->style) {
	case UI_BTN_PRIMARY:
		bc.fill = pressed ? c->primary_pressed : c->primary;
		break;
	case UI_BTN_SECONDARY:
	case UI_BTN_KEY:
		bc = (struct btn_colors){ pressed ? c->secondary_pressed : c->secondary,
					  w->style == UI_BTN_KEY ? c->text : c->on_secondary,
					  c->secondary_border, th->border };
		break;
	case UI_BTN_DANGER:
		bc = (struct btn_colors){ pressed ? c->text : c->danger, c->on_danger, c->danger, 0 };
		break;
	case UI_BTN_HEADER:
		bc = (struct btn_colors){ pressed ? c->primary : c->header_2, c->on_header,
					  c->header_muted, th->large ? th->border : 0 };
		break;
	case UI_BTN_ACCENT:
		bc = (struct btn_colors){ pressed ? c->on_header : c->accent, c->on_accent, c->accent, 0 };
		break;
	case UI_BTN_ROW:
		bc = (struct btn_colors){ (w->flags & UI_WF_SELECTED) ? c->selected :
					  pressed ? c->secondary_pressed : c->surface,
					  c->text, c->border, 0 };
		break;
	}
	if (pressed && th->large && w->style != UI_BTN_ROW)
		bc.fg = c->on_primary, bc.fill = c->primary_pressed;
	return bc;
}

static void draw_button(const struct ui_widget *w, const struct ui_painter *p, bool pressed)
{
	const struct ui_theme *th = p->th;
	struct btn_colors bc = button_colors(w, th, pressed);
	struct ui_rect r = w->r;
	int pad = ui_px(th, w->style == UI_BTN_KEY ? 6 : 18), gap = ui_px(th, 12);
	int isz = th->font[w->font].px * (w->style == UI_BTN_KEY ? 9 : 6) / 5;
	enum ui_icon icon = (w->flags & UI_WF_BUSY) ? UI_ICON_SPINNER : w->icon;
	double angle = (w->flags & UI_WF_BUSY) ? (double)((p->now_ms / 4) % 360) : 0;
	int tw = 0, th_ = 0, avail, gx;

	ui_display_box(p->d, r, w->radius, bc.fill, bc.border, bc.border_w);
	if (w->style == UI_BTN_ROW)
		return; /* rows draw their own cells as child labels */
	if (!w->text[0]) {
		if (isz > r.h - 2 * gap)
			isz = r.h - 2 * gap;
		ui_icon_draw(p->icons, icon, (struct ui_rect){ r.x + (r.w - isz) / 2,
							       r.y + (r.h - isz) / 2, isz, isz },
			     bc.fg, angle);
		return;
	}
	avail = r.w - 2 * pad - (icon ? isz + gap : 0);
	ui_text_measure(p->text, w->text, w->font, 0, &tw, &th_);
	if (tw > avail) {
		/* Two lines, beside the icon. */
		int x = r.x + pad;

		if (icon) {
			ui_icon_draw(p->icons, icon, (struct ui_rect){ x, r.y + (r.h - isz) / 2, isz, isz },
				     bc.fg, angle);
			x += isz + gap;
		}
		ui_text_draw(p->text, w->text, w->font, (struct ui_rect){ x, r.y + 2, avail, r.h - 4 },
			     UI_TEXT_CENTER | UI_TEXT_MIDDLE | UI_TEXT_WRAP, bc.fg);
		return;
	}
	gx = r.x + (r.w - (tw + (icon ? isz + gap : 0))) / 2;
	if (icon) {
		ui_icon_draw(p->icons, icon, (struct ui_rect){ gx, r.y + (r.h - isz) / 2, isz, isz },
			     bc.fg, angle);
		gx += isz + gap;
	}
	ui_text_draw(p->text, w->text, w->font, (struct ui_rect){ gx, r.y, tw + 2, r.h },
		     UI_TEXT_LEFT | UI_TEXT_MIDDLE, bc.fg);
}

/* Icon on a tinted disc, bold title, one-line summary; a title too long
 * for one line (large text) takes two and the summary gives way. */
static void draw_tile(const struct ui_widget *w, const struct ui_painter *p, bool pressed)
{
	const struct ui_theme *th = p->th;
	const struct ui_palette *c = &th->c;
	struct ui_rect r = w->r;
	int pad = ui_px(th, 20), disc = ui_px(th, 58), isz = ui_px(th, 32);
	int tx = r.x + pad + disc + ui_px(th, 16), tw = r.x + r.w - pad - tx;
	int lh = ui_text_line_h(p->text, UI_FONT_BOLD), mw, mh;

	ui_display_box(p->d, r, th->radius, pressed ? c->secondary_pressed : c->surface, c->border,
		       th->border);
	ui_display_circle(p->d, r.x + pad + disc / 2, r.y + r.h / 2, disc / 2, w->fg);
	ui_icon_draw(p->icons, w->icon,
		     (struct ui_rect){ r.x + pad + (disc - isz) / 2, r.y + (r.h - isz) / 2, isz, isz },
		     c->on_primary, 0);
	ui_text_measure(p->text, w->text, UI_FONT_BOLD, 0, &mw, &mh);
	if (mw > tw) {
		ui_text_draw(p->text, w->text, UI_FONT_BOLD,
			     (struct ui_rect){ tx, r.y + ui_px(th, 6), tw, r.h - ui_px(th, 12) },
			     UI_TEXT_MIDDLE | UI_TEXT_WRAP, c->text);
		return;
	}
	ui_text_draw(p->text, w->text, UI_FONT_BOLD,
		     (struct ui_rect){ tx, r.y + r.h / 2 - lh, tw, lh }, UI_TEXT_LEFT | UI_TEXT_BOTTOM,
		     c->text);
	ui_text_draw(p->text, w->text2, UI_FONT_SMALL,
		     (struct ui_rect){ tx, r.y + r.h / 2 + ui_px(th, 4), tw, lh },
		     UI_TEXT_LEFT | UI_TEXT_TOP | UI_TEXT_DATA, c->muted);
}

static void draw_progress(const struct ui_widget *w, const struct ui_painter *p)
{
	const struct ui_palette *c = &p->th->c;
	struct ui_rect r = w->r, f = w->r;

	ui_display_box(p->d, r, r.h / 2, c->track, c->border, p->th->large ? p->th->border : 0);
	if (p->th->large)
		f = ui_rect_inset(r, p->th->border * 2, p->th->border * 2);
	f.w = (int)((long)f.w * w->value / 1000);
	if (w->value > 0 && f.w < f.h)
		f.w = f.h;
	if (w->value > 0)
		ui_display_box(p->d, f, f.h / 2, c->primary, c->primary, 0);
}

static void draw_widget(const struct ui_widget *w, const struct ui_painter *p);

static void draw_children(const struct ui_widget *w, const struct ui_painter *p)
{
	for (const struct ui_widget *ch = w->first; ch; ch = ch->next)
		draw_widget(ch, p);
}

static void draw_list(const struct ui_widget *w, const struct ui_painter *p)
{
	const struct ui_palette *c = &p->th->c;

	ui_display_clip(p->d, &w->r);
	draw_children(w, p);
	ui_display_clip(p->d, NULL);
	if (w->content_h > w->r.h) {
		int bw = ui_px(p->th, 6), tr = w->r.h - ui_px(p->th, 8);
		int th = tr * w->r.h / w->content_h;
		int ty = (tr - th) * w->scroll / (w->content_h - w->r.h);
		struct ui_rect track = { w->r.x + w->r.w - bw - ui_px(p->th, 2),
					 w->r.y + ui_px(p->th, 4), bw, tr };

		ui_display_box(p->d, track, bw / 2, c->track, c->track, 0);
		ui_display_box(p->d, (struct ui_rect){ track.x, track.y + ty, bw, th }, bw / 2, c->muted,
			       c->muted, 0);
	}
}

static void draw_widget(const struct ui_widget *w, const struct ui_painter *p)
{
	bool pressed = w->act.kind != UI_ACT_NONE && w->act.kind != UI_ACT_BLOCK &&
		       ui_action_eq(&w->act, &p->pressed) &&
		       !(w->flags & (UI_WF_DISABLED | UI_WF_BUSY));

	switch (w->kind) {
	case UI_W_BOX:
		if (w->flags & UI_WF_GRADIENT)
			ui_display_gradient(p->d, w->r, w->fill, w->fill2);
		else
			ui_display_box(p->d, w->r, w->radius, w->fill, w->border, w->border_w);
		if (pressed && w->fill.a)
			ui_display_box(p->d, w->r, w->radius, UI_RGBA(0x000000, 0x20),
				       UI_RGBA(0, 0), 0);
		break;
	case UI_W_LABEL:
		ui_text_draw(p->text, w->text, w->font, w->r, w->text_flags, w->fg);
		break;
	case UI_W_BUTTON:
		draw_button(w, p, pressed);
		break;
	case UI_W_ICON:
		ui_icon_draw(p->icons, w->icon, w->r, w->fg, w->angle);
		break;
	case UI_W_PROGRESS:
		draw_progress(w, p);
		break;
	case UI_W_LIST:
		draw_list(w, p);
		return;
	case UI_W_TILE:
		draw_tile(w, p, pressed);
		break;
	case UI_W_IMAGE:
		ui_display_image_fit(p->d, w->img, w->r);
		break;
	}
	draw_children(w, p);
}

void ui_tree_draw(const struct ui_tree *t, const struct ui_painter *p)
{
	if (!t->n)
		return;
	ui_display_clear(p->d, t->pool[0].fill);
	draw_widget(&t->pool[0], p);
}

static bool targetable(const struct ui_widget *w)
{
	return w->act.kind != UI_ACT_NONE && !(w->flags & (UI_WF_DISABLED | UI_WF_BUSY));
}

/* Returned for a disabled control under the pointer: it hides what is
 * below it (a greyed button on the attract screen must not start). */
static const struct ui_widget blocked;

static const struct ui_widget *hit(const struct ui_widget *w, int x, int y);

/* Later siblings are drawn on top, so they are asked first. */
static const struct ui_widget *hit_from(const struct ui_widget *ch, int x, int y)
{
	const struct ui_widget *h;

	if (!ch)
		return NULL;
	h = hit_from(ch->next, x, y);
	return h ? h : hit(ch, x, y);
}

static const struct ui_widget *hit(const struct ui_widget *w, int x, int y)
{
	const struct ui_widget *h;

	if (w->kind == UI_W_LIST && !ui_rect_has(w->r, x, y))
		return NULL;
	h = hit_from(w->first, x, y);
	if (h)
		return h;
	if (w->act.kind != UI_ACT_NONE && ui_rect_has(w->r, x, y))
		return targetable(w) ? w : &blocked;
	return NULL;
}

const struct ui_widget *ui_tree_hit(const struct ui_tree *t, int x, int y)
{
	const struct ui_widget *h = t->n ? hit(&t->pool[0], x, y) : NULL;

	return h == &blocked ? NULL : h;
}

const struct ui_widget *ui_tree_find(const struct ui_tree *t, enum ui_action_kind k, int arg)
{
	for (unsigned i = 0; i < t->n; i++) {
		const struct ui_widget *w = &t->pool[i];

		if (w->act.kind == k && (arg < 0 || w->act.arg == arg) && targetable(w))
			return w;
	}
	return NULL;
}

const struct ui_widget *ui_tree_find_id(const struct ui_tree *t, enum ui_action_kind k,
				       const char *id)
{
	for (unsigned i = 0; i < t->n; i++) {
		const struct ui_widget *w = &t->pool[i];

		if (w->act.kind == k && w->act.id && !strcmp(w->act.id, id) && targetable(w))
			return w;
	}
	return NULL;
}

const struct ui_widget *ui_tree_list(const struct ui_tree *t, int scroll_id)
{
	for (unsigned i = 0; i < t->n; i++)
		if (t->pool[i].kind == UI_W_LIST && t->pool[i].scroll_id == scroll_id)
			return &t->pool[i];
	return NULL;
}
