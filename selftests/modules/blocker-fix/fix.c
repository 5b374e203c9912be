// SPDX-License-Identifier: GPL-2.0
/*
 * Test fix for lf_test_blocker: its replacement never sleeps, so a read
 * that enters the patched version returns at once with "fixed". Whether
 * the transition completes depends on the tasks still sleeping in the old
 * one.
 */
#include <linux/string.h>

#define LIVEFIX_ID "selftest-blocker"
#include "livefix-patch.h"

static int lf_test_blocker_fix_hold(bool killable, char *msg, size_t size)
{
	strscpy(msg, "fixed\n", size);
	return 0;
}

static const struct livefix_func_desc blocker_funcs[] = {
	LIVEFIX_FUNC(lf_test_blocker_hold, lf_test_blocker_fix_hold),
	{ }
};

static const struct livefix_object_desc objects[] = {
	LIVEFIX_MODULE(lf_test_blocker, blocker_funcs),
	{ }
};

LIVEFIX_FIX(objects);
