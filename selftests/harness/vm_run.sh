#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/vm-run itself: exit status passes through, and a crash, a WARN,
# a taint or a hang in the guest fails the run with the reason.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
vm="$root/scripts/vm-run"
. "$(dirname "$0")/lib.sh"
run() {
	out=$("$vm" "$@" 2>&1)
	rc=$?
}

echo "TAP version 13"

run -- sh -c 'exit 3'
check $((rc != 3)) "the guest command's exit status comes back (3)"

run -- sh -c 'echo hello from $(uname -r)'
check $((rc != 0)) "a passing command exits 0"
grep -q "hello from 6.12" <<<"$out"
check $? "the command's output comes back"

run -- test -f "$root/scripts/vm-run"
check $((rc != 0)) "the repository is visible at its host path"

run -- sh -c 'echo c > /proc/sysrq-trigger'
check $((rc == 0)) "a guest kernel crash fails the run"
grep -q "reported a problem: Kernel panic" <<<"$out"
check $? "... and says why"

run -- insmod "$root/selftests/modules/warn/lf_test_warn.ko"
check $((rc == 0)) "a WARN in the guest fails the run"
grep -q "reported a problem: WARNING:.*lf_test_warn" <<<"$out"
check $? "... and says why"
echo "# $(tail -n1 <<<"$out")"

run --allow-warn -- insmod "$root/selftests/modules/warn/lf_test_warn.ko"
check $((rc != 0)) "with --allow-warn an expected WARN passes"

run --allow-oops -- sh -c 'echo c > /proc/sysrq-trigger'
check $((rc == 0)) "--allow-oops still fails the run on a panic"

run --timeout 12 -- sleep 100
check $((rc != 124)) "a command that does not finish times out (124)"

run -- sh -c 'echo 1 > /proc/sys/kernel/tainted'
check $((rc == 0)) "an unexpected taint fails the run"

tap_done
