// SPDX-License-Identifier: GPL-2.0-or-later
/* printer_job: the order of writes and reads of printer_job.h. */
#include "printer_job.h"

#define IN_BUF 512 /* a multiple of every bulk wMaxPacketSize: no overflow */
#define DRAIN_READS 4

/* -1 when the port is gone. */
static int drain(const struct printer_port *p)
{
	uint8_t buf[IN_BUF];

	for (int i = 0; i < DRAIN_READS; i++) {
		size_t got = 0;
		enum printer_io r = p->read(p->ctx, buf, sizeof(buf), &got, PRINTER_DRAIN_MS);

		if (r == PRINTER_IO_GONE)
			return -1;
		if (r != PRINTER_IO_OK || !got)
			break;
	}
	return 0;
}

int printer_job_status(const struct printer_port *p, struct printer_status *s)
{
	printer_status_init(s);
	if (!p->has_in)
		return 0;
	for (unsigned n = 1; n <= 4; n++) {
		uint8_t q[PRINTER_STATUS_QUERY_LEN], buf[IN_BUF];
		size_t sent = 0, got = 0;
		enum printer_io r;

		if (drain(p))
			goto gone;
		printer_status_query(n, q);
		r = p->write(p->ctx, q, sizeof(q), &sent, PRINTER_QUERY_MS);
		if (r == PRINTER_IO_GONE)
			goto gone;
		if (r != PRINTER_IO_OK || sent != sizeof(q))
			return 0; /* the query did not go: what is not asked stays unknown */
		r = p->read(p->ctx, buf, sizeof(buf), &got, PRINTER_ANSWER_MS);
		if (r == PRINTER_IO_GONE)
			goto gone;
		if (printer_status_apply(s, n, buf, r == PRINTER_IO_OK ? got : 0) && n == 1)
			return 0;
	}
	return 0;
gone:
	printer_status_init(s);
	return -1;
}

int printer_job_run(const struct printer_port *p, const uint8_t *bytes, size_t len,
		    struct printer_status *last, bool *gone, struct err *e)
{
	char why[PRINTER_STATUS_TEXT_MAX];
	size_t at = 0;

	*gone = false;
	if (printer_job_status(p, last)) {
		*gone = true;
		return err_fail(e, "printer unplugged before the job");
	}
	if (printer_status_blocked(last)) {
		printer_status_describe(last, why);
		return err_fail(e, "printer: %s, nothing printed", why);
	}
	while (at < len) {
		size_t n = len - at < PRINTER_CHUNK ? len - at : PRINTER_CHUNK, sent = 0;
		enum printer_io r = p->write(p->ctx, bytes + at, n, &sent, PRINTER_CHUNK_MS);

		at += sent <= n ? sent : n;
		if (r == PRINTER_IO_GONE) {
			*gone = true;
			printer_status_init(last);
			return err_fail(e, "printer unplugged during the job (%zu of %zu bytes sent)",
					at, len);
		}
		if (r == PRINTER_IO_OK || (r == PRINTER_IO_TIMEOUT && sent > 0))
			continue; /* a slow printer that still takes data is waited for */
		if (printer_job_status(p, last)) {
			*gone = true;
			return err_fail(e, "printer unplugged during the job (%zu of %zu bytes sent)",
					at, len);
		}
		printer_status_describe(last, why);
		return err_fail(e, "printer %s after %zu of %zu bytes (%s)",
				r == PRINTER_IO_TIMEOUT ? "took nothing for 5 s" : "write failed", at,
				len, why);
	}
	if (printer_job_status(p, last)) {
		*gone = true;
		return err_fail(e, "printer unplugged right after the job");
	}
	if (last->paper_out == PRINTER_YES || last->cover_open == PRINTER_YES ||
	    last->error == PRINTER_YES) {
		printer_status_describe(last, why);
		return err_fail(e, "printer: %s at the end of the job: the receipt may be cut short",
				why);
	}
	return 0;
}
