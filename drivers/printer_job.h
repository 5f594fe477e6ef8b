/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * printer_job: how a job and a status reading go over a printer's two
 * pipes, with the pipes passed in (struct printer_port).  drivers/printer.c
 * gives it libusb bulk transfers; the tests give it a fake printer that
 * answers, stays silent, runs out of paper or is unplugged half-way.
 *
 * A status reading: for n = 1..4, whatever waits on IN is read and dropped
 * (so an old answer is never taken for a new one), `DLE EOT n` is written,
 * one answer is read with PRINTER_ANSWER_MS, and printer_status_apply()
 * judges it.  No answer to n=1 ends the reading (a printer that does not
 * answer the first answers none): the fields stay UNKNOWN.  A port without
 * IN (a protocol 1 printer) is all UNKNOWN without asking.
 *
 * A job: a reading; a status known to be bad (printer_status_blocked) refuses
 * the job with nothing sent; else the bytes in chunks of PRINTER_CHUNK, each
 * given PRINTER_CHUNK_MS (a chunk that times out having taken some bytes is
 * continued, one that took none fails the job); then a reading again, and a
 * job after which the paper is out, the cover open or an error set is failed
 * (the receipt may be cut short).  A pipe that says GONE (the device was
 * unplugged) fails the job at once, "unplugged during the job (N of M bytes
 * sent)", and sets *gone.
 *
 * Not thread-safe by itself: one caller per port (the USB thread).
 */
#ifndef TENPO_PRINTER_JOB_H
#define TENPO_PRINTER_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "printer_status.h"

#define PRINTER_CHUNK 4096
#define PRINTER_CHUNK_MS 5000
#define PRINTER_QUERY_MS 500
#define PRINTER_ANSWER_MS 300
#define PRINTER_DRAIN_MS 10

enum printer_io {
	PRINTER_IO_OK,
	PRINTER_IO_TIMEOUT, /* *done may still be above 0 */
	PRINTER_IO_GONE,    /* the device is no more */
	PRINTER_IO_ERROR,   /* any other failure */
};

struct printer_port {
	void *ctx;
	bool has_in;
	enum printer_io (*write)(void *ctx, const uint8_t *bytes, size_t len, size_t *done,
				 unsigned timeout_ms);
	enum printer_io (*read)(void *ctx, uint8_t *buf, size_t cap, size_t *done,
				unsigned timeout_ms);
};

/* One reading into *s.  -1 when the port said GONE (then *s is all UNKNOWN). */
int printer_job_status(const struct printer_port *p, struct printer_status *s);

/* One job (len may be 0: then only the readings).  0 when every byte went
 * and the printer is not known bad after; -1 and e otherwise.  *last is the
 * last reading made (for the snapshot), *gone true when the port said GONE. */
int printer_job_run(const struct printer_port *p, const uint8_t *bytes, size_t len,
		    struct printer_status *last, bool *gone, struct err *e);

#endif
