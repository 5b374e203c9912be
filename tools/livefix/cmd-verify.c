// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "../lib/err.h"
#include "../lib/modfile.h"
#include "../lib/modsig.h"
#include "../lib/sign.h"
#include "cmd.h"

int cmd_verify(int argc, char **argv)
{
	const char *verb = "verify";
	const char *certpath = NULL;
	bool ignore_dates = false;
	const struct lf_opt opts[] = {
		{ "cert", &certpath, NULL },
		{ "ignore-dates", NULL, &ignore_dates },
	};
	struct lf_modinfo mi = { 0 };
	struct lf_siginfo si;
	struct lf_modsig ms;
	unsigned char *buf = NULL;
	X509 *cert = NULL;
	struct lf_err err;
	const char *mod;
	size_t len;
	int npos, ret;

	ret = lf_cmd_options(verb, argc, argv, opts, 2, &npos);
	if (ret >= 0)
		return ret;
	if (!lf_want_args(verb, npos, argv, 1, "FIX.ko"))
		return LF_EXIT_USAGE;
	mod = argv[1];
	if (!certpath) {
		lf_report(verb, "missing --cert CERT; see 'livefix help verify'");
		return LF_EXIT_USAGE;
	}

	lf_err_clear(&err);
	ret = lf_cert_load(certpath, &cert, &err);
	if (!ret)
		ret = lf_cert_check(cert, !ignore_dates, &err);
	if (ret) {
		lf_report(verb, "%s: %s", certpath, err.msg);
		goto out;
	}
	ret = lf_modfile_check_elf(mod, &err);
	if (!ret)
		ret = lf_modsig_read_file(mod, &buf, &len, &err);
	if (!ret) {
		ret = lf_modsig_parse(buf, len, &ms, &err);
		if (ret == -ENODATA)
			lf_err_set(&err, ret, "not signed (no \"~Module signature appended~\" marker)");
	}
	if (!ret)
		ret = lf_verify_cms(buf, ms.body_len, buf + ms.sig_off, ms.sig_len,
				    cert, &si, &err);
	if (!ret)
		ret = lf_modfile_read_info(mod, &mi, &err);
	if (ret) {
		lf_report(verb, "%s: %s", mod, err.msg);
		goto out;
	}
	printf("%s: signature OK\n", mod);
	printf("signer: %s\n", si.subject);
	if (si.keyid[0]) {
		printf("keyid: %s\n", si.keyid);
	} else {
		printf("issuer: %s\n", si.issuer);
		printf("serial: %s\n", si.serial);
	}
	printf("hash: %s\n", si.hash);
	printf("key: %s\n", si.keytype);
	printf("livefix_id: %s\n", mi.livefix_id ? mi.livefix_id : "(none)");
	printf("livefix_target: %s\n", mi.livefix_target ? mi.livefix_target : "(none)");
	for (size_t i = 0; i < mi.cves.n; i++)
		printf("livefix_cve: %s\n", mi.cves.v[i]);
out:
	lf_modinfo_free(&mi);
	free(buf);
	X509_free(cert);
	return ret ? LF_EXIT_FAIL : LF_EXIT_OK;
}
