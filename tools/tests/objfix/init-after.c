// SPDX-License-Identifier: GPL-2.0-only
/* __init code changes: refused. */
#include "objfix.h"

int lf_boot_value;

int __init lf_setup(void)
{
	lf_boot_value = 2;
	return 0;
}
