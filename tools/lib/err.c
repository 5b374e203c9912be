// SPDX-License-Identifier: GPL-2.0-only
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *report_prog = "livefix";

void lf_err_clear(struct lf_err *e)
{
	if (!e)
		return;
	e->code = 0;
	e->msg[0] = '\0';
}

int lf_err_set(struct lf_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

void lf_err_prefix(struct lf_err *e, const char *fmt, ...)
{
	size_t cap = sizeof(e->msg), hlen, mlen;
	char head[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	hlen = strlen(head);
	if (hlen >= cap)
		hlen = cap - 1;
	/* Keep the head whole and cut the tail of the old message if needed. */
	mlen = strnlen(e->msg, cap - 1);
	if (hlen + mlen >= cap)
		mlen = cap - 1 - hlen;
	memmove(e->msg + hlen, e->msg, mlen);
	memcpy(e->msg, head, hlen);
	e->msg[hlen + mlen] = '\0';
}

void lf_flatten(char *dst, size_t size, const char *src)
{
	size_t i;

	if (!size)
		return;
	for (i = 0; src[i] && i + 1 < size; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	dst[i] = '\0';
}

void lf_report_set_prog(const char *prog)
{
	report_prog = prog;
}

void lf_report(const char *verb, const char *fmt, ...)
{
	char raw[2048], flat[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	lf_flatten(flat, sizeof(flat), raw);
	if (verb && *verb)
		fprintf(stderr, "%s: %s: %s\n", report_prog, verb, flat);
	else
		fprintf(stderr, "%s: %s\n", report_prog, flat);
	fflush(stderr);
}
