// SPDX-License-Identifier: GPL-2.0-only
#include "tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int n_run, n_failed;

void tap_start(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
}

static bool report(bool cond, const char *fmt, va_list ap)
{
	n_run++;
	if (!cond)
		n_failed++;
	printf("%sok %d - ", cond ? "" : "not ", n_run);
	vprintf(fmt, ap);
	putchar('\n');
	return cond;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(cond, fmt, ap);
	va_end(ap);
	return cond;
}

bool tap_is_int(long long got, long long want, const char *fmt, ...)
{
	va_list ap;
	bool ok = got == want;

	va_start(ap, fmt);
	report(ok, fmt, ap);
	va_end(ap);
	if (!ok)
		tap_diag("got %lld, want %lld", got, want);
	return ok;
}

bool tap_is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	bool ok = got && want && !strcmp(got, want);

	va_start(ap, fmt);
	report(ok, fmt, ap);
	va_end(ap);
	if (!ok)
		tap_diag("got '%s', want '%s'", got ? got : "(null)",
			 want ? want : "(null)");
	return ok;
}

bool tap_has_str(const char *hay, const char *needle, const char *fmt, ...)
{
	va_list ap;
	bool ok = hay && needle && strstr(hay, needle);

	va_start(ap, fmt);
	report(ok, fmt, ap);
	va_end(ap);
	if (!ok)
		tap_diag("'%s' does not contain '%s'", hay ? hay : "(null)",
			 needle ? needle : "(null)");
	return ok;
}

int tap_end(void)
{
	printf("1..%d\n", n_run);
	if (n_failed)
		tap_diag("%d of %d failed", n_failed, n_run);
	return n_failed ? 1 : 0;
}
