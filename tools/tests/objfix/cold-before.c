// SPDX-License-Identifier: GPL-2.0-only
/* Only the part GCC moved to .text.unlikely (foo.cold) changes. */
#include "objfix.h"

extern int lf_get(int);

int lf_cold_work(int x)
{
	int r = lf_get(x);

	if (r < 0) {
		lf_report("bad", r);
		lf_report("worse", x);
		return lf_get(r) + 7;
	}
	return lf_get(r + 1) * 3;
}
