// SPDX-License-Identifier: GPL-2.0-only
#include "hdrfuncs.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct span {
	const char *name;
	int first;
	int last;
};

/*
 * Line of the brace closing the first body that opens at or after line
 * @from, skipping comments, strings and character literals; 0 if none.
 */
static int body_end(const char *text, int from)
{
	const char *p = text;
	int line = 1, depth = 0;
	bool opened = false;

	while (*p && line < from)
		if (*p++ == '\n')
			line++;
	for (; *p; p++) {
		if (*p == '\n') {
			line++;
		} else if (p[0] == '/' && p[1] == '*') {
			for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
				line += *p == '\n';
			if (!*p)
				return 0;
			p++;
		} else if (p[0] == '/' && p[1] == '/') {
			while (p[1] && p[1] != '\n')
				p++;
		} else if (*p == '"' || *p == '\'') {
			char q = *p;

			for (p++; *p && *p != q; p++) {
				if (*p == '\\' && p[1])
					p++;
				line += *p == '\n';
			}
			if (!*p)
				return 0;
		} else if (*p == '{') {
			depth++;
			opened = true;
		} else if (*p == '}' && opened && --depth == 0) {
			return line;
		} else if (*p == ';' && !opened) {
			return 0;	/* a declaration, not a definition */
		}
	}
	return 0;
}

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->first - y->first;
}

int lf_hdr_changed_functions(const char *header, const char *text,
			     const int *lines, size_t nlines,
			     const struct lf_inline_sites *sites,
			     struct lf_strv *names, struct lf_err *err)
{
	struct span *spans = calloc(sites->n ? sites->n : 1, sizeof(*spans));
	size_t nspans = 0, i, j;
	int ret = 0;

	if (!spans)
		return lf_err_set(err, -ENOMEM, "out of memory");
	for (i = 0; i < sites->n; i++) {
		const struct lf_inline_site *s = &sites->v[i];

		for (j = 0; j < nspans; j++)
			if (!strcmp(spans[j].name, s->callee))
				break;
		if (j < nspans || s->line <= 0)
			continue;
		spans[nspans].name = s->callee;
		spans[nspans].first = s->line;
		spans[nspans].last = body_end(text, s->line);
		if (spans[nspans].last)
			nspans++;
	}
	qsort(spans, nspans, sizeof(*spans), cmp_span);

	for (i = 0; i < nlines && !ret; i++) {
		const struct span *hit = NULL;

		for (j = 0; j < nspans; j++)
			if (lines[i] >= spans[j].first && lines[i] <= spans[j].last)
				hit = &spans[j];
		if (!hit) {
			ret = lf_err_set(err, -ENOTSUP,
					 "%s:%d: change outside a function body that this kernel uses; livefix follows header changes only into inline functions",
					 header, lines[i]);
			break;
		}
		for (j = 0; j < names->n; j++)
			if (!strcmp(names->v[j], hit->name))
				break;
		if (j == names->n && lf_strv_push(names, hit->name))
			ret = lf_err_set(err, -ENOMEM, "out of memory");
	}
	free(spans);
	return ret;
}
