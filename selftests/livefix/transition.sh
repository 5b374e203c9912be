#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Transitions under real conditions: a task sleeping inside the function a
# fix replaces holds the klp transition back. `livefix load` must name it
# (pid, comm, function); interrupt it when it sleeps interruptibly, after
# which the transition completes; and when it cannot be moved, reverse the
# transition and unload the fix, leaving nothing behind.
. "$(dirname "$0")/lib.sh"

TARGET="$LF_ROOT/selftests/modules/blocker/lf_test_blocker.ko"
FIX="$LF_ROOT/selftests/modules/blocker-fix/lf_test_blocker_fix.ko"
NAME=lf_test_blocker_fix
KLP=/sys/kernel/livepatch/$NAME
CTL=/proc/lf_test_blocker
FUNC=lf_test_blocker_hold

# wait_sleepers N: until N tasks sleep inside the patched function.
wait_sleepers() {
	i=0
	while [ "$(cat $CTL/sleepers)" != "$1" ]; do
		i=$((i + 1))
		[ $i -gt 300 ] && return 1
		sleep 0.1
	done
}

# wait_gone PID: until the background task PID has exited.
wait_gone() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.1
	done
	wait "$1"
}

# in_stack PID WORD: until PID's kernel stack has a frame matching WORD.
in_stack() {
	i=0
	until grep -q "$2" /proc/$1/stack 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 300 ] && return 1
		sleep 0.1
	done
}

nothing_left() {
	[ ! -e $KLP ] && ! grep -q "^$NAME " /proc/modules &&
		! "$LIVEFIX" list | grep -q $NAME
}

lf_plan 47
lf_check "livefix.ko loads" lf_core_load
lf_check "the blocker target module loads" insmod "$TARGET"

# (a) An interruptible sleeper: reported, interrupted, then live.
cat $CTL/hold >/tmp/hold_a &
pid_a=$!
lf_check "a task sleeps interruptibly in $FUNC" wait_sleepers 1
comm_a=$(cat /proc/$pid_a/comm)
"$LIVEFIX" load --timeout 2 "$FIX" >/tmp/load_a.out 2>/tmp/load_a.err
rc=$?
sed 's/^/# stdout: /' /tmp/load_a.out
sed 's/^/# stderr: /' /tmp/load_a.err
lf_check "load succeeds once the sleeper is interrupted" test $rc -eq 0
lf_check "while waiting, load names the blocker: pid, comm and function" \
	grep -q "waits for 1 task: $pid_a ($comm_a) in $FUNC" /tmp/load_a.out
lf_check "load says it interrupted the blocker" \
	grep -q "is live (.*after interrupting 1 task)" /tmp/load_a.out
lf_check "the fix is live" sh -c "grep -qx 1 $KLP/enabled && grep -qx 0 $KLP/transition"
lf_check "the interrupted read ends" wait_gone $pid_a
lf_check "... having restarted in the fixed function" grep -qx fixed /tmp/hold_a
lf_check "no task is left in the old function" wait_sleepers 0
lf_check "unload succeeds" "$LIVEFIX" unload $NAME
lf_check "nothing of the fix is left" nothing_left

# (b) A sleeper that nothing but the event wakes: reversed, unloaded.
cat $CTL/hold_killable >/tmp/hold_b &
pid_b=$!
lf_check "a task sleeps uninterruptibly in $FUNC" wait_sleepers 1
comm_b=$(cat /proc/$pid_b/comm)
"$LIVEFIX" load --timeout 2 "$FIX" >/tmp/load_b.out 2>/tmp/load_b.err
rc=$?
sed 's/^/# stdout: /' /tmp/load_b.out
sed 's/^/# stderr: /' /tmp/load_b.err
lf_check "load fails" test $rc -ne 0
lf_check "... with exactly one line on stderr" test "$(wc -l </tmp/load_b.err)" -eq 1
lf_check "... naming the blocker: pid, comm and function" \
	grep -q "blocked by $pid_b ($comm_b) in $FUNC" /tmp/load_b.err
lf_check "... saying it cannot be interrupted" grep -q "cannot be interrupted" /tmp/load_b.err
lf_check "... and that it reverted and unloaded" \
	grep -q "reverted, nothing was left loaded" /tmp/load_b.err
lf_check "while waiting, load named the blocker" \
	grep -q "waits for 1 task: $pid_b ($comm_b) in $FUNC" /tmp/load_b.out
lf_check "no patch, no module, nothing in livefix list" nothing_left
lf_check "the task still sleeps in the old function" \
	sh -c "grep -q '^State:.*D' /proc/$pid_b/status && grep -qx 1 $CTL/sleepers"
echo 1 >$CTL/release
wait_gone $pid_b
lf_check "released, it returns from the old function" grep -qx released /tmp/hold_b

# (d) Two blockers, one interruptible: interrupting it is not enough.
cat $CTL/hold >/tmp/hold_d1 &
pid_d1=$!
cat $CTL/hold_killable >/tmp/hold_d2 &
pid_d2=$!
lf_check "two tasks sleep in $FUNC, one of them interruptibly" wait_sleepers 2
"$LIVEFIX" load --timeout 2 "$FIX" >/tmp/load_d.out 2>/tmp/load_d.err
rc=$?
sed 's/^/# stdout: /' /tmp/load_d.out
sed 's/^/# stderr: /' /tmp/load_d.err
lf_check "load fails" test $rc -ne 0
lf_check "... after interrupting the interruptible one" \
	grep -q "interrupting 1 of 2" /tmp/load_d.out
lf_check "... naming the one left, and that interrupting did not help" \
	grep -q "blocked by $pid_d2 (cat) in $FUNC, even after interrupting 1 task); reverted, nothing was left loaded" /tmp/load_d.err
lf_check "no patch, no module, nothing in livefix list" nothing_left
lf_check "the interrupted task finishes" wait_gone $pid_d1
lf_check "... having run the fix while it was being applied" grep -qx fixed /tmp/hold_d1
echo 1 >$CTL/release
lf_check "the other one, released, finishes" wait_gone $pid_d2
lf_check "... in the old function" grep -qx released /tmp/hold_d2

# (c) A kernel thread: userspace cannot interrupt it, so load reverses.
echo 1 >$CTL/kthread
kpid=$(cat $CTL/kthread)
lf_check "a kernel thread sleeps in $FUNC" wait_sleepers 1
"$LIVEFIX" load --timeout 2 "$FIX" >/tmp/load_c.out 2>/tmp/load_c.err
rc=$?
sed 's/^/# stderr: /' /tmp/load_c.err
lf_check "load fails" test $rc -ne 0
lf_check "... naming the kernel thread and saying it cannot be interrupted" \
	grep -q "blocked by $kpid (lf_test_blocker) in $FUNC; it cannot be interrupted: a kernel thread" /tmp/load_c.err
lf_check "... and reverts" grep -q "reverted, nothing was left loaded" /tmp/load_c.err
lf_check "no patch, no module, nothing in livefix list" nothing_left
echo 1 >$CTL/release
lf_check "released, the kernel thread leaves the old function" wait_sleepers 0

# Afterwards the same fix applies cleanly.
lf_check "with no sleeper, load succeeds" "$LIVEFIX" load --timeout 10 "$FIX"
lf_check "... and the fixed function runs" sh -c "grep -qx fixed $CTL/hold"

# (e) Unloading, held back by a task sleeping in the fix's own code.
cat $CTL/hold_killable >/tmp/hold_e &
pid_e=$!
lf_check "a task sleeps in the fix's replacement" in_stack $pid_e lf_test_blocker_fix_hold
comm_e=$(cat /proc/$pid_e/comm)
"$LIVEFIX" unload --timeout 2 $NAME >/tmp/unload_e.out 2>/tmp/unload_e.err
rc=$?
sed 's/^/# stdout: /' /tmp/unload_e.out
sed 's/^/# stderr: /' /tmp/unload_e.err
lf_check "unload succeeds once the sleeper is interrupted" test $rc -eq 0
lf_check "while waiting, unload names the blocker in the fix's function" \
	grep -q "waits for 1 task: $pid_e ($comm_e) in lf_test_blocker_fix_hold" /tmp/unload_e.out
lf_check "unload says it interrupted the blocker" \
	grep -q "unloaded (after interrupting 1 task)" /tmp/unload_e.out
lf_check "nothing of the fix is left at the end" nothing_left
lf_check "the interrupted read restarted in the old function" wait_sleepers 1
echo 1 >$CTL/release
lf_check "released, it finishes" wait_gone $pid_e
lf_check "... with the old function's answer" grep -qx released /tmp/hold_e
lf_done
