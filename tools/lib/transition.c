// SPDX-License-Identifier: GPL-2.0-only
#include "transition.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "deadline.h"

#define LF_BLOCKERS_SHOWN 5
#define LF_REPORT_MS 1000
/* A blocker list; the " (blocked by ...)" around it fits in res->blockers. */
#define LF_LIST_MAX 400
/* How long an interrupted task may take to leave the kernel. */
#define LF_INTERRUPT_WAIT_MS 1000
/* How often the grace after interrupting looks whether it is still worth it. */
#define LF_KICK_CHECK_MS 250

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

void lf_transition_blockers(const struct lf_env *env, const char *name,
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

int lf_transition_interrupt(void *data, const struct lf_tasks *blockers)
{
	(void)data;
	return lf_tasks_interrupt(blockers, LF_INTERRUPT_WAIT_MS);
}

static void progress(const struct lf_transition *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void progress(const struct lf_transition *t, const char *fmt, ...)
{
	char line[768];
	va_list ap;

	if (!t->hooks || !t->hooks->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	t->hooks->progress(t->hooks->data, line);
}

static int wait_step(const struct lf_transition *t, const struct lf_klp_wait *w,
		     struct lf_klp_status *st)
{
	if (t->target == LF_PATCH_STATE_PATCHED)
		return lf_klp_wait_live(t->env->sysfs, t->name, w, st);
	return lf_klp_wait_gone(t->env->sysfs, t->name, w, st);
}

/* It may have finished while we looked: a finished transition stands. */
static bool done_now(const struct lf_transition *t, struct lf_klp_status *st)
{
	if (lf_klp_read_status(t->env->sysfs, t->name, st))
		return false;
	if (t->target == LF_PATCH_STATE_PATCHED)
		return st->present && st->enabled && !st->transition;
	return !st->present;
}

/* Still moving the way we asked, i.e. worth kicking for. */
static bool in_our_transition(const struct lf_transition *t,
			      const struct lf_klp_status *st)
{
	return st->present && st->transition &&
	       st->enabled == (t->target == LF_PATCH_STATE_PATCHED);
}

/*
 * The wait in steps, so that every report_ms the tasks holding the
 * transition back are looked up and, when they changed, reported.
 */
static int wait_reporting(const struct lf_transition *t,
			  struct lf_klp_status *st)
{
	const struct lf_transition_hooks *h = t->hooks;
	unsigned int report_ms = h && h->report_ms ? h->report_ms : LF_REPORT_MS;
	unsigned int first_ms = report_ms > t->wait.appear_ms ? report_ms
							      : t->wait.appear_ms;
	char last[LF_LIST_MAX] = "";
	bool first = true;

	for (;;) {
		struct lf_klp_wait step = t->wait;
		struct lf_deadline next;
		struct lf_tasks tasks;
		char desc[LF_LIST_MAX];
		int ret;

		next = lf_deadline_in((first ? first_ms : report_ms) / 1000.0);
		if (next.end_ns < t->wait.deadline.end_ns)
			step.deadline = next;
		first = false;
		ret = wait_step(t, &step, st);
		if (ret != -ETIMEDOUT || lf_deadline_passed(t->wait.deadline))
			return ret;
		if (!st->present)
			return -ENOENT;	/* only waiting for "live" times out so */
		if (!h || !h->progress || !in_our_transition(t, st))
			continue;
		scan_blockers(t->env, t->name, t->target, &tasks, desc,
			      sizeof(desc));
		if (tasks.n && strcmp(desc, last)) {
			progress(t, "%s: transition waits for %zu task%s: %s",
				 t->name, tasks.n, tasks.n == 1 ? "" : "s", desc);
			snprintf(last, sizeof(last), "%s", desc);
		}
		lf_tasks_free(&tasks);
	}
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
static int wait_after_kick(const struct lf_transition *t,
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
		ret = wait_step(t, &step, st);
		if (ret != -ETIMEDOUT || lf_deadline_passed(w->deadline))
			return ret;
		if (lf_tasks_blocking(t->env->procfs, t->target, &now))
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
 * it the grace. Fills res->blockers with why it is still stuck.
 */
static int kick_blockers(const struct lf_transition *t, struct lf_klp_status *st,
			 struct lf_transition_result *res)
{
	const struct lf_transition_hooks *h = t->hooks;
	double grace = h && h->kick_grace_s > 0 ? h->kick_grace_s
						: LF_DEFAULT_KICK_GRACE_S;
	size_t size = sizeof(res->blockers), n, candidates = 0;
	char *blockers = res->blockers;
	struct lf_tasks tasks;
	struct lf_klp_wait w;
	char desc[LF_LIST_MAX];
	int kicked = 0, ret;

	scan_blockers(t->env, t->name, t->target, &tasks, desc, sizeof(desc));
	n = tasks.n;
	if (n)
		snprintf(blockers, size, " (blocked by %s)", desc);
	if (!n || !h || !h->interrupt) {
		lf_tasks_free(&tasks);
		return done_now(t, st) ? 0 : -ETIMEDOUT;
	}
	for (size_t i = 0; i < n; i++)
		candidates += lf_task_interruptible(&tasks.v[i]);
	if (candidates) {
		progress(t, "%s: transition still waits for %s; interrupting %zu of %zu",
			 t->name, desc, candidates, n);
		kicked = h->interrupt(h->data, &tasks);
	}
	if (kicked < 0)
		snprintf(blockers, size, " (blocked by %s; cannot interrupt them: %s)",
			 desc, strerror(-kicked));
	else if (!kicked)
		snprintf(blockers, size, " (blocked by %s; %s cannot be interrupted: %s)",
			 desc, n == 1 ? "it" : "they", why_stuck(&tasks));
	if (kicked <= 0) {
		lf_tasks_free(&tasks);
		return done_now(t, st) ? 0 : -ETIMEDOUT;
	}

	w = t->wait;
	w.deadline = lf_deadline_in(grace);
	w.appear_ms = 0;
	ret = wait_after_kick(t, &w, st, &tasks);
	lf_tasks_free(&tasks);
	if (!ret) {
		res->interrupted = kicked;
		return 0;
	}
	if (ret == -ETIMEDOUT) {
		char now[LF_LIST_MAX];

		scan_blockers(t->env, t->name, t->target, &tasks, now, sizeof(now));
		lf_tasks_free(&tasks);
		snprintf(blockers, size,
			 " (blocked by %s, even after interrupting %d task%s)",
			 now[0] ? now : desc, kicked, kicked == 1 ? "" : "s");
	}
	return ret;
}

int lf_transition_wait(const struct lf_transition *t,
		       struct lf_klp_status *last,
		       struct lf_transition_result *res)
{
	int ret;

	memset(res, 0, sizeof(*res));
	ret = wait_reporting(t, last);
	if (ret == -ETIMEDOUT && in_our_transition(t, last))
		ret = kick_blockers(t, last, res);
	return ret;
}
