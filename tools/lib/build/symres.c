// SPDX-License-Identifier: GPL-2.0-only
#include "symres.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ksym {
	const char *name;	/* into the ELF string table */
	uint64_t addr;
	uint64_t size;
	uint64_t order;		/* klp's counting order: address, or symtab index */
	size_t group;		/* FILE group for locals, 0 for globals */
	unsigned char bind;
	unsigned char type;
	size_t shndx;
};

struct lf_symres {
	const char *what;	/* "vmlinux" or the module name, for messages */
	char objname[64];
	bool module;		/* a relocatable .ko: values are section offsets */
	int fd;
	Elf *elf;
	struct ksym *syms;
	size_t nsyms;
	size_t *by_name;	/* indices into syms, sorted by name, addr */
	const char **groups;	/* FILE name per group; [0] unused */
	size_t ngroups;
	struct lf_strv exports;	/* sorted */
};

static int cmp_by_name(const void *a, const void *b, void *base)
{
	const struct ksym *syms = base;
	const struct ksym *x = &syms[*(const size_t *)a];
	const struct ksym *y = &syms[*(const size_t *)b];
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Symbols kallsyms can count: named code and data, not files/sections. */
static bool kallsyms_visible(const GElf_Sym *s)
{
	unsigned char t = GELF_ST_TYPE(s->st_info);

	return t != STT_FILE && t != STT_SECTION && s->st_shndx != SHN_UNDEF &&
	       s->st_shndx != SHN_ABS;
}

static int load_symtab(struct lf_symres *r, const char *path,
		       struct lf_err *err)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	Elf_Data *data;
	size_t n, i, group = 0;

	while ((scn = elf_nextscn(r->elf, scn))) {
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			break;
	}
	if (!scn)
		return lf_err_set(err, -ENOENT,
				  "%s: no symbol table (%s)", path,
				  r->module ? "a stripped module?" : "is this the -dbg vmlinux?");
	data = elf_getdata(scn, NULL);
	n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
	r->syms = calloc(n ? n : 1, sizeof(*r->syms));
	r->groups = calloc(n + 2, sizeof(*r->groups));
	if (!r->syms || !r->groups)
		return lf_err_set(err, -ENOMEM, "out of memory");
	/*
	 * Distro modules are stripped of their FILE symbols: locals before
	 * any FILE symbol form one group, the whole module's.
	 */
	if (r->module)
		r->groups[++group] = "";

	for (i = 1; i < n; i++) {
		GElf_Sym s;
		const char *name;

		if (!gelf_getsym(data, (int)i, &s))
			continue;
		name = elf_strptr(r->elf, sh.sh_link, s.st_name);
		if (!name || !*name)
			continue;
		/* Locals follow the FILE symbol of their unit. */
		if (GELF_ST_TYPE(s.st_info) == STT_FILE) {
			r->groups[++group] = name;
			continue;
		}
		if (!kallsyms_visible(&s))
			continue;
		r->syms[r->nsyms++] = (struct ksym){
			.name = name,
			.addr = s.st_value,
			.order = r->module ? i : s.st_value,
			.size = s.st_size,
			.bind = GELF_ST_BIND(s.st_info),
			.type = GELF_ST_TYPE(s.st_info),
			.shndx = s.st_shndx,
			/* objtool's __pfx_ symbols land after every group. */
			.group = GELF_ST_BIND(s.st_info) == STB_LOCAL ? group : 0,
		};
	}
	r->ngroups = group;

	r->by_name = malloc((r->nsyms ? r->nsyms : 1) * sizeof(*r->by_name));
	if (!r->by_name)
		return lf_err_set(err, -ENOMEM, "out of memory");
	for (i = 0; i < r->nsyms; i++)
		r->by_name[i] = i;
	qsort_r(r->by_name, r->nsyms, sizeof(*r->by_name), cmp_by_name,
		r->syms);
	return 0;
}

/* Export entries "name<TAB>module" sort and match by name alone. */
static int cmp_export_key(const char *key, const char *entry)
{
	size_t n = strcspn(entry, "\t");
	int c = strncmp(key, entry, n);

	return c ? c : (key[n] != '\0');
}

static int cmp_export(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t nx = strcspn(x, "\t"), ny = strcspn(y, "\t");
	int c = strncmp(x, y, nx < ny ? nx : ny);

	return c ? c : (nx > ny) - (nx < ny);
}

static int bsearch_export(const void *key, const void *entry)
{
	return cmp_export_key(*(const char *const *)key, *(char *const *)entry);
}

static int load_symvers(struct lf_symres *r, const char *path,
			struct lf_err *err)
{
	FILE *f = fopen(path, "re");
	char line[1024];

	if (!f)
		return lf_err_set(err, -errno, "%s: %s", path, strerror(errno));
	/*
	 * crc <TAB> name <TAB> module <TAB> export type [<TAB> namespace],
	 * kept as "name<TAB>modname" (modname as the kernel spells it).
	 */
	while (fgets(line, sizeof(line), f)) {
		char *name = strchr(line, '\t'), *end, *mod, *mend, *base;
		char entry[1024];

		if (!name)
			continue;
		name++;
		end = strchr(name, '\t');
		if (!end)
			continue;
		mod = end + 1;
		mend = mod + strcspn(mod, "\t\n");
		*mend = '\0';
		base = strrchr(mod, '/');
		base = base ? base + 1 : mod;
		for (char *c = base; *c; c++)
			if (*c == '-')
				*c = '_';
		snprintf(entry, sizeof(entry), "%.*s\t%s", (int)(end - name), name, base);
		if (lf_strv_push(&r->exports, entry)) {
			fclose(f);
			return lf_err_set(err, -ENOMEM, "out of memory");
		}
	}
	fclose(f);
	qsort(r->exports.v, r->exports.n, sizeof(char *), cmp_export);
	return 0;
}

static int open_elf(struct lf_symres **out, const char *path,
		    const char *modname, const char *symvers, struct lf_err *err)
{
	struct lf_symres *r = calloc(1, sizeof(*r));
	int ret;

	*out = NULL;
	if (!r)
		return lf_err_set(err, -ENOMEM, "out of memory");
	r->fd = -1;
	r->module = modname != NULL;
	snprintf(r->objname, sizeof(r->objname), "%s", modname ? modname : "vmlinux");
	r->what = r->objname;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		ret = lf_err_set(err, -EINVAL, "libelf: %s", elf_errmsg(-1));
		goto fail;
	}
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		ret = lf_err_set(err, -errno, "%s: %s", path, strerror(errno));
		goto fail;
	}
	r->elf = elf_begin(r->fd, ELF_C_READ_MMAP, NULL);
	if (!r->elf || elf_kind(r->elf) != ELF_K_ELF) {
		ret = lf_err_set(err, -EINVAL, "%s: not an ELF file", path);
		goto fail;
	}
	if (r->module) {
		GElf_Ehdr eh;

		if (!gelf_getehdr(r->elf, &eh) || eh.e_type != ET_REL) {
			ret = lf_err_set(err, -EINVAL, "%s: not a relocatable module", path);
			goto fail;
		}
	}
	ret = load_symtab(r, path, err);
	if (!ret && symvers)
		ret = load_symvers(r, symvers, err);
	if (ret)
		goto fail;
	*out = r;
	return 0;
fail:
	lf_symres_free(r);
	return ret;
}

int lf_symres_open(struct lf_symres **out, const char *vmlinux,
		   const char *symvers, struct lf_err *err)
{
	return open_elf(out, vmlinux, NULL, symvers, err);
}

int lf_symres_open_module(struct lf_symres **out, const char *ko,
			  const char *modname, struct lf_err *err)
{
	if (!modname || !*modname || strlen(modname) >= 64 || strchr(modname, '.'))
		return lf_err_set(err, -EINVAL, "bad module name");
	return open_elf(out, ko, modname, NULL, err);
}

void lf_symres_free(struct lf_symres *r)
{
	if (!r)
		return;
	lf_strv_free(&r->exports);
	free(r->by_name);
	free(r->groups);
	free(r->syms);
	if (r->elf)
		elf_end(r->elf);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

bool lf_symres_is_exported(const struct lf_symres *r, const char *name)
{
	return lf_symres_exporter(r, name) != NULL;
}

const char *lf_symres_exporter(const struct lf_symres *r, const char *name)
{
	char **hit;

	if (!r->exports.n)	/* a module's: none */
		return NULL;
	hit = bsearch(&name, r->exports.v, r->exports.n, sizeof(char *),
		      bsearch_export);
	return hit ? strchr(*hit, '\t') + 1 : NULL;
}

/* The run of by_name entries called @name: [*first, *first + count). */
static size_t name_range(const struct lf_symres *r, const char *name,
			 size_t *first)
{
	size_t lo = 0, hi = r->nsyms, n = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(r->syms[r->by_name[mid]].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo + n < r->nsyms && !strcmp(r->syms[r->by_name[lo + n]].name, name))
		n++;
	return n;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static bool in_group(const struct lf_symres *r, const char *name, size_t group)
{
	size_t first, n = name_range(r, name, &first), i;

	for (i = 0; i < n; i++)
		if (r->syms[r->by_name[first + i]].group == group)
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A local code or data name that occurs once in the whole module. */
static bool unique_local(const struct lf_symres *r, size_t k)
{
	size_t first;
	const struct ksym *s = &r->syms[k];

	return s->bind == STB_LOCAL && (s->type == STT_FUNC || s->type == STT_OBJECT) &&
	       name_range(r, s->name, &first) == 1;
}

static bool is_mine(const struct lf_symres *r, size_t k, const char **mine,
		    size_t n)
{
	return bsearch(&r->syms[k].name, mine, n, sizeof(*mine), cmp_str);
}

/* Another object's: a unique local that is not among the unit's. */
static bool foreign(const struct lf_symres *r, size_t k, const char **mine,
		    size_t n)
{
	return r->syms[k].bind != STB_LOCAL ||
	       (unique_local(r, k) && !is_mine(r, k, mine, n));
}

/* Index of the only symbol called @name, or SIZE_MAX. */
static size_t only(const struct lf_symres *r, const char *name, size_t *count)
{
	size_t first;

	*count = name_range(r, name, &first);
	return *count == 1 ? r->by_name[first] : SIZE_MAX;
}

/*
 * The unit's run in a stripped module's symbol table, and the windows of
 * its names that the module repeats (see struct lf_symres_unit). The
 * anchors are the unit's locals that occur once in the module; the run
 * stops short of any unique local that is not the unit's (another
 * object's), and of the globals that follow all locals.
 */
static int find_run(const struct lf_symres *r, const struct lf_strv *locals,
		    struct lf_symres_unit *unit)
{
	const char **mine;
	size_t lo = SIZE_MAX, hi = 0, i, last = 0, count, k;
	bool ordered = true;

	if (!locals->n)
		return 0;
	mine = malloc(locals->n * sizeof(*mine));
	if (!mine)
		return -ENOMEM;
	memcpy(mine, locals->v, locals->n * sizeof(*mine));
	qsort(mine, locals->n, sizeof(*mine), cmp_str);
	for (i = 0; i < locals->n; i++) {
		k = only(r, locals->v[i], &count);
		if (k == SIZE_MAX || !unique_local(r, k))
			continue;
		ordered &= lo == SIZE_MAX || k > last;
		last = k;
		lo = k < lo ? k : lo;
		hi = k > hi ? k : hi;
	}
	if (lo != SIZE_MAX) {
		while (lo > 0 && !foreign(r, lo - 1, mine, locals->n))
			lo--;
		while (hi + 1 < r->nsyms && !foreign(r, hi + 1, mine, locals->n))
			hi++;
		unit->has_run = true;
		unit->run_lo = lo;
		unit->run_hi = hi;
	}
	free(mine);
	if (!unit->has_run || !ordered)
		return 0;

	unit->windows = calloc(locals->n, sizeof(*unit->windows));
	if (!unit->windows)
		return -ENOMEM;
	for (i = 0; i < locals->n; i++) {
		struct lf_symres_window *w;
		size_t first, j;

		if (name_range(r, locals->v[i], &first) < 2)
			continue;
		w = &unit->windows[unit->nwindows++];
		w->name = r->syms[r->by_name[first]].name;
		w->lo = lo;
		w->hi = hi;
		for (j = i; j-- > 0;) {
			k = only(r, locals->v[j], &count);
			if (k != SIZE_MAX && unique_local(r, k)) {
				w->lo = k + 1;
				break;
			}
		}
		for (j = i + 1; j < locals->n; j++) {
			k = only(r, locals->v[j], &count);
			if (k != SIZE_MAX && unique_local(r, k)) {
				w->hi = k - 1;
				break;
			}
		}
	}
	return 0;
}

void lf_symres_unit_release(struct lf_symres_unit *unit)
{
	free(unit->windows);
	unit->windows = NULL;
	unit->nwindows = 0;
}

int lf_symres_unit(const struct lf_symres *r, const char *src,
		   const struct lf_strv *locals, struct lf_symres_unit *unit,
		   struct lf_err *err)
{
	const char *base = base_name(src);
	size_t g, best = 0, best_hits = 0, ties = 0, candidates = 0, i;

	unit->src = src;
	unit->group = 0;
	unit->has_run = false;
	unit->windows = NULL;
	unit->nwindows = 0;
	for (g = 1; g <= r->ngroups; g++) {
		size_t hits = 0;

		if (strcmp(r->groups[g], base))
			continue;
		candidates++;
		for (i = 0; i < locals->n; i++)
			hits += in_group(r, locals->v[i], g);
		if (hits > best_hits || !best) {
			best = g;
			best_hits = hits;
			ties = 0;
		} else if (hits == best_hits) {
			ties++;
		}
	}
	if (!candidates && r->module && r->ngroups == 1) {
		unit->group = 1;	/* a stripped module: all its locals */
		if (find_run(r, locals, unit))
			return lf_err_set(err, -ENOMEM, "out of memory");
		return 0;
	}
	if (!candidates)
		return lf_err_set(err, -ENOENT,
				  "%s: no such unit in %s (%s)", src, r->what,
				  r->module ? "the module's symbol table names no such file" :
				  "is it built as a module, or not built at all?");
	if (ties && locals->n)
		return lf_err_set(err, -EEXIST,
				  "%s: %zu units named %s in %s match its local symbols equally",
				  src, ties + 1, base, r->what);
	unit->group = best;
	return 0;
}

/* Compiler-made locals (counter.0, __func__.3) renumber per build. */
static size_t suffix_start(const char *name)
{
	size_t len = strlen(name), i = len;

	while (i > 0 && isdigit((unsigned char)name[i - 1]))
		i--;
	if (i == len || i == 0 || name[i - 1] != '.')
		return len;
	return i - 1;
}

/*
 * @name is defined several times in a stripped module (each unit that
 * did not inline a header's static inline keeps its own copy, and two
 * units may have same-named statics): the one in the unit's run is its
 * own. by_name[first .. first + n) are the copies.
 */
static size_t find_in_run(const struct lf_symres *r,
			  const struct lf_symres_unit *unit, size_t first,
			  size_t n, const char *name, struct lf_err *err)
{
	size_t found = (size_t)-1, hits = 0, lo = unit->run_lo, hi = unit->run_hi;

	for (size_t i = 0; i < unit->nwindows; i++) {
		if (!strcmp(unit->windows[i].name, name)) {
			lo = unit->windows[i].lo;
			hi = unit->windows[i].hi;
			break;
		}
	}
	for (size_t i = 0; unit->has_run && i < n; i++) {
		size_t k = r->by_name[first + i];

		if (k >= lo && k <= hi) {
			found = k;
			hits++;
		}
	}
	if (hits == 1)
		return found;
	lf_err_set(err, -EEXIST,
		   "%s: local symbol %s is defined %zu times in %s, and %s",
		   unit->src, name, n, r->what,
		   !unit->has_run ? "the unit has no local of its own to locate its copy by" :
		   hits ? "several copies lie among the unit's own symbols" :
		   "none lies among the unit's own symbols");
	return (size_t)-1;
}

/* Index into syms of the local @name in @group, or (size_t)-1. */
static size_t find_local(const struct lf_symres *r,
			 const struct lf_symres_unit *unit, const char *name,
			 struct lf_err *err)
{
	size_t group = unit->group;
	const char *src = unit->src;
	size_t first, n = name_range(r, name, &first), i, cut, found = (size_t)-1;
	size_t matches = 0;

	for (i = 0; i < n; i++) {
		size_t k = r->by_name[first + i];

		if (r->syms[k].group != group)
			continue;
		/* In a FILE-less module group, two units' statics may clash. */
		if (r->module && i + 1 < n &&
		    r->syms[r->by_name[first + i + 1]].group == group)
			return find_in_run(r, unit, first + i, n - i, name, err);
		return k;
	}
	cut = suffix_start(name);
	if (cut == strlen(name)) {
		lf_err_set(err, -ENOENT, "%s: local symbol %s not found in %s",
			   src, name, r->what);
		return (size_t)-1;
	}
	for (i = 0; i < r->nsyms; i++) {
		const struct ksym *s = &r->syms[i];

		if (s->group != group || strncmp(s->name, name, cut) ||
		    suffix_start(s->name) != cut)
			continue;
		found = i;
		matches++;
	}
	if (matches == 1)
		return found;
	lf_err_set(err, matches ? -EEXIST : -ENOENT,
		   "%s: local symbol %s %s in %s", src, name,
		   matches ? "is ambiguous" : "not found", r->what);
	return (size_t)-1;
}

static size_t find_global(const struct lf_symres *r, const char *name,
			  struct lf_err *err)
{
	size_t first, n = name_range(r, name, &first), i;

	for (i = 0; i < n; i++) {
		size_t k = r->by_name[first + i];

		if (r->syms[k].bind != STB_LOCAL)
			return k;
	}
	lf_err_set(err, -ENOENT, "symbol %s not found in %s", name, r->what);
	return (size_t)-1;
}

bool lf_symres_defines(const struct lf_symres *r, const char *name)
{
	struct lf_err err;

	lf_err_clear(&err);
	return find_global(r, name, &err) != (size_t)-1;
}

/*
 * klp counts same-named symbols in kallsyms order: for vmlinux that is by
 * address (kallsyms_on_each_match_symbol), for a module the order of its
 * ELF symbol table (module_kallsyms_on_each_symbol walks the copy the
 * loader keeps), which "order" holds.
 */
static unsigned long sympos_of(const struct lf_symres *r, size_t k)
{
	size_t first, n = name_range(r, r->syms[k].name, &first), i;

	if (n <= 1)
		return 0;
	for (i = 0; i < n; i++)
		if (r->by_name[first + i] == k)
			return i + 1;
	return 0;
}

uint64_t lf_symres_func_addr(const struct lf_symres *r, const char *name,
			     unsigned long sympos)
{
	size_t first, n = name_range(r, name, &first), k;

	if (!n || (sympos == 0 && n != 1) || sympos > n)
		return 0;
	k = r->by_name[first + (sympos ? sympos - 1 : 0)];
	return r->syms[k].type == STT_FUNC ? r->syms[k].addr : 0;
}

static size_t find(const struct lf_symres *r, const struct lf_symres_unit *unit,
		   const char *name, bool is_local, struct lf_err *err)
{
	if (is_local)
		return find_local(r, unit, name, err);
	return find_global(r, name, err);
}

int lf_symres_resolve(const struct lf_symres *r,
		      const struct lf_symres_unit *unit, const char *name,
		      bool is_local, bool *exported, unsigned long *sympos,
		      struct lf_err *err)
{
	size_t k;

	*exported = false;
	*sympos = 0;
	if (!is_local && lf_symres_is_exported(r, name)) {
		*exported = true;
		return 0;
	}
	k = find(r, unit, name, is_local, err);
	if (k == (size_t)-1)
		return err->code ? err->code : -ENOENT;
	*sympos = sympos_of(r, k);
	return 0;
}

static int read_bytes(const struct lf_symres *r, size_t shndx, uint64_t addr,
		      uint64_t size, unsigned char *buf, struct lf_err *err)
{
	Elf_Scn *scn = elf_getscn(r->elf, shndx);
	GElf_Shdr sh;
	Elf_Data *data;

	if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
	    addr < sh.sh_addr || addr + size > sh.sh_addr + sh.sh_size)
		return lf_err_set(err, -EINVAL,
				  "address %#llx is not in a loaded section",
				  (unsigned long long)addr);
	data = elf_getdata(scn, NULL);
	if (!data || !data->d_buf)
		return lf_err_set(err, -EINVAL, "cannot read %s section %zu",
				  r->what, shndx);
	memcpy(buf, (const char *)data->d_buf + (addr - sh.sh_addr), size);
	return 0;
}

int lf_symres_function(const struct lf_symres *r,
		       const struct lf_symres_unit *unit, const char *name,
		       bool is_local, uint64_t *addr, uint64_t *size,
		       unsigned char **bytes, struct lf_err *err)
{
	size_t k = find(r, unit, name, is_local, err);
	const struct ksym *s;
	int ret;

	*bytes = NULL;
	if (k == (size_t)-1)
		return err->code ? err->code : -ENOENT;
	s = &r->syms[k];
	if (s->type != STT_FUNC)
		return lf_err_set(err, -EINVAL, "%s is not a function in %s",
				  name, r->what);
	*addr = s->addr;
	*size = s->size;
	*bytes = malloc(s->size ? s->size : 1);
	if (!*bytes)
		return lf_err_set(err, -ENOMEM, "out of memory");
	ret = read_bytes(r, s->shndx, s->addr, s->size, *bytes, err);
	if (ret) {
		free(*bytes);
		*bytes = NULL;
	}
	return ret;
}
