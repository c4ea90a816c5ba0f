#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# voiceqosd end to end, run as root INSIDE the test VM by tools/vm/run.sh (which sets
# VQOS_MODULE and VQOS_RESULT): the module and voiceqosd on rtr, a sipp UAC in lan calls a
# sipp UAS in wan (sipp's G.711 u-law offer/answer), and RTP starts the moment the UAC
# sees the 200 OK (tests/vm/agent/uac.xml runs rtpgen from the 200's action). Checked:
#
#   - the flows exist with the G.711 reservation (87.2 kbit/s) before the first RTP
#     packet: the kernel's per-flow packet counter equals what rtpgen sent, and every
#     one of those packets left rtr with DSCP EF;
#   - `voiceqos calls --json` shows the call; BYE removes the flows;
#   - kill -9 of voiceqosd mid-call: the flows stay; the restarted daemon adopts them
#     (same cookie) and the BYE still removes them;
#   - a bad config is refused at start (FILE:LINE, exit 1, kernel untouched); SIGHUP with
#     a bad file keeps the old config and logs FILE:LINE;
#   - rmmod + insmod mid-call under a running daemon: it notices, re-applies its config
#     and installs the call's flows again, which the BYE removes;
#   - SIP socket overrun: with `sip_rcvbuf = 4K` (applied by SIGHUP) and the daemon
#     stopped, a burst of SIP copies overflows its socket; after SIGCONT it counts the
#     overrun and the lost copies and resyncs, which puts back a live call's flow that
#     was deleted meanwhile and removes a tagged flow no call wants (a foreign one
#     stays); a whole call made while it was stopped left nothing; the live call's BYE
#     and a call made afterwards work as usual.
#
# Bench figures (printed, not asserted): answer -> flow installed latency p50/p99 from
# the daemon's debug log, and RTP packets that left rtr before their flow existed.
#
#   VQOS_CASES=REGEX tests/vm/agent.sh     a subset (module_load always runs)
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/vm/lib.sh
source "$REPO/tests/vm/lib.sh"
cd "$REPO"

[[ $(id -u) == 0 ]] || { echo "agent.sh: must run as root" >&2; exit 2; }

VQD=$REPO/agent/voiceqosd
UAC_XML=$REPO/tests/vm/agent/uac.xml
CONF=$TMPD/voiceqos.conf
SOCK=$TMPD/run/voiceqosd.sock
DLOG=$TMPD/voiceqosd.log
BENCH_CALLS=${VQOS_AGENT_BENCH_CALLS:-10}
SUITE_T0=$SECONDS

cleanup() {
	set +e
	daemon_stop
	kill_jobs
	topology_down
	rm -rf "$TMPD"
}
trap cleanup EXIT

# ---- helpers --------------------------------------------------------------------------

# write_conf [DAEMON_KEY_LINE]: the suite's config, plus one [daemon] line.
write_conf() {
	cat >"$CONF" <<-EOC
	# tests/vm/agent.sh
	[daemon]
	log_level = debug
	socket = $SOCK
	${1:-}
	[sip]
	ports = 5060 5070
	EOC
}

DPIDF=$TMPD/voiceqosd.pid

calls_json() { VOICEQOS_SOCKET=$SOCK vqq calls --json; }
ctl() { printf '%s\n' "$1" | ip netns exec "$NS_RTR" python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read())
sys.stdout.write(s.makefile().read())' "$SOCK"; }

# our_flows: the flows with the agent's cookie tag (0x56 in the top byte), one JSON each.
our_flows() {
	vqq --json flow list | jq -c 'if type == "array" then .[] else . end |
		select(.cookie != null and (.cookie / 72057594037927936 | floor) == 86)'
}
# Counted without jq (its start-up costs a second under TCG): tagged cookies are the
# 19-digit decimals from 0x5600000000000000 to 0x56ffffffffffffff.
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
		sleep 0.1
	done
	echo "expected $1 agent flows, have $n" >&2
	return 1
}

UAS_PID=""
uas_start() {
	pretty WAN "sipp -sn uas -i $WAN4 -mp 6000"
	ip netns exec "$NS_WAN" timeout -k 2 120 sipp -sn uas -i "$WAN4" -p 5060 -mp 6000 \
		-m "${1:-1}" -nostdin -trace_err -error_file "$TMPD/uas.err" \
		>"$TMPD/uas.out" 2>&1 &
	UAS_PID=$!
	sleep 0.3
}

# uac_run HOOK PAUSE_MS [CALLS RATE [SIPP ARGS]] (foreground or with & by the caller)
uac_run() {
	pretty LAN "sipp uac -> $WAN4 -d $2 -m ${3:-1} ${*:5}"
	VQ_RTP_HOOK=$1 ip netns exec "$NS_LAN" timeout -k 2 120 sipp "$WAN4:5060" \
		-sf "$UAC_XML" -i "$LAN4" -p 5060 -mp 8000 -d "$2" -m "${3:-1}" -r "${4:-1}" \
		"${@:5}" -nostdin -trace_err -error_file "$TMPD/uac.err" >"$TMPD/uac.out" 2>&1
}

# An RTP hook: COUNT G.711 packets (160 bytes + 12 RTP = 172) at 50/s to the UAS' media.
rtp_hook() {
	local f=$TMPD/hook.$1.sh
	cat >"$f" <<-EOH
	#!/bin/sh
	"$T/rtpgen" --dst $WAN4:6000 ${RTP_SRC:-} --pps 50 --count $1 --size 172 \
		>>"$TMPD/gen.out" 2>&1
	echo done >>"$TMPD/gen.done"
	EOH
	chmod +x "$f"
	echo "$f"
}

# cap_start: tcpdump in wan of RTP towards the UAS' media port.
cap_start() {
	rm -f "$TMPD/cap.pcap"
	ip netns exec "$NS_WAN" tcpdump -i eth0 -n -U -w "$TMPD/cap.pcap" \
		'udp dst port 6000' >"$TMPD/tcpdump.err" 2>&1 &
	CAP_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q listening "$TMPD/tcpdump.err" && return 0
		sleep 0.05
	done
	return 1
}
cap_stop() { sleep 0.3; kill "$CAP_PID" 2>/dev/null; wait "$CAP_PID" 2>/dev/null || true; }
# cap_count [tos]: RTP packets captured (with that TOS byte).
cap_count() {
	if [[ -n ${1:-} ]]; then
		tcpdump -n -r "$TMPD/cap.pcap" "ip[1] == $1" 2>/dev/null | grep -c . || true
	else
		tcpdump -n -r "$TMPD/cap.pcap" 2>/dev/null | grep -c . || true
	fi
}

wait_file_lines() {
	local t_end=$((SECONDS + ${3:-20}))
	while ((SECONDS <= t_end)); do
		[[ -f $1 && $(grep -c . "$1" || true) -ge $2 ]] && return 0
		sleep 0.1
	done
	return 1
}

# ---- cases ----------------------------------------------------------------------------

case_module_load() {
	[[ -n ${VQOS_MODULE:-} && -f $VQOS_MODULE ]] || fail "VQOS_MODULE '${VQOS_MODULE:-}' is not a file"
	[[ -x $VQD ]] || fail "$VQD not built"
	command -v sipp >/dev/null || fail "sipp (sip-tester) not installed"
	if grep -q '^voiceqos ' /proc/modules; then pp rmmod voiceqos; fi
	pp insmod "$VQOS_MODULE"
	grep -q '^voiceqos ' /proc/modules
	topology_up
}

# A config error stops the daemon before it touches the kernel: in a fresh namespace
# the module's hooks (brought in by the first CONFIG_SET) stay absent.
case_config_error() {
	local ns=vqcfg-$RUN out rc=0
	printf '[sip]\nports = 5060\nbogus_key = 1\n' >"$TMPD/bad.conf"
	pp ip netns add "$ns"
	out=$(ip netns exec "$ns" "$VQD" -f -c "$TMPD/bad.conf" 2>&1) || rc=$?
	note "$out"
	[[ $(ip netns exec "$ns" awk '$1 == "hooks" { print $2 }' /proc/net/voiceqos/stats) == 0 ]] ||
		{ ip netns del "$ns"; fail "the kernel was configured despite the bad file"; }
	ip netns del "$ns"
	((rc == 1)) || fail "exit $rc, expected 1"
	[[ $out == *"$TMPD/bad.conf:3:"* ]] || fail "no FILE:LINE in: $out"
	out=$("$VQD" -c "$TMPD/missing.conf" -t 2>&1) && fail "a missing -c file was accepted"
	[[ $out == *missing.conf* ]]
}

case_daemon_start() {
	write_conf
	daemon_start
	[[ $(stat -c %a "$SOCK") == 600 ]] || fail "socket mode $(stat -c %a "$SOCK")"
	[[ $(stat -c %a "$TMPD/run") == 750 ]] || fail "socket dir mode $(stat -c %a "$TMPD/run")"
	[[ $(VOICEQOS_SOCKET=$SOCK vqq calls) == "no calls" ]]
	# The config reached the kernel: both SIP ports.
	vqq --json config get | jq -e '.sip_ports == [5060, 5070]' >/dev/null ||
		fail "sip ports not applied: $(vqq --json config get)"
	# Not root: refused by the socket mode before our uid check even runs.
	local out
	out=$(ip netns exec "$NS_RTR" setpriv --reuid=65534 --regid=65534 --clear-groups \
		env VOICEQOS_SOCKET="$SOCK" "$VQOS_BIN" calls 2>&1) && fail "nobody could ask: $out"
	[[ $out == *"permission denied"* ]] || fail "unexpected: $out"
}

case_call() {
	local hook gen sent n cj fj pol
	: >"$TMPD/gen.out"
	rm -f "$TMPD/gen.done"
	cap_start
	uas_start 1
	hook=$(rtp_hook 50)
	uac_run "$hook" 12000 &
	UAC_PID=$!
	wait_file_lines "$TMPD/gen.done" 1 30 || fail "rtpgen did not run from the 200's action"
	# The call is still up (12 s pause after ACK, room for a loaded host): CLI view, flows.
	cj=$(calls_json)
	our_flows >"$TMPD/flows.json"
	sent=$(kv "$TMPD/gen.out" packets)
	note "rtpgen: $(cat "$TMPD/gen.out")"
	cat "$TMPD/flows.json"
	n=$(grep -c . "$TMPD/flows.json" || true)
	((n == 4)) || fail "expected 4 flows (RTP + RTCP each way), have $n"
	fj=$(jq -c 'select(.dst_port == 6000)' "$TMPD/flows.json")
	jload "$fj"
	[[ ${J[rate]} == 87200 ]] || fail "RTP towards the UAS reserved ${J[rate]} bit/s, not 87200"
	[[ ${J[dscp]} == 46 && ${J[rtcp]} == false && ${J[clock_rate]} == 8000 ]] ||
		fail "flow: $fj"
	[[ ${J[stats.packets]} == "$sent" ]] ||
		fail "kernel counted ${J[stats.packets]} of $sent RTP packets: the flow came late"
	# One jq over all lines (jq 1.6 -e reports only the last input's result).
	jq -s -e '(map(select(.dst_port == 8000))[0].rate == 87200) and
		(map(select(.dst_port == 6001))[0] | .rtcp and .rate == 4360)' \
		"$TMPD/flows.json" >/dev/null || fail "flows: $(cat "$TMPD/flows.json")"
	note "$cj"
	jq -e '.kernel and (.calls | length == 1) and
		(.calls[0] | .state == "confirmed" and (.flows | length == 4) and
		 (.call_id | length > 0) and
		 ([.flows[] | select(.dst == "'"$WAN4"':6000")][0].kernel.packets == '"$sent"'))' \
		<<<"$cj" >/dev/null || fail "calls --json: $cj"
	"$REPO/tests/schema/check.py" calls <<<"$cj" >"$TMPD/schema" 2>&1 ||
		fail "calls --json against the schema: $(head -n 3 "$TMPD/schema" | tr '\n' ' ')"
	VOICEQOS_SOCKET=$SOCK vqq calls
	wait "$UAC_PID" || fail "sipp UAC failed: $(tail -3 "$TMPD/uac.out")"
	cap_stop
	# BYE: gone.
	wait_flows 0 5 || fail "flows left after BYE: $(our_flows)"
	# Every packet left as EF, except those the policer demoted (a sender delayed and
	# then bursting, which a loaded TCG host does): those are counted by the flow.
	pol=$(jq -s 'map(select(.dst_port == 6000))[0].stats.policed_packets' "$TMPD/flows.json")
	((pol > 0)) && note "policed (sender bursts on a loaded host): $pol"
	[[ $(($(cap_count 0xb8) + pol)) == "$sent" ]] ||
		fail "$(cap_count 0xb8) of $sent RTP packets left rtr as EF, $pol policed ($(cap_count) captured)"
	[[ $(calls_json | jq '.calls | length') == 0 ]]
}

# A call that degrades: netem drops 20 % of what the phone's side sends towards the router
# while the call's RTP runs, so the router's own receiver statistics see the loss. Within
# 5 s of the loss starting (the issue's bound; [quality] interval = 1), `voiceqos monitor`
# has announced call_degraded, and `calls --json` shows the call degraded, its MOS under
# the threshold; once the loss stops, call_recovered follows.
case_degraded() {
	local hook t0 t1 cj i mos
	kill -0 "$(dpid)" 2>/dev/null || { write_conf; daemon_start; }
	reload_conf $'[quality]\ninterval = 1'
	: >"$TMPD/gen.out"
	rm -f "$TMPD/gen.done"
	uas_start 1
	hook=$(rtp_hook 1000)
	uac_run "$hook" 22000 &
	UAC_PID=$!
	wait_flows 4 30 || fail "the call's flows did not appear"
	# Clean intervals first: no degradation without loss.
	sleep 3
	cj=$(calls_json)
	jq -e '.calls[0] | .degraded == false and (.quality | length == 2) and
		.quality[0].mos > 4' <<<"$cj" >/dev/null || fail "before the loss: $cj"
	(VOICEQOS_SOCKET=$SOCK ip netns exec "$NS_RTR" timeout -k 2 40 "$VQOS_BIN" monitor \
		--json --timeout 30 >"$TMPD/mon.out" 2>&1 &)
	sleep 1
	t0=$(date +%s.%N)
	lan tc qdisc add dev eth0 root netem loss 20%
	for ((i = 0; i < 100; i++)); do
		grep -q '"call_degraded"' "$TMPD/mon.out" && break
		sleep 0.1
	done
	cj=$(calls_json)
	note "$(grep call_degraded "$TMPD/mon.out" || echo 'no call_degraded event')"
	t1=$(jq -r 'select(.event == "call_degraded") | .time' "$TMPD/mon.out" | head -n 1)
	[[ -n $t1 ]] || fail "no call_degraded event: $(cat "$TMPD/mon.out")"
	note "call_degraded $(echo "$t1 - $t0" | bc) s after the loss started"
	[[ $(echo "$t1 - $t0 <= 5" | bc) == 1 ]] || fail "call_degraded after more than 5 s"
	mos=$(jq -r 'select(.event == "call_degraded") | .mos' "$TMPD/mon.out" | head -n 1)
	[[ $(echo "$mos < 3.6" | bc) == 1 ]] || fail "event MOS $mos"
	jq -e '.calls[0] | .degraded and ([.quality[].mos] | min) < 3.6' <<<"$cj" >/dev/null ||
		fail "calls --json after the loss: $cj"
	VOICEQOS_SOCKET=$SOCK vqq calls | grep -q DEGRADED || fail "calls text: no DEGRADED"
	"$REPO/tests/schema/check.py" calls <<<"$cj" >"$TMPD/schema" 2>&1 ||
		fail "calls --json against the schema: $(head -n 3 "$TMPD/schema" | tr '\n' ' ')"
	lan tc qdisc del dev eth0 root
	for ((i = 0; i < 100; i++)); do
		grep -q '"call_recovered"' "$TMPD/mon.out" && break
		sleep 0.1
	done
	grep -q '"call_recovered"' "$TMPD/mon.out" || fail "no call_recovered after the loss"
	"$REPO/tests/schema/check.py" --lines monitor_event "$TMPD/mon.out" >"$TMPD/schema" 2>&1 ||
		fail "monitor --json against the schema: $(head -n 3 "$TMPD/schema" | tr '\n' ' ')"
	[[ $(ctl_field .quality.degraded_events) -ge 1 ]]
	wait "$UAC_PID" || fail "sipp UAC failed: $(tail -3 "$TMPD/uac.out")"
	wait_flows 0 10 || fail "flows left after BYE"
	reload_conf
}

case_restart_adopt() {
	local cookie cj
	uas_start 1
	uac_run /bin/true 9000 &
	UAC_PID=$!
	wait_flows 4 20
	# Raw text: jq would round a 64-bit cookie to a double.
	cookie=$(vqq --json flow list | grep -o '"cookie":[0-9]*' | head -n1 | cut -d: -f2)
	pp kill -9 "$(dpid)"
	sleep 0.5
	kill -0 "$(dpid)" 2>/dev/null && fail "voiceqosd survived kill -9"
	[[ $(n_our_flows) == 4 ]] || fail "flows did not survive kill -9"
	[[ -S $SOCK ]] # stale: the restart must replace it
	daemon_start
	cj=$(calls_json)
	note "$cj"
	jq -e --arg c "$(printf '0x%016x' "$cookie")" '.calls | length == 1 and
		(.[0] | .state == "adopted" and .cookie == $c and (.flows | length == 4))' \
		<<<"$cj" >/dev/null || fail "not adopted: $cj"
	[[ $(ctl status | jq '.kernel.adopted_flows') == 4 ]]
	wait "$UAC_PID" || fail "sipp UAC failed: $(tail -3 "$TMPD/uac.out")"
	wait_flows 0 5 || fail "BYE after the restart did not remove the adopted flows"
	[[ $(calls_json | jq '.calls | length') == 0 ]]
}

case_sighup() {
	local before
	before=$(ctl status | jq '.daemon.reloads')
	printf '[daemon]\nsocket = %s\n[media]\nvoice_dscp = NOT-A-DSCP\n' "$SOCK" >"$CONF"
	pp kill -HUP "$(dpid)"
	sleep 1
	kill -0 "$(dpid)" || fail "the daemon died on a bad reload"
	grep -q "reload failed.*$CONF:4:" "$DLOG" || fail "no FILE:LINE in the log: $(tail -3 "$DLOG")"
	[[ $(ctl status | jq '.daemon.reload_errors') == 1 ]]
	[[ $(ctl status | jq '.daemon.reloads') == "$before" ]]
	# The old config is still in force: both SIP ports, and a good reload works.
	vqq --json config get | jq -e '.sip_ports == [5060, 5070]' >/dev/null
	write_conf
	pp kill -HUP "$(dpid)"
	sleep 1
	[[ $(ctl status | jq '.daemon.reloads') == $((before + 1)) ]]
}

# rmmod + insmod in the middle of a call: the daemon notices both, configures the new
# module and installs the live call's flows again; the BYE then removes them.
case_module_reload() {
	local st
	uas_start 1
	uac_run /bin/true 16000 &
	UAC_PID=$!
	wait_flows 4 20
	pp rmmod voiceqos
	sleep 1.5
	[[ $(ctl status | jq '.kernel.up') == false ]] || fail "the daemon did not notice the unload"
	pp insmod "$VQOS_MODULE"
	# The call is still up (16 s pause): its flows come back with the module.
	wait_flows 4 10 || fail "the call's flows were not installed again"
	st=$(ctl status)
	jq -c .kernel <<<"$st"
	jq -e '.kernel | .up and .family_lost >= 1 and .family_back >= 1 and
		.resync_added >= 4' <<<"$st" >/dev/null || fail "status: $(jq -c .kernel <<<"$st")"
	vqq --json config get | jq -e '.sip_ports == [5060, 5070]' >/dev/null ||
		fail "config not re-applied after reload"
	wait "$UAC_PID" || fail "sipp UAC failed: $(tail -3 "$TMPD/uac.out")"
	wait_flows 0 5 || fail "BYE after the reload did not remove the flows"
}

# Calls one every 2 s, RTP (0.5 s) from the 200 on: figures, not assertions. sipp gives
# every call the same media ports, and rtpgen sends from one fixed port, so that a
# stream never meets a wildcard flow still latched to another call's source.
case_bench() {
	local n p50 p99 sent early pol0 pol1
	: >"$TMPD/gen.out"
	rm -f "$TMPD/gen.done"
	: >"$DLOG.bench"
	local mark
	mark=$(wc -l <"$DLOG")
	pol0=$(vqq --json stats | jq '.policed')
	cap_start
	uas_start "$BENCH_CALLS"
	RTP_SRC=--src=$LAN4:8010
	uac_run "$(rtp_hook 25)" 1000 "$BENCH_CALLS" 1 -rp 2000 ||
		fail "sipp UAC failed: $(tail -3 "$TMPD/uac.out")"
	wait "$UAS_PID" 2>/dev/null || true
	cap_stop
	wait_flows 0 5
	tail -n +"$((mark + 1))" "$DLOG" | grep -o 'installed rtp .*answer +[0-9]* us' |
		grep -o '+[0-9]*' | tr -d + | sort -n >"$TMPD/lat"
	n=$(grep -c . "$TMPD/lat" || true)
	((n > 0)) || fail "no install latencies in the daemon log"
	p50=$(awk -v n="$n" 'NR == int((n + 1) / 2)' "$TMPD/lat")
	p99=$(awk -v n="$n" 'NR == (int(n * 0.99) > 0 ? int(n * 0.99) : 1)' "$TMPD/lat")
	sent=$(awk -F'packets=' '{ split($2, a, " "); s += a[1] } END { print s + 0 }' "$TMPD/gen.out")
	# Every RTP packet that left rtr without EF: the stream's flow did not exist yet
	# (the calls' RTP ends well before their BYE, so none is late).
	# Demoted by the policer (namespace counter): not EF either, but not early.
	pol1=$(vqq --json stats | jq '.policed')
	early=$(($(cap_count) - $(cap_count 0xb8) - (pol1 - pol0)))
	emit "# bench: answer -> flow installed: p50 ${p50} us, p99 ${p99} us ($n RTP flows, $BENCH_CALLS calls)"
	emit "# bench: RTP packets that passed rtr before their flow existed: $early of $sent ($((pol1 - pol0)) policed)"
}

# ctl_field JQ_PATH: one number from the daemon's status.
ctl_field() { ctl status | jq "$1"; }

# reload_conf [DAEMON_KEY_LINE]: rewrite the config, SIGHUP, wait until it is applied.
reload_conf() {
	local before i
	before=$(ctl_field .daemon.reloads)
	write_conf "${1:-}"
	pp kill -HUP "$(dpid)"
	for ((i = 0; i < 50; i++)); do
		[[ $(ctl_field .daemon.reloads) -gt $before ]] && return 0
		sleep 0.1
	done
	echo "the daemon did not reload" >&2
	return 1
}

# The SIP copy socket overflows while the daemon is stopped (SIGSTOP) with a 4 KiB
# receive buffer (8 KiB as the kernel counts, a handful of copies). Ordering makes it
# deterministic: a burst of OPTIONS to wan:5070 (a SIP port nobody listens on) fills
# the socket first; from the first drop on, the kernel queues nothing more for it until
# it is read empty, so every copy of call B (complete while the daemon is stopped) is
# lost. Call A, up across the stop, is the one whose flows the resync must repair.
STALE_COOKIE=6196953087261802751	# 0x56000000000000ff: tagged, no call has it
case_overrun() {
	local ov0 rs0 ra0 rr0 add0 i n0 f t0 t1 t2 t3 pause=25
	kill -0 "$(dpid)" 2>/dev/null || { write_conf; daemon_start; }
	reload_conf "sip_rcvbuf = 4K"
	# One jq run per status (jq is slow to start under TCG): J[sip.rcvbuf] etc.
	jload "$(ctl status)"
	note "sip: rcvbuf ${J[sip.rcvbuf]} overruns ${J[sip.overruns]} lost ${J[sip.lost]}"
	# The kernel doubles it (its own bookkeeping); the default would be 32 MiB.
	((${J[sip.rcvbuf]} <= 16384)) || fail "sip_rcvbuf not applied: rcvbuf ${J[sip.rcvbuf]}"
	ov0=${J[sip.overruns]} rs0=${J[sip.resyncs]}
	ra0=${J[kernel.resync_added]} rr0=${J[kernel.resync_removed]}
	n0=$(grep -c 'kernel: resync:' "$DLOG" || true)
	# The module's mirror policer must let the whole burst through.
	vq config set mirror-burst 1000 >/dev/null
	uas_start 3
	# Call A: up across the stop; its BYE must come after the checks below (checked).
	uac_run /bin/true $((pause * 1000)) &
	UAC_PID=$!
	wait_flows 4 20 || fail "call A got no flows"
	t0=$(date +%s%N)
	# A failure below must not leave the daemon stopped for the next cases.
	trap 'kill -CONT "$(dpid)" 2>/dev/null; kill_jobs' EXIT
	pp kill -STOP "$(dpid)"
	# While it is stopped: call A loses its RTP flow towards the UAS, and a tagged
	# flow of no call (what a lost BYE of an unknown call leaves) and a foreign
	# one (an admin's) appear.
	vq flow del dst "$WAN4:6000" src any
	vq flow add dst "$WAN4:7000" src any cookie "$STALE_COOKIE" dscp ef >/dev/null
	vq flow add dst "$WAN4:7002" src any cookie 42 dscp ef >/dev/null
	t1=$(date +%s%N)
	pretty LAN "60 x OPTIONS -> $WAN4:5070"
	ip netns exec "$NS_LAN" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(60):
    m = ("OPTIONS sip:%s:5070 SIP/2.0\r\nVia: SIP/2.0/UDP %s:5099;branch=z9hG4bK-ovr%d\r\n"
         "From: <sip:probe@%s>;tag=ovr%d\r\nTo: <sip:%s>\r\nCall-ID: ovr-%d@%s\r\n"
         "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n") % (
         sys.argv[2], sys.argv[1], i, sys.argv[1], i, sys.argv[2], i, sys.argv[1])
    s.sendto(m.encode(), (sys.argv[2], 5070))' "$LAN4" "$WAN4"
	# Call B, complete (INVITE, 200, ACK, BYE) while the daemon is stopped.
	pretty LAN "sipp uac (call B) -> $WAN4 -p 5062 -d 200"
	VQ_RTP_HOOK=/bin/true ip netns exec "$NS_LAN" timeout -k 2 60 sipp "$WAN4:5060" \
		-sf "$UAC_XML" -i "$LAN4" -p 5062 -mp 8100 -d 200 -m 1 -nostdin -trace_err \
		-error_file "$TMPD/uacb.err" >"$TMPD/uacb.out" 2>&1 ||
		fail "call B failed: $(tail -3 "$TMPD/uacb.out")"
	t2=$(date +%s%N)
	pp kill -CONT "$(dpid)"
	for ((i = 0; i < 100; i++)); do
		# The resync's own summary line comes last.
		(($(grep -c 'kernel: resync:' "$DLOG" || true) > n0)) && break
		sleep 0.1
	done
	grep -E 'sip: (socket overrun|resyncing)|kernel: resync:' "$DLOG" | tail -n 3
	jload "$(ctl status)"
	vqq --json flow list >"$TMPD/flows.json"
	t3=$(date +%s%N)
	note "ms after call A's flows: tampered $(((t1 - t0) / 1000000)), call B done" \
		"$(((t2 - t0) / 1000000)), resynced and checked $(((t3 - t0) / 1000000))"
	# Call A's BYE must not have come while the daemon was stopped: it would be lost.
	(((t3 - t0) / 1000000 < pause * 1000 - 2000)) ||
		fail "too slow: the checks ended $(((t3 - t0) / 1000000)) ms after call A's" \
			"answer, its BYE comes after $pause s"
	note "sip: overruns ${J[sip.overruns]} lost ${J[sip.lost]} resyncs ${J[sip.resyncs]};" \
		"kernel: resync_added ${J[kernel.resync_added]} resync_removed ${J[kernel.resync_removed]}"
	((${J[sip.overruns]} > ov0)) || fail "no overrun counted (sip.overruns ${J[sip.overruns]})"
	((${J[sip.resyncs]} > rs0)) || fail "no resync after the overrun (sip.resyncs ${J[sip.resyncs]})"
	# 60 OPTIONS and call B's 6 messages, of which a handful of copies fit.
	((${J[sip.lost]} >= 40)) || fail "only ${J[sip.lost]} copies counted as lost"
	grep -q 'sip: socket overrun, SIP copies lost' "$DLOG" || fail "no overrun line in the log"
	grep -q 'sip: resyncing flows after the overrun' "$DLOG" || fail "no resync line in the log"
	((${J[kernel.resync_added]} > ra0 && ${J[kernel.resync_removed]} > rr0)) ||
		fail "the resync repaired nothing: added ${J[kernel.resync_added]} (was $ra0)," \
			"removed ${J[kernel.resync_removed]} (was $rr0)"
	# Only call A is known: every copy of call B was lost.
	((${J[daemon.calls]} == 1)) || fail "calls after the overrun: $(calls_json)"
	# Call A's four flows again, the stale one gone, the foreign one untouched.
	f=$(jq -r -s 'map(if type == "array" then .[] else . end) |
		"\(map(select(.cookie != null and
			(.cookie / 72057594037927936 | floor) == 86)) | length)" +
		" \(map(select(.dst_port == 6000)) | length)" +
		" \(map(select(.dst_port == 7000)) | length)" +
		" \(map(select(.dst_port == 7002)) | length)"' "$TMPD/flows.json")
	note "agent flows, :6000, :7000 (stale), :7002 (foreign): $f"
	[[ $f == "4 1 0 1" ]] || fail "flows after the resync (agent, :6000, :7000, :7002): $f"
	# A's BYE, read normally again, removes A's flows; nothing of B is left.
	wait "$UAC_PID" || fail "call A failed: $(tail -3 "$TMPD/uac.out")"
	wait_flows 0 5 || fail "flows left after call A's BYE: $(our_flows)"
	# A call after the overrun gets its flows, and its BYE removes them.
	add0=$(ctl_field .kernel.adds)
	uac_run /bin/true 1000 &
	UAC_PID=$!
	wait_flows 4 15 || fail "call C got no flows"
	wait "$UAC_PID" || fail "call C failed: $(tail -3 "$TMPD/uac.out")"
	wait_flows 0 5 || fail "flows left after call C's BYE: $(our_flows)"
	jload "$(ctl status)"
	((${J[kernel.adds]} >= add0 + 4 && ${J[daemon.calls]} == 0)) ||
		fail "after call C: adds ${J[kernel.adds]} (was $add0), calls ${J[daemon.calls]}"
	vq flow del cookie 42 >/dev/null
	vq config set mirror-burst 64 >/dev/null
	reload_conf
	(($(ctl_field .sip.rcvbuf) >= 16777216)) || fail "the default buffer did not come back"
}

case_dmesg_clean() {
	local bad
	bad=$(dmesg_bad 0)
	[[ -z $bad ]] || fail "$bad"
}

run_case module_load case_module_load
grep -q '^voiceqos ' /proc/modules || MODULE_OK=0
run_case config_error case_config_error
run_case daemon_start case_daemon_start
run_case call case_call
run_case degraded case_degraded
run_case restart_adopt case_restart_adopt
run_case sighup case_sighup
run_case bench case_bench
run_case module_reload case_module_reload
run_case overrun case_overrun
case_daemon_exit() {
	daemon_stop
	grep -q 'exiting; installed flows stay' "$DLOG" || fail "no exit line in the log"
	[[ ! -e $SOCK ]] || fail "control socket left behind"
}
run_case daemon_exit case_daemon_exit
run_case dmesg_clean case_dmesg_clean
echo "---- voiceqosd log (tail) ----"
tail -n 40 "$DLOG"

echo
echo "agent: $((SECONDS - SUITE_T0)) s"
echo "$PASSED passed, $FAILED failed"
exit 0
