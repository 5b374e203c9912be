#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# End-to-end checks of the livefix binary against a fake sysfs/procfs tree.
# Nothing here touches the running kernel: every case either only reads
# the fake tree or fails before a module would be inserted.
#
#   cli.sh LIVEFIX-BINARY FIXTURE-DIR RELEASE

set -u
bin=$1
fix=$2
rel=$3
n=0
nfail=0
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

sys=$work/sys
proc=$work/proc
out=$work/out
err=$work/err
export LIVEFIX_SYSFS="$sys" LIVEFIX_PROCFS="$proc" LIVEFIX_KERNEL_RELEASE="$rel"

echo "TAP version 13"

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	nfail=$((nfail + 1))
	echo "not ok $n - $1"
	shift
	for line in "$@"; do echo "# $line"; done
	sed 's/^/#   stdout: /' "$out"
	sed 's/^/#   stderr: /' "$err"
}

# Belt and braces: should a bug let a case get past the pre-load checks,
# the binary still must not be able to insert anything into this kernel.
guard=
if setpriv --bounding-set=-sys_module true 2>/dev/null; then
	guard="setpriv --bounding-set=-sys_module"
fi

run() {
	$guard "$bin" "$@" >"$out" 2>"$err"
	status=$?
}

# expect STATUS DESC: exit status only
expect() {
	if [ "$status" -eq "$1" ]; then ok "$2"; else not_ok "$2" "exit $status, want $1"; fi
}

# expect_err STATUS EXACT-STDERR-LINE DESC: status, one stderr line, text
expect_err() {
	lines=$(wc -l <"$err")
	got=$(cat "$err")
	if [ "$status" -ne "$1" ]; then
		not_ok "$3" "exit $status, want $1"
	elif [ "$lines" -ne 1 ]; then
		not_ok "$3" "$lines stderr lines, want exactly 1"
	elif [ "$got" != "$2" ]; then
		not_ok "$3" "stderr: $got" "want:   $2"
	else
		ok "$3"
	fi
}

# expect_out FILE DESC: stdout equals FILE, stderr empty, exit 0
expect_out() {
	if [ "$status" -ne 0 ]; then
		not_ok "$2" "exit $status, want 0"
	elif [ -s "$err" ]; then
		not_ok "$2" "unexpected stderr"
	elif ! cmp -s "$out" "$1"; then
		not_ok "$2" "stdout differs from expected:"
		sed 's/^/#   want:   /' "$1"
	else
		ok "$2"
	fi
}

mkpatch() { # name enabled transition
	mkdir -p "$sys/kernel/livepatch/$1"
	echo "$2" >"$sys/kernel/livepatch/$1/enabled"
	echo "$3" >"$sys/kernel/livepatch/$1/transition"
}
mkfunc() { # patch object funcdir
	mkdir -p "$sys/kernel/livepatch/$1/$2/$3"
	echo 1 >"$sys/kernel/livepatch/$1/$2/patched"
}

mkdir -p "$sys/kernel/livepatch" "$sys/module" "$proc"

# --- usage -------------------------------------------------------------
run help
if [ "$status" -eq 0 ] && grep -q 'load' "$out" && grep -q 'unload' "$out" &&
   grep -q 'list' "$out" && [ ! -s "$err" ]; then
	ok "help lists the verbs"
else
	not_ok "help lists the verbs"
fi
run
if [ "$status" -eq 0 ] && grep -q '^usage: livefix' "$out"; then
	ok "no arguments prints usage"
else
	not_ok "no arguments prints usage"
fi
run -h
expect 0 "-h exits 0"
run load --help
if [ "$status" -eq 0 ] && grep -q '^usage: livefix load' "$out"; then
	ok "verb --help prints that verb's usage"
else
	not_ok "verb --help prints that verb's usage"
fi
run frobnicate
expect_err 2 "livefix: frobnicate: unknown verb; see 'livefix help'" "unknown verb exits 2"
run --frob
expect_err 2 "livefix: --frob: unknown option; see 'livefix help'" "unknown global option exits 2"
run list --bogus
expect_err 2 "livefix: list: unknown option '--bogus'" "unknown option exits 2"
run list extra
expect_err 2 "livefix: list: unexpected argument 'extra'" "stray argument exits 2"
run load
expect_err 2 "livefix: load: missing FILE.ko argument; see 'livefix help load'" "load without file exits 2"
run load --timeout abc x.ko
expect_err 2 "livefix: load: invalid timeout 'abc' (want seconds, 0 < t <= 86400)" "bad timeout exits 2"
run load --timeout=0 x.ko
expect 2 "zero timeout exits 2"
run unload --timeout
expect_err 2 "livefix: unload: option '--timeout' needs a value" "timeout without value exits 2"
run list --json=yes
expect_err 2 "livefix: list: option '--json' takes no value" "flag with value exits 2"

# --- version -----------------------------------------------------------
run version
printf 'livefix 0.1.0\nlivefix.ko -\n' >"$work/want"
expect_out "$work/want" "version without livefix.ko"
mkdir -p "$sys/kernel/livefix"
echo 0.1.0 >"$sys/kernel/livefix/version"
run --version
printf 'livefix 0.1.0\nlivefix.ko 0.1.0\n' >"$work/want"
expect_out "$work/want" "--version shows the core module version"

# --- list --------------------------------------------------------------
run list
printf 'no fixes loaded\n' >"$work/want"
expect_out "$work/want" "list with nothing loaded"
run list --json
printf '[]\n' >"$work/want"
expect_out "$work/want" "list --json with nothing loaded"

mkpatch livefix_cve_2024_1 1 0
mkfunc livefix_cve_2024_1 vmlinux 'cmdline_proc_show,1'
mkpatch foreign 1 1
mkfunc foreign vmlinux 'foo,2'
mkfunc foreign nfsd 'nfsd_open,1'
mkdir -p "$sys/kernel/livefix/fixes/livefix_cve_2024_1"
echo "$rel" >"$sys/kernel/livefix/fixes/livefix_cve_2024_1/target"
echo "CVE-2024-1 CVE-2024-9" >"$sys/kernel/livefix/fixes/livefix_cve_2024_1/cves"
echo live >"$sys/kernel/livefix/fixes/livefix_cve_2024_1/state"
lfd="$sys/kernel/livefix/fixes/livefix_cve_2024_1"
echo cve-2024-1 >"$lfd/id"
echo 2 >"$lfd/version"
echo 1 >"$lfd/replace"
echo 'vmlinux cmdline_proc_show,0 match' >"$lfd/functions"
echo 1 >"$lfd/sig_ok"
echo 1700000000 >"$lfd/applied_at"
echo 0 >"$lfd/reverted_at"
echo >"$lfd/revert_reason"
# Replaced: klp has dropped it, livefix.ko still records it.
old="$sys/kernel/livefix/fixes/livefix_old"
mkdir -p "$old"
echo "$rel" >"$old/target"
echo CVE-2024-1 >"$old/cves"
echo replaced >"$old/state"
echo cve-2024-1 >"$old/id"
echo 1 >"$old/version"
echo 1 >"$old/replace"
echo 'vmlinux cmdline_proc_show,0 match' >"$old/functions"
echo 0 >"$old/sig_ok"
echo 1600000000 >"$old/applied_at"
echo 1700000000 >"$old/reverted_at"
echo 'replaced by livefix_cve_2024_1' >"$old/revert_reason"

run list
{
	printf '%-18s  %-8s  %-*s  %-21s  %s\n' NAME STATE ${#rel} TARGET CVES FUNCTIONS
	printf '%-18s  %-8s  %-*s  %-21s  %s\n' foreign patching ${#rel} - - 'nfsd:nfsd_open vmlinux:foo,2'
	printf '%-18s  %-8s  %-*s  %-21s  %s\n' livefix_cve_2024_1 live ${#rel} "$rel" \
		CVE-2024-1,CVE-2024-9 vmlinux:cmdline_proc_show
	printf '%-18s  %-8s  %-*s  %-21s  %s\n' livefix_old replaced ${#rel} "$rel" \
		CVE-2024-1 vmlinux:cmdline_proc_show
} >"$work/want"
expect_out "$work/want" "list shows sorted, aligned fixes"

run list --json
printf '%s\n' "[{\"name\":\"foreign\",\"state\":\"patching\",\"enabled\":true,\"transition\":true,\"target\":null,\"cves\":[],\"functions\":[{\"object\":\"nfsd\",\"function\":\"nfsd_open\",\"sympos\":1,\"fingerprint\":null},{\"object\":\"vmlinux\",\"function\":\"foo\",\"sympos\":2,\"fingerprint\":null}],\"id\":null,\"version\":null,\"replace\":null,\"signature_verified\":null,\"applied_at\":null,\"reverted_at\":null,\"revert_reason\":null},{\"name\":\"livefix_cve_2024_1\",\"state\":\"live\",\"enabled\":true,\"transition\":false,\"target\":\"$rel\",\"cves\":[\"CVE-2024-1\",\"CVE-2024-9\"],\"functions\":[{\"object\":\"vmlinux\",\"function\":\"cmdline_proc_show\",\"sympos\":1,\"fingerprint\":\"match\"}],\"id\":\"cve-2024-1\",\"version\":2,\"replace\":true,\"signature_verified\":true,\"applied_at\":1700000000,\"reverted_at\":null,\"revert_reason\":null},{\"name\":\"livefix_old\",\"state\":\"replaced\",\"enabled\":false,\"transition\":false,\"target\":\"$rel\",\"cves\":[\"CVE-2024-1\"],\"functions\":[{\"object\":\"vmlinux\",\"function\":\"cmdline_proc_show\",\"sympos\":1,\"fingerprint\":\"match\"}],\"id\":\"cve-2024-1\",\"version\":1,\"replace\":true,\"signature_verified\":false,\"applied_at\":1600000000,\"reverted_at\":1700000000,\"revert_reason\":\"replaced by livefix_cve_2024_1\"}]" >"$work/want"
expect_out "$work/want" "list --json"
if command -v python3 >/dev/null 2>&1; then
	if python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d)==3' <"$out"; then
		ok "list --json parses as JSON"
	else
		not_ok "list --json parses as JSON"
	fi
else
	ok "list --json parses as JSON # SKIP no python3"
fi

# --- info --------------------------------------------------------------
run info livefix_old
{
	printf '%-10s %s\n' name: livefix_old id: cve-2024-1
	printf '%-10s %s\n' version: '1 (cumulative: replaces earlier fixes)'
	printf '%-10s %s\n' state: replaced target: "$rel" cves: CVE-2024-1
	printf '%-10s %s\n' signature: 'not verified (unsigned or untrusted key)'
	printf '%-10s %s\n' applied: '2020-09-13 12:26:40 UTC' reverted: '2023-11-14 22:13:20 UTC'
	printf '%-10s %s\n' reason: 'replaced by livefix_cve_2024_1'
	printf 'functions:\n  %-40s fingerprint match\n' vmlinux:cmdline_proc_show
} >"$work/want"
expect_out "$work/want" "info shows a replaced fix klp no longer knows"
run info --json livefix_cve_2024_1
grep -q '"fingerprint":"match"' "$out" && grep -q '"version":2' "$out" &&
	grep -q '"signature_verified":true' "$out" &&
	[ "$status" -eq 0 ] && ok "info --json shows one fix" ||
	not_ok "info --json shows one fix" "$(cat "$out" "$err")"
run info livefix_cve_2024_1
grep -qx 'signature: verified by a trusted key' "$out" && [ "$status" -eq 0 ] &&
	ok "info says when the kernel verified the fix's signature" ||
	not_ok "info says when the kernel verified the fix's signature" "$(cat "$out" "$err")"
run info foreign
grep -qx 'signature: -' "$out" && [ "$status" -eq 0 ] &&
	ok "info shows no signature verdict for a fix livefix.ko does not know" ||
	not_ok "info shows no signature verdict for a fix livefix.ko does not know" "$(cat "$out" "$err")"
run info no_such_fix
expect_err 1 "livefix: info: no_such_fix: no such fix" "info of an unknown fix fails with one line"
run info
expect "2" "info without NAME is a usage error"

LIVEFIX_SYSFS=$work/nosys run list
expect_err 1 "livefix: list: $work/nosys/kernel/livepatch: not found; is the kernel built with CONFIG_LIVEPATCH?" \
	"list without livepatch support fails with one line"

# --- load: everything here fails before the kernel is touched -----------
run load "$work/missing.ko"
expect_err 1 "livefix: load: $work/missing.ko: no such file" "load of a missing file"
printf 'just text\n' >"$work/text.ko"
run load "$work/text.ko"
expect_err 1 "livefix: load: $work/text.ko: not an ELF file" "load of a non-ELF file"
run load "$fix/nomodinfo.ko"
expect_err 1 "livefix: load: $fix/nomodinfo.ko: not a kernel module (no .modinfo section)" \
	"load of an object without modinfo"
run load "$fix/notlp.ko"
expect_err 1 "livefix: load: $fix/notlp.ko: not a livepatch module" "load of a non-livepatch module"
run load "$fix/oldkernel.ko"
expect_err 1 "livefix: load: $fix/oldkernel.ko: built for kernel 6.1.0-9-amd64, but the running kernel is $rel" \
	"load of a module for another kernel"
LIVEFIX_KERNEL_RELEASE=6.1.0-9-amd64 run load "$fix/lf-good.ko"
expect_err 1 "livefix: load: $fix/lf-good.ko: built for kernel $rel, but the running kernel is 6.1.0-9-amd64" \
	"running kernel taken from LIVEFIX_KERNEL_RELEASE"
run load "$fix/badtarget.ko"
expect_err 1 "livefix: load: $fix/badtarget.ko: targets kernel 6.1.0-9-amd64 (livefix_target), but the running kernel is $rel" \
	"load of a module whose livefix_target differs"
# The only case whose file passes every check: without the guard a bug
# here would reach the real kernel, so it is skipped rather than risked.
if [ -n "$guard" ]; then
	mkpatch lf_good 1 0
	run load "$fix/lf-good.ko"
	expect_err 1 "livefix: load: $fix/lf-good.ko: a fix named lf_good is already loaded" \
		"load of an already loaded fix"
	rm -rf "$sys/kernel/livepatch/lf_good"
else
	ok "load of an already loaded fix # SKIP setpriv cannot drop CAP_SYS_MODULE"
fi

# --- unload ------------------------------------------------------------
run unload nosuch
expect_err 1 "livefix: unload: nosuch: no such fix" "unload of an unknown fix"
run unload ./no-such.ko
expect_err 1 "livefix: unload: no_such: no such fix" "unload normalises a path argument"
mkdir -p "$sys/module/ext4"
echo >"$sys/module/ext4/taint"
run unload ext4
expect_err 1 "livefix: unload: ext4: not a livepatch module; refusing to unload it" \
	"unload refuses ordinary modules"

# --- health ------------------------------------------------------------
run health fail lf_hf
expect_err 2 "livefix: health: missing --reason; see 'livefix help health'" \
	"health fail needs --reason"
run health fail lf_hf --reason 'two "words"'
expect_err 2 "livefix: health: --reason must be 1 to 140 printable characters without '\"'" \
	"health fail refuses a quoted reason"
# These cases come last and own the fake livefix tree.
rm -rf "$sys/kernel/livefix"
run health fail lf_hf --reason x
expect_err 1 "livefix: health: livefix.ko is not loaded" "health fail without livefix.ko"
run health mend lf_hf
expect_err 2 "livefix: health: unknown action 'mend' (want fail or run)" \
	"health with an unknown action"
run health run --interval 0 lf_hf -- true
expect_err 2 "livefix: health: invalid timeout '0' (want seconds, 0 < t <= 86400)" \
	"health run refuses a zero interval"
run health run --count -1 lf_hf -- true
expect_err 2 "livefix: health: invalid count '-1' (want a positive integer)" \
	"health run refuses a negative count"
run health run lf_hf
expect_err 2 "livefix: health: missing the probe command after NAME --" \
	"health run needs a command"

hf=$sys/kernel/livefix/fixes/lf_hf
mkdir -p "$hf"
echo live >"$hf/state"
echo "watching 300" >"$hf/health"
run health fail lf-hf --reason "latency too high"
if [ "$status" -eq 0 ] && [ "$(cat "$hf/health")" = "fail latency too high" ]; then
	ok "health fail writes the report"
else
	not_ok "health fail writes the report" "exit $status, health: $(cat "$hf/health")"
fi
echo "watching 300" >"$hf/health"
run health run --interval 0.01 --count 3 lf_hf -- true
if [ "$status" -eq 0 ] && grep -qx "livefix: lf_hf: 3 passing probes" "$out" &&
	[ "$(cat "$hf/health")" = "watching 300" ]; then
	ok "health run: passing probes report nothing"
else
	not_ok "health run: passing probes report nothing" "exit $status"
fi
run health run --interval 0.01 lf_hf -- sh -c 'echo disk full; exit 7'
if [ "$status" -eq 1 ] && [ "$(cat "$hf/health")" = "fail probe sh exited 7: disk full" ]; then
	ok "health run reports a failing probe with its status and output"
else
	not_ok "health run reports a failing probe" "exit $status, health: $(cat "$hf/health")"
fi
echo "failed probe sh exited 7: disk full" >"$hf/health"
echo reverted >"$hf/state"
run health run lf_hf -- true
expect_err 1 "livefix: health: lf_hf: is being reverted (probe sh exited 7: disk full); stopping the probe" \
	"health run stops once the fix is reverted"
echo live >"$hf/state"
echo ok >"$hf/health"
run health fail lf_hf --reason late
expect_err 1 "livefix: health: lf_hf: its health watch has ended; remove it with 'livefix unload lf_hf'" \
	"health fail after the watch window"
run health run --interval 0.01 lf_hf -- false
if [ "$status" -eq 0 ] && grep -qx "livefix: lf_hf: health watch ended after 0 passing probes" "$out"; then
	ok "health run ends with the watch"
else
	not_ok "health run ends with the watch" "exit $status"
fi
rm -rf "$sys/kernel/livefix"

echo "1..$n"
[ "$nfail" -eq 0 ]
