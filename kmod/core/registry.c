// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of fixes: one kobject per fix under
 * /sys/kernel/livefix/fixes/<fix>/, alive from livefix_apply() until the
 * patch module goes away.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "internal.h"

static struct kset *livefix_fixes;
static LIST_HEAD(livefix_entries);
static DEFINE_MUTEX(livefix_registry_lock);

static const char * const livefix_state_names[] = {
	[LIVEFIX_STATE_VETTING] = "vetting",
	[LIVEFIX_STATE_LIVE] = "live",
	[LIVEFIX_STATE_REVERTING] = "reverting",
	[LIVEFIX_STATE_REVERTED] = "reverted",
	[LIVEFIX_STATE_REFUSED] = "refused",
};

static struct livefix_entry *to_entry(struct kobject *kobj)
{
	return container_of(kobj, struct livefix_entry, kobj);
}

static ssize_t id_show(struct kobject *kobj, struct kobj_attribute *attr,
		       char *buf)
{
	return sysfs_emit(buf, "%s\n", to_entry(kobj)->desc->id);
}

static ssize_t target_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", to_entry(kobj)->desc->target);
}

static ssize_t cves_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", to_entry(kobj)->desc->cves);
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct livefix_entry *entry = to_entry(kobj);
	enum livefix_state state = READ_ONCE(entry->state);

	/*
	 * A fix disabled through /sys/kernel/livepatch never tells us; klp
	 * clears patch->enabled once the unpatch transition has finished.
	 */
	if (state == LIVEFIX_STATE_LIVE && !READ_ONCE(entry->patch->enabled))
		state = LIVEFIX_STATE_REVERTED;
	return sysfs_emit(buf, "%s\n", livefix_state_names[state]);
}

static struct kobj_attribute id_attr = __ATTR_RO(id);
static struct kobj_attribute target_attr = __ATTR_RO(target);
static struct kobj_attribute cves_attr = __ATTR_RO(cves);
static struct kobj_attribute state_attr = __ATTR_RO(state);

static struct attribute *livefix_entry_attrs[] = {
	&id_attr.attr,
	&target_attr.attr,
	&cves_attr.attr,
	&state_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(livefix_entry);

static void livefix_entry_release(struct kobject *kobj)
{
	kfree(to_entry(kobj));
}

static const struct kobj_type livefix_entry_ktype = {
	.release = livefix_entry_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = livefix_entry_groups,
};

struct livefix_entry *livefix_registry_add(struct module *mod,
					   struct klp_patch *patch,
					   const struct livefix_fix_desc *desc)
{
	struct livefix_entry *entry;
	int ret;

	entry = kzalloc(sizeof(*entry), GFP_KERNEL);
	if (!entry)
		return ERR_PTR(-ENOMEM);

	entry->mod = mod;
	entry->patch = patch;
	entry->desc = desc;
	entry->state = LIVEFIX_STATE_VETTING;
	entry->kobj.kset = livefix_fixes;

	ret = kobject_init_and_add(&entry->kobj, &livefix_entry_ktype, NULL,
				   "%s", mod->name);
	if (ret) {
		kobject_put(&entry->kobj);
		return ERR_PTR(ret);
	}

	mutex_lock(&livefix_registry_lock);
	list_add_tail(&entry->node, &livefix_entries);
	mutex_unlock(&livefix_registry_lock);
	return entry;
}

struct livefix_entry *livefix_registry_find(struct klp_patch *patch)
{
	struct livefix_entry *entry, *found = NULL;

	mutex_lock(&livefix_registry_lock);
	list_for_each_entry(entry, &livefix_entries, node) {
		if (entry->patch == patch) {
			found = entry;
			break;
		}
	}
	mutex_unlock(&livefix_registry_lock);
	return found;
}

void livefix_registry_remove(struct livefix_entry *entry)
{
	mutex_lock(&livefix_registry_lock);
	list_del(&entry->node);
	mutex_unlock(&livefix_registry_lock);
	/* kobject_del() waits for sysfs readers that may still use ->desc. */
	kobject_del(&entry->kobj);
	kobject_put(&entry->kobj);
}

void livefix_set_state(struct livefix_entry *entry, enum livefix_state state)
{
	WRITE_ONCE(entry->state, state);
	pr_info("audit: fix=%s id=%s state=%s\n", entry->mod->name,
		entry->desc->id, livefix_state_names[state]);
}

/*
 * Minimal version for the health watch; the registry keeps the reason
 * and the time once it records reverts itself.
 */
void livefix_registry_note_revert(struct livefix_entry *entry,
				  const char *reason)
{
	WRITE_ONCE(entry->state, LIVEFIX_STATE_REVERTING);
	pr_info("audit: fix=%s id=%s state=%s reason=\"%s\"\n",
		entry->mod->name, entry->desc->id,
		livefix_state_names[LIVEFIX_STATE_REVERTING], reason);
}

int livefix_registry_init(struct kobject *root)
{
	livefix_fixes = kset_create_and_add("fixes", NULL, root);
	return livefix_fixes ? 0 : -ENOMEM;
}

void livefix_registry_exit(void)
{
	/* Patch modules depend on us, so none can be registered here. */
	WARN_ON(!list_empty(&livefix_entries));
	kset_unregister(livefix_fixes);
}
