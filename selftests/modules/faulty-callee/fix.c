// SPDX-License-Identifier: GPL-2.0
/*
 * Test fix that is wrong on purpose, one call away: its
 * cmdline_proc_show() misuses a refcount, so the WARN fires in
 * refcount_warn_saturate(), unchanged kernel code, with the fix on the
 * stack. The health watch must still pin it on the fix.
 */
#include <linux/refcount.h>
#include <linux/seq_file.h>

#define LIVEFIX_ID "selftest-faulty-callee"
#define LIVEFIX_CVES "CVE-0000-00003"
#include "livefix-patch.h"

static int lf_faulty_cmdline_show(struct seq_file *m, void *v)
{
	refcount_t ref = REFCOUNT_INIT(0);

	/* An increment from zero: "refcount_t: addition on 0". */
	refcount_inc(&ref);
	seq_puts(m, "faulty callee fix\n");
	return 0;
}

static const struct livefix_func_desc vmlinux_funcs[] = {
	LIVEFIX_FUNC(cmdline_proc_show, lf_faulty_cmdline_show),
	{ }
};

static const struct livefix_object_desc objects[] = {
	LIVEFIX_VMLINUX(vmlinux_funcs),
	{ }
};

LIVEFIX_FIX(objects);
