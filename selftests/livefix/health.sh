#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The health watch: a fix that WARNs, or one that WARNs one call away,
# is reverted by livefix.ko on its own; `livefix health fail` and a
# failing `livefix health run` probe revert a healthy one; after the
# watch window a report is refused. Each time the guest keeps running
# and the audit log and the fix's sysfs files say why.
#
# The two WARNs are provoked on purpose, so vm-run lets WARNs through;
# this test then checks that exactly those two happened, and vm-run
# still fails the run on any oops or BUG.
# vm-run: --allow-warn
. "$(dirname "$0")/lib.sh"

FAULTY="$LF_ROOT/selftests/modules/faulty/lf_test_faulty.ko"
CALLEE="$LF_ROOT/selftests/modules/faulty-callee/lf_test_faulty_callee.ko"
DEMO="$LF_ROOT/examples/demo-version/lf_demo_version.ko"
FIXES=/sys/kernel/livefix/fixes
WATCH=/sys/module/livefix/parameters/watch_secs

# wait_reverted NAME: until livefix.ko records the revert as finished
# and klp has let go of the patch (bounded; no timing is asserted).
wait_reverted() {
	i=0
	while [ $i -lt 300 ]; do
		if [ "$(cat $FIXES/"$1"/state 2>/dev/null)" = reverted ] &&
			[ ! -e /sys/kernel/livepatch/"$1" ]; then
			return 0
		fi
		sleep 0.2
		i=$((i + 1))
	done
	lf_diag "$1: state $(cat $FIXES/"$1"/state 2>/dev/null), health $(cat $FIXES/"$1"/health 2>/dev/null)"
	return 1
}

# audit NAME STATE [REASON]: the one audit line for that state change.
audit() {
	if [ $# -gt 2 ]; then
		line="livefix: audit: fix=$1 id=.* state=$2 reason=\"$3\""
	else
		line="livefix: audit: fix=$1 id=.* state=$2\$"
	fi
	[ "$(dmesg | grep -c "$line")" -eq 1 ]
}

# The module's reference from the revert work is gone once refcnt is 0.
unload() {
	i=0
	while [ "$(cat /sys/module/"$1"/refcnt 2>/dev/null)" != 0 ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	"$LIVEFIX" unload "$1"
}

# info_shows NAME TEXT: `livefix info` where it exists, else the fix's
# health file, shows TEXT.
info_shows() {
	if "$LIVEFIX" help info >/dev/null 2>&1; then
		"$LIVEFIX" info "$1" | grep -qF "$2"
	else
		lf_diag "no 'livefix info' yet; reading $FIXES/$1/health"
		grep -qF "$2" $FIXES/"$1"/health
	fi
}

lf_plan 45
lf_check "livefix.ko loads" lf_core_load
lf_check "the watch window defaults to 600 s" grep -qx 600 $WATCH

# --- a fix that WARNs itself ----------------------------------------------
N=lf_test_faulty
lf_check "faulty fix loads" "$LIVEFIX" load "$FAULTY"
lf_check "faulty: its health watch is open" grep -q '^watching [0-9]*$' $FIXES/$N/health
lf_check "faulty: calling it runs the fix" sh -c 'cat /proc/version | grep -qx "faulty fix"'
lf_check "faulty: livefix.ko reverts it on its own" wait_reverted $N
lf_check "faulty: klp has dropped the patch" test ! -e /sys/kernel/livepatch/$N
lf_check "faulty: the original function is back" grep -q gcc /proc/version
lf_check "faulty: health names the WARN in the fix" \
	grep -q '^failed WARN at lf_faulty_version_show+0x[0-9a-f]*/0x[0-9a-f]* \[lf_test_faulty\]$' \
	$FIXES/$N/health
lf_check "faulty: audit line for reverting, with the reason" \
	audit $N reverting 'WARN at lf_faulty_version_show+0x[0-9a-f]*/0x[0-9a-f]* \[lf_test_faulty\]'
lf_check "faulty: audit line for reverted, keeping the reason" \
	audit $N reverted 'WARN at lf_faulty_version_show+0x[0-9a-f]*/0x[0-9a-f]* \[lf_test_faulty\]'
lf_check "faulty: livefix info shows why" info_shows $N "WARN at lf_faulty_version_show"
lf_check "faulty: the module stays loaded until unloaded" grep -q "^$N " /proc/modules
lf_check "faulty: livefix unload removes it" unload $N

# --- a fix whose callee WARNs ---------------------------------------------
N=lf_test_faulty_callee
lf_check "callee: fix loads" "$LIVEFIX" load "$CALLEE"
lf_check "callee: calling it runs the fix" sh -c 'grep -qx "faulty callee fix" /proc/cmdline'
lf_check "callee: livefix.ko reverts it on its own" wait_reverted $N
lf_check "callee: the original function is back" sh -c '! grep -q "faulty callee" /proc/cmdline'
lf_check "callee: health names the WARN and the fix's frame" \
	grep -q '^failed WARN at refcount_warn_saturate+.* called from lf_faulty_cmdline_show+0x[0-9a-f]*/0x[0-9a-f]* \[lf_test_faulty_callee\]$' \
	$FIXES/$N/health
lf_check "callee: audit line with the reason" \
	audit $N reverting 'WARN at refcount_warn_saturate+.* called from lf_faulty_cmdline_show+.*'
lf_check "callee: livefix unload removes it" unload $N

# --- livefix health fail ----------------------------------------------------
N=lf_demo_version
lf_check "report: healthy fix loads" "$LIVEFIX" load "$DEMO"
lf_check "report: livefix health fail succeeds" \
	"$LIVEFIX" health fail $N --reason "latency probe over budget"
lf_check "report: livefix.ko reverts it" wait_reverted $N
lf_check "report: the original function is back" grep -q gcc /proc/version
lf_check "report: health shows the reason" \
	grep -qx 'failed health report: latency probe over budget' $FIXES/$N/health
lf_check "report: audit line with the reason" \
	audit $N reverting 'health report: latency probe over budget'
lf_check "report: livefix info shows why" info_shows $N "latency probe over budget"
lf_fails_one_line "report: a second report is refused" \
	"$LIVEFIX" health fail $N --reason again
lf_check "report: livefix unload removes it" unload $N

# --- livefix health run -----------------------------------------------------
lf_check "probe: healthy fix loads again" "$LIVEFIX" load "$DEMO"
lf_check "probe: a passing probe leaves the fix live" \
	"$LIVEFIX" health run --interval 0.2 --count 3 $N -- true
lf_check "probe: still live" grep -qx live $FIXES/$N/state
"$LIVEFIX" health run --interval 0.2 --count 20 $N -- \
	sh -c 'grep -q gcc /proc/version || { echo "no compiler in /proc/version"; exit 3; }' \
	>/tmp/lf_probe_out 2>&1
rc=$?
lf_diag "$(cat /tmp/lf_probe_out)"
lf_check "probe: a failing probe makes health run exit 1" test $rc -eq 1
lf_check "probe: livefix.ko reverts the fix" wait_reverted $N
lf_check "probe: health shows the probe's status and output" \
	grep -qx 'failed health report: probe sh exited 3: no compiler in /proc/version' \
	$FIXES/$N/health
lf_check "probe: audit line with the reason" \
	audit $N reverting 'health report: probe sh exited 3: no compiler in /proc/version'
lf_check "probe: livefix unload removes it" unload $N

# --- after the watch window -------------------------------------------------
echo 0 >$WATCH
lf_check "no watch: fix loads with watch_secs=0" "$LIVEFIX" load "$DEMO"
lf_fails_one_line "no watch: a report is refused" \
	"$LIVEFIX" health fail $N --reason "too late"
lf_check "no watch: ... saying the watch has ended" \
	grep -q "$N: its health watch has ended" /tmp/lf_err
lf_check "no watch: the fix stays live" sh -c "grep -qx live $FIXES/$N/state && grep -qx 1 /sys/kernel/livepatch/$N/enabled"
lf_check "no watch: livefix unload removes it" unload $N
echo 600 >$WATCH

# --- the kernel log holds exactly the two WARNs provoked above --------------
dmesg | grep 'WARNING:' | sed 's/^/# /'
lf_check "exactly two WARNs, one in each faulty fix's path" sh -c '
	[ "$(dmesg | grep -c "WARNING:")" -eq 2 ] &&
	dmesg | grep "WARNING:" | grep -q " lf_faulty_version_show+.* \[lf_test_faulty\]" &&
	dmesg | grep "WARNING:" | grep -q " refcount_warn_saturate+"'
lf_check "no oops or BUG" sh -c '! dmesg | grep -Eq "Oops|BUG:|kernel BUG at|general protection fault"'
lf_done
