#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest-side smoke test of the VM harness itself: run it through the harness, e.g.
#   tools/vm/run.sh --line 6.12 -- tools/vm/selftest.sh "a b" "it's"
# It checks what the voiceqos tests rely on: arguments, environment, fresh /run and /tmp,
# module loading from the cached tree, netns + veth, tc (HTB/netem), iperf3, tcpdump,
# bash process substitution. One "ok - ..." / "not ok - ..." line per check on VQOS_RESULT.
set -uo pipefail

res=${VQOS_RESULT:-/dev/stdout}
fails=0
check() {
	local name=$1
	shift
	if out=$("$@" 2>&1); then
		echo "ok - $name" >"$res"
	else
		echo "not ok - $name: $(tail -n 1 <<<"$out")" >"$res"
		fails=$((fails + 1))
	fi
}

check "args [$*]" test "$#" -ge 0
check "kernel $(uname -r) is VQOS_ABI" test "$(uname -r)" = "${VQOS_ABI:-}"
check "cwd $(pwd)" test -n "$(pwd)"
check "fresh /run" test ! -e /run/netns
check "fresh /tmp" sh -c '[ -z "$(ls -A /tmp)" ]'
check "process substitution" diff <(echo a) <(echo a)
for m in veth sch_htb sch_netem nf_conntrack; do
	check "modprobe $m" modprobe "$m"
done

setup_net() {
	ip netns add a && ip netns add b &&
		ip link add va netns a type veth peer name vb netns b &&
		ip -n a addr add 10.9.0.1/24 dev va && ip -n b addr add 10.9.0.2/24 dev vb &&
		ip -n a link set va up && ip -n b link set vb up &&
		ip -n a link set lo up && ip -n b link set lo up
}
check "netns + veth" setup_net
check "tc htb" tc -n a qdisc add dev va root handle 1: htb default 10
check "tc htb class" tc -n a class add dev va parent 1: classid 1:10 htb rate 100mbit
check "tc netem" tc -n a qdisc add dev va parent 1:10 handle 10: netem delay 2ms
command -v ping >/dev/null && check "ping" ip netns exec a ping -c 2 -W 2 10.9.0.2

ip netns exec b tcpdump -i vb -c 10 -w /tmp/cap.pcap >/dev/null 2>&1 &
dump=$!
ip netns exec b iperf3 -s -1 >/dev/null 2>&1 &
sleep 1
check "iperf3 2s" ip netns exec a iperf3 -c 10.9.0.2 -t 2
wait "$dump"
check "tcpdump captured" sh -c '[ "$(tcpdump -r /tmp/cap.pcap 2>/dev/null | wc -l)" -ge 10 ]'
wait

echo "# uptime $(cut -d' ' -f1 /proc/uptime)s, memory used $(free -m | awk '/^Mem/ { print $3 }') MiB" >"$res"
exit "$fails"
