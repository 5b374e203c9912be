// SPDX-License-Identifier: GPL-2.0-only
/* A changed function with a runtime_const_shift_right_32() site (d_hash). */
#include "objfix.h"

noinline unsigned int lf_hash(unsigned int h)
{
	return LF_RUNTIME_SHIFT(h ^ 1, lf_hash_shift);
}
