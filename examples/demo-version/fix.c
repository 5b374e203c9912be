// SPDX-License-Identifier: GPL-2.0
/*
 * Example fix: /proc/version tells any unprivileged user which compiler
 * and build host produced the kernel, which helps an attacker pick an
 * exploit. The fixed version_proc_show() prints the release and version
 * only.
 *
 * Before:  Linux version 6.12.117+deb12-amd64 (debian-kernel@...) (x86_64-
 *          linux-gnu-gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, ...) #1 SMP ...
 * After:   Linux version 6.12.117+deb12-amd64 #1 SMP ... [toolchain redacted]
 */
#include <linux/seq_file.h>
#include <linux/utsname.h>

#define LIVEFIX_ID "demo-version"
#define LIVEFIX_CVES "LIVEFIX-DEMO-0001"
#include "livefix-patch.h"

static int livefix_version_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s version %s %s [toolchain redacted]\n",
		   utsname()->sysname, utsname()->release,
		   utsname()->version);
	return 0;
}

static const struct livefix_func_desc vmlinux_funcs[] = {
	LIVEFIX_FUNC(version_proc_show, livefix_version_proc_show),
	{ }
};

static const struct livefix_object_desc objects[] = {
	LIVEFIX_VMLINUX(vmlinux_funcs),
	{ }
};

LIVEFIX_FIX(objects);
