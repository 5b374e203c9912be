/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_HDRLOCAL_H
#define LF_BUILD_HDRLOCAL_H

#include <stdbool.h>

#include "../err.h"
#include "../strv.h"

/*
 * Who includes a subsystem's private header. A macro leaves no trace in
 * DWARF, so the units that expand one are found from the source instead:
 * a private header ("fs/smb/client/cifsglob.h") is reached with
 * #include "..." from its own directory tree or a sibling's, directly or
 * through other headers. A public one (include/, arch/x86/include/) is
 * reached from everywhere, and is not for this.
 */

/* Is @header (a source-relative path) a public, kernel-wide header? */
bool lf_header_is_public(const char *header);

/*
 * Every .c file (in the tree at @src) that includes @header, directly or
 * through other .h files, as source-relative paths, into the empty
 * @units, sorted; -E2BIG past @max of them, -ENOENT if there is none.
 * The tree scanned is the parent of the header's directory, or the
 * directory itself when that parent is a top-level one (fs/nfsd/state.h:
 * fs/nfsd/; fs/smb/client/cifsglob.h: fs/smb/). A .c file #included by
 * another one is listed too: the caller keeps only real units of this
 * kernel.
 */
int lf_local_includers(const char *src, const char *header,
		       struct lf_strv *units, size_t max, struct lf_err *err);

#endif
