// SPDX-License-Identifier: GPL-2.0-only
#include "strv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int lf_strv_pushn(struct lf_strv *sv, const char *s, size_t len)
{
	char *copy;

	if (sv->n == sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 8;
		char **v = realloc(sv->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		sv->v = v;
		sv->cap = cap;
	}
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, s, len);
	copy[len] = '\0';
	sv->v[sv->n++] = copy;
	return 0;
}

int lf_strv_push(struct lf_strv *sv, const char *s)
{
	return lf_strv_pushn(sv, s, strlen(s));
}

int lf_strv_split_ws(struct lf_strv *sv, const char *s)
{
	while (*s) {
		size_t len;
		int ret;

		s += strspn(s, " \t\n");
		len = strcspn(s, " \t\n");
		if (!len)
			break;
		ret = lf_strv_pushn(sv, s, len);
		if (ret)
			return ret;
		s += len;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void lf_strv_sort(struct lf_strv *sv)
{
	if (sv->n > 1)
		qsort(sv->v, sv->n, sizeof(*sv->v), cmp_str);
}

bool lf_strv_has(const struct lf_strv *sv, const char *s)
{
	return sv->n && bsearch(&s, sv->v, sv->n, sizeof(*sv->v), cmp_str);
}

void lf_strv_free(struct lf_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}
