// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_theme: the palette and the metrics.
 *
 * Normal: a light, calm surface (the store is bright), one strong blue for
 * what the customer should press next, navy chrome, an amber accent, and
 * green/amber/red reserved for done/warning/error.  Staff screens use a
 * dark slate header with an amber STAFF badge, so nobody mistakes the
 * maintenance menu for the customer flow.
 *
 * Large text: every font about 1.3× and the high-contrast palette (white on
 * black, yellow actions, thicker borders), for customers who need it.  The
 * touch targets stay at least 80 px in both.
 */
#include "ui_theme.h"

static const struct ui_palette normal = {
	.bg = UI_RGB(0xF2F4F7),
	.surface = UI_RGB(0xFFFFFF),
	.surface_alt = UI_RGB(0xE9EEF4),
	.border = UI_RGB(0xD3DAE4),
	.text = UI_RGB(0x15202E),
	.muted = UI_RGB(0x556275),
	.primary = UI_RGB(0x0A62C9),
	.primary_pressed = UI_RGB(0x064A99),
	.on_primary = UI_RGB(0xFFFFFF),
	.secondary = UI_RGB(0xFFFFFF),
	.secondary_pressed = UI_RGB(0xDCE6F3),
	.on_secondary = UI_RGB(0x0B3566),
	.secondary_border = UI_RGB(0xB8C4D4),
	.header = UI_RGB(0x0D2746),
	.header_2 = UI_RGB(0x163A66),
	.on_header = UI_RGB(0xFFFFFF),
	.header_muted = UI_RGB(0xA8BDD6),
	.staff_header = UI_RGB(0x2A2F37),
	.staff_badge = UI_RGB(0xF2A33A),
	.on_staff_badge = UI_RGB(0x1B1B1B),
	.accent = UI_RGB(0xF2A33A),
	.on_accent = UI_RGB(0x1B1B1B),
	.success = UI_RGB(0x17803A),
	.success_bg = UI_RGB(0xE3F3E8),
	.warning = UI_RGB(0x8F5600),
	.warning_bg = UI_RGB(0xFFF2D6),
	.danger = UI_RGB(0xBF2626),
	.danger_bg = UI_RGB(0xFCE9E9),
	.on_danger = UI_RGB(0xFFFFFF),
	.disabled = UI_RGB(0xDDE2E9),
	.on_disabled = UI_RGB(0x8F99A6),
	.backdrop = UI_RGBA(0x0A1424, 0xA8),
	.track = UI_RGB(0xDCE3EC),
	.selected = UI_RGB(0xDDEBFB),
};

static const struct ui_palette contrast = {
	.bg = UI_RGB(0x000000),
	.surface = UI_RGB(0x000000),
	.surface_alt = UI_RGB(0x1C1C1C),
	.border = UI_RGB(0xFFFFFF),
	.text = UI_RGB(0xFFFFFF),
	.muted = UI_RGB(0xE6E6E6),
	.primary = UI_RGB(0xFFD600),
	.primary_pressed = UI_RGB(0xFFFFFF),
	.on_primary = UI_RGB(0x000000),
	.secondary = UI_RGB(0x000000),
	.secondary_pressed = UI_RGB(0x3A3A3A),
	.on_secondary = UI_RGB(0xFFFFFF),
	.secondary_border = UI_RGB(0xFFFFFF),
	.header = UI_RGB(0x000000),
	.header_2 = UI_RGB(0x000000),
	.on_header = UI_RGB(0xFFFFFF),
	.header_muted = UI_RGB(0xFFD600),
	.staff_header = UI_RGB(0x000000),
	.staff_badge = UI_RGB(0xFFD600),
	.on_staff_badge = UI_RGB(0x000000),
	.accent = UI_RGB(0xFFD600),
	.on_accent = UI_RGB(0x000000),
	.success = UI_RGB(0x6BFF95),
	.success_bg = UI_RGB(0x002B12),
	.warning = UI_RGB(0xFFD600),
	.warning_bg = UI_RGB(0x2E2600),
	.danger = UI_RGB(0xFF7A7A),
	.danger_bg = UI_RGB(0x3A0000),
	.on_danger = UI_RGB(0x000000),
	.disabled = UI_RGB(0x2E2E2E),
	.on_disabled = UI_RGB(0xBDBDBD),
	.backdrop = UI_RGBA(0x000000, 0xD0),
	.track = UI_RGB(0x3A3A3A),
	.selected = UI_RGB(0x203A5C),
};

/* px at the reference size, normal then large. */
static const struct {
	int px, large_px;
	bool bold, mono;
} fonts[UI_FONT_COUNT] = {
	[UI_FONT_SMALL] = { 20, 26, false, false },
	[UI_FONT_BODY] = { 24, 31, false, false },
	[UI_FONT_BOLD] = { 24, 31, true, false },
	[UI_FONT_LEAD] = { 29, 36, false, false },
	[UI_FONT_BUTTON] = { 29, 35, true, false },
	[UI_FONT_TITLE] = { 40, 48, true, false },
	[UI_FONT_DISPLAY] = { 54, 62, true, false },
	[UI_FONT_KEY] = { 46, 54, false, false },
	[UI_FONT_DIGIT] = { 46, 52, true, false },
	[UI_FONT_MONO] = { 19, 24, false, true },
};

void ui_theme_init(struct ui_theme *th, int width, int height, bool large)
{
	float sx = (float)width / 1280.0f, sy = (float)height / 800.0f;

	th->w = width;
	th->h = height;
	th->scale = sx < sy ? sx : sy;
	th->large = large;
	th->c = large ? contrast : normal;
	for (int i = 0; i < UI_FONT_COUNT; i++) {
		th->font[i].px = ui_px(th, large ? fonts[i].large_px : fonts[i].px);
		th->font[i].bold = fonts[i].bold || large;
		th->font[i].mono = fonts[i].mono;
	}
	th->margin = ui_px(th, 40);
	th->gap = ui_px(th, 20);
	th->radius = ui_px(th, 16);
	th->radius_small = ui_px(th, 10);
	th->border = large ? ui_px(th, 3) : ui_px(th, 2);
	th->header_h = ui_px(th, 100);
	th->steps_h = ui_px(th, 64);
	th->button_h = ui_px(th, 96);
	th->touch_min = ui_px(th, 80);
	th->row_h = ui_px(th, large ? 96 : 80);
	if (th->touch_min < 80 && width >= 1024)
		th->touch_min = 80;
}
