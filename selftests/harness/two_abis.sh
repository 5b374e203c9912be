#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# One fix, two distro kernels: selftests/fixes/01-body is built for the
# newest ABI and for an older one (LIVEFIX_OLD_ABI, default
# 6.12.113+deb12-amd64). Each module must go live in its own kernel and
# be refused by the other, by the CLI and by the kernel itself.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/scripts/lib.sh"
livefix="$root/tools/livefix/livefix"
new=$(lf_default_abi)
old=${LIVEFIX_OLD_ABI:-6.12.113+deb12-amd64}
fix="$root/selftests/fixes/01-body"
. "$(dirname "$0")/lib.sh"

echo "TAP version 13"
LF_QUIET=1 LIVEFIX_ABI=$old "$root/scripts/provision" >/dev/null
check $? "the older target $old is provisioned"
for abi in "$new" "$old"; do
	dir="$root/out/abi/$abi"
	mkdir -p "$dir"
	err=$("$livefix" build -t "$abi" -o "$dir/lf_fix_01_body.ko" "$fix/fix.patch" 2>&1 >/dev/null)
	check $? "the fix builds for $abi"
	[ -z "$err" ] || echo "# $err"
	core=$("$root/scripts/core-ko" "$abi") && cp "$core" "$dir/livefix.ko"
	check $? "livefix.ko builds for $abi"
done

for abi in "$new" "$old"; do
	other=$old
	[ "$abi" = "$old" ] && other=$new
	mine="$root/out/abi/$abi"
	theirs="$root/out/abi/$other"
	log=$("$root/scripts/vm-run" --abi "$abi" --timeout 120 -- sh -c "
		insmod '$mine/livefix.ko' || exit 10
		'$livefix' load '$theirs/lf_fix_01_body.ko' 2>/tmp/err && exit 11
		[ \$(wc -l </tmp/err) -eq 1 ] || exit 12
		cat /tmp/err
		insmod '$theirs/lf_fix_01_body.ko' 2>/dev/null && exit 13
		sh '$fix/loaded' && exit 14
		'$livefix' load '$mine/lf_fix_01_body.ko' || exit 15
		sh '$fix/loaded' || exit 16
		'$livefix' unload lf_fix_01_body || exit 17
		sh '$fix/loaded' && exit 18
		exit 0" 2>&1)
	rc=$?
	sed 's/^/# /' <<<"$log" | tail -n 5
	check $rc "in $abi: its own build goes live and back out, the $other build is refused (exit $rc)"
done
tap_done
