// SPDX-License-Identifier: GPL-2.0
/*
 * Test module: WARNs once when loaded, so the harness can prove that a
 * WARN in the guest fails the run.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init lf_test_warn_init(void)
{
	WARN(1, "livefix selftest: deliberate WARN\n");
	return 0;
}

static void __exit lf_test_warn_exit(void)
{
}

module_init(lf_test_warn_init);
module_exit(lf_test_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("livefix selftest: WARN on load");
