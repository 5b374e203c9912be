// SPDX-License-Identifier: GPL-2.0-only
#include "ibtseal.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfobj.h"

struct lf_ibtseal {
	uint64_t *addrs;	/* sorted */
	size_t n;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Entries are s32 offsets from themselves to the sealed ENDBR. */
static int read_seals(Elf *elf, struct lf_ibtseal *s, struct lf_err *err)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return lf_err_set(err, -EINVAL, "%s", elf_errmsg(-1));
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		const char *name;
		size_t i;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".ibt_endbr_seal") || sh.sh_type != SHT_PROGBITS)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			return lf_err_set(err, -EINVAL, "cannot read .ibt_endbr_seal");
		s->n = d->d_size / sizeof(int32_t);
		s->addrs = calloc(s->n ? s->n : 1, sizeof(*s->addrs));
		if (!s->addrs)
			return lf_err_set(err, -ENOMEM, "out of memory");
		for (i = 0; i < s->n; i++) {
			int32_t rel;

			memcpy(&rel, (const char *)d->d_buf + i * sizeof(rel),
			       sizeof(rel));
			s->addrs[i] = sh.sh_addr + i * sizeof(rel) + (int64_t)rel;
		}
		qsort(s->addrs, s->n, sizeof(*s->addrs), cmp_u64);
		return 0;
	}
	return 0;
}

int lf_ibtseal_open(const char *vmlinux, struct lf_ibtseal **out,
		    struct lf_err *err)
{
	struct lf_ibtseal *s = calloc(1, sizeof(*s));
	Elf *elf = NULL;
	int fd, ret;

	*out = NULL;
	if (!s)
		return lf_err_set(err, -ENOMEM, "out of memory");
	elf_version(EV_CURRENT);
	fd = open(vmlinux, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = lf_err_set(err, -errno, "%s: %s", vmlinux, strerror(errno));
		free(s);
		return ret;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF)
		ret = lf_err_set(err, -EINVAL, "%s: not an ELF file", vmlinux);
	else
		ret = read_seals(elf, s, err);
	if (elf)
		elf_end(elf);
	close(fd);
	if (ret) {
		lf_ibtseal_free(s);
		return ret;
	}
	*out = s;
	return 0;
}

void lf_ibtseal_free(struct lf_ibtseal *s)
{
	if (!s)
		return;
	free(s->addrs);
	free(s);
}

bool lf_ibtseal_sealed(const struct lf_ibtseal *s, uint64_t addr)
{
	return s->n && bsearch(&addr, s->addrs, s->n, sizeof(*s->addrs), cmp_u64);
}

size_t lf_ibtseal_count(const struct lf_ibtseal *s)
{
	return s->n;
}

/* The kernel's name for a patch-object symbol: drop livefix's decoration. */
static const char *plain_name(const char *sym, char *buf, size_t size)
{
	const char *p;

	if (!strncmp(sym, ".klp.sym.", 9) && (p = strchr(sym + 9, '.'))) {
		const char *comma = strrchr(p, ',');

		snprintf(buf, size, "%.*s", (int)(comma ? comma - p - 1 : (long)strlen(p + 1)),
			 p + 1);
		return buf;
	}
	if (!strncmp(sym, "__livefix_new.", 14) && (p = strchr(sym + 14, '.')))
		return p + 1;
	return sym;
}

int lf_ibtseal_check(const struct lf_ibtseal *s, const char *patch_o,
		     uint64_t (*addr_of)(void *data, const char *sym),
		     void *data, struct lf_err *err)
{
	struct lf_elfobj *o;
	int ret;

	if (!s->n)
		return 0;
	ret = lf_elfobj_open(patch_o, &o, err);
	if (ret)
		return ret;
	for (size_t i = 1; i < o->nsecs && !ret; i++) {
		const struct lf_esec *sec = &o->secs[i];

		if (!lf_esec_alloc(sec))
			continue;
		for (size_t k = 0; k < sec->nrela && !ret; k++) {
			const struct lf_erela *r = &sec->rela[k];
			const struct lf_esym *y = &o->syms[r->sym];
			size_t user;
			uint64_t addr;

			if (r->type == R_X86_64_PLT32 || y->shndx != SHN_UNDEF ||
			    !y->name || !*y->name)
				continue;
			addr = addr_of(data, y->name);
			if (!addr || !lf_ibtseal_sealed(s, addr))
				continue;
			user = lf_elfobj_sym_at(o, i, (int64_t)r->off);
			{
				char a[512], b[512];

				ret = lf_err_set(err, -ENOTSUP,
						 "%s: the fix takes the address of %s, whose ENDBR the kernel seals at boot (IBT); an indirect call would fault",
						 plain_name(user ? o->syms[user].name : sec->name,
							    a, sizeof(a)),
						 plain_name(y->name, b, sizeof(b)));
			}
		}
	}
	lf_elfobj_close(o);
	return ret;
}
