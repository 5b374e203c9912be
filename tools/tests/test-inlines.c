// SPDX-License-Identifier: GPL-2.0-only
/* The DWARF search for the copies of header functions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/build/inlines.h"
#include "tap.h"
#include "testfs.h"

static struct tfs fs;

static int has(const struct lf_inline_sites *s, const char *unit,
	       const char *caller, const char *callee)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strstr(s->v[i].unit, unit) && !strcmp(s->v[i].caller, caller) &&
		    !strcmp(s->v[i].callee, callee))
			return 1;
	return 0;
}

int main(void)
{
	struct lf_strv names = { 0 }, units = { 0 };
	struct lf_inline_sites s = { 0 };
	struct lf_err err = { 0 };
	char obj[300];

	tap_start();
	tfs_init(&fs);
	tap_is_int(tfs_sh(&fs, "mkdir -p include/lf && cat >include/lf/h.h <<'EOF'\n"
		      "static inline int twice(int x) { return 2 * x; }\n"
		      "static inline int thrice(int x) { return 3 * x; }\n"
		      "static int __attribute__((noinline)) own(int x) { return x ^ 5; }\n"
		      "EOF\n"
		      "printf '#include \"lf/h.h\"\\nint a1(int x) { return twice(x) + own(x); }\\n"
		      "int a2(int x) { return twice(x + 1); }\\n' > a.c && "
		      "printf '#include \"lf/h.h\"\\nint b1(int x) { return thrice(x); }\\n' > b.c && "
		      "cc -g -O2 -fPIC -shared -Iinclude -o vmlinux a.c b.c"), 0,
		   "fixture shared object builds (linked, like vmlinux)");
	snprintf(obj, sizeof(obj), "%s", tfs_path(&fs, "vmlinux"));

	lf_strv_push(&names, "twice");
	lf_strv_push(&names, "own");
	tap_is_int(lf_inlines_find(obj, "include/lf/h.h", &names, &s, &err), 0,
		   "search runs: %s", err.msg);
	tap_ok(has(&s, "a.c", "a1", "twice"), "twice inlined into a1 is found");
	tap_ok(has(&s, "a.c", "a2", "twice"), "... and into a2");
	tap_ok(has(&s, "a.c", "own", "own"), "an out-of-line copy is found as itself");
	tap_ok(!has(&s, "b.c", "b1", "thrice"), "functions not asked for are not reported");
	tap_is_int(lf_inlines_units(&s, &units), 0, "units are listed");
	tap_ok(units.n == 1 && strstr(units.v[0], "a.c"), "... only a.c");
	lf_inlines_free(&s);
	lf_strv_free(&units);

	tap_is_int(lf_inlines_find(obj, "include/other/h.h", &names, &s, &err), 0,
		   "another header with the same names...");
	tap_is_int((long long)s.n, 0, "... has no copies");
	lf_inlines_free(&s);

	/* A module's debug file is a relocatable object, like a.o. */
	tap_is_int(tfs_sh(&fs, "cc -g -O2 -c -Iinclude -o a.o a.c"), 0, "relocatable fixture builds");
	snprintf(obj, sizeof(obj), "%s", tfs_path(&fs, "a.o"));
	tap_is_int(lf_inlines_find(obj, "include/lf/h.h", &names, &s, &err), 0,
		   "a relocatable object is searched: %s", err.msg);
	tap_ok(has(&s, "a.c", "a1", "twice") && has(&s, "a.c", "a2", "twice"),
	       "... with its names relocated");
	lf_inlines_free(&s);

	tap_ok(lf_inlines_find("/nonexistent/vmlinux", "h.h", &names, &s, &err) < 0,
	       "a missing debug file is an error");
	tap_has_str(err.msg, "/nonexistent/vmlinux", "... naming it");
	lf_strv_free(&names);
	tfs_cleanup(&fs);
	return tap_end();
}
