#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The health watch sees an oops too: a fix that runs an invalid
# instruction (ud2, as BUG() does) kills the task that called it, and
# livefix.ko reverts the fix through the die notifier. The guest keeps
# running the original code.
#
# The oops is provoked on purpose, so vm-run lets an invalid-opcode oops
# through; this test then checks that exactly that one happened, and no
# WARN; vm-run still fails the run on any other fault or a panic.
# vm-run: --allow-oops
. "$(dirname "$0")/lib.sh"

FIX="$LF_ROOT/selftests/modules/faulty-bug/lf_test_faulty_bug.ko"
N=lf_test_faulty_bug
FIXES=/sys/kernel/livefix/fixes

wait_reverted() {
	i=0
	while [ $i -lt 300 ]; do
		if [ "$(cat $FIXES/$N/state 2>/dev/null)" = reverted ] &&
			[ ! -e /sys/kernel/livepatch/$N ]; then
			return 0
		fi
		sleep 0.2
		i=$((i + 1))
	done
	lf_diag "state $(cat $FIXES/$N/state 2>/dev/null), health $(cat $FIXES/$N/health 2>/dev/null)"
	return 1
}

lf_plan 11
lf_check "livefix.ko loads" lf_core_load
lf_check "the faulty fix loads" "$LIVEFIX" load "$FIX"
lf_check "calling it kills the caller" sh -c '! cat /proc/version >/dev/null 2>&1'
lf_check "livefix.ko reverts it on its own" wait_reverted
lf_check "the guest runs the original function again" grep -q gcc /proc/version
lf_check "health names the oops in the fix" \
	grep -q '^failed oops: invalid opcode at lf_bug_version_show+0x[0-9a-f]*/0x[0-9a-f]* \[lf_test_faulty_bug\]$' \
	$FIXES/$N/health
lf_check "audit line with the reason" sh -c "[ \$(dmesg | grep -c 'livefix: audit: fix=$N id=selftest-faulty-bug state=reverting reason=\"oops: invalid opcode at lf_bug_version_show+') -eq 1 ]"
i=0
while [ "$(cat /sys/module/$N/refcnt)" != 0 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
lf_check "livefix unload removes it" "$LIVEFIX" unload $N

dmesg | grep -E 'Oops|RIP:' | sed 's/^/# /'
lf_check "exactly one oops, at the invalid opcode in the fix" sh -c '
	[ "$(dmesg | grep -c "Oops")" -eq 1 ] &&
	dmesg | grep -q "Oops: invalid opcode" &&
	dmesg | grep -q "RIP: 0010:lf_bug_version_show+0x[0-9a-f]*/0x[0-9a-f]* \[lf_test_faulty_bug\]"'
lf_check "no WARN" sh -c '! dmesg | grep -q "WARNING:"'
lf_check "the oops tainted the kernel (D), nothing worse happened" \
	sh -c '[ $(( $(cat /proc/sys/kernel/tainted) & 128 )) -ne 0 ]'
lf_done
