#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh UNIT_TEST_BINARY VOICEQOS_BINARY
#
# Runs the C unit tests and the CLI checks (cli.sh), prints every case line
# and ends with "N passed, N failed"; exits non-zero if anything failed.
# VQ_WRAP (e.g. a valgrind command line) is prefixed to every program run.
set -u
unit=$1
cli=$2
here=$(cd "$(dirname "$0")" && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# shellcheck disable=SC2086 # VQ_WRAP is a command line on purpose
${VQ_WRAP:-} "$unit" >"$log" 2>&1
rc=$?
# The binary's own summary would not be the last line; ours is.
grep -v '^[0-9]* passed, [0-9]* failed$' "$log"
if [[ $rc -eq 0 ]]; then
	echo "ok - unit-test binary exit status"
else
	echo "not ok - unit-test binary exit status: $rc"
fi | tee -a "$log"

VQ_WRAP=${VQ_WRAP:-} "$here/cli.sh" "$cli" 2>&1 | tee -a "$log"

passed=$(grep -c '^ok - ' "$log")
failed=$(grep -c '^not ok - ' "$log")
echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
