/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_MODFILE_H
#define LF_MODFILE_H

#include <stdbool.h>

#include "err.h"
#include "modname.h"
#include "strv.h"

/* The modinfo keys livefix cares about. */
struct lf_modinfo {
	bool livepatch;
	char *name;		/* what modpost recorded; the kernel's name */
	char *vermagic;
	char *livefix_id;
	char *livefix_target;
	struct lf_strv cves;
};

struct lf_modfile {
	char name[LF_MODNAME_MAX];	/* kernel module == klp patch name */
	struct lf_modinfo info;
};

/*
 * Everything below reports through @err with a message that does not name
 * the file: the caller knows how the user spelled it and prefixes that.
 */

/* Readable regular file, ELF64 relocatable x86_64 object with .modinfo. */
int lf_modfile_check_elf(const char *path, struct lf_err *err);

/* Parse .modinfo through libkmod. */
int lf_modfile_read_info(const char *path, struct lf_modinfo *mi,
			 struct lf_err *err);

/* Add one "key=value" modinfo entry; unknown keys are ignored. */
int lf_modinfo_add(struct lf_modinfo *mi, const char *key, const char *value);

/* First word of a vermagic string ("6.12.1 SMP ..." -> "6.12.1"). */
int lf_vermagic_release(const char *vermagic, char *buf, size_t size);

/* Is this a livepatch for exactly @release? */
int lf_modinfo_check(const struct lf_modinfo *mi, const char *release,
		     struct lf_err *err);

/* check_elf + read_info + check + name derivation, in that order. */
int lf_modfile_inspect(const char *path, const char *release,
		       struct lf_modfile *mf, struct lf_err *err);

void lf_modinfo_free(struct lf_modinfo *mi);
void lf_modfile_free(struct lf_modfile *mf);

#endif
