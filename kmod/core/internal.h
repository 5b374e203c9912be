/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LIVEFIX_INTERNAL_H
#define LIVEFIX_INTERNAL_H

#include <linux/kobject.h>
#include <linux/time64.h>
#include <livefix/core.h>

#define LIVEFIX_VERSION "0.1.0"
#define LIVEFIX_REASON_LEN 128

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

/* One fix that livefix.ko has seen, from livefix_apply() to release. */
struct livefix_entry {
	struct kobject kobj;
	struct list_head node;
	struct module *mod;
	struct klp_patch *patch;
	const struct livefix_fix_desc *desc;
	enum livefix_state state;	/* under the registry lock */
	unsigned int nobjs;
	unsigned int nfuncs;
	u8 *fp;				/* enum livefix_fp, per function */
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

/* fingerprint.c */
int livefix_fingerprint_object(struct livefix_entry *entry, unsigned int idx,
			       struct klp_object *obj);

/* callbacks.c */
void livefix_callbacks_install(struct livefix_entry *entry);

/* policy.c */
int livefix_policy_init(void);
int livefix_policy_vet(struct livefix_entry *entry);
bool livefix_policy_requires_metadata(void);
ssize_t livefix_policy_show(char *buf);
int livefix_policy_store(const char *buf, size_t len);

/* gate.c */
int livefix_gate_init(void);
void livefix_gate_exit(void);

#endif /* LIVEFIX_INTERNAL_H */
