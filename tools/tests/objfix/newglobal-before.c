// SPDX-License-Identifier: GPL-2.0-only
/* A changed function uses a new global variable. */
#include "objfix.h"

int lf_account(int x)
{
	return x + 1;
}
