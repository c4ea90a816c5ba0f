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
#   tests/bench.sh qos        only the QoS proof: tests/vm/qos.sh, all four configurations x
#                             scenarios a-d, table by tests/vm/qos-report.py (results and the
#                             plot in build/bench/qos-LINE/)
#
# Timing-sensitive: run it at normal priority, alone (`flock /tmp/vqos-measure.lock`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

what=${1:-all}
case $what in
all | replay | agent | qos) ;;
*) echo "usage: tests/bench.sh [replay|agent|qos]" >&2; exit 2 ;;
esac
lines=${LINE:-$(tools/kernels.sh lines)}
make -s agent >/dev/null
[[ $what == agent || $what == qos ]] || tests/bench/replay.sh
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
	if [[ $what == all || $what == qos ]]; then
		echo "== QoS: 4 configurations x scenarios a-d on $line ($(tools/kernels.sh abi "$line"))"
		out=build/bench/qos-$line
		mkdir -p "$out"
		make -s -C tests/tools >/dev/null
		if tools/vm/run.sh --line "$line" --module "$ko" --timeout 3000 -- \
			tests/vm/qos.sh >"$out/results.txt" 2>"$out/console.log"; then
			/usr/bin/python3 tests/vm/qos-report.py --markdown --goal --plot "$out" \
				"$out/results.txt" || failed=1
		else
			echo "qos bench on $line failed; console: $out/console.log" >&2
			failed=1
		fi
		[[ $what == all ]] || continue
	fi
	# The bench case needs the daemon that daemon_start starts (module_load always runs).
	echo "== control plane latency on $line ($(tools/kernels.sh abi "$line"))"
	VQOS_CASES='^(daemon_start|bench)$' tests/vm-run.sh "$line" --module "$ko" -- \
		tests/vm/agent.sh || failed=1
done
exit "$failed"
