// SPDX-License-Identifier: GPL-2.0-or-later
#include "digest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FILE_BLOCK (1 << 20)

void digest_init(struct digest_ctx *d)
{
	sha256_init(&d->sha);
}

void digest_update(struct digest_ctx *d, const void *data, size_t len)
{
	sha256_update(&d->sha, len, data);
}

void digest_final(struct digest_ctx *d, uint8_t out[DIGEST_LEN])
{
	sha256_digest(&d->sha, DIGEST_LEN, out);
}

void digest_sha256(const void *data, size_t len, uint8_t out[DIGEST_LEN])
{
	struct digest_ctx d;

	digest_init(&d);
	digest_update(&d, data, len);
	digest_final(&d, out);
}

int digest_update_file(struct digest_ctx *d, const char *path, uint64_t limit,
		       uint64_t *hashed, struct err *e)
{
	uint64_t done = 0;
	uint8_t *buf;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_fail(e, "%s: %s", path, strerror(errno));
	buf = malloc(FILE_BLOCK);
	if (!buf) {
		err_fail(e, "out of memory");
		goto out_close;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	while (done < limit) {
		size_t want = FILE_BLOCK;
		ssize_t n;

		if (limit - done < want)
			want = (size_t)(limit - done);
		n = read(fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_fail(e, "%s: read: %s", path, strerror(errno));
			goto out_free;
		}
		if (n == 0)
			break;
		digest_update(d, buf, (size_t)n);
		done += (uint64_t)n;
	}
	if (hashed)
		*hashed = done;
	rc = 0;
out_free:
	free(buf);
out_close:
	close(fd);
	return rc;
}

int digest_sha256_file(const char *path, uint64_t limit, uint8_t out[DIGEST_LEN],
		       uint64_t *hashed, struct err *e)
{
	struct digest_ctx d;

	digest_init(&d);
	if (digest_update_file(&d, path, limit, hashed, e))
		return -1;
	digest_final(&d, out);
	return 0;
}

void digest_to_hex(const uint8_t *bytes, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex[bytes[i] >> 4];
		out[2 * i + 1] = hex[bytes[i] & 15];
	}
	out[2 * len] = '\0';
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool digest_from_hex(const char *hex, uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		int hi = nibble(hex[2 * i]), lo;

		if (hi < 0)
			return false;
		lo = nibble(hex[2 * i + 1]);
		if (lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return hex[2 * len] == '\0';
}

bool digest_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
	uint8_t d = 0;

	for (size_t i = 0; i < len; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}
