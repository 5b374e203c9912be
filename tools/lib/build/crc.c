// SPDX-License-Identifier: GPL-2.0-only
#include "crc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYMVER "\n#SYMVER "

int lf_crc_parse_cmd(const char *text, struct lf_crcs *out)
{
	const char *p = text;

	memset(out, 0, sizeof(*out));
	while ((p = strstr(p, SYMVER))) {
		const char *name = p + strlen(SYMVER), *sp = strchr(name, ' ');
		struct lf_crc *v;
		char *end;
		unsigned long crc;

		p = name;
		if (!sp || sp == name)
			continue;
		crc = strtoul(sp + 1, &end, 16);
		if (end == sp + 1 || (*end && *end != '\n'))
			continue;
		v = realloc(out->v, (out->n + 1) * sizeof(*v));
		if (!v)
			goto nomem;
		out->v = v;
		v[out->n].name = strndup(name, (size_t)(sp - name));
		if (!v[out->n].name)
			goto nomem;
		v[out->n++].crc = crc;
	}
	return 0;
nomem:
	lf_crcs_free(out);
	return -ENOMEM;
}

/* The CRC Module.symvers records for @name, or -1 when not exported. */
static long long shipped_crc(const char *symvers, const char *name)
{
	size_t len = strlen(name);
	const char *p = symvers;

	/* Lines are "0x<crc>\t<name>\t<module>\t<export type>..." */
	while (p && *p) {
		const char *tab = strchr(p, '\t');
		const char *eol = strchr(p, '\n');

		if (tab && (!eol || tab < eol) && !strncmp(tab + 1, name, len) &&
		    tab[1 + len] == '\t')
			return (long long)strtoul(p, NULL, 16);
		p = eol ? eol + 1 : NULL;
	}
	return -1;
}

int lf_crc_check(const char *unit_src, const struct lf_crcs *unit,
		 const char *symvers, lf_crc_excuse_fn excuse, void *arg,
		 struct lf_err *err)
{
	for (size_t i = 0; i < unit->n; i++) {
		long long old = shipped_crc(symvers, unit->v[i].name);
		char why[256] = "";
		int verdict;

		if (old < 0 || (unsigned long)old == unit->v[i].crc)
			continue;
		verdict = excuse ? excuse(unit->v[i].name, why, sizeof(why), arg) : -1;
		if (verdict == 0)
			continue;
		return lf_err_set(err, -EPROTO,
				  "%s: the fix changes the MODVERSIONS CRC of exported %s (0x%08llx shipped, 0x%08lx now)%s%s%s: modules built for this kernel would no longer match it",
				  unit_src, unit->v[i].name, old, unit->v[i].crc,
				  verdict == 1 ? ": " : "", verdict == 1 ? why : "",
				  verdict == 1 ? " changes" : "");
	}
	return 0;
}

void lf_crcs_free(struct lf_crcs *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].name);
	free(c->v);
	c->v = NULL;
	c->n = 0;
}
