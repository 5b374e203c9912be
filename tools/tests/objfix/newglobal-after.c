// SPDX-License-Identifier: GPL-2.0-only
/* A changed function uses a new global variable. */
#include "objfix.h"

int lf_new_total;

int lf_account(int x)
{
	lf_new_total += x;
	return x + 1;
}
