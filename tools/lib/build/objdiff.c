// SPDX-License-Identifier: GPL-2.0-only
/* Correlate two builds of one translation unit and find what changed. */
#include "objdiff.h"
#include "masks.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOLINE		UINT32_MAX
/* Relocations nest (a table of pointers to strings): compare this deep. */
#define MAX_DEPTH	3

/* ------------------------------------------------------------------ */
/* What livefix knows about the kernel's sections                      */
/* ------------------------------------------------------------------ */

struct special {
	const char *name;
	unsigned int size;
	uint32_t line_off;
};

/*
 * Entry sizes on x86-64 in 6.12: struct bug_entry with
 * GENERIC_BUG_RELATIVE_POINTERS and DEBUG_BUGVERBOSE (asm-generic/bug.h:
 * s32 bug_addr_disp, s32 file_disp, u16 line, u16 flags), struct
 * exception_table_entry (asm/extable.h: int insn, fixup, data), struct
 * jump_entry (linux/jump_label.h: s32 code, s32 target, long key), struct
 * alt_instr (asm/alternative.h, packed: 4+4+4+1+1), struct unwind_hint
 * (linux/objtool_types.h: 4+2+1+1+1, padded to 12), and the s32 or
 * pointer tables objtool and ftrace use.
 */
static const struct special specials[] = {
	{ "__bug_table", 12, 8 },
	{ "__ex_table", 12, NOLINE },
	{ "__jump_table", 16, NOLINE },
	{ ".altinstructions", 14, NOLINE },
	{ ".smp_locks", 4, NOLINE },
	{ "__mcount_loc", 8, NOLINE },
	{ "__patchable_function_entries", 8, NOLINE },
	{ ".static_call_sites", 8, NOLINE },
	{ ".retpoline_sites", 4, NOLINE },
	{ ".return_sites", 4, NOLINE },
	{ ".call_sites", 4, NOLINE },
	{ ".ibt_endbr_seal", 4, NOLINE },
	{ ".kcfi_traps", 4, NOLINE },
	{ ".discard.unwind_hints", 12, NOLINE },
	{ ".discard.annotate_insn", 8, NOLINE },
};

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

unsigned int lf_special_entsize(const struct lf_elfobj *o, size_t sec,
				uint32_t *line_off)
{
	const struct lf_esec *s;
	size_t i, es;

	*line_off = NOLINE;
	if (!sec || sec >= o->nsecs)
		return 0;
	s = &o->secs[sec];
	if (s->sh.sh_type == SHT_NOBITS || !s->sh.sh_size)
		return 0;
	for (i = 0; i < sizeof(specials) / sizeof(specials[0]); i++) {
		if (strcmp(s->name, specials[i].name))
			continue;
		if (s->sh.sh_size % specials[i].size)
			return 0;
		*line_off = specials[i].line_off;
		return specials[i].size;
	}
	/* asm/runtime-const.h: one s32 site pointer per entry. */
	if (starts(s->name, LF_RUNTIME_PTR_PREFIX) ||
	    starts(s->name, LF_RUNTIME_SHIFT_PREFIX))
		return s->sh.sh_size % 4 ? 0 : 4;
	/*
	 * Other objtool annotations (.discard.reachable, .noendbr,
	 * .retpoline_safe, .instr_begin, ...) are arrays of one relocated
	 * field each: the size follows from the relocations' spacing.
	 * .discard.addressable only keeps symbols alive; it is no table.
	 */
	if (!starts(s->name, ".discard.") ||
	    !strcmp(s->name, ".discard.addressable") || !s->nrela ||
	    s->sh.sh_size % s->nrela)
		return 0;
	es = s->sh.sh_size / s->nrela;
	for (i = 0; i < s->nrela; i++)
		if (s->rela[i].off != i * es)
			return 0;
	return (unsigned int)es;
}

bool lf_fragment_section(const struct lf_esec *s)
{
	return !strcmp(s->name, ".altinstr_replacement") ||
	       !strcmp(s->name, ".altinstr_aux");
}

bool lf_ignored_section(const struct lf_esec *s)
{
	return !lf_esec_alloc(s) || starts(s->name, ".discard.") ||
	       starts(s->name, ".note") || s->sh.sh_type == SHT_GROUP;
}

bool lf_init_section(const struct lf_esec *s)
{
	return starts(s->name, ".init.") || starts(s->name, ".exit.");
}

bool lf_fresh_local(const struct lf_elfobj *o, size_t sym)
{
	/* Like upstream klp-diff's list: state a patch may start afresh. */
	static const char *const names[] = {
		"__already_done", "__func__", "__key", "__warned", "_entry",
		"_entry_ptr", "_rs", "descriptor", "CSWTCH", "__print_once",
	};
	const struct lf_esym *y = &o->syms[sym];
	const struct lf_esec *s = lf_elfobj_sym_sec(o, sym);
	size_t i;

	if (y->type != STT_OBJECT || y->bind != STB_LOCAL || !s)
		return false;
	/* WARN_ONCE() and friends; pr_debug() descriptors. */
	if (!strcmp(s->name, ".data..once") || starts(y->name, "__UNIQUE_ID_ddebug"))
		return true;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);

		if (!strncmp(y->name, names[i], n) && y->name[n] == '.')
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Fragments of .altinstr_replacement / .altinstr_aux                  */
/* ------------------------------------------------------------------ */

struct lf_fragments {
	const struct lf_elfobj *o;
	uint64_t **cuts;	/* per section, sorted and unique */
	size_t *ncuts;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int push_u64(uint64_t **v, size_t *n, uint64_t x)
{
	if (!*n || (*n >= 8 && !(*n & (*n - 1)))) {
		uint64_t *w = realloc(*v, (*n < 8 ? 8 : *n * 2) * sizeof(*w));

		if (!w)
			return -ENOMEM;
		*v = w;
	}
	(*v)[(*n)++] = x;
	return 0;
}

int lf_fragments_new(const struct lf_elfobj *o, struct lf_fragments **out)
{
	struct lf_fragments *f = calloc(1, sizeof(*f));
	size_t i, j;

	*out = NULL;
	if (!f)
		return -ENOMEM;
	f->o = o;
	f->cuts = calloc(o->nsecs ? o->nsecs : 1, sizeof(*f->cuts));
	f->ncuts = calloc(o->nsecs ? o->nsecs : 1, sizeof(*f->ncuts));
	if (!f->cuts || !f->ncuts)
		goto nomem;
	for (i = 1; i < o->nsecs; i++)
		if (lf_fragment_section(&o->secs[i]) &&
		    push_u64(&f->cuts[i], &f->ncuts[i], 0))
			goto nomem;
	for (i = 1; i < o->nsecs; i++) {
		const struct lf_esec *s = &o->secs[i];

		for (j = 0; j < s->nrela; j++) {
			struct lf_eloc loc;

			lf_elfobj_rela_loc(o, i, &s->rela[j], &loc);
			if (!loc.sec || !f->ncuts[loc.sec] || loc.p < 0 ||
			    (uint64_t)loc.p > o->secs[loc.sec].sh.sh_size)
				continue;
			if (push_u64(&f->cuts[loc.sec], &f->ncuts[loc.sec],
				     (uint64_t)loc.p))
				goto nomem;
		}
	}
	for (i = 1; i < o->nsecs; i++) {
		size_t n = f->ncuts[i], k = 0;

		if (!n)
			continue;
		qsort(f->cuts[i], n, sizeof(uint64_t), cmp_u64);
		for (j = 0; j < n; j++)
			if (!k || f->cuts[i][k - 1] != f->cuts[i][j])
				f->cuts[i][k++] = f->cuts[i][j];
		f->ncuts[i] = k;
	}
	*out = f;
	return 0;
nomem:
	lf_fragments_free(f);
	return -ENOMEM;
}

bool lf_fragments_at(const struct lf_fragments *f, size_t sec, int64_t p,
		     uint64_t *start, uint64_t *end)
{
	const uint64_t *c;
	size_t n, lo, hi;
	uint64_t size;

	if (!sec || sec >= f->o->nsecs || !f->ncuts[sec] || p < 0)
		return false;
	c = f->cuts[sec];
	n = f->ncuts[sec];
	size = f->o->secs[sec].sh.sh_size;
	/* The last cut at or before p (there is one: 0 is always a cut). */
	lo = 0;
	hi = n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (c[mid] <= (uint64_t)p)
			lo = mid;
		else
			hi = mid;
	}
	*start = c[lo];
	*end = lo + 1 < n ? c[lo + 1] : size;
	/* A reference to the very end belongs to the last fragment. */
	if (*start == size && lo > 0) {
		*end = size;
		*start = c[lo - 1];
	}
	return true;
}

void lf_fragments_free(struct lf_fragments *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; f->cuts && i < f->o->nsecs; i++)
		free(f->cuts[i]);
	free(f->cuts);
	free(f->ncuts);
	free(f);
}

/* ------------------------------------------------------------------ */
/* The two sides                                                       */
/* ------------------------------------------------------------------ */

enum cls { C_NONE, C_FUNC, C_OBJ, C_FRESH };

/* One entry of a special table, and the function or object it is about. */
struct entry {
	size_t owner;
	size_t sec;
	uint64_t off;
	unsigned int size;
	uint32_t line_off;
};

struct side {
	struct lf_elfobj *o;
	struct lf_fragments *frag;
	unsigned char *cls;	/* enum cls per symbol */
	char **key;		/* per symbol: name without renumbered parts */
	size_t *twin;		/* per symbol: its twin on the other side */
	struct entry *ents;	/* sorted by owner, section name, offset */
	size_t nents;
	/* Signature of a static local: which function uses it first, and
	 * how many same-named locals that function used before it. */
	size_t *sig_func;
	size_t *sig_ord;
};

struct ctx {
	struct side b, a;
	unsigned char *ro_changed;	/* after side, per symbol */
	struct lf_objdiff *d;
};

/*
 * Name without the parts the compiler numbers: "foo.isra.0" -> "foo.isra",
 * "count.3" -> "count", "__func__.12" -> "__func__". The names of
 * __UNIQUE_ID_ symbols end in a counter too.
 */
static char *make_key(const char *name)
{
	size_t n = strlen(name), i = 0, o = 0;
	char *k = malloc(n + 1);

	if (!k)
		return NULL;
	while (i < n) {
		size_t j = i + 1, d;

		/* A component runs from a '.' (or the start) to the next. */
		while (j < n && name[j] != '.')
			j++;
		for (d = i + 1; d < j && name[d] >= '0' && name[d] <= '9'; d++)
			;
		if (i > 0 && name[i] == '.' && d == j && j > i + 1) {
			i = j;
			continue;
		}
		memcpy(k + o, name + i, j - i);
		o += j - i;
		i = j;
	}
	k[o] = '\0';
	if (o > 12 && !memcmp(k, "__UNIQUE_ID_", 12))
		while (o > 12 && k[o - 1] >= '0' && k[o - 1] <= '9')
			k[--o] = '\0';
	return k;
}

static int classify(struct side *sd)
{
	const struct lf_elfobj *o = sd->o;
	size_t i;
	uint32_t lo;

	sd->cls = calloc(o->nsyms, 1);
	sd->key = calloc(o->nsyms, sizeof(*sd->key));
	sd->twin = calloc(o->nsyms, sizeof(*sd->twin));
	sd->sig_func = calloc(o->nsyms, sizeof(*sd->sig_func));
	sd->sig_ord = calloc(o->nsyms, sizeof(*sd->sig_ord));
	if (!sd->cls || !sd->key || !sd->twin || !sd->sig_func || !sd->sig_ord)
		return -ENOMEM;
	for (i = 1; i < o->nsyms; i++) {
		const struct lf_esym *y = &o->syms[i];
		const struct lf_esec *s = lf_elfobj_sym_sec(o, i);

		if (!s || lf_ignored_section(s) ||
		    lf_special_entsize(o, y->shndx, &lo))
			continue;
		if (y->type == STT_FUNC)
			sd->cls[i] = C_FUNC;
		else if (y->type == STT_OBJECT)
			sd->cls[i] = lf_fresh_local(o, i) ? C_FRESH : C_OBJ;
		else
			continue;
		sd->key[i] = make_key(y->name);
		if (!sd->key[i])
			return -ENOMEM;
	}
	return 0;
}

static void free_side(struct side *sd)
{
	size_t i;

	if (sd->key && sd->o)
		for (i = 0; i < sd->o->nsyms; i++)
			free(sd->key[i]);
	free(sd->key);
	free(sd->cls);
	free(sd->twin);
	free(sd->sig_func);
	free(sd->sig_ord);
	free(sd->ents);
	lf_fragments_free(sd->frag);
	lf_elfobj_close(sd->o);
}

/* The function or object a relocation designates, or 0. */
static size_t rela_entity(const struct lf_elfobj *o, size_t site,
			  const struct lf_erela *r)
{
	const struct lf_esym *y = &o->syms[r->sym];
	struct lf_eloc loc;

	if (y->type == STT_FUNC || y->type == STT_OBJECT)
		return lf_elfobj_sym_sec(o, r->sym) ? r->sym : 0;
	lf_elfobj_rela_loc(o, site, r, &loc);
	if (!loc.sec || lf_esec_strings(&o->secs[loc.sec]))
		return 0;
	return lf_elfobj_sym_at(o, loc.sec, loc.p);
}

static const struct side *g_sort_side;

static int cmp_entry(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	int c;

	if (a->owner != b->owner)
		return a->owner < b->owner ? -1 : 1;
	c = strcmp(g_sort_side->o->secs[a->sec].name,
		   g_sort_side->o->secs[b->sec].name);
	if (c)
		return c;
	return a->off < b->off ? -1 : a->off > b->off;
}

static int collect_entries(struct side *sd)
{
	const struct lf_elfobj *o = sd->o;
	size_t i, cap = 0;

	for (i = 1; i < o->nsecs; i++) {
		const struct lf_esec *s = &o->secs[i];
		uint32_t lo;
		unsigned int es = lf_special_entsize(o, i, &lo);
		uint64_t off;

		if (!es)
			continue;
		for (off = 0; off + es <= s->sh.sh_size; off += es) {
			size_t k = lf_esec_rela_lower(s, off), owner;

			/* The first relocated field names the place. */
			if (k >= s->nrela || s->rela[k].off >= off + es)
				continue;
			owner = rela_entity(o, i, &s->rela[k]);
			if (!owner)
				continue;
			if (sd->nents == cap) {
				struct entry *v;

				cap = cap ? cap * 2 : 64;
				v = realloc(sd->ents, cap * sizeof(*v));
				if (!v)
					return -ENOMEM;
				sd->ents = v;
			}
			sd->ents[sd->nents++] = (struct entry){
				.owner = owner, .sec = i, .off = off,
				.size = es, .line_off = lo,
			};
		}
	}
	g_sort_side = sd;
	if (sd->nents > 1)
		qsort(sd->ents, sd->nents, sizeof(*sd->ents), cmp_entry);
	g_sort_side = NULL;
	return 0;
}

/* The entries about @owner: [*first, *first + return). */
static size_t entries_of(const struct side *sd, size_t owner, size_t *first)
{
	size_t lo = 0, hi = sd->nents, n = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sd->ents[mid].owner < owner)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo + n < sd->nents && sd->ents[lo + n].owner == owner)
		n++;
	return n;
}

/* ------------------------------------------------------------------ */
/* Pairing                                                             */
/* ------------------------------------------------------------------ */

static void pair(struct ctx *c, size_t b, size_t a)
{
	c->b.twin[b] = a;
	c->a.twin[a] = b;
}

/*
 * Static locals are numbered in the order the compiler met them, so
 * "count.3" may be "count.5" after an edit elsewhere. Tell same-named ones
 * apart by use: the first function referencing each, and how many
 * same-named locals that function referenced before.
 */
static int sign_locals(struct side *sd)
{
	const struct lf_elfobj *o = sd->o;
	size_t f, *seen = NULL, nseen = 0, cap = 0;

	for (f = 1; f < o->nsyms; f++) {
		const struct lf_esym *y = &o->syms[f];
		const struct lf_esec *s;
		uint64_t start, end;
		size_t k;

		if (sd->cls[f] != C_FUNC)
			continue;
		s = lf_elfobj_sym_sec(o, f);
		start = lf_elfobj_func_start(o, f);
		end = y->value + y->size;
		nseen = 0;
		for (k = lf_esec_rela_lower(s, start);
		     k < s->nrela && s->rela[k].off < end; k++) {
			size_t e = rela_entity(o, y->shndx, &s->rela[k]), j, ord = 0;
			bool dup = false;

			if (!e || sd->cls[e] != C_OBJ)
				continue;
			for (j = 0; j < nseen; j++) {
				if (seen[j] == e)
					dup = true;
				else if (!strcmp(sd->key[seen[j]], sd->key[e]))
					ord++;
			}
			if (dup)
				continue;
			if (nseen == cap) {
				size_t *v;

				cap = cap ? cap * 2 : 16;
				v = realloc(seen, cap * sizeof(*v));
				if (!v) {
					free(seen);
					return -ENOMEM;
				}
				seen = v;
			}
			seen[nseen++] = e;
			if (!sd->sig_func[e]) {
				sd->sig_func[e] = f;
				sd->sig_ord[e] = ord;
			}
		}
	}
	free(seen);
	return 0;
}

static bool suffixed(const struct side *sd, size_t i)
{
	return strcmp(sd->key[i], sd->o->syms[i].name) != 0;
}

/* Pair the symbols of class @cls that share a key. */
static void pair_class(struct ctx *c, unsigned char cls)
{
	struct side *b = &c->b, *a = &c->a;
	size_t i, j;

	/* Exact names: always for functions (clones are numbered per
	 * function, so foo.constprop.1 stays .1), for variables only when
	 * the name carries no number. */
	for (i = 1; i < a->o->nsyms; i++) {
		if (a->cls[i] != cls || (cls == C_OBJ && suffixed(a, i)))
			continue;
		j = lf_elfobj_sym_index(b->o, a->o->syms[i].name);
		if (j && b->cls[j] == cls && !b->twin[j]) {
			pair(c, j, i);
			continue;
		}
		/* The name may also be a local of another kind: look on. */
		for (j = 1; j < b->o->nsyms; j++)
			if (b->cls[j] == cls && !b->twin[j] &&
			    !strcmp(b->o->syms[j].name, a->o->syms[i].name)) {
				pair(c, j, i);
				break;
			}
	}
	/* By use, for numbered variables. */
	if (cls == C_OBJ)
		for (i = 1; i < a->o->nsyms; i++) {
			if (a->cls[i] != cls || a->twin[i] || !a->sig_func[i])
				continue;
			for (j = 1; j < b->o->nsyms; j++) {
				if (b->cls[j] != cls || b->twin[j] ||
				    !b->sig_func[j] ||
				    strcmp(b->key[j], a->key[i]) ||
				    b->twin[b->sig_func[j]] != a->sig_func[i] ||
				    b->sig_ord[j] != a->sig_ord[i])
					continue;
				pair(c, j, i);
				break;
			}
		}
	/* What is left: pair when exactly one of a key remains each side. */
	for (i = 1; i < a->o->nsyms; i++) {
		size_t na = 0, nb = 0, jb = 0, k;

		if (a->cls[i] != cls || a->twin[i])
			continue;
		for (k = 1; k < a->o->nsyms; k++)
			if (a->cls[k] == cls && !a->twin[k] &&
			    !strcmp(a->key[k], a->key[i]))
				na++;
		for (k = 1; k < b->o->nsyms; k++)
			if (b->cls[k] == cls && !b->twin[k] &&
			    !strcmp(b->key[k], a->key[i])) {
				nb++;
				jb = k;
			}
		if (na == 1 && nb == 1)
			pair(c, jb, i);
	}
}

/* ------------------------------------------------------------------ */
/* Comparing                                                           */
/* ------------------------------------------------------------------ */

enum tkind { T_NONE, T_UND, T_ABS, T_SYM, T_STR, T_BLOB };

/* What one relocation designates, independent of layout. */
struct tgt {
	enum tkind k;
	size_t sym;		/* T_UND, T_SYM */
	const char *str;	/* T_STR */
	size_t sec;		/* T_BLOB */
	uint64_t start, len;	/* T_BLOB */
	int64_t off;		/* addend relative to the thing */
};

static void resolve(const struct side *sd, size_t site,
		    const struct lf_erela *r, struct tgt *t)
{
	const struct lf_elfobj *o = sd->o;
	const struct lf_esym *y = &o->syms[r->sym];
	struct lf_eloc loc;
	uint64_t start, end;
	size_t c;

	memset(t, 0, sizeof(*t));
	lf_elfobj_rela_loc(o, site, r, &loc);
	if (!r->sym) {
		t->k = T_NONE;
		t->off = r->addend;
		return;
	}
	if (!loc.sec) {
		t->k = y->shndx == SHN_UNDEF ? T_UND : T_ABS;
		t->sym = r->sym;
		t->off = t->k == T_UND ? r->addend : loc.v;
		return;
	}
	t->str = lf_elfobj_str_at(o, loc.sec, loc.p, &start);
	if (t->str) {
		t->k = T_STR;
		t->off = loc.v - (int64_t)start;
		return;
	}
	if (y->type == STT_FUNC || y->type == STT_OBJECT) {
		t->k = T_SYM;
		t->sym = r->sym;
		t->off = r->addend;
		return;
	}
	c = lf_elfobj_sym_at(o, loc.sec, loc.p);
	if (c) {
		t->k = T_SYM;
		t->sym = c;
		t->off = loc.v - (int64_t)o->syms[c].value;
		return;
	}
	t->k = T_BLOB;
	t->sec = loc.sec;
	if (lf_fragments_at(sd->frag, loc.sec, loc.p, &start, &end)) {
		t->start = start;
		t->len = end - start;
	} else {
		t->start = 0;
		t->len = o->secs[loc.sec].sh.sh_size;
	}
	t->off = loc.v - (int64_t)t->start;
}

/* Bits to ignore in a compared range (line numbers). */
struct bmask {
	uint32_t off[3];
	unsigned char bits[3];
	int n;
};

static unsigned char byte_at(const struct lf_esec *s, uint64_t off)
{
	return s->data && off < s->sh.sh_size ? s->data[off] : 0;
}

static bool bytes_eq(const struct lf_esec *sb, uint64_t bstart,
		     const struct lf_esec *sa, uint64_t astart, uint64_t len,
		     const struct bmask *m)
{
	uint64_t i;
	int k;

	if (sb->data && sa->data && !m)
		return !memcmp(sb->data + bstart, sa->data + astart, len);
	for (i = 0; i < len; i++) {
		unsigned char x = byte_at(sb, bstart + i) ^ byte_at(sa, astart + i);

		for (k = 0; m && k < m->n; k++)
			if (m->off[k] == i)
				x &= (unsigned char)~m->bits[k];
		if (x)
			return false;
	}
	return true;
}

static bool relocs_eq(struct ctx *c, size_t bsec, uint64_t bstart,
		      size_t asec, uint64_t astart, uint64_t len, int depth);

static bool tgt_eq(struct ctx *c, const struct tgt *tb, const struct tgt *ta,
		   int depth);

/* A pr_debug() descriptor: struct _ddebug's lineno:18 at offset 32. */
static const struct bmask *obj_mask(const struct lf_elfobj *o, size_t sym)
{
	static const struct bmask ddebug = {
		.off = { 32, 33, 34 }, .bits = { 0xff, 0xff, 0x03 }, .n = 3,
	};
	const struct lf_esec *s = lf_elfobj_sym_sec(o, sym);

	if (s && !strcmp(s->name, "__dyndbg") && o->syms[sym].size == 56)
		return &ddebug;
	return NULL;
}

/* Contents of two variables (bytes and what they point to). */
static bool obj_eq(struct ctx *c, size_t b, size_t a, int depth)
{
	const struct lf_esym *yb = &c->b.o->syms[b], *ya = &c->a.o->syms[a];
	const struct lf_esec *sb = lf_elfobj_sym_sec(c->b.o, b);
	const struct lf_esec *sa = lf_elfobj_sym_sec(c->a.o, a);

	if (!sb || !sa || yb->size != ya->size ||
	    lf_esec_write(sb) != lf_esec_write(sa))
		return false;
	if (!bytes_eq(sb, yb->value, sa, ya->value, ya->size,
		      obj_mask(c->a.o, a)))
		return false;
	return relocs_eq(c, yb->shndx, yb->value, ya->shndx, ya->value,
			 ya->size, depth);
}

static bool tgt_eq(struct ctx *c, const struct tgt *tb, const struct tgt *ta,
		   int depth)
{
	const struct lf_elfobj *ob = c->b.o, *oa = c->a.o;
	unsigned char cb, ca;

	if (tb->k != ta->k || tb->off != ta->off)
		return false;
	switch (ta->k) {
	case T_NONE:
	case T_ABS:
		return true;
	case T_UND:
		return !strcmp(ob->syms[tb->sym].name, oa->syms[ta->sym].name);
	case T_STR:
		return !strcmp(tb->str, ta->str);
	case T_BLOB:
		if (tb->len != ta->len ||
		    strcmp(ob->secs[tb->sec].name, oa->secs[ta->sec].name))
			return false;
		if (!bytes_eq(&ob->secs[tb->sec], tb->start,
			      &oa->secs[ta->sec], ta->start, ta->len, NULL))
			return false;
		return depth >= MAX_DEPTH ||
		       relocs_eq(c, tb->sec, tb->start, ta->sec, ta->start,
				 ta->len, depth + 1);
	case T_SYM:
		break;
	}
	cb = c->b.cls[tb->sym];
	ca = c->a.cls[ta->sym];
	if (cb == C_FRESH || ca == C_FRESH) {
		/* Copies, compared by what they hold. */
		if (cb != ca || strcmp(c->b.key[tb->sym], c->a.key[ta->sym]))
			return false;
		if (depth >= MAX_DEPTH)
			return ob->syms[tb->sym].size == oa->syms[ta->sym].size;
		return obj_eq(c, tb->sym, ta->sym, depth + 1);
	}
	if (cb == C_NONE || ca == C_NONE)
		return cb == ca &&
		       !strcmp(ob->syms[tb->sym].name, oa->syms[ta->sym].name);
	if (c->a.twin[ta->sym] != tb->sym)
		return false;
	/* A read-only table whose contents changed is a different table. */
	return !(ca == C_OBJ && c->ro_changed[ta->sym]);
}

static bool relocs_eq(struct ctx *c, size_t bsec, uint64_t bstart,
		      size_t asec, uint64_t astart, uint64_t len, int depth)
{
	const struct lf_esec *sb = &c->b.o->secs[bsec], *sa = &c->a.o->secs[asec];
	size_t kb = lf_esec_rela_lower(sb, bstart), ka = lf_esec_rela_lower(sa, astart);

	for (;; kb++, ka++) {
		bool eb = kb >= sb->nrela || sb->rela[kb].off >= bstart + len;
		bool ea = ka >= sa->nrela || sa->rela[ka].off >= astart + len;
		struct tgt tb, ta;

		if (eb || ea)
			return eb && ea;
		if (sb->rela[kb].off - bstart != sa->rela[ka].off - astart ||
		    sb->rela[kb].type != sa->rela[ka].type)
			return false;
		resolve(&c->b, bsec, &sb->rela[kb], &tb);
		resolve(&c->a, asec, &sa->rela[ka], &ta);
		if (!tgt_eq(c, &tb, &ta, depth))
			return false;
	}
}

/*
 * Callees that take __LINE__ as an argument: might_sleep() and friends
 * (CONFIG_DEBUG_ATOMIC_SLEEP), RCU lockdep splats, old-style WARN helpers.
 */
static bool line_callee(const char *name)
{
	static const char *const callees[] = {
		"__might_sleep", "__might_resched", "__might_fault",
		"__cant_sleep", "__cant_migrate", "lockdep_rcu_suspicious",
		"warn_slowpath_fmt", "__warn_printk",
	};
	size_t i;

	for (i = 0; i < sizeof(callees) / sizeof(callees[0]); i++)
		if (!strcmp(name, callees[i]))
			return true;
	return false;
}

/* Is the first call after @from (within 64 bytes) to a line callee? */
static bool line_call_follows(const struct lf_elfobj *o, size_t sec,
			      uint64_t from)
{
	const struct lf_esec *s = &o->secs[sec];
	size_t k;

	for (k = lf_esec_rela_lower(s, from);
	     k < s->nrela && s->rela[k].off < from + 64; k++) {
		const struct lf_erela *r = &s->rela[k];

		if ((r->type != R_X86_64_PLT32 && r->type != R_X86_64_PC32) ||
		    !r->off || s->data[r->off - 1] != 0xe8)
			continue;
		return line_callee(o->syms[r->sym].name);
	}
	return false;
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static bool plausible_line(uint32_t v)
{
	return v >= 1 && v <= 65535;
}

/*
 * The __LINE__ heuristic: every differing byte lies in the imm32 of a
 * "mov $imm32, %reg" (opcode B8+r) whose old and new values both look
 * like line numbers, and the next call is to a function known to take a
 * line argument. Relocations are compared separately and must be equal.
 */
static bool lines_only(const struct lf_elfobj *ob, size_t bsec, uint64_t bs,
		       const struct lf_elfobj *oa, size_t asec, uint64_t as,
		       uint64_t len)
{
	const unsigned char *db = ob->secs[bsec].data + bs;
	const unsigned char *da = oa->secs[asec].data + as;
	uint64_t i = 0;

	while (i < len) {
		uint64_t p;
		bool ok = false;

		if (db[i] == da[i]) {
			i++;
			continue;
		}
		for (p = i > 3 ? i - 3 : 1; p <= i && !ok; p++) {
			if (p < 1 || p + 4 > len || db[p - 1] != da[p - 1] ||
			    (da[p - 1] & 0xf8) != 0xb8)
				continue;
			if (!plausible_line(le32(db + p)) ||
			    !plausible_line(le32(da + p)))
				continue;
			if (!line_call_follows(oa, asec, as + p + 4) ||
			    !line_call_follows(ob, bsec, bs + p + 4))
				continue;
			ok = true;
			i = p + 4;
		}
		if (!ok)
			return false;
	}
	return true;
}

static bool entries_eq(struct ctx *c, size_t fb, size_t fa)
{
	size_t ib, ia, n = entries_of(&c->b, fb, &ib), k;

	if (entries_of(&c->a, fa, &ia) != n)
		return false;
	for (k = 0; k < n; k++) {
		const struct entry *eb = &c->b.ents[ib + k];
		const struct entry *ea = &c->a.ents[ia + k];
		struct bmask m = { .n = 0 };

		if (eb->size != ea->size ||
		    strcmp(c->b.o->secs[eb->sec].name, c->a.o->secs[ea->sec].name))
			return false;
		if (ea->line_off != NOLINE)
			m = (struct bmask){ .off = { ea->line_off, ea->line_off + 1 },
					    .bits = { 0xff, 0xff }, .n = 2 };
		if (!bytes_eq(&c->b.o->secs[eb->sec], eb->off,
			      &c->a.o->secs[ea->sec], ea->off, ea->size, &m) ||
		    !relocs_eq(c, eb->sec, eb->off, ea->sec, ea->off, ea->size, 0))
			return false;
	}
	return true;
}

enum fres { F_SAME, F_LINES, F_DIFF };

static enum fres func_cmp(struct ctx *c, size_t fb, size_t fa)
{
	const struct lf_esym *yb = &c->b.o->syms[fb], *ya = &c->a.o->syms[fa];
	const struct lf_esec *sb = lf_elfobj_sym_sec(c->b.o, fb);
	const struct lf_esec *sa = lf_elfobj_sym_sec(c->a.o, fa);
	uint64_t bs = lf_elfobj_func_start(c->b.o, fb);
	uint64_t as = lf_elfobj_func_start(c->a.o, fa);
	uint64_t len = ya->value + ya->size - as;
	enum fres res = F_SAME;

	if (!sb->data || !sa->data || yb->value + yb->size - bs != len ||
	    yb->value - bs != ya->value - as ||
	    ya->value + ya->size > sa->sh.sh_size ||
	    yb->value + yb->size > sb->sh.sh_size)
		return F_DIFF;
	if (memcmp(sb->data + bs, sa->data + as, len)) {
		if (!lines_only(c->b.o, yb->shndx, bs, c->a.o, ya->shndx, as, len))
			return F_DIFF;
		res = F_LINES;
	}
	if (!relocs_eq(c, yb->shndx, bs, ya->shndx, as, len, 0) ||
	    !entries_eq(c, fb, fa))
		return F_DIFF;
	return res;
}

/* ------------------------------------------------------------------ */
/* The result                                                          */
/* ------------------------------------------------------------------ */

static int refuse(struct lf_objdiff *d, const char *fmt, const char *name)
{
	char buf[512];

	snprintf(buf, sizeof(buf), fmt, name);
	return lf_strv_push(&d->refusals, buf);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Read-only variables are compared first: functions compare equal only if
 * the tables they read did not change, and tables point to tables. */
static void settle_readonly(struct ctx *c)
{
	const struct lf_elfobj *oa = c->a.o;
	bool again = true;
	size_t i;

	for (i = 1; i < oa->nsyms; i++)
		if (c->a.cls[i] == C_OBJ && c->a.twin[i] &&
		    !lf_esec_write(lf_elfobj_sym_sec(oa, i)))
			c->ro_changed[i] = !obj_eq(c, c->a.twin[i], i, 0);
	while (again) {
		again = false;
		for (i = 1; i < oa->nsyms; i++) {
			const struct lf_esec *s = lf_elfobj_sym_sec(oa, i);

			if (c->a.cls[i] != C_OBJ || c->ro_changed[i] ||
			    !c->a.twin[i] || lf_esec_write(s))
				continue;
			if (!obj_eq(c, c->a.twin[i], i, 0)) {
				c->ro_changed[i] = 1;
				again = true;
			}
		}
	}
}

static int build_objs(struct ctx *c)
{
	const struct lf_elfobj *oa = c->a.o, *ob = c->b.o;
	struct lf_objdiff *d = c->d;
	size_t i, n = 0;

	for (i = 1; i < oa->nsyms; i++)
		n += c->a.cls[i] == C_OBJ || c->a.cls[i] == C_FRESH;
	d->objs = calloc(n ? n : 1, sizeof(*d->objs));
	if (!d->objs)
		return -ENOMEM;
	for (i = 1; i < oa->nsyms; i++) {
		const struct lf_esec *s = lf_elfobj_sym_sec(oa, i);
		struct lf_objdiff_obj *x;
		size_t t = c->a.twin[i];

		if (c->a.cls[i] != C_OBJ && c->a.cls[i] != C_FRESH)
			continue;
		x = &d->objs[d->nobjs++];
		x->sym = i;
		x->name = strdup(oa->syms[i].name);
		x->old_name = dup_or_null(t ? ob->syms[t].name : NULL);
		if (!x->name || (t && !x->old_name))
			return -ENOMEM;
		x->old_local = t && ob->syms[t].bind == STB_LOCAL;
		x->readonly = !lf_esec_write(s);
		x->fresh = c->a.cls[i] == C_FRESH;
		if (x->fresh)
			continue;
		if (!t) {
			x->status = LF_NEW;
			continue;
		}
		if (!c->ro_changed[i] && (x->readonly || obj_eq(c, t, i, 0)))
			continue;
		x->status = LF_CHANGED;
		if (lf_init_section(s) || lf_init_section(lf_elfobj_sym_sec(ob, t))) {
			if (refuse(d, "change to __init data %s", x->name))
				return -ENOMEM;
		} else if (!x->readonly &&
			   refuse(d, "data %s changed: livefix cannot change existing data; use a shadow variable",
				  x->name)) {
			return -ENOMEM;
		}
	}
	return 0;
}

static long find_index(const struct lf_objdiff *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nfuncs; i++)
		if (!strcmp(d->funcs[i].name, name))
			return (long)i;
	return -1;
}

/* Does the function start with the call klp redirects through ftrace? */
static bool has_fentry(const struct lf_elfobj *o, size_t f)
{
	const struct lf_esym *y = &o->syms[f];
	const struct lf_esec *s = lf_elfobj_sym_sec(o, f);
	size_t k;

	for (k = lf_esec_rela_lower(s, y->value);
	     k < s->nrela && s->rela[k].off < y->value + 16; k++)
		if (!strcmp(o->syms[s->rela[k].sym].name, "__fentry__"))
			return true;
	return false;
}

/* Does function @caller of @o reference function @callee (a call)? */
static bool references(const struct lf_elfobj *o, size_t caller, size_t callee)
{
	const struct lf_esym *y = &o->syms[caller];
	const struct lf_esec *s = lf_elfobj_sym_sec(o, caller);
	size_t csec = o->syms[callee].shndx, k;

	if (!s)
		return false;
	for (k = lf_esec_rela_lower(s, y->value);
	     k < s->nrela && s->rela[k].off < y->value + y->size; k++) {
		struct lf_eloc loc;

		lf_elfobj_rela_loc(o, y->shndx, &s->rela[k], &loc);
		if (loc.sym == callee)
			return true;
		if (loc.sec && loc.sec == csec &&
		    (lf_elfobj_func_of_sec(o, csec) == callee ||
		     lf_elfobj_sym_at(o, csec, loc.p) == callee))
			return true;
	}
	return false;
}

/* The function a .livefix.* mark's relocation points to, or NULL. */
static struct lf_objdiff_func *marked_func(struct ctx *c, size_t sec,
					   const struct lf_erela *r)
{
	const struct lf_elfobj *oa = c->a.o;
	struct lf_eloc loc;
	size_t sym;

	lf_elfobj_rela_loc(oa, sec, r, &loc);
	sym = oa->syms[loc.sym].type == STT_FUNC ? loc.sym :
	      loc.sec ? lf_elfobj_sym_at(oa, loc.sec, loc.v) : 0;
	for (size_t i = 0; sym && i < c->d->nfuncs; i++)
		if (c->d->funcs[i].sym == sym)
			return &c->d->funcs[i];
	return NULL;
}

/* Is @sec @name, or a part of it ("name.*")? */
static bool in_section(const char *sec, const char *name, size_t len)
{
	return len && !strncmp(sec, name, len) && (!sec[len] || sec[len] == '.');
}

/*
 * The author's marks (<livefix/fix.h>): LIVEFIX_IGNORE_FUNCTION(fn) and
 * LIVEFIX_IGNORE_SECTION("name") make functions UNCHANGED whatever their
 * code, LIVEFIX_FORCE_FUNCTION(fn) makes an existing one CHANGED.
 */
static void apply_marks(struct ctx *c)
{
	const struct lf_elfobj *oa = c->a.o;
	struct lf_objdiff *d = c->d;

	for (size_t sec = 1; sec < oa->nsecs; sec++) {
		const struct lf_esec *s = &oa->secs[sec];
		bool force = s->name && !strcmp(s->name, ".livefix.force.function");

		if (!s->name || (!force && strcmp(s->name, ".livefix.ignore.function")))
			continue;
		for (size_t k = 0; k < s->nrela; k++) {
			struct lf_objdiff_func *f = marked_func(c, sec, &s->rela[k]);

			if (!f)
				continue;
			if (!force) {
				f->status = LF_UNCHANGED;
			} else if (f->old_name && f->status == LF_UNCHANGED) {
				f->status = LF_CHANGED;
				f->lines_only = false;
			}
		}
	}
	for (size_t sec = 1; sec < oa->nsecs; sec++) {
		const struct lf_esec *s = &oa->secs[sec];
		const char *p, *end;

		if (!s->name || strcmp(s->name, ".livefix.ignore.section") || !s->data)
			continue;
		p = (const char *)s->data;
		end = p + s->sh.sh_size;
		while (p < end) {
			size_t len = strnlen(p, (size_t)(end - p));

			for (size_t i = 0; len && i < d->nfuncs; i++) {
				const struct lf_esec *fs = lf_elfobj_sym_sec(oa, d->funcs[i].sym);

				if (fs && in_section(fs->name, p, len))
					d->funcs[i].status = LF_UNCHANGED;
			}
			p += len + 1;
		}
	}
	for (size_t i = 0; i < d->nfuncs; i++)
		if (d->funcs[i].part_of >= 0)
			d->funcs[i].status = d->funcs[d->funcs[i].part_of].status;
}

/*
 * A changed static function that ftrace cannot patch (no __fentry__: an
 * inline one, like the __do_sys_<name> body of a syscall, which the
 * kernel's inline makes notrace) is carried as a new function instead,
 * and its callers in the unit are replaced so they call the copy. Callers
 * may be notrace as well: up to a fixpoint.
 */
static void replace_notrace_callers(struct ctx *c)
{
	const struct lf_elfobj *oa = c->a.o, *ob = c->b.o;
	struct lf_objdiff *d = c->d;
	bool again = true;

	while (again) {
		again = false;
		for (size_t i = 0; i < d->nfuncs; i++) {
			struct lf_objdiff_func *f = &d->funcs[i];
			size_t t = c->a.twin[f->sym];
			bool called = false;

			if (f->status != LF_CHANGED || f->part_of >= 0 || !t ||
			    !f->old_local || has_fentry(ob, t))
				continue;
			for (size_t j = 0; j < d->nfuncs; j++)
				if (j != i && d->funcs[j].part_of < 0 &&
				    references(oa, d->funcs[j].sym, f->sym))
					called = true;
			/* Not called here: left CHANGED, and refused below. */
			if (!called)
				continue;
			f->status = LF_NEW;
			for (size_t j = 0; j < d->nfuncs; j++) {
				struct lf_objdiff_func *g = &d->funcs[j];

				if (j == i || g->part_of >= 0 || g->status != LF_UNCHANGED ||
				    !references(oa, g->sym, f->sym))
					continue;
				g->status = LF_CHANGED;
				g->lines_only = false;
				again = true;
			}
		}
	}
	/* .cold parts follow their function. */
	for (size_t i = 0; i < d->nfuncs; i++)
		if (d->funcs[i].part_of >= 0)
			d->funcs[i].status = d->funcs[d->funcs[i].part_of].status;
}

static int build_funcs(struct ctx *c)
{
	const struct lf_elfobj *oa = c->a.o, *ob = c->b.o;
	struct lf_objdiff *d = c->d;
	size_t i, n = 0;

	for (i = 1; i < oa->nsyms; i++)
		n += c->a.cls[i] == C_FUNC;
	d->funcs = calloc(n ? n : 1, sizeof(*d->funcs));
	if (!d->funcs)
		return -ENOMEM;
	for (i = 1; i < oa->nsyms; i++) {
		struct lf_objdiff_func *f;
		size_t t = c->a.twin[i];

		if (c->a.cls[i] != C_FUNC)
			continue;
		f = &d->funcs[d->nfuncs++];
		f->sym = i;
		f->part_of = -1;
		f->name = strdup(oa->syms[i].name);
		f->old_name = dup_or_null(t ? ob->syms[t].name : NULL);
		if (!f->name || (t && !f->old_name))
			return -ENOMEM;
		f->old_local = t && ob->syms[t].bind == STB_LOCAL;
		if (!t) {
			f->status = LF_NEW;
			continue;
		}
		switch (func_cmp(c, t, i)) {
		case F_SAME:
			break;
		case F_LINES:
			f->lines_only = true;
			break;
		case F_DIFF:
			f->status = LF_CHANGED;
			break;
		}
	}
	/* A .cold part is reached only through its function: one unit. */
	for (i = 0; i < d->nfuncs; i++) {
		const char *cold = strstr(d->funcs[i].name, ".cold");
		char *parent;
		long p;

		if (!cold || cold == d->funcs[i].name)
			continue;
		parent = strndup(d->funcs[i].name, (size_t)(cold - d->funcs[i].name));
		if (!parent)
			return -ENOMEM;
		p = find_index(d, parent);
		free(parent);
		if (p < 0 || (size_t)p == i)
			continue;
		d->funcs[i].part_of = p;
		if (d->funcs[i].status != LF_UNCHANGED &&
		    d->funcs[p].status == LF_UNCHANGED) {
			d->funcs[p].status = LF_CHANGED;
			d->funcs[p].lines_only = false;
		}
	}
	for (i = 0; i < d->nfuncs; i++) {
		struct lf_objdiff_func *f = &d->funcs[i];

		if (f->part_of >= 0)
			f->status = d->funcs[f->part_of].status;
	}
	apply_marks(c);
	replace_notrace_callers(c);
	/* Refusals, per unit. */
	for (i = 0; i < d->nfuncs; i++) {
		struct lf_objdiff_func *f = &d->funcs[i];
		const struct lf_esec *s = lf_elfobj_sym_sec(oa, f->sym);
		size_t t = c->a.twin[f->sym];

		if (f->status == LF_UNCHANGED)
			continue;
		if (lf_init_section(s) ||
		    (t && lf_init_section(lf_elfobj_sym_sec(ob, t)))) {
			if (refuse(d, "change to __init code %s", f->name))
				return -ENOMEM;
			continue;
		}
		/* Its resolved calls could not be made explicit: moved, it
		 * would jump astray. */
		if (oa->syms[f->sym].opaque) {
			char what[300];

			snprintf(what, sizeof(what), "%s (in %s)", f->name, s->name);
			if (refuse(d, "cannot decode the code of %s, which shares its section: livefix cannot move it",
				   what))
				return -ENOMEM;
			continue;
		}
		if (f->status == LF_CHANGED && f->part_of < 0 && !has_fentry(ob, t) &&
		    refuse(d, "%s cannot be patched: it has no __fentry__ call (notrace or noinstr)",
			   f->old_name))
			return -ENOMEM;
	}
	for (i = 1; i < ob->nsyms; i++)
		if (c->b.cls[i] == C_FUNC && !c->b.twin[i] &&
		    lf_strv_push(&d->gone, ob->syms[i].name))
			return -ENOMEM;
	return 0;
}

/*
 * A section holding no function, variable, string or special entry: its
 * changes cannot be expressed as a live patch (new exports, initcalls,
 * tracepoint tables, ...).
 */
static bool opaque_section(const struct lf_elfobj *o, size_t i)
{
	const struct lf_esec *s = &o->secs[i];
	uint32_t lo;
	size_t k;

	if (lf_ignored_section(s) || lf_special_entsize(o, i, &lo) ||
	    lf_esec_strings(s) || lf_fragment_section(s) || !s->sh.sh_size)
		return false;
	for (k = 0; k < s->nsyms; k++) {
		unsigned char t = o->syms[s->syms[k]].type;

		if (t == STT_FUNC || t == STT_OBJECT)
			return false;
	}
	/* Anonymous read-only data is compared where it is used. */
	return lf_esec_write(s) || lf_esec_exec(s) || !starts(s->name, ".rodata");
}

static int diff_opaque(struct ctx *c)
{
	const struct lf_elfobj *ob = c->b.o, *oa = c->a.o;
	size_t i;

	for (i = 1; i < oa->nsecs; i++) {
		const struct lf_esec *sa = &oa->secs[i];
		size_t j;

		if (!opaque_section(oa, i))
			continue;
		j = lf_elfobj_sec_index(ob, sa->name);
		if (j && opaque_section(ob, j) &&
		    ob->secs[j].sh.sh_size == sa->sh.sh_size &&
		    bytes_eq(&ob->secs[j], 0, sa, 0, sa->sh.sh_size, NULL) &&
		    relocs_eq(c, j, 0, i, 0, sa->sh.sh_size, 0))
			continue;
		if (refuse(c->d, "section %s changed: livefix cannot patch it",
			   sa->name))
			return -ENOMEM;
	}
	for (i = 1; i < ob->nsecs; i++)
		if (opaque_section(ob, i) &&
		    !lf_elfobj_sec_index(oa, ob->secs[i].name) &&
		    refuse(c->d, "section %s removed: livefix cannot patch it",
			   ob->secs[i].name))
			return -ENOMEM;
	return 0;
}

int lf_objdiff(const char *before_o, const char *after_o,
	       struct lf_objdiff **out, struct lf_err *err)
{
	struct ctx c = { 0 };
	int ret;

	*out = NULL;
	c.d = calloc(1, sizeof(*c.d));
	if (!c.d)
		return lf_err_set(err, -ENOMEM, "out of memory");
	ret = lf_elfobj_open(before_o, &c.b.o, err);
	if (!ret)
		ret = lf_elfobj_open(after_o, &c.a.o, err);
	if (ret)
		goto out;
	ret = -ENOMEM;
	c.ro_changed = calloc(c.a.o->nsyms, 1);
	if (!c.ro_changed || lf_fragments_new(c.b.o, &c.b.frag) ||
	    lf_fragments_new(c.a.o, &c.a.frag) || classify(&c.b) ||
	    classify(&c.a) || collect_entries(&c.b) || collect_entries(&c.a))
		goto nomem;
	pair_class(&c, C_FUNC);
	if (sign_locals(&c.b) || sign_locals(&c.a))
		goto nomem;
	pair_class(&c, C_OBJ);
	settle_readonly(&c);
	c.d->after_nsyms = c.a.o->nsyms;
	if (build_objs(&c) || build_funcs(&c) || diff_opaque(&c))
		goto nomem;
	*out = c.d;
	c.d = NULL;
	ret = 0;
	goto out;
nomem:
	lf_err_set(err, ret, "out of memory");
out:
	free(c.ro_changed);
	free_side(&c.b);
	free_side(&c.a);
	lf_objdiff_free(c.d);
	return ret;
}

void lf_objdiff_free(struct lf_objdiff *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->nfuncs; i++) {
		free(d->funcs[i].name);
		free(d->funcs[i].old_name);
	}
	for (i = 0; i < d->nobjs; i++) {
		free(d->objs[i].name);
		free(d->objs[i].old_name);
	}
	free(d->funcs);
	free(d->objs);
	lf_strv_free(&d->gone);
	lf_strv_free(&d->refusals);
	free(d);
}

int lf_objdiff_verdict(const struct lf_objdiff *d, struct lf_err *err)
{
	size_t i, n = 0;

	if (d->refusals.n) {
		char buf[sizeof(err->msg)];
		size_t len = 0;

		buf[0] = '\0';
		for (i = 0; i < d->refusals.n && len < sizeof(buf); i++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						"%s%s", i ? "; " : "",
						d->refusals.v[i]);
		return lf_err_set(err, -ENOTSUP, "%s", buf);
	}
	/* New functions alone do nothing: only a replaced one calls them. */
	for (i = 0; i < d->nfuncs; i++)
		n += d->funcs[i].part_of < 0 && d->funcs[i].status == LF_CHANGED;
	if (!n)
		return lf_err_set(err, -ENODATA, "no functional change");
	return 0;
}

const struct lf_objdiff_func *lf_objdiff_find_func(const struct lf_objdiff *d,
						    const char *name)
{
	long i = find_index(d, name);

	return i < 0 ? NULL : &d->funcs[i];
}

const struct lf_objdiff_obj *lf_objdiff_find_obj(const struct lf_objdiff *d,
						  const char *name)
{
	size_t i;

	for (i = 0; i < d->nobjs; i++)
		if (!strcmp(d->objs[i].name, name))
			return &d->objs[i];
	return NULL;
}
