// SPDX-License-Identifier: GPL-2.0-only
/* Finding the tasks that hold a transition back, on a fake /proc. */
#include <errno.h>
#include <string.h>

#include "../lib/tasks.h"
#include "tap.h"
#include "testfs.h"

int main(void)
{
	struct lf_tasks tasks;
	struct tfs proc;
	char buf[256];

	tap_start();
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
