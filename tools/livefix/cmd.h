/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LIVEFIX_CMD_H
#define LIVEFIX_CMD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit codes: scripts tell "it failed" from "you called it wrong". */
#define LF_EXIT_OK 0
#define LF_EXIT_FAIL 1
#define LF_EXIT_USAGE 2

struct lf_cmd {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] is the verb */
	const char *args;
	const char *summary;
};

extern const struct lf_cmd lf_cmds[];
extern const size_t lf_ncmds;

int cmd_load(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_health(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_index_moddbg(int argc, char **argv);

void lf_usage_verb(const char *verb);

/*
 * Option parsing shared by the verbs. Options may appear anywhere, "--"
 * ends them; "--name value" and "--name=value" are equivalent.
 */
struct lf_opt {
	const char *name;		/* long name without "--" */
	const char **value;		/* non-NULL: takes an argument */
	bool *flag;			/* set when present (no argument) */
};

enum lf_opt_result {
	LF_OPT_OK,
	LF_OPT_HELP,
	LF_OPT_ERROR,			/* already reported */
};

/* Positional arguments are compacted into argv[1..*npos]. */
enum lf_opt_result lf_parse_opts(const char *verb, int argc, char **argv,
				 const struct lf_opt *opts, size_t nopts,
				 int *npos);

/*
 * lf_parse_opts() the way every verb reacts to it: returns -1 to carry on,
 * else the exit status to return at once (help printed, or a usage error
 * already reported).
 */
int lf_cmd_options(const char *verb, int argc, char **argv,
		   const struct lf_opt *opts, size_t nopts, int *npos);

/*
 * The command line of load and unload: [--timeout S] @what. Returns -1
 * with *timeout_s (left alone without --timeout) and *arg set, else the
 * exit status to return at once.
 */
int lf_cmd_timeout_and_arg(const char *verb, int argc, char **argv,
			   const char *what, double *timeout_s,
			   const char **arg);

/* Parse "--timeout": positive, finite, at most a day. Reports on error. */
bool lf_parse_timeout(const char *verb, const char *s, double *out);

/* Exactly @want positionals named @what, else report and return false. */
bool lf_want_args(const char *verb, int npos, char **argv, int want,
		  const char *what);

/* SIGINT/SIGTERM/SIGHUP set a flag instead of killing us mid-transition. */
extern volatile sig_atomic_t lf_interrupted;
void lf_catch_interrupts(void);

struct kmod_ctx;
struct lf_env;
struct lf_kmod_ops;

/* The environment (sysfs/procfs roots, release); reports on failure. */
bool lf_cmd_env(const char *verb, struct lf_env *env);

/*
 * What a verb that changes the kernel needs: the environment, a libkmod
 * context behind @ops, and interrupts turned into lf_interrupted, so that
 * Ctrl-C reverts rather than leaving a half-done transition. On failure
 * it reports (naming @what) and returns false.
 */
bool lf_cmd_kernel_open(const char *verb, const char *what, struct lf_env *env,
			struct kmod_ctx **ctx, struct lf_kmod_ops *ops);

/*
 * What load and unload do while a transition waits: progress lines on
 * stdout (stderr keeps its one-line failures), and interrupting the
 * blocking tasks when @env's /proc is the real one.
 */
struct lf_transition_hooks;
const struct lf_transition_hooks *lf_cmd_transition_hooks(const struct lf_env *env);

#endif
