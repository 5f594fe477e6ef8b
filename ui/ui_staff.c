// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_staff: the maintenance menu and its simpler pages — test write,
 * recent log, about (the peripherals' page is ui_staff_periph.c).
 *
 * The menu is nine tiles, each with a live one-line summary, tinted red
 * when something there needs attention (no drive, server unreachable,
 * failed orders), so a staff member sees the kiosk's health before
 * opening anything.  Every action goes to the core as an INTENT_STAFF_*;
 * its outcome comes back as staff.last_action, shown on the page.  Core
 * text here (log lines, reasons, last_action) is the core's, untranslated:
 * it is for staff and maintenance engineers.
 */
#include "ui_screen.h"

#include <stdio.h>
#include <string.h>

struct tile {
	enum ui_screen screen;
	enum ui_icon icon;
	enum ui_str title;
};

static const struct tile tiles[9] = {
	{ UI_SCREEN_STAFF_DRIVE, UI_ICON_DRIVE, S_TILE_DRIVE },
	{ UI_SCREEN_STAFF_QUEUE, UI_ICON_LIST, S_TILE_QUEUE },
	{ UI_SCREEN_STAFF_TEST_WRITE, UI_ICON_PLAY, S_TILE_TEST },
	{ UI_SCREEN_STAFF_SPOOL, UI_ICON_STORAGE, S_TILE_SPOOL },
	{ UI_SCREEN_STAFF_NETWORK, UI_ICON_WIFI, S_TILE_NET },
	{ UI_SCREEN_STAFF_OUTBOX, UI_ICON_MAIL, S_TILE_OUTBOX },
	{ UI_SCREEN_STAFF_PERIPHERALS, UI_ICON_PRINTER, S_TILE_PERIPH },
	{ UI_SCREEN_STAFF_LOG, UI_ICON_DOCUMENT, S_TILE_LOG },
	{ UI_SCREEN_STAFF_ABOUT, UI_ICON_INFO, S_TILE_ABOUT },
};

static unsigned failed_count(const struct core_staff_view *st)
{
	unsigned n = 0;

	for (unsigned i = 0; i < st->queue_count && i < CORE_MAX_QUEUE; i++)
		n += st->queue[i].state == ORDER_FAILED;
	return n;
}

static const char *disc_str(const struct ui_ctx *c, enum burner_status d)
{
	return ui_tr(c, ui_disc_key(d));
}

static enum ui_tone summary(const struct ui_ctx *c, enum ui_screen scr, char *buf, size_t n)
{
	const struct core_snapshot *s = c->snap;
	char a[48], b[48];

	buf[0] = '\0';
	switch (scr) {
	case UI_SCREEN_STAFF_DRIVE:
		if (!s->drive.present) {
			snprintf(buf, n, "%s", ui_tr(c, S_SUM_DRIVE_NONE));
			return UI_TONE_DANGER;
		}
		snprintf(buf, n, "%s \xc2\xb7 %s", s->drive.profile[0] ? s->drive.profile : "?",
			 disc_str(c, s->drive.disc));
		return s->drive.ruined_blanks ? UI_TONE_WARNING : UI_TONE_INFO;
	case UI_SCREEN_STAFF_QUEUE:
		snprintf(a, sizeof(a), "%u", s->staff.queue_count);
		snprintf(b, sizeof(b), "%u", failed_count(&s->staff));
		ui_fmt(buf, n, ui_tr(c, S_SUM_QUEUE), a, b);
		return failed_count(&s->staff) ? UI_TONE_DANGER : UI_TONE_INFO;
	case UI_SCREEN_STAFF_TEST_WRITE:
		snprintf(buf, n, "%s", ui_tr(c, S_SUM_TEST));
		return UI_TONE_INFO;
	case UI_SCREEN_STAFF_SPOOL:
		ui_format_bytes(a, sizeof(a), s->staff.spool_used);
		ui_format_bytes(b, sizeof(b), s->staff.spool_quota);
		ui_fmt(buf, n, ui_tr(c, S_SUM_SPOOL), a, b);
		return s->staff.spool_quota && s->staff.spool_used * 10 > s->staff.spool_quota * 9 ?
			       UI_TONE_WARNING : UI_TONE_INFO;
	case UI_SCREEN_STAFF_NETWORK:
	{
		const char *text;
		enum ui_tone tone = ui_staff_net_status(c, &text);

		snprintf(buf, n, "%s", text);
		return tone;
	}
	case UI_SCREEN_STAFF_OUTBOX:
		snprintf(a, sizeof(a), "%u", s->net.outbox_pending);
		ui_fmt(buf, n, ui_tr(c, S_SUM_OUTBOX), a, NULL);
		return UI_TONE_INFO;
	case UI_SCREEN_STAFF_PERIPHERALS:
		return ui_staff_periph_summary(c, buf, n);
	case UI_SCREEN_STAFF_LOG:
		snprintf(a, sizeof(a), "%u", s->staff.log_count);
		ui_fmt(buf, n, ui_tr(c, S_SUM_LOG), a, NULL);
		return UI_TONE_INFO;
	default:
		ui_fmt(buf, n, ui_tr(c, S_SUM_ABOUT), s->version, NULL);
		return UI_TONE_INFO;
	}
}

void ui_staff_menu_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	struct ui_rect a = ui_chrome_staff(root, c, ui_tr(c, S_STAFF_MENU), false);
	int gap = th->gap, tw = (a.w - 2 * gap) / 3, bh = th->touch_min + ui_px(th, 8);
	int tile_h = (a.h - bh - ui_px(th, 28) - 2 * gap) / 3;
	char buf[160];

	for (int i = 0; i < 9; i++) {
		struct ui_rect r = { a.x + (i % 3) * (tw + gap), a.y + (i / 3) * (tile_h + gap), tw,
				     tile_h };
		enum ui_tone tone = summary(c, tiles[i].screen, buf, sizeof(buf));

		ui_tile_create(root, r, tiles[i].icon, ui_tr(c, tiles[i].title), buf,
			       tone == UI_TONE_DANGER ? th->c.danger :
			       tone == UI_TONE_WARNING ? th->c.warning : th->c.primary,
			       ui_act(UI_ACT_STAFF_OPEN, (int)tiles[i].screen));
	}
	ui_button_create(root, (struct ui_rect){ a.x, a.y + a.h - bh, ui_px(th, 300), bh },
			 ui_tr(c, S_STAFF_QUIT), UI_ICON_POWER, UI_BTN_SECONDARY, ui_act(UI_ACT_QUIT, 0));
	ui_button_create(root, (struct ui_rect){ a.x + ui_px(th, 320), a.y + a.h - bh, ui_px(th, 300), bh },
			 ui_tr(c, S_TILE_DAY), UI_ICON_RECEIPT, UI_BTN_SECONDARY,
			 ui_act(UI_ACT_STAFF_OPEN, UI_SCREEN_STAFF_DAY));
	ui_label_create(root, (struct ui_rect){ a.x + ui_px(th, 650), a.y + a.h - bh, a.w - ui_px(th, 650), bh },
			c->snap->staff.last_action, UI_FONT_SMALL, th->c.muted,
			UI_TEXT_RIGHT | UI_TEXT_MIDDLE | UI_TEXT_DATA);
}

/* "Result of the last action" — the core's words after a staff intent. */
void ui_staff_result(struct ui_widget *root, const struct ui_ctx *c, struct ui_rect r)
{
	const struct ui_theme *th = c->th;
	const char *t = c->snap->staff.last_action;
	int pad = ui_px(th, 20), lh = ui_line_h(c, UI_FONT_SMALL), w, h;

	ui_text_measure(c->text, t[0] ? t : ui_tr(c, S_NO_RESULT), UI_FONT_BODY, r.w - 2 * pad, &w, &h);
	h += lh + 2 * ui_px(th, 16);
	if (h < r.h)
		r.h = h;
	ui_box_create(root, r, th->c.surface_alt, th->radius);
	ui_label_create(root, (struct ui_rect){ r.x + pad, r.y + ui_px(th, 12), r.w - 2 * pad, lh },
			ui_tr(c, S_LAST_RESULT), UI_FONT_SMALL, th->c.muted, 0);
	ui_label_create(root, (struct ui_rect){ r.x + pad, r.y + ui_px(th, 12) + lh, r.w - 2 * pad,
						r.h - lh - ui_px(th, 24) },
			t[0] ? t : ui_tr(c, S_NO_RESULT), UI_FONT_BODY, th->c.text,
			UI_TEXT_WRAP | UI_TEXT_DATA);
}

void ui_staff_test_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	const struct core_progress *pr = &c->snap->progress;
	struct ui_rect a = ui_chrome_staff(root, c, ui_tr(c, S_TILE_TEST), true);
	int y = a.y, h, tw, w = ui_px(th, 760);

	ui_text_measure(c->text, ui_tr(c, S_TEST_BODY), UI_FONT_LEAD, w, &tw, &h);
	ui_label_create(root, (struct ui_rect){ a.x, y, w, h }, ui_tr(c, S_TEST_BODY), UI_FONT_LEAD,
			th->c.text, UI_TEXT_WRAP);
	y += h + ui_px(th, 28);
	ui_button_create(root, (struct ui_rect){ a.x, y, ui_px(th, 420), th->button_h },
			 ui_tr(c, S_TEST_START), UI_ICON_PLAY, UI_BTN_PRIMARY,
			 ui_act(UI_ACT_STAFF_TEST_WRITE, 0));
	ui_button_create(root, (struct ui_rect){ a.x + ui_px(th, 440), y, ui_px(th, 260), th->button_h },
			 ui_tr(c, S_EJECT), UI_ICON_EJECT, UI_BTN_SECONDARY, ui_act(UI_ACT_STAFF_EJECT, 0));
	y += th->button_h + ui_px(th, 28);
	if (pr->percent > 0 && pr->stage != BURNER_STAGE_DONE) {
		char pct[16];

		snprintf(pct, sizeof(pct), "%u%%", pr->percent > 100 ? 100 : pr->percent);
		ui_progress_create(root, (struct ui_rect){ a.x, y, w, ui_px(th, 32) },
				   (int)(pr->percent > 100 ? 100 : pr->percent) * 10);
		ui_label_create(root, (struct ui_rect){ a.x + w + ui_px(th, 16), y - ui_px(th, 8), ui_px(th, 120), ui_px(th, 48) },
				pct, UI_FONT_LEAD, th->c.text, UI_TEXT_MIDDLE);
		y += ui_px(th, 56);
	}
	ui_staff_result(root, c, (struct ui_rect){ a.x, y, w, a.y + a.h - y });
}

void ui_staff_log_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	const struct core_staff_view *st = &c->snap->staff;
	struct ui_rect a = ui_chrome_staff(root, c, ui_tr(c, S_TILE_LOG), true);
	unsigned n = st->log_count < CORE_MAX_LOG_LINES ? st->log_count : CORE_MAX_LOG_LINES;
	int rh = ui_line_h(c, UI_FONT_MONO) + ui_px(th, 14), bw = th->touch_min + ui_px(th, 20);
	int hh = ui_line_h(c, UI_FONT_SMALL) + ui_px(th, 16);
	struct ui_rect lr = { a.x + ui_px(th, 20), a.y + hh, a.w - bw - ui_px(th, 56),
			      a.h - hh - ui_px(th, 12) };
	struct ui_widget *list, *b;

	ui_card_create(root, (struct ui_rect){ a.x, a.y, a.w - bw - ui_px(th, 16), a.h });
	list = ui_list_create(root, lr, UI_SCROLL_LOG, c->nav->scroll[UI_SCROLL_LOG], (int)n * rh);
	if (!n)
		ui_label_create(root, lr, ui_tr(c, S_LOG_EMPTY), UI_FONT_BODY, th->c.muted, 0);
	for (unsigned i = 0; i < n; i++) {
		struct ui_rect r;
		const char *line = st->log[n - 1 - i]; /* newest first */
		char safe[161];

		if (!ui_list_slot(list, (int)i * rh, rh, &r))
			continue;
		snprintf(safe, sizeof(safe), "%.*s", (int)strnlen(line, sizeof(st->log[0])), line);
		ui_label_create(list, (struct ui_rect){ r.x, r.y, r.w - ui_px(th, 16), r.h }, safe,
				UI_FONT_MONO,
				strstr(safe, " ERROR ") ? th->c.danger :
				strstr(safe, " WARN ") ? th->c.warning : th->c.text,
				UI_TEXT_MIDDLE | UI_TEXT_DATA);
	}
	ui_label_create(root, (struct ui_rect){ lr.x, a.y + ui_px(th, 8), lr.w, hh - ui_px(th, 8) },
			ui_tr(c, S_LOG_NEWEST), UI_FONT_SMALL, th->c.muted, UI_TEXT_MIDDLE);
	b = ui_button_create(root, (struct ui_rect){ a.x + a.w - bw, a.y, bw, bw }, "",
			     UI_ICON_CHEVRON_UP, UI_BTN_SECONDARY, ui_act(UI_ACT_SCROLL_UP, UI_SCROLL_LOG));
	if (list->scroll <= 0)
		b->flags |= UI_WF_DISABLED;
	b = ui_button_create(root, (struct ui_rect){ a.x + a.w - bw, a.y + a.h - bw, bw, bw }, "",
			     UI_ICON_CHEVRON_DOWN, UI_BTN_SECONDARY,
			     ui_act(UI_ACT_SCROLL_DOWN, UI_SCROLL_LOG));
	if (list->scroll >= list->content_h - lr.h)
		b->flags |= UI_WF_DISABLED;
}

void ui_staff_about_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	const struct core_snapshot *s = c->snap;
	struct ui_rect a = ui_chrome_staff(root, c, ui_tr(c, S_TILE_ABOUT), true);
	char shop[16], screen[32], lang[32];
	const char *keys[7], *vals[7];
	int h, y;

	snprintf(shop, sizeof(shop), "%u", s->shop_id);
	snprintf(screen, sizeof(screen), "%d \xc3\x97 %d", th->w, th->h);
	snprintf(lang, sizeof(lang), "%s / %s", ui_str(UI_LANG_JA, S_LANG_NAME),
		 ui_str(UI_LANG_EN, S_LANG_NAME));
	keys[0] = ui_tr(c, S_ABOUT_VERSION), vals[0] = s->version[0] ? s->version : "?";
	keys[1] = ui_tr(c, S_ABOUT_SHOP), vals[1] = shop;
	keys[2] = ui_tr(c, S_ABOUT_BOARD), vals[2] = s->board[0] ? s->board : "?";
	keys[3] = ui_tr(c, S_ABOUT_SCREEN), vals[3] = screen;
	keys[4] = ui_tr(c, S_ABOUT_VIDEO), vals[4] = c->driver;
	keys[5] = "UI", vals[5] = lang;
	keys[6] = ui_tr(c, S_ABOUT_LICENSE), vals[6] = "GPL-2.0-or-later";
	ui_card_create(root, (struct ui_rect){ a.x, a.y, a.w, a.h });
	h = ui_kv_create(root, (struct ui_rect){ a.x + ui_px(th, 32), a.y + ui_px(th, 20),
						 a.w - ui_px(th, 64), a.h },
			 c, keys, vals, NULL, 7);
	y = a.y + ui_px(th, 20) + h + ui_px(th, 16);
	ui_icon_create(root, (struct ui_rect){ a.x + ui_px(th, 32), y + ui_px(th, 4), ui_px(th, 28), ui_px(th, 28) },
		       UI_ICON_INFO, th->c.muted);
	ui_label_create(root, (struct ui_rect){ a.x + ui_px(th, 72), y, a.w - ui_px(th, 104),
						a.y + a.h - y - ui_px(th, 16) },
			ui_tr(c, S_ABOUT_GESTURE), UI_FONT_BODY, th->c.muted, UI_TEXT_WRAP);
}
