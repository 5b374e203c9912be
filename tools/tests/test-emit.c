// SPDX-License-Identifier: GPL-2.0-only
/*
 * lf_emit on the fixture pairs of tests/objfix: the patch object is read
 * back with libelf (through elfobj) and must link with ld -r.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/build/elfobj.h"
#include "../lib/build/emit.h"
#include "tap.h"
#include "testfs.h"

static struct tfs tfs;

/* Exported: what the module loader resolves. lf_scale sits at sympos 2. */
struct fake {
	bool key_exported;	/* lf_ext_key */
	int calls;
};

/* When set: lf_scale lives in this object, not the unit's (module units). */
static const char *scale_obj;

static int fake_resolve(void *data, const char *name, bool is_local,
			bool *exported, unsigned long *sympos,
			const char **obj, struct lf_err *err)
{
	static const char *const exports[] = {
		"printk", "__fentry__", "__x86_return_thunk", "__might_sleep",
		"lf_report", "lf_get", "lf_limit",
	};
	struct fake *f = data;
	size_t i;

	(void)err;
	f->calls++;
	*exported = false;
	*sympos = !strcmp(name, "lf_scale") ? 2 : 0;
	for (i = 0; i < sizeof(exports) / sizeof(exports[0]); i++)
		if (!strcmp(name, exports[i]))
			*exported = !is_local;
	if (!strcmp(name, "lf_ext_key"))
		*exported = f->key_exported;
	if (!strcmp(name, "lf_scale"))
		*obj = scale_obj;
	return 0;
}

struct out {
	struct lf_elfobj *o;
	char manifest[1024];
	int ret;
	char msg[1100];		/* room for a prefix and a struct lf_err */
};

static void emit(const char *name, unsigned int unit, const char *objname,
		 bool key_exported, struct out *out)
{
	struct fake f = { .key_exported = key_exported };
	struct lf_emit_resolver res = { &f, fake_resolve };
	char before[512], after[512], po[64], pm[64], cmd[2048];
	struct lf_objdiff *d = NULL;
	struct lf_err e = { 0 };

	memset(out, 0, sizeof(*out));
	snprintf(before, sizeof(before), "%s/%s-before.o", LF_TEST_OBJFIX, name);
	snprintf(after, sizeof(after), "%s/%s-after.o", LF_TEST_OBJFIX, name);
	snprintf(po, sizeof(po), "%s-%s.o", name, objname);
	snprintf(pm, sizeof(pm), "%s-%s.manifest", name, objname);
	if (lf_objdiff(before, after, &d, &e)) {
		out->ret = e.code;
		snprintf(out->msg, sizeof(out->msg), "objdiff: %s", e.msg);
		return;
	}
	out->ret = lf_emit(after, d, unit, objname, &res,
			   tfs_path(&tfs, po), tfs_path(&tfs, pm), &e);
	lf_objdiff_free(d);
	snprintf(out->msg, sizeof(out->msg), "%s", e.msg);
	if (out->ret)
		return;
	snprintf(out->manifest, sizeof(out->manifest), "%s", tfs_read(&tfs, pm));
	if (lf_elfobj_open(tfs_path(&tfs, po), &out->o, &e)) {
		snprintf(out->msg, sizeof(out->msg), "reading back: %s", e.msg);
		out->ret = e.code;
		return;
	}
	snprintf(cmd, sizeof(cmd), "ld -r -o '%s' '%s' 2>&1",
		 tfs_path(&tfs, "linked.o"), tfs_path(&tfs, po));
	tap_is_int(system(cmd), 0, "%s: ld -r links the patch object", name);
}

static void done(struct out *out)
{
	lf_elfobj_close(out->o);
	out->o = NULL;
}

static const struct lf_esym *sym(const struct out *out, const char *name)
{
	size_t i = out->o ? lf_elfobj_sym_index(out->o, name) : 0;

	return i ? &out->o->syms[i] : NULL;
}

static const struct lf_esec *sec(const struct out *out, const char *name)
{
	size_t i = out->o ? lf_elfobj_sec_index(out->o, name) : 0;

	return i ? &out->o->secs[i] : NULL;
}

static uint64_t sec_size(const struct out *out, const char *name)
{
	const struct lf_esec *s = sec(out, name);

	return s ? s->sh.sh_size : 0;
}

static bool defined_in(const struct out *out, const char *name,
		       unsigned char bind, unsigned char type, const char *secname)
{
	const struct lf_esym *y = sym(out, name);

	return y && y->bind == bind && y->type == type && y->shndx &&
	       y->shndx < out->o->nsecs &&
	       !strcmp(out->o->secs[y->shndx].name, secname);
}

static bool undefined(const struct out *out, const char *name, unsigned char bind)
{
	const struct lf_esym *y = sym(out, name);

	return y && y->shndx == SHN_UNDEF && y->bind == bind;
}

/* Does a relocation of section @from point into section @to (or name)? */
static bool reloc_to(const struct out *out, const char *from, const char *to)
{
	const struct lf_esec *s = sec(out, from);
	size_t k;

	for (k = 0; s && k < s->nrela; k++) {
		const struct lf_esym *y = &out->o->syms[s->rela[k].sym];

		if (!strcmp(y->name, to) ||
		    (y->shndx && y->shndx < out->o->nsecs &&
		     !strcmp(out->o->secs[y->shndx].name, to)))
			return true;
	}
	return false;
}

static bool has_bytes(const struct out *out, const char *secname_prefix,
		      const void *bytes, size_t n)
{
	size_t i;

	for (i = 1; out->o && i < out->o->nsecs; i++) {
		const struct lf_esec *s = &out->o->secs[i];

		if (strncmp(s->name, secname_prefix, strlen(secname_prefix)) ||
		    !s->data)
			continue;
		if (memmem(s->data, s->sh.sh_size, bytes, n))
			return true;
	}
	return false;
}

static bool any_defined_named(const struct out *out, const char *name)
{
	size_t i;

	for (i = 1; out->o && i < out->o->nsyms; i++)
		if (out->o->syms[i].shndx && !strcmp(out->o->syms[i].name, name))
			return true;
	return false;
}

static void test_body(void)
{
	struct out o;

	emit("body", 1, "vmlinux", true, &o);
	tap_is_int(o.ret, 0, "body: emitted %s", o.msg);
	tap_ok(defined_in(&o, "__livefix_new.1.lf_body", STB_GLOBAL, STT_FUNC,
			  ".text.lf_body"),
	       "body: lf_body renamed __livefix_new.1.lf_body, GLOBAL");
	tap_is_int(sym(&o, "__livefix_new.1.lf_body") ?
		   (long long)sym(&o, "__livefix_new.1.lf_body")->value : -1,
		   16, "body: ... after its 16 bytes of padding");
	tap_ok(!any_defined_named(&o, "lf_other") && !any_defined_named(&o, "lf_scale") &&
	       !sec(&o, ".text.lf_other"), "body: unchanged functions are not carried");
	tap_ok(undefined(&o, ".klp.sym.vmlinux.lf_scale,2", STB_WEAK),
	       "body: local callee becomes .klp.sym.vmlinux.lf_scale,2");
	tap_ok(undefined(&o, "__fentry__", STB_GLOBAL) &&
	       undefined(&o, "__x86_return_thunk", STB_GLOBAL),
	       "body: exported symbols keep their names");
	tap_ok(reloc_to(&o, ".text.lf_body", ".klp.sym.vmlinux.lf_scale,2"),
	       "body: the call relocation was retargeted");
	tap_is_int((long long)sec_size(&o, "__mcount_loc"), 8,
		   "body: one __mcount_loc entry");
	tap_is_int((long long)sec_size(&o, "__patchable_function_entries"), 8,
		   "body: one __patchable_function_entries entry");
	tap_ok(!sec(&o, ".comment") && sec(&o, ".note.GNU-stack"),
	       "body: .comment dropped, .note.GNU-stack kept");
	tap_is_str(o.manifest, "vmlinux lf_body 0 __livefix_new.1.lf_body\n",
		   "body: manifest names the replaced function");
	done(&o);

	/* A module's unit: its own symbols and vmlinux's, each by its object. */
	emit("body", 1, "lfmod", true, &o);
	tap_ok(o.ret == 0 && undefined(&o, ".klp.sym.lfmod.lf_scale,2", STB_WEAK),
	       "body in a module: the module's local by .klp.sym.lfmod %s", o.msg);
	done(&o);
	scale_obj = "vmlinux";
	emit("body", 1, "lfmod", true, &o);
	scale_obj = NULL;
	tap_ok(o.ret == 0 && undefined(&o, ".klp.sym.vmlinux.lf_scale,2", STB_WEAK) &&
	       !sym(&o, ".klp.sym.lfmod.lf_scale,2"),
	       "body in a module: a vmlinux symbol by .klp.sym.vmlinux %s", o.msg);
	tap_is_str(o.manifest, "lfmod lf_body 0 __livefix_new.1.lf_body\n",
		   "body in a module: the manifest names the module");
	done(&o);
}

static void test_newfn(void)
{
	struct out o;

	emit("newfn", 2, "vmlinux", true, &o);
	tap_is_int(o.ret, 0, "newfn: emitted %s", o.msg);
	tap_ok(defined_in(&o, "__livefix_new.2.lf_helper", STB_GLOBAL, STT_FUNC,
			  ".text.lf_helper"), "newfn: new helper carried and renamed");
	tap_ok(defined_in(&o, "__livefix_new.2.lf_caller", STB_GLOBAL, STT_FUNC,
			  ".text.lf_caller"), "newfn: caller carried");
	tap_ok(reloc_to(&o, ".text.lf_caller", ".text.lf_helper") &&
	       !sym(&o, ".klp.sym.vmlinux.lf_helper,0"),
	       "newfn: the call goes to the carried helper");
	tap_ok(has_bytes(&o, ".rodata", "helper %d\n", 11),
	       "newfn: the helper's string is carried");
	tap_is_str(o.manifest, "vmlinux lf_caller 0 __livefix_new.2.lf_caller\n",
		   "newfn: manifest lists only the replaced function");
	done(&o);
}

static void test_data(void)
{
	static const int table[4] = { 11, 22, 33, 44 };
	const struct lf_esec *s;
	struct out o;

	emit("newglobal", 0, "vmlinux", true, &o);
	tap_ok(!o.ret && defined_in(&o, "lf_new_total", STB_GLOBAL, STT_OBJECT,
				    ".bss.lf_new_total"),
	       "newglobal: new variable defined, GLOBAL, in .bss %s", o.msg);
	s = sec(&o, ".bss.lf_new_total");
	tap_ok(s && s->sh.sh_type == SHT_NOBITS && s->sh.sh_size == 4,
	       "newglobal: ... 4 bytes of NOBITS");
	tap_ok(reloc_to(&o, ".text.lf_account", "lf_new_total") ||
	       reloc_to(&o, ".text.lf_account", ".bss.lf_new_total"),
	       "newglobal: the function refers to it");
	done(&o);

	emit("staticlocal", 0, "vmlinux", true, &o);
	tap_is_int(o.ret, 0, "staticlocal: emitted %s", o.msg);
	tap_ok(undefined(&o, ".klp.sym.vmlinux.count.0,0", STB_WEAK) &&
	       !any_defined_named(&o, "count.0") && !sec(&o, ".bss.count.0"),
	       "staticlocal: count.0 is the kernel's, by klp symbol");
	done(&o);

	emit("newdata", 0, "vmlinux", true, &o);
	tap_ok(!o.ret && any_defined_named(&o, "lf_table") &&
	       sym(&o, "lf_table")->bind == STB_LOCAL,
	       "newdata: new static table carried, LOCAL %s", o.msg);
	tap_ok(has_bytes(&o, ".", table, sizeof(table)),
	       "newdata: ... with its initializer");
	done(&o);
}

static void test_cold(void)
{
	struct out o;

	emit("cold", 0, "vmlinux", true, &o);
	tap_is_int(o.ret, 0, "cold: emitted %s", o.msg);
	tap_ok(defined_in(&o, "__livefix_new.0.lf_cold_work", STB_GLOBAL, STT_FUNC,
			  ".text.lf_cold_work"), "cold: function carried");
	tap_ok(defined_in(&o, "__livefix_new.0.lf_cold_work.cold", STB_LOCAL,
			  STT_FUNC, ".text.unlikely.lf_cold_work"),
	       "cold: its .cold part too, LOCAL, renamed alike for objtool");
	tap_ok(reloc_to(&o, ".text.lf_cold_work", ".text.unlikely.lf_cold_work") &&
	       reloc_to(&o, ".text.unlikely.lf_cold_work", ".text.lf_cold_work"),
	       "cold: the jumps between the two stay inside the patch");
	tap_is_str(o.manifest, "vmlinux lf_cold_work 0 __livefix_new.0.lf_cold_work\n",
		   "cold: one manifest line for the unit");
	done(&o);
}

static void test_string(void)
{
	struct out o;

	emit("string", 0, "vmlinux", true, &o);
	tap_is_int(o.ret, 0, "string: emitted %s", o.msg);
	tap_ok(has_bytes(&o, ".rodata", "hullo there %d\n", 16),
	       "string: the new literal is carried");
	tap_ok(has_bytes(&o, ".rodata", "string.c", 9),
	       "string: so is the file name might_sleep() passes");
	tap_ok(!has_bytes(&o, ".rodata", "goodbye", 7) &&
	       !sec(&o, ".rodata.lf_farewell.str1.1"),
	       "string: the unchanged function's strings are not");
	done(&o);
}

/* The relocation at @off of section @secname: its symbol, or NULL. */
static const struct lf_esym *reloc_sym(const struct out *out,
				       const char *secname, uint64_t off)
{
	const struct lf_esec *s = sec(out, secname);
	size_t k;

	for (k = 0; s && k < s->nrela; k++)
		if (s->rela[k].off == off)
			return &out->o->syms[s->rela[k].sym];
	return NULL;
}

static bool points_into(const struct out *out, const struct lf_esym *y,
			const char *secname)
{
	return y && y->shndx && y->shndx < out->o->nsecs &&
	       !strcmp(out->o->secs[y->shndx].name, secname);
}

static void test_special(void)
{
	static const unsigned char pause[] = { 0xf3, 0x90 };
	const struct lf_esym *k0, *k1;
	struct out o;

	emit("special", 0, "vmlinux", true, &o);
	tap_is_int(o.ret, 0, "special: emitted %s", o.msg);
	tap_is_int((long long)sec_size(&o, "__jump_table"), 32,
		   "special: only the changed function's two jump entries");
	tap_is_int((long long)sec_size(&o, "__ex_table"), 12,
		   "special: ... its one __ex_table entry");
	tap_is_int((long long)sec_size(&o, ".altinstructions"), 14,
		   "special: ... its one .altinstructions entry");
	tap_ok(sec_size(&o, ".altinstr_replacement") == 2 &&
	       has_bytes(&o, ".altinstr_replacement", pause, 2),
	       "special: ... and only its replacement (pause, not lfence)");
	tap_is_int((long long)sec_size(&o, "__bug_table"), 12,
		   "special: ... its one __bug_table entry");
	tap_is_int((long long)sec_size(&o, ".discard.reachable"), 4,
		   "special: ... its objtool annotation");
	tap_ok(points_into(&o, reloc_sym(&o, "__jump_table", 0), ".text.lf_special_changed") &&
	       points_into(&o, reloc_sym(&o, "__jump_table", 16), ".text.lf_special_changed") &&
	       points_into(&o, reloc_sym(&o, "__ex_table", 0), ".text.lf_special_changed") &&
	       points_into(&o, reloc_sym(&o, "__bug_table", 0), ".text.lf_special_changed") &&
	       points_into(&o, reloc_sym(&o, ".altinstructions", 0), ".text.lf_special_changed"),
	       "special: entries point into the carried function");
	tap_ok(points_into(&o, reloc_sym(&o, ".altinstructions", 4), ".altinstr_replacement"),
	       "special: the alternative points to the carried replacement");
	tap_ok(reloc_sym(&o, ".discard.reachable", 0) &&
	       reloc_sym(&o, ".discard.reachable", 0)->type == STT_SECTION,
	       "special: objtool annotations stay section-relative");
	k0 = reloc_sym(&o, "__jump_table", 8);
	k1 = reloc_sym(&o, "__jump_table", 24);
	tap_ok(k0 && k1 &&
	       ((!strcmp(k0->name, "lf_ext_key") &&
		 !strcmp(k1->name, ".klp.sym.vmlinux.__tracepoint_lf_event,0")) ||
		(!strcmp(k1->name, "lf_ext_key") &&
		 !strcmp(k0->name, ".klp.sym.vmlinux.__tracepoint_lf_event,0"))),
	       "special: static keys: exported by name, the other by klp symbol");
	done(&o);

	/* In a module, klp relocations come too late for jump labels. */
	emit("special", 0, "lfmod", true, &o);
	tap_is_int(o.ret, 0, "special in a module: emitted %s", o.msg);
	tap_is_int((long long)sec_size(&o, "__jump_table"), 16,
		   "special in a module: the inert tracepoint's entry is dropped");
	tap_ok(!strncmp(o.manifest, "lfmod lf_special_changed 0 ", 27),
	       "special in a module: manifest names the module");
	done(&o);

	emit("special", 0, "lfmod", false, &o);
	tap_is_int(o.ret, -ENOTSUP, "special in a module: unexported key refused");
	tap_has_str(o.msg, "static key lf_ext_key is not exported by lfmod",
		    "special in a module: ... saying which key");
	done(&o);
}

static void test_shared_section(void)
{
	const struct lf_esec *s;
	struct out o;
	size_t k, n = 0;

	emit("sharedsec", 0, "vmlinux", true, &o);
	tap_is_int(o.ret, 0, "sharedsec: emitted %s", o.msg);
	s = sec(&o, ".sched.text");
	tap_ok(s && defined_in(&o, "__livefix_new.0.lf_shared_grow", STB_GLOBAL,
			       STT_FUNC, ".sched.text") &&
	       sym(&o, "__livefix_new.0.lf_shared_grow")->value == 16 &&
	       s->sh.sh_size == 16 + sym(&o, "__livefix_new.0.lf_shared_grow")->size,
	       "sharedsec: only the changed function's bytes of .sched.text");
	tap_ok(!any_defined_named(&o, "lf_shared_call") &&
	       !any_defined_named(&o, "__livefix_new.0.lf_shared_call"),
	       "sharedsec: not its unchanged neighbours");
	for (k = 0; s && k < s->nrela; k++)
		n += !strcmp(o.o->syms[s->rela[k].sym].name,
			     ".klp.sym.vmlinux.lf_shared_inner,0");
	tap_is_int((long long)n, 2,
		   "sharedsec: both resolved calls became klp relocations");
	done(&o);
}

static void test_mismatch(void)
{
	struct fake f = { 0 };
	struct lf_emit_resolver res = { &f, fake_resolve };
	char b[512], a[512], other[512];
	struct lf_objdiff *d = NULL;
	struct lf_err e = { 0 };

	snprintf(b, sizeof(b), "%s/body-before.o", LF_TEST_OBJFIX);
	snprintf(a, sizeof(a), "%s/body-after.o", LF_TEST_OBJFIX);
	snprintf(other, sizeof(other), "%s/special-after.o", LF_TEST_OBJFIX);
	if (lf_objdiff(b, a, &d, &e)) {
		tap_ok(false, "mismatch: objdiff: %s", e.msg);
		return;
	}
	tap_is_int(lf_emit(other, d, 0, "vmlinux", &res, tfs_path(&tfs, "m.o"),
			   tfs_path(&tfs, "m.manifest"), &e),
		   -EINVAL, "an object that is not the diffed after.o is rejected");
	tap_ok(!tfs_exists(&tfs, "m.o") && !tfs_exists(&tfs, "m.manifest"),
	       "... and nothing is written");
	tap_is_int(lf_emit(a, d, 0, "vm.linux", &res, tfs_path(&tfs, "m.o"),
			   tfs_path(&tfs, "m.manifest"), &e),
		   -EINVAL, "an object name with a dot is rejected (klp parses on it)");
	lf_objdiff_free(d);
}


/* runtime_const_ptr() sites become loads of the symbol; shifts are refused. */
static void test_runtime_const(void)
{
	unsigned char load[] = { 0x48, 0x8b, 0x05, 0, 0, 0, 0, 0x0f, 0x1f, 0x00 };
	bool loads = false;
	static const unsigned char placeholder[] = { 0xef, 0xcd, 0xab, 0x89,
						     0x67, 0x45, 0x23, 0x01 };
	struct out o;

	emit("runtime", 0, "vmlinux", true, &o);
	tap_is_int(o.ret, 0, "runtime: emitted %s", o.msg);
	tap_ok(!has_bytes(&o, ".text.lf_user_ok", placeholder, sizeof(placeholder)),
	       "runtime: no placeholder left in the carried function");
	for (unsigned int r = 0; r < 16 && !loads; r++) {
		load[0] = 0x48 | (r >= 8 ? 4 : 0);
		load[2] = 0x05 | (r & 7) << 3;
		loads = has_bytes(&o, ".text.lf_user_ok", load, sizeof(load));
	}
	tap_ok(loads, "runtime: ... a RIP-relative load and a NOP instead");
	tap_ok(reloc_to(&o, ".text.lf_user_ok", "lf_limit"),
	       "runtime: ... relocated against the symbol holding the value");
	tap_ok(!sec(&o, "runtime_ptr_lf_limit"),
	       "runtime: the site table, which no module loader reads, is dropped");
	done(&o);

	emit("rtshift", 0, "vmlinux", true, &o);
	tap_is_int(o.ret, -ENOTSUP, "rtshift: a runtime shift count is refused");
	tap_has_str(o.msg, "runtime_const_shift_right_32(lf_hash_shift)",
		    "rtshift: ... naming the constant: %s", o.msg);
	tap_has_str(o.msg, "lf_hash+", "rtshift: ... and the function");
	done(&o);
}

int main(void)
{
	tap_start();
	tfs_init(&tfs);
	test_body();
	test_newfn();
	test_data();
	test_cold();
	test_string();
	test_special();
	test_runtime_const();
	test_shared_section();
	test_mismatch();
	tfs_cleanup(&tfs);
	return tap_end();
}
