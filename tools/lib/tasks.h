/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_TASKS_H
#define LF_TASKS_H

#include <stdbool.h>
#include <stddef.h>

struct lf_klp_patch;

/* Values of /proc/<pid>/task/<tid>/patch_state (KLP_TRANSITION_*). */
#define LF_PATCH_STATE_UNDEFINED (-1)
#define LF_PATCH_STATE_UNPATCHED 0
#define LF_PATCH_STATE_PATCHED 1

struct lf_task {
	int pid;		/* thread group */
	int tid;
	int patch_state;
	char comm[32];
	/* Filled by lf_tasks_annotate(): */
	char state;		/* R, S, D, ... from stat; 0 if unknown */
	bool kthread;
	char func[64];		/* patched function on its stack, or "" */
};

struct lf_tasks {
	struct lf_task *v;
	size_t n;
	size_t cap;
};

/*
 * Tasks that have not yet switched to @target (LF_PATCH_STATE_PATCHED while
 * patching, UNPATCHED while unpatching), sorted by pid then tid. This is a
 * diagnostic snapshot: tasks exiting during the scan are skipped silently.
 * Returns 0, or a negative errno if procfs itself cannot be read.
 */
int lf_tasks_blocking(const char *procfs, int target, struct lf_tasks *out);
void lf_tasks_free(struct lf_tasks *t);

/*
 * Add each task's scheduler state, whether it is a kernel thread, and the
 * function of @patch found on its kernel stack (/proc/<tid>/stack, which
 * needs root). Best effort: what cannot be read stays unknown.
 */
void lf_tasks_annotate(const char *procfs, struct lf_tasks *t,
		       const struct lf_klp_patch *patch);

/*
 * "1234 (bash) in foo_read, 77 (kworker/0:1) and 3 more", at most @max
 * listed; " in FUNC" only where the patched function is known.
 */
void lf_tasks_describe(const struct lf_tasks *t, size_t max, char *buf,
		       size_t size);

/*
 * Parse /proc/<pid>/stat: the one-letter state and the task flags. The
 * comm field may itself contain spaces and parentheses.
 */
int lf_stat_parse(const char *stat, char *state, unsigned long *flags);

/*
 * Find the innermost frame of @stack (/proc/<tid>/stack text, lines like
 * "[<0>] foo_read+0x1d/0x40 [foo]") that is in a function @patch replaces
 * (same name, same object) or in the patch module itself (its new
 * functions, which block an unpatching). Copies the function name to
 * @func and returns true when found.
 */
bool lf_stack_find_patched(const char *stack, const struct lf_klp_patch *patch,
			   char *func, size_t size);

/*
 * Can the task be kicked out of the kernel by interrupting it: a user
 * task in an interruptible sleep. Kernel threads cannot be interrupted
 * from userspace, and an uninterruptible sleep ignores everything but the
 * event it waits for.
 */
bool lf_task_interruptible(const struct lf_task *task);

/*
 * Make each interruptible task among @t return from its system call, the
 * way klp's own fake signal does: a ptrace interrupt wakes an
 * interruptible sleep, the task stops on its way out to user mode (where
 * klp switches it), is released, and the system call restarts. Unlike
 * SIGSTOP/SIGCONT this is invisible to the task's parent and to job
 * control. Runs in a short-lived child process so that no task stays
 * attached. Returns how many tasks were interrupted, or a negative errno.
 */
int lf_tasks_interrupt(const struct lf_tasks *t, unsigned int wait_ms);

#endif
