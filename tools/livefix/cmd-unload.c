// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>

#include <libkmod.h>

#include "../lib/env.h"
#include "../lib/err.h"
#include "../lib/fix.h"
#include "../lib/kmodops.h"
#include "cmd.h"

int cmd_unload(int argc, char **argv)
{
	const char *verb = "unload", *timeout = NULL;
	const struct lf_opt opts[] = { { "timeout", &timeout, NULL } };
	struct lf_unload_req req = { .timeout_s = LF_DEFAULT_TIMEOUT_S };
	struct lf_unload_result res;
	struct lf_kmod_ops ops;
	struct kmod_ctx *ctx;
	struct lf_env env;
	struct lf_err err;
	int npos, ret;

	switch (lf_parse_opts(verb, argc, argv, opts, 1, &npos)) {
	case LF_OPT_HELP:
		lf_usage_verb(verb);
		return LF_EXIT_OK;
	case LF_OPT_ERROR:
		return LF_EXIT_USAGE;
	case LF_OPT_OK:
		break;
	}
	if (timeout && !lf_parse_timeout(verb, timeout, &req.timeout_s))
		return LF_EXIT_USAGE;
	if (!lf_want_args(verb, npos, argv, 1, "NAME"))
		return LF_EXIT_USAGE;
	req.name = argv[1];

	lf_err_clear(&err);
	if (lf_env_init(&env, &err)) {
		lf_report(verb, "%s", err.msg);
		return LF_EXIT_FAIL;
	}
	ctx = lf_kmod_new();
	if (!ctx) {
		lf_report(verb, "%s: cannot create a libkmod context", req.name);
		return LF_EXIT_FAIL;
	}
	lf_kmod_ops_real(&ops, ctx);

	lf_catch_interrupts();
	req.cancel = &lf_interrupted;
	ret = lf_fix_unload(&env, &ops, &req, &res, &err);
	kmod_unref(ctx);
	if (ret) {
		lf_report(verb, "%s", err.msg);
		return LF_EXIT_FAIL;
	}
	printf("livefix: %s unloaded\n", res.name);
	return LF_EXIT_OK;
}
