// SPDX-License-Identifier: GPL-2.0-only
/*
 * Running tools (make, patch, tar, apt) without a shell, and compiling
 * single units with kbuild in the target's prepared O= tree.
 */
#include "compile.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../sysfs.h"
#include "patchset.h"

extern char **environ;

/* ---- running tools ---------------------------------------------------- */

/*
 * Variables a child must not inherit: an outer make's jobserver and
 * overrides, kbuild knobs that would redirect or change the build, and
 * locale settings (we parse the tools' messages).
 */
static bool env_dropped(const char *kv)
{
	static const char *const names[] = {
		"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES",
		"GNUMAKEFLAGS", "KCFLAGS", "KCPPFLAGS", "KAFLAGS", "O",
		"LANG", "LANGUAGE",
	};
	static const char *const prefixes[] = { "KBUILD_", "LC_" };
	size_t len = strcspn(kv, "=");

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && !strncmp(kv, names[i], len))
			return true;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(kv, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

static char **child_env(const char *const *extra)
{
	size_t n = 0, nx = 0, k = 0;
	char **env;

	while (environ && environ[n])
		n++;
	while (extra && extra[nx])
		nx++;
	env = calloc(n + nx + 2, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t len = strcspn(environ[i], "=");
		bool replaced = false;

		for (size_t j = 0; j < nx && !replaced; j++)
			replaced = !strncmp(environ[i], extra[j], len) &&
				   extra[j][len] == '=';
		if (!replaced && !env_dropped(environ[i]))
			env[k++] = environ[i];
	}
	for (size_t i = 0; i < nx; i++)
		env[k++] = (char *)extra[i];
	env[k++] = "LC_ALL=C";
	env[k] = NULL;
	return env;
}

struct spawn_io {
	const char *in;		/* path, or NULL */
	int in_fd;		/* >= 0: dup to stdin (pipe end) */
	const char *out;
	int out_fd;		/* >= 0: dup to stdout */
	const char *log;
	int close_fds[2];	/* pipe ends the child must not keep */
};

static int spawn_one(const struct lf_proc *p, const struct spawn_io *io,
		     pid_t *pid, struct lf_err *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, defs;
	char **env;
	int ret;

	env = child_env(p->env);
	if (!env)
		return lf_err_set(err, -ENOMEM, "out of memory");
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);

	if (io->in_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, io->in_fd, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, io->in ? io->in : "/dev/null",
						 O_RDONLY, 0);
	if (io->out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, io->out_fd, 1);
	else if (io->out)
		posix_spawn_file_actions_addopen(&fa, 1, io->out,
						 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	else
		posix_spawn_file_actions_addopen(&fa, 1, io->log ? io->log : "/dev/null",
						 O_WRONLY | O_CREAT | O_APPEND, 0644);
	/* One open file for both streams when they share the log keeps order. */
	if (io->out_fd < 0 && !io->out)
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
	else
		posix_spawn_file_actions_addopen(&fa, 2, io->log ? io->log : "/dev/null",
						 O_WRONLY | O_CREAT | O_APPEND, 0644);
	for (int i = 0; i < 2; i++)
		if (io->close_fds[i] >= 0)
			posix_spawn_file_actions_addclose(&fa, io->close_fds[i]);
	if (p->cwd)
		posix_spawn_file_actions_addchdir_np(&fa, p->cwd);

	/*
	 * A group of its own, so cancelling reaches make's whole tree; our
	 * signal handlers must not survive into it, nor our signal mask.
	 */
	sigemptyset(&none);
	sigemptyset(&defs);
	sigaddset(&defs, SIGINT);
	sigaddset(&defs, SIGTERM);
	sigaddset(&defs, SIGHUP);
	sigaddset(&defs, SIGPIPE);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &defs);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
				 POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

	ret = posix_spawnp(pid, p->argv[0], &fa, &attr,
			   (char *const *)p->argv, env);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	if (ret)
		return lf_err_set(err, -ret, "cannot run %s: %s", p->argv[0],
				  strerror(ret));
	return 0;
}

static int decode_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 255;
}

/*
 * Wait for all @n children. Polling (rather than blocking in waitpid)
 * means a signal that arrives between our check of the flag and the wait
 * cannot make us sit out a long compile.
 */
static int wait_children(const pid_t *pids, int *status, size_t n,
			 const volatile sig_atomic_t *cancel)
{
	bool done[2] = { false, false };
	size_t left = n;
	struct timespec ts;
	long nap_us = 500;
	int64_t kill_at = 0, now;
	bool cancelled = false;

	while (left) {
		for (size_t i = 0; i < n; i++) {
			int st;
			pid_t r;

			if (done[i])
				continue;
			r = waitpid(pids[i], &st, WNOHANG);
			if (r == pids[i] || (r < 0 && errno == ECHILD)) {
				status[i] = r == pids[i] ? decode_status(st) : 255;
				done[i] = true;
				left--;
			}
		}
		if (!left)
			break;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		if (cancel && *cancel && !cancelled) {
			cancelled = true;
			kill_at = now + 5000;
			for (size_t i = 0; i < n; i++)
				if (!done[i])
					kill(-pids[i], SIGTERM);
		} else if (cancelled && now >= kill_at) {
			for (size_t i = 0; i < n; i++)
				if (!done[i])
					kill(-pids[i], SIGKILL);
			kill_at = now + 60000;
		}
		ts.tv_sec = 0;
		ts.tv_nsec = nap_us * 1000;
		nanosleep(&ts, NULL);
		if (nap_us < 20000)
			nap_us *= 2;
	}
	return cancelled || (cancel && *cancel) ? -EINTR : 0;
}

int lf_tmpdir_env(const char *dir, char *buf, size_t size)
{
	char abs[PATH_MAX];

	if (!realpath(dir, abs))
		return -errno;
	return lf_path(buf, size, "TMPDIR=%s", abs) ? -ENAMETOOLONG : 0;
}

int lf_proc_run(const struct lf_proc *p, int *status, struct lf_err *err)
{
	struct spawn_io io = {
		.in = p->in, .in_fd = -1, .out = p->out, .out_fd = -1,
		.log = p->log, .close_fds = { -1, -1 },
	};
	pid_t pid;
	int ret;

	*status = -1;
	if (p->cancel && *p->cancel)
		return lf_err_set(err, -EINTR, "interrupted");
	ret = spawn_one(p, &io, &pid, err);
	if (ret)
		return ret;
	if (wait_children(&pid, status, 1, p->cancel))
		return lf_err_set(err, -EINTR, "interrupted");
	return 0;
}

int lf_proc_pipe(const struct lf_proc *a, const struct lf_proc *b,
		 int *status_a, int *status_b, struct lf_err *err)
{
	struct spawn_io ia = { .in = a->in, .in_fd = -1, .out_fd = -1,
			       .log = a->log };
	struct spawn_io ib = { .in_fd = -1, .out = b->out, .out_fd = -1,
			       .log = b->log };
	int fds[2], st[2] = { 255, 255 }, ret;
	pid_t pids[2];

	*status_a = *status_b = -1;
	if (a->cancel && *a->cancel)
		return lf_err_set(err, -EINTR, "interrupted");
	if (pipe2(fds, O_CLOEXEC))
		return lf_err_set(err, -errno, "pipe: %s", strerror(errno));
	ia.out_fd = fds[1];
	ia.close_fds[0] = fds[0];
	ia.close_fds[1] = -1;
	ib.in_fd = fds[0];
	ib.close_fds[0] = fds[1];
	ib.close_fds[1] = -1;
	ret = spawn_one(a, &ia, &pids[0], err);
	if (ret) {
		close(fds[0]);
		close(fds[1]);
		return ret;
	}
	ret = spawn_one(b, &ib, &pids[1], err);
	close(fds[0]);
	close(fds[1]);
	if (ret) {
		kill(-pids[0], SIGTERM);
		wait_children(pids, st, 1, NULL);
		return ret;
	}
	ret = wait_children(pids, st, 2, a->cancel);
	*status_a = st[0];
	*status_b = st[1];
	if (ret)
		return lf_err_set(err, -EINTR, "interrupted");
	return 0;
}

int lf_proc_capture(const char *const *argv, char *buf, size_t size,
		    int *status, struct lf_err *err)
{
	struct lf_proc p = { .argv = argv };
	struct spawn_io io = { .in_fd = -1, .out_fd = -1,
			       .close_fds = { -1, -1 } };
	size_t len = 0;
	bool overflow = false;
	int fds[2], ret;
	pid_t pid;

	*status = -1;
	buf[0] = '\0';
	if (size < 2)
		return lf_err_set(err, -EINVAL, "capture buffer too small");
	if (pipe2(fds, O_CLOEXEC))
		return lf_err_set(err, -errno, "pipe: %s", strerror(errno));
	io.out_fd = fds[1];
	io.close_fds[0] = fds[0];
	ret = spawn_one(&p, &io, &pid, err);
	close(fds[1]);
	if (ret) {
		close(fds[0]);
		return ret;
	}
	for (;;) {
		char tmp[4096];
		ssize_t n = read(fds[0], tmp, sizeof(tmp));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len + (size_t)n >= size) {
			overflow = true;
			continue;	/* drain, so the child can finish */
		}
		memcpy(buf + len, tmp, (size_t)n);
		len += (size_t)n;
	}
	close(fds[0]);
	wait_children(&pid, status, 1, NULL);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' ' ||
		       buf[len - 1] == '\t' || buf[len - 1] == '\r'))
		len--;
	buf[len] = '\0';
	if (overflow)
		return lf_err_set(err, -EFBIG, "%s: output too long", argv[0]);
	return 0;
}

/* ---- logs -------------------------------------------------------------- */

static void strip_copy(char *dst, size_t size, const char *line, size_t len,
		       const char *strip)
{
	size_t slen = strip ? strlen(strip) : 0, o = 0;

	for (size_t i = 0; i < len && o + 1 < size;) {
		if (slen && i + slen <= len && !strncmp(line + i, strip, slen)) {
			i += slen;
			continue;
		}
		dst[o++] = line[i++];
	}
	dst[o] = '\0';
}

static bool line_has(const char *line, size_t len, const char *needle)
{
	size_t nl = strlen(needle);

	for (size_t i = 0; i + nl <= len; i++)
		if (!strncmp(line + i, needle, nl))
			return true;
	return false;
}

void lf_log_first_error(const char *log, const char *strip, char *buf,
			size_t size)
{
	const char *make_line = NULL, *last = NULL, *p, *end;
	size_t make_len = 0, last_len = 0;
	char *text = NULL;
	size_t len;

	if (!size)
		return;
	buf[0] = '\0';
	if (lf_slurp(log, &text, &len, 64u << 20))
		return;
	for (p = text; p < text + len; p = end + 1) {
		size_t l;

		end = memchr(p, '\n', (size_t)(text + len - p));
		if (!end)
			end = text + len;
		l = (size_t)(end - p);
		if (line_has(p, l, "error:") || line_has(p, l, "Error:")) {
			/* make's "*** [...] Error 1" has no colon after Error. */
			strip_copy(buf, size, p, l, strip);
			free(text);
			return;
		}
		if (!make_line && line_has(p, l, "*** ")) {
			make_line = p;
			make_len = l;
		}
		if (l) {
			last = p;
			last_len = l;
		}
	}
	if (make_line)
		strip_copy(buf, size, make_line, make_len, strip);
	else if (last)
		strip_copy(buf, size, last, last_len, strip);
	free(text);
}

/* ---- kbuild ------------------------------------------------------------ */

int lf_kbuild_init(struct lf_kbuild *k, const struct lf_target *t,
		   const char *objdir, unsigned int jobs,
		   const char *const *targets, size_t ntargets)
{
	size_t n = 0;

	k->argv = calloc(ntargets + 10, sizeof(*k->argv));
	if (!k->argv)
		return -ENOMEM;
	if (lf_path(k->o_arg, sizeof(k->o_arg), "O=%s", objdir)) {
		free(k->argv);
		k->argv = NULL;
		return -ENAMETOOLONG;
	}
	snprintf(k->j_arg, sizeof(k->j_arg), "-j%u", jobs ? jobs : 1);
	k->argv[n++] = "make";
	k->argv[n++] = "-C";
	k->argv[n++] = t->src;
	k->argv[n++] = k->o_arg;
	/*
	 * Kconfig asks the host's rustc for its version on every run; the
	 * distro's .config was made without one (CONFIG_RUSTC_VERSION=0),
	 * and a different answer would change the configuration.
	 */
	k->argv[n++] = "RUSTC=false";
	/*
	 * An -I only adds a place to look for headers: objects that do not
	 * include <livefix/fix.h> compile to the same code with or without it.
	 */
	if (t->fix_include && *t->fix_include) {
		if (lf_path(k->kc_arg, sizeof(k->kc_arg), "KCFLAGS=%s -I%s",
			    LF_KCFLAGS, t->fix_include)) {
			free(k->argv);
			k->argv = NULL;
			return -ENAMETOOLONG;
		}
		k->argv[n++] = k->kc_arg;
	} else {
		k->argv[n++] = "KCFLAGS=" LF_KCFLAGS;
	}
	k->argv[n++] = k->j_arg;
	for (size_t i = 0; i < ntargets; i++)
		k->argv[n++] = targets[i];
	k->argv[n] = NULL;
	return 0;
}

void lf_kbuild_free(struct lf_kbuild *k)
{
	free(k->argv);
	k->argv = NULL;
}

bool lf_unit_path_ok(const char *unit)
{
	size_t len = strlen(unit);
	const char *p;

	if (len < 3 || len > 512 || unit[0] == '/' || strcmp(unit + len - 2, ".c"))
		return false;
	for (p = unit; *p; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr("_-.,+/", c)))
			return false;
	}
	return lf_relpath_inside(unit);
}

/* "fs/proc/version.c" + ".o" -> "fs/proc/version.o". */
static int unit_target(const char *unit, const char *ext, char *buf,
		       size_t size)
{
	size_t len = strlen(unit);

	return lf_path(buf, size, "%.*s%s", (int)(len - 2), unit, ext);
}

/* <obj>/fs/proc/.version.<ext>.cmd */
static int unit_cmdfile(const char *obj, const char *unit, const char *ext,
			char *buf, size_t size)
{
	const char *slash = strrchr(unit, '/');
	size_t dlen = slash ? (size_t)(slash - unit) + 1 : 0;
	const char *base = unit + dlen;

	return lf_path(buf, size, "%s/%.*s.%.*s%s.cmd", obj, (int)dlen, unit,
		       (int)(strlen(base) - 2), base, ext);
}

int lf_vmlinux_has_unit(const struct lf_target *t, const char *unit,
			bool *found, struct lf_err *err)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	Dwarf *dw;
	int fd;

	*found = false;
	fd = open(t->vmlinux, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lf_err_set(err, -errno, "%s: %s", t->vmlinux, strerror(errno));
	dw = dwarf_begin(fd, DWARF_C_READ);
	if (!dw) {
		close(fd);
		return lf_err_set(err, -EINVAL, "%s: no DWARF: %s", t->vmlinux,
				  dwarf_errmsg(-1));
	}
	/* The CU names are kbuild's relative source paths; reading ~2500
	 * CU headers takes well under a second. */
	while (!*found && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die die;
		const char *name;

		if (dwarf_offdie(dw, off + hsize, &die)) {
			name = dwarf_diename(&die);
			if (name && !strcmp(name, unit))
				*found = true;
		}
		off = next;
	}
	dwarf_end(dw);
	close(fd);
	return 0;
}

int lf_kbuild_cmd_module(const char *cmdfile, bool *is_module, char *modname,
			 size_t size)
{
	const char *p, *q;
	char *text;
	size_t len;
	int ret;

	*is_module = false;
	modname[0] = '\0';
	ret = lf_slurp(cmdfile, &text, &len, 4u << 20);
	if (ret)
		return ret;
	/* Only the command line (first line), not the dependency list. */
	q = strchr(text, '\n');
	if (q)
		text[q - text] = '\0';
	for (p = text; (p = strstr(p, "-DMODULE")); p += 8)
		if (p[8] == ' ' || p[8] == '\0' || p[8] == '\t')
			*is_module = true;
	p = strstr(text, "-DKBUILD_MODNAME=");
	if (p) {
		p = strchr(p, '"');
		q = p ? strchr(p + 1, '"') : NULL;
		if (p && q && (size_t)(q - p - 1) < size) {
			memcpy(modname, p + 1, (size_t)(q - p - 1));
			modname[q - p - 1] = '\0';
		}
	}
	free(text);
	return modname[0] ? 0 : -ENOENT;
}

/* Does the image's modules.order list @mod? -ENOENT: no image to ask. */
static int image_has_module(const struct lf_target *t, const char *mod,
			    bool *found)
{
	char path[PATH_MAX], *text, *line, *save = NULL;
	size_t len;
	int ret;

	*found = false;
	if (lf_path(path, sizeof(path), "%s/lib/modules/%s/modules.order",
		    t->image, t->abi))
		return -ENAMETOOLONG;
	ret = lf_slurp(path, &text, &len, 16u << 20);
	if (ret)
		return ret;
	for (line = strtok_r(text, "\n", &save); line && !*found;
	     line = strtok_r(NULL, "\n", &save)) {
		char *base = strrchr(line, '/'), *dot;

		base = base ? base + 1 : line;
		dot = strstr(base, ".ko");
		if (dot)
			*dot = '\0';
		for (char *c = base; *c; c++)
			if (*c == '-')
				*c = '_';
		*found = !strcmp(base, mod);
	}
	free(text);
	return 0;
}

/*
 * How a unit's object is found:
 *
 * vmlinux is decided by the shipped image: the unit must be a DWARF
 * compilation unit of the -dbg vmlinux (its names are kbuild's relative
 * source paths). Otherwise kbuild decides: preprocessing the unit records
 * its flags in the .cmd file, and kbuild passes -DMODULE only to objects
 * in an obj-m (composite) list of this .config, with KBUILD_MODNAME the
 * module's name; the name is checked against the unpacked image's
 * modules.order when provisioning left one in the cache. kbuild will
 * happily compile any .c named on its command line, so neither a file
 * #included by another one (kernel/sched/rt.c) nor one this configuration
 * does not build passes either test, and both are refused.
 */
int lf_unit_owner(const struct lf_target *t, const char *unit, char *owner,
		  size_t size, struct lf_err *err)
{
	bool found = false;
	int ret;

	if (!lf_unit_path_ok(unit))
		return lf_err_set(err, -EINVAL, "%s: not a kernel source path", unit);
	if (t->vmlinux[0]) {
		ret = lf_vmlinux_has_unit(t, unit, &found, err);
		if (ret)
			return ret;
		if (found)
			return lf_path(owner, size, "vmlinux");
	}
	return lf_unit_kbuild_owner(t, unit, owner, size, err);
}

int lf_unit_kbuild_owner(const struct lf_target *t, const char *unit, char *owner,
			 size_t size, struct lf_err *err)
{
	char target[PATH_MAX], cmdfile[PATH_MAX], ipath[PATH_MAX], log[PATH_MAX];
	char mod[64], first[512];
	const char *targets[1];
	struct lf_kbuild k;
	struct lf_proc p = { 0 };
	bool found = false, is_module;
	int ret, status;

	if (!lf_unit_path_ok(unit))
		return lf_err_set(err, -EINVAL, "%s: not a kernel source path", unit);

	/*
	 * Preprocessing is the cheap way to get kbuild's flags, but a unit
	 * that includes a header kbuild generates only as a dependency of
	 * the object (fs/smb/client/asn1.c, from the ASN.1 compiler) cannot
	 * be preprocessed alone: then the object is built, and thrown away.
	 */
	for (size_t pass = 0; pass < 2; pass++) {
		const char *ext = pass ? ".o" : ".i";

		if (unit_target(unit, ext, target, sizeof(target)) ||
		    unit_cmdfile(t->obj, unit, ext, cmdfile, sizeof(cmdfile)) ||
		    lf_path(ipath, sizeof(ipath), "%s/%s", t->obj, target) ||
		    lf_path(log, sizeof(log), "%s/owner%s.log", t->logdir, ext))
			return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", unit);
		unlink(cmdfile);
		unlink(log);
		targets[0] = target;
		if (lf_kbuild_init(&k, t, t->obj, 1, targets, 1))
			return lf_err_set(err, -ENOMEM, "out of memory");
		p.argv = k.argv;
		p.log = log;
		p.cancel = t->cancel;
		ret = lf_proc_run(&p, &status, err);
		lf_kbuild_free(&k);
		unlink(ipath);		/* megabytes of preprocessed text, or the object */
		if (ret)
			return ret;
		if (!status)
			break;
		if (!pass)
			lf_log_first_error(log, NULL, first, sizeof(first));
	}
	if (status)
		return lf_err_set(err, -EIO, "%s: kbuild cannot preprocess it: %s",
				  unit, first);
	ret = lf_kbuild_cmd_module(cmdfile, &is_module, mod, sizeof(mod));
	if (ret)
		return lf_err_set(err, ret, "%s: no kbuild flags in %s", unit, cmdfile);
	if (is_module) {
		ret = image_has_module(t, mod, &found);
		if (ret == 0 && !found)
			return lf_err_set(err, -ENOENT,
					  "%s: kbuild builds it into module %s, which the shipped kernel does not have",
					  unit, mod);
		return lf_path(owner, size, "%s", mod);
	}
	if (!t->vmlinux[0])	/* no image to ask: trust kbuild */
		return lf_path(owner, size, "vmlinux");
	return lf_err_set(err, -ENOENT,
			  "%s: not a compilation unit of this kernel (in neither vmlinux nor a module: #included by another file, or not built in this configuration)",
			  unit);
}

/* Which of @units does an error line (already stripped) name? */
static size_t blame_unit(const char *line, const char *const *units, size_t n,
			 const char *log)
{
	char objname[PATH_MAX], *text = NULL;
	size_t len;

	for (size_t i = 0; i < n; i++)
		if (!strncmp(line, units[i], strlen(units[i])) &&
		    line[strlen(units[i])] == ':')
			return i;
	/* make names the failing target: "*** [...: fs/proc/version.o] Error 1". */
	if (lf_slurp(log, &text, &len, 64u << 20))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (unit_target(units[i], ".o] Error", objname, sizeof(objname)))
			continue;
		if (strstr(text, objname)) {
			free(text);
			return i;
		}
	}
	free(text);
	return 0;
}

/*
 * Keep kbuild's <dir>/.<unit>.o.cmd beside the copied object as
 * <out>.cmd: for a unit that exports symbols it holds their MODVERSIONS
 * CRCs ("#SYMVER" lines). A unit without one is fine.
 */
static int copy_cmd_file(const struct lf_target *t, const char *target,
			 const char *out)
{
	char from[PATH_MAX], to[PATH_MAX];
	const char *base = strrchr(target, '/');
	int ret;

	base = base ? base + 1 : target;
	if (lf_path(from, sizeof(from), "%s/%.*s.%s.cmd", t->obj,
		    (int)(base - target), target, base) ||
	    lf_path(to, sizeof(to), "%s.cmd", out))
		return -ENAMETOOLONG;
	if (!lf_path_exists(from))
		return 0;
	ret = lf_copy_file(from, to, false);
	return ret;
}

/*
 * Keep genksyms' <dir>/<unit>.symtypes (KBUILD_SYMTYPES=1) beside the
 * copied object as <out>.symtypes: when a CRC moves, it tells a changed
 * interface from a unit that merely sees more types (symtypes.h).
 */
static int symtypes_path(const struct lf_target *t, const char *target,
			 char *buf, size_t size)
{
	size_t len = strlen(target);

	if (len < 2 || strcmp(target + len - 2, ".o"))
		return -EINVAL;
	return lf_path(buf, size, "%s/%.*s.symtypes", t->obj, (int)(len - 2), target);
}

static int copy_symtypes(const struct lf_target *t, const char *target,
			 const char *out)
{
	char from[PATH_MAX], to[PATH_MAX];

	if (symtypes_path(t, target, from, sizeof(from)) ||
	    lf_path(to, sizeof(to), "%s.symtypes", out))
		return -ENAMETOOLONG;
	if (!lf_path_exists(from))
		return 0;
	return lf_copy_file(from, to, false);
}

int lf_compile_units(const struct lf_target *t, const char *const *units,
		     const char *const *outs, size_t n, unsigned int jobs,
		     const char *log, struct lf_err *err)
{
	char **targets = NULL, strip[PATH_MAX + 2], first[700];
	char outdir[PATH_MAX], tmpdir[PATH_MAX + 8], *slash;
	const char *env[] = { tmpdir, NULL };
	struct lf_proc p = { .env = env };
	struct lf_kbuild k = { 0 };
	int ret = 0, status;
	size_t i;

	if (!n)
		return 0;
	/*
	 * gcc writes each unit's assembly to $TMPDIR before assembling it:
	 * for the patched tree, that is the fix, so it goes where the
	 * objects go rather than to a shared /tmp.
	 */
	if (lf_path(outdir, sizeof(outdir), "%s", outs[0]))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", outs[0]);
	slash = strrchr(outdir, '/');
	if (!slash)
		lf_path(outdir, sizeof(outdir), ".");
	else if (slash == outdir)
		outdir[1] = '\0';	/* "/x.o": the root */
	else
		*slash = '\0';
	ret = lf_tmpdir_env(outdir, tmpdir, sizeof(tmpdir));
	if (ret)
		return lf_err_set(err, ret, "%s: %s", outdir, strerror(-ret));
	/* Each unit's target, its objtool opt-out (see below), symtypes. */
	targets = calloc(2 * n + 1, sizeof(*targets));
	if (!targets)
		return lf_err_set(err, -ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		char objpath[PATH_MAX];
		const char *base;

		if (!lf_unit_path_ok(units[i])) {
			ret = lf_err_set(err, -EINVAL, "%s: not a kernel source path",
					 units[i]);
			goto out;
		}
		targets[i] = malloc(PATH_MAX);
		if (!targets[i] ||
		    unit_target(units[i], ".o", targets[i], PATH_MAX) ||
		    lf_path(objpath, sizeof(objpath), "%s/%s", t->obj, targets[i])) {
			ret = lf_err_set(err, -ENAMETOOLONG, "%s: path too long",
					 units[i]);
			goto out;
		}
		if (unlink(objpath) && errno != ENOENT) {
			ret = lf_err_set(err, -errno, "%s: %s", objpath, strerror(errno));
			goto out;
		}
		/* A unit without exports writes none: never keep a stale one. */
		if (!symtypes_path(t, targets[i], objpath, sizeof(objpath)))
			unlink(objpath);
		/*
		 * vmlinux objects reach objtool only when vmlinux.o is linked,
		 * but a single-object module's object goes through it right
		 * after compiling (ORC, call/return sites, ...). The differ and
		 * the emitter want every unit as the compiler left it, and the
		 * patch module's own link runs objtool over the result, so the
		 * unit is marked non-standard for this build; a command-line
		 * variable overrides the directory Makefile's.
		 */
		base = strrchr(targets[i], '/');
		base = base ? base + 1 : targets[i];
		targets[n + i] = malloc(PATH_MAX);
		if (!targets[n + i] ||
		    lf_path(targets[n + i], PATH_MAX, "OBJECT_FILES_NON_STANDARD_%s=y",
			    base)) {
			ret = lf_err_set(err, -ENOMEM, "out of memory");
			goto out;
		}
	}
	targets[2 * n] = strdup("KBUILD_SYMTYPES=1");
	if (!targets[2 * n] ||
	    lf_kbuild_init(&k, t, t->obj, jobs, (const char *const *)targets, 2 * n + 1)) {
		ret = lf_err_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	unlink(log);
	p.argv = k.argv;
	p.log = log;
	p.cancel = t->cancel;
	ret = lf_proc_run(&p, &status, err);
	if (ret)
		goto out;
	if (status) {
		size_t bad;

		lf_path(strip, sizeof(strip), "%s/", t->src);
		lf_log_first_error(log, strip, first, sizeof(first));
		bad = blame_unit(first, units, n, log);
		ret = lf_err_set(err, -EIO, "compile %s failed: %s", units[bad],
				 first[0] ? first : "make gave no output");
		goto out;
	}
	for (i = 0; i < n; i++) {
		char objpath[PATH_MAX];

		lf_path(objpath, sizeof(objpath), "%s/%s", t->obj, targets[i]);
		ret = lf_copy_file(objpath, outs[i], false);
		if (ret) {
			ret = lf_err_set(err, ret, "compile %s: cannot copy %s to %s: %s",
					 units[i], objpath, outs[i], strerror(-ret));
			goto out;
		}
		ret = copy_cmd_file(t, targets[i], outs[i]);
		if (!ret)
			ret = copy_symtypes(t, targets[i], outs[i]);
		if (ret) {
			ret = lf_err_set(err, ret, "compile %s: cannot keep its .cmd and .symtypes files: %s",
					 units[i], strerror(-ret));
			goto out;
		}
	}
out:
	lf_kbuild_free(&k);
	for (i = 0; i < 2 * n + 1 && targets; i++)
		free(targets[i]);
	free(targets);
	return ret;
}

int lf_compile_unit(const struct lf_target *t, const char *unit,
		    const char *out, struct lf_err *err)
{
	char log[PATH_MAX];

	if (lf_path(log, sizeof(log), "%s/compile.log", t->logdir))
		return lf_err_set(err, -ENAMETOOLONG, "%s: log path too long",
				  t->logdir);
	return lf_compile_units(t, &unit, &out, 1, t->jobs, log, err);
}
