// SPDX-License-Identifier: GPL-2.0-only
/*
 * The author's marks of <livefix/fix.h>, spelled out: an ignored changed
 * function, a forced unchanged one, an ignored section, and a plain change.
 */
#include "objfix.h"

int lf_ignored(int x)
{
	return x + 10;
}

int lf_forced(int x)
{
	return x + 2;
}

int lf_plain(int x)
{
	return x + 30;
}

__attribute__((section(".text.lf_hot"))) int lf_hot(int x)
{
	return x + 40;
}

static void *__livefix_ignore_lf_ignored __used
	__attribute__((section(".livefix.ignore.function"))) = (void *)lf_ignored;
static void *__livefix_force_lf_forced __used
	__attribute__((section(".livefix.force.function"))) = (void *)lf_forced;
static const char __livefix_ignore_section_0[] __used
	__attribute__((section(".livefix.ignore.section"))) = ".text.lf_hot";
