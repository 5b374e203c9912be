#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Apply/revert cycles under load, and what they leave behind: fix A goes
# live and away CYCLES times through `livefix load/unload`, while four
# tasks call the patched functions the whole time and fix B (stacked on
# the same function, plus one of its own) is applied or reverted
# alongside in every other cycle. Afterwards livefix.ko's reference
# count, slab and module memory must be back where they started.
#
#   stress.sh [CYCLES]    default 12 (make check); make check-stress: 1000
#
# One vCPU: under single-threaded TCG, a transition with a busy second
# vCPU spends ~70 s in the text pokes (and their IPIs) with which klp
# redirects cond_resched() for the transition (sched_dynamic_klp_enable),
# against ~1 s with one vCPU. The busy tasks run at nice 19 so the
# commands under test are not starved; they are still running tasks for
# the transitions to switch.
# vm-run: --smp 1 --timeout 900
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_stress.sh"

CYCLES=${1:-12}
WARMUP=4
BUSY=4
A=lf_stress_a
B=lf_stress_b
# Allowed growth after CYCLES cycles, over a baseline taken after warm-up
# cycles. Unreclaimable slab is exact to the page after shrinking: a
# fix leaking 4 kB per load showed as +48 kB after 12 cycles, and 1000
# clean cycles as +28 kB (12 as up to +32 kB), so 96 kB catches ~100
# bytes a cycle over 1000 cycles. Slab and slabinfo also count
# reclaimable caches (dentries, sysfs inodes), which wander by ~150 kB.
SLAB_TOL_KB=256
SUNRECLAIM_TOL_KB=96
PERCPU_TOL_KB=16

lf_plan 16
lf_check "livefix.ko loads" lf_core_load
refcnt0=$(cat /sys/module/livefix/refcnt)
lf_diag "livefix.ko refcnt at start: $refcnt0; $CYCLES cycles, $BUSY busy tasks"

failures=0
# lf_cmd VERB ARG: run livefix, keep the first failure lines for the log.
lf_cmd() {
	if ! "$LIVEFIX" "$@" >/dev/null 2>$STRESS_TMP/err; then
		failures=$((failures + 1))
		[ $failures -le 5 ] && lf_diag "livefix $*: $(cat $STRESS_TMP/err)"
	fi
}

b_live=
# cycle I: A on; in every other cycle B on or off, so B's transitions
# run while A is live, and A's run with and without B; A off.
cycle() {
	lf_cmd load "$STRESS_A"
	if [ $(($1 % 2)) -eq 1 ]; then
		:
	elif [ -z "$b_live" ]; then
		lf_cmd load "$STRESS_B"
		b_live=1
	else
		lf_cmd unload $B
		b_live=
	fi
	lf_cmd unload $A
}

mkdir -p $STRESS_TMP
stress_busy_start $BUSY
i=0
while [ $i -lt $WARMUP ]; do
	cycle $i
	i=$((i + 1))
done
stress_busy_stop
lf_check "warm-up: $WARMUP cycles with $BUSY busy tasks succeed" test $failures -eq 0
lf_check "warm-up: B is off again" test -z "$b_live"

stress_mem base
lf_diag "baseline: Slab ${base_slab} kB, SUnreclaim ${base_sunreclaim} kB, Percpu ${base_percpu} kB, slabinfo ${base_slabinfo} kB, modules ${base_modules} B"

failures=0
stress_busy_start $BUSY
t0=$(cut -d' ' -f1 /proc/uptime)
i=0
while [ $i -lt "$CYCLES" ]; do
	cycle $i
	i=$((i + 1))
	if [ $((i % 100)) -eq 0 ]; then
		lf_diag "$i cycles, $failures failed commands, $(cut -d' ' -f1 /proc/uptime) s"
	fi
done
[ -z "$b_live" ] || { lf_cmd unload $B; b_live=; }
t1=$(cut -d' ' -f1 /proc/uptime)
lf_check "busy tasks still running after the cycles" \
	sh -c "for p in $stress_busy_pids; do kill -0 \$p || exit 1; done"
stress_busy_stop
lf_diag "$(echo "$t0 $t1 $CYCLES" | awk '{ printf "cycles took %.1f s, %.2f s per cycle (2.5 transitions)", $2 - $1, ($2 - $1) / $3 }')"
lf_diag "busy tasks: $busy_calls calls of patched functions; /proc/version showed original $busy_orig, fix A $busy_a, fix B $busy_b, other $busy_bad"

lf_check "$CYCLES cycles: every livefix load/unload succeeded" test $failures -eq 0
lf_check "all $BUSY busy tasks reported" test $busy_reported -eq $BUSY
lf_check "busy tasks read only well-formed output" test $busy_bad -eq 0
lf_check "busy tasks ran fix A's and fix B's replacement and the original" \
	test $busy_a -gt 0 -a $busy_b -gt 0 -a $busy_orig -gt 0

left=$(stress_leftovers)
[ -z "$left" ] || lf_diag "left over: $(echo $left)"
lf_check "no livepatch, livefix entry or patch module left over" test -z "$left"
refcnt1=$(cat /sys/module/livefix/refcnt)
lf_diag "livefix.ko refcnt: start $refcnt0, end $refcnt1"
lf_check "livefix.ko refcnt is back to its start" test "$refcnt1" -eq "$refcnt0"

stress_mem end
# within NAME BASE END TOL: END - BASE <= TOL, with the numbers in TAP.
within() {
	d=$(($3 - $2))
	lf_diag "$1: baseline $2, after $CYCLES cycles $3, delta $d (tolerance $4)"
	if [ $d -le "$4" ]; then
		lf_ok "$1 back to baseline within $4"
	else
		lf_not_ok "$1 back to baseline within $4"
	fi
}
within "Slab (kB)" $base_slab $end_slab $SLAB_TOL_KB
within "SUnreclaim (kB)" $base_sunreclaim $end_sunreclaim $SUNRECLAIM_TOL_KB
within "slabinfo objects (kB)" $base_slabinfo $end_slabinfo $SLAB_TOL_KB
within "Percpu (kB)" $base_percpu $end_percpu $PERCPU_TOL_KB
within "module memory (B)" $base_modules $end_modules 0

lf_check "livefix.ko unloads (no fix holds it)" rmmod livefix
lf_done
