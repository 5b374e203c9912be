// SPDX-License-Identifier: GPL-2.0-only
#include "moddbg.h"

#include <elfutils/libdwfl.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "inlines.h"
#include "patchset.h"

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !strcmp(s + ls - lx, suffix);
}

/* "./usr/lib/debug/lib/modules/<ABI>/kernel/x.ko" -> "kernel/x.ko". */
const char *lf_moddbg_module_path(const char *name)
{
	const char *p = strstr(name, "/lib/modules/");

	if (!p)
		return name;
	p += strlen("/lib/modules/");
	p = strchr(p, '/');
	return p ? p + 1 : name;
}

static bool seen(const struct lf_strv *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->v[i], s))
			return true;
	return false;
}

static size_t header_index(const struct lf_strv *headers, const char *file)
{
	for (size_t i = 0; i < headers->n; i++)
		if (!strcmp(headers->v[i], file))
			return i;
	return headers->n;
}

/*
 * "<module>\t<unit>\t<h0> <h1> ...\t<hi>:<line>:<func> ...": the copies
 * refer to their header by its position in the list, each (header,
 * function) once.
 */
static int write_unit(FILE *out, const char *module, const char *unit,
		      const struct lf_strv *headers,
		      const struct lf_inline_sites *sites, struct lf_err *err)
{
	fprintf(out, "%s\t%s\t", module, unit);
	for (size_t i = 0; i < headers->n; i++)
		fprintf(out, "%s%s", i ? " " : "", headers->v[i]);
	fputc('\t', out);
	for (size_t i = 0, first = 1; i < sites->n; i++) {
		const struct lf_inline_site *s = &sites->v[i];
		size_t h = header_index(headers, s->file);
		bool dup = false;

		if (h == headers->n)
			continue;	/* a header the file table does not name */
		for (size_t k = 0; k < i && !dup; k++)
			dup = !strcmp(sites->v[k].callee, s->callee) &&
			      !strcmp(sites->v[k].file, s->file);
		if (dup)
			continue;
		fprintf(out, "%s%zu:%d:%s", first ? "" : " ", h, s->line, s->callee);
		first = 0;
	}
	fputc('\n', out);
	return ferror(out) ? lf_err_set(err, -EIO, "cannot write the index") : 0;
}

int lf_moddbg_scan(int fd, const char *name, FILE *out, struct lf_err *err)
{
	const char *module = lf_moddbg_module_path(name);
	Dwfl *dwfl = dwfl_begin(&offline_callbacks);
	Dwfl_Module *mod;
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias;
	int ret = 0;

	if (!dwfl)
		return lf_err_set(err, -ENOMEM, "out of memory");
	/* dwfl takes the descriptor over and closes it. */
	mod = dwfl_report_offline(dwfl, module, module, fd);
	dwfl_report_end(dwfl, NULL, NULL);
	if (!mod) {
		dwfl_end(dwfl);
		return lf_err_set(err, -EINVAL, "%s: %s", name, dwfl_errmsg(-1));
	}
	while (!ret && (cu = dwfl_module_nextcu(mod, cu, &bias))) {
		const char *unit = dwarf_diename(cu);
		struct lf_inline_sites sites = { 0 };
		struct lf_strv headers = { 0 };
		Dwarf_Files *files;
		size_t nfiles;

		if (!unit || !ends_with(unit, ".c") || ends_with(unit, ".mod.c") ||
		    dwarf_getsrcfiles(cu, &files, &nfiles))
			continue;
		for (size_t i = 0; i < nfiles && !ret; i++) {
			const char *f = dwarf_filesrc(files, i, NULL, NULL);

			if (f && ends_with(f, ".h") && !strpbrk(f, " \t\n:") &&
			    !seen(&headers, f) && lf_strv_push(&headers, f))
				ret = lf_err_set(err, -ENOMEM, "out of memory");
		}
		if (!ret && lf_inlines_cu((struct Dwarf_Die_s *)cu, unit, &sites))
			ret = lf_err_set(err, -ENOMEM, "out of memory");
		if (!ret && headers.n)
			ret = write_unit(out, module, unit, &headers, &sites, err);
		lf_inlines_free(&sites);
		lf_strv_free(&headers);
	}
	dwfl_end(dwfl);
	if (!ret && ferror(out))
		ret = lf_err_set(err, -EIO, "%s: cannot write the index", name);
	return ret;
}

/*
 * The position of the path in @list (space-separated) that ends in
 * @header at a '/', or -1; -2 for the "*" of an unreadable module.
 */
static long find_header(const char *list, size_t len, const char *header)
{
	const char *p = list, *end = list + len;
	size_t hl;
	long i = 0;

	if (!header)
		return -3;
	hl = strlen(header);
	if (len == 1 && *list == '*')
		return -2;
	for (; p < end; i++) {
		const char *w = p;
		size_t wl;

		while (p < end && *p != ' ')
			p++;
		wl = (size_t)(p - w);
		if (wl >= hl && !memcmp(w + wl - hl, header, hl) &&
		    (wl == hl || w[wl - hl - 1] == '/'))
			return i;
		p++;
	}
	return -1;
}

static int add_user(struct lf_moddbg_users *out, const char *m, size_t ml,
		    const char *u, size_t ul)
{
	struct lf_moddbg_user *v = realloc(out->v, (out->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	out->v = v;
	v[out->n].module = strndup(m, ml);
	v[out->n].unit = strndup(u, ul);
	if (!v[out->n].module || !v[out->n].unit) {
		free(v[out->n].module);
		free(v[out->n].unit);
		return -ENOMEM;
	}
	out->n++;
	return 0;
}

static int add_copy(struct lf_moddbg_users *out, const char *func, size_t fl,
		    int line)
{
	const struct lf_moddbg_user *u = &out->v[out->n - 1];
	struct lf_inline_site *v = realloc(out->sites.v,
					   (out->sites.n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	out->sites.v = v;
	v += out->sites.n;
	memset(v, 0, sizeof(*v));
	v->unit = strdup(u->unit);
	v->caller = strdup(u->module);
	v->callee = strndup(func, fl);
	v->line = line;
	if (!v->unit || !v->caller || !v->callee) {
		free(v->unit);
		free(v->caller);
		free(v->callee);
		return -ENOMEM;
	}
	out->sites.n++;
	return 0;
}

/* The copies in field @f (len @fl) of functions of header number @h. */
static int add_copies(struct lf_moddbg_users *out, const char *f, size_t fl,
		      long h)
{
	const char *p = f, *end = f + fl;

	while (p < end) {
		const char *w = p, *c1, *c2;
		char *stop;
		long hi, line;

		while (p < end && *p != ' ')
			p++;
		hi = strtol(w, &stop, 10);
		c1 = stop;
		if (c1 < p && *c1 == ':' && hi == h) {
			line = strtol(c1 + 1, &stop, 10);
			c2 = stop;
			if (c2 < p && *c2 == ':' && c2 + 1 < p &&
			    add_copy(out, c2 + 1, (size_t)(p - c2 - 1), (int)line))
				return -ENOMEM;
		}
		p++;
	}
	return 0;
}

int lf_moddbg_users(const char *index, const char *header,
		    struct lf_moddbg_users *out, struct lf_err *err)
{
	char *text, *line, *next;
	size_t len;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = lf_slurp(index, &text, &len, 1u << 30);
	if (ret)
		return lf_err_set(err, ret, "%s: %s", index, strerror(-ret));
	for (line = text; !ret && line < text + len; line = next) {
		char *nl = memchr(line, '\n', (size_t)(text + len - line));
		size_t ll = nl ? (size_t)(nl - line) : (size_t)(text + len - line);
		char *end = line + ll, *t1, *t2, *t3;
		long h;

		next = end + 1;
		t1 = memchr(line, '\t', ll);
		t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(end - t1 - 1)) : NULL;
		if (!t2)
			continue;
		t3 = memchr(t2 + 1, '\t', (size_t)(end - t2 - 1));
		h = find_header(t2 + 1, (size_t)((t3 ? t3 : end) - t2 - 1), header);
		if (h == -1)
			continue;
		if (add_user(out, line, (size_t)(t1 - line), t1 + 1,
			     (size_t)(t2 - t1 - 1)) ||
		    (t3 && h >= 0 && add_copies(out, t3 + 1, (size_t)(end - t3 - 1), h)))
			ret = lf_err_set(err, -ENOMEM, "out of memory");
	}
	free(text);
	if (ret)
		lf_moddbg_users_free(out);
	return ret;
}

int lf_moddbg_modules(const struct lf_moddbg_users *users, struct lf_strv *out)
{
	for (size_t i = 0; i < users->n; i++)
		if (!seen(out, users->v[i].module) &&
		    lf_strv_push(out, users->v[i].module))
			return -ENOMEM;
	lf_strv_sort(out);
	return 0;
}

void lf_moddbg_users_free(struct lf_moddbg_users *users)
{
	for (size_t i = 0; i < users->n; i++) {
		free(users->v[i].module);
		free(users->v[i].unit);
	}
	free(users->v);
	users->v = NULL;
	users->n = 0;
	lf_inlines_free(&users->sites);
}
