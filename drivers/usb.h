/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usb: the peripheral manager.  It owns one libusb context and one thread
 * (the "USB thread"), finds the scanner and the receipt printer, binds each
 * to a driver by the table of drivers/devices.conf (usb_table.h), and
 * reports what happens as events.
 *
 * Finding devices.  A hotplug callback registered with ENUMERATE reports the
 * devices already present and every later arrival and departure.  The
 * callback only queues the device: it is opened afterwards, on the same
 * thread, outside libusb's event handling (opening inside the callback
 * deadlocks or fails on some libusb versions).  Where libusb has no hotplug
 * (LIBUSB_CAP_HAS_HOTPLUG false), or when usb_config.poll_only asks for
 * it, the device list is read every USB_POLL_MS instead.
 *
 * Binding.  For each device the manager reads the active configuration,
 * matches every interface (altsetting 0) against the table, and takes the
 * most specific match over all interfaces (one driver per device).  It opens
 * the device, lets libusb detach the kernel's driver (usbhid, usblp) for as
 * long as the interface is claimed — so a keyboard scanner's keystrokes
 * never reach a console — claims the interface and calls the driver's
 * attach.  A device that fails any step stays in the snapshot, present, with
 * its last error; it is tried again when it is plugged in again.
 *
 * Unplugging.  A device may vanish at any moment: a transfer then fails with
 * LIBUSB_ERROR_NO_DEVICE, the driver marks it gone, and the manager lets it
 * go (a print job under way is reported failed).  When it comes back it is
 * bound afresh and keeps its slot in the snapshot (same vid:pid and driver).
 *
 * Threading.  Drivers never call the core.  Everything they have to say
 * goes through usb_config.on_event, which is called ON THE USB THREAD, one
 * event at a time, never with a lock of the manager held: the core copies
 * what it needs and returns quickly (a blocked callback stops the scanner
 * and the printer).  The callback must not call usb_stop().  usb_printer_
 * submit() and usb_snapshot() may be called from any thread.
 *
 * Lifetimes.  usb_start() copies the table; the event's pointers are valid
 * only during the callback.  usb_stop() joins the thread, lets every device
 * go (kernel drivers come back), fails every job not yet sent, and frees
 * the manager; usb_stop(NULL) does nothing.
 */
#ifndef TENPO_USB_H
#define TENPO_USB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hid_scan.h"
#include "printer_status.h"
#include "usb_table.h"

#define USB_PERIPHERALS_MAX 8
#define USB_JOB_MAX (1024 * 1024) /* bytes in one print job */
#define USB_JOBS_QUEUED 4         /* jobs waiting for the printer */
#define USB_POLL_MS 1000          /* device list read without hotplug */
#define USB_STATUS_MS_DEFAULT 5000 /* an idle printer's status is asked this often */
#define USB_REASON_MAX 160

struct usb;

enum usb_kind { USB_KIND_SCANNER, USB_KIND_PRINTER };

enum usb_event_type {
	USB_EVENT_ATTACHED,       /* a peripheral is bound and working */
	USB_EVENT_DETACHED,       /* it was unplugged, or failed and was let go */
	USB_EVENT_SCAN,           /* `text`: one whole scan (scan_code_parse() it) */
	USB_EVENT_SCAN_REFUSED,   /* `reason`: a scan dropped (garbage, too long, timed out) */
	USB_EVENT_PRINTER_STATUS, /* `status` changed (also right after ATTACHED) */
	USB_EVENT_JOB_DONE,       /* `job_id`, `job_ok`; `reason` when it failed */
	USB_EVENT_ERROR,          /* `reason`: a device could not be bound */
};

struct usb_event {
	enum usb_event_type type;
	enum usb_kind kind;
	int slot; /* index into usb_peripherals.p; -1 for a job with no printer */
	char name[USB_TABLE_NAME_MAX];
	uint16_t vid, pid;
	char text[HID_SCAN_MAX + 1];
	struct printer_status status;
	uint64_t job_id;
	bool job_ok;
	char reason[USB_REASON_MAX];
};

/* Called on the USB thread; see Threading above. */
typedef void (*usb_event_fn)(const struct usb_event *ev, void *user);

struct usb_config {
	const struct usb_table *table; /* copied by usb_start */
	usb_event_fn on_event;         /* may be NULL: events are only logged */
	void *user;
	unsigned scan_gap_ms;          /* hid_scan's gap; 0: HID_SCAN_GAP_MS_DEFAULT */
	unsigned status_ms;            /* 0: USB_STATUS_MS_DEFAULT */
	bool poll_only;                /* read the device list, no hotplug */
};

struct usb_peripheral {
	bool present; /* plugged in now (false: was, and left) */
	bool working; /* bound to its driver (false: last_error says why) */
	enum usb_kind kind;
	enum usb_driver_id driver;
	char name[USB_TABLE_NAME_MAX];
	uint16_t vid, pid;
	uint8_t bus, address;
	struct printer_status status; /* printers */
	char status_text[PRINTER_STATUS_TEXT_MAX];
	char last_error[USB_REASON_MAX]; /* "" when none */
	uint64_t scans, scans_refused, jobs_ok, jobs_failed;
};

struct usb_peripherals {
	bool running; /* the USB thread is up */
	bool hotplug; /* false: the device list is polled */
	size_t n;     /* slots used, present or not */
	struct usb_peripheral p[USB_PERIPHERALS_MAX];
};

/* Initialises libusb and starts the USB thread.  Fails (and starts nothing)
 * when libusb cannot be initialised: the kiosk then runs without
 * peripherals.  Devices are bound in the background, not before return. */
int usb_start(struct usb **out, const struct usb_config *cfg, struct err *e);

void usb_stop(struct usb *u);

/* Queues a copy of `len` bytes (1..USB_JOB_MAX) for the printer; the USB
 * thread writes it and reports USB_EVENT_JOB_DONE with job_id, success or
 * not (unplugged during the job, paper out, timeout).  -1 at once when no
 * printer is bound or USB_JOBS_QUEUED jobs are waiting. */
int usb_printer_submit(struct usb *u, const void *bytes, size_t len, uint64_t job_id,
		       struct err *e);

/* A consistent copy of every peripheral's state (takes the manager's lock
 * briefly).  u NULL: an empty, not running snapshot. */
void usb_snapshot(struct usb *u, struct usb_peripherals *out);

const char *usb_event_name(enum usb_event_type t);

#endif
