/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hid_scan: turns a scanner's HID input reports into whole scans.  Pure
 * decoding (no libusb, no clock of its own): drivers/scanner.c feeds it the
 * reports it reads and the time each arrived, so the tests and the fuzzer
 * drive it without hardware.
 *
 * Two report shapes:
 *
 * Boot keyboard (a scanner that types).  8 bytes: modifiers, reserved, six
 * key usages (HID usage page 0x07).  A character is typed on a key's down
 * edge only: a usage in this report that was not in the previous one.  A
 * key held over several reports is one character; a report whose key slots
 * say ErrorRollOver/POSTFail/ErrorUndefined (0x01..0x03) is ignored whole
 * and does not count as releasing anything.  US layout: Shift (left or
 * right) gives capitals and the shifted symbols; keypad digits and symbols
 * type their character whatever Num Lock is.  Caps Lock is ignored and no
 * lock state is kept: a scanner sends Shift for each capital, and a host's
 * lock state would only make the same barcode read two ways.  Enter (0x28)
 * or keypad Enter (0x58) ends a scan.  Anything else (Ctrl/Alt/GUI held,
 * Tab, Backspace, Escape, F-keys, the JIS/ISO extra keys) makes the scan
 * garbage: it is refused, with the first such key named, when Enter comes.
 * Note that a scanner set to a JIS layout types some symbols on other keys:
 * the pickup QR payload (firmware/scan_code.h) uses only letters, digits and
 * '-', which are the same keys on US and JIS layouts.
 *
 * HID POS (usage page 0x8C, the "decoded data" input report scanners send
 * in HID POS mode).  Vendors agree on byte 0 (report ID 0x02), byte 1 (the
 * length of the data in this report, 0..56) and byte 63 (bit 0 set when
 * more reports of the same scan follow), not on where the data starts:
 *
 *   HID_SCAN_POS_AIM    bytes 2..4 the AIM symbology identifier ("]Q1" for
 *                       a QR code), data from byte 5 (Honeywell, Access-IS)
 *   HID_SCAN_POS_PLAIN  data from byte 2, a symbology byte at 62 (Newland,
 *                       and scanners built on Newland engines)
 *
 * devices.conf says which (driver=scanner-hid-pos or scanner-hid-pos-plain);
 * the report descriptor is not parsed.  Reports of another ID (status,
 * feature echoes) are ignored.  A trailing CR/LF suffix the scanner was set
 * to add is dropped.
 *
 * Caps and timeouts.  A scan holds at most HID_SCAN_MAX characters; the
 * character that would exceed it refuses the scan at once, and everything
 * up to the next Enter (or the next gap) is swallowed, so an endless report
 * storm produces one refusal, not a stream of fragments.  A scan whose next
 * character comes more than `gap_ms` after the previous one is abandoned
 * (refused as "timed out"): the report that came late starts a new scan.
 * hid_scan_idle() says the same when no report comes at all.
 *
 * Output: printable ASCII (0x20..0x7e) only, NUL-terminated; a HID POS scan
 * carrying any other byte is refused as garbage.
 *
 * Threading: a struct hid_scan belongs to one caller (the scanner driver on
 * the USB thread); nothing here locks.
 */
#ifndef TENPO_HID_SCAN_H
#define TENPO_HID_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define HID_SCAN_MAX 512
#define HID_SCAN_GAP_MS_DEFAULT 500

#define HID_SCAN_KBD_REPORT_LEN 8
#define HID_SCAN_POS_REPORT_LEN 64
#define HID_SCAN_POS_REPORT_ID 0x02
#define HID_SCAN_POS_DATA_MAX 56

enum hid_scan_result {
	HID_SCAN_NONE,    /* nothing finished yet */
	HID_SCAN_DONE,    /* a whole scan is in the `text` given */
	HID_SCAN_REFUSED, /* a scan was refused; e says why */
};

enum hid_scan_pos_layout { HID_SCAN_POS_AIM, HID_SCAN_POS_PLAIN };

struct hid_scan {
	unsigned gap_ms;
	enum hid_scan_pos_layout pos_layout;
	enum { HID_SCAN_IDLE, HID_SCAN_TYPING, HID_SCAN_SWALLOWING } state;
	bool garbage;
	uint8_t garbage_key;
	uint16_t garbage_len;  /* a report that was not a boot report: its length */
	uint8_t held[6];  /* key usages of the previous report */
	uint64_t last_ms; /* when the last character (or POS part) came */
	size_t len;
	char text[HID_SCAN_MAX + 1];
	char symbology[4]; /* HID POS: the AIM identifier of the scan */
};

/* Empty state, HID_SCAN_POS_AIM.  gap_ms 0: HID_SCAN_GAP_MS_DEFAULT.
 * Cannot fail. */
void hid_scan_init(struct hid_scan *s, unsigned gap_ms);

/* Where HID POS reports carry their data (see above). */
void hid_scan_set_pos_layout(struct hid_scan *s, enum hid_scan_pos_layout layout);

/* One boot keyboard report (len must be HID_SCAN_KBD_REPORT_LEN; another
 * length makes the scan garbage).  now_ms is any monotonic clock in ms.
 * On HID_SCAN_DONE `text` (HID_SCAN_MAX + 1 bytes) holds the scan. */
enum hid_scan_result hid_scan_kbd_report(struct hid_scan *s, const uint8_t *report, size_t len,
					 uint64_t now_ms, char *text, struct err *e);

/* One HID POS input report (any length up to HID_SCAN_POS_REPORT_LEN; a
 * shorter decoded-data report than its length byte claims is garbage). */
enum hid_scan_result hid_scan_pos_report(struct hid_scan *s, const uint8_t *report, size_t len,
					 uint64_t now_ms, char *text, struct err *e);

/* No report came: a partial scan older than gap_ms is dropped and refused
 * ("timed out"); otherwise HID_SCAN_NONE.  Swallowing ends silently. */
enum hid_scan_result hid_scan_idle(struct hid_scan *s, uint64_t now_ms, struct err *e);

#endif
