// SPDX-License-Identifier: GPL-2.0-only
/*
 * Link the patch module: kbuild against the headers, with the emitted
 * patch.o, a generated desc.c and the skeleton. See link.h.
 */
#include "link.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../modfile.h"
#include "../sysfs.h"
#include "compile.h"
#include "patchset.h"

/* ---- manifest ---------------------------------------------------------- */

static bool all_chars(const char *s, const char *extra, bool upper)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		char c = *s;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (upper && c >= 'A' && c <= 'Z') || strchr(extra, c))
			continue;
		return false;
	}
	return true;
}

/* Symbol names as the kernel's symbol tables spell them (foo.isra.0). */
static bool symbol_ok(const char *s)
{
	return all_chars(s, "_.$", true) && !(s[0] >= '0' && s[0] <= '9');
}

static bool modname_ok(const char *s)
{
	return strlen(s) < 56 && all_chars(s, "_", false);
}

static const char *const cb_kinds[LF_CB_NKINDS] = {
	"pre_patch", "post_patch", "pre_unpatch", "post_unpatch",
};

const char *lf_callback_kind_name(enum lf_callback_kind k)
{
	return (unsigned int)k < LF_CB_NKINDS ? cb_kinds[k] : NULL;
}

int lf_callback_kind_parse(const char *name)
{
	for (int k = 0; k < LF_CB_NKINDS; k++)
		if (!strcmp(name, cb_kinds[k]))
			return k;
	return -1;
}

void lf_manifest_free(struct lf_manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		lf_preimage_free(&m->e[i].preimage);
	free(m->e);
	free(m->cb);
	m->e = NULL;
	m->n = 0;
	m->cb = NULL;
	m->ncb = 0;
}

/* Error exit of the parser: nothing half-filled is left behind. */
static int fail(struct lf_manifest *m, int ret)
{
	lf_manifest_free(m);
	return ret;
}

/* "callback <obj> <kind> <symbol>" */
static int parse_callback(const char *name, int lineno, const char *line,
			  struct lf_manifest *m, struct lf_err *err)
{
	char word[16], obj[128], kind[32], sym[512], extra[8];
	struct lf_manifest_cb *cb;
	int k;

	if (sscanf(line, "%15s %127s %31s %511s %7s", word, obj, kind, sym, extra) != 4)
		return lf_err_set(err, -EINVAL,
				  "%s:%d: want 'callback <obj> <kind> <symbol>'", name, lineno);
	if (strcmp(obj, "vmlinux") && !modname_ok(obj))
		return lf_err_set(err, -EINVAL, "%s:%d: bad object name '%s'",
				  name, lineno, obj);
	k = lf_callback_kind_parse(kind);
	if (k < 0)
		return lf_err_set(err, -EINVAL,
				  "%s:%d: bad callback kind '%s' (pre_patch, post_patch, pre_unpatch, post_unpatch)",
				  name, lineno, kind);
	if (!symbol_ok(sym) || strlen(sym) >= sizeof(cb->sym))
		return lf_err_set(err, -EINVAL, "%s:%d: bad symbol name '%s'",
				  name, lineno, sym);
	for (size_t i = 0, same = 0; i < m->ncb; i++) {
		if (strcmp(m->cb[i].obj, obj) || m->cb[i].kind != (enum lf_callback_kind)k)
			continue;
		if (!strcmp(m->cb[i].sym, sym))
			return lf_err_set(err, -EINVAL,
					  "%s:%d: %s is the %s callback for %s twice",
					  name, lineno, sym, kind, obj);
		if (++same == LF_CB_CHAIN_MAX)
			return lf_err_set(err, -E2BIG,
					  "%s:%d: more than %d %s callbacks for %s",
					  name, lineno, LF_CB_CHAIN_MAX, kind, obj);
	}
	cb = realloc(m->cb, (m->ncb + 1) * sizeof(*cb));
	if (!cb)
		return lf_err_set(err, -ENOMEM, "out of memory");
	m->cb = cb;
	cb = &m->cb[m->ncb++];
	snprintf(cb->obj, sizeof(cb->obj), "%s", obj);
	cb->kind = (enum lf_callback_kind)k;
	snprintf(cb->sym, sizeof(cb->sym), "%s", sym);
	return 0;
}

int lf_manifest_parse(const char *name, const char *text,
		      struct lf_manifest *m, struct lf_err *err)
{
	const char *p = text;
	int lineno = 0;

	memset(m, 0, sizeof(*m));
	while (*p) {
		size_t len = strcspn(p, "\n");
		char line[8192], obj[128], old[512], pos[64], nsym[512];
		char pre[8192], extra[8];
		struct lf_manifest_ent *e;
		char *end;
		int n;

		lineno++;
		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
		if (len >= sizeof(line))
			goto bad;
		n = sscanf(line, "%127s %511s %63s %511s %8191s %7s", obj, old, pos,
			   nsym, pre, extra);
		if (n <= 0 || obj[0] == '#')
			continue;
		if (!strcmp(obj, "callback")) {
			int ret = parse_callback(name, lineno, line, m, err);

			if (ret)
				return fail(m, ret);
			continue;
		}
		if (n != 4 && n != 5)
			goto bad;
		if (strcmp(obj, "vmlinux") && !modname_ok(obj))
			return fail(m, lf_err_set(err, -EINVAL, "%s:%d: bad object name '%s'",
					  name, lineno, obj));
		if (!symbol_ok(old) || strlen(old) >= sizeof(e->old))
			return fail(m, lf_err_set(err, -EINVAL, "%s:%d: bad function name '%s'",
					  name, lineno, old));
		if (!symbol_ok(nsym) || strlen(nsym) >= sizeof(e->new_sym))
			return fail(m, lf_err_set(err, -EINVAL, "%s:%d: bad symbol name '%s'",
					  name, lineno, nsym));
		errno = 0;
		if (pos[0] < '0' || pos[0] > '9')
			goto bad;
		{
			unsigned long v = strtoul(pos, &end, 10);

			if (errno || *end)
				goto bad;
			for (size_t i = 0; i < m->n; i++) {
				if (!strcmp(m->e[i].obj, obj) && !strcmp(m->e[i].old, old) &&
				    m->e[i].sympos == v)
					return fail(m, lf_err_set(err, -EINVAL,
								  "%s:%d: %s %s replaced twice",
								  name, lineno, obj, old));
				if (!strcmp(m->e[i].new_sym, nsym))
					return fail(m, lf_err_set(err, -EINVAL,
								  "%s:%d: %s used twice",
								  name, lineno, nsym));
			}
			e = realloc(m->e, (m->n + 1) * sizeof(*e));
			if (!e)
				return fail(m, lf_err_set(err, -ENOMEM, "out of memory"));
			m->e = e;
			e = &m->e[m->n++];
			snprintf(e->obj, sizeof(e->obj), "%s", obj);
			snprintf(e->old, sizeof(e->old), "%s", old);
			snprintf(e->new_sym, sizeof(e->new_sym), "%s", nsym);
			e->sympos = v;
			memset(&e->preimage, 0, sizeof(e->preimage));
			if (n == 5 && lf_preimage_parse(pre, &e->preimage))
				return fail(m, lf_err_set(err, -EINVAL,
							  "%s:%d: bad pre-image '%s'",
							  name, lineno, pre));
		}
		continue;
bad:
		return fail(m, lf_err_set(err, -EINVAL,
					  "%s:%d: want '<obj> <old name> <sympos> <new symbol> [pre=...]'",
					  name, lineno));
	}
	if (!m->n)
		return fail(m, lf_err_set(err, -ENODATA, "%s: replaces no function", name));
	/* klp runs an object's callbacks only for an object it patches. */
	for (size_t i = 0; i < m->ncb; i++) {
		bool patched = false;

		for (size_t j = 0; j < m->n && !patched; j++)
			patched = !strcmp(m->e[j].obj, m->cb[i].obj);
		if (!patched)
			return fail(m, lf_err_set(err, -EINVAL,
						  "%s: %s callback %s for %s, which the fix does not patch",
						  name, cb_kinds[m->cb[i].kind], m->cb[i].sym,
						  m->cb[i].obj));
	}
	return 0;
}

int lf_manifest_read(const char *path, struct lf_manifest *m,
		     struct lf_err *err)
{
	size_t len;
	char *text;
	int ret;

	ret = lf_slurp(path, &text, &len, 16u << 20);
	if (ret)
		return lf_err_set(err, ret, "%s: %s", path, strerror(-ret));
	ret = lf_manifest_parse(path, text, m, err);
	free(text);
	return ret;
}

/* ---- desc.c -------------------------------------------------------------- */

/* The metadata strings end up in C literals: keep them to safe characters. */
static bool meta_ok(const char *s, bool allow_empty)
{
	if (!*s)
		return allow_empty;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("._:+- ", *s)))
			return false;
	return true;
}

/*
 * The pre-image as data livefix.ko can check against the running kernel,
 * and as modinfo, so `livefix info` shows it without loading the fix.
 */
static void write_preimage(FILE *f, size_t i, const struct lf_manifest_ent *e)
{
	const struct lf_preimage *p = &e->preimage;
	char hex[72];

	if (!p->size)
		return;
	lf_preimage_hex(p, hex);
	fprintf(f, "MODULE_INFO(livefix_preimage, \"%s:%s,%lu:%s\");\n",
		e->obj, e->old, e->sympos, hex);
	fprintf(f, "static const struct livefix_mask pre_masks_%zu[] = {", i);
	for (size_t k = 0; k < p->nmasks; k++)
		fprintf(f, "%s{ %u, %u }", k ? ", " : " ", p->masks[k].off,
			p->masks[k].len);
	fprintf(f, "%s};\n", p->nmasks ? " " : " { 0, 0 } ");
	fprintf(f, "static const struct livefix_preimage pre_%zu = {\n"
		   "\t.size = %llu, .nmasks = %zu, .masks = pre_masks_%zu,\n\t.sha256 = {",
		i, (unsigned long long)p->size, p->nmasks, i);
	for (size_t k = 0; k < sizeof(p->sha256); k++)
		fprintf(f, "%s0x%02x", k ? (k % 8 ? ", " : ",\n\t\t") : " ",
			p->sha256[k]);
	fprintf(f, " },\n};\n");
}

/* "__livefix_new.<unit>.<name>": the length of the part up to <name>. */
static size_t unit_prefix(const char *sym)
{
	const char *dot = strchr(sym, '.');

	dot = dot ? strchr(dot + 1, '.') : NULL;
	return dot ? (size_t)(dot - sym) : 0;
}

/* The callbacks of kind @k for @obj, in manifest order: their indices. */
static size_t callbacks_of(const struct lf_manifest *m, const char *obj,
			   enum lf_callback_kind k, size_t idx[LF_CB_CHAIN_MAX])
{
	size_t n = 0;

	for (size_t i = 0; i < m->ncb && n < LF_CB_CHAIN_MAX; i++)
		if (!strcmp(m->cb[i].obj, obj) && m->cb[i].kind == k)
			idx[n++] = i;
	return n;
}

/*
 * klp runs one callback of a kind per object, but a cumulative fix made
 * of several fixes may bring several: each (object, kind) with more than
 * one gets a chain. Patching runs them in the fixes' order, unpatching
 * in reverse. A pre_patch that fails undoes the fixes whose pre_patch
 * already ran with their own post_unpatch (a callback of the same unit),
 * as klp does for a fix on its own, and fails the object.
 */
static void write_chain(FILE *f, const struct lf_manifest *m, const char *obj,
			size_t o, enum lf_callback_kind k)
{
	bool unpatch = k == LF_CB_PRE_UNPATCH || k == LF_CB_POST_UNPATCH;
	size_t idx[LF_CB_CHAIN_MAX], n = callbacks_of(m, obj, k, idx);

	if (n < 2)
		return;
	fprintf(f, "\n/* %s of %s: %zu fixes' callbacks. */\n", cb_kinds[k], obj, n);
	if (k != LF_CB_PRE_PATCH) {
		fprintf(f, "static void lf_chain_%zu_%s(struct klp_object *obj)\n{\n",
			o, cb_kinds[k]);
		for (size_t j = 0; j < n; j++)
			fprintf(f, "\tlf_cb_%zu(obj);\n", idx[unpatch ? n - 1 - j : j]);
		fprintf(f, "}\n");
		return;
	}
	fprintf(f, "static int lf_chain_%zu_pre_patch(struct klp_object *obj)\n{\n"
		   "\tint ret;\n\n", o);
	for (size_t j = 0; j < n; j++)
		fprintf(f, "\tret = lf_cb_%zu(obj);\n\tif (ret)\n\t\tgoto undo_%zu;\n",
			idx[j], j);
	fprintf(f, "\treturn 0;\n");
	/* undo_<j>: pre_patch j failed; undo 0..j-1, latest first. */
	for (size_t j = n; j-- > 0;) {
		const char *pre = j ? m->cb[idx[j - 1]].sym : "";
		size_t plen = unit_prefix(pre);

		fprintf(f, "undo_%zu:\n", j);
		for (size_t i = 0; plen && i < m->ncb; i++)
			if (!strcmp(m->cb[i].obj, obj) &&
			    m->cb[i].kind == LF_CB_POST_UNPATCH &&
			    !strncmp(m->cb[i].sym, pre, plen + 1))
				fprintf(f, "\tlf_cb_%zu(obj);\n", i);
	}
	fprintf(f, "\treturn ret;\n}\n");
}

int lf_link_write_desc(const char *path, const struct lf_link_req *r,
		       const struct lf_manifest *m, struct lf_err *err)
{
	const char **objs;
	size_t nobj = 0;
	FILE *f;
	int ret = 0;

	if (!meta_ok(r->id, false))
		return lf_err_set(err, -EINVAL, "fix id '%s': use letters, digits and ._:+-",
				  r->id);
	if (!meta_ok(r->cves ? r->cves : "", true))
		return lf_err_set(err, -EINVAL, "CVE list '%s': use letters, digits, '-' and spaces",
				  r->cves);
	objs = calloc(m->n + 1, sizeof(*objs));
	if (!objs)
		return lf_err_set(err, -ENOMEM, "out of memory");
	/* vmlinux first, then modules in manifest order. */
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->e[i].obj, "vmlinux")) {
			objs[nobj++] = "vmlinux";
			break;
		}
	for (size_t i = 0; i < m->n; i++) {
		bool seen = false;

		for (size_t j = 0; j < nobj && !seen; j++)
			seen = !strcmp(objs[j], m->e[i].obj);
		if (!seen)
			objs[nobj++] = m->e[i].obj;
	}

	f = fopen(path, "we");
	if (!f) {
		free(objs);
		return lf_err_set(err, -errno, "%s: %s", path, strerror(errno));
	}
	fprintf(f, "// SPDX-License-Identifier: GPL-2.0\n"
		   "/* Generated by livefix build; the replacement functions are in patch.o. */\n"
		   "#define LIVEFIX_ID \"%s\"\n#define LIVEFIX_CVES \"%s\"\n"
		   "#define LIVEFIX_REPLACE %s\n",
		r->id, r->cves ? r->cves : "", r->replace ? "true" : "false");
	if (r->version)
		fprintf(f, "#define LIVEFIX_FIX_VERSION %u\n", r->version);
	fprintf(f, "#include \"livefix-patch.h\"\n\n");
	/*
	 * The new functions' names contain dots, which C cannot spell: an asm
	 * label binds a C name to the symbol.
	 */
	for (size_t i = 0; i < m->n; i++)
		fprintf(f, "extern char lf_new_%zu[] __asm__(\"%s\");\n", i,
			m->e[i].new_sym);
	for (size_t i = 0; i < m->ncb; i++)
		fprintf(f, "extern %s lf_cb_%zu(struct klp_object *obj) __asm__(\"%s\");\n",
			m->cb[i].kind == LF_CB_PRE_PATCH ? "int" : "void", i, m->cb[i].sym);
	for (size_t i = 0; i < m->n; i++)
		write_preimage(f, i, &m->e[i]);
	for (size_t o = 0; o < nobj; o++) {
		fprintf(f, "\nstatic const struct livefix_func_desc funcs_%zu[] = {\n", o);
		for (size_t i = 0; i < m->n; i++) {
			if (strcmp(m->e[i].obj, objs[o]))
				continue;
			fprintf(f, "\t{ .old_name = \"%s\", .new_func = lf_new_%zu, .sympos = %lu",
				m->e[i].old, i, m->e[i].sympos);
			if (m->e[i].preimage.size)
				fprintf(f, ", .preimage = &pre_%zu", i);
			fprintf(f, " },\n");
		}
		fprintf(f, "\t{ }\n};\n");
	}
	for (size_t o = 0; o < nobj; o++)
		for (int k = 0; k < LF_CB_NKINDS; k++)
			write_chain(f, m, objs[o], o, (enum lf_callback_kind)k);
	fprintf(f, "\nstatic const struct livefix_object_desc objects[] = {\n");
	for (size_t o = 0; o < nobj; o++) {
		bool any = false;

		if (!strcmp(objs[o], "vmlinux"))
			fprintf(f, "\t{ .name = NULL, .funcs = funcs_%zu", o);
		else
			fprintf(f, "\t{ .name = \"%s\", .funcs = funcs_%zu", objs[o], o);
		for (int k = 0; k < LF_CB_NKINDS; k++) {
			size_t idx[LF_CB_CHAIN_MAX];
			size_t count = callbacks_of(m, objs[o], (enum lf_callback_kind)k, idx);

			if (!count)
				continue;
			fprintf(f, "%s\t\t.%s = ", any ? "\n" : ",\n\t  .callbacks = {\n",
				cb_kinds[k]);
			if (count == 1)
				fprintf(f, "lf_cb_%zu,", idx[0]);
			else
				fprintf(f, "lf_chain_%zu_%s,", o, cb_kinds[k]);
			any = true;
		}
		fprintf(f, "%s },\n", any ? "\n\t  }" : "");
	}
	fprintf(f, "\t{ }\n};\n\n");
	fprintf(f, "LIVEFIX_FIX(objects);\n");
	free(objs);
	if (ferror(f))
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	if (ret)
		return lf_err_set(err, ret, "%s: write failed", path);
	return 0;
}

/* ---- modpost ------------------------------------------------------------- */

int lf_link_check_modpost(const char *log, struct lf_err *err)
{
	char *text, *line, *save = NULL;
	size_t len;
	int ret = 0;

	ret = lf_slurp(log, &text, &len, 64u << 20);
	if (ret)
		return lf_err_set(err, ret, "%s: %s", log, strerror(-ret));
	/* WARNING: modpost: "sym" [/tmp/x/name.ko] undefined! */
	for (line = strtok_r(text, "\n", &save); line && !ret;
	     line = strtok_r(NULL, "\n", &save)) {
		char *q1, *q2;

		if (!strstr(line, "modpost:") || !strstr(line, "undefined!"))
			continue;
		q1 = strchr(line, '"');
		q2 = q1 ? strchr(q1 + 1, '"') : NULL;
		if (!q2)
			continue;
		*q2 = '\0';
		if (!strncmp(q1 + 1, ".klp.sym.", 9))
			continue;
		ret = lf_err_set(err, -ENOENT,
				 "link: %s is undefined (neither exported by the kernel nor by livefix.ko)",
				 q1 + 1);
	}
	free(text);
	return ret;
}

/* ---- kbuild -------------------------------------------------------------- */

static int write_text(const char *path, const char *text, struct lf_err *err)
{
	FILE *f = fopen(path, "we");
	int ret = 0;

	if (!f)
		return lf_err_set(err, -errno, "%s: %s", path, strerror(errno));
	if (fputs(text, f) < 0)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret ? lf_err_set(err, ret, "%s: write failed", path) : 0;
}

static int run_kbuild(const struct lf_target *t, const char *const *argv,
		      const char *const *env, const char *log, const char *what,
		      struct lf_err *err)
{
	struct lf_proc p = { .argv = argv, .log = log, .env = env,
			     .cancel = t->cancel };
	char first[600];
	int status, ret;

	unlink(log);
	ret = lf_proc_run(&p, &status, err);
	if (ret)
		return ret;
	if (status) {
		lf_log_first_error(log, NULL, first, sizeof(first));
		return lf_err_set(err, -EIO, "%s failed: %s", what,
				  first[0] ? first : "make gave no output");
	}
	return 0;
}

/*
 * livefix.ko's exports, which patch.mk feeds to modpost: their CRCs must
 * come from a build against the same headers. scripts/core-ko builds
 * livefix.ko for the target's ABI in <cache>/<ABI>/core, so building a fix
 * for one kernel never replaces the livefix.ko built for another.
 */
static int core_symvers(const struct lf_target *t, const struct lf_link_req *r,
			const char *const *env, char *symvers, size_t size,
			struct lf_err *err)
{
	char script[PATH_MAX], log[PATH_MAX];
	const char *argv[] = { script, t->abi, NULL };

	if (lf_path(script, sizeof(script), "%s/scripts/core-ko", r->repo) ||
	    lf_path(log, sizeof(log), "%s/kmod-core.log", t->logdir) ||
	    lf_path(symvers, size, "%s/core/Module.symvers", t->dir))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", r->repo);
	return run_kbuild(t, argv, env, log, "building livefix.ko", err);
}

int lf_link(const struct lf_target *t, const struct lf_link_req *r,
	    struct lf_err *err)
{
	enum { OBJLIST = 4096, RULES = 32768, KBUILD = PATH_MAX + OBJLIST + RULES };
	char *kbuild = NULL, *objlist = NULL, *rules = NULL;
	char path[PATH_MAX], mdir[PATH_MAX];
	char log[PATH_MAX], jobs[24], ko[PATH_MAX], wd[PATH_MAX];
	char core[PATH_MAX + 32], symvers[PATH_MAX], tmpdir[PATH_MAX + 8];
	const char *argv[] = { "make", "-C", t->kdir, mdir, "KBUILD_MODPOST_WARN=1",
			       core, jobs, "modules", NULL };
	const char *env[] = { tmpdir, NULL };
	struct lf_manifest m;
	int ret;

	if (!modname_ok(r->name))
		return lf_err_set(err, -EINVAL,
				  "module name '%s': use a-z, 0-9 and _ (at most 55)", r->name);
	ret = lf_manifest_read(r->manifest, &m, err);
	if (ret)
		return ret;
	/* kbuild resolves M= from the headers' directory: absolute only. */
	if (!realpath(r->workdir, wd)) {
		ret = lf_err_set(err, -errno, "%s: %s", r->workdir, strerror(errno));
		goto out;
	}
	/* The compilers' temporaries (desc.c names the fix) stay in @wd. */
	ret = lf_tmpdir_env(wd, tmpdir, sizeof(tmpdir));
	if (ret) {
		ret = lf_err_set(err, ret, "%s: %s", wd, strerror(-ret));
		goto out;
	}
	ret = core_symvers(t, r, env, symvers, sizeof(symvers), err);
	if (!ret)
		snprintf(core, sizeof(core), "LIVEFIX_CORE_SYMVERS=%s", symvers);
	if (ret)
		goto out;
	if (lf_path(path, sizeof(path), "%s/desc.c", wd) ||
	    lf_path(mdir, sizeof(mdir), "M=%s", wd) ||
	    lf_path(log, sizeof(log), "%s/link.log", t->logdir) ||
	    lf_path(ko, sizeof(ko), "%s/%s.ko", wd, r->name)) {
		ret = lf_err_set(err, -ENAMETOOLONG, "%s: path too long", r->workdir);
		goto out;
	}
	ret = lf_link_write_desc(path, r, &m, err);
	if (ret)
		goto out;
	if (!r->npatch_objs || r->npatch_objs > 256) {
		ret = lf_err_set(err, -EINVAL, "link: %zu patch objects", r->npatch_objs);
		goto out;
	}
	kbuild = malloc(KBUILD);
	objlist = malloc(OBJLIST);
	rules = malloc(RULES);
	if (!kbuild || !objlist || !rules) {
		ret = lf_err_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	objlist[0] = rules[0] = '\0';
	for (size_t i = 0; i < r->npatch_objs; i++) {
		char name[32];
		size_t ol = strlen(objlist), rl = strlen(rules);

		snprintf(name, sizeof(name), "patch%zu.o", i);
		lf_path(path, sizeof(path), "%s/%s_shipped", wd, name);
		ret = lf_copy_file(r->patch_objs[i], path, false);
		if (ret) {
			ret = lf_err_set(err, ret, "%s: %s", r->patch_objs[i],
					 strerror(-ret));
			goto out;
		}
		snprintf(objlist + ol, OBJLIST - ol, " %s", name);
		/*
		 * kbuild's own %_shipped rule would copy the prebuilt object
		 * too, but without the .cmd file modpost reads for every
		 * object of a module (srcversion); if_changed writes one.
		 */
		snprintf(rules + rl, RULES - rl,
			 "$(obj)/%s: $(src)/%s_shipped FORCE\n"
			 "\t$(call if_changed,copy)\n"
			 "targets += %s\n",
			 name, name, name);
	}
	snprintf(kbuild, KBUILD,
		 "# Generated by livefix build.\n"
		 "obj-m := %s.o\n"
		 "%s-y := desc.o%s livefix-hook.o\n"
		 "include %s/kmod/patch/patch.mk\n"
		 "\n%s",
		 r->name, r->name, objlist, r->repo, rules);
	lf_path(path, sizeof(path), "%s/Kbuild", wd);
	ret = write_text(path, kbuild, err);
	if (ret)
		goto out;

	snprintf(jobs, sizeof(jobs), "-j%u", r->jobs ? r->jobs : 1);
	ret = run_kbuild(t, argv, env, log, "link (kbuild)", err);
	if (ret)
		goto out;
	ret = lf_link_check_modpost(log, err);
	if (ret)
		goto out;
	if (!lf_path_exists(ko)) {
		ret = lf_err_set(err, -ENOENT, "link: kbuild made no %s.ko", r->name);
		goto out;
	}
	ret = lf_copy_file(ko, r->out, false);
	if (ret)
		ret = lf_err_set(err, ret, "%s: %s", r->out, strerror(-ret));
out:
	free(kbuild);
	free(objlist);
	free(rules);
	lf_manifest_free(&m);
	return ret;
}
