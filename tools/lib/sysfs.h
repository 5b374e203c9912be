/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_SYSFS_H
#define LF_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

#include "strv.h"

/*
 * Small-file helpers for sysfs and procfs. All functions take full paths;
 * callers build them from an overridable root so tests can use a fake tree.
 * Errors are negative errno values.
 */

/* snprintf into @buf; -ENAMETOOLONG instead of silently truncating a path. */
int lf_path(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Read a whole small file into @buf (NUL-terminated), trailing whitespace
 * removed. Returns the length, or -EFBIG if it does not fit.
 */
int lf_read_text(const char *path, char *buf, size_t size);

/* Strictly "0" or "1": anything else is -EINVAL (a changed ABI, not a 0). */
int lf_read_bool(const char *path, bool *val);
int lf_read_long(const char *path, long *val);

/* Write @text in one write(2), as sysfs attributes require. */
int lf_write_text(const char *path, const char *text);

bool lf_path_exists(const char *path);

/*
 * A relative path that stays inside the directory it is joined to: not
 * empty, not absolute, no empty, "." or ".." component, no trailing '/'.
 */
bool lf_relpath_inside(const char *p);
bool lf_is_dir(const char *path);

enum lf_list_filter {
	LF_LIST_ALL,
	LF_LIST_DIRS,
};

/* Sorted names in @dir, without "." and "..". */
int lf_list_dir(const char *dir, enum lf_list_filter filter,
		struct lf_strv *out);

#endif
