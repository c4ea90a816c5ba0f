#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Top test runner (`make check`). Runs every part in order, prints one `ok - NAME` /
# `not ok - NAME: reason` line per result and ends with `N passed, N failed`; exit 1 if
# anything failed. Parts:
#   agent        make -C agent test        (its own ok/not ok lines, or one by exit code)
#   valgrind     make -C agent valgrind    (the same tests without sanitizers, one result)
#   docs         tools/gen-api-doc.sh --check
#   replay       tests/replay/run.sh       (sipp calls recorded in netns, `voiceqos replay` checks)
#   build W=1    make modules-all W=1      (every compiler/kbuild warning is a failure)
#   style        make style                (checkpatch --strict + sparse)
#   kunit        tools/kunit.sh            (one result per KUnit suite)
#   kunit-kasan  tools/kunit.sh --kasan    (the same suites in a KASAN UML build, one result
#                per suite, plus one failure for any "BUG: KASAN" in the console)
#   vm 6.1       tests/vm-run.sh 6.1       (guest datapath tests, one result per case)
#   vm 6.12      tests/vm-run.sh 6.12
#   cross        tools/cross.sh --canary, tools/cross.sh   (one result per arch, arm64 armhf
#                mips mipsel: W=1 warning-free, no undefined symbols; the canary proves the
#                checks still catch a planted 64-bit division and warning)
#   core-mips    make -C agent core-mips   (dependency-free agent core + its unit suites,
#                mips big-endian under qemu-user)
#   core-musl    make -C agent core-musl   (the same, static with musl-gcc, run natively)
#   agent-vm 6.1  tests/vm-run.sh 6.1 -- tests/vm/agent.sh  (voiceqosd + sipp end to end)
#   agent-vm 6.12 tests/vm-run.sh 6.12 -- tests/vm/agent.sh
#   faults 6.1   tests/vm-run.sh 6.1 -- tests/vm/faults.sh  (INVITE and media floods, kill -9
#                under 20 calls, overrun with lost BYEs; shortened sizes, see the script)
#   faults 6.12  tests/vm-run.sh 6.12 -- tests/vm/faults.sh
#   shaper 6.1   tests/vm-run.sh 6.1 -- tests/vm/shaper.sh  (the HTB tree via libnl, resize)
#   shaper 6.12  tests/vm-run.sh 6.12 -- tests/vm/shaper.sh
#   shaping 6.1  tests/vm-run.sh 6.1 -- tests/vm/shaping.sh  (shaping + admission end to end)
#   shaping 6.12 tests/vm-run.sh 6.12 -- tests/vm/shaping.sh
#   hostile 6.1  tests/vm-run.sh 6.1 -- tests/vm/hostile.sh   (genl negative matrix: every
#                command x attribute x malformation -> errno + extack + offset, state kept;
#                EPERM as nobody and in user namespaces; max_flows capacity), then
#                tests/vm-run.sh 6.1 -- tests/vm/loadloop.sh N  (load/unload N cycles with
#                10k flows and traffic, slab counts, dmesg; N = $LOADLOOP_N, default 5)
#   hostile 6.12 the same on 6.12
#   shaping 6.1  tests/vm-run.sh 6.1 -- tests/vm/shaping.sh  (shaping + admission end to end)
#   shaping 6.12 tests/vm-run.sh 6.12 -- tests/vm/shaping.sh
#   shaper 6.1   tests/vm-run.sh 6.1 -- tests/vm/shaper.sh  (the HTB tree via libnl, resize)
#   shaper 6.12  tests/vm-run.sh 6.12 -- tests/vm/shaper.sh
#   rtpq         make -C tests/tools check  (the capture analyser's tests, ASan+UBSan)
#   qos 6.1      tests/vm-run.sh 6.1 -- tests/vm/qos.sh in check mode (VQOS_QOS_CHECK=1):
#                6 G.711 calls over a saturated link, configurations 1 (no QoS) and 4
#                (voiceqos, budget for 3): admitted calls lose no packet, the others are
#                over budget and carried best effort, no QoS delays the calls more
#   qos 6.12     tests/vm-run.sh 6.12 -- tests/vm/qos.sh in check mode
#   openwrt      tests/openwrt/run.sh      (UCI -> INI fixtures checked by voiceqosd -t, the
#                procd init script with stubs, shellcheck, the package Makefile's recipes:
#                kmod for mips with -Werror and no modversions; Documentation/openwrt.md)
#   install      tests/install/run.sh      (make install DESTDIR file list, PREFIX, uninstall,
#                DKMS build for 6.1/6.12 in a scratch dkms tree, BUILD_EXCLUSIVE, systemd-analyze
#                verify, man lint, --help vs voiceqos(8); Documentation/admin-guide.md)
#   fuzz-replay  make -C tests/fuzz replay (gcc + ASan + UBSan, no clang): every fuzzing
#                harness run over its committed corpora and fixed crash inputs, one result
#                per harness (Documentation/fuzzing.md)
# A part that does not exist yet is `not ok - PART: missing`; one that crashes or exits
# non-zero without saying what failed is `not ok - PART: exit N`. Full outputs are kept in
# build/test-logs/PART.log.
#
#   tests/run.sh [PART...]     only the named parts (agent valgrind docs replay build style
#                              kunit kunit-kasan vm-6.1 vm-6.12 agent-vm-6.1 agent-vm-6.12
#                              shaper-6.1 shaper-6.12 shaping-6.1 shaping-6.12 cross
#                              core-mips core-musl openwrt install hostile-6.1 hostile-6.12
#                              rtpq qos-6.1 qos-6.12 fuzz-replay faults-6.1 faults-6.12)
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
LOGS=build/test-logs
mkdir -p "$LOGS"

PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
notok() { FAILED=$((FAILED + 1)); echo "not ok - $*"; }

# last_words LOG: the last non-empty line of a log, for a reason.
last_words() { grep -v '^[[:space:]]*$' "$1" | tail -n 1 | cut -c1-200; }

# run_logged NAME TIMEOUT CMD...: run with a time bound, output to $LOGS/NAME.log.
run_logged() {
	local name=$1 limit=$2 rc=0
	shift 2
	echo "# $name: $* (log: $LOGS/$name.log)" >&2
	timeout -k 10 "$limit" "$@" >"$LOGS/$name.log" 2>&1 </dev/null || rc=$?
	[[ $rc == 124 ]] && echo "(timed out after ${limit}s)" >>"$LOGS/$name.log"
	return $rc
}

# pass_results NAME LOG RC: pass the log's ok/not ok lines through; add one line for the
# exit status if the part failed without a not-ok line, or said nothing at all.
pass_results() {
	local name=$1 log=$2 rc=$3 n=0 bad=0 l
	while IFS= read -r l; do
		case $l in
		"ok - "*) PASSED=$((PASSED + 1)); n=$((n + 1)); echo "$l" ;;
		"not ok - "*) FAILED=$((FAILED + 1)); n=$((n + 1)); bad=$((bad + 1)); echo "$l" ;;
		esac
	done <"$log"
	if ((rc != 0 && bad == 0)); then
		notok "$name: exit $rc: $(last_words "$log")"
	elif ((n == 0)); then
		ok "$name"
	fi
}

part_agent() {
	local rc=0
	if [[ ! -f agent/Makefile ]] || ! grep -q '^test:' agent/Makefile; then
		notok "agent: missing (no test target in agent/Makefile)"
		return
	fi
	run_logged agent 900 make -C agent test || rc=$?
	pass_results agent "$LOGS/agent.log" "$rc"
}

# The same unit tests and CLI checks without sanitizers, under valgrind: one result.
part_valgrind() {
	local rc=0
	run_logged valgrind 900 make -C agent valgrind || rc=$?
	if ((rc == 0)); then
		ok "valgrind: agent tests clean ($(grep -E '^[0-9]+ passed, [0-9]+ failed$' \
			"$LOGS/valgrind.log" | tail -n 1))"
	else
		notok "valgrind: exit $rc: $(last_words "$LOGS/valgrind.log")"
	fi
}

# Documentation/genl-api.md is generated from the UAPI comment: it must be current.
part_docs() {
	local rc=0
	run_logged docs 60 tools/gen-api-doc.sh --check || rc=$?
	if ((rc == 0)); then
		ok "docs: genl-api.md matches the UAPI header"
	else
		notok "docs: $(last_words "$LOGS/docs.log")"
	fi
}

# Replay of captures recorded with sipp in network namespaces (needs root): its own lines.
part_replay() {
	local rc=0
	if [[ ! -x tests/replay/run.sh ]]; then
		notok "replay: missing (tests/replay/run.sh)"
		return
	fi
	make -s -C agent voiceqos "$PWD/agent/build/asan/voiceqos" >/dev/null 2>&1 || true
	run_logged replay 300 tests/replay/run.sh "$PWD/agent/voiceqos" \
		"$PWD/agent/build/asan/voiceqos" || rc=$?
	pass_results replay "$LOGS/replay.log" "$rc"
}

part_build() {
	local rc=0 warnings
	if [[ ! -f Makefile ]] || ! grep -q '^modules-all:' Makefile; then
		notok "build W=1: missing (no modules-all target)"
		return
	fi
	if [[ ! -f kmod/Kbuild ]]; then
		notok "build W=1: missing (no kmod/Kbuild)"
		return
	fi
	run_logged build 1800 make modules-all W=1 || rc=$?
	warnings=$(grep -E '(^|: )warning:|^WARNING:' "$LOGS/build.log" | sort -u || true)
	if [[ -n $warnings ]]; then
		while IFS= read -r l; do notok "build W=1: $l"; done < <(head -n 20 <<<"$warnings")
	fi
	if ((rc != 0)); then
		notok "build W=1: exit $rc: $(grep -m1 -E 'error' "$LOGS/build.log" || last_words "$LOGS/build.log")"
	elif [[ -z $warnings ]]; then
		ok "build W=1: both kernel lines, no warnings"
	fi
}

part_style() {
	local rc=0
	if [[ ! -f Makefile ]] || ! grep -q '^style:' Makefile || [[ ! -x tools/style.sh ]]; then
		notok "style: missing"
		return
	fi
	run_logged style 1800 make style || rc=$?
	pass_results style "$LOGS/style.log" "$rc"
}

# KUnit: kunit.py's parsed output nests suites and parameterised tests,
#   [hh:mm:ss] ======== vqos_flow (3 subtests) ========     opens a level
#   [hh:mm:ss] [PASSED] vqos_flow_test_match               a test
#   [hh:mm:ss] ====== [PASSED] vqos_flow ======             closes a level
# One result per top-level suite, naming the failed tests inside it. With --raw_output the
# top-level TAP lines ("ok 1 vqos_flow", not indented) are used instead.
#   part_kunit NAME [--kasan]
# The KASAN build is a part of its own rather than more lines of `kunit`: it has its own
# build dir and its failures mean something else (a bad access, not a wrong result), and
# either can be rerun alone. tools/kunit.sh --kasan exits 1 on any "BUG: KASAN" line in the
# console even if every test passed; that shows as "not ok - kunit-kasan: KASAN ...".
part_kunit() {
	local name=$1 rc=0 log=$LOGS/$1.log n=0 bad=0 depth=0 failed="" st suite l
	shift
	if [[ ! -x tools/kunit.sh ]]; then
		notok "$name: missing (tools/kunit.sh)"
		return
	fi
	if [[ ! -f kmod/.kunitconfig ]]; then
		notok "$name: missing (kmod/.kunitconfig)"
		return
	fi
	run_logged "$name" 3000 tools/kunit.sh "$@" || rc=$?
	while IFS= read -r l; do
		st="" suite=""
		if [[ $l =~ ^=+\ \[(PASSED|FAILED|SKIPPED|CRASHED)\]\ ([^ ]+)\ =+$ ]]; then
			depth=$((depth - 1))
			((depth == 0)) || continue
			st=${BASH_REMATCH[1]} suite=${BASH_REMATCH[2]}
		elif [[ $l =~ ^=+\ ([^ []+)(\ \([0-9]+\ subtests\))?\ +=+$ ]]; then
			((depth == 0)) && failed=""
			depth=$((depth + 1))
			continue
		elif [[ $l =~ ^\[(FAILED|CRASHED)\]\ (.+)$ ]]; then
			failed+="${failed:+, }${BASH_REMATCH[2]}"
			continue
		elif [[ $l =~ ^(not\ )?ok\ [0-9]+\ ([^ #]+) ]]; then
			st=$([[ -n ${BASH_REMATCH[1]} ]] && echo FAILED || echo PASSED)
			suite=${BASH_REMATCH[2]}
		else
			continue
		fi
		n=$((n + 1))
		case $st in
		PASSED) ok "$name: $suite" ;;
		SKIPPED) ok "$name: $suite (skipped)" ;;
		*)
			bad=$((bad + 1))
			notok "$name: $suite: $st${failed:+ (failed: $failed)}"
			;;
		esac
		failed=""
	done < <(sed 's/^\[[0-9:]*\] //' "$log")
	l=$(grep -m1 -E 'Testing complete|Ran [0-9]+ tests' "$log" || true)
	[[ -n $l ]] && echo "# $name: ${l#*] }" >&2
	l=$(grep -m1 -o 'KASAN reported .*' "$log" || true)
	if [[ -n $l ]]; then
		notok "$name: $l: $(grep -m1 -o 'BUG: KASAN.*' "$log" || true)"
	elif ((rc != 0 && bad == 0)); then
		notok "$name: exit $rc: $(last_words "$log")"
	elif ((n == 0)); then
		notok "$name: no suite results in the output"
	fi
}

part_vm() {
	local line=$1 rc=0
	if [[ ! -x tests/vm-run.sh ]]; then
		notok "vm $line: missing (tests/vm-run.sh)"
		return
	fi
	if [[ ! -x tools/vm/run.sh ]]; then
		notok "vm $line: missing (tools/vm/run.sh)"
		return
	fi
	run_logged "vm-$line" 1500 tests/vm-run.sh "$line" || rc=$?
	grep '^# ' "$LOGS/vm-$line.log" >&2 || true
	pass_results "vm $line" "$LOGS/vm-$line.log" "$rc"
}

# Cross builds of the module (Documentation/portability.md). All four arches: a cold run
# (four modules_prepare) takes about 2 minutes, a cached one well under a minute.
part_cross() {
	local rc=0
	if [[ ! -x tools/cross.sh ]]; then
		notok "cross: missing (tools/cross.sh)"
		return
	fi
	run_logged cross-canary 900 tools/cross.sh --canary || rc=$?
	pass_results "cross canary" "$LOGS/cross-canary.log" "$rc"
	rc=0
	run_logged cross 1800 tools/cross.sh || rc=$?
	pass_results cross "$LOGS/cross.log" "$rc"
}

# The agent's dependency-free core and its unit suites on another libc or byte order:
# the suites' own ok/not ok lines, prefixed with the part name.
part_core() {
	local name=$1 rc=0 l bad=0 n=0
	if [[ ! -f agent/Makefile ]] || ! grep -q "^$name:" agent/Makefile; then
		notok "$name: missing (no $name target in agent/Makefile)"
		return
	fi
	run_logged "$name" 900 make -C agent "$name" || rc=$?
	while IFS= read -r l; do
		case $l in
		"ok - "*) ok "$name: ${l#ok - }"; n=$((n + 1)) ;;
		"not ok - "*) notok "$name: ${l#not ok - }"; n=$((n + 1)); bad=$((bad + 1)) ;;
		esac
	done <"$LOGS/$name.log"
	if ((rc != 0 && bad == 0)); then
		notok "$name: exit $rc: $(last_words "$LOGS/$name.log")"
	elif ((n == 0)); then
		notok "$name: no test results in the output"
	fi
}

# voiceqosd end to end (tests/vm/agent.sh): module + daemon on rtr, sipp calls through it.
part_agent_vm() {
	local line=$1 rc=0
	if [[ ! -x tests/vm/agent.sh || ! -x tools/vm/run.sh ]]; then
		notok "agent-vm $line: missing (tests/vm/agent.sh or tools/vm/run.sh)"
		return
	fi
	run_logged "agent-vm-$line" 600 tests/vm-run.sh "$line" -- tests/vm/agent.sh || rc=$?
	grep '^# ' "$LOGS/agent-vm-$line.log" >&2 || true
	pass_results "agent-vm $line" "$LOGS/agent-vm-$line.log" "$rc"
}

# Load and faults (tests/vm/faults.sh): floods, kill -9, overrun; one result per case.
part_faults() {
	local line=$1 rc=0
	if [[ ! -x tests/vm/faults.sh || ! -x tools/vm/run.sh ]]; then
		notok "faults $line: missing (tests/vm/faults.sh or tools/vm/run.sh)"
		return
	fi
	run_logged "faults-$line" 1200 env VQOS_VM_TIMEOUT=1100 \
		tests/vm-run.sh "$line" -- tests/vm/faults.sh || rc=$?
	grep '^# ' "$LOGS/faults-$line.log" >&2 || true
	pass_results "faults $line" "$LOGS/faults-$line.log" "$rc"
}

# agent/shaper.c on real interfaces (tests/vm/shaper.sh): tree, priority, live resize.
part_shaper_vm() {
	local line=$1 rc=0
	if [[ ! -x tests/vm/shaper.sh || ! -x tools/vm/run.sh ]]; then
		notok "shaper $line: missing (tests/vm/shaper.sh or tools/vm/run.sh)"
		return
	fi
	run_logged "shaper-$line" 1500 env VQOS_VM_TIMEOUT=1400 \
		tests/vm-run.sh "$line" -- tests/vm/shaper.sh || rc=$?
	grep '^# ' "$LOGS/shaper-$line.log" >&2 || true
	pass_results "shaper $line" "$LOGS/shaper-$line.log" "$rc"
}

# Shaping and admission end to end (tests/vm/shaping.sh): [link] trees, budget, events.
part_shaping_vm() {
	local line=$1 rc=0
	if [[ ! -x tests/vm/shaping.sh || ! -x tools/vm/run.sh ]]; then
		notok "shaping $line: missing (tests/vm/shaping.sh or tools/vm/run.sh)"
		return
	fi
	run_logged "shaping-$line" 900 tests/vm-run.sh "$line" -- tests/vm/shaping.sh || rc=$?
	grep '^# ' "$LOGS/shaping-$line.log" >&2 || true
	pass_results "shaping $line" "$LOGS/shaping-$line.log" "$rc"
}

# Hostile input at the genl interface and the load/unload loop (shortened: LOADLOOP_N
# cycles, 5 unless set; tests/vm/loadloop.sh alone runs 50): two VM boots, their own lines.
part_hostile() {
	local line=$1 rc=0
	if [[ ! -x tests/vm/hostile.sh || ! -x tests/vm/loadloop.sh || ! -x tools/vm/run.sh ]]; then
		notok "hostile $line: missing (tests/vm/hostile.sh, loadloop.sh or tools/vm/run.sh)"
		return
	fi
	run_logged "hostile-$line" 900 tests/vm-run.sh "$line" -- tests/vm/hostile.sh || rc=$?
	grep '^# ' "$LOGS/hostile-$line.log" >&2 || true
	pass_results "hostile $line" "$LOGS/hostile-$line.log" "$rc"
	rc=0
	run_logged "loadloop-$line" 1500 tests/vm-run.sh "$line" -- tests/vm/loadloop.sh \
		"${LOADLOOP_N:-5}" || rc=$?
	grep '^# ' "$LOGS/loadloop-$line.log" >&2 || true
	pass_results "loadloop $line" "$LOGS/loadloop-$line.log" "$rc"
}

# rtpq (the QoS proof's capture analyser): its tests with crafted captures, ASan+UBSan.
part_rtpq() {
	local rc=0
	run_logged rtpq 300 make -s -C tests/tools check || rc=$?
	pass_results rtpq "$LOGS/rtpq.log" "$rc"
}

# The QoS proof, short (tests/vm/qos.sh in check mode): a saturated link, voiceqos with a
# small budget (admitted calls lose nothing, over-budget calls go best effort) and no QoS
# as the contrast. Qualitative assertions only.
part_qos_vm() {
	local line=$1 rc=0
	if [[ ! -x tests/vm/qos.sh || ! -x tools/vm/run.sh ]]; then
		notok "qos $line: missing (tests/vm/qos.sh or tools/vm/run.sh)"
		return
	fi
	run_logged "qos-$line" 900 env VQOS_QOS_CHECK=1 VQOS_QOS_CONFIGS="1 4" \
		tests/vm-run.sh "$line" -- tests/vm/qos.sh || rc=$?
	grep '^# ' "$LOGS/qos-$line.log" >&2 || true
	pass_results "qos $line" "$LOGS/qos-$line.log" "$rc"
}

# The OpenWrt package (tools/openwrt/voiceqos): its own ok/not ok lines.
part_openwrt() {
	local rc=0
	if [[ ! -x tests/openwrt/run.sh ]]; then
		notok "openwrt: missing (tests/openwrt/run.sh)"
		return
	fi
	run_logged openwrt 600 tests/openwrt/run.sh || rc=$?
	pass_results openwrt "$LOGS/openwrt.log" "$rc"
}

part_install() {
	local rc=0
	if [[ ! -x tests/install/run.sh ]]; then
		notok "install: missing (tests/install/run.sh)"
		return
	fi
	run_logged install 1800 tests/install/run.sh || rc=$?
	pass_results install "$LOGS/install.log" "$rc"
}

# The fuzzing corpora replayed (tests/fuzz/): one result per harness, naming the input that
# failed (the driver prints "vq-fuzz: while running FILE" before the sanitizer's report).
part_fuzz_replay() {
	local rc=0 h dirs log
	if [[ ! -f tests/fuzz/Makefile ]]; then
		notok "fuzz-replay: missing (tests/fuzz/Makefile)"
		return
	fi
	run_logged fuzz-replay-build 900 make -C tests/fuzz replay || rc=$?
	if ((rc != 0)); then
		notok "fuzz-replay: build: exit $rc: $(last_words "$LOGS/fuzz-replay-build.log")"
		return
	fi
	while IFS= read -r dirs; do
		h=${dirs%%:*}
		log=$LOGS/fuzz-replay-$h.log
		rc=0
		# shellcheck disable=SC2086 # a list of directories without blanks
		run_logged "fuzz-replay-$h" 600 env ASAN_OPTIONS=detect_leaks=1 \
			UBSAN_OPTIONS=print_stacktrace=1 build/fuzz/replay/replay-$h ${dirs#*: } || rc=$?
		if ((rc == 0)); then
			ok "fuzz-replay $h: $(tail -n 1 "$log")"
		else
			notok "fuzz-replay $h: exit $rc: $(grep -m1 '^vq-fuzz' "$log" ||
				grep -m1 -E 'ERROR:|runtime error' "$log" || last_words "$log")"
		fi
	done < <(make -s -C tests/fuzz dirs)
}

parts=("$@")
[[ ${#parts[@]} -gt 0 ]] ||
	parts=(agent valgrind docs replay build style kunit kunit-kasan vm-6.1 vm-6.12 agent-vm-6.1
	       agent-vm-6.12 shaper-6.1 shaper-6.12 shaping-6.1 shaping-6.12 cross core-mips
	       core-musl openwrt install hostile-6.1 hostile-6.12 rtpq qos-6.1 qos-6.12 fuzz-replay
	       faults-6.1 faults-6.12)
for p in "${parts[@]}"; do
	t0=$SECONDS
	case $p in
	agent) part_agent ;;
	valgrind) part_valgrind ;;
	docs) part_docs ;;
	replay) part_replay ;;
	build) part_build ;;
	style) part_style ;;
	kunit) part_kunit kunit ;;
	kunit-kasan) part_kunit kunit-kasan --kasan ;;
	vm-6.1) part_vm 6.1 ;;
	vm-6.12) part_vm 6.12 ;;
	cross) part_cross ;;
	core-mips | core-musl) part_core "$p" ;;
	agent-vm-6.1) part_agent_vm 6.1 ;;
	agent-vm-6.12) part_agent_vm 6.12 ;;
	faults-6.1) part_faults 6.1 ;;
	faults-6.12) part_faults 6.12 ;;
	shaper-6.1) part_shaper_vm 6.1 ;;
	shaper-6.12) part_shaper_vm 6.12 ;;
	shaping-6.1) part_shaping_vm 6.1 ;;
	shaping-6.12) part_shaping_vm 6.12 ;;
	rtpq) part_rtpq ;;
	qos-6.1) part_qos_vm 6.1 ;;
	qos-6.12) part_qos_vm 6.12 ;;
	openwrt) part_openwrt ;;
	install) part_install ;;
	hostile-6.1) part_hostile 6.1 ;;
	hostile-6.12) part_hostile 6.12 ;;
	fuzz-replay) part_fuzz_replay ;;
	*) notok "$p: unknown part" ;;
	esac
	echo "# $p: $((SECONDS - t0)) s" >&2
done

echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
