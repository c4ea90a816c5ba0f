#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a command as root inside a throw-away qemu guest booting Debian's generic amd64
# kernel of one supported line. See Documentation/testing-vm.md.
#
#   tools/vm/run.sh [--line 6.1|6.12] [--module PATH.ko] [--timeout SEC] [--mem SIZE]
#                   [--smp N] [--keep-log DIR] [-v] -- CMD [ARGS...]
#
# The guest sees the host's / read-only over virtio-9p with a tmpfs overlay on top, so
# every host tool and the repo (at its host path) exist in it; writes are lost at power-off.
# CMD runs in the host's current directory with a clean environment:
#   PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
#   VQOS_LINE, VQOS_ABI, VQOS_MODULE (absolute path of --module or empty; the harness never
#   loads it, tests decide when), VQOS_RESULT=/dev/ttyS1, plus the caller's other VQOS_*.
# Lines written to VQOS_RESULT are copied to run.sh's stdout; CMD's own stdout/stderr go to
# the guest console (the console log; -v streams it to stderr).
#
# Exit status: CMD's exit status, if the kernel stayed healthy. Otherwise non-zero:
#   1   kernel WARNING/BUG/Oops/panic/GPF/KASAN on the console, or no exit status came back
#   124 wall-clock timeout (qemu killed)
#   2   usage or setup error on the host
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
VQOS_CACHE=${VQOS_CACHE:-$HOME/.cache/voiceqos}

line=6.1
module=
timeout=600
mem=2G
smp=2
keep_log=
verbose=0

usage() {
	sed -n '7,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,3\}//' >&2
	exit 2
}
die() { echo "vm: $*" >&2; exit 2; }

while [[ $# -gt 0 ]]; do
	case $1 in
	--line) line=${2:?--line needs a value}; shift 2 ;;
	--module) module=${2:?--module needs a value}; shift 2 ;;
	--timeout) timeout=${2:?--timeout needs a value}; shift 2 ;;
	--mem) mem=${2:?--mem needs a value}; shift 2 ;;
	--smp) smp=${2:?--smp needs a value}; shift 2 ;;
	--keep-log) keep_log=${2:?--keep-log needs a value}; shift 2 ;;
	-v | --verbose) verbose=1; shift ;;
	-h | --help) usage ;;
	--) shift; break ;;
	*) echo "vm: unknown option '$1'" >&2; usage ;;
	esac
done
[[ $# -gt 0 ]] || { echo "vm: no command given after --" >&2; usage; }
[[ $timeout =~ ^[0-9]+$ ]] || die "--timeout wants whole seconds"

# One kernels.sh call (each costs ~0.5 s of apt-cache); the ABI is the name of the single
# lib/modules/ directory of the unpacked image.
imgdir=$("$repo/tools/kernels.sh" image "$line") || exit 2
abi=
for d in "$imgdir"/lib/modules/*/; do
	[[ -f $d/modules.dep ]] && abi=$(basename "$d")
done
[[ -n $abi ]] || die "no depmod'ed kernel unpacked in $imgdir (run tools/deps.sh)"
kernel=$imgdir/boot/vmlinuz-$abi
moddir=$imgdir/lib/modules/$abi
[[ -f $kernel ]] || die "$kernel missing (run tools/deps.sh)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (run tools/deps.sh)"

cwd=$(pwd -P)
if [[ -n $module ]]; then
	module=$(realpath -e -- "$module") || die "module not found: $module"
	# Catch a module built for the other line here, not as a cryptic insmod error later.
	if command -v modinfo >/dev/null; then
		vermagic=$(modinfo -F vermagic "$module" 2>/dev/null || true)
		[[ -z $vermagic || ${vermagic%% *} == "$abi" ]] ||
			die "$module is built for ${vermagic%% *}, not $abi (line $line)"
	fi
fi

# The initramfs only depends on the ABI, the init script, its builder and busybox: key the
# cached copy by all of them so that editing tools/vm/init rebuilds it automatically.
busybox=$(command -v busybox) || die "busybox missing (run tools/deps.sh)"
key=$(cat "$here/init" "$here/mkinitramfs.sh" "$busybox" | sha256sum | cut -c1-16)
vmcache=$VQOS_CACHE/vm/$abi
initramfs=$vmcache/initramfs-$key.cpio
if [[ ! -s $initramfs ]]; then
	"$here/mkinitramfs.sh" "$imgdir" "$abi" "$initramfs" || die "initramfs build failed"
	# Drop archives of older init scripts (after a grace period, for runs still starting).
	find "$vmcache" -maxdepth 1 -name 'initramfs-*.cpio' ! -name "${initramfs##*/}" \
		-mmin +10 -delete 2>/dev/null || true
fi

# Boot the uncompressed ELF vmlinux through its PVH entry point when we can: it skips the
# firmware's bzImage path and the in-guest decompression, which under TCG costs ~2.3 s
# for 6.1 (xz) and ~0.6 s for 6.12 (zstd) per boot. Extracted once into the cache; any
# doubt (no PVH note, truncated ELF, tools missing) falls back to the vmlinuz.
extract_vmlinux() {
	local src=$1 out=$2 off tmp shoff shsize shnum
	tmp=$(mktemp "$out.XXXXXX") || return 1
	# The payload is the first xz or zstd stream in the bzImage. Decompressors complain
	# about the bytes that follow it; the ELF checks below decide instead.
	if off=$(LC_ALL=C grep -obUaP -m1 '\xfd7zXZ\x00' "$src" | head -n 1 | cut -d: -f1) &&
		[[ -n $off ]]; then
		tail -c +$((off + 1)) "$src" | xz -dcq >"$tmp" 2>/dev/null
	elif off=$(LC_ALL=C grep -obUaP -m1 '\x28\xb5\x2f\xfd' "$src" | head -n 1 | cut -d: -f1) &&
		[[ -n $off ]]; then
		tail -c +$((off + 1)) "$src" | zstd -dcq >"$tmp" 2>/dev/null
	fi
	# Complete ELF (section header table inside the file) with a PVH entry note (type 0x12).
	shoff=$(readelf -h "$tmp" 2>/dev/null | sed -n 's/^ *Start of section headers: *\([0-9]*\).*/\1/p')
	shsize=$(readelf -h "$tmp" 2>/dev/null | sed -n 's/^ *Size of section headers: *\([0-9]*\).*/\1/p')
	shnum=$(readelf -h "$tmp" 2>/dev/null | sed -n 's/^ *Number of section headers: *\([0-9]*\).*/\1/p')
	if [[ -n $shoff && -n $shsize && -n $shnum ]] &&
		((shoff + shsize * shnum <= $(stat -c %s "$tmp"))) &&
		readelf -n "$tmp" 2>/dev/null | grep -q 'Unknown note type: (0x00000012)'; then
		mv -f "$tmp" "$out"
	else
		rm -f "$tmp"
		return 1
	fi
}
if [[ -s $vmcache/vmlinux ]]; then
	kernel=$vmcache/vmlinux
elif [[ ! -e $vmcache/no-pvh ]]; then
	if extract_vmlinux "$kernel" "$vmcache/vmlinux"; then
		kernel=$vmcache/vmlinux
	else
		echo "vm: cannot extract a PVH vmlinux from $kernel, booting the bzImage" >&2
		: >"$vmcache/no-pvh"
	fi
fi

qpid='' tpid=''
rundir=$(mktemp -d "${TMPDIR:-/tmp}/vqos-vm.XXXXXX")
cleanup() {
	# Never leave a qemu (2 GiB, 2 busy host cores) behind: Ctrl-C, errors, timeouts.
	[[ -n $qpid ]] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null
	[[ -n $tpid ]] && kill "$tpid" 2>/dev/null
	rm -rf "$rundir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Single-quote a word for sh: ' becomes '\''.
sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# Per-run files reach the guest as a second cpio archive appended to the initramfs (the
# kernel unpacks concatenated archives), not on the kernel command line, so arbitrary
# arguments survive unchanged.
mkdir -p "$rundir/cpio/vqos"
{
	echo "VQOS_ABI=$(sq "$abi")"
	echo "VQOS_CWD=$(sq "$cwd")"
	echo "VQOS_MODDIR=$(sq "$moddir")"
	echo "VQOS_MODULE=$(sq "$module")"
	echo "VQOS_HOSTNAME=$(sq "vqos-${line//./-}")"
} >"$rundir/cpio/vqos/setup"
{
	printf 'set --'
	printf ' %s' "$(sq HOME=/root)" \
		"$(sq PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)" \
		"$(sq TERM=dumb)" "$(sq LANG=C.UTF-8)"
	# The caller's own VQOS_* knobs (e.g. VQOS_CACHE) pass through; ours win.
	while IFS= read -r name; do
		case $name in VQOS_LINE | VQOS_ABI | VQOS_MODULE | VQOS_RESULT) continue ;; esac
		printf ' %s' "$(sq "$name=${!name}")"
	done < <(compgen -e | grep '^VQOS_' || true)
	printf ' %s' "$(sq "VQOS_LINE=$line")" "$(sq "VQOS_ABI=$abi")" \
		"$(sq "VQOS_MODULE=$module")" "$(sq VQOS_RESULT=/dev/ttyS1)"
	for a in "$@"; do printf ' %s' "$(sq "$a")"; done
	echo
} >"$rundir/cpio/vqos/cmd"
(cd "$rundir/cpio" && find . -mindepth 1 | cpio --quiet -o -H newc -R 0:0) >"$rundir/run.cpio"
cat "$initramfs" "$rundir/run.cpio" >"$rundir/initrd"

console=$rundir/console.log
result=$rundir/result.raw
: >"$console"
: >"$result"

# TCG only: nested KVM hangs on these hosts. -nodefaults drops the NIC/VGA nobody uses
# (less to probe at boot); ttyS0 = console log, ttyS1 = result file.
# quiet keeps the console (a slow emulated UART) short; warnings and worse still print.
# slab_nomerge gives every kmem_cache its own /proc/slabinfo line, so tests can count a
# module's objects (and see that none are left after rmmod).
qemu=(qemu-system-x86_64 -accel tcg -cpu max -smp "$smp" -m "$mem"
	-nographic -nodefaults -no-user-config -no-reboot
	-kernel "$kernel" -initrd "$rundir/initrd"
	-append "console=ttyS0 panic=-1 oops=panic panic_on_warn=1 tsc=reliable slab_nomerge quiet loglevel=5"
	-chardev "file,id=con,path=$console" -serial chardev:con
	-chardev "file,id=res,path=$result" -serial chardev:res
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
)

if [[ $verbose == 1 ]]; then
	tail -n +1 -F "$console" >&2 2>/dev/null &
	tpid=$!
fi

start=$SECONDS
timeout -k 5 "$timeout" "${qemu[@]}" </dev/null >"$rundir/qemu.out" 2>&1 &
qpid=$!
qrc=0
wait "$qpid" || qrc=$?
qpid=
elapsed=$((SECONDS - start))
if [[ -n $tpid ]]; then
	sleep 0.2 # let tail print the last console lines
	kill "$tpid" 2>/dev/null || true
	tpid=
fi

# ttyS1 is switched to raw mode in the guest; strip \r anyway in case a test reopened it
# with different settings. The last line carries the guest's exit status.
tr -d '\r' <"$result" >"$rundir/result"
exit_line=$(tail -n 1 "$rundir/result")
rc=
if [[ $exit_line =~ ^vqos-exit:\ ([0-9]+)$ ]]; then
	rc=${BASH_REMATCH[1]}
	sed '$d' "$rundir/result"
else
	cat "$rundir/result"
fi

# Kernel trouble, only in printk lines (timestamped) so that a test echoing these words
# does not trip it.
bad=$(grep -aE '\[ *[0-9]+\.[0-9]+\] .*(WARNING:|BUG:|Oops|Kernel panic|general protection fault|KASAN)' \
	"$console" | head -n 5 || true)

why=
if [[ $qrc == 124 || $qrc == 137 ]]; then
	why="timeout after ${timeout}s"
	status=124
elif [[ -n $bad ]]; then
	why="kernel trouble: $(head -n 1 <<<"$bad")"
	status=$((rc > 0 ? rc : 1))
elif [[ -z $rc ]]; then
	why="no exit status from the guest (qemu rc $qrc)"
	status=1
else
	status=$rc
fi

if [[ -n $keep_log ]]; then
	mkdir -p "$keep_log"
	cp "$console" "$keep_log/console.log"
	cp "$rundir/result" "$keep_log/result.log"
fi

if [[ -n $why || $status != 0 ]]; then
	log=$keep_log/console.log
	if [[ -z $keep_log ]]; then
		mkdir -p "$VQOS_CACHE/vm-logs"
		log=$VQOS_CACHE/vm-logs/last-failure-$line.console.log
		cp "$console" "$log"
	fi
	{
		echo "vm: line $line ($abi): ${why:-command exited $status} [${elapsed}s]"
		first=
		[[ -n $bad ]] && first=$(grep -anF -m1 -- "$(head -n 1 <<<"$bad")" "$console" | cut -d: -f1)
		if [[ -n $first ]]; then
			# Show the first splat from its start, not the end of the panic dump.
			echo "vm: ---- console from the first kernel report ($log) ----"
			tail -n +$((first > 5 ? first - 5 : 1)) "$console" | head -n 60 | tr -d '\r'
		else
			echo "vm: ---- console tail ($log) ----"
			tail -n 40 "$console" | tr -d '\r'
		fi
		if [[ -s $rundir/qemu.out ]]; then
			echo "vm: ---- qemu ----"
			tail -n 10 "$rundir/qemu.out"
		fi
	} >&2
elif [[ $verbose == 1 ]]; then
	echo "vm: line $line ($abi): ok in ${elapsed}s" >&2
fi
exit "$status"
