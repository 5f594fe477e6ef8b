// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * printer_job: a job and its status readings over a fake printer that
 * answers, stays silent (the g_printer gadget), runs out of paper, stops
 * taking data, or is unplugged half-way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "printer_job.h"

struct fake {
	bool silent;           /* answers no DLE EOT */
	uint8_t answer[5];     /* by n */
	uint8_t after_job4;    /* n=4's answer once the job is in (0: unchanged) */
	size_t gone_after;     /* job bytes after which the device vanishes (0: never) */
	size_t stall_after;    /* job bytes after which it takes nothing (0: never) */
	size_t stale;          /* bytes waiting on IN before anything is asked */
	size_t job_bytes, queries, drains_seen;
	unsigned pending;      /* the n asked, not yet answered */
};

static enum printer_io fake_write(void *ctx, const uint8_t *b, size_t len, size_t *done,
				  unsigned timeout_ms)
{
	struct fake *f = ctx;

	(void)timeout_ms;
	*done = 0;
	if (f->gone_after && f->job_bytes >= f->gone_after)
		return PRINTER_IO_GONE;
	if (len == 3 && b[0] == 0x10 && b[1] == 0x04) {
		f->queries++;
		f->pending = b[2];
		*done = 3;
		return PRINTER_IO_OK;
	}
	if (f->stall_after && f->job_bytes >= f->stall_after)
		return PRINTER_IO_TIMEOUT;
	if (f->gone_after && f->job_bytes + len > f->gone_after) {
		*done = f->gone_after - f->job_bytes; /* half a chunk, then nothing */
		f->job_bytes = f->gone_after;
		return PRINTER_IO_GONE;
	}
	if (f->stall_after && f->job_bytes + len > f->stall_after) {
		*done = f->stall_after - f->job_bytes;
		f->job_bytes = f->stall_after;
		return PRINTER_IO_TIMEOUT; /* took some: the job goes on, then stalls */
	}
	f->job_bytes += len;
	*done = len;
	return PRINTER_IO_OK;
}

static enum printer_io fake_read(void *ctx, uint8_t *buf, size_t cap, size_t *done,
				 unsigned timeout_ms)
{
	struct fake *f = ctx;
	unsigned n = f->pending;

	(void)timeout_ms;
	*done = 0;
	if (f->gone_after && f->job_bytes >= f->gone_after)
		return PRINTER_IO_GONE;
	if (f->stale) {
		size_t k = f->stale < cap ? f->stale : cap;

		memset(buf, 0x12, k);
		f->stale -= k;
		f->drains_seen++;
		*done = k;
		return PRINTER_IO_OK;
	}
	f->pending = 0;
	if (f->silent || !n || n > 4)
		return PRINTER_IO_TIMEOUT;
	buf[0] = n == 4 && f->job_bytes && f->after_job4 ? f->after_job4 : f->answer[n];
	*done = 1;
	return PRINTER_IO_OK;
}

static void fake_init(struct fake *f, struct printer_port *p)
{
	memset(f, 0, sizeof(*f));
	memset(f->answer, 0x12, sizeof(f->answer));
	p->ctx = f;
	p->has_in = true;
	p->write = fake_write;
	p->read = fake_read;
}

static uint8_t job[10000];

static void fine_printer(void **state)
{
	struct fake f;
	struct printer_port p;
	struct printer_status s;
	struct err e;
	bool gone;

	(void)state;
	fake_init(&f, &p);
	assert_int_equal(printer_job_run(&p, job, sizeof(job), &s, &gone, &e), 0);
	assert_false(gone);
	assert_int_equal(f.job_bytes, sizeof(job));
	assert_int_equal(f.queries, 8); /* four before, four after */
	assert_true(printer_status_ready(&s));
}

static void silent_printer_is_unknown_not_fine(void **state)
{
	struct fake f;
	struct printer_port p;
	struct printer_status s;
	struct err e;
	bool gone;

	(void)state;
	fake_init(&f, &p);
	f.silent = true;
	assert_int_equal(printer_job_status(&p, &s), 0);
	assert_true(printer_status_unknown(&s));
	assert_false(printer_status_ready(&s));
	assert_int_equal(f.queries, 1); /* no answer to n=1: not asked again */
	/* unknown does not stop a job */
	assert_int_equal(printer_job_run(&p, job, sizeof(job), &s, &gone, &e), 0);
	assert_int_equal(f.job_bytes, sizeof(job));
	/* a printer without IN is not even asked */
	p.has_in = false;
	f.queries = 0;
	assert_int_equal(printer_job_status(&p, &s), 0);
	assert_int_equal(f.queries, 0);
	assert_true(printer_status_unknown(&s));
}

static void stale_answers_dropped(void **state)
{
	struct fake f;
	struct printer_port p;
	struct printer_status s;

	(void)state;
	fake_init(&f, &p);
	f.stale = 3;
	f.answer[1] = 0x1a; /* offline: only the fresh answer says so */
	assert_int_equal(printer_job_status(&p, &s), 0);
	assert_true(f.drains_seen > 0);
	assert_int_equal(s.online, PRINTER_NO);
}

static void paper_out_refused_before(void **state)
{
	struct fake f;
	struct printer_port p;
	struct printer_status s;
	struct err e;
	bool gone;

	(void)state;
	fake_init(&f, &p);
	f.answer[4] = 0x72;
	assert_int_equal(printer_job_run(&p, job, sizeof(job), &s, &gone, &e), -1);
	assert_int_equal(f.job_bytes, 0);
	assert_non_null(strstr(e.msg, "paper out, nothing printed"));
	fake_init(&f, &p);
	f.answer[2] = 0x16;
	assert_int_equal(printer_job_run(&p, job, sizeof(job), &s, &gone, &e), -1);
	assert_non_null(strstr(e.msg, "cover open"));
	/* near end still prints */
	fake_init(&f, &p);
	f.answer[4] = 0x1e;
	assert_int_equal(printer_job_run(&p, job, sizeof(job), &s, &gone, &e), 0);
	assert_int_equal(s.paper_near_end, PRINTER_YES);
}

static void paper_runs_out_during_job(void **state)
{
	struct fake f;
	struct printer_port p;
	struct printer_status s;
	struct err e;
	bool gone;

	(void)state;
	fake_init(&f, &p);
	f.after_job4 = 0x72;
	assert_int_equal(printer_job_run(&p, job, sizeof(job), &s, &gone, &e), -1);
	assert_false(gone);
	assert_int_equal(f.job_bytes, sizeof(job));
	assert_non_null(strstr(e.msg, "cut short"));
	assert_int_equal(s.paper_out, PRINTER_YES);
}

static void unplugged_during_job(void **state)
{
	struct fake f;
	struct printer_port p;
	struct printer_status s;
	struct err e;
	bool gone;

	(void)state;
	fake_init(&f, &p);
	f.gone_after = 5000;
	assert_int_equal(printer_job_run(&p, job, sizeof(job), &s, &gone, &e), -1);
	assert_true(gone);
	if (!strstr(e.msg, "unplugged during the job (5000 of 10000 bytes sent)"))
		fail_msg("%s", e.msg);
	assert_true(printer_status_unknown(&s));
	/* gone before anything */
	fake_init(&f, &p);
	f.gone_after = 1;
	f.job_bytes = 1;
	assert_int_equal(printer_job_status(&p, &s), -1);
	assert_int_equal(printer_job_run(&p, job, sizeof(job), &s, &gone, &e), -1);
	assert_true(gone);
	assert_non_null(strstr(e.msg, "before the job"));
}

static void stalled_printer_fails_job(void **state)
{
	struct fake f;
	struct printer_port p;
	struct printer_status s;
	struct err e;
	bool gone;

	(void)state;
	fake_init(&f, &p);
	f.stall_after = 6000;
	assert_int_equal(printer_job_run(&p, job, sizeof(job), &s, &gone, &e), -1);
	assert_false(gone);
	if (!strstr(e.msg, "took nothing for 5 s after 6000 of 10000 bytes"))
		fail_msg("%s", e.msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fine_printer),
		cmocka_unit_test(silent_printer_is_unknown_not_fine),
		cmocka_unit_test(stale_answers_dropped),
		cmocka_unit_test(paper_out_refused_before),
		cmocka_unit_test(paper_runs_out_during_job),
		cmocka_unit_test(unplugged_during_job),
		cmocka_unit_test(stalled_printer_fails_job),
	};

	return cmocka_run_group_tests_name("printer_job", tests, NULL, NULL);
}
