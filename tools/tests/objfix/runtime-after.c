// SPDX-License-Identifier: GPL-2.0-only
/* A changed function with a runtime_const_ptr() site, as access_ok() has. */
#include "objfix.h"

noinline int lf_user_ok(unsigned long addr)
{
	if (addr & 1)
		return -1;
	return addr <= LF_RUNTIME_PTR(lf_limit);
}

int lf_user_other(unsigned long addr)
{
	return lf_user_ok(addr) + (addr <= LF_RUNTIME_PTR(lf_limit));
}
