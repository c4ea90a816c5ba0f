#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # the case functions run through run_case
#
# Guest part of the install tests (tests/vm-run.sh LINE -- tests/install/vm.sh, which
# tests/install/run.sh does for the 6.12 line): what needs the module loaded.
#
#   eperm          as nobody, commands that change the module fail with the CLI's
#                  "(needs root or CAP_NET_ADMIN)" (the family's GENL_ADMIN_PERM)
#   unit_limits    voiceqosd as the systemd unit confines it, minus what needs systemd
#                  as PID 1: bounding set, ambient and effective capabilities CAP_NET_ADMIN
#                  only, no_new_privs (setpriv), under strace. It must configure the
#                  module (CONFIG_SET: sip-dscp cs3 reaches the kernel), join the SIP
#                  group, answer `voiceqos calls`, reload on SIGHUP and exit on SIGTERM
#   syscalls       every system call it made there is allowed by the unit's
#                  SystemCallFilter (expanded with systemd-analyze)
#   dmesg_clean    no kernel warnings
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/vm/lib.sh
. "$REPO/tests/vm/lib.sh"
VQD=$REPO/agent/voiceqosd
UNIT=$REPO/tools/systemd/voiceqosd.service
SOCK=$TMPD/run/voiceqosd.sock
DLOG=$TMPD/voiceqosd.log
SUITE_T0=$SECONDS

case_module_load() {
	[[ -n ${VQOS_MODULE:-} && -f $VQOS_MODULE ]] || fail "VQOS_MODULE '${VQOS_MODULE:-}' is not a file"
	if grep -q '^voiceqos ' /proc/modules; then pp rmmod voiceqos; fi
	pp insmod "$VQOS_MODULE"
	grep -q '^voiceqos ' /proc/modules
}

# nobody CMD...: the CLI as uid/gid 65534 without supplementary groups (no trace line:
# callers capture its stderr).
nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$VQOS_BIN" "$@"
}

case_eperm() {
	local out rc=0 hint="(needs root or CAP_NET_ADMIN)"
	pretty "" "(nobody) voiceqos flow add dst 192.0.2.1:4000 dscp ef"
	out=$(nobody flow add dst 192.0.2.1:4000 dscp ef 2>&1) || rc=$?
	note "$out"
	((rc == 1)) || fail "flow add as nobody: exit $rc, want 1"
	[[ $out == "voiceqos: flow add: Operation not permitted"*"$hint" ]] ||
		fail "flow add as nobody: '$out'"
	rc=0
	pretty "" "(nobody) voiceqos config set sip-dscp cs3"
	out=$(nobody config set sip-dscp cs3 2>&1) || rc=$?
	note "$out"
	if ((rc != 1)) || [[ $out != *"Operation not permitted"*"$hint" ]]; then
		fail "config set as nobody: exit $rc, '$out'"
	fi
	# The same commands as root work: the refusal was about privilege.
	"$VQOS_BIN" flow add dst 192.0.2.1:4000 dscp ef
	"$VQOS_BIN" flow del dst 192.0.2.1:4000
}

case_unit_limits() {
	local spid dpid i caps
	printf '[daemon]\nsocket = %s\n[sip]\nports = 5060, 5080\ndscp = cs3\n' "$SOCK" \
		>"$TMPD/d.conf"
	# Another value first, so that seeing cs3 (24) proves the daemon set it.
	"$VQOS_BIN" config set sip-dscp cs1
	pretty "" "voiceqosd -f (CAP_NET_ADMIN only, no_new_privs, strace)"
	setpriv --no-new-privs --bounding-set=-all,+net_admin --inh-caps=-all,+net_admin \
		--ambient-caps=-all,+net_admin \
		strace -f -qq -o "$TMPD/strace.log" "$VQD" -f -c "$TMPD/d.conf" >"$DLOG" 2>&1 &
	spid=$!
	echo "$spid" >"$TMPD/strace.pid"
	wait_file "$SOCK" 20 || fail "no control socket: $(tail -n 3 "$DLOG")"
	dpid=$(pgrep -P "$spid" | head -n1)
	[[ -n $dpid ]] || fail "no daemon under strace"
	caps=$(awk '/^CapEff:/ { print $2 }' "/proc/$dpid/status")
	note "CapEff $caps"
	# CAP_NET_ADMIN is bit 12.
	[[ $caps == 0000000000001000 ]] || fail "effective capabilities $caps, want CAP_NET_ADMIN only"
	for ((i = 0; i < 100; i++)); do
		[[ $("$VQOS_BIN" --json config get | jq -c '[.sip_ports, .sip_dscp]') == \
			'[[5060,5080],24]' ]] && break
		sleep 0.1
	done
	((i < 100)) || fail "the config did not reach the kernel: $("$VQOS_BIN" --json config get)"
	grep -q 'module not loaded\|Operation not permitted\|\[error\]' "$DLOG" &&
		fail "the daemon log has errors: $(grep -m2 'not loaded\|not permitted\|\[error\]' "$DLOG")"
	[[ $("$VQOS_BIN" calls --socket "$SOCK") == "no calls" ]] || fail "calls did not answer"
	"$VQOS_BIN" --json calls --socket "$SOCK" | jq -e .calls >/dev/null
	pp kill -HUP "$dpid"
	for ((i = 0; i < 50; i++)); do grep -q reloaded "$DLOG" && break; sleep 0.1; done
	((i < 50)) || fail "no reload in the log: $(tail -n 2 "$DLOG")"
	pp kill -TERM "$dpid"
	for ((i = 0; i < 100; i++)); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
	((i < 100)) || fail "the daemon did not exit on SIGTERM"
	grep -q 'exiting' "$DLOG" || fail "no exit line: $(tail -n 2 "$DLOG")"
}

# filter_expand GROUP: the system calls of a systemd group, nested groups expanded.
filter_expand() {
	local x
	systemd-analyze syscall-filter "$1" | awk 'NR > 1 && $1 !~ /^#/ { print $1 }' |
		while read -r x; do
			if [[ $x == @* ]]; then filter_expand "$x"; else echo "$x"; fi
		done
}

case_syscalls() {
	local allow deny g
	[[ -s $TMPD/strace.log ]] || fail "no strace log from unit_limits"
	allow=$(sed -n 's/^SystemCallFilter=\([^~].*\)/\1/p' "$UNIT")
	deny=$(sed -n 's/^SystemCallFilter=~\(.*\)/\1/p' "$UNIT")
	for g in $allow; do filter_expand "$g"; done | LC_ALL=C sort -u >"$TMPD/allow"
	for g in $deny; do filter_expand "$g"; done | LC_ALL=C sort -u >"$TMPD/deny"
	LC_ALL=C comm -23 "$TMPD/allow" "$TMPD/deny" >"$TMPD/eff"
	sed -E 's/^[0-9]+ +//' "$TMPD/strace.log" | grep -oE '^[a-z_0-9]+\(' | tr -d '(' |
		LC_ALL=C sort -u >"$TMPD/used"
	note "used: $(tr '\n' ' ' <"$TMPD/used")"
	[[ $(wc -l <"$TMPD/used") -gt 20 ]] || fail "too few system calls traced"
	LC_ALL=C comm -23 "$TMPD/used" "$TMPD/eff" >"$TMPD/denied"
	[[ ! -s $TMPD/denied ]] || fail "denied by SystemCallFilter: $(tr '\n' ' ' <"$TMPD/denied")"
}

case_dmesg_clean() {
	local bad
	bad=$(dmesg_bad 0)
	[[ -z $bad ]] || fail "$bad"
}

run_case module_load case_module_load
run_case eperm case_eperm
run_case unit_limits case_unit_limits
run_case syscalls case_syscalls
run_case dmesg_clean case_dmesg_clean
echo "---- voiceqosd log ----"
cat "$DLOG" 2>/dev/null
echo
echo "install-vm: $((SECONDS - SUITE_T0)) s"
echo "$PASSED passed, $FAILED failed"
exit 0
