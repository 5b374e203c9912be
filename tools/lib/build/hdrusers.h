/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_HDRUSERS_H
#define LF_BUILD_HDRUSERS_H

#include "../err.h"
#include "../strv.h"

/*
 * The units of the shipped kernel that use anything a header declares.
 * A change to a declaration (a struct, an enum, a prototype) can change
 * the code of every such unit, not only of those that inline a function
 * from it. GCC lists a header in a unit's DWARF file table when a line of
 * code or a declaration the unit uses (DW_AT_decl_file) comes from it, so
 * the file tables of the distro's -dbg vmlinux name the users. A unit
 * that takes only a macro from a header is not among them, which is why
 * macro changes are refused elsewhere rather than followed here.
 *
 * Fills @units (sorted, unique, only .c units) with the units whose file
 * table holds a path ending with @header; with a NULL @header, every .c
 * unit of @debug_file.
 */
/*
 * A declaration change in a header used by more units than this is
 * refused: rebuilding thousands of units twice is a kernel build, which
 * livefix exists to avoid, and such a change (sched.h, fs.h) is an ABI
 * change a live patch cannot carry anyway.
 */
#define LF_HEADER_USERS_MAX 64

int lf_header_users(const char *debug_file, const char *header,
		    struct lf_strv *units, struct lf_err *err);

#endif
