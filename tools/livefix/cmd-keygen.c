// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "../lib/atomicfile.h"
#include "../lib/err.h"
#include "../lib/sign.h"
#include "cmd.h"

/* Names inside --out DIR; doc/signing.md refers to them. */
static const char *const names[] = {
	"signing_key.pem", "signing_cert.pem", "signing_cert.der",
};

static bool parse_days(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 36500)
		return false;
	*out = v;
	return true;
}

int cmd_keygen(int argc, char **argv)
{
	const char *verb = "keygen";
	const char *type = "rsa4096", *days_s = NULL, *subject = NULL, *dir = NULL;
	const struct lf_opt opts[] = {
		{ "type", &type, NULL },
		{ "days", &days_s, NULL },
		{ "subject", &subject, NULL },
		{ "out", &dir, NULL },
	};
	struct lf_keygen_opts ko = { .days = 3650,
				     .subject = "livefix module signing key" };
	unsigned char *data[3] = { NULL };
	size_t len[3];
	char path[3][PATH_MAX];
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	struct lf_err err;
	size_t done = 0;
	int npos, ret;

	ret = lf_cmd_options(verb, argc, argv, opts, 4, &npos);
	if (ret >= 0)
		return ret;
	if (!lf_want_args(verb, npos, argv, 0, ""))
		return LF_EXIT_USAGE;
	if (!dir) {
		lf_report(verb, "missing --out DIR; see 'livefix help keygen'");
		return LF_EXIT_USAGE;
	}
	if (!strcmp(type, "rsa4096")) {
		ko.type = LF_KEY_RSA4096;
	} else if (!strcmp(type, "p384")) {
		ko.type = LF_KEY_P384;
	} else {
		lf_report(verb, "invalid --type '%s' (want rsa4096 or p384)", type);
		return LF_EXIT_USAGE;
	}
	if (days_s && !parse_days(days_s, &ko.days)) {
		lf_report(verb, "invalid --days '%s' (want 1..36500)", days_s);
		return LF_EXIT_USAGE;
	}
	if (subject) {
		if (!subject[0]) {
			lf_report(verb, "invalid --subject: empty");
			return LF_EXIT_USAGE;
		}
		ko.subject = subject;
	}

	if (mkdir(dir, 0700) && errno != EEXIST) {
		lf_report(verb, "%s: cannot create: %s", dir, strerror(errno));
		return LF_EXIT_FAIL;
	}
	/* Never overwrite a key: it may be the one a fleet already trusts. */
	for (size_t i = 0; i < 3; i++) {
		if (snprintf(path[i], sizeof(path[i]), "%s/%s", dir, names[i]) >=
		    (int)sizeof(path[i])) {
			lf_report(verb, "%s: path too long", dir);
			return LF_EXIT_FAIL;
		}
		if (!access(path[i], F_OK)) {
			lf_report(verb, "%s: already exists; refusing to overwrite a key",
				  path[i]);
			return LF_EXIT_FAIL;
		}
	}

	lf_err_clear(&err);
	ret = lf_keygen(&ko, &key, &cert, &err);
	if (!ret)
		ret = lf_keygen_encode(key, cert, &data[0], &len[0], &data[1],
				       &len[1], &data[2], &len[2], &err);
	if (ret) {
		lf_report(verb, "%s", err.msg);
		goto out;
	}
	for (done = 0; done < 3; done++) {
		struct lf_iov iov = { data[done], len[done] };

		ret = lf_atomic_write(path[done], &iov, 1, done ? 0644 : 0600, &err);
		if (ret) {
			lf_report(verb, "%s: %s", path[done], err.msg);
			break;
		}
	}
	/* All three files or none. */
	if (ret) {
		while (done--)
			unlink(path[done]);
		goto out;
	}
	printf("private key: %s (keep it offline)\n", path[0]);
	printf("certificate: %s\n", path[1]);
	printf("certificate (DER, for mokutil --import): %s\n", path[2]);
out:
	if (data[0])
		OPENSSL_cleanse(data[0], len[0]);
	for (size_t i = 0; i < 3; i++)
		free(data[i]);
	X509_free(cert);
	EVP_PKEY_free(key);
	return ret ? LF_EXIT_FAIL : LF_EXIT_OK;
}
