#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# livefix sign with the key in an HSM: a SoftHSM token in a private
# directory, reached through libp11's OpenSSL engine by pkcs11: URI. RSA
# signatures are deterministic, so the HSM's must equal the PEM key's byte
# for byte, which cli-sign.sh in turn holds equal to the kernel's
# sign-file. (6.12's sign-file cannot itself reach a token here: built
# against OpenSSL 3 it wants a pkcs11 provider, which Debian 12 lacks.)
# SoftHSM and the engine come from scripts/provision: missing, this fails.
#
#   cli-pkcs11.sh LIVEFIX-BINARY FIXTURE-DIR RELEASE

set -u
bin=$1
fix=$2
n=0
nfail=0
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
out=$work/out
err=$work/err
: >"$out"
: >"$err"
softhsm=/usr/lib/softhsm/libsofthsm2.so
pin=24680
so_pin=13579
unset LIVEFIX_PKCS11_PIN PKCS11_MODULE_PATH
# Under ASan, see through libcrypto to the one known third-party leak.
if [ -n "${ASAN_OPTIONS:-}" ]; then
	ASAN_OPTIONS=$ASAN_OPTIONS:fast_unwind_on_malloc=0
	LSAN_OPTIONS=print_suppressions=0:suppressions=$(cd "$(dirname "$0")" && pwd)/lsan-pkcs11.supp
	export ASAN_OPTIONS LSAN_OPTIONS
fi

echo "TAP version 13"

ok() { n=$((n + 1)); echo "ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
not_ok() {
	n=$((n + 1))
	nfail=$((nfail + 1))
	echo "not ok $n - $1"
	shift
	for line in "$@"; do echo "# $line"; done
	sed 's/^/#   stdout: /' "$out"
	sed 's/^/#   stderr: /' "$err"
}
run() {
	"$bin" "$@" >"$out" 2>"$err" </dev/null
	status=$?
}
check() {
	d=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$d"; else not_ok "$d" "failed: $*"; fi
}
# expect_err SUBSTRING DESC: exit 1, one stderr line containing it, no PIN
expect_err() {
	lines=$(wc -l <"$err")
	if [ "$status" -ne 1 ]; then
		not_ok "$2" "exit $status, want 1"
	elif [ "$lines" -ne 1 ]; then
		not_ok "$2" "$lines stderr lines, want exactly 1"
	elif ! grep -qF -- "$1" "$err"; then
		not_ok "$2" "stderr lacks: $1"
	elif grep -qF -- "$pin" "$err"; then
		not_ok "$2" "the message shows the PIN"
	else
		ok "$2"
	fi
}
markers() { grep -a -o '~Module signature appended~' "$1" | wc -l; }

# --- the token ---------------------------------------------------------
missing=
command -v softhsm2-util >/dev/null || missing="$missing softhsm2"
[ -r "$softhsm" ] || missing="$missing softhsm2(module)"
openssl engine pkcs11 >/dev/null 2>&1 || missing="$missing libengine-pkcs11-openssl"
if [ -n "$missing" ]; then
	not_ok "SoftHSM and the pkcs11 engine are installed" "missing:$missing (scripts/provision installs them)"
	echo "1..$n"
	exit 1
fi
ok "SoftHSM and the pkcs11 engine are installed"

mkdir -p "$work/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
	"$work/tokens" >"$work/softhsm2.conf"
SOFTHSM2_CONF=$work/softhsm2.conf
export SOFTHSM2_CONF
# import_key TYPE LABEL ID: a livefix keygen key, imported into the token
import_key() {
	"$bin" keygen --type "$1" --subject "livefix hsm $1" --out "$work/$2" >/dev/null &&
	openssl pkcs8 -topk8 -nocrypt -in "$work/$2/signing_key.pem" \
		-out "$work/$2/key.p8" &&
	softhsm2-util --import "$work/$2/key.p8" --token lftoken --label "$2" \
		--id "$3" --pin "$pin" >/dev/null
}
if softhsm2-util --init-token --free --label lftoken --so-pin "$so_pin" \
	--pin "$pin" >"$out" 2>"$err" &&
   import_key rsa4096 rsakey 01 && import_key p384 eckey 02; then
	ok "a SoftHSM token holds an RSA-4096 and a P-384 key"
else
	not_ok "a SoftHSM token holds an RSA-4096 and a P-384 key"
	echo "1..$n"
	exit 1
fi
# The private keys now live only in the token, as on a real build host.
rm -f "$work"/rsakey/key.p8 "$work"/eckey/key.p8
cp "$work/rsakey/signing_key.pem" "$work/rsa.pem"
rm -f "$work/rsakey/signing_key.pem" "$work/eckey/signing_key.pem"

mod=$work/fix.ko
cp "$fix/lf-good.ko" "$mod"
rsa_uri="pkcs11:token=lftoken;object=rsakey;type=private"
ec_uri="pkcs11:token=lftoken;object=eckey;type=private"
rsa_crt=$work/rsakey/signing_cert.pem
ec_crt=$work/eckey/signing_cert.pem

run sign --key "$work/rsa.pem" --cert "$rsa_crt" -o "$work/pem.ko" "$mod"
check "the PEM copy of the RSA key signs (reference)" test "$status" -eq 0

# --- signing from the token --------------------------------------------
LIVEFIX_PKCS11_PIN=$pin
export LIVEFIX_PKCS11_PIN
run sign --pkcs11-module "$softhsm" --key "$rsa_uri" --cert "$rsa_crt" \
	-o "$work/hsm.ko" "$mod"
check "sign --pkcs11-module with \$LIVEFIX_PKCS11_PIN: exit 0" test "$status" -eq 0
check "RSA: the HSM's signature is byte-identical to the PEM key's" \
	cmp "$work/hsm.ko" "$work/pem.ko"
run verify --cert "$rsa_crt" "$work/hsm.ko"
if [ "$status" -eq 0 ] && grep -q '^signer: CN=livefix hsm rsa4096$' "$out"; then
	ok "verify accepts the HSM-signed module"
else
	not_ok "verify accepts the HSM-signed module"
fi
check "the input is left unsigned" cmp "$mod" "$fix/lf-good.ko"

PKCS11_MODULE_PATH=$softhsm run sign --key "$rsa_uri" --cert "$rsa_crt" \
	-o "$work/env.ko" "$mod"
check "\$PKCS11_MODULE_PATH selects the module" cmp "$work/env.ko" "$work/pem.ko"

# p11-kit's proxy is the engine's default; softhsm2 registers with it.
run sign --key "$rsa_uri" --cert "$rsa_crt" -o "$work/proxy.ko" "$mod"
check "no module named: the engine's default (p11-kit) finds the token" \
	cmp "$work/proxy.ko" "$work/pem.ko"

unset LIVEFIX_PKCS11_PIN
echo "$pin" >"$work/pin.txt"
run sign --key "$rsa_uri?module-path=$softhsm&pin-source=file:$work/pin.txt" \
	--cert "$rsa_crt" -o "$work/uri.ko" "$mod"
check "module-path and pin-source (with a newline) in the URI" \
	cmp "$work/uri.ko" "$work/pem.ko"

run sign --pkcs11-module "$softhsm" --key "$ec_uri;pin-value=$pin" \
	--cert "$ec_crt" --hash sha384 -o "$work/ec.ko" "$mod"
check "P-384 key in the token signs" test "$status" -eq 0
run verify --cert "$ec_crt" "$work/ec.ko"
if [ "$status" -eq 0 ] && grep -q '^hash: sha384$' "$out"; then
	ok "verify accepts the HSM's P-384 signature"
else
	not_ok "verify accepts the HSM's P-384 signature"
fi

cp "$work/hsm.ko" "$work/re.ko"
run sign --pkcs11-module "$softhsm" --key "$ec_uri;pin-value=$pin" \
	--cert "$ec_crt" "$work/re.ko"
if [ "$status" -eq 0 ] && grep -q 'replaced the existing signature' "$out" &&
   [ "$(markers "$work/re.ko")" -eq 1 ]; then
	ok "re-signing from the token replaces the signature"
else
	not_ok "re-signing from the token replaces the signature"
fi

# --- refusals: one line, exit 1, no PIN shown, nothing written ----------
rm -f "$work/bad.ko"
run sign --pkcs11-module "$softhsm" --key "$rsa_uri;pin-value=${pin}9" \
	--cert "$rsa_crt" -o "$work/bad.ko" "$mod"
expect_err "PIN incorrect" "wrong PIN is refused"
run sign --pkcs11-module "$softhsm" --key "pkcs11:token=lftoken;object=nosuch;type=private;pin-value=$pin" \
	--cert "$rsa_crt" -o "$work/bad.ko" "$mod"
expect_err "object=nosuch;type=private;pin-value=***: no private key there" \
	"a missing object is refused, naming the URI"
run sign --pkcs11-module "$softhsm" --key "pkcs11:token=nosuch;object=rsakey;pin-value=$pin" \
	--cert "$rsa_crt" -o "$work/bad.ko" "$mod"
expect_err "no private key there" "a missing token is refused"
run sign --pkcs11-module "$softhsm" --key "$rsa_uri" --cert "$rsa_crt" \
	-o "$work/bad.ko" "$mod"
expect_err "no PIN: set LIVEFIX_PKCS11_PIN" "no PIN and no terminal is refused"
run sign --pkcs11-module "$work/nosuch.so" --key "$rsa_uri;pin-value=$pin" \
	--cert "$rsa_crt" -o "$work/bad.ko" "$mod"
expect_err "cannot read PKCS#11 module $work/nosuch.so" "a missing module is refused"
run sign --pkcs11-module "$mod" --key "$rsa_uri;pin-value=$pin" \
	--cert "$rsa_crt" -o "$work/bad.ko" "$mod"
expect_err "cannot load PKCS#11 module $mod" "a file that is no library is refused"
libz=$(ldconfig -p | sed -n 's/.*libz\.so\.1 (libc6,x86-64) => //p' | head -n1)
run sign --pkcs11-module "$libz" --key "$rsa_uri;pin-value=$pin" \
	--cert "$rsa_crt" -o "$work/bad.ko" "$mod"
expect_err "is not a PKCS#11 module" "a library that is not PKCS#11 is refused"
run sign --pkcs11-module "$softhsm" --key "$rsa_uri?pin-source=file:$work/nopin" \
	--cert "$rsa_crt" -o "$work/bad.ko" "$mod"
expect_err "cannot read pin-source $work/nopin" "a missing pin-source is refused"
run sign --pkcs11-module "$softhsm" --key "$ec_uri;pin-value=$pin" \
	--cert "$rsa_crt" -o "$work/bad.ko" "$mod"
expect_err "the key does not belong to the certificate" \
	"the token's key must match the certificate"
check "refused signs wrote no output" test ! -e "$work/bad.ko"
check "refused signs left no temporary" \
	test -z "$(find "$work" -maxdepth 1 -name '*.tmp*' -o -maxdepth 1 -name '.bad*')"
check "refused signs left the input alone" cmp "$mod" "$fix/lf-good.ko"

echo "1..$n"
[ "$nfail" -eq 0 ]
