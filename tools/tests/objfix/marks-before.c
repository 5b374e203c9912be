// SPDX-License-Identifier: GPL-2.0-only
/*
 * The author's marks of <livefix/fix.h>, spelled out: an ignored changed
 * function, a forced unchanged one, an ignored section, and a plain change.
 */
#include "objfix.h"

int lf_ignored(int x)
{
	return x + 1;
}

int lf_forced(int x)
{
	return x + 2;
}

int lf_plain(int x)
{
	return x + 3;
}

__attribute__((section(".text.lf_hot"))) int lf_hot(int x)
{
	return x + 4;
}
