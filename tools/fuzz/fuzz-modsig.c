// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the module signature trailer parser and, when the
 * framing holds, the PKCS#7 checks `livefix verify` runs behind it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "../lib/modsig.h"
#include "../lib/sign.h"

static X509 *cert;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * LF_FUZZ_CERT names the certificate the seed corpus was signed with, so
 * mutations get past the signer check into the signature itself; without
 * it a fresh key still exercises everything up to that check.
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct lf_keygen_opts o = { LF_KEY_P384, 30, 0, "fuzz" };
	const char *path = getenv("LF_FUZZ_CERT");
	EVP_PKEY *key;
	struct lf_err e;

	(void)argc;
	(void)argv;
	lf_err_clear(&e);
	if (path && *path) {
		if (lf_cert_load(path, &cert, &e)) {
			fprintf(stderr, "LF_FUZZ_CERT %s: %s\n", path, e.msg);
			abort();
		}
		return 0;
	}
	if (lf_keygen(&o, &key, &cert, &e))
		abort();
	EVP_PKEY_free(key);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lf_siginfo si;
	struct lf_modsig ms;
	struct lf_err e;

	lf_err_clear(&e);
	if (lf_modsig_parse(data, size, &ms, &e))
		return 0;
	/* The parser's promise: every range it returns lies inside @data. */
	if (ms.body_len > size || ms.sig_off + ms.sig_len > size ||
	    ms.sig_off != ms.body_len || !ms.sig_len)
		abort();
	lf_verify_cms(data, ms.body_len, data + ms.sig_off, ms.sig_len, cert,
		      &si, &e);
	if (memchr(e.msg, '\0', sizeof(e.msg)) == NULL)
		abort();
	return 0;
}
