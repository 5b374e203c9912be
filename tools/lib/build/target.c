// SPDX-License-Identifier: GPL-2.0-only
/*
 * The per-ABI build cache: headers, source tree, prepared O= tree, and the
 * -dbg vmlinux. See target.h for the layout and its atomicity rules.
 */
#include "target.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../deadline.h"
#include "../strv.h"
#include "../sysfs.h"
#include "compile.h"
#include "patchset.h"

#define SOURCE_PKG "linux-source-6.12"
#define SOURCE_TARBALL "/usr/src/linux-source-6.12.tar.xz"

static void note(const struct lf_target *t, unsigned int flags,
		 const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void note(const struct lf_target *t, unsigned int flags,
		 const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!(flags & LF_TARGET_VERBOSE) || !t->note)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	t->note(msg);
}

/* ---- names ------------------------------------------------------------- */

int lf_cache_root(char *buf, size_t size, struct lf_err *err)
{
	const char *c = getenv("LIVEFIX_CACHE"), *home;

	if (c && *c)
		return lf_path(buf, size, "%s", c) ?
			lf_err_set(err, -ENAMETOOLONG, "LIVEFIX_CACHE is too long") : 0;
	c = getenv("XDG_CACHE_HOME");
	if (c && *c)
		return lf_path(buf, size, "%s/livefix", c) ?
			lf_err_set(err, -ENAMETOOLONG, "XDG_CACHE_HOME is too long") : 0;
	home = getenv("HOME");
	if (!home || !*home) {
		struct passwd *pw = getpwuid(getuid());

		home = pw ? pw->pw_dir : NULL;
	}
	if (!home)
		return lf_err_set(err, -ENOENT,
				  "no cache directory: set LIVEFIX_CACHE or HOME");
	return lf_path(buf, size, "%s/.cache/livefix", home) ?
		lf_err_set(err, -ENAMETOOLONG, "HOME is too long") : 0;
}

bool lf_abi_valid(const char *abi)
{
	size_t len = strlen(abi);

	if (!len || len >= LF_ABI_MAX || abi[0] < '0' || abi[0] > '9')
		return false;
	for (const char *p = abi; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z') || strchr(".+~_-", *p)))
			return false;
	return !strstr(abi, "..");
}

int lf_abi_from_debver(const char *debver, char *buf, size_t size)
{
	size_t up = strcspn(debver, "-");

	if (!up || debver[0] < '0' || debver[0] > '9')
		return -EINVAL;
	return lf_path(buf, size, "%.*s+deb12-amd64", (int)up, debver);
}

/* Installed version of @pkg, or -ENOENT. */
static int installed_version(const char *pkg, char *buf, size_t size)
{
	const char *argv[] = { "dpkg-query", "-W", "-f",
			       "${db:Status-Status} ${Version}", pkg, NULL };
	char out[256];
	int status;

	if (lf_proc_capture(argv, out, sizeof(out), &status, NULL) || status ||
	    strncmp(out, "installed ", 10) || !out[10])
		return -ENOENT;
	return lf_path(buf, size, "%s", out + 10);
}

int lf_target_default_abi(char *buf, size_t size, struct lf_err *err)
{
	const char *env = getenv("LIVEFIX_ABI");
	char ver[128], out[8192];
	int status;

	if (env && *env)
		return lf_path(buf, size, "%s", env) ?
			lf_err_set(err, -ENAMETOOLONG, "LIVEFIX_ABI is too long") : 0;
	if (installed_version(SOURCE_PKG, ver, sizeof(ver))) {
		const char *argv[] = { "apt-cache", "policy", SOURCE_PKG, NULL };
		const char *c;

		ver[0] = '\0';
		if (!lf_proc_capture(argv, out, sizeof(out), &status, NULL) &&
		    !status && (c = strstr(out, "Candidate: ")))
			snprintf(ver, sizeof(ver), "%.*s", (int)strcspn(c + 11, "\n"),
				 c + 11);
	}
	if (!ver[0] || !strcmp(ver, "(none)") ||
	    lf_abi_from_debver(ver, buf, size))
		return lf_err_set(err, -ENOENT,
				  "cannot determine the target ABI: %s is neither installed nor in the apt lists (use -t ABI or LIVEFIX_ABI)",
				  SOURCE_PKG);
	return 0;
}

void lf_obj_key(const char *src_realpath, char *buf, size_t size)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a: stable, no deps */

	for (const unsigned char *p = (const unsigned char *)src_realpath; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ull;
	}
	snprintf(buf, size, "obj-%016llx", (unsigned long long)h);
}

int lf_config_value(const char *config, const char *key, char *buf,
		    size_t size)
{
	char *text, *line, *save = NULL;
	size_t len, klen = strlen(key);
	int ret = -ENOENT;

	if (lf_slurp(config, &text, &len, 16u << 20))
		return -ENOENT;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *v;
		size_t vl;

		if (strncmp(line, "CONFIG_", 7) || strncmp(line + 7, key, klen) ||
		    line[7 + klen] != '=')
			continue;
		v = line + 8 + klen;
		vl = strlen(v);
		if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
			v++;
			vl -= 2;
		}
		ret = lf_path(buf, size, "%.*s", (int)vl, v);
		break;
	}
	free(text);
	return ret;
}

/* ---- compiler ---------------------------------------------------------- */

int lf_check_cc(const char *cc, const char *want, char *got, size_t size,
		struct lf_err *err)
{
	struct lf_strv words = { 0 };
	const char **argv;
	char out[4096];
	int status, ret;

	if (lf_strv_split_ws(&words, cc) || !words.n) {
		lf_strv_free(&words);
		return lf_err_set(err, -EINVAL, "no compiler command");
	}
	argv = calloc(words.n + 2, sizeof(*argv));
	if (!argv) {
		lf_strv_free(&words);
		return lf_err_set(err, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < words.n; i++)
		argv[i] = words.v[i];
	argv[words.n] = "--version";
	ret = lf_proc_capture(argv, out, sizeof(out), &status, err);
	free(argv);
	if (!ret && status == 127)
		ret = lf_err_set(err, -ENOENT, "compiler %s not found", words.v[0]);
	else if (!ret && status)
		ret = lf_err_set(err, -EIO, "compiler %s --version failed", cc);
	if (!ret) {
		snprintf(got, size, "%.*s", (int)strcspn(out, "\n"), out);
		if (strcmp(got, want))
			ret = lf_err_set(err, -EINVAL,
					 "compiler mismatch: %s is '%s' but the kernel was built with '%s'",
					 cc, got, want);
	}
	lf_strv_free(&words);
	return ret;
}

/*
 * The compiler Debian's kbuild runs is whatever .kernelvariables (shipped
 * in the headers and included by Debian's top Makefile) sets CC to; let
 * make itself evaluate it. Without that file, the first word of
 * CONFIG_CC_VERSION_TEXT is how the compiler called itself.
 */
static int kbuild_cc(const struct lf_target *t, const char *version_text,
		     char *cc, size_t size, struct lf_err *err)
{
	char kv[PATH_MAX], out[512];
	int status;

	if (lf_path(kv, sizeof(kv), "%s/.kernelvariables", t->kdir))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", t->kdir);
	if (lf_path_exists(kv)) {
		const char *argv[] = {
			"make", "-s", "--no-print-directory", "-f", kv,
			"--eval=livefix-print-cc: ; @echo '$(CC)'",
			"livefix-print-cc", NULL,
		};
		int ret = lf_proc_capture(argv, out, sizeof(out), &status, err);

		if (ret)
			return ret;
		if (status || !out[0])
			return lf_err_set(err, -EIO, "%s: cannot evaluate CC", kv);
		{
			const char *s = out + strspn(out, " \t");

			return lf_path(cc, size, "%s", s);
		}
	}
	snprintf(cc, size, "%.*s", (int)strcspn(version_text, " "), version_text);
	return 0;
}

/* ---- steps ------------------------------------------------------------- */

int lf_target_run_logged(const struct lf_target *t, const char *what,
		      const char *const *argv, const char *cwd,
		      const char *const *env, struct lf_err *err)
{
	char log[PATH_MAX], first[512];
	struct lf_proc p = {
		.argv = argv, .cwd = cwd, .env = env, .cancel = t->cancel,
	};
	int status, ret;

	if (lf_path(log, sizeof(log), "%s/prepare.log", t->logdir))
		return lf_err_set(err, -ENAMETOOLONG, "log path too long");
	p.log = log;
	ret = lf_proc_run(&p, &status, err);
	if (ret)
		return ret;
	if (status) {
		lf_log_first_error(log, NULL, first, sizeof(first));
		return lf_err_set(err, -EIO, "%s failed: %s (log: %s)", what,
				  first[0] ? first : "no output", log);
	}
	return 0;
}

/* The one *.deb in @dir (apt-get download's result). */
static int find_deb(const char *dir, const char *prefix, char *buf,
		    size_t size)
{
	struct lf_strv names = { 0 };
	int ret = -ENOENT;

	if (lf_list_dir(dir, LF_LIST_ALL, &names))
		return -ENOENT;
	for (size_t i = 0; i < names.n; i++) {
		size_t l = strlen(names.v[i]);

		if (!strncmp(names.v[i], prefix, strlen(prefix)) && l > 4 &&
		    !strcmp(names.v[i] + l - 4, ".deb")) {
			ret = lf_path(buf, size, "%s/%s", dir, names.v[i]);
			break;
		}
	}
	lf_strv_free(&names);
	return ret;
}

int lf_target_apt_download(const struct lf_target *t, const char *pkg,
			const char *dir, char *deb, size_t size,
			struct lf_err *err)
{
	char spec[256], prefix[200];
	const char *argv[] = { "apt-get", "download", "-q", spec, NULL };
	int ret;

	snprintf(spec, sizeof(spec), "%s=%s", pkg, t->debver);
	snprintf(prefix, sizeof(prefix), "%s_", pkg);
	ret = lf_target_run_logged(t, spec, argv, dir, NULL, err);
	if (ret) {
		lf_err_prefix(err, "apt-get download ");
		return ret;
	}
	if (find_deb(dir, prefix, deb, size))
		return lf_err_set(err, -ENOENT, "apt-get download %s left no .deb in %s",
				  spec, dir);
	return 0;
}

/*
 * Extract @members from a .deb's data archive into @dir. tar stops once
 * it has every member (--occurrence), which matters for the 1 GB -dbg
 * package whose vmlinux comes first; dpkg-deb then dies of the closed
 * pipe, which is expected.
 */
int lf_target_deb_tar(const struct lf_target *t, const char *deb,
		      const char *const *tar_argv, const char *out,
		      const char *what, int *deb_status, struct lf_err *err)
{
	const char *a_argv[] = { "dpkg-deb", "--fsys-tarfile", deb, NULL };
	char log[PATH_MAX], first[512];
	struct lf_proc a = { .argv = a_argv, .cancel = t->cancel };
	struct lf_proc b = { .argv = tar_argv, .out = out, .cancel = t->cancel };
	int sb, ret;

	if (lf_path(log, sizeof(log), "%s/prepare.log", t->logdir))
		return lf_err_set(err, -ENAMETOOLONG, "log path too long");
	a.log = log;
	b.log = log;
	ret = lf_proc_pipe(&a, &b, deb_status, &sb, err);
	if (ret)
		return ret;
	if (sb) {
		lf_log_first_error(log, NULL, first, sizeof(first));
		return lf_err_set(err, -EIO, "%s: %s failed: %s", deb, what,
				  first[0] ? first : "no output");
	}
	return 0;
}

static int deb_extract(const struct lf_target *t, const char *deb,
		       const char *dir, const char *const *members, size_t n,
		       struct lf_err *err)
{
	const char *b_argv[12] = { "tar", "-x", "-C", dir, "--occurrence" };
	char what[300];
	int sa;

	if (n > 6)
		return lf_err_set(err, -EINVAL, "too many members");
	for (size_t i = 0; i < n; i++)
		b_argv[5 + i] = members[i];
	snprintf(what, sizeof(what), "extracting %s", members[0]);
	/* dpkg-deb's own status is moot: see above. */
	return lf_target_deb_tar(t, deb, b_argv, NULL, what, &sa, err);
}

static int step_headers_known(struct lf_target *t, unsigned int flags,
			      struct lf_err *err)
{
	char pkg[128], out[256];
	const char *argv[] = { "apt-cache", "show", "--no-all-versions", pkg, NULL };
	int status, ret;

	snprintf(pkg, sizeof(pkg), "linux-headers-%s", t->abi);
	if (lf_is_dir(t->kdir))
		return 0;
	/* A package's record is longer than the buffer: -EFBIG means found. */
	ret = lf_proc_capture(argv, out, sizeof(out), &status, NULL);
	if (ret != -EFBIG && (ret || status || !out[0]))
		return lf_err_set(err, -ENOENT,
				  "unknown ABI %s: the archive has no %s (apt-cache policy %s lists the known versions)",
				  t->abi, pkg, SOURCE_PKG);
	if ((flags & LF_TARGET_NO_INSTALL) || geteuid() != 0)
		return lf_err_set(err, -ENOENT,
				  "%s is not installed (as root: apt-get install %s)",
				  pkg, pkg);
	return 0;
}

static int step_headers(struct lf_target *t, unsigned int flags,
			struct lf_err *err)
{
	char pkg[128];
	const char *argv[] = { "apt-get", "install", "-y", "-q",
			       "--no-install-recommends", pkg, NULL };
	const char *env[] = { "DEBIAN_FRONTEND=noninteractive", NULL };
	int ret;

	snprintf(pkg, sizeof(pkg), "linux-headers-%s", t->abi);
	if (!lf_is_dir(t->kdir)) {
		note(t, flags, "prepare: installing %s", pkg);
		ret = lf_target_run_logged(t, "apt-get install", argv, NULL, env, err);
		if (ret)
			return ret;
	}
	if (installed_version(pkg, t->debver, sizeof(t->debver)))
		return lf_err_set(err, -ENOENT, "%s: not installed as a package", pkg);
	if (!lf_path_exists(t->symvers))
		return lf_err_set(err, -ENOENT, "%s is missing", t->symvers);
	return 0;
}

static int step_cc(struct lf_target *t, struct lf_err *err)
{
	char config[PATH_MAX], want[256];

	lf_path(config, sizeof(config), "%s/.config", t->kdir);
	if (lf_config_value(config, "CC_VERSION_TEXT", want, sizeof(want)))
		return lf_err_set(err, -ENOENT, "%s: no CONFIG_CC_VERSION_TEXT", config);
	if (kbuild_cc(t, want, t->cc, sizeof(t->cc), err))
		return err->code;
	return lf_check_cc(t->cc, want, t->cc_version, sizeof(t->cc_version), err);
}

static int read_marker(const char *path, char *buf, size_t size)
{
	return lf_read_text(path, buf, size) < 0 ? -ENOENT : 0;
}

static int write_marker(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	int ret = 0;

	if (!f)
		return -errno;
	if (fputs(text, f) < 0 || fflush(f) || fsync(fileno(f)))
		ret = -errno ? -errno : -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

static int step_src(struct lf_target *t, unsigned int flags, struct lf_err *err)
{
	char dst[PATH_MAX], tmp[PATH_MAX], dl[PATH_MAX], marker[PATH_MAX];
	char have[128], tarball[PATH_MAX], ver[128];
	int ret;

	if (t->src_override) {
		char mk[PATH_MAX];

		if (!realpath(t->src_override, t->src))
			return lf_err_set(err, -errno, "%s: %s", t->src_override,
					  strerror(errno));
		lf_path(mk, sizeof(mk), "%s/Kbuild", t->src);
		if (!lf_path_exists(mk))
			return lf_err_set(err, -ENOENT, "%s: not a kernel source tree",
					  t->src_override);
		return 0;
	}
	if (lf_path(dst, sizeof(dst), "%s/src", t->dir) ||
	    lf_path(tmp, sizeof(tmp), "%s/src.tmp", t->dir) ||
	    lf_path(dl, sizeof(dl), "%s/src.dl", t->dir) ||
	    lf_path(marker, sizeof(marker), "%s/src/.livefix-src", t->dir))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", t->dir);
	lf_path(t->src, sizeof(t->src), "%s", dst);
	if (!read_marker(marker, have, sizeof(have)) && !strcmp(have, t->debver))
		return 0;

	lf_rm_rf(tmp);
	lf_rm_rf(dl);
	if (lf_path_exists(dst)) {
		note(t, flags, "prepare: %s is not %s %s, replacing it", dst,
		     SOURCE_PKG, t->debver);
		ret = lf_rm_rf(dst);
		if (ret)
			return lf_err_set(err, ret, "%s: %s", dst, strerror(-ret));
	}
	if (!installed_version(SOURCE_PKG, ver, sizeof(ver)) &&
	    !strcmp(ver, t->debver) && lf_path_exists(SOURCE_TARBALL)) {
		lf_path(tarball, sizeof(tarball), "%s", SOURCE_TARBALL);
	} else {
		const char *member[] = { "./usr/src/linux-source-6.12.tar.xz" };
		char deb[PATH_MAX];

		note(t, flags, "prepare: downloading %s %s", SOURCE_PKG, t->debver);
		ret = lf_mkdir_p(dl, 0755);
		if (ret)
			return lf_err_set(err, ret, "%s: %s", dl, strerror(-ret));
		ret = lf_target_apt_download(t, SOURCE_PKG, dl, deb, sizeof(deb), err);
		if (!ret)
			ret = deb_extract(t, deb, dl, member, 1, err);
		if (ret)
			goto out;
		unlink(deb);
		lf_path(tarball, sizeof(tarball), "%s/usr/src/linux-source-6.12.tar.xz", dl);
	}
	note(t, flags, "prepare: extracting %s", tarball);
	ret = lf_mkdir_p(tmp, 0755);
	if (ret) {
		lf_err_set(err, ret, "%s: %s", tmp, strerror(-ret));
		goto out;
	}
	{
		const char *argv[] = { "tar", "-x", "-f", tarball, "-C", tmp,
				       "--strip-components=1", NULL };

		ret = lf_target_run_logged(t, "extracting the kernel source", argv, NULL, NULL, err);
		if (ret)
			goto out;
	}
	lf_path(marker, sizeof(marker), "%s/.livefix-src", tmp);
	ret = write_marker(marker, t->debver);
	if (ret) {
		lf_err_set(err, ret, "%s: %s", marker, strerror(-ret));
		goto out;
	}
	if (rename(tmp, dst)) {
		ret = lf_err_set(err, -errno, "%s: %s", dst, strerror(errno));
		goto out;
	}
out:
	lf_rm_rf(dl);
	if (ret)
		lf_rm_rf(tmp);
	return ret;
}

/*
 * Compare two .config files line by line, ignoring comments other than
 * "# CONFIG_X is not set". Fills @what with the first difference.
 */
static int config_differs(const char *a, const char *b, char *what, size_t size)
{
	char *ta, *tb;
	size_t la, lb;
	struct lf_strv va = { 0 }, vb = { 0 };
	char *files[2];
	struct lf_strv *vs[2] = { &va, &vb };
	int ret = 0;

	if (lf_slurp(a, &ta, &la, 16u << 20))
		return -ENOENT;
	if (lf_slurp(b, &tb, &lb, 16u << 20)) {
		free(ta);
		return -ENOENT;
	}
	files[0] = ta;
	files[1] = tb;
	for (int k = 0; k < 2; k++) {
		char *save = NULL;

		for (char *l = strtok_r(files[k], "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save))
			if (!strncmp(l, "CONFIG_", 7) ||
			    (!strncmp(l, "# CONFIG_", 9) && strstr(l, " is not set")))
				lf_strv_push(vs[k], l);
		lf_strv_sort(vs[k]);
	}
	for (size_t i = 0, j = 0; i < va.n || j < vb.n;) {
		int c = i >= va.n ? 1 : j >= vb.n ? -1 : strcmp(va.v[i], vb.v[j]);

		if (!c) {
			i++;
			j++;
			continue;
		}
		snprintf(what, size, "%s '%s'", c < 0 ? "lost" : "gained",
			 c < 0 ? va.v[i] : vb.v[j]);
		ret = 1;
		break;
	}
	lf_strv_free(&va);
	lf_strv_free(&vb);
	free(ta);
	free(tb);
	return ret;
}

/* Remove <key>.* entries of @dir except @keep (a basename, may be NULL). */
static void remove_stale(const char *dir, const char *key, const char *keep)
{
	struct lf_strv names = { 0 };
	size_t kl = strlen(key);

	if (lf_list_dir(dir, LF_LIST_ALL, &names))
		return;
	for (size_t i = 0; i < names.n; i++) {
		char path[PATH_MAX];

		if (strncmp(names.v[i], key, kl) || names.v[i][kl] != '.' ||
		    (keep && !strcmp(names.v[i], keep)))
			continue;
		if (!lf_path(path, sizeof(path), "%s/%s", dir, names.v[i]))
			lf_rm_rf(path);
	}
	lf_strv_free(&names);
}

static int step_obj(struct lf_target *t, unsigned int flags, struct lf_err *err)
{
	char key[64], link[PATH_MAX], real[PATH_MAX], base[96], marker[PATH_MAX];
	char want[3 * PATH_MAX], have[3 * PATH_MAX], cfg[PATH_MAX];
	char what[512], lnk_tmp[PATH_MAX];
	struct stat st;
	int ret;

	if (t->src_override)
		lf_obj_key(t->src, key, sizeof(key));
	else
		snprintf(key, sizeof(key), "obj");
	if (lf_path(link, sizeof(link), "%s/%s", t->dir, key) ||
	    lf_path(cfg, sizeof(cfg), "%s/.config", t->kdir))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", t->dir);
	if (stat(cfg, &st))
		return lf_err_set(err, -errno, "%s: %s", cfg, strerror(errno));
	/* What the tree was prepared from; any change means prepare again. */
	snprintf(want, sizeof(want),
		 "livefix-obj 1\nsrc %s\nsrc-version %s\nconfig %s %lld %lld\ncc %s\nkcflags %s",
		 t->src, t->src_override ? "user" : t->debver, cfg,
		 (long long)st.st_size, (long long)st.st_mtime, t->cc_version,
		 LF_KCFLAGS);

	if (realpath(link, real) &&
	    !lf_path(marker, sizeof(marker), "%s/.livefix-obj", real) &&
	    lf_read_text(marker, have, sizeof(have)) >= 0 && !strcmp(have, want)) {
		lf_path(t->obj, sizeof(t->obj), "%s", real);
		return 0;
	}

	/* Leftovers of interrupted prepares; never the live tree. */
	remove_stale(t->dir, key, NULL);
	snprintf(base, sizeof(base), "%s.%llx-%d", key,
		 (unsigned long long)time(NULL), (int)getpid());
	if (lf_path(real, sizeof(real), "%s/%s", t->dir, base) ||
	    lf_path(lnk_tmp, sizeof(lnk_tmp), "%s/%s.lnk", t->dir, base))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", t->dir);
	ret = lf_mkdir_p(real, 0755);
	if (ret)
		return lf_err_set(err, ret, "%s: %s", real, strerror(-ret));
	lf_path(t->obj, sizeof(t->obj), "%s", real);

	{
		char from[PATH_MAX], to[PATH_MAX];

		lf_path(to, sizeof(to), "%s/.config", real);
		ret = lf_copy_file(cfg, to, false);
		lf_path(from, sizeof(from), "%s/.kernelvariables", t->kdir);
		lf_path(to, sizeof(to), "%s/.kernelvariables", real);
		/* Debian's Makefile includes it from the O= tree: CC, CROSS_COMPILE,
		 * KERNELRELEASE exactly as the distro build set them. */
		if (!ret && lf_path_exists(from))
			ret = lf_copy_file(from, to, false);
		if (ret) {
			lf_err_set(err, ret, "%s: %s", to, strerror(-ret));
			goto fail;
		}
	}
	{
		const char *targets[] = { "olddefconfig" };
		struct lf_kbuild k;
		int64_t t0 = lf_now_ns();

		if (lf_kbuild_init(&k, t, real, 1, targets, 1)) {
			ret = lf_err_set(err, -ENOMEM, "out of memory");
			goto fail;
		}
		ret = lf_target_run_logged(t, "make olddefconfig", k.argv, NULL, NULL, err);
		lf_kbuild_free(&k);
		if (ret)
			goto fail;
		note(t, flags, "prepare: olddefconfig %.1f s", lf_seconds_since(t0));
	}
	{
		char now[PATH_MAX];

		lf_path(now, sizeof(now), "%s/.config", real);
		ret = config_differs(cfg, now, what, sizeof(what));
		if (ret > 0) {
			ret = lf_err_set(err, -EINVAL,
					 "this tree and toolchain do not reproduce the distro configuration: olddefconfig %s",
					 what);
			goto fail;
		}
		if (ret < 0) {
			lf_err_set(err, ret, "%s: cannot read", now);
			goto fail;
		}
	}
	{
		const char *targets[] = { "prepare" };
		struct lf_kbuild k;
		int64_t t0 = lf_now_ns();

		if (lf_kbuild_init(&k, t, real, t->jobs, targets, 1)) {
			ret = lf_err_set(err, -ENOMEM, "out of memory");
			goto fail;
		}
		ret = lf_target_run_logged(t, "make prepare", k.argv, NULL, NULL, err);
		lf_kbuild_free(&k);
		if (ret)
			goto fail;
		note(t, flags, "prepare: make prepare %.1f s", lf_seconds_since(t0));
	}
	lf_path(marker, sizeof(marker), "%s/.livefix-obj", real);
	ret = write_marker(marker, want);
	if (ret) {
		lf_err_set(err, ret, "%s: %s", marker, strerror(-ret));
		goto fail;
	}
	/* Switch the link atomically: a symlink renamed over the old one. */
	unlink(lnk_tmp);
	if (symlink(base, lnk_tmp)) {
		ret = lf_err_set(err, -errno, "%s: %s", lnk_tmp, strerror(errno));
		goto fail;
	}
	if (lstat(link, &st) == 0 && !S_ISLNK(st.st_mode))
		lf_rm_rf(link);		/* a plain directory from elsewhere */
	if (rename(lnk_tmp, link)) {
		ret = lf_err_set(err, -errno, "%s: %s", link, strerror(errno));
		unlink(lnk_tmp);
		goto fail;
	}
	remove_stale(t->dir, key, base);
	return 0;
fail:
	lf_rm_rf(real);
	t->obj[0] = '\0';
	return ret;
}

static int step_dbg(struct lf_target *t, unsigned int flags, struct lf_err *err)
{
	char dst[PATH_MAX], tmp[PATH_MAX], marker[PATH_MAX], have[128];
	char pkg[128], deb[PATH_MAX], m1[256], m2[256];
	const char *members[2] = { m1, m2 };
	int ret;

	if (lf_path(dst, sizeof(dst), "%s/dbg", t->dir) ||
	    lf_path(tmp, sizeof(tmp), "%s/dbg.tmp", t->dir) ||
	    lf_path(marker, sizeof(marker), "%s/dbg/.livefix-dbg", t->dir))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", t->dir);
	lf_path(t->vmlinux, sizeof(t->vmlinux), "%s/vmlinux-%s", dst, t->abi);
	lf_path(t->system_map, sizeof(t->system_map), "%s/System.map-%s", dst,
		t->abi);
	if (!read_marker(marker, have, sizeof(have)) && !strcmp(have, t->debver) &&
	    lf_path_exists(t->vmlinux) && lf_path_exists(t->system_map))
		return 0;

	lf_rm_rf(tmp);
	ret = lf_mkdir_p(tmp, 0755);
	if (ret)
		return lf_err_set(err, ret, "%s: %s", tmp, strerror(-ret));
	snprintf(pkg, sizeof(pkg), "linux-image-%s-dbg", t->abi);
	note(t, flags, "prepare: downloading %s (about 1 GB)", pkg);
	ret = lf_target_apt_download(t, pkg, tmp, deb, sizeof(deb), err);
	if (ret)
		goto out;
	snprintf(m1, sizeof(m1), "./usr/lib/debug/boot/vmlinux-%s", t->abi);
	snprintf(m2, sizeof(m2), "./usr/lib/debug/boot/System.map-%s", t->abi);
	ret = deb_extract(t, deb, tmp, members, 2, err);
	unlink(deb);
	if (ret)
		goto out;
	for (int i = 0; i < 2 && !ret; i++) {
		char from[PATH_MAX], to[PATH_MAX];
		const char *name = strrchr(members[i], '/') + 1;

		lf_path(from, sizeof(from), "%s/%s", tmp, members[i] + 2);
		lf_path(to, sizeof(to), "%s/%s", tmp, name);
		if (rename(from, to))
			ret = lf_err_set(err, -errno, "%s: %s not in the package", pkg,
					 members[i] + 1);
	}
	if (ret)
		goto out;
	{
		char usr[PATH_MAX];

		lf_path(usr, sizeof(usr), "%s/usr", tmp);
		lf_rm_rf(usr);
	}
	lf_path(marker, sizeof(marker), "%s/.livefix-dbg", tmp);
	ret = write_marker(marker, t->debver);
	if (ret) {
		lf_err_set(err, ret, "%s: %s", marker, strerror(-ret));
		goto out;
	}
	lf_rm_rf(dst);
	if (rename(tmp, dst))
		ret = lf_err_set(err, -errno, "%s: %s", dst, strerror(errno));
out:
	if (ret)
		lf_rm_rf(tmp);
	return ret;
}

/*
 * The shipped image: a module fix is checked against the module the
 * distro shipped, and the guest boots its vmlinuz. scripts/provision
 * unpacks it for the default ABI only; any other ABI gets it here, in
 * the same layout (with modules.dep, and the marker vm-run looks for).
 */
static int step_image(struct lf_target *t, unsigned int flags,
		      struct lf_err *err)
{
	char tmp[PATH_MAX], marker[PATH_MAX], pkg[128], deb[PATH_MAX];
	char dl[PATH_MAX];
	const char *tar_argv[] = { "tar", "-x", "-C", tmp, NULL };
	const char *depmod_argv[] = { "depmod", "-b", tmp, t->abi, NULL };
	int sa, ret;

	if (lf_path(marker, sizeof(marker), "%s/.provisioned", t->image) ||
	    lf_path(tmp, sizeof(tmp), "%s.tmp", t->image) ||
	    lf_path(dl, sizeof(dl), "%s.dl", t->image))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", t->image);
	if (lf_path_exists(marker))
		return 0;
	lf_rm_rf(tmp);
	lf_rm_rf(dl);
	ret = lf_mkdir_p(tmp, 0755);
	if (!ret)
		ret = lf_mkdir_p(dl, 0755);
	if (ret) {
		lf_err_set(err, ret, "%s: %s", tmp, strerror(-ret));
		goto out;
	}
	snprintf(pkg, sizeof(pkg), "linux-image-%s-unsigned", t->abi);
	note(t, flags, "prepare: downloading %s", pkg);
	ret = lf_target_apt_download(t, pkg, dl, deb, sizeof(deb), err);
	if (!ret)
		ret = lf_target_deb_tar(t, deb, tar_argv, NULL, "unpacking the image",
					&sa, err);
	if (!ret && sa)
		ret = lf_err_set(err, -EIO, "%s: dpkg-deb failed (exit %d)", deb, sa);
	if (!ret)
		ret = lf_target_run_logged(t, "depmod", depmod_argv, NULL, NULL, err);
	if (!ret) {
		char m[PATH_MAX];

		lf_path(m, sizeof(m), "%s/.provisioned", tmp);
		ret = write_marker(m, t->debver);
		if (ret)
			lf_err_set(err, ret, "%s: %s", m, strerror(-ret));
	}
	if (!ret) {
		lf_rm_rf(t->image);
		if (rename(tmp, t->image))
			ret = lf_err_set(err, -errno, "%s: %s", t->image, strerror(errno));
	}
out:
	lf_rm_rf(dl);
	if (ret)
		lf_rm_rf(tmp);
	return ret;
}

/* ---- prepare ----------------------------------------------------------- */

static int take_lock(struct lf_target *t, unsigned int flags, struct lf_err *err)
{
	char path[PATH_MAX];

	if (lf_path(path, sizeof(path), "%s/lock", t->dir))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", t->dir);
	/*
	 * Deliberately not O_CLOEXEC: the tools we start inherit the open
	 * file, so if we are killed outright, the lock stays held until the
	 * last orphaned make has finished writing into the tree.
	 */
	t->lock_fd = open(path, O_RDWR | O_CREAT, 0644);
	if (t->lock_fd < 0)
		return lf_err_set(err, -errno, "%s: %s", path, strerror(errno));
	if (flock(t->lock_fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK) {
		int e = errno;

		close(t->lock_fd);
		t->lock_fd = -1;
		return lf_err_set(err, -e, "%s: %s", path, strerror(e));
	}
	note(t, flags, "prepare: waiting for another build holding %s", path);
	while (flock(t->lock_fd, LOCK_EX)) {
		if (errno == EINTR && !(t->cancel && *t->cancel))
			continue;
		close(t->lock_fd);
		t->lock_fd = -1;
		return lf_err_set(err, -EINTR, "interrupted while waiting for %s",
				  path);
	}
	return 0;
}

typedef int (*step_fn)(struct lf_target *, unsigned int, struct lf_err *);

static int timed(struct lf_target *t, unsigned int flags, const char *name,
		 step_fn fn, struct lf_err *err)
{
	int64_t t0 = lf_now_ns();
	int ret = fn(t, flags, err);

	if (!ret)
		note(t, flags, "prepare: %-8s %6.1f s", name, lf_seconds_since(t0));
	if (!ret && t->cancel && *t->cancel)
		ret = lf_err_set(err, -EINTR, "interrupted");
	return ret;
}

static int step_cc_fn(struct lf_target *t, unsigned int flags, struct lf_err *err)
{
	(void)flags;
	return step_cc(t, err);
}

int lf_target_prepare(const char *abi, struct lf_target *t, unsigned int flags,
		      struct lf_err *err)
{
	char root[PATH_MAX];
	int ret;

	t->lock_fd = -1;
	t->journal_restored = false;
	t->obj[0] = t->src[0] = t->vmlinux[0] = t->system_map[0] = '\0';
	if (!abi || !lf_abi_valid(abi))
		return lf_err_set(err, -EINVAL, "invalid ABI '%s' (want e.g. 6.12.117+deb12-amd64)",
				  abi ? abi : "");
	snprintf(t->abi, sizeof(t->abi), "%s", abi);
	ret = lf_cache_root(root, sizeof(root), err);
	if (ret)
		return ret;
	if (lf_path(t->dir, sizeof(t->dir), "%s/%s", root, abi) ||
	    lf_path(t->kdir, sizeof(t->kdir), "/usr/src/linux-headers-%s", abi) ||
	    lf_path(t->symvers, sizeof(t->symvers), "%s/Module.symvers", t->kdir) ||
	    lf_path(t->journal, sizeof(t->journal), "%s/journal", t->dir) ||
	    lf_path(t->image, sizeof(t->image), "%s/image", t->dir))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", root);
	if (!t->logdir[0] && lf_path(t->logdir, sizeof(t->logdir), "%s/log", t->dir))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", root);

	/* An unknown ABI is refused before anything is created for it. */
	ret = step_headers_known(t, flags, err);
	if (ret)
		return ret;
	ret = lf_mkdir_p(t->dir, 0755);
	if (!ret)
		ret = lf_mkdir_p(t->logdir, 0755);
	if (ret)
		return lf_err_set(err, ret, "%s: %s", t->dir, strerror(-ret));
	ret = take_lock(t, flags, err);
	if (ret)
		return ret;

	/* A build that died with the tree patched: undo it before anything. */
	ret = lf_patchset_recover(t->journal, &t->journal_restored, err);
	if (ret) {
		lf_err_prefix(err, "restoring after an interrupted build: ");
		goto fail;
	}
	if (t->journal_restored)
		note(t, flags, "prepare: restored the tree patched by an interrupted build");

	ret = timed(t, flags, "headers", step_headers, err);
	if (!ret)
		ret = timed(t, flags, "compiler", step_cc_fn, err);
	if (!ret)
		ret = timed(t, flags, "src", step_src, err);
	if (!ret)
		ret = timed(t, flags, "obj", step_obj, err);
	if (!ret && !(flags & LF_TARGET_NO_DBG))
		ret = timed(t, flags, "dbg", step_dbg, err);
	if (!ret && !(flags & LF_TARGET_NO_DBG))
		ret = timed(t, flags, "image", step_image, err);
	if (flags & LF_TARGET_NO_DBG)
		t->vmlinux[0] = t->system_map[0] = '\0';
	if (ret)
		goto fail;
	return 0;
fail:
	lf_target_close(t);
	return ret;
}

void lf_target_close(struct lf_target *t)
{
	if (t->lock_fd >= 0) {
		close(t->lock_fd);	/* releases the flock */
		t->lock_fd = -1;
	}
}
