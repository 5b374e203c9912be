#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The embargo workflow of doc/signing.md (section 5) on the host. The
# target is prepared beforehand (online, like step 1); then `livefix
# keygen`, `build`, `sign` and `verify` run with no network at all, in a
# network namespace of their own (only lo, down), under strace, with a
# fresh HOME, TMPDIR and working directory and LIVEFIX_CACHE naming the
# real (prepared, shared) cache. The diff is the bundled example with a
# random marker in its message, a comment and a string, so every form of
# it (diff, patched source, assembly, object) carries the marker.
#
#  - every file they (and their children) open for writing, even for a
#    moment, is in the chosen output directory, the cache or the build's
#    private directory: nothing goes to /tmp, HOME or anywhere else; and
#    none of them tries to connect anywhere;
#  - livefix's own directories are created 0700, its files outside them
#    0600; the private key ends up 0600;
#  - afterwards TMPDIR, HOME and the working directory are empty, and no
#    file written anywhere during the test, the cache included, holds the
#    marker or the private key (its PEM body or raw bytes), except the
#    input and the output directories;
#  - a build killed (SIGTERM) while the cached tree is patched, and one
#    interrupted (SIGINT) while it compiles, end at once, leave no
#    temporary behind and the cached source byte for byte and timestamp
#    as it was.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/scripts/lib.sh"
. "$(dirname "$0")/lib.sh"
livefix="$root/tools/livefix/livefix"
abi=$(lf_default_abi)
# HOME changes below: name the real cache, as the resolved paths strace sees.
cache=$(realpath -m "$LF_CACHE")
dir="$cache/$abi"
src="$dir/src/fs/proc/version.c"

t=$(realpath "$(mktemp -d)")
bg=
trap '[ -n "$bg" ] && kill -KILL "$bg" 2>/dev/null; rm -rf "$t"' EXIT
mkdir -p "$t"/{in,out,home,tmp,cwd,trace}

# "${offline[@]}" CMD...: CMD with no network, a fresh HOME and TMPDIR.
offline=(unshare --net env -u XDG_CACHE_HOME HOME="$t/home" TMPDIR="$t/tmp"
	LIVEFIX_CACHE="$cache" LIVEFIX_ABI="$abi")

# traced NAME CMD...: CMD offline, from $t/cwd, under strace (the trace in
# $t/trace/NAME). Every step execs: a background job's $! is strace's,
# and the first process in the trace is CMD's.
traced() {
	local name=$1
	shift
	cd "$t/cwd" && exec "${offline[@]}" strace -f -y -qq --seccomp-bpf \
		-o "$t/trace/$name" \
		-e trace=open,openat,openat2,creat,mkdir,mkdirat,connect "$@"
}

# written NAME PREFIX...: files the traced command opened for writing
# (resolved paths, as strace -y prints them) under none of the PREFIXes.
written() {
	local name=$1
	shift
	grep -E 'O_WRONLY|O_RDWR|O_CREAT|^[0-9]+ creat\(' "$t/trace/$name" |
		sed -nE 's/.* = [0-9]+<(.*)>$/\1/p' | sort -u |
		awk 'BEGIN { for (i = 1; i < ARGC; i++) ok[i] = ARGV[i]; n = ARGC; ARGC = 1 }
		     { for (i = 1; i < n; i++) if (index($0, ok[i]) == 1) next; print }' "$@"
}

# inet NAME: the connections to IPv4/IPv6 addresses the command tried.
inet() {
	grep -E 'connect\(.*sa_family=AF_INET6?[,}]' "$t/trace/$1"
}

# own_bad_modes NAME PRIVATE...: in the traced command's own process (the
# first in the trace), directories it created with a mode other than 0700,
# and files it created outside the PRIVATE directories with group or other
# permissions (the ABI lock is a shared, empty file, not a temporary).
own_bad_modes() {
	local name=$1 pid
	shift
	pid=$(head -n1 "$t/trace/$name" | cut -d' ' -f1)
	grep -E "^$pid (mkdir|mkdirat)\(.* = 0$" "$t/trace/$name" |
		grep -vE ', 0?700\) = 0$'
	grep -E "^$pid (open|openat|creat)\(.*O_CREAT" "$t/trace/$name" |
		grep -vE ' = -1 ' | grep -vE ', 0?600\) = [0-9]+<' |
		sed -nE 's/.* = [0-9]+<(.*)>$/\1/p' |
		awk -v lock="$dir/lock" \
			'BEGIN { for (i = 1; i < ARGC; i++) ok[i] = ARGV[i]; n = ARGC; ARGC = 1 }
			 $0 == lock { next }
			 { for (i = 1; i < n; i++) if (index($0, ok[i]) == 1) next; print }' "$@"
}

# empty DIR...: nothing inside (lists what is).
empty() {
	local d rc=0
	for d in "$@"; do
		if [ -n "$(ls -A "$d")" ]; then
			find "$d" -mindepth 1 | sed 's/^/# left: /'
			rc=1
		fi
	done
	return $rc
}

# src_sum: the cached source file's hash, size and mtime, read under the
# ABI lock so that no other build has it patched at that moment.
src_sum() {
	flock "$dir/lock" sh -c 'sha256sum <"$1" && stat -c "%s %Y" "$1"' sh "$src"
}

# no_leftovers: no journal, no half-written copy in the cached tree.
no_leftovers() {
	local left
	left=$(find "$dir" -maxdepth 1 -name 'journal*'
		find "$(dirname "$src")" \( -name '*.lf-tmp*' -o -name '*.orig' \
			-o -name '*.rej' -o -name 'version.c?*' \))
	[ -z "$left" ] || sed 's/^/# left: /' <<<"$left"
	[ -z "$left" ]
}

# wait_gone PID SECONDS: wait for PID to exit; its status, or 124.
wait_gone() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$1" 2>/dev/null && return 124
	wait "$1"
}

echo "TAP version 13"

# ---- before the embargo: the target is prepared, online ----------------
if ! { [ -f "$dir/src/.livefix-src" ] && [ -f "$dir/dbg/.livefix-dbg" ] &&
	[ -f "$dir/image/.provisioned" ] && [ -e "$dir/obj" ]; }; then
	echo "# preparing $abi (online, once)"
	mkdir -p "$t/warm"
	"$livefix" build -o "$t/warm/lf_warm.ko" \
		"$root/examples/redact-proc-version.patch" >/dev/null
fi
[ -f "$dir/src/.livefix-src" ] && [ -f "$dir/dbg/.livefix-dbg" ] &&
	[ -f "$dir/image/.provisioned" ] && [ -e "$dir/obj" ]
check $? "the target $abi is prepared in $cache (before the embargo)"
command -v strace >/dev/null
check $? "strace is installed (scripts/provision)"

m=lfembargo$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
# The unused variable makes gcc quote the patched line in a warning, so
# the compile logs carry the fix too.
sed -e "s/^Subject: .*/& $m/" -e "s/already shows\./already shows. $m/" \
	-e "s/toolchain redacted/$m/" -e "s/^@@ -9,10 +9,15 @@/@@ -9,10 +9,16 @@/" \
	-e "s/^+\t\/\*$/+\tint ${m}_unused;\n&/" \
	"$root/examples/redact-proc-version.patch" >"$t/in/fix.patch"
[ "$(grep -c "$m" "$t/in/fix.patch")" -eq 4 ]
check $? "the diff carries the marker in its message, a comment, a string and a variable"
sum0=$(src_sum)
touch "$t/stamp"
sleep 1	# coarse timestamps: what is written from now on is newer

# ---- the namespace has no network ---------------------------------------
net=$("${offline[@]}" bash -c '
	tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | tr "\n" " "
	echo "routes: $(tail -n +2 /proc/net/route | wc -l)"
	(exec 3<>/dev/tcp/127.0.0.1/9)
	(exec 3<>/dev/tcp/192.0.2.1/80)' 2>&1)
sed 's/^/# offline: /' <<<"$net"
grep -q '^lo routes: 0' <<<"$net" &&
	[ "$(grep -c '/dev/tcp/.*: Network is unreachable' <<<"$net")" -eq 2 ]
check $? "the namespace has only lo, down, and no route: connecting fails at once"

# ---- keygen, build, sign, verify offline ----------------------------------
(traced keygen "$livefix" keygen --type p384 --out "$t/keys") >/dev/null
check $? "keygen works offline"
[ "$(stat -c %a "$t/keys")" = 700 ] &&
	[ "$(stat -c %a "$t/keys/signing_key.pem")" = 600 ]
check $? "the key directory is 0700, the private key 0600"

err=$(traced build "$livefix" build -o "$t/out/lf_embargo.ko" "$t/in/fix.patch" 2>&1 >/dev/null)
check $? "build works offline"
[ -z "$err" ] || sed 's/^/# /' <<<"$err"
grep -qaF "$m" "$t/out/lf_embargo.ko"
check $? "the module holds the fix (the marker string)"
# gcc quoted the patched line in a warning: no log of the shared cache may
# keep it (checked now, before later builds overwrite the logs).
leak=$(find "$dir" -type f -newer "$t/stamp" -print0 2>/dev/null |
	xargs -0r grep -laF "$m" 2>/dev/null)
[ -z "$leak" ] || sed 's/^/# holds the fix: /' <<<"$leak"
[ -z "$leak" ]
check $? "the cache holds no trace of the fix after the build (logs included)"

(traced sign "$livefix" sign --key "$t/keys/signing_key.pem" \
	--cert "$t/keys/signing_cert.pem" "$t/out/lf_embargo.ko") >/dev/null
check $? "sign works offline"
(traced verify "$livefix" verify --cert "$t/keys/signing_cert.pem" \
	"$t/out/lf_embargo.ko") >"$t/verify.out"
check $? "verify works offline and accepts the signature"

empty "$t/tmp" "$t/home" "$t/cwd"
check $? "TMPDIR, HOME and the working directory are left empty"
[ "$(ls -A "$t/out")" = lf_embargo.ko ] &&
	[ "$(ls -A "$t/keys" | tr '\n' ' ')" = "signing_cert.der signing_cert.pem signing_key.pem " ]
check $? "the output directories hold the module and the key files, nothing else"
[ "$(src_sum)" = "$sum0" ] && no_leftovers
check $? "the cached source is restored: same bytes and timestamp, no journal"

# ---- interrupted builds -----------------------------------------------------
# interrupt SIG NAME WHAT WHEN: start a build offline, send SIG to it once
# WHEN (a command; WHAT says it in words) holds, and check what it left.
interrupt() {
	local sig=$1 name=$2 what=$3 when=$4 i rc err priv pid=
	(traced "$name" "$livefix" build -o "$t/out/lf_$name.ko" "$t/in/fix.patch") \
		2>"$t/$name.err" &
	bg=$!
	# Up to 20 minutes: other builds may hold the ABI's lock.
	for ((i = 0; i < 12000; i++)); do
		eval "$when" && break
		kill -0 "$bg" 2>/dev/null || break
		sleep 0.1
	done
	[ -s "$t/trace/$name" ] && pid=$(head -n1 "$t/trace/$name" | cut -d' ' -f1)
	priv=$(stat -c '%a %u' "$t"/tmp/livefix-build.* 2>/dev/null)
	eval "$when" && [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm")" = livefix ]
	check $? "$name: the build is running and $what"
	[ "$priv" = "700 $(id -u)" ] && [ "$(ls -A "$t/tmp" | wc -l)" -eq 1 ]
	check $? "$name: its private directory is the only thing in TMPDIR, 0700, ours ($priv)"
	[ -n "$pid" ] && kill -"$sig" "$pid"
	wait_gone "$bg" 60
	rc=$?
	bg=
	err=$(cat "$t/$name.err")
	echo "# $name: exit $rc: $err"
	[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$err" = "livefix: build: interrupted" ]
	check $? "$name: SIG$sig ends the build within a minute, one line: interrupted"
	empty "$t/tmp" "$t/home" "$t/cwd" && [ "$(ls -A "$t/out")" = lf_embargo.ko ]
	check $? "$name: no temporary file or directory and no module left"
	[ "$(src_sum)" = "$sum0" ] && no_leftovers
	check $? "$name: the cached source is restored: same bytes and timestamp, no journal"
}
interrupt TERM patched "the cached tree is patched (journal, marker in the source)" \
	"grep -q $m '$src' && [ -d '$dir/journal' ]"
# Compiling the unpatched tree: nothing to restore, all to clean up.
interrupt INT compiling "compiles the unpatched tree" \
	"[ -d '$t'/tmp/livefix-build.*/before ] && [ ! -d '$dir/journal' ]"

# ---- where they wrote, and how -------------------------------------------
# keygen its --out, sign the module's directory, verify nothing; a build
# its output, the cache and its private directory in TMPDIR. Anything
# else (/tmp, HOME, TMPDIR itself) counts, even if removed right after.
for step in keygen build sign verify patched compiling; do
	case $step in
	keygen) allowed=("$t/keys/") where="its --out directory" ;;
	sign) allowed=("$t/out/") where="the module's directory" ;;
	verify) allowed=() where="/dev/null" ;;
	*) allowed=("$t/out/" "$cache/" "$t/tmp/livefix-build.")
		where="the output directory, the cache and its private directory" ;;
	esac
	bad=$(written "$step" /dev/null "${allowed[@]}")
	# gcc's temporaries are many: show a few, and everything else.
	[ -z "$bad" ] || { grep -vE '/cc[^/]*\.s$' <<<"$bad" | head -n 10
		grep -E '/cc[^/]*\.s$' <<<"$bad" | head -n 3
		echo "($(wc -l <<<"$bad") in all)"; } | sed 's/^/# wrote: /'
	[ -z "$bad" ]
	check $? "$step: opened for writing nothing outside $where"
	bad=$(inet "$step")
	[ -z "$bad" ] || sed 's/^/# /' <<<"$bad" | head -n 5
	[ -z "$bad" ]
	check $? "$step: tried no network connection"
done
bad=$(for step in build patched compiling; do
		own_bad_modes "$step" "$t/tmp/livefix-build." "$dir/journal.tmp/" "$dir/journal/"
	done
	own_bad_modes keygen
	own_bad_modes sign)
[ -z "$bad" ] || sed 's/^/# mode: /' <<<"$bad" | head -n 20
[ -z "$bad" ]
check $? "livefix creates its directories 0700 and its files outside them 0600"
grep -qE "mkdir\(\"$t/tmp/livefix-build\.[^/\"]*\", 0700\) = 0" "$t/trace/build"
check $? "the build's private directory is in TMPDIR, created 0700"

# ---- no copy of the diff or the key anywhere -------------------------------
# Everything written since the stamp on the local filesystems, the cache
# included; only the input and the output directories may hold them.
pem=$(sed '1d;$d' "$t/keys/signing_key.pem")
{
	printf '%s' "$m" | od -An -tx1 | tr -d ' \n'
	echo
	sed -n 2p <<<"$pem" | tr -d '\n' | od -An -tx1 | tr -d ' \n'
	echo
	tr -d '\n' <<<"$pem" | base64 -d | od -An -tx1 -j 40 -N 32 | tr -d ' \n'
	echo
} >"$t/in/patterns"
[ "$(grep -c '^[0-9a-f]\{50,\}$' "$t/in/patterns")" -eq 3 ]
check $? "the marker, a line of the key's PEM body and 32 raw key bytes to look for"
find / /tmp /var/tmp /dev/shm /run -xdev \( -path /proc -o -path /sys \
	-o -path "$t/in" -o -path "$t/out" -o -path "$t/keys" \) -prune \
	-o -type f -newer "$t/stamp" -print0 2>/dev/null | sort -zu >"$t/written"
echo "# $(tr -cd '\0' <"$t/written" | wc -c) files written during the test"
hits=$(perl -e '
	open(my $p, "<", shift) or die; my @pat = map { chomp; pack("H*", $_) } <$p>;
	my $keep = 0; for (@pat) { $keep = length if length > $keep }
	local $/ = "\0";
	while (my $f = <STDIN>) {
		chomp $f;
		open(my $fh, "<:raw", $f) or next;
		my ($buf, $hit) = ("", 0);
		while (!$hit && read($fh, my $blk, 1 << 20)) {
			$buf .= $blk;
			for (@pat) { $hit = 1, last if index($buf, $_) >= 0 }
			$buf = substr($buf, -$keep);
		}
		print "$f\n" if $hit;
	}' "$t/in/patterns" <"$t/written")
[ -z "$hits" ] || sed 's/^/# holds the diff or the key: /' <<<"$hits" | head -n 20
[ -z "$hits" ]
check $? \
	"no file written outside the input and output directories holds the diff or the key"
tap_done
