// SPDX-License-Identifier: GPL-2.0-only
/*
 * livefix build: from source diffs to a patch module (doc/build.md).
 *
 *   prepare target -> parse units -> compile "before" -> apply patchset
 *   -> compile "after" -> restore -> diff + emit per unit -> link -> klpconv
 *
 * The cache tree is patched only between "apply" and "restore", and every
 * way out of that window (error, SIGINT/SIGTERM/SIGHUP) goes through the
 * restore; a build killed outright leaves the journal, which the next
 * build's prepare replays. Output appears only when everything worked:
 * the .ko is written under a temporary name and renamed.
 */
#include <ctype.h>
#include <errno.h>
#include <gelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/build/compile.h"
#include "../lib/build/elfobj.h"
#include "../lib/build/emit.h"
#include "../lib/build/crc.h"
#include "../lib/build/dbgmods.h"
#include "../lib/build/fingerprint.h"
#include "../lib/build/hdrfuncs.h"
#include "../lib/build/hdrlocal.h"
#include "../lib/build/hdrusers.h"
#include "../lib/build/ibtseal.h"
#include "../lib/build/inlines.h"
#include "../lib/build/klpconv.h"
#include "../lib/build/layout.h"
#include "../lib/build/link.h"
#include "../lib/build/moddbg.h"
#include "../lib/build/objdiff.h"
#include "../lib/build/patchset.h"
#include "../lib/build/symres.h"
#include "../lib/build/symtypes.h"
#include "../lib/build/target.h"
#include "../lib/build/units.h"
#include "../lib/deadline.h"
#include "../lib/err.h"
#include "../lib/modname.h"
#include "../lib/strv.h"
#include "../lib/sysfs.h"
#include "cmd.h"

static const char *verb = "build";
static bool verbose;

struct build {
	/* options */
	const char *abi_arg, *name_arg, *out_arg, *jobs_arg, *src_arg;
	const char *keep_tmp, *id_arg, *cves_arg, *fix_version_arg;
	unsigned int fix_version;
	bool no_replace;
	char **patches;
	int npatches;

	/* state */
	char name[LF_MODNAME_MAX];
	char out[PATH_MAX];
	char tmp[PATH_MAX];
	char repo[PATH_MAX];
	char fix_include[PATH_MAX];	/* <repo>/kmod/include */
	char cves[1024];
	unsigned int jobs;
	struct lf_target t;
	bool target_open;
	bool vmlinux_units_loaded;
	struct lf_strv vmlinux_units;	/* vmlinux's .c units, sorted */
	bool modindex_loaded;		/* modindex read (or found absent) */
	struct lf_moddbg_users modindex;	/* every unit of every module */
	struct lf_units u;
	struct lf_patchset ps;
	char **units;		/* the .c files, in diff order */
	struct lf_strv header_units;	/* all units, owning the strings */
	struct lf_ibtseal *seal;	/* vmlinux's sealed ENDBRs */
	char *symvers_text;		/* Module.symvers, for CRC checks */
	char (*owners)[64];
	size_t nunits;
	size_t nfuncs;		/* functions replaced */
	int64_t t_start;
};

static void note(const char *msg)
{
	if (verbose)
		fprintf(stderr, "livefix: build: %s\n", msg);
}

static void timing(const char *stage, int64_t since)
{
	if (verbose)
		fprintf(stderr, "livefix: build: %-8s %6.1f s\n", stage,
			lf_seconds_since(since));
}

/* ---- options ----------------------------------------------------------- */

/*
 * The shared option parser knows long options only; build's short ones
 * (-t -n -o -j -v, also -j4 / -ofile) are rewritten into them.
 */
static char **expand_short(int argc, char **argv, struct lf_strv *owned)
{
	static const struct { char c; const char *lng; bool arg; } map[] = {
		{ 't', "--target", true }, { 'n', "--name", true },
		{ 'o', "--output", true }, { 'j', "--jobs", true },
		{ 'v', "--verbose", false },
	};
	char **out = calloc((size_t)argc + 1, sizeof(*out));
	bool only_pos = false;

	if (!out)
		return NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		out[i] = argv[i];
		if (i == 0 || only_pos || a[0] != '-' || a[1] == '-' || !a[1]) {
			if (!strcmp(a, "--"))
				only_pos = true;
			continue;
		}
		for (size_t k = 0; k < sizeof(map) / sizeof(map[0]); k++) {
			char buf[PATH_MAX + 32];

			if (a[1] != map[k].c)
				continue;
			if (!a[2]) {
				out[i] = (char *)map[k].lng;
			} else if (map[k].arg) {
				snprintf(buf, sizeof(buf), "%s=%s", map[k].lng, a + 2);
				if (lf_strv_push(owned, buf)) {
					free(out);
					return NULL;
				}
				out[i] = owned->v[owned->n - 1];
			}
			break;
		}
	}
	out[argc] = NULL;
	return out;
}

/* "0001-proc: redact version.patch" -> "lf_0001_proc_redact_version". */
static int default_name(const char *patch, char *buf, size_t size)
{
	const char *base = strrchr(patch, '/');
	char tmp[256];
	size_t n = 0;
	char *dot;

	base = base ? base + 1 : patch;
	snprintf(tmp, sizeof(tmp), "%s", base);
	while ((dot = strrchr(tmp, '.')) &&
	       (!strcmp(dot, ".patch") || !strcmp(dot, ".diff")))
		*dot = '\0';
	n = (size_t)snprintf(buf, size, "%s", strncmp(tmp, "lf_", 3) ? "lf_" : "");
	for (const char *p = tmp; *p && n + 1 < size && n < LF_MODNAME_MAX - 1; p++) {
		char c = (char)tolower((unsigned char)*p);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '_';
		if (c == '_' && n && buf[n - 1] == '_')
			continue;
		buf[n++] = c;
	}
	while (n && buf[n - 1] == '_')
		n--;
	buf[n] = '\0';
	return n > 3 ? 0 : -EINVAL;
}

static bool name_ok(const char *s)
{
	if (!*s || strlen(s) >= LF_MODNAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* CVE ids the patches mention (commit messages), for the default list. */
static void scan_cves(struct build *b)
{
	struct lf_strv seen = { 0 };
	size_t n = 0;

	b->cves[0] = '\0';
	for (int i = 0; i < b->npatches; i++) {
		char *text;
		size_t len;

		if (lf_slurp(b->patches[i], &text, &len, 64u << 20))
			continue;
		for (char *p = text; (p = strstr(p, "CVE-")); p += 4) {
			size_t k = 4, d1 = 0, d2 = 0;
			char id[32];
			bool dup = false;

			while (isdigit((unsigned char)p[k]) && d1 < 4)
				k++, d1++;
			if (d1 != 4 || p[k] != '-')
				continue;
			k++;
			while (isdigit((unsigned char)p[k]) && d2 < 8)
				k++, d2++;
			if (d2 < 4 || isalnum((unsigned char)p[k]) ||
			    (p > text && isalnum((unsigned char)p[-1])))
				continue;
			snprintf(id, sizeof(id), "%.*s", (int)k, p);
			for (size_t j = 0; j < seen.n && !dup; j++)
				dup = !strcmp(seen.v[j], id);
			if (dup || lf_strv_push(&seen, id))
				continue;
			n += (size_t)snprintf(b->cves + n, sizeof(b->cves) - n, "%s%s",
					      n ? " " : "", id);
			if (n >= sizeof(b->cves) - 32)
				break;
		}
		free(text);
	}
	lf_strv_free(&seen);
}

/* The livefix tree (kmod/) holding this binary: LIVEFIX_ROOT, else up
 * from /proc/self/exe (tools/livefix/livefix or tools/build/san/livefix). */
static int find_repo(char *buf, size_t size)
{
	const char *env = getenv("LIVEFIX_ROOT");
	char exe[PATH_MAX], probe[PATH_MAX + 32];
	ssize_t n;

	if (env && *env) {
		if (!realpath(env, buf))
			return -errno;
		lf_path(probe, sizeof(probe), "%s/kmod/patch/patch.mk", buf);
		return lf_path_exists(probe) ? 0 : -ENOENT;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -ENOENT;
	exe[n] = '\0';
	for (int up = 0; up < 5; up++) {
		char *slash = strrchr(exe, '/');

		if (!slash || slash == exe)
			break;
		*slash = '\0';
		lf_path(probe, sizeof(probe), "%s/kmod/patch/patch.mk", exe);
		if (lf_path_exists(probe))
			return lf_path(buf, size, "%s", exe);
	}
	return -ENOENT;
}

/* ---- stages ------------------------------------------------------------- */

static int fail(struct lf_err *err)
{
	lf_report(verb, "%s", err->msg);
	return LF_EXIT_FAIL;
}

static int parse_units(struct build *b, struct lf_err *err)
{
	for (int i = 0; i < b->npatches; i++) {
		int ret = lf_units_parse_file(&b->u, b->patches[i], err);

		if (ret)
			return ret;
	}
	for (size_t i = 0; i < b->u.n; i++) {
		const struct lf_touched *f = &b->u.files[i];

		if (f->kind == LF_FILE_HEADER && !f->created && !f->deleted) {
			if (!lf_relpath_inside(f->path))
				return lf_err_set(err, -EINVAL,
						  "%s: not a kernel source path", f->path);
			continue;	/* expanded to units once the target is ready */
		}
		if (!lf_unit_path_ok(f->path))
			return lf_err_set(err, -EINVAL, "%s: not a kernel source path",
					  f->path);
		if (f->created)
			return lf_err_set(err, -ENOTSUP,
					  "%s: new source file; livefix cannot add a compilation unit",
					  f->path);
		if (f->deleted)
			return lf_err_set(err, -ENOTSUP,
					  "%s: deleted; livefix cannot remove a compilation unit",
					  f->path);
	}
	for (size_t i = 0; i < b->u.n; i++)
		if (b->u.files[i].kind == LF_FILE_UNIT &&
		    lf_strv_push(&b->header_units, b->u.files[i].path))
			return lf_err_set(err, -ENOMEM, "out of memory");
	return 0;
}

/* The livefix binary, for tar to run while it indexes module DWARF. */
static int self_exe(char *buf, size_t size, struct lf_err *err)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);

	if (n < 0 || (size_t)n >= size - 1)
		return lf_err_set(err, -errno ? -errno : -ENAMETOOLONG,
				  "/proc/self/exe: cannot find the livefix binary");
	buf[n] = '\0';
	return 0;
}

/* Add @unit to @units unless it is there already, past @from. */
static int push_unit(struct lf_strv *units, size_t from, const char *unit,
		     struct lf_err *err)
{
	for (size_t i = from; i < units->n; i++)
		if (!strcmp(units->v[i], unit))
			return 0;
	return lf_strv_push(units, unit) ? lf_err_set(err, -ENOMEM, "out of memory") : 0;
}

/*
 * The .c units of the shipped vmlinux (its DWARF CUs), sorted, read once
 * per build; empty when the target has no vmlinux to ask.
 */
static int vmlinux_units(struct build *b, struct lf_err *err)
{
	if (b->vmlinux_units_loaded || !b->t.vmlinux[0])
		return 0;
	b->vmlinux_units_loaded = true;
	return lf_header_users(b->t.vmlinux, NULL, &b->vmlinux_units, err);
}

/*
 * Every unit of every shipped module, from the target's module index
 * (dbgmods.h), read once per build; empty while the target has no index.
 */
static int module_index(struct build *b, struct lf_err *err)
{
	char idx[PATH_MAX];

	if (b->modindex_loaded)
		return 0;
	b->modindex_loaded = true;
	if (lf_path(idx, sizeof(idx), "%s/dbg/modules.idx", b->t.dir) ||
	    !lf_path_exists(idx))
		return 0;
	return lf_moddbg_users(idx, NULL, &b->modindex, err);
}

/*
 * A macro change in a subsystem's private header reaches the units that
 * expand the macro, and those may use nothing else of the header, so
 * DWARF cannot name them. Such a header is included only from its own
 * directory tree, so the tree's #include "..." graph names every unit
 * that can see the macro; of those, the units this kernel really builds
 * (vmlinux's CUs, the module index's units) are rebuilt, and the object
 * diff decides which of them changed. A kernel-wide header reaches
 * thousands of units: that is a kernel build, and is refused.
 */
static int macro_units(struct build *b, const struct lf_touched *f, int line,
		       struct lf_strv *units, size_t from, struct lf_err *err)
{
	struct lf_strv local = { 0 }, modunits = { 0 };
	size_t built = 0;
	int ret;

	if (lf_header_is_public(f->path))
		return lf_err_set(err, -ENOTSUP,
				  "%s:%d: macro change outside a function body in a kernel-wide header; livefix cannot find the units that expand it without building the whole kernel",
				  f->path, line);
	ret = lf_local_includers(b->t.src, f->path, &local,
				 LF_HEADER_USERS_MAX * 4, err);
	if (!ret)
		ret = vmlinux_units(b, err);
	if (!ret)
		ret = module_index(b, err);
	for (size_t i = 0; !ret && i < b->modindex.n; i++)
		if (lf_strv_push(&modunits, b->modindex.v[i].unit))
			ret = lf_err_set(err, -ENOMEM, "out of memory");
	lf_strv_sort(&modunits);
	for (size_t i = 0; !ret && i < local.n; i++)
		if (lf_strv_has(&b->vmlinux_units, local.v[i]) ||
		    lf_strv_has(&modunits, local.v[i])) {
			built++;
			ret = push_unit(units, from, local.v[i], err);
		}
	if (!ret && verbose) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s:%d: macro change: %zu unit(s) of its tree include it, %zu of them built in this kernel",
			 f->path, line, local.n, built);
		note(msg);
	}
	lf_strv_free(&local);
	lf_strv_free(&modunits);
	return ret;
}

/*
 * A changed header reaches the kernel through the copies of its inline
 * functions, and a changed declaration through every unit that uses the
 * header, in vmlinux and in the shipped modules. The distro's DWARF says
 * which functions the changed lines belong to, which units carry copies
 * of them, and which units use the header at all (for modules, through
 * the module index of dbgmods.c); those units are rebuilt like the ones
 * the diff names.
 */
static int header_units(struct build *b, const struct lf_touched *f,
			struct lf_strv *units, struct lf_err *err)
{
	unsigned int flags = verbose ? LF_TARGET_VERBOSE : 0;
	struct lf_inline_sites sites = { 0 };
	struct lf_moddbg_users musers = { 0 };
	struct lf_strv names = { 0 }, users = { 0 };
	char path[PATH_MAX], exe[PATH_MAX], idx[PATH_MAX], *text = NULL;
	size_t len, before = units->n, nvmlinux;
	int ret, decl_line = 0, macro_line = 0;

	if (lf_path(path, sizeof(path), "%s/%s", b->t.src, f->path))
		return lf_err_set(err, -ENAMETOOLONG, "path too long");
	ret = lf_slurp(path, &text, &len, 16u << 20);
	if (ret)
		return lf_err_set(err, ret, "%s: %s", path, strerror(-ret));
	ret = lf_inlines_find(b->t.vmlinux, f->path, NULL, &sites, err);
	nvmlinux = sites.n;
	if (!ret)
		ret = self_exe(exe, sizeof(exe), err);
	if (!ret)
		ret = lf_dbgmods_index(&b->t, exe, flags, idx, sizeof(idx), err);
	if (!ret)
		ret = lf_moddbg_users(idx, f->path, &musers, err);
	/* Module copies join the vmlinux ones: they mark bodies too. */
	for (size_t i = 0; !ret && i < musers.sites.n; i++) {
		struct lf_inline_site *v = realloc(sites.v, (sites.n + 1) * sizeof(*v));

		if (!v) {
			ret = lf_err_set(err, -ENOMEM, "out of memory");
			break;
		}
		sites.v = v;
		v[sites.n++] = musers.sites.v[i];
		memset(&musers.sites.v[i], 0, sizeof(musers.sites.v[i]));
	}
	if (!ret)
		ret = lf_hdr_classify(f, text, &sites, &names, &decl_line,
				      &macro_line, err);
	for (size_t i = 0; !ret && i < sites.n; i++) {
		const char *u = sites.v[i].unit;
		size_t ulen = strlen(u);
		bool wanted = false;

		for (size_t k = 0; k < names.n && !wanted; k++)
			wanted = !strcmp(names.v[k], sites.v[i].callee);
		/* Copies in assembly or generated files are not ours to rebuild. */
		if (!wanted || ulen < 3 || strcmp(u + ulen - 2, ".c"))
			continue;
		ret = push_unit(units, before, u, err);
	}
	/* What expands a macro uses the header: its declaration users too. */
	if (!ret && (decl_line || macro_line))
		ret = lf_header_users(b->t.vmlinux, f->path, &users, err);
	for (size_t i = 0; !ret && i < users.n; i++)
		ret = push_unit(units, before, users.v[i], err);
	for (size_t i = 0; !ret && (decl_line || macro_line) && i < musers.n; i++)
		ret = push_unit(units, before, musers.v[i].unit, err);
	if (!ret && macro_line)
		ret = macro_units(b, f, macro_line, units, before, err);
	for (size_t i = 0; !ret && i < musers.n; i++)
		if (!strcmp(musers.v[i].unit, "?"))
			ret = lf_err_set(err, -EIO,
					 "%s: the DWARF of shipped module %s could not be indexed, so its copies are unknown",
					 f->path, musers.v[i].module);
	if (!ret && units->n - before > LF_HEADER_USERS_MAX)
		ret = lf_err_set(err, -E2BIG,
				 "%s: the change reaches %zu units of this kernel and its modules (livefix rebuilds at most %d)",
				 f->path, units->n - before, LF_HEADER_USERS_MAX);
	if (!ret && verbose) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s: %zu changed function(s)%s%s, %zu unit(s) to rebuild (copies: %zu in vmlinux, %zu in modules)",
			 f->path, names.n, decl_line ? " and declarations" : "",
			 macro_line ? " and macros" : "",
			 units->n - before, nvmlinux, sites.n - nvmlinux);
		note(msg);
	}
	free(text);
	lf_strv_free(&names);
	lf_strv_free(&users);
	lf_moddbg_users_free(&musers);
	lf_inlines_free(&sites);
	return ret;
}

/* The final unit list: the diff's .c files, then what headers reach. */
static int collect_units(struct build *b, struct lf_err *err)
{
	struct lf_strv *u = &b->header_units;
	size_t n;
	int ret = 0;

	for (size_t i = 0; i < b->u.n && !ret; i++)
		if (b->u.files[i].kind == LF_FILE_HEADER)
			ret = header_units(b, &b->u.files[i], u, err);
	if (ret)
		return ret;
	/* Keep the first occurrence of each unit, in order. */
	n = 0;
	for (size_t i = 0; i < u->n; i++) {
		bool dup = false;

		for (size_t k = 0; k < n && !dup; k++)
			dup = !strcmp(u->v[k], u->v[i]);
		if (dup)
			free(u->v[i]);
		else
			u->v[n++] = u->v[i];
	}
	u->n = n;
	if (!n)
		return lf_err_set(err, -ENODATA,
				  "no functional change: no unit of this kernel uses the changed header code");
	b->units = calloc(n, sizeof(*b->units));
	b->owners = calloc(n, sizeof(*b->owners));
	if (!b->units || !b->owners)
		return lf_err_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		b->units[b->nunits++] = u->v[i];
	return 0;
}

static int unit_paths(struct build *b, const char *stage, char ***out)
{
	char **v = calloc(b->nunits, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < b->nunits; i++) {
		v[i] = malloc(PATH_MAX);
		if (!v[i] || lf_path(v[i], PATH_MAX, "%s/%s/%zu.o", b->tmp, stage, i)) {
			for (size_t j = 0; j <= i; j++)
				free(v[j]);
			free(v);
			return -ENOMEM;
		}
	}
	*out = v;
	return 0;
}

static void free_paths(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static int compile_stage(struct build *b, const char *stage, struct lf_err *err)
{
	char dir[PATH_MAX], log[PATH_MAX], **outs = NULL;
	int ret;

	if (lf_path(dir, sizeof(dir), "%s/%s", b->tmp, stage) ||
	    lf_path(log, sizeof(log), "%s/compile-%s.log", b->t.logdir, stage))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", b->tmp);
	ret = lf_mkdir_p(dir, 0700);
	if (ret)
		return lf_err_set(err, ret, "%s: %s", dir, strerror(-ret));
	if (unit_paths(b, stage, &outs))
		return lf_err_set(err, -ENOMEM, "out of memory");
	ret = lf_compile_units(&b->t, (const char *const *)b->units,
			       (const char *const *)outs, b->nunits, b->jobs, log, err);
	free_paths(outs, b->nunits);
	if (!ret && lf_interrupted)
		ret = lf_err_set(err, -EINTR, "interrupted");
	return ret;
}

/* The window in which the cache tree is patched. */
static int patched_compile(struct build *b, struct lf_err *err)
{
	struct lf_patchset_req req = {
		.root = b->t.src, .journal = b->t.journal, .scrub = b->t.obj,
		.units = &b->u, .patches = (const char *const *)b->patches,
		.npatches = (size_t)b->npatches, .cancel = &lf_interrupted,
	};
	char log[PATH_MAX];
	struct lf_err rerr;
	int ret, rret;

	if (lf_path(log, sizeof(log), "%s/patch.log", b->t.logdir))
		return lf_err_set(err, -ENAMETOOLONG, "log path too long");
	req.log = log;
	ret = lf_patchset_apply(&b->ps, &req, err);
	if (ret)
		return ret;
	ret = compile_stage(b, "after", err);
	lf_err_clear(&rerr);
	rret = lf_patchset_restore(&b->ps, &rerr);
	if (rret && !ret) {
		*err = rerr;
		return rret;
	}
	if (rret) {
		char first[sizeof(err->msg)];

		memcpy(first, err->msg, sizeof(first));
		lf_err_set(err, ret, "%.400s (and restoring the tree failed: %.400s)",
			   first, rerr.msg);
	}
	return ret;
}

/* ---- diff + emit ---------------------------------------------------------- */

struct resolve_ctx {
	const struct lf_symres *r;
	const struct lf_symres *mod;	/* the unit's module; NULL: vmlinux */
	const struct lf_symres_unit *unit;
	const struct lf_strv *provided;	/* new globals of this fix, sorted */
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A vmlinux unit's references are vmlinux's. A module unit's are its
 * module's when the module defines them (exported ones too: the module may
 * load only after the patch, so the loader cannot resolve them), else
 * vmlinux's exports by name, else another module's exports by klp
 * relocation against that module (libceph for ceph: it is loaded whenever
 * the patched module is, but need not be when the patch is), else
 * vmlinux's by klp relocation against .klp.sym.vmlinux.
 */
static int resolve_vmlinux(void *data, const char *name, bool is_local,
			   bool *exported, unsigned long *sympos,
			   const char **obj, struct lf_err *err)
{
	const struct resolve_ctx *c = data;

	/* A new global of another unit: the module link resolves it. */
	if (!is_local && c->provided->n &&
	    bsearch(&name, c->provided->v, c->provided->n, sizeof(char *),
		    cmp_str)) {
		*exported = true;
		*sympos = 0;
		return 0;
	}
	if (c->mod && (is_local || lf_symres_defines(c->mod, name)))
		return lf_symres_resolve(c->mod, c->unit, name, is_local, exported,
					 sympos, err);
	if (c->mod && !is_local) {
		const char *owner = lf_symres_exporter(c->r, name);

		if (owner && strcmp(owner, "vmlinux")) {
			*exported = false;
			*sympos = 0;	/* an export is unique in its module */
			*obj = owner;
			return 0;
		}
	}
	if (c->mod)
		*obj = "vmlinux";
	return lf_symres_resolve(c->r, c->unit, name, is_local, exported, sympos,
				 err);
}

/* Where the image keeps module @mod: modules.order's entry, e.g. kernel/fs/x.ko. */
static int image_module_path(const struct build *b, const char *mod, char *buf,
			     size_t size, struct lf_err *err)
{
	char order[PATH_MAX], *text, *line, *save = NULL;
	size_t len;
	int ret;

	if (lf_path(order, sizeof(order), "%s/lib/modules/%s/modules.order",
		    b->t.image, b->t.abi))
		return lf_err_set(err, -ENAMETOOLONG, "path too long");
	ret = lf_slurp(order, &text, &len, 16u << 20);
	if (ret)
		return lf_err_set(err, ret, "%s: %s (run scripts/provision to unpack the image)",
				  order, strerror(-ret));
	ret = -ENOENT;
	for (line = strtok_r(text, "\n", &save); line && ret;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *base = strrchr(line, '/');
		char name[LF_MODNAME_MAX];
		size_t n = 0;

		base = base ? base + 1 : line;
		for (; *base && strcmp(base, ".ko") && n + 1 < sizeof(name); base++)
			name[n++] = *base == '-' ? '_' : *base;
		name[n] = '\0';
		if (!strcmp(name, mod) &&
		    !lf_path(buf, size, "%s/lib/modules/%s/%s", b->t.image, b->t.abi, line))
			ret = 0;
	}
	free(text);
	return ret ? lf_err_set(err, ret, "module %s: not in %s", mod, order) : 0;
}

/*
 * The shipped module @mod, decompressed into the build's directory
 * (its symbols and bytes stand in for vmlinux's for the module's units).
 */
static int open_module(const struct build *b, const char *mod,
		       struct lf_symres **out, struct lf_err *err)
{
	char path[PATH_MAX], xz[PATH_MAX + 8], ko[PATH_MAX], log[PATH_MAX];
	const char *argv[] = { "xz", "-dc", "--", xz, NULL };
	struct lf_proc p = { .argv = argv, .out = ko, .cancel = &lf_interrupted };
	int ret, status;

	ret = image_module_path(b, mod, path, sizeof(path), err);
	if (ret)
		return ret;
	if (lf_path(ko, sizeof(ko), "%s/shipped-%s.ko", b->tmp, mod) ||
	    lf_path(xz, sizeof(xz), "%s.xz", path) ||
	    lf_path(log, sizeof(log), "%s/xz.log", b->t.logdir))
		return lf_err_set(err, -ENAMETOOLONG, "path too long");
	if (lf_path_exists(path)) {
		lf_path(ko, sizeof(ko), "%s", path);
	} else if (!lf_path_exists(ko)) {
		if (!lf_path_exists(xz))
			return lf_err_set(err, -ENOENT, "%s: no such file (nor .xz)", path);
		p.log = log;
		ret = lf_proc_run(&p, &status, err);
		if (!ret && status)
			ret = lf_err_set(err, -EIO, "%s: xz -d failed (see %s)", xz, log);
		if (ret) {
			unlink(ko);
			return ret;
		}
	}
	return lf_symres_open_module(out, ko, mod, err);
}

/* The functions and variables a unit adds with global names. */
static int new_globals(const char *after_o, const struct lf_objdiff *d,
		       struct lf_strv *out, struct lf_err *err)
{
	struct lf_elfobj *o;
	int ret;

	ret = lf_elfobj_open(after_o, &o, err);
	if (ret)
		return ret;
	for (size_t i = 0; i < d->nfuncs && !ret; i++)
		if (d->funcs[i].status == LF_NEW &&
		    o->syms[d->funcs[i].sym].bind != STB_LOCAL)
			ret = lf_strv_push(out, d->funcs[i].name);
	for (size_t i = 0; i < d->nobjs && !ret; i++)
		if (d->objs[i].status == LF_NEW &&
		    o->syms[d->objs[i].sym].bind != STB_LOCAL)
			ret = lf_strv_push(out, d->objs[i].name);
	lf_elfobj_close(o);
	return ret ? lf_err_set(err, -ENOMEM, "out of memory") : 0;
}

/* The unit's local functions and variables: they pick its FILE group. */
static int before_locals(const char *before_o, struct lf_strv *locals,
			 struct lf_err *err)
{
	struct lf_elfobj *o;
	int ret;

	ret = lf_elfobj_open(before_o, &o, err);
	if (ret)
		return ret;
	for (size_t i = 1; i < o->nsyms && !ret; i++) {
		const struct lf_esym *s = &o->syms[i];

		if (s->bind == STB_LOCAL && (s->type == STT_FUNC || s->type == STT_OBJECT) &&
		    s->name && *s->name)
			ret = lf_strv_push(locals, s->name);
	}
	lf_elfobj_close(o);
	return ret ? lf_err_set(err, -ENOMEM, "out of memory") : 0;
}

static void unit_files(const struct build *b, size_t i, char *before,
		       char *after, char *po, char *pm)
{
	lf_path(before, PATH_MAX, "%s/before/%zu.o", b->tmp, i);
	lf_path(after, PATH_MAX, "%s/after/%zu.o", b->tmp, i);
	lf_path(po, PATH_MAX, "%s/patch%zu.o", b->tmp, i);
	lf_path(pm, PATH_MAX, "%s/manifest%zu", b->tmp, i);
}

struct symtypes_pair {
	char *before, *after;	/* genksyms' symtypes of the two objects */
};

static int symtypes_excuse(const char *name, char *why, size_t whysize, void *arg)
{
	const struct symtypes_pair *st = arg;

	if (!st->before || !st->after)
		return -1;
	return lf_symtypes_compare(st->before, st->after, name, why, whysize);
}

/*
 * A unit's exported symbols must keep the CRCs modules were built with,
 * unless genksyms' own record shows the unit only sees more (or less) of
 * some types than before, as a new #include makes it.
 */
static int check_crcs(const struct build *b, size_t i, const char *before,
		      const char *after, struct lf_err *err)
{
	struct symtypes_pair st = { 0 };
	char path[PATH_MAX], *text;
	struct lf_crcs crcs;
	size_t len;
	int ret;

	if (lf_path(path, sizeof(path), "%s.cmd", after) || !lf_path_exists(path))
		return 0;
	if (lf_slurp(path, &text, &len, 16u << 20))
		return lf_err_set(err, -EIO, "%s: cannot read", path);
	ret = lf_crc_parse_cmd(text, &crcs);
	free(text);
	if (ret)
		return lf_err_set(err, ret, "out of memory");
	/* Without both records, the CRC alone decides. */
	if (!lf_path(path, sizeof(path), "%s.symtypes", before) &&
	    lf_slurp(path, &st.before, &len, 64u << 20))
		st.before = NULL;
	if (!lf_path(path, sizeof(path), "%s.symtypes", after) &&
	    lf_slurp(path, &st.after, &len, 64u << 20))
		st.after = NULL;
	ret = lf_crc_check(b->units[i], &crcs, b->symvers_text, symtypes_excuse,
			   &st, err);
	free(st.before);
	free(st.after);
	lf_crcs_free(&crcs);
	return ret;
}

/*
 * Pass one: diff every unit, so that the new globals of all units are
 * known before any unit's references are resolved. diffs[i] stays NULL
 * for a unit whose change compiles to nothing.
 */
static int diff_units(struct build *b, struct lf_objdiff **diffs,
		      struct lf_strv *provided, struct lf_err *err)
{
	int ret = 0;

	for (size_t i = 0; i < b->nunits && !ret; i++) {
		char before[PATH_MAX], after[PATH_MAX], po[PATH_MAX], pm[PATH_MAX];
		struct lf_objdiff *d = NULL;

		unit_files(b, i, before, after, po, pm);
		ret = check_crcs(b, i, before, after, err);
		if (!ret)
			ret = lf_layout_compare(b->units[i], before, after, err);
		if (ret)
			break;	/* the message names the unit */
		ret = lf_objdiff(before, after, &d, err);
		if (!ret)
			ret = lf_objdiff_verdict(d, err);
		if (ret == -ENODATA) {
			/*
			 * Nothing replaced here, but new global functions may
			 * be what another unit's change calls: carry them.
			 */
			size_t before_n = provided->n;
			char msg[PATH_MAX + 64];

			ret = new_globals(after, d, provided, err);
			if (!ret && provided->n > before_n) {
				diffs[i] = d;
				continue;
			}
			snprintf(msg, sizeof(msg), "%s: no functional change", b->units[i]);
			note(msg);
			lf_objdiff_free(d);
			if (ret)
				break;
			continue;
		}
		if (!ret)
			ret = new_globals(after, d, provided, err);
		if (ret) {
			lf_err_prefix(err, "%s: ", b->units[i]);
			lf_objdiff_free(d);
			break;
		}
		diffs[i] = d;
	}
	lf_strv_sort(provided);
	return ret;
}

/*
 * The unit's klp callbacks: LIVEFIX_PRE_PATCH() and friends put a pointer
 * to the function in .livefix.callback.<kind> of after.o; the function
 * itself is carried into patch.o like any new or changed one, and the
 * manifest's "callback" lines make desc.c hand it to klp.
 */
#define CALLBACK_SEC ".livefix.callback."

static int unit_callbacks(const char *after_o, const struct lf_objdiff *d,
			  unsigned int unit, const char *objname, FILE *mf,
			  struct lf_err *err)
{
	struct lf_elfobj *o;
	int ret;

	ret = lf_elfobj_open(after_o, &o, err);
	if (ret)
		return ret;
	for (size_t sec = 1; sec < o->nsecs && !ret; sec++) {
		const struct lf_esec *s = &o->secs[sec];
		const char *kind;

		if (!s->name || strncmp(s->name, CALLBACK_SEC, strlen(CALLBACK_SEC)))
			continue;
		kind = s->name + strlen(CALLBACK_SEC);
		if (lf_callback_kind_parse(kind) < 0) {
			ret = lf_err_set(err, -EINVAL,
					 "section %s: not a callback kind (pre_patch, post_patch, pre_unpatch, post_unpatch)",
					 s->name);
			break;
		}
		for (size_t k = 0; k < s->nrela && !ret; k++) {
			const struct lf_objdiff_func *fn;
			struct lf_eloc loc;
			size_t sym;

			lf_elfobj_rela_loc(o, sec, &s->rela[k], &loc);
			sym = o->syms[loc.sym].type == STT_FUNC ? loc.sym :
			      loc.sec ? lf_elfobj_sym_at(o, loc.sec, loc.v) : 0;
			if (!sym || o->syms[sym].type != STT_FUNC || !o->syms[sym].name) {
				ret = lf_err_set(err, -EINVAL,
						 "%s callback: does not point to a function of this file",
						 kind);
				break;
			}
			fn = lf_objdiff_find_func(d, o->syms[sym].name);
			if (!fn || fn->status == LF_UNCHANGED) {
				ret = lf_err_set(err, -ENOTSUP,
						 "%s callback %s: only a function the fix adds or changes can be a callback",
						 kind, o->syms[sym].name);
				break;
			}
			if (fprintf(mf, "callback %s %s __livefix_new.%u.%s\n", objname, kind,
				    unit, fn->name) < 0)
				ret = lf_err_set(err, -EIO, "manifest: write failed");
		}
	}
	lf_elfobj_close(o);
	return ret;
}

/* Where a reference of patch.o lands in vmlinux, for the IBT check. */
static uint64_t vmlinux_addr_of(void *data, const char *sym)
{
	static const char klp[] = ".klp.sym.vmlinux.";
	const struct lf_symres *r = data;
	char name[512];
	const char *comma;
	unsigned long pos = 0;

	if (strncmp(sym, ".klp.sym.", 9))
		return lf_symres_func_addr(r, sym, 0);
	if (strncmp(sym, klp, sizeof(klp) - 1))
		return 0;	/* a module's: its loader seals nothing we know */
	comma = strrchr(sym, ',');
	if (!comma || (size_t)(comma - sym) - (sizeof(klp) - 1) >= sizeof(name))
		return 0;
	snprintf(name, sizeof(name), "%.*s", (int)(comma - sym - (sizeof(klp) - 1)),
		 sym + sizeof(klp) - 1);
	pos = strtoul(comma + 1, NULL, 10);
	return lf_symres_func_addr(r, name, pos);
}

/* Pass two: emit one unit's patch.o and fingerprint what it replaces. */
static int emit_unit(struct build *b, size_t i, const struct lf_objdiff *d,
		     const struct lf_symres *r, const struct lf_strv *provided,
		     FILE *mf, struct lf_strv *objs, struct lf_err *err)
{
	char before[PATH_MAX], after[PATH_MAX], po[PATH_MAX], pm[PATH_MAX];
	struct lf_strv locals = { 0 };
	struct lf_symres_unit unit = { 0 };
	struct lf_symres *mod = NULL;
	struct resolve_ctx ctx = { .r = r, .unit = &unit, .provided = provided };
	struct lf_emit_resolver res = { .data = &ctx, .resolve = resolve_vmlinux };
	size_t nfuncs;
	int ret = 0;

	unit_files(b, i, before, after, po, pm);
	if (strcmp(b->owners[i], "vmlinux"))
		ret = open_module(b, b->owners[i], &mod, err);
	ctx.mod = mod;
	if (!ret)
		ret = before_locals(before, &locals, err);
	if (!ret)
		ret = lf_symres_unit(mod ? mod : r, b->units[i], &locals, &unit, err);
	lf_strv_free(&locals);
	if (!ret)
		ret = lf_emit(after, d, (unsigned int)i, b->owners[i], &res, po, pm,
			      err);
	if (!ret)
		ret = lf_ibtseal_check(b->seal, po, vmlinux_addr_of, (void *)r, err);
	if (!ret)
		ret = lf_fingerprint_unit(before, pm, mod ? mod : r, &unit, mf,
					  &nfuncs, err);
	if (!ret)
		ret = unit_callbacks(after, d, (unsigned int)i, b->owners[i], mf, err);
	lf_symres_unit_release(&unit);
	lf_symres_free(mod);
	if (ret) {
		lf_err_prefix(err, "%s: ", b->units[i]);
		return ret;
	}
	b->nfuncs += nfuncs;
	return lf_strv_push(objs, po) ? lf_err_set(err, -ENOMEM, "out of memory") : 0;
}

static int diff_stage(struct build *b, struct lf_strv *objs, char *manifest,
		      size_t msize, struct lf_err *err)
{
	struct lf_objdiff **diffs = calloc(b->nunits + 1, sizeof(*diffs));
	struct lf_strv provided = { 0 };
	struct lf_symres *r = NULL;
	size_t changed_units = 0;
	FILE *mf = NULL;
	int ret;

	if (!diffs)
		return lf_err_set(err, -ENOMEM, "out of memory");
	if (lf_path(manifest, msize, "%s/manifest", b->tmp)) {
		ret = lf_err_set(err, -ENAMETOOLONG, "path too long");
		goto out;
	}
	{
		size_t len;

		if (lf_slurp(b->t.symvers, &b->symvers_text, &len, 64u << 20)) {
			ret = lf_err_set(err, -EIO, "%s: cannot read", b->t.symvers);
			goto out;
		}
	}
	ret = diff_units(b, diffs, &provided, err);
	if (!ret)
		ret = lf_symres_open(&r, b->t.vmlinux, b->t.symvers, err);
	if (!ret)
		ret = lf_ibtseal_open(b->t.vmlinux, &b->seal, err);
	if (ret)
		goto out;
	mf = fopen(manifest, "we");
	if (!mf) {
		ret = lf_err_set(err, -errno, "%s: %s", manifest, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < b->nunits && !ret; i++) {
		if (!diffs[i])
			continue;
		ret = emit_unit(b, i, diffs[i], r, &provided, mf, objs, err);
		changed_units++;
	}
	if (!ret && (!changed_units || !b->nfuncs))
		ret = lf_err_set(err, -ENODATA, "no functional change: the patch changes no function's code");
out:
	if (mf && fclose(mf) && !ret)
		ret = lf_err_set(err, -EIO, "%s: write failed", manifest);
	for (size_t i = 0; i < b->nunits; i++)
		lf_objdiff_free(diffs[i]);
	free(diffs);
	lf_strv_free(&provided);
	lf_symres_free(r);
	return ret;
}

/* ---- link + output -------------------------------------------------------- */

static int link_stage(struct build *b, const struct lf_strv *objs,
		      const char *manifest, char *final, size_t fsize,
		      struct lf_err *err)
{
	char work[PATH_MAX], linked[PATH_MAX];
	struct lf_link_req r = {
		.patch_objs = (const char *const *)objs->v, .npatch_objs = objs->n,
		.manifest = manifest, .name = b->name,
		.id = b->id_arg ? b->id_arg : b->name, .cves = b->cves,
		.replace = !b->no_replace, .version = b->fix_version,
		.repo = b->repo, .workdir = work,
		.out = linked, .jobs = b->jobs,
	};
	unsigned int converted = 0;
	int ret;

	if (lf_path(work, sizeof(work), "%s/mod", b->tmp) ||
	    lf_path(linked, sizeof(linked), "%s/linked.ko", b->tmp) ||
	    lf_path(final, fsize, "%s/%s.ko", b->tmp, b->name))
		return lf_err_set(err, -ENAMETOOLONG, "path too long");
	ret = lf_mkdir_p(work, 0700);
	if (ret)
		return lf_err_set(err, ret, "%s: %s", work, strerror(-ret));
	ret = lf_link(&b->t, &r, err);
	if (ret)
		return ret;
	ret = lf_klpconv(linked, final, &converted, err);
	if (!ret) {
		char msg[64];

		snprintf(msg, sizeof(msg), "klpconv: %u klp relocations", converted);
		note(msg);
	}
	return ret;
}

/*
 * The module of a unit that is not in vmlinux, by the target's module
 * index when it has one (the first header change made it): kbuild's own
 * answer comes from preprocessing the unit, and a unit that includes a
 * header kbuild generates only for the object (fs/smb/client/asn1.c and
 * its ASN.1 parser) cannot be preprocessed alone. "" when the index does
 * not know the unit, or knows it in more than one module.
 */
static int indexed_owner(struct build *b, const char *unit, char *owner,
			 size_t size, struct lf_err *err)
{
	int ret;

	*owner = '\0';
	ret = module_index(b, err);
	if (ret)
		return ret;
	for (size_t i = 0; i < b->modindex.n; i++) {
		const char *m = b->modindex.v[i].module, *base = strrchr(m, '/');
		char name[64];
		size_t len;

		if (strcmp(b->modindex.v[i].unit, unit))
			continue;
		base = base ? base + 1 : m;
		len = strcspn(base, ".");
		if (len >= sizeof(name))
			continue;
		/* kbuild's module names have '_' where file names have '-'. */
		for (size_t k = 0; k < len; k++)
			name[k] = base[k] == '-' ? '_' : base[k];
		name[len] = '\0';
		if (*owner && strcmp(owner, name)) {
			*owner = '\0';	/* in two modules: let kbuild say */
			return 0;
		}
		if (lf_path(owner, size, "%s", name))
			return lf_err_set(err, -ENAMETOOLONG, "%s: module name too long", m);
	}
	return 0;
}

/* vmlinux's own DWARF, then the module index, then kbuild (compile.c). */
static int unit_owner(struct build *b, size_t i, struct lf_err *err)
{
	int ret;

	if (!lf_unit_path_ok(b->units[i]))
		return lf_err_set(err, -EINVAL, "%s: not a kernel source path", b->units[i]);
	ret = vmlinux_units(b, err);
	if (ret)
		return ret;
	if (lf_strv_has(&b->vmlinux_units, b->units[i]))
		return lf_path(b->owners[i], sizeof(b->owners[i]), "vmlinux");
	ret = indexed_owner(b, b->units[i], b->owners[i], sizeof(b->owners[i]), err);
	if (ret || b->owners[i][0])
		return ret;
	return lf_unit_kbuild_owner(&b->t, b->units[i], b->owners[i],
				    sizeof(b->owners[i]), err);
}

/* ---- the verb -------------------------------------------------------------- */

static int run(struct build *b, struct lf_err *err)
{
	unsigned int flags = verbose ? LF_TARGET_VERBOSE : 0;
	struct lf_strv objs = { 0 };
	char manifest[PATH_MAX], final[PATH_MAX], abi[LF_ABI_MAX];
	int64_t t0;
	int ret;

	ret = parse_units(b, err);
	if (ret)
		return ret;
	if (b->abi_arg)
		ret = lf_path(abi, sizeof(abi), "%s", b->abi_arg) ?
			lf_err_set(err, -EINVAL, "invalid ABI '%s'", b->abi_arg) : 0;
	else
		ret = lf_target_default_abi(abi, sizeof(abi), err);
	if (ret)
		return ret;

	t0 = lf_now_ns();
	b->t.src_override = b->src_arg;
	if (!lf_path(b->fix_include, sizeof(b->fix_include), "%s/kmod/include", b->repo))
		b->t.fix_include = b->fix_include;
	b->t.jobs = b->jobs;
	b->t.cancel = &lf_interrupted;
	b->t.note = note;
	ret = lf_target_prepare(abi, &b->t, flags, err);
	if (ret)
		return ret;
	b->target_open = true;
	timing("prepare", t0);
	/*
	 * From here on the tools' output quotes the fix (patch(1) names its
	 * hunks, gcc quotes the lines it warns about): it goes to the
	 * build's private directory, never to the shared cache.
	 */
	if (lf_path(b->t.logdir, sizeof(b->t.logdir), "%s/log", b->tmp))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", b->tmp);
	ret = lf_mkdir_p(b->t.logdir, 0700);
	if (ret)
		return lf_err_set(err, ret, "%s: %s", b->t.logdir, strerror(-ret));
	ret = collect_units(b, err);
	if (ret)
		return ret;

	t0 = lf_now_ns();
	for (size_t i = 0; i < b->nunits; i++) {
		ret = unit_owner(b, i, err);
		if (ret)
			return ret;
		if (verbose)
			fprintf(stderr, "livefix: build: %s -> %s\n", b->units[i],
				b->owners[i]);
	}
	ret = compile_stage(b, "before", err);
	if (!ret)
		ret = patched_compile(b, err);
	if (ret)
		return ret;
	timing("compile", t0);

	t0 = lf_now_ns();
	ret = diff_stage(b, &objs, manifest, sizeof(manifest), err);
	if (ret)
		goto out;
	timing("diff", t0);

	t0 = lf_now_ns();
	ret = link_stage(b, &objs, manifest, final, sizeof(final), err);
	if (ret)
		goto out;
	ret = lf_copy_file(final, b->out, false);
	if (ret) {
		ret = lf_err_set(err, ret, "%s: %s", b->out, strerror(-ret));
		goto out;
	}
	timing("link", t0);
out:
	lf_strv_free(&objs);
	return ret;
}

static void cleanup(struct build *b)
{
	if (b->ps.active) {
		struct lf_err err;

		lf_err_clear(&err);
		if (lf_patchset_restore(&b->ps, &err))
			lf_report(verb, "restoring the tree failed: %s (the next build retries)",
				  err.msg);
	}
	if (b->target_open)
		lf_target_close(&b->t);
	if (b->tmp[0] && !b->keep_tmp)
		lf_rm_rf(b->tmp);
	lf_units_free(&b->u);
	lf_strv_free(&b->header_units);
	lf_moddbg_users_free(&b->modindex);
	lf_strv_free(&b->vmlinux_units);
	lf_ibtseal_free(b->seal);
	free(b->symvers_text);
	free(b->units);
	free(b->owners);
}

static int make_tmp(struct build *b, struct lf_err *err)
{
	const char *base = getenv("TMPDIR");
	int ret;

	if (b->keep_tmp) {
		ret = lf_mkdir_p(b->keep_tmp, 0700);
		if (ret)
			return lf_err_set(err, ret, "%s: %s", b->keep_tmp, strerror(-ret));
		if (!realpath(b->keep_tmp, b->tmp))
			return lf_err_set(err, -errno, "%s: %s", b->keep_tmp,
					  strerror(errno));
		return 0;
	}
	if (!base || !*base)
		base = "/tmp";
	if (lf_path(b->tmp, sizeof(b->tmp), "%s/livefix-build.XXXXXX", base))
		return lf_err_set(err, -ENAMETOOLONG, "TMPDIR is too long");
	if (!mkdtemp(b->tmp)) {		/* mode 0700 */
		ret = -errno;
		b->tmp[0] = '\0';
		return lf_err_set(err, ret, "cannot create a directory in %s: %s",
				  base, strerror(-ret));
	}
	return 0;
}

int cmd_build(int argc, char **argv)
{
	struct build b = { .jobs = 1 };
	bool v = false;
	const struct lf_opt opts[] = {
		{ "target", &b.abi_arg, NULL },
		{ "name", &b.name_arg, NULL },
		{ "output", &b.out_arg, NULL },
		{ "jobs", &b.jobs_arg, NULL },
		{ "src", &b.src_arg, NULL },
		{ "keep-tmp", &b.keep_tmp, NULL },
		{ "id", &b.id_arg, NULL },
		{ "cves", &b.cves_arg, NULL },
		{ "no-replace", NULL, &b.no_replace },
		{ "fix-version", &b.fix_version_arg, NULL },
		{ "verbose", NULL, &v },
	};
	struct lf_strv owned = { 0 };
	struct lf_err err;
	char **args;
	int npos, ret = LF_EXIT_FAIL;

	args = expand_short(argc, argv, &owned);
	if (!args) {
		lf_report(verb, "out of memory");
		return LF_EXIT_FAIL;
	}
	switch (lf_parse_opts(verb, argc, args, opts, sizeof(opts) / sizeof(opts[0]),
			      &npos)) {
	case LF_OPT_HELP:
		lf_usage_verb(verb);
		printf("options:\n"
		       "  -t, --target ABI    kernel ABI (default: LIVEFIX_ABI, else linux-source-6.12's)\n"
		       "  -n, --name NAME     module name (default: lf_ + the first patch's name)\n"
		       "  -o, --output FILE   output NAME.ko (default: ./NAME.ko)\n"
		       "  -j, --jobs N        parallel compile jobs\n"
		       "  --src DIR           build from this kernel tree instead of the cached source\n"
		       "  --keep-tmp DIR      keep intermediate files (objects, manifest) in DIR\n"
		       "  --id ID             fix id (default: NAME)\n"
		       "  --cves LIST         space-separated CVE ids (default: those the patches mention)\n"
		       "  --no-replace        do not replace earlier fixes atomically\n"
		       "  --fix-version N     cumulative version (default 1); a replacing fix\n"
		       "                      older than the live one is refused\n"
		       "  -v, --verbose       show each stage and its time\n");
		ret = LF_EXIT_OK;
		goto out_args;
	case LF_OPT_ERROR:
		ret = LF_EXIT_USAGE;
		goto out_args;
	case LF_OPT_OK:
		break;
	}
	verbose = v;
	if (npos < 1) {
		lf_report(verb, "missing FIX.patch argument; see 'livefix help build'");
		ret = LF_EXIT_USAGE;
		goto out_args;
	}
	b.patches = args + 1;
	b.npatches = npos;
	if (b.jobs_arg) {
		char *end;
		long j = strtol(b.jobs_arg, &end, 10);

		if (end == b.jobs_arg || *end || j < 1 || j > 256) {
			lf_report(verb, "invalid --jobs '%s' (want 1..256)", b.jobs_arg);
			ret = LF_EXIT_USAGE;
			goto out_args;
		}
		b.jobs = (unsigned int)j;
	}
	if (b.fix_version_arg) {
		char *end;
		long fv = strtol(b.fix_version_arg, &end, 10);

		if (end == b.fix_version_arg || *end || fv < 1 || fv > 1000000) {
			lf_report(verb, "invalid --fix-version '%s' (want 1..1000000)",
				  b.fix_version_arg);
			ret = LF_EXIT_USAGE;
			goto out_args;
		}
		b.fix_version = (unsigned int)fv;
	}
	/*
	 * livefix load knows a fix by its file name, so the module name and
	 * the output's basename must agree: -o names the module unless -n
	 * does, and then they must match.
	 */
	if (b.out_arg) {
		size_t ol = strlen(b.out_arg);
		char outname[LF_MODNAME_MAX];

		if (ol < 4 || strcmp(b.out_arg + ol - 3, ".ko") ||
		    lf_modname(b.out_arg, outname, sizeof(outname)) || !name_ok(outname)) {
			lf_report(verb, "invalid --output '%s' (want NAME.ko, NAME of a-z, 0-9, _)",
				  b.out_arg);
			ret = LF_EXIT_USAGE;
			goto out_args;
		}
		if (b.name_arg && strcmp(b.name_arg, outname)) {
			lf_report(verb, "--output %s does not match --name %s (livefix load knows a fix by its file name)",
				  b.out_arg, b.name_arg);
			ret = LF_EXIT_USAGE;
			goto out_args;
		}
		snprintf(b.name, sizeof(b.name), "%s", outname);
	}
	if (b.name_arg) {
		if (!name_ok(b.name_arg)) {
			lf_report(verb, "invalid --name '%s' (a-z, 0-9, _; at most %d)",
				  b.name_arg, LF_MODNAME_MAX - 1);
			ret = LF_EXIT_USAGE;
			goto out_args;
		}
		snprintf(b.name, sizeof(b.name), "%s", b.name_arg);
	} else if (!b.out_arg && default_name(b.patches[0], b.name, sizeof(b.name))) {
		lf_report(verb, "%s: cannot derive a module name; use --name", b.patches[0]);
		ret = LF_EXIT_USAGE;
		goto out_args;
	}
	if (lf_path(b.out, sizeof(b.out), "%s", b.out_arg ? b.out_arg : "") ||
	    (!b.out_arg && lf_path(b.out, sizeof(b.out), "./%s.ko", b.name))) {
		lf_report(verb, "output path too long");
		ret = LF_EXIT_USAGE;
		goto out_args;
	}
	for (int i = 0; i < b.npatches; i++) {
		if (access(b.patches[i], R_OK)) {
			lf_report(verb, "%s: %s", b.patches[i], strerror(errno));
			goto out_args;
		}
	}
	if (b.cves_arg)
		snprintf(b.cves, sizeof(b.cves), "%s", b.cves_arg);
	else
		scan_cves(&b);
	if (find_repo(b.repo, sizeof(b.repo))) {
		lf_report(verb, "cannot find the livefix tree (kmod/patch/patch.mk) from this binary; set LIVEFIX_ROOT");
		goto out_args;
	}

	lf_err_clear(&err);
	/* Ctrl-C must not leave the cache tree patched: it cancels, we restore. */
	lf_catch_interrupts();
	b.t_start = lf_now_ns();
	if (make_tmp(&b, &err)) {
		fail(&err);
		goto out;
	}
	if (verbose && b.keep_tmp)
		fprintf(stderr, "livefix: build: keeping intermediate files in %s\n", b.tmp);
	if (run(&b, &err)) {
		if (lf_interrupted && err.code != -EINTR)
			lf_err_set(&err, -EINTR, "interrupted");
		fail(&err);
		goto out;
	}
	timing("total", b.t_start);
	printf("livefix: built %s: %zu function%s in %zu unit%s\n", b.out, b.nfuncs,
	       b.nfuncs == 1 ? "" : "s", b.nunits, b.nunits == 1 ? "" : "s");
	ret = LF_EXIT_OK;
out:
	cleanup(&b);
out_args:
	free(args);
	lf_strv_free(&owned);
	return ret;
}
