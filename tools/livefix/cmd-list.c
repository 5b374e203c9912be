// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../lib/env.h"
#include "../lib/err.h"
#include "../lib/fixlist.h"
#include "cmd.h"

int cmd_list(int argc, char **argv)
{
	const char *verb = "list";
	bool json = false;
	const struct lf_opt opts[] = { { "json", NULL, &json } };
	struct lf_fix_list list;
	struct lf_env env;
	struct lf_err err;
	int npos, ret;

	ret = lf_cmd_options(verb, argc, argv, opts, 1, &npos);
	if (ret >= 0)
		return ret;
	if (!lf_want_args(verb, npos, argv, 0, ""))
		return LF_EXIT_USAGE;

	lf_err_clear(&err);
	if (!lf_cmd_env(verb, &env))
		return LF_EXIT_FAIL;
	ret = lf_fix_list_collect(env.sysfs, &list);
	if (ret == -ENOENT) {
		lf_report(verb, "%s/kernel/livepatch: not found; is the kernel built with CONFIG_LIVEPATCH?",
			  env.sysfs);
		return LF_EXIT_FAIL;
	}
	if (ret) {
		lf_report(verb, "%s/kernel/livepatch: %s", env.sysfs, strerror(-ret));
		return LF_EXIT_FAIL;
	}
	ret = json ? lf_fix_list_print_json(stdout, &list)
		   : lf_fix_list_print_table(stdout, &list);
	lf_fix_list_free(&list);
	if (!ret && fflush(stdout))
		ret = -errno;
	if (ret) {
		lf_report(verb, "writing output: %s", strerror(-ret));
		return LF_EXIT_FAIL;
	}
	return LF_EXIT_OK;
}
