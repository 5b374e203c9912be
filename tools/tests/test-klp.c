// SPDX-License-Identifier: GPL-2.0-only
/* The klp sysfs view, livefix metadata and `list` rendering on fake trees. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/deadline.h"
#include "../lib/fixinfo.h"
#include "../lib/fixlist.h"
#include "../lib/klp.h"
#include "tap.h"
#include "testfs.h"

/* livefix.ko's fields, when it has no record of the patch. */
/* livefix.ko's fields with nothing recorded; SIG is signature_verified. */
#define LIVEFIX_FIELDS(sig) "\"id\":null,\"version\":null,\"replace\":null," \
	"\"signature_verified\":" sig ",\"applied_at\":null,\"reverted_at\":null,\"revert_reason\":null"
#define LIVEFIX_NULLS LIVEFIX_FIELDS("null")

static void test_states(void)
{
	struct lf_klp_status s = { .present = true };

	s.enabled = true; s.transition = false;
	tap_is_str(lf_klp_state_name(lf_klp_state_of(&s)), "live", "1/0 is live");
	s.enabled = true; s.transition = true;
	tap_is_str(lf_klp_state_name(lf_klp_state_of(&s)), "patching", "1/1 is patching");
	s.enabled = false; s.transition = true;
	tap_is_str(lf_klp_state_name(lf_klp_state_of(&s)), "unpatching", "0/1 is unpatching");
	s.enabled = false; s.transition = false;
	tap_is_str(lf_klp_state_name(lf_klp_state_of(&s)), "disabled", "0/0 is disabled");
}

static void test_func_dir(void)
{
	unsigned long pos;
	char *f = NULL;

	tap_ok(!lf_klp_parse_func_dir("cmdline_proc_show,1", &f, &pos) &&
	       !strcmp(f, "cmdline_proc_show") && pos == 1, "func,1 parsed");
	free(f);
	tap_ok(!lf_klp_parse_func_dir("foo.isra.0,2", &f, &pos) &&
	       !strcmp(f, "foo.isra.0") && pos == 2, "dotted name with sympos 2");
	free(f);
	tap_ok(!lf_klp_parse_func_dir("bare", &f, &pos) && !strcmp(f, "bare") &&
	       pos == 1, "no comma means position 1");
	free(f);
	tap_is_int(lf_klp_parse_func_dir("x,abc", &f, &pos), -EINVAL, "junk sympos rejected");
	tap_is_int(lf_klp_parse_func_dir(",3", &f, &pos), -EINVAL, "empty name rejected");
	tap_is_int(lf_klp_parse_func_dir("x,", &f, &pos), -EINVAL, "empty sympos rejected");
	tap_is_int(lf_klp_parse_func_dir("x,-1", &f, &pos), -EINVAL, "negative sympos rejected");
}

static void build_tree(struct tfs *t)
{
	tfs_add_patch(t, "zfix", 1, 0);
	tfs_add_func(t, "zfix", "vmlinux", "cmdline_proc_show,1");
	tfs_add_func(t, "zfix", "vmlinux", "foo,2");
	tfs_add_func(t, "zfix", "ext4", "ext4_fill_super,1");
	tfs_add_patch(t, "afix", 1, 1);
	tfs_add_func(t, "afix", "vmlinux", "meminfo_proc_show,1");
	tfs_add_patch(t, "mfix", 0, 1);
	tfs_add_patch(t, "nfix", 0, 0);
	/* A stray file in the livepatch dir must not be taken for a patch. */
	tfs_write(t, "kernel/livepatch/README", "x");

	tfs_write(t, "kernel/livefix/version", "0.1.0\n");
	tfs_write(t, "kernel/livefix/fixes/zfix/target", "6.12.117+deb12-amd64\n");
	tfs_write(t, "kernel/livefix/fixes/zfix/cves", "CVE-2024-1 CVE-2024-2\n");
	tfs_write(t, "kernel/livefix/fixes/zfix/state", "live\n");
	tfs_write(t, "kernel/livefix/fixes/zfix/sig_ok", "1\n");
	tfs_write(t, "kernel/livefix/fixes/afix/sig_ok", "0\n");
	tfs_write(t, "kernel/livefix/fixes/afix/target", "6.12.117+deb12-amd64\n");
	tfs_write(t, "kernel/livefix/fixes/afix/cves", "\n");
}

static void test_read(struct tfs *t)
{
	struct lf_strv names = { 0 };
	struct lf_klp_patch p;
	struct lf_klp_status st;
	struct lf_fixinfo fi;
	char buf[32];

	tap_is_int(lf_klp_list(t->root, &names), 0, "list patches");
	tap_ok(names.n == 4 && !strcmp(names.v[0], "afix") &&
	       !strcmp(names.v[1], "mfix") && !strcmp(names.v[3], "zfix"),
	       "patches sorted by name, files ignored");
	lf_strv_free(&names);

	tap_is_int(lf_klp_read_patch(t->root, "zfix", &p), 0, "read zfix");
	tap_ok(p.status.present && p.status.enabled && !p.status.transition,
	       "zfix status read");
	tap_is_int((long long)p.nfuncs, 3, "zfix has three functions");
	if (p.nfuncs == 3) {
		tap_ok(!strcmp(p.funcs[0].object, "ext4") &&
		       !strcmp(p.funcs[0].function, "ext4_fill_super"),
		       "objects in sorted order, ext4 first");
		tap_ok(!strcmp(p.funcs[2].object, "vmlinux") &&
		       !strcmp(p.funcs[2].function, "foo") && p.funcs[2].sympos == 2,
		       "sympos kept");
	}
	lf_klp_patch_free(&p);

	tap_is_int(lf_klp_read_patch(t->root, "ghost", &p), -ENOENT,
		   "missing patch is ENOENT");
	tap_is_int(lf_klp_read_status(t->root, "ghost", &st), 0,
		   "status of a missing patch is not an error");
	tap_ok(!st.present, "... but says not present");

	tfs_write(t, "kernel/livepatch/nfix/enabled", "maybe\n");
	tap_is_int(lf_klp_read_status(t->root, "nfix", &st), -EINVAL,
		   "garbage in enabled is reported, not guessed");
	tfs_write(t, "kernel/livepatch/nfix/enabled", "0\n");

	tap_is_int(lf_fixinfo_read(t->root, "zfix", &fi), 0, "fixinfo zfix");
	tap_ok(fi.has_target && !strcmp(fi.target, "6.12.117+deb12-amd64"), "target read");
	tap_ok(fi.cves.n == 2 && !strcmp(fi.cves.v[1], "CVE-2024-2"), "cves split");
	tap_ok(fi.has_state && !strcmp(fi.state, "live"), "state read");
	tap_is_int(fi.sig_ok, 1, "signature verified read");
	lf_fixinfo_free(&fi);
	tap_is_int(lf_fixinfo_read(t->root, "afix", &fi), 0, "fixinfo afix");
	tap_is_int(fi.sig_ok, 0, "signature not verified read");
	lf_fixinfo_free(&fi);
	tap_is_int(lf_fixinfo_read(t->root, "nfix", &fi), 0, "foreign fix has no metadata");
	tap_ok(!fi.has_target && !fi.has_cves && fi.cves.n == 0, "... and nothing is made up");
	tap_is_int(fi.sig_ok, -1, "... not even a signature verdict");
	lf_fixinfo_free(&fi);
	tfs_write(t, "kernel/livefix/fixes/afix/sig_ok", "yes\n");
	tap_is_int(lf_fixinfo_read(t->root, "afix", &fi), -EINVAL,
		   "garbage in sig_ok is reported, not guessed");
	tfs_write(t, "kernel/livefix/fixes/afix/sig_ok", "0\n");

	tap_is_int(lf_core_version(t->root, buf, sizeof(buf)), 0, "core version");
	tap_is_str(buf, "0.1.0", "core version text");
}

static char *render(const struct lf_fix_list *l, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret = json ? lf_fix_list_print_json(f, l) : lf_fix_list_print_table(f, l);

	fclose(f);
	if (ret) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void test_list_output(struct tfs *t)
{
	struct lf_fix_list l;
	char *out;

	tap_is_int(lf_fix_list_collect(t->root, &l), 0, "collect fixes");
	tap_is_int((long long)l.n, 4, "four fixes collected");
	out = render(&l, false);
	tap_is_str(out,
		   "NAME  STATE       TARGET                CVES                   FUNCTIONS\n"
		   "afix  patching    6.12.117+deb12-amd64  -                      vmlinux:meminfo_proc_show\n"
		   "mfix  unpatching  -                     -                      -\n"
		   "nfix  disabled    -                     -                      -\n"
		   "zfix  live        6.12.117+deb12-amd64  CVE-2024-1,CVE-2024-2  ext4:ext4_fill_super vmlinux:cmdline_proc_show vmlinux:foo,2\n",
		   "table output aligned, '-' for missing data");
	free(out);
	out = render(&l, true);
	tap_is_str(out,
		   "[{\"name\":\"afix\",\"state\":\"patching\",\"enabled\":true,\"transition\":true,"
		   "\"target\":\"6.12.117+deb12-amd64\",\"cves\":[],\"functions\":"
		   "[{\"object\":\"vmlinux\",\"function\":\"meminfo_proc_show\",\"sympos\":1,\"fingerprint\":null}],"
		   LIVEFIX_FIELDS("false") "},"
		   "{\"name\":\"mfix\",\"state\":\"unpatching\",\"enabled\":false,\"transition\":true,"
		   "\"target\":null,\"cves\":[],\"functions\":[]," LIVEFIX_NULLS "},"
		   "{\"name\":\"nfix\",\"state\":\"disabled\",\"enabled\":false,\"transition\":false,"
		   "\"target\":null,\"cves\":[],\"functions\":[]," LIVEFIX_NULLS "},"
		   "{\"name\":\"zfix\",\"state\":\"live\",\"enabled\":true,\"transition\":false,"
		   "\"target\":\"6.12.117+deb12-amd64\",\"cves\":[\"CVE-2024-1\",\"CVE-2024-2\"],"
		   "\"functions\":[{\"object\":\"ext4\",\"function\":\"ext4_fill_super\",\"sympos\":1,\"fingerprint\":null},"
		   "{\"object\":\"vmlinux\",\"function\":\"cmdline_proc_show\",\"sympos\":1,\"fingerprint\":null},"
		   "{\"object\":\"vmlinux\",\"function\":\"foo\",\"sympos\":2,\"fingerprint\":null}]," LIVEFIX_FIELDS("true") "}]\n",
		   "JSON output");
	free(out);
	lf_fix_list_free(&l);
}

static void test_list_empty(void)
{
	struct lf_fix_list l;
	struct tfs t;
	char *out;

	tfs_init(&t);
	tap_is_int(lf_fix_list_collect(t.root, &l), -ENOENT,
		   "no livepatch directory is ENOENT");
	tfs_mkdir(&t, "kernel/livepatch");
	tap_is_int(lf_fix_list_collect(t.root, &l), 0, "empty livepatch dir");
	out = render(&l, false);
	tap_is_str(out, "no fixes loaded\n", "empty table message");
	free(out);
	out = render(&l, true);
	tap_is_str(out, "[]\n", "empty JSON array");
	free(out);
	lf_fix_list_free(&l);
	tfs_cleanup(&t);
}

static void test_wait(struct tfs *t)
{
	struct lf_klp_status st;
	struct lf_klp_wait w = { .poll_ms = 5, .appear_ms = 50 };
	volatile sig_atomic_t cancel = 0;
	int64_t start;
	double took;
	int ret;

	w.deadline = lf_deadline_in(0.15);
	start = lf_now_ns();
	ret = lf_klp_wait_live(t->root, "afix", &w, &st);
	took = lf_seconds_since(start);
	tap_is_int(ret, -ETIMEDOUT, "stuck transition times out");
	tap_ok(took >= 0.14 && took < 2.0, "... after the requested 0.15 s (took %.3f)", took);
	tap_ok(st.present && st.enabled && st.transition, "... reporting where it was stuck");

	w.deadline = lf_deadline_in(5);
	tap_is_int(lf_klp_wait_live(t->root, "zfix", &w, &st), 0, "live patch returns at once");
	tap_is_int(lf_klp_wait_live(t->root, "nfix", &w, &st), -ECANCELED,
		   "disabled patch cancels a wait for live");

	start = lf_now_ns();
	tap_is_int(lf_klp_wait_live(t->root, "ghost", &w, &st), -ENOENT,
		   "never-appearing patch is ENOENT");
	took = lf_seconds_since(start);
	tap_ok(took < 3.0, "... after the appear grace, not the deadline (%.3f s)", took);

	w.deadline = lf_deadline_in(0.1);
	start = lf_now_ns();
	tap_is_int(lf_klp_wait_gone(t->root, "mfix", &w, &st), -ETIMEDOUT,
		   "stuck unpatching times out waiting for removal");
	took = lf_seconds_since(start);
	tap_ok(took >= 0.09 && took < 2.0, "... in the requested time (%.3f s)", took);
	tap_ok(st.present && !st.enabled && st.transition, "... still unpatching");
	tap_is_int(lf_klp_wait_gone(t->root, "ghost", &w, &st), 0, "gone patch is gone");

	w.deadline = lf_deadline_in(5);
	w.cancel = &cancel;
	cancel = 1;
	tap_is_int(lf_klp_wait_live(t->root, "afix", &w, &st), -EINTR, "cancel flag stops a wait");

	tap_is_int(lf_klp_set_enabled(t->root, "zfix", false), 0, "disable writes enabled");
	tap_is_str(tfs_read(t, "kernel/livepatch/zfix/enabled"), "0", "enabled is now 0");
	tap_is_int(lf_klp_set_enabled(t->root, "ghost", false), -ENOENT,
		   "disabling a missing patch is ENOENT");
}

int main(void)
{
	struct tfs t;

	tap_start();
	test_states();
	test_func_dir();
	tfs_init(&t);
	build_tree(&t);
	test_read(&t);
	test_list_output(&t);
	test_wait(&t);
	tfs_cleanup(&t);
	test_list_empty();
	return tap_end();
}
