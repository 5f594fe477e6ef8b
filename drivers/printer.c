// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * printer: the USB printer class driver (class 7, subclass 1) for ESC/POS
 * receipt printers.  The bytes of a job come ready-made from the core (the
 * ESC/POS encoding is drivers/escpos*, not here); this file moves them and
 * asks how the printer is.
 *
 * Endpoints: the interface's first bulk OUT carries jobs and queries; its
 * first bulk IN (protocol 2 and 3 interfaces; a protocol 1 printer has none)
 * carries the answers.  GET_DEVICE_ID (the class's IEEE 1284 ID string) is
 * read once and logged, for the staff to know which model answered.
 *
 * How a job and a status reading go (DLE EOT 1..4 before and after, chunks
 * with timeouts, an unanswered status unknown, not fine) is printer_job.c,
 * which this file feeds with libusb bulk transfers: LIBUSB_ERROR_NO_DEVICE
 * is PRINTER_IO_GONE, and marks the device gone for the manager.  The
 * status is read again every d->status_ms while the printer is idle.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "printer_job.h"
#include "usb_internal.h"

#define MOD "printer"
#define GET_DEVICE_ID 0x00
#define DEVICE_ID_MAX 1024

struct printer {
	struct usb_dev *d;
	uint8_t out, in; /* endpoint addresses; in 0 when none */
	struct printer_port port;
	uint64_t next_status;
};

static enum printer_io bulk(struct printer *p, uint8_t ep, uint8_t *buf, size_t len,
			    size_t *done, unsigned timeout_ms)
{
	int n = 0, rc = libusb_bulk_transfer(p->d->h, ep, buf, (int)len, &n, timeout_ms);

	*done = n > 0 ? (size_t)n : 0;
	switch (rc) {
	case 0:
		return PRINTER_IO_OK;
	case LIBUSB_ERROR_TIMEOUT:
		return PRINTER_IO_TIMEOUT;
	case LIBUSB_ERROR_NO_DEVICE:
		p->d->gone = true;
		return PRINTER_IO_GONE;
	default:
		return PRINTER_IO_ERROR;
	}
}

static enum printer_io port_write(void *ctx, const uint8_t *bytes, size_t len, size_t *done,
				  unsigned timeout_ms)
{
	struct printer *p = ctx;

	/* libusb takes a non-const buffer for both directions; OUT only reads it */
	return bulk(p, p->out, (uint8_t *)bytes, len, done, timeout_ms);
}

static enum printer_io port_read(void *ctx, uint8_t *buf, size_t cap, size_t *done,
				 unsigned timeout_ms)
{
	struct printer *p = ctx;

	return bulk(p, p->in, buf, cap, done, timeout_ms);
}

static void log_device_id(struct usb_dev *d)
{
	unsigned char id[DEVICE_ID_MAX + 1];
	int rc = libusb_control_transfer(
		d->h, LIBUSB_ENDPOINT_IN | LIBUSB_REQUEST_TYPE_CLASS | LIBUSB_RECIPIENT_INTERFACE,
		GET_DEVICE_ID, 0 /* the first configuration */,
		(uint16_t)(d->iface << 8 | d->alt->bAlternateSetting), id, DEVICE_ID_MAX, 1000);
	size_t n;

	if (rc < 2)
		return;
	/* two bytes of big-endian length (which counts themselves), then text */
	n = (size_t)(id[0] << 8 | id[1]);
	if (n > (size_t)rc)
		n = (size_t)rc;
	if (n < 2)
		return;
	for (size_t i = 2; i < n; i++)
		if (id[i] < 0x20 || id[i] > 0x7e)
			id[i] = '?';
	id[n] = '\0';
	log_info(MOD, "IEEE 1284 device ID: %.200s", (char *)id + 2);
}

static int printer_attach(struct usb_dev *d, struct err *e)
{
	const struct libusb_endpoint_descriptor *out =
		usb_dev_endpoint(d, LIBUSB_ENDPOINT_TRANSFER_TYPE_BULK, LIBUSB_ENDPOINT_OUT);
	const struct libusb_endpoint_descriptor *in =
		usb_dev_endpoint(d, LIBUSB_ENDPOINT_TRANSFER_TYPE_BULK, LIBUSB_ENDPOINT_IN);
	struct printer *p;

	if (!out)
		return err_fail(e, "printer: interface %d has no bulk OUT endpoint", d->iface);
	p = calloc(1, sizeof(*p));
	if (!p)
		return err_fail(e, "printer: out of memory");
	p->d = d;
	p->out = out->bEndpointAddress;
	p->in = in ? in->bEndpointAddress : 0;
	p->port.ctx = p;
	p->port.has_in = in != NULL;
	p->port.write = port_write;
	p->port.read = port_read;
	if (!in)
		log_info(MOD, "unidirectional (protocol %d): its status stays unknown",
			 d->alt->bInterfaceProtocol);
	d->priv = p;
	log_device_id(d);
	return 0;
}

static void printer_detach(struct usb_dev *d)
{
	free(d->priv);
	d->priv = NULL;
}

static void printer_poll(struct usb_dev *d, uint64_t now_ms)
{
	struct printer *p = d->priv;
	struct printer_status s;

	if (now_ms < p->next_status)
		return;
	if (printer_job_status(&p->port, &s) == 0)
		usb_dev_set_status(d, &s);
	p->next_status = usb_now_ms() + d->status_ms;
}

static int printer_print(struct usb_dev *d, const uint8_t *bytes, size_t len, struct err *e)
{
	struct printer *p = d->priv;
	struct printer_status last;
	bool gone;
	int rc = printer_job_run(&p->port, bytes, len, &last, &gone, e);

	if (gone)
		d->gone = true;
	else
		usb_dev_set_status(d, &last);
	p->next_status = usb_now_ms() + d->status_ms;
	return rc;
}

const struct usb_driver_ops printer_ops = {
	.name = "printer",
	.kind = USB_KIND_PRINTER,
	.attach = printer_attach,
	.detach = printer_detach,
	.poll = printer_poll,
	.print = printer_print,
};
