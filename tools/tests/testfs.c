// SPDX-License-Identifier: GPL-2.0-only
#include "testfs.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void die(const char *what, const char *path)
{
	/* A broken fixture would make every later result meaningless. */
	printf("Bail out! %s %s: %s\n", what, path, strerror(errno));
	exit(2);
}

/* snprintf that bails out instead of silently building a wrong path. */
#define xfmt(buf, size, ...) do {					\
	int n_ = snprintf((buf), (size), __VA_ARGS__);			\
	if (n_ < 0 || (size_t)n_ >= (size_t)(size)) {			\
		errno = ENAMETOOLONG;					\
		die("format", (buf));					\
	}								\
} while (0)

void tfs_init(struct tfs *t)
{
	const char *tmp = getenv("TMPDIR");

	xfmt(t->root, sizeof(t->root), "%s/livefix-test.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(t->root))
		die("mkdtemp", t->root);
}

static int rm_cb(const char *path, const struct stat *st, int flag,
		 struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path) && errno != ENOENT ? -1 : 0;
}

static void rm_tree(const char *path)
{
	nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

void tfs_cleanup(struct tfs *t)
{
	rm_tree(t->root);
}

int tfs_sh(struct tfs *t, const char *cmd)
{
	char *full;
	int ret;

	if (asprintf(&full, "cd '%s' && %s", t->root, cmd) < 0)
		abort();
	ret = system(full);
	free(full);
	return ret;
}

const char *tfs_path(struct tfs *t, const char *rel)
{
	static _Thread_local char bufs[4][PATH_MAX];
	static _Thread_local int next;
	char *b = bufs[next++ % 4];

	xfmt(b, PATH_MAX, "%s/%s", t->root, rel);
	return b;
}

static void mkdir_p(const char *path)
{
	char tmp[PATH_MAX];

	xfmt(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			die("mkdir", tmp);
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		die("mkdir", tmp);
}

void tfs_mkdir(struct tfs *t, const char *fmt, ...)
{
	char rel[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(rel, sizeof(rel), fmt, ap) >= (int)sizeof(rel))
		die("format", fmt);
	va_end(ap);
	mkdir_p(tfs_path(t, rel));
}

void tfs_write(struct tfs *t, const char *rel, const char *content)
{
	tfs_write_bin(t, rel, content, strlen(content));
}

void tfs_write_bin(struct tfs *t, const char *rel, const void *data,
		   size_t len)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8], *slash;
	FILE *f;

	xfmt(path, sizeof(path), "%s", tfs_path(t, rel));
	slash = strrchr(path, '/');
	*slash = '\0';
	mkdir_p(path);
	*slash = '/';
	xfmt(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		die("fopen", tmp);
	if (fwrite(data, 1, len, f) != len)
		die("fwrite", tmp);
	if (fclose(f))
		die("fclose", tmp);
	if (rename(tmp, path))
		die("rename", path);
}

bool tfs_exists(struct tfs *t, const char *rel)
{
	return access(tfs_path(t, rel), F_OK) == 0;
}

const char *tfs_read(struct tfs *t, const char *rel)
{
	static _Thread_local char buf[4096];
	FILE *f = fopen(tfs_path(t, rel), "r");
	size_t n;

	buf[0] = '\0';
	if (!f)
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

void tfs_rm_rf(struct tfs *t, const char *rel)
{
	rm_tree(tfs_path(t, rel));
}

void tfs_add_patch(struct tfs *t, const char *name, int enabled,
		   int transition)
{
	char rel[PATH_MAX];

	tfs_mkdir(t, "kernel/livepatch/%s", name);
	xfmt(rel, sizeof(rel), "kernel/livepatch/%s/enabled", name);
	tfs_write(t, rel, enabled ? "1\n" : "0\n");
	xfmt(rel, sizeof(rel), "kernel/livepatch/%s/transition", name);
	tfs_write(t, rel, transition ? "1\n" : "0\n");
	/* Real patches carry these too; list must not mistake them. */
	xfmt(rel, sizeof(rel), "kernel/livepatch/%s/force", name);
	tfs_write(t, rel, "");
	xfmt(rel, sizeof(rel), "kernel/livepatch/%s/replace", name);
	tfs_write(t, rel, "0\n");
}

void tfs_add_func(struct tfs *t, const char *patch, const char *object,
		  const char *funcdir)
{
	char rel[PATH_MAX];

	tfs_mkdir(t, "kernel/livepatch/%s/%s/%s", patch, object, funcdir);
	xfmt(rel, sizeof(rel), "kernel/livepatch/%s/%s/patched", patch,
		 object);
	tfs_write(t, rel, "1\n");
}

void tfs_add_task(struct tfs *t, int pid, int tid, int state,
		  const char *comm)
{
	char rel[PATH_MAX], val[32];

	xfmt(rel, sizeof(rel), "%d/task/%d/patch_state", pid, tid);
	xfmt(val, sizeof(val), "%d\n", state);
	tfs_write(t, rel, val);
	xfmt(rel, sizeof(rel), "%d/task/%d/comm", pid, tid);
	xfmt(val, sizeof(val), "%s\n", comm);
	tfs_write(t, rel, val);
	/* A /proc/<pid> entry also has non-numeric siblings to skip. */
	xfmt(rel, sizeof(rel), "%d/status", pid);
	tfs_write(t, rel, "Name:\tx\n");
}

char *tfs_setenv(const char *name, const char *value)
{
	const char *cur = getenv(name);
	char *old = cur ? strdup(cur) : NULL;

	if (cur && !old)
		abort();
	setenv(name, value, 1);
	return old;
}

void tfs_restore_env(const char *name, char *old)
{
	if (old)
		setenv(name, old, 1);
	else
		unsetenv(name);
	free(old);
}
