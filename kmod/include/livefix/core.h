/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface between patch modules and livefix.ko.
 *
 * A patch module describes its replacements with the const tables below
 * and hands them, together with the klp tables built from them, to
 * livefix_apply(). livefix.ko vets the fix, records it, and only then
 * enables it through the kernel's livepatch core.
 */
#ifndef LIVEFIX_CORE_H
#define LIVEFIX_CORE_H

#include <linux/livepatch.h>
#include <linux/module.h>
#include <livefix/meta.h>

/* A byte range of a function the pre-image does not cover. */
struct livefix_mask {
	u32 off;
	u32 len;
};

/*
 * The fingerprint of the code a function replaces, as the distro shipped
 * it: SHA-256 of its @size bytes with the @masks (relocation, ftrace and
 * jump-label sites) zeroed.
 */
struct livefix_preimage {
	u32 size;
	u32 nmasks;
	const struct livefix_mask *masks;
	u8 sha256[32];
};

struct livefix_func_desc {
	const char *old_name;
	void *new_func;
	/* Which same-named symbol in the object, as klp counts; 0 = unique. */
	unsigned long sympos;
	/* NULL for hand-written fixes, which have no build to compare to. */
	const struct livefix_preimage *preimage;
};

struct livefix_object_desc {
	const char *name;	/* module name, or NULL for vmlinux */
	const struct livefix_func_desc *funcs;	/* ends with an empty entry */
	/* Run by klp for this object; see LIVEFIX_PRE_PATCH() and friends. */
	struct klp_callbacks callbacks;
};

struct livefix_fix_desc {
	unsigned int format;	/* LIVEFIX_META_FORMAT */
	const char *id;
	const char *target;	/* kernel release the fix was built for */
	const char *cves;	/* space-separated, may be empty */
	bool replace;		/* atomic replace of earlier fixes */
	/*
	 * Cumulative version: a replacing fix carries it as the version of
	 * klp state LIVEFIX_KLP_STATE, so neither livefix.ko nor klp lets
	 * a lower version replace a higher one.
	 */
	unsigned int version;
	const struct livefix_object_desc *objs;	/* ends with an empty entry */
};

/* The klp_state id of livefix's cumulative version ("lfv"). */
#define LIVEFIX_KLP_STATE 0x6c6676UL

/* Each patch module's own description, defined by LIVEFIX_FIX(). */
extern const struct livefix_fix_desc livefix_this_fix;

int livefix_apply(struct module *mod, struct klp_patch *patch,
		  const struct livefix_fix_desc *desc);
void livefix_release(struct klp_patch *patch);

#endif /* LIVEFIX_CORE_H */
