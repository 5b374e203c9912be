// SPDX-License-Identifier: GPL-2.0-only
#include "fix.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "deadline.h"
#include "klp.h"
#include "modfile.h"
#include "sysfs.h"
#include "tasks.h"

#define LF_APPEAR_MS 1000
#define LF_MIN_REVERT_S 10.0
#define LF_BLOCKERS_SHOWN 5
#define LF_REPORT_MS 1000
/* A blocker list, and room for it in the " (blocked by ...)" messages. */
#define LF_LIST_MAX 400
#define LF_BLOCKERS_MAX 600
/* How long an interrupted task may take to leave the kernel. */
#define LF_INTERRUPT_WAIT_MS 1000
/* How often the grace after interrupting looks whether it is still worth it. */
#define LF_KICK_CHECK_MS 250

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
 * The tasks that have not reached @target, with the patched function each
 * one sleeps in, and their one-line description.
 */
static void scan_blockers(const struct lf_env *env, const char *name,
			  int target, struct lf_tasks *tasks, char *desc,
			  size_t size)
{
	struct lf_klp_patch patch;
	bool have_patch;

	desc[0] = '\0';
	if (lf_tasks_blocking(env->procfs, target, tasks)) {
		memset(tasks, 0, sizeof(*tasks));
		return;
	}
	have_patch = !lf_klp_read_patch(env->sysfs, name, &patch);
	lf_tasks_annotate(env->procfs, tasks, have_patch ? &patch : NULL);
	if (have_patch)
		lf_klp_patch_free(&patch);
	lf_tasks_describe(tasks, LF_BLOCKERS_SHOWN, desc, size);
}

static void describe_blockers(const struct lf_env *env, const char *name,
			      int target, char *buf, size_t size)
{
	struct lf_tasks tasks;
	char list[LF_LIST_MAX];

	buf[0] = '\0';
	scan_blockers(env, name, target, &tasks, list, sizeof(list));
	if (tasks.n)
		snprintf(buf, size, " (blocked by %s)", list);
	lf_tasks_free(&tasks);
}

int lf_fix_interrupt_tasks(void *data, const struct lf_tasks *blockers)
{
	(void)data;
	return lf_tasks_interrupt(blockers, LF_INTERRUPT_WAIT_MS);
}

static void progress(const struct lf_load_req *req, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void progress(const struct lf_load_req *req, const char *fmt, ...)
{
	char line[768];
	va_list ap;

	if (!req->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	req->progress(req->data, line);
}

/*
 * lf_klp_wait_live() in steps, so that every report_ms the tasks holding
 * the transition back are looked up and, when they changed, reported.
 */
static int wait_live_reporting(const struct lf_env *env,
			       const struct lf_load_req *req, const char *name,
			       const struct lf_klp_wait *w,
			       struct lf_klp_status *st)
{
	unsigned int report_ms = req->report_ms ? req->report_ms : LF_REPORT_MS;
	unsigned int first_ms = report_ms > w->appear_ms ? report_ms : w->appear_ms;
	char last[LF_LIST_MAX] = "";
	bool first = true;

	for (;;) {
		struct lf_klp_wait step = *w;
		struct lf_deadline next;
		struct lf_tasks tasks;
		char desc[LF_LIST_MAX];
		int ret;

		next = lf_deadline_in((first ? first_ms : report_ms) / 1000.0);
		if (next.end_ns < w->deadline.end_ns)
			step.deadline = next;
		first = false;
		ret = lf_klp_wait_live(env->sysfs, name, &step, st);
		if (ret != -ETIMEDOUT || lf_deadline_passed(w->deadline))
			return ret;
		if (!st->present)
			return -ENOENT;
		if (!req->progress)
			continue;
		scan_blockers(env, name, LF_PATCH_STATE_PATCHED, &tasks, desc,
			      sizeof(desc));
		if (tasks.n && strcmp(desc, last)) {
			progress(req, "%s: transition waits for %zu task%s: %s",
				 name, tasks.n, tasks.n == 1 ? "" : "s", desc);
			snprintf(last, sizeof(last), "%s", desc);
		}
		lf_tasks_free(&tasks);
	}
}

/* It may have finished while we looked: a live fix is not reverted. */
static bool now_live(const struct lf_env *env, const char *name,
		     struct lf_klp_status *st)
{
	return !lf_klp_read_status(env->sysfs, name, st) && st->present &&
	       st->enabled && !st->transition;
}

static const char *why_stuck(const struct lf_tasks *t)
{
	size_t kthreads = 0, unint = 0;

	for (size_t i = 0; i < t->n; i++) {
		kthreads += t->v[i].kthread;
		unint += !t->v[i].kthread && t->v[i].state == 'D';
	}
	if (kthreads == t->n)
		return t->n == 1 ? "a kernel thread" : "kernel threads";
	if (unint == t->n)
		return "uninterruptible sleep";
	if (kthreads + unint == t->n)
		return "kernel threads or uninterruptible sleep";
	return "interrupting them failed";
}

static bool was_interrupted(const struct lf_tasks *kicked, int tid)
{
	for (size_t i = 0; i < kicked->n; i++) {
		if (kicked->v[i].tid == tid && lf_task_interruptible(&kicked->v[i]))
			return true;
	}
	return false;
}

/*
 * Wait for the transition to finish after interrupting some of the
 * blockers in @kicked. The grace is for those to be switched; once none
 * of them blocks any more and others still do, waiting on is pointless:
 * those others have had their timeout already.
 */
static int wait_after_kick(const struct lf_env *env, const char *name,
			   const struct lf_klp_wait *w, struct lf_klp_status *st,
			   const struct lf_tasks *kicked)
{
	for (;;) {
		struct lf_klp_wait step = *w;
		struct lf_deadline next = lf_deadline_in(LF_KICK_CHECK_MS / 1000.0);
		struct lf_tasks now;
		bool waiting_for_kicked = false;
		int ret;

		if (next.end_ns < w->deadline.end_ns)
			step.deadline = next;
		ret = lf_klp_wait_live(env->sysfs, name, &step, st);
		if (ret != -ETIMEDOUT || lf_deadline_passed(w->deadline))
			return ret;
		if (lf_tasks_blocking(env->procfs, LF_PATCH_STATE_PATCHED, &now))
			continue;
		for (size_t i = 0; i < now.n && !waiting_for_kicked; i++)
			waiting_for_kicked = was_interrupted(kicked, now.v[i].tid);
		ret = now.n && !waiting_for_kicked ? -ETIMEDOUT : 0;
		lf_tasks_free(&now);
		if (ret)
			return ret;
	}
}

/*
 * The transition timed out: interrupt the tasks that hold it back and give
 * it kick_grace_s more. Fills @blockers with why it is still stuck.
 */
static int kick_blockers(const struct lf_env *env, const struct lf_load_req *req,
			 struct lf_load_result *res, struct lf_klp_status *st,
			 char *blockers, size_t size)
{
	double grace = req->kick_grace_s > 0 ? req->kick_grace_s
					     : LF_DEFAULT_KICK_GRACE_S;
	struct lf_tasks tasks;
	struct lf_klp_wait w;
	char desc[LF_LIST_MAX];
	size_t n, candidates = 0;
	int kicked = 0, ret;

	scan_blockers(env, res->name, LF_PATCH_STATE_PATCHED, &tasks, desc,
		      sizeof(desc));
	n = tasks.n;
	if (n)
		snprintf(blockers, size, " (blocked by %s)", desc);
	if (!n || !req->interrupt) {
		lf_tasks_free(&tasks);
		return now_live(env, res->name, st) ? 0 : -ETIMEDOUT;
	}
	for (size_t i = 0; i < n; i++)
		candidates += lf_task_interruptible(&tasks.v[i]);
	if (candidates) {
		progress(req, "%s: transition still waits for %s; interrupting %zu of %zu",
			 res->name, desc, candidates, n);
		kicked = req->interrupt(req->data, &tasks);
	}
	if (kicked < 0)
		snprintf(blockers, size, " (blocked by %s; cannot interrupt them: %s)",
			 desc, strerror(-kicked));
	else if (!kicked)
		snprintf(blockers, size, " (blocked by %s; %s cannot be interrupted: %s)",
			 desc, n == 1 ? "it" : "they", why_stuck(&tasks));
	if (kicked <= 0) {
		lf_tasks_free(&tasks);
		return now_live(env, res->name, st) ? 0 : -ETIMEDOUT;
	}

	w = (struct lf_klp_wait) {
		.deadline = lf_deadline_in(grace),
		.poll_ms = req->poll_ms ? req->poll_ms : LF_DEFAULT_POLL_MS,
		.appear_ms = 0,
		.cancel = req->cancel,
	};
	ret = wait_after_kick(env, res->name, &w, st, &tasks);
	lf_tasks_free(&tasks);
	if (!ret) {
		res->interrupted = kicked;
		return 0;
	}
	if (ret == -ETIMEDOUT) {
		char now[LF_LIST_MAX];

		scan_blockers(env, res->name, LF_PATCH_STATE_PATCHED, &tasks,
			      now, sizeof(now));
		lf_tasks_free(&tasks);
		snprintf(blockers, size,
			 " (blocked by %s, even after interrupting %d task%s)",
			 now[0] ? now : desc, kicked, kicked == 1 ? "" : "s");
	}
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
		ret = lf_klp_set_enabled(env->sysfs, name, false);
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
	struct lf_klp_status st;
	struct lf_modfile mf;
	struct lf_klp_wait w;
	char what[768], why[512], blockers[LF_BLOCKERS_MAX] = "";
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

	start = lf_now_ns();
	ret = ops->insert(ops->data, path);
	if (ret)
		return lf_err_set(err, ret, "%s: cannot load: %s", path,
				  lf_kmod_insert_reason(ret));

	w = (struct lf_klp_wait) {
		.deadline = lf_deadline_in(req->timeout_s),
		.poll_ms = poll_ms,
		.appear_ms = req->appear_ms ? req->appear_ms : LF_APPEAR_MS,
		.cancel = req->cancel,
	};
	ret = wait_live_reporting(env, req, res->name, &w, &st);
	if (ret == -ETIMEDOUT && st.present)
		ret = kick_blockers(env, req, res, &st, blockers, sizeof(blockers));
	if (!ret) {
		res->seconds = lf_seconds_since(start);
		return 0;
	}

	/* From here on the module is in the kernel and must go again. */
	if (ret == -ETIMEDOUT && !st.present)
		ret = -ENOENT;
	switch (ret) {
	case -ETIMEDOUT:
		snprintf(what, sizeof(what),
			 "%s: patch %s did not finish its transition within %.3g s%s",
			 path, res->name, req->timeout_s, blockers);
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
	struct lf_klp_status st;
	struct lf_klp_wait w;
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

	w = (struct lf_klp_wait) {
		.deadline = lf_deadline_in(req->timeout_s),
		.poll_ms = poll_ms,
		.cancel = req->cancel,
	};
	if (st.present) {
		if (st.enabled) {
			ret = lf_klp_set_enabled(env->sysfs, name, false);
			if (ret == -EBUSY)
				return lf_err_set(err, ret,
						  "%s: cannot disable: another livepatch transition is in progress",
						  name);
			if (ret && ret != -ENOENT)
				return lf_err_set(err, ret, "%s: cannot disable: %s",
						  name, strerror(-ret));
		}
		ret = lf_klp_wait_gone(env->sysfs, name, &w, &st);
		if (ret == -ETIMEDOUT) {
			char blockers[LF_BLOCKERS_MAX] = "";

			if (st.enabled)
				return lf_err_set(err, ret,
						  "%s: was re-enabled by someone else while unloading",
						  name);
			if (!st.transition)
				return lf_err_set(err, ret,
						  "%s: disabled, but the kernel has not released it after %.3g s; run unload again",
						  name, req->timeout_s);
			describe_blockers(env, name, LF_PATCH_STATE_UNPATCHED,
					  blockers, sizeof(blockers));
			return lf_err_set(err, ret,
					  "%s: still unpatching after %.3g s%s; the kernel finishes once those tasks move, then run unload again",
					  name, req->timeout_s, blockers);
		}
		if (ret == -EINTR)
			return lf_err_set(err, ret,
					  "%s: interrupted while unpatching; it stays disabled, run unload again to remove the module",
					  name);
		if (ret)
			return lf_err_set(err, ret, "%s: cannot read its state: %s",
					  name, strerror(-ret));
	}

	ret = remove_until(ops, name, w.deadline, poll_ms);
	if (ret && lf_kmod_remove_is_transient(ret))
		return lf_err_set(err, ret,
				  "%s: patch is gone but the module is still in use after %.3g s",
				  name, req->timeout_s);
	if (ret)
		return lf_err_set(err, ret, "%s: cannot remove the module: %s", name,
				  lf_kmod_remove_reason(ret));
	return 0;
}
