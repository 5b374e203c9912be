/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a livefix patch module's author writes against. A fix lists the
 * functions it replaces per object and declares itself once:
 *
 *	#define LIVEFIX_ID "demo-version"
 *	#define LIVEFIX_CVES "CVE-0000-00000"
 *	#include "livefix-patch.h"
 *
 *	static const struct livefix_func_desc vmlinux_funcs[] = {
 *		LIVEFIX_FUNC(version_proc_show, livefix_version_proc_show),
 *		{ }
 *	};
 *	static const struct livefix_object_desc objects[] = {
 *		LIVEFIX_VMLINUX(vmlinux_funcs),
 *		{ }
 *	};
 *	LIVEFIX_FIX(objects);
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
 * Declare the fix and its objects. The fix defines LIVEFIX_ID and
 * LIVEFIX_CVES (space-separated) as string literals before this header,
 * because they become both modinfo, which userspace reads from the file,
 * and the description, which livefix.ko reads at load. The target is the
 * kernel release of the headers the fix is built against.
 */
#ifndef LIVEFIX_ID
#error "define LIVEFIX_ID before including livefix-patch.h"
#endif
#ifndef LIVEFIX_CVES
#define LIVEFIX_CVES ""
#endif
/* Atomic replace of earlier fixes, unless the fix says otherwise. */
#ifndef LIVEFIX_REPLACE
#define LIVEFIX_REPLACE true
#endif
/* The cumulative version; a replacing fix must not be older than the live one. */
#ifndef LIVEFIX_FIX_VERSION
#define LIVEFIX_FIX_VERSION 1
#endif
/* Only tests claim another target; a real fix is for its headers' kernel. */
#ifndef LIVEFIX_TARGET
#define LIVEFIX_TARGET UTS_RELEASE
#endif

#define LIVEFIX_FIX(fix_objs)						\
	MODULE_INFO(livefix_id, LIVEFIX_ID);				\
	MODULE_INFO(livefix_cve, LIVEFIX_CVES);				\
	MODULE_INFO(livefix_target, LIVEFIX_TARGET);			\
	MODULE_INFO(livefix_format, __stringify(LIVEFIX_META_FORMAT));	\
	MODULE_INFO(livefix_version, __stringify(LIVEFIX_FIX_VERSION));	\
	const struct livefix_fix_desc livefix_this_fix = {		\
		.format = LIVEFIX_META_FORMAT,				\
		.id = LIVEFIX_ID,					\
		.target = LIVEFIX_TARGET,				\
		.cves = LIVEFIX_CVES,					\
		.replace = LIVEFIX_REPLACE,				\
		.version = LIVEFIX_FIX_VERSION,				\
		.objs = (fix_objs),					\
	}

#endif /* LIVEFIX_PATCH_H */
