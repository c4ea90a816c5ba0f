#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: the replay throughput bench on the host (tests/bench/replay.sh), then the
# data-path benchmark in the VM for each kernel line (or LINE=...). `tests/bench.sh replay`
# runs only the former. Prints figures; asserts nothing. Results are recorded by hand in
# Documentation/performance.md with the date and the line they came from.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

lines=${LINE:-$(tools/kernels.sh lines)}
make -s agent >/dev/null
tests/bench/replay.sh
[[ ${1:-} != replay ]] || exit 0
for line in $lines; do
	make -s modules LINE="$line" >/dev/null
	ko=$(make -s kopath LINE="$line")
	echo "== bench on $line ($(tools/kernels.sh abi "$line"))"
	tools/vm/run.sh --line "$line" --module "$ko" --timeout 900 -- tests/vm/bench.sh
done
