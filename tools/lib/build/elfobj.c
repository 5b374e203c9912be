// SPDX-License-Identifier: GPL-2.0-only
/* Read-only model of an ELF relocatable object, over libelf. */
#include "elfobj.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Arrays here have no capacity field: they grow to the next power of two
 * (at least 8) whenever their length reaches one.
 */
static void *grow(void *p, size_t n, size_t elem)
{
	if (n && (n < 8 || (n & (n - 1))))
		return p;
	return realloc(p, (n < 8 ? 8 : n * 2) * elem);
}

static int add_rela(struct lf_esec *s, const struct lf_erela *r)
{
	struct lf_erela *v = grow(s->rela, s->nrela, sizeof(*v));

	if (!v)
		return -ENOMEM;
	s->rela = v;
	s->rela[s->nrela++] = *r;
	return 0;
}

static int cmp_rela(const void *a, const void *b)
{
	const struct lf_erela *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return 0;
}

/* qsort has no context argument: the object being sorted. */
static const struct lf_elfobj *sort_obj;

static int cmp_sym_value(const void *a, const void *b)
{
	const struct lf_esym *x = &sort_obj->syms[*(const size_t *)a];
	const struct lf_esym *y = &sort_obj->syms[*(const size_t *)b];
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	/* Functions and objects before labels at the same address. */
	if ((x->type == STT_NOTYPE) != (y->type == STT_NOTYPE))
		return x->type == STT_NOTYPE ? 1 : -1;
	return ia < ib ? -1 : ia > ib;
}

static int cmp_sym_name(const void *a, const void *b)
{
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	const struct lf_esym *x = &sort_obj->syms[ia];
	const struct lf_esym *y = &sort_obj->syms[ib];
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if ((x->bind == STB_LOCAL) != (y->bind == STB_LOCAL))
		return x->bind == STB_LOCAL ? 1 : -1;
	return ia < ib ? -1 : ia > ib;
}

static int read_sections(struct lf_elfobj *o, struct lf_err *err)
{
	size_t shstrndx, i;

	if (elf_getshdrnum(o->elf, &o->nsecs) ||
	    elf_getshdrstrndx(o->elf, &shstrndx))
		return lf_err_set(err, -EINVAL, "%s: %s", o->path,
				  elf_errmsg(-1));
	o->secs = calloc(o->nsecs ? o->nsecs : 1, sizeof(*o->secs));
	if (!o->secs)
		return lf_err_set(err, -ENOMEM, "out of memory");
	o->secs[0].name = "";
	for (i = 1; i < o->nsecs; i++) {
		struct lf_esec *s = &o->secs[i];
		Elf_Scn *scn = elf_getscn(o->elf, i);
		Elf_Data *d;

		if (!scn || !gelf_getshdr(scn, &s->sh))
			return lf_err_set(err, -EINVAL, "%s: section %zu: %s",
					  o->path, i, elf_errmsg(-1));
		s->name = elf_strptr(o->elf, shstrndx, s->sh.sh_name);
		if (!s->name)
			s->name = "";
		if (s->sh.sh_type == SHT_NOBITS || !s->sh.sh_size)
			continue;
		/* Raw bytes: no translation of notes or tables. */
		d = elf_rawdata(scn, NULL);
		if (!d || d->d_size != s->sh.sh_size)
			return lf_err_set(err, -EINVAL, "%s: section %s: %s",
					  o->path, s->name, elf_errmsg(-1));
		s->data = d->d_buf;
	}
	return 0;
}

static int read_symbols(struct lf_elfobj *o, struct lf_err *err)
{
	size_t symtab = 0, xndx = 0, i, n;
	Elf_Data *data, *xdata = NULL;

	for (i = 1; i < o->nsecs; i++) {
		if (o->secs[i].sh.sh_type == SHT_SYMTAB)
			symtab = i;
		else if (o->secs[i].sh.sh_type == SHT_SYMTAB_SHNDX)
			xndx = i;
	}
	if (!symtab)
		return lf_err_set(err, -EINVAL, "%s: no symbol table", o->path);
	data = elf_getdata(elf_getscn(o->elf, symtab), NULL);
	if (!data || !o->secs[symtab].sh.sh_entsize)
		return lf_err_set(err, -EINVAL, "%s: %s", o->path,
				  elf_errmsg(-1));
	if (xndx)
		xdata = elf_getdata(elf_getscn(o->elf, xndx), NULL);
	n = o->secs[symtab].sh.sh_size / o->secs[symtab].sh.sh_entsize;
	o->syms = calloc(n ? n : 1, sizeof(*o->syms));
	o->byname = calloc(n ? n : 1, sizeof(*o->byname));
	if (!o->syms || !o->byname)
		return lf_err_set(err, -ENOMEM, "out of memory");
	o->nsyms = n;
	o->syms[0].name = "";
	for (i = 1; i < n; i++) {
		struct lf_esym *y = &o->syms[i];
		GElf_Sym s;
		Elf32_Word x = 0;

		if (!gelf_getsymshndx(data, xdata, (int)i, &s, &x))
			return lf_err_set(err, -EINVAL, "%s: symbol %zu: %s",
					  o->path, i, elf_errmsg(-1));
		y->bind = GELF_ST_BIND(s.st_info);
		y->type = GELF_ST_TYPE(s.st_info);
		y->shndx = s.st_shndx == SHN_XINDEX ? x : s.st_shndx;
		y->value = s.st_value;
		y->size = s.st_size;
		y->name = elf_strptr(o->elf, o->secs[symtab].sh.sh_link,
				     s.st_name);
		if (!y->name)
			y->name = "";
		/* Section symbols are nameless; call them by their section. */
		if (y->type == STT_SECTION && y->shndx < o->nsecs) {
			y->name = o->secs[y->shndx].name;
			o->secs[y->shndx].secsym = i;
		}
	}
	return 0;
}

static int index_symbols(struct lf_elfobj *o, struct lf_err *err)
{
	size_t i, nb = 0;

	for (i = 1; i < o->nsyms; i++) {
		struct lf_esym *y = &o->syms[i];
		struct lf_esec *s;
		size_t *v;

		if (y->name[0] && y->type != STT_SECTION && y->type != STT_FILE)
			o->byname[nb++] = i;
		if (!y->shndx || y->shndx >= o->nsecs || !y->name[0] ||
		    (y->type != STT_FUNC && y->type != STT_OBJECT &&
		     y->type != STT_NOTYPE))
			continue;
		/* SHN_ABS etc. are >= SHN_LORESERVE and were filtered above,
		 * unless the object has that many sections: then they really
		 * are section indices (SHN_XINDEX resolved). */
		s = &o->secs[y->shndx];
		v = grow(s->syms, s->nsyms, sizeof(*v));
		if (!v)
			return lf_err_set(err, -ENOMEM, "out of memory");
		s->syms = v;
		s->syms[s->nsyms++] = i;
	}
	sort_obj = o;
	for (i = 1; i < o->nsecs; i++)
		if (o->secs[i].nsyms > 1)
			qsort(o->secs[i].syms, o->secs[i].nsyms,
			      sizeof(size_t), cmp_sym_value);
	qsort(o->byname, nb, sizeof(size_t), cmp_sym_name);
	o->nbyname = nb;
	sort_obj = NULL;
	return 0;
}

static int read_relocations(struct lf_elfobj *o, struct lf_err *err)
{
	size_t i, j;

	for (i = 1; i < o->nsecs; i++) {
		struct lf_esec *rs = &o->secs[i];
		struct lf_esec *t;
		Elf_Data *d;
		size_t n;

		if (rs->sh.sh_type == SHT_REL)
			return lf_err_set(err, -ENOTSUP,
					  "%s: %s: REL relocations are not supported on x86-64",
					  o->path, rs->name);
		if (rs->sh.sh_type != SHT_RELA)
			continue;
		if (!rs->sh.sh_info || rs->sh.sh_info >= o->nsecs ||
		    !rs->sh.sh_entsize)
			return lf_err_set(err, -EINVAL, "%s: %s: bad target",
					  o->path, rs->name);
		t = &o->secs[rs->sh.sh_info];
		t->relsec = i;
		d = elf_getdata(elf_getscn(o->elf, i), NULL);
		n = rs->sh.sh_size / rs->sh.sh_entsize;
		for (j = 0; j < n; j++) {
			struct lf_erela r = { 0 };
			GElf_Rela g;

			if (!d || !gelf_getrela(d, (int)j, &g))
				return lf_err_set(err, -EINVAL, "%s: %s: %s",
						  o->path, rs->name,
						  elf_errmsg(-1));
			r.off = g.r_offset;
			r.type = GELF_R_TYPE(g.r_info);
			r.sym = GELF_R_SYM(g.r_info);
			r.addend = g.r_addend;
			if (r.sym >= o->nsyms)
				return lf_err_set(err, -EINVAL,
						  "%s: %s: bad symbol %zu",
						  o->path, rs->name, r.sym);
			if (add_rela(t, &r))
				return lf_err_set(err, -ENOMEM, "out of memory");
		}
	}
	for (i = 1; i < o->nsecs; i++)
		if (o->secs[i].nrela > 1)
			qsort(o->secs[i].rela, o->secs[i].nrela,
			      sizeof(struct lf_erela), cmp_rela);
	return 0;
}

/* Legacy prefixes (operand/address size, lock/rep, segments). */
static bool is_prefix(unsigned char b)
{
	return b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 ||
	       b == 0xf3 || b == 0x2e || b == 0x36 || b == 0x3e ||
	       b == 0x26 || b == 0x64 || b == 0x65;
}

/* Immediate sizes of the decoder below. */
enum { IMM_Z = 100 };		/* 4 bytes, 2 with an operand-size prefix */

/* The two-byte map (after 0F): 1 = ModRM, 2 = ModRM + ib, 0 = neither,
 * -1 = invalid in 64-bit mode. */
static int map2(unsigned char op)
{
	switch (op) {
	case 0x05: case 0x06: case 0x07: case 0x08: case 0x09: case 0x0b:
	case 0x0e: case 0x30: case 0x31: case 0x32: case 0x33: case 0x34:
	case 0x35: case 0x37: case 0x77: case 0xa0: case 0xa1: case 0xa2:
	case 0xa8: case 0xa9: case 0xaa:
	case 0xc8: case 0xc9: case 0xca: case 0xcb: case 0xcc: case 0xcd:
	case 0xce: case 0xcf:
		return 0;
	case 0x0f: case 0x70: case 0x71: case 0x72: case 0x73: case 0xa4:
	case 0xac: case 0xba: case 0xc2: case 0xc4: case 0xc5: case 0xc6:
		return 2;
	case 0x04: case 0x0a: case 0x0c: case 0x24: case 0x25: case 0x26:
	case 0x27: case 0x36: case 0x39: case 0x3b: case 0x3c: case 0x3d:
	case 0x3e: case 0x3f: case 0x7a: case 0x7b: case 0xa6: case 0xa7:
		return -1;
	default:
		return 1;
	}
}

#define MAP_MODRM	0x1000

/*
 * The one-byte map above 0x3F: MAP_MODRM | immediate size, or -1 for
 * opcodes invalid in 64-bit mode (and VEX/EVEX, not decoded here).
 */
static int map1(unsigned char op, bool a32, bool rexw)
{
	if ((op >= 0x50 && op <= 0x5f) || (op >= 0x6c && op <= 0x6f) ||
	    (op >= 0x90 && op <= 0x99) || (op >= 0x9b && op <= 0x9f) ||
	    (op >= 0xa4 && op <= 0xa7) || (op >= 0xaa && op <= 0xaf) ||
	    (op >= 0xec && op <= 0xef) || (op >= 0xf8 && op <= 0xfd))
		return 0;
	if ((op >= 0x84 && op <= 0x8f) || (op >= 0xd0 && op <= 0xd3) ||
	    (op >= 0xd8 && op <= 0xdf))
		return MAP_MODRM;
	if ((op >= 0x70 && op <= 0x7f) || (op >= 0xb0 && op <= 0xb7) ||
	    (op >= 0xe0 && op <= 0xe7))
		return 1;
	if (op >= 0xa0 && op <= 0xa3)
		return a32 ? 4 : 8;		/* moffs */
	if (op >= 0xb8 && op <= 0xbf)
		return rexw ? 8 : IMM_Z;	/* mov $imm, %reg */
	switch (op) {
	case 0xc3: case 0xc9: case 0xcb: case 0xcc: case 0xcf: case 0xd7:
	case 0xf1: case 0xf4: case 0xf5:
		return 0;
	case 0x63: case 0xf6: case 0xf7: case 0xfe: case 0xff:
		return MAP_MODRM;	/* grp3 immediates: see the caller */
	case 0x6a: case 0xa8: case 0xcd: case 0xeb:
		return 1;
	case 0x68: case 0xa9:
		return IMM_Z;
	case 0x69: case 0x81: case 0xc7:
		return MAP_MODRM | IMM_Z;
	case 0x6b: case 0x80: case 0x83: case 0xc0: case 0xc1: case 0xc6:
		return MAP_MODRM | 1;
	case 0xc2: case 0xca:
		return 2;
	case 0xc8:
		return 3;			/* enter iw, ib */
	case 0xe8: case 0xe9:
		return 4;			/* call/jmp rel32 */
	default:
		return -1;
	}
}

unsigned int lf_x86_insn_len(const unsigned char *c, size_t len,
			     unsigned int *rel32)
{
	bool op16 = false, a32 = false, rexw = false, modrm = false, grp3 = false;
	unsigned int imm = 0, disp = 0;
	size_t i = 0;
	unsigned char op;

	*rel32 = 0;
	while (i < len && i < 14 && is_prefix(c[i])) {
		op16 |= c[i] == 0x66;
		a32 |= c[i] == 0x67;
		i++;
	}
	if (i < len && (c[i] & 0xf0) == 0x40)
		rexw = c[i++] & 8;
	if (i >= len)
		return 0;
	op = c[i++];
	if (op == 0x0f) {
		int m;

		if (i >= len)
			return 0;
		op = c[i++];
		if (op == 0x38 || op == 0x3a) {
			if (i++ >= len)
				return 0;
			modrm = true;
			imm = op == 0x3a;
		} else if (op >= 0x80 && op <= 0x8f) {
			*rel32 = (unsigned int)i;
			imm = 4;
		} else {
			m = map2(op);
			if (m < 0)
				return 0;
			modrm = m > 0;
			imm = m == 2;
		}
	} else if (op < 0x40) {
		/* ALU rows: Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev / AL,ib / eAX,iz */
		switch (op & 7) {
		case 4: imm = 1; break;
		case 5: imm = IMM_Z; break;
		case 6: case 7: return 0;
		default: modrm = true; break;
		}
	} else {
		int m = map1(op, a32, rexw);

		if (m < 0)
			return 0;
		modrm = m & MAP_MODRM;
		grp3 = op == 0xf6 || op == 0xf7;
		imm = m & ~MAP_MODRM;
		if (op == 0xe8 || op == 0xe9)
			*rel32 = (unsigned int)i;
	}
	if (imm == IMM_Z)
		imm = op16 && !rexw ? 2 : 4;
	if (modrm) {
		unsigned char m, mod, rm;

		if (i >= len)
			return 0;
		m = c[i++];
		mod = m >> 6;
		rm = m & 7;
		if (grp3 && ((m >> 3) & 7) <= 1)
			imm = op == 0xf6 ? 1 : (op16 && !rexw ? 2 : 4);
		if (mod != 3 && rm == 4) {
			if (i >= len)
				return 0;
			if (mod == 0 && (c[i] & 7) == 5)
				disp = 4;
			i++;
		}
		if (mod == 1)
			disp = 1;
		else if (mod == 2 || (mod == 0 && rm == 5))
			disp = 4;
	}
	i += disp + imm;
	return i <= len ? (unsigned int)i : 0;
}

/* Among the first @n (sorted) relocations of @s, one at @off? */
/* First of the first @n relocations at or after @off (they are sorted). */
static size_t rela_lower(const struct lf_esec *s, size_t n, uint64_t off)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->rela[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* @n: only the relocations read so far, while more are being added. */
static bool has_rela_at(const struct lf_esec *s, size_t n, uint64_t off)
{
	size_t k = rela_lower(s, n, off);

	return k < n && s->rela[k].off == off;
}

size_t lf_esec_rela_lower(const struct lf_esec *s, uint64_t off)
{
	return rela_lower(s, s->nrela, off);
}

/* Is @off the start of a function of section @s? */
static bool func_starts_at(const struct lf_elfobj *o, const struct lf_esec *s,
			   uint64_t off)
{
	size_t i;

	for (i = 0; i < s->nsyms; i++)
		if (o->syms[s->syms[i]].type == STT_FUNC &&
		    o->syms[s->syms[i]].value == off)
			return true;
	return false;
}

/* See lf_elfobj_open(): make the assembler's resolved branches explicit. */
static int expose_branches(struct lf_elfobj *o, size_t sec, bool *added)
{
	struct lf_esec *s = &o->secs[sec];
	size_t k, nreal = s->nrela;	/* sorted; synthetic ones follow */

	for (k = 0; k < s->nsyms; k++) {
		struct lf_esym *f = &o->syms[s->syms[k]];
		uint64_t off = f->value, end = f->value + f->size;

		if (f->type != STT_FUNC)
			continue;
		if (end > s->sh.sh_size)
			end = s->sh.sh_size;
		while (off < end) {
			unsigned int r32, n = lf_x86_insn_len(s->data + off, end - off, &r32);
			const unsigned char *d;
			int64_t target;
			int32_t disp;

			if (!n) {
				f->opaque = true;
				break;
			}
			if (!r32 || has_rela_at(s, nreal, off + r32)) {
				off += n;
				continue;
			}
			d = s->data + off + r32;
			disp = (int32_t)(d[0] | (uint32_t)d[1] << 8 |
					 (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24);
			target = (int64_t)(off + n) + disp;
			if (target >= (int64_t)f->value && target < (int64_t)end) {
				off += n;
				continue;
			}
			/* Leaving the function: only ever to another one's
			 * start. Anything else means the decoding went wrong. */
			if (!s->secsym || target < 0 ||
			    !func_starts_at(o, s, (uint64_t)target)) {
				f->opaque = true;
				break;
			}
			if (!o->owned[sec]) {
				o->owned[sec] = malloc(s->sh.sh_size);
				if (!o->owned[sec])
					return -ENOMEM;
				memcpy(o->owned[sec], s->data, s->sh.sh_size);
				s->data = o->owned[sec];
			}
			memset(o->owned[sec] + off + r32, 0, 4);
			if (add_rela(s, &(struct lf_erela){
				.off = off + r32,
				.type = s->data[off + r32 - 1] == 0xe8 ||
					s->data[off + r32 - 1] == 0xe9 ?
					R_X86_64_PLT32 : R_X86_64_PC32,
				.sym = s->secsym,
				.addend = target - (int64_t)(n - r32),
				.synthetic = true,
			}))
				return -ENOMEM;
			*added = true;
			off += n;
		}
	}
	return 0;
}

static int expose_all_branches(struct lf_elfobj *o, struct lf_err *err)
{
	size_t i, k;

	o->owned = calloc(o->nsecs ? o->nsecs : 1, sizeof(*o->owned));
	if (!o->owned)
		return lf_err_set(err, -ENOMEM, "out of memory");
	for (i = 1; i < o->nsecs; i++) {
		struct lf_esec *s = &o->secs[i];
		size_t nf = 0;
		bool added = false;

		if (!lf_esec_exec(s) || !s->data)
			continue;
		for (k = 0; k < s->nsyms; k++)
			nf += o->syms[s->syms[k]].type == STT_FUNC;
		if (nf < 2)
			continue;
		if (expose_branches(o, i, &added))
			return lf_err_set(err, -ENOMEM, "out of memory");
		if (added)
			qsort(s->rela, s->nrela, sizeof(*s->rela), cmp_rela);
	}
	return 0;
}

int lf_elfobj_open(const char *path, struct lf_elfobj **out,
		   struct lf_err *err)
{
	struct lf_elfobj *o;
	GElf_Ehdr eh;
	int ret;

	*out = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return lf_err_set(err, -EINVAL, "libelf: %s", elf_errmsg(-1));
	o = calloc(1, sizeof(*o));
	if (!o)
		return lf_err_set(err, -ENOMEM, "out of memory");
	o->fd = -1;
	o->path = strdup(path);
	if (!o->path) {
		ret = lf_err_set(err, -ENOMEM, "out of memory");
		goto fail;
	}
	o->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (o->fd < 0) {
		ret = lf_err_set(err, -errno, "%s: %s", path, strerror(errno));
		goto fail;
	}
	o->elf = elf_begin(o->fd, ELF_C_READ_MMAP, NULL);
	if (!o->elf || elf_kind(o->elf) != ELF_K_ELF || !gelf_getehdr(o->elf, &eh)) {
		ret = lf_err_set(err, -EINVAL, "%s: not an ELF object", path);
		goto fail;
	}
	if (gelf_getclass(o->elf) != ELFCLASS64 || eh.e_type != ET_REL ||
	    eh.e_machine != EM_X86_64) {
		ret = lf_err_set(err, -EINVAL,
				 "%s: not an x86-64 ELF64 relocatable object",
				 path);
		goto fail;
	}
	ret = read_sections(o, err);
	if (!ret)
		ret = read_symbols(o, err);
	if (!ret)
		ret = index_symbols(o, err);
	if (!ret)
		ret = read_relocations(o, err);
	if (!ret)
		ret = expose_all_branches(o, err);
	if (ret)
		goto fail;
	*out = o;
	return 0;
fail:
	lf_elfobj_close(o);
	return ret;
}

void lf_elfobj_close(struct lf_elfobj *o)
{
	size_t i;

	if (!o)
		return;
	for (i = 0; o->secs && i < o->nsecs; i++) {
		free(o->secs[i].rela);
		free(o->secs[i].syms);
		if (o->owned)
			free(o->owned[i]);
	}
	free(o->owned);
	free(o->secs);
	free(o->syms);
	free(o->byname);
	if (o->elf)
		elf_end(o->elf);
	if (o->fd >= 0)
		close(o->fd);
	free(o->path);
	free(o);
}

size_t lf_elfobj_sym_index(const struct lf_elfobj *o, const char *name)
{
	size_t lo = 0, hi = o->nbyname;

	/* Lower bound: the first entry not below @name. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(o->syms[o->byname[mid]].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < o->nbyname &&
	    !strcmp(o->syms[o->byname[lo]].name, name))
		return o->byname[lo];
	return 0;
}

size_t lf_elfobj_sec_index(const struct lf_elfobj *o, const char *name)
{
	size_t i;

	for (i = 1; i < o->nsecs; i++)
		if (!strcmp(o->secs[i].name, name))
			return i;
	return 0;
}

const struct lf_esec *lf_elfobj_sym_sec(const struct lf_elfobj *o, size_t sym)
{
	size_t s;

	if (!sym || sym >= o->nsyms)
		return NULL;
	s = o->syms[sym].shndx;
	if (!s || s >= o->nsecs || o->syms[sym].type == STT_FILE)
		return NULL;
	return &o->secs[s];
}

size_t lf_elfobj_func_of_sec(const struct lf_elfobj *o, size_t sec)
{
	const struct lf_esec *s;
	size_t i, found = 0;

	if (!sec || sec >= o->nsecs)
		return 0;
	s = &o->secs[sec];
	for (i = 0; i < s->nsyms; i++) {
		if (o->syms[s->syms[i]].type != STT_FUNC)
			continue;
		if (found)
			return 0;
		found = s->syms[i];
	}
	return found;
}

uint64_t lf_elfobj_func_start(const struct lf_elfobj *o, size_t sym)
{
	const struct lf_esym *y = &o->syms[sym];
	const struct lf_esec *s = lf_elfobj_sym_sec(o, sym);
	uint64_t i;

	if (!s || !s->data || y->value < LF_FUNC_PADDING ||
	    y->value > s->sh.sh_size)
		return y->value;
	for (i = y->value - LF_FUNC_PADDING; i < y->value; i++)
		if (s->data[i] != 0x90)
			return y->value;
	return y->value - LF_FUNC_PADDING;
}

size_t lf_elfobj_sym_at(const struct lf_elfobj *o, size_t sec, int64_t off)
{
	const struct lf_esec *s;
	size_t i, pad = 0, end = 0;

	if (!sec || sec >= o->nsecs || off < 0)
		return 0;
	s = &o->secs[sec];
	for (i = 0; i < s->nsyms; i++) {
		const struct lf_esym *y = &o->syms[s->syms[i]];
		uint64_t u = (uint64_t)off;

		if (y->type != STT_FUNC && y->type != STT_OBJECT)
			continue;
		if (u >= y->value && (u < y->value + y->size ||
				      (!y->size && u == y->value)))
			return s->syms[i];
		if (!pad && y->type == STT_FUNC && u < y->value &&
		    u >= lf_elfobj_func_start(o, s->syms[i]))
			pad = s->syms[i];
		if (!end && y->type == STT_OBJECT && y->size &&
		    u == y->value + y->size)
			end = s->syms[i];
	}
	return pad ? pad : end;
}

const char *lf_elfobj_str_at(const struct lf_elfobj *o, size_t sec,
			     int64_t off, uint64_t *start)
{
	const struct lf_esec *s;
	uint64_t b;

	if (!sec || sec >= o->nsecs)
		return NULL;
	s = &o->secs[sec];
	/* Only byte strings: wide-character pools are compared as blobs. */
	if (!lf_esec_strings(s) || !s->data || s->sh.sh_entsize > 1 ||
	    off < 0 || (uint64_t)off >= s->sh.sh_size)
		return NULL;
	if (!memchr(s->data + off, 0, s->sh.sh_size - (uint64_t)off))
		return NULL;
	for (b = (uint64_t)off; b > 0 && s->data[b - 1]; b--)
		;
	*start = b;
	return (const char *)s->data + b;
}

bool lf_rela_pcrel(uint32_t type)
{
	return type == R_X86_64_PC32 || type == R_X86_64_PLT32 ||
	       type == R_X86_64_PC64;
}

unsigned int lf_rela_size(uint32_t type)
{
	switch (type) {
	case R_X86_64_64:
	case R_X86_64_PC64:
		return 8;
	case R_X86_64_NONE:
		return 0;
	default:
		return 4;
	}
}

unsigned int lf_x86_rel32_tail(const unsigned char *code, size_t len,
			       uint64_t off)
{
	unsigned char modrm, op;
	bool op16 = false;
	size_t i, j;

	if (!code || off < 2 || off > len)
		return 0;
	modrm = code[off - 1];
	/* call/jmp rel32 and jcc rel32 carry no ModRM and no immediate. */
	if (modrm == 0xe8 || modrm == 0xe9 ||
	    (code[off - 2] == 0x0f && (modrm & 0xf0) == 0x80))
		return 0;
	/* Only a RIP-relative ModRM (mod 00, r/m 101) is followed by disp32
	 * that a PC-relative relocation fills. */
	if ((modrm & 0xc7) != 0x05)
		return 0;
	i = off - 2;			/* the (last) opcode byte */
	op = code[i];
	if (i >= 2 && code[i - 2] == 0x0f && code[i - 1] == 0x3a)
		return 1;
	if (i >= 2 && code[i - 2] == 0x0f && code[i - 1] == 0x38)
		return 0;
	if (i >= 1 && code[i - 1] == 0x0f) {
		switch (op) {
		case 0x70: case 0x71: case 0x72: case 0x73:
		case 0xa4: case 0xac: case 0xba:
		case 0xc2: case 0xc4: case 0xc5: case 0xc6:
			return 1;
		default:
			return 0;
		}
	}
	/* REX sits right before the opcode; 0x66 before that. */
	j = i;
	if (j >= 1 && (code[j - 1] & 0xf0) == 0x40)
		j--;
	while (j >= 1 && is_prefix(code[j - 1]) && i - j < 4) {
		if (code[j - 1] == 0x66)
			op16 = true;
		j--;
	}
	switch (op) {
	case 0x80: case 0x83: case 0xc6: case 0x6b: case 0xc0: case 0xc1:
		return 1;
	case 0x81: case 0xc7: case 0x69:
		return op16 ? 2 : 4;
	case 0xf6:
		return ((modrm >> 3) & 7) <= 1 ? 1 : 0;
	case 0xf7:
		return ((modrm >> 3) & 7) <= 1 ? (op16 ? 2 : 4) : 0;
	default:
		return 0;
	}
}

void lf_elfobj_rela_loc(const struct lf_elfobj *o, size_t site,
			const struct lf_erela *r, struct lf_eloc *loc)
{
	const struct lf_esym *y = &o->syms[r->sym];
	const struct lf_esec *ss = site < o->nsecs ? &o->secs[site] : NULL;

	loc->sym = r->sym;
	loc->sec = 0;
	if (!r->sym || !y->shndx || y->shndx >= o->nsecs) {
		loc->v = r->addend + (y->shndx == SHN_ABS ? (int64_t)y->value : 0);
		loc->p = loc->v;
		return;
	}
	loc->sec = y->shndx;
	loc->v = (int64_t)y->value + r->addend;
	loc->p = loc->v;
	if (ss && lf_esec_exec(ss) &&
	    (r->type == R_X86_64_PC32 || r->type == R_X86_64_PLT32))
		loc->p = loc->v + 4 +
			 lf_x86_rel32_tail(ss->data, ss->sh.sh_size, r->off);
}
