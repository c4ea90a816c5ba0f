#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything voiceqos needs on Debian 12 (bookworm + bookworm-security; the 6.12
# kernels come from bookworm-security) and fill the artefact cache ($VQOS_CACHE):
#   - host packages (toolchain, sparse, qemu, busybox, traffic tools, libmnl...)
#   - linux-headers for the 6.1 and the 6.12 line (ABIs resolved by tools/kernels.sh)
#   - linux-source-6.12, unpacked once into `tools/kernels.sh source` (checkpatch, KUnit)
#   - both linux-image .debs unpacked into `tools/kernels.sh image LINE`, depmod'ed
#
# Idempotent and non-interactive: everything is checked first, so a second run only reads
# dpkg's status and the cache, and changes nothing. Runs as root (CI and dev machines are).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
KERNELS=tools/kernels.sh
export VQOS_CACHE=${VQOS_CACHE:-$HOME/.cache/voiceqos}
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(
	build-essential bc bison flex libelf-dev libssl-dev sparse
	qemu-system-x86 busybox-static cpio kmod xz-utils zstd
	libmnl-dev pkg-config iproute2 iperf3 tcpdump util-linux procps psmisc python3
	jq valgrind nftables
	linux-source-6.12
	libosip2-dev libinih-dev libpcap-dev libnl-route-3-dev sip-tester tshark
	gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-mips-linux-gnu gcc-mipsel-linux-gnu
	libc6-dev-mips-cross qemu-user musl-tools shellcheck
	clang gnuplot-nox dkms python3-jsonschema python3-prometheus-client
	mandoc man-db strace systemd
)

say() { echo "deps: $*"; }
die() { echo "deps: $*" >&2; exit 1; }

SUDO=
if [[ $(id -u) != 0 ]]; then
	command -v sudo >/dev/null || die "must run as root (or have sudo)"
	SUDO=sudo
fi

# Another apt/dpkg run may hold the locks (e.g. a background install on a fresh machine):
# wait for it instead of failing. DPkg::Lock::Timeout covers the dpkg frontend lock.
APT=($SUDO apt-get -q -y -o DPkg::Lock::Timeout=1800 -o Acquire::Retries=3)

wait_apt_locks() {
	local t=0
	while $SUDO fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock \
		/var/lib/apt/lists/lock /var/cache/apt/archives/lock >/dev/null 2>&1; do
		((t % 30 == 0)) && say "waiting for another apt/dpkg process to finish..."
		sleep 2
		t=$((t + 2))
		((t < 1800)) || die "apt/dpkg still locked after 30 min"
	done
}

UPDATED=0
apt_update() {
	((UPDATED)) && return 0
	wait_apt_locks
	say "apt-get update"
	"${APT[@]}" update >/dev/null
	UPDATED=1
}

# The package lists are needed before anything can be resolved; a fresh image may have none.
if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
	apt_update
fi

resolve_abis() {
	ABI61=$("$KERNELS" abi 6.1 2>/dev/null) && ABI612=$("$KERNELS" abi 6.12 2>/dev/null)
}

# Returns non-zero if apt-get install fails, so the caller can refresh the lists: stale
# lists mean 404s, unknown packages, or an ABI the archive has already moved past.
install_missing() {
	local p missing=()
	if ! resolve_abis; then
		((UPDATED)) && die "cannot resolve kernel ABIs from apt metadata (see $KERNELS)"
		return 1
	fi
	say "kernels: 6.1 -> $ABI61, 6.12 -> $ABI612"
	for p in "${PACKAGES[@]}" "linux-headers-$ABI61" "linux-headers-$ABI612"; do
		if [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) != installed ]]; then
			missing+=("$p")
		fi
	done
	if ((${#missing[@]} == 0)); then
		say "packages: all $((${#PACKAGES[@]} + 2)) installed"
		return 0
	fi
	say "installing: ${missing[*]}"
	wait_apt_locks
	"${APT[@]}" install --no-install-recommends "${missing[@]}"
}

if ! install_missing; then
	((UPDATED)) && die "apt-get install failed"
	apt_update
	install_missing || die "apt-get install failed"
fi

mkdir -p "$VQOS_CACHE"

# Kernel images for the VM tests: the generic Debian kernel of each line, unpacked (not
# installed) with depmod run on the host, so the harness can give the guest a
# /lib/modules/<abi> whose modules (.ko on 6.1, .ko.xz on 6.12) modprobe can resolve.
# Unpacked into a temporary dir and renamed at the end, so an interrupted run never leaves
# a tree that looks complete.
for line in 6.1 6.12; do
	abi=$("$KERNELS" abi "$line")
	dir=$("$KERNELS" image "$line")
	if [[ -f $dir/boot/vmlinuz-$abi && -s $dir/lib/modules/$abi/modules.dep ]]; then
		say "image $abi: cached"
		continue
	fi
	dl=$(dirname "$dir")/.dl
	mkdir -p "$dl"
	tmp=$(mktemp -d "$dl/tmp-$abi.XXXXXX")
	# The signed and unsigned images carry the same vmlinuz/modules; take what exists.
	pkg=
	for p in "linux-image-$abi" "linux-image-$abi-unsigned"; do
		if apt-cache show "$p" >/dev/null 2>&1; then pkg=$p; break; fi
	done
	[[ -n $pkg ]] || { apt_update; pkg=linux-image-$abi; }
	say "image $abi: downloading $pkg"
	if ! (cd "$tmp" && apt-get -q -o APT::Sandbox::User=root download "$pkg" >/dev/null); then
		apt_update
		(cd "$tmp" && apt-get -q -o APT::Sandbox::User=root download "$pkg" >/dev/null)
	fi
	say "image $abi: unpacking"
	dpkg-deb -x "$tmp"/"$pkg"_*.deb "$tmp/root"
	depmod -b "$tmp/root" "$abi"
	rm -rf "$dir"
	mv "$tmp/root" "$dir"
	rm -rf "$tmp"
	rmdir "$dl" 2>/dev/null || true
	say "image $abi: ready in $dir"
done

# The Debian source tree (same upload as the 6.12 headers/image) for checkpatch and KUnit.
src=$("$KERNELS" source)
if [[ -f $src/scripts/checkpatch.pl && -f $src/Makefile ]]; then
	say "linux-source: cached"
else
	tarball=$(compgen -G '/usr/src/linux-source-6.12.tar.*' | head -n1) ||
		die "linux-source-6.12 is installed but its tarball is missing"
	say "linux-source: unpacking $tarball (takes a minute)"
	tmp=$(mktemp -d "$VQOS_CACHE/.tmp-source.XXXXXX")
	tar -xf "$tarball" -C "$tmp"
	rm -rf "$src"
	mv "$tmp"/linux-source-6.12 "$src"
	rm -rf "$tmp"
	rmdir "$dl" 2>/dev/null || true
	say "linux-source: ready in $src"
fi

say "done"
