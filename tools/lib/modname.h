/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_MODNAME_H
#define LF_MODNAME_H

#include <stdbool.h>
#include <stddef.h>

/* The kernel's MODULE_NAME_LEN on 64-bit, including the NUL. */
#define LF_MODNAME_MAX 56

/*
 * Turn what a user typed ("fix-1", "fix_1", "out/fix-1.ko") into the kernel
 * module name, which is also the klp patch name: basename, without the .ko
 * (optionally compressed) suffix, '-' mapped to '_', as kbuild does.
 * -EINVAL if the result is empty or could not be a module name; that also
 * keeps user input from escaping the sysfs directories we build paths in.
 */
int lf_modname(const char *arg, char *out, size_t size);

/* True if @arg looks like a module file rather than a bare name. */
bool lf_modname_is_path(const char *arg);

#endif
