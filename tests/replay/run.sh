#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [VOICEQOS [VOICEQOS-ASAN]]   (tests/run.sh part "replay")
#
# Records the scenarios of record.sh with sipp in network namespaces, runs
# `voiceqos replay --json` on each capture and checks the calls and the exact flows and
# reservations with jq; times are checked against the frames tshark finds in the same
# capture. Also: the same calls written by gencalls.py under every link type must replay
# identically, config options must change the result as documented, and errors must be
# reported as documented, and 300 damaged copies of the recorded captures (bytes changed,
# records cut) must never crash the ASan/UBSan build (agent/build/asan/voiceqos). Prints `ok - replay: ...` / `not ok - replay: ...` lines.
#
# Expected reservations (defaults: Ethernet, 5 % RTCP, EF): G.711 20 ms = 87.2 kbit/s per
# direction over IPv4, 95.2 over IPv6; its RTCP 4.36 (4.76); G.729 20 ms = 31.2, RTCP 1.56.
# The UAC is 10.99.0.1 / fd00:99::1 with media port 6000, the UAS 10.99.0.2 / fd00:99::2
# with 7000 (record.sh).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
vq=${1:-$top/agent/voiceqos}
vq_asan=${2:-$top/agent/build/asan/voiceqos}
out=$top/build/replay
mkdir -p "$out"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - replay: $*"; }
notok() { failed=$((failed + 1)); echo "not ok - replay: $*"; }
# check NAME CONDITION-OUTPUT: ok if the command succeeds, else not ok with its output.
check() {
	local name=$1 msg
	shift
	if msg=$("$@" 2>&1); then
		ok "$name"
	else
		notok "$name: $(tr '\n' ' ' <<<"$msg" | cut -c1-300)"
	fi
}

if [[ ! -x $vq ]]; then
	notok "no voiceqos binary at $vq"
	echo "$passed passed, $failed failed"
	exit 1
fi

# flows_of JSON CALL-INDEX: one sorted line per flow entry: what the kernel would get.
# RTCP lines leave out codec and ptime (they describe the RTP stream they go with).
flows_of() {
	jq -r --argjson i "$2" '.calls[$i].flows[] |
		if .kind == "rtp" then
			"\(.kind) \(.media) \(.src) -> \(.dst) \(.codec) \(.ptime_ms) ms \(.kbps) dscp \(.dscp) \(if .removed_at == null then "open" else "removed" end)"
		else
			"\(.kind) \(.media) \(.src) -> \(.dst) \(.kbps) dscp \(.dscp) \(if .removed_at == null then "open" else "removed" end)"
		end' "$1" | sort
}

# expect_flows JSON CALL-INDEX EXPECTED-LINES
expect_flows() {
	local got want
	got=$(flows_of "$1" "$2") || return 1
	want=$(sort <<<"$3")
	if [[ $got != "$want" ]]; then
		echo "flows differ:"
		diff <(echo "$want") <(echo "$got") | grep '^[<>]'
		return 1
	fi
}

# expect_jq JSON FILTER: the filter must print true.
expect_jq() {
	local r
	r=$(jq -r "$2" "$1" 2>&1)
	[[ $r == true ]] || { echo "jq '$2' gave: $r"; return 1; }
}

# t_of PCAP FILTER [N]: epoch time of the Nth (default 1st) frame tshark matches.
t_of() {
	tshark -r "$1" -Y "$2" -T fields -e frame.time_epoch 2>/dev/null | sed -n "${3:-1}p"
}

# sip_count PCAP: SIP messages in the capture by tshark's count.
sip_count() {
	tshark -r "$1" -Y sip -T fields -e sip.CSeq.method 2>/dev/null | tr ',' '\n' | grep -c .
}

# near A B: two epoch times within 2 us.
near() {
	awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && b != "" && d < 0.000002) }'
}

# check_times JSON PCAP INSTALL-FILTER REMOVE-FILTER: every flow entry installed at the
# first frame matching the first filter; removed at the first frame of the second (or
# left open if it is empty).
check_times() {
	local json=$1 pcap=$2 tin tout t
	tin=$(t_of "$pcap" "$3")
	[[ -n $tin ]] || { echo "no frame for '$3'"; return 1; }
	while read -r t; do
		near "$t" "$tin" || { echo "installed_at $t, answer frame at $tin"; return 1; }
	done < <(jq -r '.calls[0].flows[].installed_at' "$json")
	[[ -n $4 ]] || return 0
	tout=$(t_of "$pcap" "$4")
	[[ -n $tout ]] || { echo "no frame for '$4'"; return 1; }
	while read -r t; do
		near "$t" "$tout" || { echo "removed_at $t, release frame at $tout"; return 1; }
	done < <(jq -r '.calls[0].flows[].removed_at' "$json")
}

g711_v4="rtp audio * -> 10.99.0.1:6000 PCMU/8000 20 ms 87.2 dscp 46 removed
rtp audio * -> 10.99.0.2:7000 PCMU/8000 20 ms 87.2 dscp 46 removed
rtcp audio * -> 10.99.0.1:6001 4.36 dscp 46 removed
rtcp audio * -> 10.99.0.2:7001 4.36 dscp 46 removed"

# call_is JSON TRANSPORT STATUS: one call, from/to/Call-ID as sent, no parse errors, every
# SIP message of the capture counted.
call_is() {
	local json=$1 pcap=$2 tr=$3 st=$4 cid n
	cid=$(tshark -r "$pcap" -Y sip -T fields -e sip.Call-ID 2>/dev/null | head -n 1)
	n=$(sip_count "$pcap")
	expect_jq "$json" "(.calls | length) == 1 and .calls[0].call_id == \"$cid\" and
		.calls[0].transport == \"$tr\" and .calls[0].final_status == $st and
		(.calls[0].from | startswith(\"sip:\")) and (.calls[0].to | startswith(\"sip:bob@\")) and
		.summary.parse_errors == 0 and .summary.messages == $n and .summary.calls == 1 and
		.summary.flows == (.calls[0].flows | length)"
}

# --- recorded with sipp ---
rec_log=$out/record.log
if [[ $(id -u) != 0 ]]; then
	notok "recording needs root (ip netns)"
elif ! timeout -k 5 90 "$here/record.sh" "$out" >"$rec_log" 2>&1; then
	notok "recording: $(grep -v '^recorded' "$rec_log" | tail -n 3 | tr '\n' ' ')"
fi

replay_json() {	# NAME [OPTIONS...]: $out/NAME.json from $out/NAME.pcap
	local name=$1
	shift
	"$vq" replay --json "$@" "$out/$name.pcap" >"$out/$name.json" 2>"$out/$name.err"
}

scenario() {	# NAME: recorded and replayed?
	[[ -s $out/$1.pcap ]] || { notok "$1: no capture recorded"; return 1; }
	replay_json "$1" || { notok "$1: replay exit $?: $(head -c 300 "$out/$1.err")"; return 1; }
	jq -e . "$out/$1.json" >/dev/null 2>&1 || { notok "$1: output is not JSON"; return 1; }
}

if scenario basic; then
	check "basic: call" call_is "$out/basic.json" "$out/basic.pcap" udp 200
	check "basic: flows" expect_flows "$out/basic.json" 0 "$g711_v4"
	check "basic: installed at the 200, removed at the BYE" check_times \
		"$out/basic.json" "$out/basic.pcap" 'sip.Status-Code == 200 && sip.CSeq.method == "INVITE"' \
		'sip.Method == "BYE"'
	check "basic: same capture, table output" bash -c \
		"'$vq' replay '$out/basic.pcap' | grep -q '10.99.0.2:7000  PCMU/8000 20 ms  87.2 kbit/s  dscp 46'"
fi
if scenario tcp; then
	check "tcp: call" call_is "$out/tcp.json" "$out/tcp.pcap" tcp 200
	check "tcp: flows" expect_flows "$out/tcp.json" 0 "$g711_v4"
fi
if scenario ipv6; then
	check "ipv6: call" call_is "$out/ipv6.json" "$out/ipv6.pcap" udp 200
	check "ipv6: flows" expect_flows "$out/ipv6.json" 0 \
		"rtp audio * -> [fd00:99::1]:6000 PCMU/8000 20 ms 95.2 dscp 46 removed
rtp audio * -> [fd00:99::2]:7000 PCMU/8000 20 ms 95.2 dscp 46 removed
rtcp audio * -> [fd00:99::1]:6001 4.76 dscp 46 removed
rtcp audio * -> [fd00:99::2]:7001 4.76 dscp 46 removed"
fi
if scenario hold; then
	check "hold: call" call_is "$out/hold.json" "$out/hold.pcap" udp 200
	# On hold the UAC only sends: no RTP towards it until the resume re-INVITE.
	check "hold: flows" expect_flows "$out/hold.json" 0 "$g711_v4
rtp audio * -> 10.99.0.1:6000 PCMU/8000 20 ms 87.2 dscp 46 removed"
	check "hold: RTP to the UAC removed at the hold answer, back at the resume answer" \
		bash -c "t1=\$(tshark -r '$out/hold.pcap' -Y 'sip.Status-Code == 200 && sip.CSeq.seq == 3' -T fields -e frame.time_epoch 2>/dev/null | head -n1)
		t2=\$(tshark -r '$out/hold.pcap' -Y 'sip.Status-Code == 200 && sip.CSeq.seq == 4' -T fields -e frame.time_epoch 2>/dev/null | head -n1)
		jq -e --argjson t1 \"\$t1\" --argjson t2 \"\$t2\" '[.calls[0].flows[] | select(.kind == \"rtp\" and .dst == \"10.99.0.1:6000\")] |
			length == 2 and ((.[0].removed_at - \$t1) | fabs) < 0.000002 and ((.[1].installed_at - \$t2) | fabs) < 0.000002' '$out/hold.json' >/dev/null"
fi
if scenario early; then
	check "early: call" call_is "$out/early.json" "$out/early.pcap" udp 200
	check "early: flows" expect_flows "$out/early.json" 0 "$g711_v4"
	check "early: installed at the 183" check_times "$out/early.json" "$out/early.pcap" \
		'sip.Status-Code == 183' 'sip.Method == "BYE"'
fi
if scenario prack; then
	check "prack: call" call_is "$out/prack.json" "$out/prack.pcap" udp 200
	check "prack: flows" expect_flows "$out/prack.json" 0 "$g711_v4"
	check "prack: installed at the reliable 183" check_times "$out/prack.json" \
		"$out/prack.pcap" 'sip.Status-Code == 183' 'sip.Method == "BYE"'
fi
if scenario cancel; then
	check "cancel: call" call_is "$out/cancel.json" "$out/cancel.pcap" udp 487
	check "cancel: no flows" expect_jq "$out/cancel.json" '.calls[0].flows == []'
fi
if scenario busy; then
	check "busy: call" call_is "$out/busy.json" "$out/busy.pcap" udp 486
	check "busy: no flows" expect_jq "$out/busy.json" '.calls[0].flows == []'
fi
if scenario codec; then
	check "codec: call" call_is "$out/codec.json" "$out/codec.pcap" udp 200
	check "codec: PCMU re-sized to G.729" expect_flows "$out/codec.json" 0 "$g711_v4
rtp audio * -> 10.99.0.1:6000 G729/8000 20 ms 31.2 dscp 46 removed
rtp audio * -> 10.99.0.2:7000 G729/8000 20 ms 31.2 dscp 46 removed
rtcp audio * -> 10.99.0.1:6001 1.56 dscp 46 removed
rtcp audio * -> 10.99.0.2:7001 1.56 dscp 46 removed"
fi

# --- scenarios of the offer/answer variants (record.sh: late ... tcpseg) ---

# flow_times JSON PCAP DSTS INSTALL-FILTER INSTALL-N [REMOVE-FILTER]: every flow entry
# towards one of DSTS (space-separated IP:PORT) installed at the INSTALL-Nth frame matching
# INSTALL-FILTER, removed at the first frame matching REMOVE-FILTER (none: still open).
flow_times() {
	local json=$1 pcap=$2 tin tout=null n
	tin=$(t_of "$pcap" "$4" "$5")
	[[ -n $tin ]] || { echo "no frame $5 for '$4'"; return 1; }
	if [[ -n ${6:-} ]]; then
		tout=$(t_of "$pcap" "$6")
		[[ -n $tout ]] || { echo "no frame for '$6'"; return 1; }
	fi
	n=$(jq --arg d "$3" --argjson tin "$tin" --argjson tout "$tout" '[.calls[0].flows[] |
		select(.dst as $x | $d | split(" ") | index($x))] |
		if length == 0 then -1 else
		map(select(((.installed_at - $tin) | fabs) >= 0.000002 or
			(if $tout == null then .removed_at != null
			 else .removed_at == null or ((.removed_at - $tout) | fabs) >= 0.000002 end))) |
		length end' "$json") || return 1
	[[ $n == 0 ]] && return 0
	[[ $n == -1 ]] && { echo "no flow towards $3"; return 1; }
	echo "$n flows towards $3 not installed at $tin ('$4' #$5) / removed at $tout ('$6'):"
	jq -c --arg d "$3" '.calls[0].flows[] | select(.dst as $x | $d | split(" ") | index($x)) |
		[.kind, .dst, .installed_at, .removed_at]' "$json"
	return 1
}
# compact_only PCAP: every SIP message has its Call-ID and From in compact form (i: f:).
compact_only() {
	local all compact
	all=$(tshark -r "$1" -Y sip 2>/dev/null | wc -l)
	compact=$(tshark -r "$1" -Y 'sip && frame contains "\r\ni: " && frame contains "\r\nf: "' \
		2>/dev/null | wc -l)
	((all > 0 && all == compact)) || { echo "$compact of $all SIP frames in compact form"; return 1; }
}

# segmented PCAP: the INVITE came in 3 segments or more and the 200 in 2 or more (its
# start shares a segment with the 180): else the capture no longer tests reassembly.
segmented() {
	local i o
	i=$(tshark -r "$1" -Y 'sip.Method == "INVITE"' -T fields -e tcp.segment.count 2>/dev/null)
	o=$(tshark -r "$1" -Y "$inv200" -T fields -e tcp.segment.count 2>/dev/null)
	((${i:-0} >= 3 && ${o:-0} >= 2)) || { echo "INVITE in ${i:-1} segments, 200 in ${o:-1}"; return 1; }
}
rei200='sip.Status-Code == 200 && sip.CSeq.seq == 3'	# re-INVITEs of t38, t38add, inactive
inv200='sip.Status-Code == 200 && sip.CSeq.method == "INVITE"'
bye='sip.Method == "BYE"'

if scenario late; then
	check "late: call" call_is "$out/late.json" "$out/late.pcap" udp 200
	check "late: flows" expect_flows "$out/late.json" 0 "$g711_v4"
	# The 200 only offers: nothing is reserved before the answer in the ACK.
	check "late: installed at the ACK's answer, removed at the BYE" check_times \
		"$out/late.json" "$out/late.pcap" 'sip.Method == "ACK"' "$bye"
fi
if scenario fork; then
	check "fork: call" call_is "$out/fork.json" "$out/fork.pcap" udp 200
	check "fork: flows of both early dialogs" expect_flows "$out/fork.json" 0 "$g711_v4
rtp audio * -> 10.99.0.2:7002 PCMU/8000 20 ms 87.2 dscp 46 removed
rtcp audio * -> 10.99.0.2:7003 4.36 dscp 46 removed"
	check "fork: caller's flows from the first 183 to the BYE" flow_times "$out/fork.json" \
		"$out/fork.pcap" "10.99.0.1:6000 10.99.0.1:6001" 'sip.Status-Code == 183' 1 "$bye"
	check "fork: losing early dialog's flows from the first 183 to the 200" flow_times \
		"$out/fork.json" "$out/fork.pcap" "10.99.0.2:7000 10.99.0.2:7001" \
		'sip.Status-Code == 183' 1 "$inv200"
	check "fork: winning early dialog's flows from the second 183 to the BYE" flow_times \
		"$out/fork.json" "$out/fork.pcap" "10.99.0.2:7002 10.99.0.2:7003" \
		'sip.Status-Code == 183' 2 "$bye"
fi
if scenario fork1; then
	check "fork1: call" call_is "$out/fork1.json" "$out/fork1.pcap" udp 200
	# The second early dialog answers PCMA on 7002; the 200 comes from the first (PCMU,
	# 7000). The caller's flow keeps its size (PCMA and PCMU are both 87.2): no new entry.
	check "fork1: flows of both early dialogs" expect_flows "$out/fork1.json" 0 "$g711_v4
rtp audio * -> 10.99.0.2:7002 PCMA/8000 20 ms 87.2 dscp 46 removed
rtcp audio * -> 10.99.0.2:7003 4.36 dscp 46 removed"
	check "fork1: winning early dialog's flows from the first 183 to the BYE" flow_times \
		"$out/fork1.json" "$out/fork1.pcap" \
		"10.99.0.1:6000 10.99.0.1:6001 10.99.0.2:7000 10.99.0.2:7001" \
		'sip.Status-Code == 183' 1 "$bye"
	check "fork1: losing early dialog's flows from the second 183 to the 200" flow_times \
		"$out/fork1.json" "$out/fork1.pcap" "10.99.0.2:7002 10.99.0.2:7003" \
		'sip.Status-Code == 183' 2 "$inv200"
fi
if scenario reoffer; then
	check "reoffer: call" call_is "$out/reoffer.json" "$out/reoffer.pcap" udp 200
	check "reoffer: UAS's flows move from 7000 to 7010" expect_flows "$out/reoffer.json" 0 \
		"$g711_v4
rtp audio * -> 10.99.0.2:7010 PCMU/8000 20 ms 87.2 dscp 46 removed
rtcp audio * -> 10.99.0.2:7011 4.36 dscp 46 removed"
	# The re-INVITE has no SDP: its 200 offers, the ACK answers; the move is at the ACK.
	reack='sip.Method == "ACK" && sip.CSeq.seq == 3'
	check "reoffer: old port removed at the re-INVITE's ACK" flow_times "$out/reoffer.json" \
		"$out/reoffer.pcap" "10.99.0.2:7000 10.99.0.2:7001" "$inv200" 1 "$reack"
	check "reoffer: new port installed at the re-INVITE's ACK" flow_times \
		"$out/reoffer.json" "$out/reoffer.pcap" "10.99.0.2:7010 10.99.0.2:7011" "$reack" 1 "$bye"
	check "reoffer: UAC's flows untouched" flow_times "$out/reoffer.json" "$out/reoffer.pcap" \
		"10.99.0.1:6000 10.99.0.1:6001" "$inv200" 1 "$bye"
fi
if scenario update; then
	check "update: call" call_is "$out/update.json" "$out/update.pcap" udp 200
	check "update: UAC's flows move from 6000 to 6002" expect_flows "$out/update.json" 0 \
		"$g711_v4
rtp audio * -> 10.99.0.1:6002 PCMU/8000 20 ms 87.2 dscp 46 removed
rtcp audio * -> 10.99.0.1:6003 4.36 dscp 46 removed"
	upd200='sip.Status-Code == 200 && sip.CSeq.method == "UPDATE"'
	check "update: old port removed at the UPDATE's 200" flow_times "$out/update.json" \
		"$out/update.pcap" "10.99.0.1:6000 10.99.0.1:6001" "$inv200" 1 "$upd200"
	check "update: new port installed at the UPDATE's 200" flow_times "$out/update.json" \
		"$out/update.pcap" "10.99.0.1:6002 10.99.0.1:6003" "$upd200" 1 "$bye"
	# The UAS's answer to the UPDATE repeats its SDP: its flows stay as they were.
	check "update: UAS's flows untouched" flow_times "$out/update.json" "$out/update.pcap" \
		"10.99.0.2:7000 10.99.0.2:7001" "$inv200" 1 "$bye"
fi
if scenario compact; then
	check "compact: every SIP message of the capture in compact form" compact_only \
		"$out/compact.pcap"
	check "compact: call" call_is "$out/compact.json" "$out/compact.pcap" udp 200
	check "compact: flows" expect_flows "$out/compact.json" 0 "$g711_v4"
	check "compact: installed at the 200, removed at the BYE" check_times \
		"$out/compact.json" "$out/compact.pcap" "$inv200" "$bye"
fi
if scenario multipart; then
	check "multipart: call" call_is "$out/multipart.json" "$out/multipart.pcap" udp 200
	# The text/plain part carries an m=audio 9 line: not SDP, no flow.
	check "multipart: flows from the application/sdp part only" expect_flows \
		"$out/multipart.json" 0 "$g711_v4"
	check "multipart: installed at the 200, removed at the BYE" check_times \
		"$out/multipart.json" "$out/multipart.pcap" "$inv200" "$bye"
fi
if scenario rtcpattr; then
	check "rtcpattr: call" call_is "$out/rtcpattr.json" "$out/rtcpattr.pcap" udp 200
	check "rtcpattr: RTCP to the a=rtcp ports" expect_flows "$out/rtcpattr.json" 0 \
		"$(sed -e 's/:6001 /:6101 /; s/:7001 /:7101 /' <<<"$g711_v4")"
fi
if scenario rtcpmux; then
	check "rtcpmux: call" call_is "$out/rtcpmux.json" "$out/rtcpmux.pcap" udp 200
	check "rtcpmux: RTP flows only" expect_flows "$out/rtcpmux.json" 0 \
		"$(grep '^rtp ' <<<"$g711_v4")"
fi
if scenario video; then
	check "video: call" call_is "$out/video.json" "$out/video.pcap" udp 200
	jq '.calls[0].flows |= map(select(.media == "audio"))' "$out/video.json" \
		>"$out/video-audio.json"
	check "video: audio flows as G.711" expect_flows "$out/video-audio.json" 0 "$g711_v4"
	# 1200-byte payloads, packet rate rounded up to 1/1000 packet/s, 1258 wire bytes each:
	# b=AS:2000 -> 208.334 packet/s = 2096674 bit/s; b=TIAS:1000000 -> 104.167 packet/s =
	# 1048337 bit/s. RTCP 5 % of that, rounded up. DSCP AF41 (34).
	check "video: flows sized from the receiver's b=AS / b=TIAS" expect_jq "$out/video.json" \
		'[.calls[0].flows[] | select(.media == "video") |
		  "\(.kind) \(.src) \(.dst) \(.codec) \(.kbps * 1000 | round) \(.dscp) \(.removed_at != null)"] |
		 sort == ["rtcp * 10.99.0.1:6003 H264/90000 104834 34 true",
			"rtcp * 10.99.0.2:7003 H264/90000 52417 34 true",
			"rtp * 10.99.0.1:6002 H264/90000 2096674 34 true",
			"rtp * 10.99.0.2:7002 H264/90000 1048337 34 true"]'
	check "video: installed at the 200, removed at the BYE" check_times \
		"$out/video.json" "$out/video.pcap" "$inv200" "$bye"
fi
if scenario t38; then
	check "t38: call" call_is "$out/t38.json" "$out/t38.pcap" udp 200
	# UDPTL: 160-byte payloads every 20 ms + UDP 8 + IPv4 20 + Ethernet 18 = 82.4 kbit/s;
	# no RTCP for image streams.
	check "t38: audio replaced by image flows" expect_flows "$out/t38.json" 0 "$g711_v4
rtp image * -> 10.99.0.1:6004 t38 20 ms 82.4 dscp 46 removed
rtp image * -> 10.99.0.2:7004 t38 20 ms 82.4 dscp 46 removed"
	check "t38: audio flows removed at the re-INVITE's 200" flow_times "$out/t38.json" \
		"$out/t38.pcap" "10.99.0.1:6000 10.99.0.1:6001 10.99.0.2:7000 10.99.0.2:7001" \
		"$inv200" 1 "$rei200"
	check "t38: image flows from the re-INVITE's 200 to the BYE" flow_times "$out/t38.json" \
		"$out/t38.pcap" "10.99.0.1:6004 10.99.0.2:7004" "$rei200" 1 "$bye"
fi
if scenario retrans; then
	check "retrans: call" call_is "$out/retrans.json" "$out/retrans.pcap" udp 200
	# The ACK comes 1.2 s late: sipp's UAS retransmits the 200, which changes nothing.
	n200=$(tshark -r "$out/retrans.pcap" -Y "$inv200" 2>/dev/null | wc -l)
	check "retrans: the 200 retransmitted and every copy counted" expect_jq \
		"$out/retrans.json" ".summary.retransmissions == $((n200 - 1)) and $n200 >= 2"
	check "retrans: flows" expect_flows "$out/retrans.json" 0 "$g711_v4"
	check "retrans: installed at the first 200, removed at the BYE" check_times \
		"$out/retrans.json" "$out/retrans.pcap" "$inv200" "$bye"
fi
if scenario media6; then
	check "media6: call" call_is "$out/media6.json" "$out/media6.pcap" udp 200
	# IPv6, c= per m-line only, a=rtcp with an IPv6 address. Video: 1200-byte payloads in
	# 1278 wire bytes: b=TIAS:500000 -> 52.084 packet/s = 532507 bit/s, b=TIAS:800000 ->
	# 83.334 packet/s = 852007 bit/s; RTCP 5 % rounded up.
	jq '.calls[0].flows |= map(select(.media == "audio"))' "$out/media6.json" \
		>"$out/media6-audio.json"
	check "media6: audio flows" expect_flows "$out/media6-audio.json" 0 \
		"rtp audio * -> [fd00:99::1]:6000 PCMU/8000 20 ms 95.2 dscp 46 removed
rtp audio * -> [fd00:99::2]:7000 PCMU/8000 20 ms 95.2 dscp 46 removed
rtcp audio * -> [fd00:99::1]:6101 4.76 dscp 46 removed
rtcp audio * -> [fd00:99::2]:7101 4.76 dscp 46 removed"
	check "media6: video flows sized from the receiver's b=TIAS" expect_jq "$out/media6.json" \
		'[.calls[0].flows[] | select(.media == "video") |
		  "\(.kind) \(.src) \(.dst) \(.codec) \(.kbps * 1000 | round) \(.dscp) \(.removed_at != null)"] |
		 sort == ["rtcp * [fd00:99::1]:6003 VP8/90000 26626 34 true",
			"rtcp * [fd00:99::2]:7003 VP8/90000 42601 34 true",
			"rtp * [fd00:99::1]:6002 VP8/90000 532507 34 true",
			"rtp * [fd00:99::2]:7002 VP8/90000 852007 34 true"]'
fi
if scenario inactive; then
	check "inactive: call" call_is "$out/inactive.json" "$out/inactive.pcap" udp 200
	check "inactive: flows" expect_flows "$out/inactive.json" 0 "$g711_v4"
	# a=inactive both ways: no RTP either way from the re-INVITE's 200; RTCP goes on.
	check "inactive: RTP removed at the re-INVITE's 200" flow_times "$out/inactive.json" \
		"$out/inactive.pcap" "10.99.0.1:6000 10.99.0.2:7000" "$inv200" 1 "$rei200"
	check "inactive: RTCP kept until the BYE" flow_times "$out/inactive.json" \
		"$out/inactive.pcap" "10.99.0.1:6001 10.99.0.2:7001" "$inv200" 1 "$bye"
fi
if scenario refused; then
	check "refused: call" call_is "$out/refused.json" "$out/refused.pcap" udp 200
	# The G.729 re-INVITE is refused with 488: the G.711 flows stay as they were.
	check "refused: flows unchanged" expect_flows "$out/refused.json" 0 "$g711_v4"
	check "refused: installed at the 200, removed at the BYE" check_times \
		"$out/refused.json" "$out/refused.pcap" "$inv200" "$bye"
fi
if scenario ecancel; then
	check "ecancel: call" call_is "$out/ecancel.json" "$out/ecancel.pcap" udp 487
	check "ecancel: flows" expect_flows "$out/ecancel.json" 0 "$g711_v4"
	check "ecancel: installed at the 183, removed at the CANCEL" check_times \
		"$out/ecancel.json" "$out/ecancel.pcap" 'sip.Status-Code == 183' 'sip.Method == "CANCEL"'
fi
if scenario tcpseg; then
	check "tcpseg: INVITE in several segments, 180 and 200 merged" segmented \
		"$out/tcpseg.pcap"
	check "tcpseg: call" call_is "$out/tcpseg.json" "$out/tcpseg.pcap" tcp 200
	check "tcpseg: flows" expect_flows "$out/tcpseg.json" 0 "$g711_v4"
	check "tcpseg: installed at the segment completing the 200" check_times \
		"$out/tcpseg.json" "$out/tcpseg.pcap" "$inv200" "$bye"
fi
if scenario eupdate; then
	check "eupdate: call" call_is "$out/eupdate.json" "$out/eupdate.pcap" udp 200
	check "eupdate: PCMU re-sized to G.729 by the early UPDATE" expect_flows \
		"$out/eupdate.json" 0 "$g711_v4
rtp audio * -> 10.99.0.1:6000 G729/8000 20 ms 31.2 dscp 46 removed
rtp audio * -> 10.99.0.2:7000 G729/8000 20 ms 31.2 dscp 46 removed
rtcp audio * -> 10.99.0.1:6001 1.56 dscp 46 removed
rtcp audio * -> 10.99.0.2:7001 1.56 dscp 46 removed"
	eupd200='sip.Status-Code == 200 && sip.CSeq.method == "UPDATE"'
	for c in PCMU G729; do
		jq --arg c "$c/8000" '.calls[0].flows |= map(select(.codec == $c))' \
			"$out/eupdate.json" >"$out/eupdate-$c.json"
	done
	check "eupdate: G.711 flows from the reliable 183 to the UPDATE's 200" check_times \
		"$out/eupdate-PCMU.json" "$out/eupdate.pcap" 'sip.Status-Code == 183' "$eupd200"
	check "eupdate: G.729 flows from the UPDATE's 200 to the BYE" check_times \
		"$out/eupdate-G729.json" "$out/eupdate.pcap" "$eupd200" "$bye"
fi
if scenario t38add; then
	check "t38add: call" call_is "$out/t38add.json" "$out/t38add.pcap" udp 200
	# m=audio 0 disables the audio stream; the new m=image line gets its own flows.
	check "t38add: audio disabled, image flows added" expect_flows "$out/t38add.json" 0 \
		"$g711_v4
rtp image * -> 10.99.0.1:6004 t38 20 ms 82.4 dscp 46 removed
rtp image * -> 10.99.0.2:7004 t38 20 ms 82.4 dscp 46 removed"
	check "t38add: audio flows removed at the re-INVITE's 200" flow_times "$out/t38add.json" \
		"$out/t38add.pcap" "10.99.0.1:6000 10.99.0.1:6001 10.99.0.2:7000 10.99.0.2:7001" \
		"$inv200" 1 "$rei200"
	check "t38add: image flows from the re-INVITE's 200 to the BYE" flow_times \
		"$out/t38add.json" "$out/t38add.pcap" "10.99.0.1:6004 10.99.0.2:7004" "$rei200" 1 "$bye"
fi
if scenario muxoffer; then
	check "muxoffer: call" call_is "$out/muxoffer.json" "$out/muxoffer.pcap" udp 200
	# Only the offer has a=rtcp-mux: RTCP stays on port + 1 both ways.
	check "muxoffer: RTCP flows on port + 1" expect_flows "$out/muxoffer.json" 0 "$g711_v4"
fi

# --- the config changes what is reserved ---
if [[ -s $out/basic.pcap ]]; then
	conf=$out/test.conf
	printf '[media]\nvoice_dscp = AF41\nlink = vlan\n' >"$conf"
	if replay_json basic --config "$conf"; then
		check "config: vlan overhead and AF41" expect_flows "$out/basic.json" 0 \
			"$(sed -e 's/87.2/88.8/; s/4.36/4.44/; s/dscp 46/dscp 34/' <<<"$g711_v4")"
	else
		notok "config: replay exit: $(head -c 300 "$out/basic.err")"
	fi
	printf '[sip]\nports = 5080\n' >"$conf"
	replay_json basic --config "$conf"
	check "config: other SIP ports see nothing" expect_jq "$out/basic.json" \
		'.calls == [] and .summary.messages == 0'
	printf '[sip]\ntrusted = 192.0.2.0/24\n' >"$conf"
	replay_json basic --config "$conf"
	check "config: untrusted peers get no flows" expect_jq "$out/basic.json" \
		'(.calls | length) == 1 and .calls[0].flows == [] and .summary.untrusted == 1'
	printf '[media]\nvoice_dscp = 46\nnonsense = 1\n' >"$conf"
	check "config: error names FILE:LINE, exit 2" bash -c \
		"'$vq' replay --config '$conf' '$out/basic.pcap' >/dev/null 2>'$out/err.txt'; rc=\$?
		 [[ \$rc == 2 ]] && grep -q '^voiceqos replay: $conf:3: ' '$out/err.txt' || { echo rc \$rc; cat '$out/err.txt'; exit 1; }"
fi

# --- errors ---
check "unreadable capture: exit 1 with libpcap's reason" bash -c \
	"'$vq' replay '$out/does-not-exist.pcap' >/dev/null 2>'$out/err.txt'; rc=\$?
	 [[ \$rc == 1 ]] && grep -q '^voiceqos replay: $out/does-not-exist.pcap: .*No such file' '$out/err.txt' || { echo rc \$rc; cat '$out/err.txt'; exit 1; }"
check "usage errors: exit 2 with the reason" bash -c "
	'$vq' replay >/dev/null 2>&1; [[ \$? == 2 ]] || exit 1
	'$vq' replay --config 2>&1 >/dev/null | grep -q -- '--config needs a value' || exit 1
	'$vq' replay --bogus x 2>&1 >/dev/null | grep -q \"unknown option '--bogus'\" || exit 1
	'$vq' replay a b 2>&1 >/dev/null | grep -q 'one CAPTURE only'"

# --- generated captures: every link type replays the same calls ---
gen=$here/gencalls.py
for link in en10mb vlan qinq pppoe sll sll2 raw null; do
	for v in 4 6; do
		f=$out/gen-$link-v$v.pcap
		if ! /usr/bin/python3 "$gen" --calls 20 --link "$link" --ipv "$v" --out "$f" 2>"$out/gen.err"; then
			notok "generated $link IPv$v: $(head -c 200 "$out/gen.err")"
			continue
		fi
		if ! "$vq" replay --json "$f" >"$out/gen.json" 2>"$out/gen.err"; then
			notok "generated $link IPv$v: replay exit: $(head -c 200 "$out/gen.err")"
			continue
		fi
		# Same calls whatever the framing; only the IP version changes sizes.
		sum=$(jq -c '[.summary.messages, .summary.parse_errors, .summary.calls, .summary.flows,
			([.calls[].flows[] | select(.kind == "rtp") | .kbps] | unique)]' "$out/gen.json")
		want="[140,0,20,80,[$([[ $v == 4 ]] && echo 87.2 || echo 95.2)]]"
		if [[ $sum == "$want" ]]; then
			ok "generated $link IPv$v: 20 calls, 80 flows"
		else
			notok "generated $link IPv$v: got $sum, want $want"
		fi
	done
done
f=$out/gen-frag.pcap
if /usr/bin/python3 "$gen" --calls 5 --link en10mb --ipv 4 --fragment-every 7 --out "$f" &&
	"$vq" replay --json "$f" >"$out/gen.json" 2>/dev/null; then
	# Every 7th message of 35 sent as two IPv4 fragments: 5 datagrams rebuilt.
	check "generated: IPv4 fragments reassembled" expect_jq "$out/gen.json" \
		'.summary.fragments == 10 and .summary.reassembled == 5 and
		.summary.messages == 35 and .summary.parse_errors == 0 and .summary.flows == 20'
else
	notok "generated: fragments: generator or replay failed"
fi

# A refused SDP is counted and said on its call: no flows, and why (the log line is at info,
# below replay's default level, so the reason must be in the output itself).
f=$out/gen-badsdp.pcap
if /usr/bin/python3 "$gen" --calls 4 --bad-sdp-every 2 --out "$f" &&
	"$vq" replay --json "$f" >"$out/gen.json" 2>"$out/gen.err"; then
	check "generated: refused SDPs counted in sdp_errors, reason noted on the call" expect_jq \
		"$out/gen.json" '.summary.sdp_errors == 2 and .summary.parse_errors == 0 and
		.summary.flows == 8 and ([.calls[] | select(.flows == [])] | length) == 2 and
		([.calls[] | select(.flows == []) | .notes] | unique) ==
			[["SDP refused: m= line 1: port 70000 out of range"]] and
		([.calls[] | select(.flows != []) | .notes] | unique) == [[]]'
	check "generated: refused SDPs in the table" bash -c \
		"'$vq' replay '$f' >'$out/gen.txt' &&
		 [[ \$(grep -c '^  note: SDP refused: m= line 1: port 70000 out of range$' '$out/gen.txt') == 2 ]] &&
		 grep -q ', 2 SDP bodies refused$' '$out/gen.txt' || { cat '$out/gen.txt'; exit 1; }"
else
	notok "generated: bad SDP: $(head -c 200 "$out/gen.err")"
fi
# The trust note: the reason untrusted calls have no flows.
if [[ -s $out/basic.pcap ]]; then
	printf '[sip]\ntrusted = 192.0.2.0/24\n' >"$out/trust.conf"
	replay_json basic --config "$out/trust.conf"
	check "config: untrusted call notes why" expect_jq "$out/basic.json" \
		'.calls[0].notes | length == 1 and (.[0] | endswith("is a trusted signalling peer: no reservation"))'
fi
# kbps is a JSON float even when whole: with link = none G.711 20 ms over IPv4 is exactly
# 80 kbit/s and its RTCP 4. jq shows 80.0 as 80, so the text is checked.
printf '[media]\nlink = none\n' >"$out/whole.conf"
if /usr/bin/python3 "$gen" --calls 1 --out "$out/gen-whole.pcap" &&
	"$vq" replay --json --config "$out/whole.conf" "$out/gen-whole.pcap" >"$out/gen.json" 2>"$out/gen.err"; then
	check "whole kbps printed with a decimal point (80.0, 4.0)" bash -c \
		"[[ \$(grep -o '\"kbps\":[0-9.]*' '$out/gen.json' | sort | uniq -c | awk '{print \$1, \$2}' | tr '\n' ' ') == \
			'2 \"kbps\":4.0 2 \"kbps\":80.0 ' ]] || { grep -o '\"kbps\":[^,]*' '$out/gen.json'; exit 1; }"
else
	notok "whole kbps: $(head -c 200 "$out/gen.err")"
fi

# Timeouts run on the capture's clock: calls 4, 9 and 14 of 20 (1 s apart) ring unanswered
# and reach early_timeout = 4 s before the capture ends; call 19 does not.
f=$out/gen-timeout.pcap
printf '[dialog]\nearly_timeout = 4\n' >"$out/timeout.conf"
if /usr/bin/python3 "$gen" --calls 20 --spacing-ms 1000 --unanswered-every 5 --out "$f" &&
	"$vq" replay --json --config "$out/timeout.conf" "$f" >"$out/gen.json" 2>"$out/gen.err"; then
	check "generated: unanswered calls end by early timeout on the capture clock" expect_jq \
		"$out/gen.json" '.summary.timeouts == 3 and .summary.calls == 20 and
		([.calls[] | select(.final_status == null)] | length) == 4 and
		([.calls[] | select(.state == "ended")] | length) == 19'
else
	notok "generated: timeouts: $(head -c 200 "$out/gen.err")"
fi

# --- damaged captures: exit 0 or 1, never a crash or a sanitizer report ---
fuzz() {
	local dir=$out/fuzz f rc bad=0 n=0
	rm -rf "$dir"
	mkdir -p "$dir"
	/usr/bin/python3 - "$dir" "$out"/{basic,tcp,ipv6,hold,prack,tcpseg,multipart,compact}.pcap <<'PY' || return 1
import random, sys
out, srcs = sys.argv[1], [open(p, "rb").read() for p in sys.argv[2:]]
rng = random.Random(3)
for i in range(300):
    b = bytearray(rng.choice(srcs))
    for _ in range(rng.randint(1, 40)):
        at = rng.randrange(24, len(b))
        b[at] = rng.randrange(256) if rng.random() < 0.8 else b[at] ^ 0x80
    if i % 5 == 0:
        del b[rng.randrange(24, len(b)):]
    open(f"{out}/f{i:03d}.pcap", "wb").write(b)
PY
	for f in "$dir"/*.pcap; do
		n=$((n + 1))
		rc=0
		ASAN_OPTIONS=exitcode=99:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:exitcode=99 \
			timeout 20 "$vq_asan" replay --json "$f" >/dev/null 2>"$f.err" || rc=$?
		if ((rc != 0 && rc != 1)); then
			bad=$((bad + 1))
			echo "$f: exit $rc: $(grep -m1 -E 'ERROR|runtime error' "$f.err")"
		fi
	done
	((bad == 0)) || return 1
	echo "$n files"
}
# Every scenario's output against the published schema (Documentation/schema/).
schema_all() {
	local f n=0 bad=0
	for f in "$out"/*.json; do
		[[ $f == */gen.json ]] && continue
		n=$((n + 1))
		if ! "$here/../schema/check.py" replay "$f" >"$f.schema" 2>&1; then
			bad=$((bad + 1))
			echo "$f: $(head -n 3 "$f.schema" | tr '\n' ' ')"
		fi
	done
	echo "$n outputs, $bad not matching"
	((n > 0 && bad == 0))
}
check "replay --json of every scenario matches Documentation/schema" schema_all

if [[ ! -x $vq_asan ]]; then
	notok "damaged captures: no ASan build at $vq_asan (make -C agent test builds it)"
elif [[ ! -s $out/basic.pcap ]]; then
	notok "damaged captures: nothing recorded to damage"
else
	check "300 damaged captures: no crash, no sanitizer report" fuzz
fi

echo "$passed passed, $failed failed"
((failed == 0))
