// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ui_script: scripted touches (see ui_script.h).  The parser turns the text
 * into an array of steps; the runner executes one step per call, so the
 * frame loop keeps drawing and the core keeps answering between steps.
 */
#include "ui_script.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "order.h"
#include "ui_action.h"

#define LINE_MAX_BYTES 255
#define STEPS_MAX 1000
#define WAIT_DEFAULT_S 600
#define POLL_MS 50

enum op { OP_WAIT, OP_EXPECT, OP_ENABLED, OP_DISABLED, OP_TAP, OP_HOLD, OP_TYPE, OP_PAUSE,
	  OP_SHOT, OP_QUIT };

struct step {
	enum op op;
	unsigned line;
	enum ui_screen screen;      /* wait, expect */
	enum ui_action_kind act;    /* tap, hold */
	int arg;                    /* the action's argument; -1: any */
	char id[32];                /* or the order it is about ("" : any) */
	int64_t ms;                 /* wait bound, hold, pause */
	char text[64];              /* type: digits; shot: file name */
};

struct ui_script {
	struct step *steps;
	unsigned n, at;
	/* the current step's progress */
	bool started;
	int64_t since;              /* when it started (wait, hold, pause) */
	unsigned typed;             /* type: digits done */
	bool pressed;               /* hold: the finger is down ... */
	int press_x, press_y;       /* ... here (the widget may be gone when
				     * it lifts: a hold opens another screen) */
};

static const struct {
	const char *name;
	enum ui_action_kind kind;
	enum { NO_ARG, DIGIT_ARG, SCREEN_ARG, ORDER_ARG } arg;
} actions[] = {
	{ "start", UI_ACT_START, NO_ARG },
	{ "staff-corner", UI_ACT_STAFF_CORNER, NO_ARG },
	{ "lang", UI_ACT_LANG, NO_ARG },
	{ "large-text", UI_ACT_LARGE_TEXT, NO_ARG },
	{ "help", UI_ACT_HELP, NO_ARG },
	{ "modal-close", UI_ACT_MODAL_CLOSE, NO_ARG },
	{ "digit", UI_ACT_DIGIT, DIGIT_ARG },
	{ "backspace", UI_ACT_BACKSPACE, NO_ARG },
	{ "clear", UI_ACT_CLEAR, NO_ARG },
	{ "submit", UI_ACT_SUBMIT, NO_ARG },
	{ "end", UI_ACT_END, NO_ARG },
	{ "confirm-order", UI_ACT_CONFIRM_ORDER, NO_ARG },
	{ "disc-inserted", UI_ACT_DISC_INSERTED, NO_ARG },
	{ "try-disc", UI_ACT_TRY_DISC, NO_ARG },
	{ "print-slip", UI_ACT_PRINT_SLIP, NO_ARG },
	{ "still-here", UI_ACT_STILL_HERE, NO_ARG },
	{ "pin-cancel", UI_ACT_PIN_CANCEL, NO_ARG },
	{ "staff-open", UI_ACT_STAFF_OPEN, SCREEN_ARG },
	{ "staff-menu", UI_ACT_STAFF_MENU, NO_ARG },
	{ "staff-logout", UI_ACT_STAFF_LOGOUT, NO_ARG },
	{ "queue-select", UI_ACT_QUEUE_SELECT, ORDER_ARG },
	{ "staff-retry", UI_ACT_STAFF_RETRY, NO_ARG },
	{ "staff-cancel", UI_ACT_STAFF_CANCEL, NO_ARG },
	{ "staff-cancel-yes", UI_ACT_STAFF_CANCEL_YES, NO_ARG },
	{ "staff-refetch", UI_ACT_STAFF_REFETCH, NO_ARG },
	{ "staff-rewrite", UI_ACT_STAFF_REWRITE, NO_ARG },
	{ "staff-confirm-payment", UI_ACT_STAFF_CONFIRM_PAYMENT, NO_ARG },
	{ "staff-day-close", UI_ACT_STAFF_DAY_CLOSE, NO_ARG },
	{ "staff-test-write", UI_ACT_STAFF_TEST_WRITE, NO_ARG },
	{ "staff-eject", UI_ACT_STAFF_EJECT, NO_ARG },
	{ "staff-sync", UI_ACT_STAFF_SYNC, NO_ARG },
	{ "quit", UI_ACT_QUIT, NO_ARG },
	{ "quit-yes", UI_ACT_QUIT_YES, NO_ARG },
};

static int screen_parse(const char *s)
{
	for (int i = 0; i < UI_SCREEN_COUNT; i++)
		if (!strcmp(s, ui_screen_name((enum ui_screen)i)))
			return i;
	return -1;
}

/* A whole decimal number in [lo, hi]. */
static int number_parse(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Splits line into at most 4 words (in place); returns how many, or -1
 * for more. */
static int words(char *line, char *w[4])
{
	int n = 0;

	for (char *p = strtok(line, " \t"); p; p = strtok(NULL, " \t")) {
		if (n == 4)
			return -1;
		w[n++] = p;
	}
	return n;
}

static int action_parse(struct step *st, char **w, int n, struct err *e)
{
	long v;

	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(w[0], actions[i].name))
			continue;
		st->act = actions[i].kind;
		st->arg = -1;
		switch (actions[i].arg) {
		case NO_ARG:
			return n == 1 ? 0 : err_fail(e, "'%s' takes no argument", w[0]);
		case DIGIT_ARG:
			if (n != 2 || number_parse(w[1], 0, 9, &v))
				return err_fail(e, "'%s' needs one digit 0-9", w[0]);
			st->arg = (int)v;
			return 0;
		case SCREEN_ARG:
			if (n != 2 || (st->arg = screen_parse(w[1])) < 0)
				return err_fail(e, "'%s' needs a screen name", w[0]);
			return 0;
		case ORDER_ARG:
			if (n != 2 || !order_id_ok(w[1]) || strlen(w[1]) >= sizeof(st->id))
				return err_fail(e, "'%s' needs an order id", w[0]);
			snprintf(st->id, sizeof(st->id), "%s", w[1]);
			return 0;
		}
	}
	return err_fail(e, "unknown action '%s'", w[0]);
}

static int digits_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= sizeof(((struct step *)0)->text))
		return 0;
	return strspn(s, "0123456789") == n;
}

/* A shot's name becomes a file name: keep it to [A-Za-z0-9_-]. */
static int name_ok(const char *s)
{
	size_t n = strlen(s);

	return n && n < 48 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

static int line_parse(struct step *st, char *line, struct err *e)
{
	char *w[4] = { NULL };
	int n = words(line, w);
	long v;

	if (n <= 0)
		return err_fail(e, n ? "too many words" : "empty line");
	if (!strcmp(w[0], "wait") || !strcmp(w[0], "expect")) {
		bool wait = w[0][0] == 'w';

		st->op = wait ? OP_WAIT : OP_EXPECT;
		if (n < 2 || n > (wait ? 3 : 2) || (int)(st->screen = screen_parse(w[1])) < 0)
			return err_fail(e, "'%s' needs a screen name%s", w[0],
					wait ? " and optionally seconds" : "");
		st->ms = WAIT_DEFAULT_S * 1000LL;
		if (n == 3) {
			if (number_parse(w[2], 1, 86400, &v))
				return err_fail(e, "'wait' seconds must be 1-86400");
			st->ms = v * 1000LL;
		}
		return 0;
	}
	if (!strcmp(w[0], "wait-enabled") || !strcmp(w[0], "expect-disabled")) {
		st->op = w[0][0] == 'w' ? OP_ENABLED : OP_DISABLED;
		st->ms = WAIT_DEFAULT_S * 1000LL;
		return n >= 2 ? action_parse(st, w + 1, n - 1, e)
			      : err_fail(e, "'%s' needs an action", w[0]);
	}
	if (!strcmp(w[0], "tap")) {
		st->op = OP_TAP;
		return n >= 2 ? action_parse(st, w + 1, n - 1, e) : err_fail(e, "'tap' needs an action");
	}
	if (!strcmp(w[0], "hold")) {
		st->op = OP_HOLD;
		if (n != 3 || number_parse(w[2], 1, 60000, &v))
			return err_fail(e, "'hold' needs an action and 1-60000 ms");
		st->ms = v;
		return action_parse(st, w + 1, 1, e);
	}
	if (!strcmp(w[0], "type")) {
		st->op = OP_TYPE;
		if (n != 2 || !digits_ok(w[1]))
			return err_fail(e, "'type' needs 1-63 digits");
		snprintf(st->text, sizeof(st->text), "%s", w[1]);
		return 0;
	}
	if (!strcmp(w[0], "pause")) {
		st->op = OP_PAUSE;
		if (n != 2 || number_parse(w[1], 0, 3600000, &v))
			return err_fail(e, "'pause' needs 0-3600000 ms");
		st->ms = v;
		return 0;
	}
	if (!strcmp(w[0], "shot")) {
		st->op = OP_SHOT;
		if (n != 2 || !name_ok(w[1]))
			return err_fail(e, "'shot' needs a name of [A-Za-z0-9_-], under 48 bytes");
		snprintf(st->text, sizeof(st->text), "%s", w[1]);
		return 0;
	}
	if (!strcmp(w[0], "quit")) {
		st->op = OP_QUIT;
		return n == 1 ? 0 : err_fail(e, "'quit' takes no argument");
	}
	return err_fail(e, "unknown command '%s'", w[0]);
}

int ui_script_parse(struct ui_script **out, const char *text, size_t len, struct err *e)
{
	struct ui_script *s = calloc(1, sizeof(*s));
	unsigned line = 0;
	size_t at = 0;

	*out = NULL;
	if (!s || !(s->steps = calloc(STEPS_MAX, sizeof(*s->steps)))) {
		ui_script_free(s);
		return err_fail(e, "out of memory");
	}
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		char buf[LINE_MAX_BYTES + 1], *hash;
		struct err why = { "" };

		line++;
		if (n > LINE_MAX_BYTES || memchr(text + at, '\0', n)) {
			ui_script_free(s);
			return err_fail(e, "script line %u: %s", line,
					n > LINE_MAX_BYTES ? "longer than 255 bytes" : "NUL byte");
		}
		memcpy(buf, text + at, n);
		buf[n] = '\0';
		at += n + 1;
		if ((hash = strchr(buf, '#')))
			*hash = '\0';
		buf[strcspn(buf, "\r")] = '\0';
		if (strspn(buf, " \t") == strlen(buf))
			continue;
		if (s->n == STEPS_MAX) {
			ui_script_free(s);
			return err_fail(e, "script: more than %d steps", STEPS_MAX);
		}
		s->steps[s->n].line = line;
		if (line_parse(&s->steps[s->n], buf, &why)) {
			ui_script_free(s);
			return err_fail(e, "script line %u: %s", line, why.msg);
		}
		s->n++;
	}
	*out = s;
	return 0;
}

int ui_script_load(struct ui_script **out, const char *path, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int rc;

	*out = NULL;
	if (!f)
		return err_fail(e, "script %s: %s", path, strerror(errno));
	buf = malloc(STEPS_MAX * (LINE_MAX_BYTES + 1) + 1);
	if (!buf) {
		fclose(f);
		return err_fail(e, "out of memory");
	}
	n = fread(buf, 1, STEPS_MAX * (LINE_MAX_BYTES + 1) + 1, f);
	rc = ferror(f) ? err_fail(e, "script %s: read error", path)
	     : n > STEPS_MAX * (LINE_MAX_BYTES + 1) ? err_fail(e, "script %s: too large", path)
						   : ui_script_parse(out, buf, n, e);
	fclose(f);
	free(buf);
	return rc;
}

void ui_script_free(struct ui_script *s)
{
	if (!s)
		return;
	free(s->steps);
	free(s);
}

unsigned ui_script_length(const struct ui_script *s)
{
	return s->n;
}

/* Where the step's widget is, when it is there and enabled. */
static int locate(struct ui *u, const struct step *st, int *x, int *y)
{
	return st->id[0] ? ui_locate_order(u, st->act, st->id, x, y)
			 : ui_locate(u, st->act, st->arg, x, y);
}

static int tap(struct ui *u, const struct step *st, bool down, bool up, struct err *e)
{
	int x, y;

	if (locate(u, st, &x, &y))
		return err_fail(e, "script line %u: the %s screen shows no widget for that action",
				st->line, ui_screen_name(ui_current_screen(u)));
	if ((down && ui_inject_touch(u, x, y, true)) || (up && ui_inject_touch(u, x, y, false)))
		return err_fail(e, "script line %u: cannot inject a touch", st->line);
	return 0;
}

/* The step after this one starts fresh. */
static void next(struct ui_script *s)
{
	s->at++;
	s->started = false;
	s->typed = 0;
	s->pressed = false;
}

int ui_script_step(struct ui_script *s, struct ui *u, const char *shots_dir, int64_t now_ms,
		   int *wake_ms, struct err *e)
{
	struct step *st;
	char path[4096];
	int x, y;

	*wake_ms = 0;
	if (s->at >= s->n)
		return 1;
	st = &s->steps[s->at];
	if (!s->started) {
		s->started = true;
		s->since = now_ms;
	}
	switch (st->op) {
	case OP_WAIT:
		if (ui_current_screen(u) == st->screen) {
			next(s);
		} else if (now_ms - s->since > st->ms) {
			return err_fail(e, "script line %u: waited %lld s for the %s screen; still on %s",
					st->line, (long long)(st->ms / 1000),
					ui_screen_name(st->screen),
					ui_screen_name(ui_current_screen(u)));
		} else {
			*wake_ms = POLL_MS;
		}
		return 0;
	case OP_EXPECT:
		if (ui_current_screen(u) != st->screen)
			return err_fail(e, "script line %u: expected the %s screen, found %s", st->line,
					ui_screen_name(st->screen),
					ui_screen_name(ui_current_screen(u)));
		next(s);
		return 0;
	case OP_TAP:
		if (tap(u, st, true, true, e))
			return -1;
		next(s);
		return 0;
	case OP_HOLD:
		if (!s->pressed) {
			if (locate(u, st, &s->press_x, &s->press_y))
				return tap(u, st, true, false, e); /* says what is missing */
			if (ui_inject_touch(u, s->press_x, s->press_y, true))
				return err_fail(e, "script line %u: cannot inject a touch", st->line);
			s->pressed = true;
		}
		if (now_ms - s->since < st->ms) {
			*wake_ms = (int)(st->ms - (now_ms - s->since));
			return 0;
		}
		if (ui_inject_touch(u, s->press_x, s->press_y, false))
			return err_fail(e, "script line %u: cannot inject a touch", st->line);
		next(s);
		return 0;
	case OP_ENABLED:
		if (!locate(u, st, &x, &y)) {
			next(s);
		} else if (now_ms - s->since > st->ms) {
			return err_fail(e, "script line %u: waited %lld s for that control on %s",
					st->line, (long long)(st->ms / 1000),
					ui_screen_name(ui_current_screen(u)));
		} else {
			*wake_ms = POLL_MS;
		}
		return 0;
	case OP_DISABLED:
		if (!locate(u, st, &x, &y))
			return err_fail(e, "script line %u: that control is usable on %s",
					st->line, ui_screen_name(ui_current_screen(u)));
		next(s);
		return 0;
	case OP_TYPE: {
		struct step digit = *st;

		digit.act = UI_ACT_DIGIT;
		digit.arg = st->text[s->typed] - '0';
		digit.id[0] = '\0';
		if (tap(u, &digit, true, true, e))
			return -1;
		if (!st->text[++s->typed])
			next(s);
		return 0;
	}
	case OP_PAUSE:
		if (now_ms - s->since < st->ms) {
			*wake_ms = (int)(st->ms - (now_ms - s->since));
			return 0;
		}
		next(s);
		return 0;
	case OP_SHOT:
		if (!shots_dir)
			return err_fail(e, "script line %u: no folder for shots", st->line);
		snprintf(path, sizeof(path), "%s/%s.png", shots_dir, st->text);
		if (ui_screenshot(u, path, e))
			return -1;
		next(s);
		return 0;
	case OP_QUIT:
		s->at = s->n;
		return 1;
	}
	return err_fail(e, "script line %u: bad step", st->line);
}
