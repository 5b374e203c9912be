/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_ERR_H
#define LF_ERR_H

#include <stddef.h>

/*
 * Library code never prints: it fills a struct lf_err so the front end can
 * decide the prefix and guarantee that every failure is exactly one line.
 */
struct lf_err {
	int code;		/* negative errno, 0 when unset */
	char msg[1024];
};

void lf_err_clear(struct lf_err *e);

/* Returns @code so callers can write `return lf_err_set(e, -EINVAL, ...)`. */
int lf_err_set(struct lf_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepend context ("foo.ko: ") to an existing message. */
void lf_err_prefix(struct lf_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Print "prog: verb: message" on stderr as a single line: embedded newlines
 * and other control characters are flattened so scripts can rely on it.
 */
void lf_report(const char *verb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void lf_report_set_prog(const char *prog);

/* Copy of @src with control characters replaced by spaces, for one-liners. */
void lf_flatten(char *dst, size_t size, const char *src);

#endif
