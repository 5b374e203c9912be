/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LIVEFIX_INTERNAL_H
#define LIVEFIX_INTERNAL_H

#include <linux/kobject.h>
#include <livefix/core.h>

#define LIVEFIX_VERSION "0.1.0"

enum livefix_state {
	LIVEFIX_STATE_VETTING,
	LIVEFIX_STATE_LIVE,
	LIVEFIX_STATE_REVERTED,
	LIVEFIX_STATE_REFUSED,
};

/* One fix that livefix.ko has seen, from livefix_apply() to release. */
struct livefix_entry {
	struct kobject kobj;
	struct list_head node;
	struct module *mod;
	struct klp_patch *patch;
	const struct livefix_fix_desc *desc;
	enum livefix_state state;
};

/* registry.c */
int livefix_registry_init(struct kobject *root);
void livefix_registry_exit(void);
struct livefix_entry *livefix_registry_add(struct module *mod,
					   struct klp_patch *patch,
					   const struct livefix_fix_desc *desc);
struct livefix_entry *livefix_registry_find(struct klp_patch *patch);
void livefix_registry_remove(struct livefix_entry *entry);
void livefix_set_state(struct livefix_entry *entry, enum livefix_state state);

/* vet.c */
int livefix_vet(struct livefix_entry *entry);

#endif /* LIVEFIX_INTERNAL_H */
