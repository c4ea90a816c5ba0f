#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module load/unload loop, run as root INSIDE the test VM:
#
#   tests/vm-run.sh LINE -- tests/vm/loadloop.sh [N]
#
# N cycles: the argument, else $VQOS_LOADLOOP_N (tools/vm/run.sh passes VQOS_* variables
# into the guest), else $LOADLOOP_N (when run in a guest by hand), else 50; make check
# runs 5 (tests/run.sh passes ${LOADLOOP_N:-5}). Each cycle:
#
#   insmod; `voiceqos batch` installs LOADLOOP_FLOWS (10000) exact flows in the router
#   namespace and 1000 in each of two more namespaces (one of them also with traffic over
#   its loopback), each with a config; udpflood (bounded by --duration) sends over all the
#   router's flow ports lan -> wan plus IPv6 RTP; once the router counts matches, rmmod
#   runs while the traffic still flows; then: module gone, /proc/net/voiceqos gone in every
#   namespace, the module's slab cache (vqos_flow) gone, /proc/slabinfo sampled.
#
# Results: one `ok - cycle N` line per cycle, then
#   slab_kmalloc   active objects of every kmalloc-* cache after the last cycle against
#                  the same after cycle 2 (not boot: the first cycles warm caches up):
#                  the sum may grow by at most LOADLOOP_SLAB_MARGIN objects (default
#                  2048) + 1 %. A leak of one object per flow (12000 per cycle) fails in
#                  any run of 3+ cycles; a leak per load only in long runs (kmemleak's
#                  job, where the kernel has it).
#   kmemleak       only if /sys/kernel/debug/kmemleak exists (Debian's kernels: no)
#   dmesg_clean    no WARN/BUG/leak report (the VM also runs with panic_on_warn=1)
# then `N passed, N failed`.
# shellcheck disable=SC2317 # the case functions are called through run_case
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/vm/lib.sh
source "$REPO/tests/vm/lib.sh"
cd "$REPO"

[[ $(id -u) == 0 ]] || { echo "loadloop.sh: must run as root" >&2; exit 2; }

N=${1:-${VQOS_LOADLOOP_N:-${LOADLOOP_N:-50}}}
FLOWS=${VQOS_LOADLOOP_FLOWS:-${LOADLOOP_FLOWS:-10000}}
MARGIN=${VQOS_LOADLOOP_SLAB_MARGIN:-${LOADLOOP_SLAB_MARGIN:-2048}}
EXTRA_FLOWS=1000
NS_X1=vqx1-$RUN
NS_X2=vqx2-$RUN
if ! [[ $N =~ ^[0-9]+$ && $FLOWS =~ ^[0-9]+$ && $MARGIN =~ ^[0-9]+$ ]] ||
	((N < 1 || N > 1000 || FLOWS < 1 || FLOWS > 50000)); then
	echo "loadloop.sh: N 1..1000, LOADLOOP_FLOWS 1..50000, LOADLOOP_SLAB_MARGIN >= 0" >&2
	exit 2
fi

cleanup() {
	set +e
	kill_jobs
	ip netns exec "$NS_NL" nft delete table inet vqhold 2>/dev/null
	ip netns del "$NS_X1" 2>/dev/null
	ip netns del "$NS_X2" 2>/dev/null
	topology_down
	rm -rf "$TMPD"
}
trap cleanup EXIT

# kmalloc_active: "cache active_objs" for every kmalloc-* cache (dma/cgroup ones too).
kmalloc_active() { awk '$1 ~ /^kmalloc-/ { print $1, $2 }' /proc/slabinfo; }

# Between cycles: let RCU callbacks (kfree_rcu of configs and flows) run, drop the
# reclaimable caches, so that the samples compare like with like.
settle() {
	sleep 1
	echo 3 >/proc/sys/vm/drop_caches
}

case_module_deps() {
	local dep
	[[ -n ${VQOS_MODULE:-} && -f $VQOS_MODULE ]] || fail "VQOS_MODULE '${VQOS_MODULE:-}' is not a file"
	for dep in $(modinfo -F depends "$VQOS_MODULE" | tr , ' ') nf_conntrack nf_defrag_ipv6 \
		nf_tables; do
		pp modprobe "$dep"
	done
	if grep -q '^voiceqos ' /proc/modules; then pp rmmod voiceqos; fi
	for ns in "$NS_X1" "$NS_X2"; do
		pp ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	# Base chains on the same hooks in a namespace of their own keep the kernel's global
	# nf_hooks_needed static keys up while voiceqos unregisters: the last user going away
	# live-patches jump labels with int3, which under qemu TCG occasionally oopses the
	# vCPU running that code (see case_rmmod_10k in datapath.sh). Not what this is about.
	ip netns exec "$NS_NL" nft -f - <<-'NFT'
		table inet vqhold {
			chain i { type filter hook input priority 0; }
			chain f { type filter hook forward priority 0; }
			chain o { type filter hook output priority 0; }
		}
	NFT
	# the batch files, made once
	awk -v d="$WAN4" -v s="$LAN4" -v n="$FLOWS" 'BEGIN { for (i = 0; i < n; i++)
		printf "flow add dst %s:%d src %s:4100 dscp ef cookie %d timeout 3600\n",
		d, 10000 + i, s, i }' \
		>"$TMPD/batch.rtr"
	awk -v n="$EXTRA_FLOWS" 'BEGIN { for (i = 0; i < n; i++)
		printf "flow add dst 127.0.0.1:%d dscp af41 timeout 3600\n", 20000 + i
		print "config set sip-ports 5060,5080 fallback-dscp 8" }' >"$TMPD/batch.x"
}

# One cycle: load, fill, traffic, unload under traffic, check nothing is left.
cycle() {
	local i=$1 t0 matched left
	pp insmod "$VQOS_MODULE"
	t0=$SECONDS
	vq batch "$TMPD/batch.rtr" >/dev/null
	for ns in "$NS_X1" "$NS_X2"; do
		timeout -k 2 120 ip netns exec "$ns" "$VQOS_BIN" batch "$TMPD/batch.x" >/dev/null
	done
	note "flows installed in $((SECONDS - t0)) s"
	[[ $(stat_value flows) == "$FLOWS" ]]
	grep -qx "flows $EXTRA_FLOWS" <(ip netns exec "$NS_X1" cat /proc/net/voiceqos/stats)

	# traffic, bounded: the generators stop by themselves whatever happens here
	wan "$T/udpsink" --bind "$WAN4:10000" --duration 12 --idle 3 >"$TMPD/sink" &
	lan "$T/udpflood" --src "$LAN4:4100" --dst "$WAN4:10000" --ports "$FLOWS" \
		--duration 4 >"$TMPD/flood" &
	gen "$NS_LAN" tx6 --dst "[$WAN6]:10000" --pps 500 --duration 4 >/dev/null &
	pretty X1 "udpflood --dst 127.0.0.1:20000 --ports $EXTRA_FLOWS --duration 4"
	ip netns exec "$NS_X1" "$T/udpflood" --dst 127.0.0.1:20000 --ports "$EXTRA_FLOWS" \
		--duration 4 >/dev/null &
	matched=0
	for _ in $(seq 50); do
		matched=$(stat_value matched)
		((matched > 0)) && break
		sleep 0.1
	done
	((matched > 0)) || fail "cycle $i: no packet matched a flow"
	pp timeout 60 rmmod voiceqos
	wait
	grep -h sent "$TMPD/flood" >&2 || true
	if grep -q '^voiceqos ' /proc/modules; then fail "cycle $i: module still loaded"; fi
	for ns in "" "$NS_RTR" "$NS_X1" "$NS_X2"; do
		if ${ns:+ip netns exec "$ns"} test -e /proc/net/voiceqos; then
			fail "cycle $i: /proc/net/voiceqos left in ${ns:-the init namespace}"
		fi
	done
	left=$(grep -E '^(vqos|voiceqos)' /proc/slabinfo || true)
	[[ -z $left ]] || fail "cycle $i: slab cache left behind: $left"
	settle
	kmalloc_active >"$TMPD/slab.$i"
	note "cycle $i: $matched packets matched before rmmod"
}

# Sum of active objects in a sample.
slab_sum() { awk '{ n += $2 } END { print n + 0 }' "$1"; }

case_slab() {
	local first=$1 last=$2 a b limit
	[[ -f $TMPD/slab.$first && -f $TMPD/slab.$last ]] || fail "slab samples missing"
	a=$(slab_sum "$TMPD/slab.$first")
	b=$(slab_sum "$TMPD/slab.$last")
	limit=$((a + MARGIN + a / 100))
	note "kmalloc-* active objects: $a after cycle $first, $b after cycle $last (limit $limit)"
	# the caches that grew, for the log
	join "$TMPD/slab.$first" "$TMPD/slab.$last" | awk '$3 > $2 { print "    " $1 ": " $2 " -> " $3 }'
	((b <= limit)) || fail "kmalloc-* grew from $a to $b objects (limit $limit)"
}

case_kmemleak() {
	local f=/sys/kernel/debug/kmemleak
	echo scan >"$f"
	sleep 5
	echo scan >"$f"
	if grep -B2 -A12 'unreferenced object' "$f" | grep -q voiceqos; then
		grep -A12 'unreferenced object' "$f" | head -n 40 >&2
		fail "kmemleak reports objects allocated by voiceqos"
	fi
}

case_dmesg_clean() {
	local bad
	bad=$(dmesg_bad "$DMESG_START")
	[[ -z $bad ]] || fail "dmesg: $(head -n3 <<<"$bad" | tr '\n' '|')"
}

# ---- main -----------------------------------------------------------------------------

for f in rtpgen udpflood udpsink; do
	[[ -x $T/$f ]] || { emit "not ok - tools: $T/$f not built (make -C tests/tools)"; exit 1; }
done
[[ -x $VQOS_BIN ]] || { emit "not ok - tools: $VQOS_BIN not built"; exit 1; }

DMESG_START=$(dmesg_mark)
SUITE_T0=$SECONDS
topology_up
# kmemleak only scans while enabled; record the answer before the loop
KMEMLEAK=0
[[ -w /sys/kernel/debug/kmemleak ]] && KMEMLEAK=1

run_case module_deps case_module_deps
for ((c = 1; c <= N; c++)); do
	run_case "cycle $c" cycle "$c"
	grep -q '^voiceqos ' /proc/modules && pp rmmod voiceqos
done
# Cycle 2 against the last (with one cycle there is nothing to compare; two compare 1).
if ((N >= 2)); then
	run_case slab_kmalloc case_slab "$((N >= 3 ? 2 : 1))" "$N"
fi
if ((KMEMLEAK)); then
	run_case kmemleak case_kmemleak
else
	note "no /sys/kernel/debug/kmemleak (CONFIG_DEBUG_KMEMLEAK off): leak check by slab counts only"
fi
run_case dmesg_clean case_dmesg_clean

echo
echo "loadloop: $N cycles, $((SECONDS - SUITE_T0)) s"
echo "$PASSED passed, $FAILED failed"
exit 0
