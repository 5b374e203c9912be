// SPDX-License-Identifier: GPL-2.0
/*
 * livefix.ko's own klp callbacks, installed on every object of a fix in
 * place of the author's, which they call. klp has no other way to tell a
 * module that a transition has finished or that an object's old
 * functions are resolved, so these are where the fingerprint check runs
 * and where the registry learns that a fix went live or was reverted.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>

#include "internal.h"

static const struct klp_callbacks *
livefix_author_callbacks(struct livefix_entry *entry, unsigned int idx)
{
	return &entry->desc->objs[idx].callbacks;
}

static int livefix_pre_patch(struct klp_object *obj)
{
	struct livefix_entry *entry;
	unsigned int idx;
	int ret;

	entry = livefix_registry_find_obj(obj, &idx);
	if (!entry)
		return -ENOENT;
	ret = livefix_fingerprint_object(entry, idx, obj);
	if (ret)
		return ret;
	if (livefix_author_callbacks(entry, idx)->pre_patch)
		return livefix_author_callbacks(entry, idx)->pre_patch(obj);
	return 0;
}

static void livefix_post_patch(struct klp_object *obj)
{
	struct livefix_entry *entry;
	unsigned int idx;

	entry = livefix_registry_find_obj(obj, &idx);
	if (!entry)
		return;
	if (livefix_author_callbacks(entry, idx)->post_patch)
		livefix_author_callbacks(entry, idx)->post_patch(obj);
	livefix_registry_note_live(entry);
}

/*
 * klp also runs the unpatch callbacks of one object when its module goes
 * away (or fails to come in) while the patch stays enabled: that is no
 * revert of the fix.
 */
static bool livefix_module_leaving(struct klp_object *obj)
{
	return obj->name && obj->mod && obj->mod->state != MODULE_STATE_LIVE;
}

static void livefix_pre_unpatch(struct klp_object *obj)
{
	struct livefix_entry *entry;
	unsigned int idx;

	entry = livefix_registry_find_obj(obj, &idx);
	if (!entry)
		return;
	if (!livefix_module_leaving(obj))
		livefix_registry_note_revert(entry, NULL);
	if (livefix_author_callbacks(entry, idx)->pre_unpatch)
		livefix_author_callbacks(entry, idx)->pre_unpatch(obj);
}

static void livefix_post_unpatch(struct klp_object *obj)
{
	struct livefix_entry *entry;
	unsigned int idx;

	entry = livefix_registry_find_obj(obj, &idx);
	if (!entry)
		return;
	if (livefix_author_callbacks(entry, idx)->post_unpatch)
		livefix_author_callbacks(entry, idx)->post_unpatch(obj);
	if (!livefix_module_leaving(obj))
		livefix_registry_note_reverted(entry);
}

void livefix_callbacks_install(struct livefix_entry *entry)
{
	unsigned int i;

	for (i = 0; i < entry->nobjs; i++) {
		struct klp_callbacks *cb = &entry->patch->objs[i].callbacks;

		cb->pre_patch = livefix_pre_patch;
		cb->post_patch = livefix_post_patch;
		cb->pre_unpatch = livefix_pre_unpatch;
		cb->post_unpatch = livefix_post_unpatch;
	}
}
