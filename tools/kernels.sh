#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Resolve the Debian kernel ABIs this project supports from apt metadata, so that nothing in
# the tree names a kernel version that the archive may have moved past.
#
#   tools/kernels.sh lines           the supported kernel lines (6.1 6.12)
#   tools/kernels.sh abi LINE        e.g. 6.1.0-56-amd64, 6.12.117+deb12-amd64
#   tools/kernels.sh kdir LINE       /usr/src/linux-headers-<abi>
#   tools/kernels.sh image LINE      cache dir holding boot/vmlinuz-<abi> and lib/modules/<abi>
#   tools/kernels.sh source          cache dir holding the unpacked linux-source-6.12 tree
set -euo pipefail

VQOS_CACHE=${VQOS_CACHE:-$HOME/.cache/voiceqos}

die() { echo "kernels.sh: $*" >&2; exit 1; }

candidate() {
	apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2; exit }'
}

abi() {
	local v
	case "$1" in
	6.1)
		# The bookworm meta package always depends on the current 6.1 ABI.
		v=$(apt-cache depends linux-headers-amd64 2>/dev/null |
			sed -n 's/^ *Depends: linux-headers-\(6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -n1)
		[[ -n $v ]] || die "cannot resolve the 6.1 ABI (run apt-get update)"
		echo "$v"
		;;
	6.12)
		# linux-source-6.12 is the tree KUnit builds from: pick the headers/image of the
		# very same upload so that both halves test one kernel version.
		v=$(candidate linux-source-6.12)
		[[ -n $v && $v != "(none)" ]] || die "cannot resolve the 6.12 ABI (run apt-get update)"
		echo "${v%%-*}+deb12-amd64"
		;;
	*) die "unknown kernel line '$1' (supported: 6.1 6.12)" ;;
	esac
}

case "${1:-}" in
lines) echo "6.1 6.12" ;;
abi) abi "${2:?line}" ;;
kdir) echo "/usr/src/linux-headers-$(abi "${2:?line}")" ;;
image) echo "$VQOS_CACHE/kernels/$(abi "${2:?line}")" ;;
source) echo "$VQOS_CACHE/linux-source-$(candidate linux-source-6.12)" ;;
*) die "usage: $0 lines | abi LINE | kdir LINE | image LINE | source" ;;
esac
