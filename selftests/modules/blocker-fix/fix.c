// SPDX-License-Identifier: GPL-2.0
/*
 * Test fix for lf_test_blocker. Its replacement answers "fixed" at once,
 * so whether the patching transition completes depends only on the tasks
 * still sleeping in the old function. Except for the killable variant:
 * that one sleeps interruptibly in the replacement until a signal, so a
 * task in the fix's own code can hold back its unpatching.
 */
#include <linux/string.h>
#include <linux/wait.h>

#define LIVEFIX_ID "selftest-blocker"
#include "livefix-patch.h"

static DECLARE_WAIT_QUEUE_HEAD(lf_test_blocker_fix_wq);

static int lf_test_blocker_fix_hold(bool killable, char *msg, size_t size)
{
	/* -ERESTARTSYS: the read restarts, in whichever version is current. */
	if (killable)
		return wait_event_interruptible(lf_test_blocker_fix_wq, false);
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
