// SPDX-License-Identifier: GPL-2.0-only
/* Health reports and probes against a fake livefix sysfs tree. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../lib/health.h"
#include "tap.h"
#include "testfs.h"

static void test_reason_ok(void)
{
	char longest[LF_HEALTH_REASON_MAX + 2];

	tap_ok(lf_health_reason_ok("probe exited 1: no route"), "plain reason accepted");
	tap_ok(!lf_health_reason_ok(""), "empty reason refused");
	tap_ok(!lf_health_reason_ok("two\nlines"), "newline refused");
	tap_ok(!lf_health_reason_ok("say \"no\""), "double quote refused");
	tap_ok(!lf_health_reason_ok("caf\xc3\xa9"), "non-ASCII refused");
	memset(longest, 'x', sizeof(longest));
	longest[LF_HEALTH_REASON_MAX] = '\0';
	tap_ok(lf_health_reason_ok(longest), "%d characters accepted",
	       LF_HEALTH_REASON_MAX);
	longest[LF_HEALTH_REASON_MAX] = 'x';
	longest[LF_HEALTH_REASON_MAX + 1] = '\0';
	tap_ok(!lf_health_reason_ok(longest), "one more refused");
}

static void test_reason_clean(void)
{
	char out[LF_HEALTH_REASON_MAX + 1], big[400], small[8];

	lf_health_reason_clean(out, sizeof(out), "  a\t\"b\"\r\n\n c\x01\xff  ");
	tap_is_str(out, "a 'b' c", "controls, quotes and blanks cleaned");
	tap_ok(lf_health_reason_ok(out), "cleaned text is a valid reason");
	lf_health_reason_clean(out, sizeof(out), " \n\t");
	tap_is_str(out, "", "blank text stays empty");
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	lf_health_reason_clean(out, sizeof(out), big);
	tap_is_int((long long)strlen(out), LF_HEALTH_REASON_MAX,
		   "long text cut to the limit");
	lf_health_reason_clean(small, sizeof(small), "abcdefghij");
	tap_is_str(small, "abcdefg", "cut to a small buffer");
}

static void add_fix(struct tfs *t, const char *name, const char *state,
		    const char *health)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "kernel/livefix/fixes/%s/state", name);
	tfs_write(t, rel, state);
	if (health) {
		snprintf(rel, sizeof(rel), "kernel/livefix/fixes/%s/health", name);
		tfs_write(t, rel, health);
	}
}

static void test_read(struct tfs *t)
{
	struct lf_env env = { .sysfs = t->root };
	struct lf_health_status st;
	struct lf_err err;

	lf_err_clear(&err);
	tap_is_int(lf_health_read(&env, "fix-a", &st, &err), -ENOENT,
		   "no livefix directory");
	tap_is_str(err.msg, "livefix.ko is not loaded", "... says livefix.ko is not loaded");

	add_fix(t, "fix_a", "live\n", "watching 42\n");
	add_fix(t, "fix_b", "reverted\n", "failed WARN at f+0x1/0x2 [fix_b]\n");
	add_fix(t, "fix_c", "live\n", "ok\n");
	add_fix(t, "fix_d", "live\n", NULL);
	add_fix(t, "fix_e", "live\n", "sideways\n");

	tap_is_int(lf_health_read(&env, "fix-a", &st, &err), 0, "read fix-a as fix_a");
	tap_ok(st.watch == LF_HEALTH_WATCHING && st.seconds_left == 42 &&
	       !strcmp(st.state, "live"), "fix_a live, watching, 42 s left");
	tap_is_int(lf_health_read(&env, "fix_b", &st, &err), 0, "read fix_b");
	tap_ok(st.watch == LF_HEALTH_FAILED && !strcmp(st.state, "reverted"),
	       "fix_b failed and reverted");
	tap_is_str(st.reason, "WARN at f+0x1/0x2 [fix_b]", "fix_b's reason");
	tap_is_int(lf_health_read(&env, "fix_c", &st, &err), 0, "read fix_c");
	tap_ok(st.watch == LF_HEALTH_ENDED, "fix_c's watch ended");
	tap_is_int(lf_health_read(&env, "fix_d", &st, &err), -ENOENT, "fix_d has no health");
	tap_has_str(err.msg, "fix_d: livefix.ko keeps no health watch", "... said so");
	tap_is_int(lf_health_read(&env, "fix_e", &st, &err), -EINVAL, "garbage health");
	tap_has_str(err.msg, "unexpected health 'sideways'", "... quoted");
	tap_is_int(lf_health_read(&env, "nosuch", &st, &err), -ENOENT, "unknown fix");
	tap_is_str(err.msg, "nosuch: no such fix", "... named");
	tap_is_int(lf_health_read(&env, "no good", &st, &err), -EINVAL, "bad name");
}

static void test_fail(struct tfs *t)
{
	struct lf_env env = { .sysfs = t->root };
	struct lf_err err;

	lf_err_clear(&err);
	tap_is_int(lf_health_fail(&env, "fix_a", "probe said no", &err), 0,
		   "report on a watched live fix");
	tap_is_str(tfs_read(t, "kernel/livefix/fixes/fix_a/health"),
		   "fail probe said no", "wrote 'fail <reason>' in one go");

	tap_is_int(lf_health_fail(&env, "fix_b", "x", &err), -EALREADY,
		   "report on a reverted fix refused");
	tap_is_str(err.msg, "fix_b: already being reverted: WARN at f+0x1/0x2 [fix_b]",
		   "... with the earlier reason");
	tap_is_str(tfs_read(t, "kernel/livefix/fixes/fix_b/health"),
		   "failed WARN at f+0x1/0x2 [fix_b]\n", "... and nothing written");

	tap_is_int(lf_health_fail(&env, "fix_c", "x", &err), -ETIME,
		   "report after the watch refused");
	tap_is_str(err.msg,
		   "fix_c: its health watch has ended; remove it with 'livefix unload fix_c'",
		   "... says how to remove it instead");

	add_fix(t, "fix_f", "reverting\n", "watching 3\n");
	tap_is_int(lf_health_fail(&env, "fix_f", "x", &err), -EALREADY,
		   "report on a fix that is not live refused");
	tap_is_str(err.msg, "fix_f: is reverting, not live; nothing to revert",
		   "... names its state");

	tap_is_int(lf_health_fail(&env, "fix_a", "bad \"quote\"", &err), -EINVAL,
		   "bad reason refused before any write");
	tap_is_int(lf_health_fail(&env, "nosuch", "x", &err), -ENOENT, "unknown fix");
}

static void test_probe(void)
{
	char *ok[] = { "true", NULL };
	char *fails[] = { "sh", "-c", "echo 'first  \"line\"'; echo second; exit 3", NULL };
	char *quiet[] = { "sh", "-c", "exit 4", NULL };
	char *killed[] = { "sh", "-c", "kill -9 $$", NULL };
	char *missing[] = { "/nonexistent/probe", NULL };
	char *chatty[] = { "sh", "-c", "i=0; while [ $i -lt 2000 ]; do echo line $i; i=$((i+1)); done; echo err >&2", NULL };
	char reason[LF_HEALTH_REASON_MAX + 1];
	struct lf_probe_result res;
	struct lf_err err;

	lf_err_clear(&err);
	tap_is_int(lf_probe_run(ok, &res, &err), 0, "true runs");
	tap_ok(lf_probe_passed(&res), "... and passes");

	tap_is_int(lf_probe_run(fails, &res, &err), 0, "failing probe runs");
	tap_ok(!lf_probe_passed(&res) && res.exit_code == 3, "... exit 3");
	tap_is_str(res.first_line, "first  \"line\"", "... first line kept");
	lf_probe_reason(reason, sizeof(reason), "/bin/sh", &res);
	tap_is_str(reason, "probe sh exited 3: first 'line'", "reason: status and line");
	tap_ok(lf_health_reason_ok(reason), "... acceptable to livefix.ko");

	tap_is_int(lf_probe_run(quiet, &res, &err), 0, "silent failing probe runs");
	lf_probe_reason(reason, sizeof(reason), "sh", &res);
	tap_is_str(reason, "probe sh exited 4", "reason without output");

	tap_is_int(lf_probe_run(killed, &res, &err), 0, "killed probe runs");
	tap_ok(res.signaled && res.signal == 9, "... killed by SIGKILL");
	lf_probe_reason(reason, sizeof(reason), "sh", &res);
	tap_is_str(reason, "probe sh killed by signal 9", "reason names the signal");

	tap_is_int(lf_probe_run(chatty, &res, &err), 0, "probe with lots of output ends");
	tap_ok(lf_probe_passed(&res), "... passes");
	tap_is_str(res.first_line, "line 0", "... first line only");

	tap_is_int(lf_probe_run(missing, &res, &err), -ENOENT, "missing probe");
	tap_has_str(err.msg, "/nonexistent/probe: cannot run it", "... named");
}

int main(void)
{
	struct tfs t;

	tap_start();
	test_reason_ok();
	test_reason_clean();
	tfs_init(&t);
	test_read(&t);
	test_fail(&t);
	tfs_cleanup(&t);
	test_probe();
	return tap_end();
}
