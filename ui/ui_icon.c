// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_icon: pictograms as signed-distance shapes.
 *
 * Each icon is a short list of primitives on a 24-unit grid.  To draw one
 * at S pixels, every pixel centre is mapped to the grid, each primitive's
 * signed distance is taken (in pixels), and coverage = clamp(0.5 - d):
 * a one-pixel anti-aliased edge at any size.  Primitives either add
 * (max of coverages) or cut (multiply by 1 - coverage), in order.  The
 * result is a white image with that coverage as alpha, cached per
 * (icon, size): about 2 ms to make one at 96 px, nothing after that.
 */
#include "ui_icon.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ICON_CACHE 96

enum prim_kind { P_END, P_SEG, P_DOT, P_RING, P_ARC, P_BOX, P_BOXL, P_TRI, P_ELL };

struct prim {
	enum prim_kind k;
	int cut;
	float v[7];
};

#define SEG(x0, y0, x1, y1, t) { P_SEG, 0, { x0, y0, x1, y1, t } }
#define DOT(x, y, r) { P_DOT, 0, { x, y, r } }
#define XDOT(x, y, r) { P_DOT, 1, { x, y, r } }
#define RING(x, y, r, t) { P_RING, 0, { x, y, r, t } }
#define ARC(x, y, r, t, a0, a1) { P_ARC, 0, { x, y, r, t, a0, a1 } }
#define BOX(x, y, w, h, r) { P_BOX, 0, { x, y, w, h, r } }
#define XBOX(x, y, w, h, r) { P_BOX, 1, { x, y, w, h, r } }
#define BOXL(x, y, w, h, r, t) { P_BOXL, 0, { x, y, w, h, r, t } }
#define TRI(x0, y0, x1, y1, x2, y2) { P_TRI, 0, { x0, y0, x1, y1, x2, y2 } }
#define ELL(x, y, rx, ry, t) { P_ELL, 0, { x, y, rx, ry, t } }
#define END { P_END, 0, { 0 } }

static const struct prim i_disc[] = { RING(12, 12, 9.5f, 2), RING(12, 12, 3, 1.8f),
				      ARC(12, 12, 6.4f, 1.5f, 195, 255), END };
static const struct prim i_check[] = { SEG(4.5f, 12.5f, 9.5f, 17.5f, 2.6f),
				       SEG(9.5f, 17.5f, 19.5f, 6.5f, 2.6f), END };
static const struct prim i_backspace[] = {
	SEG(8, 5, 21, 5, 1.8f), SEG(21, 5, 21, 19, 1.8f), SEG(21, 19, 8, 19, 1.8f),
	SEG(8, 19, 2, 12, 1.8f), SEG(2, 12, 8, 5, 1.8f), SEG(11.5f, 9, 17.5f, 15, 1.8f),
	SEG(17.5f, 9, 11.5f, 15, 1.8f), END
};
static const struct prim i_globe[] = { RING(12, 12, 9.5f, 1.6f), ELL(12, 12, 4.2f, 9.5f, 1.5f),
				       SEG(2.5f, 12, 21.5f, 12, 1.5f), SEG(4.3f, 7.3f, 19.7f, 7.3f, 1.4f),
				       SEG(4.3f, 16.7f, 19.7f, 16.7f, 1.4f), END };
static const struct prim i_text_size[] = {
	SEG(2.5f, 20, 8.5f, 4, 2.1f), SEG(8.5f, 4, 14.5f, 20, 2.1f), SEG(4.8f, 14.5f, 12.2f, 14.5f, 1.8f),
	SEG(14.5f, 20, 18.2f, 10.5f, 1.7f), SEG(18.2f, 10.5f, 22, 20, 1.7f),
	SEG(15.7f, 17, 20.7f, 17, 1.4f), END
};
static const struct prim i_person[] = { DOT(12, 7.5f, 4), BOX(4.5f, 14, 15, 7.5f, 3.8f), END };
static const struct prim i_warning[] = { SEG(12, 3.5f, 21.5f, 20, 2), SEG(21.5f, 20, 2.5f, 20, 2),
					 SEG(2.5f, 20, 12, 3.5f, 2), SEG(12, 9.5f, 12, 13.8f, 2.2f),
					 DOT(12, 16.8f, 1.3f), END };
static const struct prim i_arrow_left[] = { SEG(20, 12, 4.5f, 12, 2.2f),
					    SEG(10.5f, 6, 4.5f, 12, 2.2f),
					    SEG(4.5f, 12, 10.5f, 18, 2.2f), END };
static const struct prim i_arrow_right[] = { SEG(4, 12, 19.5f, 12, 2.2f),
					     SEG(13.5f, 6, 19.5f, 12, 2.2f),
					     SEG(19.5f, 12, 13.5f, 18, 2.2f), END };
static const struct prim i_spinner[] = { ARC(12, 12, 9, 2.6f, 0, 270), END };
static const struct prim i_receipt[] = { BOXL(5, 2.5f, 14, 19, 2, 1.6f), SEG(8.5f, 8, 15.5f, 8, 1.5f),
					 SEG(8.5f, 12, 15.5f, 12, 1.5f), SEG(8.5f, 16, 12.5f, 16, 1.5f),
					 END };
static const struct prim i_lock[] = { BOX(4.5f, 10.5f, 15, 11, 2.5f), ARC(12, 10.5f, 4.5f, 2, 180, 360),
				      XDOT(12, 14.8f, 1.7f), XBOX(11.3f, 15, 1.4f, 3.6f, 0.5f), END };
static const struct prim i_drive[] = { BOXL(2.5f, 6.5f, 19, 11, 2, 1.6f),
				       SEG(5.5f, 13.5f, 12.5f, 13.5f, 1.6f), DOT(17.5f, 13.5f, 1.2f),
				       END };
static const struct prim i_list[] = { DOT(5, 6.5f, 1.5f), SEG(9, 6.5f, 20, 6.5f, 1.8f),
				      DOT(5, 12, 1.5f), SEG(9, 12, 20, 12, 1.8f),
				      DOT(5, 17.5f, 1.5f), SEG(9, 17.5f, 20, 17.5f, 1.8f), END };
static const struct prim i_play[] = { RING(12, 12, 9.5f, 1.8f), TRI(9.8f, 7.8f, 9.8f, 16.2f, 16.6f, 12),
				      END };
static const struct prim i_storage[] = { BOXL(3, 3.5f, 18, 7.5f, 2, 1.6f),
					 BOXL(3, 13, 18, 7.5f, 2, 1.6f), DOT(7, 7.25f, 1.2f),
					 DOT(7, 16.75f, 1.2f), END };
static const struct prim i_wifi[] = { ARC(12, 20, 4.5f, 2, 225, 315), ARC(12, 20, 9.5f, 2, 225, 315),
				      ARC(12, 20, 14.5f, 2, 228, 312), DOT(12, 19.8f, 1.6f), END };
static const struct prim i_mail[] = { BOXL(2.5f, 5.5f, 19, 13, 2, 1.6f), SEG(3.8f, 7.2f, 12, 13, 1.6f),
				      SEG(12, 13, 20.2f, 7.2f, 1.6f), END };
static const struct prim i_printer[] = { BOXL(2.5f, 8.5f, 19, 9, 2, 1.6f),
					 BOXL(6.5f, 3, 11, 5.5f, 1, 1.6f),
					 XBOX(6, 13.5f, 12, 8, 1), BOXL(6.5f, 14, 11, 7, 1, 1.6f),
					 DOT(17.5f, 11.5f, 1), END };
static const struct prim i_document[] = { BOXL(4.5f, 2.5f, 15, 19, 2, 1.6f), SEG(8, 8, 16, 8, 1.5f),
					  SEG(8, 12, 16, 12, 1.5f), SEG(8, 16, 13, 16, 1.5f), END };
static const struct prim i_info[] = { RING(12, 12, 9.5f, 1.8f), SEG(12, 11, 12, 16.8f, 2.2f),
				      DOT(12, 7.6f, 1.4f), END };
static const struct prim i_eject[] = { TRI(12, 4.5f, 20.5f, 14, 3.5f, 14), BOX(3.5f, 16.5f, 17, 3, 1),
				       END };
static const struct prim i_power[] = { ARC(12, 13, 8, 2, 310, 590), SEG(12, 3, 12, 11, 2.2f), END };
static const struct prim i_sign_out[] = { SEG(10, 4, 5, 4, 1.8f), SEG(5, 4, 5, 20, 1.8f),
					  SEG(5, 20, 10, 20, 1.8f), SEG(9.5f, 12, 20.5f, 12, 1.8f),
					  SEG(16, 7.5f, 20.5f, 12, 1.8f), SEG(20.5f, 12, 16, 16.5f, 1.8f),
					  END };
static const struct prim i_chevron_up[] = { SEG(5, 15.5f, 12, 8.5f, 2.4f),
					    SEG(12, 8.5f, 19, 15.5f, 2.4f), END };
static const struct prim i_chevron_down[] = { SEG(5, 8.5f, 12, 15.5f, 2.4f),
					      SEG(12, 15.5f, 19, 8.5f, 2.4f), END };
static const struct prim i_chevron_right[] = { SEG(9, 5, 16, 12, 2.4f), SEG(16, 12, 9, 19, 2.4f),
					       END };
static const struct prim i_close[] = { SEG(6, 6, 18, 18, 2.2f), SEG(18, 6, 6, 18, 2.2f), END };
static const struct prim i_refresh[] = { ARC(12, 12, 8, 2, 20, 315), TRI(20.2f, 9.2f, 14.6f, 7.4f, 19.9f, 3.4f),
					 END };
static const struct prim i_download[] = { SEG(12, 3.5f, 12, 15, 2.2f), SEG(7, 10.5f, 12, 15.5f, 2.2f),
					  SEG(12, 15.5f, 17, 10.5f, 2.2f), SEG(4, 20, 20, 20, 2.2f), END };
static const struct prim i_clock[] = { RING(12, 12, 9.5f, 1.8f), SEG(12, 12, 12, 6.5f, 2),
				       SEG(12, 12, 16, 14, 2), END };
static const struct prim i_music[] = { DOT(7.5f, 17.5f, 3), DOT(17.5f, 15.5f, 3),
				       SEG(10.2f, 17.5f, 10.2f, 5, 1.8f), SEG(20.2f, 15.5f, 20.2f, 3, 1.8f),
				       SEG(10.2f, 5.2f, 20.2f, 3.2f, 2.6f), END };
static const struct prim i_film[] = { BOXL(2.5f, 4.5f, 19, 15, 2, 1.6f), SEG(7, 4.5f, 7, 19.5f, 1.4f),
				      SEG(17, 4.5f, 17, 19.5f, 1.4f), TRI(10.3f, 9, 10.3f, 15, 14.6f, 12),
				      END };
static const struct prim i_keypad[] = { DOT(6, 5, 1.9f), DOT(12, 5, 1.9f), DOT(18, 5, 1.9f),
					DOT(6, 11, 1.9f), DOT(12, 11, 1.9f), DOT(18, 11, 1.9f),
					DOT(6, 17, 1.9f), DOT(12, 17, 1.9f), DOT(18, 17, 1.9f),
					DOT(12, 22, 1.9f), END };

static const struct prim *const icons[UI_ICON_COUNT] = {
	[UI_ICON_DISC] = i_disc, [UI_ICON_CHECK] = i_check, [UI_ICON_BACKSPACE] = i_backspace,
	[UI_ICON_GLOBE] = i_globe, [UI_ICON_TEXT_SIZE] = i_text_size, [UI_ICON_PERSON] = i_person,
	[UI_ICON_WARNING] = i_warning, [UI_ICON_ARROW_LEFT] = i_arrow_left,
	[UI_ICON_ARROW_RIGHT] = i_arrow_right, [UI_ICON_SPINNER] = i_spinner,
	[UI_ICON_RECEIPT] = i_receipt, [UI_ICON_LOCK] = i_lock, [UI_ICON_DRIVE] = i_drive,
	[UI_ICON_LIST] = i_list, [UI_ICON_PLAY] = i_play, [UI_ICON_STORAGE] = i_storage,
	[UI_ICON_WIFI] = i_wifi, [UI_ICON_MAIL] = i_mail, [UI_ICON_PRINTER] = i_printer,
	[UI_ICON_DOCUMENT] = i_document, [UI_ICON_INFO] = i_info, [UI_ICON_EJECT] = i_eject,
	[UI_ICON_POWER] = i_power, [UI_ICON_SIGN_OUT] = i_sign_out,
	[UI_ICON_CHEVRON_UP] = i_chevron_up, [UI_ICON_CHEVRON_DOWN] = i_chevron_down,
	[UI_ICON_CHEVRON_RIGHT] = i_chevron_right, [UI_ICON_CLOSE] = i_close,
	[UI_ICON_REFRESH] = i_refresh, [UI_ICON_DOWNLOAD] = i_download, [UI_ICON_CLOCK] = i_clock,
	[UI_ICON_MUSIC] = i_music, [UI_ICON_FILM] = i_film, [UI_ICON_KEYPAD] = i_keypad,
};

struct slot {
	enum ui_icon icon;
	int px;
	struct ui_image *img;
};

struct ui_icons {
	struct ui_display *d;
	struct slot slots[ICON_CACHE];
	unsigned next;
};

static float clampf(float v, float lo, float hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static float seg_dist(float px, float py, float ax, float ay, float bx, float by)
{
	float dx = bx - ax, dy = by - ay, wx = px - ax, wy = py - ay;
	float l2 = dx * dx + dy * dy;
	float t = l2 > 0 ? clampf((wx * dx + wy * dy) / l2, 0, 1) : 0;
	float ex = wx - t * dx, ey = wy - t * dy;

	return sqrtf(ex * ex + ey * ey);
}

static float box_dist(float px, float py, const float *v)
{
	float hw = v[2] / 2, hh = v[3] / 2, r = v[4];
	float qx = fabsf(px - (v[0] + hw)) - hw + r, qy = fabsf(py - (v[1] + hh)) - hh + r;
	float mx = qx > 0 ? qx : 0, my = qy > 0 ? qy : 0;
	float in = qx > qy ? qx : qy;

	return sqrtf(mx * mx + my * my) + (in < 0 ? in : 0) - r;
}

/* After Inigo Quilez's exact triangle distance. */
static float tri_dist(float px, float py, const float *v)
{
	float e[3][2], w[3][2], dmin = 1e9f, smin = 1e9f;
	float s = (v[2] - v[0]) * (v[1] - v[5]) - (v[3] - v[1]) * (v[0] - v[4]) > 0 ? 1.0f : -1.0f;

	for (int i = 0; i < 3; i++) {
		int j = (i + 1) % 3;
		float t, qx, qy, side;

		e[i][0] = v[2 * j] - v[2 * i];
		e[i][1] = v[2 * j + 1] - v[2 * i + 1];
		w[i][0] = px - v[2 * i];
		w[i][1] = py - v[2 * i + 1];
		t = clampf((w[i][0] * e[i][0] + w[i][1] * e[i][1]) /
				   (e[i][0] * e[i][0] + e[i][1] * e[i][1]), 0, 1);
		qx = w[i][0] - e[i][0] * t;
		qy = w[i][1] - e[i][1] * t;
		side = s * (w[i][0] * e[i][1] - w[i][1] * e[i][0]);
		if (qx * qx + qy * qy < dmin)
			dmin = qx * qx + qy * qy;
		if (side < smin)
			smin = side;
	}
	return -sqrtf(dmin) * (smin > 0 ? 1.0f : -1.0f);
}

static float arc_dist(float px, float py, const float *v)
{
	const float pi = 3.14159265f;
	float dx = px - v[0], dy = py - v[1];
	float a = atan2f(dy, dx) * 180.0f / pi, a0 = v[4], a1 = v[5];

	while (a < a0)
		a += 360.0f;
	if (a <= a1)
		return fabsf(sqrtf(dx * dx + dy * dy) - v[2]) - v[3] / 2;
	{
		float x0 = v[0] + v[2] * cosf(a0 * pi / 180), y0 = v[1] + v[2] * sinf(a0 * pi / 180);
		float x1 = v[0] + v[2] * cosf(a1 * pi / 180), y1 = v[1] + v[2] * sinf(a1 * pi / 180);
		float d0 = hypotf(px - x0, py - y0), d1 = hypotf(px - x1, py - y1);

		return (d0 < d1 ? d0 : d1) - v[3] / 2;
	}
}

/* Distance in grid units; negative inside. */
static float prim_dist(const struct prim *p, float x, float y)
{
	const float *v = p->v;

	switch (p->k) {
	case P_SEG:
		return seg_dist(x, y, v[0], v[1], v[2], v[3]) - v[4] / 2;
	case P_DOT:
		return hypotf(x - v[0], y - v[1]) - v[2];
	case P_RING:
		return fabsf(hypotf(x - v[0], y - v[1]) - v[2]) - v[3] / 2;
	case P_ARC:
		return arc_dist(x, y, v);
	case P_BOX:
		return box_dist(x, y, v);
	case P_BOXL: {
		float inner[5] = { v[0], v[1], v[2], v[3], v[4] };

		return fabsf(box_dist(x, y, inner)) - v[5] / 2;
	}
	case P_TRI:
		return tri_dist(x, y, v);
	case P_ELL: {
		/* Approximate: the circle's distance in the squashed space. */
		float nx = (x - v[0]) / v[2], ny = (y - v[1]) / v[3];
		float m = v[2] < v[3] ? v[2] : v[3];

		return fabsf((sqrtf(nx * nx + ny * ny) - 1) * m) - v[4] / 2;
	}
	default:
		return 1e9f;
	}
}

static struct ui_image *rasterise(struct ui_display *d, const struct prim *ps, int px)
{
	uint32_t *buf = malloc((size_t)px * (size_t)px * sizeof(*buf));
	float unit = (float)px / 24.0f;
	struct ui_image *img;

	if (!buf)
		return NULL;
	for (int y = 0; y < px; y++)
		for (int x = 0; x < px; x++) {
			float gx = ((float)x + 0.5f) / unit, gy = ((float)y + 0.5f) / unit, a = 0;

			for (const struct prim *p = ps; p->k != P_END; p++) {
				float c = clampf(0.5f - prim_dist(p, gx, gy) * unit, 0, 1);

				a = p->cut ? a * (1 - c) : (c > a ? c : a);
			}
			buf[y * px + x] = ((uint32_t)(a * 255.0f + 0.5f) << 24) | 0xffffffu;
		}
	img = ui_image_create(d, buf, px, px, px * (int)sizeof(*buf));
	free(buf);
	return img;
}

int ui_icons_open(struct ui_icons **out, struct ui_display *d)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return -1;
	(*out)->d = d;
	return 0;
}

void ui_icons_flush(struct ui_icons *ic)
{
	for (int i = 0; i < ICON_CACHE; i++) {
		ui_image_destroy(ic->slots[i].img);
		ic->slots[i].img = NULL;
	}
}

void ui_icons_close(struct ui_icons *ic)
{
	if (!ic)
		return;
	ui_icons_flush(ic);
	free(ic);
}

void ui_icon_draw(struct ui_icons *ic, enum ui_icon icon, struct ui_rect r, struct ui_color c,
		  double angle)
{
	int px = r.w < r.h ? r.w : r.h;
	struct slot *s = NULL;

	if ((unsigned)icon >= UI_ICON_COUNT || !icons[icon] || px <= 0)
		return;
	for (int i = 0; i < ICON_CACHE; i++)
		if (ic->slots[i].img && ic->slots[i].icon == icon && ic->slots[i].px == px) {
			s = &ic->slots[i];
			break;
		}
	if (!s) {
		s = &ic->slots[ic->next];
		ic->next = (ic->next + 1) % ICON_CACHE;
		ui_image_destroy(s->img);
		s->icon = icon;
		s->px = px;
		s->img = rasterise(ic->d, icons[icon], px);
	}
	ui_display_image(ic->d, s->img, r.x + (r.w - px) / 2, r.y + (r.h - px) / 2, c, angle);
}
