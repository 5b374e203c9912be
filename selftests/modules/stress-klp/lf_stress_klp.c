// SPDX-License-Identifier: GPL-2.0
/*
 * The baseline for bench/apply: the example fix's change
 * (examples/demo-version) as a plain hand-written klp module, with no
 * livefix.ko involved, so the bench can tell livefix's own cost from
 * the livepatch core's.
 */
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/utsname.h>

static int lf_stress_klp_version_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s version %s %s [toolchain redacted]\n",
		   utsname()->sysname, utsname()->release,
		   utsname()->version);
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "version_proc_show",
		.new_func = lf_stress_klp_version_proc_show,
	},
	{ }
};

static struct klp_object objs[] = {
	{
		.funcs = funcs,
	},
	{ }
};

/* Replace, like the example fix, so both do the same work. */
static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int __init lf_stress_klp_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit lf_stress_klp_exit(void)
{
}

module_init(lf_stress_klp_init);
module_exit(lf_stress_klp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("livefix bench: the example fix as a plain klp module");
MODULE_INFO(livepatch, "Y");
