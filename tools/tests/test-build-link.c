// SPDX-License-Identifier: GPL-2.0-only
/* link.c without kbuild: the manifest, the generated desc.c, modpost's verdict. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../lib/build/link.h"
#include "../lib/err.h"
#include "tap.h"
#include "testfs.h"

static struct tfs fs;

static int parse(const char *text, struct lf_manifest *m, struct lf_err *e)
{
	lf_err_clear(e);
	return lf_manifest_parse("manifest", text, m, e);
}

static void bad(const char *text, const char *msg, const char *what)
{
	struct lf_manifest m;
	struct lf_err e;

	tap_ok(parse(text, &m, &e) < 0, "%s: refused", what);
	tap_is_str(e.msg, msg, "%s: message", what);
	tap_ok(!m.e && !m.n && !m.cb && !m.ncb, "%s: nothing left allocated", what);
}

static void test_manifest(void)
{
	struct lf_manifest m;
	struct lf_err e;

	tap_is_int(parse("# comment\n\n"
			 "vmlinux version_proc_show 0 __livefix_new.0.version_proc_show\n"
			 "tcp_diag tcp_diag_get_info 2 __livefix_new.1.tcp_diag_get_info\n"
			 "vmlinux foo.isra.0 0 __livefix_new.0.foo.isra.0\n",
			 &m, &e), 0, "manifest parses");
	tap_is_int((long long)m.n, 3, "three entries");
	if (m.n == 3) {
		tap_is_str(m.e[1].obj, "tcp_diag", "object");
		tap_is_str(m.e[1].old, "tcp_diag_get_info", "old name");
		tap_is_int((long long)m.e[1].sympos, 2, "sympos");
		tap_is_str(m.e[1].new_sym, "__livefix_new.1.tcp_diag_get_info", "new symbol");
	}
	lf_manifest_free(&m);

	bad("", "manifest: replaces no function", "empty manifest");
	bad("vmlinux a 0\n", "manifest:1: want '<obj> <old name> <sympos> <new symbol> [pre=...]'",
	    "short line");
	bad("vmlinux a x b\n", "manifest:1: want '<obj> <old name> <sympos> <new symbol> [pre=...]'",
	    "bad sympos");
	bad("vmlinux a -1 b\n", "manifest:1: want '<obj> <old name> <sympos> <new symbol> [pre=...]'",
	    "negative sympos");
	bad("vmlinux a 0 b c\n", "manifest:1: bad pre-image 'c'", "bad pre-image field");
	bad("vmlinux a 0 b pre=00:1:\n", "manifest:1: bad pre-image 'pre=00:1:'", "short fingerprint");
	bad("vmlinux a 0 b pre=" "0000000000000000000000000000000000000000000000000000000000000000"
	    ":4:2+3\n", "manifest:1: bad pre-image 'pre=" "0000000000000000000000000000000000000000000000000000000000000000" ":4:2+3'", "mask past the end");
	bad("vmlinux a 0 b pre=" "0000000000000000000000000000000000000000000000000000000000000000"
	    ":4: x\n", "manifest:1: want '<obj> <old name> <sympos> <new symbol> [pre=...]'",
	    "extra field");
	bad("Bad-Mod a 0 b\n", "manifest:1: bad object name 'Bad-Mod'", "bad object");
	bad("vmlinux a\"); 0 b\n", "manifest:1: bad function name 'a\");'",
	    "quote in a name");
	bad("vmlinux a 0 b\nvmlinux a 0 c\n", "manifest:2: vmlinux a replaced twice",
	    "duplicate function");
	bad("vmlinux a 0 b\nvmlinux c 0 b\n", "manifest:2: b used twice",
	    "duplicate new symbol");
}

static void test_callbacks(void)
{
	struct lf_manifest m;
	struct lf_err e;
	struct lf_link_req r = { .name = "lf_test", .id = "test-cb", .cves = "" };
	const char *d;

	tap_is_int(parse("vmlinux version_proc_show 0 __livefix_new.0.version_proc_show\n"
			 "callback vmlinux post_patch __livefix_new.0.on\n"
			 "callback vmlinux pre_unpatch __livefix_new.0.off\n"
			 "tcp_diag tcp_diag_get_info 0 __livefix_new.1.tcp_diag_get_info\n"
			 "callback tcp_diag pre_patch __livefix_new.1.check\n",
			 &m, &e), 0, "callback lines parse");
	tap_is_int((long long)m.n, 2, "functions are still counted alone");
	tap_is_int((long long)m.ncb, 3, "three callbacks");
	if (m.ncb == 3) {
		tap_is_str(m.cb[0].obj, "vmlinux", "callback object");
		tap_is_int(m.cb[0].kind, LF_CB_POST_PATCH, "callback kind");
		tap_is_str(m.cb[2].sym, "__livefix_new.1.check", "callback symbol");
	}
	tap_is_int(lf_link_write_desc(tfs_path(&fs, "desc.c"), &r, &m, &e), 0,
		   "desc.c with callbacks written");
	d = tfs_read(&fs, "desc.c");
	tap_has_str(d, "extern void lf_cb_0(struct klp_object *obj) __asm__(\"__livefix_new.0.on\");",
		    "a void callback is declared with klp's type");
	tap_has_str(d, "extern int lf_cb_2(struct klp_object *obj) __asm__(\"__livefix_new.1.check\");",
		    "pre_patch returns int");
	tap_has_str(d, "{ .name = NULL, .funcs = funcs_0,\n\t  .callbacks = {\n"
		    "\t\t.post_patch = lf_cb_0,\n\t\t.pre_unpatch = lf_cb_1,\n\t  } },",
		    "vmlinux's object carries its callbacks");
	tap_has_str(d, "{ .name = \"tcp_diag\", .funcs = funcs_1,\n\t  .callbacks = {\n"
		    "\t\t.pre_patch = lf_cb_2,\n\t  } },",
		    "the module's object its own");
	lf_manifest_free(&m);

	bad("vmlinux a 0 b\ncallback vmlinux post_patch\n",
	    "manifest:2: want 'callback <obj> <kind> <symbol>'", "short callback line");
	bad("vmlinux a 0 b\ncallback vmlinux on_load c\n",
	    "manifest:2: bad callback kind 'on_load' (pre_patch, post_patch, pre_unpatch, post_unpatch)",
	    "unknown callback kind");
	bad("vmlinux a 0 b\ncallback vmlinux post_patch c\ncallback vmlinux post_patch c\n",
	    "manifest:3: c is the post_patch callback for vmlinux twice",
	    "the same callback twice");
	bad("vmlinux a 0 b\ncallback vmlinux post_patch c\\\");\n",
	    "manifest:2: bad symbol name 'c\\\");'", "quote in a callback symbol");
	bad("vmlinux a 0 b\ncallback ext4 post_patch c\n",
	    "manifest: post_patch callback c for ext4, which the fix does not patch",
	    "callback of an object without functions");
	bad("callback vmlinux post_patch c\n", "manifest: replaces no function",
	    "callbacks alone");
}

/* Two fixes in one module, each with callbacks for vmlinux. */
static void test_callback_chains(void)
{
	struct lf_manifest m;
	struct lf_err e;
	struct lf_link_req r = { .name = "lf_test", .id = "test-chain", .cves = "" };
	const char *d;

	tap_is_int(parse("vmlinux a 0 __livefix_new.0.a\n"
			 "vmlinux b 0 __livefix_new.1.b\n"
			 "callback vmlinux pre_patch __livefix_new.0.pre\n"
			 "callback vmlinux post_unpatch __livefix_new.0.post\n"
			 "callback vmlinux pre_patch __livefix_new.1.pre\n"
			 "callback vmlinux post_patch __livefix_new.1.on\n"
			 "callback vmlinux post_patch __livefix_new.0.on\n"
			 "callback vmlinux pre_unpatch __livefix_new.0.off\n"
			 "callback vmlinux pre_unpatch __livefix_new.1.off\n",
			 &m, &e), 0, "several callbacks of a kind parse: %s", e.msg);
	tap_is_int(lf_link_write_desc(tfs_path(&fs, "desc.c"), &r, &m, &e), 0,
		   "desc.c with chains written");
	d = tfs_read(&fs, "desc.c");
	tap_has_str(d, "static int lf_chain_0_pre_patch(struct klp_object *obj)\n{\n\tint ret;\n\n"
		    "\tret = lf_cb_0(obj);\n\tif (ret)\n\t\tgoto undo_0;\n"
		    "\tret = lf_cb_2(obj);\n\tif (ret)\n\t\tgoto undo_1;\n"
		    "\treturn 0;\nundo_1:\n\tlf_cb_1(obj);\nundo_0:\n\treturn ret;\n}\n",
		    "pre_patch runs in order; a failure undoes the earlier fixes with their post_unpatch");
	tap_has_str(d, "static void lf_chain_0_post_patch(struct klp_object *obj)\n{\n"
		    "\tlf_cb_3(obj);\n\tlf_cb_4(obj);\n}\n", "post_patch runs in the fixes' order");
	tap_has_str(d, "static void lf_chain_0_pre_unpatch(struct klp_object *obj)\n{\n"
		    "\tlf_cb_6(obj);\n\tlf_cb_5(obj);\n}\n", "pre_unpatch runs in reverse");
	tap_ok(!strstr(d, "lf_chain_0_post_unpatch"), "a single callback needs no chain");
	tap_has_str(d, "\t\t.pre_patch = lf_chain_0_pre_patch,\n\t\t.post_patch = lf_chain_0_post_patch,\n"
		    "\t\t.pre_unpatch = lf_chain_0_pre_unpatch,\n\t\t.post_unpatch = lf_cb_1,\n",
		    "the object takes the chains");
	lf_manifest_free(&m);
}

static void test_desc(void)
{
	struct lf_manifest m;
	struct lf_err e;
	struct lf_link_req r = {
		.name = "lf_test", .id = "test-1", .cves = "CVE-2024-1 CVE-2024-2",
		.replace = true,
	};
	const char *d;

	parse("tcp_diag tcp_diag_get_info 0 __livefix_new.1.tcp_diag_get_info\n"
	      "vmlinux version_proc_show 0 __livefix_new.0.version_proc_show\n"
	      "vmlinux dup 3 __livefix_new.0.dup\n", &m, &e);
	tap_is_int(lf_link_write_desc(tfs_path(&fs, "desc.c"), &r, &m, &e), 0,
		   "desc.c written");
	d = tfs_read(&fs, "desc.c");
	tap_has_str(d, "#define LIVEFIX_ID \"test-1\"\n#define LIVEFIX_CVES \"CVE-2024-1 CVE-2024-2\"\n#define LIVEFIX_REPLACE true\n#include \"livefix-patch.h\"",
		    "metadata defined before the header");
	tap_has_str(d, "extern char lf_new_0[] __asm__(\"__livefix_new.1.tcp_diag_get_info\");",
		    "asm label binds a dotted symbol");
	tap_has_str(d, "funcs_0[] = {\n\t{ .old_name = \"version_proc_show\", .new_func = lf_new_1, .sympos = 0 },\n\t{ .old_name = \"dup\", .new_func = lf_new_2, .sympos = 3 },\n\t{ }\n};",
		    "vmlinux's table first, with sympos");
	tap_has_str(d, "funcs_1[] = {\n\t{ .old_name = \"tcp_diag_get_info\", .new_func = lf_new_0, .sympos = 0 },\n\t{ }\n};",
		    "module's table");
	tap_has_str(d, "{ .name = NULL, .funcs = funcs_0 },\n\t{ .name = \"tcp_diag\", .funcs = funcs_1 },\n\t{ }",
		    "objects: vmlinux as NULL, then the module");
	tap_has_str(d, "LIVEFIX_FIX(objects);", "atomic replace through the macro");

	lf_manifest_free(&m);
	tap_is_int(lf_manifest_parse("manifest",
		   "vmlinux version_proc_show 0 __livefix_new.0.version_proc_show pre="
		   "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff:61:0+5,9+4\n",
		   &m, &e), 0, "a line with a pre-image parses");
	tap_ok(m.n == 1 && m.e[0].preimage.size == 61 && m.e[0].preimage.nmasks == 2 &&
	       m.e[0].preimage.masks[1].off == 9 && m.e[0].preimage.sha256[1] == 0x11,
	       "... into size, masks and digest");
	tap_is_int(lf_link_write_desc(tfs_path(&fs, "desc.c"), &r, &m, &e), 0,
		   "desc.c with a pre-image written");
	d = tfs_read(&fs, "desc.c");
	tap_has_str(d, "pre_masks_0[] = { { 0, 5 }, { 9, 4 } };", "masks become data");
	tap_has_str(d, ".size = 61, .nmasks = 2", "size and mask count");
	tap_has_str(d, ".preimage = &pre_0", "the function points at its pre-image");
	tap_has_str(d, "MODULE_INFO(livefix_preimage, \"vmlinux:version_proc_show,0:sha256:0011",
		    "and modinfo carries the fingerprint");

	r.replace = false;
	tap_is_int(lf_link_write_desc(tfs_path(&fs, "desc.c"), &r, &m, &e), 0,
		   "desc.c without replace");
	d = tfs_read(&fs, "desc.c");
	tap_has_str(d, "#define LIVEFIX_REPLACE false\n", "replace turned off before the header");
	tap_ok(!strstr(d, "LIVEFIX_FIX_VERSION"), "no version: the header's default");
	r.version = 3;
	tap_is_int(lf_link_write_desc(tfs_path(&fs, "desc.c"), &r, &m, &e), 0,
		   "desc.c with a cumulative version");
	d = tfs_read(&fs, "desc.c");
	tap_has_str(d, "#define LIVEFIX_FIX_VERSION 3\n#include \"livefix-patch.h\"",
		    "the version is defined before the header");
	tap_has_str(d, "LIVEFIX_FIX(objects);", "still declared through the macro");

	r.id = "bad\"id";
	tap_ok(lf_link_write_desc(tfs_path(&fs, "desc2.c"), &r, &m, &e) < 0,
	       "unsafe id refused");
	tap_has_str(e.msg, "fix id 'bad\"id'", "message names it");
	r.id = "ok";
	r.cves = "CVE\\n";
	tap_ok(lf_link_write_desc(tfs_path(&fs, "desc2.c"), &r, &m, &e) < 0,
	       "unsafe CVE list refused");
	lf_manifest_free(&m);
}

static void test_modpost(void)
{
	struct lf_err e;

	tfs_write(&fs, "ok.log",
		  "  MODPOST /tmp/x/Module.symvers\n"
		  "WARNING: modpost: \".klp.sym.vmlinux.linux_proc_banner,0\" [/tmp/x/lf_x.ko] undefined!\n");
	lf_err_clear(&e);
	tap_is_int(lf_link_check_modpost(tfs_path(&fs, "ok.log"), &e), 0,
		   "klp references may stay undefined");
	tfs_write(&fs, "bad.log",
		  "WARNING: modpost: \".klp.sym.vmlinux.a,0\" [/tmp/x/lf_x.ko] undefined!\n"
		  "WARNING: modpost: \"secret_fn\" [/tmp/x/lf_x.ko] undefined!\n");
	tap_ok(lf_link_check_modpost(tfs_path(&fs, "bad.log"), &e) < 0,
	       "any other undefined symbol fails");
	tap_is_str(e.msg,
		   "link: secret_fn is undefined (neither exported by the kernel nor by livefix.ko)",
		   "message names the symbol");
}

int main(void)
{
	tap_start();
	tfs_init(&fs);
	test_manifest();
	test_callbacks();
	test_callback_chains();
	test_desc();
	test_modpost();
	tfs_cleanup(&fs);
	return tap_end();
}
