// SPDX-License-Identifier: GPL-2.0-only
#include "fingerprint.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elfobj.h"
#include "link.h"
#include "masks.h"
#include "preimage.h"

static int check_one(const struct lf_elfobj *o, const struct lf_manifest_ent *e,
		     const struct lf_symres *r, const struct lf_symres_unit *unit,
		     FILE *out, struct lf_err *err)
{
	size_t sym = lf_elfobj_sym_index(o, e->old), nmasks = 0;
	const struct lf_esym *f;
	const struct lf_esec *s;
	struct lf_mask *masks = NULL;
	struct lf_preimage pre;
	unsigned char *shipped = NULL;
	uint64_t addr, size;
	char *field;
	int ret;

	if (!sym || o->syms[sym].type != STT_FUNC)
		return lf_err_set(err, -ENOENT, "%s: not a function of %s",
				  e->old, o->path);
	f = &o->syms[sym];
	s = &o->secs[f->shndx];
	if (!s->data || f->value + f->size > s->sh.sh_size)
		return lf_err_set(err, -EINVAL, "%s: no code in %s", e->old,
				  o->path);
	ret = lf_symres_function(r, unit, e->old, f->bind == STB_LOCAL, &addr,
				 &size, &shipped, err);
	if (!ret)
		ret = lf_func_masks(o, sym, &masks, &nmasks, err);
	if (!ret)
		ret = lf_preimage_check(e->old, s->data + f->value, f->size,
					shipped, size, masks, nmasks, &pre, err);
	free(shipped);
	free(masks);
	if (ret)
		return ret;
	field = lf_preimage_format(&pre);
	lf_preimage_free(&pre);
	if (!field)
		return lf_err_set(err, -ENOMEM, "out of memory");
	fprintf(out, "%s %s %lu %s %s\n", e->obj, e->old, e->sympos, e->new_sym,
		field);
	free(field);
	return ferror(out) ? lf_err_set(err, -EIO, "cannot write the manifest") : 0;
}

int lf_fingerprint_unit(const char *before_o, const char *unit_manifest,
			const struct lf_symres *r,
			const struct lf_symres_unit *unit, FILE *out,
			size_t *nfuncs, struct lf_err *err)
{
	struct lf_manifest m;
	struct lf_elfobj *o = NULL;
	size_t i;
	int ret;

	*nfuncs = 0;
	ret = lf_manifest_read(unit_manifest, &m, err);
	if (ret == -ENODATA)
		return 0;	/* only new functions: nothing replaced */
	if (ret)
		return ret;
	ret = lf_elfobj_open(before_o, &o, err);
	for (i = 0; !ret && i < m.n; i++) {
		ret = check_one(o, &m.e[i], r, unit, out, err);
		if (!ret)
			(*nfuncs)++;
	}
	if (o)
		lf_elfobj_close(o);
	lf_manifest_free(&m);
	return ret;
}
