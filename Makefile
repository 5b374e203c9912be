# SPDX-License-Identifier: GPL-2.0
#
# livefix top-level build.
#
#   make demo     provision the target, build, and show a fix going live
#   make check    run every test suite (host unit tests, checkpatch, guest)
#   make check-stress  the full stress run: 1000 apply/revert cycles (~1 h)
#   make          build the CLI, livefix.ko and the example fix
#
# The target kernel ABI defaults to the version of linux-source-6.12 and
# can be set with LIVEFIX_ABI=6.12.113+deb12-amd64.

ABI = $(or $(LIVEFIX_ABI),$(shell scripts/abi))
KDIR = /usr/src/linux-headers-$(ABI)
KBUILD = $(MAKE) -C $(KDIR)

# Patch modules and test modules built against the target's headers.
KMOD_DIRS := examples/demo-version selftests/modules/warn \
	     selftests/modules/blocker selftests/modules/blocker-fix \
	     selftests/modules/fix-macros \
	     selftests/modules/wrong-target \
	     selftests/modules/faulty selftests/modules/faulty-callee \
	     selftests/modules/faulty-bug selftests/modules/cumulative-v1 \
	     selftests/modules/cumulative-v2 selftests/modules/plain-klp \
	     selftests/modules/stress-a selftests/modules/stress-b \
	     selftests/modules/stress-klp

.PHONY: all tools kmod modules provision check check-all check-stress demo \
	checkpatch selftests clean

all: tools modules

provision:
	scripts/provision

tools:
	$(MAKE) -C tools

kmod:
	$(KBUILD) M=$(CURDIR)/kmod/core modules

# Patch modules link against livefix.ko's exports, so it comes first;
# the fixtures include a fix made by `livefix build`.
modules: kmod tools
	@set -e; for d in $(KMOD_DIRS); do \
		$(KBUILD) M=$(CURDIR)/$$d modules; \
	done
	$(MAKE) -C selftests fixtures

selftests: all
	$(MAKE) -C selftests run_tests

checkpatch:
	scripts/checkpatch

# A fresh machine has neither packages nor apt lists, and ABI can only be
# worked out after provisioning, so the real work is a second make.
check: provision
	$(MAKE) --no-print-directory check-all

check-all: all
	scripts/run-checks

# make check runs selftests/livefix/stress.sh with a few cycles; this is
# the full run, with the test's own vm-run options and a longer timeout.
check-stress: all
	scripts/vm-run $$(sed -n 's/^# vm-run: //p' selftests/livefix/stress.sh) \
		--timeout 7200 -- selftests/livefix/stress.sh 1000

demo: provision
	$(MAKE) -s --no-print-directory all
	scripts/demo

clean:
	$(MAKE) -C tools clean
	-@for d in kmod/core $(KMOD_DIRS); do \
		$(KBUILD) M=$(CURDIR)/$$d clean >/dev/null 2>&1; \
	done
	$(MAKE) -C selftests clean
