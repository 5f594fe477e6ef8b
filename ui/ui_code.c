// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_code: the keypad screens — pickup-code entry, "checking your code",
 * and the staff PIN pad.
 *
 * Code entry: twelve boxes in three groups of four (1234-5678-9012), the
 * next box outlined; a large 3×4 keypad on the right with clear and
 * backspace; "Continue" only when all twelve digits are there.  A refused
 * code shows as a banner above the buttons with what to do; a lock-out
 * (CODE_WAIT) counts down and greys the keypad.  A scanned code needs no
 * screen of its own: it reaches the core as INTENT_PICKUP_CODE and the
 * snapshot moves to CHECKING_CODE.
 */
#include "ui_screen.h"

#include <stdio.h>
#include <string.h>

static void code_boxes(struct ui_widget *root, const struct ui_ctx *c, struct ui_rect r,
		       const char *digits, unsigned n, unsigned count, bool masked)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	int gap = ui_px(th, 5), ggap = ui_px(th, 30);
	int groups = (int)(count + 3) / 4;
	int bw = (r.w - (int)(count - groups) * gap - (groups - 1) * ggap) / (int)count;
	int x = r.x;

	if (bw > ui_px(th, 64))
		bw = ui_px(th, 64);
	x = r.x + (r.w - ((int)count * bw + (int)(count - groups) * gap + (groups - 1) * ggap)) / 2;
	for (unsigned i = 0; i < count; i++) {
		struct ui_widget *b;
		bool cur = i == n;

		if (i && i % 4 == 0) {
			ui_box_create(root, (struct ui_rect){ x + (ggap - ui_px(th, 16)) / 2 - gap,
							      r.y + r.h / 2 - ui_px(th, 2), ui_px(th, 16),
							      ui_px(th, 4) },
				      p->muted, ui_px(th, 2));
			x += ggap - gap;
		}
		b = ui_box_create(root, (struct ui_rect){ x, r.y, bw, r.h },
				  i < n ? p->surface : p->surface_alt, th->radius_small);
		b->border = cur ? p->primary : p->border;
		b->border_w = cur ? ui_px(th, 3) : th->border;
		if (i < n) {
			if (masked) {
				ui_box_create(b, (struct ui_rect){ x + bw / 2 - ui_px(th, 9),
								   r.y + r.h / 2 - ui_px(th, 9),
								   ui_px(th, 18), ui_px(th, 18) },
					      p->text, ui_px(th, 9));
			} else {
				char d[2] = { digits[i], 0 };

				ui_label_create(b, b->r, d, UI_FONT_DIGIT, p->text,
						UI_TEXT_CENTER | UI_TEXT_MIDDLE);
			}
		}
		x += bw + gap;
	}
}

void ui_code_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	const struct ui_nav *n = c->nav;
	const struct core_snapshot *s = c->snap;
	struct ui_rect a = ui_chrome_customer(root, c, 0);
	int kw = ui_px(th, 440), lw = a.w - kw - ui_px(th, 44), y = a.y, h;
	int64_t wait = ui_nav_wait_left(n, s, c->now_ms);
	int bh = th->button_h, by = a.y + a.h - bh, tw;
	char buf[256], num[24];
	struct ui_widget *b;

	ui_text_measure(c->text, ui_tr(c, S_CODE_TITLE), UI_FONT_TITLE, lw, &tw, &h);
	ui_label_create(root, (struct ui_rect){ a.x, y, lw, h }, ui_tr(c, S_CODE_TITLE), UI_FONT_TITLE,
			p->text, UI_TEXT_WRAP);
	y += h + ui_px(th, 8);
	ui_text_measure(c->text, ui_tr(c, S_CODE_HINT), UI_FONT_BODY, lw, &tw, &h);
	ui_label_create(root, (struct ui_rect){ a.x, y, lw, h }, ui_tr(c, S_CODE_HINT), UI_FONT_BODY,
			p->muted, UI_TEXT_WRAP);
	y += h + ui_px(th, 24);
	code_boxes(root, c, (struct ui_rect){ a.x, y, lw, ui_px(th, 88) }, n->digits, n->ndigits, 12,
		   false);
	y += ui_px(th, 88) + ui_px(th, 14);
	snprintf(num, sizeof(num), "%u", n->ndigits);
	ui_fmt(buf, sizeof(buf), ui_tr(c, S_CODE_COUNT), num, NULL);
	ui_label_create(root, (struct ui_rect){ a.x, y, lw, ui_line_h(c, UI_FONT_SMALL) }, buf,
			UI_FONT_SMALL, p->muted, UI_TEXT_CENTER);
	y += ui_line_h(c, UI_FONT_SMALL) + ui_px(th, 14);

	if (s->stage != SESSION_CODE_REFUSED || !ui_nav_code_msg(s->msg)) {
		/* Where the code is: the question most customers have here. */
		int pad = ui_px(th, 20), isz = ui_px(th, 36), tip_h;

		ui_text_measure(c->text, ui_tr(c, S_CODE_TIP), UI_FONT_BODY, lw - 2 * pad - isz - ui_px(th, 16),
				&tw, &tip_h);
		tip_h += 2 * pad;
		if (y + tip_h <= by - ui_px(th, 16)) {
			ui_box_create(root, (struct ui_rect){ a.x, by - ui_px(th, 24) - tip_h, lw, tip_h },
				      p->surface_alt, th->radius);
			ui_icon_create(root, (struct ui_rect){ a.x + pad, by - ui_px(th, 24) - tip_h + pad, isz, isz },
				       UI_ICON_MAIL, p->muted);
			ui_label_create(root, (struct ui_rect){ a.x + pad + isz + ui_px(th, 16),
								by - ui_px(th, 24) - tip_h + pad,
								lw - 2 * pad - isz - ui_px(th, 16), tip_h - 2 * pad + 4 },
					ui_tr(c, S_CODE_TIP), UI_FONT_BODY, p->muted, UI_TEXT_WRAP);
		}
	} else {
		const struct ui_msg_text *m = ui_msg(c->lang, s->msg);
		char body[512];

		if (wait > 0) {
			snprintf(num, sizeof(num), "%lld", (long long)wait);
			ui_fmt(buf, sizeof(buf), ui_tr(c, S_CODE_WAIT_LEFT), num, NULL);
			snprintf(body, sizeof(body), "%s%s%s", m->what,
				 c->lang == UI_LANG_JA ? "" : " ", buf);
		} else {
			snprintf(body, sizeof(body), "%s", m->next[0] ? m->next : m->what);
		}
		ui_banner_create(root, (struct ui_rect){ a.x, y, lw, by - y - ui_px(th, 20) }, c,
				 s->msg == CORE_MSG_CODE_WAIT ? UI_TONE_WARNING : UI_TONE_DANGER,
				 UI_ICON_WARNING, m->title, body);
	}
	ui_button_create(root, (struct ui_rect){ a.x, by, ui_px(th, 220), bh }, ui_tr(c, S_BACK),
			 UI_ICON_ARROW_LEFT, UI_BTN_SECONDARY, ui_act(UI_ACT_END, 0));
	b = ui_button_create(root, (struct ui_rect){ a.x + ui_px(th, 240), by, lw - ui_px(th, 240), bh },
			     ui_tr(c, S_CODE_CONTINUE), UI_ICON_ARROW_RIGHT, UI_BTN_PRIMARY,
			     ui_act(UI_ACT_SUBMIT, 0));
	if (n->ndigits != 12 || wait > 0)
		b->flags |= UI_WF_DISABLED;
	if (n->busy)
		b->flags |= UI_WF_BUSY;
	ui_keypad_create(root, (struct ui_rect){ a.x + a.w - kw, a.y, kw, a.h }, true,
			 ui_tr(c, S_CODE_CLEAR), wait > 0 || n->busy);
}

static void waiting(struct ui_widget *root, const struct ui_ctx *c, struct ui_rect a,
		    const char *title, const char *body)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	int sz = ui_px(th, 120), lh = ui_line_h(c, UI_FONT_TITLE);
	int y = a.y + (a.h - sz - lh - ui_line_h(c, UI_FONT_LEAD) - ui_px(th, 60)) / 2;
	struct ui_widget *sp;

	ui_box_create(root, (struct ui_rect){ (th->w - sz) / 2, y, sz, sz }, p->selected, sz / 2);
	sp = ui_icon_create(root, (struct ui_rect){ (th->w - sz) / 2 + ui_px(th, 16), y + ui_px(th, 16),
						    sz - ui_px(th, 32), sz - ui_px(th, 32) },
			    UI_ICON_SPINNER, p->primary);
	sp->angle = (double)((c->now_ms * 360 / 1200) % 360);
	y += sz + ui_px(th, 36);
	ui_label_create(root, (struct ui_rect){ a.x, y, a.w, lh }, title, UI_FONT_TITLE, p->text,
			UI_TEXT_CENTER);
	y += lh + ui_px(th, 12);
	ui_label_create(root, (struct ui_rect){ a.x, y, a.w, ui_line_h(c, UI_FONT_LEAD) }, body,
			UI_FONT_LEAD, p->muted, UI_TEXT_CENTER);
}

void ui_checking_create(struct ui_widget *root, const struct ui_ctx *c)
{
	struct ui_rect a = ui_chrome_customer(root, c, 0);

	waiting(root, c, a, ui_tr(c, S_CHECKING_TITLE), ui_tr(c, S_CHECKING_BODY));
}

void ui_staff_pin_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	const struct ui_nav *n = c->nav;
	const struct core_snapshot *s = c->snap;
	struct ui_rect a = ui_chrome_staff(root, c, ui_tr(c, S_STAFF_PIN_TITLE), false);
	int kw = ui_px(th, 470), lw = a.w - kw - ui_px(th, 48), y = a.y, h, tw;
	int bh = th->button_h, by = a.y + a.h - bh, isz = ui_px(th, 64);
	bool locked = s->staff.locked_until > s->now;
	struct ui_widget *b;
	char buf[256], num[32];

	ui_box_create(root, (struct ui_rect){ a.x, y, isz, isz }, p->warning_bg, isz / 2);
	ui_icon_create(root, (struct ui_rect){ a.x + ui_px(th, 14), y + ui_px(th, 14), isz - ui_px(th, 28),
					       isz - ui_px(th, 28) },
		       UI_ICON_LOCK, p->warning);
	ui_text_measure(c->text, ui_tr(c, S_STAFF_PIN_HINT), UI_FONT_LEAD, lw - isz - ui_px(th, 20), &tw, &h);
	ui_label_create(root, (struct ui_rect){ a.x + isz + ui_px(th, 20), y, lw - isz - ui_px(th, 20),
						h > isz ? h : isz },
			ui_tr(c, S_STAFF_PIN_HINT), UI_FONT_LEAD, p->text, UI_TEXT_WRAP | UI_TEXT_MIDDLE);
	y += (h > isz ? h : isz) + ui_px(th, 36);
	code_boxes(root, c, (struct ui_rect){ a.x, y, lw, ui_px(th, 84) }, n->pin, n->npin, UI_PIN_MAX,
		   true);
	y += ui_px(th, 84) + ui_px(th, 28);
	if (locked) {
		int64_t left = s->staff.locked_until - s->now;

		if (left >= 120)
			snprintf(num, sizeof(num), "%lld min", (long long)((left + 59) / 60));
		else
			snprintf(num, sizeof(num), "%lld s", (long long)left);
		ui_fmt(buf, sizeof(buf), ui_tr(c, S_STAFF_LOCKED), num, NULL);
		ui_banner_create(root, (struct ui_rect){ a.x, y, lw, ui_px(th, 130) }, c, UI_TONE_DANGER,
				 UI_ICON_LOCK, NULL, buf);
	} else if (n->login_failed) {
		ui_banner_create(root, (struct ui_rect){ a.x, y, lw, ui_px(th, 96) }, c, UI_TONE_DANGER,
				 UI_ICON_WARNING, NULL, ui_tr(c, S_STAFF_PIN_WRONG));
	}
	ui_button_create(root, (struct ui_rect){ a.x, by, ui_px(th, 220), bh }, ui_tr(c, S_CANCEL),
			 UI_ICON_CLOSE, UI_BTN_SECONDARY, ui_act(UI_ACT_PIN_CANCEL, 0));
	b = ui_button_create(root, (struct ui_rect){ a.x + ui_px(th, 240), by, lw - ui_px(th, 240), bh },
			     n->login_pending ? ui_tr(c, S_STAFF_CHECKING) : ui_tr(c, S_STAFF_SIGN_IN),
			     UI_ICON_LOCK, UI_BTN_PRIMARY, ui_act(UI_ACT_SUBMIT, 0));
	if (n->npin < UI_PIN_MIN || locked)
		b->flags |= UI_WF_DISABLED;
	if (n->login_pending)
		b->flags |= UI_WF_BUSY;
	ui_keypad_create(root, (struct ui_rect){ a.x + a.w - kw, a.y, kw, a.h }, true,
			 ui_tr(c, S_CODE_CLEAR), locked || n->login_pending);
}
