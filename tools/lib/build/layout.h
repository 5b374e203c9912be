/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_LAYOUT_H
#define LF_BUILD_LAYOUT_H

#include "../err.h"

/*
 * Refuse a fix that changes the layout of a type the running kernel
 * already uses. A live patch swaps functions, never the objects in
 * memory: a struct that grows a member, a member that moves or changes
 * type, or an enum constant that changes value would have new code read
 * old objects (and old code new ones) with the wrong layout. The check
 * compares the DWARF of the same unit compiled before and after the fix:
 * every named struct, union and enum (and typedef of an anonymous one)
 * defined in both must be laid out the same. New types are fine, and so
 * are new enum constants that leave the old values alone.
 *
 * Returns 0, or -EINVAL with "<unit>: layout of <type> changes: <how>".
 * An object without DWARF is an error: the check must not pass silently.
 */
int lf_layout_compare(const char *unit, const char *before, const char *after,
		      struct lf_err *err);

#endif
