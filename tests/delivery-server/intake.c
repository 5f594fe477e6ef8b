// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * intake: POST /v1/orders/{id}/reports — checks a report and records it
 * once per report_id.
 *
 * Steps, each with its answer: the order must be this shop's (404); the
 * body must be one JSON object with the fields PROTOCOL.md names for its
 * kind (400, with the field named); the slow-report fault may then answer
 * 503 with Retry-After: 1 (so that even that POST is logged under its
 * report_id); then db_report_record() decides: new (200), a repeat of a
 * recorded report_id for this order (200, "duplicate": true), a
 * report_id already used for another order (409), or a second `delivered`
 * report, under a new report_id, for an order delivered already (409: one
 * disc per order).  A `delivered`, `expired`
 * or `cancelled` report closes the order (no longer listed).  A delivered
 * report's "payment" must agree with the order (prepaid or not, its price,
 * a slip naming it); the register's payments are then the view
 * register_payments of the recorded bodies (db.c).
 *
 * Every POST, whatever its answer, becomes one row of report_posts, so a
 * test can see that a report sent twice was counted once.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api_conn.h"
#include "faults.h"
#include "layout.h"
#include "log.h"


static const char *const kinds[] = { "received", "delivered", "failed", "expired", "cancelled" };

struct report_fields {
	char report_id[DB_REPORT_ID_MAX + 1]; /* "" until known */
	const char *kind;
	int64_t at;
};

static const cJSON *member(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

int api_need_int(const cJSON *o, const char *where, const char *key, double min,
		 int64_t *out, struct err *e)
{
	const cJSON *v = member(o, key);

	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
	    v->valuedouble < min || v->valuedouble > API_INT_EXACT_MAX)
		return err_fail(e, "%s%s: not an integer of at least %.0f", where, key, min);
	if (out)
		*out = (int64_t)v->valuedouble;
	return 0;
}

static int need_bool(const cJSON *o, const char *key, struct err *e)
{
	return cJSON_IsBool(member(o, key)) ? 0 : err_fail(e, "%s: not true or false", key);
}

int api_need_string(const cJSON *o, const char *where, const char *key, const char **out,
		    struct err *e)
{
	const cJSON *v = member(o, key);

	if (!cJSON_IsString(v) || !v->valuestring)
		return err_fail(e, "%s%s: missing or not a string", where, key);
	*out = v->valuestring;
	return 0;
}

static int check_delivered(const cJSON *j, struct err *e)
{
	const char *media = NULL, *currency = NULL;
	const cJSON *fee;

	if (api_need_string(j, "", "media", &media, e))
		return -1;
	if (media_kind_parse(media) < 0)
		return err_fail(e, "media: not audio-cd, data-cd or data-dvd");
	if (api_need_int(j, "", "started_at", 0, NULL, e) ||
	    api_need_int(j, "", "finished_at", 0, NULL, e) ||
	    need_bool(j, "verified", e) || need_bool(j, "erased", e))
		return -1;
	fee = member(j, "fee");
	if (!cJSON_IsObject(fee))
		return err_fail(e, "fee: missing or not an object");
	if (api_need_int(fee, "fee.", "amount", 0, NULL, e) ||
	    api_need_string(fee, "fee.", "currency", &currency, e))
		return -1;
	if (strlen(currency) != 3 || strspn(currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
		return err_fail(e, "fee.currency: not 3 upper-case letters");
	return 0;
}

/* A slip payload (PROTOCOL.md): TP, 10 digits of expiry, 6 of amount, then
 * this order's ID; amount as the payload says it. */
static int check_slip(const char *slip, const char *order_id, int64_t *amount, struct err *e)
{
	size_t n = strlen(slip);

	if (n < 19 || n > 34 || slip[0] != 'T' || slip[1] != 'P' ||
	    strspn(slip + 2, "0123456789") < 16)
		return err_fail(e, "payment.slip: not TP, 16 digits and an order ID");
	if (strcmp(slip + 18, order_id))
		return err_fail(e, "payment.slip: for order %.16s, not %s", slip + 18, order_id);
	*amount = 0;
	for (int i = 12; i < 18; i++)
		*amount = *amount * 10 + (slip[i] - '0');
	return 0;
}

/* "payment" of a delivered report: absent only in a report queued by a
 * kiosk before 0.4; else the method must be the order's, and a confirmed
 * payment at the register must name its slip, the order's price, when and
 * who. */
static int check_payment(const cJSON *j, const struct db_order *o, struct err *e)
{
	const cJSON *p = member(j, "payment"), *confirmed;
	const char *method = NULL, *slip = NULL, *currency = NULL, *by = NULL;
	int64_t amount = 0, slip_amount = 0;

	if (!p)
		return 0;
	if (!cJSON_IsObject(p))
		return err_fail(e, "payment: not an object");
	if (api_need_string(p, "payment.", "method", &method, e))
		return -1;
	if (strcmp(method, "prepaid") && strcmp(method, "register"))
		return err_fail(e, "payment.method: not prepaid or register");
	if (!strcmp(method, "prepaid") != o->prepaid)
		return err_fail(e, "payment.method: %s, but order %s is %s", method, o->id,
				o->prepaid ? "prepaid" : "paid at the register");
	if (o->prepaid)
		return 0;
	confirmed = member(p, "confirmed");
	if (!cJSON_IsBool(confirmed))
		return err_fail(e, "payment.confirmed: not true or false");
	if (cJSON_IsFalse(confirmed))
		return 0; /* written before it was paid (pay_before_write = false) */
	if (api_need_string(p, "payment.", "slip", &slip, e) ||
	    check_slip(slip, o->id, &slip_amount, e) ||
	    api_need_int(p, "payment.", "amount", 1, &amount, e) ||
	    api_need_string(p, "payment.", "currency", &currency, e) ||
	    api_need_int(p, "payment.", "confirmed_at", 0, NULL, e) ||
	    api_need_string(p, "payment.", "confirmed_by", &by, e))
		return -1;
	if (amount != slip_amount || (uint64_t)amount != o->price)
		return err_fail(e, "payment.amount: %lld, the slip says %lld, the order costs %llu",
				(long long)amount, (long long)slip_amount,
				(unsigned long long)o->price);
	if (strcmp(currency, "JPY"))
		return err_fail(e, "payment.currency: not JPY");
	return api_check_name(by, "payment.confirmed_by", e);
}

int api_check_name(const char *name, const char *field, struct err *e)
{
	if (!name[0] || strlen(name) > 32)
		return err_fail(e, "%s: not 1..32 bytes", field);
	for (const char *c = name; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return err_fail(e, "%s: holds a control character", field);
	return 0;
}

/* The protocol's rules for a report body; f->report_id is filled as soon
 * as it is known, so that even a refused POST is logged under it. */
static int check_report(const cJSON *j, struct report_fields *f, struct err *e)
{
	const char *id = NULL, *kind = NULL, *reason = NULL;

	if (!cJSON_IsObject(j))
		return err_fail(e, "the report is not a JSON object");
	if (api_need_string(j, "", "report_id", &id, e))
		return -1;
	if (!layout_order_id_ok(id))
		return err_fail(e, "report_id: not 1..64 of [A-Za-z0-9_-]");
	snprintf(f->report_id, sizeof(f->report_id), "%s", id);
	if (api_need_string(j, "", "kind", &kind, e))
		return -1;
	f->kind = NULL;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kind, kinds[i]))
			f->kind = kinds[i];
	if (!f->kind)
		return err_fail(e, "kind: not one of received, delivered, failed, expired, cancelled");
	if (api_need_int(j, "", "at", 0, &f->at, e))
		return -1;
	if (!strcmp(f->kind, "delivered"))
		return check_delivered(j, e);
	if (!strcmp(f->kind, "failed"))
		return api_need_string(j, "", "reason", &reason, e);
	return 0;
}

/* Parses under the env's lock (cJSON keeps its error position in a global). */
cJSON *api_json_parse(const struct api_conn *c, const char *body, size_t len)
{
	const char *end = NULL;
	cJSON *j;

	if (!body || memchr(body, '\0', len))
		return NULL;
	pthread_mutex_lock(c->env->json_lock);
	j = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	pthread_mutex_unlock(c->env->json_lock);
	if (j && end) {
		end += strspn(end, " \t\r\n");
		if (end != body + len) {
			cJSON_Delete(j);
			j = NULL;
		}
	}
	return j;
}

static void log_post(struct api_conn *c, const char *order_id, const char *report_id, int status)
{
	struct err e = { "" };

	if (db_report_post_log(c->db, order_id, report_id && report_id[0] ? report_id : NULL,
			       status, &e))
		log_warn("intake", "order %s: %s", order_id, e.msg);
}

void api_post_report(struct api_conn *c, struct api_reply *r, const char *order_id,
		     const char *body, size_t len)
{
	struct report_fields f = { "", NULL, 0 };
	enum db_report_result result;
	struct db_order o;
	struct err e = { "" };
	char answer[DB_REPORT_ID_MAX + 64];
	cJSON *j = NULL;
	bool found, fire;

	if (db_order_get(c->db, order_id, c->shop, &o, &found, &e)) {
		api_reply_error(c, r, 500, NULL, "%s", e.msg);
		goto out_log;
	}
	if (!found) {
		api_reply_error(c, r, 404, NULL, "no order %s", order_id);
		goto out_log;
	}
	j = api_json_parse(c, body, len);
	if (!j) {
		api_reply_error(c, r, 400, NULL, "the report is not one well-formed JSON document");
		goto out_log;
	}
	if (check_report(j, &f, &e) ||
	    (!strcmp(f.kind, "delivered") && check_payment(j, &o, &e))) {
		api_reply_error(c, r, 400, NULL, "report: %s", e.msg);
		goto out_log;
	}
	if ((o.faults & FAULT_SLOW_REPORT) &&
	    db_fault_fire(c->db, o.id, FAULT_SLOW_REPORT, FAULT_SLOW_REPORT_TIMES, &fire, &e) == 0 &&
	    fire) {
		api_reply_error(c, r, 503, "Retry-After: 1\r\n", "busy (fault slow-report)");
		goto out_log;
	}
	if (db_report_record(c->db, o.id, f.report_id, f.kind, f.at, body, &result, &e)) {
		api_reply_error(c, r, 500, NULL, "%s", e.msg);
		goto out_log;
	}
	if (result == DB_REPORT_CONFLICT) {
		api_reply_error(c, r, 409, NULL, "report_id %s belongs to another order", f.report_id);
		goto out_log;
	}
	if (result == DB_REPORT_DELIVERED_BEFORE) {
		api_reply_error(c, r, 409, NULL, "order %s was delivered already", o.id);
		goto out_log;
	}
	snprintf(answer, sizeof(answer), "{\"report_id\":\"%s\",\"duplicate\":%s}", f.report_id,
		 result == DB_REPORT_DUPLICATE ? "true" : "false");
	if (result == DB_REPORT_NEW)
		log_info("intake", "order %s: %s report %s recorded", o.id, f.kind, f.report_id);
	if ((o.faults & FAULT_LATE_ACK) && !strcmp(f.kind, "delivered") &&
	    db_fault_fire(c->db, o.id, FAULT_LATE_ACK, FAULT_LATE_ACK_TIMES, &fire, &e) == 0 &&
	    fire) {
		log_info("intake", "order %s: fault late-ack: answering in %u s", o.id,
			 FAULT_LATE_ACK_SECONDS);
		api_pause(c->env, FAULT_LATE_ACK_SECONDS * 1000);
	}
	api_reply(c, r, 200, "application/json", NULL, answer, strlen(answer));
out_log:
	log_post(c, order_id, f.report_id, r->status);
	cJSON_Delete(j);
}
