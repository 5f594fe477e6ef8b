// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_staff_day: close of day — the day's totals as the core read them from
 * the orders' own rows (INTENT_STAFF_DAY_CLOSE, store_day_totals), and the
 * button that asks for them again and prints the sheet.  Before the first
 * close since the kiosk started, the rows say so instead of showing zeros.
 */
#include "ui_screen.h"

#include <stdio.h>

#include "receipt.h"

void ui_staff_day_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	const struct core_day_view *d = &c->snap->staff.day;
	struct ui_rect a = ui_chrome_staff(root, c, ui_tr(c, S_TILE_DAY), true);
	int bh = th->touch_min + ui_px(th, 8), card_h = a.h - bh - ui_px(th, 20);
	char day[40], discs[16], ruined[16], reg[64], pre[64], fees[48], from[17], to[17];
	const char *keys[7], *vals[7];
	struct ui_widget *b;

	if (d->valid) {
		char amount[48];

		receipt_time_format((time_t)d->from, from);
		receipt_time_format((time_t)d->to, to);
		snprintf(day, sizeof(day), "%.10s", from);
		snprintf(discs, sizeof(discs), "%u", d->discs_written);
		snprintf(ruined, sizeof(ruined), "%u", d->blanks_ruined);
		ui_format_price(amount, sizeof(amount), d->register_amount, "JPY");
		snprintf(reg, sizeof(reg), "%s (%u)", amount, d->register_count);
		ui_format_price(amount, sizeof(amount), d->prepaid_amount, "JPY");
		snprintf(pre, sizeof(pre), "%s (%u)", amount, d->prepaid_count);
		ui_format_price(fees, sizeof(fees), d->fees_owed, "JPY");
	} else {
		snprintf(day, sizeof(day), "%s", ui_tr(c, S_DAY_NOT_YET));
		snprintf(discs, sizeof(discs), "\xe2\x80\x94");
		snprintf(ruined, sizeof(ruined), "\xe2\x80\x94");
		snprintf(reg, sizeof(reg), "\xe2\x80\x94");
		snprintf(pre, sizeof(pre), "\xe2\x80\x94");
		snprintf(fees, sizeof(fees), "\xe2\x80\x94");
	}
	(void)to;
	keys[0] = ui_tr(c, S_DAY_DAY), vals[0] = day;
	keys[1] = ui_tr(c, S_DAY_DISCS), vals[1] = discs;
	keys[2] = ui_tr(c, S_DAY_RUINED), vals[2] = ruined;
	keys[3] = ui_tr(c, S_DAY_REGISTER), vals[3] = reg;
	keys[4] = ui_tr(c, S_DAY_PREPAID), vals[4] = pre;
	keys[5] = ui_tr(c, S_DAY_FEES), vals[5] = fees;
	keys[6] = ui_tr(c, S_DAY_PRINTED),
	vals[6] = !d->valid ? "\xe2\x80\x94" : ui_tr(c, d->printed ? S_DAY_YES : S_DAY_NO);
	ui_card_create(root, (struct ui_rect){ a.x, a.y, a.w, card_h });
	ui_kv_create(root, (struct ui_rect){ a.x + ui_px(th, 32), a.y + ui_px(th, 20),
					     a.w - ui_px(th, 64), card_h - ui_px(th, 40) },
		     c, keys, vals, NULL, 7);
	b = ui_button_create(root, (struct ui_rect){ a.x + a.w - ui_px(th, 460), a.y + a.h - bh,
						      ui_px(th, 460), bh },
			     ui_tr(c, S_DAY_CLOSE), UI_ICON_PRINTER, UI_BTN_PRIMARY,
			     ui_act(UI_ACT_STAFF_DAY_CLOSE, 0));
	b->font = UI_FONT_BOLD;
	ui_label_create(root, (struct ui_rect){ a.x, a.y + a.h - bh, a.w - ui_px(th, 480), bh },
			c->snap->staff.last_action, UI_FONT_SMALL, th->c.muted,
			UI_TEXT_MIDDLE | UI_TEXT_DATA);
}
