// SPDX-License-Identifier: GPL-2.0-or-later
/* usb_table: the shipped devices.conf, precedence, and bad lines refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "usb_table.h"

static const char *top(void)
{
	const char *t = getenv("TENPO_TOP");

	return t ? t : ".";
}

static struct usb_ids ids(uint16_t vid, uint16_t pid, uint8_t c, uint8_t s, uint8_t p)
{
	struct usb_ids d = { vid, pid, c, s, p };

	return d;
}

/* The winning rule's driver, or -1 when no rule matches. */
static int driver_of(const struct usb_table *t, struct usb_ids d)
{
	const struct usb_rule *r = usb_table_match(t, &d);

	return r ? (int)r->driver : -1;
}

static void shipped_table_parses(void **state)
{
	static struct usb_table t;
	char path[1024];
	struct err e;
	const struct usb_rule *r;
	struct usb_ids d;

	(void)state;
	snprintf(path, sizeof(path), "%s/drivers/devices.conf", top());
	if (usb_table_load(&t, path, &e))
		fail_msg("%s", e.msg);
	assert_true(t.n >= 5);
	/* a printer-class interface of any vendor, every protocol */
	for (uint8_t p = 1; p <= 3; p++)
		assert_int_equal(driver_of(&t, ids(0x04b8, 0x0e15, 7, 1, p)), USB_DRIVER_PRINTER);
	/* a boot keyboard */
	assert_int_equal(driver_of(&t, ids(0x1234, 0x5678, 3, 1, 1)), USB_DRIVER_SCANNER_KBD);
	/* a mouse, a touch screen (QEMU's usb-tablet), a mass-storage stick: nothing */
	assert_int_equal(driver_of(&t, ids(0x1234, 0x5678, 3, 1, 2)), -1);
	assert_int_equal(driver_of(&t, ids(0x0627, 0x0001, 3, 0, 0)), -1);
	assert_int_equal(driver_of(&t, ids(0x0781, 0x5567, 8, 6, 0x50)), -1);
	/* the QEMU gadgets */
	d = ids(0x1209, 0x0001, 3, 0, 0);
	r = usb_table_match(&t, &d);
	assert_non_null(r);
	assert_int_equal(r->driver, USB_DRIVER_SCANNER_HID_POS);
	assert_string_equal(r->name, "QEMU gadget HID POS scanner");
	d = ids(0x1209, 0x0003, 7, 1, 2);
	r = usb_table_match(&t, &d);
	assert_non_null(r);
	assert_string_equal(r->name, "QEMU gadget printer");
	assert_int_equal(driver_of(&t, ids(0x1eab, 0x0d10, 3, 0, 0)),
			 USB_DRIVER_SCANNER_HID_POS_PLAIN);
}

static void specific_beats_class(void **state)
{
	static const char text[] =
		"match class=03 subclass=01 protocol=01 driver=scanner-kbd\n"
		"match class=03 driver=none name=\"any HID\"\n"
		"match vid=05e0 driver=scanner-hid-pos\n"
		"match vid=05e0 pid=1200 driver=scanner-kbd name=\"Zebra # in keyboard mode\"\n"
		"match vid=046d pid=c31c driver=none   # a staff keyboard stays one\n"
		"match class=07 subclass=01 driver=printer\n"
		"match class=07 driver=none\n";
	static struct usb_table t;
	const struct usb_rule *r;
	struct usb_ids d;
	struct err e;

	(void)state;
	if (usb_table_parse(&t, text, strlen(text), "t", &e))
		fail_msg("%s", e.msg);
	assert_int_equal(t.n, 7);
	/* vid:pid beats vid, which beats every class rule */
	d = ids(0x05e0, 0x1200, 3, 1, 1);
	r = usb_table_match(&t, &d);
	assert_int_equal(r->line, 4);
	assert_string_equal(r->name, "Zebra # in keyboard mode");
	assert_int_equal(driver_of(&t, ids(0x05e0, 0x1300, 3, 1, 1)), USB_DRIVER_SCANNER_HID_POS);
	assert_int_equal(driver_of(&t, ids(0x046d, 0xc31c, 3, 1, 1)), USB_DRIVER_NONE);
	/* more class fields beat fewer, wherever the lines are */
	assert_int_equal(driver_of(&t, ids(0x046d, 0xc077, 3, 1, 1)), USB_DRIVER_SCANNER_KBD);
	assert_int_equal(driver_of(&t, ids(0x046d, 0xc077, 3, 1, 2)), USB_DRIVER_NONE);
	assert_int_equal(driver_of(&t, ids(0x04b8, 0x0202, 7, 1, 2)), USB_DRIVER_PRINTER);
	assert_int_equal(driver_of(&t, ids(0x04b8, 0x0202, 7, 2, 2)), USB_DRIVER_NONE);
	assert_true(usb_rule_rank(&t.rules[3]) > usb_rule_rank(&t.rules[2]));
	assert_true(usb_rule_rank(&t.rules[2]) > usb_rule_rank(&t.rules[0]));
	/* on a tie, the earlier line */
	{
		static const char tie[] = "match class=03 driver=scanner-kbd\n"
					  "match class=03 driver=none\n";

		/* the same fields twice is refused, so a tie needs two shapes */
		assert_int_equal(usb_table_parse(&t, tie, strlen(tie), "t", &e), -1);
		assert_non_null(strstr(e.msg, "t:2: the same match as line 1"));
	}
	{
		static const char tie[] = "match class=03 subclass=00 driver=scanner-kbd\n"
					  "match class=03 protocol=00 driver=none\n";

		assert_int_equal(usb_table_parse(&t, tie, strlen(tie), "t", &e), 0);
		assert_int_equal(driver_of(&t, ids(1, 1, 3, 0, 0)), USB_DRIVER_SCANNER_KBD);
	}
	assert_string_equal(usb_driver_name(USB_DRIVER_SCANNER_HID_POS_PLAIN),
			    "scanner-hid-pos-plain");
}

static void bad_lines_refused(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "match class=7 driver=printer\n", "t:1: not 2 hex digits" },
		{ "# ok\nmatch class=007 driver=printer\n", "t:2: not 2 hex digits" },
		{ "match vid=5e0 driver=printer\n", "t:1: not 4 hex digits" },
		{ "match vid=05e0 pid=12g0 driver=printer\n", "t:1: not 4 hex digits" },
		{ "match vid=+5e0 driver=printer\n", "t:1: not 4 hex digits" },
		{ "match class=07 driver=fax\n", "t:1: unknown driver" },
		{ "match class=07\n", "t:1: driver= is required" },
		{ "match driver=printer\n", "t:1: a rule needs vid= or class=" },
		{ "match pid=1200 class=07 driver=printer\n", "t:1: pid= needs vid=" },
		{ "match vid=05e0 protocol=01 driver=printer\n", "t:1: subclass= and protocol= need" },
		{ "match class=07 class=07 driver=printer\n", "t:1: key given twice" },
		{ "match class=07 driver=printer driver=none\n", "t:1: key given twice" },
		{ "match class=07 colour=red driver=printer\n", "t:1: unknown key 'colour'" },
		{ "match class=07 driver=printer extra\n", "t:1: expected key=value" },
		{ "device class=07 driver=printer\n", "t:1: expected 'match'" },
		{ "\n\nmatch class=07 driver=printer name=\"open\n", "t:3: unterminated quote" },
		{ "match class=07 driver=printer name=bare\n", "t:1: name is a \"quoted\"" },
		{ "match class=07 driver=printer name=\"\"\n", "t:1: name is a \"quoted\"" },
		{ "match class=07 driver=printer name=\"a\"b\"\n", "t:1: " },
		{ "match class=07 driver=printer name=\"1234567890123456789012345678901234567890"
		  "12345678\"\n",
		  "t:1: name too long" },
		{ "match class=07 driver=printer name=\"\x1b[2J\"\n", "t:1: control" },
		{ "match class=07 driver=printer name=\"caf\xc3\xa9\"\n", "t:1: control or non-ASCII" },
		{ "match class=07 driver=printer\nmatch class=07 driver=none\n",
		  "t:2: the same match as line 1" },
	};
	static struct usb_table t;
	char big[700];
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!usb_table_parse(&t, bad[i].text, strlen(bad[i].text), "t", &e) ||
		    !strstr(e.msg, bad[i].want) || t.n)
			fail_msg("%s -> %s (wanted %s)", bad[i].text, e.msg, bad[i].want);
	}
	/* an over-long line is refused, not cut in two */
	memset(big, ' ', sizeof(big));
	memcpy(big, "match class=07 driver=printer #", 31);
	memcpy(big + sizeof(big) - 30, "\nmatch class=03 driver=none  ", 30);
	assert_int_equal(usb_table_parse(&t, big, sizeof(big), "t", &e), -1);
	if (!strstr(e.msg, "t:1: line longer"))
		fail_msg("%s", e.msg);
	assert_int_equal(usb_table_parse(&t, "match class=07\0 driver=printer", 31, "t", &e), -1);
	assert_non_null(strstr(e.msg, "NUL"));
	/* CR LF line ends, tabs, comments and no final newline are fine */
	assert_int_equal(usb_table_parse(&t, "# x\r\n\tmatch\tclass=07 driver=printer\r\n"
					     "match vid=ABCD driver=none", 63, "t", &e), 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.rules[1].ids.vid, 0xabcd);
	/* more than USB_TABLE_MAX rules */
	{
		char *many = malloc(USB_TABLE_FILE_MAX);
		size_t at = 0;

		assert_non_null(many);
		for (unsigned i = 0; i <= USB_TABLE_MAX; i++)
			at += (size_t)sprintf(many + at, "match vid=%04x driver=none\n", i);
		assert_int_equal(usb_table_parse(&t, many, at, "t", &e), -1);
		assert_non_null(strstr(e.msg, "t:65: more than 64 rules"));
		free(many);
	}
	assert_int_equal(usb_table_load(&t, "/nonexistent/devices.conf", &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_table_parses),
		cmocka_unit_test(specific_beats_class),
		cmocka_unit_test(bad_lines_refused),
	};

	return cmocka_run_group_tests_name("usb_table", tests, NULL, NULL);
}
