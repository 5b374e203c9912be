/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LIVEFIX_INTERNAL_H
#define LIVEFIX_INTERNAL_H

#include <linux/irq_work.h>
#include <linux/kobject.h>
#include <linux/workqueue.h>
#include <livefix/core.h>

#define LIVEFIX_VERSION "0.1.0"

enum livefix_state {
	LIVEFIX_STATE_VETTING,
	LIVEFIX_STATE_LIVE,
	LIVEFIX_STATE_REVERTING,
	LIVEFIX_STATE_REVERTED,
	LIVEFIX_STATE_REFUSED,
};

/* Longest revert reason kept, including the NUL. */
#define LIVEFIX_REASON_MAX 160

/* The health watch and revert of one fix; health.c and revert.c. */
struct livefix_health {
	struct list_head node;		/* on the watch list, under RCU */
	unsigned long watch_until;	/* jiffies; the window's end */
	unsigned long flags;		/* LIVEFIX_HEALTH_* bits */
	struct irq_work revert_irq;	/* first hop out of WARN/oops context */
	struct delayed_work revert_work;
	int revert_polls;
	bool disabled;			/* the revert work has disabled it */
	char reason[LIVEFIX_REASON_MAX];
};

/* One fix that livefix.ko has seen, from livefix_apply() to release. */
struct livefix_entry {
	struct kobject kobj;
	struct list_head node;
	struct module *mod;
	struct klp_patch *patch;
	const struct livefix_fix_desc *desc;
	enum livefix_state state;
	struct livefix_health health;
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

void livefix_registry_note_revert(struct livefix_entry *entry,
				  const char *reason);

/* vet.c */
int livefix_vet(struct livefix_entry *entry);

/* health.c */
int livefix_health_init(void);
void livefix_health_exit(void);
void livefix_health_watch(struct livefix_entry *entry);
void livefix_health_unwatch(struct livefix_entry *entry);

/* revert.c */
void livefix_revert(struct livefix_entry *entry, const char *reason);
bool livefix_revert_queued(struct livefix_entry *entry);
/* The reason of a queued revert, or NULL. */
const char *livefix_revert_reason(struct livefix_entry *entry);
void livefix_revert_init_entry(struct livefix_entry *entry);
int livefix_revert_init(void);
void livefix_revert_exit(void);

#endif /* LIVEFIX_INTERNAL_H */
