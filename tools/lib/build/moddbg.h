/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_MODDBG_H
#define LF_BUILD_MODDBG_H

#include <stdio.h>

#include "../err.h"
#include "../strv.h"
#include "inlines.h"

/*
 * Which shipped modules use a header. The -dbg package carries 6.5 GB of
 * module debug files (5000 modules); extracting them all for every ABI
 * would dwarf the rest of the cache, and a header change must still find
 * its copies in modules, not only in vmlinux. So the package is read
 * once, as a stream, and each module's DWARF is reduced to one line per
 * compilation unit:
 *
 *   <module path>\t<unit>\t<header> <header> ...\t<copies>\n
 *
 * e.g. "kernel/fs/ext4/ext4.ko\tfs/ext4/super.c\tfs/ext4/ext4.h ...\t0:2971:ext4_has_feature_journal ...":
 * the headers its DWARF file table names, and each header function the
 * unit carries a copy of (inlined or out of line) as
 * <position of its header>:<DW_AT_decl_line>:<name>. That is all a header
 * change needs to know about modules, so none is ever unpacked whole.
 */

/*
 * Write the index lines of the module debug file open at @fd (@name is
 * its path in the package, "./usr/lib/debug/lib/modules/<ABI>/kernel/..."
 * or already "kernel/...") to @out. A file without DWARF writes nothing.
 */
int lf_moddbg_scan(int fd, const char *name, FILE *out, struct lf_err *err);

/* "./usr/lib/debug/lib/modules/<ABI>/kernel/x.ko" -> "kernel/x.ko". */
const char *lf_moddbg_module_path(const char *name);

struct lf_moddbg_user {
	char *module;	/* "kernel/fs/ext4/ext4.ko" */
	char *unit;	/* "fs/ext4/super.c" */
};

struct lf_moddbg_users {
	struct lf_moddbg_user *v;
	size_t n;
	/* The copies of the header's functions in those units (caller: the module). */
	struct lf_inline_sites sites;
};

/*
 * The (module, unit) pairs of @index whose header list ends in @header.
 * A module indexed as "<module>\t?\t*" (its DWARF was unreadable) is
 * a user of every header, with unit "?". A NULL @header lists every
 * unit of every module, without copies.
 */
int lf_moddbg_users(const char *index, const char *header,
		    struct lf_moddbg_users *out, struct lf_err *err);

/* The distinct modules of @users, sorted. */
int lf_moddbg_modules(const struct lf_moddbg_users *users, struct lf_strv *out);

void lf_moddbg_users_free(struct lf_moddbg_users *users);

#endif
