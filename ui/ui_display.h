/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ui_display: the one SDL adapter.  Everything else in ui/ sees rectangles,
 * colours, opaque images and pointer events; only ui_display.c knows about
 * windows, renderers and the SDL event queue.
 *
 * The video back end is chosen by name, as the board profile says it
 * ("x11", "wayland", "kmsdrm", "offscreen"; NULL lets SDL pick).  The
 * drawing surface is always width × height logical pixels; when the real
 * output is larger (kmsdrm on a bigger panel) SDL scales and letterboxes.
 *
 * Lifetimes: a ui_image belongs to the display that made it and must be
 * destroyed before the display is closed.  ui_display_wake() may be called
 * from any thread while the display is open; nothing else may.
 */
#ifndef TENPO_UI_DISPLAY_H
#define TENPO_UI_DISPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

struct ui_rect {
	int x, y, w, h;
};

struct ui_color {
	uint8_t r, g, b, a;
};

#define UI_RGB(hex) ((struct ui_color){ ((hex) >> 16) & 0xff, ((hex) >> 8) & 0xff, (hex) & 0xff, 0xff })
#define UI_RGBA(hex, alpha) ((struct ui_color){ ((hex) >> 16) & 0xff, ((hex) >> 8) & 0xff, (hex) & 0xff, (alpha) })

static inline bool ui_rect_has(struct ui_rect r, int x, int y)
{
	return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

static inline struct ui_rect ui_rect_inset(struct ui_rect r, int dx, int dy)
{
	return (struct ui_rect){ r.x + dx, r.y + dy, r.w - 2 * dx, r.h - 2 * dy };
}

/* What the input side reports, already in logical screen coordinates. */
enum ui_event_kind {
	UI_EV_NONE,
	UI_EV_DOWN,   /* first finger or left button went down at x, y */
	UI_EV_MOVE,   /* while down */
	UI_EV_UP,
	UI_EV_KEY,    /* key: '0'..'9', '\b', '\r' (a keyboard on the desktop board) */
	UI_EV_WAKE,   /* ui_display_wake(): a new snapshot is waiting */
	UI_EV_REDRAW, /* exposed, resized: draw again */
	UI_EV_RESET,  /* the renderer lost its textures: drop every image */
	UI_EV_QUIT    /* SIGINT/SIGTERM (SDL turns them into SDL_QUIT) or window close */
};

struct ui_event {
	enum ui_event_kind kind;
	int x, y;
	int key;
};

struct ui_display;
struct ui_image;

int ui_display_open(struct ui_display **out, const char *driver, int width, int height,
		    bool show_cursor, struct err *e);
/* NULL is fine. */
void ui_display_close(struct ui_display *d);

/* The driver SDL actually uses ("offscreen", "x11" ...). */
const char *ui_display_driver(const struct ui_display *d);

/* Takes the next pending event; false when there is none. */
bool ui_display_poll(struct ui_display *d, struct ui_event *ev);
/* Sleeps until an event is pending or timeout_ms passes (<0: forever). */
bool ui_display_wait(struct ui_display *d, int timeout_ms);
/* Thread-safe: makes a waiting ui_display_wait() return. */
void ui_display_wake(struct ui_display *d);
/* Pushes a real SDL mouse event at logical coordinates (tests, scripts). */
int ui_display_push_pointer(struct ui_display *d, int x, int y, bool down);

/* Drawing.  Colours with alpha < 255 blend. */
void ui_display_clear(struct ui_display *d, struct ui_color c);
void ui_display_fill(struct ui_display *d, struct ui_rect r, struct ui_color c);
/* A rounded box with anti-aliased corners; border_w 0 for none. */
void ui_display_box(struct ui_display *d, struct ui_rect r, int radius, struct ui_color fill,
		    struct ui_color border, int border_w);
void ui_display_gradient(struct ui_display *d, struct ui_rect r, struct ui_color top,
			 struct ui_color bottom);
void ui_display_circle(struct ui_display *d, int cx, int cy, int radius, struct ui_color c);
void ui_display_clip(struct ui_display *d, const struct ui_rect *r); /* NULL: none */
void ui_display_present(struct ui_display *d);

/* Images: premultiplied-free ARGB8888 pixels, copied.  Drawn tinted by c
 * (white keeps the pixels' own colour), rotated by angle degrees. */
struct ui_image *ui_image_create(struct ui_display *d, const void *argb, int w, int h, int pitch);
void ui_image_destroy(struct ui_image *img);
void ui_image_size(const struct ui_image *img, int *w, int *h);
void ui_display_image(struct ui_display *d, struct ui_image *img, int x, int y, struct ui_color c,
		      double angle);
/* An image file (PNG: SDL_image), or NULL and e. */
struct ui_image *ui_image_load(struct ui_display *d, const char *path, struct err *e);
/* Drawn scaled down to r's width (never up), centred; its top part when it
 * is taller than r. */
void ui_display_image_fit(struct ui_display *d, struct ui_image *img, struct ui_rect r);

/* The frame drawn so far, as a PNG. */
int ui_display_save_png(struct ui_display *d, const char *path, struct err *e);

/* Compares two PNG files: *bad_ratio is the share of pixels where some
 * channel differs by more than tol.  Fails when a file cannot be read or
 * the sizes differ. */
int ui_png_compare(const char *a, const char *b, int tol, double *bad_ratio, struct err *e);

#endif
