// SPDX-License-Identifier: GPL-2.0
/*
 * The pre-image check: the code a fix replaces must be the code it was
 * built against. `livefix build` recorded, per replaced function, the
 * SHA-256 of the shipped bytes with every site the kernel rewrites at
 * run time zeroed (relocations, the ftrace call, alternatives,
 * retpoline, return-thunk and static-call sites, jump labels, lock
 * prefixes and ENDBR). The same hash over the live text must match.
 * The CALL_PADDING area sits before the symbol and is never hashed.
 *
 * It runs from klp's pre-patch callback of each object: by then klp has
 * resolved every old function, also in a module that loads later, and a
 * refusal makes klp undo the whole patch (or refuse that module).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/sha2.h>
#include <linux/livepatch.h>
#include <linux/string.h>

#include "internal.h"

static const u8 livefix_zeros[64];

static void livefix_hash_zeros(struct sha256_state *st, u32 len)
{
	while (len) {
		u32 n = min_t(u32, len, sizeof(livefix_zeros));

		sha256_update(st, livefix_zeros, n);
		len -= n;
	}
}

/* 0, or -EBADMSG with the reason in @why. */
static int livefix_fingerprint_func(const struct klp_func *func,
				    const struct livefix_preimage *pre,
				    char *why, size_t len)
{
	const u8 *text = func->old_func;
	u8 digest[SHA256_DIGEST_SIZE];
	struct sha256_state st;
	u32 pos = 0, i;

	/*
	 * kallsyms sizes run up to the next symbol, so they include the
	 * alignment after the function, or up to a section boundary after
	 * the last function of a file: only a shorter one cannot be it.
	 */
	if (func->old_size < pre->size) {
		snprintf(why, len, "live size %lu bytes, built against %u",
			 func->old_size, pre->size);
		return -EBADMSG;
	}
	sha256_init(&st);
	for (i = 0; i < pre->nmasks; i++) {
		const struct livefix_mask *m = &pre->masks[i];

		if (m->off < pos || m->len > pre->size - m->off) {
			snprintf(why, len, "mask %u (+%u,%u) out of order",
				 i, m->off, m->len);
			return -EBADMSG;
		}
		sha256_update(&st, text + pos, m->off - pos);
		livefix_hash_zeros(&st, m->len);
		pos = m->off + m->len;
	}
	sha256_update(&st, text + pos, pre->size - pos);
	sha256_final(&st, digest);
	if (!memcmp(digest, pre->sha256, sizeof(digest)))
		return 0;
	snprintf(why, len, "live pre-image sha256 %*phN..., built against %*phN...",
		 4, digest, 4, pre->sha256);
	return -EBADMSG;
}

int livefix_fingerprint_object(struct livefix_entry *entry, unsigned int idx,
			       struct klp_object *obj)
{
	const struct livefix_func_desc *fd = entry->desc->objs[idx].funcs;
	unsigned int k = livefix_func_index(entry, idx);
	struct klp_func *func;
	char why[96], check[160];
	int ret;

	/* klp_func tables are built from the description, in its order. */
	for (func = obj->funcs; func->old_name; func++, fd++, k++) {
		if (!fd->preimage)
			continue;
		ret = livefix_fingerprint_func(func, fd->preimage, why,
					       sizeof(why));
		WRITE_ONCE(entry->fp[k], ret ? LIVEFIX_FP_MISMATCH :
			   LIVEFIX_FP_MATCH);
		if (ret) {
			snprintf(check, sizeof(check), "fingerprint func=%s",
				 func->old_name);
			livefix_refuse(entry->mod->name, check, "%s in %s", why,
				       obj->name ? obj->name : "vmlinux");
			return ret;
		}
	}
	return 0;
}
