// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hid_scan: the state machine of hid_scan.h.
 *
 *   IDLE ──char──▶ TYPING ──Enter──▶ IDLE (DONE, or REFUSED when garbage)
 *                    │ ├──gap──────▶ IDLE (REFUSED "timed out")
 *                    │ └─513th char─▶ SWALLOWING (REFUSED "longer than")
 *   SWALLOWING ──Enter / gap / last POS part──▶ IDLE (silently)
 *
 * The HID POS path uses the same states, a report with the "more" bit clear
 * standing in for Enter.
 */
#include "hid_scan.h"

#include <string.h>

#define MOD_SHIFT 0x22 /* left and right Shift */
#define MOD_OTHER 0xdd /* Ctrl, Alt, GUI, left and right */
#define KEY_ENTER 0x28
#define KEY_KP_ENTER 0x58
#define KEY_CAPS_LOCK 0x39
#define KEY_ERROR_MAX 0x03 /* 0x01 ErrorRollOver, 0x02 POSTFail, 0x03 ErrorUndefined */

/* US layout, usages 0x2c..0x38; a blank is a key that types no character. */
static const char sym_plain[] = " -=[]\\ ;'`,./";
static const char sym_shift[] = " _+{}| :\"~<>?";
/* usages 0x54..0x63 on the keypad */
static const char keypad[] = "/*-+ 1234567890.";

static char kbd_char(uint8_t usage, bool shift)
{
	if (usage >= 0x04 && usage <= 0x1d)
		return (char)((shift ? 'A' : 'a') + (usage - 0x04));
	if (usage >= 0x1e && usage <= 0x27)
		return shift ? "!@#$%^&*()"[usage - 0x1e] : "1234567890"[usage - 0x1e];
	if (usage >= 0x2c && usage <= 0x38) {
		char c = shift ? sym_shift[usage - 0x2c] : sym_plain[usage - 0x2c];

		return c == ' ' && usage != 0x2c ? 0 : c;
	}
	if (usage >= 0x54 && usage <= 0x63 && usage != KEY_KP_ENTER)
		return keypad[usage - 0x54];
	return 0;
}

void hid_scan_init(struct hid_scan *s, unsigned gap_ms)
{
	memset(s, 0, sizeof(*s));
	s->gap_ms = gap_ms ? gap_ms : HID_SCAN_GAP_MS_DEFAULT;
	s->state = HID_SCAN_IDLE;
}

void hid_scan_set_pos_layout(struct hid_scan *s, enum hid_scan_pos_layout layout)
{
	s->pos_layout = layout;
}

static void scan_reset(struct hid_scan *s)
{
	s->state = HID_SCAN_IDLE;
	s->garbage = false;
	s->garbage_key = 0;
	s->garbage_len = 0;
	s->len = 0;
	s->text[0] = '\0';
	s->symbology[0] = '\0';
}

/* A partial scan whose last part is older than the gap: dropped. */
static bool scan_stale(const struct hid_scan *s, uint64_t now_ms)
{
	return s->state != HID_SCAN_IDLE && now_ms - s->last_ms > s->gap_ms;
}

enum hid_scan_result hid_scan_idle(struct hid_scan *s, uint64_t now_ms, struct err *e)
{
	bool was_typing = s->state == HID_SCAN_TYPING;

	if (!scan_stale(s, now_ms))
		return HID_SCAN_NONE;
	scan_reset(s);
	if (!was_typing)
		return HID_SCAN_NONE;
	err_fail(e, "scan: timed out after %u ms without a character", s->gap_ms);
	return HID_SCAN_REFUSED;
}

static enum hid_scan_result scan_overflow(struct hid_scan *s, struct err *e)
{
	scan_reset(s);
	s->state = HID_SCAN_SWALLOWING;
	err_fail(e, "scan: longer than %d characters", HID_SCAN_MAX);
	return HID_SCAN_REFUSED;
}

/* The scan is over (Enter, or the last POS part): its verdict. */
static enum hid_scan_result scan_finish(struct hid_scan *s, char *text, struct err *e)
{
	enum hid_scan_result r = HID_SCAN_NONE;

	for (size_t i = 0; i < s->len; i++)
		if ((unsigned char)s->text[i] < 0x20 || (unsigned char)s->text[i] > 0x7e)
			s->garbage = true;
	if (s->state == HID_SCAN_TYPING) {
		if (s->garbage) {
			if (s->garbage_key)
				err_fail(e, "scan: key 0x%02x is not a character", s->garbage_key);
			else if (s->garbage_len)
				err_fail(e, "scan: a report of %u bytes, not a boot report",
					 (unsigned)s->garbage_len);
			else
				err_fail(e, "scan: not printable text");
			r = HID_SCAN_REFUSED;
		} else if (!s->len) {
			err_fail(e, "scan: empty");
			r = HID_SCAN_REFUSED;
		} else {
			memcpy(text, s->text, s->len + 1);
			r = HID_SCAN_DONE;
		}
	}
	scan_reset(s);
	return r;
}

static bool was_held(const struct hid_scan *s, uint8_t usage)
{
	return memchr(s->held, usage, sizeof(s->held)) != NULL;
}

enum hid_scan_result hid_scan_kbd_report(struct hid_scan *s, const uint8_t *report, size_t len,
					 uint64_t now_ms, char *text, struct err *e)
{
	enum hid_scan_result r = HID_SCAN_NONE;
	uint8_t mods, down[6];
	size_t ndown = 0;

	/* A transfer of no bytes carries no report (the QEMU appliance's HID
	 * gadget sends such between reports): nothing pressed or released. */
	if (!len)
		return HID_SCAN_NONE;
	if (len != HID_SCAN_KBD_REPORT_LEN) {
		/* not a boot report: the scan it belongs to cannot be trusted */
		if (s->state == HID_SCAN_TYPING) {
			if (!s->garbage)
				s->garbage_len = len > 0xffff ? 0xffff : (uint16_t)len;
			s->garbage = true;
		}
		return HID_SCAN_NONE;
	}
	for (size_t i = 2; i < 8; i++)
		if (report[i] >= 0x01 && report[i] <= KEY_ERROR_MAX)
			return HID_SCAN_NONE; /* rollover: the keys held are unknown */
	mods = report[0];
	for (size_t i = 2; i < 8; i++)
		if (report[i] && !was_held(s, report[i]) && !memchr(down, report[i], ndown))
			down[ndown++] = report[i];
	memcpy(s->held, report + 2, sizeof(s->held));
	if (!ndown)
		return HID_SCAN_NONE;
	if (scan_stale(s, now_ms)) {
		/* the scan broke off: it and the late key are dropped together
		 * (after a swallowed storm, the late key starts afresh) */
		r = hid_scan_idle(s, now_ms, e);
		if (r != HID_SCAN_NONE)
			return r;
	}
	s->last_ms = now_ms;
	for (size_t i = 0; i < ndown; i++) {
		uint8_t k = down[i];
		char c;

		if (k == KEY_ENTER || k == KEY_KP_ENTER) {
			/* the rest of this report would be another scan: a
			 * scanner sends Enter last, so anything after it is
			 * not worth a second answer in the same call */
			return scan_finish(s, text, e);
		}
		if (k == KEY_CAPS_LOCK)
			continue;
		if (s->state == HID_SCAN_SWALLOWING)
			continue;
		s->state = HID_SCAN_TYPING;
		c = (mods & MOD_OTHER) ? 0 : kbd_char(k, (mods & MOD_SHIFT) != 0);
		if (!c) {
			if (!s->garbage)
				s->garbage_key = k;
			s->garbage = true;
			continue;
		}
		if (s->len == HID_SCAN_MAX)
			return scan_overflow(s, e);
		s->text[s->len++] = c;
		s->text[s->len] = '\0';
	}
	return r;
}

enum hid_scan_result hid_scan_pos_report(struct hid_scan *s, const uint8_t *report, size_t len,
					 uint64_t now_ms, char *text, struct err *e)
{
	enum hid_scan_result r = HID_SCAN_NONE;
	size_t off = s->pos_layout == HID_SCAN_POS_PLAIN ? 2 : 5, n;
	bool more;

	if (!len || report[0] != HID_SCAN_POS_REPORT_ID || len > HID_SCAN_POS_REPORT_LEN)
		return HID_SCAN_NONE;
	if (scan_stale(s, now_ms)) {
		r = hid_scan_idle(s, now_ms, e);
		if (r != HID_SCAN_NONE)
			return r;
	}
	s->last_ms = now_ms;
	n = len >= 2 ? report[1] : 0;
	if (len < off || n > HID_SCAN_POS_DATA_MAX || off + n > len) {
		bool swallowing = s->state == HID_SCAN_SWALLOWING;

		scan_reset(s);
		if (swallowing)
			return HID_SCAN_NONE;
		err_fail(e, "scan: HID POS report of %zu bytes claims %zu bytes of data", len, n);
		return HID_SCAN_REFUSED;
	}
	more = len == HID_SCAN_POS_REPORT_LEN && (report[63] & 1);
	if (s->state == HID_SCAN_SWALLOWING) {
		if (!more)
			scan_reset(s);
		return HID_SCAN_NONE;
	}
	if (s->state == HID_SCAN_IDLE) {
		s->state = HID_SCAN_TYPING;
		if (off == 5)
			memcpy(s->symbology, report + 2, 3);
		s->symbology[off == 5 ? 3 : 0] = '\0';
	}
	if (s->len + n > HID_SCAN_MAX) {
		r = scan_overflow(s, e);
		if (!more)
			scan_reset(s);
		return r;
	}
	memcpy(s->text + s->len, report + off, n);
	s->len += n;
	s->text[s->len] = '\0';
	if (more)
		return HID_SCAN_NONE;
	while (s->len && (s->text[s->len - 1] == '\r' || s->text[s->len - 1] == '\n'))
		s->text[--s->len] = '\0';
	return scan_finish(s, text, e);
}
