// SPDX-License-Identifier: GPL-2.0-only
#include "fixinfo.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
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

static int read_num(const char *dir, const char *file, long long *val,
		    bool *has)
{
	char buf[64], *end;
	int ret = read_opt(dir, file, buf, sizeof(buf), has);

	if (ret || !*has)
		return ret;
	errno = 0;
	*val = strtoll(buf, &end, 10);
	return errno || end == buf || *end ? -EINVAL : 0;
}

/* "OBJECT FUNCTION,SYMPOS STATUS" per line. */
static int parse_funcs(char *text, struct lf_fixinfo *fi)
{
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct lf_fixinfo_func f = { 0 }, *v;
		char *comma;

		if (sscanf(line, "%63s %255s %15s", f.object, f.function,
			   f.fingerprint) != 3)
			return -EINVAL;
		comma = strrchr(f.function, ',');
		if (!comma)
			return -EINVAL;
		*comma = '\0';
		f.sympos = strtoul(comma + 1, NULL, 10);
		if (!f.sympos)
			f.sympos = 1;
		v = realloc(fi->funcs, (fi->nfuncs + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		fi->funcs = v;
		fi->funcs[fi->nfuncs++] = f;
	}
	return 0;
}

static int read_more(const char *dir, struct lf_fixinfo *fi)
{
	char funcs[16384];
	long long v;
	bool has;
	int ret;

	ret = read_opt(dir, "id", fi->id, sizeof(fi->id), &fi->has_id);
	if (!ret)
		ret = read_num(dir, "version", &v, &has);
	if (!ret && has)
		fi->version = (long)v;
	if (!ret)
		ret = read_num(dir, "replace", &v, &has);
	if (!ret && has)
		fi->replace = (int)v;
	if (!ret)
		ret = read_num(dir, "sig_ok", &v, &has);
	if (!ret && has)
		fi->sig_ok = v != 0;
	if (!ret)
		ret = read_num(dir, "applied_at", &fi->applied_at, &has);
	if (!ret)
		ret = read_num(dir, "reverted_at", &fi->reverted_at, &has);
	if (!ret)
		ret = read_opt(dir, "revert_reason", fi->revert_reason,
			       sizeof(fi->revert_reason), &has);
	if (!ret)
		ret = read_opt(dir, "functions", funcs, sizeof(funcs), &has);
	if (!ret && has)
		ret = parse_funcs(funcs, fi);
	return ret;
}

int lf_fixinfo_list(const char *sysfs, struct lf_strv *names)
{
	char dir[PATH_MAX];
	int ret = lf_path(dir, sizeof(dir), "%s/kernel/livefix/fixes", sysfs);

	memset(names, 0, sizeof(*names));
	if (ret)
		return ret;
	ret = lf_list_dir(dir, LF_LIST_DIRS, names);
	return ret == -ENOENT || ret == -ENOTDIR ? 0 : ret;
}

int lf_fixinfo_read(const char *sysfs, const char *name,
		    struct lf_fixinfo *fi)
{
	char dir[PATH_MAX], cves[4096];
	int ret;

	memset(fi, 0, sizeof(*fi));
	fi->version = -1;
	fi->replace = -1;
	fi->sig_ok = -1;
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
	if (!ret)
		ret = read_more(dir, fi);
	if (ret)
		lf_fixinfo_free(fi);
	return ret;
}

void lf_fixinfo_free(struct lf_fixinfo *fi)
{
	lf_strv_free(&fi->cves);
	free(fi->funcs);
	fi->funcs = NULL;
	fi->nfuncs = 0;
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
