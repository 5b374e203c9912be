/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_TASKS_H
#define LF_TASKS_H

#include <stddef.h>

/* Values of /proc/<pid>/task/<tid>/patch_state (KLP_TRANSITION_*). */
#define LF_PATCH_STATE_UNDEFINED (-1)
#define LF_PATCH_STATE_UNPATCHED 0
#define LF_PATCH_STATE_PATCHED 1

struct lf_task {
	int pid;		/* thread group */
	int tid;
	int patch_state;
	char comm[32];
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

/* "1234 (bash), 77 (kworker/0:1) and 3 more", at most @max listed. */
void lf_tasks_describe(const struct lf_tasks *t, size_t max, char *buf,
		       size_t size);

#endif
