#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the voiceqos KUnit suites under UML (ARCH=um) with the kernel's kunit.py.
#
#   tools/kunit.sh [--kasan] [-- KUNIT_PY_ARGS...]
#
# e.g. `tools/kunit.sh -- 'vqos_rtp*'` runs one suite, `tools/kunit.sh -- --raw_output`
# shows the whole console. --kasan builds with KASAN (generic, inline, stack, vmalloc) in a
# build dir of its own, boots with kasan_multi_shot so that every report is printed, and
# fails the run if the console (kunit.py keeps it in BUILD_DIR/test.log) has any
# "BUG: KASAN" line, even if every test passed: a report outside a test's context (suite
# init/exit, an RCU callback, a work item) fails no KUnit test by itself. The reports are
# printed. `make kunit` runs both builds, plain first.
#
# The pristine linux-source-6.12 tree (`tools/kernels.sh source`, unpacked by
# tools/deps.sh) is never touched: a hard-link copy of it, $VQOS_CACHE/kunit-src-<version>,
# is jury-rigged the way WireGuard's kernel-tree-scripts/jury-rig.sh wires its tree:
#   net/voiceqos                   -> <repo>/kmod           (symlink)
#   include/uapi/linux/voiceqos.h  -> <repo>/include/uapi/linux/voiceqos.h
#   net/Kconfig                    += source "net/voiceqos/Kconfig"
#   net/Makefile                   += obj-$(CONFIG_VOICEQOS) += voiceqos/
# Only those two files are rewritten in the copy, each as a new file so the hard link to
# the pristine tree is broken first. The objects go to $VQOS_CACHE/kunit-build (outside
# the repo and the source tree), so later runs are incremental.
#
# Prints kunit.py's output; exits with kunit.py's exit code, or 1 after a KASAN report.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export VQOS_CACHE=${VQOS_CACHE:-$HOME/.cache/voiceqos}
# Not the pyenv shim (slow, and may pick a python without kunit.py's needs).
PYTHON=${VQOS_PYTHON:-/usr/bin/python3}
JOBS=${KUNIT_JOBS:-2}

say() { echo "kunit.sh: $*" >&2; }
die() { say "$*"; exit 1; }
usage() { echo "usage: $0 [--kasan] [-- KUNIT_PY_ARGS...]" >&2; exit 2; }

kasan=0
extra=()
while (($#)); do
	case "$1" in
	--kasan) kasan=1 ;;
	-h | --help) usage ;;
	--) shift; extra=("$@"); break ;;
	*) usage ;;
	esac
	shift
done

[[ -x $PYTHON ]] || die "$PYTHON not found (apt-get install python3)"
mkdir -p "$VQOS_CACHE"

# One run at a time: two kunit.py runs would share the build dir and the rigged tree.
exec 9>"$VQOS_CACHE/.kunit.lock"
flock 9

# The pristine tree: as tools/deps.sh unpacks it, if it has not been run yet.
src=$("$REPO/tools/kernels.sh" source)
if [[ ! -f $src/Makefile || ! -f $src/tools/testing/kunit/kunit.py ]]; then
	tarball=$(compgen -G '/usr/src/linux-source-6.12.tar.*' | head -n1) ||
		die "no /usr/src/linux-source-6.12.tar.* (run tools/deps.sh)"
	say "unpacking $tarball into $src (takes a minute)"
	tmp=$(mktemp -d "$VQOS_CACHE/.tmp-source.XXXXXX")
	tar -xf "$tarball" -C "$tmp"
	rm -rf "$src"
	mv "$tmp"/linux-source-6.12 "$src"
	rm -rf "$tmp"
fi
version=${src##*/linux-source-}

# The rigged copy, made once: hard links are cheap, and a copy completed under a temporary
# name and renamed means an interrupted run never leaves half a tree behind.
rig=$VQOS_CACHE/kunit-src-$version
if [[ ! -f $rig/Makefile ]]; then
	say "hard-link copy of $src into $rig"
	tmp=$(mktemp -d "$VQOS_CACHE/.tmp-kunit-src.XXXXXX")
	cp -al "$src" "$tmp/tree"
	rm -rf "$rig"
	mv "$tmp/tree" "$rig"
	rmdir "$tmp"
fi

# Append LINE to FILE unless it is there; rewrite FILE as a new inode (never in place: it
# may still be a hard link into the pristine tree).
append_once() {
	local file=$1 line=$2
	grep -qxF -- "$line" "$file" && return 0
	{ cat "$file"; printf '%s\n' "$line"; } >"$file.vqos-tmp"
	mv -f "$file.vqos-tmp" "$file"
}

[[ -f $REPO/kmod/Kconfig && -f $REPO/kmod/.kunitconfig ]] ||
	die "$REPO/kmod/Kconfig or kmod/.kunitconfig missing"
ln -sfnT "$REPO/kmod" "$rig/net/voiceqos"
ln -sfnT "$REPO/include/uapi/linux/voiceqos.h" "$rig/include/uapi/linux/voiceqos.h"
append_once "$rig/net/Kconfig" 'source "net/voiceqos/Kconfig"'
# shellcheck disable=SC2016 # a make variable, literally
append_once "$rig/net/Makefile" 'obj-$(CONFIG_VOICEQOS) += voiceqos/'

args=(run --arch=um --kunitconfig="$REPO/kmod/.kunitconfig" --jobs="$JOBS")
if ((kasan)); then
	build=$VQOS_CACHE/kunit-build-kasan
	args+=(--build_dir="$build"
		--kconfig_add CONFIG_KASAN=y
		--kconfig_add CONFIG_KASAN_GENERIC=y
		--kconfig_add CONFIG_KASAN_VMALLOC=y
		--kconfig_add CONFIG_KASAN_STACK=y
		--kernel_args kasan_multi_shot)
else
	build=$VQOS_CACHE/kunit-build
	args+=(--build_dir="$build")
fi

# The rigged tree is shared by every checkout that runs this script, and make goes by
# timestamps: objects built from another checkout's kmod/ can be newer than this one's
# sources. Whoever built last is written down; a different checkout rebuilds the module.
mkdir -p "$build"
if [[ $(cat "$build/.vqos-kmod" 2>/dev/null) != "$REPO/kmod" ]]; then
	rm -rf "$build/net/voiceqos"
	printf '%s\n' "$REPO/kmod" >"$build/.vqos-kmod"
fi

cd "$rig"
rc=0
# A stale console must not be taken for this run's.
rm -f "$build/test.log"
ARCH=um "$PYTHON" tools/testing/kunit/kunit.py "${args[@]}" "${extra[@]}" || rc=$?
if ((kasan)); then
	n=$(grep -c 'BUG: KASAN' "$build/test.log" 2>/dev/null || true)
	if ((${n:-0} > 0)); then
		grep -A 3 'BUG: KASAN' "$build/test.log" >&2 || true
		say "KASAN reported $n bug(s): see $build/test.log"
		rc=1
	fi
fi
exit "$rc"
