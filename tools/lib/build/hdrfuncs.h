/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_HDRFUNCS_H
#define LF_BUILD_HDRFUNCS_H

#include <stddef.h>

#include "../err.h"
#include "../strv.h"
#include "inlines.h"
#include "units.h"

/*
 * What a diff does to a header, line by line. The distro's DWARF gives
 * each function's first line in the header (DW_AT_decl_line, carried in
 * @sites); its body ends at the brace that closes it in @text, the
 * original header.
 *   - A changed line inside a function body: that function's copies are
 *     what changes; its name goes to @names.
 *   - A new declaration inserted between top-level declarations: no
 *     existing unit can use it, so it reaches nothing by itself.
 *   - Any other change to a declaration (a struct, an enum, a prototype,
 *     an extern): every unit that uses the header may change, and
 *     *decl_line is set to the first such line (0 if none). The caller
 *     rebuilds those units, and the object diff, layout and symbol CRC
 *     checks decide what the change means.
 *   - A preprocessor change outside a function body (a macro, an
 *     #include, an #if): *macro_line is set to the first such line (0 if
 *     none). The units that expand a macro may leave no trace of the
 *     header in DWARF, so the caller must find them from the source.
 * Line numbers are 1-based lines of the original header, as in
 * struct lf_touched.
 */
int lf_hdr_classify(const struct lf_touched *f, const char *text,
		    const struct lf_inline_sites *sites, struct lf_strv *names,
		    int *decl_line, int *macro_line, struct lf_err *err);

#endif
