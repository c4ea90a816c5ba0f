#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make demo` (tools/demo.sh): the QoS proof of tests/vm/qos.sh with the
# demo's selection, scenarios a (10 calls, ~20 % of the uplink) and b (20 calls, ~60 %)
# under configurations 1 (no QoS), 2 (HTB + fq_codel) and 4 (voiceqos), 10 s of calls
# each unless VQOS_QOS_* say otherwise.
set -euo pipefail
export VQOS_QOS_CONFIGS=${VQOS_QOS_CONFIGS:-1 2 4}
export VQOS_QOS_SCENARIOS=${VQOS_QOS_SCENARIOS:-a b}
export VQOS_QOS_SECONDS=${VQOS_QOS_SECONDS:-10}
exec "$(dirname "${BASH_SOURCE[0]}")/qos.sh"
