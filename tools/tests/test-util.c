// SPDX-License-Identifier: GPL-2.0-only
/* Small building blocks: errors, string vectors, names, files, clocks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/deadline.h"
#include "../lib/env.h"
#include "../lib/err.h"
#include "../lib/modname.h"
#include "../lib/strv.h"
#include "../lib/sysfs.h"
#include "tap.h"
#include "testfs.h"

static void test_err(void)
{
	struct lf_err e;
	char flat[32];

	lf_err_clear(&e);
	tap_is_int(lf_err_set(&e, -EINVAL, "bad %s", "thing"), -EINVAL,
		   "lf_err_set returns the code");
	tap_is_str(e.msg, "bad thing", "lf_err_set formats the message");
	lf_err_prefix(&e, "%s: ", "x.ko");
	tap_is_str(e.msg, "x.ko: bad thing", "lf_err_prefix prepends context");
	lf_flatten(flat, sizeof(flat), "two\nlines\there");
	tap_is_str(flat, "two lines here", "control characters flattened");
	lf_flatten(flat, 5, "truncate me");
	tap_is_str(flat, "trun", "flatten respects the buffer size");
}

static void test_strv(void)
{
	struct lf_strv sv = { 0 };

	tap_is_int(lf_strv_split_ws(&sv, "  CVE-2 CVE-1\tCVE-3\n"), 0,
		   "split succeeds");
	tap_is_int((long long)sv.n, 3, "split finds three words");
	lf_strv_sort(&sv);
	tap_ok(sv.n == 3 && !strcmp(sv.v[0], "CVE-1") && !strcmp(sv.v[2], "CVE-3"),
	       "sort orders them");
	lf_strv_free(&sv);
	tap_is_int(lf_strv_split_ws(&sv, "   "), 0, "blank input splits fine");
	tap_is_int((long long)sv.n, 0, "blank input gives no words");
	for (int i = 0; i < 100; i++) {
		char b[8];

		snprintf(b, sizeof(b), "%d", i);
		lf_strv_push(&sv, b);
	}
	tap_ok(sv.n == 100 && !strcmp(sv.v[99], "99"), "push grows the vector");
	lf_strv_free(&sv);
}

static void check_name(const char *in, const char *want)
{
	char out[LF_MODNAME_MAX];
	int ret = lf_modname(in, out, sizeof(out));

	if (want)
		tap_is_str(ret ? "(error)" : out, want, "modname '%s'", in);
	else
		tap_is_int(ret, -EINVAL, "modname '%s' rejected", in);
}

static void test_modname(void)
{
	check_name("foo-bar.ko", "foo_bar");
	check_name("foo_bar", "foo_bar");
	check_name("foo-bar", "foo_bar");
	check_name("/lib/fixes/livefix-cve-2024-1.ko", "livefix_cve_2024_1");
	check_name("./x.ko.xz", "x");
	check_name("dir.d/a-b.ko.zst", "a_b");
	check_name("KO.ko", "KO");
	check_name("", NULL);
	check_name(".ko", NULL);
	check_name("dir/", NULL);
	check_name("..", NULL);
	check_name("a/../b c", NULL);
	check_name("foo.bar", NULL);
	check_name("0123456789012345678901234567890123456789012345678901234", "0123456789012345678901234567890123456789012345678901234");
	check_name("01234567890123456789012345678901234567890123456789012345", NULL);
	tap_ok(lf_modname_is_path("x.ko") && lf_modname_is_path("a/b") &&
	       !lf_modname_is_path("x_y"), "path detection");
}

static void test_files(void)
{
	struct tfs t;
	struct lf_strv sv = { 0 };
	char buf[8], big[64];
	bool b;
	long l;

	tfs_init(&t);
	tfs_write(&t, "one", "1\n");
	tfs_write(&t, "zero", "0");
	tfs_write(&t, "two", "2\n");
	tfs_write(&t, "neg", "-1\n");
	tfs_write(&t, "word", "live \n");
	tfs_write(&t, "long", "0123456789abcdef");
	tfs_mkdir(&t, "d/zeta");
	tfs_mkdir(&t, "d/alpha");
	tfs_write(&t, "d/file", "x");

	tap_ok(!lf_read_bool(tfs_path(&t, "one"), &b) && b, "bool 1");
	tap_ok(!lf_read_bool(tfs_path(&t, "zero"), &b) && !b, "bool 0 without newline");
	tap_is_int(lf_read_bool(tfs_path(&t, "two"), &b), -EINVAL, "bool 2 is invalid");
	tap_is_int(lf_read_bool(tfs_path(&t, "nope"), &b), -ENOENT, "bool missing is ENOENT");
	tap_ok(!lf_read_long(tfs_path(&t, "neg"), &l) && l == -1, "long -1");
	tap_is_int(lf_read_long(tfs_path(&t, "word"), &l), -EINVAL, "long rejects words");
	tap_is_int(lf_read_text(tfs_path(&t, "word"), buf, sizeof(buf)), 4,
		   "text length without trailing blanks");
	tap_is_str(buf, "live", "text trimmed");
	tap_is_int(lf_read_text(tfs_path(&t, "long"), buf, sizeof(buf)), -EFBIG,
		   "oversized file is EFBIG, not truncated");
	tap_is_int(lf_read_text(tfs_path(&t, "long"), big, 17), 16,
		   "file exactly filling the buffer is fine");

	tap_is_int(lf_write_text(tfs_path(&t, "one"), "0"), 0, "write succeeds");
	tap_ok(!lf_read_bool(tfs_path(&t, "one"), &b) && !b, "write replaced contents");
	tap_is_int(lf_write_text(tfs_path(&t, "absent"), "0"), -ENOENT,
		   "write never creates files (sysfs attributes exist or not)");

	tap_is_int(lf_list_dir(tfs_path(&t, "d"), LF_LIST_DIRS, &sv), 0, "list dirs");
	tap_ok(sv.n == 2 && !strcmp(sv.v[0], "alpha") && !strcmp(sv.v[1], "zeta"),
	       "only directories, sorted");
	lf_strv_free(&sv);
	tap_is_int(lf_list_dir(tfs_path(&t, "d"), LF_LIST_ALL, &sv), 0, "list all");
	tap_is_int((long long)sv.n, 3, "files included with LF_LIST_ALL");
	lf_strv_free(&sv);
	tap_is_int(lf_list_dir(tfs_path(&t, "missing"), LF_LIST_ALL, &sv), -ENOENT,
		   "listing a missing dir is ENOENT");

	tap_is_int(lf_path(buf, sizeof(buf), "%s", "0123456789"), -ENAMETOOLONG,
		   "lf_path refuses to truncate");
	tfs_cleanup(&t);
	tap_ok(access(t.root, F_OK) != 0, "test tree removed");
}

static void test_deadline(void)
{
	struct lf_deadline d = lf_deadline_in(0.05);
	int64_t start = lf_now_ns();

	tap_ok(!lf_deadline_passed(d), "fresh deadline not passed");
	while (!lf_deadline_passed(d))
		lf_sleep_until_or(d, 20);
	tap_ok(lf_seconds_since(start) >= 0.045, "deadline waits long enough");
	tap_ok(lf_seconds_since(start) < 1.0, "sleep is clamped to the deadline");
	tap_is_int(lf_deadline_left_ms(d), 0, "nothing left after it passed");
	d = lf_deadline_in(-5);
	tap_ok(lf_deadline_passed(d), "negative timeout is already passed");
}

static void test_env(void)
{
	struct lf_env env;
	struct lf_err e;

	setenv("LIVEFIX_SYSFS", "/tmp/fake-sys", 1);
	setenv("LIVEFIX_PROCFS", "", 1);
	setenv("LIVEFIX_KERNEL_RELEASE", "9.9.9-test", 1);
	tap_is_int(lf_env_init(&env, &e), 0, "env init");
	tap_is_str(env.sysfs, "/tmp/fake-sys", "LIVEFIX_SYSFS honoured");
	tap_is_str(env.procfs, "/proc", "empty LIVEFIX_PROCFS falls back to /proc");
	tap_is_str(env.release, "9.9.9-test", "LIVEFIX_KERNEL_RELEASE honoured");
	unsetenv("LIVEFIX_KERNEL_RELEASE");
	tap_ok(!lf_env_init(&env, &e) && env.release[0], "uname used by default");
}

int main(void)
{
	tap_start();
	test_err();
	test_strv();
	test_modname();
	test_files();
	test_deadline();
	test_env();
	return tap_end();
}
