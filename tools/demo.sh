#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: calls across a saturated, bloated access link in the VM (tests/vm/qos.sh),
# scenarios a (10 calls, ~20 % of the uplink) and b (20 calls, ~60 %) under configurations
# 1 (no QoS), 2 (HTB + fq_codel) and 4 (voiceqos), on the kernel line LINE (default 6.12).
# Prints progress while the guest runs, then a table per configuration and writes
# build/demo/qos-delay.png (one-way delay over time per configuration) next to the raw
# result lines (build/demo/results.txt).
#
#   LINE=6.1 make demo                      the other kernel line
#   VQOS_QOS_SECONDS=30 make demo           longer calls (default 10 s per run)
#   VQOS_QOS_CONFIGS="1 2 3 4" make demo    all configurations (make bench does all)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

line=${LINE:-6.12}
out=build/demo
mkdir -p "$out"
ko=$(make -s kopath LINE="$line")
[[ -f $ko ]] || make -s modules LINE="$line"
make -s -C tests/tools >/dev/null
make -s -C agent >/dev/null
export VQOS_QOS_SECONDS=${VQOS_QOS_SECONDS:-10}
export VQOS_QOS_CONFIGS=${VQOS_QOS_CONFIGS:-1 2 4}
export VQOS_QOS_SCENARIOS=${VQOS_QOS_SCENARIOS:-a b}
echo "== voiceqos demo on Debian's $(tools/kernels.sh abi "$line") kernel (qemu, TCG):" \
	"scenarios $VQOS_QOS_SCENARIOS x configurations $VQOS_QOS_CONFIGS," \
	"${VQOS_QOS_SECONDS}s of calls each"
rc=0
# The guest's console streams (-v) on stderr: its "### " progress lines are shown as they
# come (on fd 3, our stdout: the process substitution would otherwise write into
# results.txt, stdout of the command it belongs to); the result lines come back at the end.
exec 3>&1
tools/vm/run.sh -v --line "$line" --module "$ko" --timeout 1200 -- tests/vm/demo.sh \
	>"$out/results.txt" 2> >(tee "$out/console.log" | while IFS= read -r l; do
		l=${l%$'\r'}
		case $l in
		"### "*) echo "   [$(date +%T)] ${l#\#\#\# }" >&3 ;;
		esac
	done) || rc=$?
if ((rc != 0)) || ! grep -q '^qos-stream ' "$out/results.txt"; then
	echo "demo: the VM run failed (exit $rc); console: $out/console.log" >&2
	tail -n 20 "$out/console.log" >&2
	exit 1
fi
echo
/usr/bin/python3 tests/vm/qos-report.py --plot "$out" "$out/results.txt"
