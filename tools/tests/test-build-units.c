// SPDX-License-Identifier: GPL-2.0-only
/* units.c: which files a diff touches, and what it refuses. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../lib/build/units.h"
#include "../lib/err.h"
#include "tap.h"

/* Parse @text as one diff; returns the error code, fills @u and @e. */
static int parse(struct lf_units *u, const char *text, struct lf_err *e)
{
	lf_err_clear(e);
	return lf_units_parse_text(u, "fix.patch", text, strlen(text), e);
}

/* Expect a refusal whose message is exactly @msg. */
static void refused(const char *text, const char *msg, const char *what)
{
	struct lf_units u = { 0 };
	struct lf_err e;
	int ret = parse(&u, text, &e);

	tap_ok(ret < 0, "%s: refused", what);
	tap_is_str(e.msg, msg, "%s: message", what);
	lf_units_free(&u);
}

static void test_git(void)
{
	const char *text =
		"From 1234 Mon Sep 17 00:00:00 2001\n"
		"Subject: [PATCH] proc: fix it\n"
		"\n"
		"A commit message that says --- and @@ things.\n"
		"---\n"
		" fs/proc/version.c | 2 +-\n"
		" 1 file changed\n"
		"\n"
		"diff --git a/fs/proc/version.c b/fs/proc/version.c\n"
		"index 1111111..2222222 100644\n"
		"--- a/fs/proc/version.c\n"
		"+++ b/fs/proc/version.c\n"
		"@@ -9,7 +9,7 @@\n"
		" \n"
		" static int version_proc_show(struct seq_file *m, void *v)\n"
		" {\n"
		"-\tseq_printf(m, linux_proc_banner,\n"
		"+\tseq_printf(m, \"%s\\n\",\n"
		" \t\tutsname()->sysname,\n"
		" \t\tutsname()->release,\n"
		" \t\tutsname()->version);\n"
		"diff --git a/include/linux/x.h b/include/linux/x.h\n"
		"--- a/include/linux/x.h\n"
		"+++ b/include/linux/x.h\n"
		"@@ -1 +1,2 @@\n"
		" #define A 1\n"
		"+#define B 2\n"
		"\\ No newline at end of file\n"
		"-- \n"
		"2.39.2\n";
	struct lf_units u = { 0 };
	struct lf_err e;

	tap_is_int(parse(&u, text, &e), 0, "git format-patch parses");
	tap_is_int((long long)u.n, 2, "two files");
	if (u.n == 2) {
		tap_is_str(u.files[0].path, "fs/proc/version.c", "-p1 strips a/");
		tap_ok(u.files[0].kind == LF_FILE_UNIT, ".c is a unit");
		tap_ok(!u.files[0].created && !u.files[0].deleted, "modified");
		tap_is_str(u.files[0].patch, "fix.patch", "patch recorded");
		tap_is_str(u.files[1].path, "include/linux/x.h", "header path");
		tap_ok(u.files[1].kind == LF_FILE_HEADER, ".h is a header");
		tap_ok(u.files[0].nlines == 1 && u.files[0].lines[0] == 12,
		       "changed line: the removed line 12, its replacement next to it");
		tap_ok(u.files[1].nlines == 1 && u.files[1].lines[0] == 1,
		       "inserted line: the original line it follows");
		tap_ok(u.files[0].nremoved == 1 && u.files[0].removed[0] == 12,
		       "removed lines are told apart");
		tap_ok(u.files[1].nremoved == 0, "... from insertions");
		tap_ok(u.files[1].nmacro == 1 && u.files[1].macro[0] == 1,
		       "an inserted #define is a preprocessor change");
		tap_ok(u.files[0].nmacro == 0, "... plain code is not");
	}
	tap_is_int((long long)lf_units_count(&u, LF_FILE_UNIT), 1, "count units");
	tap_is_int((long long)lf_units_count(&u, LF_FILE_HEADER), 1, "count headers");

	/* The same file again, from a second diff: listed once. */
	tap_is_int(parse(&u, text, &e), 0, "second diff parses");
	tap_is_int((long long)u.n, 2, "files named twice are listed once");
	tap_ok(u.n == 2 && u.files[0].nlines == 1, "lines stay unique");
	lf_units_free(&u);
}

static void test_plain(void)
{
	const char *text =
		"diff -ur linux.orig/fs/a.c linux/fs/a.c\n"
		"--- linux.orig/fs/a.c\t2024-01-01 00:00:00.000000000 +0000\n"
		"+++ linux/fs/a.c\t2024-01-02 00:00:00.000000000 +0000\n"
		"@@ -1,3 +1,3 @@\n"
		" int a;\n"
		"-int b;\n"
		"+int c;\n"
		"\n"			/* a context line whose space a mailer ate */
		"Only in linux/fs: junk\n"
		"--- /dev/null\t1970-01-01 00:00:00.000000000 +0000\n"
		"+++ linux/fs/new.c\t2024-01-02 00:00:00.000000000 +0000\n"
		"@@ -0,0 +1 @@\n"
		"+int n;\n"
		"--- linux.orig/fs/old.h\t2024-01-01 00:00:00.000000000 +0000\n"
		"+++ /dev/null\t1970-01-01 00:00:00.000000000 +0000\n"
		"@@ -1 +0,0 @@\n"
		"-int o;\n";
	struct lf_units u = { 0 };
	struct lf_err e;

	tap_is_int(parse(&u, text, &e), 0, "diff -ur parses");
	tap_is_int((long long)u.n, 3, "three files");
	if (u.n == 3) {
		tap_is_str(u.files[0].path, "fs/a.c",
			   "any first component is stripped, the timestamp dropped");
		tap_ok(u.files[0].nlines == 1 && u.files[0].lines[0] == 2,
		       "removed and inserted at line 2");
		tap_ok(u.files[1].created && !strcmp(u.files[1].path, "fs/new.c"),
		       "/dev/null old side: created");
		tap_ok(u.files[1].nlines == 1 && u.files[1].lines[0] == 1,
		       "insertion into an empty file counts as line 1");
		tap_ok(u.files[2].deleted && !strcmp(u.files[2].path, "fs/old.h"),
		       "/dev/null new side: deleted");
	}
	lf_units_free(&u);
}

static void test_git_extended(void)
{
	const char *created =
		"diff --git a/fs/n.c b/fs/n.c\n"
		"new file mode 100644\n"
		"index 0000000..1111111\n"
		"--- /dev/null\n"
		"+++ b/fs/n.c\n"
		"@@ -0,0 +1 @@\n"
		"+int n;\n";
	const char *mode_only =
		"diff --git a/fs/m.c b/fs/m.c\n"
		"old mode 100644\n"
		"new mode 100755\n";
	struct lf_units u = { 0 };
	struct lf_err e;

	tap_is_int(parse(&u, created, &e), 0, "git new file parses");
	tap_ok(u.n == 1 && u.files[0].created, "git new file is created");
	lf_units_free(&u);
	tap_is_int(parse(&u, mode_only, &e), 0, "git mode change parses");
	tap_ok(u.n == 1 && !strcmp(u.files[0].path, "fs/m.c"),
	       "mode-only change names its file");
	lf_units_free(&u);

	refused("diff --git a/fs/a.c b/fs/b.c\n"
		"similarity index 90%\n"
		"rename from fs/a.c\n"
		"rename to fs/b.c\n",
		"fs/a.c: renamed to fs/b.c; livefix does not support renames",
		"git rename");
	refused("--- a/fs/a.c\n+++ b/fs/b.c\n@@ -1 +1 @@\n-a\n+b\n",
		"fs/a.c: renamed to fs/b.c; livefix does not support renames",
		"plain rename");
	refused("diff --git a/fs/a.c b/fs/a.c\n"
		"index 1..2 100644\n"
		"Binary files a/fs/a.c and b/fs/a.c differ\n",
		"fs/a.c: binary diff", "binary diff");
}

static void test_errors(void)
{
	refused("", "fix.patch: no changes", "empty diff");
	refused("Subject: nothing\n\nJust words.\n", "fix.patch: no changes",
		"text without a diff");
	refused("--- a/fs/Makefile\n+++ b/fs/Makefile\n@@ -1 +1 @@\n-a\n+b\n",
		"fs/Makefile: not C source; livefix patches only .c and .h files",
		"Makefile");
	refused("--- a/arch/x86/entry/entry_64.S\n+++ b/arch/x86/entry/entry_64.S\n"
		"@@ -1 +1 @@\n-a\n+b\n",
		"arch/x86/entry/entry_64.S: not C source; livefix patches only .c and .h files",
		"assembly");
	refused("--- a/fs/a.c\n+++ b/fs/a.c\n@@ -1,3 +1,3 @@\n a\n-b\n",
		"fix.patch:5: cannot parse diff: diff ends inside a hunk (truncated?)",
		"truncated hunk");
	refused("--- a/fs/a.c\n+++ b/fs/a.c\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n+d\n",
		"fix.patch:7: cannot parse diff: hunk is longer than its header says",
		"hunk longer than its counts");
	refused("--- a/fs/a.c\n+++ b/fs/a.c\n@@ -1,3 +1,3 @@\n a\nxyz\n",
		"fix.patch:5: cannot parse diff: hunk is shorter than its header says",
		"garbage inside a hunk");
	refused("--- a/fs/a.c\n+++ b/fs/a.c\n@@ -x +y @@\n a\n",
		"fix.patch:3: cannot parse diff: bad hunk header", "bad hunk header");
	refused("@@ -1 +1 @@\n-a\n+b\n",
		"fix.patch:1: cannot parse diff: hunk without a file header",
		"hunk without a header");
	refused("--- a/fs/a.c\n+++ b/fs/a.c\nint x;\n",
		"fix.patch:2: cannot parse diff: file header without a hunk",
		"header without a hunk");
	refused("--- a/../etc/x.c\n+++ b/../etc/x.c\n@@ -1 +1 @@\n-a\n+b\n",
		"fix.patch:2: cannot parse diff: unsafe path '../etc/x.c'",
		"path escaping the tree");
	refused("--- x.c\n+++ x.c\n@@ -1 +1 @@\n-a\n+b\n",
		"fix.patch:1: cannot parse diff: file name has no directory to strip (want -p1 paths like a/fs/x.c)",
		"-p0 diff");
	refused("--- \"a/fs/x y.c\"\n+++ \"b/fs/x y.c\"\n@@ -1 +1 @@\n-a\n+b\n",
		"fix.patch:1: cannot parse diff: quoted file names are not supported",
		"quoted names");
	{
		struct lf_units u = { 0 };
		struct lf_err e;
		const char bin[] = "--- a/x.c\n\0";

		lf_err_clear(&e);
		tap_ok(lf_units_parse_text(&u, "b.patch", bin, sizeof(bin), &e) < 0 &&
		       strstr(e.msg, "NUL"), "binary input refused");
		lf_units_free(&u);
	}
}

static void test_init_heuristic(void)
{
	char f[64];

	tap_is_str(lf_init_func("static int __init proc_version_init(void)", f, sizeof(f)) ?
		   f : "(none)", "proc_version_init", "__init header");
	tap_is_str(lf_init_func("static void __exit foo_exit(void)", f, sizeof(f)) ?
		   "__exit" : "(none)", "__exit", "__exit header");
	tap_ok(!lf_init_func("static int version_proc_show(struct seq_file *m, void *v)",
			     f, sizeof(f)), "ordinary function");
	tap_ok(!lf_init_func("static int __initdata x = f(1)", f, sizeof(f)),
	       "__initdata is not __init code");
	tap_ok(!lf_init_func("int __init_or_module foo(void)", f, sizeof(f)),
	       "__init_or_module is a different word");
	tap_ok(!lf_init_func("module_init(foo_init);", f, sizeof(f)),
	       "a statement is not a header");
	tap_ok(!lf_init_func("\tfoo(__init);", f, sizeof(f)),
	       "indented lines are not headers");

	refused("--- a/fs/proc/version.c\n+++ b/fs/proc/version.c\n"
		"@@ -22,6 +22,7 @@ static int __init proc_version_init(void)\n"
		" \n"
		" \tpde = proc_create_single(\"version\", 0, NULL, version_proc_show);\n"
		" \tpde_make_permanent(pde);\n"
		"+\tpr_info(\"x\\n\");\n"
		" \treturn 0;\n"
		" }\n"
		" fs_initcall(proc_version_init);\n",
		"fs/proc/version.c: change to __init code proc_version_init",
		"change inside an __init function (hunk context)");
	refused("--- a/drivers/x.c\n+++ b/drivers/x.c\n"
		"@@ -10,6 +10,7 @@ static int probe(void)\n"
		" }\n"
		" \n"
		" static void __exit\n"
		" x_exit(void)\n"
		" {\n"
		"+\tx_cleanup();\n"
		" \tx_free();\n",
		"drivers/x.c: change to __exit code x_exit",
		"change inside an __exit function split over two lines");
	{
		/* The hunk starts in an __init function but changes the next. */
		const char *text =
			"--- a/fs/a.c\n+++ b/fs/a.c\n"
			"@@ -10,6 +10,6 @@ static int __init a_init(void)\n"
			" \treturn 0;\n"
			" }\n"
			" \n"
			" static int a_show(struct seq_file *m, void *v)\n"
			" {\n"
			"-\treturn 1;\n"
			"+\treturn 2;\n";
		struct lf_units u = { 0 };
		struct lf_err e;

		tap_is_int(parse(&u, text, &e), 0,
			   "change after the __init function's end is accepted");
		lf_units_free(&u);
	}
	refused("--- a/fs/a.c\n+++ b/fs/a.c\n"
		"@@ -10,3 +10,7 @@ static int a_show(struct seq_file *m, void *v)\n"
		" }\n"
		" \n"
		"+static int __init b_init(void)\n"
		"+{\n"
		"+\treturn 0;\n"
		"+}\n"
		" int x;\n",
		"fs/a.c: change to __init code b_init", "new __init function");
}

int main(void)
{
	tap_start();
	test_git();
	test_plain();
	test_git_extended();
	test_errors();
	test_init_heuristic();
	return tap_end();
}
