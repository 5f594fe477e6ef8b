// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * burner_sums: per-block sums of the bytes a handle last wrote.  The
 * write's tap fills them (burner_write.c) and the verify compares the disc
 * against them (burner_verify.c), so that a mismatch names its first block.
 * See "Verification" in burner.h.
 */
#include "burner_internal.h"

#include <stdlib.h>
#include <string.h>

#define SUMS_MAX_BYTES (16u << 20)	/* cap of the per-block sum table */

int burner_sums_alloc(struct block_sums *t, uint64_t size, struct err *e)
{
	uint64_t blocks = (size + BLOCK - 1) / BLOCK;

	free(t->v);
	memset(t, 0, sizeof(*t));
	while (((blocks + (1u << t->shift) - 1) >> t->shift) * sizeof(uint32_t) >
	       SUMS_MAX_BYTES)
		t->shift++;
	t->n = (size_t)((blocks + (1u << t->shift) - 1) >> t->shift);
	t->v = calloc(t->n ? t->n : 1, sizeof(uint32_t));
	if (!t->v)
		return err_fail(e, "out of memory for %zu block sums", t->n);
	t->size = size;
	return 0;
}

static uint32_t summer_value(const struct summer *z)
{
	uint64_t h = z->a * 0x9e3779b97f4a7c15ull ^ (z->s + (z->s >> 31));

	return (uint32_t)(h ^ (h >> 32));
}

/* One whole block at p: folds it into the running group sum and, at the
 * end of a group, stores (or compares) the group's value.  Returns false
 * when compare is set and the stored value differs. */
static bool summer_block(struct summer *z, struct block_sums *t, const uint8_t *p,
			 bool compare, uint64_t *bad_group)
{
	uint64_t a = z->a, s = z->s, w;
	uint64_t block = z->pos / BLOCK;
	bool ok = true;

	for (size_t i = 0; i < BLOCK; i += 8) {
		memcpy(&w, p + i, 8);
		a += w;
		s += a;
	}
	z->a = a;
	z->s = s;
	z->pos += BLOCK;
	if (((block + 1) & ((1ull << t->shift) - 1)) == 0 || z->pos >= t->size) {
		size_t g = (size_t)(block >> t->shift);
		uint32_t v = summer_value(z);

		if (g < t->n) {
			if (!compare)
				t->v[g] = v;
			else if (t->v[g] != v) {
				ok = false;
				*bad_group = g;
			}
		}
		z->a = z->s = 0;
	}
	return ok;
}

/* Feeds len bytes, whole blocks only: every caller's chunks are multiples
 * of 2048 (the FIFO reads 32 KiB, verify 4 MiB, sizes are whole blocks)
 * except a source that ends early, and that write fails anyway.  false on
 * a mismatch. */
bool burner_summer_feed(struct summer *z, struct block_sums *t, const uint8_t *p, size_t len,
			bool compare, uint64_t *bad_group)
{
	for (; len >= BLOCK; p += BLOCK, len -= BLOCK)
		if (!summer_block(z, t, p, compare, bad_group))
			return false;
	return true;
}
