/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_SYMRES_H
#define LF_BUILD_SYMRES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../err.h"
#include "../strv.h"

/*
 * Where a symbol lives in the shipped kernel: the symbol table of the
 * distro's vmlinux (from the -dbg package) and the export list
 * (Module.symvers). It answers the two questions a patch module raises:
 * can the module loader resolve a reference (exported), or does it need a
 * klp relocation, and then at which klp sympos; and where are a replaced
 * function's shipped bytes.
 */
struct lf_symres;

/* One translation unit's place in vmlinux: its group of local symbols. */
struct lf_symres_unit {
	const char *src;	/* e.g. "fs/proc/version.c" */
	size_t group;		/* FILE group in vmlinux's symtab; 0 = none */
	/*
	 * A stripped module has no FILE groups, but ld -r still lays each
	 * object's locals out as one run of its symbol table. [run_lo,
	 * run_hi] (indices into the resolver's symbols) is the widest run
	 * around the unit's own unique locals that holds no other unit's
	 * unique local; has_run is false when the unit has none to anchor.
	 */
	bool has_run;
	size_t run_lo, run_hi;
	/*
	 * Within the run, ld -r keeps the object's own symbol order, so each
	 * of the unit's locals that the module defines more than once lies
	 * between the unit's unique locals around it (in the "before"
	 * object's order): one window per such name.
	 */
	struct lf_symres_window *windows;
	size_t nwindows;
};

struct lf_symres_window {
	const char *name;	/* the resolver's copy of the name */
	size_t lo, hi;		/* indices into the resolver's symbols */
};

int lf_symres_open(struct lf_symres **out, const char *vmlinux,
		   const char *symvers, struct lf_err *err);
/*
 * The same questions about a loadable module: @ko is the shipped,
 * decompressed .ko (relocatable, its .symtab kept, FILE symbols
 * included), @modname its name. Nothing is exported by it here: its own
 * exports cannot be resolved by the loader while it is not loaded, so a
 * patch refers to them by klp relocation too. Sympos counts same-named
 * symbols in the module's symtab order (module kallsyms); "addresses"
 * are offsets in their section.
 */
int lf_symres_open_module(struct lf_symres **out, const char *ko,
			  const char *modname, struct lf_err *err);
void lf_symres_free(struct lf_symres *r);

/* Does the object define a non-local symbol @name? */
bool lf_symres_defines(const struct lf_symres *r, const char *name);

bool lf_symres_is_exported(const struct lf_symres *r, const char *name);

/* Who exports @name ("vmlinux" or a module name such as "libceph"), or NULL. */
const char *lf_symres_exporter(const struct lf_symres *r, const char *name);

/*
 * Find the FILE group of @src whose locals include the unit's @locals
 * (the local function and object names of its "before" object, in its
 * symbol table order): several units share a basename (33 core.c in
 * vmlinux), and the locals tell them apart. Release @unit after use.
 */
int lf_symres_unit(const struct lf_symres *r, const char *src,
		   const struct lf_strv *locals, struct lf_symres_unit *unit,
		   struct lf_err *err);

/* Free what lf_symres_unit allocated in @unit (its windows). */
void lf_symres_unit_release(struct lf_symres_unit *unit);

/*
 * Resolve a reference from the patch to @name, defined in @unit when
 * @is_local. On success *exported says the loader resolves it by name;
 * otherwise *sympos is klp's position for it (0 when the name is unique).
 */
int lf_symres_resolve(const struct lf_symres *r,
		      const struct lf_symres_unit *unit, const char *name,
		      bool is_local, bool *exported, unsigned long *sympos,
		      struct lf_err *err);

/*
 * Address of the function klp would pick for (@name, @sympos), or 0 when
 * there is none or it is not a function.
 */
uint64_t lf_symres_func_addr(const struct lf_symres *r, const char *name,
			     unsigned long sympos);

/* Address, size and shipped bytes of a function (malloc'd into *bytes). */
int lf_symres_function(const struct lf_symres *r,
		       const struct lf_symres_unit *unit, const char *name,
		       bool is_local, uint64_t *addr, uint64_t *size,
		       unsigned char **bytes, struct lf_err *err);

#endif
