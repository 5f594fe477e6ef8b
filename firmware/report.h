/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report: what the kiosk tells the delivery server about an order.
 *
 * A report is born in the outbox, in the same transaction as the state
 * change it tells of (store_order_move with a struct store_report_new), so a
 * crash can lose neither.  report_flush() then sends what is due; a report
 * leaves the outbox only when the server acknowledged it.  The server
 * deduplicates by report_id, so sending again after a lost acknowledgement
 * is harmless: delivery is at-least-once on the wire and exactly-once in the
 * server's records.
 *
 * Bodies are built here and stored without their report_id; the id, the
 * order and the kind are added when the report is sent.
 */
#ifndef TENPO_REPORT_H
#define TENPO_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "delivery.h"
#include "err.h"
#include "store.h"

/* What a `delivered` report says (the disc-writing path fills it). */
struct report_delivered {
	enum media_kind media;
	int64_t started_at, finished_at;
	bool verified;
	bool erased;
	uint64_t fee;
	char currency[4];
	/* how the customer paid: "payment" in the body (PROTOCOL.md) */
	bool prepaid;                 /* paid online: {"method":"prepaid"} */
	bool confirmed;               /* at the register, the slip confirmed; false with
				       * pay_before_write = false: written before paying */
	struct store_payment payment; /* the confirmed slip, when confirmed */
};

/* JSON bodies (malloc'ed; NULL when out of memory). */
char *report_body_received(int64_t at, uint64_t bytes);
char *report_body_failed(int64_t at, const char *reason);
char *report_body_plain(int64_t at); /* expired, cancelled */
char *report_body_delivered(int64_t at, const struct report_delivered *r);

/* The business day `now` falls in (Japan's time, receipt.h): [from, to)
 * and its date "YYYY-MM-DD" (day holds 11 bytes). */
void report_day_window(int64_t now, int64_t *from, int64_t *to, char day[11]);

/* A close of day's report as it goes on the wire (PROTOCOL.md, "day
 * reports"): the same bytes for the same row, every time (malloc'ed; NULL
 * when out of memory). */
char *report_body_day(const struct store_day_report *r);

/* Sends every report due at `now` (with `all`, every pending one: a manual
 * sync or a staff "send now" does not wait for the backoff).  A report the server rejects for good
 * (4xx, e.g. 409 "order X was delivered already") stays in the outbox for
 * staff, marked "refused by the server: ..." and never due again
 * (STORE_REPORT_NEVER), not even with `all`; an unreachable server stops the flush (the rest wait
 * with a growing delay).  The close of day's reports (store_day_close) go
 * after the orders' ones, by the same rules; one refused for good gets a
 * staff-log row.  *sent counts acknowledged reports.  Returns 0 when
 * nothing failed, -1 with the first reason otherwise. */
int report_flush(struct store *s, struct delivery *d, int64_t now, bool all,
		 unsigned *sent, struct err *e);

#endif
