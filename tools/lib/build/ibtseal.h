/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_IBTSEAL_H
#define LF_BUILD_IBTSEAL_H

#include <stdbool.h>
#include <stdint.h>

#include "../err.h"

/*
 * With X86_KERNEL_IBT, objtool lists in .ibt_endbr_seal the ENDBR of
 * every vmlinux function whose address is never taken, and the kernel
 * turns those ENDBRs into NOPs at boot. Such a function can only be
 * called directly: a fix that newly takes its address and calls through
 * the pointer would fault with #CP. The shipped vmlinux's seal list says
 * which functions those are.
 */
struct lf_ibtseal;

/* No .ibt_endbr_seal (an IBT-less kernel) is an empty list, not an error. */
int lf_ibtseal_open(const char *vmlinux, struct lf_ibtseal **out,
		    struct lf_err *err);
void lf_ibtseal_free(struct lf_ibtseal *s);

/* Is the ENDBR at @addr (a function's entry) sealed? */
bool lf_ibtseal_sealed(const struct lf_ibtseal *s, uint64_t addr);
size_t lf_ibtseal_count(const struct lf_ibtseal *s);

/*
 * Scan a patch object for references that take the address of a kernel
 * function (anything but a direct call or jump, R_X86_64_PLT32) and ask
 * @addr_of for each referenced undefined symbol's address (0 when it is
 * not a function of vmlinux). The first one whose ENDBR is sealed fails
 * with "<function>: the fix takes the address of <sym>, whose ENDBR the
 * kernel seals at boot (IBT); an indirect call would fault".
 */
int lf_ibtseal_check(const struct lf_ibtseal *s, const char *patch_o,
		     uint64_t (*addr_of)(void *data, const char *sym),
		     void *data, struct lf_err *err);

#endif
