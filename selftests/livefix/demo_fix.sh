#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The example fix end to end through the livefix CLI: old behaviour
# before, new behaviour while live, old behaviour after unload, and the
# klp sysfs entry appearing and disappearing with it.
. "$(dirname "$0")/lib.sh"

FIX="$LF_ROOT/examples/demo-version/lf_demo_version.ko"
NAME=lf_demo_version
KLP=/sys/kernel/livepatch/$NAME

lf_plan 14
lf_check "livefix.ko loads" lf_core_load
lf_check "/sys/kernel/livefix/version is set" \
	grep -qx '[0-9][0-9.]*' /sys/kernel/livefix/version

lf_check "before: /proc/version names the compiler" grep -q gcc /proc/version
lf_check "before: $KLP is absent" test ! -e $KLP

lf_check "livefix load succeeds" "$LIVEFIX" load "$FIX"
lf_check "live: $KLP is enabled" grep -qx 1 $KLP/enabled
lf_check "live: the transition is complete" grep -qx 0 $KLP/transition
lf_check "live: /proc/version no longer names the compiler" \
	sh -c '! grep -q gcc /proc/version && grep -q "toolchain redacted" /proc/version'
lf_check "live: livefix records the fix as live" \
	grep -qx live /sys/kernel/livefix/fixes/$NAME/state
lf_check "live: livefix list shows the fix, its target and function" \
	sh -c "'$LIVEFIX' list | grep $NAME | grep live | grep '$(uname -r)' | grep -q vmlinux:version_proc_show"

lf_check "livefix unload succeeds" "$LIVEFIX" unload $NAME
lf_check "after: /proc/version names the compiler again" grep -q gcc /proc/version
lf_check "after: $KLP is gone" test ! -e $KLP
lf_check "after: the module is gone" sh -c "! grep -q '^$NAME ' /proc/modules"
lf_done
