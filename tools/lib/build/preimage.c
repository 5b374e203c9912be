// SPDX-License-Identifier: GPL-2.0-only
#include "preimage.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_mask(const void *a, const void *b)
{
	const struct lf_mask *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Sort, clip to @size and merge overlapping or touching ranges. */
static size_t normalise(struct lf_mask *m, size_t n, uint64_t size)
{
	size_t i, out = 0;

	qsort(m, n, sizeof(*m), cmp_mask);
	for (i = 0; i < n; i++) {
		uint64_t end;

		if (m[i].off >= size || !m[i].len)
			continue;
		end = (uint64_t)m[i].off + m[i].len;
		if (end > size)
			m[i].len = (uint32_t)(size - m[i].off);
		if (out && m[out - 1].off + m[out - 1].len >= m[i].off) {
			end = (uint64_t)m[i].off + m[i].len;
			if (end > (uint64_t)m[out - 1].off + m[out - 1].len)
				m[out - 1].len = (uint32_t)(end - m[out - 1].off);
			continue;
		}
		m[out++] = m[i];
	}
	return out;
}

static bool masked(const struct lf_mask *m, size_t n, size_t off)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (off < m[mid].off)
			hi = mid;
		else if (off >= (size_t)m[mid].off + m[mid].len)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

int lf_preimage_check(const char *name, const unsigned char *compiled,
		      size_t compiled_size, const unsigned char *shipped,
		      size_t shipped_size, const struct lf_mask *masks,
		      size_t nmasks, struct lf_preimage *out,
		      struct lf_err *err)
{
	unsigned char *img;
	unsigned int len = 0;
	size_t i;
	int ok;

	memset(out, 0, sizeof(*out));
	if (compiled_size != shipped_size)
		return lf_err_set(err, -EBADMSG,
				  "%s: pre-image check failed: compiled %zu bytes, the shipped kernel has %zu (is the source the one this kernel was built from?)",
				  name, compiled_size, shipped_size);
	out->masks = calloc(nmasks ? nmasks : 1, sizeof(*masks));
	img = malloc(shipped_size ? shipped_size : 1);
	if (!out->masks || !img) {
		free(img);
		lf_preimage_free(out);
		return lf_err_set(err, -ENOMEM, "out of memory");
	}
	if (nmasks)
		memcpy(out->masks, masks, nmasks * sizeof(*masks));
	out->nmasks = normalise(out->masks, nmasks, shipped_size);
	out->size = shipped_size;

	for (i = 0; i < shipped_size; i++) {
		if (masked(out->masks, out->nmasks, i)) {
			img[i] = 0;
			continue;
		}
		if (compiled[i] != shipped[i]) {
			free(img);
			lf_preimage_free(out);
			return lf_err_set(err, -EBADMSG,
					  "%s: pre-image check failed: first difference at +0x%zx (compiled %02x, shipped %02x); is the source the one this kernel was built from?",
					  name, i, compiled[i], shipped[i]);
		}
		img[i] = shipped[i];
	}
	ok = EVP_Digest(img, shipped_size, out->sha256, &len, EVP_sha256(),
			NULL);
	free(img);
	if (!ok || len != sizeof(out->sha256)) {
		lf_preimage_free(out);
		return lf_err_set(err, -EIO, "%s: sha256 failed", name);
	}
	return 0;
}

void lf_preimage_free(struct lf_preimage *p)
{
	free(p->masks);
	p->masks = NULL;
	p->nmasks = 0;
}

void lf_preimage_hex(const struct lf_preimage *p, char buf[72])
{
	size_t i;

	memcpy(buf, "sha256:", 7);
	for (i = 0; i < sizeof(p->sha256); i++)
		sprintf(buf + 7 + 2 * i, "%02x", p->sha256[i]);
}

char *lf_preimage_format(const struct lf_preimage *p)
{
	size_t cap = 96 + p->nmasks * 24, len;
	char *s = malloc(cap);
	char hex[72];

	if (!s)
		return NULL;
	lf_preimage_hex(p, hex);
	len = (size_t)snprintf(s, cap, "pre=%s:%llu:", hex + 7,
			       (unsigned long long)p->size);
	for (size_t i = 0; i < p->nmasks; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s%u+%u", i ? "," : "",
					p->masks[i].off, p->masks[i].len);
	return s;
}

int lf_preimage_parse(const char *s, struct lf_preimage *p)
{
	const char *q;
	char *end;
	size_t i;

	memset(p, 0, sizeof(*p));
	if (strncmp(s, "pre=", 4))
		return -EINVAL;
	s += 4;
	for (i = 0; i < sizeof(p->sha256); i++) {
		unsigned int b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1 || !isxdigit((unsigned char)s[2 * i]) ||
		    !isxdigit((unsigned char)s[2 * i + 1]))
			return -EINVAL;
		p->sha256[i] = (unsigned char)b;
	}
	q = s + 2 * sizeof(p->sha256);
	if (*q++ != ':')
		return -EINVAL;
	errno = 0;
	p->size = strtoull(q, &end, 10);
	if (errno || end == q || *end != ':' || !p->size)
		return -EINVAL;
	q = end + 1;
	while (*q) {
		struct lf_mask m, *v;
		unsigned long off, len;

		off = strtoul(q, &end, 10);
		if (end == q || *end != '+')
			goto bad;
		q = end + 1;
		len = strtoul(q, &end, 10);
		if (end == q || (*end && *end != ',') || !len || off + len > p->size)
			goto bad;
		q = *end ? end + 1 : end;
		m.off = (uint32_t)off;
		m.len = (uint32_t)len;
		v = realloc(p->masks, (p->nmasks + 1) * sizeof(*v));
		if (!v)
			goto bad;
		p->masks = v;
		p->masks[p->nmasks++] = m;
	}
	return 0;
bad:
	lf_preimage_free(p);
	p->size = 0;
	return -EINVAL;
}
