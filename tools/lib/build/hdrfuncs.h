/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_HDRFUNCS_H
#define LF_BUILD_HDRFUNCS_H

#include <stddef.h>

#include "../err.h"
#include "../strv.h"
#include "inlines.h"

/*
 * Which header functions a diff changes. The distro's DWARF gives each
 * function's first line in the header (DW_AT_decl_line, carried in
 * @sites); its body ends at the brace that closes it in @text, the
 * original header. A changed line outside every function body is a
 * change to a macro, a type or data, which livefix cannot follow into its
 * users, so it is refused with the line named.
 *
 * @lines are 1-based line numbers of the original header that the diff
 * removes or inserts next to.
 */
int lf_hdr_changed_functions(const char *header, const char *text,
			     const int *lines, size_t nlines,
			     const struct lf_inline_sites *sites,
			     struct lf_strv *names, struct lf_err *err);

#endif
