// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../lib/env.h"
#include "../lib/err.h"
#include "../lib/fixlist.h"
#include "../lib/modname.h"
#include "cmd.h"

int cmd_info(int argc, char **argv)
{
	const char *verb = "info";
	bool json = false;
	const struct lf_opt opts[] = { { "json", NULL, &json } };
	const struct lf_fix_entry *e = NULL;
	struct lf_fix_list list;
	char name[64];
	struct lf_env env;
	int npos, ret;

	ret = lf_cmd_options(verb, argc, argv, opts, 1, &npos);
	if (ret >= 0)
		return ret;
	if (!lf_want_args(verb, npos, argv, 1, "NAME"))
		return LF_EXIT_USAGE;
	if (lf_modname(argv[1], name, sizeof(name))) {
		lf_report(verb, "%s: not a valid fix name", argv[1]);
		return LF_EXIT_USAGE;
	}

	if (!lf_cmd_env(verb, &env))
		return LF_EXIT_FAIL;
	ret = lf_fix_list_collect(env.sysfs, &list);
	if (ret) {
		lf_report(verb, "%s/kernel/livepatch: %s", env.sysfs,
			  ret == -ENOENT ? "not found; is the kernel built with CONFIG_LIVEPATCH?" :
			  strerror(-ret));
		return LF_EXIT_FAIL;
	}
	for (size_t i = 0; i < list.n && !e; i++)
		if (!strcmp(list.v[i].patch.name, name))
			e = &list.v[i];
	if (!e) {
		lf_fix_list_free(&list);
		lf_report(verb, "%s: no such fix", name);
		return LF_EXIT_FAIL;
	}
	ret = json ? lf_fix_info_print_json(stdout, e) : lf_fix_info_print(stdout, e);
	lf_fix_list_free(&list);
	if (!ret && fflush(stdout))
		ret = -errno;
	if (ret) {
		lf_report(verb, "writing output: %s", strerror(-ret));
		return LF_EXIT_FAIL;
	}
	return LF_EXIT_OK;
}
