// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_staff_status: the status pages — drive and media, storage (spool),
 * network and TLS, the report outbox.  Each is a card of key/value rows
 * from the snapshot, values tinted when they need attention (no drive,
 * ruined blanks, an unreachable server, a certificate within 30 days of
 * expiry or past it), plus the page's actions and the last result.
 */
#include "ui_screen.h"

#include <stdio.h>

#define DAY (24 * 3600)

static const char *disc_str(const struct ui_ctx *c, enum burner_status d)
{
	return ui_tr(c, ui_disc_key(d));
}

/* Left: a card of rows; right: a column for buttons and the result. */
static void split(const struct ui_ctx *c, struct ui_rect a, struct ui_rect *left, struct ui_rect *right)
{
	int lw = a.w * 3 / 5;

	*left = (struct ui_rect){ a.x, a.y, lw, a.h };
	*right = (struct ui_rect){ a.x + lw + c->th->gap, a.y, a.w - lw - c->th->gap, a.h };
}

/* A card as tall as its rows (at most r.h). */
static int kv_card(struct ui_widget *root, const struct ui_ctx *c, struct ui_rect r,
		   const char *const *k, const char *const *v, const enum ui_tone *t, int n)
{
	int pad = ui_px(c->th, 28), vpad = ui_px(c->th, 12);
	int h = ui_kv_height(c, r.w - 2 * pad, k, v, n) + 2 * vpad;

	ui_card_create(root, (struct ui_rect){ r.x, r.y, r.w, h < r.h ? h : r.h });
	return ui_kv_create(root, (struct ui_rect){ r.x + pad, r.y + vpad, r.w - 2 * pad, r.h },
			    c, k, v, t, n) + 2 * vpad;
}

void ui_staff_drive_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	const struct core_drive_view *d = &c->snap->drive;
	struct ui_rect a = ui_chrome_staff(root, c, ui_tr(c, S_TILE_DRIVE), true), l, r;
	char free_b[32], ruined[16];
	const char *k[6], *v[6];
	enum ui_tone t[6] = { 0 };
	int y;

	split(c, a, &l, &r);
	ui_format_bytes(free_b, sizeof(free_b), d->free_bytes);
	snprintf(ruined, sizeof(ruined), "%u", d->ruined_blanks);
	k[0] = ui_tr(c, S_F_DRIVE), v[0] = ui_tr(c, d->present ? S_CONNECTED : S_NOT_CONNECTED);
	t[0] = d->present ? UI_TONE_SUCCESS : UI_TONE_DANGER;
	k[1] = ui_tr(c, S_F_ADDRESS), v[1] = d->address[0] ? d->address : "-";
	k[2] = ui_tr(c, S_F_PROFILE), v[2] = d->profile[0] ? d->profile : "-";
	k[3] = ui_tr(c, S_F_DISC), v[3] = disc_str(c, d->disc);
	t[3] = d->disc == BURNER_MEDIA_UNSUITABLE ? UI_TONE_WARNING : UI_TONE_INFO;
	k[4] = ui_tr(c, S_F_FREE), v[4] = d->disc == BURNER_MEDIA_NONE ? "-" : free_b;
	k[5] = ui_tr(c, S_F_RUINED), v[5] = ruined;
	t[5] = d->ruined_blanks ? UI_TONE_WARNING : UI_TONE_INFO;
	kv_card(root, c, l, k, v, t, 6);
	y = r.y;
	ui_button_create(root, (struct ui_rect){ r.x, y, r.w, th->button_h }, ui_tr(c, S_EJECT),
			 UI_ICON_EJECT, UI_BTN_PRIMARY, ui_act(UI_ACT_STAFF_EJECT, 0));
	y += th->button_h + th->gap;
	ui_button_create(root, (struct ui_rect){ r.x, y, r.w, th->button_h }, ui_tr(c, S_TILE_TEST),
			 UI_ICON_PLAY, UI_BTN_SECONDARY,
			 ui_act(UI_ACT_STAFF_OPEN, UI_SCREEN_STAFF_TEST_WRITE));
	y += th->button_h + th->gap;
	ui_staff_result(root, c, (struct ui_rect){ r.x, y, r.w, r.y + r.h - y });
}

void ui_staff_spool_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	const struct core_staff_view *st = &c->snap->staff;
	struct ui_rect a = ui_chrome_staff(root, c, ui_tr(c, S_TILE_SPOOL), true);
	unsigned holding = 0, waiting = 0, erased = 0;
	int pct = st->spool_quota ? (int)(st->spool_used * 1000 / st->spool_quota) : 0;
	int pad = ui_px(th, 28), ch = ui_px(th, 200), y = a.y + pad, lh = ui_line_h(c, UI_FONT_TITLE);
	char used[32], quota[32], fsfree[32], line[96], pc[16], n1[16], n2[16], n3[16];
	char nw[16], free_line[160];
	const char *k[4], *v[4];
	enum ui_tone t[4] = { 0 };

	for (unsigned i = 0; i < st->queue_count && i < CORE_MAX_QUEUE; i++) {
		enum order_state s = st->queue[i].state;

		holding += s >= ORDER_DOWNLOADING && s <= ORDER_WRITTEN;
		waiting += s == ORDER_WRITTEN;
		erased += s == ORDER_ERASED || s == ORDER_REPORTED;
	}
	if (pct > 1000)
		pct = 1000;
	ui_format_bytes(used, sizeof(used), st->spool_used);
	ui_format_bytes(quota, sizeof(quota), st->spool_quota);
	ui_format_bytes(fsfree, sizeof(fsfree), st->spool_fs_free);
	ui_fmt(line, sizeof(line), ui_tr(c, S_SPOOL_OF), quota, used);
	snprintf(pc, sizeof(pc), "%d%%", pct / 10);
	ui_card_create(root, (struct ui_rect){ a.x, a.y, a.w, ch });
	ui_label_create(root, (struct ui_rect){ a.x + pad, y, a.w / 2, lh }, ui_tr(c, S_SPOOL_USED),
			UI_FONT_LEAD, p->muted, UI_TEXT_MIDDLE);
	ui_label_create(root, (struct ui_rect){ a.x + a.w / 2, y, a.w / 2 - pad, lh }, pc,
			UI_FONT_TITLE, pct > 900 ? p->warning : p->text, UI_TEXT_MIDDLE | UI_TEXT_RIGHT);
	y += lh + ui_px(th, 10);
	ui_progress_create(root, (struct ui_rect){ a.x + pad, y, a.w - 2 * pad, ui_px(th, 32) }, pct);
	y += ui_px(th, 44);
	ui_label_create(root, (struct ui_rect){ a.x + pad, y, a.w - 2 * pad, ui_line_h(c, UI_FONT_BODY) },
			line, UI_FONT_BODY, p->text, 0);
	snprintf(n1, sizeof(n1), "%u", holding);
	snprintf(n2, sizeof(n2), "%u", waiting);
	snprintf(n3, sizeof(n3), "%u", erased);
	k[0] = ui_tr(c, S_SPOOL_FREE), v[0] = fsfree;
	if (st->spool_waiting) {
		/* downloads wait until writing a disc frees space: staff should know */
		snprintf(nw, sizeof(nw), "%u", st->spool_waiting);
		ui_fmt(free_line, sizeof(free_line), ui_tr(c, S_SPOOL_FULL_WAIT), fsfree, nw);
		v[0] = free_line;
		t[0] = UI_TONE_DANGER;
	}
	k[1] = ui_tr(c, S_SPOOL_HOLDING), v[1] = n1;
	k[2] = ui_tr(c, S_SPOOL_WAIT_ERASE), v[2] = n2;
	t[2] = waiting ? UI_TONE_WARNING : UI_TONE_INFO;
	k[3] = ui_tr(c, S_SPOOL_ERASED), v[3] = n3;
	t[3] = UI_TONE_SUCCESS;
	kv_card(root, c, (struct ui_rect){ a.x, a.y + ch + th->gap, a.w, a.h - ch - th->gap }, k, v, t, 4);
}

static void cert(const struct ui_ctx *c, int64_t not_after, char *buf, size_t n, enum ui_tone *t)
{
	char date[32], days[24];
	int64_t left;

	if (not_after <= 0) {
		snprintf(buf, n, "%s", ui_tr(c, S_UNKNOWN));
		*t = UI_TONE_WARNING;
		return;
	}
	ui_format_date(date, sizeof(date), not_after);
	left = (not_after - c->snap->now) / DAY;
	if (not_after <= c->snap->now) {
		ui_fmt(buf, n, ui_tr(c, S_EXPIRED_AGO), date, NULL);
		*t = UI_TONE_DANGER;
		return;
	}
	snprintf(days, sizeof(days), "%lld", (long long)left);
	ui_fmt(buf, n, ui_tr(c, S_DAYS_LEFT), date, days);
	*t = left < 30 ? UI_TONE_WARNING : UI_TONE_SUCCESS;
}

enum ui_tone ui_staff_net_status(const struct ui_ctx *c, const char **text)
{
	enum delivery_outcome o = c->snap->net.outcome;

	*text = ui_tr(c, ui_net_key(o));
	return o == DELIVERY_OK ? UI_TONE_SUCCESS
	       : o == DELIVERY_UNREACHABLE ? UI_TONE_DANGER : UI_TONE_WARNING;
}

void ui_staff_network_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	const struct core_net_view *nv = &c->snap->net;
	struct ui_rect a = ui_chrome_staff(root, c, ui_tr(c, S_TILE_NET), true), l, r;
	char sync[32], scert[96], ccert[96];
	const char *k[5], *v[5];
	enum ui_tone t[5] = { 0 };
	int y;

	split(c, a, &l, &r);
	k[0] = ui_tr(c, S_NET_STATUS), t[0] = ui_staff_net_status(c, &v[0]);
	ui_format_time(sync, sizeof(sync), nv->last_sync_at);
	k[1] = ui_tr(c, S_NET_LAST_SYNC), v[1] = sync[0] ? sync : ui_tr(c, S_NET_NEVER);
	k[2] = ui_tr(c, S_NET_LAST_ERROR), v[2] = nv->last_error[0] ? nv->last_error : ui_tr(c, S_NET_NONE);
	t[2] = nv->last_error[0] ? UI_TONE_DANGER : UI_TONE_INFO;
	cert(c, nv->server_cert_not_after, scert, sizeof(scert), &t[3]);
	k[3] = ui_tr(c, S_NET_SERVER_CERT), v[3] = scert;
	cert(c, nv->client_cert_not_after, ccert, sizeof(ccert), &t[4]);
	k[4] = ui_tr(c, S_NET_CLIENT_CERT), v[4] = ccert;
	kv_card(root, c, l, k, v, t, 5);
	y = r.y;
	ui_button_create(root, (struct ui_rect){ r.x, y, r.w, th->button_h }, ui_tr(c, S_SYNC_NOW),
			 UI_ICON_REFRESH, UI_BTN_PRIMARY, ui_act(UI_ACT_STAFF_SYNC, 0));
	y += th->button_h + th->gap;
	ui_staff_result(root, c, (struct ui_rect){ r.x, y, r.w, r.y + r.h - y });
}

void ui_staff_outbox_create(struct ui_widget *root, const struct ui_ctx *c)
{
	const struct ui_theme *th = c->th;
	const struct ui_palette *p = &th->c;
	const struct core_net_view *nv = &c->snap->net;
	struct ui_rect a = ui_chrome_staff(root, c, ui_tr(c, S_TILE_OUTBOX), true), l, r;
	int pad = ui_px(th, 28), y = a.y + pad, big = ui_line_h(c, UI_FONT_DISPLAY), h, tw;
	char num[16], sync[32], line[96];

	split(c, a, &l, &r);
	ui_card_create(root, l);
	snprintf(num, sizeof(num), "%u", nv->outbox_pending);
	ui_label_create(root, (struct ui_rect){ l.x + pad, y, l.w - 2 * pad, big }, num,
			UI_FONT_DISPLAY, nv->outbox_pending ? p->warning : p->success, 0);
	y += big;
	ui_label_create(root, (struct ui_rect){ l.x + pad, y, l.w - 2 * pad, ui_line_h(c, UI_FONT_LEAD) },
			ui_tr(c, S_OUTBOX_PENDING), UI_FONT_LEAD, p->text, 0);
	y += ui_line_h(c, UI_FONT_LEAD) + ui_px(th, 16);
	ui_text_measure(c->text, ui_tr(c, S_OUTBOX_BODY), UI_FONT_BODY, l.w - 2 * pad, &tw, &h);
	ui_label_create(root, (struct ui_rect){ l.x + pad, y, l.w - 2 * pad, h }, ui_tr(c, S_OUTBOX_BODY),
			UI_FONT_BODY, p->muted, UI_TEXT_WRAP);
	y += h + ui_px(th, 16);
	ui_format_time(sync, sizeof(sync), nv->last_sync_at);
	snprintf(line, sizeof(line), "%s: %s", ui_tr(c, S_NET_LAST_SYNC),
		 sync[0] ? sync : ui_tr(c, S_NET_NEVER));
	ui_label_create(root, (struct ui_rect){ l.x + pad, y, l.w - 2 * pad, ui_line_h(c, UI_FONT_BODY) },
			line, UI_FONT_BODY, p->text, UI_TEXT_DATA);
	ui_button_create(root, (struct ui_rect){ r.x, r.y, r.w, th->button_h }, ui_tr(c, S_SYNC_NOW),
			 UI_ICON_REFRESH, UI_BTN_PRIMARY, ui_act(UI_ACT_STAFF_SYNC, 0));
	ui_staff_result(root, c, (struct ui_rect){ r.x, r.y + th->button_h + th->gap, r.w,
						   r.h - th->button_h - th->gap });
}
