// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core_pay: paying at the register, seen from the core, on the event thread.
 *
 * A staff member who took the money scans the slip at the kiosk (after the
 * staff PIN) or confirms the order in the staff queue; either way the store
 * confirms it in one transaction with the staff log (store_payment_confirm)
 * and the order is READY again, paid, for the customer's code.  Slips past
 * their time are voided by the periodic refresh (core_pay_expire).
 *
 * Who confirmed: the staff session's name (core_staff.c), "staff" while the
 * kiosk has one PIN for everyone.
 */
#include "core_internal.h"

#include <stdio.h>
#include <time.h>

#include "log.h"
#include "slip.h"

void core_pay_confirm(struct core *c, const char *id_or_slip)
{
	struct store_payment p;
	struct err e = { "" };
	char text[CORE_TEXT];

	if (store_payment_confirm(c->store, id_or_slip, c->staff_name, time(NULL), &p, &e)) {
		core_staff_result(c, "confirm-payment", NULL, -1, &e);
		return;
	}
	/* the store wrote the staff log in the confirmation's transaction */
	snprintf(text, sizeof(text), "ok by %s: %llu %s", p.confirmed_by,
		 (unsigned long long)p.amount, p.currency);
	core_staff_publish(c, "confirm-payment", p.order_id, text);
}

bool core_pay_scan(struct core *c, const char *text)
{
	struct slip_code code;
	struct err e = { "" };

	if (!slip_looks_like(text))
		return false;
	if (!c->snap.staff.logged_in) {
		err_fail(&e, "a payment slip was scanned; log in as staff to confirm it");
		core_staff_result(c, "confirm-payment", NULL, -1, &e);
		return true;
	}
	if (slip_parse(text, &code, &e)) {
		core_staff_result(c, "confirm-payment", NULL, -1, &e);
		return true;
	}
	core_pay_confirm(c, text);
	core_staff_refresh(c);
	return true;
}

void core_pay_expire(struct core *c)
{
	struct err e = { "" };
	unsigned n = 0;

	if (store_payment_expire(c->store, time(NULL), &n, &e))
		log_error("pay", "%s", e.msg);
	else if (n)
		log_info("pay", "%u payment slip%s expired; the order%s ready again, unpaid", n,
			 n == 1 ? "" : "s", n == 1 ? " is" : "s are");
}
