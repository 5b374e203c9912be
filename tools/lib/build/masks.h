/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_MASKS_H
#define LF_BUILD_MASKS_H

#include <stddef.h>

#include "../err.h"
#include "elfobj.h"
#include "preimage.h"

/*
 * The bytes of a compiled function that the linker or the kernel's
 * build fills differently from the object: every relocation site, the
 * whole __fentry__ call (a NOP once ftrace's build step ran), and each
 * jump-label instruction (a jmp in the object, a NOP in the image).
 * Offsets are from the function's symbol; the result is what
 * lf_preimage_check() must ignore.
 */
/* Sections that list the sites of asm/runtime-const.h, one per symbol. */
#define LF_RUNTIME_PTR_PREFIX	"runtime_ptr_"
#define LF_RUNTIME_SHIFT_PREFIX	"runtime_shift_"

int lf_func_masks(const struct lf_elfobj *o, size_t sym,
		  struct lf_mask **masks, size_t *n, struct lf_err *err);

#endif
