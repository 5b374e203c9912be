// SPDX-License-Identifier: GPL-2.0-only
/* A function whose body changes; its neighbours and the data stay. */
#include "objfix.h"

int lf_counter = 3;

static noinline int lf_scale(int x)
{
	return x * lf_counter;
}

noinline int lf_body(int x)
{
	return lf_scale(x) + 1;
}

int lf_other(int x)
{
	return lf_scale(x) * 3 + lf_body(x);
}
