#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/bench/replay.sh [CALLS]   (part of `make bench`)
#
# Replay throughput on one core over a generated capture of CALLS (default 10000) basic
# calls, 7 SIP messages each (tests/replay/gencalls.py, written to build/bench/), next to
# a bare libosip2 parse loop over the same messages:
#   osip / engine   tests/bench/replay_bench.c: messages in memory, best and median of 5
#   replay          `voiceqos replay --json CAPTURE >/dev/null`, whole command, best of 3
# Everything runs under taskset on one CPU (BENCH_CPU, default the last one). Prints
# figures; asserts nothing. With PERF=1 it also records a perf profile of the engine loop
# and prints its top symbols.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

calls=${1:-10000}
out=build/bench
cpu=${BENCH_CPU:-$(($(nproc) - 1))}
mkdir -p "$out"

make -s -C agent voiceqos libvq.a >/dev/null
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
cc -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Iagent -Iinclude/uapi \
	$(pkg-config --cflags libosip2 libpcap) -o "$out/replay_bench" \
	tests/bench/replay_bench.c agent/libvq.a \
	$(pkg-config --libs libmnl libosip2 inih libpcap) -lm

cap=$out/calls-$calls.pcap
[[ -s $cap ]] || /usr/bin/python3 tests/replay/gencalls.py --calls "$calls" --out "$cap"
msgs=$((calls * 7))
echo "== replay bench: $calls calls, $msgs SIP messages, $(du -h "$cap" | cut -f1) capture, CPU $cpu"
echo "   $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

taskset -c "$cpu" "$out/replay_bench" "$cap" 5

best=""
for _ in 1 2 3; do
	t0=$(date +%s%N)
	taskset -c "$cpu" agent/voiceqos replay --json "$cap" >/dev/null
	t=$(($(date +%s%N) - t0))
	[[ -z $best || $t -lt $best ]] && best=$t
done
awk -v n="$msgs" -v t="$best" 'BEGIN {
	printf "replay   %8d msgs  best %10.0f msg/s  (whole command: read, engine, JSON; %.0f ms)\n",
		n, n / (t / 1e9), t / 1e6 }'

if [[ ${PERF:-0} == 1 ]]; then
	perf record -q -o "$out/perf.data" -g -- taskset -c "$cpu" "$out/replay_bench" "$cap" 3 \
		>/dev/null 2>&1
	perf report -i "$out/perf.data" --no-children --percent-limit 1.5 --stdio 2>/dev/null |
		grep -E '^ +[0-9]' | head -n 30
fi
