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

static bool has_line(const int *v, size_t n, int line)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == line)
			return true;
	return false;
}

/* Start of line @line (1-based) in @text, or NULL past the end. */
static const char *line_start(const char *text, int line)
{
	const char *p = text;

	for (int l = 1; l < line; l++) {
		p = strchr(p, '\n');
		if (!p)
			return NULL;
		p++;
	}
	return p;
}

static size_t line_len(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? (size_t)(nl - p) : strlen(p);
}

/* Line @line is a preprocessor line or a continuation of one. */
static bool in_macro(const char *text, int line)
{
	const char *p = line_start(text, line);

	for (int l = line; p; ) {
		size_t n = line_len(p), i = 0;

		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i < n && p[i] == '#')
			return true;
		if (--l < 1)
			return false;
		p = line_start(text, l);
		n = line_len(p);
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
			n--;
		if (!n || p[n - 1] != '\\')
			return false;
	}
	return false;
}

/*
 * After line @line (0: before the first), is the header between two
 * top-level declarations? Outside every brace, parenthesis and comment,
 * with the last code before it ending a declaration.
 */
static bool between_declarations(const char *text, int line)
{
	const char *p = text;
	int l = 1, depth = 0;
	char last = ';';
	bool comment = false, bol = true;

	for (; *p && l <= line; p++) {
		if (*p == '\n') {
			l++;
			bol = true;
			continue;
		}
		if (comment) {
			if (p[0] == '*' && p[1] == '/') {
				comment = false;
				p++;
			}
		} else if (p[0] == '/' && p[1] == '*') {
			comment = true;
			p++;
		} else if (p[0] == '/' && p[1] == '/') {
			while (p[1] && p[1] != '\n')
				p++;
		} else if (*p == '#' && bol) {
			/* A directive ends nothing and opens nothing. */
			for (; p[1] && p[1] != '\n'; p++)
				if (p[1] == '\\' && p[2] == '\n') {
					p += 2;
					l++;
				}
		} else if (*p == '"' || *p == '\'') {
			char q = *p;

			for (p++; *p && *p != q && *p != '\n'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				break;
			last = q;
		} else if (*p == '{' || *p == '(' || *p == '[') {
			depth++;
			last = *p;
		} else if (*p == '}' || *p == ')' || *p == ']') {
			depth--;
			last = *p;
		} else if (*p != ' ' && *p != '\t' && *p != '\r') {
			last = *p;
		}
		if (*p != ' ' && *p != '\t')
			bol = false;
	}
	return !comment && depth == 0 && (last == ';' || last == '}');
}

int lf_hdr_classify(const struct lf_touched *f, const char *text,
		    const struct lf_inline_sites *sites, struct lf_strv *names,
		    int *decl_line, int *macro_line, struct lf_err *err)
{
	struct span *spans = calloc(sites->n ? sites->n : 1, sizeof(*spans));
	size_t nspans = 0, i, j;
	int ret = 0;

	*decl_line = 0;
	*macro_line = 0;
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

	for (i = 0; i < f->nlines && !ret; i++) {
		int line = f->lines[i];
		const struct span *hit = NULL;
		bool removed = has_line(f->removed, f->nremoved, line);

		for (j = 0; j < nspans; j++)
			if (line >= spans[j].first && line <= spans[j].last)
				hit = &spans[j];
		/* Text inserted after a body's last line is outside it. */
		if (hit && !removed && line == hit->last)
			hit = NULL;
		if (hit) {
			for (j = 0; j < names->n; j++)
				if (!strcmp(names->v[j], hit->name))
					break;
			if (j == names->n && lf_strv_push(names, hit->name))
				ret = lf_err_set(err, -ENOMEM, "out of memory");
			continue;
		}
		if (has_line(f->macro, f->nmacro, line) ||
		    (removed && in_macro(text, line))) {
			if (!*macro_line)
				*macro_line = line;
			continue;
		}
		if (!removed && between_declarations(text, line))
			continue;	/* a new declaration */
		if (!*decl_line)
			*decl_line = line;
	}
	free(spans);
	return ret;
}
