// SPDX-License-Identifier: GPL-2.0
/*
 * Compile check for <livefix/fix.h>: every macro, used the way a fix
 * would, must build cleanly with the distro's flags. Never loaded.
 */
#include <linux/module.h>
#include <livefix/fix.h>

LIVEFIX_SHADOW(lf_test_budget, int, 0x6c660001);

static int lf_test_pre_patch(struct klp_object *obj)
{
	LIVEFIX_PRINTK("pre-patch %s\n", obj->name ? obj->name : "vmlinux");
	return 0;
}

LIVEFIX_PRE_PATCH(lf_test_pre_patch);

static void lf_test_post_unpatch(struct klp_object *obj)
{
	lf_test_budget_free_all();
}

LIVEFIX_POST_UNPATCH(lf_test_post_unpatch);

static noinline int lf_test_helper(void *obj)
{
	int *b = lf_test_budget_get_or_alloc(obj, GFP_KERNEL);

	if (!b)
		return -ENOMEM;
	*b += 1;
	return lf_test_budget_get(obj) ? 0 : -ENOENT;
}

LIVEFIX_IGNORE_FUNCTION(lf_test_helper);
LIVEFIX_FORCE_FUNCTION(lf_test_pre_patch);
LIVEFIX_IGNORE_SECTION(".text.unlikely");

LIVEFIX_SYSCALL_DEFINE1(lf_test_syscall, int, x)
{
	return x + 1;
}

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("livefix selftest: <livefix/fix.h> compiles");
