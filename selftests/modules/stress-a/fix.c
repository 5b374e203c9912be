// SPDX-License-Identifier: GPL-2.0
/*
 * Stress fix A: the demo's /proc/version change, marked so the busy
 * tasks of selftests/livefix/stress.sh can tell which version they ran.
 * It does not replace other fixes, so it can be live together with
 * fix B, which patches the same function.
 */
#include <linux/seq_file.h>
#include <linux/utsname.h>

#define LIVEFIX_ID "stress-a"
#define LIVEFIX_CVES "LIVEFIX-TEST-STRESS-A"
#define LIVEFIX_REPLACE false
#include "livefix-patch.h"

static int stress_a_version_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s version %s %s [livefix stress a]\n",
		   utsname()->sysname, utsname()->release,
		   utsname()->version);
	return 0;
}

static const struct livefix_func_desc vmlinux_funcs[] = {
	LIVEFIX_FUNC(version_proc_show, stress_a_version_proc_show),
	{ }
};

static const struct livefix_object_desc objects[] = {
	LIVEFIX_VMLINUX(vmlinux_funcs),
	{ }
};

LIVEFIX_FIX(objects);
