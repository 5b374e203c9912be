#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# livefix.ko as the gate: every refusal path (fingerprint mismatch,
# downgrade, policy) fails the load with its own errno, one log line
# naming the fix and the check, the same reason from the CLI, and a
# kernel left exactly as it was; the policy only tightens.
. "$(dirname "$0")/lib.sh"

FX="$LF_ROOT/selftests/fixtures"
MODS="$LF_ROOT/selftests/modules"
FP_MATCH="$FX/lf_fp_match.ko"
FP_WRONG="$FX/lf_fp_wrong.ko"
V1="$MODS/cumulative-v1/lf_test_cumulative_v1.ko"
V2="$MODS/cumulative-v2/lf_test_cumulative_v2.ko"
PLAIN="$MODS/plain-klp/lf_test_plain_klp.ko"
POLICY=/sys/kernel/livefix/policy
FIXES=/sys/kernel/livefix/fixes

snapshot() {
	{
		"$LIVEFIX" list --json
		cut -d' ' -f1 /proc/modules | sort
		ls /sys/kernel/livepatch
		cat /proc/version
	} >"$1" 2>&1
}

# refused DESC FIX CHECK ERRNO_TEXT FILE: `livefix load FILE` and a
# direct insmod both fail with ERRNO_TEXT; the kernel logs one refusal
# line for FIX and CHECK, the CLI prints the same reason, nothing changes.
refused() {
	desc=$1 fix=$2 check=$3 errtext=$4 ko=$5
	snapshot /tmp/gate_before
	dmesg -c >/dev/null
	lf_fails_one_line "$desc: livefix load fails" "$LIVEFIX" load "$ko"
	lf_check "... the CLI names the check and the errno" \
		sh -c "grep -q 'check=$check' /tmp/lf_err && grep -q '$errtext' /tmp/lf_err"
	line=$(dmesg | grep "livefix: refused fix=$fix check=$check")
	lf_diag "kernel: $line"
	lf_check "... one kernel log line names fix and check" \
		test "$(dmesg | grep -c "livefix: refused fix=$fix check=$check")" -eq 1
	lf_check "... and the CLI prints its reason" \
		grep -qF "${line#*refused fix=$fix }" /tmp/lf_err
	insmod "$ko" 2>/tmp/gate_insmod
	lf_check "... a direct insmod fails with '$errtext'" \
		grep -q "$errtext" /tmp/gate_insmod
	snapshot /tmp/gate_after
	lf_check "... and the kernel state is unchanged" \
		cmp -s /tmp/gate_before /tmp/gate_after
}

# write_policy SETTING: write one policy setting, errors to /tmp/gate_w.
write_policy() {
	sh -c "echo '$1' >$POLICY" 2>/tmp/gate_w
}

# not_permitted DESC SETTING: writing SETTING fails with EPERM, one log
# line says why, and the policy reads the same as before.
not_permitted() {
	before=$(cat $POLICY)
	dmesg -c >/dev/null
	if write_policy "$2"; then
		lf_not_ok "$1: '$2' is refused with EPERM"
	else
		lf_diag "$(cat /tmp/gate_w)"
		lf_check "$1: '$2' is refused with EPERM" \
			grep -qi "not permitted" /tmp/gate_w
	fi
	lf_diag "kernel: $(dmesg | grep 'livefix: policy')"
	lf_check "... one log line says why" \
		test "$(dmesg | grep -c 'livefix: policy: refused to')" -eq 1
	lf_check "... and the policy is unchanged" test "$before" = "$(cat $POLICY)"
}

lf_plan 78
lf_check "livefix.ko loads" lf_core_load

# Pre-image fingerprints.
refused "a fix whose pre-image hash does not match" lf_fp_wrong \
	"fingerprint func=version_proc_show" "Bad message" "$FP_WRONG"
lf_check "a fix built for this kernel passes the fingerprint check" \
	"$LIVEFIX" load "$FP_MATCH"
lf_check "... its function's fingerprint matched" \
	grep -qx "vmlinux version_proc_show,0 match" $FIXES/lf_fp_match/functions
lf_check "... it is live" grep -qx live $FIXES/lf_fp_match/state
lf_check "... livefix info shows the fingerprint matched" \
	sh -c "'$LIVEFIX' info lf_fp_match | grep -q 'vmlinux:version_proc_show *fingerprint match'"
lf_check "... and unloads" "$LIVEFIX" unload lf_fp_match

# Cumulative fixes: v2 replaces v1; v1 after v2 is a downgrade.
lf_check "cumulative v1 loads" "$LIVEFIX" load "$V1"
lf_check "... and is live" grep -q "selftest-cumulative v1" /proc/version
lf_check "cumulative v2 loads" "$LIVEFIX" load "$V2"
lf_check "... and is live" grep -q "selftest-cumulative v2" /proc/version
lf_check "... v2 is recorded live with version 2" \
	sh -c "grep -qx live $FIXES/lf_test_cumulative_v2/state && grep -qx 2 $FIXES/lf_test_cumulative_v2/version"
lf_check "... v1 is recorded as replaced" \
	grep -qx replaced $FIXES/lf_test_cumulative_v1/state
lf_check "... with the reason" \
	grep -qx "replaced by lf_test_cumulative_v2" $FIXES/lf_test_cumulative_v1/revert_reason
lf_check "... livefix list shows v1 replaced" \
	sh -c "'$LIVEFIX' list | grep lf_test_cumulative_v1 | grep -q replaced"
lf_check "... the audit trail has it" \
	sh -c "dmesg | grep -q 'livefix: audit: fix=lf_test_cumulative_v1 id=selftest-cumulative state=replaced'"
lf_check "... livefix info shows version, state and reason" \
	sh -c "'$LIVEFIX' info lf_test_cumulative_v1 >/tmp/gate_info && grep -q '^version: *1' /tmp/gate_info && grep -q '^state: *replaced' /tmp/gate_info && grep -q '^reason: *replaced by lf_test_cumulative_v2' /tmp/gate_info"
lf_check "... info --json has v2 live at version 2, fingerprint unrecorded" \
	sh -c "'$LIVEFIX' info --json lf_test_cumulative_v2 >/tmp/gate_json && grep -q '\"state\":\"live\"' /tmp/gate_json && grep -q '\"version\":2' /tmp/gate_json && grep -q '\"fingerprint\":\"unrecorded\"' /tmp/gate_json"
lf_check "... list --json has both" \
	sh -c "'$LIVEFIX' list --json | grep -q 'lf_test_cumulative_v1.*\"state\":\"replaced\".*lf_test_cumulative_v2'"
lf_check "the replaced v1 unloads" "$LIVEFIX" unload lf_test_cumulative_v1
refused "v1 after v2 (downgrade)" lf_test_cumulative_v1 downgrade \
	"Stale file handle" "$V1"

# Policy: readable, tighten-only, and each setting refuses what it should.
lf_check "the policy is readable" \
	sh -c "grep -qx require_metadata=0 $POLICY && grep -qx 'allow=\*' $POLICY && grep -qx lock=0 $POLICY"
lf_check "a plain klp module loads while metadata is not required" \
	sh -c "insmod '$PLAIN' && echo 0 >/sys/kernel/livepatch/lf_test_plain_klp/enabled"
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -e /sys/kernel/livepatch/lf_test_plain_klp ] || break
	sleep 1
done
lf_check "... and goes again" rmmod lf_test_plain_klp
lf_check "require_metadata=1 is accepted" write_policy require_metadata=1
refused "a livepatch without livefix metadata" lf_test_plain_klp policy \
	"Permission denied" "$PLAIN"
lf_check "allow=selftest-cumulative is accepted" write_policy allow=selftest-cumulative
refused "a fix id not on the allow-list" lf_fp_match policy \
	"Permission denied" "$FP_MATCH"
lf_check "min_version=3 is accepted" write_policy min_version=3
lf_check "the policy shows all three" \
	sh -c "grep -qx require_metadata=1 $POLICY && grep -qx allow=selftest-cumulative $POLICY && grep -qx min_version=3 $POLICY"
refused "a cumulative version below min_version" lf_test_cumulative_v1 policy \
	"Permission denied" "$V1"

not_permitted "tighten-only" require_metadata=0
not_permitted "tighten-only" allow=selftest-cumulative,lf_fp_match
not_permitted "tighten-only" "allow="
not_permitted "tighten-only" min_version=2
lf_check "lock=1 is accepted" write_policy lock=1
lf_check "... and shown" grep -qx lock=1 $POLICY
not_permitted "locked" min_version=4
not_permitted "locked" lock=0
lf_check "a locked livefix.ko cannot be unloaded" sh -c "! rmmod livefix 2>/dev/null"
lf_check "v2 is still live through all of it" \
	sh -c "grep -qx live $FIXES/lf_test_cumulative_v2/state && grep -q 'selftest-cumulative v2' /proc/version"
lf_done
