// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * day_intake: POST /v1/shops/{shop}/day-reports — a kiosk's close of day
 * (PROTOCOL.md, "Close of day"), checked as hostile input and recorded once
 * per report_id.
 *
 * api.c has already answered 403 to a path naming a shop other than the
 * client certificate's.  Here, each with a 400 naming the field: the body
 * must be one JSON object; report_id "day-<shop>-<YYYYMMDD>-<seq>" of this
 * shop and this day; shop this shop; day a real date, from and to its
 * bounds in Japan's time, closed_at in it; staff 1..32 bytes without
 * control characters; every count and amount an integer in its range;
 * orders distinct IDs of this shop's orders, as many as order_count.  Then
 * db_day_report_record() decides: new (200), the same report again (200,
 * "duplicate": true), another body under a recorded report_id (409).
 * Every POST becomes one row of day_report_posts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_conn.h"
#include "layout.h"
#include "log.h"

#define JST_OFFSET (9 * 3600)
#define COUNT_MAX 1000000.0
#define AMOUNT_MAX 10000000000.0 /* yen */
#define ORDERS_MAX 10000

static int need_range(const cJSON *o, const char *where, const char *key, double max,
		      int64_t *out, struct err *e)
{
	if (api_need_int(o, where, key, 0, out, e))
		return -1;
	if ((double)*out > max)
		return err_fail(e, "%s%s: over %.0f", where, key, max);
	return 0;
}

/* {"count": N, "amount": YEN} */
static int need_sum(const cJSON *j, const char *key, int64_t *amount, struct err *e)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(j, key);
	char where[24];
	int64_t count;

	snprintf(where, sizeof(where), "%s.", key);
	if (!cJSON_IsObject(o))
		return err_fail(e, "%s: missing or not an object", key);
	return need_range(o, where, "count", COUNT_MAX, &count, e) ||
			       need_range(o, where, "amount", AMOUNT_MAX, amount, e)
		       ? -1
		       : 0;
}

/* "YYYY-MM-DD" of a real date: its first second in Japan's time. */
static int parse_day(const char *day, int64_t *from, struct err *e)
{
	struct tm tm = { 0 }, want, back;
	time_t t;

	if (strlen(day) != 10 || day[4] != '-' || day[7] != '-' ||
	    strspn(day, "0123456789-") != 10 ||
	    sscanf(day, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return err_fail(e, "day: not YYYY-MM-DD");
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	want = tm; /* timegm() normalises tm: 30 February becomes 2 March */
	t = timegm(&tm);
	if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_mday != want.tm_mday ||
	    back.tm_mon != want.tm_mon || back.tm_year != want.tm_year || back.tm_year < 100)
		return err_fail(e, "day: %s is not a date", day);
	*from = (int64_t)t - JST_OFFSET;
	return 0;
}

/* "day-<shop>-<YYYYMMDD>-<seq>", seq 1..9999 without a leading zero. */
static int check_report_id(const char *id, uint32_t shop, const char *day, struct err *e)
{
	char prefix[40];
	size_t n = (size_t)snprintf(prefix, sizeof(prefix), "day-%u-%.4s%.2s%.2s-",
				    (unsigned)shop, day, day + 5, day + 8);
	const char *seq = id + n;
	size_t digits;

	if (strncmp(id, prefix, n))
		return err_fail(e, "report_id: not %s<seq> (this shop, this day)", prefix);
	digits = strspn(seq, "0123456789");
	if (digits < 1 || digits > 4 || seq[digits] || seq[0] == '0')
		return err_fail(e, "report_id: the close's number is not 1..9999");
	return 0;
}

/* Distinct IDs of this shop's orders, as many as order_count. */
static int check_orders(struct api_conn *c, const cJSON *j, int64_t count, struct err *e)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(j, "orders"), *it;
	int64_t i = 0;

	if (!cJSON_IsArray(list))
		return err_fail(e, "orders: missing or not an array");
	if (cJSON_GetArraySize(list) != count)
		return err_fail(e, "orders: %d of them, order_count says %lld",
				cJSON_GetArraySize(list), (long long)count);
	cJSON_ArrayForEach(it, list) {
		struct db_order o;
		bool found;

		if (!cJSON_IsString(it) || !layout_order_id_ok(it->valuestring))
			return err_fail(e, "orders[%lld]: not an order ID", (long long)i);
		for (const cJSON *before = list->child; before != it; before = before->next)
			if (!strcmp(before->valuestring, it->valuestring))
				return err_fail(e, "orders[%lld]: %s twice", (long long)i,
						it->valuestring);
		if (db_order_get(c->db, it->valuestring, c->shop, &o, &found, e))
			return -1;
		if (!found)
			return err_fail(e, "orders[%lld]: no order %s of shop %u", (long long)i,
					it->valuestring, (unsigned)c->shop);
		i++;
	}
	return 0;
}

static int check_day_report(struct api_conn *c, const cJSON *j, struct db_day_report *r,
			    struct err *e)
{
	const cJSON *fees;
	const char *currency;
	int64_t shop, count;

	if (!cJSON_IsObject(j))
		return err_fail(e, "the report is not a JSON object");
	if (api_need_string(j, "", "report_id", &r->report_id, e))
		return -1;
	if (need_range(j, "", "shop", 16777215, &shop, e))
		return -1;
	if (shop != c->shop)
		return err_fail(e, "shop: %lld, but the path and the certificate are shop %u's",
				(long long)shop, (unsigned)c->shop);
	r->shop = c->shop;
	if (api_need_string(j, "", "day", &r->day, e) || parse_day(r->day, &r->from, e) ||
	    check_report_id(r->report_id, r->shop, r->day, e))
		return -1;
	r->to = r->from + 86400;
	if (api_need_int(j, "", "from", 0, &shop, e) || shop != r->from ||
	    api_need_int(j, "", "to", 0, &shop, e) || shop != r->to)
		return e->msg[0] ? -1 : err_fail(e, "from, to: not the bounds of %s", r->day);
	if (api_need_int(j, "", "closed_at", 0, &r->closed_at, e))
		return -1;
	if (r->closed_at < r->from || r->closed_at >= r->to)
		return err_fail(e, "closed_at: not in %s", r->day);
	if (api_need_string(j, "", "staff", &r->staff, e) || api_check_name(r->staff, "staff", e) ||
	    need_range(j, "", "discs_written", COUNT_MAX, &r->discs, e) ||
	    need_range(j, "", "blanks_ruined", COUNT_MAX, &r->blanks_ruined, e) ||
	    need_sum(j, "register", &r->register_amount, e) ||
	    need_sum(j, "prepaid", &r->prepaid_amount, e))
		return -1;
	fees = cJSON_GetObjectItemCaseSensitive(j, "fees_owed");
	if (!cJSON_IsObject(fees))
		return err_fail(e, "fees_owed: missing or not an object");
	if (need_range(fees, "fees_owed.", "amount", AMOUNT_MAX, &r->fees, e) ||
	    api_need_string(fees, "fees_owed.", "currency", &currency, e))
		return -1;
	if (strcmp(currency, "JPY"))
		return err_fail(e, "fees_owed.currency: not JPY");
	if (need_range(j, "", "order_count", ORDERS_MAX, &count, e) ||
	    check_orders(c, j, count, e))
		return -1;
	r->order_count = count;
	return 0;
}

void api_post_day_report(struct api_conn *c, struct api_reply *r, const char *body,
			 size_t len)
{
	struct db_day_report d = { 0 };
	enum db_day_result result;
	struct err e = { "" };
	char answer[DB_REPORT_ID_MAX + 64];
	bool agree;
	cJSON *j = api_json_parse(c, body, len);

	if (!j) {
		api_reply_error(c, r, 400, NULL, "the report is not one well-formed JSON document");
		goto out_log;
	}
	d.body = body;
	if (check_day_report(c, j, &d, &e)) {
		api_reply_error(c, r, 400, NULL, "day report: %s", e.msg);
		goto out_log;
	}
	if (db_day_report_record(c->db, &d, &result, &agree, &e)) {
		api_reply_error(c, r, 500, NULL, "%s", e.msg);
		goto out_log;
	}
	if (result == DB_DAY_CONFLICT) {
		api_reply_error(c, r, 409, NULL, "report_id %s was recorded with another body",
				d.report_id);
		goto out_log;
	}
	if (result == DB_DAY_NEW)
		log_info("intake", "shop %u: day report %s recorded; %s the server's records",
			 (unsigned)c->shop, d.report_id, agree ? "agrees with" : "DISAGREES with");
	snprintf(answer, sizeof(answer), "{\"report_id\":\"%s\",\"duplicate\":%s}", d.report_id,
		 result == DB_DAY_DUPLICATE ? "true" : "false");
	api_reply(c, r, 200, "application/json", NULL, answer, strlen(answer));
out_log:
	if (db_day_report_post_log(c->db, c->shop, d.report_id, r->status, &e))
		log_warn("intake", "shop %u: %s", (unsigned)c->shop, e.msg);
	cJSON_Delete(j);
}
