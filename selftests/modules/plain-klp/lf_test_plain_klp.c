// SPDX-License-Identifier: GPL-2.0
/*
 * Test module: an ordinary klp livepatch that does not go through
 * livefix.ko, for the require_metadata policy to refuse.
 */
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/utsname.h>

static int lf_plain_version_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s version %s [plain klp]\n", utsname()->sysname,
		   utsname()->release);
	return 0;
}

static struct klp_func lf_plain_funcs[] = {
	{ .old_name = "version_proc_show", .new_func = lf_plain_version_show },
	{ }
};

static struct klp_object lf_plain_objs[] = {
	{ .funcs = lf_plain_funcs },
	{ }
};

static struct klp_patch lf_plain_patch = {
	.mod = THIS_MODULE,
	.objs = lf_plain_objs,
};

static int __init lf_plain_init(void)
{
	return klp_enable_patch(&lf_plain_patch);
}

static void __exit lf_plain_exit(void)
{
}

module_init(lf_plain_init);
module_exit(lf_plain_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("livefix selftest: a klp patch without livefix");
