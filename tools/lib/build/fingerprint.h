/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_FINGERPRINT_H
#define LF_BUILD_FINGERPRINT_H

#include <stddef.h>
#include <stdio.h>

#include "../err.h"
#include "symres.h"

/*
 * The pre-image check of one unit: for each function the unit's manifest
 * replaces, compare its bytes in @before_o with what the distro shipped
 * (masked, see masks.h) and write the manifest line, with its
 * fingerprint, to @out. The first mismatch fails the build, naming the
 * function and the offset. *nfuncs counts the lines written.
 */
int lf_fingerprint_unit(const char *before_o, const char *unit_manifest,
			const struct lf_symres *r,
			const struct lf_symres_unit *unit, FILE *out,
			size_t *nfuncs, struct lf_err *err);

#endif
