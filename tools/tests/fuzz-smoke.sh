#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# A short, fixed-count run of every libFuzzer target in FUZZ-DIR, seeded
# with the test fixtures. A crash, leak or sanitizer report fails it.
# Long runs: doc/signing.md, "Fuzzing".
#
#   fuzz-smoke.sh FUZZ-DIR FIXTURE-DIR LIVEFIX-BINARY [RUNS]

set -u
dir=$(cd "$1" && pwd) || exit 1
fixtures=$2
bin=$3
runs=${4:-20000}
n=0
nfail=0
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

echo "TAP version 13"
mkdir -p "$work/seed"
for f in "$fixtures"/*.ko; do
	[ -f "$f" ] && cp "$f" "$work/seed/"
done
# A signed module too, so the signature target starts past the framing.
if [ -x "$bin" ] &&
   "$bin" keygen --type p384 --out "$work/k" >/dev/null 2>&1 &&
   [ -f "$work/seed/lf-good.ko" ]; then
	"$bin" sign --key "$work/k/signing_key.pem" \
		--cert "$work/k/signing_cert.pem" -o "$work/seed/signed.ko" \
		"$work/seed/lf-good.ko" >/dev/null 2>&1
	export LF_FUZZ_CERT="$work/k/signing_cert.pem"
fi
# Inputs that once crashed a target run first, as part of the seed.
here=$(cd "$(dirname "$0")" && pwd)
cp "$here"/../fuzz/regress/* "$work/seed/" 2>/dev/null
for t in "$dir"/fuzz-*; do
	case $t in *.d|*.o) continue ;; esac
	[ -x "$t" ] || continue
	name=$(basename "$t")
	mkdir -p "$work/corpus-$name"
	if (cd "$work" && "$t" -runs="$runs" -seed=1 -max_len=65536 \
		"corpus-$name" seed) >"$work/log" 2>&1; then
		n=$((n + 1))
		echo "ok $n - $name: $runs runs, no crash"
	else
		n=$((n + 1))
		nfail=$((nfail + 1))
		echo "not ok $n - $name: crashed"
		tail -n 30 "$work/log" | sed 's/^/# /'
	fi
done
if [ "$n" -eq 0 ]; then
	n=1
	nfail=1
	echo "not ok 1 - no fuzz targets in $dir"
fi
echo "1..$n"
[ "$nfail" -eq 0 ]
