// SPDX-License-Identifier: GPL-2.0
/*
 * Test fix that is wrong on purpose and badly: its version_proc_show()
 * runs an invalid instruction (ud2, what BUG() also uses, but without a
 * bug table entry), an oops that kills the reading task. The health
 * watch must see it through the die notifier and revert the fix, and
 * the guest must keep running.
 */
#include <linux/seq_file.h>

#define LIVEFIX_ID "selftest-faulty-bug"
#define LIVEFIX_CVES "CVE-0000-00004"
#include "livefix-patch.h"

static int lf_bug_version_show(struct seq_file *m, void *v)
{
	__builtin_trap();
}

static const struct livefix_func_desc vmlinux_funcs[] = {
	LIVEFIX_FUNC(version_proc_show, lf_bug_version_show),
	{ }
};

static const struct livefix_object_desc objects[] = {
	LIVEFIX_VMLINUX(vmlinux_funcs),
	{ }
};

LIVEFIX_FIX(objects);
