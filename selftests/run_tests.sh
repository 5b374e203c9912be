#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the selftests the kselftest way: one TAP 13 line per test program,
# each program's own TAP nested behind "# ". Guest tests (livefix/*.sh)
# each get a fresh guest through scripts/vm-run, so an oops, WARN or
# taint is pinned on the test that caused it; host tests (harness/*.sh)
# drive vm-run themselves. A guest test can ask for vm-run options with
# a comment line "# vm-run: OPTIONS" (e.g. --timeout 900 or --allow-warn);
# they come after the default timeout, so they override it.
#
#   selftests/run_tests.sh [TEST...]    e.g. demo_fix load_errors
#
# The last line counts the individual checks: "N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

tests=()
for t in "$here"/harness/*.sh "$here"/livefix/*.sh; do
	name=$(basename "$t" .sh)
	# lib.sh and lib_*.sh are sourced by the tests, not tests themselves.
	case "$name" in lib | lib_*) continue ;; esac
	if [ $# -gt 0 ]; then
		case " $* " in *" $name "*) ;; *) continue ;; esac
	fi
	tests+=("$t")
done

passed=0
failed=0
echo "TAP version 13"
echo "1..${#tests[@]}"
n=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	area=$(basename "$(dirname "$t")")
	name="selftests: $area: $(basename "$t")"
	echo "# $name"
	log=$(mktemp)
	if [ "$area" = livefix ]; then
		# shellcheck disable=SC2046 # the marker's words are options
		"$root/scripts/vm-run" --timeout "${LIVEFIX_TEST_TIMEOUT:-120}" \
			$(sed -n 's/^# vm-run: //p' "$t") -- "$t" >"$log" 2>&1
	else
		"$t" >"$log" 2>&1
	fi
	rc=$?
	sed 's/^/# /' "$log"
	ok=$(grep -c '^ok ' "$log")
	bad=$(grep -c '^not ok ' "$log")
	# A test that died (oops, WARN, timeout) may not have said "not ok".
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	if [ "$rc" -eq 0 ] && [ "$bad" -eq 0 ]; then
		echo "ok $n $name"
	else
		echo "not ok $n $name # exit=$rc"
	fi
	rm -f "$log"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
