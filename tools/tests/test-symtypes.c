// SPDX-License-Identifier: GPL-2.0-only
/* Telling a real interface change from a unit that merely sees more. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../lib/build/symtypes.h"
#include "tap.h"

/*
 * What genksyms writes for register_filesystem() in fs/filesystems.c
 * (simplified; it ends each line with a blank).
 */
static const char before[] =
	"s#module struct module { UNKNOWN }\n"
	"s#nsproxy struct nsproxy { UNKNOWN } \n"
	"s#file_system_type struct file_system_type { const char * name ; int fs_flags ; s#module * owner ; s#nsproxy * ns ; s#file_system_type * next ; }\n"
	"register_filesystem int register_filesystem ( s#file_system_type * )\n"
	"get_fs_type s#file_system_type * get_fs_type ( const char * )\n"
	"E#FS_MAX 4\n"
	"e#fs_kind enum fs_kind { FS_A , FS_B , FS_MAX = E#FS_MAX }\n"
	"fs_kind_of e#fs_kind fs_kind_of ( int )\n";

/* @text with its first @from replaced by @to, into @out. */
static const char *edit(char *out, size_t size, const char *text,
			const char *from, const char *to)
{
	const char *p = strstr(text, from);

	if (!p)
		return "";
	snprintf(out, size, "%.*s%s%s", (int)(p - text), text, to, p + strlen(from));
	return out;
}

int main(void)
{
	char why[128], after[2048];

	tap_start();
	tap_is_int(lf_symtypes_compare(before, before, "register_filesystem", why,
				       sizeof(why)), 0, "the same text is no change");

	/* A new #include: struct nsproxy is now defined, and names another type. */
	edit(after, sizeof(after), before, "struct nsproxy { UNKNOWN } ",
	     "struct nsproxy { s#uts_namespace * u ; }\ns#uts_namespace struct uts_namespace { int x ; }");
	tap_ok(strstr(after, "struct nsproxy { s#uts_namespace * u ; }\n") != NULL,
	       "fixture: nsproxy becomes visible");
	tap_is_int(lf_symtypes_compare(before, after, "register_filesystem", why,
				       sizeof(why)), 0,
		   "a type the unit now sees whole is no interface change");
	tap_is_int(lf_symtypes_compare(after, before, "register_filesystem", why,
				       sizeof(why)), 0, "... nor one it no longer sees");

	/* A member added to a struct both sides define. */
	edit(after, sizeof(after), before, "s#file_system_type * next ;",
	     "long x ; s#file_system_type * next ;");
	tap_is_int(lf_symtypes_compare(before, after, "register_filesystem", why,
				       sizeof(why)), 1, "a changed member is an interface change");
	tap_is_str(why, "struct file_system_type", "... naming the struct");
	tap_is_int(lf_symtypes_compare(before, after, "get_fs_type", why, sizeof(why)), 1,
		   "... also for an export returning it");

	/* A parameter's type changes. */
	edit(after, sizeof(after), before, "register_filesystem ( s#file_system_type * )",
	     "register_filesystem ( const s#file_system_type * )");
	tap_is_int(lf_symtypes_compare(before, after, "register_filesystem", why,
				       sizeof(why)), 1, "a changed declaration is an interface change");
	tap_is_str(why, "the declaration of register_filesystem", "... naming it");

	/* An enum constant's value, reached through the enum. */
	edit(after, sizeof(after), before, "E#FS_MAX 4", "E#FS_MAX 5");
	tap_is_int(lf_symtypes_compare(before, after, "fs_kind_of", why, sizeof(why)), 1,
		   "a changed enum constant is an interface change");
	tap_is_str(why, "enum constant FS_MAX", "... naming the constant");
	tap_is_int(lf_symtypes_compare(before, after, "register_filesystem", why,
				       sizeof(why)), 0, "... but not for an export that does not use it");

	tap_is_int(lf_symtypes_compare(before, before, "no_such_export", why, sizeof(why)),
		   -ENOENT, "an unknown symbol is reported");
	tap_is_int(lf_symtypes_compare(before, "", "get_fs_type", why, sizeof(why)), 1,
		   "an export gone from one side is a change of its declaration");
	tap_is_int(lf_symtypes_compare("", "", "x", why, sizeof(why)), -ENOENT,
		   "empty texts know no symbol");
	return tap_end();
}
