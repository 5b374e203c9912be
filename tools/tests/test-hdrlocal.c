// SPDX-License-Identifier: GPL-2.0-only
/* Finding the units that include a subsystem's private header. */
#include <errno.h>
#include <string.h>

#include "../lib/build/hdrlocal.h"
#include "tap.h"
#include "testfs.h"

static struct tfs fs;

static bool has(const struct lf_strv *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->v[i], s))
			return true;
	return false;
}

int main(void)
{
	struct lf_strv units = { 0 };
	struct lf_err err = { 0 };

	tap_start();
	tap_ok(lf_header_is_public("include/linux/fs.h"), "include/ is kernel-wide");
	tap_ok(lf_header_is_public("arch/x86/include/asm/dma.h"),
	       "arch/<arch>/include/ is kernel-wide");
	tap_ok(!lf_header_is_public("fs/smb/client/cifsglob.h"),
	       "a subsystem's header is private");
	tap_ok(!lf_header_is_public("arch/x86/kvm/mmu.h"),
	       "an arch subsystem's header is private");

	tfs_init(&fs);
	tfs_write(&fs, "fs/x/priv.h", "#define X 1\n");
	tfs_write(&fs, "fs/x/a.c", "#include \"priv.h\"\n");
	tfs_write(&fs, "fs/x/other.h", "  #  include \"priv.h\"\n");
	tfs_write(&fs, "fs/x/b.c", "#include <linux/fs.h>\n#include \"other.h\"\n");
	tfs_write(&fs, "fs/x/sub/c.c", "#include \"../priv.h\"\n");
	tfs_write(&fs, "fs/x/sub/d.c", "#include \"priv.h\"\n");
	tfs_write(&fs, "fs/x/e.c", "int e;\n");
	tfs_write(&fs, "fs/x/f.c", "#include <priv.h>\n");
	tfs_write(&fs, "fs/x/g.c", "#include \"h.c\"\n");
	tfs_write(&fs, "fs/x/h.c", "#include \"sub/../priv.h\"\n");
	tfs_write(&fs, "fs/x/i.c", "/* #include \"priv.h\" */\n#include \"../../fs/x/other.h\"\n");
	tfs_write(&fs, "fs/y/j.c", "#include \"../x/priv.h\"\n");

	tap_is_int(lf_local_includers(fs.root, "fs/x/priv.h", &units, 10, &err), 0,
		   "the scan runs: %s", err.msg);
	tap_ok(has(&units, "fs/x/a.c"), "a direct includer is found");
	tap_ok(has(&units, "fs/x/b.c"), "an includer through another header is found");
	tap_ok(has(&units, "fs/x/sub/c.c"), "a relative path with .. is resolved");
	tap_ok(has(&units, "fs/x/sub/d.c"),
	       "a subdirectory's include resolved against the header's directory (-I $(src))");
	tap_ok(has(&units, "fs/x/g.c") && has(&units, "fs/x/h.c"),
	       "a .c file #included by another reaches its includer");
	tap_ok(has(&units, "fs/x/i.c"), "a path that climbs out and back in is resolved");
	tap_ok(!has(&units, "fs/x/e.c"), "a unit without the include is not listed");
	tap_ok(!has(&units, "fs/x/f.c"), "<...> does not name the private header");
	tap_ok(!has(&units, "fs/y/j.c"), "only the header's own tree is scanned");
	tap_is_int((long long)units.n, 7, "seven units in all");
	tap_ok(units.n == 7 && strcmp(units.v[0], units.v[1]) < 0 &&
	       strcmp(units.v[5], units.v[6]) < 0, "... sorted");
	lf_strv_free(&units);

	tap_is_int(lf_local_includers(fs.root, "fs/x/priv.h", &units, 3, &err), -E2BIG,
		   "more includers than allowed is refused");
	tap_has_str(err.msg, "fs/x/priv.h", "... naming the header");
	lf_strv_free(&units);

	/* Siblings share a header through "../" (fs/smb/common). */
	tfs_write(&fs, "drivers/s/common/c.h", "#define C 1\n");
	tfs_write(&fs, "drivers/s/common/lonely.h", "#define L 1\n");
	tfs_write(&fs, "drivers/s/common/helper.c", "int h;\n");
	tfs_write(&fs, "drivers/s/client/u.c", "#include \"../common/c.h\"\n");
	tfs_write(&fs, "drivers/s/server/v.c", "#include \"c.h\"\n");
	tap_is_int(lf_local_includers(fs.root, "drivers/s/common/c.h", &units, 10, &err), 0,
		   "a header shared by siblings: %s", err.msg);
	tap_ok(units.n == 1 && !strcmp(units.v[0], "drivers/s/client/u.c"),
	       "the sibling reaching in with ../ is found; a same-named include elsewhere is not");
	lf_strv_free(&units);
	tap_is_int(lf_local_includers(fs.root, "drivers/s/common/lonely.h", &units, 10, &err),
		   -ENOENT, "a header nobody in sight includes is an error, not an empty list");
	tap_has_str(err.msg, "drivers/s/common/lonely.h: no source file under drivers/s/ includes it",
		    "... naming the header and the tree searched");
	lf_strv_free(&units);

	tap_ok(lf_local_includers(fs.root, "fs/none/priv.h", &units, 10, &err) < 0,
	       "a missing directory is an error");
	tap_has_str(err.msg, "fs/none", "... naming it");
	lf_strv_free(&units);
	tfs_cleanup(&fs);
	return tap_end();
}
