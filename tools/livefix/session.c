// SPDX-License-Identifier: GPL-2.0-only
/* Setup shared by the verbs that load and unload fixes. */
#include <libkmod.h>

#include "../lib/env.h"
#include "../lib/err.h"
#include "../lib/kmodops.h"
#include "cmd.h"

bool lf_cmd_env(const char *verb, struct lf_env *env)
{
	struct lf_err err;

	lf_err_clear(&err);
	if (lf_env_init(env, &err)) {
		lf_report(verb, "%s", err.msg);
		return false;
	}
	return true;
}

bool lf_cmd_kernel_open(const char *verb, const char *what, struct lf_env *env,
			struct kmod_ctx **ctx, struct lf_kmod_ops *ops)
{
	if (!lf_cmd_env(verb, env))
		return false;
	*ctx = lf_kmod_new();
	if (!*ctx) {
		lf_report(verb, "%s: cannot create a libkmod context", what);
		return false;
	}
	lf_kmod_ops_real(ops, *ctx);
	lf_catch_interrupts();
	return true;
}
