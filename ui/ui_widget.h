/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ui_widget: the widget tree — boxes, labels, buttons, icons, progress
 * bars, scrolling lists, keypads, modals and staff tiles.
 *
 * Each frame the current screen is built afresh by its *_create(parent)
 * function into a tree held in one fixed pool (a parent owns its
 * children; nothing is freed one by one, ui_tree_reset() empties it).
 * Rebuilding is cheap — tens of widgets — and means a screen can never
 * show stale state.  Drawing walks the tree; a touch is matched against
 * the tree that was last drawn, topmost first, so the customer presses
 * what they saw.
 *
 * Strings handed to *_create are copied into the tree, so callers may pass
 * stack buffers.  When the pool runs out, creation returns a detached sink
 * widget (drawn nowhere) and counts it; the tests assert the count is 0.
 */
#ifndef TENPO_UI_WIDGET_H
#define TENPO_UI_WIDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui_action.h"
#include "ui_display.h"
#include "ui_icon.h"
#include "ui_text.h"
#include "ui_theme.h"

#define UI_MAX_WIDGETS 900
#define UI_TREE_STRINGS (48 * 1024)

enum ui_widget_kind { UI_W_BOX, UI_W_LABEL, UI_W_BUTTON, UI_W_ICON, UI_W_PROGRESS, UI_W_LIST,
		      UI_W_TILE, UI_W_IMAGE };

enum ui_btn { UI_BTN_PRIMARY, UI_BTN_SECONDARY, UI_BTN_DANGER, UI_BTN_HEADER, UI_BTN_KEY,
	      UI_BTN_ROW, UI_BTN_ACCENT };

enum {
	UI_WF_DISABLED = 1,
	UI_WF_GRADIENT = 2, /* box: fill at the top, fill2 at the bottom */
	UI_WF_SELECTED = 4,
	UI_WF_BUSY = 8,     /* button: its intent is in flight (spinner, not pressable) */
};

struct ui_tree;

struct ui_widget {
	enum ui_widget_kind kind;
	struct ui_rect r;
	struct ui_tree *tree;
	struct ui_widget *parent, *first, *last, *next;
	unsigned flags;
	struct ui_color fill, fill2, border, fg;
	int radius, border_w;
	const char *text, *text2;
	enum ui_font font;
	unsigned text_flags;
	enum ui_icon icon;
	double angle;
	enum ui_btn style;
	int value, content_h, scroll;
	struct ui_action act;
	int scroll_id;
	struct ui_image *img; /* UI_W_IMAGE: not owned (the UI's cache keeps it) */
};

struct ui_tree {
	struct ui_widget pool[UI_MAX_WIDGETS];
	unsigned n, dropped;
	struct ui_widget sink;
	char strings[UI_TREE_STRINGS];
	size_t used;
	const struct ui_theme *th;
	struct ui_text *text; /* for layout-time measuring */
};

/* What drawing needs besides the tree. */
struct ui_painter {
	struct ui_display *d;
	struct ui_text *text;
	struct ui_icons *icons;
	const struct ui_theme *th;
	struct ui_action pressed; /* drawn pressed; kind NONE for none */
	int64_t now_ms;           /* spinners */
};

/* An image fitted to r (ui_display_image_fit); img may be NULL (nothing drawn). */
struct ui_widget *ui_image_widget_create(struct ui_widget *parent, struct ui_rect r,
					 struct ui_image *img);
struct ui_widget *ui_tree_reset(struct ui_tree *t, const struct ui_theme *th, struct ui_text *text);
const char *ui_tree_strdup(struct ui_tree *t, const char *s);
void ui_tree_draw(const struct ui_tree *t, const struct ui_painter *p);
/* The widget with an action under (x, y), or NULL. */
const struct ui_widget *ui_tree_hit(const struct ui_tree *t, int x, int y);
/* The first enabled widget carrying this action (arg < 0: any arg). */
const struct ui_widget *ui_tree_find(const struct ui_tree *t, enum ui_action_kind k, int arg);
/* The same, for the widget whose action names order id. */
const struct ui_widget *ui_tree_find_id(const struct ui_tree *t, enum ui_action_kind k,
				       const char *id);
const struct ui_widget *ui_tree_list(const struct ui_tree *t, int scroll_id);
bool ui_action_eq(const struct ui_action *a, const struct ui_action *b);

static inline struct ui_action ui_act(enum ui_action_kind k, int arg)
{
	return (struct ui_action){ k, arg, NULL };
}

struct ui_widget *ui_box_create(struct ui_widget *parent, struct ui_rect r, struct ui_color fill,
				int radius);
struct ui_widget *ui_label_create(struct ui_widget *parent, struct ui_rect r, const char *text,
				  enum ui_font f, struct ui_color c, unsigned text_flags);
struct ui_widget *ui_button_create(struct ui_widget *parent, struct ui_rect r, const char *text,
				   enum ui_icon icon, enum ui_btn style, struct ui_action act);
struct ui_widget *ui_icon_create(struct ui_widget *parent, struct ui_rect r, enum ui_icon icon,
				 struct ui_color c);
/* permille: 0..1000 */
struct ui_widget *ui_progress_create(struct ui_widget *parent, struct ui_rect r, int permille);
/* An invisible touch area. */
struct ui_widget *ui_touch_create(struct ui_widget *parent, struct ui_rect r, struct ui_action act);

/* A clipped, scrollable list: children are placed with ui_list_slot() in
 * content coordinates; rows outside the view are not created at all. */
struct ui_widget *ui_list_create(struct ui_widget *parent, struct ui_rect r, int scroll_id,
				 int scroll, int content_h);
bool ui_list_slot(const struct ui_widget *list, int y, int h, struct ui_rect *out);

/* 3×4 keypad: 1-9, then clear (or nothing), 0, backspace. */
void ui_keypad_create(struct ui_widget *parent, struct ui_rect r, bool with_clear,
		      const char *clear_label, bool disabled);
/* A dimmed backdrop over everything and a centred card; returns the card. */
struct ui_widget *ui_modal_create(struct ui_widget *root, int w, int h);
/* A staff-menu tile: icon, title, one-line summary. */
struct ui_widget *ui_tile_create(struct ui_widget *parent, struct ui_rect r, enum ui_icon icon,
				 const char *title, const char *summary, struct ui_color tone,
				 struct ui_action act);

#endif
