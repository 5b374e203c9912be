// SPDX-License-Identifier: GPL-2.0-only
/*
 * A string literal changes. The file name (from might_sleep()) lands in
 * the same string section right after it, so lf_farewell's reference to
 * it moves although lf_farewell does not change.
 */
#include "objfix.h"

void lf_greet(int x)
{
	printk("hullo there %d\n", x);
	might_sleep();
}

void lf_farewell(int x)
{
	might_sleep();
	printk("goodbye %d\n", x);
}
