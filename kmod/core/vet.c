// SPDX-License-Identifier: GPL-2.0
/*
 * Vetting: the checks a fix must pass before klp sees it. A refusal is
 * one log line naming the fix and the check, and a specific errno:
 *
 *	format		-EPROTO		description in another format
 *	target		-ENOEXEC	built for another kernel release
 *	signature	-EACCES		require_signed, see policy.c and gate.c
 *	policy		-EACCES		see policy.c
 *	downgrade	-ESTALE		older than the live cumulative fix
 *	fingerprint	-EBADMSG	see fingerprint.c (run by klp later)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/string.h>
#include <linux/utsname.h>

#include "internal.h"

static int livefix_vet_format(struct livefix_entry *entry)
{
	if (entry->desc->format == LIVEFIX_META_FORMAT)
		return 0;
	livefix_refuse(entry->mod->name, "format",
		       "format %u, this livefix reads %u",
		       entry->desc->format, LIVEFIX_META_FORMAT);
	return -EPROTO;
}

static int livefix_vet_target(struct livefix_entry *entry)
{
	const char *running = init_utsname()->release;

	if (entry->desc->target && !strcmp(entry->desc->target, running))
		return 0;
	livefix_refuse(entry->mod->name, "target", "built for %s, running %s",
		       entry->desc->target ? entry->desc->target : "(none)",
		       running);
	return -ENOEXEC;
}

/*
 * klp would refuse a lower klp_state version too, but only with -EINVAL
 * and a line that does not name the fix that is newer.
 */
static int livefix_vet_downgrade(struct livefix_entry *entry)
{
	unsigned int version;
	char newer[MODULE_NAME_LEN];

	if (!entry->desc->replace ||
	    !livefix_registry_newer(entry, &version, newer, sizeof(newer)))
		return 0;
	livefix_refuse(entry->mod->name, "downgrade",
		       "cumulative version %u is older than version %u of live fix %s",
		       entry->desc->version, version, newer);
	return -ESTALE;
}

int livefix_vet(struct livefix_entry *entry)
{
	int ret;

	ret = livefix_vet_format(entry);
	if (!ret)
		ret = livefix_vet_target(entry);
	if (!ret)
		ret = livefix_policy_vet(entry);
	if (!ret)
		ret = livefix_vet_downgrade(entry);
	return ret;
}
