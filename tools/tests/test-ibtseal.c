// SPDX-License-Identifier: GPL-2.0-only
/* IBT seal list: read from a linked image, and checked against a patch. */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/build/ibtseal.h"
#include "tap.h"
#include "testfs.h"

static struct tfs fs;

/* The test's stand-in for symres: a symbol's address in the image. */
static uint64_t addr_in_image(void *data, const char *name)
{
	int fd = open(data, O_RDONLY);
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	Elf_Scn *scn = NULL;
	uint64_t addr = 0;

	while (!addr && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		gelf_getshdr(scn, &sh);
		if (sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 1; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym s;

			gelf_getsym(d, (int)i, &s);
			if (GELF_ST_TYPE(s.st_info) == STT_FUNC &&
			    !strcmp(elf_strptr(elf, sh.sh_link, s.st_name), name))
				addr = s.st_value;
		}
	}
	elf_end(elf);
	close(fd);
	return addr;
}

int main(void)
{
	struct lf_ibtseal *s = NULL;
	struct lf_err err = { 0 };
	char image[300], patch[300], calls[300];

	tap_start();
	elf_version(EV_CURRENT);
	tfs_init(&fs);
	/* sealed_fn's ENDBR is listed, open_fn's is not. */
	tap_is_int(tfs_sh(&fs, "printf '\\t.text\\n"
		      "\\t.globl sealed_fn\\n\\t.type sealed_fn,@function\\nsealed_fn: endbr64\\n\\tret\\n"
		      "\\t.globl open_fn\\n\\t.type open_fn,@function\\nopen_fn: endbr64\\n\\tret\\n"
		      "\\t.section .ibt_endbr_seal,\"a\"\\n\\t.long sealed_fn - .\\n' > image.s && "
		      "as -o image.o image.s && ld -e sealed_fn -o image image.o && "
		      "printf '\\t.text\\n\\t.globl lf_new\\n\\t.type lf_new,@function\\nlf_new:\\n"
		      "\\tleaq sealed_fn(%%rip), %%rax\\n\\tret\\n\\t.size lf_new, .-lf_new\\n' > patch.s && as -o patch.o patch.s && "
		      "printf '\\t.text\\n\\t.globl lf_new\\n\\t.type lf_new,@function\\nlf_new:\\n"
		      "\\tcall sealed_fn@PLT\\n\\tleaq open_fn(%%rip), %%rax\\n\\tret\\n' > calls.s && "
		      "as -o calls.o calls.s"), 0, "fixtures assemble and link");
	snprintf(image, sizeof(image), "%s", tfs_path(&fs, "image"));
	snprintf(patch, sizeof(patch), "%s", tfs_path(&fs, "patch.o"));
	snprintf(calls, sizeof(calls), "%s", tfs_path(&fs, "calls.o"));

	tap_is_int(lf_ibtseal_open(image, &s, &err), 0, "seal list reads: %s", err.msg);
	if (!s)
		return tap_end();
	tap_is_int((long long)lf_ibtseal_count(s), 1, "one sealed ENDBR");
	tap_ok(lf_ibtseal_sealed(s, addr_in_image(image, "sealed_fn")), "sealed_fn is sealed");
	tap_ok(!lf_ibtseal_sealed(s, addr_in_image(image, "open_fn")), "open_fn is not");

	tap_ok(lf_ibtseal_check(s, patch, addr_in_image, image, &err) < 0,
	       "taking the address of a sealed function is refused");
	tap_has_str(err.msg, "lf_new: the fix takes the address of sealed_fn", "... naming both");
	err.msg[0] = '\0';
	tap_is_int(lf_ibtseal_check(s, calls, addr_in_image, image, &err), 0,
		   "a direct call to it, and the address of an unsealed one, are fine");
	lf_ibtseal_free(s);

	tap_is_int(lf_ibtseal_open(patch, &s, &err), 0, "an image without a seal list...");
	tap_ok(s && lf_ibtseal_count(s) == 0 &&
	       lf_ibtseal_check(s, patch, addr_in_image, image, &err) == 0,
	       "... seals nothing");
	lf_ibtseal_free(s);
	tfs_cleanup(&fs);
	return tap_end();
}
