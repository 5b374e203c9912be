/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_SYMTYPES_H
#define LF_BUILD_SYMTYPES_H

#include <stddef.h>

/*
 * Why an exported symbol's MODVERSIONS CRC moved. genksyms hashes the
 * symbol's declaration with every type it names expanded as far as the
 * unit can see it; with KBUILD_SYMTYPES=1 it writes what it hashed to
 * <unit>.symtypes, one line per type ("s#file_system_type struct
 * file_system_type { ... }", with "u#", "e#", "t#" and "E#" for unions,
 * enums, typedefs and enum constants) and one per export ("register_
 * filesystem int register_filesystem ( s#file_system_type * )").
 *
 * A fix that adds an #include lets the unit see the body of a struct it
 * knew only by name ("struct nsproxy { UNKNOWN }"): the CRC changes, but
 * no type a module relies on does, and the running kernel's CRC table is
 * not what a live patch replaces anyway. Any other difference, in the
 * declaration or in a type both sides can see, is a real change of the
 * interface.
 */

/*
 * Compare what @symbol's CRC covers in the @before and @after symtypes
 * texts. Returns 0 when the two differ only in how much of some types is
 * visible, 1 when they really differ (@why, @whysize: "the declaration of
 * X" or "struct foo", the first differing part), -ENOENT when @symbol is
 * in neither, -ENOMEM.
 */
int lf_symtypes_compare(const char *before, const char *after,
			const char *symbol, char *why, size_t whysize);

#endif
