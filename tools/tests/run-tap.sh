#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Run every unit test binary and the CLI test for each build, echo their TAP,
# and finish with one "N passed, N failed" line; exit 1 if anything failed.
#
#   run-tap.sh 'label|objdir|livefix-binary|fixture-dir' ... -- RELEASE
#
# A test program that crashes, is killed by a sanitizer, or whose plan does
# not match what it printed counts as one extra failure, so a silent abort
# can never pass.

set -u
here=$(dirname "$0")
passed=0
failed=0
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT INT TERM

builds=
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	builds="$builds$1
"
	shift
done
[ "${1:-}" = -- ] && shift
release=${1:?usage: run-tap.sh BUILD... -- RELEASE}

# tally LABEL STATUS: count the TAP in $tmp.
tally() {
	ok=$(grep -c '^ok ' "$tmp")
	nok=$(grep -c '^not ok ' "$tmp")
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$tmp" | tail -n 1)
	passed=$((passed + ok))
	failed=$((failed + nok))
	if [ -z "$plan" ] || [ "$plan" -ne $((ok + nok)) ]; then
		echo "not ok - $1: plan '${plan:-none}' does not match $((ok + nok)) results (exit $2)"
		failed=$((failed + 1))
	elif [ "$2" -ne 0 ] && [ "$nok" -eq 0 ]; then
		echo "not ok - $1: exited $2 without a failed test"
		failed=$((failed + 1))
	elif [ "$2" -eq 0 ] && [ "$nok" -ne 0 ]; then
		echo "not ok - $1: exited 0 despite failed tests"
		failed=$((failed + 1))
	fi
}

IFS_SAVE=$IFS
IFS='
'
for b in $builds; do
	IFS=$IFS_SAVE
	label=${b%%|*}; rest=${b#*|}
	objdir=${rest%%|*}; rest=${rest#*|}
	bin=${rest%%|*}; fixtures=${rest#*|}
	for t in "$objdir"/tests/test-*; do
		case $t in *.o|*.d) continue ;; esac
		[ -f "$t" ] && [ -x "$t" ] || continue
		name="$label/$(basename "$t")"
		echo "# $name"
		"$t" >"$tmp" 2>&1
		status=$?
		cat "$tmp"
		tally "$name" "$status"
	done
	for cli in "$here"/cli.sh "$here"/cli-*.sh; do
		[ -f "$cli" ] || continue
		name="$label/$(basename "$cli")"
		echo "# $name"
		sh "$cli" "$bin" "$fixtures" "$release" >"$tmp" 2>&1
		status=$?
		cat "$tmp"
		tally "$name" "$status"
	done
	IFS='
'
done
IFS=$IFS_SAVE

# Short libFuzzer runs, when `make check` built the targets (clang found).
# LF_FUZZ is "fuzz-dir|fixture-dir|livefix-binary".
if [ -n "${LF_FUZZ:-}" ]; then
	name="fuzz-smoke.sh"
	echo "# $name"
	fdir=${LF_FUZZ%%|*}; rest=${LF_FUZZ#*|}
	sh "$here/fuzz-smoke.sh" "$fdir" "${rest%%|*}" "${rest#*|}" >"$tmp" 2>&1
	status=$?
	cat "$tmp"
	tally "$name" "$status"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
