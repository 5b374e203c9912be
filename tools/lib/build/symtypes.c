// SPDX-License-Identifier: GPL-2.0-only
#include "symtypes.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	const char *key;	/* NUL-terminated inside the copy */
	const char *def;	/* the rest of the line */
};

struct table {
	char *copy;
	struct entry *v;
	size_t n;
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

static int parse(const char *text, struct table *t)
{
	size_t cap = 0;
	char *line, *save = NULL;

	memset(t, 0, sizeof(*t));
	t->copy = strdup(text);
	if (!t->copy)
		return -ENOMEM;
	for (line = strtok_r(t->copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' '), *end = line + strlen(line);

		if (!sp || sp == line)
			continue;
		*sp = '\0';
		/* genksyms ends every line with a blank. */
		while (end > sp + 1 && (end[-1] == ' ' || end[-1] == '\r'))
			*--end = '\0';
		if (t->n == cap) {
			struct entry *v;

			cap = cap ? cap * 2 : 256;
			v = realloc(t->v, cap * sizeof(*v));
			if (!v)
				return -ENOMEM;
			t->v = v;
		}
		t->v[t->n].key = line;
		t->v[t->n++].def = sp + 1;
	}
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), cmp_entry);
	return 0;
}

static void table_free(struct table *t)
{
	free(t->copy);
	free(t->v);
}

static const char *lookup(const struct table *t, const char *key)
{
	struct entry k = { .key = key }, *e;

	e = t->n ? bsearch(&k, t->v, t->n, sizeof(*t->v), cmp_entry) : NULL;
	return e ? e->def : NULL;
}

/* "struct foo { UNKNOWN }": the unit knew the type only by name. */
static bool opaque(const char *def)
{
	size_t n = strlen(def);

	return n >= 11 && !strcmp(def + n - 11, "{ UNKNOWN }");
}

/* A token that names a type: one letter, '#', a name. */
static bool is_ref(const char *tok, size_t len)
{
	return len > 2 && tok[1] == '#' &&
	       ((tok[0] >= 'a' && tok[0] <= 'z') || (tok[0] >= 'A' && tok[0] <= 'Z'));
}

struct walk {
	char **keys;		/* queued keys, each once */
	size_t n, cap, next;
};

static int enqueue(struct walk *w, const char *tok, size_t len)
{
	for (size_t i = 0; i < w->n; i++)
		if (strlen(w->keys[i]) == len && !memcmp(w->keys[i], tok, len))
			return 0;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		char **v = realloc(w->keys, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		w->keys = v;
		w->cap = cap;
	}
	w->keys[w->n] = strndup(tok, len);
	return w->keys[w->n] ? (w->n++, 0) : -ENOMEM;
}

static int enqueue_refs(struct walk *w, const char *def)
{
	const char *p = def;

	while (*p) {
		size_t len = strcspn(p, " ");

		if (is_ref(p, len) && enqueue(w, p, len))
			return -ENOMEM;
		p += len;
		p += strspn(p, " ");
	}
	return 0;
}

static void describe(const char *key, char *why, size_t whysize)
{
	static const struct { char c; const char *kind; } kinds[] = {
		{ 's', "struct" }, { 'u', "union" }, { 'e', "enum" },
		{ 't', "typedef" }, { 'E', "enum constant" },
	};
	const char *kind = "type";

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (key[0] == kinds[i].c)
			kind = kinds[i].kind;
	snprintf(why, whysize, "%s %s", kind, key + 2);
}

int lf_symtypes_compare(const char *before, const char *after,
			const char *symbol, char *why, size_t whysize)
{
	struct table b, a;
	struct walk w = { 0 };
	const char *db, *da;
	int ret;

	ret = parse(before, &b);
	if (!ret)
		ret = parse(after, &a);
	else
		memset(&a, 0, sizeof(a));
	if (ret)
		goto out;
	db = lookup(&b, symbol);
	da = lookup(&a, symbol);
	if (!db && !da) {
		ret = -ENOENT;
		goto out;
	}
	if (!db || !da || strcmp(db, da)) {
		snprintf(why, whysize, "the declaration of %s", symbol);
		ret = 1;
		goto out;
	}
	ret = enqueue_refs(&w, db);
	while (!ret && w.next < w.n) {
		const char *key = w.keys[w.next++];

		db = lookup(&b, key);
		da = lookup(&a, key);
		/* Seen on one side only, or only by name: nothing to compare. */
		if (!db || !da || opaque(db) || opaque(da))
			continue;
		if (strcmp(db, da)) {
			describe(key, why, whysize);
			ret = 1;
			break;
		}
		ret = enqueue_refs(&w, db);
	}
out:
	for (size_t i = 0; i < w.n; i++)
		free(w.keys[i]);
	free(w.keys);
	table_free(&b);
	table_free(&a);
	return ret;
}
