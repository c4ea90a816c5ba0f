# SPDX-License-Identifier: GPL-2.0
#
# voiceqos top-level Makefile. See README.md for the targets; the shared build/test contract
# is what the other scripts rely on, keep the target names and output paths stable.
#
# The kernel module is never built in kmod/ itself: each kernel gets a private copy of the
# module sources under build/<abi>/ so that the 6.1 and 6.12 objects (and their .cmd files)
# can coexist and an incremental build for one line never reuses objects from the other.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := all

TOP := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
export VQOS_CACHE ?= $(HOME)/.cache/voiceqos

KERNELS := $(TOP)/tools/kernels.sh
LINES := 6.1 6.12
LINE ?= 6.1

# Resolved lazily and once: kernels.sh asks apt-cache, which "make clean" or "make deps" on
# a fresh machine must not need (and cannot answer before apt-get update).
KDIR ?= $(eval KDIR := $$(shell $(KERNELS) kdir $(LINE)))$(KDIR)

# The ABI comes from the headers themselves so that any KDIR works. Not kernel.release or
# "make kernelrelease": Debian's 6.1 headers say "6.1.192" there, while the vermagic
# (UTS_RELEASE) is "6.1.0-56-amd64", which is what the build dir must be named after.
abi_of = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(1)/include/generated/utsrelease.h 2>/dev/null)

# BUILD_DIR may be overridden (make style uses a throw-away tree); default build/<abi>.
BUILD_DIR ?= $(eval BUILD_DIR := $$(TOP)/build/$$(call abi_of,$$(KDIR)))$(BUILD_DIR)

# W= and C= are passed to kbuild only when given, so that kbuild sees them with origin
# "command line" exactly as if the user had typed them at make -C KDIR.
KBUILD_ARGS = $(if $(W),W=$(W)) $(if $(C),C=$(C)) $(if $(V),V=$(V))

# Entry points written by other parts of the project (tests/, tools/); overridable, and a
# missing one is reported as such rather than as a bare "No such file".
KUNIT ?= tools/kunit.sh
VMTEST ?= tests/vm-run.sh
CHECK ?= tests/run.sh
BENCH ?= tests/bench.sh
DEMO ?= tools/demo.sh
need = [[ -f $(TOP)/$(1) ]] || { echo "make: $(1) does not exist yet" >&2; exit 1; }

.PHONY: all modules modules-all agent style kunit vmtest check bench demo deps clean kopath

all: modules agent

modules:
	@kdir='$(KDIR)'; build='$(BUILD_DIR)'
	if [[ -z $$kdir || ! -f $$kdir/Makefile ]]; then
		echo "make: no kernel headers at '$$kdir' (run 'make deps' or pass KDIR=)" >&2; exit 1
	fi
	if [[ $$build == $(TOP)/build/ ]]; then
		echo "make: cannot read UTS_RELEASE from $$kdir" >&2; exit 1
	fi
	mkdir -p "$$build"
	# cp -a keeps the mtimes, so unchanged sources do not rebuild; sources deleted from
	# the repo are removed from the copy too, in case a Kbuild file globs them.
	cp -a $(TOP)/Kbuild "$$build/Kbuild"
	for d in kmod include; do
		[[ -d $(TOP)/$$d ]] || continue
		cp -a $(TOP)/$$d "$$build/"
		(cd "$$build" && find $$d -type f \( -name '*.[ch]' -o -name Kbuild -o -name Kconfig \) \
			! -name '*.mod.c') | while read -r f; do
			[[ -e $(TOP)/$$f ]] || rm -f "$$build/$$f"
		done
	done
	$(MAKE) -C "$$kdir" M="$$build" $(KBUILD_ARGS) modules
	echo "built $$build/kmod/voiceqos.ko"

# Both supported lines, W=1 unless the caller chose another level.
modules-all:
	@for line in $(LINES); do
		$(MAKE) --no-print-directory modules LINE=$$line KDIR="$$($(KERNELS) kdir $$line)" \
			W=$(or $(W),1) $(if $(C),C=$(C))
	done

# Prints the path of the module built for LINE (or KDIR), for scripts and the VM harness.
kopath:
	@echo '$(BUILD_DIR)/kmod/voiceqos.ko'

# agent/ and tests/tools/ have their own Makefiles (owned by their authors); skip
# directories that do not have one yet so that a partial tree still builds.
agent:
	@for d in agent tests/tools; do
		if [[ -f $(TOP)/$$d/Makefile ]]; then $(MAKE) -C $(TOP)/$$d; fi
	done

style:
	@$(TOP)/tools/style.sh

kunit:
	@$(call need,$(KUNIT))
	cd $(TOP) && $(KUNIT)

# One line with LINE=..., both lines otherwise. The VM runner takes the same --line/--module
# options as tools/vm/run.sh.
vmtest:
	@$(call need,$(VMTEST))
	lines='$(if $(filter command line environment,$(origin LINE)),$(LINE),$(LINES))'
	for line in $$lines; do
		$(MAKE) --no-print-directory modules LINE=$$line KDIR="$$($(KERNELS) kdir $$line)"
		ko=$$($(MAKE) -s --no-print-directory kopath LINE=$$line KDIR="$$($(KERNELS) kdir $$line)")
		$(TOP)/$(VMTEST) --line $$line --module "$$ko"
	done

# tests/run.sh runs every part (style, kunit, VM tests...) and prints "N passed, N failed";
# build first so that a compile error shows up as such and not as a wall of failed tests.
# check, bench and demo are the README's entry points on a fresh machine: they install
# what they need first (tools/deps.sh takes seconds when everything is there).
check: deps
	@$(MAKE) --no-print-directory modules-all agent
	$(call need,$(CHECK))
	cd $(TOP) && $(CHECK)

bench: deps
	@$(MAKE) --no-print-directory modules-all agent
	$(call need,$(BENCH))
	cd $(TOP) && $(BENCH)

demo: deps
	@$(MAKE) --no-print-directory modules-all agent
	$(call need,$(DEMO))
	cd $(TOP) && $(DEMO)

# voiceqos.ko for arm64, armhf, mips (big-endian) and mipsel against Debian's 6.12 source
# configured per arch (cached in $(VQOS_CACHE)/cross/); W=1 warning-free and no undefined
# symbols, one ok/not ok line per arch. CROSS_ARCHES=... for a subset; tools/cross.sh.
.PHONY: cross
cross:
	@$(TOP)/tools/cross.sh $(CROSS_ARCHES)

# make fuzz: every libFuzzer harness of tests/fuzz/ (clang, ASan+UBSan) for FUZZ_SECONDS each
# (default 300), FUZZ_JOBS at once (default 1), niced; new interesting inputs are merged into
# tests/fuzz/corpus/, and any crash fails the target (tools/fuzz.sh, Documentation/fuzzing.md).
# make check replays the corpora without clang (tests/fuzz/Makefile, part fuzz-replay).
.PHONY: fuzz
fuzz:
	@$(if $(FUZZ_SECONDS),FUZZ_SECONDS='$(FUZZ_SECONDS)') $(if $(FUZZ_JOBS),FUZZ_JOBS='$(FUZZ_JOBS)') \
		$(TOP)/tools/fuzz.sh $(FUZZ_HARNESSES)

deps:
	$(TOP)/tools/deps.sh

clean:
	@rm -rf $(TOP)/build
	for d in agent tests/tools; do
		if [[ -f $(TOP)/$$d/Makefile ]]; then $(MAKE) -C $(TOP)/$$d clean; fi
	done

# Recipes are written as one shell script each (set -euo pipefail via .SHELLFLAGS).
.ONESHELL:
