#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The QoS proof, run as root INSIDE the test VM (tools/vm/run.sh sets VQOS_MODULE and
# VQOS_RESULT): calls across a bloated access link saturated by bulk TCP, under four router
# configurations, the same traffic for each, measured from captures at both ends.
#
#   lan (phones 192.0.2.1, bulk host 192.0.2.2)
#    |  eth0 -- lan
#   rtr (voiceqos.ko; shapers on "wan" = uplink and "lan" = downlink in configs 2-4)
#    |  wan -- lan
#   modem (the access link: netem rate at the line rate, deep FIFO, both directions)
#    |  wan -- eth0
#   wan (ITSP 198.51.100.1: sipp UAS, iperf3 servers)
#
# Configurations (VQOS_QOS_CONFIGS, default "0 1 2 3 4"):
#   0  the reference: the same calls with no bulk traffic and no QoS, i.e. what the
#      emulated machine's own forwarding and timers add (the delay the router adds under
#      load is a configuration's delay minus this one's);
#   1  no QoS: the modem's FIFO decides;
#   2  HTB + fq_codel at the router rate, no classification (SQM "simplest");
#   3  cake diffserv4 at the router rate; RTP marked EF by nf_conntrack_sip (nft ct helper
#      "sip" on the SIP port; connections it expected get DSCP EF in the forward hook);
#   4  voiceqosd with [link] (its HTB tree, admission, flows) and [voice] budget.
# Scenarios (VQOS_QOS_SCENARIOS, default "a b c d"):
#   a  10 calls (2 G.711 + 8 G.729, 20 ms: 86 / 30 kbit/s on the wire) ~ 21 % of the uplink;
#   b  20 calls (10 G.711 + 10 G.729) ~ 60 % of the uplink;
#   c  26 calls (16 G.711 + 10 G.729) ~ 88 %: more than the voice budget (75 %) admits;
#   d  the calls of (a) while the bulk host floods UDP at 5 Mbit/s into the RTP port that
#      the first call negotiated on the ITSP side.
# In every run bulk TCP (iperf3, VQOS_QOS_STREAMS streams each way) saturates both
# directions for the whole call duration; calls start after a warm-up that fills the
# queues. Calls are sipp UAC (lan) -> sipp UAS (wan) with SDP offer/answer; each side
# starts its RTP (tests/tools/rtpgen with the codec's size, PT and 160-sample timestamps)
# when the call is up (UAC: 200 OK, UAS: ACK). tcpdump captures RTP on lan's and wan's
# eth0; tests/tools/rtpq matches them by SSRC+sequence.
#
# Output (result lines, read by tests/vm/qos-report.py on the host):
#   qos-stream SCEN CONF DIR ADMISSION {rtpq JSON}      one per call and direction
#   qos-series SCEN CONF DIR T_S MAX_DELAY_MS           per 0.5 s of the call period
#   qos-info SCEN CONF KEY=VALUE ...                    what the router did
# and in check mode (VQOS_QOS_CHECK=1) `ok - ` / `not ok - ` lines of qualitative checks.
#
# Knobs: VQOS_QOS_SECONDS (call duration, default 20), VQOS_QOS_UP / VQOS_QOS_DOWN (line
# rates in kbit/s, default 2000 / 8000), VQOS_QOS_BLOAT_MS (modem FIFO depth in ms of
# line rate, default 250), VQOS_QOS_STREAMS (TCP streams per direction, default 2),
# VQOS_QOS_BUDGET (voiceqos [voice] budget, default 75%), VQOS_QOS_CHECK=1 (make check:
# scenario "check", VQOS_QOS_CHECK_CALLS="G711 G729" calls, default "6 0", and assertions).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T=$REPO/tests/tools
VQOS_BIN=$REPO/agent/voiceqos
VQD=$REPO/agent/voiceqosd
XML=$REPO/tests/vm/qos
VQOS_RESULT=${VQOS_RESULT:-}

SECS=${VQOS_QOS_SECONDS:-20}
UP=${VQOS_QOS_UP:-2000}
DOWN=${VQOS_QOS_DOWN:-8000}
BLOAT_MS=${VQOS_QOS_BLOAT_MS:-250}
STREAMS=${VQOS_QOS_STREAMS:-2}
CHECK=${VQOS_QOS_CHECK:-0}
# Check mode (make check): 6 G.711 calls for 8 s under a 300 kbit/s budget, so that three
# are admitted (87.2 kbit/s each) and three are over budget.
if ((CHECK)); then
	SECS=${VQOS_QOS_SECONDS:-8}
	BUDGET=${VQOS_QOS_BUDGET:-300k}
fi
BUDGET=${VQOS_QOS_BUDGET:-${BUDGET:-75%}}
CONFIGS=${VQOS_QOS_CONFIGS:-0 1 2 3 4}
SCENARIOS=${VQOS_QOS_SCENARIOS:-a b c d}
WARMUP=4
# Calls placed per second by each UAC, each call from its own SIP socket (sipp -t un),
# as phones do. Over one shared signalling 5-tuple (a PBX trunk, sipp -t u1) the SIP
# helper of configuration 3 marked only the last call of each UAC EF in our runs: it
# keeps a handful of media expectations per signalling connection.
CALL_RATE=4
# The router shapes 5 % below the line so that the queue builds at the router, not in the
# modem (the SQM rule of thumb); voiceqosd and configs 2 and 3 get the same rates and
# charge every packet the same IP + 18 bytes (Ethernet header and FCS, what voiceqosd's
# reservations count): HTB sees the 14-byte header in the packet and adds "overhead 4";
# cake with an explicit overhead drops the header from the length and adds "overhead 18".
R_UP=$((UP * 95 / 100))
R_DOWN=$((DOWN * 95 / 100))

RUN=$$
NS_LAN=qlan-$RUN NS_RTR=qrtr-$RUN NS_MODEM=qmodem-$RUN NS_WAN=qwan-$RUN
LAN4=192.0.2.1 BULK4=192.0.2.2 RTR_LAN4=192.0.2.254
RTR_UP4=203.0.113.1 MODEM_IN4=203.0.113.2
WAN4=198.51.100.1 MODEM_OUT4=198.51.100.254
TMPD=$(mktemp -d /tmp/vqos-qos.XXXXXX)
CONF=$TMPD/voiceqos.conf
SOCK=$TMPD/voiceqosd.sock
DLOG=$TMPD/voiceqosd.log
PASSED=0 FAILED=0

pretty() { echo -e "\x1b[32m\x1b[1m[+] ${1:+$1: }${2}\x1b[0m" >&2; }
pp() { pretty "" "$*"; "$@"; }
lan() { pretty LAN "$*"; ip netns exec "$NS_LAN" "$@"; }
rtr() { pretty RTR "$*"; ip netns exec "$NS_RTR" "$@"; }
modem() { pretty MODEM "$*"; ip netns exec "$NS_MODEM" "$@"; }
wan() { pretty WAN "$*"; ip netns exec "$NS_WAN" "$@"; }
emit() {
	echo "$*"
	if [[ -n $VQOS_RESULT ]]; then echo "$*" >>"$VQOS_RESULT"; fi
}
progress() { echo "### [$SECONDS s] $*" >&2; emit "qos-progress $*"; }
# Verdicts go to the result channel only: the console copy is marked, so that a harness
# that prints the console on failure does not count them twice.
verdict() {
	echo "[verdict] $*"
	if [[ -n $VQOS_RESULT ]]; then echo "$*" >>"$VQOS_RESULT"; fi
}
ok() { PASSED=$((PASSED + 1)); verdict "ok - qos $*"; }
notok() { FAILED=$((FAILED + 1)); verdict "not ok - qos $*"; }

DPID=""
cleanup() {
	set +e
	[[ -z $DPID ]] || kill "$DPID" 2>/dev/null
	topology_down
	rm -rf "$TMPD"
}
trap cleanup EXIT

# ---- topology ------------------------------------------------------------------------

# link NS_A DEV_A MAC_A NS_B DEV_B MAC_B: a veth pair. GSO is limited to one segment so
# that a TCP sender hands the qdiscs MTU-sized packets, as a real NIC on the wire would
# (a 64 KiB GSO packet would hold an HTB or the modem for 130 ms at 4 Mbit/s).
link() {
	ip -n "$1" link add "$2" address "$3" gso_max_segs 1 type veth peer name "$5" \
		address "$6" netns "$4" gso_max_segs 1
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
}

topology_up() {
	local ns
	for ns in "$NS_LAN" "$NS_RTR" "$NS_MODEM" "$NS_WAN"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	link "$NS_LAN" eth0 02:00:00:00:01:01 "$NS_RTR" lan 02:00:00:00:01:fe
	link "$NS_RTR" wan 02:00:00:00:03:01 "$NS_MODEM" lan 02:00:00:00:03:02
	link "$NS_MODEM" wan 02:00:00:00:02:fe "$NS_WAN" eth0 02:00:00:00:02:01

	ip -n "$NS_LAN" addr add $LAN4/24 dev eth0
	ip -n "$NS_LAN" addr add $BULK4/24 dev eth0
	ip -n "$NS_LAN" route add default via $RTR_LAN4
	ip -n "$NS_LAN" neigh replace $RTR_LAN4 lladdr 02:00:00:00:01:fe dev eth0 nud permanent

	ip -n "$NS_RTR" addr add $RTR_LAN4/24 dev lan
	ip -n "$NS_RTR" addr add $RTR_UP4/30 dev wan
	ip -n "$NS_RTR" route add default via $MODEM_IN4
	ip -n "$NS_RTR" neigh replace $LAN4 lladdr 02:00:00:00:01:01 dev lan nud permanent
	ip -n "$NS_RTR" neigh replace $BULK4 lladdr 02:00:00:00:01:01 dev lan nud permanent
	ip -n "$NS_RTR" neigh replace $MODEM_IN4 lladdr 02:00:00:00:03:02 dev wan nud permanent

	ip -n "$NS_MODEM" addr add $MODEM_IN4/30 dev lan
	ip -n "$NS_MODEM" addr add $MODEM_OUT4/24 dev wan
	ip -n "$NS_MODEM" route add 192.0.2.0/24 via $RTR_UP4
	ip -n "$NS_MODEM" neigh replace $RTR_UP4 lladdr 02:00:00:00:03:01 dev lan nud permanent
	ip -n "$NS_MODEM" neigh replace $WAN4 lladdr 02:00:00:00:02:01 dev wan nud permanent

	ip -n "$NS_WAN" addr add $WAN4/24 dev eth0
	ip -n "$NS_WAN" route add default via $MODEM_OUT4
	ip -n "$NS_WAN" neigh replace $MODEM_OUT4 lladdr 02:00:00:00:02:fe dev eth0 nud permanent

	ip netns exec "$NS_RTR" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$NS_MODEM" sysctl -qw net.ipv4.ip_forward=1

	# The access link: netem at the line rate (it computes each packet's departure from
	# the previous one, so a late timer under TCG does not lower the rate, as tbf's small
	# bucket does) behind a FIFO that holds BLOAT_MS of the line in full-size packets,
	# like a cable or DSL modem's buffer.
	modem tc qdisc replace dev wan root netem rate "${UP}kbit" \
		limit $((UP * BLOAT_MS / 8 / 1514 + 1))
	modem tc qdisc replace dev lan root netem rate "${DOWN}kbit" \
		limit $((DOWN * BLOAT_MS / 8 / 1514 + 1))
}

topology_down() {
	local ns p
	for ns in "$NS_LAN" "$NS_RTR" "$NS_MODEM" "$NS_WAN"; do
		# Only what is left over: the runs end their own processes.
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
		ip netns del "$ns" 2>/dev/null || true
	done
}

# ---- router configurations -----------------------------------------------------------

write_conf() {
	cat >"$CONF" <<-EOC
	# tests/vm/qos.sh, configuration 4
	[daemon]
	socket = $SOCK
	log_level = info
	[sip]
	ports = 5060
	[link]
	uplink = wan
	uplink_rate = ${R_UP}k
	downlink = lan
	downlink_rate = ${R_DOWN}k
	overhead = 4
	signalling_rate = 64k
	[voice]
	budget = $BUDGET
	EOC
}

config_up() {
	case $1 in
	0 | 1) ;;
	2)
		local dev rate
		for dev in wan lan; do
			rate=$R_UP
			[[ $dev == wan ]] || rate=$R_DOWN
			rtr tc qdisc replace dev $dev root handle 1: htb default 10
			# A 10 ms burst, as SQM sizes it for slow timers (TCG has them).
			rtr tc class add dev $dev parent 1: classid 1:10 htb rate "${rate}kbit" \
				burst $((rate * 10 / 8)) cburst $((rate * 10 / 8)) overhead 4
			rtr tc qdisc add dev $dev parent 1:10 handle 10: fq_codel
		done
		;;
	3)
		modprobe -a nf_conntrack_sip nft_ct sch_cake >/dev/null
		rtr tc qdisc replace dev wan root cake bandwidth "${R_UP}kbit" diffserv4 overhead 18
		rtr tc qdisc replace dev lan root cake bandwidth "${R_DOWN}kbit" diffserv4 overhead 18
		# The classic recipe: the SIP helper follows the SDP and expects the media; the
		# connections it expected are RTP (or RTCP) and get EF, which cake's diffserv4
		# puts in its voice tin.
		rtr nft -f - <<-EON
		table inet vqos_qos {
			ct helper sip_udp {
				type "sip" protocol udp
				l3proto ip
			}
			chain prerouting_helper {
				type filter hook prerouting priority filter; policy accept;
				udp dport 5060 ct helper set "sip_udp"
			}
			chain forward_dscp {
				type filter hook forward priority mangle; policy accept;
				ct status expected ip dscp set ef
			}
		}
		EON
		;;
	4)
		write_conf
		pretty RTR "voiceqosd -f -c $CONF"
		ip netns exec "$NS_RTR" "$VQD" -f -c "$CONF" >>"$DLOG" 2>&1 </dev/null &
		DPID=$!
		local i
		for ((i = 0; i < 200; i++)); do
			[[ -S $SOCK ]] && grep -q 'started (config' "$DLOG" && return 0
			kill -0 "$DPID" 2>/dev/null || break
			sleep 0.05
		done
		echo "voiceqosd did not start: $(tail -3 "$DLOG")" >&2
		return 1
		;;
	esac
}

config_down() {
	if [[ $1 == 4 && -n $DPID ]]; then
		kill "$DPID" 2>/dev/null || true
		wait "$DPID" 2>/dev/null || true
		DPID=""
	fi
}

vqq() { VOICEQOS_SOCKET=$SOCK timeout -k 2 30 ip netns exec "$NS_RTR" "$VQOS_BIN" "$@"; }

# ---- traffic ---------------------------------------------------------------------------

# The hook sipp runs when a call is up: DIR (up: UAC in lan on 200 OK; down: UAS in wan on
# ACK), sipp's call number, the peer's media port from its SDP, the payload type. Our own
# port is what the scenarios put in the SDP, [auto_media_port+4]: media_port + 4 +
# 4 (n - 1) mod 10000 (sipp's call.cpp). The +4 keeps call 1 off -mp itself, which sipp
# may hold for its own RTP echo.
write_hook() {
	cat >"$TMPD/hook" <<-EOH
	#!/bin/sh
	dir=\$1 n=\$2 rport=\$3 pt=\$4 mp=\$5
	port=\$((mp + 4 + (4 * (n - 1)) % 10000))
	case \$pt in
	18) size=32 ;;	# G.729: 20 bytes per 20 ms + RTP header
	*) size=172 ;;	# G.711: 160 bytes per 20 ms + RTP header
	esac
	if [ "\$dir" = up ]; then
		src=$LAN4 dst=$WAN4 d=0
	else
		src=$WAN4 dst=$LAN4 d=1
	fi
	exec "$T/rtpgen" --src \$src:\$port --dst \$dst:\$rport --pps 50 \\
		--duration $SECS --size \$size --pt \$pt --ts-step 160 \\
		--ssrc \$(( (pt << 20) | (d << 16) | port )) >>"$TMPD/rtpgen.\$dir" 2>&1
	EOH
	chmod +x "$TMPD/hook"
}

# scenario_calls SCEN: "G711 G729" call counts.
scenario_calls() {
	case $1 in
	a | d) echo "2 8" ;;
	b) echo "10 10" ;;
	c) echo "16 10" ;;
	check) echo "${VQOS_QOS_CHECK_CALLS:-6 0}" ;;
	esac
}

cap_start() {
	local ns=$1 tag=$2 i
	ip netns exec "$ns" tcpdump -i eth0 -n -s 96 -B 8192 -w "$TMPD/$tag.pcap" \
		'udp and portrange 10000-29999' >"$TMPD/$tag.tcpdump" 2>&1 &
	for ((i = 0; i < 100; i++)); do
		grep -q listening "$TMPD/$tag.tcpdump" && return 0
		sleep 0.05
	done
	echo "tcpdump in $ns did not start: $(cat "$TMPD/$tag.tcpdump")" >&2
	return 1
}

# run_traffic SCEN CONF: bulk + calls (+ flood), captures in $TMPD/{lan,wan}.pcap.
run_traffic() {
	local scen=$1 conf=$2 n711 n729 pids=() t_total uac711 uac729 uas p
	read -r n711 n729 <<<"$(scenario_calls "$scen")"
	t_total=$((WARMUP + SECS + 8))
	rm -f "$TMPD"/rtpgen.* "$TMPD"/*.pcap "$TMPD"/calls.* "$TMPD"/status*.json
	local backlog0
	backlog0=$(backlog_drops)

	cap_start "$NS_LAN" lan
	cap_start "$NS_WAN" wan
	: >"$TMPD/iperf.up"
	: >"$TMPD/iperf.down"
	if ((conf != 0)); then
		wan iperf3 -s -p 5201 -D -1 >/dev/null
		wan iperf3 -s -p 5202 -D -1 >/dev/null
		sleep 0.3
		lan timeout -k 2 $((t_total + 10)) iperf3 -c $WAN4 -B $BULK4 -p 5201 \
			-P "$STREAMS" -t "$t_total" >"$TMPD/iperf.up" 2>&1 &
		pids+=($!)
		lan timeout -k 2 $((t_total + 10)) iperf3 -c $WAN4 -B $BULK4 -p 5202 \
			-P "$STREAMS" -R -t "$t_total" >"$TMPD/iperf.down" 2>&1 &
		pids+=($!)
		sleep "$WARMUP"
	fi
	echo "### [$SECONDS s] calls start" >&2

	wan timeout -k 2 $((SECS + 60)) sipp -sf "$XML/uas.xml" -i $WAN4 -p 5060 -mp 20000 \
		-m $((n711 + n729)) -nostdin -trace_err -error_file "$TMPD/uas.err" \
		-key hook "$TMPD/hook" >"$TMPD/uas.out" 2>&1 &
	uas=$!
	sleep 0.3
	# The UACs' own SIP ports: not 5061, which is SIP over TLS's (voiceqosd cannot read
	# those messages and, rightly, gives their calls nothing).
	lan timeout -k 2 $((SECS + 50)) sipp "$WAN4:5060" -sf "$XML/uac.xml" -i $LAN4 \
		-t un -max_socket 64 -p 5090 -mp 10000 -m "$n711" -r "$CALL_RATE" \
		-d $((SECS * 1000 + 500)) -key pt 0 \
		-key codec PCMU/8000 -key mp 10000 -key hook "$TMPD/hook" -nostdin -trace_err \
		-error_file "$TMPD/uac711.err" >"$TMPD/uac711.out" 2>&1 &
	uac711=$!
	uac729=""
	if ((n729 > 0)); then
		lan timeout -k 2 $((SECS + 50)) sipp "$WAN4:5060" -sf "$XML/uac.xml" -i $LAN4 \
			-t un -max_socket 64 -p 5092 -mp 14000 -m "$n729" -r "$CALL_RATE" \
			-d $((SECS * 1000 + 500)) -key pt 18 \
			-key codec G729/8000 -key mp 14000 -key hook "$TMPD/hook" -nostdin -trace_err \
			-error_file "$TMPD/uac729.err" >"$TMPD/uac729.out" 2>&1 &
		uac729=$!
	fi
	if [[ $scen == d ]] && ((conf != 0)); then
		# Into the ITSP-side RTP port of the first call (UAS call 1: port 20004), from
		# the bulk host: 1200-byte datagrams at 5 Mbit/s for the whole call period.
		sleep 1
		lan timeout -k 2 $((SECS + 10)) "$T/rtpgen" --src $BULK4:9999 \
			--dst $WAN4:20004 --bitrate 5m --size 1200 --duration "$SECS" --pt 0 \
			--ssrc 0x0bad0bad >"$TMPD/flood.out" 2>&1 &
		pids+=($!)
	fi
	local watch=""
	if ((conf == 4)); then
		# What voiceqosd decided: two looks while every call is up, once all have been
		# placed (+2 s for a slow guest's setup) and 1 s before the first BYE. Only two:
		# each look is a process start in the guest, which perturbs what is measured.
		local t1=$((n711 > n729 ? n711 : n729))
		t1=$(((t1 + CALL_RATE - 1) / CALL_RATE + 2))
		((t1 < SECS - 1)) || t1=$((SECS - 1))
		(
			sleep "$t1"
			vqq calls --json >"$TMPD/calls.1.json" 2>&1 || true
			vqq --json status >"$TMPD/status.json" 2>&1 || true
			sleep $((SECS - 1 - t1))
			vqq calls --json >"$TMPD/calls.2.json" 2>&1 || true
		) &
		watch=$!
	fi
	wait "$uac711" || echo "sipp UAC (G.711) failed: $(tail -3 "$TMPD/uac711.out")" >&2
	[[ -z $uac729 ]] || wait "$uac729" ||
		echo "sipp UAC (G.729) failed: $(tail -3 "$TMPD/uac729.out")" >&2
	wait "$uas" || echo "sipp UAS failed: $(tail -3 "$TMPD/uas.out")" >&2
	[[ -z $watch ]] || wait "$watch" || true
	echo "### [$SECONDS s] calls done" >&2
	# The RTP of the last calls ends with them (bounded); then the bulk and the captures.
	for ((p = 0; p < 100; p++)); do
		pgrep -x rtpgen >/dev/null || break
		sleep 0.2
	done
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	if ((conf == 4)); then
		vqq --json status >"$TMPD/status.end.json" 2>&1 || true
	fi
	sleep 0.5
	ip netns exec "$NS_LAN" pkill -INT -x tcpdump || true
	ip netns exec "$NS_WAN" pkill -INT -x tcpdump || true
	sleep 0.5
	local ok failed
	ok="$(sipp_ok "$TMPD/uac711.out")+$(sipp_ok "$TMPD/uac729.out")"
	failed="$(sipp_failed "$TMPD/uac711.out")+$(sipp_failed "$TMPD/uac729.out")"
	emit "qos-info $scen $conf calls_ok=$ok calls_failed=$failed" \
		"bulk_up_mbit=$(iperf_mbit "$TMPD/iperf.up")" \
		"bulk_down_mbit=$(iperf_mbit "$TMPD/iperf.down") $(rtp_senders)" \
		"capture_drops=$(cap_drops lan)+$(cap_drops wan)" \
		"backlog_drops=$(($(backlog_drops) - backlog0))"
	grep -v '^sent packets=' "$TMPD"/rtpgen.up "$TMPD"/rtpgen.down 2>/dev/null | head -n 3 |
		while IFS= read -r p; do emit "qos-log $scen $conf rtpgen: $p"; done || true
}

# From sipp's final statistics screen: successful and failed calls (cumulative column).
sipp_ok() { awk '/Successful call/ { v = $NF } END { print v + 0 }' "$1" 2>/dev/null || echo 0; }
sipp_failed() { awk '/Failed call/ { v = $NF } END { print v + 0 }' "$1" 2>/dev/null || echo 0; }
# iperf3's mean rate over its 1 s intervals after the warm-up (the clients are stopped
# with the calls, before they print a summary): the [SUM] lines with several streams.
iperf_mbit() {
	awk -v skip="$WARMUP" -v sum=$((STREAMS > 1)) '
		/sender|receiver/ { next }
		sum && !/^\[SUM\]/ { next }
		/ sec / {
			for (i = 1; i < NF; i++) {
				if ($(i + 1) == "Mbits/sec") r = $i
				else if ($(i + 1) == "Kbits/sec") r = $i / 1000
				else if ($(i + 1) == "bits/sec") r = $i / 1e6
				else continue
				if (++n > skip) { t += r; m++ }
			}
		}
		END { printf "%.2f\n", m ? t / m : 0 }' "$1" 2>/dev/null || echo 0
}
# Packets a capture lost (rtpq would count them as lost on the path): tcpdump's own
# count at exit.
cap_drops() {
	awk '/dropped by kernel/ { print $1; f = 1 } END { if (!f) print "?" }' \
		"$TMPD/$1.tcpdump" 2>/dev/null || echo "?"
}
# Packets the guest dropped at netif_rx (veth hands every packet to the backlog of the
# receiving CPU): losses that no qdisc counts. All namespaces, one counter per CPU.
backlog_drops() {
	local s=0 b rest
	while read -r _ b rest; do s=$((s + 16#$b)); done </proc/net/softnet_stat
	echo "$s"
}
# The RTP senders: how many ran to the end, their send errors, and what the others said.
rtp_senders() {
	cat "$TMPD"/rtpgen.up "$TMPD"/rtpgen.down 2>/dev/null | awk '
		/^sent packets=/ { n++; for (i = 1; i <= NF; i++) if ($i ~ /^errors=/) e += substr($i, 8); next }
		{ bad++ }
		END { printf "rtp_senders=%d rtp_send_errors=%d rtp_sender_failures=%d\n", n, e, bad }'
}

# admission_of PORT: voiceqosd's decision for the call with that RTP port (config 4).
declare -A ADM=()
load_admission() {
	ADM=()
	local port adm f
	for f in "$TMPD"/calls.*.json; do
		[[ -s $f ]] || continue
		while read -r port adm; do
			ADM[$port]=$adm
		done < <(jq -r '.calls[]? | (.admission // "none") as $a | .flows[]? |
			(.src, .dst) | select(. != null) | "\(split(":") | last) \($a)"' \
			"$f" 2>/dev/null | sort -u)
	done
}

# analyse SCEN CONF: rtpq over both captures; result lines.
analyse() {
	local scen=$1 conf=$2 line dir sport adm idx=0
	"$T/rtpq" --ports 10000-29999 --series "$TMPD/series" "$TMPD/lan.pcap" \
		"$TMPD/wan.pcap" >"$TMPD/rtpq.json"
	load_admission
	: >"$TMPD/updown"
	while IFS= read -r line; do
		sport=$(sed -n 's/.*"src":"[^"]*:\([0-9]*\)".*/\1/p' <<<"$line")
		dir=down
		[[ $line != *'"src":"192.0.2.'* ]] || dir=up
		if [[ $line == *'"src":"192.0.2.2:'* ]]; then
			dir=flood
		fi
		adm=${ADM[$sport]:-none}
		[[ $conf == 4 ]] || adm=n/a
		echo "$idx $dir" >>"$TMPD/updown"
		emit "qos-stream $scen $conf $dir $adm $line"
		idx=$((idx + 1))
	done <"$TMPD/rtpq.json"
	# Per direction, the worst delay of any call in each 0.5 s after the first packet's
	# second (times relative to it: awk's integers do not hold epoch x 2 everywhere).
	local t0
	t0=$(sort -n "$TMPD/series" | head -n 1 | cut -d. -f1)
	awk -v scen="$scen" -v conf="$conf" -v t0="${t0:-0}" '
		FNR == NR { dir[$1] = $2; next }
		dir[$3] != "up" && dir[$3] != "down" { next }
		{
			b = int(($1 - t0) * 2)
			k = dir[$3] SUBSEP b
			if (!(k in m) || $2 > m[k]) m[k] = $2
		}
		END {
			for (k in m) {
				split(k, p, SUBSEP)
				printf "qos-series %s %s %s %.1f %.3f\n", scen, conf, p[1], p[2] / 2, m[k]
			}
		}' "$TMPD/updown" "$TMPD/series" | sort -k4,4 -k5,5n >"$TMPD/series.out"
	while IFS= read -r line; do emit "$line"; done <"$TMPD/series.out"
	if [[ $conf == 4 ]]; then
		# What the daemon said about this run's calls (the report shows it on failure).
		grep -i -E 'error|warn|budget|admit|call|invite|shap|link' "$DLOG" | tail -n 12 |
			while IFS= read -r line; do emit "qos-log $scen $conf $line"; done || true
		: >"$DLOG"
	fi
	if [[ $conf == 4 ]]; then
		# The module's policer on the admitted calls' flows (the largest count each flow
		# reached in any look): packets above the reservation's burst went best effort.
		emit "qos-info $scen $conf $(cat "$TMPD"/calls.*.json 2>/dev/null | jq -rs '
			[.[] | .calls[]? | select(.admission == "admitted") | .flows[]? |
			select(.kernel != null) | {k: "\(.src)>\(.dst)", p: .kernel.packets,
			x: .kernel.policed}] | group_by(.k) | map({p: (map(.p) | max),
			x: (map(.x) | max)}) | "admitted_flows=\(length)" +
			" admitted_flow_packets=\(map(.p) | add // 0)" +
			" admitted_flow_policed=\(map(.x) | add // 0)"' 2>/dev/null ||
			echo "admitted_flows=?")"
	fi
	if [[ $conf == 4 && -s $TMPD/status.json ]]; then
		emit "qos-info $scen $conf $(jq -c '[.links[]? | {dir, rate_bps, budget_bps,
			reserved_bps, calls_admitted, calls_over_budget,
			classes: [.classes[]? | {name, bytes, packets, drops}]}]' \
			"$TMPD/status.json" 2>/dev/null || echo null)"
	fi
	if [[ $conf == 3 ]]; then
		# The recipe works only if RTP really leaves EF: count at the ITSP.
		local ef='src host 192.0.2.1 and ip[1] & 0xfc == 0xb8' ef_ports all_ports
		ef_ports=$(tcpdump -n -r "$TMPD/wan.pcap" "$ef" 2>/dev/null |
			awk '{ n = split($3, a, "."); print a[n] }' | sort -un | paste -sd, -)
		all_ports=$(tcpdump -n -r "$TMPD/wan.pcap" 'src host 192.0.2.1' 2>/dev/null |
			awk '{ n = split($3, a, "."); print a[n] }' | sort -un | paste -sd, -)
		emit "qos-info $scen $conf" \
			"ef_up=$(tcpdump -n -r "$TMPD/wan.pcap" "$ef" 2>/dev/null | wc -l)" \
			"rtp_up=$(tcpdump -n -r "$TMPD/wan.pcap" 'src host 192.0.2.1' 2>/dev/null |
			wc -l) ef_ports=${ef_ports:-none} rtp_ports=${all_ports:-none}"
	fi
}

# ---- check mode: qualitative assertions for make check --------------------------------

check_run() {
	local conf=$1
	case $conf in
	4)
		local adm_lost over be_bytes
		# Admitted calls: not one packet lost in either direction, saturated links.
		adm_lost=$(grep -c 'qos-stream check 4 \(up\|down\) admitted' "$TMPD/streams" || true)
		if ((adm_lost == 0)); then
			notok "[4] admitted calls exist: none admitted ($(cat "$TMPD"/calls.*.json | head -c 300))"
		else
			local bad
			bad=$(grep 'qos-stream check 4 \(up\|down\) admitted' "$TMPD/streams" |
				grep -v '"lost":0,' | head -n 3 || true)
			if [[ -z $bad ]]; then
				ok "[4] $adm_lost admitted streams under saturation lost no packet"
			else
				notok "[4] admitted streams lost packets: $bad"
			fi
		fi
		over=$(grep -c 'qos-stream check 4 up over_budget' "$TMPD/streams" || true)
		if ((over > 0)); then
			ok "[4] $over call(s) over budget"
		else
			notok "[4] no call over budget with budget $BUDGET"
		fi
		# The over-budget calls' RTP went through best effort: its bytes at least theirs.
		be_bytes=$(jq '[.links[]? | select(.dir == "up") | .classes[]? |
			select(.name == "best_effort") | .bytes] | add // 0' "$TMPD/status.end.json" \
			2>/dev/null || echo 0)
		local over_bytes
		over_bytes=$(grep 'qos-stream check 4 up over_budget' "$TMPD/streams" |
			sed -n 's/.*"received":\([0-9]*\),.*/\1/p' | awk '{ s += $1 * 200 } END { print s + 0 }')
		if ((be_bytes > 0 && be_bytes >= over_bytes)); then
			ok "[4] best effort carried $be_bytes bytes >= the over-budget RTP's $over_bytes"
		else
			notok "[4] best effort bytes $be_bytes < over-budget RTP $over_bytes"
		fi
		;;
	esac
}

# ---- main ------------------------------------------------------------------------------

[[ $(id -u) == 0 ]] || { echo "qos.sh: must run as root" >&2; exit 2; }
for x in "$T/rtpq" "$T/rtpgen" "$VQD" "$VQOS_BIN"; do
	[[ -x $x ]] || { echo "qos.sh: $x not built" >&2; exit 2; }
done
command -v sipp >/dev/null || { echo "qos.sh: sipp (sip-tester) not installed" >&2; exit 2; }
modprobe -a veth sch_netem sch_htb sch_fq_codel nf_conntrack >/dev/null
if ! grep -q '^voiceqos ' /proc/modules; then
	pp insmod "$VQOS_MODULE"
fi
write_hook
emit "qos-info - - kernel=$(uname -r) up_kbit=$UP down_kbit=$DOWN router_up_kbit=$R_UP" \
	"router_down_kbit=$R_DOWN bloat_ms=$BLOAT_MS seconds=$SECS streams=$STREAMS budget=$BUDGET"
: >"$TMPD/streams"
if ((CHECK)); then
	SCENARIOS=check
fi
for scen in $SCENARIOS; do
	for conf in $CONFIGS; do
		progress "scenario $scen, configuration $conf: $(scenario_calls "$scen" |
			awk '{ print $1 " G.711 + " $2 " G.729 calls" }'), ${SECS}s"
		topology_up
		if ! config_up "$conf"; then
			notok "[$conf] configuration $conf could not be set up: $(tail -2 "$DLOG" 2>/dev/null)"
			config_down "$conf"
			topology_down
			continue
		fi
		run_traffic "$scen" "$conf"
		echo "### [$SECONDS s] analysing" >&2
		analyse "$scen" "$conf" | tee -a "$TMPD/streams" | grep -v '^qos-series' >&2 || true
		if ((CHECK)); then
			check_run "$conf"
		fi
		config_down "$conf"
		topology_down
	done
done
if ((CHECK)); then
	# The contrast, if configuration 1 ran too: the same calls queue behind the bulk.
	if [[ " $CONFIGS " == *" 1 "* && " $CONFIGS " == *" 4 "* ]]; then
		d1=$(grep 'qos-stream check 1 up' "$TMPD/streams" |
			sed -n 's/.*"delay_p99_ms":\([0-9.]*\),.*/\1/p' | sort -n | tail -n1)
		d4=$(grep 'qos-stream check 4 up admitted' "$TMPD/streams" |
			sed -n 's/.*"delay_p99_ms":\([0-9.]*\),.*/\1/p' | sort -n | tail -n1)
		if awk -v a="${d1:-0}" -v b="${d4:-0}" 'BEGIN { exit !(a > b) }'; then
			ok "[1 vs 4] without QoS the calls' uplink delay p99 is higher (worst $d1 > $d4 ms)"
		else
			notok "[1 vs 4] no QoS did not delay the calls more (worst p99 $d1 vs $d4 ms)"
		fi
	fi
	echo "qos: $PASSED passed, $FAILED failed" >&2
	((FAILED == 0))
fi
