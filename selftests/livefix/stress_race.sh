#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 100 `livefix load`/`unload` commands from four processes at once, on
# the same fix (processes 0 and 2, 1 and 3 run the same sequence) and on
# different ones (0 and 1). Every command must either succeed or fail
# with one line that names the fix and says why; afterwards what klp,
# livefix.ko and the module list show of each fix must agree, and
# unloading what is left must leave nothing behind.
#
# vm-run: --timeout 900
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_stress.sh"

PROCS=4
OPS=25
A=lf_stress_a
B=lf_stress_b
dir=$STRESS_TMP/race

# The one-line errors a lost race may give; anything else is a failure.
expected() {
	case "$1" in
	"livefix: load: "*": a fix named lf_stress_"?" is already loaded") ;;
	# Caught between its sysfs directory and its taint appearing or going.
	"livefix: load: "*": a module named lf_stress_"?" is already loaded") ;;
	"livefix: load: "*": cannot load: already loaded") ;;
	"livefix: load: "*": cannot load: busy: another livepatch transition is in progress") ;;
	"livefix: load: "*": patch lf_stress_"?" was disabled by someone else during its transition; reverted, nothing was left loaded") ;;
	"livefix: unload: lf_stress_"?": no such fix") ;;
	# The unload's side of a load that saw its transition reversed.
	"livefix: unload: lf_stress_"?": was re-enabled by someone else while unloading") ;;
	"livefix: unload: lf_stress_"?": cannot disable: another livepatch transition is in progress") ;;
	*) return 1 ;;
	esac
}

racer() {
	p=$1
	j=0
	while [ $j -lt $OPS ]; do
		if [ $(((p + j / 2) % 2)) -eq 0 ]; then
			ko=$STRESS_A name=$A
		else
			ko=$STRESS_B name=$B
		fi
		if [ $((j % 2)) -eq 0 ]; then
			set -- load "$ko"
		else
			set -- unload $name
		fi
		"$LIVEFIX" "$@" >/dev/null 2>$dir/err.$p.$j
		echo "$? $1" >$dir/rc.$p.$j
		j=$((j + 1))
	done
}

lf_plan 11
lf_check "livefix.ko loads" lf_core_load
refcnt0=$(cat /sys/module/livefix/refcnt)
rm -rf $dir
mkdir -p $dir

t0=$(cut -d' ' -f1 /proc/uptime)
pids=
p=0
while [ $p -lt $PROCS ]; do
	racer $p &
	pids="$pids $!"
	p=$((p + 1))
done
# shellcheck disable=SC2086
wait $pids
t1=$(cut -d' ' -f1 /proc/uptime)
lf_diag "$((PROCS * OPS)) commands from $PROCS processes took $(echo "$t0 $t1" | awk '{ print $2 - $1 }') s"

total=0 ok_load=0 ok_unload=0 badrc=0 noisy=0 unclear=0
for f in $dir/rc.*; do
	read -r rc verb <"$f"
	err=$dir/err.${f#"$dir"/rc.}
	lines=$(wc -l <"$err")
	total=$((total + 1))
	case "$rc" in
	0)
		[ "$verb" = load ] && ok_load=$((ok_load + 1))
		[ "$verb" = unload ] && ok_unload=$((ok_unload + 1))
		if [ "$lines" -ne 0 ]; then
			noisy=$((noisy + 1))
			lf_diag "succeeded but said: $(cat "$err")"
		fi
		;;
	1)
		if [ "$lines" -ne 1 ] || ! expected "$(cat "$err")"; then
			unclear=$((unclear + 1))
			lf_diag "unexpected error ($lines lines): $(cat "$err")"
		fi
		;;
	*)
		badrc=$((badrc + 1))
		lf_diag "exit $rc from $verb: $(cat "$err")"
		;;
	esac
done
lf_diag "$ok_load loads and $ok_unload unloads succeeded; the errors were:"
cat $dir/err.* | sed 's/lf_stress_[ab]/lf_stress_X/g; s|/[^ ]*\.ko|FIX.ko|' |
	sort | uniq -c | while read -r line; do lf_diag "  $line"; done

lf_check "all $((PROCS * OPS)) commands ran" test $total -eq $((PROCS * OPS))
lf_check "every command exited 0 or 1" test $badrc -eq 0
# Processes 0 and 2 (1 and 3) race on the same fix, so at most about
# half of the 52 loads can win; when the pairs stay in step it is close
# to exactly half. A tenth of all commands is enough to show that both
# verbs were exercised and is not at the mercy of scheduling.
min_ok=$((PROCS * OPS / 10))
lf_check "loads and unloads both succeeded at least $min_ok times" \
	test $ok_load -ge $min_ok -a $ok_unload -ge $min_ok
lf_check "no command that succeeded printed an error" test $noisy -eq 0
lf_check "every failure was one expected line naming the fix" test $unclear -eq 0

sa=$(stress_fix_state $A)
sb=$(stress_fix_state $B)
lf_diag "after the races: $A $sa, $B $sb"
lf_check "klp, livefix.ko and the module list agree on both fixes" \
	sh -c "case '$sa $sb' in *inconsistent*) exit 1 ;; esac"

for n in $A $B; do
	[ "$(stress_fix_state $n)" = gone ] || "$LIVEFIX" unload $n >/dev/null
done
left=$(stress_leftovers)
[ -z "$left" ] || lf_diag "left over: $(echo $left)"
lf_check "after unloading what is live, nothing is left over" test -z "$left"
lf_check "livefix.ko refcnt is back to its start ($refcnt0)" \
	test "$(cat /sys/module/livefix/refcnt)" -eq "$refcnt0"
lf_check "a fix loads and unloads cleanly after the races" \
	sh -c "'$LIVEFIX' load '$STRESS_A' >/dev/null && '$LIVEFIX' unload $A >/dev/null"
lf_check "livefix.ko unloads (no fix holds it)" rmmod livefix
lf_done
