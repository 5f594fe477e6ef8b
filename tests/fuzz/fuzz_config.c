// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for config_parse().  The input is not NUL-terminated.
 * Any text may be refused, but none may crash or read out of bounds; an
 * accepted config must hold what config.h promises (abort() otherwise).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(field) (strnlen((field), sizeof(field)) < sizeof(field))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	struct err e;

	if (config_parse(&c, (const char *)data, size, "/srv/shop", "fuzz.conf", &e)) {
		if (!TERMINATED(e.msg) || strncmp(e.msg, "fuzz.conf", 9))
			abort();
		return 0;
	}
	if (c.shop_id < 1 || c.shop_id > 0xffffff || !c.server_port || !c.server_host[0])
		abort();
	if (!TERMINATED(c.server_host) || !TERMINATED(c.server_name) || !TERMINATED(c.ca) ||
	    !TERMINATED(c.cert) || !TERMINATED(c.key) || !TERMINATED(c.manifest_key) ||
	    !TERMINATED(c.database) || !TERMINATED(c.spool) || !TERMINATED(c.output) ||
	    !TERMINATED(c.log_file) || !TERMINATED(c.board) || !TERMINATED(c.drive))
		abort();
	/* Every path key is absolute once the folder is put in front. */
	if (c.ca[0] != '/' || c.cert[0] != '/' || c.key[0] != '/' || c.manifest_key[0] != '/' ||
	    c.database[0] != '/' || c.spool[0] != '/' || c.output[0] != '/' ||
	    (c.log_file[0] && c.log_file[0] != '/'))
		abort();
	if (!c.spool_quota_bytes || c.spool_quota_bytes % (1 << 20) || c.log_level < 0 ||
	    c.log_level > 3)
		abort();
	return 0;
}
