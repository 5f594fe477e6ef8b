/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ui_i18n: every word the kiosk shows, in Japanese and English.
 *
 * Strings are keyed by enum ui_str; a table per language holds them all
 * (the unit test checks none is missing).  The core's own words arrive as
 * CORE_MSG_* codes and are translated here into what a customer can act
 * on: a title, what happened, and what to do next.  Templates take
 * arguments as {0} and {1} (ui_fmt), never printf formats, so a
 * translation may put them in any order.
 */
#ifndef TENPO_UI_I18N_H
#define TENPO_UI_I18N_H

#include <stddef.h>

#include "core.h"

enum ui_lang { UI_LANG_JA, UI_LANG_EN, UI_LANG_COUNT };

enum ui_str {
	S_LANG_NAME, S_LANG_OTHER, S_BRAND, S_BRAND_SUB, S_LARGE_TEXT, S_NORMAL_TEXT, S_HELP,
	S_BACK, S_CANCEL, S_CLOSE,
	S_STEP_CODE, S_STEP_CONFIRM, S_STEP_DISC, S_STEP_WRITE, S_STEP_DONE,
	S_ATTRACT_TITLE, S_ATTRACT_LEAD, S_ATTRACT_STEP1_T, S_ATTRACT_STEP1_B,
	S_ATTRACT_STEP2_T, S_ATTRACT_STEP2_B, S_ATTRACT_STEP3_T, S_ATTRACT_STEP3_B,
	S_TOUCH_TO_START,
	S_CODE_TITLE, S_CODE_HINT, S_CODE_TIP, S_CODE_CONTINUE, S_CODE_CLEAR, S_CODE_COUNT, S_CODE_WAIT_LEFT,
	S_CHECKING_TITLE, S_CHECKING_BODY,
	S_ORDER_TITLE, S_ORDER_WRITE, S_ORDER_TRACKS, S_ORDER_ONE_TRACK, S_ORDER_FILES,
	S_ORDER_ONE_FILE, S_ORDER_PRICE, S_ORDER_PREPAID, S_ORDER_PAY_REGISTER, S_ORDER_NEED,
	S_ORDER_ID, S_ORDER_CONTENTS, S_ORDER_UNPAID,
	S_MEDIA_AUDIO_CD, S_MEDIA_DATA_CD, S_MEDIA_DATA_DVD,
	S_DISC_TITLE, S_DISC_BODY, S_DISC_STEP1, S_DISC_STEP2, S_DISC_STEP3, S_DISC_INSERTED, S_DISC_SOLD, S_DISC_CHECKING, S_DISC_IN_DRIVE,
	S_WRITE_TITLE, S_WRITE_DONT,
	S_PROG_PREPARING, S_PROG_WRITING, S_PROG_CLOSING, S_PROG_VERIFYING, S_PROG_ERASING,
	S_PROG_DONE, S_ETA_CALC, S_ETA_MIN, S_ETA_LT1, S_PHASE_WRITE, S_PHASE_VERIFY,
	S_PHASE_DONE,
	S_DONE_TITLE, S_DONE_DISC, S_DONE_RECEIPT, S_DONE_PAY, S_DONE_PAY_TITLE, S_DONE_THANKS, S_DONE_FINISH,
	S_ERR_BACK_START, S_ERR_TRY_DISC, S_ERR_REF, S_ERR_STAFF_HINT,
	S_HELP_TITLE, S_HELP_BODY, S_IDLE_TITLE, S_IDLE_BODY, S_IDLE_CONTINUE,
	S_STAFF_BADGE, S_STAFF_PIN_TITLE, S_STAFF_PIN_HINT, S_STAFF_SIGN_IN, S_STAFF_PIN_WRONG,
	S_STAFF_LOCKED, S_STAFF_CHECKING, S_STAFF_SIGN_OUT, S_STAFF_MENU, S_STAFF_QUIT,
	S_STAFF_QUIT_Q, S_STAFF_QUIT_YES, S_STAFF_SHOP,
	S_TILE_DRIVE, S_TILE_QUEUE, S_TILE_TEST, S_TILE_SPOOL, S_TILE_NET, S_TILE_OUTBOX,
	S_TILE_PERIPH, S_TILE_LOG, S_TILE_ABOUT,
	S_SUM_DRIVE_NONE, S_SUM_QUEUE, S_SUM_SPOOL, S_SUM_OUTBOX, S_SUM_PERIPH, S_SUM_LOG,
	S_SUM_ABOUT, S_SUM_TEST,
	S_DISC_NONE, S_DISC_BLANK, S_DISC_APPENDABLE, S_DISC_CLOSED, S_DISC_UNSUITABLE,
	S_F_DRIVE, S_F_ADDRESS, S_F_PROFILE, S_F_DISC, S_F_FREE, S_F_RUINED, S_CONNECTED,
	S_NOT_CONNECTED, S_EJECT,
	S_COL_ORDER, S_COL_STATE, S_COL_TITLE, S_COL_REASON, S_COL_UPDATED,
	S_ACT_RETRY, S_ACT_CANCEL, S_ACT_REFETCH, S_ACT_REWRITE, S_QUEUE_EMPTY, S_QUEUE_SELECT,
	S_CANCEL_Q, S_KEEP,
	S_ST_ANNOUNCED, S_ST_DOWNLOADING, S_ST_READY, S_ST_CLAIMED, S_ST_WRITING, S_ST_VERIFYING,
	S_ST_WRITTEN, S_ST_ERASED, S_ST_REPORTED, S_ST_FAILED, S_ST_EXPIRED, S_ST_CANCELLED,
	S_TEST_BODY, S_TEST_START, S_LAST_RESULT, S_NO_RESULT,
	S_SPOOL_USED, S_SPOOL_FREE, S_SPOOL_HOLDING, S_SPOOL_WAIT_ERASE, S_SPOOL_ERASED,
	S_SPOOL_OF, S_SPOOL_FULL_WAIT,
	S_NET_STATUS, S_NET_OK, S_NET_DOWN, S_NET_HTTP_ERROR, S_NET_PROTOCOL, S_NET_TLS, S_NET_LAST_SYNC, S_NET_NEVER, S_NET_LAST_ERROR,
	S_NET_NONE, S_NET_SERVER_CERT, S_NET_CLIENT_CERT, S_DAYS_LEFT, S_EXPIRED_AGO, S_UNKNOWN,
	S_SYNC_NOW,
	S_OUTBOX_PENDING, S_OUTBOX_BODY,
	S_PERIPH_SCANNER, S_PERIPH_PRINTER, S_PERIPH_TEST, S_PERIPH_SCANNER_BODY,
	S_PERIPH_PRINTER_BODY,
	S_PERIPH_CONNECTED, S_PERIPH_ABSENT, S_PERIPH_BROKEN, S_PERIPH_USB_OFF, S_PERIPH_DEVICE,
	S_PERIPH_LAST_SCAN, S_PERIPH_TEST_SCAN, S_PERIPH_WAITING, S_PERIPH_PROFILE, S_PERIPH_STATUS,
	S_PERIPH_JOBS, S_PERIPH_JOBS_FMT, S_PERIPH_RECEIPTS, S_PERIPH_NO_RECEIPTS, S_PERIPH_REPRINT,
	S_PERIPH_PREVIEW, S_PERIPH_PREVIEW_NONE, S_PERIPH_ALERT, S_DOC_RECEIPT, S_DOC_SLIP,
	S_DOC_DAY, S_DOC_TEST, S_DONE_NO_RECEIPT, S_SUM_PERIPH_PRINTER, S_SUM_PERIPH_SCANNER,
	S_LOG_EMPTY, S_LOG_NEWEST,
	S_ABOUT_VERSION, S_ABOUT_SHOP, S_ABOUT_BOARD, S_ABOUT_SCREEN, S_ABOUT_VIDEO,
	S_ABOUT_LICENSE, S_ABOUT_GESTURE,
	S_STR_COUNT
};

/* The core's message, as a customer reads it.  {0} in a text is the kind
 * of blank the order needs ("CD-R", "DVD-R"). */
struct ui_msg_text {
	const char *title, *what, *next;
};

const char *ui_str(enum ui_lang lang, enum ui_str s);
const struct ui_msg_text *ui_msg(enum ui_lang lang, enum core_msg m);
const char *ui_order_state_str(enum ui_lang lang, enum order_state s);
/* The string of a disc job's stage and of a disc's status (burner's lists);
 * out of range: S_PROG_DONE, S_DISC_UNSUITABLE. */
enum ui_str ui_stage_key(enum burner_stage s);
enum ui_str ui_disc_key(enum burner_status d);
/* The network's state as delivery's outcome code says it (never from the
 * error's words); out of range: S_NET_DOWN. */
enum ui_str ui_net_key(enum delivery_outcome o);
const char *ui_media_str(enum ui_lang lang, enum media_kind m);
/* "CD-R" or "DVD-R": what a customer must buy for this order. */
const char *ui_blank_for(enum media_kind m);

/* Expands {0} and {1} in tmpl; always NUL-terminates; returns buf. */
char *ui_fmt(char *buf, size_t n, const char *tmpl, const char *a0, const char *a1);

#endif
