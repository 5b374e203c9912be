#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `livefix build` on inputs it must refuse: each is one line on stderr
# naming the fault, a non-zero exit, and no module left behind. All but
# the __init case fail before anything is compiled.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
livefix="$root/tools/livefix/livefix"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

# refused WHAT WANT ARGS...: build in an empty directory, -o lf_err.ko.
refused() {
	local what=$1 want=$2 err rc
	shift 2
	rm -rf "$tmp/run" && mkdir "$tmp/run"
	err=$(cd "$tmp/run" && "$livefix" build -o lf_err.ko "$@" 2>&1 >/dev/null)
	rc=$?
	echo "# $what: $err"
	check $((rc == 0)) "$what: build fails"
	grep -qF -- "$want" <<<"$err" && [ "$(wc -l <<<"$err")" -eq 1 ]
	check $? "$what: one line saying '$want'"
	[ -z "$(find "$tmp/run" -name '*.ko')" ]
	check $? "$what: no module is left"
}

cat >"$tmp/noapply.patch" <<'P'
--- a/fs/proc/version.c
+++ b/fs/proc/version.c
@@ -10,7 +10,7 @@
 static int version_proc_show(struct seq_file *m, void *v)
 {
 	seq_printf(m, linux_proc_banner,
-		utsname()->nodename_not_there,
+		utsname()->nodename,
 		utsname()->release,
 		utsname()->version);
 	return 0;
P
cat >"$tmp/makefile.patch" <<'P'
--- a/fs/proc/Makefile
+++ b/fs/proc/Makefile
@@ -1,3 +1,4 @@
 # SPDX-License-Identifier: GPL-2.0
+# livefix build_errors
 #
 # Makefile for the Linux proc filesystem routines.
P
: >"$tmp/empty.patch"
cat >"$tmp/init.patch" <<'P'
--- a/fs/proc/version.c
+++ b/fs/proc/version.c
@@ -20,7 +20,7 @@
 {
 	struct proc_dir_entry *pde;
 
-	pde = proc_create_single("version", 0, NULL, version_proc_show);
+	pde = proc_create_single("version", 0444, NULL, version_proc_show);
 	pde_make_permanent(pde);
 	return 0;
 }
P

cat >"$tmp/publicmacro.patch" <<'P'
--- a/include/linux/seq_file.h
+++ b/include/linux/seq_file.h
@@ -35,7 +35,7 @@
 	int (*show) (struct seq_file *m, void *v);
 };
 
-#define SEQ_SKIP 1
+#define SEQ_SKIP 2
 
 /**
  * seq_has_overflowed - check if the buffer has overflowed
P

echo "TAP version 13"
refused "missing patch file" "$tmp/nope.patch: No such file or directory" \
	"$tmp/nope.patch"
refused "empty diff" "empty.patch: no changes" "$tmp/empty.patch"
refused "non-C file" "fs/proc/Makefile: not C source" "$tmp/makefile.patch"
refused "unknown ABI" "unknown ABI 6.12.999+deb12-amd64" \
	-t 6.12.999+deb12-amd64 "$root/selftests/fixes/01-body/fix.patch"
refused "diff that does not apply" "does not apply to fs/proc/version.c" \
	"$tmp/noapply.patch"
refused "macro change in a kernel-wide header" \
	"include/linux/seq_file.h:38: macro change outside a function body in a kernel-wide header" \
	"$tmp/publicmacro.patch"
refused "change to __init code" "change to __init code proc_version_init" \
	"$tmp/init.patch"

# Not an error: a module unit that includes a header kbuild generates only
# for its object (the ASN.1 parser of cifs) cannot be preprocessed alone,
# which is how a build asks kbuild for a unit's module when the module
# index does not know it yet.
cat >"$tmp/asn1.patch" <<'P'
--- a/fs/smb/client/asn1.c
+++ b/fs/smb/client/asn1.c
@@ -29,7 +29,7 @@
 		char buf[50];
 
 		sprint_oid(value, vlen, buf, sizeof(buf));
-		cifs_dbg(FYI, "Error decoding negTokenInit header: unexpected OID %s\n",
+		cifs_dbg(VFS, "Error decoding negTokenInit header: unexpected OID %s\n",
 			 buf);
 		return -EBADMSG;
 	}
P
rm -rf "$tmp/run" && mkdir "$tmp/run"
err=$(cd "$tmp/run" && "$livefix" build -o lf_asn1.ko "$tmp/asn1.patch" 2>&1 >/dev/null)
rc=$?
[ $rc -eq 0 ] || echo "# $err"
[ $rc -eq 0 ] && [ -f "$tmp/run/lf_asn1.ko" ] &&
	modinfo -F livefix_target "$tmp/run/lf_asn1.ko" >/dev/null
check $? "a fix to a module unit with a generated header (cifs asn1.c) builds"

# A tree that is not the one the kernel was built from: the cached source
# with version_proc_show() changed outside the fix's hunk (a hard-linked
# copy, so it costs no space; patch(1) and the edit below replace files
# rather than write through the links, so the cache stays intact). Its
# O= tree is prepared once and kept in the cache, keyed by the path.
abi=$("$root/scripts/abi")
src="${LIVEFIX_CACHE:-$HOME/.cache/livefix}/$abi/src"
other="${LIVEFIX_CACHE:-$HOME/.cache/livefix}/$abi/test-other-src"
if [ ! -d "$other" ]; then
	rm -rf "$other.tmp" && cp -al "$src/." "$other.tmp" &&
		sed 's/^\tseq_printf(m, linux_proc_banner,/\tseq_putc(m, 0x20); seq_printf(m, linux_proc_banner,/' \
			"$src/fs/proc/version.c" >"$other.tmp/fs/proc/version.c.new" &&
		mv "$other.tmp/fs/proc/version.c.new" "$other.tmp/fs/proc/version.c" &&
		mv "$other.tmp" "$other"
fi
grep -q 'seq_putc(m, 0x20); seq_printf' "$other/fs/proc/version.c" &&
	! grep -q 'seq_putc(m, 0x20)' "$src/fs/proc/version.c"
check $? "a tree that differs in version_proc_show, the cache untouched"
refused "source that does not match the shipped kernel" \
	"version_proc_show: pre-image check failed" \
	--src "$other" "$root/selftests/fixes/01-body/fix.patch"
tap_done
