/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usb_internal: what the manager (usb.c) and its drivers (scanner.c,
 * printer.c) share.  Nothing outside drivers/ includes it.
 *
 * A driver fills a struct usb_driver_ops.  The manager owns each struct
 * usb_dev: it opens the device, claims d->iface, calls attach, then poll on
 * every turn of the USB thread's loop (about every USB_TURN_MS), print for
 * a printer's jobs, and detach exactly once when the device goes (or the
 * manager stops).  Every call is on the USB thread.  A driver keeps its own
 * state in d->priv (allocated in attach, freed in detach), reports through
 * usb_dev_emit()/usb_dev_set_status()/usb_dev_set_error(), and sets d->gone
 * when a transfer says LIBUSB_ERROR_NO_DEVICE; the manager then detaches it.
 * An operation a driver lacks is NULL.
 */
#ifndef TENPO_USB_INTERNAL_H
#define TENPO_USB_INTERNAL_H

#include <libusb-1.0/libusb.h>

#include "usb.h"

#define USB_TURN_MS 100

struct usb_dev;

struct usb_driver_ops {
	const char *name;
	enum usb_kind kind;
	int (*attach)(struct usb_dev *d, struct err *e);
	void (*detach)(struct usb_dev *d);
	void (*poll)(struct usb_dev *d, uint64_t now_ms);
	/* writes a whole job; -1 and e when it did not all reach the printer */
	int (*print)(struct usb_dev *d, const uint8_t *bytes, size_t len, struct err *e);
};

struct usb_dev {
	struct usb *mgr;
	libusb_context *ctx;
	libusb_device *dev; /* referenced while bound */
	libusb_device_handle *h;
	struct libusb_config_descriptor *config;
	const struct libusb_interface_descriptor *alt; /* into config */
	int iface;
	struct usb_ids ids;
	enum usb_driver_id driver;
	const struct usb_driver_ops *ops;
	int slot;
	bool gone;
	void *priv;
	unsigned scan_gap_ms, status_ms;
};

extern const struct usb_driver_ops scanner_kbd_ops;
extern const struct usb_driver_ops scanner_hid_pos_ops;
extern const struct usb_driver_ops scanner_hid_pos_plain_ops;
extern const struct usb_driver_ops printer_ops;

/* Fills the event's kind, slot, name, vid and pid from d, updates the
 * snapshot's counters, and calls the owner's callback. */
void usb_dev_emit(struct usb_dev *d, struct usb_event *ev);

/* The printer's status into the snapshot; an event when it changed. */
void usb_dev_set_status(struct usb_dev *d, const struct printer_status *s);

/* The snapshot's last_error for this device (also logged). */
void usb_dev_set_error(struct usb_dev *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t usb_now_ms(void);

/* The first endpoint of d->alt with this transfer type and direction
 * (LIBUSB_ENDPOINT_IN or _OUT), or NULL. */
const struct libusb_endpoint_descriptor *usb_dev_endpoint(const struct usb_dev *d,
							  enum libusb_endpoint_transfer_type type,
							  unsigned dir);

#endif
