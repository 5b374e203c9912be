// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>

#include <libkmod.h>

#include "../lib/env.h"
#include "../lib/err.h"
#include "../lib/fix.h"
#include "../lib/kmodops.h"
#include "cmd.h"

int cmd_load(int argc, char **argv)
{
	const char *verb = "load";
	struct lf_load_req req = { .timeout_s = LF_DEFAULT_TIMEOUT_S };
	struct lf_load_result res;
	struct lf_kmod_ops ops;
	struct kmod_ctx *ctx;
	struct lf_env env;
	struct lf_err err;
	int ret;

	ret = lf_cmd_timeout_and_arg(verb, argc, argv, "FILE.ko", &req.timeout_s,
				     &req.path);
	if (ret >= 0)
		return ret;

	if (!lf_cmd_kernel_open(verb, req.path, &env, &ctx, &ops))
		return LF_EXIT_FAIL;
	lf_err_clear(&err);

	/* Ctrl-C must not leave a half-applied fix: it triggers the revert. */
	req.cancel = &lf_interrupted;
	req.hooks = lf_cmd_transition_hooks(&env);
	ret = lf_fix_load(&env, &ops, &req, &res, &err);
	kmod_unref(ctx);
	if (ret) {
		lf_report(verb, "%s", err.msg);
		return LF_EXIT_FAIL;
	}
	if (res.interrupted)
		printf("livefix: %s is live (transition took %.2f s, after interrupting %d task%s)\n",
		       res.name, res.seconds, res.interrupted,
		       res.interrupted == 1 ? "" : "s");
	else
		printf("livefix: %s is live (transition took %.2f s)\n", res.name,
		       res.seconds);
	return LF_EXIT_OK;
}
