/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_TARGET_H
#define LF_BUILD_TARGET_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>

#include "../err.h"

/*
 * The per-ABI build environment of doc/build.md: everything `livefix
 * build` needs to compile a unit exactly as the distro did, and the
 * shipped image to compare against.
 *
 *   <cache>/<ABI>/src/     linux-source-6.12 of the ABI's Debian version
 *   <cache>/<ABI>/obj      -> obj.<stamp>/: O= tree, distro .config,
 *                          olddefconfig + prepare done
 *   <cache>/<ABI>/dbg/     vmlinux-<ABI>, System.map-<ABI> from -dbg
 *   <cache>/<ABI>/journal  patchset's backups while a build runs
 *   <cache>/<ABI>/lock     flock, held from prepare to close
 *
 * Each piece appears atomically: src/ and dbg/ are built under a .tmp
 * name and renamed, and obj is a symlink switched to a finished tree
 * (kbuild records absolute paths of the O= directory, so the tree itself
 * must be built where it will stay). Leftovers of an interrupted prepare
 * are removed by the next one.
 */

#define LF_ABI_MAX 64

enum {
	LF_TARGET_VERBOSE = 1u << 0,	/* step timings through t->note */
	LF_TARGET_NO_DBG = 1u << 1,	/* skip dbg/ (tests, link-only use) */
	LF_TARGET_NO_INSTALL = 1u << 2,	/* never apt-get install headers */
};

struct lf_target {
	/* Inputs, set before lf_target_prepare (zero = default). */
	const char *src_override;	/* --src: a user's kernel tree */
	/* Added to the compiles' include path (<repo>/kmod/include, for
	 * <livefix/fix.h>); NULL for none. */
	const char *fix_include;
	unsigned int jobs;		/* make -j for prepare; 0: 1 */
	const volatile sig_atomic_t *cancel;
	void (*note)(const char *msg);	/* progress, verbose mode only */

	/* Outputs. */
	char abi[LF_ABI_MAX];
	char debver[64];		/* Debian version, 6.12.117-1~deb12u1 */
	char dir[PATH_MAX];		/* <cache>/<ABI> */
	char src[PATH_MAX];		/* kernel tree (realpath) */
	char obj[PATH_MAX];		/* prepared O= tree (realpath) */
	char kdir[PATH_MAX];		/* /usr/src/linux-headers-<ABI> */
	char symvers[PATH_MAX];		/* kdir/Module.symvers */
	char vmlinux[PATH_MAX];		/* dbg/vmlinux-<ABI>; "" with NO_DBG */
	char system_map[PATH_MAX];	/* dbg/System.map-<ABI> */
	char image[PATH_MAX];		/* unpacked image (scripts/provision);
					   may not exist */
	char journal[PATH_MAX];		/* <dir>/journal */
	char logdir[PATH_MAX];		/* tool logs; <dir>/log by default */
	char cc[256];			/* compiler command kbuild runs */
	char cc_version[256];		/* its --version line ==
					   CONFIG_CC_VERSION_TEXT */
	bool journal_restored;		/* a dead build's patch was undone */
	int lock_fd;
};

/* <LIVEFIX_CACHE> | <XDG_CACHE_HOME>/livefix | ~/.cache/livefix. */
int lf_cache_root(char *buf, size_t size, struct lf_err *err);

/*
 * The default target: LIVEFIX_ABI, else the installed linux-source-6.12's
 * version mapped to its ABI (6.12.117-1~deb12u1 -> 6.12.117+deb12-amd64),
 * as scripts/lib.sh does.
 */
int lf_target_default_abi(char *buf, size_t size, struct lf_err *err);

/* 6.12.117-1~deb12u1 -> 6.12.117+deb12-amd64. */
int lf_abi_from_debver(const char *debver, char *buf, size_t size);

/* An ABI is [0-9A-Za-z.+~_-], starts with a digit, names no path. */
bool lf_abi_valid(const char *abi);

/*
 * Make the cache for @abi exist (idempotent), take its lock, restore a
 * dead build's journal, and check the compiler. On success the caller
 * owns the lock until lf_target_close. A failed prepare holds nothing.
 */
int lf_target_prepare(const char *abi, struct lf_target *t, unsigned int flags,
		      struct lf_err *err);
void lf_target_close(struct lf_target *t);

/*
 * For the steps that live outside target.c (dbgmods.c): run @argv with
 * its output in <logdir>/prepare.log, failing with @what and the log's
 * first error; and fetch @pkg at the target's Debian version into @dir.
 */
int lf_target_run_logged(const struct lf_target *t, const char *what,
			 const char *const *argv, const char *cwd,
			 const char *const *env, struct lf_err *err);
int lf_target_apt_download(const struct lf_target *t, const char *pkg,
			   const char *dir, char *deb, size_t size,
			   struct lf_err *err);
/*
 * Pipe @deb's data archive into tar (@tar_argv; its stdout to @out, or
 * the log), failing with @what when tar fails. dpkg-deb's status comes
 * back in *deb_status: it dies of a closed pipe when tar stops early.
 */
int lf_target_deb_tar(const struct lf_target *t, const char *deb,
		      const char *const *tar_argv, const char *out,
		      const char *what, int *deb_status, struct lf_err *err);

/*
 * The compiler check on its own (for tests): run @cc with --version and
 * compare the first line with @want (CONFIG_CC_VERSION_TEXT).
 */
int lf_check_cc(const char *cc, const char *want, char *got, size_t size,
		struct lf_err *err);

/* Read CONFIG_@key's value (quotes removed) from a .config. */
int lf_config_value(const char *config, const char *key, char *buf,
		    size_t size);

/* Key of the O= tree for a user's source tree: obj-<16 hex of path hash>. */
void lf_obj_key(const char *src_realpath, char *buf, size_t size);

#endif
