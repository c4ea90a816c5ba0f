# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the guest test scripts (sourced, bash). Modelled on WireGuard's netns.sh:
# three namespaces per run, named with a per-run suffix,
#
#     lan  (eth0) ==veth== (lan) rtr (wan) ==veth== (eth0)  wan
#
# with IPv4 and IPv6 on both links, forwarding on in rtr, permanent neighbour entries (so
# ARP/ND never disturbs counts, loss or timing) and `pretty` tracing of every command run
# in a namespace. Each case runs in a subshell with errexit and an ERR trap, so a failing
# plain [[ ]] ends just that case and names its line; the case then reports
# `ok - NAME` or `not ok - NAME: reason` on stdout and to $VQOS_RESULT.
#
# Addresses are from the documentation ranges (RFC 5737, RFC 3849) and never leave the
# namespaces.

REPO=${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
T=$REPO/tests/tools
VQOS_BIN=${VQOS_BIN:-$REPO/agent/voiceqos}
VQOS_RESULT=${VQOS_RESULT:-}

RUN=${VQOS_RUN_ID:-$$}
NS_LAN=vqlan-$RUN
NS_RTR=vqrtr-$RUN
NS_WAN=vqwan-$RUN
NS_NL=vqnl-$RUN

LAN4=192.0.2.1 RTR_LAN4=192.0.2.254 WAN4=198.51.100.1 RTR_WAN4=198.51.100.254
LAN6=2001:db8:1::1 RTR_LAN6=2001:db8:1::fe WAN6=2001:db8:2::1 RTR_WAN6=2001:db8:2::fe
MAC_LAN=02:00:00:00:01:01 MAC_RTR_LAN=02:00:00:00:01:fe
MAC_WAN=02:00:00:00:02:01 MAC_RTR_WAN=02:00:00:00:02:fe

TMPD=$(mktemp -d /tmp/vqos-test.XXXXXX)
PASSED=0
FAILED=0

# Traces go to stderr, so that $(rtr cmd) and rtr cmd >file capture only cmd's output.
pretty() { echo -e "\x1b[32m\x1b[1m[+] ${1:+$1: }${2}\x1b[0m" >&2; }
# nsname NS: LAN, RTR, WAN or NL for one of our namespaces.
nsname() {
	case $1 in
	"$NS_LAN") echo LAN ;; "$NS_RTR") echo RTR ;; "$NS_WAN") echo WAN ;; *) echo NL ;;
	esac
}
pp() { pretty "" "$*"; "$@"; }
lan() { pretty LAN "$*"; ip netns exec "$NS_LAN" "$@"; }
rtr() { pretty RTR "$*"; ip netns exec "$NS_RTR" "$@"; }
wan() { pretty WAN "$*"; ip netns exec "$NS_WAN" "$@"; }
# The CLI, in the router, never allowed to hang the suite.
vq() { pretty RTR "voiceqos $*"; timeout -k 2 60 ip netns exec "$NS_RTR" "$VQOS_BIN" "$@"; }
# Same, quiet (for values captured by the caller).
vqq() { timeout -k 2 60 ip netns exec "$NS_RTR" "$VQOS_BIN" "$@"; }
note() { echo "    $*"; }

emit() {
	echo "$*"
	if [[ -n $VQOS_RESULT ]]; then echo "$*" >>"$VQOS_RESULT"; fi
}

# Pass result lines of a tool through as cases of their own (counting them).
emit_lines() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok - "*) PASSED=$((PASSED + 1)); emit "$line" ;;
		"not ok - "*) FAILED=$((FAILED + 1)); emit "$line" ;;
		*) echo "    $line" ;;
		esac
	done
}

# wait_file FILE [SECONDS]: wait for a --ready file of a background tool.
wait_file() {
	local i
	for ((i = 0; i < ${2:-10} * 20; i++)); do
		[[ -e $1 ]] && return 0
		sleep 0.05
	done
	echo "timed out waiting for $1" >&2
	return 1
}

# Kill the background jobs of the current (sub)shell, by pid.
kill_jobs() {
	local p
	for p in $(jobs -pr); do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}

CASE_FILTER=${VQOS_CASES:-}
MODULE_OK=1

# run_case NAME FUNCTION [ARGS...]
run_case() {
	local name=$1 rc t0=$SECONDS reason
	shift
	if [[ -n $CASE_FILTER && ! $name =~ $CASE_FILTER && $name != module_load ]]; then
		return 0
	fi
	echo
	pretty "" "=== case $name"
	if ((!MODULE_OK)) && [[ $name != module_load ]]; then
		FAILED=$((FAILED + 1))
		emit "not ok - $name: module not loaded"
		return 0
	fi
	: >"$TMPD/reason"
	(
		set -eE -o pipefail
		shopt -s inherit_errexit
		trap 'err_reason "$BASH_COMMAND"' ERR
		trap 'kill_jobs' EXIT
		"$@"
	)
	rc=$?
	reason=$(head -c 300 "$TMPD/reason" | tr '\n' ' ')
	echo "    ($name: $((SECONDS - t0)) s)"
	if ((rc == 0)); then
		PASSED=$((PASSED + 1))
		emit "ok - $name"
	else
		FAILED=$((FAILED + 1))
		emit "not ok - $name: ${reason:-exit $rc}"
	fi
	case_reset
}

# The failing command and where: "CMD (at FUNC:LINE < CALLER:LINE ...)".
err_reason() {
	local i at=""
	for ((i = 1; i < ${#FUNCNAME[@]} - 1; i++)); do
		[[ ${FUNCNAME[i]} == run_case ]] && break
		at+="${at:+ < }${FUNCNAME[i]}:${BASH_LINENO[i - 1]}"
	done
	echo "$1 (at $at)" >"$TMPD/reason"
}

# A case can give a readable reason instead of the ERR trap's line.
fail() {
	echo "$*" >"$TMPD/reason"
	exit 1
}

# Back to a clean state between cases: no flows, default config, no qdiscs.
case_reset() {
	if [[ -n ${VQOS_NO_MODULE:-} ]] || ! grep -qw '^voiceqos' /proc/modules; then
		:
	else
		vqq flow flush >/dev/null 2>&1 || true
		vqq config set fallback-dscp 0 >/dev/null 2>&1 || true
	fi
	ip -n "$NS_LAN" link show eth0 >/dev/null 2>&1 || return 0
	tc -n "$NS_LAN" qdisc del dev eth0 root 2>/dev/null || true
	tc -n "$NS_RTR" qdisc del dev wan root 2>/dev/null || true
	tc -n "$NS_RTR" qdisc del dev lan root 2>/dev/null || true
	rm -f "$TMPD"/ready.* 2>/dev/null || true
}

topology_up() {
	local ns
	for ns in "$NS_LAN" "$NS_RTR" "$NS_WAN" "$NS_NL"; do
		pp ip netns add "$ns"
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_ra=0 \
			net.ipv6.conf.default.accept_ra=0
	done
	pp ip -n "$NS_RTR" link add lan address $MAC_RTR_LAN type veth peer name eth0 \
		address $MAC_LAN netns "$NS_LAN"
	pp ip -n "$NS_RTR" link add wan address $MAC_RTR_WAN type veth peer name eth0 \
		address $MAC_WAN netns "$NS_WAN"

	lan ip addr add $LAN4/24 dev eth0
	lan ip addr add $LAN6/64 dev eth0 nodad
	lan ip link set eth0 up
	lan ip route add default via $RTR_LAN4
	lan ip -6 route add default via $RTR_LAN6
	lan ip neigh replace $RTR_LAN4 lladdr $MAC_RTR_LAN dev eth0 nud permanent
	lan ip -6 neigh replace $RTR_LAN6 lladdr $MAC_RTR_LAN dev eth0 nud permanent

	wan ip addr add $WAN4/24 dev eth0
	wan ip addr add $WAN6/64 dev eth0 nodad
	wan ip link set eth0 up
	wan ip route add default via $RTR_WAN4
	wan ip -6 route add default via $RTR_WAN6
	wan ip neigh replace $RTR_WAN4 lladdr $MAC_RTR_WAN dev eth0 nud permanent
	wan ip -6 neigh replace $RTR_WAN6 lladdr $MAC_RTR_WAN dev eth0 nud permanent

	rtr ip addr add $RTR_LAN4/24 dev lan
	rtr ip addr add $RTR_LAN6/64 dev lan nodad
	rtr ip addr add $RTR_WAN4/24 dev wan
	rtr ip addr add $RTR_WAN6/64 dev wan nodad
	rtr ip link set lan up
	rtr ip link set wan up
	rtr ip neigh replace $LAN4 lladdr $MAC_LAN dev lan nud permanent
	rtr ip -6 neigh replace $LAN6 lladdr $MAC_LAN dev lan nud permanent
	rtr ip neigh replace $WAN4 lladdr $MAC_WAN dev wan nud permanent
	rtr ip -6 neigh replace $WAN6 lladdr $MAC_WAN dev wan nud permanent
	rtr sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

topology_down() {
	local ns
	for ns in "$NS_LAN" "$NS_RTR" "$NS_WAN" "$NS_NL"; do
		ip netns pids "$ns" 2>/dev/null | while read -r p; do kill "$p" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null || true
	done
}

# ---- traffic helpers ------------------------------------------------------------------

# recv_start NS BIND TAG [rtprecv args]: rtprecv in the background, output in $TMPD/TAG.
recv_start() {
	local ns=$1 bind=$2 tag=$3
	shift 3
	rm -f "$TMPD/ready.$tag"
	pretty "$(nsname "$ns")" "rtprecv --bind $bind $*"
	ip netns exec "$ns" "$T/rtprecv" --bind "$bind" --ready "$TMPD/ready.$tag" "$@" \
		>"$TMPD/$tag" 2>&1 &
	wait_file "$TMPD/ready.$tag"
}

# rtpgen in NS; its output line goes to $TMPD/TAG and stdout.
gen() {
	local ns=$1 tag=$2
	shift 2
	pretty "$(nsname "$ns")" "rtpgen $*"
	ip netns exec "$ns" "$T/rtpgen" "$@" | tee "$TMPD/$tag"
}

# kv FILE KEY: the value of KEY=VALUE in the first line of FILE that has it.
kv() { grep -o "\b$2=[^ ]*" "$1" | head -n1 | cut -d= -f2; }

# dscp_count FILE DSCP: count for DSCP in an rtprecv histogram (0 if absent).
dscp_count() {
	local n
	n=$(sed -n "s/^dscp=$2 count=\([0-9]*\)$/\1/p" "$1")
	echo "${n:-0}"
}

# proc_field DST FIELD: FIELD (a header name) of the flow whose dst column is DST in
# /proc/net/voiceqos/flows of the router.
proc_field() {
	ip netns exec "$NS_RTR" cat /proc/net/voiceqos/flows |
		awk -v dst="$1" -v f="$2" '
			NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
			(col["dst"] && $col["dst"] == dst) { print $col[f]; found = 1; exit }
			END { if (!found) exit 1 }'
}

# stat_value NAME: a namespace counter from /proc/net/voiceqos/stats of the router.
stat_value() {
	ip netns exec "$NS_RTR" awk -v n="$1" '$1 == n { print $2; f = 1 } END { exit !f }' \
		/proc/net/voiceqos/stats
}

# jload JSON [FILTER]: one jq run (slow to start under TCG) fills the associative array J
# with every scalar leaf of JSON (after FILTER) by dotted path: J[stats.packets]=250,
# J[src]=null.
declare -A J=()
jload() {
	local k v
	J=()
	while IFS='=' read -r k v; do
		J[$k]=$v
	done < <(jq -r "${2:-.}"' | paths(type != "object" and type != "array") as $p |
		"\($p | map(tostring) | join("."))=\(getpath($p))"' <<<"$1")
	((${#J[@]} > 0))
}

# jflow DST_PORT: jload the flow with that dst_port from `voiceqos --json flow list`.
jflow() {
	jload "$(vqq --json flow list)" \
		"if type == \"array\" then .[] else . end | select(.dst_port == $1)"
}

# flow_json DST_PORT: the flow object with that dst_port from `voiceqos --json flow list`
# (array or one object per line).
flow_json() {
	vqq --json flow list | jq -c --argjson p "$1" \
		'if type == "array" then .[] else . end | select(.dst_port == $p)'
}

# class_pkts NS DEV CLASSID: packets sent by a tc class.
class_pkts() {
	tc -n "$1" -s class show dev "$2" | awk -v c="$3" '
		$1 == "class" { cur = $3 }
		$1 == "Sent" && cur == c { print $4; f = 1; exit }
		END { if (!f) exit 1 }'
}

dmesg_mark() { dmesg | wc -l; }
# dmesg_bad FROM_LINE: kernel messages since FROM_LINE that mean trouble.
dmesg_bad() {
	dmesg | tail -n +"$(($1 + 1))" |
		grep -E 'BUG|WARNING|Oops|general protection|Call Trace|refcount_t|list_(add|del) corruption|still has objects|unreferenced object|KASAN|UBSAN|voiceqos.*(leak|error)' || true
}

# voiceqosd for a suite (agent.sh, faults.sh, shaping.sh), which sets DPIDF, DLOG, SOCK,
# CONF, NS_RTR and VQD (and VQD_DEBUG=0 for no -d). The daemon outlives the case that
# starts it (cases are subshells whose jobs are killed on exit): it is started from a
# subshell of its own and known by its pid file.
dpid() { cat "$DPIDF" 2>/dev/null || true; }
daemon_start() {
	local i n0 args=(-f)
	((${VQD_DEBUG:-1} == 0)) || args+=(-d)
	n0=$(grep -c 'started (config' "$DLOG" 2>/dev/null || true)
	pretty RTR "voiceqosd ${args[*]} -c $CONF"
	(ip netns exec "$NS_RTR" "$VQD" "${args[@]}" -c "$CONF" >>"$DLOG" 2>&1 </dev/null &
	 echo $! >"$DPIDF")
	for ((i = 0; i < 200; i++)); do
		# The socket is created before the kernel is touched: wait for "started".
		[[ -S $SOCK ]] && [[ $(grep -c 'started (config' "$DLOG" || true) -gt $n0 ]] &&
			return 0
		kill -0 "$(dpid)" 2>/dev/null || { tail -5 "$DLOG" >&2; return 1; }
		sleep 0.05
	done
	echo "voiceqosd did not start ($SOCK)" >&2
	return 1
}

daemon_stop() {
	local p i
	p=$(dpid)
	[[ -n $p ]] || return 0
	kill "$p" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.05
	done
	rm -f "$DPIDF"
}
