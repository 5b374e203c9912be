# SPDX-License-Identifier: GPL-2.0
#
# TAP helpers for the guest selftests (busybox sh). A test sources this,
# declares its plan, and ends with `lf_done`, which exits non-zero when
# any check failed. Output is TAP 13, as kselftest expects.

LF_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LIVEFIX="$LF_ROOT/tools/livefix/livefix"
LF_CORE_KO="$LF_ROOT/kmod/core/livefix.ko"
lf_n=0
lf_failed=0

lf_plan() {
	lf_planned=$1
	echo "TAP version 13"
	echo "1..$1"
}

lf_ok() {
	lf_n=$((lf_n + 1))
	echo "ok $lf_n $1"
}

lf_not_ok() {
	lf_n=$((lf_n + 1))
	lf_failed=$((lf_failed + 1))
	echo "not ok $lf_n $1"
}

# lf_check DESCRIPTION COMMAND...: one TAP line for COMMAND's success.
lf_check() {
	desc=$1
	shift
	if "$@"; then
		lf_ok "$desc"
	else
		lf_not_ok "$desc"
	fi
}

lf_diag() {
	echo "# $*"
}

lf_done() {
	if [ "$lf_n" -ne "${lf_planned:-0}" ]; then
		lf_not_ok "ran $lf_n checks, but the plan said ${lf_planned:-0}"
	fi
	lf_diag "$((lf_n - lf_failed)) passed, $lf_failed failed"
	[ "$lf_failed" -eq 0 ]
	exit $?
}

lf_core_load() {
	[ -d /sys/kernel/livefix ] || insmod "$LF_CORE_KO"
}

# lf_fails_one_line DESC COMMAND...: COMMAND must exit non-zero and print
# exactly one line on stderr; that line is shown as a diagnostic.
lf_fails_one_line() {
	desc=$1
	shift
	"$@" >/tmp/lf_out 2>/tmp/lf_err
	rc=$?
	lines=$(wc -l </tmp/lf_err)
	lf_diag "$(cat /tmp/lf_err)"
	if [ "$rc" -ne 0 ] && [ "$lines" -eq 1 ]; then
		lf_ok "$desc"
	else
		lf_diag "exit $rc, $lines stderr lines"
		lf_not_ok "$desc"
	fi
}
