/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_KLPCONV_H
#define LF_BUILD_KLPCONV_H

#include "../err.h"

/* From include/uapi/linux/elf.h; libelf's headers may not carry them. */
#define LF_SHF_RELA_LIVEPATCH	0x00100000
#define LF_SHN_LIVEPATCH	0xff20
#define LF_KLP_SYM_PREFIX	".klp.sym."
#define LF_KLP_RELA_PREFIX	".klp.rela."
/*
 * ".klp.sym.<obj>.<name>,<pos>~<group>": resolve in <obj>, but apply with
 * the relocations of object <group> (the patched module that calls into
 * <obj>). klpconv cuts the suffix off.
 */
#define LF_KLP_GROUP_SEP	"~"

/*
 * Turn a linked patch module's references to ".klp.sym.<obj>.<name>,<pos>"
 * into klp relocations: move those relocations into SHF_ALLOC |
 * SHF_RELA_LIVEPATCH sections named .klp.rela.<obj>.<section>, one per
 * object and target section, and mark the symbols SHN_LIVEPATCH. This
 * must run after kbuild's link and modpost: ld -r would fold .klp.rela
 * sections back into ordinary relocations.
 *
 * Writes @out (via a temporary name, so there is never a partial file);
 * @in and @out may be the same path. *converted counts the relocations.
 */
int lf_klpconv(const char *in, const char *out, unsigned int *converted,
	       struct lf_err *err);

#endif
