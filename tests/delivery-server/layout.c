// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * layout: path building for the delivery folder (see layout.h).  Every path
 * goes through layout_path() so that truncation is an error everywhere.
 */
#include "layout.h"

#include <stdarg.h>
#include <stdio.h>

int layout_path(char *out, size_t size, struct err *e, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		return err_fail(e, "path too long (%d bytes)", n);
	return 0;
}

int layout_prepared_file(char *out, size_t size, const char *dir, const char *order_id,
			 unsigned idx, struct err *e)
{
	if (!layout_order_id_ok(order_id))
		return err_fail(e, "order id is not a safe path component");
	return layout_path(out, size, e, "%s/" LAYOUT_PREPARED_DIR "/%s/%u.data", dir,
			   order_id, idx);
}

bool layout_order_id_ok(const char *id)
{
	size_t n;

	for (n = 0; id[n]; n++) {
		char c = id[n];

		if (n >= 64)
			return false;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return n > 0;
}
