// SPDX-License-Identifier: GPL-2.0-only
#include "sign.h"
#include "sign-pkcs11.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/store.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* OpenSSL's own reason for the failure, appended to ours. */
static int ossl_fail(struct lf_err *err, int code, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	char buf[256];

	if (!e) {
		ERR_clear_error();
		return lf_err_set(err, code, "%s", what);
	}
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return lf_err_set(err, code, "%s (%s)", what, buf);
}

static int add_ext(X509 *cert, X509V3_CTX *ctx, int nid, const char *value,
		   struct lf_err *err)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok;

	if (!ext)
		return ossl_fail(err, -EINVAL, "cannot make certificate extension");
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : ossl_fail(err, -ENOMEM, "cannot add certificate extension");
}

int lf_keygen(const struct lf_keygen_opts *o, EVP_PKEY **keyp, X509 **certp,
	      struct lf_err *err)
{
	EVP_PKEY *key;
	X509 *cert = NULL;
	X509_NAME *name;
	X509V3_CTX ctx;
	BIGNUM *bn = NULL;
	int ret = -ENOMEM;

	if (o->type == LF_KEY_RSA4096)
		key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)4096);
	else
		key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	if (!key)
		return ossl_fail(err, -EIO, "key generation failed");

	cert = X509_new();
	bn = BN_new();
	if (!cert || !bn)
		goto fail;
	if (!X509_set_version(cert, X509_VERSION_3))
		goto fail;
	/* RFC 5280: positive, at most 20 octets; random keeps them unique. */
	if (!BN_rand(bn, 159, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) ||
	    !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)))
		goto fail;
	if (!X509_time_adj_ex(X509_getm_notBefore(cert), (int)o->start_days, 0, NULL) ||
	    !X509_time_adj_ex(X509_getm_notAfter(cert),
			      (int)(o->start_days + o->days), 0, NULL))
		goto fail;
	name = X509_get_subject_name(cert);
	if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
					(const unsigned char *)o->subject, -1, -1, 0)) {
		ret = ossl_fail(err, -EINVAL, "invalid subject");
		goto out;
	}
	if (!X509_set_issuer_name(cert, name) || !X509_set_pubkey(cert, key))
		goto fail;

	/*
	 * What the kernel's keyrings look at: digitalSignature and not a CA
	 * (restrict_link_by_digsig*), codeSigning for tools that check EKU,
	 * and key identifiers so the chain can be walked by key id.
	 */
	X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
	ret = add_ext(cert, &ctx, NID_basic_constraints, "critical,CA:FALSE", err);
	if (!ret)
		ret = add_ext(cert, &ctx, NID_key_usage, "critical,digitalSignature", err);
	if (!ret)
		ret = add_ext(cert, &ctx, NID_ext_key_usage, "codeSigning", err);
	if (!ret)
		ret = add_ext(cert, &ctx, NID_subject_key_identifier, "hash", err);
	if (!ret)
		ret = add_ext(cert, &ctx, NID_authority_key_identifier, "keyid:always", err);
	if (ret)
		goto out;
	if (!X509_sign(cert, key, EVP_get_digestbyname(o->type == LF_KEY_RSA4096 ?
						       "SHA256" : "SHA384"))) {
		ret = ossl_fail(err, -EIO, "cannot self-sign the certificate");
		goto out;
	}
	BN_free(bn);
	*keyp = key;
	*certp = cert;
	return 0;
fail:
	ret = ossl_fail(err, -ENOMEM, "cannot build the certificate");
out:
	BN_free(bn);
	X509_free(cert);
	EVP_PKEY_free(key);
	return ret;
}

/* Hand over a memory BIO's bytes as a malloc'ed buffer. */
static int bio_take(BIO *b, unsigned char **out, size_t *len)
{
	char *p;
	long n = BIO_get_mem_data(b, &p);

	if (n <= 0)
		return -EIO;
	*out = malloc((size_t)n);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, p, (size_t)n);
	*len = (size_t)n;
	return 0;
}

int lf_keygen_encode(EVP_PKEY *key, X509 *cert, unsigned char **key_pem,
		     size_t *key_len, unsigned char **cert_pem,
		     size_t *cert_pem_len, unsigned char **cert_der,
		     size_t *cert_der_len, struct lf_err *err)
{
	BIO *bk = BIO_new(BIO_s_secmem()), *bc = BIO_new(BIO_s_mem());
	unsigned char *der = NULL;
	int n, ret = -ENOMEM;

	*key_pem = *cert_pem = *cert_der = NULL;
	if (!bk || !bc)
		goto out;
	if (!PEM_write_bio_PrivateKey(bk, key, NULL, NULL, 0, NULL, NULL) ||
	    !PEM_write_bio_X509(bc, cert)) {
		ret = ossl_fail(err, -EIO, "cannot encode key or certificate");
		goto out;
	}
	n = i2d_X509(cert, &der);
	if (n <= 0) {
		ret = ossl_fail(err, -EIO, "cannot DER-encode the certificate");
		goto out;
	}
	ret = bio_take(bk, key_pem, key_len);
	if (!ret)
		ret = bio_take(bc, cert_pem, cert_pem_len);
	if (!ret) {
		*cert_der = malloc((size_t)n);
		if (*cert_der) {
			memcpy(*cert_der, der, (size_t)n);
			*cert_der_len = (size_t)n;
		} else {
			ret = -ENOMEM;
		}
	}
	if (ret) {
		if (*key_pem)
			OPENSSL_cleanse(*key_pem, *key_len);
		free(*key_pem);
		free(*cert_pem);
		*key_pem = *cert_pem = NULL;
		lf_err_set(err, ret, "cannot encode key or certificate: %s",
			   strerror(-ret));
	}
out:
	OPENSSL_free(der);
	BIO_free(bk);
	BIO_free(bc);
	if (ret && !err->msg[0])
		lf_err_set(err, ret, "out of memory");
	return ret;
}

int lf_key_load(const char *spec, const char *pkcs11_module, EVP_PKEY **keyp,
		struct lf_err *err)
{
	bool uri = !strncmp(spec, "pkcs11:", 7);
	OSSL_STORE_CTX *st;
	EVP_PKEY *key = NULL;
	int ret;

	if (uri) {
		/*
		 * libp11's engine first: it is what Debian 12 ships. A
		 * provider configured in OPENSSL_CONF is the fallback when
		 * the engine is not installed at all.
		 */
		ret = lf_pkcs11_key_load(spec, pkcs11_module, keyp, err);
		if (ret != -ENOPKG)
			return ret;
		st = OSSL_STORE_open_ex(spec, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
		if (!st)
			return ret;
	} else {
		if (access(spec, R_OK))
			return lf_err_set(err, -errno, "cannot read: %s", strerror(errno));
		st = OSSL_STORE_open_ex(spec, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
		if (!st)
			return ossl_fail(err, -EINVAL, "cannot open key");
	}
	OSSL_STORE_expect(st, OSSL_STORE_INFO_PKEY);
	while (!key && !OSSL_STORE_eof(st)) {
		OSSL_STORE_INFO *info = OSSL_STORE_load(st);

		if (!info)
			continue;
		if (OSSL_STORE_INFO_get_type(info) == OSSL_STORE_INFO_PKEY)
			key = OSSL_STORE_INFO_get1_PKEY(info);
		OSSL_STORE_INFO_free(info);
		if (OSSL_STORE_error(st) && !key)
			break;
	}
	OSSL_STORE_close(st);
	if (!key)
		return ossl_fail(err, -EINVAL,
				 "no private key found (not a PEM private key, or encrypted)");
	ERR_clear_error();
	*keyp = key;
	return 0;
}

void lf_key_free(EVP_PKEY *key)
{
	EVP_PKEY_free(key);
	lf_pkcs11_release();
}

int lf_cert_load(const char *path, X509 **certp, struct lf_err *err)
{
	BIO *b = BIO_new_file(path, "rb");
	X509 *cert;

	if (!b) {
		int e = errno ? errno : EIO;

		ERR_clear_error();
		return lf_err_set(err, -e, "cannot read: %s", strerror(e));
	}
	cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
	if (!cert) {
		ERR_clear_error();
		BIO_reset(b);
		cert = d2i_X509_bio(b, NULL);
	}
	BIO_free(b);
	if (!cert)
		return ossl_fail(err, -EINVAL, "not an X.509 certificate (PEM or DER)");
	ERR_clear_error();
	*certp = cert;
	return 0;
}

static void key_type_name(EVP_PKEY *key, char *buf, size_t size)
{
	char group[64] = "";
	size_t glen;

	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
	    EVP_PKEY_get_group_name(key, group, sizeof(group), &glen))
		snprintf(buf, size, "ECDSA %s", group);
	else
		snprintf(buf, size, "%s-%d", EVP_PKEY_get0_type_name(key) ?
			 EVP_PKEY_get0_type_name(key) : "unknown",
			 EVP_PKEY_get_bits(key));
}

/* crypto/asymmetric_keys: RSA (PKCS#1 v1.5) and ECDSA on NIST curves. */
static int key_type_check(EVP_PKEY *key, struct lf_err *err)
{
	char name[64];

	key_type_name(key, name, sizeof(name));
	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) {
		if (EVP_PKEY_get_bits(key) < 2048)
			return lf_err_set(err, -EKEYREJECTED,
					  "key type %s is too weak (want RSA >= 2048 bits)",
					  name);
		return 0;
	}
	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
	    (!strcmp(name, "ECDSA P-256") || !strcmp(name, "ECDSA P-384") ||
	     !strcmp(name, "ECDSA prime256v1") || !strcmp(name, "ECDSA secp384r1")))
		return 0;
	return lf_err_set(err, -EKEYREJECTED,
			  "key type %s is not one the kernel checks module signatures with (RSA, ECDSA P-256/P-384)",
			  name);
}

int lf_cert_check(X509 *cert, bool check_dates, struct lf_err *err)
{
	EVP_PKEY *key = X509_get0_pubkey(cert);
	int ret;

	if (!key)
		return ossl_fail(err, -EINVAL, "certificate has no usable public key");
	ret = key_type_check(key, err);
	if (ret)
		return ret;
	if (!check_dates)
		return 0;
	if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0)
		return lf_err_set(err, -EKEYEXPIRED,
				  "certificate has expired (the kernel ignores validity dates; --ignore-dates accepts it)");
	if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0)
		return lf_err_set(err, -EKEYEXPIRED,
				  "certificate is not valid yet (--ignore-dates accepts it)");
	return 0;
}

bool lf_sign_hash_ok(const char *name)
{
	return !strcmp(name, "sha256") || !strcmp(name, "sha384") ||
	       !strcmp(name, "sha512");
}

int lf_sign_cms(const unsigned char *body, size_t len, EVP_PKEY *key,
		X509 *cert, const char *hash, unsigned char **der,
		size_t *der_len, struct lf_err *err)
{
	CMS_ContentInfo *cms = NULL;
	EVP_MD *md = NULL;
	BIO *in = NULL;
	unsigned char *out = NULL;
	int n, ret;

	if (!lf_sign_hash_ok(hash))
		return lf_err_set(err, -EINVAL,
				  "hash '%s' is not one the kernel accepts (sha256, sha384, sha512)",
				  hash);
	ret = key_type_check(key, err);
	if (ret)
		return ret;
	if (X509_check_private_key(cert, key) != 1)
		return ossl_fail(err, -EKEYREJECTED,
				 "the key does not belong to the certificate");
	md = EVP_MD_fetch(NULL, hash, NULL);
	in = BIO_new_mem_buf(body, (int)len);
	if (!md || !in || len > (size_t)0x7fffffff) {
		ret = ossl_fail(err, -ENOMEM, "cannot set up signing");
		goto out;
	}
	/*
	 * sign-file's choices: detached, binary, no certificates, no signed
	 * attributes, signer named by issuer + serial. The kernel's PKCS#7
	 * parser takes exactly that, and RSA signatures come out identical.
	 */
	cms = CMS_sign(NULL, NULL, NULL, NULL,
		       CMS_NOCERTS | CMS_PARTIAL | CMS_BINARY | CMS_DETACHED);
	if (!cms ||
	    !CMS_add1_signer(cms, cert, key, md,
			     CMS_NOCERTS | CMS_BINARY | CMS_NOSMIMECAP | CMS_NOATTR) ||
	    CMS_final(cms, in, NULL, CMS_NOCERTS | CMS_BINARY) != 1) {
		ret = ossl_fail(err, -EIO, "signing failed");
		goto out;
	}
	n = i2d_CMS_ContentInfo(cms, &out);
	if (n <= 0) {
		ret = ossl_fail(err, -EIO, "cannot encode the signature");
		goto out;
	}
	*der = malloc((size_t)n);
	if (!*der) {
		ret = lf_err_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	memcpy(*der, out, (size_t)n);
	*der_len = (size_t)n;
	ret = 0;
out:
	OPENSSL_free(out);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	EVP_MD_free(md);
	return ret;
}

static void name_str(const X509_NAME *name, char *buf, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;

	snprintf(buf, size, "?");
	if (!b)
		return;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0) {
		n = BIO_get_mem_data(b, &p);
		snprintf(buf, size, "%.*s", (int)n, p);
	}
	BIO_free(b);
}

static void serial_str(const ASN1_INTEGER *sno, char *buf, size_t size)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(sno, NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;

	snprintf(buf, size, "%s", hex ? hex : "?");
	OPENSSL_free(hex);
	BN_free(bn);
}

int lf_verify_cms(const unsigned char *body, size_t len,
		  const unsigned char *sig, size_t sig_len, X509 *cert,
		  struct lf_siginfo *info, struct lf_err *err)
{
	const unsigned char *p = sig;
	STACK_OF(CMS_SignerInfo) *sis;
	STACK_OF(X509) *certs = NULL;
	CMS_SignerInfo *si;
	CMS_ContentInfo *cms;
	/* get0_signer_id() sets only the ones the signer id uses. */
	ASN1_OCTET_STRING *keyid = NULL;
	X509_NAME *issuer = NULL;
	ASN1_INTEGER *sno = NULL;
	X509_ALGOR *dig;
	const ASN1_OBJECT *obj;
	BIO *in = NULL, *mem;
	int ret;

	memset(info, 0, sizeof(*info));
	key_type_name(X509_get0_pubkey(cert), info->keytype, sizeof(info->keytype));
	if (sig_len > 0x7fffffff || len > 0x7fffffff)
		return lf_err_set(err, -EFBIG, "module too large");
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)sig_len);
	if (!cms)
		return ossl_fail(err, -EBADMSG, "corrupt signature: not a DER PKCS#7 message");
	ret = -EBADMSG;
	if (p != sig + sig_len) {
		lf_err_set(err, ret, "corrupt signature: %zu stray bytes after the PKCS#7 message",
			   (size_t)(sig + sig_len - p));
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		lf_err_set(err, ret, "corrupt signature: PKCS#7 message is not SignedData");
		goto out;
	}
	if (CMS_is_detached(cms) != 1) {
		lf_err_set(err, ret, "corrupt signature: PKCS#7 message embeds content (want detached)");
		goto out;
	}
	sis = CMS_get0_SignerInfos(cms);
	if (!sis || sk_CMS_SignerInfo_num(sis) != 1) {
		lf_err_set(err, ret, "corrupt signature: %d signers (want exactly 1)",
			   sis ? sk_CMS_SignerInfo_num(sis) : 0);
		goto out;
	}
	si = sk_CMS_SignerInfo_value(sis, 0);
	if (CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, &sno) == 1 &&
	    issuer && sno) {
		name_str(issuer, info->issuer, sizeof(info->issuer));
		serial_str(sno, info->serial, sizeof(info->serial));
	} else if (keyid) {
		size_t i, n = (size_t)ASN1_STRING_length(keyid);
		const unsigned char *k = ASN1_STRING_get0_data(keyid);

		for (i = 0; i < n && 2 * i + 3 <= sizeof(info->keyid); i++)
			snprintf(info->keyid + 2 * i, 3, "%02X", k[i]);
	}
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, NULL);
	X509_ALGOR_get0(&obj, NULL, NULL, dig);
	snprintf(info->hash, sizeof(info->hash), "%s", OBJ_nid2sn(OBJ_obj2nid(obj)));
	for (char *c = info->hash; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	if (CMS_SignerInfo_cert_cmp(si, cert)) {
		if (info->keyid[0])
			ret = lf_err_set(err, -EKEYREJECTED,
					 "signed by another key (key id %s), not by this certificate",
					 info->keyid);
		else
			ret = lf_err_set(err, -EKEYREJECTED,
					 "signed by another key (issuer %s, serial %s), not by this certificate",
					 info->issuer[0] ? info->issuer : "?",
					 info->serial[0] ? info->serial : "?");
		goto out;
	}
	name_str(X509_get_subject_name(cert), info->subject, sizeof(info->subject));
	if (!lf_sign_hash_ok(info->hash)) {
		lf_err_set(err, -EBADMSG,
			   "signature hash %s is not one the kernel accepts (sha256, sha384, sha512)",
			   info->hash);
		goto out;
	}
	/*
	 * The memory BIO sits behind a buffering filter because OpenSSL 3.0's
	 * CMS_verify() copies a bare memory BIO into one of its own and leaks
	 * that copy when the signed data cannot be set up (found by
	 * fuzz-modsig); behind a filter it reads ours directly.
	 */
	mem = BIO_new_mem_buf(body, (int)len);
	in = mem ? BIO_new(BIO_f_buffer()) : NULL;
	if (in)
		BIO_push(in, mem);
	else
		BIO_free(mem);
	certs = sk_X509_new_null();
	if (!in || !certs || !sk_X509_push(certs, cert)) {
		ret = lf_err_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	/*
	 * Only the signature: the kernel trusts the key because it sits in a
	 * keyring, not because of a chain, and it ignores validity dates.
	 */
	if (CMS_verify(cms, certs, NULL, in, NULL,
		       CMS_BINARY | CMS_NOINTERN | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
		ret = ossl_fail(err, -EBADMSG,
				"signature does not match the module contents (modified after signing, or signed over other bytes)");
		goto out;
	}
	ret = 0;
out:
	ERR_clear_error();
	sk_X509_free(certs);
	BIO_free_all(in);
	CMS_ContentInfo_free(cms);
	return ret;
}
