/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_STRV_H
#define LF_STRV_H

#include <stdbool.h>
#include <stddef.h>

/* Growable array of owned strings; zero-initialised is a valid empty one. */
struct lf_strv {
	char **v;
	size_t n;
	size_t cap;
};

int lf_strv_push(struct lf_strv *sv, const char *s);
int lf_strv_pushn(struct lf_strv *sv, const char *s, size_t len);
/* Split on blanks (space, tab, newline); empty input gives an empty list. */
int lf_strv_split_ws(struct lf_strv *sv, const char *s);
void lf_strv_sort(struct lf_strv *sv);
/* Is @s in @sv, which lf_strv_sort() has sorted? */
bool lf_strv_has(const struct lf_strv *sv, const char *s);
void lf_strv_free(struct lf_strv *sv);

#endif
