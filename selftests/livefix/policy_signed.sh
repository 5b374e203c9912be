#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The require_signed policy, without module.sig_enforce: the kernel lets
# an unsigned fix (or one signed by a key it does not trust) in with an
# E taint, and livefix.ko records that its signature was not verified;
# with require_signed=1, set at insmod or through sysfs, livefix.ko
# refuses it before klp patches anything, and the setting cannot be
# turned off again. A fix signed by a trusted key needs a key the guest
# trusts: selftests/harness/sig_enforce.sh covers that case.
. "$(dirname "$0")/lib.sh"

MODS="$LF_ROOT/selftests/modules"
FIX="$MODS/cumulative-v1/lf_test_cumulative_v1.ko"
NAME=lf_test_cumulative_v1
PLAIN="$MODS/plain-klp/lf_test_plain_klp.ko"
POLICY=/sys/kernel/livefix/policy
FIXES=/sys/kernel/livefix/fixes
# livefix load names the fix after its file, so the copy keeps the name.
UNTRUSTED=/tmp/untrusted/$NAME.ko

snapshot() {
	{
		"$LIVEFIX" list --json
		cut -d' ' -f1 /proc/modules | sort
		ls /sys/kernel/livepatch
		cat /proc/version
	} >"$1" 2>&1
}

# refused DESC FIX FILE: `livefix load FILE` and a direct insmod both
# fail with EACCES; the kernel logs one check=signature line for FIX,
# the CLI prints its reason, klp has no patch and nothing else changed.
refused() {
	desc=$1 fix=$2 ko=$3
	snapshot /tmp/sig_before
	dmesg -c >/dev/null
	lf_fails_one_line "$desc: livefix load fails" "$LIVEFIX" load "$ko"
	lf_check "... the CLI names the check and the errno" \
		sh -c "grep -q 'check=signature' /tmp/lf_err && grep -q 'Permission denied' /tmp/lf_err"
	line=$(dmesg | grep "livefix: refused fix=$fix check=signature")
	lf_diag "kernel: $line"
	lf_check "... one kernel log line names fix and check" \
		test "$(dmesg | grep -c "livefix: refused fix=$fix check=signature")" -eq 1
	lf_check "... and the CLI prints its reason" \
		grep -qF "${line#*refused fix=$fix }" /tmp/lf_err
	insmod "$ko" 2>/tmp/sig_insmod
	lf_check "... a direct insmod fails with 'Permission denied'" \
		grep -q "Permission denied" /tmp/sig_insmod
	lf_check "... klp patched nothing" test ! -e "/sys/kernel/livepatch/$fix"
	snapshot /tmp/sig_after
	lf_check "... and livefix list and the kernel state are unchanged" \
		cmp -s /tmp/sig_before /tmp/sig_after
}

# not_permitted SETTING: writing SETTING fails with EPERM, one log line
# says why, and the policy reads the same as before.
not_permitted() {
	before=$(cat $POLICY)
	dmesg -c >/dev/null
	if sh -c "echo '$1' >$POLICY" 2>/tmp/sig_w; then
		lf_not_ok "tighten-only: '$1' is refused with EPERM"
	else
		lf_diag "$(cat /tmp/sig_w)"
		lf_check "tighten-only: '$1' is refused with EPERM" \
			grep -qi "not permitted" /tmp/sig_w
	fi
	lf_check "... one log line says why" \
		test "$(dmesg | grep -c 'livefix: policy: refused to loosen require_signed')" -eq 1
	lf_check "... and the policy is unchanged" test "$before" = "$(cat $POLICY)"
}

# loads_unverified DESC FILE: with the policy off the fix loads, and
# sysfs, info and list --json all say its signature was not verified.
loads_unverified() {
	lf_check "$1 loads while require_signed=0" "$LIVEFIX" load "$2"
	lf_check "... livefix.ko records sig_ok=0" grep -qx 0 $FIXES/$NAME/sig_ok
	"$LIVEFIX" info $NAME >/tmp/sig_info 2>&1
	lf_diag "$(grep '^signature:' /tmp/sig_info)"
	lf_check "... livefix info says it is not verified" \
		grep -qx 'signature: not verified (unsigned or untrusted key)' /tmp/sig_info
	lf_check "... info --json and list --json say signature_verified false" \
		sh -c "'$LIVEFIX' info --json $NAME | grep -q '\"signature_verified\":false' && '$LIVEFIX' list --json | grep -q '\"name\":\"$NAME\".*\"signature_verified\":false'"
	lf_check "... and it unloads" "$LIVEFIX" unload $NAME
}

lf_plan 48
lf_check "livefix.ko loads" lf_core_load
lf_check "the policy shows require_signed=0" grep -qx require_signed=0 $POLICY

# A key of our own, which no keyring of the guest's kernel holds.
lf_check "a copy of the fix is signed with an untrusted key" \
	sh -c "mkdir -p /tmp/untrusted &&
	       '$LIVEFIX' keygen --type p384 --subject 'livefix selftest untrusted' --out /tmp/untrusted-key >/dev/null &&
	       '$LIVEFIX' sign --key /tmp/untrusted-key/signing_key.pem --cert /tmp/untrusted-key/signing_cert.pem -o $UNTRUSTED '$FIX' >/dev/null"

lf_check "... whose signature checks out against its own certificate" \
	sh -c "'$LIVEFIX' verify --cert /tmp/untrusted-key/signing_cert.pem $UNTRUSTED >/dev/null"

loads_unverified "an unsigned fix" "$FIX"
loads_unverified "a fix signed with an untrusted key" "$UNTRUSTED"

# Through sysfs.
lf_check "require_signed=1 is accepted" sh -c "echo require_signed=1 >$POLICY"
lf_check "... and shown" grep -qx require_signed=1 $POLICY
refused "an unsigned fix" $NAME "$FIX"
refused "a fix signed with an untrusted key" $NAME "$UNTRUSTED"
dmesg -c >/dev/null
lf_check "a livepatch without livefix metadata is refused too" \
	sh -c "! insmod '$PLAIN' 2>/tmp/sig_insmod && grep -q 'Permission denied' /tmp/sig_insmod"
lf_check "... as check=signature" \
	sh -c "dmesg | grep -q 'livefix: refused fix=lf_test_plain_klp check=signature'"
not_permitted require_signed=0

# As a module parameter at load.
lf_check "livefix.ko unloads" rmmod livefix
lf_check "livefix.ko loads with require_signed=1" \
	insmod "$LF_CORE_KO" require_signed=1
lf_check "... and the policy shows it" grep -qx require_signed=1 $POLICY
refused "an unsigned fix" $NAME "$FIX"
not_permitted require_signed=0
lf_done
