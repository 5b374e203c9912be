// SPDX-License-Identifier: GPL-2.0-only
#include "modfile.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libkmod.h>

#include "kmodops.h"

/* Say "compressed" rather than a bare "not ELF" for the usual suspects. */
static const char *compression_of(const unsigned char *b, size_t n)
{
	if (n >= 6 && !memcmp(b, "\xfd" "7zXZ\0", 6))
		return "xz";
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return "gzip";
	if (n >= 4 && !memcmp(b, "\x28\xb5\x2f\xfd", 4))
		return "zstd";
	return NULL;
}

static const char *elf_type_name(unsigned int t)
{
	switch (t) {
	case ET_NONE: return "NONE";
	case ET_EXEC: return "EXEC (executable)";
	case ET_DYN: return "DYN (shared object or PIE)";
	case ET_CORE: return "CORE (core dump)";
	}
	return "unknown";
}

static int check_elf_fd(int fd, struct lf_err *err)
{
	unsigned char magic[8];
	const char *comp;
	GElf_Ehdr eh;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	ssize_t n;
	Elf *elf;
	int ret;

	n = pread(fd, magic, sizeof(magic), 0);
	if (n < 0)
		return lf_err_set(err, -errno, "cannot read: %s", strerror(errno));
	if (n < SELFMAG || memcmp(magic, ELFMAG, SELFMAG)) {
		comp = compression_of(magic, (size_t)n);
		if (comp)
			return lf_err_set(err, -ENOEXEC,
					  "not an ELF file (%s-compressed; decompress it first)",
					  comp);
		return lf_err_set(err, -ENOEXEC, "not an ELF file");
	}

	if (elf_version(EV_CURRENT) == EV_NONE)
		return lf_err_set(err, -EIO, "libelf: %s", elf_errmsg(-1));
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf)
		return lf_err_set(err, -ENOEXEC, "not a valid ELF file: %s",
				  elf_errmsg(-1));

	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		ret = lf_err_set(err, -ENOEXEC, "not a valid ELF file");
		goto out;
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS64) {
		ret = lf_err_set(err, -ENOEXEC,
				 "not a kernel module for x86_64 (32-bit ELF)");
		goto out;
	}
	if (eh.e_machine != EM_X86_64) {
		ret = lf_err_set(err, -ENOEXEC,
				 "not a kernel module for x86_64 (ELF machine %u)",
				 (unsigned int)eh.e_machine);
		goto out;
	}
	if (eh.e_type != ET_REL) {
		ret = lf_err_set(err, -ENOEXEC,
				 "not a kernel module (ELF type %s, expected a relocatable object)",
				 elf_type_name(eh.e_type));
		goto out;
	}
	if (elf_getshdrstrndx(elf, &shstrndx)) {
		ret = lf_err_set(err, -ENOEXEC, "malformed ELF: %s",
				 elf_errmsg(-1));
		goto out;
	}

	ret = lf_err_set(err, -ENOEXEC,
			 "not a kernel module (no .modinfo section)");
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && !strcmp(name, ".modinfo")) {
			lf_err_clear(err);
			ret = 0;
			break;
		}
	}
out:
	elf_end(elf);
	return ret;
}

int lf_modfile_check_elf(const char *path, struct lf_err *err)
{
	struct stat st;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return lf_err_set(err, -ENOENT, "no such file");
		return lf_err_set(err, -errno, "cannot open: %s",
				  strerror(errno));
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		ret = lf_err_set(err, -EINVAL, "not a regular file");
		goto out;
	}
	ret = check_elf_fd(fd, err);
out:
	close(fd);
	return ret;
}

static int set_str(char **dst, const char *value)
{
	char *s = strdup(value);

	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

int lf_modinfo_add(struct lf_modinfo *mi, const char *key, const char *value)
{
	if (!strcmp(key, "livepatch")) {
		mi->livepatch = !strcmp(value, "Y");
		return 0;
	}
	if (!strcmp(key, "name"))
		return set_str(&mi->name, value);
	if (!strcmp(key, "vermagic"))
		return set_str(&mi->vermagic, value);
	if (!strcmp(key, "livefix_id"))
		return set_str(&mi->livefix_id, value);
	if (!strcmp(key, "livefix_target"))
		return set_str(&mi->livefix_target, value);
	if (!strcmp(key, "livefix_cve"))
		return lf_strv_push(&mi->cves, value);
	return 0;
}

int lf_modfile_read_info(const char *path, struct lf_modinfo *mi,
			 struct lf_err *err)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	int ret;

	memset(mi, 0, sizeof(*mi));
	ctx = lf_kmod_new();
	if (!ctx)
		return lf_err_set(err, -ENOMEM, "cannot create a libkmod context");
	ret = kmod_module_new_from_path(ctx, path, &mod);
	if (ret < 0) {
		lf_err_set(err, ret, "libkmod cannot open it: %s", strerror(-ret));
		goto out;
	}
	ret = kmod_module_get_info(mod, &list);
	if (ret < 0) {
		lf_err_set(err, ret, "cannot read modinfo: %s", strerror(-ret));
		goto out;
	}
	ret = 0;
	kmod_list_foreach(l, list) {
		const char *key = kmod_module_info_get_key(l);
		const char *value = kmod_module_info_get_value(l);

		ret = lf_modinfo_add(mi, key, value ? value : "");
		if (ret) {
			lf_err_set(err, ret, "cannot read modinfo: %s",
				   strerror(-ret));
			break;
		}
	}
	kmod_module_info_free_list(list);
out:
	if (mod)
		kmod_module_unref(mod);
	kmod_unref(ctx);
	if (ret)
		lf_modinfo_free(mi);
	return ret;
}

int lf_vermagic_release(const char *vermagic, char *buf, size_t size)
{
	size_t len;

	vermagic += strspn(vermagic, " \t");
	len = strcspn(vermagic, " \t");
	if (!len)
		return -ENOENT;
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(buf, vermagic, len);
	buf[len] = '\0';
	return 0;
}

int lf_modinfo_check(const struct lf_modinfo *mi, const char *release,
		     struct lf_err *err)
{
	char built[256];
	int ret;

	if (!mi->livepatch)
		return lf_err_set(err, -EINVAL, "not a livepatch module");
	if (!mi->vermagic)
		return lf_err_set(err, -EINVAL, "has no vermagic in its modinfo");
	ret = lf_vermagic_release(mi->vermagic, built, sizeof(built));
	if (ret)
		return lf_err_set(err, -EINVAL, "has an unusable vermagic '%s'",
				  mi->vermagic);
	if (strcmp(built, release))
		return lf_err_set(err, -EINVAL,
				  "built for kernel %s, but the running kernel is %s",
				  built, release);
	/* A fix may be compiled against one tree but meant for another. */
	if (mi->livefix_target && strcmp(mi->livefix_target, release))
		return lf_err_set(err, -EINVAL,
				  "targets kernel %s (livefix_target), but the running kernel is %s",
				  mi->livefix_target, release);
	return 0;
}

int lf_modfile_inspect(const char *path, const char *release,
		       struct lf_modfile *mf, struct lf_err *err)
{
	int ret;

	memset(mf, 0, sizeof(*mf));
	ret = lf_modfile_check_elf(path, err);
	if (!ret)
		ret = lf_modfile_read_info(path, &mf->info, err);
	if (!ret)
		ret = lf_modinfo_check(&mf->info, release, err);
	/*
	 * The kernel knows a module by the name compiled into it, whatever
	 * the file is called now; only a module without one (not built by
	 * kbuild) is named after its file, as insmod would.
	 */
	if (!ret && mf->info.name &&
	    lf_modname(mf->info.name, mf->name, sizeof(mf->name)))
		ret = lf_err_set(err, -EINVAL, "has an unusable module name '%s'",
				 mf->info.name);
	else if (!ret && !mf->info.name &&
		 lf_modname(path, mf->name, sizeof(mf->name)))
		ret = lf_err_set(err, -EINVAL,
				 "cannot derive a module name from the file name");
	if (ret)
		lf_modfile_free(mf);
	return ret;
}

void lf_modinfo_free(struct lf_modinfo *mi)
{
	free(mi->name);
	free(mi->vermagic);
	free(mi->livefix_id);
	free(mi->livefix_target);
	lf_strv_free(&mi->cves);
	memset(mi, 0, sizeof(*mi));
}

void lf_modfile_free(struct lf_modfile *mf)
{
	lf_modinfo_free(&mf->info);
}
