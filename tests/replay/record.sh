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
#   late     late offer: INVITE without SDP, offer in the 200, answer in the ACK
#   fork     two 183s with SDP from two early dialogs (media 7000 and 7002), 200 from the second
#   fork1    the same, the 200 from the first; the second answers PCMA
#   reoffer  re-INVITE without SDP: the UAS offers port 7010 in its 200, the ACK answers
#   update   mid-call UPDATE moving the UAC's media from 6000 to 6002
#   eupdate  reliable 183 answering PCMU, PRACK, early UPDATE to G.729, then 200 without SDP
#   compact  compact header forms (v f t i m c l k s) in requests and responses
#   multipart  INVITE body multipart/mixed: application/sdp and a text/plain part
#   rtcpattr a=rtcp:6101 (UAC) and a=rtcp:7101 IN IP4 10.99.0.2 (UAS), RFC 3605
#   rtcpmux  a=rtcp-mux on both sides
#   video    audio + H.264 video (6002/7002), video sized by b=AS:2000 / b=TIAS:1000000
#   t38      audio call, then a re-INVITE to m=image udptl t38 (6004/7004)
#   t38add   the same with m=audio 0 kept and m=image added (RFC 3264 style)
#   muxoffer a=rtcp-mux in the offer only
#   inactive re-INVITE a=inactive answered a=inactive
#   refused  re-INVITE offering only G.729, refused with 488
#   ecancel  183 with the answer, then CANCEL, 487
#   retrans  the UAC's ACK 1.2 s late: the UAS retransmits its 200
#   media6   IPv6 (any NAME6 runs over IPv6): c= per m-line only, a=rtcp IN IP6, VP8 video
#            sized by b=TIAS
#   tcpseg   TCP with the veth MTU at 576 and GSO off: a 1.5 kB INVITE goes in several
#            segments; the UAS writes its 180 and 200 with one send (merged)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: record.sh OUTDIR [SCENARIO...]}
shift
scenarios=("$@")
[[ ${#scenarios[@]} -gt 0 ]] || scenarios=(basic tcp ipv6 hold early prack cancel busy codec late fork
	fork1 reoffer update eupdate compact multipart rtcpattr rtcpmux muxoffer video media6 t38 t38add retrans
	inactive refused ecancel tcpseg)
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

# link_segments MTU GSO-MAX-SIZE GSO-MAX-SEGS: on both ends of the veth pair (veth's
# defaults: 1500 65536 65535).
link_segments() {
	local ns
	for ns in "$uac" "$uas"; do
		ip -n "$ns" link set veth0 mtu "$1" gso_max_size "$2" gso_max_segs "$3" || return 1
	done
}

record() {
	local name=$1 uacsf uassf tflag=() proto=u v6=false dst=10.99.0.2 src=10.99.0.1
	local tpid upid rc=0 link=(1500 65536 65535)

	case $name in
	basic) uacsf=(-sn uac) uassf=(-sn uas) ;;
	tcp) uacsf=(-sn uac) uassf=(-sn uas) tflag=(-t t1) proto=t ;;
	ipv6) uacsf=(-sn uac) uassf=(-sn uas) v6=true dst=fd00:99::2 src=fd00:99::1 ;;
	*)
		# tcpseg: TCP, and a link that makes TCP cut messages (MTU 576, so MSS 536); GSO
		# off (one segment per skb), or tcpdump would see unsegmented super-packets.
		# NAME6: over IPv6.
		if [[ $name == *6 ]]; then
			v6=true
			dst=fd00:99::2
			src=fd00:99::1
		fi
		if [[ $name == tcpseg ]]; then
			tflag=(-t t1)
			proto=t
			link=(576 536 1)
		fi
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
	# Every scenario sets the link: one that failed half-way must not leave its MTU behind.
	link_segments "${link[@]}" || return 1

	ip netns exec "$uac" timeout 30 tcpdump -i veth0 -s 0 -U --immediate-mode -Z root -w "$out/$name.pcap" \
		>"$out/$name.tcpdump.log" 2>&1 &
	tpid=$!
	pids+=("$tpid")
	wait_for 5 grep -qs 'listening on' "$out/$name.tcpdump.log" || {
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
