// SPDX-License-Identifier: GPL-2.0-only
#include "klpconv.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Field widths klp's own sscanf() accepts (kernel/livepatch/core.c). */
#define KLP_OBJNAME_MAX 55
#define KLP_SYMNAME_MAX 511

/* One .klp.rela section to be: relocations for one object and section. */
struct klp_group {
	char objname[KLP_OBJNAME_MAX + 1];
	size_t target;		/* index of the relocated section */
	GElf_Rela *relas;
	size_t n;
};

struct conv {
	Elf *elf;		/* the input, read into memory and edited there */
	Elf *out;		/* a fresh output: libelf 0.188 overruns its
				 * section header buffer when sections are
				 * added to a file opened ELF_C_RDWR */
	size_t symtab;		/* section index */
	size_t strtab;
	size_t shstrndx;
	size_t nsyms;
	char (*symobj)[KLP_OBJNAME_MAX + 1];	/* "" when not a klp symbol */
	struct klp_group *groups;
	size_t ngroups;
	void **bufs;		/* buffers libelf points at until elf_update */
	size_t nbufs;
	unsigned int converted;
};

static int keep_buf(struct conv *c, void *buf)
{
	void **v = realloc(c->bufs, (c->nbufs + 1) * sizeof(*v));

	if (!v) {
		free(buf);
		return -ENOMEM;
	}
	c->bufs = v;
	c->bufs[c->nbufs++] = buf;
	return 0;
}

/* Check ".klp.sym.<obj>.<name>,<pos>" the way the kernel will read it. */
static int parse_klp_sym(const char *sym, char *objname, struct lf_err *err)
{
	const char *p = sym + strlen(LF_KLP_SYM_PREFIX);
	const char *dot = strchr(p, '.');
	const char *comma = strrchr(p, ',');
	const char *d;

	if (!dot || dot == p || (size_t)(dot - p) > KLP_OBJNAME_MAX || !comma ||
	    comma < dot + 2 || (size_t)(comma - dot - 1) > KLP_SYMNAME_MAX ||
	    !comma[1] || memchr(dot + 1, ',', (size_t)(comma - dot - 1)))
		return lf_err_set(err, -EINVAL,
				  "symbol %s is not .klp.sym.<object>.<name>,<sympos>",
				  sym);
	for (d = comma + 1; *d; d++)
		if (!isdigit((unsigned char)*d))
			return lf_err_set(err, -EINVAL,
					  "symbol %s: sympos is not a number",
					  sym);
	memcpy(objname, p, (size_t)(dot - p));
	objname[dot - p] = '\0';
	return 0;
}

static int find_tables(struct conv *c, const char *path, struct lf_err *err)
{
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	GElf_Shdr sh;

	if (!gelf_getehdr(c->elf, &eh) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_type != ET_REL || eh.e_machine != EM_X86_64)
		return lf_err_set(err, -EINVAL,
				  "%s: not an x86-64 kernel module", path);
	if (elf_getshdrstrndx(c->elf, &c->shstrndx))
		return lf_err_set(err, -EINVAL, "%s: %s", path, elf_errmsg(-1));
	while ((scn = elf_nextscn(c->elf, scn))) {
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB) {
			c->symtab = elf_ndxscn(scn);
			c->strtab = sh.sh_link;
			c->nsyms = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
			return 0;
		}
	}
	return lf_err_set(err, -EINVAL, "%s: no symbol table", path);
}

/* Mark every .klp.sym.* symbol SHN_LIVEPATCH and remember its object. */
static int mark_symbols(struct conv *c, bool *any, struct lf_err *err)
{
	Elf_Data *data = elf_getdata(elf_getscn(c->elf, c->symtab), NULL);
	char groupname[KLP_OBJNAME_MAX + 1];
	bool strtab_dirty = false;
	const char *group;
	size_t i;
	int ret;

	c->symobj = calloc(c->nsyms ? c->nsyms : 1, sizeof(*c->symobj));
	if (!c->symobj)
		return lf_err_set(err, -ENOMEM, "out of memory");
	*any = false;
	for (i = 1; i < c->nsyms; i++) {
		GElf_Sym s;
		const char *name;

		if (!gelf_getsym(data, (int)i, &s))
			continue;
		name = elf_strptr(c->elf, c->strtab, s.st_name);
		if (!name || strncmp(name, LF_KLP_SYM_PREFIX,
				     strlen(LF_KLP_SYM_PREFIX)))
			continue;
		if (s.st_shndx != SHN_UNDEF && s.st_shndx != LF_SHN_LIVEPATCH)
			return lf_err_set(err, -EINVAL,
					  "symbol %s is defined in the module; klp symbols must be references",
					  name);
		/* Cut "~<group>" off in place: the kernel must see the plain name. */
		group = strstr(name, LF_KLP_GROUP_SEP);
		if (group) {
			if (strlen(group + 1) > KLP_OBJNAME_MAX || !group[1])
				return lf_err_set(err, -EINVAL, "symbol %s: bad group", name);
			strcpy(groupname, group + 1);
			*(char *)group = '\0';
			strtab_dirty = true;
		}
		ret = parse_klp_sym(name, c->symobj[i], err);
		if (ret)
			return ret;
		if (group)
			strcpy(c->symobj[i], groupname);
		s.st_shndx = LF_SHN_LIVEPATCH;
		if (!gelf_update_sym(data, (int)i, &s))
			return lf_err_set(err, -EIO, "%s", elf_errmsg(-1));
		*any = true;
	}
	if (*any)
		elf_flagdata(data, ELF_C_SET, ELF_F_DIRTY);
	if (strtab_dirty)
		elf_flagdata(elf_getdata(elf_getscn(c->elf, c->strtab), NULL),
			     ELF_C_SET, ELF_F_DIRTY);
	return 0;
}

static struct klp_group *group_for(struct conv *c, const char *objname,
				   size_t target)
{
	struct klp_group *g;
	size_t i;

	for (i = 0; i < c->ngroups; i++)
		if (c->groups[i].target == target &&
		    !strcmp(c->groups[i].objname, objname))
			return &c->groups[i];
	g = realloc(c->groups, (c->ngroups + 1) * sizeof(*g));
	if (!g)
		return NULL;
	c->groups = g;
	g = &c->groups[c->ngroups++];
	memset(g, 0, sizeof(*g));
	strcpy(g->objname, objname);
	g->target = target;
	return g;
}

/* Split one relocation section: klp relocations move to their groups. */
static int split_rela(struct conv *c, Elf_Scn *scn, const GElf_Shdr *sh,
		      struct lf_err *err)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0, i, kept = 0;
	GElf_Rela *keep;
	int ret;

	if (!data || !n)
		return 0;
	keep = calloc(n, sizeof(*keep));
	if (!keep)
		return lf_err_set(err, -ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		GElf_Rela r;
		size_t sym;
		struct klp_group *g;

		if (!gelf_getrela(data, (int)i, &r)) {
			free(keep);
			return lf_err_set(err, -EIO, "%s", elf_errmsg(-1));
		}
		sym = GELF_R_SYM(r.r_info);
		if (sym >= c->nsyms || !c->symobj[sym][0]) {
			keep[kept++] = r;
			continue;
		}
		g = group_for(c, c->symobj[sym], sh->sh_info);
		if (!g || !(g->relas = reallocarray(g->relas, g->n + 1,
						    sizeof(*g->relas)))) {
			free(keep);
			return lf_err_set(err, -ENOMEM, "out of memory");
		}
		g->relas[g->n++] = r;
		c->converted++;
	}
	if (kept == n) {
		free(keep);
		return 0;
	}
	/* x86-64 is little-endian like the file, so GElf_Rela is the layout. */
	ret = keep_buf(c, keep);
	if (ret)
		return lf_err_set(err, ret, "out of memory");
	data->d_buf = keep;
	data->d_size = kept * sizeof(*keep);
	elf_flagdata(data, ELF_C_SET, ELF_F_DIRTY);
	return 0;
}

/* The output gets every input section, in order, so indices hold. */
static int copy_sections(struct conv *c, struct lf_err *err)
{
	GElf_Ehdr eh;
	Elf_Scn *scn = NULL;

	if (!gelf_getehdr(c->elf, &eh) || !gelf_newehdr(c->out, ELFCLASS64))
		return lf_err_set(err, -EIO, "%s", elf_errmsg(-1));
	eh.e_shoff = 0;
	if (!gelf_update_ehdr(c->out, &eh))
		return lf_err_set(err, -EIO, "%s", elf_errmsg(-1));
	while ((scn = elf_nextscn(c->elf, scn))) {
		Elf_Scn *o = elf_newscn(c->out);
		Elf_Data *d = NULL, *od;
		GElf_Shdr sh;

		if (!o || !gelf_getshdr(scn, &sh))
			return lf_err_set(err, -EIO, "%s", elf_errmsg(-1));
		while ((d = elf_getdata(scn, d))) {
			od = elf_newdata(o);
			if (!od)
				return lf_err_set(err, -EIO, "%s", elf_errmsg(-1));
			od->d_buf = d->d_buf;
			od->d_type = d->d_type;
			od->d_size = d->d_size;
			od->d_align = d->d_align;
			od->d_version = d->d_version;
		}
		sh.sh_offset = 0;
		if (!gelf_update_shdr(o, &sh))
			return lf_err_set(err, -EIO, "%s", elf_errmsg(-1));
	}
	return 0;
}

static int add_names_and_sections(struct conv *c, struct lf_err *err)
{
	Elf_Scn *strscn = elf_getscn(c->out, c->shstrndx);
	Elf_Data *strdata = elf_getdata(strscn, NULL);
	size_t extra = 0, i, off;
	char *buf;

	if (!strdata || elf_getdata(strscn, strdata))
		return lf_err_set(err, -EINVAL,
				  "section name table is not one block");
	for (i = 0; i < c->ngroups; i++) {
		GElf_Shdr t;
		const char *tname;

		gelf_getshdr(elf_getscn(c->elf, c->groups[i].target), &t);
		tname = elf_strptr(c->elf, c->shstrndx, t.sh_name);
		extra += strlen(LF_KLP_RELA_PREFIX) + strlen(c->groups[i].objname) +
			 1 + strlen(tname ? tname : "") + 1;
	}
	buf = malloc(strdata->d_size + extra);
	if (!buf || keep_buf(c, buf))
		return lf_err_set(err, -ENOMEM, "out of memory");
	memcpy(buf, strdata->d_buf, strdata->d_size);
	off = strdata->d_size;

	for (i = 0; i < c->ngroups; i++) {
		struct klp_group *g = &c->groups[i];
		Elf_Scn *scn;
		Elf_Data *d;
		GElf_Shdr t, sh = { 0 };
		const char *tname;

		gelf_getshdr(elf_getscn(c->elf, g->target), &t);
		tname = elf_strptr(c->elf, c->shstrndx, t.sh_name);
		sh.sh_name = off;
		off += (size_t)sprintf(buf + off, "%s%s.%s", LF_KLP_RELA_PREFIX,
				       g->objname, tname ? tname : "") + 1;

		scn = elf_newscn(c->out);
		d = scn ? elf_newdata(scn) : NULL;
		if (!d)
			return lf_err_set(err, -EIO, "%s", elf_errmsg(-1));
		d->d_type = ELF_T_RELA;
		d->d_buf = g->relas;
		d->d_size = g->n * sizeof(*g->relas);
		d->d_align = 8;
		d->d_version = EV_CURRENT;

		sh.sh_type = SHT_RELA;
		/* ALLOC: klp applies them again whenever the object loads. */
		sh.sh_flags = SHF_ALLOC | SHF_INFO_LINK | LF_SHF_RELA_LIVEPATCH;
		sh.sh_link = c->symtab;
		sh.sh_info = g->target;
		sh.sh_entsize = sizeof(Elf64_Rela);
		sh.sh_addralign = 8;
		if (!gelf_update_shdr(scn, &sh))
			return lf_err_set(err, -EIO, "%s", elf_errmsg(-1));
	}
	strdata->d_buf = buf;
	strdata->d_size = off;
	return 0;
}

static int convert(struct conv *c, const char *path, struct lf_err *err)
{
	Elf_Scn *scn = NULL;
	size_t nscn, i;
	bool any = false;
	int ret;

	ret = find_tables(c, path, err);
	if (!ret)
		ret = mark_symbols(c, &any, err);
	if (ret)
		return ret;
	if (elf_getshdrnum(c->elf, &nscn))
		return lf_err_set(err, -EIO, "%s", elf_errmsg(-1));
	for (i = 1; any && i < nscn; i++) {
		GElf_Shdr sh;

		scn = elf_getscn(c->elf, i);
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA ||
		    (sh.sh_flags & LF_SHF_RELA_LIVEPATCH))
			continue;
		ret = split_rela(c, scn, &sh, err);
		if (ret)
			return ret;
	}
	ret = copy_sections(c, err);
	if (!ret)
		ret = add_names_and_sections(c, err);
	if (ret)
		return ret;
	if (elf_update(c->out, ELF_C_WRITE) < 0)
		return lf_err_set(err, -EIO, "%s: cannot write: %s", path,
				  elf_errmsg(-1));
	return 0;
}

int lf_klpconv(const char *in, const char *out, unsigned int *converted,
	       struct lf_err *err)
{
	struct conv c = { 0 };
	char tmp[PATH_MAX];
	int fd, in_fd, ret = 0;
	size_t i;

	*converted = 0;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return lf_err_set(err, -EINVAL, "libelf: %s", elf_errmsg(-1));
	if (snprintf(tmp, sizeof(tmp), "%s.klpXXXXXX", out) >= (int)sizeof(tmp))
		return lf_err_set(err, -ENAMETOOLONG, "%s: path too long", out);
	in_fd = open(in, O_RDONLY | O_CLOEXEC);
	if (in_fd < 0)
		return lf_err_set(err, -errno, "%s: %s", in, strerror(errno));
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = lf_err_set(err, -errno, "%s: %s", tmp, strerror(errno));
		close(in_fd);
		return ret;
	}
	/* ELF_C_READ reads the whole file, so its data can be edited. */
	c.elf = elf_begin(in_fd, ELF_C_READ, NULL);
	if (!c.elf || elf_kind(c.elf) != ELF_K_ELF)
		ret = lf_err_set(err, -EINVAL, "%s: not an ELF file", in);
	if (!ret) {
		c.out = elf_begin(fd, ELF_C_WRITE, NULL);
		if (!c.out)
			ret = lf_err_set(err, -EIO, "%s", elf_errmsg(-1));
	}
	if (!ret)
		ret = convert(&c, in, err);
	if (c.out)
		elf_end(c.out);
	if (c.elf)
		elf_end(c.elf);
	close(in_fd);
	if (close(fd) && !ret)
		ret = lf_err_set(err, -errno, "%s: %s", tmp, strerror(errno));
	if (!ret && chmod(tmp, 0644))
		ret = lf_err_set(err, -errno, "%s: %s", tmp, strerror(errno));
	if (!ret && rename(tmp, out))
		ret = lf_err_set(err, -errno, "%s: %s", out, strerror(errno));
	if (ret)
		unlink(tmp);
	else
		*converted = c.converted;

	for (i = 0; i < c.ngroups; i++)
		free(c.groups[i].relas);
	free(c.groups);
	for (i = 0; i < c.nbufs; i++)
		free(c.bufs[i]);
	free(c.bufs);
	free(c.symobj);
	return ret;
}
