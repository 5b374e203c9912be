// SPDX-License-Identifier: GPL-2.0
/*
 * Test fix, cumulative version 2 of "selftest-cumulative": /proc/version
 * says which version is live. Loading version 2 replaces version 1;
 * version 1 after version 2 must be refused as a downgrade.
 */
#include <linux/seq_file.h>
#include <linux/utsname.h>

#define LIVEFIX_ID "selftest-cumulative"
#define LIVEFIX_CVES "LIVEFIX-TEST-0002"
#define LIVEFIX_FIX_VERSION 2
#include "livefix-patch.h"

static int lf_cumulative_version_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s version %s [selftest-cumulative v2]\n",
		   utsname()->sysname, utsname()->release);
	return 0;
}

static const struct livefix_func_desc vmlinux_funcs[] = {
	LIVEFIX_FUNC(version_proc_show, lf_cumulative_version_show),
	{ }
};

static const struct livefix_object_desc objects[] = {
	LIVEFIX_VMLINUX(vmlinux_funcs),
	{ }
};

LIVEFIX_FIX(objects);
