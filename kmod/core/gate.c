// SPDX-License-Identifier: GPL-2.0
/*
 * The gate every livepatch module (modinfo livepatch=Y) passes as it
 * comes in, before its init can call klp_enable_patch() or
 * livefix_apply(): with require_metadata set, one that carries no
 * livefix description is refused, so none can bypass livefix; with
 * require_signed set, one whose signature the kernel did not verify
 * (unsigned, or signed by a key no trusted keyring holds) is refused,
 * which module.sig_enforce=0 would let in with only a taint.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "internal.h"

/* A livefix patch module defines the description LIVEFIX_FIX() names. */
static bool livefix_has_metadata(struct module *mod)
{
	struct mod_kallsyms *ks;
	bool found = false;
	unsigned int i;

	rcu_read_lock_sched();
	ks = rcu_dereference_sched(mod->kallsyms);
	for (i = 0; ks && i < ks->num_symtab && !found; i++)
		found = ks->symtab[i].st_shndx != SHN_UNDEF &&
			!strcmp(ks->strtab + ks->symtab[i].st_name,
				"livefix_this_fix");
	rcu_read_unlock_sched();
	return found;
}

static int livefix_module_notify(struct notifier_block *nb,
				 unsigned long action, void *data)
{
	struct module *mod = data;

	if (action != MODULE_STATE_COMING || !mod->klp)
		return NOTIFY_DONE;
	if (livefix_policy_requires_metadata() && !livefix_has_metadata(mod)) {
		livefix_refuse(mod->name, "policy",
			       "livepatch module without livefix metadata (require_metadata=1)");
		return notifier_from_errno(-EACCES);
	}
	if (livefix_policy_requires_signed() && !livefix_sig_ok(mod)) {
		livefix_refuse_unsigned(mod->name);
		return notifier_from_errno(-EACCES);
	}
	return NOTIFY_DONE;
}

static struct notifier_block livefix_module_nb = {
	.notifier_call = livefix_module_notify,
};

int livefix_gate_init(void)
{
	return register_module_notifier(&livefix_module_nb);
}

void livefix_gate_exit(void)
{
	unregister_module_notifier(&livefix_module_nb);
}
