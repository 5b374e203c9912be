// SPDX-License-Identifier: GPL-2.0-only
/*
 * A changed static function without __fentry__ (notrace, like the inline
 * __do_sys_<name> body of a syscall): its callers are replaced instead.
 */
#include "objfix.h"

int lf_val = 1;

static noinline __attribute__((no_instrument_function)) int lf_inner(int x)
{
	return x + lf_val;
}

int lf_entry_a(int x)
{
	return lf_inner(x) + 1;
}

int lf_entry_b(int x)
{
	return lf_inner(x) - 1;
}

int lf_bystander(int x)
{
	return x * 7;
}
