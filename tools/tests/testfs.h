/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_TESTFS_H
#define LF_TESTFS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* Fake sysfs/procfs trees in a private temporary directory. */

struct tfs {
	char root[PATH_MAX];
};

/* Creates a fresh directory; aborts the test binary if it cannot. */
void tfs_init(struct tfs *t);
/* Removes everything below and including root. */
void tfs_cleanup(struct tfs *t);

/* Paths are relative to the root; parents are created as needed. */
void tfs_mkdir(struct tfs *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Writes atomically (rename), so concurrent readers see old or new. */
void tfs_write(struct tfs *t, const char *rel, const char *content);
void tfs_write_bin(struct tfs *t, const char *rel, const void *data,
		   size_t len);
bool tfs_exists(struct tfs *t, const char *rel);
/* Returns a per-thread buffer with the file's contents, "" if absent. */
const char *tfs_read(struct tfs *t, const char *rel);
void tfs_rm_rf(struct tfs *t, const char *rel);
/* Run a shell command with the root as working directory; its status. */
int tfs_sh(struct tfs *t, const char *cmd);
/*
 * Set environment variable @name to @value for a test and hand back its
 * old value (malloc'd; NULL if it was unset) for tfs_restore_env().
 */
char *tfs_setenv(const char *name, const char *value);
/* Put back what tfs_setenv() took away, and free it. */
void tfs_restore_env(const char *name, char *old);

/* Absolute path of @rel in a rotating per-thread buffer. */
const char *tfs_path(struct tfs *t, const char *rel);

/* Fake klp patch: <root>/kernel/livepatch/<name> with enabled/transition. */
void tfs_add_patch(struct tfs *t, const char *name, int enabled,
		   int transition);
/* Function dir under the patch: object, "func,sympos". */
void tfs_add_func(struct tfs *t, const char *patch, const char *object,
		  const char *funcdir);
/* Fake /proc/<pid>/task/<tid>/{patch_state,comm}. */
void tfs_add_task(struct tfs *t, int pid, int tid, int state,
		  const char *comm);

#endif
