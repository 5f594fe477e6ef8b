// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core_claim: the worker that checks pickup codes, so that the PBKDF2 (and
 * the store's write lock, which a sync pass may hold) never stalls the
 * event thread.
 *
 * One request at a time: core_start_claim() copies the code into c->claim
 * under c->lock; the worker takes it, wipes the copy, runs claim_by_code()
 * on its own store connection and posts a JOB_CLAIM event with the outcome.
 * The event thread shows SESSION_CHECKING_CODE in between, and decides what
 * the outcome means for the session (a customer who left meanwhile gets the
 * order put back on the shelf: core.c).  A worker whose store would not
 * open answers every request with CLAIM_ERROR and the reason, so the
 * customer is never left at "checking".
 */
#include "core_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <mbedtls/platform_util.h>

#include "claim.h"
#include "log.h"

bool core_start_claim(struct core *c, const char *code)
{
	bool started = false;

	pthread_mutex_lock(&c->lock);
	if (!c->claim.pending) {
		snprintf(c->claim.code, sizeof(c->claim.code), "%s", code);
		c->claim.pending = true;
		pthread_cond_signal(&c->claim_cond);
		started = true;
	}
	pthread_mutex_unlock(&c->lock);
	return started;
}

void *core_claim_main(void *arg)
{
	struct core *c = arg;
	struct store *s = NULL;
	struct err open_err = { "" };

	if (store_open(&s, c->cfg.database, &open_err)) {
		log_error("claim", "cannot start: %s", open_err.msg);
		s = NULL;
	}
	for (;;) {
		char code[sizeof(c->claim.code)];
		struct core_event ev = { .job = JOB_CLAIM };
		struct store_order o;
		struct err e = { "" };

		pthread_mutex_lock(&c->lock);
		while (!atomic_load(&c->stop) && !c->claim.pending)
			pthread_cond_wait(&c->claim_cond, &c->lock);
		memcpy(code, c->claim.code, sizeof(code));
		mbedtls_platform_zeroize(c->claim.code, sizeof(c->claim.code));
		pthread_mutex_unlock(&c->lock);
		if (atomic_load(&c->stop))
			break;
		if (!s) {
			ev.claim = CLAIM_ERROR;
			snprintf(e.msg, sizeof(e.msg), "the store cannot be opened: %.200s",
				 open_err.msg);
		} else {
			ev.claim = claim_by_code(s, code, time(NULL), &o, &ev.wait_s, &e);
		}
		mbedtls_platform_zeroize(code, sizeof(code));
		if (ev.claim == CLAIM_OK)
			snprintf(ev.order_id, sizeof(ev.order_id), "%s", o.id);
		snprintf(ev.text, sizeof(ev.text), "%.250s", ev.claim == CLAIM_OK ? "ok" : e.msg);
		pthread_mutex_lock(&c->lock);
		c->claim.pending = false;
		pthread_mutex_unlock(&c->lock);
		core_post_event(c, &ev);
	}
	mbedtls_platform_zeroize(c->claim.code, sizeof(c->claim.code));
	store_close(s);
	return NULL;
}
