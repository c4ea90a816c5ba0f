#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/bench/replay.sh [CALLS]   (part of `make bench`)
#
# Replay throughput on one core over a generated capture of CALLS (default 10000) basic
# calls, 7 SIP messages each (tests/replay/gencalls.py, written to build/bench/), next to
# a bare libosip2 parse loop over the same messages:
#   read, osip, sip, sip+sdp, engine
#                   tests/bench/replay_bench.c, each stage in its own process: messages in
#                   memory, best and median of 5 rounds (see the .c for what each stage is)
#   replay          `voiceqos replay --json CAPTURE >/dev/null`, whole command, best of 3
# Times are CPU time (thread CPU clock; user + system for the command), not wall time, so
# that other load on a shared machine does not count.
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

# One process per stage: a stage must not run on the heap another one left fragmented.
declare -A rate
for stage in read osip sip engine; do
	taskset -c "$cpu" "$out/replay_bench" "$cap" 5 "$stage" | tee "$out/stage.txt"
	while read -r name _ _ _ r _; do
		rate[$name]=$r
	done < <(grep -E '^(read|osip|sip|sip\+sdp|engine) ' "$out/stage.txt")
done
awk -v e="${rate[engine]}" -v o="${rate[osip]}" 'BEGIN {
	printf "ratio engine/osip %.2f (goal >= 0.7; engine goal >= 100000 msg/s)\n", e / o }'

# User + system CPU time of the whole command (GNU time), best of 3.
best=""
for _ in 1 2 3; do
	/usr/bin/time -f '%U %S' -o "$out/time.txt" taskset -c "$cpu" agent/voiceqos replay \
		--json "$cap" >/dev/null
	t=$(awk '{ printf "%d", ($1 + $2) * 1e9 }' "$out/time.txt")
	[[ -z $best || $t -lt $best ]] && best=$t
done
awk -v n="$msgs" -v t="$best" -v o="${rate[osip]}" 'BEGIN {
	printf "replay   %8d msgs  best %10.0f msg/s  (whole command: read, engine, JSON; %.0f ms)\n",
		n, n / (t / 1e9), t / 1e6
	printf "ratio replay/osip %.2f\n", n / (t / 1e9) / o }'

if [[ ${PERF:-0} == 1 ]]; then
	perf record -q -o "$out/perf.data" -g -- taskset -c "$cpu" "$out/replay_bench" "$cap" 3 engine \
		>/dev/null 2>&1
	perf report -i "$out/perf.data" --no-children --percent-limit 1.5 --stdio 2>/dev/null |
		grep -E '^ +[0-9]' | head -n 30
fi
