// SPDX-License-Identifier: GPL-2.0-only
/* Only line numbers move: nothing to patch. */
#include "objfix.h"

int lf_check(int x)
{
	if (WARN_ON(x < 0))
		return -1;
	return x * 2;
}

int lf_sleepy(int x)
{
	might_sleep();
	return x + 9;
}
