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

# The plain build, then the KASAN one (its own build dir; fails on any KASAN report).
kunit:
	@$(call need,$(KUNIT))
	cd $(TOP) && $(KUNIT) && $(KUNIT) --kasan

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

# --- install ------------------------------------------------------------------------------
# Owned by the install work (Documentation/admin-guide.md). Standard GNU directory
# variables; DESTDIR stages the whole tree (packagers, tests/install/run.sh).
#
#   make install            agent, CLI, man pages, systemd unit, config example, module
#   make install-agent      all of that except the module (when DKMS provides it)
#   make install-module     only the module, for KVER (default: the running kernel)
#   make uninstall          removes what install put there, never a config an admin edited
#   make dkms-install       sources to /usr/src/voiceqos-VERSION, then dkms add/build/install
#   make dkms-uninstall     dkms remove --all and the /usr/src copy
#
# The module goes to /lib/modules/KVER/updates/voiceqos.ko (updates/ wins over a same-named
# in-tree module in depmod's search order, as with DKMS); copied, not `make modules_install`,
# so a staged install needs neither a System.map nor a signing key, and depmod runs only
# for a real install (DESTDIR empty). The config directory is /etc, not PREFIX/etc:
# voiceqosd reads /etc/voiceqos/voiceqos.conf by default whatever the prefix.
VERSION := $(shell sed -n 's/^VQOS_VERSION ?= *//p' $(TOP)/agent/Makefile)
PREFIX ?= /usr/local
EXEC_PREFIX ?= $(PREFIX)
BINDIR ?= $(EXEC_PREFIX)/bin
SBINDIR ?= $(EXEC_PREFIX)/sbin
DATAROOTDIR ?= $(PREFIX)/share
MANDIR ?= $(DATAROOTDIR)/man
SYSCONFDIR ?= /etc
# systemd reads /usr/local/lib/systemd/system as well as /lib/systemd/system.
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
KVER ?= $(shell uname -r)
MODDIR ?= /lib/modules/$(KVER)/updates
# The headers matching KVER: Debian's /lib/modules/KVER/build link.
INSTALL_KDIR ?= /lib/modules/$(KVER)/build
DKMS ?= dkms
DKMS_SRC ?= /usr/src/voiceqos-$(VERSION)
INSTALL ?= install
DEPMOD ?= depmod

MANPAGES := man/voiceqos.8 man/voiceqosd.8 man/voiceqos.conf.5
UNIT := tools/systemd/voiceqosd.service

.PHONY: install install-agent install-module uninstall dkms-install dkms-uninstall dkms-tree

install: install-agent install-module

install-agent:
	@$(MAKE) --no-print-directory -C $(TOP)/agent voiceqos voiceqosd
	d='$(DESTDIR)'
	$(INSTALL) -d "$$d$(BINDIR)" "$$d$(SBINDIR)" "$$d$(MANDIR)/man8" "$$d$(MANDIR)/man5" \
		"$$d$(SYSTEMDUNITDIR)" "$$d$(SYSCONFDIR)/voiceqos"
	$(INSTALL) -m 0755 $(TOP)/agent/voiceqos "$$d$(BINDIR)/voiceqos"
	$(INSTALL) -m 0755 $(TOP)/agent/voiceqosd "$$d$(SBINDIR)/voiceqosd"
	for m in $(MANPAGES); do
		$(INSTALL) -m 0644 "$(TOP)/$$m" "$$d$(MANDIR)/man$${m##*.}/$${m#man/}"
	done
	# The unit names the daemon where this install put it.
	sed 's|@SBINDIR@|$(SBINDIR)|g; s|@SYSCONFDIR@|$(SYSCONFDIR)|g' $(TOP)/$(UNIT) \
		>"$$d$(SYSTEMDUNITDIR)/voiceqosd.service"
	chmod 0644 "$$d$(SYSTEMDUNITDIR)/voiceqosd.service"
	# An existing config is the admin's: the example goes beside it instead.
	conf="$$d$(SYSCONFDIR)/voiceqos/voiceqos.conf"
	if [[ -e $$conf ]]; then
		$(INSTALL) -m 0644 $(TOP)/etc/voiceqos.conf "$$conf.example"
		echo "install: kept $$conf, the shipped one is $$conf.example"
	else
		$(INSTALL) -m 0644 $(TOP)/etc/voiceqos.conf "$$conf"
	fi

install-module:
	@[[ -f $(INSTALL_KDIR)/Makefile ]] || { echo "install: no kernel headers for $(KVER) at" \
		"$(INSTALL_KDIR) (apt install linux-headers-$(KVER), or KVER=/INSTALL_KDIR=)" >&2; exit 1; }
	$(MAKE) --no-print-directory modules KDIR='$(INSTALL_KDIR)'
	ko=$$($(MAKE) -s --no-print-directory kopath KDIR='$(INSTALL_KDIR)')
	$(INSTALL) -D -m 0644 "$$ko" '$(DESTDIR)$(MODDIR)/voiceqos.ko'
	if [[ -z '$(DESTDIR)' ]]; then $(DEPMOD) -a '$(KVER)'; fi

# Removes exactly what install-agent/install-module wrote; the config only if it is still the
# shipped file byte for byte, then the directories install created if they are empty.
uninstall:
	@d='$(DESTDIR)'
	rm -f "$$d$(BINDIR)/voiceqos" "$$d$(SBINDIR)/voiceqosd" \
		"$$d$(MANDIR)/man8/voiceqos.8" "$$d$(MANDIR)/man8/voiceqosd.8" \
		"$$d$(MANDIR)/man5/voiceqos.conf.5" "$$d$(SYSTEMDUNITDIR)/voiceqosd.service" \
		"$$d$(SYSCONFDIR)/voiceqos/voiceqos.conf.example" \
		"$$d$(MODDIR)/voiceqos.ko"
	conf="$$d$(SYSCONFDIR)/voiceqos/voiceqos.conf"
	if [[ -f $$conf ]] && ! cmp -s "$$conf" $(TOP)/etc/voiceqos.conf; then
		echo "uninstall: kept $$conf (edited)"
	else
		rm -f "$$conf"
	fi
	# Our own directories go when empty; shared ones (bin, man8...) only in a staged tree.
	rmdir "$$d$(SYSCONFDIR)/voiceqos" "$$d$(MODDIR)" 2>/dev/null || true
	if [[ -n $$d && -d $$d ]]; then find "$$d" -depth -mindepth 1 -type d -empty -delete; fi
	if [[ -z $$d && -d /lib/modules/$(KVER) ]]; then $(DEPMOD) -a '$(KVER)'; fi

# The DKMS source tree: the module's sources, the uapi header and a Kbuild, nothing else
# (dkms builds it with make -C $kernel_source_dir M=...). DKMS_SRC may point elsewhere
# (tests use a scratch tree).
dkms-tree:
	@src='$(DESTDIR)$(DKMS_SRC)'
	rm -rf "$$src"
	mkdir -p "$$src"
	cp $(TOP)/Kbuild "$$src/Kbuild"
	(cd $(TOP) && find kmod include/uapi -type f \
		\( -name '*.[ch]' -o -name Kbuild -o -name Kconfig \) ! -name '*.mod.c') |
	while read -r f; do $(INSTALL) -D -m 0644 "$(TOP)/$$f" "$$src/$$f"; done
	sed 's/@VERSION@/$(VERSION)/g' $(TOP)/tools/dkms/dkms.conf.in >"$$src/dkms.conf"
	echo "dkms source tree: $$src"

# Not `dkms status | grep -q`: grep leaving early makes dkms die of SIGPIPE, and pipefail
# then reads a registered module as absent.
dkms-install: dkms-tree
	@if [[ -n $$($(DKMS) status -m voiceqos -v '$(VERSION)' 2>/dev/null) ]]; then
		$(DKMS) remove -m voiceqos -v '$(VERSION)' --all
	fi
	$(DKMS) add -m voiceqos -v '$(VERSION)'
	$(DKMS) build -m voiceqos -v '$(VERSION)' -k '$(KVER)'
	$(DKMS) install -m voiceqos -v '$(VERSION)' -k '$(KVER)'

dkms-uninstall:
	@if [[ -n $$($(DKMS) status -m voiceqos -v '$(VERSION)' 2>/dev/null) ]]; then
		$(DKMS) remove -m voiceqos -v '$(VERSION)' --all
	fi
	rm -rf '$(DKMS_SRC)'
