// SPDX-License-Identifier: GPL-2.0-only
/* compile.c: running tools, reading their logs, kbuild command lines. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/build/compile.h"
#include "../lib/build/target.h"
#include "../lib/deadline.h"
#include "../lib/err.h"
#include "tap.h"
#include "testfs.h"

static struct tfs fs;

static void test_run(void)
{
	const char *ok[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	const char *nope[] = { "livefix-no-such-program", NULL };
	const char *cat[] = { "cat", NULL };
	char log[PATH_MAX], in[PATH_MAX], out[PATH_MAX];
	struct lf_proc p = { 0 };
	struct lf_err e;
	int status = -1;

	snprintf(log, sizeof(log), "%s", tfs_path(&fs, "run.log"));
	p.argv = ok;
	p.log = log;
	lf_err_clear(&e);
	tap_is_int(lf_proc_run(&p, &status, &e), 0, "program runs");
	tap_is_int(status, 3, "exit status returned");
	tap_is_str(tfs_read(&fs, "run.log"), "out\nerr\n", "stdout and stderr logged in order");

	p.argv = nope;
	status = -1;
	tap_ok(lf_proc_run(&p, &status, &e) == 0 ? status == 127 : e.msg[0] != '\0',
	       "a missing program fails cleanly");

	snprintf(in, sizeof(in), "%s", tfs_path(&fs, "in.txt"));
	snprintf(out, sizeof(out), "%s", tfs_path(&fs, "out.txt"));
	tfs_write(&fs, "in.txt", "piped\n");
	p.argv = cat;
	p.in = in;
	p.out = out;
	tap_is_int(lf_proc_run(&p, &status, &e), 0, "stdin/stdout files");
	tap_is_str(tfs_read(&fs, "out.txt"), "piped\n", "stdout went to its file");
}

static void test_env_cwd(void)
{
	const char *argv[] = { "sh", "-c",
			       "echo \"$LC_ALL|$MAKEFLAGS|$KBUILD_OUTPUT|$EXTRA|$(pwd)\"", NULL };
	const char *env[] = { "EXTRA=yes", NULL };
	char out[PATH_MAX], want[PATH_MAX + 64], cwd[PATH_MAX];
	struct lf_proc p = { .argv = argv, .env = env };
	struct lf_err e;
	int status;

	setenv("MAKEFLAGS", "-j8 --jobserver-auth=3,4", 1);
	setenv("KBUILD_OUTPUT", "/elsewhere", 1);
	setenv("LC_ALL", "de_DE.UTF-8", 1);
	setenv("EXTRA", "no", 1);
	snprintf(out, sizeof(out), "%s", tfs_path(&fs, "env.txt"));
	if (!realpath(fs.root, cwd))
		snprintf(cwd, sizeof(cwd), "%s", fs.root);
	p.out = out;
	p.cwd = cwd;
	lf_err_clear(&e);
	tap_is_int(lf_proc_run(&p, &status, &e), 0, "env probe runs");
	snprintf(want, sizeof(want), "C|||yes|%s\n", cwd);
	tap_is_str(tfs_read(&fs, "env.txt"), want,
		   "LC_ALL=C, make/kbuild variables dropped, extras win, cwd set");
	unsetenv("MAKEFLAGS");
	unsetenv("KBUILD_OUTPUT");
	unsetenv("LC_ALL");
	unsetenv("EXTRA");
}

/*
 * The compiler's temporaries go beside its output: a make standing in for
 * kbuild records the TMPDIR it got and makes the object.
 */
static void test_tmpdir(void)
{
	const char *units[] = { "fs/x.c" };
	const char *outs[1];
	char out[PATH_MAX], log[PATH_MAX], want[PATH_MAX + 8], real[PATH_MAX];
	char buf[PATH_MAX + 8], path[2 * PATH_MAX], *old_path, *old_tmp;
	struct lf_target t;
	struct lf_err e;

	tap_is_int(lf_tmpdir_env(tfs_path(&fs, "."), buf, sizeof(buf)), 0,
		   "TMPDIR= for a directory");
	snprintf(want, sizeof(want), "TMPDIR=%s",
		 realpath(fs.root, real) ? real : fs.root);
	tap_is_str(buf, want, "made absolute and resolved");
	tap_is_int(lf_tmpdir_env(tfs_path(&fs, "no/such/dir"), buf, sizeof(buf)),
		   -ENOENT, "a missing directory is an error");

	memset(&t, 0, sizeof(t));
	tfs_mkdir(&fs, "tmpdir/src");
	tfs_mkdir(&fs, "tmpdir/obj/fs");
	tfs_mkdir(&fs, "tmpdir/out");
	tfs_write(&fs, "tmpdir/bin/make",
		  "#!/bin/sh\n"
		  "for a; do case $a in O=*) o=${a#O=} ;; esac; done\n"
		  "echo \"TMPDIR=$TMPDIR\" >\"$o/tmpdir.txt\"\n"
		  "echo object >\"$o/fs/x.o\"\n");
	chmod(tfs_path(&fs, "tmpdir/bin/make"), 0755);
	snprintf(t.src, sizeof(t.src), "%s", tfs_path(&fs, "tmpdir/src"));
	snprintf(t.obj, sizeof(t.obj), "%s", tfs_path(&fs, "tmpdir/obj"));
	snprintf(out, sizeof(out), "%s", tfs_path(&fs, "tmpdir/out/0.o"));
	snprintf(log, sizeof(log), "%s", tfs_path(&fs, "tmpdir/compile.log"));
	snprintf(path, sizeof(path), "%s:%s", tfs_path(&fs, "tmpdir/bin"),
		 getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	old_path = tfs_setenv("PATH", path);
	old_tmp = tfs_setenv("TMPDIR", "/shared/tmp");
	outs[0] = out;
	lf_err_clear(&e);
	tap_is_int(lf_compile_units(&t, units, outs, 1, 1, log, &e), 0,
		   "compile with a stand-in make");
	tap_is_str(tfs_read(&fs, "tmpdir/out/0.o"), "object\n", "object copied out");
	snprintf(want, sizeof(want), "TMPDIR=%s\n",
		 realpath(tfs_path(&fs, "tmpdir/out"), real) ? real : "?");
	tap_is_str(tfs_read(&fs, "tmpdir/obj/tmpdir.txt"), want,
		   "the compiler's TMPDIR is the output's directory, not the caller's");
	tfs_restore_env("PATH", old_path);
	tfs_restore_env("TMPDIR", old_tmp);
}

static void test_capture_pipe(void)
{
	const char *echo[] = { "printf", "line one\\nline two\\n\\n", NULL };
	const char *big[] = { "sh", "-c", "yes | head -c 100000", NULL };
	const char *a_argv[] = { "printf", "a\\nb\\nc\\n", NULL };
	const char *b_argv[] = { "head", "-n", "2", NULL };
	char buf[64], out[PATH_MAX];
	struct lf_proc a = { .argv = a_argv }, b = { .argv = b_argv };
	struct lf_err e;
	int status, sa, sb;

	lf_err_clear(&e);
	tap_is_int(lf_proc_capture(echo, buf, sizeof(buf), &status, &e), 0, "capture");
	tap_is_str(buf, "line one\nline two", "captured, trailing newlines trimmed");
	tap_is_int(lf_proc_capture(big, buf, sizeof(buf), &status, &e), -EFBIG,
		   "too much output is an error, not a truncation");
	tap_is_int(status, 0, "the child was drained and finished");

	snprintf(out, sizeof(out), "%s", tfs_path(&fs, "pipe.txt"));
	b.out = out;
	tap_is_int(lf_proc_pipe(&a, &b, &sa, &sb, &e), 0, "pipe");
	tap_ok(sa == 0 && sb == 0, "both ends succeeded");
	tap_is_str(tfs_read(&fs, "pipe.txt"), "a\nb\n", "consumer got the producer's output");
}

static volatile sig_atomic_t cancel_flag;

static void *set_cancel(void *arg)
{
	struct timespec ts = { 0, 200 * 1000 * 1000 };

	(void)arg;
	nanosleep(&ts, NULL);
	cancel_flag = 1;
	return NULL;
}

static void test_cancel(void)
{
	/* A shell that ignores nothing, with a grandchild: the group dies. */
	const char *argv[] = { "sh", "-c", "sleep 30 & sleep 30; wait", NULL };
	struct lf_proc p = { .argv = argv, .cancel = &cancel_flag };
	struct lf_err e;
	pthread_t th;
	int status = -1, ret;
	int64_t t0;

	cancel_flag = 1;
	lf_err_clear(&e);
	tap_is_int(lf_proc_run(&p, &status, &e), -EINTR, "cancelled before start");

	cancel_flag = 0;
	pthread_create(&th, NULL, set_cancel, NULL);
	t0 = lf_now_ns();
	ret = lf_proc_run(&p, &status, &e);
	pthread_join(th, NULL);
	tap_is_int(ret, -EINTR, "cancelled while running");
	tap_is_str(e.msg, "interrupted", "says so");
	tap_ok(lf_seconds_since(t0) < 10, "returned promptly (%.1f s)", lf_seconds_since(t0));
	cancel_flag = 0;
}

static void test_log(void)
{
	char buf[256];

	tfs_write(&fs, "c.log",
		  "  CC      fs/proc/version.o\n"
		  "In file included from /src/tree/fs/proc/version.c:2:\n"
		  "/src/tree/fs/proc/version.c:12:5: error: expected ';' before 'return'\n"
		  "/src/tree/fs/proc/version.c:13:1: error: second\n"
		  "make[4]: *** [/src/tree/scripts/Makefile.build:229: fs/proc/version.o] Error 1\n");
	lf_log_first_error(tfs_path(&fs, "c.log"), "/src/tree/", buf, sizeof(buf));
	tap_is_str(buf, "fs/proc/version.c:12:5: error: expected ';' before 'return'",
		   "first compiler error, tree path stripped");

	tfs_write(&fs, "m.log", "make: Entering\nmake[1]: *** No rule to make target 'x.o'.  Stop.\nmake: Leaving\n");
	lf_log_first_error(tfs_path(&fs, "m.log"), NULL, buf, sizeof(buf));
	tap_is_str(buf, "make[1]: *** No rule to make target 'x.o'.  Stop.",
		   "make's error without a compiler error");

	tfs_write(&fs, "l.log", "first\nlast words\n\n");
	lf_log_first_error(tfs_path(&fs, "l.log"), NULL, buf, sizeof(buf));
	tap_is_str(buf, "last words", "else the last non-empty line");

	lf_log_first_error(tfs_path(&fs, "absent.log"), NULL, buf, sizeof(buf));
	tap_is_str(buf, "", "no log, no message");
}

static void test_kbuild(void)
{
	struct lf_target t;
	struct lf_kbuild k;
	const char *targets[] = { "fs/proc/version.o" };
	bool module;
	char mod[64];
	int n = 0;

	memset(&t, 0, sizeof(t));
	snprintf(t.src, sizeof(t.src), "/cache/src");
	tap_is_int(lf_kbuild_init(&k, &t, "/cache/obj.1", 2, targets, 1), 0, "kbuild argv");
	while (k.argv[n])
		n++;
	tap_is_int(n, 8, "eight words");
	if (n == 8) {
		tap_is_str(k.argv[2], "/cache/src", "-C src");
		tap_is_str(k.argv[3], "O=/cache/obj.1", "O= obj");
		tap_is_str(k.argv[4], "RUSTC=false", "no host rustc in Kconfig");
		tap_is_str(k.argv[5], "KCFLAGS=-ffunction-sections -fdata-sections",
			   "one section per function and object");
		tap_is_str(k.argv[6], "-j2", "jobs");
		tap_is_str(k.argv[7], "fs/proc/version.o", "target last");
	}
	lf_kbuild_free(&k);

	tfs_write(&fs, ".tcp_diag.o.cmd",
		  "savedcmd_net/ipv4/tcp_diag.o := gcc -nostdinc -DMODULE  -DKBUILD_BASENAME='\"tcp_diag\"' -DKBUILD_MODNAME='\"tcp_diag\"' -D__KBUILD_MODNAME=kmod_tcp_diag -c -o net/ipv4/tcp_diag.o net/ipv4/tcp_diag.c\n"
		  "deps_net/ipv4/tcp_diag.o := \\\n  include/linux/module.h \\\n");
	tap_is_int(lf_kbuild_cmd_module(tfs_path(&fs, ".tcp_diag.o.cmd"), &module, mod,
					sizeof(mod)), 0, "module .cmd parsed");
	tap_ok(module, "-DMODULE seen");
	tap_is_str(mod, "tcp_diag", "KBUILD_MODNAME");
	tfs_write(&fs, ".version.o.cmd",
		  "savedcmd_fs/proc/version.o := gcc -DMODULE_X -DKBUILD_MODFILE='\"fs/proc/proc\"' -DKBUILD_MODNAME='\"proc\"' -c\n"
		  "deps := -DMODULE\n");
	tap_is_int(lf_kbuild_cmd_module(tfs_path(&fs, ".version.o.cmd"), &module, mod,
					sizeof(mod)), 0, "builtin .cmd parsed");
	tap_ok(!module, "no -DMODULE on the command line (other words and lines ignored)");
	tap_is_str(mod, "proc", "still has a KBUILD_MODNAME");

	tap_ok(lf_unit_path_ok("fs/proc/version.c"), "unit path ok");
	tap_ok(lf_unit_path_ok("drivers/net/ethernet/intel/e1000e/netdev.c"), "deep path ok");
	tap_ok(!lf_unit_path_ok("/etc/x.c"), "absolute refused");
	tap_ok(!lf_unit_path_ok("fs/../../x.c"), "dot-dot refused");
	tap_ok(!lf_unit_path_ok("fs//x.c"), "empty component refused");
	tap_ok(!lf_unit_path_ok("fs/x.h"), "header is no unit");
	tap_ok(!lf_unit_path_ok("fs/x y.c"), "space refused");
	tap_ok(!lf_unit_path_ok("fs/$(x).c"), "make syntax refused");
}

int main(void)
{
	tap_start();
	tfs_init(&fs);
	test_run();
	test_env_cwd();
	test_tmpdir();
	test_capture_pipe();
	test_cancel();
	test_log();
	test_kbuild();
	tfs_cleanup(&fs);
	return tap_end();
}
