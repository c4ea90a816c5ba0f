#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cross-build voiceqos.ko for the CPU families of OpenWrt routers, against Debian's
# linux-source-6.12 (`tools/kernels.sh source`, unpacked by tools/deps.sh) configured per
# architecture:
#
#   arm64   ARCH=arm64  defconfig            aarch64-linux-gnu-     (filogic, ipq807x...)
#   armhf   ARCH=arm    multi_v7_defconfig   arm-linux-gnueabihf-   32-bit, SMP (ipq40xx...)
#   mips    ARCH=mips   ath79_defconfig      mips-linux-gnu-        32-bit big-endian, UP
#   mipsel  ARCH=mips   malta_defconfig      mipsel-linux-gnu-      32-bit little-endian, SMP
#
#   tools/cross.sh [-j N] [ARCH...]      default: all four
#   tools/cross.sh --canary [ARCH...]    self-test: a planted 64-bit division and W=1
#                                        warning must be reported (32-bit arches)
#   tools/cross.sh --vmlinux [ARCH...]   also build vmlinux (tree kernel-vmlinux, ~10 min
#                                        per arch for mips, far more for arm64's defconfig)
#                                        so that modpost checks the imports against the
#                                        real export list; not run by make check
#
# Per architecture, in $VQOS_CACHE/cross/<arch>/kernel (O= build, the source tree is never
# written to): defconfig, the fragment below merged in, olddefconfig, every fragment option
# checked to have survived, `make modules_prepare`. A stamp file records a hash of the
# source version, the defconfig name, the fragment and the cross compiler's version; the
# tree is redone only when that hash changes.
#
# Then the module is built W=1 out of tree (`make modules`, build/cross/<arch>/) and
#   - any compiler or kbuild warning fails the arch;
#   - undefined symbols are checked here, not by modpost: without a vmlinux (and building
#     one per arch costs many minutes) modpost has no export list and skips the check
#     (it stops at "Module.symvers is missing"; KBUILD_MODPOST_WARN=1 turns its
#     "undefined!" errors into warnings, which are ignored). Every symbol `nm -u` lists must be exported by
#     this kernel version: by amd64's Module.symvers of the same 6.12 upload (the generic
#     kernel), or by an EXPORT_SYMBOL* in arch/<srcarch>/ or the core directories (kernel/,
#     mm/, lib/, net/...) of the source. Compiler
#     runtime helpers that the kernel does not provide (64-bit division __udivdi3,
#     __aeabi_uldivmod..., soft-float) fail with a hint even if some other arch exports
#     them. What this cannot see: an export that exists but is compiled out by this
#     arch's config; the amd64 VM tests load the module against a real kernel for that.
#
# Prints `ok - cross ARCH` / `not ok - cross ARCH: reason` per arch; exit 1 if any failed.
# Logs: build/cross/<arch>.log (module build), $VQOS_CACHE/cross/<arch>/prepare.log.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export VQOS_CACHE=${VQOS_CACHE:-$HOME/.cache/voiceqos}
JOBS=$(nproc)
ALL=(arm64 armhf mips mipsel)

usage() { echo "usage: $0 [--canary | --vmlinux] [-j N] [${ALL[*]}]..." >&2; exit 2; }

arches=()
canary=0
KTREE=kernel
while (($#)); do
	case $1 in
	--canary) canary=1 ;;
	--vmlinux) KTREE=kernel-vmlinux ;;
	-j) JOBS=${2:?}; shift ;;
	-j*) JOBS=${1#-j} ;;
	arm64 | armhf | mips | mipsel) arches+=("$1") ;;
	*) usage ;;
	esac
	shift
done
((${#arches[@]})) || arches=("${ALL[@]}")
[[ $canary == 1 && $KTREE == kernel-vmlinux ]] && usage

# What the module needs (kmod/Kconfig: NETFILTER, INET, IPV6; /proc/net/voiceqos), plus
# module loading itself. GCC plugins are off: they need the cross gcc's plugin headers,
# which Debian does not ship, and change nothing the module relies on. WERROR is left to
# this script (it greps the log) so that a warning is reported as such, not as an error.
FRAGMENT='CONFIG_MODULES=y
CONFIG_MODULE_UNLOAD=y
CONFIG_NET=y
CONFIG_INET=y
CONFIG_IPV6=y
CONFIG_NETFILTER=y
CONFIG_NETFILTER_ADVANCED=y
CONFIG_PROC_FS=y
# CONFIG_GCC_PLUGINS is not set
# CONFIG_WERROR is not set
# CONFIG_MODVERSIONS is not set
# CONFIG_DEBUG_INFO_BTF is not set'

# arch_setup ARCH: sets KARCH, SRCARCH, CROSS, DEFCONFIG, EXTRA (a fragment of its own).
arch_setup() {
	EXTRA=
	case $1 in
	arm64)
		KARCH=arm64 SRCARCH=arm64 CROSS=aarch64-linux-gnu- DEFCONFIG=defconfig
		;;
	armhf)
		KARCH=arm SRCARCH=arm CROSS=arm-linux-gnueabihf- DEFCONFIG=multi_v7_defconfig
		EXTRA='CONFIG_SMP=y
CONFIG_AEABI=y'
		;;
	mips)
		# ath79: the 24Kc big-endian SoCs most OpenWrt MIPS routers use; uniprocessor.
		KARCH=mips SRCARCH=mips CROSS=mips-linux-gnu- DEFCONFIG=ath79_defconfig
		EXTRA='CONFIG_CPU_BIG_ENDIAN=y
CONFIG_32BIT=y'
		;;
	mipsel)
		# malta 32r2 little-endian with SMP, the closest in-tree config to the
		# ramips mt7621 (1004Kc, MIPS MT SMP) routers.
		KARCH=mips SRCARCH=mips CROSS=mipsel-linux-gnu- DEFCONFIG=malta_defconfig
		EXTRA='CONFIG_CPU_LITTLE_ENDIAN=y
CONFIG_32BIT=y
CONFIG_CPU_MIPS32_R2=y
CONFIG_MIPS_MT_SMP=y
CONFIG_SMP=y'
		;;
	esac
}

# Compiler runtime helpers that no kernel we target exports to modules: their presence
# means a C operator the 32-bit compiler could not inline (64-bit / and %, float).
HELPER_RE='^(__(u?div|u?mod|udivmod|divmod)[dt]i[34]|__aeabi_u?ldivmod|__aeabi_[fd](add|sub|mul|div|cmp.*|2.*)|__aeabi_[ui]?[lf]2[fd]|__(add|sub|mul|div|neg|fix|fixuns|float|floatun|extend|trunc|eq|ne|lt|le|gt|ge|unord|cmp)[sdt]f[0-9]*.*|__popcount[sd]i2|__ffsdi2|__clzdi2|__ctzdi2)$'

hint() {
	case $1 in
	*div* | *mod*) echo "64-bit division: use div_u64/div64_u64/do_div" ;;
	__aeabi_[fd]* | *sf* | *df* | *tf*) echo "floating point in the kernel" ;;
	*) echo "compiler runtime helper not exported by the kernel" ;;
	esac
}

fail_count=0
say() { echo "cross: $*" >&2; }
report_ok() { echo "ok - cross $1${2:+ ($2)}"; }
report_fail() { echo "not ok - cross $1: $2"; fail_count=$((fail_count + 1)); }

src=$("$REPO/tools/kernels.sh" source 2>/dev/null) || src=
if [[ -z $src || ! -f $src/Makefile ]]; then
	for a in "${arches[@]}"; do
		report_fail "$a" "no linux-source-6.12 tree at '${src:-?}' (run tools/deps.sh)"
	done
	exit 1
fi
version=${src##*/linux-source-}

# One run at a time: two would share the kernel trees and build/cross/.
mkdir -p "$VQOS_CACHE/cross"
exec 9>"$VQOS_CACHE/cross/.lock"
flock 9
abi612=$("$REPO/tools/kernels.sh" abi 6.12 2>/dev/null) || abi612=
symvers=/usr/src/linux-headers-$abi612/Module.symvers

# Where the core kernel's exports live; some are arch- or config-dependent there too, e.g.
# kernel/panic.c's warn_slowpath_fmt exists only where the arch has no __WARN_FLAGS
# (mips, 32-bit arm), so amd64's Module.symvers alone is not enough.
EXPORT_DIRS=(kernel mm lib net fs block crypto security init ipc)

# The allowed export lists for SRCARCH: $out (exact names) and $out.glob (exports built
# by token pasting, e.g. lib/atomic64.c's EXPORT_SYMBOL(generic_atomic64_##op), as shell
# patterns: generic_atomic64_*).
exports_for() {
	local srcarch=$1 out=$2
	{
		[[ -f $symvers ]] && awk '{ print $2 }' "$symvers"
		grep -rhoE --include='*.[chS]' \
			'EXPORT_SYMBOL(_GPL|_NS|_NS_GPL)?\([^)]*\)' "$src/arch/$srcarch" \
			"${EXPORT_DIRS[@]/#/$src/}" |
			sed -E 's/^[^(]*\(//; s/[),].*//; s/[[:space:]]//g; s/##[A-Za-z0-9_]*(##)?/*/g'
	} | grep -E '^[A-Za-z_*][A-Za-z0-9_*]*$' | sort -u >"$out.all"
	grep -v '[*]' "$out.all" >"$out"
	grep '[*]' "$out.all" >"$out.glob" || true
	rm -f "$out.all"
}

# exported SYM EXPORTS: is SYM in the exact list or matched by a pattern?
exported() {
	local pat
	grep -qxF "$1" "$2" && return 0
	while IFS= read -r pat; do
		# shellcheck disable=SC2053 # a pattern, deliberately unquoted
		[[ $1 == $pat ]] && return 0
	done <"$2.glob"
	return 1
}

# prepare ARCH: configure and modules_prepare the tree unless the stamp matches.
prepare() {
	local arch=$1 dir=$VQOS_CACHE/cross/$1 obj hash frag sym want t0 vml=
	[[ $KTREE == kernel-vmlinux ]] && vml=1
	obj=$dir/$KTREE
	mkdir -p "$dir"
	hash=$({
		echo "$version $KARCH $DEFCONFIG $KTREE"
		printf '%s\n%s\n' "$FRAGMENT" "$EXTRA"
		"${CROSS}gcc" --version | head -n1
	} | sha256sum | cut -d' ' -f1)
	if [[ -f $obj/.vqos-stamp && $(cat "$obj/.vqos-stamp") == "$hash" &&
		-f $obj/include/generated/utsrelease.h ]]; then
		say "$arch: kernel tree cached ($obj)"
		return 0
	fi
	say "$arch: configuring $DEFCONFIG + fragment, modules_prepare${vml:+, vmlinux (many minutes)}"
	t0=$SECONDS
	rm -rf "$obj"
	mkdir -p "$obj"
	frag=$dir/fragment.config
	printf '%s\n%s\n' "$FRAGMENT" "$EXTRA" >"$frag"
	local mk=(make -C "$src" O="$obj" ARCH="$KARCH" CROSS_COMPILE="$CROSS" -j"$JOBS")
	{
		"${mk[@]}" "$DEFCONFIG" &&
			"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$frag" &&
			"${mk[@]}" olddefconfig
	} >"$dir/prepare.log" 2>&1 ||
		{ PREP_ERR="configuration failed (see $dir/prepare.log)"; return 1; }
	# Every option of the fragment must have survived olddefconfig (a dependency the
	# defconfig lacks would silently drop it).
	while IFS= read -r sym; do
		case $sym in
		CONFIG_*=*) want=$sym ;;
		"# CONFIG_"*" is not set") want=$sym ;;
		*) continue ;;
		esac
		if [[ $want == CONFIG_* ]]; then
			grep -qxF "$want" "$obj/.config" && continue
		else
			want=${want#\# }
			want=${want%% *}
			grep -q "^$want=" "$obj/.config" || continue
		fi
		PREP_ERR="$DEFCONFIG: '$sym' did not survive olddefconfig"
		return 1
	done <"$frag"
	"${mk[@]}" modules_prepare >>"$dir/prepare.log" 2>&1 ||
		{ PREP_ERR="modules_prepare failed: $(grep -m1 -E 'error|Error' "$dir/prepare.log")"; return 1; }
	# --vmlinux: the real export list, so that modpost checks the imports itself.
	if [[ -n $vml ]]; then
		if ! "${mk[@]}" vmlinux >>"$dir/prepare.log" 2>&1; then
			PREP_ERR="vmlinux failed: $(grep -m1 -E 'error|Error' "$dir/prepare.log")"
			return 1
		fi
		cp "$obj/vmlinux.symvers" "$obj/Module.symvers"
	fi
	echo "$hash" >"$obj/.vqos-stamp"
	say "$arch: kernel tree ready in $((SECONDS - t0)) s"
}

# check_build ARCH KO LOG: the warnings and undefined symbols of a module build; sets
# PROBLEM to the reason (empty if none) and NIMPORTS.
check_build() {
	local arch=$1 ko=$2 log=$3 warnings exports sym bad=()
	PROBLEM=
	# modpost knows no export without a vmlinux: its "Module.symvers is missing" notice
	# and its "undefined!" lines (warnings thanks to KBUILD_MODPOST_WARN) are expected and
	# replaced by the check below; anything else that looks like a warning is one.
	warnings=$(grep -E '(^|: )warning:|WARNING:' "$log" |
		grep -vE '^WARNING: Module.symvers is missing|^WARNING: modpost: .*undefined!$|^WARNING: modpost: suppressed [0-9]+ unresolved symbol warnings' |
		sort -u)
	exports=$VQOS_CACHE/cross/exports-$SRCARCH-$version.txt
	[[ -f $exports && -f $exports.glob ]] || exports_for "$SRCARCH" "$exports"
	while read -r _ sym; do
		if [[ $sym =~ $HELPER_RE ]]; then
			bad+=("$sym ($(hint "$sym"))")
		elif ! exported "$sym" "$exports"; then
			bad+=("$sym (not exported by $version for $SRCARCH)")
		fi
	done < <("${CROSS}nm" -u "$ko")
	NIMPORTS=$("${CROSS}nm" -u "$ko" | wc -l)
	if [[ -n $warnings ]]; then
		echo "$warnings" >&2
		PROBLEM="$(wc -l <<<"$warnings") warning(s), first: $(head -n1 <<<"$warnings")"
	fi
	if ((${#bad[@]})); then
		printf 'cross: %s: undefined %s\n' "$arch" "${bad[@]}" >&2
		PROBLEM+="${PROBLEM:+; }undefined symbol(s): ${bad[*]}"
	fi
	return 0
}

# build_module ARCH BUILD_DIR LOG [CANARY_SRC]: a W=1 out-of-tree build, with the top
# Makefile's `modules` target (which copies Kbuild, kmod/ and include/ into BUILD_DIR), or
# of the canary's sources copied there.
build_module() {
	local obj=$VQOS_CACHE/cross/$1/$KTREE
	local kb=(ARCH="$KARCH" CROSS_COMPILE="$CROSS" W=1 -j"$JOBS")
	# With a real Module.symvers (--vmlinux) modpost's "undefined!" stays an error.
	[[ -f $obj/Module.symvers ]] || kb+=(KBUILD_MODPOST_WARN=1)
	# A clean module build every time: W=1 warnings are printed only when a file is
	# compiled, so an incremental build could hide one.
	rm -rf "$2"
	if [[ -n ${4:-} ]]; then
		cp -a "$4" "$2" && make -C "$obj" M="$2" "${kb[@]}" modules >"$3" 2>&1
	else
		make -C "$REPO" --no-print-directory modules KDIR="$obj" BUILD_DIR="$2" \
			"${kb[@]}" >"$3" 2>&1
	fi
}

# The canary: a module with the two mistakes this script exists to catch, a plain 64-bit
# division and a function without a prototype (W=1). On the 32-bit arches both must be
# reported (on arm64 only the warning), or the checks above have gone blind.
write_canary() {
	mkdir -p "$1/kmod"
	echo 'obj-m += kmod/' >"$1/Kbuild"
	echo 'obj-m += vqos_canary.o' >"$1/kmod/Kbuild"
	cat >"$1/kmod/vqos_canary.c" <<-'EOF'
	// SPDX-License-Identifier: GPL-2.0
	#include <linux/module.h>
	static volatile u64 vqos_canary_num = 1000000007ULL;
	static volatile u32 vqos_canary_den = 3;
	int vqos_canary_noproto(void)
	{
		return 0;
	}
	static int __init vqos_canary_init(void)
	{
		return (int)(vqos_canary_num / vqos_canary_den) & 1;
	}
	module_init(vqos_canary_init);
	MODULE_LICENSE("GPL");
	EOF
}

for arch in "${arches[@]}"; do
	t0=$SECONDS
	arch_setup "$arch"
	if ! command -v "${CROSS}gcc" >/dev/null; then
		report_fail "$arch" "${CROSS}gcc not installed (run tools/deps.sh)"
		continue
	fi
	PREP_ERR=
	if ! prepare "$arch"; then
		report_fail "$arch" "$PREP_ERR"
		continue
	fi
	mkdir -p "$REPO/build/cross"
	if ((canary)); then
		cdir=$REPO/build/cross/canary-src
		write_canary "$cdir"
		bdir=$REPO/build/cross/canary-$arch
		log=$REPO/build/cross/canary-$arch.log
		ko=$bdir/kmod/vqos_canary.ko
		build_module "$arch" "$bdir" "$log" "$cdir"
		if [[ ! -f $ko ]]; then
			report_fail "canary $arch" "did not build: $(grep -m1 -E 'error|Error' "$log")"
			continue
		fi
		check_build "$arch" "$ko" "$log" 2>/dev/null
		# arm64 divides 64-bit numbers in hardware: there the division must pass.
		if [[ $arch == arm64 && $PROBLEM == *vqos_canary_noproto* &&
			$PROBLEM != *undefined* ]]; then
			report_ok "canary $arch" "planted warning caught, native 64-bit division passes"
		elif [[ $arch != arm64 && $PROBLEM == *vqos_canary_noproto* &&
			$PROBLEM == *"64-bit division"* ]]; then
			report_ok "canary $arch" "planted warning and 64-bit division both caught"
		else
			report_fail "canary $arch" "planted mistakes not both caught: '${PROBLEM:-nothing}'"
		fi
		continue
	fi
	bdir=$REPO/build/cross/$arch
	log=$REPO/build/cross/$arch.log
	ko=$bdir/kmod/voiceqos.ko
	if ! build_module "$arch" "$bdir" "$log" || [[ ! -f $ko ]]; then
		report_fail "$arch" "build failed: $(grep -m1 -E 'error|Error' "$log" || tail -n1 "$log")"
		continue
	fi
	check_build "$arch" "$ko" "$log"
	if [[ -n $PROBLEM ]]; then
		report_fail "$arch" "$PROBLEM"
		continue
	fi
	# The module really is for this arch (a host build would pass everything above).
	machine=$(readelf -h "$ko" | sed -n 's/^ *Machine: *//p')
	endian=$(readelf -h "$ko" | sed -n 's/^ *Data: *//p')
	report_ok "$arch" "$machine, ${endian#*, }, $NIMPORTS imports resolved, $((SECONDS - t0)) s"
done

((fail_count == 0))
