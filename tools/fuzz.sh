#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make fuzz`: every libFuzzer harness of tests/fuzz/ (Documentation/fuzzing.md) for a
# bounded time, new interesting inputs merged into the committed corpus, crashes kept.
#
#   tools/fuzz.sh [HARNESS...]        default: all (tests/fuzz/fuzz_*.c)
#
#   FUZZ_SECONDS=300    libFuzzer time per harness (-max_total_time)
#   FUZZ_JOBS=1         harnesses run at once (each is one process)
#   FUZZ_NICE=19        nice level of the fuzzers (the machine stays usable)
#   FUZZ_MERGE=1        0: leave tests/fuzz/corpus/ alone
#
# Per harness NAME:
#   build/fuzz/work/NAME/     the working corpus, kept between runs (libFuzzer writes it)
#   tests/fuzz/corpus/NAME*, tests/fuzz/regressions/NAME/ and the unit-test inputs the
#                             harness is seeded with (`make -C tests/fuzz dirs`): read only
#   build/fuzz/crashes/NAME/  crash-*, leak-*, timeout-*, oom-* inputs
#   build/fuzz/logs/NAME-DATE.log, build/fuzz/record.tsv: one line per run with the
#                             CPU seconds (user+sys, bash time), executions, new
#                             units, corpus size
# After a run the working corpus is merged (-merge=1: only inputs that add coverage) into
# tests/fuzz/corpus/NAME/, which `make check` replays. Exit status 1 if a harness crashed
# (the inputs are listed; fix, then keep each under tests/fuzz/regressions/NAME/), 2 for a
# setup problem.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
TOP=$PWD
O=$TOP/build/fuzz
SECONDS_PER=${FUZZ_SECONDS:-300}
JOBS=${FUZZ_JOBS:-1}
NICE=${FUZZ_NICE:-19}
MERGE=${FUZZ_MERGE:-1}
declare -A MAX_LEN=([input]=16384 [config]=2048 [cli]=1024 [pcap]=16384)

say() { echo "[+] $*" >&2; }
die() { echo "fuzz.sh: $*" >&2; exit 2; }

[[ $SECONDS_PER =~ ^[0-9]+$ && $SECONDS_PER -gt 0 ]] || die "FUZZ_SECONDS must be > 0"
[[ $JOBS =~ ^[0-9]+$ && $JOBS -gt 0 ]] || die "FUZZ_JOBS must be > 0"
command -v clang-14 >/dev/null || command -v clang >/dev/null ||
	die "clang is needed (tools/deps.sh installs it)"

WORKDIRS=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local d
	for d in "${WORKDIRS[@]}"; do rm -rf "$d"; done
}
trap cleanup EXIT

say "make -C tests/fuzz fuzzers"
nice -n 10 make -s -C tests/fuzz -j"$(nproc)" fuzzers >&2
mapfile -t ALL < <(make -s -C tests/fuzz list | tr ' ' '\n' | sed '/^$/d')
harnesses=("$@")
((${#harnesses[@]})) || harnesses=("${ALL[@]}")
for h in "${harnesses[@]}"; do
	[[ " ${ALL[*]} " == *" $h "* ]] || die "no harness '$h' (have: ${ALL[*]})"
done
# "NAME: DIR DIR..." per harness
declare -A DIRS
while IFS= read -r l; do
	DIRS[${l%%:*}]=${l#*: }
done < <(make -s -C tests/fuzz dirs)

mkdir -p "$O/logs"
stamp=$(date -u +%Y%m%dT%H%M%SZ)

# run_one NAME: one bounded libFuzzer run; its summary line goes to $O/logs/NAME.result.
run_one() {
	local h=$1 bin=$O/libfuzzer/fuzz-$1 work=$O/work/$1 crashes=$O/crashes/$1
	local log=$O/logs/$1-$stamp.log tf=$O/logs/$1-$stamp.time dict=$TOP/tests/fuzz/$1.dict
	local args=() rc=0 cpu execs units
	mkdir -p "$work" "$crashes"
	touch "$O/logs/$h.start"
	[[ -f $dict ]] && args+=("-dict=$dict")
	# bash's time: user and system CPU of the fuzzer (a waited descendant), not wall time.
	# shellcheck disable=SC2086 # DIRS is a list of directories without blanks
	{
		TIMEFORMAT='%U %S'
		time timeout -k 10 $((SECONDS_PER + 120)) nice -n "$NICE" "$bin" \
			-max_total_time="$SECONDS_PER" -max_len="${MAX_LEN[$h]:-8192}" -timeout=10 \
			-rss_limit_mb=1024 -print_final_stats=1 -artifact_prefix="$crashes/" \
			"${args[@]}" "$work" ${DIRS[$h]} >"$log" 2>&1 || rc=$?
	} 2>"$tf"
	cpu=$(awk 'NF == 2 { printf "%.1f", $1 + $2 }' "$tf" 2>/dev/null)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	units=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -n 1)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$stamp" "$h" "$SECONDS_PER" "${cpu:-0}" \
		"${execs:-0}" "${units:-0}" "$rc" >"$O/logs/$h.result"
}

running=0
for h in "${harnesses[@]}"; do
	say "fuzz-$h for ${SECONDS_PER}s at nice $NICE (seeds: ${DIRS[$h]})"
	run_one "$h" &
	running=$((running + 1))
	if ((running >= JOBS)); then
		wait -n || true
		running=$((running - 1))
	fi
done
wait

status=0
for h in "${harnesses[@]}"; do
	IFS=$'\t' read -r _ _ _ cpu execs units rc <"$O/logs/$h.result"
	# Merge: the committed corpus becomes the smallest set of inputs (greedy set cover,
	# edges only: hit counts would keep hundreds of near-twins) that, with the other seed
	# directories, covers every edge the committed corpus and the working corpus reach.
	# The working corpus keeps the full variety for the next run on this machine.
	if ((MERGE)); then
		tmp=$(mktemp -d)
		WORKDIRS+=("$tmp")
		corpus=$TOP/tests/fuzz/corpus/$h
		mkdir -p "$tmp/all" "$tmp/old" "$corpus"
		for d in ${DIRS[$h]}; do
			[[ -d $d && $d != "$corpus" ]] || continue
			find "$d" -maxdepth 1 -type f ! -name README.md ! -name MANIFEST \
				-exec cp -t "$tmp/all" {} +
		done
		find "$corpus" -maxdepth 1 -type f -exec cp -t "$tmp/old" {} +
		find "$tmp/all" -type f -printf '%f\n' | sort >"$tmp/before"
		if nice -n "$NICE" "$O/libfuzzer/fuzz-$h" -set_cover_merge=1 -use_counters=0 \
			-max_len="${MAX_LEN[$h]:-8192}" -timeout=10 -rss_limit_mb=1024 \
			"$tmp/all" "$tmp/old" "$O/work/$h" >"$O/logs/$h-$stamp.merge.log" 2>&1; then
			find "$corpus" -maxdepth 1 -type f -delete
			find "$tmp/all" -type f -printf '%f\n' | sort | comm -13 "$tmp/before" - |
				while read -r f; do cp "$tmp/all/$f" "$corpus/"; done
		else
			echo "fuzz.sh: $h: merge failed, corpus unchanged" \
				"(see $O/logs/$h-$stamp.merge.log)" >&2
		fi
	fi
	size=$(find "$TOP/tests/fuzz/corpus/$h" -type f | wc -l)
	kb=$(du -sk --apparent-size "$TOP/tests/fuzz/corpus/$h" | cut -f1)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$stamp" "$h" "$SECONDS_PER" "$cpu" "$execs" \
		"$units" "$size" "$rc" >>"$O/record.tsv"
	# Crashes of this run: the artifacts not older than its start.
	mapfile -t found < <(find "$O/crashes/$h" -maxdepth 1 -type f \
		\( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) \
		-cnewer "$O/logs/$h.start" 2>/dev/null || true)
	if ((${#found[@]})) || [[ $rc != 0 ]]; then
		status=1
		echo "not ok - fuzz $h: exit $rc after ${cpu}s CPU: ${found[*]:-see $O/logs/$h-$stamp.log}"
	else
		echo "ok - fuzz $h: ${cpu}s CPU, $execs executions, $units new units," \
			"committed corpus $size files ($kb KiB)"
	fi
done
exit $status
