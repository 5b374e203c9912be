// SPDX-License-Identifier: GPL-2.0-only
/*
 * Apply a fix's diffs to the kernel tree under a journal, and restore the
 * tree exactly; see patchset.h for the journal's guarantees.
 *
 * Journal layout:
 *   index   "livefix-journal 1", "root <dir>", "scrub <dir>|-", then one
 *           line per file: "file <n> <path>" (backup in files/<n>),
 *           "new <path>" (created by the patch), "dir <path>" (directory
 *           the patch will have to create, outermost first)
 *   files/  the backups, with the originals' mode and timestamps
 *   stamp   written last; everything in the O= tree newer than it was
 *           built from patched sources
 */
#include "patchset.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../strv.h"
#include "../sysfs.h"
#include "compile.h"

#define JOURNAL_MAGIC "livefix-journal 1"

/* ---- file helpers ------------------------------------------------------ */

int lf_mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -errno;
	return lf_is_dir(buf) ? 0 : -ENOTDIR;
}

static int rm_one(const char *path, const struct stat *st, int type,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) && errno != ENOENT ? -1 : 0;
	return unlink(path) && errno != ENOENT ? -1 : 0;
}

int lf_rm_rf(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) ? -errno : 0;
	if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS))
		return errno ? -errno : -EIO;
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int lf_copy_file(const char *from, const char *to, bool keep_times)
{
	char tmp[PATH_MAX], buf[65536];
	struct stat st;
	int in, out, ret = 0;

	if (lf_path(tmp, sizeof(tmp), "%s.lf-tmp%ld", to, (long)getpid()))
		return -ENAMETOOLONG;
	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	if (fstat(in, &st)) {
		ret = -errno;
		close(in);
		return ret;
	}
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		ret = -errno;
		close(in);
		return ret;
	}
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		ret = write_all(out, buf, (size_t)n);
		if (ret)
			break;
	}
	if (!ret && fchmod(out, st.st_mode & 07777))
		ret = -errno;
	if (!ret && keep_times) {
		struct timespec ts[2] = { st.st_atim, st.st_mtim };

		if (futimens(out, ts))
			ret = -errno;
	}
	close(in);
	if (close(out) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, to))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

int lf_slurp(const char *path, char **buf, size_t *len, size_t max)
{
	size_t cap = 4096, n = 0;
	char *b;
	int fd;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	b = malloc(cap);
	if (!b) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			char *nb;

			if (cap >= max) {
				free(b);
				close(fd);
				return -EFBIG;
			}
			cap *= 2;
			nb = realloc(b, cap);
			if (!nb) {
				free(b);
				close(fd);
				return -ENOMEM;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;

			free(b);
			close(fd);
			return e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			free(b);
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

/* ---- the journal ------------------------------------------------------- */

struct jentry {
	char kind;		/* 'f' file, 'n' new, 'd' dir */
	unsigned int n;
	char *path;
};

struct journal {
	char root[PATH_MAX];
	char scrub[PATH_MAX];
	struct jentry *e;
	size_t ne;
};

static void journal_free(struct journal *j)
{
	for (size_t i = 0; i < j->ne; i++)
		free(j->e[i].path);
	free(j->e);
	j->e = NULL;
	j->ne = 0;
}

static int journal_add(struct journal *j, char kind, unsigned int n,
		       const char *path)
{
	struct jentry *ne = realloc(j->e, (j->ne + 1) * sizeof(*ne));

	if (!ne)
		return -ENOMEM;
	j->e = ne;
	j->e[j->ne].kind = kind;
	j->e[j->ne].n = n;
	j->e[j->ne].path = strdup(path);
	if (!j->e[j->ne].path)
		return -ENOMEM;
	j->ne++;
	return 0;
}

static bool journal_has(const struct journal *j, char kind, const char *path)
{
	for (size_t i = 0; i < j->ne; i++)
		if (j->e[i].kind == kind && !strcmp(j->e[i].path, path))
			return true;
	return false;
}

static int journal_read(const char *dir, struct journal *j, struct lf_err *err)
{
	char path[PATH_MAX], *text, *line, *save = NULL;
	size_t len;
	int ret, lineno = 0;

	memset(j, 0, sizeof(*j));
	if (lf_path(path, sizeof(path), "%s/index", dir))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", dir);
	ret = lf_slurp(path, &text, &len, 64u << 20);
	if (ret)
		return lf_err_set(err, ret, "%s: %s", path, strerror(-ret));
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned int n;
		int off = 0;

		lineno++;
		if (lineno == 1) {
			if (strcmp(line, JOURNAL_MAGIC))
				break;
			continue;
		}
		if (!strncmp(line, "root ", 5)) {
			ret = lf_path(j->root, sizeof(j->root), "%s", line + 5);
		} else if (!strncmp(line, "scrub ", 6)) {
			ret = lf_path(j->scrub, sizeof(j->scrub), "%s",
				      strcmp(line + 6, "-") ? line + 6 : "");
		} else if (sscanf(line, "file %u %n", &n, &off) == 1 && off) {
			ret = journal_add(j, 'f', n, line + off);
		} else if (!strncmp(line, "new ", 4)) {
			ret = journal_add(j, 'n', 0, line + 4);
		} else if (!strncmp(line, "dir ", 4)) {
			ret = journal_add(j, 'd', 0, line + 4);
		} else {
			ret = -EINVAL;
		}
		if (ret)
			break;
	}
	free(text);
	if (lineno == 0 || ret || !j->root[0] || j->root[0] != '/') {
		journal_free(j);
		return lf_err_set(err, -EINVAL, "%s: damaged journal (line %d)",
				  path, lineno);
	}
	return 0;
}

/* Journal paths come from a diff: they must stay inside the tree. */
static bool rel_path_ok(const char *p)
{
	return lf_relpath_inside(p) && !strchr(p, '\n');
}

static time_t scrub_after_s;
static long scrub_after_ns;
static size_t scrub_count;

static int scrub_one(const char *path, const struct stat *st, int type,
		     struct FTW *ftw)
{
	(void)ftw;
	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	if (st->st_mtim.tv_sec > scrub_after_s ||
	    (st->st_mtim.tv_sec == scrub_after_s &&
	     st->st_mtim.tv_nsec >= scrub_after_ns)) {
		if (unlink(path) == 0)
			scrub_count++;
	}
	return 0;
}

/*
 * Delete what kbuild produced while the tree was patched. nftw keeps no
 * context pointer, hence the statics; the build is single-threaded and
 * holds the ABI lock.
 */
static int scrub_tree(const char *scrub, const char *stamp)
{
	struct stat st;

	if (!scrub[0] || !lf_is_dir(scrub))
		return 0;
	if (stat(stamp, &st))
		return -errno;
	scrub_after_s = st.st_mtim.tv_sec;
	scrub_after_ns = st.st_mtim.tv_nsec;
	scrub_count = 0;
	if (nftw(scrub, scrub_one, 32, FTW_PHYS))
		return -EIO;
	return 0;
}

static int journal_restore(const char *dir, struct lf_err *err)
{
	char src[PATH_MAX], dst[PATH_MAX], stamp[PATH_MAX];
	struct journal j;
	int ret;

	ret = journal_read(dir, &j, err);
	if (ret)
		return ret;
	for (size_t i = 0; i < j.ne && !ret; i++) {
		struct jentry *e = &j.e[i];

		if (!rel_path_ok(e->path) ||
		    lf_path(dst, sizeof(dst), "%s/%s", j.root, e->path)) {
			ret = lf_err_set(err, -EINVAL, "%s: bad journal entry '%s'",
					 dir, e->path);
			break;
		}
		if (e->kind == 'f') {
			lf_path(src, sizeof(src), "%s/files/%u", dir, e->n);
			ret = lf_copy_file(src, dst, true);
			if (ret)
				ret = lf_err_set(err, ret, "restore %s: %s", dst,
						 strerror(-ret));
		} else if (e->kind == 'n') {
			if (unlink(dst) && errno != ENOENT)
				ret = lf_err_set(err, -errno, "restore: remove %s: %s",
						 dst, strerror(errno));
		}
	}
	/* Created directories, innermost first; something else may live
	 * there by now, which is not ours to remove. */
	for (size_t i = j.ne; i-- > 0 && !ret;) {
		if (j.e[i].kind != 'd')
			continue;
		if (!lf_path(dst, sizeof(dst), "%s/%s", j.root, j.e[i].path))
			rmdir(dst);
	}
	if (!ret && lf_path(stamp, sizeof(stamp), "%s/stamp", dir) == 0) {
		int r = scrub_tree(j.scrub, stamp);

		if (r && r != -ENOENT)
			ret = lf_err_set(err, r, "restore: cleaning %s failed", j.scrub);
	}
	journal_free(&j);
	if (ret)
		return ret;
	ret = lf_rm_rf(dir);
	if (ret)
		return lf_err_set(err, ret, "restore: cannot remove %s: %s", dir,
				  strerror(-ret));
	return 0;
}

int lf_patchset_recover(const char *journal, bool *restored,
			struct lf_err *err)
{
	char tmp[PATH_MAX];

	*restored = false;
	/* A journal that never got renamed into place guarded nothing. */
	if (lf_path(tmp, sizeof(tmp), "%s.tmp", journal) == 0)
		lf_rm_rf(tmp);
	if (!lf_path_exists(journal))
		return 0;
	*restored = true;
	return journal_restore(journal, err);
}

int lf_patchset_restore(struct lf_patchset *ps, struct lf_err *err)
{
	int ret;

	if (!ps->active)
		return 0;
	ret = journal_restore(ps->journal, err);
	if (ret == 0)
		ps->active = false;
	return ret;
}

static int write_journal(const struct lf_patchset_req *req, const char *tmp,
			 struct lf_err *err)
{
	char path[PATH_MAX], files[PATH_MAX];
	struct journal j = { 0 };
	FILE *f;
	int ret = 0;

	if (lf_path(files, sizeof(files), "%s/files", tmp))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", tmp);
	ret = lf_mkdir_p(files, 0700);
	if (ret)
		return lf_err_set(err, ret, "%s: %s", files, strerror(-ret));
	for (size_t i = 0; i < req->units->n && !ret; i++) {
		const char *rel = req->units->files[i].path;
		char abs[PATH_MAX], backup[PATH_MAX];
		struct stat st;

		if (!rel_path_ok(rel) ||
		    lf_path(abs, sizeof(abs), "%s/%s", req->root, rel)) {
			ret = lf_err_set(err, -EINVAL, "%s: not a path inside the tree",
					 rel);
			break;
		}
		if (lstat(abs, &st) == 0) {
			if (!S_ISREG(st.st_mode)) {
				ret = lf_err_set(err, -EINVAL, "%s: not a regular file in %s",
						 rel, req->root);
				break;
			}
			lf_path(backup, sizeof(backup), "%s/%zu", files, i);
			ret = lf_copy_file(abs, backup, true);
			if (ret) {
				ret = lf_err_set(err, ret, "journal: copy %s: %s", abs,
						 strerror(-ret));
				break;
			}
			ret = journal_add(&j, 'f', (unsigned int)i, rel);
			continue;
		}
		if (errno != ENOENT) {
			ret = lf_err_set(err, -errno, "%s: %s", abs, strerror(errno));
			break;
		}
		/* Created: note the directories patch will make for it. */
		for (const char *s = strchr(rel, '/'); s && !ret; s = strchr(s + 1, '/')) {
			char sub[PATH_MAX];

			snprintf(sub, sizeof(sub), "%.*s", (int)(s - rel), rel);
			lf_path(abs, sizeof(abs), "%s/%s", req->root, sub);
			if (!lf_path_exists(abs) && !journal_has(&j, 'd', sub))
				ret = journal_add(&j, 'd', 0, sub);
		}
		if (!ret)
			ret = journal_add(&j, 'n', 0, rel);
	}
	if (ret) {
		journal_free(&j);
		return ret == -ENOMEM ? lf_err_set(err, ret, "out of memory") : ret;
	}

	lf_path(path, sizeof(path), "%s/index", tmp);
	f = fopen(path, "we");
	if (!f) {
		ret = -errno;
		journal_free(&j);
		return lf_err_set(err, ret, "%s: %s", path, strerror(-ret));
	}
	fprintf(f, "%s\nroot %s\nscrub %s\n", JOURNAL_MAGIC, req->root,
		req->scrub && req->scrub[0] ? req->scrub : "-");
	for (size_t i = 0; i < j.ne; i++) {
		if (j.e[i].kind == 'f')
			fprintf(f, "file %u %s\n", j.e[i].n, j.e[i].path);
		else
			fprintf(f, "%s %s\n", j.e[i].kind == 'n' ? "new" : "dir",
				j.e[i].path);
	}
	journal_free(&j);
	if (fflush(f) || fsync(fileno(f)))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (ret)
		return lf_err_set(err, ret, "%s: %s", path, strerror(-ret));

	lf_path(path, sizeof(path), "%s/stamp", tmp);
	f = fopen(path, "we");
	if (!f || fclose(f))
		return lf_err_set(err, -errno, "%s: %s", path, strerror(errno));
	return 0;
}

/* "fs/x.c\t2024-..." after "|--- a/": the path, -p1 applied. */
static void p1_path(const char *s, char *buf, size_t size)
{
	const char *slash = strchr(s, '/');
	size_t len;

	s = slash ? slash + 1 : s;
	len = strcspn(s, "\t\n");
	snprintf(buf, size, "%.*s", (int)len, s);
}

/*
 * Turn patch(1)'s dry-run chatter into one line. Files it names are
 * checked against the journal: patch must never touch a file we did not
 * back up.
 */
static int explain_patch(const char *name, const char *log,
			 const struct lf_units *u, bool failed,
			 struct lf_err *err)
{
	char file[PATH_MAX] = "", *text, *line, *save = NULL;
	size_t len;
	int ret;

	ret = lf_slurp(log, &text, &len, 16u << 20);
	if (ret)
		return lf_err_set(err, ret, "%s: cannot read patch output", name);
	ret = 0;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *fn = NULL;

		if (!strncmp(line, "checking file ", 14))
			fn = line + 14;
		else if (!strncmp(line, "patching file ", 14))
			fn = line + 14;
		if (fn) {
			bool known = false;

			snprintf(file, sizeof(file), "%s", fn);
			for (size_t i = 0; i < u->n; i++)
				known |= !strcmp(u->files[i].path, file);
			if (!known) {
				ret = lf_err_set(err, -EINVAL,
						 "%s: patch(1) would change %s, which livefix did not find in the diff",
						 name, file);
				break;
			}
			continue;
		}
		if (!failed)
			continue;
		if (!strncmp(line, "Hunk #", 6) && strstr(line, " FAILED")) {
			char *dot = line + strlen(line) - 1;

			if (*dot == '.')
				*dot = '\0';
			line[0] = 'h';	/* "hunk #2 FAILED at 120" */
			ret = lf_err_set(err, -EINVAL, "%s: does not apply to %s: %s",
					 name, file[0] ? file : "?", line);
			break;
		}
		if (strstr(line, "Reversed (or previously applied) patch detected")) {
			ret = lf_err_set(err, -EINVAL,
					 "%s: already applied to %s (reversed or previously applied)",
					 name, file[0] ? file : "?");
			break;
		}
		if (!strncmp(line, "can't find file to patch", 24)) {
			char *l;

			file[0] = '\0';
			while ((l = strtok_r(NULL, "\n", &save))) {
				if (!strncmp(l, "|+++ ", 5) || !strncmp(l, "|--- ", 5)) {
					if (strncmp(l + 5, "/dev/null", 9)) {
						p1_path(l + 5, file, sizeof(file));
						if (l[1] == '+')
							break;
					}
				}
				if (!strncmp(l, "No file to patch", 16))
					break;
			}
			ret = lf_err_set(err, -ENOENT, "%s: %s not found in the tree",
					 name, file[0] ? file : "a file it patches");
			break;
		}
		if (!strncmp(line, "patch: **** ", 12)) {
			ret = lf_err_set(err, -EINVAL, "%s: %s", name, line + 12);
			break;
		}
	}
	free(text);
	if (!ret && failed)
		ret = lf_err_set(err, -EINVAL, "%s: patch(1) failed (see %s)", name, log);
	return ret;
}

static int run_patch(const struct lf_patchset_req *req, const char *patch,
		     bool dry, const char *log, struct lf_err *err)
{
	char abs[PATH_MAX], tmpdir[PATH_MAX + 8];
	const char *argv[] = {
		"patch", "-p1", "--forward", "--batch", "--no-backup-if-mismatch",
		"--reject-file=-", "--quoting-style=literal", "-i", abs,
		dry ? "--dry-run" : NULL, NULL,
	};
	const char *env[] = { tmpdir, NULL };
	struct lf_proc p = {
		.argv = argv, .cwd = req->root, .out = log, .log = log,
		.env = env, .cancel = req->cancel,
	};
	int status, ret;

	/* patch runs in the tree, so a relative name would miss. */
	if (!realpath(patch, abs))
		return lf_err_set(err, -errno, "%s: %s", patch, strerror(errno));
	/*
	 * A dry run writes the patched files to $TMPDIR: they go to the
	 * journal (0700, removed with it), not to a shared /tmp.
	 */
	ret = lf_tmpdir_env(req->journal, tmpdir, sizeof(tmpdir));
	if (ret)
		return lf_err_set(err, ret, "%s: %s", req->journal, strerror(-ret));
	ret = lf_proc_run(&p, &status, err);
	if (ret)
		return ret;
	return explain_patch(patch, log, req->units, status != 0, err);
}

int lf_patchset_apply(struct lf_patchset *ps, const struct lf_patchset_req *req,
		      struct lf_err *err)
{
	char tmp[PATH_MAX], log[PATH_MAX];
	int ret;

	memset(ps, 0, sizeof(*ps));
	if (lf_path(ps->root, sizeof(ps->root), "%s", req->root) ||
	    lf_path(ps->journal, sizeof(ps->journal), "%s", req->journal) ||
	    lf_path(ps->scrub, sizeof(ps->scrub), "%s", req->scrub ? req->scrub : "") ||
	    lf_path(tmp, sizeof(tmp), "%s.tmp", req->journal) ||
	    lf_path(log, sizeof(log), "%s.patch.log", req->journal))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", req->journal);
	if (req->log && lf_path(log, sizeof(log), "%s", req->log))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", req->log);
	if (lf_path_exists(req->journal))
		return lf_err_set(err, -EEXIST,
				  "%s exists: a build is in progress or died (its restore failed)",
				  req->journal);
	ret = lf_rm_rf(tmp);
	if (ret)
		return lf_err_set(err, ret, "%s: %s", tmp, strerror(-ret));
	ret = write_journal(req, tmp, err);
	if (ret) {
		lf_rm_rf(tmp);
		return ret;
	}
	if (rename(tmp, req->journal)) {
		ret = -errno;
		lf_rm_rf(tmp);
		return lf_err_set(err, ret, "%s: %s", req->journal, strerror(-ret));
	}
	ps->active = true;

	for (size_t i = 0; i < req->npatches; i++) {
		ret = run_patch(req, req->patches[i], true, log, err);
		if (!ret)
			ret = run_patch(req, req->patches[i], false, log, err);
		if (ret) {
			struct lf_err rerr;

			lf_err_clear(&rerr);
			if (lf_patchset_restore(ps, &rerr)) {
				char first[sizeof(err->msg)];

				memcpy(first, err->msg, sizeof(first));
				lf_err_set(err, ret, "%.400s (and restoring the tree failed: %.400s)",
					   first, rerr.msg);
			}
			return ret;
		}
	}
	return 0;
}
