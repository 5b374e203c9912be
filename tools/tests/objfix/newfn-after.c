// SPDX-License-Identifier: GPL-2.0-only
/* A changed function calls a new static helper. */
#include "objfix.h"

static noinline int lf_helper(int x)
{
	printk("helper %d\n", x);
	return x * 7;
}

int lf_caller(int x)
{
	return lf_helper(x) + 5;
}
