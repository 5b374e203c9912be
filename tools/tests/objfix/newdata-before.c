// SPDX-License-Identifier: GPL-2.0-only
/* A changed function reads a new static table. */
#include "objfix.h"

int lf_lookup(int i)
{
	return i;
}
