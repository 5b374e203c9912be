// SPDX-License-Identifier: GPL-2.0-only
/*
 * Functions sharing one section through a section attribute (like
 * __sched): the assembler resolves their calls to each other, leaving no
 * relocation. lf_shared_grow changes size, so the unchanged lf_shared_call
 * ends up farther from lf_shared_inner.
 */
#include "objfix.h"

#define __sched __attribute__((section(".sched.text")))

static noinline __sched int lf_shared_inner(int x)
{
	return x * 5 + printk("inner\n");
}

__sched int lf_shared_grow(int x)
{
	return lf_shared_inner(x) * x + lf_shared_inner(x - 1);
}

__sched int lf_shared_call(int x)
{
	return lf_shared_inner(x + 1) - 1;
}
