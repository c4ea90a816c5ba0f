#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the OpenWrt package (tools/openwrt/voiceqos/, Documentation/openwrt.md), all
# on this machine: no OpenWrt SDK or image is involved.
#
#   uci2ini     every tests/openwrt/fixtures/NAME.uci converted by files/uci2ini.sh,
#               under dash and under busybox ash (OpenWrt's shell), with
#               tests/openwrt/functions.sh standing in for /lib/functions.sh:
#                 NAME.ini          the exact expected INI; voiceqosd -t must accept it
#                 NAME.ini + NAME.daemon-err   ... and voiceqosd -t must refuse it so
#                 NAME.err          the converter must fail with exactly these messages
#               (a NAME.uci without any of them is an error of the test suite)
#   defaults    the shipped /etc/config/voiceqos converts to etc/voiceqos.conf's keys
#               and values, so both ship the same defaults and every key is mapped
#   init        voiceqos.init sourced with procd stubs, under dash and busybox ash: what
#               it registers, a refused value keeps the old INI, reload sends SIGHUP,
#               enabled 0
#   lint        shellcheck: the converter and init script as POSIX sh, the stand-in, this
#   package     the package Makefile's own Build/Prepare, Build/Compile and install
#               recipes run against tests/openwrt/mock/ (OpenWrt's make macros): the
#               module against tools/cross.sh's mips (big-endian) 6.12 tree with the
#               package's -Werror and MODVERSIONS off, the agent with the host gcc and
#               OpenWrt-style -Os; then the installed file list
#
#   tests/openwrt/run.sh [VOICEQOSD]     VOICEQOSD: the voiceqosd binary for -t (default:
#                                        agent/voiceqosd, built if missing)
# Prints ok/not ok lines and "N passed, N failed"; exit 1 if anything failed.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T=$REPO/tests/openwrt
PKG=$REPO/tools/openwrt/voiceqos
FILES=$PKG/files
export VQOS_CACHE=${VQOS_CACHE:-$HOME/.cache/voiceqos}

PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
notok() { FAILED=$((FAILED + 1)); echo "not ok - $*"; }
# check NAME CONDITION-STATUS REASON
check() { if [[ $2 == 0 ]]; then ok "$1"; else notok "$1: $3"; fi; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

DAEMON=${1:-$REPO/agent/voiceqosd}
if [[ $# -eq 0 ]]; then
	make -s -C "$REPO/agent" voiceqosd >"$TMP/agent-build.log" 2>&1 ||
		notok "build agent/voiceqosd: $(tail -n1 "$TMP/agent-build.log")"
fi

SHELLS=(sh)
if command -v busybox >/dev/null && busybox ash -c : 2>/dev/null; then
	SHELLS+=("busybox ash")
else
	notok "busybox ash: not installed (tools/deps.sh installs busybox-static)"
fi

# convert SHELL UCIFILE: run the converter on a copy of UCIFILE installed as
# $TMP/config/voiceqos; stdout/stderr in $TMP/out, $TMP/err with the scratch path shown
# as /etc/config. Returns the converter's exit status.
convert() {
	local rc=0
	rm -rf "$TMP/config"
	mkdir -p "$TMP/config"
	cp "$2" "$TMP/config/voiceqos"
	# shellcheck disable=SC2086 # "busybox ash" is two words
	UCI_CONFIG_DIR=$TMP/config VQOS_FUNCTIONS=$T/functions.sh \
		$1 "$FILES/uci2ini.sh" >"$TMP/out.raw" 2>"$TMP/err.raw" || rc=$?
	sed "s|$TMP/config|/etc/config|g" "$TMP/out.raw" >"$TMP/out"
	sed "s|$TMP/config|/etc/config|g" "$TMP/err.raw" >"$TMP/err"
	return $rc
}

# daemon_check INI: voiceqosd -t on it (as /etc/config/voiceqos.ini in messages);
# output in $TMP/derr.
daemon_check() {
	local rc=0
	cp "$1" "$TMP/config/voiceqos.ini"
	"$DAEMON" -t -c "$TMP/config/voiceqos.ini" >/dev/null 2>"$TMP/derr.raw" || rc=$?
	sed "s|$TMP/config|/etc/config|g" "$TMP/derr.raw" >"$TMP/derr"
	return $rc
}

first_diff() { diff "$1" "$2" | sed -n '2p;3p;4p' | tr '\n' ' ' | cut -c1-160; }

# --- uci2ini fixtures ---------------------------------------------------------------------
for uci in "$T"/fixtures/*.uci; do
	name=$(basename "$uci" .uci)
	base=${uci%.uci}
	for sh in "${SHELLS[@]}"; do
		tag="uci2ini ($sh): $name"
		rc=0
		convert "$sh" "$uci" || rc=$?
		if [[ -f $base.err ]]; then
			if ((rc == 0)); then
				notok "$tag: converted, expected an error"
			elif [[ -s $TMP/out ]]; then
				notok "$tag: failed (exit $rc) but printed an INI file"
			elif ! cmp -s "$base.err" "$TMP/err"; then
				notok "$tag: messages differ: $(first_diff "$base.err" "$TMP/err")"
			else
				ok "$tag: refused ($(head -n1 "$TMP/err" | cut -c1-90))"
			fi
			continue
		fi
		if [[ ! -f $base.ini ]]; then
			notok "$tag: no $name.ini or $name.err next to it"
			continue
		fi
		if ((rc != 0)); then
			notok "$tag: exit $rc: $(head -n1 "$TMP/err")"
			continue
		fi
		if ! cmp -s "$base.ini" "$TMP/out"; then
			notok "$tag: INI differs: $(first_diff "$base.ini" "$TMP/out")"
			continue
		fi
		drc=0
		daemon_check "$TMP/out" || drc=$?
		if [[ -f $base.daemon-err ]]; then
			if ((drc == 0)); then
				notok "$tag: voiceqosd -t accepted it, expected a refusal"
			elif ! cmp -s "$base.daemon-err" "$TMP/derr"; then
				notok "$tag: voiceqosd -t said: $(head -n1 "$TMP/derr")"
			else
				ok "$tag: exact INI, refused by voiceqosd -t as expected"
			fi
		elif ((drc != 0)); then
			notok "$tag: voiceqosd -t refused it: $(head -n1 "$TMP/derr")"
		else
			ok "$tag: exact INI, voiceqosd -t accepts it"
		fi
	done
done

# A missing /etc/config/voiceqos is an error, not an empty (all defaults) config.
rm -rf "$TMP/config" && mkdir -p "$TMP/config"
rc=0
UCI_CONFIG_DIR=$TMP/config VQOS_FUNCTIONS=$T/functions.sh sh "$FILES/uci2ini.sh" \
	>"$TMP/out" 2>"$TMP/err" || rc=$?
[[ $rc != 0 && ! -s $TMP/out ]] && grep -q 'No such file' "$TMP/err"
check "uci2ini: missing config file refused" $? "exit $rc: $(cat "$TMP/err")"

# --- defaults: the shipped UCI file and etc/voiceqos.conf agree ------------------------------
# etc/voiceqos.conf sets every key to its default; without comments, blank lines and
# keys with an empty value (a UCI option cannot be empty), it must be the converter's
# output without its header comment. The one deliberate difference: the socket is under
# /var/run, since OpenWrt before 24.10 has no /run (Documentation/openwrt.md).
convert sh "$FILES/voiceqos.config"
rc=$?
grep -v -e '^[;#]' -e '^$' "$TMP/out" >"$TMP/defaults.got"
grep -v -e '^[;#]' -e '^$' -e '^[a-z_]* =$' "$REPO/etc/voiceqos.conf" |
	sed 's|^socket = /run/|socket = /var/run/|' >"$TMP/defaults.want"
if ((rc != 0)); then
	notok "defaults: the shipped /etc/config/voiceqos does not convert: $(head -n1 "$TMP/err")"
elif ! cmp -s "$TMP/defaults.want" "$TMP/defaults.got"; then
	notok "defaults: differ from etc/voiceqos.conf:" \
		"$(first_diff "$TMP/defaults.want" "$TMP/defaults.got")"
else
	n=$(grep -c ' = ' "$TMP/defaults.got")
	ok "defaults: shipped UCI config = etc/voiceqos.conf ($n keys, socket under /var/run)"
fi
daemon_check "$TMP/out"
check "defaults: voiceqosd -t accepts the converted shipped config" $? "$(head -n1 "$TMP/derr")"

# --- init script with procd stubs -----------------------------------------------------------
# init_run SETUP: source voiceqos.init in $ISH (dash or busybox ash) with stand-ins for
# what rc.common and procd provide, paths pointed into $TMP, then run SETUP; procd calls
# and log lines are recorded in $TMP/calls, stderr in $TMP/ierr.
init_run() {
	mkdir -p "$TMP/var/etc"
	: >"$TMP/calls"
	# shellcheck disable=SC2016,SC2086 # a script for $ISH ("busybox ash": two words)
	UCI_CONFIG_DIR=$TMP/config VQOS_FUNCTIONS=$T/functions.sh CALLS=$TMP/calls \
		INIT=$FILES/voiceqos.init DAEMON=$DAEMON TMPD=$TMP CONVERTER=$FILES/uci2ini.sh \
		RUNNING=${RUNNING:-0} $ISH -c '
		. "$VQOS_FUNCTIONS"
		procd_open_instance() { echo "open $*" >>"$CALLS"; }
		procd_set_param() { echo "param $*" >>"$CALLS"; }
		procd_close_instance() { echo "close" >>"$CALLS"; }
		procd_send_signal() { echo "signal $*" >>"$CALLS"; }
		procd_add_reload_trigger() { echo "trigger $*" >>"$CALLS"; }
		procd_running() { [ "$RUNNING" = 1 ]; }
		logger() { echo "logger $*" >>"$CALLS"; }
		start() { echo "start" >>"$CALLS"; }
		stop() { echo "stop" >>"$CALLS"; }
		. "$INIT"
		PROG=$DAEMON CONF=$TMPD/var/etc/voiceqos.conf
		CONVERT=$CONVERTER
		'"$1" 2>"$TMP/ierr"
}

# init_tests: the init script's checks, run once per shell in SHELLS.
init_tests() {
	mkdir -p "$TMP/config"
	cp "$FILES/voiceqos.config" "$TMP/config/voiceqos"
	rm -rf "${TMP:?}/var"
	init_run 'start_service; service_triggers'
	rc=$?
	want="open voiceqosd
param command $DAEMON -f -c $TMP/var/etc/voiceqos.conf
param respawn
param stdout 1
param stderr 1
close
trigger voiceqos"
	[[ $rc == 0 && $(cat "$TMP/calls") == "$want" ]]
	check "init ($ISH): start registers voiceqosd -f -c /var/etc/voiceqos.conf, respawn, trigger" \
		$? "exit $rc, calls: $(tr '\n' ';' <"$TMP/calls") $(head -n1 "$TMP/ierr")"
	convert sh "$FILES/voiceqos.config"
	cmp -s "$TMP/var/etc/voiceqos.conf" "$TMP/out.raw"
	check "init ($ISH): start_service wrote the converted INI" $? \
		"$(find "$TMP/var/etc" | tr '\n' ' ')"
	[[ ! -e $TMP/var/etc/voiceqos.conf.new && ! -e $TMP/var/etc/voiceqos.conf.new.err ]]
	check "init ($ISH): no temporary files left" $? "$(find "$TMP/var/etc" | tr '\n' ' ')"

	# A value voiceqosd refuses: start fails, says which key, and the previous INI stays.
	mkdir -p "$TMP/config"
	cp "$T/fixtures/bad_port.uci" "$TMP/config/voiceqos"
	cp "$TMP/var/etc/voiceqos.conf" "$TMP/prev.conf"
	RUNNING=1 init_run 'reload_service'
	rc=$?
	msg="voiceqos: /etc/config/voiceqos: [sip] ports: bad value '70000' (a port is 1-65535)"
	[[ $rc != 0 && $(cat "$TMP/ierr") == "$msg" ]] && ! grep -q '^signal' "$TMP/calls" &&
		grep -q "^logger .*\[sip\] ports: bad value" "$TMP/calls" &&
		cmp -s "$TMP/prev.conf" "$TMP/var/etc/voiceqos.conf"
	check "init ($ISH): reload, refused value: no SIGHUP, old INI kept, error names [sip] ports" $? \
		"exit $rc, stderr '$(cat "$TMP/ierr")', calls: $(tr '\n' ';' <"$TMP/calls")"

	# The converter's own errors reach the log the same way.
	cp "$T/fixtures/unknown_option.uci" "$TMP/config/voiceqos"
	init_run 'start_service'
	rc=$?
	[[ $rc != 0 ]] && grep -q "^voiceqos: .*voiceqos.sip.prots: unknown option" "$TMP/ierr" &&
		! grep -q '^open' "$TMP/calls" && cmp -s "$TMP/prev.conf" "$TMP/var/etc/voiceqos.conf"
	check "init ($ISH): start with an unknown option: refused, named, not started" $? \
		"exit $rc, stderr '$(head -n1 "$TMP/ierr")'"

	# A good change while running: new INI, then SIGHUP to the instance (no restart).
	cp "$T/fixtures/office.uci" "$TMP/config/voiceqos"
	RUNNING=1 init_run 'reload_service'
	rc=$?
	[[ $rc == 0 && $(cat "$TMP/calls") == "signal voiceqos voiceqosd HUP" ]] &&
		grep -q '^trusted = 203.0.113.0/28 10.0.0.5$' "$TMP/var/etc/voiceqos.conf"
	check "init ($ISH): reload while running: INI regenerated, SIGHUP sent" $? \
		"exit $rc, calls: $(tr '\n' ';' <"$TMP/calls") $(head -n1 "$TMP/ierr")"

	RUNNING=0 init_run 'reload_service'
	[[ $(cat "$TMP/calls") == start ]]
	check "init ($ISH): reload while stopped starts it" $? "calls: $(tr '\n' ';' <"$TMP/calls")"

	printf "config daemon 'daemon'\n\toption enabled '0'\n" >"$TMP/config/voiceqos"
	init_run 'start_service'
	rc=$?
	[[ $rc == 0 && ! -s $TMP/calls ]]
	check "init ($ISH): enabled 0: start registers nothing" $? \
		"exit $rc, calls: $(tr '\n' ';' <"$TMP/calls")"
	RUNNING=1 init_run 'reload_service'
	[[ $(cat "$TMP/calls") == stop ]]
	check "init ($ISH): enabled 0: reload stops it" $? "calls: $(tr '\n' ';' <"$TMP/calls")"
}
for ISH in "${SHELLS[@]}"; do
	init_tests
done

# --- shellcheck -----------------------------------------------------------------------------
if ! command -v shellcheck >/dev/null; then
	notok "shellcheck: not installed (tools/deps.sh installs it)"
else
	# -s sh: busybox ash runs the first two on the router; rc.common sources the init
	# script, which is why its shebang names /etc/rc.common.
	for f in "$FILES/uci2ini.sh:sh" "$FILES/voiceqos.init:sh" "$T/functions.sh:sh" \
		"$T/run.sh:bash"; do
		out=$(shellcheck -s "${f##*:}" "${f%:*}" 2>&1)
		check "shellcheck -s ${f##*:} ${f%:*}" $? "$(echo "$out" | grep -m1 -E 'SC[0-9]+')"
	done
fi

# --- the package Makefile, run through the mock buildroot --------------------------------------
# The mips tree: with a vmlinux (tools/cross.sh --vmlinux) modpost checks the imports
# itself; without, KBUILD_MODPOST_WARN=1 as in tools/cross.sh, whose own check of the
# imports (make check's cross part) covers it. Neither exists: prepare it (cross.sh).
tree=$VQOS_CACHE/cross/mips/kernel-vmlinux
extra=
if [[ ! -f $tree/Module.symvers || ! -f $tree/.vqos-stamp ]]; then
	tree=$VQOS_CACHE/cross/mips/kernel
	extra=KBUILD_MODPOST_WARN=1
	if [[ ! -f $tree/.vqos-stamp ]]; then
		"$REPO/tools/cross.sh" mips >"$TMP/cross.log" 2>&1 ||
			notok "package: tools/cross.sh mips failed: $(grep -m1 'not ok' "$TMP/cross.log")"
	fi
fi
kind="tree with vmlinux, modpost checks imports"
[[ -n $extra ]] && kind="modules_prepare tree, KBUILD_MODPOST_WARN=1"
B=$TMP/owrt
MOCK=(TOPDIR="$T/mock" LINUX_DIR="$tree" LINUX_KARCH=mips KERNEL_CROSS=mips-linux-gnu-
	KERNEL_MAKE_EXTRA="$extra")
rc=0
make -C "$PKG" "${MOCK[@]}" BUILD_DIR="$B" install >"$TMP/pkg.log" 2>&1 || rc=$?
mkdir -p "$REPO/build"
cp "$TMP/pkg.log" "$REPO/build/openwrt-package.log"
check "package: Build/Prepare, Build/Compile, install run (mips kmod: $kind; host agent)" \
	$rc "exit $rc: $(grep -m1 -E 'error|Error' "$TMP/pkg.log" || tail -n1 "$TMP/pkg.log")"

# -Werror really fails the build: the same package on a copy of the sources
# (VOICEQOS_SRC) with an unused variable planted in the module.
src=$TMP/src
mkdir -p "$src/agent"
cp -a "$REPO/Kbuild" "$REPO/kmod" "$REPO/include" "$src/"
cp -a "$REPO/agent/Makefile" "$REPO"/agent/*.[ch] "$src/agent/"
echo 'static int vqos_canary_unused;' >>"$src/kmod/main.c"
rc=0
make -C "$PKG" "${MOCK[@]}" BUILD_DIR="$TMP/canary" VOICEQOS_SRC="$src" compile \
	>"$TMP/canary.log" 2>&1 || rc=$?
((rc != 0)) && grep -q "vqos_canary_unused.*-Werror" "$TMP/canary.log"
check "package: a planted warning in the module fails the build (-Werror, VOICEQOS_SRC)" $? \
	"exit $rc: $(grep -m1 canary "$TMP/canary.log" || tail -n1 "$TMP/canary.log")"

ko=$B/voiceqos-0.1/kmod/voiceqos.ko
if [[ -f $ko ]]; then
	grep -q -- '-Werror' "$B/voiceqos-0.1/kmod/.main.o.cmd"
	check "package: kmod compiled with -Werror (kmod/.main.o.cmd)" $? "no -Werror in the command"
	warnings=$(grep -E '(^|: )warning:|^WARNING:' "$TMP/pkg.log" |
		grep -vE '^WARNING: (Module.symvers is missing|modpost: .*undefined!$|modpost: suppressed)')
	[[ -z $warnings ]]
	check "package: kmod and agent build warning-free" $? "$(head -n1 <<<"$warnings")"
	grep -qx '# CONFIG_MODVERSIONS is not set' "$tree/.config" &&
		! readelf -S "$ko" | grep -q '__versions'
	check "package: kmod without modversions (tree: MODVERSIONS off; .ko: no __versions)" $? \
		"$(grep -m1 MODVERSIONS "$tree/.config"), $(readelf -S "$ko" | grep -c __versions) __versions"
	readelf -h "$ko" | grep -q 'big endian' && readelf -h "$ko" | grep -q 'Machine: *MIPS'
	check "package: kmod is big-endian MIPS (mips_24kc's ABI)" $? \
		"$(readelf -h "$ko" | grep -E 'Data|Machine' | tr -s ' ')"
	if [[ -z $extra ]]; then
		! grep -q 'undefined!' "$TMP/pkg.log"
		check "package: modpost resolved every import against the mips vmlinux.symvers" $? \
			"$(grep -m1 'undefined!' "$TMP/pkg.log")"
	fi
else
	notok "package: no kmod/voiceqos.ko built"
fi

krel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$tree/include/generated/utsrelease.h")
want="kmod-voiceqos/etc/modules.d/voiceqos
kmod-voiceqos/lib/modules/$krel/voiceqos.ko
voiceqosd.conffiles
voiceqosd/etc/config/voiceqos
voiceqosd/etc/init.d/voiceqos
voiceqosd/usr/libexec/voiceqos/uci2ini.sh
voiceqosd/usr/sbin/voiceqos
voiceqosd/usr/sbin/voiceqosd"
got=$(cd "$B/root" 2>/dev/null && find . -type f | sed 's|^\./||' | sort)
[[ $got == "$want" ]]
check "package: installed files" $? "got: $(echo "$got" | tr '\n' ' ')"
[[ $(cat "$B/root/kmod-voiceqos/etc/modules.d/voiceqos" 2>/dev/null) == voiceqos ]]
check "package: AutoProbe lists voiceqos in /etc/modules.d" $? \
	"$(cat "$B/root/kmod-voiceqos/etc/modules.d/voiceqos" 2>&1)"
[[ $(cat "$B/root/voiceqosd.conffiles" 2>/dev/null) == /etc/config/voiceqos ]]
check "package: conffiles is /etc/config/voiceqos" $? "$(cat "$B/root/voiceqosd.conffiles" 2>&1)"
r=$B/root/voiceqosd
[[ -x $r/etc/init.d/voiceqos && -x $r/usr/libexec/voiceqos/uci2ini.sh ]]
check "package: init script and converter installed executable" $? "modes wrong"
if [[ -x $B/root/voiceqosd/usr/sbin/voiceqosd ]]; then
	v=$("$B/root/voiceqosd/usr/sbin/voiceqosd" -V 2>&1)
	[[ $v == *0.1* ]]
	check "package: voiceqosd -V reports PKG_VERSION" $? "'$v'"
fi
pv=$(sed -n 's/^PKG_VERSION:=//p' "$PKG/Makefile")
av=$(sed -n 's/^VQOS_VERSION ?= //p' "$REPO/agent/Makefile")
[[ -n $pv && $pv == "$av" ]]
check "package: PKG_VERSION ($pv) = agent VQOS_VERSION ($av)" $? "they differ"
# Every library on the agent's link lines must come from a package in DEPENDS (OpenWrt
# names: libosip2 ships libosipparser2 too, libnl-route pulls libnl-core).
deps=" $(make -s -C "$PKG" "${MOCK[@]}" BUILD_DIR="$B" print-DEPENDS_voiceqosd 2>&1) "
missing=
libs=$(grep -E ' -o voiceqosd? ' "$TMP/pkg.log" | grep -oE -- ' -l[^ ]+' | sort -u | tr -d ' ')
for l in $libs; do
	case $l in
	-lmnl) p=libmnl ;;
	-losip2 | -losipparser2) p=libosip2 ;;
	-linih) p=libinih ;;
	-lpcap) p=libpcap ;;
	-lnl-route-3 | -lnl-3) p=libnl-route ;;
	-lm | -lc | -lpthread | -ldl | -lrt) continue ;; # musl's libc
	*) p="? (no OpenWrt package known for $l)" ;;
	esac
	[[ $deps == *" +$p "* ]] || missing+=" $l:$p"
done
[[ -n $libs && -z $missing && $deps == *" +kmod-voiceqos "* ]]
st=$?
libs=$(tr '\n' ' ' <<<"$libs" | sed 's/ $//')
check "package: DEPENDS covers the agent's libraries ($libs) and kmod-voiceqos" $st \
	"missing:$missing (DEPENDS:$deps)"

echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
