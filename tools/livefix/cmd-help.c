// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>

#include "../lib/err.h"
#include "cmd.h"

static const struct lf_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < lf_ncmds; i++)
		if (!strcmp(lf_cmds[i].name, name))
			return &lf_cmds[i];
	return NULL;
}

void lf_usage_verb(const char *verb)
{
	const struct lf_cmd *c = find_cmd(verb);

	if (c)
		printf("usage: livefix %s%s%s\n  %s\n", c->name,
		       c->args[0] ? " " : "", c->args, c->summary);
}

int cmd_help(int argc, char **argv)
{
	const char *verb = "help";
	int npos;

	switch (lf_parse_opts(verb, argc, argv, NULL, 0, &npos)) {
	case LF_OPT_HELP:
		break;
	case LF_OPT_ERROR:
		return LF_EXIT_USAGE;
	case LF_OPT_OK:
		if (npos > 1) {
			lf_report(verb, "unexpected argument '%s'", argv[2]);
			return LF_EXIT_USAGE;
		}
		if (npos == 1) {
			if (!find_cmd(argv[1])) {
				lf_report(verb, "%s: unknown verb", argv[1]);
				return LF_EXIT_USAGE;
			}
			lf_usage_verb(argv[1]);
			return LF_EXIT_OK;
		}
		break;
	}
	printf("usage: livefix VERB [OPTIONS] [ARGS]\n\nverbs:\n");
	for (size_t i = 0; i < lf_ncmds; i++) {
		char head[64];

		snprintf(head, sizeof(head), "%s %s", lf_cmds[i].name,
			 lf_cmds[i].args);
		printf("  %-36s %s\n", head, lf_cmds[i].summary);
	}
	printf("\nenvironment: LIVEFIX_SYSFS (/sys), LIVEFIX_PROCFS (/proc),\n"
	       "LIVEFIX_KERNEL_RELEASE (uname -r) override what livefix inspects.\n"
	       "exit status: 0 success, 1 failure, 2 usage error\n");
	return LF_EXIT_OK;
}
