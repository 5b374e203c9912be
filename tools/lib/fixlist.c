// SPDX-License-Identifier: GPL-2.0-only
#include "fixlist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "strv.h"

int lf_fix_list_collect(const char *sysfs, struct lf_fix_list *list)
{
	struct lf_strv names = { 0 };
	int ret;

	memset(list, 0, sizeof(*list));
	ret = lf_klp_list(sysfs, &names);
	if (ret)
		return ret;
	if (names.n) {
		list->v = calloc(names.n, sizeof(*list->v));
		if (!list->v) {
			lf_strv_free(&names);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < names.n; i++) {
		struct lf_fix_entry *e = &list->v[list->n];

		ret = lf_klp_read_patch(sysfs, names.v[i], &e->patch);
		if (ret == -ENOENT) {
			ret = 0;
			continue;
		}
		if (!ret)
			ret = lf_fixinfo_read(sysfs, names.v[i], &e->info);
		if (ret) {
			lf_klp_patch_free(&e->patch);
			break;
		}
		list->n++;
	}
	lf_strv_free(&names);
	if (ret)
		lf_fix_list_free(list);
	return ret;
}

void lf_fix_list_free(struct lf_fix_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		lf_klp_patch_free(&list->v[i].patch);
		lf_fixinfo_free(&list->v[i].info);
	}
	free(list->v);
	memset(list, 0, sizeof(*list));
}

void lf_func_label(const struct lf_klp_func *f, char *buf, size_t size)
{
	if (f->sympos == 1)
		snprintf(buf, size, "%s:%s", f->object, f->function);
	else
		snprintf(buf, size, "%s:%s,%lu", f->object, f->function,
			 f->sympos);
}

/* Join a row's items; "-" when there are none so columns stay aligned. */
static char *join_cves(const struct lf_fixinfo *fi)
{
	size_t len = 2;
	char *s;

	for (size_t i = 0; i < fi->cves.n; i++)
		len += strlen(fi->cves.v[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	strcpy(s, fi->cves.n ? "" : "-");
	for (size_t i = 0; i < fi->cves.n; i++) {
		if (i)
			strcat(s, ",");
		strcat(s, fi->cves.v[i]);
	}
	return s;
}

static char *join_funcs(const struct lf_klp_patch *p)
{
	size_t len = 2, off = 0;
	char label[1024], *s;

	for (size_t i = 0; i < p->nfuncs; i++)
		len += strlen(p->funcs[i].object) + strlen(p->funcs[i].function) + 24;
	s = malloc(len);
	if (!s)
		return NULL;
	strcpy(s, p->nfuncs ? "" : "-");
	for (size_t i = 0; i < p->nfuncs; i++) {
		lf_func_label(&p->funcs[i], label, sizeof(label));
		off += (size_t)snprintf(s + off, len - off, "%s%s", i ? " " : "",
					label);
	}
	return s;
}

static const char *target_of(const struct lf_fix_entry *e)
{
	return e->info.has_target && e->info.target[0] ? e->info.target : "-";
}

static const char *state_of(const struct lf_fix_entry *e)
{
	return lf_klp_state_name(lf_klp_state_of(&e->patch.status));
}

static size_t max_sz(size_t a, size_t b)
{
	return a > b ? a : b;
}

int lf_fix_list_print_table(FILE *out, const struct lf_fix_list *list)
{
	size_t wname = 4, wstate = 5, wtarget = 6, wcves = 4;
	char **cves, **funcs;
	int ret = 0;

	if (!list->n) {
		fputs("no fixes loaded\n", out);
		return ferror(out) ? -EIO : 0;
	}
	cves = calloc(list->n, sizeof(*cves));
	funcs = calloc(list->n, sizeof(*funcs));
	if (!cves || !funcs) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < list->n; i++) {
		const struct lf_fix_entry *e = &list->v[i];

		cves[i] = join_cves(&e->info);
		funcs[i] = join_funcs(&e->patch);
		if (!cves[i] || !funcs[i]) {
			ret = -ENOMEM;
			goto out;
		}
		wname = max_sz(wname, strlen(e->patch.name));
		wstate = max_sz(wstate, strlen(state_of(e)));
		wtarget = max_sz(wtarget, strlen(target_of(e)));
		wcves = max_sz(wcves, strlen(cves[i]));
	}
	fprintf(out, "%-*s  %-*s  %-*s  %-*s  %s\n", (int)wname, "NAME",
		(int)wstate, "STATE", (int)wtarget, "TARGET", (int)wcves, "CVES",
		"FUNCTIONS");
	for (size_t i = 0; i < list->n; i++) {
		const struct lf_fix_entry *e = &list->v[i];

		fprintf(out, "%-*s  %-*s  %-*s  %-*s  %s\n", (int)wname,
			e->patch.name, (int)wstate, state_of(e), (int)wtarget,
			target_of(e), (int)wcves, cves[i], funcs[i]);
	}
	if (ferror(out))
		ret = -EIO;
out:
	for (size_t i = 0; i < list->n; i++) {
		if (cves)
			free(cves[i]);
		if (funcs)
			free(funcs[i]);
	}
	free(cves);
	free(funcs);
	return ret;
}

int lf_fix_list_print_json(FILE *out, const struct lf_fix_list *list)
{
	struct lf_json j;
	int ret;

	lf_json_init(&j, out);
	lf_json_begin_array(&j);
	for (size_t i = 0; i < list->n; i++) {
		const struct lf_fix_entry *e = &list->v[i];

		lf_json_begin_object(&j);
		lf_json_key(&j, "name");
		lf_json_string(&j, e->patch.name);
		lf_json_key(&j, "state");
		lf_json_string(&j, state_of(e));
		lf_json_key(&j, "enabled");
		lf_json_bool(&j, e->patch.status.enabled);
		lf_json_key(&j, "transition");
		lf_json_bool(&j, e->patch.status.transition);
		/* Machines get null, not the "-" placeholder humans see. */
		lf_json_key(&j, "target");
		if (e->info.has_target && e->info.target[0])
			lf_json_string(&j, e->info.target);
		else
			lf_json_null(&j);
		lf_json_key(&j, "cves");
		lf_json_begin_array(&j);
		for (size_t k = 0; k < e->info.cves.n; k++)
			lf_json_string(&j, e->info.cves.v[k]);
		lf_json_end_array(&j);
		lf_json_key(&j, "functions");
		lf_json_begin_array(&j);
		for (size_t k = 0; k < e->patch.nfuncs; k++) {
			const struct lf_klp_func *f = &e->patch.funcs[k];

			lf_json_begin_object(&j);
			lf_json_key(&j, "object");
			lf_json_string(&j, f->object);
			lf_json_key(&j, "function");
			lf_json_string(&j, f->function);
			lf_json_key(&j, "sympos");
			lf_json_int(&j, (long long)f->sympos);
			lf_json_end_object(&j);
		}
		lf_json_end_array(&j);
		lf_json_end_object(&j);
	}
	lf_json_end_array(&j);
	ret = lf_json_finish(&j);
	fputc('\n', out);
	if (!ret && ferror(out))
		ret = -EIO;
	return ret;
}
