/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_DBGMODS_H
#define LF_BUILD_DBGMODS_H

#include "../err.h"
#include "../strv.h"
#include "target.h"

/*
 * The module index of the target (moddbg.h), <cache>/<ABI>/dbg/modules.idx,
 * made the first time a header change needs it: the -dbg package is
 * downloaded again (1 GB) and streamed once through
 * `tar --to-command="<indexer> __index-moddbg"`, tar running the livefix
 * binary @indexer on each module debug file, and the package is removed.
 * Nothing of the 6.5 GB of module DWARF is kept but the index.
 */
int lf_dbgmods_index(struct lf_target *t, const char *indexer,
		     unsigned int flags, char *path, size_t size,
		     struct lf_err *err);

#endif
