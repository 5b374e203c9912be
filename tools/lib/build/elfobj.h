/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_ELFOBJ_H
#define LF_BUILD_ELFOBJ_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../err.h"

/*
 * A read-only in-memory model of one ELF64 x86-64 relocatable object, read
 * through libelf: sections, symbols, and each section's relocations. The
 * object differ and the emitter work on this model rather than on libelf
 * handles, so the questions they keep asking ("which symbol covers this
 * byte", "which string does this reference point at") have one answer.
 *
 * Indices are the ELF ones: secs[i] is section i, syms[i] symbol i, so an
 * index from a relocation or a symbol's st_shndx can be used directly.
 * Index 0 is the null section / null symbol; the helpers return 0 for
 * "none".
 */

/* With CONFIG_CALL_PADDING each function is preceded by 16 NOP bytes. */
#define LF_FUNC_PADDING	16

struct lf_erela {
	uint64_t off;		/* in the section the relocation applies to */
	uint32_t type;		/* R_X86_64_* */
	size_t sym;
	int64_t addend;
	bool synthetic;		/* made by lf_elfobj_open, see below */
};

struct lf_esec {
	const char *name;
	GElf_Shdr sh;
	const unsigned char *data;	/* sh_size bytes; NULL if NOBITS/empty */
	struct lf_erela *rela;		/* relocations applying here, by offset */
	size_t nrela;
	size_t relsec;			/* the SHT_RELA section, 0 if none */
	size_t *syms;			/* named FUNC/OBJECT/NOTYPE symbols
					 * defined here, by value */
	size_t nsyms;
	size_t secsym;			/* its STT_SECTION symbol, 0 if none */
};

struct lf_esym {
	const char *name;
	unsigned char bind, type;
	size_t shndx;			/* SHN_UNDEF, SHN_ABS, ... or a section */
	uint64_t value, size;
	/* A function sharing its section whose code could not be decoded:
	 * branches the assembler resolved may hide in it (see below). */
	bool opaque;
};

struct lf_elfobj {
	char *path;
	int fd;
	Elf *elf;
	struct lf_esec *secs;
	size_t nsecs;
	struct lf_esym *syms;
	size_t nsyms;
	size_t *byname;			/* named symbols, sorted by name */
	size_t nbyname;
	unsigned char **owned;		/* per section: private copy, or NULL */
};

/* Where a relocation points: see lf_elfobj_rela_loc(). */
struct lf_eloc {
	size_t sym;		/* the relocation's symbol */
	size_t sec;		/* section it is defined in; 0 = undefined/abs */
	int64_t v;		/* symbol value + addend (section offset) */
	int64_t p;		/* the byte the instruction or datum designates */
};

/*
 * Open @path. Functions placed together in one section by a section
 * attribute (__sched: .sched.text, __lockfunc: .spinlock.text, ...) call
 * each other with rel32 branches the assembler resolved, leaving no
 * relocation; moved elsewhere, such code would jump astray, and it differs
 * whenever its neighbours move. So each function of a shared executable
 * section is decoded, and every rel32 call/jmp/jcc leaving it without a
 * relocation becomes a synthetic PC-relative relocation against the
 * section (its field zeroed in a private copy of the bytes), exactly as
 * if the compiler had used -ffunction-sections there too.
 */
int lf_elfobj_open(const char *path, struct lf_elfobj **out,
		   struct lf_err *err);
void lf_elfobj_close(struct lf_elfobj *o);

/* First symbol called @name (globals before locals), or 0. */
size_t lf_elfobj_sym_index(const struct lf_elfobj *o, const char *name);
/* First section called @name, or 0. */
size_t lf_elfobj_sec_index(const struct lf_elfobj *o, const char *name);

static inline bool lf_esec_alloc(const struct lf_esec *s)
{
	return s->sh.sh_flags & SHF_ALLOC;
}

static inline bool lf_esec_exec(const struct lf_esec *s)
{
	return s->sh.sh_flags & SHF_EXECINSTR;
}

static inline bool lf_esec_write(const struct lf_esec *s)
{
	return s->sh.sh_flags & SHF_WRITE;
}

/* Merged string section (SHF_MERGE|SHF_STRINGS, e.g. .rodata.str1.1). */
static inline bool lf_esec_strings(const struct lf_esec *s)
{
	return (s->sh.sh_flags & (SHF_MERGE | SHF_STRINGS)) ==
	       (SHF_MERGE | SHF_STRINGS);
}

/* Index of the first relocation of @s at or after offset @off. */
size_t lf_esec_rela_lower(const struct lf_esec *s, uint64_t off);

/* The section a defined symbol lives in, or NULL. */
const struct lf_esec *lf_elfobj_sym_sec(const struct lf_elfobj *o, size_t sym);

/* The only STT_FUNC symbol of section @sec, or 0 when none or several. */
size_t lf_elfobj_func_of_sec(const struct lf_elfobj *o, size_t sec);

/*
 * The function or object covering byte @off of section @sec: the one that
 * contains it; else a function whose NOP padding holds it (so a
 * __patchable_function_entries entry finds its function); else an object
 * ending exactly there (a one-past-the-end pointer). 0 when none.
 */
size_t lf_elfobj_sym_at(const struct lf_elfobj *o, size_t sec, int64_t off);

/*
 * Start of a function's code as laid out: its value, or value - 16 when
 * the 16 bytes before it are CALL_PADDING NOPs.
 */
uint64_t lf_elfobj_func_start(const struct lf_elfobj *o, size_t sym);

/*
 * In a merged string section, the NUL-terminated string containing byte
 * @off; *start gets its offset. NULL if @off is outside the section or the
 * string is not terminated.
 */
const char *lf_elfobj_str_at(const struct lf_elfobj *o, size_t sec,
			     int64_t off, uint64_t *start);

/* R_X86_64_PC32 / PLT32 / PC64: relative to the place they patch. */
bool lf_rela_pcrel(uint32_t type);
/* How many bytes the relocation writes (4 or 8; 0 for R_X86_64_NONE). */
unsigned int lf_rela_size(uint32_t type);

/*
 * What a relocation in section @site (of its own object) designates.
 * v is symbol + addend. For a PC-relative field inside an instruction the
 * addend also holds the distance from the field to the end of the
 * instruction (-4 and, for an immediate after the displacement, its size
 * too), so p = v + 4 + that immediate's size: the byte actually reached.
 * In data (".long x - .") p = v.
 */
void lf_elfobj_rela_loc(const struct lf_elfobj *o, size_t site,
			const struct lf_erela *r, struct lf_eloc *loc);

/*
 * For a rel32 field at @off inside x86 code, the number of bytes of
 * immediate that follow it in the same instruction (0, 1, 2 or 4). A
 * small decoder of the few opcodes that combine a RIP-relative operand
 * with an immediate; anything it does not recognise counts as 0.
 */
unsigned int lf_x86_rel32_tail(const unsigned char *code, size_t len,
			       uint64_t off);

/*
 * Length of the x86-64 instruction at @code (at most @len bytes): legacy
 * and REX prefixes, the one- and two-byte opcode maps (0F 38 / 0F 3A
 * too), ModRM/SIB/displacement and immediates. VEX/EVEX and invalid
 * opcodes give 0. *rel32 gets the offset of a rel32 branch displacement
 * (call, jmp, jcc), else 0.
 */
unsigned int lf_x86_insn_len(const unsigned char *code, size_t len,
			     unsigned int *rel32);

#endif
