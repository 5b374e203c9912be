/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_ENV_H
#define LF_ENV_H

#include "err.h"

/*
 * Where the kernel's interfaces live and which kernel we are on. Tests
 * point these at a fake tree: LIVEFIX_SYSFS, LIVEFIX_PROCFS and
 * LIVEFIX_KERNEL_RELEASE override /sys, /proc and uname -r.
 */
struct lf_env {
	const char *sysfs;
	const char *procfs;
	char release[256];
};

int lf_env_init(struct lf_env *env, struct lf_err *err);

#endif
