#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Signed fixes under module.sig_enforce=1, with the signing key trusted
# the way users trust one: through the firmware, on the stock kernel.
#
# A test key is enrolled into the UEFI db of a fresh OVMF variable store
# from a first boot (the firmware is in setup mode, see
# scripts/efi-db-entry). The next boot's kernel loads it into the
# .platform keyring, and with module.sig_enforce=1 it must refuse an
# unsigned fix, one signed with another key and a signed one with a byte
# flipped, and load the fix signed with the enrolled key without tainting,
# also under livefix.ko's require_signed=1.
# The guest side is sig_enforce.guest.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/scripts/lib.sh"
. "$(dirname "$0")/lib.sh"
livefix="$root/tools/livefix/livefix"
guest="$root/selftests/harness/sig_enforce.guest"
work="$root/out/sig"
fix="$root/selftests/fixes/01-body/fix.patch"

echo "TAP version 13"
rm -rf "$work"
mkdir -p "$work"/{keys,unsigned,trusted,untrusted,flipped}

quiet() {	# DESC COMMAND...: a setup step; its output only on failure
	local desc=$1 out
	shift
	out=$("$@" 2>&1)
	local rc=$?
	[ $rc -eq 0 ] || sed 's/^/# /' <<<"$out"
	check $rc "$desc"
	return $rc
}

setup() {
	quiet "keygen: the key to trust" "$livefix" keygen \
		--subject "livefix selftest trusted" --out "$work/keys/trusted" || return 1
	quiet "keygen: a key nobody trusts" "$livefix" keygen \
		--subject "livefix selftest untrusted" --out "$work/keys/untrusted" || return 1
	quiet "the fix builds" "$livefix" build -n lf_sig_fix \
		-o "$work/unsigned/lf_sig_fix.ko" "$fix" || return 1
	quiet "sign with the trusted key" "$livefix" sign \
		--key "$work/keys/trusted/signing_key.pem" --cert "$work/keys/trusted/signing_cert.pem" \
		-o "$work/trusted/lf_sig_fix.ko" "$work/unsigned/lf_sig_fix.ko" || return 1
	quiet "sign with the untrusted key" "$livefix" sign \
		--key "$work/keys/untrusted/signing_key.pem" --cert "$work/keys/untrusted/signing_cert.pem" \
		-o "$work/untrusted/lf_sig_fix.ko" "$work/unsigned/lf_sig_fix.ko" || return 1
	cp "$root/kmod/core/livefix.ko" "$work/livefix-unsigned.ko"
	quiet "sign livefix.ko with the trusted key" "$livefix" sign \
		--key "$work/keys/trusted/signing_key.pem" --cert "$work/keys/trusted/signing_cert.pem" \
		-o "$work/livefix.ko" "$work/livefix-unsigned.ko" || return 1
	# One byte of the signed contents (not of the signature) flipped.
	cp "$work/trusted/lf_sig_fix.ko" "$work/flipped/lf_sig_fix.ko"
	perl -0777 -pi -e 'substr($_, 1000, 1) ^= "\x01"' "$work/flipped/lf_sig_fix.ko"
	cmp -s "$work/trusted/lf_sig_fix.ko" "$work/flipped/lf_sig_fix.ko"
	check $((!$?)) "the flipped copy differs"
	! "$livefix" verify --cert "$work/keys/trusted/signing_cert.pem" "$work/flipped/lf_sig_fix.ko" >/dev/null 2>&1
	check $? "livefix verify refuses the flipped copy offline"
	quiet "the db entry for the trusted certificate" \
		"$root/scripts/efi-db-entry" "$work/keys/trusted/signing_cert.der" "$work/db.var"
}

# boot DESC EXPECTED VM-RUN-OPTION... -- GUEST-ARGS: one guest run; its
# @ok/@fail lines become checks, and it must report EXPECTED of them.
boot() {
	local desc=$1 expected=$2 log rc got=0 line
	shift 2
	log=$("$root/scripts/vm-run" --uefi "$work/OVMF_VARS.fd" "$@" 2>&1)
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		"@ok "*) check 0 "$desc: ${line#@ok }"; got=$((got + 1)) ;;
		"@fail "*) check 1 "$desc: ${line#@fail }"; got=$((got + 1)) ;;
		*) echo "# $line" ;;
		esac
	done <<<"$log"
	check $rc "$desc: the guest run ends cleanly (exit $rc)"
	[ "$got" -eq "$expected" ]
	check $? "$desc: $got of $expected guest checks reported"
}

if setup; then
	boot "enroll" 5 --timeout 180 -- "$guest" enroll "$work"
	boot "sig_enforce" 25 --timeout 300 --append module.sig_enforce=1 \
		-- "$guest" check "$work"
fi
tap_done
