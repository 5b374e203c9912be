// SPDX-License-Identifier: GPL-2.0-only
#include "fix.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "deadline.h"
#include "klp.h"
#include "modfile.h"
#include "modsig.h"
#include "refusal.h"
#include "sysfs.h"

#define LF_APPEAR_MS 1000
#define LF_MIN_REVERT_S 10.0

int lf_module_state(const char *sysfs, const char *name, bool *loaded,
		    bool *livepatch)
{
	char path[PATH_MAX], taint[64];
	int ret;

	*loaded = *livepatch = false;
	ret = lf_path(path, sizeof(path), "%s/module/%s", sysfs, name);
	if (ret)
		return ret;
	if (!lf_is_dir(path))
		return 0;
	*loaded = true;
	ret = lf_path(path, sizeof(path), "%s/module/%s/taint", sysfs, name);
	if (ret)
		return ret;
	ret = lf_read_text(path, taint, sizeof(taint));
	if (ret == -ENOENT)
		return 0;
	if (ret < 0)
		return ret;
	/* The kernel taints every module carrying livepatch=Y with 'K'. */
	*livepatch = strchr(taint, 'K') != NULL;
	return 0;
}

/*
 * Remove a module, retrying while the kernel still holds references: klp
 * drops its module reference only after the patch object is freed, which
 * happens asynchronously after the sysfs directory disappears.
 */
static int remove_until(const struct lf_kmod_ops *ops, const char *name,
			struct lf_deadline d, unsigned int poll_ms)
{
	for (;;) {
		int ret = ops->remove(ops->data, name);

		if (ret == -ENOENT)
			return 0;	/* already gone: the goal is reached */
		if (!lf_kmod_remove_is_transient(ret))
			return ret;
		if (lf_deadline_passed(d))
			return ret;
		lf_sleep_until_or(d, poll_ms);
	}
}

/*
 * Disable patch @name. klp refuses to disable a patch that is already
 * disabled (-EINVAL); when a concurrent unload got there first, that is
 * not an error for us: the patch is on its way out either way.
 */
static int disable_patch(const struct lf_env *env, const char *name)
{
	struct lf_klp_status st;
	int ret = lf_klp_set_enabled(env->sysfs, name, false);

	if (ret == -EINVAL && !lf_klp_read_status(env->sysfs, name, &st) &&
	    !st.enabled)
		return 0;
	return ret;
}

/*
 * Undo a load that did not make it to live. On failure @why says what is
 * left behind so the user can finish the job.
 */
static int revert_load(const struct lf_env *env, const struct lf_kmod_ops *ops,
		       const char *name, double budget_s, unsigned int poll_ms,
		       char *why, size_t size)
{
	struct lf_klp_wait w = {
		.deadline = lf_deadline_in(budget_s),
		.poll_ms = poll_ms,
	};
	struct lf_klp_status st;
	int ret;

	ret = lf_klp_read_status(env->sysfs, name, &st);
	if (!ret && st.present && st.enabled)
		ret = disable_patch(env, name);
	if (ret) {
		snprintf(why, size, "cannot disable patch %s: %s", name,
			 strerror(-ret));
		return ret;
	}
	ret = lf_klp_wait_gone(env->sysfs, name, &w, &st);
	if (ret) {
		snprintf(why, size,
			 "patch %s is still %s after %.3g s",
			 name, lf_klp_state_name(lf_klp_state_of(&st)), budget_s);
		return ret;
	}
	ret = remove_until(ops, name, w.deadline, poll_ms);
	if (ret) {
		snprintf(why, size, "cannot remove module %s: %s", name,
			 lf_kmod_remove_reason(ret));
		return ret;
	}
	return 0;
}

int lf_fix_load(const struct lf_env *env, const struct lf_kmod_ops *ops,
		const struct lf_load_req *req, struct lf_load_result *res,
		struct lf_err *err)
{
	unsigned int poll_ms = req->poll_ms ? req->poll_ms : LF_DEFAULT_POLL_MS;
	double revert_s = req->revert_timeout_s;
	const char *path = req->path;
	struct lf_transition_result tr;
	struct lf_transition t;
	struct lf_klp_status st;
	struct lf_modfile mf;
	char what[768], why[512];
	unsigned long refusals;
	bool loaded, livepatch;
	int64_t start;
	int ret, rret;

	memset(res, 0, sizeof(*res));
	if (revert_s <= 0)
		revert_s = req->timeout_s > LF_MIN_REVERT_S ? req->timeout_s
							    : LF_MIN_REVERT_S;

	ret = lf_modfile_inspect(path, env->release, &mf, err);
	if (ret) {
		lf_err_prefix(err, "%s: ", path);
		return ret;
	}
	snprintf(res->name, sizeof(res->name), "%s", mf.name);
	lf_modfile_free(&mf);

	ret = lf_klp_read_status(env->sysfs, res->name, &st);
	if (!ret)
		ret = lf_module_state(env->sysfs, res->name, &loaded, &livepatch);
	if (ret)
		return lf_err_set(err, ret, "%s: cannot check whether %s is loaded: %s",
				  path, res->name, strerror(-ret));
	if (st.present || loaded)
		return lf_err_set(err, -EEXIST,
				  "%s: %s %s is already loaded", path,
				  st.present || livepatch ? "a fix named" : "a module named",
				  res->name);

	lf_refusal_find(env->sysfs, res->name, 0, why, sizeof(why), &refusals);
	start = lf_now_ns();
	ret = ops->insert(ops->data, path);
	if (ret) {
		/* livefix.ko's refusal says which check failed, and why. */
		if (!lf_refusal_find(env->sysfs, res->name, refusals, why,
				     sizeof(why), NULL))
			return lf_err_set(err, ret, "%s: refused by livefix.ko: %s (%s)",
					  path, why, strerror(-ret));
		if (ret == -EKEYREJECTED || ret == -ENOKEY || ret == -EBADMSG)
			return lf_err_set(err, ret, "%s: cannot load: %s", path,
					  lf_modsig_file_signed(path) ?
					  "the kernel rejected its signature (signed by a key the kernel does not trust, or altered after signing; see livefix verify)" :
					  "the kernel requires signed modules (module.sig_enforce or lockdown) and this fix is unsigned (see livefix sign)");
		return lf_err_set(err, ret, "%s: cannot load: %s", path,
				  lf_kmod_insert_reason(ret));
	}

	t = (struct lf_transition) {
		.env = env,
		.name = res->name,
		.target = LF_PATCH_STATE_PATCHED,
		.wait = {
			.deadline = lf_deadline_in(req->timeout_s),
			.poll_ms = poll_ms,
			.appear_ms = req->appear_ms ? req->appear_ms : LF_APPEAR_MS,
			.cancel = req->cancel,
		},
		.hooks = req->hooks,
	};
	ret = lf_transition_wait(&t, &st, &tr);
	if (!ret) {
		res->seconds = lf_seconds_since(start);
		res->interrupted = tr.interrupted;
		return 0;
	}

	/* From here on the module is in the kernel and must go again. */
	if (ret == -ETIMEDOUT && !st.present)
		ret = -ENOENT;
	switch (ret) {
	case -ETIMEDOUT:
		snprintf(what, sizeof(what),
			 "%s: patch %s did not finish its transition within %.3g s%s",
			 path, res->name, req->timeout_s, tr.blockers);
		break;
	case -ENOENT:
		snprintf(what, sizeof(what),
			 "%s: module loaded, but livepatch %s %s",
			 path, res->name,
			 st.present ? "vanished" : "never appeared in sysfs (does it call klp_enable_patch?)");
		break;
	case -ECANCELED:
		snprintf(what, sizeof(what),
			 "%s: patch %s was disabled by someone else during its transition",
			 path, res->name);
		break;
	case -EINTR:
		snprintf(what, sizeof(what), "%s: interrupted while patch %s was in transition",
			 path, res->name);
		break;
	default:
		snprintf(what, sizeof(what), "%s: cannot read the state of patch %s: %s",
			 path, res->name, strerror(-ret));
		break;
	}

	rret = revert_load(env, ops, res->name, revert_s, poll_ms, why,
			   sizeof(why));
	if (rret)
		return lf_err_set(err, ret,
				  "%s; reverting failed: %s; run 'livefix unload %s' to finish",
				  what, why, res->name);
	return lf_err_set(err, ret, "%s; reverted, nothing was left loaded", what);
}

int lf_fix_unload(const struct lf_env *env, const struct lf_kmod_ops *ops,
		  const struct lf_unload_req *req, struct lf_unload_result *res,
		  struct lf_err *err)
{
	unsigned int poll_ms = req->poll_ms ? req->poll_ms : LF_DEFAULT_POLL_MS;
	const char *name = res->name;
	struct lf_transition_result tr;
	struct lf_deadline remove_by;
	struct lf_transition t;
	struct lf_klp_status st;
	bool loaded, livepatch;
	int ret;

	memset(res, 0, sizeof(*res));
	if (lf_modname(req->name, res->name, sizeof(res->name)))
		return lf_err_set(err, -EINVAL, "%s: not a valid fix name",
				  req->name);

	ret = lf_klp_read_status(env->sysfs, name, &st);
	if (!ret)
		ret = lf_module_state(env->sysfs, name, &loaded, &livepatch);
	if (ret)
		return lf_err_set(err, ret, "%s: cannot read its state: %s", name,
				  strerror(-ret));
	if (!st.present && !loaded)
		return lf_err_set(err, -ENOENT, "%s: no such fix", name);
	/* Without a patch directory only the taint tells us it is a fix. */
	if (!st.present && !livepatch)
		return lf_err_set(err, -EINVAL,
				  "%s: not a livepatch module; refusing to unload it",
				  name);

	t = (struct lf_transition) {
		.env = env,
		.name = name,
		.target = LF_PATCH_STATE_UNPATCHED,
		.wait = {
			.deadline = lf_deadline_in(req->timeout_s),
			.poll_ms = poll_ms,
			.cancel = req->cancel,
		},
		.hooks = req->hooks,
	};
	remove_by = t.wait.deadline;
	if (st.present) {
		if (st.enabled) {
			ret = disable_patch(env, name);
			if (ret == -EBUSY)
				return lf_err_set(err, ret,
						  "%s: cannot disable: another livepatch transition is in progress",
						  name);
			if (ret && ret != -ENOENT)
				return lf_err_set(err, ret, "%s: cannot disable: %s",
						  name, strerror(-ret));
		}
		ret = lf_transition_wait(&t, &st, &tr);
		if (ret == -ETIMEDOUT) {
			if (st.enabled)
				return lf_err_set(err, ret,
						  "%s: was re-enabled by someone else while unloading",
						  name);
			if (!st.transition)
				return lf_err_set(err, ret,
						  "%s: disabled, but the kernel has not released it after %.3g s; run unload again",
						  name, req->timeout_s);
			return lf_err_set(err, ret,
					  "%s: still unpatching after %.3g s%s; the kernel finishes once those tasks move, then run unload again",
					  name, req->timeout_s, tr.blockers);
		}
		if (ret == -EINTR)
			return lf_err_set(err, ret,
					  "%s: interrupted while unpatching; it stays disabled, run unload again to remove the module",
					  name);
		if (ret)
			return lf_err_set(err, ret, "%s: cannot read its state: %s",
					  name, strerror(-ret));
		res->interrupted = tr.interrupted;
		/* The grace after interrupting may have used up the deadline. */
		if (tr.interrupted)
			remove_by = lf_deadline_in(req->timeout_s);
	}

	ret = remove_until(ops, name, remove_by, poll_ms);
	if (ret && lf_kmod_remove_is_transient(ret))
		return lf_err_set(err, ret,
				  "%s: patch is gone but the module is still in use after %.3g s",
				  name, req->timeout_s);
	if (ret)
		return lf_err_set(err, ret, "%s: cannot remove the module: %s", name,
				  lf_kmod_remove_reason(ret));
	return 0;
}
