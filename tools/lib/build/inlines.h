/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_INLINES_H
#define LF_BUILD_INLINES_H

#include <stddef.h>

#include "../err.h"
#include "../strv.h"

/*
 * Where the shipped kernel carries copies of header functions: a change to
 * a static inline in a header changes every function it was inlined into,
 * in every unit. The distro's DWARF (-dbg vmlinux) records each inlined
 * instance (DW_TAG_inlined_subroutine) and each out-of-line copy, so the
 * units to rebuild are known without building the whole kernel.
 */
struct lf_inline_site {
	char *unit;	/* compilation unit, e.g. "fs/proc/array.c" */
	char *caller;	/* the concrete function that carries the copy */
	char *callee;	/* the header function */
	int line;	/* where the header defines it (DW_AT_decl_line) */
	char *file;	/* the header (DW_AT_decl_file); NULL unless asked for */
};

struct lf_inline_sites {
	struct lf_inline_site *v;
	size_t n;
};

/*
 * Find the copies of @names declared in a file whose path ends with
 * @header (e.g. "include/linux/sched/signal.h") in @debug_file. With
 * @names NULL, the copies of every function the header defines.
 */
int lf_inlines_find(const char *debug_file, const char *header,
		    const struct lf_strv *names, struct lf_inline_sites *out,
		    struct lf_err *err);

/*
 * Every copy of a function declared in any header (a file ending in
 * ".h") in compilation unit @cu, with site->file set; one site per
 * (caller, callee). For the module index (moddbg.c).
 */
struct Dwarf_Die_s;
int lf_inlines_cu(struct Dwarf_Die_s *cu, const char *unit,
		  struct lf_inline_sites *out);

/* The distinct units of @sites, sorted. */
int lf_inlines_units(const struct lf_inline_sites *sites, struct lf_strv *units);

void lf_inlines_free(struct lf_inline_sites *sites);

#endif
