// SPDX-License-Identifier: GPL-2.0
/*
 * Test fix that is wrong on purpose: its version_proc_show() WARNs on
 * every call, so the health watch must take it back out on its own.
 */
#include <linux/bug.h>
#include <linux/seq_file.h>

#define LIVEFIX_ID "selftest-faulty"
#define LIVEFIX_CVES "CVE-0000-00002"
#include "livefix-patch.h"

static int lf_faulty_version_show(struct seq_file *m, void *v)
{
	WARN(1, "livefix selftest: faulty fix called\n");
	seq_puts(m, "faulty fix\n");
	return 0;
}

static const struct livefix_func_desc vmlinux_funcs[] = {
	LIVEFIX_FUNC(version_proc_show, lf_faulty_version_show),
	{ }
};

static const struct livefix_object_desc objects[] = {
	LIVEFIX_VMLINUX(vmlinux_funcs),
	{ }
};

LIVEFIX_FIX(objects);
