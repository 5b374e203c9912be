/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_KMODOPS_H
#define LF_KMODOPS_H

struct kmod_ctx;

/*
 * Module insertion and removal go through this table so the load/unload
 * transactions (fix.c) can be exercised against a simulated kernel in the
 * unit tests; lf_kmod_ops_real() is the libkmod-backed implementation.
 * Both return 0 or a negative errno from the kernel.
 */
struct lf_kmod_ops {
	int (*insert)(void *data, const char *path);
	int (*remove)(void *data, const char *name);
	void *data;
};

/* A libkmod context whose logging is silenced: we report errors ourselves. */
struct kmod_ctx *lf_kmod_new(void);

/* Fills @ops using @ctx, which must outlive every call through @ops. */
void lf_kmod_ops_real(struct lf_kmod_ops *ops, struct kmod_ctx *ctx);

/* Human reason for a failed insertion, e.g. "signature rejected". */
const char *lf_kmod_insert_reason(int err);
const char *lf_kmod_remove_reason(int err);

/* Removal failures worth retrying until a deadline. */
int lf_kmod_remove_is_transient(int err);

#endif
