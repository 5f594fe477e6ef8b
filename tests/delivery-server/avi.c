// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * avi: the AVI writer (see avi.h).  Every chunk size is known before the
 * first byte is written (uncompressed frames all have the same size), so the
 * file is written front to back in one pass with no seeking back to patch
 * sizes: the headers are built in memory, then each frame, then the index.
 *
 *   RIFF 'AVI '
 *     LIST 'hdrl'  avih(56)  LIST 'strl' strh(56) strf(40)
 *     LIST 'INFO'  INAM ISFT
 *     LIST 'movi'  00db × frames
 *     idx1         16 bytes × frames
 */
#include "avi.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AVIF_HASINDEX 0x10
#define AVIIF_KEYFRAME 0x10
#define HEADER_MAX 1024

struct out {
	uint8_t *p;
	size_t len;
};

static void put_bytes(struct out *o, const void *b, size_t n)
{
	memcpy(o->p + o->len, b, n);
	o->len += n;
}

static void put_u16(struct out *o, uint32_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	put_bytes(o, b, 2);
}

static void put_u32(struct out *o, uint32_t v)
{
	put_u16(o, v & 0xffff);
	put_u16(o, v >> 16);
}

static void put_fourcc(struct out *o, const char *cc)
{
	put_bytes(o, cc, 4);
}

/* A chunk holding a NUL-terminated string, padded to even length. */
static void put_string_chunk(struct out *o, const char *id, const char *text)
{
	size_t n = strlen(text) + 1;

	put_fourcc(o, id);
	put_u32(o, (uint32_t)n);
	put_bytes(o, text, n);
	if (n & 1)
		put_bytes(o, "", 1);
}

static size_t string_chunk_size(const char *text)
{
	size_t n = strlen(text) + 1;

	return 8 + n + (n & 1);
}

static void bgr(uint8_t *px, unsigned r, unsigned g, unsigned b)
{
	px[0] = (uint8_t)b;
	px[1] = (uint8_t)g;
	px[2] = (uint8_t)r;
}

/* Frame `n` as bottom-up BGR rows of `stride` bytes. */
static void draw_frame(uint8_t *img, const struct avi_spec *s, size_t stride, unsigned n)
{
	static const uint8_t bars[7][3] = {
		{ 191, 191, 191 }, { 191, 191, 0 }, { 0, 191, 191 }, { 0, 191, 0 },
		{ 191, 0, 191 },   { 191, 0, 0 },   { 0, 0, 191 },
	};
	unsigned bars_h = s->height * 2 / 3, ramp_h = s->height / 12;
	unsigned box = s->height / 8, travel = s->width - box;
	unsigned pos = n * 8 % (2 * travel), box_x = pos < travel ? pos : 2 * travel - pos;
	unsigned box_y = bars_h + ramp_h + (s->height - bars_h - ramp_h - box) / 2;

	memset(img, 0, stride * s->height);
	for (unsigned y = 0; y < s->height; y++) {
		uint8_t *row = img + (size_t)(s->height - 1 - y) * stride; /* bottom-up */

		for (unsigned x = 0; x < s->width; x++) {
			uint8_t *px = row + 3 * x;

			if (y < bars_h) {
				unsigned bar = (x + n * 4) % s->width * 7 / s->width;

				bgr(px, bars[bar][0], bars[bar][1], bars[bar][2]);
			} else if (y < bars_h + ramp_h) {
				unsigned v = x * 255 / (s->width - 1);

				bgr(px, v, v, v);
			} else if (x >= box_x && x < box_x + box && y >= box_y && y < box_y + box) {
				bgr(px, 235, 235, 235);
			} else {
				bgr(px, 16, 16, 32 + n % 32);
			}
		}
	}
}

int avi_write_colour_bars(const char *path, const struct avi_spec *s, struct err *e)
{
	const char *software = "tenpo-delivery";
	size_t stride = ((size_t)s->width * 3 + 3) & ~(size_t)3;
	uint32_t frame_size = (uint32_t)(stride * s->height);
	uint32_t strl_size = 4 + (8 + 56) + (8 + 40);
	uint32_t hdrl_size = 4 + (8 + 56) + (8 + strl_size);
	uint32_t info_size = (uint32_t)(4 + string_chunk_size(s->title) + string_chunk_size(software));
	uint32_t movi_size = 4 + s->frames * (8 + frame_size);
	uint32_t idx1_size = s->frames * 16;
	uint32_t riff_size = 4 + (8 + hdrl_size) + (8 + info_size) + (8 + movi_size) + (8 + idx1_size);
	struct out h = { 0 };
	uint8_t *img = NULL;
	bool ok;
	FILE *f;
	int rc = -1;

	if (s->width < 16 || s->width > 4096 || s->height < 16 || s->height > 4096 ||
	    s->fps < 1 || s->fps > 120 || s->frames < 1 || s->frames > 10000 ||
	    strlen(s->title) > 200)
		return err_fail(e, "avi: frame size, rate, count or title out of range");
	if ((uint64_t)s->frames * (8 + frame_size) > 0xf0000000u)
		return err_fail(e, "avi: larger than a RIFF file may be");
	h.p = malloc(HEADER_MAX);
	img = malloc(frame_size > (size_t)s->frames * 16 ? frame_size : (size_t)s->frames * 16);
	if (!h.p || !img) {
		err_fail(e, "out of memory");
		goto out_free;
	}

	put_fourcc(&h, "RIFF");
	put_u32(&h, riff_size);
	put_fourcc(&h, "AVI ");
	put_fourcc(&h, "LIST");
	put_u32(&h, hdrl_size);
	put_fourcc(&h, "hdrl");
	put_fourcc(&h, "avih");
	put_u32(&h, 56);
	put_u32(&h, 1000000 / s->fps);        /* microseconds per frame */
	put_u32(&h, frame_size * s->fps);      /* max bytes per second */
	put_u32(&h, 0);                        /* padding granularity */
	put_u32(&h, AVIF_HASINDEX);
	put_u32(&h, s->frames);
	put_u32(&h, 0);                        /* initial frames */
	put_u32(&h, 1);                        /* streams */
	put_u32(&h, frame_size);               /* suggested buffer size */
	put_u32(&h, s->width);
	put_u32(&h, s->height);
	for (int i = 0; i < 4; i++)
		put_u32(&h, 0);
	put_fourcc(&h, "LIST");
	put_u32(&h, strl_size);
	put_fourcc(&h, "strl");
	put_fourcc(&h, "strh");
	put_u32(&h, 56);
	put_fourcc(&h, "vids");
	put_fourcc(&h, "DIB ");
	put_u32(&h, 0);                        /* flags */
	put_u16(&h, 0);                        /* priority */
	put_u16(&h, 0);                        /* language */
	put_u32(&h, 0);                        /* initial frames */
	put_u32(&h, 1);                        /* scale */
	put_u32(&h, s->fps);                   /* rate: fps = rate / scale */
	put_u32(&h, 0);                        /* start */
	put_u32(&h, s->frames);                /* length */
	put_u32(&h, frame_size);               /* suggested buffer size */
	put_u32(&h, 0xffffffffu);              /* quality: default */
	put_u32(&h, frame_size);               /* sample size */
	put_u16(&h, 0);                        /* rcFrame */
	put_u16(&h, 0);
	put_u16(&h, s->width);
	put_u16(&h, s->height);
	put_fourcc(&h, "strf");
	put_u32(&h, 40);
	put_u32(&h, 40);                       /* BITMAPINFOHEADER size */
	put_u32(&h, s->width);
	put_u32(&h, s->height);                /* positive: bottom-up */
	put_u16(&h, 1);                        /* planes */
	put_u16(&h, 24);                       /* bits per pixel */
	put_u32(&h, 0);                        /* BI_RGB */
	put_u32(&h, frame_size);
	for (int i = 0; i < 4; i++)
		put_u32(&h, 0);                /* pels per metre, colours */
	put_fourcc(&h, "LIST");
	put_u32(&h, info_size);
	put_fourcc(&h, "INFO");
	put_string_chunk(&h, "INAM", s->title);
	put_string_chunk(&h, "ISFT", software);
	put_fourcc(&h, "LIST");
	put_u32(&h, movi_size);
	put_fourcc(&h, "movi");

	f = fopen(path, "wbx");
	if (!f) {
		err_fail(e, "%s: %s", path, strerror(errno));
		goto out_free;
	}
	ok = fwrite(h.p, 1, h.len, f) == h.len;
	for (unsigned n = 0; ok && n < s->frames; n++) {
		uint8_t ck[8] = { '0', '0', 'd', 'b', (uint8_t)frame_size, (uint8_t)(frame_size >> 8),
				  (uint8_t)(frame_size >> 16), (uint8_t)(frame_size >> 24) };

		draw_frame(img, s, stride, n);
		ok = fwrite(ck, 1, 8, f) == 8 && fwrite(img, 1, frame_size, f) == frame_size;
	}
	if (ok) {
		struct out idx = { img, 0 };

		put_fourcc(&idx, "idx1");
		put_u32(&idx, idx1_size);
		ok = fwrite(img, 1, idx.len, f) == idx.len;
		for (unsigned n = 0; n < s->frames; n++) {
			idx.len = 0;
			put_fourcc(&idx, "00db");
			put_u32(&idx, AVIIF_KEYFRAME);
			put_u32(&idx, 4 + n * (8 + frame_size)); /* from the 'movi' fourcc */
			put_u32(&idx, frame_size);
			ok = ok && fwrite(img, 1, idx.len, f) == idx.len;
		}
	}
	if (fclose(f))
		ok = false;
	if (!ok) {
		err_fail(e, "%s: write: %s", path, strerror(errno));
		unlink(path);
		goto out_free;
	}
	rc = 0;
out_free:
	free(img);
	free(h.p);
	return rc;
}
