// SPDX-License-Identifier: GPL-2.0
/*
 * Test fix that claims to be built for another kernel release, to check
 * that livefix.ko refuses it before klp ever sees it.
 */
#include <linux/seq_file.h>

#define LIVEFIX_TARGET "6.12.0-livefix-bogus"
#define LIVEFIX_ID "selftest-wrong-target"
#include "livefix-patch.h"

static int lf_wrong_target_version_show(struct seq_file *m, void *v)
{
	seq_puts(m, "this fix must never be live\n");
	return 0;
}

static const struct livefix_func_desc vmlinux_funcs[] = {
	LIVEFIX_FUNC(version_proc_show, lf_wrong_target_version_show),
	{ }
};

static const struct livefix_object_desc objects[] = {
	LIVEFIX_VMLINUX(vmlinux_funcs),
	{ }
};

LIVEFIX_FIX(objects);
