#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: the replay throughput bench on the host (tests/bench/replay.sh), then in
# the VM for each kernel line (or LINE=...) the data-path benchmark (tests/vm/bench.sh)
# and the control-plane latency: voiceqosd's answer -> flow installed p50/p99 and the RTP
# packets that passed before their flow existed (the daemon_start and bench cases of
# tests/vm/agent.sh, through tests/vm-run.sh). Prints figures; asserts nothing, but exits 1
# if a VM run itself failed. Results are recorded by hand in Documentation/performance.md
# with the date and the line they came from.
#
#   tests/bench.sh            all of it
#   tests/bench.sh replay     only the replay throughput (no VM)
#   tests/bench.sh agent      only the control-plane latency in the VM
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

what=${1:-all}
case $what in
all | replay | agent) ;;
*) echo "usage: tests/bench.sh [replay|agent]" >&2; exit 2 ;;
esac
lines=${LINE:-$(tools/kernels.sh lines)}
make -s agent >/dev/null
[[ $what == agent ]] || tests/bench/replay.sh
[[ $what != replay ]] || exit 0
failed=0
for line in $lines; do
	make -s modules LINE="$line" >/dev/null
	ko=$(make -s kopath LINE="$line")
	if [[ $what == all ]]; then
		echo "== bench on $line ($(tools/kernels.sh abi "$line"))"
		tools/vm/run.sh --line "$line" --module "$ko" --timeout 900 -- tests/vm/bench.sh ||
			failed=1
	fi
	# The bench case needs the daemon that daemon_start starts (module_load always runs).
	echo "== control plane latency on $line ($(tools/kernels.sh abi "$line"))"
	VQOS_CASES='^(daemon_start|bench)$' tests/vm-run.sh "$line" --module "$ko" -- \
		tests/vm/agent.sh || failed=1
done
exit "$failed"
