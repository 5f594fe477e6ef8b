// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_bench: how fast the kiosk's screen redraws, on SDL's offscreen driver
 * with the software renderer (the slowest path; a real display's GPU
 * renderer is faster).
 *
 *   make ui-bench        (builds build/ui_bench and runs it)
 *   build/ui_bench [FRAMES]
 *
 * For each of the heaviest screens — the order screen with 99 tracks, the
 * writing screen (a new percent every frame, the disc turning), the staff
 * queue with 64 orders, the attract screen — it draws FRAMES frames (600
 * by default), each forced by a new snapshot, and reports the median and
 * 99th-percentile frame time; the busiest screen's figures come last.
 * Then touch-to-frame latency: a tap on the keypad, pushed as real SDL
 * mouse events, until ui_frame() has drawn the digit (200 taps).  Finally
 * the peak resident memory of the process.  Aim: p99 under 16 ms.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "ui.h"
#include "../ui/fixture.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void stats(double *t, int n, double *median, double *p99)
{
	qsort(t, (size_t)n, sizeof(*t), cmp);
	*median = t[n / 2];
	*p99 = t[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
}

struct scene {
	const char *name;
	void (*prepare)(struct ui *u, struct core_snapshot *s);
};

static void order99(struct ui *u, struct core_snapshot *s)
{
	(void)u;
	s->stage = SESSION_ORDER_SHOWN;
	s->has_order = true;
	fix_audio_order(&s->order);
	s->order.item_count = CORE_MAX_ITEMS;
	for (unsigned i = 4; i < CORE_MAX_ITEMS; i++)
		s->order.items[i] = s->order.items[i % 4];
}

static void writing(struct ui *u, struct core_snapshot *s)
{
	(void)u;
	s->stage = SESSION_WRITING;
	s->has_order = true;
	fix_film_order(&s->order);
	s->progress = (struct core_progress){ BURNER_STAGE_WRITING, 1, 100, 1, 4.0, 300 };
}

static void queue64(struct ui *u, struct core_snapshot *s)
{
	s->staff.logged_in = true;
	s->staff.queue_count = CORE_MAX_QUEUE;
	for (unsigned i = 7; i < CORE_MAX_QUEUE; i++) {
		s->staff.queue[i] = s->staff.queue[i % 7];
		snprintf(s->staff.queue[i].id, sizeof(s->staff.queue[i].id), "ORDER%05u", i);
	}
	ui_debug_show(u, UI_SCREEN_STAFF_QUEUE);
}

static void attract(struct ui *u, struct core_snapshot *s)
{
	(void)s;
	ui_debug_show(u, UI_SCREEN_ATTRACT);
}

int main(int argc, char **argv)
{
	static const struct scene scenes[] = {
		{ "attract", attract },
		{ "order, 99 tracks", order99 },
		{ "staff queue, 64 orders", queue64 },
		{ "writing, percent changing", writing },
	};
	int frames = argc > 1 ? atoi(argv[1]) : 600;
	struct ui_options o = { .driver = "offscreen", .width = 1280, .height = 800 };
	struct core_snapshot *s = calloc(1, sizeof(*s));
	double *t = calloc((size_t)(frames > 200 ? frames : 200), sizeof(*t));
	double worst_p99 = -1, worst_med = 0, med, p99;
	const char *worst = "";
	struct ui_output out;
	struct rusage ru;
	struct err e = { "" };
	struct ui *u;

	if (!s || !t || frames < 10)
		return 1;
	if (ui_open(&u, &o, &e)) {
		fprintf(stderr, "ui_bench: %s\n", e.msg);
		return 1;
	}
	for (size_t k = 0; k < sizeof(scenes) / sizeof(scenes[0]); k++) {
		fix_snapshot(s);
		ui_debug_show(u, UI_SCREEN_ATTRACT);
		ui_frame(u, s, &out);
		scenes[k].prepare(u, s);
		for (int i = 0; i < 20; i++) { /* warm the glyph and icon caches */
			s->seq++;
			ui_frame(u, s, &out);
		}
		for (int i = 0; i < frames; i++) {
			double t0;

			s->seq++;
			s->progress.percent = (unsigned)(i % 100);
			s->progress.eta_s = 300 - i % 300;
			t0 = now_ms();
			ui_frame(u, s, &out);
			t[i] = now_ms() - t0;
		}
		stats(t, frames, &med, &p99);
		printf("ui frame %-28s median %6.2f ms  p99 %6.2f ms  (%s screen, %d frames)\n",
		       scenes[k].name, med, p99, ui_screen_name(ui_current_screen(u)), frames);
		if (p99 > worst_p99) {
			worst_p99 = p99;
			worst_med = med;
			worst = scenes[k].name;
		}
	}
	printf("ui frame busiest (%s): median %.2f ms, p99 %.2f ms (aim: p99 < 16 ms)\n", worst,
	       worst_med, worst_p99);

	/* Touch to frame: tap a keypad digit, time until the frame shows it. */
	fix_snapshot(s);
	ui_debug_show(u, UI_SCREEN_CODE);
	ui_frame(u, s, &out);
	for (int i = 0; i < 200; i++) {
		int x, y;
		double t0;

		if (ui_locate(u, i % 13 == 12 ? UI_ACT_CLEAR : UI_ACT_DIGIT, i % 13 == 12 ? -1 : i % 10, &x,
			      &y)) {
			ui_debug_show(u, UI_SCREEN_CODE);
			ui_frame(u, s, &out);
			ui_locate(u, UI_ACT_DIGIT, i % 10, &x, &y);
		}
		t0 = now_ms();
		ui_inject_touch(u, x, y, true);
		ui_inject_touch(u, x, y, false);
		ui_frame(u, s, &out);
		t[i] = now_ms() - t0;
	}
	stats(t, 200, &med, &p99);
	printf("ui touch-to-frame latency: median %.2f ms, p99 %.2f ms (200 taps)\n", med, p99);
	getrusage(RUSAGE_SELF, &ru);
	printf("ui peak memory: %.1f MB resident\n", (double)ru.ru_maxrss / 1024.0);
	ui_close(u);
	free(t);
	free(s);
	return 0;
}
