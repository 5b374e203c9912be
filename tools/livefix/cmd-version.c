// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>

#include "../lib/env.h"
#include "../lib/err.h"
#include "../lib/fixinfo.h"
#include "../lib/version.h"
#include "cmd.h"

int cmd_version(int argc, char **argv)
{
	const char *verb = "version";
	struct lf_env env;
	struct lf_err err;
	char core[64];
	int npos, ret;

	ret = lf_cmd_options(verb, argc, argv, NULL, 0, &npos);
	if (ret >= 0)
		return ret;
	if (!lf_want_args(verb, npos, argv, 0, ""))
		return LF_EXIT_USAGE;
	lf_err_clear(&err);
	if (!lf_cmd_env(verb, &env))
		return LF_EXIT_FAIL;
	printf("livefix %s\n", LF_TOOL_VERSION);
	/* The core module is optional for listing and loading foreign fixes. */
	if (lf_core_version(env.sysfs, core, sizeof(core)) || !core[0])
		printf("livefix.ko -\n");
	else
		printf("livefix.ko %s\n", core);
	return LF_EXIT_OK;
}
