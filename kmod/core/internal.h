/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LIVEFIX_INTERNAL_H
#define LIVEFIX_INTERNAL_H

#include <linux/irq_work.h>
#include <linux/kobject.h>
#include <linux/workqueue.h>
#include <linux/time64.h>
#include <livefix/core.h>

#define LIVEFIX_VERSION "0.1.0"
#define LIVEFIX_REASON_LEN 160

enum livefix_state {
	LIVEFIX_STATE_VETTING,
	LIVEFIX_STATE_TRANSITIONING,
	LIVEFIX_STATE_LIVE,
	LIVEFIX_STATE_REVERTING,
	LIVEFIX_STATE_REVERTED,
	LIVEFIX_STATE_REFUSED,
	LIVEFIX_STATE_REPLACED,
	LIVEFIX_NR_STATES,
};

#define LIVEFIX_STATE_BIT(s) BIT(LIVEFIX_STATE_##s)

/* What the pre-image check found for one replaced function. */
enum livefix_fp {
	LIVEFIX_FP_UNRECORDED,	/* hand-written fix: nothing to compare */
	LIVEFIX_FP_PENDING,	/* its object is not loaded yet */
	LIVEFIX_FP_MATCH,
	LIVEFIX_FP_MISMATCH,
};

/* Longest revert reason kept, including the NUL. */
#define LIVEFIX_REASON_MAX LIVEFIX_REASON_LEN

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
	enum livefix_state state;	/* under the registry lock */
	struct livefix_health health;
	unsigned int nobjs;
	unsigned int nfuncs;
	u8 *fp;				/* enum livefix_fp, per function */
	bool sig_ok;			/* see livefix_sig_ok() */
	time64_t applied_at;		/* transition complete, or 0 */
	time64_t reverted_at;
	char revert_reason[LIVEFIX_REASON_LEN];
};

/* registry.c */
int livefix_registry_init(struct kobject *root);
void livefix_registry_exit(void);
struct livefix_entry *livefix_registry_add(struct module *mod,
					   struct klp_patch *patch,
					   const struct livefix_fix_desc *desc);
struct livefix_entry *livefix_registry_find(struct klp_patch *patch);
struct livefix_entry *livefix_registry_find_obj(struct klp_object *obj,
						unsigned int *idx);
void livefix_registry_remove(struct livefix_entry *entry);
const char *livefix_state_name(enum livefix_state state);
void livefix_set_state(struct livefix_entry *entry, enum livefix_state state);
bool livefix_move_state(struct livefix_entry *entry, unsigned long from,
			enum livefix_state to);
void livefix_registry_note_live(struct livefix_entry *entry);
void livefix_registry_note_revert(struct livefix_entry *entry,
				  const char *reason);
void livefix_registry_note_reverted(struct livefix_entry *entry);
int livefix_registry_newer(struct livefix_entry *entry, unsigned int *version,
			   char *name, size_t len);
unsigned int livefix_func_index(const struct livefix_entry *entry,
				unsigned int obj);

/* refusal.c */
void livefix_refuse(const char *fix, const char *check, const char *fmt, ...)
	__printf(3, 4);
ssize_t livefix_refusals_show(char *buf);

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

/* fingerprint.c */
int livefix_fingerprint_object(struct livefix_entry *entry, unsigned int idx,
			       struct klp_object *obj);

/* callbacks.c */
void livefix_callbacks_install(struct livefix_entry *entry);

/* policy.c */
int livefix_policy_init(void);
int livefix_policy_vet(struct livefix_entry *entry);
bool livefix_policy_requires_metadata(void);
bool livefix_policy_requires_signed(void);
bool livefix_sig_ok(struct module *mod);
void livefix_refuse_unsigned(const char *fix);
ssize_t livefix_policy_show(char *buf);
int livefix_policy_store(const char *buf, size_t len);

/* gate.c */
int livefix_gate_init(void);
void livefix_gate_exit(void);

#endif /* LIVEFIX_INTERNAL_H */
