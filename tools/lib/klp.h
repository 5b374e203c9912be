/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_KLP_H
#define LF_KLP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "deadline.h"
#include "err.h"
#include "strv.h"

/* The kernel's livepatch view: <sysfs>/kernel/livepatch/<patch>/... */

enum lf_klp_state {
	LF_KLP_DISABLED,
	LF_KLP_LIVE,
	LF_KLP_PATCHING,
	LF_KLP_UNPATCHING,
};

struct lf_klp_status {
	bool present;		/* the patch directory exists */
	bool enabled;
	bool transition;
};

struct lf_klp_func {
	char *object;		/* "vmlinux" or a module name */
	char *function;
	unsigned long sympos;	/* the kernel shows 0 ("unique") as 1 */
};

struct lf_klp_patch {
	char *name;
	struct lf_klp_status status;
	struct lf_klp_func *funcs;
	size_t nfuncs;
};

const char *lf_klp_state_name(enum lf_klp_state s);
enum lf_klp_state lf_klp_state_of(const struct lf_klp_status *st);

int lf_klp_patch_dir(char *buf, size_t size, const char *sysfs,
		     const char *name);

/* Sorted patch names; a missing livepatch directory is -ENOENT. */
int lf_klp_list(const char *sysfs, struct lf_strv *names);

/* A vanished patch is not an error: status->present is then false. */
int lf_klp_read_status(const char *sysfs, const char *name,
		       struct lf_klp_status *status);

/* Status plus objects/functions; -ENOENT if the patch is gone. */
int lf_klp_read_patch(const char *sysfs, const char *name,
		      struct lf_klp_patch *patch);
void lf_klp_patch_free(struct lf_klp_patch *patch);

/* Parse a function directory name "func,sympos". */
int lf_klp_parse_func_dir(const char *dirname, char **func,
			  unsigned long *sympos);

/*
 * Writing 0 disables a live patch or reverses a patching transition;
 * writing 1 reverses an unpatching one.
 */
int lf_klp_set_enabled(const char *sysfs, const char *name, bool enabled);

struct lf_klp_wait {
	struct lf_deadline deadline;
	unsigned int poll_ms;
	/*
	 * How long a patch may be missing before waiting for it to become
	 * live gives up: klp creates the directory from the module's init,
	 * so it should exist as soon as insertion returns.
	 */
	unsigned int appear_ms;
	/* Set asynchronously (SIGINT) to stop waiting early; may be NULL. */
	const volatile sig_atomic_t *cancel;
};

/*
 * Wait until the patch is live (enabled, no transition).
 *   0           live
 *   -ETIMEDOUT  deadline passed; @last tells where it was stuck
 *   -ENOENT     never appeared, or disappeared
 *   -ECANCELED  it was disabled by someone else while we waited
 *   -EINTR      *cancel became non-zero
 */
int lf_klp_wait_live(const char *sysfs, const char *name,
		     const struct lf_klp_wait *w, struct lf_klp_status *last);

/*
 * Wait until the patch directory is gone, which happens only after the
 * unpatch transition completed and the kernel freed the patch.
 * 0, -ETIMEDOUT or -EINTR.
 */
int lf_klp_wait_gone(const char *sysfs, const char *name,
		     const struct lf_klp_wait *w, struct lf_klp_status *last);

#endif
