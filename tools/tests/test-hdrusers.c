// SPDX-License-Identifier: GPL-2.0-only
/* Finding the units that use a header, from DWARF file tables. */
#include <stdio.h>
#include <string.h>

#include "../lib/build/hdrusers.h"
#include "tap.h"
#include "testfs.h"

static struct tfs fs;

int main(void)
{
	struct lf_strv units = { 0 };
	struct lf_err err = { 0 };
	char obj[300];

	tap_start();
	tfs_init(&fs);
	tap_is_int(tfs_sh(&fs, "mkdir -p include/lf && "
		      "printf 'struct lf_s { int a; };\\n' >include/lf/s.h && "
		      "printf 'struct lf_t { int b; };\\n' >include/lf/t.h && "
		      "printf '#include \"lf/s.h\"\\nint a(struct lf_s *s) { return s->a; }\\n' >a.c && "
		      "printf '#include \"lf/t.h\"\\nint b(struct lf_t *t) { return t->b; }\\n' >b.c && "
		      "printf '#include \"lf/s.h\"\\n#include \"lf/t.h\"\\nint c(struct lf_t *t) { return t->b; }\\n' >c.c && "
		      "cc -g -O2 -fPIC -shared -Iinclude -o vmlinux a.c b.c c.c"), 0,
		   "fixture shared object builds (linked, like vmlinux)");
	snprintf(obj, sizeof(obj), "%s", tfs_path(&fs, "vmlinux"));

	tap_is_int(lf_header_users(obj, "include/lf/t.h", &units, &err), 0,
		   "search runs: %s", err.msg);
	tap_ok(units.n == 2 && strstr(units.v[0], "b.c") && strstr(units.v[1], "c.c"),
	       "the units using a type from the header are found, sorted");
	lf_strv_free(&units);

	tap_is_int(lf_header_users(obj, "include/lf/s.h", &units, &err), 0, "second header");
	tap_ok(units.n == 1 && strstr(units.v[0], "a.c"),
	       "a unit that includes a header but uses nothing of it is not a user");
	lf_strv_free(&units);

	tap_is_int(lf_header_users(obj, "lf/s.hh", &units, &err), 0, "a name that only looks alike...");
	tap_is_int((long long)units.n, 0, "... matches no unit");
	tap_ok(lf_header_users("/nonexistent/vmlinux", "h.h", &units, &err) < 0,
	       "a missing debug file is an error");
	tap_has_str(err.msg, "/nonexistent/vmlinux", "... naming it");
	tfs_cleanup(&fs);
	return tap_end();
}
