/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_EMIT_H
#define LF_BUILD_EMIT_H

#include <stdbool.h>

#include "../err.h"
#include "objdiff.h"

struct lf_emit_resolver {
	void *data;
	/* For a symbol the patch references but does not carry: is it exported
	 * (the module loader resolves it), or must it become a klp reference,
	 * and at which sympos (0 = unique)? is_local: STB_LOCAL in after.o.
	 * (@name and is_local are those of the twin in before.o when there is
	 * one: the kernel's name and binding, e.g. count.0 for after's
	 * count.3. Also asked for each replaced function's sympos.)
	 * *obj (NULL on entry) may name the object a klp reference's symbol
	 * lives in, when that is not the unit's own @objname: a module's unit
	 * refers to unexported vmlinux symbols as .klp.sym.vmlinux.* . */
	int (*resolve)(void *data, const char *name, bool is_local,
		       bool *exported, unsigned long *sympos,
		       const char **obj, struct lf_err *err);
};

/*
 * Write patch.o for one unit: a relocatable object holding the unit's
 * CHANGED and NEW functions of after.o (whole, with their CALL_PADDING,
 * endbr and __fentry__ call, so objtool and ftrace treat them like any
 * kernel function), what only they use (new variables, fresh copies of
 * compiler-made statics, changed read-only tables, the strings they print,
 * their alternative replacements), and their entries of the special
 * sections (__bug_table, __ex_table, __jump_table, .altinstructions,
 * .smp_locks, __mcount_loc, __patchable_function_entries, objtool's
 * .discard.* annotations, ...).
 *
 * Every included function is renamed __livefix_new.<unit_index>.<name>
 * (GLOBAL; a .cold part stays LOCAL). Everything else it references is an
 * undefined symbol: an exported one by its plain name, any other one as
 * ".klp.sym.<obj>.<name>,<sympos>" (<obj> the resolver's, else @objname) (STB_WEAK, so modpost does not
 * call it unresolved; klpconv makes it SHN_LIVEPATCH), <name> being the
 * name in before.o, i.e. in the shipped kernel. References through section
 * symbols (".text.foo + 0x10") are turned into references to the symbol
 * they point into.
 *
 * @manifest_path gets one line per CHANGED function:
 * "<objname> <old name> <sympos> __livefix_new.<unit_index>.<name>".
 * Both files are written whole or not at all.
 */
int lf_emit(const char *after_o, const struct lf_objdiff *d,
	    unsigned int unit_index, const char *objname,
	    const struct lf_emit_resolver *res, const char *out_o,
	    const char *manifest_path, struct lf_err *err);

#endif
