// SPDX-License-Identifier: GPL-2.0-or-later
/* hid_scan: boot keyboard reports and HID POS reports become whole scans. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hid_scan.h"

struct typist {
	struct hid_scan s;
	uint64_t now;
	char text[HID_SCAN_MAX + 1];
	struct err e;
	int done, refused;
};

static void typist_init(struct typist *t)
{
	memset(t, 0, sizeof(*t));
	hid_scan_init(&t->s, 0);
	t->now = 1000;
}

static enum hid_scan_result feed(struct typist *t, uint8_t mods, uint8_t k0, uint8_t k1)
{
	uint8_t r[8] = { mods, 0, k0, k1, 0, 0, 0, 0 };
	enum hid_scan_result res;

	t->now += 4;
	res = hid_scan_kbd_report(&t->s, r, sizeof(r), t->now, t->text, &t->e);
	t->done += res == HID_SCAN_DONE;
	t->refused += res == HID_SCAN_REFUSED;
	return res;
}

/* The usage and Shift of a US-layout character (the test's own table). */
static void usage_of(char c, uint8_t *usage, uint8_t *mods)
{
	static const char plain[] = "1234567890", shifted[] = "!@#$%^&*()";
	const char *p;

	*mods = 0;
	if (c >= 'a' && c <= 'z') {
		*usage = (uint8_t)(0x04 + (c - 'a'));
	} else if (c >= 'A' && c <= 'Z') {
		*usage = (uint8_t)(0x04 + (c - 'A'));
		*mods = 0x02;
	} else if ((p = strchr(plain, c)) && c) {
		*usage = (uint8_t)(0x1e + (p - plain));
	} else if ((p = strchr(shifted, c)) && c) {
		*usage = (uint8_t)(0x1e + (p - shifted));
		*mods = 0x02;
	} else if (c == '-') {
		*usage = 0x2d;
	} else if (c == ':') {
		*usage = 0x33;
		*mods = 0x02;
	} else {
		fail_msg("no usage for '%c' in the test", c);
	}
}

/* Types text, one down and one up report a character, then Enter. */
static enum hid_scan_result type(struct typist *t, const char *text, uint8_t enter)
{
	for (const char *c = text; *c; c++) {
		uint8_t u = 0, m = 0;

		usage_of(*c, &u, &m);
		feed(t, m, u, 0);
		feed(t, m, 0, 0);
	}
	return feed(t, 0, enter, 0);
}

static void digits_and_letters(void **state)
{
	struct typist t;

	(void)state;
	typist_init(&t);
	assert_int_equal(type(&t, "1234-5678-9012", 0x28), HID_SCAN_DONE);
	assert_string_equal(t.text, "1234-5678-9012");
	feed(&t, 0, 0, 0);
	assert_int_equal(type(&t, "TENPO-P1-1001-x", 0x28), HID_SCAN_DONE);
	assert_string_equal(t.text, "TENPO-P1-1001-x");
	feed(&t, 0, 0, 0);
	assert_int_equal(type(&t, "a!B@:", 0x58), HID_SCAN_DONE); /* keypad Enter */
	assert_string_equal(t.text, "a!B@:");
	assert_int_equal(t.done, 3);
	assert_int_equal(t.refused, 0);
}

static void both_shifts(void **state)
{
	struct typist t;

	(void)state;
	typist_init(&t);
	feed(&t, 0x02, 0x04, 0); /* left Shift + a */
	feed(&t, 0x00, 0, 0);
	feed(&t, 0x20, 0x05, 0); /* right Shift + b */
	feed(&t, 0x20, 0, 0);
	feed(&t, 0x22, 0x1f, 0); /* both + 2 */
	feed(&t, 0x00, 0, 0);
	feed(&t, 0x00, 0x06, 0); /* c */
	feed(&t, 0x00, 0x39, 0); /* Caps Lock: ignored */
	feed(&t, 0x00, 0, 0);
	feed(&t, 0x00, 0x07, 0); /* still d */
	feed(&t, 0x00, 0, 0);
	assert_int_equal(feed(&t, 0, 0x28, 0), HID_SCAN_DONE);
	assert_string_equal(t.text, "AB@cd");
}

static void held_key_is_one_character(void **state)
{
	struct typist t;

	(void)state;
	typist_init(&t);
	for (int i = 0; i < 50; i++)
		feed(&t, 0, 0x1e, 0); /* 1 held */
	feed(&t, 0, 0x1e, 0x1f);      /* 1 still held, 2 goes down */
	feed(&t, 0, 0x1f, 0);         /* 1 up, 2 held */
	feed(&t, 0, 0x1f, 0x1e);      /* 1 down again */
	feed(&t, 0, 0, 0);
	assert_int_equal(feed(&t, 0, 0x28, 0), HID_SCAN_DONE);
	assert_string_equal(t.text, "121");
}

static void rollover_report_ignored(void **state)
{
	struct typist t;
	uint8_t roll[8] = { 0, 0, 1, 1, 1, 1, 1, 1 };

	(void)state;
	typist_init(&t);
	feed(&t, 0, 0x20, 0); /* 3 */
	assert_int_equal(hid_scan_kbd_report(&t.s, roll, 8, t.now + 1, t.text, &t.e),
			 HID_SCAN_NONE);
	feed(&t, 0, 0x20, 0); /* 3 still held after the rollover: not typed again */
	feed(&t, 0, 0, 0);
	feed(&t, 0, 0x21, 0); /* 4 */
	assert_int_equal(feed(&t, 0, 0x28, 0), HID_SCAN_DONE);
	assert_string_equal(t.text, "34");
}

static void unknown_key_is_garbage(void **state)
{
	struct typist t;

	(void)state;
	typist_init(&t);
	feed(&t, 0, 0x1e, 0);
	feed(&t, 0, 0x2b, 0); /* Tab */
	feed(&t, 0, 0x1f, 0);
	assert_int_equal(feed(&t, 0, 0x28, 0), HID_SCAN_REFUSED);
	assert_non_null(strstr(t.e.msg, "0x2b"));
	feed(&t, 0, 0, 0);
	/* Ctrl + a is not the letter a */
	feed(&t, 0x01, 0x04, 0);
	feed(&t, 0, 0, 0);
	assert_int_equal(feed(&t, 0, 0x28, 0), HID_SCAN_REFUSED);
	feed(&t, 0, 0, 0);
	/* the next good scan is not spoiled */
	assert_int_equal(type(&t, "42", 0x28), HID_SCAN_DONE);
	assert_string_equal(t.text, "42");
	/* a report of the wrong length spoils the scan it falls into */
	feed(&t, 0, 0, 0);
	feed(&t, 0, 0x1e, 0);
	{
		uint8_t r[9] = { 0 };

		hid_scan_kbd_report(&t.s, r, sizeof(r), t.now, t.text, &t.e);
	}
	feed(&t, 0, 0, 0);
	assert_int_equal(feed(&t, 0, 0x28, 0), HID_SCAN_REFUSED);
	assert_non_null(strstr(t.e.msg, "a report of 9 bytes"));
	/* a transfer of no bytes is no report: the scan around it stands */
	feed(&t, 0, 0, 0);
	feed(&t, 0, 0x1e, 0);
	assert_int_equal(hid_scan_kbd_report(&t.s, NULL, 0, t.now, t.text, &t.e), HID_SCAN_NONE);
	feed(&t, 0, 0, 0);
	assert_int_equal(feed(&t, 0, 0x28, 0), HID_SCAN_DONE);
	assert_string_equal(t.text, "1");
	/* and the next scan does not inherit the reason */
	feed(&t, 0, 0, 0);
	feed(&t, 0, 0x2b, 0);
	feed(&t, 0, 0, 0);
	assert_int_equal(feed(&t, 0, 0x28, 0), HID_SCAN_REFUSED);
	assert_null(strstr(t.e.msg, "bytes"));
}

static void enter_alone_is_nothing(void **state)
{
	struct typist t;

	(void)state;
	typist_init(&t);
	assert_int_equal(feed(&t, 0, 0x28, 0), HID_SCAN_NONE);
	feed(&t, 0, 0, 0);
	assert_int_equal(feed(&t, 0, 0x58, 0), HID_SCAN_NONE);
	assert_int_equal(t.refused, 0);
}

static void report_storm_capped(void **state)
{
	struct typist t;

	(void)state;
	typist_init(&t);
	for (int i = 0; i < 10000; i++)
		feed(&t, 0, i % 2 ? 0 : 0x1e, 0);
	/* 5000 characters: one refusal at the 513th, the rest swallowed */
	assert_int_equal(t.refused, 1);
	assert_int_equal(t.done, 0);
	assert_non_null(strstr(t.e.msg, "longer than 512"));
	assert_int_equal(feed(&t, 0, 0x28, 0), HID_SCAN_NONE); /* the storm's Enter */
	feed(&t, 0, 0, 0);
	assert_int_equal(type(&t, "7", 0x28), HID_SCAN_DONE);
	assert_string_equal(t.text, "7");
	/* exactly 512 characters are one scan */
	feed(&t, 0, 0, 0);
	for (int i = 0; i < 512; i++) {
		feed(&t, 0, 0x1e, 0);
		feed(&t, 0, 0, 0);
	}
	assert_int_equal(feed(&t, 0, 0x28, 0), HID_SCAN_DONE);
	assert_int_equal(strlen(t.text), 512);
	/* a key held for 100 reports (0.4 s): one character */
	feed(&t, 0, 0, 0);
	for (int i = 0; i < 100; i++)
		feed(&t, 0, 0x1f, 0);
	assert_int_equal(feed(&t, 0, 0x28, 0), HID_SCAN_DONE);
	assert_string_equal(t.text, "2");
	/* held for 10 000 reports (40 s): still one character, and the Enter
	 * after it comes long past the gap, so the scan is refused */
	feed(&t, 0, 0, 0);
	for (int i = 0; i < 10000; i++)
		feed(&t, 0, 0x1f, 0);
	assert_int_equal(feed(&t, 0, 0x28, 0), HID_SCAN_REFUSED);
	assert_non_null(strstr(t.e.msg, "timed out"));
}

static void inter_key_timeout(void **state)
{
	struct typist t;

	(void)state;
	typist_init(&t);
	feed(&t, 0, 0x1e, 0);
	feed(&t, 0, 0, 0);
	assert_int_equal(hid_scan_idle(&t.s, t.now + 100, &t.e), HID_SCAN_NONE);
	t.now += HID_SCAN_GAP_MS_DEFAULT + 1;
	/* the late key is refused with the scan it broke off from */
	assert_int_equal(feed(&t, 0, 0x1f, 0), HID_SCAN_REFUSED);
	assert_non_null(strstr(t.e.msg, "timed out"));
	feed(&t, 0, 0, 0);
	assert_int_equal(type(&t, "33", 0x28), HID_SCAN_DONE);
	assert_string_equal(t.text, "33");
	/* silence: hid_scan_idle refuses the partial scan once */
	feed(&t, 0, 0, 0);
	feed(&t, 0, 0x21, 0);
	assert_int_equal(hid_scan_idle(&t.s, t.now + HID_SCAN_GAP_MS_DEFAULT + 1, &t.e),
			 HID_SCAN_REFUSED);
	assert_int_equal(hid_scan_idle(&t.s, t.now + 2 * HID_SCAN_GAP_MS_DEFAULT, &t.e),
			 HID_SCAN_NONE);
	t.now += 2 * HID_SCAN_GAP_MS_DEFAULT;
	feed(&t, 0, 0, 0);
	assert_int_equal(feed(&t, 0, 0x28, 0), HID_SCAN_NONE);
}

static size_t pos_report(uint8_t r[64], const char *data, size_t n, int more)
{
	memset(r, 0, 64);
	r[0] = 0x02;
	r[1] = (uint8_t)n;
	memcpy(r + 2, "]Q1", 3);
	memcpy(r + 5, data, n);
	r[63] = (uint8_t)more;
	return 64;
}

static void hid_pos_decoded_data(void **state)
{
	struct hid_scan s;
	uint8_t r[64];
	char text[HID_SCAN_MAX + 1], big[600];
	struct err e;
	uint64_t now = 5000;
	const char *qr = "TENPO-P1-1001-123456789012-00";
	size_t n;

	(void)state;
	hid_scan_init(&s, 0);
	pos_report(r, qr, strlen(qr), 0);
	assert_int_equal(hid_scan_pos_report(&s, r, 64, now, text, &e), HID_SCAN_DONE);
	assert_string_equal(text, qr);
	/* a CR LF suffix is dropped */
	pos_report(r, "12345\r\n", 7, 0);
	assert_int_equal(hid_scan_pos_report(&s, r, 64, now, text, &e), HID_SCAN_DONE);
	assert_string_equal(text, "12345");
	/* a scan in two reports */
	memset(big, 'A', sizeof(big));
	pos_report(r, big, 56, 1);
	assert_int_equal(hid_scan_pos_report(&s, r, 64, now, text, &e), HID_SCAN_NONE);
	pos_report(r, "BC", 2, 0);
	assert_int_equal(hid_scan_pos_report(&s, r, 64, now + 5, text, &e), HID_SCAN_DONE);
	assert_int_equal(strlen(text), 58);
	assert_string_equal(text + 56, "BC");
	/* another report ID is not a scan */
	r[0] = 0x04;
	assert_int_equal(hid_scan_pos_report(&s, r, 64, now, text, &e), HID_SCAN_NONE);
	/* a length beyond the report */
	pos_report(r, "x", 1, 0);
	r[1] = 57;
	assert_int_equal(hid_scan_pos_report(&s, r, 64, now, text, &e), HID_SCAN_REFUSED);
	pos_report(r, "12", 2, 0);
	assert_int_equal(hid_scan_pos_report(&s, r, 6, now, text, &e), HID_SCAN_REFUSED);
	/* a control byte inside */
	pos_report(r, "12\x1d" "34", 5, 0);
	assert_int_equal(hid_scan_pos_report(&s, r, 64, now, text, &e), HID_SCAN_REFUSED);
	/* too long: one refusal, the rest of that scan swallowed */
	for (n = 0; n < 10; n++) {
		pos_report(r, big, 56, n < 9);
		hid_scan_pos_report(&s, r, 64, now, text, &e);
	}
	pos_report(r, "99", 2, 0);
	assert_int_equal(hid_scan_pos_report(&s, r, 64, now, text, &e), HID_SCAN_DONE);
	assert_string_equal(text, "99");
	/* a part that comes late: the partial scan is refused */
	pos_report(r, big, 56, 1);
	hid_scan_pos_report(&s, r, 64, now, text, &e);
	pos_report(r, "Z", 1, 0);
	assert_int_equal(hid_scan_pos_report(&s, r, 64, now + 10000, text, &e), HID_SCAN_REFUSED);
	assert_non_null(strstr(e.msg, "timed out"));
}

/* Newland's layout: the data from byte 2, no AIM prefix. */
static void hid_pos_plain_layout(void **state)
{
	struct hid_scan s;
	uint8_t r[64] = { 0x02, 12 };
	char text[HID_SCAN_MAX + 1];
	struct err e;

	(void)state;
	hid_scan_init(&s, 0);
	hid_scan_set_pos_layout(&s, HID_SCAN_POS_PLAIN);
	memcpy(r + 2, "123456789012", 12);
	r[62] = 0x51;
	assert_int_equal(hid_scan_pos_report(&s, r, 64, 1, text, &e), HID_SCAN_DONE);
	assert_string_equal(text, "123456789012");
	/* the same report read as the AIM layout loses its first 3 bytes */
	hid_scan_set_pos_layout(&s, HID_SCAN_POS_AIM);
	assert_int_equal(hid_scan_pos_report(&s, r, 64, 2, text, &e), HID_SCAN_REFUSED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(digits_and_letters),
		cmocka_unit_test(both_shifts),
		cmocka_unit_test(held_key_is_one_character),
		cmocka_unit_test(rollover_report_ignored),
		cmocka_unit_test(unknown_key_is_garbage),
		cmocka_unit_test(enter_alone_is_nothing),
		cmocka_unit_test(report_storm_capped),
		cmocka_unit_test(inter_key_timeout),
		cmocka_unit_test(hid_pos_decoded_data),
		cmocka_unit_test(hid_pos_plain_layout),
	};

	return cmocka_run_group_tests_name("hid_scan", tests, NULL, NULL);
}
