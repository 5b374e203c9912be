// SPDX-License-Identifier: GPL-2.0-only
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/err.h"
#include "cmd.h"

static const struct lf_opt *find_opt(const struct lf_opt *opts, size_t n,
				     const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len))
			return &opts[i];
	return NULL;
}

enum lf_opt_result lf_parse_opts(const char *verb, int argc, char **argv,
				 const struct lf_opt *opts, size_t nopts,
				 int *npos)
{
	bool only_pos = false;
	int n = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq;
		const struct lf_opt *o;
		size_t len;

		if (only_pos || a[0] != '-' || !a[1]) {
			argv[++n] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			only_pos = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return LF_OPT_HELP;
		/* One-letter options ("-o") are spelled with a single dash. */
		if (a[1] != '-' && (a[2] || !find_opt(opts, nopts, a + 1, 1))) {
			lf_report(verb, "unknown option '%s'", a);
			return LF_OPT_ERROR;
		}
		if (a[1] != '-') {
			eq = NULL;
			len = 1;
			o = find_opt(opts, nopts, a + 1, 1);
		} else {
			eq = strchr(a + 2, '=');
			len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
			o = find_opt(opts, nopts, a + 2, len);
		}
		if (!o) {
			lf_report(verb, "unknown option '%.*s'", (int)len + 2, a);
			return LF_OPT_ERROR;
		}
		if (!o->value) {
			if (eq) {
				lf_report(verb, "option '--%s' takes no value", o->name);
				return LF_OPT_ERROR;
			}
			*o->flag = true;
			continue;
		}
		if (eq) {
			*o->value = eq + 1;
		} else if (i + 1 < argc) {
			*o->value = argv[++i];
		} else {
			lf_report(verb, "option '--%s' needs a value", o->name);
			return LF_OPT_ERROR;
		}
	}
	argv[n + 1] = NULL;
	*npos = n;
	return LF_OPT_OK;
}

bool lf_parse_timeout(const char *verb, const char *s, double *out)
{
	char *end;
	double v;

	v = strtod(s, &end);
	if (end == s || *end || !isfinite(v) || v <= 0 || v > 86400) {
		lf_report(verb, "invalid timeout '%s' (want seconds, 0 < t <= 86400)", s);
		return false;
	}
	*out = v;
	return true;
}

bool lf_want_args(const char *verb, int npos, char **argv, int want,
		  const char *what)
{
	if (npos < want) {
		lf_report(verb, "missing %s argument; see 'livefix help %s'", what, verb);
		return false;
	}
	if (npos > want) {
		lf_report(verb, "unexpected argument '%s'", argv[want + 1]);
		return false;
	}
	return true;
}

volatile sig_atomic_t lf_interrupted;

static void on_signal(int sig)
{
	(void)sig;
	lf_interrupted = 1;
}

void lf_catch_interrupts(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int lf_cmd_options(const char *verb, int argc, char **argv,
		   const struct lf_opt *opts, size_t nopts, int *npos)
{
	switch (lf_parse_opts(verb, argc, argv, opts, nopts, npos)) {
	case LF_OPT_HELP:
		lf_usage_verb(verb);
		return LF_EXIT_OK;
	case LF_OPT_ERROR:
		return LF_EXIT_USAGE;
	case LF_OPT_OK:
		break;
	}
	return -1;
}

int lf_cmd_timeout_and_arg(const char *verb, int argc, char **argv,
			   const char *what, double *timeout_s,
			   const char **arg)
{
	const char *timeout = NULL;
	const struct lf_opt opts[] = { { "timeout", &timeout, NULL } };
	int npos, ret;

	ret = lf_cmd_options(verb, argc, argv, opts, 1, &npos);
	if (ret >= 0)
		return ret;
	if (timeout && !lf_parse_timeout(verb, timeout, timeout_s))
		return LF_EXIT_USAGE;
	if (!lf_want_args(verb, npos, argv, 1, what))
		return LF_EXIT_USAGE;
	*arg = argv[1];
	return -1;
}
