/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_PATCHSET_H
#define LF_BUILD_PATCHSET_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../err.h"
#include "units.h"

/*
 * Apply a fix's diffs to the kernel tree under a journal, and undo them.
 *
 * Before anything in the tree changes, every file the diffs touch is
 * copied into the journal directory (content, mode and timestamps) and
 * the files they create are listed; the journal appears atomically
 * (built as <journal>.tmp, then renamed), so "a journal exists" always
 * means "a complete backup exists and the tree may be patched". Restore
 * puts every file back exactly, removes created files and directories,
 * and only then removes the journal: a restore cut short is simply done
 * again by the next one.
 *
 * Timestamps: restored files get their old mtime back, so the tree is
 * byte- and time-identical to what it was. That alone would leave kbuild
 * with objects built from the patched sources that look newer than the
 * restored ones; restore therefore also deletes every file in the O=
 * tree (@scrub) modified since the journal was written. Those were all
 * produced while the tree was patched.
 */
struct lf_patchset {
	char root[PATH_MAX];		/* tree being patched */
	char journal[PATH_MAX];
	char scrub[PATH_MAX];		/* O= tree to clean on restore; "" none */
	bool active;			/* the journal exists: restore owed */
};

struct lf_patchset_req {
	const char *root;
	const char *journal;
	const char *scrub;		/* may be NULL */
	const struct lf_units *units;	/* the files the patches touch */
	const char *const *patches;
	size_t npatches;
	const char *log;		/* patch(1)'s output; may be NULL */
	const volatile sig_atomic_t *cancel;
};

/*
 * Dry-run each patch, then apply it (in order, each on top of the last).
 * On any failure the tree is restored before returning. Errors:
 *   "<patch>: does not apply to <file>: hunk #2 FAILED at 120"
 *   "<patch>: already applied to <file> (reversed or previously applied)"
 *   "<patch>: <file> not found in the tree"
 * On success ps->active is true and the caller owes lf_patchset_restore.
 */
int lf_patchset_apply(struct lf_patchset *ps, const struct lf_patchset_req *req,
		      struct lf_err *err);

/* Undo an applied patchset (no-op if !ps->active). */
int lf_patchset_restore(struct lf_patchset *ps, struct lf_err *err);

/*
 * If @journal exists (a build died with the tree patched), restore what
 * it records and remove it; *restored says whether there was one.
 */
int lf_patchset_recover(const char *journal, bool *restored,
			struct lf_err *err);

/* File helpers the build modules share. Negative errno on failure. */
int lf_mkdir_p(const char *path, mode_t mode);
/* Remove @path and everything below it; symlinks are not followed. */
int lf_rm_rf(const char *path);
/*
 * Copy @from to @to through a temporary file in @to's directory and a
 * rename, so @to is never partial. Mode is kept; with @keep_times also the
 * access and modification times.
 */
int lf_copy_file(const char *from, const char *to, bool keep_times);
/* Whole small file into a malloc'd NUL-terminated buffer. */
int lf_slurp(const char *path, char **buf, size_t *len, size_t max);

#endif
