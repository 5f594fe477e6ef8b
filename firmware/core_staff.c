// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core_staff: the maintenance engineer's side of the core, on the event
 * thread — the PIN, the actions on orders, and the views the staff screens
 * draw.
 *
 * The PIN is never stored: the config holds PBKDF2-HMAC-SHA256(PIN, salt,
 * iterations) as "pbkdf2-sha256$ITER$SALTHEX$HASHHEX" (`tenpo staff-pin`
 * makes one).  After STAFF_FREE_TRIES refusals the menu locks for 30 s,
 * doubling with each further refusal up to an hour; the refusals are counted
 * from the staff log, so a restart does not reset them.  Every staff action
 * is logged with its time and result, refused ones included.
 */
#include "core_internal.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>

#include "digest.h"
#include "log.h"
#include "receipt.h"
#include "receipt_day.h"
#include "report.h"

#define STAFF_FREE_TRIES 5
#define STAFF_LOCK_BASE_S 30
#define STAFF_LOCK_MAX_S 3600
#define PIN_ITERATIONS 100000
#define PIN_SALT 16

static int pbkdf2(const char *pin, const uint8_t *salt, size_t salt_len, unsigned iter,
		  uint8_t out[DIGEST_LEN])
{
	mbedtls_md_context_t md;
	int rc;

	mbedtls_md_init(&md);
	rc = mbedtls_md_setup(&md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1);
	if (!rc)
		rc = mbedtls_pkcs5_pbkdf2_hmac(&md, (const unsigned char *)pin, strlen(pin), salt,
					       salt_len, iter, DIGEST_LEN, out);
	mbedtls_md_free(&md);
	return rc ? -1 : 0;
}

bool core_pin_matches(const char *stored, const char *pin)
{
	char salt_hex[2 * PIN_SALT + 1], hash_hex[DIGEST_HEX_LEN + 1];
	uint8_t salt[PIN_SALT], want[DIGEST_LEN], got[DIGEST_LEN];
	unsigned iter;

	if (!stored || !pin || !pin[0] || strlen(pin) > 32 ||
	    sscanf(stored, "pbkdf2-sha256$%u$%32[0-9a-f]$%64[0-9a-f]", &iter, salt_hex,
		   hash_hex) != 3 ||
	    iter < 1000 || iter > 10000000 || !digest_from_hex(salt_hex, salt, PIN_SALT) ||
	    !digest_from_hex(hash_hex, want, DIGEST_LEN))
		return false;
	if (pbkdf2(pin, salt, PIN_SALT, iter, got))
		return false;
	return digest_equal(got, want, DIGEST_LEN);
}

int core_pin_make(const char *pin, char *out, size_t cap, struct err *e)
{
	char salt_hex[2 * PIN_SALT + 1], hash_hex[DIGEST_HEX_LEN + 1];
	uint8_t salt[PIN_SALT], hash[DIGEST_LEN];
	size_t n = strlen(pin);

	if (n < 4 || n > 32 || strspn(pin, "0123456789") != n)
		return err_fail(e, "a staff PIN is 4 to 32 digits");
	if (getrandom(salt, sizeof(salt), 0) != (ssize_t)sizeof(salt))
		return err_fail(e, "no randomness for the salt");
	if (pbkdf2(pin, salt, sizeof(salt), PIN_ITERATIONS, hash))
		return err_fail(e, "PBKDF2 failed");
	digest_to_hex(salt, sizeof(salt), salt_hex);
	digest_to_hex(hash, sizeof(hash), hash_hex);
	if (snprintf(out, cap, "pbkdf2-sha256$%u$%s$%s", PIN_ITERATIONS, salt_hex, hash_hex) >=
	    (int)cap)
		return err_fail(e, "PIN hash does not fit");
	return 0;
}

int64_t core_pin_lock_left(unsigned failures, int64_t last_failure_at, int64_t now)
{
	int64_t lock, left;

	if (failures < STAFF_FREE_TRIES)
		return 0;
	lock = (int64_t)STAFF_LOCK_BASE_S << (failures - STAFF_FREE_TRIES < 7
						       ? failures - STAFF_FREE_TRIES : 7);
	if (lock > STAFF_LOCK_MAX_S)
		lock = STAFF_LOCK_MAX_S;
	if (last_failure_at > INT64_MAX - lock || now < INT64_MIN + lock)
		return lock;
	left = last_failure_at + lock - now;
	/* a clock set back (NTP, a flat RTC battery) must not stretch it */
	return left < 0 ? 0 : left > lock ? lock : left;
}

/* When the menu unlocks again (0: it is not locked); -1 when the staff log
 * cannot be read, which must not unlock it. */
static int64_t locked_until(struct core *c, struct err *e)
{
	int64_t last, left, now = time(NULL);
	unsigned failures;

	if (store_staff_login_failures(c->store, &failures, &last, e)) {
		log_error("core", "%s", e->msg);
		return -1;
	}
	left = core_pin_lock_left(failures, last, now);
	return left ? now + left : 0;
}

/* Shows the outcome of a staff action (already in the staff log). */
static void publish(struct core *c, const char *action, const char *order_id, const char *text)
{
	log_info("staff", "%.40s %.64s: %.140s", action, order_id ? order_id : "", text);
	pthread_mutex_lock(&c->lock);
	snprintf(c->snap.staff.last_action, sizeof(c->snap.staff.last_action), "%.40s %.64s: %.140s",
		 action, order_id ? order_id : "", text);
	core_changed(c);
	pthread_mutex_unlock(&c->lock);
	core_notify(c);
}

static void result(struct core *c, const char *action, const char *order_id, int rc,
		   const struct err *e)
{
	const char *text = rc ? e->msg : "ok";
	struct err why = { "" };

	if (store_staff_log(c->store, action, order_id, text, &why))
		log_error("staff", "%s", why.msg);
	publish(c, action, order_id, text);
}

void core_staff_publish(struct core *c, const char *action, const char *order_id,
			const char *text)
{
	publish(c, action, order_id, text);
}

void core_staff_result(struct core *c, const char *action, const char *order_id, int rc,
		       const struct err *e)
{
	result(c, action, order_id, rc, e);
}

/* Fails closed: a PIN is accepted only once its check is in the staff log,
 * since the log is what counts wrong PINs for the lock-out. */
static void login(struct core *c, const char *pin)
{
	char who[CONFIG_STAFF_NAME_MAX + 1];
	struct err e = { "" }, why = { "" };
	int64_t until = locked_until(c, &why);
	bool ok;

	if (until) {
		if (until < 0)
			err_fail(&e, "staff log unreadable, PIN refused: %.200s", why.msg);
		else
			err_fail(&e, "locked until %" PRId64, until);
		result(c, "login", NULL, -1, &e);
		return;
	}
	/* the shared PIN logs in as "staff"; a named one as its name */
	ok = c->cfg.staff_pin[0] && core_pin_matches(c->cfg.staff_pin, pin);
	snprintf(who, sizeof(who), "staff");
	for (unsigned i = 0; !ok && i < c->cfg.staff_pin_count && i < CONFIG_STAFF_PINS; i++)
		if (core_pin_matches(c->cfg.staff_pins[i].pin, pin)) {
			ok = true;
			snprintf(who, sizeof(who), "%s", c->cfg.staff_pins[i].name);
		}
	if (!ok)
		err_fail(&e, c->cfg.staff_pin[0] || c->cfg.staff_pin_count ? "wrong PIN"
								     : "no staff PIN configured");
	if (store_staff_log(c->store, "login", NULL, ok ? "ok" : e.msg, &why)) {
		ok = false;
		err_fail(&e, "staff log not written, PIN refused: %.200s", why.msg);
		log_error("staff", "%s", e.msg);
	}
	pthread_mutex_lock(&c->lock);
	c->snap.staff.logged_in = ok;
	pthread_mutex_unlock(&c->lock);
	if (ok)
		snprintf(c->staff_name, sizeof(c->staff_name), "%s", who);
	if (ok && strcmp(who, "staff"))
		err_fail(&e, "ok as %s", who); /* the staff log's row stays "ok" */
	publish(c, "login", NULL, ok && !strcmp(who, "staff") ? "ok" : e.msg);
}

/* A cancelled order's report and its erased spool, as sync does upstream. */
static int cancel(struct core *c, const char *id, struct err *e)
{
	struct store_order o;
	char *body;
	int rc;

	if (store_order_get(c->store, id, &o, e) != 1)
		return err_fail(e, "no order %s", id);
	if (order_action_check(ORDER_ACT_CANCEL, o.state, id, e))
		return -1;
	body = report_body_plain(time(NULL));
	if (!body)
		return err_fail(e, "out of memory");
	rc = store_order_move(c->store, id, o.state, ORDER_CANCELLED, "cancelled by staff",
			      &(struct store_report_new){ "cancelled", body }, e);
	free(body);
	return rc ? -1 : spool_erase_order(c->spool, id, e);
}

/* Asks the order module whether the action may happen in the order's state. */
static int may(struct core *c, enum order_action a, const char *id, struct err *e)
{
	struct store_order o;
	int found = store_order_get(c->store, id, &o, e);

	if (found <= 0)
		return found < 0 ? -1 : err_fail(e, "no order %s", id);
	return order_action_check(a, o.state, id, e);
}

/* Wakes the fetch worker for a pass now, not at the next interval. */
static void sync_soon(struct core *c)
{
	pthread_mutex_lock(&c->lock);
	c->sync_now = true;
	pthread_cond_signal(&c->fetch_cond);
	pthread_mutex_unlock(&c->lock);
}

/* Closes today (the day in Japan's time): the totals, the staff log's row
 * and the report upstream in one transaction (store_day_close), then into
 * the staff view and on the receipt printer; the fetch worker is woken to
 * send the report.  The totals are shown whether or not it prints. */
static void day_close(struct core *c)
{
	const struct printer_profile *p = core_periph_profile(c);
	int64_t now = time(NULL), from, to;
	struct core_day_view v = { .valid = true };
	struct store_day_report r;
	const struct store_day *d = &r.totals;
	struct err e = { "" };
	struct escpos b;
	char text[CORE_TEXT], day[11];

	report_day_window(now, &from, &to, day);
	if (store_day_close(c->store, c->cfg.shop_id, day, from, to, c->staff_name, now, &r, &e)) {
		result(c, "day-close", NULL, -1, &e);
		return;
	}
	sync_soon(c);
	v.from = d->from;
	v.to = d->to;
	v.discs_written = d->discs_written;
	v.blanks_ruined = d->blanks_ruined;
	v.register_count = d->register_count;
	v.register_amount = d->register_amount;
	v.prepaid_count = d->prepaid_count;
	v.prepaid_amount = d->prepaid_amount;
	v.fees_owed = d->fees_owed;
	escpos_init(&b, p, 0);
	{
		struct day_info di = {
			.shop_name = c->cfg.shop_name, .from = (time_t)d->from, .to = (time_t)d->to,
			.printed = (time_t)now, .discs_written = d->discs_written,
			.blanks_ruined = d->blanks_ruined, .register_count = d->register_count,
			.prepaid_count = d->prepaid_count,
			.register_yen = (long long)d->register_amount,
			.prepaid_yen = (long long)d->prepaid_amount, .fees_yen = (long long)d->fees_owed,
		};
		const unsigned char *bytes;
		size_t len = 0;

		v.printed = !day_encode(p, &di, &b, &e) && (bytes = escpos_data(&b, &len)) &&
			    !core_periph_print(c, CORE_DOC_DAY, "", bytes, len, &e);
	}
	escpos_free(&b);
	pthread_mutex_lock(&c->lock);
	c->snap.staff.day = v;
	pthread_mutex_unlock(&c->lock);
	snprintf(text, sizeof(text),
		 "%u discs, %u ruined, register %llu, prepaid %llu, fees %llu; %s%.100s",
		 v.discs_written, v.blanks_ruined, (unsigned long long)v.register_amount,
		 (unsigned long long)v.prepaid_amount, (unsigned long long)v.fees_owed,
		 v.printed ? "printed" : "not printed: ", v.printed ? "" : e.msg);
	store_day_report_free(&r);
	/* the close is logged with its report; this is the paper's outcome */
	if (store_staff_log(c->store, "day-print", NULL, v.printed ? "printed" : e.msg, &e))
		log_error("staff", "%s", e.msg);
	publish(c, "day-close", NULL, text);
}

void core_staff_intent(struct core *c, const struct core_intent *in)
{
	const char *id = in->order_id[0] ? in->order_id : NULL;
	struct err e = { "" };
	int rc = 0;

	if (in->kind == INTENT_STAFF_LOGIN) {
		login(c, in->text);
		return;
	}
	if (!c->snap.staff.logged_in) {
		err_fail(&e, "not logged in");
		result(c, "refused", id, -1, &e);
		return;
	}
	switch (in->kind) {
	case INTENT_STAFF_LOGOUT:
		pthread_mutex_lock(&c->lock);
		c->snap.staff.logged_in = false;
		pthread_mutex_unlock(&c->lock);
		result(c, "logout", NULL, 0, &e);
		return;
	case INTENT_STAFF_RETRY:
	case INTENT_STAFF_REFETCH:
		if (!id)
			rc = err_fail(&e, "no order");
		else if (in->kind == INTENT_STAFF_RETRY)
			rc = store_order_retry(c->store, id, &e);
		else
			/* check and move first: a refused refetch keeps the content */
			rc = store_order_refetch(c->store, id, &e) ? -1
								   : spool_erase_order(c->spool, id, &e);
		if (!rc)
			sync_soon(c);
		result(c, in->kind == INTENT_STAFF_RETRY ? "retry" : "download-again", id, rc, &e);
		break;
	case INTENT_STAFF_CANCEL:
		rc = id ? cancel(c, id, &e) : err_fail(&e, "no order");
		result(c, "cancel", id, rc, &e);
		break;
	case INTENT_STAFF_REWRITE:
		if (!id)
			rc = err_fail(&e, "no order");
		else if (may(c, ORDER_ACT_WRITE, id, &e))
			rc = -1;
		else
			rc = core_start_job(c, JOB_WRITE, id) ? 0 : err_fail(&e, "drive busy");
		result(c, "write-again", id, rc, &e);
		break;
	case INTENT_STAFF_TEST_WRITE:
		rc = core_start_job(c, JOB_TEST_WRITE, NULL) ? 0 : err_fail(&e, "drive busy");
		result(c, "test-write", NULL, rc, &e);
		break;
	case INTENT_STAFF_EJECT:
		rc = core_start_job(c, JOB_EJECT, NULL) ? 0 : err_fail(&e, "drive busy");
		result(c, "eject", NULL, rc, &e);
		break;
	case INTENT_STAFF_SYNC_NOW:
		sync_soon(c);
		result(c, "sync-now", NULL, 0, &e);
		break;
	case INTENT_STAFF_CONFIRM_PAYMENT:
		if (!id)
			result(c, "confirm-payment", NULL, -1, &(struct err){ "no order" });
		else
			core_pay_confirm(c, id);
		break;
	case INTENT_STAFF_DAY_CLOSE:
		day_close(c);
		break;
	case INTENT_STAFF_PRINTER_TEST:
	case INTENT_STAFF_SCANNER_TEST:
	case INTENT_STAFF_REPRINT:
	case INTENT_STAFF_PREVIEW: {
		static const char *const names[] = {
			[INTENT_STAFF_PRINTER_TEST] = "printer-test",
			[INTENT_STAFF_SCANNER_TEST] = "scanner-test",
			[INTENT_STAFF_REPRINT] = "reprint",
			[INTENT_STAFF_PREVIEW] = "preview",
		};

		rc = core_periph_staff(c, in, &e);
		result(c, names[in->kind], id, rc, &e);
		break;
	}
	default:
		break;
	}
	core_staff_refresh(c);
}

/* The last lines of the log file, newest last. */
static void log_tail(const char *path, struct core_staff_view *v)
{
	char buf[16384];
	ssize_t n;
	off_t size;
	int fd;

	v->log_count = 0;
	if (!path[0] || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	if (size > (off_t)sizeof(buf) - 1)
		lseek(fd, size - (off_t)sizeof(buf) + 1, SEEK_SET);
	else
		lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	/* walk back over the last CORE_MAX_LOG_LINES complete lines */
	{
		char *lines[CORE_MAX_LOG_LINES];
		unsigned count = 0;
		char *save = NULL;

		for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			if (count == CORE_MAX_LOG_LINES) {
				memmove(lines, lines + 1, sizeof(lines) - sizeof(lines[0]));
				count--;
			}
			lines[count++] = l;
		}
		for (unsigned i = 0; i < count; i++)
			snprintf(v->log[i], sizeof(v->log[i]), "%s", lines[i]);
		v->log_count = count;
	}
}

void core_staff_refresh(struct core *c)
{
	struct core_staff_view *v = calloc(1, sizeof(*v));
	struct store_report *r = NULL;
	struct store_order *o = NULL;
	size_t n = 0, nr = 0;
	int64_t ruined = 0;
	struct err e;

	if (!v)
		return;
	c->last_refresh = core_mono_s();
	core_pay_expire(c); /* before the queue is read: it shows them ready again */
	core_periph_refresh(c);
	if (!store_orders_list(c->store, -1, &o, &n, &e)) {
		/* newest first: what staff look for is what just happened */
		for (size_t i = n; i-- > 0 && v->queue_count < CORE_MAX_QUEUE;) {
			struct core_queue_row *q = &v->queue[v->queue_count++];

			snprintf(q->id, sizeof(q->id), "%s", o[i].id);
			q->state = o[i].state;
			snprintf(q->title, sizeof(q->title), "%s", o[i].has_manifest ? o[i].title : "");
			snprintf(q->reason, sizeof(q->reason), "%s", o[i].reason);
			q->updated_at = o[i].updated_at;
		}
		free(o);
	}
	if (!store_reports_pending(c->store, &r, &nr, &e))
		store_reports_free(r, nr);
	{
		/* the close of day's reports wait in the same line */
		struct store_day_report *days = NULL;
		size_t nd = 0;

		if (!store_day_reports_pending(c->store, 0, true, &days, &nd, &e))
			nr += nd;
		store_day_reports_free(days, nd);
	}
	spool_usage(c->spool, &v->spool_used, &v->spool_fs_free, NULL);
	v->spool_quota = c->cfg.spool_quota_bytes;
	store_counter_add(c->store, "ruined_blanks", 0, &ruined, NULL);
	log_tail(c->cfg.log_file, v);
	v->locked_until = locked_until(c, &e);
	if (v->locked_until < 0)
		v->locked_until = INT64_MAX; /* unreadable: shown locked, as login treats it */

	pthread_mutex_lock(&c->lock);
	v->logged_in = c->snap.staff.logged_in;
	v->spool_waiting = c->snap.staff.spool_waiting; /* the fetch worker's */
	memcpy(v->last_action, c->snap.staff.last_action, sizeof(v->last_action));
	v->day = c->snap.staff.day; /* the last close of day stays shown */
	c->snap.staff = *v;
	c->snap.net.outbox_pending = (unsigned)nr;
	c->snap.drive.ruined_blanks = (unsigned)ruined;
	core_changed(c);
	pthread_mutex_unlock(&c->lock);
	core_notify(c);
	free(v);
}
