#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# livefix keygen/sign/verify end to end, and interop with the kernel's own
# scripts/sign-file built from the 6.12 source in the livefix cache (those
# cases are skipped when the source is not there). Host-only: nothing is
# loaded into any kernel.
#
#   cli-sign.sh LIVEFIX-BINARY FIXTURE-DIR RELEASE

set -u
bin=$1
fix=$2
n=0
nfail=0
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
out=$work/out
err=$work/err
cache=${LIVEFIX_CACHE:-$HOME/.cache/livefix}
# The 6.12 source scripts/provision unpacks for a target ABI (any will do:
# sign-file is the same in all of them).
src=
for d in "$cache"/*/src; do
	[ -f "$d/scripts/sign-file.c" ] && { src=$d; break; }
done

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
	"$bin" "$@" >"$out" 2>"$err"
	status=$?
}
# check DESC CMD...: the shell command must succeed
check() {
	d=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$d"; else not_ok "$d" "failed: $*"; fi
}
# expect_err STATUS SUBSTRING DESC: status, exactly one stderr line containing it
expect_err() {
	lines=$(wc -l <"$err")
	if [ "$status" -ne "$1" ]; then
		not_ok "$3" "exit $status, want $1"
	elif [ "$lines" -ne 1 ]; then
		not_ok "$3" "$lines stderr lines, want exactly 1"
	elif ! grep -qF -- "$2" "$err"; then
		not_ok "$3" "stderr lacks: $2"
	else
		ok "$3"
	fi
}
mode() { stat -c %a "$1"; }
markers() { grep -a -o '~Module signature appended~' "$1" | wc -l; }
# poke FILE OFFSET-FROM-END HEXBYTES: overwrite bytes in place
poke() {
	size=$(stat -c %s "$1")
	printf "$3" | dd of="$1" bs=1 seek=$((size - $2)) conv=notrunc 2>/dev/null
}

k=$work/k
mod=$work/fix.ko
cp "$fix/lf-good.ko" "$mod"

# --- keygen ------------------------------------------------------------
run keygen --type p384 --subject "livefix cli test" --out "$k"
if [ "$status" -eq 0 ] && [ ! -s "$err" ] && grep -q 'mokutil' "$out"; then
	ok "keygen p384 succeeds"
else
	not_ok "keygen p384 succeeds"
fi
check "keygen: private key is 0600" test "$(mode "$k/signing_key.pem")" = 600
check "keygen: DER certificate parses" \
	openssl x509 -inform DER -in "$k/signing_cert.der" -noout
openssl x509 -in "$k/signing_cert.pem" -noout -text >"$work/text" 2>&1
check "keygen: P-384 key" grep -q 'NIST CURVE: P-384' "$work/text"
check "keygen: subject" grep -q 'Subject: CN = livefix cli test' "$work/text"
check "keygen: CA:FALSE, critical" grep -A1 -q 'Basic Constraints: critical' "$work/text"
check "keygen: keyUsage digitalSignature" grep -q 'Digital Signature' "$work/text"
check "keygen: extendedKeyUsage codeSigning" grep -q 'Code Signing' "$work/text"
check "keygen: subject key identifier" grep -q 'Subject Key Identifier' "$work/text"
check "keygen: authority key identifier" grep -q 'Authority Key Identifier' "$work/text"
cp "$k/signing_key.pem" "$work/key.before"
run keygen --type p384 --out "$k"
expect_err 1 "signing_key.pem: already exists; refusing to overwrite a key" "keygen refuses to overwrite"
check "keygen: refused run left the key alone" cmp "$k/signing_key.pem" "$work/key.before"
run keygen --type dsa --out "$work/k2"
expect_err 2 "invalid --type 'dsa'" "keygen: bad type exits 2"
run keygen --days 0 --out "$work/k2"
expect_err 2 "invalid --days '0'" "keygen: bad days exits 2"
run keygen
expect_err 2 "missing --out DIR" "keygen: no --out exits 2"
check "keygen: refused runs created nothing" test ! -e "$work/k2"

# --- sign / verify -----------------------------------------------------
key=$k/signing_key.pem
crt=$k/signing_cert.pem
run sign --key "$key" --cert "$crt" -o "$work/s.ko" "$mod"
check "sign -o: exit 0" test "$status" -eq 0
check "sign -o: input left unsigned" cmp "$mod" "$fix/lf-good.ko"
check "sign -o: one marker" test "$(markers "$work/s.ko")" -eq 1
run verify --cert "$crt" "$work/s.ko"
if [ "$status" -eq 0 ] && grep -q '^signer: CN=livefix cli test$' "$out" &&
   grep -q '^hash: sha256$' "$out" && grep -q '^livefix_id: good-1$' "$out" &&
   grep -q '^livefix_cve: CVE-2024-0002$' "$out" && grep -q '^serial: [0-9A-F]' "$out"; then
	ok "verify prints signer, hash and livefix metadata"
else
	not_ok "verify prints signer, hash and livefix metadata"
fi
run verify --cert "$k/signing_cert.der" "$work/s.ko"
check "verify takes the DER certificate" test "$status" -eq 0

cp "$work/s.ko" "$work/r.ko"
run sign --key "$key" --cert "$crt" --hash sha512 "$work/r.ko"
if [ "$status" -eq 0 ] && grep -q 'replaced the existing signature' "$out"; then
	ok "re-signing says it replaces the signature"
else
	not_ok "re-signing says it replaces the signature"
fi
check "re-signing: still one marker" test "$(markers "$work/r.ko")" -eq 1
run verify --cert "$crt" "$work/r.ko"
if [ "$status" -eq 0 ] && grep -q '^hash: sha512$' "$out"; then ok "re-signed module verifies with the new hash"; else not_ok "re-signed module verifies with the new hash"; fi
check "re-signing keeps the module bytes" \
	cmp -n "$(stat -c %s "$mod")" "$work/r.ko" "$mod"

run sign --key "$key" --cert "$crt" --hash md5 "$mod"
expect_err 2 "invalid --hash 'md5'" "sign: bad hash exits 2"
run sign --cert "$crt" "$mod"
expect_err 2 "missing --key KEY" "sign: no key exits 2"
run sign --key "$work/nope.pem" --cert "$crt" -o "$work/x.ko" "$mod"
expect_err 1 "nope.pem: cannot read: No such file or directory" "sign: missing key"
run sign --key "$crt" --cert "$crt" -o "$work/x.ko" "$mod"
expect_err 1 "no private key found" "sign: certificate given as key"
run keygen --type p384 --out "$work/other"
run sign --key "$work/other/signing_key.pem" --cert "$crt" -o "$work/x.ko" "$mod"
expect_err 1 "the key does not belong to the certificate" "sign: key/cert mismatch"
run sign --key "$key" --cert "$crt" -o "$work/x.ko" "$fix/nomodinfo.ko"
expect_err 1 "not a kernel module" "sign: not a module"
check "failed signs wrote nothing, left no temporary" \
	sh -c "! ls '$work' | grep -q -e '^x.ko' -e 'tmp'"
check "failed signs left the input alone" cmp "$mod" "$fix/lf-good.ko"

run verify --cert "$crt" "$mod"
expect_err 1 'not signed (no "~Module signature appended~" marker)' "verify: unsigned"
run verify --cert "$work/other/signing_cert.pem" "$work/s.ko"
expect_err 1 "signed by another key" "verify: wrong certificate"
cp "$work/s.ko" "$work/flip.ko"
poke "$work/flip.ko" 600 '\001'
run verify --cert "$crt" "$work/flip.ko"
expect_err 1 "signature does not match the module contents" "verify: one flipped byte"
size=$(stat -c %s "$work/s.ko")
head -c $((size - 3)) "$work/s.ko" >"$work/cut.ko"
run verify --cert "$crt" "$work/cut.ko"
expect_err 1 "not signed" "verify: truncated tail"
cp "$work/s.ko" "$work/absurd.ko"
poke "$work/absurd.ko" 32 '\177\377\377\377'
run verify --cert "$crt" "$work/absurd.ko"
expect_err 1 "signature length 2147483647 exceeds" "verify: absurd sig_len"
cp "$work/s.ko" "$work/idt.ko"
poke "$work/idt.ko" 38 '\001'
run verify --cert "$crt" "$work/idt.ko"
expect_err 1 "id_type 1 is not PKCS#7" "verify: wrong id_type"
run sign --key "$key" --cert "$crt" "$work/absurd.ko"
expect_err 1 "existing signature: signature length" "sign: refuses to strip a malformed signature"
if openssl req -x509 -newkey ed25519 -nodes -subj /CN=ed -days 1 \
	-keyout "$work/ed.key" -out "$work/ed.pem" >/dev/null 2>&1; then
	run verify --cert "$work/ed.pem" "$work/s.ko"
	expect_err 1 "key type ED25519" "verify: certificate with a key type the kernel cannot use"
	run sign --key "$work/ed.key" --cert "$work/ed.pem" -o "$work/x.ko" "$mod"
	expect_err 1 "key type ED25519" "sign: key type the kernel cannot use"
else
	skip "verify: Ed25519 certificate" "openssl cannot make one"
	skip "sign: Ed25519 key" "openssl cannot make one"
fi

# --- interop with the kernel's scripts/sign-file -------------------------
signfile=$cache/sign-file/sign-file-6.12
if [ ! -x "$signfile" ] && [ -f "$src/scripts/sign-file.c" ]; then
	mkdir -p "$cache/sign-file" &&
	cc -O2 -o "$signfile.tmp$$" "$src/scripts/sign-file.c" -lcrypto \
		>"$work/cc.log" 2>&1 && mv "$signfile.tmp$$" "$signfile"
	rm -f "$signfile.tmp$$"
fi
if [ -x "$signfile" ]; then
	run keygen --type rsa4096 --out "$work/rsa"
	check "keygen rsa4096" test "$status" -eq 0
	openssl x509 -in "$work/rsa/signing_cert.pem" -noout -text >"$work/text" 2>&1
	check "keygen rsa4096: 4096-bit RSA key" grep -q 'Public-Key: (4096 bit)' "$work/text"
	rk=$work/rsa/signing_key.pem
	rc=$work/rsa/signing_cert.pem
	for h in sha256 sha512; do
		cp "$mod" "$work/sf-$h.ko"
		cp "$mod" "$work/lf-$h.ko"
		"$signfile" "$h" "$rk" "$rc" "$work/sf-$h.ko" >"$out" 2>"$err"
		check "sign-file $h signs" test $? -eq 0
		run sign --key "$rk" --cert "$rc" --hash "$h" "$work/lf-$h.ko"
		check "livefix sign $h: exit 0" test "$status" -eq 0
		check "RSA $h: livefix output is byte-identical to sign-file's" \
			cmp "$work/sf-$h.ko" "$work/lf-$h.ko"
		run verify --cert "$rc" "$work/sf-$h.ko"
		check "livefix verify accepts sign-file's $h signature" test "$status" -eq 0
	done
	# P-384 signatures are randomised: compare structure, not bytes.
	cp "$mod" "$work/sf-ec.ko"
	"$signfile" sha384 "$key" "$crt" "$work/sf-ec.ko" >"$out" 2>"$err"
	run verify --cert "$crt" "$work/sf-ec.ko"
	if [ "$status" -eq 0 ] && grep -q '^hash: sha384$' "$out"; then
		ok "livefix verify accepts sign-file's P-384 signature"
	else
		not_ok "livefix verify accepts sign-file's P-384 signature"
	fi
	# sign-file -k names the signer by subjectKeyIdentifier instead.
	cp "$mod" "$work/sf-kid.ko"
	"$signfile" -k sha256 "$key" "$crt" "$work/sf-kid.ko" >"$out" 2>"$err"
	skid=$(openssl x509 -in "$crt" -noout -ext subjectKeyIdentifier | tail -n 1 | tr -d ' :')
	run verify --cert "$crt" "$work/sf-kid.ko"
	if [ "$status" -eq 0 ] && grep -q "^keyid: $skid\$" "$out"; then
		ok "livefix verify accepts sign-file -k (signer by key id)"
	else
		not_ok "livefix verify accepts sign-file -k (signer by key id)" "want keyid $skid"
	fi
	run verify --cert "$rc" "$work/sf-kid.ko"
	expect_err 1 "signed by another key (key id $skid)" "verify: key-id signer, other certificate"
	# The detached signature of a livefix-signed module, by OpenSSL alone.
	msize=$(stat -c %s "$mod")
	ssize=$(stat -c %s "$work/s.ko")
	tail -c $((ssize - msize)) "$work/s.ko" | head -c $((ssize - msize - 40)) >"$work/sig.der"
	if openssl cms -verify -binary -inform DER -in "$work/sig.der" \
		-content "$mod" -certfile "$crt" -nointern -noverify \
		-out /dev/null >"$out" 2>"$err"; then
		ok "openssl cms -verify accepts livefix's detached signature"
	else
		not_ok "openssl cms -verify accepts livefix's detached signature"
	fi
	cp "$mod" "$work/d.ko"
	"$signfile" -d sha256 "$rk" "$rc" "$work/d.ko" >/dev/null 2>&1
	run sign --key "$rk" --cert "$rc" -o "$work/d-lf.ko" "$work/d.ko"
	dsize=$(stat -c %s "$work/d.ko.p7s")
	tail -c $((dsize + 40)) "$work/d-lf.ko" | head -c "$dsize" >"$work/d-lf.p7s"
	check "sign-file -d detached signature equals livefix's" \
		cmp "$work/d.ko.p7s" "$work/d-lf.p7s"
else
	skip "sign-file interop" "no prepared 6.12 source in $cache (run scripts/provision)"
fi

echo "1..$n"
[ "$nfail" -eq 0 ]
