// SPDX-License-Identifier: GPL-2.0-only
#include "klp.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sysfs.h"

const char *lf_klp_state_name(enum lf_klp_state s)
{
	switch (s) {
	case LF_KLP_LIVE:
		return "live";
	case LF_KLP_PATCHING:
		return "patching";
	case LF_KLP_UNPATCHING:
		return "unpatching";
	case LF_KLP_DISABLED:
		break;
	}
	return "disabled";
}

enum lf_klp_state lf_klp_state_of(const struct lf_klp_status *st)
{
	if (st->enabled)
		return st->transition ? LF_KLP_PATCHING : LF_KLP_LIVE;
	return st->transition ? LF_KLP_UNPATCHING : LF_KLP_DISABLED;
}

int lf_klp_patch_dir(char *buf, size_t size, const char *sysfs,
		     const char *name)
{
	return lf_path(buf, size, "%s/kernel/livepatch/%s", sysfs, name);
}

int lf_klp_list(const char *sysfs, struct lf_strv *names)
{
	char dir[PATH_MAX];
	int ret = lf_path(dir, sizeof(dir), "%s/kernel/livepatch", sysfs);

	if (ret)
		return ret;
	return lf_list_dir(dir, LF_LIST_DIRS, names);
}

int lf_klp_read_status(const char *sysfs, const char *name,
		       struct lf_klp_status *status)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int ret;

	memset(status, 0, sizeof(*status));
	ret = lf_klp_patch_dir(dir, sizeof(dir), sysfs, name);
	if (ret)
		return ret;
	if (!lf_is_dir(dir))
		return 0;

	ret = lf_path(path, sizeof(path), "%s/enabled", dir);
	if (!ret)
		ret = lf_read_bool(path, &status->enabled);
	if (!ret)
		ret = lf_path(path, sizeof(path), "%s/transition", dir);
	if (!ret)
		ret = lf_read_bool(path, &status->transition);
	/* The kernel may free the patch between our reads: that is "gone". */
	if (ret == -ENOENT) {
		memset(status, 0, sizeof(*status));
		return 0;
	}
	if (ret)
		return ret;
	status->present = true;
	return 0;
}

int lf_klp_parse_func_dir(const char *dirname, char **func,
			  unsigned long *sympos)
{
	const char *comma = strrchr(dirname, ',');
	unsigned long pos = 1;

	if (comma) {
		char *end;

		if (comma == dirname || !comma[1])
			return -EINVAL;
		errno = 0;
		pos = strtoul(comma + 1, &end, 10);
		if (*end || errno || comma[1] == '-' || comma[1] == '+')
			return -EINVAL;
	} else {
		comma = dirname + strlen(dirname);
		if (comma == dirname)
			return -EINVAL;
	}
	*func = strndup(dirname, (size_t)(comma - dirname));
	if (!*func)
		return -ENOMEM;
	*sympos = pos;
	return 0;
}

static int add_func(struct lf_klp_patch *p, const char *object,
		    const char *dirname, size_t *cap)
{
	struct lf_klp_func *f;
	int ret;

	if (p->nfuncs == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct lf_klp_func *v = realloc(p->funcs, ncap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		p->funcs = v;
		*cap = ncap;
	}
	f = &p->funcs[p->nfuncs];
	memset(f, 0, sizeof(*f));
	ret = lf_klp_parse_func_dir(dirname, &f->function, &f->sympos);
	if (ret)
		return ret == -EINVAL ? 0 : ret;	/* not a function dir */
	f->object = strdup(object);
	if (!f->object) {
		free(f->function);
		return -ENOMEM;
	}
	p->nfuncs++;
	return 0;
}

int lf_klp_read_patch(const char *sysfs, const char *name,
		      struct lf_klp_patch *patch)
{
	struct lf_strv objects = { 0 };
	char dir[PATH_MAX], objdir[PATH_MAX];
	size_t cap = 0;
	int ret;

	memset(patch, 0, sizeof(*patch));
	ret = lf_klp_read_status(sysfs, name, &patch->status);
	if (ret)
		return ret;
	if (!patch->status.present)
		return -ENOENT;
	patch->name = strdup(name);
	if (!patch->name)
		return -ENOMEM;

	ret = lf_klp_patch_dir(dir, sizeof(dir), sysfs, name);
	if (!ret)
		ret = lf_list_dir(dir, LF_LIST_DIRS, &objects);
	for (size_t i = 0; !ret && i < objects.n; i++) {
		struct lf_strv funcs = { 0 };

		ret = lf_path(objdir, sizeof(objdir), "%s/%s", dir, objects.v[i]);
		if (!ret)
			ret = lf_list_dir(objdir, LF_LIST_DIRS, &funcs);
		for (size_t j = 0; !ret && j < funcs.n; j++)
			ret = add_func(patch, objects.v[i], funcs.v[j], &cap);
		lf_strv_free(&funcs);
	}
	lf_strv_free(&objects);
	if (ret) {
		lf_klp_patch_free(patch);
		return ret;
	}
	return 0;
}

void lf_klp_patch_free(struct lf_klp_patch *patch)
{
	for (size_t i = 0; i < patch->nfuncs; i++) {
		free(patch->funcs[i].object);
		free(patch->funcs[i].function);
	}
	free(patch->funcs);
	free(patch->name);
	memset(patch, 0, sizeof(*patch));
}

int lf_klp_set_enabled(const char *sysfs, const char *name, bool enabled)
{
	char path[PATH_MAX];
	int ret = lf_path(path, sizeof(path), "%s/kernel/livepatch/%s/enabled",
			  sysfs, name);

	if (ret)
		return ret;
	return lf_write_text(path, enabled ? "1" : "0");
}

static bool cancelled(const struct lf_klp_wait *w)
{
	return w->cancel && *w->cancel;
}

int lf_klp_wait_live(const char *sysfs, const char *name,
		     const struct lf_klp_wait *w, struct lf_klp_status *last)
{
	struct lf_deadline appear = lf_deadline_in(w->appear_ms / 1000.0);
	bool seen = false;
	int ret;

	for (;;) {
		ret = lf_klp_read_status(sysfs, name, last);
		if (ret)
			return ret;
		if (last->present) {
			seen = true;
			if (!last->enabled)
				return -ECANCELED;
			if (!last->transition)
				return 0;
		} else if (seen || lf_deadline_passed(appear)) {
			return -ENOENT;
		}
		if (cancelled(w))
			return -EINTR;
		if (lf_deadline_passed(w->deadline))
			return -ETIMEDOUT;
		lf_sleep_until_or(w->deadline, w->poll_ms);
	}
}

int lf_klp_wait_gone(const char *sysfs, const char *name,
		     const struct lf_klp_wait *w, struct lf_klp_status *last)
{
	int ret;

	for (;;) {
		ret = lf_klp_read_status(sysfs, name, last);
		if (ret)
			return ret;
		if (!last->present)
			return 0;
		if (cancelled(w))
			return -EINTR;
		if (lf_deadline_passed(w->deadline))
			return -ETIMEDOUT;
		lf_sleep_until_or(w->deadline, w->poll_ms);
	}
}
