// SPDX-License-Identifier: GPL-2.0-only
/* The initializer of existing data changes: refused. */
#include "objfix.h"

int lf_limit = 20;

int lf_over(int x)
{
	return x > lf_limit;
}
