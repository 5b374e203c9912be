// SPDX-License-Identifier: GPL-2.0
/*
 * The skeleton linked into every livefix patch module: it builds the klp
 * tables from the fix's const description and asks livefix.ko to apply
 * them. The description stays const so it can be read (and later
 * fingerprinted) as data; klp needs tables it can write to.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <livefix/core.h>

static struct klp_patch *livefix_hook_patch;
/* Only replacing fixes carry the version: klp compares it across all. */
static struct klp_state livefix_hook_states[2];

static size_t count_objs(const struct livefix_object_desc *objs)
{
	size_t n = 0;

	while (objs[n].funcs)
		n++;
	return n;
}

static size_t count_funcs(const struct livefix_func_desc *funcs)
{
	size_t n = 0;

	while (funcs[n].old_name)
		n++;
	return n;
}

static void livefix_hook_free(struct klp_patch *patch)
{
	struct klp_object *obj;

	if (!patch)
		return;
	if (patch->objs) {
		for (obj = patch->objs; obj->funcs; obj++)
			kfree(obj->funcs);
		kfree(patch->objs);
	}
	kfree(patch);
}

static struct klp_patch *livefix_hook_build(const struct livefix_fix_desc *desc)
{
	size_t nobjs = count_objs(desc->objs);
	struct klp_patch *patch;
	size_t i, j;

	if (!nobjs)
		return ERR_PTR(-EINVAL);

	patch = kzalloc(sizeof(*patch), GFP_KERNEL);
	if (!patch)
		return ERR_PTR(-ENOMEM);
	patch->mod = THIS_MODULE;
	patch->replace = desc->replace;
	if (desc->replace) {
		livefix_hook_states[0].id = LIVEFIX_KLP_STATE;
		livefix_hook_states[0].version = desc->version;
		patch->states = livefix_hook_states;
	}
	/* One extra, zeroed entry ends each array, as klp expects. */
	patch->objs = kcalloc(nobjs + 1, sizeof(*patch->objs), GFP_KERNEL);
	if (!patch->objs)
		goto err;

	for (i = 0; i < nobjs; i++) {
		const struct livefix_object_desc *od = &desc->objs[i];
		size_t nfuncs = count_funcs(od->funcs);
		struct klp_func *funcs;

		if (!nfuncs) {
			pr_err("object %s replaces no function\n",
			       od->name ? od->name : "vmlinux");
			livefix_hook_free(patch);
			return ERR_PTR(-EINVAL);
		}
		funcs = kcalloc(nfuncs + 1, sizeof(*funcs), GFP_KERNEL);
		if (!funcs)
			goto err;
		for (j = 0; j < nfuncs; j++) {
			funcs[j].old_name = od->funcs[j].old_name;
			funcs[j].new_func = od->funcs[j].new_func;
			funcs[j].old_sympos = od->funcs[j].sympos;
		}
		patch->objs[i].name = od->name;
		patch->objs[i].funcs = funcs;
		patch->objs[i].callbacks = od->callbacks;
	}
	return patch;

err:
	livefix_hook_free(patch);
	return ERR_PTR(-ENOMEM);
}

static int __init livefix_hook_init(void)
{
	struct klp_patch *patch;
	int ret;

	patch = livefix_hook_build(&livefix_this_fix);
	if (IS_ERR(patch))
		return PTR_ERR(patch);

	ret = livefix_apply(THIS_MODULE, patch, &livefix_this_fix);
	if (ret) {
		livefix_hook_free(patch);
		return ret;
	}
	livefix_hook_patch = patch;
	return 0;
}

static void __exit livefix_hook_exit(void)
{
	livefix_release(livefix_hook_patch);
	livefix_hook_free(livefix_hook_patch);
}

module_init(livefix_hook_init);
module_exit(livefix_hook_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
