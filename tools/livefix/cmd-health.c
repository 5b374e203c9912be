// SPDX-License-Identifier: GPL-2.0-only
/*
 * livefix health fail NAME --reason TEXT
 * livefix health run [--interval S] [--count N] NAME -- CMD...
 *
 * Both end in the same report to livefix.ko, which reverts the fix and
 * records the reason while the fix's health watch is open.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/env.h"
#include "../lib/err.h"
#include "../lib/health.h"
#include "cmd.h"

#define HEALTH_DEFAULT_INTERVAL_S 10.0

static void health_usage(void)
{
	printf("usage: livefix health fail NAME --reason TEXT\n"
	       "       livefix health run [--interval S] [--count N] NAME -- CMD [ARG...]\n"
	       "  fail: report fix NAME unhealthy; livefix.ko reverts it and records TEXT\n"
	       "  run: run CMD every S seconds (default %g) until N runs passed or the\n"
	       "       fix's health watch ends; a non-zero exit is reported as 'fail'\n"
	       "       with CMD's status and first line of output as the reason\n",
	       HEALTH_DEFAULT_INTERVAL_S);
}

/* lf_cmd_options(), but -h shows both actions. */
static int health_opts(const char *verb, int argc, char **argv,
		       const struct lf_opt *opts, size_t nopts, int *npos)
{
	switch (lf_parse_opts(verb, argc, argv, opts, nopts, npos)) {
	case LF_OPT_HELP:
		health_usage();
		return LF_EXIT_OK;
	case LF_OPT_ERROR:
		return LF_EXIT_USAGE;
	case LF_OPT_OK:
		break;
	}
	return -1;
}

static int health_fail(const char *verb, int argc, char **argv)
{
	const char *reason = NULL;
	const struct lf_opt opts[] = { { "reason", &reason, NULL } };
	struct lf_env env;
	struct lf_err err;
	int npos, ret;

	ret = health_opts(verb, argc, argv, opts, 1, &npos);
	if (ret >= 0)
		return ret;
	if (!lf_want_args(verb, npos, argv, 1, "NAME"))
		return LF_EXIT_USAGE;
	if (!reason) {
		lf_report(verb, "missing --reason; see 'livefix help health'");
		return LF_EXIT_USAGE;
	}
	if (!lf_health_reason_ok(reason)) {
		lf_report(verb, "--reason must be 1 to %d printable characters without '\"'",
			  LF_HEALTH_REASON_MAX);
		return LF_EXIT_USAGE;
	}
	if (!lf_cmd_env(verb, &env))
		return LF_EXIT_FAIL;
	lf_err_clear(&err);
	if (lf_health_fail(&env, argv[1], reason, &err)) {
		lf_report(verb, "%s", err.msg);
		return LF_EXIT_FAIL;
	}
	printf("livefix: %s reported unhealthy; livefix.ko is reverting it\n",
	       argv[1]);
	return LF_EXIT_OK;
}

static bool parse_count(const char *verb, const char *s, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (end == s || *end || errno || s[0] == '-' || !v) {
		lf_report(verb, "invalid count '%s' (want a positive integer)", s);
		return false;
	}
	*out = v;
	return true;
}

/* Sleep @s seconds, waking early on an interrupt. */
static void nap(double s)
{
	struct timespec ts = {
		.tv_sec = (time_t)s,
		.tv_nsec = (long)((s - floor(s)) * 1e9),
	};

	while (!lf_interrupted && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * Probe until the count is reached or the watch ends (exit 0), or until
 * the probe fails, which is reported, or the fix stops being live
 * (exit 1).
 */
static int health_run(const char *verb, int argc, char **argv)
{
	const char *interval_s = NULL, *count_s = NULL;
	const struct lf_opt opts[] = {
		{ "interval", &interval_s, NULL },
		{ "count", &count_s, NULL },
	};
	double interval = HEALTH_DEFAULT_INTERVAL_S;
	unsigned long count = 0, done = 0;
	struct lf_health_status st;
	struct lf_probe_result res;
	char reason[LF_HEALTH_REASON_MAX + 1];
	const char *name;
	struct lf_env env;
	struct lf_err err;
	int npos, ret;

	ret = health_opts(verb, argc, argv, opts, 2, &npos);
	if (ret >= 0)
		return ret;
	if (interval_s && !lf_parse_timeout(verb, interval_s, &interval))
		return LF_EXIT_USAGE;
	if (count_s && !parse_count(verb, count_s, &count))
		return LF_EXIT_USAGE;
	if (npos < 1) {
		lf_report(verb, "missing NAME argument; see 'livefix help health'");
		return LF_EXIT_USAGE;
	}
	if (npos < 2) {
		lf_report(verb, "missing the probe command after NAME --");
		return LF_EXIT_USAGE;
	}
	name = argv[1];
	if (!lf_cmd_env(verb, &env))
		return LF_EXIT_FAIL;
	lf_catch_interrupts();
	lf_err_clear(&err);

	while (!count || done < count) {
		if (lf_health_read(&env, name, &st, &err)) {
			lf_report(verb, "%s", err.msg);
			return LF_EXIT_FAIL;
		}
		if (st.watch == LF_HEALTH_FAILED || strcmp(st.state, "live")) {
			if (st.watch == LF_HEALTH_FAILED)
				lf_report(verb, "%s: is being reverted (%s); stopping the probe",
					  name, st.reason);
			else
				lf_report(verb, "%s: is %s, not live; stopping the probe",
					  name, st.state);
			return LF_EXIT_FAIL;
		}
		if (st.watch == LF_HEALTH_ENDED) {
			printf("livefix: %s: health watch ended after %lu passing probe%s\n",
			       name, done, done == 1 ? "" : "s");
			return LF_EXIT_OK;
		}
		if (lf_probe_run(argv + 2, &res, &err)) {
			lf_report(verb, "%s", err.msg);
			return LF_EXIT_FAIL;
		}
		if (!lf_probe_passed(&res)) {
			lf_probe_reason(reason, sizeof(reason), argv[2], &res);
			if (lf_health_fail(&env, name, reason, &err)) {
				lf_report(verb, "%s", err.msg);
				return LF_EXIT_FAIL;
			}
			printf("livefix: %s: %s; reported unhealthy, livefix.ko is reverting it\n",
			       name, reason);
			return LF_EXIT_FAIL;
		}
		done++;
		if (count && done == count)
			break;
		nap(interval);
		if (lf_interrupted) {
			lf_report(verb, "%s: interrupted after %lu passing probe%s",
				  name, done, done == 1 ? "" : "s");
			return LF_EXIT_FAIL;
		}
	}
	printf("livefix: %s: %lu passing probe%s\n", name, done,
	       done == 1 ? "" : "s");
	return LF_EXIT_OK;
}

int cmd_health(int argc, char **argv)
{
	const char *verb = "health";

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		health_usage();
		return argc < 2 ? LF_EXIT_USAGE : LF_EXIT_OK;
	}
	if (!strcmp(argv[1], "fail"))
		return health_fail(verb, argc - 1, argv + 1);
	if (!strcmp(argv[1], "run"))
		return health_run(verb, argc - 1, argv + 1);
	lf_report(verb, "unknown action '%s' (want fail or run)", argv[1]);
	return LF_EXIT_USAGE;
}
