// SPDX-License-Identifier: GPL-2.0-only
#include "masks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* x86 jump-label sites, as objtool leaves them: 2-byte or 5-byte. */
#define JUMP_ENTRY_SIZE	16
#define JMP8_OPCODE	0xeb

struct maskv {
	struct lf_mask *v;
	size_t n;
};

static int push(struct maskv *m, int64_t off, uint32_t len, uint64_t size)
{
	struct lf_mask *v;

	if (off < 0 || (uint64_t)off >= size)
		return 0;
	v = realloc(m->v, (m->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	m->v = v;
	m->v[m->n++] = (struct lf_mask){ .off = (uint32_t)off, .len = len };
	return 0;
}

/*
 * Branches the kernel rewrites as a whole at boot: to return and
 * retpoline thunks (into ret/int3 or an indirect branch) and to static
 * call trampolines (into a direct call or a NOP). objtool lists them in
 * tables only at the final link, so the unit object shows them by target.
 */
static bool rewritten_branch(const char *target)
{
	static const char * const prefixes[] = {
		"__x86_return_thunk", "__x86_indirect_thunk_",
		"__x86_indirect_call_thunk_", "__x86_indirect_jump_thunk_",
		"__SCT__",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(target, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* The whole rel32 branch whose displacement is at @at. */
static int push_branch(struct maskv *m, const unsigned char *code, int64_t at,
		       uint64_t size)
{
	int64_t start = at - 1;

	if (at >= 2 && code[at - 2] == 0x0f && (code[at - 1] & 0xf0) == 0x80)
		start = at - 2;			/* jcc rel32 */
	else if (at >= 2 && (code[at - 2] == 0x2e || code[at - 2] == 0x3e))
		start = at - 2;			/* prefixed call/jmp */
	return push(m, start, (uint32_t)(at + 4 - start), size);
}

static int reloc_sites(const struct lf_elfobj *o, size_t sym, struct maskv *m)
{
	const struct lf_esym *f = &o->syms[sym];
	const struct lf_esec *s = &o->secs[f->shndx];
	size_t k;
	int ret = 0;

	for (k = lf_esec_rela_lower(s, f->value);
	     k < s->nrela && s->rela[k].off < f->value + f->size && !ret; k++) {
		const struct lf_erela *r = &s->rela[k];
		const char *target = o->syms[r->sym].name;
		int64_t at = (int64_t)(r->off - f->value);

		if (target && !strcmp(target, "__fentry__"))
			ret = push(m, at - 1, 5, f->size);	/* call rel32 */
		else if (target && rewritten_branch(target) && s->data)
			ret = push_branch(m, s->data + f->value, at, f->size);
		else
			ret = push(m, at, lf_rela_size(r->type), f->size);
	}
	return ret;
}

static int jump_sites(const struct lf_elfobj *o, size_t sym, struct maskv *m)
{
	const struct lf_esym *f = &o->syms[sym];
	const struct lf_esec *code = &o->secs[f->shndx];
	size_t jt = lf_elfobj_sec_index(o, "__jump_table"), k;
	const struct lf_esec *s;
	int ret = 0;

	if (!jt)
		return 0;
	s = &o->secs[jt];
	for (k = 0; k < s->nrela && !ret; k++) {
		const struct lf_erela *r = &s->rela[k];
		struct lf_eloc loc;
		int64_t at;

		if (r->off % JUMP_ENTRY_SIZE)
			continue;	/* the target and key fields */
		lf_elfobj_rela_loc(o, jt, r, &loc);
		if (loc.sec != f->shndx || loc.p < (int64_t)f->value ||
		    loc.p >= (int64_t)(f->value + f->size))
			continue;
		at = loc.p - (int64_t)f->value;
		ret = push(m, at, code->data && code->data[loc.p] == JMP8_OPCODE ?
			   2 : 5, f->size);
	}
	return ret;
}

/*
 * Sites the kernel rewrites while it runs, listed in tables of
 * PC-relative pointers: the alternatives (entries of ALT_ENTRY_SIZE with
 * the site's length at ALT_INSTRLEN), and one table each for retpoline
 * thunk calls, return thunks, call-depth accounting, static calls and
 * lock prefixes (which a single-CPU kernel turns into DS prefixes).
 */
#define ALT_ENTRY_SIZE	14
#define ALT_INSTRLEN	12
#define ENDBR64		"\xf3\x0f\x1e\xfa"

struct site_table {
	const char *name;
	unsigned int entsize;	/* the site pointer is at offset 0 */
	unsigned int len;	/* 0: the call or jump instruction there */
};

static const struct site_table site_tables[] = {
	{ ".altinstructions", ALT_ENTRY_SIZE, 0 },
	{ ".retpoline_sites", 4, 0 },
	{ ".return_sites", 4, 0 },
	{ ".call_sites", 4, 0 },
	{ ".static_call_sites", 8, 0 },
	{ ".smp_locks", 4, 1 },
};

/* A rel32 call, jump or conditional jump, with a CS or DS prefix. */
static uint32_t branch_len(const unsigned char *code, uint64_t at, uint64_t end)
{
	uint32_t n = 0;

	while (at + n < end && (code[at + n] == 0x2e || code[at + n] == 0x3e))
		n++;
	if (at + n < end && code[at + n] == 0x0f)
		return n + 6;
	return n + 5;
}

static int table_sites_in(const struct lf_elfobj *o, size_t sym, size_t ti,
			  const struct site_table *t, struct maskv *m)
{
	const struct lf_esym *f = &o->syms[sym];
	const struct lf_esec *code = &o->secs[f->shndx];
	const struct lf_esec *s;
	size_t k;
	int ret = 0;

	if (!ti)
		return 0;
	s = &o->secs[ti];
	for (k = 0; k < s->nrela && !ret; k++) {
		const struct lf_erela *r = &s->rela[k];
		struct lf_eloc loc;
		uint32_t len = t->len;

		if (r->off % t->entsize)
			continue;
		lf_elfobj_rela_loc(o, ti, r, &loc);
		if (loc.sec != f->shndx || loc.p < (int64_t)f->value ||
		    loc.p >= (int64_t)(f->value + f->size))
			continue;
		if (t->entsize == ALT_ENTRY_SIZE)
			len = s->data && r->off + ALT_INSTRLEN < s->sh.sh_size ?
			      s->data[r->off + ALT_INSTRLEN] : 0;
		else if (!len)
			len = code->data ? branch_len(code->data, (uint64_t)loc.p,
						      f->value + f->size) : 5;
		if (len)
			ret = push(m, loc.p - (int64_t)f->value, len, f->size);
	}
	return ret;
}

static int table_sites(const struct lf_elfobj *o, size_t sym,
		       const struct site_table *t, struct maskv *m)
{
	return table_sites_in(o, sym, lf_elfobj_sec_index(o, t->name), t, m);
}

/*
 * Runtime constants (asm/runtime-const.h): boot code writes a value into
 * the instruction at each site listed in runtime_ptr_<symbol> (the 8-byte
 * immediate of a movabs) and runtime_shift_<symbol> (the count of a shr),
 * so the shipped bytes hold a placeholder and the live ones the value.
 */
static const struct site_table runtime_tables[] = {
	{ LF_RUNTIME_PTR_PREFIX, 4, 8 },
	{ LF_RUNTIME_SHIFT_PREFIX, 4, 1 },
};

static int runtime_sites(const struct lf_elfobj *o, size_t sym, struct maskv *m)
{
	int ret = 0;

	for (size_t i = 1; i < o->nsecs && !ret; i++) {
		const char *name = o->secs[i].name;

		for (size_t t = 0; t < 2 && !ret; t++)
			if (name && !strncmp(name, runtime_tables[t].name,
					     strlen(runtime_tables[t].name)))
				ret = table_sites_in(o, sym, i, &runtime_tables[t], m);
	}
	return ret;
}

/* Unused ENDBRs are sealed (overwritten) at boot. */
static int endbr_site(const struct lf_elfobj *o, size_t sym, struct maskv *m)
{
	const struct lf_esym *f = &o->syms[sym];
	const struct lf_esec *code = &o->secs[f->shndx];

	if (!code->data || f->size < 4 ||
	    memcmp(code->data + f->value, ENDBR64, 4))
		return 0;
	return push(m, 0, 4, f->size);
}

int lf_func_masks(const struct lf_elfobj *o, size_t sym,
		  struct lf_mask **masks, size_t *n, struct lf_err *err)
{
	struct maskv m = { 0 };
	int ret;

	*masks = NULL;
	*n = 0;
	if (!sym || sym >= o->nsyms || o->syms[sym].type != STT_FUNC ||
	    !o->syms[sym].shndx || o->syms[sym].shndx >= o->nsecs)
		return lf_err_set(err, -EINVAL, "%s: not a defined function",
				  sym < o->nsyms && o->syms[sym].name ?
				  o->syms[sym].name : "?");
	ret = reloc_sites(o, sym, &m);
	if (!ret)
		ret = jump_sites(o, sym, &m);
	if (!ret)
		ret = endbr_site(o, sym, &m);
	if (!ret)
		ret = runtime_sites(o, sym, &m);
	for (size_t i = 0; !ret && i < sizeof(site_tables) / sizeof(site_tables[0]); i++)
		ret = table_sites(o, sym, &site_tables[i], &m);
	if (ret) {
		free(m.v);
		return lf_err_set(err, ret, "out of memory");
	}
	*masks = m.v;
	*n = m.n;
	return 0;
}
