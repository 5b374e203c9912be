# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the stress tests (busybox sh): the two stress fixes,
# busy tasks that call the patched functions, memory snapshots and a
# consistency check of the kernel's view of the fixes. Sourced after
# lib.sh.

STRESS_A="$LF_ROOT/selftests/modules/stress-a/lf_stress_a.ko"
STRESS_B="$LF_ROOT/selftests/modules/stress-b/lf_stress_b.ko"
STRESS_TMP=/tmp/lf-stress

# stress_busy_start N: N tasks reading /proc/version and /proc/cmdline in
# a loop without forking, so each iteration is two calls of a patched
# function. Each task counts the lines it saw from the original, fix A
# and fix B, and lines that are none of those.
stress_busy_start() {
	mkdir -p $STRESS_TMP
	rm -f $STRESS_TMP/stop $STRESS_TMP/busy.*
	stress_busy_pids=
	i=0
	while [ $i -lt "$1" ]; do
		stress_busy_task $i &
		stress_busy_pids="$stress_busy_pids $!"
		renice -n "${STRESS_BUSY_NICE:-19}" -p $! >/dev/null
		i=$((i + 1))
	done
}

stress_busy_task() {
	n=0 orig=0 a=0 b=0 bad=0
	while [ ! -e $STRESS_TMP/stop ]; do
		read -r v </proc/version
		read -r c </proc/cmdline
		case $v in
		*"[livefix stress a]") a=$((a + 1)) ;;
		*"[livefix stress b]") b=$((b + 1)) ;;
		"Linux version "*gcc*) orig=$((orig + 1)) ;;
		*) bad=$((bad + 1)) ;;
		esac
		[ -n "$c" ] || bad=$((bad + 1))
		n=$((n + 1))
	done
	echo "$n $orig $a $b $bad" >$STRESS_TMP/busy.$1
}

# stress_busy_stop: stop the tasks; sets busy_calls, busy_orig, busy_a,
# busy_b, busy_bad (sums over the tasks) and busy_reported (how many
# tasks reported at all).
stress_busy_stop() {
	touch $STRESS_TMP/stop
	# shellcheck disable=SC2086
	wait $stress_busy_pids
	busy_calls=0 busy_orig=0 busy_a=0 busy_b=0 busy_bad=0 busy_reported=0
	for f in $STRESS_TMP/busy.*; do
		[ -e "$f" ] || continue
		read -r n o a b x <"$f"
		busy_calls=$((busy_calls + n * 2))
		busy_orig=$((busy_orig + o))
		busy_a=$((busy_a + a))
		busy_b=$((busy_b + b))
		busy_bad=$((busy_bad + x))
		busy_reported=$((busy_reported + 1))
	done
}

# stress_mem PREFIX: a memory snapshot into PREFIX_slab, PREFIX_sunreclaim,
# PREFIX_percpu (kB, /proc/meminfo), PREFIX_slabinfo (kB in use by
# allocated objects, /proc/slabinfo) and PREFIX_modules (bytes, sum of
# /proc/modules sizes). Caches are dropped and every slab cache shrunk
# first (per-CPU and empty slabs given back), so what is left is what
# the kernel really holds.
stress_mem() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	for s in /sys/kernel/slab/*/shrink; do
		echo 1 >"$s" 2>/dev/null
	done
	eval "$(awk -v p="$1" '
		$1 == "Slab:" { print p "_slab=" $2 }
		$1 == "SUnreclaim:" { print p "_sunreclaim=" $2 }
		$1 == "Percpu:" { print p "_percpu=" $2 }' /proc/meminfo)"
	eval "$1_slabinfo=$(awk 'NR > 2 { t += $2 * $4 } END { printf "%d", t / 1024 }' /proc/slabinfo)"
	eval "$1_modules=$(awk '{ t += $2 } END { printf "%d", t }' /proc/modules)"
}

# stress_fix_state NAME: one word for what the kernel shows of fix NAME:
# "gone" (no module, no klp patch, no livefix entry), "live" (all three,
# enabled, no transition, livefix says live), or "inconsistent:..."
# naming what disagrees.
stress_fix_state() {
	klp=/sys/kernel/livepatch/$1
	reg=/sys/kernel/livefix/fixes/$1
	mod=$(awk -v n="$1" '$1 == n { print $5 }' /proc/modules)
	if [ ! -e $klp ] && [ ! -e $reg ] && [ -z "$mod" ]; then
		echo gone
		return
	fi
	en=$(cat $klp/enabled 2>/dev/null)
	tr=$(cat $klp/transition 2>/dev/null)
	st=$(cat $reg/state 2>/dev/null)
	if [ "$mod" = Live ] && [ "$en" = 1 ] && [ "$tr" = 0 ] && [ "$st" = live ]; then
		echo live
		return
	fi
	echo "inconsistent:module=${mod:-none},klp_enabled=${en:-none},transition=${tr:-none},livefix=${st:-none}"
}

# stress_leftovers: every livepatch, livefix entry or livepatch module
# still in the kernel, one per line.
stress_leftovers() {
	ls /sys/kernel/livepatch 2>/dev/null | sed 's/^/livepatch: /'
	ls /sys/kernel/livefix/fixes 2>/dev/null | sed 's/^/livefix: /'
	for m in /sys/module/*/taint; do
		grep -q K "$m" 2>/dev/null && echo "module: $(basename "$(dirname "$m")")"
	done
	return 0
}
