#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cli.sh VOICEQOS_BINARY: checks of the command line itself that need no
# kernel module: help, exit codes, exact error messages, batch error
# positions. Where the module is absent (always on a build host) it also
# checks the "module not loaded" path of every kernel-facing command.
set -u
cli=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() {
	# shellcheck disable=SC2086 # VQ_WRAP is a command line on purpose
	${VQ_WRAP:-} "$cli" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}

ok() { echo "ok - cli: $1"; }
notok() { echo "not ok - cli: $1: $2"; }

# expect NAME RC STDERR -- ARGS: exact exit code and exact stderr.
expect() {
	local name=$1 want_rc=$2 want_err=$3
	shift 4
	run "$@"
	local err
	err=$(cat "$tmp/err")
	if [[ $rc -ne $want_rc ]]; then
		notok "$name" "exit $rc, want $want_rc (stderr: $err)"
	elif [[ $err != "$want_err" ]]; then
		notok "$name" "stderr '$err', want '$want_err'"
	else
		ok "$name"
	fi
}

# expect_out NAME RC STDOUT_REGEX -- ARGS
expect_out() {
	local name=$1 want_rc=$2 re=$3
	shift 4
	run "$@"
	if [[ $rc -ne $want_rc ]]; then
		notok "$name" "exit $rc, want $want_rc"
	elif ! grep -Eq -- "$re" "$tmp/out"; then
		notok "$name" "stdout does not match /$re/"
	elif [[ -s $tmp/err ]]; then
		notok "$name" "unexpected stderr: $(cat "$tmp/err")"
	else
		ok "$name"
	fi
}

expect_out "no arguments prints usage" 0 '^usage: voiceqos' --
expect_out "help" 0 '^  flow add dst ADDR:PORT' -- help
expect_out "--help" 0 '^  batch FILE\|-' -- --help
expect_out "-h after --json" 0 '^usage:' -- --json -h
expect_out "help flow" 0 '^  flow flush' -- help flow
expect_out "flow help" 0 '^  flow list \[cookie N\]' -- flow help
expect_out "config --help" 0 '^  config set' -- config --help
expect_out "--version" 0 '^voiceqos [^ ]+$' -- --version
expect "unknown command" 2 "voiceqos: unknown command 'frob' (see voiceqos help)" -- frob
expect "unknown option" 2 "voiceqos: unknown option '--frob' (see voiceqos help)" -- --frob
expect "help of unknown command" 2 "voiceqos: help: unknown command 'frob'" -- help frob
expect "--json after the subcommand is not an option" 2 \
	"voiceqos: flow list: unknown argument '--json'" -- flow list --json
expect "flow without subcommand" 2 \
	"voiceqos: flow: missing subcommand (add, del, get, list, flush)" -- flow
expect "flow add bad dscp" 2 \
	"voiceqos: flow add: bad dscp 'x' (0-63 or a name like ef)" -- \
	flow add dst 1.2.3.4:5000 dscp x
expect "flow add bad dst" 2 \
	"voiceqos: flow add: bad dst '1.2.3.4:99999' (port must be 1-65535)" -- \
	flow add dst 1.2.3.4:99999
expect "flow add empty dst" 2 "voiceqos: flow add: bad dst '' (empty)" -- flow add dst ''
expect "flow add missing dst" 2 "voiceqos: flow add: dst ADDR:PORT is required" -- \
	flow add dscp ef
expect "flow del key and cookie" 2 \
	"voiceqos: flow del: give dst [src] or cookie, not both" -- \
	flow del dst 1.2.3.4:5 cookie 1
expect "stats extra argument" 2 "voiceqos: stats: unknown argument 'x'" -- stats x
expect "config without subcommand" 2 "voiceqos: config: missing subcommand (get, set)" -- config
expect "config set nothing" 2 \
	"voiceqos: config set: nothing to set (sip-ports, be-priority, fallback-dscp, sip-dscp, sip-priority, mirror-rate, mirror-burst)" -- \
	config set
expect "config set bad sip ports" 2 \
	"voiceqos: config set: bad sip-ports '5060,0' (comma-separated ports 1-65535, at most 16)" -- \
	config set sip-ports 5060,0
expect "config set bad sip-dscp" 2 \
	"voiceqos: config set: bad sip-dscp '64' (0-63 or a name like ef)" -- \
	config set sip-dscp 64
expect "config set mirror-burst 0" 2 \
	"voiceqos: config set: bad mirror-burst '0' (1-1000000 copies)" -- \
	config set mirror-burst 0
expect "config set mirror-rate too big" 2 \
	"voiceqos: config set: bad mirror-rate '1000001' (0-1000000 copies/s)" -- \
	config set mirror-rate 1000001
expect "config get extra argument" 2 "voiceqos: config get: unknown argument 'x'" -- \
	config get x
expect "listen count 0" 2 \
	"voiceqos: listen: bad count '0' (a number of messages, at least 1)" -- listen count 0
expect "listen bad timeout" 2 \
	"voiceqos: listen: bad timeout '1.2345' (seconds, up to 3 decimals)" -- \
	listen timeout 1.2345
expect "listen unknown argument" 2 "voiceqos: listen: unknown argument 'all'" -- listen all
expect "listen count without value" 2 "voiceqos: listen: 'count' needs a value" -- \
	listen count

# Hostile argument values must be refused, never crash.
long=$(head -c 5000 /dev/zero | tr '\0' 9)
fuzz_fail=
for v in "$long" "[$long]:1" "$long:1" "1.2.3.4:$long" "[" "]" ":" "[]:" "%s%n" \
	$'\x01\xff' "1:1:1:1:1:1:1:1:1:1" "0x" "-0" "99999999999999999999999"; do
	for kw in dst src dscp priority rate mark cookie burst clock timeout media; do
		if [[ $kw == dst ]]; then
			run flow add dst "$v"
		else
			run flow add dst 1.2.3.4:5 "$kw" "$v"
		fi
		if [[ $rc -ne 2 && $rc -ne 1 ]] || [[ ! -s $tmp/err ]]; then
			fuzz_fail+=" $kw=${v:0:20}(rc $rc)"
		fi
	done
done
if [[ -z $fuzz_fail ]]; then ok "hostile values rejected cleanly"; else
	notok "hostile values rejected cleanly" "$fuzz_fail"; fi

printf 'help\n\n   # comment\n--json help flow\nflow add dst 1.2.3.4:5000 dscp x\nflow list\n' \
	>"$tmp/b1"
expect "batch stops at the first error with FILE:LINE" 2 \
	"$tmp/b1:5: flow add: bad dscp 'x' (0-63 or a name like ef)" -- batch "$tmp/b1"
printf 'help\nflow add "unterminated\n' >"$tmp/b2"
expect "batch unterminated quote" 2 "$tmp/b2:2: unterminated quote" -- batch "$tmp/b2"
printf 'batch %s\n' "$tmp/b2" >"$tmp/b3"
expect "batch cannot nest" 2 "$tmp/b3:1: batch: a batch cannot run another batch" -- \
	batch "$tmp/b3"
printf '# only comments\n\n' >"$tmp/b4"
expect "batch of comments" 0 "" -- batch "$tmp/b4"
expect "batch missing file" 1 \
	"voiceqos: batch: $tmp/nonexistent: No such file or directory" -- batch "$tmp/nonexistent"
expect "batch without file" 2 "voiceqos: batch: expected one FILE, or - for stdin" -- batch
# shellcheck disable=SC2086
if printf 'frob\n' | ${VQ_WRAP:-} "$cli" batch - >/dev/null 2>"$tmp/err"; then
	notok "batch from stdin" "exit 0"
elif [[ $(cat "$tmp/err") == "<stdin>:1: unknown command 'frob' (see voiceqos help)" ]]; then
	ok "batch from stdin"
else
	notok "batch from stdin" "stderr '$(cat "$tmp/err")'"
fi

if [[ -d /sys/module/voiceqos ]]; then
	echo "# skip: voiceqos module loaded, module-absent checks not run"
else
	msg="voiceqos: kernel module not loaded (genl family voiceqos not found); load it with: modprobe voiceqos"
	expect "flow list without module" 1 "$msg" -- flow list
	[[ -s $tmp/out ]] && notok "flow list without module prints nothing" "$(cat "$tmp/out")" \
		|| ok "flow list without module prints nothing"
	expect "--json flow list without module" 1 "$msg" -- --json flow list
	expect "flow add without module" 1 "$msg" -- flow add dst 1.2.3.4:5 dscp ef
	expect "flow flush without module" 1 "$msg" -- flow flush
	expect "stats without module" 1 "$msg" -- stats
	expect "config get without module" 1 "$msg" -- config get
	expect "config set without module" 1 "$msg" -- config set fallback-dscp cs1
	expect "listen without module" 1 "$msg" -- listen count 1 timeout 0.1
	printf 'flow add dst 1.2.3.4:5\nflow add dst 1.2.3.4:6\n' >"$tmp/b5"
	expect "batch without module" 1 \
		"$tmp/b5:1: kernel module not loaded (genl family voiceqos not found); load it with: modprobe voiceqos" \
		-- batch "$tmp/b5"
fi

# plan needs neither the module nor the daemon.
expect_out "plan G.711 12 calls" 0 '^RTP on the wire +87\.2 +1046\.4 ' -- plan --calls 12 --codec PCMU
expect_out "plan G.729 --json" 0 '"per_call_bps":31200,' -- --json plan --calls 1 --codec G729
expect_out "plan pppoe" 0 '^RTP on the wire +90\.4 ' -- plan --calls 1 --codec G711 --link pppoe
# --json of what needs neither module nor daemon, against Documentation/schema.
schema_check() {
	local name=$1 def=$2 out
	shift 2
	run "$@"
	if [[ $rc -ne 0 ]]; then
		notok "$name" "exit $rc: $(cat "$tmp/err")"
	elif out=$("$(dirname "$0")/../schema/check.py" "$def" "$tmp/out" 2>&1); then
		ok "$name"
	else
		notok "$name" "$(head -n 3 <<<"$out" | tr '\n' ' ')"
	fi
}
schema_check "plan --json matches the schema" plan --json plan --calls 12 --codec G711
schema_check "plan --json (pppoe, 30 ms) matches the schema" plan \
	--json plan --calls 3 --codec G729 --ptime 30 --link pppoe
expect "plan unknown codec" 2 \
	"voiceqos: plan: unknown codec 'G.7xx' (known: PCMU, PCMA, G722, G726-16, G726-24, G726-32, G726-40, G729, G729D, G729E, G723, G728, GSM, GSM-EFR, iLBC, AMR, AMR-WB, opus, L16, L8, DVI4, t38, video; also G711, G711U, G711A, ulaw, alaw and dotted forms such as G.729)" \
	-- plan --calls 1 --codec G.7xx
expect "plan unknown link" 2 \
	"voiceqos: plan: bad --link 'atm' (ethernet, vlan, pppoe, ipv6, none or 0-256 bytes per packet)" \
	-- plan --calls 1 --codec PCMU --link atm
expect "plan calls 0" 2 "voiceqos: plan: bad --calls '0' (1-100000)" -- plan --calls 0 --codec PCMU
expect "plan without codec" 2 \
	"voiceqos: plan: needs --calls N and --codec C (see voiceqos help plan)" -- plan --calls 3
expect "plan option without value" 2 "voiceqos: plan: --ptime needs a value" -- \
	plan --calls 3 --codec PCMU --ptime

# The control socket: missing, stale (a file nobody listens on), and root only.
start="start it with: systemctl start voiceqosd (or voiceqosd -f)"
expect "calls, no daemon" 1 \
	"voiceqos: voiceqosd is not running (no control socket at $tmp/none.sock); $start" -- \
	calls --socket "$tmp/none.sock"
for c in status monitor; do
	expect "$c, no daemon" 1 \
		"voiceqos: voiceqosd is not running (no control socket at $tmp/none.sock); $start" -- \
		"$c" --socket "$tmp/none.sock"
done
if /usr/bin/python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
	"$tmp/stale.sock"; then
	expect "calls, stale socket" 1 \
		"voiceqos: voiceqosd is not running (nothing listens on $tmp/stale.sock); $start" -- \
		calls --socket "$tmp/stale.sock"
else
	notok "calls, stale socket" "could not create a unix socket file"
fi
# As nobody, a 0600 root socket in a world-readable directory: connect gets EACCES.
if [[ $(id -u) == 0 ]]; then
	mkdir -m 0755 "$tmp/pub"
	/usr/bin/python3 -c 'import os, socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o600)' \
		"$tmp/pub/root.sock"
	chmod 0755 "$tmp"
	# shellcheck disable=SC2086 # VQ_WRAP is a command line on purpose
	setpriv --reuid=65534 --regid=65534 --clear-groups ${VQ_WRAP:-} "$cli" calls \
		--socket "$tmp/pub/root.sock" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	chmod 0700 "$tmp"
	want="voiceqos: calls: $tmp/pub/root.sock: permission denied (the control socket is root only; run as root)"
	if [[ $rc -eq 1 && $(cat "$tmp/err") == "$want" ]]; then
		ok "calls as nobody, root-only socket"
	else
		notok "calls as nobody, root-only socket" "exit $rc, stderr '$(cat "$tmp/err")'"
	fi
	chmod 0755 "$tmp"
	# shellcheck disable=SC2086 # VQ_WRAP is a command line on purpose
	setpriv --reuid=65534 --regid=65534 --clear-groups ${VQ_WRAP:-} "$cli" status \
		--socket "$tmp/pub/root.sock" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	chmod 0700 "$tmp"
	if [[ $rc -eq 1 && $(cat "$tmp/err") == "${want/calls:/status:}" ]]; then
		ok "status as nobody, root-only socket"
	else
		notok "status as nobody, root-only socket" "exit $rc, stderr '$(cat "$tmp/err")'"
	fi
else
	echo "# skip: not root, the permission case needs setpriv to another user"
fi
