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
/* One replaced function as livefix.ko records it. */
struct lf_fixinfo_func {
	char object[64];
	char function[256];
	unsigned long sympos;	/* as klp shows it: 0 ("unique") is 1 */
	char fingerprint[16];	/* match, mismatch, pending, unrecorded */
};

struct lf_fixinfo {
	bool has_target;
	bool has_cves;
	bool has_state;
	bool has_id;
	char target[256];
	char state[64];
	char id[128];
	struct lf_strv cves;
	long version;		/* cumulative version; -1 if not shown */
	int replace;		/* -1 if not shown */
	int sig_ok;		/* 1: signature verified by a trusted key; -1: not shown */
	long long applied_at;	/* seconds since the epoch; 0: not yet */
	long long reverted_at;
	char revert_reason[256];
	struct lf_fixinfo_func *funcs;
	size_t nfuncs;
};

/* Missing files are not errors; only real I/O or allocation failures are. */
int lf_fixinfo_read(const char *sysfs, const char *name,
		    struct lf_fixinfo *fi);
void lf_fixinfo_free(struct lf_fixinfo *fi);

/* Names under <sysfs>/kernel/livefix/fixes (none without livefix.ko). */
int lf_fixinfo_list(const char *sysfs, struct lf_strv *names);

/* Version of the loaded livefix.ko core; -ENOENT when it is not loaded. */
int lf_core_version(const char *sysfs, char *buf, size_t size);

#endif
