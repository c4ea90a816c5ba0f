#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make demo`: one call across a saturated uplink, without and with voiceqos.
#
#   lan (phone + bulk sender) -- rtr (voiceqos, HTB 4 Mbit/s on the uplink) -- wan (ITSP)
#
# Phase 1: the call's flows are installed measure-only (no DSCP, no class): its RTP queues
# behind a 20 Mbit/s UDP flood and loses packets. Phase 2: the same flows with DSCP EF and
# the HTB voice class at their reservation: the call loses nothing, the flood gets the rest.
# Phase 3: a forged stream at 5x the reservation into the call's port is demoted, not
# prioritised. Everything shown is read back from the kernel (voiceqos CLI, tc, /proc).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SECONDS_PER_PHASE=${VQOS_DEMO_SECONDS:-6}
PKTS=$((SECONDS_PER_PHASE * 50))

cleanup() {
	topology_down
	rm -rf "$TMPD"
}
trap cleanup EXIT

say() { echo; echo "### $*"; }

uplink() {
	# A 4 Mbit/s uplink shaped by HTB: voice class 1:10 (priority 0), best effort 1:30.
	rtr tc qdisc replace dev wan root handle 1: htb default 30
	rtr tc class add dev wan parent 1: classid 1:1 htb rate 4mbit
	rtr tc class add dev wan parent 1:1 classid 1:10 htb rate 400kbit ceil 4mbit prio 0
	rtr tc class add dev wan parent 1:1 classid 1:30 htb rate 3600kbit ceil 4mbit prio 1
	rtr tc qdisc add dev wan parent 1:10 handle 10: pfifo limit 100
	rtr tc qdisc add dev wan parent 1:30 handle 30: pfifo limit 100
}

# call PHASE: 20 ms G.711 RTP lan -> wan during a UDP flood, result in $TMPD/PHASE.
call() {
	recv_start "$NS_WAN" "$WAN4:40000" "$1" --timeout $((SECONDS_PER_PHASE + 5)) --idle 2
	lan "$T/udpflood" --src "$LAN4:9999" --dst "$WAN4:9" --duration $((SECONDS_PER_PHASE + 1)) \
		--size 1200 >/dev/null &
	gen "$NS_LAN" "gen.$1" --src "$LAN4:30000" --dst "$WAN4:40000" --pps 50 \
		--count "$PKTS" --size 172 --ts-step 160 --ssrc 0x1234 >/dev/null
	wait
	echo "    receiver: $(head -n1 "$TMPD/$1")"
}

flows() {
	# $1: extra parameters (DSCP, class) for the voice treatment.
	vq flow add dst "$WAN4:40000" src "$LAN4:30000" cookie 1 clock 8000 rate 87200 $1
	vq flow add dst "$LAN4:30000" src "$WAN4:40000" cookie 1 clock 8000 rate 87200 $1
}

topology_up >/dev/null
modprobe -a nf_conntrack sch_htb >/dev/null
pp insmod "$VQOS_MODULE"
uplink >/dev/null

say "Phase 1: measure only (no DSCP, no class), uplink flooded"
flows ""
call before
vq flow list
vq flow flush

say "Phase 2: voiceqos: DSCP EF + HTB voice class 1:10 at the call's 87.2 kbit/s reservation"
vq config set be-priority 1:30 fallback-dscp 0
flows "dscp ef priority 1:10"
call after
echo "    DSCP seen by the ITSP:"; sed -n 's/^dscp=/      dscp=/p' "$TMPD/after"
vq flow list
rtr tc -s class show dev wan | grep -A1 -E "class htb 1:(10|30)"

say "Phase 3: a forged stream at 5x the reservation into the call's port is demoted"
vq flow flush
flows "dscp ef priority 1:10"
recv_start "$NS_WAN" "$WAN4:40000" forged --timeout 8 --idle 2
gen "$NS_LAN" gen.forged --src "$LAN4:30000" --dst "$WAN4:40000" --pps 250 --count 750 \
	--size 172 --ts-step 160 >/dev/null
wait
vq flow get dst "$WAN4:40000" src "$LAN4:30000"
echo "    DSCP seen by the ITSP:"; sed -n 's/^dscp=/      dscp=/p' "$TMPD/forged"
vq stats

before=$((PKTS - $(kv "$TMPD/before" packets))) after=$((PKTS - $(kv "$TMPD/after" packets)))
say "Summary: RTP packets lost out of $PKTS: without voiceqos $before, with voiceqos $after"
emit "demo: lost without voiceqos $before/$PKTS, with voiceqos $after/$PKTS"
rmmod voiceqos
