// SPDX-License-Identifier: GPL-2.0-only
/* Mapping changed header lines to the functions that contain them. */
#include <string.h>

#include "../lib/build/hdrfuncs.h"
#include "tap.h"

static const char header[] =
	"#define LF_MACRO 1\n"				/* 1 */
	"struct lf_s { int a; };\n"			/* 2 */
	"static inline int lf_one(int x)\n"		/* 3 */
	"{\n"						/* 4 */
	"\t/* a } brace in a comment */\n"		/* 5 */
	"\treturn x + '}' + sizeof(\"}\");\n"		/* 6 */
	"}\n"						/* 7 */
	"\n"						/* 8 */
	"static inline int lf_two(int x) { return x; }\n"	/* 9 */
	"int lf_decl(int x);\n";			/* 10 */

int main(void)
{
	struct lf_inline_site v[] = {
		{ "a.c", "f", "lf_one", 3 },
		{ "b.c", "g", "lf_one", 3 },
		{ "a.c", "h", "lf_two", 9 },
	};
	struct lf_inline_sites sites = { v, 3 };
	struct lf_strv names = { 0 };
	struct lf_err err = { 0 };
	int body[] = { 6 }, both[] = { 5, 9 }, macro[] = { 6, 1 }, decl[] = { 10 };

	tap_start();
	tap_is_int(lf_hdr_changed_functions("h.h", header, body, 1, &sites, &names, &err),
		   0, "a line inside a body maps");
	tap_ok(names.n == 1 && !strcmp(names.v[0], "lf_one"),
	       "... to lf_one, past braces in comments and literals");
	lf_strv_free(&names);

	tap_is_int(lf_hdr_changed_functions("h.h", header, both, 2, &sites, &names, &err),
		   0, "lines in two functions map");
	tap_is_int((long long)names.n, 2, "... to both functions, once each");
	lf_strv_free(&names);

	tap_ok(lf_hdr_changed_functions("h.h", header, macro, 2, &sites, &names, &err) < 0,
	       "a macro change is refused");
	tap_has_str(err.msg, "h.h:1: change outside a function body", "... naming the line");
	lf_strv_free(&names);

	tap_ok(lf_hdr_changed_functions("h.h", header, decl, 1, &sites, &names, &err) < 0,
	       "a change to a bare declaration is refused");
	lf_strv_free(&names);
	return tap_end();
}
