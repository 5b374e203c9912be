/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_FIX_H
#define LF_FIX_H

#include <signal.h>

#include "env.h"
#include "err.h"
#include "kmodops.h"
#include "modname.h"
#include "transition.h"

/*
 * Load and unload as all-or-nothing transactions: a load either ends with
 * the fix live, or with nothing of it left in the kernel. Every failure is
 * described in @err as one line naming the file or fix at fault.
 */

#define LF_DEFAULT_TIMEOUT_S 30.0
#define LF_DEFAULT_POLL_MS 20
/*
 * A patching transition that has not completed within timeout_s is given
 * a second chance through @hooks (see transition.h): the tasks holding it
 * back are reported, interrupted, and waited for a little more. Only then
 * is it reversed. Unloading does the same for the unpatching transition.
 */
struct lf_load_req {
	const char *path;
	double timeout_s;		/* for the patch transition */
	double revert_timeout_s;	/* 0: max(timeout_s, 10 s) */
	unsigned int poll_ms;		/* 0: LF_DEFAULT_POLL_MS */
	unsigned int appear_ms;		/* 0: 1000 */
	const volatile sig_atomic_t *cancel;
	const struct lf_transition_hooks *hooks;	/* may be NULL */
};

struct lf_load_result {
	char name[LF_MODNAME_MAX];
	double seconds;			/* insert until live */
	int interrupted;		/* tasks kicked to get there */
};

int lf_fix_load(const struct lf_env *env, const struct lf_kmod_ops *ops,
		const struct lf_load_req *req, struct lf_load_result *res,
		struct lf_err *err);

struct lf_unload_req {
	const char *name;		/* name, name-with-dashes or x.ko path */
	double timeout_s;
	unsigned int poll_ms;
	const volatile sig_atomic_t *cancel;
	const struct lf_transition_hooks *hooks;	/* may be NULL */
};

struct lf_unload_result {
	char name[LF_MODNAME_MAX];
	int interrupted;		/* tasks kicked to get there */
};

int lf_fix_unload(const struct lf_env *env, const struct lf_kmod_ops *ops,
		  const struct lf_unload_req *req, struct lf_unload_result *res,
		  struct lf_err *err);

/* Is <sysfs>/module/<name> tainted 'K', i.e. loaded as a livepatch? */
int lf_module_state(const char *sysfs, const char *name, bool *loaded,
		    bool *livepatch);

#endif
