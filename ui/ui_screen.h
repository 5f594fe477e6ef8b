/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ui_screen: what every screen's *_create(root, ctx) gets, the shared
 * chrome (customer header and step bar, staff header, modals, cards,
 * banners, pills, key/value rows), and the screens themselves.
 *
 * A screen reads the snapshot and the nav state and builds widgets; it
 * never changes state — touches come back as actions to ui_nav.  Layout
 * is computed from the theme's metrics and measured text, so the large
 * text mode and other screen sizes reflow rather than overflow.
 */
#ifndef TENPO_UI_SCREEN_H
#define TENPO_UI_SCREEN_H

#include "ui_format.h"
#include "ui_i18n.h"
#include "ui_nav.h"
#include "ui_widget.h"

struct ui_ctx {
	struct ui_tree *tree;
	struct ui_text *text;
	const struct ui_theme *th;
	const struct core_snapshot *snap;
	const struct ui_nav *nav;
	enum ui_lang lang;
	int64_t now_ms;
	const char *driver;
	struct ui_image *preview; /* the staff's receipt preview (periph.preview_png), or NULL */
};

static inline const char *ui_tr(const struct ui_ctx *c, enum ui_str s)
{
	return ui_str(c->lang, s);
}

enum ui_tone { UI_TONE_INFO, UI_TONE_SUCCESS, UI_TONE_WARNING, UI_TONE_DANGER, UI_TONE_MUTED };

/* Customer header, plus the step bar when step >= 0 (-1: no step bar,
 * -2: no step bar and a see-through header); returns the content area. */
struct ui_rect ui_chrome_customer(struct ui_widget *root, const struct ui_ctx *c, int step);
/* Staff header: badge, title, back to menu (unless on the menu), sign out. */
struct ui_rect ui_chrome_staff(struct ui_widget *root, const struct ui_ctx *c, const char *title,
			       bool back);
void ui_chrome_modal(struct ui_widget *root, const struct ui_ctx *c);

int ui_measure_w(const struct ui_ctx *c, const char *s, enum ui_font f);
int ui_line_h(const struct ui_ctx *c, enum ui_font f);
struct ui_color ui_tone_fg(const struct ui_ctx *c, enum ui_tone t);
struct ui_color ui_tone_bg(const struct ui_ctx *c, enum ui_tone t);
struct ui_widget *ui_card_create(struct ui_widget *parent, struct ui_rect r);
/* A tinted box: icon, bold title, body (wrapping). */
void ui_banner_create(struct ui_widget *parent, struct ui_rect r, const struct ui_ctx *c,
		      enum ui_tone tone, enum ui_icon icon, const char *title, const char *body);
/* The height a banner of width w needs for its title and body. */
int ui_banner_height(const struct ui_ctx *c, int w, const char *title, const char *body);
/* A rounded label sized to its text; returns its width. */
int ui_pill_create(struct ui_widget *parent, int x, int y, int h, const char *text,
		   enum ui_tone tone, const struct ui_ctx *c);
/* The height ui_kv_create() will use at width w. */
int ui_kv_height(const struct ui_ctx *c, int w, const char *const *keys,
		 const char *const *vals, int n);
/* Rows of "key   value" in r; returns the height used. */
int ui_kv_create(struct ui_widget *parent, struct ui_rect r, const struct ui_ctx *c,
		 const char *const *keys, const char *const *vals, const enum ui_tone *tones,
		 int n);
/* A header button sized to its label (icon + text), right-aligned at x_right. */
struct ui_widget *ui_header_button(struct ui_widget *parent, const struct ui_ctx *c, int x_right,
				   int y, int h, enum ui_icon icon, const char *label,
				   struct ui_action act);

/* Customer screens. */
void ui_attract_create(struct ui_widget *root, const struct ui_ctx *c);
void ui_code_create(struct ui_widget *root, const struct ui_ctx *c);
void ui_checking_create(struct ui_widget *root, const struct ui_ctx *c);
void ui_order_create(struct ui_widget *root, const struct ui_ctx *c);
void ui_disc_create(struct ui_widget *root, const struct ui_ctx *c);
void ui_writing_create(struct ui_widget *root, const struct ui_ctx *c);
void ui_done_create(struct ui_widget *root, const struct ui_ctx *c);
void ui_error_create(struct ui_widget *root, const struct ui_ctx *c);
void ui_slip_create(struct ui_widget *root, const struct ui_ctx *c);
void ui_staff_day_create(struct ui_widget *root, const struct ui_ctx *c);

/* Staff screens. */
/* The core's answer to the last staff action (staff.last_action). */
void ui_staff_result(struct ui_widget *root, const struct ui_ctx *c, struct ui_rect r);
void ui_staff_pin_create(struct ui_widget *root, const struct ui_ctx *c);
void ui_staff_menu_create(struct ui_widget *root, const struct ui_ctx *c);
void ui_staff_drive_create(struct ui_widget *root, const struct ui_ctx *c);
void ui_staff_queue_create(struct ui_widget *root, const struct ui_ctx *c);
void ui_staff_test_create(struct ui_widget *root, const struct ui_ctx *c);
void ui_staff_spool_create(struct ui_widget *root, const struct ui_ctx *c);
void ui_staff_network_create(struct ui_widget *root, const struct ui_ctx *c);
/* The network's state in words and its tone (the menu tile and the page):
 * from delivery's outcome code, a server that answers badly is not "down". */
enum ui_tone ui_staff_net_status(const struct ui_ctx *c, const char **text);
void ui_staff_outbox_create(struct ui_widget *root, const struct ui_ctx *c);
void ui_staff_periph_create(struct ui_widget *root, const struct ui_ctx *c);
/* The menu tile's line: the printer's state, red when a document was not
 * printed or a device does not work. */
enum ui_tone ui_staff_periph_summary(const struct ui_ctx *c, char *buf, size_t n);
void ui_staff_log_create(struct ui_widget *root, const struct ui_ctx *c);
void ui_staff_about_create(struct ui_widget *root, const struct ui_ctx *c);

#endif
