// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui: the frame loop — input to actions, snapshot to screen, screen to
 * pixels — and the public API of ui.h.
 *
 * One frame (ui_frame):
 *   1. pending input is matched against the tree that was last drawn (what
 *      the customer saw); a completed tap becomes an action for ui_nav,
 *      and the tree is rebuilt at once so a second queued tap lands on the
 *      screen the first one produced;
 *   2. the press-and-hold of the staff corner is timed;
 *   3. ui_nav follows the snapshot (stage changes, timeouts);
 *   4. if anything changed — input, snapshot seq, ui_nav state, a timer
 *      due — the tree is rebuilt from (nav, snapshot) and drawn.
 * Nothing is drawn otherwise; wake_ms says when a timer next needs a frame.
 *
 * Pointer: a tap fires on release over the same target it went down on
 * (moving off cancels, as on a phone).  Inside a scrolling list, moving
 * more than a few pixels turns the press into a drag instead.
 */
#include "ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "ui_display.h"
#include "ui_nav.h"
#include "ui_screen.h"

#define DRAG_SLOP 14

typedef void (*screen_fn)(struct ui_widget *root, const struct ui_ctx *c);

static const screen_fn screens[UI_SCREEN_COUNT] = {
	[UI_SCREEN_ATTRACT] = ui_attract_create,
	[UI_SCREEN_CODE] = ui_code_create,
	[UI_SCREEN_CHECKING] = ui_checking_create,
	[UI_SCREEN_ORDER] = ui_order_create,
	[UI_SCREEN_DISC] = ui_disc_create,
	[UI_SCREEN_WRITING] = ui_writing_create,
	[UI_SCREEN_DONE] = ui_done_create,
	[UI_SCREEN_ERROR] = ui_error_create,
	[UI_SCREEN_SLIP] = ui_slip_create,
	[UI_SCREEN_STAFF_PIN] = ui_staff_pin_create,
	[UI_SCREEN_STAFF_MENU] = ui_staff_menu_create,
	[UI_SCREEN_STAFF_DRIVE] = ui_staff_drive_create,
	[UI_SCREEN_STAFF_QUEUE] = ui_staff_queue_create,
	[UI_SCREEN_STAFF_TEST_WRITE] = ui_staff_test_create,
	[UI_SCREEN_STAFF_SPOOL] = ui_staff_spool_create,
	[UI_SCREEN_STAFF_NETWORK] = ui_staff_network_create,
	[UI_SCREEN_STAFF_OUTBOX] = ui_staff_outbox_create,
	[UI_SCREEN_STAFF_PERIPHERALS] = ui_staff_periph_create,
	[UI_SCREEN_STAFF_LOG] = ui_staff_log_create,
	[UI_SCREEN_STAFF_ABOUT] = ui_staff_about_create,
	[UI_SCREEN_STAFF_DAY] = ui_staff_day_create,
};

static const char *const screen_names[UI_SCREEN_COUNT] = {
	[UI_SCREEN_ATTRACT] = "attract",
	[UI_SCREEN_CODE] = "code",
	[UI_SCREEN_CHECKING] = "checking",
	[UI_SCREEN_ORDER] = "order",
	[UI_SCREEN_DISC] = "disc",
	[UI_SCREEN_WRITING] = "writing",
	[UI_SCREEN_DONE] = "done",
	[UI_SCREEN_ERROR] = "error",
	[UI_SCREEN_SLIP] = "slip",
	[UI_SCREEN_STAFF_PIN] = "staff-pin",
	[UI_SCREEN_STAFF_MENU] = "staff-menu",
	[UI_SCREEN_STAFF_DRIVE] = "staff-drive",
	[UI_SCREEN_STAFF_QUEUE] = "staff-queue",
	[UI_SCREEN_STAFF_TEST_WRITE] = "staff-test-write",
	[UI_SCREEN_STAFF_SPOOL] = "staff-spool",
	[UI_SCREEN_STAFF_NETWORK] = "staff-network",
	[UI_SCREEN_STAFF_OUTBOX] = "staff-outbox",
	[UI_SCREEN_STAFF_PERIPHERALS] = "staff-peripherals",
	[UI_SCREEN_STAFF_LOG] = "staff-log",
	[UI_SCREEN_STAFF_ABOUT] = "staff-about",
	[UI_SCREEN_STAFF_DAY] = "staff-day",
};

struct pointer {
	bool down, dragging;
	struct ui_action pressed;
	char pressed_id[ORDER_ID_MAX + 1];
	int64_t down_at;
	int down_x, down_y;
	int drag_list, drag_from;
};

struct ui {
	struct ui_options opt;
	char driver[32], fonts_dir[512];
	struct ui_display *d;
	struct ui_text *text;
	struct ui_icons *icons;
	struct ui_theme theme;
	struct ui_nav nav, nav_before;
	struct ui_tree *tree;
	bool built;
	enum ui_screen screen;
	struct pointer ptr;
	uint64_t last_seq;
	bool have_seq, force;
	int64_t redraw_at, drawn_at;
	struct core_snapshot *loop_snap;
	unsigned frames;
	struct ui_text_stats tstats;
	/* the staff's receipt preview: loaded again when the core renders a
	 * new one (periph.preview_seq grows) */
	uint64_t preview_seq;
	struct ui_image *preview;
};

static int64_t mono_ms(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t now_ms(const struct ui *u)
{
	return u->opt.clock_ms(u->opt.clock_arg);
}

static void build(struct ui *u, const struct core_snapshot *s, int64_t now)
{
	struct ui_ctx c;
	struct ui_widget *root;

	bool large;

	u->screen = ui_nav_screen(&u->nav, s);
	/* Large text is the customer's setting; the staff pages keep their
	 * dense layout (a staff member can always ask for the menu as is). */
	large = u->nav.large && !ui_screen_is_staff(u->screen);
	if (large != u->theme.large)
		ui_theme_init(&u->theme, u->theme.w, u->theme.h, large);
	root = ui_tree_reset(u->tree, &u->theme, u->text);
	if (s->periph.preview_seq != u->preview_seq) {
		char path[sizeof(s->periph.preview_png)];

		u->preview_seq = s->periph.preview_seq;
		ui_image_destroy(u->preview);
		snprintf(path, sizeof(path), "%.*s", (int)sizeof(path) - 1, s->periph.preview_png);
		/* unreadable: the page shows the path and nothing else */
		u->preview = path[0] ? ui_image_load(u->d, path, NULL) : NULL;
	}
	c = (struct ui_ctx){ u->tree, u->text, &u->theme, s, &u->nav, u->nav.lang, now,
			     ui_display_driver(u->d), u->preview };
	screens[u->screen](root, &c);
	ui_chrome_modal(root, &c);
	/* Lists clamp their scroll to what they hold; keep the clamped value. */
	for (int i = 0; i < UI_SCROLL_COUNT; i++) {
		const struct ui_widget *l = ui_tree_list(u->tree, i);

		if (l)
			u->nav.scroll[i] = l->scroll;
	}
	u->built = true;
}

static void draw(struct ui *u, int64_t now)
{
	struct ui_painter p = { u->d, u->text, u->icons, &u->theme, u->ptr.pressed, now };

	if (u->ptr.pressed.kind != UI_ACT_NONE)
		p.pressed.id = u->ptr.pressed_id[0] ? u->ptr.pressed_id : NULL;
	ui_text_stats_reset(u->text);
	ui_tree_draw(u->tree, &p);
	ui_text_stats(u->text, &u->tstats);
}

static void fire(struct ui *u, const struct ui_action *a, const struct core_snapshot *s,
		 int64_t now, struct ui_output *out)
{
	if (a->kind == UI_ACT_SCROLL_UP || a->kind == UI_ACT_SCROLL_DOWN) {
		const struct ui_widget *l = ui_tree_list(u->tree, a->arg);

		if (l && a->arg >= 0 && a->arg < UI_SCROLL_COUNT)
			u->nav.scroll[a->arg] += (a->kind == UI_ACT_SCROLL_UP ? -1 : 1) * l->r.h * 3 / 4;
	} else {
		ui_nav_act(&u->nav, a, s, now, out);
	}
	build(u, s, now);
}

static void press_clear(struct pointer *p)
{
	p->pressed = ui_act(UI_ACT_NONE, 0);
	p->pressed_id[0] = '\0';
}

static bool same_target(const struct pointer *p, const struct ui_widget *w)
{
	struct ui_action a = p->pressed;

	a.id = p->pressed_id[0] ? p->pressed_id : NULL;
	return w && ui_action_eq(&w->act, &a);
}

static void pointer_down(struct ui *u, int x, int y, int64_t now)
{
	struct pointer *p = &u->ptr;
	const struct ui_widget *w;
	bool was_idle_modal = u->nav.modal == UI_MODAL_IDLE;

	ui_nav_touch(&u->nav, now);
	press_clear(p);
	p->down = true;
	p->dragging = false;
	p->down_at = now;
	p->down_x = x;
	p->down_y = y;
	p->drag_list = -1;
	if (was_idle_modal)
		return; /* the touch only dismissed "are you still there?" */
	w = ui_tree_hit(u->tree, x, y);
	log_debug("ui", "down on action %d", w ? (int)w->act.kind : -1);
	if (w) {
		p->pressed = w->act;
		snprintf(p->pressed_id, sizeof(p->pressed_id), "%s", w->act.id ? w->act.id : "");
		p->pressed.id = NULL;
	}
	for (int i = 0; i < UI_SCROLL_COUNT; i++) {
		const struct ui_widget *l = ui_tree_list(u->tree, i);

		if (l && ui_rect_has(l->r, x, y) && l->content_h > l->r.h && u->nav.modal == UI_MODAL_NONE) {
			p->drag_list = i;
			p->drag_from = l->scroll;
		}
	}
}

static void pointer_move(struct ui *u, int x, int y, const struct core_snapshot *s, int64_t now)
{
	struct pointer *p = &u->ptr;

	if (!p->down)
		return;
	if (p->drag_list >= 0 && (p->dragging || abs(y - p->down_y) > DRAG_SLOP)) {
		p->dragging = true;
		press_clear(p);
		u->nav.scroll[p->drag_list] = p->drag_from - (y - p->down_y);
		build(u, s, now);
		return;
	}
	if (p->pressed.kind != UI_ACT_NONE && !same_target(p, ui_tree_hit(u->tree, x, y)))
		press_clear(p);
}

static void pointer_up(struct ui *u, int x, int y, const struct core_snapshot *s, int64_t now,
		       struct ui_output *out)
{
	struct pointer *p = &u->ptr;
	struct ui_action a = p->pressed;
	char id[ORDER_ID_MAX + 1];

	if (!p->down)
		return;
	p->down = false;
	log_debug("ui", "up after %lld ms (pressed: action %d)", (long long)(now - p->down_at),
		  (int)p->pressed.kind);
	snprintf(id, sizeof(id), "%s", p->pressed_id);
	a.id = id[0] ? id : NULL;
	/* The staff corner fires once held long enough.  Usually the frame
	 * timer sees that while the finger is still down; but a UI busy
	 * drawing (a slow renderer) may only read the release after the hold
	 * was over, and then the release decides. */
	if (!p->dragging && a.kind != UI_ACT_NONE &&
	    (a.kind != UI_ACT_STAFF_CORNER || now - p->down_at >= UI_STAFF_HOLD_MS) &&
	    same_target(p, ui_tree_hit(u->tree, x, y))) {
		press_clear(p);
		fire(u, &a, s, now, out);
	}
	press_clear(p);
	p->dragging = false;
	p->drag_list = -1;
}

static void key(struct ui *u, int k, const struct core_snapshot *s, int64_t now,
		struct ui_output *out)
{
	const struct ui_widget *w = NULL;

	ui_nav_touch(&u->nav, now);
	if (k >= '0' && k <= '9')
		w = ui_tree_find(u->tree, UI_ACT_DIGIT, k - '0');
	else if (k == '\b')
		w = ui_tree_find(u->tree, UI_ACT_BACKSPACE, -1);
	else if (k == '\r')
		w = ui_tree_find(u->tree, UI_ACT_SUBMIT, -1);
	if (w) {
		struct ui_action a = w->act;

		fire(u, &a, s, now, out);
	}
}

int ui_open(struct ui **out, const struct ui_options *opt, struct err *e)
{
	struct ui *u;
	int w, h;

	*out = NULL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return err_fail(e, "ui: out of memory");
	u->opt = *opt;
	snprintf(u->driver, sizeof(u->driver), "%s", opt->driver ? opt->driver : "");
	snprintf(u->fonts_dir, sizeof(u->fonts_dir), "%s", opt->fonts_dir ? opt->fonts_dir : "");
	u->opt.driver = u->driver[0] ? u->driver : NULL;
	u->opt.fonts_dir = u->fonts_dir[0] ? u->fonts_dir : NULL;
	if (!u->opt.clock_ms)
		u->opt.clock_ms = mono_ms;
	w = opt->width > 0 ? opt->width : 1280;
	h = opt->height > 0 ? opt->height : 800;
	u->tree = calloc(1, sizeof(*u->tree));
	u->loop_snap = calloc(1, sizeof(*u->loop_snap));
	if (!u->tree || !u->loop_snap) {
		err_fail(e, "ui: out of memory");
		goto out_free;
	}
	if (ui_display_open(&u->d, u->opt.driver, w, h, opt->show_cursor, e))
		goto out_free;
	if (ui_text_open(&u->text, u->d, u->opt.fonts_dir, e))
		goto out_display;
	if (ui_icons_open(&u->icons, u->d)) {
		err_fail(e, "ui: out of memory");
		goto out_text;
	}
	ui_theme_init(&u->theme, w, h, opt->large_text);
	ui_text_set_theme(u->text, &u->theme);
	ui_nav_init(&u->nav, &u->opt, now_ms(u));
	u->ptr.drag_list = -1;
	u->force = true;
	*out = u;
	return 0;

out_text:
	ui_text_close(u->text);
out_display:
	ui_display_close(u->d);
out_free:
	free(u->loop_snap);
	free(u->tree);
	free(u);
	return -1;
}

void ui_close(struct ui *u)
{
	if (!u)
		return;
	ui_image_destroy(u->preview);
	ui_icons_close(u->icons);
	ui_text_close(u->text);
	ui_display_close(u->d);
	free(u->loop_snap);
	free(u->tree);
	free(u);
}

void ui_wake(struct ui *u)
{
	ui_display_wake(u->d);
}

int ui_frame(struct ui *u, const struct core_snapshot *s, struct ui_output *out)
{
	int64_t now = now_ms(u);
	struct ui_event ev;
	bool changed = u->force;
	int wake;

	memset(out, 0, sizeof(*out));
	out->wake_ms = -1;
	if (!s)
		return -1;
	u->nav_before = u->nav;
	if (!u->built)
		build(u, s, now);
	while (ui_display_poll(u->d, &ev)) {
		changed = true;
		switch (ev.kind) {
		case UI_EV_QUIT:
			out->quit = true;
			break;
		case UI_EV_RESET:
			ui_text_flush(u->text);
			ui_icons_flush(u->icons);
			break;
		case UI_EV_DOWN:
			pointer_down(u, ev.x, ev.y, now);
			break;
		case UI_EV_MOVE:
			pointer_move(u, ev.x, ev.y, s, now);
			break;
		case UI_EV_UP:
			pointer_up(u, ev.x, ev.y, s, now, out);
			break;
		case UI_EV_KEY:
			key(u, ev.key, s, now, out);
			break;
		default:
			break;
		}
	}
	if (u->ptr.down && u->ptr.pressed.kind == UI_ACT_STAFF_CORNER &&
	    now - u->ptr.down_at >= UI_STAFF_HOLD_MS) {
		struct ui_action a = u->ptr.pressed;

		press_clear(&u->ptr);
		fire(u, &a, s, now, out);
	}
	ui_nav_observe(&u->nav, s, now, out);
	if (!u->have_seq || s->seq != u->last_seq || now >= u->redraw_at ||
	    memcmp(&u->nav, &u->nav_before, sizeof(u->nav)))
		changed = true;
	if (changed) {
		build(u, s, now);
		draw(u, now);
		ui_display_present(u->d);
		u->frames++;
		u->drawn_at = now;
		out->drew = true;
	}
	u->force = false;
	u->have_seq = true;
	u->last_seq = s->seq;
	now = now_ms(u); /* drawing takes time: wake from now, not from the frame's start */
	wake = ui_nav_wake_ms(&u->nav, s, now);
	if (u->ptr.down && u->ptr.pressed.kind == UI_ACT_STAFF_CORNER) {
		int64_t left = u->ptr.down_at + UI_STAFF_HOLD_MS - now;

		wake = wake < 0 || left < wake ? (int)(left > 0 ? left : 1) : wake;
	}
	out->wake_ms = wake;
	u->redraw_at = wake < 0 ? INT64_MAX : now + wake;
	return 0;
}

int ui_run(struct ui *u, const struct ui_loop *loop, struct err *e)
{
	struct ui_output out;

	for (;;) {
		if (loop->stop && *loop->stop)
			return 0;
		loop->snapshot(loop->arg, u->loop_snap);
		if (ui_frame(u, u->loop_snap, &out))
			return err_fail(e, "ui: frame failed");
		for (unsigned i = 0; i < out.n_intents; i++)
			loop->send(loop->arg, &out.intents[i]);
		if (out.quit)
			return 0;
		if (loop->tick) {
			int tick_ms = -1, rc = loop->tick(loop->arg, u, &tick_ms, e);

			if (rc)
				return rc > 0 ? 0 : -1;
			if (tick_ms >= 0 && (out.wake_ms < 0 || tick_ms < out.wake_ms))
				out.wake_ms = tick_ms;
		}
		/* At most a second asleep, so a stop flag set by a signal
		 * handler is seen even when nothing else happens. */
		ui_display_wait(u->d, out.wake_ms < 0 || out.wake_ms > 1000 ? 1000 : out.wake_ms);
	}
}

int ui_inject_touch(struct ui *u, int x, int y, bool down)
{
	return ui_display_push_pointer(u->d, x, y, down);
}

int ui_screenshot(struct ui *u, const char *png_path, struct err *e)
{
	if (!u->built)
		return err_fail(e, "screenshot: nothing drawn yet");
	draw(u, u->drawn_at);
	return ui_display_save_png(u->d, png_path, e);
}

enum ui_screen ui_current_screen(const struct ui *u)
{
	return u->screen;
}

enum ui_lang ui_current_language(const struct ui *u)
{
	return u->nav.lang;
}

const char *ui_screen_name(enum ui_screen s)
{
	return (unsigned)s < UI_SCREEN_COUNT ? screen_names[s] : "?";
}

int ui_locate(const struct ui *u, enum ui_action_kind k, int arg, int *x, int *y)
{
	const struct ui_widget *w = ui_tree_find(u->tree, k, arg);

	if (!w)
		return -1;
	*x = w->r.x + w->r.w / 2;
	*y = w->r.y + w->r.h / 2;
	return 0;
}

int ui_locate_order(const struct ui *u, enum ui_action_kind k, const char *order_id, int *x,
		    int *y)
{
	const struct ui_widget *w = ui_tree_find_id(u->tree, k, order_id);

	if (!w)
		return -1;
	*x = w->r.x + w->r.w / 2;
	*y = w->r.y + w->r.h / 2;
	return 0;
}

bool ui_offers(const struct ui *u, enum ui_action_kind k)
{
	for (unsigned i = 0; i < u->tree->n; i++)
		if (u->tree->pool[i].act.kind == k)
			return true;
	return false;
}

void ui_get_stats(const struct ui *u, struct ui_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->frames = u->frames;
	out->overflows = u->tstats.overflows;
	out->truncated = u->tstats.truncated;
	out->dropped_widgets = u->tree->dropped;
	out->widgets = u->tree->n;
	snprintf(out->overflow_text, sizeof(out->overflow_text), "%s", u->tstats.last);
}

int ui_debug_show(struct ui *u, enum ui_screen s)
{
	struct ui_nav *n = &u->nav;

	if (s == UI_SCREEN_ATTRACT || s == UI_SCREEN_CODE) {
		if (s == UI_SCREEN_ATTRACT || n->staff)
			ui_nav_reset(n, now_ms(u));
		n->code_entry = s == UI_SCREEN_CODE;
	} else if (ui_screen_is_staff(s)) {
		n->staff = true;
		n->staff_screen = s;
	} else {
		return -1;
	}
	n->modal = UI_MODAL_NONE;
	u->force = true;
	return 0;
}

void ui_debug_digits(struct ui *u, const char *digits)
{
	struct ui_nav *n = &u->nav;
	char *dst = n->staff ? n->pin : n->digits;
	unsigned max = n->staff ? UI_PIN_MAX : 12, i;

	for (i = 0; digits[i] && i < max; i++)
		dst[i] = digits[i];
	dst[i] = '\0';
	if (n->staff)
		n->npin = i;
	else
		n->ndigits = i;
	u->force = true;
}

void ui_debug_language(struct ui *u, enum ui_lang lang, bool large)
{
	u->nav.lang = lang == UI_LANG_EN ? UI_LANG_EN : UI_LANG_JA;
	u->nav.large = large;
	u->force = true;
}
