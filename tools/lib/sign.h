/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_SIGN_H
#define LF_SIGN_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/types.h>

#include "err.h"

/*
 * Module signing keys and the PKCS#7 (CMS) signatures the kernel's module
 * loader checks. Library code: reports through struct lf_err only.
 */

enum lf_keytype { LF_KEY_RSA4096, LF_KEY_P384 };

struct lf_keygen_opts {
	enum lf_keytype type;
	long days;		/* validity from now; kernel ignores it */
	long start_days;	/* notBefore offset; tests make expired certs */
	const char *subject;	/* CN */
};

/* A fresh key and a self-signed code-signing certificate for it. */
int lf_keygen(const struct lf_keygen_opts *o, EVP_PKEY **key, X509 **cert,
	      struct lf_err *err);

/* PEM private key + PEM certificate + DER certificate, as bytes. */
int lf_keygen_encode(EVP_PKEY *key, X509 *cert, unsigned char **key_pem,
		     size_t *key_len, unsigned char **cert_pem,
		     size_t *cert_pem_len, unsigned char **cert_der,
		     size_t *cert_der_len, struct lf_err *err);

/*
 * A private key from a PEM file, or from an HSM by "pkcs11:" URI (see
 * sign-pkcs11.h for @pkcs11_module and the PIN). Free it with
 * lf_key_free(), which also lets go of the HSM session.
 */
int lf_key_load(const char *spec, const char *pkcs11_module, EVP_PKEY **key,
		struct lf_err *err);
void lf_key_free(EVP_PKEY *key);

/* A certificate from a PEM or DER file. */
int lf_cert_load(const char *path, X509 **cert, struct lf_err *err);

/*
 * Is @cert one the kernel can check module signatures with (RSA or
 * NIST-curve ECDSA key)? With @check_dates, also refuse expired and
 * not-yet-valid certificates, which the kernel itself does not.
 */
int lf_cert_check(X509 *cert, bool check_dates, struct lf_err *err);

/* Is @name a hash the kernel accepts for module signatures? */
bool lf_sign_hash_ok(const char *name);

/* Detached CMS over @body the way scripts/sign-file makes it: DER out. */
int lf_sign_cms(const unsigned char *body, size_t len, EVP_PKEY *key,
		X509 *cert, const char *hash, unsigned char **der,
		size_t *der_len, struct lf_err *err);

struct lf_siginfo {
	char subject[512];
	char issuer[512];
	char serial[128];	/* hex; signer named by issuer + serial */
	char keyid[130];	/* hex; signer named by subjectKeyIdentifier */
	char hash[32];
	char keytype[64];
};

/*
 * Check the detached CMS @sig over @body against @cert: one signer, that
 * is @cert, a kernel-accepted hash, and a signature over exactly @body.
 * Fills @info as far as it got, even on failure.
 */
int lf_verify_cms(const unsigned char *body, size_t len,
		  const unsigned char *sig, size_t sig_len, X509 *cert,
		  struct lf_siginfo *info, struct lf_err *err);

#endif
