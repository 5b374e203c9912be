// SPDX-License-Identifier: GPL-2.0-only
#include "hdrlocal.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../sysfs.h"
#include "patchset.h"

/* A tree scanned for includers is a subsystem, not the kernel. */
#define MAX_FILES 20000

struct srcfile {
	char *path;		/* source-relative */
	struct lf_strv incs;	/* its #include "..." targets, resolved */
	bool reached;		/* includes the header, maybe indirectly */
};

struct scan {
	const char *src;
	const char *root;	/* the tree scanned */
	const char *hdir;	/* the header's directory */
	struct srcfile *v;
	size_t n, cap;
	struct lf_err *err;
};

bool lf_header_is_public(const char *header)
{
	if (!strncmp(header, "include/", 8))
		return true;
	/* arch/<arch>/include/... */
	if (!strncmp(header, "arch/", 5)) {
		const char *p = strchr(header + 5, '/');

		return p && !strncmp(p, "/include/", 9);
	}
	return false;
}

/* "a/b/../c/./d.h" -> "a/c/d.h"; false if it climbs out of the tree. */
static bool normalize(char *path)
{
	char out[PATH_MAX];
	size_t n = 0;
	const char *seg = path;

	while (*seg) {
		const char *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);

		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			if (!n)
				return false;
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n)
				n--;	/* the slash before the dropped segment */
		} else if (len && !(len == 1 && seg[0] == '.')) {
			if (n + !!n + len >= sizeof(out))
				return false;
			if (n)
				out[n++] = '/';
			memcpy(out + n, seg, len);
			n += len;
		}
		seg += len + (end ? 1 : 0);
	}
	out[n] = '\0';
	memcpy(path, out, n + 1);
	return n > 0;
}

static bool exists(const struct scan *s, const char *rel)
{
	char full[PATH_MAX];

	return !lf_path(full, sizeof(full), "%s/%s", s->src, rel) &&
	       !access(full, F_OK);
}

/*
 * "foo.h" from dir/x.c is dir/foo.h; failing that, for a file of the
 * header's own directory tree, kbuild's common "ccflags-y += -I $(src)"
 * makes it that directory's foo.h.
 */
static int add_include(struct scan *s, struct srcfile *f, const char *name,
		       size_t len)
{
	const char *slash = strrchr(f->path, '/');
	char rel[PATH_MAX];

	if (len >= sizeof(rel) / 2)
		return 0;
	if (lf_path(rel, sizeof(rel), "%.*s/%.*s",
		    slash ? (int)(slash - f->path) : 0, f->path, (int)len, name) ||
	    !normalize(rel) || !exists(s, rel)) {
		size_t hl = strlen(s->hdir);

		if (strncmp(f->path, s->hdir, hl) || f->path[hl] != '/' ||
		    lf_path(rel, sizeof(rel), "%s/%.*s", s->hdir, (int)len, name) ||
		    !normalize(rel) || !exists(s, rel))
			return 0;
	}
	return lf_strv_push(&f->incs, rel) ? -ENOMEM : 0;
}

/* Collect the quoted #include lines of one file. */
static int read_includes(struct scan *s, struct srcfile *f)
{
	char full[PATH_MAX], *text = NULL, *p;
	size_t len;
	int ret;

	if (lf_path(full, sizeof(full), "%s/%s", s->src, f->path))
		return lf_err_set(s->err, -ENAMETOOLONG, "%s: path too long", f->path);
	ret = lf_slurp(full, &text, &len, 64u << 20);
	if (ret)
		return lf_err_set(s->err, ret, "%s: %s", full, strerror(-ret));
	for (p = text; p && *p && !ret; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *q = p, *name, *end;

		while (*q == ' ' || *q == '\t')
			q++;
		if (*q++ != '#')
			continue;
		while (*q == ' ' || *q == '\t')
			q++;
		if (strncmp(q, "include", 7))
			continue;
		q += 7;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '"')
			continue;
		name = q + 1;
		end = strchr(name, '"');
		if (!end || memchr(name, '\n', (size_t)(end - name)))
			continue;
		if (add_include(s, f, name, (size_t)(end - name)))
			ret = lf_err_set(s->err, -ENOMEM, "out of memory");
	}
	free(text);
	return ret;
}

static int add_file(struct scan *s, const char *rel)
{
	struct srcfile *f;

	if (s->n == MAX_FILES)
		return lf_err_set(s->err, -E2BIG, "%s: more than %d source files",
				  s->root, MAX_FILES);
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct srcfile *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return lf_err_set(s->err, -ENOMEM, "out of memory");
		s->v = v;
		s->cap = cap;
	}
	f = &s->v[s->n];
	memset(f, 0, sizeof(*f));
	f->path = strdup(rel);
	if (!f->path)
		return lf_err_set(s->err, -ENOMEM, "out of memory");
	s->n++;
	return read_includes(s, f);
}

static bool source_name(const char *name)
{
	size_t n = strlen(name);

	return n > 2 && name[n - 2] == '.' && (name[n - 1] == 'c' || name[n - 1] == 'h');
}

static int walk(struct scan *s, const char *rel)
{
	char full[PATH_MAX], child[PATH_MAX];
	struct dirent *de;
	int ret = 0;
	DIR *d;

	if (lf_path(full, sizeof(full), "%s/%s", s->src, rel))
		return lf_err_set(s->err, -ENAMETOOLONG, "%s: path too long", rel);
	d = opendir(full);
	if (!d)
		return lf_err_set(s->err, -errno, "%s: %s", full, strerror(errno));
	while (!ret && (de = readdir(d))) {
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		if (lf_path(child, sizeof(child), "%s/%s", rel, de->d_name) ||
		    lf_path(full, sizeof(full), "%s/%s", s->src, child) ||
		    lstat(full, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			ret = walk(s, child);
		else if (S_ISREG(st.st_mode) && source_name(de->d_name))
			ret = add_file(s, child);
	}
	closedir(d);
	return ret;
}

static bool includes_reached(const struct scan *s, const struct srcfile *f)
{
	for (size_t i = 0; i < f->incs.n; i++)
		for (size_t j = 0; j < s->n; j++)
			if (s->v[j].reached && !strcmp(s->v[j].path, f->incs.v[i]))
				return true;
	return false;
}

int lf_local_includers(const char *src, const char *header,
		       struct lf_strv *units, size_t max, struct lf_err *err)
{
	const char *slash = strrchr(header, '/'), *up;
	struct scan s = { .src = src, .err = err };
	char root[PATH_MAX], hdir[PATH_MAX];
	size_t found = 0;
	bool grew = true;
	int ret;

	if (!slash || (size_t)(slash - header) >= sizeof(root))
		return lf_err_set(err, -EINVAL, "%s: not in a directory", header);
	snprintf(hdir, sizeof(hdir), "%.*s", (int)(slash - header), header);
	/*
	 * Sibling directories share private headers with "../" (fs/smb/client
	 * and fs/smb/server use fs/smb/common), so the scan starts one level
	 * up, but never at a top-level directory (fs/, drivers/): that is
	 * most of the kernel, and its subsystems do not reach into each other
	 * that way.
	 */
	up = strrchr(hdir, '/');
	if (up && memchr(hdir, '/', (size_t)(up - hdir)))
		snprintf(root, sizeof(root), "%.*s", (int)(up - hdir), hdir);
	else
		snprintf(root, sizeof(root), "%s", hdir);
	s.root = root;
	s.hdir = hdir;
	ret = walk(&s, root);
	for (size_t i = 0; !ret && i < s.n; i++)
		s.v[i].reached = !strcmp(s.v[i].path, header);
	/*
	 * What includes a reached file is reached, to a fixpoint: headers,
	 * and .c files #included by others (kernel/sched/build_policy.c).
	 */
	while (!ret && grew) {
		grew = false;
		for (size_t i = 0; i < s.n; i++)
			if (!s.v[i].reached && includes_reached(&s, &s.v[i]))
				s.v[i].reached = grew = true;
	}
	for (size_t i = 0; !ret && i < s.n; i++) {
		size_t l = strlen(s.v[i].path);

		if (s.v[i].path[l - 1] != 'c' || !s.v[i].reached)
			continue;
		if (++found > max)
			ret = lf_err_set(err, -E2BIG,
					 "%s: included by more than %zu units of %s/",
					 header, max, root);
		else if (lf_strv_push(units, s.v[i].path))
			ret = lf_err_set(err, -ENOMEM, "out of memory");
	}
	/* Nobody in sight includes it: its users cannot be found this way. */
	if (!ret && !found)
		ret = lf_err_set(err, -ENOENT,
				 "%s: no source file under %s/ includes it, so the units that expand its macros are unknown",
				 header, root);
	for (size_t i = 0; i < s.n; i++) {
		free(s.v[i].path);
		lf_strv_free(&s.v[i].incs);
	}
	free(s.v);
	if (!ret)
		lf_strv_sort(units);
	return ret;
}
