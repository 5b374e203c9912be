// SPDX-License-Identifier: GPL-2.0-only
/* Two functions with entries in every special section; one changes. */
#include "objfix.h"

extern struct static_key lf_ext_key;
extern struct static_key __tracepoint_lf_event;

int lf_special_changed(const int *p, int x)
{
	int v = lf_load(p);

	if (lf_static_branch(&lf_ext_key))
		v += 100;
	if (lf_static_branch(&__tracepoint_lf_event))
		printk("event %d\n", v);
	LF_ALTERNATIVE("nop", "pause", 42);
	if (WARN_ON(v > x))
		return -1;
	return v + 1;
}

int lf_special_same(const int *p, int x)
{
	int v = lf_load(p);

	if (lf_static_branch(&lf_ext_key))
		v += 200;
	LF_ALTERNATIVE("nop", "lfence", 43);
	if (WARN_ON(v < x))
		return -2;
	return v;
}
