// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "../lib/atomicfile.h"
#include "../lib/err.h"
#include "../lib/modfile.h"
#include "../lib/modsig.h"
#include "../lib/sign.h"
#include "cmd.h"

int cmd_sign(int argc, char **argv)
{
	const char *verb = "sign";
	const char *keyspec = NULL, *certpath = NULL, *hash = "sha256", *out = NULL;
	const char *p11mod = NULL;
	bool ignore_dates = false;
	const struct lf_opt opts[] = {
		{ "key", &keyspec, NULL },
		{ "cert", &certpath, NULL },
		{ "hash", &hash, NULL },
		{ "o", &out, NULL },
		{ "pkcs11-module", &p11mod, NULL },
		{ "ignore-dates", NULL, &ignore_dates },
	};
	unsigned char trailer[LF_MODSIG_INFO_LEN + LF_MODSIG_MARKER_LEN];
	unsigned char *buf = NULL, *sig = NULL;
	size_t len, body, sig_len;
	struct lf_modsig ms;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	struct lf_err err;
	struct stat st;
	const char *mod;
	bool resign = false;
	int npos, ret;

	ret = lf_cmd_options(verb, argc, argv, opts, 6, &npos);
	if (ret >= 0)
		return ret;
	if (!lf_want_args(verb, npos, argv, 1, "FIX.ko"))
		return LF_EXIT_USAGE;
	mod = argv[1];
	if (!keyspec || !certpath) {
		lf_report(verb, "missing --%s; see 'livefix help sign'",
			  keyspec ? "cert CERT" : "key KEY");
		return LF_EXIT_USAGE;
	}
	if (!lf_sign_hash_ok(hash)) {
		lf_report(verb, "invalid --hash '%s' (want sha256, sha384 or sha512)", hash);
		return LF_EXIT_USAGE;
	}
	if (!out)
		out = mod;

	lf_err_clear(&err);
	ret = lf_modfile_check_elf(mod, &err);
	if (!ret)
		ret = lf_modsig_read_file(mod, &buf, &len, &err);
	if (ret) {
		lf_report(verb, "%s: %s", mod, err.msg);
		goto out;
	}
	body = len;
	ret = lf_modsig_parse(buf, len, &ms, &err);
	if (!ret) {
		body = ms.body_len;
		resign = true;
	} else if (ret != -ENODATA) {
		lf_report(verb, "%s: existing signature: %s; refusing to guess where the module ends",
			  mod, err.msg);
		goto out;
	}
	ret = lf_key_load(keyspec, p11mod, &key, &err);
	if (ret) {
		/* A URI may hold a PIN: the library's message names it redacted. */
		if (!strncmp(keyspec, "pkcs11:", 7))
			lf_report(verb, "%s", err.msg);
		else
			lf_report(verb, "%s: %s", keyspec, err.msg);
		goto out;
	}
	ret = lf_cert_load(certpath, &cert, &err);
	if (!ret)
		ret = lf_cert_check(cert, !ignore_dates, &err);
	if (ret) {
		lf_report(verb, "%s: %s", certpath, err.msg);
		goto out;
	}
	ret = lf_sign_cms(buf, body, key, cert, hash, &sig, &sig_len, &err);
	if (ret) {
		lf_report(verb, "%s: %s", mod, err.msg);
		goto out;
	}
	lf_modsig_trailer(sig_len, trailer);
	{
		struct lf_iov iov[] = {
			{ buf, body }, { sig, sig_len }, { trailer, sizeof(trailer) },
		};
		mode_t mode = 0644;

		if (!stat(out, &st))
			mode = st.st_mode & 07777;
		ret = lf_atomic_write(out, iov, 3, mode, &err);
	}
	if (ret) {
		lf_report(verb, "%s: %s", out, err.msg);
		goto out;
	}
	if (resign)
		printf("%s: replaced the existing signature\n", mod);
	printf("%s: signed (%s) -> %s\n", mod, hash, out);
out:
	free(sig);
	free(buf);
	X509_free(cert);
	lf_key_free(key);
	return ret ? LF_EXIT_FAIL : LF_EXIT_OK;
}
