// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_text: the font cache, line breaking, ellipsis and the text-block cache.
 *
 * Design:
 *   - One TTF_Font per (pixel size, weight, mono), opened on first use and
 *     kept; the theme has about ten roles, so there are at most ~20.
 *   - layout() breaks a string into lines that each fit max_w, greedily:
 *     for each line it collects the break opportunities and binary-searches
 *     the longest prefix that fits (widths grow with the prefix), falling
 *     back to a break between characters only for a word wider than the
 *     box.  When more lines come out than the box holds, the last line
 *     that fits takes all the rest and is shortened with "…".
 *   - Blocks are rendered once in white, composed into one ARGB image and
 *     cached (least recently used out when full); drawing tints them.
 *   - Strings longer than TEXT_MAX bytes are shortened first (counted as a
 *     cut); nothing the UI shows comes close.
 */
#include "ui_text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL_ttf.h>

#define FONT_SLOTS 32
#define CACHE_SLOTS 256
#define TEXT_MAX 1024
#define LINES_MAX 24
#define ELLIPSIS "\xe2\x80\xa6"

struct font_slot {
	int px;
	bool bold, mono;
	TTF_Font *f;
};

struct entry {
	uint64_t hash;
	char *s;
	int px, box_w, max_lines;
	unsigned key_flags;
	struct ui_image *img;
	int w, h;
	bool cut;
	uint32_t used;
};

struct ui_text {
	struct ui_display *d;
	const struct ui_theme *th;
	char regular[512], bold[512];
	bool have_bold;
	int face, face_mono;
	struct font_slot fonts[FONT_SLOTS];
	struct entry cache[CACHE_SLOTS];
	uint32_t tick;
	struct ui_text_stats stats;
};

struct layout {
	int n, w;
	bool cut;
	int off[LINES_MAX + 1], lw[LINES_MAX + 1], src[LINES_MAX + 1];
	char buf[TEXT_MAX + (LINES_MAX + 1) * 8];
	size_t used;
};

int ui_utf8_len(const char *s)
{
	unsigned char c = (unsigned char)s[0];
	int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;

	for (int i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

static uint32_t cp_at(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	switch (ui_utf8_len(s)) {
	case 2:
		return ((uint32_t)(u[0] & 0x1f) << 6) | (u[1] & 0x3f);
	case 3:
		return ((uint32_t)(u[0] & 0x0f) << 12) | ((uint32_t)(u[1] & 0x3f) << 6) | (u[2] & 0x3f);
	case 4:
		return ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3f) << 12) |
		       ((uint32_t)(u[2] & 0x3f) << 6) | (u[3] & 0x3f);
	default:
		return u[0];
	}
}

static bool is_cjk(uint32_t c)
{
	return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x2FFFF);
}

/* Japanese line-breaking rules (kinsoku), the common subset. */
static bool in_list(uint32_t c, const uint32_t *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == c)
			return true;
	return false;
}

static bool no_start(uint32_t c)
{
	static const uint32_t list[] = {
		0x3001, 0x3002, 0xFF0C, 0xFF0E, 0x30FB, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF01, 0x30FC,
		0xFF09, 0x300D, 0x300F, 0x3011, 0x3015, 0x3009, 0x300B, 0xFF5D, 0xFF3D, 0x2026,
		0x2025, 0x3005, 0x301C, 0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083,
		0x3085, 0x3087, 0x308E, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3,
		0x30E5, 0x30E7, 0x30EE, 0x30F5, 0x30F6, ')', ',', '.', ';', ':', '!', '?', '%',
	};

	return in_list(c, list, sizeof(list) / sizeof(list[0]));
}

static bool no_end(uint32_t c)
{
	static const uint32_t list[] = { 0xFF08, 0x300C, 0x300E, 0x3010, 0x3014,
					 0x3008, 0x300A, 0xFF5B, 0xFF3B, '(', 0xA5, '$' };

	return in_list(c, list, sizeof(list) / sizeof(list[0]));
}

static bool is_alnum(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Between two characters: after a space; between Japanese characters
 * (kinsoku permitting); not between a Latin word or number and the
 * Japanese glued to it ("12桁", "DVD-Rを"). */
static bool can_break(uint32_t a, uint32_t b)
{
	if (a == ' ')
		return b != ' ';
	if (b == ' ' || is_alnum(a) || is_alnum(b))
		return false;
	return (is_cjk(a) || is_cjk(b)) && !no_start(b) && !no_end(a);
}

static int width_of(TTF_Font *f, const char *s, int len, const char *suffix)
{
	char tmp[TEXT_MAX + 16];
	int w = 0, h = 0;

	if (len > TEXT_MAX)
		len = TEXT_MAX;
	memcpy(tmp, s, (size_t)len);
	tmp[len] = '\0';
	if (suffix)
		strcat(tmp, suffix);
	if (!tmp[0] || TTF_SizeUTF8(f, tmp, &w, &h))
		return 0;
	return w;
}

static int trim_end(const char *s, int p, int end)
{
	while (end > p && s[end - 1] == ' ')
		end--;
	return end;
}

static void emit(struct layout *L, const char *s, int src, int len, const char *suffix, int w)
{
	size_t need = (size_t)len + (suffix ? strlen(suffix) : 0) + 1;

	if (L->n > LINES_MAX || L->used + need > sizeof(L->buf)) {
		L->cut = true;
		return;
	}
	L->off[L->n] = (int)L->used;
	L->src[L->n] = src;
	memcpy(L->buf + L->used, s + src, (size_t)len);
	L->used += (size_t)len;
	if (suffix) {
		memcpy(L->buf + L->used, suffix, strlen(suffix));
		L->used += strlen(suffix);
	}
	L->buf[L->used++] = '\0';
	L->lw[L->n++] = w;
	if (w > L->w)
		L->w = w;
}

/* "…" after Japanese; after Latin text "...", since the Japanese face's
 * ellipsis sits at mid-height. */
static const char *ellipsis_after(const char *s, int p, int end)
{
	int i = end;

	while (i > p && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	return i > p && !is_cjk(cp_at(s + i - 1)) ? "..." : ELLIPSIS;
}

/* The longest prefix of s[p, q) that fits with an ellipsis after it. */
static void emit_ellipsis(struct layout *L, TTF_Font *f, const char *s, int p, int q, int max_w)
{
	int bounds[TEXT_MAX + 1], n = 0, lo = 0, hi, end;

	for (int i = p; i <= q && n <= TEXT_MAX; i += i < q ? ui_utf8_len(s + i) : 1)
		bounds[n++] = i;
	hi = n - 1;
	/* bounds[k]: the prefix s[p, bounds[k]) — the largest k that fits. */
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;

		int e = trim_end(s, p, bounds[mid]);

		if (width_of(f, s + p, e - p, ellipsis_after(s, p, e)) <= max_w)
			lo = mid;
		else
			hi = mid - 1;
	}
	end = trim_end(s, p, bounds[lo]);
	emit(L, s, p, end - p, ellipsis_after(s, p, end),
	     width_of(f, s + p, end - p, ellipsis_after(s, p, end)));
	L->cut = true;
}

/* One paragraph s[p, q) (no '\n') into lines, until limit lines exist. */
static void paragraph(struct layout *L, TTF_Font *f, const char *s, int p, int q, int max_w,
		      bool wrap, int limit)
{
	int cand[TEXT_MAX + 1];

	if (!wrap || max_w <= 0 || p == q) {
		int w = width_of(f, s + p, q - p, NULL);

		if (max_w > 0 && w > max_w)
			emit_ellipsis(L, f, s, p, q, max_w);
		else
			emit(L, s, p, q - p, NULL, w);
		return;
	}
	while (p < q && L->n < limit) {
		int n = 0, lo = -1, hi, end;

		for (int i = p; i < q;) {
			int len = ui_utf8_len(s + i);

			if (i + len < q && can_break(cp_at(s + i), cp_at(s + i + len)))
				cand[n++] = i + len;
			i += len;
		}
		cand[n++] = q;
		hi = n - 1;
		while (lo < hi) {
			int mid = (lo + hi + 1) / 2;

			if (width_of(f, s + p, trim_end(s, p, cand[mid]) - p, NULL) <= max_w)
				lo = mid;
			else
				hi = mid - 1;
		}
		if (lo >= 0) {
			end = cand[lo];
			/* No widow: a last line of one or two characters takes
			 * one more break's worth from this line. */
			if (lo > 0 && end < q) {
				int left = 0;

				for (int i = end; i < q && left < 3; i += ui_utf8_len(s + i))
					left++;
				if (left <= 2 && is_cjk(cp_at(s + end)))
					end = cand[lo - 1];
			}
		} else {
			/* A word wider than the box: break between characters. */
			end = p + ui_utf8_len(s + p);
			for (int i = end; i < q; i += ui_utf8_len(s + i)) {
				int next = i + ui_utf8_len(s + i);

				if (width_of(f, s + p, next - p, NULL) > max_w)
					break;
				end = next;
			}
		}
		{
			int e = trim_end(s, p, end);

			emit(L, s, p, e - p, NULL, width_of(f, s + p, e - p, NULL));
		}
		p = end;
		while (p < q && s[p] == ' ')
			p++;
	}
}

/*
 * Lays out up to max_lines + 1 lines; when there is more than max_lines,
 * the last allowed line is redone as everything from its start to the
 * end, on one line, shortened with "…".
 */
static void layout(TTF_Font *f, const char *text, int max_w, bool wrap, int max_lines,
		   struct layout *L)
{
	char s[TEXT_MAX + 1];
	int len = (int)strnlen(text, TEXT_MAX + 1), p = 0;

	memset(L, 0, offsetof(struct layout, buf));
	L->used = 0;
	if (len > TEXT_MAX) {
		len = TEXT_MAX;
		while (len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80)
			len--;
		L->cut = true;
	}
	memcpy(s, text, (size_t)len);
	s[len] = '\0';
	if (max_lines < 1)
		max_lines = 1;
	if (max_lines > LINES_MAX)
		max_lines = LINES_MAX;
	while (p <= len && L->n <= max_lines) {
		const char *nl = memchr(s + p, '\n', (size_t)(len - p));
		int q = nl ? (int)(nl - s) : len;

		paragraph(L, f, s, p, q, max_w, wrap, max_lines + 1);
		p = q + 1;
	}
	if (L->n > max_lines) {
		int from = L->src[max_lines - 1];

		L->n = max_lines - 1;
		L->used = (size_t)L->off[max_lines - 1];
		L->w = 0;
		for (int i = 0; i < L->n; i++)
			if (L->lw[i] > L->w)
				L->w = L->lw[i];
		for (int i = from; i < len; i++)
			if (s[i] == '\n')
				s[i] = ' ';
		emit_ellipsis(L, f, s, from, len, max_w > 0 ? max_w : 1 << 20);
	}
}

/* Finds the Japanese faces in the collection by name (index 0 and 5 in
 * Debian 12's files, but a font update may reorder them). */
static void find_faces(struct ui_text *t)
{
	t->face = -1;
	t->face_mono = -1;
	for (long i = 0; i < 16; i++) {
		TTF_Font *f = TTF_OpenFontIndex(t->regular, 12, i);
		const char *name;

		if (!f)
			break;
		name = TTF_FontFaceFamilyName(f);
		if (name && strstr(name, "CJK JP")) {
			if (strstr(name, "Mono")) {
				if (t->face_mono < 0)
					t->face_mono = (int)i;
			} else if (t->face < 0) {
				t->face = (int)i;
			}
		}
		TTF_CloseFont(f);
	}
	if (t->face < 0)
		t->face = 0;
	if (t->face_mono < 0)
		t->face_mono = t->face;
}

int ui_text_open(struct ui_text **out, struct ui_display *d, const char *fonts_dir,
		 struct err *e)
{
	struct ui_text *t;
	TTF_Font *probe;

	*out = NULL;
	if (!fonts_dir || !*fonts_dir)
		fonts_dir = "/usr/share/fonts/opentype/noto";
	t = calloc(1, sizeof(*t));
	if (!t)
		return err_fail(e, "text: out of memory");
	t->d = d;
	snprintf(t->regular, sizeof(t->regular), "%s/NotoSansCJK-Regular.ttc", fonts_dir);
	snprintf(t->bold, sizeof(t->bold), "%s/NotoSansCJK-Bold.ttc", fonts_dir);
	t->have_bold = access(t->bold, R_OK) == 0;
	if (TTF_Init()) {
		err_fail(e, "text: SDL_ttf: %s", TTF_GetError());
		free(t);
		return -1;
	}
	probe = TTF_OpenFontIndex(t->regular, 12, 0);
	if (!probe) {
		err_fail(e, "text: font %s: %s (Debian package fonts-noto-cjk)", t->regular,
			 TTF_GetError());
		TTF_Quit();
		free(t);
		return -1;
	}
	TTF_CloseFont(probe);
	find_faces(t);
	*out = t;
	return 0;
}

void ui_text_flush(struct ui_text *t)
{
	for (int i = 0; i < CACHE_SLOTS; i++) {
		ui_image_destroy(t->cache[i].img);
		free(t->cache[i].s);
		memset(&t->cache[i], 0, sizeof(t->cache[i]));
	}
}

void ui_text_close(struct ui_text *t)
{
	if (!t)
		return;
	ui_text_flush(t);
	for (int i = 0; i < FONT_SLOTS; i++)
		if (t->fonts[i].f)
			TTF_CloseFont(t->fonts[i].f);
	TTF_Quit();
	free(t);
}

void ui_text_set_theme(struct ui_text *t, const struct ui_theme *th)
{
	t->th = th;
}

static TTF_Font *font_get(struct ui_text *t, enum ui_font role)
{
	struct ui_font_spec sp = t->th->font[(unsigned)role < UI_FONT_COUNT ? role : UI_FONT_BODY];
	struct font_slot *free_slot = NULL;

	for (int i = 0; i < FONT_SLOTS; i++) {
		struct font_slot *fs = &t->fonts[i];

		if (fs->f && fs->px == sp.px && fs->bold == sp.bold && fs->mono == sp.mono)
			return fs->f;
		if (!fs->f && !free_slot)
			free_slot = fs;
	}
	if (!free_slot)
		free_slot = &t->fonts[FONT_SLOTS - 1]; /* cannot happen with ~10 roles */
	if (free_slot->f)
		TTF_CloseFont(free_slot->f);
	free_slot->f = TTF_OpenFontIndex(sp.bold && t->have_bold ? t->bold : t->regular, sp.px,
					 sp.mono ? t->face_mono : t->face);
	if (!free_slot->f)
		return NULL;
	if (sp.bold && !t->have_bold)
		TTF_SetFontStyle(free_slot->f, TTF_STYLE_BOLD);
	TTF_SetFontHinting(free_slot->f, TTF_HINTING_LIGHT);
	free_slot->px = sp.px;
	free_slot->bold = sp.bold;
	free_slot->mono = sp.mono;
	return free_slot->f;
}

int ui_text_line_h(struct ui_text *t, enum ui_font role)
{
	TTF_Font *f = font_get(t, role);

	return f ? TTF_FontHeight(f) : t->th->font[role].px;
}

/* Lines 1.33 em apart: the fonts' own 1.45 em is airy for paragraphs.
 * A line's box is still the font's full height, so the last line of a
 * block keeps its descenders. */
static int line_skip(TTF_Font *f)
{
	int s = (TTF_FontHeight(f) * 92 + 50) / 100;

	return s < TTF_FontLineSkip(f) ? s : TTF_FontLineSkip(f);
}

static int block_h(TTF_Font *f, int lines)
{
	return (lines - 1) * line_skip(f) + TTF_FontHeight(f);
}

static int max_lines_for(TTF_Font *f, int box_h)
{
	int n = 1 + (box_h - TTF_FontHeight(f)) / line_skip(f);

	return n < 1 ? 1 : n;
}

void ui_text_measure(struct ui_text *t, const char *s, enum ui_font role, int max_w, int *w, int *h)
{
	TTF_Font *f = font_get(t, role);
	struct layout *L;

	*w = *h = 0;
	if (!f || !s || !*s)
		return;
	L = malloc(sizeof(*L));
	if (!L)
		return;
	layout(f, s, max_w, max_w > 0, LINES_MAX, L);
	*w = L->w;
	*h = block_h(f, L->n);
	free(L);
}

static uint64_t hash_of(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Renders a laid-out block into one white image. */
static struct ui_image *render(struct ui_text *t, TTF_Font *f, const struct layout *L,
			       unsigned halign, int *w, int *h)
{
	SDL_Color white = { 255, 255, 255, 255 };
	SDL_Surface *block;
	struct ui_image *img;

	*w = L->w > 0 ? L->w : 1;
	*h = block_h(f, L->n);
	block = SDL_CreateRGBSurfaceWithFormat(0, *w, *h, 32, SDL_PIXELFORMAT_ARGB8888);
	if (!block)
		return NULL;
	/* Transparent white: lines may overlap a little (line_skip), and
	 * blending white onto white keeps the edges' colour white. */
	SDL_FillRect(block, NULL, 0x00ffffffu);
	for (int i = 0; i < L->n; i++) {
		const char *line = L->buf + L->off[i];
		SDL_Surface *ls;
		SDL_Rect dst;

		if (!*line)
			continue;
		ls = TTF_RenderUTF8_Blended(f, line, white);
		if (!ls)
			continue;
		dst.x = halign == UI_TEXT_CENTER ? (*w - ls->w) / 2 :
			halign == UI_TEXT_RIGHT ? *w - ls->w : 0;
		dst.y = i * line_skip(f);
		dst.w = ls->w;
		dst.h = ls->h;
		SDL_SetSurfaceBlendMode(ls, SDL_BLENDMODE_BLEND);
		SDL_BlitSurface(ls, NULL, block, &dst);
		SDL_FreeSurface(ls);
	}
	img = ui_image_create(t->d, block->pixels, block->w, block->h, block->pitch);
	SDL_FreeSurface(block);
	return img;
}

static struct entry *lookup(struct ui_text *t, const char *s, TTF_Font *f, int px, int box_w,
			    int max_lines, unsigned key_flags)
{
	uint64_t h = hash_of(s);
	struct entry *victim = &t->cache[0];
	struct layout *L;

	for (int i = 0; i < CACHE_SLOTS; i++) {
		struct entry *en = &t->cache[i];

		if (en->s && en->hash == h && en->px == px && en->box_w == box_w &&
		    en->max_lines == max_lines && en->key_flags == key_flags && !strcmp(en->s, s))
			return en;
		if (!en->s || (victim->s && en->used < victim->used))
			victim = en;
	}
	ui_image_destroy(victim->img);
	free(victim->s);
	memset(victim, 0, sizeof(*victim));
	L = malloc(sizeof(*L));
	victim->s = strdup(s);
	if (!L || !victim->s) {
		free(L);
		free(victim->s);
		victim->s = NULL;
		return NULL;
	}
	layout(f, s, box_w, key_flags & UI_TEXT_WRAP, max_lines, L);
	victim->hash = h;
	victim->px = px;
	victim->box_w = box_w;
	victim->max_lines = max_lines;
	victim->key_flags = key_flags;
	victim->cut = L->cut;
	victim->img = render(t, f, L, key_flags & UI_TEXT_HMASK, &victim->w, &victim->h);
	free(L);
	return victim;
}

bool ui_text_draw(struct ui_text *t, const char *s, enum ui_font role, struct ui_rect box,
		  unsigned flags, struct ui_color c)
{
	TTF_Font *f;
	struct entry *en;
	int x, y, lines, px, bold_key;
	unsigned v = flags & UI_TEXT_VMASK;

	if (!s || !*s || box.w <= 0)
		return false;
	f = font_get(t, role);
	if (!f)
		return false;
	px = t->th->font[role].px;
	bold_key = (t->th->font[role].bold ? 1 : 0) | (t->th->font[role].mono ? 2 : 0);
	lines = (flags & UI_TEXT_WRAP) ? max_lines_for(f, box.h) : 1;
	en = lookup(t, s, f, px * 4 + bold_key, box.w, lines,
		    flags & (UI_TEXT_HMASK | UI_TEXT_WRAP));
	if (!en)
		return false;
	en->used = ++t->tick;
	x = box.x;
	if ((flags & UI_TEXT_HMASK) == UI_TEXT_CENTER)
		x += (box.w - en->w) / 2;
	else if ((flags & UI_TEXT_HMASK) == UI_TEXT_RIGHT)
		x += box.w - en->w;
	y = box.y;
	/* The fonts' line box has more room above the glyphs than below;
	 * nudge up a little so text looks centred, not low. */
	if (v == UI_TEXT_MIDDLE)
		y += (box.h - en->h) / 2 - px / 20;
	else if (v == UI_TEXT_BOTTOM)
		y += box.h - en->h;
	ui_display_image(t->d, en->img, x, y, c, 0);
	if (en->cut) {
		if (flags & UI_TEXT_DATA) {
			t->stats.truncated++;
		} else {
			t->stats.overflows++;
			snprintf(t->stats.last, sizeof(t->stats.last), "%s", s);
		}
	}
	return en->cut;
}

void ui_text_stats(const struct ui_text *t, struct ui_text_stats *out)
{
	*out = t->stats;
}

void ui_text_stats_reset(struct ui_text *t)
{
	memset(&t->stats, 0, sizeof(t->stats));
}
