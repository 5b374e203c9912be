// SPDX-License-Identifier: GPL-2.0
/*
 * The entry points patch modules call: vet and record a fix, then hand
 * it to the livepatch core; and forget it when the module goes away.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/livepatch.h>
#include <linux/module.h>

#include "internal.h"

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

	ret = livefix_vet(entry);
	if (ret)
		goto err_remove;

	ret = klp_enable_patch(patch);
	if (ret) {
		pr_err("fix=%s: klp_enable_patch failed: %d\n", mod->name, ret);
		goto err_remove;
	}

	livefix_set_state(entry, LIVEFIX_STATE_LIVE);
	livefix_health_watch(entry);
	return 0;

err_remove:
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
	/*
	 * klp has finished with the patch before its module can go. An
	 * auto-revert has already logged the change.
	 */
	if (READ_ONCE(entry->state) != LIVEFIX_STATE_REVERTED)
		livefix_set_state(entry, LIVEFIX_STATE_REVERTED);
	livefix_registry_remove(entry);
}
EXPORT_SYMBOL_GPL(livefix_release);
