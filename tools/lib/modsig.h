/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_MODSIG_H
#define LF_MODSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/*
 * The trailer the kernel's module loader looks for at the end of a .ko
 * (include/linux/module_signature.h): module bytes, then a DER PKCS#7
 * blob, then a 12-byte info block, then the marker. Only the PKCS#7 form
 * exists today; every other info byte must be zero or the kernel refuses.
 */
#define LF_MODSIG_MARKER	"~Module signature appended~\n"
#define LF_MODSIG_MARKER_LEN	(sizeof(LF_MODSIG_MARKER) - 1)
#define LF_MODSIG_INFO_LEN	12
#define LF_MODSIG_ID_PKCS7	2

struct lf_modsig {
	size_t body_len;	/* bytes covered by the signature */
	size_t sig_off;		/* the PKCS#7 DER */
	size_t sig_len;
};

/*
 * 0 when @buf carries a well-formed trailer, -ENODATA when it has no
 * marker at all (unsigned), another negative errno with @err set when the
 * trailer is there but malformed.
 */
int lf_modsig_parse(const unsigned char *buf, size_t len, struct lf_modsig *out,
		    struct lf_err *err);

/* Fill the 12-byte info block + marker for a @sig_len signature. */
void lf_modsig_trailer(size_t sig_len,
		       unsigned char out[LF_MODSIG_INFO_LEN + LF_MODSIG_MARKER_LEN]);

/* Biggest .ko we read whole; anything past it is a mistake, not a module. */
#define LF_MODSIG_FILE_MAX	(1UL << 30)

/* Read @path whole into a malloc'ed buffer. */
int lf_modsig_read_file(const char *path, unsigned char **buf, size_t *len,
			struct lf_err *err);

/*
 * Does @path end in a signature marker? Only to explain a refusal by the
 * kernel: whether the signature is any good is for the kernel (or
 * lf_sign_verify) to say.
 */
bool lf_modsig_file_signed(const char *path);

#endif
