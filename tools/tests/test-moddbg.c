// SPDX-License-Identifier: GPL-2.0-only
/* The module index: headers per module unit, and who uses a header. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/build/moddbg.h"
#include "tap.h"
#include "testfs.h"

static struct tfs fs;

int main(void)
{
	struct lf_moddbg_users users = { 0 };
	struct lf_strv mods = { 0 };
	struct lf_err err = { 0 };
	char idx[300], line[4096];
	FILE *out;
	int fd;

	tap_start();
	tfs_init(&fs);
	tap_is_int(tfs_sh(&fs, "mkdir -p include/lf && "
		      "printf 'struct lf_s { int a; };\\nstatic inline int lf_get(struct lf_s *s)\\n{ return s->a * 3; }\\n' >include/lf/s.h && "
		      "printf '#include \"lf/s.h\"\\nint a(struct lf_s *s) { return lf_get(s) + 1; }\\n' >a.c && "
		      "printf 'int b(int x) { return x; }\\n' >b.c && "
		      "cc -g -O2 -c -Iinclude a.c b.c && ld -r -o m.ko a.o b.o"), 0,
		   "a relocatable two-unit module builds");
	snprintf(idx, sizeof(idx), "%s", tfs_path(&fs, "modules.idx"));
	out = fopen(idx, "w");
	fd = open(tfs_path(&fs, "m.ko"), O_RDONLY);
	tap_is_int(lf_moddbg_scan(fd, "./usr/lib/debug/lib/modules/6.12.0-1-amd64/kernel/fs/m.ko",
				  out, &err), 0, "the module is indexed: %s", err.msg);
	fputs("kernel/x/bad.ko\t?\t*\n", out);	/* as the indexer writes an unreadable one */
	fclose(out);
	out = fopen(idx, "r");
	tap_ok(out && fgets(line, sizeof(line), out) &&
	       !strncmp(line, "kernel/fs/m.ko\t", 15) && strstr(line, "a.c\t") &&
	       strstr(line, "include/lf/s.h"),
	       "a line names the module (from the package path), the unit and its header");
	tap_ok(out && fgets(line, sizeof(line), out) && !strncmp(line, "kernel/x/bad.ko", 15),
	       "b.c, which uses no header, has no line");
	if (out)
		fclose(out);

	tap_is_int(lf_moddbg_users(idx, "lf/s.h", &users, &err), 0, "users are looked up");
	tap_is_int((long long)users.n, 2, "... the unit using it and the unreadable module");
	tap_ok(users.n == 2 && !strcmp(users.v[0].module, "kernel/fs/m.ko") &&
	       strstr(users.v[0].unit, "a.c"), "... with module and unit");
	tap_ok(users.sites.n == 1 && !strcmp(users.sites.v[0].callee, "lf_get") &&
	       users.sites.v[0].line == 2 && strstr(users.sites.v[0].unit, "a.c") &&
	       !strcmp(users.sites.v[0].caller, "kernel/fs/m.ko"),
	       "the inlined header function is a copy, with its line, unit and module");
	tap_is_int(lf_moddbg_modules(&users, &mods), 0, "modules are listed");
	tap_ok(mods.n == 2 && !strcmp(mods.v[0], "kernel/fs/m.ko"), "... once each, sorted");
	lf_strv_free(&mods);
	lf_moddbg_users_free(&users);

	tap_is_int(lf_moddbg_users(idx, "f/s.h", &users, &err), 0, "a name cut inside a directory...");
	tap_is_int((long long)users.n, 1, "... matches only the unreadable module");
	lf_moddbg_users_free(&users);

	tap_is_int(lf_moddbg_users(idx, NULL, &users, &err), 0, "no header...");
	tap_ok(users.n == 2 && strstr(users.v[0].unit, "a.c") && users.sites.n == 0,
	       "... lists every indexed unit, without copies");
	lf_moddbg_users_free(&users);

	fd = open(tfs_path(&fs, "a.c"), O_RDONLY);
	out = fopen("/dev/null", "w");
	tap_ok(lf_moddbg_scan(fd, "kernel/a.c", out, &err) < 0, "a non-ELF input is an error");
	fclose(out);
	tap_ok(lf_moddbg_users("/nonexistent/idx", "h.h", &users, &err) < 0,
	       "a missing index is an error");
	tfs_cleanup(&fs);
	return tap_end();
}
