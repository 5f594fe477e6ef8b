/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ui_action: what a touch on a widget means.  Widgets carry an action;
 * ui_nav turns actions into UI-state changes and core intents.  Public
 * because the tests ask where the widget for an action is (ui_locate) and
 * whether a screen offers one at all (no quit on customer screens).
 */
#ifndef TENPO_UI_ACTION_H
#define TENPO_UI_ACTION_H

enum ui_action_kind {
	UI_ACT_NONE,
	UI_ACT_BLOCK,           /* a modal's backdrop: swallows the touch */
	/* customer */
	UI_ACT_START,           /* attract: touch anywhere */
	UI_ACT_STAFF_CORNER,    /* attract, top-left: press and hold 3 s */
	UI_ACT_LANG,            /* switch Japanese / English */
	UI_ACT_LARGE_TEXT,      /* large-text high-contrast on / off */
	UI_ACT_HELP,            /* the call-staff sheet */
	UI_ACT_MODAL_CLOSE,
	UI_ACT_DIGIT,           /* arg: 0..9 (code and PIN keypads) */
	UI_ACT_BACKSPACE,
	UI_ACT_CLEAR,
	UI_ACT_SUBMIT,          /* code entry: send the 12 digits; PIN: sign in */
	UI_ACT_END,             /* back, cancel, finish: INTENT_END_SESSION */
	UI_ACT_CONFIRM_ORDER,
	UI_ACT_DISC_INSERTED,
	UI_ACT_TRY_DISC,        /* after a ruined blank: write again on another */
	UI_ACT_PRINT_SLIP,      /* order not paid: print the payment slip */
	UI_ACT_STILL_HERE,      /* the inactivity warning's "continue" */
	UI_ACT_SCROLL_UP,       /* arg: enum ui_scroll */
	UI_ACT_SCROLL_DOWN,
	/* staff */
	UI_ACT_PIN_CANCEL,
	UI_ACT_STAFF_OPEN,      /* arg: enum ui_screen */
	UI_ACT_STAFF_MENU,
	UI_ACT_STAFF_LOGOUT,
	UI_ACT_QUEUE_SELECT,    /* id: the order */
	UI_ACT_STAFF_RETRY,     /* id */
	UI_ACT_STAFF_CANCEL,    /* id: asks first */
	UI_ACT_STAFF_CANCEL_YES,
	UI_ACT_STAFF_REFETCH,   /* id */
	UI_ACT_STAFF_REWRITE,   /* id */
	UI_ACT_STAFF_CONFIRM_PAYMENT, /* id: its slip was paid at the register */
	UI_ACT_STAFF_TEST_WRITE,
	UI_ACT_STAFF_EJECT,
	UI_ACT_STAFF_SYNC,
	UI_ACT_STAFF_PRINTER_TEST,
	UI_ACT_STAFF_SCANNER_TEST,
	UI_ACT_STAFF_DAY_CLOSE,
	UI_ACT_STAFF_REPRINT,   /* id: a document's key; arg: its kind, 0 receipt, 1 slip,
				   2 day, 3 test (ui_doc_kinds) */
	UI_ACT_STAFF_PREVIEW,   /* the same */
	UI_ACT_QUIT,            /* staff menu only: asks first */
	UI_ACT_QUIT_YES,
	UI_ACT_COUNT
};

/* The kinds of printed documents, as core_periph.c names them. */
#define UI_DOC_KINDS 4
static const char *const ui_doc_kinds[UI_DOC_KINDS] = { "receipt", "slip", "day", "test" };

enum ui_scroll { UI_SCROLL_ITEMS, UI_SCROLL_QUEUE, UI_SCROLL_LOG, UI_SCROLL_COUNT };

struct ui_action {
	enum ui_action_kind kind;
	int arg;
	const char *id; /* an order id; points into the widget tree's strings */
};

#endif
