// SPDX-License-Identifier: GPL-2.0-only
#include "fixinfo.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "sysfs.h"

static int read_opt(const char *dir, const char *file, char *buf,
		    size_t size, bool *has)
{
	char path[PATH_MAX];
	int ret = lf_path(path, sizeof(path), "%s/%s", dir, file);

	*has = false;
	if (ret)
		return ret;
	ret = lf_read_text(path, buf, size);
	if (ret == -ENOENT || ret == -ENOTDIR)
		return 0;
	if (ret < 0)
		return ret;
	*has = true;
	return 0;
}

int lf_fixinfo_read(const char *sysfs, const char *name,
		    struct lf_fixinfo *fi)
{
	char dir[PATH_MAX], cves[4096];
	int ret;

	memset(fi, 0, sizeof(*fi));
	ret = lf_path(dir, sizeof(dir), "%s/kernel/livefix/fixes/%s", sysfs,
		      name);
	if (!ret)
		ret = read_opt(dir, "target", fi->target, sizeof(fi->target),
			       &fi->has_target);
	if (!ret)
		ret = read_opt(dir, "state", fi->state, sizeof(fi->state),
			       &fi->has_state);
	if (!ret)
		ret = read_opt(dir, "cves", cves, sizeof(cves), &fi->has_cves);
	if (!ret && fi->has_cves)
		ret = lf_strv_split_ws(&fi->cves, cves);
	if (ret)
		lf_fixinfo_free(fi);
	return ret;
}

void lf_fixinfo_free(struct lf_fixinfo *fi)
{
	lf_strv_free(&fi->cves);
}

int lf_core_version(const char *sysfs, char *buf, size_t size)
{
	char path[PATH_MAX];
	int ret = lf_path(path, sizeof(path), "%s/kernel/livefix/version",
			  sysfs);

	if (ret)
		return ret;
	ret = lf_read_text(path, buf, size);
	return ret < 0 ? ret : 0;
}
