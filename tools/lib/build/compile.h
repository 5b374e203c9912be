/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_COMPILE_H
#define LF_BUILD_COMPILE_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "../err.h"
#include "target.h"

/*
 * Running the external tools the build drives (make, patch, tar, apt).
 *
 * Children never see a shell: argv is exec'd as given (PATH lookup for
 * argv[0]). Each runs in its own process group with LC_ALL=C (so the
 * messages we parse are not translated) and without the caller's make
 * and kbuild variables (a jobserver or KBUILD_OUTPUT inherited from an
 * outer make would change what kbuild does). If *cancel becomes non-zero
 * while it runs, the whole group is terminated and the call fails with
 * -EINTR: an interrupted build must get control back promptly to restore
 * the source tree.
 */
struct lf_proc {
	const char *const *argv;
	const char *cwd;		/* NULL: inherit */
	const char *in;			/* stdin from this file; NULL: /dev/null */
	const char *out;		/* stdout to this file (truncated); NULL: log */
	const char *log;		/* stderr (and stdout unless @out), appended;
					   NULL: /dev/null */
	const char *const *env;		/* extra NAME=value entries; may be NULL */
	const volatile sig_atomic_t *cancel;	/* may be NULL */
};

/*
 * "TMPDIR=<dir>" in @buf, @dir made absolute (children run elsewhere), for
 * lf_proc.env. Tools that spill what they work on into $TMPDIR (gcc's
 * assembler output, patch(1)'s dry-run result) are pointed at a private
 * directory of the build, never at a shared /tmp: see doc/signing.md,
 * "The embargo workflow".
 */
int lf_tmpdir_env(const char *dir, char *buf, size_t size);

/*
 * Run to completion. Returns 0 when the program ran, with *status its exit
 * code (128 + signal number if it was killed); a negative errno if it
 * could not be started or was cancelled (then @err says which).
 */
int lf_proc_run(const struct lf_proc *p, int *status, struct lf_err *err);

/*
 * @a's stdout feeds @b's stdin (a->out and b->in are ignored). Both
 * statuses are returned; a producer killed by SIGPIPE because the consumer
 * stopped reading early is the caller's to judge.
 */
int lf_proc_pipe(const struct lf_proc *a, const struct lf_proc *b,
		 int *status_a, int *status_b, struct lf_err *err);

/*
 * Run and capture stdout into @buf (NUL-terminated, trailing whitespace
 * removed; -EFBIG if it does not fit). stderr is discarded.
 */
int lf_proc_capture(const char *const *argv, char *buf, size_t size,
		    int *status, struct lf_err *err);

/*
 * The first line of @log that looks like an error: a compiler's
 * "file:line:col: error: ...", else make's "*** ...", else the last
 * non-empty line; "" if the log is empty. Every occurrence of @strip
 * (e.g. the source tree's path plus "/") is removed, so a message names
 * "fs/proc/version.c:12:5" rather than a cache path.
 */
void lf_log_first_error(const char *log, const char *strip, char *buf,
			size_t size);

/*
 * Compiling units with kbuild in the target's prepared O= tree. Every
 * function gets a section of its own, which the object differ relies on.
 */
#define LF_KCFLAGS "-ffunction-sections -fdata-sections"

/*
 * The kbuild command line shared by prepare and compile; they must agree
 * exactly, or kbuild sees changed flags (or Kconfig a changed environment)
 * and redoes the prepared tree:
 *
 *   make -C <src> O=<objdir> RUSTC=false KCFLAGS=LF_KCFLAGS -j<jobs> targets
 */
struct lf_kbuild {
	char o_arg[PATH_MAX + 8];
	char j_arg[24];
	char kc_arg[PATH_MAX + 64];	/* KCFLAGS with t->fix_include */
	const char **argv;		/* malloc'd, NULL-terminated */
};

int lf_kbuild_init(struct lf_kbuild *k, const struct lf_target *t,
		   const char *objdir, unsigned int jobs,
		   const char *const *targets, size_t ntargets);
void lf_kbuild_free(struct lf_kbuild *k);

/* Is @unit ("fs/proc/version.c") a compilation unit of t->vmlinux? */
int lf_vmlinux_has_unit(const struct lf_target *t, const char *unit,
			bool *found, struct lf_err *err);

/*
 * Which object a unit ends up in: "vmlinux" or the module's name (as klp
 * and lsmod spell it). See the comment in compile.c for how.
 */
int lf_unit_owner(const struct lf_target *t, const char *unit, char *owner,
		  size_t size, struct lf_err *err);
/* The same for a unit already known not to be in t->vmlinux: kbuild's answer. */
int lf_unit_kbuild_owner(const struct lf_target *t, const char *unit, char *owner,
			 size_t size, struct lf_err *err);

/* Parse a kbuild .cmd file's flags: -DMODULE and KBUILD_MODNAME. */
int lf_kbuild_cmd_module(const char *cmdfile, bool *is_module, char *modname,
			 size_t size);

/*
 * A unit path as a diff names it: relative, "*.c", no "..", only the
 * characters kernel paths use. Returns false for anything we would not
 * pass to make or join to a directory.
 */
bool lf_unit_path_ok(const char *unit);

/*
 * Compile @n units in one kbuild run (parallel with @jobs > 1) and copy
 * each object to outs[i]. The unit's old object is removed first, so an
 * object left over from another state of the tree is never reused, even
 * when the restored source carries its old timestamp. The compiler's
 * temporary files go to outs[0]'s directory. The log goes to @log. On
 * failure: "compile <unit> failed: <first error line>".
 */
int lf_compile_units(const struct lf_target *t, const char *const *units,
		     const char *const *outs, size_t n, unsigned int jobs,
		     const char *log, struct lf_err *err);

/* One unit; the log is <t->logdir>/compile.log. */
int lf_compile_unit(const struct lf_target *t, const char *unit,
		    const char *out, struct lf_err *err);

#endif
