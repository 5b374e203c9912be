// SPDX-License-Identifier: GPL-2.0-only
#include "tasks.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysfs.h"

static bool parse_id(const char *s, int *id)
{
	long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return false;
	}
	*id = (int)v;
	return true;
}

static int push(struct lf_tasks *t, const struct lf_task *task)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct lf_task *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = *task;
	return 0;
}

static int scan_threads(const char *procfs, int pid, int target,
			struct lf_tasks *out)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (lf_path(dir, sizeof(dir), "%s/%d/task", procfs, pid))
		return 0;
	d = opendir(dir);
	if (!d)
		return 0;	/* exited meanwhile, or not ours to read */
	while (!ret && (de = readdir(d))) {
		struct lf_task task = { .pid = pid };
		long state;

		if (!parse_id(de->d_name, &task.tid))
			continue;
		if (lf_path(path, sizeof(path), "%s/%d/patch_state", dir,
			    task.tid) || lf_read_long(path, &state))
			continue;
		if ((state != LF_PATCH_STATE_UNPATCHED &&
		     state != LF_PATCH_STATE_PATCHED) || state == target)
			continue;
		task.patch_state = (int)state;
		if (lf_path(path, sizeof(path), "%s/%d/comm", dir, task.tid) ||
		    lf_read_text(path, task.comm, sizeof(task.comm)) < 0)
			snprintf(task.comm, sizeof(task.comm), "?");
		ret = push(out, &task);
	}
	closedir(d);
	return ret;
}

static int cmp_task(const void *a, const void *b)
{
	const struct lf_task *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->tid > y->tid) - (x->tid < y->tid);
}

int lf_tasks_blocking(const char *procfs, int target, struct lf_tasks *out)
{
	struct dirent *de;
	DIR *d;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	d = opendir(procfs);
	if (!d)
		return -errno;
	while (!ret && (de = readdir(d))) {
		int pid;

		if (parse_id(de->d_name, &pid))
			ret = scan_threads(procfs, pid, target, out);
	}
	closedir(d);
	if (ret) {
		lf_tasks_free(out);
		return ret;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_task);
	return 0;
}

void lf_tasks_free(struct lf_tasks *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

void lf_tasks_describe(const struct lf_tasks *t, size_t max, char *buf,
		       size_t size)
{
	size_t len = 0, shown = t->n < max ? t->n : max;

	if (!size)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < shown && len < size; i++) {
		int n = snprintf(buf + len, size - len, "%s%d (%s)",
				 i ? ", " : "", t->v[i].tid, t->v[i].comm);

		if (n < 0)
			return;
		len += (size_t)n;
	}
	if (t->n > shown && len < size)
		snprintf(buf + len, size - len, " and %zu more", t->n - shown);
}
