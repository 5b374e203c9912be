# SPDX-License-Identifier: GPL-2.0
# Shared shell helpers for livefix scripts. Source it; it defines functions
# and a few variables and never runs anything by itself.

LF_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LF_CACHE=${LIVEFIX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/livefix}
LF_PROG=$(basename "$0")

lf_die() {
	echo "$LF_PROG: $*" >&2
	exit 1
}

lf_info() {
	[ -n "${LF_QUIET:-}" ] || echo "$LF_PROG: $*" >&2
}

# Debian versions look like 6.12.117-1~deb12u1; the ABI they ship under
# is 6.12.117+deb12-amd64. The archive is the authority: the caller checks
# that the derived packages exist.
lf_abi_from_version() {
	local upstream=${1%%-*}
	echo "${upstream}+deb12-amd64"
}

# The ABI is the installed linux-source-6.12 if there is one (that is the
# tree we build from), else the archive's candidate.
lf_default_abi() {
	local v
	if [ -n "${LIVEFIX_ABI:-}" ]; then
		echo "$LIVEFIX_ABI"
		return
	fi
	v=$(dpkg-query -W -f='${db:Status-Status} ${Version}' linux-source-6.12 2>/dev/null |
		awk '$1 == "installed" { print $2 }')
	[ -n "$v" ] || v=$(apt-cache policy linux-source-6.12 2>/dev/null |
		awk '/Candidate:/ { print $2 }')
	if [ -z "$v" ] || [ "$v" = "(none)" ]; then
		lf_die "cannot determine the target ABI: package linux-source-6.12 is not in the apt lists (run apt-get update, or set LIVEFIX_ABI)"
	fi
	lf_abi_from_version "$v"
}

lf_abi_dir() {
	echo "$LF_CACHE/$1"
}

# Where the unpacked linux-image-<ABI>-unsigned lives.
lf_image_dir() {
	echo "$LF_CACHE/$1/image"
}

lf_vmlinuz() {
	echo "$(lf_image_dir "$1")/boot/vmlinuz-$1"
}

lf_kdir() {
	echo "/usr/src/linux-headers-$1"
}
