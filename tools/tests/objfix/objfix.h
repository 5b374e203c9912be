/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel-like constructs for the object-diff fixtures: each *-before.c /
 * *-after.c pair is compiled the way kbuild compiles x86-64 code (see the
 * objfix block in tools/Makefile), and the special sections are emitted
 * with the same layout as in 6.12's arch/x86/include/asm headers.
 */
#ifndef LF_OBJFIX_H
#define LF_OBJFIX_H

#define noinline	__attribute__((noinline))
#define __cold		__attribute__((cold))
#define __init		__attribute__((section(".init.text"), cold)) noinline
#define __used		__attribute__((used))

struct static_key {
	int enabled;
};

extern int printk(const char *fmt, ...);
extern void __might_sleep(const char *file, int line);
extern void lf_report(const char *what, int v) __cold;

/* might_sleep() with CONFIG_DEBUG_ATOMIC_SLEEP: __LINE__ as an immediate. */
#define might_sleep()	__might_sleep(__FILE__, __LINE__)

/*
 * WARN_ON(): ud2, a struct bug_entry (relative bug_addr and file, u16
 * line, u16 flags: 12 bytes) and objtool's reachable annotation.
 */
#define LF_WARN_ENTRY()							\
	asm volatile("1:\tud2\n"					\
		     ".pushsection __bug_table,\"aw\"\n"		\
		     "2:\t.long 1b - .\n"				\
		     "\t.long %c0 - .\n"				\
		     "\t.word %c1\n"					\
		     "\t.word %c2\n"					\
		     "\t.org 2b+12\n"					\
		     ".popsection\n"					\
		     "998:\n"						\
		     ".pushsection .discard.reachable\n"		\
		     ".long 998b\n"					\
		     ".popsection\n"					\
		     : : "i" (__FILE__), "i" (__LINE__), "i" (1 << 1))

#define WARN_ON(cond) ({						\
	int __c = !!(cond);						\
	if (__builtin_expect(__c, 0))					\
		LF_WARN_ENTRY();					\
	__c;								\
})

/* static_branch_unlikely(): a NOP5 and a 16-byte struct jump_entry. */
static inline __attribute__((always_inline)) int
lf_static_branch(struct static_key *key)
{
	asm goto("1:\t.byte 0x0f,0x1f,0x44,0x00,0x00\n"
		 ".pushsection __jump_table, \"aw\"\n"
		 ".balign 8\n"
		 ".long 1b - ., %l[l_yes] - .\n"
		 ".quad %c0 - .\n"
		 ".popsection\n"
		 : : "i" (key) : : l_yes);
	return 0;
l_yes:
	return 1;
}

/* An ALTERNATIVE(): 14-byte struct alt_instr plus replacement code. */
#define LF_ALTERNATIVE(oldinsn, newinsn, feature)			\
	asm volatile("661:\n\t" oldinsn "\n662:\n"			\
		     ".pushsection .altinstructions,\"a\"\n"		\
		     ".long 661b - .\n"					\
		     ".long 6641f - .\n"				\
		     ".4byte " #feature "\n"				\
		     ".byte 662b - 661b\n"				\
		     ".byte 6642f - 6641f\n"				\
		     ".popsection\n"					\
		     ".pushsection .altinstr_replacement, \"ax\"\n"	\
		     "6641:\n\t" newinsn "\n6642:\n"			\
		     ".popsection\n" ::: "memory")

/* A load that may fault, with its 12-byte exception table entry. */
static inline __attribute__((always_inline)) int lf_load(const int *p)
{
	int v;

	asm volatile("1:\tmovl (%1), %0\n"
		     "2:\n"
		     ".pushsection __ex_table, \"a\"\n"
		     ".balign 4\n"
		     ".long 1b - ., 2b - ., 0\n"
		     ".popsection\n"
		     : "=r" (v) : "r" (p));
	return v;
}


/*
 * asm/runtime-const.h: a movabs of a placeholder (or a shr by 12) that
 * boot code rewrites at each site listed in runtime_ptr_<sym> /
 * runtime_shift_<sym>.
 */
#define LF_RUNTIME_PTR(sym) ({						\
	unsigned long __v;						\
	asm("mov %1,%0\n1:\n"						\
	    ".pushsection runtime_ptr_" #sym ",\"a\"\n\t"		\
	    ".long 1b - 8 - .\n"					\
	    ".popsection" : "=r" (__v) : "i" (0x0123456789abcdefull));	\
	__v; })
#define LF_RUNTIME_SHIFT(val, sym) ({					\
	unsigned int __v = (val);					\
	asm("shrl $12,%k0\n1:\n"					\
	    ".pushsection runtime_shift_" #sym ",\"a\"\n\t"		\
	    ".long 1b - 1 - .\n"					\
	    ".popsection" : "+r" (__v));				\
	__v; })

#endif
