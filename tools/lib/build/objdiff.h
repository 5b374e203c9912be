/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_OBJDIFF_H
#define LF_BUILD_OBJDIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../err.h"
#include "../strv.h"
#include "elfobj.h"

/*
 * Compare two builds of one translation unit, before.o and after.o
 * (kbuild, -ffunction-sections -fdata-sections, not yet through objtool),
 * and say which functions a live patch must replace or add.
 *
 * Functions and variables are paired by name, ignoring the numeric
 * suffixes the compiler renumbers freely (foo.isra.0, count.3,
 * __func__.12). Two functions are equal when their bytes are and their
 * relocations designate the same things: the twin symbol, the same string
 * (by content, not offset), the same read-only bytes; and when their
 * entries in the special sections (__bug_table, __jump_table, ...) are,
 * except for line numbers. A function that differs only in __LINE__
 * values comes out UNCHANGED with lines_only set.
 *
 * Things livefix must not patch are not errors here: they are listed in
 * refusals, and lf_objdiff_verdict() turns the result into the caller's
 * decision.
 */

enum lf_change {
	LF_UNCHANGED,
	LF_CHANGED,
	LF_NEW,			/* only in after.o */
};

struct lf_objdiff_func {
	char *name;		/* in after.o */
	char *old_name;		/* its twin in before.o; NULL when NEW */
	size_t sym;		/* symbol index in after.o */
	bool old_local;		/* the twin is STB_LOCAL in before.o */
	/* Of its unit: a foo.cold part has the status of foo. */
	enum lf_change status;
	long part_of;		/* .cold part: index of its function, else -1 */
	bool lines_only;	/* bytes differed only in line numbers */
};

struct lf_objdiff_obj {
	char *name;		/* in after.o */
	char *old_name;		/* twin in before.o; NULL when NEW or fresh */
	size_t sym;
	bool old_local;
	bool readonly;		/* in a non-writable section */
	/*
	 * A compiler-made static local (__func__.N, __already_done.N,
	 * __key.N, CSWTCH.N, a pr_debug descriptor, ...): never paired with
	 * the original; patched code gets its own copy.
	 */
	bool fresh;
	/* CHANGED: initializer or size differs (read-only ones are carried as
	 * a copy; writable ones are refused). */
	enum lf_change status;
};

struct lf_objdiff {
	struct lf_objdiff_func *funcs;	/* every function of after.o */
	size_t nfuncs;
	struct lf_objdiff_obj *objs;	/* every variable of after.o */
	size_t nobjs;
	struct lf_strv gone;		/* functions only in before.o */
	struct lf_strv refusals;	/* one message each */
	size_t after_nsyms;		/* lf_emit checks it reads the same file */
};

int lf_objdiff(const char *before_o, const char *after_o,
	       struct lf_objdiff **out, struct lf_err *err);
void lf_objdiff_free(struct lf_objdiff *d);

/*
 * The caller's decision: 0 when there is something to patch; -ENOTSUP with
 * the refusals ("; "-joined) when livefix must not build it; -ENODATA with
 * "no functional change" when no existing function changed (new functions
 * alone are dead code in a live patch).
 */
int lf_objdiff_verdict(const struct lf_objdiff *d, struct lf_err *err);

/* Lookups by after.o name (NULL when absent). */
const struct lf_objdiff_func *lf_objdiff_find_func(const struct lf_objdiff *d,
						    const char *name);
const struct lf_objdiff_obj *lf_objdiff_find_obj(const struct lf_objdiff *d,
						  const char *name);

/*
 * Shared knowledge of the kernel's special sections, used by the differ
 * and the emitter alike.
 *
 * lf_special_entsize(): for a table of fixed-size entries, each describing
 * one place in the code (__bug_table, __ex_table, __jump_table,
 * .altinstructions, .smp_locks, __mcount_loc,
 * __patchable_function_entries, objtool's .discard.* annotations, ...),
 * the entry size; 0 for any other section. *line_off gets the offset of a
 * 16-bit __LINE__ field inside an entry (__bug_table), or UINT32_MAX.
 */
unsigned int lf_special_entsize(const struct lf_elfobj *o, size_t sec,
				uint32_t *line_off);

/*
 * Sections of code fragments without symbols, owned by whatever references
 * them (.altinstr_replacement, .altinstr_aux). A fragment runs from one
 * referenced offset to the next.
 */
bool lf_fragment_section(const struct lf_esec *s);

/*
 * The fragments of an object's fragment sections: offsets referenced from
 * anywhere in the object cut them. lf_fragments_at() gives the fragment
 * holding byte @p of section @sec; false if @sec is no fragment section.
 */
struct lf_fragments;

int lf_fragments_new(const struct lf_elfobj *o, struct lf_fragments **out);
bool lf_fragments_at(const struct lf_fragments *f, size_t sec, int64_t p,
		     uint64_t *start, uint64_t *end);
void lf_fragments_free(struct lf_fragments *f);

/* A compiler-made static local that patched code gets a fresh copy of. */
bool lf_fresh_local(const struct lf_elfobj *o, size_t sym);

/* Sections livefix never diffs: debug info, notes, .comment, ... */
bool lf_ignored_section(const struct lf_esec *s);

/* An __init/__exit section (.init.*, .exit.*). */
bool lf_init_section(const struct lf_esec *s);

#endif
