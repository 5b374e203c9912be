// SPDX-License-Identifier: GPL-2.0-only
/*
 * Module signatures: the trailer parser, the CMS signer/verifier and the
 * atomic output, with every refusal `livefix verify` can give.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "../lib/atomicfile.h"
#include "../lib/modsig.h"
#include "../lib/sign.h"
#include "tap.h"
#include "testfs.h"

#define TRAILER (LF_MODSIG_INFO_LEN + LF_MODSIG_MARKER_LEN)

static const unsigned char body[] = "\177ELF pretend module body, any bytes do";

/* body + sig + trailer in a fresh buffer. */
static unsigned char *assemble(const unsigned char *sig, size_t sig_len,
			       size_t *len)
{
	unsigned char *b = malloc(sizeof(body) + sig_len + TRAILER);

	memcpy(b, body, sizeof(body));
	memcpy(b + sizeof(body), sig, sig_len);
	lf_modsig_trailer(sig_len, b + sizeof(body) + sig_len);
	*len = sizeof(body) + sig_len + TRAILER;
	return b;
}

static void expect_parse(const unsigned char *b, size_t len, int code,
			 const char *msg, const char *desc)
{
	struct lf_modsig ms;
	struct lf_err e;
	int ret;

	lf_err_clear(&e);
	ret = lf_modsig_parse(b, len, &ms, &e);
	tap_is_int(ret, code, "%s: result", desc);
	if (msg)
		tap_has_str(e.msg, msg, "%s: message", desc);
}

static void test_parse(void)
{
	unsigned char sig[40], *b;
	struct lf_modsig ms;
	struct lf_err e;
	size_t len;

	memset(sig, 0x30, sizeof(sig));
	b = assemble(sig, sizeof(sig), &len);
	lf_err_clear(&e);
	tap_is_int(lf_modsig_parse(b, len, &ms, &e), 0, "well-formed trailer parses");
	tap_is_int((long long)ms.body_len, sizeof(body), "body ends where the signature starts");
	tap_is_int((long long)ms.sig_len, sizeof(sig), "sig_len is big-endian");
	tap_ok(!memcmp(b + len - TRAILER, "\0\0\2\0\0\0\0\0\0\0\0\x28", 12),
	       "info block: id_type PKCS#7, zeros, be32 length, as sign-file writes it");

	expect_parse(body, sizeof(body), -ENODATA, NULL, "no marker: unsigned");
	expect_parse((const unsigned char *)"", 0, -ENODATA, NULL, "empty file: unsigned");
	expect_parse(b + len - LF_MODSIG_MARKER_LEN - 3, LF_MODSIG_MARKER_LEN + 3,
		     -EBADMSG, "truncated", "marker without info block");
	expect_parse(b + sizeof(body), len - sizeof(body), -EBADMSG,
		     "exceeds", "body cut off: signature fills everything");

	b[len - TRAILER + 2] = 1;
	expect_parse(b, len, -EBADMSG, "id_type 1 is not PKCS#7", "wrong id_type");
	b[len - TRAILER + 2] = 2;
	b[len - TRAILER + 0] = 1;
	expect_parse(b, len, -EBADMSG, "non-zero", "algo set");
	b[len - TRAILER + 0] = 0;
	b[len - TRAILER + 6] = 1;
	expect_parse(b, len, -EBADMSG, "non-zero", "padding set");
	b[len - TRAILER + 6] = 0;
	memcpy(b + len - TRAILER + 8, "\xff\xff\xff\xff", 4);
	expect_parse(b, len, -EBADMSG, "signature length 4294967295 exceeds",
		     "absurd sig_len");
	memcpy(b + len - TRAILER + 8, "\0\0\0\0", 4);
	expect_parse(b, len, -EBADMSG, "signature length is zero", "zero sig_len");
	b[len - 1] = 'X';
	expect_parse(b, len, -ENODATA, NULL, "damaged marker: unsigned");
	free(b);
}

struct keys {
	EVP_PKEY *key;
	X509 *cert;
};

static void mkkeys(struct keys *k, long start, long days)
{
	struct lf_keygen_opts o = { LF_KEY_P384, days, start, "livefix test" };
	struct lf_err e;

	lf_err_clear(&e);
	if (lf_keygen(&o, &k->key, &k->cert, &e)) {
		tap_diag("keygen: %s", e.msg);
		exit(1);
	}
}

static void freekeys(struct keys *k)
{
	EVP_PKEY_free(k->key);
	X509_free(k->cert);
}

static int verify(const unsigned char *b, size_t len, X509 *cert,
		  struct lf_err *e)
{
	struct lf_siginfo si;
	struct lf_modsig ms;
	int ret;

	lf_err_clear(e);
	ret = lf_modsig_parse(b, len, &ms, e);
	if (ret)
		return ret;
	return lf_verify_cms(b, ms.body_len, b + ms.sig_off, ms.sig_len, cert,
			     &si, e);
}

/* Self-signed Ed25519: a key type the kernel has no module-sig use for. */
static X509 *ed25519_cert(void)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	X509 *c = X509_new();

	X509_set_version(c, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(c), 7);
	X509_gmtime_adj(X509_getm_notBefore(c), 0);
	X509_gmtime_adj(X509_getm_notAfter(c), 3600);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(c), "CN", MBSTRING_UTF8,
				   (const unsigned char *)"ed", -1, -1, 0);
	X509_set_issuer_name(c, X509_get_subject_name(c));
	X509_set_pubkey(c, k);
	X509_sign(c, k, NULL);
	EVP_PKEY_free(k);
	return c;
}

/* A sign-file style CMS, but with a digest the kernel refuses. */
static unsigned char *cms_with(const struct keys *k, const char *md_name,
			       size_t *len)
{
	BIO *in = BIO_new_mem_buf(body, sizeof(body));
	const EVP_MD *md = EVP_get_digestbyname(md_name);
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL,
					CMS_NOCERTS | CMS_PARTIAL | CMS_BINARY |
					CMS_DETACHED);
	unsigned char *der = NULL;

	CMS_add1_signer(cms, k->cert, k->key, md,
			CMS_NOCERTS | CMS_BINARY | CMS_NOSMIMECAP | CMS_NOATTR);
	CMS_final(cms, in, NULL, CMS_NOCERTS | CMS_BINARY);
	*len = (size_t)i2d_CMS_ContentInfo(cms, &der);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return der;
}

static void test_sign_verify(void)
{
	struct keys a, b, old;
	unsigned char *sig, *m, *der;
	size_t sig_len, len, der_len;
	struct lf_siginfo si;
	struct lf_modsig ms;
	struct lf_err e;
	X509 *ed;

	mkkeys(&a, 0, 30);
	mkkeys(&b, 0, 30);
	mkkeys(&old, -60, 30);

	lf_err_clear(&e);
	tap_is_int(lf_sign_cms(body, sizeof(body), a.key, a.cert, "sha384", &sig,
			       &sig_len, &e), 0, "sign: sha384 with P-384");
	m = assemble(sig, sig_len, &len);
	tap_is_int(verify(m, len, a.cert, &e), 0, "verify: good signature");
	lf_modsig_parse(m, len, &ms, &e);
	lf_verify_cms(m, ms.body_len, m + ms.sig_off, ms.sig_len, a.cert, &si, &e);
	tap_is_str(si.hash, "sha384", "verify: reports the hash");
	tap_is_str(si.subject, "CN=livefix test", "verify: reports the signer");
	tap_ok(si.serial[0] != 0, "verify: reports the serial");

	tap_is_int(verify(m, len, b.cert, &e), -EKEYREJECTED, "verify: other cert refused");
	tap_has_str(e.msg, "signed by another key", "verify: other cert: message");

	m[5] ^= 1;
	tap_is_int(verify(m, len, a.cert, &e), -EBADMSG, "verify: flipped body byte refused");
	tap_has_str(e.msg, "does not match the module contents", "verify: flipped byte: message");
	m[5] ^= 1;

	m[sizeof(body) + sig_len - 3] ^= 0x55;
	tap_is_int(verify(m, len, a.cert, &e), -EBADMSG, "verify: corrupt signature value refused");
	m[sizeof(body) + sig_len - 3] ^= 0x55;

	m[sizeof(body)] = 0x04;
	tap_is_int(verify(m, len, a.cert, &e), -EBADMSG, "verify: garbage instead of PKCS#7 refused");
	tap_has_str(e.msg, "corrupt signature", "verify: garbage: message");
	free(m);

	/* Stray bytes inside sig_len: the kernel's ASN.1 parser refuses them. */
	{
		unsigned char *s2 = malloc(sig_len + 1);

		memcpy(s2, sig, sig_len);
		s2[sig_len] = 0;
		m = assemble(s2, sig_len + 1, &len);
		tap_is_int(verify(m, len, a.cert, &e), -EBADMSG, "verify: trailing junk refused");
		tap_has_str(e.msg, "stray bytes", "verify: trailing junk: message");
		free(m);
		free(s2);
	}
	free(sig);

	der = cms_with(&a, "SHA1", &der_len);
	m = assemble(der, der_len, &len);
	tap_is_int(verify(m, len, a.cert, &e), -EBADMSG, "verify: sha1 signature refused");
	tap_has_str(e.msg, "hash sha1 is not one the kernel accepts", "verify: sha1: message");
	free(m);
	OPENSSL_free(der);

	/* Signed over other bytes: the digest inside cannot match. */
	der = cms_with(&a, "SHA256", &der_len);
	m = assemble(der, der_len, &len);
	m[0] = 'X';
	tap_is_int(verify(m, len, a.cert, &e), -EBADMSG, "verify: signature over other bytes refused");
	free(m);
	OPENSSL_free(der);

	tap_is_int(lf_sign_cms(body, sizeof(body), a.key, b.cert, "sha256", &sig,
			       &sig_len, &e), -EKEYREJECTED, "sign: key/cert mismatch refused");
	tap_has_str(e.msg, "does not belong", "sign: mismatch: message");
	tap_is_int(lf_sign_cms(body, sizeof(body), a.key, a.cert, "md5", &sig,
			       &sig_len, &e), -EINVAL, "sign: md5 refused");

	lf_err_clear(&e);
	tap_is_int(lf_cert_check(old.cert, true, &e), -EKEYEXPIRED, "cert: expired refused");
	tap_has_str(e.msg, "expired", "cert: expired: message");
	tap_is_int(lf_cert_check(old.cert, false, &e), 0, "cert: expired accepted when ignoring dates, as the kernel does");
	ed = ed25519_cert();
	tap_is_int(lf_cert_check(ed, false, &e), -EKEYREJECTED, "cert: Ed25519 refused");
	tap_has_str(e.msg, "ED25519", "cert: Ed25519: message names the type");
	X509_free(ed);
	tap_is_int(lf_cert_check(a.cert, true, &e), 0, "cert: P-384 accepted");

	freekeys(&a);
	freekeys(&b);
	freekeys(&old);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n;
}

static void die_hook(void)
{
	raise(SIGTERM);
}

static void test_atomic(void)
{
	struct lf_iov iov[] = { { "abc", 3 }, { "def", 3 } };
	struct tfs t;
	struct lf_err e;
	struct stat st;
	int status;
	pid_t pid;

	tfs_init(&t);
	lf_err_clear(&e);
	tap_is_int(lf_atomic_write(tfs_path(&t, "out"), iov, 2, 0640, &e), 0,
		   "atomic: write");
	tap_is_str(tfs_read(&t, "out"), "abcdef", "atomic: content");
	stat(tfs_path(&t, "out"), &st);
	tap_is_int(st.st_mode & 0777, 0640, "atomic: final mode");
	tap_is_int(count_entries(t.root), 1, "atomic: no temporary left");

	tfs_write(&t, "keep", "old");
	pid = fork();
	if (pid == 0) {
		lf_atomic_test_hook = die_hook;
		lf_atomic_write(tfs_path(&t, "keep"), iov, 2, 0644, &e);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	tap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
	       "atomic: SIGTERM mid-write kills the writer");
	tap_is_str(tfs_read(&t, "keep"), "old", "atomic: target untouched after SIGTERM");
	tap_is_int(count_entries(t.root), 2, "atomic: temporary removed after SIGTERM");

	tap_ok(lf_atomic_write(tfs_path(&t, "nodir/x"), iov, 2, 0644, &e) < 0,
	       "atomic: missing directory fails");
	tfs_cleanup(&t);
}

int main(void)
{
	tap_start();
	test_parse();
	test_sign_verify();
	test_atomic();
	return tap_end();
}
