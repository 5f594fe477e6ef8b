// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_handover_failure: which failures end an order for good.  A content fault (the
 * spool file damaged) fails it; a failure for want of a resource (no file
 * descriptor left: RLIMIT_NOFILE lowered to the descriptors already open)
 * leaves it claimed, with the reason noted, and a later attempt with the
 * resource back writes the disc.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "handover.h"
#include "pickup.h"
#include "spool.h"
#include "store.h"
#include "scratch.h"

#define FILE_BYTES 200000

struct fx {
	char dir[256];
	struct config cfg;
	struct store *s;
	struct spool *sp;
};

static void must(int rc, const struct err *e, const char *what)
{
	if (rc < 0)
		fail_msg("%s: %s", what, e->msg);
}

/* A CLAIMED data-CD order MINE of one file, downloaded into the spool. */
static void claimed_order(struct fx *f)
{
	static const uint8_t sig[] = { 0x30, 0x01 };
	struct manifest_file file = { .size = FILE_BYTES, .kind = FILE_DATA };
	struct manifest m = { .version = 1, .media = MEDIA_DATA_CD, .files = &file, .file_count = 1,
			      .total_bytes = FILE_BYTES, .issued_at = 1, .expires_at = 4000000000,
			      .prepaid = true }; /* paid online: pay_before_write allows the write */
	struct spool_writer *w;
	struct err e = { "" };
	uint8_t *buf = malloc(FILE_BYTES);
	size_t json_len;
	char *json;

	assert_non_null(buf);
	for (size_t i = 0; i < FILE_BYTES; i++)
		buf[i] = (uint8_t)(i * 31 + 7);
	digest_sha256(buf, FILE_BYTES, file.sha256);
	snprintf(m.order_id, sizeof(m.order_id), "MINE");
	snprintf(m.title, sizeof(m.title), "Data");
	memcpy(m.currency, "JPY", 4);
	snprintf(file.name, sizeof(file.name), "data.bin");
	m.pickup.iterations = PICKUP_MIN_ITERATIONS;
	must(pickup_verifier_compute("1234-5678-9012", &m.pickup, &e), &e, "verifier");
	json = manifest_to_json(&m, &json_len, &e);
	assert_non_null(json);
	assert_int_equal(store_order_announce(f->s, "MINE", &e), 1);
	must(store_order_accept_manifest(f->s, "MINE", json, json_len, sig, sizeof(sig), &m, &e),
	     &e, "accept");
	free(json);
	must(spool_writer_open(f->sp, "MINE", 0, 0, &w, &e), &e, "writer");
	must(spool_writer_write(w, buf, FILE_BYTES, &e), &e, "write");
	must(spool_writer_close(w, true, &e), &e, "close");
	must(spool_commit(f->sp, "MINE", 0, &e), &e, "commit");
	must(store_file_done(f->s, "MINE", 0, &e), &e, "done");
	must(store_order_move(f->s, "MINE", ORDER_DOWNLOADING, ORDER_READY, "", NULL, &e), &e,
	     "ready");
	must(store_order_claim(f->s, "MINE", &e), &e, "claim");
	free(buf);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char path[600];
	struct err e = { "" };

	if (!f)
		return -1;
	if (scratch_make(f->dir, sizeof(f->dir), "handover"))
		return -1;
	config_defaults(&f->cfg);
	f->cfg.shop_id = 1001;
	snprintf(f->cfg.database, sizeof(f->cfg.database), "%s/tenpo.db", f->dir);
	snprintf(f->cfg.spool, sizeof(f->cfg.spool), "%s/spool", f->dir);
	snprintf(f->cfg.drive, sizeof(f->cfg.drive), "stdio:%s/disc.iso", f->dir);
	snprintf(path, sizeof(path), "%s/spool", f->dir);
	if (mkdir(path, 0700) || store_create(f->cfg.database, &e) < 0 ||
	    store_open(&f->s, f->cfg.database, &e) ||
	    spool_open(&f->sp, f->cfg.spool, 1u << 30, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	spool_close(f->sp);
	store_close(f->s);
	scratch_remove(f->dir);
	free(f);
	return 0;
}

static enum order_state state_of(struct fx *f, struct store_order *o)
{
	struct err e = { "" };

	assert_int_equal(store_order_get(f->s, "MINE", o, &e), 1);
	return o->state;
}

static void out_of_descriptors_is_retryable(void **state)
{
	struct fx *f = *state;
	struct handover_opts o = { .pseudo_media = "cd-r" };
	struct handover_result r;
	struct store_order so;
	struct rlimit was, low;
	struct err e = { "" };
	int rc, lowest;

	claimed_order(f);
	/* the lowest free descriptor: no new one can be opened beyond it */
	lowest = dup(0);
	assert_true(lowest >= 0);
	close(lowest);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &was), 0);
	low = was;
	low.rlim_cur = (rlim_t)lowest;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	rc = handover_run(&f->cfg, f->s, f->sp, "MINE", &o, &r, &e);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &was), 0);
	assert_int_equal(rc, -1);
	assert_int_equal(r.refusal, REFUSE_INTERNAL);
	assert_non_null(strstr(e.msg, "Too many open files"));
	assert_int_equal(state_of(f, &so), ORDER_CLAIMED);
	assert_non_null(strstr(so.reason, "will retry"));

	/* with descriptors again, the same order is written */
	must(handover_run(&f->cfg, f->s, f->sp, "MINE", &o, &r, &e), &e, "second attempt");
	assert_int_not_equal(state_of(f, &so), ORDER_FAILED);
	assert_int_not_equal(so.state, ORDER_CLAIMED);
}

static void damaged_spool_fails_the_order(void **state)
{
	struct fx *f = *state;
	struct handover_opts o = { .pseudo_media = "cd-r" };
	struct handover_result r;
	struct store_order so;
	struct err e = { "" };
	char path[1024];
	int fd;

	claimed_order(f);
	must(spool_data_path(f->sp, "MINE", 0, path, sizeof(path), &e), &e, "path");
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "X", 1, 100), 1);
	close(fd);
	assert_int_equal(handover_run(&f->cfg, f->s, f->sp, "MINE", &o, &r, &e), -1);
	assert_int_equal(r.refusal, REFUSE_CONTENT);
	assert_int_equal(state_of(f, &so), ORDER_FAILED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(out_of_descriptors_is_retryable, setup, teardown),
		cmocka_unit_test_setup_teardown(damaged_spool_fails_the_order, setup, teardown),
	};
	struct err e = { "" };
	int rc;

	if (handover_init(&e)) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	handover_finish();
	return rc;
}
