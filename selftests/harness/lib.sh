# SPDX-License-Identifier: GPL-2.0
#
# TAP for the host-side harness scripts: source it, call `check STATUS
# DESCRIPTION` per check (STATUS 0 passes), and end with `tap_done`, which
# prints the plan and the count and fails if any check failed.
n=0
failed=0

check() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
	fi
}

tap_done() {
	echo "1..$n"
	echo "# $((n - failed)) passed, $failed failed"
	[ "$failed" -eq 0 ]
}
