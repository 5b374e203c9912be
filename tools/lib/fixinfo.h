/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_FIXINFO_H
#define LF_FIXINFO_H

#include <stdbool.h>

#include "strv.h"

/*
 * Metadata published by the livefix.ko core under
 * <sysfs>/kernel/livefix/fixes/<patch>/. Foreign klp modules, or a system
 * without livefix.ko, have none: every field is then simply absent.
 */
struct lf_fixinfo {
	bool has_target;
	bool has_cves;
	bool has_state;
	char target[256];
	char state[64];
	struct lf_strv cves;
};

/* Missing files are not errors; only real I/O or allocation failures are. */
int lf_fixinfo_read(const char *sysfs, const char *name,
		    struct lf_fixinfo *fi);
void lf_fixinfo_free(struct lf_fixinfo *fi);

/* Version of the loaded livefix.ko core; -ENOENT when it is not loaded. */
int lf_core_version(const char *sysfs, char *buf, size_t size);

#endif
