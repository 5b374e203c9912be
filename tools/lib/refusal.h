/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_REFUSAL_H
#define LF_REFUSAL_H

#include <stddef.h>

/*
 * The most recent refusal of fix @name that livefix.ko kept in
 * <sysfs>/kernel/livefix/refusals ("fix=NAME check=CHECK: reason"), the
 * same text as its kernel log line, without the "fix=NAME " prefix.
 * Only refusals numbered above @after count; -ENOENT when there is none
 * (or no livefix.ko). @last (may be NULL) gets the highest number kept,
 * of any fix, for the next call's @after.
 */
int lf_refusal_find(const char *sysfs, const char *name, unsigned long after,
		    char *buf, size_t size, unsigned long *last);

#endif
