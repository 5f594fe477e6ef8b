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
 * Status: `DLE EOT 1..4`, each answer read with a short timeout and judged
 * by printer_status.c.  A printer that does not answer the first query is
 * not asked the other three (the g_printer gadget answers nothing unless a
 * program on the gadget side writes), and its status is unknown, which does
 * not stop a job: only a status known to be bad does (offline, paper out,
 * cover open, error).  Before each query whatever is waiting on IN is read
 * and dropped, so an old answer is never taken for a new one.
 *
 * A job: status first (refused when known bad), then the bytes in chunks of
 * CHUNK with CHUNK_TIMEOUT_MS each, then status again: paper that ran out
 * or a cover opened during the job fails it (the receipt may be cut short;
 * staff can reprint).  LIBUSB_ERROR_NO_DEVICE on any transfer marks the
 * device gone and fails the job as "unplugged during the job".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "printer_status.h"
#include "usb_internal.h"

#define MOD "printer"
#define CHUNK 4096
#define CHUNK_TIMEOUT_MS 5000
#define QUERY_TIMEOUT_MS 500
#define ANSWER_TIMEOUT_MS 300
#define DRAIN_TIMEOUT_MS 10
#define IN_BUF 512 /* a multiple of every bulk wMaxPacketSize: no overflow */
#define GET_DEVICE_ID 0x00
#define DEVICE_ID_MAX 1024

struct printer {
	uint8_t out, in; /* endpoint addresses; in 0 when none */
	uint64_t next_status;
};

/* -1: the device is gone; 0 otherwise. */
static int drain_in(struct usb_dev *d, struct printer *p)
{
	uint8_t buf[IN_BUF];

	for (int i = 0; i < 4; i++) {
		int got = 0, rc = libusb_bulk_transfer(d->h, p->in, buf, sizeof(buf), &got,
						       DRAIN_TIMEOUT_MS);

		if (rc == LIBUSB_ERROR_NO_DEVICE)
			return -1;
		if (rc || !got)
			break;
	}
	return 0;
}

/* A whole reading into *s; -1 when the device is gone. */
static int read_status(struct usb_dev *d, struct printer *p, struct printer_status *s)
{
	printer_status_init(s);
	if (!p->in)
		return 0;
	for (unsigned n = 1; n <= 4; n++) {
		uint8_t q[PRINTER_STATUS_QUERY_LEN], buf[IN_BUF];
		int sent = 0, got = 0, rc;

		if (drain_in(d, p))
			goto gone;
		printer_status_query(n, q);
		rc = libusb_bulk_transfer(d->h, p->out, q, sizeof(q), &sent, QUERY_TIMEOUT_MS);
		if (rc == LIBUSB_ERROR_NO_DEVICE)
			goto gone;
		if (rc || sent != (int)sizeof(q))
			return 0; /* not even the query went: unknown */
		rc = libusb_bulk_transfer(d->h, p->in, buf, sizeof(buf), &got, ANSWER_TIMEOUT_MS);
		if (rc == LIBUSB_ERROR_NO_DEVICE)
			goto gone;
		if (printer_status_apply(s, n, buf, rc ? 0 : (size_t)got) && n == 1)
			return 0; /* no answer to the first: it answers none */
	}
	return 0;
gone:
	d->gone = true;
	return -1;
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
	p->out = out->bEndpointAddress;
	p->in = in ? in->bEndpointAddress : 0;
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
	if (read_status(d, p, &s) == 0)
		usb_dev_set_status(d, &s);
	p->next_status = usb_now_ms() + d->status_ms;
}

static int printer_print(struct usb_dev *d, const uint8_t *bytes, size_t len, struct err *e)
{
	struct printer *p = d->priv;
	struct printer_status s;
	char why[PRINTER_STATUS_TEXT_MAX];
	size_t at = 0;

	if (read_status(d, p, &s))
		return err_fail(e, "printer unplugged before the job");
	usb_dev_set_status(d, &s);
	if (printer_status_blocked(&s)) {
		printer_status_describe(&s, why);
		return err_fail(e, "printer: %s, nothing printed", why);
	}
	while (at < len) {
		size_t n = len - at < CHUNK ? len - at : CHUNK;
		int sent = 0, rc;

		rc = libusb_bulk_transfer(d->h, p->out, (uint8_t *)bytes + at, (int)n, &sent,
					  CHUNK_TIMEOUT_MS);
		at += sent > 0 ? (size_t)sent : 0;
		if (rc == LIBUSB_ERROR_NO_DEVICE) {
			d->gone = true;
			return err_fail(e, "printer unplugged during the job (%zu of %zu bytes sent)",
					at, len);
		}
		if (rc == LIBUSB_ERROR_TIMEOUT && sent > 0)
			continue; /* slow, but taking data */
		if (rc) {
			struct printer_status now;

			if (read_status(d, p, &now))
				return err_fail(e, "printer unplugged during the job (%zu of %zu bytes sent)",
						at, len);
			usb_dev_set_status(d, &now);
			printer_status_describe(&now, why);
			return err_fail(e, "printer: %s after %zu of %zu bytes (%s)",
					libusb_strerror(rc), at, len, why);
		}
	}
	if (read_status(d, p, &s))
		return err_fail(e, "printer unplugged right after the job");
	usb_dev_set_status(d, &s);
	p->next_status = usb_now_ms() + d->status_ms;
	if (s.paper_out == PRINTER_YES || s.cover_open == PRINTER_YES || s.error == PRINTER_YES) {
		printer_status_describe(&s, why);
		return err_fail(e, "printer: %s at the end of the job: the receipt may be cut short",
				why);
	}
	return 0;
}

const struct usb_driver_ops printer_ops = {
	.name = "printer",
	.kind = USB_KIND_PRINTER,
	.attach = printer_attach,
	.detach = printer_detach,
	.poll = printer_poll,
	.print = printer_print,
};
