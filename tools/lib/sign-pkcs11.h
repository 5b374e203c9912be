/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_SIGN_PKCS11_H
#define LF_SIGN_PKCS11_H

#include <openssl/types.h>

#include "err.h"

/*
 * The private key at a "pkcs11:" URI, through libp11's engine. @module is
 * the PKCS#11 library (NULL: the URI's module-path, then
 * $PKCS11_MODULE_PATH, then the engine's default, p11-kit's proxy). The
 * PIN comes from the URI (pin-value, pin-source) or $LIVEFIX_PKCS11_PIN.
 * Messages never contain the PIN.
 */
int lf_pkcs11_key_load(const char *uri, const char *module, EVP_PKEY **key,
		       struct lf_err *err);

/* Let go of the engine behind the loaded key; after the key is freed. */
void lf_pkcs11_release(void);

#endif
