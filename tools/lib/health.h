/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_HEALTH_H
#define LF_HEALTH_H

#include <stdbool.h>
#include <stddef.h>

#include "env.h"
#include "err.h"

/*
 * Health reports to livefix.ko: <sysfs>/kernel/livefix/fixes/<fix>/health
 * takes "fail <reason>" and reverts the fix while its watch window is open.
 */

/* The longest reason livefix.ko keeps (its buffer less its own prefix). */
#define LF_HEALTH_REASON_MAX 140

/*
 * A reason livefix.ko accepts: printable ASCII, no '"' (it is quoted in
 * the audit line), 1..LF_HEALTH_REASON_MAX characters.
 */
bool lf_health_reason_ok(const char *reason);

/*
 * Make any text (a probe's output) an acceptable reason: control
 * characters, non-ASCII bytes and '"' become spaces or '\'', runs of
 * blanks collapse, and the result is trimmed and cut to fit @size
 * (at most LF_HEALTH_REASON_MAX + 1). "" stays "".
 */
void lf_health_reason_clean(char *dst, size_t size, const char *src);

/* The watch as the fix's health attribute shows it. */
enum lf_health_watch {
	LF_HEALTH_WATCHING,	/* inside the window */
	LF_HEALTH_ENDED,	/* the window is over; reports are refused */
	LF_HEALTH_FAILED,	/* a revert is under way or done */
};

struct lf_health_status {
	char state[32];		/* the registry's state: live, reverted, ... */
	enum lf_health_watch watch;
	long seconds_left;	/* LF_HEALTH_WATCHING only */
	char reason[256];	/* LF_HEALTH_FAILED only */
};

/*
 * Read a fix's registry state and health. @name is what the user typed
 * (normalised like a module name). Errors are one line in @err.
 */
int lf_health_read(const struct lf_env *env, const char *name,
		   struct lf_health_status *st, struct lf_err *err);

/* Report @name unhealthy: livefix.ko reverts it and records @reason. */
int lf_health_fail(const struct lf_env *env, const char *name,
		   const char *reason, struct lf_err *err);

/* What one run of a probe command did. */
struct lf_probe_result {
	int exit_code;		/* when !signaled */
	int signal;		/* when signaled */
	bool signaled;
	char first_line[256];	/* first line of its stdout+stderr */
};

/*
 * Run @argv (PATH lookup) with stdin from /dev/null and stdout+stderr
 * captured; returns 0 once it has ended, or a negative errno if it
 * could not be started (then @err says why).
 */
int lf_probe_run(char *const argv[], struct lf_probe_result *res,
		 struct lf_err *err);

static inline bool lf_probe_passed(const struct lf_probe_result *res)
{
	return !res->signaled && res->exit_code == 0;
}

/*
 * The health reason for a failed probe: "probe NAME exited N: first
 * line" or "probe NAME killed by signal N", already clean.
 */
void lf_probe_reason(char *dst, size_t size, const char *probe,
		     const struct lf_probe_result *res);

#endif
