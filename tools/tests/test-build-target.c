// SPDX-License-Identifier: GPL-2.0-only
/*
 * target.c, the parts that need no kernel tree: names, the cache root,
 * .config values, the compiler check, refusals before anything is made.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../lib/build/target.h"
#include "../lib/err.h"
#include "tap.h"
#include "testfs.h"

static struct tfs fs;

static void test_names(void)
{
	char buf[128], a[64], b[64];

	tap_ok(lf_abi_valid("6.12.117+deb12-amd64"), "ABI valid");
	tap_ok(!lf_abi_valid(""), "empty ABI invalid");
	tap_ok(!lf_abi_valid("../6.12"), "path ABI invalid");
	tap_ok(!lf_abi_valid("6.12/x"), "slash invalid");
	tap_ok(!lf_abi_valid("6.12..1"), "dot-dot invalid");
	tap_ok(!lf_abi_valid("amd64"), "must start with a digit");

	tap_is_int(lf_abi_from_debver("6.12.117-1~deb12u1", buf, sizeof(buf)), 0,
		   "Debian version maps");
	tap_is_str(buf, "6.12.117+deb12-amd64", "to its ABI");
	tap_is_int(lf_abi_from_debver("6.12.115-2~deb12u1", buf, sizeof(buf)), 0,
		   "second upload maps");
	tap_is_str(buf, "6.12.115+deb12-amd64", "to the same ABI");
	tap_ok(lf_abi_from_debver("(none)", buf, sizeof(buf)) < 0, "(none) refused");

	lf_obj_key("/home/me/linux", a, sizeof(a));
	lf_obj_key("/home/me/linux", b, sizeof(b));
	tap_is_str(a, b, "obj key is stable");
	tap_ok(!strncmp(a, "obj-", 4) && strlen(a) == 20, "obj-<16 hex>");
	lf_obj_key("/home/me/linux2", b, sizeof(b));
	tap_ok(strcmp(a, b), "two trees get two O= trees");
}

static void test_cache_root(void)
{
	char buf[PATH_MAX], *home = getenv("HOME");
	struct lf_err e;

	home = home ? strdup(home) : NULL;
	lf_err_clear(&e);
	setenv("LIVEFIX_CACHE", "/c1", 1);
	setenv("XDG_CACHE_HOME", "/x", 1);
	setenv("HOME", "/h", 1);
	lf_cache_root(buf, sizeof(buf), &e);
	tap_is_str(buf, "/c1", "LIVEFIX_CACHE first");
	unsetenv("LIVEFIX_CACHE");
	lf_cache_root(buf, sizeof(buf), &e);
	tap_is_str(buf, "/x/livefix", "then XDG_CACHE_HOME/livefix");
	setenv("XDG_CACHE_HOME", "", 1);
	lf_cache_root(buf, sizeof(buf), &e);
	tap_is_str(buf, "/h/.cache/livefix", "then ~/.cache/livefix");
	unsetenv("XDG_CACHE_HOME");
	if (home)
		setenv("HOME", home, 1);
	free(home);
}

static void test_config(void)
{
	char buf[256];

	tfs_write(&fs, "config",
		  "#\n# comment\n#\n"
		  "CONFIG_CC_VERSION_TEXT=\"x86_64-linux-gnu-gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0\"\n"
		  "CONFIG_CC_IS_GCC=y\nCONFIG_GCC_VERSION=120200\n# CONFIG_FOO is not set\n");
	tap_is_int(lf_config_value(tfs_path(&fs, "config"), "CC_VERSION_TEXT", buf,
				   sizeof(buf)), 0, "string value found");
	tap_is_str(buf, "x86_64-linux-gnu-gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0",
		   "quotes removed");
	tap_is_int(lf_config_value(tfs_path(&fs, "config"), "CC_IS_GCC", buf,
				   sizeof(buf)), 0, "bool value found");
	tap_is_str(buf, "y", "bool value");
	tap_is_int(lf_config_value(tfs_path(&fs, "config"), "CC_IS", buf, sizeof(buf)),
		   -ENOENT, "prefix of a name does not match");
	tap_is_int(lf_config_value(tfs_path(&fs, "config"), "FOO", buf, sizeof(buf)),
		   -ENOENT, "unset option has no value");
}

static void test_cc(void)
{
	const char *want = "fakecc-12 (Debian 12.2.0-14+deb12u1) 12.2.0";
	char cc[PATH_MAX], got[256];
	struct lf_err e;

	tfs_write(&fs, "bin/fakecc-12",
		  "#!/bin/sh\n[ \"$1\" = --version ] || exit 1\n"
		  "echo 'fakecc-12 (Debian 12.2.0-14+deb12u1) 12.2.0'\n"
		  "echo 'Copyright (C) 2022'\n");
	chmod(tfs_path(&fs, "bin/fakecc-12"), 0755);
	snprintf(cc, sizeof(cc), "%s", tfs_path(&fs, "bin/fakecc-12"));

	lf_err_clear(&e);
	tap_is_int(lf_check_cc(cc, want, got, sizeof(got), &e), 0, "matching compiler");
	tap_is_str(got, want, "first --version line");

	tap_is_int(lf_check_cc(cc, "fakecc-12 (Debian 12.2.0-14+deb12u2) 12.2.0", got,
			       sizeof(got), &e), -EINVAL, "other build of the compiler refused");
	tap_has_str(e.msg, "compiler mismatch: ", "one-line mismatch");
	tap_has_str(e.msg, "is 'fakecc-12 (Debian 12.2.0-14+deb12u1) 12.2.0'", "names what we have");
	tap_has_str(e.msg, "built with 'fakecc-12 (Debian 12.2.0-14+deb12u2) 12.2.0'",
		    "and what the kernel was built with");

	lf_err_clear(&e);
	tap_ok(lf_check_cc("livefix-no-such-cc", want, got, sizeof(got), &e) < 0,
	       "missing compiler refused");
	tap_has_str(e.msg, "livefix-no-such-cc", "message names it");
}

static void test_refusals(void)
{
	struct lf_target t;
	struct lf_err e;

	memset(&t, 0, sizeof(t));
	setenv("LIVEFIX_CACHE", tfs_path(&fs, "cache"), 1);
	lf_err_clear(&e);
	tap_is_int(lf_target_prepare("../x", &t, LF_TARGET_NO_INSTALL, &e), -EINVAL,
		   "invalid ABI refused");
	tap_has_str(e.msg, "invalid ABI '../x'", "message names it");
	tap_ok(!tfs_exists(&fs, "cache"), "nothing created for it");
	unsetenv("LIVEFIX_CACHE");
}

int main(void)
{
	tap_start();
	tfs_init(&fs);
	test_names();
	test_cache_root();
	test_config();
	test_cc();
	test_refusals();
	tfs_cleanup(&fs);
	return tap_end();
}
