// SPDX-License-Identifier: GPL-2.0-only
/* patchset.c: apply under a journal, restore exactly, recover after a crash. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/build/patchset.h"
#include "../lib/build/units.h"
#include "../lib/err.h"
#include "../lib/sysfs.h"
#include "tap.h"
#include "testfs.h"

static struct tfs fs;

static const char orig[] = "one\ntwo\nthree\nfour\n";
static const char p1[] =
	"--- a/fs/a.c\n+++ b/fs/a.c\n@@ -1,4 +1,4 @@\n one\n-two\n+TWO\n three\n four\n"
	"--- /dev/null\n+++ b/fs/sub/dir/new.c\n@@ -0,0 +1 @@\n+int n;\n";
static const char p_bad[] =
	"--- a/fs/a.c\n+++ b/fs/a.c\n@@ -1,4 +1,4 @@\n one\n-deux\n+TWO\n three\n four\n";
static const char p_missing[] =
	"--- a/fs/missing.c\n+++ b/fs/missing.c\n@@ -1 +1 @@\n-x\n+y\n";
static const char p_on_top[] =
	"--- a/fs/a.c\n+++ b/fs/a.c\n@@ -1,4 +1,4 @@\n one\n-TWO\n+2\n three\n four\n";

static const struct timespec old_time = { 1000000000, 123456789 };

static void set_time(const char *rel, struct timespec ts)
{
	struct timespec t2[2] = { ts, ts };

	utimensat(AT_FDCWD, tfs_path(&fs, rel), t2, 0);
}

static bool same_time(const char *rel, struct timespec ts)
{
	struct stat st;

	return !stat(tfs_path(&fs, rel), &st) && st.st_mtim.tv_sec == ts.tv_sec &&
	       st.st_mtim.tv_nsec == ts.tv_nsec;
}

static void reset_tree(void)
{
	tfs_rm_rf(&fs, "tree");
	tfs_rm_rf(&fs, "obj");
	tfs_rm_rf(&fs, "journal");
	tfs_write(&fs, "tree/fs/a.c", orig);
	tfs_write(&fs, "tree/fs/b.c", "bee\n");
	set_time("tree/fs/a.c", old_time);
	tfs_write(&fs, "obj/fs/old.o", "old object");
	set_time("obj/fs/old.o", old_time);
}

/* Parse the given patch files and apply them to tree/. */
static int apply(struct lf_patchset *ps, struct lf_units *u,
		 const char *const *rels, size_t n, struct lf_err *e)
{
	const char *paths[4];
	char *copies[4];
	struct lf_patchset_req req = { 0 };
	char root[PATH_MAX], journal[PATH_MAX], scrub[PATH_MAX], log[PATH_MAX];
	int ret = 0;

	lf_err_clear(e);
	for (size_t i = 0; i < n; i++) {
		copies[i] = strdup(tfs_path(&fs, rels[i]));
		paths[i] = copies[i];
		if (!ret)
			ret = lf_units_parse_file(u, paths[i], e);
	}
	if (!ret) {
		snprintf(root, sizeof(root), "%s", tfs_path(&fs, "tree"));
		snprintf(journal, sizeof(journal), "%s", tfs_path(&fs, "journal"));
		snprintf(scrub, sizeof(scrub), "%s", tfs_path(&fs, "obj"));
		snprintf(log, sizeof(log), "%s", tfs_path(&fs, "patch.log"));
		req.root = root;
		req.journal = journal;
		req.scrub = scrub;
		req.units = u;
		req.patches = paths;
		req.npatches = n;
		req.log = log;
		ret = lf_patchset_apply(ps, &req, e);
	}
	/* The journal keeps no pointer to the patch names. */
	for (size_t i = 0; i < n; i++)
		free(copies[i]);
	return ret;
}

static void test_apply_restore(void)
{
	const char *rels[] = { "p1.patch" };
	struct lf_patchset ps;
	struct lf_units u = { 0 };
	struct lf_err e;

	reset_tree();
	tap_is_int(apply(&ps, &u, rels, 1, &e), 0, "patch applies");
	tap_ok(ps.active, "restore is owed");
	tap_is_str(tfs_read(&fs, "tree/fs/a.c"), "one\nTWO\nthree\nfour\n",
		   "file patched");
	tap_ok(tfs_exists(&fs, "tree/fs/sub/dir/new.c"), "file created");
	tap_ok(tfs_exists(&fs, "journal/index"), "journal written");
	tap_ok(!tfs_exists(&fs, "journal.tmp"), "no temporary journal left");

	/* What kbuild would produce from the patched tree. */
	tfs_write(&fs, "obj/fs/a.o", "patched object");

	lf_err_clear(&e);
	tap_is_int(lf_patchset_restore(&ps, &e), 0, "restore");
	tap_is_str(tfs_read(&fs, "tree/fs/a.c"), orig, "content restored");
	tap_ok(same_time("tree/fs/a.c", old_time), "mtime restored to the nanosecond");
	tap_ok(!tfs_exists(&fs, "tree/fs/sub"), "created file and directories removed");
	tap_ok(tfs_exists(&fs, "tree/fs/b.c"), "untouched file still there");
	tap_ok(!tfs_exists(&fs, "obj/fs/a.o"), "object built while patched deleted");
	tap_ok(tfs_exists(&fs, "obj/fs/old.o"), "older object kept");
	tap_ok(!tfs_exists(&fs, "journal"), "journal removed");
	tap_ok(!ps.active, "nothing owed any more");
	tap_is_int(lf_patchset_restore(&ps, &e), 0, "second restore is a no-op");
	lf_units_free(&u);
}

/*
 * patch(1) writes a dry run's result, the patched file, to $TMPDIR: that
 * must be the journal (private, removed with it), never the caller's
 * TMPDIR. A patch standing in front of the real one records what it got.
 */
static void test_tmpdir(void)
{
	const char *rels[] = { "p1.patch" };
	char path[2 * PATH_MAX], want[2 * PATH_MAX + 16], real[PATH_MAX];
	char *old_path, *old_tmp;
	struct lf_patchset ps;
	struct lf_units u = { 0 };
	struct lf_err e;

	reset_tree();
	tfs_mkdir(&fs, "shared");
	tfs_write(&fs, "bin/patch",
		  "#!/bin/sh\n"
		  "echo \"$TMPDIR\" >>\"$LF_TEST_TMPDIRS\"\n"
		  "PATH=${PATH#*:} exec patch \"$@\"\n");
	chmod(tfs_path(&fs, "bin/patch"), 0755);
	snprintf(path, sizeof(path), "%s:%s", tfs_path(&fs, "bin"),
		 getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	old_path = tfs_setenv("PATH", path);
	old_tmp = tfs_setenv("TMPDIR", tfs_path(&fs, "shared"));
	setenv("LF_TEST_TMPDIRS", tfs_path(&fs, "tmpdirs.txt"), 1);
	tap_is_int(apply(&ps, &u, rels, 1, &e), 0, "patch applies (TMPDIR set)");
	snprintf(want, sizeof(want), "%s\n%s\n",
		 realpath(tfs_path(&fs, "journal"), real) ? real : "?", real);
	tap_is_str(tfs_read(&fs, "tmpdirs.txt"), want,
		   "patch's TMPDIR is the journal, for the dry run and the real one");
	lf_err_clear(&e);
	tap_is_int(lf_patchset_restore(&ps, &e), 0, "restore");
	tap_ok(tfs_sh(&fs, "[ -z \"$(ls -A shared)\" ]") == 0,
	       "nothing left in the caller's TMPDIR");
	tfs_restore_env("PATH", old_path);
	tfs_restore_env("TMPDIR", old_tmp);
	unsetenv("LF_TEST_TMPDIRS");
	tfs_rm_rf(&fs, "bin");
	lf_units_free(&u);
}

static void test_failures(void)
{
	const char *bad[] = { "bad.patch" };
	const char *missing[] = { "missing.patch" };
	const char *twice[] = { "p1.patch" };
	struct lf_patchset ps;
	struct lf_units u = { 0 };
	struct lf_err e;

	reset_tree();
	tap_ok(apply(&ps, &u, bad, 1, &e) < 0, "mismatching hunk refused");
	tap_has_str(e.msg, "bad.patch: does not apply to fs/a.c: hunk #1 FAILED at 1",
		    "message names the patch, file and hunk");
	tap_is_str(tfs_read(&fs, "tree/fs/a.c"), orig, "tree untouched");
	tap_ok(same_time("tree/fs/a.c", old_time), "mtime untouched");
	tap_ok(!tfs_exists(&fs, "journal") && !ps.active, "no journal left");
	lf_units_free(&u);

	reset_tree();
	tap_ok(apply(&ps, &u, missing, 1, &e) < 0, "patch for a missing file refused");
	tap_has_str(e.msg, "missing.patch: fs/missing.c not found in the tree",
		    "message names the file");
	tap_ok(!tfs_exists(&fs, "journal"), "no journal left");
	lf_units_free(&u);

	reset_tree();
	tfs_write(&fs, "tree/fs/a.c", "one\nTWO\nthree\nfour\n");
	set_time("tree/fs/a.c", old_time);
	tap_ok(apply(&ps, &u, twice, 1, &e) < 0, "already applied patch refused");
	tap_has_str(e.msg, "already applied to fs/a.c", "message says so");
	tap_is_str(tfs_read(&fs, "tree/fs/a.c"), "one\nTWO\nthree\nfour\n",
		   "tree untouched");
	tap_ok(!tfs_exists(&fs, "tree/fs/sub"), "nothing created");
	lf_units_free(&u);

	/* A journal already there means a build is running or died. */
	reset_tree();
	tfs_write(&fs, "journal/index", "x");
	tap_ok(apply(&ps, &u, twice, 1, &e) == -EEXIST, "existing journal refused");
	tap_is_str(tfs_read(&fs, "tree/fs/a.c"), orig, "tree untouched");
	lf_units_free(&u);
	tfs_rm_rf(&fs, "journal");
}

static void test_stacked(void)
{
	const char *rels[] = { "p1.patch", "top.patch" };
	struct lf_patchset ps;
	struct lf_units u = { 0 };
	struct lf_err e;

	reset_tree();
	tap_is_int(apply(&ps, &u, rels, 2, &e), 0, "second patch applies on the first");
	tap_is_str(tfs_read(&fs, "tree/fs/a.c"), "one\n2\nthree\nfour\n", "both applied");
	tap_is_int(lf_patchset_restore(&ps, &e), 0, "restore");
	tap_is_str(tfs_read(&fs, "tree/fs/a.c"), orig, "original back");
	lf_units_free(&u);

	/* The second fails: the first must be undone too. */
	{
		const char *r2[] = { "p1.patch", "bad.patch" };

		reset_tree();
		tap_ok(apply(&ps, &u, r2, 2, &e) < 0, "failing second patch refused");
		tap_is_str(tfs_read(&fs, "tree/fs/a.c"), orig, "first patch undone");
		tap_ok(same_time("tree/fs/a.c", old_time), "mtime too");
		tap_ok(!tfs_exists(&fs, "tree/fs/sub") && !tfs_exists(&fs, "journal"),
		       "created file and journal gone");
		lf_units_free(&u);
	}
}

static void test_recover(void)
{
	const char *rels[] = { "p1.patch" };
	struct lf_patchset ps;
	struct lf_units u = { 0 };
	struct lf_err e;
	char journal[PATH_MAX];
	bool restored = false;

	reset_tree();
	tap_is_int(apply(&ps, &u, rels, 1, &e), 0, "patch applies");
	/* The build dies here; the next one finds the journal. */
	snprintf(journal, sizeof(journal), "%s", tfs_path(&fs, "journal"));
	tfs_write(&fs, "journal.tmp/index", "half-written");
	lf_err_clear(&e);
	tap_is_int(lf_patchset_recover(journal, &restored, &e), 0, "recover");
	tap_ok(restored, "recover says it restored");
	tap_is_str(tfs_read(&fs, "tree/fs/a.c"), orig, "content restored");
	tap_ok(same_time("tree/fs/a.c", old_time), "mtime restored");
	tap_ok(!tfs_exists(&fs, "journal") && !tfs_exists(&fs, "journal.tmp"),
	       "journal and half-written journal removed");
	tap_is_int(lf_patchset_recover(journal, &restored, &e), 0, "recover again");
	tap_ok(!restored, "nothing to restore");
	lf_units_free(&u);

	/* A damaged journal is reported, not half-applied. */
	tfs_write(&fs, "journal/index", "not a journal\n");
	tap_ok(lf_patchset_recover(journal, &restored, &e) < 0, "damaged journal refused");
	tap_has_str(e.msg, "damaged journal", "message says so");
	tfs_rm_rf(&fs, "journal");
}

static void test_helpers(void)
{
	char *buf;
	size_t len;

	tfs_write(&fs, "h/src", "data");
	set_time("h/src", old_time);
	tap_is_int(lf_copy_file(tfs_path(&fs, "h/src"), tfs_path(&fs, "h/dst"), true), 0,
		   "copy with times");
	tap_is_str(tfs_read(&fs, "h/dst"), "data", "copied content");
	tap_ok(same_time("h/dst", old_time), "copied mtime");
	tap_is_int(lf_slurp(tfs_path(&fs, "h/dst"), &buf, &len, 2), -EFBIG,
		   "slurp respects its limit");
	tap_is_int(lf_slurp(tfs_path(&fs, "h/dst"), &buf, &len, 1024), 0, "slurp");
	tap_ok(len == 4 && !strcmp(buf, "data"), "slurped content");
	free(buf);
	tap_is_int(lf_mkdir_p(tfs_path(&fs, "h/a/b/c"), 0700), 0, "mkdir -p");
	tap_ok(lf_is_dir(tfs_path(&fs, "h/a/b/c")), "made the directories");
	tap_is_int(lf_rm_rf(tfs_path(&fs, "h")), 0, "rm -rf");
	tap_ok(!tfs_exists(&fs, "h"), "removed");
	tap_is_int(lf_rm_rf(tfs_path(&fs, "h")), 0, "rm -rf of nothing");
}

int main(void)
{
	tap_start();
	tfs_init(&fs);
	tfs_write(&fs, "p1.patch", p1);
	tfs_write(&fs, "bad.patch", p_bad);
	tfs_write(&fs, "missing.patch", p_missing);
	tfs_write(&fs, "top.patch", p_on_top);
	test_helpers();
	if (system("patch --version >/dev/null 2>&1") != 0) {
		tap_ok(true, "# SKIP GNU patch is not installed");
	} else {
		test_apply_restore();
		test_tmpdir();
		test_failures();
		test_stacked();
		test_recover();
	}
	tfs_cleanup(&fs);
	return tap_end();
}
