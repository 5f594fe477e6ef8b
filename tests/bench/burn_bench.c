// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * burn_bench: Tenpo's disc path on one tree, for tests/bench/bench_burn.sh.
 *
 *   burn_bench [--author [--no-file-md5] | --md5-tags] [--blank dvd-r] TREE OUT_FILE
 *
 * Makes an ISO 9660 image of the files in TREE, writes it through
 * burner_write_data() to the pseudo-drive stdio:OUT_FILE standing for the
 * given blank (default: dvd-r, or bd-r when the image is larger), then
 * reads it back with burner_verify_data() against the MD5 of the image.
 *
 * The image comes from libisofs directly (Rock Ridge, Joliet, ISO level 3;
 * with --md5-tags also libisofs' session and file MD5 tags and AAIP, which
 * `xorriso -check_md5` needs), its MD5 from the burner's write; or, with
 * --author, from the product's own author module (the same plus its MD5 of
 * the stream, which is then the one verified, the burner's MD5 being
 * switched off): the kiosk's real path (--no-file-md5: without the MD5
 * tag of each file, author_data_spec.no_file_md5).
 * TREE's regular files go to the disc's root by their base names.
 * Prints one line:
 *
 *   image_bytes=N write_s=S verify_s=S fifo_min=P
 *
 * and exits 0, or 1 with the reason on stderr.
 */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libburn/libburn.h>
#include <libisofs/libisofs.h>

#include "author.h"
#include "burner.h"
#include "log.h"

/* nftw() has no user pointer: the file list it fills lives here, in this
 * program only. */
static struct {
	struct author_file *v;
	size_t n, cap;
} files;

static int add_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	if (type != FTW_F)
		return 0;
	if (files.n == files.cap) {
		size_t cap = files.cap ? 2 * files.cap : 64;
		struct author_file *v = realloc(files.v, cap * sizeof(*v));

		if (!v)
			return -1;
		files.v = v;
		files.cap = cap;
	}
	files.v[files.n].path = strdup(path);
	files.v[files.n].name = strdup(path + ftw->base);
	if (!files.v[files.n].path || !files.v[files.n].name)
		return -1;
	files.n++;
	return 0;
}

/* The product's path: author's image and MD5. */
static int author_image(const char *tree, bool no_file_md5, struct author_data **d,
			struct burn_source **src, struct err *e)
{
	struct author_data_spec spec = { .title = "BENCH", .mtime = 1700000000,
					 .no_file_md5 = no_file_md5 };

	if (nftw(tree, add_file, 16, FTW_PHYS) != 0)
		return err_fail(e, "%s: cannot list the files", tree);
	spec.files = files.v;
	spec.file_count = files.n;
	if (author_data_open(d, &spec, e) || author_data_source(*d, src, e))
		return -1;
	return 0;
}

/* The plain path: libisofs straight, its MD5 from the burner's write. */
static int libisofs_image(const char *tree, bool md5_tags, IsoImage **image,
			  IsoWriteOpts **opts, struct burn_source **src, struct err *e)
{
	if (iso_image_new("BENCH", image) != 1 ||
	    iso_tree_add_dir_rec(*image, iso_image_get_root(*image), tree) != 1 ||
	    iso_write_opts_new(opts, 0) != 1)
		return err_fail(e, "libisofs: cannot build the image of %s", tree);
	iso_write_opts_set_rockridge(*opts, 1);
	iso_write_opts_set_joliet(*opts, 1);
	iso_write_opts_set_iso_level(*opts, 3);
	if (md5_tags) {
		iso_write_opts_set_record_md5(*opts, 1, 1);
		iso_write_opts_set_aaip(*opts, 1);
	}
	if (iso_image_create_burn_source(*image, *opts, src) != 1)
		return err_fail(e, "libisofs: cannot start the image");
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: burn_bench [--author [--no-file-md5] | --md5-tags] [--blank NAME] "
		"TREE OUT_FILE\n");
	return 1;
}

int main(int argc, char **argv)
{
	const char *tree = NULL, *out = NULL, *blank_name = NULL;
	bool md5_tags = false, use_author = false, no_file_md5 = false;
	struct burner_result res = { 0 };
	struct burn_source *src = NULL;
	struct author_data *ad = NULL;
	IsoWriteOpts *opts = NULL;
	IsoImage *image = NULL;
	struct burner *b = NULL;
	struct err e = { "" };
	char adr[4200], abs_tree[4096];
	uint64_t size, made = 0;
	double t0, t1, t2;
	uint8_t md5[16];
	int blank, rc = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--md5-tags") == 0)
			md5_tags = true;
		else if (strcmp(argv[i], "--author") == 0)
			use_author = true;
		else if (strcmp(argv[i], "--no-file-md5") == 0)
			no_file_md5 = true;
		else if (strcmp(argv[i], "--blank") == 0 && i + 1 < argc)
			blank_name = argv[++i];
		else if (!tree)
			tree = argv[i];
		else if (!out)
			out = argv[i];
		else
			return usage();
	}
	if (!tree || !out)
		return usage();
	/* libisofs wants an absolute path */
	if (!realpath(tree, abs_tree)) {
		perror(tree);
		return 1;
	}
	log_open(NULL, LOG_WARN);
	if (burner_init(&e))
		goto out_say;
	if (author_init(&e))
		goto out_burner;

	t0 = now_s();
	if (use_author ? author_image(abs_tree, no_file_md5, &ad, &src, &e) :
			 libisofs_image(abs_tree, md5_tags, &image, &opts, &src, &e))
		goto out_image;
	size = (uint64_t)src->get_size(src);
	blank = burner_blank_parse(blank_name ? blank_name :
				   size > 2298496ull * 2048 ? "bd-r" : "dvd-r");
	snprintf(adr, sizeof(adr), "stdio:%s", out);
	if (blank <= 0) {
		err_fail(&e, "%s: unknown blank", blank_name);
		goto out_image;
	}
	if (burner_open(&b, adr, (enum burner_blank)blank, &e))
		goto out_image;
	/* author hashes its stream: hash it once */
	burner_set_write_md5(b, !use_author);
	if (burner_write_data(b, src, size, false, NULL, NULL, &res, &e))
		goto out_close;
	t1 = now_s();
	memcpy(md5, res.md5, sizeof(md5));
	if (ad && author_data_md5(ad, md5, &made)) {
		author_data_status(ad, &e);
		goto out_close;
	}
	if (burner_verify_data(b, size, md5, NULL, NULL, &e))
		goto out_close;
	t2 = now_s();
	printf("image_bytes=%llu write_s=%.3f verify_s=%.3f fifo_min=%d\n",
	       (unsigned long long)size, t1 - t0, t2 - t1, res.fifo_min_percent);
	rc = 0;
out_close:
	burner_close(b, false);
out_image:
	if (src)
		burn_source_free(src);
	if (opts)
		iso_write_opts_free(opts);
	if (image)
		iso_image_unref(image);
	author_data_free(ad);
	author_finish();
out_burner:
	burner_finish();
	for (size_t i = 0; i < files.n; i++) {
		free((char *)files.v[i].path);
		free((char *)files.v[i].name);
	}
	free(files.v);
out_say:
	if (rc)
		fprintf(stderr, "burn_bench: %s\n", e.msg);
	return rc;
}
