#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make bench` (tests/bench.sh): forwarded UDP packets/s through rtr with no
# module, with an empty nftables forward chain (what any netfilter hook costs), and with
# the module holding 0, 1k and 100k flows, measured in one boot so that the ratios compare
# like with like; then kernel memory per flow at 100k flows. Prints
# figures only: a benchmark, not a test, asserts nothing about speed.
#
# Figures go to stdout and $VQOS_RESULT as "bench: NAME VALUE (how)" lines.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION=${VQOS_BENCH_SECONDS:-3}
ROUNDS=${VQOS_BENCH_ROUNDS:-5}
BIG=${VQOS_BENCH_FLOWS:-100000}
SIZE=172		# G.711 20 ms: 160 bytes of payload + RTP header, as an IP packet 200

figure() { emit "bench: $*"; }

cleanup() {
	topology_down
	rm -rf "$TMPD"
}
trap cleanup EXIT

# pps RUN_NAME [DPORT]: flood lan -> wan through rtr; PPS = what the sink saw.
pps() {
	local name=$1 port=${2:-9000} got
	rm -f "$TMPD/ready.sink"
	# Pinned, so that every run splits the work between the two vCPUs the same way:
	# sender (and the forwarding it triggers) on one, receiver on the other.
	ip netns exec "$NS_WAN" taskset -c 1 "$T/udpsink" --bind "$WAN4:$port" --duration $((DURATION + 4)) \
		--idle 1 --ready "$TMPD/ready.sink" >"$TMPD/sink" 2>&1 &
	wait_file "$TMPD/ready.sink"
	ip netns exec "$NS_LAN" taskset -c 0 "$T/udpflood" --src "$LAN4:4000" --dst "$WAN4:$port" \
		--duration "$DURATION" --size $SIZE >"$TMPD/flood" 2>&1
	wait
	got=$(kv "$TMPD/sink" pps)
	echo "pps_$name $got (sent $(kv "$TMPD/flood" pps))"
	PPS=${got%.*}
}

# make_batch N FILE: N flow-add lines that the flood does not match (other destination
# ports; no traffic ever goes to their 203.0.113.0/24 sources), plus one that it does, at
# port 9001, for the "hit" runs.
make_batch() {
	awk -v n="$1" -v dst="$WAN4" -v src="$LAN4" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "flow add dst %s:%d src %s:%d dscp ef priority 1:10 rate 100k clock 8000 timeout 3600\n",
				dst, 10000 + i % 50000, "203.0.113." int(i / 50000) + 1, 20000
		printf "flow add dst %s:9001 src %s:4000 dscp ef priority 1:10 clock 8000 timeout 3600\n", dst, src
	}' >"$2"
}

# load FILE N: install a batch, FLOWS_PER_S = the rate it went in at.
load() {
	local t0 t1
	t0=$(date +%s.%N)
	vqq batch "$1" >/dev/null
	t1=$(date +%s.%N)
	FLOWS_PER_S=$(echo "$2 $t0 $t1" | awk '{ printf "%.0f", ($1 + 1) / ($3 - $2) }')
}

meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
slab_line() { awk '$1 == "vqos_flow" { print $2, $4 }' /proc/slabinfo; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

topology_up >/dev/null
modprobe -a nf_conntrack >/dev/null 2>&1 || true
make_batch 1000 "$TMPD/1k.batch"
make_batch "$BIG" "$TMPD/big.batch"

# Rounds of every configuration in a row, so that drift of the emulated machine (and load
# on the host) spreads over all of them; the medians are compared.
declare -A runs=()
for ((r = 1; r <= ROUNDS; r++)); do
	pps no_module; runs[none]+=" $PPS"
	# Reference: what any netfilter hook costs here, an empty nftables forward chain.
	ip netns exec "$NS_RTR" nft add table inet vqbench
	ip netns exec "$NS_RTR" nft add chain inet vqbench relay '{ type filter hook forward priority 0; }'
	pps nft_empty_chain; runs[nft]+=" $PPS"
	ip netns exec "$NS_RTR" nft delete table inet vqbench
	insmod "$VQOS_MODULE" max_flows=$((BIG + 1000))
	# As an agent does at start: this brings the hooks into rtr (and only rtr).
	vqq config set sip-ports 5060
	pps flows_0; runs[f0]+=" $PPS"
	load "$TMPD/1k.batch" 1000
	pps flows_1k_miss; runs[f1k]+=" $PPS"
	vqq flow flush
	if ((r == 1)); then
		sync; echo 3 >/proc/sys/vm/drop_caches
		free0=$(meminfo MemFree) slab0=$(meminfo Slab)
	fi
	load "$TMPD/big.batch" "$BIG"
	if ((r == 1)); then
		figure "install_flows_per_s $FLOWS_PER_S (batch of $BIG over one netlink socket)"
		sync; echo 3 >/proc/sys/vm/drop_caches
		free1=$(meminfo MemFree) slab1=$(meminfo Slab)
		read -r objs objsize < <(slab_line)
	fi
	pps flows_100k_miss; runs[f100k]+=" $PPS"
	pps flows_100k_hit 9001; runs[hit]+=" $PPS"
	rmmod voiceqos
done

base=$(median <<<"${runs[none]}")
ratio() { awk -v a="$(median <<<"$1")" -v b="$base" 'BEGIN { printf "%.3f", b ? a / b : 0 }'; }
figure "baseline_pps $base (median of:${runs[none]})"
figure "ratio_nft_empty_chain $(ratio "${runs[nft]}") (pps:${runs[nft]})"
figure "ratio_flows_0 $(ratio "${runs[f0]}") (pps:${runs[f0]})"
figure "ratio_flows_1k_miss $(ratio "${runs[f1k]}") (pps:${runs[f1k]})"
figure "ratio_flows_100k_miss $(ratio "${runs[f100k]}") (pps:${runs[f100k]})"
figure "ratio_flows_100k_hit $(ratio "${runs[hit]}") (pps:${runs[hit]})"
figure "flow_object_bytes $objsize (slab vqos_flow: $objs objects)"
figure "slab_bytes_per_flow $(( (slab1 - slab0) * 1024 / (BIG + 1) )) (Slab delta: objects + hash table)"
figure "kernel_bytes_per_flow $(( (free0 - free1) * 1024 / (BIG + 1) )) (MemFree delta)"
