// SPDX-License-Identifier: GPL-2.0-or-later
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "log.h"
#include "receipt.h"

#define REJECTED_RETRY_S 3600
#define DEFER_BASE_S 30
#define DEFER_MAX_S 3600

static char *print_and_free(cJSON *j)
{
	char *s = j ? cJSON_PrintUnformatted(j) : NULL;

	cJSON_Delete(j);
	return s;
}

static cJSON *body_with_time(int64_t at)
{
	cJSON *j = cJSON_CreateObject();

	if (j && !cJSON_AddNumberToObject(j, "at", (double)at)) {
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

char *report_body_received(int64_t at, uint64_t bytes)
{
	cJSON *j = body_with_time(at);

	if (j && !cJSON_AddNumberToObject(j, "bytes", (double)bytes)) {
		cJSON_Delete(j);
		return NULL;
	}
	return print_and_free(j);
}

char *report_body_failed(int64_t at, const char *reason)
{
	cJSON *j = body_with_time(at);

	if (j && !cJSON_AddStringToObject(j, "reason", reason)) {
		cJSON_Delete(j);
		return NULL;
	}
	return print_and_free(j);
}

char *report_body_plain(int64_t at)
{
	return print_and_free(body_with_time(at));
}

/* "payment": {"method": "prepaid"}, or {"method": "register", "confirmed":
 * true, "slip", "amount", "currency", "confirmed_at", "confirmed_by"}, or
 * {"method": "register", "confirmed": false} (written before it was paid). */
static bool add_payment(cJSON *j, const struct report_delivered *r)
{
	cJSON *p = cJSON_AddObjectToObject(j, "payment");
	const struct store_payment *s = &r->payment;

	if (!p)
		return false;
	if (r->prepaid)
		return cJSON_AddStringToObject(p, "method", "prepaid");
	if (!cJSON_AddStringToObject(p, "method", "register") ||
	    !cJSON_AddBoolToObject(p, "confirmed", r->confirmed))
		return false;
	if (!r->confirmed)
		return true;
	return cJSON_AddStringToObject(p, "slip", s->slip) &&
	       cJSON_AddNumberToObject(p, "amount", (double)s->amount) &&
	       cJSON_AddStringToObject(p, "currency", s->currency) &&
	       cJSON_AddNumberToObject(p, "confirmed_at", (double)s->confirmed_at) &&
	       cJSON_AddStringToObject(p, "confirmed_by", s->confirmed_by);
}

char *report_body_delivered(int64_t at, const struct report_delivered *r)
{
	cJSON *j = body_with_time(at), *fee;

	if (!j)
		return NULL;
	fee = cJSON_AddObjectToObject(j, "fee");
	if (!cJSON_AddStringToObject(j, "media", media_kind_name(r->media)) ||
	    !cJSON_AddNumberToObject(j, "started_at", (double)r->started_at) ||
	    !cJSON_AddNumberToObject(j, "finished_at", (double)r->finished_at) ||
	    !cJSON_AddBoolToObject(j, "verified", r->verified) ||
	    !cJSON_AddBoolToObject(j, "erased", r->erased) || !fee ||
	    !cJSON_AddNumberToObject(fee, "amount", (double)r->fee) ||
	    !cJSON_AddStringToObject(fee, "currency", r->currency) || !add_payment(j, r)) {
		cJSON_Delete(j);
		return NULL;
	}
	return print_and_free(j);
}

void report_day_window(int64_t now, int64_t *from, int64_t *to, char day[11])
{
	time_t local;
	struct tm tm;

	*from = (now + RECEIPT_UTC_OFFSET) / 86400 * 86400 - RECEIPT_UTC_OFFSET;
	*to = *from + 86400;
	local = (time_t)(*from + RECEIPT_UTC_OFFSET);
	gmtime_r(&local, &tm);
	if (!strftime(day, 11, "%Y-%m-%d", &tm))
		day[0] = '\0'; /* past year 9999: refused by store_day_close */
}

/* {"count": N, "amount": YEN} */
static bool add_sum(cJSON *j, const char *key, unsigned count, uint64_t amount)
{
	cJSON *o = cJSON_AddObjectToObject(j, key);

	return o && cJSON_AddNumberToObject(o, "count", count) &&
	       cJSON_AddNumberToObject(o, "amount", (double)amount);
}

char *report_body_day(const struct store_day_report *r)
{
	const struct store_day *t = &r->totals;
	cJSON *j = cJSON_CreateObject(), *fees = NULL, *orders = NULL;
	bool ok;

	if (!j)
		return NULL;
	ok = cJSON_AddStringToObject(j, "report_id", r->id) &&
	     cJSON_AddNumberToObject(j, "shop", r->shop) &&
	     cJSON_AddStringToObject(j, "day", r->day) &&
	     cJSON_AddNumberToObject(j, "from", (double)t->from) &&
	     cJSON_AddNumberToObject(j, "to", (double)t->to) &&
	     cJSON_AddNumberToObject(j, "closed_at", (double)r->closed_at) &&
	     cJSON_AddStringToObject(j, "staff", r->staff) &&
	     cJSON_AddNumberToObject(j, "discs_written", t->discs_written) &&
	     cJSON_AddNumberToObject(j, "blanks_ruined", t->blanks_ruined) &&
	     add_sum(j, "register", t->register_count, t->register_amount) &&
	     add_sum(j, "prepaid", t->prepaid_count, t->prepaid_amount) &&
	     (fees = cJSON_AddObjectToObject(j, "fees_owed")) &&
	     cJSON_AddNumberToObject(fees, "amount", (double)t->fees_owed) &&
	     cJSON_AddStringToObject(fees, "currency", "JPY") &&
	     cJSON_AddNumberToObject(j, "order_count", (double)r->order_count) &&
	     (orders = cJSON_AddArrayToObject(j, "orders"));
	for (size_t i = 0; ok && i < r->order_count; i++) {
		cJSON *id = cJSON_CreateString(r->orders[i]);

		ok = id && cJSON_AddItemToArray(orders, id);
		if (!ok)
			cJSON_Delete(id);
	}
	if (!ok) {
		cJSON_Delete(j);
		return NULL;
	}
	return print_and_free(j);
}

/* The stored body plus what identifies the report on the wire. */
static char *wire_body(const struct store_report *r)
{
	cJSON *j = cJSON_Parse(r->body);

	if (!cJSON_IsObject(j) || !cJSON_AddStringToObject(j, "report_id", r->id) ||
	    !cJSON_AddStringToObject(j, "kind", r->kind)) {
		cJSON_Delete(j);
		return NULL;
	}
	return print_and_free(j);
}

/* How long an unreachable server is given before the next attempt. */
static int64_t defer_delay(unsigned attempts)
{
	unsigned shift = attempts < 7 ? attempts : 7;
	int64_t delay = (int64_t)DEFER_BASE_S << shift;

	return delay > DEFER_MAX_S ? DEFER_MAX_S : delay;
}

/* The order reports; *unreachable: the server could not be reached, the
 * rest wait. */
static int flush_orders(struct store *s, struct delivery *d, int64_t now, bool all,
			unsigned *sent, bool *unreachable, struct err *e)
{
	struct store_report *due = NULL;
	size_t n = 0;
	int rc = 0;

	if (all ? store_reports_pending(s, &due, &n, e) : store_reports_due(s, now, &due, &n, e))
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct store_report *r = &due[i];
		struct err why = { "" };
		char *body;
		int sent_rc;

		if (r->next_attempt_at == STORE_REPORT_NEVER)
			continue; /* refused for good: staff's, not the line's */
		body = wire_body(r);
		if (!body) {
			/* our own bytes; a bug, not the server's fault: keep it for staff */
			store_report_deferred(s, r->id, now + REJECTED_RETRY_S,
					      "report body is not a JSON object", NULL);
			rc = err_fail(e, "report %s: body is not a JSON object", r->id);
			continue;
		}
		sent_rc = delivery_post_report(d, r->order_id, r->id, body, strlen(body), &why);
		free(body);
		if (sent_rc == 0) {
			if (store_report_acked(s, r->id, e)) {
				rc = -1;
				break;
			}
			(*sent)++;
			log_info("report", "order %s: %s report %s acknowledged", r->order_id,
				 r->kind, r->id);
			continue;
		}
		if (sent_rc == DELIVERY_REJECTED) {
			log_error("report", "order %s: %s report refused: %s", r->order_id,
				  r->kind, why.msg);
			/* a definite answer: sending it again would get the same one */
			err_wrap(&why, "%s report refused by the server", r->kind);
			store_report_deferred(s, r->id, STORE_REPORT_NEVER, why.msg, NULL);
			/* the staff queue shows the order's note */
			store_order_note(s, r->order_id, why.msg, NULL);
			if (!rc)
				rc = err_fail(e, "report for order %s rejected: %s", r->order_id,
					      why.msg);
			continue;
		}
		/* unreachable: wait longer each time, and leave the rest for later */
		store_report_deferred(s, r->id, now + defer_delay(r->attempts), why.msg, NULL);
		rc = err_fail(e, "report for order %s not sent: %s", r->order_id, why.msg);
		*unreachable = true;
		break;
	}
	store_reports_free(due, n);
	return rc;
}

/* The close of day's reports, after the orders' (whose delivered reports
 * the server counts the day's discs from). */
static int flush_days(struct store *s, struct delivery *d, int64_t now, bool all,
		      unsigned *sent, struct err *e)
{
	struct store_day_report *due = NULL;
	size_t n = 0;
	int rc = 0;

	if (store_day_reports_pending(s, now, all, &due, &n, e))
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct store_day_report *r = &due[i];
		struct err why = { "" };
		char *body;
		int sent_rc;

		if (r->next_attempt_at == STORE_REPORT_NEVER)
			continue; /* refused for good: in the staff log */
		body = report_body_day(r);
		if (!body) {
			rc = err_fail(e, "day report %s: out of memory", r->id);
			break;
		}
		sent_rc = delivery_post_day_report(d, r->shop, r->id, body, strlen(body), &why);
		free(body);
		if (sent_rc == 0) {
			if (store_day_report_acked(s, r->id, e)) {
				rc = -1;
				break;
			}
			(*sent)++;
			log_info("report", "day %s: report %s acknowledged", r->day, r->id);
			continue;
		}
		if (sent_rc == DELIVERY_REJECTED) {
			log_error("report", "day %s: report %s refused: %s", r->day, r->id, why.msg);
			err_wrap(&why, "refused by the server");
			if (store_day_report_deferred(s, r->id, STORE_REPORT_NEVER, why.msg, e))
				return -1;
			if (!rc)
				rc = err_fail(e, "day report %s %s", r->id, why.msg);
			continue;
		}
		store_day_report_deferred(s, r->id, now + defer_delay(r->attempts), why.msg, NULL);
		rc = err_fail(e, "day report %s not sent: %s", r->id, why.msg);
		break;
	}
	store_day_reports_free(due, n);
	return rc;
}

int report_flush(struct store *s, struct delivery *d, int64_t now, bool all,
		 unsigned *sent, struct err *e)
{
	struct err days = { "" };
	bool unreachable = false;
	int rc;

	*sent = 0;
	rc = flush_orders(s, d, now, all, sent, &unreachable, e);
	if (unreachable)
		return rc;
	if (flush_days(s, d, now, all, sent, &days) && !rc)
		rc = err_fail(e, "%s", days.msg);
	return rc;
}
