// SPDX-License-Identifier: GPL-2.0-only
/* A changed function reads a new static table. */
#include "objfix.h"

static int lf_table[4] = { 11, 22, 33, 44 };

int lf_lookup(int i)
{
	return lf_table[i & 3] + i;
}
