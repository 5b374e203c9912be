// SPDX-License-Identifier: GPL-2.0
/*
 * The entry points patch modules call: vet and record a fix, then hand
 * it to the livepatch core; and forget it when the module goes away.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/mutex.h>

#include "internal.h"

/* One fix at a time from vetting to a started transition. */
static DEFINE_MUTEX(livefix_apply_lock);

static bool livefix_any_object_loaded(struct klp_patch *patch)
{
	struct klp_object *obj;

	for (obj = patch->objs; obj->funcs; obj++)
		if (!obj->name || obj->mod)
			return true;
	return false;
}

int livefix_apply(struct module *mod, struct klp_patch *patch,
		  const struct livefix_fix_desc *desc)
{
	struct livefix_entry *entry;
	int ret;

	if (!mod || !patch || !desc || patch->mod != mod)
		return -EINVAL;

	entry = livefix_registry_add(mod, patch, desc);
	if (IS_ERR(entry))
		return PTR_ERR(entry);

	mutex_lock(&livefix_apply_lock);
	ret = livefix_vet(entry);
	if (ret)
		goto err_refused;

	livefix_callbacks_install(entry);
	ret = klp_enable_patch(patch);
	if (ret) {
		/*
		 * A fingerprint refusal has logged itself from pre_patch.
		 * Another patch's transition in progress (-EBUSY) is no
		 * verdict on this fix: the load may simply be retried, and
		 * the loader reports it as such.
		 */
		if (ret != -EBADMSG && ret != -EBUSY)
			livefix_refuse(mod->name, "klp",
				       "klp_enable_patch failed: %d", ret);
		goto err_refused;
	}
	livefix_move_state(entry, LIVEFIX_STATE_BIT(VETTING),
			   LIVEFIX_STATE_TRANSITIONING);
	/* Nothing to patch yet: klp runs no post_patch until a module loads. */
	if (!livefix_any_object_loaded(patch))
		livefix_registry_note_live(entry);
	mutex_unlock(&livefix_apply_lock);
	/* The window opens with the transition: a fault can come before it ends. */
	livefix_health_watch(entry);
	return 0;

err_refused:
	mutex_unlock(&livefix_apply_lock);
	livefix_set_state(entry, LIVEFIX_STATE_REFUSED);
	livefix_registry_remove(entry);
	return ret;
}
EXPORT_SYMBOL_GPL(livefix_apply);

void livefix_release(struct klp_patch *patch)
{
	struct livefix_entry *entry = livefix_registry_find(patch);

	if (WARN_ON(!entry))
		return;
	livefix_health_unwatch(entry);
	/* klp has finished with the patch before its module can go. */
	livefix_registry_note_reverted(entry);
	livefix_registry_remove(entry);
}
EXPORT_SYMBOL_GPL(livefix_release);
