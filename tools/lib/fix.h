/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_FIX_H
#define LF_FIX_H

#include <signal.h>

#include "env.h"
#include "err.h"
#include "kmodops.h"
#include "modname.h"

/*
 * Load and unload as all-or-nothing transactions: a load either ends with
 * the fix live, or with nothing of it left in the kernel. Every failure is
 * described in @err as one line naming the file or fix at fault.
 */

#define LF_DEFAULT_TIMEOUT_S 30.0
#define LF_DEFAULT_POLL_MS 20
/* After interrupting the blockers: klp retries its transition every second. */
#define LF_DEFAULT_KICK_GRACE_S 10.0

struct lf_tasks;

/*
 * A patching transition that has not completed within timeout_s is given
 * a second chance: the tasks holding it back are reported, interrupted
 * (when @interrupt is set), and waited for another kick_grace_s. Only then
 * is it reversed.
 */
struct lf_load_req {
	const char *path;
	double timeout_s;		/* for the patch transition */
	double revert_timeout_s;	/* 0: max(timeout_s, 10 s) */
	double kick_grace_s;		/* 0: LF_DEFAULT_KICK_GRACE_S */
	unsigned int poll_ms;		/* 0: LF_DEFAULT_POLL_MS */
	unsigned int appear_ms;		/* 0: 1000 */
	unsigned int report_ms;		/* 0: 1000; between blocker scans */
	const volatile sig_atomic_t *cancel;
	/*
	 * Progress while waiting, one line each ("waiting for ..."); may be
	 * NULL. The library itself never prints.
	 */
	void (*progress)(void *data, const char *line);
	/*
	 * Kick the blocking tasks out of the kernel; returns how many it
	 * interrupted. NULL: do not touch them (tests on a fake /proc).
	 * lf_fix_interrupt_tasks is the real one.
	 */
	int (*interrupt)(void *data, const struct lf_tasks *blockers);
	void *data;
};

struct lf_load_result {
	char name[LF_MODNAME_MAX];
	double seconds;			/* insert until live */
	int interrupted;		/* tasks kicked to get there */
};

/* lf_tasks_interrupt() with a short wait for each task to stop. */
int lf_fix_interrupt_tasks(void *data, const struct lf_tasks *blockers);

int lf_fix_load(const struct lf_env *env, const struct lf_kmod_ops *ops,
		const struct lf_load_req *req, struct lf_load_result *res,
		struct lf_err *err);

struct lf_unload_req {
	const char *name;		/* name, name-with-dashes or x.ko path */
	double timeout_s;
	unsigned int poll_ms;
	const volatile sig_atomic_t *cancel;
};

struct lf_unload_result {
	char name[LF_MODNAME_MAX];
};

int lf_fix_unload(const struct lf_env *env, const struct lf_kmod_ops *ops,
		  const struct lf_unload_req *req, struct lf_unload_result *res,
		  struct lf_err *err);

/* Is <sysfs>/module/<name> tainted 'K', i.e. loaded as a livepatch? */
int lf_module_state(const char *sysfs, const char *name, bool *loaded,
		    bool *livepatch);

#endif
