// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * burn_bench: Tenpo's disc path on one tree, for tests/bench/bench_burn.sh.
 *
 *   burn_bench [--md5-tags] [--blank dvd-r] TREE OUT_FILE
 *
 * Builds an ISO 9660 image of TREE with libisofs (Rock Ridge, Joliet, ISO
 * level 3; with --md5-tags also libisofs' MD5 tags and AAIP, as a disc
 * checkable by `xorriso -check_md5` carries), writes it through
 * burner_write_data() to the pseudo-drive stdio:OUT_FILE standing for the
 * given blank (default: dvd-r, or bd-r when the image is larger), then
 * reads it back with burner_verify_data() against the MD5 the write
 * computed.  Prints one line:
 *
 *   image_bytes=N write_s=S verify_s=S fifo_min=P
 *
 * and exits 0, or 1 with the reason on stderr.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libburn/libburn.h>
#include <libisofs/libisofs.h>

#include "burner.h"
#include "log.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: burn_bench [--md5-tags] [--blank NAME] TREE OUT_FILE\n");
	return 1;
}

int main(int argc, char **argv)
{
	const char *tree = NULL, *out = NULL, *blank_name = NULL;
	struct burner_result res;
	struct burn_source *src = NULL;
	struct burner *b = NULL;
	IsoWriteOpts *opts = NULL;
	IsoImage *image = NULL;
	struct err e = { "" };
	char adr[4200], abs_tree[4096];
	bool md5_tags = false;
	double t0, t1, t2;
	uint64_t size;
	int blank, rc = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--md5-tags") == 0)
			md5_tags = true;
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
	/* iso_tree_add_dir_rec() wants an absolute path */
	if (!realpath(tree, abs_tree)) {
		perror(tree);
		return 1;
	}
	log_open(NULL, LOG_WARN);
	if (burner_init(&e)) {
		fprintf(stderr, "burn_bench: %s\n", e.msg);
		return 1;
	}
	if (iso_init() != 1) {
		fprintf(stderr, "burn_bench: libisofs: cannot initialise\n");
		goto out_burner;
	}
	iso_set_msgs_severities("NEVER", "FAILURE", "libisofs: ");

	t0 = now_s();
	if (iso_image_new("BENCH", &image) != 1 ||
	    iso_tree_add_dir_rec(image, iso_image_get_root(image), abs_tree) != 1 ||
	    iso_write_opts_new(&opts, 0) != 1) {
		fprintf(stderr, "burn_bench: libisofs: cannot build the image of %s\n", tree);
		goto out_iso;
	}
	iso_write_opts_set_rockridge(opts, 1);
	iso_write_opts_set_joliet(opts, 1);
	iso_write_opts_set_iso_level(opts, 3);
	if (md5_tags) {
		iso_write_opts_set_record_md5(opts, 1, 1);
		iso_write_opts_set_aaip(opts, 1);
	}
	if (iso_image_create_burn_source(image, opts, &src) != 1) {
		fprintf(stderr, "burn_bench: libisofs: cannot start the image\n");
		goto out_iso;
	}
	size = (uint64_t)src->get_size(src);

	blank = burner_blank_parse(blank_name ? blank_name :
				   size > 2298496ull * 2048 ? "bd-r" : "dvd-r");
	snprintf(adr, sizeof(adr), "stdio:%s", out);
	if (blank <= 0 || burner_open(&b, adr, (enum burner_blank)blank, &e)) {
		fprintf(stderr, "burn_bench: %s\n", blank <= 0 ? "unknown blank" : e.msg);
		goto out_src;
	}
	if (burner_write_data(b, src, size, false, NULL, NULL, &res, &e)) {
		fprintf(stderr, "burn_bench: %s\n", e.msg);
		goto out_close;
	}
	t1 = now_s();
	if (burner_verify_data(b, size, res.md5, NULL, NULL, &e)) {
		fprintf(stderr, "burn_bench: %s\n", e.msg);
		goto out_close;
	}
	t2 = now_s();
	printf("image_bytes=%llu write_s=%.3f verify_s=%.3f fifo_min=%d\n",
	       (unsigned long long)size, t1 - t0, t2 - t1, res.fifo_min_percent);
	rc = 0;
out_close:
	burner_close(b, false);
out_src:
	burn_source_free(src);
out_iso:
	if (opts)
		iso_write_opts_free(opts);
	if (image)
		iso_image_unref(image);
	iso_finish();
out_burner:
	burner_finish();
	return rc;
}
