#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shaping and admission end to end, run as root INSIDE the test VM by tools/vm/run.sh
# (which sets VQOS_MODULE and VQOS_RESULT): the module and voiceqosd on rtr with
#
#     [link] uplink = wan, downlink = lan (2 Mbit/s each)    [voice] budget = 100k
#
# so that one G.711 call (91.56 kbit/s each way: RTP 87.2 + RTCP 4.36) fits and a second
# one does not. sipp calls, one after another and overlapping (each UAC/UAS pair on its
# own SIP and media ports, so that no two calls share a kernel flow key); a call lasts
# until the test ends it (tests/vm/shaping/uac.xml: an INFO makes the UAC send its BYE),
# so no check races a BYE however slow the host. Checked:
#
#   - start: the HTB tree 5651: on wan and lan only, SIP/best-effort priorities in the
#     module; the voice class at its floor;
#   - after each call event the voice class rate (`tc -s class show`, independent of our code) and
#     `status --json` reserved equal the sum of the admitted calls' reservations per
#     direction (or the 8 kbit floor);
#   - a call beyond the budget: `calls` shows it over budget, its flows carry the
#     best-effort classid (5651:30) and no DSCP rewrite, its RTP bytes are counted in
#     5651:30 and not in 5651:10 (and an admitted call's RTP in 5651:10);
#   - releasing the admitted call frees the budget: the next call is admitted;
#   - `voiceqos monitor --json` prints call_admitted, call_over_budget, call_released;
#   - kill -9 + start: the tree is rebuilt with the voice rate of the adopted flows;
#   - SIGHUP with a changed rate re-applies; a bad file keeps everything;
#   - stop: the trees are gone, the interfaces have their default qdisc again.
#
#   VQOS_CASES=REGEX tests/vm/shaping.sh     a subset (module_load always runs)
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/vm/lib.sh
source "$REPO/tests/vm/lib.sh"
cd "$REPO"

[[ $(id -u) == 0 ]] || { echo "shaping.sh: must run as root" >&2; exit 2; }

VQD=$REPO/agent/voiceqosd
UAC_XML=$REPO/tests/vm/shaping/uac.xml
CONF=$TMPD/voiceqos.conf
SOCK=$TMPD/run/voiceqosd.sock
DLOG=$TMPD/voiceqosd.log
DPIDF=$TMPD/voiceqosd.pid
CALL=91560		# one G.711 call, each way: RTP 87200 + RTCP 4360 bit/s
FLOOR=8000		# the voice class never goes below HTB's 8 kbit

cleanup() {
	set +e
	daemon_stop
	local f
	for f in "$TMPD"/*.pid; do [[ -f $f ]] && kill "$(cat "$f")" 2>/dev/null; done
	kill_jobs
	topology_down
	rm -rf "$TMPD"
}
trap cleanup EXIT

# The calls and the daemon outlive the case that starts them: lib.sh's case_reset (which
# flushes flows and deletes root qdiscs) must not run between these cases.
case_reset() { :; }

# ---- helpers --------------------------------------------------------------------------

write_conf() {
	cat >"$CONF" <<-EOC
	# tests/vm/shaping.sh
	[daemon]
	log_level = debug
	socket = $SOCK
	[sip]
	ports = 5060 5070 5080
	[kernel]
	# The calls send no RTP of their own: no idle expiry while they last.
	flow_timeout = 600
	[link]
	uplink = wan
	uplink_rate = ${1:-2M}
	downlink = lan
	downlink_rate = 2M
	signalling_rate = 64k
	overhead = ${2:-0}
	[voice]
	budget = 100k
	EOC
}


status_json() { VOICEQOS_SOCKET=$SOCK vqq status --json; }
calls_json() { VOICEQOS_SOCKET=$SOCK vqq calls --json; }

# call_start TAG UAC_PORT UAC_MEDIA UAS_PORT UAS_MEDIA: one call, detached (pid files
# TAG.uas.pid, TAG.uac.pid), sipp's G.711 offer/answer, no RTP of its own; it lasts until
# call_end (tests/vm/shaping/uac.xml), so no check races a BYE on a slow host.
call_start() {
	local tag=$1
	pretty WAN "sipp -sn uas -i $WAN4 -p $4 -mp $5"
	(ip netns exec "$NS_WAN" timeout -k 2 600 sipp -sn uas -i "$WAN4" -p "$4" -mp "$5" \
		-m 1 -nostdin -trace_err -error_file "$TMPD/$tag.uas.err" \
		>"$TMPD/$tag.uas.out" 2>&1 </dev/null & echo $! >"$TMPD/$tag.uas.pid")
	sleep 0.3
	pretty LAN "sipp uac -p $2 -mp $3 -> $WAN4:$4"
	(VQ_RTP_HOOK=/bin/true ip netns exec "$NS_LAN" timeout -k 2 600 sipp "$WAN4:$4" \
		-sf "$UAC_XML" -i "$LAN4" -p "$2" -mp "$3" -m 1 -nostdin -trace_err \
		-error_file "$TMPD/$tag.uac.err" -trace_msg -message_file "$TMPD/$tag.msg" \
		>"$TMPD/$tag.uac.out" 2>&1 </dev/null & echo $! >"$TMPD/$tag.uac.pid")
}
# call_end TAG UAC_PORT: an INFO with the call's Call-ID makes its UAC send the BYE.
call_end() {
	local cid
	cid=$(awk '/^Call-ID:/ { sub(/\r$/, "", $2); print $2; exit }' "$TMPD/$1.msg")
	[[ -n $cid ]] || { echo "call $1: no Call-ID in its trace" >&2; return 1; }
	pretty LAN "sipmsg send INFO (Call-ID $cid) -> $LAN4:$2"
	local fmt='INFO sip:sipp@%s:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s:5999;branch=z9hG4bK-%s\r\n'
	fmt+='From: <sip:test@%s>;tag=end\r\nTo: <sip:sipp@%s>;tag=x\r\nCall-ID: %s\r\n'
	fmt+='CSeq: 1 INFO\r\nContent-Length: 0\r\n\r\n'
	# shellcheck disable=SC2059 # the format is ours
	ip netns exec "$NS_LAN" "$T/sipmsg" send --proto udp --dst "$LAN4:$2" --payload \
		"$(printf "$fmt" "$LAN4" "$2" "$LAN4" "$1" "$LAN4" "$LAN4" "$cid")" >/dev/null
}
# call_wait TAG [SECONDS]: until its UAC and its UAS exited (BYE sent and answered, and
# the UAS's SIP port free again: the next call may bind the same one).
call_wait() {
	local t_end=$((SECONDS + ${2:-60})) p
	for p in "$(cat "$TMPD/$1.uac.pid")" "$(cat "$TMPD/$1.uas.pid")"; do
		while kill -0 "$p" 2>/dev/null; do
			((SECONDS < t_end)) || { echo "call $1 still running" >&2; return 1; }
			sleep 0.2
		done
	done
	rm -f "$TMPD/$1.uac.pid" "$TMPD/$1.uas.pid"
}

# The call whose UAS media port is PORT, from `calls --json` (one JSON object).
call_by_port() {
	calls_json | jq -c --arg d "$WAN4:$1" \
		'.calls[] | select(any(.flows[]; .dst == $d))'
}
# wait_admission PORT STATE [SECONDS]
wait_admission() {
	local t_end=$((SECONDS + ${3:-20})) a=""
	while ((SECONDS < t_end)); do
		a=$(call_by_port "$1" | jq -r 'select((.flows | length) == 4) | .admission' \
			2>/dev/null || true)
		[[ $a == "$2" ]] && return 0
		sleep 0.2
	done
	echo "call to port $1: admission '$a', want $2" >&2
	return 1
}

# tc_class DEV MINOR rate|prio|bytes: class 5651:MINOR as `tc -s class show` prints it
# (tc's own view, independent of our code; this tc has no JSON for HTB classes). Rates
# come back in bit/s: tc prints 91560bit, 64Kbit, 2Mbit.
tc_class() {
	ip netns exec "$NS_RTR" tc -s class show dev "$1" | awk -v h="5651:$2" -v f="$3" '
		$1 == "class" {
			cur = $3 == h
			if (cur)
				for (i = 1; i < NF; i++) {
					if ($i == "rate") rate = $(i + 1)
					if ($i == "prio") prio = $(i + 1)
				}
			next
		}
		cur && $1 == "Sent" { bytes = $2; cur = 0 }
		END {
			if (f == "rate") {
				n = rate + 0
				if (rate ~ /Kbit$/) n *= 1000
				if (rate ~ /Mbit$/) n *= 1000000
				if (rate ~ /Gbit$/) n *= 1000000000
				printf "%d\n", n
			} else if (f == "prio") {
				print prio
			} else {
				print bytes + 0
			}
		}'
}
tc_rate_bps() { tc_class "$1" "$2" rate; }

# check_voice UP DOWN: voice class rates and the daemon's reserved sums.
check_voice() {
	local up=$1 down=$2 st want
	st=$(status_json)
	jq -e --argjson u "$up" --argjson d "$down" '.links | length == 2 and
		(map(select(.dir == "up"))[0].reserved_bps == $u) and
		(map(select(.dir == "down"))[0].reserved_bps == $d)' <<<"$st" >/dev/null ||
		fail "status reserved: $(jq -c '[.links[] | {dir, reserved_bps}]' <<<"$st")," \
			"want up $up down $down"
	want=$((up > FLOOR ? up : FLOOR))
	[[ $(tc_rate_bps wan 10) == "$want" ]] ||
		fail "wan voice class rate $(tc_rate_bps wan 10) bit/s, want $want"
	want=$((down > FLOOR ? down : FLOOR))
	[[ $(tc_rate_bps lan 10) == "$want" ]] ||
		fail "lan voice class rate $(tc_rate_bps lan 10) bit/s, want $want"
	note "voice up $(tc_rate_bps wan 10) down $(tc_rate_bps lan 10) bit/s"
}

# rtp COUNT PORT PPS: G.711-sized packets from the UAC side to the UAS media port PORT.
rtp() {
	ip netns exec "$NS_LAN" "$T/rtpgen" --dst "$WAN4:$2" --pps "$3" --count "$1" \
		--size 172 >"$TMPD/gen.out" 2>&1
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

case_start() {
	local cg
	write_conf
	daemon_start
	rtr tc qdisc show dev wan | grep '^qdisc htb 5651: root' >/dev/null ||
		fail "no HTB 5651: on wan: $(rtr tc qdisc show dev wan)"
	rtr tc qdisc show dev lan | grep '^qdisc htb 5651: root' >/dev/null
	# The other interfaces are not ours to touch.
	! rtr tc qdisc show dev lo | grep 5651: >/dev/null || fail "lo was touched"
	! lan tc qdisc show dev eth0 | grep 5651: >/dev/null || fail "lan eth0 was touched"
	[[ $(tc_class wan 10 prio) == 0 && $(tc_class wan 20 prio) == 1 &&
		$(tc_class wan 30 prio) == 2 ]] ||
		fail "class prios: $(rtr tc class show dev wan)"
	[[ $(tc_rate_bps wan 20) == 64000 ]] || fail "signalling $(tc_rate_bps wan 20)"
	[[ $(tc_rate_bps wan 1) == 2000000 ]] || fail "link rate $(tc_rate_bps wan 1)"
	cg=$(vqq --json config get)
	note "$cg"
	jq -e '.sip_priority == "5651:20" and .be_priority == "5651:30"' <<<"$cg" \
		>/dev/null || fail "module priorities: $cg"
	check_voice 0 0
	# veth: HTB counts the 14-byte header, + overhead 0 <= the 18 bytes calls reserve.
	! grep -q 'short of what they send' "$DLOG" || fail "overhead warning: $(tail -3 "$DLOG")"
	VOICEQOS_SOCKET=$SOCK vq status
}

MON_PIDF=$TMPD/monitor.pid
case_admitted() {
	# The event stream, for the whole sequence (read by case_monitor).
	(VOICEQOS_SOCKET=$SOCK ip netns exec "$NS_RTR" timeout -k 2 290 "$VQOS_BIN" monitor \
		--json --count 4 --timeout 280 >"$TMPD/monitor.out" 2>"$TMPD/monitor.err" \
		</dev/null & echo $! >"$MON_PIDF")
	(VOICEQOS_SOCKET=$SOCK ip netns exec "$NS_RTR" timeout -k 2 290 "$VQOS_BIN" monitor \
		--count 4 --timeout 280 >"$TMPD/monitor.txt" 2>&1 </dev/null &)
	sleep 0.5
	call_start a 5060 8000 5060 6000
	wait_admission 6000 admitted 30
	check_voice $CALL $CALL
	jq -e '.flows | all(.dscp == 46)' <<<"$(call_by_port 6000)" >/dev/null ||
		fail "admitted flows without EF: $(call_by_port 6000)"
	jq -e '.links | all(.calls_admitted == 1 and .calls_over_budget == 0 and
		.free_bps == 100000 - 91560 and .budget_bps == 100000 and
		(.classes | map(select(.name == "voice"))[0].rate_bps == 91560))' \
		<<<"$(status_json)" >/dev/null || fail "status: $(status_json | jq -c .links)"
	VOICEQOS_SOCKET=$SOCK vq calls
}

case_over_budget() {
	local st b10 b30 flows
	call_start b 5070 8100 5080 6100
	wait_admission 6100 over_budget 30
	check_voice $CALL $CALL
	st=$(status_json)
	jq -e '.links | all(.calls_admitted == 1 and .calls_over_budget == 1)' <<<"$st" \
		>/dev/null || fail "status counts: $(jq -c '.links' <<<"$st")"
	"$REPO/tests/schema/check.py" status <<<"$st" >"$TMPD/schema" 2>&1 ||
		fail "status --json against the schema: $(head -n 3 "$TMPD/schema" | tr '\n' ' ')"
	VOICEQOS_SOCKET=$SOCK vqq calls --json | "$REPO/tests/schema/check.py" calls \
		>"$TMPD/schema" 2>&1 ||
		fail "calls --json against the schema: $(head -n 3 "$TMPD/schema" | tr '\n' ' ')"
	# Its flows: best-effort classid, no DSCP rewrite, not policed; the admitted
	# call's: the voice classid.
	flows=$(vqq --json flow list | jq -c 'if type == "array" then . else [.] end')
	jq -e '[.[] | select(.dst_port == 6100 or .dst_port == 6101 or .dst_port == 8100 or
		.dst_port == 8101)] | length == 4 and all(.priority == "5651:30") and
		all(.dscp == null) and all((.rate // 0) == 0)' <<<"$flows" >/dev/null ||
		fail "over-budget flows: $(jq -c '[.[] | {dst_port, priority, dscp, rate}]' <<<"$flows")"
	jq -e '[.[] | select(.dst_port == 6000)][0] | .priority == "5651:10" and .dscp == 46
		and .rate == 87200' <<<"$flows" >/dev/null ||
		fail "admitted flow: $(jq -c '[.[] | {dst_port, priority, dscp, rate}]' <<<"$flows")"
	# Its media is counted in best effort, not in voice.
	b10=$(tc_class wan 10 bytes)
	b30=$(tc_class wan 30 bytes)
	rtp 100 6100 200
	sleep 0.5
	note "voice +$(($(tc_class wan 10 bytes) - b10))," \
		"best effort +$(($(tc_class wan 30 bytes) - b30)) bytes"
	(($(tc_class wan 30 bytes) - b30 >= 100 * 200)) ||
		fail "over-budget RTP not in 5651:30 (+$(($(tc_class wan 30 bytes) - b30)) bytes)"
	(($(tc_class wan 10 bytes) == b10)) ||
		fail "over-budget RTP in 5651:10 (+$(($(tc_class wan 10 bytes) - b10)) bytes)"
	# And the admitted call's media goes to voice, at the codec's 50 packets/s (faster
	# would be policed into best effort). A loaded TCG host bunches some packets into
	# bursts the policer demotes: at least half must be in voice.
	b10=$(tc_class wan 10 bytes)
	rtp 50 6000 50
	sleep 0.5
	note "admitted: voice +$(($(tc_class wan 10 bytes) - b10)) bytes"
	(($(tc_class wan 10 bytes) - b10 >= 25 * 200)) ||
		fail "admitted RTP not in 5651:10 (+$(($(tc_class wan 10 bytes) - b10)))"
	VOICEQOS_SOCKET=$SOCK vq calls
	VOICEQOS_SOCKET=$SOCK vq status
}

case_release() {
	# Call a ends; call b goes on, still over budget.
	call_end a 5060
	call_wait a 30 || fail "call a: $(tail -3 "$TMPD/a.uac.out")"
	local t_end=$((SECONDS + 10))
	while [[ -n $(call_by_port 6000) ]] && ((SECONDS < t_end)); do sleep 0.2; done
	check_voice 0 0
	[[ $(call_by_port 6100 | jq -r .admission) == over_budget ]] ||
		fail "call b: $(call_by_port 6100)"
	# The freed budget lets the next call in.
	call_start c 5060 8000 5060 6000
	wait_admission 6000 admitted 30
	check_voice $CALL $CALL
}

case_monitor() {
	local t_end=$((SECONDS + 20))
	while kill -0 "$(cat "$MON_PIDF")" 2>/dev/null && ((SECONDS < t_end)); do sleep 0.2; done
	note "$(cat "$TMPD/monitor.out")"
	note "$(cat "$TMPD/monitor.txt")"
	jq -s -e 'map(.event) as $e | ($e | index("call_admitted")) != null and
		($e | index("call_over_budget")) != null and ($e | index("call_released")) != null
		and all(.[]; (.time | type) == "number" and (.cookie | type) == "string")' \
		"$TMPD/monitor.out" >/dev/null || fail "events: $(cat "$TMPD/monitor.out" "$TMPD/monitor.err")"
	# The human form: one line per event, the same events.
	grep -q ' call_over_budget ' "$TMPD/monitor.txt" ||
		fail "human monitor: $(cat "$TMPD/monitor.txt")"
	grep -q ' call_released ' "$TMPD/monitor.txt" ||
		fail "human monitor: $(cat "$TMPD/monitor.txt")"
	[[ $(grep -c . "$TMPD/monitor.txt") == $(grep -c . "$TMPD/monitor.out") ]]
	"$REPO/tests/schema/check.py" --lines monitor_event "$TMPD/monitor.out" \
		>"$TMPD/schema" 2>&1 ||
		fail "monitor --json against the schema: $(head -n 3 "$TMPD/schema" | tr '\n' ' ')"
}

case_restart() {
	pp kill -9 "$(dpid)"
	sleep 0.5
	rm -f "$DPIDF"
	# Nobody resizes the tree meanwhile; break it on purpose so that the restart must
	# rebuild it (a stale tree of ours is replaced).
	rtr tc class change dev wan parent 5651:1 classid 5651:10 htb rate 8kbit ceil 2mbit \
		prio 0
	daemon_start
	check_voice $CALL $CALL
	[[ $(call_by_port 6000 | jq -r .admission) == admitted ]] ||
		fail "adopted call c: $(call_by_port 6000)"
	[[ $(call_by_port 6100 | jq -r .admission) == over_budget ]] ||
		fail "adopted call b: $(call_by_port 6100)"
}

case_reload() {
	local r0
	r0=$(status_json | jq '.daemon.reloads')
	printf '[link]\nuplink = wan\n' >"$CONF"
	pp kill -HUP "$(dpid)"
	sleep 1
	grep -q "reload failed.*$CONF:2:" "$DLOG" || fail "no FILE:LINE: $(tail -2 "$DLOG")"
	[[ $(tc_rate_bps wan 1) == 2000000 ]] || fail "a bad file changed the tree"
	check_voice $CALL $CALL
	write_conf 4M
	pp kill -HUP "$(dpid)"
	sleep 1
	[[ $(status_json | jq '.daemon.reloads') == $((r0 + 1)) ]]
	[[ $(tc_rate_bps wan 1) == 4000000 ]] || fail "uplink_rate not re-applied"
	check_voice $CALL $CALL
	# cake's "overhead 18" carried over to HTB: 14 + 18 > the 18 bytes reserved.
	write_conf 4M 18
	pp kill -HUP "$(dpid)"
	sleep 1
	local w='wan: HTB charges each packet 32 bytes beyond IP (header 14 + \[link\] overhead'
	w+=' 18) but the calls reserve 18 .*overhead should be at most 4$'
	grep -q "$w" "$DLOG" || fail "no overhead warning: $(grep shaper "$DLOG" | tail -3)"
	check_voice $CALL $CALL
}

case_stop() {
	call_end c 5060
	call_end b 5070
	call_wait c 30 || fail "call c: $(tail -3 "$TMPD/c.uac.out")"
	call_wait b 30 || fail "call b: $(tail -3 "$TMPD/b.uac.out")"
	check_voice 0 0
	daemon_stop
	! rtr tc qdisc show dev wan | grep 5651: >/dev/null || fail "tree left on wan"
	! rtr tc qdisc show dev lan | grep 5651: >/dev/null || fail "tree left on lan"
}

run_case module_load case_module_load
run_case shaping_start case_start
run_case shaping_admitted case_admitted
run_case shaping_over_budget case_over_budget
run_case shaping_release case_release
run_case shaping_monitor case_monitor
run_case shaping_restart case_restart
run_case shaping_reload case_reload
run_case shaping_stop case_stop

echo
echo "# voiceqosd log: $(grep -c . "$DLOG" 2>/dev/null || echo 0) lines"
grep -E 'over budget|admitted|shaper' "$DLOG" | head -20 | sed 's/^/# /' || true
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
