/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_UNITS_H
#define LF_BUILD_UNITS_H

#include <stdbool.h>
#include <stddef.h>

#include "../err.h"

/*
 * What a fix's diff(s) touch. Input is one or more unified diffs as git
 * or `diff -u` writes them (mail headers and commit messages around them
 * are skipped), applied with -p1: the first path component (a/, b/, or
 * any other directory name) is dropped, /dev/null means a created or
 * deleted file. Only .c and .h files may change: livefix replaces
 * functions, and nothing in a Makefile, Kconfig or assembly file can
 * reach a running kernel through klp.
 */

enum lf_file_kind {
	LF_FILE_UNIT,		/* .c: compiled on its own (usually) */
	LF_FILE_HEADER,		/* .h: affects every unit that includes it */
};

struct lf_touched {
	char *path;		/* relative to the tree, e.g. fs/proc/version.c */
	enum lf_file_kind kind;
	bool created;		/* old side is /dev/null */
	bool deleted;		/* new side is /dev/null */
	const char *patch;	/* the first patch file naming it */
	/*
	 * Lines of the original file the diffs change, 1-based, sorted,
	 * unique: each removed line, and for inserted lines the original line
	 * they follow (1 when inserted at the top). For headers, this is what
	 * maps a change to the functions it is in.
	 */
	int *lines;
	size_t nlines;
	/* The subset of @lines that the diffs remove (not only insert after). */
	int *removed;
	size_t nremoved;
	/*
	 * The subset of @lines whose removed or inserted text is a
	 * preprocessor line (or continues one): a macro's users cannot be
	 * found in DWARF, so a header's macro changes are not followed.
	 */
	int *macro;
	size_t nmacro;
};

struct lf_units {
	struct lf_touched *files;	/* in order of first appearance */
	size_t n;
	size_t cap;
};

/*
 * Parse a diff held in memory (@name is how errors refer to it, normally
 * the patch file's path) and add its files to @u; a file named again by a
 * later diff is listed once. Errors, one line each:
 *   "<name>: no changes"                               no file in the diff
 *   "<path>: not C source; livefix patches only .c and .h files"
 *   "<name>:<line>: cannot parse diff: <why>"
 *   "<path>: change to __init code <func>"             (also __exit)
 * @name must outlive @u (it is kept in lf_touched.patch).
 */
int lf_units_parse_text(struct lf_units *u, const char *name, const char *text,
			size_t len, struct lf_err *err);

/* Read @path and parse it; the path must outlive @u. */
int lf_units_parse_file(struct lf_units *u, const char *path,
			struct lf_err *err);

/* Number of files of @kind. */
size_t lf_units_count(const struct lf_units *u, enum lf_file_kind kind);

void lf_units_free(struct lf_units *u);

/*
 * The __init/__exit heuristic on its own, for tests: given a function
 * header line as diff shows it after "@@ ... @@" (or a line of a hunk),
 * fill @func with the function name if it declares __init or __exit code
 * and return "__init" or "__exit"; NULL otherwise.
 */
const char *lf_init_func(const char *line, char *func, size_t size);

#endif
