/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_TRANSITION_H
#define LF_TRANSITION_H

#include <stdbool.h>
#include <stddef.h>

#include "env.h"
#include "klp.h"
#include "tasks.h"

/* After interrupting the blockers: klp retries its transition every second. */
#define LF_DEFAULT_KICK_GRACE_S 10.0

/*
 * What a load or unload does about a klp transition that hangs: report the
 * tasks holding it back while it waits, and once the timeout passed,
 * interrupt those that can be interrupted and give it kick_grace_s more.
 */
struct lf_transition_hooks {
	/*
	 * Progress, one line each ("NAME: transition waits for ..."); may
	 * be NULL. The library itself never prints.
	 */
	void (*progress)(void *data, const char *line);
	/*
	 * Kick the interruptible blockers out of the kernel; returns how
	 * many it interrupted, or a negative errno. NULL: leave them alone
	 * (tests on a fake /proc). lf_transition_interrupt is the real one.
	 */
	int (*interrupt)(void *data, const struct lf_tasks *blockers);
	void *data;
	double kick_grace_s;		/* 0: LF_DEFAULT_KICK_GRACE_S */
	unsigned int report_ms;		/* 0: 1000; between blocker scans */
};

/* lf_tasks_interrupt() with a short wait for each task to stop. */
int lf_transition_interrupt(void *data, const struct lf_tasks *blockers);

struct lf_transition {
	const struct lf_env *env;
	const char *name;		/* the patch */
	/*
	 * LF_PATCH_STATE_PATCHED: wait until the patch is live;
	 * LF_PATCH_STATE_UNPATCHED: until it is disabled and gone.
	 */
	int target;
	struct lf_klp_wait wait;
	const struct lf_transition_hooks *hooks;	/* may be NULL */
};

struct lf_transition_result {
	int interrupted;		/* tasks kicked to get there */
	/* On -ETIMEDOUT: " (blocked by 12 (cat) in foo_read ...)" or "". */
	char blockers[600];
};

/*
 * Wait as lf_klp_wait_live() (PATCHED) or lf_klp_wait_gone() (UNPATCHED)
 * do, and return what they return; @last is the last status seen. The
 * timeout in t->wait covers the wait before interrupting; the grace after
 * it ends early once only tasks that were not interrupted still block.
 */
int lf_transition_wait(const struct lf_transition *t,
		       struct lf_klp_status *last,
		       struct lf_transition_result *res);

/* " (blocked by LIST)" for the tasks not yet at @target, or "". */
void lf_transition_blockers(const struct lf_env *env, const char *name,
			    int target, char *buf, size_t size);

#endif
