#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The change-class corpus, end to end: each selftests/fixes/<fix>/ is a
# source diff against the target's linux-source. A fix with a `loaded`
# check is built with `livefix build` and run in a fresh guest by
# check-fix (LOADED fails before, passes live, fails after unload). A fix
# with `expect-refused` must be refused with one line containing that
# text, and leave no module behind. A fix dir with a `combine` file (fix
# names, one a line) instead builds ONE module from those fixes' patches
# (applied in that order) and checks every LOADED check of them with it,
# after every SETUP of them.
#
#   selftests/harness/corpus.sh [FIX...]      e.g. 01-body 91-data-change
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
livefix="$root/tools/livefix/livefix"
out="$root/out/corpus"
mkdir -p "$out"
. "$(dirname "$0")/lib.sh"

fixes=()
for d in "$root"/selftests/fixes/*/; do
	f=$(basename "$d")
	if [ $# -gt 0 ]; then
		case " $* " in *" $f "*) ;; *) continue ;; esac
	fi
	fixes+=("$f")
done

echo "TAP version 13"
for f in "${fixes[@]}"; do
	dir="$root/selftests/fixes/$f"
	name="lf_fix_${f//-/_}"
	ko="$out/$name.ko"
	rm -f "$ko"
	patches=("$dir/fix.patch")
	loaded="$dir/loaded"
	setup=
	[ -f "$dir/setup" ] && setup="$dir/setup"
	if [ -f "$dir/combine" ]; then
		patches=()
		loaded=
		for c in $(grep -v '^#' "$dir/combine"); do
			patches+=("$root/selftests/fixes/$c/fix.patch")
			loaded="$loaded${loaded:+,}$root/selftests/fixes/$c/loaded"
			[ -f "$root/selftests/fixes/$c/setup" ] &&
				setup="$setup${setup:+,}$root/selftests/fixes/$c/setup"
		done
	fi
	err=$("$livefix" build -o "$ko" "${patches[@]}" 2>&1 >/dev/null)
	rc=$?
	if [ -f "$dir/expect-refused" ]; then
		want=$(cat "$dir/expect-refused")
		echo "# $err"
		check $((rc == 0)) "$f: build is refused"
		grep -qF "$want" <<<"$err" && [ "$(wc -l <<<"$err")" -eq 1 ]
		check $? "$f: with one line saying '$want'"
		check $(test ! -e "$ko"; echo $?) "$f: and no module is left"
		continue
	fi
	[ $rc -eq 0 ] || echo "# $err"
	check $rc "$f: builds"
	[ $rc -eq 0 ] || continue
	log=$("$root/scripts/vm-run" --timeout 120 -- "$root/selftests/fixes/check-fix" \
		"$ko" "$loaded" $setup 2>&1)
	rc=$?
	sed 's/^/# /' <<<"$log" | grep -v '^# ok '
	check $rc "$f: fails before, works live, fails after unload, in the guest"
done
tap_done
