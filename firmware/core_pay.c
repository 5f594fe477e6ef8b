// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core_pay: paying at the register, seen from the core.  Not written yet:
 * no scan is taken for a slip.
 */
#include "core_internal.h"

bool core_pay_scan(struct core *c, const char *text)
{
	(void)c;
	(void)text;
	return false;
}
