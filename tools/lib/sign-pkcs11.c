// SPDX-License-Identifier: GPL-2.0-only
/*
 * Signing keys that live in an HSM, by RFC 7512 "pkcs11:" URI.
 *
 * Debian 12's OpenSSL 3.0 has no PKCS#11 provider, only libp11's engine
 * (libengine-pkcs11-openssl), which is also what the kernel's own
 * scripts/sign-file uses. The ENGINE API is deprecated in OpenSSL 3, so
 * this is the one file that asks for it; everything else stays on the
 * 3.0 API, and OSSL_STORE remains the fallback for a configured provider.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include "sign-pkcs11.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/engine.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

/*
 * The engine must outlive every key it hands out: libp11's keys sign
 * through the token session the engine owns. One signing key per
 * process is all the CLI needs, so one engine reference is kept here.
 */
static ENGINE *held_engine;

/* @uri with any pin-value replaced, so no message ever shows the PIN. */
static void redact_uri(const char *uri, char *buf, size_t size)
{
	const char *pin = strstr(uri, "pin-value=");
	const char *end;

	if (!pin) {
		snprintf(buf, size, "%s", uri);
		return;
	}
	end = pin + strlen("pin-value=");
	end += strcspn(end, ";?&");
	snprintf(buf, size, "%.*spin-value=***%s", (int)(pin - uri), uri, end);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The RFC 7512 query attribute @name ("module-path", "pin-source"),
 * percent-decoded into @buf; false when absent or empty.
 */
static bool uri_query(const char *uri, const char *name, char *buf, size_t size)
{
	const char *q = strchr(uri, '?');
	size_t len = strlen(name), n = 0;
	const char *v = NULL;

	while (q) {
		q++;
		if (!strncmp(q, name, len) && q[len] == '=') {
			v = q + len + 1;
			break;
		}
		q = strchr(q, '&');
	}
	if (!v)
		return false;
	while (*v && *v != '&' && n + 1 < size) {
		if (*v == '%' && hexval(v[1]) >= 0 && hexval(v[2]) >= 0) {
			buf[n++] = (char)(hexval(v[1]) << 4 | hexval(v[2]));
			v += 3;
		} else {
			buf[n++] = *v++;
		}
	}
	buf[n] = '\0';
	return n > 0;
}

/*
 * The PIN in the file a pin-source names: its first line, so a file
 * written with echo works (libp11 would take the newline as part of it).
 */
static int pin_from_source(const char *source, char *pin, size_t size,
			   struct lf_err *err)
{
	const char *path = source;
	FILE *f;

	if (!strncmp(path, "file:", 5))
		path += 5;
	f = fopen(path, "re");
	if (!f)
		return lf_err_set(err, -errno, "cannot read pin-source %s: %s", path,
				  strerror(errno));
	if (!fgets(pin, (int)size, f))
		pin[0] = '\0';
	fclose(f);
	pin[strcspn(pin, "\r\n")] = '\0';
	if (!pin[0])
		return lf_err_set(err, -EINVAL, "pin-source %s is empty", path);
	return 0;
}

/*
 * @uri without the module-path and pin-source query attributes, which
 * are handled here: libp11 refuses the whole URI for the first and reads
 * the second's file verbatim, newline and all.
 */
static void uri_for_engine(const char *uri, char *buf, size_t size)
{
	const char *q = strchr(uri, '?');
	size_t n;

	if (!q) {
		snprintf(buf, size, "%s", uri);
		return;
	}
	n = (size_t)(q - uri);
	snprintf(buf, size, "%.*s", (int)n, uri);
	while (q && *q) {
		const char *a = q + 1, *end = a + strcspn(a, "&");

		if (strncmp(a, "module-path=", 12) && strncmp(a, "pin-source=", 11) &&
		    end > a) {
			n = strlen(buf);
			snprintf(buf + n, size - n, "%c%.*s", strchr(buf, '?') ? '&' : '?',
				 (int)(end - a), a);
		}
		q = *end ? end : NULL;
	}
}

/* Does @uri carry the PIN itself (visible in ps: tests, not production)? */
static bool uri_has_pin(const char *uri)
{
	return strstr(uri, "pin-value=");
}

/*
 * libp11 only half-loads a library that is not a PKCS#11 module and
 * says why on stderr; trying it here first gives one clear line.
 */
static int module_check(const char *module, struct lf_err *err)
{
	void *h;

	if (access(module, R_OK))
		return lf_err_set(err, -errno, "cannot read PKCS#11 module %s: %s",
				  module, strerror(errno));
	h = dlopen(module, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();

		return lf_err_set(err, -EINVAL, "cannot load PKCS#11 module %s: %s",
				  module, why ? why : "unknown error");
	}
	if (!dlsym(h, "C_GetFunctionList")) {
		dlclose(h);
		return lf_err_set(err, -EINVAL, "%s is not a PKCS#11 module (no C_GetFunctionList)",
				  module);
	}
	dlclose(h);
	return 0;
}

/* The innermost OpenSSL/libp11 reason ("PIN incorrect"), or "". */
static void last_reason(char *buf, size_t size)
{
	unsigned long e, first = 0;
	const char *r;

	while ((e = ERR_get_error()))
		if (!first)
			first = e;
	r = first ? ERR_reason_error_string(first) : NULL;
	snprintf(buf, size, "%s", r ? r : "");
}

static void engine_drop(ENGINE *e, bool initialised)
{
	if (initialised)
		ENGINE_finish(e);
	ENGINE_free(e);
}

/* Open libp11's engine on @module (NULL: its default) and load @target. */
static int engine_load(const char *target, const char *module, const char *pin,
		       const char *shown, EVP_PKEY **keyp, struct lf_err *err)
{
	char reason[256];
	EVP_PKEY *key;
	ENGINE *e;

	ERR_clear_error();
	e = ENGINE_by_id("pkcs11");
	if (!e) {
		ERR_clear_error();
		return lf_err_set(err, -ENOPKG,
				  "%s: no PKCS#11 support: the OpenSSL pkcs11 engine is not installed (libengine-pkcs11-openssl)",
				  shown);
	}
	/* libp11 prints its own diagnostics otherwise; we report one line. */
	ENGINE_ctrl_cmd_string(e, "QUIET", NULL, 0);
	if (module && !ENGINE_ctrl_cmd_string(e, "MODULE_PATH", module, 0)) {
		engine_drop(e, false);
		ERR_clear_error();
		return lf_err_set(err, -EINVAL, "%s: PKCS#11 module %s refused by the engine",
				  shown, module);
	}
	if (!ENGINE_init(e)) {
		last_reason(reason, sizeof(reason));
		engine_drop(e, false);
		return lf_err_set(err, -EIO, "%s: cannot start the PKCS#11 engine%s%s%s%s",
				  shown, module ? " with " : "", module ? module : "",
				  *reason ? ": " : "", reason);
	}
	if (pin && !ENGINE_ctrl_cmd_string(e, "PIN", pin, 0)) {
		engine_drop(e, true);
		ERR_clear_error();
		return lf_err_set(err, -EINVAL, "%s: the PKCS#11 engine refused the PIN",
				  shown);
	}
	key = ENGINE_load_private_key(e, target, NULL, NULL);
	if (!key) {
		last_reason(reason, sizeof(reason));
		engine_drop(e, true);
		return lf_err_set(err, -ENOENT, "%s: no private key there%s%s%s", shown,
				  *reason ? " (" : "", reason, *reason ? ")" : "");
	}
	ERR_clear_error();
	held_engine = e;
	*keyp = key;
	return 0;
}

int lf_pkcs11_key_load(const char *uri, const char *module, EVP_PKEY **keyp,
		       struct lf_err *err)
{
	char shown[512], modbuf[4096], target[4096], source[4096];
	char pinbuf[256] = "";
	const char *pin = getenv("LIVEFIX_PKCS11_PIN");
	int ret;

	redact_uri(uri, shown, sizeof(shown));
	if (held_engine)
		return lf_err_set(err, -EBUSY, "%s: a PKCS#11 key is already open",
				  shown);
	if (!module && uri_query(uri, "module-path", modbuf, sizeof(modbuf)))
		module = modbuf;
	if (!module)
		module = getenv("PKCS11_MODULE_PATH");
	if (module && module_check(module, err)) {
		lf_err_prefix(err, "%s: ", shown);
		return err->code;
	}
	if (uri_query(uri, "pin-source", source, sizeof(source))) {
		if (pin_from_source(source, pinbuf, sizeof(pinbuf), err)) {
			lf_err_prefix(err, "%s: ", shown);
			return err->code;
		}
		pin = pinbuf;
	}
	if (!pin && !uri_has_pin(uri) && !isatty(STDIN_FILENO))
		return lf_err_set(err, -EINVAL,
				  "%s: no PIN: set LIVEFIX_PKCS11_PIN, or pin-source in the URI",
				  shown);
	uri_for_engine(uri, target, sizeof(target));
	ret = engine_load(target, module, pin, shown, keyp, err);
	OPENSSL_cleanse(pinbuf, sizeof(pinbuf));
	return ret;
}

void lf_pkcs11_release(void)
{
	if (!held_engine)
		return;
	engine_drop(held_engine, true);
	held_engine = NULL;
}
