/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ui_theme: the one theme — colours, font roles, sizes — in two variants:
 * the normal one and the large-text high-contrast one.  Screens never
 * name a colour or a pixel size of their own; they ask the theme, so a
 * change of look is a change here.
 *
 * Sizes are given for the reference screen (1280×800) and scaled by
 * min(width / 1280, height / 800); ui_px() does that for layout code.
 */
#ifndef TENPO_UI_THEME_H
#define TENPO_UI_THEME_H

#include <stdbool.h>

#include "ui_display.h"

enum ui_font {
	UI_FONT_SMALL,   /* captions, table cells */
	UI_FONT_BODY,
	UI_FONT_BOLD,    /* body, bold */
	UI_FONT_LEAD,    /* sub-headings, prominent lines */
	UI_FONT_BUTTON,
	UI_FONT_TITLE,
	UI_FONT_DISPLAY, /* the one big line of a screen */
	UI_FONT_KEY,     /* keypad digits */
	UI_FONT_DIGIT,   /* the pickup code's digits */
	UI_FONT_MONO,    /* order ids, log lines */
	UI_FONT_COUNT
};

struct ui_font_spec {
	int px;
	bool bold;
	bool mono;
};

struct ui_palette {
	struct ui_color bg, surface, surface_alt, border, text, muted;
	struct ui_color primary, primary_pressed, on_primary;
	struct ui_color secondary, secondary_pressed, on_secondary, secondary_border;
	struct ui_color header, header_2, on_header, header_muted;
	struct ui_color staff_header, staff_badge, on_staff_badge;
	struct ui_color accent, on_accent;
	struct ui_color success, success_bg, warning, warning_bg, danger, danger_bg, on_danger;
	struct ui_color disabled, on_disabled, backdrop, track, selected;
};

struct ui_theme {
	int w, h;
	float scale;
	bool large;
	struct ui_palette c;
	struct ui_font_spec font[UI_FONT_COUNT];
	int margin, gap, radius, radius_small, border;
	int header_h, steps_h, button_h, touch_min, row_h;
};

void ui_theme_init(struct ui_theme *th, int width, int height, bool large);

static inline int ui_px(const struct ui_theme *th, int v)
{
	return (int)((float)v * th->scale + 0.5f);
}

#endif
