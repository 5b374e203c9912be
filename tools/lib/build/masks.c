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
	if (ret) {
		free(m.v);
		return lf_err_set(err, ret, "out of memory");
	}
	*masks = m.v;
	*n = m.n;
	return 0;
}
