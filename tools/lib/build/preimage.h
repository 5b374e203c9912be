/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_PREIMAGE_H
#define LF_BUILD_PREIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "../err.h"

/*
 * The pre-image check: a function livefix replaces must be, byte for
 * byte, the code the distro shipped, once the bytes that legitimately
 * differ are masked: relocation sites (filled by the linker), the
 * __fentry__ call (a NOP in the shipped image), jump-label sites (a jmp in
 * the object, a NOP when shipped). Anything else that differs means the
 * source is not what this kernel was built from, and the fix must not be
 * built against it.
 */
struct lf_mask {
	uint32_t off;
	uint32_t len;
};

struct lf_preimage {
	uint64_t size;
	struct lf_mask *masks;	/* sorted, merged; owned */
	size_t nmasks;
	unsigned char sha256[32];	/* of the shipped bytes, masks zeroed */
};

/*
 * Compare @compiled (the "before" object's bytes of @name) with
 * @shipped under @masks. On a match fill @out; on a mismatch fail with
 * "<name>: ... first difference at +0x<off>".
 */
int lf_preimage_check(const char *name, const unsigned char *compiled,
		      size_t compiled_size, const unsigned char *shipped,
		      size_t shipped_size, const struct lf_mask *masks,
		      size_t nmasks, struct lf_preimage *out,
		      struct lf_err *err);
void lf_preimage_free(struct lf_preimage *p);

/* "sha256:<64 hex>", the form fixes carry in their metadata. */
void lf_preimage_hex(const struct lf_preimage *p, char buf[72]);

/*
 * The manifest form: "pre=<64 hex>:<size>:<off>+<len>,..." (no masks:
 * nothing after the second colon). format writes into a malloc'd string.
 */
char *lf_preimage_format(const struct lf_preimage *p);
int lf_preimage_parse(const char *s, struct lf_preimage *p);

#endif
