#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load and faults (issue 6), run as root INSIDE the test VM by tools/vm/run.sh (which sets
# VQOS_MODULE and VQOS_RESULT): the module and voiceqosd on rtr, as in tests/vm/agent.sh,
# and traffic from lan to wan through it. Checked:
#
#   mirror_default  at the module's default [sip] mirror_rate (1000/s) an INVITE flood
#                   faster than that is cut by the kernel: the daemon gets at most
#                   rate x time + burst copies, the rest is counted as sip_dropped;
#   invite_flood    with mirror_rate raised so that the daemon sees all of it, two calls
#                   up with media, then INVITEs of new dialogs (no answers, worst-case
#                   SDP: 16 m= lines) at VQOS_FAULTS_FLOOD_RATE/s for
#                   VQOS_FAULTS_FLOOD_SECONDS s:
#                   the tracked calls never exceed max_dialogs; the daemon's RSS stays
#                   under baseline + max_dialogs x 36 KiB (the worst-case cost of one
#                   unanswered call, see Documentation/security.md) and does not grow
#                   once max_dialogs is reached; the calls left are exactly the newest
#                   flood INVITEs (the oldest were dropped first) and dropped_max counts
#                   every drop; the two calls keep their flows, reservations and
#                   classification; a real call after the flood works;
#   media_flood     a LAN host sends RTP at ~9x the reservation into call A's negotiated
#                   port: the policer demotes the excess (the flow's policed counters),
#                   what conforms still leaves as EF (at most rate x time + burst);
#                   the same port flooded from another source (not the latched one)
#                   is not classified at all; call B's flow sees no policing, all its
#                   packets leave as EF;
#   kill9_calls     kill -9 of voiceqosd during VQOS_FAULTS_CALLS (20) calls with RTP: every
#                   RTP flow keeps counting while no daemon runs; the restarted daemon
#                   adopts every call; a SIGHUP with an invalid file keeps the old
#                   config, names FILE:LINE and the calls stay; the BYEs remove every
#                   flow: nothing stale is left;
#   overrun_bye     calls end while the daemon's SIP socket is overrun (their BYE copies
#                   lost): counted, resynced, and the calls' flows still leave the kernel
#                   (idle expiry, [kernel] flow_timeout) and the calls the daemon
#                   ([dialog] idle_timeout): no stale flow left after the calls end.
#
# Module reload under a running daemon, a plain SIP socket overrun and the basic bad
# SIGHUP are tests/vm/agent.sh's module_reload, overrun and sighup cases.
#
# Sizes (environment; the defaults are the shortened `make check` run):
#   VQOS_FAULTS_FLOOD_RATE=500 VQOS_FAULTS_FLOOD_SECONDS=6 VQOS_FAULTS_MAX_DIALOGS=1000
#   VQOS_FAULTS_FLOOD_MEDIA=16 VQOS_FAULTS_DEFAULT_RATE=2000 VQOS_FAULTS_DEFAULT_SECONDS=2
#   VQOS_FAULTS_MEDIA_PPS=500 VQOS_FAULTS_MEDIA_SECONDS=4 VQOS_FAULTS_CALLS=20
# The issue's full run:
#   VQOS_FAULTS_FLOOD_RATE=2000 VQOS_FAULTS_FLOOD_SECONDS=30 VQOS_FAULTS_MAX_DIALOGS=10000
# (the VM harness passes VQOS_* variables into the guest: set them on tests/vm-run.sh)
#
#   VQOS_CASES=REGEX tests/vm/faults.sh     a subset (module_load always runs)
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/vm/lib.sh
source "$REPO/tests/vm/lib.sh"
cd "$REPO"

[[ $(id -u) == 0 ]] || { echo "faults.sh: must run as root" >&2; exit 2; }

FLOOD_RATE=${VQOS_FAULTS_FLOOD_RATE:-500}
FLOOD_SECONDS=${VQOS_FAULTS_FLOOD_SECONDS:-6}
MAXD=${VQOS_FAULTS_MAX_DIALOGS:-1000}
FLOOD_MEDIA=${VQOS_FAULTS_FLOOD_MEDIA:-16}
DEFAULT_RATE=${VQOS_FAULTS_DEFAULT_RATE:-2000}
DEFAULT_SECONDS=${VQOS_FAULTS_DEFAULT_SECONDS:-2}
MEDIA_PPS=${VQOS_FAULTS_MEDIA_PPS:-500}
MEDIA_SECONDS=${VQOS_FAULTS_MEDIA_SECONDS:-4}
NCALLS=${VQOS_FAULTS_CALLS:-20}
# The worst-case memory of one unanswered call (struct call 1520 B + the stored offer,
# 124 B + 16 m= lines x 2036 B, + allocator overhead), see Documentation/security.md.
PER_DIALOG_MAX=$((36 * 1024))

VQD=$REPO/agent/voiceqosd
UAC_XML=$REPO/tests/vm/faults/uac.xml
UAS_XML=$REPO/tests/vm/faults/uas.xml
CONF=$TMPD/voiceqos.conf
SOCK=$TMPD/run/voiceqosd.sock
DLOG=$TMPD/voiceqosd.log
SUITE_T0=$SECONDS

cleanup() {
	set +e
	kill -CONT "$(dpid)" 2>/dev/null
	daemon_stop
	kill_jobs
	topology_down
	rm -rf "$TMPD"
}
trap cleanup EXIT

# ---- helpers (as in tests/vm/agent.sh) ------------------------------------------------

# write_conf [LINES...]: the suite's config; each argument is "[section] key = value".
write_conf() {
	local sec l
	{
		echo "# tests/vm/faults.sh"
		for sec in daemon sip dialog kernel; do
			echo "[$sec]"
			case $sec in
			daemon) echo "log_level = info"; echo "socket = $SOCK" ;;
			sip) echo "ports = 5060 5070" ;;
			esac
			for l in "$@"; do
				if [[ $l == "[$sec] "* ]]; then echo "${l#"[$sec] "}"; fi
			done
		done
	} >"$CONF"
}

DPIDF=$TMPD/voiceqosd.pid
# voiceqosd without -d here: no debug line per message of the floods.
VQD_DEBUG=0

# fresh_daemon [CONF LINES...]: a new daemon with this config (a failed case may have
# left its daemon running).
fresh_daemon() {
	kill -CONT "$(dpid)" 2>/dev/null || true
	daemon_stop
	write_conf "$@"
	daemon_start
}

calls_json() { VOICEQOS_SOCKET=$SOCK vqq calls --json; }
ctl() { printf '%s\n' "$1" | ip netns exec "$NS_RTR" python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read())
sys.stdout.write(s.makefile().read())' "$SOCK"; }

# Tagged cookies (0x56 in the top byte) are the 19-digit decimals in this range.
n_our_flows() {
	vqq flow list | awk '{
		for (i = 1; i < NF; i++)
			if ($i == "cookie" && length($(i + 1)) == 19 &&
			    $(i + 1) >= "6196953087261802496" && $(i + 1) <= "6269010681299730431")
				n++
	} END { print n + 0 }'
}

# wait_flows N [SECONDS]: until exactly N of our flows are installed.
wait_flows() {
	local n t_end=$((SECONDS + ${2:-10}))
	while :; do
		n=$(n_our_flows)
		[[ $n == "$1" ]] && return 0
		((SECONDS < t_end)) || break
		sleep 0.2
	done
	echo "expected $1 agent flows, have $n" >&2
	return 1
}

# flows_file FILE: every flow, one JSON object per line.
flows_file() {
	vqq --json flow list | jq -c 'if type == "array" then .[] else . end' >"$1"
}

# rss_kib: the daemon's resident set (VmRSS, KiB).
rss_kib() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$(dpid)/status"; }

# uas_start CALLS [PORT MEDIA_PORT]: sipp UAS in wan, one media port per call.
uas_start() {
	pretty WAN "sipp -sf uas.xml -i $WAN4 -p ${2:-5060} -mp ${3:-6000} -m $1"
	ip netns exec "$NS_WAN" timeout -k 2 600 sipp -sf "$UAS_XML" -i "$WAN4" -p "${2:-5060}" \
		-mp "${3:-6000}" -m "$1" -nostdin -trace_err -error_file "$TMPD/uas.err" \
		>"$TMPD/uas.out" 2>&1 &
	UAS_PID=$!
	sleep 0.3
}

# uac_start CALLS PAUSE_MS [RATE]: sipp UAC in lan, CALLS at once (up to RATE/s), each
# with its own media port (8000 + 4 i), BYE after PAUSE_MS.
uac_start() {
	pretty LAN "sipp -sf uac.xml $WAN4 -m $1 -l $1 -r ${3:-10} -d $2"
	ip netns exec "$NS_LAN" timeout -k 2 600 sipp "$WAN4:5060" -sf "$UAC_XML" -i "$LAN4" \
		-p 5060 -mp 8000 -m "$1" -l "$1" -r "${3:-10}" -d "$2" -nostdin -trace_err \
		-error_file "$TMPD/uac.err" >"$TMPD/uac.out" 2>&1 &
	UAC_PID=$!
}

uac_wait() {
	wait "$UAC_PID" || fail "sipp UAC failed: $(tail -3 "$TMPD/uac.out")"
	wait "$UAS_PID" 2>/dev/null || true
}

# cap_start FILTER: tcpdump in wan.
cap_start() {
	rm -f "$TMPD/cap.pcap"
	ip netns exec "$NS_WAN" tcpdump -i eth0 -n -U -w "$TMPD/cap.pcap" "$1" \
		>"$TMPD/tcpdump.err" 2>&1 &
	CAP_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q listening "$TMPD/tcpdump.err" && return 0
		sleep 0.05
	done
	return 1
}
cap_stop() { sleep 0.5; kill "$CAP_PID" 2>/dev/null; wait "$CAP_PID" 2>/dev/null || true; }
# cap_count FILTER: packets in the capture that match FILTER.
cap_count() { tcpdump -n -r "$TMPD/cap.pcap" "$1" 2>/dev/null | grep -c . || true; }

# invflood ARGS: the INVITE generator in lan, to wan:5070 (a SIP port nobody answers on).
invflood() {
	pretty LAN "invflood --dst $WAN4:5070 $*"
	ip netns exec "$NS_LAN" "$T/invflood" --src "$LAN4:5099" --dst "$WAN4:5070" "$@"
}

# sink_start SECONDS: a UDP sink on wan:5070 so that the flood draws no ICMP errors.
sink_start() {
	ip netns exec "$NS_WAN" "$T/udpsink" --bind "$WAN4:5070" --duration "$1" \
		>"$TMPD/sink.out" 2>&1 &
	sleep 0.2
}

# wait_quiet FIELD [SECONDS]: until the status FIELD stops changing for 2 s (the daemon
# has read everything queued); prints its value.
wait_quiet() {
	local v last="" same=0 t_end=$((SECONDS + ${2:-120}))
	while ((SECONDS < t_end)); do
		v=$(ctl status | jq "$1")
		if [[ $v == "$last" ]]; then
			((++same >= 2)) && { echo "$v"; return 0; }
		else
			same=0
		fi
		last=$v
		sleep 1
	done
	echo "$1 still changing after ${2:-120} s" >&2
	return 1
}

# ---- cases ----------------------------------------------------------------------------

case_module_load() {
	[[ -n ${VQOS_MODULE:-} && -f $VQOS_MODULE ]] || fail "VQOS_MODULE '${VQOS_MODULE:-}' is not a file"
	[[ -x $VQD && -x $T/invflood ]] || fail "$VQD or $T/invflood not built"
	command -v sipp >/dev/null || fail "sipp (sip-tester) not installed"
	if grep -q '^voiceqos ' /proc/modules; then pp rmmod voiceqos; fi
	pp insmod "$VQOS_MODULE"
	grep -q '^voiceqos ' /proc/modules
	topology_up
}

# The module's default mirror rate (1000 copies/s, burst 64) holds whatever the flood.
case_mirror_default() {
	local out sent el c0 d0 c1 d1 copies dropped bound
	fresh_daemon "[dialog] max_dialogs = $MAXD" "[kernel] flow_timeout = 600"
	[[ $(vqq --json config get | jq .mirror_rate) == 1000 ]] ||
		fail "mirror_rate is not the default: $(vqq --json config get)"
	sink_start $((DEFAULT_SECONDS + 30))
	c0=$(ctl status | jq .sip.copies) d0=$(stat_value sip_dropped)
	out=$(invflood --rate "$DEFAULT_RATE" --duration "$DEFAULT_SECONDS" --tag dflt)
	note "$out"
	sent=$(grep -o 'invites=[0-9]*' <<<"$out" | cut -d= -f2)
	el=$(grep -o 'elapsed=[0-9.]*' <<<"$out" | cut -d= -f2)
	c1=$(wait_quiet .sip.copies 60)
	d1=$(stat_value sip_dropped)
	copies=$((c1 - c0)) dropped=$((d1 - d0))
	# At most rate x (elapsed + 1 s for the window's ends) + burst.
	bound=$(awk -v e="$el" 'BEGIN { printf "%d", 1000 * (e + 1) + 64 }')
	note "sent $sent in $el s: the daemon got $copies, the kernel dropped $dropped (bound $bound)"
	emit "# faults: default mirror_rate 1000/s: $sent INVITEs at $DEFAULT_RATE/s -> $copies copies, $dropped sip_dropped"
	((copies <= bound)) || fail "the daemon got $copies copies, more than $bound"
	((dropped > 0 && copies + dropped == sent)) ||
		fail "copies $copies + dropped $dropped != sent $sent"
	(($(ctl status | jq .sip.lost) == 0)) || fail "the daemon's socket lost copies"
	daemon_stop
}

case_invite_flood() {
	local base full per st out sent last el t0 t_pause pause n max_calls=0 rss_max=0
	local fill=$((MAXD - 2)) f0 fj rssf v nleft minleft maxleft ndrop maxdrop
	fresh_daemon "[dialog] max_dialogs = $MAXD" "[sip] mirror_rate = 1000000" \
		"[kernel] flow_timeout = 600"
	vq config set mirror-burst 1000 >/dev/null
	base=$(rss_kib)
	sink_start $((fill / FLOOD_RATE + FLOOD_SECONDS + 200))
	# Two calls with media, up across the whole flood.
	# (Room for the checks on a loaded TCG host: the BYE must come after them.)
	pause=$(((fill / FLOOD_RATE + FLOOD_SECONDS) * 4 + 120))
	uas_start 2
	uac_start 2 $((pause * 1000))
	t0=$SECONDS
	wait_flows 8 30 || fail "the two calls got no flows"
	flows_file "$TMPD/flows0.json"
	jq -r 'select(.dst_port == 6000 or .dst_port == 6004) | .dst_port' "$TMPD/flows0.json" |
		sort -n | tr '\n' ' ' >"$TMPD/ports"
	[[ $(cat "$TMPD/ports") == "6000 6004 " ]] || fail "UAS media ports: $(cat "$TMPD/ports")"
	# Their media for the whole flood (10 packets/s each, well within 87.2 kbit/s).
	local gens=()
	for p in 6000 6004; do
		ip netns exec "$NS_LAN" "$T/rtpgen" --dst "$WAN4:$p" --src "$LAN4:$((p + 1000))" \
			--pps 10 --duration $((fill / FLOOD_RATE + FLOOD_SECONDS + 4)) --size 172 \
			>"$TMPD/gen.$p" 2>&1 &
		gens+=($!)
	done
	# Fill up to max_dialogs (two are the calls).
	out=$(invflood --rate "$FLOOD_RATE" --count "$fill" --media "$FLOOD_MEDIA")
	note "fill: $out"
	v=$(wait_quiet .engine.calls_total 120)
	[[ $v == "$MAXD" ]] || fail "after the fill $v calls were seen, expected $MAXD"
	full=$(rss_kib)
	per=$(((full - base) * 1024 / fill))
	note "RSS: baseline $base KiB, at max_dialogs $full KiB: $per bytes per unanswered call"
	# The flood proper, with the daemon's RSS and tracked calls sampled meanwhile.
	(
		while kill -0 "$(dpid)" 2>/dev/null; do
			rss_kib
			sleep 0.5
		done
	) >"$TMPD/rss" &
	local RSS_PID=$!
	invflood --rate "$FLOOD_RATE" --duration "$FLOOD_SECONDS" --media "$FLOOD_MEDIA" \
		--first "$fill" >"$TMPD/flood.out" &
	local FLOOD_PID=$!
	while kill -0 "$FLOOD_PID" 2>/dev/null; do
		n=$(ctl status | jq .daemon.calls)
		((n > max_calls)) && max_calls=$n
		sleep 1
	done
	wait "$FLOOD_PID"
	out=$(cat "$TMPD/flood.out")
	note "flood: $out"
	sent=$(grep -o 'invites=[0-9]*' <<<"$out" | cut -d= -f2)
	last=$(grep -o 'last=[0-9]*' <<<"$out" | cut -d= -f2)
	el=$(grep -o 'elapsed=[0-9.]*' <<<"$out" | cut -d= -f2)
	v=$(wait_quiet .engine.calls_total 300)
	kill "$RSS_PID" 2>/dev/null
	wait "$RSS_PID" 2>/dev/null || true
	rss_max=$(sort -n "$TMPD/rss" | tail -n 1)
	st=$(ctl status)
	jload "$st"
	note "status: $(jq -c '{sip: .sip, engine: {calls_total: .engine.calls_total, dropped_max: .engine.dropped_max, calls_active: .engine.calls_active}, calls: .daemon.calls}' <<<"$st")"
	emit "# faults: INVITE flood $sent at $(grep -o 'rate=[0-9]*' <<<"$out" | cut -d= -f2)/s for $el s (+ $fill to fill), $FLOOD_MEDIA m= lines, max_dialogs $MAXD: RSS baseline $base KiB, full $full KiB ($per B per call), max $rss_max KiB; sip lost ${J[sip.lost]}, dropped_max ${J[engine.dropped_max]}"
	jq -c . <<<"$st" >"$TMPD/flood.status"
	# max_dialogs holds, and every call beyond it dropped one (counted), also if the
	# daemon lost copies (flood_keepup says whether it did).
	((${J[daemon.calls]} == MAXD && max_calls <= MAXD)) ||
		fail "tracked calls: ${J[daemon.calls]} at the end, up to $max_calls (max $MAXD)"
	((${J[engine.dropped_max]} == v - MAXD)) ||
		fail "dropped_max ${J[engine.dropped_max]}, expected $((v - MAXD)) ($v calls seen)"
	# Memory: under the derived bound, and no growth once max_dialogs was reached
	# (slack: 1/8 of the fill's cost, for the allocator's free lists, + 1 MiB).
	((per <= PER_DIALOG_MAX)) || fail "$per bytes per unanswered call, more than $PER_DIALOG_MAX"
	((rss_max * 1024 <= base * 1024 + MAXD * PER_DIALOG_MAX)) ||
		fail "RSS $rss_max KiB over the bound $base KiB + $MAXD x $PER_DIALOG_MAX B"
	rssf=$(((full - base) / 8 + 1024))
	((rss_max <= full + rssf)) ||
		fail "RSS grew after max_dialogs was reached: $full -> $rss_max KiB (slack $rssf)"
	# The oldest were dropped first: every dropped flood call (logged with its
	# Call-ID, counted) is older than every one left, and what is left is the newest.
	calls_json >"$TMPD/calls.json"
	f0=$(jq -r '[.calls[] | select(.call_id | startswith("flood-")) |
		(.call_id | ltrimstr("flood-") | split("@")[0] | tonumber)] |
		"\(length) \(min) \(max)"' "$TMPD/calls.json")
	read -r nleft minleft maxleft <<<"$f0"
	grep -o 'dropping unanswered call flood-[0-9]*@' "$DLOG" | tr -dc '0-9\n' |
		sort -n >"$TMPD/dropped"
	ndrop=$(grep -c . "$TMPD/dropped" || true)
	maxdrop=$(tail -n 1 "$TMPD/dropped")
	note "flood calls left: $nleft, indices $minleft..$maxleft; dropped $ndrop, newest dropped $maxdrop"
	((nleft == MAXD - 2 && ndrop == ${J[engine.dropped_max]} && maxdrop < minleft)) ||
		fail "left $nleft ($minleft..$maxleft), dropped $ndrop up to $maxdrop"
	if ((${J[sip.lost]} == 0)); then
		[[ $f0 == "$((MAXD - 2)) $((last - (MAXD - 2) + 1)) $last" ]] ||
			fail "flood calls left: $f0, expected the newest $((MAXD - 2)) up to $last"
	fi
	# The calls keep their flows, reservations and classification.
	fj=$(jq -c '[.calls[] | select(.state == "confirmed")] |
		{n: length, flows: (map(.flows | length) | add)}' "$TMPD/calls.json")
	[[ $fj == '{"n":2,"flows":8}' ]] || fail "established calls after the flood: $fj"
	flows_file "$TMPD/flows1.json"
	jq -S -c -s 'map({key: "\(.dst):\(.dst_port)", value: [.rate, .cookie]}) | from_entries' \
		"$TMPD/flows0.json" >"$TMPD/f0"
	jq -S -c -s 'map({key: "\(.dst):\(.dst_port)", value: [.rate, .cookie]}) | from_entries' \
		"$TMPD/flows1.json" >"$TMPD/f1"
	cmp -s "$TMPD/f0" "$TMPD/f1" || fail "flows changed (before -> after): $(jq -c -n \
		--slurpfile a "$TMPD/f0" --slurpfile b "$TMPD/f1" '$a[0] as $x | $b[0] as $y |
		[($x + $y | keys[]) | select($x[.] != $y[.]) | {(.): [$x[.], $y[.]]}] | add')"
	wait "${gens[@]}"
	for p in 6000 6004; do
		sent=$(kv "$TMPD/gen.$p" packets)
		n=$(jq -s --argjson p "$p" 'map(select(.dst_port == $p))[0].stats.packets' \
			"$TMPD/flows1.json")
		# The flow list was read before the last packets: at most a few short.
		((n > 0 && n <= sent)) || fail "flow :$p counted $n of $sent packets"
	done
	t_pause=$((SECONDS - t0))
	((t_pause < pause - 5)) || fail "too slow: checks done $t_pause s after the calls, BYE at $pause s"
	note "checks done $t_pause s after the calls started (BYE at $pause s)"
	uac_wait
	wait_flows 0 10 || fail "flows left after the calls' BYE"
	# A real call after the flood.
	uas_start 1
	uac_start 1 3000
	wait_flows 4 30 || fail "a call after the flood got no flows"
	uac_wait
	wait_flows 0 10 || fail "flows left after the last call's BYE"
	daemon_stop
}

# Did the daemon keep up with the flood (no SIP copy lost)? Its own line: under TCG on
# a shared host the full-size flood can outrun it, which the checks above tolerate.
case_flood_keepup() {
	[[ -s $TMPD/flood.status ]] || fail "no status from invite_flood"
	jload "$(cat "$TMPD/flood.status")"
	((${J[sip.lost]} == 0 && ${J[sip.overruns]} == 0)) ||
		fail "the daemon lost ${J[sip.lost]} SIP copies (${J[sip.overruns]} overruns)"
}

case_media_flood() {
	local gens sa sb sn ela pol_a pa_pk pb_pk pol_b ef_a ef_b ef_n any_n bound lo miss
	fresh_daemon "[dialog] max_dialogs = $MAXD" "[kernel] flow_timeout = 600"
	uas_start 2
	uac_start 2 $(((MEDIA_SECONDS + 30) * 1000))
	wait_flows 8 30 || fail "the two calls got no flows"
	cap_start "udp and (dst port 6000 or dst port 6004)"
	# Call B: its own media, 10 small packets/s (a fraction of what it reserved), from 7004.
	# Call A: flooded at MEDIA_PPS from 7000, which the flow latches (first packet),
	# and from 7100, which it then ignores.
	# B's packets are small (40 IP bytes: 50 fit its 2000-byte burst), so that a sender
	# stalled and catching up on a loaded TCG host stays within its reservation: any
	# policing of B would then come from A's flood.
	pretty LAN "rtpgen -> :6004 10 pps; -> :6000 $MEDIA_PPS pps from :7000 and :7100"
	ip netns exec "$NS_LAN" "$T/rtpgen" --dst "$WAN4:6004" --src "$LAN4:7004" --pps 10 \
		--duration "$MEDIA_SECONDS" --size 12 >"$TMPD/gen.b" 2>&1 &
	gens=($!)
	ip netns exec "$NS_LAN" "$T/rtpgen" --dst "$WAN4:6000" --src "$LAN4:7000" --pps 1 \
		--count 1 --size 172 >/dev/null
	ip netns exec "$NS_LAN" "$T/rtpgen" --dst "$WAN4:6000" --src "$LAN4:7000" \
		--pps "$MEDIA_PPS" --duration "$MEDIA_SECONDS" --size 172 --seq 1 >"$TMPD/gen.a" 2>&1 &
	gens+=($!)
	ip netns exec "$NS_LAN" "$T/rtpgen" --dst "$WAN4:6000" --src "$LAN4:7100" \
		--pps $((MEDIA_PPS / 2)) --duration "$MEDIA_SECONDS" --size 172 >"$TMPD/gen.n" 2>&1 &
	gens+=($!)
	wait "${gens[@]}"
	cap_stop
	flows_file "$TMPD/flows.json"
	sa=$(($(kv "$TMPD/gen.a" packets) + 1)) sb=$(kv "$TMPD/gen.b" packets)
	sn=$(kv "$TMPD/gen.n" packets) ela=$(kv "$TMPD/gen.a" elapsed)
	read -r pa_pk pol_a pb_pk pol_b < <(jq -r -s '(map(select(.dst_port == 6000))[0].stats) as $a |
		(map(select(.dst_port == 6004))[0].stats) as $b |
		"\($a.packets) \($a.policed_packets) \($b.packets) \($b.policed_packets)"' \
		"$TMPD/flows.json")
	ef_a=$(cap_count "src port 7000 and ip[1] == 0xb8")
	ef_b=$(cap_count "src port 7004 and ip[1] == 0xb8")
	ef_n=$(cap_count "src port 7100 and ip[1] != 0")
	any_n=$(cap_count "src port 7100")
	# What the capture missed on a loaded host (tcpdump's buffer): the wire checks
	# allow that many, the kernel's counters are exact.
	miss=$((sa + sb + sn - $(cap_count "udp")))
	# Conforming at 87200 bit/s in 200-byte IP packets (54.5/s), burst 2000 bytes (10:
	# 200 ms, agent/bandwidth.h).
	bound=$(awk -v e="$ela" 'BEGIN { printf "%d", 54.5 * e * 1.02 + 10 + 1 }')
	lo=$(awk -v e="$ela" 'BEGIN { printf "%d", 54.5 * e / 2 }')
	note "call A: sent $sa in $ela s, flow packets $pa_pk policed $pol_a, EF $ef_a (bound $bound)"
	note "other source: sent $sn, captured $any_n, marked $ef_n; call B: sent $sb, flow $pb_pk policed $pol_b, EF $ef_b; not captured: $miss"
	emit "# faults: media flood $MEDIA_PPS pps into a 87.2 kbit/s reservation: $pol_a of $sa policed, $((pa_pk - pol_a)) conforming, $ef_a seen as EF"
	((pa_pk == sa)) || fail "call A's flow counted $pa_pk of $sa packets"
	((pol_a > sa / 2)) || fail "only $pol_a of $sa flood packets policed"
	((pa_pk - pol_a >= lo && pa_pk - pol_a <= bound)) ||
		fail "$((pa_pk - pol_a)) conforming packets outside $lo..$bound"
	((ef_a <= pa_pk - pol_a && ef_a >= pa_pk - pol_a - miss)) ||
		fail "EF on the wire $ef_a, conforming $((pa_pk - pol_a)), $miss not captured"
	((ef_n == 0 && any_n >= sn - miss)) ||
		fail "the unlatched source: $ef_n of $any_n (sent $sn) marked"
	((pb_pk == sb && pol_b == 0 && ef_b >= sb - miss)) ||
		fail "call B: flow $pb_pk policed $pol_b EF $ef_b, sent $sb ($miss not captured)"
	uac_wait
	wait_flows 0 10 || fail "flows left after the BYEs"
	daemon_stop
}

case_kill9_calls() {
	local pause=$((NCALLS * 2 + 90)) t0 i p n cj before gens=()
	fresh_daemon "[dialog] max_dialogs = $MAXD" "[kernel] flow_timeout = 600"
	uas_start "$NCALLS"
	uac_start "$NCALLS" $((pause * 1000)) 10
	t0=$SECONDS
	wait_flows $((NCALLS * 4)) 60 || fail "the $NCALLS calls did not get their flows"
	# RTP on each call towards wan (20 packets/s each) for the rest of the case.
	for ((i = 0; i < NCALLS; i++)); do
		p=$((6000 + 4 * i))
		ip netns exec "$NS_LAN" "$T/rtpgen" --dst "$WAN4:$p" --src "$LAN4:$((p + 1000))" \
			--pps 20 --duration $((pause - 10)) --size 172 >"$TMPD/gen.$p" 2>&1 &
		gens+=($!)
	done
	sleep 2
	flows_file "$TMPD/before.json"
	pp kill -9 "$(dpid)"
	sleep 0.5
	kill -0 "$(dpid)" 2>/dev/null && fail "voiceqosd survived kill -9"
	sleep 3
	flows_file "$TMPD/dead.json"
	# Every RTP flow towards wan kept counting while no daemon ran.
	n=$(jq -s -r --slurpfile b "$TMPD/before.json" '
		($b | map({key: "\(.dst_port)", value: .stats.packets}) | from_entries) as $old |
		map(select(.dst_port >= 6000 and .dst_port < 6000 + 4 * '"$NCALLS"' and
			.dst_port % 4 == 0 and .stats.packets > $old["\(.dst_port)"])) | length' \
		"$TMPD/dead.json")
	note "RTP flows that counted packets while the daemon was dead: $n of $NCALLS"
	((n == NCALLS)) || fail "only $n of $NCALLS RTP flows kept classifying"
	[[ $(n_our_flows) == $((NCALLS * 4)) ]] || fail "flows did not survive kill -9"
	daemon_start
	cj=$(calls_json)
	jq -e --argjson n "$NCALLS" '.calls | length == $n and
		all(.state == "adopted" and (.flows | length == 4))' <<<"$cj" >/dev/null ||
		fail "not all adopted: $(jq -c '[.calls[] | {state, n: (.flows | length)}]' <<<"$cj")"
	[[ $(ctl status | jq '.kernel.adopted_flows') == $((NCALLS * 4)) ]] ||
		fail "adopted_flows: $(ctl status | jq -c .kernel)"
	# A reload with an invalid file meanwhile: the old config stays, the log names
	# FILE:LINE, the adopted calls and their flows stay.
	before=$(ctl status | jq '.daemon.reload_errors')
	cp "$CONF" "$TMPD/good.conf"
	printf '[daemon]\nsocket = %s\n[dialog]\nmax_dialogs = %s\nearly_timeout = soon\n' \
		"$SOCK" "$MAXD" >"$CONF"
	pp kill -HUP "$(dpid)"
	for ((i = 0; i < 50; i++)); do
		(($(ctl status | jq '.daemon.reload_errors') > before)) && break
		sleep 0.1
	done
	grep -q "reload failed.*$CONF:5:" "$DLOG" || fail "no FILE:LINE in the log: $(tail -3 "$DLOG")"
	vqq --json config get | jq -e '.sip_ports == [5060, 5070]' >/dev/null ||
		fail "the kernel config changed"
	n=$(n_our_flows)
	cj=$(calls_json | jq '.calls | length')
	note "checks done $((SECONDS - t0)) s after the calls started (BYEs at $pause s)"
	((SECONDS - t0 < pause - 5)) || fail "too slow: checks done $((SECONDS - t0)) s in, BYEs at $pause s"
	[[ $n == $((NCALLS * 4)) && $cj == "$NCALLS" ]] ||
		fail "calls or flows lost on the bad reload: $cj calls, $n flows"
	cp "$TMPD/good.conf" "$CONF"
	uac_wait
	wait_flows 0 15 || fail "flows left after every BYE: $(n_our_flows)"
	[[ $(calls_json | jq '.calls | length') == 0 ]] || fail "calls left: $(calls_json)"
	[[ $(vqq flow list | grep -c . || true) == 0 ]] || fail "kernel flows left: $(vqq flow list)"
	wait "${gens[@]}"
	daemon_stop
}

# Calls end (BYE) while the daemon is stopped with a tiny, overrun SIP socket: their BYE
# copies are lost. The resync cannot know; the flows go by idle expiry in the kernel and
# the calls by idle_timeout in the daemon.
case_overrun_bye() {
	local t0 i n st gens=()
	fresh_daemon "[daemon] sip_rcvbuf = 4K" "[dialog] idle_timeout = 30" \
		"[dialog] early_timeout = 5" "[kernel] flow_timeout = 3" \
		"[dialog] max_dialogs = $MAXD"
	vq config set mirror-burst 1000 >/dev/null
	uas_start 3
	uac_start 3 5000
	wait_flows 12 30 || fail "the 3 calls got no flows"
	# Media until about their BYE.
	for p in 6000 6004 6008; do
		ip netns exec "$NS_LAN" "$T/rtpgen" --dst "$WAN4:$p" --src "$LAN4:$((p + 1000))" \
			--pps 20 --duration 3 --size 172 >/dev/null 2>&1 &
		gens+=($!)
	done
	trap 'kill -CONT "$(dpid)" 2>/dev/null || true; kill_jobs' EXIT
	pp kill -STOP "$(dpid)"
	# Fills the 8 KiB socket: from the first drop on, nothing is queued until the
	# daemon has read it empty, so the calls' BYEs (and their 200s) are lost.
	invflood --rate 1000 --count 60 --tag ovr >/dev/null
	uac_wait
	wait "${gens[@]}"
	pp kill -CONT "$(dpid)"
	t0=$SECONDS
	for ((i = 0; i < 100; i++)); do
		grep -q 'kernel: resync:' "$DLOG" && break
		sleep 0.1
	done
	jload "$(ctl status)"
	n=$(calls_json | jq '[.calls[] | select(.state == "confirmed")] | length')
	note "sip: overruns ${J[sip.overruns]} lost ${J[sip.lost]} resyncs ${J[sip.resyncs]};" \
		"calls ${J[daemon.calls]}, $n confirmed"
	((${J[sip.overruns]} > 0 && ${J[sip.lost]} > 0 && ${J[sip.resyncs]} > 0)) ||
		fail "overrun not counted/resynced: $(ctl status | jq -c .sip)"
	# Every BYE was lost: the daemon still has the three calls.
	((n == 3)) || fail "$n calls outlived their lost BYE, expected 3"
	# No stale flow or call once flow_timeout and idle_timeout have passed.
	for ((i = 0; i < 90; i++)); do
		[[ $(n_our_flows) == 0 && $(ctl status | jq .daemon.calls) == 0 ]] && break
		sleep 1
	done
	st=$(ctl status)
	note "after $((SECONDS - t0)) s: flows $(n_our_flows)," \
		"$(jq -c '{calls: .daemon.calls, expired: .kernel.expired, timeouts: .engine.timeouts}' <<<"$st")"
	[[ $(n_our_flows) == 0 ]] || fail "stale flows: $(vqq flow list)"
	[[ $(jq .daemon.calls <<<"$st") == 0 ]] || fail "stale calls: $(calls_json)"
	(($(jq .kernel.expired <<<"$st") >= 12 && $(jq .engine.timeouts <<<"$st") >= 3)) ||
		fail "expired $(jq .kernel.expired <<<"$st") (of 12 flows), timeouts $(jq .engine.timeouts <<<"$st") (of 3 calls)"
	vq config set mirror-burst 64 >/dev/null
	daemon_stop
}

case_dmesg_clean() {
	local bad
	bad=$(dmesg_bad 0)
	[[ -z $bad ]] || fail "$bad"
}

run_case module_load case_module_load
grep -q '^voiceqos ' /proc/modules || MODULE_OK=0
run_case mirror_default case_mirror_default
run_case invite_flood case_invite_flood
run_case flood_keepup case_flood_keepup
run_case media_flood case_media_flood
run_case kill9_calls case_kill9_calls
run_case overrun_bye case_overrun_bye
run_case dmesg_clean case_dmesg_clean
echo "---- voiceqosd log (tail) ----"
tail -n 30 "$DLOG"

echo
echo "faults: $((SECONDS - SUITE_T0)) s"
echo "$PASSED passed, $FAILED failed"
exit 0
