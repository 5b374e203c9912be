// SPDX-License-Identifier: GPL-2.0-only
#include "layout.h"

#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A type's layout as text: size, then each member's name, offset, bit
 * field and type. Named member types are referred to by name (they are
 * compared on their own), anonymous ones are spelled out, so a change
 * inside an anonymous union shows up in the struct that holds it.
 */
struct buf {
	char *s;
	size_t len, cap;
	int err;
};

struct layout {
	char *name;	/* "struct foo", "enum bar", "typedef baz_t" */
	char *text;
};

struct layouts {
	struct layout *v;
	size_t n;
};

static void put(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL,
			      b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->err = -EINVAL;
			return;
		}
		if (b->s && b->len + (size_t)n < b->cap)
			break;
		size_t cap = (b->cap + (size_t)n + 64) * 2;
		char *s = realloc(b->s, cap);

		if (!s) {
			b->err = -ENOMEM;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	b->len += (size_t)n;
}

static Dwarf_Word attr_udata(Dwarf_Die *die, int name, Dwarf_Word dflt)
{
	Dwarf_Attribute a;
	Dwarf_Word w;

	if (!dwarf_attr(die, name, &a) || dwarf_formudata(&a, &w))
		return dflt;
	return w;
}

static void describe_type(struct buf *b, Dwarf_Die *type, int depth);

static void describe_members(struct buf *b, Dwarf_Die *die, int depth)
{
	Dwarf_Die child;

	if (dwarf_child(die, &child))
		return;
	do {
		int tag = dwarf_tag(&child);
		Dwarf_Attribute a;
		Dwarf_Die type;

		if (tag == DW_TAG_enumerator) {
			Dwarf_Sword v = 0;

			if (dwarf_attr(&child, DW_AT_const_value, &a))
				dwarf_formsdata(&a, &v);
			put(b, " %s=%lld", dwarf_diename(&child) ?: "?",
			    (long long)v);
			continue;
		}
		if (tag != DW_TAG_member)
			continue;
		put(b, " %s@%llu", dwarf_diename(&child) ?: "",
		    (unsigned long long)attr_udata(&child, DW_AT_data_member_location, 0));
		if (dwarf_hasattr(&child, DW_AT_bit_size))
			put(b, ":%llu+%llu",
			    (unsigned long long)attr_udata(&child, DW_AT_data_bit_offset, 0),
			    (unsigned long long)attr_udata(&child, DW_AT_bit_size, 0));
		put(b, ":");
		if (dwarf_attr(&child, DW_AT_type, &a) && dwarf_formref_die(&a, &type))
			describe_type(b, &type, depth + 1);
	} while (dwarf_siblingof(&child, &child) == 0);
}

static void describe_type(struct buf *b, Dwarf_Die *type, int depth)
{
	int tag = dwarf_tag(type);
	const char *name = dwarf_diename(type);
	Dwarf_Attribute a;
	Dwarf_Die next;

	if (depth > 16) {
		put(b, "...");
		return;
	}
	switch (tag) {
	case DW_TAG_pointer_type:
		put(b, "*");
		return;	/* what it points to is not this type's layout */
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_atomic_type:
		put(b, "q");
		break;
	case DW_TAG_array_type: {
		Dwarf_Die sub;

		put(b, "[");
		if (dwarf_child(type, &sub) == 0)
			do {
				put(b, "%llu,", (unsigned long long)
				    attr_udata(&sub, DW_AT_upper_bound, ~0ULL));
			} while (dwarf_siblingof(&sub, &sub) == 0);
		put(b, "]");
		break;
	}
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type:
		if (name) {
			put(b, "%s", name);
			return;
		}
		put(b, "{%llu", (unsigned long long)attr_udata(type, DW_AT_byte_size, 0));
		describe_members(b, type, depth);
		put(b, "}");
		return;
	default:
		put(b, "%s/%llu", name ?: "?",
		    (unsigned long long)attr_udata(type, DW_AT_byte_size, 0));
		if (tag != DW_TAG_typedef)
			return;
		break;
	}
	if (dwarf_attr(type, DW_AT_type, &a) && dwarf_formref_die(&a, &next))
		describe_type(b, &next, depth + 1);
}

static int add_layout(struct layouts *l, const char *kind, const char *name,
		      struct buf *b)
{
	struct layout *v;
	char *full;

	for (size_t i = 0; i < l->n; i++)
		if (!strncmp(l->v[i].name, kind, strlen(kind)) &&
		    !strcmp(l->v[i].name + strlen(kind) + 1, name)) {
			free(b->s);	/* the same header seen twice */
			return 0;
		}
	if (asprintf(&full, "%s %s", kind, name) < 0)
		return -ENOMEM;
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v) {
		free(full);
		return -ENOMEM;
	}
	l->v = v;
	v[l->n].name = full;
	v[l->n].text = b->s;
	l->n++;
	return 0;
}

static int collect_cu(Dwarf_Die *cu, struct layouts *l)
{
	Dwarf_Die die;
	int ret = 0;

	if (dwarf_child(cu, &die))
		return 0;
	do {
		int tag = dwarf_tag(&die);
		const char *name = dwarf_diename(&die);
		const char *kind = NULL;
		struct buf b = { 0 };
		Dwarf_Attribute a;
		Dwarf_Die target;

		if (!name || dwarf_hasattr(&die, DW_AT_declaration))
			continue;
		if (tag == DW_TAG_structure_type)
			kind = "struct";
		else if (tag == DW_TAG_union_type)
			kind = "union";
		else if (tag == DW_TAG_enumeration_type)
			kind = "enum";
		if (kind) {
			put(&b, "%llu", (unsigned long long)attr_udata(&die, DW_AT_byte_size, 0));
			describe_members(&b, &die, 0);
		} else if (tag == DW_TAG_typedef &&
			   dwarf_attr(&die, DW_AT_type, &a) &&
			   dwarf_formref_die(&a, &target) &&
			   !dwarf_diename(&target)) {
			kind = "typedef";
			describe_type(&b, &target, 0);
		} else {
			continue;
		}
		if (b.err) {
			free(b.s);
			return b.err;
		}
		ret = add_layout(l, kind, name, &b);
	} while (!ret && dwarf_siblingof(&die, &die) == 0);
	return ret;
}

static void free_layouts(struct layouts *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].text);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

/* An ET_REL object's DWARF needs its relocations applied: libdwfl does. */
static int collect(const char *path, struct layouts *l, struct lf_err *err)
{
	Dwfl *dwfl = dwfl_begin(&offline_callbacks);
	Dwfl_Module *mod;
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias;
	int ret = 0, ncu = 0;

	if (!dwfl)
		return lf_err_set(err, -ENOMEM, "out of memory");
	mod = dwfl_report_offline(dwfl, path, path, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	if (!mod) {
		dwfl_end(dwfl);
		return lf_err_set(err, -EINVAL, "%s: %s", path, dwfl_errmsg(-1));
	}
	while (!ret && (cu = dwfl_module_nextcu(mod, cu, &bias))) {
		ncu++;
		ret = collect_cu(cu, l);
	}
	dwfl_end(dwfl);
	if (ret)
		return lf_err_set(err, ret, "%s: out of memory", path);
	if (!ncu)
		return lf_err_set(err, -ENODATA,
				  "%s: no DWARF; the layout check needs the unit built with debug info",
				  path);
	return 0;
}

/* Each of @old's space-separated words is also in @new. */
static bool words_kept(const char *old, const char *new)
{
	for (const char *w = old; *w; ) {
		size_t n = strcspn(w, " ");
		const char *p = new;
		bool found = false;

		while (!found && (p = strstr(p, w)) != NULL) {
			found = (p == new || p[-1] == ' ') && (p[n] == ' ' || !p[n]);
			p++;
		}
		if (!found)
			return false;
		w += n;
		while (*w == ' ')
			w++;
	}
	return true;
}

/* Where two layouts part: the first differing member, for the message. */
static void first_difference(const char *x, const char *y, char *out, size_t size)
{
	const char *sx, *sy;
	size_t i = 0;

	while (x[i] && x[i] == y[i])
		i++;
	sx = x + i;
	sy = y + i;
	while (sx > x && sx[-1] != ' ')
		sx--, sy--;
	if (sx == x) {
		snprintf(out, size, "size %.*s -> %.*s", (int)strcspn(x, " "), x,
			 (int)strcspn(y, " "), y);
		return;
	}
	snprintf(out, size, "'%.*s' becomes '%.*s'", (int)strcspn(sx, " "), sx,
		 (int)strcspn(sy, " "), sy);
}

int lf_layout_compare(const char *unit, const char *before, const char *after,
		      struct lf_err *err)
{
	struct layouts old = { 0 }, new = { 0 };
	int ret;

	ret = collect(before, &old, err);
	if (!ret)
		ret = collect(after, &new, err);
	for (size_t i = 0; !ret && i < old.n; i++)
		for (size_t j = 0; j < new.n; j++) {
			char how[160];

			if (strcmp(old.v[i].name, new.v[j].name))
				continue;
			if (!strcmp(old.v[i].text, new.v[j].text))
				break;
			/* An enum may grow, as long as no old value moves. */
			if (!strncmp(old.v[i].name, "enum ", 5) &&
			    words_kept(old.v[i].text, new.v[j].text))
				break;
			first_difference(old.v[i].text, new.v[j].text, how, sizeof(how));
			ret = lf_err_set(err, -EINVAL, "%s: layout of %s changes: %s",
					 unit, old.v[i].name, how);
			break;
		}
	free_layouts(&old);
	free_layouts(&new);
	return ret;
}
