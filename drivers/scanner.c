// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scanner: the HID scanner drivers (usb_internal.h) over libusb.  One
 * interrupt IN transfer is always in flight; its completion (run by the
 * USB thread inside libusb's event handling) feeds hid_scan and resubmits.
 * The kernel's usbhid was detached from the interface when the manager
 * claimed it, so the keys typed reach no console or X session.
 *
 * A boot keyboard interface (subclass 1) is switched to the boot protocol
 * (SET_PROTOCOL 0), so its reports are the fixed 8 bytes whatever its report
 * descriptor says, and SET_IDLE 0 asks for reports only on change.  A HID
 * POS interface is read as it is.
 *
 * Unplugging: the transfer completes with LIBUSB_TRANSFER_NO_DEVICE and the
 * device is marked gone.  Detach cancels a transfer still in flight and
 * waits (bounded) for its completion before freeing it: libusb would
 * otherwise call back into freed memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hid_scan.h"
#include "log.h"
#include "usb_internal.h"

#define MOD "scanner"
#define REPORT_MAX 64
#define HID_SET_IDLE 0x0a
#define HID_SET_PROTOCOL 0x0b
#define ERRORS_MAX 10
#define CANCEL_WAIT_MS 2000

struct scanner {
	struct usb_dev *d;
	struct libusb_transfer *xfer;
	bool in_flight;
	bool closing; /* detach has begun: no resubmission */
	bool pos; /* HID POS reports, else boot keyboard */
	unsigned errors;
	struct hid_scan scan;
	uint8_t buf[REPORT_MAX];
	char text[HID_SCAN_MAX + 1];
};

static void scanner_result(struct scanner *s, enum hid_scan_result r, const struct err *e)
{
	struct usb_event ev;

	if (r == HID_SCAN_NONE)
		return;
	memset(&ev, 0, sizeof(ev));
	if (r == HID_SCAN_DONE) {
		ev.type = USB_EVENT_SCAN;
		memcpy(ev.text, s->text, sizeof(ev.text));
	} else {
		ev.type = USB_EVENT_SCAN_REFUSED;
		snprintf(ev.reason, sizeof(ev.reason), "%.150s", e->msg);
	}
	usb_dev_emit(s->d, &ev);
	memset(s->text, 0, sizeof(s->text)); /* a scan may be a pickup code */
	memset(ev.text, 0, sizeof(ev.text));
}

static void LIBUSB_CALL scanner_done(struct libusb_transfer *t)
{
	struct scanner *s = t->user_data;
	enum hid_scan_result r;
	struct err e;

	s->in_flight = false;
	switch (t->status) {
	case LIBUSB_TRANSFER_COMPLETED:
		s->errors = 0;
		err_clear(&e);
		if (s->pos)
			r = hid_scan_pos_report(&s->scan, t->buffer, (size_t)t->actual_length,
						usb_now_ms(), s->text, &e);
		else
			r = hid_scan_kbd_report(&s->scan, t->buffer, (size_t)t->actual_length,
						usb_now_ms(), s->text, &e);
		scanner_result(s, r, &e);
		break;
	case LIBUSB_TRANSFER_NO_DEVICE:
		s->d->gone = true;
		return;
	case LIBUSB_TRANSFER_CANCELLED:
		return;
	default: /* ERROR, STALL, OVERFLOW, TIMED_OUT */
		if (++s->errors >= ERRORS_MAX) {
			usb_dev_set_error(s->d, "%u transfer errors in a row (last: status %d)",
					  s->errors, (int)t->status);
			s->d->gone = true;
			return;
		}
		if (t->status == LIBUSB_TRANSFER_STALL)
			libusb_clear_halt(s->d->h, t->endpoint);
	}
	if (s->d->gone || s->closing)
		return;
	if (libusb_submit_transfer(t) == 0)
		s->in_flight = true;
	else
		s->d->gone = true;
}

static int scanner_attach(struct usb_dev *d, bool pos, enum hid_scan_pos_layout layout,
			  struct err *e)
{
	const struct libusb_endpoint_descriptor *ep =
		usb_dev_endpoint(d, LIBUSB_ENDPOINT_TRANSFER_TYPE_INTERRUPT, LIBUSB_ENDPOINT_IN);
	struct scanner *s;
	int len, rc;

	if (!ep)
		return err_fail(e, "scanner: interface %d has no interrupt IN endpoint", d->iface);
	s = calloc(1, sizeof(*s));
	if (!s)
		return err_fail(e, "scanner: out of memory");
	s->d = d;
	s->pos = pos;
	hid_scan_init(&s->scan, d->scan_gap_ms);
	hid_scan_set_pos_layout(&s->scan, layout);
	if (!pos && d->alt->bInterfaceSubClass == 1) {
		rc = libusb_control_transfer(d->h, LIBUSB_REQUEST_TYPE_CLASS | LIBUSB_RECIPIENT_INTERFACE,
					     HID_SET_PROTOCOL, 0, (uint16_t)d->iface, NULL, 0, 1000);
		if (rc < 0)
			log_warn(MOD, "SET_PROTOCOL boot: %s", libusb_strerror(rc));
		rc = libusb_control_transfer(d->h, LIBUSB_REQUEST_TYPE_CLASS | LIBUSB_RECIPIENT_INTERFACE,
					     HID_SET_IDLE, 0, (uint16_t)d->iface, NULL, 0, 1000);
		if (rc < 0 && rc != LIBUSB_ERROR_PIPE) /* a STALL: idle not supported */
			log_debug(MOD, "SET_IDLE: %s", libusb_strerror(rc));
	}
	len = libusb_get_max_packet_size(d->dev, ep->bEndpointAddress);
	if (len <= 0 || len > REPORT_MAX)
		len = REPORT_MAX;
	s->xfer = libusb_alloc_transfer(0);
	if (!s->xfer) {
		free(s);
		return err_fail(e, "scanner: out of memory");
	}
	libusb_fill_interrupt_transfer(s->xfer, d->h, ep->bEndpointAddress, s->buf, len,
				       scanner_done, s, 0);
	rc = libusb_submit_transfer(s->xfer);
	if (rc) {
		libusb_free_transfer(s->xfer);
		free(s);
		return err_fail(e, "scanner: cannot read endpoint 0x%02x: %s", ep->bEndpointAddress,
				libusb_strerror(rc));
	}
	s->in_flight = true;
	d->priv = s;
	return 0;
}

static int kbd_attach(struct usb_dev *d, struct err *e)
{
	return scanner_attach(d, false, HID_SCAN_POS_AIM, e);
}

static int pos_attach(struct usb_dev *d, struct err *e)
{
	return scanner_attach(d, true, HID_SCAN_POS_AIM, e);
}

static int pos_plain_attach(struct usb_dev *d, struct err *e)
{
	return scanner_attach(d, true, HID_SCAN_POS_PLAIN, e);
}

static void scanner_poll(struct usb_dev *d, uint64_t now_ms)
{
	struct scanner *s = d->priv;
	struct err e;
	enum hid_scan_result r;

	err_clear(&e);
	r = hid_scan_idle(&s->scan, now_ms, &e);
	scanner_result(s, r, &e);
}

static void scanner_detach(struct usb_dev *d)
{
	struct scanner *s = d->priv;
	uint64_t until = usb_now_ms() + CANCEL_WAIT_MS;

	if (!s)
		return;
	s->closing = true;
	if (s->in_flight)
		libusb_cancel_transfer(s->xfer);
	while (s->in_flight && usb_now_ms() < until) {
		struct timeval tv = { 0, 50 * 1000 };

		libusb_handle_events_timeout_completed(d->ctx, &tv, NULL);
	}
	if (s->in_flight)
		log_error(MOD, "a cancelled transfer did not complete: leaked, not freed");
	else
		libusb_free_transfer(s->xfer);
	if (!s->in_flight) {
		memset(s, 0, sizeof(*s));
		free(s);
	}
	d->priv = NULL;
}

const struct usb_driver_ops scanner_kbd_ops = {
	.name = "scanner-kbd",
	.kind = USB_KIND_SCANNER,
	.attach = kbd_attach,
	.detach = scanner_detach,
	.poll = scanner_poll,
};

const struct usb_driver_ops scanner_hid_pos_ops = {
	.name = "scanner-hid-pos",
	.kind = USB_KIND_SCANNER,
	.attach = pos_attach,
	.detach = scanner_detach,
	.poll = scanner_poll,
};

const struct usb_driver_ops scanner_hid_pos_plain_ops = {
	.name = "scanner-hid-pos-plain",
	.kind = USB_KIND_SCANNER,
	.attach = pos_plain_attach,
	.detach = scanner_detach,
	.poll = scanner_poll,
};
