/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_FIXLIST_H
#define LF_FIXLIST_H

#include <stdio.h>

#include "fixinfo.h"
#include "klp.h"

/* One row of `livefix list`: the klp view joined with livefix metadata. */
struct lf_fix_entry {
	struct lf_klp_patch patch;
	struct lf_fixinfo info;
};

struct lf_fix_list {
	struct lf_fix_entry *v;
	size_t n;
};

/*
 * Snapshot every patch under <sysfs>/kernel/livepatch, sorted by name.
 * Patches that vanish while we look are skipped: that is a race with a
 * concurrent unload, not an error.
 */
int lf_fix_list_collect(const char *sysfs, struct lf_fix_list *list);
void lf_fix_list_free(struct lf_fix_list *list);

/* "vmlinux:foo" or "vmlinux:foo,2" (position only when it matters). */
void lf_func_label(const struct lf_klp_func *f, char *buf, size_t size);

int lf_fix_list_print_table(FILE *out, const struct lf_fix_list *list);
int lf_fix_list_print_json(FILE *out, const struct lf_fix_list *list);

/* One fix, as `livefix info` shows it: labelled lines, or one JSON object. */
int lf_fix_info_print(FILE *out, const struct lf_fix_entry *e);
int lf_fix_info_print_json(FILE *out, const struct lf_fix_entry *e);

#endif
