// SPDX-License-Identifier: GPL-2.0-only
/* A changed function calls a new static helper. */
#include "objfix.h"

int lf_caller(int x)
{
	return x + 5;
}
