/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_TAP_H
#define LF_TAP_H

#include <stdbool.h>

/*
 * Minimal TAP 13 producer. The plan is printed at the end, which TAP
 * allows, so adding a check never means updating a count by hand.
 */
void tap_start(void);
bool tap_ok(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool tap_is_int(long long got, long long want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool tap_is_str(const char *got, const char *want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Passes if @needle occurs in @hay. */
bool tap_has_str(const char *hay, const char *needle, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the plan; returns the process exit status. */
int tap_end(void);

#endif
