#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of the VM tests: for one kernel line, build (or take) the module, build the
# CLI and the test tools, boot the line's kernel with tools/vm/run.sh and run the guest
# test scripts there. Prints the guest's result lines with the line in front of the name,
#   ok - [6.1] dscp_v4
#   not ok - [6.12] policer: <reason>
# plus `not ok - [LINE] vm: ...` if the build, the harness or the guest kernel failed.
#
#   tests/vm-run.sh LINE [--module KO] [--keep-log DIR] [-- SCRIPT [ARGS...]]
#   tests/vm-run.sh --line LINE [--module KO] ...        (as `make vmtest` calls it)
#
# Default script: tests/vm/datapath.sh. VQOS_CASES=REGEX selects cases (passed through to
# the guest). Exit status: 0 if every result was ok, 1 otherwise.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2


line="" module="" keep_log="" timeout=${VQOS_VM_TIMEOUT:-900}
while [[ $# -gt 0 ]]; do
	case $1 in
	--line) line=${2:?}; shift 2 ;;
	--module) module=${2:?}; shift 2 ;;
	--keep-log) keep_log=${2:?}; shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--) shift; break ;;
	-h | --help) sed -n '3,16p' "$0"; exit 0 ;;
	-*) echo "vm-run.sh: unknown option $1" >&2; exit 2 ;;
	*) [[ -z $line ]] || { echo "vm-run.sh: one LINE only" >&2; exit 2; }; line=$1; shift ;;
	esac
done
[[ -n $line ]] || { echo "usage: tests/vm-run.sh LINE [--module KO] [-- SCRIPT ARGS...]" >&2; exit 2; }
script=("$@")
[[ ${#script[@]} -gt 0 ]] || script=(tests/vm/datapath.sh)

tag="[$line]"
logdir=${VQOS_CACHE:-$HOME/.cache/voiceqos}/test-logs/$line
mkdir -p "$logdir"

# fatal WHAT LOG: one not-ok line (with the log's last lines on stderr), exit 1.
fatal() {
	echo "not ok - $tag vm: $1"
	if [[ -n ${2:-} && -s $2 ]]; then
		echo "vm-run.sh: ---- $2 (tail) ----" >&2
		tail -n 25 "$2" >&2
	fi
	exit 1
}

if [[ -z $module ]]; then
	kdir=$(tools/kernels.sh kdir "$line" 2>"$logdir/build.log") ||
		fatal "cannot resolve the kernel headers for line $line" "$logdir/build.log"
	if ! make -s modules KDIR="$kdir" >"$logdir/build.log" 2>&1; then
		fatal "module build failed (make modules KDIR=$kdir)" "$logdir/build.log"
	fi
	module=$(make -s --no-print-directory kopath KDIR="$kdir" 2>/dev/null)
	[[ -f $module ]] || fatal "module build produced no $module" "$logdir/build.log"
fi
[[ -f $module ]] || fatal "no module at $module"

if ! make -s -C tests/tools >"$logdir/tools.log" 2>&1; then
	fatal "tests/tools build failed" "$logdir/tools.log"
fi
if [[ -f agent/Makefile ]] && ! make -s -C agent >"$logdir/agent.log" 2>&1; then
	fatal "agent build failed" "$logdir/agent.log"
fi
[[ -x tools/vm/run.sh ]] || fatal "tools/vm/run.sh missing"

t0=$SECONDS
out=$logdir/result.log
rc=0
tools/vm/run.sh --line "$line" --module "$module" --timeout "$timeout" \
	--keep-log "${keep_log:-$logdir}" -- "${script[@]}" >"$out" 2>"$logdir/vm.err" || rc=$?
elapsed=$((SECONDS - t0))

results=0 failed=0
while IFS= read -r l; do
	case $l in
	"ok - "*) results=$((results + 1)); echo "ok - $tag ${l#ok - }" ;;
	"not ok - "*) results=$((results + 1)); failed=$((failed + 1)); echo "not ok - $tag ${l#not ok - }" ;;
	"vqos-exit: "*) ;; # the harness's own status line, should it get through
	*) [[ -n $l ]] && echo "# $tag $l" ;;
	esac
done <"$out"
echo "# $tag VM run took ${elapsed}s (console log: ${keep_log:-$logdir}/console.log)"

if ((rc != 0)); then
	why=$(grep -m1 '^vm: line' "$logdir/vm.err" || true)
	echo "not ok - $tag vm: exit $rc${why:+ ($why)}"
	sed -n '1,70p' "$logdir/vm.err" >&2
	exit 1
fi
if ((results == 0)); then
	echo "not ok - $tag vm: the guest reported no results"
	exit 1
fi
((failed == 0))
