#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Style gate for the kernel side: checkpatch --strict over the module sources and the UAPI
# header, and a sparse (C=2) + W=1 build against both kernel lines. Any checkpatch
# ERROR/WARNING/CHECK and any compiler/sparse/modpost warning fails it.
#
# Prints one "ok - style ..." / "not ok - style ...: reason" line per part (the test output
# convention), after the offending messages themselves. Exit status 0 only if all passed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
top=$PWD
KERNELS=tools/kernels.sh
export VQOS_CACHE=${VQOS_CACHE:-$HOME/.cache/voiceqos}

results=()
fail=0
pass() { results+=("ok - style $1"); }
flunk() { results+=("not ok - style $1: $2"); fail=1; }

# --- checkpatch -------------------------------------------------------------------------
# Taken from the unpacked linux-source-6.12 (tools/deps.sh) so that the rules are those of
# the newest kernel we support, not whatever an older tree would accept.
checkpatch=$("$KERNELS" source)/scripts/checkpatch.pl
shopt -s nullglob
files=(kmod/*.[ch] include/uapi/linux/voiceqos.h)
shopt -u nullglob
if [[ ! -x $checkpatch ]]; then
	flunk checkpatch "$checkpatch missing (run tools/deps.sh)"
elif ((${#files[@]} == 0)); then
	flunk checkpatch "no sources found under kmod/"
else
	# --no-tree: we are not inside a kernel tree, so the tree-only checks cannot run.
	# --ignore LINUX_VERSION_CODE: that warning assumes in-tree code that only ever targets
	#   the kernel it is merged into; this module is built out of tree for both 6.1 and
	#   6.12, so version conditionals on LINUX_VERSION_CODE are the intended mechanism.
	# Nothing else is ignored; the patch-only checks (commit message, MAINTAINERS, file
	# moves) do not fire with -f anyway.
	if "$checkpatch" --strict --no-tree --terse --show-types --no-summary \
		--ignore LINUX_VERSION_CODE -f "${files[@]}"; then
		pass checkpatch
	else
		flunk checkpatch "checkpatch --strict reported problems (see above)"
	fi
fi

# --- sparse + W=1, both kernel lines --------------------------------------------------------
# A throw-away build dir per line: C=2 re-checks every file anyway, and a full rebuild is
# the only way to see the compiler's W=1 warnings again for files that did not change.
for line in $("$KERNELS" lines); do
	if ! kdir=$("$KERNELS" kdir "$line") || [[ ! -f $kdir/Makefile ]]; then
		flunk "sparse $line" "no kernel headers for $line (run tools/deps.sh)"
		continue
	fi
	bdir=$top/build/style-$line
	log=$top/build/style-$line.log
	rm -rf "$bdir"
	mkdir -p "$bdir"
	status=0
	make --no-print-directory -C "$top" modules KDIR="$kdir" BUILD_DIR="$bdir" W=1 C=2 \
		>"$log" 2>&1 || status=$?
	# Messages name the private copy; show them with repo-relative paths instead.
	if grep -iE '(warning|error)[^:]*:' "$log" | sed "s|$bdir/||g; s|^|[$line] |"; then
		flunk "sparse $line" "warnings in the W=1 C=2 build (full log: ${log#"$top"/})"
	elif ((status != 0)); then
		tail -n 30 "$log"
		flunk "sparse $line" "W=1 C=2 build failed (full log: ${log#"$top"/})"
	else
		pass "sparse $line"
	fi
done

printf '%s\n' "${results[@]}"
exit "$fail"
