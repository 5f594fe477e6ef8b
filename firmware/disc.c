// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The image is imported with Rock Ridge (the names as written), the file
 * looked up by its path, and its stream read with the size cap checked
 * first, so a hostile disc can make us allocate at most `cap` bytes.
 */
#include "disc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libisofs/libisofs.h>

#include "burner.h"

int disc_read_file(const char *address, const char *name, size_t cap, char **text,
		   size_t *len, struct err *e)
{
	const char *path;
	IsoDataSource *src = NULL;
	IsoReadOpts *ropts = NULL;
	IsoImage *image = NULL;
	IsoStream *stream = NULL;
	IsoNode *node = NULL;
	char where[512], *buf = NULL;
	off_t size;
	size_t got = 0;
	int rc = -1, n;

	burner_address_pseudo(address, &path);
	if (iso_data_source_new_from_file(path, &src) < 0) {
		err_fail(e, "cannot read %s", path);
		goto out;
	}
	if (iso_read_opts_new(&ropts, 0) < 0 || iso_image_new("check", &image) < 0) {
		err_fail(e, "out of memory");
		goto out;
	}
	iso_read_opts_set_no_joliet(ropts, 1);
	if ((n = iso_image_import(image, src, ropts, NULL)) < 0) {
		err_fail(e, "%s holds no readable ISO 9660 file system (%s)", path,
			 iso_error_to_msg(n));
		goto out;
	}
	snprintf(where, sizeof(where), "/%s", name);
	if (iso_tree_path_to_node(image, where, &node) != 1 || iso_node_get_type(node) != LIBISO_FILE) {
		err_fail(e, "the disc has no %s", name);
		goto out;
	}
	stream = iso_file_get_stream((IsoFile *)node);
	size = iso_stream_get_size(stream);
	if (size < 0 || (uint64_t)size > cap) {
		err_fail(e, "%s is larger than %zu bytes", name, cap);
		goto out;
	}
	buf = malloc((size_t)size + 1);
	if (!buf || iso_stream_open(stream) < 0) {
		err_fail(e, "cannot read %s", name);
		goto out;
	}
	while (got < (size_t)size && (n = iso_stream_read(stream, buf + got, (size_t)size - got)) > 0)
		got += (size_t)n;
	iso_stream_close(stream);
	if (got != (size_t)size) {
		err_fail(e, "%s: read %zu of %lld bytes", name, got, (long long)size);
		goto out;
	}
	buf[got] = '\0';
	*text = buf;
	*len = got;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	if (image)
		iso_image_unref(image);
	if (ropts)
		iso_read_opts_free(ropts);
	if (src)
		iso_data_source_unref(src);
	return rc;
}
