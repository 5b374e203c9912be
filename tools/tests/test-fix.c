// SPDX-License-Identifier: GPL-2.0-only
/*
 * Load/unload transactions against a simulated kernel: a thread plays the
 * klp core on a fake sysfs tree (finishing or refusing transitions, freeing
 * patches), and fake insert/remove ops play the module loader.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/deadline.h"
#include "../lib/fix.h"
#include "../lib/tasks.h"
#include "tap.h"
#include "testfs.h"

#define REL LF_TEST_RELEASE
#define GOOD LF_TEST_FIXTURES "/lf-good.ko"
#define NAME "lf_good"

struct fake {
	struct tfs sys, proc;
	/* loader behaviour */
	int insert_ret;			/* returned instead of loading */
	bool insert_makes_patch;	/* klp_enable_patch ran in init */
	atomic_int busy_removals;	/* removals failing with EBUSY first */
	atomic_int inserts, removals;
	/* klp behaviour */
	atomic_bool finish_patching;	/* transitions to patched complete */
	atomic_bool honour_disable;	/* writing 0 completes and frees */
	atomic_bool stop;
	pthread_t thread;
};

static char patch_rel[] = "kernel/livepatch/" NAME;

static void patch_file(struct fake *f, const char *file, const char *val)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "%s/%s", patch_rel, file);
	tfs_write(&f->sys, rel, val);
}

static const char *patch_read(struct fake *f, const char *file)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "%s/%s", patch_rel, file);
	return tfs_read(&f->sys, rel);
}

static void *klp_thread(void *arg)
{
	struct fake *f = arg;

	while (!atomic_load(&f->stop)) {
		if (tfs_exists(&f->sys, patch_rel)) {
			char enabled = patch_read(f, "enabled")[0];
			char transition = patch_read(f, "transition")[0];

			if (enabled == '1' && transition == '1' &&
			    atomic_load(&f->finish_patching)) {
				patch_file(f, "transition", "0\n");
			} else if (enabled == '0' && atomic_load(&f->honour_disable)) {
				patch_file(f, "transition", "0\n");
				tfs_rm_rf(&f->sys, patch_rel);
			}
		}
		lf_sleep_ms(2);
	}
	return NULL;
}

static int fake_insert(void *data, const char *path)
{
	struct fake *f = data;

	(void)path;
	atomic_fetch_add(&f->inserts, 1);
	if (f->insert_ret)
		return f->insert_ret;
	tfs_write(&f->sys, "module/" NAME "/taint", "OEK\n");
	if (f->insert_makes_patch) {
		tfs_mkdir(&f->sys, "%s/vmlinux/cmdline_proc_show,1", patch_rel);
		patch_file(f, "transition", "1\n");
		patch_file(f, "enabled", "1\n");
	}
	return 0;
}

static int fake_remove(void *data, const char *name)
{
	struct fake *f = data;

	atomic_fetch_add(&f->removals, 1);
	if (strcmp(name, NAME) || !tfs_exists(&f->sys, "module/" NAME))
		return -ENOENT;
	/* klp holds a module reference until the patch is freed. */
	if (tfs_exists(&f->sys, patch_rel))
		return -EBUSY;
	if (atomic_load(&f->busy_removals) > 0) {
		atomic_fetch_sub(&f->busy_removals, 1);
		return -EAGAIN;
	}
	tfs_rm_rf(&f->sys, "module/" NAME);
	return 0;
}

static void fake_start(struct fake *f, struct lf_env *env,
		       struct lf_kmod_ops *ops)
{
	memset(f, 0, sizeof(*f));
	tfs_init(&f->sys);
	tfs_init(&f->proc);
	tfs_mkdir(&f->sys, "kernel/livepatch");
	tfs_mkdir(&f->sys, "module");
	f->insert_makes_patch = true;
	atomic_store(&f->finish_patching, true);
	atomic_store(&f->honour_disable, true);
	env->sysfs = f->sys.root;
	env->procfs = f->proc.root;
	snprintf(env->release, sizeof(env->release), "%s", REL);
	ops->insert = fake_insert;
	ops->remove = fake_remove;
	ops->data = f;
	pthread_create(&f->thread, NULL, klp_thread, f);
}

static void fake_stop(struct fake *f)
{
	atomic_store(&f->stop, true);
	pthread_join(f->thread, NULL);
	tfs_cleanup(&f->sys);
	tfs_cleanup(&f->proc);
}

static bool nothing_left(struct fake *f)
{
	return !tfs_exists(&f->sys, patch_rel) &&
	       !tfs_exists(&f->sys, "module/" NAME);
}

static struct lf_load_req load_req(double timeout)
{
	return (struct lf_load_req) {
		.path = GOOD,
		.timeout_s = timeout,
		.revert_timeout_s = 2,
		.poll_ms = 5,
		.appear_ms = 100,
	};
}

static void test_load_ok(void)
{
	struct lf_load_req req = load_req(5);
	struct lf_load_result res;
	struct lf_kmod_ops ops;
	struct lf_env env;
	struct lf_err e;
	struct fake f;

	fake_start(&f, &env, &ops);
	lf_err_clear(&e);
	tap_is_int(lf_fix_load(&env, &ops, &req, &res, &e), 0, "load: transition completes");
	tap_is_str(res.name, NAME, "load: reports the patch name");
	tap_ok(res.seconds >= 0 && res.seconds < 5, "load: transition time measured");
	tap_is_str(patch_read(&f, "enabled"), "1\n", "load: fix left enabled");
	tap_is_int(atomic_load(&f.removals), 0, "load: nothing removed on success");

	/* Same name again: refused before the kernel is touched. */
	tap_is_int(lf_fix_load(&env, &ops, &req, &res, &e), -EEXIST, "load twice: refused");
	tap_is_str(e.msg, GOOD ": a fix named " NAME " is already loaded",
		   "load twice: message names file and fix");
	tap_is_int(atomic_load(&f.inserts), 1, "load twice: no second insert");
	fake_stop(&f);
}

static void test_load_timeout(void)
{
	struct lf_load_req req = load_req(0.2);
	struct lf_load_result res;
	struct lf_kmod_ops ops;
	struct lf_env env;
	struct lf_err e;
	struct fake f;
	int64_t start;
	int ret;

	fake_start(&f, &env, &ops);
	atomic_store(&f.finish_patching, false);
	atomic_store(&f.busy_removals, 3);
	tfs_add_task(&f.proc, 777, 777, 0, "stuck_task");
	tfs_add_task(&f.proc, 778, 778, 1, "fine_task");
	lf_err_clear(&e);
	start = lf_now_ns();
	ret = lf_fix_load(&env, &ops, &req, &res, &e);
	tap_is_int(ret, -ETIMEDOUT, "timeout: load fails");
	tap_ok(lf_seconds_since(start) < 3, "timeout: gave up promptly");
	tap_is_str(e.msg,
		   GOOD ": patch " NAME " did not finish its transition within 0.2 s "
		   "(blocked by 777 (stuck_task)); reverted, nothing was left loaded",
		   "timeout: message names blockers and the revert");
	tap_ok(nothing_left(&f), "timeout: no patch and no module left");
	tap_ok(atomic_load(&f.removals) >= 4, "timeout: removal retried while busy (%d tries)",
	       atomic_load(&f.removals));
	fake_stop(&f);
}

/* What the load reported and whom it tried to interrupt. */
struct kick_log {
	struct fake *f;
	char progress[2048];
	int calls;
	int ret;		/* what the fake interrupt returns */
	bool finishes;		/* interrupting lets the transition finish */
	bool finishes_unpatch;	/* ... the unpatching one */
	char seen[256];		/* the blockers it was handed */
	struct lf_transition_hooks hooks;
};

static void kick_progress(void *data, const char *line)
{
	struct kick_log *k = data;
	size_t len = strlen(k->progress);

	snprintf(k->progress + len, sizeof(k->progress) - len, "%s\n", line);
}

static int kick_interrupt(void *data, const struct lf_tasks *blockers)
{
	struct kick_log *k = data;

	k->calls++;
	lf_tasks_describe(blockers, 5, k->seen, sizeof(k->seen));
	if (k->finishes)
		atomic_store(&k->f->finish_patching, true);
	if (k->finishes_unpatch)
		atomic_store(&k->f->honour_disable, true);
	return k->ret;
}

/* A task stuck in the patched function, as /proc shows it. */
static void add_stuck_task(struct fake *f, char state)
{
	char stat[128];

	tfs_add_task(&f->proc, 777, 777, 0, "stuck_task");
	snprintf(stat, sizeof(stat), "777 (stuck_task) %c 1 777 777 0 -1 4194304 0\n",
		 state);
	tfs_write(&f->proc, "777/task/777/stat", stat);
	tfs_write(&f->proc, "777/task/777/stack",
		  "[<0>] schedule+0x27/0xf0\n"
		  "[<0>] cmdline_proc_show+0x1a/0x40\n"
		  "[<0>] seq_read_iter+0x11c/0x4b0\n");
	tfs_add_task(&f->proc, 778, 778, 1, "fine_task");
}

static struct lf_load_req kick_req(struct kick_log *k, struct fake *f)
{
	struct lf_load_req req = load_req(0.3);

	memset(k, 0, sizeof(*k));
	k->f = f;
	k->hooks = (struct lf_transition_hooks) {
		.progress = kick_progress,
		.interrupt = kick_interrupt,
		.data = k,
		.kick_grace_s = 0.3,
		.report_ms = 50,
	};
	req.hooks = &k->hooks;
	return req;
}

static void test_load_kick_ok(void)
{
	struct lf_load_result res;
	struct lf_load_req req;
	struct lf_kmod_ops ops;
	struct kick_log k;
	struct lf_env env;
	struct lf_err e;
	struct fake f;

	fake_start(&f, &env, &ops);
	req = kick_req(&k, &f);
	/* Room for several 50 ms reports even on a loaded machine. */
	req.timeout_s = 1.5;
	atomic_store(&f.finish_patching, false);
	add_stuck_task(&f, 'S');
	k.ret = 1;
	k.finishes = true;
	lf_err_clear(&e);
	tap_is_int(lf_fix_load(&env, &ops, &req, &res, &e), 0,
		   "kick: load completes after interrupting");
	tap_is_int(res.interrupted, 1, "kick: result counts the interrupted task");
	tap_is_int(k.calls, 1, "kick: interrupted once");
	tap_is_str(k.seen, "777 (stuck_task) in cmdline_proc_show",
		   "kick: handed the blocker with its function");
	tap_has_str(k.progress,
		    NAME ": transition waits for 1 task: 777 (stuck_task) in cmdline_proc_show\n",
		    "kick: progress names the blocker while waiting");
	tap_has_str(k.progress, "; interrupting 1 of 1\n", "kick: progress says it interrupts");
	tap_is_str(patch_read(&f, "enabled"), "1\n", "kick: fix left enabled");
	tap_is_int(atomic_load(&f.removals), 0, "kick: nothing removed");
	fake_stop(&f);
}

static void test_load_kick_impossible(void)
{
	struct lf_load_result res;
	struct lf_load_req req;
	struct lf_kmod_ops ops;
	struct kick_log k;
	struct lf_env env;
	struct lf_err e;
	struct fake f;

	fake_start(&f, &env, &ops);
	req = kick_req(&k, &f);
	/* No grace is due when nobody could be interrupted. */
	k.hooks.kick_grace_s = 60;
	atomic_store(&f.finish_patching, false);
	add_stuck_task(&f, 'D');
	lf_err_clear(&e);
	tap_is_int(lf_fix_load(&env, &ops, &req, &res, &e), -ETIMEDOUT,
		   "no kick: load fails");
	tap_is_str(e.msg,
		   GOOD ": patch " NAME " did not finish its transition within 0.3 s "
		   "(blocked by 777 (stuck_task) in cmdline_proc_show; it cannot be "
		   "interrupted: uninterruptible sleep); reverted, nothing was left loaded",
		   "no kick: message names blocker, function and why");
	tap_ok(nothing_left(&f), "no kick: no patch and no module left");
	tap_is_int(k.calls, 0, "no kick: nothing to interrupt, interrupt not called");
	fake_stop(&f);
}

static void test_load_kick_useless(void)
{
	struct lf_load_result res;
	struct lf_load_req req;
	struct lf_kmod_ops ops;
	struct kick_log k;
	struct lf_env env;
	struct lf_err e;
	struct fake f;

	fake_start(&f, &env, &ops);
	req = kick_req(&k, &f);
	atomic_store(&f.finish_patching, false);
	add_stuck_task(&f, 'S');
	k.ret = 1;
	lf_err_clear(&e);
	tap_is_int(lf_fix_load(&env, &ops, &req, &res, &e), -ETIMEDOUT,
		   "useless kick: load fails");
	tap_is_int(k.calls, 1, "useless kick: interrupted once");
	tap_has_str(e.msg,
		    "(blocked by 777 (stuck_task) in cmdline_proc_show, even after "
		    "interrupting 1 task); reverted, nothing was left loaded",
		    "useless kick: message says interrupting did not help");
	tap_ok(nothing_left(&f), "useless kick: no patch and no module left");
	fake_stop(&f);
}

/* The interrupted task moves, another one does not: no use waiting on. */
static int kick_switches_777(void *data, const struct lf_tasks *blockers)
{
	struct kick_log *k = data;

	kick_interrupt(data, blockers);
	tfs_write(&k->f->proc, "777/task/777/patch_state", "1\n");
	return 1;
}

static void test_load_kick_partial(void)
{
	struct lf_load_result res;
	struct lf_load_req req;
	struct lf_kmod_ops ops;
	struct kick_log k;
	struct lf_env env;
	struct lf_err e;
	struct fake f;
	int64_t start;

	fake_start(&f, &env, &ops);
	req = kick_req(&k, &f);
	k.hooks.kick_grace_s = 60;
	k.hooks.interrupt = kick_switches_777;
	atomic_store(&f.finish_patching, false);
	add_stuck_task(&f, 'S');
	tfs_add_task(&f.proc, 779, 779, 0, "deep_sleeper");
	tfs_write(&f.proc, "779/task/779/stat", "779 (deep_sleeper) D 1 1 1 0 -1 4194304 0\n");
	lf_err_clear(&e);
	start = lf_now_ns();
	tap_is_int(lf_fix_load(&env, &ops, &req, &res, &e), -ETIMEDOUT,
		   "partial kick: load fails");
	tap_ok(lf_seconds_since(start) < 30,
	       "partial kick: the grace ends once only uninterrupted tasks block");
	tap_has_str(k.progress, "; interrupting 1 of 2\n", "partial kick: one of two interrupted");
	tap_has_str(e.msg, "(blocked by 779 (deep_sleeper), even after interrupting 1 task)",
		    "partial kick: message names the task left");
	tap_ok(nothing_left(&f), "partial kick: no patch and no module left");
	fake_stop(&f);
}

static void test_load_revert_fails(void)
{
	struct lf_load_req req = load_req(0.1);
	struct lf_load_result res;
	struct lf_kmod_ops ops;
	struct lf_env env;
	struct lf_err e;
	struct fake f;

	fake_start(&f, &env, &ops);
	atomic_store(&f.finish_patching, false);
	atomic_store(&f.honour_disable, false);
	req.revert_timeout_s = 0.1;
	lf_err_clear(&e);
	tap_is_int(lf_fix_load(&env, &ops, &req, &res, &e), -ETIMEDOUT,
		   "stuck revert: load fails");
	tap_has_str(e.msg, "reverting failed: patch " NAME " is still unpatching",
		    "stuck revert: says what is left");
	tap_has_str(e.msg, "run 'livefix unload " NAME "'", "stuck revert: says how to finish");
	tap_is_str(patch_read(&f, "enabled"), "0", "stuck revert: patch was disabled");
	fake_stop(&f);
}

static void test_load_no_patch(void)
{
	struct lf_load_req req = load_req(5);
	struct lf_load_result res;
	struct lf_kmod_ops ops;
	struct lf_env env;
	struct lf_err e;
	struct fake f;

	fake_start(&f, &env, &ops);
	f.insert_makes_patch = false;
	lf_err_clear(&e);
	tap_is_int(lf_fix_load(&env, &ops, &req, &res, &e), -ENOENT,
		   "no klp: load fails");
	tap_has_str(e.msg, "never appeared in sysfs", "no klp: message says so");
	tap_has_str(e.msg, "reverted, nothing was left loaded", "no klp: module removed again");
	tap_ok(nothing_left(&f), "no klp: module really gone");
	fake_stop(&f);
}

static void test_load_interrupted(void)
{
	volatile sig_atomic_t cancel = 1;
	struct lf_load_req req = load_req(5);
	struct lf_load_result res;
	struct lf_kmod_ops ops;
	struct lf_env env;
	struct lf_err e;
	struct fake f;

	fake_start(&f, &env, &ops);
	atomic_store(&f.finish_patching, false);
	req.cancel = &cancel;
	lf_err_clear(&e);
	tap_is_int(lf_fix_load(&env, &ops, &req, &res, &e), -EINTR,
		   "interrupt: load fails");
	tap_has_str(e.msg, "interrupted", "interrupt: message says so");
	tap_ok(nothing_left(&f), "interrupt: reverted");
	fake_stop(&f);
}

#define UNSIGNED_REFUSED \
	"the kernel requires signed modules (module.sig_enforce or lockdown) and this fix is unsigned (see livefix sign)"

static void test_load_insert_errors(void)
{
	static const struct {
		int err;
		const char *reason;
	} cases[] = {
		{ -ENOEXEC, "invalid module format or wrong kernel" },
		/* GOOD is unsigned, which is what the kernel's refusal means. */
		{ -EKEYREJECTED, UNSIGNED_REFUSED },
		{ -ENOKEY, UNSIGNED_REFUSED },
		{ -EBADMSG, UNSIGNED_REFUSED },
		{ -EEXIST, "already loaded" },
		{ -EINVAL, "rejected by the kernel; see dmesg" },
		{ -ENOSPC, "No space left on device" },
	};
	struct lf_load_req req = load_req(5);
	struct lf_load_result res;
	struct lf_kmod_ops ops;
	struct lf_env env;
	struct lf_err e;
	struct fake f;
	char want[512];

	fake_start(&f, &env, &ops);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f.insert_ret = cases[i].err;
		lf_err_clear(&e);
		snprintf(want, sizeof(want), "%s: cannot load: %s", GOOD, cases[i].reason);
		tap_is_int(lf_fix_load(&env, &ops, &req, &res, &e), cases[i].err,
			   "insert error %d: propagated", -cases[i].err);
		tap_is_str(e.msg, want, "insert error %d: explained", -cases[i].err);
	}
	tap_is_int(atomic_load(&f.removals), 0, "insert errors: nothing to remove");

	f.insert_ret = 0;
	snprintf(env.release, sizeof(env.release), "6.1.0-9-amd64");
	tap_is_int(lf_fix_load(&env, &ops, &req, &res, &e), -EINVAL,
		   "wrong kernel: refused");
	tap_is_str(e.msg, GOOD ": built for kernel " REL ", but the running kernel is 6.1.0-9-amd64",
		   "wrong kernel: message");
	tap_is_int(atomic_load(&f.inserts), 7, "wrong kernel: kernel untouched");
	fake_stop(&f);
}

static struct lf_unload_req unload_req(const char *name, double timeout)
{
	return (struct lf_unload_req) {
		.name = name,
		.timeout_s = timeout,
		.poll_ms = 5,
	};
}

static void test_unload(void)
{
	struct lf_load_req lreq = load_req(5);
	struct lf_unload_req req = unload_req("some/dir/lf-good.ko", 5);
	struct lf_load_result lres;
	struct lf_unload_result res;
	struct lf_kmod_ops ops;
	struct lf_env env;
	struct lf_err e;
	struct fake f;

	fake_start(&f, &env, &ops);
	lf_err_clear(&e);
	tap_is_int(lf_fix_load(&env, &ops, &lreq, &lres, &e), 0, "unload: setup load");
	atomic_store(&f.busy_removals, 2);
	tap_is_int(lf_fix_unload(&env, &ops, &req, &res, &e), 0, "unload: succeeds");
	tap_is_str(res.name, NAME, "unload: path argument normalised");
	tap_ok(nothing_left(&f), "unload: patch and module gone");

	req = unload_req("lf-good", 5);
	tap_is_int(lf_fix_unload(&env, &ops, &req, &res, &e), -ENOENT, "unload again: fails");
	tap_is_str(e.msg, NAME ": no such fix", "unload again: no such fix");

	req = unload_req("bad name!", 5);
	tap_is_int(lf_fix_unload(&env, &ops, &req, &res, &e), -EINVAL, "unload bad name: fails");
	tap_is_str(e.msg, "bad name!: not a valid fix name", "unload bad name: message");

	req = unload_req("../../module/lf-good", 5);
	tap_is_int(lf_fix_unload(&env, &ops, &req, &res, &e), -ENOENT,
		   "unload with a path: only the basename counts");
	tap_is_str(e.msg, NAME ": no such fix", "unload with a path: message");

	/* A regular module must never be removed by livefix. */
	tfs_write(&f.sys, "module/ext4/taint", "\n");
	req = unload_req("ext4", 5);
	tap_is_int(lf_fix_unload(&env, &ops, &req, &res, &e), -EINVAL, "unload ext4: refused");
	tap_is_str(e.msg, "ext4: not a livepatch module; refusing to unload it",
		   "unload ext4: message");
	tap_ok(tfs_exists(&f.sys, "module/ext4"), "unload ext4: untouched");

	/* Patch already freed, module still there (e.g. an earlier timeout). */
	tfs_write(&f.sys, "module/" NAME "/taint", "K\n");
	req = unload_req(NAME, 5);
	tap_is_int(lf_fix_unload(&env, &ops, &req, &res, &e), 0, "unload leftover module");
	tap_ok(nothing_left(&f), "unload leftover module: removed");
	fake_stop(&f);
}

static void test_unload_stuck(void)
{
	struct lf_load_req lreq = load_req(5);
	struct lf_unload_req req = unload_req(NAME, 0.15);
	struct lf_load_result lres;
	struct lf_unload_result res;
	struct lf_kmod_ops ops;
	struct lf_env env;
	struct lf_err e;
	struct fake f;
	int64_t start;

	fake_start(&f, &env, &ops);
	lf_err_clear(&e);
	tap_is_int(lf_fix_load(&env, &ops, &lreq, &lres, &e), 0, "stuck unload: setup load");
	atomic_store(&f.finish_patching, false);
	atomic_store(&f.honour_disable, false);
	/* Emulate the kernel starting the unpatch transition and hanging. */
	patch_file(&f, "transition", "1\n");
	tfs_add_task(&f.proc, 900, 901, 1, "sleeper");
	start = lf_now_ns();
	tap_is_int(lf_fix_unload(&env, &ops, &req, &res, &e), -ETIMEDOUT,
		   "stuck unload: times out");
	tap_ok(lf_seconds_since(start) < 3, "stuck unload: within its deadline");
	tap_is_str(e.msg,
		   NAME ": still unpatching after 0.15 s (blocked by 901 (sleeper)); "
		   "the kernel finishes once those tasks move, then run unload again",
		   "stuck unload: message");
	tap_is_int(atomic_load(&f.removals), 0, "stuck unload: module not touched");

	atomic_store(&f.honour_disable, true);
	req = unload_req(NAME, 5);
	tap_is_int(lf_fix_unload(&env, &ops, &req, &res, &e), 0,
		   "stuck unload: a later unload finishes the job");
	tap_ok(nothing_left(&f), "stuck unload: all gone in the end");
	fake_stop(&f);
}

/* A task in one of the fix's own functions holds the unpatching back. */
static void test_unload_kick(void)
{
	struct lf_load_req lreq = load_req(5);
	struct lf_unload_req req = unload_req(NAME, 1.5);	/* several reports */
	struct lf_load_result lres;
	struct lf_unload_result res;
	struct lf_kmod_ops ops;
	struct kick_log k;
	struct lf_env env;
	struct lf_err e;
	struct fake f;

	fake_start(&f, &env, &ops);
	lf_err_clear(&e);
	tap_is_int(lf_fix_load(&env, &ops, &lreq, &lres, &e), 0, "unload kick: setup load");
	atomic_store(&f.finish_patching, false);
	atomic_store(&f.honour_disable, false);
	patch_file(&f, "transition", "1\n");
	tfs_add_task(&f.proc, 900, 901, 1, "sleeper");
	tfs_write(&f.proc, "900/task/901/stat", "901 (sleeper) S 1 900 900 0 -1 4194304 0\n");
	tfs_write(&f.proc, "900/task/901/stack",
		  "[<0>] schedule+0x27/0xf0\n"
		  "[<0>] lf_good_cmdline_show+0x1a/0x40 [lf_good]\n");
	kick_req(&k, &f);
	k.ret = 1;
	k.finishes_unpatch = true;
	req.hooks = &k.hooks;
	tap_is_int(lf_fix_unload(&env, &ops, &req, &res, &e), 0,
		   "unload kick: unload completes after interrupting");
	tap_is_int(res.interrupted, 1, "unload kick: result counts the interrupted task");
	tap_is_str(k.seen, "901 (sleeper) in lf_good_cmdline_show",
		   "unload kick: handed the blocker, in the fix's own function");
	tap_has_str(k.progress,
		    NAME ": transition waits for 1 task: 901 (sleeper) in lf_good_cmdline_show\n",
		    "unload kick: progress names it while waiting");
	tap_ok(nothing_left(&f), "unload kick: patch and module gone");
	fake_stop(&f);
}

int main(void)
{
	tap_start();
	test_load_ok();
	test_load_timeout();
	test_load_kick_ok();
	test_load_kick_impossible();
	test_load_kick_useless();
	test_load_kick_partial();
	test_load_revert_fails();
	test_load_no_patch();
	test_load_interrupted();
	test_load_insert_errors();
	test_unload();
	test_unload_stuck();
	test_unload_kick();
	return tap_end();
}
