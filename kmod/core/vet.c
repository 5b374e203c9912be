// SPDX-License-Identifier: GPL-2.0
/*
 * Vetting: the checks a fix must pass before klp sees it. A refusal is
 * one log line naming the fix and the check, and a specific errno.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/string.h>
#include <linux/utsname.h>

#include "internal.h"

static int livefix_vet_format(struct livefix_entry *entry)
{
	if (entry->desc->format == LIVEFIX_META_FORMAT)
		return 0;
	pr_err("refused fix=%s check=format: format %u, this livefix reads %u\n",
	       entry->mod->name, entry->desc->format, LIVEFIX_META_FORMAT);
	return -EPROTO;
}

static int livefix_vet_target(struct livefix_entry *entry)
{
	const char *running = init_utsname()->release;

	if (entry->desc->target && !strcmp(entry->desc->target, running))
		return 0;
	pr_err("refused fix=%s check=target: built for %s, running %s\n",
	       entry->mod->name,
	       entry->desc->target ? entry->desc->target : "(none)", running);
	return -ENOEXEC;
}

int livefix_vet(struct livefix_entry *entry)
{
	int ret;

	ret = livefix_vet_format(entry);
	if (ret)
		return ret;
	return livefix_vet_target(entry);
}
