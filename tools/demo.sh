#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: a call across a flooded uplink in the VM, without and with voiceqos, on the
# kernel line LINE (default 6.12). The guest's narration goes to the terminal.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

line=${LINE:-6.12}
ko=$(make -s kopath LINE="$line")
[[ -f $ko ]] || make -s modules LINE="$line"
echo "== voiceqos demo on Debian's $(tools/kernels.sh abi "$line") kernel (qemu, TCG)"
tools/vm/run.sh -v --line "$line" --module "$ko" --timeout 600 -- tests/vm/demo.sh 2> >(
	grep -v -E '^\[ *[0-9]+\.[0-9]+\]|^vqos-init|SeaBIOS|Booting from ROM|^\x1b\[\?7l' >&2)
