// SPDX-License-Identifier: GPL-2.0-only
#include "dbgmods.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../sysfs.h"
#include "patchset.h"

#define DBG_MODULES "./usr/lib/debug/lib/modules/"

static void note(const struct lf_target *t, unsigned int flags, const char *msg)
{
	if ((flags & LF_TARGET_VERBOSE) && t->note)
		t->note(msg);
}

/* The -dbg .deb, downloaded into @dir (removed by the caller). */
static int dbg_deb(struct lf_target *t, unsigned int flags, const char *dir,
		   char *deb, size_t size, struct lf_err *err)
{
	char pkg[128];
	int ret;

	snprintf(pkg, sizeof(pkg), "linux-image-%s-dbg", t->abi);
	lf_rm_rf(dir);
	ret = lf_mkdir_p(dir, 0700);
	if (ret)
		return lf_err_set(err, ret, "%s: %s", dir, strerror(-ret));
	note(t, flags, "modules: downloading the -dbg package again for module DWARF (about 1 GB)");
	return lf_target_apt_download(t, pkg, dir, deb, size, err);
}

/* The whole package streams through tar: dpkg-deb must finish too. */
static int stream(struct lf_target *t, const char *deb, const char *const *tar_argv,
		  const char *out, const char *what, struct lf_err *err)
{
	int sa, ret = lf_target_deb_tar(t, deb, tar_argv, out, what, &sa, err);

	if (!ret && sa)
		ret = lf_err_set(err, -EIO, "%s: %s failed: dpkg-deb exited %d",
				 deb, what, sa);
	return ret;
}

int lf_dbgmods_index(struct lf_target *t, const char *indexer,
		     unsigned int flags, char *path, size_t size,
		     struct lf_err *err)
{
	char deb[PATH_MAX], tmp[PATH_MAX], dl[PATH_MAX], cmd[PATH_MAX + 32];
	const char *tar_argv[] = { "tar", "-x", "--wildcards", cmd,
				   DBG_MODULES "*.ko", NULL };
	int ret;

	if (lf_path(path, size, "%s/dbg/modules.idx", t->dir) ||
	    lf_path(tmp, sizeof(tmp), "%s/dbg/modules.idx.tmp", t->dir) ||
	    lf_path(dl, sizeof(dl), "%s/dbgdeb.tmp", t->dir) ||
	    snprintf(cmd, sizeof(cmd), "--to-command=%s __index-moddbg",
		     indexer) >= (int)sizeof(cmd))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", t->dir);
	if (lf_path_exists(path))
		return 0;
	if (strpbrk(indexer, " \t'\"\\"))
		return lf_err_set(err, -EINVAL,
				  "%s: tar cannot run a program whose path has blanks or quotes",
				  indexer);
	ret = dbg_deb(t, flags, dl, deb, sizeof(deb), err);
	if (!ret) {
		note(t, flags, "modules: indexing the header code of every shipped module (once per ABI)");
		ret = stream(t, deb, tar_argv, tmp, "indexing module DWARF", err);
	}
	if (!ret && rename(tmp, path))
		ret = lf_err_set(err, -errno, "%s: %s", path, strerror(errno));
	if (ret)
		unlink(tmp);
	lf_rm_rf(dl);
	return ret;
}
