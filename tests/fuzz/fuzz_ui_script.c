// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for ui_script_parse(), the scripted-touch language of
 * `tenpo run --script`.  Any text may be refused, never crash.  The parser
 * is linked alone: the UI calls a script step makes are stubbed here (they
 * are never reached by parsing), and screen names are the real ones' shape.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- stubs of ui.h: parsing asks only for screen names ---- */
const char *ui_screen_name(enum ui_screen s)
{
	static const char *const names[] = { "attract", "code", "order", "staff-queue" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}
enum ui_screen ui_current_screen(const struct ui *u)
{
	(void)u;
	abort();
}
int ui_locate(const struct ui *u, enum ui_action_kind k, int arg, int *x, int *y)
{
	(void)u, (void)k, (void)arg, (void)x, (void)y;
	abort();
}
int ui_locate_order(const struct ui *u, enum ui_action_kind k, const char *id, int *x, int *y)
{
	(void)u, (void)k, (void)id, (void)x, (void)y;
	abort();
}
int ui_inject_touch(struct ui *u, int x, int y, bool down)
{
	(void)u, (void)x, (void)y, (void)down;
	abort();
}
int ui_screenshot(struct ui *u, const char *path, struct err *e)
{
	(void)u, (void)path, (void)e;
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ui_script *s = NULL;
	struct err e;

	if (ui_script_parse(&s, (const char *)data, size, &e)) {
		if (s || strnlen(e.msg, sizeof(e.msg)) == sizeof(e.msg) || strncmp(e.msg, "script", 6))
			abort();
		return 0;
	}
	if (!s || ui_script_length(s) > 1000)
		abort();
	ui_script_free(s);
	return 0;
}
