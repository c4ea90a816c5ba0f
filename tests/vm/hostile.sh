#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile input at the genl interface, run as root INSIDE the test VM by tools/vm/run.sh
# (tests/vm-run.sh LINE -- tests/vm/hostile.sh). One line per result: `ok - NAME` or
# `not ok - NAME: reason` (stdout and $VQOS_RESULT), then `N passed, N failed`.
#
#   genl *        the negative matrix of tests/tools/vq-genl-raw.py: every command x every
#                 attribute (top level, flow nest, config nest) x every malformation its
#                 type allows (short, long, wrong type, nest flag set/missing, out of range,
#                 read-only, unknown types in every scope), the missing/mismatched cases
#                 per command, unknown commands and framing: right errno, extack text,
#                 bad-attribute offset or missing-attribute type/nest, flows and config
#                 unchanged. One result per attribute.
#   eperm_*       nobody without capabilities, unshare -U -r (root of a user namespace in
#                 the init netns) and unshare -U -r -n (its own netns): every command and
#                 both multicast groups EPERM (the groups: allowed to the root of a userns
#                 in its own netns, whose traffic only they carry); the router's flows and
#                 config unchanged;
#                 /proc/net/voiceqos/* mode 0440 root:root and unreadable to nobody
#   capacity      max_flows=16: fill, FLOW_NEW beyond fails with ENOSPC + extack (v4 and
#                 v6), replacing still works, existing flows keep classifying (counters
#                 rise), deleting one frees a slot for a new flow
#   dmesg_clean   no WARN/BUG/leak report (the VM also runs with panic_on_warn=1)
#
#   VQOS_CASES=REGEX tests/vm/hostile.sh   a subset (module_load always runs)
# shellcheck disable=SC2317 # the case functions are called through run_case
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/vm/lib.sh
source "$REPO/tests/vm/lib.sh"
cd "$REPO"

[[ $(id -u) == 0 ]] || { echo "hostile.sh: must run as root" >&2; exit 2; }

PY=/usr/bin/python3
RAW=$T/vq-genl-raw.py
NOBODY=(setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all
	--bounding-set=-all)

cleanup() {
	set +e
	kill_jobs
	topology_down
	rm -rf "$TMPD"
}
trap cleanup EXIT

# raw NS ARGS...: the raw genl client in a namespace, bounded in time.
raw() {
	pretty "$(nsname "$1")" "vq-genl-raw.py ${*:2}"
	timeout -k 2 300 ip netns exec "$1" "$PY" "$RAW" "${@:2}"
}

sub_results() { cat >>"$TMPD/subresults"; }

run_case_sub() {
	: >"$TMPD/subresults"
	run_case "$@"
	emit_lines <"$TMPD/subresults"
}

# ---- cases ----------------------------------------------------------------------------

case_module_load() {
	local dep
	[[ -n ${VQOS_MODULE:-} && -f $VQOS_MODULE ]] || fail "VQOS_MODULE '${VQOS_MODULE:-}' is not a file"
	for dep in $(modinfo -F depends "$VQOS_MODULE" | tr , ' ') nf_conntrack nf_defrag_ipv6; do
		pp modprobe "$dep"
	done
	if grep -q '^voiceqos ' /proc/modules; then pp rmmod voiceqos; fi
	pp insmod "$VQOS_MODULE"
	grep -q '^voiceqos ' /proc/modules
}

# The whole matrix in a namespace of its own (it installs, replaces and flushes flows).
case_genl_matrix() {
	local rc=0
	raw "$NS_NL" matrix >"$TMPD/matrix" 2>&1 || rc=$?
	grep -v '^#' "$TMPD/matrix" | sub_results
	# the per-request detail lines, for the log
	grep -c '^# ' "$TMPD/matrix" >&2 || true
	grep -E '^# .*<--' "$TMPD/matrix" | head -n 40 >&2 || true
	tail -n 1 "$TMPD/matrix"
	grep -q '^ok - genl control flow_flush' "$TMPD/matrix" || fail "matrix did not finish (exit $rc)"
}

# state_of NS: what an unprivileged request could have changed, as text.
state_of() {
	ip netns exec "$1" "$VQOS_BIN" --json flow list | jq -c '[.[] | del(.stats)]'
	ip netns exec "$1" "$VQOS_BIN" --json config get
	ip netns exec "$1" grep -E '^(flows|hooks) ' /proc/net/voiceqos/stats
}

router_state() {
	vq flow add dst "$WAN4:5040" src "$LAN4:4040" dscp ef cookie 11 timeout 3600
	vq flow add dst "[$WAN6]:5042" dscp af41 cookie 12 timeout 3600
	vq config set fallback-dscp 10
	state_of "$NS_RTR" >"$TMPD/state.before"
}

router_unchanged() {
	state_of "$NS_RTR" >"$TMPD/state.after"
	diff "$TMPD/state.before" "$TMPD/state.after" >&2 || fail "the router's flows or config changed"
}

# eperm_check TAG CMD...: CMD runs the raw client's eperm mode; its results become
# sub-results named TAG.
eperm_check() {
	local tag=$1 rc=0
	shift
	pretty RTR "$*"
	timeout -k 2 120 "$@" >"$TMPD/eperm" 2>&1 || rc=$?
	cat "$TMPD/eperm" >&2
	sed "s/^\(\(not \)\?ok\) - eperm /\1 - eperm_$tag /" "$TMPD/eperm" | grep -E '^(not )?ok - ' |
		sub_results
	[[ $(grep -c '^ok - ' "$TMPD/eperm") == 10 ]] || fail "$tag: not every command refused (exit $rc)"
}

case_eperm_nobody() {
	local m
	router_state
	eperm_check nobody ip netns exec "$NS_RTR" "${NOBODY[@]}" "$PY" "$RAW" eperm
	router_unchanged
	# /proc/net/voiceqos: root:root 0440 (Documentation/datapath.md), nobody reads nothing
	for f in flows stats; do
		m=$(ip netns exec "$NS_RTR" stat -c '%a %U:%G' "/proc/net/voiceqos/$f")
		note "/proc/net/voiceqos/$f: $m"
		[[ $m == "440 root:root" ]] || fail "/proc/net/voiceqos/$f is $m, want 440 root:root"
		if ip netns exec "$NS_RTR" "${NOBODY[@]}" cat "/proc/net/voiceqos/$f" >/dev/null 2>&1; then
			fail "nobody could read /proc/net/voiceqos/$f"
		fi
	done
}

# Unprivileged user namespaces: enabled on Debian's kernels, made sure of here.
userns_on() {
	if [[ -e /proc/sys/kernel/unprivileged_userns_clone ]]; then
		echo 1 >/proc/sys/kernel/unprivileged_userns_clone
	fi
	[[ $(cat /proc/sys/user/max_user_namespaces) -gt 0 ]] || fail "user namespaces disabled"
}

# Root of a user namespace, network namespace still the router's (owned by the init
# user namespace): GENL_ADMIN_PERM wants CAP_NET_ADMIN in the init user namespace.
case_eperm_userns() {
	userns_on
	router_state
	eperm_check userns ip netns exec "$NS_RTR" "${NOBODY[@]}" unshare -U -r \
		"$PY" "$RAW" eperm
	router_unchanged
	# the router's /proc files stay closed to the user namespace's root
	for f in flows stats; do
		if ip netns exec "$NS_RTR" "${NOBODY[@]}" unshare -U -r cat \
			"/proc/net/voiceqos/$f" >/dev/null 2>&1; then
			fail "the root of a user namespace read the router's /proc/net/voiceqos/$f"
		fi
	done
}

# Root of a user namespace in a network namespace that user namespace owns: full
# CAP_NET_ADMIN over that netns, still not enough for voiceqos (GENL_ADMIN_PERM, not
# GENL_UNS_ADMIN_PERM). Its /proc/net/voiceqos belongs to the namespace's root and
# shows that namespace's flows: none, as nothing there can create one.
case_eperm_userns_netns() {
	local out
	userns_on
	router_state
	eperm_check userns_netns "${NOBODY[@]}" unshare -U -r -n "$PY" "$RAW" eperm own-netns
	# shellcheck disable=SC2016 # expanded by the inner shell
	out=$("${NOBODY[@]}" unshare -U -r -n sh -c \
		'stat -c "%a %u:%g" /proc/net/voiceqos/flows
		 if f=$(cat /proc/net/voiceqos/flows 2>&1); then
			echo "readable, $(($(echo "$f" | wc -l) - 1)) flows"
		 else echo "unreadable: $f"; fi')
	note "own netns: /proc/net/voiceqos/flows mode owner (seen in the userns), access: $out"
	# nothing there can have a flow; whatever the file shows must say so
	[[ $(tail -n 1 <<<"$out") == "readable, 0 flows" || $out == *"Permission denied"* ]]
	router_unchanged
}

# max_flows=16: fill, overflow cleanly, keep classifying, free a slot.
case_capacity() {
	local out
	pp rmmod voiceqos
	pp insmod "$VQOS_MODULE" max_flows=16
	[[ $(stat_value max_flows) == 16 ]]
	out=$(raw "$NS_RTR" fill 16 "$WAN4" 20000)
	[[ $out == "added 16" ]] || fail "fill: $out"
	[[ $(stat_value flows) == 16 ]]
	for a in "$WAN4" "$WAN6"; do
		out=$(raw "$NS_RTR" new "$a" 30000)
		note "17th flow ($a): $out"
		[[ $out == 'errno=ENOSPC extack="voiceqos: flow table full (module parameter max_flows)"' ]] ||
			fail "17th flow ($a): $out"
	done
	[[ $(stat_value flows) == 16 ]]
	# replacing an existing flow needs no slot
	out=$(raw "$NS_RTR" new "$WAN4" 20005 34)
	[[ $out == 'errno=ok extack=""' ]] || fail "replace: $out"
	[[ $(proc_field "$WAN4:20005" dscp) == 34 ]]
	# the installed flows keep working while the table is full
	recv_start "$NS_WAN" "$WAN4:20000" rx --count 40 --timeout 10
	gen "$NS_LAN" tx --src "$LAN4:4050" --dst "$WAN4:20000" --pps 200 --count 40
	wait
	[[ $(dscp_count "$TMPD/rx" 46) == 40 ]]
	[[ $(proc_field "$WAN4:20000" packets) == 40 ]]
	# a delete frees exactly one slot
	out=$(raw "$NS_RTR" del "$WAN4" 20015)
	[[ $out == 'errno=ok extack=""' ]] || fail "del: $out"
	out=$(raw "$NS_RTR" new "$WAN4" 30000 26)
	[[ $out == 'errno=ok extack=""' ]] || fail "new after del: $out"
	out=$(raw "$NS_RTR" new "$WAN4" 30001)
	[[ $out == *errno=ENOSPC* ]] || fail "18th flow after del: $out"
	recv_start "$NS_WAN" "$WAN4:30000" rx2 --count 20 --timeout 10
	gen "$NS_LAN" tx2 --src "$LAN4:4051" --dst "$WAN4:30000" --pps 200 --count 20
	wait
	[[ $(dscp_count "$TMPD/rx2" 26) == 20 ]]
	[[ $(proc_field "$WAN4:30000" packets) == 20 ]]
	[[ $(proc_field "$WAN4:20000" packets) == 40 ]]
	[[ $(stat_value flows) == 16 ]]
	vq flow flush
	pp rmmod voiceqos
	pp insmod "$VQOS_MODULE"
}

case_dmesg_clean() {
	local bad
	bad=$(dmesg_bad "$DMESG_START")
	[[ -z $bad ]] || fail "dmesg: $(head -n3 <<<"$bad" | tr '\n' '|')"
}

# ---- main -----------------------------------------------------------------------------

for f in rtpgen rtprecv; do
	[[ -x $T/$f ]] || { emit "not ok - tools: $T/$f not built (make -C tests/tools)"; exit 1; }
done
[[ -x $VQOS_BIN ]] || { emit "not ok - tools: $VQOS_BIN not built"; exit 1; }
command -v jq >/dev/null || { emit "not ok - tools: jq not installed"; exit 1; }

DMESG_START=$(dmesg_mark)
SUITE_T0=$SECONDS
topology_up

run_case module_load case_module_load
grep -q '^voiceqos ' /proc/modules || MODULE_OK=0
run_case_sub genl_matrix case_genl_matrix
run_case_sub eperm_nobody case_eperm_nobody
run_case_sub eperm_userns case_eperm_userns
run_case_sub eperm_userns_netns case_eperm_userns_netns
run_case capacity case_capacity
MODULE_OK=1
run_case dmesg_clean case_dmesg_clean

echo
echo "hostile: $((SECONDS - SUITE_T0)) s"
echo "$PASSED passed, $FAILED failed"
exit 0
