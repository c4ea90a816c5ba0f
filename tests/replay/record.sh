#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# record.sh OUTDIR [SCENARIO...]
#
# Records real SIP exchanges for the replay tests: two network namespaces joined by a veth
# pair, sipp as UAS in one and as UAC in the other, tcpdump on the UAC's end of the link.
# One capture per scenario, OUTDIR/NAME.pcap, plus NAME.uac.log/NAME.uas.log. Needs root
# (ip netns); everything it creates is named after this run and removed on exit.
#
# Addresses: UAC 10.99.0.1 / fd00:99::1, media port 6000; UAS 10.99.0.2 / fd00:99::2,
# media port 7000; SIP on 5060 on both sides.
#
# Scenarios (sipp built-ins or scenarios/uac_NAME.xml + scenarios/uas_NAME.xml):
#   basic    built-in uac/uas over UDP/IPv4
#   tcp      built-in uac/uas over TCP (-t t1)
#   ipv6     built-in uac/uas over UDP/IPv6
#   hold     re-INVITE a=sendonly answered recvonly, then a re-INVITE back to sendrecv
#   early    183 with the answer SDP, then 200 with the same SDP
#   prack    reliable 183 (100rel) with the answer, PRACK, 200
#   cancel   180, CANCEL, 487
#   busy     486
#   codec    re-INVITE from PCMU to G.729
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: record.sh OUTDIR [SCENARIO...]}
shift
scenarios=("$@")
[[ ${#scenarios[@]} -gt 0 ]] || scenarios=(basic tcp ipv6 hold early prack cancel busy codec)
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [[ $(id -u) != 0 ]]; then
	echo "record.sh: needs root (network namespaces)" >&2
	exit 77
fi
for t in sipp tcpdump ip timeout; do
	command -v "$t" >/dev/null || { echo "record.sh: $t not installed" >&2; exit 77; }
done

run=vqr$$
uac=$run-uac
uas=$run-uas
pids=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	ip netns del "$uac" 2>/dev/null || true
	ip netns del "$uas" 2>/dev/null || true
}
trap cleanup EXIT

ip netns add "$uac"
ip netns add "$uas"
ip link add veth0 netns "$uac" type veth peer name veth0 netns "$uas"
for ns in "$uac" "$uas"; do
	ip -n "$ns" link set lo up
	ip -n "$ns" link set veth0 up
done
ip -n "$uac" addr add 10.99.0.1/24 dev veth0
ip -n "$uas" addr add 10.99.0.2/24 dev veth0
ip -n "$uac" addr add fd00:99::1/64 dev veth0 nodad
ip -n "$uas" addr add fd00:99::2/64 dev veth0 nodad

# wait_for SECONDS CMD...: poll CMD every 0.1 s, bounded.
wait_for() {
	local limit=$(($1 * 10)) i
	shift
	for ((i = 0; i < limit; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# uas_listening PROTO ADDR: is sipp's SIP socket bound in the UAS namespace?
# shellcheck disable=SC2317 # called through wait_for
uas_listening() {
	ip netns exec "$uas" ss -Hln"$1" "sport = :5060" | grep -q .
}

record() {
	local name=$1 uacsf uassf tflag=() proto=u v6=false dst=10.99.0.2 src=10.99.0.1
	local tpid upid rc=0

	case $name in
	basic) uacsf=(-sn uac) uassf=(-sn uas) ;;
	tcp) uacsf=(-sn uac) uassf=(-sn uas) tflag=(-t t1) proto=t ;;
	ipv6) uacsf=(-sn uac) uassf=(-sn uas) v6=true dst=fd00:99::2 src=fd00:99::1 ;;
	*)
		[[ -f $here/scenarios/uac_$name.xml || -f $here/scenarios/uas_$name.xml ]] || {
			echo "record.sh: unknown scenario $name" >&2
			return 1
		}
		uacsf=(-sn uac)
		uassf=(-sn uas)
		[[ -f $here/scenarios/uac_$name.xml ]] && uacsf=(-sf "$here/scenarios/uac_$name.xml")
		[[ -f $here/scenarios/uas_$name.xml ]] && uassf=(-sf "$here/scenarios/uas_$name.xml")
		;;
	esac
	rm -f "$out/$name.pcap" "$out/$name".*.log

	ip netns exec "$uac" timeout 30 tcpdump -i veth0 -s 0 -U --immediate-mode -Z root -w "$out/$name.pcap" \
		>"$out/$name.tcpdump.log" 2>&1 &
	tpid=$!
	pids+=("$tpid")
	wait_for 5 grep -q 'listening on' "$out/$name.tcpdump.log" || {
		echo "record.sh: $name: tcpdump did not start" >&2
		return 1
	}

	local rdst=$dst
	$v6 && rdst="[$dst]"
	ip netns exec "$uas" timeout 30 sipp "${uassf[@]}" "${tflag[@]}" -i "$dst" -p 5060 \
		-mp 7000 -m 1 -nostdin -trace_err -error_file "$out/$name.uas.err" \
		>"$out/$name.uas.log" 2>&1 &
	upid=$!
	pids+=("$upid")
	wait_for 5 uas_listening "$proto" || {
		echo "record.sh: $name: sipp UAS did not start" >&2
		return 1
	}
	ip netns exec "$uac" timeout 30 sipp "${uacsf[@]}" "${tflag[@]}" -i "$src" -p 5060 \
		-mp 6000 -m 1 -d 500 -s bob -nostdin -timeout 20 -timeout_error \
		-trace_err -error_file "$out/$name.uac.err" "$rdst:5060" \
		>"$out/$name.uac.log" 2>&1 </dev/null || rc=$?
	# The UAS may sit in its timewait: its part of the capture is complete.
	sleep 0.2
	kill "$upid" 2>/dev/null || true
	wait "$upid" 2>/dev/null || true
	kill -INT "$tpid" 2>/dev/null || true
	wait "$tpid" 2>/dev/null || true
	if ((rc != 0)); then
		echo "record.sh: $name: sipp UAC exit $rc (see $out/$name.uac.log, .uac.err)" >&2
		return 1
	fi
	echo "recorded $out/$name.pcap"
}

failed=0
for s in "${scenarios[@]}"; do
	record "$s" || failed=1
done
exit $failed
