// SPDX-License-Identifier: GPL-2.0-only
/* A function-scope static survives a change of the function using it. */
#include "objfix.h"

int lf_count_calls(int x)
{
	static int count;

	count++;
	return count + x;
}
