// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>

#include "../lib/env.h"
#include "../lib/transition.h"
#include "cmd.h"

static void print_progress(void *data, const char *line)
{
	(void)data;
	printf("livefix: %s\n", line);
	fflush(stdout);
}

const struct lf_transition_hooks *lf_cmd_transition_hooks(const struct lf_env *env)
{
	static const struct lf_transition_hooks real = {
		.progress = print_progress,
		.interrupt = lf_transition_interrupt,
	};
	static const struct lf_transition_hooks report_only = {
		.progress = print_progress,
	};

	/* Pids from a fake /proc (LIVEFIX_PROCFS, tests) are not ours to touch. */
	return strcmp(env->procfs, "/proc") ? &report_only : &real;
}
