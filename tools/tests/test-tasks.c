// SPDX-License-Identifier: GPL-2.0-only
/*
 * Finding the tasks that hold a transition back, on a fake /proc; what
 * they sleep in, from their stat and stack; and interrupting a real one.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/klp.h"
#include "../lib/tasks.h"
#include "tap.h"
#include "testfs.h"

static struct lf_klp_func funcs[] = {
	{ .object = "vmlinux", .function = "pipe_read", .sympos = 1 },
	{ .object = "lf_test_blocker", .function = "lf_test_blocker_hold", .sympos = 1 },
	{ .object = "vmlinux", .function = "cmdline_proc_show", .sympos = 1 },
};

static struct lf_klp_patch patch = {
	.name = "lf_fix",
	.funcs = funcs,
	.nfuncs = 3,
};

static const char *find(const char *stack)
{
	static char func[64];

	strcpy(func, "<untouched>");
	if (!lf_stack_find_patched(stack, &patch, func, sizeof(func)))
		return "<none>";
	return func;
}

static void test_stat(void)
{
	unsigned long flags = 0;
	char state = 0;

	tap_is_int(lf_stat_parse("166 (cat) S 150 150 1 0 -1 4194304 90 0 0 0",
				 &state, &flags), 0, "stat: parsed");
	tap_ok(state == 'S' && flags == 4194304, "stat: state and flags");
	tap_is_int(lf_stat_parse("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0",
				 &state, &flags), 0, "stat: kernel thread parsed");
	tap_ok(state == 'S' && (flags & 0x00200000), "stat: PF_KTHREAD seen");
	tap_is_int(lf_stat_parse("7 (a) b (x) ) D 1 7 7 0 -1 64 0",
				 &state, &flags), 0, "stat: comm with ') ' inside");
	tap_ok(state == 'D' && flags == 64, "stat: the last ')' ends the comm");
	tap_is_int(lf_stat_parse("7 (cat S 1", &state, &flags), -EINVAL,
		   "stat: no ')' is refused");
	tap_is_int(lf_stat_parse("7 (cat) S 1 2", &state, &flags), -EINVAL,
		   "stat: truncated line is refused");
	tap_is_int(lf_stat_parse("", &state, &flags), -EINVAL, "stat: empty is refused");
}

static void test_stack(void)
{
	tap_is_str(find("[<0>] pipe_read+0x31e/0x450\n"
			"[<0>] vfs_read+0x299/0x370\n"
			"[<0>] ksys_read+0x6d/0xf0\n"),
		   "pipe_read", "stack: vmlinux function found");
	tap_is_str(find("[<0>] schedule+0x27/0xf0\n"
			"[<0>] lf_test_blocker_hold+0x8b/0x110 [lf_test_blocker]\n"
			"[<0>] lf_test_blocker_read+0x3a/0x80 [lf_test_blocker]\n"
			"[<0>] proc_reg_read+0x56/0xa0\n"),
		   "lf_test_blocker_hold", "stack: module function found under schedule");
	tap_is_str(find("[<0>] lf_test_blocker_hold+0x8b/0x110 [other_mod]\n"),
		   "<none>", "stack: same name in another module is not it");
	tap_is_str(find("[<0>] pipe_read+0x31e/0x450 [some_mod]\n"),
		   "<none>", "stack: a vmlinux function's name in a module is not it");
	tap_is_str(find("[<0>] lf_test_blocker_hold+0x8b/0x110\n"),
		   "<none>", "stack: a module function's name in vmlinux is not it");
	tap_is_str(find("[<0>] lf_test_blocker_hold+0x8b/0x110 [lf_test_blocker 0123abcd]\n"),
		   "lf_test_blocker_hold", "stack: module with a build id");
	tap_is_str(find("[<0>] cmdline_proc_show.cold+0x5/0x9\n"),
		   "cmdline_proc_show", "stack: compiler suffix stripped");
	tap_is_str(find("[<0>] lf_new_read+0x10/0x20 [lf_fix]\n"),
		   "lf_new_read", "stack: a frame in the fix module itself counts");
	tap_is_str(find("[<0>] cmdline_proc_show+0x1/0x2\n"
			"[<0>] pipe_read+0x31e/0x450\n"),
		   "cmdline_proc_show", "stack: innermost frame wins");
	tap_is_str(find("[<0>] do_nanosleep+0x67/0x190\n"
			"[<0>] hrtimer_nanosleep+0xbe/0x1a0\n"),
		   "<none>", "stack: unrelated stack has no match");
	tap_is_str(find("garbage\n[<0>]\n[<0>] \n]] x\n[<0>] +0x1/0x2\n"
			"[<0>] pipe_read+0x1/0x2 [unterminated\n"),
		   "<none>", "stack: malformed lines are skipped");
	tap_is_str(find("[<0>] pipe_read+0x31e/0x450"), "pipe_read",
		   "stack: last line without newline");
	tap_is_str(find(""), "<none>", "stack: empty");
}

static void test_annotate(void)
{
	struct lf_tasks tasks;
	struct tfs proc;
	char buf[256];

	tfs_init(&proc);
	tfs_add_task(&proc, 166, 166, 0, "cat");
	tfs_write(&proc, "166/task/166/stat", "166 (cat) S 150 150 1 0 -1 4194304 0\n");
	tfs_write(&proc, "166/task/166/stack",
		  "[<0>] lf_test_blocker_hold+0x8b/0x110 [lf_test_blocker]\n"
		  "[<0>] vfs_read+0x299/0x370\n");
	tfs_add_task(&proc, 184, 184, 0, "sleepy");
	tfs_write(&proc, "184/task/184/stat", "184 (sleepy) D 1 1 1 0 -1 4194560 0\n");
	tfs_write(&proc, "184/task/184/stack", "[<0>] pipe_read+0x1/0x2\n");
	tfs_add_task(&proc, 2, 2, 0, "kthreadd");
	tfs_write(&proc, "2/task/2/stat", "2 (kthreadd) S 0 0 0 0 -1 2129984 0\n");
	tfs_add_task(&proc, 300, 300, 0, "unreadable");

	tap_is_int(lf_tasks_blocking(proc.root, 1, &tasks), 0, "annotate: scan");
	lf_tasks_annotate(proc.root, &tasks, &patch);
	tap_is_int((long long)tasks.n, 4, "annotate: four blockers");
	if (tasks.n == 4) {
		tap_ok(tasks.v[0].kthread && tasks.v[0].state == 'S' &&
		       !tasks.v[0].func[0], "annotate: kernel thread, no stack");
		tap_ok(!tasks.v[1].kthread && tasks.v[1].state == 'S' &&
		       !strcmp(tasks.v[1].func, "lf_test_blocker_hold"),
		       "annotate: user task in the patched module function");
		tap_ok(tasks.v[2].state == 'D' && !strcmp(tasks.v[2].func, "pipe_read"),
		       "annotate: uninterruptible task in a vmlinux function");
		tap_ok(tasks.v[3].state == 0 && !tasks.v[3].func[0],
		       "annotate: nothing readable stays unknown");
		tap_ok(!lf_task_interruptible(&tasks.v[0]) &&
		       lf_task_interruptible(&tasks.v[1]) &&
		       !lf_task_interruptible(&tasks.v[2]) &&
		       !lf_task_interruptible(&tasks.v[3]),
		       "annotate: only the user task in S is interruptible");
	}
	lf_tasks_describe(&tasks, 3, buf, sizeof(buf));
	tap_is_str(buf, "2 (kthreadd), 166 (cat) in lf_test_blocker_hold, "
		   "184 (sleepy) in pipe_read and 1 more", "annotate: description names functions");
	lf_tasks_free(&tasks);
	tfs_cleanup(&proc);
}

/*
 * A real child blocked in read(2) on a pipe is interrupted and must not
 * notice: the read restarts and later returns the byte written.
 */
static void test_interrupt_real(void)
{
	struct lf_task task = { .state = 'S' };
	struct lf_tasks tasks = { .v = &task, .n = 1, .cap = 1 };
	int fds[2], status, ret;
	char c = 'x';
	pid_t child;

	if (pipe(fds)) {
		tap_ok(false, "interrupt: pipe");
		return;
	}
	child = fork();
	if (child == 0) {
		ssize_t n;

		close(fds[1]);
		n = read(fds[0], &c, 1);
		_exit(n == 1 && c == 'y' ? 0 : 1);
	}
	close(fds[0]);
	task.pid = task.tid = child;
	/* Let it reach its sleep: interrupting before only makes it a no-op. */
	for (int i = 0; i < 200; i++) {
		char path[64], stat[256];
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/stat", child);
		f = fopen(path, "r");
		if (f && fgets(stat, sizeof(stat), f) && strstr(stat, ") S ")) {
			fclose(f);
			break;
		}
		if (f)
			fclose(f);
		usleep(10000);
	}
	ret = lf_tasks_interrupt(&tasks, 2000);
	if (ret == 0 && ptrace(PTRACE_SEIZE, child, NULL, NULL)) {
		tap_diag("ptrace not permitted here (%s)", strerror(errno));
		tap_ok(true, "interrupt: real task (skipped: no ptrace)");
	} else {
		tap_is_int(ret, 1, "interrupt: the sleeping child was interrupted");
	}
	c = 'y';
	tap_ok(write(fds[1], &c, 1) == 1, "interrupt: wrote to the child");
	close(fds[1]);
	tap_ok(waitpid(child, &status, 0) == child && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0,
	       "interrupt: its read restarted and got the byte, no EINTR");
}

int main(void)
{
	struct lf_tasks tasks;
	struct tfs proc;
	char buf[256];

	tap_start();
	test_stat();
	test_stack();
	test_annotate();
	test_interrupt_real();
	tfs_init(&proc);
	tfs_add_task(&proc, 1, 1, -1, "init");		/* no transition */
	tfs_add_task(&proc, 300, 300, 0, "stuck_main");	/* not yet patched */
	tfs_add_task(&proc, 300, 302, 1, "worker");	/* already patched */
	tfs_add_task(&proc, 300, 301, 0, "stuck thread");
	tfs_add_task(&proc, 42, 42, 0, "kworker/0:1");
	tfs_write(&proc, "self", "not a pid");
	tfs_mkdir(&proc, "sys/kernel");
	/* A task that exits mid-scan leaves a dir without patch_state. */
	tfs_mkdir(&proc, "500/task/500");

	tap_is_int(lf_tasks_blocking(proc.root, 1, &tasks), 0, "scan for patching");
	tap_is_int((long long)tasks.n, 3, "three tasks not yet patched");
	if (tasks.n == 3) {
		tap_ok(tasks.v[0].pid == 42 && tasks.v[0].tid == 42 &&
		       !strcmp(tasks.v[0].comm, "kworker/0:1"), "sorted by pid, comm read");
		tap_ok(tasks.v[1].pid == 300 && tasks.v[1].tid == 300 &&
		       tasks.v[2].tid == 301, "threads of one process sorted by tid");
		tap_is_int(tasks.v[2].patch_state, 0, "patch_state recorded");
	}
	lf_tasks_describe(&tasks, 5, buf, sizeof(buf));
	tap_is_str(buf, "42 (kworker/0:1), 300 (stuck_main), 301 (stuck thread)",
		   "description lists them");
	lf_tasks_describe(&tasks, 1, buf, sizeof(buf));
	tap_is_str(buf, "42 (kworker/0:1) and 2 more", "description is capped");
	lf_tasks_describe(&tasks, 5, buf, 10);
	tap_ok(strlen(buf) < 10, "description never overflows its buffer");
	lf_tasks_free(&tasks);

	tap_is_int(lf_tasks_blocking(proc.root, 0, &tasks), 0, "scan for unpatching");
	tap_ok(tasks.n == 1 && tasks.v[0].tid == 302 && !strcmp(tasks.v[0].comm, "worker"),
	       "only the patched task blocks unpatching");
	lf_tasks_free(&tasks);

	tfs_write(&proc, "1/task/1/patch_state", "-1\n");
	tfs_write(&proc, "42/task/42/patch_state", "1\n");
	tfs_write(&proc, "300/task/300/patch_state", "1\n");
	tfs_write(&proc, "300/task/301/patch_state", "1\n");
	tap_is_int(lf_tasks_blocking(proc.root, 1, &tasks), 0, "rescan");
	tap_is_int((long long)tasks.n, 0, "nobody blocks once all switched");
	lf_tasks_describe(&tasks, 5, buf, sizeof(buf));
	tap_is_str(buf, "", "empty description");
	lf_tasks_free(&tasks);

	tap_is_int(lf_tasks_blocking("/nonexistent-proc", 1, &tasks), -ENOENT,
		   "unreadable procfs is an error");
	tfs_cleanup(&proc);
	return tap_end();
}
