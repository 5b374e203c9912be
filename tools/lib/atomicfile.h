/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_ATOMICFILE_H
#define LF_ATOMICFILE_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/*
 * Write @len bytes (in @n pieces) to @path through a 0600 temporary file in
 * the same directory and rename(2): readers see the old file or the whole
 * new one. The file ends up with @mode. While the temporary exists,
 * SIGINT/SIGTERM/SIGHUP remove it before the process dies of the signal,
 * so an interrupted run leaves nothing behind either.
 */
struct lf_iov {
	const void *data;
	size_t len;
};

int lf_atomic_write(const char *path, const struct lf_iov *iov, size_t n,
		    mode_t mode, struct lf_err *err);

/* Unit tests only: called after the data is written, before rename. */
extern void (*lf_atomic_test_hook)(void);

#endif
