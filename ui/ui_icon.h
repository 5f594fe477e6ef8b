/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ui_icon: the kiosk's pictograms, drawn from a few geometric primitives
 * (segments, circles, arcs, rounded boxes, triangles) on a 24×24 grid and
 * rasterised, anti-aliased, at the size a screen asks for.  No image files
 * to ship or license; one colour each, tinted at draw time.
 */
#ifndef TENPO_UI_ICON_H
#define TENPO_UI_ICON_H

#include "ui_display.h"

enum ui_icon {
	UI_ICON_NONE,
	UI_ICON_DISC,
	UI_ICON_CHECK,
	UI_ICON_BACKSPACE,
	UI_ICON_GLOBE,
	UI_ICON_TEXT_SIZE,
	UI_ICON_PERSON,
	UI_ICON_WARNING,
	UI_ICON_ARROW_LEFT,
	UI_ICON_ARROW_RIGHT,
	UI_ICON_SPINNER,
	UI_ICON_RECEIPT,
	UI_ICON_LOCK,
	UI_ICON_DRIVE,
	UI_ICON_LIST,
	UI_ICON_PLAY,
	UI_ICON_STORAGE,
	UI_ICON_WIFI,
	UI_ICON_MAIL,
	UI_ICON_PRINTER,
	UI_ICON_DOCUMENT,
	UI_ICON_INFO,
	UI_ICON_EJECT,
	UI_ICON_POWER,
	UI_ICON_SIGN_OUT,
	UI_ICON_CHEVRON_UP,
	UI_ICON_CHEVRON_DOWN,
	UI_ICON_CHEVRON_RIGHT,
	UI_ICON_CLOSE,
	UI_ICON_REFRESH,
	UI_ICON_DOWNLOAD,
	UI_ICON_CLOCK,
	UI_ICON_MUSIC,
	UI_ICON_FILM,
	UI_ICON_KEYPAD,
	UI_ICON_COUNT
};

struct ui_icons;

int ui_icons_open(struct ui_icons **out, struct ui_display *d);
void ui_icons_close(struct ui_icons *ic);
void ui_icons_flush(struct ui_icons *ic);

/* Draws the icon as large as fits r, centred, turned by angle degrees. */
void ui_icon_draw(struct ui_icons *ic, enum ui_icon icon, struct ui_rect r, struct ui_color c,
		  double angle);

#endif
