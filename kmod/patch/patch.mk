# SPDX-License-Identifier: GPL-2.0
#
# Include this from a patch module's Kbuild, after naming its objects:
#
#	obj-m := my_fix.o
#	my_fix-y := fix.o livefix-hook.o
#	include $(LIVEFIX_PATCH_MK)
#
# It brings in the skeleton (hook.c) as a per-module copy, because hook.c
# is compiled with the fix's own KBUILD_MODNAME, and resolves livefix.ko's
# exports for modpost.

LIVEFIX_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)

ccflags-y += -Werror -I$(LIVEFIX_ROOT)/include -I$(LIVEFIX_ROOT)/kmod/include \
	     -I$(LIVEFIX_ROOT)/kmod/patch

$(obj)/livefix-hook.c: $(LIVEFIX_ROOT)/kmod/patch/hook.c FORCE
	$(call if_changed,copy)
targets += livefix-hook.c

# livefix build points this at the livefix.ko built for the fix's ABI.
LIVEFIX_CORE_SYMVERS ?= $(LIVEFIX_ROOT)/kmod/core/Module.symvers
KBUILD_EXTRA_SYMBOLS += $(LIVEFIX_CORE_SYMVERS)
