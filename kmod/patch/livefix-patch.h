/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a livefix patch module's author writes against. A fix lists the
 * functions it replaces per object and declares itself once:
 *
 *	static const struct livefix_func_desc vmlinux_funcs[] = {
 *		LIVEFIX_FUNC(version_proc_show, livefix_version_proc_show),
 *		{ }
 *	};
 *	static const struct livefix_object_desc objects[] = {
 *		LIVEFIX_VMLINUX(vmlinux_funcs),
 *		{ }
 *	};
 *	LIVEFIX_FIX("demo-version", "CVE-0000-00000", objects);
 *
 * The skeleton (hook.c, linked into every patch module) turns these into
 * klp tables at load and hands them to livefix.ko; see
 * doc/patch-author-guide.md.
 */
#ifndef LIVEFIX_PATCH_H
#define LIVEFIX_PATCH_H

#include <generated/utsrelease.h>
#include <linux/module.h>
#include <livefix/core.h>

/* Replace @old (a symbol name, unquoted) with @new. */
#define LIVEFIX_FUNC(old, new) \
	{ .old_name = #old, .new_func = (new) }

/* The same, for the @pos'th of several same-named local symbols. */
#define LIVEFIX_FUNC_POS(old, pos, new) \
	{ .old_name = #old, .new_func = (new), .sympos = (pos) }

#define LIVEFIX_VMLINUX(func_table) \
	{ .name = NULL, .funcs = (func_table) }

/* @modname is the target module's name as lsmod shows it, unquoted. */
#define LIVEFIX_MODULE(modname, func_table) \
	{ .name = #modname, .funcs = (func_table) }

/*
 * Declare the fix: its id, its CVE ids (space-separated) and its objects.
 * The target is the kernel release of the headers it is built against.
 */
#define LIVEFIX_FIX(fix_id, fix_cves, fix_objs)				\
	MODULE_INFO(livefix_id, fix_id);				\
	MODULE_INFO(livefix_cve, fix_cves);				\
	MODULE_INFO(livefix_target, UTS_RELEASE);			\
	MODULE_INFO(livefix_format, __stringify(LIVEFIX_META_FORMAT));	\
	const struct livefix_fix_desc livefix_this_fix = {		\
		.format = LIVEFIX_META_FORMAT,				\
		.id = fix_id,						\
		.target = UTS_RELEASE,					\
		.cves = fix_cves,					\
		.replace = true,					\
		.objs = (fix_objs),					\
	}

extern const struct livefix_fix_desc livefix_this_fix;

#endif /* LIVEFIX_PATCH_H */
