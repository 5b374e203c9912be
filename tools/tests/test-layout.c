// SPDX-License-Identifier: GPL-2.0-only
/* The type layout check between a unit's before and after objects. */
#include <stdio.h>
#include <string.h>

#include "../lib/build/layout.h"
#include "tap.h"
#include "testfs.h"

static struct tfs fs;

static const char base[] =
	"struct lf_s { int a; long b; union { int u1; char u2; }; };\n"
	"enum lf_e { LF_A, LF_B };\n"
	"typedef struct { int x; } lf_t;\n"
	"int use(struct lf_s *s, enum lf_e e, lf_t *t) { return s->a + e + t->x; }\n";

/* Build before.o from base and after.o from @after; compare them. */
static int compare(const char *after, const char *cflags, struct lf_err *err)
{
	FILE *f = fopen(tfs_path(&fs, "after.c"), "w");
	char cmd[512];

	if (!f)
		return -100;
	fputs(after, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cc -c -O2 %s -o before.o before.c && cc -c -O2 %s -o after.o after.c",
		 cflags, cflags);
	if (tfs_sh(&fs, cmd))
		return -101;
	return lf_layout_compare("u.c", tfs_path(&fs, "before.o"), tfs_path(&fs, "after.o"), err);
}

int main(void)
{
	struct lf_err err = { 0 };
	FILE *f;

	tap_start();
	tfs_init(&fs);
	f = fopen(tfs_path(&fs, "before.c"), "w");
	tap_ok(f != NULL, "fixture written");
	if (!f)
		return tap_end();
	fputs(base, f);
	fclose(f);

	tap_is_int(compare(base, "-g", &err), 0, "the same unit has the same layouts: %s", err.msg);
	tap_is_int(compare("struct lf_s { int a; long b; union { int u1; char u2; }; };\n"
			   "enum lf_e { LF_A, LF_B };\n"
			   "typedef struct { int x; } lf_t;\n"
			   "int use(struct lf_s *s, enum lf_e e, lf_t *t) { return s->a * 3 + e + t->x; }\n"
			   "struct lf_new { char c; };\n"
			   "int use2(struct lf_new *n) { return n->c; }\n", "-g", &err),
		   0, "a changed body and a new struct pass");

	tap_is_int(compare("struct lf_s { int a; int added; long b; union { int u1; char u2; }; };\n"
			   "enum lf_e { LF_A, LF_B };\n"
			   "typedef struct { int x; } lf_t;\n"
			   "int use(struct lf_s *s, enum lf_e e, lf_t *t) { return s->a + e + t->x; }\n",
			   "-g", &err), -22, "a member added to a struct is refused");
	tap_has_str(err.msg, "u.c: layout of struct lf_s changes", "... naming the unit and the struct");

	tap_is_int(compare("struct lf_s { int a; long b; union { int u1; long u2; }; };\n"
			   "enum lf_e { LF_A, LF_B };\n"
			   "typedef struct { int x; } lf_t;\n"
			   "int use(struct lf_s *s, enum lf_e e, lf_t *t) { return s->a + e + t->x; }\n",
			   "-g", &err), -22, "a change inside an anonymous union is refused");
	tap_has_str(err.msg, "struct lf_s", "... as a change of the struct holding it");

	tap_is_int(compare("struct lf_s { int a; long b; union { int u1; char u2; }; };\n"
			   "enum lf_e { LF_A, LF_B, LF_C };\n"
			   "typedef struct { int x; } lf_t;\n"
			   "int use(struct lf_s *s, enum lf_e e, lf_t *t) { return s->a + e + t->x + LF_C; }\n",
			   "-g", &err), 0, "an enum constant added at the end passes");
	tap_is_int(compare("struct lf_s { int a; long b; union { int u1; char u2; }; };\n"
			   "enum lf_e { LF_A, LF_NEW, LF_B };\n"
			   "typedef struct { int x; } lf_t;\n"
			   "int use(struct lf_s *s, enum lf_e e, lf_t *t) { return s->a + e + t->x; }\n",
			   "-g", &err), -22, "an enum constant inserted before others is refused");
	tap_has_str(err.msg, "enum lf_e", "... naming the enum");

	tap_is_int(compare("struct lf_s { int a; long b; union { int u1; char u2; }; };\n"
			   "enum lf_e { LF_A, LF_B };\n"
			   "typedef struct { long x; } lf_t;\n"
			   "int use(struct lf_s *s, enum lf_e e, lf_t *t) { return s->a + e + t->x; }\n",
			   "-g", &err), -22, "a typedef'd anonymous struct that changes is refused");
	tap_has_str(err.msg, "typedef lf_t", "... naming the typedef");

	tap_ok(compare(base, "-g0", &err) < 0, "an object without DWARF is an error");
	tap_has_str(err.msg, "no DWARF", "... saying so");
	tap_ok(lf_layout_compare("u.c", "/nonexistent.o", "/nonexistent.o", &err) < 0,
	       "a missing object is an error");
	tfs_cleanup(&fs);
	return tap_end();
}
