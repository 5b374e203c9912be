// SPDX-License-Identifier: GPL-2.0-only
/*
 * lf_objdiff on the fixture pairs of tests/objfix (compiled like kernel
 * code by the Makefile): one class of change per pair.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../lib/build/elfobj.h"
#include "../lib/build/objdiff.h"
#include "tap.h"

static const char *path(const char *name, const char *half)
{
	static char buf[4][512];
	static int n;

	n = (n + 1) % 4;
	snprintf(buf[n], sizeof(buf[n]), "%s/%s-%s.o", LF_TEST_OBJFIX, name,
		 half);
	return buf[n];
}

static struct lf_objdiff *diff2(const char *before, const char *after,
				const char *what)
{
	struct lf_objdiff *d = NULL;
	struct lf_err e = { 0 };
	int ret = lf_objdiff(before, after, &d, &e);

	tap_is_int(ret, 0, "%s: objdiff runs%s%s", what, ret ? ": " : "",
		   ret ? e.msg : "");
	return d;
}

static struct lf_objdiff *diff(const char *name)
{
	return diff2(path(name, "before"), path(name, "after"), name);
}

static const char *fstatus(const struct lf_objdiff *d, const char *name)
{
	static const char *const s[] = { "UNCHANGED", "CHANGED", "NEW" };
	const struct lf_objdiff_func *f = d ? lf_objdiff_find_func(d, name) : NULL;

	return f ? s[f->status] : "absent";
}

static const char *ostatus(const struct lf_objdiff *d, const char *name)
{
	static const char *const s[] = { "UNCHANGED", "CHANGED", "NEW" };
	const struct lf_objdiff_obj *o = d ? lf_objdiff_find_obj(d, name) : NULL;

	return o ? s[o->status] : "absent";
}

static void verdict(const struct lf_objdiff *d, int want, const char *msg,
		    const char *what)
{
	struct lf_err e = { 0 };
	int ret = d ? lf_objdiff_verdict(d, &e) : -1;

	tap_is_int(ret, want, "%s: verdict %d", what, want);
	if (msg)
		tap_has_str(e.msg, msg, "%s: says '%s'", what, msg);
}

static void test_body(void)
{
	struct lf_objdiff *d = diff("body");

	tap_is_str(fstatus(d, "lf_body"), "CHANGED", "body: lf_body changed");
	tap_is_str(fstatus(d, "lf_other"), "UNCHANGED", "body: its caller did not");
	tap_is_str(fstatus(d, "lf_scale"), "UNCHANGED", "body: its callee did not");
	tap_is_str(ostatus(d, "lf_counter"), "UNCHANGED", "body: the data did not");
	tap_ok(d && !d->gone.n, "body: nothing disappeared");
	verdict(d, 0, NULL, "body");
	lf_objdiff_free(d);

	d = diff2(path("body", "before"), path("body", "before"), "same object");
	verdict(d, -ENODATA, "no functional change", "same object");
	lf_objdiff_free(d);
}

static void test_newfn(void)
{
	struct lf_objdiff *d = diff("newfn");
	const struct lf_objdiff_func *f = d ? lf_objdiff_find_func(d, "lf_helper") : NULL;

	tap_is_str(fstatus(d, "lf_helper"), "NEW", "newfn: the helper is new");
	tap_ok(f && !f->old_name && f->part_of < 0, "newfn: ... with no twin");
	tap_is_str(fstatus(d, "lf_caller"), "CHANGED", "newfn: its caller changed");
	lf_objdiff_free(d);

	/* The other way round the helper disappears, which is fine. */
	d = diff2(path("newfn", "after"), path("newfn", "before"), "newfn reversed");
	tap_ok(d && d->gone.n == 1 && !strcmp(d->gone.v[0], "lf_helper"),
	       "newfn reversed: lf_helper is noted as gone");
	verdict(d, 0, NULL, "newfn reversed");
	lf_objdiff_free(d);
}

static void test_data(void)
{
	struct lf_objdiff *d = diff("newglobal");
	const struct lf_objdiff_obj *o;

	tap_is_str(ostatus(d, "lf_new_total"), "NEW", "newglobal: variable is new");
	o = d ? lf_objdiff_find_obj(d, "lf_new_total") : NULL;
	tap_ok(o && !o->readonly && !o->fresh, "newglobal: ... writable, not fresh");
	tap_is_str(fstatus(d, "lf_account"), "CHANGED", "newglobal: its user changed");
	verdict(d, 0, NULL, "newglobal");
	lf_objdiff_free(d);

	d = diff("staticlocal");
	o = d ? lf_objdiff_find_obj(d, "count.0") : NULL;
	tap_is_str(ostatus(d, "count.0"), "UNCHANGED", "staticlocal: count.0 kept");
	tap_ok(o && o->old_name && !strcmp(o->old_name, "count.0") && o->old_local,
	       "staticlocal: ... paired with before's local count.0");
	tap_is_str(fstatus(d, "lf_count_calls"), "CHANGED", "staticlocal: function changed");
	lf_objdiff_free(d);

	d = diff("newdata");
	tap_is_str(ostatus(d, "lf_table"), "NEW", "newdata: static table is new");
	tap_is_str(fstatus(d, "lf_lookup"), "CHANGED", "newdata: its reader changed");
	lf_objdiff_free(d);

	d = diff("datachg");
	tap_is_str(ostatus(d, "lf_limit"), "CHANGED", "datachg: initializer changed");
	tap_is_str(fstatus(d, "lf_over"), "UNCHANGED", "datachg: the code did not");
	verdict(d, -ENOTSUP,
		"data lf_limit changed: livefix cannot change existing data; use a shadow variable",
		"datachg");
	lf_objdiff_free(d);
}

static void test_lines(void)
{
	struct lf_objdiff *d = diff("lineshift");
	const struct lf_objdiff_func *f;

	tap_is_str(fstatus(d, "lf_check"), "UNCHANGED",
		   "lineshift: WARN_ON's __bug_table line moved: no change");
	f = d ? lf_objdiff_find_func(d, "lf_sleepy") : NULL;
	tap_ok(f && f->status == LF_UNCHANGED && f->lines_only,
	       "lineshift: might_sleep()'s immediate line moved: no change, lines_only");
	verdict(d, -ENODATA, "no functional change", "lineshift");
	lf_objdiff_free(d);
}

static void test_cold(void)
{
	struct lf_objdiff *d = diff("cold");
	const struct lf_objdiff_func *c = d ? lf_objdiff_find_func(d, "lf_cold_work.cold") : NULL;
	const struct lf_objdiff_func *f = d ? lf_objdiff_find_func(d, "lf_cold_work") : NULL;

	tap_ok(c && f && c->part_of >= 0 && &d->funcs[c->part_of] == f,
	       "cold: lf_cold_work.cold is a part of lf_cold_work");
	tap_ok(f && f->status == LF_CHANGED && f->part_of < 0,
	       "cold: the unit is CHANGED");
	tap_ok(c && c->status == LF_CHANGED, "cold: ... and its part with it");
	verdict(d, 0, NULL, "cold");
	lf_objdiff_free(d);
}

static void test_strings(void)
{
	struct lf_objdiff *d = diff("string");

	tap_is_str(fstatus(d, "lf_greet"), "CHANGED", "string: new literal");
	tap_is_str(fstatus(d, "lf_farewell"), "UNCHANGED",
		   "string: a string that moved in its section is the same string");
	lf_objdiff_free(d);
}

static void test_shared_section(void)
{
	struct lf_objdiff *d = diff("sharedsec");

	tap_is_str(fstatus(d, "lf_shared_grow"), "CHANGED", "sharedsec: changed one");
	tap_is_str(fstatus(d, "lf_shared_call"), "UNCHANGED",
		   "sharedsec: a call the assembler resolved moved: no change");
	tap_is_str(fstatus(d, "lf_shared_inner"), "UNCHANGED",
		   "sharedsec: the static callee did not change");
	lf_objdiff_free(d);
}

static void test_refusals(void)
{
	struct lf_objdiff *d = diff("init");

	verdict(d, -ENOTSUP, "change to __init code lf_setup", "init");
	lf_objdiff_free(d);
}

static void test_notrace(void)
{
	struct lf_objdiff *d = diff("notrace");

	tap_is_str(fstatus(d, "lf_inner"), "NEW",
		   "notrace: the changed notrace function is carried, not replaced");
	tap_is_str(fstatus(d, "lf_entry_a"), "CHANGED", "notrace: its first caller is replaced");
	tap_is_str(fstatus(d, "lf_entry_b"), "CHANGED", "notrace: and its second");
	tap_is_str(fstatus(d, "lf_bystander"), "UNCHANGED", "notrace: others stay");
	verdict(d, 0, NULL, "notrace");
	lf_objdiff_free(d);
}

static void test_marks(void)
{
	struct lf_objdiff *d = diff("marks");

	tap_is_str(fstatus(d, "lf_ignored"), "UNCHANGED", "marks: an ignored function stays");
	tap_is_str(fstatus(d, "lf_forced"), "CHANGED", "marks: a forced one is replaced");
	tap_is_str(fstatus(d, "lf_plain"), "CHANGED", "marks: a plain change is replaced");
	tap_is_str(fstatus(d, "lf_hot"), "UNCHANGED", "marks: an ignored section stays");
	verdict(d, 0, NULL, "marks");
	lf_objdiff_free(d);
}

static void test_special(void)
{
	struct lf_objdiff *d = diff("special");

	tap_is_str(fstatus(d, "lf_special_changed"), "CHANGED", "special: changed one");
	tap_is_str(fstatus(d, "lf_special_same"), "UNCHANGED",
		   "special: same code, jump label, alternative, extable, bug entry: unchanged");
	lf_objdiff_free(d);
}

static void test_bad_input(void)
{
	struct lf_objdiff *d = (struct lf_objdiff *)1;
	struct lf_elfobj *o = (struct lf_elfobj *)1;
	struct lf_err e = { 0 };

	tap_is_int(lf_objdiff(path("body", "before"), "/nonexistent/x.o", &d, &e),
		   -ENOENT, "a missing object is an error");
	tap_ok(!d && strstr(e.msg, "/nonexistent/x.o"), "... naming it, with no result");
	tap_is_int(lf_elfobj_open("/dev/null", &o, &e), -EINVAL,
		   "a file that is no ELF object is refused");
	tap_ok(!o, "... with no model left behind");
}

static void test_tables(void)
{
	struct lf_elfobj *o = NULL;
	struct lf_err e = { 0 };
	uint32_t lo = 0;

	if (lf_elfobj_open(path("special", "after"), &o, &e)) {
		tap_ok(false, "open special-after.o: %s", e.msg);
		return;
	}
	tap_is_int(lf_special_entsize(o, lf_elfobj_sec_index(o, "__bug_table"), &lo),
		   12, "__bug_table entries are 12 bytes");
	tap_is_int(lo, 8, "... with the line at offset 8");
	tap_is_int(lf_special_entsize(o, lf_elfobj_sec_index(o, "__jump_table"), &lo),
		   16, "__jump_table entries are 16 bytes");
	tap_is_int(lf_special_entsize(o, lf_elfobj_sec_index(o, ".altinstructions"), &lo),
		   14, ".altinstructions entries are 14 bytes");
	tap_is_int(lf_special_entsize(o, lf_elfobj_sec_index(o, ".discard.reachable"), &lo),
		   4, ".discard.reachable: size from its relocations");
	tap_is_int(lf_special_entsize(o, lf_elfobj_sec_index(o, ".text.lf_special_same"), &lo),
		   0, "code is no table");
	tap_ok(lf_elfobj_func_of_sec(o, lf_elfobj_sec_index(o, ".text.lf_special_same")) ==
	       lf_elfobj_sym_index(o, "lf_special_same"),
	       "function of a section");
	tap_is_int((long long)lf_elfobj_func_start(o, lf_elfobj_sym_index(o, "lf_special_same")),
		   0, "a function's code starts at its 16-byte padding");
	lf_elfobj_close(o);
}

static void test_x86_len(void)
{
	static const struct {
		unsigned char code[12];
		size_t len;
		unsigned int want, rel32;
		const char *what;
	} v[] = {
		{ { 0xf3, 0x0f, 0x1e, 0xfa }, 4, 4, 0, "endbr64" },
		{ { 0xe8, 1, 2, 3, 4 }, 5, 5, 1, "call rel32" },
		{ { 0x2e, 0xe8, 1, 2, 3, 4 }, 6, 6, 2, "cs call rel32" },
		{ { 0x0f, 0x85, 1, 2, 3, 4 }, 6, 6, 2, "jne rel32" },
		{ { 0x74, 5 }, 2, 2, 0, "je rel8" },
		{ { 0x48, 0x8b, 0x05, 0, 0, 0, 0 }, 7, 7, 0, "mov x(%rip),%rax" },
		{ { 0x48, 0xc7, 0x44, 0x24, 8, 1, 0, 0, 0 }, 9, 9, 0, "movq $imm32,8(%rsp)" },
		{ { 0x66, 0xc7, 0x05, 0, 0, 0, 0, 1, 0 }, 9, 9, 0, "movw $imm16,x(%rip)" },
		{ { 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8 }, 10, 10, 0, "movabs $imm64,%rax" },
		{ { 0xbe, 0x0e, 0, 0, 0 }, 5, 5, 0, "mov $imm32,%esi" },
		{ { 0xf6, 0x05, 0, 0, 0, 0, 1 }, 7, 7, 0, "testb $imm8,x(%rip)" },
		{ { 0xf7, 0xd8 }, 2, 2, 0, "neg %eax" },
		{ { 0x0f, 0x0b }, 2, 2, 0, "ud2" },
		{ { 0x65, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0 }, 9, 9, 0, "mov %gs:abs32,%rax" },
		{ { 0xc5, 0xf8, 0x77 }, 3, 0, 0, "VEX is not decoded" },
		{ { 0x06 }, 1, 0, 0, "invalid in 64-bit mode" },
		{ { 0x48, 0x8b }, 2, 0, 0, "truncated" },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		unsigned int r = 99, n = lf_x86_insn_len(v[i].code, v[i].len, &r);

		tap_ok(n == v[i].want && r == v[i].rel32,
		       "insn length of %s: %u (rel32 at %u)", v[i].what, n, r);
	}
}

static void test_x86(void)
{
	static const struct {
		unsigned char code[12];
		size_t len, off;
		unsigned int tail;
		const char *what;
	} v[] = {
		{ { 0xe8, 0, 0, 0, 0 }, 5, 1, 0, "call rel32" },
		{ { 0x0f, 0x85, 0, 0, 0, 0 }, 6, 2, 0, "jne rel32" },
		{ { 0x8b, 0x05, 0, 0, 0, 0 }, 6, 2, 0, "mov x(%rip),%eax" },
		{ { 0xc7, 0x05, 0, 0, 0, 0, 1, 0, 0, 0 }, 10, 2, 4, "movl $imm32,x(%rip)" },
		{ { 0x66, 0xc7, 0x05, 0, 0, 0, 0, 1, 0 }, 9, 3, 2, "movw $imm16,x(%rip)" },
		{ { 0x83, 0x05, 0, 0, 0, 0, 1 }, 7, 2, 1, "addl $imm8,x(%rip)" },
		{ { 0x48, 0x81, 0x3d, 0, 0, 0, 0, 1, 0, 0, 0 }, 11, 3, 4, "cmpq $imm32,x(%rip)" },
		{ { 0xf6, 0x05, 0, 0, 0, 0, 1 }, 7, 2, 1, "testb $imm8,x(%rip)" },
		{ { 0xf7, 0x1d, 0, 0, 0, 0 }, 6, 2, 0, "negl x(%rip)" },
		{ { 0x0f, 0xba, 0x25, 0, 0, 0, 0, 3 }, 8, 3, 1, "btl $imm8,x(%rip)" },
		{ { 0x0f, 0xb6, 0x05, 0, 0, 0, 0 }, 7, 3, 0, "movzbl x(%rip),%eax" },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		tap_is_int(lf_x86_rel32_tail(v[i].code, v[i].len, v[i].off),
			   v[i].tail, "rel32 tail of %s", v[i].what);
}

int main(void)
{
	tap_start();
	test_body();
	test_newfn();
	test_data();
	test_lines();
	test_cold();
	test_strings();
	test_refusals();
	test_notrace();
	test_marks();
	test_special();
	test_shared_section();
	test_bad_input();
	test_tables();
	test_x86_len();
	test_x86();
	return tap_end();
}
