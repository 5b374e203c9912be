// SPDX-License-Identifier: GPL-2.0
/*
 * Stress fix B, applied and reverted alongside fix A: it stacks on the
 * function A replaces (klp keeps one ftrace handler per function and a
 * stack of replacements) and replaces one of its own, so A and B
 * going live and away in any order exercise both cases.
 */
#include <linux/seq_file.h>
#include <linux/utsname.h>

#define LIVEFIX_ID "stress-b"
#define LIVEFIX_CVES "LIVEFIX-TEST-STRESS-B"
#define LIVEFIX_REPLACE false
#include "livefix-patch.h"

static int stress_b_version_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s version %s %s [livefix stress b]\n",
		   utsname()->sysname, utsname()->release,
		   utsname()->version);
	return 0;
}

/* The command line is not exported to modules; a marker will do. */
static int stress_b_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "livefix stress b\n");
	return 0;
}

static const struct livefix_func_desc vmlinux_funcs[] = {
	LIVEFIX_FUNC(version_proc_show, stress_b_version_proc_show),
	LIVEFIX_FUNC(cmdline_proc_show, stress_b_cmdline_proc_show),
	{ }
};

static const struct livefix_object_desc objects[] = {
	LIVEFIX_VMLINUX(vmlinux_funcs),
	{ }
};

LIVEFIX_FIX(objects);
