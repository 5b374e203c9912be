// SPDX-License-Identifier: GPL-2.0-only
/* Mapping changed header lines to functions, declarations and macros. */
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
	"int lf_decl(int x);\n"				/* 10 */
	"struct lf_t {\n"				/* 11 */
	"\tint a;\n"					/* 12 */
	"};\n"						/* 13 */
	"#define LF_LONG(x) \\\n"			/* 14 */
	"\t((x) + 1)\n";				/* 15 */

static struct lf_inline_site v[] = {
	{ "a.c", "f", "lf_one", 3, NULL },
	{ "b.c", "g", "lf_one", 3, NULL },
	{ "a.c", "h", "lf_two", 9, NULL },
};
static struct lf_inline_sites sites = { v, 3 };

/* Classify one change: @line changed (removed if @removed), @macro text. */
static int macro_line = -1;

static int classify(int line, int removed, int macro, struct lf_strv *names,
		    int *decl, struct lf_err *err)
{
	struct lf_touched f = { .path = "h.h", .lines = &line, .nlines = 1 };

	if (removed) {
		f.removed = &line;
		f.nremoved = 1;
	}
	if (macro) {
		f.macro = &line;
		f.nmacro = 1;
	}
	return lf_hdr_classify(&f, header, &sites, names, decl, &macro_line, err);
}

int main(void)
{
	struct lf_strv names = { 0 };
	struct lf_err err = { 0 };
	int decl = -1;
	int both[] = { 5, 9 };
	struct lf_touched two = { .path = "h.h", .lines = both, .nlines = 2,
				  .removed = both, .nremoved = 2 };

	tap_start();
	tap_is_int(classify(6, 1, 0, &names, &decl, &err), 0, "a line inside a body maps");
	tap_ok(names.n == 1 && !strcmp(names.v[0], "lf_one"),
	       "... to lf_one, past braces in comments and literals");
	tap_is_int(decl, 0, "... and is no declaration change");
	lf_strv_free(&names);

	tap_is_int(lf_hdr_classify(&two, header, &sites, &names, &decl, &macro_line, &err),
		   0, "lines in two functions map");
	tap_is_int((long long)names.n, 2, "... to both functions, once each");
	lf_strv_free(&names);

	tap_is_int(macro_line, 0, "... and no macro change");
	tap_is_int(classify(1, 1, 1, &names, &decl, &err), 0, "a macro change...");
	tap_ok(macro_line == 1 && decl == 0 && names.n == 0,
	       "... is reported on its line, as neither body nor declaration");
	tap_ok(classify(15, 1, 0, &names, &decl, &err) == 0 && macro_line == 15,
	       "a removed continuation line of a macro is a macro change");
	tap_ok(classify(8, 0, 1, &names, &decl, &err) == 0 && macro_line == 8,
	       "an inserted #define is a macro change");
	tap_ok(classify(6, 1, 1, &names, &decl, &err) == 0 && macro_line == 0 &&
	       names.n == 1, "an #if inside a function body is a body change");
	lf_strv_free(&names);

	tap_is_int(classify(10, 1, 0, &names, &decl, &err), 0,
		   "a changed prototype is followed...");
	tap_is_int(decl, 10, "... as a declaration change on its line");
	tap_is_int(classify(12, 1, 0, &names, &decl, &err), 0, "a changed struct member...");
	tap_is_int(decl, 12, "... is a declaration change");
	tap_is_int(classify(11, 0, 0, &names, &decl, &err), 0, "a member inserted...");
	tap_is_int(decl, 11, "... inside a struct is a declaration change");
	tap_is_int(classify(10, 0, 0, &names, &decl, &err), 0,
		   "a declaration inserted between two...");
	tap_is_int(decl, 0, "... changes nothing that exists");
	tap_is_int(classify(7, 0, 0, &names, &decl, &err), 0,
		   "text inserted after a function's closing brace...");
	tap_ok(decl == 0 && names.n == 0, "... is a new declaration, not a body change");
	tap_is_int(classify(0, 0, 0, &names, &decl, &err), 0, "an insertion at the top...");
	tap_is_int(decl, 0, "... is a new declaration");
	lf_strv_free(&names);
	return tap_end();
}
