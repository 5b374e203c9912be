// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parse unified diffs into the list of files a fix touches.
 *
 * The parser follows the structure patch(1) relies on: a file header is a
 * "--- " line immediately followed by "+++ " and then a hunk; a hunk's
 * "@@ -a,b +c,d @@" counts say exactly how many lines belong to it.
 * Anything outside headers and hunks (mail headers, commit message,
 * diffstat, "diff -ur" command lines, signatures) is ignored, as patch
 * ignores it. Git's extended headers add what the ---/+++ lines cannot
 * say: renames, binary changes, mode-only changes.
 */
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sysfs.h"
#include "patchset.h"

#define MAX_PATCH_SIZE (64u << 20)

struct line {
	const char *s;
	size_t len;
};

struct parser {
	struct lf_units *u;
	const char *name;
	const char *text, *end, *pos;
	int lineno;
	struct lf_err *err;
};

static bool next_line(struct parser *p, struct line *l)
{
	const char *nl;

	if (p->pos >= p->end)
		return false;
	nl = memchr(p->pos, '\n', (size_t)(p->end - p->pos));
	l->s = p->pos;
	l->len = nl ? (size_t)(nl - p->pos) : (size_t)(p->end - p->pos);
	if (l->len && l->s[l->len - 1] == '\r')
		l->len--;
	p->pos = nl ? nl + 1 : p->end;
	p->lineno++;
	return true;
}

static bool peek_line(const struct parser *p, struct line *l)
{
	struct parser q = *p;

	return next_line(&q, l);
}

static bool starts(const struct line *l, const char *prefix)
{
	size_t n = strlen(prefix);

	return l->len >= n && !memcmp(l->s, prefix, n);
}

static int parse_error(struct parser *p, const char *why)
{
	return lf_err_set(p->err, -EINVAL, "%s:%d: cannot parse diff: %s",
			  p->name, p->lineno, why);
}

/* ---- __init / __exit -------------------------------------------------- */

static bool is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Is @tok a whole word in s[0..len)? */
static bool has_token(const char *s, size_t len, const char *tok)
{
	size_t tl = strlen(tok);

	for (size_t i = 0; i + tl <= len; i++) {
		if (memcmp(s + i, tok, tl))
			continue;
		if ((i == 0 || !is_ident(s[i - 1])) &&
		    (i + tl == len || !is_ident(s[i + tl])))
			return true;
	}
	return false;
}

/*
 * A function definition's first line as kernel style writes it: starts
 * in column 0 with an identifier, has a '(' and does not end in ';'
 * (a prototype, a macro invocation or an initialiser). Returns the
 * offset of the '(' (0 if not a header) and the name before it.
 */
static size_t func_header(const char *s, size_t len, char *func, size_t size)
{
	const char *paren, *e, *b;

	if (!len || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!len || s[len - 1] == ';' || s[len - 1] == ',')
		return 0;
	paren = memchr(s, '(', len);
	if (!paren)
		return 0;
	for (e = paren; e > s && isspace((unsigned char)e[-1]); e--)
		;
	for (b = e; b > s && is_ident(b[-1]); b--)
		;
	if (b == e)
		return 0;
	snprintf(func, size, "%.*s", (int)(e - b), b);
	return (size_t)(paren - s);
}

/* __init or __exit among the words before the '(' of a header line. */
static const char *init_attr(const char *s, size_t upto)
{
	if (has_token(s, upto, "__init"))
		return "__init";
	if (has_token(s, upto, "__exit"))
		return "__exit";
	return NULL;
}

const char *lf_init_func(const char *line, char *func, size_t size)
{
	size_t len = strlen(line), paren;
	char name[128];

	paren = func_header(line, len, name, sizeof(name));
	if (!paren)
		return NULL;
	if (!init_attr(line, paren))
		return NULL;
	snprintf(func, size, "%s", name);
	return init_attr(line, paren);
}

/*
 * Which function a hunk line is in, as far as the hunk shows: the header
 * after "@@" starts it, a function header inside the hunk switches to the
 * next function, a '}' in column 0 ends one. Kernel style sometimes puts
 * "static int __init" on a line of its own before "name(args)"; that line
 * is remembered for the next header.
 */
struct func_track {
	char name[128];
	const char *attr;	/* "__init", "__exit" or NULL */
	const char *pending;	/* attr seen on a line of its own */
};

static void track_line(struct func_track *ft, const char *s, size_t len)
{
	char name[128];
	size_t paren;

	if (!len)
		return;
	if (s[0] == '}') {
		ft->name[0] = '\0';
		ft->attr = NULL;
		ft->pending = NULL;
		return;
	}
	paren = func_header(s, len, name, sizeof(name));
	if (paren) {
		snprintf(ft->name, sizeof(ft->name), "%s", name);
		ft->attr = init_attr(s, paren);
		if (!ft->attr)
			ft->attr = ft->pending;
		ft->pending = NULL;
		return;
	}
	/* "static int __init" alone: type and attributes, name follows. */
	if ((isalpha((unsigned char)s[0]) || s[0] == '_') && !memchr(s, ';', len) &&
	    !memchr(s, '=', len) && !memchr(s, '{', len))
		ft->pending = init_attr(s, len);
	else
		ft->pending = NULL;
}

/* ---- files -------------------------------------------------------------- */

static bool rel_ok(const char *p)
{
	if (!lf_relpath_inside(p))
		return false;
	for (const char *c = p; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == '\\')
			return false;
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static int add_file(struct parser *p, const char *path, bool created,
		    bool deleted, struct lf_touched **out)
{
	struct lf_units *u = p->u;
	enum lf_file_kind kind;

	if (!rel_ok(path))
		return lf_err_set(p->err, -EINVAL,
				  "%s:%d: cannot parse diff: unsafe path '%s'",
				  p->name, p->lineno, path);
	if (ends_with(path, ".c"))
		kind = LF_FILE_UNIT;
	else if (ends_with(path, ".h"))
		kind = LF_FILE_HEADER;
	else
		return lf_err_set(p->err, -EINVAL,
				  "%s: not C source; livefix patches only .c and .h files",
				  path);
	for (size_t i = 0; i < u->n; i++) {
		if (!strcmp(u->files[i].path, path)) {
			/* Named again (a later diff, or twice in one). */
			u->files[i].deleted = deleted;
			if (out)
				*out = &u->files[i];
			return 0;
		}
	}
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 8;
		struct lf_touched *nf = realloc(u->files, cap * sizeof(*nf));

		if (!nf)
			return lf_err_set(p->err, -ENOMEM, "out of memory");
		u->files = nf;
		u->cap = cap;
	}
	u->files[u->n].path = strdup(path);
	if (!u->files[u->n].path)
		return lf_err_set(p->err, -ENOMEM, "out of memory");
	u->files[u->n].kind = kind;
	u->files[u->n].created = created;
	u->files[u->n].deleted = deleted;
	u->files[u->n].patch = p->name;
	u->files[u->n].lines = NULL;
	u->files[u->n].nlines = 0;
	u->files[u->n].removed = NULL;
	u->files[u->n].nremoved = 0;
	u->files[u->n].macro = NULL;
	u->files[u->n].nmacro = 0;
	if (out)
		*out = &u->files[u->n];
	u->n++;
	return 0;
}

/*
 * The path of a ---/+++ line (after the marker and space): up to a tab
 * (diff -u's timestamp) or the end; "/dev/null" stays as is, otherwise
 * the first component is dropped (-p1). Returns 1 for /dev/null.
 */
static int header_path(struct parser *p, const char *s, size_t len, char *buf,
		       size_t size)
{
	size_t n = 0;
	const char *slash;

	while (n < len && s[n] != '\t')
		n++;
	while (n && s[n - 1] == ' ')
		n--;
	if (n == 9 && !memcmp(s, "/dev/null", 9))
		return 1;
	if (n && s[0] == '"')
		return parse_error(p, "quoted file names are not supported");
	slash = memchr(s, '/', n);
	if (!slash)
		return parse_error(p, "file name has no directory to strip (want -p1 paths like a/fs/x.c)");
	n -= (size_t)(slash + 1 - s);
	if (!n || n >= size)
		return parse_error(p, "bad file name");
	memcpy(buf, slash + 1, n);
	buf[n] = '\0';
	return 0;
}

/* "@@ -a[,b] +c[,d] @@..." -> counts and the text after the second @@. */
static int hunk_header(const struct line *l, long *start, long *old, long *new,
		       const char **ctx, size_t *ctxlen)
{
	char buf[256];
	long a, b = 1, c, d = 1;
	const char *s;
	size_t n = l->len < sizeof(buf) - 1 ? l->len : sizeof(buf) - 1;

	memcpy(buf, l->s, n);
	buf[n] = '\0';
	if (sscanf(buf, "@@ -%ld,%ld +%ld,%ld @@", &a, &b, &c, &d) == 4)
		;
	else if (b = 1, d = 1, sscanf(buf, "@@ -%ld +%ld,%ld @@", &a, &c, &d) == 3)
		;
	else if (b = 1, d = 1, sscanf(buf, "@@ -%ld,%ld +%ld @@", &a, &b, &c) == 3)
		;
	else if (b = 1, d = 1, sscanf(buf, "@@ -%ld +%ld @@", &a, &c) == 2)
		;
	else
		return -EINVAL;
	if (a < 0 || b < 0 || c < 0 || d < 0 || (b == 0 && d == 0))
		return -EINVAL;
	/* With no old lines, a is the line the hunk goes after. */
	*start = b ? a : a + 1;
	*old = b;
	*new = d;
	s = memmem(l->s + 2, l->len - 2, "@@", 2);
	if (!s)
		return -EINVAL;
	s += 2;
	while (s < l->s + l->len && *s == ' ')
		s++;
	*ctx = s;
	*ctxlen = (size_t)(l->s + l->len - s);
	return 0;
}

static int push_line(struct parser *p, int **v, size_t *n, long line)
{
	int *nl;

	if (line < 1)
		line = 1;
	if (line > 100000000)
		return 0;
	if (*n && (*v)[*n - 1] == (int)line)
		return 0;
	nl = realloc(*v, (*n + 1) * sizeof(*nl));
	if (!nl)
		return lf_err_set(p->err, -ENOMEM, "out of memory");
	*v = nl;
	(*v)[(*n)++] = (int)line;
	return 0;
}

/* "#define", "  # if", or a line that a trailing backslash continues. */
static bool preprocessor_text(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < len && s[i] == '#')
		return true;
	while (len > i && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
			   s[len - 1] == '\r'))
		len--;
	return len > i && s[len - 1] == '\\';
}

static int add_line(struct parser *p, struct lf_touched *f, long line,
		    bool removed, const struct line *text)
{
	int ret = push_line(p, &f->lines, &f->nlines, line);

	if (!ret && removed)
		ret = push_line(p, &f->removed, &f->nremoved, line);
	if (!ret && text->len > 1 && preprocessor_text(text->s + 1, text->len - 1))
		ret = push_line(p, &f->macro, &f->nmacro, line);
	return ret;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void settle(int *v, size_t *n)
{
	size_t k = 0;

	if (!*n)
		return;
	qsort(v, *n, sizeof(*v), cmp_int);
	for (size_t i = 1; i < *n; i++)
		if (v[i] != v[k])
			v[++k] = v[i];
	*n = k + 1;
}

/* Sort and dedupe a file's lines once every diff has been read. */
static void settle_lines(struct lf_touched *f)
{
	settle(f->lines, &f->nlines);
	settle(f->removed, &f->nremoved);
	settle(f->macro, &f->nmacro);
}

/* Read one hunk's body; refuse changes inside __init/__exit functions. */
static int parse_hunk(struct parser *p, const struct line *head,
		      struct lf_touched *f)
{
	struct func_track ft = { .name = "" };
	const char *ctx;
	size_t ctxlen;
	long start, old, new, oline;
	struct line l;
	int ret;

	if (hunk_header(head, &start, &old, &new, &ctx, &ctxlen))
		return parse_error(p, "bad hunk header");
	oline = start;
	track_line(&ft, ctx, ctxlen);
	ft.pending = NULL;
	while (old > 0 || new > 0) {
		char c;

		if (!next_line(p, &l))
			return parse_error(p, "diff ends inside a hunk (truncated?)");
		c = l.len ? l.s[0] : ' ';	/* mailers eat a lone space */
		if (c == '\\')
			continue;	/* "\ No newline at end of file" */
		if (c == ' ') {
			old--;
			new--;
			oline++;
		} else if (c == '-') {
			old--;
			ret = add_line(p, f, oline++, true, &l);
			if (ret)
				return ret;
		} else if (c == '+') {
			new--;
			ret = add_line(p, f, oline - 1, false, &l);
			if (ret)
				return ret;
		} else {
			return parse_error(p, "hunk is shorter than its header says");
		}
		if (old < 0 || new < 0)
			return parse_error(p, "hunk is longer than its header says");
		if (l.len)
			track_line(&ft, l.s + 1, l.len - 1);
		if ((c == '-' || c == '+') && ft.attr)
			return lf_err_set(p->err, -EINVAL,
					  "%s: change to %s code %s", f->path,
					  ft.attr, ft.name);
	}
	/* A trailing "\ No newline" belongs to the last line. */
	if (peek_line(p, &l) && starts(&l, "\\"))
		next_line(p, &l);
	/*
	 * patch(1) would silently drop a changed line beyond the counts (a
	 * hand-edited hunk), building something else than the diff shows.
	 * "--"/"++" start headers and mail signatures, not changes.
	 */
	if (peek_line(p, &l) && l.len &&
	    ((l.s[0] == '+' && !starts(&l, "++")) ||
	     (l.s[0] == '-' && !starts(&l, "--")))) {
		next_line(p, &l);
		return parse_error(p, "hunk is longer than its header says");
	}
	return 0;
}

/* State of a "diff --git" section until its ---/+++ lines (if any). */
struct git_section {
	bool active;
	char old[4096], new[4096];
	bool created, deleted, binary, rename, seen_hunks;
	int lineno;
};

/* "diff --git a/X b/Y": the two paths, -p1 applied. */
static int git_line_paths(struct parser *p, const struct line *l,
			  struct git_section *g)
{
	const char *s = l->s + 11, *end = l->s + l->len, *sep;
	const char *slash;

	if (s < end && *s == '"')
		return parse_error(p, "quoted file names are not supported");
	sep = memmem(s, (size_t)(end - s), " b/", 3);
	if (!sep)
		sep = memmem(s, (size_t)(end - s), " ", 1);
	if (!sep)
		return parse_error(p, "bad 'diff --git' line");
	slash = memchr(s, '/', (size_t)(sep - s));
	if (!slash)
		return parse_error(p, "bad 'diff --git' line");
	snprintf(g->old, sizeof(g->old), "%.*s", (int)(sep - slash - 1), slash + 1);
	s = sep + 1;
	slash = memchr(s, '/', (size_t)(end - s));
	if (!slash)
		return parse_error(p, "bad 'diff --git' line");
	snprintf(g->new, sizeof(g->new), "%.*s", (int)(end - slash - 1), slash + 1);
	return 0;
}

/* A git section without ---/+++ lines: binary, rename or mode change. */
static int finish_git(struct parser *p, struct git_section *g)
{
	int ret = 0;

	if (!g->active || g->seen_hunks) {
		g->active = false;
		return 0;
	}
	g->active = false;
	if (g->rename)
		return lf_err_set(p->err, -EINVAL,
				  "%s: renamed to %s; livefix does not support renames",
				  g->old, g->new);
	ret = add_file(p, g->deleted ? g->old : g->new, g->created, g->deleted,
		       NULL);
	if (ret)
		return ret;
	if (g->binary)
		return lf_err_set(p->err, -EINVAL, "%s: binary diff", g->new);
	return 0;
}

static int parse(struct parser *p)
{
	struct git_section g = { 0 };
	struct lf_touched *cur = NULL;
	bool any = false;
	struct line l, n2;
	int ret;

	while (next_line(p, &l)) {
		if (starts(&l, "diff --git ")) {
			ret = finish_git(p, &g);
			if (ret)
				return ret;
			memset(&g, 0, sizeof(g));
			ret = git_line_paths(p, &l, &g);
			if (ret)
				return ret;
			g.active = true;
			g.lineno = p->lineno;
			cur = NULL;
			any = true;
			continue;
		}
		if (g.active && !g.seen_hunks) {
			if (starts(&l, "new file mode"))
				g.created = true;
			else if (starts(&l, "deleted file mode"))
				g.deleted = true;
			else if (starts(&l, "rename from ") || starts(&l, "rename to ") ||
				 starts(&l, "copy from ") || starts(&l, "copy to "))
				g.rename = true;
			else if (starts(&l, "Binary files ") || starts(&l, "GIT binary patch"))
				g.binary = true;
		}
		if (starts(&l, "--- ") && peek_line(p, &n2) && starts(&n2, "+++ ")) {
			char oldp[4096], newp[4096];
			int o, n;

			o = header_path(p, l.s + 4, l.len - 4, oldp, sizeof(oldp));
			if (o < 0)
				return o;
			next_line(p, &n2);
			n = header_path(p, n2.s + 4, n2.len - 4, newp, sizeof(newp));
			if (n < 0)
				return n;
			if (o && n)
				return parse_error(p, "both sides are /dev/null");
			if (!peek_line(p, &n2) || !starts(&n2, "@@ "))
				return parse_error(p, "file header without a hunk");
			if (!o && !n && strcmp(oldp, newp))
				return lf_err_set(p->err, -EINVAL,
						  "%s: renamed to %s; livefix does not support renames",
						  oldp, newp);
			if (g.active && g.rename)
				return lf_err_set(p->err, -EINVAL,
						  "%s: renamed to %s; livefix does not support renames",
						  g.old, g.new);
			g.seen_hunks = true;
			ret = add_file(p, o ? newp : oldp, o == 1, n == 1, &cur);
			if (ret)
				return ret;
			any = true;
			continue;
		}
		if (starts(&l, "@@ ")) {
			if (!cur)
				return parse_error(p, "hunk without a file header");
			ret = parse_hunk(p, &l, cur);
			if (ret)
				return ret;
			continue;
		}
		/* A file header ends the previous file's hunks. */
		if (starts(&l, "--- ") || starts(&l, "+++ ") || starts(&l, "diff ") ||
		    starts(&l, "Index: "))
			cur = NULL;
	}
	ret = finish_git(p, &g);
	if (ret)
		return ret;
	if (!any)
		return lf_err_set(p->err, -ENODATA, "%s: no changes", p->name);
	return 0;
}

int lf_units_parse_text(struct lf_units *u, const char *name, const char *text,
			size_t len, struct lf_err *err)
{
	struct parser p = {
		.u = u, .name = name, .text = text, .end = text + len,
		.pos = text, .err = err,
	};
	int ret;

	if (memchr(text, '\0', len))
		return lf_err_set(err, -EINVAL, "%s: not a text diff (NUL bytes)",
				  name);
	ret = parse(&p);
	for (size_t i = 0; i < u->n; i++)
		settle_lines(&u->files[i]);
	return ret;
}

int lf_units_parse_file(struct lf_units *u, const char *path,
			struct lf_err *err)
{
	size_t len;
	char *text;
	int ret;

	ret = lf_slurp(path, &text, &len, MAX_PATCH_SIZE);
	if (ret)
		return lf_err_set(err, ret, "%s: %s", path,
				  ret == -EFBIG ? "too large for a patch" : strerror(-ret));
	ret = lf_units_parse_text(u, path, text, len, err);
	free(text);
	return ret;
}

size_t lf_units_count(const struct lf_units *u, enum lf_file_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < u->n; i++)
		n += u->files[i].kind == kind;
	return n;
}

void lf_units_free(struct lf_units *u)
{
	for (size_t i = 0; i < u->n; i++) {
		free(u->files[i].path);
		free(u->files[i].lines);
		free(u->files[i].removed);
		free(u->files[i].macro);
	}
	free(u->files);
	memset(u, 0, sizeof(*u));
}
