// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * prepare: the customer's copy of each file (see prepare.h).  The caller
 * hashes the copies afterwards, so the manifest and the download always
 * describe the watermarked bytes.  The workers take the next job under a
 * mutex; a job's result stays in the job, so the reason returned does not
 * depend on which thread finished first.
 */
#include "prepare.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"

struct pool {
	struct prepare_job *jobs;
	size_t n, next;
	const struct wm_key *key;
	pthread_mutex_t lock;
};

int prepare_audio_track(const char *src, const char *dst, const char *keep,
			const struct wm_key *k, const struct manifest_ids *ids, struct err *e)
{
	const struct wm_payload p = {
		.content_server = ids->content_server,
		.delivery_server = ids->delivery_server,
		.user = ids->user,
		.shop = ids->shop,
	};
	struct stat st;

	/* wm_embed_wav_file truncates an existing file; dst is new here */
	if (lstat(dst, &st) == 0)
		return err_fail(e, "%s: exists", dst);
	if (errno != ENOENT)
		return err_fail(e, "%s: %s", dst, strerror(errno));
	if (keep && keep[0] && link(keep, dst) == 0)
		return 0;
	if (wm_embed_wav_file(src, dst, k, &p, NULL, e))
		return -1;
	/* complete and fsynced: only now may it be found under keep */
	if (keep && keep[0])
		link(dst, keep);
	return 0;
}

int prepare_plain_file(const char *src, const char *dst, struct err *e)
{
	return files_link_or_copy(src, dst, 0644, e);
}

static void *worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		struct prepare_job *j;

		pthread_mutex_lock(&p->lock);
		j = p->next < p->n ? &p->jobs[p->next++] : NULL;
		pthread_mutex_unlock(&p->lock);
		if (!j)
			return NULL;
		j->rc = j->mark ? prepare_audio_track(j->src, j->dst, j->keep, p->key, &j->ids,
						      &j->e)
				: prepare_plain_file(j->src, j->dst, &j->e);
	}
}

int prepare_run(struct prepare_job *jobs, size_t n, const struct wm_key *k, struct err *e)
{
	struct pool p = { .jobs = jobs, .n = n, .key = k };
	pthread_t threads[PREPARE_THREADS];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = cpus < 1 ? 1 : (size_t)cpus, started = 0;

	if (want > PREPARE_THREADS)
		want = PREPARE_THREADS;
	if (want > n)
		want = n;
	for (size_t i = 0; i < n; i++)
		jobs[i].rc = -1;
	pthread_mutex_init(&p.lock, NULL);
	/* this thread is one of the workers: no thread at all for one job */
	while (started + 1 < want && !pthread_create(&threads[started], NULL, worker, &p))
		started++;
	worker(&p);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&p.lock);
	for (size_t i = 0; i < n; i++)
		if (jobs[i].rc)
			return err_fail(e, "%s", jobs[i].e.msg);
	return 0;
}
