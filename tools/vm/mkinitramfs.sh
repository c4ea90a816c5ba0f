#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the busybox initramfs used by tools/vm/run.sh for one kernel ABI.
#
#   tools/vm/mkinitramfs.sh MODROOT ABI OUT
#
# MODROOT is the unpacked image tree (the one holding lib/modules/<ABI>, depmod'ed).
# OUT is a cpio (newc, uncompressed) archive containing:
#   /init                        tools/vm/init (stage 1 and stage 2 of the guest boot)
#   /bin/busybox                 the host's busybox-static
#   /lib/vqos/*.ko + order       just the modules needed to mount the host root over
#                                virtio-9p with an overlay on top, decompressed
#                                (busybox insmod cannot load .ko.xz), with their load order
#
# The module set is computed from modules.dep/modules.builtin, not hard-coded, because it
# differs between lines (6.1: virtio_pci is a module, netfs+fscache under 9p; 6.12: virtio is
# built in, 9pnet itself needs netfs).
set -euo pipefail

die() { echo "mkinitramfs.sh: $*" >&2; exit 1; }

[[ $# -eq 3 ]] || die "usage: $0 MODROOT ABI OUT"
modroot=$1 abi=$2 out=$3
moddir=$modroot/lib/modules/$abi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

[[ -f $moddir/modules.dep ]] || die "$moddir/modules.dep missing (unpacked and depmod'ed?)"

busybox=$(command -v busybox) || die "busybox not found (apt-get install busybox-static)"
# A dynamically linked busybox would need the host's libc inside the initramfs.
if file -L "$busybox" 2>/dev/null | grep -q 'dynamically linked'; then
	die "$busybox is dynamically linked; install busybox-static"
fi

# What the guest must load before it can mount its root. Anything built in is skipped.
roots=(virtio_pci 9pnet_virtio 9p overlay)

stage=$(mktemp -d "${TMPDIR:-/tmp}/vqos-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,dev,proc,sys,lib/vqos}
cp "$busybox" "$stage/bin/busybox"
cp "$here/init" "$stage/init"
chmod 0755 "$stage/init" "$stage/bin/busybox"

# Module name as the kernel sees it: basename without .ko[.xz|.zst|.gz], '-' == '_'.
modname() {
	local b=${1##*/}
	b=${b%%.ko*}
	echo "${b//-/_}"
}

# name -> "path: deps..." from modules.dep
declare -A dep_line=()
while IFS= read -r line; do
	p=${line%%:*}
	dep_line[$(modname "$p")]=$line
done <"$moddir/modules.dep"

declare -A builtin=()
if [[ -f $moddir/modules.builtin ]]; then
	while IFS= read -r p; do builtin[$(modname "$p")]=1; done <"$moddir/modules.builtin"
fi

# modules.dep lists the full dependency closure of each module, nearest first, so
# modprobe loads the list back to front and then the module itself. Do the same and drop
# duplicates: the result is a valid load order for all roots together.
order=()
declare -A seen=()
add() {
	local path=$1 n
	n=$(modname "$path")
	[[ -n ${seen[$n]:-} ]] && return 0
	seen[$n]=1
	order+=("$path")
}
for r in "${roots[@]}"; do
	if [[ -n ${builtin[$r]:-} ]]; then
		continue
	fi
	line=${dep_line[$r]:-}
	[[ -n $line ]] || die "module $r is neither built in nor in $moddir/modules.dep"
	read -r -a deps <<<"${line#*:}"
	for ((i = ${#deps[@]} - 1; i >= 0; i--)); do add "${deps[i]}"; done
	add "${line%%:*}"
done

: >"$stage/lib/vqos/order"
for p in "${order[@]}"; do
	n=$(modname "$p")
	src=$moddir/$p
	case $p in
	*.ko) cp "$src" "$stage/lib/vqos/$n.ko" ;;
	*.ko.xz) xz -dc "$src" >"$stage/lib/vqos/$n.ko" ;;
	*.ko.zst) zstd -qdc "$src" >"$stage/lib/vqos/$n.ko" ;;
	*.ko.gz) gzip -dc "$src" >"$stage/lib/vqos/$n.ko" ;;
	*) die "unknown module format: $p" ;;
	esac
	echo "$n" >>"$stage/lib/vqos/order"
done

# /dev/console comes from the kernel's built-in initramfs (default cpio list), so the
# archive needs no device nodes and can be built without root.
mkdir -p "$(dirname "$out")"
tmp=$(mktemp "$out.XXXXXX")
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0) >"$tmp"
mv -f "$tmp" "$out"   # atomic: concurrent runs for the same ABI never see a partial file
