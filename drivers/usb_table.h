/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usb_table: which driver takes which USB device, as data
 * (drivers/devices.conf), and the pure function that picks one.
 *
 * One rule a line:
 *
 *   match class=07 subclass=01 driver=printer
 *   match vid=05e0 pid=1200 driver=scanner-hid-pos name="Zebra DS2208"
 *   match class=03 subclass=01 protocol=01 driver=scanner-kbd
 *   match vid=046d driver=none name="not a scanner: staff keyboards"
 *
 * Keys: vid, pid (exactly 4 hex digits), class, subclass, protocol (exactly
 * 2 hex digits: the *interface* descriptor's bInterfaceClass, SubClass,
 * Protocol), driver (printer, scanner-kbd, scanner-hid-pos,
 * scanner-hid-pos-plain — the two HID POS report layouts of hid_scan.h — or
 * none: leave the device alone), name (in double quotes, 1..USB_TABLE_NAME_MAX-1
 * printable ASCII characters without '"' or '\').  Each key at most once;
 * driver is required; a rule needs vid or class (a rule matching everything
 * is refused); pid needs vid; subclass and protocol need class.  '#' outside
 * quotes starts a comment; blank lines are fine; anything else — an unknown
 * key, a value of the wrong shape, a control character, a line over
 * USB_TABLE_LINE_MAX bytes, two rules with the same fields — refuses the
 * whole file with its line number.
 *
 * Precedence: of the rules whose every field equals the device's (vid, pid)
 * and one of its interfaces' (class, subclass, protocol), the most specific
 * wins: a rule with pid beats one with only vid, which beats class-only
 * rules; among class-only rules, more fields win; on a tie, the earlier line.
 * So `match vid=05e0 pid=1200 driver=none` keeps a class rule from taking
 * that one device.
 *
 * Pure and re-entrant: a table is plain data, read-only once parsed.
 */
#ifndef TENPO_USB_TABLE_H
#define TENPO_USB_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define USB_TABLE_MAX 64
#define USB_TABLE_LINE_MAX 255
#define USB_TABLE_FILE_MAX 16384
#define USB_TABLE_NAME_MAX 48

enum usb_driver_id {
	USB_DRIVER_NONE,
	USB_DRIVER_PRINTER,
	USB_DRIVER_SCANNER_KBD,
	USB_DRIVER_SCANNER_HID_POS,
	USB_DRIVER_SCANNER_HID_POS_PLAIN,
};

/* What a rule is compared with: the device's IDs and one interface's. */
struct usb_ids {
	uint16_t vid, pid;
	uint8_t iface_class, iface_subclass, iface_protocol;
};

enum {
	USB_MATCH_VID = 1 << 0,
	USB_MATCH_PID = 1 << 1,
	USB_MATCH_CLASS = 1 << 2,
	USB_MATCH_SUBCLASS = 1 << 3,
	USB_MATCH_PROTOCOL = 1 << 4,
};

struct usb_rule {
	unsigned fields; /* USB_MATCH_* set on this line */
	struct usb_ids ids;
	enum usb_driver_id driver;
	char name[USB_TABLE_NAME_MAX]; /* "" when the line has none */
	int line;
};

struct usb_table {
	size_t n;
	struct usb_rule rules[USB_TABLE_MAX];
};

/* text need not be NUL-terminated; `where` names it in errors
 * ("where:LINE: reason").  On failure the table is empty. */
int usb_table_parse(struct usb_table *t, const char *text, size_t len, const char *where,
		    struct err *e);

/* The same from a file. */
int usb_table_load(struct usb_table *t, const char *path, struct err *e);

/* The winning rule for this device and interface, or NULL. */
const struct usb_rule *usb_table_match(const struct usb_table *t, const struct usb_ids *ids);

/* How specific a rule is (higher wins); for comparing across interfaces. */
int usb_rule_rank(const struct usb_rule *r);

/* "printer", "scanner-kbd", "scanner-hid-pos", "scanner-hid-pos-plain",
 * "none". */
const char *usb_driver_name(enum usb_driver_id d);

#endif
