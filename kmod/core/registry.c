// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of fixes: one kobject per fix under
 * /sys/kernel/livefix/fixes/<fix>/, alive from livefix_apply() until the
 * patch module goes away. Every state change is one audit line.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/timekeeping.h>

#include "internal.h"

static struct kset *livefix_fixes;
static LIST_HEAD(livefix_entries);
/* Guards the list and every entry's state, times and reason. */
static DEFINE_MUTEX(livefix_registry_lock);

static const char * const livefix_state_names[] = {
	[LIVEFIX_STATE_VETTING] = "vetting",
	[LIVEFIX_STATE_TRANSITIONING] = "transitioning",
	[LIVEFIX_STATE_LIVE] = "live",
	[LIVEFIX_STATE_REVERTING] = "reverting",
	[LIVEFIX_STATE_REVERTED] = "reverted",
	[LIVEFIX_STATE_REFUSED] = "refused",
	[LIVEFIX_STATE_REPLACED] = "replaced",
};

static const char * const livefix_fp_names[] = {
	[LIVEFIX_FP_UNRECORDED] = "unrecorded",
	[LIVEFIX_FP_PENDING] = "pending",
	[LIVEFIX_FP_MATCH] = "match",
	[LIVEFIX_FP_MISMATCH] = "mismatch",
};

const char *livefix_state_name(enum livefix_state state)
{
	return state < LIVEFIX_NR_STATES ? livefix_state_names[state] : "?";
}

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

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n", to_entry(kobj)->desc->version);
}

static ssize_t replace_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", to_entry(kobj)->desc->replace);
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  livefix_state_name(READ_ONCE(to_entry(kobj)->state)));
}

/* One line per replaced function: object function,sympos fingerprint. */
static ssize_t functions_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	struct livefix_entry *entry = to_entry(kobj);
	const struct livefix_object_desc *od;
	const struct livefix_func_desc *fd;
	unsigned int k = 0;
	int len = 0;

	for (od = entry->desc->objs; od->funcs; od++)
		for (fd = od->funcs; fd->old_name; fd++, k++)
			len += sysfs_emit_at(buf, len, "%s %s,%lu %s\n",
					     od->name ? od->name : "vmlinux",
					     fd->old_name, fd->sympos,
					     livefix_fp_names[READ_ONCE(entry->fp[k])]);
	return len;
}

/* 1: the kernel verified the module's signature against a trusted key. */
static ssize_t sig_ok_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%d\n", to_entry(kobj)->sig_ok);
}

static ssize_t applied_at_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", READ_ONCE(to_entry(kobj)->applied_at));
}

static ssize_t reverted_at_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", READ_ONCE(to_entry(kobj)->reverted_at));
}

static ssize_t revert_reason_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	struct livefix_entry *entry = to_entry(kobj);
	ssize_t ret;

	mutex_lock(&livefix_registry_lock);
	ret = sysfs_emit(buf, "%s\n", entry->revert_reason);
	mutex_unlock(&livefix_registry_lock);
	return ret;
}

static struct kobj_attribute id_attr = __ATTR_RO(id);
static struct kobj_attribute target_attr = __ATTR_RO(target);
static struct kobj_attribute cves_attr = __ATTR_RO(cves);
static struct kobj_attribute version_attr = __ATTR_RO(version);
static struct kobj_attribute replace_attr = __ATTR_RO(replace);
static struct kobj_attribute state_attr = __ATTR_RO(state);
static struct kobj_attribute functions_attr = __ATTR_RO(functions);
static struct kobj_attribute sig_ok_attr = __ATTR_RO(sig_ok);
static struct kobj_attribute applied_at_attr = __ATTR_RO(applied_at);
static struct kobj_attribute reverted_at_attr = __ATTR_RO(reverted_at);
static struct kobj_attribute revert_reason_attr = __ATTR_RO(revert_reason);

static struct attribute *livefix_entry_attrs[] = {
	&id_attr.attr,
	&target_attr.attr,
	&cves_attr.attr,
	&version_attr.attr,
	&replace_attr.attr,
	&state_attr.attr,
	&functions_attr.attr,
	&sig_ok_attr.attr,
	&applied_at_attr.attr,
	&reverted_at_attr.attr,
	&revert_reason_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(livefix_entry);

static void livefix_entry_release(struct kobject *kobj)
{
	struct livefix_entry *entry = to_entry(kobj);

	kfree(entry->fp);
	kfree(entry);
}

static const struct kobj_type livefix_entry_ktype = {
	.release = livefix_entry_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = livefix_entry_groups,
};

unsigned int livefix_func_index(const struct livefix_entry *entry,
				unsigned int obj)
{
	const struct livefix_func_desc *fd;
	unsigned int i, k = 0;

	for (i = 0; i < obj; i++)
		for (fd = entry->desc->objs[i].funcs; fd->old_name; fd++)
			k++;
	return k;
}

static void livefix_entry_count(struct livefix_entry *entry)
{
	const struct livefix_object_desc *od;
	const struct livefix_func_desc *fd;

	for (od = entry->desc->objs; od->funcs; od++) {
		entry->nobjs++;
		for (fd = od->funcs; fd->old_name; fd++)
			entry->nfuncs++;
	}
}

struct livefix_entry *livefix_registry_add(struct module *mod,
					   struct klp_patch *patch,
					   const struct livefix_fix_desc *desc)
{
	const struct livefix_object_desc *od;
	const struct livefix_func_desc *fd;
	struct livefix_entry *entry;
	unsigned int k = 0;
	int ret;

	entry = kzalloc(sizeof(*entry), GFP_KERNEL);
	if (!entry)
		return ERR_PTR(-ENOMEM);

	entry->mod = mod;
	entry->patch = patch;
	entry->desc = desc;
	entry->sig_ok = livefix_sig_ok(mod);
	entry->state = LIVEFIX_STATE_VETTING;
	entry->kobj.kset = livefix_fixes;
	/* A description in another format is refused before it is read. */
	if (desc->format == LIVEFIX_META_FORMAT)
		livefix_entry_count(entry);
	entry->fp = kcalloc(entry->nfuncs ? entry->nfuncs : 1,
			    sizeof(*entry->fp), GFP_KERNEL);
	if (!entry->fp) {
		kfree(entry);
		return ERR_PTR(-ENOMEM);
	}
	if (entry->nfuncs)
		for (od = desc->objs; od->funcs; od++)
			for (fd = od->funcs; fd->old_name; fd++)
				entry->fp[k++] = fd->preimage ?
					LIVEFIX_FP_PENDING : LIVEFIX_FP_UNRECORDED;

	ret = kobject_init_and_add(&entry->kobj, &livefix_entry_ktype, NULL,
				   "%s", mod->name);
	if (ret) {
		kobject_put(&entry->kobj);
		return ERR_PTR(ret);
	}

	mutex_lock(&livefix_registry_lock);
	list_add_tail(&entry->node, &livefix_entries);
	mutex_unlock(&livefix_registry_lock);
	pr_info("audit: fix=%s id=%s state=vetting version=%u cves=\"%s\" sig_ok=%d\n",
		mod->name, desc->format == LIVEFIX_META_FORMAT ? desc->id : "?",
		desc->format == LIVEFIX_META_FORMAT ? desc->version : 0,
		desc->format == LIVEFIX_META_FORMAT ? desc->cves : "",
		entry->sig_ok);
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

/* The fix whose klp tables hold @obj, and @obj's index in them. */
struct livefix_entry *livefix_registry_find_obj(struct klp_object *obj,
						unsigned int *idx)
{
	struct livefix_entry *entry, *found = NULL;

	mutex_lock(&livefix_registry_lock);
	list_for_each_entry(entry, &livefix_entries, node) {
		if (obj >= entry->patch->objs &&
		    obj < entry->patch->objs + entry->nobjs) {
			*idx = obj - entry->patch->objs;
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

static void livefix_audit(struct livefix_entry *entry)
{
	const char *id = entry->desc->format == LIVEFIX_META_FORMAT ?
			 entry->desc->id : "?";

	switch (entry->state) {
	case LIVEFIX_STATE_REVERTING:
	case LIVEFIX_STATE_REVERTED:
		pr_info("audit: fix=%s id=%s state=%s reason=\"%s\"\n",
			entry->mod->name, id,
			livefix_state_names[entry->state], entry->revert_reason);
		break;
	default:
		pr_info("audit: fix=%s id=%s state=%s\n", entry->mod->name, id,
			livefix_state_names[entry->state]);
		break;
	}
}

static void __livefix_set_state(struct livefix_entry *entry,
				enum livefix_state state)
{
	lockdep_assert_held(&livefix_registry_lock);
	if (entry->state == state)
		return;
	WRITE_ONCE(entry->state, state);
	livefix_audit(entry);
}

void livefix_set_state(struct livefix_entry *entry, enum livefix_state state)
{
	mutex_lock(&livefix_registry_lock);
	__livefix_set_state(entry, state);
	mutex_unlock(&livefix_registry_lock);
}

/* Move to @to only from a state in the mask @from; true if it moved. */
bool livefix_move_state(struct livefix_entry *entry, unsigned long from,
			enum livefix_state to)
{
	bool moved = false;

	mutex_lock(&livefix_registry_lock);
	if (BIT(entry->state) & from) {
		__livefix_set_state(entry, to);
		moved = true;
	}
	mutex_unlock(&livefix_registry_lock);
	return moved;
}

/*
 * The transition of @entry has completed. A replacing fix has by now
 * taken over from every earlier fix klp disabled on its behalf.
 */
void livefix_registry_note_live(struct livefix_entry *entry)
{
	struct livefix_entry *other;

	mutex_lock(&livefix_registry_lock);
	/* A revert reversed half-way (enabled again) ends live as well. */
	if (!(BIT(entry->state) & (LIVEFIX_STATE_BIT(VETTING) |
				   LIVEFIX_STATE_BIT(TRANSITIONING) |
				   LIVEFIX_STATE_BIT(REVERTING)))) {
		mutex_unlock(&livefix_registry_lock);
		return;
	}
	WRITE_ONCE(entry->applied_at, ktime_get_real_seconds());
	__livefix_set_state(entry, LIVEFIX_STATE_LIVE);
	if (entry->patch->replace) {
		list_for_each_entry(other, &livefix_entries, node) {
			if (other == entry || READ_ONCE(other->patch->enabled) ||
			    !(BIT(other->state) & (LIVEFIX_STATE_BIT(LIVE) |
						   LIVEFIX_STATE_BIT(TRANSITIONING))))
				continue;
			WRITE_ONCE(other->reverted_at, ktime_get_real_seconds());
			snprintf(other->revert_reason,
				 sizeof(other->revert_reason),
				 "replaced by %s", entry->mod->name);
			__livefix_set_state(other, LIVEFIX_STATE_REPLACED);
		}
	}
	mutex_unlock(&livefix_registry_lock);
}

/*
 * A revert of @entry is starting: record why, unless a reason is already
 * recorded (health watch and userspace may both ask for one).
 */
void livefix_registry_note_revert(struct livefix_entry *entry,
				  const char *reason)
{
	mutex_lock(&livefix_registry_lock);
	if (!(BIT(entry->state) & (LIVEFIX_STATE_BIT(LIVE) |
				   LIVEFIX_STATE_BIT(TRANSITIONING)))) {
		mutex_unlock(&livefix_registry_lock);
		return;
	}
	if (!entry->revert_reason[0] || reason)
		strscpy(entry->revert_reason, reason ? reason : "disabled",
			sizeof(entry->revert_reason));
	__livefix_set_state(entry, LIVEFIX_STATE_REVERTING);
	mutex_unlock(&livefix_registry_lock);
}

/* The unpatch transition of @entry has completed. */
void livefix_registry_note_reverted(struct livefix_entry *entry)
{
	mutex_lock(&livefix_registry_lock);
	if (BIT(entry->state) & (LIVEFIX_STATE_BIT(LIVE) |
				 LIVEFIX_STATE_BIT(TRANSITIONING) |
				 LIVEFIX_STATE_BIT(REVERTING))) {
		if (!entry->revert_reason[0])
			strscpy(entry->revert_reason, "disabled",
				sizeof(entry->revert_reason));
		WRITE_ONCE(entry->reverted_at, ktime_get_real_seconds());
		__livefix_set_state(entry, LIVEFIX_STATE_REVERTED);
	}
	mutex_unlock(&livefix_registry_lock);
}

/*
 * A replacing fix that @entry would replace and that has a higher
 * cumulative version: its version and name, and -ESTALE; 0 if none.
 */
int livefix_registry_newer(struct livefix_entry *entry, unsigned int *version,
			   char *name, size_t len)
{
	struct livefix_entry *other;
	int ret = 0;

	mutex_lock(&livefix_registry_lock);
	list_for_each_entry(other, &livefix_entries, node) {
		if (other == entry || !other->desc->replace ||
		    !(BIT(other->state) & (LIVEFIX_STATE_BIT(LIVE) |
					   LIVEFIX_STATE_BIT(TRANSITIONING))) ||
		    other->desc->version <= entry->desc->version)
			continue;
		*version = other->desc->version;
		strscpy(name, other->mod->name, len);
		ret = -ESTALE;
		break;
	}
	mutex_unlock(&livefix_registry_lock);
	return ret;
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
