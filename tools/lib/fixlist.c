// SPDX-License-Identifier: GPL-2.0-only
#include "fixlist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "strv.h"

static int cmp_entry(const void *a, const void *b)
{
	const struct lf_fix_entry *x = a, *y = b;

	return strcmp(x->patch.name, y->patch.name);
}

/*
 * Fixes livefix.ko still records but klp no longer shows: replaced or
 * reverted ones whose module is still loaded.
 */
static int collect_livefix_only(const char *sysfs, struct lf_fix_list *list)
{
	struct lf_strv names = { 0 };
	int ret = lf_fixinfo_list(sysfs, &names);

	for (size_t i = 0; !ret && i < names.n; i++) {
		struct lf_fix_entry *v;
		bool seen = false;

		for (size_t k = 0; k < list->n && !seen; k++)
			seen = !strcmp(list->v[k].patch.name, names.v[i]);
		if (seen)
			continue;
		v = realloc(list->v, (list->n + 1) * sizeof(*v));
		if (!v) {
			ret = -ENOMEM;
			break;
		}
		list->v = v;
		memset(&v[list->n], 0, sizeof(v[list->n]));
		ret = lf_fixinfo_read(sysfs, names.v[i], &v[list->n].info);
		if (ret == -ENOENT) {	/* gone while we looked */
			ret = 0;
			continue;
		}
		if (ret)
			break;
		v[list->n].patch.name = strdup(names.v[i]);
		if (!v[list->n].patch.name) {
			lf_fixinfo_free(&v[list->n].info);
			ret = -ENOMEM;
			break;
		}
		list->n++;
	}
	lf_strv_free(&names);
	return ret;
}

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
	if (!ret)
		ret = collect_livefix_only(sysfs, list);
	if (ret)
		lf_fix_list_free(list);
	else if (list->n)
		qsort(list->v, list->n, sizeof(*list->v), cmp_entry);
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

static char *join_funcs(const struct lf_fix_entry *e)
{
	const struct lf_klp_patch *p = &e->patch;
	size_t len = 2, off = 0;
	char label[1024], *s;

	if (!p->nfuncs && e->info.nfuncs) {
		for (size_t i = 0; i < e->info.nfuncs; i++)
			len += strlen(e->info.funcs[i].object) +
			       strlen(e->info.funcs[i].function) + 24;
		s = malloc(len);
		if (!s)
			return NULL;
		s[0] = '\0';
		for (size_t i = 0; i < e->info.nfuncs; i++) {
			const struct lf_fixinfo_func *f = &e->info.funcs[i];
			struct lf_klp_func kf = {
				.object = (char *)f->object,
				.function = (char *)f->function,
				.sympos = f->sympos,
			};

			lf_func_label(&kf, label, sizeof(label));
			off += (size_t)snprintf(s + off, len - off, "%s%s",
						i ? " " : "", label);
		}
		return s;
	}

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

/* livefix.ko's view when it has one: it knows replaced and refused. */
static const char *state_of(const struct lf_fix_entry *e)
{
	if (e->info.has_state && e->info.state[0])
		return e->info.state;
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
		funcs[i] = join_funcs(e);
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

static const char *fingerprint_of(const struct lf_fixinfo *fi,
				  const char *object, const char *function,
				  unsigned long sympos)
{
	for (size_t i = 0; i < fi->nfuncs; i++)
		if (!strcmp(fi->funcs[i].object, object) &&
		    !strcmp(fi->funcs[i].function, function) &&
		    fi->funcs[i].sympos == sympos)
			return fi->funcs[i].fingerprint;
	return NULL;
}

static void json_func(struct lf_json *j, const struct lf_fixinfo *fi,
		      const char *object, const char *function,
		      unsigned long sympos)
{
	const char *fp = fingerprint_of(fi, object, function, sympos);

	lf_json_begin_object(j);
	lf_json_key(j, "object");
	lf_json_string(j, object);
	lf_json_key(j, "function");
	lf_json_string(j, function);
	lf_json_key(j, "sympos");
	lf_json_int(j, (long long)sympos);
	lf_json_key(j, "fingerprint");
	if (fp)
		lf_json_string(j, fp);
	else
		lf_json_null(j);
	lf_json_end_object(j);
}

static void json_time(struct lf_json *j, const char *key, long long t)
{
	lf_json_key(j, key);
	if (t > 0)
		lf_json_int(j, t);
	else
		lf_json_null(j);
}

/* What livefix.ko records beyond klp; null where it has nothing. */
static void json_livefix(struct lf_json *j, const struct lf_fix_entry *e)
{
	const struct lf_fixinfo *fi = &e->info;

	lf_json_key(j, "functions");
	lf_json_begin_array(j);
	if (e->patch.nfuncs) {
		for (size_t k = 0; k < e->patch.nfuncs; k++)
			json_func(j, fi, e->patch.funcs[k].object,
				  e->patch.funcs[k].function,
				  e->patch.funcs[k].sympos);
	} else {
		for (size_t k = 0; k < fi->nfuncs; k++)
			json_func(j, fi, fi->funcs[k].object,
				  fi->funcs[k].function, fi->funcs[k].sympos);
	}
	lf_json_end_array(j);
	lf_json_key(j, "id");
	if (fi->has_id)
		lf_json_string(j, fi->id);
	else
		lf_json_null(j);
	lf_json_key(j, "version");
	if (fi->version >= 0)
		lf_json_int(j, fi->version);
	else
		lf_json_null(j);
	lf_json_key(j, "replace");
	if (fi->replace >= 0)
		lf_json_bool(j, fi->replace);
	else
		lf_json_null(j);
	lf_json_key(j, "signature_verified");
	if (fi->sig_ok >= 0)
		lf_json_bool(j, fi->sig_ok);
	else
		lf_json_null(j);
	json_time(j, "applied_at", fi->applied_at);
	json_time(j, "reverted_at", fi->reverted_at);
	lf_json_key(j, "revert_reason");
	if (fi->revert_reason[0])
		lf_json_string(j, fi->revert_reason);
	else
		lf_json_null(j);
}

static void json_entry(struct lf_json *j, const struct lf_fix_entry *e)
{
	lf_json_begin_object(j);
	lf_json_key(j, "name");
	lf_json_string(j, e->patch.name);
	lf_json_key(j, "state");
	lf_json_string(j, state_of(e));
	lf_json_key(j, "enabled");
	lf_json_bool(j, e->patch.status.enabled);
	lf_json_key(j, "transition");
	lf_json_bool(j, e->patch.status.transition);
	/* Machines get null, not the "-" placeholder humans see. */
	lf_json_key(j, "target");
	if (e->info.has_target && e->info.target[0])
		lf_json_string(j, e->info.target);
	else
		lf_json_null(j);
	lf_json_key(j, "cves");
	lf_json_begin_array(j);
	for (size_t k = 0; k < e->info.cves.n; k++)
		lf_json_string(j, e->info.cves.v[k]);
	lf_json_end_array(j);
	json_livefix(j, e);
	lf_json_end_object(j);
}

int lf_fix_list_print_json(FILE *out, const struct lf_fix_list *list)
{
	struct lf_json j;
	int ret;

	lf_json_init(&j, out);
	lf_json_begin_array(&j);
	for (size_t i = 0; i < list->n; i++) {
		json_entry(&j, &list->v[i]);
	}
	lf_json_end_array(&j);
	ret = lf_json_finish(&j);
	fputc('\n', out);
	if (!ret && ferror(out))
		ret = -EIO;
	return ret;
}

int lf_fix_info_print_json(FILE *out, const struct lf_fix_entry *e)
{
	struct lf_json j;
	int ret;

	lf_json_init(&j, out);
	json_entry(&j, e);
	ret = lf_json_finish(&j);
	fputc('\n', out);
	if (!ret && ferror(out))
		ret = -EIO;
	return ret;
}

/* Whether the kernel verified the module's signature (mod->sig_ok). */
static const char *signature_of(const struct lf_fixinfo *fi)
{
	if (fi->sig_ok < 0)
		return "-";
	return fi->sig_ok ? "verified by a trusted key"
			  : "not verified (unsigned or untrusted key)";
}

static void print_time(FILE *out, const char *label, long long t)
{
	char buf[64];
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&tt, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, sizeof(buf), "-");
	fprintf(out, "%-10s %s\n", label, buf);
}

int lf_fix_info_print(FILE *out, const struct lf_fix_entry *e)
{
	const struct lf_fixinfo *fi = &e->info;
	char *cves = join_cves(fi), label[1024];

	if (!cves)
		return -ENOMEM;
	fprintf(out, "%-10s %s\n", "name:", e->patch.name);
	fprintf(out, "%-10s %s\n", "id:", fi->has_id ? fi->id : "-");
	if (fi->version >= 0)
		fprintf(out, "%-10s %ld%s\n", "version:", fi->version,
			fi->replace > 0 ? " (cumulative: replaces earlier fixes)" : "");
	else
		fprintf(out, "%-10s -\n", "version:");
	fprintf(out, "%-10s %s\n", "state:", state_of(e));
	fprintf(out, "%-10s %s\n", "target:", target_of(e));
	fprintf(out, "%-10s %s\n", "cves:", cves);
	fprintf(out, "%-10s %s\n", "signature:", signature_of(fi));
	print_time(out, "applied:", fi->applied_at);
	print_time(out, "reverted:", fi->reverted_at);
	fprintf(out, "%-10s %s\n", "reason:",
		fi->revert_reason[0] ? fi->revert_reason : "-");
	fprintf(out, "functions:\n");
	if (e->patch.nfuncs) {
		for (size_t k = 0; k < e->patch.nfuncs; k++) {
			const struct lf_klp_func *f = &e->patch.funcs[k];
			const char *fp = fingerprint_of(fi, f->object, f->function,
							f->sympos);

			lf_func_label(f, label, sizeof(label));
			fprintf(out, "  %-40s fingerprint %s\n", label,
				fp ? fp : "-");
		}
	} else {
		for (size_t k = 0; k < fi->nfuncs; k++) {
			const struct lf_fixinfo_func *f = &fi->funcs[k];
			struct lf_klp_func kf = {
				.object = (char *)f->object,
				.function = (char *)f->function,
				.sympos = f->sympos,
			};

			lf_func_label(&kf, label, sizeof(label));
			fprintf(out, "  %-40s fingerprint %s\n", label,
				f->fingerprint);
		}
	}
	free(cves);
	return ferror(out) ? -EIO : 0;
}
