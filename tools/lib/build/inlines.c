// SPDX-License-Identifier: GPL-2.0-only
#include "inlines.h"

#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct walk {
	const char *header;
	const struct lf_strv *names;	/* sorted */
	const char *unit;
	struct lf_inline_sites *out;
	int err;
};

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

static bool wanted(const struct walk *w, const char *name)
{
	if (name && !w->names)
		return true;
	return name && lf_strv_has(w->names, name);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !strcmp(s + ls - lx, suffix) &&
	       (ls == lx || s[ls - lx - 1] == '/');
}

/* @file is the header searched for; with no header given, any header. */
static bool in_header(const struct walk *w, const char *file)
{
	size_t l;

	if (!file)
		return false;
	if (w->header)
		return ends_with(file, w->header);
	l = strlen(file);
	return l > 2 && !strcmp(file + l - 2, ".h");
}

static int add_site(struct walk *w, const char *caller, const char *callee,
		    int line, const char *file)
{
	struct lf_inline_site *v, *s;
	size_t i;

	for (i = 0; i < w->out->n; i++) {
		s = &w->out->v[i];
		if (!strcmp(s->unit, w->unit) && !strcmp(s->caller, caller) &&
		    !strcmp(s->callee, callee))
			return 0;	/* several call sites, one copy to replace */
	}
	v = realloc(w->out->v, (w->out->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	w->out->v = v;
	s = &v[w->out->n];
	s->unit = strdup(w->unit);
	s->caller = strdup(caller);
	s->callee = strdup(callee);
	s->line = line;
	s->file = w->header ? NULL : strdup(file);
	if (!s->unit || !s->caller || !s->callee || (!w->header && !s->file)) {
		free(s->unit);
		free(s->caller);
		free(s->callee);
		free(s->file);
		return -ENOMEM;
	}
	w->out->n++;
	return 0;
}

/* The header function an instance or a concrete copy stands for. */
static const char *origin(Dwarf_Die *die, Dwarf_Die *orig, const char **file,
			  int *line)
{
	Dwarf_Attribute attr;
	Dwarf_Die *d = die;

	if (dwarf_attr(die, DW_AT_abstract_origin, &attr) &&
	    dwarf_formref_die(&attr, orig))
		d = orig;
	*file = dwarf_decl_file(d);
	if (dwarf_decl_line(d, line))
		*line = 0;
	return dwarf_diename(d);
}

static bool is_concrete(Dwarf_Die *die)
{
	Dwarf_Addr lo;

	return dwarf_lowpc(die, &lo) == 0 ||
	       dwarf_hasattr(die, DW_AT_ranges);
}

/* Walk @die's children; @caller is the innermost concrete function. */
static void walk_children(struct walk *w, Dwarf_Die *die, const char *caller)
{
	Dwarf_Die child;

	if (w->err || dwarf_child(die, &child) != 0)
		return;
	do {
		int tag = dwarf_tag(&child);
		const char *name, *file, *next = caller;
		Dwarf_Die orig;
		int line;

		if (tag == DW_TAG_subprogram && is_concrete(&child)) {
			name = origin(&child, &orig, &file, &line);
			next = name;
			if (wanted(w, name) && in_header(w, file))
				w->err = add_site(w, name, name, line, file);
		} else if (tag == DW_TAG_inlined_subroutine && caller) {
			name = origin(&child, &orig, &file, &line);
			if (wanted(w, name) && in_header(w, file))
				w->err = add_site(w, caller, name, line, file);
		} else if (tag != DW_TAG_lexical_block &&
			   tag != DW_TAG_inlined_subroutine) {
			continue;	/* types, variables: no code inside */
		}
		walk_children(w, &child, next);
	} while (!w->err && dwarf_siblingof(&child, &child) == 0);
}

int lf_inlines_find(const char *debug_file, const char *header,
		    const struct lf_strv *names, struct lf_inline_sites *out,
		    struct lf_err *err)
{
	struct lf_strv sorted = { 0 };
	struct walk w = { .header = header, .names = names ? &sorted : NULL,
			  .out = out };
	Dwfl_Module *mod;
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias;
	size_t i, ncu = 0;
	Dwfl *dwfl;

	memset(out, 0, sizeof(*out));
	for (i = 0; names && i < names->n; i++)
		if (lf_strv_push(&sorted, names->v[i]))
			return lf_err_set(err, -ENOMEM, "out of memory");
	lf_strv_sort(&sorted);

	/*
	 * Through libdwfl, which applies an ET_REL file's relocations to its
	 * DWARF: module debug files are relocatable objects, and without
	 * that every name in them would read as the first string.
	 */
	dwfl = dwfl_begin(&offline_callbacks);
	if (!dwfl) {
		lf_strv_free(&sorted);
		return lf_err_set(err, -ENOMEM, "out of memory");
	}
	mod = dwfl_report_offline(dwfl, debug_file, debug_file, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	if (!mod) {
		dwfl_end(dwfl);
		lf_strv_free(&sorted);
		return lf_err_set(err, -EINVAL, "%s: %s", debug_file,
				  dwfl_errmsg(-1));
	}
	while (!w.err && (cu = dwfl_module_nextcu(mod, cu, &bias))) {
		w.unit = dwarf_diename(cu);
		if (w.unit)
			walk_children(&w, cu, NULL);
		ncu++;
	}
	dwfl_end(dwfl);
	if (!w.err && !ncu) {
		lf_strv_free(&sorted);
		return lf_err_set(err, -EINVAL, "%s: no DWARF", debug_file);
	}
	lf_strv_free(&sorted);
	if (w.err) {
		lf_inlines_free(out);
		return lf_err_set(err, w.err, "out of memory");
	}
	return 0;
}

int lf_inlines_cu(struct Dwarf_Die_s *cu, const char *unit,
		  struct lf_inline_sites *out)
{
	struct walk w = { .unit = unit, .out = out };

	walk_children(&w, (Dwarf_Die *)cu, NULL);
	return w.err;
}

int lf_inlines_units(const struct lf_inline_sites *sites, struct lf_strv *units)
{
	size_t i, j;

	for (i = 0; i < sites->n; i++) {
		for (j = 0; j < units->n; j++)
			if (!strcmp(units->v[j], sites->v[i].unit))
				break;
		if (j == units->n && lf_strv_push(units, sites->v[i].unit))
			return -ENOMEM;
	}
	lf_strv_sort(units);
	return 0;
}

void lf_inlines_free(struct lf_inline_sites *sites)
{
	size_t i;

	for (i = 0; i < sites->n; i++) {
		free(sites->v[i].unit);
		free(sites->v[i].caller);
		free(sites->v[i].file);
		free(sites->v[i].callee);
	}
	free(sites->v);
	sites->v = NULL;
	sites->n = 0;
}
