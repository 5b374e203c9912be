// SPDX-License-Identifier: GPL-2.0
/*
 * livefix.ko: the gate every livefix patch passes through on its way to
 * the kernel's livepatch core. This file only sets up /sys/kernel/livefix.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/sysfs.h>

#include "internal.h"

static struct kobject *livefix_root;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", LIVEFIX_VERSION);
}

static ssize_t policy_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return livefix_policy_show(buf);
}

static ssize_t policy_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	int ret = livefix_policy_store(buf, count);

	return ret ? ret : count;
}

static ssize_t refusals_show(struct kobject *kobj,
			     struct kobj_attribute *attr, char *buf)
{
	return livefix_refusals_show(buf);
}

static struct kobj_attribute version_attr = __ATTR_RO(version);
static struct kobj_attribute policy_attr = __ATTR_RW_MODE(policy, 0644);
static struct kobj_attribute refusals_attr = __ATTR_RO(refusals);

static struct attribute *livefix_root_attrs[] = {
	&version_attr.attr,
	&policy_attr.attr,
	&refusals_attr.attr,
	NULL,
};

static const struct attribute_group livefix_root_group = {
	.attrs = livefix_root_attrs,
};

static int __init livefix_init(void)
{
	int ret;

	ret = livefix_policy_init();
	if (ret)
		return ret;

	livefix_root = kobject_create_and_add("livefix", kernel_kobj);
	if (!livefix_root)
		return -ENOMEM;

	ret = sysfs_create_group(livefix_root, &livefix_root_group);
	if (ret)
		goto err_put;

	ret = livefix_registry_init(livefix_root);
	if (ret)
		goto err_put;

	ret = livefix_health_init();
	if (ret)
		goto err_registry;

	ret = livefix_gate_init();
	if (ret) {
		livefix_health_exit();
		goto err_registry;
	}

	pr_info("version %s ready\n", LIVEFIX_VERSION);
	return 0;

err_registry:
	livefix_registry_exit();
err_put:
	kobject_put(livefix_root);
	return ret;
}

static void __exit livefix_exit(void)
{
	livefix_gate_exit();
	livefix_health_exit();
	livefix_registry_exit();
	kobject_put(livefix_root);
}

module_init(livefix_init);
module_exit(livefix_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("livefix: vetted live patching on top of klp");
MODULE_VERSION(LIVEFIX_VERSION);
