#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Bad input to `livefix load`: each case is one clear line on stderr, a
# non-zero exit, and a kernel left exactly as it was.
. "$(dirname "$0")/lib.sh"

OTHER="$LF_ROOT/selftests/fixtures/lf_other_kernel.ko"
WRONG_TARGET="$LF_ROOT/selftests/modules/wrong-target/lf_test_wrong_target.ko"
PLAIN="$LF_ROOT/selftests/modules/warn/lf_test_warn.ko"

snapshot() {
	{
		"$LIVEFIX" list --json
		cut -d' ' -f1 /proc/modules | sort
		ls /sys/kernel/livepatch
	} >"$1" 2>&1
}

lf_plan 13
lf_check "livefix.ko loads" lf_core_load
snapshot /tmp/before

lf_fails_one_line "missing file is refused" "$LIVEFIX" load /nonexistent/fix.ko
lf_check "... and the error names the file" grep -q /nonexistent/fix.ko /tmp/lf_err

echo "this is not a kernel module" >/tmp/notamodule.ko
lf_fails_one_line "a file that is not a module is refused" \
	"$LIVEFIX" load /tmp/notamodule.ko
lf_check "... and the error says so" grep -qi "not an ELF\|not a kernel module" /tmp/lf_err

lf_fails_one_line "a module built for another kernel is refused" \
	"$LIVEFIX" load "$OTHER"
lf_check "... and the error names both kernels" \
	sh -c "grep -q 6.12.0-other /tmp/lf_err && grep -q '$(uname -r)' /tmp/lf_err"

lf_fails_one_line "a module that is not a livepatch is refused" \
	"$LIVEFIX" load "$PLAIN"

lf_fails_one_line "a fix whose target is another kernel is refused" \
	"$LIVEFIX" load "$WRONG_TARGET"

# Past the CLI, livefix.ko itself must refuse it.
lf_check "livefix.ko refuses it too when loaded directly" \
	sh -c "! insmod '$WRONG_TARGET' 2>/dev/null"
lf_check "... logging the fix and the failed check" \
	sh -c "dmesg | grep -q 'refused fix=lf_test_wrong_target check=target'"

lf_fails_one_line "unloading an unknown fix is refused" "$LIVEFIX" unload no_such_fix

snapshot /tmp/after
lf_check "livefix list and the module list are unchanged" cmp -s /tmp/before /tmp/after
lf_done
