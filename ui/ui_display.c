// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_display: window, renderer and input behind one small interface.
 *
 * Design:
 *   - One window, one renderer, one logical size.  The offscreen driver
 *     (tests, headless demo) gets SDL's software renderer, so screenshots
 *     are the same bytes on every machine; real displays try an accelerated
 *     renderer first and fall back to software.
 *   - Input: the first finger or the left mouse button is "the pointer";
 *     other fingers are ignored (a kiosk is single-touch).  Mouse events SDL
 *     synthesises from touches are dropped so a tap is not seen twice.
 *   - Wake: a user event type registered at open; SDL_PushEvent is
 *     thread-safe, so the core's threads may call ui_display_wake().
 *   - Rounded corners and circles are drawn with small anti-aliased alpha
 *     masks (white, tinted at draw time), cached per radius; a rounded box
 *     is three rectangles and four corner copies.
 */
#include "ui_display.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <SDL_image.h>

#include "log.h"

#define MASK_CACHE 64

/* Corners top-left, top-right, bottom-right, bottom-left, then a disc.
 * Four corner masks rather than one flipped: the software renderer's
 * flipped copy goes through a temporary surface, a plain copy does not. */
enum mask_kind { MASK_TL, MASK_TR, MASK_BR, MASK_BL, MASK_CIRCLE };

struct mask {
	enum mask_kind kind;
	int radius;
	SDL_Texture *tex;
};

struct ui_display {
	SDL_Window *win;
	SDL_Renderer *ren;
	int w, h;
	Uint32 wake_type;
	bool pointer_down;
	SDL_FingerID finger;
	bool finger_down;
	struct mask masks[MASK_CACHE];
	unsigned mask_next;
	char driver[32];
};

struct ui_image {
	SDL_Texture *tex;
	int w, h;
};

static float coverage(float d)
{
	float c = 0.5f - d;

	return c < 0 ? 0 : c > 1 ? 1 : c;
}

/* White pixels whose alpha is the shape's coverage. */
static SDL_Texture *mask_make(SDL_Renderer *ren, enum mask_kind kind, int r)
{
	int size = kind == MASK_CIRCLE ? 2 * r : r;
	float cx = kind == MASK_TR || kind == MASK_BR ? 0 : (float)r;
	float cy = kind == MASK_BR || kind == MASK_BL ? 0 : (float)r;
	Uint32 *px = malloc((size_t)size * (size_t)size * sizeof(*px));
	SDL_Texture *tex;

	if (!px)
		return NULL;
	for (int y = 0; y < size; y++)
		for (int x = 0; x < size; x++) {
			float dx = (float)x + 0.5f - cx, dy = (float)y + 0.5f - cy;
			float a = coverage(sqrtf(dx * dx + dy * dy) - (float)r);

			px[y * size + x] = ((Uint32)(a * 255.0f + 0.5f) << 24) | 0xffffffu;
		}
	tex = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, size, size);
	if (tex) {
		SDL_UpdateTexture(tex, NULL, px, size * (int)sizeof(*px));
		SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
	}
	free(px);
	return tex;
}

static SDL_Texture *mask_get(struct ui_display *d, enum mask_kind kind, int r)
{
	struct mask *m;

	for (int i = 0; i < MASK_CACHE; i++)
		if (d->masks[i].tex && d->masks[i].kind == kind && d->masks[i].radius == r)
			return d->masks[i].tex;
	m = &d->masks[d->mask_next];
	d->mask_next = (d->mask_next + 1) % MASK_CACHE;
	if (m->tex)
		SDL_DestroyTexture(m->tex);
	m->kind = kind;
	m->radius = r;
	m->tex = mask_make(d->ren, kind, r);
	return m->tex;
}

static void masks_drop(struct ui_display *d)
{
	for (int i = 0; i < MASK_CACHE; i++) {
		if (d->masks[i].tex)
			SDL_DestroyTexture(d->masks[i].tex);
		d->masks[i].tex = NULL;
	}
}

int ui_display_open(struct ui_display **out, const char *driver, int width, int height,
		    bool show_cursor, struct err *e)
{
	struct ui_display *d;
	Uint32 wflags = SDL_WINDOW_SHOWN;
	bool offscreen = driver && !strcmp(driver, "offscreen");

	*out = NULL;
	if (width < 320 || height < 240 || width > 8192 || height > 8192)
		return err_fail(e, "display: screen %dx%d out of range", width, height);
	d = calloc(1, sizeof(*d));
	if (!d)
		return err_fail(e, "display: out of memory");
	d->w = width;
	d->h = height;
	/* SDL 2 has no fbcon driver; kmsdrm drives the same console. */
	if (driver && !strcmp(driver, "fbcon"))
		driver = "kmsdrm";
	if (driver && *driver)
		SDL_SetHint(SDL_HINT_VIDEODRIVER, driver);
	/* Touches arrive as finger events; the mouse copies are dropped below. */
	SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
	SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
	/* Offscreen: the window surface is plain memory.  Left alone, SDL
	 * would back it with a GL texture (Mesa's llvmpipe here): ten times
	 * slower and 100 MB more. */
	if (offscreen)
		SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
	if (SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS)) {
		err_fail(e, "display: SDL video driver %s: %s", driver ? driver : "(default)",
			 SDL_GetError());
		free(d);
		return -1;
	}
	snprintf(d->driver, sizeof(d->driver), "%s", SDL_GetCurrentVideoDriver());
	if (driver && !strcmp(driver, "kmsdrm"))
		wflags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
	d->win = SDL_CreateWindow("Tenpo", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, width,
				  height, wflags);
	if (!d->win) {
		err_fail(e, "display: window %dx%d on %s: %s", width, height, d->driver,
			 SDL_GetError());
		goto out_quit;
	}
	if (!offscreen)
		d->ren = SDL_CreateRenderer(d->win, -1,
					    SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
	if (!d->ren)
		d->ren = SDL_CreateRenderer(d->win, -1, SDL_RENDERER_SOFTWARE);
	if (!d->ren) {
		err_fail(e, "display: renderer on %s: %s", d->driver, SDL_GetError());
		goto out_window;
	}
	SDL_RenderSetLogicalSize(d->ren, width, height);
	d->wake_type = SDL_RegisterEvents(1);
	if (d->wake_type == (Uint32)-1) {
		err_fail(e, "display: no SDL user event left");
		goto out_renderer;
	}
	SDL_ShowCursor(show_cursor ? SDL_ENABLE : SDL_DISABLE);
	*out = d;
	return 0;

out_renderer:
	SDL_DestroyRenderer(d->ren);
out_window:
	SDL_DestroyWindow(d->win);
out_quit:
	SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
	free(d);
	return -1;
}

void ui_display_close(struct ui_display *d)
{
	if (!d)
		return;
	masks_drop(d);
	SDL_DestroyRenderer(d->ren);
	SDL_DestroyWindow(d->win);
	SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
	free(d);
}

const char *ui_display_driver(const struct ui_display *d)
{
	return d->driver;
}

static int key_of(SDL_Keycode k)
{
	if (k >= SDLK_0 && k <= SDLK_9)
		return '0' + (int)(k - SDLK_0);
	if (k >= SDLK_KP_1 && k <= SDLK_KP_9)
		return '1' + (int)(k - SDLK_KP_1);
	if (k == SDLK_KP_0)
		return '0';
	if (k == SDLK_BACKSPACE)
		return '\b';
	if (k == SDLK_RETURN || k == SDLK_KP_ENTER)
		return '\r';
	return 0;
}

/* One SDL event → at most one ui_event; false when it means nothing here. */
static bool translate(struct ui_display *d, const SDL_Event *s, struct ui_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (s->type == d->wake_type) {
		ev->kind = UI_EV_WAKE;
		return true;
	}
	switch (s->type) {
	case SDL_QUIT:
		ev->kind = UI_EV_QUIT;
		return true;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		if (s->button.which == SDL_TOUCH_MOUSEID || s->button.button != SDL_BUTTON_LEFT)
			return false;
		d->pointer_down = s->type == SDL_MOUSEBUTTONDOWN;
		ev->kind = d->pointer_down ? UI_EV_DOWN : UI_EV_UP;
		ev->x = s->button.x;
		ev->y = s->button.y;
		return true;
	case SDL_MOUSEMOTION:
		if (s->motion.which == SDL_TOUCH_MOUSEID || !d->pointer_down)
			return false;
		ev->kind = UI_EV_MOVE;
		ev->x = s->motion.x;
		ev->y = s->motion.y;
		return true;
	case SDL_FINGERDOWN:
		if (d->finger_down)
			return false;
		d->finger_down = true;
		d->finger = s->tfinger.fingerId;
		ev->kind = UI_EV_DOWN;
		break;
	case SDL_FINGERMOTION:
	case SDL_FINGERUP:
		if (!d->finger_down || s->tfinger.fingerId != d->finger)
			return false;
		if (s->type == SDL_FINGERUP)
			d->finger_down = false;
		ev->kind = s->type == SDL_FINGERUP ? UI_EV_UP : UI_EV_MOVE;
		break;
	case SDL_KEYDOWN:
		ev->key = key_of(s->key.keysym.sym);
		ev->kind = UI_EV_KEY;
		return ev->key != 0;
	case SDL_WINDOWEVENT:
		ev->kind = UI_EV_REDRAW;
		return true;
	case SDL_RENDER_TARGETS_RESET:
	case SDL_RENDER_DEVICE_RESET:
		masks_drop(d);
		ev->kind = UI_EV_RESET;
		return true;
	default:
		return false;
	}
	/* Fingers: normalised to the window. */
	ev->x = (int)lroundf(s->tfinger.x * (float)d->w);
	ev->y = (int)lroundf(s->tfinger.y * (float)d->h);
	return true;
}

/* A touch screen that misbehaves is diagnosed from these (log_level =
 * debug): kinds and times only, never where (a PIN is typed by touches). */
static void log_pointer(const SDL_Event *s)
{
	switch (s->type) {
	case SDL_FINGERDOWN:
	case SDL_FINGERUP:
	case SDL_FINGERMOTION:
		log_debug("ui", "finger %s id %lld (t %u ms)",
			  s->type == SDL_FINGERDOWN ? "down" : s->type == SDL_FINGERUP ? "up" : "motion",
			  (long long)s->tfinger.fingerId, s->common.timestamp);
		break;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		log_debug("ui", "mouse %s%s (t %u ms)",
			  s->type == SDL_MOUSEBUTTONDOWN ? "down" : "up",
			  s->button.which == SDL_TOUCH_MOUSEID ? " (from touch)" : "",
			  s->common.timestamp);
		break;
	default:
		break;
	}
}

bool ui_display_poll(struct ui_display *d, struct ui_event *ev)
{
	SDL_Event s;

	while (SDL_PollEvent(&s)) {
		log_pointer(&s);
		if (translate(d, &s, ev))
			return true;
	}
	return false;
}

bool ui_display_wait(struct ui_display *d, int timeout_ms)
{
	(void)d;
	if (timeout_ms < 0)
		return SDL_WaitEvent(NULL) == 1;
	return SDL_WaitEventTimeout(NULL, timeout_ms) == 1;
}

void ui_display_wake(struct ui_display *d)
{
	SDL_Event s;

	memset(&s, 0, sizeof(s));
	s.type = d->wake_type;
	SDL_PushEvent(&s);
}

int ui_display_push_pointer(struct ui_display *d, int x, int y, bool down)
{
	SDL_Event s;

	memset(&s, 0, sizeof(s));
	s.type = SDL_MOUSEMOTION;
	s.motion.windowID = SDL_GetWindowID(d->win);
	s.motion.x = x;
	s.motion.y = y;
	s.motion.state = d->pointer_down ? SDL_BUTTON_LMASK : 0;
	if (SDL_PushEvent(&s) < 0)
		return -1;
	memset(&s, 0, sizeof(s));
	s.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
	s.button.windowID = SDL_GetWindowID(d->win);
	s.button.button = SDL_BUTTON_LEFT;
	s.button.state = down ? SDL_PRESSED : SDL_RELEASED;
	s.button.clicks = 1;
	s.button.x = x;
	s.button.y = y;
	return SDL_PushEvent(&s) < 0 ? -1 : 0;
}

/* Opaque fills without blending: the software renderer then fills rows
 * with plain stores instead of blending every pixel. */
static void set_color(struct ui_display *d, struct ui_color c)
{
	SDL_SetRenderDrawBlendMode(d->ren, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
	SDL_SetRenderDrawColor(d->ren, c.r, c.g, c.b, c.a);
}

void ui_display_clear(struct ui_display *d, struct ui_color c)
{
	set_color(d, c);
	SDL_RenderClear(d->ren);
}

void ui_display_fill(struct ui_display *d, struct ui_rect r, struct ui_color c)
{
	SDL_Rect s = { r.x, r.y, r.w, r.h };

	if (r.w <= 0 || r.h <= 0 || !c.a)
		return;
	set_color(d, c);
	SDL_RenderFillRect(d->ren, &s);
}

static void corner(struct ui_display *d, enum mask_kind k, int x, int y, int r, struct ui_color c)
{
	SDL_Texture *t = mask_get(d, k, r);
	SDL_Rect dst = { x, y, r, r };

	if (!t)
		return;
	SDL_SetTextureColorMod(t, c.r, c.g, c.b);
	SDL_SetTextureAlphaMod(t, c.a);
	SDL_RenderCopy(d->ren, t, NULL, &dst);
}

static void rounded(struct ui_display *d, struct ui_rect b, int r, struct ui_color c)
{
	if (b.w <= 0 || b.h <= 0 || !c.a)
		return;
	if (r > b.w / 2)
		r = b.w / 2;
	if (r > b.h / 2)
		r = b.h / 2;
	if (r <= 0) {
		ui_display_fill(d, b, c);
		return;
	}
	ui_display_fill(d, (struct ui_rect){ b.x + r, b.y, b.w - 2 * r, b.h }, c);
	ui_display_fill(d, (struct ui_rect){ b.x, b.y + r, r, b.h - 2 * r }, c);
	ui_display_fill(d, (struct ui_rect){ b.x + b.w - r, b.y + r, r, b.h - 2 * r }, c);
	corner(d, MASK_TL, b.x, b.y, r, c);
	corner(d, MASK_TR, b.x + b.w - r, b.y, r, c);
	corner(d, MASK_BR, b.x + b.w - r, b.y + b.h - r, r, c);
	corner(d, MASK_BL, b.x, b.y + b.h - r, r, c);
}

void ui_display_box(struct ui_display *d, struct ui_rect r, int radius, struct ui_color fill,
		    struct ui_color border, int border_w)
{
	if (border_w > 0 && border.a) {
		rounded(d, r, radius, border);
		r = ui_rect_inset(r, border_w, border_w);
		radius = radius > border_w ? radius - border_w : 0;
	}
	rounded(d, r, radius, fill);
}

/* Bands of flat colour, one per step of the widest channel: as smooth as
 * 8-bit colour allows and far cheaper than interpolated geometry in the
 * software renderer. */
void ui_display_gradient(struct ui_display *d, struct ui_rect r, struct ui_color top,
			 struct ui_color bottom)
{
	int span = abs(top.r - bottom.r), steps;

	span = abs(top.g - bottom.g) > span ? abs(top.g - bottom.g) : span;
	span = abs(top.b - bottom.b) > span ? abs(top.b - bottom.b) : span;
	steps = span < 1 ? 1 : span > r.h ? r.h : span;
	for (int i = 0; i < steps; i++) {
		int y0 = r.y + r.h * i / steps, y1 = r.y + r.h * (i + 1) / steps;
		int f = steps > 1 ? i * 255 / (steps - 1) : 0;
		struct ui_color c = {
			(uint8_t)(top.r + (bottom.r - top.r) * f / 255),
			(uint8_t)(top.g + (bottom.g - top.g) * f / 255),
			(uint8_t)(top.b + (bottom.b - top.b) * f / 255),
			255,
		};

		ui_display_fill(d, (struct ui_rect){ r.x, y0, r.w, y1 - y0 }, c);
	}
}

void ui_display_circle(struct ui_display *d, int cx, int cy, int radius, struct ui_color c)
{
	SDL_Texture *t = radius > 0 ? mask_get(d, MASK_CIRCLE, radius) : NULL;
	SDL_Rect dst = { cx - radius, cy - radius, 2 * radius, 2 * radius };

	if (!t)
		return;
	SDL_SetTextureColorMod(t, c.r, c.g, c.b);
	SDL_SetTextureAlphaMod(t, c.a);
	SDL_RenderCopy(d->ren, t, NULL, &dst);
}

void ui_display_clip(struct ui_display *d, const struct ui_rect *r)
{
	SDL_Rect s;

	if (!r) {
		SDL_RenderSetClipRect(d->ren, NULL);
		return;
	}
	s = (SDL_Rect){ r->x, r->y, r->w > 0 ? r->w : 0, r->h > 0 ? r->h : 0 };
	SDL_RenderSetClipRect(d->ren, &s);
}

void ui_display_present(struct ui_display *d)
{
	SDL_RenderPresent(d->ren);
}

struct ui_image *ui_image_create(struct ui_display *d, const void *argb, int w, int h, int pitch)
{
	struct ui_image *img;

	if (w <= 0 || h <= 0)
		return NULL;
	img = calloc(1, sizeof(*img));
	if (!img)
		return NULL;
	img->tex = SDL_CreateTexture(d->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, w,
				     h);
	if (!img->tex) {
		free(img);
		return NULL;
	}
	SDL_UpdateTexture(img->tex, NULL, argb, pitch);
	SDL_SetTextureBlendMode(img->tex, SDL_BLENDMODE_BLEND);
	img->w = w;
	img->h = h;
	return img;
}

struct ui_image *ui_image_load(struct ui_display *d, const char *path, struct err *e)
{
	SDL_Surface *s = IMG_Load(path);
	struct ui_image *img;

	if (!s) {
		err_fail(e, "%s: %s", path, IMG_GetError());
		return NULL;
	}
	img = calloc(1, sizeof(*img));
	if (img)
		img->tex = SDL_CreateTextureFromSurface(d->ren, s);
	if (!img || !img->tex) {
		err_fail(e, "%s: %s", path, img ? SDL_GetError() : "out of memory");
		free(img);
		SDL_FreeSurface(s);
		return NULL;
	}
	img->w = s->w;
	img->h = s->h;
	SDL_FreeSurface(s);
	return img;
}

void ui_display_image_fit(struct ui_display *d, struct ui_image *img, struct ui_rect r)
{
	double scale;
	SDL_Rect src, dst;

	if (!img || r.w <= 0 || r.h <= 0)
		return;
	scale = img->w > r.w ? (double)r.w / img->w : 1.0;
	src = (SDL_Rect){ 0, 0, img->w, img->h };
	dst = (SDL_Rect){ 0, r.y, (int)(img->w * scale), (int)(img->h * scale) };
	if (dst.h > r.h) {
		dst.h = r.h;
		src.h = (int)(r.h / scale);
	}
	dst.x = r.x + (r.w - dst.w) / 2;
	SDL_SetTextureColorMod(img->tex, 255, 255, 255);
	SDL_SetTextureAlphaMod(img->tex, 255);
	SDL_RenderCopy(d->ren, img->tex, &src, &dst);
}

void ui_image_destroy(struct ui_image *img)
{
	if (!img)
		return;
	SDL_DestroyTexture(img->tex);
	free(img);
}

void ui_image_size(const struct ui_image *img, int *w, int *h)
{
	*w = img ? img->w : 0;
	*h = img ? img->h : 0;
}

void ui_display_image(struct ui_display *d, struct ui_image *img, int x, int y, struct ui_color c,
		      double angle)
{
	SDL_Rect dst;

	if (!img)
		return;
	dst = (SDL_Rect){ x, y, img->w, img->h };
	SDL_SetTextureColorMod(img->tex, c.r, c.g, c.b);
	SDL_SetTextureAlphaMod(img->tex, c.a);
	if (angle != 0.0)
		SDL_RenderCopyEx(d->ren, img->tex, NULL, &dst, angle, NULL, SDL_FLIP_NONE);
	else
		SDL_RenderCopy(d->ren, img->tex, NULL, &dst);
}

/* RGB without alpha: the screen is opaque, and the file a fifth smaller. */
int ui_display_save_png(struct ui_display *d, const char *path, struct err *e)
{
	SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, d->w, d->h, 24, SDL_PIXELFORMAT_RGB24);
	int rc = 0;

	if (!s)
		return err_fail(e, "screenshot: %s", SDL_GetError());
	if (SDL_RenderReadPixels(d->ren, NULL, SDL_PIXELFORMAT_RGB24, s->pixels, s->pitch))
		rc = err_fail(e, "screenshot: read pixels: %s", SDL_GetError());
	else if (IMG_SavePNG(s, path))
		rc = err_fail(e, "screenshot: %s: %s", path, IMG_GetError());
	SDL_FreeSurface(s);
	return rc;
}

static SDL_Surface *load_argb(const char *path, struct err *e)
{
	SDL_Surface *raw = IMG_Load(path), *s;

	if (!raw) {
		err_fail(e, "%s: %s", path, IMG_GetError());
		return NULL;
	}
	s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
	SDL_FreeSurface(raw);
	if (!s)
		err_fail(e, "%s: %s", path, SDL_GetError());
	return s;
}

static int channel_far(Uint32 p, Uint32 q, int tol)
{
	for (int sh = 0; sh < 32; sh += 8) {
		int a = (int)((p >> sh) & 0xff), b = (int)((q >> sh) & 0xff);

		if (abs(a - b) > tol)
			return 1;
	}
	return 0;
}

int ui_png_compare(const char *a, const char *b, int tol, double *bad_ratio, struct err *e)
{
	SDL_Surface *sa, *sb = NULL;
	long bad = 0;
	int rc = -1;

	*bad_ratio = 1.0;
	sa = load_argb(a, e);
	if (!sa)
		return -1;
	sb = load_argb(b, e);
	if (!sb)
		goto out;
	if (sa->w != sb->w || sa->h != sb->h) {
		err_fail(e, "%s is %dx%d, %s is %dx%d", a, sa->w, sa->h, b, sb->w, sb->h);
		goto out;
	}
	for (int y = 0; y < sa->h; y++) {
		const Uint32 *pa = (const Uint32 *)((const Uint8 *)sa->pixels + y * sa->pitch);
		const Uint32 *pb = (const Uint32 *)((const Uint8 *)sb->pixels + y * sb->pitch);

		for (int x = 0; x < sa->w; x++)
			bad += pa[x] != pb[x] && channel_far(pa[x], pb[x], tol);
	}
	*bad_ratio = (double)bad / ((double)sa->w * sa->h);
	rc = 0;
out:
	SDL_FreeSurface(sa);
	SDL_FreeSurface(sb);
	return rc;
}
