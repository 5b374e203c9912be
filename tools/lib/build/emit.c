// SPDX-License-Identifier: GPL-2.0-only
/* Write patch.o: a unit's changed and new functions and what they need. */
#include "emit.h"
#include "masks.h"
#include "klpconv.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NEW_PREFIX	"__livefix_new."
#define KLP_PREFIX	".klp.sym."

/* A carried byte range of one of after.o's sections, and where it lands. */
struct piece {
	uint64_t start, end;
	uint64_t at;			/* offset in the output section */
};

/* What patch.o carries of one section of after.o. */
struct carried {
	struct piece *p;
	size_t n;
	size_t out;			/* output section index, 0 if none */
	size_t relout;			/* its .rela section, 0 if none */
	size_t secsym;			/* output symbol of the section */
	uint64_t size;
	unsigned char *buf;		/* NULL for NOBITS */
	GElf_Rela *rela;
	size_t nrela;
};

struct outsym {
	char *name;
	unsigned char bind, type;
	size_t shndx;
	uint64_t value, size;
};

struct work {
	size_t sec;
	uint64_t start, end;
};

struct em {
	const struct lf_objdiff *d;
	struct lf_elfobj *o;
	struct lf_fragments *frag;
	const struct lf_emit_resolver *res;
	const char *objname;
	unsigned int unit;
	struct lf_err *err;
	struct carried *c;		/* per section of after.o */
	const struct lf_objdiff_func **fn;	/* per symbol of after.o */
	const struct lf_objdiff_obj **ob;
	size_t *osym;			/* per symbol: output symbol, 0 = none */
	struct outsym *syms;
	size_t nsyms, nlocal;
	struct work *q;			/* pieces still to scan */
	size_t nq;
	size_t nout;			/* output sections so far */
	bool grew;
};

/* Same growth rule as elfobj.c: next power of two, at least 8. */
static void *grow(void *p, size_t n, size_t elem)
{
	if (n && (n < 8 || (n & (n - 1))))
		return p;
	return realloc(p, (n < 8 ? 8 : n * 2) * elem);
}

static int nomem(struct em *e)
{
	return lf_err_set(e->err, -ENOMEM, "out of memory");
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* ------------------------------------------------------------------ */
/* What to carry                                                       */
/* ------------------------------------------------------------------ */

static bool wanted_func(const struct em *e, size_t sym)
{
	return e->fn[sym] && e->fn[sym]->status != LF_UNCHANGED;
}

/*
 * Variables the patch owns: new ones, fresh copies of compiler-made
 * statics, and read-only tables whose contents changed. Existing writable
 * state is never copied: the patch uses the kernel's.
 */
static bool wanted_obj(const struct em *e, size_t sym)
{
	const struct lf_objdiff_obj *x = e->ob[sym];

	return x && (x->fresh || x->status == LF_NEW ||
		     (x->readonly && x->status == LF_CHANGED));
}

static bool wanted(const struct em *e, size_t sym)
{
	return wanted_func(e, sym) || wanted_obj(e, sym);
}

/* Is @sym the only function or variable of its section? */
static bool alone(const struct lf_elfobj *o, size_t sym)
{
	const struct lf_esec *s = lf_elfobj_sym_sec(o, sym);
	size_t i;

	for (i = 0; i < s->nsyms; i++) {
		const struct lf_esym *y = &o->syms[s->syms[i]];

		if (s->syms[i] != sym &&
		    (y->type == STT_FUNC || y->type == STT_OBJECT))
			return false;
	}
	return true;
}

/*
 * The bytes of a function (padding included) or variable. A section of
 * its own (-ffunction-sections / -fdata-sections) is carried whole.
 */
static void sym_range(const struct lf_elfobj *o, size_t sym, uint64_t *start,
		      uint64_t *end)
{
	const struct lf_esym *y = &o->syms[sym];
	const struct lf_esec *s = lf_elfobj_sym_sec(o, sym);

	if (alone(o, sym) && s->sh.sh_size >= y->value + y->size) {
		*start = 0;
		*end = s->sh.sh_size;
		return;
	}
	*start = y->type == STT_FUNC ? lf_elfobj_func_start(o, sym) : y->value;
	*end = y->value + y->size;
}

/*
 * The carried piece holding byte @off of section @sec. With @end_ok, a
 * piece ending right there also counts (a one-past-the-end pointer).
 */
static struct piece *covering(const struct em *e, size_t sec, int64_t off,
			      bool end_ok)
{
	const struct carried *c = &e->c[sec];
	size_t i;

	if (!sec || off < 0)
		return NULL;
	for (i = 0; i < c->n; i++) {
		struct piece *p = &c->p[i];

		if ((uint64_t)off >= p->start &&
		    ((uint64_t)off < p->end ||
		     (p->start == p->end && (uint64_t)off == p->start)))
			return p;
	}
	for (i = 0; end_ok && i < c->n; i++)
		if ((uint64_t)off == c->p[i].end)
			return &c->p[i];
	return NULL;
}

static int add_piece(struct em *e, size_t sec, uint64_t start, uint64_t end)
{
	struct carried *c = &e->c[sec];
	struct piece *p;
	struct work *w;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->p[i].start <= start && end <= c->p[i].end &&
		    (start < end || c->p[i].start == start))
			return 0;
	p = grow(c->p, c->n, sizeof(*p));
	if (!p)
		return nomem(e);
	c->p = p;
	c->p[c->n++] = (struct piece){ .start = start, .end = end };
	w = grow(e->q, e->nq, sizeof(*w));
	if (!w)
		return nomem(e);
	e->q = w;
	e->q[e->nq++] = (struct work){ .sec = sec, .start = start, .end = end };
	e->grew = true;
	return 0;
}

static int add_sym(struct em *e, size_t sym)
{
	uint64_t start, end;

	sym_range(e->o, sym, &start, &end);
	return add_piece(e, e->o->syms[sym].shndx, start, end);
}

/* The function or variable a location belongs to, or 0. */
static size_t entity(const struct lf_elfobj *o, const struct lf_erela *r,
		     const struct lf_eloc *loc)
{
	const struct lf_esym *y = &o->syms[r->sym];

	if ((y->type == STT_FUNC || y->type == STT_OBJECT) && loc->sec)
		return r->sym;
	return loc->sec ? lf_elfobj_sym_at(o, loc->sec, loc->p) : 0;
}

/* Pull in what one relocation of carried bytes needs. */
static int need_target(struct em *e, size_t site, const struct lf_erela *r)
{
	const struct lf_elfobj *o = e->o;
	const struct lf_esec *t;
	struct lf_eloc loc;
	uint64_t start, end;
	size_t sym;

	lf_elfobj_rela_loc(o, site, r, &loc);
	if (!loc.sec)
		return 0;
	t = &o->secs[loc.sec];
	if (lf_elfobj_str_at(o, loc.sec, loc.p, &start))
		return add_piece(e, loc.sec, start,
				 start + strlen((const char *)t->data + start) + 1);
	sym = entity(o, r, &loc);
	if (sym)
		return wanted(e, sym) ? add_sym(e, sym) : 0;
	if (lf_fragments_at(e->frag, loc.sec, loc.p, &start, &end))
		return add_piece(e, loc.sec, start, end);
	/* Anonymous read-only data (constant pools): small, take it whole.
	 * Anonymous writable data cannot be reached: reported on emission. */
	if (!lf_esec_write(t) && lf_esec_alloc(t))
		return add_piece(e, loc.sec, 0, t->sh.sh_size);
	return 0;
}

static int scan(struct em *e)
{
	while (e->nq) {
		struct work w = e->q[--e->nq];
		const struct lf_esec *s = &e->o->secs[w.sec];
		size_t k;
		int ret;

		for (k = lf_esec_rela_lower(s, w.start);
		     k < s->nrela && s->rela[k].off < w.end; k++) {
			ret = need_target(e, w.sec, &s->rela[k]);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* The name the running kernel knows a symbol of after.o by. */
static const char *old_name(const struct em *e, size_t sym, bool *local)
{
	const struct lf_esym *y = &e->o->syms[sym];

	if (e->fn[sym] && e->fn[sym]->old_name) {
		*local = e->fn[sym]->old_local;
		return e->fn[sym]->old_name;
	}
	if (e->ob[sym] && e->ob[sym]->old_name) {
		*local = e->ob[sym]->old_local;
		return e->ob[sym]->old_name;
	}
	*local = y->bind == STB_LOCAL;
	return y->name;
}

static int resolve_in(struct em *e, const char *name, bool local,
		      bool *exported, unsigned long *sympos, const char **obj)
{
	int ret;

	*exported = false;
	*sympos = 0;
	*obj = NULL;
	ret = e->res->resolve(e->res->data, name, local, exported, sympos, obj,
			      e->err);
	if (ret && !e->err->msg[0])
		lf_err_set(e->err, ret, "cannot resolve %s", name);
	if (!ret && (!*obj || !**obj))
		*obj = e->objname;
	if (!ret && (strchr(*obj, '.') || strlen(*obj) > 55))
		ret = lf_err_set(e->err, -EINVAL, "%s: bad object name '%s'", name,
				 *obj);
	return ret;
}

static int resolve(struct em *e, const char *name, bool local, bool *exported,
		   unsigned long *sympos)
{
	const char *obj;

	return resolve_in(e, name, local, exported, sympos, &obj);
}

/*
 * klp relocations against a module's symbols are applied when that module
 * loads, after jump labels and static calls were initialised: an entry
 * whose key needs one would be read garbage. vmlinux's are applied at
 * load time and are fine. An inert tracepoint is acceptable; anything
 * else is refused.
 */
static int check_key(struct em *e, size_t sec, uint64_t off, unsigned int es,
		     bool *skip)
{
	const struct lf_esec *s = &e->o->secs[sec];
	size_t k;

	*skip = false;
	if ((strcmp(s->name, "__jump_table") &&
	     strcmp(s->name, ".static_call_sites")) ||
	    !strcmp(e->objname, "vmlinux"))
		return 0;
	/* The fields after the first (which names the code place). */
	for (k = lf_esec_rela_lower(s, off + 1);
	     k < s->nrela && s->rela[k].off < off + es; k++) {
		const struct lf_erela *r = &s->rela[k];
		unsigned long pos;
		struct lf_eloc loc;
		const char *name;
		bool local, exp;
		size_t sym;
		int ret;

		lf_elfobj_rela_loc(e->o, sec, r, &loc);
		sym = loc.sec ? entity(e->o, r, &loc) : r->sym;
		if (!sym || (loc.sec && wanted(e, sym)))
			continue;
		name = old_name(e, sym, &local);
		ret = resolve(e, name, local, &exp, &pos);
		if (ret)
			return ret;
		if (exp)
			continue;
		if (starts(name, "__tracepoint_") || strstr(name, "__UNIQUE_ID_ddebug")) {
			*skip = true;
			return 0;
		}
		return lf_err_set(e->err, -ENOTSUP,
				  "static key %s is not exported by %s: a patch can only use it through static_key_enabled()",
				  name, e->objname);
	}
	return 0;
}

/* Entries of special sections about carried code or data come along. */
static int select_specials(struct em *e)
{
	const struct lf_elfobj *o = e->o;
	size_t i;

	for (i = 1; i < o->nsecs; i++) {
		const struct lf_esec *s = &o->secs[i];
		uint32_t lo;
		unsigned int es = lf_special_entsize(o, i, &lo);
		size_t k;

		/* Rewritten in place instead: see runtime_consts(). */
		if (!es || starts(s->name, LF_RUNTIME_PTR_PREFIX) ||
		    starts(s->name, LF_RUNTIME_SHIFT_PREFIX))
			continue;
		for (k = 0; k < s->nrela; k++) {
			const struct lf_erela *r = &s->rela[k];
			uint64_t off = r->off - r->off % es;
			struct lf_eloc loc;
			bool skip;
			int ret;

			/* The first relocated field of an entry names the place. */
			if (k && s->rela[k - 1].off >= off)
				continue;
			if (covering(e, i, (int64_t)off, false))
				continue;
			lf_elfobj_rela_loc(o, i, r, &loc);
			if (!loc.sec || !covering(e, loc.sec, loc.p, false))
				continue;
			ret = check_key(e, i, off, es, &skip);
			if (!ret && !skip)
				ret = add_piece(e, i, off, off + es);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int collect(struct em *e)
{
	size_t i;
	int ret;

	for (i = 0; i < e->d->nfuncs; i++) {
		size_t sym = e->d->funcs[i].sym;

		if (wanted_func(e, sym) && (ret = add_sym(e, sym)))
			return ret;
	}
	do {
		e->grew = false;
		ret = scan(e);
		if (!ret)
			ret = select_specials(e);
		if (!ret)
			ret = scan(e);
	} while (!ret && e->grew);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Layout                                                              */
/* ------------------------------------------------------------------ */

static int cmp_piece(const void *x, const void *y)
{
	const struct piece *a = x, *b = y;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->end < b->end ? -1 : a->end > b->end;
}

static int layout(struct em *e)
{
	const struct lf_elfobj *o = e->o;
	size_t i, j;

	for (i = 1; i < o->nsecs; i++) {
		struct carried *c = &e->c[i];
		const struct lf_esec *s = &o->secs[i];
		uint64_t align = s->sh.sh_addralign ? s->sh.sh_addralign : 1;
		uint64_t cur = 0;
		size_t n = 0;

		if (!c->n)
			continue;
		qsort(c->p, c->n, sizeof(*c->p), cmp_piece);
		/* Overlapping pieces (two strings sharing a tail) merge. */
		for (j = 0; j < c->n; j++) {
			if (n && (c->p[j].start < c->p[n - 1].end ||
				  c->p[j].start == c->p[n - 1].start)) {
				if (c->p[j].end > c->p[n - 1].end)
					c->p[n - 1].end = c->p[j].end;
				continue;
			}
			c->p[n++] = c->p[j];
		}
		c->n = n;
		/* Each piece keeps its offset modulo the alignment. */
		for (j = 0; j < n; j++) {
			struct piece *p = &c->p[j];

			p->at = cur + ((p->start % align) + align - cur % align) % align;
			cur = p->at + (p->end - p->start);
		}
		c->size = cur;
		if (s->sh.sh_type != SHT_NOBITS) {
			c->buf = calloc(cur ? cur : 1, 1);
			if (!c->buf)
				return nomem(e);
			for (j = 0; j < n; j++)
				if (s->data)
					memcpy(c->buf + c->p[j].at,
					       s->data + c->p[j].start,
					       c->p[j].end - c->p[j].start);
		}
		c->out = ++e->nout;
		if (s->relsec)
			c->relout = ++e->nout;
	}
	/* Indices must fit st_shndx and e_shstrndx without SHN_XINDEX. */
	if (e->nout + 4 >= SHN_LORESERVE)
		return lf_err_set(e->err, -E2BIG, "too many sections to carry");
	return 0;
}

static bool map(const struct em *e, size_t sec, int64_t off, uint64_t *at)
{
	const struct piece *p = covering(e, sec, off, true);

	if (!p)
		return false;
	*at = p->at + ((uint64_t)off - p->start);
	return true;
}

/* ------------------------------------------------------------------ */
/* Symbols                                                             */
/* ------------------------------------------------------------------ */

static size_t add_outsym(struct em *e, char *name, unsigned char bind,
			 unsigned char type, size_t shndx, uint64_t value,
			 uint64_t size)
{
	struct outsym *v = grow(e->syms, e->nsyms, sizeof(*v));

	if (!v || !name) {
		free(name);
		return 0;
	}
	e->syms = v;
	e->syms[e->nsyms] = (struct outsym){ .name = name, .bind = bind,
		.type = type, .shndx = shndx, .value = value, .size = size };
	return e->nsyms++;
}

static char *new_name(const struct em *e, const char *name)
{
	size_t n = strlen(NEW_PREFIX) + 12 + strlen(name);
	char *s = malloc(n);

	if (s)
		snprintf(s, n, NEW_PREFIX "%u.%s", e->unit, name);
	return s;
}

/* Define a carried function or variable; @global picks the pass. */
static int define(struct em *e, size_t sym, bool global)
{
	const struct lf_esym *y = &e->o->syms[sym];
	bool is_func = wanted_func(e, sym);
	bool head = is_func && e->fn[sym]->part_of < 0;
	/* Only new globals keep a global name: a copy of an existing
	 * global must not clash with the kernel's. */
	bool g = head || (!is_func && e->ob[sym]->status == LF_NEW &&
			  y->bind != STB_LOCAL);
	uint64_t at;
	size_t idx;

	if (g != global)
		return 0;
	if (!map(e, y->shndx, (int64_t)y->value, &at))
		return lf_err_set(e->err, -EINVAL, "%s: not laid out", y->name);
	/*
	 * A new global function keeps its name, so a changed function in
	 * another unit of the same fix can call it and the module link
	 * resolves the call; replacing copies get unclashable names.
	 */
	idx = add_outsym(e, is_func && !(e->fn[sym]->status == LF_NEW &&
					 y->bind != STB_LOCAL) ?
			 new_name(e, y->name) : strdup(y->name),
			 g ? (y->bind == STB_WEAK ? STB_WEAK : STB_GLOBAL) : STB_LOCAL,
			 y->type, e->c[y->shndx].out, at, y->size);
	if (!idx)
		return nomem(e);
	if (head)
		e->syms[idx].bind = STB_GLOBAL;
	e->osym[sym] = idx;
	return 0;
}

static int define_symbols(struct em *e)
{
	const struct lf_elfobj *o = e->o;
	size_t i;
	int ret;

	/* The null symbol: index 0, which add_outsym() reports as failure. */
	add_outsym(e, strdup(""), STB_LOCAL, STT_NOTYPE, 0, 0, 0);
	if (e->nsyms != 1)
		return nomem(e);
	for (i = 1; i < o->nsecs; i++) {
		if (!e->c[i].out)
			continue;
		e->c[i].secsym = add_outsym(e, strdup(""), STB_LOCAL, STT_SECTION,
					    e->c[i].out, 0, 0);
		if (!e->c[i].secsym)
			return nomem(e);
	}
	for (int pass = 0; pass < 2; pass++) {
		for (i = 1; i < o->nsyms; i++) {
			if (!wanted(e, i) || !covering(e, o->syms[i].shndx,
						       (int64_t)o->syms[i].value, false))
				continue;
			ret = define(e, i, pass == 1);
			if (ret)
				return ret;
		}
		if (!pass)
			e->nlocal = e->nsyms;
	}
	return 0;
}

/* An undefined symbol, by name, added once. */
static size_t undefined(struct em *e, const char *name, bool weak)
{
	size_t i;

	for (i = e->nlocal; i < e->nsyms; i++)
		if (e->syms[i].shndx == SHN_UNDEF && !strcmp(e->syms[i].name, name))
			return i;
	return add_outsym(e, strdup(name), weak ? STB_WEAK : STB_GLOBAL,
			  STT_NOTYPE, SHN_UNDEF, 0, 0);
}

/* A reference to something the kernel already has, by its name there. */
static int external_named(struct em *e, const char *name, bool local,
			  size_t *out)
{
	const char *obj;
	unsigned long pos;
	bool exp;
	char *klp;
	size_t n;
	int ret;

	ret = resolve_in(e, name, local, &exp, &pos, &obj);
	if (ret)
		return ret;
	if (exp) {
		*out = undefined(e, name, false);
		return *out ? 0 : nomem(e);
	}
	n = strlen(KLP_PREFIX) + strlen(obj) + strlen(name) + strlen(e->objname) + 24;
	klp = malloc(n);
	if (!klp)
		return nomem(e);
	/*
	 * A symbol of a third object (libceph, from a ceph function) must
	 * be resolved when the patched object loads, not when its own does:
	 * "~<patched object>" tells klpconv which .klp.rela group it joins
	 * (and is cut off there).
	 */
	if (strcmp(obj, e->objname) && strcmp(obj, "vmlinux"))
		snprintf(klp, n, KLP_PREFIX "%s.%s,%lu" LF_KLP_GROUP_SEP "%s", obj,
			 name, pos, e->objname);
	else
		snprintf(klp, n, KLP_PREFIX "%s.%s,%lu", obj, name, pos);
	*out = undefined(e, klp, true);
	free(klp);
	return *out ? 0 : nomem(e);
}

static int external(struct em *e, size_t sym, size_t *out)
{
	bool local;
	const char *name = old_name(e, sym, &local);

	return external_named(e, name, local, out);
}

/* ------------------------------------------------------------------ */
/* Relocations                                                         */
/* ------------------------------------------------------------------ */

static const char *where(const struct em *e, size_t sec, uint64_t off,
			 char *buf, size_t n)
{
	size_t f = lf_elfobj_sym_at(e->o, sec, (int64_t)off);

	if (f)
		snprintf(buf, n, "%s+0x%llx", e->o->syms[f].name,
			 (unsigned long long)(off - e->o->syms[f].value));
	else
		snprintf(buf, n, "%s+0x%llx", e->o->secs[sec].name,
			 (unsigned long long)off);
	return buf;
}

static int convert(struct em *e, size_t sec, const struct lf_erela *r,
		   GElf_Rela *out)
{
	const struct lf_elfobj *o = e->o;
	const struct lf_esym *y = &o->syms[r->sym];
	struct lf_eloc loc;
	uint64_t at, pat;
	size_t sym, osym;
	char buf[256];
	int ret;

	if (!map(e, sec, (int64_t)r->off, &at))
		return lf_err_set(e->err, -EINVAL, "relocation outside carried bytes");
	out->r_offset = at;
	lf_elfobj_rela_loc(o, sec, r, &loc);
	if (!loc.sec) {
		if (r->sym && y->shndx != SHN_UNDEF)
			return lf_err_set(e->err, -ENOTSUP,
					  "%s: reference to absolute symbol %s",
					  where(e, sec, r->off, buf, sizeof(buf)),
					  y->name);
		osym = 0;
		if (r->sym && (ret = external(e, r->sym, &osym)))
			return ret;
		out->r_info = GELF_R_INFO(osym, r->type);
		out->r_addend = r->addend;
		return 0;
	}
	sym = lf_elfobj_str_at(o, loc.sec, loc.p, &pat) ? 0 : entity(o, r, &loc);
	if (map(e, loc.sec, loc.p, &pat)) {
		/*
		 * Carried: the same way the compiler wrote it, by the (new)
		 * symbol or by section and offset. objtool insists on section
		 * symbols in its .discard annotations.
		 */
		if (r->sym == sym && e->osym[sym]) {
			out->r_info = GELF_R_INFO(e->osym[sym], r->type);
			out->r_addend = r->addend;
		} else {
			out->r_info = GELF_R_INFO(e->c[loc.sec].secsym, r->type);
			out->r_addend = loc.v + ((int64_t)pat - loc.p);
		}
		return 0;
	}
	if (!sym)
		return lf_err_set(e->err, -ENOTSUP,
				  "%s: reference to %s+0x%llx, which has no symbol to reach it by",
				  where(e, sec, r->off, buf, sizeof(buf)),
				  o->secs[loc.sec].name, (unsigned long long)loc.p);
	if (wanted(e, sym))
		return lf_err_set(e->err, -EINVAL, "%s: %s was not carried",
				  where(e, sec, r->off, buf, sizeof(buf)),
				  o->syms[sym].name);
	ret = external(e, sym, &osym);
	if (ret)
		return ret;
	out->r_info = GELF_R_INFO(osym, r->type);
	out->r_addend = loc.v - (int64_t)o->syms[sym].value;
	return 0;
}

static int convert_all(struct em *e)
{
	const struct lf_elfobj *o = e->o;
	size_t i, k;

	for (i = 1; i < o->nsecs; i++) {
		struct carried *c = &e->c[i];
		const struct lf_esec *s = &o->secs[i];

		if (!c->out)
			continue;
		for (k = 0; k < s->nrela; k++) {
			GElf_Rela *v;
			int ret;

			if (!covering(e, i, (int64_t)s->rela[k].off, false) ||
			    s->rela[k].type == R_X86_64_NONE)
				continue;
			v = grow(c->rela, c->nrela, sizeof(*v));
			if (!v)
				return nomem(e);
			c->rela = v;
			ret = convert(e, i, &s->rela[k], &c->rela[c->nrela]);
			if (ret)
				return ret;
			c->nrela++;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Runtime constants                                                   */
/* ------------------------------------------------------------------ */

#define RUNTIME_PLACEHOLDER	0x0123456789abcdefull

static int cmp_rela(const void *x, const void *y)
{
	const GElf_Rela *a = x, *b = y;

	return a->r_offset < b->r_offset ? -1 : a->r_offset > b->r_offset;
}

/*
 * A runtime_const_ptr() site in carried code: the kernel's boot code
 * writes the value into vmlinux's copy only, so the patch's copy would
 * keep the placeholder. The symbol holds the same value (the boot code
 * copies it from there, and it is __ro_after_init), so the movabs
 * becomes a RIP-relative load of it:
 *   REX.W(+B) B8+r imm64   ->   REX.W(+R) 8B /r disp32, 3-byte NOP
 */
static int runtime_ptr(struct em *e, size_t sec, uint64_t at, const char *name)
{
	struct carried *c = &e->c[sec];
	unsigned char *b = c->buf;
	uint64_t imm = 0;
	size_t osym;
	GElf_Rela *v;
	unsigned char reg;
	char buf[256];
	int ret;

	for (int i = 7; b && at + 8 <= c->size && i >= 0; i--)
		imm = imm << 8 | b[at + i];
	if (!b || at < 2 || at + 8 > c->size || (b[at - 2] & 0xfe) != 0x48 ||
	    (b[at - 1] & 0xf8) != 0xb8 || imm != RUNTIME_PLACEHOLDER || !c->relout)
		return lf_err_set(e->err, -ENOTSUP,
				  "%s: runtime constant %s is not a movabs of the placeholder",
				  where(e, sec, at, buf, sizeof(buf)), name);
	ret = external_named(e, name, lf_elfobj_sym_index(e->o, name) &&
			     e->o->syms[lf_elfobj_sym_index(e->o, name)].bind == STB_LOCAL,
			     &osym);
	if (ret)
		return ret;
	reg = b[at - 1] & 7;
	b[at - 2] = 0x48 | ((b[at - 2] & 1) << 2);
	b[at - 1] = 0x8b;
	b[at] = 0x05 | reg << 3;
	memset(b + at + 1, 0, 4);
	memcpy(b + at + 5, "\x0f\x1f\x00", 3);
	v = grow(c->rela, c->nrela, sizeof(*v));
	if (!v)
		return nomem(e);
	c->rela = v;
	c->rela[c->nrela++] = (GElf_Rela){
		.r_offset = at + 1,
		.r_info = GELF_R_INFO(osym, R_X86_64_PC32),
		.r_addend = -4,
	};
	qsort(c->rela, c->nrela, sizeof(*c->rela), cmp_rela);
	return 0;
}

/*
 * The runtime_ptr_<sym> and runtime_shift_<sym> tables of after.o are
 * never carried: a module's loader does not process them. Each site in
 * carried code is rewritten here or refused.
 */
static int runtime_consts(struct em *e)
{
	const struct lf_elfobj *o = e->o;
	const size_t np = strlen(LF_RUNTIME_PTR_PREFIX);
	const size_t ns = strlen(LF_RUNTIME_SHIFT_PREFIX);

	for (size_t i = 1; i < o->nsecs; i++) {
		const struct lf_esec *s = &o->secs[i];
		bool ptr = s->name && !strncmp(s->name, LF_RUNTIME_PTR_PREFIX, np);
		bool shift = s->name && !strncmp(s->name, LF_RUNTIME_SHIFT_PREFIX, ns);

		for (size_t k = 0; (ptr || shift) && k < s->nrela; k++) {
			struct lf_eloc loc;
			uint64_t at;
			char buf[256];
			int ret;

			lf_elfobj_rela_loc(o, i, &s->rela[k], &loc);
			/* The table itself lands nowhere, so map() tells carried code. */
			if (!loc.sec || !covering(e, loc.sec, loc.p, false) ||
			    !map(e, loc.sec, loc.p, &at))
				continue;
			if (shift)
				return lf_err_set(e->err, -ENOTSUP,
						  "%s: uses runtime_const_shift_right_32(%s), a shift count only the kernel's boot code can set; livefix cannot carry it",
						  where(e, loc.sec, (uint64_t)loc.p, buf, sizeof(buf)),
						  s->name + ns);
			ret = runtime_ptr(e, loc.sec, at, s->name + np);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */
/* ------------------------------------------------------------------ */

struct strtab {
	char *buf;
	size_t len, cap;
};

static size_t str_add(struct strtab *t, const char *s)
{
	size_t n = strlen(s) + 1, at = t->len;

	if (t->len + n > t->cap) {
		size_t cap = t->cap ? t->cap : 256;
		char *b;

		while (cap < t->len + n)
			cap *= 2;
		b = realloc(t->buf, cap);
		if (!b)
			return SIZE_MAX;
		t->buf = b;
		t->cap = cap;
	}
	memcpy(t->buf + at, s, n);
	t->len += n;
	return at;
}

static int new_section(Elf *elf, const char *name, struct strtab *shs,
		       const GElf_Shdr *tmpl, void *buf, size_t size,
		       Elf_Type type, Elf_Scn **out)
{
	Elf_Scn *scn = elf_newscn(elf);
	Elf_Data *data;
	GElf_Shdr sh;
	size_t off = str_add(shs, name);

	if (!scn || off == SIZE_MAX)
		return -1;
	if (buf || size) {
		data = elf_newdata(scn);
		if (!data)
			return -1;
		data->d_buf = buf;
		data->d_size = size;
		data->d_type = type;
		data->d_align = tmpl->sh_addralign ? tmpl->sh_addralign : 1;
		data->d_version = EV_CURRENT;
	}
	if (!gelf_getshdr(scn, &sh))
		return -1;
	sh = *tmpl;
	sh.sh_name = off;
	sh.sh_size = size;
	if (!gelf_update_shdr(scn, &sh))
		return -1;
	*out = scn;
	return 0;
}

/* The output buffers libelf points at while writing. */
struct wbufs {
	void *sym;
	void **rela;
	size_t nrela;
};

static int write_elf(struct em *e, int fd, struct wbufs *wb)
{
	const struct lf_elfobj *o = e->o;
	struct strtab shs = { 0 }, strs = { 0 };
	size_t i, symtab_idx, first_text = 0;
	Elf *elf = elf_begin(fd, ELF_C_WRITE, NULL);
	GElf_Ehdr eh;
	GElf_Shdr sh;
	Elf_Scn *scn;
	Elf_Data *data;
	int ret = -1;

	if (!elf || !gelf_newehdr(elf, ELFCLASS64) || !gelf_getehdr(elf, &eh))
		goto out;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_type = ET_REL;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	if (!gelf_update_ehdr(elf, &eh) || str_add(&shs, "") == SIZE_MAX ||
	    str_add(&strs, "") == SIZE_MAX)
		goto out;
	symtab_idx = e->nout + 2;		/* after .note.GNU-stack */
	/* What SHF_LINK_ORDER tables link to when their section stays out. */
	for (i = 0; i < e->d->nfuncs && !first_text; i++)
		if (wanted_func(e, e->d->funcs[i].sym))
			first_text = e->c[o->syms[e->d->funcs[i].sym].shndx].out;
	wb->rela = calloc(o->nsecs, sizeof(*wb->rela));
	if (!wb->rela)
		goto out;
	wb->nrela = o->nsecs;
	for (i = 1; i < o->nsecs; i++) {
		const struct lf_esec *s = &o->secs[i];
		struct carried *c = &e->c[i];
		char *rname;
		size_t k;

		if (!c->out)
			continue;
		sh = s->sh;
		/*
		 * Not mergeable any more: carried strings and constants are
		 * then reached exactly by section + offset, also PC-relative
		 * (ld looks a merged entry up by symbol + addend, so an
		 * "- 4" would land in the entry before).
		 */
		sh.sh_flags &= ~(GElf_Xword)(SHF_GROUP | SHF_MERGE | SHF_STRINGS);
		if (s->sh.sh_flags & SHF_MERGE)
			sh.sh_entsize = 0;
		sh.sh_link = 0;
		sh.sh_info = 0;
		if (s->sh.sh_flags & SHF_LINK_ORDER) {
			size_t l = s->sh.sh_link < o->nsecs ? e->c[s->sh.sh_link].out : 0;

			sh.sh_link = l ? l : first_text;
			if (!sh.sh_link)
				sh.sh_flags &= ~(GElf_Xword)SHF_LINK_ORDER;
		}
		/* For NOBITS, c->buf is NULL: a size, no bytes. */
		if (new_section(elf, s->name, &shs, &sh, c->buf, c->size,
				ELF_T_BYTE, &scn))
			goto out;
		if (!c->relout)
			continue;
		wb->rela[i] = calloc(c->nrela ? c->nrela : 1,
				     gelf_fsize(elf, ELF_T_RELA, 1, EV_CURRENT));
		rname = malloc(strlen(s->name) + 6);
		if (!wb->rela[i] || !rname) {
			free(rname);
			goto out;
		}
		sprintf(rname, ".rela%s", s->name);
		memset(&sh, 0, sizeof(sh));
		sh.sh_type = SHT_RELA;
		sh.sh_flags = SHF_INFO_LINK;
		sh.sh_link = symtab_idx;
		sh.sh_info = c->out;
		sh.sh_addralign = 8;
		sh.sh_entsize = gelf_fsize(elf, ELF_T_RELA, 1, EV_CURRENT);
		ret = new_section(elf, rname, &shs, &sh, wb->rela[i],
				  c->nrela * sh.sh_entsize, ELF_T_RELA, &scn);
		free(rname);
		if (ret)
			goto out;
		ret = -1;
		data = elf_getdata(scn, NULL);
		for (k = 0; k < c->nrela; k++)
			if (!data || !gelf_update_rela(data, (int)k, &c->rela[k]))
				goto out;
	}
	/* A normal object says its stack need not be executable. */
	memset(&sh, 0, sizeof(sh));
	sh.sh_type = SHT_PROGBITS;
	sh.sh_addralign = 1;
	if (new_section(elf, ".note.GNU-stack", &shs, &sh, NULL, 0, ELF_T_BYTE, &scn))
		goto out;
	/* Symbols. */
	wb->sym = calloc(e->nsyms, gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT));
	if (!wb->sym)
		goto out;
	memset(&sh, 0, sizeof(sh));
	sh.sh_type = SHT_SYMTAB;
	sh.sh_link = symtab_idx + 1;
	sh.sh_info = e->nlocal;
	sh.sh_addralign = 8;
	sh.sh_entsize = gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
	if (new_section(elf, ".symtab", &shs, &sh, wb->sym,
			e->nsyms * sh.sh_entsize, ELF_T_SYM, &scn))
		goto out;
	data = elf_getdata(scn, NULL);
	for (i = 0; i < e->nsyms; i++) {
		const struct outsym *y = &e->syms[i];
		GElf_Sym gs = {
			.st_info = GELF_ST_INFO(y->bind, y->type),
			.st_shndx = (GElf_Section)y->shndx,
			.st_value = y->value,
			.st_size = y->size,
		};
		/* Nameless (null, section) symbols share the empty string. */
		size_t n = y->name[0] ? str_add(&strs, y->name) : 0;

		if (n == SIZE_MAX || !data)
			goto out;
		gs.st_name = (GElf_Word)n;
		if (!gelf_update_sym(data, (int)i, &gs))
			goto out;
	}
	memset(&sh, 0, sizeof(sh));
	sh.sh_type = SHT_STRTAB;
	sh.sh_addralign = 1;
	if (new_section(elf, ".strtab", &shs, &sh, strs.buf, strs.len,
			ELF_T_BYTE, &scn))
		goto out;
	if (new_section(elf, ".shstrtab", &shs, &sh, NULL, 0, ELF_T_BYTE, &scn))
		goto out;
	/* .shstrtab holds its own name: fill it in last. */
	data = elf_newdata(scn);
	if (!data || !gelf_getshdr(scn, &sh))
		goto out;
	data->d_buf = shs.buf;
	data->d_size = shs.len;
	data->d_type = ELF_T_BYTE;
	data->d_align = 1;
	sh.sh_size = shs.len;
	if (!gelf_update_shdr(scn, &sh) || !gelf_getehdr(elf, &eh))
		goto out;
	/* Few sections: the index fits e_shstrndx, no SHN_XINDEX needed. */
	eh.e_shstrndx = (GElf_Half)elf_ndxscn(scn);
	if (!gelf_update_ehdr(elf, &eh) || elf_update(elf, ELF_C_WRITE) < 0)
		goto out;
	ret = 0;
out:
	if (ret)
		lf_err_set(e->err, -EIO, "writing ELF: %s", elf_errmsg(-1));
	if (elf)
		elf_end(elf);
	free(shs.buf);
	free(strs.buf);
	return ret ? -EIO : 0;
}

static int write_output(struct em *e, const char *path)
{
	struct wbufs wb = { 0 };
	size_t n = strlen(path) + 8, i;
	char *tmp = malloc(n);
	int fd, ret;

	if (!tmp)
		return nomem(e);
	snprintf(tmp, n, "%s.tmpXX", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = lf_err_set(e->err, -errno, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return ret;
	}
	ret = write_elf(e, fd, &wb);
	if (close(fd) && !ret)
		ret = lf_err_set(e->err, -EIO, "%s: %s", tmp, strerror(errno));
	if (!ret && rename(tmp, path))
		ret = lf_err_set(e->err, -errno, "%s: %s", path, strerror(errno));
	if (ret) {
		unlink(tmp);
		lf_err_prefix(e->err, "%s: ", path);
	}
	for (i = 0; i < wb.nrela; i++)
		free(wb.rela[i]);
	free(wb.rela);
	free(wb.sym);
	free(tmp);
	return ret;
}

static int write_manifest(struct em *e, const char *path)
{
	size_t n = strlen(path) + 8, i;
	char *tmp = malloc(n);
	FILE *f;
	int ret = 0;

	if (!tmp)
		return nomem(e);
	snprintf(tmp, n, "%s.tmpXX", path);
	f = fopen(tmp, "we");
	if (!f) {
		ret = lf_err_set(e->err, -errno, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return ret;
	}
	for (i = 0; i < e->d->nfuncs && !ret; i++) {
		const struct lf_objdiff_func *x = &e->d->funcs[i];
		unsigned long pos;
		bool exp;

		if (x->part_of >= 0 || x->status != LF_CHANGED)
			continue;
		ret = resolve(e, x->old_name, x->old_local, &exp, &pos);
		if (!ret)
			fprintf(f, "%s %s %lu " NEW_PREFIX "%u.%s\n", e->objname,
				x->old_name, pos, e->unit, x->name);
	}
	if (fclose(f) && !ret)
		ret = lf_err_set(e->err, -EIO, "%s: %s", tmp, strerror(errno));
	if (!ret && rename(tmp, path))
		ret = lf_err_set(e->err, -errno, "%s: %s", path, strerror(errno));
	if (ret)
		unlink(tmp);
	free(tmp);
	return ret;
}

/* The result must describe this very after.o. */
static int check_match(struct em *e)
{
	size_t i;

	if (e->d->after_nsyms != e->o->nsyms)
		goto bad;
	for (i = 0; i < e->d->nfuncs; i++) {
		size_t s = e->d->funcs[i].sym;

		if (s >= e->o->nsyms || strcmp(e->o->syms[s].name, e->d->funcs[i].name))
			goto bad;
		e->fn[s] = &e->d->funcs[i];
	}
	for (i = 0; i < e->d->nobjs; i++) {
		size_t s = e->d->objs[i].sym;

		if (s >= e->o->nsyms || strcmp(e->o->syms[s].name, e->d->objs[i].name))
			goto bad;
		e->ob[s] = &e->d->objs[i];
	}
	return 0;
bad:
	return lf_err_set(e->err, -EINVAL,
			  "%s: does not match the object difference", e->o->path);
}

int lf_emit(const char *after_o, const struct lf_objdiff *d,
	    unsigned int unit_index, const char *objname,
	    const struct lf_emit_resolver *res, const char *out_o,
	    const char *manifest_path, struct lf_err *err)
{
	struct em e = {
		.d = d, .res = res, .objname = objname, .unit = unit_index,
		.err = err,
	};
	size_t i;
	int ret;

	if (!res || !res->resolve || !objname || !*objname || strchr(objname, '.'))
		return lf_err_set(err, -EINVAL, "lf_emit: bad arguments");
	ret = lf_elfobj_open(after_o, &e.o, err);
	if (ret)
		return ret;
	e.c = calloc(e.o->nsecs, sizeof(*e.c));
	e.fn = calloc(e.o->nsyms, sizeof(*e.fn));
	e.ob = calloc(e.o->nsyms, sizeof(*e.ob));
	e.osym = calloc(e.o->nsyms, sizeof(*e.osym));
	if (!e.c || !e.fn || !e.ob || !e.osym ||
	    lf_fragments_new(e.o, &e.frag)) {
		ret = nomem(&e);
		goto out;
	}
	ret = check_match(&e);
	/* A refused difference must never reach a patch object. */
	if (!ret && d->refusals.n)
		ret = lf_objdiff_verdict(d, err);
	if (!ret)
		ret = collect(&e);
	if (!ret)
		ret = layout(&e);
	if (!ret)
		ret = define_symbols(&e);
	if (!ret)
		ret = convert_all(&e);
	if (!ret)
		ret = runtime_consts(&e);
	if (!ret)
		ret = write_output(&e, out_o);
	if (!ret)
		ret = write_manifest(&e, manifest_path);
	if (ret && !err->msg[0])
		lf_err_set(err, ret, "emit failed");
out:
	for (i = 0; e.c && i < e.o->nsecs; i++) {
		free(e.c[i].p);
		free(e.c[i].buf);
		free(e.c[i].rela);
	}
	for (i = 0; i < e.nsyms; i++)
		free(e.syms[i].name);
	free(e.syms);
	free(e.c);
	free(e.fn);
	free(e.ob);
	free(e.osym);
	free(e.q);
	lf_fragments_free(e.frag);
	lf_elfobj_close(e.o);
	return ret;
}
