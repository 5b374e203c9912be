// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpconv and symres on objects compiled here: references named
 * .klp.sym.* must come out as klp relocations, everything else untouched;
 * and symbols are found per translation unit even when basenames repeat.
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/build/klpconv.h"
#include "../lib/build/symres.h"
#include "tap.h"
#include "testfs.h"

static struct tfs fs;

struct found {
	int klp_syms_marked;
	int klp_rela_sections;
	int klp_relas;
	int plain_relas_text;
	unsigned long klp_flags;
	int klp_info_is_text;
};

static int inspect(const char *path, struct found *f)
{
	int fd = open(path, O_RDONLY);
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx, text = 0;

	memset(f, 0, sizeof(*f));
	if (fd < 0)
		return -1;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	elf_getshdrstrndx(elf, &shstrndx);
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		gelf_getshdr(scn, &sh);
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!strcmp(name, ".text"))
			text = elf_ndxscn(scn);
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;
		size_t i, n;

		gelf_getshdr(scn, &sh);
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		d = elf_getdata(scn, NULL);
		if (sh.sh_type == SHT_SYMTAB) {
			n = sh.sh_size / sh.sh_entsize;
			for (i = 1; i < n; i++) {
				GElf_Sym s;
				const char *sn;

				gelf_getsym(d, (int)i, &s);
				sn = elf_strptr(elf, sh.sh_link, s.st_name);
				if (sn && !strncmp(sn, ".klp.sym.", 9) &&
				    s.st_shndx == LF_SHN_LIVEPATCH)
					f->klp_syms_marked++;
			}
		} else if (sh.sh_type == SHT_RELA &&
			   !strcmp(name, ".klp.rela.vmlinux..text")) {
			f->klp_rela_sections++;
			f->klp_relas += (int)(sh.sh_size / sh.sh_entsize);
			f->klp_flags = sh.sh_flags;
			f->klp_info_is_text = sh.sh_info == text;
		} else if (sh.sh_type == SHT_RELA &&
			   !strcmp(name, ".rela.text")) {
			f->plain_relas_text = (int)(sh.sh_size / sh.sh_entsize);
		}
	}
	elf_end(elf);
	close(fd);
	return 0;
}

static void test_klpconv(void)
{
	char in[512], out[512], bad[512];
	struct lf_err err = { 0 };
	struct found f;
	unsigned int n = 0;

	/* Assembly, because only gas can quote a symbol with a comma. */
	tfs_write(&fs, "patch.s",
		   "\t.text\n\t.globl lf_new\nlf_new:\n"
		   "\tcall exported\n"
		   "\tcall \".klp.sym.vmlinux.bar.isra.0,2\"\n"
		   "\tmovl \".klp.sym.vmlinux.foo,0\"(%rip), %eax\n"
		   "\tret\n");
	tfs_write(&fs, "bad.s",
		   "\t.text\n\t.globl lf_new\nlf_new:\n"
		   "\tcall \".klp.sym.vmlinux_foo\"\n\tret\n");
	snprintf(in, sizeof(in), "%s", tfs_path(&fs, "patch.o"));
	snprintf(out, sizeof(out), "%s", tfs_path(&fs, "patch-klp.o"));
	snprintf(bad, sizeof(bad), "%s", tfs_path(&fs, "bad.o"));
	tap_is_int(tfs_sh(&fs, "as -o patch.o patch.s && as -o bad.o bad.s"), 0,
		   "fixture objects assemble");

	tap_is_int(lf_klpconv(in, out, &n, &err), 0, "klpconv converts: %s",
		   err.msg);
	tap_is_int(n, 2, "two relocations became klp relocations");
	inspect(out, &f);
	tap_is_int(f.klp_syms_marked, 2, "both .klp.sym symbols are SHN_LIVEPATCH");
	tap_is_int(f.klp_rela_sections, 1, "one .klp.rela.vmlinux..text section");
	tap_is_int(f.klp_relas, 2, "... holding both klp relocations");
	tap_ok(f.klp_flags & LF_SHF_RELA_LIVEPATCH, "... flagged SHF_RELA_LIVEPATCH");
	tap_ok(f.klp_flags & SHF_ALLOC, "... and SHF_ALLOC, so it stays loaded");
	tap_ok(f.klp_info_is_text, "... relocating .text");
	tap_is_int(f.plain_relas_text, 1, "the exported reference stays ordinary");
	tap_is_int(tfs_sh(&fs, "readelf -a patch-klp.o >/dev/null"), 0,
		   "readelf reads the output");

	tap_is_int(lf_klpconv(out, out, &n, &err), 0, "converting twice is harmless");
	tap_is_int(n, 0, "... and finds nothing left to move");

	/* A third object's symbol joins the patched object's group. */
	tfs_write(&fs, "cross.s",
		   "\t.text\n\t.globl lf_new\nlf_new:\n"
		   "\tcall \".klp.sym.libceph.ceph_opts,0~ceph\"\n\tret\n");
	tap_is_int(tfs_sh(&fs, "as -o cross.o cross.s"), 0, "cross-object fixture assembles");
	tap_is_int(lf_klpconv(tfs_path(&fs, "cross.o"), tfs_path(&fs, "cross-klp.o"), &n, &err),
		   0, "a grouped klp symbol converts: %s", err.msg);
	tap_is_int(tfs_sh(&fs, "readelf -W -S -s cross-klp.o > cross.txt && "
		      "grep -q ' .klp.rela.ceph..text ' cross.txt && "
		      "grep -q ' .klp.sym.libceph.ceph_opts,0$' cross.txt && "
		      "! grep -q '~' cross.txt"), 0,
		   "... into .klp.rela.ceph..text, with the plain symbol name the kernel expects");

	err.msg[0] = '\0';
	tap_ok(lf_klpconv(bad, out, &n, &err) < 0, "a malformed klp symbol is refused");
	tap_has_str(err.msg, ".klp.sym.vmlinux_foo", "... naming the symbol");
	snprintf(bad, sizeof(bad), "%s", tfs_path(&fs, "patch.s"));
	tap_ok(lf_klpconv(bad, out, &n, &err) < 0, "a non-ELF input is refused");
	tap_ok(tfs_sh(&fs, "! ls patch-klp.o.klp?????? 2>/dev/null") == 0,
	       "no temporary file is left behind");
}

static void test_symres(void)
{
	struct lf_symres *r = NULL;
	struct lf_symres_unit u1 = { 0 }, u2 = { 0 };
	struct lf_strv locals = { 0 };
	struct lf_err err = { 0 };
	char vmlinux[512], symvers[512];
	bool exported;
	unsigned long pos;
	uint64_t addr, size;
	unsigned char *bytes = NULL;

	/* Two units with the same basename, and a static name in both. */
	tfs_sh(&fs, "mkdir -p a b");
	tfs_write(&fs, "a/core.c",
		   "static int helper(int x) { return x * 3; }\n"
		   "static int only_in_a(int x) { return x + 1; }\n"
		   "int (*volatile keep_a[])(int) = { helper, only_in_a };\n");
	tfs_write(&fs, "b/core.c",
		   "static int helper(int x) { return x * 5; }\n"
		   "int (*volatile keep_b[])(int) = { helper };\n"
		   "int exported_fn(void) { return 1; }\n"
		   "int unexported_fn(void) { return 2; }\n");
	tfs_write(&fs, "Module.symvers", "0x12345678\texported_fn\tvmlinux\tEXPORT_SYMBOL\t\n");
	tap_is_int(tfs_sh(&fs, "cc -O2 -fno-pic -c -o a.o a/core.c && "
		      "cc -O2 -fno-pic -c -o b.o b/core.c && ld -r -o vmlinux a.o b.o"),
		   0, "fixture vmlinux links");
	snprintf(vmlinux, sizeof(vmlinux), "%s", tfs_path(&fs, "vmlinux"));
	snprintf(symvers, sizeof(symvers), "%s", tfs_path(&fs, "Module.symvers"));

	tap_is_int(lf_symres_open(&r, vmlinux, symvers, &err), 0, "symres opens: %s",
		   err.msg);
	if (!r)
		return;
	lf_strv_push(&locals, "helper");
	lf_strv_push(&locals, "only_in_a");
	tap_is_int(lf_symres_unit(r, "kernel/a/core.c", &locals, &u1, &err), 0,
		   "unit a/core.c is found by its locals");
	lf_strv_free(&locals);
	lf_strv_push(&locals, "helper");
	tap_ok(lf_symres_unit(r, "kernel/b/core.c", &locals, &u2, &err) < 0,
	       "two core.c units that both have 'helper' are ambiguous");
	tap_has_str(err.msg, "match its local symbols equally", "... and says so");

	tap_is_int(lf_symres_resolve(r, &u1, "helper", true, &exported, &pos, &err),
		   0, "a's helper resolves");
	tap_ok(!exported && pos >= 1 && pos <= 2,
	       "... as a klp symbol with a sympos among the two helpers (%lu)", pos);
	tap_is_int(lf_symres_resolve(r, &u1, "exported_fn", false, &exported, &pos,
				     &err), 0, "an exported function resolves");
	tap_ok(exported, "... as exported");
	tap_is_int(lf_symres_resolve(r, &u1, "unexported_fn", false, &exported, &pos,
				     &err), 0, "an unexported global resolves");
	tap_ok(!exported && pos == 0, "... as a unique klp symbol");
	tap_ok(lf_symres_resolve(r, &u1, "nonesuch", true, &exported, &pos, &err) < 0,
	       "an unknown local is an error");
	tap_has_str(err.msg, "nonesuch", "... naming it");

	tap_is_int(lf_symres_function(r, &u1, "only_in_a", true, &addr, &size, &bytes,
				      &err), 0, "shipped bytes of a function are read");
	tap_ok(size > 0 && bytes, "... non-empty (%llu bytes)", (unsigned long long)size);
	free(bytes);
	lf_strv_free(&locals);
	lf_symres_unit_release(&u1);
	lf_symres_unit_release(&u2);
	lf_symres_free(r);
}

/*
 * A module: symbols are section offsets, and klp counts same-named ones in
 * symtab order (module kallsyms), here the opposite of their values.
 */
static void test_symres_module(void)
{
	struct lf_symres *r = NULL;
	struct lf_symres_unit u1 = { 0 }, u2 = { 0 };
	struct lf_strv locals = { 0 };
	struct lf_err err = { 0 };
	char ko[512];
	bool exported;
	unsigned long pos;
	uint64_t addr, size;
	unsigned char *bytes = NULL;

	tfs_write(&fs, "m1.s", "\t.file \"m1.c\"\n\t.section .text.b,\"ax\"\n\t.skip 32\n"
		   "\t.type dup,@function\ndup:\n\tret\n\t.size dup,1\n"
		   "\t.globl glob\n\t.type glob,@function\nglob:\n\tret\n\t.size glob,1\n");
	tfs_write(&fs, "m2.s", "\t.file \"m2.c\"\n\t.section .text.a,\"ax\"\n"
		   "\t.type dup,@function\ndup:\n\tnop\n\tret\n\t.size dup,2\n");
	tfs_write(&fs, "s1.s", "\t.text\n\t.type dup,@function\ndup:\n\tret\n\t.size dup,1\n"
		   "\t.type solo,@function\nsolo:\n\tret\n\t.size solo,1\n");
	tfs_write(&fs, "s2.s", "\t.text\n\t.type dup,@function\ndup:\n\tret\n\t.size dup,1\n"
		   "\t.type solo2,@function\nsolo2:\n\tret\n\t.size solo2,1\n");
	tap_is_int(tfs_sh(&fs, "as -o m1.o m1.s && as -o m2.o m2.s && ld -r -o m.ko m1.o m2.o && "
		      "as -o s1.o s1.s && as -o s2.o s2.s && ld -r -o s.ko s1.o s2.o && strip --strip-debug s.ko"),
		   0, "fixture modules link");
	snprintf(ko, sizeof(ko), "%s", tfs_path(&fs, "m.ko"));
	tap_is_int(lf_symres_open_module(&r, ko, "lfmod", &err), 0,
		   "module symres opens: %s", err.msg);
	if (!r)
		return;
	lf_strv_push(&locals, "dup");
	tap_is_int(lf_symres_unit(r, "drivers/lf/m1.c", &locals, &u1, &err), 0,
		   "module unit m1.c found");
	tap_is_int(lf_symres_unit(r, "drivers/lf/m2.c", &locals, &u2, &err), 0,
		   "module unit m2.c found");
	tap_ok(!lf_symres_resolve(r, &u1, "dup", true, &exported, &pos, &err) &&
	       !exported && pos == 1, "m1's dup is sympos 1 (symtab order)");
	tap_ok(!lf_symres_resolve(r, &u2, "dup", true, &exported, &pos, &err) &&
	       !exported && pos == 2, "m2's dup is sympos 2, though its value is lower");
	tap_ok(lf_symres_defines(r, "glob") && !lf_symres_defines(r, "dup"),
	       "the module defines glob, and no global dup");
	tap_ok(!lf_symres_resolve(r, &u1, "glob", false, &exported, &pos, &err) &&
	       !exported && pos == 0, "a module's global is a klp symbol, unique");
	tap_is_int(lf_symres_function(r, &u2, "dup", true, &addr, &size, &bytes, &err),
		   0, "a module function's bytes are read: %s", err.msg);
	tap_ok(addr == 0 && size == 2 && bytes && bytes[0] == 0x90,
	       "... at its section offset");
	free(bytes);
	lf_symres_unit_release(&u1);
	lf_symres_unit_release(&u2);
	lf_symres_free(r);
	r = NULL;

	snprintf(ko, sizeof(ko), "%s", tfs_path(&fs, "s.ko"));
	tap_is_int(lf_symres_open_module(&r, ko, "lfmod", &err), 0,
		   "a stripped module (no FILE symbols) opens: %s", err.msg);
	if (!r)
		return;
	tap_is_int(lf_symres_unit(r, "drivers/lf/s1.c", &locals, &u1, &err), 0,
		   "... its units are the whole module");
	tap_ok(!lf_symres_resolve(r, &u1, "solo", true, &exported, &pos, &err) &&
	       pos == 0, "a unique local resolves");
	tap_ok(lf_symres_resolve(r, &u1, "dup", true, &exported, &pos, &err) == -EEXIST,
	       "a local defined twice, in a unit with no unique local, is refused");
	tap_has_str(err.msg, "defined 2 times", "... saying so: %s", err.msg);
	tap_has_str(err.msg, "no local of its own", "... and why");
	lf_strv_push(&locals, "solo");
	lf_symres_unit_release(&u1);
	tap_is_int(lf_symres_unit(r, "drivers/lf/s1.c", &locals, &u1, &err), 0,
		   "s1.c located by its unique local");
	tap_ok(!lf_symres_resolve(r, &u1, "dup", true, &exported, &pos, &err) &&
	       pos == 1, "... so its dup is the first copy (sympos 1): %s", err.msg);
	lf_strv_free(&locals);
	lf_strv_push(&locals, "dup");
	lf_strv_push(&locals, "solo2");
	lf_symres_unit_release(&u2);
	tap_is_int(lf_symres_unit(r, "drivers/lf/s2.c", &locals, &u2, &err), 0,
		   "s2.c located by its unique local");
	tap_ok(!lf_symres_resolve(r, &u2, "dup", true, &exported, &pos, &err) &&
	       pos == 2, "... so its dup is the second copy (sympos 2): %s", err.msg);
	tap_is_int(lf_symres_function(r, &u2, "dup", true, &addr, &size, &bytes, &err),
		   0, "... and its bytes are read there");
	tap_ok(addr == 2 && size == 1,
	       "... after s1's two functions in the merged .text (offset %llu)",
	       (unsigned long long)addr);
	free(bytes);
	lf_strv_free(&locals);
	lf_symres_unit_release(&u1);
	lf_symres_unit_release(&u2);
	lf_symres_free(r);
}

int main(void)
{
	tap_start();
	elf_version(EV_CURRENT);
	tfs_init(&fs);
	test_klpconv();
	test_symres();
	test_symres_module();
	tfs_cleanup(&fs);
	return tap_end();
}
