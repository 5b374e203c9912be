// SPDX-License-Identifier: GPL-2.0-only
#include "tasks.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "klp.h"
#include "sysfs.h"

/* PF_KTHREAD in include/linux/sched.h: the flags field of /proc/<pid>/stat. */
#define LF_PF_KTHREAD 0x00200000UL
#define LF_STACK_MAX 16384

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
		const struct lf_task *task = &t->v[i];
		int n = snprintf(buf + len, size - len, "%s%d (%s)%s%s",
				 i ? ", " : "", task->tid, task->comm,
				 task->func[0] ? " in " : "", task->func);

		if (n < 0)
			return;
		len += (size_t)n;
	}
	if (t->n > shown && len < size)
		snprintf(buf + len, size - len, " and %zu more", t->n - shown);
}

int lf_stat_parse(const char *stat, char *state, unsigned long *flags)
{
	const char *p = strrchr(stat, ')');
	char st;

	/* After "pid (comm)": state ppid pgrp session tty_nr tpgid flags. */
	if (!p || sscanf(p + 1, " %c %*d %*d %*d %*d %*d %lu", &st, flags) != 2)
		return -EINVAL;
	if (st < 'A' || st > 'z')
		return -EINVAL;
	*state = st;
	return 0;
}

/*
 * Split one stack line into the function's base name (without ".cold",
 * ".isra.0" and other compiler suffixes) and its module ("" for vmlinux).
 */
static bool parse_frame(const char *line, size_t len, char *sym, size_t symsz,
			char *mod, size_t modsz)
{
	const char *end = line + len, *p, *q;
	size_t n;

	p = memchr(line, ']', len);
	if (!p || p + 2 > end || p[1] != ' ')
		return false;
	p += 2;
	for (q = p; q < end && *q != '+' && *q != ' ' && *q != '.'; q++)
		;
	n = (size_t)(q - p);
	if (!n || n >= symsz)
		return false;
	memcpy(sym, p, n);
	sym[n] = '\0';

	mod[0] = '\0';
	p = memchr(q, '[', (size_t)(end - q));
	if (p) {
		p++;
		for (q = p; q < end && *q != ']' && *q != ' '; q++)
			;
		n = (size_t)(q - p);
		if (n >= modsz)
			return false;
		memcpy(mod, p, n);
		mod[n] = '\0';
	}
	return true;
}

static bool frame_is_patched(const char *sym, const char *mod,
			     const struct lf_klp_patch *patch)
{
	if (mod[0] && patch->name && !strcmp(mod, patch->name))
		return true;
	for (size_t i = 0; i < patch->nfuncs; i++) {
		const struct lf_klp_func *f = &patch->funcs[i];
		bool vmlinux = !strcmp(f->object, "vmlinux");

		if (strcmp(sym, f->function))
			continue;
		if (vmlinux ? !mod[0] : !strcmp(mod, f->object))
			return true;
	}
	return false;
}

bool lf_stack_find_patched(const char *stack, const struct lf_klp_patch *patch,
			   char *func, size_t size)
{
	const char *line = stack;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char sym[128], mod[64];

		if (parse_frame(line, len, sym, sizeof(sym), mod, sizeof(mod)) &&
		    frame_is_patched(sym, mod, patch)) {
			if (size)
				snprintf(func, size, "%s", sym);
			return true;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	return false;
}

void lf_tasks_annotate(const char *procfs, struct lf_tasks *t,
		       const struct lf_klp_patch *patch)
{
	char path[PATH_MAX], stat[512];
	char *stack = malloc(LF_STACK_MAX);

	for (size_t i = 0; i < t->n; i++) {
		struct lf_task *task = &t->v[i];
		unsigned long flags;

		task->state = 0;
		task->kthread = false;
		task->func[0] = '\0';
		if (!lf_path(path, sizeof(path), "%s/%d/task/%d/stat", procfs,
			     task->pid, task->tid) &&
		    lf_read_text(path, stat, sizeof(stat)) >= 0 &&
		    !lf_stat_parse(stat, &task->state, &flags))
			task->kthread = flags & LF_PF_KTHREAD;
		if (!stack || !patch)
			continue;
		if (!lf_path(path, sizeof(path), "%s/%d/task/%d/stack", procfs,
			     task->pid, task->tid) &&
		    lf_read_text(path, stack, LF_STACK_MAX) >= 0)
			lf_stack_find_patched(stack, patch, task->func,
					      sizeof(task->func));
	}
	free(stack);
}

bool lf_task_interruptible(const struct lf_task *task)
{
	return !task->kthread && task->state == 'S';
}

/* The child of lf_tasks_interrupt(); its exit status is the count. */
static int interrupt_in_child(const struct lf_tasks *t, unsigned int wait_ms)
{
	struct lf_deadline d = lf_deadline_in(wait_ms / 1000.0);
	bool *pending = calloc(t->n ? t->n : 1, sizeof(*pending));
	size_t left = 0;
	int done = 0;

	if (!pending)
		return 0;
	for (size_t i = 0; i < t->n; i++) {
		pid_t tid = t->v[i].tid;

		if (!lf_task_interruptible(&t->v[i]))
			continue;
		if (ptrace(PTRACE_SEIZE, tid, NULL, NULL))
			continue;	/* gone, already traced, or not allowed */
		if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL))
			continue;	/* exiting: our exit detaches it */
		pending[i] = true;
		left++;
	}
	/*
	 * A task that stops has left the patched function; let it go at
	 * once. One that does not stop in time is released when we exit.
	 */
	while (left) {
		for (size_t i = 0; i < t->n; i++) {
			int status;
			pid_t r;

			if (!pending[i])
				continue;
			r = waitpid(t->v[i].tid, &status, __WALL | WNOHANG);
			if (r == 0)
				continue;
			pending[i] = false;
			left--;
			if (r > 0 && WIFSTOPPED(status)) {
				long sig = 0;

				/*
				 * A real signal that arrived meanwhile stops
				 * it first, for delivery: hand it back.
				 */
				if (!(status >> 16) && WSTOPSIG(status) != SIGTRAP)
					sig = WSTOPSIG(status);
				ptrace(PTRACE_DETACH, t->v[i].tid, NULL, (void *)sig);
				done++;
			}
		}
		if (!left || lf_deadline_passed(d))
			break;
		lf_sleep_until_or(d, 5);
	}
	free(pending);
	return done > 255 ? 255 : done;
}

int lf_tasks_interrupt(const struct lf_tasks *t, unsigned int wait_ms)
{
	size_t candidates = 0;
	int status;
	pid_t child;

	for (size_t i = 0; i < t->n; i++)
		candidates += lf_task_interruptible(&t->v[i]);
	if (!candidates)
		return 0;

	fflush(NULL);
	child = fork();
	if (child < 0)
		return -errno;
	if (child == 0)
		_exit(interrupt_in_child(t, wait_ms));
	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (!WIFEXITED(status))
		return -ECHILD;
	return WEXITSTATUS(status);
}
